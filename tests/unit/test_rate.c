/* test_rate.c — the per-second ring behind the header sparkline: counting,
 * the window sliding forward, gaps, late seconds, and bucketed series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/rate.h"

static struct rate_ring r;

static void test_counts_and_window(void **state)
{
	(void)state;
	rate_init(&r);
	assert_int_equal(rate_at(&r, 100, PRIO_ERROR), 0);
	rate_add(&r, 100, PRIO_ERROR, 2);
	rate_add(&r, 100, PRIO_ERROR, 3);
	rate_add(&r, 100, PRIO_DEBUG, 1);
	rate_add(&r, 101, PRIO_ERROR, 7);
	rate_add(&r, 100, 99, 4); /* out-of-range priority counts as unknown */
	assert_int_equal(rate_at(&r, 100, PRIO_ERROR), 5);
	assert_int_equal(rate_at(&r, 100, PRIO_DEBUG), 1);
	assert_int_equal(rate_at(&r, 100, PRIO_UNKNOWN), 4);
	assert_int_equal(rate_at(&r, 101, PRIO_ERROR), 7);
	assert_int_equal(rate_at(&r, 102, PRIO_ERROR), 0);
	/* A late second inside the window still counts. */
	rate_add(&r, 99, PRIO_ALERT, 1);
	assert_int_equal(rate_at(&r, 99, PRIO_ALERT), 1);
	/* Sliding the window forward forgets what fell out and clears reused slots. */
	rate_add(&r, 100 + RATE_SECONDS, PRIO_NOTICE, 1);
	assert_int_equal(rate_at(&r, 100, PRIO_ERROR), 0);
	assert_int_equal(rate_at(&r, 101, PRIO_ERROR), 7);
	assert_int_equal(rate_at(&r, 100 + RATE_SECONDS, PRIO_ERROR), 0);
	assert_int_equal(rate_at(&r, 100 + RATE_SECONDS, PRIO_NOTICE), 1);
	/* Too old to count. */
	rate_add(&r, 50, PRIO_ERROR, 1);
	assert_int_equal(rate_at(&r, 50, PRIO_ERROR), 0);
	/* A long gap clears everything. */
	rate_add(&r, 100000, PRIO_ERROR, 1);
	assert_int_equal(rate_at(&r, 101, PRIO_ERROR), 0);
	assert_int_equal(rate_at(&r, 100 + RATE_SECONDS, PRIO_NOTICE), 0);
	assert_int_equal(rate_at(&r, 100000, PRIO_ERROR), 1);
	/* Saturates instead of wrapping. */
	rate_add(&r, 100000, PRIO_ERROR, UINT32_MAX);
	assert_int_equal(rate_at(&r, 100000, PRIO_ERROR), UINT32_MAX);
}

static void test_series(void **state)
{
	(void)state;
	rate_init(&r);
	for (int s = 0; s < 30; s++)
		rate_add(&r, 1000 + s, s % 2 ? PRIO_WARNING : PRIO_CRITICAL, (uint32_t)s);
	uint32_t out[3][PRIO_COUNT];
	/* Three 10-second columns ending with second 1029. */
	rate_series(&r, 1029, 10, 3, out);
	uint32_t crit[3] = { 0 }, warn[3] = { 0 };
	for (int s = 0; s < 30; s++)
		(s % 2 ? warn : crit)[s / 10] += (uint32_t)s;
	for (int c = 0; c < 3; c++) {
		assert_int_equal(out[c][PRIO_CRITICAL], crit[c]);
		assert_int_equal(out[c][PRIO_WARNING], warn[c]);
		assert_int_equal(out[c][PRIO_DEBUG], 0);
	}
	/* Seconds after the newest are empty. */
	rate_series(&r, 1039, 10, 1, out);
	assert_int_equal(out[0][PRIO_CRITICAL] + out[0][PRIO_WARNING], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_window),
		cmocka_unit_test(test_series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
