/*
 * hmap.h — open-addressing hash map from byte-string keys to uint64 values,
 * used by the emulator's model for its indexes (SDI -> container id,
 * artifact dedup digest -> artifact id).
 *
 * Ownership: the map copies keys on insert and frees them itself.
 * Thread safety: none; the owner (the model) serialises every call.
 */
#ifndef PHANTOM_EMU_HMAP_H
#define PHANTOM_EMU_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap;

struct hmap *hmap_new(void);
void hmap_free(struct hmap *m);
void hmap_clear(struct hmap *m);
size_t hmap_count(const struct hmap *m);
/* Returns true and sets *val when `key` is present. */
bool hmap_get(const struct hmap *m, const void *key, size_t klen, uint64_t *val);
/* Inserts or replaces. */
void hmap_put(struct hmap *m, const void *key, size_t klen, uint64_t val);
/* Removes `key`; returns whether it was present. */
bool hmap_del(struct hmap *m, const void *key, size_t klen);

#endif
