/* test_parse.c — Falco JSON into compact events: real shapes, quirks
 * (bug-cases.md section A), hostile bytes, and the public samples when
 * ../shared/samples exists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/lib_common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/event.h"
#include "core/intern.h"
#include "core/parse.h"
#include "core/sanitize.h"
#include "core/spool.h"
#include "core/util.h"

static struct event *parse(const char *s)
{
	return event_parse(s, strlen(s), "falco.warning.x", 42);
}

static char *field_text(const struct event *ev, const char *key)
{
	struct fval v;
	if (!event_get_name(ev, key, &v))
		return NULL;
	struct sbuf b = SBUF_INIT;
	fval_format(&v, &b);
	return sbuf_steal(&b);
}

static void assert_field(const struct event *ev, const char *key, enum fv_type t, const char *text)
{
	struct fval v;
	assert_true(event_get_name(ev, key, &v));
	assert_int_equal(v.type, t);
	char *got = field_text(ev, key);
	assert_string_equal(got, text);
	free(got);
}

static char *output_of(const struct event *ev)
{
	struct sbuf b = SBUF_INIT;
	event_output(ev, &b);
	return sbuf_steal(&b);
}

static char *message_of(const struct event *ev)
{
	struct sbuf b = SBUF_INIT;
	event_message(ev, &b);
	return sbuf_steal(&b);
}

#define BASE_OUT "10:00:00.123456789: Warning Shell spawned (user=user-a cmd=sh)"
#define BASE                                                                                      \
	"{\"hostname\":\"host-a\",\"output\":\"" BASE_OUT "\",\"priority\":\"Warning\","          \
	"\"rule\":\"Terminal shell in container\",\"source\":\"syscall\","                        \
	"\"tags\":[\"container\",\"shell\",\"mitre_execution\"],"                                 \
	"\"time\":\"2024-05-01T10:00:00.123456789Z\",\"output_fields\":{\"container.id\":"        \
	"\"c0ffee000001\",\"proc.cmdline\":\"sh\",\"user.name\":\"user-a\","                      \
	"\"evt.time\":1714557600123456789}}"

static void test_base_event(void **state)
{
	(void)state;
	struct event *ev = parse(BASE);
	assert_false(ev->flags & EV_UNPARSED);
	assert_int_equal(ev->prio, PRIO_WARNING);
	assert_string_equal(intern_str(ev->rule, NULL), "Terminal shell in container");
	assert_string_equal(intern_str(ev->hostname, NULL), "host-a");
	assert_string_equal(intern_str(ev->source, NULL), "syscall");
	assert_string_equal(intern_str(ev->subject, NULL), "falco.warning.x");
	assert_true(ev->time_ns == 1714557600123456789LL);
	assert_int_equal(event_nfields(ev), 4);
	assert_field(ev, "evt.time", FV_INT, "1714557600123456789");
	assert_field(ev, "user.name", FV_STRING, "user-a");
	assert_true(event_has_tag(ev, "shell", 5));
	assert_false(event_has_tag(ev, "shel", 4));
	char *out = output_of(ev), *msg = message_of(ev);
	assert_string_equal(out, BASE_OUT);
	assert_string_equal(msg, "Shell spawned (user=user-a cmd=sh)");
	assert_true(ev->flags & EV_PREFIX_TOD);
	free(out);
	free(msg);
	struct sbuf raw = SBUF_INIT;
	assert_int_equal(event_raw(ev, &raw), 0);
	assert_string_equal(raw.s, BASE);
	sbuf_free(&raw);
	event_free(ev);
}

/* B03: nanosecond integers beyond 2^53 stay exact; times order correctly. */
static void test_big_integers(void **state)
{
	(void)state;
	struct event *a = parse("{\"rule\":\"r\",\"priority\":\"Notice\",\"time\":"
				"\"2024-05-01T10:00:00.123456789Z\",\"output_fields\":{\"evt.time\":"
				"1714557600123456789,\"n\":18446744073709551615,\"m\":-1}}");
	struct event *b = parse("{\"rule\":\"r\",\"priority\":\"Notice\",\"time\":"
				"\"2024-05-01T10:00:00.123456790Z\",\"output_fields\":{\"evt.time\":"
				"1714557600123456790}}");
	assert_field(a, "evt.time", FV_INT, "1714557600123456789");
	assert_field(b, "evt.time", FV_INT, "1714557600123456790");
	assert_field(a, "n", FV_STRING, "18446744073709551615"); /* > 2^63: kept as text */
	assert_field(a, "m", FV_INT, "-1");
	assert_true(event_cmp(a, b) < 0);
	event_free(a);
	event_free(b);
}

/* B01, B04: no-value forms and types are kept as they arrived. */
static void test_value_types(void **state)
{
	(void)state;
	struct event *ev = parse("{\"rule\":\"r\",\"priority\":\"Notice\",\"output_fields\":{"
				 "\"proc.pname\":\"<NA>\",\"proc.aname[2]\":null,\"proc.exepath\":\"\","
				 "\"proc.tty\":34816,\"user.loginuid\":-1,\"proc.pid\":4294967295,"
				 "\"fd.sport\":true,\"proc.ppid\":\"1\",\"ratio\":0.1,"
				 "\"arr\":[\"/etc\",1],\"obj\":{\"a\":[1,2]}}}");
	assert_field(ev, "proc.pname", FV_STRING, "<NA>");
	assert_field(ev, "proc.aname[2]", FV_NULL, "null");
	assert_field(ev, "proc.exepath", FV_STRING, "");
	assert_field(ev, "proc.tty", FV_INT, "34816");
	assert_field(ev, "user.loginuid", FV_INT, "-1");
	assert_field(ev, "proc.pid", FV_INT, "4294967295");
	assert_field(ev, "fd.sport", FV_BOOL, "true");
	assert_field(ev, "proc.ppid", FV_STRING, "1");
	assert_field(ev, "ratio", FV_REAL, "0.1");
	assert_field(ev, "arr", FV_JSON, "[\"/etc\",1]");
	assert_field(ev, "obj", FV_JSON, "{\"a\":[1,2]}");
	assert_int_equal(event_nfields(ev), 11);
	event_free(ev);
}

/* B02: output_fields null, output absent: accepted, with a summary. */
static void test_missing_parts(void **state)
{
	(void)state;
	struct event *ev = parse("{\"priority\":\"Notice\",\"rule\":\"K8s Serviceaccount Created\","
				 "\"time\":\"2024-05-01T10:00:00.000000000Z\",\"source\":\"k8s_audit\","
				 "\"output_fields\":null}");
	assert_false(ev->flags & EV_UNPARSED);
	assert_true(ev->flags & EV_NO_OUTPUT);
	assert_int_equal(event_nfields(ev), 0);
	char *msg = message_of(ev);
	assert_string_equal(msg, "K8s Serviceaccount Created");
	free(msg);
	event_free(ev);

	ev = parse("{\"priority\":\"Error\",\"rule\":\"R\",\"output_fields\":{\"a\":\"b\",\"n\":3}}");
	msg = message_of(ev);
	assert_string_equal(msg, "R (a=b n=3)");
	assert_true(ev->flags & EV_TIME_GUESS);
	assert_true(ev->time_ns == 42);
	free(msg);
	event_free(ev);

	ev = parse("{}");
	assert_false(ev->flags & EV_UNPARSED);
	assert_int_equal(ev->prio, PRIO_UNKNOWN);
	event_free(ev);
}

/* B10: priority spellings. */
static void test_priorities(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		enum prio want;
	} cases[] = {
		{ "\"Warning\"", PRIO_WARNING }, { "\"WARNING\"", PRIO_WARNING },
		{ "\"warning\"", PRIO_WARNING }, { "\"Informational\"", PRIO_INFORMATIONAL },
		{ "\"info\"", PRIO_INFORMATIONAL }, { "\"INFO\"", PRIO_INFORMATIONAL },
		{ "\"Info\"", PRIO_INFORMATIONAL }, { "\"\"", PRIO_UNKNOWN },
		{ "\"Critical \"", PRIO_CRITICAL }, { "4", PRIO_UNKNOWN },
		{ "\"Emergency\"", PRIO_EMERGENCY }, { "\"alert\"", PRIO_ALERT },
		{ "\"DEBUG\"", PRIO_DEBUG }, { "\"Bogus\"", PRIO_UNKNOWN },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *js = xasprintf("{\"rule\":\"r\",\"priority\":%s}", cases[i].json);
		struct event *ev = parse(js);
		assert_int_equal(ev->prio, cases[i].want);
		if (cases[i].want == PRIO_UNKNOWN && strcmp(cases[i].json, "\"\"") != 0)
			assert_true(ev->prio_text != 0); /* kept and shown, never dropped */
		event_free(ev);
		free(js);
	}
	struct event *ev = parse("{\"rule\":\"r\"}");
	assert_int_equal(ev->prio, PRIO_UNKNOWN);
	event_free(ev);
}

/* B09: tag shapes. */
static void test_tags(void **state)
{
	(void)state;
	static const struct {
		const char *tags;
		int count;
	} cases[] = {
		{ "[\"T1055.008\",\"mitre_privilege_escalation\",\"maturity_stable\"]", 3 },
		{ "[]", 0 }, { "null", 0 }, { "\"container\"", 1 }, { "[1,\"x\",null]", 1 },
		{ "{\"a\":1}", 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *js = xasprintf("{\"rule\":\"r\",\"tags\":%s}", cases[i].tags);
		struct event *ev = parse(js);
		int n = 0;
		size_t len;
		for (const char *t = NULL; (t = event_tag_next(ev, t, &len));)
			n++;
		assert_int_equal(n, cases[i].count);
		event_free(ev);
		free(js);
	}
	struct event *ev = parse("{\"rule\":\"r\",\"tags\":[\"T1055.008\",\"x\"]}");
	assert_true(event_has_tag(ev, "T1055.008", 9));
	event_free(ev);
}

/* B08, hostile input: never a crash; bad input becomes an unparsed record
 * keeping its raw bytes, or a repaired event. */
static void test_hostile(void **state)
{
	(void)state;
	const char bad_utf8[] = "{\"rule\":\"r\",\"priority\":\"Notice\",\"output_fields\":"
				"{\"proc.cmdline\":\"a\x80z\"}}";
	struct event *ev = parse(bad_utf8);
	assert_false(ev->flags & EV_UNPARSED);
	assert_true(ev->flags & EV_REPAIRED);
	assert_field(ev, "proc.cmdline", FV_STRING, "a\xef\xbf\xbdz");
	struct sbuf raw = SBUF_INIT;
	event_raw(ev, &raw);
	assert_memory_equal(raw.s, bad_utf8, sizeof(bad_utf8) - 1); /* original kept */
	sbuf_free(&raw);
	event_free(ev);

	/* NUL inside a value does not truncate it. */
	ev = parse("{\"rule\":\"r\",\"output_fields\":{\"v\":\"a\\u0000b\"}}");
	struct fval v;
	assert_true(event_get_name(ev, "v", &v));
	size_t n;
	const char *s = intern_str(v.str, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "a\0b", 3);
	event_free(ev);

	static const char *const unparsable[] = {
		"{\"rule\":\"r\",\"priority\":\"Notice\",\"output_fields\":{\"evt.time\":,}}",
		"{\"rule\":\"truncated",
		"[1,2,3]",
		"\"just a string\"",
		"",
		/* a lone surrogate is repaired, not the rest of a bad line */
		"{\"rule\":\"r\", \"x\":\"\\ud800\", \"y\":}",
		"not json at all \x1b[2J",
	};
	for (size_t i = 0; i < ARRAY_LEN(unparsable); i++) {
		ev = parse(unparsable[i]);
		assert_true(ev->flags & EV_UNPARSED);
		assert_true(ev->error != 0);
		raw = (struct sbuf)SBUF_INIT;
		event_raw(ev, &raw);
		assert_int_equal(raw.len, strlen(unparsable[i]));
		sbuf_free(&raw);
		event_free(ev);
	}

	/* Raw NUL bytes in the line, and very deep nesting. */
	const char nul[] = "{\"rule\":\"a\0b\"}";
	ev = event_parse(nul, sizeof(nul) - 1, NULL, 1);
	assert_true(ev->flags & EV_UNPARSED);
	raw = (struct sbuf)SBUF_INIT;
	event_raw(ev, &raw);
	assert_int_equal(raw.len, sizeof(nul) - 1);
	sbuf_free(&raw);
	event_free(ev);
	struct sbuf deep = SBUF_INIT;
	sbuf_adds(&deep, "{\"rule\":\"r\",\"output_fields\":{\"x\":");
	for (int i = 0; i < 100000; i++)
		sbuf_addc(&deep, '[');
	ev = event_parse(deep.s, deep.len, NULL, 1);
	assert_true(ev->flags & EV_UNPARSED);
	event_free(ev);
	sbuf_free(&deep);
}

/* A lone UTF-16 surrogate escape must not make an Emergency an unparsed
 * record (jansson refuses the whole line): it becomes U+FFFD, like invalid
 * UTF-8, the rule and priority survive and the raw bytes stay exact. */
static void test_lone_surrogates(void **state)
{
	(void)state;
	const char line[] = "{\"rule\":\"Terminal shell in container\",\"priority\":\"Emergency\","
			    "\"output\":\"10:00:00.000000000: Emergency shell (cmd=bash \\ud800x\\udfff)\","
			    "\"output_fields\":{\"proc.cmdline\":\"bash \\ud800x\\udfff\"}}";
	struct event *ev = parse(line);
	assert_false(ev->flags & EV_UNPARSED);
	assert_true(ev->flags & EV_REPAIRED);
	assert_int_equal(ev->prio, PRIO_EMERGENCY);
	assert_string_equal(intern_str(ev->rule, NULL), "Terminal shell in container");
	assert_field(ev, "proc.cmdline", FV_STRING, "bash \xef\xbf\xbdx\xef\xbf\xbd");
	char *msg = message_of(ev);
	assert_string_equal(msg, "shell (cmd=bash \xef\xbf\xbdx\xef\xbf\xbd)");
	free(msg);
	struct sbuf raw = SBUF_INIT;
	event_raw(ev, &raw);
	assert_int_equal(raw.len, sizeof line - 1);
	assert_memory_equal(raw.s, line, sizeof line - 1);
	sbuf_free(&raw);
	event_free(ev);

	/* what becomes U+FFFD, and what does not */
	static const struct { const char *in, *want; } cases[] = {
		{ "\\ud800", "\xef\xbf\xbd" },                      /* high alone */
		{ "\\uDFFF", "\xef\xbf\xbd" },                      /* low alone */
		{ "a\\udbffb", "a\xef\xbf\xbd" "b" },               /* high, then text */
		{ "\\ud800\\u0041", "\xef\xbf\xbd" "A" },           /* high, then not a low */
		{ "\\udc00\\ud800", "\xef\xbf\xbd\xef\xbf\xbd" },   /* reversed pair */
		{ "\\ud800\\ud800\\udc00", "\xef\xbf\xbd\xf0\x90\x80\x80" }, /* second high pairs */
		{ "\\ud83d\\ude00\\ud800", "\xf0\x9f\x98\x80\xef\xbf\xbd" }, /* pair kept */
		{ "\\\\ud800\\ud800", "\\ud800\xef\xbf\xbd" },      /* escaped backslash: text */
		{ "\\\"\\ud800\\\"", "\"\xef\xbf\xbd\"" },          /* escaped quotes around it */
		{ "\\ud800\\u0000", "\xef\xbf\xbd" "\0" },          /* NUL in a value is kept */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *l = xasprintf("{\"rule\":\"r\",\"priority\":\"Alert\",\"output_fields\":{\"v\":\"%s\"}}",
				    cases[i].in);
		ev = parse(l);
		assert_false(ev->flags & EV_UNPARSED);
		assert_true(ev->flags & EV_REPAIRED);
		assert_int_equal(ev->prio, PRIO_ALERT);
		struct fval v;
		assert_true(event_get_name(ev, "v", &v));
		size_t n, wn = strlen(cases[i].want) + (strstr(cases[i].in, "u0000") ? 1 : 0);
		const char *s = intern_str(v.str, &n);
		assert_int_equal(n, wn);
		assert_memory_equal(s, cases[i].want, wn);
		event_free(ev);
		free(l);
	}

	/* a valid pair alone needs no repair */
	ev = parse("{\"rule\":\"r\",\"output_fields\":{\"v\":\"\\ud83d\\ude00\"}}");
	assert_false(ev->flags & (EV_UNPARSED | EV_REPAIRED));
	event_free(ev);

	/* in a key, and \u0000 in a key (jansson refuses both) */
	ev = parse("{\"rule\":\"r\",\"priority\":\"Critical\",\"output_fields\":"
		   "{\"k\\ud800\":1,\"a\\u0000b\" : \"x\\u0000y\"}}");
	assert_false(ev->flags & EV_UNPARSED);
	assert_true(ev->flags & EV_REPAIRED);
	assert_int_equal(ev->prio, PRIO_CRITICAL);
	assert_field(ev, "k\xef\xbf\xbd", FV_INT, "1");
	struct fval v;
	assert_true(event_get_name(ev, "a\xef\xbf\xbd" "b", &v));
	size_t n;
	const char *s = intern_str(v.str, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "x\0y", 3);
	event_free(ev);

	/* the loader the CEF mapping and the detail pane use: same repair,
	 * with or without the optional arguments */
	bool repaired = false;
	json_error_t err;
	json_t *j = falco_json_load(line, sizeof line - 1, &repaired, &err);
	assert_non_null(j);
	assert_true(repaired);
	assert_string_equal(json_string_value(json_object_get(j, "priority")), "Emergency");
	json_decref(j);
	j = falco_json_load(line, sizeof line - 1, NULL, NULL);
	assert_non_null(j);
	json_decref(j);
	const char broken[] = "{\"x\":\"\\ud800\",";
	assert_null(falco_json_load(broken, sizeof broken - 1, &repaired, &err));
	assert_null(falco_json_load(broken, sizeof broken - 1, NULL, NULL));
}

/* Invalid UTF-8 inside strings is repaired the same way, and the display
 * still shows every bad byte of the raw line escaped. */
static void test_invalid_utf8_display(void **state)
{
	(void)state;
	const char line[] = "{\"rule\":\"r\",\"priority\":\"Emergency\",\"output_fields\":"
			    "{\"proc.cmdline\":\"a\x80\xff\xfe\xc3z \xc0\xaf \\ud800\",\"v\":\"n\\u0000l\"}}";
	struct event *ev = parse(line);
	assert_false(ev->flags & EV_UNPARSED);
	assert_true(ev->flags & EV_REPAIRED);
	assert_int_equal(ev->prio, PRIO_EMERGENCY);
	assert_field(ev, "proc.cmdline",  FV_STRING,
		     "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd");
	struct sbuf raw = SBUF_INIT, shown = SBUF_INIT;
	event_raw(ev, &raw);
	assert_memory_equal(raw.s, line, sizeof line - 1);
	sanitize(raw.s, raw.len, SAN_ONELINE, &shown);
	assert_null(sanitize_check_output(shown.s, shown.len, SAN_ONELINE, NULL));
	assert_non_null(strstr(sbuf_str(&shown), "a\\x80\\xff\\xfe\\xc3z \\xc0\\xaf \\ud800"));
	/* a NUL in a parsed value is shown escaped */
	struct fval v;
	assert_true(event_get_name(ev, "v", &v));
	size_t n;
	const char *s = intern_str(v.str, &n);
	sbuf_reset(&shown);
	sanitize(s, n, SAN_ONELINE, &shown);
	assert_string_equal(sbuf_str(&shown), "n\\x00l");
	sbuf_free(&raw);
	sbuf_free(&shown);
	event_free(ev);
}

/* A 4 MB command line parses and round-trips. */
static void test_huge_line(void **state)
{
	(void)state;
	struct sbuf b = SBUF_INIT;
	sbuf_adds(&b, "{\"rule\":\"Big\",\"priority\":\"Notice\",\"output\":\"00:00:00.000000000: "
		      "Notice cmd=");
	size_t start = b.len;
	for (int i = 0; i < 4 << 20; i++)
		sbuf_addc(&b, (char)('a' + i % 26));
	size_t cmdlen = b.len - start;
	char *cmd = xstrndup(b.s + start, cmdlen);
	sbuf_adds(&b, "\",\"output_fields\":{\"proc.cmdline\":\"");
	sbuf_adds(&b, cmd);
	sbuf_adds(&b, "\"}}\n");
	struct event *ev = event_parse(b.s, b.len, NULL, 1);
	assert_false(ev->flags & EV_UNPARSED);
	char *msg = message_of(ev);
	assert_int_equal(strlen(msg), 4 + cmdlen);
	assert_int_equal(strncmp(msg + 4, cmd, cmdlen), 0);
	struct sbuf raw = SBUF_INIT;
	event_raw(ev, &raw);
	assert_int_equal(raw.len, b.len - 1);
	sbuf_free(&raw);
	free(msg);
	free(cmd);
	event_free(ev);
	sbuf_free(&b);
}

static void test_time_formats(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int64_t ns;
	} ok[] = {
		{ "2024-05-01T10:00:00Z", 1714557600000000000LL },
		{ "2024-05-01T10:00:00.1Z", 1714557600100000000LL },
		{ "2024-05-01T10:00:00.82302759Z", 1714557600823027590LL },
		{ "2024-05-01T10:00:00.123456789Z", 1714557600123456789LL },
		{ "2024-05-01T12:00:00.5+02:00", 1714557600500000000LL },
		{ "2024-05-01t10:00:00z", 1714557600000000000LL },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1969-12-31T23:59:59Z", -1000000000LL },
		{ "2000-02-29T00:00:00Z", 951782400000000000LL },
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		int64_t ns = 0;
		assert_int_equal(parse_rfc3339(ok[i].s, strlen(ok[i].s), &ns), 0);
		assert_true(ns == ok[i].ns);
	}
	static const char *const bad[] = {
		"", "2024-05-01", "2024-05-01T10:00:00", "2024-13-01T10:00:00Z",
		"2024-05-01T10:00:00.Z", "2024-05-01T10:00:00Zjunk", "x024-05-01T10:00:00Z",
		"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", /* outside 64-bit nanoseconds */
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		int64_t ns;
		assert_int_equal(parse_rfc3339(bad[i], strlen(bad[i]), &ns), -1);
	}
}

/* The prefix is stripped for the list in each form Falco writes, and only then. */
static void test_message_prefix(void **state)
{
	(void)state;
	static const struct {
		const char *out, *msg;
	} cases[] = {
		{ "10:00:00.123456789: Critical x=sh", "x=sh" },
		{ "2024-05-07T18:54:19.341081180+0000: Critical x=sh", "x=sh" },
		{ "2024-05-07T18:54:19Z: Warning x", "x" },
		{ "Falco internal: syscall event drop", "Falco internal: syscall event drop" },
		{ "Warning Potential drift", "Warning Potential drift" },
		{ "10:00:00.123456789: Bogus x", "10:00:00.123456789: Bogus x" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "rule", "r", "priority", "Critical", "output",
				      cases[i].out);
		char *js = json_dumps(o, 0);
		struct event *ev = parse(js);
		char *msg = message_of(ev), *out = output_of(ev);
		assert_string_equal(msg, cases[i].msg);
		assert_string_equal(out, cases[i].out);
		free(msg);
		free(out);
		event_free(ev);
		free(js);
		json_decref(o);
	}
}

static void test_ids(void **state)
{
	(void)state;
	struct event *a = parse(BASE), *b = parse(BASE);
	assert_memory_equal(a->id, b->id, 16); /* same alert, same id */
	assert_true(a->seq != b->seq);
	char text[37];
	event_id_text(a, text);
	assert_int_equal(strlen(text), 32);
	uint8_t back[16];
	assert_int_equal(event_id_parse(text, back), 0);
	assert_memory_equal(back, a->id, 16);
	event_free(a);
	event_free(b);

	a = parse("{\"uuid\":\"6E5F2A1C-0B7D-4C8E-9F10-112233445566\",\"rule\":\"r\"}");
	assert_true(a->flags & EV_HAS_UUID);
	event_id_text(a, text);
	assert_string_equal(text, "6e5f2a1c-0b7d-4c8e-9f10-112233445566");
	event_free(a);
}

static void test_subject(void **state)
{
	(void)state;
	char *s = falco_subject("Informational", "Attach/Exec Pod");
	assert_string_equal(s, "falco.informational.attach_exec_pod");
	free(s);
	s = falco_subject("Warning", "\xc3\x89" "criture sous /etc");
	assert_string_equal(s, "falco.warning.criture_sous_etc");
	free(s);
	s = falco_subject("Notice", "!!!");
	assert_string_equal(s, "falco.notice.unknown");
	free(s);
}

/* Output templates must reproduce the text exactly, whatever it contains. */
static void test_output_roundtrip(void **state)
{
	(void)state;
	static const char *const outputs[] = {
		"10:00:00.123456789: Warning a=\x01 b=sh c=shsh \x01\x02 sh",
		"2024-05-01T10:00:00.123456789+0000: Critical x=sh",
		"Falco metrics snapshot",
		"13:44:05.478445995: Critical sh sh sh",
		"",
	};
	for (size_t i = 0; i < ARRAY_LEN(outputs); i++) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:{s:s, s:i, s:s}}", "rule", "r", "priority",
				      "Critical", "output", outputs[i], "output_fields", "proc.name",
				      "sh", "n", 10, "x", "\x01\x02");
		char *js = json_dumps(o, 0);
		struct event *ev = parse(js);
		char *out = output_of(ev);
		assert_string_equal(out, outputs[i]);
		free(out);
		event_free(ev);
		free(js);
		json_decref(o);
	}
}

/* The head of a message is the message cut, at any length, whatever the
 * template holds (fields, numbers, escape bytes). */
static void test_message_head(void **state)
{
	(void)state;
	json_t *o = json_pack("{s:s, s:s, s:s, s:{s:s, s:i, s:s}}", "rule", "r", "priority",
			      "Critical", "output",
			      "10:00:00.123456789: Critical a=sh n=1234 x=\x01\x02 sh\x01 end",
			      "output_fields", "proc.name", "sh", "n", 1234, "x", "\x01\x02");
	char *js = json_dumps(o, 0);
	struct event *ev = parse(js);
	char *full = message_of(ev);
	size_t len = strlen(full);
	for (size_t max = 0; max <= len + 2; max++) {
		struct sbuf b = SBUF_INIT;
		sbuf_adds(&b, "pre");
		event_message_head(ev, max, &b);
		size_t want = MIN(max, len);
		assert_int_equal(b.len, 3 + want);
		assert_memory_equal(b.s + 3, full, want);
		assert_int_equal(b.s[b.len], '\0');
		sbuf_free(&b);
	}
	free(full);
	event_free(ev);
	free(js);
	json_decref(o);
}

/* References to field values in the output's template. */
static size_t template_refs(const struct event *ev)
{
	size_t n, refs = 0;
	const char *t = intern_str(ev->message_tpl, &n);
	for (size_t i = 0; i + 1 < n; i++)
		if (t[i] == '\x01')
			refs += t[++i] != 0;
	return refs;
}

/* An event with `nf` fields "f.<i>" = "<v<i>>", each value written `reps`
 * times in the output, evenly spread over `fill` filler bytes. */
static struct event *many_refs(int nf, int reps, size_t fill, char **output)
{
	json_t *of = json_object();
	struct sbuf out = SBUF_INIT;
	sbuf_adds(&out, "10:00:00.000000000: Notice");
	for (int r = 0; r < reps; r++) {
		for (int i = 0; i < nf; i++) {
			char k[16], v[16];
			snprintf(k, sizeof k, "f.%d", i);
			snprintf(v, sizeof v, "<v%d>", i);
			json_object_set_new(of, k, json_string(v));
			sbuf_printf(&out, " %s=%s", k, v);
		}
		for (size_t i = 0; r + 1 < reps && i < fill; i++)
			sbuf_addc(&out, (char)('.' + i % 2));
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "rule", "r", "priority", "Notice", "output",
			      out.s, "output_fields", of);
	char *js = json_dumps(o, 0);
	struct event *ev = parse(js);
	free(js);
	json_decref(o);
	*output = sbuf_steal(&out);
	return ev;
}

/* Every occurrence of every value is a reference in an ordinary event; a
 * megabyte output with 254 fields is searched within a bounded budget, so
 * only some values become references, and the text is exactly the same. */
static void test_template_budget(void **state)
{
	(void)state;
	char *want, *got;
	struct event *ev = many_refs(60, 3, 2000, &want);
	assert_int_equal(template_refs(ev), 180);
	got = output_of(ev);
	assert_string_equal(got, want);
	free(got);
	free(want);
	event_free(ev);

	ev = many_refs(254, 2, 1 << 20, &want);
	size_t refs = template_refs(ev);
	assert_true(refs >= 254);     /* the first ones cost little to find */
	assert_true(refs < 2 * 254);  /* but not a megabyte's pass for each field */
	got = output_of(ev);
	assert_string_equal(got, want);
	free(got);
	free(want);
	event_free(ev);
}

/* ---- the public samples, when ../shared is there ---------------------------------- */

static char *samples_path(const char *name)
{
	const char *src = getenv("SOCTERM_SRC");
	return xasprintf("%s/../shared/samples/%s", src ? src : ".", name);
}

static size_t count_fields(json_t *root)
{
	json_t *of = json_object_get(root, "output_fields");
	return json_is_object(of) ? json_object_size(of) : 0;
}

static void test_public_samples(void **state)
{
	(void)state;
	char *path = samples_path("falco-public.jsonl");
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		TEST_SKIP("no ../shared/samples here");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lines = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		lines++;
		struct event *ev = event_parse(line, (size_t)n, NULL, 1);
		json_t *root = json_loadb(line, (size_t)n, 0, NULL);
		assert_non_null(root);
		assert_false(ev->flags & EV_UNPARSED);
		/* priority and rule */
		const char *prio = json_string_value(json_object_get(root, "priority"));
		assert_int_equal(ev->prio, prio_parse(prio, strlen(prio)));
		assert_true(ev->prio != PRIO_UNKNOWN);
		assert_string_equal(intern_str(ev->rule, NULL),
				    json_string_value(json_object_get(root, "rule")));
		/* time to the nanosecond, computed independently with timegm */
		const char *t = json_string_value(json_object_get(root, "time"));
		struct tm tm = { 0 };
		char *rest = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm);
		assert_non_null(rest);
		int64_t frac = 0;
		int digits = 0;
		if (*rest == '.')
			for (rest++; *rest >= '0' && *rest <= '9'; rest++, digits++)
				frac = frac * 10 + (*rest - '0');
		for (; digits < 9; digits++)
			frac *= 10;
		int64_t want = (int64_t)timegm(&tm) * 1000000000 + frac;
		assert_true(ev->time_ns == want);
		/* every field, and the output text exactly */
		assert_int_equal(event_nfields(ev), count_fields(root));
		json_t *out = json_object_get(root, "output");
		if (json_is_string(out)) {
			char *got = output_of(ev);
			assert_string_equal(got, json_string_value(out));
			free(got);
		}
		/* original bytes kept exactly (without the newline) */
		struct sbuf raw = SBUF_INIT;
		event_raw(ev, &raw);
		assert_int_equal(raw.len, (size_t)n - 1);
		assert_memory_equal(raw.s, line, raw.len);
		sbuf_free(&raw);
		json_decref(root);
		event_free(ev);
	}
	free(line);
	fclose(f);
	assert_int_equal(lines, 30);
}

static void test_public_malformed(void **state)
{
	(void)state;
	char *path = samples_path("falco-public-malformed.txt");
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		TEST_SKIP("no ../shared/samples here");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lines = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (n <= 1)
			continue;
		lines++;
		struct event *ev = event_parse(line, (size_t)n, NULL, 7);
		assert_true(ev->flags & EV_UNPARSED);
		assert_true(ev->time_ns == 7);
		event_free(ev);
	}
	free(line);
	fclose(f);
	assert_true(lines >= 1);
}

int main(void)
{
	parse_init();
	spool_use_memory();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_event),
		cmocka_unit_test(test_big_integers),
		cmocka_unit_test(test_value_types),
		cmocka_unit_test(test_missing_parts),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_lone_surrogates),
		cmocka_unit_test(test_invalid_utf8_display),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_time_formats),
		cmocka_unit_test(test_message_prefix),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_output_roundtrip),
		cmocka_unit_test(test_message_head),
		cmocka_unit_test(test_template_budget),
		cmocka_unit_test(test_public_samples),
		cmocka_unit_test(test_public_malformed),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	spool_shutdown();
	return rc;
}
