/* histogram.c — see histogram.h. Buckets are computed from the shown (and
 * visible, when paused) events on every draw: a pass over at most the
 * store's capacity, only when something changed. */
#include "tui/histogram.h"
#include "tui/app.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/status.h"
#include "core/event.h"
#include "core/timebucket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEC 1000000000LL
#define MAX_BUCKETS 20000

static const int64_t widths[] = {
	1 * SEC, 5 * SEC, 10 * SEC, 30 * SEC, 60 * SEC, 300 * SEC, 600 * SEC, 1800 * SEC,
	3600 * SEC, 6 * 3600 * SEC, 12 * 3600 * SEC, 86400 * SEC, 7 * 86400 * SEC,
};
#define NWIDTHS ((int)ARRAY_LEN(widths))

struct hist {
	int64_t width, first;       /* bucket width; start of bucket 0 */
	size_t n;                   /* buckets */
	uint32_t (*c)[PRIO_COUNT];  /* counts per bucket and priority */
	uint32_t *total;
	uint32_t max;
	uint64_t events;
};

/* Offset that aligns buckets on local time (whole minutes, hours, days). */
static int64_t local_offset(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return (int64_t)tm.tm_gmtoff * SEC;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Event times can be anything in int64 (evt.time): timebucket.h neither
 * overflows nor lets bucket starts leave the range. */
static int64_t bucket_start(int64_t t, int64_t w)
{
	return timebucket_start(t, w, local_offset());
}

/* Buckets from the one starting at `first` to the one holding t1. */
static uint64_t bucket_count(int64_t first, int64_t t1, int64_t w)
{
	return timebucket_index(t1, first, w) + 1;
}

/* The smallest width whose buckets fit `rows` (or MAX_BUCKETS). */
static int fit_zoom(int64_t t0, int64_t t1, int rows)
{
	for (int z = 0; z < NWIDTHS; z++)
		if (rows > 0 && bucket_count(bucket_start(t0, widths[z]), t1, widths[z]) <= (uint64_t)rows)
			return z;
	return NWIDTHS - 1;
}

static bool hist_build(struct app *a, struct hist *h, int rows)
{
	memset(h, 0, sizeof(*h));
	size_t vis = app_visible_len(a);
	if (!vis)
		return false;
	int64_t t0 = store_shown_get(a->store, 0)->time_ns;
	int64_t t1 = store_shown_get(a->store, vis - 1)->time_ns;
	if (a->hist_zoom < 0)
		a->hist_zoom = fit_zoom(t0, t1, rows);
	for (;;) {
		h->width = widths[a->hist_zoom];
		h->first = bucket_start(t0, h->width);
		uint64_t n = bucket_count(h->first, t1, h->width);
		if (n <= MAX_BUCKETS || a->hist_zoom == NWIDTHS - 1) {
			h->n = (size_t)MIN(n, (uint64_t)MAX_BUCKETS);
			break;
		}
		a->hist_zoom++; /* too many buckets: zoom out by itself */
	}
	h->c = xcalloc(h->n, sizeof(*h->c));
	h->total = xcalloc(h->n, sizeof(*h->total));
	for (size_t i = 0; i < vis; i++) {
		const struct event *ev = store_shown_get(a->store, i);
		size_t b = (size_t)MIN(timebucket_index(ev->time_ns, h->first, h->width),
				       (uint64_t)h->n - 1);
		h->c[b][MIN(ev->prio, PRIO_UNKNOWN)]++;
		h->total[b]++;
	}
	for (size_t b = 0; b < h->n; b++)
		h->max = MAX(h->max, h->total[b]);
	h->events = vis;
	return true;
}

/* Start of bucket b: 20,000 week-long buckets span more than int64 holds. */
static int64_t bucket_at(const struct hist *h, size_t b)
{
	return timebucket_step(h->first, (int64_t)b, h->width);
}

static void hist_free(struct hist *h)
{
	free(h->c);
	free(h->total);
}

/* Bucket index of the cursor, clamped; the newest bucket by default. */
static size_t cursor_index(struct app *a, const struct hist *h)
{
	if (!a->hist_cursor_set)
		return h->n - 1;
	return (size_t)MIN(timebucket_index(a->hist_cursor, h->first, h->width), (uint64_t)h->n - 1);
}

static void width_label(int64_t w, char *out, size_t n)
{
	int64_t s = w / SEC;
	if (s % 86400 == 0)
		snprintf(out, n, "%lldd", (long long)(s / 86400));
	else if (s % 3600 == 0)
		snprintf(out, n, "%lldh", (long long)(s / 3600));
	else if (s % 60 == 0)
		snprintf(out, n, "%lldm", (long long)(s / 60));
	else
		snprintf(out, n, "%llds", (long long)s);
}

static void time_label(int64_t t, int64_t w, bool wide, char *out, size_t n)
{
	time_t secs = (time_t)floor_div(t, SEC);
	struct tm tm;
	localtime_r(&secs, &tm);
	if (w >= 86400 * SEC)
		strftime(out, n, "%Y-%m-%d", &tm);
	else if (wide)
		strftime(out, n, "%m-%d %H:%M:%S", &tm);
	else
		strftime(out, n, "%H:%M:%S", &tm);
}

/* One bar: `len` cells split between priorities, most severe first. */
static int draw_bar(int y, int x, const uint32_t *c, uint32_t total, int len)
{
	const char *cell = draw_utf8() ? "\xe2\x96\x88" : "#";
	uint64_t cum = 0;
	int done = 0;
	for (int p = 0; p < PRIO_COUNT && total; p++) {
		cum += c[p];
		int end = (int)((cum * (uint64_t)len + total / 2) / total);
		if (c[p] && end <= done && done < len)
			end = done + 1; /* every priority present gets a cell */
		end = MIN(end, len);
		for (; done < end; done++)
			draw_label(stdscr, y, x + done, cell, 1, ui_prio_attr(p), false);
	}
	return done;
}

static void draw_title(struct app *a, const struct hist *h, int y)
{
	char wl[16], n1[32], buf[160];
	width_label(h->width, wl, sizeof(wl));
	fmt_count(h->events, n1, sizeof(n1));
	snprintf(buf, sizeof(buf), " Histogram: %s events, %s buckets  (z/Z zoom, Enter: go there, q: close)",
		 n1, wl);
	move(y, 0);
	clrtoeol();
	draw_label(stdscr, y, 0, buf, a->lay.cols, ui_attr(UI_HIST_AXIS), false);
}

/* A legend of the priorities present. */
static void draw_legend(struct app *a, const struct hist *h, int y)
{
	uint64_t per[PRIO_COUNT] = { 0 };
	for (size_t b = 0; b < h->n; b++)
		for (int p = 0; p < PRIO_COUNT; p++)
			per[p] += h->c[b][p];
	move(y, 0);
	clrtoeol();
	int x = 1;
	const char *cell = draw_utf8() ? "\xe2\x96\x88" : "#";
	for (int p = 0; p < PRIO_COUNT && x < a->lay.cols; p++) {
		if (!per[p])
			continue;
		char buf[64], n1[32];
		fmt_count(per[p], n1, sizeof(n1));
		snprintf(buf, sizeof(buf), " %s %s  ", prio_lname((enum prio)p), n1);
		x += draw_label(stdscr, y, x, cell, 1, ui_prio_attr(p), false);
		x += draw_label(stdscr, y, x, buf, a->lay.cols - x, ui_attr(UI_DEFAULT), false);
	}
}

void histogram_draw(struct app *a)
{
	int top = a->lay.list_y, h_rows = a->lay.status_y - top;
	for (int r = 0; r < h_rows; r++) {
		move(top + r, 0);
		clrtoeol();
	}
	if (h_rows < 3)
		return;
	int rows = h_rows - 2; /* title and legend */
	struct hist h;
	if (!hist_build(a, &h, rows)) {
		draw_label(stdscr, top, 0, " Histogram: no events shown", a->lay.cols,
			   ui_attr(UI_HIST_AXIS), false);
		return;
	}
	size_t cur = cursor_index(a, &h);
	a->hist_cursor = bucket_at(&h, cur);
	a->hist_cursor_set = true;
	/* Keep the cursor on screen. */
	if ((int)cur < a->hist_scroll)
		a->hist_scroll = (int)cur;
	if ((int)cur >= a->hist_scroll + rows)
		a->hist_scroll = (int)cur - rows + 1;
	a->hist_scroll = MAX(0, MIN(a->hist_scroll, (int)h.n - rows));
	draw_title(a, &h, top);
	bool wide = a->lay.cols >= 80;
	char lab[32], num[32];
	int labw = h.width >= 86400 * SEC ? 10 : wide ? 14 : 8;
	for (int r = 0; r < rows; r++) {
		size_t b = (size_t)a->hist_scroll + (size_t)r;
		if (b >= h.n)
			break;
		int y = top + 1 + r;
		time_label(bucket_at(&h, b), h.width, wide, lab, sizeof(lab));
		attr_t la = b == cur ? ui_attr(UI_HIST_CURSOR) : ui_attr(UI_HIST_AXIS);
		int x = draw_label(stdscr, y, 0, b == cur ? ">" : " ", 1, la, false);
		x += draw_label(stdscr, y, x, lab, labw, la, true);
		x += draw_label(stdscr, y, x, " ", 1, la, false);
		fmt_count(h.total[b], num, sizeof(num));
		int numw = 9, barw = a->lay.cols - x - numw - 1;
		int len = 0;
		if (barw > 0 && h.total[b])
			len = MAX(1, (int)((uint64_t)h.total[b] * (uint64_t)barw / h.max));
		x += draw_bar(y, x, h.c[b], h.total[b], MIN(len, MAX(barw, 0)));
		draw_label(stdscr, y, x + 1, num, a->lay.cols - x - 1, ui_attr(UI_DEFAULT), false);
	}
	draw_legend(a, &h, top + h_rows - 1);
	hist_free(&h);
}

/* ---- actions ------------------------------------------------------------------ */

/* Keys may arrive before the view is first drawn: settle the zoom and the
 * cursor from the last layout, as drawing would. */
static void prepare(struct app *a)
{
	struct hist h;
	if (hist_build(a, &h, MAX(1, a->lay.status_y - a->lay.list_y - 2))) {
		a->hist_cursor = bucket_at(&h, cursor_index(a, &h));
		a->hist_cursor_set = true;
		hist_free(&h);
	}
}

void act_HISTOGRAM(struct app *a)
{
	a->focus = FOCUS_HIST;
	a->hist_zoom = -1;          /* fit the screen on open */
	a->hist_cursor_set = false; /* newest bucket */
	a->hist_scroll = 0;
	a->dirty = true;
}

void act_HIST_CLOSE(struct app *a)
{
	a->focus = FOCUS_LIST;
	a->dirty = true;
}

static void move_cursor(struct app *a, long buckets)
{
	prepare(a);
	if (a->hist_zoom < 0 || !a->hist_cursor_set)
		return;
	a->hist_cursor = timebucket_step(a->hist_cursor, buckets, widths[a->hist_zoom]);
	prepare(a); /* clamp to the buckets that exist */
	a->dirty = true;
}

void act_HIST_DOWN(struct app *a)
{
	move_cursor(a, 1);
}

void act_HIST_UP(struct app *a)
{
	move_cursor(a, -1);
}

void act_HIST_PAGE_DOWN(struct app *a)
{
	move_cursor(a, MAX(1, a->lay.status_y - a->lay.list_y - 3));
}

void act_HIST_PAGE_UP(struct app *a)
{
	move_cursor(a, -MAX(1, a->lay.status_y - a->lay.list_y - 3));
}

void act_HIST_FIRST(struct app *a)
{
	a->hist_cursor = INT64_MIN; /* before any bucket, whatever the times */
	a->hist_cursor_set = true;
	prepare(a);
	a->dirty = true;
}

void act_HIST_LAST(struct app *a)
{
	a->hist_cursor = INT64_MAX;
	a->hist_cursor_set = true;
	prepare(a);
	a->dirty = true;
}

static void zoom(struct app *a, int dir)
{
	prepare(a);
	if (a->hist_zoom < 0)
		return;
	int z = MAX(0, MIN(a->hist_zoom + dir, NWIDTHS - 1));
	if (z == a->hist_zoom)
		return;
	a->hist_zoom = z;
	/* The cursor stays on the same moment: its bucket start is re-floored. */
	if (a->hist_cursor_set)
		a->hist_cursor = bucket_start(a->hist_cursor, widths[z]);
	a->dirty = true;
}

void act_HIST_ZOOM_IN(struct app *a)
{
	zoom(a, -1);
}

void act_HIST_ZOOM_OUT(struct app *a)
{
	zoom(a, 1);
}

void act_HIST_JUMP(struct app *a)
{
	prepare(a);
	size_t vis = app_visible_len(a);
	if (!vis || !a->hist_cursor_set)
		return;
	size_t i = store_shown_lower_bound(a->store, a->hist_cursor, 0);
	if (i >= vis)
		i = vis - 1;
	a->follow = false;
	app_select_index(a, i);
	a->sel_row = MAX(0, a->lay.list_h / 2);
	a->focus = FOCUS_LIST;
	char lab[32];
	time_label(a->hist_cursor, widths[MAX(a->hist_zoom, 0)], true, lab, sizeof(lab));
	app_message(a, false, "at %s (G: newest, follow)", lab);
	a->dirty = true;
}
