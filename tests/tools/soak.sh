#!/bin/bash
# soak.sh — a steady 1,000 events per second into the real console (under
# tmux, like an analyst's session) for SOAK_SECONDS (default 1800), with
# memory sampled every second. Prints memory over time and a verdict; exits
# non-zero if memory kept growing once the timeline was full, if an event
# was dropped, or if the console died.
#   SOAK_SECONDS   duration (make soak: 1800; make check: 30)
#   SOAK_RATE      events per second (1000)
#   SOAK_CAPACITY  events the console keeps (20000)
set -u
SOCTERM_T_PREFIX=soak
. "${SOCTERM_SRC:-$(pwd)}/tests/lib/common.sh"
diag() { printf '# %s\n' "$@"; }
. "$SOCTERM_SRC/tests/lib/nats.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"
trap run_cleanup EXIT
trap 'exit 130' INT TERM

SECS=${SOAK_SECONDS:-1800}
RATE=${SOAK_RATE:-1000}
CAP=${SOAK_CAPACITY:-20000}
fail=0

nats_start >/dev/null || { echo "soak: cannot start nats-server"; exit 1; }
tui_start -x 140 -y 40 -- -s "$NATS_TEST_URL" --capacity "$CAP"
tui_wait "connected" >/dev/null || { echo "soak: console did not connect"; exit 1; }
pid=$(tui_pid)

"$SOCTERM_TOOLS/falcogen" --nats "$NATS_TEST_URL" --rate "$RATE" --duration "${SECS}s" \
	--realtime --seed 5 --hostile 1% --stats 2>"$T/gen.log" &
gen=$!
at_exit "kill $gen 2>/dev/null"

echo "soak: $RATE events/s for ${SECS}s into the console (capacity $CAP), RSS every second"
: > "$T/rss"
start=$(date +%s)
while kill -0 "$gen" 2>/dev/null; do
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	[ -n "$rss" ] || { echo "soak: the console died"; fail=1; break; }
	echo "$(( $(date +%s) - start )) $rss" >> "$T/rss"
	sleep 1
done
wait "$gen"
published=$(sed -n 's/.*published=\([0-9]*\).*/\1/p' "$T/gen.log")
tui_wait "$(echo "$published" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') total" 30 >/dev/null ||
	{ echo "soak: not every published event reached the timeline"; fail=1; }
tui_screen | grep -q "| 0 dropped" || { echo "soak: events were dropped"; fail=1; }

# Memory over time: ten checkpoints.
n=$(wc -l < "$T/rss")
echo "soak: seconds  RSS (KiB)"
for k in 1 2 3 4 5 6 7 8 9 10; do
	sed -n "$(( (n * k + 9) / 10 ))p" "$T/rss" | awk '{ printf "soak: %7d  %9d\n", $1, $2 }'
done
# Once the timeline is full (capacity / rate seconds, plus a margin), RSS
# must stay flat: the peak of the second half within 15% + 4 MiB of the peak
# between 20% and 50% of the run (RSS moves with the mix of event sizes held).
peak() { awk -v a="$1" -v b="$2" -v n="$n" 'NR > n * a && NR <= n * b && $2 > m { m = $2 } END { print m + 0 }' "$T/rss"; }
mid=$(peak 0.2 0.5)
end=$(peak 0.5 1.0)
limit=$(( mid * 115 / 100 + 4096 ))
if [ -n "${SOCTERM_SAN:-}" ]; then
	# A sanitizer's quarantine and shadow memory grow on their own: report.
	echo "soak: under -fsanitize=$SOCTERM_SAN memory is not judged: peak ${mid} KiB in 20-50%, ${end} KiB in 50-100%"
elif [ "$end" -gt "$limit" ]; then
	echo "soak: memory kept growing: peak ${mid} KiB in 20-50%, ${end} KiB in 50-100% (limit $limit)"
	fail=1
else
	echo "soak: memory bounded: peak ${mid} KiB in 20-50%, ${end} KiB in 50-100% (limit $limit)"
fi
echo "soak: published $published events, $(tui_screen | grep -o '[0-9,]* total' | head -n 1) in the console"
tui_keys q
wait_for 10 "console exit" tui_dead >/dev/null || { echo "soak: the console did not quit"; fail=1; }
[ "$(tui_status)" = 0 ] || { echo "soak: exit status $(tui_status)"; fail=1; }
[ "$fail" = 0 ] && echo "soak: PASS" || echo "soak: FAIL"
exit "$fail"
