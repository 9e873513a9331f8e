/* sparkline.c — see sparkline.h. */
#include "tui/sparkline.h"
#include "tui/app.h"
#include "tui/colors.h"
#include "tui/draw.h"

#include <stdio.h>
#include <string.h>

#define LABEL "5m "

static const char *const blocks_utf8[9] = {
	" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char blocks_ascii[] = " .,:-=+*#";

int sparkline_width(int cols)
{
	int bars = cols >= 120 ? 60 : cols >= 100 ? 30 : cols >= 80 ? 20 : 0;
	return bars ? bars + (int)strlen(LABEL) : 0;
}

int sparkline_level(uint32_t v, uint32_t max)
{
	if (!v || !max)
		return 0;
	int l = (int)(((uint64_t)v * 8 + max - 1) / max);
	return l < 1 ? 1 : l > 8 ? 8 : l;
}

void sparkline_draw(struct app *a, int y, int x, int w)
{
	int bars = w - (int)strlen(LABEL);
	if (bars <= 0)
		return;
	int per = SPARK_WINDOW_S / bars;
	uint32_t cols[60][PRIO_COUNT];
	if (bars > 60)
		bars = 60;
	rate_series(&a->per_sec, mono_ns() / 1000000000, per, bars, cols);
	uint32_t tot[60], max = 0;
	for (int c = 0; c < bars; c++) {
		uint64_t s = 0;
		for (int p = 0; p < PRIO_COUNT; p++)
			s += cols[c][p];
		tot[c] = s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
		max = MAX(max, tot[c]);
	}
	x += draw_label(stdscr, y, x, LABEL, w, ui_attr(UI_SPARK), false);
	for (int c = 0; c < bars; c++) {
		uint32_t severe = 0, warn = cols[c][PRIO_WARNING];
		for (int p = PRIO_EMERGENCY; p <= PRIO_ERROR; p++)
			severe += cols[c][p];
		enum ui_elem e = severe ? UI_SPARK_ERROR : warn ? UI_SPARK_WARN : UI_SPARK;
		int l = sparkline_level(tot[c], max);
		char ascii[2] = { blocks_ascii[l], '\0' };
		draw_label(stdscr, y, x + c, draw_utf8() ? blocks_utf8[l] : ascii, 1, ui_attr(e), false);
	}
}
