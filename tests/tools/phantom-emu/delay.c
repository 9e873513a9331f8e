/* delay.c — see delay.h. Few entries are ever pending, so a linear scan is enough. */
#include "tests/tools/phantom-emu/delay.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "core/util.h"

struct entry {
	int64_t due;
	void *arg;
};

struct delay {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thr;
	delay_fn fn;
	struct entry *e;
	size_t n, cap;
	bool stopping;
};

/* Removes and returns the index-i entry's arg. */
static void *take(struct delay *d, size_t i)
{
	void *arg = d->e[i].arg;
	d->e[i] = d->e[--d->n];
	return arg;
}

static void *delay_main(void *p)
{
	struct delay *d = p;
	pthread_mutex_lock(&d->mu);
	while (!d->stopping) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < d->n; i++)
			if (best == SIZE_MAX || d->e[i].due < d->e[best].due)
				best = i;
		if (best == SIZE_MAX) {
			pthread_cond_wait(&d->cv, &d->mu);
			continue;
		}
		int64_t due = d->e[best].due;
		if (mono_ns() < due) {
			struct timespec ts = { (time_t)(due / 1000000000), (long)(due % 1000000000) };
			pthread_cond_timedwait(&d->cv, &d->mu, &ts);
			continue;
		}
		void *arg = take(d, best);
		pthread_mutex_unlock(&d->mu);
		d->fn(arg);
		pthread_mutex_lock(&d->mu);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

struct delay *delay_start(delay_fn fn)
{
	struct delay *d = xcalloc(1, sizeof(*d));
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);  /* same clock as mono_ns() */
	pthread_cond_init(&d->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&d->mu, NULL);
	d->fn = fn;
	if (pthread_create(&d->thr, NULL, delay_main, d) != 0)
		abort();
	return d;
}

void delay_add(struct delay *d, int64_t due_ns, void *arg)
{
	pthread_mutex_lock(&d->mu);
	if (d->stopping) {
		pthread_mutex_unlock(&d->mu);
		d->fn(arg);
		return;
	}
	d->e = xgrow(d->e, &d->cap, d->n + 1, sizeof(*d->e));
	d->e[d->n++] = (struct entry){ due_ns, arg };
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

void delay_stop(struct delay *d)
{
	pthread_mutex_lock(&d->mu);
	d->stopping = true;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->thr, NULL);
	pthread_mutex_lock(&d->mu);
	while (d->n) {
		void *arg = take(d, d->n - 1);
		pthread_mutex_unlock(&d->mu);
		d->fn(arg);
		pthread_mutex_lock(&d->mu);
	}
	pthread_mutex_unlock(&d->mu);
}

void delay_free(struct delay *d)
{
	if (!d)
		return;
	free(d->e);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
