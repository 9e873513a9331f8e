/*
 * sanitize.h — make attacker-controlled bytes safe to put on a terminal.
 *
 * Falco fields come from the monitored workload: a process name, command line
 * or file name can carry ESC/CSI/OSC/DCS/APC sequences, C1 controls, DEL,
 * bidi overrides or invalid UTF-8. Nothing from an event may reach the
 * terminal as a control. sanitize() turns any byte string into printable
 * UTF-8 in which every such byte or code point is shown escaped:
 *   C0 controls and DEL  -> \x1b, \x7f; \r is always shown as \r, and with
 *                           SAN_ONELINE \n and \t are shown as \n and \t
 *   C1 controls, bidi and other format controls (Unicode Cf), line/paragraph
 *   separators, non-characters, surrogates encoded in UTF-8, code points
 *   above U+10FFFF, unassigned/undisplayable code points (wcwidth < 0)
 *                        -> \u202e (4 hex digits), \u{e0001} above U+FFFF
 *   invalid UTF-8 bytes  -> \x80 (one escape per bad byte; decoding resumes
 *                           at the next byte, so bytes 61 80 7a give a\x80z)
 *   backslash            -> left as is (escapes are display-only)
 * Hex digits are lower case. Valid printable UTF-8 (wide and combining
 * characters too) passes unchanged. With SAN_ASCII (locale is not UTF-8)
 * every non-ASCII code point is escaped. The output is a fixed point:
 * sanitizing it again (same flags) changes nothing.
 *
 * Width helpers measure sanitized text in terminal columns (wcwidth), so
 * columns stay aligned with wide and combining characters.
 *
 * Ownership: output is appended to a caller-owned sbuf; nothing else allocates.
 * Thread safety: pure functions, callable from any thread; wcwidth (and so
 * the result for non-ASCII text) depends on the process locale (LC_CTYPE).
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
 * multiple of 8 columns, counted from the start of s or from the last '\n'
 * in it. */
void sanitize(const char *s, size_t n, unsigned flags, struct sbuf *out);

/* True if s[0..n) is already safe for `flags` (sanitize would not change it). */
bool sanitize_is_clean(const char *s, size_t n, unsigned flags);

/* Checks the output contract of sanitize() on s[0..n): well-formed UTF-8 (no
 * overlong forms, surrogates or code points above U+10FFFF) containing no C0
 * control (but '\n' without SAN_ONELINE), DEL, C1 control, bidi or other
 * format control, line/paragraph separator, non-character or code point with
 * wcwidth < 0, and with SAN_ASCII nothing outside ASCII. Returns NULL when s
 * satisfies it, else a static description of the first violation, with its
 * byte offset in *at (if non-NULL). Written independently of sanitize()'s
 * scanner, for unit tests and fuzz targets. */
const char *sanitize_check_output(const char *s, size_t n, unsigned flags, size_t *at);

/* Columns taken by sanitized text (one line). Meant for sanitized input; any
 * other byte that is not a displayable character counts as one column. */
int text_width(const char *s, size_t n);

/* Largest prefix of sanitized text s[0..n) that fits in `cols` columns,
 * never splitting a character or separating a combining mark from its base.
 * Returns its length in bytes; *used (if non-NULL) gets its width. */
size_t text_fit(const char *s, size_t n, int cols, int *used);

/* Call once after setlocale(): decides whether the terminal gets UTF-8. */
bool locale_is_utf8(void);

#endif
