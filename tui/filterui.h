/*
 * filterui.h — the live filter of the timeline: `f` edits it, `F` turns it
 * off and on, `!` inverts it; --filter / `filter =` sets it at start.
 *
 * The filter decides the store's shown view (store_set_predicate): arriving
 * events are tested as they come. A change re-evaluates every held event
 * through an incremental scan (tui/scan.h), so a million events never
 * freeze the console: until the pass ends, the previous view stays. Filters
 * with since: are re-evaluated as time passes (every second, or less often
 * when a pass is expensive), filters on is:marked/is:annotated/note when the
 * state of events changes (filterui_state_changed()).
 *
 * Ownership: the app owns the filterui (a->filt), filterui_free() releases
 * it and the compiled filters.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_FILTERUI_H
#define SOCTERM_TUI_FILTERUI_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"

/* Compiles the start-up filter (cfg->filter) and installs the predicate.
 * Before the screen starts: -1 with *err (malloc'd, naming the position). */
int filterui_init(struct app *a, char **err);
void filterui_free(struct app *a);

/* Replaces the filter with expr ("" or NULL: no filter). 0, or -1 with *err
 * (malloc'd) and *pos (byte offset in expr). */
int filterui_set(struct app *a, const char *expr, char **err, size_t *pos);
/* The expression in force (NULL if none). */
const char *filterui_expr(const struct app *a);
/* Marks (or annotations) changed: re-evaluate if the filter looks at them. */
void filterui_state_changed(struct app *a);
/* Every loop turn: re-evaluates since: filters as time passes. */
void filterui_tick(struct app *a);
/* Status bar text: "filter: EXPR", "filter (off): EXPR", "filter: NOT EXPR";
 * false when there is no filter. Appends to b (unsanitised: the expression
 * is typed by the analyst, draw it with draw_text()). */
bool filterui_describe(const struct app *a, struct sbuf *b);

#endif
