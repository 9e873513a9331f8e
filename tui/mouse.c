/* mouse.c — see mouse.h. */
#include "tui/mouse.h"
#include "tui/app.h"
#include "tui/keys.h"

#include <curses.h>

#define WHEEL_LINES 3

enum mouse_what mouse_map(const struct layout *l, bool detail_open, int y, int x, bool click,
			  int wheel, int *row)
{
	*row = -1;
	if (x < 0 || x >= l->cols || y < 0 || y >= l->rows)
		return MOUSE_NONE;
	if (wheel)
		return wheel < 0 ? MOUSE_WHEEL_UP : MOUSE_WHEEL_DOWN;
	if (click && y >= l->list_y && y < l->list_y + l->list_h) {
		*row = y - l->list_y;
		return MOUSE_SELECT_ROW;
	}
	(void)detail_open;
	return MOUSE_NONE;
}

void mouse_enable(void)
{
	mmask_t mask = BUTTON1_PRESSED | BUTTON1_CLICKED;
#ifdef BUTTON5_PRESSED
	mask |= BUTTON4_PRESSED | BUTTON5_PRESSED;
#else
	mask |= BUTTON4_PRESSED | BUTTON2_PRESSED;
#endif
	mousemask(mask, NULL);
	mouseinterval(0); /* report presses at once: no click-detection delay */
}

static void wheel(struct app *a, int dir)
{
	bool in_detail = a->detail_open && a->focus == FOCUS_DETAIL;
	for (int i = 0; i < WHEEL_LINES; i++) {
		switch (a->focus) {
		case FOCUS_HELP: dir < 0 ? act_HELP_UP(a) : act_HELP_DOWN(a); break;
		case FOCUS_HIST: dir < 0 ? act_HIST_UP(a) : act_HIST_DOWN(a); break;
		case FOCUS_TOP: dir < 0 ? act_TOP_UP(a) : act_TOP_DOWN(a); break;
		default:
			if (in_detail)
				dir < 0 ? act_DETAIL_UP(a) : act_DETAIL_DOWN(a);
			else
				dir < 0 ? act_UP(a) : act_DOWN(a);
		}
	}
}

void mouse_handle(struct app *a)
{
	MEVENT me;
	if (getmouse(&me) != OK)
		return;
	int w = 0;
	if (me.bstate & BUTTON4_PRESSED)
		w = -1;
#ifdef BUTTON5_PRESSED
	else if (me.bstate & BUTTON5_PRESSED)
		w = 1;
#endif
	bool click = me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED);
	int row;
	switch (mouse_map(&a->lay, a->detail_open, me.y, me.x, click, w, &row)) {
	case MOUSE_WHEEL_UP: wheel(a, -1); break;
	case MOUSE_WHEEL_DOWN: wheel(a, 1); break;
	case MOUSE_SELECT_ROW:
		if (a->focus != FOCUS_LIST && a->focus != FOCUS_DETAIL)
			break;
		if (a->list_top + (size_t)row < app_visible_len(a)) {
			a->follow = false;
			a->sel_row = row;
			app_select_index(a, a->list_top + (size_t)row);
			a->focus = FOCUS_LIST;
		}
		break;
	default:
		break;
	}
	a->dirty = true;
}
