/*
 * mouse.h — optional mouse support (--mouse; off by default so the
 * terminal's own selection, copy and paste keep working). A click on a
 * timeline row selects it; the wheel scrolls the list, the detail pane, the
 * help, the histogram or the top view, whichever is under the pointer.
 *
 * mouse_map() is the pure part (where did the click land, what does it
 * mean) so it can be tested without a terminal.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_MOUSE_H
#define SOCTERM_TUI_MOUSE_H

#include <stdbool.h>

struct app;
struct layout;

enum mouse_what { MOUSE_NONE, MOUSE_SELECT_ROW, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };

/* What a button event at (y, x) means on this layout. `click` and
 * `wheel` (-1 up, +1 down, 0 none) come from the curses event. For
 * MOUSE_SELECT_ROW *row is the timeline row (0 = first list row). */
enum mouse_what mouse_map(const struct layout *l, bool detail_open, int y, int x, bool click,
			  int wheel, int *row);
/* Turns mouse reporting on (at start, with --mouse). */
void mouse_enable(void);
/* Handles KEY_MOUSE: reads the event and acts on it. */
void mouse_handle(struct app *a);

#endif
