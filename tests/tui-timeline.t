#!/bin/bash
# Timeline behaviour: the selection stays on its event while events arrive,
# pause with +N new, eviction counts, unknown priorities, wide and combining
# characters aligned, ASCII fallback, stray stderr kept off the screen.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"

n=0
ev() { # rule priority [host]
	n=$((n + 1))
	printf '{"hostname":"%s","output":"10:00:%02d.000000000: %s seq=%d","priority":"%s","rule":"%s","time":"2024-05-01T10:00:%02d.%09dZ","output_fields":{"n":%d}}\n' \
		"${3:-node-1}" $((n % 60)) "$2" "$n" "$2" "$1" $((n / 1000 % 60)) "$n" "$n"
}
F="$T/live.jsonl"
for i in $(seq 1 20); do ev "Rule $i" Notice; done > "$F"

tui_start -x 120 -y 20 -- --follow "$F"
ok "20 events" tui_wait "20 total"
tui_keys k k k Enter
ok "detail of the selected event" tui_wait_re "^output +.*seq=17"
row_of() { tui_screen | grep -n "Rule 17 " | head -n 1 | cut -d: -f1; }
before=$(row_of)
for i in $(seq 21 40); do ev "Rule $i" Warning; done >> "$F"
ok "new events arrive" tui_wait "40 total"
ok "selection stays on the same event" tui_wait_re "^output +.*seq=17"
is "$(row_of)" "$before" "and on the same screen row"
tui_keys Enter G
ok "G follows again" tui_wait "FOLLOW"

tui_keys p
ok "paused" tui_wait "PAUSED +0 new"
for i in $(seq 41 45); do ev "Rule $i" Error; done >> "$F"
ok "+N new while paused" tui_wait "PAUSED +5 new"
ok "paused list does not show them" bash -c "! tmux -L $TUI_SOCK capture-pane -p -t t | grep -q 'Rule 45 '"
tui_keys p
ok "resumed: they show" tui_wait "Rule 45 "

# Unknown priorities are kept and shown as received.
printf '{"rule":"Odd priority","priority":"Bogus","time":"2024-05-01T11:00:00Z","output":"x"}\n' >> "$F"
ok "unknown priority shown as received" tui_wait_re "Bog(us|…) +Odd priority"

# Stray output on stderr (a library complaining) never scribbles on the screen.
pid=$(tui_pid)
echo "library says: something odd" > "/proc/$pid/fd/2"
ok "stderr shown in the message line" tui_wait "library says: something odd"
ok "and nowhere else" bash -c "[ \$(tmux -L $TUI_SOCK capture-pane -p -t t | grep -c 'library says') = 1 ]"
tui_keys q
wait_for 5 "exit" tui_dead
ok "stderr replayed after the terminal is restored" grep -q "library says: something odd" "$TUI_LOG"

# Eviction: capacity 100, 150 events.
: > "$F"
for i in $(seq 1 150); do ev "Ev $i" Notice; done > "$F"
tui_start -x 120 -y 20 -- --capacity 100 "$F"
ok "oldest events evicted and counted" tui_wait "100 shown/100 held | 150 total | 50 evicted"

# Wide and combining characters keep columns aligned.
{
	ev "ascii rule" Notice "plain-host"
	ev "規則 漢字 テスト" Notice "ホスト名"
	ev "emoji 🚨🔥 rule" Notice "host-🙂"
	ev "cafe\u0301 combining" Notice "e\u0301e\u0301"
} > "$F"
tui_start -x 120 -y 12 -- "$F"
ok "wide characters drawn" tui_wait "規則"
cols=$(tui_screen | grep -E 'seq=' | while IFS= read -r line; do
	pre=${line%%seq=*}
	printf '%s' "$pre" | wc -L
done | sort -u | wc -l)
is "$cols" 1 "the output column starts at the same screen column on every row"
tui_keys q
wait_for 5 "exit" tui_dead

# A locale without UTF-8 gets ASCII escapes instead of raw UTF-8.
TUI_LC=C tui_start -x 120 -y 12 -- "$F"
ok "ASCII fallback escapes non-ASCII" tui_wait '\u898f'
ok "no raw UTF-8 bytes written" bash -c "! LC_ALL=C grep -qaP '[\\x80-\\xff]' '$TUI_LOG'"
tui_keys q
# TERM=vt100 (an old ssh profile) on a terminal that sends today's keys:
# Home, End, PgUp still move, rather than arriving as Esc + '['.
for i in $(seq -w 1 50); do
	printf '{"rule":"Rule %s","priority":"Warning","time":"2024-05-01T10:00:%s.000Z","output":"o%s","hostname":"h"}\n' "$i" "$i" "$i"
done > "$T/keys.jsonl"
TUI_TERM=vt100 tui_start -x 100 -y 30 -- "$T/keys.jsonl"
tui_wait "50 shown" >/dev/null
tui_keys Enter
tui_wait_re "^rule +Rule 50" >/dev/null
tui_keys Home
ok "TERM=vt100: Home selects the first event" tui_wait_re "^rule +Rule 01"
tui_keys End
ok "TERM=vt100: End selects the last" tui_wait_re "^rule +Rule 50"
tui_keys PPage
ok "TERM=vt100: PgUp moves up a page" tui_wait_re "^rule +Rule [0-4][0-9]"
ok "TERM=vt100: no stray Esc-[ (jump to mark)" bash -c "! tmux -L $TUI_SOCK capture-pane -p -t t | grep -q 'no marked events'"
tui_keys q
done_testing
