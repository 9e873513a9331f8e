#!/bin/bash
# Fault matrix, NATS side, with the real console under tmux: the server
# frozen (SIGSTOP) and resumed, killed and restarted while events pour in,
# and the terminal resized rapidly meanwhile. Nothing accepted is lost from
# the timeline, the terminal stays sane, the state is shown.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

GEN="$SOCTERM_TOOLS/falcogen"
nats_start || skip_all "cannot start nats-server"

tui_start -x 120 -y 30 -e SOCTERM_NATS_PING_MS=500 -- -s "$NATS_TEST_URL"
ok "connected" tui_wait "connected"
"$GEN" --nats "$NATS_TEST_URL" --count 100 --seed 1 --realtime 2>/dev/null
ok "events arrive" tui_wait "100 total"

# ---- frozen server --------------------------------------------------------------
nats_freeze
ok "a frozen server is noticed (missed pings)" tui_wait_re "DISCONNECTED|CONNECTING" 20
nats_thaw
ok "back after SIGCONT" tui_wait_re "connected +[0-9]+ reconnect" 30
"$GEN" --nats "$NATS_TEST_URL" --count 100 --seed 2 --realtime 2>/dev/null
ok "events flow again" tui_wait "200 total"

# ---- killed and restarted while events pour in, terminal resized meanwhile -----
"$GEN" --nats "$NATS_TEST_URL" --rate 2000 --duration 6s --seed 3 --realtime 2>/dev/null &
gen=$!
for i in $(seq 1 40); do
	tui_resize $((40 + (i * 7) % 120)) $((10 + (i * 3) % 30))
done
nats_kill
ok "disconnection shown while resizing" tui_wait "DISCONNECTED" 10
for i in $(seq 1 40); do
	tui_resize $((40 + (i * 11) % 120)) $((10 + (i * 5) % 30))
done
nats_restart
wait "$gen"
tui_resize 120 30
ok "reconnected after the restart" tui_wait_re "connected +[0-9]+ reconnect" 30
ok "the console survived 80 resizes under load" bash -c "! test -s '$T/tui-status'"
ok "status bar drawn at full size" tui_wait_re "shown/[0-9,]+ held"
# Events published around the restart may still be arriving: wait until the
# total holds still for a second before counting on it.
total() { tui_screen | sed -n 's/.* \([0-9,]*\) total.*/\1/p' | tr -d ,; }
steady() { a=$(total); sleep 1; [ "$a" = "$(total)" ]; }
wait_for 30 "a steady total" steady
before=$(total)
"$GEN" --nats "$NATS_TEST_URL" --count 50 --seed 4 --realtime 2>/dev/null
commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
ok "new events after it all" tui_wait "$(commas $((before + 50))) total" 20
tui_keys q
ok "quits cleanly" wait_for 10 "exit" tui_dead
is "$(tui_status)" 0 "exit status 0"
done_testing
