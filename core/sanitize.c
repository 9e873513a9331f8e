/* sanitize.c — see sanitize.h. */
#include "core/sanitize.h"
#include "core/util.h"

#include <langinfo.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* ---- classification ------------------------------------------------------ */

/* Code points that are invisible or change how other text is laid out:
 * Unicode general category Cf (format controls: bidi marks, embeddings,
 * overrides and isolates, zero-width space/joiners, word joiner, invisible
 * operators, BOM, interlinear annotation, the tag block), plus U+2028/U+2029
 * (Zl, Zp). glibc gives most of them width 0, so wcwidth alone would let
 * them through. Sorted, for binary search. */
static const struct {
	uint32_t lo, hi;
} format_ranges[] = {
	{ 0x00ad, 0x00ad },   { 0x0600, 0x0605 },   { 0x061c, 0x061c },
	{ 0x06dd, 0x06dd },   { 0x070f, 0x070f },   { 0x0890, 0x0891 },
	{ 0x08e2, 0x08e2 },   { 0x180e, 0x180e },   { 0x200b, 0x200f },
	{ 0x2028, 0x202e },   { 0x2060, 0x2064 },   { 0x2066, 0x206f },
	{ 0xfeff, 0xfeff },   { 0xfff9, 0xfffb },   { 0x110bd, 0x110bd },
	{ 0x110cd, 0x110cd }, { 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 },
	{ 0x1d173, 0x1d17a }, { 0xe0000, 0xe007f },
};

static bool is_format(uint32_t cp)
{
	if (cp < 0x00ad)
		return false;
	size_t lo = 0, hi = ARRAY_LEN(format_ranges);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < format_ranges[mid].lo)
			hi = mid;
		else if (cp > format_ranges[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static bool is_noncharacter(uint32_t cp)
{
	return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

/* True if the non-ASCII scalar cp may go to the terminal as it is. */
static bool cp_displayable(uint32_t cp)
{
	if (cp < 0xa0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	if (is_format(cp) || is_noncharacter(cp))
		return false;
	return wcwidth((wchar_t)cp) >= 0;
}

/* ---- decoding ------------------------------------------------------------ */

static inline bool is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Decodes the multi-byte sequence at p[0..n) (p[0] >= 0x80). Returns its
 * length and sets *cp, or 0 when p[0] does not start a complete, shortest-form
 * sequence: the caller then escapes that one byte and resumes at the next, so
 * a bad byte never swallows a good one. Surrogates (ED A0..BF) and code points
 * above U+10FFFF (F4 90.., F5..F7) do decode: they are escaped as code points,
 * which tells the analyst more than three \x escapes. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned c = p[0];

	if (c < 0xc2) /* continuation byte, or overlong C0/C1 lead */
		return 0;
	if (c < 0xe0) {
		if (n < 2 || !is_cont(p[1]))
			return 0;
		*cp = (uint32_t)(c & 0x1f) << 6 | (p[1] & 0x3f);
		return 2;
	}
	if (c < 0xf0) {
		if (n < 3 || !is_cont(p[1]) || !is_cont(p[2]) || (c == 0xe0 && p[1] < 0xa0))
			return 0;
		*cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		return 3;
	}
	if (c < 0xf8) {
		if (n < 4 || !is_cont(p[1]) || !is_cont(p[2]) || !is_cont(p[3]) ||
		    (c == 0xf0 && p[1] < 0x90))
			return 0;
		*cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
		      (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		return 4;
	}
	return 0;
}

/* ---- fast ASCII scanning ------------------------------------------------- */

#define ONES UINT64_C(0x0101010101010101)
#define HIGH (ONES * 0x80)

/* Length of the leading run of printable ASCII (0x20..0x7e), eight bytes at a
 * time: a word is accepted only if no byte is >= 0x80, < 0x20 or == 0x7f. */
static size_t ascii_run(const unsigned char *p, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, del;
		memcpy(&x, p + i, 8);
		del = x ^ (ONES * 0x7f);
		if ((x | ((x - ONES * 0x20) & ~x) | ((del - ONES) & ~del)) & HIGH)
			break;
	}
	while (i < n && (unsigned char)(p[i] - 0x20) < 0x5f)
		i++;
	return i;
}

/* Length of the leading run of bytes < 0x80. */
static size_t ascii7_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint64_t x;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		if (x & HIGH)
			break;
	}
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

/* Length of the longest prefix that sanitize() copies unchanged. */
static size_t clean_prefix(const unsigned char *p, size_t n, unsigned flags)
{
	size_t i = 0;

	for (;;) {
		i += ascii_run(p + i, n - i);
		if (i >= n)
			return n;
		if (p[i] < 0x80) {
			if (p[i] == '\n' && !(flags & SAN_ONELINE)) {
				i++;
				continue;
			}
			return i;
		}
		uint32_t cp;
		size_t len;
		if ((flags & SAN_ASCII) || !(len = utf8_decode(p + i, n - i, &cp)) ||
		    !cp_displayable(cp))
			return i;
		i += len;
	}
}

/* ---- width --------------------------------------------------------------- */

/* Length of the character at p[0..n) (n >= 1) and its columns in *w.
 * Bytes and code points that are not displayable count one column. */
static size_t char_width(const unsigned char *p, size_t n, int *w)
{
	uint32_t cp;
	size_t len;

	if (p[0] < 0x80 || !(len = utf8_decode(p, n, &cp))) {
		*w = 1;
		return 1;
	}
	int x = cp <= 0x10ffff ? wcwidth((wchar_t)cp) : -1;
	*w = x < 0 ? 1 : x;
	return len;
}

static size_t width_of(const unsigned char *p, size_t n)
{
	size_t i = 0, cols = 0;

	while (i < n) {
		size_t k = ascii7_run(p + i, n - i);
		i += k;
		cols += k;
		if (i >= n)
			break;
		int w;
		i += char_width(p + i, n - i, &w);
		cols += (size_t)w;
	}
	return cols;
}

int text_width(const char *s, size_t n)
{
	if (!n)
		return 0;
	size_t cols = width_of((const unsigned char *)s, n);
	return cols > INT_MAX ? INT_MAX : (int)cols;
}

size_t text_fit(const char *s, size_t n, int cols, int *used)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int w = 0;

	if (cols < 0)
		cols = 0;
	while (i < n) {
		size_t room = (size_t)(cols - w);
		/* Scan at most one byte past the room: wrapping a megabyte value
		 * row by row must stay linear, not rescan the rest each row. */
		size_t k = ascii7_run(p + i, MIN(n - i, room + 1));
		if (k) {
			if (k > room) { /* the next byte is ASCII and does not fit */
				i += room;
				w = cols;
				break;
			}
			i += k;
			w += (int)k;
			continue;
		}
		/* A combining mark has width 0, so it always follows its base. */
		int cw;
		size_t len = char_width(p + i, n - i, &cw);
		if (cw > cols - w)
			break;
		i += len;
		w += cw;
	}
	if (used)
		*used = w;
	return i;
}

/* ---- escaping ------------------------------------------------------------ */

static const char hexdigits[] = "0123456789abcdef";

static void put_byte_escape(struct sbuf *out, unsigned char c)
{
	char b[4] = { '\\', 'x', hexdigits[c >> 4], hexdigits[c & 15] };
	sbuf_add(out, b, sizeof b);
}

static void put_cp_escape(struct sbuf *out, uint32_t cp)
{
	char b[12];
	size_t k = 0;
	int shift = 12;

	b[k++] = '\\';
	b[k++] = 'u';
	if (cp > 0xffff) {
		b[k++] = '{';
		for (shift = 28; !(cp >> shift); shift -= 4)
			;
	}
	for (; shift >= 0; shift -= 4)
		b[k++] = hexdigits[(cp >> shift) & 15];
	if (cp > 0xffff)
		b[k++] = '}';
	sbuf_add(out, b, k);
}

/* Tab stops: out->s[tab_from] is at a known multiple of 8 columns (the start
 * of this call's output, of a line, or the end of the last tab), so the
 * column modulo 8 is the width of what follows it. Measuring only what was
 * added since the last tab keeps a line full of tabs linear. */
static void expand_tab(struct sbuf *out, size_t *tab_from)
{
	static const char spaces[8] = "        ";
	size_t col = 0;

	if (out->len > *tab_from) {
		const char *from = out->s + *tab_from;
		const char *nl = memrchr(from, '\n', out->len - *tab_from);
		if (nl)
			from = nl + 1;
		col = width_of((const unsigned char *)from, (size_t)(out->s + out->len - from));
	}
	sbuf_add(out, spaces, 8 - col % 8);
	*tab_from = out->len;
}

/* Appends the escaped form of the item at p[0..n) that clean_prefix()
 * stopped at; returns the bytes consumed. */
static size_t escape_one(const unsigned char *p, size_t n, unsigned flags, struct sbuf *out,
			 size_t *tab_from)
{
	uint32_t cp;
	size_t len;

	switch (p[0]) {
	case '\n':
		sbuf_add(out, "\\n", 2);
		return 1;
	case '\r':
		sbuf_add(out, "\\r", 2);
		return 1;
	case '\t':
		if (flags & SAN_ONELINE)
			sbuf_add(out, "\\t", 2);
		else
			expand_tab(out, tab_from);
		return 1;
	default:
		break;
	}
	if (p[0] < 0x80 || !(len = utf8_decode(p, n, &cp))) {
		put_byte_escape(out, p[0]);
		return 1;
	}
	put_cp_escape(out, cp);
	return len;
}

void sanitize(const char *s, size_t n, unsigned flags, struct sbuf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t tab_from = out->len;
	size_t i = 0;

	if (!n) /* s may be NULL then, and NULL + 0 is undefined */
		return;
	while (i < n) {
		size_t k = clean_prefix(p + i, n - i, flags);
		if (k)
			sbuf_add(out, p + i, k);
		i += k;
		if (i < n)
			i += escape_one(p + i, n - i, flags, out, &tab_from);
	}
}

bool sanitize_is_clean(const char *s, size_t n, unsigned flags)
{
	return !n || clean_prefix((const unsigned char *)s, n, flags) == n;
}

/* ---- output contract ----------------------------------------------------- */

/* Well-formed UTF-8 per the Unicode standard (table 3-7), decoded without
 * sharing utf8_decode(): returns the length, or 0 for an ill-formed start. */
static size_t check_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if (p[k] < 0x80 || p[k] > 0xbf)
			return 0;
		*cp = *cp << 6 | (p[k] & 0x3f);
	}
	return len;
}

static bool is_bidi_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static const char *check_cp(uint32_t cp, unsigned flags)
{
	if (cp < 0x20)
		return cp == '\n' && !(flags & SAN_ONELINE) ? NULL : "C0 control";
	if (cp < 0x7f)
		return NULL;
	if (cp == 0x7f)
		return "DEL";
	if (flags & SAN_ASCII)
		return "non-ASCII in ASCII mode";
	if (cp < 0xa0)
		return "C1 control";
	if (is_bidi_control(cp))
		return "bidi control";
	if (cp == 0x2028 || cp == 0x2029)
		return "line/paragraph separator";
	if (is_format(cp))
		return "format control";
	if (is_noncharacter(cp))
		return "non-character";
	if (wcwidth((wchar_t)cp) < 0)
		return "undisplayable code point";
	return NULL;
}

const char *sanitize_check_output(const char *s, size_t n, unsigned flags, size_t *at)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = check_decode(p + i, n - i, &cp);
		const char *why = len ? check_cp(cp, flags) : "invalid UTF-8";
		if (why) {
			if (at)
				*at = i;
			return why;
		}
		i += len;
	}
	return NULL;
}

bool locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0);
}
