/* test_vocab.c — what the console learns from events for tab completion
 * (bounded), and the completion candidates of the filter language in each
 * context: field names, FIELD OP values, tag:/field: prefixes, quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/parse.h"
#include "core/spool.h"
#include "core/util.h"
#include "core/vocab.h"

static struct event *mk(const char *rule, const char *host, const char *tags, const char *fields)
{
	char *js = xasprintf("{\"rule\":\"%s\",\"hostname\":\"%s\",\"priority\":\"Notice\",\"source\":\"syscall\","
			     "\"time\":\"2024-05-01T10:00:00Z\",\"output\":\"x\",\"tags\":[%s],"
			     "\"output_fields\":{%s}}",
			     rule, host, tags, fields);
	struct event *ev = event_parse(js, strlen(js), NULL, 0);
	free(js);
	return ev;
}

static struct vocab *sample(void)
{
	struct vocab *v = vocab_new();
	struct event *e[] = {
		mk("Terminal shell in container", "web-1", "\"container\",\"mitre_execution\"",
		   "\"container.name\":\"nginx\",\"proc.cmdline\":\"sh\""),
		mk("Write below etc", "db-2", "\"filesystem\",\"mitre_persistence\"",
		   "\"fd.name\":\"/etc/passwd\",\"k8s.pod.name\":\"db\",\"ka.uri.param[command]\":\"x\""),
		mk("Write below etc", "db-2", "\"filesystem\",\"mitre_persistence\"", "\"fd.name\":\"/etc/x\""),
	};
	for (size_t i = 0; i < ARRAY_LEN(e); i++) {
		vocab_note(v, e[i]);
		event_free(e[i]); /* the vocab keeps its own references */
	}
	return v;
}

/* The candidates, space-separated. */
static char *complete(struct vocab *v, const char *line, size_t start, bool quoted)
{
	struct strv out = { 0 };
	vocab_complete_filter(v, line, start, line + start, quoted, &out);
	struct sbuf b = SBUF_INIT;
	for (size_t i = 0; i < out.n; i++)
		sbuf_printf(&b, "%s%s", i ? " " : "", out.v[i]);
	strv_free(&out);
	char *r = xstrdup(sbuf_str(&b));
	sbuf_free(&b);
	return r;
}

#define COMPLETES(v, line, start, quoted, want)                  \
	do {                                                     \
		char *got_ = complete(v, line, start, quoted);   \
		assert_string_equal(got_, want);                 \
		free(got_);                                      \
	} while (0)

static void test_learning(void **state)
{
	(void)state;
	struct vocab *v = sample();
	assert_int_equal(vocab_nkeys(v), 5);
	assert_int_equal(vocab_ntags(v), 4);
	struct strv keys = { 0 };
	vocab_keys(v, "k", &keys);
	assert_int_equal(keys.n, 2);
	assert_string_equal(keys.v[0], "k8s.pod.name");
	assert_string_equal(keys.v[1], "ka.uri.param[command]");
	strv_free(&keys);
	vocab_free(v);
}

static void test_fields_and_keywords(void **state)
{
	(void)state;
	struct vocab *v = sample();
	COMPLETES(v, "containe", 0, false, "container.id container.image.repository container.name");
	COMPLETES(v, "fd.", 0, false, "fd.name");
	COMPLETES(v, "is:m", 0, false, "is:marked");
	COMPLETES(v, "prio", 0, false, "priority");
	COMPLETES(v, "rule=x and k8s.p", 11, false, "k8s.pod.name");
	COMPLETES(v, "(not ka.", 5, false, "ka.uri.param[command]");
	COMPLETES(v, "zzz", 0, false, "");
	vocab_free(v);
}

static void test_values(void **state)
{
	(void)state;
	struct vocab *v = sample();
	COMPLETES(v, "priority>=cr", 10, false, "critical");
	COMPLETES(v, "priority >= ", 12, false,
		  "alert critical debug emergency error informational notice unknown warning");
	COMPLETES(v, "tag=mitre_", 4, false, "mitre_execution mitre_persistence");
	COMPLETES(v, "host = db", 7, false, "db-2");
	COMPLETES(v, "source!=sys", 8, false, "syscall");
	/* values with spaces come quoted ... */
	COMPLETES(v, "rule=Wri", 5, false, "\"Write below etc\"");
	COMPLETES(v, "rule~Te", 5, false, "\"Terminal shell in container\"");
	/* ... unless the user opened the quote */
	COMPLETES(v, "rule=\"Wri", 6, true, "Write below etc");
	/* a rule name from an event cannot close the analyst's quote */
	{
		struct event *ev = mk("Evil\\\" or rule~x", "h", "", "");
		vocab_note(v, ev);
		event_free(ev);
	}
	COMPLETES(v, "rule=\"Evi", 6, true, "Evil\\\" or rule~x");
	COMPLETES(v, "rule=Evi", 5, false, "\"Evil\\\" or rule~x\"");
	/* a ! alone is `not`, not an operator: back to field names */
	COMPLETES(v, "!fd.", 1, false, "fd.name");
	/* fields without known values complete nothing */
	COMPLETES(v, "proc.cmdline=", 13, false, "");
	vocab_free(v);
}

static void test_prefixes(void **state)
{
	(void)state;
	struct vocab *v = sample();
	COMPLETES(v, "tag:mitre_p", 0, false, "tag:mitre_persistence");
	COMPLETES(v, "TAG:fi", 0, false, "TAG:filesystem");
	COMPLETES(v, "field:k8s", 0, false, "field:k8s.pod.name");
	vocab_free(v);
}

static void test_bounded(void **state)
{
	(void)state;
	struct vocab *v = vocab_new();
	for (int i = 0; i < VOCAB_MAX_KEYS + 200; i++) {
		char f[64], t[64];
		snprintf(f, sizeof(f), "\"k.%d\":1", i);
		snprintf(t, sizeof(t), "\"tag%d\"", i);
		struct event *ev = mk("r", "h", t, f);
		vocab_note(v, ev);
		event_free(ev);
	}
	assert_int_equal(vocab_nkeys(v), VOCAB_MAX_KEYS);
	assert_int_equal(vocab_ntags(v), VOCAB_MAX_TAGS);
	/* the first ones seen stay */
	COMPLETES(v, "k.0", 0, false, "k.0");
	vocab_free(v);
}

static void test_strv(void **state)
{
	(void)state;
	struct strv s = { 0 };
	const char *in[] = { "b", "a", "c", "a", "b" };
	for (size_t i = 0; i < ARRAY_LEN(in); i++)
		strv_add(&s, in[i], 1);
	strv_sort_uniq(&s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0], "a");
	assert_string_equal(s.v[2], "c");
	strv_free(&s);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	parse_init();
	spool_use_memory();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learning),
		cmocka_unit_test(test_fields_and_keywords),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_strv),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	spool_shutdown();
	return rc;
}
