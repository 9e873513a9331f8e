/* caseexport.c — see caseexport.h. */
#include "core/caseexport.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *caseexport_link(const char *base_url, long long id)
{
	if (!base_url || !*base_url || id <= 0)
		return NULL;
	size_t l = strlen(base_url);
	while (l && base_url[l - 1] == '/')
		l--;
	if (l >= 5 && strncmp(base_url + l - 5, "/rest", 5) == 0)
		l -= 5;
	return xasprintf("%.*s/mission/%lld", (int)l, base_url, id);
}

static json_t *time_or_null(int64_t ns)
{
	if (ns <= 0)
		return json_null();
	char t[CEF_TIME_MAX];
	cef_format_time(ns, 6, t);
	return json_string(t);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *id_or_null(long long id)
{
	return id > 0 ? json_integer(id) : json_null();
}

/* The events of one escalation, loaded as the forwarder loads them. */
struct events {
	json_t **ev;
	char **ids;
	size_t n, cap;
};

static void on_event(void *ctx, const char *event_id, const void *raw, size_t len)
{
	struct events *e = ctx;
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->ev = xrealloc(e->ev, e->cap * sizeof *e->ev);
		e->ids = xrealloc(e->ids, e->cap * sizeof *e->ids);
	}
	e->ev[e->n] = cef_event_load(raw ? raw : "", len);
	e->ids[e->n] = xstrdup(event_id ? event_id : "");
	e->n++;
}

static void events_free(struct events *e)
{
	for (size_t i = 0; i < e->n; i++) {
		json_decref(e->ev[i]);
		free(e->ids[i]);
	}
	free(e->ev);
	free(e->ids);
}

static void on_annotation(void *ctx, const char *event_id, const char *text, const char *author,
			  int64_t updated_ns)
{
	(void)updated_ns;
	json_object_set_new(ctx, event_id, json_pack("{s:s, s:o}", "text", text, "author",
						     str_or_null(author)));
}

static const char *or_def(const char *s, const char *def)
{
	return s && *s ? s : def;
}

static json_t *case_line(const struct statedb_case *c, const struct cef_params *defaults,
			 const char *base_url, const struct events *e, json_t *notes)
{
	struct cef_params p = *defaults;
	p.name = c->name;
	p.severity = c->severity;
	p.label = or_def(c->label, defaults->label);
	p.sensitivity = or_def(c->sensitivity, defaults->sensitivity);
	p.container_type = c->container_type;
	p.sdi = c->sdi;
	char *link = caseexport_link(base_url, c->container_id ? c->container_id : c->target_container);
	json_t *line = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
				 " s:i, s:o, s:o, s:o, s:o}",
				 "escalation", (json_int_t)c->id, "state", esc_state_name(c->state),
				 "kind", c->kind == ESC_EXISTING ? "existing" : "new",
				 "name", str_or_null(c->name), "severity", str_or_null(c->severity),
				 "label", str_or_null(p.label), "sensitivity", str_or_null(p.sensitivity),
				 "container_type", str_or_null(c->container_type),
				 "source_data_identifier", str_or_null(c->sdi),
				 "container_id", id_or_null(c->container_id),
				 "target_container", id_or_null(c->target_container),
				 "link", str_or_null(link), "next_attempt",
				 time_or_null(c->state == ESC_QUEUED && c->attempts ? c->next_attempt_ns : 0),
				 "attempts", c->attempts, "last_error", str_or_null(c->last_error),
				 "created", time_or_null(c->created_ns), "updated",
				 time_or_null(c->updated_ns), "annotations", json_array());
	free(link);
	if (c->kind == ESC_EXISTING) {
		json_t *arts = json_array();
		for (size_t i = 0; i < e->n; i++)
			json_array_append_new(arts, cef_artifact(&p, e->ev[i], e->ids[i],
								 c->target_container, i + 1 == e->n));
		json_object_set_new(line, "artifacts", arts);
	} else if (e->n) {
		json_object_set_new(line, "container",
				    cef_container(&p, e->ev, (const char *const *)e->ids, e->n));
	}
	json_t *ann = json_object_get(line, "annotations");
	for (size_t i = 0; i < e->n; i++) {
		json_t *a = json_object_get(notes, e->ids[i]);
		if (a)
			json_array_append_new(ann, json_pack("{s:s, s:O, s:O}", "event_id", e->ids[i],
							     "author", json_object_get(a, "author"),
							     "text", json_object_get(a, "text")));
	}
	return line;
}

int caseexport_write(struct statedb *db, const struct cef_params *defaults, const char *base_url,
		     FILE *out, size_t *count, char **err)
{
	*count = 0;
	*err = NULL;
	struct cef_params none = { 0 };
	if (!defaults)
		defaults = &none;
	json_t *notes = json_object();
	struct statedb_case *v = NULL;
	int n = statedb_annotations_load(db, on_annotation, notes) == 0 ? statedb_cases(db, 0, &v) : -1;
	if (n < 0) {
		*err = xasprintf("cannot read the outbox: %s", statedb_error(db));
		json_decref(notes);
		return -1;
	}
	int rc = 0;
	for (int i = n - 1; i >= 0 && rc == 0; i--) { /* oldest first */
		struct events e = { 0 };
		if (statedb_case_events(db, v[i].id, on_event, &e) != 0) {
			*err = xasprintf("cannot read escalation %lld: %s", (long long)v[i].id,
					 statedb_error(db));
			rc = -1;
		} else {
			json_t *line = case_line(&v[i], defaults, base_url, &e, notes);
			if (json_dumpf(line, out, JSON_COMPACT) != 0 || fputc('\n', out) == EOF) {
				*err = xasprintf("write: %s", strerror(errno));
				rc = -1;
			} else {
				(*count)++;
			}
			json_decref(line);
		}
		events_free(&e);
	}
	statedb_cases_free(v, n);
	json_decref(notes);
	return rc;
}
