/*
 * theme.h — colour themes: the theme file parser, theme lookup, and the
 * colour maths that degrades a theme to what the terminal can show
 * (truecolor -> 256 -> 16 -> 8 -> mono). No curses here: tui/colors.c turns
 * a parsed theme into colour pairs.
 *
 * Theme file format (man/socterm-theme.5 is written from this):
 *   - One directive per line; tokens separated by blanks. A `#` at the start
 *     of a token starts a comment unless the token is a #RRGGBB colour.
 *   - `theme NAME`                     the theme's name (letters, digits . _ -)
 *   - `inherit NAME`                   start from another theme (before any
 *                                      palette/style/mono line; 8 levels at most)
 *   - `palette NAME #RRGGBB [0-255] [COLOUR16]`
 *                                      a named colour, with optional explicit
 *                                      256-colour and 16-colour fallbacks
 *   - `style ELEMENT FG BG [ATTR...]`  colours and attributes of an element
 *   - `mono ELEMENT ATTR...`           attributes when there is no colour
 *   Colours (FG, BG): a palette name, #RRGGBB, 0-255 (or colorN/colourN), a
 *   colour name (black red green yellow blue magenta cyan white, and
 *   brightblack ... brightwhite), or `default` (the terminal's own colour).
 *   Palette names are looked up before colour names.
 *   Attributes: normal bold dim underline reverse blink italic standout.
 *   Syntax errors are fatal and name `file:line`; an unknown ELEMENT is a
 *   warning (the line is skipped), so a theme written for a newer socterm
 *   still loads.
 *
 * Ownership: theme_parse()/theme_load() return a theme the caller frees with
 * theme_free(); error strings are malloc'd and freed by the caller. The
 * element name list passed in is borrowed for the call only.
 * Thread safety: no shared state; any thread.
 */
#ifndef SOCTERM_THEME_H
#define SOCTERM_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the terminal can show, weakest first. */
enum theme_depth { DEPTH_MONO, DEPTH_8, DEPTH_16, DEPTH_256, DEPTH_TRUECOLOR };

/* Attributes, independent of curses. */
enum theme_attr {
	TA_BOLD = 1 << 0,
	TA_DIM = 1 << 1,
	TA_UNDERLINE = 1 << 2,
	TA_REVERSE = 1 << 3,
	TA_BLINK = 1 << 4,
	TA_ITALIC = 1 << 5,
	TA_STANDOUT = 1 << 6,
};

enum theme_color_kind { TC_UNSET, TC_DEFAULT, TC_RGB, TC_256, TC_16 };

struct theme_color {
	uint8_t kind;      /* enum theme_color_kind */
	uint32_t rgb;      /* TC_RGB */
	int16_t i256;      /* TC_256, or an RGB colour's explicit 256 fallback; -1 none */
	int16_t i16;       /* TC_16, or an explicit 16-colour fallback; -1 none */
};

struct theme_style {
	struct theme_color fg, bg;
	unsigned attrs;    /* enum theme_attr, with colour */
	unsigned mono;     /* enum theme_attr, without colour */
	bool has_style, has_mono;
};

struct theme_palette {
	char *name;
	struct theme_color c;
};

struct theme {
	char *name;                 /* from `theme NAME`, else the looked-up name */
	char *where;                /* the file it came from ("(built in)" for the default) */
	size_t nelem;
	struct theme_style *styles; /* nelem entries, indexed like the element list */
	struct theme_palette *pal;
	size_t npal;
	char **warnings;            /* "file:line: ..." */
	size_t nwarnings;
};

/* Finds the text of theme `name` for `inherit`. Returns 0 with *text (malloc'd,
 * NUL-terminated), *len and *where (malloc'd) set, or -1 with *err set. */
typedef int (*theme_lookup_fn)(void *ctx, const char *name, char **text, size_t *len,
			       char **where, char **err);

/* Parses a theme. `elems` names the UI elements (nelem of them). `lookup`
 * resolves `inherit` (may be NULL: inherit is then an error). Returns NULL on
 * error with *err = "where:line: message". */
struct theme *theme_parse(const char *where, const char *text, size_t len,
			  const char *const *elems, size_t nelem, theme_lookup_fn lookup,
			  void *ctx, char **err);
void theme_free(struct theme *t);

/* Where themes are looked for, in order: dirs[0..ndirs) (each holding
 * NAME.theme files), then the built-in text for "default". */
struct theme_paths {
	const char *dirs[4];
	size_t ndirs;
	const char *builtin_default;  /* may be NULL */
};

/* The standard search path: $XDG_CONFIG_HOME/socterm/themes (or
 * ~/.config/...), $SOCTERM_THEME_DIR (else themes/ beside the binary, if
 * there is one), `datadir`/themes. Strings are kept in
 * `store` (3 entries) which the caller frees. */
void theme_paths_default(struct theme_paths *p, const char *datadir, const char *builtin,
			 char *store[3]);
/* Reads theme `spec`: a file if it contains a '/' or ends in ".theme",
 * else a name looked up along `p`. Returns 0 with *text, *len, *where set
 * (malloc'd) or -1 with *err. */
int theme_read(const struct theme_paths *p, const char *spec, char **text, size_t *len,
	       char **where, char **err);
/* theme_read + theme_parse, with inherit resolved along the same paths. */
struct theme *theme_load(const struct theme_paths *p, const char *spec, const char *const *elems,
			 size_t nelem, char **err);
/* Names of the themes found along `p` (sorted, unique, "default" always in).
 * Returns a NULL-terminated array the caller frees with theme_names_free(). */
char **theme_names(const struct theme_paths *p);
void theme_names_free(char **names);

/* ---- colour maths (pure) ---- */

/* The nearest xterm 256-colour index (6x6x6 cube or grey ramp) for an RGB. */
int theme_rgb_to_256(uint32_t rgb);
/* The RGB value of an xterm 256-colour index (standard palette). */
uint32_t theme_256_to_rgb(int idx);
/* The nearest of the 16 ANSI colours for a 256-colour index. */
int theme_256_to_16(int idx);
/* A colour for a terminal of depth d: -1 for the terminal default, else a
 * colour number (an RGB value at DEPTH_TRUECOLOR, 0-255 at 256, 0-15 at 16,
 * 0-7 at 8 with *bright set when the colour was a bright one). Mono: -1. */
int theme_color_for(const struct theme_color *c, enum theme_depth d, bool *bright);
/* Parses one colour word as the format allows (no palette). 0 or -1. */
int theme_color_parse(const char *s, struct theme_color *out);
const char *theme_depth_name(enum theme_depth d);

#endif
