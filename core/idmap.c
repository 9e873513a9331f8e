/* idmap.c — see idmap.h. Open addressing with linear probing and
 * backward-shift deletion (no tombstones), at most 1/2 full. */
#include "core/idmap.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	uint8_t id[16];
	int64_t value;
	bool used;
};

struct idmap {
	struct slot *v;
	size_t cap;   /* power of two, or 0 */
	size_t n;
};

static size_t hash(const uint8_t id[16])
{
	uint64_t h;
	memcpy(&h, id, sizeof h);
	/* uuids have fixed version bits in byte 6: mix the halves anyway */
	uint64_t l;
	memcpy(&l, id + 8, sizeof l);
	h ^= l * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h ^ (h >> 29));
}

static size_t find(const struct idmap *m, const uint8_t id[16])
{
	size_t mask = m->cap - 1, i = hash(id) & mask;
	while (m->v[i].used && memcmp(m->v[i].id, id, 16) != 0)
		i = (i + 1) & mask;
	return i;
}

struct idmap *idmap_new(void)
{
	return xcalloc(1, sizeof(struct idmap));
}

void idmap_free(struct idmap *m)
{
	if (!m)
		return;
	free(m->v);
	free(m);
}

static void grow(struct idmap *m)
{
	struct slot *old = m->v;
	size_t oldcap = m->cap;
	m->cap = oldcap ? oldcap * 2 : 64;
	m->v = xcalloc(m->cap, sizeof *m->v);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].used)
			m->v[find(m, old[i].id)] = old[i];
	free(old);
}

void idmap_put(struct idmap *m, const uint8_t id[16], int64_t value)
{
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	size_t i = find(m, id);
	if (!m->v[i].used) {
		memcpy(m->v[i].id, id, 16);
		m->v[i].used = true;
		m->n++;
	}
	m->v[i].value = value;
}

bool idmap_get(const struct idmap *m, const uint8_t id[16], int64_t *value)
{
	if (!m->n)
		return false;
	size_t i = find(m, id);
	if (!m->v[i].used)
		return false;
	*value = m->v[i].value;
	return true;
}

void idmap_del(struct idmap *m, const uint8_t id[16])
{
	if (!m->n)
		return;
	size_t mask = m->cap - 1, i = find(m, id);
	if (!m->v[i].used)
		return;
	m->v[i].used = false;
	m->n--;
	/* Shift back entries whose probe sequence passed through slot i. */
	for (size_t j = (i + 1) & mask; m->v[j].used; j = (j + 1) & mask) {
		size_t home = hash(m->v[j].id) & mask;
		bool between = i <= j ? (home <= i || home > j) : (home <= i && home > j);
		if (between) {
			m->v[i] = m->v[j];
			m->v[j].used = false;
			i = j;
		}
	}
}

size_t idmap_len(const struct idmap *m)
{
	return m->n;
}
