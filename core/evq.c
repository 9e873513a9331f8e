/* evq.c — see evq.h. A mutex-protected ring plus an eventfd.
 *
 * The eventfd is written only on the empty -> non-empty transition (and by
 * evq_wake), so a burst costs one wake-up, not one per event. */
#include "core/evq.h"
#include "core/event.h"
#include "core/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct evq {
	pthread_mutex_t mu;
	pthread_cond_t not_full;
	struct event **ring;
	size_t cap, head, len;
	int efd;
	bool closed;
};

struct evq *evq_new(size_t capacity)
{
	struct evq *q = xcalloc(1, sizeof(*q));
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->not_full, &ca);
	pthread_condattr_destroy(&ca);
	q->cap = capacity ? capacity : 1;
	q->ring = xcalloc(q->cap, sizeof(*q->ring));
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0)
		die(70, "eventfd: %s", strerror(errno));
	return q;
}

void evq_free(struct evq *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->len; i++)
		event_free(q->ring[(q->head + i) % q->cap]);
	close(q->efd);
	pthread_cond_destroy(&q->not_full);
	pthread_mutex_destroy(&q->mu);
	free(q->ring);
	free(q);
}

int evq_fd(const struct evq *q)
{
	return q->efd;
}

static void signal_fd(struct evq *q)
{
	uint64_t one = 1;
	/* EAGAIN means the counter is saturated: already readable. */
	ssize_t w = write(q->efd, &one, sizeof(one));
	(void)w;
}

int evq_push(struct evq *q, struct event *ev, int timeout_ms)
{
	struct timespec deadline;
	if (timeout_ms >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += timeout_ms / 1000;
		deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_lock(&q->mu);
	while (q->len == q->cap && !q->closed) {
		if (timeout_ms < 0) {
			pthread_cond_wait(&q->not_full, &q->mu);
		} else if (pthread_cond_timedwait(&q->not_full, &q->mu, &deadline) == ETIMEDOUT) {
			break;
		}
	}
	if (q->closed || q->len == q->cap) {
		pthread_mutex_unlock(&q->mu);
		return -1;
	}
	q->ring[(q->head + q->len) % q->cap] = ev;
	bool was_empty = q->len++ == 0;
	pthread_mutex_unlock(&q->mu);
	if (was_empty)
		signal_fd(q);
	return 0;
}

size_t evq_pop(struct evq *q, struct event **out, size_t max)
{
	pthread_mutex_lock(&q->mu);
	size_t n = MIN(max, q->len);
	for (size_t i = 0; i < n; i++) {
		out[i] = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
	}
	q->len -= n;
	if (n)
		pthread_cond_broadcast(&q->not_full);
	/* Leave the fd readable while events remain so poll() comes back. */
	if (q->len)
		signal_fd(q);
	pthread_mutex_unlock(&q->mu);
	return n;
}

void evq_wake(struct evq *q)
{
	signal_fd(q);
}

void evq_clear(struct evq *q)
{
	uint64_t v;
	ssize_t r = read(q->efd, &v, sizeof(v));
	(void)r;
}

size_t evq_len(struct evq *q)
{
	pthread_mutex_lock(&q->mu);
	size_t n = q->len;
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t evq_space(struct evq *q)
{
	pthread_mutex_lock(&q->mu);
	size_t n = q->cap - q->len;
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t evq_capacity(const struct evq *q)
{
	return q->cap;
}

void evq_close(struct evq *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
	signal_fd(q);
}
