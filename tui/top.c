/* top.c — see top.h. Counting uses a small open-addressing table keyed by
 * interned ids, rebuilt on each draw from the shown events. */
#include "tui/top.h"
#include "tui/app.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "tui/filterui.h"
#include "tui/keys.h"
#include "tui/status.h"
#include "core/event.h"
#include "core/filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Key: kind in the high bits, an interned id or priority below. */
enum { KIND_NONE = 0, KIND_NS = 1, KIND_CONTAINER = 2 };
#define KEY(kind, id) (((uint64_t)(kind) << 32) | (uint64_t)(id))

struct row {
	uint64_t key;
	uint64_t n;
};

struct table {
	struct row *r;  /* open addressing; key+1 stored so 0 marks a free slot */
	size_t cap, used;
};

static const char *const dim_names[TOP_DIM_COUNT] = { "rule", "priority", "host", "container" };

static void table_add(struct table *t, uint64_t key)
{
	if ((t->used + 1) * 2 > t->cap) {
		struct table bigger = { xcalloc(t->cap ? t->cap * 2 : 64, sizeof(struct row)),
					t->cap ? t->cap * 2 : 64, 0 };
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->r[i].key)
				continue;
			size_t j = (size_t)((t->r[i].key * 0x9e3779b97f4a7c15ULL) >> 7) & (bigger.cap - 1);
			while (bigger.r[j].key)
				j = (j + 1) & (bigger.cap - 1);
			bigger.r[j] = t->r[i];
			bigger.used++;
		}
		free(t->r);
		*t = bigger;
	}
	uint64_t k = key + 1;
	size_t j = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 7) & (t->cap - 1);
	while (t->r[j].key && t->r[j].key != k)
		j = (j + 1) & (t->cap - 1);
	if (!t->r[j].key) {
		t->r[j].key = k;
		t->used++;
	}
	t->r[j].n++;
}

static uint64_t event_key(const struct event *ev, int dim)
{
	struct fval v;
	switch (dim) {
	case TOP_DIM_RULE: return ev->rule;
	case TOP_DIM_PRIO: return MIN(ev->prio, PRIO_UNKNOWN);
	case TOP_DIM_HOST: return ev->hostname;
	default:
		if (event_get_name(ev, "k8s.ns.name", &v) && v.type == FV_STRING)
			return KEY(KIND_NS, v.str);
		if (event_get_name(ev, "container.name", &v) && v.type == FV_STRING)
			return KEY(KIND_CONTAINER, v.str);
		return KEY(KIND_NONE, 0);
	}
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

/* Rows sorted by count (most first); *nrows set; caller frees. */
static struct row *top_rows(struct app *a, size_t *nrows, uint64_t *total)
{
	struct table t = { NULL, 0, 0 };
	size_t vis = app_visible_len(a);
	for (size_t i = 0; i < vis; i++)
		table_add(&t, event_key(store_shown_get(a->store, i), a->top_dim));
	size_t n = 0;
	for (size_t i = 0; i < t.cap; i++)
		if (t.r[i].key)
			t.r[n++] = (struct row){ t.r[i].key - 1, t.r[i].n };
	qsort(t.r, n, sizeof(*t.r), cmp_rows);
	*nrows = n;
	*total = vis;
	return t.r;
}

/* The row's value as shown. */
static void row_label(int dim, uint64_t key, struct sbuf *b)
{
	size_t n;
	const char *s;
	switch (dim) {
	case TOP_DIM_PRIO:
		sbuf_adds(b, prio_lname((enum prio)key));
		return;
	case TOP_DIM_WHERE:
		if ((key >> 32) == KIND_NONE) {
			sbuf_adds(b, "(none)");
			return;
		}
		sbuf_adds(b, (key >> 32) == KIND_NS ? "ns " : "container ");
		break;
	default:
		break;
	}
	s = intern_str((istr)(key & 0xffffffffu), &n);
	if (!n && dim != TOP_DIM_WHERE)
		sbuf_adds(b, "(empty)");
	sbuf_add(b, s, n);
}

void top_quote(const char *s, size_t n, struct sbuf *out)
{
	sbuf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\' || c == '*' || c == '?') {
			sbuf_addc(out, '\\');
			sbuf_addc(out, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			sbuf_printf(out, "\\x%02x", c);
		} else {
			sbuf_addc(out, (char)c);
		}
	}
	sbuf_addc(out, '"');
}

/* The filter expression selecting a row. */
static void row_filter(int dim, uint64_t key, struct sbuf *b)
{
	size_t n;
	const char *s = intern_str((istr)(key & 0xffffffffu), &n);
	switch (dim) {
	case TOP_DIM_RULE:
		if (!n) {
			sbuf_adds(b, "(rule missing or rule = \"\")");
			break;
		}
		sbuf_adds(b, "rule = ");
		top_quote(s, n, b);
		break;
	case TOP_DIM_PRIO:
		sbuf_printf(b, "priority = %s", prio_lname((enum prio)key));
		break;
	case TOP_DIM_HOST:
		if (!n) {
			sbuf_adds(b, "(hostname missing or hostname = \"\")");
			break;
		}
		sbuf_adds(b, "hostname = ");
		top_quote(s, n, b);
		break;
	default:
		if ((key >> 32) == KIND_NONE) {
			sbuf_adds(b, "k8s.ns.name missing and container.name missing");
		} else {
			sbuf_adds(b, (key >> 32) == KIND_NS ? "k8s.ns.name = " : "container.name = ");
			top_quote(s, n, b);
		}
	}
}

/* The timeline has one filter (tui/filterui.h): f edits what this sets. */
int top_set_filter(struct app *a, const char *expr)
{
	char *err = NULL;
	if (filterui_set(a, expr, &err, NULL) < 0) {
		app_message(a, true, "filter: %s", err ? err : "invalid");
		free(err);
		return -1;
	}
	return 0;
}

void top_free(struct app *a)
{
	filter_free(a->top_filter);
	a->top_filter = NULL;
}

static void draw_tabs(struct app *a, int y, uint64_t total, size_t nrows)
{
	move(y, 0);
	clrtoeol();
	int x = draw_label(stdscr, y, 0, " Top", a->lay.cols, ui_attr(UI_TOP_HEADER), false);
	for (int d = 0; d < TOP_DIM_COUNT && x < a->lay.cols; d++) {
		char buf[32];
		snprintf(buf, sizeof(buf), " %d:%s ", d + 1, dim_names[d]);
		x += draw_label(stdscr, y, x + 1, buf, a->lay.cols - x - 1,
				d == a->top_dim ? ui_attr(UI_SELECTED) : ui_attr(UI_DEFAULT), false) + 1;
	}
	char n1[32], buf[96];
	fmt_count(total, n1, sizeof(n1));
	snprintf(buf, sizeof(buf), "  %s events, %zu values (Enter: filter, q: close)", n1, nrows);
	if (x < a->lay.cols)
		draw_label(stdscr, y, x, buf, a->lay.cols - x, ui_attr(UI_DEFAULT), false);
}

void top_draw(struct app *a)
{
	int top = a->lay.list_y, h = a->lay.status_y - top;
	for (int r = 0; r < h; r++) {
		move(top + r, 0);
		clrtoeol();
	}
	if (h < 3)
		return;
	size_t n;
	uint64_t total;
	struct row *rows = top_rows(a, &n, &total);
	draw_tabs(a, top, total, n);
	int body = h - 2;
	a->top_cursor = n ? MAX(0, MIN(a->top_cursor, (int)n - 1)) : 0;
	if (a->top_cursor < a->top_scroll)
		a->top_scroll = a->top_cursor;
	if (a->top_cursor >= a->top_scroll + body)
		a->top_scroll = a->top_cursor - body + 1;
	int y = top + 1;
	draw_label(stdscr, y, 0, "   count      %  value", a->lay.cols, ui_attr(UI_TOP_HEADER), true);
	struct sbuf lab = SBUF_INIT;
	uint64_t max = n ? rows[0].n : 1;
	for (int r = 0; r < body - 1 && (size_t)(a->top_scroll + r) < n; r++) {
		size_t i = (size_t)(a->top_scroll + r);
		bool cur = (int)i == a->top_cursor;
		attr_t base = cur ? ui_attr(UI_SELECTED) : ui_attr(UI_DEFAULT);
		char num[32], buf[64];
		fmt_count(rows[i].n, num, sizeof(num));
		snprintf(buf, sizeof(buf), "%8s %5.1f%%  ", num, 100.0 * (double)rows[i].n / (double)total);
		int yy = y + 1 + r;
		int x = draw_label(stdscr, yy, 0, buf, a->lay.cols, base, false);
		sbuf_reset(&lab);
		row_label(a->top_dim, rows[i].key, &lab);
		int barw = MIN(20, a->lay.cols / 5);
		int textw = a->lay.cols - x - barw - 1;
		attr_t va = base;
		if (!cur && a->top_dim == TOP_DIM_PRIO)
			va = ui_prio_attr((int)rows[i].key);
		x += draw_text(stdscr, yy, x, sbuf_str(&lab), lab.len, MAX(textw, 0), va, true);
		int len = (int)((rows[i].n * (uint64_t)barw + max - 1) / max);
		for (int k = 0; k < len && x + 1 + k < a->lay.cols; k++)
			draw_label(stdscr, yy, x + 1 + k, draw_utf8() ? "\xe2\x96\x87" : "=", 1,
				   ui_attr(UI_TOP_BAR), false);
	}
	sbuf_free(&lab);
	free(rows);
}

/* ---- actions ------------------------------------------------------------------ */

void act_TOP(struct app *a)
{
	a->focus = FOCUS_TOP;
	a->top_cursor = a->top_scroll = 0;
	a->dirty = true;
}

void act_TOP_CLOSE(struct app *a)
{
	a->focus = FOCUS_LIST;
	a->dirty = true;
}

static void set_dim(struct app *a, int d)
{
	a->top_dim = (d + TOP_DIM_COUNT) % TOP_DIM_COUNT;
	a->top_cursor = a->top_scroll = 0;
	a->dirty = true;
}

void act_TOP_NEXT(struct app *a) { set_dim(a, a->top_dim + 1); }
void act_TOP_PREV(struct app *a) { set_dim(a, a->top_dim - 1); }
void act_TOP_RULE(struct app *a) { set_dim(a, TOP_DIM_RULE); }
void act_TOP_PRIO(struct app *a) { set_dim(a, TOP_DIM_PRIO); }
void act_TOP_HOST(struct app *a) { set_dim(a, TOP_DIM_HOST); }
void act_TOP_WHERE(struct app *a) { set_dim(a, TOP_DIM_WHERE); }

void act_TOP_DOWN(struct app *a)
{
	a->top_cursor++;
	a->dirty = true;
}

void act_TOP_UP(struct app *a)
{
	a->top_cursor = MAX(0, a->top_cursor - 1);
	a->dirty = true;
}

void act_TOP_FILTER(struct app *a)
{
	size_t n;
	uint64_t total;
	struct row *rows = top_rows(a, &n, &total);
	if (!n || a->top_cursor < 0 || (size_t)a->top_cursor >= n) {
		free(rows);
		return;
	}
	struct sbuf expr = SBUF_INIT;
	row_filter(a->top_dim, rows[a->top_cursor].key, &expr);
	free(rows);
	if (top_set_filter(a, sbuf_str(&expr)) == 0) {
		a->focus = FOCUS_LIST;
		a->follow = true;
		app_message(a, false, "filter: %s", sbuf_str(&expr));
	}
	sbuf_free(&expr);
	a->dirty = true;
}
