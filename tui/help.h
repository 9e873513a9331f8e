/*
 * help.h — the help screen, generated from the key table.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_HELP_H
#define SOCTERM_TUI_HELP_H

struct app;

void help_draw(struct app *a);

#endif
