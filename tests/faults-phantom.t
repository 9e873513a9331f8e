#!/bin/bash
# Fault matrix, Phantom side, with the real binary (`socterm --forward-only`
# backfilling a file): the emulator down, slow, hanging, resetting, answering
# an HTML 502, 429 with Retry-After, and 200 with {"failed": true}. Each case
# ends with every event delivered exactly once, or with a clear error (and
# the event kept for a retry), never a duplicate.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/phantom.sh"
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

emu_start >/dev/null || skip_all "cannot start the Phantom emulator"
"$SOCTERM_TOOLS/falcogen" --count 30 --seed 4 --start 2026-03-01T00:00:00Z --out "$T/30.jsonl" 2>/dev/null
PH=(--phantom-url "$EMU_URL" --phantom-token-file "$EMU_TOKEN_FILE" --retry-max 300ms
    --phantom-timeout 2s --phantom-connect-timeout 1s)
containers() { emu_stats | jq -r '.containers'; }
sdis() { emu_state | jq '[.containers[].source_data_identifier] | unique | length'; }

# run CASE FAULT-JSON: a fresh state dir and an empty emulator, the fault
# armed, then a backfill of the 30 events.
run() {
	emu_reset >/dev/null
	[ -n "$2" ] && emu_fault "$2" >/dev/null
	OUT=$(timeout 120 "$SOCTERM" --forward-only --state-dir "$T/s-$1" "${PH[@]}" "$T/30.jsonl" 2>&1)
	RC=$?
}
exactly_once() { # CASE
	is "$RC/$(containers)/$(sdis)" "0/30/30" "$1: every event delivered exactly once"
}

run latency '{"mode":"latency","ms":300,"count":10}'
exactly_once "slow (300 ms answers)"
run hang '{"mode":"hang","ms":6000,"count":2}'
exactly_once "hanging (no answer: the client timeout ends it)"
run reset '{"mode":"reset","count":5}'
exactly_once "connection resets"
run html502 '{"mode":"status","status":502,"count":5}'
exactly_once "HTML 502 pages"
like "$OUT" "502" "HTML 502: the log names it"
run tooMany '{"mode":"429","retry_after":1,"count":3}'
exactly_once "429 with Retry-After"

# Down: no emulator at all for a while, then back on the same port.
emu_reset >/dev/null
emu_stop
"$SOCTERM" --forward-only --state-dir "$T/s-down" "${PH[@]}" "$T/30.jsonl" >"$T/down.out" 2>&1 &
pid=$!
ok "down: connection errors are logged and retried" wait_for 20 "retry" \
	grep -qE "retry|connect" "$T/down.out"
emu_restart >/dev/null
wait "$pid"
RC=$?
exactly_once "down, then back"

# 200 with failed:true is Phantom saying no: a clear error, not retried
# blindly, and the event stays in the outbox (failed) for the analyst.
run failed200 '{"mode":"failed200","message":"Label matching query does not exist.","count":1}'
is "$RC" 65 "200 + failed: the backfill exits 65"
like "$OUT" "Label matching query does not exist" "with Phantom's own message"
is "$(containers)" 29 "the 29 others delivered once; the refused one not duplicated"
done_testing
