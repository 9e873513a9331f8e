/* rate.c — see rate.h. */
#include "core/rate.h"

#include <string.h>

static int slot(int64_t sec)
{
	int64_t s = sec % RATE_SECONDS;
	return (int)(s < 0 ? s + RATE_SECONDS : s);
}

void rate_init(struct rate_ring *r)
{
	memset(r, 0, sizeof(*r));
	r->newest = INT64_MIN;
}

/* Moves the window forward to `sec`, clearing the seconds it passes over. */
static void advance(struct rate_ring *r, int64_t sec)
{
	if (r->newest == INT64_MIN || sec - r->newest >= RATE_SECONDS) {
		memset(r->n, 0, sizeof(r->n));
	} else {
		for (int64_t s = r->newest + 1; s <= sec; s++)
			memset(r->n[slot(s)], 0, sizeof(r->n[0]));
	}
	r->newest = sec;
}

void rate_add(struct rate_ring *r, int64_t sec, int prio, uint32_t n)
{
	if (prio < 0 || prio >= PRIO_COUNT)
		prio = PRIO_UNKNOWN;
	if (r->newest == INT64_MIN || sec > r->newest)
		advance(r, sec);
	else if (r->newest - sec >= RATE_SECONDS)
		return;
	uint32_t *c = &r->n[slot(sec)][prio];
	*c = n > UINT32_MAX - *c ? UINT32_MAX : *c + n;
}

uint32_t rate_at(const struct rate_ring *r, int64_t sec, int prio)
{
	if (r->newest == INT64_MIN || sec > r->newest || r->newest - sec >= RATE_SECONDS ||
	    prio < 0 || prio >= PRIO_COUNT)
		return 0;
	return r->n[slot(sec)][prio];
}

void rate_series(const struct rate_ring *r, int64_t now, int per, int ncols,
		 uint32_t (*out)[PRIO_COUNT])
{
	if (per < 1)
		per = 1;
	for (int c = 0; c < ncols; c++) {
		int64_t end = now - (int64_t)(ncols - 1 - c) * per;
		for (int p = 0; p < PRIO_COUNT; p++) {
			uint64_t sum = 0;
			for (int64_t s = end - per + 1; s <= end; s++)
				sum += rate_at(r, s, p);
			out[c][p] = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
		}
	}
}
