/*
 * natsconn.h — one NATS connection as socterm wants it: several servers,
 * credentials from files, TLS, unlimited reconnects, and starting even while
 * every server is down (the library keeps trying in the background).
 *
 * Connection events arrive on nats.c's own threads; they only update the
 * shared stats under a mutex and wake the consumer through the evq.
 *
 * Ownership: the source that embeds a struct natsconn owns it; the evq is
 * borrowed. natsconn_close() destroys the connection; the struct itself must
 * stay alive until nats_CloseAndWait() because nats.c may still run a
 * callback after natsConnection_Destroy() (nats.c issue 735).
 * Thread safety: open/close from the owner; stats from any thread.
 */
#ifndef SOCTERM_NATSCONN_H
#define SOCTERM_NATSCONN_H

#include <nats/nats.h>
#include <pthread.h>

#include "core/source.h"

struct natsconn {
	natsConnection *nc;
	natsOptions *opts;
	struct evq *q;
	pthread_mutex_t mu;
	struct source_stats st;   /* state, name, reconnects, last_error */
	int64_t slow_events;      /* slow-consumer notifications */
	bool closing;
};

/* Creates the connection. Returns 0 (possibly still connecting) or -1 with
 * *err set (malloc'd) for invalid settings (bad URL, unreadable files). */
int natsconn_open(struct natsconn *c, const struct nats_conf *conf, struct evq *q,
		  const char *what, char **err);
void natsconn_close(struct natsconn *c);
/* True once the library gave up on the connection (e.g. a TLS handshake
 * that fails verification is not retried by nats.c). */
bool natsconn_is_closed(struct natsconn *c);
/* Replaces a closed connection with a new one, same settings. The caller
 * must own every user of the old one (subscriptions, JetStream context),
 * which are gone with it. 0, or -1 (the reason is in last_error). */
int natsconn_redial(struct natsconn *c);
/* Copies the connection part of the stats into out. */
void natsconn_stats(struct natsconn *c, struct source_stats *out);
/* Records an error text (sanitised) and wakes the consumer. */
void natsconn_error(struct natsconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
