/*
 * histogram.h — the `i` view: the shown events counted per time bucket,
 * one row per bucket, bars stacked by priority. z/Z change the bucket
 * width, Enter shows the timeline at the bucket under the cursor.
 * Its actions (act_HIST_*) are declared in keys.h.
 *
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_HISTOGRAM_H
#define SOCTERM_TUI_HISTOGRAM_H

struct app;

void histogram_draw(struct app *a);

#endif
