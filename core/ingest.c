/* ingest.c — see ingest.h. One mutex-protected ring of jobs shared by the
 * workers; a job is small (pointers), the parse is the expensive part. */
#include "core/ingest.h"
#include "core/event.h"
#include "core/evq.h"
#include "core/parse.h"
#include "core/util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#define RING 4096
#define MAX_THREADS 4
#define TAKE 32   /* jobs a worker takes per lock: fewer wake-ups and handovers */

struct ingest {
	struct evq *q;
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full, idle;
	struct ingest_msg ring[RING];
	size_t head, len;
	unsigned busy;          /* jobs taken but not yet pushed */
	bool stopping;
	pthread_t th[MAX_THREADS];
	unsigned nth;
};

static void run_job(struct ingest *in, const struct ingest_msg *m)
{
	struct event *ev = event_parse(m->data, m->len, m->subject, m->recv_ns);
	ev->stream_seq = m->stream_seq;
	if (m->parsed)
		m->parsed(m->parsed_ctx, ev);
	if (m->release)
		m->release(m->arg);
	/* Block while the consumer is behind; give up only when stopping. */
	while (evq_push(in->q, ev, 200) != 0) {
		pthread_mutex_lock(&in->mu);
		bool stop = in->stopping;
		pthread_mutex_unlock(&in->mu);
		if (stop) {
			event_free(ev);
			return;
		}
	}
}

static void *worker_main(void *arg)
{
	struct ingest *in = arg;
	struct ingest_msg batch[TAKE];
	pthread_mutex_lock(&in->mu);
	for (;;) {
		while (!in->len && !in->stopping)
			pthread_cond_wait(&in->not_empty, &in->mu);
		if (!in->len)
			break;
		/* Leave work for the other workers when there is little. */
		size_t n = MIN((size_t)TAKE, (in->len + in->nth - 1) / in->nth);
		for (size_t i = 0; i < n; i++) {
			batch[i] = in->ring[in->head];
			in->head = (in->head + 1) % RING;
		}
		in->len -= n;
		in->busy += (unsigned)n;
		pthread_cond_broadcast(&in->not_full);
		pthread_mutex_unlock(&in->mu);
		for (size_t i = 0; i < n; i++)
			run_job(in, &batch[i]);
		pthread_mutex_lock(&in->mu);
		in->busy -= (unsigned)n;
		if (!in->busy && !in->len)
			pthread_cond_broadcast(&in->idle);
	}
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

struct ingest *ingest_new(struct evq *q, unsigned nthreads)
{
	struct ingest *in = xcalloc(1, sizeof(*in));
	in->q = q;
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->not_empty, NULL);
	pthread_cond_init(&in->not_full, NULL);
	pthread_cond_init(&in->idle, NULL);
	if (!nthreads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (unsigned)n : 1;
	}
	nthreads = MIN(nthreads, MAX_THREADS);
	for (unsigned i = 0; i < nthreads; i++)
		if (pthread_create(&in->th[in->nth], NULL, worker_main, in) == 0)
			in->nth++;
	if (!in->nth)
		die(70, "cannot start parser threads");
	return in;
}

int ingest_submit(struct ingest *in, const struct ingest_msg *m)
{
	pthread_mutex_lock(&in->mu);
	while (in->len == RING && !in->stopping)
		pthread_cond_wait(&in->not_full, &in->mu);
	if (in->stopping) {
		pthread_mutex_unlock(&in->mu);
		if (m->release)
			m->release(m->arg);
		return -1;
	}
	in->ring[(in->head + in->len) % RING] = *m;
	if (in->len++ == 0)
		pthread_cond_signal(&in->not_empty);
	else if (in->len == TAKE)
		pthread_cond_broadcast(&in->not_empty); /* enough for everybody */
	pthread_mutex_unlock(&in->mu);
	return 0;
}

void ingest_flush(struct ingest *in)
{
	pthread_mutex_lock(&in->mu);
	while ((in->len || in->busy) && !in->stopping)
		pthread_cond_wait(&in->idle, &in->mu);
	pthread_mutex_unlock(&in->mu);
}

void ingest_stop(struct ingest *in)
{
	pthread_mutex_lock(&in->mu);
	in->stopping = true;
	/* What nobody took yet is given back unparsed. */
	while (in->len) {
		struct ingest_msg m = in->ring[in->head];
		in->head = (in->head + 1) % RING;
		in->len--;
		pthread_mutex_unlock(&in->mu);
		if (m.release)
			m.release(m.arg);
		pthread_mutex_lock(&in->mu);
	}
	pthread_cond_broadcast(&in->not_empty);
	pthread_cond_broadcast(&in->not_full);
	pthread_cond_broadcast(&in->idle);
	pthread_mutex_unlock(&in->mu);
	for (unsigned i = 0; i < in->nth; i++)
		pthread_join(in->th[i], NULL);
	in->nth = 0;
}

void ingest_free(struct ingest *in)
{
	if (!in)
		return;
	if (in->nth)
		ingest_stop(in);
	pthread_mutex_destroy(&in->mu);
	pthread_cond_destroy(&in->not_empty);
	pthread_cond_destroy(&in->not_full);
	pthread_cond_destroy(&in->idle);
	free(in);
}
