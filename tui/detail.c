/* detail.c — the detail pane of the selected event: every top-level key,
 * output_fields as a table (multi-line values shown in full: an attacker
 * controls that newline), tags, and a raw JSON view. Content is rebuilt only
 * when the event, the width or the mode changes. */
#include "tui/detail.h"
#include "tui/app.h"
#include "tui/keys.h"
#include "tui/colors.h"
#include "tui/annotate.h"
#include "tui/draw.h"
#include "tui/escstate.h"
#include "tui/search.h"
#include "core/event.h"
#include "core/jsonfmt.h"
#include "core/parse.h"
#include "core/sanitize.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct drow {
	char *key;      /* sanitised, or NULL on continuation rows */
	char *val;      /* sanitised, fits the value column */
	enum ui_elem kelem, velem;
	bool full;      /* wrapped to the whole width: no key column */
};

static struct {
	struct drow *rows;
	size_t n, cap;
	uint64_t seq;
	int width;
	bool raw;
	unsigned gen;
	bool valid;
	int keyw;
} cache;

static unsigned generation;

void detail_invalidate(void)
{
	generation++;
}

static void clear_rows(void)
{
	for (size_t i = 0; i < cache.n; i++) {
		free(cache.rows[i].key);
		free(cache.rows[i].val);
	}
	cache.n = 0;
}

static void push_row(char *key, char *val, enum ui_elem ke, enum ui_elem ve, bool full)
{
	cache.rows = xgrow(cache.rows, &cache.cap, cache.n + 1, sizeof(*cache.rows));
	cache.rows[cache.n++] = (struct drow){ key, val, ke, ve, full };
}

struct wrapctx {
	const char *key;
	enum ui_elem ve;
	bool first;
	bool full; /* rows wrapped to cache.width, drawn from column 0 */
};

static void wrap_row(const char *row, size_t len, bool continued, void *arg)
{
	struct wrapctx *w = arg;
	(void)continued;
	char *key = w->first && w->key ? xstrdup(w->key) : NULL;
	push_row(key, xstrndup(row, len), UI_DETAIL_KEY, w->ve, w->full);
	w->first = false;
}

/* Adds "key  value" rows, the value wrapped (and split on its newlines). */
static void add_kv(const char *key, size_t klen, const char *val, size_t vlen, enum ui_elem ve)
{
	struct sbuf k = SBUF_INIT;
	sanitize(key, klen, SAN_ONELINE | (draw_utf8() ? 0 : SAN_ASCII), &k);
	const char *ks = sbuf_str(&k);
	size_t fit = text_fit(ks, k.len, cache.keyw, NULL);
	char *kc = NULL;
	if (fit < k.len) {
		/* A long name (container.image.repository) gets a row of its own
		 * rather than losing its end; the value goes under it. */
		struct wrapctx kw = { NULL, UI_DETAIL_KEY, true, true };
		draw_wrap(ks, k.len, cache.width, wrap_row, &kw);
	} else {
		kc = xstrndup(ks, fit);
	}
	struct wrapctx w = { kc, ve, kc != NULL, false };
	draw_wrap(val, vlen, MAX(8, cache.width - cache.keyw - 2), wrap_row, &w);
	free(kc);
	sbuf_free(&k);
}

static void add_kvs(const char *key, const char *val, enum ui_elem ve)
{
	add_kv(key, strlen(key), val, strlen(val), ve);
}

static void add_title(const char *title)
{
	struct wrapctx w = { NULL, UI_DETAIL_TITLE, true, true };
	draw_wrap(title, strlen(title), cache.width, wrap_row, &w);
}

static void format_full_time(int64_t ns, char *out, size_t n)
{
	time_t secs = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	struct tm tm, ltm;
	gmtime_r(&secs, &tm);
	localtime_r(&secs, &ltm);
	char zone[8];
	strftime(zone, sizeof(zone), "%Z", &ltm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ  (%02d:%02d:%02d %s)",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 frac, ltm.tm_hour, ltm.tm_min, ltm.tm_sec, zone);
}

/* Values of output_fields: the form that arrived stays visible
 * (null, "" and the literal <NA> differ); objects are pretty-printed. */
static void add_field(const struct event *ev, size_t i)
{
	struct fval v;
	event_field(ev, i, &v);
	size_t kl;
	const char *k = intern_str(event_field_key(ev, i), &kl);
	struct sbuf b = SBUF_INIT;
	enum ui_elem ve = UI_DETAIL_VALUE;
	if (v.type == FV_NULL) {
		sbuf_adds(&b, "null");
		ve = UI_PRIO_DEBUG;
	} else if (v.type == FV_STRING) {
		size_t sl;
		intern_str(v.str, &sl);
		if (sl)
			fval_format(&v, &b);
		else
			sbuf_adds(&b, "\"\""); /* empty, shown as such */
	} else if (v.type == FV_JSON) {
		json_t *j = json_loads(intern_str(v.str, NULL), JSON_DECODE_ANY, NULL);
		if (j)
			jsonfmt_pretty(j, &b); /* deep levels on one line: bounded size */
		else
			sbuf_adds(&b, intern_str(v.str, NULL));
		json_decref(j);
	} else {
		fval_format(&v, &b);
	}
	add_kv(k, kl, b.s ? b.s : "", b.len, ve);
	sbuf_free(&b);
}

/* Top-level keys socterm does not show elsewhere (message, uuid, custom). */
static void add_other_keys(json_t *root)
{
	static const char *const known[] = { "time", "priority", "rule", "hostname", "source",
					     "tags", "output", "output_fields", NULL };
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		bool skip = false;
		for (size_t i = 0; known[i]; i++)
			skip |= strcmp(key, known[i]) == 0;
		if (skip)
			continue;
		if (json_is_string(v)) {
			add_kv(key, strlen(key), json_string_value(v), json_string_length(v),
			       UI_DETAIL_VALUE);
			continue;
		}
		struct sbuf s = SBUF_INIT;
		jsonfmt_pretty(v, &s);
		add_kv(key, strlen(key), sbuf_str(&s), s.len, UI_DETAIL_VALUE);
		sbuf_free(&s);
	}
}

static void build_fields(struct app *a, const struct event *ev)
{
	struct sbuf b = SBUF_INIT;
	char tbuf[96];
	size_t n;
	add_title(intern_str(ev->rule, NULL)[0] ? intern_str(ev->rule, NULL) : "(no rule)");
	format_full_time(ev->time_ns, tbuf, sizeof(tbuf));
	add_kvs("time", tbuf, UI_DETAIL_VALUE);
	if (ev->flags & EV_TIME_GUESS)
		add_kvs("", "(no usable time in the event: arrival time shown)", UI_ERROR);
	const char *pt = intern_str(ev->prio_text, &n);
	add_kv("priority", 8, n ? pt : prio_name(ev->prio), n ? n : strlen(prio_name(ev->prio)),
	       UI_PRIO_EMERGENCY + (ev->prio <= PRIO_UNKNOWN ? ev->prio : PRIO_UNKNOWN));
	const char *r = intern_str(ev->rule, &n);
	add_kv("rule", 4, r, n, UI_DETAIL_VALUE);
	const char *h = intern_str(ev->hostname, &n);
	if (ev->hostname)
		add_kv("hostname", 8, h, n, UI_DETAIL_VALUE);
	const char *src = intern_str(ev->source, &n);
	if (ev->source)
		add_kv("source", 6, src, n, UI_DETAIL_VALUE);
	struct sbuf tags = SBUF_INIT;
	const char *t = NULL;
	while ((t = event_tag_next(ev, t, &n))) {
		if (tags.len)
			sbuf_adds(&tags, ", ");
		sbuf_add(&tags, t, n);
	}
	if (tags.len)
		add_kv("tags", 4, tags.s, tags.len, UI_DETAIL_VALUE);
	sbuf_free(&tags);
	if (ev->subject) {
		const char *s = intern_str(ev->subject, &n);
		add_kv("subject", 7, s, n, UI_DETAIL_VALUE);
	}
	char id[40];
	event_id_text(ev, id);
	add_kvs("id", id, UI_DETAIL_VALUE);
	escstate_detail(a, ev, add_kvs);
	annotate_detail(a, ev, add_kvs);
	sbuf_reset(&b);
	event_output(ev, &b);
	add_kv(ev->flags & EV_NO_OUTPUT ? "summary" : "output", ev->flags & EV_NO_OUTPUT ? 7 : 6,
	       b.s ? b.s : "", b.len, UI_DETAIL_VALUE);
	if (ev->flags & EV_REPAIRED)
		add_kvs("", "(invalid UTF-8 in the event was replaced for display)", UI_ERROR);
	sbuf_reset(&b);
	if (event_raw(ev, &b) == 0) {
		json_t *root = falco_json_load(b.s ? b.s : "", b.len, NULL, NULL);
		if (json_is_object(root))
			add_other_keys(root);
		json_decref(root);
	}
	char title[64];
	snprintf(title, sizeof(title), "output_fields (%zu)", event_nfields(ev));
	add_title(title);
	for (size_t i = 0; i < event_nfields(ev); i++)
		add_field(ev, i);
	sbuf_free(&b);
}

static void build_unparsed(struct app *a, const struct event *ev)
{
	struct sbuf b = SBUF_INIT;
	add_title("unparsed record (kept as received)");
	add_kvs("error", intern_str(ev->error, NULL), UI_ERROR);
	char tbuf[96];
	format_full_time(ev->time_ns, tbuf, sizeof(tbuf));
	add_kvs("arrived", tbuf, UI_DETAIL_VALUE);
	if (ev->subject)
		add_kvs("subject", intern_str(ev->subject, NULL), UI_DETAIL_VALUE);
	escstate_detail(a, ev, add_kvs);
	annotate_detail(a, ev, add_kvs);
	event_raw(ev, &b);
	char title[64];
	snprintf(title, sizeof(title), "raw bytes (%zu)", b.len);
	add_title(title);
	struct wrapctx w = { NULL, UI_DETAIL_VALUE, true, true };
	draw_wrap(b.s ? b.s : "", b.len, cache.width, wrap_row, &w);
	sbuf_free(&b);
}

static void build_raw(const struct event *ev)
{
	struct sbuf b = SBUF_INIT;
	event_raw(ev, &b);
	add_title("raw JSON (o: fields)");
	json_t *root = falco_json_load(b.s ? b.s : "", b.len, NULL, NULL);
	struct sbuf pretty = SBUF_INIT;
	if (root)
		jsonfmt_pretty(root, &pretty);
	const struct sbuf *text = root ? &pretty : &b;
	struct wrapctx w = { NULL, UI_DETAIL_VALUE, true, true };
	draw_wrap(sbuf_str(text), text->len, cache.width, wrap_row, &w);
	sbuf_free(&pretty);
	json_decref(root);
	sbuf_free(&b);
}

static void rebuild(struct app *a, const struct event *ev)
{
	clear_rows();
	cache.seq = ev->seq;
	cache.width = a->lay.cols;
	cache.raw = a->detail_raw;
	cache.gen = generation;
	cache.valid = true;
	cache.keyw = MIN(24, MAX(10, cache.width / 4));
	if (a->detail_raw)
		build_raw(ev);
	else if (ev->flags & EV_UNPARSED)
		build_unparsed(a, ev);
	else
		build_fields(a, ev);
}

size_t detail_rows(void)
{
	return cache.n;
}

void detail_draw(struct app *a)
{
	int h = a->lay.detail_h, y0 = a->lay.detail_y;
	if (h <= 0)
		return;
	struct event *ev = app_selected(a, NULL);
	for (int r = 0; r < h; r++) {
		move(y0 + r, 0);
		clrtoeol();
	}
	if (!ev) {
		cache.valid = false;
		draw_label(stdscr, y0, 0, "(no event selected)", a->lay.cols, ui_attr(UI_MESSAGE), false);
		return;
	}
	if (!cache.valid || cache.seq != ev->seq || cache.width != a->lay.cols ||
	    cache.raw != a->detail_raw || cache.gen != generation) {
		if (!cache.valid || cache.seq != ev->seq)
			a->detail_scroll = 0;
		rebuild(a, ev);
	}
	int maxscroll = (int)cache.n > h ? (int)cache.n - h : 0;
	a->detail_scroll = MAX(0, MIN(a->detail_scroll, maxscroll));
	bool focused = a->focus == FOCUS_DETAIL;
	bool hit = search_hit(a, ev);
	for (int r = 0; r < h && (size_t)(a->detail_scroll + r) < cache.n; r++) {
		const struct drow *d = &cache.rows[a->detail_scroll + r];
		int y = y0 + r, x = 0;
		if (d->velem == UI_DETAIL_TITLE) {
			attr_t t = ui_attr(UI_DETAIL_TITLE) | (focused ? A_BOLD : 0);
			draw_label(stdscr, y, 0, d->val, a->lay.cols, t, true);
			continue;
		}
		if (!d->full && (d->key || cache.keyw)) {
			x += draw_label(stdscr, y, 0, d->key ? d->key : "", cache.keyw,
					ui_attr(d->kelem), true);
			x += draw_label(stdscr, y, x, "  ", 2, 0, true);
		}
		draw_label(stdscr, y, x, d->val, a->lay.cols - x, ui_attr(d->velem), false);
		if (hit)
			search_overlay(a, stdscr, y, x, d->val, strlen(d->val), a->lay.cols - x);
	}
}

void act_DETAIL(struct app *a)
{
	a->detail_open = !a->detail_open;
	a->focus = FOCUS_LIST;
	a->detail_scroll = 0;
	a->dirty = true;
}

void act_DETAIL_CLOSE(struct app *a)
{
	a->detail_open = false;
	a->focus = FOCUS_LIST;
	a->dirty = true;
}

void act_FOCUS(struct app *a)
{
	if (a->focus == FOCUS_HELP)
		return;
	if (!a->detail_open) {
		a->detail_open = true;
		a->focus = FOCUS_DETAIL;
	} else {
		a->focus = a->focus == FOCUS_DETAIL ? FOCUS_LIST : FOCUS_DETAIL;
	}
	a->dirty = true;
}

void act_RAW(struct app *a)
{
	a->detail_raw = !a->detail_raw;
	a->detail_open = true;
	a->detail_scroll = 0;
	a->dirty = true;
}

static void scroll_detail(struct app *a, int by)
{
	a->detail_scroll = MAX(0, a->detail_scroll + by);
	a->dirty = true;
}

void act_DETAIL_DOWN(struct app *a)
{
	scroll_detail(a, 1);
}

void act_DETAIL_UP(struct app *a)
{
	scroll_detail(a, -1);
}

void act_DETAIL_PAGE_DOWN(struct app *a)
{
	scroll_detail(a, MAX(1, a->lay.detail_h - 1));
}

void act_DETAIL_PAGE_UP(struct app *a)
{
	scroll_detail(a, -MAX(1, a->lay.detail_h - 1));
}
