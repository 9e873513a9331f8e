/*
 * cef.h — the Falco event -> Splunk Phantom (SOAR) mapping: containers,
 * artifacts with CEF, and notes. Pure: no network, no state, no globals.
 *
 * Input is a Falco event as a jansson object parsed from its original bytes
 * (cef_event_load() does that robustly), the event's stable id text (its
 * source_data_identifier) and the escalation parameters. Output is new
 * jansson objects ready to be POSTed (phantom-api.md §3, §4, §5, §8.3).
 *
 * Decisions (documented once, here):
 *  - "No value" (JSON null, "" and the literal string "<NA>", bug-cases B01)
 *    is never mapped to a CEF key; the full event, nulls and "<NA>" included,
 *    is kept verbatim in the artifact's `data`.
 *  - NUL: nothing sent to Phantom contains U+0000 (its PostgreSQL refuses
 *    it, and the whole escalation with it). cef_event_load() turns every NUL
 *    in a string into U+FFFD, the mark already used for invalid UTF-8 and
 *    lone surrogates, and then adds the original line as "socterm.raw", in
 *    which the JSON escape \u0000 is six plain characters. The outbox and
 *    the spool keep the exact bytes.
 *  - Times: start_time is ISO 8601 UTC with microseconds and `Z`
 *    ("2024-05-01T10:00:00.123456Z", truncated, never rounded up) because
 *    that is the form Phantom returns and documents; the full nanosecond time
 *    goes into the artifact's cef.startTime ("...00.123456789Z") and the
 *    original `time` stays in `data`.
 *  - CEF values: strings as received, integers exact (beyond +-2^53 as
 *    decimal strings, so no JSON consumer rounds them), booleans and reals as
 *    JSON, arrays and objects as compact JSON text (addresses take the first
 *    string of an array). Ports only when they are 0..65535.
 *  - The container source_data_identifier is "socterm-" + 32 hex digits of
 *    XXH3-128 over the sorted, deduplicated event ids, so retrying the same
 *    escalation (or pressing "escalate" twice) finds the same container.
 *  - Artifacts of one container: run_automation false on all but the last.
 *  - Tags: the event's string tags (a plain string counts as one tag), then
 *    "falco" and the lower-case priority name when the priority is known.
 *
 * Ownership: every returned json_t* / char* is new and owned by the caller
 * (json_decref / free). Input objects are borrowed; `data` holds a reference
 * to the caller's event object (json_incref), it is never modified.
 * Thread safety: all functions are reentrant.
 */
#ifndef SOCTERM_CEF_H
#define SOCTERM_CEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/event.h"

/* Escalation parameters. NULL / 0 members take the documented defaults. */
struct cef_params {
	const char *name;           /* container name; default: the first event's rule */
	const char *label;          /* container label; default "events" */
	const char *severity;       /* override; default: from the most severe priority */
	const char *sensitivity;    /* default "amber" */
	const char *container_type; /* "case" to escalate as a case; default: not sent */
	const char *sdi;            /* container SDI; default cef_sdi() of the ids */
	const char *artifact_label; /* default "event" */
	const char *artifact_type;  /* default "host" */
	/* Severity per priority, indexed by enum prio (PRIO_UNKNOWN included);
	 * NULL entries (or a NULL map) use cef_default_severity(). */
	const char *const *sev_map;
};

/* Priority text -> enum prio: case-insensitive, whitespace trimmed, "info"
 * is Informational; anything else (or NULL) is PRIO_UNKNOWN. */
enum prio cef_prio(const char *s);
/* Emergency/Alert/Critical -> "high", Error/Warning -> "medium",
 * Notice/Informational/Debug -> "low", unknown -> "medium". */
const char *cef_default_severity(enum prio p);
const char *cef_severity(const struct cef_params *p, enum prio prio);

/* Parses the original bytes of an event into a JSON object, never failing,
 * the way the event parser does (falco_json_load): invalid UTF-8, lone
 * surrogate escapes and NUL are replaced by U+FFFD (the original, as valid
 * UTF-8 without NUL, then also goes to "socterm.raw"), integers beyond 64
 * bits are kept as strings of their digits, and input that is not a JSON
 * object becomes {"rule": "Unparsed event", "socterm.raw": "<text>",
 * "socterm.error": "<why>"}. */
json_t *cef_event_load(const char *raw, size_t len);

/* "socterm-" + 32 lower-case hex digits; ids may come in any order and may
 * repeat. Caller frees. */
char *cef_sdi(const char *const *ids, size_t n);

/* Falco time text (RFC 3339, 0-9 fraction digits, Z or +-hh:mm) -> UTC ns.
 * Returns 0, or -1 if it is not such a time. */
int cef_parse_time(const char *s, int64_t *ns);
/* ns -> "YYYY-MM-DDTHH:MM:SS.ffffffZ" (frac_digits 6) or 9 digits.
 * out must hold CEF_TIME_MAX bytes. */
#define CEF_TIME_MAX 48
void cef_format_time(int64_t ns, int frac_digits, char *out);
/* The event's time in UTC ns: `time`, else an integer output_fields
 * "evt.time". Returns 0, or -1 if neither is usable. */
int cef_event_time(json_t *ev, int64_t *ns);

/* The event's text without Falco's "HH:MM:SS.nnnnnnnnn: Priority " (or ISO
 * 8601) prefix, which is stripped only when it matches exactly; without an
 * `output`, the `message` key or a one-line summary from rule and fields.
 * Caller frees. */
char *cef_description(json_t *ev);

/* The CEF object and its cef_types for one event (both new objects). */
void cef_map(json_t *ev, json_t **cef, json_t **cef_types);

/* One artifact for an event. container_id <= 0 leaves container_id out
 * (inline artifacts); run_automation as given. */
json_t *cef_artifact(const struct cef_params *p, json_t *ev, const char *event_id,
		     long long container_id, bool run_automation);

/* A container for n >= 1 events with their artifacts inline (events[i] has
 * the id ids[i]). Repeated ids are included once. */
json_t *cef_container(const struct cef_params *p, json_t *const *events,
		      const char *const *ids, size_t n);

/* An analyst annotation as a note. `marker` is a unique text that identifies
 * this local note (it goes into the title and the content) so that a resend
 * can look for it first; cef_note_has_marker() checks a note from a listing. */
struct cef_note_in {
	const char *author;   /* local user name; NULL -> "analyst" */
	const char *text;     /* the annotation (markdown kept as written) */
	const char *event_id;
	const char *rule;     /* may be NULL */
	int64_t time_ns;      /* event time, 0 if unknown */
	const char *marker;
};
json_t *cef_note(long long container_id, const struct cef_note_in *in);
bool cef_note_has_marker(json_t *note, const char *marker);

#endif
