#!/bin/bash
# Escalation from the real console into the Phantom emulator over real HTTP:
# the dialog shows what goes and queues it, the emulator gets exactly one
# container with one artifact per event, the event and the cases view show
# the state and the link; Phantom down, then back; a 502 page during the
# send; no Phantom configured (kept locally, sent by a later start); quit
# with work queued; kill -9 while sending; two consoles on one state
# directory (the one that does not send follows the other's progress);
# attempts counted across retries; TLS verification.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"
[ -r "$SOCTERM_SRC/tests/lib/phantom.sh" ] || skip_all "Phantom emulator not in this tree"
. "$SOCTERM_SRC/tests/lib/phantom.sh"
command -v jq >/dev/null || skip_all "jq missing"
[ -x "$SOCTERM_TOOLS/phantom-emu" ] && [ -x "$SOCTERM_TOOLS/escalate-cli" ] || skip_all "tools not built"
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# Events with falcosidekick uuids: the uuid is the event id and the SDI.
uuid() { printf '11111111-2222-4333-8444-5555555555%02d' "$1"; }
ev() { # n rule priority
	printf '{"uuid":"%s","hostname":"node-%d","output":"10:00:%02d.000000000: %s %s (user=root n=%d)","priority":"%s","rule":"%s","source":"syscall","tags":["container"],"time":"2024-05-01T10:00:%02d.000000000Z","output_fields":{"container.name":"web","user.name":"root","n":%d}}\n' \
		"$(uuid "$1")" "$1" "$1" "$3" "$2" "$1" "$3" "$2" "$1" "$1"
}
F="$T/events.jsonl"
{
	ev 1 "Terminal shell in container" Warning
	ev 2 "Read sensitive file untrusted" Critical
	ev 3 "Write below etc" Error
	ev 4 "Launch privileged container" Notice
	ev 5 "Outbound connection to C2" Alert
	ev 6 "Modify binary dirs" Error
} > "$F"

n_state=0
new_state() { n_state=$((n_state + 1)); S="$T/state$n_state"; }
# The console on the fixture with its own state dir and short Phantom
# timeouts; extra arguments go first.
console() {
	tui_start -x 140 -y 40 -- --state-dir "$S" --phantom-timeout 1500ms \
		--phantom-connect-timeout 1s --retry-max 1s "$@" "$F"
	tui_wait "6 total" >/dev/null
}
with_phantom() { console --phantom-url "$EMU_URL" --phantom-token-file "$EMU_TOKEN_FILE" "$@"; }
containers() { emu_count containers; }
has_containers() { [ "$(containers)" = "$1" ]; }
# the sorted artifact SDIs of container INDEX, comma-separated
artifact_sdis() { emu_state | jq -r "[.containers[$1].artifacts[].source_data_identifier] | sort | join(\",\")"; }
artifacts_are() { [ "$(artifact_sdis "$1")" = "$2" ]; }
# notes_are INDEX N: container INDEX has N notes
notes_are() { [ "$(emu_state | jq ".containers[$1].notes | length")" = "$2" ]; }
# how many cases-view rows match RE
rows_are() { [ "$(tui_screen | grep -cE -- "$1")" = "$2" ]; }
# select event n (1 = oldest)
pick() { tui_keys g; local i; for ((i = 1; i < $1; i++)); do tui_keys j; done; }
quit() { tui_keys q; wait_for 10 "socterm exits" tui_dead; }
# escalate the selected event as it is proposed
escalate() { tui_keys e; tui_wait "Escalate to Phantom" >/dev/null; tui_keys Enter; tui_wait_gone "Escalate to Phantom" >/dev/null; }
# containers artifacts notes, then the most copies of one container SDI and
# of one artifact SDI within a container
census() {
	emu_state | jq -r '[(.containers|length), ([.containers[].artifacts[]]|length),
		([.containers[].notes[]]|length),
		([.containers[].source_data_identifier]|group_by(.)|map(length)|max // 0),
		([.containers[] | .id as $c | .artifacts[] | "\($c)/\(.source_data_identifier)"]
			| group_by(.)|map(length)|max // 0)] | map(tostring) | join(" ")'
}

emu_start || { fail "emulator start"; exit 1; }

# ---- one event: the dialog, the wire, the state on screen ----------------------
new_state
with_phantom
ok "status bar: Phantom configured and idle" tui_wait "Phantom ok"
pick 2
tui_keys e
ok "dialog: count, kind and name" tui_wait '1 event -> new event "Read sensitive file untrusted"'
ok "dialog: severity from the priority, label, sensitivity, type" \
	tui_wait "severity high, label events, sensitivity amber, container type default"
ok "dialog: where it goes" tui_wait "Phantom     $EMU_URL"
tui_keys C-u
tui_type "Shadow read on node-2"
ok "dialog: the name is edited" tui_wait '1 event -> new event "Shadow read on node-2"'
tui_keys Tab Right
ok "dialog: severity changed" tui_wait "severity medium, label events"
tui_keys Tab Right
ok "dialog: escalate as a case" tui_wait '1 event -> new case "Shadow read on node-2"'
is "$(containers)" 0 "nothing is sent before the analyst confirms"
tui_keys Enter
ok "queued, said in the message line" tui_wait 'escalation #1 queued: 1 event -> new case "Shadow read on node-2"'
ok "the emulator gets the container" wait_for 10 "a container" has_containers 1
st=$(emu_state)
is "$(jq -r '.containers[0] | [.name, .severity, .label, .sensitivity, .container_type] | join("|")' <<<"$st")" \
	"Shadow read on node-2|medium|events|amber|case" "container as shown in the dialog"
is "$(jq -r '[.containers[0].artifacts[].source_data_identifier] | join(",")' <<<"$st")" "$(uuid 2)" \
	"one artifact, its SDI the event id"
ok "the timeline marks the event sent" tui_wait_re "10:00:02\\.000 +\\^ *CRIT"
tui_keys Enter
ok "the detail pane says sent #1" tui_wait "escalation                #1 sent #1"
ok "and links to the container" tui_wait "$EMU_URL/mission/1"
tui_keys Enter c
ok "cases view: the escalation, sent, with its link" \
	tui_wait_re "^ +1 \\^ sent +#1 +1/1 +1 +- +Shadow read on node-2 +$EMU_URL/mission/1"
ok "cases view: its own keys on the hint line" tui_wait "Enter details  r retry  x cancel"
tui_keys Enter
ok "cases view: details on Enter" tui_wait "1 of 1 sent"
tui_keys c
ok "c goes back to the timeline" tui_wait "Launch privileged container"

# the same event escalated again goes to the same container (same SDI)
pick 2
tui_keys e
ok "dialog: says the event is already in an escalation" tui_wait "1 of 1 already in escalation #1: sent"
tui_keys Enter
tui_wait_gone "Escalate to Phantom" >/dev/null
tui_keys Enter
ok "second escalation of the same event: sent" tui_wait "#2 sent #1"
tui_keys Enter
is "$(census)" "1 1 0 1 1" "no duplicate container or artifact"

# into an existing container by id
pick 3
tui_keys e
tui_wait "Escalate to Phantom" >/dev/null
tui_keys Up Right
ok "dialog: existing container" tui_wait "add to Phantom container #?"
tui_type "1x"
ok "dialog: the id, typed straight after choosing existing (digits only)" tui_wait "1 event -> add to Phantom container #1"
tui_keys Enter
ok "added to container #1" wait_for 10 "artifact added" artifacts_are 0 "$(uuid 2),$(uuid 3)"
is "$(containers)" 1 "no new container"

# Esc cancels: nothing queued
pick 4
tui_keys e
tui_wait "Escalate to Phantom" >/dev/null
tui_keys Escape
ok "Esc closes the dialog" tui_wait "escalation cancelled: nothing queued"
tui_keys c
ok "cases view: three escalations, none for the cancelled dialog" tui_wait_re "^ +3 "
ok "cases view: no fourth" bash -c "! tmux -L $TUI_SOCK capture-pane -p -t t | grep -qE '^ +4 '"
tui_keys c

# a marked set, one of them annotated: one container, an artifact per event,
# a note for the annotation; a later annotation becomes one more note
pick 4
tui_keys a
tui_type "seen twice today"
tui_keys Enter
tui_wait "annotated 1 event" >/dev/null
tui_keys Space Space
ok "two events marked" tui_wait "2 marked"
tui_keys e
ok "dialog: the marked events" tui_wait '2 events -> new event "Launch privileged container"'
ok "dialog: severity of the most severe (Alert)" tui_wait "severity high, label events"
ok "dialog: the annotation goes as a note" tui_wait "1 annotated event: its annotation goes as a note"
tui_keys Enter
ok "the marked set is sent as one container" wait_for 10 "second container" has_containers 2
is "$(artifact_sdis 1)" "$(uuid 4),$(uuid 5)" "one artifact per event, SDI = event id"
ok "the annotation arrives as a note" wait_for 10 "a note" notes_are 1 1
like "$(emu_state | jq -r '.containers[1].notes[0].content')" "seen twice today" "the note carries the text"
ok "both events show it" tui_wait_re "10:00:05\\.000 \\* ?\\^ *ALRT"
tui_keys U
pick 5
tui_keys a
tui_type "also bad"
tui_keys Enter
ok "annotating an escalated event sends one more note" wait_for 10 "two notes" notes_are 1 2
tui_keys c
ok "cases view: the set, re-sent for the note" tui_wait_re "^ +4 \\^ sent +#2 +2/2 "
tui_keys c
quit
is "$(tui_status)" 0 "quit without asking when nothing is pending"

# ---- Phantom down, then back --------------------------------------------------
emu_reset
emu_stop
new_state
with_phantom
pick 1
escalate
tui_keys Enter
ok "Phantom down: waiting for a retry, the reason shown" \
	tui_wait_re "#1 retry at [0-9:]{8} \\(attempt [0-9]+ failed\\): .*(connect|refused)" 15
ok "the timeline marks it R" tui_wait_re "10:00:01\\.000 +R *WARN"
ok "status bar: backing off" tui_wait_re "Phantom: 1 queued.*backing off until [0-9:]{8}"
tui_keys Enter c
ok "cases view: retry, attempts, next retry and error" \
	tui_wait_re "^ +1 R retry +- +0/1 +[1-9][0-9]* +[0-9:]{8} +Terminal shell in contai.* (connect|refused)"
tui_keys c
pick 2
escalate
tui_keys c
ok "a second escalation waits too" tui_wait_re "^ +2 [QRS] "
tui_keys k x
ok "x asks before cancelling" tui_wait "Cancel escalation #2 (1 event, not yet sent)? y/n"
tui_keys y
ok "cancelled" tui_wait_re "^ +2 +cancelled "
tui_keys c
ok "the cancelled event loses its marker" tui_wait_re "10:00:02\\.000    CRIT"
emu_start || { fail "emulator restart"; exit 1; }
tui_keys :
tui_type "retry 1"
tui_keys Enter
ok ":retry ID" tui_wait "escalation #1: retrying now"
tui_keys c
ok "Phantom back: sent" tui_wait_re "^ +1 \\^ sent +#1 " 20
is "$(census)" "1 1 0 1 1" "Phantom down then back: exactly once, nothing of the cancelled one"
tui_keys c :
tui_type "cancel 1"
tui_keys Enter
ok ":cancel of a sent escalation is refused" tui_wait "already sent"
tui_keys Escape
tui_wait_gone "already sent" >/dev/null
tui_keys :
tui_type "retry 99"
tui_keys Enter
ok ":retry of an escalation that does not exist says so" tui_wait "no escalation 99"
tui_keys Escape
tui_wait_gone "no escalation 99" >/dev/null
quit

# ---- a proxy error page during the send ----------------------------------------
emu_reset
emu_fault '{"mode":"status","status":502,"count":2}' >/dev/null
new_state
with_phantom
pick 5
escalate
tui_keys c
ok "502 page: retried, then sent, the three attempts kept" tui_wait_re "^ +1 \\^ sent +#1 +1/1 +3 " 20
tui_keys Enter
ok "the details keep the attempts too" tui_wait_re "attempts +3"
tui_keys Enter
is "$(census)" "1 1 0 1 1" "502 during the send: one delivery"
is "$(emu_state | jq '.counters.routes["POST /rest/container"]')" 3 "the create was tried three times"
tui_keys c
quit

# ---- no Phantom configured: kept locally; quit asks; sent by the next start ----
emu_reset
new_state
console
ok "status bar: no Phantom" tui_wait_re "\\| no Phantom *$"
pick 6
tui_keys e
ok "dialog says it stays local" tui_wait "not configured: kept locally"
tui_keys Enter
ok "queued locally" tui_wait "(kept locally: no Phantom configured)"
ok "status bar counts it" tui_wait "no Phantom: 1 kept locally"
tui_keys c
ok "cases view lists it, queued" tui_wait_re "^ +1 Q queued +- +0/1 +0 +- +Modify binary dirs"
tui_keys c :
tui_type "cases-export $T/cases.jsonl"
tui_keys Enter
ok ":cases-export writes the local cases" tui_wait "1 escalation written to $T/cases.jsonl"
is "$(jq -r '[.escalation, .state, .kind, .container.name, .container.severity,
	([.container.artifacts[].source_data_identifier] | join(","))] | map(tostring) | join("|")' "$T/cases.jsonl")" \
	"1|queued|new|Modify binary dirs|medium|$(uuid 6)" "the file holds the container Phantom would get"
is "$(stat -c %a "$T/cases.jsonl")" 600 "the file is private"
tui_keys :
tui_type "cases-export $T/cases.jsonl"
tui_keys Enter
ok "an existing file is not replaced" tui_wait "cases.jsonl exists: nothing written"
tui_keys Escape
tui_wait_gone "nothing written" >/dev/null
tui_keys q
ok "quit asks first" tui_wait "1 escalation not yet sent: it will resume at next start. Quit? y/n"
tui_keys n
ok "n: still running" tui_wait_gone "Quit? y/n"
tui_keys q
tui_wait "Quit? y/n" >/dev/null
tui_keys y
ok "y: quits" wait_for 10 "exit" tui_dead
is "$(tui_status)" 0 "exit status 0"
is "$(containers)" 0 "nothing was sent without a Phantom"
tui_start -x 140 -y 40 -e "PHANTOM_BASE_URL=$EMU_URL" -- --state-dir "$S" \
	--phantom-token-file "$EMU_TOKEN_FILE" "$F"
ok "next start with PHANTOM_BASE_URL: the local case is sent" \
	wait_for 15 "sent" has_containers 1
is "$(emu_state | jq -r '.containers[0].artifacts[0].source_data_identifier')" "$(uuid 6)" "the right event"
ok "the event shows it" tui_wait_re "10:00:06\\.000 +\\^ *ERR "
quit

# ---- quit while sending, resume at the next start ------------------------------
emu_reset
emu_fault '{"mode":"latency","ms":1200,"count":1000}' >/dev/null
new_state
with_phantom --phantom-timeout 5s
for i in 1 2 3; do pick $i; escalate; done
tui_keys q
ok "quit with work in flight asks" tui_wait_re "[1-3] escalations? not yet sent"
tui_keys y
ok "y quits" wait_for 15 "exit" tui_dead
emu_clear_faults
with_phantom
tui_keys c
ok "restart: everything sent" wait_for 20 "three sent" rows_are '^ +[1-3] \^ sent' 3
is "$(census)" "3 3 0 1 1" "quit and resume: each exactly once"
tui_keys c
quit

# ---- kill -9 of the console while sending ---------------------------------------
emu_reset
emu_fault '{"mode":"latency","ms":150,"count":100000}' >/dev/null
new_state
# annotations made earlier (read from the state dir at start) go as notes
for i in 1 2 3 4 5 6; do
	"$SOCTERM_TOOLS/escalate-cli" --state "$S" annotate "$(uuid $i)" "seen on node-$i" >/dev/null
done
with_phantom
ok "annotations from the state dir are shown" tui_wait_re "10:00:03\.000 +\+ *ERR"
for i in 1 2 3 4 5 6; do pick $i; escalate; done
kills=0
for delay in 0.2 0.5 0.3; do
	sleep "$delay"
	kill -9 "$(tui_pid)" 2>/dev/null && kills=$((kills + 1))
	wait_for 5 "dead" tui_dead
	with_phantom
done
kill -9 "$(tui_pid)" 2>/dev/null && kills=$((kills + 1))
ok "killed the console mid-way ($kills times)" test "$kills" -ge 3
before=$(containers)
reqs=$(emu_state | jq '.counters.requests')
ok "the killed consoles were sending ($reqs requests, $before of 6 containers)" \
	test "$reqs" -gt 0 -a "$before" -lt 6
emu_clear_faults
with_phantom
tui_keys c
ok "after the kills, a restart sends the rest" wait_for 30 "six sent" rows_are '^ +[1-6] \^ sent' 6
is "$(census)" "6 6 6 1 1" "kill -9: every escalation, artifact and note exactly once"
is "$(emu_state | jq -r '[.containers[].notes[].content | select(contains("seen on node-"))] | length')" 6 \
	"the notes carry the annotations"
tui_keys c
quit

# ---- another process holds the outbox: this console only queues ----------------
emu_reset
new_state
ev 7 "Queued elsewhere" Warning | "$SOCTERM_TOOLS/escalate-cli" --state "$S" queue >/dev/null
"$SOCTERM_TOOLS/escalate-cli" --state "$S" run --timeout 60s >/dev/null 2>&1 &
holder=$!
at_exit "kill $holder 2>/dev/null"
wait_for 5 "the other forwarder holds the lock" fuser -s "$S/forwarder.lock" 2>/dev/null
with_phantom
ok "status bar: another socterm sends" tui_wait "Phantom: 1 queued, another socterm sends them"
pick 1
escalate
ok "our escalation is counted" tui_wait "Phantom: 2 queued, another socterm sends them"
is "$(containers)" 0 "nothing sent while the other one holds the outbox"
kill "$holder"
wait "$holder" 2>/dev/null
tui_keys q
tui_wait "2 escalations not yet sent" >/dev/null
tui_keys y
wait_for 10 "exit" tui_dead
with_phantom
ok "once it is gone, the next start sends both" wait_for 15 "two containers" has_containers 2
quit

# ---- two consoles on one state directory: the second follows the first's sending ----
emu_reset
new_state
# The first console, in a tmux server of its own (tmux.sh drives one): it
# holds the outbox and sends.
A_SOCK="socterm-test-$$-first"
tmux -L "$A_SOCK" -f /dev/null new-session -d -s a -x 140 -y 40 \
	"env TERM=xterm-256color LC_ALL=C.UTF-8 $(printf '%q ' "$SOCTERM" --state-dir "$S" \
	--phantom-url "$EMU_URL" --phantom-token-file "$EMU_TOKEN_FILE" "$F")"
at_exit "tmux -L $A_SOCK kill-server 2>/dev/null"
ok "the first console holds the outbox" \
	wait_for 10 "the first console holds the lock" fuser -s "$S/forwarder.lock" 2>/dev/null
with_phantom
ok "second console: another socterm sends" tui_wait "Phantom: another socterm sends"
pick 2
escalate
ok "second console: its escalation waits for the other" \
	tui_wait "Phantom: 1 queued, another socterm sends them"
ok "the first console sends it" wait_for 15 "a container" has_containers 1
ok "second console: the event's marker follows (^ sent)" tui_wait_re "10:00:02\\.000 +\\^ *CRIT" 10
ok "second console: the status bar follows" tui_wait "Phantom: another socterm sends"
tui_keys Enter
ok "second console: the detail pane says sent" tui_wait "escalation                #1 sent #1"
tui_keys Enter c
ok "second console: cases view sent, one attempt" tui_wait_re "^ +1 \\^ sent +#1 +1/1 +1 "
tui_keys c
quit
is "$(census)" "1 1 0 1 1" "two consoles: sent once"
tmux -L "$A_SOCK" send-keys -t a q
wait_for 10 "the first console exits" bash -c "! fuser -s '$S/forwarder.lock' 2>/dev/null"
tmux -L "$A_SOCK" kill-server 2>/dev/null

# ---- TLS --------------------------------------------------------------------------
emu_stop
emu_start --tls || { fail "emulator TLS start"; exit 1; }
new_state
with_phantom
pick 1
escalate
tui_keys c
ok "TLS on, unknown CA: failed, and why" tui_wait_re "^ +1 ! failed .*TLS verification failed" 15
is "$(containers)" 0 "nothing sent without verification"
tui_keys c
quit
with_phantom --phantom-ca "$EMU_CA"
tui_keys c r
ok "with --phantom-ca: retried and sent, the manual retry counted" \
	tui_wait_re "^ +1 \\^ sent +#1 +1/1 +2 " 15
tui_keys c
quit
new_state
tui_start -x 140 -y 40 -e VERIFY_SSL=false -- --state-dir "$S" --phantom-url "$EMU_URL" \
	--phantom-token-file "$EMU_TOKEN_FILE" "$F"
ok "verification off: the warning is shown" tui_wait "TLS certificate verification for Phantom is OFF"
ok "and stays in the status bar" tui_wait "TLS UNVERIFIED"
pick 2
escalate
ok "verification off: sent" wait_for 15 "sent" has_containers 2
quit
done_testing
