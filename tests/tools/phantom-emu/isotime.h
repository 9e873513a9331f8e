/*
 * isotime.h — ISO-8601 timestamps as Phantom writes them
 * ("2018-05-24T10:22:15.576767Z": UTC, microseconds, trailing Z).
 *
 * Ownership: callers supply the output buffers.
 * Thread safety: any thread.
 */
#ifndef PHANTOM_EMU_ISOTIME_H
#define PHANTOM_EMU_ISOTIME_H

#include <stdint.h>

#define ISOTIME_LEN 80   /* room for any int the formatter might see */

/* Formats `ns` (nanoseconds since the epoch) into buf. */
void isotime_format(int64_t ns, char buf[ISOTIME_LEN]);
/* Parses "YYYY-MM-DD[T| ]HH:MM:SS[.frac][Z|+HH:MM|-HH:MM|+HHMM]" (no zone = UTC).
 * Returns 0 and sets *ns, or -1 when the text is not such a timestamp. */
int isotime_parse(const char *s, int64_t *ns);

#endif
