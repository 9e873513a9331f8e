/* fuzz_sanitize.c — libFuzzer target for core/sanitize.c.
 *
 * Every input, under every flag combination, must come out as text that
 * meets sanitize_check_output() (no control byte, C1/bidi/format code point
 * or invalid UTF-8), that sanitizes to itself, and that sanitize_is_clean()
 * agrees about; text_fit() must cut at a character boundary within its width.
 *
 * FUZZ_MAX_LEN=1024
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die_on(const char *what, unsigned flags, const struct sbuf *out, size_t at)
{
	fprintf(stderr, "fuzz_sanitize: flags %u: %s at output byte %zu of %zu\n", flags, what, at,
		out->len);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!setlocale(LC_ALL, "C.UTF-8")) {
		fprintf(stderr, "fuzz_sanitize: the C.UTF-8 locale is missing\n");
		abort();
	}
	return 0;
}

static void check_fit(const struct sbuf *out, int cols, unsigned flags)
{
	int used = -1;
	size_t fit = text_fit(out->s, out->len, cols, &used);
	if (fit > out->len || used < 0 || used > (cols < 0 ? 0 : cols))
		die_on("text_fit out of bounds", flags, out, fit);
	if (text_width(out->s, fit) != used)
		die_on("text_fit width differs from text_width", flags, out, fit);
	if (fit < out->len && ((unsigned char)out->s[fit] & 0xc0) == 0x80)
		die_on("text_fit split a character", flags, out, fit);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct sbuf out = SBUF_INIT, again = SBUF_INIT;

	for (unsigned flags = 0; flags <= (SAN_ONELINE | SAN_ASCII); flags++) {
		size_t at = 0;
		const char *why;

		sbuf_reset(&out);
		sbuf_reset(&again);
		sanitize(in, size, flags, &out);
		if ((why = sanitize_check_output(sbuf_str(&out), out.len, flags, &at)))
			die_on(why, flags, &out, at);
		sanitize(sbuf_str(&out), out.len, flags, &again);
		if (again.len != out.len || memcmp(sbuf_str(&again), sbuf_str(&out), out.len))
			die_on("sanitizing the output changed it", flags, &out, 0);
		bool same = out.len == size && memcmp(sbuf_str(&out), in, size) == 0;
		if (sanitize_is_clean(in, size, flags) != same)
			die_on("sanitize_is_clean disagrees with sanitize", flags, &out, 0);
		if (flags & SAN_ONELINE)
			check_fit(&out, size ? (int)data[0] - 8 : 0, flags);
	}
	sbuf_free(&out);
	sbuf_free(&again);
	return 0;
}
