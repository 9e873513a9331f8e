#!/bin/bash
# The console against a real nats-server: live events, hostile bytes that
# must never reach the terminal as controls, a 200,000-event burst with the
# keyboard still answered and nothing dropped, and a server that dies and
# comes back.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

GEN="$SOCTERM_TOOLS/falcogen"
nats_start || skip_all "cannot start nats-server"

tui_start -x 140 -y 40 -- -s "$NATS_TEST_URL"
ok "connected to the server" tui_wait "connected"
"$GEN" --nats "$NATS_TEST_URL" --count 50 --seed 7 --realtime 2>/dev/null
ok "published events appear" tui_wait "50 total"
ok "follow mode shows the newest" tui_wait "FOLLOW"

# ---- hostile events ---------------------------------------------------------
"$GEN" --nats "$NATS_TEST_URL" --hostile-only --count 40 --seed 3 --realtime 2>/dev/null
ok "hostile events arrive" tui_wait "90 total"
# Show every hostile event in the detail pane (fields and raw JSON), one
# frame each: wait for the pane to change before the next key.
tui_keys G Enter
ok "detail pane open" tui_wait_re "output_fields \\(|unparsed record"
seen_esc=0
prev=
for _ in $(seq 1 40); do
	tui_screen | grep -q '\\x1b' && seen_esc=1
	cur=$(tui_screen | grep -E '^(time|arrived) ')
	tui_keys o
	tui_wait "raw JSON" 5 >/dev/null
	tui_keys o k
	wait_for 5 "next event" bash -c "tmux -L $TUI_SOCK capture-pane -p -t t | grep -E '^(time|arrived) ' | grep -vqF -- \"$cur\""
done
is "$seen_esc" 1 "escape bytes are shown as visible \\x1b text"
# Nothing an event carried may reach the terminal as a control. socterm's own
# output is only curses; these never come from curses:
log_has() { LC_ALL=C grep -qaP "$1" "$TUI_LOG"; }
bad=0
for pat in '\x1b\]' '\x1bP' '\x1b_' '\x1b\^' '\xc2[\x80-\x9f]' '\xe2\x80[\xaa-\xae]' '\xe2\x81[\xa6-\xa9]' '\x7f' '\x00' '\x1b\[2J.*\x1b\[2J'; do
	if log_has "$pat"; then bad=1; diag "terminal output contains /$pat/"; fi
done
is "$bad" 0 "no OSC, DCS, APC, PM, C1, bidi, DEL or NUL reached the terminal"
title=$(tmux -L "$TUI_SOCK" display-message -p -t t '#{pane_title}')
unlike "$title" "evil|pwned|Hostile" "the pane title was not changed by an event"
is "$(tmux -L "$TUI_SOCK" list-buffers 2>/dev/null | wc -l)" 0 "no clipboard write (OSC 52) reached tmux"
tui_keys Enter
ok "still running after the hostile events" bash -c "! test -s '$T/tui-status'"

# ---- burst --------------------------------------------------------------------
# Under ThreadSanitizer (ten times slower) a smaller burst still runs every
# thread flat out; the full one is for the plain build.
burst=200000
[ -n "${SOCTERM_TSAN:-}" ] && burst=40000
thousands() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }
tui_keys G
"$GEN" --nats "$NATS_TEST_URL" --count "$burst" --seed 11 --realtime 2>"$T/burst.log" &
gen=$!
ok "burst under way" tui_wait_re "[0-9],[0-9]{3} total" 30
tui_keys h
t0=$(date +%s%N)
# The help's first row (the key table grows; its last rows may be off screen).
ok "a key is answered during the burst" tui_wait "$("$SOCTERM" --list-keys | head -n 1 | cut -f4)" 5
t1=$(date +%s%N)
diag "help appeared $(( (t1 - t0) / 1000000 )) ms after the key, mid-burst"
tui_keys q
wait "$gen"
ok "every event of the burst arrived" tui_wait "$(thousands $((burst + 90))) total" 120
ok "nothing dropped" tui_wait "| 0 dropped"
ok "the server never saw a slow consumer" bash -c "! grep -qi 'slow consumer' '$T/nats/server.log'"

# ---- server dies and comes back -----------------------------------------------
nats_kill
ok "disconnection shown" tui_wait "DISCONNECTED"
nats_restart
ok "reconnected" tui_wait_re "connected +[0-9]+ reconnect" 20
"$GEN" --nats "$NATS_TEST_URL" --count 10 --seed 99 --realtime 2>/dev/null
ok "new events after the reconnect" tui_wait "$(thousands $((burst + 100))) total"
tui_keys q
ok "quits" wait_for 10 "exit" tui_dead
is "$(tui_status)" 0 "exit status 0"
done_testing
