/*
 * marks.h — marking events (Space, T, U, [ and ]) and the set of events an
 * action applies to.
 *
 * Marks live in ev->state (ES_MARKED); the store pins marked events so they
 * are never evicted. Actions (export, and later annotate and escalate) take
 * their events from marks_targets(): the marked events if any, else the
 * selected event or the shown ones, depending on the action.
 *
 * Ownership: struct targets holds borrowed event pointers, valid until the
 * store next changes (use them at once); marks_targets_free() releases the
 * array.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_MARKS_H
#define SOCTERM_TUI_MARKS_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"

struct prompt_error;

enum target_scope {
	TARGET_MARKED_OR_CURRENT,  /* escalate, annotate */
	TARGET_MARKED_OR_SHOWN,    /* export */
};

struct targets {
	struct event **ev;   /* oldest first */
	size_t n;
	bool marked;         /* they are the marked events */
	size_t hidden;       /* of those, how many the filter hides */
};

void marks_targets(struct app *a, enum target_scope scope, struct targets *t);
void marks_targets_free(struct targets *t);

/* Marks (on) or unmarks the shown events matching expr, in the background.
 * false with *e when expr is invalid. */
bool marks_by_filter(struct app *a, const char *expr, bool on, size_t at, struct prompt_error *e);
/* Clears every mark now. */
void marks_clear(struct app *a);

#endif
