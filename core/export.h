/*
 * export.h — writing events to a file: their original JSON lines, or CSV
 * with chosen columns.
 *
 * JSON: each event's original bytes exactly as received (event_raw()), one
 * per line, LF-terminated. Unparsed records are written the same way.
 *
 * CSV (RFC 4180): a header row with the column names, fields separated by
 * commas, CRLF line ends; a field containing a comma, a double quote, CR or
 * LF is enclosed in double quotes with its quotes doubled. Falco fields are
 * attacker-controlled, and spreadsheets run a cell that starts with = + - @
 * (or TAB or CR) as a formula ("CSV injection"), so such a value gets a
 * leading apostrophe ('=cmd|...). A plain decimal number such as -1 or
 * -0.5 is left alone: it cannot be a formula. Nothing else is changed.
 *
 * Columns: time (RFC 3339 UTC, nanoseconds), priority (as received), rule,
 * hostname (or host), source, output (full text), message (output without
 * Falco's "time: Priority " prefix), tags (comma-separated), id, subject;
 * any name with a dot is an output_fields key (proc.cmdline), and field:NAME
 * names any key. A missing or null value is an empty field; numbers and
 * booleans are written as Falco sent them, arrays and objects as compact
 * JSON.
 *
 * Files appear whole or not at all: the writer fills a temporary file in the
 * target's directory (mode 0600: exported events are sensitive), flushes it
 * to disk and renames it over the target. Without `overwrite` an existing
 * target is never replaced, not even one created meanwhile: commit fails
 * with EXPORT_EXISTS.
 *
 * Ownership: export_open() returns a writer that export_commit() or
 * export_abort() frees. Error strings are malloc'd; the caller frees them.
 * Events are only read.
 * Thread safety: a writer belongs to one thread; the functions keep no
 * global state.
 */
#ifndef SOCTERM_EXPORT_H
#define SOCTERM_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

struct event;
struct exporter;

enum export_format { EXPORT_JSON, EXPORT_CSV };

enum { EXPORT_OK = 0, EXPORT_ERR = -1, EXPORT_EXISTS = -2 };

struct export_opts {
	enum export_format format;
	char **columns;          /* CSV; NULL: export_default_columns */
	size_t ncolumns;
	bool overwrite;          /* replace an existing file */
};

struct export_result {
	size_t written;          /* events written */
	size_t unreadable;       /* JSON: events whose bytes could not be read back */
};

/* "time,priority,rule,hostname,source,output". */
extern const char export_default_columns[];

/* Splits "a,b,c" into column names and checks them. Returns 0, or -1 with
 * *err (naming the bad column). Free with export_columns_free(). */
int export_columns_parse(const char *spec, char ***cols, size_t *n, char **err);
void export_columns_free(char **cols, size_t n);

/* Starts writing `path`. NULL with *err on failure; with EXPORT_EXISTS in
 * *code (if non-NULL) when the file exists and overwrite is off. */
struct exporter *export_open(const char *path, const struct export_opts *o, int *code,
			     char **err);
/* Appends one event. Returns 0, or -1 on a write error (reported by commit). */
int export_add(struct exporter *x, const struct event *ev);
/* Flushes, syncs and renames into place; frees x. EXPORT_OK, EXPORT_EXISTS
 * (the target appeared and overwrite is off), or EXPORT_ERR with *err. */
int export_commit(struct exporter *x, struct export_result *res, char **err);
/* Removes the temporary file and frees x. NULL is ok. */
void export_abort(struct exporter *x);

/* Building blocks, exposed for tests. */
/* Appends one CSV field (quoted and defused as described above). */
void export_csv_field(struct sbuf *b, const char *s, size_t n);
/* Appends the text of column `col` of ev (unquoted). */
void export_column_value(const struct event *ev, const char *col, struct sbuf *b);

#endif
