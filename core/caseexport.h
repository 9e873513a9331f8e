/*
 * caseexport.h — the escalation outbox written out as JSON lines: for an
 * analyst whose cases stay local (no Phantom reachable or configured), or
 * to hand cases over. One line per escalation, oldest first, with its state
 * and the Phantom request bodies built from the events kept in the outbox,
 * exactly as the forwarder would build them (cef.h):
 *
 *   {"escalation": 3, "state": "queued", "kind": "new" | "existing",
 *    "name", "severity", "label", "sensitivity", "container_type",
 *    "source_data_identifier", "container_id": N | null,
 *    "target_container": N | null, "link": "BASE/mission/N" | null,
 *    "attempts": N, "next_attempt": TIME | null, "last_error": TEXT | null,
 *    "created": TIME, "updated": TIME,
 *    "container": {POST /rest/container body, artifacts inline}   (new)
 *    "artifacts": [POST /rest/artifact bodies]                   (existing)
 *    "annotations": [{"event_id", "author", "text"}]}
 *
 * TIME is RFC 3339 UTC with microseconds. Events whose bytes are not JSON
 * are mapped the way the forwarder maps them (cef_event_load()).
 *
 * Ownership: everything is borrowed; *err is malloc'd.
 * Thread safety: the thread that owns db.
 */
#ifndef SOCTERM_CASEEXPORT_H
#define SOCTERM_CASEEXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "core/cef.h"
#include "core/statedb.h"

/* Writes every escalation to out. base_url (may be NULL) makes the links.
 * Returns 0 with *count set, or -1 with *err. */
int caseexport_write(struct statedb *db, const struct cef_params *defaults, const char *base_url,
		     FILE *out, size_t *count, char **err);

/* "BASE/mission/ID" for a Phantom base URL (a trailing / or /rest is
 * dropped). Caller frees; NULL when base_url is NULL or id <= 0. */
char *caseexport_link(const char *base_url, long long id);

#endif
