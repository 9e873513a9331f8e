/*
 * annotate.h — analyst annotations in the console: loaded from the state
 * database at start and matched to arriving events by id (ES_ANNOTATED, the
 * text kept in a small map), shown as a `+` in the timeline and in full in
 * the detail pane, matched by the filter language (is:annotated, note~...)
 * through annotate_note(), and written with `a`.
 *
 * `a` annotates the marked events, else the current one, in a readline
 * prompt. An annotation may have several lines: end a line with a
 * backslash and the prompt asks for the next one ("note, line 2"); an
 * existing annotation is edited line by line the same way. An empty
 * annotation removes it. Annotating an escalated event queues a note for
 * its Phantom container (the forwarder sends it).
 *
 * Ownership: the app owns the annotations (a->notes), created by
 * annotate_start() and released by annotate_stop(). Returned texts are
 * borrowed until the annotation changes.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_ANNOTATE_H
#define SOCTERM_TUI_ANNOTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"
#include "tui/escstate.h"

/* Loads the annotations (after escstate_start(): uses its database). */
void annotate_start(struct app *a);
void annotate_stop(struct app *a);
/* An event arrives: ES_ANNOTATED if it has an annotation. */
void annotate_arrived(struct app *a, struct event *ev);
/* The annotation of an event, NULL if none. */
const char *annotate_text(struct app *a, const struct event *ev);
/* filter_ctx.note: arg is the app. */
const char *annotate_note(void *arg, const struct event *ev);
/* Sets (or with "" removes) the annotation of events. Returns the number
 * of events changed, or -1 with *err (caller frees). */
int annotate_set(struct app *a, struct event *const *evs, size_t n, const char *text, char **err);
/* Detail pane rows. */
void annotate_detail(struct app *a, const struct event *ev, detail_kv_fn add);

#endif
