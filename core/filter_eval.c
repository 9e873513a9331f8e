/* filter_eval.c — evaluating a compiled filter against one event (see
 * filter_int.h).
 *
 * Hot path: no allocation per event. String equality is an interned-id
 * comparison; the output text is rendered at most once per evaluation into a
 * per-thread buffer; PCRE2 match data, match context and JIT stack are per
 * thread too, so one compiled filter can run on several threads at once. */
#include "core/filter_int.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A regex that needs more than this many backtracking steps on one value
 * does not match: attacker-controlled text must not stall the console. */
#define RE_MATCH_LIMIT 1000000

struct scratch {
	struct sbuf out;      /* output text of the current event */
	struct sbuf msg;      /* message text of the current event */
	struct sbuf tmp;      /* formatted numbers, ids */
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_destroy(void *arg)
{
	struct scratch *sc = arg;
	sbuf_free(&sc->out);
	sbuf_free(&sc->msg);
	sbuf_free(&sc->tmp);
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mc);
	pcre2_jit_stack_free(sc->js);
	free(sc);
}

static void scratch_key_init(void)
{
	if (pthread_key_create(&scratch_key, scratch_destroy) != 0)
		abort();
}

static struct scratch *scratch_get(void)
{
	pthread_once(&scratch_once, scratch_key_init);
	struct scratch *sc = pthread_getspecific(scratch_key);
	if (sc)
		return sc;
	sc = xcalloc(1, sizeof(*sc));
	sc->md = pcre2_match_data_create(1, NULL);
	sc->mc = pcre2_match_context_create(NULL);
	if (!sc->md || !sc->mc)
		abort();  /* out of memory, as xmalloc would */
	pcre2_set_match_limit(sc->mc, RE_MATCH_LIMIT);
	sc->js = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (sc->js)
		pcre2_jit_stack_assign(sc->mc, NULL, sc->js);
	pthread_setspecific(scratch_key, sc);
	return sc;
}

/* State of one evaluation: what has been computed for this event. */
struct ectx {
	const struct event *ev;
	const struct filter_ctx *cx;
	struct scratch *sc;
	bool have_out, have_msg, have_note, have_now;
	const char *note;
	int64_t now;
};

static struct scratch *sc(struct ectx *e)
{
	if (!e->sc)
		e->sc = scratch_get();
	return e->sc;
}

static void output_text(struct ectx *e, const char **s, size_t *n)
{
	struct scratch *t = sc(e);
	if (!e->have_out) {
		sbuf_reset(&t->out);
		event_output(e->ev, &t->out);
		e->have_out = true;
	}
	*s = sbuf_str(&t->out);
	*n = t->out.len;
}

static void message_text(struct ectx *e, const char **s, size_t *n)
{
	struct scratch *t = sc(e);
	if (!e->have_msg) {
		sbuf_reset(&t->msg);
		event_message(e->ev, &t->msg);
		e->have_msg = true;
	}
	*s = sbuf_str(&t->msg);
	*n = t->msg.len;
}

static const char *note_text(struct ectx *e)
{
	if (!e->have_note) {
		e->note = e->cx && e->cx->note ? e->cx->note(e->cx->note_arg, e->ev) : NULL;
		e->have_note = true;
	}
	return e->note;
}

static int64_t now(struct ectx *e)
{
	if (!e->have_now) {
		e->now = e->cx && e->cx->now_ns ? e->cx->now_ns : now_ns();
		e->have_now = true;
	}
	return e->now;
}

static bool re_match(struct ectx *e, const pcre2_code *re, const char *s, size_t n)
{
	struct scratch *t = sc(e);
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, t->md, t->mc) >= 0;
}

/* Text tests shared by every subject. */
static bool text_test(struct ectx *e, const struct fterm *t, const char *s, size_t n)
{
	switch (t->test) {
	case T_EQ:
		return n == t->val.n && memcmp(s, t->val.s, n) == 0;
	case T_GLOB:
		return filter_glob_match(&t->glob, s, n, t->icase);
	case T_RE:
		return re_match(e, t->re, s, n);
	default:
		return false;
	}
}

/* rule, hostname, source, subject: interned, so = is an id comparison. */
static bool istr_test(struct ectx *e, const struct fterm *t, istr id)
{
	if (t->test == T_PRESENT)
		return id != 0;
	if (!id)
		return false;
	if (t->test == T_EQ)
		return id == t->val.id;
	size_t n;
	const char *s = intern_str(id, &n);
	return text_test(e, t, s, n);
}

/* ---- output_fields ----------------------------------------------------------------- */

static bool fval_num(const struct fval *v, struct fnum *out)
{
	switch (v->type) {
	case FV_INT:
		out->is_int = true;
		out->i = v->i;
		out->d = (double)v->i;
		return true;
	case FV_REAL:
		out->is_int = false;
		out->d = v->d;
		return true;
	case FV_STRING: {
		size_t n;
		const char *s = intern_str(v->str, &n);
		/* Cheap rejection before parsing: most strings are not numbers. */
		if (!n || !((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' || s[0] == '.'))
			return false;
		return filter_num_parse(s, n, out);
	}
	default:
		return false;
	}
}

static bool field_eq(const struct fval *v, const struct flit *l)
{
	struct fnum a;
	switch (v->type) {
	case FV_STRING:
		if (v->str == l->id)
			return true;
		return l->has_num && fval_num(v, &a) && filter_num_cmp(&a, &l->num) == 0;
	case FV_JSON:
		return v->str == l->id;
	case FV_INT:
	case FV_REAL:
		return l->has_num && fval_num(v, &a) && filter_num_cmp(&a, &l->num) == 0;
	case FV_BOOL:
		return l->boolean >= 0 && (v->i != 0) == (l->boolean != 0);
	default:
		return false;
	}
}

static bool field_cmp(const struct fval *v, enum fop op, const struct fnum *b)
{
	struct fnum a;
	if (!fval_num(v, &a))
		return false;
	int r = filter_num_cmp(&a, b);
	if (r == 2)
		return false;
	switch (op) {
	case OP_LT: return r < 0;
	case OP_LE: return r <= 0;
	case OP_GT: return r > 0;
	case OP_GE: return r >= 0;
	default: return r == 0;
	}
}

/* The text of a value for globs and regexes: strings as they are, arrays
 * and objects as compact JSON, numbers and booleans as displayed. */
static bool fval_text(struct ectx *e, const struct fval *v, const char **s, size_t *n)
{
	switch (v->type) {
	case FV_NULL:
		return false;
	case FV_STRING:
	case FV_JSON:
		*s = intern_str(v->str, n);
		return true;
	default: {
		struct scratch *t = sc(e);
		sbuf_reset(&t->tmp);
		fval_format(v, &t->tmp);
		*s = sbuf_str(&t->tmp);
		*n = t->tmp.len;
		return true;
	}
	}
}

static bool field_test(struct ectx *e, const struct fterm *t)
{
	struct fval v;
	if (!event_get(e->ev, t->key, &v))
		return false;
	const char *s;
	size_t n;
	switch (t->test) {
	case T_PRESENT:
		return v.type != FV_NULL;
	case T_EQ:
		return field_eq(&v, &t->val);
	case T_NUM:
		return field_cmp(&v, t->cmp, &t->num);
	default:
		return fval_text(e, &v, &s, &n) && text_test(e, t, s, n);
	}
}

/* ---- tags, id --------------------------------------------------------------------- */

static bool tag_test(struct ectx *e, const struct fterm *t)
{
	size_t n;
	const char *tg = event_tag_next(e->ev, NULL, &n);
	if (t->test == T_PRESENT)
		return tg != NULL;
	for (; tg; tg = event_tag_next(e->ev, tg, &n)) {
		bool hit = t->test == T_EQ ? strieq_n(tg, n, t->val.s, t->val.n) : text_test(e, t, tg, n);
		if (hit)
			return true;
	}
	return false;
}

static bool id_test(struct ectx *e, const struct fterm *t)
{
	char text[40];
	event_id_text(e->ev, text);
	return text_test(e, t, text, strlen(text));
}

/* ---- terms ---------------------------------------------------------------------------- */

static bool term_test(struct ectx *e, const struct fterm *t)
{
	const struct event *ev = e->ev;
	const char *s;
	size_t n;
	switch (t->subj) {
	case SJ_RULE:
		return istr_test(e, t, ev->rule);
	case SJ_HOST:
		return istr_test(e, t, ev->hostname);
	case SJ_SOURCE:
		return istr_test(e, t, ev->source);
	case SJ_SUBJECT:
		return istr_test(e, t, ev->subject);
	case SJ_PRIOTEXT:
		if (ev->prio_text) {
			s = intern_str(ev->prio_text, &n);
		} else {
			s = prio_name(ev->prio < PRIO_COUNT ? (enum prio)ev->prio : PRIO_UNKNOWN);
			n = strlen(s);
		}
		return text_test(e, t, s, n);
	case SJ_OUTPUT:
		if (t->test == T_PRESENT)
			return !(ev->flags & EV_NO_OUTPUT);
		output_text(e, &s, &n);
		return text_test(e, t, s, n);
	case SJ_MESSAGE:
		if (t->test == T_PRESENT)
			return !(ev->flags & EV_NO_OUTPUT);
		message_text(e, &s, &n);
		return text_test(e, t, s, n);
	case SJ_NOTE:
		s = note_text(e);
		if (t->test == T_PRESENT)
			return s != NULL;
		return s && text_test(e, t, s, strlen(s));
	case SJ_ID:
		return id_test(e, t);
	case SJ_TAG:
		return tag_test(e, t);
	case SJ_FIELD:
		return field_test(e, t);
	}
	return false;
}

static bool bare_test(struct ectx *e, const struct fnode *b)
{
	const char *lc = b->u.bare.lc;
	size_t ln = b->u.bare.n, n;
	const char *s = intern_str(e->ev->rule, &n);
	if (filter_ci_contains(s, n, lc, ln))
		return true;
	s = intern_str(e->ev->hostname, &n);
	if (filter_ci_contains(s, n, lc, ln))
		return true;
	output_text(e, &s, &n);
	return filter_ci_contains(s, n, lc, ln);
}

static bool eval(struct ectx *e, const struct fnode *n)
{
	const struct event *ev = e->ev;
	switch (n->type) {
	case N_TRUE:
		return true;
	case N_AND:
		for (size_t i = 0; i < n->u.list.n; i++)
			if (!eval(e, n->u.list.kid[i]))
				return false;
		return true;
	case N_OR:
		for (size_t i = 0; i < n->u.list.n; i++)
			if (eval(e, n->u.list.kid[i]))
				return true;
		return false;
	case N_NOT:
		return !eval(e, n->u.not);
	case N_PRIO:
		return (n->u.prio_mask >> (ev->prio < PRIO_COUNT ? ev->prio : PRIO_UNKNOWN)) & 1;
	case N_TIME: {
		bool in = ev->time_ns >= n->u.time.lo && ev->time_ns <= n->u.time.hi;
		return in != n->u.time.neg;
	}
	case N_SINCE: {
		int64_t t = now(e);
		int64_t lo = t < INT64_MIN + n->u.since ? INT64_MIN : t - n->u.since;
		return ev->time_ns >= lo;
	}
	case N_STATE:
		return (ev->state & n->u.mask) != 0;
	case N_FLAG:
		return (ev->flags & n->u.mask) != 0;
	case N_BARE:
		return bare_test(e, n);
	case N_IDEQ:
		return memcmp(ev->id, n->u.id, 16) == 0;
	case N_TERM:
		return term_test(e, &n->u.term) != n->u.term.neg;
	}
	return false;
}

bool filter_eval(const struct fnode *n, const struct event *ev, const struct filter_ctx *cx)
{
	struct ectx e = { .ev = ev, .cx = cx };
	return eval(&e, n);
}
