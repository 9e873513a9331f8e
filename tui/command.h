/*
 * command.h — the `:` command line: a table of commands (name, arguments,
 * help, function). Later features add rows to the table in command.c and
 * keep their functions in their own modules.
 *
 * A command may be shortened to any unique prefix of its name (`:exp`);
 * aliases are rows of their own. Arguments are the rest of the line: each
 * command splits them as it needs (core/cmdline.h for shell-like words).
 *
 * Ownership: the table is static; strings passed to commands are borrowed.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_COMMAND_H
#define SOCTERM_TUI_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"

struct prompt_error;
struct strv;

struct command {
	const char *name;
	const char *args;    /* usage after the name: "[--csv [--columns a,b,c]] FILE" */
	const char *help;
	/* `args` is the text after the name, starting at byte `at` of the line
	 * (for error positions). false with *e keeps the command line open. */
	bool (*run)(struct app *a, const char *args, size_t at, struct prompt_error *e);
};

/* Runs one command line (without the `:`). false with *e on error. */
bool command_run(struct app *a, const char *line, struct prompt_error *e);

/* Completion for the command line: command names, then each command's
 * arguments. */
void command_complete(struct app *a, const char *line, size_t start, const char *text,
		      bool quoted, struct strv *out, bool *files);

#endif
