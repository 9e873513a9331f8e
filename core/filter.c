/* filter.c — the public filter API (see filter.h): compile, optimise the
 * tree, match, free. The grammar is in filter_parse.c, evaluation in
 * filter_eval.c. */
#include "core/filter.h"
#include "core/filter_int.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define COST_MAX 1000000

struct filter {
	char *src;
	struct fnode *root;
	bool uses_time;
	bool uses_state;
};

struct fnode *filter_node_new(enum fntype t, int cost)
{
	struct fnode *n = xcalloc(1, sizeof(*n));
	n->type = t;
	n->cost = cost;
	return n;
}

struct fnode *filter_node_not(struct fnode *kid)
{
	struct fnode *n = filter_node_new(N_NOT, kid->cost);
	n->u.not = kid;
	return n;
}

void filter_node_add(struct fnode *list, struct fnode *kid)
{
	size_t cap = list->u.list.n;
	/* Grow by doubling: capacity is the next power of two of n. */
	if ((cap & (cap - 1)) == 0)
		list->u.list.kid = xrealloc(list->u.list.kid, (cap ? cap * 2 : 2) * sizeof(*list->u.list.kid));
	list->u.list.kid[list->u.list.n++] = kid;
}

static void term_free(struct fterm *t)
{
	intern_unref(t->key);
	filter_lit_free(&t->val);
	filter_glob_free(&t->glob);
	if (t->re)
		pcre2_code_free(t->re);
}

void filter_node_free(struct fnode *n)
{
	if (!n)
		return;
	switch (n->type) {
	case N_AND:
	case N_OR:
		for (size_t i = 0; i < n->u.list.n; i++)
			filter_node_free(n->u.list.kid[i]);
		free(n->u.list.kid);
		break;
	case N_NOT:
		filter_node_free(n->u.not);
		break;
	case N_BARE:
		free(n->u.bare.lc);
		break;
	case N_TERM:
		term_free(&n->u.term);
		break;
	default:
		break;
	}
	free(n);
}

/* ---- optimisation ------------------------------------------------------------ */

/* Flattens nested and/or lists, removes double negations and orders the
 * operands of and/or cheapest first, so "priority<=warning and output~x"
 * renders the output only for events that pass the priority test. Terms have
 * no side effects, so the order does not change the result. */
static struct fnode *optimise(struct fnode *n)
{
	if (n->type == N_NOT) {
		n->u.not = optimise(n->u.not);
		if (n->u.not->type == N_NOT) {
			struct fnode *inner = n->u.not, *kid = inner->u.not;
			free(inner);
			free(n);
			return kid;
		}
		n->cost = n->u.not->cost;
		return n;
	}
	if (n->type != N_AND && n->type != N_OR)
		return n;
	struct fnode **old = n->u.list.kid;
	size_t count = n->u.list.n;
	n->u.list.kid = NULL;
	n->u.list.n = 0;
	for (size_t i = 0; i < count; i++) {
		struct fnode *k = optimise(old[i]);
		if (k->type == n->type) {
			for (size_t j = 0; j < k->u.list.n; j++)
				filter_node_add(n, k->u.list.kid[j]);
			free(k->u.list.kid);
			free(k);
		} else {
			filter_node_add(n, k);
		}
	}
	free(old);
	/* Stable insertion sort by cost: lists are short. */
	struct fnode **kid = n->u.list.kid;
	long cost = 0;
	for (size_t i = 0; i < n->u.list.n; i++) {
		struct fnode *k = kid[i];
		size_t j = i;
		for (; j > 0 && kid[j - 1]->cost > k->cost; j--)
			kid[j] = kid[j - 1];
		kid[j] = k;
		cost += k->cost;
	}
	n->cost = (int)MIN(cost, COST_MAX);
	return n;
}

/* ---- API ----------------------------------------------------------------------- */

struct filter *filter_compile(const char *expr, char **err, size_t *err_pos)
{
	if (!expr)
		expr = "";
	struct fparser p = { .s = expr, .n = strlen(expr) };
	struct fnode *root = filter_parse_expr(&p);
	if (!root) {
		if (err)
			*err = p.err;
		else
			free(p.err);
		if (err_pos)
			*err_pos = p.err_pos;
		return NULL;
	}
	struct filter *f = xcalloc(1, sizeof(*f));
	f->src = xstrdup(expr);
	f->root = optimise(root);
	f->uses_time = p.uses_time;
	f->uses_state = p.uses_state;
	return f;
}

bool filter_match(const struct filter *f, const struct event *ev, const struct filter_ctx *cx)
{
	return filter_eval(f->root, ev, cx);
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	filter_node_free(f->root);
	free(f->src);
	free(f);
}

const char *filter_source(const struct filter *f)
{
	return f->src;
}

bool filter_uses_time(const struct filter *f)
{
	return f->uses_time;
}

bool filter_uses_state(const struct filter *f)
{
	return f->uses_state;
}

const char *const *filter_keywords(void)
{
	static const char *const kw[] = {
		"priority", "rule", "source", "hostname", "host", "subject", "output", "message",
		"note", "time", "id", "tag", "tag:", "since:", "field:",
		"is:marked", "is:annotated", "is:escalated", "is:unparsed", "is:repaired",
		"and", "or", "not", "exists", "missing", "in", "contains", "icontains", "startswith",
		"endswith",
		"emergency", "alert", "critical", "error", "warning", "notice", "informational",
		"debug", "unknown",
		/* output_fields most rules carry */
		"container.id", "container.name", "container.image.repository", "k8s.ns.name",
		"k8s.pod.name", "proc.name", "proc.cmdline", "proc.pname", "proc.exepath",
		"user.name", "user.loginuid", "fd.name", "evt.type",
		NULL,
	};
	return kw;
}

static void each_word(const struct fnode *n, void (*fn)(void *, const char *, size_t), void *ctx)
{
	if (n->type == N_BARE) {
		fn(ctx, n->u.bare.lc, n->u.bare.n);
	} else if (n->type == N_AND || n->type == N_OR) {
		for (size_t i = 0; i < n->u.list.n; i++)
			each_word(n->u.list.kid[i], fn, ctx);
	}
}

void filter_each_word(const struct filter *f, void (*fn)(void *ctx, const char *lc, size_t n),
		      void *ctx)
{
	if (f)
		each_word(f->root, fn, ctx);
}
