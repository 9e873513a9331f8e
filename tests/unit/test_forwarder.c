/* test_forwarder.c — the forwarding thread without a Phantom server:
 * escalations stay queued while none is configured, a refused connection
 * is retried with backoff and then given up, changes reach the wake fd,
 * one forwarder per state directory, and stop is prompt. Delivery itself is
 * tested against the emulator in tests/phantom.t. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/forwarder.h"
#include "core/util.h"

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/socterm-fwd.XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void rm_dir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static int64_t queue_one(const char *dir, const char *id)
{
	char *err = NULL;
	struct statedb *db = statedb_open(dir, &err);
	assert_non_null(db);
	struct statedb_item_in it = { id, "{\"rule\":\"r\",\"priority\":\"Warning\"}", 32 };
	struct statedb_esc e = { .kind = ESC_NEW };
	int64_t esc = statedb_queue(db, &e, &it, 1);
	assert_true(esc > 0);
	statedb_close(db);
	return esc;
}

static enum esc_state state_of(const char *dir, int64_t id)
{
	char *err = NULL;
	struct statedb *db = statedb_open(dir, &err);
	assert_non_null(db);
	enum esc_state s = statedb_state(db, id);
	statedb_close(db);
	return s;
}

static int notified;
static void on_notify(void *ctx)
{
	(void)ctx;
	__atomic_add_fetch(&notified, 1, __ATOMIC_SEQ_CST);
}

/* Collects changes until one reaches `want` for esc, or the deadline. */
static bool wait_change(struct forwarder *f, int64_t esc, enum esc_state want, int secs,
			struct fwd_change *out)
{
	int64_t deadline = mono_ns() + secs * 1000000000LL;
	while (mono_ns() < deadline) {
		struct pollfd p = { .fd = forwarder_wake_fd(f), .events = POLLIN };
		poll(&p, 1, 50);
		struct fwd_change *c;
		size_t n = forwarder_changes(f, &c);
		bool hit = false;
		for (size_t i = 0; i < n; i++)
			if (c[i].esc_id == esc && c[i].state == want) {
				if (out)
					*out = c[i];
				hit = true;
			}
		free(c);
		if (hit)
			return true;
	}
	return false;
}

static void test_unconfigured_keeps_queue(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	int64_t esc = queue_one(dir, "e1");
	char *err = NULL;
	struct forwarder_opts o = { .state_dir = dir };
	struct forwarder *f = forwarder_new(&o, &err);
	assert_non_null(f);
	assert_int_equal(forwarder_start(f, &err), 0);
	forwarder_kick(f);
	struct fwd_stats st;
	int64_t deadline = mono_ns() + 3000000000LL;
	do {
		usleep(20000);
		forwarder_stats(f, &st);
	} while (st.queued != 1 && mono_ns() < deadline);
	assert_int_equal(st.queued, 1);
	assert_false(st.configured);
	assert_true(st.running);
	assert_int_equal(st.requests, 0);
	int64_t t0 = mono_ns();
	forwarder_stop(f, 5000000000LL);
	assert_true(mono_ns() - t0 < 1000000000LL); /* idle: stops at once */
	forwarder_stats(f, &st);
	assert_false(st.running);
	forwarder_free(f);
	assert_int_equal(state_of(dir, esc), ESC_QUEUED);
	rm_dir(dir);
}

static void test_refused_retry_then_fail(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	int64_t esc = queue_one(dir, "e1");
	char *err = NULL;
	struct forwarder_opts o = { .state_dir = dir, .notify = on_notify };
	struct forwarder *f = forwarder_new(&o, &err);
	assert_non_null(f);
	assert_int_equal(forwarder_start(f, &err), 0);
	/* configured after start, as the console does when settings change */
	struct phantom_conf pc = { .base_url = "http://127.0.0.1:1", .token = "secret-token-123",
				   .connect_timeout_ms = 1000, .timeout_ms = 2000, .retry_max = 3,
				   .backoff_base_ms = 50, .backoff_max_ms = 100 };
	forwarder_configure(f, &pc);
	struct fwd_change c;
	assert_true(wait_change(f, esc, ESC_QUEUED, 5, &c));
	assert_int_equal(c.attempts, 1);
	assert_true(c.next_attempt_ns > 0);
	assert_non_null(strstr(c.error, "onnect"));
	assert_true(wait_change(f, esc, ESC_FAILED, 5, &c));
	assert_int_equal(c.attempts, 3);
	assert_non_null(strstr(c.error, "gave up after 3 attempts"));
	assert_null(strstr(c.error, "secret-token-123"));
	struct fwd_stats st;
	forwarder_stats(f, &st);
	assert_true(st.configured);
	assert_int_equal(st.retried, 2);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.requests, 3);
	assert_string_equal(st.url, "http://127.0.0.1:1");
	assert_true(__atomic_load_n(&notified, __ATOMIC_SEQ_CST) > 0);
	forwarder_stop(f, 1000000000LL);
	forwarder_free(f);
	assert_int_equal(state_of(dir, esc), ESC_FAILED);
	rm_dir(dir);
}

/* A manual retry of a failed escalation: attempts go on counting (they
 * are every attempt), while the retry limit starts again from zero. */
static void test_manual_retry_counts_attempts(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	int64_t esc = queue_one(dir, "e1");
	char *err = NULL;
	struct phantom_conf pc = { .base_url = "http://127.0.0.1:1", .token = "t",
				   .connect_timeout_ms = 1000, .timeout_ms = 2000, .retry_max = 2,
				   .backoff_base_ms = 20, .backoff_max_ms = 40 };
	struct forwarder_opts o = { .state_dir = dir, .phantom = &pc };
	struct forwarder *f = forwarder_new(&o, &err);
	assert_non_null(f);
	assert_int_equal(forwarder_start(f, &err), 0);
	struct fwd_change c;
	assert_true(wait_change(f, esc, ESC_FAILED, 5, &c));
	assert_int_equal(c.attempts, 2);
	assert_non_null(strstr(c.error, "gave up after 2 attempts"));

	struct statedb *ui = statedb_open(dir, &err);
	assert_non_null(ui);
	assert_int_equal(statedb_retry(ui, esc), 0);
	forwarder_kick(f);
	/* retried (not failed at once: a fresh run), attempt 3 */
	assert_true(wait_change(f, esc, ESC_QUEUED, 5, &c));
	assert_int_equal(c.attempts, 3);
	assert_true(wait_change(f, esc, ESC_FAILED, 5, &c));
	assert_int_equal(c.attempts, 4);
	assert_non_null(strstr(c.error, "gave up after 2 attempts"));
	struct statedb_case k;
	assert_int_equal(statedb_case_get(ui, esc, &k), 0);
	assert_int_equal(k.attempts, 4);
	statedb_case_clear(&k);
	statedb_close(ui);
	forwarder_stop(f, 1000000000LL);
	forwarder_free(f);
	rm_dir(dir);
}

static void test_one_forwarder_per_directory(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	int64_t esc = queue_one(dir, "e1");
	char *err = NULL;
	struct phantom_conf pc = { .base_url = "http://127.0.0.1:1", .retry_max = 1 };
	struct forwarder_opts o = { .state_dir = dir, .phantom = &pc };
	struct forwarder *a = forwarder_new(&o, &err);
	struct forwarder_opts o2 = { .state_dir = dir };
	struct forwarder *b = forwarder_new(&o2, &err);
	assert_non_null(a);
	assert_non_null(b);
	/* b starts first and holds the lock, unconfigured: a must not send */
	assert_int_equal(forwarder_start(b, &err), 0);
	struct fwd_stats st;
	int64_t deadline = mono_ns() + 3000000000LL;
	do {
		usleep(20000);
		forwarder_stats(b, &st);
	} while (st.queued != 1 && mono_ns() < deadline);
	assert_int_equal(forwarder_start(a, &err), 0);
	deadline = mono_ns() + 3000000000LL;
	do {
		usleep(20000);
		forwarder_stats(a, &st);
	} while (!st.locked_elsewhere && mono_ns() < deadline);
	assert_true(st.locked_elsewhere);
	assert_int_equal(st.requests, 0);
	assert_int_equal(state_of(dir, esc), ESC_QUEUED);
	/* when b goes away, a takes over and sends */
	forwarder_stop(b, 0);
	forwarder_free(b);
	forwarder_kick(a);
	assert_true(wait_change(a, esc, ESC_FAILED, 10, NULL));
	forwarder_stop(a, 0);
	forwarder_free(a);
	rm_dir(dir);
}

static void test_bad_state_dir(void **state)
{
	(void)state;
	char *err = NULL;
	struct forwarder_opts o = { .state_dir = "/proc/self/no/such/dir" };
	assert_null(forwarder_new(&o, &err));
	assert_non_null(err);
	free(err);
	o.state_dir = NULL;
	assert_null(forwarder_new(&o, &err));
	free(err);
}

static int setup(void **state)
{
	(void)state;
	return phantom_global_init();
}

static int teardown(void **state)
{
	(void)state;
	phantom_global_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unconfigured_keeps_queue),
		cmocka_unit_test(test_refused_retry_then_fail),
		cmocka_unit_test(test_manual_retry_counts_attempts),
		cmocka_unit_test(test_one_forwarder_per_directory),
		cmocka_unit_test(test_bad_state_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
