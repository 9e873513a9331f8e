/*
 * draw.h — putting untrusted text on the screen safely and aligned.
 *
 * Every string from an event goes through sanitize() (core/sanitize.h)
 * before it reaches curses, and is clipped by display width, not bytes, so
 * wide and combining characters keep columns aligned. Clipped text ends in
 * an ellipsis.
 *
 * Thread safety: UI thread only (curses).
 */
#ifndef SOCTERM_TUI_DRAW_H
#define SOCTERM_TUI_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

/* Set once at start: whether the terminal gets UTF-8 (else ASCII escapes). */
void draw_set_utf8(bool utf8);
bool draw_utf8(void);

/* One row of `cols` columns never shows more than this many bytes of a
 * value: draw_text() (and anything that must match what it drew) looks at
 * no more than that. */
size_t draw_cap(int cols);

/* Sanitises s[0..n) (at most draw_cap(cols) bytes of it: the rest is shown
 * as the ellipsis) to one line and draws it at (y, x) in at most `cols`
 * columns with attribute `attr`; pads with spaces to `cols` when `pad`.
 * Returns the columns used. */
int draw_text(WINDOW *w, int y, int x, const char *s, size_t n, int cols, attr_t attr, bool pad);
int draw_str(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr, bool pad);
/* Already-safe text (our own labels): same clipping, no sanitising. */
int draw_label(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr, bool pad);

/* Splits sanitised multi-line text into rows of at most `cols` columns,
 * continuing wrapped rows with `indent` spaces. Calls fn(row, len, ctx)
 * for each; rows point into a scratch buffer valid during the call. */
typedef void (*draw_row_fn)(const char *row, size_t len, bool continued, void *ctx);
void draw_wrap(const char *s, size_t n, int cols, draw_row_fn fn, void *ctx);

#endif
