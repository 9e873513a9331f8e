/*
 * fwd.h — `socterm --forward-only`: the headless forwarder that replaces the
 * old Falco -> NATS -> serverless function -> Phantom pipeline. No curses,
 * no tty needed.
 *
 * The loop (one thread; the source and the forwarder run their own):
 *   pop a batch of events from the evq -> keep those matching --filter ->
 *   commit them to the outbox in ONE transaction (statedb_forward_batch:
 *   one single-event escalation each, or joined to the escalation of the
 *   same rule + host + container within --group-window; events already in
 *   the outbox are skipped) -> only then source_consumed() every event of
 *   the batch, filtered ones too (JetStream acks now) -> kick the forwarder
 *   thread, which sends the outbox to Phantom (forwarder.h).
 * A batch the database refuses (disk full, locked) is kept in hand and
 * retried every second; meanwhile no new event is taken, so back-pressure
 * reaches the source (JetStream stops fetching).
 *
 * Signals: SIGTERM/SIGINT stop taking events, commit what is in hand, let
 * the forwarder finish the request in flight (up to the Phantom timeout),
 * exit 0. SIGHUP re-reads the configuration: filter, Phantom settings, log
 * format and file (reopened, for log rotation); a configuration that does
 * not load (or a filter that does not compile) is logged and the old one
 * kept. NATS settings and the state directory need a restart.
 *
 * Exit codes (config.h): 0 stopped by a signal, or a file/stdin backfill
 * fully delivered; EXIT_DATA (65) a backfill finished but some events were
 * refused by Phantom for good (they stay failed in the outbox, see
 * `socterm --status`); EXIT_NOPERM (77) Phantom refused the credentials
 * (401/403): the escalations that failed that way are queued again, so
 * fixing the credentials and restarting loses nothing; EXIT_CONFIG (78) a
 * filter that does not compile; EXIT_CANTCREAT (73) the state directory or
 * database cannot be opened; EXIT_IOERR (74) events could not be committed
 * at shutdown (JetStream redelivers them; with core NATS or a file they are
 * lost and the log says how many). Transient Phantom failures never end the
 * process: they are retried with capped backoff, forever.
 *
 * Logs (log.h): one line per state change or error, never a secret; a stats
 * line every --stats-interval. Status: <state-dir>/status.json (status.h).
 *
 * Ownership: borrows everything; *cfg may be replaced by config_reload().
 * Thread safety: main thread only. phantom_global_init() must have run
 * before any thread was created.
 */
#ifndef SOCTERM_FWD_H
#define SOCTERM_FWD_H

#include "core/cef.h"
#include "core/phantom.h"

struct config;
struct evq;
struct source;

/* Runs until a signal, the end of a backfill or a fatal error. The source
 * is started; it is stopped here before the last commit. Returns the exit
 * code; *err (malloc'd) says why when it is not 0. */
int fwd_run(struct config *cfg, struct source *src, struct evq *q, char **err);

/* The Phantom client settings of a configuration (strings borrowed from
 * cfg, including the secrets: copy before cfg changes). */
void fwd_phantom_conf(const struct config *cfg, struct phantom_conf *out);

/* Escalation defaults of a configuration; sev_map must have PRIO_COUNT
 * slots (the configuration has none for unknown priorities). */
void fwd_cef_defaults(const struct config *cfg, struct cef_params *out, const char **sev_map);

#endif
