#!/bin/bash
# NATS connection options against real nats-servers: starting while the
# server is down, user and password in the URL, --token-file, TLS with
# --tls-ca (and without it: refused), mutual TLS with --tls-cert/--tls-key,
# and reading events from a pipe while the console uses the terminal.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"
command -v nats-server >/dev/null || skip_all "no nats-server"
command -v openssl >/dev/null || skip_all "no openssl"

GEN="$SOCTERM_TOOLS/falcogen"
# count_events URL [socterm options]: socterm --count until 2 s idle; prints events=N.
start_count() {
	"$SOCTERM" --count "$@" >"$T/count.out" 2>"$T/count.err" &
	CPID=$!
}
ready() { grep -qs ready "$T/count.err"; }
# (wait in the test's own shell: a $(...) subshell cannot wait for it)
counted() { sed -n 's/^events=\([0-9]*\).*/\1/p' "$T/count.out"; }

# A server of our own with a config: conf_server NAME 'conf lines' sets
# $port. (Not called in $(...): its at_exit would die with the subshell and
# leave the server running.)
conf_server() {
	port=$(free_port)
	printf 'listen: 127.0.0.1:%s\n%s\n' "$port" "$2" > "$T/$1.conf"
	nats-server -c "$T/$1.conf" >"$T/$1.log" 2>&1 &
	local pid=$!
	disown "$pid"
	at_exit "kill -9 $pid 2>/dev/null"
	wait_for 10 "$1 server" port_open "$port"
}

# ---- the server is down when socterm starts ----------------------------------
NATS_PORT=$(free_port)
start_count -s "nats://127.0.0.1:$NATS_PORT"
ok "started while the server is down" wait_for 10 "ready" ready
nats_start >/dev/null
# Publish until the first event is seen (the client reconnects on its own).
for _ in $(seq 1 40); do
	"$GEN" --nats "$NATS_TEST_URL" --count 10 --seed 1 2>/dev/null
	[ -s "$T/count.out" ] && break
	kill -0 "$CPID" 2>/dev/null || break
	[ "$(grep -scv -e "^ready$" -e "^connected$" "$T/count.err")" -gt 0 ] && break  # an error
	sleep 0.5
done
wait "$CPID"
n=$(counted)
ok "connected once the server came up, and received events ($n)" test "${n:-0}" -gt 0

# ---- user and password in the URL --------------------------------------------
conf_server userpw 'authorization { user: alice, password: "s3cr3t-pw" }'
start_count -s "nats://alice:s3cr3t-pw@127.0.0.1:$port"
wait_for 10 "ready" ready
"$GEN" --nats "nats://alice:s3cr3t-pw@127.0.0.1:$port" --count 25 --seed 2 2>/dev/null
wait "$CPID"
is "$(counted)" 25 "user and password in the URL"

# ---- token from a file --------------------------------------------------------------
conf_server token 'authorization { token: "tok-abc123" }'
(umask 077; echo tok-abc123 > "$T/token")
start_count -s "nats://127.0.0.1:$port" --token-file "$T/token"
wait_for 10 "ready" ready
"$GEN" --nats "nats://tok-abc123@127.0.0.1:$port" --count 15 --seed 3 2>/dev/null
wait "$CPID"
is "$(counted)" 15 "--token-file"
chmod 644 "$T/token"
out=$("$SOCTERM" --count -s "nats://127.0.0.1:$port" --token-file "$T/token" 2>&1)
like "$out" "token" "a token file readable by others is refused"

# ---- TLS ------------------------------------------------------------------------------
d="$T/tls"; mkdir -p "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/ca.key" \
	-out "$d/ca.pem" -days 2 -subj "/CN=socterm test CA" 2>/dev/null
mkcert() { # NAME SAN
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/$1.key" \
		-out "$d/$1.csr" -subj "/CN=$1" 2>/dev/null
	printf 'subjectAltName=%s\n' "$2" > "$d/$1.ext"
	openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-out "$d/$1.pem" -days 2 -extfile "$d/$1.ext" 2>/dev/null
	chmod 600 "$d/$1.key"
}
mkcert server "IP:127.0.0.1,DNS:localhost"
mkcert client "DNS:socterm-client"
conf_server tls "tls { cert_file: \"$d/server.pem\", key_file: \"$d/server.key\" }"
# The publisher (falcogen) speaks plain NATS only, so TLS is checked on the
# console's own connection state in its header.
tui_start -x 120 -y 12 -- -s "tls://127.0.0.1:$port" --tls-ca "$d/ca.pem"
ok "TLS with --tls-ca: connected" tui_wait " connected "
tui_keys q
tui_start -x 160 -y 12 -- -s "tls://127.0.0.1:$port"
ok "TLS without the CA: refused, the reason shown, and still trying" tui_wait_re "DISCONNECTED.*retrying.*(certificate|SSL|TLS|handshake)" 20
tui_keys q

# Mutual TLS: the server insists on a client certificate from our CA.
conf_server mtls "tls { cert_file: \"$d/server.pem\", key_file: \"$d/server.key\", ca_file: \"$d/ca.pem\", verify: true }"
tui_start -x 120 -y 12 -- -s "tls://127.0.0.1:$port" --tls-ca "$d/ca.pem" \
	--tls-cert "$d/client.pem" --tls-key "$d/client.key"
ok "mutual TLS with --tls-cert/--tls-key: connected" tui_wait " connected "
tui_keys q
tui_start -x 160 -y 12 -- -s "tls://127.0.0.1:$port" --tls-ca "$d/ca.pem"
ok "mutual TLS without a client certificate: not connected, still trying" tui_wait_re "(DISCONNECTED|CONNECTING).*retrying" 20
tui_keys q

# ---- events from a pipe, the console on the terminal --------------------------------
"$GEN" --count 40 --seed 5 --out "$T/40.jsonl" 2>/dev/null
REAL=$SOCTERM
printf '#!/bin/sh\ncat %s | exec %s -\n' "$T/40.jsonl" "$REAL" > "$T/piped"
chmod +x "$T/piped"
SOCTERM="$T/piped" tui_start -x 120 -y 12 --
ok "cat events | socterm -: the console reads keys from the terminal" tui_wait "40 total"
tui_keys h
ok "and answers them" tui_wait "Select the next"
tui_keys q q
SOCTERM=$REAL
done_testing
