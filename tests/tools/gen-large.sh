#!/bin/sh
# gen-large.sh KIND — writes hostile-sized events to stdout, and the same
# events at ordinary size as the baseline (for tests/tui-large.t and the
# "large values" part of `make bench`):
#   deep         5 events, each with 151 values nested 2,000 deep (600 KB)
#   deep-plain   the same 5 events with those values 2 deep
#   wide         16 events whose output is 2.5 MB of non-ASCII text
#   wide-plain   the same 16 events with a 40-byte output
set -eu
case "${1:-}" in
deep | deep-plain)
	d=2000
	[ "$1" = deep-plain ] && d=2
	exec perl -e '
		my $d = shift;
		my $deep = "[" x $d . "]" x $d;
		my @f = map { "\"f$_\":$deep" } 0 .. 149;
		for my $i (0 .. 4) {
			print "{\"hostname\":\"h\",\"output\":\"deep nest\",\"priority\":\"Warning\",",
			      "\"rule\":\"Deep $i\",\"time\":\"2024-05-01T10:00:0${i}Z\",",
			      "\"nested\":{\"a\":{\"b\":[1,2]},\"deep\":$deep},",
			      "\"output_fields\":{", join(",", @f), "}}\n";
		}' "$d" ;;
wide | wide-plain)
	r=1250000
	[ "$1" = wide-plain ] && r=16
	exec perl -e '
		my $big = "\xc3\xa9x" x shift;
		for my $i (0 .. 15) {
			printf "{\"hostname\":\"h%d\",\"output\":\"look tail %s tail\",\"priority\":\"Warning\",\"rule\":\"Wide %d\",\"time\":\"2024-05-01T10:00:%02dZ\"}\n",
				$i, $big, $i, $i;
		}' "$r" ;;
*)
	echo "usage: gen-large.sh deep|deep-plain|wide|wide-plain" >&2
	exit 2 ;;
esac
