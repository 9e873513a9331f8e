/* vocab.c — see vocab.h. */
#include "core/vocab.h"
#include "core/event.h"
#include "core/filter.h"
#include "core/intern.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- string vectors ---------------------------------------------------------- */

void strv_add(struct strv *s, const char *str, size_t n)
{
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrndup(str, n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort_uniq(struct strv *s)
{
	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	size_t o = 1;
	for (size_t i = 1; i < s->n; i++) {
		if (strcmp(s->v[i], s->v[o - 1]) == 0)
			free(s->v[i]);
		else
			s->v[o++] = s->v[i];
	}
	s->n = o;
}

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- bounded sets of interned ids ------------------------------------------------ */

/* Open addressing over ids (0 = empty), sized for `limit` entries at half
 * load; each id stored holds one reference. */
struct idset {
	istr *slot;
	size_t mask, n, limit;
};

static void idset_init(struct idset *s, size_t limit)
{
	size_t cap = 16;
	while (cap < limit * 2)
		cap *= 2;
	s->slot = xcalloc(cap, sizeof(*s->slot));
	s->mask = cap - 1;
	s->n = 0;
	s->limit = limit;
}

static void idset_free(struct idset *s)
{
	for (size_t i = 0; i <= s->mask; i++)
		intern_unref(s->slot[i]);
	free(s->slot);
}

/* Adds id (taking a reference) unless present or full. Returns true if it
 * was added. */
static bool idset_add(struct idset *s, istr id)
{
	if (!id)
		return false;
	size_t i = (id * 2654435761u) & s->mask;
	while (s->slot[i]) {
		if (s->slot[i] == id)
			return false;
		i = (i + 1) & s->mask;
	}
	if (s->n >= s->limit)
		return false;
	intern_ref(id);
	s->slot[i] = id;
	s->n++;
	return true;
}

struct vocab {
	struct idset keys, tagsets, rules, hosts, sources;
	struct strv tags;  /* distinct tag names */
};

struct vocab *vocab_new(void)
{
	struct vocab *v = xcalloc(1, sizeof(*v));
	idset_init(&v->keys, VOCAB_MAX_KEYS);
	idset_init(&v->tagsets, VOCAB_MAX_TAGS * 4);
	idset_init(&v->rules, VOCAB_MAX_VALUES);
	idset_init(&v->hosts, VOCAB_MAX_VALUES);
	idset_init(&v->sources, VOCAB_MAX_VALUES);
	return v;
}

void vocab_free(struct vocab *v)
{
	if (!v)
		return;
	idset_free(&v->keys);
	idset_free(&v->tagsets);
	idset_free(&v->rules);
	idset_free(&v->hosts);
	idset_free(&v->sources);
	strv_free(&v->tags);
	free(v);
}

static void learn_tags(struct vocab *v, const struct event *ev)
{
	/* Events carry their tags as one interned list: a list seen before
	 * brings nothing new. */
	if (!idset_add(&v->tagsets, ev->tags))
		return;
	const char *t = NULL;
	size_t n;
	while ((t = event_tag_next(ev, t, &n)) && v->tags.n < VOCAB_MAX_TAGS) {
		bool known = false;
		for (size_t i = 0; i < v->tags.n && !known; i++)
			known = strlen(v->tags.v[i]) == n && memcmp(v->tags.v[i], t, n) == 0;
		if (!known && n && !memchr(t, '\0', n))
			strv_add(&v->tags, t, n);
	}
}

void vocab_note(struct vocab *v, const struct event *ev)
{
	if (ev->flags & EV_UNPARSED)
		return;
	size_t nf = event_nfields(ev);
	for (size_t i = 0; i < nf; i++)
		idset_add(&v->keys, event_field_key(ev, i));
	if (ev->tags)
		learn_tags(v, ev);
	idset_add(&v->rules, ev->rule);
	idset_add(&v->hosts, ev->hostname);
	idset_add(&v->sources, ev->source);
}

size_t vocab_nkeys(const struct vocab *v)
{
	return v->keys.n;
}

size_t vocab_ntags(const struct vocab *v)
{
	return v->tags.n;
}

/* ---- completion ---------------------------------------------------------------- */

static bool has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);
	return n >= p && memcmp(s, prefix, p) == 0;
}

/* Characters that make a value need quotes in the filter language. */
static bool needs_quotes(const char *s, size_t n)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strchr(" \t\r\n()|&=~<>!\"'\\", s[i]) || (unsigned char)s[i] < 0x20)
			return true;
	return false;
}

/* Adds `pre` + s if it starts with `text` (and quotes it if needed). */
static void offer(struct strv *out, const char *pre, const char *s, size_t n, const char *text,
		  bool quoted, bool value)
{
	struct sbuf b = SBUF_INIT;
	sbuf_adds(&b, pre);
	sbuf_add(&b, s, n);
	if (!has_prefix(b.s, b.len, text) || memchr(s, '\0', n)) {
		sbuf_free(&b);
		return;
	}
	/* Values come from events (attacker-controlled): inside quotes, a '"'
	 * in one must not end the string and turn the rest into filter syntax. */
	bool open = value && !quoted && needs_quotes(s, n);
	if (open || (value && quoted && (memchr(s, '"', n) || memchr(s, '\\', n)))) {
		sbuf_reset(&b);
		sbuf_adds(&b, pre);
		if (open)
			sbuf_addc(&b, '"');
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '"' || s[i] == '\\')
				sbuf_addc(&b, '\\');
			sbuf_addc(&b, s[i]);
		}
		if (open)
			sbuf_addc(&b, '"');
	}
	strv_add(out, b.s, b.len);
	sbuf_free(&b);
}

static void offer_set(struct strv *out, const struct idset *s, const char *pre, const char *text,
		      bool quoted, bool value)
{
	for (size_t i = 0; i <= s->mask; i++) {
		if (!s->slot[i])
			continue;
		size_t n;
		const char *str = intern_str(s->slot[i], &n);
		offer(out, pre, str, n, text, quoted, value);
	}
}

void vocab_keys(const struct vocab *v, const char *prefix, struct strv *out)
{
	offer_set(out, &v->keys, "", prefix, true, false);
	strv_sort_uniq(out);
}

static bool is_op_char(char c)
{
	return c == '=' || c == '!' || c == '<' || c == '>' || c == '~' || c == '*';
}

static bool is_name_char(char c)
{
	return c && !strchr(" \t\r\n()|&\"'", c) && !is_op_char(c);
}

/* The field of a `FIELD OP` right before `start`, lower-cased into f; false
 * if the word does not follow an operator. */
static bool field_before(const char *line, size_t start, bool quoted, char *f, size_t fsize)
{
	size_t i = start;
	if (quoted && i > 0)
		i--; /* the opening quote */
	while (i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
		i--;
	size_t op_end = i;
	while (i > 0 && op_end - i < 3 && is_op_char(line[i - 1]))
		i--;
	size_t oplen = op_end - i;
	static const char *const ops[] = { "=", "==", "!=", "<", "<=", ">", ">=", "~", "!~", "~*", "!~*" };
	bool op = false;
	for (size_t k = 0; k < ARRAY_LEN(ops) && !op; k++)
		op = strlen(ops[k]) == oplen && memcmp(line + i, ops[k], oplen) == 0;
	if (!op)
		return false;
	while (i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
		i--;
	size_t end = i;
	while (i > 0 && is_name_char(line[i - 1]))
		i--;
	if (end == i || end - i >= fsize)
		return false;
	for (size_t k = i; k < end; k++)
		f[k - i] = (char)(line[k] >= 'A' && line[k] <= 'Z' ? line[k] + 32 : line[k]);
	f[end - i] = '\0';
	return true;
}

static void offer_tags(const struct vocab *v, struct strv *out, const char *pre, const char *text,
		       bool quoted)
{
	for (size_t i = 0; i < v->tags.n; i++)
		offer(out, pre, v->tags.v[i], strlen(v->tags.v[i]), text, quoted, true);
}

static void offer_values(const struct vocab *v, const char *field, const char *text, bool quoted,
			 struct strv *out)
{
	if (strcmp(field, "priority") == 0) {
		for (int p = 0; p < PRIO_COUNT; p++)
			offer(out, "", prio_lname((enum prio)p), strlen(prio_lname((enum prio)p)), text,
			      quoted, true);
	} else if (strcmp(field, "tag") == 0) {
		offer_tags(v, out, "", text, quoted);
	} else if (strcmp(field, "rule") == 0) {
		offer_set(out, &v->rules, "", text, quoted, true);
	} else if (strcmp(field, "hostname") == 0 || strcmp(field, "host") == 0) {
		offer_set(out, &v->hosts, "", text, quoted, true);
	} else if (strcmp(field, "source") == 0) {
		offer_set(out, &v->sources, "", text, quoted, true);
	}
}

void vocab_complete_filter(const struct vocab *v, const char *line, size_t start,
			   const char *text, bool quoted, struct strv *out)
{
	char field[128];
	if (field_before(line, start, quoted, field, sizeof(field))) {
		offer_values(v, field, text, quoted, out);
	} else if (strncasecmp(text, "tag:", 4) == 0) {
		char pre[5];
		memcpy(pre, text, 4);
		pre[4] = '\0';
		offer_tags(v, out, pre, text, quoted);
	} else if (strncasecmp(text, "field:", 6) == 0) {
		char pre[7];
		memcpy(pre, text, 6);
		pre[6] = '\0';
		offer_set(out, &v->keys, pre, text, quoted, true);
	} else {
		for (const char *const *k = filter_keywords(); *k; k++)
			offer(out, "", *k, strlen(*k), text, quoted, false);
		offer_set(out, &v->keys, "", text, quoted, false);
	}
	strv_sort_uniq(out);
}
