/* test_ingest.c — the parser pool: every message parsed and pushed once,
 * released exactly once, back-pressure when the evq is full, stop releases
 * what was not parsed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/evq.h"
#include "core/ingest.h"
#include "core/parse.h"
#include "core/spool.h"

static _Atomic int released;

static void release(void *arg)
{
	free(arg);
	released++;
}

struct producer {
	struct ingest *in;
	int base, n;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	for (int i = 0; i < p->n; i++) {
		char *js = xasprintf("{\"rule\":\"r%d\",\"priority\":\"Notice\",\"time\":"
				     "\"2024-05-01T10:00:00Z\",\"output\":\"n=%d\"}", p->base + i, p->base + i);
		struct ingest_msg m = { .data = js, .len = strlen(js), .stream_seq = (uint64_t)(p->base + i + 1),
					.release = release, .arg = js };
		ingest_submit(p->in, &m);
	}
	return NULL;
}

static void test_all_arrive_once(void **state)
{
	(void)state;
	released = 0;
	struct evq *q = evq_new(100); /* smaller than the load: back-pressure */
	struct ingest *in = ingest_new(q, 2);
	struct producer a = { in, 0, 5000 }, b = { in, 5000, 5000 };
	pthread_t ta, tb;
	pthread_create(&ta, NULL, produce, &a);
	pthread_create(&tb, NULL, produce, &b);
	static bool seen[10000];
	memset(seen, 0, sizeof(seen));
	int got = 0;
	struct event *batch[64];
	while (got < 10000) {
		size_t n = evq_pop(q, batch, 64);
		for (size_t i = 0; i < n; i++) {
			uint64_t seq = batch[i]->stream_seq;
			assert_true(seq >= 1 && seq <= 10000);
			assert_false(seen[seq - 1]);
			seen[seq - 1] = true;
			event_free(batch[i]);
		}
		got += (int)n;
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ingest_flush(in);
	assert_int_equal(released, 10000);
	assert_int_equal(evq_len(q), 0);
	ingest_free(in);
	evq_free(q);
}

static void test_stop_releases_pending(void **state)
{
	(void)state;
	released = 0;
	struct evq *q = evq_new(1); /* workers block at once */
	struct ingest *in = ingest_new(q, 1);
	for (int i = 0; i < 50; i++) {
		char *js = xstrdup("{\"rule\":\"x\"}");
		struct ingest_msg m = { .data = js, .len = strlen(js), .release = release, .arg = js };
		assert_int_equal(ingest_submit(in, &m), 0);
	}
	ingest_stop(in);
	assert_int_equal(released, 50); /* parsed or not, each released once */
	char *js = xstrdup("{}");
	struct ingest_msg m = { .data = js, .len = 2, .release = release, .arg = js };
	assert_int_equal(ingest_submit(in, &m), -1);
	assert_int_equal(released, 51);
	ingest_free(in);
	evq_free(q);
}

int main(void)
{
	parse_init();
	spool_use_memory();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_arrive_once),
		cmocka_unit_test(test_stop_releases_pending),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	spool_shutdown();
	return rc;
}
