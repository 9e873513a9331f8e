/*
 * clipboard.h — `y`: copy the selected event's original JSON to the
 * analyst's own clipboard with OSC 52, which travels over ssh to the
 * terminal emulator on their desk (xterm, iTerm2, kitty, WezTerm, tmux
 * with set-clipboard on, ...). At most CLIPBOARD_MAX bytes of JSON are sent;
 * bigger events are refused with a message rather than cut.
 *
 * Inside tmux (TMUX set) the sequence is wrapped in tmux's DCS passthrough
 * (tmux needs `allow-passthrough on`, or `set-clipboard on` handles plain
 * OSC 52 itself); inside GNU screen (STY set) in screen's DCS passthrough,
 * in pieces screen accepts.
 *
 * Ownership: the sequence is appended to a caller's buffer.
 * Thread safety: UI thread (act_COPY); clipboard_osc52 is pure.
 */
#ifndef SOCTERM_TUI_CLIPBOARD_H
#define SOCTERM_TUI_CLIPBOARD_H

#include <stddef.h>

#include "core/util.h"

#define CLIPBOARD_MAX (100 * 1024)

/* Appends the OSC 52 "set clipboard" sequence for data[0..n) to out,
 * wrapped for tmux when `tmux` is true, else for screen when `screen`. */
void clipboard_osc52(const void *data, size_t n, bool tmux, bool screen, struct sbuf *out);

#endif
