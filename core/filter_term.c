/* filter_term.c — one term of a filter (see filter.h for the language): the
 * field table (which operators each field takes and how its values are
 * read), values, prefix terms (tag:, is:, since:, field:), bare words, and
 * the "did you mean" hints of unknown names. Anything with a dot is an
 * output_fields key. filter_parse.c combines terms. */
#include "core/filter_int.h"
#include "core/sanitize.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fkind { FK_PRIO, FK_TEXT, FK_TIME, FK_ID, FK_TAG, FK_FIELD };

struct fieldspec {
	enum fkind kind;
	enum fsubj subj;
	const char *name;   /* for messages */
	istr key;           /* FK_FIELD: reference owned by the spec until used */
};

static const struct builtin {
	const char *name;
	enum fkind kind;
	enum fsubj subj;
} builtins[] = {
	{ "priority", FK_PRIO, SJ_PRIOTEXT },
	{ "rule", FK_TEXT, SJ_RULE },
	{ "source", FK_TEXT, SJ_SOURCE },
	{ "hostname", FK_TEXT, SJ_HOST },
	{ "host", FK_TEXT, SJ_HOST },
	{ "subject", FK_TEXT, SJ_SUBJECT },
	{ "output", FK_TEXT, SJ_OUTPUT },
	{ "message", FK_TEXT, SJ_MESSAGE },
	{ "note", FK_TEXT, SJ_NOTE },
	{ "time", FK_TIME, SJ_RULE },
	{ "id", FK_ID, SJ_ID },
	{ "tag", FK_TAG, SJ_TAG },
	{ "tags", FK_TAG, SJ_TAG },
};

static const struct {
	const char *name;
	enum fntype type;
	uint8_t mask;
} states[] = {
	{ "marked", N_STATE, ES_MARKED },
	{ "annotated", N_STATE, ES_ANNOTATED },
	{ "escalated", N_STATE, ES_ESCALATED },
	{ "unparsed", N_FLAG, EV_UNPARSED },
	{ "repaired", N_FLAG, EV_REPAIRED },
};

static const char prio_hint[] =
	"expected emergency, alert, critical, error, warning, notice, informational, debug or unknown";
static const char state_hint[] =
	"expected is:marked, is:annotated, is:escalated, is:unparsed or is:repaired";
static const char time_hint[] = "expected YYYY-MM-DD[THH:MM[:SS[.frac]]][Z|+hh:mm]";

/* ---- helpers ------------------------------------------------------------------ */

static char peekc(const struct fparser *p)
{
	return p->pos < p->n ? p->s[p->pos] : '\0';
}

static bool has_prefix(const struct fparser *p, size_t at, const char *pre)
{
	size_t n = strlen(pre);
	return at + n <= p->n && strieq_n(p->s + at, n, pre, n);
}

/* User text quoted in an error message, made safe for a terminal by the
 * display sanitizer and cut after 48 bytes, between characters. The caller
 * frees. */
static char *show(const char *s, size_t n)
{
	size_t k = MIN(n, 48);
	for (int back = 0; back < 3 && k > 0 && k < n && ((unsigned char)s[k] & 0xc0) == 0x80; back++)
		k--; /* s[k] continues a character: cut before it */
	struct sbuf b = SBUF_INIT;
	sanitize(s, k, SAN_ONELINE, &b);
	if (k < n)
		sbuf_adds(&b, "...");
	return sbuf_steal(&b);
}

/* Levenshtein distance, for "did you mean". Short strings only. */
static size_t edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
	size_t row[40];
	if (an >= ARRAY_LEN(row) || bn >= ARRAY_LEN(row))
		return SIZE_MAX;
	for (size_t j = 0; j <= bn; j++)
		row[j] = j;
	for (size_t i = 1; i <= an; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= bn; j++) {
			size_t up = row[j];
			size_t cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
			diag = up;
		}
	}
	return row[bn];
}

/* The closest of names[] to w, or NULL if none is close. */
static const char *closest(const char *w, size_t wn, const char *const *names, size_t count)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX;
	for (size_t i = 0; i < count; i++) {
		size_t nn = strlen(names[i]);
		size_t d = edit_distance(w, wn, names[i], nn);
		if (wn >= 2 && wn < nn && strieq_n(w, wn, names[i], wn))
			d = MIN(d, 1);  /* a prefix: "prio" */
		size_t limit = nn >= 5 ? 2 : 1;
		if (d <= limit && d < bestd) {
			best = names[i];
			bestd = d;
		}
	}
	return best;
}

static struct fnode *term_node(enum fsubj subj, enum ftest test, int cost)
{
	struct fnode *n = filter_node_new(N_TERM, cost);
	n->u.term.subj = subj;
	n->u.term.test = test;
	return n;
}

static struct fnode *const_node(bool v)
{
	struct fnode *t = filter_node_new(N_TRUE, 0);
	return v ? t : filter_node_not(t);
}

/* Base cost of reading a subject. */
static int subj_cost(enum fsubj s)
{
	switch (s) {
	case SJ_RULE: case SJ_HOST: case SJ_SOURCE: case SJ_SUBJECT: case SJ_PRIOTEXT:
		return 2;
	case SJ_FIELD:
		return 5;
	case SJ_TAG:
		return 8;
	case SJ_ID:
		return 20;
	case SJ_NOTE:
		return 30;
	case SJ_OUTPUT: case SJ_MESSAGE:
		return 100;
	}
	return 100;
}

static int test_cost(enum ftest t)
{
	switch (t) {
	case T_PRESENT: return 0;
	case T_EQ: return 1;
	case T_NUM: return 2;
	case T_GLOB: return 6;
	case T_RE: return 20;
	}
	return 20;
}

static void uses(struct fparser *p, enum fsubj s)
{
	if (s == SJ_NOTE)
		p->uses_state = true;
}

/* ---- bare words ------------------------------------------------------------------ */

struct fnode *filter_term_bare(const char *s, size_t n)
{
	struct fnode *b = filter_node_new(N_BARE, 100);
	b->u.bare.lc = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		b->u.bare.lc[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	b->u.bare.lc[n] = '\0';
	b->u.bare.n = n;
	return b;
}

/* ---- values of terms --------------------------------------------------------------- */

/* Reads the value after an operator at op_at. */
static bool read_value(struct fparser *p, size_t op_at, enum fop op, bool regex, struct fdstr *d)
{
	filter_lex_skip_ws(p);
	char c = peekc(p);
	if (filter_lex_at_end(p) || c == ')' || c == '|' || c == '&') {
		filter_perr(p, op_at, "expected a value after '%s'", filter_op_text(op));
		return false;
	}
	return filter_lex_value(p, regex, d);
}

static size_t value_at(const struct fdstr *d)
{
	return d->start;
}

static bool is_regex_op(enum fop op)
{
	return op == OP_RE || op == OP_NRE || op == OP_REI || op == OP_NREI;
}

static bool is_num_op(enum fop op)
{
	return op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE;
}

/* subj ~ RE (and !~, ~*, !~*). */
static struct fnode *regex_term(struct fparser *p, enum fsubj subj, istr key, size_t op_at, enum fop op)
{
	struct fdstr d;
	if (!read_value(p, op_at, op, true, &d))
		return NULL;
	pcre2_code *re = filter_regex_compile(p, &d, op == OP_REI || op == OP_NREI);
	filter_dstr_free(&d);
	if (!re)
		return NULL;
	struct fnode *n = term_node(subj, T_RE, subj_cost(subj) + test_cost(T_RE));
	n->u.term.re = re;
	n->u.term.neg = op == OP_NRE || op == OP_NREI;
	n->u.term.icase = subj == SJ_TAG;
	n->u.term.key = key;
	if (key)
		intern_ref(key);
	uses(p, subj);
	return n;
}

/* subj = VALUE / != VALUE, exact or glob. */
static struct fnode *eq_term(struct fparser *p, enum fsubj subj, istr key, size_t op_at, enum fop op)
{
	struct fdstr d;
	if (!read_value(p, op_at, op, false, &d))
		return NULL;
	bool icase = subj == SJ_TAG;
	struct fnode *n;
	if (filter_dstr_has_glob(&d)) {
		n = term_node(subj, T_GLOB, subj_cost(subj) + test_cost(T_GLOB));
		filter_glob_init(&n->u.term.glob, &d, icase);
	} else {
		n = term_node(subj, T_EQ, subj_cost(subj) + test_cost(T_EQ));
		filter_lit_init(&n->u.term.val, &d);
	}
	filter_dstr_free(&d);
	n->u.term.neg = op == OP_NE;
	n->u.term.icase = icase;
	n->u.term.key = key;
	if (key)
		intern_ref(key);
	uses(p, subj);
	return n;
}

static struct fnode *presence_term(struct fparser *p, const struct fieldspec *fs, enum fop op)
{
	bool want = op == OP_EXISTS;
	switch (fs->kind) {
	case FK_PRIO: case FK_TIME: case FK_ID:
		return const_node(want);  /* every event has them */
	default:
		break;
	}
	struct fnode *n = term_node(fs->subj, T_PRESENT, subj_cost(fs->subj));
	n->u.term.neg = !want;
	n->u.term.key = fs->key;
	if (fs->key)
		intern_ref(fs->key);
	uses(p, fs->subj);
	return n;
}

/* Severity rank: debug 0 .. emergency 7, unknown 8 - above emergency, so
 * "priority>=warning" keeps events whose priority nobody knows. */
static int prio_rank(enum prio p)
{
	return p == PRIO_UNKNOWN ? PRIO_DEBUG + 1 : PRIO_DEBUG - (int)p;
}

static struct fnode *prio_term(struct fparser *p, size_t op_at, enum fop op)
{
	if (is_regex_op(op))
		return regex_term(p, SJ_PRIOTEXT, 0, op_at, op);
	struct fdstr d;
	if (!read_value(p, op_at, op, false, &d))
		return NULL;
	enum prio v;
	if (filter_prio_value(d.s, d.n, &v) < 0) {
		char *t = show(d.s, d.n);
		filter_perr_hint(p, value_at(&d), prio_hint, "unknown priority '%s'", t);
		free(t);
		filter_dstr_free(&d);
		return NULL;
	}
	filter_dstr_free(&d);
	int want = prio_rank(v);
	uint16_t mask = 0;
	for (int q = 0; q < PRIO_COUNT; q++) {
		int r = prio_rank((enum prio)q);
		bool in = op == OP_EQ ? r == want : op == OP_NE ? r != want : op == OP_LT ? r < want :
			  op == OP_LE ? r <= want : op == OP_GT ? r > want : r >= want;
		if (in)
			mask |= (uint16_t)(1u << q);
	}
	struct fnode *n = filter_node_new(N_PRIO, 1);
	n->u.prio_mask = mask;
	return n;
}

static struct fnode *time_term(struct fparser *p, size_t op_at, enum fop op)
{
	if (is_regex_op(op)) {
		filter_perr(p, op_at, "'%s' does not apply to time (use <, <=, >, >=, =, !=)", filter_op_text(op));
		return NULL;
	}
	struct fdstr d;
	if (!read_value(p, op_at, op, false, &d))
		return NULL;
	int64_t lo, hi;
	if (filter_time_value(d.s, d.n, &lo, &hi) < 0) {
		char *t = show(d.s, d.n);
		filter_perr_hint(p, value_at(&d), time_hint, "invalid time '%s'", t);
		free(t);
		filter_dstr_free(&d);
		return NULL;
	}
	filter_dstr_free(&d);
	struct fnode *n = filter_node_new(N_TIME, 1);
	switch (op) {
	case OP_LT: n->u.time.lo = INT64_MIN; n->u.time.hi = lo - 1; break;
	case OP_LE: n->u.time.lo = INT64_MIN; n->u.time.hi = hi; break;
	case OP_GT: n->u.time.lo = hi + 1; n->u.time.hi = INT64_MAX; break;
	case OP_GE: n->u.time.lo = lo; n->u.time.hi = INT64_MAX; break;
	default:
		n->u.time.lo = lo;
		n->u.time.hi = hi;
		n->u.time.neg = op == OP_NE;
		break;
	}
	return n;
}

static struct fnode *id_term(struct fparser *p, size_t op_at, enum fop op)
{
	if (is_regex_op(op))
		return regex_term(p, SJ_ID, 0, op_at, op);
	size_t save = p->pos;
	struct fdstr d;
	if (!read_value(p, op_at, op, false, &d))
		return NULL;
	if (filter_dstr_has_glob(&d)) {
		filter_dstr_free(&d);
		p->pos = save;
		return eq_term(p, SJ_ID, 0, op_at, op);
	}
	uint8_t id[16];
	if (event_id_parse(d.s, id) < 0) {
		char *t = show(d.s, d.n);
		filter_perr_hint(p, value_at(&d), "expected a uuid or 32 hex digits", "invalid event id '%s'", t);
		free(t);
		filter_dstr_free(&d);
		return NULL;
	}
	filter_dstr_free(&d);
	struct fnode *n = filter_node_new(N_IDEQ, 2);
	memcpy(n->u.id, id, 16);
	return op == OP_NE ? filter_node_not(n) : n;
}

static struct fnode *num_term(struct fparser *p, istr key, size_t op_at, enum fop op)
{
	struct fdstr d;
	if (!read_value(p, op_at, op, false, &d))
		return NULL;
	struct fnum num;
	if (!filter_num_parse(d.s, d.n, &num)) {
		filter_perr(p, value_at(&d), "expected a number after '%s'", filter_op_text(op));
		filter_dstr_free(&d);
		return NULL;
	}
	filter_dstr_free(&d);
	struct fnode *n = term_node(SJ_FIELD, T_NUM, subj_cost(SJ_FIELD) + test_cost(T_NUM));
	n->u.term.cmp = op;
	n->u.term.num = num;
	n->u.term.key = key;
	intern_ref(key);
	return n;
}

/* FIELD contains|icontains|startswith|endswith VALUE: a glob around the
 * literal value. */
static struct fnode *affix_term(struct fparser *p, const struct fieldspec *fs, size_t op_at, enum fop op)
{
	if (fs->kind == FK_PRIO || fs->kind == FK_TIME) {
		filter_perr(p, op_at, "'%s' does not apply to %s", filter_op_text(op), fs->name);
		return NULL;
	}
	struct fdstr d;
	if (!read_value(p, op_at, op, false, &d))
		return NULL;
	bool icase = op == OP_ICONTAINS || fs->subj == SJ_TAG;
	struct fnode *n = term_node(fs->subj, T_GLOB, subj_cost(fs->subj) + test_cost(T_GLOB));
	filter_glob_affix(&n->u.term.glob, d.s, d.n, op != OP_STARTSWITH, op != OP_ENDSWITH, icase);
	filter_dstr_free(&d);
	n->u.term.icase = icase;
	n->u.term.key = fs->key;
	if (fs->key)
		intern_ref(fs->key);
	uses(p, fs->subj);
	return n;
}

static struct fnode *comparison(struct fparser *p, const struct fieldspec *fs, size_t op_at, enum fop op);

/* FIELD in (V1, V2 ...): FIELD=V1 or FIELD=V2 ...; commas are optional. */
static struct fnode *in_list(struct fparser *p, const struct fieldspec *fs, size_t op_at)
{
	filter_lex_skip_ws(p);
	size_t open = p->pos++;  /* the caller saw '(' */
	struct fnode *list = NULL, *first = NULL;
	for (;;) {
		filter_lex_skip_ws(p);
		char c = peekc(p);
		if (first && c == ')') {
			p->pos++;
			return list ? list : first;
		}
		if (first && filter_lex_at_end(p)) {
			char hint[48];
			snprintf(hint, sizeof(hint), "to close '(' at %zu", open);
			filter_perr_hint(p, p->pos, hint, "expected ')'");
			break;
		}
		if (filter_lex_at_end(p) || c == ')' || c == ',' || c == '|' || c == '&') {
			if (first)
				filter_perr(p, p->pos, "expected a value in the list after 'in'");
			else
				filter_perr(p, op_at, "expected a value after 'in'");
			break;
		}
		p->in_list = true;
		struct fnode *k = comparison(p, fs, op_at, OP_EQ);
		p->in_list = false;
		if (!k)
			break;
		if (!first) {
			first = k;
		} else {
			if (!list) {
				list = filter_node_new(N_OR, 0);
				filter_node_add(list, first);
			}
			filter_node_add(list, k);
		}
		filter_lex_skip_ws(p);
		if (peekc(p) == ',')
			p->pos++;
	}
	filter_node_free(list ? list : first);
	return NULL;
}

/* FIELD OP VALUE, with p->pos at the operator. */
static struct fnode *comparison(struct fparser *p, const struct fieldspec *fs, size_t op_at, enum fop op)
{
	switch (fs->kind) {
	case FK_PRIO:
		return prio_term(p, op_at, op);
	case FK_TIME:
		return time_term(p, op_at, op);
	case FK_ID:
		if (is_num_op(op))
			break;
		return id_term(p, op_at, op);
	case FK_TEXT:
	case FK_TAG:
	case FK_FIELD:
		if (is_regex_op(op))
			return regex_term(p, fs->subj, fs->key, op_at, op);
		if (op == OP_EQ || op == OP_NE)
			return eq_term(p, fs->subj, fs->key, op_at, op);
		if (fs->kind == FK_FIELD)
			return num_term(p, fs->key, op_at, op);
		break;
	}
	filter_perr(p, op_at, "'%s' compares numbers, but %s is not a number", filter_op_text(op), fs->name);
	return NULL;
}

/* ---- fields ------------------------------------------------------------------------- */

static const struct builtin *find_builtin(const char *w, size_t n)
{
	for (size_t i = 0; i < ARRAY_LEN(builtins); i++)
		if (strieq_n(w, n, builtins[i].name, strlen(builtins[i].name)))
			return &builtins[i];
	return NULL;
}

static bool is_field_name(const char *w, size_t n)
{
	return find_builtin(w, n) || memchr(w, '.', n);
}

/* Resolves a field name; output_fields keys (with a dot) are interned.
 * false with an error for an unknown name. */
static bool resolve_field(struct fparser *p, size_t at, size_t n, struct fieldspec *fs)
{
	const char *w = p->s + at;
	const struct builtin *b = find_builtin(w, n);
	memset(fs, 0, sizeof(*fs));
	if (b) {
		fs->kind = b->kind;
		fs->subj = b->subj;
		fs->name = b->name;
		return true;
	}
	if (memchr(w, '.', n)) {
		fs->kind = FK_FIELD;
		fs->subj = SJ_FIELD;
		fs->name = "this field";
		fs->key = intern_put(w, n);
		return true;
	}
	const char *names[ARRAY_LEN(builtins)];
	for (size_t i = 0; i < ARRAY_LEN(builtins); i++)
		names[i] = builtins[i].name;
	const char *best = closest(w, n, names, ARRAY_LEN(names));
	char hint[64];
	if (best)
		snprintf(hint, sizeof(hint), "did you mean %s?", best);
	char *t = show(w, n);
	filter_perr_hint(p, at, best ? hint : "output_fields keys have a dot, e.g. proc.name, or use field:NAME",
			 "unknown field '%s'", t);
	free(t);
	return false;
}

/* A word operator at `at`: exists, missing, contains, icontains,
 * startswith, endswith, or `in` followed by '('. OP_NONE otherwise. */
static enum fop word_op(const struct fparser *p, size_t at)
{
	static const struct {
		const char *w;
		enum fop op;
	} ops[] = {
		{ "exists", OP_EXISTS }, { "missing", OP_MISSING }, { "contains", OP_CONTAINS },
		{ "icontains", OP_ICONTAINS }, { "startswith", OP_STARTSWITH }, { "endswith", OP_ENDSWITH },
	};
	for (size_t i = 0; i < ARRAY_LEN(ops); i++)
		if (filter_lex_word_is(p, at, ops[i].w))
			return ops[i].op;
	if (filter_lex_word_len(p, at) == 2 && filter_lex_word_is(p, at, "in")) {
		size_t i = at + 2;
		while (i < p->n && filter_lex_is_space((unsigned char)p->s[i]))
			i++;
		if (i < p->n && p->s[i] == '(')
			return OP_IN;
	}
	return OP_NONE;
}

/* After a field name: OP VALUE, or a word operator. Returns NULL with no
 * error set if neither follows (the caller decides). */
static struct fnode *field_rest(struct fparser *p, struct fieldspec *fs, bool *none)
{
	filter_lex_skip_ws(p);
	size_t at = p->pos, len;
	enum fop op = filter_lex_op(p, at, &len);
	*none = false;
	if (op != OP_NONE) {
		p->pos = at + len;
		return comparison(p, fs, at, op);
	}
	op = word_op(p, at);
	if (op == OP_EXISTS || op == OP_MISSING) {
		p->pos = at + filter_lex_word_len(p, at);
		return presence_term(p, fs, op);
	}
	if (op == OP_IN) {
		p->pos = at + 2;
		return in_list(p, fs, at);
	}
	if (op != OP_NONE) {
		p->pos = at + filter_lex_word_len(p, at);
		return affix_term(p, fs, at, op);
	}
	*none = true;
	return NULL;
}

/* ---- prefix terms -------------------------------------------------------------------- */

/* The argument of a prefix such as tag: or field: (the prefix is
 * [start, start+plen)), quoted or a word. */
static bool prefix_arg(struct fparser *p, size_t start, size_t plen, const char *what, struct fdstr *d)
{
	size_t at = start + plen;
	p->pos = at;
	char c = peekc(p);
	if (c == '"' || c == '\'')
		return filter_lex_quoted(p, d);
	size_t n = filter_lex_word_len(p, at);
	if (n == 0) {
		filter_perr(p, start, "expected %s after '%.*s'", what, (int)plen, p->s + start);
		return false;
	}
	filter_lex_span(p, at, n, d);
	p->pos = at + n;
	return true;
}

static struct fnode *tag_prefix(struct fparser *p, size_t at, size_t plen)
{
	struct fdstr d;
	if (!prefix_arg(p, at, plen, "a tag name", &d))
		return NULL;
	struct fnode *n;
	if (filter_dstr_has_glob(&d)) {
		n = term_node(SJ_TAG, T_GLOB, subj_cost(SJ_TAG) + test_cost(T_GLOB));
		filter_glob_init(&n->u.term.glob, &d, true);
	} else {
		n = term_node(SJ_TAG, T_EQ, subj_cost(SJ_TAG) + test_cost(T_EQ));
		filter_lit_init(&n->u.term.val, &d);
	}
	n->u.term.icase = true;
	filter_dstr_free(&d);
	return n;
}

static struct fnode *is_prefix(struct fparser *p, size_t at)
{
	size_t nat = at + 3;
	size_t n = filter_lex_word_len(p, nat);
	const char *w = p->s + nat;
	const char *names[ARRAY_LEN(states)];
	for (size_t i = 0; i < ARRAY_LEN(states); i++) {
		names[i] = states[i].name;
		if (strieq_n(w, n, states[i].name, strlen(states[i].name))) {
			struct fnode *s = filter_node_new(states[i].type, 1);
			s->u.mask = states[i].mask;
			if (states[i].type == N_STATE)
				p->uses_state = true;
			p->pos = nat + n;
			return s;
		}
	}
	const char *best = closest(w, n, names, ARRAY_LEN(names));
	char hint[96];
	if (best)
		snprintf(hint, sizeof(hint), "did you mean is:%s?", best);
	char *t = show(w, n);
	filter_perr_hint(p, at, best ? hint : state_hint, "unknown state 'is:%s'", t);
	free(t);
	return NULL;
}

static struct fnode *since_prefix(struct fparser *p, size_t at)
{
	struct fdstr d;
	if (!prefix_arg(p, at, 6, "a duration", &d))
		return NULL;
	int64_t dur, lo, hi;
	struct fnode *n = NULL;
	if (parse_duration(d.s, &dur) == 0 && d.n == strlen(d.s)) {
		n = filter_node_new(N_SINCE, 1);
		n->u.since = dur;
		p->uses_time = true;
	} else if (filter_time_value(d.s, d.n, &lo, &hi) == 0) {
		n = filter_node_new(N_TIME, 1);
		n->u.time.lo = lo;
		n->u.time.hi = INT64_MAX;
	} else {
		char *t = show(d.s, d.n);
		filter_perr_hint(p, at, "expected e.g. 90s, 15m, 2h, 1d, 1w, or a time",
				 "invalid duration '%s'", t);
		free(t);
	}
	filter_dstr_free(&d);
	return n;
}

static struct fnode *field_prefix(struct fparser *p, size_t at)
{
	struct fdstr d;
	if (!prefix_arg(p, at, 6, "a field name", &d))
		return NULL;
	struct fieldspec fs = { FK_FIELD, SJ_FIELD, "this field", intern_put(d.s, d.n) };
	filter_dstr_free(&d);
	bool none;
	struct fnode *n = field_rest(p, &fs, &none);
	if (none)
		filter_perr(p, p->pos, "expected an operator, exists or missing after 'field:'");
	intern_unref(fs.key);
	return n;
}

/* ---- a term starting with a word ---------------------------------------------------------- */

struct fnode *filter_term(struct fparser *p, size_t at)
{
	if (has_prefix(p, at, "tag:"))
		return tag_prefix(p, at, 4);
	if (has_prefix(p, at, "tags:"))
		return tag_prefix(p, at, 5);
	if (has_prefix(p, at, "is:"))
		return is_prefix(p, at);
	if (has_prefix(p, at, "since:"))
		return since_prefix(p, at);
	if (has_prefix(p, at, "field:"))
		return field_prefix(p, at);

	size_t wn = filter_lex_word_len(p, at);
	const char *w = p->s + at;
	p->pos = at + wn;
	filter_lex_skip_ws(p);
	size_t len;
	bool op_follows = filter_lex_op(p, p->pos, &len) != OP_NONE;
	bool word_follows = is_field_name(w, wn) && word_op(p, p->pos) != OP_NONE;
	if (op_follows || word_follows) {
		struct fieldspec fs;
		if (!resolve_field(p, at, wn, &fs))
			return NULL;
		bool none;
		struct fnode *n = field_rest(p, &fs, &none);
		intern_unref(fs.key);
		return n;
	}
	p->pos = at + wn;
	return filter_term_bare(w, wn);
}
