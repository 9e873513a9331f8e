/* control.c — see control.h. */
#include "tests/tools/phantom-emu/control.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define REQUESTS_DEFAULT 100

bool control_is_path(const char *path)
{
	return strncmp(path, "/emu/", 5) == 0 || strcmp(path, "/emu") == 0;
}

static json_t *vec_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static struct reply state(struct emu *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "counters", reqlog_counters_json(e->log));
	json_object_set_new(o, "faults", faults_json(e->faults));
	json_object_set_new(o, "labels", vec_json(e->vocab.labels, e->vocab.nlabels));
	json_object_set_new(o, "severities", vec_json(e->vocab.severities, e->vocab.nseverities));
	model_lock(e->model);
	json_object_set_new(o, "containers", model_dump(e->model));
	model_unlock(e->model);
	return reply_json(200, o);
}

/* Record counts without the records: cheap enough to poll during a benchmark. */
static struct reply stats(struct emu *e)
{
	model_lock(e->model);
	json_t *o = json_pack("{s:I,s:I,s:I,s:I}",
			      "containers", (json_int_t)model_size(e->model, COLL_CONTAINER),
			      "artifacts", (json_int_t)model_size(e->model, COLL_ARTIFACT),
			      "notes", (json_int_t)model_size(e->model, COLL_NOTE),
			      "comments", (json_int_t)model_size(e->model, COLL_COMMENT));
	model_unlock(e->model);
	json_object_set_new(o, "counters", reqlog_counters_json(e->log));
	return reply_json(200, o);
}

static struct reply reset(struct emu *e)
{
	faults_clear(e->faults);
	model_lock(e->model);
	model_reset(e->model);
	model_unlock(e->model);
	reqlog_reset(e->log);
	return reply_json(200, json_pack("{s:b}", "success", 1));
}

static struct reply add_faults(struct emu *e, const struct request *rq)
{
	json_t *body = json_loadb(rq->body ? rq->body : "", rq->body_len, 0, NULL);
	if (!body)
		return reply_failed(400, "Invalid JSON");
	json_t *specs = json_is_array(body) ? json_incref(body) : json_pack("[O]", body);
	json_t *ids = json_array();
	char *err = json_array_size(specs) ? NULL : xstrdup("fault: no rule given");
	size_t i;
	json_t *spec;
	json_array_foreach(specs, i, spec) {
		if (err)
			break;
		uint64_t id = faults_add(e->faults, spec, &err);
		if (!id)
			break;
		json_array_append_new(ids, json_integer((json_int_t)id));
	}
	json_decref(specs);
	json_decref(body);
	if (err) {
		json_decref(ids);
		struct reply r = reply_failed(400, "%s", err);
		free(err);
		return r;
	}
	json_t *res = json_pack("{s:b,s:O,s:o}", "success", 1, "id", json_array_get(ids, 0), "ids", ids);
	return reply_json(200, res);
}

static struct reply requests(struct emu *e, const struct request *rq)
{
	const char *n = request_arg(rq, "n");
	size_t want = REQUESTS_DEFAULT;
	if (n) {
		char *end;
		unsigned long v = strtoul(n, &end, 10);
		if (!*n || *end)
			return reply_failed(400, "n must be a number");
		want = v;
	}
	return reply_json(200, reqlog_recent_json(e->log, want));
}

static struct reply not_allowed(const char *allow)
{
	struct reply r = reply_failed(405, "method not allowed");
	r.allow = allow;
	return r;
}

struct reply control_handle(struct emu *e, const struct request *rq)
{
	const char *p = rq->path, *m = rq->method;
	bool get = strcmp(m, "GET") == 0, post = strcmp(m, "POST") == 0;
	if (strcmp(p, "/emu/state") == 0)
		return get ? state(e) : not_allowed("GET");
	if (strcmp(p, "/emu/stats") == 0)
		return get ? stats(e) : not_allowed("GET");
	if (strcmp(p, "/emu/reset") == 0)
		return post ? reset(e) : not_allowed("POST");
	if (strcmp(p, "/emu/requests") == 0)
		return get ? requests(e, rq) : not_allowed("GET");
	if (strcmp(p, "/emu/fault") == 0) {
		if (post)
			return add_faults(e, rq);
		if (get)
			return reply_json(200, json_pack("{s:o}", "faults", faults_json(e->faults)));
		if (strcmp(m, "DELETE") == 0) {
			faults_clear(e->faults);
			return reply_json(200, json_pack("{s:b}", "success", 1));
		}
		return not_allowed("GET, POST, DELETE");
	}
	return reply_failed_bare(404);
}
