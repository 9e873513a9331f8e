/*
 * status.h — the forwarder's live status, shared through the state
 * directory, and `socterm --status`, which reads it.
 *
 * A running `socterm --forward-only` rewrites <state-dir>/status.json about
 * once a second (written to a temporary file, then renamed: a reader never
 * sees half a file) with its pid and the pid's start time (so a recycled pid
 * is not taken for it), its start time, the source's state and counters,
 * the forwarder's counters and the outbox depth and lag. It holds no secret:
 * URLs are shown without credentials and errors are the already sanitised
 * texts of the source and the forwarder. At a clean exit it is written a
 * last time with "running": false.
 *
 * `socterm --status` prints a summary of that file plus the outbox counts
 * read from the state database, and exits 0 only when the forwarder is
 * running and has written its status recently (EXIT_UNAVAILABLE otherwise,
 * also when there is no state yet). It opens the database read-only
 * (statedb_open_readonly): it creates, upgrades and checkpoints nothing, so
 * it never disturbs a running forwarder.
 *
 * Ownership: everything is borrowed; status_read_unsent() fills caller-owned
 * values. Thread safety: call from one thread (the forwarding loop, or main
 * for --status); the statedb handle must belong to the calling thread.
 */
#ifndef SOCTERM_STATUS_H
#define SOCTERM_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/forwarder.h"
#include "core/source.h"

struct config;
struct statedb;

/* What the forwarding loop itself counts. */
struct fwd_counters {
	uint64_t received;      /* events taken from the source */
	uint64_t filtered;      /* not matching --filter (acknowledged, not sent) */
	uint64_t queued;        /* new escalations in the outbox */
	uint64_t joined;        /* grouped into an escalation of the window */
	uint64_t deduplicated;  /* already in the outbox (redeliveries, re-runs) */
	uint64_t commit_errors; /* outbox transactions that failed (retried) */
};

struct status_snapshot {
	bool running;            /* false in the last write of a clean exit */
	int64_t started_ns;      /* CLOCK_REALTIME */
	const char *source_kind; /* "nats", "jetstream", "file" */
	const char *filter;      /* NULL: everything */
	struct source_stats src;
	struct fwd_stats fwd;
	struct fwd_counters c;
	int64_t unsent;          /* queued + sending escalations */
	int64_t oldest_unsent_ns;/* created time of the oldest of them, 0 if none */
};

/* Writes <dir>/status.json atomically. 0, or -1 with *err (caller frees). */
int status_write(const char *dir, const struct status_snapshot *s, char **err);

/* Escalations not sent yet (queued or sending) and the creation time of the
 * oldest (0 if none), in one indexed query. 0 or -1. */
int status_read_unsent(struct statedb *db, int64_t *count, int64_t *oldest_ns);

/* `socterm --status`: prints to out, returns the exit code. */
int status_run(const struct config *cfg, FILE *out);

#endif
