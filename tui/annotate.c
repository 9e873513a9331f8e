/* annotate.c — see annotate.h. */
#include "tui/annotate.h"
#include "tui/detail.h"
#include "tui/filterui.h"
#include "tui/keys.h"
#include "tui/marks.h"
#include "tui/prompt.h"
#include "core/event.h"
#include "core/store.h"
#include "core/idmap.h"
#include "core/statedb.h"

#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct note {
	char *text;      /* NULL: slot free */
	char *author;
};

struct pending;

struct annotations {
	struct idmap *byevent;   /* event id -> index into v */
	struct pending *pending; /* the annotation being typed */
	struct note *v;
	size_t n, cap;
	char *author;            /* this analyst */
};

static void pending_free(struct annotations *s);

static char *local_user(void)
{
	const char *u = getenv("USER");
	if (u && *u)
		return xstrdup(u);
	struct passwd *pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_name ? pw->pw_name : "analyst");
}

static void put(struct annotations *s, const uint8_t id[16], const char *text, const char *author)
{
	int64_t i;
	if (!idmap_get(s->byevent, id, &i)) {
		s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
		i = (int64_t)s->n++;
		s->v[i] = (struct note){ NULL, NULL };
		idmap_put(s->byevent, id, i);
	}
	struct note *nt = &s->v[i];
	free(nt->text);
	free(nt->author);
	nt->text = xstrdup(text);
	nt->author = author ? xstrdup(author) : NULL;
}

static void drop(struct annotations *s, const uint8_t id[16])
{
	int64_t i;
	if (!idmap_get(s->byevent, id, &i))
		return;
	free(s->v[i].text);
	free(s->v[i].author);
	s->v[i] = (struct note){ NULL, NULL };
	idmap_del(s->byevent, id);
}

static void on_loaded(void *ctx, const char *event_id, const char *text, const char *author,
		      int64_t updated_ns)
{
	(void)updated_ns;
	uint8_t id[16];
	if (event_id && text && *text && event_id_parse(event_id, id) == 0)
		put(ctx, id, text, author);
}

void annotate_start(struct app *a)
{
	struct annotations *s = xcalloc(1, sizeof *s);
	a->notes = s;
	s->byevent = idmap_new();
	s->author = local_user();
	struct statedb *db = escstate_db(a);
	if (db && statedb_annotations_load(db, on_loaded, s) != 0)
		app_message(a, true, "annotations could not be read: %s", statedb_error(db));
}

void annotate_stop(struct app *a)
{
	struct annotations *s = a->notes;
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].text);
		free(s->v[i].author);
	}
	free(s->v);
	idmap_free(s->byevent);
	pending_free(s);
	free(s->author);
	free(s);
	a->notes = NULL;
}

void annotate_arrived(struct app *a, struct event *ev)
{
	struct annotations *s = a->notes;
	int64_t i;
	if (s && idmap_len(s->byevent) && idmap_get(s->byevent, ev->id, &i))
		ev->state |= ES_ANNOTATED;
}

static const struct note *note_of(struct app *a, const struct event *ev)
{
	struct annotations *s = a->notes;
	int64_t i;
	if (!s || !(ev->state & ES_ANNOTATED) || !idmap_get(s->byevent, ev->id, &i))
		return NULL;
	return &s->v[i];
}

const char *annotate_text(struct app *a, const struct event *ev)
{
	const struct note *nt = note_of(a, ev);
	return nt ? nt->text : NULL;
}

const char *annotate_note(void *arg, const struct event *ev)
{
	return annotate_text(arg, ev);
}

struct filter_ctx annotate_filter_ctx(struct app *a, int64_t now_ns)
{
	return (struct filter_ctx){ .now_ns = now_ns, .note = annotate_note, .note_arg = a };
}

/* An event to annotate, by id: it may leave memory while the analyst types. */
struct target {
	char id[40];
	uint8_t key[16];
};

static int apply(struct app *a, const struct target *t, size_t n, const char *text, char **err)
{
	struct annotations *s = a->notes;
	struct statedb *db = escstate_db(a);
	*err = NULL;
	if (!s || !db) {
		*err = xstrdup("no state database: annotations cannot be kept");
		return -1;
	}
	json_t *valid = json_string(text); /* it becomes a Phantom note */
	if (!valid) {
		*err = xstrdup("the annotation is not valid UTF-8: nothing saved");
		return -1;
	}
	json_decref(valid);
	size_t done = 0;
	for (; done < n; done++) {
		int k = statedb_annotate(db, t[done].id, text, s->author);
		if (k < 0) {
			*err = xasprintf("cannot save the annotation: %s", statedb_error(db));
			break;
		}
		if (k > 0) /* escalated: a note for Phantom is queued */
			escstate_requeued(a, t[done].key);
		struct event *ev = store_by_id(a->store, t[done].key);
		if (*text) {
			put(s, t[done].key, text, s->author);
			if (ev)
				ev->state |= ES_ANNOTATED;
		} else {
			drop(s, t[done].key);
			if (ev)
				ev->state &= (uint8_t)~ES_ANNOTATED;
		}
	}
	detail_invalidate();
	filterui_state_changed(a);
	a->dirty = true;
	return *err ? -1 : (int)done;
}

static struct target *targets_of(struct event *const *evs, size_t n)
{
	struct target *t = xcalloc(n ? n : 1, sizeof *t);
	for (size_t i = 0; i < n; i++) {
		event_id_text(evs[i], t[i].id);
		memcpy(t[i].key, evs[i]->id, 16);
	}
	return t;
}

static void report(struct app *a, int done, const char *text)
{
	if (*text)
		app_message(a, false, "annotated %d event%s", done, done == 1 ? "" : "s");
	else
		app_message(a, false, "annotation removed from %d event%s", done, done == 1 ? "" : "s");
}

int annotate_set(struct app *a, struct event *const *evs, size_t n, const char *text, char **err)
{
	struct target *t = targets_of(evs, n);
	int rc = apply(a, t, n, text, err);
	free(t);
	return rc;
}

/* ---- the prompt ------------------------------------------------------------------ */

/* The annotation being typed, one prompt per line. */
struct pending {
	struct target *t;
	size_t n;
	struct sbuf text;        /* lines accepted so far, each ending in '\n' */
	char **old;              /* the current annotation's lines, offered in turn */
	size_t nold;
	size_t line;             /* 0-based number of the line being typed */
};

static char label[96]; /* the prompt's label (one prompt at a time) */

static void pending_free(struct annotations *s)
{
	struct pending *p = s->pending;
	if (!p)
		return;
	free(p->t);
	sbuf_free(&p->text);
	for (size_t i = 0; i < p->nold; i++)
		free(p->old[i]);
	free(p->old);
	free(p);
	s->pending = NULL;
}

static bool on_line(struct app *a, const char *line, struct prompt_error *e);
static void on_cancel(struct app *a);

static const struct prompt_spec spec = {
	.label = label, .history = NULL, .accept = on_line, .cancel = on_cancel,
};

/* Opens the prompt for the next line, offering that line of the old text. */
static void open_line(struct app *a)
{
	struct pending *p = a->notes->pending;
	if (p->line == 0)
		snprintf(label, sizeof label, "note for %zu event%s (a final \\ adds a line): ", p->n,
			 p->n == 1 ? "" : "s");
	else
		snprintf(label, sizeof label, "note, line %zu (a final \\ adds a line): ", p->line + 1);
	char *initial = NULL;
	if (p->line < p->nold)
		initial = xasprintf("%s%s", p->old[p->line], p->line + 1 < p->nold ? "\\" : "");
	prompt_open(a, &spec, initial);
	free(initial);
}

/* A line ending in one backslash continues; "\\" at the end is one
 * literal backslash. */
static bool continues(const char *line, size_t *len)
{
	size_t n = strlen(line);
	*len = n;
	if (n >= 2 && line[n - 1] == '\\' && line[n - 2] == '\\') {
		*len = n - 1;
		return false;
	}
	if (n >= 1 && line[n - 1] == '\\') {
		*len = n - 1;
		return true;
	}
	return false;
}

static bool on_line(struct app *a, const char *line, struct prompt_error *e)
{
	(void)e;
	struct pending *p = a->notes ? a->notes->pending : NULL;
	if (!p)
		return true;
	size_t len;
	bool more = continues(line, &len);
	sbuf_add(&p->text, line, len);
	if (more) {
		sbuf_addc(&p->text, '\n');
		p->line++;
		open_line(a);
		return true;
	}
	/* trailing blank lines and spaces are not part of the note */
	while (p->text.len && strchr(" \t\n", p->text.s[p->text.len - 1]))
		p->text.len--;
	const char *text = p->text.len ? (p->text.s[p->text.len] = '\0', p->text.s) : "";
	char *err = NULL;
	int done = apply(a, p->t, p->n, text, &err);
	if (done < 0)
		app_message(a, true, "%s", err);
	else
		report(a, done, text);
	free(err);
	pending_free(a->notes);
	return true;
}

static void on_cancel(struct app *a)
{
	if (a->notes)
		pending_free(a->notes);
	app_message(a, false, "annotation not changed");
}

/* The lines of the annotation the targets share (none if they differ). */
static void offer_old(struct app *a, struct pending *p, struct event *const *evs, size_t n)
{
	const char *text = n ? annotate_text(a, evs[0]) : NULL;
	for (size_t i = 1; text && i < n; i++) {
		const char *o = annotate_text(a, evs[i]);
		if (!o || strcmp(o, text) != 0)
			text = NULL;
	}
	for (const char *l = text; l && *l;) {
		size_t k = strcspn(l, "\n");
		p->old = xrealloc(p->old, (p->nold + 1) * sizeof *p->old);
		p->old[p->nold++] = xstrndup(l, k);
		l += k + (l[k] == '\n');
	}
}

void act_ANNOTATE(struct app *a)
{
	if (a->focus == FOCUS_HELP || a->focus == FOCUS_CASES)
		return;
	if (!escstate_db(a)) {
		app_message(a, true, "annotations are unavailable: the state directory cannot be used");
		return;
	}
	struct targets t;
	marks_targets(a, TARGET_MARKED_OR_CURRENT, &t);
	if (!t.n) {
		marks_targets_free(&t);
		app_message(a, true, "no event to annotate");
		return;
	}
	pending_free(a->notes);
	struct pending *p = a->notes->pending = xcalloc(1, sizeof *p);
	p->t = targets_of(t.ev, t.n);
	p->n = t.n;
	offer_old(a, p, t.ev, t.n);
	marks_targets_free(&t);
	open_line(a);
}

bool annotate_cmd(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	(void)at;
	(void)e;
	if (!*args) {
		act_ANNOTATE(a);
		return true;
	}
	struct targets t;
	marks_targets(a, TARGET_MARKED_OR_CURRENT, &t);
	if (!t.n) {
		marks_targets_free(&t);
		app_message(a, true, "no event to annotate");
		return true;
	}
	char *err = NULL;
	int done = annotate_set(a, t.ev, t.n, args, &err);
	marks_targets_free(&t);
	if (done < 0)
		app_message(a, true, "%s", err);
	else
		report(a, done, args);
	free(err);
	return true;
}

void annotate_detail(struct app *a, const struct event *ev, detail_kv_fn add)
{
	const struct note *nt = note_of(a, ev);
	if (!nt)
		return;
	add("annotation", nt->text, UI_ANNOTATED);
	if (nt->author) {
		char by[160];
		snprintf(by, sizeof by, "by %s", nt->author);
		add("", by, UI_DETAIL_VALUE);
	}
}
