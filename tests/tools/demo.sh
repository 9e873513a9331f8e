#!/bin/bash
# demo.sh — `make demo`: the console against a private nats-server fed with
# a continuous stream of generated, realistic Falco events (all priorities,
# syscall and k8s_audit sources, occasional bursts, a few hostile events),
# with the local Phantom emulator configured for escalations. Everything runs
# on free loopback ports in a scratch directory and stops when you quit.
set -u
SOCTERM_T_PREFIX=demo
. "${SOCTERM_SRC:-$(pwd)}/tests/lib/common.sh"
diag() { printf 'demo: %s\n' "$@" >&2; }
. "$SOCTERM_SRC/tests/lib/nats.sh"
. "$SOCTERM_SRC/tests/lib/phantom.sh"
trap run_cleanup EXIT
trap 'exit 130' INT TERM HUP

if ! [ -t 0 ] || ! [ -t 1 ]; then
	diag "the demo is interactive: run it from a terminal"
	exit 1
fi

nats_start >/dev/null || { diag "cannot start nats-server"; exit 1; }
emu_start >/dev/null || { diag "cannot start the Phantom emulator"; exit 1; }

# A realistic trickle with bursts, and about one event in a hundred hostile.
"$SOCTERM_TOOLS/falcogen" --nats "$NATS_TEST_URL" --forever --realtime --rate 25 \
	--burst 400 --burst-every 45s --hostile 1% --seed "$RANDOM" >"$T/falcogen.log" 2>&1 &
gen=$!
at_exit "kill $gen 2>/dev/null"

echo "socterm demo"
echo "  NATS      $NATS_TEST_URL (falco.<priority>.<rule>, ~25 events/s, bursts)"
echo "  Phantom   $EMU_URL (local emulator, token auth; state at $EMU_URL/emu/state)"
echo "  state     $T/state (thrown away at exit)"
echo "Keys: h or F1 for help, Enter for details, q to quit."
sleep 1

export PHANTOM_BASE_URL="$EMU_URL" PHANTOM_TOKEN="$EMU_TOKEN"
mkdir -p "$T/state"
"$SOCTERM" -s "$NATS_TEST_URL" --state-dir "$T/state"
rc=$?
kill "$gen" 2>/dev/null
exit $rc
