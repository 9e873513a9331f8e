/* escalate.c — see escalate.h. */
#include "tui/escalate.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "tui/escstate.h"
#include "tui/keys.h"
#include "tui/marks.h"
#include "tui/prompt.h"
#include "core/config.h"
#include "core/event.h"
#include "core/phantomcfg.h"
#include "core/sanitize.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 200
#define MAX_SEVERITIES 12

enum field { F_TARGET, F_CID, F_NAME, F_SEVERITY, F_TYPE, F_COUNT };

struct escdialog {
	struct escbatch b;
	bool existing;
	char cid[20];
	char name[NAME_MAX_BYTES + 1];
	const char *sevs[MAX_SEVERITIES];
	size_t nsev, sev;
	bool as_case;
	enum field focus;
	char error[200];
	size_t already;        /* events some earlier escalation holds */
	struct escinfo prior;  /* the newest of those */
};

void escalate_close(struct app *a)
{
	if (!a->dialog)
		return;
	escbatch_free(&a->dialog->b);
	free(a->dialog);
	a->dialog = NULL;
	a->dirty = true;
}

/* ---- questions ------------------------------------------------------------------ */

struct question {
	void (*yes)(struct app *a, int64_t id);
	int64_t id;
};

static void question_yes(struct app *a, void *ctx)
{
	struct question *q = ctx;
	q->yes(a, q->id);
}

void escalate_ask(struct app *a, const char *question, void (*yes)(struct app *a, int64_t id),
		  int64_t id)
{
	struct question *q = xcalloc(1, sizeof *q);
	q->yes = yes;
	q->id = id;
	prompt_ask(a, question, question_yes, free, q);
}

static void quit_yes(struct app *a, int64_t id)
{
	(void)id;
	a->quit = true;
}

void escalate_quit(struct app *a)
{
	int n = escstate_unsent(a);
	if (n <= 0) {
		a->quit = true;
		return;
	}
	char q[160];
	snprintf(q, sizeof q, "%d escalation%s not yet sent: %s at next start. Quit? y/n", n,
		 n == 1 ? "" : "s", n == 1 ? "it will resume" : "they will resume");
	escalate_ask(a, q, quit_yes, 0);
}

/* ---- opening -------------------------------------------------------------------- */

static void add_severity(struct escdialog *d, const char *s)
{
	if (!s || !*s || d->nsev >= MAX_SEVERITIES)
		return;
	for (size_t i = 0; i < d->nsev; i++)
		if (strcmp(d->sevs[i], s) == 0)
			return;
	d->sevs[d->nsev++] = s;
}

/* Drops a UTF-8 sequence cut short at the end of s (after truncation). */
static void trim_partial_utf8(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (n - (i - 1) < want)
		s[i - 1] = '\0';
}

static void setup_choices(struct escdialog *d, const struct phantomcfg *p)
{
	const char *def = phantomcfg_severity(p, d->b.prios, d->b.n);
	add_severity(d, "high");
	add_severity(d, "medium");
	add_severity(d, "low");
	for (int i = 0; i < PRIO_COUNT; i++)
		add_severity(d, p->sev_map[i]);
	add_severity(d, def);
	for (size_t i = 0; i < d->nsev; i++)
		if (strcmp(d->sevs[i], def) == 0)
			d->sev = i;
	d->as_case = p->as_case;
	snprintf(d->name, sizeof d->name, "%s", d->b.first_rule);
	trim_partial_utf8(d->name);
}

/* Sending the same events again is allowed (a second case, say), but the
 * analyst should know: the dialog says which escalation already holds them. */
static void note_prior(struct app *a, struct escdialog *d, const struct targets *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct escinfo *e = escstate_of_event(a, t->ev[i]);
		if (!e || e->state == ESC_CANCELLED)
			continue;
		if (!d->already || e->id > d->prior.id)
			d->prior = *e;
		d->already++;
	}
}

void act_ESCALATE(struct app *a)
{
	if (a->focus == FOCUS_HELP || a->focus == FOCUS_CASES)
		return;
	if (!escstate_db(a)) {
		app_message(a, true, "escalation is unavailable: the state directory cannot be used");
		return;
	}
	struct targets t;
	marks_targets(a, TARGET_MARKED_OR_CURRENT, &t);
	if (!t.n) {
		marks_targets_free(&t);
		app_message(a, true, "no event to escalate");
		return;
	}
	struct escdialog *d = xcalloc(1, sizeof *d);
	char *err = NULL;
	int rc = escbatch_init(&d->b, t.ev, t.n, &err);
	if (rc != 0) {
		marks_targets_free(&t);
		app_message(a, true, "%s", err);
		free(err);
		free(d);
		return;
	}
	setup_choices(d, escstate_cfg(a));
	note_prior(a, d, &t);
	marks_targets_free(&t);
	d->focus = F_NAME;
	escalate_close(a);
	a->dialog = d;
	a->dirty = true;
}

/* ---- the form ------------------------------------------------------------------- */

static bool field_used(const struct escdialog *d, enum field f)
{
	switch (f) {
	case F_CID: return d->existing;
	case F_NAME:
	case F_SEVERITY:
	case F_TYPE: return !d->existing;
	default: return true;
	}
}

static void move_focus(struct escdialog *d, int by)
{
	int f = (int)d->focus;
	do
		f = (f + by + F_COUNT) % F_COUNT;
	while (!field_used(d, (enum field)f));
	d->focus = (enum field)f;
}

static void change_choice(struct escdialog *d, int by)
{
	switch (d->focus) {
	case F_TARGET:
		d->existing = !d->existing;
		break;
	case F_SEVERITY:
		d->sev = (d->sev + d->nsev + (size_t)(by < 0 ? -1 : 1)) % d->nsev;
		break;
	case F_TYPE:
		d->as_case = !d->as_case;
		break;
	default:
		break;
	}
}

static char *text_of(struct escdialog *d, size_t *cap)
{
	if (d->focus == F_NAME) {
		*cap = sizeof d->name;
		return d->name;
	}
	if (d->focus == F_CID) {
		*cap = sizeof d->cid;
		return d->cid;
	}
	return NULL;
}

/* Typing into the focused text field. False if ch is not an edit. */
static bool edit(struct escdialog *d, int ch)
{
	size_t cap;
	char *t = text_of(d, &cap);
	if (!t)
		return false;
	size_t len = strlen(t);
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		/* a whole UTF-8 character */
		while (len > 0 && ((unsigned char)t[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		t[len] = '\0';
		return true;
	}
	if (ch == 21) { /* ^U */
		t[0] = '\0';
		return true;
	}
	if (ch < 0x20 || ch == 127 || ch > 0xff)
		return false;
	if (d->focus == F_CID && (ch < '0' || ch > '9'))
		return true; /* swallowed: ids are digits */
	if (len + 1 < cap) {
		t[len] = (char)ch;
		t[len + 1] = '\0';
	}
	return true;
}

static long long parse_cid(const char *s)
{
	if (!*s || strlen(s) > 15)
		return 0;
	return strtoll(s, NULL, 10);
}

static void confirm(struct app *a)
{
	struct escdialog *d = a->dialog;
	const struct phantomcfg *p = escstate_cfg(a);
	long long cid = parse_cid(d->cid);
	if (d->existing && cid <= 0) {
		snprintf(d->error, sizeof d->error, "type the id of the Phantom container to add to");
		d->focus = F_CID;
		return;
	}
	if (!d->existing && !d->name[0]) {
		snprintf(d->error, sizeof d->error, "the new container needs a name");
		d->focus = F_NAME;
		return;
	}
	json_t *valid = d->existing ? NULL : json_string(d->name);
	if (!d->existing && !valid) {
		snprintf(d->error, sizeof d->error, "the name is not valid UTF-8");
		d->focus = F_NAME;
		return;
	}
	json_decref(valid);
	struct statedb_esc e = {
		.kind = d->existing ? ESC_EXISTING : ESC_NEW,
		.target_container = d->existing ? cid : 0,
		.name = d->existing ? NULL : d->name,
		.severity = d->existing ? NULL : d->sevs[d->sev],
		.label = p->defaults.label,
		.sensitivity = p->defaults.sensitivity,
		.container_type = !d->existing && d->as_case ? "case" : NULL,
	};
	char *err = NULL;
	int64_t id = escstate_queue(a, &e, &d->b, &err);
	if (id < 0) {
		snprintf(d->error, sizeof d->error, "%s", err);
		free(err);
		return;
	}
	size_t n = d->b.n;
	bool local = !p->configured;
	if (d->existing)
		app_message(a, false, "escalation #%lld queued: %zu event%s -> container #%lld%s",
			    (long long)id, n, n == 1 ? "" : "s", cid,
			    local ? " (kept locally: no Phantom configured)" : "");
	else
		app_message(a, false, "escalation #%lld queued: %zu event%s -> new %s \"%s\"%s",
			    (long long)id, n, n == 1 ? "" : "s", d->as_case ? "case" : "event", d->name,
			    local ? " (kept locally: no Phantom configured)" : "");
	escalate_close(a);
}

bool escalate_key(struct app *a, int ch)
{
	struct escdialog *d = a->dialog;
	if (!d)
		return false;
	a->dirty = true;
	d->error[0] = '\0';
	switch (ch) {
	case 27:  /* Esc */
	case 7:   /* ^G */
	case 3:   /* ^C */
		escalate_close(a);
		app_message(a, false, "escalation cancelled: nothing queued");
		return true;
	case '\n':
	case '\r':
	case KEY_ENTER:
		confirm(a);
		return true;
	case '\t':
	case KEY_DOWN:
		move_focus(d, 1);
		return true;
	case KEY_BTAB:
	case KEY_UP:
		move_focus(d, -1);
		return true;
	case KEY_LEFT:
	case KEY_RIGHT:
		change_choice(d, ch == KEY_LEFT ? -1 : 1);
		return true;
	case ' ':
		if (d->focus != F_NAME) {
			change_choice(d, 1);
			return true;
		}
		break;
	case 12: /* ^L */
		clearok(curscr, TRUE);
		return true;
	}
	if (d->focus == F_TARGET && d->existing && ch >= '0' && ch <= '9')
		d->focus = F_CID; /* typing the id right after choosing "existing" */
	edit(d, ch);
	return true;
}

/* ---- drawing -------------------------------------------------------------------- */

struct box {
	int y, x, h, w;
	attr_t bg;
};

/* Box lines as text: ACS line drawing is not understood everywhere
 * (terminal multiplexers in UTF-8 mode show "lqqk"). */
static void box_frame(const struct box *b, const char *title)
{
	bool u = draw_utf8();
	const char *h = u ? "\u2500" : "-", *v = u ? "\u2502" : "|";
	const char *corner[4] = { u ? "\u250c" : "+", u ? "\u2510" : "+", u ? "\u2514" : "+",
				  u ? "\u2518" : "+" };
	for (int r = 0; r < b->h; r++) {
		bool top = r == 0, bot = r == b->h - 1;
		move(b->y + r, b->x);
		attrset(b->bg);
		for (int c = 0; c < b->w; c++) {
			bool left = c == 0, right = c == b->w - 1;
			if ((top || bot) && (left || right))
				addstr(corner[(bot ? 2 : 0) + (right ? 1 : 0)]);
			else if (top || bot)
				addstr(h);
			else if (left || right)
				addstr(v);
			else
				addch(' ');
		}
		attrset(A_NORMAL);
	}
	draw_label(stdscr, b->y, b->x + 2, title, b->w - 4, ui_attr(UI_DIALOG) | A_BOLD, false);
}

/* One "label  value" row; returns the column after the label. */
static int row_label(const struct box *b, int r, const char *label)
{
	draw_label(stdscr, b->y + r, b->x + 2, label, 12, b->bg, true);
	return b->x + 14;
}

static void draw_choice(const struct box *b, int r, int x, const char *text, bool focus)
{
	char buf[80];
	snprintf(buf, sizeof buf, "< %s >", text);
	int room = b->x + b->w - 2 - x;
	draw_label(stdscr, b->y + r, x, buf, room, focus ? b->bg ^ A_REVERSE : b->bg, false);
}

/* A text field: the end of the text when it does not fit, a caret when focused. */
static int draw_field(const struct box *b, int r, int x, int w, const char *text, bool focus)
{
	int room = MIN(w, b->x + b->w - 2 - x);
	if (room < 3)
		return 0;
	attr_t at = focus ? b->bg ^ A_REVERSE : b->bg | A_UNDERLINE;
	size_t len = strlen(text);
	int inner = room - (focus ? 1 : 0);
	size_t start = 0;
	int used = 0;
	while (text_fit(text + start, len - start, inner, &used) < len - start) {
		start++;
		while (start < len && ((unsigned char)text[start] & 0xc0) == 0x80)
			start++;
	}
	int n = draw_text(stdscr, b->y + r, x, text + start, len - start, inner, at, false);
	if (focus)
		n += draw_label(stdscr, b->y + r, x + n, " ", 1, at ^ A_REVERSE, false);
	for (; n < room; n++)
		mvaddch(b->y + r, x + n, ' ' | at);
	return room;
}

static void summary(const struct escdialog *d, struct sbuf *s)
{
	size_t n = d->b.n;
	sbuf_printf(s, "%zu event%s -> ", n, n == 1 ? "" : "s");
	if (d->existing) {
		sbuf_printf(s, "add to Phantom container #%s", d->cid[0] ? d->cid : "?");
		return;
	}
	sbuf_printf(s, "new %s \"%s\"", d->as_case ? "case" : "event", d->name);
}

static void details(struct app *a, const struct escdialog *d, char *out, size_t n)
{
	const struct phantomcfg *p = escstate_cfg(a);
	const char *label = p->defaults.label ? p->defaults.label : "events";
	if (d->existing)
		snprintf(out, n, "artifacts: label event, severity from each event's priority");
	else
		snprintf(out, n, "severity %s, label %s, sensitivity %s, container type %s",
			 d->sevs[d->sev], label, p->defaults.sensitivity, d->as_case ? "case" : "default");
}

static void phantom_line(struct app *a, char *out, size_t n)
{
	const struct phantomcfg *p = escstate_cfg(a);
	if (!p->configured) {
		snprintf(out, n, "not configured: kept locally, sent once a Phantom is configured");
		return;
	}
	char *url = config_redact_url(p->pc.base_url);
	snprintf(out, n, "%s%s", url, p->pc.insecure ? "  (TLS verification OFF)" : "");
	free(url);
}

static void draw_form(struct app *a, const struct escdialog *d)
{
	int w = MIN(a->lay.cols, 84), h = MIN(a->lay.rows, 15);
	struct box b = { MAX(0, (a->lay.rows - h) / 2), MAX(0, (a->lay.cols - w) / 2), h, w,
			 ui_attr(UI_DIALOG) };
	box_frame(&b, " Escalate to Phantom ");
	int inner = w - 4;
	char buf[400];
	struct sbuf s = SBUF_INIT;
	summary(d, &s);
	if (h > 2)
		draw_text(stdscr, b.y + 1, b.x + 2, s.s, s.len, inner, b.bg | A_BOLD, false);
	sbuf_free(&s);
	details(a, d, buf, sizeof buf);
	if (h > 3)
		draw_label(stdscr, b.y + 2, b.x + 2, buf, inner, b.bg, false);
	int field_w = inner - 12;
	if (h > 5) {
		int x = row_label(&b, 4, "Container");
		draw_choice(&b, 4, x, d->existing ? "existing" : "new", d->focus == F_TARGET);
		if (d->existing) {
			x += 15;
			draw_label(stdscr, b.y + 4, x, "id #", 4, b.bg, false);
			draw_field(&b, 4, x + 4, 12, d->cid, d->focus == F_CID);
		}
	}
	const char *unused = "(not used: the container exists)";
	if (h > 6) {
		int x = row_label(&b, 5, "Name");
		if (d->existing)
			draw_label(stdscr, b.y + 5, x, unused, field_w, b.bg | A_DIM, false);
		else
			draw_field(&b, 5, x, field_w, d->name, d->focus == F_NAME);
	}
	if (h > 7) {
		int x = row_label(&b, 6, "Severity");
		if (d->existing)
			draw_label(stdscr, b.y + 6, x, unused, field_w, b.bg | A_DIM, false);
		else
			draw_choice(&b, 6, x, d->sevs[d->sev], d->focus == F_SEVERITY);
	}
	if (h > 8) {
		int x = row_label(&b, 7, "Type");
		if (d->existing)
			draw_label(stdscr, b.y + 7, x, unused, field_w, b.bg | A_DIM, false);
		else
			draw_choice(&b, 7, x, d->as_case ? "case" : "event (default)", d->focus == F_TYPE);
	}
	if (h > 9 && d->already) {
		int x = row_label(&b, 8, "Already");
		char st[160];
		escinfo_describe(&d->prior, st, sizeof st);
		snprintf(buf, sizeof buf, "%zu of %zu already in escalation #%lld: %s", d->already,
			 d->b.n, (long long)d->prior.id, st);
		draw_text(stdscr, b.y + 8, x, buf, strlen(buf), field_w, ui_attr(UI_ESC_QUEUED), false);
	}
	if (h > 10) {
		int x = row_label(&b, 9, "Notes");
		if (d->b.annotated == 1)
			snprintf(buf, sizeof buf, "1 annotated event: its annotation goes as a note");
		else if (d->b.annotated)
			snprintf(buf, sizeof buf, "%zu annotated events: their annotations go as notes",
				 d->b.annotated);
		else
			snprintf(buf, sizeof buf, "none");
		draw_label(stdscr, b.y + 9, x, buf, field_w, b.bg, false);
	}
	if (h > 11) {
		int x = row_label(&b, 10, "Phantom");
		phantom_line(a, buf, sizeof buf);
		draw_text(stdscr, b.y + 10, x, buf, strlen(buf), field_w, b.bg, false);
	}
	if (h > 12 && d->error[0])
		draw_label(stdscr, b.y + 11, b.x + 2, d->error, inner, ui_attr(UI_ESC_FAILED), false);
	if (h > 13)
		draw_label(stdscr, b.y + h - 2, b.x + 2,
			   "Enter queue  Esc cancel  Tab/Up/Down field  Left/Right/Space change",
			   inner, b.bg | A_DIM, false);
}

void escalate_draw(struct app *a)
{
	if (a->dialog)
		draw_form(a, a->dialog);
}
