/* hmap.c — see hmap.h. Linear probing with backward-shift deletion (no tombstones). */
#include "tests/tools/phantom-emu/hmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/util.h"

struct slot {
	uint64_t h;
	char *key;      /* NULL: empty slot */
	size_t klen;
	uint64_t val;
};

struct hmap {
	struct slot *s;
	size_t cap;     /* power of two */
	size_t n;
};

#define HMAP_MIN_CAP 64

struct hmap *hmap_new(void)
{
	struct hmap *m = xcalloc(1, sizeof(*m));
	m->cap = HMAP_MIN_CAP;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	return m;
}

void hmap_clear(struct hmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->s[i].key);
	free(m->s);
	m->cap = HMAP_MIN_CAP;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	m->n = 0;
}

void hmap_free(struct hmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->s[i].key);
	free(m->s);
	free(m);
}

size_t hmap_count(const struct hmap *m)
{
	return m->n;
}

/* Index of the slot holding `key`, or of the empty slot where it would go. */
static size_t hmap_find(const struct hmap *m, uint64_t h, const void *key, size_t klen)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		const struct slot *s = &m->s[i];
		if (!s->key)
			return i;
		if (s->h == h && s->klen == klen && memcmp(s->key, key, klen) == 0)
			return i;
	}
}

static void hmap_grow(struct hmap *m)
{
	struct slot *old = m->s;
	size_t ocap = m->cap;
	m->cap *= 2;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].key)
			continue;
		size_t j = old[i].h & (m->cap - 1);
		while (m->s[j].key)
			j = (j + 1) & (m->cap - 1);
		m->s[j] = old[i];
	}
	free(old);
}

bool hmap_get(const struct hmap *m, const void *key, size_t klen, uint64_t *val)
{
	const struct slot *s = &m->s[hmap_find(m, XXH3_64bits(key, klen), key, klen)];
	if (!s->key)
		return false;
	*val = s->val;
	return true;
}

void hmap_put(struct hmap *m, const void *key, size_t klen, uint64_t val)
{
	if ((m->n + 1) * 10 > m->cap * 7)
		hmap_grow(m);
	uint64_t h = XXH3_64bits(key, klen);
	struct slot *s = &m->s[hmap_find(m, h, key, klen)];
	if (!s->key) {
		s->key = xmalloc(klen + 1);
		memcpy(s->key, key, klen);
		s->key[klen] = '\0';
		s->klen = klen;
		s->h = h;
		m->n++;
	}
	s->val = val;
}

bool hmap_del(struct hmap *m, const void *key, size_t klen)
{
	size_t mask = m->cap - 1;
	size_t i = hmap_find(m, XXH3_64bits(key, klen), key, klen);
	if (!m->s[i].key)
		return false;
	free(m->s[i].key);
	/* Shift later members of the probe run back so lookups never hit a hole. */
	for (size_t j = (i + 1) & mask; m->s[j].key; j = (j + 1) & mask) {
		size_t home = m->s[j].h & mask;
		bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
		if (stays)
			continue;
		m->s[i] = m->s[j];
		i = j;
	}
	memset(&m->s[i], 0, sizeof(m->s[i]));
	m->n--;
	return true;
}
