/* filterui.c — see filterui.h.
 *
 * Re-filtering is a pass over every held event that records the result in
 * two scratch bits of the event (ES_FILTERED, ES_FILTERHIT); when the pass
 * ends, store_refilter() rebuilds the view reading those bits instead of
 * evaluating again. Events that arrive during the pass ahead of it are
 * visited by it; those that land behind it carry no ES_FILTERED bit (new
 * events start with a clear state) and are evaluated at the rebuild. Every
 * event present when a pass starts is visited by it, so a bit left by an
 * earlier (cancelled) pass is always overwritten before it is read. */
#include "tui/annotate.h"
#include "tui/filterui.h"
#include "tui/keys.h"
#include "tui/prompt.h"
#include "tui/scan.h"
#include "tui/status.h"
#include "core/config.h"
#include "core/event.h"
#include "core/filter.h"
#include "core/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICK_MIN_NS (1000000000LL)  /* since: re-evaluated at most once a second */
#define TICK_COST_FACTOR 20         /* ... and spending at most 1/20 of the time */

struct filterui {
	struct filter *f;           /* in force; NULL: none */
	bool off;                   /* F */
	bool inverted;              /* ! */
	struct filter_ctx cx;       /* for arrivals: the current clock */

	/* The pass that re-evaluates every held event. */
	struct scan *pass;
	struct filter *next;        /* becomes f when the pass ends (may be f) */
	bool next_off, next_inverted;
	bool announce;              /* say how many match when it ends */
	struct filter_ctx pass_cx;  /* `now` fixed for the whole pass */
	int64_t pass_start_ns, pass_cost_ns;
	bool replay;                /* store_refilter() reads the pass's bits */
	int64_t next_tick_ns;
};

static bool active(const struct filterui *fu)
{
	return fu->f && !fu->off;
}

static bool pred(void *ctx, const struct event *ev)
{
	struct filterui *fu = ((struct app *)ctx)->filt;
	if (!active(fu))
		return true;
	bool m;
	if (fu->replay && (ev->state & ES_FILTERED))
		m = ev->state & ES_FILTERHIT;
	else
		m = filter_match(fu->f, ev, &fu->cx);
	return m != fu->inverted;
}

/* ---- the pass ------------------------------------------------------------------ */

static bool pass_visit(struct app *a, struct event *ev, void *ctx)
{
	struct filterui *fu = ctx;
	(void)a;
	bool m = filter_match(fu->next, ev, &fu->pass_cx);
	ev->state = (uint8_t)((ev->state & ~ES_FILTERHIT) | ES_FILTERED | (m ? ES_FILTERHIT : 0));
	return true;
}

/* The expression as applied: parenthesised when inverted, so that what is
 * shown means what is applied. */
static void describe_expr(struct sbuf *b, const struct filter *f, bool inverted)
{
	if (inverted)
		sbuf_adds(b, "NOT (");
	sbuf_adds(b, filter_source(f));
	if (inverted)
		sbuf_adds(b, ")");
}

static void announce(struct app *a, int64_t cost_ns)
{
	struct filterui *fu = a->filt;
	struct store_counts c;
	store_counts(a->store, &c);
	char shown[32], held[32];
	fmt_count(c.shown, shown, sizeof(shown));
	fmt_count(c.held, held, sizeof(held));
	if (!fu->f)
		app_message(a, false, "filter cleared: all %s events shown", held);
	else if (fu->off)
		app_message(a, false, "filter off (F turns it on again): all %s events shown", held);
	else {
		struct sbuf e = SBUF_INIT;
		describe_expr(&e, fu->f, fu->inverted);
		app_message(a, false, "filter: %s  (%s of %s match, %.0f ms)", sbuf_str(&e), shown, held,
			    (double)cost_ns / 1e6);
		sbuf_free(&e);
	}
}

static void pass_done(struct app *a, bool finished, void *ctx)
{
	struct filterui *fu = ctx;
	fu->pass = NULL;
	if (!finished) {
		if (fu->next != fu->f)
			filter_free(fu->next);
		fu->next = NULL;
		return;
	}
	if (fu->next != fu->f) {
		filter_free(fu->f);
		fu->f = fu->next;
	}
	fu->next = NULL;
	fu->off = fu->next_off;
	fu->inverted = fu->next_inverted;
	fu->replay = true;
	store_refilter(a->store);
	fu->replay = false;
	fu->pass_cost_ns = mono_ns() - fu->pass_start_ns;
	fu->next_tick_ns = mono_ns() + MAX(TICK_MIN_NS, fu->pass_cost_ns * TICK_COST_FACTOR);
	if (fu->announce)
		announce(a, fu->pass_cost_ns);
	a->dirty = true;
}

static const struct scan_ops pass_ops = { "filtering", pass_visit, pass_done };

static void cancel_pass(struct app *a)
{
	if (a->filt->pass)
		scan_cancel(a, a->filt->pass);
}

/* Makes (f, off, inverted) the filter state. f is adopted. */
static void change(struct app *a, struct filter *f, bool off, bool inverted, bool say)
{
	struct filterui *fu = a->filt;
	/* A running pass may still use the current filter: let it go first. */
	struct filter *keep = fu->f;
	cancel_pass(a);
	if (!f || off) {
		/* Nothing to evaluate: the view is rebuilt at once. */
		if (f != keep)
			filter_free(keep);
		fu->f = f;
		fu->off = off;
		fu->inverted = inverted;
		int64_t t0 = mono_ns();
		store_refilter(a->store);
		if (say)
			announce(a, mono_ns() - t0);
		a->dirty = true;
		return;
	}
	fu->next = f;
	fu->next_off = off;
	fu->next_inverted = inverted;
	fu->announce = say;
	fu->pass_cx = annotate_filter_ctx(a, now_ns());
	fu->pass_start_ns = mono_ns();
	struct scan_opts o = { .view = SCAN_ALL };
	fu->pass = scan_start(a, &o, &pass_ops, fu);
}

/* ---- API ------------------------------------------------------------------------- */

static char *describe_error(const char *expr, const char *msg)
{
	return xasprintf("bad filter \"%s\" (--filter or the config file's filter =): %s", expr, msg);
}

int filterui_init(struct app *a, char **err)
{
	struct filterui *fu = xcalloc(1, sizeof(*fu));
	a->filt = fu;
	fu->cx = annotate_filter_ctx(a, 0);
	const char *expr = a->cfg->filter;
	if (expr && *expr) {
		char *msg = NULL;
		fu->f = filter_compile(expr, &msg, NULL);
		if (!fu->f) {
			*err = describe_error(expr, msg ? msg : "invalid");
			free(msg);
			return -1;
		}
	}
	store_set_predicate(a->store, pred, a);
	return 0;
}

void filterui_free(struct app *a)
{
	struct filterui *fu = a->filt;
	if (!fu)
		return;
	cancel_pass(a);
	store_set_predicate(a->store, NULL, NULL);
	filter_free(fu->f);
	free(fu);
	a->filt = NULL;
}

int filterui_set(struct app *a, const char *expr, char **err, size_t *pos)
{
	if (!expr || !*expr) {
		change(a, NULL, false, false, true);
		return 0;
	}
	struct filter *f = filter_compile(expr, err, pos);
	if (!f)
		return -1;
	change(a, f, false, false, true);
	return 0;
}

const char *filterui_expr(const struct app *a)
{
	const struct filterui *fu = a->filt;
	const struct filter *f = fu->pass ? fu->next : fu->f;
	return f ? filter_source(f) : NULL;
}

/* The state asked for last: a running pass's target, else the current one. */
static void target(const struct filterui *fu, struct filter **f, bool *off, bool *inv)
{
	*f = fu->pass ? fu->next : fu->f;
	*off = fu->pass ? fu->next_off : fu->off;
	*inv = fu->pass ? fu->next_inverted : fu->inverted;
}

/* Same, and stops the pass: the filter returned goes to change() next. */
static void take_target(struct app *a, struct filter **f, bool *off, bool *inv)
{
	struct filterui *fu = a->filt;
	target(fu, f, off, inv);
	if (fu->pass) {
		fu->next = NULL; /* handed over: the cancel must not free it */
		cancel_pass(a);
	}
}

void filterui_state_changed(struct app *a)
{
	struct filter *f;
	bool off, inv;
	target(a->filt, &f, &off, &inv);
	if (!f || off || !filter_uses_state(f))
		return;
	bool say = a->filt->pass && a->filt->announce;
	take_target(a, &f, &off, &inv);
	change(a, f, off, inv, say);
}

void filterui_tick(struct app *a)
{
	struct filterui *fu = a->filt;
	if (!active(fu) || fu->pass || !filter_uses_time(fu->f) || mono_ns() < fu->next_tick_ns)
		return;
	change(a, fu->f, fu->off, fu->inverted, false);
}

bool filterui_describe(const struct app *a, struct sbuf *b)
{
	struct filter *f;
	bool off, inv;
	target(a->filt, &f, &off, &inv);
	if (!f)
		return false;
	sbuf_adds(b, off ? "filter (off): " : "filter: ");
	describe_expr(b, f, inv);
	return true;
}

/* ---- keys ------------------------------------------------------------------------ */

static bool accept_filter(struct app *a, const char *line, struct prompt_error *e)
{
	size_t pos = 0;
	if (filterui_set(a, line, &e->msg, &pos) < 0) {
		e->pos = pos;
		e->has_pos = true;
		return false;
	}
	return true;
}

static const struct prompt_spec filter_prompt = {
	.label = "filter: ",
	.history = "filter",
	.complete = prompt_complete_filter,
	.accept = accept_filter,
};

void act_FILTER(struct app *a)
{
	prompt_open(a, &filter_prompt, filterui_expr(a));
}

void act_FILTER_TOGGLE(struct app *a)
{
	struct filter *f;
	bool off, inv;
	take_target(a, &f, &off, &inv);
	if (!f) {
		app_message(a, false, "no filter to turn on or off (f sets one)");
		return;
	}
	change(a, f, !off, inv, true);
}

void act_FILTER_INVERT(struct app *a)
{
	struct filter *f;
	bool off, inv;
	take_target(a, &f, &off, &inv);
	if (!f) {
		app_message(a, false, "no filter to invert (f sets one)");
		return;
	}
	change(a, f, false, !inv, true);
}
