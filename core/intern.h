/*
 * intern.h — the process-wide string interner.
 *
 * Falco events repeat the same rules, hosts, images, users and command lines
 * over and over; each distinct byte string is stored once and events refer to
 * it by a 32-bit id. Strings are counted (they may contain NUL) and
 * reference-counted, so strings of evicted events are freed.
 *
 * Id 0 is "no string". Ids are recycled only after their count reaches zero.
 *
 * Ownership: intern_put() returns a reference the caller owns and must give
 * back with intern_unref(). intern_str() returns a borrowed pointer that stays
 * valid while the caller (or an event it holds) owns a reference.
 * Thread safety: every function may be called from any thread. intern_str() is
 * lock-free: readers never wait for writers.
 */
#ifndef SOCTERM_INTERN_H
#define SOCTERM_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t istr;  /* interned string id, 0 = none */

#define ISTR_MAX ((1u << 28) - 1)  /* ids use at most 28 bits (see event.h) */

/* Returns the id for (s, n), taking a new reference. n may be 0 (empty
 * string, a valid distinct string, not id 0). */
istr intern_put(const char *s, size_t n);
/* Convenience for NUL-terminated strings. */
istr intern_cstr(const char *s);
/* Returns the id of (s, n) if it is interned, without taking a reference
 * (0 when absent). Useful for compiling filters: an absent string cannot match. */
istr intern_find(const char *s, size_t n);
void intern_ref(istr id);
void intern_unref(istr id);
/* Borrowed bytes of id; always NUL-terminated; *len (if non-NULL) set.
 * id 0 yields "" with length 0. */
const char *intern_str(istr id, size_t *len);
/* Number of live distinct strings and their total bytes (for stats/bench). */
void intern_stats(size_t *count, size_t *bytes);

#endif
