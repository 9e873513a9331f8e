/* colors.c — applying a theme (core/theme.h) to curses; see colors.h.
 *
 * Colour pairs are allocated on demand, one per distinct (fg, bg), and
 * reused; when the terminal runs out of pairs the remaining elements fall
 * back to their mono attributes (and the user is told once). The user's
 * palette is never redefined (no init_color). */
#include "tui/colors.h"
#include "tui/app.h"
#include "core/config.h"
#include "core/event.h"
#include "core/theme.h"

#include <stdlib.h>
#include <string.h>

extern const char theme_default_text[];

static const struct {
	short fg, bg;
	attr_t attrs, mono;
} defaults[UI_COUNT] = {
#define X(id, name, fg, bg, attrs, mono) { fg, bg, attrs, mono },
	UI_ELEMENTS(X)
#undef X
};

const char *const ui_elem_names[UI_COUNT] = {
#define X(id, name, fg, bg, attrs, mono) name,
	UI_ELEMENTS(X)
#undef X
};

#define MAX_PAIRS 255   /* COLOR_PAIR() keeps 8 bits of pair number in an attr_t */

static attr_t attrs[UI_COUNT];
static enum theme_depth depth;
static char theme_name[80] = "default";
static struct theme_paths paths;
static char *path_store[3];
static struct {
	int fg, bg;
} pairs[MAX_PAIRS + 1];
static int npairs;

static attr_t curses_attrs(unsigned ta)
{
	attr_t a = A_NORMAL;
	if (ta & TA_BOLD)
		a |= A_BOLD;
	if (ta & TA_DIM)
		a |= A_DIM;
	if (ta & TA_UNDERLINE)
		a |= A_UNDERLINE;
	if (ta & TA_REVERSE)
		a |= A_REVERSE;
	if (ta & TA_BLINK)
		a |= A_BLINK;
#ifdef A_ITALIC
	if (ta & TA_ITALIC)
		a |= A_ITALIC;
#endif
	if (ta & TA_STANDOUT)
		a |= A_STANDOUT;
	return a;
}

/* What the terminal can do, from terminfo's colour count. */
static enum theme_depth terminal_depth(void)
{
	if (!has_colors())
		return DEPTH_MONO;
	if (COLORS >= 0x1000000)
		return DEPTH_TRUECOLOR;
	if (COLORS >= 256)
		return DEPTH_256;
	if (COLORS >= 16)
		return DEPTH_16;
	if (COLORS >= 8)
		return DEPTH_8;
	return DEPTH_MONO;
}

/* --colors lowers the depth; it cannot raise it past what terminfo knows
 * (curses would refuse the colour numbers). An explicit --colors overrides
 * NO_COLOR, as no-color.org asks of command-line options. */
static bool wants_mono(enum color_mode mode)
{
	const char *nc = getenv("NO_COLOR");
	return mode == COLORS_MONO || (mode == COLORS_AUTO && nc && *nc);
}

static enum theme_depth pick_depth(enum color_mode mode)
{
	enum theme_depth max = terminal_depth();
	enum theme_depth want = mode == COLORS_TRUECOLOR ? DEPTH_TRUECOLOR
			      : mode == COLORS_256     ? DEPTH_256
			      : mode == COLORS_16      ? DEPTH_16
						       : max;
	return want < max ? want : max;
}

/* The pair for (fg, bg), allocating one; 0 when none is left. */
static int pair_for(int fg, int bg, bool *exhausted)
{
	for (int i = 1; i <= npairs; i++)
		if (pairs[i].fg == fg && pairs[i].bg == bg)
			return i;
	if (npairs >= MAX_PAIRS || npairs + 1 >= COLOR_PAIRS) {
		*exhausted = true;
		return 0;
	}
	int p = ++npairs;
#if NCURSES_EXT_COLORS
	if (init_extended_pair(p, fg, bg) == ERR) {
#else
	if (init_pair((short)p, (short)fg, (short)bg) == ERR) {
#endif
		npairs--;
		*exhausted = true;
		return 0;
	}
	pairs[p].fg = fg;
	pairs[p].bg = bg;
	return p;
}

static attr_t mono_attr(const struct theme *t, int e)
{
	const struct theme_style *s = t ? &t->styles[e] : NULL;
	if (s && s->has_mono)
		return curses_attrs(s->mono);
	if (s && s->has_style)
		return curses_attrs(s->attrs);
	return defaults[e].mono;
}

static void apply(const struct theme *t, bool *exhausted)
{
	npairs = 0;
	for (int e = 0; e < UI_COUNT; e++) {
		if (depth == DEPTH_MONO) {
			attrs[e] = mono_attr(t, e);
			continue;
		}
		const struct theme_style *s = t ? &t->styles[e] : NULL;
		int fg, bg;
		attr_t a;
		if (s && s->has_style) {
			bool bright = false, bg_bright = false;
			fg = theme_color_for(&s->fg, depth, &bright);
			bg = theme_color_for(&s->bg, depth, &bg_bright);
			a = curses_attrs(s->attrs) | (bright ? A_BOLD : 0);
		} else {
			fg = defaults[e].fg;
			bg = defaults[e].bg;
			a = defaults[e].attrs;
		}
		if (fg < 0 && bg < 0) {
			attrs[e] = a;
			continue;
		}
		int p = pair_for(fg, bg, exhausted);
		attrs[e] = p ? a | COLOR_PAIR(p) : mono_attr(t, e);
	}
}

static struct theme *load(const char *spec, char **err)
{
	return theme_load(&paths, spec, ui_elem_names, UI_COUNT, err);
}

/* Loads and applies; on failure nothing changes. */
static int use_theme(const char *spec, char **msg)
{
	char *err = NULL;
	struct theme *t = load(spec, &err);
	if (!t) {
		*msg = err;
		return -1;
	}
	bool exhausted = false;
	apply(t, &exhausted);
	snprintf(theme_name, sizeof(theme_name), "%s", t->name);
	if (t->nwarnings)
		*msg = t->nwarnings > 1 ? xasprintf("%s (and %zu more warnings)", t->warnings[0],
						    t->nwarnings - 1)
					: xstrdup(t->warnings[0]);
	else if (exhausted)
		*msg = xasprintf("theme %s: the terminal has too few colour pairs (%d); some "
				 "elements are shown without colour", t->name, COLOR_PAIRS);
	theme_free(t);
	return 0;
}

int colors_init(const struct config *cfg, char **msg)
{
	*msg = NULL;
	if (!path_store[0] && !path_store[1] && !path_store[2])
		theme_paths_default(&paths, SOCTERM_DATADIR, theme_default_text, path_store);
	/* COLORS is known only once colour is started. */
	depth = DEPTH_MONO;
	if (!wants_mono(cfg->colors) && has_colors() && start_color() == OK) {
		use_default_colors();
		depth = pick_depth(cfg->colors);
	}
	const char *spec = cfg->theme && *cfg->theme ? cfg->theme : "default";
	if (use_theme(spec, msg) == 0)
		return 0;
	char *why = *msg, *again = NULL;
	*msg = xasprintf("using the default theme: %s", why);
	free(why);
	if (use_theme("default", &again) < 0) {
		/* Even the built-in default failed (a broken user default.theme):
		 * the compiled-in element defaults still work. */
		bool exhausted = false;
		apply(NULL, &exhausted);
		snprintf(theme_name, sizeof(theme_name), "(built in)");
	}
	free(again);
	return -1;
}

int colors_set_theme(const char *spec, char **msg)
{
	*msg = NULL;
	return use_theme(spec, msg);
}

const char *colors_theme_name(void)
{
	return theme_name;
}

const char *colors_depth_name(void)
{
	return theme_depth_name(depth);
}

char **colors_theme_names(void)
{
	return theme_names(&paths);
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

void colors_command(struct app *a, const char *arg)
{
	while (arg && (*arg == ' ' || *arg == '\t'))
		arg++;
	if (!arg || !*arg) {
		char **names = colors_theme_names();
		struct sbuf b = SBUF_INIT;
		sbuf_printf(&b, "theme %s (%s colours); available:", theme_name, colors_depth_name());
		for (char **n = names; *n; n++)
			sbuf_printf(&b, " %s", *n);
		app_message(a, false, "%s", sbuf_str(&b));
		sbuf_free(&b);
		theme_names_free(names);
		return;
	}
	char *msg = NULL;
	if (colors_set_theme(arg, &msg) < 0) {
		app_message(a, true, "%s", msg ? msg : "theme not changed");
	} else if (msg) {
		app_message(a, true, "%s", msg);
	} else {
		app_message(a, false, "theme %s", theme_name);
	}
	free(msg);
	clearok(curscr, TRUE);
	a->dirty = true;
}
