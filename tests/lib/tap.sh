# tests/lib/tap.sh — TAP helpers for bash tests (sourced).
#
#   . "$(dirname "$0")/lib/tap.sh"
#   plan 3 ; ok "name" cmd... ; is "$got" "$want" "name" ; wait_for 10 "desc" cmd... ; done_testing
#
# On top of common.sh (scratch dir $T, at_exit, wait_for, free_port), every
# test gets a pinned environment (C.UTF-8, TZ=UTC, HOME and XDG dirs inside
# $T, INPUTRC=/dev/null).

set -u
. "${SOCTERM_SRC:-$(pwd)}/tests/lib/common.sh"

_tap_n=0
_tap_fail=0
_tap_planned=
export LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC HOME="$T/home" INPUTRC=/dev/null
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config" XDG_RUNTIME_DIR="$T/run"
unset NO_COLOR NATS_URL PHANTOM_BASE_URL PHANTOM_USER PHANTOM_PASSWORD PHANTOM_TOKEN VERIFY_SSL || true
mkdir -p "$HOME" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

_tap_exit() {
	rc=$?
	set +e
	run_cleanup
	if [ -z "$_tap_planned" ]; then echo "1..$_tap_n"; fi
	if [ "$_tap_fail" -gt 0 ] && [ "$rc" -eq 0 ]; then rc=1; fi
	exit "$rc"
}
trap _tap_exit EXIT
trap 'exit 130' INT TERM HUP

plan() { _tap_planned=1; echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; _tap_planned=1; exit 0; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
pass() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
fail() { _tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1)); echo "not ok $_tap_n - $1"; shift; [ $# -gt 0 ] && diag "$@"; return 0; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $*"; }

# ok NAME CMD... : passes when CMD exits 0.
ok() { _name=$1; shift; if "$@"; then pass "$_name"; else fail "$_name" "command failed: $*"; fi; }
# is GOT WANT NAME
is() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "got:  '$1'" "want: '$2'"; fi; }
# like GOT REGEX NAME (grep -E)
like() { if printf '%s\n' "$1" | grep -Eq -- "$2"; then pass "$3"; else fail "$3" "'$1'" "does not match /$2/"; fi; }
unlike() { if printf '%s\n' "$1" | grep -Eq -- "$2"; then fail "$3" "'$1'" "matches /$2/"; else pass "$3"; fi; }
done_testing() { echo "1..$_tap_n"; _tap_planned=1; }
