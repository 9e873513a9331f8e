/* parse.c — Falco JSON into compact events (see parse.h and evfmt.h).
 *
 * jansson does the JSON work; this file only decides what to keep. Two
 * repairs happen before jansson sees the bytes, both on a private copy (the
 * spool keeps the original): invalid UTF-8 becomes U+FFFD, and integers
 * beyond 64 bits become strings of the same digits (jansson refuses them, and
 * Falco fields such as counters can legitimately be that large). A third
 * only when jansson refused the line: lone UTF-16 surrogate escapes, and
 * \u0000 in object keys, become \uFFFD and the copy is parsed again. */
#include "core/parse.h"
#include "core/evfmt.h"
#include "core/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define MAX_FIELDS 4096   /* beyond this, output_fields keys are dropped */
#define MAX_REF_FIELDS 254 /* fields a template can refer to */

static _Atomic uint64_t next_seq = 1;

void parse_init(void)
{
	json_object_seed(0);
}

/* ---- time ---------------------------------------------------------------- */

static bool digits(const char *s, size_t n, size_t at, size_t count, int *out)
{
	if (at + count > n)
		return false;
	int v = 0;
	for (size_t i = 0; i < count; i++) {
		if (!isdigit((unsigned char)s[at + i]))
			return false;
		v = v * 10 + (s[at + i] - '0');
	}
	*out = v;
	return true;
}

int parse_rfc3339(const char *s, size_t n, int64_t *ns)
{
	int Y, M, D, h, m, sec;
	if (!digits(s, n, 0, 4, &Y) || n < 19 || s[4] != '-' || !digits(s, n, 5, 2, &M) ||
	    s[7] != '-' || !digits(s, n, 8, 2, &D) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, n, 11, 2, &h) ||
	    s[13] != ':' || !digits(s, n, 14, 2, &m) || s[16] != ':' || !digits(s, n, 17, 2, &sec))
		return -1;
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return -1;
	size_t i = 19;
	int64_t frac = 0;
	if (i < n && s[i] == '.') {
		i++;
		size_t nd = 0;
		while (i < n && isdigit((unsigned char)s[i])) {
			if (nd < 9)
				frac = frac * 10 + (s[i] - '0');
			nd++;
			i++;
		}
		if (nd == 0)
			return -1;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	int64_t off = 0;
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int oh, om;
		int sign = s[i] == '-' ? -1 : 1;
		if (!digits(s, n, i + 1, 2, &oh))
			return -1;
		size_t j = i + 3;
		if (j < n && s[j] == ':')
			j++;
		if (!digits(s, n, j, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
		i = j + 2;
	} else {
		return -1;
	}
	if (i != n)
		return -1;
	int64_t secs = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + m * 60 +
		       sec - off;
	/* Nanoseconds in 64 bits cover 1677..2262; anything else is not a Falco time. */
	if (secs <= INT64_MIN / 1000000000 || secs >= INT64_MAX / 1000000000)
		return -1;
	*ns = secs * 1000000000 + frac;
	return 0;
}

/* ---- input repairs --------------------------------------------------------- */

/* Quotes integer literals too large for int64 (outside strings) so they
 * survive as exact text. Returns false (out untouched) if there are none. */
static bool quote_big_ints(const char *s, size_t n, struct sbuf *out)
{
	bool in_str = false, changed = false;
	size_t copied = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
			continue;
		}
		if (c != '-' && !isdigit((unsigned char)c))
			continue;
		size_t j = i + (c == '-');
		while (j < n && isdigit((unsigned char)s[j]))
			j++;
		size_t nd = j - i - (c == '-');
		bool is_real = j < n && (s[j] == '.' || s[j] == 'e' || s[j] == 'E');
		if (nd >= 19 && !is_real) {
			char *end;
			char tmp[64];
			bool big = nd > 40;
			if (!big) {
				memcpy(tmp, s + i, j - i);
				tmp[j - i] = '\0';
				errno = 0;
				(void)strtoll(tmp, &end, 10);
				big = errno == ERANGE;
			}
			if (big) {
				sbuf_add(out, s + copied, i - copied);
				sbuf_addc(out, '"');
				sbuf_add(out, s + i, j - i);
				sbuf_addc(out, '"');
				copied = j;
				changed = true;
			}
		}
		i = j - 1;
	}
	if (changed)
		sbuf_add(out, s + copied, n - copied);
	return changed;
}

/* Value of the escape "\uXXXX" at s[i], or -1 if there is none. */
static long escape_u(const char *s, size_t n, size_t i)
{
	if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u')
		return -1;
	long v = 0;
	for (size_t k = 2; k < 6; k++) {
		int h = hexval((unsigned char)s[i + k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* "\u0000" escapes in the string body s[0..n) become "\uFFFD". */
static bool fix_nul_escapes(char *s, size_t n)
{
	bool changed = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\')
			continue;
		if (escape_u(s, n, i) == 0) {
			memcpy(s + i + 2, "FFFD", 4);
			changed = true;
		}
		i++; /* the escaped character */
	}
	return changed;
}

/* Rewrites, in place and at the same length, the string escapes jansson
 * refuses although the rest of the line is a good event: a UTF-16 surrogate
 * that is not half of a high+low pair (Go's and other encoders emit them
 * for broken input, and one would turn an Emergency into an unparsed
 * record) and a \u0000 inside an object key. Both become \uFFFD, as invalid
 * UTF-8 does. Returns false if there was nothing to rewrite. */
static bool fix_escapes(char *s, size_t n)
{
	bool changed = false, in_str = false;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (!in_str) {
			if (s[i] == '"') {
				in_str = true;
				start = i + 1;
			}
			continue;
		}
		if (s[i] == '"') {
			in_str = false;
			size_t j = i + 1;
			while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
				j++;
			if (j < n && s[j] == ':')
				changed |= fix_nul_escapes(s + start, i - start);
			continue;
		}
		if (s[i] != '\\')
			continue;
		long v = escape_u(s, n, i);
		if (v < 0xd800 || v > 0xdfff) {
			i++; /* the escaped character (for \u, the digits are harmless) */
			continue;
		}
		long lo = v <= 0xdbff ? escape_u(s, n, i + 6) : -1;
		if (lo >= 0xdc00 && lo <= 0xdfff) {
			i += 11; /* a valid pair */
			continue;
		}
		memcpy(s + i + 2, "FFFD", 4);
		changed = true;
		i += 5;
	}
	return changed;
}

/* ---- building the event ----------------------------------------------------- */

struct builder {
	struct efield f[MAX_FIELDS];
	int64_t tail[MAX_FIELDS + 1];
	size_t nf, nt;
	struct sbuf tmp;
};

/* One builder per thread (64 KiB: too big for the stack), freed at thread exit. */
static pthread_key_t builder_key;
static pthread_once_t builder_once = PTHREAD_ONCE_INIT;

static void builder_free(void *p)
{
	struct builder *b = p;
	sbuf_free(&b->tmp);
	free(b);
}

static void builder_key_init(void)
{
	pthread_key_create(&builder_key, builder_free);
}

static struct builder *builder_get(void)
{
	pthread_once(&builder_once, builder_key_init);
	struct builder *b = pthread_getspecific(builder_key);
	if (!b) {
		b = xcalloc(1, sizeof(*b));
		pthread_setspecific(builder_key, b);
	}
	return b;
}

static istr intern_json(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!s)
		return intern_cstr("");
	istr id = intern_cstr(s);
	free(s);
	return id;
}

/* A string value (or, for other types, its JSON text). */
static istr intern_any(json_t *v)
{
	if (!v)
		return 0;
	if (json_is_string(v))
		return intern_put(json_string_value(v), json_string_length(v));
	return intern_json(v);
}

static void add_field(struct builder *b, const char *key, json_t *v)
{
	if (b->nf >= MAX_FIELDS)
		return;
	struct efield *e = &b->f[b->nf];
	istr k = intern_cstr(key);
	switch (json_typeof(v)) {
	case JSON_STRING:
		e->key = EF_MAKE(k, FV_STRING);
		e->val = intern_put(json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);
		e->key = EF_MAKE(k, FV_INT);
		if (i >= INT32_MIN && i <= INT32_MAX) {
			e->val = (uint32_t)(int32_t)i;
		} else {
			e->key |= EF_BIG;
			e->val = (uint32_t)b->nt;
			b->tail[b->nt++] = i;
		}
		break;
	}
	case JSON_REAL: {
		double d = json_real_value(v);
		e->key = EF_MAKE(k, FV_REAL) | EF_BIG;
		e->val = (uint32_t)b->nt;
		memcpy(&b->tail[b->nt++], &d, sizeof(d));
		break;
	}
	case JSON_TRUE:
	case JSON_FALSE:
		e->key = EF_MAKE(k, FV_BOOL);
		e->val = json_is_true(v);
		break;
	case JSON_NULL:
		e->key = EF_MAKE(k, FV_NULL);
		e->val = 0;
		break;
	default:
		e->key = EF_MAKE(k, FV_JSON);
		e->val = intern_json(v);
		break;
	}
	b->nf++;
}

/* Joins the string tags with '\0'. Non-string items are ignored; a plain
 * string counts as one tag. */
static istr intern_tags(json_t *tags, struct sbuf *tmp)
{
	sbuf_reset(tmp);
	if (json_is_string(tags)) {
		sbuf_add(tmp, json_string_value(tags), json_string_length(tags));
		return tmp->len ? intern_put(tmp->s, tmp->len) : 0;
	}
	if (!json_is_array(tags))
		return 0;
	size_t i, count = 0;
	json_t *t;
	json_array_foreach(tags, i, t) {
		if (!json_is_string(t))
			continue;
		if (count++)
			sbuf_addc(tmp, '\0');
		sbuf_add(tmp, json_string_value(t), json_string_length(t));
	}
	return count ? intern_put(tmp->s, tmp->len) : 0;
}

/* Recognises "HH:MM:SS.nnnnnnnnn: <prio> " and returns its length and time
 * of day, or 0. */
static size_t prefix_tod(const char *s, size_t n, const char *prio, size_t plen, int64_t *tod)
{
	int h, m, sec, frac;
	if (n < 20 + plen + 1 || !digits(s, n, 0, 2, &h) || s[2] != ':' || !digits(s, n, 3, 2, &m) ||
	    s[5] != ':' || !digits(s, n, 6, 2, &sec) || s[8] != '.' || !digits(s, n, 9, 9, &frac) ||
	    s[18] != ':' || s[19] != ' ' || h > 23 || m > 59 || sec > 60)
		return 0;
	if (!plen || memcmp(s + 20, prio, plen) != 0 || s[20 + plen] != ' ')
		return 0;
	*tod = ((int64_t)h * 3600 + m * 60 + sec) * 1000000000 + frac;
	return 20 + plen + 1;
}

/* Recognises other prefixes Falco and falcosidekick write: a time
 * ("HH:MM:SS[.f]" or an ISO date-time) then ": " and a priority word. */
static size_t prefix_other(const char *s, size_t n)
{
	const char *sep = memmem(s, MIN(n, 48), ": ", 2);
	if (!sep || sep - s < 8)
		return 0;
	for (const char *p = s; p < sep; p++)
		if (!isdigit((unsigned char)*p) && !strchr("-:.+TZ", *p))
			return 0;
	size_t w = (size_t)(sep - s) + 2, e = w;
	while (e < n && isalpha((unsigned char)s[e]))
		e++;
	if (e == w || e >= n || s[e] != ' ' || prio_parse(s + w, e - w) == PRIO_UNKNOWN)
		return 0;
	return e + 1;
}

struct cand {
	const char *s;
	size_t n;
	unsigned idx;
};

struct hit {
	uint32_t pos, len, idx;
};

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->len > y->len ? -1 : x->len < y->len; /* longest first */
}

#define MAX_HITS 1024
/* Bytes all the memmem passes of one template may scan together: every field
 * gets its full pass on ordinary outputs, while a huge output with hundreds
 * of fields costs a few passes, not one per field. Each field may use an
 * equal share of what is left; values past its share stay literal text,
 * which renders the same. */
#define TPL_SCAN_MIN ((size_t)1 << 20)
#define TPL_SCAN_PER_BYTE 4

/* Encodes msg as a template referring to field values (see evfmt.h): every
 * occurrence of a value (found with memmem, one pass per field, within its
 * share of the scan budget) becomes a reference; overlaps go to the leftmost, then longest. */
static istr make_template(const struct builder *b, const char *msg, size_t n, struct sbuf *out)
{
	static _Thread_local struct hit hits[MAX_HITS];
	char num[24];
	size_t nh = 0, budget = TPL_SCAN_MIN + TPL_SCAN_PER_BYTE * n;
	size_t nref = MIN(b->nf, MAX_REF_FIELDS);
	for (size_t i = 0; i < nref; i++) {
		enum fv_type t = EF_TYPE(b->f[i].key);
		struct cand c = { NULL, 0, (unsigned)i };
		if (t == FV_STRING) {
			c.s = intern_str(b->f[i].val, &c.n);
		} else if (t == FV_INT) {
			int64_t v = (b->f[i].key & EF_BIG) ? b->tail[b->f[i].val]
							   : (int64_t)(int32_t)b->f[i].val;
			c.n = (size_t)snprintf(num, sizeof(num), "%lld", (long long)v);
			c.s = num;
		}
		if (!c.s || c.n < 2 || c.n > n)
			continue;
		size_t share = budget / (nref - i), left = share;
		for (const char *p = msg; nh < MAX_HITS;) {
			size_t span = MIN((size_t)(msg + n - p), left);
			const char *f = memmem(p, span, c.s, c.n);
			if (!f) {
				left -= span;
				break;
			}
			left -= (size_t)(f - p) + c.n;
			hits[nh++] = (struct hit){ (uint32_t)(f - msg), (uint32_t)c.n, c.idx };
			p = f + c.n;
		}
		budget -= share - left;
	}
	qsort(hits, nh, sizeof(hits[0]), hit_cmp);
	sbuf_reset(out);
	size_t lit = 0;
	for (size_t h = 0; h <= nh; h++) {
		size_t upto = h < nh ? hits[h].pos : n;
		if (h < nh && hits[h].pos < lit)
			continue; /* overlaps a reference already taken */
		/* Literal text up to the reference, escaping EVT_ESC bytes. */
		for (const char *p = msg + lit, *e = msg + upto; p < e;) {
			const char *esc = memchr(p, EVT_ESC, (size_t)(e - p));
			if (!esc) {
				sbuf_add(out, p, (size_t)(e - p));
				break;
			}
			sbuf_add(out, p, (size_t)(esc - p));
			sbuf_add(out, "\x01\x00", 2);
			p = esc + 1;
		}
		if (h == nh)
			break;
		sbuf_addc(out, EVT_ESC);
		sbuf_addc(out, (char)(hits[h].idx + 1));
		lit = hits[h].pos + hits[h].len;
	}
	return intern_put(out->len ? out->s : "", out->len);
}

/* Summary for events without `output`: "Rule (k=v k=v ...)". */
static void synth_message(const struct builder *b, istr rule, struct sbuf *out)
{
	sbuf_reset(out);
	size_t n;
	const char *r = intern_str(rule, &n);
	sbuf_add(out, n ? r : "(no rule)", n ? n : 9);
	for (size_t i = 0; i < b->nf; i++) {
		sbuf_adds(out, i ? " " : " (");
		const char *k = intern_str(EF_KEY(b->f[i].key), &n);
		sbuf_add(out, k, n);
		sbuf_addc(out, '=');
		enum fv_type t = EF_TYPE(b->f[i].key);
		if (t == FV_STRING || t == FV_JSON) {
			const char *v = intern_str(b->f[i].val, &n);
			sbuf_add(out, v, n);
		} else if (t == FV_INT) {
			int64_t v = (b->f[i].key & EF_BIG) ? b->tail[b->f[i].val]
							   : (int64_t)(int32_t)b->f[i].val;
			sbuf_printf(out, "%lld", (long long)v);
		} else if (t == FV_REAL) {
			struct fval fv = { .type = FV_REAL };
			memcpy(&fv.d, &b->tail[b->f[i].val], sizeof(double));
			fval_format(&fv, out);
		} else if (t == FV_BOOL) {
			sbuf_adds(out, b->f[i].val ? "true" : "false");
		} else {
			sbuf_adds(out, "<NA>");
		}
	}
	if (b->nf)
		sbuf_addc(out, ')');
}

static struct event *alloc_event(const struct builder *b)
{
	size_t sz = sizeof(struct event) + b->nf * sizeof(struct efield) + b->nt * sizeof(int64_t);
	struct event *ev = xcalloc(1, sz);
	ev->nfields = (uint16_t)b->nf;
	ev->ntail = (uint16_t)b->nt;
	memcpy(ev->f, b->f, b->nf * sizeof(struct efield));
	memcpy((void *)event_tail(ev), b->tail, b->nt * sizeof(int64_t));
	return ev;
}

static void hash_id(struct event *ev, const void *a, size_t an)
{
	XXH128_hash_t h = XXH3_128bits(a, an);
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, h);
	memcpy(ev->id, c.digest, 16);
}

static struct event *unparsed(struct spool_ref raw, const char *bytes, size_t len,
			      const char *why, const char *subject, int64_t recv_ns)
{
	struct event *ev = xcalloc(1, sizeof(struct event));
	ev->raw = raw;
	ev->time_ns = recv_ns;
	ev->seq = atomic_fetch_add(&next_seq, 1);
	ev->prio = PRIO_UNKNOWN;
	ev->flags = EV_UNPARSED | EV_TIME_GUESS | EV_NO_OUTPUT;
	ev->error = intern_cstr(why);
	ev->subject = subject ? intern_cstr(subject) : 0;
	hash_id(ev, bytes, len);
	return ev;
}

static bool is_uuid(const char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static void set_id(struct event *ev, json_t *root, struct sbuf *tmp)
{
	json_t *u = json_object_get(root, "uuid");
	if (json_is_string(u) && is_uuid(json_string_value(u), json_string_length(u)) &&
	    event_id_parse(json_string_value(u), ev->id) == 0) {
		ev->flags |= EV_HAS_UUID;
		return;
	}
	/* time, rule, hostname and output identify a Falco alert. */
	sbuf_reset(tmp);
	static const char *const keys[] = { "time", "rule", "hostname", "output" };
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *v = json_object_get(root, keys[i]);
		if (json_is_string(v))
			sbuf_add(tmp, json_string_value(v), json_string_length(v));
		else if (v && !json_is_null(v)) {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			if (s)
				sbuf_adds(tmp, s);
			free(s);
		}
		sbuf_addc(tmp, '\0');
	}
	hash_id(ev, tmp->s, tmp->len);
}

static int64_t event_time(json_t *root, const struct builder *b, int64_t recv_ns, uint8_t *flags)
{
	json_t *t = json_object_get(root, "time");
	int64_t ns;
	if (json_is_string(t) && parse_rfc3339(json_string_value(t), json_string_length(t), &ns) == 0)
		return ns;
	*flags |= EV_TIME_GUESS;
	istr k = intern_find("evt.time", 8);
	for (size_t i = 0; k && i < b->nf; i++)
		if (EF_KEY(b->f[i].key) == k && EF_TYPE(b->f[i].key) == FV_INT)
			return (b->f[i].key & EF_BIG) ? b->tail[b->f[i].val]
						      : (int64_t)(int32_t)b->f[i].val;
	return recv_ns;
}

static void set_output(struct event *ev, json_t *root, struct builder *b, struct sbuf *tmp)
{
	json_t *o = json_object_get(root, "output");
	struct sbuf msgbuf = SBUF_INIT;
	const char *msg;
	size_t n;
	if (!json_is_string(o)) {
		ev->flags |= EV_NO_OUTPUT;
		if (o && !json_is_null(o)) {
			char *s = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
			sbuf_adds(&msgbuf, s ? s : "");
			free(s);
		} else {
			synth_message(b, ev->rule, &msgbuf);
		}
		msg = msgbuf.s ? msgbuf.s : "";
		n = msgbuf.len;
	} else {
		msg = json_string_value(o);
		n = json_string_length(o);
		size_t plen;
		const char *ptxt = intern_str(ev->prio_text, &plen);
		int64_t tod;
		size_t skip = prefix_tod(msg, n, ptxt, plen, &tod);
		if (skip) {
			ev->flags |= EV_PREFIX_TOD;
			b->tail[b->nt++] = tod;
		} else if ((skip = prefix_other(msg, n))) {
			ev->prefix = intern_put(msg, skip);
		}
		msg += skip;
		n -= skip;
	}
	ev->message_tpl = make_template(b, msg, n, tmp);
	sbuf_free(&msgbuf);
}

static struct event *build(json_t *root, struct spool_ref raw, const char *subject,
			   int64_t recv_ns, uint8_t flags)
{
	struct builder *b = builder_get();
	b->nf = b->nt = 0;

	json_t *of = json_object_get(root, "output_fields");
	if (json_is_object(of)) {
		const char *key;
		json_t *v;
		json_object_foreach(of, key, v)
			add_field(b, key, v);
	}
	json_t *p = json_object_get(root, "priority");
	struct event hdr = { 0 };
	hdr.flags = flags;
	hdr.rule = intern_any(json_object_get(root, "rule"));
	hdr.hostname = intern_any(json_object_get(root, "hostname"));
	hdr.source = intern_any(json_object_get(root, "source"));
	hdr.prio_text = intern_any(p);
	hdr.prio = json_is_string(p) ? prio_parse(json_string_value(p), json_string_length(p))
				     : PRIO_UNKNOWN;
	hdr.tags = intern_tags(json_object_get(root, "tags"), &b->tmp);
	hdr.subject = subject ? intern_cstr(subject) : 0;
	hdr.time_ns = event_time(root, b, recv_ns, &hdr.flags);
	set_output(&hdr, root, b, &b->tmp);
	set_id(&hdr, root, &b->tmp);

	struct event *ev = alloc_event(b);
	uint16_t nf = ev->nfields, nt = ev->ntail;
	memcpy(ev, &hdr, offsetof(struct event, nfields));
	ev->nfields = nf;
	ev->ntail = nt;
	ev->prio = hdr.prio;
	ev->flags = hdr.flags;
	ev->raw = raw;
	ev->seq = atomic_fetch_add(&next_seq, 1);
	return ev;
}

json_t *falco_json_load(const char *raw, size_t len, bool *repaired, json_error_t *err)
{
	struct sbuf fixed = SBUF_INIT, fixed2 = SBUF_INIT;
	const char *text = raw;
	size_t n = len;
	if (repaired)
		*repaired = false;
	if (utf8_repair(text, n, &fixed)) {
		text = fixed.s;
		n = fixed.len;
		if (repaired)
			*repaired = true;
	}
	if (quote_big_ints(text, n, &fixed2)) {
		text = fixed2.s;
		n = fixed2.len;
	}
	json_error_t local;
	if (!err)
		err = &local;
	json_t *root = json_loadb(text, n, JSON_ALLOW_NUL, err);
	if (!root && (json_error_code(err) == json_error_invalid_syntax ||
		      json_error_code(err) == json_error_null_byte_in_key)) {
		/* Only a failed load pays for the rescan; lengths do not change,
		 * so an error position still points into the original. */
		struct sbuf esc = SBUF_INIT;
		sbuf_add(&esc, text, n);
		if (fix_escapes(esc.s, esc.len)) {
			root = json_loadb(esc.s, esc.len, JSON_ALLOW_NUL, err);
			if (root && repaired)
				*repaired = true;
		}
		sbuf_free(&esc);
	}
	sbuf_free(&fixed);
	sbuf_free(&fixed2);
	return root;
}

struct event *event_parse(const char *raw, size_t len, const char *subject, int64_t recv_ns)
{
	while (len && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
		len--;
	struct spool_ref ref = spool_put(raw, len);
	json_error_t jerr;
	bool repaired;
	json_t *root = falco_json_load(raw, len, &repaired, &jerr);
	uint8_t flags = repaired ? EV_REPAIRED : 0;
	struct event *ev;
	if (!root) {
		char *why = xasprintf("invalid JSON at byte %d: %s", jerr.position, jerr.text);
		ev = unparsed(ref, raw, len, why, subject, recv_ns);
		free(why);
	} else if (!json_is_object(root)) {
		ev = unparsed(ref, raw, len, "not a JSON object", subject, recv_ns);
	} else {
		ev = build(root, ref, subject, recv_ns, flags);
	}
	ev->flags |= flags;
	json_decref(root);
	return ev;
}

char *falco_subject(const char *priority, const char *rule)
{
	struct sbuf b = SBUF_INIT;
	sbuf_adds(&b, "falco.");
	for (const char *p = priority; *p; p++)
		sbuf_addc(&b, (char)tolower((unsigned char)*p));
	sbuf_addc(&b, '.');
	size_t start = b.len;
	bool pending = false;
	for (const char *r = rule; *r; r++) {
		char c = (char)tolower((unsigned char)*r);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (pending && b.len > start)
				sbuf_addc(&b, '_');
			pending = false;
			sbuf_addc(&b, c);
		} else {
			pending = true;
		}
	}
	if (b.len == start)
		sbuf_adds(&b, "unknown");
	return sbuf_steal(&b);
}
