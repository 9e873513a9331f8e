#!/bin/bash
# bench.sh — `make bench`: socterm's speed and memory as ratios against
# baselines measured in the same run, on the same generated events.
#
#   ingest     socterm --count subscribed to NATS vs a bare nats.c + jansson
#              subscriber (tests/tools/natsbare.c), same published events
#   memory     resident bytes per event with 1,000,000 events held
#   filter     re-filtering 1,000,000 held events vs `grep -c` over the same
#              events as JSON lines on disk
#   forward    forward-only events/s vs a bare keep-alive libcurl POST loop
#              (tests/tools/bench-forward.sh, when present)
#   large      the console under tmux on huge nested and megabyte values vs
#              the same keys on ordinary events (tests/tools/bench-large.sh)
#
# Every line of results reads "name: value unit" or "name: ratio x (what)".
# BENCH_EVENTS (1000000) and BENCH_INGEST (200000) size the runs.
set -eu
SOCTERM_T_PREFIX=bench
. "${SOCTERM_SRC:-$(pwd)}/tests/lib/common.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"
trap run_cleanup EXIT
trap 'exit 130' INT TERM

N=${BENCH_EVENTS:-1000000}
NI=${BENCH_INGEST:-200000}
GEN="$SOCTERM_TOOLS/falcogen"
EV="$T/events.jsonl"

say() { printf '%s\n' "$*"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
field() { sed -n "s/.*\\b$1=\\([0-9.]*\\).*/\\1/p" | head -n 1; }
# Wall time of a command in milliseconds (best of 3).
best_ms() {
	best=
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		# Not >/dev/null: GNU grep then stops at the first match.
		"$@" >"$T/best_ms.out"
		t1=$(date +%s%N)
		ms=$(( (t1 - t0) / 1000000 ))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	done
	echo "$best"
}

say "socterm bench — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "generating $N realistic events (seed 1)..."
"$GEN" --count "$N" --seed 1 --start 2026-01-01T00:00:00Z --out "$EV" --stats 2>"$T/gen.log"
say "events: $(sed -n 's/.*avg=\([0-9]*\).*/\1/p' "$T/gen.log") bytes on average, $(( $(stat -c %s "$EV") / 1048576 )) MiB"
head -n "$NI" "$EV" > "$T/ingest.jsonl"

# ---- ingest -------------------------------------------------------------------
nats_start >/dev/null
publish() { "$GEN" --nats "$NATS_TEST_URL" --replay "$T/ingest.jsonl" 2>/dev/null; }
ingest_bare() {
	"$SOCTERM_TOOLS/natsbare" "$NATS_TEST_URL" 'falco.>' > "$T/bare.out" &
	pid=$!
	wait_for 10 "natsbare ready" grep -q ready "$T/bare.out"
	publish
	wait "$pid"
	field rate < "$T/bare.out"
}
ingest_socterm() {
	"$SOCTERM" --count --capacity "$NI" -s "$NATS_TEST_URL" > "$T/soc.out" 2> "$T/soc.err" &
	pid=$!
	wait_for 10 "socterm ready" grep -q ready "$T/soc.err"
	publish
	wait "$pid"
	field rate < "$T/soc.out"
}
bare=$(ingest_bare)
soc=$(ingest_socterm)
say "ingest bare nats.c+jansson: $bare events/s"
say "ingest socterm: $soc events/s (parsed, interned, spooled, stored)"
say "ingest ratio: $(ratio "$soc" "$bare") x (socterm / bare subscriber, $NI events)"
nats_stop

# ---- memory ------------------------------------------------------------------------
"$SOCTERM" --count --capacity "$N" "$EV" > "$T/mem.out" 2>/dev/null
bpe=$(field bytes_per_event < "$T/mem.out")
say "memory: $bpe bytes resident per event with $(field held < "$T/mem.out") events held (target <= 350)"
say "memory file ingest: $(field rate < "$T/mem.out") events/s"

# ---- filter vs grep ---------------------------------------------------------------
if [ -x "$SOCTERM_TOOLS/filterbench" ]; then
	# Field predicates: the console's filter over held events vs grep over the file.
	expr_field='priority<=warning and container.name=payments-api and proc.name=bash'
	grep_field='"proc.name":"bash"'
	expr_text='shadow'
	"$SOCTERM_TOOLS/filterbench" "$EV" "$expr_field" "$expr_text" > "$T/filter.out"
	f_ms=$(awk -F'\t' -v e="$expr_field" '$1 == e { print $3 }' "$T/filter.out")
	t_ms=$(awk -F'\t' -v e="$expr_text" '$1 == e { print $3 }' "$T/filter.out")
	g_field=$(best_ms grep -c -- "$grep_field" "$EV")
	g_text=$(best_ms grep -ci -- "$expr_text" "$EV")
	say "filter 3-term field expression over $N held events: $f_ms ms (grep -c: $g_field ms)"
	say "filter field ratio: $(ratio "$g_field" "$f_ms") x faster than grep (target >= 10)"
	say "filter substring '$expr_text': $t_ms ms (grep -ci: $g_text ms)"
	say "filter substring ratio: $(ratio "$g_text" "$t_ms") x grep's speed (target >= 1)"
else
	say "filter: skipped (no filterbench tool)"
fi

# ---- forward-only and JetStream catch-up ----------------------------------------
if [ -x "$SOCTERM_SRC/tests/tools/bench-forward.sh" ]; then
	BENCH_EVENTS_FILE="$EV" bash "$SOCTERM_SRC/tests/tools/bench-forward.sh"
else
	say "forward: skipped (no bench-forward.sh)"
fi

# ---- the console on huge values ----------------------------------------------------
if command -v tmux >/dev/null; then
	bash "$SOCTERM_SRC/tests/tools/bench-large.sh"
else
	say "large: skipped (no tmux)"
fi
