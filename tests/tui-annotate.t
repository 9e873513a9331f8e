#!/bin/bash
# Annotations from the real console: `a` on the current event and on a
# marked set, several lines (a final backslash), editing and removing,
# :annotate, the timeline marker and the detail pane, the filter language
# (is:annotated, note~), and the annotations kept in the state directory
# across a restart.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

uuid() { printf '22222222-3333-4444-8555-6666666666%02d' "$1"; }
ev() { # n rule priority
	printf '{"uuid":"%s","hostname":"node-%d","output":"10:00:%02d.000000000: %s %s (n=%d)","priority":"%s","rule":"%s","time":"2024-05-01T10:00:%02d.000000000Z","output_fields":{"n":%d}}\n' \
		"$(uuid "$1")" "$1" "$1" "$3" "$2" "$1" "$3" "$2" "$1" "$1"
}
F="$T/events.jsonl"
{
	ev 1 "Terminal shell in container" Warning
	ev 2 "Write below etc" Error
	ev 3 "Read sensitive file untrusted" Critical
	ev 4 "Launch privileged container" Notice
} > "$F"
S="$T/state"
console() { tui_start -x 120 -y 36 -- --state-dir "$S" "$F"; tui_wait "4 total" >/dev/null; }
pick() { tui_keys g; local i; for ((i = 1; i < $1; i++)); do tui_keys j; done; }
row() { printf '^10:00:%02d\\.000 %s' "$1" "$2"; } # row N MARKS: 3 marker columns, priority
filter() { tui_keys f C-u; tui_type "$1"; tui_keys Enter; }

console
pick 1
tui_keys a
ok "the prompt says how to add a line" tui_wait 'note for 1 event (a final \ adds a line):'
tui_type 'shell opened by the deploy job \'
tui_keys Enter
ok "a final backslash asks for the next line" tui_wait 'note, line 2 (a final \ adds a line):'
tui_type 'ticket OPS-42, path C:\\'
tui_keys Enter
ok "saved" tui_wait "annotated 1 event"
ok "the timeline marks the event" tui_wait_re "$(row 1 ' \+ WARN')"
ok "the other events are not marked" tui_wait_re "$(row 2 '   ERR ')"
tui_keys Enter
ok "the detail pane shows the first line" tui_wait "annotation                shell opened by the deploy job"
ok "and the second (a doubled final backslash is one)" tui_wait_re '^ +ticket OPS-42, path C:\\$'
ok "and who wrote it" tui_wait_re "^ +by [a-z_][a-z0-9_-]*"
tui_keys Enter

# editing: the lines are offered in turn
tui_keys a
ok "editing offers the first line, continued" tui_wait 'note for 1 event (a final \ adds a line): shell opened by the deploy job \'
tui_keys Enter
ok "then the second" tui_wait 'note, line 2 (a final \ adds a line): ticket OPS-42, path C:\'
tui_keys C-u
tui_type "benign after all"
tui_keys Enter
tui_keys Enter
ok "the edited annotation" tui_wait_re "^ +benign after all$"
tui_keys Enter

# Esc leaves it alone
tui_keys a
tui_wait "note for 1 event" >/dev/null
tui_keys Escape
ok "Esc: not changed" tui_wait "annotation not changed"

# a marked set
pick 2
tui_keys Space Space
ok "two events marked" tui_wait "2 marked"
tui_keys a
ok "the prompt counts the marked events" tui_wait "note for 2 events"
tui_type "lateral movement from node-1"
tui_keys Enter
ok "both annotated" tui_wait "annotated 2 events"
ok "event 2 marked and annotated" tui_wait_re "$(row 2 '\*\+ ERR ')"
ok "event 3 marked and annotated" tui_wait_re "$(row 3 '\*\+ CRIT')"
tui_keys U
ok "marks cleared" tui_wait_re "$(row 3 ' \+ CRIT')"

# the filter language
filter "is:annotated"
ok "is:annotated" tui_wait "3 shown/4 held"
filter "note~lateral"
ok "note~ matches the text" tui_wait "2 shown/4 held"
filter 'note~"benign after"'
ok "note~ on the edited one" tui_wait "1 shown/4 held"
filter "not is:annotated"
ok "not is:annotated" tui_wait "1 shown/4 held"
ok "only event 4 left" tui_wait_re "$(row 4 '   NOTI')"
# annotating an event the filter shows: it leaves the view at once
tui_keys a
tui_type "now annotated too"
tui_keys Enter
ok "a new annotation re-evaluates the filter" tui_wait "0 shown/4 held"
filter ""
ok "filter removed" tui_wait "4 shown/4 held"

# removing: an empty annotation
pick 3
tui_keys a
tui_wait "note for 1 event" >/dev/null
tui_keys C-u Enter
ok "an empty annotation removes it" tui_wait "annotation removed from 1 event"
ok "the marker is gone" tui_wait_re "$(row 3 '   CRIT')"

# :annotate TEXT
pick 3
tui_keys :
tui_type "annotate set from the command line"
tui_keys Enter
ok ":annotate TEXT" tui_wait "annotated 1 event"
ok ":annotate marks the event" tui_wait_re "$(row 3 ' \+ CRIT')"
tui_keys q
ok "quit" wait_for 10 "exit" tui_dead

# ---- restart: read back from the state directory -------------------------------
console
ok "after a restart: event 1 annotated" tui_wait_re "$(row 1 ' \+ WARN')"
ok "event 2 annotated" tui_wait_re "$(row 2 ' \+ ERR ')"
ok "event 3 annotated" tui_wait_re "$(row 3 ' \+ CRIT')"
ok "event 4 annotated" tui_wait_re "$(row 4 ' \+ NOTI')"
pick 3
tui_keys Enter
ok "the text is back" tui_wait "annotation                set from the command line"
tui_keys Enter
filter "note~lateral"
ok "the filter sees the reloaded text" tui_wait "1 shown/4 held"
tui_keys q
ok "quit" wait_for 10 "exit" tui_dead
is "$(tui_status)" 0 "exit status 0"
done_testing
