/* forwarder.c — see forwarder.h. */
#include "core/forwarder.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#define IDLE_RECHECK_NS (5 * 1000000000LL) /* other writers (a second socterm) */
#define CHANGES_MAX 4096
#define DEPTH_EVERY_NS (250 * 1000000LL)

/* A private copy of a phantom_conf (its strings owned). */
struct conf_copy {
	struct phantom_conf c;
	char *strs[6];
};

struct forwarder {
	int64_t depth_at;           /* forwarder thread: last queue count */
	/* immutable after new */
	char *dir;
	char *defaults_strs[4 + PRIO_COUNT];
	const char *sev_map[PRIO_COUNT];
	struct cef_params defaults;
	int inline_max;
	void (*notify)(void *);
	void *notify_ctx;
	int wake_fd;

	pthread_t thread;
	bool started;
	atomic_bool abort_now;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu */
	bool stopping, done, kicked, conf_changed;
	struct conf_copy *pending_conf;
	struct fwd_change *changes;
	size_t nchanges, changes_cap;
	struct fwd_stats st;

	/* forwarder thread only */
	struct statedb *db;
	struct phantom *ph;
	struct conf_copy *conf;
	int lock_fd;
	uint64_t rng;
	int64_t pause_until;
	int fail_streak;
};

/* ---- small helpers ---------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct conf_copy *conf_dup(const struct phantom_conf *c)
{
	if (!c)
		return NULL;
	struct conf_copy *k = xcalloc(1, sizeof *k);
	k->c = *c;
	const char **fields[] = { &k->c.base_url, &k->c.token, &k->c.user, &k->c.password, &k->c.ca_file };
	for (size_t i = 0; i < ARRAY_LEN(fields); i++) {
		k->strs[i] = dup_or_null(*fields[i]);
		*fields[i] = k->strs[i];
	}
	return k;
}

static void conf_free(struct conf_copy *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < ARRAY_LEN(k->strs); i++)
		if (k->strs[i]) {
			memset(k->strs[i], 0, strlen(k->strs[i]));
			free(k->strs[i]);
		}
	free(k);
}

static void deadline_ts(int64_t mono_deadline, struct timespec *ts)
{
	ts->tv_sec = (time_t)(mono_deadline / 1000000000LL);
	ts->tv_nsec = (long)(mono_deadline % 1000000000LL);
}

/* Records a change and wakes the UI. */
static void report(struct forwarder *f, int64_t id, enum esc_state state, long long cid,
		   int attempts, int64_t next, const char *error)
{
	pthread_mutex_lock(&f->mu);
	bool was_empty = f->nchanges == 0;
	if (f->nchanges >= CHANGES_MAX) { /* nobody reads: keep the newest */
		memmove(f->changes, f->changes + 1, (f->nchanges - 1) * sizeof *f->changes);
		f->nchanges--;
	}
	f->changes = xgrow(f->changes, &f->changes_cap, f->nchanges + 1, sizeof *f->changes);
	struct fwd_change *c = &f->changes[f->nchanges++];
	memset(c, 0, sizeof *c);
	c->esc_id = id;
	c->state = state;
	c->container_id = cid;
	c->attempts = attempts;
	c->next_attempt_ns = next;
	snprintf(c->error, sizeof c->error, "%s", error ? error : "");
	pthread_mutex_unlock(&f->mu);
	if (was_empty) {
		uint64_t one = 1;
		if (write(f->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
			(void)0; /* the counter saturates only if nobody ever reads */
		if (f->notify)
			f->notify(f->notify_ctx);
	}
}

static void set_last_error(struct forwarder *f, const char *e)
{
	pthread_mutex_lock(&f->mu);
	snprintf(f->st.last_error, sizeof f->st.last_error, "%s", e);
	pthread_mutex_unlock(&f->mu);
}

static void count(struct forwarder *f, uint64_t *field)
{
	pthread_mutex_lock(&f->mu);
	(*field)++;
	pthread_mutex_unlock(&f->mu);
}

/* The queue depth for stats: a count over the outbox, so at most a few
 * times a second, not after every escalation. */
static void refresh_depth(struct forwarder *f, bool now)
{
	int counts[5];
	int64_t t = mono_ns();
	if (!now && t - f->depth_at < DEPTH_EVERY_NS)
		return;
	f->depth_at = t;
	if (statedb_counts(f->db, counts) == 0) {
		pthread_mutex_lock(&f->mu);
		f->st.queued = counts[ESC_QUEUED] + counts[ESC_SENDING];
		pthread_mutex_unlock(&f->mu);
	}
}

/* ---- one escalation ---------------------------------------------------------- */

struct job {
	struct forwarder *f;
	struct statedb_work *w;
	struct cef_params p;
	struct phantom_result r;
	long long cid;
};

static const char *or_def(const char *s, const char *def)
{
	return s && *s ? s : def;
}

static void job_params(struct job *j)
{
	const struct cef_params *d = &j->f->defaults;
	j->p = *d;
	j->p.name = j->w->name;
	j->p.severity = j->w->severity;
	j->p.label = or_def(j->w->label, d->label);
	j->p.sensitivity = or_def(j->w->sensitivity, d->sensitivity);
	j->p.container_type = j->w->container_type;
	j->p.sdi = j->w->sdi;
}

static void request_done(struct job *j)
{
	count(j->f, &j->f->st.requests);
}

static bool cancelled(struct job *j)
{
	return statedb_state(j->f->db, j->w->id) == ESC_CANCELLED;
}

/* Step 1: the container with its first pending artifacts inline. */
static int create_container(struct job *j)
{
	struct statedb_work *w = j->w;
	size_t k = 0, pending = 0;
	for (size_t i = 0; i < w->nitems; i++)
		pending += !w->items[i].sent;
	size_t cap = MIN(pending, (size_t)j->f->inline_max);
	json_t **evs = xcalloc(cap ? cap : 1, sizeof *evs);
	const char **ids = xcalloc(cap ? cap : 1, sizeof *ids);
	int *pos = xcalloc(cap ? cap : 1, sizeof *pos);
	for (size_t i = 0; i < w->nitems && k < cap; i++) {
		if (w->items[i].sent)
			continue;
		evs[k] = cef_event_load(w->items[i].raw, w->items[i].len);
		ids[k] = w->items[i].event_id;
		pos[k] = w->items[i].position;
		k++;
	}
	int rc = -1;
	json_t *c = k ? cef_container(&j->p, evs, ids, k) : NULL;
	if (!c) {
		snprintf(j->r.error, sizeof j->r.error, "escalation %lld has no events", (long long)w->id);
		j->r.outcome = PH_PERMANENT;
		goto out;
	}
	if (pending > k) { /* more artifacts follow: the last one runs automation */
		json_t *arts = json_object_get(c, "artifacts");
		json_object_set_new(json_array_get(arts, json_array_size(arts) - 1), "run_automation",
				    json_false());
	}
	phantom_container_create(j->f->ph, c, &j->r);
	request_done(j);
	json_decref(c);
	if (!phantom_ok(&j->r))
		goto out;
	j->cid = j->r.id;
	/* created now: the inline artifacts exist; a duplicate: they may not */
	bool created = j->r.outcome == PH_OK;
	if (statedb_set_container(j->f->db, w->id, j->cid, pos, created ? k : 0))
		goto dberr;
	for (size_t i = 0; created && i < w->nitems; i++)
		for (size_t m = 0; m < k; m++)
			if (w->items[i].position == pos[m])
				w->items[i].sent = true;
	report(j->f, w->id, ESC_SENDING, j->cid, w->attempts, 0, NULL);
	rc = 0;
	goto out;
dberr:
	j->r.outcome = PH_TRANSIENT;
	snprintf(j->r.error, sizeof j->r.error, "state database: %.200s", statedb_error(j->f->db));
out:
	for (size_t i = 0; i < k; i++)
		json_decref(evs[i]);
	free(evs);
	free(ids);
	free(pos);
	return rc;
}

static int db_error(struct job *j)
{
	phantom_result_clear(&j->r);
	j->r.outcome = PH_TRANSIENT;
	snprintf(j->r.error, sizeof j->r.error, "state database: %.200s", statedb_error(j->f->db));
	return -1;
}

/* Step 2: every artifact not recorded yet, looked up by SDI first. */
static int send_artifacts(struct job *j)
{
	struct statedb_work *w = j->w;
	size_t last = w->nitems;
	for (size_t i = 0; i < w->nitems; i++)
		if (!w->items[i].sent)
			last = i;
	for (size_t i = 0; i < w->nitems; i++) {
		struct statedb_work_item *it = &w->items[i];
		if (it->sent)
			continue;
		if (cancelled(j))
			return 1;
		phantom_artifact_find(j->f->ph, j->cid, it->event_id, &j->r);
		request_done(j);
		if (!phantom_ok(&j->r))
			return -1;
		long long aid = j->r.id;
		if (!aid) {
			json_t *ev = cef_event_load(it->raw, it->len);
			json_t *a = cef_artifact(&j->p, ev, it->event_id, j->cid, i == last);
			phantom_artifact_add(j->f->ph, a, &j->r);
			request_done(j);
			json_decref(a);
			json_decref(ev);
			if (!phantom_ok(&j->r))
				return -1;
			aid = j->r.id;
		}
		if (statedb_item_sent(j->f->db, w->id, it->position, aid))
			return db_error(j);
		it->sent = true;
	}
	return 0;
}

static const struct statedb_work_item *item_of(const struct statedb_work *w, const char *event_id)
{
	for (size_t i = 0; i < w->nitems; i++)
		if (strcmp(w->items[i].event_id, event_id) == 0)
			return &w->items[i];
	return NULL;
}

/* Id of a listed note carrying the marker, or 0. */
static long long listed_note(json_t *list, const char *marker)
{
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(list, "data"), i, n)
		if (cef_note_has_marker(n, marker)) {
			json_t *id = json_object_get(n, "id");
			return json_is_integer(id) && json_integer_value(id) > 0 ? json_integer_value(id) : 1;
		}
	return 0;
}

/* A note posted earlier without an answer (timeout, or a crash) may still
 * be created by the server; listing the notes before it lands would post it
 * twice. Waits until two request timeouts after that post (or a stop). */
static int settle_notes(struct job *j)
{
	struct forwarder *f = j->f;
	int64_t timeout_ns = (f->conf && f->conf->c.timeout_ms > 0 ? f->conf->c.timeout_ms : 30000) * 1000000LL;
	int64_t settle = 0;
	for (size_t i = 0; i < j->w->nnotes; i++)
		if (j->w->notes[i].attempt_ns)
			settle = MAX(settle, j->w->notes[i].attempt_ns + 2 * timeout_ns);
	int64_t left = settle - now_ns();
	if (left <= 0)
		return 0;
	int64_t until = mono_ns() + MIN(left, 2 * timeout_ns);
	struct timespec ts;
	deadline_ts(until, &ts);
	pthread_mutex_lock(&f->mu);
	while (!f->stopping && mono_ns() < until)
		if (pthread_cond_timedwait(&f->cv, &f->mu, &ts) == ETIMEDOUT)
			break;
	bool stop = f->stopping;
	pthread_mutex_unlock(&f->mu);
	if (stop) {
		phantom_result_clear(&j->r);
		j->r.outcome = PH_TRANSIENT;
		snprintf(j->r.error, sizeof j->r.error, "aborted (stopping)");
		return -1;
	}
	return 0;
}

/* Step 3: notes, never twice: what the container already has is recorded. */
static int send_notes(struct job *j)
{
	struct statedb_work *w = j->w;
	if (w->nnotes == 0)
		return 0;
	if (cancelled(j))
		return 1;
	if (settle_notes(j) != 0)
		return -1;
	phantom_notes_list(j->f->ph, j->cid, &j->r);
	request_done(j);
	if (!phantom_ok(&j->r))
		return -1;
	json_t *list = json_incref(j->r.body);
	int rc = 0;
	for (size_t i = 0; i < w->nnotes && rc == 0; i++) {
		struct statedb_work_note *n = &w->notes[i];
		/* the marker names this text for this event, so the same
		 * annotation reaching the same container twice (two escalations
		 * of one event) is posted once; an edit is a new note */
		char marker[80];
		XXH64_hash_t h = XXH3_64bits_withSeed(n->text, strlen(n->text),
						      XXH3_64bits(n->event_id, strlen(n->event_id)));
		snprintf(marker, sizeof marker, "socterm-note:%s-%016llx", statedb_instance(j->f->db),
			 (unsigned long long)h);
		long long nid = listed_note(list, marker);
		if (!nid) {
			const struct statedb_work_item *it = item_of(w, n->event_id);
			json_t *ev = it && it->raw ? cef_event_load(it->raw, it->len) : json_object();
			int64_t t = 0;
			if (cef_event_time(ev, &t) != 0)
				t = 0;
			struct cef_note_in in = {
				.author = n->author, .text = n->text, .event_id = n->event_id,
				.rule = json_string_value(json_object_get(ev, "rule")),
				.time_ns = t, .marker = marker,
			};
			json_t *note = cef_note(j->cid, &in);
			if (statedb_note_attempt(j->f->db, n->id, now_ns())) {
				json_decref(note);
				json_decref(ev);
				rc = db_error(j);
				break;
			}
			phantom_note_add(j->f->ph, note, &j->r);
			request_done(j);
			json_decref(note);
			json_decref(ev);
			if (!phantom_ok(&j->r)) {
				/* an answer means the server decided: nothing in doubt */
				if (j->r.status != 0)
					statedb_note_attempt(j->f->db, n->id, 0);
				rc = -1;
				break;
			}
			nid = j->r.id;
		}
		if (statedb_note_sent(j->f->db, n->id, nid))
			rc = db_error(j);
	}
	json_decref(list);
	return rc;
}

/* Step 4: promotion (idempotent on the server). */
static int promote(struct job *j)
{
	if (j->w->promoted || !j->w->container_type || strcmp(j->w->container_type, "case") != 0)
		return 0;
	json_t *body = json_pack("{s:s}", "container_type", "case");
	phantom_container_update(j->f->ph, j->cid, body, &j->r);
	request_done(j);
	json_decref(body);
	if (!phantom_ok(&j->r))
		return -1;
	return statedb_set_promoted(j->f->db, j->w->id) ? db_error(j) : 0;
}

/* Records the failure in j->r: a retry later, or failed for good. */
static void handle_failure(struct job *j)
{
	struct forwarder *f = j->f;
	struct statedb_work *w = j->w;
	const char *err = j->r.error[0] ? j->r.error : "failed";
	/* attempts is shown (every attempt); the run of failures since the
	 * last success or manual retry is what backoff and the limit go by */
	int attempts = w->attempts + 1, failures = w->failures + 1;
	int retry_max = f->conf ? f->conf->c.retry_max : 0;
	bool aborted = atomic_load(&f->abort_now);
	set_last_error(f, err);
	if (j->r.outcome == PH_TRANSIENT && (aborted || retry_max <= 0 || failures < retry_max)) {
		int64_t delay = aborted ? 0 : phantom_backoff_ms(f->conf ? &f->conf->c : NULL, failures,
								 j->r.retry_after_ms, &f->rng);
		int64_t next = now_ns() + delay * 1000000LL;
		/* a transient error is usually the server's: everything waits */
		f->fail_streak++;
		int64_t pause = phantom_backoff_ms(f->conf ? &f->conf->c : NULL, f->fail_streak,
						   j->r.retry_after_ms, &f->rng);
		f->pause_until = aborted ? 0 : mono_ns() + pause * 1000000LL;
		pthread_mutex_lock(&f->mu);
		f->st.retried++;
		f->st.pause_until_ns = aborted ? 0 : now_ns() + pause * 1000000LL;
		pthread_mutex_unlock(&f->mu);
		if (statedb_mark_retry(f->db, w->id, next, err) == 0)
			report(f, w->id, ESC_QUEUED, j->cid, attempts, next, err);
		return;
	}
	char final[240];
	if (j->r.outcome == PH_TRANSIENT)
		snprintf(final, sizeof final, "gave up after %d attempts: %.200s", failures, err);
	else
		snprintf(final, sizeof final, "%s", err);
	count(f, &f->st.failed); /* statistics first: a reader of the change sees them */
	if (statedb_mark_failed(f->db, w->id, final) == 0)
		report(f, w->id, ESC_FAILED, j->cid, attempts, 0, final);
}

static void process(struct forwarder *f, struct statedb_work *w)
{
	struct job j = { .f = f, .w = w, .cid = w->container_id };
	phantom_result_clear(&j.r);
	job_params(&j);
	report(f, w->id, ESC_SENDING, j.cid, w->attempts, 0, NULL);
	int rc = 0;
	if (!j.cid)
		rc = create_container(&j);
	if (rc == 0)
		rc = send_artifacts(&j);
	if (rc == 0)
		rc = send_notes(&j);
	if (rc == 0 && !cancelled(&j))
		rc = promote(&j);
	if (rc == 0 && cancelled(&j))
		rc = 1;
	if (rc == 1) {
		report(f, w->id, ESC_CANCELLED, j.cid, w->attempts, 0, NULL);
	} else if (rc == 0) {
		f->fail_streak = 0;
		f->pause_until = 0;
		pthread_mutex_lock(&f->mu);
		f->st.pause_until_ns = 0;
		pthread_mutex_unlock(&f->mu);
		if (statedb_mark_sent(f->db, w->id) == 0) {
			enum esc_state s = statedb_state(f->db, w->id);
			if (s == ESC_SENT)
				count(f, &f->st.sent);
			report(f, w->id, s, j.cid, w->attempts + 1, 0, NULL);
		} else {
			set_last_error(f, statedb_error(f->db));
		}
	} else {
		handle_failure(&j);
	}
	phantom_result_clear(&j.r);
}

/* ---- the thread -------------------------------------------------------------- */

static bool take_lock(struct forwarder *f)
{
	if (f->lock_fd >= 0)
		return true;
	char *path = xasprintf("%s/forwarder.lock", f->dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return false;
	}
	f->lock_fd = fd;
	statedb_recover(f->db); /* ours now: what a crash left "sending" is queued */
	return true;
}

/* Applies a configuration change (in this thread: the CURL handle is ours). */
static void apply_conf(struct forwarder *f, struct conf_copy *k)
{
	phantom_free(f->ph);
	f->ph = NULL;
	conf_free(f->conf);
	f->conf = k;
	char *err = NULL;
	if (k) {
		f->ph = phantom_new(&k->c, &err);
		if (f->ph)
			phantom_set_abort_flag(f->ph, &f->abort_now);
	}
	f->pause_until = 0;
	f->fail_streak = 0;
	pthread_mutex_lock(&f->mu);
	f->st.configured = f->ph != NULL;
	f->st.insecure = f->ph && phantom_insecure(f->ph);
	snprintf(f->st.url, sizeof f->st.url, "%s", f->ph ? phantom_url(f->ph) : "");
	if (err)
		snprintf(f->st.last_error, sizeof f->st.last_error, "%s", err);
	pthread_mutex_unlock(&f->mu);
	free(err);
}

/* Waits (mu held) until kicked, stopped, reconfigured or the deadline. */
static void wait_until(struct forwarder *f, int64_t mono_deadline)
{
	struct timespec ts;
	deadline_ts(mono_deadline, &ts);
	while (!f->stopping && !f->kicked && !f->conf_changed && mono_ns() < mono_deadline)
		if (pthread_cond_timedwait(&f->cv, &f->mu, &ts) == ETIMEDOUT)
			break;
}

static void *run(void *arg)
{
	struct forwarder *f = arg;
	pthread_mutex_lock(&f->mu);
	while (!f->stopping) {
		if (f->conf_changed) {
			struct conf_copy *k = f->pending_conf;
			f->pending_conf = NULL;
			f->conf_changed = false;
			pthread_mutex_unlock(&f->mu);
			apply_conf(f, k);
			pthread_mutex_lock(&f->mu);
			continue;
		}
		if (f->kicked) {
			f->kicked = false;
			f->pause_until = 0;
			f->st.pause_until_ns = 0;
		}
		pthread_mutex_unlock(&f->mu);

		int64_t wait_to = mono_ns() + IDLE_RECHECK_NS;
		bool locked = take_lock(f);
		if (!locked) {
			pthread_mutex_lock(&f->mu);
			f->st.locked_elsewhere = true;
			pthread_mutex_unlock(&f->mu);
		} else if (f->ph && mono_ns() >= f->pause_until) {
			pthread_mutex_lock(&f->mu);
			f->st.locked_elsewhere = false;
			pthread_mutex_unlock(&f->mu);
			struct statedb_work w;
			int c = statedb_claim(f->db, now_ns(), &w);
			if (c == 1) {
				process(f, &w);
				statedb_work_free(&w);
				refresh_depth(f, false);
				pthread_mutex_lock(&f->mu);
				continue; /* look for more at once */
			}
			if (c < 0)
				set_last_error(f, statedb_error(f->db));
			refresh_depth(f, true);
			int64_t due = statedb_next_due(f->db);
			if (due > 0 && due != INT64_MAX)
				wait_to = MIN(wait_to, mono_ns() + MAX(0, due - now_ns()));
		} else if (f->ph) {
			wait_to = MIN(wait_to, f->pause_until);
		} else {
			refresh_depth(f, true);
		}
		pthread_mutex_lock(&f->mu);
		wait_until(f, wait_to);
	}
	f->done = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* ---- control ------------------------------------------------------------------ */

struct forwarder *forwarder_new(const struct forwarder_opts *o, char **err)
{
	*err = NULL;
	if (!o || !o->state_dir) {
		*err = xstrdup("forwarder: no state directory");
		return NULL;
	}
	struct forwarder *f = xcalloc(1, sizeof *f);
	pthread_mutex_init(&f->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cv, &ca);
	pthread_condattr_destroy(&ca);
	f->dir = xstrdup(o->state_dir);
	f->lock_fd = -1;
	f->inline_max = o->inline_max > 0 ? o->inline_max : 50;
	f->notify = o->notify;
	f->notify_ctx = o->notify_ctx;
	f->rng = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 17) ^ (uintptr_t)f;
	const struct cef_params *d = o->defaults;
	if (d) {
		f->defaults_strs[0] = dup_or_null(d->label);
		f->defaults_strs[1] = dup_or_null(d->sensitivity);
		f->defaults_strs[2] = dup_or_null(d->artifact_label);
		f->defaults_strs[3] = dup_or_null(d->artifact_type);
		f->defaults.label = f->defaults_strs[0];
		f->defaults.sensitivity = f->defaults_strs[1];
		f->defaults.artifact_label = f->defaults_strs[2];
		f->defaults.artifact_type = f->defaults_strs[3];
		if (d->sev_map) {
			for (int i = 0; i < PRIO_COUNT; i++)
				f->sev_map[i] = f->defaults_strs[4 + i] = dup_or_null(d->sev_map[i]);
			f->defaults.sev_map = f->sev_map;
		}
	}
	f->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	f->db = statedb_open(o->state_dir, err);
	if (f->db)
		statedb_relax_durability(f->db); /* progress records: see statedb.h */
	if (f->wake_fd < 0 || !f->db) {
		if (!*err)
			*err = xasprintf("forwarder: eventfd: %s", strerror(errno));
		forwarder_free(f);
		return NULL;
	}
	if (o->phantom) {
		f->pending_conf = conf_dup(o->phantom);
		f->conf_changed = true;
	}
	return f;
}

int forwarder_start(struct forwarder *f, char **err)
{
	*err = NULL;
	/* the database connection belongs to the thread from now on */
	int rc = pthread_create(&f->thread, NULL, run, f);
	if (rc != 0) {
		*err = xasprintf("forwarder: cannot start thread: %s", strerror(rc));
		return -1;
	}
	pthread_mutex_lock(&f->mu);
	f->started = true;
	f->st.running = true;
	pthread_mutex_unlock(&f->mu);
	return 0;
}

void forwarder_kick(struct forwarder *f)
{
	pthread_mutex_lock(&f->mu);
	f->kicked = true;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

void forwarder_configure(struct forwarder *f, const struct phantom_conf *c)
{
	struct conf_copy *k = conf_dup(c);
	pthread_mutex_lock(&f->mu);
	conf_free(f->pending_conf);
	f->pending_conf = k;
	f->conf_changed = true;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

int forwarder_wake_fd(const struct forwarder *f)
{
	return f->wake_fd;
}

size_t forwarder_changes(struct forwarder *f, struct fwd_change **out)
{
	uint64_t v;
	while (read(f->wake_fd, &v, sizeof v) > 0)
		;
	pthread_mutex_lock(&f->mu);
	size_t n = f->nchanges;
	*out = f->changes;
	f->changes = NULL;
	f->nchanges = f->changes_cap = 0;
	pthread_mutex_unlock(&f->mu);
	return n;
}

void forwarder_stats(struct forwarder *f, struct fwd_stats *out)
{
	pthread_mutex_lock(&f->mu);
	*out = f->st;
	pthread_mutex_unlock(&f->mu);
}

void forwarder_stop(struct forwarder *f, int64_t drain_ns)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	if (!f->started) {
		pthread_mutex_unlock(&f->mu);
		return;
	}
	f->stopping = true;
	pthread_cond_broadcast(&f->cv);
	struct timespec ts;
	deadline_ts(mono_ns() + MAX(0, drain_ns), &ts);
	while (!f->done)
		if (pthread_cond_timedwait(&f->cv, &f->mu, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&f->mu);
	/* past the drain time: abandon the request in flight */
	atomic_store(&f->abort_now, true);
	pthread_join(f->thread, NULL);
	pthread_mutex_lock(&f->mu);
	f->started = false;
	f->st.running = false;
	pthread_mutex_unlock(&f->mu);
}

void forwarder_free(struct forwarder *f)
{
	if (!f)
		return;
	forwarder_stop(f, 0);
	phantom_free(f->ph);
	conf_free(f->conf);
	conf_free(f->pending_conf);
	statedb_close(f->db);
	if (f->lock_fd >= 0)
		close(f->lock_fd);
	if (f->wake_fd >= 0)
		close(f->wake_fd);
	for (size_t i = 0; i < ARRAY_LEN(f->defaults_strs); i++)
		free(f->defaults_strs[i]);
	free(f->changes);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f->dir);
	free(f);
}
