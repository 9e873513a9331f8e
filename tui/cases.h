/*
 * cases.h — the cases view (`c`): every escalation in the outbox, newest
 * first (local id, Phantom container id and link, state, events sent,
 * attempts, next retry, last error, name). Enter shows one in full; `r`
 * retries now, `x` or `d` cancels (after a y/n question). The list is read
 * from the state database when the view opens and again whenever the
 * forwarder reports a change. Its keys are rows of the key table (scope
 * CASES).
 *
 * Ownership: the app owns the view's state (a->cases), freed by
 * cases_free().
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_CASES_H
#define SOCTERM_TUI_CASES_H

#include "tui/app.h"

#define CASES_SHOWN 1000

/* Draws the view in the list area (when a->focus is FOCUS_CASES). */
void cases_draw(struct app *a);
/* Escalations changed: reload if the view is open. */
void cases_changed(struct app *a);
void cases_free(struct app *a);

#endif
