/*
 * colors.h — named UI elements and their curses attributes.
 *
 * Every element the screen draws has a name (the theme file format uses the
 * same names: `style prio.critical ...`). UI_ELEMENTS(X) rows:
 *   X(id, "name", default-fg, default-bg, default-attrs, mono-attrs)
 * where colours are curses colour numbers (-1 = terminal default).
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
	X(SEARCH_HIT, "search.hit", COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE | A_UNDERLINE) \
	X(DETAIL_KEY, "detail.key", COLOR_CYAN, -1, A_NORMAL, A_BOLD)                   \
	X(DETAIL_VALUE, "detail.value", -1, -1, A_NORMAL, A_NORMAL)                     \
	X(DETAIL_TITLE, "detail.title", COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE)    \
	X(HELP_KEY, "help.key", COLOR_YELLOW, -1, A_BOLD, A_BOLD)                       \
	X(HELP_GROUP, "help.group", COLOR_CYAN, -1, A_BOLD, A_UNDERLINE)

enum ui_elem {
#define X(id, name, fg, bg, attrs, mono) UI_##id,
	UI_ELEMENTS(X)
#undef X
	UI_COUNT
};

/* Sets up colour pairs (after curses is started). mono: attributes only. */
void colors_init(bool mono);
attr_t ui_attr(enum ui_elem e);
/* Attribute for a priority (enum prio). */
attr_t ui_prio_attr(int prio);

#endif
