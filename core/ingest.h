/*
 * ingest.h — a small pool of parser threads between a source's receiving
 * thread and the evq.
 *
 * Parsing (jansson, interning, spooling) is what limits ingestion; the NATS
 * library delivers to one thread per subscription and a file is read by one
 * thread, so without a pool one core parses while the other idles. Sources
 * submit raw messages; a worker parses each one, gives the raw bytes back to
 * their owner (release callback) and pushes the event. Events from
 * different workers may reach the evq in any order: the store orders them by
 * time anyway.
 *
 * Back-pressure is preserved: ingest_submit() blocks while the pool's queue
 * is full, and workers block while the evq is full.
 *
 * Ownership: the pool borrows the evq. Each submitted message stays owned by
 * the submitter until its release callback runs (exactly once, on a worker
 * thread, or at once in ingest_submit when it fails).
 * Thread safety: any number of submitting threads; new/stop/free from the
 * owner.
 */
#ifndef SOCTERM_INGEST_H
#define SOCTERM_INGEST_H

#include <stddef.h>
#include <stdint.h>

struct evq;
struct event;
struct ingest;

struct ingest_msg {
	const char *data;
	size_t len;
	const char *subject;            /* may be NULL; must live until release */
	uint64_t stream_seq;            /* JetStream sequence, 0 if none */
	int64_t recv_ns;
	void (*release)(void *arg);     /* called once the bytes are no longer needed */
	void *arg;
	/* Optional: called on the worker with the parsed event before it is
	 * pushed (e.g. to count it). */
	void (*parsed)(void *ctx, struct event *ev);
	void *parsed_ctx;
};

/* nthreads 0 = one per online CPU, at most 4. */
struct ingest *ingest_new(struct evq *q, unsigned nthreads);
/* Queues a message for parsing. Blocks while the pool is full; returns -1
 * (after releasing the message) once the pool is stopping. */
int ingest_submit(struct ingest *in, const struct ingest_msg *m);
/* Waits until everything submitted so far has been pushed to the evq. */
void ingest_flush(struct ingest *in);
/* Stops the workers; messages not yet parsed are released unparsed. */
void ingest_stop(struct ingest *in);
void ingest_free(struct ingest *in);

#endif
