/*
 * evq.h — the bounded hand-off queue from source threads to the consumer
 * (the UI thread in the console, the forwarding loop in --forward-only).
 *
 * Producers (NATS callbacks, file readers, the JetStream fetcher) push parsed
 * events; the consumer polls evq_fd() next to the tty and pops a bounded
 * batch per frame, so a burst cannot starve keystrokes. When the queue is
 * full, evq_push() blocks the producer (up to its timeout): back-pressure
 * reaches the NATS library's own bounded queue, where losses are counted, or
 * the JetStream fetcher, which stops fetching.
 *
 * Ownership: a pushed event belongs to the queue until popped; popped events
 * belong to the consumer. evq_free() frees events still queued.
 * Thread safety: any number of producers, one consumer.
 */
#ifndef SOCTERM_EVQ_H
#define SOCTERM_EVQ_H

#include <stdbool.h>
#include <stddef.h>

struct event;
struct evq;

struct evq *evq_new(size_t capacity);
void evq_free(struct evq *q);

/* Readable (POLLIN) while events are queued or after evq_wake(). */
int evq_fd(const struct evq *q);

/* Takes ownership of ev on success. Blocks while full, up to timeout_ms
 * (-1 = forever). Returns 0, or -1 if the queue was closed or the timeout
 * passed (the caller still owns ev). */
int evq_push(struct evq *q, struct event *ev, int timeout_ms);

/* Moves up to max events into out[]; returns how many. Never blocks. */
size_t evq_pop(struct evq *q, struct event **out, size_t max);

/* Wakes the consumer without an event (e.g. a connection state change). */
void evq_wake(struct evq *q);
/* Clears the wake-up; the consumer calls it before looking at state. */
void evq_clear(struct evq *q);

size_t evq_len(struct evq *q);
size_t evq_space(struct evq *q);
size_t evq_capacity(const struct evq *q);

/* Producers blocked in evq_push() return -1; later pushes fail at once. */
void evq_close(struct evq *q);

#endif
