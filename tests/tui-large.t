#!/bin/bash
# Huge attacker-controlled values: a JSON value nested 2,000 deep in the
# detail pane and raw view (shallow levels indented, deep ones kept on one
# line, so the text stays a small multiple of the value), and a search over
# megabyte messages with its matches highlighted. The deadlines only catch
# a hang; `make bench` measures the speed (tests/tools/bench-large.sh).
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

GEN_LARGE="$SOCTERM_SRC/tests/tools/gen-large.sh"

# ---- nested 2,000 deep (under jansson's limit) --------------------------------------
sh "$GEN_LARGE" deep > "$T/deep.jsonl"
tui_start -x 120 -y 40 -- "$T/deep.jsonl"
ok "deep events listed" tui_wait "5 shown/5 held" 30
# Deeper than JSONFMT_DEPTH (8) levels, a value goes on one line.
deep_row=' {14,}\[{40}'
tui_keys Enter
ok "detail pane opens" tui_wait_re '^Deep 4$' 60
for i in 3 2 1 0; do
	tui_keys k
	tui_wait_re "^Deep $i\$" 60 >/dev/null
done
ok "... and shows each of the five deep events" tui_wait_re '^Deep 0$' 1
ok "shallow levels are still indented" tui_wait_re '^ +"a": \{$'
ok "deep levels are shown whole, on one line" tui_wait_re "$deep_row"
tui_keys o
ok "raw view opens" tui_wait "raw JSON (o: fields)" 60
ok "raw view indents the shallow levels" tui_wait_re '^  "nested": \{$'
ok "... and keeps the deep ones on one line" tui_wait_re "$deep_row"
tui_keys o Enter
ok "detail pane closes" tui_wait_gone "raw JSON" 30

# ---- search over 16 messages of 2.5 MB of non-ASCII text ----------------------------
sh "$GEN_LARGE" wide > "$T/wide.jsonl"
tui_start -x 120 -y 40 -- "$T/wide.jsonl"
ok "wide events loaded" tui_wait "16 shown/16 held" 60
tui_keys /
tui_type tail
tui_keys Enter
ok "search wraps to the oldest" tui_wait "search wrapped around" 60
# A highlighted word is wrapped in attribute changes (whatever the theme).
hl() { tmux -L "$TUI_SOCK" capture-pane -p -e -t t | grep -qE $'\e\\[[0-9;]*m'"$1"$'\e\\['; }
ok "the visible match is highlighted" hl tail
for n in 1 2 3 4 5 6 7 8; do
	tui_keys Space
	tui_wait "| $n marked" 60 >/dev/null || break
done
ok "eight keys answered with the search active" tui_wait "| 8 marked" 1
ok "still highlighted" hl tail
