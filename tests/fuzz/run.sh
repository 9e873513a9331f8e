#!/bin/sh
# tests/fuzz/run.sh — build the libFuzzer targets and run each for a bounded time.
#
# Layout (a new target needs only new files; nothing here changes):
#   tests/fuzz/fuzz_<name>.c    one target: LLVMFuzzerTestOneInput (and optionally
#                               LLVMFuzzerInitialize), linked with every core/*.c.
#                               A line "FUZZ_MAX_LEN=<bytes>" in it sets -max_len
#                               (default 4096).
#   tests/fuzz/<name>.dict      optional libFuzzer dictionary (-dict=).
#   tests/fuzz/corpus/<name>/   seed inputs; copied to a scratch corpus, never written.
#   tests/fuzz/regress/<name>/  inputs that once crashed the target; tests/fuzz.t
#                               replays every one of them on each `make check`.
#
# Output, under $FUZZ_OUT (default <repo>/build-fuzz):
#   libsocterm-core.a, core/*.o  core built by the Makefile with CC=clang and
#                                SAN=fuzzer-no-link,address,undefined
#   bin/fuzz_<name>              the targets
#   work/<name>/                 scratch corpus (seeds + what this run found)
#   logs/<name>.log              libFuzzer's output
#   crashes/<name>/              crash-*, leak-*, timeout-*, oom-* inputs (kept
#                                across runs: move the ones you fix to regress/)
#
# Environment: FUZZ_SECONDS (60) per target; FUZZ_TARGETS="sanitize filter" (all
# by default); FUZZ_CC (clang); FUZZ_OUT; JOBS (2) for the core build.
# `run.sh --build` only builds. Prints one line per target:
#   fuzz_<name>: execs=N corpus=N cov=N crash=no|yes
# and exits 1 if any target failed to build or found a crash.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

: "${FUZZ_SECONDS:=60}"
: "${FUZZ_TARGETS:=}"
: "${FUZZ_CC:=clang}"
: "${FUZZ_OUT:=$repo/build-fuzz}"
: "${JOBS:=2}"
build_only=
[ "${1:-}" = "--build" ] && build_only=1

# Called from `make check`/`make fuzz`: the outer make's flags (jobserver fds,
# O=, SAN=) must not leak into the core build below.
unset MAKEFLAGS MFLAGS MAKELEVEL || true

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	echo "run.sh: $FUZZ_CC not found (make deps installs clang and libclang-rt-14-dev)" >&2
	exit 1
fi

SAN_FLAGS="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
PKGS=$(sed -n 's/^PKGS *:= *//p' Makefile)
# shellcheck disable=SC2086
PKG_CFLAGS=$(pkg-config --cflags $PKGS 2>/dev/null || true)
# shellcheck disable=SC2086
PKG_LIBS=$(pkg-config --libs $PKGS 2>/dev/null || true)

# Core through the Makefile so flags, defines and dependencies stay in one
# place; -fsanitize=fuzzer-no-link adds the coverage instrumentation. Warnings
# stay visible but not fatal: -Werror is enforced by the gcc build.
build_core() {
	make --no-print-directory -j"$JOBS" O="$FUZZ_OUT" CC="$FUZZ_CC" \
		SAN=fuzzer-no-link,address,undefined CFLAGS="-O1 -g" \
		WARN="-Wall -Wextra -Wno-unused-parameter" "$FUZZ_OUT/libsocterm-core.a"
}

# build_target NAME: links tests/fuzz/fuzz_NAME.c when it or core changed.
build_target() {
	src=tests/fuzz/fuzz_$1.c
	bin=$FUZZ_OUT/bin/fuzz_$1
	mkdir -p "$FUZZ_OUT/bin"
	if [ -x "$bin" ] && [ ! "$src" -nt "$bin" ] && [ ! "$FUZZ_OUT/libsocterm-core.a" -nt "$bin" ]; then
		return 0
	fi
	echo "  FUZZ    $bin"
	# shellcheck disable=SC2086
	"$FUZZ_CC" -std=c11 -pthread $SAN_FLAGS -g -O1 -D_GNU_SOURCE -I"$repo" $PKG_CFLAGS \
		-Wall -Wextra -o "$bin" "$src" "$FUZZ_OUT/libsocterm-core.a" $PKG_LIBS -pthread -lm
}

count_files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }

# run_target NAME: fuzzes for FUZZ_SECONDS from a fresh copy of the seeds.
run_target() {
	name=$1
	bin=$FUZZ_OUT/bin/fuzz_$name
	work=$FUZZ_OUT/work/$name
	crashes=$FUZZ_OUT/crashes/$name
	log=$FUZZ_OUT/logs/$name.log
	rm -rf "$work"
	mkdir -p "$work" "$crashes" "$FUZZ_OUT/logs"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		find "tests/fuzz/corpus/$name" -type f -exec cp {} "$work/" \;
	fi
	max_len=$(sed -n 's/.*FUZZ_MAX_LEN=\([0-9][0-9]*\).*/\1/p' "tests/fuzz/fuzz_$name.c" | head -n 1)
	set -- -max_len="${max_len:-4096}" -max_total_time="$FUZZ_SECONDS" -timeout=25 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/"
	if [ -f "tests/fuzz/$name.dict" ]; then
		set -- "$@" -dict="tests/fuzz/$name.dict"
	fi
	before=$(count_files "$crashes")
	rc=0
	"$bin" "$@" "$work" >"$log" 2>&1 || rc=$?
	after=$(count_files "$crashes")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(sed -n 's/^#[0-9]*.* cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	crash=no
	if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
		crash=yes
	fi
	echo "fuzz_$name: execs=${execs:-0} corpus=$(count_files "$work") cov=${cov:-0} crash=$crash"
	if [ "$crash" = yes ]; then
		echo "  exit status $rc; new inputs in $crashes/; log $log:" >&2
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz_|artifact_prefix|Test unit written)' \
			"$log" | head -n 20 | sed 's/^/  /' >&2
		return 1
	fi
}

targets=
if [ -n "$FUZZ_TARGETS" ]; then
	for t in $FUZZ_TARGETS; do
		t=${t#fuzz_}
		if [ ! -f "tests/fuzz/fuzz_$t.c" ]; then
			echo "run.sh: no target tests/fuzz/fuzz_$t.c" >&2
			exit 1
		fi
		targets="$targets $t"
	done
else
	for f in tests/fuzz/fuzz_*.c; do
		[ -f "$f" ] || continue
		t=${f#tests/fuzz/fuzz_}
		targets="$targets ${t%.c}"
	done
fi
if [ -z "$targets" ]; then
	echo "run.sh: no targets in tests/fuzz/" >&2
	exit 1
fi

build_core
failed=0
for t in $targets; do
	if ! build_target "$t"; then
		echo "fuzz_$t: build failed" >&2
		failed=1
	fi
done
[ "$failed" -eq 0 ] || exit 1
[ -z "$build_only" ] || exit 0

for t in $targets; do
	run_target "$t" || failed=1
done
exit "$failed"
