# tests/lib/phantom.sh — a private Phantom (SOAR) REST emulator (sourced after tap.sh).
#
#   emu_start [--tls] [ARGS...]  start $SOCTERM_TOOLS/phantom-emu on a free loopback port
#                                (ARGS go to phantom-emu: --label, --fault, ...). Exports
#                                EMU_PID EMU_PORT EMU_URL EMU_TOKEN EMU_USER EMU_PASSWORD,
#                                EMU_TOKEN_FILE / EMU_PASSWORD_FILE (for configs: secrets
#                                never go on a command line) and, with --tls, EMU_CA (the
#                                CA that signed the server's 127.0.0.1/localhost cert).
#   emu_stop                     SIGTERM, wait; returns the emulator's exit status
#   emu_restart                  stop, then start again on the same port with the same arguments
#                                (the model is in memory: a restart empties it)
#   emu_curl ARGS...             curl -sS with the CA preset (control API, raw calls)
#   emu_get PATH                 GET PATH with the token; prints the body
#   emu_fault JSON               add a fault rule (tests/tools/phantom-emu/fault.h)
#   emu_clear_faults             remove every fault rule
#   emu_reset                    empty the model and counters, clear faults
#   emu_state                    print GET /emu/state (containers, counters, faults)
#   emu_stats                    print GET /emu/stats (record counts and counters, no records)
#   emu_count KIND               print how many containers|artifacts|notes|comments exist
#   emu_requests [N]             print the last N requests as a JSON array
# The control API (/emu/...) is never subject to faults, so these helpers keep
# working while a test makes the REST routes fail.

EMU_PID=
EMU_PORT=
EMU_URL=
EMU_CA=
EMU_TLS=
EMU_ARGS=()

# A CA and a server certificate for 127.0.0.1 and localhost, made once per test.
_emu_make_certs() {
	local d="$T/emu/tls"
	[ -s "$d/server.pem" ] && return 0
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$d/ca.key" -out "$d/ca.pem" -days 2 -subj "/CN=phantom-emu test CA" 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null &&
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
		"extendedKeyUsage=serverAuth" > "$d/ext" &&
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-out "$d/server.pem" -days 2 -extfile "$d/ext" 2>/dev/null
}

# At exit: SIGTERM (a clean exit 0, no "Killed" notice), SIGKILL if it hangs.
_emu_reap() {
	kill "$1" 2>/dev/null || return 0
	local i
	for i in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

_emu_ready() { [ -s "$T/emu/port" ] || ! kill -0 "$EMU_PID" 2>/dev/null; }

emu_start() {
	EMU_TLS=
	if [ "${1:-}" = "--tls" ]; then EMU_TLS=1; shift; fi
	EMU_ARGS=("$@")
	mkdir -p "$T/emu"
	: "${EMU_TOKEN:=tok-$RANDOM$RANDOM$RANDOM}"
	: "${EMU_USER:=soc-analyst}"
	: "${EMU_PASSWORD:=pw-$RANDOM$RANDOM}"
	EMU_TOKEN_FILE="$T/emu/token"
	EMU_PASSWORD_FILE="$T/emu/password"
	(umask 077; printf '%s\n' "$EMU_TOKEN" > "$EMU_TOKEN_FILE"; printf '%s\n' "$EMU_PASSWORD" > "$EMU_PASSWORD_FILE")
	export EMU_TOKEN EMU_USER EMU_PASSWORD EMU_TOKEN_FILE EMU_PASSWORD_FILE

	local args=(--port "${EMU_PORT:-0}" --port-file "$T/emu/port" --token-file "$EMU_TOKEN_FILE"
		    --user "$EMU_USER" --password-file "$EMU_PASSWORD_FILE")
	local scheme=http
	EMU_CA=
	if [ -n "$EMU_TLS" ]; then
		_emu_make_certs || { echo "# openssl failed to make test certificates"; return 1; }
		args+=(--tls-cert "$T/emu/tls/server.pem" --tls-key "$T/emu/tls/server.key")
		EMU_CA="$T/emu/tls/ca.pem"
		scheme=https
	fi
	rm -f "$T/emu/port"
	"$SOCTERM_TOOLS/phantom-emu" "${args[@]}" "$@" >>"$T/emu/stdout" 2>>"$T/emu/stderr" &
	EMU_PID=$!
	at_exit "_emu_reap $EMU_PID"
	wait_for 10 "phantom-emu to listen" _emu_ready || return 1
	if [ ! -s "$T/emu/port" ]; then
		diag "phantom-emu exited:" "$(cat "$T/emu/stderr")"
		return 1
	fi
	EMU_PORT=$(cat "$T/emu/port")
	EMU_URL="$scheme://127.0.0.1:$EMU_PORT"
	export EMU_PID EMU_PORT EMU_URL EMU_CA
}

emu_stop() {
	[ -n "$EMU_PID" ] || return 0
	kill "$EMU_PID" 2>/dev/null
	local rc=0
	wait "$EMU_PID" 2>/dev/null || rc=$?
	EMU_PID=
	return $rc
}

emu_restart() { emu_stop; emu_start ${EMU_TLS:+--tls} "${EMU_ARGS[@]}"; }

emu_curl() { curl -sS ${EMU_CA:+--cacert "$EMU_CA"} "$@"; }
emu_get() { emu_curl -H "ph-auth-token: $EMU_TOKEN" "$EMU_URL$1"; }
# Prints the answer ({"success":true,"id":N}); fails when the rule was refused.
emu_fault() {
	local out
	out=$(emu_curl -w '\n%{http_code}' -X POST --data-binary "$1" "$EMU_URL/emu/fault") || return 1
	printf '%s\n' "${out%$'\n'*}"
	[ "${out##*$'\n'}" = 200 ]
}
emu_clear_faults() { emu_curl -X DELETE "$EMU_URL/emu/fault" >/dev/null; }
emu_reset() { emu_curl -X POST "$EMU_URL/emu/reset" >/dev/null; }
emu_state() { emu_curl "$EMU_URL/emu/state"; }
emu_stats() { emu_curl "$EMU_URL/emu/stats"; }
emu_count() { emu_stats | jq -r ".$1"; }
emu_requests() { emu_curl "$EMU_URL/emu/requests?n=${1:-100}"; }
