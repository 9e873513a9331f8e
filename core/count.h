/*
 * count.h — `socterm --count`: headless ingestion for benchmarks and quick
 * checks. Events are held in a real store (so memory per event is what the
 * console pays) and counted; when the source ends, or has been idle for
 * 2 seconds after the first event, or on SIGINT/SIGTERM, one line of
 * results is printed to stdout:
 *   events=N unparsed=N duplicates=N dropped=N held=N elapsed_ms=N rate=N rss_kb=N
 *   hwm_kb=N bytes_per_event=N
 *
 * Ownership: borrows everything. Thread safety: main thread.
 */
#ifndef SOCTERM_COUNT_H
#define SOCTERM_COUNT_H

#include <stddef.h>

struct source;
struct evq;

int count_run(struct source *src, struct evq *q, size_t capacity);

#endif
