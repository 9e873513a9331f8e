/* source_nats.c — live tail over core NATS (no stream): fire and forget.
 *
 * nats.c's delivery thread hands each message to the parser pool (ingest.h),
 * which pushes events into the evq. When the consumer falls behind, the
 * push and then the hand-off block, the library's per
 * subscription queue absorbs the burst (limits raised well above a 200k
 * burst), and only past those limits are messages dropped — counted by the
 * library and shown. Because the read loop keeps draining the socket, the
 * server never cuts us off as a slow consumer. A small monitor thread reads
 * the library's drop counter, so the UI thread never calls into nats.c. */
#include "core/evq.h"
#include "core/ingest.h"
#include "core/natsconn.h"
#include "core/parse.h"
#include "core/source.h"
#include "core/util.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PENDING_MSGS 2000000         /* < 2,097,151: nats.c 3.4.1 overflows above */
#define PENDING_BYTES (1024 << 20)
#define REDIAL_NS (3 * 1000000000LL)

struct nats_source {
	struct source base;
	struct natsconn conn;
	natsSubscription *sub;
	struct ingest *pool;
	char *subject;
	pthread_t monitor;
	bool monitor_running;
	int64_t redial_at;         /* monitor thread: next redial allowed */
	_Atomic bool stopping;
	_Atomic uint64_t received;
	_Atomic int64_t dropped;
	pthread_mutex_t mon_mu;
	pthread_cond_t mon_cv;
};

static void release_msg(void *arg)
{
	natsMsg_Destroy(arg);
}

static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *arg)
{
	(void)nc;
	(void)sub;
	struct nats_source *s = arg;
	atomic_fetch_add(&s->received, 1);
	/* Blocks while the parsers are behind: back-pressure into the library's
	 * bounded queue. */
	struct ingest_msg m = {
		.data = natsMsg_GetData(msg),
		.len = (size_t)natsMsg_GetDataLength(msg),
		.subject = natsMsg_GetSubject(msg),
		.recv_ns = now_ns(),
		.release = release_msg,
		.arg = msg,
	};
	ingest_submit(s->pool, &m);
}

/* Caller holds mon_mu. (Re)subscribes on the current connection. */
static int subscribe(struct nats_source *s, char **err)
{
	natsStatus st = natsConnection_Subscribe(&s->sub, s->conn.nc, s->subject, on_msg, s);
	if (st != NATS_OK) {
		s->sub = NULL;
		if (err)
			*err = xasprintf("subscribe %s: %s", s->subject, natsStatus_GetText(st));
		return -1;
	}
	natsSubscription_SetPendingLimits(s->sub, PENDING_MSGS, PENDING_BYTES);
	/* When already connected, make sure the server has our interest before
	 * start returns (a publisher started right after us loses nothing). */
	if (natsConnection_Status(s->conn.nc) == NATS_CONN_STATUS_CONNECTED)
		natsConnection_FlushTimeout(s->conn.nc, 2000);
	return 0;
}

/* nats.c reconnects forever, but gives up for good on some errors (a TLS
 * certificate that does not verify, say). Then: a new connection every few
 * seconds, the reason shown meanwhile. Caller holds mon_mu. */
static void redial(struct nats_source *s)
{
	int64_t now = mono_ns();
	if (now < s->redial_at)
		return;
	s->redial_at = now + REDIAL_NS;
	if (s->sub) {
		natsSubscription_Destroy(s->sub);
		s->sub = NULL;
	}
	if (natsconn_redial(&s->conn) == 0)
		subscribe(s, NULL);
}

static void *monitor_main(void *arg)
{
	struct nats_source *s = arg;
	pthread_mutex_lock(&s->mon_mu);
	while (!atomic_load(&s->stopping)) {
		if (natsconn_is_closed(&s->conn))
			redial(s);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 250 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->mon_cv, &s->mon_mu, &ts);
		int64_t d = 0;
		if (s->sub && natsSubscription_GetDropped(s->sub, &d) == NATS_OK &&
		    d != atomic_load(&s->dropped)) {
			atomic_store(&s->dropped, d);
			evq_wake(s->base.q);
		}
	}
	pthread_mutex_unlock(&s->mon_mu);
	nats_ReleaseThreadMemory();
	return NULL;
}

static int nats_start(struct source *base, char **err)
{
	struct nats_source *s = (struct nats_source *)base;
	s->pool = ingest_new(s->base.q, 0);
	pthread_mutex_lock(&s->mon_mu);
	/* A connection the library closed already is redialled by the monitor;
	 * any other subscribe error is a real one. */
	int rc = subscribe(s, err);
	if (rc < 0 && natsconn_is_closed(&s->conn)) {
		free(*err);
		*err = NULL;
		rc = 0;
	}
	pthread_mutex_unlock(&s->mon_mu);
	if (rc < 0)
		return -1;
	if (pthread_create(&s->monitor, NULL, monitor_main, s) == 0)
		s->monitor_running = true;
	return 0;
}

static void nats_stop(struct source *base)
{
	struct nats_source *s = (struct nats_source *)base;
	atomic_store(&s->stopping, true);
	if (s->monitor_running) {
		pthread_mutex_lock(&s->mon_mu);
		pthread_cond_signal(&s->mon_cv);
		pthread_mutex_unlock(&s->mon_mu);
		pthread_join(s->monitor, NULL);
		s->monitor_running = false;
	}
	if (s->pool)
		ingest_stop(s->pool); /* before the subscription: unblocks the callback */
	if (s->sub) {
		natsSubscription_Unsubscribe(s->sub);
		natsSubscription_Destroy(s->sub);
		s->sub = NULL;
	}
	natsconn_close(&s->conn);
}

static void nats_stats(struct source *base, struct source_stats *out)
{
	struct nats_source *s = (struct nats_source *)base;
	memset(out, 0, sizeof(*out));
	natsconn_stats(&s->conn, out);
	out->received = atomic_load(&s->received);
	out->dropped = (uint64_t)atomic_load(&s->dropped);
	out->lossy = true;
}

static void nats_destroy(struct source *base)
{
	struct nats_source *s = (struct nats_source *)base;
	pthread_mutex_destroy(&s->conn.mu);
	pthread_mutex_destroy(&s->mon_mu);
	pthread_cond_destroy(&s->mon_cv);
	ingest_free(s->pool);
	free(s->subject);
	free(s);
}

static const struct source_ops nats_ops = {
	.kind = "nats",
	.start = nats_start,
	.stop = nats_stop,
	.stats = nats_stats,
	.consumed = NULL,
	.destroy = nats_destroy,
};

struct source *source_nats_new(const struct nats_conf *c, struct evq *q, char **err)
{
	struct nats_source *s = xcalloc(1, sizeof(*s));
	s->base.ops = &nats_ops;
	s->base.q = q;
	s->subject = xstrdup(c->subject && *c->subject ? c->subject : "falco.>");
	pthread_mutex_init(&s->mon_mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->mon_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (natsconn_open(&s->conn, c, q, s->subject, err) < 0) {
		pthread_mutex_destroy(&s->mon_mu);
		pthread_cond_destroy(&s->mon_cv);
		free(s->subject);
		free(s);
		return NULL;
	}
	return &s->base;
}
