/* search.c — see search.h. */
#include "tui/search.h"
#include "tui/annotate.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/prompt.h"
#include "tui/scan.h"
#include "core/event.h"
#include "core/filter.h"
#include "core/sanitize.h"
#include "core/vocab.h"

#include <stdlib.h>
#include <string.h>

struct search {
	struct filter *f;
	bool backward;          /* the direction of the last / or ? */
	struct strv words;      /* lower-case words to highlight */
	struct filter_ctx cx;
	struct scan *scan;
	bool scan_backward;     /* direction of the running scan */
	bool found;
	/* search_hit() per event seq: each frame asks again for every row,
	 * and a match reads the whole message. Valid while gen matches. */
	struct { uint64_t seq; unsigned gen; bool hit; } memo[256];
	unsigned gen;
};

void search_init(struct app *a)
{
	a->search = xcalloc(1, sizeof(*a->search));
	a->search->cx = annotate_filter_ctx(a, 0);
}

void search_free(struct app *a)
{
	struct search *s = a->search;
	if (!s)
		return;
	if (s->scan)
		scan_cancel(a, s->scan);
	filter_free(s->f);
	strv_free(&s->words);
	free(s);
	a->search = NULL;
}

static void add_word(void *ctx, const char *lc, size_t n)
{
	if (n)
		strv_add(ctx, lc, n);
}

int search_set(struct app *a, const char *expr, char **err, size_t *pos)
{
	struct search *s = a->search;
	struct filter *f = NULL;
	if (expr && *expr && !(f = filter_compile(expr, err, pos)))
		return -1;
	if (s->scan)
		scan_cancel(a, s->scan);
	filter_free(s->f);
	strv_free(&s->words);
	s->f = f;
	s->gen++;
	filter_each_word(f, add_word, &s->words);
	a->dirty = true;
	return 0;
}

const char *search_expr(const struct app *a)
{
	return a->search->f ? filter_source(a->search->f) : NULL;
}

bool search_hit(struct app *a, const struct event *ev)
{
	struct search *s = a->search;
	if (!s->f)
		return false;
	/* Time and marks/notes change the answer: those are asked each time. */
	if (filter_uses_time(s->f) || filter_uses_state(s->f))
		return filter_match(s->f, ev, &s->cx);
	size_t i = ev->seq % (sizeof(s->memo) / sizeof(s->memo[0]));
	if (s->memo[i].gen != s->gen || s->memo[i].seq != ev->seq) {
		s->memo[i].seq = ev->seq;
		s->memo[i].gen = s->gen;
		s->memo[i].hit = filter_match(s->f, ev, &s->cx);
	}
	return s->memo[i].hit;
}

/* ---- moving to a match ----------------------------------------------------------- */

static bool find_visit(struct app *a, struct event *ev, void *ctx)
{
	struct search *s = ctx;
	if (!filter_match(s->f, ev, &s->cx))
		return true;
	a->follow = false;
	a->sel = (struct evkey){ ev->time_ns, ev->seq, true };
	s->found = true;
	return false;
}

static void find_done(struct app *a, bool finished, void *ctx)
{
	struct search *s = ctx;
	bool wrapped = s->scan && scan_wrapped(s->scan);
	s->scan = NULL;
	if (!finished)
		return;
	if (!s->found)
		app_message(a, true, "no match: %s", filter_source(s->f));
	else if (wrapped)
		app_message(a, false, "search wrapped around to the %s",
			    s->scan_backward ? "newest event" : "oldest event");
	a->dirty = true;
}

static const struct scan_ops find_ops = { "searching", find_visit, find_done };

void search_next(struct app *a, bool reverse)
{
	struct search *s = a->search;
	if (!s->f) {
		app_message(a, false, "no search yet (/ searches forward, ? backward)");
		return;
	}
	if (s->scan)
		scan_cancel(a, s->scan);
	struct event *cur = app_selected(a, NULL);
	if (!cur) {
		app_message(a, true, "no events to search");
		return;
	}
	s->found = false;
	struct scan_opts o = {
		.view = SCAN_VISIBLE,
		.backward = s->backward != reverse,
		.from = { cur->time_ns, cur->seq, true },
		.wrap = true,
	};
	s->scan_backward = o.backward;
	s->scan = scan_start(a, &o, &find_ops, s);
	/* Most searches end within the first slice: no need to wait a turn. */
	scan_run(a, 8 * 1000000LL);
}

/* ---- highlighting ------------------------------------------------------------------ */

/* First case-insensitive (ASCII) occurrence of the lower-case needle. */
static const char *ci_find(const char *h, size_t hn, const char *nd, size_t nn)
{
	if (!nn || nn > hn)
		return NULL;
	for (size_t i = 0; i + nn <= hn; i++) {
		size_t k = 0;
		while (k < nn) {
			char c = h[i + k];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (c != nd[k])
				break;
			k++;
		}
		if (k == nn)
			return h + i;
	}
	return NULL;
}

/* Highlights the words in safe text drawn over `cols` columns at (y, x);
 * `more` when the caller cut the text (the ellipsis stays). Only what is
 * visible is searched and measured, each byte once: a megabyte value costs
 * a row per frame, not a megabyte per match. */
static void highlight(struct app *a, WINDOW *w, int y, int x, const char *safe, size_t n, int cols,
		      bool more)
{
	struct search *s = a->search;
	if (!s->words.n || cols <= 0)
		return;
	int limit = more || text_fit(safe, n, cols, NULL) < n ? cols - 1 : cols;
	size_t vis = text_fit(safe, n, limit, NULL);
	attr_t hl = ui_attr(UI_SEARCH_HIT);
	wattr_set(w, hl, PAIR_NUMBER(hl), NULL);
	for (size_t k = 0; k < s->words.n; k++) {
		const char *word = s->words.v[k];
		size_t wn = strlen(word);
		/* A match that starts in the visible part, however far it goes. */
		size_t hn = MIN(n, vis + wn - 1);
		size_t at = 0;
		int c0 = 0;
		for (const char *m = safe; (m = ci_find(m, hn - (size_t)(m - safe), word, wn)); m += wn) {
			c0 += text_width(safe + at, (size_t)(m - safe) - at);
			at = (size_t)(m - safe);
			if (c0 >= limit)
				break;
			size_t fit = text_fit(m, wn, limit - c0, NULL);
			if (fit)
				mvwaddnstr(w, y, x + c0, m, (int)fit);
		}
	}
	wattr_set(w, A_NORMAL, 0, NULL);
}

void search_overlay(struct app *a, WINDOW *w, int y, int x, const char *safe, size_t n, int cols)
{
	highlight(a, w, y, x, safe, n, cols, false);
}

int search_draw_text(struct app *a, WINDOW *w, int y, int x, const char *s, size_t n, int cols,
		     attr_t attr, bool pad)
{
	int used = draw_text(w, y, x, s, n, cols, attr, pad);
	if (!a->search->words.n)
		return used;
	/* Exactly the bytes draw_text() looked at, so columns agree. */
	size_t cap = draw_cap(cols);
	bool more = n > cap;
	struct sbuf safe = SBUF_INIT;
	sanitize(s, MIN(n, cap), SAN_ONELINE | (draw_utf8() ? 0 : SAN_ASCII), &safe);
	highlight(a, w, y, x, sbuf_str(&safe), safe.len, cols, more);
	sbuf_free(&safe);
	return used;
}

/* ---- keys ------------------------------------------------------------------------------ */

static bool accept(struct app *a, const char *line, struct prompt_error *e, bool backward)
{
	if (!*line) {
		/* As in vi: an empty search repeats the last one. */
		if (!a->search->f) {
			e->msg = xstrdup("type something to search for");
			return false;
		}
	} else {
		size_t pos = 0;
		if (search_set(a, line, &e->msg, &pos) < 0) {
			e->pos = pos;
			e->has_pos = true;
			return false;
		}
	}
	a->search->backward = backward;
	search_next(a, false);
	return true;
}

static bool accept_forward(struct app *a, const char *line, struct prompt_error *e)
{
	return accept(a, line, e, false);
}

static bool accept_backward(struct app *a, const char *line, struct prompt_error *e)
{
	return accept(a, line, e, true);
}

static const struct prompt_spec forward_prompt = {
	.label = "/",
	.history = "search",
	.complete = prompt_complete_filter,
	.accept = accept_forward,
};

static const struct prompt_spec backward_prompt = {
	.label = "?",
	.history = "search",
	.complete = prompt_complete_filter,
	.accept = accept_backward,
};

void act_SEARCH(struct app *a)
{
	prompt_open(a, &forward_prompt, NULL);
}

void act_SEARCH_BACK(struct app *a)
{
	prompt_open(a, &backward_prompt, NULL);
}

void act_SEARCH_NEXT(struct app *a)
{
	search_next(a, false);
}

void act_SEARCH_PREV(struct app *a)
{
	search_next(a, true);
}
