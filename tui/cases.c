/* cases.c — see cases.h. */
#include "tui/cases.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "tui/escalate.h"
#include "tui/escstate.h"
#include "tui/keys.h"
#include "tui/prompt.h"
#include "core/statedb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct casesview {
	struct statedb_case *v;
	int n;
	int sel, top;
	int64_t sel_id;       /* the selection follows its escalation across reloads */
	bool full;            /* Enter: the selected escalation in full */
	char error[240];      /* the list could not be read */
};

static void reload(struct app *a)
{
	struct casesview *c = a->cases;
	statedb_cases_free(c->v, c->n);
	c->v = NULL;
	c->n = 0;
	c->error[0] = '\0';
	struct statedb *db = escstate_db(a);
	if (!db) {
		snprintf(c->error, sizeof c->error, "no state database: escalations are unavailable");
	} else {
		int n = statedb_cases(db, CASES_SHOWN, &c->v);
		if (n < 0)
			snprintf(c->error, sizeof c->error, "cannot read escalations: %s", statedb_error(db));
		else
			c->n = n;
	}
	c->sel = 0;
	for (int i = 0; i < c->n; i++)
		if (c->v[i].id == c->sel_id)
			c->sel = i;
	c->sel_id = c->n ? c->v[c->sel].id : 0;
	a->dirty = true;
}

void cases_changed(struct app *a)
{
	if (a->cases && a->focus == FOCUS_CASES)
		reload(a);
}

void cases_free(struct app *a)
{
	if (!a->cases)
		return;
	statedb_cases_free(a->cases->v, a->cases->n);
	free(a->cases);
	a->cases = NULL;
}

/* ---- drawing -------------------------------------------------------------------- */

static void time_text(int64_t ns, bool with_date, char *out, size_t n)
{
	if (ns <= 0) {
		snprintf(out, n, "-");
		return;
	}
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, n, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
}

static const char *state_word(const struct escinfo *e)
{
	switch (e->state) {
	case ESC_QUEUED: return e->attempts && e->next_ns ? "retry" : "queued";
	case ESC_SENDING: return "sending";
	case ESC_SENT: return "sent";
	case ESC_FAILED: return "failed";
	default: return "cancelled";
	}
}

/* What the last column says: the link once sent, else the error. */
static void last_column(struct app *a, const struct statedb_case *k, const struct escinfo *e,
			char *out, size_t n)
{
	char link[300];
	escstate_link(a, k->container_id, link, sizeof link);
	if (e->state == ESC_SENT || (!e->error[0] && link[0]))
		snprintf(out, n, "%s", link);
	else if (e->error[0])
		snprintf(out, n, "%s", e->error);
	else
		out[0] = '\0';
}

/* Our own text in a column of `w` cells (clipped at the screen edge). */
static void column(struct app *a, int y, int *x, const char *text, int w, attr_t attr)
{
	int room = MIN(w, a->lay.cols - *x);
	if (room > 0)
		*x += draw_label(stdscr, y, *x, text, room, attr, true);
}

static void draw_row(struct app *a, int y, const struct statedb_case *k, bool selected)
{
	struct escinfo e;
	escinfo_from_case(&e, k);
	attr_t sel = selected ? ui_attr(UI_SELECTED) : 0;
	char buf[400];
	int x = 0;
	snprintf(buf, sizeof buf, "%5lld ", (long long)k->id);
	column(a, y, &x, buf, 6, sel);
	snprintf(buf, sizeof buf, "%c %-9s ", escinfo_glyph(&e), state_word(&e));
	column(a, y, &x, buf, 12, sel ? sel : ui_attr(escinfo_elem(&e)));
	if (k->container_id)
		snprintf(buf, sizeof buf, "#%lld", k->container_id);
	else if (k->kind == ESC_EXISTING)
		snprintf(buf, sizeof buf, "->#%lld", k->target_container);
	else
		snprintf(buf, sizeof buf, "-");
	column(a, y, &x, buf, 10, sel);
	char next[16];
	time_text(e.next_ns, false, next, sizeof next);
	snprintf(buf, sizeof buf, "%3d/%-3d %5d  %-8s ", k->items_sent, k->items, k->attempts, next);
	column(a, y, &x, buf, 24, sel);
	const char *name = k->name ? k->name : k->kind == ESC_EXISTING ? "(existing container)" : "";
	int namew = MIN(26, MAX(0, a->lay.cols - x));
	if (namew > 0)
		x += draw_text(stdscr, y, x, name, strlen(name), namew, sel ? sel : ui_attr(UI_RULE), true);
	column(a, y, &x, " ", 1, sel);
	last_column(a, k, &e, buf, sizeof buf);
	if (x < a->lay.cols)
		draw_text(stdscr, y, x, buf, strlen(buf), a->lay.cols - x,
			  sel ? sel : e.error[0] && e.state != ESC_SENT ? ui_attr(UI_ERROR)
									: ui_attr(UI_HOST),
			  true);
}

struct kv {
	struct app *a;
	int y, bottom;
};

static void kv(struct kv *k, const char *key, const char *val, attr_t va)
{
	if (k->y >= k->bottom)
		return;
	int x = draw_label(stdscr, k->y, 0, key, 14, ui_attr(UI_DETAIL_KEY), true);
	draw_text(stdscr, k->y, x, val, strlen(val), k->a->lay.cols - x, va, true);
	k->y++;
}

static void draw_full(struct app *a, const struct statedb_case *c, int y, int bottom)
{
	struct escinfo e;
	escinfo_from_case(&e, c);
	struct kv k = { a, y, bottom };
	char buf[400], t1[40];
	attr_t v = ui_attr(UI_DETAIL_VALUE);
	snprintf(buf, sizeof buf, " escalation #%lld ", (long long)c->id);
	draw_label(stdscr, k.y++, 0, buf, a->lay.cols, ui_attr(UI_DETAIL_TITLE), true);
	escinfo_describe(&e, buf, sizeof buf);
	kv(&k, "state", buf, ui_attr(escinfo_elem(&e)));
	kv(&k, "name", c->name ? c->name : "-", v);
	if (c->kind == ESC_EXISTING)
		snprintf(buf, sizeof buf, "add to existing container #%lld", c->target_container);
	else
		snprintf(buf, sizeof buf, "new container, severity %s", c->severity ? c->severity : "(by priority)");
	kv(&k, "kind", buf, v);
	if (c->container_id) {
		char link[300];
		escstate_link(a, c->container_id, link, sizeof link);
		snprintf(buf, sizeof buf, "#%lld  %s", c->container_id, link);
	} else {
		snprintf(buf, sizeof buf, "not created yet");
	}
	kv(&k, "container", buf, v);
	snprintf(buf, sizeof buf, "%d of %d sent", c->items_sent, c->items);
	kv(&k, "events", buf, v);
	snprintf(buf, sizeof buf, "%d of %d sent", c->notes_sent, c->notes);
	kv(&k, "notes", buf, v);
	snprintf(buf, sizeof buf, "%d", c->attempts);
	kv(&k, "attempts", buf, v);
	time_text(e.next_ns, true, t1, sizeof t1);
	kv(&k, "next retry", t1, v);
	kv(&k, "last error", c->last_error && *c->last_error ? c->last_error : "-",
	   c->last_error && *c->last_error ? ui_attr(UI_ERROR) : v);
	time_text(c->created_ns, true, t1, sizeof t1);
	kv(&k, "created", t1, v);
	time_text(c->updated_ns, true, t1, sizeof t1);
	kv(&k, "updated", t1, v);
	kv(&k, "sdi", c->sdi ? c->sdi : "-", v);
}

void cases_draw(struct app *a)
{
	struct casesview *c = a->cases;
	int top = a->lay.list_y, bottom = a->lay.status_y;
	for (int y = top; y < bottom; y++) {
		move(y, 0);
		clrtoeol();
	}
	if (!c || bottom - top < 2)
		return;
	/* the same widths as draw_row() */
	char title[160];
	snprintf(title, sizeof title, "%5s %-11s %-9s %-7s %5s  %-8s %-26s %s", "ID", "  STATE",
		 "CONTAINER", "EVENTS", "TRIES", "RETRY", "NAME", "LINK / LAST ERROR");
	draw_label(stdscr, top, 0, title, a->lay.cols, ui_attr(UI_DETAIL_TITLE), true);
	int y0 = top + 1;
	if (c->error[0] || !c->n) {
		draw_label(stdscr, y0, 0, c->error[0] ? c->error : "(no escalation yet: e escalates events)",
			   a->lay.cols, c->error[0] ? ui_attr(UI_ERROR) : ui_attr(UI_MESSAGE), false);
		return;
	}
	int full_h = c->full ? MIN(15, (bottom - y0) / 2 + 1) : 0;
	int h = bottom - y0 - full_h;
	if (h < 1)
		h = 1;
	c->sel = MAX(0, MIN(c->sel, c->n - 1));
	if (c->sel < c->top)
		c->top = c->sel;
	if (c->sel >= c->top + h)
		c->top = c->sel - h + 1;
	c->top = MAX(0, MIN(c->top, c->n - 1));
	for (int r = 0; r < h && c->top + r < c->n; r++)
		draw_row(a, y0 + r, &c->v[c->top + r], c->top + r == c->sel);
	if (full_h)
		draw_full(a, &c->v[c->sel], bottom - full_h, bottom);
}

/* ---- actions ---------------------------------------------------------------------- */

void act_CASES(struct app *a)
{
	if (a->focus == FOCUS_CASES) {
		act_CASES_CLOSE(a);
		return;
	}
	if (!a->cases)
		a->cases = xcalloc(1, sizeof *a->cases);
	a->focus = FOCUS_CASES;
	reload(a);
}

void act_CASES_CLOSE(struct app *a)
{
	a->focus = FOCUS_LIST;
	a->dirty = true;
}

static void select_by(struct app *a, int by)
{
	struct casesview *c = a->cases;
	if (!c || !c->n)
		return;
	c->sel = MAX(0, MIN(c->sel + by, c->n - 1));
	c->sel_id = c->v[c->sel].id;
	a->dirty = true;
}

void act_CASES_DOWN(struct app *a)
{
	select_by(a, 1);
}

void act_CASES_UP(struct app *a)
{
	select_by(a, -1);
}

void act_CASES_SHOW(struct app *a)
{
	if (!a->cases)
		return;
	a->cases->full = !a->cases->full;
	a->dirty = true;
}

static const struct statedb_case *selected(struct app *a)
{
	struct casesview *c = a->cases;
	return c && c->n ? &c->v[MAX(0, MIN(c->sel, c->n - 1))] : NULL;
}

void act_CASES_RETRY(struct app *a)
{
	const struct statedb_case *k = selected(a);
	if (!k)
		return;
	int64_t id = k->id;
	char *err = NULL;
	if (escstate_retry(a, id, &err) != 0)
		app_message(a, true, "cannot retry #%lld: %s", (long long)id, err);
	else
		app_message(a, false, "escalation #%lld: retrying now", (long long)id);
	free(err);
	reload(a);
}

static void cancel_yes(struct app *a, int64_t id)
{
	char *err = NULL;
	if (escstate_cancel(a, id, &err) != 0)
		app_message(a, true, "cannot cancel #%lld: %s", (long long)id, err);
	else
		app_message(a, false, "escalation #%lld cancelled", (long long)id);
	free(err);
	if (a->cases)
		reload(a);
}

void act_CASES_CANCEL(struct app *a)
{
	const struct statedb_case *k = selected(a);
	if (!k)
		return;
	if (k->state == ESC_SENT || k->state == ESC_CANCELLED) {
		app_message(a, true, "escalation #%lld is already %s", (long long)k->id,
			    esc_state_name(k->state));
		return;
	}
	char q[160];
	snprintf(q, sizeof q, "Cancel escalation #%lld (%d event%s, not yet sent)? y/n",
		 (long long)k->id, k->items, k->items == 1 ? "" : "s");
	escalate_ask(a, q, cancel_yes, k->id);
}

/* ---- commands ---------------------------------------------------------------------- */

static bool cmd_error(struct prompt_error *e, size_t at, char *msg)
{
	e->msg = msg;
	e->pos = at;
	e->has_pos = true;
	return false;
}

/* "12" or "#12". */
static bool parse_id(const char *args, size_t at, int64_t *id, struct prompt_error *e)
{
	const char *p = args + (*args == '#');
	char *end = NULL;
	long long v = *p >= '0' && *p <= '9' ? strtoll(p, &end, 10) : 0;
	if (v <= 0 || (end && *end))
		return cmd_error(e, at, xstrdup("an escalation id (as in the cases view: c) is needed"));
	*id = v;
	return true;
}

bool cases_cmd_open(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	if (*args)
		return cmd_error(e, at, xstrdup(":cases takes no argument"));
	if (a->focus != FOCUS_CASES)
		act_CASES(a);
	return true;
}

bool cases_cmd_retry(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	int64_t id;
	if (!parse_id(args, at, &id, e))
		return false;
	char *err = NULL;
	if (escstate_retry(a, id, &err) != 0)
		return cmd_error(e, at, err);
	app_message(a, false, "escalation #%lld: retrying now", (long long)id);
	if (a->cases && a->focus == FOCUS_CASES)
		reload(a);
	return true;
}

bool cases_cmd_cancel(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	int64_t id;
	if (!parse_id(args, at, &id, e))
		return false;
	char *err = NULL;
	if (escstate_cancel(a, id, &err) != 0)
		return cmd_error(e, at, err);
	app_message(a, false, "escalation #%lld cancelled", (long long)id);
	if (a->cases && a->focus == FOCUS_CASES)
		reload(a);
	return true;
}

/* Writes the file next to its target, then links it into place: the
 * target appears whole, and an existing file is never replaced. */
bool cases_cmd_export(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	if (!*args)
		return cmd_error(e, at, xstrdup("a file name is needed: :cases-export FILE"));
	char *tmp = xasprintf("%s.XXXXXX", args);
	int fd = mkstemp(tmp); /* mode 0600: events are sensitive */
	if (fd < 0) {
		char *msg = xasprintf("cannot write %s: %s", args, strerror(errno));
		free(tmp);
		return cmd_error(e, at, msg);
	}
	FILE *f = fdopen(fd, "w");
	size_t n = 0;
	char *err = NULL;
	int rc = f ? escstate_export(a, f, &n, &err) : -1;
	if (f && (fflush(f) != 0 || fsync(fileno(f)) != 0) && rc == 0) {
		err = xasprintf("cannot write %s: %s", args, strerror(errno));
		rc = -1;
	}
	if (f)
		fclose(f);
	else
		close(fd);
	if (rc == 0 && link(tmp, args) != 0) {
		err = errno == EEXIST ? xasprintf("%s exists: nothing written", args)
				      : xasprintf("cannot write %s: %s", args, strerror(errno));
		rc = -1;
	}
	unlink(tmp);
	free(tmp);
	if (rc != 0)
		return cmd_error(e, at, err ? err : xstrdup("export failed"));
	app_message(a, false, "%zu escalation%s written to %s", n, n == 1 ? "" : "s", args);
	return true;
}
