/*
 * keys.h — the one key table. It drives key dispatch, the help screen,
 * `socterm --list-keys` and (through it) the man page's key list, so they
 * cannot drift apart.
 *
 * KEYMAP(X) rows: X(id, name, scope, group, keys, help)
 *   id     action function act_<id>(struct app *) in tui/actions*.c
 *   scope  LIST, DETAIL, HELP, HIST, TOP, CASES (when that has the keyboard) or ANY
 *   keys   space-separated key names: letters, ^X for control keys, and
 *          Down Up Left Right PgDn PgUp Home End Enter Tab BTab Esc Space
 *          Backspace Delete F1..F12
 *
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_KEYS_H
#define SOCTERM_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/util.h"

struct app;

#define KEYMAP(X)                                                                                  \
	X(DOWN, "move-down", LIST, "Motion", "j Down ^N", "Select the next (newer) event")         \
	X(UP, "move-up", LIST, "Motion", "k Up ^P", "Select the previous (older) event")           \
	X(PAGE_DOWN, "page-down", LIST, "Motion", "PgDn ^F", "One screen down")                    \
	X(PAGE_UP, "page-up", LIST, "Motion", "PgUp ^B", "One screen up")                          \
	X(HALF_DOWN, "half-page-down", LIST, "Motion", "^D", "Half a screen down")                 \
	X(HALF_UP, "half-page-up", LIST, "Motion", "^U", "Half a screen up")                       \
	X(FIRST, "first", LIST, "Motion", "g Home", "Oldest event")                                \
	X(LAST, "last", LIST, "Motion", "G End", "Newest event, and follow new ones")              \
	X(DETAIL, "toggle-detail", LIST, "Views", "Enter", "Open or close the detail pane")        \
	X(FOCUS, "switch-focus", ANY, "Views", "Tab", "Move the keyboard between list and detail") \
	X(RAW, "toggle-raw", ANY, "Views", "o", "Detail pane: field table or raw JSON")            \
	X(PAUSE, "pause", ANY, "Live", "p", "Pause the list; events keep arriving (+N new)")       \
	X(FILTER, "filter", ANY, "Filter", "f", "Edit the filter (Tab completes, Up recalls)")     \
	X(FILTER_TOGGLE, "filter-toggle", ANY, "Filter", "F", "Turn the filter off and on")        \
	X(FILTER_INVERT, "filter-invert", ANY, "Filter", "!", "Invert the filter")                 \
	X(SEARCH, "search", ANY, "Search", "/", "Search forward (newer events)")                   \
	X(SEARCH_BACK, "search-back", ANY, "Search", "?", "Search backward (older events)")        \
	X(SEARCH_NEXT, "search-next", ANY, "Search", "n", "Next match (wraps around)")             \
	X(SEARCH_PREV, "search-prev", ANY, "Search", "N", "Previous match")                        \
	X(MARK, "mark", LIST, "Marks", "Space", "Mark or unmark the event, then move down")        \
	X(MARK_MATCHING, "mark-matching", ANY, "Marks", "T", "Mark the shown events matching an expression") \
	X(UNMARK_ALL, "unmark-all", ANY, "Marks", "U", "Clear all marks (asks first when more than ten)")\
	X(NEXT_MARK, "next-mark", ANY, "Marks", "]", "Next marked event")                          \
	X(PREV_MARK, "prev-mark", ANY, "Marks", "[", "Previous marked event")                      \
	X(ANNOTATE, "annotate", ANY, "Escalation", "a",                                            \
	  "Annotate the marked events (else the current one); a final \\ adds a line")             \
	X(ESCALATE, "escalate", ANY, "Escalation", "e",                                            \
	  "Escalate the marked events (else the current one) to Phantom: a dialog shows what goes") \
	X(CASES, "cases", ANY, "Escalation", "c", "Cases view: every escalation and its state")    \
	X(HISTOGRAM, "histogram", LIST, "Overview", "i", "Histogram of the shown events over time") \
	X(TOP, "top", LIST, "Overview", "t", "Top rules, priorities, hosts, containers")           \
	X(COPY, "copy-json", LIST, "Overview", "y",                                                \
	  "Copy the event's JSON to your clipboard (OSC 52)")                                      \
	X(COMMAND, "command", ANY, "Misc", ":", "Command line: :export, :filter, :mark ... (:help)") \
	X(HELP, "help", ANY, "Misc", "h F1", "Show this help")                                     \
	X(REDRAW, "redraw", ANY, "Misc", "^L", "Redraw the screen")                                \
	X(QUIT, "quit", ANY, "Misc", "q", "Quit (closes the help or detail pane first)")           \
	X(DETAIL_DOWN, "detail-down", DETAIL, "Detail pane", "j Down ^N",                          \
	  "Scroll the detail pane down")                                                           \
	X(DETAIL_UP, "detail-up", DETAIL, "Detail pane", "k Up ^P", "Scroll the detail pane up")   \
	X(DETAIL_PAGE_DOWN, "detail-page-down", DETAIL, "Detail pane", "PgDn Space ^F",            \
	  "Detail pane: one page down")                                                            \
	X(DETAIL_PAGE_UP, "detail-page-up", DETAIL, "Detail pane", "PgUp b ^B",                    \
	  "Detail pane: one page up")                                                              \
	X(DETAIL_CLOSE, "detail-close", DETAIL, "Detail pane", "Enter Esc q",                      \
	  "Close the detail pane")                                                                 \
	X(CASES_DOWN, "cases-down", CASES, "Cases view", "j Down ^N", "Next (older) escalation")   \
	X(CASES_UP, "cases-up", CASES, "Cases view", "k Up ^P", "Previous (newer) escalation")     \
	X(CASES_SHOW, "cases-show", CASES, "Cases view", "Enter", "Show the escalation in full, or hide it") \
	X(CASES_RETRY, "cases-retry", CASES, "Cases view", "r", "Retry now (failed or waiting)")   \
	X(CASES_CANCEL, "cases-cancel", CASES, "Cases view", "x d",                                \
	  "Cancel an escalation not yet sent (asks first)")                                        \
	X(CASES_CLOSE, "cases-close", CASES, "Cases view", "q Esc c", "Back to the timeline")      \
	X(HIST_DOWN, "histogram-down", HIST, "Histogram", "j Down ^N", "Next (later) bucket")      \
	X(HIST_UP, "histogram-up", HIST, "Histogram", "k Up ^P", "Previous (earlier) bucket")      \
	X(HIST_PAGE_DOWN, "histogram-page-down", HIST, "Histogram", "PgDn Space ^F",               \
	  "Histogram: one page down")                                                              \
	X(HIST_PAGE_UP, "histogram-page-up", HIST, "Histogram", "PgUp b ^B",                       \
	  "Histogram: one page up")                                                                \
	X(HIST_FIRST, "histogram-first", HIST, "Histogram", "g Home", "First bucket")              \
	X(HIST_LAST, "histogram-last", HIST, "Histogram", "G End", "Last bucket")                  \
	X(HIST_ZOOM_IN, "zoom-in", HIST, "Histogram", "z +", "Smaller buckets")                    \
	X(HIST_ZOOM_OUT, "zoom-out", HIST, "Histogram", "Z -", "Larger buckets")                   \
	X(HIST_JUMP, "histogram-jump", HIST, "Histogram", "Enter",                                 \
	  "Show the timeline at the bucket's time")                                                \
	X(HIST_CLOSE, "histogram-close", HIST, "Histogram", "q Esc i", "Close the histogram")      \
	X(TOP_DOWN, "top-down", TOP, "Top", "j Down ^N", "Next row")                               \
	X(TOP_UP, "top-up", TOP, "Top", "k Up ^P", "Previous row")                                 \
	X(TOP_NEXT, "top-next", TOP, "Top", "Tab Right l", "Next dimension")                       \
	X(TOP_PREV, "top-previous", TOP, "Top", "BTab Left h", "Previous dimension")               \
	X(TOP_RULE, "top-rule", TOP, "Top", "1", "Count by rule")                                  \
	X(TOP_PRIO, "top-priority", TOP, "Top", "2", "Count by priority")                          \
	X(TOP_HOST, "top-host", TOP, "Top", "3", "Count by host")                                  \
	X(TOP_WHERE, "top-container", TOP, "Top", "4", "Count by k8s namespace or container")      \
	X(TOP_FILTER, "top-filter", TOP, "Top", "Enter", "Filter the timeline by the row")         \
	X(TOP_CLOSE, "top-close", TOP, "Top", "q Esc t", "Close the top view")                     \
	X(HELP_DOWN, "help-down", HELP, "Help", "j Down ^N Enter", "Scroll the help down")         \
	X(HELP_UP, "help-up", HELP, "Help", "k Up ^P", "Scroll the help up")                       \
	X(HELP_PAGE_DOWN, "help-page-down", HELP, "Help", "PgDn Space ^F", "One screen down")      \
	X(HELP_PAGE_UP, "help-page-up", HELP, "Help", "PgUp ^B", "One screen up")                  \
	X(HELP_FIRST, "help-first", HELP, "Help", "g Home", "Top of the help")                     \
	X(HELP_LAST, "help-last", HELP, "Help", "G End", "End of the help")                        \
	X(HELP_CLOSE, "help-close", HELP, "Help", "q Esc h F1", "Close the help")

enum key_scope { SCOPE_ANY, SCOPE_LIST, SCOPE_DETAIL, SCOPE_HELP, SCOPE_HIST, SCOPE_TOP,
		 SCOPE_CASES };

/* Builds the key lookup; aborts on a malformed table (a programming error). */
void keys_init(void);
/* Runs the action bound to `key` for the current focus. Returns false if the
 * key is not bound. */
bool keys_dispatch(struct app *a, int key);
/* Writes the table as "group<TAB>keys<TAB>name<TAB>help" lines (--list-keys). */
void keys_list(FILE *out);

/* Appends the hint line of the view that has the keyboard ("h help  Enter
 * detail ..."), each key the one that reaches the action there. */
void keys_hint(const struct app *a, struct sbuf *out);

struct key_help {
	const char *group, *keys, *name, *help;
	enum key_scope scope;
};
/* Row i of the table, for the help screen; NULL past the end. */
const struct key_help *keys_row(size_t i);

#define X(id, name, scope, group, keys, help) void act_##id(struct app *a);
KEYMAP(X)
#undef X

#endif
