/* test_idmap.c — the event id map against a plain array model: puts,
 * replacements, deletions (backward shift keeps every other key reachable),
 * growth, and clustered ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/idmap.h"

#define N 5000

static void make_id(int i, bool clustered, uint8_t id[16])
{
	memset(id, 0, 16);
	if (clustered) {
		/* same first 8 bytes and nearly the same last ones: collisions */
		id[15] = (uint8_t)i;
		id[14] = (uint8_t)(i >> 8);
	} else {
		uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15ULL + 12345;
		memcpy(id, &x, 8);
		memcpy(id + 8, &i, sizeof i);
	}
}

static void run_model(bool clustered)
{
	struct idmap *m = idmap_new();
	static int64_t model[N];
	static bool present[N];
	memset(present, 0, sizeof present);
	uint64_t rng = 88172645463325252ULL;
	uint8_t id[16];
	for (int step = 0; step < 40000; step++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		int k = (int)(rng % N);
		make_id(k, clustered, id);
		switch (rng >> 60 & 3) {
		case 0:
		case 1:
			idmap_put(m, id, step);
			model[k] = step;
			present[k] = true;
			break;
		case 2:
			idmap_del(m, id);
			present[k] = false;
			break;
		default: {
			int64_t v = -1;
			bool got = idmap_get(m, id, &v);
			assert_int_equal(got, present[k]);
			if (got)
				assert_int_equal(v, model[k]);
		}
		}
	}
	size_t count = 0;
	for (int k = 0; k < N; k++) {
		make_id(k, clustered, id);
		int64_t v;
		assert_int_equal(idmap_get(m, id, &v), present[k]);
		if (present[k]) {
			assert_int_equal(v, model[k]);
			count++;
		}
	}
	assert_int_equal(idmap_len(m), count);
	idmap_free(m);
}

static void test_random(void **state)
{
	(void)state;
	run_model(false);
}

static void test_clustered(void **state)
{
	(void)state;
	run_model(true);
}

static void test_empty(void **state)
{
	(void)state;
	struct idmap *m = idmap_new();
	uint8_t id[16] = { 1 };
	int64_t v = 7;
	assert_false(idmap_get(m, id, &v));
	idmap_del(m, id);
	assert_int_equal(idmap_len(m), 0);
	idmap_free(m);
	idmap_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_clustered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
