/*
 * detail.h — the detail pane of the selected event (fields or raw JSON).
 * Its actions (act_DETAIL ...) are declared in keys.h.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_DETAIL_H
#define SOCTERM_TUI_DETAIL_H

#include <stddef.h>

struct app;

void detail_draw(struct app *a);
/* The pane's content depends on state that changed (annotation, escalation). */
void detail_invalidate(void);
/* Rows of the current content (for scrolling limits and tests). */
size_t detail_rows(void);

#endif
