/* test_linesplit.c — framing of the file/stdin source: the same lines come
 * out whatever the read sizes (one byte, odd sizes, the reader's 64 KiB, all
 * at once), including a line longer than several reads, empty lines, a last
 * line without '\n', lines cut at max_line, and stopping when told. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/linesplit.h"

#define READ_BUF (1 << 16) /* source_file.c's read size */

struct got {
	char **line;
	size_t *len;
	size_t n, cap;
	size_t stop_after; /* 0: never */
};

static bool collect(void *arg, const char *p, size_t n)
{
	struct got *g = arg;
	assert_true(n > 0);
	assert_null(memchr(p, '\n', n));
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		g->line = realloc(g->line, g->cap * sizeof(*g->line));
		g->len = realloc(g->len, g->cap * sizeof(*g->len));
	}
	g->line[g->n] = malloc(n);
	memcpy(g->line[g->n], p, n);
	g->len[g->n++] = n;
	return !g->stop_after || g->n < g->stop_after;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->line[i]);
	free(g->line);
	free(g->len);
	memset(g, 0, sizeof(*g));
}

/* The stream and its lines: lengths straddling read boundaries, empty
 * lines, one line of 5 reads and a bit, a last line without '\n'. */
static struct sbuf stream;
static size_t want_n, want_len[64], want_off[64];

static void add_line(size_t len, char fill, bool nl)
{
	want_off[want_n] = stream.len;
	want_len[want_n++] = len;
	for (size_t i = 0; i < len; i++)
		sbuf_addc(&stream, (char)(fill + (char)(i % 7)));
	if (nl)
		sbuf_addc(&stream, '\n');
}

static void make_stream(void)
{
	sbuf_reset(&stream);
	want_n = 0;
	add_line(1, 'a', true);
	sbuf_adds(&stream, "\n\n"); /* empty lines are skipped */
	add_line(READ_BUF - 4, 'b', true);
	add_line(3, 'c', true);
	add_line(READ_BUF, 'd', true);
	add_line(READ_BUF + 1, 'e', true);
	add_line(5 * READ_BUF + 12345, 'f', true);
	sbuf_addc(&stream, '\n');
	add_line(2, 'g', true);
	add_line(777, 'h', false);
}

static void check_lines(const struct got *g)
{
	assert_int_equal(g->n, want_n);
	for (size_t i = 0; i < want_n; i++) {
		assert_int_equal(g->len[i], want_len[i]);
		assert_memory_equal(g->line[i], stream.s + want_off[i], want_len[i]);
	}
}

static void feed_in_chunks(size_t chunk, unsigned seed)
{
	struct linesplit ls;
	struct got g = { 0 };
	linesplit_init(&ls, SIZE_MAX);
	for (size_t at = 0; at < stream.len;) {
		size_t n = chunk;
		if (!n) { /* pseudo-random sizes, 1 .. 3 reads */
			seed = seed * 1103515245u + 12345u;
			n = 1 + (seed >> 8) % (3 * READ_BUF);
		}
		n = n < stream.len - at ? n : stream.len - at;
		assert_true(linesplit_feed(&ls, stream.s + at, n, collect, &g));
		at += n;
	}
	assert_true(linesplit_finish(&ls, collect, &g));
	check_lines(&g);
	/* Finishing again hands over nothing more. */
	assert_true(linesplit_finish(&ls, collect, &g));
	assert_int_equal(g.n, want_n);
	linesplit_free(&ls);
	got_free(&g);
}

static void test_any_read_size(void **state)
{
	(void)state;
	make_stream();
	static const size_t sizes[] = { 1, 2, 3, 7, 100, 4095, 4096, READ_BUF - 1, READ_BUF,
					READ_BUF + 1, 3 * READ_BUF + 5, SIZE_MAX };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		feed_in_chunks(sizes[i], 0);
	for (unsigned seed = 1; seed <= 20; seed++)
		feed_in_chunks(0, seed);
	sbuf_free(&stream);
}

static void test_max_line_cuts(void **state)
{
	(void)state;
	struct linesplit ls;
	struct got g = { 0 };
	linesplit_init(&ls, 10);
	/* Cut after the chunk that reaches 10 bytes; the rest is a new line. */
	static const char *const chunks[] = { "abcd", "efgh", "ijkl", "mno\nxy", "z" };
	for (size_t i = 0; i < 5; i++)
		assert_true(linesplit_feed(&ls, chunks[i], strlen(chunks[i]), collect, &g));
	assert_int_equal(g.n, 2);
	assert_int_equal(g.len[0], 12);
	assert_memory_equal(g.line[0], "abcdefghijkl", 12);
	assert_int_equal(g.len[1], 3);
	assert_memory_equal(g.line[1], "mno", 3);
	/* Complete lines inside one chunk are never cut. */
	const char *big = "0123456789abcdef\n";
	assert_true(linesplit_feed(&ls, big, strlen(big), collect, &g));
	assert_int_equal(g.n, 3);
	assert_int_equal(g.len[2], 19);
	assert_memory_equal(g.line[2], "xyz0123456789abcdef", 19);
	assert_true(linesplit_finish(&ls, collect, &g));
	assert_int_equal(g.n, 3);
	linesplit_free(&ls);
	got_free(&g);
}

static void test_stop(void **state)
{
	(void)state;
	struct linesplit ls;
	struct got g = { .stop_after = 2 };
	linesplit_init(&ls, SIZE_MAX);
	const char *s = "one\ntwo\nthree\nfour\n";
	assert_false(linesplit_feed(&ls, s, strlen(s), collect, &g));
	assert_int_equal(g.n, 2); /* nothing handed over after the refusal */
	linesplit_free(&ls);
	got_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any_read_size),
		cmocka_unit_test(test_max_line_cuts),
		cmocka_unit_test(test_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
