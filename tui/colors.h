/*
 * colors.h — named UI elements and their curses attributes.
 *
 * Every element the screen draws has a name (the theme file format uses the
 * same names: `style prio.critical ...`). UI_ELEMENTS(X) rows:
 *   X(id, "name", default-fg, default-bg, default-attrs, mono-attrs)
 * where colours are curses colour numbers (-1 = terminal default). These
 * defaults are used only for elements a theme does not style; the shipped
 * look is themes/default.theme, compiled in. A new element needs a row here,
 * a `style` and `mono` line in themes/default.theme (and mono.theme), and a
 * line in man/socterm-theme.5 (tests check all three).
 *
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_COLORS_H
#define SOCTERM_TUI_COLORS_H

#include <curses.h>
#include <stdbool.h>

#define UI_ELEMENTS(X)                                                                  \
	X(DEFAULT, "default", -1, -1, A_NORMAL, A_NORMAL)                               \
	X(HEADER, "header", COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE)                 \
	X(STATUS, "status", COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE)               \
	X(STATUS_WARN, "status.warn", COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD) \
	X(MESSAGE, "message", -1, -1, A_NORMAL, A_NORMAL)                               \
	X(ERROR, "error", COLOR_RED, -1, A_BOLD, A_BOLD)                                \
	X(SELECTED, "selected", COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE)          \
	X(TIME, "event.time", COLOR_CYAN, -1, A_NORMAL, A_NORMAL)                       \
	X(RULE, "event.rule", -1, -1, A_BOLD, A_BOLD)                                   \
	X(HOST, "event.host", COLOR_GREEN, -1, A_NORMAL, A_NORMAL)                      \
	X(OUTPUT, "event.output", -1, -1, A_NORMAL, A_NORMAL)                           \
	X(UNPARSED, "event.unparsed", COLOR_MAGENTA, -1, A_NORMAL, A_UNDERLINE)         \
	X(PRIO_EMERGENCY, "prio.emergency", COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE) \
	X(PRIO_ALERT, "prio.alert", COLOR_RED, -1, A_BOLD | A_REVERSE, A_BOLD | A_REVERSE) \
	X(PRIO_CRITICAL, "prio.critical", COLOR_RED, -1, A_BOLD, A_BOLD)                \
	X(PRIO_ERROR, "prio.error", COLOR_RED, -1, A_NORMAL, A_BOLD)                    \
	X(PRIO_WARNING, "prio.warning", COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE)          \
	X(PRIO_NOTICE, "prio.notice", COLOR_BLUE, -1, A_BOLD, A_NORMAL)                 \
	X(PRIO_INFORMATIONAL, "prio.informational", COLOR_CYAN, -1, A_NORMAL, A_NORMAL) \
	X(PRIO_DEBUG, "prio.debug", -1, -1, A_DIM, A_DIM)                               \
	X(PRIO_UNKNOWN, "prio.unknown", COLOR_MAGENTA, -1, A_BOLD, A_BOLD)              \
	X(MARK, "mark", COLOR_YELLOW, -1, A_BOLD, A_BOLD)                               \
	X(DETAIL_KEY, "detail.key", COLOR_CYAN, -1, A_NORMAL, A_BOLD)                   \
	X(DETAIL_VALUE, "detail.value", -1, -1, A_NORMAL, A_NORMAL)                     \
	X(DETAIL_TITLE, "detail.title", COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE)    \
	X(HELP_KEY, "help.key", COLOR_YELLOW, -1, A_BOLD, A_BOLD)                       \
	X(HELP_GROUP, "help.group", COLOR_CYAN, -1, A_BOLD, A_UNDERLINE)                \
	X(ANNOTATED, "annotation", COLOR_GREEN, -1, A_NORMAL, A_UNDERLINE)              \
	X(ESC_QUEUED, "escalation.queued", COLOR_YELLOW, -1, A_NORMAL, A_NORMAL)        \
	X(ESC_SENDING, "escalation.sending", COLOR_CYAN, -1, A_BOLD, A_BOLD)            \
	X(ESC_SENT, "escalation.sent", COLOR_GREEN, -1, A_NORMAL, A_NORMAL)             \
	X(ESC_FAILED, "escalation.failed", COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE)   \
	X(SEARCH_HIT, "search.hit", COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_UNDERLINE)   \
	X(PROMPT, "prompt", -1, -1, A_BOLD, A_BOLD)                                     \
	X(DIALOG, "dialog", COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE)              \
	X(BORDER, "border", COLOR_BLUE, -1, A_NORMAL, A_NORMAL)                         \
	X(HIST_AXIS, "histogram.axis", COLOR_CYAN, -1, A_NORMAL, A_NORMAL)              \
	X(HIST_CURSOR, "histogram.cursor", COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE) \
	X(SPARK, "sparkline", COLOR_CYAN, COLOR_BLUE, A_NORMAL, A_REVERSE)              \
	X(SPARK_WARN, "sparkline.warning", COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_REVERSE) \
	X(SPARK_ERROR, "sparkline.error", COLOR_RED, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD) \
	X(TOP_HEADER, "top.header", -1, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE) \
	X(TOP_BAR, "top.bar", COLOR_BLUE, -1, A_NORMAL, A_NORMAL)

enum ui_elem {
#define X(id, name, fg, bg, attrs, mono) UI_##id,
	UI_ELEMENTS(X)
#undef X
	UI_COUNT
};

struct config;

/* Element names in enum order (the theme format's ELEMENT words). */
extern const char *const ui_elem_names[UI_COUNT];

/* After curses started: picks the colour depth (--colors, NO_COLOR, the
 * terminal's COLORS) and applies the configured theme. Returns 0, or -1
 * when that theme could not be used and the built-in default is shown
 * instead. *msg (malloc'd, caller frees) gets something to tell the user
 * (the error, or the theme's first warning), else NULL. */
int colors_init(const struct config *cfg, char **msg);
/* Switches to theme `spec` (a name or a file) live. 0, or -1 with *err
 * (malloc'd) and the current theme kept. Warnings as for colors_init. */
int colors_set_theme(const char *spec, char **msg);
/* The current theme's name and the depth in use (borrowed/static). */
const char *colors_theme_name(void);
const char *colors_depth_name(void);
/* Themes that can be switched to (theme_names_free() the result). */
char **colors_theme_names(void);

struct app;
/* The `:theme [NAME|FILE]` command: switches live and redraws (a broken
 * theme leaves the current one, with file:line in the message); without an
 * argument, shows the current theme, the colour depth and what is available. */
void colors_command(struct app *a, const char *arg);

attr_t ui_attr(enum ui_elem e);
/* Attribute for a priority (enum prio). */
attr_t ui_prio_attr(int prio);

#endif
