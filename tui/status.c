/* status.c — see status.h. */
#include "tui/status.h"
#include "tui/app.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "tui/escstate.h"
#include "tui/filterui.h"
#include "tui/scan.h"
#include "tui/sparkline.h"
#include "tui/timeline.h"

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
		snprintf(buf, sizeof(buf), " %llu reconnects", (unsigned long long)s->reconnects);
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

struct bar {
	int x, cols, y;
};

static void item(struct bar *b, const char *text, attr_t attr)
{
	if (b->x >= b->cols)
		return;
	b->x += draw_label(stdscr, b->y, b->x, text, b->cols - b->x, attr, false);
}

/* Text the analyst typed (the filter): sanitised, and kept short. */
static void item_text(struct bar *b, const char *text, size_t n, int max, attr_t attr)
{
	if (b->x >= b->cols)
		return;
	b->x += draw_text(stdscr, b->y, b->x, text, n, MIN(max, b->cols - b->x), attr, false);
}

void status_draw_bar(struct app *a)
{
	struct store_counts c;
	store_counts(a->store, &c);
	attr_t st = ui_attr(UI_STATUS), warn = ui_attr(UI_STATUS_WARN);
	struct bar b = { 0, a->lay.cols, a->lay.status_y };
	char n1[32], n2[32], buf[96];
	move(b.y, 0);
	fmt_count(c.held, n1, sizeof(n1));
	fmt_count(c.shown, n2, sizeof(n2));
	snprintf(buf, sizeof(buf), " %s shown/%s held", n2, n1);
	item(&b, buf, st);
	fmt_count(c.total, n1, sizeof(n1));
	snprintf(buf, sizeof(buf), " | %s total", n1);
	item(&b, buf, st);
	if (c.evicted) {
		fmt_count(c.evicted, n1, sizeof(n1));
		snprintf(buf, sizeof(buf), " | %s evicted", n1);
		item(&b, buf, st);
	}
	if (c.unparsed) {
		fmt_count(c.unparsed, n1, sizeof(n1));
		snprintf(buf, sizeof(buf), " | %s unparsed", n1);
		item(&b, buf, warn);
	}
	if (a->sst.dropped || a->sst.lossy) {
		fmt_count(a->sst.dropped, n1, sizeof(n1));
		snprintf(buf, sizeof(buf), " | %s dropped", n1);
		item(&b, buf, a->sst.dropped ? warn : st);
	}
	if (c.duplicates) {
		fmt_count(c.duplicates, n1, sizeof(n1));
		snprintf(buf, sizeof(buf), " | %s dup", n1);
		item(&b, buf, st);
	}
	if (a->sst.durable && a->sst.pending) {
		fmt_count(a->sst.pending, n1, sizeof(n1));
		snprintf(buf, sizeof(buf), " | catching up: %s pending", n1);
		item(&b, buf, warn);
	}
	fmt_count(a->rate.last, n1, sizeof(n1));
	snprintf(buf, sizeof(buf), " | %s ev/s", n1);
	item(&b, buf, st);
	if (a->paused) {
		fmt_count(timeline_new_while_paused(a), n1, sizeof(n1));
		snprintf(buf, sizeof(buf), " | PAUSED +%s new", n1);
		item(&b, buf, warn);
	} else if (a->follow) {
		item(&b, " | FOLLOW", st);
	}
	if (c.marked) {
		fmt_count(c.marked, n1, sizeof(n1));
		snprintf(buf, sizeof(buf), " | %s marked", n1);
		item(&b, buf, st);
	}
	struct sbuf f = SBUF_INIT;
	if (filterui_describe(a, &f)) {
		item(&b, " | ", st);
		item_text(&b, f.s, f.len, MAX(12, a->lay.cols / 3), st);
	}
	sbuf_free(&f);
	scan_status(a, buf, sizeof(buf));
	if (buf[0]) {
		item(&b, " | ", st);
		item(&b, buf, warn);
	}
	struct sbuf fw = SBUF_INIT;
	bool fw_warn;
	escstate_status(a, &fw, &fw_warn);
	item(&b, " | ", st);
	if (b.x < b.cols) /* the last error may quote the server */
		b.x += draw_text(stdscr, b.y, b.x, sbuf_str(&fw), fw.len, b.cols - b.x, fw_warn ? warn : st, false);
	sbuf_free(&fw);
	for (; b.x < b.cols; b.x++)
		mvaddch(b.y, b.x, ' ' | st);
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
	draw_label(stdscr, y, 0,
		   "h help  Enter detail  f filter  / search  Space mark  : command  p pause  q quit",
		   a->lay.cols,
		   ui_attr(UI_PRIO_DEBUG), false);
}
