/*
 * filter_int.h — the compiled form of a filter, shared by its parts:
 *   filter_lex.c    scanning: words, operators, quoted/unquoted values
 *   filter_value.c  literal values: numbers, priorities, times, globs, regexes
 *   filter_text.c   text matchers: globs, case-insensitive substring search
 *   filter_term.c   one term: fields, operators, values, prefixes, bare words
 *   filter_parse.c  the grammar: terms combined with and/or/not/parentheses
 *   filter_eval.c   evaluation of a tree against an event
 *   filter.c        the public API, tree optimisation and freeing
 * Not for use outside core/filter*.c.
 *
 * Ownership: a node owns its children, its strings, its compiled regex and
 * one reference on each interned id it stores (key, val.id).
 * Thread safety: trees are immutable once compiled.
 */
#ifndef SOCTERM_FILTER_INT_H
#define SOCTERM_FILTER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/event.h"
#include "core/filter.h"
#include "core/intern.h"

/* ---- numbers ------------------------------------------------------------ */

struct fnum {
	bool is_int;
	int64_t i;
	double d;
};

/* Parses the whole of s[0..n) as a JSON-like number (optional sign, digits,
 * fraction, exponent; no spaces, no hex, no inf/nan). Integers that fit
 * int64 stay exact. */
bool filter_num_parse(const char *s, size_t n, struct fnum *out);
/* -1, 0, 1, or 2 when unordered (NaN). Exact across int64 and double. */
int filter_num_cmp(const struct fnum *a, const struct fnum *b);

/* ---- globs -------------------------------------------------------------- */

enum { GL_LIT, GL_STAR, GL_ONE };

struct fglob {
	char *b;          /* bytes (for GL_LIT positions) */
	uint8_t *kind;    /* GL_* per position */
	size_t n;
};

bool filter_glob_match(const struct fglob *g, const char *s, size_t n, bool icase);

/* ---- case-insensitive substring search ------------------------------------ */

/* needle is already ASCII-lower-case. */
bool filter_ci_contains(const char *hay, size_t hn, const char *needle, size_t nn);

/* ---- scanning ----------------------------------------------------------- */

struct fparser {
	const char *s;
	size_t n;
	size_t pos;
	int depth;
	bool in_list;     /* inside `in (...)`: a comma also ends a value */
	char *err;
	size_t err_pos;
	bool uses_time;
	bool uses_state;
};

/* A decoded value. `esc[i]` is 1 when byte i came from an escape (so a `*`
 * or `?` there is literal); `src[i]` is the byte offset in the expression it
 * came from (for error positions). s is NUL-terminated. */
struct fdstr {
	char *s;
	size_t n;
	uint8_t *esc;
	size_t *src;
	size_t start;     /* source offset of the token (its quote if quoted) */
	size_t end;       /* source offset just past the token */
	bool quoted;
};

enum fop {
	OP_NONE, OP_EQ, OP_NE, OP_RE, OP_NRE, OP_REI, OP_NREI,
	OP_LT, OP_LE, OP_GT, OP_GE, OP_EXISTS, OP_MISSING,
	OP_IN, OP_CONTAINS, OP_ICONTAINS, OP_STARTSWITH, OP_ENDSWITH   /* word operators */
};

void filter_perr(struct fparser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void filter_perr_hint(struct fparser *p, size_t at, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

bool filter_lex_is_space(int c);
void filter_lex_skip_ws(struct fparser *p);
bool filter_lex_at_end(struct fparser *p);
/* Length of the word at pos (0 if none): stops at white space, ( ) | & and
 * operator characters; [..] brackets are taken whole. */
size_t filter_lex_word_len(const struct fparser *p, size_t pos);
/* True if the word at pos is `kw` (case-insensitive) and nothing more. */
bool filter_lex_word_is(const struct fparser *p, size_t pos, const char *kw);
/* Operator at pos, its length in *len; OP_NONE if none. */
enum fop filter_lex_op(const struct fparser *p, size_t pos, size_t *len);
const char *filter_op_text(enum fop op);
/* Reads the value at pos (quoted or not), advancing pos. `regex`: keep
 * unknown escapes (and \* \?) as written. false on error (p->err set). */
bool filter_lex_value(struct fparser *p, bool regex, struct fdstr *out);
/* Decodes the unquoted span [at, at+n) in literal mode (\* \? \\ escapes). */
void filter_lex_span(struct fparser *p, size_t at, size_t n, struct fdstr *out);
/* A quoted string at pos, decoded in literal mode. */
bool filter_lex_quoted(struct fparser *p, struct fdstr *out);
void filter_dstr_free(struct fdstr *d);

/* ---- the tree ----------------------------------------------------------- */

enum fntype {
	N_TRUE, N_AND, N_OR, N_NOT,
	N_PRIO,     /* prio mask */
	N_TIME,     /* absolute [lo, hi] */
	N_SINCE,    /* time >= now - dur */
	N_STATE,    /* ev->state & mask */
	N_FLAG,     /* ev->flags & mask */
	N_BARE,     /* substring over rule, host, output */
	N_IDEQ,     /* id bytes */
	N_TERM,     /* subject + test */
};

/* Where a term's value comes from. */
enum fsubj {
	SJ_RULE, SJ_HOST, SJ_SOURCE, SJ_SUBJECT, SJ_PRIOTEXT,
	SJ_OUTPUT, SJ_MESSAGE, SJ_NOTE, SJ_ID, SJ_TAG, SJ_FIELD
};

enum ftest { T_EQ, T_GLOB, T_RE, T_NUM, T_PRESENT };

/* A literal value for `=`, with the forms it may match in. */
struct flit {
	char *s;
	size_t n;
	istr id;          /* interned s (reference held) */
	bool has_num;
	struct fnum num;
	int boolean;      /* -1, 0 or 1 */
};

struct fterm {
	enum fsubj subj;
	enum ftest test;
	bool neg;         /* the result is inverted (!=, !~, missing) */
	bool icase;       /* tags: names compare case-insensitively */
	istr key;         /* SJ_FIELD (reference held) */
	struct flit val;   /* T_EQ */
	struct fglob glob; /* T_GLOB */
	pcre2_code *re;   /* T_RE */
	enum fop cmp;      /* T_NUM: OP_LT .. OP_GE or OP_EQ */
	struct fnum num;   /* T_NUM */
};

struct fnode {
	enum fntype type;
	int cost;         /* rough evaluation cost: cheap terms run first */
	union {
		struct {
			struct fnode **kid;
			size_t n;
		} list;               /* N_AND, N_OR */
		struct fnode *not;     /* N_NOT */
		uint16_t prio_mask;   /* N_PRIO: bit per enum prio */
		struct {
			int64_t lo, hi;   /* inclusive */
			bool neg;
		} time;               /* N_TIME */
		int64_t since;        /* N_SINCE: duration */
		uint8_t mask;         /* N_STATE, N_FLAG */
		struct {
			char *lc;         /* lower-case needle */
			size_t n;
		} bare;
		uint8_t id[16];       /* N_IDEQ */
		struct fterm term;
	} u;
};

struct fnode *filter_node_new(enum fntype t, int cost);
void filter_node_free(struct fnode *n);
/* Appends kid to an N_AND/N_OR list. */
void filter_node_add(struct fnode *list, struct fnode *kid);
struct fnode *filter_node_not(struct fnode *kid);

/* ---- values ------------------------------------------------------------- */

/* Priority name (case-insensitive, syslog short forms, "unknown"): 0 or -1. */
int filter_prio_value(const char *s, size_t n, enum prio *out);
/* Time "2026-01-02[T10:00[:05[.123]]][Z|+hh:mm|-hhmm]" (space for T too):
 * the interval it stands for, [lo, hi] inclusive, UTC ns. 0 or -1. */
int filter_time_value(const char *s, size_t n, int64_t *lo, int64_t *hi);
void filter_lit_init(struct flit *l, const struct fdstr *d);
void filter_lit_free(struct flit *l);
bool filter_dstr_has_glob(const struct fdstr *d);
void filter_glob_init(struct fglob *g, const struct fdstr *d, bool icase);
void filter_glob_free(struct fglob *g);
/* A glob matching s[0..n) literally, with `*` before and/or after it
 * (contains, startswith, endswith). */
void filter_glob_affix(struct fglob *g, const char *s, size_t n, bool star_front, bool star_back, bool icase);
/* Compiles d as a regex; on error sets p->err at the right source offset. */
pcre2_code *filter_regex_compile(struct fparser *p, const struct fdstr *d, bool icase);

/* ---- parse / eval --------------------------------------------------------- */

/* The term starting with the word at `at` (a prefix term, a comparison, a
 * presence test or a bare word); NULL with p->err set on error. */
struct fnode *filter_term(struct fparser *p, size_t at);
/* A case-insensitive substring search for s[0..n). */
struct fnode *filter_term_bare(const char *s, size_t n);
/* Parses the whole expression; NULL with p->err set on error. An empty
 * expression gives N_TRUE. */
struct fnode *filter_parse_expr(struct fparser *p);
bool filter_eval(const struct fnode *n, const struct event *ev, const struct filter_ctx *cx);

#endif
