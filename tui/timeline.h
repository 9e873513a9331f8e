/*
 * timeline.h — the event list (rows, columns, selection, follow, pause).
 * Motion actions (act_DOWN ...) are declared in keys.h.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_TIMELINE_H
#define SOCTERM_TUI_TIMELINE_H

#include <stddef.h>

struct app;

void timeline_draw(struct app *a);
/* Shown events that arrived after the list was paused. */
size_t timeline_new_while_paused(struct app *a);

#endif
