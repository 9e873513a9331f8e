/* event.c — accessors of the compact event (see event.h); parse.c builds them. */
#include "core/event.h"
#include "core/evfmt.h"

#include <inttypes.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const prio_names[PRIO_COUNT] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
	"Unknown",
};
static const char *const prio_lnames[PRIO_COUNT] = {
	"emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug",
	"unknown",
};

const char *prio_name(enum prio p)
{
	return prio_names[p < PRIO_COUNT ? p : PRIO_UNKNOWN];
}

const char *prio_lname(enum prio p)
{
	return prio_lnames[p < PRIO_COUNT ? p : PRIO_UNKNOWN];
}

enum prio prio_parse(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	for (int p = 0; p < PRIO_UNKNOWN; p++)
		if (strieq_n(s, n, prio_lnames[p], strlen(prio_lnames[p])))
			return (enum prio)p;
	if (strieq_n(s, n, "info", 4))
		return PRIO_INFORMATIONAL;
	return PRIO_UNKNOWN;
}

const int64_t *event_tail(const struct event *ev)
{
	return (const int64_t *)(const void *)&ev->f[ev->nfields];
}

void event_free(struct event *ev)
{
	if (!ev)
		return;
	istr strs[] = { ev->rule, ev->hostname, ev->source, ev->prio_text, ev->subject,
			ev->tags, ev->message_tpl, ev->prefix, ev->error };
	for (size_t i = 0; i < ARRAY_LEN(strs); i++)
		intern_unref(strs[i]);
	for (size_t i = 0; i < ev->nfields; i++) {
		intern_unref(EF_KEY(ev->f[i].key));
		enum fv_type t = EF_TYPE(ev->f[i].key);
		if (t == FV_STRING || t == FV_JSON)
			intern_unref(ev->f[i].val);
	}
	spool_release(ev->raw);
	free(ev);
}

size_t event_nfields(const struct event *ev)
{
	return ev->nfields;
}

istr event_field_key(const struct event *ev, size_t i)
{
	return EF_KEY(ev->f[i].key);
}

void event_field(const struct event *ev, size_t i, struct fval *out)
{
	uint32_t k = ev->f[i].key, v = ev->f[i].val;
	memset(out, 0, sizeof(*out));
	out->type = EF_TYPE(k);
	switch (out->type) {
	case FV_STRING:
	case FV_JSON:
		out->str = v;
		break;
	case FV_BOOL:
		out->i = v != 0;
		break;
	case FV_INT:
		out->i = (k & EF_BIG) ? event_tail(ev)[v] : (int64_t)(int32_t)v;
		break;
	case FV_REAL:
		memcpy(&out->d, &event_tail(ev)[v], sizeof(double));
		break;
	case FV_NULL:
		break;
	}
}

bool event_get(const struct event *ev, istr key, struct fval *out)
{
	if (!key)
		return false;
	for (size_t i = 0; i < ev->nfields; i++) {
		if (EF_KEY(ev->f[i].key) == key) {
			if (out)
				event_field(ev, i, out);
			return true;
		}
	}
	return false;
}

bool event_get_name(const struct event *ev, const char *name, struct fval *out)
{
	return event_get(ev, intern_find(name, strlen(name)), out);
}

/* Decimal text of v into out (>= 21 bytes); returns its length. printf
 * would do, but filters render the output of every held event, and two
 * vsnprintf calls per number were most of that time. */
static size_t fmt_i64(char *out, int64_t v)
{
	char rev[24];
	size_t n = 0, k = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		rev[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = rev[--n];
	return k;
}

void fval_format(const struct fval *v, struct sbuf *b)
{
	size_t n;
	const char *s;
	char tmp[64];
	switch (v->type) {
	case FV_NULL:
		sbuf_adds(b, "null");
		break;
	case FV_STRING:
	case FV_JSON:
		s = intern_str(v->str, &n);
		sbuf_add(b, s, n);
		break;
	case FV_INT:
		sbuf_add(b, tmp, fmt_i64(tmp, v->i));
		break;
	case FV_BOOL:
		sbuf_adds(b, v->i ? "true" : "false");
		break;
	case FV_REAL:
		if (!isfinite(v->d)) {
			sbuf_adds(b, "null");
			break;
		}
		/* The shortest representation that reads back as the same double. */
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(tmp, sizeof(tmp), "%.*g", prec, v->d);
			if (strtod(tmp, NULL) == v->d)
				break;
		}
		if (!strpbrk(tmp, ".eEn"))
			strcat(tmp, ".0");
		sbuf_adds(b, tmp);
		break;
	}
}

/* Appends at most `room` bytes of a field's text: big strings are cut
 * without being copied whole. */
static void add_field_text(const struct event *ev, unsigned i, size_t room, struct sbuf *b)
{
	struct fval v;
	event_field(ev, i, &v);
	if (v.type != FV_STRING && v.type != FV_JSON) {
		fval_format(&v, b);
		return;
	}
	size_t n;
	const char *s = intern_str(v.str, &n);
	sbuf_add(b, s, MIN(n, room));
}

/* Expands a message template: EVT_ESC followed by field index + 1 inserts
 * that field's value; EVT_ESC followed by 0 is a literal EVT_ESC byte.
 * Stops after `max` bytes: a timeline row needs the start of a message. */
static void expand_template(const struct event *ev, size_t max, struct sbuf *b)
{
	size_t n, start = b->len;
	const char *t = intern_str(ev->message_tpl, &n);
	const char *end = t + n;
	while (t < end && b->len - start < max) {
		size_t room = max - (b->len - start);
		const char *esc = memchr(t, EVT_ESC, MIN((size_t)(end - t), room));
		if (!esc) {
			sbuf_add(b, t, MIN((size_t)(end - t), room));
			break;
		}
		sbuf_add(b, t, (size_t)(esc - t));
		if (esc + 1 >= end)
			break;
		unsigned idx = (unsigned char)esc[1];
		room = max - (b->len - start);
		if (idx == 0)
			sbuf_addc(b, EVT_ESC);
		else if (idx - 1 < ev->nfields)
			add_field_text(ev, idx - 1, room, b);
		t = esc + 2;
	}
	if (b->len - start > max) { /* a number or "null" went past the end */
		b->len = start + max;
		b->s[b->len] = '\0';
	}
}

void evfmt_prefix(const struct event *ev, struct sbuf *b)
{
	if (ev->flags & EV_PREFIX_TOD) {
		int64_t tod = event_tail(ev)[ev->ntail - 1];
		int64_t secs = tod / 1000000000, frac = tod % 1000000000;
		if (tod >= 0 && secs < 100 * 3600) {
			/* "HH:MM:SS.nnnnnnnnn: " by hand: see fmt_i64. */
			char t[20];
			int64_t parts[3] = { secs / 3600, secs / 60 % 60, secs % 60 };
			for (int i = 0; i < 3; i++) {
				t[i * 3] = (char)('0' + parts[i] / 10);
				t[i * 3 + 1] = (char)('0' + parts[i] % 10);
				t[i * 3 + 2] = i < 2 ? ':' : '.';
			}
			for (int i = 17; i >= 9; i--, frac /= 10)
				t[i] = (char)('0' + frac % 10);
			t[18] = ':';
			t[19] = ' ';
			sbuf_add(b, t, sizeof(t));
		} else {
			sbuf_printf(b, "%02d:%02d:%02d.%09d: ", (int)(secs / 3600), (int)(secs / 60 % 60),
				    (int)(secs % 60), (int)frac);
		}
		size_t n;
		const char *p = intern_str(ev->prio_text, &n);
		sbuf_add(b, p, n);
		sbuf_addc(b, ' ');
	} else {
		size_t n;
		const char *p = intern_str(ev->prefix, &n);
		sbuf_add(b, p, n);
	}
}

void event_output(const struct event *ev, struct sbuf *b)
{
	if (!(ev->flags & EV_NO_OUTPUT))
		evfmt_prefix(ev, b);
	expand_template(ev, SIZE_MAX, b);
}

void event_message(const struct event *ev, struct sbuf *b)
{
	expand_template(ev, SIZE_MAX, b);
}

void event_message_head(const struct event *ev, size_t max, struct sbuf *b)
{
	expand_template(ev, max, b);
}

int event_raw(const struct event *ev, struct sbuf *b)
{
	return spool_get(ev->raw, b);
}

int event_raw_head(const struct event *ev, size_t max, struct sbuf *b)
{
	struct spool_ref r = ev->raw;
	if (r.len > max)
		r.len = (uint32_t)max;
	return spool_get(r, b);
}

const char *event_tag_next(const struct event *ev, const char *prev, size_t *len)
{
	size_t n;
	const char *all = intern_str(ev->tags, &n);
	if (!ev->tags)
		return NULL;
	const char *end = all + n;
	const char *t = prev ? prev + strlen(prev) + 1 : all;
	if (t > end || (prev && t == end + 1))
		return NULL;
	if (t == end && prev)
		return NULL;
	const char *z = memchr(t, '\0', (size_t)(end - t));
	*len = z ? (size_t)(z - t) : (size_t)(end - t);
	return t;
}

bool event_has_tag(const struct event *ev, const char *tag, size_t len)
{
	const char *t = NULL;
	size_t n;
	while ((t = event_tag_next(ev, t, &n)))
		if (n == len && memcmp(t, tag, n) == 0)
			return true;
	return false;
}

static const char hexdig[] = "0123456789abcdef";

void event_id_text(const struct event *ev, char *out)
{
	char *o = out;
	for (int i = 0; i < 16; i++) {
		if ((ev->flags & EV_HAS_UUID) && (i == 4 || i == 6 || i == 8 || i == 10))
			*o++ = '-';
		*o++ = hexdig[ev->id[i] >> 4];
		*o++ = hexdig[ev->id[i] & 15];
	}
	*o = '\0';
}

int event_id_parse(const char *text, uint8_t id[16])
{
	size_t len = strlen(text);
	bool uuid = len == 36;
	if (len != 32 && !uuid)
		return -1;
	int k = 0;
	for (size_t i = 0; i < len; i++) {
		if (uuid && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (text[i] != '-')
				return -1;
			continue;
		}
		int h = hexval(text[i]), l = i + 1 < len ? hexval(text[i + 1]) : -1;
		if (h < 0 || l < 0 || k >= 16)
			return -1;
		id[k++] = (uint8_t)(h << 4 | l);
		i++;
	}
	return k == 16 ? 0 : -1;
}

int event_cmp(const struct event *a, const struct event *b)
{
	if (a->time_ns != b->time_ns)
		return a->time_ns < b->time_ns ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}
