/*
 * status.h — the header line (source and connection), the status bar
 * (counts, rate, mode) and the message line.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_STATUS_H
#define SOCTERM_TUI_STATUS_H

#include <stddef.h>
#include <stdint.h>

struct app;

void status_draw_header(struct app *a);
void status_draw_bar(struct app *a);
void status_draw_message(struct app *a);
/* "12,345" into out. */
void fmt_count(uint64_t n, char *out, size_t size);

#endif
