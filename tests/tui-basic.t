#!/bin/bash
# The console on a file of events: timeline, detail pane, help from the key
# table, pause, resize down to tiny sizes, and clean exits.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

ev() { # n time rule priority
	printf '{"hostname":"node-%s","output":"%s: %s %s (user=root cmd=sh)","priority":"%s","rule":"%s","source":"syscall","tags":["container","shell"],"time":"2024-05-01T%sZ","output_fields":{"container.name":"nginx","k8s.ns.name":"prod","k8s.pod.name":"web-%s","proc.cmdline":"sh","user.name":"root","evt.time":1714557600123456789}}\n' \
		"$1" "$2" "$4" "$3" "$4" "$3" "$2" "$1"
}
{
	ev 1 10:00:00.100000000 "Terminal shell in container" Warning
	ev 2 10:00:01.200000000 "Write below etc" Error
	ev 3 10:00:02.300000000 "Read sensitive file untrusted" Critical
	ev 4 10:00:03.400000000 "Launch Privileged Container" Informational
	printf '{"rule":"broken", "priority":\n'
} > "$T/events.jsonl"

tui_start -x 120 -y 30 -- "$T/events.jsonl"
ok "timeline shows the newest event" tui_wait "Launch Privileged Container"
ok "time with milliseconds, abbreviated priority" tui_wait_re "10:00:02\\.300 +CRIT Read sensitive"
ok "host and k8s namespace/pod column" tui_wait "node-3 prod/web-3"
ok "unparsed line is visible and counted" tui_wait "1 unparsed"
ok "status bar counts" tui_wait "5 shown/5 held"

tui_keys k Enter
ok "detail pane opens on the selected event" tui_wait "output_fields (6)"
ok "detail shows the full time" tui_wait "2024-05-01T10:00:03.400000000Z"
ok "detail shows tags" tui_wait "container, shell"
tui_keys o
ok "raw JSON view" tui_wait '"output_fields": {'
tui_keys o Enter
ok "detail pane closes" tui_wait_gone "output_fields ("

tui_keys h
key_help=$("$SOCTERM" --list-keys | awk -F'\t' '$3=="toggle-detail"{print $4}')
ok "h shows the help, generated from the key table" tui_wait "$key_help"
tui_resize 120 12
tui_keys G
ok "G: the end of the help" tui_wait "Close the help"
tui_keys g
ok "g: back to the top" tui_wait_gone "Close the help"
tui_wait "Select the next" >/dev/null
tui_keys NPage
ok "PgDn pages through the help" tui_wait_gone "Select the next"
tui_keys PPage
ok "PgUp pages back" tui_wait "Select the next"
tui_resize 120 30
tui_keys q
ok "q closes the help first" tui_wait "5 shown/5 held"
tui_keys F1
ok "F1 shows the help too" tui_wait "$key_help"
tui_keys Escape
ok "Esc closes the help" tui_wait_gone "$key_help"

tui_keys p
ok "pause shows +N new" tui_wait "PAUSED +0 new"
tui_keys p G
ok "G follows again" tui_wait "FOLLOW"

tui_resize 40 10
ok "40x10 still shows the timeline" tui_wait "Launch"
tui_keys Enter
ok "40x10 with the detail pane" tui_wait_re "Launch|output"
tui_resize 30 6
ok "below 40x10: no crash" tui_wait "shown"
tui_resize 15 3
ok "tiny: a clear notice" tui_wait "terminal too sm"
tui_resize 120 30
ok "back to full size" tui_wait "5 shown/5 held"
ok "still alive after resizes" bash -c "! tmux -L $TUI_SOCK display-message -p -t t '#{pane_dead}' | grep -q 1"

tui_keys q
ok "q quits" wait_for 5 "exit" tui_dead
is "$(tui_status)" 0 "exit status 0"
ok "terminal restored (alternate screen left)" grep -q $'\e\\[?1049l' "$TUI_LOG"

# SIGTERM and SIGHUP restore the terminal and exit cleanly.
for sig in TERM HUP; do
	tui_start -- "$T/events.jsonl"
	tui_wait "5 shown" >/dev/null
	kill -$sig "$(tui_pid)"
	ok "SIG$sig: exits" wait_for 5 "exit" tui_dead
	is "$(tui_status)" 0 "SIG$sig: exit status 0"
	ok "SIG$sig: terminal restored" grep -q $'\e\\[?1049l' "$TUI_LOG"
	tmux -L "$TUI_SOCK" kill-server
done

# Full-width views (raw JSON, an unparsed line's raw bytes) wrap without
# losing a character: the rows joined give back the whole text.
long=$(seq -f 'w%03g' 1 60 | tr '\n' '-')
printf '{"rule":"Long output","priority":"Warning","time":"2024-05-01T10:00:00Z","output":"%s","output_fields":{"container.image.repository":"docker.io/library/nginx"}}\n' "$long" > "$T/long.jsonl"
printf 'garbage %s\n' "$long" >> "$T/long.jsonl"
tui_start -x 80 -y 30 -- "$T/long.jsonl"
tui_wait "2 shown" >/dev/null
tui_keys Enter
tui_wait "raw bytes" >/dev/null
ok "unparsed raw bytes wrap losslessly" bash -c "tmux -L $TUI_SOCK capture-pane -p -t t | tr -d '\n' | grep -qF -- 'garbage $long'"
tui_keys k
ok "a long field name is shown whole, its value under it" tui_wait_re "^container\.image\.repository *$"
ok "the value under the long name" tui_wait_re "^ +docker\.io/library/nginx"
tui_keys o
tui_wait "raw JSON" >/dev/null
ok "raw JSON wraps losslessly" bash -c "tmux -L $TUI_SOCK capture-pane -p -t t | tr -d '\n' | grep -qF -- '\"output\": \"$long\"'"
tmux -L "$TUI_SOCK" kill-server

# Unusable terminals get a clear message instead of a garbled screen.
out=$(TERM=dumb script -qec "$SOCTERM $T/events.jsonl" /dev/null 2>&1); rc=$?
like "$out" "TERM is 'dumb'" "TERM=dumb: clear message"
ok "TERM=dumb: non-zero exit" test "$rc" -ne 0
out=$(TERM=no-such-terminal script -qec "$SOCTERM $T/events.jsonl" /dev/null 2>&1)
like "$out" "terminal type 'no-such-terminal' is unknown" "unknown TERM: clear message"
out=$(setsid "$SOCTERM" "$T/events.jsonl" </dev/null 2>&1 >/dev/null); rc=$?
like "$out" "no terminal" "no tty: clear message"
ok "no tty: non-zero exit" test "$rc" -ne 0
done_testing
