# tests/lib/tap.sh — TAP helpers for bash tests (sourced).
#
#   . "$(dirname "$0")/lib/tap.sh"
#   plan 3 ; ok "name" cmd... ; is "$got" "$want" "name" ; wait_for 10 "desc" cmd... ; done_testing
#
# Every test gets a private scratch directory ($T) removed at exit, a pinned
# environment (C.UTF-8, TZ=UTC, HOME and XDG dirs inside $T, INPUTRC=/dev/null)
# and cleanup hooks (at_exit "cmd") that run even when the test fails.

set -u
: "${SOCTERM:=$(pwd)/socterm}"
: "${SOCTERM_TOOLS:=$(pwd)/build/tools}"
: "${SOCTERM_SRC:=$(pwd)}"
export SOCTERM SOCTERM_TOOLS SOCTERM_SRC

_tap_n=0
_tap_fail=0
_tap_planned=
_tap_cleanup=
T=$(mktemp -d "${TMPDIR:-/tmp}/socterm-test.XXXXXX")
export T
export LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC HOME="$T/home" INPUTRC=/dev/null
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config" XDG_RUNTIME_DIR="$T/run"
unset NO_COLOR NATS_URL PHANTOM_BASE_URL PHANTOM_USER PHANTOM_PASSWORD PHANTOM_TOKEN VERIFY_SSL || true
mkdir -p "$HOME" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

at_exit() { _tap_cleanup="$1
$_tap_cleanup"; }

_tap_exit() {
	rc=$?
	set +e
	eval "$_tap_cleanup"
	if [ -z "${KEEP_TEST_DIR:-}" ]; then rm -rf "$T"; else echo "# kept $T"; fi
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

# wait_for SECONDS DESC CMD... : polls CMD every 50 ms until it succeeds or
# the deadline passes. Returns CMD's last status; never a fixed sleep.
wait_for() {
	_secs=$1; _desc=$2; shift 2
	_deadline=$(( $(date +%s%N) / 1000000 + _secs * 1000 ))
	while :; do
		if "$@"; then return 0; fi
		if [ $(( $(date +%s%N) / 1000000 )) -ge "$_deadline" ]; then
			diag "timed out after ${_secs}s waiting for: $_desc"
			return 1
		fi
		sleep 0.05
	done
}

# free_port: a TCP port on 127.0.0.1 nobody listens on right now.
free_port() {
	perl -MIO::Socket::INET -e 'my $s=IO::Socket::INET->new(Listen=>1,LocalAddr=>"127.0.0.1",LocalPort=>0) or die; print $s->sockport,"\n"'
}

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
