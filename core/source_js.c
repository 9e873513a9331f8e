/* source_js.c — events from a JetStream stream through a durable pull
 * consumer: nothing is lost across restarts of socterm, of the server, or
 * while the consumer is behind (nats-and-perf.md §2.5, §5).
 *
 * - The durable is created explicitly with js_AddConsumer (explicit ack) and
 *   then bound, so it survives restarts (a library-created durable would be
 *   deleted by Unsubscribe). Its start point (--all, --since, or new events
 *   only) applies when it is first created.
 * - One fetch thread: Fetch(256, 2 s). Timeouts are never under 1 s: nats.c
 *   3.4.1 overflows a heap buffer in _fetch with short ones.
 * - Back-pressure: the thread fetches only while the evq has room for a
 *   whole batch and fewer than MAX_INFLIGHT messages wait for their ack, so
 *   the server keeps what we cannot take yet.
 * - A message is acked only once the consumer says its event is safe
 *   (source_consumed: in the timeline, or committed to the outbox). Until
 *   then the natsMsg is kept; an ack thread sends acks so the consumer never
 *   calls into nats.c. AckWait is short (10 s: a crashed socterm's events
 *   come back quickly); the ack thread marks messages held longer "in
 *   progress", so a slow consumer does not get them redelivered.
 * - Redeliveries are skipped by stream sequence (still in flight, or acked
 *   recently) and counted.
 * - While the server or the stream is unavailable, setup is retried. */
#include "core/evq.h"
#include "core/ingest.h"
#include "core/natsconn.h"
#include "core/parse.h"
#include "core/source.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FETCH_BATCH 256
#define FETCH_TIMEOUT_MS 2000     /* >= 1000: nats.c 3.4.1 _fetch overflow */
#define MAX_ACK_PENDING 20000
/* Fetched but not yet acked, at most: bounds memory and how long an event
 * can wait in the evq (while the consumer is slower than the stream). */
#define MAX_INFLIGHT 4096
/* Un-acked messages come back after AckWait. It bounds how long events that
 * a crashed (kill -9) socterm had fetched but not made safe wait for their
 * redelivery; a consumer that holds messages longer only gets redeliveries,
 * which are skipped by sequence. */
#define ACK_WAIT_NS (10LL * 1000000000)
/* Fetch errors in a row (not timeouts) while connected before the binding is
 * made again: the consumer or the stream was deleted, or the server lost its
 * JetStream state. */
#define FETCH_ERRORS_RESETUP 5
/* Messages held this long get a +WPI (in progress), which restarts their
 * AckWait: a slow consumer (a long commit, a stalled console) never sees
 * them redelivered to another forwarder on the same durable. */
#define PROGRESS_AFTER_NS (ACK_WAIT_NS / 3)
#define RECENT_ACKED 65536        /* power of two */

/* seq -> natsMsg* for messages handed out and not yet acked. */
struct inflight {
	uint64_t *seq;
	natsMsg **msg;
	int64_t *at;               /* mono_ns of the fetch, or of the last +WPI */
	size_t cap, len;           /* open addressing, cap a power of two */
};

struct js_source {
	struct source base;
	struct natsconn conn;
	struct nats_conf conf;     /* strings owned below */
	char *subject, *stream, *durable;
	jsCtx *js;
	natsSubscription *sub;
	struct ingest *pool;       /* parses on every core; messages stay in fl */
	pthread_t fetcher, acker;
	bool fetcher_running, acker_running;
	_Atomic bool stopping;
	pthread_mutex_t mu;        /* inflight, acks, recent, stats */
	pthread_mutex_t ack_mu;    /* held while acking; the subscription stays */
	pthread_cond_t ack_cv, room_cv;
	struct inflight fl;
	uint64_t *acks;            /* sequences to ack */
	size_t nacks, ackcap;
	uint64_t recent[RECENT_ACKED];
	uint64_t received, redelivered, pending;
	char note[200];            /* setup problem shown as last_error */
	bool ready;
};

/* ---- inflight map ------------------------------------------------------------- */

static size_t slot_of(const struct inflight *f, uint64_t seq)
{
	size_t i = (size_t)(seq * 0x9E3779B97F4A7C15ull) & (f->cap - 1);
	while (f->seq[i] && f->seq[i] != seq)
		i = (i + 1) & (f->cap - 1);
	return i;
}

static void fl_grow(struct inflight *f)
{
	struct inflight n = { 0 };
	n.cap = f->cap ? f->cap * 2 : 1024;
	n.seq = xcalloc(n.cap, sizeof(*n.seq));
	n.msg = xcalloc(n.cap, sizeof(*n.msg));
	n.at = xcalloc(n.cap, sizeof(*n.at));
	for (size_t i = 0; i < f->cap; i++)
		if (f->seq[i]) {
			size_t s = slot_of(&n, f->seq[i]);
			n.seq[s] = f->seq[i];
			n.msg[s] = f->msg[i];
			n.at[s] = f->at[i];
			n.len++;
		}
	free(f->seq);
	free(f->msg);
	free(f->at);
	*f = n;
}

static void fl_put(struct inflight *f, uint64_t seq, natsMsg *m)
{
	if ((f->len + 1) * 2 > f->cap)
		fl_grow(f);
	size_t s = slot_of(f, seq);
	f->seq[s] = seq;
	f->msg[s] = m;
	f->at[s] = mono_ns();
	f->len++;
}

static bool fl_has(const struct inflight *f, uint64_t seq)
{
	return f->cap && f->seq[slot_of(f, seq)] == seq;
}

/* Removes seq and returns its message (NULL if absent). */
static natsMsg *fl_take(struct inflight *f, uint64_t seq)
{
	if (!f->cap)
		return NULL;
	size_t i = slot_of(f, seq);
	if (f->seq[i] != seq)
		return NULL;
	natsMsg *m = f->msg[i];
	f->seq[i] = 0;
	f->len--;
	/* Backward-shift deletion. */
	size_t mask = f->cap - 1;
	for (size_t j = (i + 1) & mask; f->seq[j]; j = (j + 1) & mask) {
		size_t home = (size_t)(f->seq[j] * 0x9E3779B97F4A7C15ull) & mask;
		bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
		if (movable) {
			f->seq[i] = f->seq[j];
			f->msg[i] = f->msg[j];
			f->at[i] = f->at[j];
			f->seq[j] = 0;
			i = j;
		}
	}
	return m;
}

/* ---- setup ---------------------------------------------------------------------- */

static void note(struct js_source *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct js_source *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&s->mu);
	vsnprintf(s->note, sizeof(s->note), fmt, ap);
	pthread_mutex_unlock(&s->mu);
	va_end(ap);
	evq_wake(s->base.q);
}

static int ensure_stream(struct js_source *s)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus st = js_GetStreamInfo(&si, s->js, s->stream, NULL, &jerr);
	if (st == NATS_OK) {
		jsStreamInfo_Destroy(si);
		return 0;
	}
	if (jerr != JSStreamNotFoundErr || !s->conf.create_stream) {
		note(s, jerr == JSStreamNotFoundErr ? "stream %s does not exist (--create-stream "
			"makes it)" : "stream %s: %s", s->stream,
		     jerr == JSStreamNotFoundErr ? "" : natsStatus_GetText(st));
		return -1;
	}
	jsStreamConfig sc;
	jsStreamConfig_Init(&sc);
	const char *subjects[] = { s->subject };
	sc.Name = s->stream;
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_FileStorage;
	sc.MaxAge = s->conf.stream_max_age_ns;
	sc.MaxBytes = s->conf.stream_max_bytes ? s->conf.stream_max_bytes : -1;
	st = js_AddStream(&si, s->js, &sc, NULL, &jerr);
	if (st != NATS_OK) {
		note(s, "creating stream %s: %s", s->stream, natsStatus_GetText(st));
		return -1;
	}
	jsStreamInfo_Destroy(si);
	return 0;
}

static int ensure_consumer(struct js_source *s)
{
	jsConsumerInfo *ci = NULL;
	jsErrCode jerr = 0;
	natsStatus st = js_GetConsumerInfo(&ci, s->js, s->stream, s->durable, NULL, &jerr);
	if (st == NATS_OK) {
		jsConsumerInfo_Destroy(ci);
		return 0; /* it resumes where it left off */
	}
	if (jerr != JSConsumerNotFoundErr) {
		note(s, "durable %s: %s", s->durable, natsStatus_GetText(st));
		return -1;
	}
	jsConsumerConfig cc;
	jsConsumerConfig_Init(&cc);
	cc.Durable = s->durable;
	cc.AckPolicy = js_AckExplicit;
	cc.AckWait = ACK_WAIT_NS;
	cc.MaxAckPending = MAX_ACK_PENDING;
	cc.MaxDeliver = -1;
	cc.FilterSubject = s->subject;
	if (s->conf.start_all) {
		cc.DeliverPolicy = js_DeliverAll;
	} else if (s->conf.start_since_ns > 0) {
		cc.DeliverPolicy = js_DeliverByStartTime;
		cc.OptStartTime = now_ns() - s->conf.start_since_ns;
	} else {
		cc.DeliverPolicy = js_DeliverNew;
	}
	st = js_AddConsumer(&ci, s->js, s->stream, &cc, NULL, &jerr);
	if (st != NATS_OK) {
		note(s, "creating durable %s: %s", s->durable, natsStatus_GetText(st));
		return -1;
	}
	jsConsumerInfo_Destroy(ci);
	return 0;
}

static int setup(struct js_source *s)
{
	if (natsConnection_Status(s->conn.nc) != NATS_CONN_STATUS_CONNECTED)
		return -1;
	if (!s->js) {
		jsOptions jo;
		jsOptions_Init(&jo);
		if (natsConnection_JetStream(&s->js, s->conn.nc, &jo) != NATS_OK)
			return -1;
	}
	if (ensure_stream(s) < 0 || ensure_consumer(s) < 0)
		return -1;
	jsSubOptions so;
	jsSubOptions_Init(&so);
	so.Stream = s->stream;
	so.Consumer = s->durable;
	jsErrCode jerr = 0;
	natsStatus st = js_PullSubscribe(&s->sub, s->js, s->subject, s->durable, NULL, &so, &jerr);
	if (st != NATS_OK) {
		note(s, "binding to %s/%s: %s", s->stream, s->durable, natsStatus_GetText(st));
		return -1;
	}
	note(s, "%s", "");
	return 0;
}

/* ---- fetching ---------------------------------------------------------------------- */

static bool recently_acked(struct js_source *s, uint64_t seq)
{
	return s->recent[seq & (RECENT_ACKED - 1)] == seq;
}

static bool has_room(struct js_source *s)
{
	pthread_mutex_lock(&s->mu);
	size_t held = s->fl.len;
	pthread_mutex_unlock(&s->mu);
	return held + FETCH_BATCH <= MAX_INFLIGHT && evq_space(s->base.q) >= FETCH_BATCH;
}

/* Waits until the evq can take a whole batch and not too many messages are
 * waiting for their ack (or we are stopping). */
static bool wait_room(struct js_source *s)
{
	while (!atomic_load(&s->stopping) && !has_room(s)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 100 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&s->mu);
		pthread_cond_timedwait(&s->room_cv, &s->mu, &ts);
		pthread_mutex_unlock(&s->mu);
	}
	return !atomic_load(&s->stopping);
}

/* Takes one fetched message: skips redeliveries, else parses and queues it
 * (keeping the message for the ack). Returns true if it kept the message. */
static bool take(struct js_source *s, natsMsg *m)
{
	jsMsgMetaData *md = NULL;
	if (natsMsg_GetMetaData(&md, m) != NATS_OK)
		return false;
	uint64_t seq = md->Sequence.Stream, pending = md->NumPending;
	jsMsgMetaData_Destroy(md);
	pthread_mutex_lock(&s->mu);
	s->pending = pending;
	bool acked = recently_acked(s, seq);
	bool dup = acked || fl_has(&s->fl, seq);
	if (dup)
		s->redelivered++;
	pthread_mutex_unlock(&s->mu);
	if (dup) {
		/* Already taken: if it was acked, ack again (the first ack may have
		 * been lost); if in flight, its ack is coming. */
		if (acked)
			natsMsg_Ack(m, NULL);
		return false;
	}
	/* The message stays in the in-flight map (its bytes with it) until
	 * acked, which is after its event was parsed and made safe. */
	pthread_mutex_lock(&s->mu);
	fl_put(&s->fl, seq, m);
	s->received++;
	pthread_mutex_unlock(&s->mu);
	struct ingest_msg im = {
		.data = natsMsg_GetData(m),
		.len = (size_t)natsMsg_GetDataLength(m),
		.subject = natsMsg_GetSubject(m),
		.stream_seq = seq,
		.recv_ns = now_ns(),
	};
	if (ingest_submit(s->pool, &im) != 0) {
		pthread_mutex_lock(&s->mu);
		fl_take(&s->fl, seq); /* stopping: not acked, redelivered next time */
		pthread_mutex_unlock(&s->mu);
		return false;
	}
	return true;
}

/* Forgets the binding so the next turn sets it up again (re-creating the
 * consumer or the stream if allowed). Messages still in flight cannot be
 * acked through a consumer that is gone: they are dropped here and come back
 * through the new binding (or were lost with the old consumer's state). */
static void unbind(struct js_source *s, const char *why)
{
	note(s, "JetStream binding lost (%s); binding again", why);
	ingest_flush(s->pool);               /* no parser still reads a message */
	pthread_mutex_lock(&s->ack_mu);      /* no ack uses the old subscription */
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->fl.cap; i++)
		if (s->fl.seq[i]) {
			natsMsg_Destroy(s->fl.msg[i]);
			s->fl.seq[i] = 0;
		}
	s->fl.len = 0;
	s->ready = false;
	pthread_mutex_unlock(&s->mu);
	natsSubscription_Destroy(s->sub);
	s->sub = NULL;
	pthread_mutex_unlock(&s->ack_mu);
}

/* After a long quiet spell: is the consumer still there? Also refreshes the
 * pending count, which otherwise only moves with deliveries. */
static void check_consumer(struct js_source *s)
{
	jsConsumerInfo *ci = NULL;
	jsErrCode jerr = 0;
	natsStatus st = js_GetConsumerInfo(&ci, s->js, s->stream, s->durable, NULL, &jerr);
	if (st == NATS_OK) {
		pthread_mutex_lock(&s->mu);
		s->pending = ci->NumPending;
		pthread_mutex_unlock(&s->mu);
		jsConsumerInfo_Destroy(ci);
	} else if (jerr == JSConsumerNotFoundErr || jerr == JSStreamNotFoundErr) {
		unbind(s, "consumer not found");
	}
}

static bool connected(struct js_source *s)
{
	return natsConnection_Status(s->conn.nc) == NATS_CONN_STATUS_CONNECTED;
}

static void *fetch_main(void *arg)
{
	struct js_source *s = arg;
	int errors = 0, idle = 0;
	while (!atomic_load(&s->stopping)) {
		if (natsconn_is_closed(&s->conn)) {
			/* The library gave up for good (TLS verification, say): a
			 * new connection, with everything bound to the old one gone. */
			if (s->sub)
				unbind(s, "connection closed");
			jsCtx_Destroy(s->js);
			s->js = NULL;
			natsconn_redial(&s->conn);
			for (int i = 0; i < 30 && !atomic_load(&s->stopping); i++)
				nats_Sleep(100);
			continue;
		}
		if (!s->sub) {
			if (setup(s) < 0) {
				/* Server down or stream missing: try again shortly. */
				for (int i = 0; i < 10 && !atomic_load(&s->stopping); i++)
					nats_Sleep(100);
				continue;
			}
			errors = idle = 0;
			pthread_mutex_lock(&s->mu);
			s->ready = true;
			pthread_mutex_unlock(&s->mu);
			evq_wake(s->base.q);
		}
		if (!wait_room(s))
			break;
		natsMsgList list = { 0 };
		jsErrCode jerr = 0;
		natsStatus st = natsSubscription_Fetch(&list, s->sub, FETCH_BATCH, FETCH_TIMEOUT_MS, &jerr);
		if (st == NATS_OK) {
			errors = idle = 0;
			for (int i = 0; i < list.Count; i++)
				if (take(s, list.Msgs[i]))
					list.Msgs[i] = NULL; /* kept until acked */
		} else if (st == NATS_TIMEOUT) {
			errors = 0;
			if (++idle >= 15 && connected(s)) { /* ~30 s without a message */
				idle = 0;
				check_consumer(s);
			}
		} else {
			/* Disconnected, or the server restarting: Fetch recovers by
			 * itself after the reconnect. Avoid spinning meanwhile. While
			 * connected, repeated errors mean the binding is gone. */
			if (connected(s) && ++errors >= FETCH_ERRORS_RESETUP) {
				errors = 0;
				unbind(s, natsStatus_GetText(st));
			}
			nats_Sleep(200);
		}
		natsMsgList_Destroy(&list);
	}
	nats_ReleaseThreadMemory();
	return NULL;
}

/* ---- acking ------------------------------------------------------------------------ */

/* Sends +WPI for messages held longer than PROGRESS_AFTER_NS. Called by the
 * ack thread with ack_mu held (nothing else destroys messages meanwhile). */
static void keep_in_progress(struct js_source *s, natsMsg ***v, size_t *cap)
{
	int64_t now = mono_ns();
	size_t n = 0;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->fl.cap; i++)
		if (s->fl.seq[i] && now - s->fl.at[i] >= PROGRESS_AFTER_NS) {
			*v = xgrow(*v, cap, n + 1, sizeof(**v));
			(*v)[n++] = s->fl.msg[i];
			s->fl.at[i] = now;
		}
	pthread_mutex_unlock(&s->mu);
	for (size_t i = 0; i < n; i++)
		natsMsg_InProgress((*v)[i], NULL);
}

static void wait_acks(struct js_source *s)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 1;
	pthread_cond_timedwait(&s->ack_cv, &s->mu, &ts);
}

static void *ack_main(void *arg)
{
	struct js_source *s = arg;
	uint64_t *batch = NULL;
	size_t cap = 0, pcap = 0;
	natsMsg **held = NULL;
	int64_t next_progress = mono_ns() + PROGRESS_AFTER_NS / 2;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		if (!s->nacks && !atomic_load(&s->stopping))
			wait_acks(s);
		if (mono_ns() >= next_progress) {
			next_progress = mono_ns() + PROGRESS_AFTER_NS / 2;
			pthread_mutex_unlock(&s->mu);
			pthread_mutex_lock(&s->ack_mu);
			keep_in_progress(s, &held, &pcap);
			pthread_mutex_unlock(&s->ack_mu);
			pthread_mutex_lock(&s->mu);
		}
		if (!s->nacks && atomic_load(&s->stopping))
			break;
		if (!s->nacks)
			continue;
		size_t n = s->nacks;
		batch = xgrow(batch, &cap, n, sizeof(*batch));
		memcpy(batch, s->acks, n * sizeof(*batch));
		s->nacks = 0;
		pthread_mutex_unlock(&s->mu);
		/* ack_mu: unbind() does not destroy the subscription meanwhile. */
		pthread_mutex_lock(&s->ack_mu);
		for (size_t i = 0; i < n; i++) {
			pthread_mutex_lock(&s->mu);
			natsMsg *m = fl_take(&s->fl, batch[i]);
			s->recent[batch[i] & (RECENT_ACKED - 1)] = batch[i];
			pthread_mutex_unlock(&s->mu);
			if (!m)
				continue;
			natsMsg_Ack(m, NULL);
			natsMsg_Destroy(m);
		}
		pthread_mutex_unlock(&s->ack_mu);
		pthread_mutex_lock(&s->mu);
		pthread_cond_signal(&s->room_cv); /* fewer held: the fetcher may go on */
	}
	pthread_mutex_unlock(&s->mu);
	free(batch);
	free(held);
	nats_ReleaseThreadMemory();
	return NULL;
}

static void js_consumed(struct source *base, const struct event *ev)
{
	struct js_source *s = (struct js_source *)base;
	if (!ev->stream_seq)
		return;
	pthread_mutex_lock(&s->mu);
	s->acks = xgrow(s->acks, &s->ackcap, s->nacks + 1, sizeof(*s->acks));
	s->acks[s->nacks++] = ev->stream_seq;
	pthread_cond_signal(&s->ack_cv);
	pthread_cond_signal(&s->room_cv);
	pthread_mutex_unlock(&s->mu);
}

/* ---- source interface -------------------------------------------------------------- */

static int js_start(struct source *base, char **err)
{
	struct js_source *s = (struct js_source *)base;
	if (pthread_create(&s->acker, NULL, ack_main, s) != 0) {
		*err = xstrdup("cannot start the JetStream ack thread");
		return -1;
	}
	s->acker_running = true;
	s->pool = ingest_new(s->base.q, 0);
	if (pthread_create(&s->fetcher, NULL, fetch_main, s) != 0) {
		*err = xstrdup("cannot start the JetStream fetch thread");
		return -1;
	}
	s->fetcher_running = true;
	return 0;
}

static void js_stop(struct source *base)
{
	struct js_source *s = (struct js_source *)base;
	atomic_store(&s->stopping, true);
	pthread_mutex_lock(&s->mu);
	pthread_cond_broadcast(&s->room_cv);
	pthread_mutex_unlock(&s->mu);
	if (s->pool)
		ingest_stop(s->pool);           /* unblocks a fetcher handing off */
	if (s->fetcher_running)
		pthread_join(s->fetcher, NULL); /* at most one Fetch timeout */
	pthread_mutex_lock(&s->mu);
	pthread_cond_broadcast(&s->ack_cv);
	pthread_mutex_unlock(&s->mu);
	if (s->acker_running)
		pthread_join(s->acker, NULL);   /* sends the acks still queued */
	s->fetcher_running = s->acker_running = false;
	/* Messages still in flight are not acked: the server redelivers them. */
	for (size_t i = 0; i < s->fl.cap; i++)
		if (s->fl.seq[i])
			natsMsg_Destroy(s->fl.msg[i]);
	memset(s->fl.seq, 0, s->fl.cap * sizeof(*s->fl.seq));
	s->fl.len = 0;
	if (s->sub) {
		natsConnection_FlushTimeout(s->conn.nc, 2000); /* acks out before we go */
		natsSubscription_Destroy(s->sub);              /* never Unsubscribe a durable */
		s->sub = NULL;
	}
	jsCtx_Destroy(s->js);
	s->js = NULL;
	natsconn_close(&s->conn);
}

static void js_stats(struct source *base, struct source_stats *out)
{
	struct js_source *s = (struct js_source *)base;
	memset(out, 0, sizeof(*out));
	natsconn_stats(&s->conn, out);
	pthread_mutex_lock(&s->mu);
	out->received = s->received;
	out->redelivered = s->redelivered;
	out->pending = s->pending;
	if (s->note[0] && !out->last_error[0])
		snprintf(out->last_error, sizeof(out->last_error), "%s", s->note);
	if (out->state == CONN_CONNECTED && !s->ready)
		out->state = CONN_CONNECTING;
	pthread_mutex_unlock(&s->mu);
	out->durable = true;
}

static void js_destroy(struct source *base)
{
	struct js_source *s = (struct js_source *)base;
	ingest_free(s->pool);
	pthread_mutex_destroy(&s->conn.mu);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->ack_mu);
	pthread_cond_destroy(&s->ack_cv);
	pthread_cond_destroy(&s->room_cv);
	free(s->fl.seq);
	free(s->fl.msg);
	free(s->fl.at);
	free(s->acks);
	free(s->subject);
	free(s->stream);
	free(s->durable);
	free(s);
}

static const struct source_ops js_ops = {
	.kind = "jetstream",
	.start = js_start,
	.stop = js_stop,
	.stats = js_stats,
	.consumed = js_consumed,
	.destroy = js_destroy,
};

struct source *source_js_new(const struct nats_conf *c, struct evq *q, char **err)
{
	if (!c->stream || !c->durable) {
		*err = xstrdup("JetStream needs both --stream and --durable");
		return NULL;
	}
	if (strchr(c->durable, '.') || strchr(c->stream, '.')) {
		*err = xstrdup("stream and durable names cannot contain '.'");
		return NULL;
	}
	struct js_source *s = xcalloc(1, sizeof(*s));
	s->base.ops = &js_ops;
	s->base.q = q;
	s->conf = *c;
	s->subject = xstrdup(c->subject && *c->subject ? c->subject : "falco.>");
	s->stream = xstrdup(c->stream);
	s->durable = xstrdup(c->durable);
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->ack_mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->room_cv, &ca);
	pthread_cond_init(&s->ack_cv, &ca);
	pthread_condattr_destroy(&ca);
	char *what = xasprintf("%s (stream %s, durable %s)", s->subject, s->stream, s->durable);
	int rc = natsconn_open(&s->conn, c, q, what, err);
	free(what);
	if (rc < 0) {
		js_destroy(&s->base);
		return NULL;
	}
	return &s->base;
}
