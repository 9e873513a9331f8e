/* timebucket.c — see timebucket.h. */
#include "core/timebucket.h"

#include <stdbool.h>

/* a mod w in [0, w), w > 0. */
static int64_t mod_pos(int64_t a, int64_t w)
{
	int64_t r = a % w;
	return r < 0 ? r + w : r;
}

int64_t timebucket_start(int64_t t, int64_t w, int64_t off)
{
	/* t - ((t + off) mod w) without forming t + off, which may overflow:
	 * both remainders are below w, so their sum cannot. */
	int64_t into = mod_pos(mod_pos(t, w) + mod_pos(off, w), w), s;
	if (__builtin_sub_overflow(t, into, &s))
		return INT64_MIN;
	return s;
}

uint64_t timebucket_index(int64_t t, int64_t first, int64_t w)
{
	if (t <= first)
		return 0;
	/* The difference can exceed INT64_MAX but always fits in 64 unsigned bits. */
	return ((uint64_t)t - (uint64_t)first) / (uint64_t)w;
}

/* int64 order-preserving onto [0, 2^64): t + 2^63, and back. */
static uint64_t to_biased(int64_t t)
{
	return (uint64_t)t ^ ((uint64_t)1 << 63);
}

static int64_t from_biased(uint64_t u)
{
	return u <= (uint64_t)INT64_MAX ? INT64_MIN + (int64_t)u
					: (int64_t)(u - ((uint64_t)1 << 63));
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

int64_t timebucket_step(int64_t t, int64_t k, int64_t w)
{
	/* k * w may exceed int64 while t + k * w does not (a bucket of a span
	 * wider than INT64_MAX ns): move in unsigned, biased space. */
	uint64_t u = to_biased(t), d;
	bool down = (k < 0) != (w < 0);
	if (__builtin_mul_overflow(magnitude(k), magnitude(w), &d))
		return down ? INT64_MIN : INT64_MAX;
	if (down)
		return d > u ? INT64_MIN : from_biased(u - d);
	return d > UINT64_MAX - u ? INT64_MAX : from_biased(u + d);
}
