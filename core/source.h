/*
 * source.h — where events come from: an interface with one implementation
 * per transport (core NATS, JetStream durable consumer, file/stdin).
 *
 * A source runs its own threads, parses what it receives into events and
 * pushes them into the evq it was given. It never touches the screen and its
 * threads never call back into the consumer; state changes are published
 * through source_stats() and announced with evq_wake().
 *
 * Ownership: the creator owns the source and destroys it with
 * source_destroy() after source_stop(). The evq is borrowed and must outlive
 * the source.
 * Thread safety: start/stop/destroy from the owning thread; stats and
 * consumed from any single consumer thread.
 */
#ifndef SOCTERM_SOURCE_H
#define SOCTERM_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

struct event;
struct evq;

enum conn_state {
	CONN_IDLE,          /* not started */
	CONN_CONNECTING,    /* first connection not made yet (server down?) */
	CONN_CONNECTED,
	CONN_DISCONNECTED,  /* lost; the library is reconnecting */
	CONN_CLOSED,        /* gave up or stopped */
	CONN_READING,       /* file source */
	CONN_EOF,           /* file source finished (not following) */
	CONN_ERROR,
};

const char *conn_state_name(enum conn_state s);

struct source_stats {
	enum conn_state state;
	char name[200];         /* what the user sees: "nats://127.0.0.1:4222 falco.>" */
	char last_error[200];   /* sanitised; "" if none */
	int64_t state_since_ns; /* CLOCK_REALTIME of the last state change */
	uint64_t received;      /* messages or lines taken in */
	uint64_t dropped;       /* lost before reaching us (slow consumer) */
	uint64_t reconnects;
	uint64_t pending;       /* JetStream: messages waiting on the server */
	uint64_t redelivered;   /* JetStream: duplicates skipped by sequence */
	bool lossy;             /* core NATS: losses are possible */
	bool durable;           /* JetStream durable consumer */
};

struct source;

struct source_ops {
	const char *kind;   /* "nats", "jetstream", "file" */
	int (*start)(struct source *s, char **err);
	void (*stop)(struct source *s);
	void (*stats)(struct source *s, struct source_stats *out);
	/* The consumer has made ev safe (in the timeline, or committed to the
	 * outbox). Must not block or do I/O: sources that ack queue it. */
	void (*consumed)(struct source *s, const struct event *ev);
	void (*destroy)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	struct evq *q;
};

/* NATS connection settings shared by the core and JetStream sources. */
struct nats_conf {
	const char *servers;     /* "nats://a:4222,nats://b:4222"; may embed user:pass@ */
	const char *subject;     /* default "falco.>" */
	const char *creds_file;
	const char *token_file;
	const char *tls_ca;
	const char *tls_cert;
	const char *tls_key;
	const char *name;        /* connection name shown by the server */
	/* JetStream (NULL stream = core NATS) */
	const char *stream;
	const char *durable;
	bool create_stream;
	int64_t stream_max_age_ns;
	int64_t stream_max_bytes;
	int64_t start_since_ns;  /* new durable: deliver from now - since (0 = new only) */
	bool start_all;          /* new durable: deliver everything in the stream */
};

/* Wrappers that keep call sites short. */
static inline int source_start(struct source *s, char **err) { return s->ops->start(s, err); }
static inline void source_stop(struct source *s) { s->ops->stop(s); }
static inline void source_stats(struct source *s, struct source_stats *o) { s->ops->stats(s, o); }
static inline void source_consumed(struct source *s, const struct event *ev)
{
	if (s->ops->consumed)
		s->ops->consumed(s, ev);
}
static inline void source_destroy(struct source *s)
{
	if (s)
		s->ops->destroy(s);
}

/* Implementations. Both return NULL only on invalid arguments (*err set). */
struct source *source_nats_new(const struct nats_conf *c, struct evq *q, char **err);
/* JetStream durable consumer: c->stream and c->durable are required. */
struct source *source_js_new(const struct nats_conf *c, struct evq *q, char **err);
struct source *source_file_new(const char *path, bool follow, struct evq *q, char **err);

#endif
