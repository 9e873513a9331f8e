#!/usr/bin/env bash
# forward.t — `socterm --forward-only` as a daemon and as a backfill tool,
# against the Phantom emulator over real HTTP: backfill from a file and from
# stdin exits 0 once delivered (and a re-run sends nothing twice), --filter,
# --group-window, SIGTERM/SIGINT finish the request in flight and exit 0,
# SIGHUP reloads the filter (a bad one is refused), no secret reaches the
# logs, the state directory or the environment, --status shows the live
# counters, refused credentials exit 77 without losing events, and events
# Phantom refuses for good make a backfill exit 65; attacker-controlled NUL
# and lone surrogates cannot keep an alert out of Phantom.
. "$SOCTERM_SRC/tests/lib/tap.sh"
[ -r "$SOCTERM_SRC/tests/lib/phantom.sh" ] || skip_all "Phantom emulator not in this tree"
. "$SOCTERM_SRC/tests/lib/phantom.sh"
command -v jq >/dev/null || skip_all "jq missing"
[ -x "$SOCTERM_TOOLS/phantom-emu" ] && [ -x "$SOCTERM_TOOLS/falcogen" ] || skip_all "tools not built"
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost


SD=$(mktemp -d /dev/shm/socterm-test.XXXXXX 2>/dev/null) && at_exit "rm -rf '$SD'" || SD=$T
emu_start || { fail "emulator"; exit 1; }
in_emu() { emu_get "/rest/container?page_size=1" 2>/dev/null | jq -r '.count // 0' 2>/dev/null || echo 0; }
emu_has() { [ "$(in_emu)" -ge "$1" ]; }
gen() { "$SOCTERM_TOOLS/falcogen" --sidekick --start 2026-02-01T00:00:00Z "$@"; }
# fwd STATE [options]: the forwarder on state dir $SD/STATE, output in $OUT, status in $RC.
PH=(--phantom-url "$EMU_URL" --phantom-token-file "$EMU_TOKEN_FILE" --retry-max 200ms
    --phantom-timeout 3s --phantom-connect-timeout 1s)
fwd() { local s=$1; shift; OUT=$("$SOCTERM" --forward-only --state-dir "$SD/$s" "${PH[@]}" "$@" 2>&1 </dev/null); RC=$?; }
status_of() { jq -r "$2" "$SD/$1/status.json" 2>/dev/null; }

# ---- backfill from a file, again, and from stdin ----
gen --seed 1 --count 200 --out "$T/200.jsonl"
fwd back "$T/200.jsonl"
is "$RC" 0 "backfill: exit 0 once delivered"
is "$(in_emu)" 200 "backfill: 200 containers"
like "$OUT" "event=input_done events=200" "log says when the input is done"
fwd back "$T/200.jsonl"
is "$RC" 0 "backfill again: exit 0"
is "$(status_of back .counters.deduplicated)/$(in_emu)" "200/200" "re-run: all 200 deduplicated, nothing sent twice"
OUT=$(gen --seed 2 --count 50 | "$SOCTERM" --forward-only --state-dir "$SD/back" "${PH[@]}" - 2>&1); RC=$?
is "$RC/$(in_emu)" "0/250" "backfill from stdin (no tty): exit 0, 50 more"

# ---- --filter ----
emu_reset
gen --seed 3 --count 300 --out "$T/300.jsonl"
want=$(jq -r 'select(.priority|test("^(Emergency|Alert|Critical|Error)$"))' "$T/300.jsonl" | jq -s length)
fwd filt --filter 'priority>=error' "$T/300.jsonl"
is "$RC/$(in_emu)" "0/$want" "--filter 'priority>=error': only the $want matching events"
is "$(status_of filt .counters.filtered)" "$((300 - want))" "the others counted as filtered"

# ---- --group-window: same rule + host + container fold into one container ----
emu_reset
for i in $(seq 1 30); do
	jq -c --argjson i "$i" '.uuid = ("00000000-0000-4000-8000-" + ("%012d" | sub("%012d"; ($i|tostring) | ("000000000000" + .)[-12:])))
		| .hostname = ("host-" + (($i % 3)|tostring)) | .output_fields["proc.pid"] = $i' \
		"$SOCTERM_SRC/tests/fixtures/escalate/syscall.jsonl"
done > "$T/group.jsonl"
fwd group --group-window 1h "$T/group.jsonl"
st=$(emu_state)
is "$RC/$(jq '.containers|length' <<<"$st")/$(jq '[.containers[].artifacts[]]|length' <<<"$st")" "0/3/30" \
	"--group-window: 30 events of 3 hosts -> 3 containers holding 30 artifacts"

# ---- a daemon on a growing file: signals, reload, status, secrets ----
emu_reset
CONF="$T/socterm.conf"
echo 'filter = rule = "Terminal shell in container"' > "$CONF"
: > "$T/live.jsonl"
SECRET_PW="pw-$RANDOM-$RANDOM-planted"
start_daemon() { # name [options]
	local s=$1; shift
	env -u EMU_TOKEN -u EMU_PASSWORD PHANTOM_TOKEN="$EMU_TOKEN" PHANTOM_PASSWORD="$SECRET_PW" PHANTOM_USER=u \
		"$SOCTERM" --forward-only --config "$CONF" --state-dir "$SD/$s" --follow \
		--phantom-url "$EMU_URL" --retry-max 200ms --phantom-timeout 5s --stats-interval 1s \
		"$@" "$T/live.jsonl" 2>>"$T/$s.log" &
	DPID=$!
	at_exit "kill -9 $DPID 2>/dev/null"
}
ready() { [ "$(status_of "$1" ".pid == $DPID and .running")" = true ]; }
shell=$(jq -c '.uuid = "11111111-1111-4111-8111-000000000001"' "$SOCTERM_SRC/tests/fixtures/escalate/syscall.jsonl")
other=$(jq -c '.uuid = "11111111-1111-4111-8111-000000000002" | .rule = "Read sensitive file untrusted"' \
	"$SOCTERM_SRC/tests/fixtures/escalate/syscall.jsonl")
start_daemon live --log-format json
ok "daemon up" wait_for 10 "status.json" ready live
printf '%s\n%s\n' "$shell" "$other" >> "$T/live.jsonl"
ok "filter from the config file: the shell event is sent" wait_for 10 "1 container" emu_has 1
rec() { [ "$(status_of live .counters.received)" -ge "$1" ]; }
wait_for 10 "2 received" rec 2
is "$(status_of live .counters.filtered)" 1 "the other rule is filtered out"
st=$("$SOCTERM" --status --state-dir "$SD/live"); rc=$?
is "$rc" 0 "--status: exit 0 while running"
like "$st" "forwarder: running, pid $DPID" "--status: running, with its pid"
like "$st" "received 2, filtered out 1, queued 1" "--status: live counters"
like "$st" "outbox: 0 queued, 0 sending, 1 sent" "--status: outbox counts"

echo 'filter = rule = "Read sensitive file untrusted"' > "$CONF"
kill -HUP "$DPID"
reloaded() { grep -q '"event":"reloaded"' "$T/live.log"; }
ok "SIGHUP: configuration re-read" wait_for 10 "reload logged" reloaded
printf '%s\n' "$(jq -c '.uuid = "11111111-1111-4111-8111-000000000003"' <<<"$other")" \
	"$(jq -c '.uuid = "11111111-1111-4111-8111-000000000004"' <<<"$shell")" >> "$T/live.jsonl"
ok "SIGHUP: the new filter applies" wait_for 10 "2 containers" emu_has 2
wait_for 10 "4 received" rec 4
is "$(emu_state | jq -r '[.containers[].name] | sort | join(",")')" \
	"Read sensitive file untrusted,Terminal shell in container" "one event of each rule, as filtered"
echo 'filter = (priority >= error' > "$CONF"
kill -HUP "$DPID"
refused() { grep -q '"event":"reload_failed"' "$T/live.log"; }
ok "SIGHUP with a bad filter: refused and logged" wait_for 10 "reload_failed" refused
printf '%s\n' "$(jq -c '.uuid = "11111111-1111-4111-8111-000000000005"' <<<"$other")" >> "$T/live.jsonl"
ok "the old filter stays in force" wait_for 10 "3 containers" emu_has 3

ok "the daemon's environment holds no secret" sh -c "! grep -qa -e '$EMU_TOKEN' -e '$SECRET_PW' /proc/$DPID/environ"
# SIGTERM while a request is in flight: it finishes, then exit 0.
emu_fault '{"mode":"latency","ms":1500,"method":"POST","count":1}' >/dev/null
printf '%s\n' "$(jq -c '.uuid = "11111111-1111-4111-8111-000000000006"' <<<"$other")" >> "$T/live.jsonl"
sending() { [ "$(status_of live .unsent)" = 1 ]; }
wait_for 10 "request started" sending
kill -TERM "$DPID"; wait "$DPID"; rc=$?
is "$rc" 0 "SIGTERM: exit 0"
is "$(in_emu)" 4 "SIGTERM: the request in flight was finished"
like "$("$SOCTERM" --status --state-dir "$SD/live")" "outbox: 0 queued, 0 sending, 4 sent" \
	"SIGTERM: and recorded as sent"
"$SOCTERM" --status --state-dir "$SD/live" >/dev/null; is "$?" 69 "--status: exit 69 when not running"
while IFS= read -r line; do jq -e . >/dev/null <<<"$line" || { fail "log line is JSON" "$line"; break; }; done < "$T/live.log"
pass "--log-format json: every line is a JSON object"
like "$(grep '"event":"stats"' "$T/live.log" | tail -1)" \
	'"received":"6","forwarded":"[0-9]+",.*"queue":"[0-9]+","lag":"[0-9.]+s"' "stats line with counters and lag"
start_daemon bad
wait "$DPID"; is "$?" 78 "a filter that does not compile at start: exit 78"
echo 'filter =' > "$CONF"
start_daemon live2
wait_for 10 "daemon up" ready live2
kill -INT "$DPID"; wait "$DPID"
is "$?" 0 "SIGINT: exit 0"
secrets=$(grep -rla -e "$EMU_TOKEN" -e "$SECRET_PW" "$T"/*.log "$SD" 2>/dev/null)
is "$secrets" "" "no secret in any log or state file"

# ---- credentials refused: exit 77, events kept for the next start ----
emu_reset
(umask 077; echo "wrong-token-$RANDOM" > "$T/bad-token")
OUT=$("$SOCTERM" --forward-only --state-dir "$SD/auth" --phantom-url "$EMU_URL" \
	--phantom-token-file "$T/bad-token" "$T/200.jsonl" 2>&1 </dev/null); RC=$?
is "$RC" 77 "401 from Phantom: exit 77"
like "$OUT" "refused the credentials" "with a clear message"
like "$("$SOCTERM" --status --state-dir "$SD/auth")" "outbox: 200 queued, 0 sending, 0 sent, 0 failed" \
	"the events stay queued"
fwd auth "$T/200.jsonl"
is "$RC/$(in_emu)" "0/200" "fixed credentials: everything delivered on the next run"

# ---- refused for good: the backfill says so ----
emu_reset
emu_fault '{"mode":"failed200","message":"Severity matching query does not exist.","method":"POST","count":1}' >/dev/null
gen --seed 9 --count 5 --out "$T/5.jsonl"
fwd perm "$T/5.jsonl"
is "$RC" 65 "a backfill with an event Phantom refused: exit 65"
like "$OUT" "1 escalations were refused by Phantom" "and says how many"

# ---- hostile bytes: a NUL (which Phantom's database refuses) or a lone
# surrogate (which strict JSON refuses) in a field still makes a proper
# container with the event's own severity ----
emu_reset
fwd hostile "$SOCTERM_SRC/tests/fixtures/escalate/hostile.jsonl"
is "$RC" 0 "NUL and lone surrogate: backfill delivered, exit 0"
unlike "$OUT" "event=failed" "nothing refused by Phantom"
st=$(emu_state)
sev() { jq -r --arg n "$1" '[.containers[] | select(.name == $n) | .severity] | join(",")' <<<"$st"; }
is "$(sev "Read sensitive file untrusted")" "low" "NUL in the command line: its container, Notice -> low"
is "$(sev "Terminal shell in container")" "high" "lone surrogate: its container, Emergency -> high (not 'Unparsed event')"
is "$(sev "Unparsed event")" "" "no unparsed record sent"
cs1() { jq -r --arg n "$1" '.containers[] | select(.name == $n) | .artifacts[0].cef.cs1' <<<"$st"; }
is "$(cs1 "Read sensitive file untrusted")" $'cat /etc/shadow\uFFFD --hidden-arg' "NUL shown as U+FFFD in the CEF"
is "$(cs1 "Terminal shell in container")" $'bash -il \uFFFDx\uFFFD' "lone surrogates shown as U+FFFD in the CEF"
raw=$(jq -r '.containers[] | select(.name == "Read sensitive file untrusted") | .artifacts[0].data["socterm.raw"]' <<<"$st")
is "$raw" "$(head -n 1 "$SOCTERM_SRC/tests/fixtures/escalate/hostile.jsonl")" "the original line goes along in socterm.raw"
# every kind of hostile event: only the malformed lines become unparsed records
emu_reset
"$SOCTERM_TOOLS/falcogen" --hostile-only --count 46 --seed 7 --stats --out "$T/hostile.jsonl" 2>"$T/hostile.stats"
malformed=$(grep -o "malformed=[0-9]*" "$T/hostile.stats" | tail -1 | cut -d= -f2)
fwd hostile2 "$T/hostile.jsonl"
st=$(emu_state)
is "$RC/$(jq '.containers|length' <<<"$st")" "0/46" "--hostile-only: exit 0, 46 containers"
is "$(jq '[.containers[] | select(.name == "Unparsed event")] | length' <<<"$st")" "$malformed" \
	"unparsed records: only the $malformed malformed lines"
is "$(jq '[.containers[] | select(.name | test("NUL|lone surrogate"))] | length' <<<"$st")" 4 \
	"NUL and lone surrogate events arrive under their own rule"
done_testing
