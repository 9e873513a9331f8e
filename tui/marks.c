/* marks.c — see marks.h. */
#include "tui/marks.h"
#include "tui/annotate.h"
#include "tui/filterui.h"
#include "tui/keys.h"
#include "tui/prompt.h"
#include "tui/scan.h"
#include "tui/status.h"
#include "core/event.h"
#include "core/filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* U asks first when it would throw away more marks than this. */
#define UNMARK_ASK_ABOVE 10

/* ---- the events an action applies to ----------------------------------------------- */

static void push(struct targets *t, size_t *cap, struct event *ev)
{
	t->ev = xgrow(t->ev, cap, t->n + 1, sizeof(*t->ev));
	t->ev[t->n++] = ev;
}

static bool is_shown(struct app *a, const struct event *ev)
{
	size_t i = store_shown_lower_bound(a->store, ev->time_ns, ev->seq);
	return store_shown_get(a->store, i) == ev;
}

void marks_targets(struct app *a, enum target_scope scope, struct targets *t)
{
	memset(t, 0, sizeof(*t));
	size_t cap = 0;
	struct store_counts c;
	store_counts(a->store, &c);
	if (c.marked) {
		t->marked = true;
		size_t n = store_len(a->store);
		for (size_t i = 0; i < n && t->n < c.marked; i++) {
			struct event *ev = store_get(a->store, i);
			if (!(ev->state & ES_MARKED))
				continue;
			push(t, &cap, ev);
			t->hidden += !is_shown(a, ev);
		}
	} else if (scope == TARGET_MARKED_OR_CURRENT) {
		struct event *ev = app_selected(a, NULL);
		if (ev)
			push(t, &cap, ev);
	} else {
		size_t n = store_shown_len(a->store);
		t->ev = xcalloc(n ? n : 1, sizeof(*t->ev));
		for (size_t i = 0; i < n; i++)
			t->ev[i] = store_shown_get(a->store, i);
		t->n = n;
	}
}

void marks_targets_free(struct targets *t)
{
	free(t->ev);
	memset(t, 0, sizeof(*t));
}

/* ---- marking by expression ------------------------------------------------------------- */

struct markjob {
	struct filter *f;
	bool on;
	size_t changed;
};

static bool mark_visit(struct app *a, struct event *ev, void *ctx)
{
	struct markjob *j = ctx;
	struct filter_ctx cx = annotate_filter_ctx(a, 0);
	if (((ev->state & ES_MARKED) != 0) != j->on && filter_match(j->f, ev, &cx)) {
		store_mark(a->store, ev, j->on);
		j->changed++;
	}
	return true;
}

static void mark_done(struct app *a, bool finished, void *ctx)
{
	struct markjob *j = ctx;
	if (finished) {
		char n[32];
		fmt_count(j->changed, n, sizeof(n));
		app_message(a, false, "%s %s event%s matching %s", j->on ? "marked" : "unmarked", n,
			    j->changed == 1 ? "" : "s", filter_source(j->f));
	}
	if (j->changed)
		filterui_state_changed(a);
	filter_free(j->f);
	free(j);
	a->dirty = true;
}

static const struct scan_ops mark_ops = { "marking", mark_visit, mark_done };

bool marks_by_filter(struct app *a, const char *expr, bool on, size_t at, struct prompt_error *e)
{
	size_t pos = 0;
	if (!*expr) {
		e->msg = xstrdup("which events? type an expression (e.g. rule=\"Write below etc\")");
		e->pos = at;
		e->has_pos = true;
		return false;
	}
	struct filter *f = filter_compile(expr, &e->msg, &pos);
	if (!f) {
		e->pos = at + pos;
		e->has_pos = true;
		return false;
	}
	struct markjob *j = xcalloc(1, sizeof(*j));
	j->f = f;
	j->on = on;
	struct scan_opts o = { .view = SCAN_SHOWN };
	scan_start(a, &o, &mark_ops, j);
	return true;
}

void marks_clear(struct app *a)
{
	struct store_counts c;
	store_counts(a->store, &c);
	store_unmark_all(a->store);
	char n[32];
	fmt_count(c.marked, n, sizeof(n));
	app_message(a, false, "%s mark%s cleared", n, c.marked == 1 ? "" : "s");
	filterui_state_changed(a);
	a->dirty = true;
}

/* ---- keys ------------------------------------------------------------------------------- */

void act_MARK(struct app *a)
{
	struct event *ev = app_selected(a, NULL);
	if (!ev)
		return;
	store_mark(a->store, ev, !(ev->state & ES_MARKED));
	act_DOWN(a);
	filterui_state_changed(a);
	a->dirty = true;
}

static bool accept_mark(struct app *a, const char *line, struct prompt_error *e)
{
	return marks_by_filter(a, line, true, 0, e);
}

static const struct prompt_spec mark_prompt = {
	.label = "mark: ",
	.history = "mark",
	.complete = prompt_complete_filter,
	.accept = accept_mark,
};

void act_MARK_MATCHING(struct app *a)
{
	prompt_open(a, &mark_prompt, NULL);
}

static void unmark_yes(struct app *a, void *ctx)
{
	(void)ctx;
	marks_clear(a);
}

void act_UNMARK_ALL(struct app *a)
{
	struct store_counts c;
	store_counts(a->store, &c);
	if (!c.marked) {
		app_message(a, false, "no marks to clear");
	} else if (c.marked > UNMARK_ASK_ABOVE) {
		char n[32], q[96];
		fmt_count(c.marked, n, sizeof(n));
		snprintf(q, sizeof(q), "clear all %s marks? (y/n)", n);
		prompt_ask(a, q, unmark_yes, NULL, NULL);
	} else {
		marks_clear(a);
	}
}

/* Selects the next marked event in the visible view, wrapping around. */
static void jump_mark(struct app *a, bool backward)
{
	size_t vis = app_visible_len(a), cur = 0;
	if (!vis || !app_selected(a, &cur))
		return;
	struct store_counts c;
	store_counts(a->store, &c);
	if (!c.marked) {
		app_message(a, false, "no marked events (Space marks one)");
		return;
	}
	for (size_t k = 1; k <= vis; k++) {
		size_t i = backward ? (cur + vis - k) % vis : (cur + k) % vis;
		struct event *ev = store_shown_get(a->store, i);
		if (!(ev->state & ES_MARKED))
			continue;
		bool wrapped = backward ? i >= cur : i <= cur;
		a->follow = false;
		app_select_index(a, i);
		if (wrapped)
			app_message(a, false, "wrapped around to the %s marked event",
				    backward ? "newest" : "oldest");
		a->dirty = true;
		return;
	}
	app_message(a, false, "no marked event is shown (the filter hides them)");
}

void act_NEXT_MARK(struct app *a)
{
	jump_mark(a, false);
}

void act_PREV_MARK(struct app *a)
{
	jump_mark(a, true);
}
