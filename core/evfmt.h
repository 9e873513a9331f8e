/*
 * evfmt.h — internal encoding of struct event, shared by event.c (readers)
 * and parse.c (the builder). Nothing outside those two files includes it.
 *
 * efield.key: bits 0-27 interned key id, bits 28-30 enum fv_type, bit 31 set
 * when the value is an index into the 64-bit tail (big ints, reals) rather
 * than inline. The tail follows the fields; with EV_PREFIX_TOD its last
 * element is the output prefix's time of day in nanoseconds.
 *
 * message_tpl is the output minus its prefix in which EVT_ESC + (i + 1)
 * stands for the value of field i, and EVT_ESC + 0 for a literal EVT_ESC.
 */
#ifndef SOCTERM_EVFMT_H
#define SOCTERM_EVFMT_H

#include <assert.h>
#include <stddef.h>

#include "core/event.h"

#define EF_KEY(k) ((k) & ISTR_MAX)
#define EF_TYPE(k) ((enum fv_type)(((k) >> 28) & 7))
#define EF_BIG (1u << 31)
#define EF_MAKE(key, type) ((key) | ((uint32_t)(type) << 28))
#define EVT_ESC '\x01'

static_assert(offsetof(struct event, f) % 8 == 0, "tail must be 8-aligned");

const int64_t *event_tail(const struct event *ev);
void evfmt_prefix(const struct event *ev, struct sbuf *b);

#endif
