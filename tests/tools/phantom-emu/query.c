/* query.c — see query.h. */
#include "tests/tools/phantom-emu/query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum op { OP_EXACT, OP_IN, OP_ICONTAINS };

struct filter {
	char *field;
	enum op op;
	bool negate;          /* _exclude_ */
	json_t *value;        /* scalar; an array for OP_IN */
};

struct list_query {
	struct filter *f;
	size_t nf, capf;
	uint64_t page;
	uint64_t page_size;   /* 0 = everything */
	char *sort;
	bool desc;
};

void query_free(struct list_query *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nf; i++) {
		free(q->f[i].field);
		json_decref(q->f[i].value);
	}
	free(q->f);
	free(q->sort);
	free(q);
}

static bool parse_uint(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 12 || strspn(s, "0123456789") != n)
		return false;
	*out = strtoull(s, NULL, 10);
	return true;
}

/* A Python-style scalar literal as Phantom's filters take them: "str",
 * 'str', integers, decimals, True/False/None. Bare words are rejected. */
static json_t *parse_scalar(const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '"') {
		json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
		if (json_is_string(v))
			return v;
		json_decref(v);
		return NULL;
	}
	if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'' && !memchr(s + 1, '\'', n - 2))
		return json_stringn(s + 1, n - 2);
	if (strcmp(s, "True") == 0 || strcmp(s, "true") == 0)
		return json_true();
	if (strcmp(s, "False") == 0 || strcmp(s, "false") == 0)
		return json_false();
	if (strcmp(s, "None") == 0 || strcmp(s, "null") == 0)
		return json_null();
	if (n > 0 && strspn(s, "-0123456789.eE+") == n) {
		json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
		if (json_is_number(v))
			return v;
		json_decref(v);
	}
	return NULL;
}

/* A list literal for __in: a JSON array (or a Python tuple) of scalars. */
static json_t *parse_list(const char *s)
{
	size_t n = strlen(s);
	if (n < 2)
		return NULL;
	char *t = xstrdup(s);
	if (t[0] == '(' && t[n - 1] == ')') {
		t[0] = '[';
		t[n - 1] = ']';
	}
	json_t *v = t[0] == '[' ? json_loads(t, 0, NULL) : NULL;
	free(t);
	size_t i;
	json_t *e;
	bool ok = json_is_array(v);
	json_array_foreach(v, i, e)
		ok = ok && !json_is_object(e) && !json_is_array(e);
	if (!ok) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Parses "<field>[__<op>]=<value>" (prefix already stripped). */
static int add_filter(struct list_query *q, enum coll c, const char *spec, const char *val,
		      bool negate, char **err)
{
	struct filter f = { .negate = negate, .op = OP_EXACT };
	const char *sep = strstr(spec, "__");
	f.field = sep ? xstrndup(spec, (size_t)(sep - spec)) : xstrdup(spec);
	if (!model_has_field(c, f.field)) {
		*err = xasprintf("Cannot filter on unknown field '%s'", f.field);
		free(f.field);
		return -1;
	}
	const char *op = sep ? sep + 2 : "exact";
	if (strcmp(op, "exact") == 0) {
		f.value = parse_scalar(val);
	} else if (strcmp(op, "in") == 0) {
		f.op = OP_IN;
		f.value = parse_list(val);
	} else if (strcmp(op, "icontains") == 0) {
		f.op = OP_ICONTAINS;
		f.value = parse_scalar(val);
		if (f.value && !json_is_string(f.value)) {
			json_decref(f.value);
			f.value = NULL;
		}
	} else {
		*err = xasprintf("Unsupported filter operator '%s'", op);
		free(f.field);
		return -1;
	}
	if (!f.value) {
		/* Phantom evaluates the value as a literal: an unquoted word is an error. */
		*err = xasprintf("Invalid filter value for '%s': strings must be double-quoted",
				 f.field);
		free(f.field);
		return -1;
	}
	q->f = xgrow(q->f, &q->capf, q->nf + 1, sizeof(*q->f));
	q->f[q->nf++] = f;
	return 0;
}

static int parse_arg(struct list_query *q, enum coll c, const struct qarg *a, char **err)
{
	if (strncmp(a->key, "_filter_", 8) == 0)
		return add_filter(q, c, a->key + 8, a->val, false, err);
	if (strncmp(a->key, "_exclude_", 9) == 0)
		return add_filter(q, c, a->key + 9, a->val, true, err);
	if (strcmp(a->key, "page") == 0 && !parse_uint(a->val, &q->page)) {
		*err = xstrdup("Invalid page");
		return -1;
	}
	if (strcmp(a->key, "page_size") == 0 && !parse_uint(a->val, &q->page_size)) {
		*err = xstrdup("Invalid page_size");
		return -1;
	}
	if (strcmp(a->key, "sort") == 0) {
		if (!model_has_field(c, a->val)) {
			*err = xasprintf("Cannot sort on unknown field '%s'", a->val);
			return -1;
		}
		free(q->sort);
		q->sort = xstrdup(a->val);
	}
	if (strcmp(a->key, "order") == 0) {
		if (strcmp(a->val, "asc") != 0 && strcmp(a->val, "desc") != 0) {
			*err = xstrdup("order must be asc or desc");
			return -1;
		}
		q->desc = strcmp(a->val, "desc") == 0;
	}
	return 0;  /* other arguments (pretty, include_expensive, ...) do not change results */
}

struct list_query *query_parse(const struct request *rq, enum coll c, char **err)
{
	struct list_query *q = xcalloc(1, sizeof(*q));
	q->page_size = 10;
	q->sort = xstrdup("id");
	for (size_t i = 0; i < rq->nargs; i++) {
		if (parse_arg(q, c, &rq->args[i], err) != 0) {
			query_free(q);
			return NULL;
		}
	}
	return q;
}

const json_t *query_exact(const struct list_query *q, const char *field)
{
	for (size_t i = 0; i < q->nf; i++)
		if (q->f[i].op == OP_EXACT && !q->f[i].negate && strcmp(q->f[i].field, field) == 0)
			return q->f[i].value;
	return NULL;
}

static bool value_eq(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a, b);
}

static bool filter_hit(const struct filter *f, const json_t *obj)
{
	const json_t *v = json_object_get(obj, f->field);
	if (!v)
		return false;
	switch (f->op) {
	case OP_EXACT:
		return value_eq(v, f->value);
	case OP_IN: {
		size_t i;
		json_t *e;
		json_array_foreach(f->value, i, e)
			if (value_eq(v, e))
				return true;
		return false;
	}
	case OP_ICONTAINS:
		return json_is_string(v) && strcasestr(json_string_value(v), json_string_value(f->value));
	}
	return false;
}

static bool query_match(const struct list_query *q, const json_t *obj)
{
	for (size_t i = 0; i < q->nf; i++)
		if (filter_hit(&q->f[i], obj) == q->f[i].negate)
			return false;
	return true;
}

/* Order of JSON types when a sort field mixes them (null first, like SQL ASC NULLS FIRST). */
static int type_rank(const json_t *v)
{
	if (!v || json_is_null(v))
		return 0;
	if (json_is_boolean(v))
		return 1;
	if (json_is_number(v))
		return 2;
	if (json_is_string(v))
		return 3;
	return 4;
}

static int cmp_values(const json_t *a, const json_t *b)
{
	int ra = type_rank(a), rb = type_rank(b);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 1)
		return (int)json_is_true(a) - (int)json_is_true(b);
	if (ra == 2) {
		double x = json_number_value(a), y = json_number_value(b);
		return x < y ? -1 : x > y;
	}
	if (ra == 3)
		return strcmp(json_string_value(a), json_string_value(b));
	return 0;
}

static int cmp_items(const void *pa, const void *pb, void *ctx)
{
	const struct list_query *q = ctx;
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int r = cmp_values(json_object_get(a, q->sort), json_object_get(b, q->sort));
	if (r == 0)  /* ids are unique: a total order, so pages never overlap */
		r = cmp_values(json_object_get(a, "id"), json_object_get(b, "id"));
	return q->desc ? -r : r;
}

static uint64_t num_pages(const struct list_query *q, size_t n)
{
	return q->page_size ? (n + q->page_size - 1) / q->page_size : (n ? 1 : 0);
}

static struct reply envelope(size_t count, uint64_t pages, json_t *data)
{
	return reply_json(200, json_pack("{s:I,s:I,s:o}", "count", (json_int_t)count, "num_pages",
					 (json_int_t)pages, "data", data));
}

/* Fast path: candidates are already in id order, so cut the page by index. */
static struct reply run_by_id(const struct list_query *q, size_t n, query_fetch_fn fetch,
			      void *ctx)
{
	uint64_t pages = num_pages(q, n);
	if (q->page > 0 && q->page >= pages)
		return reply_failed(404, "That page contains no results");
	uint64_t first = q->page * q->page_size, last = q->page_size ? first + q->page_size : n;
	json_t *data = json_array();
	for (uint64_t i = first; i < last && i < n; i++) {
		json_t *o = fetch(ctx, q->desc ? n - 1 - i : i);
		if (o)
			json_array_append_new(data, o);
	}
	return envelope(n, pages, data);
}

struct reply query_run(const struct list_query *q, size_t n, query_fetch_fn fetch, void *ctx)
{
	if (q->nf == 0 && strcmp(q->sort, "id") == 0)
		return run_by_id(q, n, fetch, ctx);
	json_t **items = xmalloc((n ? n : 1) * sizeof(*items));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *o = fetch(ctx, i);
		if (o && query_match(q, o))
			items[k++] = o;
		else
			json_decref(o);
	}
	qsort_r(items, k, sizeof(*items), cmp_items, (void *)q);
	uint64_t pages = num_pages(q, k);
	struct reply r;
	if (q->page > 0 && q->page >= pages) {
		r = reply_failed(404, "That page contains no results");
	} else {
		uint64_t first = q->page * q->page_size, last = q->page_size ? first + q->page_size : k;
		json_t *data = json_array();
		for (uint64_t i = first; i < last && i < k; i++)
			json_array_append(data, items[i]);
		r = envelope(k, pages, data);
	}
	for (size_t i = 0; i < k; i++)
		json_decref(items[i]);
	free(items);
	return r;
}
