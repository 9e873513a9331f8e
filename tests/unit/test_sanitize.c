/* test_sanitize.c — the display sanitizer: escape classes, UTF-8 edge cases,
 * widths, tab expansion, and a random-input property check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <cmocka.h>

#include "core/sanitize.h"
#include "core/util.h"

#define ONE SAN_ONELINE
#define ASC SAN_ASCII

/* Readable dump of arbitrary bytes for failure messages. */
static const char *dump(const char *s, size_t n)
{
	static char buf[4][1024];
	static int which;
	char *b = buf[which++ & 3];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 5 < sizeof buf[0]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			b[k++] = (char)c;
		else
			k += (size_t)snprintf(b + k, sizeof buf[0] - k, "<%02x>", c);
	}
	b[k] = '\0';
	return b;
}

/* The invariants every output must satisfy, whatever the input. */
static void check_output(const char *in, size_t n, unsigned flags, const struct sbuf *out)
{
	size_t at = 0;
	const char *why = sanitize_check_output(sbuf_str(out), out->len, flags, &at);
	if (why) {
		print_error("flags %u input '%s': output '%s' has %s at %zu\n", flags, dump(in, n),
			    dump(sbuf_str(out), out->len), why, at);
		fail();
	}
	struct sbuf again = SBUF_INIT;
	sanitize(sbuf_str(out), out->len, flags, &again);
	if (again.len != out->len || memcmp(sbuf_str(&again), sbuf_str(out), out->len) != 0) {
		print_error("flags %u input '%s': not idempotent: '%s' -> '%s'\n", flags,
			    dump(in, n), dump(sbuf_str(out), out->len),
			    dump(sbuf_str(&again), again.len));
		fail();
	}
	sbuf_free(&again);
	assert_true(sanitize_is_clean(sbuf_str(out), out->len, flags));
	bool same = out->len == n && memcmp(sbuf_str(out), in, n) == 0;
	if (sanitize_is_clean(in, n, flags) != same) {
		print_error("flags %u input '%s': is_clean %d but output '%s'\n", flags, dump(in, n),
			    !same, dump(sbuf_str(out), out->len));
		fail();
	}
}

static void expect(const char *name, const char *in, size_t n, unsigned flags, const char *want,
		   size_t wn)
{
	struct sbuf out = SBUF_INIT;
	sanitize(in, n, flags, &out);
	if (out.len != wn || memcmp(sbuf_str(&out), want, wn) != 0) {
		print_error("%s (flags %u): input '%s'\n   got '%s'\n  want '%s'\n", name, flags,
			    dump(in, n), dump(sbuf_str(&out), out.len), dump(want, wn));
		fail();
	}
	check_output(in, n, flags, &out);
	sbuf_free(&out);
}

struct scase {
	const char *name;
	const char *in;
	size_t n;
	unsigned flags;
	const char *want;
	size_t wn;
};

#define S(name, in, flags, want) { name, in, sizeof(in) - 1, flags, want, sizeof(want) - 1 }

static const struct scase cases[] = {
	/* B06: a newline in the command line must not hide the rest. */
	S("B06 list", "bash -c 'echo ok\nrm -rf /tmp/x'", ONE, "bash -c 'echo ok\\nrm -rf /tmp/x'"),
	S("B06 detail", "bash -c 'echo ok\nrm -rf /tmp/x'", 0, "bash -c 'echo ok\nrm -rf /tmp/x'"),
	S("B06 args list", "a\rb\tc", ONE, "a\\rb\\tc"),
	S("B06 args detail", "a\rb\tc", 0, "a\\rb    c"),
	S("CRLF", "x\r\ny", 0, "x\\r\ny"),
	S("CRLF list", "x\r\ny", ONE, "x\\r\\ny"),
	/* B08: invalid UTF-8 and NUL; the byte after a bad one survives. */
	S("B08 a80z", "a\x80z", 0, "a\\x80z"),
	S("B08 NUL", "a\0b", 0, "a\\x00b"),
	S("B08 surrogate", "\xed\xa0\x80", 0, "\\ud800"),
	S("B08 overlong", "\xc0\xaf", 0, "\\xc0\\xaf"),
	/* B30: escape sequences. */
	S("B30 title", "spawned \x1b]0;owned\x07\x1b[2J", ONE, "spawned \\x1b]0;owned\\x07\\x1b[2J"),
	S("B30 tmux+kitty APC", "sh -c \x1b[:34m(\x1b_Gi=666,f=100,t=f;DWRhdGUN\x1b\\", ONE,
	  "sh -c \\x1b[:34m(\\x1b_Gi=666,f=100,t=f;DWRhdGUN\\x1b\\"),
	S("B30 urxvt", "x\x1bGQ", ONE, "x\\x1bGQ"),
	S("B30 conceal", "\x1b[8mhidden\x1b[0m", 0, "\\x1b[8mhidden\\x1b[0m"),
	S("B30 DCS", "ns\x1bP+q544e\x1b\\", 0, "ns\\x1bP+q544e\\x1b\\"),
	S("OSC 52", "\x1b]52;c;cm0gLXJmIC8K\x07", 0, "\\x1b]52;c;cm0gLXJmIC8K\\x07"),
	S("OSC 8", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", 0,
	  "\\x1b]8;;http://evil\\x1b\\click\\x1b]8;;\\x1b\\"),
	S("C1 CSI as UTF-8", "\xc2\x9b" "2J", 0, "\\u009b2J"),
	S("C1 CSI raw", "\x9b" "2J", 0, "\\x9b2J"),
	S("C1 OSC raw", "\x9d" "0;t\x9c", 0, "\\x9d0;t\\x9c"),
	S("DEL", "a\x7f" "b", 0, "a\\x7fb"),
	/* Inside an eight-byte word of the ASCII fast path. */
	S("DEL in a run", "0123\x7f" "56789abcdef", ONE, "0123\\x7f56789abcdef"),
	S("ESC in a run", "0123456789a\x1b" "cdef", ONE, "0123456789a\\x1bcdef"),
	S("0x80 in a run", "0123456789abcde\x80" "0123", ONE, "0123456789abcde\\x800123"),
	S("space and tilde run", " ~ ~ ~ ~ ~ ~ ~ ~", ONE, " ~ ~ ~ ~ ~ ~ ~ ~"),
	S("backslash kept", "C:\\x1b\\u202e", ONE, "C:\\x1b\\u202e"),
	S("empty", "", 0, ""),
	/* Bidi and other invisible format controls. */
	S("RLO", "evil\xe2\x80\xaetxt.exe", 0, "evil\\u202etxt.exe"),
	S("ALM", "\xd8\x9c", 0, "\\u061c"),
	S("LRM RLM", "\xe2\x80\x8e\xe2\x80\x8f", 0, "\\u200e\\u200f"),
	S("FSI PDI", "\xe2\x81\xa8x\xe2\x81\xa9", 0, "\\u2068x\\u2069"),
	S("ZWSP ZWNJ ZWJ", "a\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d" "b", 0, "a\\u200b\\u200c\\u200db"),
	S("word joiner", "\xe2\x81\xa0\xe2\x81\xa4", 0, "\\u2060\\u2064"),
	S("BOM", "\xef\xbb\xbfhi", 0, "\\ufeffhi"),
	S("annotation", "\xef\xbf\xb9\xef\xbf\xba\xef\xbf\xbb", 0, "\\ufff9\\ufffa\\ufffb"),
	S("soft hyphen", "ad\xc2\xadmin", 0, "ad\\u00admin"),
	S("tag chars", "\xf3\xa0\x80\x81\xf3\xa0\x81\x81\xf3\xa0\x81\xbf", 0,
	  "\\u{e0001}\\u{e0041}\\u{e007f}"),
	S("LS PS", "a\xe2\x80\xa8" "b\xe2\x80\xa9", 0, "a\\u2028b\\u2029"),
	S("noncharacters", "\xef\xb7\x90\xef\xbf\xbe\xef\xbf\xbf\xf0\x9f\xbf\xbe", 0,
	  "\\ufdd0\\ufffe\\uffff\\u{1fffe}"),
	S("U+10FFFF", "\xf4\x8f\xbf\xbf", 0, "\\u{10ffff}"),
	S("surrogate high end", "\xed\xbf\xbf", 0, "\\udfff"),
	S("surrogate pair as CESU", "\xed\xa0\xbd\xed\xb2\xa9", 0, "\\ud83d\\udca9"),
	S("above U+10FFFF", "\xf4\x90\x80\x80", 0, "\\u{110000}"),
	S("F7 max", "\xf7\xbf\xbf\xbf", 0, "\\u{1fffff}"),
	S("unassigned U+0378", "\xcd\xb8", 0, "\\u0378"),
	/* Invalid UTF-8: one escape per byte, resynchronise at the next byte. */
	S("stray continuation", "\x80\xbf", 0, "\\x80\\xbf"),
	S("truncated at end", "ok\xe2\x82", 0, "ok\\xe2\\x82"),
	S("truncated then ASCII", "\xe2\x82z", 0, "\\xe2\\x82z"),
	S("truncated 4-byte", "\xf0\x9f\x92z", 0, "\\xf0\\x9f\\x92z"),
	S("lead then lead", "\xc3\xc3\xa9", 0, "\\xc3\xc3\xa9"),
	S("lead then 3-byte", "\xe2\xe6\x97\xa5", 0, "\\xe2\xe6\x97\xa5"),
	S("lead then C0", "\xc3\x1b", 0, "\\xc3\\x1b"),
	S("lead then newline", "\xe2\x82\n", 0, "\\xe2\\x82\n"),
	S("overlong NUL", "\xc0\x80", 0, "\\xc0\\x80"),
	S("overlong C1", "\xc1\xbf", 0, "\\xc1\\xbf"),
	S("overlong 3-byte", "\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf"),
	S("overlong 3-byte max", "\xe0\x9f\xbf", 0, "\\xe0\\x9f\\xbf"),
	S("overlong 4-byte", "\xf0\x80\x80\xaf", 0, "\\xf0\\x80\\x80\\xaf"),
	S("overlong 4-byte max", "\xf0\x8f\xbf\xbf", 0, "\\xf0\\x8f\\xbf\\xbf"),
	S("5-byte form", "\xf8\x88\x80\x80\x80", 0, "\\xf8\\x88\\x80\\x80\\x80"),
	S("6-byte form", "\xfc\x84\x80\x80\x80\x80", 0, "\\xfc\\x84\\x80\\x80\\x80\\x80"),
	S("FE FF", "\xfe\xff", 0, "\\xfe\\xff"),
	S("UTF-16 BOM bytes", "\xff\xfe" "a\0", 0, "\\xff\\xfea\\x00"),
	/* Valid printable text passes unchanged, at every encoding boundary. */
	S("NBSP U+00A0", "\xc2\xa0", 0, "\xc2\xa0"),
	S("U+00FF", "\xc3\xbf", 0, "\xc3\xbf"),
	S("U+07FF", "\xdf\xbf", 0, "\xdf\xbf"),
	S("U+0800", "\xe0\xa0\x80", 0, "\xe0\xa0\x80"),
	S("U+D7FB", "\xed\x9f\xbb", 0, "\xed\x9f\xbb"),
	S("U+E000 private use", "\xee\x80\x80", 0, "\xee\x80\x80"),
	S("U+FFFD", "\xef\xbf\xbd", 0, "\xef\xbf\xbd"),
	S("U+10000", "\xf0\x90\x80\x80", 0, "\xf0\x90\x80\x80"),
	S("U+10FFFD", "\xf4\x8f\xbf\xbd", 0, "\xf4\x8f\xbf\xbd"),
	S("CJK", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),
	S("emoji", "\xf0\x9f\x92\xa9!", ONE, "\xf0\x9f\x92\xa9!"),
	S("combining", "e\xcc\x81", ONE, "e\xcc\x81"),
	S("leading combining", "\xcc\x81x", 0, "\xcc\x81x"),
	S("variation selector", "\xe2\x9d\xa4\xef\xb8\x8f", 0, "\xe2\x9d\xa4\xef\xb8\x8f"),
	S("Hangul jamo", "\xe1\x84\x80\xe1\x85\xa1", 0, "\xe1\x84\x80\xe1\x85\xa1"),
	/* ASCII mode: every non-ASCII code point is escaped. */
	S("ascii e-acute", "caf\xc3\xa9", ASC, "caf\\u00e9"),
	S("ascii CJK", "\xe6\x97\xa5", ASC, "\\u65e5"),
	S("ascii emoji", "\xf0\x9f\x92\xa9", ASC, "\\u{1f4a9}"),
	S("ascii invalid", "a\x80z", ASC, "a\\x80z"),
	S("ascii newline kept", "a\nb", ASC, "a\nb"),
	S("ascii oneline", "a\nb\xc3\xa9\x1b", ASC | ONE, "a\\nb\\u00e9\\x1b"),
	S("ascii C1", "\xc2\x9b", ASC, "\\u009b"),
	/* Tabs: next multiple of 8 columns of the current line. */
	S("tab at start", "\tx", 0, "        x"),
	S("tab after 3", "abc\tx", 0, "abc     x"),
	S("tab after 7", "abcdefg\tx", 0, "abcdefg x"),
	S("tab after 8", "abcdefgh\tx", 0, "abcdefgh        x"),
	S("two tabs", "a\t\tb", 0, "a               b"),
	S("tab after newline", "abc\nd\te", 0, "abc\nd       e"),
	S("tab after wide", "\xe6\x97\xa5\tx", 0, "\xe6\x97\xa5      x"),
	S("tab after combining", "e\xcc\x81\tx", 0, "e\xcc\x81       x"),
	S("tab after escape", "\x1b\tx", 0, "\\x1b    x"),
	S("tab after u-escape", "\xe2\x80\xae\tx", 0, "\\u202e  x"),
	S("tab oneline", "a\tb", ONE, "a\\tb"),
	S("tab ascii mode", "\xc3\xa9\tx", ASC, "\\u00e9  x"),
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		expect(cases[i].name, cases[i].in, cases[i].n, cases[i].flags, cases[i].want, cases[i].wn);
}

/* Encodes any value up to 0x1fffff as (possibly non-scalar) UTF-8. */
static size_t enc(uint32_t cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | cp >> 18);
	b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static void expect_cp_escaped(uint32_t cp, unsigned flags)
{
	char in[4], want[16];
	size_t n = enc(cp, in);
	int wn = cp > 0xffff ? snprintf(want, sizeof want, "\\u{%x}", (unsigned)cp)
			     : snprintf(want, sizeof want, "\\u%04x", (unsigned)cp);
	char name[32];
	snprintf(name, sizeof name, "U+%04X", (unsigned)cp);
	expect(name, in, n, flags, want, (size_t)wn);
}

static void test_c0_and_del(void **state)
{
	(void)state;
	for (unsigned c = 0; c < 0x80; c++) {
		if (c >= 0x20 && c < 0x7f)
			continue;
		char in[3] = { 'a', (char)c, 'b' }, want[8];
		int wn = snprintf(want, sizeof want, "a\\x%02xb", c);
		const char *one = c == '\n' ? "a\\nb" : c == '\r' ? "a\\rb" : c == '\t' ? "a\\tb" : want;
		expect("C0 oneline", in, 3, ONE, one, strlen(one));
		if (c == '\n')
			expect("LF kept", in, 3, 0, in, 3);
		else if (c == '\t')
			expect("tab expanded", in, 3, 0, "a       b", 9);
		else if (c == '\r')
			expect("CR", in, 3, 0, "a\\rb", 4);
		else
			expect("C0", in, 3, 0, want, (size_t)wn);
	}
}

static void test_c1(void **state)
{
	(void)state;
	for (unsigned c = 0x80; c < 0xa0; c++) {
		expect_cp_escaped(c, 0);
		char raw[1] = { (char)c }, want[8];
		int wn = snprintf(want, sizeof want, "\\x%02x", c);
		expect("raw C1 byte", raw, 1, ONE, want, (size_t)wn);
	}
}

static void test_format_controls(void **state)
{
	static const uint32_t cps[] = {
		0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067,
		0x2068, 0x2069, 0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
		0xfeff, 0xfff9, 0xfffa, 0xfffb, 0x00ad, 0x0600, 0x06dd, 0x180e, 0x206f, 0x2028,
		0x2029, 0x1d173, 0xe0000, 0xe0001, 0xe0020, 0xe007f,
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cps); i++) {
		expect_cp_escaped(cps[i], 0);
		expect_cp_escaped(cps[i], ONE);
	}
}

static void test_noncharacters_and_surrogates(void **state)
{
	(void)state;
	for (uint32_t cp = 0xfdd0; cp <= 0xfdef; cp++)
		expect_cp_escaped(cp, 0);
	for (uint32_t plane = 0; plane <= 0x10; plane++) {
		expect_cp_escaped(plane << 16 | 0xfffe, 0);
		expect_cp_escaped(plane << 16 | 0xffff, 0);
	}
	for (uint32_t cp = 0xd800; cp <= 0xdfff; cp++)
		expect_cp_escaped(cp, 0);
	for (uint32_t cp = 0x110000; cp <= 0x1fffff; cp += 0x1357)
		expect_cp_escaped(cp, 0);
}

/* Every overlong two-, three- and four-byte form: each byte escaped alone. */
static void test_overlong(void **state)
{
	(void)state;
	for (unsigned c1 = 0x80; c1 < 0xc0; c1++) {
		for (unsigned lead = 0xc0; lead <= 0xc1; lead++) {
			char in[2] = { (char)lead, (char)c1 }, want[9];
			snprintf(want, sizeof want, "\\x%02x\\x%02x", lead, c1);
			expect("overlong 2", in, 2, 0, want, 8);
		}
		if (c1 < 0xa0) {
			char in[3] = { (char)0xe0, (char)c1, (char)0xbf }, want[13];
			snprintf(want, sizeof want, "\\xe0\\x%02x\\xbf", c1);
			expect("overlong 3", in, 3, 0, want, 12);
		}
		if (c1 < 0x90) {
			char in[4] = { (char)0xf0, (char)c1, (char)0x80, (char)0x80 }, want[17];
			snprintf(want, sizeof want, "\\xf0\\x%02x\\x80\\x80", c1);
			expect("overlong 4", in, 4, 0, want, 16);
		}
	}
}

/* Every printable code point of the Basic Multilingual Plane that sanitize
 * keeps must round-trip; the ones it escapes must be escaped as code points. */
static void test_bmp_sweep(void **state)
{
	(void)state;
	struct sbuf out = SBUF_INIT;
	unsigned kept = 0;
	for (uint32_t cp = 0xa0; cp < 0x10000; cp++) {
		char in[4];
		size_t n = enc(cp, in);
		sbuf_reset(&out);
		sanitize(in, n, 0, &out);
		if (out.len == n && memcmp(out.s, in, n) == 0)
			kept++;
		else
			assert_int_equal(out.s[0] == '\\' && out.s[1] == 'u', 1);
		check_output(in, n, 0, &out);
	}
	/* Most of the BMP is assigned, printable text. */
	assert_true(kept > 50000);
	sbuf_free(&out);
}

static void test_append_and_tab_column(void **state)
{
	(void)state;
	struct sbuf out = SBUF_INIT;
	sbuf_adds(&out, "prefix:");
	sanitize("ab\tc", 4, 0, &out);
	/* Columns count from the start of this call's text, not of the buffer. */
	assert_string_equal(out.s, "prefix:ab      c");
	sanitize("\x1b", 1, 0, &out);
	assert_string_equal(out.s, "prefix:ab      c\\x1b");
	sbuf_free(&out);
}

/* A line of thousands of tabs stays linear and correct. */
static void test_long_input(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *in = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		in[i] = "ab\tc\xe6\x97\xa5\x1b"[i % 8];
	struct sbuf out = SBUF_INIT;
	int64_t t0 = mono_ns();
	sanitize(in, n, 0, &out);
	int64_t dt = mono_ns() - t0;
	check_output(in, n, 0, &out);
	/* "ab\tc日\x1b": ab + 6 spaces, c, 日 (2 columns), \x1b (4) end at column 15;
	 * the next "ab" ends at 17, so its tab takes 7 spaces to reach 24. */
	assert_memory_equal(out.s, "ab      c\xe6\x97\xa5\\x1bab       c", 26);
	/* Quadratic tab handling would take minutes here; linear takes milliseconds. */
	assert_true(dt < INT64_C(5000000000));
	sbuf_free(&out);

	memset(in, 'x', n);
	assert_true(sanitize_is_clean(in, n, ONE));
	in[n - 1] = 0x1b;
	assert_false(sanitize_is_clean(in, n, ONE));
	assert_int_equal(text_width(in, n - 1), (int)(n - 1));
	free(in);
}

static void test_is_clean(void **state)
{
	(void)state;
	/* An empty value may come as (NULL, 0). */
	struct sbuf out = SBUF_INIT;
	sanitize(NULL, 0, 0, &out);
	assert_int_equal(out.len, 0);
	assert_true(sanitize_is_clean(NULL, 0, ONE));
	assert_int_equal(text_width(NULL, 0), 0);
	assert_int_equal(text_fit(NULL, 0, 5, NULL), 0);
	assert_null(sanitize_check_output(NULL, 0, 0, NULL));

	assert_true(sanitize_is_clean("", 0, 0));
	assert_true(sanitize_is_clean("plain text 123", 14, ONE));
	assert_true(sanitize_is_clean("two\nlines", 9, 0));
	assert_false(sanitize_is_clean("two\nlines", 9, ONE));
	assert_false(sanitize_is_clean("a\tb", 3, 0));
	assert_false(sanitize_is_clean("a\tb", 3, ONE));
	assert_true(sanitize_is_clean("caf\xc3\xa9", 5, 0));
	assert_false(sanitize_is_clean("caf\xc3\xa9", 5, ASC));
	assert_false(sanitize_is_clean("a\0b", 3, 0));
	assert_false(sanitize_is_clean("abcdefgh\x7f", 9, 0));
	assert_false(sanitize_is_clean("abcdefghijklmno\x80", 16, 0));
}

struct wcase {
	const char *s;
	size_t n;
	int width;
};
#define W(s, w) { s, sizeof(s) - 1, w }

static void test_text_width(void **state)
{
	static const struct wcase w[] = {
		W("", 0),
		W("abc", 3),
		W("\\x1b", 4),
		W("\xe6\x97\xa5\xe6\x9c\xac", 4),
		W("e\xcc\x81", 1),
		W("\xcc\x81", 0),
		W("a\xcc\x81\xcc\x82\xcc\x83" "b", 2),
		W("\xf0\x9f\x92\xa9", 2),
		W("\xc3\xa9t\xc3\xa9", 3),
		W("\xe2\x9d\xa4\xef\xb8\x8f", 1),
		W("\xef\xbc\xa1", 2), /* fullwidth A */
		W("\x80", 1),         /* unsanitized bytes count one column each */
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(w); i++) {
		if (text_width(w[i].s, w[i].n) != w[i].width) {
			print_error("text_width('%s') = %d, want %d\n", dump(w[i].s, w[i].n),
				    text_width(w[i].s, w[i].n), w[i].width);
			fail();
		}
	}
}

struct fcase {
	const char *s;
	size_t n;
	int cols;
	size_t bytes;
	int used;
};
#define F(s, cols, bytes, used) { s, sizeof(s) - 1, cols, bytes, used }

static void test_text_fit(void **state)
{
	static const struct fcase f[] = {
		F("abc", 2, 2, 2),
		F("abc", 3, 3, 3),
		F("abc", 10, 3, 3),
		F("abc", 0, 0, 0),
		F("abc", -5, 0, 0),
		F("", 4, 0, 0),
		F("\xe6\x97\xa5\xe6\x9c\xac", 3, 3, 2),   /* never half a wide char */
		F("\xe6\x97\xa5\xe6\x9c\xac", 1, 0, 0),
		F("\xe6\x97\xa5\xe6\x9c\xac", 4, 6, 4),
		F("a\xe6\x97\xa5", 2, 1, 1),
		F("e\xcc\x81x", 1, 3, 1),                 /* the mark goes with its base */
		F("ab\xcc\x81" "c", 1, 1, 1),             /* ...and stays with it when cut */
		F("ab\xcc\x81" "c", 2, 4, 2),
		F("a\xcc\x81\xcc\x82\xcc\x83", 1, 7, 1),
		F("\xcc\x81" "a", 0, 2, 0),               /* leading mark: width 0 */
		F("\xf0\x9f\x92\xa9\xf0\x9f\x92\xa9", 3, 4, 2),
		F("\xe2\x9d\xa4\xef\xb8\x8f!", 1, 6, 1),  /* variation selector kept */
		F("abcdefghij\xcc\x81", 10, 12, 10),
		F("abcdefghijk", 10, 10, 10),
		F("\xc3\xa9\xc3\xa9\xc3\xa9", 2, 4, 2),
		/* The ASCII scan stops one byte past the room (linear wrapping). */
		F("abcdefghijklmnopqrstuvwxyz", 8, 8, 8),
		F("abcdefghijklmnopqrstuvwxyz", 9, 9, 9),
		F("abcdefghi\xc3\xa9jk", 9, 9, 9),
		F("abcdefghi\xc3\xa9jk", 10, 11, 10),
		F("abcdefgh\xcc\x81ijklmnop", 8, 10, 8),
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(f); i++) {
		int used = -1;
		size_t got = text_fit(f[i].s, f[i].n, f[i].cols, &used);
		if (got != f[i].bytes || used != f[i].used) {
			print_error("text_fit('%s', %d) = %zu bytes/%d cols, want %zu/%d\n",
				    dump(f[i].s, f[i].n), f[i].cols, got, used, f[i].bytes, f[i].used);
			fail();
		}
		assert_int_equal(text_fit(f[i].s, f[i].n, f[i].cols, NULL), f[i].bytes);
	}
}

static void test_checker_rejects(void **state)
{
	static const struct {
		const char *s;
		size_t n;
		unsigned flags;
		size_t at;
	} bad[] = {
		{ "ok\x1b", 3, 0, 2 },
		{ "\t", 1, 0, 0 },
		{ "\r", 1, 0, 0 },
		{ "a\n", 2, ONE, 1 },
		{ "\x7f", 1, 0, 0 },
		{ "\xc2\x9b", 2, 0, 0 },
		{ "x\xe2\x80\xae", 4, 0, 1 },
		{ "\xd8\x9c", 2, 0, 0 },
		{ "\xe2\x80\x8b", 3, 0, 0 },
		{ "\xe2\x80\xa8", 3, 0, 0 },
		{ "\xef\xbf\xbe", 3, 0, 0 },
		{ "\xcd\xb8", 2, 0, 0 },
		{ "\xed\xa0\x80", 3, 0, 0 },
		{ "\xc0\xaf", 2, 0, 0 },
		{ "\xe0\x80\xaf", 3, 0, 0 },
		{ "\xf4\x90\x80\x80", 4, 0, 0 },
		{ "\xe2\x82", 2, 0, 0 },
		{ "a\x80", 2, 0, 1 },
		{ "\xc3\xa9", 2, ASC, 0 },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		size_t at = 99;
		if (!sanitize_check_output(bad[i].s, bad[i].n, bad[i].flags, &at)) {
			print_error("checker accepted '%s'\n", dump(bad[i].s, bad[i].n));
			fail();
		}
		assert_int_equal(at, bad[i].at);
	}
	const char good[] = "\xe6\x97\xa5 \xc3\xa9 e\xcc\x81 \\x1b \xf0\x9f\x92\xa9\n";
	assert_null(sanitize_check_output(good, sizeof good - 1, 0, NULL));
	assert_null(sanitize_check_output("a\\nb", 4, ONE | ASC, NULL));
}

static void test_locale(void **state)
{
	(void)state;
	assert_true(locale_is_utf8());
	assert_non_null(setlocale(LC_CTYPE, "C"));
	assert_false(locale_is_utf8());
	/* Without a UTF-8 locale wcwidth knows no non-ASCII character: escaped. */
	expect("C locale", "\xc3\xa9", 2, 0, "\\u00e9", 6);
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	assert_true(locale_is_utf8());
}

/* ---- random inputs ------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

/* Byte strings biased towards the interesting: controls, lead and
 * continuation bytes, code points from every class, truncated sequences. */
static size_t random_input(char *b, size_t cap)
{
	static const unsigned char hot[] = { 0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x5c, 0x7f, 0x80,
					     0x9b, 0x9c, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
					     0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xf8, 0xfe, 0xff };
	static const uint32_t cps[] = { 0x85, 0x9b, 0xad, 0xe9, 0x301, 0x378, 0x61c, 0x200b,
					0x200d, 0x200e, 0x2028, 0x202e, 0x2066, 0x3000, 0x65e5,
					0xd800, 0xdfff, 0xfdd0, 0xfe0f, 0xfeff, 0xfffd, 0xfffe,
					0x1f4a9, 0xe0041, 0x10ffff, 0x110000 };
	size_t n = 0, parts = rnd() % 24;
	for (size_t i = 0; i < parts && n + 4 <= cap; i++) {
		uint64_t r = rnd();
		char tmp[4];
		size_t k;
		switch (r % 8) {
		case 0:
		case 1:
			b[n++] = (char)(r >> 8);
			break;
		case 2:
			b[n++] = (char)hot[(r >> 8) % sizeof hot];
			break;
		case 3:
			b[n++] = (char)(0x20 + (r >> 8) % 0x5f);
			break;
		case 4:
			n += enc(cps[(r >> 8) % ARRAY_LEN(cps)], b + n);
			break;
		case 5:
			n += enc((uint32_t)((r >> 8) % 0x110000), b + n);
			break;
		case 6: /* a truncated sequence */
			k = enc((uint32_t)(0x80 + (r >> 8) % 0x1fff80), tmp);
			k = 1 + (r >> 40) % (k - 1);
			memcpy(b + n, tmp, k);
			n += k;
			break;
		default:
			b[n++] = (char)(0x80 + (r >> 8) % 0x40);
			break;
		}
	}
	return n;
}

static void check_fit(const struct sbuf *out)
{
	int cols = (int)(rnd() % 40), used = -1;
	size_t fit = text_fit(out->s, out->len, cols, &used);
	assert_true(fit <= out->len);
	assert_true(used >= 0 && used <= cols);
	assert_int_equal(text_width(out->s, fit), used);
	if (fit < out->len) {
		/* Cut at a character start, before a character that does not fit. */
		assert_true(((unsigned char)out->s[fit] & 0xc0) != 0x80);
		size_t clen = 1;
		while (fit + clen < out->len && ((unsigned char)out->s[fit + clen] & 0xc0) == 0x80)
			clen++;
		int next = text_width(out->s + fit, clen);
		assert_true(next > 0 && used + next > cols);
	}
}

/* Printable ASCII is never eaten: it appears in the output in order. */
static void check_ascii_survives(const char *in, size_t n, const struct sbuf *out)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c <= 0x20 || c >= 0x7f)
			continue;
		while (j < out->len && out->s[j] != c)
			j++;
		if (j == out->len) {
			print_error("'%c' of '%s' lost in '%s'\n", c, dump(in, n), dump(out->s, out->len));
			fail();
		}
		j++;
	}
}

static void test_random_property(void **state)
{
	(void)state;
	const char *seed = getenv("SANITIZE_SEED");
	rng_state = seed ? strtoull(seed, NULL, 0) : UINT64_C(0x5eed5a17c0ffee);
	if (!rng_state)
		rng_state = 1;
	print_message("# seed 0x%llx (set SANITIZE_SEED to repeat)\n", (unsigned long long)rng_state);
	long rounds = 300000;
	if (getenv("SANITIZE_ROUNDS"))
		rounds = atol(getenv("SANITIZE_ROUNDS"));
	char in[128];
	struct sbuf out = SBUF_INIT;
	for (long r = 0; r < rounds; r++) {
		size_t n = random_input(in, sizeof in);
		for (unsigned flags = 0; flags < 4; flags++) {
			sbuf_reset(&out);
			sanitize(in, n, flags, &out);
			check_output(in, n, flags, &out);
			check_ascii_survives(in, n, &out);
			if (flags & ONE)
				check_fit(&out);
		}
	}
	sbuf_free(&out);
}

int main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8")) {
		fprintf(stderr, "test_sanitize: the C.UTF-8 locale is missing\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_c0_and_del),
		cmocka_unit_test(test_c1),
		cmocka_unit_test(test_format_controls),
		cmocka_unit_test(test_noncharacters_and_surrogates),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_bmp_sweep),
		cmocka_unit_test(test_append_and_tab_column),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_is_clean),
		cmocka_unit_test(test_text_width),
		cmocka_unit_test(test_text_fit),
		cmocka_unit_test(test_checker_rejects),
		cmocka_unit_test(test_locale),
		cmocka_unit_test(test_random_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
