/* utf8.c — see utf8.h. */
#include "core/utf8.h"

size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		if (cp)
			*cp = c;
		return 1;
	}
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;      /* overlong */
		else if (c == 0xed)
			hi = 0x9f;      /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;      /* overlong */
		else if (c == 0xf4)
			hi = 0x8f;      /* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	uint32_t v = c & (0xffu >> (len + 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (cp)
		*cp = v;
	return len;
}

bool utf8_repair(const char *s, size_t n, struct sbuf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	/* Fast path: find the first bad byte, if any. */
	while (i < n) {
		size_t l = u[i] < 0x80 ? 1 : utf8_char(u + i, n - i, NULL);
		if (!l)
			break;
		i += l;
	}
	if (i == n)
		return false;
	sbuf_add(out, s, i);
	while (i < n) {
		size_t l = utf8_char(u + i, n - i, NULL);
		if (l) {
			sbuf_add(out, s + i, l);
			i += l;
		} else {
			sbuf_add(out, "\xef\xbf\xbd", 3);
			i++;
		}
	}
	return true;
}
