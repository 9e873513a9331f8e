/*
 * search.h — `/` and `?` search the timeline forward (newer) and backward
 * (older) with the filter language (a bare word is a case-insensitive
 * substring search); `n` and `N` go to the next and previous match, wrapping
 * around the ends. Rows that match are highlighted in the list, and the
 * search's words inside them (and in the detail pane).
 *
 * Ownership: the app owns the search state (a->search).
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_SEARCH_H
#define SOCTERM_TUI_SEARCH_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"

void search_init(struct app *a);
void search_free(struct app *a);

/* Sets the search (and its words to highlight); NULL or "" clears it.
 * 0, or -1 with *err and *pos. Does not move. */
int search_set(struct app *a, const char *expr, char **err, size_t *pos);
/* Goes to the next match in the search's direction (or the other one). */
void search_next(struct app *a, bool reverse);
/* The current search expression, NULL if none. */
const char *search_expr(const struct app *a);

/* Whether ev matches the current search (false if none). */
bool search_hit(struct app *a, const struct event *ev);
/* draw_text() of an event's text, then the search's words in it
 * highlighted (only call for rows that search_hit()). */
int search_draw_text(struct app *a, WINDOW *w, int y, int x, const char *s, size_t n, int cols,
		     attr_t attr, bool pad);
/* Highlights the search's words in already-sanitised text drawn at (y, x)
 * over at most `cols` columns (the detail pane). */
void search_overlay(struct app *a, WINDOW *w, int y, int x, const char *safe, size_t n, int cols);

#endif
