/* model.c — see model.h. */
#include "tests/tools/phantom-emu/model.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/util.h"
#include "tests/tools/phantom-emu/hmap.h"
#include "tests/tools/phantom-emu/isotime.h"

/* How a field gets its value when the request does not set it. */
enum dflt { D_NULL, D_ID, D_ONE, D_ZERO, D_FALSE, D_TRUE, D_NOW, D_OBJ, D_ARR, D_STR, D_PARENT };

struct field {
	const char *name;
	enum dflt d;
	const char *str;     /* D_STR value */
	bool settable;       /* may come from a validated request */
};

/* Field order is the order GET returns them in (jansson keeps insertion order). */
static const struct field container_fields[] = {
	{ "id", D_ID, NULL, false }, { "version", D_ONE, NULL, false },
	{ "label", D_NULL, NULL, true }, { "name", D_NULL, NULL, true },
	{ "description", D_NULL, NULL, true }, { "status", D_STR, "new", true },
	{ "severity", D_STR, "medium", true }, { "sensitivity", D_STR, "amber", true },
	{ "source_data_identifier", D_NULL, NULL, true },
	{ "container_type", D_STR, "default", true }, { "in_case", D_FALSE, NULL, false },
	{ "tags", D_ARR, NULL, true }, { "data", D_OBJ, NULL, true },
	{ "custom_fields", D_OBJ, NULL, true }, { "owner", D_NULL, NULL, true },
	{ "owner_name", D_NULL, NULL, false }, { "role", D_NULL, NULL, false },
	{ "asset", D_NULL, NULL, true }, { "ingest_app", D_NULL, NULL, true },
	{ "tenant", D_ZERO, NULL, false }, { "hash", D_NULL, NULL, false },
	{ "artifact_count", D_ZERO, NULL, false }, { "artifact_update_time", D_NOW, NULL, false },
	{ "container_update_time", D_NOW, NULL, false }, { "create_time", D_NOW, NULL, false },
	{ "start_time", D_NOW, NULL, true }, { "end_time", D_NULL, NULL, true },
	{ "due_time", D_NULL, NULL, true }, { "open_time", D_NULL, NULL, false },
	{ "close_time", D_NULL, NULL, true }, { "closing_owner", D_NULL, NULL, false },
	{ "closing_rule_run", D_NULL, NULL, false }, { "current_phase", D_NULL, NULL, false },
	{ "kill_chain", D_NULL, NULL, true }, { "external_id", D_NULL, NULL, false },
	{ "parent_container", D_NULL, NULL, false }, { "workflow_name", D_STR, "", false },
	{ "node_guid", D_NULL, NULL, false }, { "run_automation", D_FALSE, NULL, true },
	{ NULL, D_NULL, NULL, false },
};

static const struct field artifact_fields[] = {
	{ "id", D_ID, NULL, false }, { "version", D_ONE, NULL, false },
	{ "name", D_NULL, NULL, true }, { "label", D_NULL, NULL, true },
	{ "container", D_PARENT, NULL, false }, { "cef", D_OBJ, NULL, true },
	{ "cef_types", D_OBJ, NULL, true }, { "data", D_OBJ, NULL, true },
	{ "description", D_NULL, NULL, true }, { "severity", D_STR, "medium", true },
	{ "source_data_identifier", D_NULL, NULL, true }, { "type", D_NULL, NULL, true },
	{ "tags", D_ARR, NULL, true }, { "start_time", D_NOW, NULL, true },
	{ "end_time", D_NULL, NULL, true }, { "create_time", D_NOW, NULL, false },
	{ "update_time", D_NOW, NULL, false }, { "kill_chain", D_NULL, NULL, true },
	{ "owner", D_NULL, NULL, true }, { "hash", D_NULL, NULL, false },
	{ "in_case", D_FALSE, NULL, false }, { "ingest_app", D_NULL, NULL, true },
	{ "parent_artifact", D_NULL, NULL, false }, { "parent_container", D_NULL, NULL, false },
	{ "playbook_run", D_NULL, NULL, false }, { "has_note", D_FALSE, NULL, false },
	{ "run_automation", D_TRUE, NULL, true },
	{ NULL, D_NULL, NULL, false },
};

static const struct field note_fields[] = {
	{ "id", D_ID, NULL, false }, { "version", D_ONE, NULL, false },
	{ "container", D_PARENT, NULL, false }, { "title", D_NULL, NULL, true },
	{ "content", D_NULL, NULL, true }, { "note_type", D_STR, "general", true },
	{ "note_format", D_STR, "markdown", true }, { "phase", D_NULL, NULL, true },
	{ "author", D_NULL, NULL, true }, { "artifact", D_NULL, NULL, false },
	{ "task", D_NULL, NULL, false }, { "create_time", D_NOW, NULL, false },
	{ "modified_time", D_NOW, NULL, false },
	{ NULL, D_NULL, NULL, false },
};

static const struct field comment_fields[] = {
	{ "id", D_ID, NULL, false }, { "container", D_PARENT, NULL, false },
	{ "comment", D_NULL, NULL, true }, { "user", D_NULL, NULL, true },
	{ "time", D_NOW, NULL, false },
	{ NULL, D_NULL, NULL, false },
};

static const struct field *const coll_fields[COLL__N] = {
	container_fields, artifact_fields, note_fields, comment_fields,
};

struct idvec {
	uint64_t *v;
	size_t n, cap;
};

/* One collection: records by id-1, each kept as compact JSON text. Text is
 * several times smaller than a jansson tree, and memory is what runs out
 * first when a benchmark pushes hundreds of thousands of records. */
struct table {
	char **txt;
	size_t n, cap;
};

/* What the model tracks about a container outside its JSON text. */
struct cside {
	struct idvec kids[COLL__N];            /* child ids per collection */
	bool in_case;                          /* copied into new artifacts */
	char artifact_update[ISOTIME_LEN];     /* "" until an artifact arrives */
};

struct model {
	pthread_mutex_t mu;
	struct table t[COLL__N];
	struct cside *side;       /* parallel to t[COLL_CONTAINER] */
	size_t side_cap;
	struct hmap *sdi;         /* container SDI -> container id */
	struct hmap *dedup;       /* container id + artifact digest -> artifact id */
};

bool model_has_field(enum coll c, const char *name)
{
	for (const struct field *f = coll_fields[c]; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return true;
	return false;
}

struct model *model_new(void)
{
	struct model *m = xcalloc(1, sizeof(*m));
	pthread_mutex_init(&m->mu, NULL);
	m->sdi = hmap_new();
	m->dedup = hmap_new();
	return m;
}

static void model_clear(struct model *m)
{
	for (size_t i = 0; i < m->t[COLL_CONTAINER].n; i++)
		for (int c = 0; c < COLL__N; c++)
			free(m->side[i].kids[c].v);
	for (int c = 0; c < COLL__N; c++) {
		for (size_t i = 0; i < m->t[c].n; i++)
			free(m->t[c].txt[i]);
		free(m->t[c].txt);
		memset(&m->t[c], 0, sizeof(m->t[c]));
	}
	free(m->side);
	m->side = NULL;
	m->side_cap = 0;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	model_clear(m);
	hmap_free(m->sdi);
	hmap_free(m->dedup);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

void model_lock(struct model *m)
{
	pthread_mutex_lock(&m->mu);
}

void model_unlock(struct model *m)
{
	pthread_mutex_unlock(&m->mu);
}

void model_reset(struct model *m)
{
	model_clear(m);
	hmap_clear(m->sdi);
	hmap_clear(m->dedup);
}

size_t model_size(struct model *m, enum coll c)
{
	return m->t[c].n;
}

static char *encode(const json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	if (!s)
		abort();  /* only on out-of-memory */
	return s;
}

/* Our own text always parses; anything else is memory corruption. */
static json_t *decode(const char *s)
{
	json_t *o = json_loads(s, 0, NULL);
	if (!o)
		abort();
	return o;
}

json_t *model_get(struct model *m, enum coll c, uint64_t id)
{
	if (id == 0 || id > m->t[c].n)
		return NULL;
	json_t *o = decode(m->t[c].txt[id - 1]);
	if (c == COLL_CONTAINER) {   /* fields that change with every artifact live outside the text */
		const struct cside *cs = &m->side[id - 1];
		json_object_set_new(o, "artifact_count", json_integer((json_int_t)cs->kids[COLL_ARTIFACT].n));
		if (cs->artifact_update[0])
			json_object_set_new(o, "artifact_update_time", json_string(cs->artifact_update));
	}
	return o;
}

const uint64_t *model_children(struct model *m, uint64_t cid, enum coll c, size_t *n)
{
	if (cid == 0 || cid > m->t[COLL_CONTAINER].n) {
		*n = 0;
		return NULL;
	}
	*n = m->side[cid - 1].kids[c].n;
	return m->side[cid - 1].kids[c].v;
}

bool model_sdi_lookup(struct model *m, const char *sdi, uint64_t *cid)
{
	return hmap_get(m->sdi, sdi, strlen(sdi), cid);
}

/* Stores `o` as the next record of collection c; returns its id. */
static uint64_t table_add(struct table *t, const json_t *o)
{
	t->txt = xgrow(t->txt, &t->cap, t->n + 1, sizeof(*t->txt));
	t->txt[t->n++] = encode(o);
	return t->n;
}

static void table_replace(struct table *t, uint64_t id, const json_t *o)
{
	free(t->txt[id - 1]);
	t->txt[id - 1] = encode(o);
}

static void idvec_push(struct idvec *v, uint64_t id)
{
	v->v = xgrow(v->v, &v->cap, v->n + 1, sizeof(*v->v));
	v->v[v->n++] = id;
}

static json_t *json_now(void)
{
	char buf[ISOTIME_LEN];
	isotime_format(now_ns(), buf);
	return json_string(buf);
}

/* Builds a new object from a field table: request values first, then defaults. */
static json_t *build(const struct field *fields, const json_t *in, uint64_t id, uint64_t parent)
{
	json_t *o = json_object();
	char now[ISOTIME_LEN];
	isotime_format(now_ns(), now);   /* one instant for every time field */
	for (const struct field *f = fields; f->name; f++) {
		json_t *v = f->settable ? json_object_get(in, f->name) : NULL;
		if (v) {
			json_object_set(o, f->name, v);
			continue;
		}
		switch (f->d) {
		case D_NULL: v = json_null(); break;
		case D_ID: v = json_integer((json_int_t)id); break;
		case D_PARENT: v = json_integer((json_int_t)parent); break;
		case D_ONE: v = json_integer(1); break;
		case D_ZERO: v = json_integer(0); break;
		case D_FALSE: v = json_false(); break;
		case D_TRUE: v = json_true(); break;
		case D_NOW: v = json_string(now); break;
		case D_OBJ: v = json_object(); break;
		case D_ARR: v = json_array(); break;
		case D_STR: v = json_string(f->str); break;
		}
		json_object_set_new(o, f->name, v);
	}
	return o;
}

/* Copies the settable members of `in` onto `o` (a partial update). */
static void apply(const struct field *fields, json_t *o, const json_t *in)
{
	for (const struct field *f = fields; f->name; f++) {
		json_t *v = f->settable ? json_object_get(in, f->name) : NULL;
		if (v)
			json_object_set(o, f->name, v);
	}
}

static void bump_version(json_t *o, const char *time_field)
{
	json_int_t v = json_integer_value(json_object_get(o, "version"));
	json_object_set_new(o, "version", json_integer(v + 1));
	json_object_set_new(o, time_field, json_now());
}

/* Hex XXH3-128 of the canonical (sorted, compact) JSON of `keys` in `o`. */
static XXH128_hash_t digest(const json_t *o, const char *const *keys, char hex[33])
{
	json_t *c = json_object();
	for (const char *const *k = keys; *k; k++) {
		json_t *v = json_object_get(o, *k);
		json_object_set(c, *k, v ? v : json_null());
	}
	char *s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(c);
	if (!s)
		abort();
	XXH128_hash_t h = XXH3_128bits(s, strlen(s));
	free(s);
	snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h.high64,
		 (unsigned long long)h.low64);
	return h;
}

/* ---- containers --------------------------------------------------------- */

static const char *const container_hash_keys[] = {
	"name", "label", "source_data_identifier", "description", "data", NULL,
};

static const char *str_or_null(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Keeps in_case, open_time and close_time consistent with the type and the
 * status; old_status is NULL on create. */
static void container_derive(json_t *o, const char *old_status, const json_t *fields)
{
	const char *st = str_or_null(o, "status");
	const char *type = str_or_null(o, "container_type");
	json_object_set_new(o, "in_case", json_boolean(type && strcmp(type, "case") == 0));
	if (!st || (old_status && strcmp(st, old_status) == 0))
		return;
	bool closing = strcmp(st, "closed") == 0;
	if (closing && !json_object_get(fields, "close_time"))
		json_object_set_new(o, "close_time", json_now());
	if (!closing && old_status && strcmp(old_status, "closed") == 0)
		json_object_set_new(o, "close_time", json_null());
	if (strcmp(st, "open") == 0 && json_is_null(json_object_get(o, "open_time")))
		json_object_set_new(o, "open_time", json_now());
}

enum model_rc model_container_create(struct model *m, const json_t *fields, uint64_t *id)
{
	const char *sdi = str_or_null(fields, "source_data_identifier");
	if (sdi && hmap_get(m->sdi, sdi, strlen(sdi), id))
		return MODEL_DUP;
	struct table *t = &m->t[COLL_CONTAINER];
	uint64_t nid = t->n + 1;
	json_t *o = build(container_fields, fields, nid, 0);
	container_derive(o, NULL, fields);
	char hex[33];
	digest(o, container_hash_keys, hex);
	json_object_set_new(o, "hash", json_string(hex));
	table_add(t, o);
	m->side = xgrow(m->side, &m->side_cap, t->n, sizeof(*m->side));
	memset(&m->side[nid - 1], 0, sizeof(m->side[nid - 1]));
	m->side[nid - 1].in_case = json_is_true(json_object_get(o, "in_case"));
	json_decref(o);
	if (sdi)
		hmap_put(m->sdi, sdi, strlen(sdi), nid);
	*id = nid;
	return MODEL_OK;
}

enum model_rc model_container_update(struct model *m, uint64_t id, const json_t *fields,
				     uint64_t *dup)
{
	json_t *o = model_get(m, COLL_CONTAINER, id);
	if (!o)
		return MODEL_NOTFOUND;
	const char *old_sdi = str_or_null(o, "source_data_identifier");
	const char *new_sdi = str_or_null(fields, "source_data_identifier");
	if (new_sdi && hmap_get(m->sdi, new_sdi, strlen(new_sdi), dup) && *dup != id) {
		json_decref(o);
		return MODEL_DUP;
	}
	if (new_sdi && old_sdi)
		hmap_del(m->sdi, old_sdi, strlen(old_sdi));
	if (new_sdi)
		hmap_put(m->sdi, new_sdi, strlen(new_sdi), id);
	const char *st = str_or_null(o, "status");
	char *old_status = xstrdup(st ? st : "");
	apply(container_fields, o, fields);
	container_derive(o, old_status, fields);
	free(old_status);
	bump_version(o, "container_update_time");
	m->side[id - 1].in_case = json_is_true(json_object_get(o, "in_case"));
	table_replace(&m->t[COLL_CONTAINER], id, o);
	json_decref(o);
	return MODEL_OK;
}

/* ---- artifacts ---------------------------------------------------------- */

/* The content that makes two artifacts of one container "the same" (phantom-api.md §9.4). */
static const char *const artifact_hash_keys[] = {
	"name", "label", "cef", "data", "source_data_identifier", "type", "severity", NULL,
};

struct dedup_key {
	uint64_t cid;
	uint64_t hi, lo;
};

static struct dedup_key artifact_key(const json_t *o, uint64_t cid, char hex[33])
{
	XXH128_hash_t h = digest(o, artifact_hash_keys, hex);
	struct dedup_key k = { cid, h.high64, h.low64 };
	return k;
}

enum model_rc model_artifact_create(struct model *m, uint64_t cid, const json_t *fields,
				    uint64_t *id)
{
	if (cid == 0 || cid > m->t[COLL_CONTAINER].n)
		return MODEL_NOTFOUND;
	struct table *t = &m->t[COLL_ARTIFACT];
	uint64_t nid = t->n + 1;
	json_t *o = build(artifact_fields, fields, nid, cid);
	char hex[33];
	struct dedup_key k = artifact_key(o, cid, hex);
	if (hmap_get(m->dedup, &k, sizeof(k), id)) {
		json_decref(o);
		return MODEL_DUP;
	}
	struct cside *cs = &m->side[cid - 1];
	json_object_set_new(o, "hash", json_string(hex));
	json_object_set_new(o, "in_case", json_boolean(cs->in_case));
	snprintf(cs->artifact_update, sizeof(cs->artifact_update), "%s",
		 json_string_value(json_object_get(o, "create_time")));
	table_add(t, o);
	json_decref(o);
	hmap_put(m->dedup, &k, sizeof(k), nid);
	idvec_push(&cs->kids[COLL_ARTIFACT], nid);
	*id = nid;
	return MODEL_OK;
}

enum model_rc model_artifact_update(struct model *m, uint64_t id, const json_t *fields,
				    uint64_t *dup)
{
	json_t *o = model_get(m, COLL_ARTIFACT, id);
	if (!o)
		return MODEL_NOTFOUND;
	uint64_t cid = (uint64_t)json_integer_value(json_object_get(o, "container"));
	char oldhex[33], hex[33];
	struct dedup_key ok = artifact_key(o, cid, oldhex);
	apply(artifact_fields, o, fields);
	struct dedup_key nk = artifact_key(o, cid, hex);
	if (hmap_get(m->dedup, &nk, sizeof(nk), dup) && *dup != id) {
		json_decref(o);
		return MODEL_DUP;
	}
	hmap_del(m->dedup, &ok, sizeof(ok));
	hmap_put(m->dedup, &nk, sizeof(nk), id);
	json_object_set_new(o, "hash", json_string(hex));
	bump_version(o, "update_time");
	table_replace(&m->t[COLL_ARTIFACT], id, o);
	json_decref(o);
	return MODEL_OK;
}

/* ---- notes and comments ------------------------------------------------- */

static uint64_t child_create(struct model *m, enum coll c, uint64_t cid, const json_t *fields)
{
	if (cid == 0 || cid > m->t[COLL_CONTAINER].n)
		return 0;
	struct table *t = &m->t[c];
	json_t *o = build(coll_fields[c], fields, t->n + 1, cid);
	uint64_t nid = table_add(t, o);
	json_decref(o);
	idvec_push(&m->side[cid - 1].kids[c], nid);
	return nid;
}

uint64_t model_note_create(struct model *m, uint64_t cid, const json_t *fields)
{
	return child_create(m, COLL_NOTE, cid, fields);
}

uint64_t model_comment_create(struct model *m, uint64_t cid, const json_t *fields)
{
	return child_create(m, COLL_COMMENT, cid, fields);
}

/* ---- dump --------------------------------------------------------------- */

static json_t *children_json(struct model *m, uint64_t cid, enum coll c)
{
	json_t *a = json_array();
	size_t n;
	const uint64_t *ids = model_children(m, cid, c, &n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, model_get(m, c, ids[i]));
	return a;
}

json_t *model_dump(struct model *m)
{
	json_t *all = json_array();
	for (size_t id = 1; id <= m->t[COLL_CONTAINER].n; id++) {
		json_t *c = model_get(m, COLL_CONTAINER, id);
		json_object_set_new(c, "artifacts", children_json(m, id, COLL_ARTIFACT));
		json_object_set_new(c, "notes", children_json(m, id, COLL_NOTE));
		json_object_set_new(c, "comments", children_json(m, id, COLL_COMMENT));
		json_array_append_new(all, c);
	}
	return all;
}
