/* rest.c — see rest.h. */
#include "tests/tools/phantom-emu/rest.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tests/tools/phantom-emu/query.h"
#include "tests/tools/phantom-emu/validate.h"

/* User ids recorded as note author / comment user: the Basic-auth user and
 * the automation user behind the token. */
enum { USER_ID_BASIC = 1, USER_ID_AUTOMATION = 2 };

static const char NOT_FOUND[] = "Requested item not found";

static json_t *failed(const char *msg)
{
	json_t *o = json_pack("{s:b,s:s}", "failed", 1, "message", msg);
	return o ? o : json_pack("{s:b,s:s}", "failed", 1, "message", "invalid request");
}

/* Takes ownership of err. */
static json_t *failed_take(char *err)
{
	json_t *o = failed(err);
	free(err);
	return o;
}

static json_t *success(uint64_t id)
{
	return json_pack("{s:b,s:I}", "success", 1, "id", (json_int_t)id);
}

static json_int_t user_id(const struct request *rq)
{
	return rq->auth == AUTH_BASIC ? USER_ID_BASIC : USER_ID_AUTOMATION;
}

/* ---- create handlers: one item each, *st is its HTTP status ------------- */

typedef json_t *(*create_fn)(struct emu *e, const struct request *rq, const json_t *item,
			     unsigned *st);

static json_t *artifact_result(struct emu *e, uint64_t cid, const json_t *item, unsigned *st)
{
	char *err = NULL;
	*st = 400;
	if (!json_is_object(item))
		return failed("Expected a JSON object");
	json_t *fields = validate_artifact(item, true, &e->vocab, &err);
	if (!fields)
		return failed_take(err);
	uint64_t id = 0;
	enum model_rc rc = model_artifact_create(e->model, cid, fields, &id);
	json_decref(fields);
	if (rc == MODEL_NOTFOUND)
		return failed("container_id: Requested item not found");
	if (rc == MODEL_DUP)
		return json_pack("{s:b,s:I,s:s}", "failed", 1, "existing_artifact_id", (json_int_t)id,
				 "message", "artifact already exists");
	*st = 200;
	return success(id);
}

/* Inline artifacts of a container create; the platform itself sets
 * run_automation on the last one only (phantom-api.md §3.1). */
static json_t *inline_artifacts(struct emu *e, uint64_t cid, const json_t *arts)
{
	json_t *results = json_array();
	size_t n = json_array_size(arts);
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(arts, i);
		json_t *item = json_is_object(a) ? json_copy(a) : json_incref(a);
		if (json_is_object(item))
			json_object_set_new(item, "run_automation", json_boolean(i + 1 == n));
		unsigned st;
		json_array_append_new(results, artifact_result(e, cid, item, &st));
		json_decref(item);
	}
	return results;
}

static json_t *create_container(struct emu *e, const struct request *rq, const json_t *item,
				unsigned *st)
{
	(void)rq;
	char *err = NULL;
	*st = 400;
	if (!json_is_object(item))
		return failed("Expected a JSON object");
	json_t *fields = validate_container(item, true, &e->vocab, &err);
	if (!fields)
		return failed_take(err);
	uint64_t id = 0;
	enum model_rc rc = model_container_create(e->model, fields, &id);
	json_decref(fields);
	if (rc == MODEL_DUP)
		return json_pack("{s:b,s:I,s:s}", "failed", 1, "existing_container_id",
				 (json_int_t)id, "message", "duplicate with source_data_identifier");
	*st = 200;
	json_t *res = success(id);
	json_t *arts = json_object_get(item, "artifacts");
	if (json_array_size(arts))
		json_object_set_new(res, "artifacts", inline_artifacts(e, id, arts));
	return res;
}

static json_t *create_artifact(struct emu *e, const struct request *rq, const json_t *item,
			       unsigned *st)
{
	(void)rq;
	char *err = NULL;
	uint64_t cid;
	*st = 400;
	if (!json_is_object(item))
		return failed("Expected a JSON object");
	if (validate_id(item, "container_id", &cid, &err) != 0)
		return failed_take(err);
	return artifact_result(e, cid, item, st);
}

/* Notes and comments: records that hang off a container, with the user who
 * wrote them. */
struct child_kind {
	json_t *(*validate)(const json_t *in, char **err);
	uint64_t (*create)(struct model *m, uint64_t cid, const json_t *fields);
	const char *user_key;   /* "author" for notes, "user" for comments */
};

static json_t *create_child(struct emu *e, const struct request *rq, const json_t *item,
			    unsigned *st, const struct child_kind *k)
{
	char *err = NULL;
	uint64_t cid;
	*st = 400;
	if (!json_is_object(item))
		return failed("Expected a JSON object");
	if (validate_id(item, "container_id", &cid, &err) != 0)
		return failed_take(err);
	json_t *fields = k->validate(item, &err);
	if (!fields)
		return failed_take(err);
	json_object_set_new(fields, k->user_key, json_integer(user_id(rq)));
	uint64_t id = k->create(e->model, cid, fields);
	json_decref(fields);
	if (!id)
		return failed("container_id: Requested item not found");
	*st = 200;
	return success(id);
}

static json_t *create_note(struct emu *e, const struct request *rq, const json_t *item,
			   unsigned *st)
{
	static const struct child_kind note = { validate_note, model_note_create, "author" };
	return create_child(e, rq, item, st, &note);
}

static json_t *create_comment(struct emu *e, const struct request *rq, const json_t *item,
			      unsigned *st)
{
	static const struct child_kind comment = { validate_comment, model_comment_create, "user" };
	return create_child(e, rq, item, st, &comment);
}

/* An array body is a bulk create: per-item results, 200 if any succeeded. */
static struct reply create(struct emu *e, const struct request *rq, const json_t *body,
			   create_fn fn)
{
	unsigned st = 400;
	json_t *res;
	model_lock(e->model);
	if (json_is_array(body)) {
		res = json_array();
		size_t i;
		json_t *item;
		json_array_foreach(body, i, item) {
			unsigned one;
			json_array_append_new(res, fn(e, rq, item, &one));
			if (one == 200)
				st = 200;
		}
	} else {
		res = fn(e, rq, body, &st);
	}
	model_unlock(e->model);
	return reply_json(st, res);  /* results are fresh objects: safe to dump unlocked */
}

/* ---- updates ------------------------------------------------------------ */

static struct reply update(struct emu *e, enum coll c, uint64_t id, const json_t *body)
{
	char *err = NULL;
	struct reply r;
	model_lock(e->model);
	if (id > model_size(e->model, c)) {
		model_unlock(e->model);
		return reply_failed(404, "%s", NOT_FOUND);
	}
	json_t *fields = !json_is_object(body) ? NULL
			 : c == COLL_CONTAINER ? validate_container(body, false, &e->vocab, &err)
					       : validate_artifact(body, false, &e->vocab, &err);
	if (!fields) {
		model_unlock(e->model);
		r = reply_failed(400, "%s", err ? err : "Expected a JSON object");
		free(err);
		return r;
	}
	uint64_t dup = 0;
	enum model_rc rc = c == COLL_CONTAINER ? model_container_update(e->model, id, fields, &dup)
					       : model_artifact_update(e->model, id, fields, &dup);
	model_unlock(e->model);
	json_decref(fields);
	if (rc == MODEL_DUP && c == COLL_CONTAINER)
		return reply_json(400, json_pack("{s:b,s:I,s:s}", "failed", 1, "existing_container_id",
						 (json_int_t)dup, "message",
						 "duplicate with source_data_identifier"));
	if (rc == MODEL_DUP)
		return reply_json(400, json_pack("{s:b,s:I,s:s}", "failed", 1, "existing_artifact_id",
						 (json_int_t)dup, "message", "artifact already exists"));
	return reply_json(200, success(id));
}

/* ---- reads -------------------------------------------------------------- */

static struct reply get_one(struct emu *e, enum coll c, uint64_t id)
{
	model_lock(e->model);
	json_t *o = model_get(e->model, c, id);
	model_unlock(e->model);
	return o ? reply_json(200, o) : reply_failed(404, "%s", NOT_FOUND);
}

/* Where a list's candidates come from: an id array, or every id 1..n. */
struct source {
	struct model *m;
	enum coll c;
	const uint64_t *ids;
};

static json_t *fetch(void *ctx, size_t i)
{
	const struct source *src = ctx;
	return model_get(src->m, src->c, src->ids ? src->ids[i] : i + 1);
}

/* The candidate ids of a list, narrowed by an index when a filter allows it
 * (ids NULL: every id 1..model_size). */
static const uint64_t *candidates(struct emu *e, enum coll c, uint64_t parent,
				  const struct list_query *q, uint64_t *one, size_t *n)
{
	if (parent)
		return model_children(e->model, parent, c, n);
	const json_t *v;
	if (c == COLL_CONTAINER && (v = query_exact(q, "source_data_identifier")) &&
	    json_is_string(v)) {
		*n = model_sdi_lookup(e->model, json_string_value(v), one) ? 1 : 0;
		return one;
	}
	if (c != COLL_CONTAINER && (v = query_exact(q, "container")) && json_is_integer(v))
		return model_children(e->model, (uint64_t)json_integer_value(v), c, n);
	*n = model_size(e->model, c);
	return NULL;
}

static struct reply list(struct emu *e, const struct request *rq, enum coll c, uint64_t parent)
{
	char *err = NULL;
	struct list_query *q = query_parse(rq, c, &err);
	if (!q) {
		struct reply r = reply_failed(400, "%s", err);
		free(err);
		return r;
	}
	struct reply r;
	model_lock(e->model);
	if (parent && parent > model_size(e->model, COLL_CONTAINER)) {
		r = reply_failed(404, "%s", NOT_FOUND);
	} else {
		uint64_t one = 0;
		size_t n;
		struct source src = { e->model, c, NULL };
		src.ids = candidates(e, c, parent, q, &one, &n);
		r = query_run(q, n, fetch, &src);
	}
	model_unlock(e->model);
	query_free(q);
	return r;
}

static struct reply get(struct emu *e, const struct request *rq, const struct route *rt)
{
	switch (rt->kind) {
	case R_CONTAINERS: return list(e, rq, COLL_CONTAINER, 0);
	case R_ARTIFACTS: return list(e, rq, COLL_ARTIFACT, 0);
	case R_NOTES: return list(e, rq, COLL_NOTE, 0);
	case R_COMMENTS: return list(e, rq, COLL_COMMENT, 0);
	case R_CONTAINER_ARTIFACTS: return list(e, rq, COLL_ARTIFACT, rt->id);
	case R_CONTAINER_NOTES: return list(e, rq, COLL_NOTE, rt->id);
	case R_CONTAINER_COMMENTS: return list(e, rq, COLL_COMMENT, rt->id);
	case R_CONTAINER: return get_one(e, COLL_CONTAINER, rt->id);
	case R_ARTIFACT: return get_one(e, COLL_ARTIFACT, rt->id);
	case R_NOTE: return get_one(e, COLL_NOTE, rt->id);
	case R_COMMENT: return get_one(e, COLL_COMMENT, rt->id);
	case R_UNKNOWN: break;
	}
	return reply_failed_bare(404);
}

static struct reply post(struct emu *e, const struct request *rq, const struct route *rt)
{
	/* Phantom parses the body as JSON whatever the Content-Type says. */
	json_t *body = json_loadb(rq->body ? rq->body : "", rq->body_len, 0, NULL);
	if (!body)
		return reply_failed(400, "Invalid JSON");
	struct reply r;
	switch (rt->kind) {
	case R_CONTAINERS: r = create(e, rq, body, create_container); break;
	case R_ARTIFACTS: r = create(e, rq, body, create_artifact); break;
	case R_NOTES: r = create(e, rq, body, create_note); break;
	case R_COMMENTS: r = create(e, rq, body, create_comment); break;
	case R_CONTAINER: r = update(e, COLL_CONTAINER, rt->id, body); break;
	case R_ARTIFACT: r = update(e, COLL_ARTIFACT, rt->id, body); break;
	default: r = reply_failed_bare(404); break;
	}
	json_decref(body);
	return r;
}

struct reply rest_handle(struct emu *e, const struct request *rq, const struct route *rt)
{
	if (rt->kind == R_UNKNOWN)
		return reply_failed_bare(404);
	if (!rt->method_ok) {
		struct reply r = reply_failed(405, "Method \"%s\" not allowed.", rq->method);
		r.allow = rt->allow;
		return r;
	}
	return strcmp(rq->method, "GET") == 0 ? get(e, rq, rt) : post(e, rq, rt);
}
