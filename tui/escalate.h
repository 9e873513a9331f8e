/*
 * escalate.h — the escalate dialog (`e`): shows exactly what will be sent
 * (N events -> new case "NAME", severity, label, sensitivity, container
 * type; or "add to container #ID"), lets the analyst edit the name and
 * severity, choose case or event, new or existing container, and on Enter
 * queues the work (escstate_queue: no network on the UI thread). Esc
 * cancels. Also asks before quitting with escalations unsent.
 *
 * The dialog is modal and has its own keys (listed in its bottom line):
 * Tab/Down and BTab/Up move between fields, Left/Right/Space change a
 * choice, typing edits a text field (Backspace, ^U clears), Enter queues,
 * Esc or ^G cancels.
 *
 * Ownership: the app owns the open dialog (a->dialog); it copies the
 * events' ids and bytes when it opens.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_ESCALATE_H
#define SOCTERM_TUI_ESCALATE_H

#include <stdbool.h>

#include "tui/app.h"

/* A key for the open dialog; false when none is open. */
bool escalate_key(struct app *a, int ch);
/* Draws the open dialog over the screen. */
void escalate_draw(struct app *a);
void escalate_close(struct app *a);

/* Asks a y/n question (prompt_ask); yes(a, id) runs on y. */
void escalate_ask(struct app *a, const char *question, void (*yes)(struct app *a, int64_t id),
		  int64_t id);

/* Quit, asking first when escalations are queued or being sent. */
void escalate_quit(struct app *a);

#endif
