/*
 * forwarder.h — the background thread that empties the escalation outbox
 * (statedb.h) into Splunk Phantom (phantom.h), one escalation at a time in
 * queue order, never blocking its caller.
 *
 * Per escalation, every step is recorded in SQLite before the next one, so a
 * kill -9 at any moment followed by a restart resumes without creating a
 * duplicate container, artifact or note:
 *   1. POST /rest/container with the artifacts inline (source_data_identifier
 *      derived from the events); on existing_container_id (a retry after a
 *      lost answer) each artifact is then checked by SDI and posted alone.
 *   2. Artifacts not yet sent (events that joined later, or the above) go to
 *      /rest/artifact, after a look-up by SDI in that container.
 *   3. Notes: the container's notes are listed first and a note whose marker
 *      ("socterm-note:<db instance>-<hash of event id and text>") is already
 *      there is recorded, not posted again; after a post that got no answer
 *      (timeout, reset, crash), the listing waits until two request
 *      timeouts have passed since, because Phantom does not deduplicate
 *      notes and a late post would otherwise be repeated.
 *   4. Promotion to a case when asked for.
 * Transient failures are retried with capped exponential backoff and jitter
 * (Retry-After honoured, the time kept in the database); permanent ones mark
 * the escalation failed with Phantom's message, for the analyst to retry or
 * cancel. Without a Phantom configured, escalations stay queued (local
 * cases) and are sent once forwarder_configure() provides one.
 *
 * The thread never touches the screen. State changes are appended to a small
 * mutex-protected list; the wake fd becomes readable (and the optional
 * notify callback is called from the forwarder thread) when the list goes
 * from empty to non-empty; forwarder_changes() takes the list.
 *
 * One forwarder per state directory: it holds an exclusive lock on
 * <dir>/forwarder.lock, so a second socterm on the same directory only
 * queues (its status says so) instead of sending twice.
 *
 * Ownership: the creator owns the forwarder (forwarder_free() after
 * forwarder_stop()). Options and configurations are copied.
 * Thread safety: every function may be called from any one controlling
 * thread (the UI thread); forwarder_kick() and forwarder_stats() from any
 * thread. curl_global_init (phantom_global_init) must have run before.
 */
#ifndef SOCTERM_FORWARDER_H
#define SOCTERM_FORWARDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cef.h"
#include "core/phantom.h"
#include "core/statedb.h"

struct forwarder_opts {
	const char *state_dir;
	const struct phantom_conf *phantom; /* NULL: not configured yet */
	/* Defaults for what an escalation does not set: label, sensitivity,
	 * severity map, artifact label and type (name/sdi/severity ignored). */
	const struct cef_params *defaults;
	int inline_max;                     /* artifacts inline in the create; default 50 */
	void (*notify)(void *ctx);          /* optional; called from the forwarder thread */
	void *notify_ctx;
};

struct fwd_change {
	int64_t esc_id;
	enum esc_state state;
	long long container_id;
	int attempts;                       /* attempts ended so far, kept after success */
	int64_t next_attempt_ns;            /* CLOCK_REALTIME; 0 unless queued for a retry */
	char error[240];
};

struct fwd_stats {
	bool configured, running, locked_elsewhere, insecure;
	uint64_t sent, retried, failed, requests;
	int queued;                         /* queued + sending escalations */
	int64_t pause_until_ns;             /* CLOCK_REALTIME, 0 if not backing off */
	char url[200];
	char last_error[240];
};

struct forwarder *forwarder_new(const struct forwarder_opts *o, char **err);
int forwarder_start(struct forwarder *f, char **err);
/* Something was queued, retried or configured: look at the outbox now. */
void forwarder_kick(struct forwarder *f);
/* Sets (or replaces, or with NULL removes) the Phantom configuration. */
void forwarder_configure(struct forwarder *f, const struct phantom_conf *c);
int forwarder_wake_fd(const struct forwarder *f);
/* Takes the pending changes (oldest first); the caller frees *out. */
size_t forwarder_changes(struct forwarder *f, struct fwd_change **out);
void forwarder_stats(struct forwarder *f, struct fwd_stats *out);
/* Lets the request in flight finish for up to drain_ns, then abandons it
 * (it is retried at the next start) and joins the thread. */
void forwarder_stop(struct forwarder *f, int64_t drain_ns);
void forwarder_free(struct forwarder *f);

#endif
