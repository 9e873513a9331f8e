/*
 * parse.h — Falco JSON (raw Falco lines and falcosidekick payloads) into
 * compact events.
 *
 * Every byte here is attacker-controlled. event_parse() never fails: input
 * that is not a Falco event (invalid JSON, truncated, not an object, too
 * deeply nested) becomes an EV_UNPARSED record that keeps the raw bytes and
 * says why in `error`. Invalid UTF-8, lone UTF-16 surrogate escapes
 * ("\ud800" without its low half, or a low half alone) and \u0000 in object
 * keys are replaced by U+FFFD for parsing (the raw bytes stay untouched) and
 * the event is flagged EV_REPAIRED; \u0000 in values is kept (JSON_ALLOW_NUL:
 * the display escapes it, the Phantom mapping replaces it, cef.h).
 *
 * Ownership: returns a new event owned by the caller (event_free()).
 * Thread safety: may be called from any number of threads at once.
 */
#ifndef SOCTERM_PARSE_H
#define SOCTERM_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <stdbool.h>

#include "core/event.h"

/* Must be called once before any thread starts (seeds jansson's hashing). */
void parse_init(void);

/* Parses one event. `subject` may be NULL (file sources). `recv_ns` is the
 * arrival time, used when the event carries no usable time. A trailing
 * newline (and CR) is ignored. */
struct event *event_parse(const char *raw, size_t len, const char *subject, int64_t recv_ns);

/* Loads the original bytes of an event as JSON the way event_parse() does:
 * invalid UTF-8, lone surrogate escapes and \u0000 in keys replaced by U+FFFD
 * (*repaired set; repaired may be NULL), integers beyond 64 bits kept as
 * strings of their digits, \u0000 in values allowed. NULL on invalid JSON
 * (err filled when not NULL). The caller owns the result (json_decref). */
json_t *falco_json_load(const char *raw, size_t len, bool *repaired, json_error_t *err);

/* Parses RFC 3339 time ("2024-05-01T10:00:00.123456789Z", 0-9 fraction
 * digits, Z or +hh:mm / -hh:mm) into UTC nanoseconds. 0 or -1. */
int parse_rfc3339(const char *s, size_t n, int64_t *ns);

/* The NATS subject Falco publishers use: "falco.<priority>.<rule_slug>". */
char *falco_subject(const char *priority, const char *rule);

#endif
