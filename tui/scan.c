/* scan.c — see scan.h. */
#include "tui/scan.h"
#include "core/event.h"

#include <stdio.h>
#include <stdlib.h>

#define CLOCK_EVERY 256                   /* visits between clock checks */
#define MIN_SLICE_NS (1000000LL)

struct scan {
	struct scan *next;
	struct scan_opts o;
	const struct scan_ops *ops;
	void *ctx;
	struct evkey pos;     /* last event visited */
	bool wrapped;
	size_t visited, total;
};

/* ---- views ------------------------------------------------------------------ */

static size_t view_len(struct app *a, enum scan_view v)
{
	switch (v) {
	case SCAN_ALL: return store_len(a->store);
	case SCAN_SHOWN: return store_shown_len(a->store);
	default: return app_visible_len(a);
	}
}

static struct event *view_get(struct app *a, enum scan_view v, size_t i)
{
	return v == SCAN_ALL ? store_get(a->store, i) : store_shown_get(a->store, i);
}

/* First position whose key is >= (t, seq). */
static size_t view_lower_bound(struct app *a, enum scan_view v, int64_t t, uint64_t seq)
{
	size_t i = v == SCAN_ALL ? store_lower_bound(a->store, t, seq)
				 : store_shown_lower_bound(a->store, t, seq);
	return MIN(i, view_len(a, v));
}

static int key_cmp(const struct event *ev, const struct evkey *k)
{
	if (ev->time_ns != k->time_ns)
		return ev->time_ns < k->time_ns ? -1 : 1;
	return ev->seq < k->seq ? -1 : ev->seq > k->seq;
}

/* ---- stepping ------------------------------------------------------------------ */

/* Index of the next event to visit, or false at the end of the view. */
static bool next_index(struct app *a, struct scan *s, size_t *out)
{
	struct evkey k = s->pos;
	if (!k.set && !s->wrapped)
		k = s->o.from;
	size_t len = view_len(a, s->o.view);
	if (!s->o.backward) {
		size_t i = k.set ? view_lower_bound(a, s->o.view, k.time_ns, k.seq + 1) : 0;
		*out = i;
		return i < len;
	}
	size_t i = k.set ? view_lower_bound(a, s->o.view, k.time_ns, k.seq) : len;
	if (i == 0)
		return false;
	*out = i - 1;
	return true;
}

/* Past the starting point after wrapping: the scan is over. */
static bool past_start(const struct scan *s, const struct event *ev)
{
	if (!s->wrapped || !s->o.from.set)
		return false;
	int c = key_cmp(ev, &s->o.from);
	return s->o.backward ? c < 0 : c > 0;
}

/* Runs s until the deadline. Returns true when it has finished. */
static bool step(struct app *a, struct scan *s, int64_t deadline)
{
	size_t i;
	for (;;) {
		if (!next_index(a, s, &i)) {
			if (!s->o.wrap || !s->o.from.set || s->wrapped)
				return true;
			s->wrapped = true;
			s->pos.set = false;
			continue;
		}
		size_t len = view_len(a, s->o.view);
		/* Within a slice nothing else changes the view: walk by index. */
		for (;;) {
			struct event *ev = view_get(a, s->o.view, i);
			if (past_start(s, ev))
				return true;
			s->pos = (struct evkey){ ev->time_ns, ev->seq, true };
			s->visited++;
			if (!s->ops->visit(a, ev, s->ctx))
				return true;
			if (s->o.backward ? i == 0 : i + 1 >= len)
				break;
			i = s->o.backward ? i - 1 : i + 1;
			if (s->visited % CLOCK_EVERY == 0 && mono_ns() >= deadline)
				return false;
		}
	}
}

/* ---- API ------------------------------------------------------------------------- */

struct scan *scan_start(struct app *a, const struct scan_opts *o, const struct scan_ops *ops,
			void *ctx)
{
	struct scan *s = xcalloc(1, sizeof(*s));
	s->o = *o;
	s->ops = ops;
	s->ctx = ctx;
	s->total = view_len(a, o->view);
	/* Appended: older scans keep their turn first. */
	struct scan **pp = &a->scans;
	while (*pp)
		pp = &(*pp)->next;
	*pp = s;
	a->dirty = true;
	return s;
}

static void unlink_scan(struct app *a, struct scan *s)
{
	for (struct scan **pp = &a->scans; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			return;
		}
	}
}

void scan_cancel(struct app *a, struct scan *s)
{
	if (!s)
		return;
	unlink_scan(a, s);
	s->ops->done(a, false, s->ctx);
	free(s);
	a->dirty = true;
}

void scan_cancel_all(struct app *a)
{
	while (a->scans)
		scan_cancel(a, a->scans);
}

bool scan_run(struct app *a, int64_t budget_ns)
{
	size_t n = 0;
	for (struct scan *s = a->scans; s; s = s->next)
		n++;
	if (!n)
		return false;
	int64_t slice = MAX(budget_ns / (int64_t)n, MIN_SLICE_NS);
	struct scan *finished = NULL;
	for (struct scan **pp = &a->scans; *pp;) {
		struct scan *s = *pp;
		if (step(a, s, mono_ns() + slice)) {
			*pp = s->next;
			s->next = finished;
			finished = s;
		} else {
			pp = &s->next;
		}
	}
	a->dirty = true;
	/* done() may start new scans: call it once the list is consistent. */
	while (finished) {
		struct scan *s = finished;
		finished = s->next;
		s->ops->done(a, true, s->ctx);
		free(s);
	}
	return a->scans != NULL;
}

bool scan_busy(const struct app *a)
{
	return a->scans != NULL;
}

bool scan_wrapped(const struct scan *s)
{
	return s->wrapped;
}

void scan_status(const struct app *a, char *buf, size_t size)
{
	const struct scan *s = a->scans;
	buf[0] = '\0';
	if (!s)
		return;
	size_t total = s->total ? s->total : 1;
	unsigned pct = (unsigned)MIN(99, s->visited * 100 / total);
	snprintf(buf, size, "%s %u%%", s->ops->what, pct);
}
