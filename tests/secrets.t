#!/bin/bash
# A planted Phantom token and password, and a NATS URL password, must never
# show up in argv, the environment of the running process, logs, state files,
# the screen, or a core dump.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"
. "$SOCTERM_SRC/tests/lib/tmux.sh"
. "$SOCTERM_SRC/tests/lib/phantom.sh"
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

TOKEN="tok-planted-$RANDOM$RANDOM-secret"
PASS="pw-planted-$RANDOM$RANDOM-secret"
NATSPW="natspw-planted-$RANDOM$RANDOM"
printf '%s\n' "$PASS" > "$T/pw" && chmod 600 "$T/pw"
nats_start >/dev/null || skip_all "cannot start nats-server"
EMU_TOKEN=$TOKEN emu_start >/dev/null || skip_all "cannot start the Phantom emulator"
URL="nats://u:$NATSPW@127.0.0.1:$NATS_PORT"
# The emulator's credentials are exported for the helpers; the programs under
# test must not inherit them, or they would be found below.
export -n EMU_TOKEN EMU_PASSWORD
"$SOCTERM_TOOLS/falcogen" --count 20 --seed 1 --out "$T/20.jsonl" 2>/dev/null

leaks() { # FILE...: prints the files holding a planted secret
	grep -lsa -e "$TOKEN" -e "$PASS" -e "$NATSPW" "$@"
}

# ---- the console -------------------------------------------------------------------
tui_start -x 140 -y 30 -e PHANTOM_BASE_URL="$EMU_URL" -e PHANTOM_TOKEN="$TOKEN" \
	-e PHANTOM_USER=analyst -- --state-dir "$T/state" -s "$URL" --phantom-password-file "$T/pw"
ok "console up" tui_wait "connected"
pid=$(tui_pid)
is "$(leaks "/proc/$pid/cmdline" "/proc/$pid/environ")" "" "console: not in argv or the environment"
tui_screen > "$T/screen"
is "$(leaks "$T/screen")" "" "console: not on the screen"
like "$(cat "$T/screen")" "nats://u:\\*+@127.0.0.1" "the NATS URL is shown redacted"
tui_keys q
wait_for 10 "exit" tui_dead >/dev/null
is "$(leaks "$TUI_LOG" -r "$T/state")" "" "console: not in what reached the terminal, nor in the state dir"

# ---- --print-config masks them -----------------------------------------------------
out=$(PHANTOM_TOKEN="$TOKEN" PHANTOM_BASE_URL="$EMU_URL" "$SOCTERM" --print-config -s "$URL" \
	--phantom-password-file "$T/pw" 2>&1)
unlike "$out" "$TOKEN|$PASS|$NATSPW" "--print-config: masked"
like "$out" '\*\*\*\*' "--print-config: shows that they are set"

# ---- the forwarder: logs, state, environment, core dumps ------------------------------
PHANTOM_TOKEN="$TOKEN" "$SOCTERM" --forward-only --state-dir "$T/fwd" --phantom-url "$EMU_URL" \
	--log-format json --log-file "$T/fwd.log" "$T/20.jsonl" 2>"$T/fwd.err"
is "$?" 0 "forwarder: backfill delivered"
is "$(leaks "$T/fwd.log" "$T/fwd.err" -r "$T/fwd")" "" "forwarder: not in logs or state files"

# A process holding credentials writes no core file (prctl PR_SET_DUMPABLE 0):
# libcurl and nats.c keep their own copies of them in ordinary memory.
mkdir -p "$T/cwd"
(
	cd "$T/cwd" || exit 1
	ulimit -c unlimited
	PHANTOM_TOKEN="$TOKEN" exec "$SOCTERM" --forward-only --state-dir "$T/fwd2" \
		--phantom-url "$EMU_URL" -s "$NATS_TEST_URL" --log-file "$T/fwd2.log"
) 2>"$T/fwd2.err" &
fpid=$!
ok "forwarder running" wait_for 10 "status" test -s "$T/fwd2/status.json"
kill -SEGV "$fpid"
wait "$fpid" 2>/dev/null
# A sanitizer catches SIGSEGV itself and never dumps core: the check (and
# its control below) only mean something in the plain build.
if [ -n "${SOCTERM_SAN:-}" ]; then
	skip "a sanitizer handles SIGSEGV itself and writes no core"
else
	is "$(ls "$T/cwd" | grep -c core)" 0 "a crash with credentials in memory leaves no core file"
fi
# Without credentials the same crash does dump (so the check above means something).
(
	cd "$T/cwd" || exit 1
	ulimit -c unlimited
	exec "$SOCTERM" --count -s "$NATS_TEST_URL"
) 2>/dev/null &
cpid=$!
sleep_until_ready() { [ -d "/proc/$cpid" ] && grep -q 'State:.S' "/proc/$cpid/status"; }
wait_for 10 "counter up" sleep_until_ready
kill -SEGV "$cpid"
wait "$cpid" 2>/dev/null
if [ -n "${SOCTERM_SAN:-}" ]; then
	skip "a sanitizer handles SIGSEGV itself and writes no core"
elif [ "$(cat /proc/sys/kernel/core_pattern)" = core ] || [ "$(cat /proc/sys/kernel/core_pattern)" = core.%p ]; then
	ok "without credentials a crash does dump core (control)" bash -c "ls '$T/cwd' | grep -q core"
else
	skip "core_pattern sends cores elsewhere: $(cat /proc/sys/kernel/core_pattern)"
fi
done_testing
