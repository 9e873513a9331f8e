/*
 * rate.h — events per second by priority over the last RATE_SECONDS
 * seconds: a ring of per-second counters the console feeds as it stores
 * events and the header's sparkline reads.
 *
 * Seconds are whatever clock the caller uses consistently (the console uses
 * the monotonic clock, so the sparkline shows arrivals, not event times).
 * Counts for seconds older than the window are forgotten; a second far in
 * the past of the newest one recorded is ignored.
 *
 * Ownership: a plain struct, no heap. Thread safety: none (the UI thread).
 */
#ifndef SOCTERM_RATE_H
#define SOCTERM_RATE_H

#include <stdint.h>

#include "core/event.h"

#define RATE_SECONDS 600

struct rate_ring {
	int64_t newest;                             /* newest second recorded */
	uint32_t n[RATE_SECONDS][PRIO_COUNT];
};

void rate_init(struct rate_ring *r);
/* Counts `n` events of priority `prio` at second `sec`. */
void rate_add(struct rate_ring *r, int64_t sec, int prio, uint32_t n);
/* Events of `prio` during second `sec` (0 outside the window). */
uint32_t rate_at(const struct rate_ring *r, int64_t sec, int prio);
/* Sums `ncols` buckets of `per` seconds each, the last one ending with second
 * `now` (inclusive): out[col][prio], oldest column first. */
void rate_series(const struct rate_ring *r, int64_t now, int per, int ncols,
		 uint32_t (*out)[PRIO_COUNT]);

#endif
