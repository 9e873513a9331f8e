# tests/lib/nats.sh — a private nats-server on a free loopback port (sourced after tap.sh).
#
#   nats_start [--js]   start; sets NATS_PORT, NATS_TEST_URL, NATS_PID (JetStream store in $T)
#   nats_stop           SIGTERM and wait
#   nats_kill           SIGKILL (crash)
#   nats_restart        start again on the same port with the same store
#   nats_freeze / nats_thaw   SIGSTOP / SIGCONT

NATS_PID=
NATS_PORT=
NATS_JS=
nats_start() {
	[ "${1:-}" = "--js" ] && NATS_JS=1
	command -v nats-server >/dev/null || { echo "nats-server not installed"; return 1; }
	[ -n "$NATS_PORT" ] || NATS_PORT=$(free_port)
	NATS_TEST_URL="nats://127.0.0.1:$NATS_PORT"
	export NATS_PORT NATS_TEST_URL
	mkdir -p "$T/nats"
	{
		echo "listen: 127.0.0.1:$NATS_PORT"
		echo "server_name: socterm_test_$NATS_PORT"
		echo "max_payload: 8MB"
		if [ -n "$NATS_JS" ]; then
			echo "jetstream { store_dir: \"$T/nats/js\", max_memory_store: 256MB, max_file_store: 4GB }"
		fi
	} > "$T/nats/server.conf"
	nats-server -c "$T/nats/server.conf" >>"$T/nats/server.log" 2>&1 &
	NATS_PID=$!
	disown "$NATS_PID" # no "Killed" job notices from bash
	at_exit "kill -9 $NATS_PID 2>/dev/null"
	wait_for 10 "nats-server on $NATS_PORT" port_open "$NATS_PORT"
}
_nats_gone() { ! kill -0 "$1" 2>/dev/null && ! port_open "$NATS_PORT"; }
nats_stop() { [ -n "$NATS_PID" ] && kill "$NATS_PID" 2>/dev/null && wait_for 10 "nats-server exit" _nats_gone "$NATS_PID"; NATS_PID=; return 0; }
nats_kill() { [ -n "$NATS_PID" ] && kill -9 "$NATS_PID" 2>/dev/null && wait_for 10 "nats-server exit" _nats_gone "$NATS_PID"; NATS_PID=; return 0; }
nats_restart() { nats_start ${NATS_JS:+--js}; }
nats_freeze() { kill -STOP "$NATS_PID"; }
nats_thaw() { kill -CONT "$NATS_PID"; }
