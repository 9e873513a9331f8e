/*
 * idmap.h — a map from 16-byte event ids (event.id) to 64-bit values: which
 * escalation an event belongs to, which annotation it has. Lookups happen
 * for every arriving event, so they are one hash probe (ids are already
 * hashes or random uuids: their first 8 bytes are the hash).
 *
 * Ownership: the caller owns the map (idmap_free()).
 * Thread safety: none; one thread owns a map.
 */
#ifndef SOCTERM_IDMAP_H
#define SOCTERM_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idmap;

struct idmap *idmap_new(void);
void idmap_free(struct idmap *m);            /* NULL is fine */
/* Sets (adds or replaces) the value of id. */
void idmap_put(struct idmap *m, const uint8_t id[16], int64_t value);
/* True and *value set when id is in the map. */
bool idmap_get(const struct idmap *m, const uint8_t id[16], int64_t *value);
/* Removes id (absent ids are fine). */
void idmap_del(struct idmap *m, const uint8_t id[16]);
size_t idmap_len(const struct idmap *m);

#endif
