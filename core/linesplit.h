/*
 * linesplit.h — splits a byte stream, fed in chunks of any size, into
 * newline-terminated lines (the file/stdin source's framing).
 *
 * Every byte is searched for '\n' once and copied at most once, so a line
 * spread over many chunks costs time linear in its length. Empty lines are
 * skipped; a line whose unterminated part reaches max_line bytes is handed
 * over as it is (cut) after the chunk that made it that long, and the rest
 * of it starts a new line.
 *
 * Ownership: the struct owns the buffered partial line; linesplit_free()
 * releases it. Thread safety: none (one reader).
 */
#ifndef SOCTERM_LINESPLIT_H
#define SOCTERM_LINESPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

/* Receives one line without its '\n' (n > 0); false stops the splitting. */
typedef bool (*linesplit_fn)(void *arg, const char *p, size_t n);

struct linesplit {
	struct sbuf part;   /* the incomplete last line; never holds a '\n' */
	size_t max_line;
};

void linesplit_init(struct linesplit *ls, size_t max_line);
/* Hands every line completed by p[0..n) to fn. Returns false as soon as fn
 * does (the state is then unspecified: stop feeding). */
bool linesplit_feed(struct linesplit *ls, const char *p, size_t n, linesplit_fn fn, void *arg);
/* End of stream: hands over the unterminated last line, if any. */
bool linesplit_finish(struct linesplit *ls, linesplit_fn fn, void *arg);
void linesplit_free(struct linesplit *ls);

#endif
