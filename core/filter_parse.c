/* filter_parse.c — the filter grammar (see filter.h for the language):
 *
 *   expr    := or
 *   or      := and (('or' | '|' | '||') and)*
 *   and     := unary (['and' | '&' | '&&'] unary)*      juxtaposition is and
 *   unary   := ('not' | '!') unary | primary
 *   primary := '(' or ')' | QUOTED | PREFIX-TERM | NAME OP VALUE
 *            | NAME ('exists' | 'missing') | WORD
 *
 * Recursive descent over the text with positions kept for every error;
 * single terms are built by filter_term.c. */
#include "core/filter_int.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 200  /* parentheses and negations: bounds the recursion */

static struct fnode *parse_or(struct fparser *p, const char *ctx);

static char peekc(const struct fparser *p)
{
	return p->pos < p->n ? p->s[p->pos] : '\0';
}

static struct fnode *parse_primary(struct fparser *p, const char *ctx)
{
	filter_lex_skip_ws(p);
	size_t at = p->pos;
	if (filter_lex_at_end(p)) {
		if (ctx)
			filter_perr(p, at, "expected a term after %s", ctx);
		else
			filter_perr(p, at, "expected a term");
		return NULL;
	}
	char c = p->s[at];
	size_t len;
	enum fop op = filter_lex_op(p, at, &len);
	if (c == '(') {
		p->pos++;
		if (++p->depth > MAX_DEPTH) {
			filter_perr(p, at, "expression nested too deeply");
			return NULL;
		}
		struct fnode *n = parse_or(p, "'('");
		p->depth--;
		if (!n)
			return NULL;
		filter_lex_skip_ws(p);
		if (peekc(p) != ')') {
			char hint[48];
			snprintf(hint, sizeof(hint), "to close '(' at %zu", at);
			filter_perr_hint(p, p->pos, hint, "expected ')'");
			filter_node_free(n);
			return NULL;
		}
		p->pos++;
		return n;
	}
	if (c == ')') {
		filter_perr(p, at, "unexpected ')'");
		return NULL;
	}
	if (c == '|' || c == '&') {
		filter_perr(p, at, "expected a term before '%c'", c);
		return NULL;
	}
	if (op != OP_NONE) {
		filter_perr(p, at, "expected a field name before '%s'", filter_op_text(op));
		return NULL;
	}
	if (filter_lex_word_is(p, at, "and") || filter_lex_word_is(p, at, "or")) {
		filter_perr(p, at, "unexpected '%.*s'", (int)filter_lex_word_len(p, at), p->s + at);
		return NULL;
	}
	if (c == '"' || c == '\'') {
		struct fdstr d;
		if (!filter_lex_quoted(p, &d))
			return NULL;
		struct fnode *n = filter_term_bare(d.s, d.n);
		filter_dstr_free(&d);
		return n;
	}
	return filter_term(p, at);
}

static bool bang_at(const struct fparser *p, size_t at)
{
	return at < p->n && p->s[at] == '!' &&
	       !(at + 1 < p->n && (p->s[at + 1] == '=' || p->s[at + 1] == '~'));
}

static struct fnode *parse_unary(struct fparser *p, const char *ctx)
{
	filter_lex_skip_ws(p);
	size_t at = p->pos;
	const char *what = NULL;
	if (bang_at(p, at)) {
		p->pos++;
		what = "'!'";
	} else if (filter_lex_word_is(p, at, "not")) {
		p->pos += 3;
		what = "'not'";
	}
	if (!what)
		return parse_primary(p, ctx);
	if (++p->depth > MAX_DEPTH) {
		filter_perr(p, at, "expression nested too deeply");
		return NULL;
	}
	struct fnode *kid = parse_unary(p, what);
	p->depth--;
	return kid ? filter_node_not(kid) : NULL;
}

static struct fnode *add_to(struct fnode *list, enum fntype type, struct fnode *left, struct fnode *right)
{
	if (!list) {
		list = filter_node_new(type, 0);
		filter_node_add(list, left);
	}
	filter_node_add(list, right);
	return list;
}

static struct fnode *parse_and(struct fparser *p, const char *ctx)
{
	struct fnode *left = parse_unary(p, ctx), *list = NULL;
	if (!left)
		return NULL;
	for (;;) {
		filter_lex_skip_ws(p);
		size_t at = p->pos;
		char c = peekc(p);
		if (filter_lex_at_end(p) || c == ')' || c == '|' || filter_lex_word_is(p, at, "or"))
			break;
		const char *what = NULL;
		if (c == '&') {
			p->pos += at + 1 < p->n && p->s[at + 1] == '&' ? 2 : 1;
			what = "'&'";
		} else if (filter_lex_word_is(p, at, "and")) {
			p->pos += 3;
			what = "'and'";
		}
		struct fnode *right = parse_unary(p, what);
		if (!right) {
			filter_node_free(list ? list : left);
			return NULL;
		}
		list = add_to(list, N_AND, left, right);
	}
	return list ? list : left;
}

static struct fnode *parse_or(struct fparser *p, const char *ctx)
{
	struct fnode *left = parse_and(p, ctx), *list = NULL;
	if (!left)
		return NULL;
	for (;;) {
		filter_lex_skip_ws(p);
		size_t at = p->pos;
		const char *what;
		if (peekc(p) == '|') {
			p->pos += at + 1 < p->n && p->s[at + 1] == '|' ? 2 : 1;
			what = "'|'";
		} else if (filter_lex_word_is(p, at, "or")) {
			p->pos += 2;
			what = "'or'";
		} else {
			break;
		}
		struct fnode *right = parse_and(p, what);
		if (!right) {
			filter_node_free(list ? list : left);
			return NULL;
		}
		list = add_to(list, N_OR, left, right);
	}
	return list ? list : left;
}

struct fnode *filter_parse_expr(struct fparser *p)
{
	filter_lex_skip_ws(p);
	if (filter_lex_at_end(p))
		return filter_node_new(N_TRUE, 0);
	struct fnode *n = parse_or(p, NULL);
	if (!n)
		return NULL;
	filter_lex_skip_ws(p);
	if (!filter_lex_at_end(p)) {
		/* Only a stray ')' can stop the top level early. */
		filter_perr(p, p->pos, "unexpected '%c'", p->s[p->pos]);
		filter_node_free(n);
		return NULL;
	}
	return n;
}
