/*
 * screen.h — owning the terminal: checks before starting (a tty, a usable
 * TERM), curses start and stop, resizing, and keeping stray stderr output
 * (libraries, assertions) off the screen: while curses runs, fd 2 is a pipe
 * whose lines the loop shows in the message line and replays after the
 * terminal is restored.
 *
 * A fatal signal (SEGV, BUS, FPE, ABRT, ILL) restores the terminal with
 * async-signal-safe calls before the default action runs.
 *
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_SCREEN_H
#define SOCTERM_TUI_SCREEN_H

#include <stdbool.h>

#include "core/util.h"

struct screen {
	int in_fd;            /* the terminal's input, for poll() */
	int out_fd;           /* the terminal's output (raw writes after a frame) */
	int err_fd;           /* read end of the captured stderr, -1 if none */
	int saved_stderr;
	struct sbuf errlog;   /* captured stderr, replayed at exit */
	struct sbuf errline;  /* partial line */
	bool started;
};

/* Starts curses on the controlling terminal (stdin/stdout when they are a
 * terminal, else /dev/tty, so `... | socterm -` works). Returns 0, or -1 with
 * *err set to a clear, user-facing message. */
int screen_start(struct screen *s, char **err);
/* Restores the terminal and stderr, then replays what stderr received. */
void screen_stop(struct screen *s);
/* After SIGWINCH: reads the size and relayouts curses. */
void screen_resize(struct screen *s);
/* Reads captured stderr; returns the last complete line seen (or NULL). */
const char *screen_read_stderr(struct screen *s);
/* ^Z: restore the terminal, stop, and take it back on resume. */
void screen_suspend(struct screen *s);

#endif
