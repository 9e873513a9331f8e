/* annotate.c — see annotate.h. */
#include "tui/annotate.h"
#include "tui/detail.h"
#include "core/event.h"
#include "core/idmap.h"
#include "core/statedb.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct note {
	char *text;      /* NULL: slot free */
	char *author;
};

struct annotations {
	struct idmap *byevent;   /* event id -> index into v */
	struct note *v;
	size_t n, cap;
	char *author;            /* this analyst */
};

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

int annotate_set(struct app *a, struct event *const *evs, size_t n, const char *text, char **err)
{
	struct annotations *s = a->notes;
	struct statedb *db = escstate_db(a);
	*err = NULL;
	if (!s || !db) {
		*err = xstrdup("no state database: annotations cannot be kept");
		return -1;
	}
	size_t done = 0;
	for (; done < n; done++) {
		char id[40];
		event_id_text(evs[done], id);
		int k = statedb_annotate(db, id, text, s->author);
		if (k < 0) {
			*err = xasprintf("cannot save the annotation: %s", statedb_error(db));
			break;
		}
		if (k > 0)
			escstate_requeued(a, evs[done]);
		if (*text) {
			put(s, evs[done]->id, text, s->author);
			evs[done]->state |= ES_ANNOTATED;
		} else {
			drop(s, evs[done]->id);
			evs[done]->state &= (uint8_t)~ES_ANNOTATED;
		}
	}
	detail_invalidate();
	a->dirty = true;
	return *err ? -1 : (int)done;
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
