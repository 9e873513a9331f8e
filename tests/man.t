#!/bin/bash
# The man pages against the code: each page renders with groff without a
# warning; socterm(1) lists every row of the key table (keys and action
# name, from --list-keys), every command-line option (from --help), every
# exit code (enum exit_code) and every shipped theme; socterm.conf(5) every
# config key (from --print-config); socterm-theme(5) every UI element
# (UI_ELEMENTS in tui/colors.h). --help, --version and the pages agree.
. "$SOCTERM_SRC/tests/lib/tap.sh"

man=$SOCTERM_SRC/man
command -v groff >/dev/null || skip_all "groff not installed (make deps: groff-base)"

# Wide lines and no hyphenation, so names and sentences are never broken.
render() { groff -man -Tascii -rLL=400n -rHY=0 -P-c -P-b -P-u "$1" 2>/dev/null; }

for page in socterm.1 socterm.conf.5 socterm-theme.5; do
	f=$man/$page
	ok "$page exists" test -s "$f"
	out=$(groff -man -ww -z -rCHECKSTYLE=3 "$f" 2>&1); rc=$?
	is "$rc:$out" "0:" "$page: groff -man -ww renders without a warning"
	ok "$page: ASCII source (escapes for anything else)" bash -c "! LC_ALL=C grep -q '[^[:print:][:space:]]' '$f'"
	like "$(render "$f" | head -n 1)" "^SOCTERM" "$page: renders a title line"
done

# ---- keys: every row of the key table, as .B "KEYS" then "(action) help" ----
keys_src=$(sed 's/\\-/-/g' "$man/socterm.1")
missing=()
while IFS=$'\t' read -r group keys name help; do
	if ! printf '%s\n' "$keys_src" | grep -A1 -xF ".B \"$keys\"" | grep -qF "($name) "; then
		missing+=("$name")
		diag "add to the KEYS section of man/socterm.1 (group $group):" \
			".TP" ".B \"${keys//-/\\-}\"" "($name) $help."
	fi
done < <("$SOCTERM" --list-keys)
is "${missing[*]}" "" "socterm.1 lists every key table row (keys and action name)"
nrows=$("$SOCTERM" --list-keys | wc -l)
ok "the key table has rows ($nrows)" test "$nrows" -gt 20

# ---- options: every option --help shows ----
page1=$(render "$man/socterm.1")
opts=$("$SOCTERM" --help | grep -oE '(^|[ ,])--(\[no-\])?[a-z][a-z0-9-]*' | sed -E 's/^[ ,]//; s/\[no-\]//' | sort -u)
ok "--help lists options" test "$(printf '%s\n' "$opts" | wc -l)" -gt 40
missing=()
for o in $opts; do
	printf '%s\n' "$page1" | grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" || missing+=("$o")
done
is "${missing[*]}" "" "socterm.1 documents every option of --help"
for s in -h -V -s; do
	printf '%s\n' "$page1" | grep -qE -- "(^| )$s," && pass "short option $s" || fail "short option $s in socterm.1"
done

# ---- config keys: every key --print-config writes ----
keys=$("$SOCTERM" --print-config | sed -nE 's/^#? ?([a-z][a-z0-9-]*) = .*/\1/p' | sort -u)
ok "--print-config lists keys" test "$(printf '%s\n' "$keys" | wc -l)" -gt 40
conf_src=$(sed 's/\\-/-/g' "$man/socterm.conf.5")
missing=()
for k in $keys; do
	printf '%s\n' "$conf_src" | grep -qE "^\\.B[IR]? $k( |\$)" || missing+=("$k")
done
is "${missing[*]}" "" "socterm.conf.5 has an entry for every config key"
# ...and every key --help shows as an option is a config key, except the
# command-line-only ones (config and the actions).
help_keys=$(printf '%s\n' "$opts" | sed 's/^--//' | grep -vxE 'config|help|version|print-config|status|list-keys|count')
extra=$(comm -23 <(printf '%s\n' "$help_keys" | sort -u) <(printf '%s\n' "$keys"))
is "$extra" "" "--help and --print-config agree on the option table"

# ---- elements: every UI element in socterm-theme(5) ----
elems=$(sed -nE 's/^[[:space:]]*X\([A-Z0-9_]+, "([a-z0-9._-]+)".*/\1/p' "$SOCTERM_SRC/tui/colors.h")
ok "UI_ELEMENTS found in tui/colors.h" test "$(printf '%s\n' "$elems" | wc -l)" -gt 30
theme_section=$(sed 's/\\-/-/g' "$man/socterm-theme.5" | sed -n '/^\.SH ELEMENTS/,/^\.SH /p' |
	grep -E '^\.(B|BR|TQ)( |$)' | tr -c 'a-z0-9._\n-' ' ' | tr ' ' '\n' | sort -u)
missing=()
for e in $elems; do
	printf '%s\n' "$theme_section" | grep -qxF "$e" || missing+=("$e")
done
is "${missing[*]}" "" "socterm-theme.5 describes every UI element"
stale=()
for e in $(printf '%s\n' "$theme_section" | grep -E '^[a-z]+(\.[a-z]+)+$'); do
	printf '%s\n' "$elems" | grep -qxF "$e" || stale+=("$e")
done
is "${stale[*]}" "" "socterm-theme.5 names no element that does not exist"

# ---- exit codes: enum exit_code in core/config.h ----
codes=$(sed -n '/^enum exit_code {/,/^};/p' "$SOCTERM_SRC/core/config.h" | grep -oE '= [0-9]+' | tr -dc '0-9\n')
ok "exit codes found" test "$(printf '%s\n' "$codes" | wc -l)" -ge 10
exit_section=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$man/socterm.1")
missing=()
for c in $codes; do
	printf '%s\n' "$exit_section" | grep -qx ".B $c" || missing+=("$c")
done
is "${missing[*]}" "" "socterm.1 explains every exit code"

# ---- shipped themes, and what socterm.1 says about JetStream and forward-only ----
for f in "$SOCTERM_SRC"/themes/*.theme; do
	n=${f##*/}
	n=${n%.theme}
	like "$page1" "Shipped:.*${n}" "socterm.1 names the shipped theme $n"
	like "$(render "$man/socterm-theme.5")" "^ +${n}( |$)" "socterm-theme.5 describes the shipped theme $n"
done
for o in --stream --durable --create-stream --since --all --forward-only; do
	like "$page1" "socterm .*${o}( |$)" "an example uses $o"
done
like "$page1" "ExecStart=.*socterm --forward-only" "systemd unit example runs --forward-only"
like "$page1" "User=socterm" "the unit runs as an unprivileged user"

# ---- --version, --help and the pages agree ----
version=$("$SOCTERM" --version)
mkver=$(sed -nE 's/^VERSION *:= *//p' "$SOCTERM_SRC/Makefile")
is "$version" "socterm $mkver" "--version is the Makefile's VERSION"
for page in socterm.1 socterm.conf.5 socterm-theme.5; do
	like "$(head -n 6 "$man/$page" | grep '^\.TH')" "\"socterm $mkver\"" "$page: .TH carries version $mkver"
done
like "$("$SOCTERM" --help)" "socterm\\.conf\\(5\\)" "--help points to socterm.conf(5)"
like "$("$SOCTERM" --help)" "See socterm\\(1\\)" "--help points to socterm(1)"
ok "make man-lint passes" make -s -C "$SOCTERM_SRC" man-lint
done_testing
