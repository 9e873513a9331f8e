#!/bin/bash
# Themes under tmux: every shipped theme rendered at 256 colours
# (xterm-256color), 8/16 colours (screen, xterm) and without colour
# (NO_COLOR=1, --colors mono), checked on the escape sequences tmux reports
# for the cells (capture-pane -e); --colors lowering the depth; lookup in
# the user's theme directory; a broken theme named by file:line with the
# default shown instead.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"
export SOCTERM_THEME_DIR="$SOCTERM_SRC/themes"

{
	printf '{"hostname":"node-1","output":"a","priority":"Warning","rule":"Terminal shell in container","source":"syscall","time":"2024-05-01T10:00:00Z"}\n'
	printf '{"hostname":"node-2","output":"b","priority":"Critical","rule":"Read sensitive file","source":"syscall","time":"2024-05-01T10:00:01Z"}\n'
	printf '{"hostname":"node-3","output":"c","priority":"Informational","rule":"Launch Privileged Container","source":"syscall","time":"2024-05-01T10:00:02Z"}\n'
} > "$T/events.jsonl"

screen_e() { tmux -L "$TUI_SOCK" capture-pane -e -p -t t; }
# SGR parameter lists used on the screen, one per line (ESC [ ... m).
sgrs() { screen_e | grep -ao $'\e\\[[0-9;]*m' | tr -d '\033[m' | sort -u; }
# Colour classes among them: 256 (38;5/48;5), rgb (38;2/48;2), 16 (90-97,
# 100-107), 8 (30-37, 40-47). 39/49 (default colour) are not colours.
classes() {
	sgrs | awk -F';' '{
		for (i = 1; i <= NF; i++) {
			p = $i
			if ((p == 38 || p == 48) && $(i + 1) == 5) { print "256"; i += 2; continue }
			if ((p == 38 || p == 48) && $(i + 1) == 2) { print "rgb"; i += 4; continue }
			if ((p >= 90 && p <= 97) || (p >= 100 && p <= 107)) print "16"
			else if ((p >= 30 && p <= 37) || (p >= 40 && p <= 47)) print "8"
			else if (p != "" && p != 0 && p != 39 && p != 49) print "attr" p
		}
	}' | sort -u | tr '\n' ' '
}

run() { # TERM theme [tui_start options (-e VAR=VAL)...]
	local term=$1 theme=$2
	shift 2
	TUI_TERM=$term tui_start -x 100 -y 12 "$@" -- --theme "$theme" "$T/events.jsonl"
	# Checks below that something is absent mean nothing on an empty screen.
	tui_wait "3 shown/3 held" >/dev/null && tui_wait "Launch Privileged" >/dev/null ||
		fail "$theme on $term: the console did not come up"
}

themes=()
for f in "$SOCTERM_SRC"/themes/*.theme; do
	n=${f##*/}
	themes+=("${n%.theme}")
done
ok "at least five themes ship" test "${#themes[@]}" -ge 5

for th in "${themes[@]}"; do
	run xterm-256color "$th"
	c=$(classes)
	if [ "$th" = mono ]; then
		unlike "$c" "256|rgb|16|8( |$)" "$th @256: no colour at all ($c)"
	else
		like "$c" "256" "$th @256: 38;5;N/48;5;N colours ($c)"
		unlike "$c" "rgb" "$th @256: no truecolor"
	fi
	like "$(tui_screen)" "10:00:01\\.000 +CRIT Read sensitive file" "$th @256: content"
	ok "$th @256: no theme message" bash -c "! tmux -L $TUI_SOCK capture-pane -p -t t | grep -q 'theme'"
	tui_keys q

	for term in screen xterm; do
		run "$term" "$th"
		c=$(classes)
		if [ "$th" = mono ]; then
			unlike "$c" "256|rgb|16|8( |$)" "$th @$term: no colour"
		else
			like "$c" "(^| )8( |$)" "$th @$term: 8-colour SGR ($c)"
			unlike "$c" "256|rgb|16" "$th @$term: nothing beyond 8 colours"
		fi
		like "$(tui_screen)" "CRIT Read sensitive file" "$th @$term: content"
		tui_keys q
	done

	run xterm-256color "$th" -e NO_COLOR=1
	c=$(classes)
	unlike "$c" "256|rgb|16|8( |$)" "$th NO_COLOR: no colour SGR ($c)"
	like "$c" "attr7" "$th NO_COLOR: reverse stays (selection, bars)"
	like "$c" "attr1" "$th NO_COLOR: bold stays"
	like "$(tui_screen)" "CRIT Read sensitive file" "$th NO_COLOR: content"
	tui_keys q
done

# The default theme's header: palette 'paper' on 'navy' = 254 on 24 at 256
# colours, white on blue at 8.
run xterm-256color default
like "$(screen_e | head -n 1)" $'\e\\[1m\e\\[38;5;254m\e\\[48;5;24m socterm' "default header: 254 on 24, bold"
tui_keys q
run screen default
like "$(screen_e | head -n 1)" $'\e\\[1m\e\\[37m\e\\[44m socterm' "default header @8: white on blue"
tui_keys q

# --colors lowers the depth; it overrides NO_COLOR.
TUI_TERM=xterm-256color tui_start -x 100 -y 12 -- --colors 16 "$T/events.jsonl"
tui_wait "3 shown" >/dev/null
unlike "$(classes)" "256|rgb" "--colors 16: no 256-colour SGR"
like "$(classes)" "(^| )(8|16)( |$)" "--colors 16: 16-colour SGR"
tui_keys q
TUI_TERM=xterm-256color tui_start -x 100 -y 12 -- --colors mono "$T/events.jsonl"
tui_wait "3 shown" >/dev/null
unlike "$(classes)" "256|rgb|16|8( |$)" "--colors mono: no colour"
tui_keys q
TUI_TERM=xterm-256color tui_start -x 100 -y 12 -e NO_COLOR=1 -- --colors 256 "$T/events.jsonl"
tui_wait "3 shown" >/dev/null
like "$(classes)" "256" "--colors 256 wins over NO_COLOR"
tui_keys q
TUI_TERM=xterm-256color tui_start -x 100 -y 12 -e NO_COLOR= -- "$T/events.jsonl"
tui_wait "3 shown" >/dev/null
like "$(classes)" "256" "an empty NO_COLOR is not set"
tui_keys q

# Truecolor needs a direct-colour terminfo entry (ncurses-term's xterm-direct).
if infocmp xterm-direct >/dev/null 2>&1; then
	run xterm-direct default
	like "$(classes)" "rgb" "xterm-direct: 38;2 truecolor"
	tui_keys q
else
	skip "no xterm-direct terminfo entry (ncurses-term): truecolor not checked"
fi

# A theme in the user's directory, found by name, inheriting a shipped one.
mkdir -p "$XDG_CONFIG_HOME/socterm/themes"
printf 'theme mine\ninherit solarized-dark\nstyle header 201 default bold\n' > "$XDG_CONFIG_HOME/socterm/themes/mine.theme"
run xterm-256color mine
like "$(screen_e | head -n 1)" "38;5;201" "user theme by name, header 201"
like "$(screen_e | sed -n 2,4p)" "38;5;136" "inherited solarized yellow for warnings"
tui_keys q

# A theme given as a file path.
printf 'style header 202 default\n' > "$T/path.theme"
run xterm-256color "$T/path.theme"
like "$(screen_e | head -n 1)" "38;5;202" "--theme FILE"
tui_keys q

# Errors: file:line, and the default theme instead.
printf 'theme broken\n\nstyle header nosuchcolour default\n' > "$T/broken.theme"
run xterm-256color "$T/broken.theme"
ok "broken theme: says the default is used, names file:line" \
	tui_wait "using the default theme: $T/broken.theme:3: unknown colour 'nosuchcolour'"
like "$(screen_e | head -n 1)" "38;5;254" "broken theme: default colours"
tui_keys q
run xterm-256color no-such-theme
ok "unknown theme name: a message" tui_wait "no theme 'no-such-theme'"
tui_keys q
printf 'style header red default\nstyle future.thing red default\n' > "$T/warn.theme"
run xterm-256color "$T/warn.theme"
ok "unknown element: a warning with file:line" tui_wait "warn.theme:2: unknown element 'future.thing'"
tui_keys q
# :theme switches live.
run xterm-256color default
tui_keys :
tui_type "theme"
tui_keys Enter
ok ":theme lists the themes" tui_wait "theme default (256 colours); available:"
# A binary with themes/ beside it (a source tree) finds them by name
# without SOCTERM_THEME_DIR.
mkdir -p "$T/tree/themes"
cp "$SOCTERM" "$T/tree/socterm"
cp "$SOCTERM_SRC/themes/light.theme" "$T/tree/themes/"
unset SOCTERM_THEME_DIR
SOCTERM="$T/tree/socterm" tui_start -- --theme light "$T/events.jsonl"
tui_wait "3 shown" >/dev/null
tui_keys :
tui_type "theme"
tui_keys Enter
ok "themes/ beside the binary is searched" tui_wait_re "available: .*light"
export SOCTERM_THEME_DIR="$SOCTERM_SRC/themes"
run xterm-256color default
tui_keys :
tui_type "theme mono"
tui_keys Enter
ok ":theme mono switches" tui_wait "theme mono"
no_colour() { ! tmux -L "$TUI_SOCK" capture-pane -e -p -t t | grep -qa $'\e\\[[0-9;]*38;5;'; }
ok "mono: no colour on screen any more" wait_for 10 "redraw without colour" no_colour
tui_keys :
tui_type "theme no-such"
tui_keys Enter
ok ":theme with an unknown name says so" tui_wait "no theme 'no-such'"
tui_keys q
done_testing
