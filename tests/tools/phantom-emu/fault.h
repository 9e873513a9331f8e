/*
 * fault.h — test-only fault injection: rules that make the next matching
 * REST requests slow, fail with a proxy error page, 429, drop the connection,
 * hang, or answer HTTP 200 with {"failed": true}. Rules come from
 * POST /emu/fault or --fault on the command line and end after `count`
 * requests and/or `seconds`, or when cleared.
 *
 * Rule spec (JSON object): {"mode": "latency"|"status"|"429"|"reset"|"hang"|
 * "failed200", "ms": N, "status": 5xx, "retry_after": S, "message": "...",
 * "count": N, "seconds": S, "path": "/rest/artifact", "method": "POST"}.
 * The first active rule that matches a request applies (one fault per request).
 *
 * Ownership: struct faults owns its rules; faults_json returns a new reference.
 * Thread safety: every function may be called from any thread (internal mutex).
 */
#ifndef PHANTOM_EMU_FAULT_H
#define PHANTOM_EMU_FAULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum fault_mode {
	FAULT_LATENCY,     /* answer normally after `ms` */
	FAULT_STATUS,      /* nginx-style HTML error page with `status` */
	FAULT_429,         /* 429 with Retry-After */
	FAULT_RESET,       /* drop the connection without a response (TCP RST) */
	FAULT_HANG,        /* never answer; close after `ms` */
	FAULT_FAILED200,   /* HTTP 200 {"failed": true, "message": ...} */
	FAULT__N
};

struct fault_hit {
	enum fault_mode mode;
	unsigned ms;
	unsigned status;
	unsigned retry_after;
	char message[512];
};

struct faults;

struct faults *faults_new(void);
void faults_free(struct faults *f);
/* Adds a rule; returns its id (> 0), or 0 and a malloc'd *err. */
uint64_t faults_add(struct faults *f, const json_t *spec, char **err);
/* Command-line form: a JSON object, or "mode[,key=value...]" such as
 * "status,status=503,count=2,path=/rest/artifact". */
uint64_t faults_add_spec(struct faults *f, const char *spec, char **err);
void faults_clear(struct faults *f);
/* When an active rule matches, uses up one of its requests and fills *hit. */
bool faults_take(struct faults *f, const char *method, const char *path, struct fault_hit *hit);
/* The active rules, as a JSON array. */
json_t *faults_json(struct faults *f);
const char *fault_mode_name(enum fault_mode m);

#endif
