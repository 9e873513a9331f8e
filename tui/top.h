/*
 * top.h — the `t` view: the shown events counted by rule, priority, host
 * or k8s namespace/container, most frequent first. Enter on a row sets the
 * filter to that value. Its actions (act_TOP_*) are declared in keys.h.
 *
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_TOP_H
#define SOCTERM_TUI_TOP_H

#include "core/util.h"

struct app;

enum top_dim { TOP_DIM_RULE, TOP_DIM_PRIO, TOP_DIM_HOST, TOP_DIM_WHERE, TOP_DIM_COUNT };

void top_draw(struct app *a);
/* Appends s[0..n) as a double-quoted filter-language string that matches
 * exactly that text with `=`: quotes, backslashes, glob characters (* ?)
 * and control bytes escaped. */
void top_quote(const char *s, size_t n, struct sbuf *out);
/* Sets the timeline's filter (compiled with core/filter.h). 0, or -1 with
 * the error shown. */
int top_set_filter(struct app *a, const char *expr);
/* Releases the filter owned by the app (at exit). */
void top_free(struct app *a);

#endif
