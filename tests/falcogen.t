#!/usr/bin/env bash
# falcogen: realistic Falco events (shape, priorities, sizes, determinism,
# output built from the rule format), falcosidekick payloads, hostile
# events, and publishing to a real nats-server (core, JetStream, replay).
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/nats.sh"

FG="$SOCTERM_TOOLS/falcogen"
NCOUNT="$SOCTERM_TOOLS/natscount"
[ -x "$FG" ] && [ -x "$NCOUNT" ] || skip_all "falcogen/natscount not built (make tools)"
command -v jq >/dev/null || skip_all "jq not installed"
START=2024-05-01T10:00:00Z

# check.pl RULES EVENTS: recomputes every non-hostile event's `output` from
# its rule format and output_fields (exact integers, unlike jq 1.6), checks
# output_fields holds exactly the format's fields plus evt.time, that
# evt.time equals `time`, and that times never go backwards.
cat > "$T/check.pl" <<'EOF'
use strict; use warnings; use JSON::PP; use Time::Local qw(timegm);
my ($rules, $events) = @ARGV;
my (%fmt, @info);
open my $rf, '<', $rules or die "$rules: $!";
while (<$rf>) {
	chomp;
	if (/^# %container\.info [^:]*: (.*)$/) { push @info, $1; next }
	next if /^#/;
	my @c = split /\t/;
	$fmt{$c[0]} = $c[4] if $c[1] ne '*';
}
die "no container.info expansions listed\n" unless @info == 2;
sub render { my $v = shift; return '<NA>' unless defined $v;
	return '(' . join(',', @$v) . ')' if ref $v eq 'ARRAY'; return "$v" }
my $js = JSON::PP->new->utf8;
my ($n, $bad, $last) = (0, 0, 0);
open my $ef, '<', $events or die "$events: $!";
while (my $line = <$ef>) {
	chomp $line;
	my $e = eval { $js->decode($line) };
	next unless ref $e eq 'HASH' && defined $e->{rule} && $e->{rule} !~ /^Hostile: /;
	$n++;
	my $err;
	my ($y, $mo, $d, $h, $mi, $s, $frac) =
		$e->{time} =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$/
		or do { $bad++; warn "bad time $e->{time}\n"; next };
	$frac = substr(($frac // '') . '000000000', 0, 9);
	my $ns = timegm($s, $mi, $h, $d, $mo - 1, $y) * 1000000000 + $frac;
	my $of = $e->{output_fields};
	$err = "evt.time $of->{'evt.time'} != $ns" if $of->{'evt.time'} != $ns;
	$err = "time goes backwards" if $ns < $last;
	$last = $ns;
	my $f = $fmt{$e->{rule}} // do { $bad++; warn "rule not in table: $e->{rule}\n"; next };
	my $matched = 0;
	for my $ci (@info) {
		(my $fx = $f) =~ s/%container\.info/$ci/;
		my %want = ('evt.time' => 1);
		(my $msg = $fx) =~ s{%([a-z_][a-z0-9_.]*(?:\[[^\]]*\])?)}{$want{$1} = 1; render($of->{$1})}ge;
		next unless join(',', sort keys %$of) eq join(',', sort keys %want);
		my $want_out = "$h:$mi:$s.$frac: $e->{priority} $msg";
		if ($e->{output} eq $want_out) { $matched = 1; last }
		$err //= "output differs:\n  got  $e->{output}\n  want $want_out";
	}
	$err //= "output_fields keys do not match the format" unless $matched;
	if ($err) { $bad++; warn "$e->{rule}: $err\n" if $bad < 5 }
}
print "checked=$n bad=$bad\n";
EOF

# statv KEY FILE: value of KEY=... in a --stats line
statv() { grep -o "$1=[0-9]*" "$2" | tail -1 | cut -d= -f2; }
# nonobjects FILE: lines that are not a JSON object (jq decides)
nonobjects() { jq -R 'try (fromjson | type) catch "invalid"' "$1" | grep -vc '^"object"$'; }
# surrogates FILE: lone-surrogate events. Go's decoder (what Falco's NATS
# publishers use) accepts them, so falcogen does not count them as
# malformed, but jq 1.6 refuses them.
surrogates() { grep -ac 'Hostile: lone surrogate' "$1"; }

"$FG" --list-rules > "$T/rules.tsv"
ok "--list-rules prints the rule table" test -s "$T/rules.tsv"
is "$(grep -v '^#' "$T/rules.tsv" | awk -F'\t' '$2 != "*" {print $2}' | sort -u | tr '\n' ' ')" \
	"Alert Critical Debug Emergency Error Informational Notice Warning " "the rule table covers all eight priorities"
is "$(grep -v '^#' "$T/rules.tsv" | awk -F'\t' '$2 != "*" {print $3}' | sort -u | tr '\n' ' ')" \
	"aws_cloudtrail k8s_audit syscall " "sources syscall, k8s_audit, aws_cloudtrail"
is "$(awk -F'\t' '$1 == "Attach/Exec Pod" {print $4}' "$T/rules.tsv")" "falco.notice.attach_exec_pod" \
	"subject slug: lower-case, runs of [^a-z0-9] -> _"
is "$(awk -F'\t' '$1 == "Redirect STDOUT/STDIN to Network Connection in Container" {print $4}' "$T/rules.tsv")" \
	"falco.notice.redirect_stdout_stdin_to_network_connection_in_container" "subject slug of a rule with /"

# --- raw Falco events -------------------------------------------------------
"$FG" --seed 42 --start "$START" --count 3000 --out "$T/ev.jsonl" --stats 2> "$T/ev.stats"
is "$(wc -l < "$T/ev.jsonl")" 3000 "3000 events written"
is "$(nonobjects "$T/ev.jsonl")" 0 "every line is a JSON object jq parses"
# one jq pass; the checks below read this summary
jq -r '[.priority, .source, .rule, .time, (.tags | join(",")), (.tags == (.tags | sort)), (keys | join(",")),
	([.output_fields[] | select(. == "<NA>")] | length), (.output_fields["proc.tty"] | type),
	(.output_fields["ka.req.pod.containers.image"] | type), (.output_fields["container.id"] // "-")] | @tsv' \
	"$T/ev.jsonl" > "$T/ev.tsv"
col() { cut -f"$1" "$T/ev.tsv"; }
is "$(col 7 | sort -u)" "hostname,output,output_fields,priority,rule,source,tags,time" "Falco >= 0.33 key set on every event"
is "$(head -c 12 "$T/ev.jsonl")" '{"hostname":' "keys serialised in Falco >= 0.39 (sorted) order"
is "$(col 1 | sort -u | tr '\n' ' ')" \
	"Alert Critical Debug Emergency Error Informational Notice Warning " "all eight priorities in 3000 events"
is "$(col 2 | sort -u | tr '\n' ' ')" "aws_cloudtrail k8s_audit syscall " "all three sources present"
ok "MITRE tactic and technique tags present" \
	test "$(col 5 | tr ',' '\n' | grep -cE '^(mitre_[a-z_]+|T[0-9]{4}(\.[0-9]{3})?)$')" -gt 1000
is "$(col 6 | sort -u)" "true" "tags sorted as Falco sorts them"
is "$(awk -F'\t' '$2 == "k8s_audit" {print $5}' "$T/ev.tsv" | sort -u)" "k8s" "k8s_audit rules tagged k8s"
ok "the same rule appears with an overridden priority" \
	test "$(awk -F'\t' '$3 == "Terminal shell in container" {print $1}' "$T/ev.tsv" | sort -u | wc -l)" -eq 2
ok "time is RFC 3339 UTC with 9 fraction digits" \
	test "$(col 4 | grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$')" -eq 0
ok "events in time order" bash -c "cut -f4 '$T/ev.tsv' | LC_ALL=C sort -c"
like "$(col 4 | head -1)" '^2024-05-01T10:00:00\.000' "--start sets the first event's time"
like "$(col 4 | tail -1)" '^2024-05-01T10:00:0[23]\.' "--step 1ms by default"
ok "null values present in output_fields" test "$(grep -c '":null' "$T/ev.jsonl")" -gt 50
ok '"<NA>" strings present in output_fields' test "$(col 8 | awk '{ s += $1 } END { print s }')" -gt 10
ok "integer values present (pids, uids, tty)" test "$(col 9 | grep -c number)" -gt 1000
ok "array values present (ka.req.pod.containers.image)" test "$(col 10 | grep -c array)" -gt 10
is "$(grep -oE '\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b' "$T/ev.jsonl" | \
	grep -cvE '^(192\.0\.2|198\.51\.100|203\.0\.113)\.|^0\.0\.0\.0$')" 0 "IP addresses only from the documentation ranges"
ok "containers drawn from a large pool" test "$(col 11 | sort -u | wc -l)" -gt 500

avg=$(statv avg "$T/ev.stats"); min=$(statv min "$T/ev.stats"); max=$(statv max "$T/ev.stats")
diag "sizes: min=$min avg=$avg max=$max"
ok "average size about 900 B (850..1050)" test "$avg" -ge 850 -a "$avg" -le 1050
ok "sizes in range (min >= 300, max <= 4096)" test "$min" -ge 300 -a "$max" -le 4096
is "$(LC_ALL=C awk '{ b += length($0) } END { print int(b / NR) }' "$T/ev.jsonl")" "$avg" "--stats avg matches the file"

# (JSON::PP is slow: the first 1000 events keep this test quick)
head -1000 "$T/ev.jsonl" > "$T/ev1000.jsonl"
res=$(perl "$T/check.pl" "$T/rules.tsv" "$T/ev1000.jsonl" 2> "$T/check.err")
[ -s "$T/check.err" ] && diag "$(head -20 "$T/check.err")"
is "$res" "checked=1000 bad=0" "output = time prefix + priority + format applied to output_fields (exact)"

# the same with jq for a few events whose values jq can hold exactly
fmt=$(awk -F'\t' '$1 == "Terminal shell in container" {print $5; exit}' "$T/rules.tsv")
pk=$(sed -n 's/^# %container.info with -pk[^:]*: //p' "$T/rules.tsv")
plain=$(sed -n 's/^# %container.info otherwise: //p' "$T/rules.tsv")
jqbad=$(jq -r --arg fmt "$fmt" --arg pk "$pk" --arg plain "$plain" '
	select(.rule == "Terminal shell in container") | . as $e
	| (if ($e.output_fields | has("k8s.pod.name")) then $pk else $plain end) as $ci
	| ($fmt | sub("%container.info"; $ci)
	  | gsub("%(?<f>[a-z_][a-z0-9_.]*)"; ($e.output_fields[.f] | if . == null then "<NA>" else tostring end))) as $msg
	| ($e.time | .[11:19] + .[19:29]) + ": " + $e.priority + " " + $msg
	| select(. != $e.output)' "$T/ev.jsonl" | head -5)
is "$jqbad" "" "jq agrees for every Terminal shell in container event"

# --- determinism --------------------------------------------------------------
"$FG" --seed 42 --start "$START" --count 3000 --out "$T/ev2.jsonl"
ok "same seed and start give identical events" cmp -s "$T/ev.jsonl" "$T/ev2.jsonl"
"$FG" --seed 43 --start "$START" --count 3000 --out "$T/ev3.jsonl"
ok "another seed gives other events" bash -c "! cmp -s '$T/ev.jsonl' '$T/ev3.jsonl'"
"$FG" --seed 42 --start 2024-05-01T12:00:00+02:00 --step 2s --count 5 --out "$T/step.jsonl"
# event i falls in [start + 2i s, start + 2(i+1) s)
is "$(jq -r .time "$T/step.jsonl" | awk -F'[T:.]' '{ printf "%s %s:%d ", $1, $2, int($4 / 2) }')" \
	"2024-05-01 10:0 2024-05-01 10:1 2024-05-01 10:2 2024-05-01 10:3 2024-05-01 10:4 " \
	"--start with an offset and --step 2s"
now=$(date -u +%s)
"$FG" --realtime --count 3 --out "$T/rt.jsonl"
"$FG" --seed 42 --start 2024-05-01T10:00:00.123456789Z --step 0s --count 20 --out "$T/ns.jsonl"
is "$(jq -r 'select(.source == "syscall") | .time' "$T/ns.jsonl" | sort -u)" "2024-05-01T10:00:00.123456789Z" \
	"--start keeps nanoseconds (syscall events; plugin sources carry µs)"
ok "--realtime stamps events with the wall clock" \
	test $(( $(date -u -d "$(jq -r .time "$T/rt.jsonl" | tail -1)" +%s) - now )) -le 5

# --- falcosidekick payloads -------------------------------------------------------
"$FG" --sidekick --seed 7 --start "$START" --count 400 --out "$T/sk.jsonl"
is "$(nonobjects "$T/sk.jsonl")" 0 "sidekick: every line is a JSON object"
is "$(jq -c keys_unsorted "$T/sk.jsonl" | sort -u)" \
	'["uuid","output","priority","rule","time","output_fields","source","tags","hostname"]' "sidekick: FalcoPayload key order"
is "$(jq -r .uuid "$T/sk.jsonl" | grep -cvE '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')" 0 \
	"sidekick: uuid is a v4 UUID"
is "$(jq -r .uuid "$T/sk.jsonl" | sort -u | wc -l)" 400 "sidekick: uuids unique"
is "$(jq -r .time "$T/sk.jsonl" | grep -cE '0Z$|\.Z$')" 0 "sidekick: time fraction trimmed of trailing zeros"
ok "sidekick: some times lost digits to trimming" test "$(jq -r .time "$T/sk.jsonl" | grep -cvE '\.[0-9]{9}Z$')" -gt 40
is "$(jq -c 'select(.tags != (.tags | sort))' "$T/sk.jsonl" | wc -l)" 0 "sidekick: tags sorted"
ok "sidekick: Go escapes < > as \\u003c \\u003e" grep -q 'exe_flags=\\u003cNA\\u003e' "$T/sk.jsonl"
is "$(grep -c '[<>]' "$T/sk.jsonl")" 0 "sidekick: no raw < or > left"
is "$(perl "$T/check.pl" "$T/rules.tsv" "$T/sk.jsonl" 2>&1 | tail -1)" "checked=400 bad=0" \
	"sidekick: output still equals the format applied"

# --- hostile events ------------------------------------------------------------------
"$FG" --hostile-only --seed 3 --start "$START" --count 48 --out "$T/h.jsonl" --stats 2> "$T/h.stats"
is "$(wc -l < "$T/h.jsonl")" 48 "--hostile-only: 48 lines"
is "$(statv hostile "$T/h.stats"):$(statv malformed "$T/h.stats")" "48:6" "--stats counts hostile and malformed events"
is "$(nonobjects "$T/h.jsonl")" "$((6 + $(surrogates "$T/h.jsonl")))" \
	"jq parses every line but the malformed ones (and lone surrogates)"
missing=
while IFS=$'\t' read -r name prio _; do
	[ "$prio" = "*" ] || continue
	[ "$(grep -acF "$name" "$T/h.jsonl")" -eq 2 ] || missing="$missing [$name]"
done < "$T/rules.tsv"
is "$missing" "" "every hostile kind appears, named in its rule"
hl() { grep -aF "Hostile: $1" "$T/h.jsonl" | head -1; }
like "$(hl 'OSC 52')" '\\u001b\]52;c;' "OSC 52 escape inside the cmdline"
like "$(hl 'CSI clear')" '\\u001b\[2J' "CSI clear screen"
like "$(hl 'OSC 8')" '\\u001b\]8;;http://203\.0\.113\.7' "OSC 8 hyperlink"
like "$(hl 'DCS')" '\\u001bP\+q' "DCS"
like "$(hl 'APC')" '\\u001b_G' "APC"
ok "C1 CSI (U+009B) as UTF-8" bash -c "grep -aF 'Hostile: C1' '$T/h.jsonl' | head -1 | grep -q \$'\\xc2\\x9b'"
ok "bidi override U+202E and isolates" bash -c "grep -aF 'Hostile: bidi' '$T/h.jsonl' | head -1 | grep -q \$'\\xe2\\x80\\xae.*\\xe2\\x81\\xa6'"
ok "DEL byte in the process name" bash -c "grep -aF 'Hostile: DEL' '$T/h.jsonl' | head -1 | grep -q \$'ba\\x7f'"
like "$(hl 'newline')" "echo ok\\\\nrm -rf /tmp/x'\\\\r\\\\tuptime" "newline, CR and tab escaped inside the cmdline"
like "$(hl 'NUL')" 'shadow\\u0000 --hidden' "NUL escaped inside a value"
like "$(hl 'lone surrogate')" '\\ud800x\\udfff' "lone surrogates"
ok "raw invalid UTF-8 bytes inside a JSON string" \
	bash -c "grep -aF 'Hostile: invalid UTF-8' '$T/h.jsonl' | head -1 | LC_ALL=C grep -q \$'a\\x80\\xff\\xfe\\xc3z'"
ok "overlong encoding C0 AF" bash -c "grep -aF 'Hostile: overlong' '$T/h.jsonl' | head -1 | LC_ALL=C grep -q \$'/etc/..\\xc0\\xafpasswd'"
like "$(hl 'integer above 2^53')" '"proc.tty":9007199254740993' "integer above 2^53"
like "$(hl 'integer above 2^63')" '"proc.tty":18446744073709551615.*"user.loginuid":-9223372036854775809' "integers beyond int64"
like "$(hl 'unknown priority')" '"priority":"Severe"' "unknown priority"
like "$(hl 'output_fields null')" '"output_fields":null' "output_fields null"
is "$(hl 'missing output' | jq 'has("output")')" "false" "missing output"
like "$(hl 'missing value')" '"evt.time":,' 'the real Falco bug "evt.time":,'
is "$(hl 'not an object' | jq -r type)" "array" "a line that is not an object"
ok "a truncated line" bash -c "! grep -aF 'Hostile: truncated' '$T/h.jsonl' | head -1 | jq . >/dev/null 2>&1"
ok "a 1 MB command line" test "$(hl '1 MB' | wc -c)" -gt 2097152

"$FG" --hostile 10% --seed 11 --start "$START" --count 500 --out "$T/mix.jsonl" --stats 2> "$T/mix.stats"
h=$(statv hostile "$T/mix.stats")
ok "--hostile 10% mixes in about 50 hostile events ($h)" test "$h" -ge 25 -a "$h" -le 75
is "$(nonobjects "$T/mix.jsonl")" "$(( $(statv malformed "$T/mix.stats") + $(surrogates "$T/mix.jsonl") ))" \
	"--hostile: jq fails exactly on the malformed lines counted (and lone surrogates)"
is "$(grep -ac 'Hostile: ' "$T/mix.jsonl")" "$h" "--hostile: hostile events are found by their rule name"

# --- NATS ----------------------------------------------------------------------------------
nats_start --js || skip_all "cannot start nats-server"

# count_start NAME [natscount args]: a subscriber on falco.> that is ready.
# With --expect it stops at that count; the idle limit only ends a run that
# would otherwise hang (sanitizer builds publish slowly).
count_start() {
	local name=$1; shift
	"$NCOUNT" --url "$NATS_TEST_URL" --ready "$T/$name.ready" --idle 1s --timeout 30s "$@" > "$T/$name.out" &
	eval "${name}_pid=$!"
	wait_for 10 "natscount ready" test -e "$T/$name.ready"
}

count_start core --expect 2000 --idle 10s
"$FG" --nats "$NATS_TEST_URL" --seed 42 --start "$START" --count 2000 --stats 2> "$T/pub.err"
is "$?" 0 "publishing to nats-server exits 0"
wait "$core_pid"
is "$(statv published "$T/pub.err")" 2000 "--stats reports 2000 published"
like "$(head -1 "$T/core.out")" '^count=2000 subjects=[0-9]+ dropped=0$' "the subscriber received all 2000 events"
is "$(tail -n +2 "$T/core.out" | cut -f2 | grep -cvE '^falco\.[a-z]+\.[a-z0-9_]+$')" 0 "subjects are falco.<priority>.<rule_slug>"
ok "falco.notice.terminal_shell_in_container used" grep -qP '\tfalco\.notice\.terminal_shell_in_container$' "$T/core.out"
ok "falco.critical.terminal_shell_in_container used (priority override)" \
	grep -qP '\tfalco\.critical\.terminal_shell_in_container$' "$T/core.out"
is "$(tail -n +2 "$T/core.out" | cut -f2 | grep -vxFf <(cut -f4 "$T/rules.tsv") | wc -l)" 0 \
	"every subject is one listed by --list-rules"

count_start replay --dump "$T/replay.dump" --expect 48 --idle 10s
"$FG" --replay "$T/h.jsonl" --nats "$NATS_TEST_URL" --stats 2> "$T/replay.err"
wait "$replay_pid"
ok "--replay publishes every line byte for byte" cmp -s "$T/h.jsonl" "$T/replay.dump"
is "$(grep -P '\tfalco\.unknown\.malformed$' "$T/replay.out" | cut -f1)" 6 "malformed lines go to falco.unknown.malformed"
is "$(statv malformed "$T/replay.err")" 6 "--replay --stats counts malformed lines"
ok "hostile events keep their own subjects" grep -qP '\tfalco\.[a-z]+\.hostile_osc_52_clipboard_write_in_cmdline$' "$T/replay.out"

"$FG" --nats "$NATS_TEST_URL" --jetstream --stream FALCO --seed 5 --count 500 --stats 2> "$T/js.err"
is "$?" 0 "--jetstream exits 0 when every publish is acknowledged"
like "$(grep -o 'stored=[0-9]* of [0-9]*' "$T/js.err")" '^stored=500 of 500$' "--jetstream reports 500 stored"
is "$("$NCOUNT" --url "$NATS_TEST_URL" --stream-info FALCO | cut -d' ' -f1)" "stream_msgs=500" "the stream holds the 500 events"

"$FG" --nats "$NATS_TEST_URL" --jetstream --count 5 --flush-timeout 2s 2> /dev/null
is "$("$NCOUNT" --url "$NATS_TEST_URL" --stream-info FALCO | cut -d' ' -f1)" "stream_msgs=505" "later JetStream publishes stored"

# SIGINT while publishing forever: flush, exit 0, nothing lost
count_start sig --dump "$T/sig.dump"
"$FG" --nats "$NATS_TEST_URL" --forever --rate 2000 --stats 2> "$T/sig.err" &
fg_pid=$!
wait_for 10 "events arriving" bash -c "[ \$(wc -l < '$T/sig.dump') -ge 200 ]"
kill -INT "$fg_pid"
wait "$fg_pid"
is "$?" 0 "SIGINT: flush and exit 0"
wait "$sig_pid"
n=$(statv published "$T/sig.err")
like "$(head -1 "$T/sig.out")" "^count=$n " "SIGINT: every published event ($n) reached the subscriber"

# --- pacing ------------------------------------------------------------------------------
"$FG" --rate 1000 --count 300 --out /dev/null --stats 2> "$T/rate.err"
ms=$(statv elapsed_ms "$T/rate.err")
ok "--rate 1000 --count 300 takes about 0.3 s ($ms ms)" test "$ms" -ge 280 -a "$ms" -le 1500
"$FG" --rate 10 --burst 50 --burst-every 100ms --duration 250ms --out /dev/null --stats 2> "$T/burst.err"
n=$(statv published "$T/burst.err")
# Two bursts are due (100 and 200 ms); on a loaded machine (sanitizer builds
# running beside) the second may fall past the end, so one is enough.
ok "--duration 250ms, rate 10/s plus 50 every 100ms: whole bursts on top of ~3 paced events ($n)" \
	test "$n" -ge 51 -a "$n" -le 106 -a $(( n % 50 )) -le 6

"$FG" --no-such-option > /dev/null 2>&1
is "$?" 2 "unknown option exits 2"
"$FG" --start yesterday > /dev/null 2>&1
is "$?" 2 "bad --start exits 2"

done_testing
