/*
 * sanitize.h — make attacker-controlled bytes safe to put on a terminal.
 *
 * Falco fields come from the monitored workload: a process name, command line
 * or file name can carry ESC/CSI/OSC/DCS/APC sequences, C1 controls, DEL,
 * bidi overrides or invalid UTF-8. Nothing from an event may reach the
 * terminal as a control. sanitize() turns any byte string into printable
 * UTF-8 in which every such byte or code point is shown escaped:
 *   C0 controls and DEL  -> \x1b, \x7f (with SAN_ONELINE, \n \r \t as \n \r \t)
 *   C1 controls, bidi and other format controls, line/paragraph separators,
 *   non-characters, unassigned/undisplayable code points -> \u202e, \u{1f...}
 *   invalid UTF-8 bytes  -> \x80 (one escape per bad byte, the rest survives)
 *   backslash            -> left as is (escapes are display-only)
 * Valid printable UTF-8 (wide and combining characters too) passes unchanged.
 * With SAN_ASCII (locale is not UTF-8) every non-ASCII code point is escaped.
 *
 * Width helpers measure sanitized text in terminal columns (wcwidth), so
 * columns stay aligned with wide and combining characters.
 *
 * Ownership: output is appended to a caller-owned sbuf.
 * Thread safety: pure functions; wcwidth depends on the process locale.
 */
#ifndef SOCTERM_SANITIZE_H
#define SOCTERM_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

enum {
	SAN_ONELINE = 1 << 0, /* \n, \r, \t escaped too: one row in the list */
	SAN_ASCII   = 1 << 1, /* escape everything outside printable ASCII */
};

/* Appends the safe form of s[0..n) to out. Without SAN_ONELINE, '\n' is kept
 * (the caller splits lines) and '\t' is expanded to spaces up to the next
 * multiple of 8 from the start of the current line. */
void sanitize(const char *s, size_t n, unsigned flags, struct sbuf *out);

/* True if s[0..n) is already safe for `flags` (sanitize would not change it). */
bool sanitize_is_clean(const char *s, size_t n, unsigned flags);

/* Columns taken by sanitized text (one line). */
int text_width(const char *s, size_t n);

/* Largest prefix of sanitized text s[0..n) that fits in `cols` columns,
 * never splitting a character or separating a combining mark from its base.
 * Returns its length in bytes; *used (if non-NULL) gets its width. */
size_t text_fit(const char *s, size_t n, int cols, int *used);

/* Call once after setlocale(): decides whether the terminal gets UTF-8. */
bool locale_is_utf8(void);

#endif
