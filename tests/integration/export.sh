#!/usr/bin/env bash
# export's filters and formats (docs/report.md, "Exports"): --round and --domain over the
# per-round index in json, csv and table; --format matrix (a column per vantage and the
# consensus); --format internetnl (internet.nl's batch API 2.4.0 results, checked against
# its schema, tests/data/internetnl-batch-2.4.0-results.schema.json); hostile evidence in
# every format; an unknown round or domain, a store without rounds and a round without
# results are errors, never an empty export that looks complete.
#   round 1: a (IPv6), b (IPv6, hostile evidence), c (no IPv6) on two domains
#   round 2: a alone, on synth0 only
BIN=$1
SRC=$2
TEST_NAME=export
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47181}
RAW="$BIN/tests/integration/rawagent"
C=("$COLLECTOR_BIN")
n=0

expect_rc() {  # expect_rc WANT CMD...
	local want=$1 rc=0
	shift
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want: $(cat "$T/err")"
	n=$((n + 1))
}
ex() { "${C[@]}" export -c "$T/collector.conf" "$@"; }

make_keys a b c
write_collector_conf "$PORT"
import_targets 2
D0=synth0.example.nl
D1=synth1.example.nl

# A store with targets and no round yet.
expect_rc 1 ex --format internetnl
grep -q "no round yet" "$T/err" || fail "no round: $(cat "$T/err")"
expect_rc 1 ex --format matrix
grep -q "no round yet" "$T/err" || fail "matrix, no round: $(cat "$T/err")"
expect_rc 1 ex --round 1
grep -q "no round yet" "$T/err" || fail "--round, no round: $(cat "$T/err")"

start_collector
EP="tcp://127.0.0.1:$PORT"
PUB="$T/keys/collector.pub"

# A round without results: every selecting export says so.
expect_rc 0 ex
[ -s "$T/out" ] && fail "export of an empty store printed: $(head -3 "$T/out")"
expect_rc 1 ex --format internetnl
grep -q "round 1 has no results" "$T/err" || fail "internetnl, empty round: $(cat "$T/err")"
expect_rc 1 ex --format matrix
grep -q "has no results" "$T/err" || fail "matrix, empty store: $(cat "$T/err")"
expect_rc 1 ex --round 1 --format csv
grep -q "round 1 has no results" "$T/err" || fail "--round 1, empty: $(cat "$T/err")"
[ -s "$T/out" ] && fail "--round 1 of an empty round printed: $(cat "$T/out")"
expect_rc 1 ex --domain "$D0"
grep -q "no result for $D0 in any round" "$T/err" || fail "--domain, empty: $(cat "$T/err")"

send() {   # send ROUND AGENT IPV6 BATCH
	local round=$1 a=$2 v6=$3
	shift 3
	RAWAGENT_IPV6=$v6 "$RAW" send "$EP" "$PUB" "$T/keys/$a.key" "$@" >"$T/$a.out" \
	    2>"$T/$a.err.log" || fail "rawagent $a failed: $(cat "$T/$a.err.log")"
	grep -q "round $round handed out" "$T/$a.out" ||
	    fail "$a was not handed round $round: $(cat "$T/$a.out")"
	grep -qx "batch [0-9]*: ack refused=0" "$T/$a.out" || fail "$a: $(cat "$T/$a.out")"
}
# b's evidence: markup, quotes, a formula as the key (the CSV cell starts with it), C0, ESC,
# DEL, a C1 CSI (U+009B) and a bidi override (U+202E).
HKEY='=HYPERLINK("http://evil.example/x","y")'
HVAL=$'<script>alert(1)</script> "dq" \'sq\' @SUM(1) \x01\x1b[31mred\x7f tab\there \xc2\x9b6n \xe2\x80\xaertl'
send 1 a 1 "R:-:vantage_ipv6=passed,R:$D0:web_ipv6_ws_reach=passed,\
R:$D0:web_dnssec_exist=passed,R:$D0:web_caa=passed,R:$D0:mail_auth_spf_policy=failed,\
R:$D1:web_dnssec_exist=passed"
RAWAGENT_EVIDENCE_KEY=$HKEY RAWAGENT_EVIDENCE=$HVAL send 1 b 1 "R:-:vantage_ipv6=passed,\
R:$D0:web_ipv6_ws_reach=failed,R:$D0:web_dnssec_exist=passed,R:$D0:mail_auth_spf_policy=failed"
send 1 c 0 "R:$D0:web_ipv6_ws_reach=not_tested,R:$D0:web_dnssec_exist=failed,\
R:$D1:web_dnssec_exist=passed"
"${C[@]}" rounds -c "$T/collector.conf" --open >/dev/null 2>&1 || fail "rounds --open"
sleep 1.5
send 2 a 1 "R:$D0:web_dnssec_exist=failed"

# Every format, with and without filters, into files.
ex >"$T/all.jsonl" || fail "export"
ex --format csv >"$T/all.csv" || fail "export csv"
ex --format table >"$T/all.txt" || fail "export table"
ex --round 1 >"$T/r1.jsonl" || fail "--round 1"
ex --round 1 --format csv >"$T/r1.csv" || fail "--round 1 csv"
ex --round 1 --format table >"$T/r1.txt" || fail "--round 1 table"
ex --round 2 >"$T/r2.jsonl" || fail "--round 2"
ex --domain "$D1" >"$T/d1.jsonl" || fail "--domain"
ex --domain SYNTH1.Example.NL. | cmp -s - "$T/d1.jsonl" || fail "--domain is not normalised"
ex --domain "$D0" --round 2 --format csv >"$T/d0r2.csv" || fail "--domain --round csv"
ex --format matrix >"$T/m.csv" || fail "matrix"
ex --format matrix --round 2 >"$T/m2.csv" || fail "matrix --round 2"
ex --format matrix --domain "$D1" >"$T/md1.csv" || fail "matrix --domain"
ex --format internetnl >"$T/inl.json" || fail "internetnl"
ex --format internetnl --round 1 >"$T/inl1.json" || fail "internetnl --round 1"
ex --format internetnl --round 1 --type mail >"$T/inl1m.json" || fail "internetnl mail"
ex --format internetnl --round 1 --domain "$D1" >"$T/inl1d1.json" || fail "internetnl --domain"

# Errors: an unknown round or domain (1), bad options (2).
expect_rc 1 ex --round 9
grep -q "no round 9: the store has rounds 1 to 2" "$T/err" || fail "round 9: $(cat "$T/err")"
[ -s "$T/out" ] && fail "--round 9 printed"
for f in table json csv matrix internetnl; do
	expect_rc 1 ex --round 9 --format "$f"
	expect_rc 1 ex --domain nosuch.example.nl --format "$f"
	grep -q "no result for nosuch.example.nl" "$T/err" || fail "$f nosuch: $(cat "$T/err")"
done
expect_rc 1 ex --domain "$D1" --round 2
grep -q "no result for $D1 in round 2" "$T/err" || fail "D1 round 2: $(cat "$T/err")"
expect_rc 1 ex --domain "$D1" --format internetnl
grep -q "no result for $D1 in round 2" "$T/err" || fail "internetnl D1: $(cat "$T/err")"
expect_rc 2 ex --domain 'bad..name'
expect_rc 2 ex --domain $'\x1b]0;x\x07'
grep -q $'\x1b' "$T/err" && fail "a hostile --domain reached the terminal raw"
expect_rc 2 ex --round 0
expect_rc 2 ex --round abc
expect_rc 2 ex --round
expect_rc 2 ex --type mail
expect_rc 2 ex --format internetnl --type ftp
expect_rc 2 ex --format xml
grep -q "is not one of table, json, csv, matrix, internetnl" "$T/err" || fail "--format xml"
expect_rc 2 ex extra
expect_rc 0 "${C[@]}" export --help
for w in --round --domain matrix internetnl --type; do
	grep -q -- "$w" "$T/out" || fail "export --help does not name $w"
done

python3 - "$T" "$SRC/tests/data/internetnl-batch-2.4.0-results.schema.json" "$HKEY" "$HVAL" <<'PY' || fail "exports wrong"
import csv, io, json, re, sys
import jsonschema

T, schema_path, hkey, hval = sys.argv[1:5]
D0, D1 = "synth0.example.nl", "synth1.example.nl"
bad = 0
def expect(what, got, want):
    global bad
    if got != want:
        print(f"{what}: got {got!r}, want {want!r}")
        bad += 1
def raw(name):
    return open(f"{T}/{name}", "rb").read()
def jl(name):
    return [json.loads(l) for l in raw(name).decode().splitlines()]
def key(r):
    return (r["round"], r["domain"], r["test"], r["vantage"], r["status"], r["consensus"],
            r["disagree"], r["who"], json.dumps(r.get("evidence")))

# No control character, DEL or C1 in any output (tab, CR, LF kept by CSV quoting only).
ctl = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80\xae")
for name in ("all.jsonl", "all.csv", "all.txt", "r1.jsonl", "r1.csv", "r1.txt", "r2.jsonl",
             "d1.jsonl", "d0r2.csv", "m.csv", "m2.csv", "md1.csv", "inl.json", "inl1.json",
             "inl1m.json", "inl1d1.json"):
    m = ctl.search(raw(name))
    if m:
        print(f"{name}: raw control byte {m.group(0)!r}")
        bad += 1
    if name.endswith(".txt"):
        continue
    if b"<script>" in raw(name) and not name.endswith((".jsonl", ".csv")):
        print(f"{name}: <script> outside JSON/CSV strings")
        bad += 1

allr = jl("all.jsonl")
expect("export lines", len(allr), 6 + 4 + 3 + 1)
r1 = jl("r1.jsonl")
# --round 1 through the index: the same results as the log's of round 1 (none was replaced).
expect("--round 1 = the log's round 1", sorted(map(key, r1)),
       sorted(key(r) for r in allr if r["round"] == 1))
expect("--round 1 order", [(r["domain"], r["test"], r["vantage"]) for r in r1],
       sorted((r["domain"], r["test"], r["vantage"]) for r in r1))
r2 = jl("r2.jsonl")
expect("--round 2", [(r["domain"], r["test"], r["vantage"], r["status"], r["consensus"],
       r["disagree"], r["who"]) for r in r2],
       [(D0, "web_dnssec_exist", "a", "failed", "failed", False, "a=failed")])
expect("--domain D1", sorted((r["round"], r["test"], r["vantage"]) for r in jl("d1.jsonl")),
       [(1, "web_dnssec_exist", "a"), (1, "web_dnssec_exist", "c")])
cons = {(r["domain"], r["test"]): (r["consensus"], r["disagree"], r["who"]) for r in r1}
expect("consensus ws_reach", cons[(D0, "web_ipv6_ws_reach")], ("failed", True, "a=passed b=failed"))
expect("consensus dnssec", cons[(D0, "web_dnssec_exist")], ("passed", True, "a=passed b=passed c=failed"))
expect("consensus self-test", cons[("", "vantage_ipv6")], ("passed", False, "a=passed b=passed"))
# The hostile evidence: JSON gives it back exactly.
hb = [r for r in allr if r["vantage"] == "b" and r["domain"] == D0]
expect("hostile evidence in json", {(e[0], e[1]) for r in hb for e in r["evidence"]},
       {(hkey, hval)})

def csvrows(name):
    return list(csv.reader(io.StringIO(raw(name).decode(), newline="")))
for name in ("all.csv", "r1.csv", "d0r2.csv", "m.csv", "m2.csv", "md1.csv"):
    for row in csvrows(name):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@"):
                print(f"{name}: a formula cell {cell[:40]!r}")
                bad += 1
c1 = csvrows("r1.csv")
expect("--round 1 csv rows", len(c1) - 1, len(r1))
expect("csv header", c1[0][-3:], ["consensus", "disagree", "who"])
ev = [row[c1[0].index("evidence")] for row in c1[1:] if row[c1[0].index("vantage")] == "b"]
expect("hostile evidence in csv, neutralised", all(e.startswith("'=HYPERLINK") for e in ev) and len(ev) == 4, True)
expect("--domain --round csv", [r[:5] for r in csvrows("d0r2.csv")[1:]],
       [["2", D0, "web_dnssec_exist", "failed", "a"]])
txt = raw("r1.txt").decode()
expect("table: ESC written visibly", "\\x1b[31m" in txt, True)
expect("table: consensus lines", txt.count("consensus: "), len(r1))

m = csvrows("m.csv")
expect("matrix header", m[0], ["round", "domain", "test", "a", "b", "c", "consensus", "disagree", "who"])
mrow = {(r[0], r[1], r[2]): r[3:] for r in m[1:]}
expect("matrix rows", len(m) - 1, 1 + 4 + 1 + 1)
expect("matrix ws_reach", mrow[("1", D0, "web_ipv6_ws_reach")],
       ["passed", "failed", "not_tested", "failed", "yes", "a=passed b=failed"])
expect("matrix caa", mrow[("1", D0, "web_caa")], ["passed", "", "", "passed", "no", "a=passed"])
expect("matrix self-test", mrow[("1", "", "vantage_ipv6")], ["passed", "passed", "", "passed", "no", "a=passed b=passed"])
expect("matrix round 2", mrow[("2", D0, "web_dnssec_exist")], ["failed", "", "", "failed", "no", "a=failed"])
expect("matrix --round 2", csvrows("m2.csv"),
       [["round", "domain", "test", "a", "consensus", "disagree", "who"],
        ["2", D0, "web_dnssec_exist", "failed", "failed", "no", "a=failed"]])
expect("matrix --domain D1", csvrows("md1.csv"),
       [["round", "domain", "test", "a", "c", "consensus", "disagree", "who"],
        ["1", D1, "web_dnssec_exist", "passed", "passed", "passed", "no", "a=passed c=passed"]])

schema = json.load(open(schema_path))
def inl(name, typ):
    doc = json.loads(raw(name))
    try:
        jsonschema.validate(doc, schema, format_checker=jsonschema.FormatChecker())
    except jsonschema.ValidationError as e:
        print(f"{name}: not internet.nl's ResultsReply: {e.message} at {list(e.absolute_path)}")
        return None
    expect(f"{name} request_type", doc["request"]["request_type"], typ)
    cats = schema["definitions"]["WebCategories" if typ == "web" else "MailCategories"]
    for d, v in doc["domains"].items():
        if v["status"] != "ok":
            continue
        try:
            jsonschema.validate(v["results"]["categories"], cats)
        except jsonschema.ValidationError as e:
            print(f"{name} {d}: categories: {e.message}")
            return None
        for t in v["results"]["tests"]:
            if not t.startswith(typ + "_"):
                print(f"{name} {d}: test {t} in a {typ} request")
    return doc
doc = inl("inl.json", "web")
if doc:
    expect("newest round", doc["peil"]["round"], 2)
    expect("round 2 D0", doc["domains"][D0]["results"]["tests"]["web_dnssec_exist"]["status"], "failed")
    expect("round 2 D1 (not measured)", doc["domains"][D1], {"status": "error", "peil": {
        "round": 2, "vantages": 0, "reason": "no vantage gave a result for this domain in the round"}})
doc = inl("inl1.json", "web")
if doc:
    d0 = doc["domains"][D0]
    expect("request id", doc["request"]["request_id"], "%032x" % 1)
    expect("ws_reach", d0["results"]["tests"]["web_ipv6_ws_reach"], {"status": "failed", "verdict": "bad"})
    expect("dnssec", d0["results"]["tests"]["web_dnssec_exist"], {"status": "passed", "verdict": "good"})
    expect("no result: not_tested", d0["results"]["tests"]["web_dnssec_valid"]["status"], "not_tested")
    expect("no result listed", "web_dnssec_valid" in d0["peil"]["no_result"], True)
    expect("category ipv6", d0["results"]["categories"]["web_ipv6"]["status"], "failed")
    expect("category dnssec", d0["results"]["categories"]["web_dnssec"]["status"], "passed")
    expect("category appsecpriv (nothing judged)", d0["results"]["categories"]["web_appsecpriv"]["status"], "info")
    expect("score (dnssec 100, ipv6 0)", d0["scoring"]["percentage"], 50)
    expect("peil's own test", d0["peil"]["tests"], {"web_caa": {"status": "passed", "verdict": "good"}})
    expect("web_caa not among internet.nl's", "web_caa" in d0["results"]["tests"], False)
    expect("disagree", d0["peil"]["disagree"], {"web_dnssec_exist": "a=passed b=passed c=failed",
           "web_ipv6_ws_reach": "a=passed b=failed"})
    expect("vantages", [v["name"] for v in doc["peil"]["vantages"]], ["a", "b", "c"])
    expect("vantage a's self-test", doc["peil"]["vantages"][0]["vantage_ipv6"], "passed")
    expect("domains", sorted(doc["domains"]), [D0, D1])
doc = inl("inl1m.json", "mail")
if doc:
    d0 = doc["domains"][D0]
    expect("mail spf policy", d0["results"]["tests"]["mail_auth_spf_policy"]["status"], "failed")
    expect("mail_auth", d0["results"]["categories"]["mail_auth"]["status"], "failed")
    expect("internet.nl's test peil lacks", d0["peil"]["not_in_peil"], ["mail_starttls_tls_0rtt"])
    expect("its status", d0["results"]["tests"]["mail_starttls_tls_0rtt"]["status"], "not_tested")
    expect("mail score (auth 0)", d0["scoring"]["percentage"], 0)
doc = inl("inl1d1.json", "web")
if doc:
    expect("--domain D1", list(doc["domains"]), [D1])
sys.exit(1 if bad else 0)
PY
echo "ok: $n exit statuses and every export format checked"
