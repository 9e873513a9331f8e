/* filter_lex.c — scanning filter expressions (see filter_int.h).
 *
 * The grammar is context-sensitive (a value after an operator is scanned
 * differently from a term), so there is no token stream: the parser asks for
 * the word, operator or value at its current position. */
#include "core/filter_int.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void seterr(struct fparser *p, size_t at, const char *hint, const char *fmt, va_list ap)
{
	if (p->err)
		return;
	struct sbuf b = SBUF_INIT;
	sbuf_vprintf(&b, fmt, ap);
	sbuf_printf(&b, " at %zu", at);
	if (hint)
		sbuf_printf(&b, " (%s)", hint);
	p->err = sbuf_steal(&b);
	p->err_pos = at;
}

void filter_perr(struct fparser *p, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	seterr(p, at, NULL, fmt, ap);
	va_end(ap);
}

void filter_perr_hint(struct fparser *p, size_t at, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	seterr(p, at, hint, fmt, ap);
	va_end(ap);
}

bool filter_lex_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void filter_lex_skip_ws(struct fparser *p)
{
	while (p->pos < p->n && filter_lex_is_space((unsigned char)p->s[p->pos]))
		p->pos++;
}

bool filter_lex_at_end(struct fparser *p)
{
	return p->pos >= p->n;
}

/* Characters that end a word (besides white space). `!` ends one only as
 * the start of != or !~, so "foo!" stays a word. */
static bool ends_word(const struct fparser *p, size_t i)
{
	char c = p->s[i];
	switch (c) {
	case '(': case ')': case '|': case '&': case '=': case '~': case '<': case '>':
		return true;
	case '!':
		return i + 1 < p->n && (p->s[i + 1] == '=' || p->s[i + 1] == '~');
	default:
		return filter_lex_is_space((unsigned char)c);
	}
}

size_t filter_lex_word_len(const struct fparser *p, size_t pos)
{
	size_t i = pos;
	while (i < p->n && !ends_word(p, i)) {
		if (p->s[i] == '[') {
			/* proc.aname[2], ka.uri.param[command]: brackets belong to
			 * the name, whatever they hold. */
			const char *close = memchr(p->s + i, ']', p->n - i);
			if (close) {
				i = (size_t)(close - p->s) + 1;
				continue;
			}
		}
		i++;
	}
	return i - pos;
}

bool filter_lex_word_is(const struct fparser *p, size_t pos, const char *kw)
{
	size_t n = filter_lex_word_len(p, pos);
	return n && strieq_n(p->s + pos, n, kw, strlen(kw));
}

enum fop filter_lex_op(const struct fparser *p, size_t pos, size_t *len)
{
	char c = pos < p->n ? p->s[pos] : '\0';
	char d = pos + 1 < p->n ? p->s[pos + 1] : '\0';
	char e = pos + 2 < p->n ? p->s[pos + 2] : '\0';
	*len = 1;
	switch (c) {
	case '=':
		if (d == '=')
			*len = 2;
		return OP_EQ;
	case '!':
		if (d == '=') {
			*len = 2;
			return OP_NE;
		}
		if (d == '~') {
			*len = e == '*' ? 3 : 2;
			return e == '*' ? OP_NREI : OP_NRE;
		}
		return OP_NONE;
	case '~':
		if (d == '*') {
			*len = 2;
			return OP_REI;
		}
		return OP_RE;
	case '<':
		if (d == '=')
			*len = 2;
		return d == '=' ? OP_LE : OP_LT;
	case '>':
		if (d == '=')
			*len = 2;
		return d == '=' ? OP_GE : OP_GT;
	default:
		*len = 0;
		return OP_NONE;
	}
}

const char *filter_op_text(enum fop op)
{
	static const char *const t[] = {
		[OP_NONE] = "", [OP_EQ] = "=", [OP_NE] = "!=", [OP_RE] = "~", [OP_NRE] = "!~",
		[OP_REI] = "~*", [OP_NREI] = "!~*", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">",
		[OP_GE] = ">=", [OP_EXISTS] = "exists", [OP_MISSING] = "missing", [OP_IN] = "in",
		[OP_CONTAINS] = "contains", [OP_ICONTAINS] = "icontains", [OP_STARTSWITH] = "startswith",
		[OP_ENDSWITH] = "endswith",
	};
	return t[op];
}

/* ---- decoded strings ------------------------------------------------------ */

static void dput(struct fdstr *d, size_t *cap, char c, bool esc, size_t src)
{
	if (d->n + 1 >= *cap) {
		*cap = *cap ? *cap * 2 : 32;
		d->s = xrealloc(d->s, *cap);
		d->esc = xrealloc(d->esc, *cap);
		d->src = xrealloc(d->src, *cap * sizeof(size_t));
	}
	d->s[d->n] = c;
	d->esc[d->n] = esc;
	d->src[d->n] = src;
	d->n++;
	d->s[d->n] = '\0';
}

static void dinit(struct fdstr *d, size_t *cap)
{
	memset(d, 0, sizeof(*d));
	*cap = 32;
	d->s = xmalloc(*cap);
	d->esc = xmalloc(*cap);
	d->src = xmalloc(*cap * sizeof(size_t));
	d->s[0] = '\0';
}

void filter_dstr_free(struct fdstr *d)
{
	free(d->s);
	free(d->esc);
	free(d->src);
	memset(d, 0, sizeof(*d));
}

static bool hexn(const struct fparser *p, size_t at, int digits, uint32_t *out)
{
	uint32_t v = 0;
	for (int k = 0; k < digits; k++) {
		int h = at + (size_t)k < p->n ? hexval((unsigned char)p->s[at + (size_t)k]) : -1;
		if (h < 0)
			return false;
		v = v * 16 + (uint32_t)h;
	}
	*out = v;
	return true;
}

static void put_utf8(struct fdstr *d, size_t *cap, uint32_t cp, size_t src)
{
	if (cp < 0x80) {
		dput(d, cap, (char)cp, true, src);
	} else if (cp < 0x800) {
		dput(d, cap, (char)(0xC0 | (cp >> 6)), true, src);
		dput(d, cap, (char)(0x80 | (cp & 0x3F)), true, src);
	} else if (cp < 0x10000) {
		dput(d, cap, (char)(0xE0 | (cp >> 12)), true, src);
		dput(d, cap, (char)(0x80 | ((cp >> 6) & 0x3F)), true, src);
		dput(d, cap, (char)(0x80 | (cp & 0x3F)), true, src);
	} else {
		dput(d, cap, (char)(0xF0 | (cp >> 18)), true, src);
		dput(d, cap, (char)(0x80 | ((cp >> 12) & 0x3F)), true, src);
		dput(d, cap, (char)(0x80 | ((cp >> 6) & 0x3F)), true, src);
		dput(d, cap, (char)(0x80 | (cp & 0x3F)), true, src);
	}
}

/* \uXXXX, with a following \uXXXX for a surrogate pair. Returns the number
 * of source bytes used, backslash included; 0 on error. */
static size_t decode_u(struct fparser *p, size_t bs, struct fdstr *d, size_t *cap)
{
	uint32_t cp;
	if (!hexn(p, bs + 2, 4, &cp))
		return 0;
	size_t used = 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		uint32_t lo;
		if (bs + 7 < p->n && p->s[bs + 6] == '\\' && p->s[bs + 7] == 'u' &&
		    hexn(p, bs + 8, 4, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			used = 12;
		} else {
			return 0;
		}
	} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
		return 0;
	}
	put_utf8(d, cap, cp, bs);
	return used;
}

/* Decodes one escape at bs (the backslash) inside quotes. */
static bool decode_escape(struct fparser *p, size_t *i, bool regex, struct fdstr *d, size_t *cap)
{
	size_t bs = *i;
	char c = p->s[bs + 1];
	switch (c) {
	case '"': case '\'': case '\\':
		dput(d, cap, c, true, bs);
		*i = bs + 2;
		return true;
	case 'n': dput(d, cap, '\n', true, bs); *i = bs + 2; return true;
	case 't': dput(d, cap, '\t', true, bs); *i = bs + 2; return true;
	case 'r': dput(d, cap, '\r', true, bs); *i = bs + 2; return true;
	case 'x': {
		uint32_t v;
		if (!hexn(p, bs + 2, 2, &v)) {
			filter_perr(p, bs, "invalid escape '\\x' (expected two hex digits)");
			return false;
		}
		dput(d, cap, (char)v, true, bs);
		*i = bs + 4;
		return true;
	}
	case 'u': {
		size_t used = decode_u(p, bs, d, cap);
		if (!used) {
			filter_perr(p, bs, "invalid escape '\\u' (expected four hex digits, surrogates paired)");
			return false;
		}
		*i = bs + used;
		return true;
	}
	case '*': case '?':
		if (!regex) {
			dput(d, cap, c, true, bs);  /* a literal glob character */
			*i = bs + 2;
			return true;
		}
		break;
	default:
		break;
	}
	/* Unknown escape: kept as written, so "\d+" reaches the regex intact. */
	dput(d, cap, '\\', false, bs);
	dput(d, cap, c, false, bs + 1);
	*i = bs + 2;
	return true;
}

static bool scan_quoted(struct fparser *p, bool regex, struct fdstr *d)
{
	size_t cap, open = p->pos;
	char q = p->s[open];
	dinit(d, &cap);
	d->quoted = true;
	d->start = open;
	size_t i = open + 1;
	for (;;) {
		if (i >= p->n || (p->s[i] == '\\' && i + 1 >= p->n)) {
			filter_perr(p, open, "unterminated string");
			filter_dstr_free(d);
			return false;
		}
		char c = p->s[i];
		if (c == q)
			break;
		if (c == '\\') {
			if (!decode_escape(p, &i, regex, d, &cap)) {
				filter_dstr_free(d);
				return false;
			}
			continue;
		}
		dput(d, &cap, c, false, i);
		i++;
	}
	p->pos = i + 1;
	d->end = p->pos;
	return true;
}

bool filter_lex_quoted(struct fparser *p, struct fdstr *out)
{
	return scan_quoted(p, false, out);
}

/* An unquoted value runs to white space, `|` or `&`, or a `)` that closes
 * nothing inside it, so `rule~^(a|b)$`... stops at `|` but `x~f(o)o` works.
 * In an `in (...)` list a comma ends it too. */
static size_t unquoted_end(const struct fparser *p, size_t pos)
{
	int depth = 0;
	size_t i = pos;
	for (; i < p->n; i++) {
		char c = p->s[i];
		if (filter_lex_is_space((unsigned char)c))
			break;
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (depth == 0)
				break;
			depth--;
		} else if ((c == '|' || c == '&' || (c == ',' && p->in_list)) && depth == 0) {
			break;
		}
	}
	return i;
}

void filter_lex_span(struct fparser *p, size_t at, size_t n, struct fdstr *out)
{
	size_t cap, end = at + n;
	dinit(out, &cap);
	out->start = at;
	out->end = end;
	for (size_t i = at; i < end; i++) {
		char c = p->s[i];
		if (c == '\\' && i + 1 < end &&
		    (p->s[i + 1] == '*' || p->s[i + 1] == '?' || p->s[i + 1] == '\\')) {
			dput(out, &cap, p->s[i + 1], true, i);
			i++;
			continue;
		}
		dput(out, &cap, c, false, i);
	}
}

bool filter_lex_value(struct fparser *p, bool regex, struct fdstr *out)
{
	if (p->pos < p->n && (p->s[p->pos] == '"' || p->s[p->pos] == '\''))
		return scan_quoted(p, regex, out);
	size_t end = unquoted_end(p, p->pos);
	if (regex) {
		/* Unquoted regexes keep every backslash as written. */
		size_t cap;
		dinit(out, &cap);
		out->start = p->pos;
		out->end = end;
		for (size_t i = p->pos; i < end; i++)
			dput(out, &cap, p->s[i], false, i);
	} else {
		/* Unquoted, only \* \? \\ are escapes: paths keep their
		 * backslashes. */
		filter_lex_span(p, p->pos, end - p->pos, out);
	}
	p->pos = end;
	return true;
}
