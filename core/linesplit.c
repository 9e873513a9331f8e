/* linesplit.c — see linesplit.h. */
#include "core/linesplit.h"

#include <string.h>

void linesplit_init(struct linesplit *ls, size_t max_line)
{
	ls->part = (struct sbuf)SBUF_INIT;
	ls->max_line = max_line ? max_line : 1;
}

/* Hands over the buffered part (if any) and empties it. */
static bool flush_part(struct linesplit *ls, linesplit_fn fn, void *arg)
{
	bool ok = !ls->part.len || fn(arg, ls->part.s, ls->part.len);
	sbuf_reset(&ls->part);
	return ok;
}

bool linesplit_feed(struct linesplit *ls, const char *p, size_t n, linesplit_fn fn, void *arg)
{
	const char *end = p + n;
	/* Only the new bytes are searched: the buffered part has no '\n'. */
	for (const char *nl; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		if (ls->part.len) {
			sbuf_add(&ls->part, p, (size_t)(nl - p));
			if (!flush_part(ls, fn, arg))
				return false;
		} else if (nl > p && !fn(arg, p, (size_t)(nl - p))) {
			return false; /* a whole line inside the chunk: no copy */
		}
	}
	if (p < end)
		sbuf_add(&ls->part, p, (size_t)(end - p));
	if (ls->part.len >= ls->max_line)
		return flush_part(ls, fn, arg);
	return true;
}

bool linesplit_finish(struct linesplit *ls, linesplit_fn fn, void *arg)
{
	return flush_part(ls, fn, arg);
}

void linesplit_free(struct linesplit *ls)
{
	sbuf_free(&ls->part);
}
