/*
 * annotate.h — analyst annotations in the console: loaded from the state
 * database at start and matched to arriving events by id (ES_ANNOTATED, the
 * text kept in a small map), shown as a `+` in the timeline and in full in
 * the detail pane, matched by the filter language (is:annotated, note~...)
 * through annotate_note(), and written with `a`.
 *
 * `a` annotates the marked events, else the current one, in a readline
 * prompt. An annotation may have several lines: end a line with a
 * backslash and the prompt asks for the next one ("note, line 2"); a
 * doubled final backslash is one literal backslash. An existing annotation
 * is offered line by line for editing the same way (when every target has
 * the same one). An empty annotation removes it. Annotating an escalated event queues a note for
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

#include "core/filter.h"
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
/* A filter context that knows the annotations (note~...), with now_ns
 * (0: the current clock) for since:. */
struct filter_ctx annotate_filter_ctx(struct app *a, int64_t now_ns);
/* Sets (or with "" removes) the annotation of events. Returns the number
 * of events changed, or -1 with *err (caller frees). */
int annotate_set(struct app *a, struct event *const *evs, size_t n, const char *text, char **err);
/* `:annotate [TEXT]` (tui/command.c): TEXT directly, else the prompt. */
struct prompt_error;
bool annotate_cmd(struct app *a, const char *args, size_t at, struct prompt_error *e);
/* Detail pane rows. */
void annotate_detail(struct app *a, const struct event *ev, detail_kv_fn add);

#endif
