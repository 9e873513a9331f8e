/*
 * prompt.h — the one-line prompts (filter, search, `:` commands, mark by
 * filter, ...) and y/n questions, drawn in the bottom lines while the main
 * loop keeps running.
 *
 * Line editing is GNU readline in callback mode: the loop hands every key to
 * prompt_key(), which feeds readline byte by byte (curses KEY_* codes are
 * turned back into the ANSI sequences readline's emacs keymap binds), and a
 * custom redisplay draws the prompt and the line into the curses prompt line
 * (width-correct cursor for wide characters, horizontal scrolling). Readline
 * never reads or writes the terminal, installs no signal handlers and does
 * not touch LINES/COLUMNS. Esc (alone), ^G and ^C cancel; Esc followed by a
 * key is Meta (M-b, M-f). Tab completes (matches are listed in the line under
 * the prompt). Each prompt kind has its own history, kept in the state
 * database across runs.
 *
 * While a prompt is open the layout gives it the line above the message
 * line; the message line shows its errors (with a caret under the offending
 * column), completion matches, or the app's messages.
 *
 * Ownership: the app owns the prompt (a->prompt). Specs are static and
 * borrowed. Lines passed to accept() are borrowed for the call.
 * Thread safety: UI thread only (readline has global state: one app).
 */
#ifndef SOCTERM_TUI_PROMPT_H
#define SOCTERM_TUI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"

struct strv;

/* Why a line was refused: msg (malloc'd, freed by the prompt) and, when
 * has_pos, the byte offset in the line it is about. */
struct prompt_error {
	char *msg;
	size_t pos;
	bool has_pos;
};

/* Completion: candidates for `text`, the word starting at byte `start` of
 * `line` (inside a quote the user opened when `quoted`). Set *files to
 * complete file names instead. */
typedef void (*prompt_complete_fn)(struct app *a, const char *line, size_t start,
				   const char *text, bool quoted, struct strv *out, bool *files);

struct prompt_spec {
	const char *label;         /* "filter: " */
	const char *history;       /* history kind in the state db; NULL: none */
	const char *word_breaks;   /* for completion; NULL: the filter language's */
	prompt_complete_fn complete;   /* NULL: Tab inserts nothing */
	/* Enter: true closes the prompt; false keeps it open with the line and
	 * shows *e. May open another prompt (e.g. a question). */
	bool (*accept)(struct app *a, const char *line, struct prompt_error *e);
	void (*cancel)(struct app *a);   /* optional */
};

void prompt_init(struct app *a);
void prompt_free(struct app *a);

/* Opens a prompt (closing any other), with `initial` text (may be NULL). */
void prompt_open(struct app *a, const struct prompt_spec *spec, const char *initial);
/* Asks a y/n question; on y calls yes(a, ctx). release(ctx) runs in every
 * case (may be NULL). */
void prompt_ask(struct app *a, const char *question, void (*yes)(struct app *a, void *ctx),
		void (*release)(void *ctx), void *ctx);
bool prompt_active(const struct app *a);

/* A key read by the main loop (curses code). */
void prompt_key(struct app *a, int ch);
/* Draws the prompt line and the line under it, and places the cursor. */
void prompt_draw(struct app *a);
/* After a terminal resize. */
void prompt_resize(struct app *a);

/* Completion for the filter language (fields, keywords, values seen). */
void prompt_complete_filter(struct app *a, const char *line, size_t start, const char *text,
			    bool quoted, struct strv *out, bool *files);

#endif
