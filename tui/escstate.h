/*
 * escstate.h — escalation as the console sees it: the forwarder thread that
 * starts and stops with the console, and what each event's escalation is
 * doing (queued, sending, sent with the container id, waiting for a retry,
 * failed, cancelled). It uses the UI thread's state database connection
 * (a->db); the forwarder thread has its own.
 *
 * The console never talks to Phantom: it queues work in the database
 * (statedb_queue) and kicks the forwarder, whose state changes arrive
 * through its wake fd (in the main loop's poll set) and forwarder_changes().
 * Without a Phantom configured, escalations stay queued as local cases and
 * are sent by a later start that has one. Escalations of earlier runs (the
 * newest ESCSTATE_LOAD of them) are loaded at start, so events read again
 * show their state.
 *
 * Events carry ES_ESCALATED while their newest escalation is not cancelled;
 * the map from event id to that escalation lives here.
 *
 * Ownership: the app owns the state (a->escs), created by escstate_start()
 * and released by escstate_stop(); a->db is borrowed. Returned escinfo pointers are valid until
 * the next call that changes escalations (queue, changes, retry, cancel).
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_ESCSTATE_H
#define SOCTERM_TUI_ESCSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/statedb.h"
#include "core/util.h"
#include "tui/app.h"
#include "tui/colors.h"

#define ESCSTATE_LOAD 5000

struct phantomcfg;

struct escinfo {
	int64_t id;
	enum esc_state state;
	long long container_id;
	int attempts;
	int64_t next_ns;            /* CLOCK_REALTIME of the next retry, 0 if none */
	int events;
	char error[240];            /* last error, "" if none */
};

/* Adds one "key  value" row to the detail pane (detail.c). */
typedef void (*detail_kv_fn)(const char *key, const char *val, enum ui_elem ve);

/* Loads earlier escalations from a->db, starts the forwarder.
 * Problems (unusable state directory, ...) become messages: the console
 * runs without escalation then. */
void escstate_start(struct app *a);
/* Stops the forwarder (a request in flight gets a short time to finish,
 * anything unsent resumes at the next start) and releases everything. */
void escstate_stop(struct app *a);

struct statedb *escstate_db(struct app *a);          /* NULL: unavailable */
const struct phantomcfg *escstate_cfg(struct app *a);

/* The forwarder's wake fd for poll(), -1 without a forwarder. */
int escstate_wake_fd(struct app *a);
/* The wake fd is readable: applies the forwarder's changes. */
void escstate_changes(struct app *a);
/* A few times a second: forwarder statistics for the status bar. */
void escstate_tick(struct app *a);
/* An event arrives: ES_ESCALATED if an escalation holds it. */
void escstate_arrived(struct app *a, struct event *ev);

/* The newest escalation of the event, NULL if none. */
const struct escinfo *escstate_of_event(struct app *a, const struct event *ev);

/* What one escalation sends, taken from the events when the analyst asks:
 * ids and original bytes (the events may leave memory before the analyst
 * confirms), priorities and rule for the defaults. Owns its memory. */
struct escbatch {
	size_t n;
	char (*ids)[40];
	uint8_t (*keys)[16];
	struct sbuf *raws;
	int *prios;
	size_t annotated;
	char *first_rule;           /* the oldest event's rule ("" if none) */
};
/* 0, or -1 with *err (caller frees) when an event's bytes cannot be read. */
int escbatch_init(struct escbatch *b, struct event *const *evs, size_t n, char **err);
void escbatch_free(struct escbatch *b);

/* Queues the batch as one escalation, marks its events escalated and kicks
 * the forwarder. Returns the escalation id, or -1 with *err (caller frees). */
int64_t escstate_queue(struct app *a, const struct statedb_esc *e, const struct escbatch *b,
		       char **err);
/* Retry now (failed or waiting) / cancel (not yet sent). 0, or -1 with *err. */
int escstate_retry(struct app *a, int64_t id, char **err);
int escstate_cancel(struct app *a, int64_t id, char **err);
/* Something else queued work (e.g. a note for an annotated, escalated
 * event): re-read the event's escalation and kick the forwarder. */
void escstate_requeued(struct app *a, const uint8_t event_key[16]);
void escstate_kick(struct app *a);
/* Escalations queued or being sent, from the database (-1 if unknown). */
int escstate_unsent(struct app *a);

/* The display state of a row of the cases list. */
void escinfo_from_case(struct escinfo *e, const struct statedb_case *c);
/* "sent #12", "queued", "sending", "retry at 10:00:05 (attempt 2): why",
 * "failed: why", "cancelled". */
void escinfo_describe(const struct escinfo *e, char *buf, size_t n);
/* The state's colour and the timeline glyph. */
enum ui_elem escinfo_elem(const struct escinfo *e);
char escinfo_glyph(const struct escinfo *e);
/* "BASE_URL/mission/ID" into out ("" when no Phantom URL is known). */
void escstate_link(struct app *a, long long container_id, char *out, size_t n);

/* Writes every escalation as JSON lines (core/caseexport.h) to out. 0 with
 * *count, or -1 with *err (caller frees). */
int escstate_export(struct app *a, FILE *out, size_t *count, char **err);

/* The status bar item: Phantom configured or not, queued, sending, last
 * error, backing off until... *warn when it needs attention. */
void escstate_status(struct app *a, struct sbuf *out, bool *warn);
/* Timeline marker column: ' ' when the event is not escalated. */
char escstate_glyph(struct app *a, const struct event *ev, enum ui_elem *elem);
/* Detail pane rows for the event's escalation. */
void escstate_detail(struct app *a, const struct event *ev, detail_kv_fn add);

#endif
