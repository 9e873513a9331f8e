/* test_log.c — log line formats, escaping, secret scrubbing, concurrent writers. */
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "core/secret.h"
#include "core/util.h"

/* 2026-12-03T16:30:00.123Z */
#define TS 1796315400123000000LL

static char *line(enum log_format f, enum log_level l, const char *event,
		  const char *const *kv, size_t nkv, const char *msg)
{
	struct sbuf b = SBUF_INIT;
	log_format_line(&b, f, TS, l, event, kv, nkv, msg);
	return sbuf_steal(&b);
}

/* No byte below 0x20 (but the final newline), no DEL, no C1 in UTF-8 form. */
static void assert_clean_line(const char *s)
{
	size_t n = strlen(s);
	assert_true(n > 0 && s[n - 1] == '\n');
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || (c == 0xc2 && (unsigned char)s[i + 1] >= 0x80 &&
					      (unsigned char)s[i + 1] <= 0x9f))
			fail_msg("raw control byte 0x%02x at %zu in %s", c, i, s);
	}
	char *body = xstrndup(s, n - 1);
	assert_true(log_text_clean(body));
	free(body);
}

static void test_text_format(void **state)
{
	(void)state;
	const char *kv[] = { "url", "nats://127.0.0.1:4222", "count", "3" };
	char *s = line(LOG_FORMAT_TEXT, LOG_INFO, "connected", kv, 2, "connected to NATS");
	assert_string_equal(s, "2026-12-03T16:30:00.123Z level=info event=connected "
			       "url=nats://127.0.0.1:4222 count=3 msg=\"connected to NATS\"\n");
	free(s);
	s = line(LOG_FORMAT_TEXT, LOG_ERROR, "post_failed", NULL, 0, NULL);
	assert_string_equal(s, "2026-12-03T16:30:00.123Z level=error event=post_failed\n");
	free(s);
	/* Values with spaces, '=', quotes, backslashes or nothing are quoted. */
	const char *kv2[] = { "a", "two words", "b", "x=y", "c", "say \"hi\" \\o/", "d", "", "e", NULL };
	s = line(LOG_FORMAT_TEXT, LOG_WARN, "retry", kv2, 5, "");
	assert_string_equal(s, "2026-12-03T16:30:00.123Z level=warn event=retry a=\"two words\" "
			       "b=\"x=y\" c=\"say \\\"hi\\\" \\\\o/\" d=\"\" e=\"\" msg=\"\"\n");
	free(s);
	s = line(LOG_FORMAT_TEXT, LOG_DEBUG, "x", NULL, 0, "m");
	assert_non_null(strstr(s, " level=debug "));
	free(s);
	/* Non-ASCII text passes unchanged. */
	s = line(LOG_FORMAT_TEXT, LOG_INFO, "x", NULL, 0, "naïve café 日本");
	assert_non_null(strstr(s, "msg=\"naïve café 日本\""));
	free(s);
}

static void test_json_format(void **state)
{
	(void)state;
	const char *kv[] = { "url", "nats://127.0.0.1:4222" };
	char *s = line(LOG_FORMAT_JSON, LOG_INFO, "connected", kv, 1, "connected to \"NATS\"");
	assert_string_equal(s, "{\"ts\":\"2026-12-03T16:30:00.123Z\",\"level\":\"info\","
			       "\"event\":\"connected\",\"url\":\"nats://127.0.0.1:4222\","
			       "\"msg\":\"connected to \\\"NATS\\\"\"}\n");
	json_error_t e;
	json_t *o = json_loads(s, 0, &e);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "msg")), "connected to \"NATS\"");
	json_decref(o);
	free(s);
}

static void test_control_bytes_escaped(void **state)
{
	(void)state;
	const char *evil = "a\x1b[31mred\x1b]0;title\x07\nnext\r\tq\x7f\xff\xc3(\xc2\x85\xe2\x80\xae" "end";
	const char *kv[] = { "field", evil, "k\x1b" "ey", "v" };
	char *s = line(LOG_FORMAT_TEXT, LOG_INFO, "ev\x1b[2J", kv, 2, evil);
	assert_clean_line(s);
	assert_non_null(strstr(s, "a\\x1b[31mred\\x1b]0;title\\x07\\nnext\\r\\tq\\x7f\\xff\\xc3(\\u0085\\u202eend"));
	assert_non_null(strstr(s, "event=\"ev\\x1b[2J\""));
	assert_non_null(strstr(s, " k\\x1bey=v "));
	free(s);

	s = line(LOG_FORMAT_JSON, LOG_INFO, "ev\x1b[2J", kv, 2, evil);
	assert_clean_line(s);
	json_error_t e;
	json_t *o = json_loads(s, 0, &e);
	assert_non_null(o);
	/* C0 controls survive JSON escaping exactly; the rest is shown escaped. */
	assert_string_equal(json_string_value(json_object_get(o, "msg")),
			    "a\x1b[31mred\x1b]0;title\x07\nnext\r\tq\\x7f\\xff\\xc3(\\u0085\\u202eend");
	assert_string_equal(json_string_value(json_object_get(o, "event")), "ev\x1b[2J");
	json_decref(o);
	free(s);

	assert_true(log_text_clean("plain text, ünïcode"));
	assert_false(log_text_clean("bell\x07"));
	assert_false(log_text_clean("\xc0\xaf"));        /* overlong */
	assert_false(log_text_clean("\xed\xa0\x80"));    /* surrogate */
	assert_false(log_text_clean("\xf4\x90\x80\x80")); /* > U+10FFFF */
	assert_false(log_text_clean("\xe2\x80"));        /* truncated */
}

static void test_secret_scrubbed(void **state)
{
	(void)state;
	struct secret *s1 = secret_new("hunter2-secret", 14);
	struct secret *s2 = secret_new("pa\"ss\\wörd", strlen("pa\"ss\\wörd"));
	struct secret *shorty = secret_new("abc", 3);
	secret_register(s1);
	secret_register(s2);
	secret_register(s2);
	secret_register(shorty);
	const char *kv[] = { "url", "https://u:hunter2-secret@x", "hunter2-secret", "key" };
	for (int f = LOG_FORMAT_TEXT; f <= LOG_FORMAT_JSON; f++) {
		char *s = line((enum log_format)f, LOG_ERROR, "auth", kv, 2,
			       "password hunter2-secret or pa\"ss\\wörd rejected (abc)");
		assert_null(strstr(s, "hunter2"));
		assert_null(strstr(s, "wörd"));
		assert_null(strstr(s, "ss\\"));
		assert_non_null(strstr(s, "https://u:********@x"));
		assert_non_null(strstr(s, "password ******** or ******** rejected"));
		/* Too short to scrub without mangling every line. */
		assert_non_null(strstr(s, "(abc)"));
		free(s);
	}
	/* A secret split by an escape in the final line is still caught whole. */
	struct sbuf b = SBUF_INIT;
	sbuf_adds(&b, "xxhunter2-secretyyhunter2-secret");
	assert_int_equal(secret_scrub(&b), 2);
	assert_string_equal(b.s, "xx********yy********");
	sbuf_free(&b);
	/* Freed secrets are forgotten. */
	secret_free(s1);
	char *s = line(LOG_FORMAT_TEXT, LOG_INFO, "x", NULL, 0, "hunter2-secret");
	assert_non_null(strstr(s, "hunter2-secret"));
	free(s);
	secret_free(s2);
	secret_free(shorty);
}

static void test_nested_secrets(void **state)
{
	(void)state;
	/* The longer secret is masked whole even if registered after the
	 * shorter one it contains. */
	struct secret *a = secret_new("token", 5), *b = secret_new("token-and-more", 14);
	secret_register(a);
	secret_register(b);
	struct sbuf s = SBUF_INIT;
	sbuf_adds(&s, "[token-and-more] [token]");
	secret_scrub(&s);
	assert_string_equal(s.s, "[********] [********]");
	sbuf_free(&s);
	secret_free(a);
	secret_free(b);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct sbuf b = SBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&b, buf, n);
	fclose(f);
	return sbuf_steal(&b);
}

#define THREADS 4
#define LINES 2000

static void *writer(void *arg)
{
	int id = (int)(intptr_t)arg;
	char n[32], pad[300];
	memset(pad, 'a' + id, sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (int i = 0; i < LINES; i++) {
		snprintf(n, sizeof(n), "%d", i);
		log_kv(LOG_INFO, "tick", pad, "thread", id == 0 ? "0" : id == 1 ? "1" : id == 2 ? "2" : "3",
		       "n", n, NULL);
	}
	return NULL;
}

static void test_threads_json_file(void **state)
{
	(void)state;
	char path[] = "/tmp/socterm-log-XXXXXX";
	int tfd = mkstemp(path);
	assert_true(tfd >= 0);
	close(tfd);
	unlink(path);
	char *err = NULL;
	int fd = log_open(path, &err);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	log_init(LOG_FORMAT_JSON, fd);
	log_set_level(LOG_INFO);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, writer, (void *)(intptr_t)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	log_msg(LOG_DEBUG, "hidden", "below the level");
	log_set_level(LOG_DEBUG);
	assert_int_equal(log_get_level(), LOG_DEBUG);
	log_msg(LOG_DEBUG, "shown", "value %d", 42);
	log_init(LOG_FORMAT_TEXT, -1);
	log_msg(LOG_ERROR, "dropped", "logging is off");
	close(fd);

	char *all = read_all(path);
	int next[THREADS] = { 0 };
	int lines = 0;
	for (char *p = all, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		json_error_t e;
		json_t *o = json_loads(p, 0, &e);
		if (!o)
			fail_msg("line %d is not JSON: %s", lines + 1, p);
		const char *ev = json_string_value(json_object_get(o, "event"));
		if (strcmp(ev, "tick") == 0) {
			int id = atoi(json_string_value(json_object_get(o, "thread")));
			int n = atoi(json_string_value(json_object_get(o, "n")));
			/* Each thread's lines arrive whole and in order. */
			assert_int_equal(n, next[id]++);
			assert_int_equal(strlen(json_string_value(json_object_get(o, "msg"))), 299);
		} else {
			assert_string_equal(ev, "shown");
			assert_string_equal(json_string_value(json_object_get(o, "msg")), "value 42");
			assert_string_equal(json_string_value(json_object_get(o, "level")), "debug");
		}
		json_decref(o);
		lines++;
	}
	assert_int_equal(lines, THREADS * LINES + 1);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(next[i], LINES);
	free(all);
	unlink(path);
	log_set_level(LOG_INFO);
	log_init(LOG_FORMAT_TEXT, 2);

	assert_int_equal(log_open("/nonexistent-dir/x.log", &err), -1);
	assert_non_null(strstr(err, "/nonexistent-dir/x.log: cannot open log file"));
	free(err);
}

static void test_timestamp(void **state)
{
	(void)state;
	struct sbuf b = SBUF_INIT;
	log_format_line(&b, LOG_FORMAT_TEXT, 0, LOG_INFO, "x", NULL, 0, NULL);
	assert_string_equal(b.s, "1970-01-01T00:00:00.000Z level=info event=x\n");
	sbuf_reset(&b);
	log_format_line(&b, LOG_FORMAT_TEXT, 1000000000LL * 86400 * 365 + 999999999, LOG_INFO, "x",
			NULL, 0, NULL);
	assert_string_equal(b.s, "1971-01-01T00:00:00.999Z level=info event=x\n");
	sbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_format),
		cmocka_unit_test(test_json_format),
		cmocka_unit_test(test_control_bytes_escaped),
		cmocka_unit_test(test_secret_scrubbed),
		cmocka_unit_test(test_nested_secrets),
		cmocka_unit_test(test_threads_json_file),
		cmocka_unit_test(test_timestamp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
