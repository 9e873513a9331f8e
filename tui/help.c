/* help.c — the help screen, generated from the key table (keys.h). */
#include "tui/help.h"
#include "tui/app.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "tui/keys.h"

#include <string.h>

/* Rows: a group title when the group changes, then one row per action. */
static int help_lines(void)
{
	int n = 0;
	const char *group = NULL;
	for (size_t i = 0; keys_row(i); i++) {
		if (!group || strcmp(group, keys_row(i)->group) != 0) {
			group = keys_row(i)->group;
			n += 2;
		}
		n++;
	}
	return n;
}

void help_draw(struct app *a)
{
	int top = a->lay.list_y, h = a->lay.status_y - top;
	int total = help_lines();
	a->help_scroll = MAX(0, MIN(a->help_scroll, total - h));
	for (int r = 0; r < h; r++) {
		move(top + r, 0);
		clrtoeol();
	}
	int line = 0, y;
	const char *group = NULL;
	int keyw = MIN(18, a->lay.cols / 3);
	for (size_t i = 0; keys_row(i); i++) {
		const struct key_help *k = keys_row(i);
		if (!group || strcmp(group, k->group) != 0) {
			group = k->group;
			line++; /* blank line */
			y = top + line - a->help_scroll;
			if (y >= top && y < top + h)
				draw_label(stdscr, y, 1, group, a->lay.cols - 1, ui_attr(UI_HELP_GROUP),
					   false);
			line++;
		}
		y = top + line - a->help_scroll;
		line++;
		if (y < top || y >= top + h)
			continue;
		int x = 3;
		x += draw_label(stdscr, y, x, k->keys, keyw, ui_attr(UI_HELP_KEY), true);
		x += draw_label(stdscr, y, x, " ", 1, 0, true);
		draw_label(stdscr, y, x, k->help, a->lay.cols - x, ui_attr(UI_DEFAULT), false);
	}
}

void act_HELP(struct app *a)
{
	a->focus = FOCUS_HELP;
	a->help_scroll = 0;
	a->dirty = true;
}

void act_HELP_CLOSE(struct app *a)
{
	a->focus = FOCUS_LIST;
	a->dirty = true;
}

void act_HELP_DOWN(struct app *a)
{
	a->help_scroll++;
	a->dirty = true;
}

void act_HELP_UP(struct app *a)
{
	a->help_scroll = MAX(0, a->help_scroll - 1);
	a->dirty = true;
}

static int help_page(const struct app *a)
{
	return MAX(1, a->lay.status_y - a->lay.list_y - 1);
}

/* help_draw clamps the scroll to the end. */
void act_HELP_PAGE_DOWN(struct app *a)
{
	a->help_scroll += help_page(a);
	a->dirty = true;
}

void act_HELP_PAGE_UP(struct app *a)
{
	a->help_scroll = MAX(0, a->help_scroll - help_page(a));
	a->dirty = true;
}

void act_HELP_FIRST(struct app *a)
{
	a->help_scroll = 0;
	a->dirty = true;
}

void act_HELP_LAST(struct app *a)
{
	a->help_scroll = help_lines();
	a->dirty = true;
}
