/* filter_text.c — the text matchers behind filters (see filter_int.h): globs
 * and the case-insensitive substring search used by bare words.
 *
 * The substring search runs over the full output text of every held event,
 * so it must keep up with grep: with SSE2 it tests 16 start positions at a
 * time by the first and last needle bytes (case-folded) and only then
 * compares the middle. */
#include "core/filter_int.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static unsigned char lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Length of the UTF-8 character at s[i] (1 for a stray byte). */
static size_t u8len(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];
	size_t want = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	size_t k = 1;
	while (k < want && i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
		k++;
	return k;
}

bool filter_glob_match(const struct fglob *g, const char *s, size_t n, bool icase)
{
	size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0;
	while (i < n) {
		if (p < g->n) {
			uint8_t k = g->kind[p];
			if (k == GL_STAR) {
				star_p = ++p;
				star_i = i;
				continue;
			}
			if (k == GL_ONE) {
				i += u8len(s, i, n);
				p++;
				continue;
			}
			unsigned char c = (unsigned char)s[i];
			if ((unsigned char)g->b[p] == (icase ? lc(c) : c)) {
				i++;
				p++;
				continue;
			}
		}
		if (star_p == SIZE_MAX)
			return false;
		/* Let the last star swallow one more character and retry. */
		star_i += u8len(s, star_i, n);
		i = star_i;
		p = star_p;
	}
	while (p < g->n && g->kind[p] == GL_STAR)
		p++;
	return p == g->n;
}

static bool ci_eq(const char *a, const char *lneedle, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lc((unsigned char)a[i]) != (unsigned char)lneedle[i])
			return false;
	return true;
}

bool filter_ci_contains(const char *h, size_t hn, const char *nd, size_t nn)
{
	if (nn == 0)
		return true;
	if (nn > hn)
		return false;
	size_t last = hn - nn;  /* last possible start */
	size_t i = 0;
	const char *mid = nd + 1;
	size_t midn = nn >= 2 ? nn - 2 : 0;
#ifdef __SSE2__
	unsigned char f = (unsigned char)nd[0], l = (unsigned char)nd[nn - 1];
	/* OR-ing 0x20 folds exactly the two cases of a letter onto it; bytes
	 * that are not letters in the needle are compared as they are. */
	const __m128i vf = _mm_set1_epi8((char)f), vl = _mm_set1_epi8((char)l);
	const __m128i ff = _mm_set1_epi8(f >= 'a' && f <= 'z' ? 0x20 : 0);
	const __m128i lf = _mm_set1_epi8(l >= 'a' && l <= 'z' ? 0x20 : 0);
	for (; i + 15 <= last; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(h + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(h + i + nn - 1));
		__m128i m = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(a, ff), vf),
					  _mm_cmpeq_epi8(_mm_or_si128(b, lf), vl));
		unsigned mask = (unsigned)_mm_movemask_epi8(m);
		while (mask) {
			unsigned bit = (unsigned)__builtin_ctz(mask);
			if (ci_eq(h + i + bit + 1, mid, midn))
				return true;
			mask &= mask - 1;
		}
	}
#endif
	for (; i <= last; i++)
		if (lc((unsigned char)h[i]) == (unsigned char)nd[0] && ci_eq(h + i + 1, nd + 1, nn - 1))
			return true;
	return false;
}
