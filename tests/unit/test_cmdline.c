/* test_cmdline.c — splitting `:` command lines into words (quotes,
 * backslashes, offsets for error carets) and ~/ file names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/cmdline.h"
#include "core/util.h"
#include "core/vocab.h"

static void test_words(void **state)
{
	(void)state;
	struct strv w = { 0 };
	size_t *at = NULL, err_at = 0;
	char *err = NULL;
	const char *line = "  --csv --columns time,rule  \"my file.csv\" a\\ b 'x\"y' \"q\\\"uote\\\\\" c\\";
	int n = cmdline_words(line, &w, &at, &err, &err_at);
	assert_int_equal(n, 8);
	assert_string_equal(w.v[0], "--csv");
	assert_int_equal(at[0], 2);
	assert_string_equal(w.v[1], "--columns");
	assert_string_equal(w.v[2], "time,rule");
	assert_string_equal(w.v[3], "my file.csv");
	assert_int_equal(at[3], 29);
	assert_string_equal(w.v[4], "a b");
	assert_string_equal(w.v[5], "x\"y");
	assert_string_equal(w.v[6], "q\"uote\\");
	assert_string_equal(w.v[7], "c\\"); /* a trailing backslash stays literal */
	strv_free(&w);
	free(at);
	/* a quoted empty word is a word */
	n = cmdline_words("'' x", &w, &at, &err, &err_at);
	assert_int_equal(n, 2);
	assert_string_equal(w.v[0], "");
	strv_free(&w);
	free(at);
	assert_int_equal(cmdline_words("   ", &w, &at, &err, &err_at), 0);
	free(at);
}

static void test_unclosed(void **state)
{
	(void)state;
	struct strv w = { 0 };
	size_t *at = NULL, err_at = 0;
	char *err = NULL;
	assert_int_equal(cmdline_words("a \"b c", &w, &at, &err, &err_at), -1);
	assert_non_null(strstr(err, "unclosed double quote"));
	assert_int_equal(err_at, 2);
	assert_null(at);
	free(err);
	strv_free(&w);
	assert_int_equal(cmdline_words("x 'y", &w, &at, &err, &err_at), -1);
	assert_non_null(strstr(err, "single"));
	free(err);
	strv_free(&w);
}

static void test_path(void **state)
{
	(void)state;
	setenv("HOME", "/home/analyst", 1);
	char *p = cmdline_path("~/out.json");
	assert_string_equal(p, "/home/analyst/out.json");
	free(p);
	p = cmdline_path("~");
	assert_string_equal(p, "/home/analyst");
	free(p);
	p = cmdline_path("~other/x");
	assert_string_equal(p, "~other/x");
	free(p);
	p = cmdline_path("rel/x.csv");
	assert_string_equal(p, "rel/x.csv");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_unclosed),
		cmocka_unit_test(test_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
