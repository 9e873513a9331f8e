/*
 * statedb.h — durable local state in SQLite: analyst annotations, the
 * escalation outbox (escalations, their events, notes to send), and prompt
 * histories.
 *
 * The outbox is what makes escalation reliable: the UI queues an escalation
 * (one transaction, with the original bytes of every event) and returns at
 * once; the forwarder thread claims due work, records each step (container
 * id, each artifact id, each note id) before moving on, and marks the
 * escalation sent, or queued again with the next retry time, or failed. A
 * crash at any moment leaves a consistent database (WAL, synchronous=FULL,
 * every change in a transaction); an escalation left "sending" by a crash is
 * queued again when the database is next opened.
 *
 * Files: <dir>/socterm.db (0600) in a directory created 0700. Schema version
 * in PRAGMA user_version, upgraded by migrations at open; a database from a
 * newer socterm is refused rather than damaged.
 *
 * Annotations and the outbox are linked: queuing an escalation also queues a
 * note for every annotated event in it, and annotating an event that is
 * already escalated queues a note for its container (or updates the text of
 * a note not yet sent).
 *
 * Ownership: the caller owns the struct statedb (statedb_close()). Returned
 * structures are released with their *_free() function; strings passed in
 * are copied. Errors: functions return -1 (or NULL) and statedb_error()
 * gives a short text (valid until the next call).
 * Thread safety: one connection per thread — open one struct statedb in each
 * thread that needs it (the UI and the forwarder each have theirs); SQLite's
 * locking with a busy timeout serialises writers between them.
 */
#ifndef SOCTERM_STATEDB_H
#define SOCTERM_STATEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sqlite3;

enum esc_state { ESC_QUEUED, ESC_SENDING, ESC_SENT, ESC_FAILED, ESC_CANCELLED };
enum esc_kind { ESC_NEW, ESC_EXISTING };

const char *esc_state_name(enum esc_state s);

#define STATEDB_VERSION 4

struct statedb;

/* Opens (creating) <dir>/socterm.db. NULL with *err (caller frees). */
struct statedb *statedb_open(const char *dir, char **err);
/* Read-only (`socterm --status`): creates, upgrades and writes nothing,
 * and closing it never checkpoints, so a running forwarder is never
 * disturbed. An older schema is read as it is. NULL with *err set on
 * error; NULL with *err NULL when there is no state yet (no database, or
 * one never set up). */
struct statedb *statedb_open_readonly(const char *dir, char **err);
/* Tests: open but migrate no further than `version`. */
struct statedb *statedb_open_version(const char *dir, int version, char **err);
void statedb_close(struct statedb *db);
/* For the forwarder's own connection: commits stop waiting for fsync (WAL,
 * synchronous=NORMAL). A process crash still loses nothing committed; only
 * a power loss can undo the last progress records, and then the work is
 * simply retried, which Phantom deduplicates (container and artifact SDIs,
 * note markers). Queuing (what the caller acks upstream) stays fully
 * durable on the other connections. */
int statedb_relax_durability(struct statedb *db);
const char *statedb_error(const struct statedb *db);
int statedb_version(struct statedb *db);
/* Random id of this database, in note markers ("socterm-note:<id>-<hash>"). */
const char *statedb_instance(const struct statedb *db);
/* The raw handle, for tests and diagnostics only. */
struct sqlite3 *statedb_handle(struct statedb *db);

/* ---- annotations (UI thread) ---- */

/* Sets the annotation of an event (empty text removes it). Returns the
 * number of escalations that got a note queued (kick the forwarder), or -1. */
int statedb_annotate(struct statedb *db, const char *event_id, const char *text, const char *author);
typedef void (*statedb_annotation_cb)(void *ctx, const char *event_id, const char *text,
				      const char *author, int64_t updated_ns);
int statedb_annotations_load(struct statedb *db, statedb_annotation_cb cb, void *ctx);

/* ---- queuing (UI thread, --forward-only) ---- */

struct statedb_esc {
	enum esc_kind kind;
	long long target_container;  /* ESC_EXISTING */
	const char *name, *severity, *label, *sensitivity, *container_type;
	const char *sdi;             /* NULL: cef_sdi() of the event ids */
	const char *group_key;       /* NULL: never joined by later events */
};

struct statedb_item_in {
	const char *event_id;
	const char *raw;             /* original bytes of the event */
	size_t len;
};

/* Queues one escalation of n >= 1 events. Returns its id or -1. */
int64_t statedb_queue(struct statedb *db, const struct statedb_esc *e,
		      const struct statedb_item_in *items, size_t n);

/* --forward-only: many single-event escalations in one transaction. With
 * window_ns > 0, an event whose group_key matches an escalation created
 * within the window joins it as one more item (when that container was
 * already sent, the item goes to it as an artifact). An event already in
 * the outbox (same id, e.g. a redelivery) is skipped. */
struct statedb_fwd_in {
	struct statedb_item_in item;
	const char *name, *severity;
	const char *group_key;
};
struct statedb_batch_opts {
	int64_t window_ns;
	const char *label, *sensitivity, *container_type;
};
struct statedb_batch_result {
	size_t created, joined, skipped;
};
int statedb_forward_batch(struct statedb *db, const struct statedb_fwd_in *v, size_t n,
			  const struct statedb_batch_opts *o, struct statedb_batch_result *res);

/* ---- cases view (UI thread) ---- */

struct statedb_case {
	int64_t id, created_ns, updated_ns, next_attempt_ns;
	enum esc_kind kind;
	enum esc_state state;
	long long container_id, target_container;
	int attempts;                /* every attempt that ended, kept after success */
	int items, items_sent, notes, notes_sent;
	char *name, *severity, *sdi, *last_error;
	char *label, *sensitivity, *container_type;   /* NULL: the defaults */
};
/* Newest first, at most `limit` (0 = all). Returns the count or -1. */
int statedb_cases(struct statedb *db, int limit, struct statedb_case **out);
/* One escalation: 0, 1 when the database stayed busy, -1 (error, or "no
 * escalation N"). The strings are freed with statedb_case_clear(). */
int statedb_case_get(struct statedb *db, int64_t id, struct statedb_case *out);
/* statedb_case_get() without waiting for a lock: for the console following
 * work that another process sends (busy: try again later). */
int statedb_case_peek(struct statedb *db, int64_t id, struct statedb_case *out);
void statedb_cases_free(struct statedb_case *v, int n);
/* Frees the strings of one case (from statedb_case_get()). */
void statedb_case_clear(struct statedb_case *c);
/* Every event of an escalation, in order, with its original bytes
 * (read-only, e.g. to export a case). Returns 0 or -1. */
typedef void (*statedb_raw_cb)(void *ctx, const char *event_id, const void *raw, size_t len);
int statedb_case_events(struct statedb *db, int64_t id, statedb_raw_cb cb, void *ctx);
/* The events of the newest `limit` escalations (0 = all), oldest
 * escalation first, so that a caller keeping one escalation per event ends
 * with the newest. Returns 0 or -1. */
typedef void (*statedb_item_cb)(void *ctx, const char *event_id, int64_t esc_id);
int statedb_items_load(struct statedb *db, int limit, statedb_item_cb cb, void *ctx);
/* failed or queued -> queued now, the run of failures reset (attempts
 * kept). 0, or -1 (wrong state, or no such escalation: "no escalation N"). */
int statedb_retry(struct statedb *db, int64_t id);
/* queued, sending or failed -> cancelled. 0, or -1 (sent, cancelled, or
 * no such escalation). */
int statedb_cancel(struct statedb *db, int64_t id);
/* Counts by state (array of 5, indexed by enum esc_state). */
int statedb_counts(struct statedb *db, int counts[5]);

/* ---- forwarder thread ---- */

struct statedb_work_item {
	int position;
	char *event_id;
	char *raw;
	size_t len;
	bool sent;
	long long artifact_id;
};
struct statedb_work_note {
	int64_t id;
	char *event_id, *author, *text;
	int64_t attempt_ns;  /* last POST started (CLOCK_REALTIME), 0 if never */
	bool sent;
	long long note_id;
};
struct statedb_work {
	int64_t id;
	enum esc_kind kind;
	long long target_container, container_id;
	char *name, *severity, *label, *sensitivity, *container_type, *sdi;
	int attempts;                /* every attempt so far */
	int failures;                /* failed in a row: backoff and retry limit */
	bool promoted;
	struct statedb_work_item *items;
	size_t nitems;
	struct statedb_work_note *notes;
	size_t nnotes;
};

/* Queues again what a crash left "sending". Only the forwarder calls it, at
 * its start (another connection of the same process may be mid-send). */
int statedb_recover(struct statedb *db);
/* Claims the oldest queued escalation due at now_ns (state -> sending).
 * 1 claimed, 0 none due, -1 error. */
int statedb_claim(struct statedb *db, int64_t now_ns, struct statedb_work *w);
void statedb_work_free(struct statedb_work *w);
/* Earliest next_attempt of queued work (ns), INT64_MAX if none, -1 error. */
int64_t statedb_next_due(struct statedb *db);
enum esc_state statedb_state(struct statedb *db, int64_t id);

/* Progress, each in its own transaction. */
int statedb_set_container(struct statedb *db, int64_t id, long long container_id,
			  const int *sent_positions, size_t n);
int statedb_item_sent(struct statedb *db, int64_t id, int position, long long artifact_id);
int statedb_note_sent(struct statedb *db, int64_t note_id, long long phantom_note_id);
/* Recorded before a note is posted: Phantom has no duplicate check for
 * notes, so an unanswered post must settle before the notes are listed. */
int statedb_note_attempt(struct statedb *db, int64_t note_id, int64_t when_ns);
int statedb_set_promoted(struct statedb *db, int64_t id);
/* sending -> sent, or queued again if items or notes were added meanwhile;
 * attempts+1, failures reset. */
int statedb_mark_sent(struct statedb *db, int64_t id);
/* sending -> queued with attempts+1, failures+1 and the next attempt time. */
int statedb_mark_retry(struct statedb *db, int64_t id, int64_t next_ns, const char *error);
/* sending -> failed, attempts+1, failures+1 (kept for the analyst to retry
 * or cancel). */
int statedb_mark_failed(struct statedb *db, int64_t id, const char *error);

/* ---- prompt histories (UI thread) ---- */

/* Appends a line (a repeat of the last line is not stored twice) and keeps
 * the newest `cap` lines of that kind. */
int statedb_history_add(struct statedb *db, const char *kind, const char *line, int cap);
typedef void (*statedb_history_cb)(void *ctx, const char *line);
/* Oldest first. */
int statedb_history_load(struct statedb *db, const char *kind, statedb_history_cb cb, void *ctx);

#endif
