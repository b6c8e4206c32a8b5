#!/usr/bin/env bash
# The vantages' consensus (docs/consensus.md) over the real protocol: four authenticated raw
# agents send their self-tests (results with an empty domain) and verdicts that disagree; the
# collector stores them, and show (table, json, csv), export and agents give each vantage's
# verdict, the consensus, the disagreement flag with who saw what, the self-tests, and the
# vantage that lies (vantage_ipv6 passed, every IPv6 test error).
#   a: IPv6 (self-test passed), ROV passed
#   b: IPv6 (self-test passed), ROV failed; sees the web host's IPv6 fail, an RPKI invalid
#   c: no IPv6 (its Hello says so, no vantage_ipv6 result), ROV failed
#   d: says vantage_ipv6 passed, yet every one of its 3 IPv6 reachability tests is error
BIN=$1
TEST_NAME=consensus
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47141}
RAW="$BIN/tests/integration/rawagent"

make_keys a b c d
write_collector_conf "$PORT"
import_targets 2
start_collector
EP="tcp://127.0.0.1:$PORT"
PUB="$T/keys/collector.pub"
D0=synth0.example.nl
D1=synth1.example.nl

send() {   # send AGENT IPV6 BATCH
	local a=$1 v6=$2
	shift 2
	RAWAGENT_IPV6=$v6 "$RAW" send "$EP" "$PUB" "$T/keys/$a.key" "$@" >"$T/$a.out" \
	    2>"$T/$a.err.log" || fail "rawagent $a failed: $(cat "$T/$a.err.log")"
	grep -q "round 1 handed out" "$T/$a.out" || fail "$a was not handed round 1: $(cat "$T/$a.out")"
}
# a also sends a result with an empty domain that is not a self-test: refused, not a target.
send a 1 "R:-:vantage_ipv6=passed,R:-:vantage_rov=passed,R:-:web_caa=passed,\
R:$D0:web_ipv6_ws_reach=passed,R:$D0:mail_auth_spf_policy=passed,R:$D0:web_rpki_valid=passed,\
R:$D0:web_https_http_hsts=passed,R:$D1:web_ipv6_ws_reach=passed"
grep -qx "batch 1: ack refused=1" "$T/a.out" || fail "a: $(cat "$T/a.out")"
send b 1 "R:-:vantage_ipv6=passed,R:-:vantage_rov=failed,\
R:$D0:web_ipv6_ws_reach=failed,R:$D0:mail_auth_spf_policy=passed,R:$D0:web_rpki_valid=failed,\
R:$D0:web_https_http_hsts=failed"
send c 0 "R:-:vantage_rov=failed,\
R:$D0:web_ipv6_ws_reach=not_tested,R:$D0:mail_auth_spf_policy=passed,\
R:$D0:web_rpki_valid=failed,R:$D0:web_https_http_hsts=error"
send d 1 "R:-:vantage_ipv6=passed,R:-:vantage_rov=not_tested,\
R:$D0:web_ipv6_ws_reach=error,R:$D0:mail_auth_spf_policy=passed,R:$D1:web_ipv6_ws_reach=error,\
R:$D1:mail_ipv6_mx_reach=error"
for a in b c d; do
	grep -qx "batch 1: ack refused=0" "$T/$a.out" || fail "$a: $(cat "$T/$a.out")"
done

"$COLLECTOR_BIN" show -c "$T/collector.conf" --format json "$D0" >"$T/show0.json" ||
    fail "show --format json failed"
"$COLLECTOR_BIN" show -c "$T/collector.conf" --format json "$D1" >"$T/show1.json" ||
    fail "show --format json failed"
"$COLLECTOR_BIN" show -c "$T/collector.conf" --format csv "$D0" >"$T/show0.csv" ||
    fail "show --format csv failed"
"$COLLECTOR_BIN" show -c "$T/collector.conf" "$D0" >"$T/show0.txt" || fail "show failed"
"$COLLECTOR_BIN" export -c "$T/collector.conf" >"$T/export.jsonl" || fail "export failed"
"$COLLECTOR_BIN" export -c "$T/collector.conf" --format csv >"$T/export.csv" ||
    fail "export --format csv failed"
"$COLLECTOR_BIN" agents -c "$T/collector.conf" --format json >"$T/agents.json" ||
    fail "agents --format json failed"
"$COLLECTOR_BIN" agents -c "$T/collector.conf" >"$T/agents.txt" || fail "agents failed"
cat "$T/show0.txt" "$T/agents.txt"

python3 - "$T" "$D0" "$D1" <<'PY' || fail "consensus wrong (above)"
import csv, json, sys
T, D0, D1 = sys.argv[1:4]
bad = []
def rows(path):
    return [json.loads(l) for l in open(path) if l.strip()]
def expect(what, got, want):
    if got != want:
        bad.append(f"{what}: got {got!r}, want {want!r}")

show = rows(f"{T}/show0.json") + rows(f"{T}/show1.json")
by = {(r["domain"], r["test"], r["vantage"]): r for r in show}
# Per test: consensus, disagree, who, the same on every vantage's line.
want = {
    (D0, "web_ipv6_ws_reach"): ("failed", True, "a=passed b=failed d=error"),
    (D0, "mail_auth_spf_policy"): ("passed", False, "a=passed b=passed c=passed d=passed"),
    (D0, "web_rpki_valid"): ("failed", True, "a=passed b=failed c=failed"),
    (D0, "web_https_http_hsts"): ("failed", True, "a=passed b=failed c=error"),
    (D1, "web_ipv6_ws_reach"): ("passed", True, "a=passed d=error"),
    (D1, "mail_ipv6_mx_reach"): ("error", False, "d=error"),
}
for (d, t), (cons, dis, who) in want.items():
    lines = [r for r in show if r["domain"] == d and r["test"] == t]
    if not lines:
        bad.append(f"{d} {t}: no lines")
    for r in lines:
        expect(f"{d} {t} [{r['vantage']}] consensus", r.get("consensus"), cons)
        expect(f"{d} {t} [{r['vantage']}] disagree", r.get("disagree"), dis)
        expect(f"{d} {t} [{r['vantage']}] who", r.get("who"), who)
expect("lines of show", len(show), 4 + 4 + 3 + 3 + 2 + 1)
# c has no IPv6: its not_tested is shown, not counted.
expect("c's ipv6 reach counted", by[(D0, "web_ipv6_ws_reach", "c")]["counted"], False)
expect("c's rpki counted", by[(D0, "web_rpki_valid", "c")]["counted"], True)
expect("d's error counted", by[(D0, "web_ipv6_ws_reach", "d")]["counted"], True)
# d lies: every line of d says so; nobody else's does.
flag = "vantage d: vantage_ipv6 passed but all 3 IPv6 tests error"
for r in show:
    expect(f"{r['domain']} {r['test']} [{r['vantage']}] flag", r.get("vantage_flag"),
           flag if r["vantage"] == "d" else None)
# Self-tests are no domain's: show has none of them.
expect("self-tests in show", [r for r in show if r["test"].startswith("vantage_")], [])

# show --format csv: the result's columns, then the consensus's.
with open(f"{T}/show0.csv", newline="") as f:
    c = list(csv.DictReader(f))
expect("csv columns", list(c[0].keys())[-5:],
       ["consensus", "disagree", "who", "counted", "vantage_flag"])
r = [x for x in c if x["test"] == "web_ipv6_ws_reach" and x["vantage"] == "c"][0]
expect("csv c ipv6", (r["status"], r["consensus"], r["disagree"], r["who"], r["counted"]),
       ("not_tested", "failed", "yes", "a=passed b=failed d=error", "no"))

# export: every stored result, each with the consensus of its (round, domain, test).
exp = rows(f"{T}/export.jsonl")
expect("export lines", len(exp), 7 + 6 + 5 + 6)
for r in exp:
    if r["domain"] and (r["domain"], r["test"]) in want:
        cons, dis, who = want[(r["domain"], r["test"])]
        expect(f"export {r['domain']} {r['test']} [{r['vantage']}]",
               (r.get("consensus"), r.get("disagree"), r.get("who")), (cons, dis, who))
selfs = sorted((r["vantage"], r["test"], r["status"]) for r in exp if r["domain"] == "")
expect("export self-tests", selfs, [("a", "vantage_ipv6", "passed"), ("a", "vantage_rov", "passed"),
       ("b", "vantage_ipv6", "passed"), ("b", "vantage_rov", "failed"),
       ("c", "vantage_rov", "failed"), ("d", "vantage_ipv6", "passed"),
       ("d", "vantage_rov", "not_tested")])
expect("the refused web_caa", [r for r in exp if r["test"] == "web_caa"], [])
with open(f"{T}/export.csv", newline="") as f:
    c = list(csv.DictReader(f))
expect("export csv", len(c), len(exp))
expect("export csv columns", list(c[0].keys())[-3:], ["consensus", "disagree", "who"])

# agents: each vantage's self-tests of its newest round, and the liar.
ag = {r["agent"]: r for r in rows(f"{T}/agents.json")}
for name, v6, rov, fl in (("a", "passed", "passed", None), ("b", "passed", "failed", None),
                          ("c", None, "failed", None), ("d", "passed", "not_tested", flag)):
    expect(f"agents {name}", (ag[name].get("vantage_ipv6"), ag[name].get("vantage_rov"),
                              ag[name].get("self_test_round"), ag[name].get("vantage_flag")),
           (v6, rov, 1, fl))
for b in bad:
    print(b)
print(f"consensus checks: {len(bad)} wrong")
sys.exit(1 if bad else 0)
PY

# The table: a column per vantage, the consensus, the disagreement; the liar said first.
grep -qF "$D0: latest verdict" "$T/show0.txt" || fail "show's table has no title"
grep -qE "^TEST +a +b +c +d +CONSENSUS +DISAGREEMENT$" "$T/show0.txt" ||
    fail "show's table has no column per vantage"
grep -qE "^web_ipv6_ws_reach +passed +failed +\(not_tested\) +error +failed +DISAGREE a=passed b=failed d=error$" \
    "$T/show0.txt" || fail "show's table: web_ipv6_ws_reach"
grep -qE "^mail_auth_spf_policy +passed +passed +passed +passed +passed$" "$T/show0.txt" ||
    fail "show's table: an agreement"
grep -qxF "! vantage d: vantage_ipv6 passed but all 3 IPv6 tests error (round 1)" "$T/show0.txt" ||
    fail "show's table does not flag the lying vantage"
grep -qE "^d +ipv4\+ipv6 .* passed +not_tested " "$T/agents.txt" || fail "agents' table: d"
grep -qE "^c +ipv4 .* - +failed " "$T/agents.txt" || fail "agents' table: c"
grep -qxF "  ! vantage d: vantage_ipv6 passed but all 3 IPv6 tests error (round 1)" \
    "$T/agents.txt" || fail "agents' table does not flag the lying vantage"

# The same answers once the indexer has caught up (above, the tail of the log was read).
grep -q "(24 results stored, 0 indexed)" "$T/show0.txt" ||
    echo "note: the index had caught up before the first show: $(head -n 1 "$T/show0.txt")"
for _ in $(seq 1 100); do
	"$COLLECTOR_BIN" show -c "$T/collector.conf" "$D0" | head -n 1 |
	    grep -q "(24 results stored, 24 indexed)" && break
	sleep 0.1
done
"$COLLECTOR_BIN" show -c "$T/collector.conf" "$D0" | head -n 1 |
    grep -q "(24 results stored, 24 indexed)" || fail "the indexer did not catch up in 10 s"
"$COLLECTOR_BIN" show -c "$T/collector.conf" --format json "$D0" | cmp -s - "$T/show0.json" ||
    fail "show --format json differs once indexed"
"$COLLECTOR_BIN" export -c "$T/collector.conf" | cmp -s - "$T/export.jsonl" ||
    fail "export differs once indexed"
"$COLLECTOR_BIN" agents -c "$T/collector.conf" --format json | cmp -s - "$T/agents.json" ||
    fail "agents differs once indexed"

# Round 2: only a has judged web_rpki_valid yet. The consensus is round 2's, a alone; b's and
# c's round-1 verdicts are shown in parentheses, not counted. a's self-tests stay round 1's.
"$COLLECTOR_BIN" rounds --open -c "$T/collector.conf" >/dev/null 2>&1 || fail "rounds --open failed"
for _ in $(seq 1 100); do
	grep -q "round 2 opened" "$T/collector.log" && break
	sleep 0.1
done
grep -q "round 2 opened" "$T/collector.log" || fail "the collector did not open round 2 in 10 s"
RAWAGENT_IPV6=1 "$RAW" send "$EP" "$PUB" "$T/keys/a.key" "R:$D0:web_rpki_valid=passed" \
    >"$T/a2.out" 2>"$T/a2.err.log" || fail "rawagent a failed: $(cat "$T/a2.err.log")"
grep -q "round 2 handed out" "$T/a2.out" || fail "a was not handed round 2: $(cat "$T/a2.out")"
grep -qx "batch 2: ack refused=0" "$T/a2.out" || fail "a, round 2: $(cat "$T/a2.out")"
"$COLLECTOR_BIN" show -c "$T/collector.conf" "$D0" >"$T/show2.txt" || fail "show failed"
"$COLLECTOR_BIN" show -c "$T/collector.conf" --format json "$D0" >"$T/show2.json" ||
    fail "show failed"
grep -qE "^web_rpki_valid +passed +\(failed\) +\(failed\) +- +passed$" "$T/show2.txt" ||
    fail "round 2's consensus: $(grep web_rpki_valid "$T/show2.txt")"
grep -q '"test":"web_rpki_valid","status":"failed","vantage":"b".*"consensus":"passed","disagree":false,"who":"a=passed","counted":false' \
    "$T/show2.json" || fail "round 2's consensus in json: $(grep web_rpki_valid "$T/show2.json")"
grep -q '"test":"web_ipv6_ws_reach".*"consensus":"failed"' "$T/show2.json" ||
    fail "round 1's consensus stays where round 2 has nothing"
"$COLLECTOR_BIN" agents -c "$T/collector.conf" --format json >"$T/agents2.json"
grep -q '"agent":"a".*"vantage_ipv6":"passed","vantage_rov":"passed","self_test_round":1' \
    "$T/agents2.json" || fail "a's self-tests: $(cat "$T/agents2.json")"

kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
grep -q "1 not a target" "$T/collector.log" || fail "the empty-domain web_caa was not refused"
echo "1 passed, 0 failed"
