#!/bin/bash
# bench-large.sh — the console's part of `make bench` (called by bench.sh,
# or alone): the real binary under tmux, each hostile case against the same
# keys on the same events at ordinary size (tests/tools/gen-large.sh):
#
#   deep     open the detail pane and step through 5 events carrying 151
#            values nested 2,000 deep, then the raw view
#   search   8 keys with a search active whose matches lie in 16 outputs of
#            2.5 MB of non-ASCII text
#
# Lines read "name: value unit" or "name: ratio x (what)".
set -u  # not -e: tests/lib/tmux.sh polls with commands that fail
SOCTERM_T_PREFIX=bench-large
. "${SOCTERM_SRC:-$(pwd)}/tests/lib/common.sh"
diag() { printf '# %s\n' "$@"; }
. "$SOCTERM_SRC/tests/lib/tmux.sh"
trap 'set +e; run_cleanup' EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
GEN_LARGE="$SOCTERM_SRC/tests/tools/gen-large.sh"
need() { "$@" >/dev/null || { say "large: gave up waiting ($*)"; exit 1; }; }

# Each measure leaves its result in $ms (not run in $(...): tmux.sh keeps
# its server names and cleanup in this shell).
# ms to open the detail pane on the newest of 5 events, step to the oldest
# and open the raw view.
deep_ms() {
	sh "$GEN_LARGE" "$1" > "$T/$1.jsonl"
	tui_start -x 120 -y 40 -- "$T/$1.jsonl"
	need tui_wait "5 shown/5 held" 60
	local t0
	t0=$(now_ms)
	tui_keys Enter
	need tui_wait_re '^Deep 4$' 120
	for i in 3 2 1 0; do
		tui_keys k
		need tui_wait_re "^Deep $i\$" 120
	done
	tui_keys o
	need tui_wait "raw JSON (o: fields)" 120
	ms=$(($(now_ms) - t0))
}

# ms for 8 marking keys, each answered, with a search for "tail" active.
search_ms() {
	sh "$GEN_LARGE" "$1" > "$T/$1.jsonl"
	tui_start -x 120 -y 40 -- "$T/$1.jsonl"
	need tui_wait "16 shown/16 held" 120
	tui_keys /
	tui_type tail
	tui_keys Enter
	need tui_wait "search wrapped around" 120
	local t0
	t0=$(now_ms)
	for n in 1 2 3 4 5 6 7 8; do
		tui_keys Space
		need tui_wait "| $n marked" 120
	done
	ms=$(($(now_ms) - t0))
}

deep_ms deep-plain
plain=$ms
deep_ms deep
deep=$ms
say "large deep: detail of 5 events nested 2,000 deep, then raw view: $deep ms (same events 2 deep: $plain ms)"
say "large deep ratio: $(ratio "$deep" "$plain") x the ordinary events' time"
search_ms wide-plain
plain=$ms
search_ms wide
wide=$ms
say "large search: 8 keys with a search over 16 outputs of 2.5 MB: $wide ms (40-byte outputs: $plain ms)"
say "large search ratio: $(ratio "$wide" "$plain") x the ordinary events' time"
