#!/bin/bash
# The console's filter and search prompts, driven under tmux: a valid and an
# invalid filter (error position shown, old filter kept), live filtering of
# events appended to a followed file, F and !, search with / ? n N and
# wrapping, highlights, tab completion, editing keys, cancel keys, a resize
# with the prompt open, histories across restarts, --filter at start.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

ev() { # n time priority rule tags detail
	printf '{"hostname":"node-%s","output":"10:00:%s.000000000: %s %s (user=root %s)","priority":"%s","rule":"%s","source":"syscall","tags":[%s],"time":"2024-05-01T10:00:%s.000000000Z","output_fields":{"container.name":"nginx-%s","k8s.ns.name":"prod","proc.cmdline":"sh -c id","user.name":"root","evt.time":1714557600123456789}}\n' \
		"$1" "$2" "$3" "$4" "$6" "$3" "$4" "$5" "$2" "$1"
}
E="$T/events.jsonl"
{
	ev 1 01 Warning "Terminal shell in container" '"container","shell","mitre_execution"' "cmd=bash"
	ev 2 02 Error "Write below etc" '"filesystem","mitre_persistence"' "file=/etc/passwd"
	ev 3 03 Critical "Read sensitive file untrusted" '"filesystem"' "file=/etc/shadow"
	ev 4 04 Informational "Launch Privileged Container" '"container"' "image=nginx"
	ev 5 05 Notice "Read sensitive file trusted after startup" '"filesystem"' "file=/etc/PASSWD"
	ev 6 06 Debug "Contact K8S API Server From Container" '"k8s"' "dest=10.0.0.1"
} > "$E"

# tui_start kills the previous tmux server and starts a new one at once; a
# client that reaches the dying server fails ("server exited unexpectedly").
# Wait until it is gone first.
tmux_gone() { tmux -L "$TUI_SOCK" ls 2>&1 | grep -q "no server running"; }
tui_restart() { tmux -L "$TUI_SOCK" kill-server 2>/dev/null; wait_for 5 "old tmux server gone" tmux_gone; tui_start "$@"; }
cursor_x() { tmux -L "$TUI_SOCK" display -p -t t '#{cursor_x}'; }
cursor_at() { test "$(cursor_x)" = "$1"; }
prompt_line() { tui_screen | sed -n "$(( $1 - 1 ))p"; }

tui_start -x 110 -y 30 -- --follow "$E"
ok "events shown" tui_wait "6 shown/6 held"

# ---- an invalid filter: error with its position, prompt kept, old filter kept
# A lone Esc is told from Meta-key by a pause (ESCDELAY): the tests wait for
# the prompt to close before typing on.
cursor_hidden() { test "$(tmux -L "$TUI_SOCK" display -p -t t '#{cursor_flag}')" = 0; }
closed() { wait_for 10 "the prompt closes (cursor hidden)" cursor_hidden; }

tui_keys f
ok "f opens the filter prompt" tui_wait_re "^filter: *$"
tui_type 'rule='
tui_keys Enter
ok "a bad filter shows the error and its position" tui_wait "expected a value after '=' at 4"
ok "a caret points at the offending column" bash -c "tmux -L $TUI_SOCK capture-pane -p -t t | grep -qE '^ {12}\\^ expected'"
ok "the prompt stays open with the text" tui_wait "filter: rule="
ok "no filter in force meanwhile" tui_wait "6 shown/6 held"
tui_type '"Write below etc" or priority=critical'
ok "editing hides the stale caret" tui_wait_gone "expected a value"
tui_keys C-u
tui_type 'priority>=error'
tui_keys Enter
ok "a valid filter applies" tui_wait "2 shown/6 held"
ok "the status bar shows the filter" tui_wait "filter: priority>=error"
ok "it says how many match" tui_wait "(2 of 6 match"
ok "matching events listed" tui_wait "Read sensitive file untrusted"
ok "other events hidden" tui_wait_gone "Terminal shell in container"

# the prompt opens with the current filter; a bad edit keeps the old one
tui_keys f
ok "f is prefilled with the current filter" tui_wait "filter: priority>=error"
tui_type ' and ('
tui_keys Enter
ok "unbalanced parenthesis reported" tui_wait_re "at [0-9]+"
tui_keys Escape
ok "Esc closes the prompt" closed
ok "the previous filter is still in force" tui_wait "2 shown/6 held"
ok "... and still shown" tui_wait "filter: priority>=error"

# ---- live: events appended to the followed file are filtered as they arrive
ev 7 07 Critical "Netcat Remote Code Execution in Container" '"network"' "cmd=nc -e" >> "$E"
ev 8 08 Notice "Unexpected UDP Traffic Seen" '"network"' "port=53" >> "$E"
ok "arriving events are filtered" tui_wait "3 shown/8 held"
ok "the matching new event is listed" tui_wait "Netcat Remote Code Execution"
ok "the other one is not" tui_wait_gone "Unexpected UDP Traffic"

# ---- the console keeps running while a prompt is open
tui_keys f
tui_wait "filter: priority>=error" >/dev/null
ev 10 10 Critical "Launch Suspicious Network Tool in Container" '"network"' "cmd=nmap" >> "$E"
ok "events arrive while the prompt is open" tui_wait "4 shown/9 held"
ok "the prompt is still there" tui_wait "filter: priority>=error"
tui_keys Escape
closed >/dev/null

# ---- F toggles, ! inverts
tui_keys F
ok "F turns the filter off" tui_wait "9 shown/9 held"
ok "the status bar says it is off" tui_wait "filter (off): priority>=error"
tui_keys F
ok "F turns it on again" tui_wait "4 shown/9 held"
tui_keys '!'
ok "! inverts the filter" tui_wait "5 shown/9 held"
ok "the status bar says NOT" tui_wait "filter: NOT (priority>=error)"
ok "inverted: the hidden ones are shown" tui_wait "Unexpected UDP Traffic"
ev 9 09 Warning "Modify binary dirs" '"filesystem"' "file=/bin/ls" >> "$E"
ok "inverted filter applies to arrivals" tui_wait "6 shown/10 held"
tui_keys '!'
ok "! again restores it" tui_wait "4 shown/10 held"
tui_keys f C-u Enter
ok "an empty filter removes it" tui_wait "10 shown/10 held"
ok "no filter in the status bar" tui_wait_gone "filter: "

# ---- since: filters are re-evaluated as time passes
tui_keys f C-u
tui_type 'since:3s'
tui_keys Enter
ok "since: hides old events" tui_wait "0 shown/10 held"
ok "the list says nothing matches" tui_wait "(no event matches)"
printf '{"hostname":"node-11","output":"fresh","priority":"Notice","rule":"Fresh event","time":"%s"}\n' \
	"$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" >> "$E"
ok "a fresh event is shown" tui_wait "1 shown/11 held"
ok "... and leaves the view as it ages" tui_wait "0 shown/11 held" 10
tui_keys f C-u Enter
ok "filter removed" tui_wait "11 shown/11 held"

# ---- search: / ? n N, wrapping, highlighting, detail pane
tui_keys Enter
ok "detail pane open" tui_wait "output_fields ("
tui_keys /
ok "/ opens the search prompt" tui_wait_re "^/ *$"
tui_type passwd
tui_keys Enter
ok "search from the newest event wraps to the oldest match" tui_wait "search wrapped around"
ok "the first match is selected" tui_wait_re "hostname +node-2"
# A highlighted word is wrapped in attribute changes (whatever the theme).
hl() { tmux -L "$TUI_SOCK" capture-pane -p -e -t t | grep -qE $'\e\\[[0-9;]*m'"$1"$'\e\\['; }
ok "matched words are highlighted" hl passwd
not_hl() { ! hl "$1"; }
ok "... and only those" not_hl shadow
tui_keys n
ok "n goes to the next match" tui_wait_re "hostname +node-5"
ok "... highlighted case-insensitively in the detail pane" hl PASSWD
tui_keys n
ok "n wraps around" tui_wait_re "hostname +node-2"
tui_keys N
ok "N goes back (wrapping)" tui_wait_re "hostname +node-5"
tui_keys '?'
ok "? opens the backward search prompt" tui_wait_re "^\\? *$"
tui_type 'priority>=critical'
tui_keys Enter
ok "? searches backward with a filter expression" tui_wait_re "hostname +node-3"
tui_keys N
ok "N after ? goes forward" tui_wait_re "hostname +node-7"
tui_keys /
tui_type 'no-such-text-anywhere'
tui_keys Enter
ok "no match is reported" tui_wait "no match: no-such-text-anywhere"
ok "the selection stays" tui_wait_re "hostname +node-7"
tui_keys /
tui_type 'rule~('
tui_keys Enter
ok "a bad search shows its error" tui_wait_re "at [0-9]+"
tui_keys C-g
ok "^G cancels" closed
tui_keys Enter

# ---- tab completion
tui_keys f
tui_type containe
tui_keys Tab
ok "Tab completes the common part of field names" tui_wait "filter: container."
ok "the matches are listed under the prompt" tui_wait "container.name"
tui_type n
tui_keys Tab
ok "a unique field name is completed" tui_wait "filter: container.name"
ok "... followed by a space" wait_for 5 "cursor" cursor_at 23
tui_keys C-u
tui_type 'tag:mitre_p'
tui_keys Tab
ok "tags seen in events complete" tui_wait "filter: tag:mitre_persistence"
tui_keys C-u
tui_type 'rule=Netc'
tui_keys Tab
ok "rule names complete, quoted" tui_wait 'filter: rule="Netcat Remote Code Execution in Container"'
tui_keys C-u
tui_type 'priority>=cr'
tui_keys Tab
ok "priority names complete" tui_wait "filter: priority>=critical"
tui_keys C-c
ok "^C cancels" closed
tui_keys :
tui_type exp
tui_keys Tab
ok "command names complete" tui_wait ":export"
tui_keys Escape
closed >/dev/null

# ---- editing keys: wide characters, Home/End, Meta word motion
tui_keys f
tui_type '日本語'
ok "cursor after three wide characters" wait_for 5 "cursor" cursor_at 14
tui_keys Left
ok "Left moves one wide character" wait_for 5 "cursor" cursor_at 12
tui_keys C-e C-u
tui_type 'rule = x'
tui_keys Home
tui_type '('
tui_keys End
tui_type ')'
ok "Home and End" tui_wait "filter: (rule = x)"
tui_keys M-b
tui_type 'not '
ok "M-b moves back a word" tui_wait "filter: (rule = not x)"
tui_keys C-a DC
ok "Delete deletes" tui_wait "filter: rule = not x)"
tui_keys Escape
closed >/dev/null

# ---- resize with the prompt open, then finish typing and apply
tui_keys f
tui_type 'rule="Write'
tui_resize 70 24
ok "the prompt survives a resize" tui_wait 'filter: rule="Write'
tui_type ' below etc"'
tui_keys Enter
ok "and the filter typed across it applies" tui_wait "1 shown/11 held"
tui_resize 40 12
tui_keys f
tui_type 'and a very long line that is much wider than forty columns'
ok "a long line scrolls horizontally" tui_wait "forty columns"
ok "... with a marker for the hidden part" tui_wait_re "^filter: <"
tui_keys Escape
closed >/dev/null
tui_resize 110 30

# ---- help moved to h / F1; ? is search
tui_keys h
ok "h opens the help" tui_wait "Select the next"
tui_keys q

tui_keys q
ok "quit" wait_for 5 "exit" tui_dead
is "$(tui_status)" 0 "exit status 0"

# ---- histories survive a restart
tui_restart -x 110 -y 30 -- "$E"
tui_wait "11 shown/11 held" >/dev/null
tui_keys f
ok "no filter at start: the prompt is empty" tui_wait_re "^filter: *$"
tui_keys Up
ok "Up recalls the last filter of the previous run" tui_wait 'filter: rule="Write below etc"'
tui_keys Up
ok "Up again: the one before" tui_wait "filter: since:3s"
tui_keys Down Down
ok "Down comes back to the edited line" tui_wait_re "^filter: *$"
tui_keys Escape
closed >/dev/null
tui_keys /
tui_keys Up
ok "the search prompt has its own history (refused lines are not kept)" tui_wait "/no-such-text-anywhere"
tui_keys Escape
closed >/dev/null
tui_keys q
wait_for 5 "exit" tui_dead
ok "the state directory is private" test "$(stat -c %a "$XDG_STATE_HOME/socterm")" = 700

# ---- --filter at start
tui_restart -x 110 -y 30 -- --filter 'priority>=critical' "$E"
ok "--filter applies at start" tui_wait "3 shown/11 held"
ok "and shows in the status bar" tui_wait "filter: priority>=critical"
tui_keys q
wait_for 5 "exit" tui_dead
out=$("$SOCTERM" --filter 'rule = ' "$E" 2>&1 </dev/null); rc=$?
like "$out" "--filter: expected a value after '=' at 5" "a bad --filter names the position"
is "$rc" 64 "a bad --filter exits 64"
printf 'filter = "priority >> 3"\n' > "$T/bad.conf"
out=$("$SOCTERM" --config "$T/bad.conf" "$E" 2>&1 </dev/null); rc=$?
like "$out" "bad.conf:1: filter: .* at [0-9]+" "a bad filter in the config file: file:line and position"
is "$rc" 78 "a bad filter in the config file exits 78 (configuration)"
"$SOCTERM" --config "$T/bad.conf" --print-config >/dev/null 2>&1 </dev/null; rc=$?
is "$rc" 78 "--print-config refuses it too"
done_testing
