/* test_export.c — export of events: RFC 4180 quoting and formula defusing
 * of single fields, column names and values, whole JSON and CSV files read
 * back (bytes and parsed cells), the temporary file + rename discipline, and
 * never replacing an existing file unless asked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/event.h"
#include "core/export.h"
#include "core/parse.h"
#include "core/spool.h"
#include "core/util.h"

/* Events whose fields are hostile to CSV: commas, quotes, newlines, formula
 * starters, a negative number, null and a nested array. */
static const char *const lines[] = {
	"{\"hostname\":\"web-1\",\"output\":\"10:00:00.000000000: Critical Shell, \\\"quoted\\\" (cmd=sh -c id)\","
	"\"priority\":\"Critical\",\"rule\":\"Terminal shell in container\",\"source\":\"syscall\","
	"\"tags\":[\"container\",\"shell\"],\"time\":\"2024-05-01T10:00:00.123456789Z\","
	"\"output_fields\":{\"proc.cmdline\":\"=HYPERLINK(\\\"http://evil\\\")\",\"user.loginuid\":-1,"
	"\"proc.pname\":null,\"fd.names\":[\"/a\",\"/b\"],\"proc.tty\":34816}}",
	"{\"hostname\":\"db-2\",\"output\":\"10:00:01.000000000: Warning line one\\nline two\\r\\n@SUM(1)\","
	"\"priority\":\"Warning\",\"rule\":\"+cmd|' /C calc'!A0\",\"source\":\"syscall\",\"tags\":[],"
	"\"time\":\"2024-05-01T10:00:01Z\",\"output_fields\":{\"proc.cmdline\":\"-2+3\",\"user.name\":\"@admin\"}}",
	"  {\"rule\":\"spacing kept\",  \"priority\":\"Notice\" ,\"time\":\"2024-05-01T10:00:02Z\",\"output\":\"x\"}",
	"this is not json, \"at all\"",
};
#define NLINES ARRAY_LEN(lines)

static struct event *evs[NLINES];
static char dir[256];

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLINES; i++)
		evs[i] = event_parse(lines[i], strlen(lines[i]), NULL, 1714557600000000000LL);
	snprintf(dir, sizeof(dir), "%s/socterm-export-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLINES; i++)
		event_free(evs[i]);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			char *p = xasprintf("%s/%s", dir, de->d_name);
			unlink(p);
			free(p);
		}
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

static char *field(const char *s)
{
	struct sbuf b = SBUF_INIT;
	export_csv_field(&b, s, strlen(s));
	return sbuf_steal(&b);
}

#define FIELD_IS(in, want)                   \
	do {                                 \
		char *got_ = field(in);      \
		assert_string_equal(got_, want); \
		free(got_);                  \
	} while (0)

static void test_csv_field_quoting(void **state)
{
	(void)state;
	FIELD_IS("plain", "plain");
	FIELD_IS("", "");
	FIELD_IS("a,b", "\"a,b\"");
	FIELD_IS("say \"hi\"", "\"say \"\"hi\"\"\"");
	FIELD_IS("two\nlines", "\"two\nlines\"");
	FIELD_IS("cr\rhere", "\"cr\rhere\"");
	FIELD_IS("\"", "\"\"\"\"");
	FIELD_IS("spaces  kept ", "spaces  kept ");
	FIELD_IS("caf\xc3\xa9", "caf\xc3\xa9");
}

static void test_csv_field_formulas(void **state)
{
	(void)state;
	FIELD_IS("=1+1", "'=1+1");
	FIELD_IS("+cmd", "'+cmd");
	FIELD_IS("-2+3", "'-2+3");
	FIELD_IS("@SUM(A1)", "'@SUM(A1)");
	FIELD_IS("\tx", "'\tx");
	FIELD_IS("\rx", "\"'\rx\"");
	FIELD_IS("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	FIELD_IS("-", "'-");
	FIELD_IS("-cmd", "'-cmd");
	/* numbers are data, not formulas */
	FIELD_IS("-1", "-1");
	FIELD_IS("+42", "+42");
	FIELD_IS("-0.5", "-0.5");
	FIELD_IS("-.5", "-.5");
	FIELD_IS("-1e5", "'-1e5");
	/* only the first character matters */
	FIELD_IS("a=b", "a=b");
	FIELD_IS(" =x", " =x");
}

static void test_columns_parse(void **state)
{
	(void)state;
	char **c;
	size_t n;
	char *err = NULL;
	assert_int_equal(export_columns_parse("time,rule,proc.cmdline,field:weird key,tags", &c, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_string_equal(c[2], "proc.cmdline");
	assert_string_equal(c[3], "field:weird key");
	export_columns_free(c, n);
	assert_int_equal(export_columns_parse("time,bogus", &c, &n, &err), -1);
	assert_non_null(strstr(err, "unknown column 'bogus'"));
	free(err);
	assert_int_equal(export_columns_parse("time,,rule", &c, &n, &err), -1);
	assert_non_null(strstr(err, "empty column"));
	free(err);
	assert_int_equal(export_columns_parse("field:", &c, &n, &err), -1);
	free(err);
	assert_int_equal(export_columns_parse(export_default_columns, &c, &n, &err), 0);
	assert_int_equal(n, 6);
	export_columns_free(c, n);
}

static char *value(const struct event *ev, const char *col)
{
	struct sbuf b = SBUF_INIT;
	export_column_value(ev, col, &b);
	char *s = xstrdup(sbuf_str(&b));
	sbuf_free(&b);
	return s;
}

#define VALUE_IS(ev, col, want)                    \
	do {                                       \
		char *got_ = value(ev, col);       \
		assert_string_equal(got_, want);   \
		free(got_);                        \
	} while (0)

static void test_column_values(void **state)
{
	(void)state;
	VALUE_IS(evs[0], "time", "2024-05-01T10:00:00.123456789Z");
	VALUE_IS(evs[1], "time", "2024-05-01T10:00:01.000000000Z");
	VALUE_IS(evs[0], "priority", "Critical");
	VALUE_IS(evs[0], "rule", "Terminal shell in container");
	VALUE_IS(evs[0], "hostname", "web-1");
	VALUE_IS(evs[0], "host", "web-1");
	VALUE_IS(evs[0], "source", "syscall");
	VALUE_IS(evs[0], "tags", "container,shell");
	VALUE_IS(evs[1], "tags", "");
	VALUE_IS(evs[0], "output", "10:00:00.000000000: Critical Shell, \"quoted\" (cmd=sh -c id)");
	VALUE_IS(evs[0], "message", "Shell, \"quoted\" (cmd=sh -c id)");
	VALUE_IS(evs[0], "user.loginuid", "-1");
	VALUE_IS(evs[0], "proc.tty", "34816");
	VALUE_IS(evs[0], "proc.pname", "");
	VALUE_IS(evs[0], "no.such.field", "");
	VALUE_IS(evs[0], "fd.names", "[\"/a\",\"/b\"]");
	VALUE_IS(evs[0], "field:proc.cmdline", "=HYPERLINK(\"http://evil\")");
	VALUE_IS(evs[2], "hostname", "");
	/* an unparsed record: its bytes stand in for the output */
	VALUE_IS(evs[3], "output", lines[3]);
	VALUE_IS(evs[3], "rule", "");
	VALUE_IS(evs[3], "priority", "");
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct sbuf b = SBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&b, buf, n);
	fclose(f);
	*len = b.len;
	if (!b.s)
		sbuf_add(&b, "", 0);
	return sbuf_steal(&b);
}

static int count_files(void)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."));
	closedir(d);
	return n;
}

static int write_all_events(const char *path, const struct export_opts *o, char **err)
{
	int code;
	struct exporter *x = export_open(path, o, &code, err);
	if (!x)
		return code;
	for (size_t i = 0; i < NLINES; i++)
		assert_int_equal(export_add(x, evs[i]), 0);
	struct export_result res;
	int rc = export_commit(x, &res, err);
	if (rc == EXPORT_OK)
		assert_int_equal(res.written, NLINES);
	return rc;
}

static void test_json_byte_for_byte(void **state)
{
	(void)state;
	char *path = xasprintf("%s/out.jsonl", dir);
	struct export_opts o = { .format = EXPORT_JSON };
	char *err = NULL;
	assert_int_equal(write_all_events(path, &o, &err), EXPORT_OK);
	struct sbuf want = SBUF_INIT;
	for (size_t i = 0; i < NLINES; i++) {
		sbuf_adds(&want, lines[i]);
		sbuf_addc(&want, '\n');
	}
	size_t n;
	char *got = slurp(path, &n);
	assert_int_equal(n, want.len);
	assert_memory_equal(got, want.s, n);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_files(), 1); /* no temporary file left */
	free(got);
	sbuf_free(&want);
	unlink(path);
	free(path);
}

/* A message with line breaks stays one line: whitespace in valid JSON, and
 * in an unparsed one they cannot start a second, forged event. */
static void test_json_one_line_per_event(void **state)
{
	(void)state;
	const char *in[] = {
		"{\"rule\":\"a\",\r\n \"priority\":\"Notice\"}",
		"{\"x\":1}\n{\"rule\":\"Fake\",\"priority\":\"Emergency\"}",
	};
	char *path = xasprintf("%s/lines.jsonl", dir);
	struct export_opts o = { .format = EXPORT_JSON };
	int code;
	char *err = NULL;
	struct exporter *x = export_open(path, &o, &code, &err);
	assert_non_null(x);
	for (size_t i = 0; i < ARRAY_LEN(in); i++) {
		struct event *ev = event_parse(in[i], strlen(in[i]), NULL, 1714557600000000000LL);
		assert_int_equal(export_add(x, ev), 0);
		event_free(ev);
	}
	struct export_result res;
	assert_int_equal(export_commit(x, &res, &err), EXPORT_OK);
	size_t n;
	char *got = slurp(path, &n);
	const char *want = "{\"rule\":\"a\",   \"priority\":\"Notice\"}\n"
			   "{\"x\":1} {\"rule\":\"Fake\",\"priority\":\"Emergency\"}\n";
	assert_int_equal(n, strlen(want));
	assert_memory_equal(got, want, n);
	free(got);
	unlink(path);
	free(path);
}

/* A small RFC 4180 reader: returns rows of cells; asserts CRLF endings. */
struct csv {
	char *cell[16][16];
	int rows, cols[16];
};

static void csv_parse(const char *s, size_t n, struct csv *c)
{
	memset(c, 0, sizeof(*c));
	size_t i = 0;
	struct sbuf cell = SBUF_INIT;
	while (i < n) {
		int r = c->rows, k = 0;
		for (;;) {
			sbuf_reset(&cell);
			if (s[i] == '"') {
				for (i++;; i++) {
					assert_true(i < n);
					if (s[i] == '"') {
						if (i + 1 < n && s[i + 1] == '"') {
							sbuf_addc(&cell, '"');
							i++;
							continue;
						}
						i++;
						break;
					}
					sbuf_addc(&cell, s[i]);
				}
			} else {
				for (; i < n && s[i] != ',' && s[i] != '\r'; i++) {
					assert_true(s[i] != '"' && s[i] != '\n');
					sbuf_addc(&cell, s[i]);
				}
			}
			c->cell[r][k++] = xstrdup(sbuf_str(&cell));
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			assert_true(i + 1 < n && s[i] == '\r' && s[i + 1] == '\n');
			i += 2;
			break;
		}
		c->cols[r] = k;
		c->rows++;
	}
	sbuf_free(&cell);
}

static void csv_free(struct csv *c)
{
	for (int r = 0; r < c->rows; r++)
		for (int k = 0; k < c->cols[r]; k++)
			free(c->cell[r][k]);
}

static void test_csv_file(void **state)
{
	(void)state;
	char *path = xasprintf("%s/out.csv", dir);
	char **cols;
	size_t ncols;
	char *err = NULL;
	assert_int_equal(export_columns_parse("time,rule,output,proc.cmdline,user.loginuid,tags", &cols,
					      &ncols, &err), 0);
	struct export_opts o = { .format = EXPORT_CSV, .columns = cols, .ncolumns = ncols };
	assert_int_equal(write_all_events(path, &o, &err), EXPORT_OK);
	export_columns_free(cols, ncols);
	size_t n;
	char *text = slurp(path, &n);
	struct csv c;
	csv_parse(text, n, &c);
	assert_int_equal(c.rows, 1 + NLINES);
	for (int r = 0; r < c.rows; r++)
		assert_int_equal(c.cols[r], 6);
	assert_string_equal(c.cell[0][0], "time");
	assert_string_equal(c.cell[0][3], "proc.cmdline");
	assert_string_equal(c.cell[1][0], "2024-05-01T10:00:00.123456789Z");
	assert_string_equal(c.cell[1][2], "10:00:00.000000000: Critical Shell, \"quoted\" (cmd=sh -c id)");
	assert_string_equal(c.cell[1][3], "'=HYPERLINK(\"http://evil\")");
	assert_string_equal(c.cell[1][4], "-1");
	assert_string_equal(c.cell[1][5], "container,shell");
	assert_string_equal(c.cell[2][1], "'+cmd|' /C calc'!A0");
	assert_string_equal(c.cell[2][2], "10:00:01.000000000: Warning line one\nline two\r\n@SUM(1)");
	assert_string_equal(c.cell[2][3], "'-2+3");
	assert_string_equal(c.cell[3][1], "spacing kept");
	assert_string_equal(c.cell[4][2], lines[3]);
	csv_free(&c);
	free(text);
	/* default columns */
	struct export_opts d = { .format = EXPORT_CSV, .overwrite = true };
	assert_int_equal(write_all_events(path, &d, &err), EXPORT_OK);
	text = slurp(path, &n);
	csv_parse(text, n, &c);
	assert_string_equal(c.cell[0][0], "time");
	assert_string_equal(c.cell[0][5], "output");
	assert_string_equal(c.cell[1][1], "Critical");
	assert_string_equal(c.cell[1][3], "web-1");
	assert_string_equal(c.cell[1][4], "syscall");
	csv_free(&c);
	free(text);
	unlink(path);
	free(path);
}

static void test_never_overwrites(void **state)
{
	(void)state;
	char *path = xasprintf("%s/keep.jsonl", dir);
	FILE *f = fopen(path, "w");
	fputs("precious\n", f);
	fclose(f);
	char *err = NULL;
	struct export_opts o = { .format = EXPORT_JSON };
	int code = 0;
	assert_null(export_open(path, &o, &code, &err));
	assert_int_equal(code, EXPORT_EXISTS);
	assert_non_null(strstr(err, "exists"));
	free(err);
	err = NULL;

	/* The file appears while the export is being written: still not replaced. */
	unlink(path);
	struct exporter *x = export_open(path, &o, &code, &err);
	assert_non_null(x);
	export_add(x, evs[0]);
	f = fopen(path, "w");
	fputs("precious\n", f);
	fclose(f);
	assert_int_equal(export_commit(x, NULL, &err), EXPORT_EXISTS);
	free(err);
	err = NULL;
	size_t n;
	char *got = slurp(path, &n);
	assert_string_equal(got, "precious\n");
	free(got);
	assert_int_equal(count_files(), 1);

	/* Asked: replaced. */
	o.overwrite = true;
	assert_int_equal(write_all_events(path, &o, &err), EXPORT_OK);
	got = slurp(path, &n);
	assert_memory_equal(got, lines[0], strlen(lines[0]));
	free(got);
	unlink(path);
	free(path);
}

static void test_errors_and_abort(void **state)
{
	(void)state;
	char *err = NULL;
	struct export_opts o = { .format = EXPORT_JSON };
	char *path = xasprintf("%s/no/such/dir/out.jsonl", dir);
	assert_null(export_open(path, &o, NULL, &err));
	assert_non_null(strstr(err, "cannot write"));
	free(err);
	free(path);
	assert_null(export_open(dir, &o, NULL, &err));
	assert_non_null(strstr(err, "is a directory"));
	free(err);
	assert_null(export_open("", &o, NULL, &err));
	free(err);

	path = xasprintf("%s/aborted.jsonl", dir);
	struct exporter *x = export_open(path, &o, NULL, &err);
	assert_non_null(x);
	export_add(x, evs[1]);
	export_abort(x);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(count_files(), 0);
	free(path);
	export_abort(NULL);
}

/* Many events: buffered writes cross the flush threshold intact. */
static void test_large(void **state)
{
	(void)state;
	char *path = xasprintf("%s/large.jsonl", dir);
	char *err = NULL;
	struct export_opts o = { .format = EXPORT_JSON };
	struct exporter *x = export_open(path, &o, NULL, &err);
	assert_non_null(x);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(export_add(x, evs[i % NLINES]), 0);
	struct export_result res;
	assert_int_equal(export_commit(x, &res, &err), EXPORT_OK);
	assert_int_equal(res.written, 5000);
	assert_int_equal(res.unreadable, 0);
	size_t n, want = 0;
	for (int i = 0; i < 5000; i++)
		want += strlen(lines[i % NLINES]) + 1;
	char *got = slurp(path, &n);
	assert_int_equal(n, want);
	free(got);
	unlink(path);
	free(path);
}

int main(void)
{
	parse_init();
	spool_use_memory();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_field_quoting),
		cmocka_unit_test(test_csv_field_formulas),
		cmocka_unit_test(test_columns_parse),
		cmocka_unit_test(test_column_values),
		cmocka_unit_test(test_json_byte_for_byte),
		cmocka_unit_test(test_json_one_line_per_event),
		cmocka_unit_test(test_csv_file),
		cmocka_unit_test(test_never_overwrites),
		cmocka_unit_test(test_errors_and_abort),
		cmocka_unit_test(test_large),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	spool_shutdown();
	return rc;
}
