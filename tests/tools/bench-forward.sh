#!/bin/bash
# bench-forward.sh — the forwarder's part of `make bench` (called by
# bench.sh, or alone):
#
#   forward    `socterm --forward-only` backfilling events into the Phantom
#              emulator (outbox on tmpfs and on disk) vs tests/tools/curlloop,
#              a bare keep-alive libcurl loop POSTing the same containers
#   catch-up   the console's headless `--count --stream --durable --all`
#              reading a JetStream backlog vs `--count` over the same events
#              from a file (the same parsing and storing, no NATS)
#
# Lines read "name: value unit" or "name: ratio x (what)".
# BENCH_FORWARD (5000) events forwarded; BENCH_BACKLOG (1000000) events in
# the backlog; BENCH_EVENTS_FILE reuses events bench.sh generated.
set -eu
SOCTERM_T_PREFIX=bench-forward
. "${SOCTERM_SRC:-$(pwd)}/tests/lib/common.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"
diag() { printf '# %s\n' "$@"; }
. "$SOCTERM_SRC/tests/lib/phantom.sh"
trap 'set +e; run_cleanup' EXIT
trap 'exit 130' INT TERM
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

NF=${BENCH_FORWARD:-5000}
NB=${BENCH_BACKLOG:-1000000}
GEN="$SOCTERM_TOOLS/falcogen"
say() { printf '%s\n' "$*"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
field() { sed -n "s/.*\\b$1=\\([0-9.]*\\).*/\\1/p" | head -n 1; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

EV=${BENCH_EVENTS_FILE:-}
if [ -z "$EV" ] || [ "$(wc -l < "$EV")" -lt "$NB" ]; then
	EV="$T/events.jsonl"
	"$GEN" --count "$NB" --seed 1 --start 2026-01-01T00:00:00Z --out "$EV"
fi
head -n "$NF" "$EV" > "$T/forward.jsonl"

# ---- forward-only vs a bare libcurl loop ------------------------------------------
emu_start >/dev/null
curl_rate=$("$SOCTERM_TOOLS/curlloop" --url "$EMU_URL" --token-file "$EMU_TOKEN_FILE" \
	< "$T/forward.jsonl" | sed -n 's/.* \([0-9]*\) req\/s$/\1/p')
forward() { # STATE_DIR -> events/s
	emu_reset
	f0=$(ms)
	"$SOCTERM" --forward-only --state-dir "$1" --phantom-url "$EMU_URL" \
		--phantom-token-file "$EMU_TOKEN_FILE" --log-file "$T/fwd.log" "$T/forward.jsonl"
	f1=$(ms)
	ratio "$((NF * 1000))" "$((f1 - f0))"
}
shm=
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	shm=$(mktemp -d /dev/shm/socterm-bench.XXXXXX)
	at_exit "rm -rf '$shm'"
fi
fwd_disk=$(forward "$T/state-disk")
say "forward bare libcurl loop: $curl_rate requests/s (one keep-alive handle, $NF containers)"
say "forward socterm, outbox on disk: $fwd_disk events/s (file -> outbox -> Phantom, fsync'd steps)"
if [ -n "$shm" ]; then
	fwd_shm=$(forward "$shm/state")
	say "forward socterm, outbox on tmpfs: $fwd_shm events/s"
	say "forward ratio tmpfs: $(ratio "$fwd_shm" "$curl_rate") x (socterm / bare curl loop)"
fi
say "forward ratio disk: $(ratio "$fwd_disk" "$curl_rate") x (socterm / bare curl loop)"
emu_stop || true

# ---- JetStream catch-up over a backlog ----------------------------------------------
nats_start --js >/dev/null
"$GEN" --replay "$EV" --count "$NB" --nats "$NATS_TEST_URL" --jetstream --stream FALCO \
	--flush-timeout 60s 2>"$T/pub.err" >/dev/null
t0=$(ms)
"$SOCTERM" --count --capacity "$NB" --server "$NATS_TEST_URL" --stream FALCO --durable bench --all \
	> "$T/js.out" 2>/dev/null
t1=$(ms)
js_n=$(field events < "$T/js.out")
js_rate=$(field rate < "$T/js.out")
head -n "$NB" "$EV" | "$SOCTERM" --count --capacity "$NB" - > "$T/file.out" 2>/dev/null
file_rate=$(field rate < "$T/file.out")
say "catch-up JetStream backlog: $js_n of $NB events, $js_rate events/s (first to last event; $(( (t1 - t0) / 1000 )) s wall incl. 2 s idle exit)"
say "catch-up same events from a file: $file_rate events/s"
say "catch-up ratio: $(ratio "$js_rate" "$file_rate") x (JetStream pull+ack / file)"
nats_stop
