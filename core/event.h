/*
 * event.h — the compact, immutable Falco event.
 *
 * A parsed event is one allocation: a fixed header, an array of output_fields
 * entries (key and value as interned ids or inline numbers) and a small tail
 * of 64-bit numbers. Strings live in the interner (intern.h); the original
 * bytes live in the spool (spool.h). The output text is not stored: it is a
 * template in which field values are replaced by references, so the same
 * rule firing for the same process costs a few bytes (event_output()).
 *
 * Ownership: event_parse() (parse.h) returns a new event; the owner frees it
 * with event_free(), which also drops its interned strings and spool bytes.
 * Everything except `state` is immutable after parsing, so an event may be
 * read from any thread once it has been handed over through a queue.
 * `state` belongs to whichever single thread owns the event (the UI thread in
 * the console).
 */
#ifndef SOCTERM_EVENT_H
#define SOCTERM_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/intern.h"
#include "core/spool.h"
#include "core/util.h"

/* Falco priorities, most severe first. PRIO_UNKNOWN holds anything else
 * (the original text is kept in event.prio_text). */
enum prio {
	PRIO_EMERGENCY,
	PRIO_ALERT,
	PRIO_CRITICAL,
	PRIO_ERROR,
	PRIO_WARNING,
	PRIO_NOTICE,
	PRIO_INFORMATIONAL,
	PRIO_DEBUG,
	PRIO_UNKNOWN,
	PRIO_COUNT
};

/* "Emergency" ... "Debug", "Unknown". */
const char *prio_name(enum prio p);
/* Lower-case name: "emergency" ... "debug", "unknown". */
const char *prio_lname(enum prio p);
/* Case-insensitive, surrounding whitespace ignored; "info" is Informational.
 * Anything else is PRIO_UNKNOWN. */
enum prio prio_parse(const char *s, size_t n);

/* Value of an output_fields entry. */
enum fv_type {
	FV_NULL,
	FV_STRING,
	FV_INT,     /* exact 64-bit integer */
	FV_REAL,
	FV_BOOL,
	FV_JSON,    /* array or object, kept as compact JSON text */
};

struct fval {
	enum fv_type type;
	istr str;       /* FV_STRING, FV_JSON: borrowed from the event */
	int64_t i;      /* FV_INT, FV_BOOL (0/1) */
	double d;       /* FV_REAL */
};

/* event.flags */
enum {
	EV_UNPARSED    = 1 << 0, /* not a Falco event: only raw bytes and `error` */
	EV_REPAIRED    = 1 << 1, /* invalid UTF-8 or escapes replaced by U+FFFD to parse */
	EV_HAS_UUID    = 1 << 2, /* id is the falcosidekick uuid */
	EV_TIME_GUESS  = 1 << 3, /* `time` missing or invalid: evt.time or arrival */
	EV_NO_OUTPUT   = 1 << 4, /* `output` absent: the message is synthesised */
	EV_PREFIX_TOD  = 1 << 5, /* output prefix is "HH:MM:SS.nnnnnnnnn: <prio> " */
};

/* event.state — owned by one thread (the UI thread in the console). */
enum {
	ES_MARKED    = 1 << 0,
	ES_ANNOTATED = 1 << 1,
	ES_ESCALATED = 1 << 2,
	ES_SEARCHHIT = 1 << 3,
	/* Scratch bits of the console's incremental re-filtering (tui/filterui.c):
	 * the event has been evaluated by the running pass, and the result. */
	ES_FILTERED  = 1 << 4,
	ES_FILTERHIT = 1 << 5,
};

/* One output_fields entry: key = interned name | (type << 28); val = interned
 * string id, inline int32/bool, or an index into the event's 64-bit tail. */
struct efield {
	uint32_t key;
	uint32_t val;
};

struct event {
	int64_t time_ns;        /* UTC nanoseconds (arrival time if unknown) */
	uint64_t seq;           /* arrival order, unique in the process */
	uint64_t stream_seq;    /* JetStream stream sequence, 0 if none */
	uint8_t id[16];         /* stable id (uuid or hash), see event_id_text() */
	struct spool_ref raw;   /* the original bytes */
	istr rule;
	istr hostname;
	istr source;
	istr prio_text;         /* priority as received (for unknown ones) */
	istr subject;           /* NATS subject, 0 for files */
	istr tags;              /* tags joined by '\0', 0 if none */
	istr message_tpl;       /* output minus prefix, as a template */
	istr prefix;            /* output prefix literal (unless EV_PREFIX_TOD) */
	istr error;             /* EV_UNPARSED: why */
	uint16_t nfields;
	uint16_t ntail;
	uint8_t prio;           /* enum prio */
	uint8_t flags;          /* EV_* */
	uint8_t state;          /* ES_* */
	uint8_t pad_;
	struct efield f[];      /* nfields entries, then ntail int64 values */
};

/* Releases the event, its interned strings and its spool bytes. NULL is ok. */
void event_free(struct event *ev);

size_t event_nfields(const struct event *ev);
istr event_field_key(const struct event *ev, size_t i);
void event_field(const struct event *ev, size_t i, struct fval *out);
/* Looks a field up by interned key; false if the key is absent. */
bool event_get(const struct event *ev, istr key, struct fval *out);
/* Same, by name. */
bool event_get_name(const struct event *ev, const char *name, struct fval *out);

/* Appends the full output text, prefix included, exactly as received (or the
 * synthesised summary when EV_NO_OUTPUT). */
void event_output(const struct event *ev, struct sbuf *b);
/* Appends the output without Falco's "time: Priority " prefix. */
void event_message(const struct event *ev, struct sbuf *b);
/* Appends the first `max` bytes of that (all of it when shorter), without
 * building the rest: what one screen row can show of a huge message. */
void event_message_head(const struct event *ev, size_t max, struct sbuf *b);
/* Appends the original bytes of the event (from the spool). Returns 0, or -1
 * if they could not be read (b then holds nothing new). */
int event_raw(const struct event *ev, struct sbuf *b);
/* Same, only the first `max` bytes (all of them when fewer). */
int event_raw_head(const struct event *ev, size_t max, struct sbuf *b);

/* Tags: iterate with `const char *t = NULL; size_t n; while ((t = event_tag_next(ev, t, &n)))`. */
const char *event_tag_next(const struct event *ev, const char *prev, size_t *len);
bool event_has_tag(const struct event *ev, const char *tag, size_t len);

/* Stable id as text: the lower-case uuid, or 32 hex digits. out >= 37 bytes. */
void event_id_text(const struct event *ev, char *out);
/* Parses text produced by event_id_text() back into 16 bytes. 0 or -1. */
int event_id_parse(const char *text, uint8_t id[16]);

/* Canonical text of a value: strings as-is, integers exactly, reals in the
 * shortest form that round-trips, booleans true/false, null "null", arrays
 * and objects as compact JSON. Appends to b. */
void fval_format(const struct fval *v, struct sbuf *b);

/* Compare two events by (time_ns, seq): <0, 0, >0. */
int event_cmp(const struct event *a, const struct event *b);

#endif
