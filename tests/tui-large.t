#!/bin/bash
# Huge attacker-controlled values stay cheap to show: a deeply nested JSON
# value in the detail pane and raw view, and an active search over
# megabyte messages. Each answer must come within a deadline the old
# quadratic or whole-value-per-row code missed by far, even in plain builds.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

# within SECS CMD...: CMD passes, and did so within SECS of the last mark.
mark() { _t0=$(date +%s%N); }
within() {
	local limit=$1 ms
	shift
	"$@" || return 1
	ms=$((($(date +%s%N) - _t0) / 1000000))
	diag "took $ms ms (limit $limit s)"
	[ "$ms" -le $((limit * 1000)) ]
}

# ---- nested 2,000 deep (under jansson's limit): indenting every level costs
# depth squared, gigabytes for these 600 KB lines.
perl -e '
	my $deep = "[" x 2000 . "]" x 2000;
	my @f = map { "\"f$_\":$deep" } 0 .. 149;
	for my $i (0 .. 4) {
		print "{\"hostname\":\"h\",\"output\":\"deep nest\",\"priority\":\"Warning\",",
		      "\"rule\":\"Deep $i\",\"time\":\"2024-05-01T10:00:0${i}Z\",",
		      "\"nested\":{\"a\":{\"b\":[1,2]},\"deep\":$deep},",
		      "\"output_fields\":{", join(",", @f), "}}\n";
	}
' > "$T/deep.jsonl"

tui_start -x 120 -y 40 -- "$T/deep.jsonl"
ok "deep events listed" tui_wait "5 shown/5 held" 30
# Deeper than JSONFMT_DEPTH (8) levels, a value goes on one line.
deep_row=' {14,}\[{40}'
mark
tui_keys Enter
ok "detail pane opens" tui_wait_re '^Deep 4$' 60
for i in 3 2 1 0; do
	tui_keys k
	tui_wait_re "^Deep $i\$" 60 >/dev/null
done
ok "... on five deep events quickly" within 10 tui_wait_re '^Deep 0$' 1
ok "shallow levels are still indented" tui_wait_re '^ +"a": \{$'
ok "deep levels are shown whole, on one line" tui_wait_re "$deep_row"
mark
tui_keys o
ok "raw view opens quickly" within 10 tui_wait "raw JSON (o: fields)" 60
ok "raw view indents the shallow levels" tui_wait_re '^  "nested": \{$'
ok "... and keeps the deep ones on one line" tui_wait_re "$deep_row"
tui_keys o Enter
ok "detail pane closes" tui_wait_gone "raw JSON" 30

# ---- search over 16 messages of 2.5 MB of non-ASCII text: each frame used to
# sanitize and measure every matching row whole.
perl -e '
	my $big = "\xc3\xa9x" x 1250000;
	for my $i (0 .. 15) {
		printf "{\"hostname\":\"h%d\",\"output\":\"look tail %s tail\",\"priority\":\"Warning\",\"rule\":\"Wide %d\",\"time\":\"2024-05-01T10:00:%02dZ\"}\n",
			$i, $big, $i, $i;
	}
' > "$T/wide.jsonl"
tui_start -x 120 -y 40 -- "$T/wide.jsonl"
ok "wide events loaded" tui_wait "16 shown/16 held" 60
tui_keys /
tui_type tail
tui_keys Enter
ok "search wraps to the oldest" tui_wait "search wrapped around" 60
# A highlighted word is wrapped in attribute changes (whatever the theme).
hl() { tmux -L "$TUI_SOCK" capture-pane -p -e -t t | grep -qE $'\e\\[[0-9;]*m'"$1"$'\e\\['; }
ok "the visible match is highlighted" hl tail
mark
steps_ok=true
for n in 1 2 3 4 5 6 7 8; do
	tui_keys Space
	tui_wait "| $n marked" 60 >/dev/null || steps_ok=false
done
ok "eight keys answered quickly with the search active" within 10 $steps_ok
ok "still highlighted" hl tail
