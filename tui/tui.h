/*
 * tui.h — the interactive console (everything curses lives behind this).
 *
 * Ownership: borrows the config, the started source and its evq; the caller
 * stops and frees them after tui_run() returns.
 * Thread safety: call from the main thread; it becomes the UI thread.
 */
#ifndef SOCTERM_TUI_TUI_H
#define SOCTERM_TUI_TUI_H

#include <stdio.h>

struct config;
struct source;
struct evq;

/* Runs the console until the analyst quits or a signal asks to. Returns an
 * exit code; on failure to start *err says why (malloc'd). */
int tui_run(const struct config *cfg, struct source *src, struct evq *q, char **err);

/* --list-keys: the key table, for the man page and its test. */
void tui_list_keys(FILE *out);

#endif
