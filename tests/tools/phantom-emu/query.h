/*
 * query.h — Phantom's list query language for GET on collections:
 * page (0-based) / page_size (default 10, 0 = all) / sort / order, and
 * filters _filter_<field>[__exact|__in|__icontains]=<literal> (strings must
 * be double-quoted, numbers bare) plus their negation _exclude_<field>.
 *
 * Ownership: query_parse returns a query freed with query_free; query_run
 * owns (and releases) every object its fetch callback returns, and returns an
 * owned reply.
 * Thread safety: a query is used by one thread; query_run calls `fetch` on
 * the calling thread only.
 */
#ifndef PHANTOM_EMU_QUERY_H
#define PHANTOM_EMU_QUERY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "tests/tools/phantom-emu/model.h"
#include "tests/tools/phantom-emu/msg.h"

struct list_query;

/* NULL and a malloc'd *err when the query is malformed (a 400 for the caller). */
struct list_query *query_parse(const struct request *rq, enum coll c, char **err);
void query_free(struct list_query *q);
/* The value of a plain equality filter on `field` (lets callers use an index), or NULL. */
const json_t *query_exact(const struct list_query *q, const char *field);

/* Returns a new reference to candidate i (0 <= i < n), or NULL to skip it. */
typedef json_t *(*query_fetch_fn)(void *ctx, size_t i);

/* Answers {count, num_pages, data} over n candidates, which must come in
 * ascending id order; or 404 past the last page. With no filters and the
 * default sort only the requested page is fetched. */
struct reply query_run(const struct list_query *q, size_t n, query_fetch_fn fetch, void *ctx);

#endif
