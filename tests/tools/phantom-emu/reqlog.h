/*
 * reqlog.h — what the emulator served, for tests to assert on: counters per
 * route, per status and per fault, and a ring of the most recent requests
 * (method, path, which auth method, status, fault). Never any credentials.
 *
 * Ownership: the *_json functions return new references.
 * Thread safety: every function may be called from any thread (internal mutex).
 */
#ifndef PHANTOM_EMU_REQLOG_H
#define PHANTOM_EMU_REQLOG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/tools/phantom-emu/msg.h"

struct reqlog_entry {
	const char *method;
	const char *path;
	const char *route;      /* route pattern, e.g. "/rest/container/{id}" */
	enum auth_kind auth;
	unsigned status;        /* 0: no response was sent (reset, hang) */
	const char *fault;      /* fault mode served, or NULL */
	int64_t dur_ns;
};

struct reqlog;

struct reqlog *reqlog_new(size_t ring_size);
void reqlog_free(struct reqlog *l);
void reqlog_record(struct reqlog *l, const struct reqlog_entry *e);
void reqlog_reset(struct reqlog *l);
/* {"requests": N, "routes": {"POST /rest/container": N}, "status": {"200": N}, "faults": {...}} */
json_t *reqlog_counters_json(struct reqlog *l);
/* The last n requests, oldest first. */
json_t *reqlog_recent_json(struct reqlog *l, size_t n);

#endif
