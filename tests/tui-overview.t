#!/bin/bash
# The overview an analyst needs on a bastion: histogram (i) and top (t)
# views with counts checked against a fixture, Enter jumping and filtering,
# the header sparkline, OSC 52 copy (y) decoded from what reached the
# terminal, and mouse clicks (--mouse) sent as real SGR mouse sequences.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"
export SOCTERM_THEME_DIR="$SOCTERM_SRC/themes"
# Short relative file names keep the header short enough for the sparkline.
cd "$T" || exit 1

ev() { # minute second rule priority host container
	printf '{"hostname":"%s","output":"10:%02d:%02d.000000000: %s %s","priority":"%s","rule":"%s","source":"syscall","time":"2024-05-01T10:%02d:%02d.000000000Z","output_fields":{"container.name":"%s"}}\n' \
		"$5" "$1" "$2" "$4" "$3" "$4" "$3" "$1" "$2" "$6"
}
# Minute m holds m+1 events (1, 2, 3, 4, 5 = 15), at seconds 0, 7, 14, ...
# Rules and priorities rotate; hosts alternate; containers by position.
rules=("Terminal shell in container" "Write below etc" "Read sensitive file" "Launch Privileged Container")
prios=(Warning Error Critical Informational)
{
	for m in 0 1 2 3 4; do
		for ((k = 0; k <= m; k++)); do
			i=$(((m + k) % 4))
			ev "$m" $((k * 7)) "${rules[$i]}" "${prios[$i]}" "node-$((k % 2))" "app-$((k % 3))"
		done
	done
} > "$T/events.jsonl"
# Expected counts, straight from the fixture.
count() { grep -c "$1" "$T/events.jsonl"; }
is "$(wc -l < "$T/events.jsonl")" 15 "fixture: 15 events"

tui_start -x 100 -y 24 -- events.jsonl
ok "timeline up" tui_wait "15 shown/15 held"
ok "header sparkline: label and a full block for this second" tui_wait_re "^ socterm .* 5m .*█ *$"

# ---- histogram ----
tui_keys i
ok "histogram opens, fitted to the screen (30s buckets)" tui_wait "Histogram: 15 events, 30s buckets"
for m in 0 1 2 3 4; do
	ok "bucket 10:0$m:00 holds $((m + 1))" tui_wait_re "10:0$m:00 █+ $((m + 1))\$"
done
ok "empty half-minute buckets show 0" tui_wait_re "10:03:30 +0\$"
ok "legend counts per priority" tui_wait "critical $(count '"Critical"')  "
like "$(tui_screen)" "warning $(count '"Warning"')  " "legend: warnings"
ok "cursor starts on the newest bucket" tui_wait_re "^>05-01 10:04:00"
ok "the hint line names the histogram's keys" tui_wait "Enter jump there  z/Z zoom  j/k move  q back  h help"
tui_keys z G
ok "z: smaller buckets" tui_wait "10s buckets"
ok "10s bucket 10:04:20 holds 2 (seconds 21 and 28)" tui_wait_re "10:04:20 █+ 2\$"
tui_keys Z Z
ok "Z Z: one-minute buckets" tui_wait "1m buckets"
ok "1m bucket 10:02:00 holds 3" tui_wait_re "10:02:00 █+ 3\$"
tui_keys k k Enter
ok "Enter jumps the timeline to the bucket" tui_wait "at 05-01 10:02:00"
ok "back in the timeline, follow off" tui_wait_gone "FOLLOW"
tui_keys Enter
ok "selected event is the first of that minute" tui_wait "2024-05-01T10:02:00.000000000Z"
tui_keys Enter
tui_wait_gone "output_fields (" >/dev/null

# ---- top ----
tui_keys t
ok "top view opens on rules" tui_wait "15 events, 4 values"
# h is "previous dimension" here: the hint offers the help on F1
ok "the hint line names the top view's keys" tui_wait "Tab/BTab count by  j/k move  q back  F1 help"
for i in 0 1 2 3; do
	n=$(count "\"rule\":\"${rules[$i]}\"")
	ok "rule '${rules[$i]}': $n" tui_wait_re "^ +$n +[0-9.]+%  ${rules[$i]} "
done
tui_keys 2
ok "2: by priority" tui_wait_re "^ +$(count '"Critical"') +[0-9.]+%  critical "
tui_keys 3
ok "3: by host" tui_wait_re "^ +$(count '"node-0"') +[0-9.]+%  node-0 "
tui_keys Tab
ok "Tab: by container" tui_wait_re "^ +$(count '"app-1"') +[0-9.]+%  container app-1 "
tui_keys 1
tui_wait "4 values" >/dev/null
# Rows are sorted by count: the top row is the most frequent rule.
top_rule=$(for i in 0 1 2 3; do printf '%s\t%s\n' "$(count "\"rule\":\"${rules[$i]}\"")" "${rules[$i]}"; done | sort -t$'\t' -k1,1nr | head -n 1 | cut -f2)
tui_keys Enter
ok "Enter filters by the row's rule" tui_wait "filter: rule = \"$top_rule\""
ok "the timeline shows only that rule" tui_wait "$(count "\"rule\":\"$top_rule\"") shown/15 held"
tui_keys q
ok "quit" wait_for 5 "exit" tui_dead

# ---- filter values are quoted exactly: glob characters, quotes, backslashes ----
{
	# JSON-escaped: the rules are  A*B "q" \ z  and  AxxB "q" \ z
	ev 0 1 'A*B \"q\" \\ z' Warning h c
	ev 0 2 'AxxB \"q\" \\ z' Warning h c
	ev 0 3 'A*B \"q\" \\ z' Warning h c
} > "$T/nasty.jsonl"
tui_start -x 100 -y 20 -- "$T/nasty.jsonl"
tui_wait "3 shown/3 held" >/dev/null
tui_keys t
ok "nasty rules counted apart" tui_wait_re '^ +2 +66\.7%  A\*B "q" \\ z'
tui_keys Enter
ok "filter escapes * and quotes" tui_wait 'filter: rule = "A\*B \"q\" \\ z"'
ok "only the exact rule matches (no glob)" tui_wait "2 shown/3 held"
tui_keys q

# ---- OSC 52 ----
tui_start -x 100 -y 20 -- "$T/events.jsonl"
tui_wait "15 shown" >/dev/null
tui_keys y
ok "y reports the copy" tui_wait "sent $(tail -n 1 "$T/events.jsonl" | tr -d '\n' | wc -c) bytes of JSON"
osc() { grep -qa ']52;c;' "$TUI_LOG"; }
ok "an OSC 52 sequence reached the terminal" wait_for 5 "osc 52" osc
got=$(perl -0777 -ne 'print $1 if /\]52;c;([A-Za-z0-9+\/=]*)\a/' "$TUI_LOG" | base64 -d)
is "$got" "$(tail -n 1 "$T/events.jsonl")" "decoded clipboard = the event's original bytes"
# Inside tmux (TMUX is set in the pane) it is wrapped for passthrough.
ok "wrapped in tmux passthrough, ESC doubled" grep -qa $'\ePtmux;\e\e]52;c;' "$TUI_LOG"
tui_keys q

big=$(head -c 120000 /dev/zero | tr '\0' x)
printf '{"rule":"big","priority":"Notice","time":"2024-05-01T10:00:00Z","output":"%s"}\n' "$big" > "$T/big.jsonl"
tui_start -x 100 -y 20 -e TMUX= -- "$T/big.jsonl"
tui_wait "1 shown" >/dev/null
: > "$TUI_LOG"
tui_keys y
ok "an event over 100 KB is refused with a message" tui_wait "more than the 100 KB"
ok "nothing sent for it" bash -c "! grep -qa ']52;' '$TUI_LOG'"
tui_keys q

# Outside tmux, screen: plain OSC 52, and screen's chunked DCS.
tui_start -x 100 -y 20 -e TMUX= -e STY=1.pts-0.host -- "$T/events.jsonl"
tui_wait "15 shown" >/dev/null
tui_keys g y
ok "screen: copy reported" tui_wait "through screen"
got=$(perl -0777 -ne 'my $s = ""; $s .= $1 while /\eP(.*?)\e\\/gs; print $1 if $s =~ /\]52;c;([A-Za-z0-9+\/=]*)\a/' "$TUI_LOG" | base64 -d)
is "$got" "$(head -n 1 "$T/events.jsonl")" "screen: DCS chunks reassemble to the first event"
tui_keys q

# ---- mouse (--mouse): SGR 1006 sequences typed into the pane ----
# A generous ESCDELAY: under load the bytes of a typed sequence can arrive
# apart, and curses must still read them as one mouse event.
tui_start -x 100 -y 20 -e ESCDELAY=1000 -- --mouse "$T/events.jsonl"
tui_wait "15 shown" >/dev/null
mouse_on() { [ "$(tmux -L "$TUI_SOCK" display-message -p -t t '#{mouse_sgr_flag}')" = 1 ]; }
ok "the console asked the terminal for SGR mouse reports" wait_for 10 "mouse mode" mouse_on
# Press and release in one write, so they are not split under load.
click() { tui_type $'\e[<0;'"$1;$2M"$'\e[<0;'"$1;$2m"; }
# Under heavy load curses can miss a mouse report whose bytes arrive late
# (it reads the rest of the sequence without waiting); an analyst clicks
# again, and so does the test, at most three times.
click_until() { # COL ROW TEXT
	for _ in 1 2 3; do
		click "$1" "$2"
		tui_keys Enter
		tui_wait "$3" 3 >/dev/null && return 0
		tui_screen | grep -q "output_fields (" && tui_keys Enter
	done
	return 1
}
ok "click selects the row: the detail shows that event" click_until 5 4 "2024-05-01T10:01:07.000000000Z"
ok "a click turns follow off" tui_wait_gone "FOLLOW"
tui_keys Enter
wheel_up() { tui_type $'\e[<64;5;5M'; }
wheel_up
tui_keys Enter
ok "wheel up moves the selection 3 rows up (to the first event)" tui_wait "2024-05-01T10:00:00.000000000Z"
tui_keys Enter q
ok "quit" wait_for 5 "exit" tui_dead
is "$(tui_status)" 0 "exit status 0"

# ---- histogram over the whole int64 time range ----
# No `time`, evt.time at both ends of int64: bucket arithmetic must not
# overflow (the sanitizer build aborts on it, leaving the terminal in raw
# mode), east and west of UTC, half-hour offsets included.
{
	printf '{"rule":"Low","priority":"Warning","output":"low","output_fields":{"evt.time":%s}}\n' -9223372036854775808
	printf '{"rule":"High","priority":"Error","output":"high","output_fields":{"evt.time":%s}}\n' 9223372036854775807
} > "$T/extreme.jsonl"
for tz in UTC Pacific/Kiritimati Pacific/Pago_Pago Asia/Kolkata; do
	tui_start -x 100 -y 24 -e TZ=$tz -- "$T/extreme.jsonl"
	tui_wait "2 shown/2 held" >/dev/null
	tui_keys i
	ok "$tz: 1677..2262 in the widest buckets" tui_wait "Histogram: 2 events, 7d buckets"
	ok "$tz: the newest bucket holds one event" tui_wait_re "^>[0-9]{4}-[0-9]{2}-[0-9]{2} █+ 1\$"
	tui_keys g
	ok "$tz: g: the first bucket holds the 1677 event" tui_wait_re "^>1677-09-2[01] █+ 1\$"
	tui_keys z Z j PageDown PageUp G k G j j Z Enter
	ok "$tz: Enter jumps the timeline there" tui_wait "(G: newest, follow)"
	tui_keys q
	ok "$tz: quit" wait_for 5 "exit" tui_dead
	is "$(tui_status)" 0 "$tz: exit status 0"
done
done_testing
