/* status.c — see status.h. */
#include "tui/status.h"
#include "tui/app.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "tui/escstate.h"
#include "tui/filterui.h"
#include "tui/keys.h"
#include "tui/scan.h"
#include "tui/sparkline.h"
#include "tui/timeline.h"
#include "core/sanitize.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

void fmt_count(uint64_t n, char *out, size_t size)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

static void fmt_age(int64_t ns, char *out, size_t size)
{
	int64_t s = ns / 1000000000;
	if (s < 120)
		snprintf(out, size, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(out, size, "%lldm", (long long)(s / 60));
	else
		snprintf(out, size, "%lldh", (long long)(s / 3600));
}

void status_draw_header(struct app *a)
{
	const struct source_stats *s = &a->sst;
	attr_t hdr = ui_attr(UI_HEADER);
	int x = draw_label(stdscr, 0, 0, " socterm ", a->lay.cols, hdr, false);
	x += draw_text(stdscr, 0, x, s->name, strlen(s->name), a->lay.cols - x, hdr, false);
	char buf[256];
	bool bad = s->state != CONN_CONNECTED && s->state != CONN_READING && s->state != CONN_EOF;
	char age[16];
	fmt_age(now_ns() - s->state_since_ns, age, sizeof(age));
	if (s->state == CONN_DISCONNECTED || s->state == CONN_CONNECTING)
		snprintf(buf, sizeof(buf), " %s %s, retrying ", s->state == CONN_CONNECTING ?
			 "CONNECTING" : "DISCONNECTED", age);
	else
		snprintf(buf, sizeof(buf), " %s ", conn_state_name(s->state));
	if (x < a->lay.cols)
		x += draw_label(stdscr, 0, x + 1, buf, a->lay.cols - x - 1,
				bad ? ui_attr(UI_STATUS_WARN) : hdr, false) + 1;
	if (s->reconnects && x < a->lay.cols) {
		snprintf(buf, sizeof(buf), " %llu reconnect%s", (unsigned long long)s->reconnects,
			 s->reconnects == 1 ? "" : "s");
		x += draw_label(stdscr, 0, x, buf, a->lay.cols - x, hdr, false);
	}
	if (s->last_error[0] && bad && x < a->lay.cols) {
		snprintf(buf, sizeof(buf), " (%s)", s->last_error);
		x += draw_text(stdscr, 0, x, buf, strlen(buf), a->lay.cols - x, hdr, false);
	}
	for (int i = x; i < a->lay.cols; i++)
		mvaddch(0, i, ' ' | hdr);
	int sw = sparkline_width(a->lay.cols);
	if (sw && x + sw + 2 <= a->lay.cols)
		sparkline_draw(a, 0, a->lay.cols - sw - 1, sw);
}

/* The status bar is a row of segments. When they do not all fit, the least
 * important go first (higher rank), so that at 80 columns the analyst still
 * sees PAUSED, the marks, the filter and Phantom's state rather than totals.
 * Text is sanitised when the segment is made: widths are then exact. */
enum { SEG_MAX = 16, SEG_MIN_FLEX = 12 };

struct seg {
	struct sbuf text;
	attr_t attr;
	int rank;  /* 0: always kept ... 4: dropped first */
	int cap;   /* 0: fixed; else the widest a flexible segment may grow */
	int w;     /* natural width */
	bool on;
};

struct segs {
	struct seg s[SEG_MAX];
	int n;
};

static void seg_add(struct segs *v, int rank, int cap, attr_t attr, const char *text, size_t n)
{
	if (v->n == SEG_MAX)
		return;
	struct seg *g = &v->s[v->n++];
	*g = (struct seg){ .text = SBUF_INIT, .attr = attr, .rank = rank, .cap = cap, .on = true };
	if (v->n > 1)
		sbuf_adds(&g->text, " | ");
	else
		sbuf_addc(&g->text, ' ');
	sanitize(text, n, SAN_ONELINE | (draw_utf8() ? 0 : SAN_ASCII), &g->text);
	g->w = text_width(sbuf_str(&g->text), g->text.len);
}

static void seg_addf(struct segs *v, int rank, attr_t attr, const char *fmt, uint64_t n)
{
	char num[32], buf[96];
	fmt_count(n, num, sizeof(num));
	snprintf(buf, sizeof(buf), fmt, num);
	seg_add(v, rank, 0, attr, buf, strlen(buf));
}

static int seg_minw(const struct seg *g)
{
	return g->cap ? MIN(g->w, 3 + SEG_MIN_FLEX) : g->w;
}

/* Turns segments off, least important and rightmost first, until the
 * minimum widths of the rest fit. */
static void segs_fit(struct segs *v, int cols)
{
	for (;;) {
		int sum = 0, drop = -1;
		for (int i = 0; i < v->n; i++) {
			if (!v->s[i].on)
				continue;
			sum += seg_minw(&v->s[i]);
			if (v->s[i].rank > 0 && (drop < 0 || v->s[i].rank >= v->s[drop].rank))
				drop = i;
		}
		if (sum <= cols || drop < 0)
			return;
		v->s[drop].on = false;
	}
}

static void segs_draw(struct segs *v, int y, int cols, attr_t bg)
{
	int x = 0;
	for (int i = 0; i < v->n; i++) {
		struct seg *g = &v->s[i];
		if (!g->on || x >= cols)
			continue;
		int room = cols - x;
		if (g->cap) { /* leave the later segments their minimum */
			int later = 0;
			for (int j = i + 1; j < v->n; j++)
				later += v->s[j].on ? seg_minw(&v->s[j]) : 0;
			room = MIN(room, MAX(seg_minw(g), MIN(g->cap, cols - x - later)));
		}
		x += draw_label(stdscr, y, x, sbuf_str(&g->text), room, g->attr, false);
	}
	for (; x < cols; x++)
		mvaddch(y, x, ' ' | bg);
	for (int i = 0; i < v->n; i++)
		sbuf_free(&v->s[i].text);
}

static void segs_counts(struct app *a, struct segs *v, attr_t st, attr_t warn)
{
	struct store_counts c;
	store_counts(a->store, &c);
	char n1[32], n2[32], buf[96];
	fmt_count(c.held, n1, sizeof(n1));
	fmt_count(c.shown, n2, sizeof(n2));
	snprintf(buf, sizeof(buf), "%s shown/%s held", n2, n1);
	seg_add(v, 0, 0, st, buf, strlen(buf));
	seg_addf(v, 3, st, "%s total", c.total);
	if (c.evicted)
		seg_addf(v, 4, st, "%s evicted", c.evicted);
	if (c.unparsed)
		seg_addf(v, 2, warn, "%s unparsed", c.unparsed);
	if (a->sst.dropped || a->sst.lossy)
		seg_addf(v, 2, a->sst.dropped ? warn : st, "%s dropped", a->sst.dropped);
	if (c.duplicates)
		seg_addf(v, 4, st, "%s dup", c.duplicates);
	if (a->sst.durable && a->sst.pending)
		seg_addf(v, 2, warn, "catching up: %s pending", a->sst.pending);
	seg_addf(v, 3, st, "%s ev/s", a->rate.last);
	if (a->paused)
		seg_addf(v, 0, warn, "PAUSED +%s new", timeline_new_while_paused(a));
	else if (a->follow)
		seg_add(v, 4, 0, st, "FOLLOW", 6);
	if (c.marked)
		seg_addf(v, 1, st, "%s marked", c.marked);
}

void status_draw_bar(struct app *a)
{
	attr_t st = ui_attr(UI_STATUS), warn = ui_attr(UI_STATUS_WARN);
	int cols = a->lay.cols, y = a->lay.status_y;
	struct segs v = { .n = 0 };
	segs_counts(a, &v, st, warn);
	struct sbuf t = SBUF_INIT;
	if (filterui_describe(a, &t))
		seg_add(&v, 1, MAX(SEG_MIN_FLEX, cols / 3), st, sbuf_str(&t), t.len);
	char buf[96];
	scan_status(a, buf, sizeof(buf));
	if (buf[0])
		seg_add(&v, 2, 0, warn, buf, strlen(buf));
	sbuf_reset(&t);
	bool fw_warn;
	escstate_status(a, &t, &fw_warn);
	/* the last error may quote the server: flexible, to the end of the row */
	seg_add(&v, 1, cols, fw_warn ? warn : st, sbuf_str(&t), t.len);
	sbuf_free(&t);
	move(y, 0);
	segs_fit(&v, cols);
	segs_draw(&v, y, cols, st);
}

void status_draw_message(struct app *a)
{
	int y = a->lay.msg_y;
	move(y, 0);
	clrtoeol();
	if (a->msg[0] && now_ns() < a->msg_until_ns) {
		draw_str(stdscr, y, 0, a->msg, a->lay.cols,
			 a->msg_error ? ui_attr(UI_ERROR) : ui_attr(UI_MESSAGE), false);
		return;
	}
	if (a->last_stderr[0]) {
		draw_str(stdscr, y, 0, a->last_stderr, a->lay.cols, ui_attr(UI_ERROR), false);
		return;
	}
	struct sbuf h = SBUF_INIT;
	keys_hint(a, &h);
	draw_label(stdscr, y, 0, sbuf_str(&h), a->lay.cols, ui_attr(UI_PRIO_DEBUG), false);
	sbuf_free(&h);
}
