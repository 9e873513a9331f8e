#!/bin/bash
# fuzz.t — a short libFuzzer run of every tests/fuzz/fuzz_<name>.c target
# (FUZZ_SECONDS, default 5, each), then every saved regression input in
# tests/fuzz/regress/<name>/ replayed once through its target.
. "$SOCTERM_SRC/tests/lib/tap.sh"

cd "$SOCTERM_SRC" || exit 1
: "${FUZZ_SECONDS:=5}"
: "${FUZZ_CC:=clang}"
: "${FUZZ_OUT:=$SOCTERM_SRC/build-fuzz}"
export FUZZ_SECONDS FUZZ_CC FUZZ_OUT
unset FUZZ_TARGETS

command -v "$FUZZ_CC" >/dev/null || skip_all "$FUZZ_CC not installed"
# The fuzzer runtime (libclang-rt-*-dev) is a separate package from clang.
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$T/probe.c"
"$FUZZ_CC" -fsanitize=fuzzer,address,undefined -o "$T/probe" "$T/probe.c" >"$T/probe.log" 2>&1 ||
	skip_all "no libFuzzer runtime for $FUZZ_CC: $(head -n 1 "$T/probe.log")"

targets=()
for f in tests/fuzz/fuzz_*.c; do
	[ -f "$f" ] || continue
	t=${f#tests/fuzz/fuzz_}
	targets+=("${t%.c}")
done
[ ${#targets[@]} -gt 0 ] || skip_all "no fuzz targets"

if ! sh tests/fuzz/run.sh --build >"$T/build.log" 2>&1; then
	fail "build fuzz targets" "$(tail -n 30 "$T/build.log")"
	exit 1
fi

sh tests/fuzz/run.sh >"$T/run.out" 2>"$T/run.err"
for t in "${targets[@]}"; do
	line=$(grep "^fuzz_$t: " "$T/run.out")
	if [[ $line =~ execs=([0-9]+)\ corpus=([0-9]+)\ cov=([0-9]+)\ crash=no ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then
		pass "fuzz_$t: ${BASH_REMATCH[1]} execs in ${FUZZ_SECONDS}s, corpus ${BASH_REMATCH[2]}, cov ${BASH_REMATCH[3]}, no crash"
	else
		fail "fuzz_$t: ${line:-no result}" "$(cat "$T/run.err")" "log: $FUZZ_OUT/logs/$t.log"
	fi
done

for t in "${targets[@]}"; do
	dir=tests/fuzz/regress/$t
	files=()
	[ -d "$dir" ] && while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$dir" -type f -print0 | sort -z)
	[ ${#files[@]} -gt 0 ] || continue
	if "$FUZZ_OUT/bin/fuzz_$t" "${files[@]}" >"$T/regress-$t.log" 2>&1; then
		pass "fuzz_$t: ${#files[@]} regression inputs replayed"
	else
		fail "fuzz_$t: regression inputs" "$(grep -E 'ERROR|SUMMARY|runtime error|Running:|fuzz_' "$T/regress-$t.log" | tail -n 20)"
	fi
done
done_testing
