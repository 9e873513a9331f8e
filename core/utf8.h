/*
 * utf8.h — strict UTF-8 (Unicode table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF) for code that must judge or repair
 * untrusted bytes. The display sanitizer has its own lenient decoder, since
 * it must show surrogates and out-of-range code points escaped.
 *
 * Thread safety: pure functions.
 */
#ifndef SOCTERM_UTF8_H
#define SOCTERM_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

/* Length (1-4) of the well-formed character at s (n bytes available) and its
 * code point in *cp (may be NULL); 0 if s does not start one. */
size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp);

/* Appends s with every ill-formed byte replaced by U+FFFD, resynchronising
 * at the next byte so that following characters survive. Returns false, and
 * appends nothing, when s is already well-formed. */
bool utf8_repair(const char *s, size_t n, struct sbuf *out);

#endif
