#!/usr/bin/env bash
# jetstream.t — durable JetStream mode with a real nats-server: a server
# crash and restart mid-stream loses nothing, two forwarders bound to one
# durable share the work without forwarding an event twice, the console
# restarted on its durable shows exactly the backlog it missed, new durables
# start where asked (--all, new only), `socterm --status` polled while a
# forwarder sends never hides its commits (nor makes a kill -9 send them
# again), and core NATS announces its losses.
. "$SOCTERM_SRC/tests/lib/tap.sh"
[ -r "$SOCTERM_SRC/tests/lib/phantom.sh" ] || skip_all "Phantom emulator not in this tree"
. "$SOCTERM_SRC/tests/lib/phantom.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"
command -v jq >/dev/null || skip_all "jq missing"
command -v nats-server >/dev/null || skip_all "nats-server missing"
command -v tmux >/dev/null || skip_all "tmux missing"
[ -x "$SOCTERM_TOOLS/phantom-emu" ] && [ -x "$SOCTERM_TOOLS/falcogen" ] || skip_all "tools not built"
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
plan 22

# Sanitizer builds run several times slower: longer deadlines, same checks.
SLOW=1; [ -n "${SOCTERM_SAN:-}" ] && SLOW=4
SD=$(mktemp -d /dev/shm/socterm-test.XXXXXX 2>/dev/null) && at_exit "rm -rf '$SD'" || SD=$T
nats_start --js || { fail "nats-server"; exit 1; }
emu_start || { fail "emulator"; exit 1; }

# publish COUNT SEED [falcogen options]: distinct events (uuids) into the stream.
publish() {
	local n=$1 seed=$2; shift 2
	"$SOCTERM_TOOLS/falcogen" --seed "$seed" --count "$n" --sidekick --nats "$NATS_TEST_URL" \
		--jetstream "$@" >>"$T/pub.out" 2>&1
}
in_emu() { emu_get "/rest/container?page_size=1" 2>/dev/null | jq -r '.count // 0' 2>/dev/null || echo 0; }
emu_has() { [ "$(in_emu)" -ge "$1" ]; }
# fwd_start NAME DURABLE [more options]: a forwarder with its own state dir.
declare -A PIDS
fwd_start() {
	local name=$1 durable=$2; shift 2
	"$SOCTERM" --forward-only --server "$NATS_TEST_URL" --stream FALCO --durable "$durable" --all \
		--state-dir "$SD/$name" --phantom-url "$EMU_URL" --phantom-token-file "$EMU_TOKEN_FILE" \
		--retry-max 300ms --log-file "$T/$name.log" "$@" 2>>"$T/$name.stderr" &
	PIDS[$name]=$!
	at_exit "kill -9 $! 2>/dev/null"
}
status_of() { jq -r "$2" "$SD/$1/status.json" 2>/dev/null; }
bound() { [ "$(status_of "$1" '.pid == '"${PIDS[$1]}"' and .source.state == "connected"')" = true ]; }
received_at_least() { [ "$(status_of "$1" .counters.received)" -ge "$2" ] 2>/dev/null; }
stop() { kill -TERM "${PIDS[$1]}"; wait "${PIDS[$1]}"; }
census() { emu_state | jq -r '[(.containers|length), ([.containers[].source_data_identifier]|unique|length),
	([.containers[].artifacts[].source_data_identifier]|unique|length)] | map(tostring) | join(" ")'; }

# ---- the stream, created on demand ----
fwd_start a shared-a --create-stream --stream-max-age 1h --stream-max-bytes 64M
ok "--create-stream makes the stream and binds" wait_for $((15 * SLOW)) "binding" bound a

# ---- nats-server crash and restart mid-stream ----
publish 2000 1 --rate 1000 &
pub=$!
wait_for $((20 * SLOW)) "forwarder took some events" received_at_least a 300
kill -STOP "${PIDS[a]}"       # holds fetched, un-acked events across the crash
wait "$pub"; is "$?" 0 "2000 events stored"
nats_kill
nats_restart || fail "nats-server restart"
kill -CONT "${PIDS[a]}"
reconnected() { [ "$(status_of a '.source.reconnects >= 1 and .source.state == "connected"')" = true ]; }
ok "forwarder reconnected after the server restart" wait_for $((20 * SLOW)) "reconnect" reconnected
publish 1000 2
ok "3000 events forwarded across the restart" wait_for $((40 * SLOW)) "3000 containers" emu_has 3000
is "$(census)" "3000 3000 3000" "each event exactly once (containers, SDIs, artifacts)"
stop a; is "$?" 0 "forwarder a: SIGTERM exit 0"
is "$(status_of a .counters.queued)" 3000 "forwarder a queued each event once"

# ---- two forwarders on one durable ----
emu_reset
fwd_start b shared
fwd_start c shared
ok "both forwarders bound" wait_for $((15 * SLOW)) "binding" bound b
wait_for $((15 * SLOW)) "binding" bound c
publish 3000 3 --rate 1500
# The new durable starts with --all: the 3000 events already in the stream too.
ok "6000 events forwarded by the pair" wait_for $((40 * SLOW)) "6000 containers" emu_has 6000
stop b; stop c
is "$(census)" "6000 6000 6000" "pair: each event exactly once in Phantom"
qb=$(status_of b .counters.queued) qc=$(status_of c .counters.queued)
diag "forwarder b queued $qb, c queued $qc"
is "$((qb + qc))" 6000 "no event in both outboxes (each forwarded once)"
ok "both did part of the work" test "$qb" -gt 0 -a "$qc" -gt 0

# ---- the console on its durable: a restart shows the backlog it missed ----
tui_start -x 140 -y 20 -- --server "$NATS_TEST_URL" --stream FALCO --durable console --all \
	--state-dir "$SD/console"
ok "console catches up on the whole stream" tui_wait "6,000 total" $((30 * SLOW))
tui_keys q
wait_for $((10 * SLOW)) "console exit" tui_dead
publish 250 4
tui_start -x 140 -y 20 -- --server "$NATS_TEST_URL" --stream FALCO --durable console \
	--state-dir "$SD/console"
ok "restarted console shows the 250 events it missed" tui_wait "250 total" $((20 * SLOW))
tui_keys q
wait_for $((10 * SLOW)) "console exit" tui_dead
is "$(tui_status)" 0 "console exit 0"

# ---- start points of a new durable ----
count() { "$SOCTERM" --count --server "$NATS_TEST_URL" --stream FALCO "$@" 2>"$T/count.err" |
	sed -n 's/^events=\([0-9]*\) .*/\1/p'; }
is "$(count --durable fromall --all)" 6250 "--all: a new durable reads the whole stream"
"$SOCTERM" --count --server "$NATS_TEST_URL" --stream FALCO --durable newonly >"$T/new.out" \
	2>"$T/new.err" &
cpid=$!
wait_for $((10 * SLOW)) "count bound to its new durable" grep -q connected "$T/new.err"
publish 40 5
wait "$cpid"
like "$(cat "$T/new.out")" "^events=40 " "default: a new durable gets only what comes after it"

# ---- --status polled while the forwarder sends ----
# Each --status opens and closes the database. The forwarder's commits must
# stay in the WAL everyone reads: none left to a kill -9, none sent twice.
emu_reset
"$SOCTERM" --forward-only --server "$NATS_TEST_URL" --stream FALCO --durable polled \
	--state-dir "$SD/polled" --phantom-url "$EMU_URL" --phantom-token-file "$EMU_TOKEN_FILE" \
	--retry-max 300ms --log-file "$T/polled.log" 2>>"$T/polled.stderr" &
PIDS[polled]=$!
at_exit "kill -9 ${PIDS[polled]} 2>/dev/null"
wait_for $((15 * SLOW)) "binding" bound polled
"$SOCTERM" --status --state-dir "$SD/polled" >/dev/null
publish 500 6 &
pub=$!
outbox_done() {
	"$SOCTERM" --status --state-dir "$SD/polled" >"$T/polled.status"
	grep -q "outbox: 0 queued, 0 sending, 500 sent" "$T/polled.status"
}
if wait_for $((30 * SLOW)) "500 sent in the outbox" outbox_done; then
	pass "--status polled during sending: every escalation recorded as sent"
else
	fail "--status polled during sending: every escalation recorded as sent" \
		"$(grep outbox "$T/polled.status")" "$(grep -c 'event=sent' "$T/polled.log") sent in the log"
fi
wait "$pub"
is "$(ls -l "/proc/${PIDS[polled]}/fd" | grep -c 'socterm\.db.*(deleted)')" 0 \
	"the forwarder writes no unlinked WAL"
kill -9 "${PIDS[polled]}"; wait "${PIDS[polled]}" 2>/dev/null
fwd_start polled polled
settled() { [ "$(status_of polled '.pid == '"${PIDS[polled]}"' and .unsent == 0')" = true ]; }
ok "after kill -9, the restarted forwarder finds nothing left to send" \
	wait_for $((15 * SLOW)) "status of the restarted forwarder" settled
is "$(status_of polled .forwarder.requests)/$(in_emu)" "0/500" "and sends nothing twice"
stop polled

# ---- core NATS: losses are possible, and said so ----
"$SOCTERM" --forward-only --server "$NATS_TEST_URL" --state-dir "$SD/core" \
	--phantom-url "$EMU_URL" --phantom-token-file "$EMU_TOKEN_FILE" --log-file "$T/core.log" &
PIDS[core]=$!
at_exit "kill -9 ${PIDS[core]} 2>/dev/null"
wait_for $((10 * SLOW)) "core forwarder status" bound core
stop core
like "$(cat "$T/core.log")" "level=warn event=lossy" "core NATS forwarder warns that losses are possible"
