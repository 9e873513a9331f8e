/*
 * validate.h — checks REST request bodies against Phantom's rules
 * (required fields, label/severity/status vocabularies, field types) and
 * turns them into the field set the model stores (owner_id -> owner, ...).
 * Unknown keys are ignored, as Phantom does.
 *
 * Ownership: validate_* return a new object the caller json_decref()s, or
 * NULL with *err set to a malloc'd message the caller frees.
 * Thread safety: pure; any thread (the vocab is read-only after start-up).
 */
#ifndef PHANTOM_EMU_VALIDATE_H
#define PHANTOM_EMU_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The names an administrator configured: container labels and severities. */
struct vocab {
	char **labels;
	size_t nlabels;
	char **severities;
	size_t nseverities;
};

/* create: name and label required. Inline "artifacts" are not included. */
json_t *validate_container(const json_t *in, bool create, const struct vocab *v, char **err);
/* container_id is not included (see validate_id). */
json_t *validate_artifact(const json_t *in, bool create, const struct vocab *v, char **err);
json_t *validate_note(const json_t *in, char **err);
json_t *validate_comment(const json_t *in, char **err);
/* Reads a record id in[key] (positive integer or digit string). 0 or -1 + *err. */
int validate_id(const json_t *in, const char *key, uint64_t *id, char **err);

#endif
