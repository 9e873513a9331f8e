/* fwd.c — see fwd.h. */
#include "core/fwd.h"
#include "core/config.h"
#include "core/event.h"
#include "core/evq.h"
#include "core/filter.h"
#include "core/forwarder.h"
#include "core/intern.h"
#include "core/log.h"
#include "core/secret.h"
#include "core/sig.h"
#include "core/source.h"
#include "core/statedb.h"
#include "core/status.h"
#include "core/util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEC 1000000000LL
#define BATCH_MAX 2048            /* events per outbox transaction */
#define TURN_BATCHES 8            /* batches per loop turn, then signals etc. */
#define TICK_NS SEC               /* status file and outbox depth */
#define RETRY_COMMIT_NS SEC
#define AUTH_PREFIX "SOAR auth failed"

/* The events in hand and, for those that match, what goes to the outbox. */
struct batch {
	struct event *ev[BATCH_MAX];
	size_t n;
	struct statedb_fwd_in in[BATCH_MAX];
	struct sbuf raw[BATCH_MAX], key[BATCH_MAX];
	char id[BATCH_MAX][40];
};

struct fwd {
	struct config *cfg;
	struct source *src;
	struct evq *q;
	struct filter *filter;
	struct statedb *db;
	struct forwarder *fw;
	struct batch *b;
	int sfd;
	int log_fd;                     /* -1: stderr */
	struct fwd_counters c;
	int64_t started_ns;
	int64_t next_tick, next_stats, retry_at, next_done_check;   /* mono_ns */
	int64_t unsent, oldest_unsent;
	struct source_stats seen;       /* last source state logged */
	bool seen_locked;
	bool stopping, input_done, auth_failed;
	uint64_t failed_now;            /* escalations failed for good in this run */
	const char *sev_map[PRIO_COUNT];
};

/* ---- configuration ---------------------------------------------------------- */

void fwd_phantom_conf(const struct config *cfg, struct phantom_conf *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->base_url = cfg->phantom_url;
	if (cfg->phantom_token) {
		pc->token = secret_str(cfg->phantom_token);
	} else {
		pc->user = cfg->phantom_user;
		pc->password = cfg->phantom_password ? secret_str(cfg->phantom_password) : NULL;
	}
	pc->insecure = !cfg->verify_ssl;
	pc->ca_file = cfg->phantom_ca;
	pc->connect_timeout_ms = cfg->phantom_connect_timeout_ns / 1000000;
	pc->timeout_ms = cfg->phantom_timeout_ns / 1000000;
	pc->retry_max = 0; /* a daemon never gives up on a transient failure */
	pc->backoff_max_ms = cfg->retry_max_ns / 1000000;
	if (pc->backoff_max_ms < 2000)
		pc->backoff_base_ms = MAX(1, pc->backoff_max_ms / 4);
}

void fwd_cef_defaults(const struct config *cfg, struct cef_params *p, const char **sev_map)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < PRIO_COUNT; i++)
		sev_map[i] = i < CONFIG_NPRIO ? cfg->severity_map[i] : NULL;
	p->label = cfg->label;
	p->sensitivity = sensitivity_name(cfg->sensitivity);
	p->sev_map = sev_map;
}

static const char *container_type(const struct config *cfg)
{
	return cfg->container_type == CONTAINER_CASE ? "case" : NULL;
}

/* ---- logging -------------------------------------------------------------------- */

static char *u64(uint64_t v)
{
	return xasprintf("%llu", (unsigned long long)v);
}

/* (Re)opens the log: --log-file, else stderr. */
static int open_log(struct fwd *f, char **err)
{
	int fd = -1;
	if (f->cfg->log_file && (fd = log_open(f->cfg->log_file, err)) < 0)
		return -1;
	log_init(f->cfg->log_format, fd >= 0 ? fd : STDERR_FILENO);
	if (f->log_fd >= 0)
		close(f->log_fd);
	f->log_fd = fd;
	return 0;
}

static void log_start(struct fwd *f)
{
	struct config *cfg = f->cfg;
	struct source_stats ss;
	source_stats(f->src, &ss);
	char *url = config_redact_url(cfg->phantom_url);
	char *pid = u64((uint64_t)getpid());
	char window[32];
	snprintf(window, sizeof window, "%llds", (long long)(cfg->group_window_ns / SEC));
	log_kv(LOG_INFO, "start", "forwarding events to Phantom", "version", SOCTERM_VERSION,
	       "pid", pid, "source", ss.name, "phantom", url, "filter", cfg->filter ? cfg->filter : "",
	       "group_window", window, "state_dir", cfg->state_dir, NULL);
	for (size_t i = 0; i < cfg->nwarnings; i++)
		log_kv(LOG_WARN, "config", cfg->warnings[i], NULL);
	if (ss.lossy)
		log_kv(LOG_WARN, "lossy", "core NATS: events published while socterm is down or "
		       "disconnected are lost; use --stream and --durable", NULL);
	free(url);
	free(pid);
}

/* ---- outbox ---------------------------------------------------------------------- */

/* rule|hostname|container.id: the repeats --group-window folds together. */
static void group_key(const struct event *ev, struct sbuf *k)
{
	sbuf_reset(k);
	sbuf_adds(k, intern_str(ev->rule, NULL));
	sbuf_addc(k, '|');
	sbuf_adds(k, intern_str(ev->hostname, NULL));
	sbuf_addc(k, '|');
	struct fval v;
	if (event_get_name(ev, "container.id", &v))
		fval_format(&v, k);
}

/* Fills slot m for event ev. -1 if its original bytes cannot be read. */
static int outbox_item(struct fwd *f, const struct event *ev, size_t m)
{
	struct batch *b = f->b;
	sbuf_reset(&b->raw[m]);
	if (event_raw(ev, &b->raw[m]) != 0)
		return -1;
	event_id_text(ev, b->id[m]);
	group_key(ev, &b->key[m]);
	const char *rule = intern_str(ev->rule, NULL);
	b->in[m] = (struct statedb_fwd_in){
		.item = { b->id[m], b->raw[m].s ? b->raw[m].s : "", b->raw[m].len },
		.name = *rule ? rule : NULL,
		.group_key = sbuf_str(&b->key[m]),
	};
	return 0;
}

static void release_hand(struct fwd *f, bool consumed)
{
	struct batch *b = f->b;
	for (size_t i = 0; i < b->n; i++) {
		if (consumed && b->ev[i])
			source_consumed(f->src, b->ev[i]);
		event_free(b->ev[i]);
	}
	b->n = 0;
}

/* Commits the events in hand in one transaction, then acknowledges them.
 * 0, or -1 (they stay in hand). */
static int commit_hand(struct fwd *f)
{
	struct batch *b = f->b;
	size_t m = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct event *ev = b->ev[i];
		if (f->filter && !filter_match(f->filter, ev, NULL))
			continue;
		if (outbox_item(f, ev, m) == 0) {
			m++;
			continue;
		}
		/* Not acknowledged: JetStream redelivers it after AckWait. */
		char id[40];
		event_id_text(ev, id);
		log_kv(LOG_ERROR, "event_unreadable", "original bytes of an event are unreadable",
		       "id", id, NULL);
		f->c.commit_errors++;
		event_free(ev);
		b->ev[i] = NULL;
	}
	struct statedb_batch_opts o = {
		.window_ns = f->cfg->group_window_ns, .label = f->cfg->label,
		.sensitivity = sensitivity_name(f->cfg->sensitivity),
		.container_type = container_type(f->cfg),
	};
	struct statedb_batch_result r = { 0, 0, 0 };
	if (m && statedb_forward_batch(f->db, b->in, m, &o, &r) != 0) {
		f->c.commit_errors++;
		log_kv(LOG_ERROR, "commit_failed", "cannot save events to the outbox; retrying",
		       "error", statedb_error(f->db), NULL);
		return -1;
	}
	size_t taken = 0;
	for (size_t i = 0; i < b->n; i++)
		taken += b->ev[i] != NULL;
	f->c.filtered += taken - m;
	f->c.queued += r.created;
	f->c.joined += r.joined;
	f->c.deduplicated += r.skipped;
	release_hand(f, true);
	if (r.created || r.joined)
		forwarder_kick(f->fw);
	return 0;
}

/* Takes and commits batches while events are there (a bounded number per
 * turn). A refused commit keeps the batch in hand until the retry time. */
static void take_events(struct fwd *f)
{
	struct batch *b = f->b;
	for (int turn = 0; turn < TURN_BATCHES; turn++) {
		if (b->n && mono_ns() < f->retry_at)
			return;
		if (!b->n) {
			b->n = evq_pop(f->q, b->ev, BATCH_MAX);
			f->c.received += b->n;
			if (!b->n)
				return;
		}
		if (commit_hand(f) != 0) {
			f->retry_at = mono_ns() + RETRY_COMMIT_NS;
			return;
		}
	}
}

/* ---- watching the forwarder and the source -------------------------------------- */

static void log_change(struct fwd *f, const struct fwd_change *c)
{
	char esc[24], cid[24], att[16];
	snprintf(esc, sizeof esc, "%lld", (long long)c->esc_id);
	snprintf(cid, sizeof cid, "%lld", c->container_id);
	snprintf(att, sizeof att, "%d", c->attempts);
	switch (c->state) {
	case ESC_SENT:
		log_kv(LOG_INFO, "sent", NULL, "esc", esc, "container", cid, NULL);
		break;
	case ESC_QUEUED:
		if (c->error[0]) {
			char next[32];
			snprintf(next, sizeof next, "%.1fs",
				 (double)MAX(0, c->next_attempt_ns - now_ns()) / 1e9);
			log_kv(LOG_WARN, "retry", NULL, "esc", esc, "attempts", att, "next", next,
			       "error", c->error, NULL);
		}
		break;
	case ESC_FAILED:
		f->failed_now++;
		log_kv(LOG_ERROR, "failed", "Phantom refused the escalation for good", "esc", esc,
		       "error", c->error, NULL);
		if (strncmp(c->error, AUTH_PREFIX, strlen(AUTH_PREFIX)) == 0)
			f->auth_failed = true;
		break;
	case ESC_CANCELLED:
		log_kv(LOG_INFO, "cancelled", NULL, "esc", esc, NULL);
		break;
	case ESC_SENDING:
		break;
	}
}

static void drain_changes(struct fwd *f)
{
	struct fwd_change *c;
	size_t n = forwarder_changes(f->fw, &c);
	for (size_t i = 0; i < n; i++)
		log_change(f, &c[i]);
	free(c);
}

static void watch_source(struct fwd *f)
{
	struct source_stats s;
	source_stats(f->src, &s);
	if (s.state != f->seen.state || strcmp(s.last_error, f->seen.last_error) != 0) {
		enum log_level lv = s.state == CONN_DISCONNECTED || s.state == CONN_CLOSED ||
				    s.state == CONN_ERROR || s.last_error[0] ? LOG_WARN : LOG_INFO;
		log_kv(lv, "source", NULL, "state", conn_state_name(s.state), "source", s.name,
		       "error", s.last_error, NULL);
	}
	if (s.dropped != f->seen.dropped) {
		char *d = u64(s.dropped);
		log_kv(LOG_WARN, "dropped", "core NATS dropped events (consumer too slow)",
		       "dropped", d, NULL);
		free(d);
	}
	f->seen = s;
}

static void watch_forwarder(struct fwd *f)
{
	struct fwd_stats st;
	forwarder_stats(f->fw, &st);
	if (st.locked_elsewhere != f->seen_locked) {
		if (st.locked_elsewhere)
			log_kv(LOG_WARN, "locked", "another socterm sends this state directory's "
			       "outbox: only queuing here", "state_dir", f->cfg->state_dir, NULL);
		else
			log_kv(LOG_INFO, "locked", "sending the outbox", NULL);
		f->seen_locked = st.locked_elsewhere;
	}
}

/* ---- status, stats ------------------------------------------------------------------ */

static void write_status(struct fwd *f, bool running)
{
	struct status_snapshot s = {
		.running = running, .started_ns = f->started_ns, .source_kind = f->src->ops->kind,
		.filter = f->filter ? filter_source(f->filter) : NULL, .c = f->c,
		.unsent = f->unsent, .oldest_unsent_ns = f->oldest_unsent,
	};
	source_stats(f->src, &s.src);
	forwarder_stats(f->fw, &s.fwd);
	char *err = NULL;
	if (status_write(f->cfg->state_dir, &s, &err) != 0) {
		log_kv(LOG_ERROR, "status", err, NULL);
		free(err);
	}
}

static void stats_line(struct fwd *f)
{
	struct fwd_stats st;
	forwarder_stats(f->fw, &st);
	struct source_stats ss;
	source_stats(f->src, &ss);
	char *v[10] = {
		u64(f->c.received), u64(st.sent), u64(f->c.deduplicated), u64(st.retried),
		u64(st.failed), u64((uint64_t)f->unsent), u64(f->c.filtered), u64(ss.pending),
		u64(ss.dropped), NULL,
	};
	v[9] = xasprintf("%.1fs", f->oldest_unsent ? (double)(now_ns() - f->oldest_unsent) / 1e9 : 0.0);
	log_kv(LOG_INFO, "stats", NULL, "received", v[0], "forwarded", v[1], "deduplicated", v[2],
	       "retried", v[3], "failed", v[4], "queue", v[5], "lag", v[9], "filtered", v[6],
	       "pending", v[7], "dropped", v[8], NULL);
	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		free(v[i]);
}

static void tick(struct fwd *f)
{
	int64_t now = mono_ns();
	if (now < f->next_tick)
		return;
	f->next_tick = now + TICK_NS;
	if (status_read_unsent(f->db, &f->unsent, &f->oldest_unsent) != 0)
		log_kv(LOG_ERROR, "outbox", "cannot read the outbox depth", "error",
		       sqlite3_errmsg(statedb_handle(f->db)), NULL);
	write_status(f, true);
	if (f->cfg->stats_interval_ns > 0 && now >= f->next_stats) {
		if (f->next_stats)
			stats_line(f);
		f->next_stats = now + f->cfg->stats_interval_ns;
	}
}

/* ---- signals and reload --------------------------------------------------------------- */

static void reload(struct fwd *f)
{
	char *err = NULL;
	if (config_reload(f->cfg, &err) != EXIT_OK) {
		log_kv(LOG_ERROR, "reload_failed", "configuration not changed", "error", err, NULL);
		free(err);
		return;
	}
	if (open_log(f, &err) != 0) {
		log_init(f->cfg->log_format, STDERR_FILENO);
		log_kv(LOG_ERROR, "log_file", "cannot reopen the log file; logging to stderr",
		       "error", err, NULL);
		free(err);
		err = NULL;
		if (f->log_fd >= 0)
			close(f->log_fd);
		f->log_fd = -1;
	}
	struct filter *nf = filter_compile(f->cfg->filter, &err, NULL);
	if (!nf) {
		log_kv(LOG_ERROR, "reload_failed", "filter does not compile; keeping the old one",
		       "error", err, NULL);
		free(err);
	} else {
		filter_free(f->filter);
		f->filter = nf;
	}
	struct phantom_conf pc;
	fwd_phantom_conf(f->cfg, &pc);
	forwarder_configure(f->fw, &pc);
	char *url = config_redact_url(f->cfg->phantom_url);
	log_kv(LOG_INFO, "reloaded", "configuration re-read", "filter",
	       f->filter ? filter_source(f->filter) : "", "phantom", url, NULL);
	free(url);
	for (size_t i = 0; i < f->cfg->nwarnings; i++)
		log_kv(LOG_WARN, "config", f->cfg->warnings[i], NULL);
}

static void handle_signals(struct fwd *f)
{
	int sig;
	while ((sig = sig_next(f->sfd)) > 0) {
		if (sig == SIGHUP) {
			reload(f);
		} else if (sig == SIGTERM || sig == SIGINT) {
			log_kv(LOG_INFO, "stopping", NULL, "signal", sig == SIGTERM ? "TERM" : "INT", NULL);
			f->stopping = true;
		}
	}
}

/* ---- start, end ---------------------------------------------------------------------- */

/* Escalations refused for their credentials are not the events' fault:
 * queue them again (start-up, and before exiting on an auth failure). */
static void requeue_auth_failures(struct fwd *f)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(statedb_handle(f->db),
			       "SELECT id FROM escalations WHERE state = ?1 AND last_error LIKE ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int(st, 1, ESC_FAILED);
	sqlite3_bind_text(st, 2, AUTH_PREFIX "%", -1, SQLITE_STATIC);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = xgrow(ids, &cap, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	size_t done = 0;
	for (size_t i = 0; i < n; i++)
		done += statedb_retry(f->db, ids[i]) == 0;
	free(ids);
	if (done) {
		char *k = u64(done);
		log_kv(LOG_INFO, "requeued", "escalations refused for their credentials are queued "
		       "again", "count", k, NULL);
		free(k);
	}
}

static int setup(struct fwd *f, char **err)
{
	struct config *cfg = f->cfg;
	if (open_log(f, err) != 0)
		return EXIT_CANTCREAT;
	f->filter = filter_compile(cfg->filter, err, NULL);
	if (!f->filter) {
		char *e = *err;
		*err = xasprintf("filter: %s", e);
		free(e);
		return EXIT_CONFIG;
	}
	if (!(f->db = statedb_open(cfg->state_dir, err)))
		return EXIT_CANTCREAT;
	requeue_auth_failures(f);
	struct phantom_conf pc;
	struct cef_params defaults;
	fwd_phantom_conf(cfg, &pc);
	fwd_cef_defaults(cfg, &defaults, f->sev_map);
	struct forwarder_opts fo = { .state_dir = cfg->state_dir, .phantom = &pc,
				     .defaults = &defaults };
	if (!(f->fw = forwarder_new(&fo, err)))
		return EXIT_CANTCREAT;
	if (forwarder_start(f->fw, err) != 0)
		return EXIT_SOFTWARE;
	if ((f->sfd = sig_open()) < 0) {
		*err = xasprintf("signalfd: %s", strerror(errno));
		return EXIT_SOFTWARE;
	}
	return EXIT_OK;
}

/* A file or stdin is done once read, committed and delivered. */
static void check_backfill(struct fwd *f)
{
	struct source_stats s;
	source_stats(f->src, &s);
	if (!f->input_done && s.state == CONN_EOF && evq_len(f->q) == 0 && f->b->n == 0) {
		f->input_done = true;
		char *k = u64(f->c.received);
		log_kv(LOG_INFO, "input_done", "end of input; delivering the outbox", "events", k, NULL);
		free(k);
		f->next_tick = 0;
	}
	/* Looked at every 100 ms, not at each change: the query is not free. */
	if (f->input_done && mono_ns() >= f->next_done_check) {
		f->next_done_check = mono_ns() + 100 * 1000000LL;
		if (status_read_unsent(f->db, &f->unsent, &f->oldest_unsent) == 0 && f->unsent == 0)
			f->stopping = true;
	}
}

static void loop(struct fwd *f)
{
	while (!f->stopping && !f->auth_failed) {
		int64_t wait = f->b->n ? f->retry_at - mono_ns() : f->next_tick - mono_ns();
		wait = MIN(MAX(wait, 0), TICK_NS);
		if (f->input_done)
			wait = MIN(wait, 100 * 1000000LL);
		struct pollfd p[3] = {
			{ f->b->n ? -1 : evq_fd(f->q), POLLIN, 0 },
			{ f->sfd, POLLIN, 0 },
			{ forwarder_wake_fd(f->fw), POLLIN, 0 },
		};
		poll(p, 3, (int)(wait / 1000000) + 1);
		if (p[1].revents & POLLIN)
			handle_signals(f);
		evq_clear(f->q);
		take_events(f);
		drain_changes(f);
		watch_source(f);
		watch_forwarder(f);
		tick(f);
		check_backfill(f);
	}
}

/* Stops the source, commits what it had already handed over (core NATS and
 * files cannot give it again), then lets the request in flight finish. */
static int finish(struct fwd *f, char **err)
{
	source_stop(f->src);
	evq_close(f->q);
	int rc = EXIT_OK;
	for (int tries = 0; tries < 3; tries++) {
		for (;;) {
			if (!f->b->n) {
				f->b->n = evq_pop(f->q, f->b->ev, BATCH_MAX);
				f->c.received += f->b->n;
				if (!f->b->n)
					break;
			}
			if (commit_hand(f) != 0)
				break;
		}
		if (!f->b->n)
			break;
		usleep(200 * 1000);
	}
	if (f->b->n || evq_len(f->q)) {
		size_t lost = f->b->n + evq_len(f->q);
		*err = xasprintf("%zu events could not be saved to the outbox", lost);
		log_kv(LOG_ERROR, "not_saved", *err, NULL);
		release_hand(f, false);
		rc = EXIT_IOERR;
	}
	forwarder_kick(f->fw);
	forwarder_stop(f->fw, f->cfg->phantom_timeout_ns + 2 * SEC);
	drain_changes(f);
	return rc;
}

static int exit_code(struct fwd *f, int rc, char **err)
{
	if (f->auth_failed) {
		requeue_auth_failures(f);
		free(*err);
		*err = xstrdup("Phantom refused the credentials (HTTP 401/403); the events stay "
			       "queued in the outbox: fix the credentials and start again");
		return EXIT_NOPERM;
	}
	if (rc == EXIT_OK && f->input_done && f->failed_now) {
		*err = xasprintf("%llu escalations were refused by Phantom and stay failed in the "
				 "outbox (see socterm --status)", (unsigned long long)f->failed_now);
		return EXIT_DATA;
	}
	return rc;
}

int fwd_run(struct config *cfg, struct source *src, struct evq *q, char **err)
{
	struct fwd *f = xcalloc(1, sizeof(*f));
	f->cfg = cfg;
	f->src = src;
	f->q = q;
	f->sfd = -1;
	f->log_fd = -1;
	f->b = xcalloc(1, sizeof(*f->b));
	f->started_ns = now_ns();
	source_stats(src, &f->seen);
	int rc = setup(f, err);
	if (rc == EXIT_OK) {
		log_start(f);
		loop(f);
		rc = finish(f, err);
		rc = exit_code(f, rc, err);
		status_read_unsent(f->db, &f->unsent, &f->oldest_unsent);
		write_status(f, false);
		char code[8];
		snprintf(code, sizeof code, "%d", rc);
		log_kv(rc ? LOG_ERROR : LOG_INFO, "exit", *err, "code", code, NULL);
	} else {
		source_stop(src);
	}
	forwarder_free(f->fw);
	statedb_close(f->db);
	filter_free(f->filter);
	for (size_t i = 0; i < BATCH_MAX; i++) {
		sbuf_free(&f->b->raw[i]);
		sbuf_free(&f->b->key[i]);
	}
	release_hand(f, false);
	free(f->b);
	if (f->sfd >= 0)
		close(f->sfd);
	log_init(LOG_FORMAT_TEXT, STDERR_FILENO);
	if (f->log_fd >= 0)
		close(f->log_fd);
	free(f);
	return rc;
}
