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
grep -q "exists" "$T/err" || fail "overwrite refusal does not say why"
expect_rc 0 "$A" keygen --output "$T/k" --force

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
echo "$n passed, 0 failed"
