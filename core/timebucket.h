/*
 * timebucket.h — fixed-width time buckets over the whole int64 nanosecond
 * range, for the histogram view. Event times come from the events (evt.time
 * may be anything from INT64_MIN to INT64_MAX), so nothing here overflows:
 * results that would leave the range saturate.
 *
 * Ownership: none. Thread safety: pure functions.
 */
#ifndef SOCTERM_TIMEBUCKET_H
#define SOCTERM_TIMEBUCKET_H

#include <stdint.h>

/* Start of the bucket of width w (> 0) holding t, buckets aligned where
 * t + off is a multiple of w (off: the local UTC offset, so minutes, hours
 * and days are local ones). A start before INT64_MIN is INT64_MIN: that
 * bucket is cut short. */
int64_t timebucket_start(int64_t t, int64_t w, int64_t off);

/* Index of the bucket holding t when bucket 0 starts at first: floor((t -
 * first) / w), 0 when t < first. Exact over the whole range. */
uint64_t timebucket_index(int64_t t, int64_t first, int64_t w);

/* t moved by k buckets of width w (the start of bucket k when t starts
 * bucket 0), saturated to the int64 range. Exact even when k * w itself
 * exceeds int64 (20,000 one-week buckets span more than INT64_MAX ns). */
int64_t timebucket_step(int64_t t, int64_t k, int64_t w);

#endif
