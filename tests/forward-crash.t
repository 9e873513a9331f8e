#!/usr/bin/env bash
# forward-crash.t — "nothing lost, ever": 10,000 events are published into a
# JetStream stream while `socterm --forward-only` is killed with SIGKILL at
# random moments and restarted, and while the Phantom emulator answers 503
# and resets connections for a while. Every event must arrive in the
# emulator exactly once: one container per event (by its SDI) holding one
# artifact whose SDI is the event id.
. "$SOCTERM_SRC/tests/lib/tap.sh"
[ -r "$SOCTERM_SRC/tests/lib/phantom.sh" ] || skip_all "Phantom emulator not in this tree"
. "$SOCTERM_SRC/tests/lib/phantom.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"
command -v jq >/dev/null || skip_all "jq missing"
command -v nats-server >/dev/null || skip_all "nats-server missing"
[ -x "$SOCTERM_TOOLS/phantom-emu" ] && [ -x "$SOCTERM_TOOLS/falcogen" ] || skip_all "tools not built"
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
plan 11

# The outbox on tmpfs when there is one: fsync speed is the disk's business;
# what is tested here (kill -9 at any moment) does not depend on it.
SD=$(mktemp -d /dev/shm/socterm-test.XXXXXX 2>/dev/null) && at_exit "rm -rf '$SD'" || SD=$T
N=10000
RANDOM=${FORWARD_CRASH_SEED:-$$}
diag "random seed $RANDOM (FORWARD_CRASH_SEED to repeat)"

"$SOCTERM_TOOLS/falcogen" --seed 7 --start 2026-01-01T00:00:00Z --count $N --sidekick --out "$T/ev.jsonl"
jq -r .uuid "$T/ev.jsonl" | sort > "$T/want"
is "$(sort -u "$T/want" | wc -l)" "$N" "the generator made $N distinct event ids"

nats_start --js || { fail "nats-server"; exit 1; }
emu_start || { fail "emulator"; exit 1; }

FWD=(--forward-only --server "$NATS_TEST_URL" --stream FALCO --durable forwarder --create-stream
     --all --state-dir "$SD/state" --phantom-url "$EMU_URL" --phantom-token-file "$EMU_TOKEN_FILE"
     --retry-max 300ms --phantom-timeout 2s --phantom-connect-timeout 1s --stats-interval 2s
     --log-file "$T/fwd.log")
FWD_PID=
start_fwd() { "$SOCTERM" "${FWD[@]}" 2>>"$T/fwd.stderr" & FWD_PID=$!; }
at_exit '[ -n "$FWD_PID" ] && kill -9 $FWD_PID 2>/dev/null'
bound() { jq -e --argjson p "$FWD_PID" '.pid == $p and .source.state == "connected"' \
	"$SD/state/status.json" >/dev/null 2>&1; }
in_emu() { emu_get "/rest/container?page_size=1" 2>/dev/null | jq -r '.count // 0' 2>/dev/null || echo 0; }
all_in() { [ "$(in_emu)" -ge "$N" ]; }

start_fwd
SLOW=1; [ -n "${SOCTERM_SAN:-}" ] && SLOW=4   # sanitizer builds run several times slower
ok "forwarder bound to a stream it created" wait_for $((15 * SLOW)) "JetStream binding" bound

"$SOCTERM_TOOLS/falcogen" --replay "$T/ev.jsonl" --nats "$NATS_TEST_URL" --jetstream --rate 800 \
	>"$T/pub.out" 2>&1 &
PUB=$!

# Kill -9 at random moments while events flow; Phantom fails for a while
# around two of the restarts.
for k in 1 2 3 4; do
	pause=$((RANDOM % 17 + 8))
	sleep "$((pause / 10)).$((pause % 10))"
	kill -9 "$FWD_PID"; wait "$FWD_PID" 2>/dev/null
	diag "kill $k after ${pause}00 ms; $(in_emu) containers so far"
	case $k in
	2) emu_fault '{"mode":"status","status":503,"seconds":2,"method":"POST"}' >/dev/null ;;
	3) emu_fault '{"mode":"reset","seconds":2,"method":"POST"}' >/dev/null ;;
	esac
	start_fwd
done
emu_fault '{"mode":"status","status":502,"count":20,"method":"POST"}' >/dev/null

wait "$PUB"; is "$?" 0 "publisher: every event stored in the stream"
# Events a killed forwarder had fetched come back after the AckWait (10 s).
ok "all $N events reached Phantom" wait_for $((60 * SLOW)) "$N containers" all_in

kill -TERM "$FWD_PID"; wait "$FWD_PID"; rc=$?; FWD_PID=
is "$rc" 0 "SIGTERM: exit 0"

emu_state > "$T/state.json"
is "$(jq '.containers | length' "$T/state.json")" "$N" "$N containers"
is "$(jq '[.containers[].source_data_identifier] | unique | length' "$T/state.json")" "$N" \
	"container SDIs all distinct"
is "$(jq '[.containers[] | select((.artifacts | length) != 1)] | length' "$T/state.json")" 0 \
	"each container holds exactly one artifact"
jq -r '.containers[].artifacts[].source_data_identifier' "$T/state.json" | sort > "$T/got"
if cmp -s "$T/want" "$T/got"; then pass "artifact SDIs are exactly the event ids"
else fail "artifact SDIs are exactly the event ids" "$(diff "$T/want" "$T/got" | head -5)"; fi
like "$("$SOCTERM" --status --state-dir "$SD/state")" "outbox: 0 queued, 0 sending, $N sent, 0 failed" \
	"outbox: everything sent, nothing failed"
unlike "$(cat "$T/fwd.stderr")" "." "nothing on stderr (logs go to the log file)"
diag "$(grep 'event=stats' "$T/fwd.log" | tail -1)"
