/* test_jsonfmt.c — JSON for reading: jansson's indented form for shallow
 * values, one line below JSONFMT_DEPTH, the whole value always, and an
 * output size bounded by a small multiple of the input's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonfmt.h"
#include "core/util.h"

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!v)
		fail_msg("%s: %s", text, err.text);
	return v;
}

static char *pretty(const json_t *v)
{
	struct sbuf b = SBUF_INIT;
	jsonfmt_pretty(v, &b);
	return sbuf_steal(&b);
}

/* The output reads back as the same value. */
static void assert_roundtrip(const json_t *v, const char *out)
{
	json_t *back = load(out);
	assert_true(json_equal(v, back));
	json_decref(back);
}

/* Up to JSONFMT_DEPTH levels the text is exactly jansson's JSON_INDENT(2). */
static void test_shallow_like_jansson(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"{\"a\": 1, \"b\": [true, null, 1.5, \"x\\n\\u0000y\"], \"c\": {}, \"d\": []}",
		"[[1, [2, [3, {\"k\": {\"z\": -7}}]]]]",
		"{\"key \\\"q\\\" \\u00e9\": \"v\", \"\": {\"e\": [[], {}]}}",
		"\"just a string \\u001b\"", "42", "null", "[]", "{}",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = load(cases[i]);
		char *want = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
		char *got = pretty(v);
		assert_string_equal(got, want);
		free(got);
		free(want);
		json_decref(v);
	}
}

/* Deeper levels on one line, as json_dumps() without flags writes them. */
static void test_deep_on_one_line(void **state)
{
	(void)state;
	json_t *v = load("[[[[[[[[[[1, {\"a\": [2]}]]]]]]]]]]");
	char *got = pretty(v);
	assert_string_equal(got, "[\n"
				 "  [\n"
				 "    [\n"
				 "      [\n"
				 "        [\n"
				 "          [\n"
				 "            [\n"
				 "              [\n"
				 "                [[1, {\"a\": [2]}]]\n"
				 "              ]\n"
				 "            ]\n"
				 "          ]\n"
				 "        ]\n"
				 "      ]\n"
				 "    ]\n"
				 "  ]\n"
				 "]");
	assert_roundtrip(v, got);
	free(got);
	json_decref(v);
}

/* Nested 2,000 deep (jansson parses up to 2,048): indenting every level
 * would write millions of spaces for these 4 KB. */
static void test_deep_size_bounded(void **state)
{
	(void)state;
	enum { DEPTH = 2000 };
	char *text = xmalloc(2 * DEPTH + 1);
	memset(text, '[', DEPTH);
	memset(text + DEPTH, ']', DEPTH);
	text[2 * DEPTH] = '\0';
	json_t *v = load(text);
	char *got = pretty(v);
	assert_true(strlen(got) < 2 * strlen(text));
	assert_roundtrip(v, got);
	free(got);
	json_decref(v);
	free(text);
}

/* Worst case for the shallow levels: many short values just above the
 * one-line depth. Still a small multiple of the one-line size. */
static void test_wide_size_bounded(void **state)
{
	(void)state;
	struct sbuf t = SBUF_INIT;
	for (int i = 0; i < JSONFMT_DEPTH - 1; i++)
		sbuf_addc(&t, '[');
	for (int i = 0; i < 10000; i++)
		sbuf_adds(&t, i ? ",1" : "1");
	for (int i = 0; i < JSONFMT_DEPTH - 1; i++)
		sbuf_addc(&t, ']');
	json_t *v = load(sbuf_str(&t));
	char *got = pretty(v);
	assert_true(strlen(got) <= (2 * JSONFMT_DEPTH + 2) * t.len);
	assert_roundtrip(v, got);
	free(got);
	json_decref(v);
	sbuf_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shallow_like_jansson),
		cmocka_unit_test(test_deep_on_one_line),
		cmocka_unit_test(test_deep_size_bounded),
		cmocka_unit_test(test_wide_size_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
