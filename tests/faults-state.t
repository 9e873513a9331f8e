#!/bin/bash
# Fault matrix, local state: a state directory that cannot be used, and a
# disk that fills up under a running forwarder. Clear errors, nothing
# corrupted, and nothing lost that the stream had: after the fault, every
# event reaches Phantom exactly once.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"
. "$SOCTERM_SRC/tests/lib/phantom.sh"
command -v sqlite3 >/dev/null || skip_all "no sqlite3 shell"
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

emu_start >/dev/null || skip_all "cannot start the Phantom emulator"
PH=(--phantom-url "$EMU_URL" --phantom-token-file "$EMU_TOKEN_FILE" --retry-max 200ms)
"$SOCTERM_TOOLS/falcogen" --count 20 --seed 1 --out "$T/20.jsonl" 2>/dev/null

# ---- a state directory that cannot be used ----------------------------------
touch "$T/not-a-dir"
out=$("$SOCTERM" --forward-only --state-dir "$T/not-a-dir/state" "${PH[@]}" "$T/20.jsonl" 2>&1)
is "$?" 73 "state dir under a file: exit 73"
like "$out" "not-a-dir" "the message names the directory"
if [ "$(id -u)" != 0 ]; then
	mkdir -p "$T/ro" && chmod 500 "$T/ro"
	ro="$T/ro/state"
elif [ -d /sys/kernel ]; then
	ro=/sys/kernel/socterm-test-$$   # root ignores modes; sysfs refuses new files
fi
if [ -n "${ro:-}" ]; then
	out=$("$SOCTERM" --forward-only --state-dir "$ro" "${PH[@]}" "$T/20.jsonl" 2>&1)
	is "$?" 73 "read-only state dir: exit 73"
	like "$out" "$ro" "the message names it"
else
	skip "no read-only place to try"
	skip "no read-only place to try"
fi

# ---- the disk fills up under a forwarder fed by JetStream -----------------------
nats_start --js >/dev/null || { fail "nats-server"; exit 1; }
"$SOCTERM_TOOLS/falcogen" --nats "$NATS_TEST_URL" --jetstream --stream FALCO --count 3000 \
	--seed 2 2>/dev/null
is "$?" 0 "3000 events stored in the stream"
JS=(-s "$NATS_TEST_URL" --stream FALCO --durable fwd --all)
mkdir -p "$T/state"
# A file-size limit makes writes fail like a full disk (EFBIG).
( ulimit -f 300; exec "$SOCTERM" --forward-only --state-dir "$T/state" "${PH[@]}" "${JS[@]}" \
	--log-file "$T/full.log" ) 2>"$T/full.stderr" &
pid=$!
ok "the full disk is reported in the log" wait_for 30 "commit error" \
	grep -qs "cannot save events to the outbox" "$T/full.log"
kill -TERM "$pid"
wait "$pid"
rc=$?
ok "SIGTERM with unsaved events: a non-zero exit ($rc)" test "$rc" -ne 0
like "$(tail -n 3 "$T/full.log")" "could not be saved" "and it says what was not saved"
like "$(cat "$T/full.stderr")" "could not be saved to the outbox" "on stderr too"
is "$(sqlite3 "$T/state/socterm.db" 'PRAGMA integrity_check')" ok "the database is not corrupted"

# Space again: what the stream still holds (never acked) arrives, once.
"$SOCTERM" --forward-only --state-dir "$T/state" "${PH[@]}" "${JS[@]}" --log-file "$T/ok.log" &
pid=$!
count() { emu_stats | jq -r '.containers'; }
all() { [ "$(count)" -ge 3000 ]; }
ok "after the disk has room again: all 3000 events in Phantom" wait_for 90 "3000 containers" all
kill -TERM "$pid"
wait "$pid"
is "$(count)" 3000 "each exactly once (3000 containers)"
sdis=$(emu_state | jq '[.containers[].source_data_identifier] | unique | length')
is "$sdis" 3000 "3000 distinct source data identifiers"
done_testing
