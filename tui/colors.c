/* colors.c — see colors.h. */
#include "tui/colors.h"
#include "core/event.h"

static const struct {
	short fg, bg;
	attr_t attrs, mono;
} defaults[UI_COUNT] = {
#define X(id, name, fg, bg, attrs, mono) { fg, bg, attrs, mono },
	UI_ELEMENTS(X)
#undef X
};

static attr_t attrs[UI_COUNT];

void colors_init(bool mono)
{
	bool color = !mono && has_colors() && start_color() == OK;
	if (color)
		use_default_colors();
	for (int e = 0; e < UI_COUNT; e++) {
		if (!color || COLOR_PAIRS <= e + 1) {
			attrs[e] = defaults[e].mono;
			continue;
		}
		init_pair((short)(e + 1), defaults[e].fg, defaults[e].bg);
		attrs[e] = defaults[e].attrs | COLOR_PAIR(e + 1);
	}
}

attr_t ui_attr(enum ui_elem e)
{
	return attrs[e];
}

attr_t ui_prio_attr(int prio)
{
	if (prio < 0 || prio > PRIO_UNKNOWN)
		prio = PRIO_UNKNOWN;
	return attrs[UI_PRIO_EMERGENCY + prio];
}
