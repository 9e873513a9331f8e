/*
 * sparkline.h — the header's picture of the last five minutes: events per
 * interval (arrivals, from app.per_sec), one column each, drawn with block
 * characters (UTF-8) or ASCII. A column is coloured by the most severe
 * priority in it (sparkline.error for error and worse, sparkline.warning,
 * else sparkline), so a burst of criticals stands out in a quiet stream.
 *
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_SPARKLINE_H
#define SOCTERM_TUI_SPARKLINE_H

#include <stdint.h>

struct app;

#define SPARK_WINDOW_S 300

/* Columns the sparkline takes, label included, on a `cols`-wide header
 * (0: no room). */
int sparkline_width(int cols);
/* Draws it at (y, x) in `w` columns (as given by sparkline_width). */
void sparkline_draw(struct app *a, int y, int x, int w);
/* The level 0-8 of `v` against the window's maximum `max` (pure). */
int sparkline_level(uint32_t v, uint32_t max);

#endif
