/* test_store.c — timeline order, eviction, pinned marks, dedup, the shown
 * view, and the hand-off queue between threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/evq.h"
#include "core/parse.h"
#include "core/spool.h"
#include "core/store.h"

#define T0 1714557600000000000LL /* 2024-05-01T10:00:00Z */
#define REL(ev) ((ev)->time_ns - T0)

static struct event *mk(int64_t t, const char *rule, int n)
{
	char *js = xasprintf("{\"rule\":\"%s\",\"priority\":\"Notice\",\"time\":"
			     "\"2024-05-01T10:00:%02lld.%09lldZ\",\"output\":\"n=%d\"}",
			     rule, (long long)(t / 1000000000), (long long)(t % 1000000000), n);
	struct event *ev = event_parse(js, strlen(js), NULL, 0);
	free(js);
	return ev;
}

static bool is_odd_rule(void *ctx, const struct event *ev)
{
	(void)ctx;
	return strcmp(intern_str(ev->rule, NULL), "odd") == 0;
}

static void test_order_and_late_events(void **state)
{
	(void)state;
	struct store *st = store_new(100);
	int64_t times[] = { 5, 1, 9, 3, 3, 7 };
	for (size_t i = 0; i < ARRAY_LEN(times); i++)
		assert_true(store_add(st, mk(times[i], "r", (int)i)));
	assert_int_equal(store_len(st), 6);
	for (size_t i = 1; i < store_len(st); i++)
		assert_true(event_cmp(store_get(st, i - 1), store_get(st, i)) < 0);
	/* equal times keep arrival order */
	assert_true(REL(store_get(st, 1)) == 3 && REL(store_get(st, 2)) == 3);
	assert_true(store_get(st, 1)->seq < store_get(st, 2)->seq);
	store_free(st);
}

static void test_eviction_and_marks(void **state)
{
	(void)state;
	struct store *st = store_new(10);
	for (int i = 0; i < 10; i++)
		store_add(st, mk(i, "r", i));
	struct event *oldest = store_get(st, 0), *third = store_get(st, 2);
	store_mark(st, oldest, true);
	store_mark(st, third, true);
	for (int i = 10; i < 1000; i++)
		store_add(st, mk(i, "r", i));
	struct store_counts c;
	store_counts(st, &c);
	assert_int_equal(c.held, 10);
	assert_int_equal(c.evicted, 990);
	assert_int_equal(c.marked, 2);
	assert_true(store_get(st, 0) == oldest); /* marks are never evicted */
	assert_true(store_get(st, 1) == third);
	assert_true(REL(store_get(st, 9)) == 999);
	store_unmark_all(st);
	store_add(st, mk(1000, "r", 1000));
	store_counts(st, &c);
	assert_int_equal(c.held, 10);
	assert_int_equal(c.marked, 0);
	assert_true(REL(store_get(st, 0)) == 2); /* the formerly marked go first */
	store_free(st);
}

static void test_duplicates(void **state)
{
	(void)state;
	struct store *st = store_new(10);
	assert_true(store_add(st, mk(1, "r", 1)));
	assert_false(store_add(st, mk(1, "r", 1))); /* same alert again */
	assert_true(store_add(st, mk(1, "r", 2)));
	struct store_counts c;
	store_counts(st, &c);
	assert_int_equal(c.duplicates, 1);
	assert_int_equal(c.held, 2);
	/* evicted ids leave the index: the same alert may come back later */
	for (int i = 2; i < 30; i++)
		store_add(st, mk(i, "r", i));
	assert_true(store_add(st, mk(1, "r", 1)));
	store_free(st);
}

static void test_shown_view(void **state)
{
	(void)state;
	struct store *st = store_new(50);
	for (int i = 0; i < 40; i++)
		store_add(st, mk(i, i % 2 ? "odd" : "even", i));
	store_set_predicate(st, is_odd_rule, NULL);
	assert_int_equal(store_shown_len(st), 20);
	for (int i = 40; i < 100; i++)
		store_add(st, mk(i, i % 2 ? "odd" : "even", i));
	assert_int_equal(store_len(st), 50);
	assert_int_equal(store_shown_len(st), 25);
	for (size_t i = 0; i < store_shown_len(st); i++)
		assert_true(REL(store_shown_get(st, i)) % 2 == 1);
	size_t at = store_shown_lower_bound(st, T0 + 60, 0);
	assert_true(REL(store_shown_get(st, at)) == 61);
	store_set_predicate(st, NULL, NULL);
	assert_int_equal(store_shown_len(st), 50);
	store_free(st);
}

/* A large capacity with steady eviction must stay fast (O(1) per event). */
static void test_many(void **state)
{
	(void)state;
	struct store *st = store_new(20000);
	for (int i = 0; i < 200000; i++)
		store_add(st, mk(i, "r", i));
	struct store_counts c;
	store_counts(st, &c);
	assert_int_equal(c.held, 20000);
	assert_int_equal(c.evicted, 180000);
	assert_true(REL(store_get(st, 0)) == 180000);
	store_free(st);
}

struct producer {
	struct evq *q;
	int n;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	for (int i = 0; i < p->n; i++) {
		struct event *ev = mk(i, "t", i);
		if (evq_push(p->q, ev, -1) != 0)
			event_free(ev);
	}
	return NULL;
}

static void test_queue_threads(void **state)
{
	(void)state;
	struct evq *q = evq_new(64);
	struct producer p = { q, 20000 };
	pthread_t th[2];
	pthread_create(&th[0], NULL, produce, &p);
	pthread_create(&th[1], NULL, produce, &p);
	int got = 0;
	struct event *batch[16];
	while (got < 2 * p.n) {
		struct pollfd pfd = { evq_fd(q), POLLIN, 0 };
		assert_true(poll(&pfd, 1, 5000) == 1);
		evq_clear(q);
		size_t n;
		while ((n = evq_pop(q, batch, ARRAY_LEN(batch))) > 0) {
			for (size_t i = 0; i < n; i++)
				event_free(batch[i]);
			got += (int)n;
		}
	}
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	assert_int_equal(got, 40000);
	/* a full queue times out, a closed one refuses */
	for (int i = 0; i < 64; i++)
		assert_int_equal(evq_push(q, mk(i, "f", i), 0), 0);
	struct event *extra = mk(99, "f", 99);
	assert_int_equal(evq_push(q, extra, 10), -1);
	evq_close(q);
	assert_int_equal(evq_push(q, extra, -1), -1);
	event_free(extra);
	evq_free(q);
}

int main(void)
{
	parse_init();
	spool_use_memory();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_late_events),
		cmocka_unit_test(test_eviction_and_marks),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_shown_view),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_queue_threads),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	spool_shutdown();
	return rc;
}
