#!/usr/bin/env bash
# The command lines: --help for every command, exit codes (0 ok, 1 failure, 2 usage),
# configuration errors naming file, line and key, the example configurations in sync with
# the programs, key files, target import, plain text refused off loopback.
BIN=$1
SRC=$2
TEST_NAME=cli
. "$(dirname "$0")/lib.sh"
A="$AGENT_BIN"
C="$COLLECTOR_BIN"
n=0

expect_rc() {  # expect_rc WANT CMD...
	local want=$1 rc=0
	shift
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want: $(cat "$T/err")"
	n=$((n + 1))
}

for cmd in run probe keygen config; do
	expect_rc 0 "$A" "$cmd" --help
	grep -q "usage: peil-agent $cmd" "$T/out" || fail "peil-agent $cmd --help has no usage line"
done
# The benchmark's synthetic agent is a tool of its own, not a command of the shipped agent.
expect_rc 0 "$SYNTH_BIN" --help
grep -q "usage: peil-synth" "$T/out" || fail "peil-synth --help has no usage line"
expect_rc 0 "$A" --help
grep -q synth "$T/out" && fail "peil-agent --help mentions synth"
expect_rc 2 "$A" synth
for cmd in run keygen targets show export agents rounds config; do
	expect_rc 0 "$C" "$cmd" --help
	grep -q "usage: peil-collector $cmd" "$T/out" || fail "peil-collector $cmd --help has no usage line"
done
expect_rc 0 "$A" --help
expect_rc 0 "$C" --help
expect_rc 2 "$A"
expect_rc 2 "$A" frobnicate
expect_rc 2 "$C" frobnicate
expect_rc 2 "$C" show
expect_rc 2 "$C" show a b
expect_rc 2 "$C" export --format xml
expect_rc 2 "$A" probe --test no_such_test example.test
expect_rc 2 "$A" run --bogus-option

# The example configurations are what the programs say.
"$A" config >"$T/agent.conf.example"
"$C" config >"$T/collector.conf.example"
diff -u "$SRC/deploy/config/agent.conf" "$T/agent.conf.example" ||
    fail "deploy/config/agent.conf is out of date: peil-agent config > deploy/config/agent.conf"
diff -u "$SRC/deploy/config/collector.conf" "$T/collector.conf.example" ||
    fail "deploy/config/collector.conf is out of date"
n=$((n + 2))

# Configuration errors: file, line and key; exit 2.
printf '[collector]\nlisten = tcp://127.0.0.1:1\n\ninterval = soon\n' >"$T/bad.conf"
expect_rc 2 "$C" agents -c "$T/bad.conf"
grep -q "bad.conf:4: key 'collector.interval'" "$T/err" || fail "no file:line:key in: $(cat "$T/err")"
printf '[collector]\nlisen = x\n' >"$T/bad2.conf"
expect_rc 2 "$C" agents -c "$T/bad2.conf"
grep -q "bad2.conf:2: key 'collector.lisen'" "$T/err" || fail "unknown key not named: $(cat "$T/err")"
expect_rc 2 "$C" agents -c "$T/missing.conf"
grep -q "missing.conf" "$T/err" || fail "missing file not named"
expect_rc 2 "$C" agents -o collector.interval=0
grep -q "command line" "$T/err" || fail "override error does not say command line"

# Keys: written with the right modes, never overwritten silently.
expect_rc 0 "$A" keygen --output "$T/k"
[ "$(stat -c %a "$T/k.key")" = 600 ] || fail "secret key file is not mode 0600"
expect_rc 1 "$A" keygen --output "$T/k"
# Each existing file named on its own, and the ways on (--force, remove them).
grep -q "$T/k.key and $T/k.pub already exist" "$T/err" ||
    fail "overwrite refusal does not name each file: $(cat "$T/err")"
grep -q -- "--force" "$T/err" && grep -q "remove them" "$T/err" ||
    fail "overwrite refusal does not say how to replace: $(cat "$T/err")"
rm "$T/k.pub"
expect_rc 1 "$C" keygen --output "$T/k"
grep -q "$T/k.key already exists" "$T/err" || fail "one existing file not named: $(cat "$T/err")"
expect_rc 0 "$A" keygen --output "$T/k" --force

# --version on both programs, listed in the top-level help.
expect_rc 0 "$A" --version
grep -qx "peil-agent [0-9][0-9.]*" "$T/out" || fail "peil-agent --version: $(cat "$T/out")"
expect_rc 0 "$C" --version
grep -qx "peil-collector [0-9][0-9.]*" "$T/out" || fail "peil-collector --version: $(cat "$T/out")"
expect_rc 0 "$C" --help
grep -q -- "--version" "$T/out" || fail "peil-collector --help does not list --version"

# Number options say what is accepted.
expect_rc 2 "$A" run --rounds -5
grep -q "'-5' is not a whole number from 1 to " "$T/err" || fail "--rounds -5: $(cat "$T/err")"
expect_rc 2 "$A" run --rounds 99999999999999999999999
grep -q "is not a whole number from 1 to " "$T/err" || fail "--rounds overflow: $(cat "$T/err")"

# Plain text only on loopback.
printf '[collector]\nlisten = tcp://192.0.2.1:4700\nplaintext = yes\nstore = %s/s\nallowlist = %s\n' "$T" "$T" >"$T/plain.conf"
expect_rc 2 "$C" run -c "$T/plain.conf"
grep -q "not a loopback endpoint" "$T/err" || fail "plain text off loopback not refused clearly"

# Targets: a bad file imports nothing and names the line.
printf 'organisation,domain,publish\nGood Org,good.test,yes\nBad Org,not a domain,no\n' >"$T/bad.csv"
expect_rc 1 "$C" targets import -s "$T/store" "$T/bad.csv"
grep -q "bad.csv:3" "$T/err" || fail "bad CSV line not named: $(cat "$T/err")"
printf 'organisation,domain,publish\n"Org, with comma",Good.Test.,yes\nOther,other.test\n' >"$T/good.csv"
expect_rc 0 "$C" targets import -s "$T/store" "$T/good.csv"
expect_rc 0 "$C" targets list -s "$T/store"
grep -q '^"Org, with comma",good.test,yes$' "$T/out" || fail "targets list: $(cat "$T/out")"
grep -q '^"Other",other.test,no$' "$T/out" || fail "targets list: $(cat "$T/out")"
expect_rc 1 "$C" show -s "$T/store" good.test
# Nothing found: one line on stderr pointing at targets list, no header on stdout.
[ -s "$T/out" ] && fail "show printed for nothing: $(cat "$T/out")"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "show nothing: not one line: $(cat "$T/err")"
grep -q "no results for good.test.*peil-collector targets list" "$T/err" ||
    fail "show nothing does not point at targets list: $(cat "$T/err")"
expect_rc 2 "$C" show -s "$T/store" ""
expect_rc 2 "$C" show -s "$T/store" "not a domain"
grep -q "'not a domain'" "$T/err" || fail "show of a bad domain does not name it"

# Importing: singular and plural, repeated lines reported (and imported once), public
# suffixes refused with their line.
printf 'o,one.test
' >"$T/one.csv"
expect_rc 0 "$C" targets import -s "$T/store2" "$T/one.csv"
grep -qx "imported 1 domain from $T/one.csv" "$T/out" || fail "singular: $(cat "$T/out")"
printf 'o,a.test
o,b.test
o,A.test.
p,c.test
o,b.test
' >"$T/dup.csv"
expect_rc 0 "$C" targets import -s "$T/store2" "$T/dup.csv"
grep -qx "imported 3 domains from $T/dup.csv" "$T/out" || fail "plural: $(cat "$T/out")"
grep -q "2 repeated lines.*imported once: lines 3, 5$" "$T/err" ||
    fail "repeated lines not reported: $(cat "$T/err")"
expect_rc 0 "$C" targets list -s "$T/store2"
[ "$(grep -c '^"o",a.test,no$' "$T/out")" -eq 1 ] || fail "a repeated line imported twice"
printf 'o,fine.test
TLD,test
' >"$T/tld.csv"
expect_rc 1 "$C" targets import -s "$T/store2" "$T/tld.csv"
grep -q "tld.csv:2: .*public suffix" "$T/err" || fail "bare TLD not refused: $(cat "$T/err")"
printf 'UK,co.uk
' >"$T/psl.csv"
expect_rc 1 "$C" targets import -s "$T/store2" "$T/psl.csv"
grep -q "psl.csv:1: .*public suffix" "$T/err" || fail "co.uk not refused: $(cat "$T/err")"
expect_rc 1 "$C" targets import -s "$T/store2" "$T/nosuch.csv"
grep -q "nosuch.csv: No such file or directory" "$T/err" || fail "missing CSV: $(cat "$T/err")"

# --format: one list per command, the same names; each documented one works (exit 0),
# anything else exits 2 naming the accepted ones; --help names exactly them.
"$C" rounds -s "$T/store2" --open >/dev/null 2>&1 || fail "rounds --open"
for cmd in "show one.test" export agents rounds "targets list"; do
	# shellcheck disable=SC2086
	expect_rc 0 "$C" $cmd --help
	for f in table json csv; do
		grep -q "$f" "$T/out" || fail "$cmd --help does not name --format $f"
	done
	grep -q "jsonl" "$T/out" && fail "$cmd --help names jsonl"
	for f in table json csv; do
		rc=0
		# shellcheck disable=SC2086
		"$C" $cmd -s "$T/store2" --format $f >"$T/out" 2>"$T/err" || rc=$?
		case "$cmd" in show*) want=1 ;; *) want=0 ;; esac
		[ "$rc" -eq "$want" ] || fail "$cmd --format $f exited $rc: $(cat "$T/err")"
		n=$((n + 1))
	done
	for f in xml jsonl JSONX ""; do
		# shellcheck disable=SC2086
		expect_rc 2 "$C" $cmd -s "$T/store2" --format "$f"
		grep -q "is not one of table, json, csv\|is not one of csv, json, table" "$T/err" ||
		    fail "$cmd --format '$f': $(cat "$T/err")"
	done
done
# The output is the format asked for.
"$C" rounds -s "$T/store2" --format csv | head -1 | grep -qx "round,started,ended,targets,results,refused" ||
    fail "rounds --format csv is not CSV"
"$C" rounds -s "$T/store2" --format json | grep -q '^{"round":1,' || fail "rounds --format json"
"$C" agents -s "$T/store2" --format csv | head -1 | grep -q "^agent,ipv4,ipv6," ||
    fail "agents --format csv is not CSV"
"$C" targets list -s "$T/store2" --format table | head -1 | grep -q "^DOMAIN " ||
    fail "targets list --format table is not a table"
"$C" targets list -s "$T/store2" --format json | grep -q '^{"organisation":"o","domain":"a.test"' ||
    fail "targets list --format json"

# The store: a missing directory says so and names -c and --store.
expect_rc 1 "$C" agents -s "$T/no/such/dir"
grep -q "cannot open the store in $T/no/such/dir: No such file or directory" "$T/err" ||
    fail "missing store not named: $(cat "$T/err")"
grep -q -- "-c FILE.*--store DIR" "$T/err" || fail "missing store: no hint: $(cat "$T/err")"
grep -qi "input/output" "$T/err" && fail "missing store reported as I/O error"
expect_rc 1 "$C" targets import -s "$T/no/such/dir" "$T/one.csv"
grep -q "No such file or directory" "$T/err" || fail "store not creatable: $(cat "$T/err")"
# A missing configuration file or key file: the cause and the next step.
expect_rc 2 "$C" agents -c "$T/missing.conf"
grep -q "peil-collector config > FILE" "$T/err" || fail "missing config: no hint: $(cat "$T/err")"
expect_rc 1 "$C" run -o collector.store="$T/store3" -o collector.secret_key="$T/nokey" \
    -o collector.allowlist="$T"
grep -q "nokey: No such file or directory.*peil-collector keygen" "$T/err" ||
    fail "missing key file: $(cat "$T/err")"

"$C" keygen --output "$T/coll" >/dev/null || fail "collector keygen"
expect_rc 1 timeout 10 "$C" run -o collector.store="$T/store3" -o collector.secret_key="$T/coll.key" \
    -o collector.allowlist="$T/noallow" -o collector.listen=tcp://127.0.0.1:1
grep -q "noallow: No such file or directory (collector.allowlist: " "$T/err" ||
    fail "missing allowlist: $(cat "$T/err")"

# Every command's help documents its exit statuses.
for cmd in run keygen targets show export agents rounds config; do
	expect_rc 0 "$C" "$cmd" --help
	grep -q "^Exit status: 0" "$T/out" || fail "peil-collector $cmd --help: no exit statuses"
done
echo "$n passed, 0 failed"
