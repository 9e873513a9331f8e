/*
 * cases.h — the cases view (`c`): every escalation in the outbox, newest
 * first (local id, Phantom container id and link, state, events sent,
 * attempts, next retry, last error, name). Enter shows one in full; `r`
 * retries now, `x` or `d` cancels (after a y/n question); `:retry ID` and
 * `:cancel ID` do the same from the command line. The list is read
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

#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"

struct prompt_error;

#define CASES_SHOWN 1000

/* Draws the view in the list area (when a->focus is FOCUS_CASES). */
void cases_draw(struct app *a);
/* Escalations changed: reload if the view is open. */
void cases_changed(struct app *a);
void cases_free(struct app *a);

/* Commands (tui/command.c): `:cases`, `:retry ID`, `:cancel ID` (IDs as the
 * cases view shows them, with or without '#'). */
bool cases_cmd_open(struct app *a, const char *args, size_t at, struct prompt_error *e);
bool cases_cmd_retry(struct app *a, const char *args, size_t at, struct prompt_error *e);
bool cases_cmd_cancel(struct app *a, const char *args, size_t at, struct prompt_error *e);
/* `:cases-export FILE`: every escalation as JSON lines (core/caseexport.h),
 * mode 0600; an existing FILE is not replaced. */
bool cases_cmd_export(struct app *a, const char *args, size_t at, struct prompt_error *e);

#endif
