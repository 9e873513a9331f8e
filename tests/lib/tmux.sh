# tests/lib/tmux.sh — drive the real socterm binary in a private tmux server
# (sourced after tap.sh). Everything the program writes to the terminal is
# also logged byte for byte ($TUI_LOG) so tests can prove what reached it.
#
#   tui_start [-x W] [-y H] [-e VAR=VAL]... -- ARGS...   start socterm ARGS
#   tui_screen            the visible screen (text)
#   tui_keys KEYS...      tmux send-keys (names like Enter, Escape, C-l)
#   tui_type TEXT         send TEXT literally
#   tui_wait TEXT [SECS]  poll until the screen contains TEXT (fixed string)
#   tui_wait_re RE [SECS] poll until the screen matches the extended regex
#   tui_wait_gone TEXT [SECS]
#   tui_resize W H
#   tui_dead              true once socterm has exited; tui_status = its exit code
#   tui_pid               socterm's pid

TUI_SOCK="socterm-test-$$"
TUI_LOG="$T/tui-output.log"
_tmux() { tmux -L "$TUI_SOCK" -f /dev/null "$@"; }

tui_start() {
	_w=100 _h=30 _envs=""
	while [ $# -gt 0 ]; do
		case "$1" in
		-x) _w=$2; shift 2 ;;
		-y) _h=$2; shift 2 ;;
		-e) _envs="$_envs $(printf '%q' "$2")"; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	# socterm runs under a shell that records its pid and exit status (tmux
	# reports a dead pane before it has reaped the process).
	_cmd="env TERM=${TUI_TERM:-xterm-256color} LC_ALL=${TUI_LC:-C.UTF-8} $_envs sh -c 'echo \$\$ > $(printf '%q' "$T/tui-pid"); exec \"\$0\" \"\$@\"' $(printf '%q ' "$SOCTERM" "$@"); echo \$? > $(printf '%q' "$T/tui-status")"
	if _tmux kill-server 2>/dev/null; then
		# A new session must not reach the old server while it shuts down.
		wait_for 5 "old tmux server gone" _tui_no_server
	fi
	_tui_reap
	# ...and, as a dying server may still answer for a moment, a fresh socket.
	_tui_runs=$((${_tui_runs:-0} + 1))
	TUI_SOCK="socterm-test-$$-$_tui_runs"
	: > "$TUI_LOG"
	rm -f "$T/tui-go" "$T/tui-pid" "$T/tui-status"
	# The pane waits until output logging is attached, then execs socterm.
	_tmux new-session -d -s t -x "$_w" -y "$_h" \
		"while [ ! -e $(printf '%q' "$T/tui-go") ]; do sleep 0.01; done; $_cmd"
	at_exit "tmux -L $TUI_SOCK kill-server 2>/dev/null; _tui_reap"
	_tmux set-option -t t remain-on-exit on
	_tmux set-option -t t -g set-clipboard off
	_tmux pipe-pane -t t -o "cat >> $(printf '%q' "$TUI_LOG")"
	touch "$T/tui-go"
}
_tui_no_server() { ! _tmux list-sessions >/dev/null 2>&1; }
# The hangup of a killed tmux server ends the console; if it has not after
# 10 s (seen: a sanitizer build's exit-time leak check spinning once its
# terminal was gone), it is killed, so that no test leaves a process
# behind to slow the rest of the run.
_tui_alive() { [ -n "$_tui_last_pid" ] && kill -0 "$_tui_last_pid" 2>/dev/null; }
_tui_reap() {
	_tui_last_pid=$(cat "$T/tui-pid" 2>/dev/null)
	_tui_alive || return 0
	wait_for 10 "the console to end" eval '! _tui_alive' >/dev/null 2>&1 && return 0
	echo "# socterm ($_tui_last_pid) still running after its terminal went: killed"
	kill -9 "$_tui_last_pid" 2>/dev/null
}
tui_screen() { _tmux capture-pane -p -t t; }
tui_keys() { _tmux send-keys -t t "$@"; }
tui_type() { _tmux send-keys -t t -l "$1"; }
_tui_has() { tui_screen | grep -qF -- "$1"; }
_tui_has_re() { tui_screen | grep -qE -- "$1"; }
_tui_hasnt() { ! tui_screen | grep -qF -- "$1"; }
tui_wait() { wait_for "${2:-10}" "screen shows '$1'" _tui_has "$1" || { tui_screen | sed 's/^/#| /'; return 1; }; }
tui_wait_re() { wait_for "${2:-10}" "screen matches /$1/" _tui_has_re "$1" || { tui_screen | sed 's/^/#| /'; return 1; }; }
tui_wait_gone() { wait_for "${2:-10}" "screen no longer shows '$1'" _tui_hasnt "$1" || { tui_screen | sed 's/^/#| /'; return 1; }; }
tui_resize() { _tmux resize-window -t t -x "$1" -y "$2"; }
tui_dead() { [ -s "$T/tui-status" ]; }
tui_status() { cat "$T/tui-status" 2>/dev/null; }
tui_pid() { wait_for 5 "socterm started" test -s "$T/tui-pid" && cat "$T/tui-pid"; }
