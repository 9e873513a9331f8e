# tests/lib/common.sh — shared by the shell tests (tap.sh), the demo and the
# benchmarks (sourced, bash): a private scratch directory $T removed at exit,
# cleanup hooks (at_exit "cmd"), polling with a deadline (never fixed sleeps),
# and free loopback ports.

: "${SOCTERM:=$(pwd)/socterm}"
: "${SOCTERM_TOOLS:=$(pwd)/build/tools}"
: "${SOCTERM_SRC:=$(pwd)}"
export SOCTERM SOCTERM_TOOLS SOCTERM_SRC

T=$(mktemp -d "${TMPDIR:-/tmp}/socterm-${SOCTERM_T_PREFIX:-test}.XXXXXX")
export T
_common_cleanup=
at_exit() { _common_cleanup="$1
$_common_cleanup"; }
run_cleanup() {
	set +e # cleanup steps may fail (a process already gone); errexit must not stop them
	eval "$_common_cleanup"
	_common_cleanup=
	if [ -z "${KEEP_TEST_DIR:-}" ]; then rm -rf "$T"; else echo "# kept $T"; fi
}

# wait_for SECONDS DESC CMD... : polls CMD every 50 ms until it succeeds or
# the deadline passes. Returns CMD's last status.
wait_for() {
	_secs=$1; _desc=$2; shift 2
	_deadline=$(( $(date +%s%N) / 1000000 + _secs * 1000 ))
	while :; do
		if "$@"; then return 0; fi
		if [ $(( $(date +%s%N) / 1000000 )) -ge "$_deadline" ]; then
			echo "# timed out after ${_secs}s waiting for: $_desc"
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
