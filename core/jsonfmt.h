/*
 * jsonfmt.h — JSON as text for reading in the detail pane.
 *
 * jsonfmt_pretty() indents two spaces per level, as jansson's JSON_INDENT(2)
 * does, but only the first JSONFMT_DEPTH levels: deeper values stay on one
 * line in jansson's default one-line form ("[1, [2]]", "{\"k\": 1}").
 * Indenting every level costs depth x size (a 4 KB array nested 2,000 deep
 * becomes 8 MB), so an attacker's value could take gigabytes; here each
 * line carries at most 2 * JSONFMT_DEPTH spaces, and the output is a small
 * multiple of the one-line size. The whole value is always written.
 *
 * Thread safety: reentrant.
 */
#ifndef SOCTERM_JSONFMT_H
#define SOCTERM_JSONFMT_H

#include <jansson.h>

#include "core/util.h"

#define JSONFMT_DEPTH 8

/* Appends v (any JSON value) to out, indented as described above. */
void jsonfmt_pretty(const json_t *v, struct sbuf *out);

#endif
