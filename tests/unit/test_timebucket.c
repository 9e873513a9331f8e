/* test_timebucket.c — histogram bucket arithmetic over the whole int64
 * range: checked against 128-bit reference arithmetic for extreme times
 * (evt.time may be INT64_MIN or INT64_MAX), every width the view offers and
 * local offsets east and west of UTC, including half-hour ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timebucket.h"

#define SEC 1000000000LL

static const int64_t widths[] = { 1, 7, SEC, 60 * SEC, 3600 * SEC, 86400 * SEC, 7 * 86400 * SEC };
static const int64_t offsets[] = { 0, 3600 * SEC, -5 * 3600 * SEC, 19800 * SEC, -34200 * SEC,
				   14 * 3600 * SEC, -12 * 3600 * SEC, 1 };

static int64_t times[64];
static size_t ntimes;

static void make_times(void)
{
	static const int64_t fixed[] = { INT64_MIN, INT64_MIN + 1, INT64_MIN + SEC, INT64_MIN / 2,
					 -SEC, -1, 0, 1, SEC, 1714557600123456789LL,
					 INT64_MAX / 2, INT64_MAX - SEC, INT64_MAX - 1, INT64_MAX };
	ntimes = 0;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		times[ntimes++] = fixed[i];
	uint64_t x = 88172645463325252ULL; /* xorshift: spread over the range */
	while (ntimes < sizeof(times) / sizeof(times[0])) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		times[ntimes++] = (int64_t)x;
	}
}

static __int128 floor_div128(__int128 a, __int128 b)
{
	__int128 q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void test_start(void **state)
{
	(void)state;
	make_times();
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
		for (size_t o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++)
			for (size_t i = 0; i < ntimes; i++) {
				int64_t t = times[i], W = widths[w], off = offsets[o];
				__int128 want = floor_div128((__int128)t + off, W) * W - off;
				if (want < INT64_MIN)
					want = INT64_MIN; /* the first bucket is cut short */
				int64_t got = timebucket_start(t, W, off);
				assert_true((__int128)got == want);
				assert_true(got <= t);
			}
	/* Local alignment: an hour bucket in UTC+5:30 starts at half past. */
	assert_int_equal(timebucket_start(3 * 3600 * SEC + 45 * 60 * SEC, 3600 * SEC, 19800 * SEC),
			 3 * 3600 * SEC + 30 * 60 * SEC);
	assert_int_equal(timebucket_start(-1, 60 * SEC, 0), -60 * SEC);
}

static void test_index(void **state)
{
	(void)state;
	make_times();
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
		for (size_t i = 0; i < ntimes; i++)
			for (size_t j = 0; j < ntimes; j++) {
				int64_t t = times[i], first = times[j], W = widths[w];
				__int128 want = t <= first ? 0 : ((__int128)t - first) / W;
				assert_true((__int128)timebucket_index(t, first, W) == want);
			}
	assert_true(timebucket_index(INT64_MAX, INT64_MIN, 1) == UINT64_MAX);
	assert_true(timebucket_index(INT64_MIN, INT64_MAX, SEC) == 0);
	assert_true(timebucket_index(119 * SEC, 60 * SEC, 60 * SEC) == 0);
	assert_true(timebucket_index(120 * SEC, 60 * SEC, 60 * SEC) == 1);
}

static void test_step(void **state)
{
	(void)state;
	make_times();
	static const int64_t ks[] = { 0, 1, -1, 20, -20, 19999, INT64_MAX, INT64_MIN, INT64_MAX / 2,
				      INT64_MIN / 2, (int64_t)1 << 62, -((int64_t)1 << 62) };
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
		for (size_t k = 0; k < sizeof(ks) / sizeof(ks[0]); k++)
			for (size_t i = 0; i < ntimes; i++) {
				__int128 want = (__int128)times[i] + (__int128)ks[k] * widths[w];
				want = want > INT64_MAX ? INT64_MAX : want < INT64_MIN ? INT64_MIN : want;
				assert_true((__int128)timebucket_step(times[i], ks[k], widths[w]) == want);
			}
	assert_int_equal(timebucket_step(INT64_MAX - 10 * SEC, 20, SEC), INT64_MAX);
	assert_int_equal(timebucket_step(INT64_MIN + 10 * SEC, -20, SEC), INT64_MIN);
	assert_int_equal(timebucket_step(1000, -3, 7), 979);
	/* k * w overflows, the move does not. */
	assert_int_equal(timebucket_step(INT64_MIN, (int64_t)1 << 62, 2), 0);
	assert_int_equal(timebucket_step(INT64_MAX, -((int64_t)1 << 62), 2), -1);
	assert_int_equal(timebucket_step(INT64_MIN, 19999, 7 * 86400 * SEC), 2872023163145224192LL);
	assert_int_equal(timebucket_step(0, INT64_MIN, -1), INT64_MAX);
	assert_int_equal(timebucket_step(-1, INT64_MIN, -1), INT64_MAX);
	assert_int_equal(timebucket_step(-2, INT64_MIN, -1), INT64_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
