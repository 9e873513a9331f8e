/* filter_value.c — literal values of filter terms (see filter_int.h): numbers
 * compared exactly, priority names, times as intervals, globs, regexes. */
#include "core/filter_int.h"
#include "core/util.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- numbers -------------------------------------------------------------- */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* strtod in the C locale: the console may run under a locale whose decimal
 * point is a comma. */
static double c_strtod(const char *s, size_t n)
{
	char buf[64];
	char *tmp = n < sizeof(buf) ? buf : xmalloc(n + 1);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	pthread_once(&c_locale_once, c_locale_init);
	double d = c_locale ? strtod_l(tmp, NULL, c_locale) : strtod(tmp, NULL);
	if (tmp != buf)
		free(tmp);
	return d;
}

static bool isdig(char c)
{
	return c >= '0' && c <= '9';
}

bool filter_num_parse(const char *s, size_t n, struct fnum *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	size_t ds = i;
	while (i < n && isdig(s[i]))
		i++;
	size_t nint = i - ds;
	bool real = false;
	if (i < n && s[i] == '.') {
		size_t fs = ++i;
		while (i < n && isdig(s[i]))
			i++;
		if (nint == 0 && i == fs)
			return false;
		real = true;
	} else if (nint == 0) {
		return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t es = i;
		while (i < n && isdig(s[i]))
			i++;
		if (i == es)
			return false;
		real = true;
	}
	if (i != n)
		return false;
	if (!real) {
		/* Exact over the whole int64 range, -9223372036854775808 included. */
		uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		bool fits = true;
		for (size_t k = ds; k < ds + nint; k++) {
			unsigned dg = (unsigned)(s[k] - '0');
			if (v > (lim - dg) / 10) {
				fits = false;
				break;
			}
			v = v * 10 + dg;
		}
		if (fits) {
			out->is_int = true;
			out->i = neg ? (int64_t)(0 - v) : (int64_t)v;
			out->d = (double)out->i;
			return true;
		}
	}
	out->is_int = false;
	out->i = 0;
	out->d = c_strtod(s, n);
	return true;
}

static int cmp_int_real(int64_t i, double d)
{
	if (isnan(d))
		return 2;
	if (d >= 9223372036854775808.0)
		return -1;
	if (d < -9223372036854775808.0)
		return 1;
	/* |d| < 2^63: its integer part is an exact int64. */
	double t = trunc(d);
	int64_t ti = (int64_t)t;
	if (i != ti)
		return i < ti ? -1 : 1;
	double frac = d - t;
	return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

int filter_num_cmp(const struct fnum *a, const struct fnum *b)
{
	if (a->is_int && b->is_int)
		return a->i < b->i ? -1 : a->i > b->i;
	if (a->is_int)
		return cmp_int_real(a->i, b->d);
	if (b->is_int) {
		int r = cmp_int_real(b->i, a->d);
		return r == 2 ? 2 : -r;
	}
	if (isnan(a->d) || isnan(b->d))
		return 2;
	return a->d < b->d ? -1 : a->d > b->d;
}

/* ---- priorities ------------------------------------------------------------ */

int filter_prio_value(const char *s, size_t n, enum prio *out)
{
	static const struct {
		const char *name;
		enum prio p;
	} names[] = {
		{ "emergency", PRIO_EMERGENCY }, { "emerg", PRIO_EMERGENCY },
		{ "alert", PRIO_ALERT },
		{ "critical", PRIO_CRITICAL }, { "crit", PRIO_CRITICAL },
		{ "error", PRIO_ERROR }, { "err", PRIO_ERROR },
		{ "warning", PRIO_WARNING }, { "warn", PRIO_WARNING },
		{ "notice", PRIO_NOTICE },
		{ "informational", PRIO_INFORMATIONAL }, { "info", PRIO_INFORMATIONAL },
		{ "debug", PRIO_DEBUG },
		{ "unknown", PRIO_UNKNOWN },
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (strieq_n(s, n, names[i].name, strlen(names[i].name))) {
			*out = names[i].p;
			return 0;
		}
	}
	return -1;
}

/* ---- times ------------------------------------------------------------------ */

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Reads exactly `digits` digits at *i. */
static bool digits_at(const char *s, size_t n, size_t *i, int digits, int *out)
{
	int v = 0;
	for (int k = 0; k < digits; k++, (*i)++) {
		if (*i >= n || !isdig(s[*i]))
			return false;
		v = v * 10 + (s[*i] - '0');
	}
	*out = v;
	return true;
}

struct tparts {
	int y, mo, d, h, mi, s;
	int64_t frac_ns;
	int64_t span_ns;      /* 0 for a date without time (a calendar day) */
	bool zone;
	int64_t off_s;        /* east of UTC */
};

static bool parse_clock(const char *s, size_t n, size_t *i, struct tparts *t)
{
	if (!digits_at(s, n, i, 2, &t->h) || *i >= n || s[*i] != ':')
		return false;
	(*i)++;
	if (!digits_at(s, n, i, 2, &t->mi))
		return false;
	t->span_ns = 60LL * 1000000000;
	if (*i < n && s[*i] == ':') {
		(*i)++;
		if (!digits_at(s, n, i, 2, &t->s))
			return false;
		t->span_ns = 1000000000;
		if (*i < n && (s[*i] == '.' || s[*i] == ',')) {
			(*i)++;
			int k = 0;
			int64_t f = 0;
			while (*i < n && isdig(s[*i])) {
				if (k < 9) {
					f = f * 10 + (s[*i] - '0');
					k++;
				}
				(*i)++;
			}
			if (k == 0)
				return false;
			int64_t span = 1;
			for (int z = k; z < 9; z++) {
				f *= 10;
				span *= 10;
			}
			t->frac_ns = f;
			t->span_ns = span;
		}
	}
	return t->h <= 23 && t->mi <= 59 && t->s <= 60;
}

static bool parse_zone(const char *s, size_t n, size_t *i, struct tparts *t)
{
	if (*i >= n)
		return true;
	if (s[*i] == 'Z' || s[*i] == 'z') {
		(*i)++;
		t->zone = true;
		return true;
	}
	if (s[*i] != '+' && s[*i] != '-')
		return false;
	int sign = s[(*i)++] == '-' ? -1 : 1;
	int hh, mm = 0;
	if (!digits_at(s, n, i, 2, &hh))
		return false;
	if (*i < n && s[*i] == ':')
		(*i)++;
	if (*i < n && !digits_at(s, n, i, 2, &mm))
		return false;
	if (hh > 23 || mm > 59)
		return false;
	t->zone = true;
	t->off_s = sign * (hh * 3600 + mm * 60);
	return true;
}

/* Local wall-clock time to UTC seconds; the zone rules (DST) decide. */
static bool local_secs(int y, int mo, int d, int h, int mi, int s, int64_t *out)
{
	struct tm tm = { 0 };
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	time_t r = mktime(&tm);
	if (r == (time_t)-1 && !(tm.tm_year == 69 && tm.tm_mon == 11 && tm.tm_mday == 31))
		return false;
	*out = (int64_t)r;
	return true;
}

static bool secs_to_ns(int64_t secs, int64_t frac, int64_t *out)
{
	if (secs > INT64_MAX / 1000000000 - 1 || secs < INT64_MIN / 1000000000 + 1)
		return false;
	*out = secs * 1000000000 + frac;
	return true;
}

int filter_time_value(const char *s, size_t n, int64_t *lo, int64_t *hi)
{
	struct tparts t = { 0 };
	size_t i = 0;
	if (!digits_at(s, n, &i, 4, &t.y) || i >= n || s[i++] != '-' ||
	    !digits_at(s, n, &i, 2, &t.mo) || i >= n || s[i++] != '-' ||
	    !digits_at(s, n, &i, 2, &t.d))
		return -1;
	if (t.mo < 1 || t.mo > 12 || t.d < 1 || t.d > mdays(t.y, t.mo))
		return -1;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (!parse_clock(s, n, &i, &t))
			return -1;
	}
	if (!parse_zone(s, n, &i, &t) || i != n)
		return -1;
	int64_t a, b;
	if (t.zone) {
		a = days_from_civil(t.y, (unsigned)t.mo, (unsigned)t.d) * 86400 +
		    t.h * 3600 + t.mi * 60 + t.s - t.off_s;
		b = a + (t.span_ns ? 0 : 86400);
	} else if (t.span_ns) {
		if (!local_secs(t.y, t.mo, t.d, t.h, t.mi, t.s, &a))
			return -1;
		b = a;
	} else {
		/* A local calendar day is 23 or 25 hours long around DST changes. */
		if (!local_secs(t.y, t.mo, t.d, 0, 0, 0, &a) ||
		    !local_secs(t.y, t.mo, t.d + 1, 0, 0, 0, &b))
			return -1;
	}
	int64_t lo_ns, end_ns;
	if (!secs_to_ns(a, t.frac_ns, &lo_ns) || !secs_to_ns(b, t.frac_ns, &end_ns))
		return -1;
	if (t.span_ns)
		end_ns = lo_ns + t.span_ns;
	*lo = lo_ns;
	*hi = end_ns - 1;
	return 0;
}

/* ---- literals and globs ------------------------------------------------------ */

void filter_lit_init(struct flit *l, const struct fdstr *d)
{
	l->s = xmalloc(d->n + 1);
	memcpy(l->s, d->s, d->n);
	l->s[d->n] = '\0';
	l->n = d->n;
	l->id = intern_put(l->s, l->n);
	l->has_num = filter_num_parse(l->s, l->n, &l->num);
	l->boolean = strieq_n(l->s, l->n, "true", 4) ? 1 : strieq_n(l->s, l->n, "false", 5) ? 0 : -1;
}

void filter_lit_free(struct flit *l)
{
	intern_unref(l->id);
	free(l->s);
	memset(l, 0, sizeof(*l));
}

bool filter_dstr_has_glob(const struct fdstr *d)
{
	for (size_t i = 0; i < d->n; i++)
		if ((d->s[i] == '*' || d->s[i] == '?') && !d->esc[i])
			return true;
	return false;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

void filter_glob_init(struct fglob *g, const struct fdstr *d, bool icase)
{
	g->b = xmalloc(d->n + 1);
	g->kind = xmalloc(d->n + 1);
	g->n = 0;
	for (size_t i = 0; i < d->n; i++) {
		char c = d->s[i];
		uint8_t k = GL_LIT;
		if (!d->esc[i] && c == '*')
			k = GL_STAR;
		else if (!d->esc[i] && c == '?')
			k = GL_ONE;
		if (k == GL_STAR && g->n && g->kind[g->n - 1] == GL_STAR)
			continue;  /* ** is * */
		g->b[g->n] = icase ? lower(c) : c;
		g->kind[g->n] = k;
		g->n++;
	}
}

void filter_glob_affix(struct fglob *g, const char *s, size_t n, bool star_front, bool star_back, bool icase)
{
	g->b = xmalloc(n + 3);
	g->kind = xmalloc(n + 3);
	g->n = 0;
	if (star_front) {
		g->b[g->n] = '*';
		g->kind[g->n++] = GL_STAR;
	}
	for (size_t i = 0; i < n; i++) {
		g->b[g->n] = icase ? lower(s[i]) : s[i];
		g->kind[g->n++] = GL_LIT;
	}
	if (star_back && !(star_front && n == 0)) {
		g->b[g->n] = '*';
		g->kind[g->n++] = GL_STAR;
	}
}

void filter_glob_free(struct fglob *g)
{
	free(g->b);
	free(g->kind);
	memset(g, 0, sizeof(*g));
}

/* ---- regexes ------------------------------------------------------------------ */

pcre2_code *filter_regex_compile(struct fparser *p, const struct fdstr *d, bool icase)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C;
	if (icase)
		opts |= PCRE2_CASELESS;
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)d->s, d->n, opts, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", code);
		size_t at = off < d->n ? d->src[off] : d->end - (d->quoted ? 1 : 0);
		filter_perr(p, at, "invalid regex: %s", (const char *)msg);
		return NULL;
	}
	/* Without JIT (not built in, or memory that cannot be executable) the
	 * interpreter still works, only slower. */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}
