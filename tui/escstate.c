/* escstate.c — see escstate.h. */
#include "tui/escstate.h"
#include "tui/cases.h"
#include "tui/detail.h"
#include "tui/filterui.h"
#include "core/caseexport.h"
#include "core/config.h"
#include "core/event.h"
#include "core/forwarder.h"
#include "core/idmap.h"
#include "core/phantomcfg.h"
#include "core/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long a request in flight may finish when the console quits. */
#define STOP_DRAIN_NS (2 * 1000000000LL)
/* Another process sends: how often its progress is read, and how many
 * escalations at most each time (one indexed look-up each). */
#define FOLLOW_EVERY_NS (1000000000LL)
#define FOLLOW_BATCH 32

struct escstate {
	struct statedb *db;          /* the UI thread's connection (a->db), borrowed */
	struct forwarder *fwd;
	struct phantomcfg pcfg;
	struct idmap *byevent;       /* event id -> newest escalation id */
	struct escinfo *v;           /* sorted by id */
	size_t n, cap;
	int counts[5];               /* of v, by enum esc_state */
	struct fwd_stats st;         /* last snapshot */
	int64_t followed_at;         /* mono_ns of the last follow_others() */
	size_t follow_next;          /* index in v where the next one starts */
};

/* ---- the table of escalations -------------------------------------------------- */

static struct escinfo *find(struct escstate *s, int64_t id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->v[lo].id == id ? &s->v[lo] : NULL;
}

static struct escinfo *insert(struct escstate *s, int64_t id)
{
	size_t at = s->n;
	while (at > 0 && s->v[at - 1].id > id) /* ids grow: nearly always at the end */
		at--;
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
	memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof *s->v);
	s->n++;
	memset(&s->v[at], 0, sizeof *s->v);
	s->v[at].id = id;
	return &s->v[at];
}

void escinfo_from_case(struct escinfo *e, const struct statedb_case *c)
{
	e->id = c->id;
	e->state = c->state;
	e->container_id = c->container_id;
	e->attempts = c->attempts;
	e->next_ns = c->state == ESC_QUEUED && c->attempts ? c->next_attempt_ns : 0;
	e->events = c->items;
	snprintf(e->error, sizeof e->error, "%s", c->last_error ? c->last_error : "");
}

static void recount(struct escstate *s)
{
	memset(s->counts, 0, sizeof s->counts);
	for (size_t i = 0; i < s->n; i++)
		if ((unsigned)s->v[i].state < 5)
			s->counts[s->v[i].state]++;
}

/* An escalation not in the table (older than the loaded ones, or queued by
 * another process): read it. */
static struct escinfo *find_or_load(struct escstate *s, int64_t id)
{
	struct escinfo *e = find(s, id);
	if (e || !s->db)
		return e;
	struct statedb_case c;
	if (statedb_case_get(s->db, id, &c) != 0)
		return NULL;
	e = insert(s, id);
	escinfo_from_case(e, &c);
	statedb_case_clear(&c);
	return e;
}

static void on_item(void *ctx, const char *event_id, int64_t esc_id)
{
	struct escstate *s = ctx;
	uint8_t id[16];
	if (event_id && event_id_parse(event_id, id) == 0)
		idmap_put(s->byevent, id, esc_id);
}

static int load(struct escstate *s)
{
	struct statedb_case *c;
	int n = statedb_cases(s->db, ESCSTATE_LOAD, &c);
	if (n < 0)
		return -1;
	for (int i = n - 1; i >= 0; i--) /* newest first: append oldest first */
		escinfo_from_case(insert(s, c[i].id), &c[i]);
	statedb_cases_free(c, n);
	recount(s);
	return statedb_items_load(s->db, ESCSTATE_LOAD, on_item, s);
}

/* ---- life cycle ----------------------------------------------------------------- */

static void start_forwarder(struct app *a, struct escstate *s)
{
	struct forwarder_opts o = {
		.state_dir = a->cfg->state_dir,
		.phantom = s->pcfg.configured ? &s->pcfg.pc : NULL,
		.defaults = &s->pcfg.defaults,
	};
	char *err = NULL;
	s->fwd = forwarder_new(&o, &err);
	if (s->fwd && forwarder_start(s->fwd, &err) == 0) {
		forwarder_kick(s->fwd); /* what earlier runs left unsent */
		forwarder_stats(s->fwd, &s->st);
		return;
	}
	app_message(a, true, "escalations are kept but not sent: %s", err ? err : "forwarder failed");
	free(err);
	forwarder_free(s->fwd);
	s->fwd = NULL;
}

void escstate_start(struct app *a)
{
	struct escstate *s = xcalloc(1, sizeof *s);
	a->escs = s;
	s->byevent = idmap_new();
	phantomcfg_from_config(a->cfg, &s->pcfg);
	s->db = a->db;
	if (!s->db) {
		app_message(a, true, "no escalation or annotation: the state directory %s is unusable",
			    a->cfg->state_dir);
		return;
	}
	if (load(s) != 0)
		app_message(a, true, "earlier escalations could not be read: %s", statedb_error(s->db));
	start_forwarder(a, s);
	if (s->pcfg.configured && !s->pcfg.has_credentials)
		app_message(a, true, "phantom-url is set but no phantom-token or phantom-user with a "
				     "password: Phantom will refuse the escalations");
}

void escstate_stop(struct app *a)
{
	struct escstate *s = a->escs;
	if (!s)
		return;
	forwarder_stop(s->fwd, STOP_DRAIN_NS);
	forwarder_free(s->fwd);
	idmap_free(s->byevent);
	free(s->v);
	free(s);
	a->escs = NULL;
}

struct statedb *escstate_db(struct app *a)
{
	return a->escs ? a->escs->db : NULL;
}

const struct phantomcfg *escstate_cfg(struct app *a)
{
	return &a->escs->pcfg;
}

int escstate_wake_fd(struct app *a)
{
	return a->escs && a->escs->fwd ? forwarder_wake_fd(a->escs->fwd) : -1;
}

/* ---- state changes -------------------------------------------------------------- */

/* Events whose newest escalation was cancelled are no longer escalated. */
static void unflag(struct app *a, int64_t esc_id)
{
	struct escstate *s = a->escs;
	for (size_t i = 0, n = store_len(a->store); i < n; i++) {
		struct event *ev = store_get(a->store, i);
		int64_t v;
		if ((ev->state & ES_ESCALATED) && idmap_get(s->byevent, ev->id, &v) && v == esc_id)
			ev->state &= (uint8_t)~ES_ESCALATED;
	}
	filterui_state_changed(a); /* is:escalated */
}

static void changed(struct app *a)
{
	recount(a->escs);
	detail_invalidate();
	cases_changed(a);
	a->dirty = true;
}

static void apply(struct app *a, const struct fwd_change *c)
{
	struct escinfo *e = find_or_load(a->escs, c->esc_id);
	if (!e)
		return;
	e->state = c->state;
	if (c->container_id)
		e->container_id = c->container_id;
	e->attempts = c->attempts;
	e->next_ns = c->state == ESC_QUEUED ? c->next_attempt_ns : 0;
	/* "sending" keeps the error of the previous attempt on show */
	if (c->error[0] || c->state != ESC_SENDING)
		snprintf(e->error, sizeof e->error, "%s", c->error);
	if (c->state == ESC_CANCELLED)
		unflag(a, c->esc_id);
}

void escstate_changes(struct app *a)
{
	struct escstate *s = a->escs;
	if (!s || !s->fwd)
		return;
	struct fwd_change *c;
	size_t n = forwarder_changes(s->fwd, &c);
	for (size_t i = 0; i < n; i++)
		apply(a, &c[i]);
	free(c);
	forwarder_stats(s->fwd, &s->st);
	if (n)
		changed(a);
}

/* Nobody in this process sends: another socterm holds the outbox, or our
 * forwarder did not start. Its changes reach nobody here by themselves. */
static bool sent_elsewhere(const struct escstate *s)
{
	return !s->fwd || s->st.locked_elsewhere;
}

static bool unsettled(const struct escinfo *e)
{
	return e->state == ESC_QUEUED || e->state == ESC_SENDING;
}

/* Reads one escalation again: true if it changed, false if not (or busy). */
static bool follow_one(struct app *a, struct escinfo *e, bool *busy)
{
	struct statedb_case c;
	int rc = statedb_case_peek(a->escs->db, e->id, &c);
	*busy = rc == 1;
	if (rc != 0)
		return false;
	struct escinfo now;
	memset(&now, 0, sizeof now);
	escinfo_from_case(&now, &c);
	statedb_case_clear(&c);
	if (now.state == e->state && now.container_id == e->container_id &&
	    now.attempts == e->attempts && now.next_ns == e->next_ns && now.events == e->events &&
	    strcmp(now.error, e->error) == 0)
		return false;
	*e = now;
	if (e->state == ESC_CANCELLED)
		unflag(a, e->id);
	return true;
}

/* Another process sends our queued work: reads where the unsettled
 * escalations stand, a bounded batch a second, round-robin. Never waits
 * for its locks: a busy database is simply read at the next tick. */
static void follow_others(struct app *a)
{
	struct escstate *s = a->escs;
	int64_t t = mono_ns();
	if (!sent_elsewhere(s) || s->counts[ESC_QUEUED] + s->counts[ESC_SENDING] == 0 ||
	    t - s->followed_at < FOLLOW_EVERY_NS)
		return;
	s->followed_at = t;
	bool any = false, busy = false;
	size_t i = s->follow_next < s->n ? s->follow_next : 0;
	for (size_t seen = 0, read = 0; seen < s->n && read < FOLLOW_BATCH && !busy; seen++) {
		struct escinfo *e = &s->v[i];
		i = (i + 1) % s->n;
		if (!unsettled(e))
			continue;
		read++;
		any |= follow_one(a, e, &busy);
		if (busy)
			i = (size_t)(e - s->v); /* this one first, next time */
	}
	s->follow_next = i;
	if (any)
		changed(a);
}

void escstate_tick(struct app *a)
{
	struct escstate *s = a->escs;
	if (!s || !s->db)
		return;
	if (s->fwd) {
		struct fwd_stats st;
		forwarder_stats(s->fwd, &st);
		if (memcmp(&st, &s->st, sizeof st) != 0) {
			s->st = st;
			a->dirty = true;
		}
	}
	follow_others(a);
}

void escstate_arrived(struct app *a, struct event *ev)
{
	struct escstate *s = a->escs;
	int64_t id;
	if (!s || !idmap_len(s->byevent) || !idmap_get(s->byevent, ev->id, &id))
		return;
	const struct escinfo *e = find(s, id);
	if (e && e->state != ESC_CANCELLED)
		ev->state |= ES_ESCALATED;
}

const struct escinfo *escstate_of_event(struct app *a, const struct event *ev)
{
	int64_t id;
	if (!a->escs || !idmap_get(a->escs->byevent, ev->id, &id))
		return NULL;
	return find(a->escs, id);
}

/* ---- analyst actions -------------------------------------------------------------- */

int escbatch_init(struct escbatch *b, struct event *const *evs, size_t n, char **err)
{
	memset(b, 0, sizeof *b);
	*err = NULL;
	b->n = n;
	b->ids = xcalloc(n, sizeof *b->ids);
	b->keys = xcalloc(n, sizeof *b->keys);
	b->raws = xcalloc(n, sizeof *b->raws);
	b->prios = xcalloc(n, sizeof *b->prios);
	for (size_t i = 0; i < n; i++) {
		event_id_text(evs[i], b->ids[i]);
		memcpy(b->keys[i], evs[i]->id, 16);
		b->prios[i] = evs[i]->prio;
		b->annotated += (evs[i]->state & ES_ANNOTATED) != 0;
		if (event_raw(evs[i], &b->raws[i]) != 0) {
			*err = xasprintf("the original bytes of event %s cannot be read", b->ids[i]);
			escbatch_free(b);
			return -1;
		}
	}
	const char *rule = n && !(evs[0]->flags & EV_UNPARSED) ? intern_str(evs[0]->rule, NULL) : NULL;
	b->first_rule = xstrdup(rule ? rule : n ? "Unparsed event" : "");
	return 0;
}

void escbatch_free(struct escbatch *b)
{
	for (size_t i = 0; b->raws && i < b->n; i++)
		sbuf_free(&b->raws[i]);
	free(b->raws);
	free(b->ids);
	free(b->keys);
	free(b->prios);
	free(b->first_rule);
	memset(b, 0, sizeof *b);
}

int64_t escstate_queue(struct app *a, const struct statedb_esc *e, const struct escbatch *b,
		       char **err)
{
	struct escstate *s = a->escs;
	*err = NULL;
	if (!s || !s->db) {
		*err = xstrdup("no state database (see the message at start)");
		return -1;
	}
	struct statedb_item_in *items = xcalloc(b->n, sizeof *items);
	for (size_t i = 0; i < b->n; i++)
		items[i] = (struct statedb_item_in){ b->ids[i], sbuf_str(&b->raws[i]), b->raws[i].len };
	int64_t id = statedb_queue(s->db, e, items, b->n);
	free(items);
	if (id < 0) {
		*err = xasprintf("cannot queue: %s", statedb_error(s->db));
		return -1;
	}
	struct escinfo *info = insert(s, id);
	info->state = ESC_QUEUED;
	info->events = (int)b->n;
	for (size_t i = 0; i < b->n; i++) {
		idmap_put(s->byevent, b->keys[i], id);
		struct event *ev = store_by_id(a->store, b->keys[i]);
		if (ev)
			ev->state |= ES_ESCALATED;
	}
	filterui_state_changed(a);
	if (s->fwd)
		forwarder_kick(s->fwd);
	changed(a);
	return id;
}

int escstate_retry(struct app *a, int64_t id, char **err)
{
	struct escstate *s = a->escs;
	*err = NULL;
	if (!s || !s->db || statedb_retry(s->db, id) != 0) {
		*err = xstrdup(s && s->db ? statedb_error(s->db) : "no state database");
		return -1;
	}
	struct escinfo *e = find_or_load(s, id);
	if (e) {
		e->state = ESC_QUEUED; /* attempts stay: they count every attempt */
		e->next_ns = 0;
		e->error[0] = '\0';
	}
	escstate_kick(a);
	changed(a);
	return 0;
}

int escstate_cancel(struct app *a, int64_t id, char **err)
{
	struct escstate *s = a->escs;
	*err = NULL;
	if (!s || !s->db || statedb_cancel(s->db, id) != 0) {
		*err = xstrdup(s && s->db ? statedb_error(s->db) : "no state database");
		return -1;
	}
	struct escinfo *e = find_or_load(s, id);
	if (e) {
		e->state = ESC_CANCELLED;
		e->next_ns = 0;
	}
	unflag(a, id);
	changed(a);
	return 0;
}

void escstate_requeued(struct app *a, const uint8_t event_key[16])
{
	struct escstate *s = a->escs;
	int64_t id;
	struct statedb_case c;
	if (!s || !s->db || !idmap_get(s->byevent, event_key, &id))
		return;
	struct escinfo *e = find_or_load(s, id);
	if (e && statedb_case_get(s->db, id, &c) == 0) {
		escinfo_from_case(e, &c);
		statedb_case_clear(&c);
	}
	escstate_kick(a);
	changed(a);
}

void escstate_kick(struct app *a)
{
	if (a->escs && a->escs->fwd)
		forwarder_kick(a->escs->fwd);
}

int escstate_unsent(struct app *a)
{
	int counts[5];
	if (!a->escs || !a->escs->db || statedb_counts(a->escs->db, counts) != 0)
		return -1;
	return counts[ESC_QUEUED] + counts[ESC_SENDING];
}

/* ---- presentation ----------------------------------------------------------------- */

static void clock_text(int64_t ns, char *out, size_t n)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	localtime_r(&t, &tm);
	snprintf(out, n, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void escinfo_describe(const struct escinfo *e, char *buf, size_t n)
{
	char at[16];
	switch (e->state) {
	case ESC_QUEUED:
		if (e->next_ns && e->attempts) {
			clock_text(e->next_ns, at, sizeof at);
			snprintf(buf, n, "retry at %s (attempt %d failed): %s", at, e->attempts,
				 e->error[0] ? e->error : "?");
		} else {
			snprintf(buf, n, "queued");
		}
		break;
	case ESC_SENDING:
		snprintf(buf, n, e->attempts ? "sending (attempt %d)" : "sending", e->attempts + 1);
		break;
	case ESC_SENT:
		snprintf(buf, n, "sent #%lld", e->container_id);
		break;
	case ESC_FAILED:
		snprintf(buf, n, "failed: %s", e->error[0] ? e->error : "?");
		break;
	default:
		snprintf(buf, n, "cancelled");
	}
}

static bool waiting_retry(const struct escinfo *e)
{
	return e->state == ESC_QUEUED && e->next_ns && e->attempts;
}

enum ui_elem escinfo_elem(const struct escinfo *e)
{
	switch (e->state) {
	case ESC_QUEUED: return waiting_retry(e) ? UI_ESC_RETRY : UI_ESC_QUEUED;
	case ESC_SENDING: return UI_ESC_SENDING;
	case ESC_SENT: return UI_ESC_SENT;
	case ESC_FAILED: return UI_ESC_FAILED;
	default: return UI_DEFAULT;
	}
}

char escinfo_glyph(const struct escinfo *e)
{
	switch (e->state) {
	case ESC_QUEUED: return waiting_retry(e) ? 'R' : 'Q';
	case ESC_SENDING: return 'S';
	case ESC_SENT: return '^';
	case ESC_FAILED: return '!';
	default: return ' ';
	}
}

/* The base URL for links: the forwarder's (credentials removed), else the
 * configured one, redacted. Caller frees; NULL if none. */
static char *base_url(struct escstate *s)
{
	if (s->st.url[0])
		return xstrdup(s->st.url);
	return s->pcfg.configured ? config_redact_url(s->pcfg.pc.base_url) : NULL;
}

void escstate_link(struct app *a, long long container_id, char *out, size_t n)
{
	out[0] = '\0';
	if (!a->escs)
		return;
	char *base = base_url(a->escs);
	char *link = caseexport_link(base, container_id);
	if (link)
		snprintf(out, n, "%s", link);
	free(link);
	free(base);
}

int escstate_export(struct app *a, FILE *out, size_t *count, char **err)
{
	struct escstate *s = a->escs;
	if (!s || !s->db) {
		*err = xstrdup("no state database");
		return -1;
	}
	char *base = base_url(s);
	int rc = caseexport_write(s->db, &s->pcfg.defaults, base, out, count, err);
	free(base);
	return rc;
}

void escstate_status(struct app *a, struct sbuf *out, bool *warn)
{
	struct escstate *s = a->escs;
	*warn = false;
	if (!s || !s->db) {
		sbuf_adds(out, "escalation off");
		*warn = true;
		return;
	}
	const struct fwd_stats *st = &s->st;
	int sending = s->counts[ESC_SENDING];
	if (!s->fwd) {
		sbuf_adds(out, "forwarder stopped");
		*warn = true;
	} else if (!st->configured) {
		if (s->pcfg.configured && st->last_error[0]) {
			sbuf_printf(out, "Phantom: %s", st->last_error);
			*warn = true;
		} else if (st->queued) {
			sbuf_printf(out, "no Phantom: %d kept locally", st->queued);
		} else {
			sbuf_adds(out, "no Phantom");
		}
		return;
	} else if (st->locked_elsewhere) {
		/* the forwarder does not count what it cannot send: ours, kept
		 * current by follow_others() */
		int n = MAX(st->queued, s->counts[ESC_QUEUED] + s->counts[ESC_SENDING]);
		if (n)
			sbuf_printf(out, "Phantom: %d queued, another socterm sends them", n);
		else
			sbuf_adds(out, "Phantom: another socterm sends");
	} else {
		sbuf_adds(out, "Phantom");
		if (st->queued)
			sbuf_printf(out, ": %d queued", st->queued);
		if (sending)
			sbuf_adds(out, st->queued ? ", sending" : ": sending");
		if (!st->queued && !sending)
			sbuf_adds(out, " ok");
		if (st->pause_until_ns > now_ns()) {
			char at[16];
			clock_text(st->pause_until_ns, at, sizeof at);
			sbuf_printf(out, ", backing off until %s: %s", at, st->last_error);
			*warn = true;
		}
	}
	if (s->counts[ESC_FAILED]) {
		sbuf_printf(out, ", %d failed", s->counts[ESC_FAILED]);
		*warn = true;
	}
	if (st->insecure) {
		sbuf_adds(out, ", TLS UNVERIFIED");
		*warn = true;
	}
}

char escstate_glyph(struct app *a, const struct event *ev, enum ui_elem *elem)
{
	*elem = UI_DEFAULT;
	if (!(ev->state & ES_ESCALATED))
		return ' ';
	const struct escinfo *e = escstate_of_event(a, ev);
	if (!e) {
		*elem = UI_ESC_QUEUED;
		return '^';
	}
	*elem = escinfo_elem(e);
	return escinfo_glyph(e);
}

void escstate_detail(struct app *a, const struct event *ev, detail_kv_fn add)
{
	const struct escinfo *e = escstate_of_event(a, ev);
	if (!e)
		return;
	char what[320], row[400];
	escinfo_describe(e, what, sizeof what);
	snprintf(row, sizeof row, "#%lld %s", (long long)e->id, what);
	if (e->state == ESC_QUEUED && !e->attempts && a->escs->fwd && !a->escs->st.configured)
		snprintf(row + strlen(row), sizeof row - strlen(row),
			 " (kept locally: no Phantom configured)");
	add("escalation", row, escinfo_elem(e));
	char link[300];
	escstate_link(a, e->container_id, link, sizeof link);
	if (link[0])
		add("phantom", link, UI_DETAIL_VALUE);
	if (e->state == ESC_SENT && e->error[0])
		add("last error", e->error, UI_DETAIL_VALUE);
}
