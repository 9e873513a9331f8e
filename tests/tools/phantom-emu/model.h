/*
 * model.h — the emulator's in-memory Phantom: containers, artifacts, notes
 * and container comments, with the indexes the contract needs
 * (SDI -> container, container -> children, artifact content hash -> id).
 *
 * Records look like what Phantom returns from GET (field names of
 * phantom-api.md §6.2); they are kept as compact JSON text and materialised
 * on read. Ids start at 1 per collection and are never reused.
 *
 * Ownership: model_get/model_dump return new objects the caller owns
 * (json_decref). model_children returns an array owned by the model, valid
 * until model_unlock. Field objects passed in are only read.
 * Thread safety: model_new/model_free on one thread, model_has_field on
 * any; every other call requires model_lock() held by the calling thread.
 */
#ifndef PHANTOM_EMU_MODEL_H
#define PHANTOM_EMU_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum coll { COLL_CONTAINER, COLL_ARTIFACT, COLL_NOTE, COLL_COMMENT, COLL__N };

enum model_rc {
	MODEL_OK,
	MODEL_DUP,        /* *id is the existing record the new content duplicates */
	MODEL_NOTFOUND,
};

struct model;

struct model *model_new(void);
void model_free(struct model *m);
void model_lock(struct model *m);
void model_unlock(struct model *m);

/* Whether objects of collection c have a field `name` (filters, sort keys). */
bool model_has_field(enum coll c, const char *name);

void model_reset(struct model *m);
/* Highest id issued in a collection (ids 1..n all exist). */
size_t model_size(struct model *m, enum coll c);
/* A new object, or NULL for an unknown id. */
json_t *model_get(struct model *m, enum coll c, uint64_t id);
/* Ids of container `cid`'s children in collection c (artifact, note or
 * comment), in ascending order. */
const uint64_t *model_children(struct model *m, uint64_t cid, enum coll c, size_t *n);
bool model_sdi_lookup(struct model *m, const char *sdi, uint64_t *cid);

/* `fields` holds validated values under their stored names (validate.h). */
enum model_rc model_container_create(struct model *m, const json_t *fields, uint64_t *id);
enum model_rc model_container_update(struct model *m, uint64_t id, const json_t *fields,
				     uint64_t *dup);
enum model_rc model_artifact_create(struct model *m, uint64_t cid, const json_t *fields,
				    uint64_t *id);
enum model_rc model_artifact_update(struct model *m, uint64_t id, const json_t *fields,
				    uint64_t *dup);
uint64_t model_note_create(struct model *m, uint64_t cid, const json_t *fields);
uint64_t model_comment_create(struct model *m, uint64_t cid, const json_t *fields);

/* Every container with "artifacts", "notes" and "comments" arrays embedded. */
json_t *model_dump(struct model *m);

#endif
