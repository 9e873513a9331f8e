#!/usr/bin/env bash
# phantom.t — escalation into Phantom over real HTTP on loopback, against the
# emulator: the client under every fault mode (each ends in exactly one
# delivery or a clear error), duplicates after retries and double
# escalations, TLS verification, kill -9 while sending, grouping.
. "$SOCTERM_SRC/tests/lib/tap.sh"
[ -r "$SOCTERM_SRC/tests/lib/phantom.sh" ] || skip_all "Phantom emulator not in this tree"
. "$SOCTERM_SRC/tests/lib/phantom.sh"
command -v jq >/dev/null || skip_all "jq missing"
[ -x "$SOCTERM_TOOLS/escalate-cli" ] && [ -x "$SOCTERM_TOOLS/phantom-emu" ] || skip_all "tools not built"
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

CLI="$SOCTERM_TOOLS/escalate-cli"
FIX="$SOCTERM_SRC/tests/fixtures/escalate"

# N distinct events derived from the hand-written syscall fixture.
events() { # COUNT [HOST]
	local i
	for ((i = 1; i <= $1; i++)); do
		jq -c --argjson i "$i" --arg h "${2:-host-a}" \
			'.hostname = $h | .output_fields["proc.pid"] = (1000 + $i)
			 | .time = ("2024-05-01T10:00:0" + (($i % 10)|tostring) + ".123456789Z")' \
			"$FIX/syscall.jsonl"
	done
}

n_state=0
new_state() { n_state=$((n_state + 1)); S="$T/state$n_state"; }
run_opts() { printf '%s\n' --url "$EMU_URL" --token-file "$EMU_TOKEN_FILE" --backoff-ms 50,400 \
	--connect-timeout-ms 1000 --timeout-ms 1500; }
cli_run() { # [EXTRA OPTS...] ; output in $OUT, status in $RC
	local opts
	mapfile -t opts < <(run_opts)
	OUT=$("$CLI" --state "$S" "${opts[@]}" "$@" run --timeout 20s 2>&1); RC=$?
}

# containers artifacts notes, then the largest number of copies of one
# container SDI, of one artifact SDI in a container, of one note title.
census() {
	emu_state | jq -r '[(.containers|length), ([.containers[].artifacts[]]|length),
		([.containers[].notes[]]|length),
		([.containers[].source_data_identifier]|group_by(.)|map(length)|max // 0),
		([.containers[] | .id as $c | .artifacts[] | "\($c)/\(.source_data_identifier)"]
			| group_by(.)|map(length)|max // 0),
		([.containers[] | .id as $c | .notes[] | "\($c)/\(.title)"]
			| group_by(.)|map(length)|max // 0)] | map(tostring) | join(" ")'
}

# One escalation of 2 events with an annotation on each, under a fault rule:
# exactly one container, 2 artifacts, 2 notes, no copies.
fault_case() { # NAME RULE
	emu_reset
	emu_fault "$2" >/dev/null || { fail "$1: fault rule refused"; return; }
	new_state
	events 2 | "$CLI" --state "$S" queue --annotate "seen by $1" >/dev/null
	cli_run
	is "$RC" 0 "$1: delivered (rc)"
	is "$(census)" "1 2 2 1 1 1" "$1: exactly one container, its artifacts and notes"
}

emu_start || { fail "emulator start"; exit 1; }

# ---- happy path: mapping on the wire ----
new_state
events 3 | "$CLI" --state "$S" queue --name "Shell in web-1" --case --annotate "confirmed" --author alice >/dev/null
cli_run
is "$RC" 0 "escalation delivered"
like "$OUT" "case esc=1 state=sent container=1 items=3/3 notes=3/3" "case line shows everything sent"
st=$(emu_state)
is "$(jq -r '.containers[0] | [.name, .label, .severity, .sensitivity, .status, .container_type] | join("|")' <<<"$st")" \
	"Shell in web-1|events|medium|amber|new|case" "container fields (promoted to case)"
like "$(jq -r '.containers[0].source_data_identifier' <<<"$st")" '^socterm-[0-9a-f]{32}$' "container SDI"
is "$(jq -r '[.containers[0].artifacts[].run_automation] | map(tostring) | join(",")' <<<"$st")" \
	"false,false,true" "run_automation only on the last artifact"
is "$(jq -r '.containers[0].artifacts[0].cef | [.deviceHostname, .cs1Label, .fileName] | join("|")' <<<"$st")" \
	"host-a|commandLine|shadow" "CEF mapped"
like "$(jq -r '.containers[0].description' <<<"$st")" '^Shell spawned in a container' "description without the Falco prefix"
like "$(jq -r '.containers[0].notes[0].title' <<<"$st")" '^Analyst annotation \(alice\) \[socterm-note:[0-9a-f]+-[0-9a-f]{16}\]$' \
	"note title carries the marker"

# the same events escalated again (double press, or a retry after a lost
# answer): the existing container is reused, nothing is duplicated
events 3 | "$CLI" --state "$S" queue --name "Shell in web-1" --case --annotate "confirmed" --author alice >/dev/null
cli_run
is "$RC" 0 "second escalation of the same events succeeds"
like "$OUT" "case esc=2 state=sent container=1 " "it is linked to the existing container"
is "$(census)" "1 3 3 1 1 1" "no duplicate container, artifact or note"

# an annotation added after sending becomes one more note
"$CLI" --state "$S" annotate "$(events 1 | "$CLI" id)" "second look: benign" >/dev/null
cli_run
is "$(emu_state | jq '[.containers[0].notes[] | select(.content | contains("second look"))] | length')" 1 \
	"a later annotation is sent as a note"

# ---- fault modes ----
fault_case "latency" '{"mode":"latency","ms":300,"count":3}'
fault_case "502 html" '{"mode":"status","status":502,"count":2}'
fault_case "503 on notes" '{"mode":"status","status":503,"count":2,"path":"/rest/note"}'
fault_case "reset" '{"mode":"reset","count":2}'
fault_case "hang" '{"mode":"hang","ms":4000,"count":1}'
# answer slower than the client's timeout: the server creates the container
# after the client gave up; the retry must find it, not make another
fault_case "lost answer" '{"mode":"latency","ms":2500,"count":1,"path":"/rest/container","method":"POST"}'

t0=$(date +%s%N)
fault_case "429" '{"mode":"429","retry_after":1,"count":1}'
ok "429: Retry-After of 1 s honoured" test $(( ($(date +%s%N) - t0) / 1000000 )) -ge 1000

# 200 with failed:true is a refusal: a clear error, nothing created, no retry
emu_reset
emu_fault '{"mode":"failed200","message":"Simulated refusal","count":1}' >/dev/null
new_state
events 1 | "$CLI" --state "$S" queue >/dev/null
cli_run
is "$RC" 1 "failed200: reported as failed"
like "$OUT" "case esc=1 state=failed .*error=HTTP 200: Simulated refusal" "failed200: Phantom's message shown"
is "$(census)" "0 0 0 0 0 0" "failed200: nothing created"
"$CLI" --state "$S" retry 1 >/dev/null
cli_run
is "$RC" 0 "failed200: delivered after the analyst retries"
is "$(census)" "1 1 0 1 1 0" "failed200: exactly one container after the retry"

# validation error from Phantom: permanent, message surfaced
emu_reset
new_state
events 1 | "$CLI" --state "$S" queue --severity bogus >/dev/null
cli_run
like "$OUT" "state=failed .*error=HTTP 400: .*Severity matching query does not exist" "unknown severity: Phantom's message"
is "$(emu_state | jq '.counters.routes["POST /rest/container"]')" 1 "permanent error is not retried"

# bad token: auth failure, not retried
emu_reset
new_state
events 1 | "$CLI" --state "$S" queue >/dev/null
printf 'wrong-token\n' >"$T/badtoken"
OUT=$("$CLI" --state "$S" --url "$EMU_URL" --token-file "$T/badtoken" run --timeout 10s 2>&1); RC=$?
is "$RC" 1 "bad token: failed"
like "$OUT" "error=SOAR auth failed \(HTTP 401\)" "bad token: clear auth error"
unlike "$OUT" "wrong-token" "the token never appears in output"
is "$(emu_state | jq '.counters.requests')" 1 "auth failure is not retried"

# Basic auth
emu_reset
new_state
events 1 | "$CLI" --state "$S" queue >/dev/null
OUT=$("$CLI" --state "$S" --url "$EMU_URL" --user "$EMU_USER" --password-file "$EMU_PASSWORD_FILE" run --timeout 10s 2>&1); RC=$?
is "$RC" 0 "HTTP Basic auth delivers"

# no Phantom configured: the escalation stays queued, then goes
emu_reset
new_state
events 1 | "$CLI" --state "$S" queue >/dev/null
OUT=$("$CLI" --state "$S" run --timeout 1s 2>&1); RC=$?
is "$RC" 2 "without Phantom: still queued"
like "$OUT" "case esc=1 state=queued" "without Phantom: a local case"
cli_run
is "$RC" 0 "sent once Phantom is configured"

# ---- grouping (--forward-only batch path) and existing containers ----
emu_reset
new_state
events 3 | "$CLI" --state "$S" queue --batch --group-window 1h >/dev/null
cli_run
is "$(census)" "1 3 0 1 1 0" "batch: one group, one container with 3 artifacts"
jq -c '.output_fields["proc.pid"] = 4242' "$FIX/syscall.jsonl" | "$CLI" --state "$S" queue --batch --group-window 1h >/dev/null
cli_run
is "$(census)" "1 4 0 1 1 0" "batch: a late event of the group goes to the sent container"
is "$(emu_state | jq -r '.containers[0].artifacts[3].run_automation')" true "the added artifact runs automation"
events 2 host-z | "$CLI" --state "$S" queue --batch --group-window 1h >/dev/null
cli_run
is "$(census | cut -d' ' -f1,2)" "2 6" "batch: another host is another container"
events 3 host-q | "$CLI" --state "$S" queue --existing 1 >/dev/null
cli_run
cli_run
is "$(emu_state | jq '.containers[0].artifacts | length')" 7 "existing container: artifacts added once"

# ---- kill -9 while sending, then resume: everything exactly once ----
emu_reset
emu_fault '{"mode":"latency","ms":120,"count":100000}' >/dev/null
new_state
for h in k1 k2 k3 k4 k5 k6; do
	events 2 "$h" | "$CLI" --state "$S" queue --case --annotate "note for $h" >/dev/null
done
mapfile -t opts < <(run_opts)
kills=0
for delay in 0.15 0.4 0.25 0.7 0.33 0.55; do
	"$CLI" --state "$S" "${opts[@]}" run --timeout 20s >"$T/kill.out" 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
done
ok "killed the forwarder several times mid-way ($kills)" test "$kills" -ge 4
emu_clear_faults
cli_run
is "$RC" 0 "after the kills, a restart finishes the outbox"
is "$(census)" "6 12 12 1 1 1" "kill -9: every container, artifact and note exactly once"
is "$(emu_state | jq '[.containers[] | select(.container_type == "case")] | length')" 6 "kill -9: all promoted"

# ---- TLS ----
emu_stop
emu_start --tls || { fail "emulator TLS start"; exit 1; }
new_state
events 1 | "$CLI" --state "$S" queue >/dev/null
OUT=$("$CLI" --state "$S" --url "$EMU_URL" --token-file "$EMU_TOKEN_FILE" run --timeout 10s 2>&1); RC=$?
is "$RC" 1 "TLS verify on, unknown CA: refused"
like "$OUT" "state=failed .*TLS verification failed: .*certificate" "TLS failure explained"
is "$(census)" "0 0 0 0 0 0" "nothing sent without verification"
"$CLI" --state "$S" retry 1 >/dev/null
OUT=$("$CLI" --state "$S" --url "$EMU_URL" --token-file "$EMU_TOKEN_FILE" --ca "$EMU_CA" run --timeout 10s 2>&1); RC=$?
is "$RC" 0 "TLS with the CA file: delivered"
new_state
events 1 host-tls | "$CLI" --state "$S" queue >/dev/null
OUT=$("$CLI" --state "$S" --url "$EMU_URL" --token-file "$EMU_TOKEN_FILE" --insecure run --timeout 10s 2>&1); RC=$?
is "$RC" 0 "TLS verification off (explicit): delivered"
new_state
events 1 host-name | "$CLI" --state "$S" queue >/dev/null
OUT=$("$CLI" --state "$S" --url "https://localhost:$EMU_PORT" --token-file "$EMU_TOKEN_FILE" --ca "$EMU_CA" run --timeout 10s 2>&1); RC=$?
is "$RC" 0 "TLS by host name in the certificate: delivered"
is "$(census)" "3 3 0 1 1 0" "TLS: one container per escalation"

done_testing
