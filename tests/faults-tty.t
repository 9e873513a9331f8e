#!/bin/bash
# Fault matrix, terminal side: an ssh-like hangup (SIGHUP) while a prompt is
# open, the terminal disappearing under the console, and SIGTERM mid-prompt.
# Each ends with a clean exit, the terminal restored and nothing lost that
# was accepted (the prompt history is kept).
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

"$SOCTERM_TOOLS/falcogen" --count 200 --seed 1 --start 2026-01-01T00:00:00Z --out "$T/ev.jsonl" 2>/dev/null

for sig in HUP TERM; do
	tui_start -x 100 -y 25 -- "$T/ev.jsonl"
	tui_wait "200 total" >/dev/null
	# A filter accepted before the fault goes to the history.
	tui_keys f
	tui_type "priority>=warning"
	tui_keys Enter
	tui_wait_re "filter: priority>=warning|priority>=warning" >/dev/null
	tui_keys f C-u
	tui_type "rule~Shell"
	ok "SIG$sig: prompt open" tui_wait "rule~Shell"
	kill -$sig "$(tui_pid)"
	ok "SIG$sig during a prompt: exits" wait_for 10 "exit" tui_dead
	is "$(tui_status)" 0 "SIG$sig during a prompt: exit status 0"
	ok "SIG$sig: terminal restored" grep -q $'\e\\[?1049l' "$TUI_LOG"
	ok "SIG$sig: cursor visible again" grep -qa $'\e\\[?25h' "$TUI_LOG"
done

# The history accepted before the hangups is there on the next start.
tui_start -x 100 -y 25 -- "$T/ev.jsonl"
tui_wait "200 total" >/dev/null
tui_keys f C-u Up
ok "the accepted filter survived the hangups (history)" tui_wait "priority>=warning"
tui_keys Escape

# The terminal itself goes away (the ssh connection drops): the pane is
# killed, the pty closes under the console.
pid=$(tui_pid)
tmux -L "$TUI_SOCK" kill-pane -t t
gone() { ! kill -0 "$pid" 2>/dev/null; }
ok "terminal gone: the console exits, no spinning" wait_for 10 "exit" gone
done_testing
