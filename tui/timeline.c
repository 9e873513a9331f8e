/* timeline.c — the event list: one row per event, columns that adapt to
 * the width, selection kept on the same event (not the same row) while
 * events arrive, follow mode and pause. */
#include "tui/timeline.h"
#include "tui/app.h"
#include "tui/keys.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "tui/escstate.h"
#include "tui/search.h"
#include "core/event.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct columns {
	int time, mark, prio, rule, where, msg;
};

/* Column widths for a terminal `w` columns wide. */
static struct columns columns_for(int w)
{
	struct columns c = { 12, 3, 4, 0, 0, 0 };
	int rest = w - c.time - 1 - c.mark - c.prio - 1;
	if (rest < 8) {
		c.time = 8; /* HH:MM:SS on tiny terminals */
		rest = w - c.time - 1 - c.mark - c.prio - 1;
	}
	if (w >= 120) {
		c.rule = 30;
		c.where = 24;
	} else if (w >= 100) {
		c.rule = 26;
		c.where = 20;
	} else if (w >= 70) {
		c.rule = 22;
	} else {
		c.rule = MAX(rest / 2, 4);
	}
	c.msg = rest - (c.rule + 1) - (c.where ? c.where + 1 : 0);
	if (c.msg < 0) {
		c.rule += c.msg;
		c.msg = 0;
	}
	return c;
}

static void format_time(int64_t ns, bool millis, char *out, size_t n)
{
	time_t secs = (time_t)(ns / 1000000000);
	if (ns < 0 && ns % 1000000000)
		secs--;
	struct tm tm;
	localtime_r(&secs, &tm);
	int ms = (int)(((ns % 1000000000) + 1000000000) % 1000000000 / 1000000);
	if (millis)
		snprintf(out, n, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	else
		snprintf(out, n, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static const char *const prio_abbrev[] = {
	"EMER", "ALRT", "CRIT", "ERR ", "WARN", "NOTI", "INFO", "DEBG", "?",
};

/* Appends an interned string, at most `max` bytes of it. */
static void add_head(struct sbuf *b, istr str, size_t max)
{
	size_t n;
	const char *s = intern_str(str, &n);
	sbuf_add(b, s, MIN(n, max));
}

/* "host container" or "host ns/pod", whichever the event has; each part
 * at most `max` bytes (what the column can show), however long it is. */
static void format_where(const struct event *ev, size_t max, struct sbuf *b)
{
	add_head(b, ev->hostname, max);
	struct fval ns, pod, cname;
	bool has_ns = event_get_name(ev, "k8s.ns.name", &ns) && ns.type == FV_STRING;
	bool has_pod = event_get_name(ev, "k8s.pod.name", &pod) && pod.type == FV_STRING;
	if (has_ns || has_pod) {
		if (b->len)
			sbuf_addc(b, ' ');
		if (has_ns)
			add_head(b, ns.str, max);
		sbuf_addc(b, '/');
		if (has_pod)
			add_head(b, pod.str, max);
	} else if (event_get_name(ev, "container.name", &cname) && cname.type == FV_STRING) {
		size_t n;
		const char *s = intern_str(cname.str, &n);
		if (n && strcmp(s, "host") != 0) {
			if (b->len)
				sbuf_addc(b, ' ');
			sbuf_add(b, s, MIN(n, max));
		}
	}
}

/* The marker columns: marked '*', annotated '+', then the escalation's
 * state (Q queued, S sending, ^ sent, R waiting to retry, ! failed). */
static int draw_marks(struct app *a, int y, int x, const struct event *ev, attr_t sel)
{
	enum ui_elem e;
	char mk[2] = { ev->state & ES_MARKED ? '*' : ' ', '\0' };
	char an[2] = { ev->state & ES_ANNOTATED ? '+' : ' ', '\0' };
	char es[2] = { escstate_glyph(a, ev, &e), '\0' };
	int n = draw_label(stdscr, y, x, mk, 1, sel ? sel : ui_attr(UI_MARK), true);
	n += draw_label(stdscr, y, x + n, an, 1, sel ? sel : ui_attr(UI_ANNOTATED), true);
	n += draw_label(stdscr, y, x + n, es, 1, sel ? sel : ui_attr(e), true);
	return n;
}

/* Event text, with the search's words highlighted in matching rows. */
static int text_col(struct app *a, bool hit, int y, int x, const char *s, size_t n, int cols,
		    attr_t attr)
{
	if (hit)
		return search_draw_text(a, stdscr, y, x, s, n, cols, attr, true);
	return draw_text(stdscr, y, x, s, n, cols, attr, true);
}

static void draw_row(struct app *a, int y, const struct event *ev, bool selected)
{
	WINDOW *w = stdscr;
	struct columns c = columns_for(a->lay.cols);
	attr_t sel = selected ? ui_attr(UI_SELECTED) : 0;
	bool hit = search_hit(a, ev);
	/* The time column says "marked" and "search match" at a glance. */
	attr_t tattr = hit ? ui_attr(UI_SEARCH_HIT) : (ev->state & ES_MARKED) ? ui_attr(UI_MARK)
			: sel ? sel : ui_attr(UI_TIME);
	char tbuf[32];
	int x = 0;
	format_time(ev->time_ns, c.time >= 12, tbuf, sizeof(tbuf));
	x += draw_label(w, y, x, tbuf, c.time, tattr, true);
	x += draw_label(w, y, x, " ", 1, sel, true);
	x += draw_marks(a, y, x, ev, sel);
	if (ev->prio == PRIO_UNKNOWN && ev->prio_text) {
		/* Unknown priorities are shown as received, never hidden. */
		size_t n;
		const char *p = intern_str(ev->prio_text, &n);
		x += draw_text(w, y, x, p, n, c.prio, sel ? sel : ui_prio_attr(ev->prio), true);
	} else {
		x += draw_label(w, y, x, prio_abbrev[ev->prio], c.prio,
				sel ? sel : ui_prio_attr(ev->prio), true);
	}
	x += draw_label(w, y, x, " ", 1, sel, true);
	struct sbuf b = SBUF_INIT;
	if (ev->flags & EV_UNPARSED) {
		x += draw_label(w, y, x, "(unparsed)", c.rule, sel ? sel : ui_attr(UI_UNPARSED), true);
		x += draw_label(w, y, x, " ", 1, sel, true);
		sbuf_adds(&b, intern_str(ev->error, NULL));
		sbuf_adds(&b, ": ");
		int width = a->lay.cols - x;
		event_raw_head(ev, draw_cap(width) + 1, &b); /* what the row can show */
		text_col(a, hit, y, x, b.s, b.len, width, sel ? sel : ui_attr(UI_UNPARSED));
		sbuf_free(&b);
		return;
	}
	size_t n;
	const char *rule = intern_str(ev->rule, &n);
	x += text_col(a, hit, y, x, rule, n, c.rule, sel ? sel : ui_attr(UI_RULE));
	x += draw_label(w, y, x, " ", 1, sel, true);
	if (c.where) {
		format_where(ev, draw_cap(c.where) + 1, &b);
		x += text_col(a, hit, y, x, b.s ? b.s : "", b.len, c.where,
			      sel ? sel : ui_attr(UI_HOST));
		x += draw_label(w, y, x, " ", 1, sel, true);
		sbuf_reset(&b);
	}
	/* One byte past what the row can show: draw_text() still sees it is cut. */
	event_message_head(ev, draw_cap(a->lay.cols - x) + 1, &b);
	text_col(a, hit, y, x, b.s ? b.s : "", b.len, a->lay.cols - x,
		 sel ? sel : ui_attr(UI_OUTPUT));
	sbuf_free(&b);
}

void timeline_draw(struct app *a)
{
	size_t vis = app_visible_len(a);
	size_t sel_idx = 0;
	struct event *sel = app_selected(a, &sel_idx);
	int h = a->lay.list_h;
	if (h <= 0)
		return;
	if (a->follow && vis)
		a->sel_row = h - 1;
	a->sel_row = MAX(0, MIN(a->sel_row, h - 1));
	size_t top = 0;
	if (sel) {
		/* Keep the selected event on the same screen row if possible. */
		top = sel_idx >= (size_t)a->sel_row ? sel_idx - (size_t)a->sel_row : 0;
		if (top + (size_t)h > vis && vis >= (size_t)h)
			top = vis - (size_t)h;
		if (vis < (size_t)h)
			top = 0;
		a->sel_row = (int)(sel_idx - top);
	}
	a->list_top = top;
	for (int r = 0; r < h; r++) {
		int y = a->lay.list_y + r;
		move(y, 0);
		clrtoeol();
		size_t i = top + (size_t)r;
		if (i >= vis) {
			if (r == 0 && vis == 0)
				draw_label(stdscr, y, 0,
					   store_len(a->store) ? "(no event matches)" : "(waiting for events)",
					   a->lay.cols, ui_attr(UI_MESSAGE), false);
			continue;
		}
		draw_row(a, y, store_shown_get(a->store, i), sel && i == sel_idx);
	}
}

/* ---- motion ------------------------------------------------------------------- */

static void move_by(struct app *a, long delta)
{
	size_t vis = app_visible_len(a);
	if (!vis)
		return;
	size_t idx = 0;
	app_selected(a, &idx);
	long to = (long)idx + delta;
	if (to < 0)
		to = 0;
	if ((size_t)to >= vis)
		to = (long)vis - 1;
	a->follow = !a->paused && (size_t)to == vis - 1 && delta > 0 &&
		    vis == store_shown_len(a->store) && a->follow;
	a->sel_row += (int)(to - (long)idx);
	app_select_index(a, (size_t)to);
	a->dirty = true;
}

void act_DOWN(struct app *a)
{
	move_by(a, 1);
}

void act_UP(struct app *a)
{
	a->follow = false;
	move_by(a, -1);
}

void act_PAGE_DOWN(struct app *a)
{
	move_by(a, MAX(1, a->lay.list_h - 1));
}

void act_PAGE_UP(struct app *a)
{
	a->follow = false;
	move_by(a, -MAX(1, a->lay.list_h - 1));
}

void act_HALF_DOWN(struct app *a)
{
	move_by(a, MAX(1, a->lay.list_h / 2));
}

void act_HALF_UP(struct app *a)
{
	a->follow = false;
	move_by(a, -MAX(1, a->lay.list_h / 2));
}

void act_FIRST(struct app *a)
{
	a->follow = false;
	a->sel_row = 0;
	app_select_index(a, 0);
	a->dirty = true;
}

void act_LAST(struct app *a)
{
	a->paused = false;
	a->follow = true;
	size_t vis = app_visible_len(a);
	if (vis)
		app_select_index(a, vis - 1);
	a->dirty = true;
}

void act_PAUSE(struct app *a)
{
	a->paused = !a->paused;
	if (a->paused) {
		a->follow_before_pause = a->follow;
		size_t n = store_shown_len(a->store);
		struct event *last = n ? store_shown_get(a->store, n - 1) : NULL;
		a->pause_at = (struct evkey){ last ? last->time_ns : INT64_MIN,
					      last ? last->seq : 0, true };
		a->follow = false;
		app_message(a, false, "paused: new events are kept (p resumes, G follows)");
	} else {
		a->pause_at.set = false;
		a->follow = a->follow_before_pause;
		app_message(a, false, "resumed");
	}
	a->dirty = true;
}

size_t timeline_new_while_paused(struct app *a)
{
	return store_shown_len(a->store) - app_visible_len(a);
}
