/* draw.c — see draw.h. */
#include "tui/draw.h"
#include "core/sanitize.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static bool utf8_term;
static struct sbuf scratch;

void draw_set_utf8(bool utf8)
{
	utf8_term = utf8;
}

bool draw_utf8(void)
{
	return utf8_term;
}

static unsigned san_flags(bool oneline)
{
	return (oneline ? SAN_ONELINE : 0) | (utf8_term ? 0 : SAN_ASCII);
}

/* Draws safe text clipped to cols, with an ellipsis when cut (or when the
 * caller already cut it: more). */
static int put_clipped(WINDOW *w, int y, int x, const char *s, size_t n, bool more, int cols,
		       attr_t attr, bool pad)
{
	if (cols <= 0)
		return 0;
	int used = 0;
	size_t fit = text_fit(s, n, cols, &used);
	const char *ell = utf8_term ? "\xe2\x80\xa6" : "~";
	more = more || fit < n;
	if (more)
		fit = text_fit(s, n, cols - 1, &used);
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	mvwaddnstr(w, y, x, s, (int)fit);
	if (more) {
		waddstr(w, ell);
		used++;
	}
	if (pad)
		for (; used < cols; used++)
			waddch(w, ' ');
	wattr_set(w, A_NORMAL, 0, NULL);
	return used;
}

size_t draw_cap(int cols)
{
	/* 4-byte characters, some marks: a megabyte field costs a row, not a
	 * megabyte, per frame. */
	return (size_t)MAX(cols, 0) * 16 + 16;
}

int draw_text(WINDOW *w, int y, int x, const char *s, size_t n, int cols, attr_t attr, bool pad)
{
	unsigned f = san_flags(true);
	size_t cap = draw_cap(cols);
	bool more = n > cap;
	if (more)
		n = cap;
	if (sanitize_is_clean(s, n, f))
		return put_clipped(w, y, x, s, n, more, cols, attr, pad);
	sbuf_reset(&scratch);
	sanitize(s, n, f, &scratch);
	/* scratch may be reused by a nested call: copy out first. */
	char *copy = xstrndup(scratch.s ? scratch.s : "", scratch.len);
	int used = put_clipped(w, y, x, copy, scratch.len, more, cols, attr, pad);
	free(copy);
	return used;
}

int draw_str(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr, bool pad)
{
	return draw_text(w, y, x, s, strlen(s), cols, attr, pad);
}

int draw_label(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr, bool pad)
{
	return put_clipped(w, y, x, s, strlen(s), false, cols, attr, pad);
}

void draw_wrap(const char *s, size_t n, int cols, draw_row_fn fn, void *ctx)
{
	struct sbuf safe = SBUF_INIT;
	sanitize(s, n, san_flags(false), &safe);
	const char *p = safe.s ? safe.s : "";
	const char *end = p + safe.len;
	if (cols < 1)
		cols = 1;
	do {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		bool continued = false;
		do {
			size_t fit = text_fit(p, (size_t)(le - p), cols, NULL);
			if (fit == 0 && p < le) {
				/* A character wider than the pane: take it whole anyway. */
				unsigned char c = (unsigned char)*p;
				fit = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
				fit = MIN(fit, (size_t)(le - p));
			}
			fn(p, fit, continued, ctx);
			p += fit;
			continued = true;
		} while (p < le);
		p = nl ? nl + 1 : end;
	} while (p < end);
	sbuf_free(&safe);
}
