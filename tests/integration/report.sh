#!/usr/bin/env bash
# peil-collector report over the real protocol: two authenticated raw agents send verdicts
# (one with hostile evidence: markup, quotes, an escape sequence, a formula, 3,000 bytes
# without a space) for the domains of three organisations (one with a hostile name, one that
# does not consent to publication, one never measured); the collector stores them. Then the
# site, the public site and the packs are written and checked: the files, the escaping, the
# figures against `peil-collector export`, what the public site leaves out, the formula
# neutralised in failing.csv, the refusal of a directory that is not a report, the atomic
# replacement, and the command line's errors.
BIN=$1
TEST_NAME=report
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47171}
RAW="$BIN/tests/integration/rawagent"
C=(-c "$T/collector.conf")

make_keys a b
write_collector_conf "$PORT"
D0=alpha.example.nl
D1=beta.example.nl
D2=hidden.example.nl
D3=never.example.nl
cat >"$T/targets.csv" <<CSV
organisation,domain,publish
"<script>alert(""org"")</script> & 'Co'",$D0,yes
"<script>alert(""org"")</script> & 'Co'",$D1,yes
Hidden Org,$D2,no
Never Org,$D3,yes
CSV
"$COLLECTOR_BIN" targets import "$T/targets.csv" "${C[@]}" >/dev/null || fail "targets import failed"
start_collector
EP="tcp://127.0.0.1:$PORT"
PUB="$T/keys/collector.pub"

send() {   # send AGENT BATCH (evidence from $EVIDENCE)
	local a=$1
	shift
	RAWAGENT_IPV6=1 RAWAGENT_EVIDENCE="$EVIDENCE" "$RAW" send "$EP" "$PUB" "$T/keys/$a.key" \
	    "$@" >"$T/$a.out" 2>"$T/$a.err.log" || fail "rawagent $a failed: $(cat "$T/$a.err.log")"
	grep -qx "batch 1: ack refused=0" "$T/$a.out" || fail "$a: $(cat "$T/$a.out")"
}
LONG=$(head -c 3000 /dev/zero | tr '\0' 'W')
EVIDENCE=$(printf '=HYPERLINK("x") <script>alert(1)</script> "q" \033[31m %s' "$LONG")
send a "R:-:vantage_ipv6=passed,R:-:vantage_rov=passed,\
R:$D0:mail_auth_dmarc_policy=failed,R:$D0:mail_auth_spf_policy=passed,R:$D0:web_https_http_hsts=failed,\
R:$D1:mail_auth_dmarc_policy=passed,R:$D1:mail_auth_spf_policy=passed,\
R:$D2:mail_auth_dmarc_policy=failed"
EVIDENCE="<img src=x onerror=alert(2)>"
send b "R:-:vantage_ipv6=passed,R:-:vantage_rov=failed,\
R:$D0:mail_auth_dmarc_policy=passed,R:$D0:mail_auth_spf_policy=passed,\
R:$D1:mail_auth_dmarc_policy=passed,R:$D2:mail_auth_dmarc_policy=passed"

"$COLLECTOR_BIN" export "${C[@]}" >"$T/export.jsonl" || fail "export failed"

# The command line.
"$COLLECTOR_BIN" report --help >"$T/help.txt" || fail "report --help failed"
grep -q -- "--audience" "$T/help.txt" || fail "report --help does not say --audience"
st=0; "$COLLECTOR_BIN" report "${C[@]}" 2>"$T/err.txt" || st=$?
[ "$st" -eq 2 ] && grep -q -- "--out DIR" "$T/err.txt" || fail "report without --out: exit $st $(cat "$T/err.txt")"
st=0; "$COLLECTOR_BIN" report "${C[@]}" --out "$T/x" --audience everyone 2>"$T/err.txt" || st=$?
[ "$st" -eq 2 ] && grep -q "not coalition or public" "$T/err.txt" || fail "bad --audience: exit $st"
st=0; "$COLLECTOR_BIN" report "${C[@]}" --out "$T/x" --round 99 2>"$T/err.txt" || st=$?
[ "$st" -eq 1 ] && [ ! -e "$T/x" ] || fail "--round 99: exit $st, $(cat "$T/err.txt")"
st=0; "$COLLECTOR_BIN" report "${C[@]}" --out "$T/x" --pack "No Such Org" 2>"$T/err.txt" || st=$?
[ "$st" -eq 1 ] && grep -q "No Such Org" "$T/err.txt" && [ ! -e "$T/x" ] ||
    fail "--pack of no organisation: exit $st, $(cat "$T/err.txt")"

# The site, twice: the second replaces the first.
"$COLLECTOR_BIN" report "${C[@]}" --out "$T/site" >"$T/report.out" || fail "report failed"
grep -q "report of round 1 written to" "$T/report.out" || fail "report said: $(cat "$T/report.out")"
# Every page is valid HTML (tidy: no error, no warning) and well-formed XML as a whole
# (xmllint: the inline SVG charts included).
npages=0
while IFS= read -r -d '' page; do
	tidy -q -e -utf8 "$page" >"$T/tidy.txt" 2>&1 || fail "tidy on ${page#$T/}: $(head -5 "$T/tidy.txt")"
	xmllint --noout --html "$page" 2>"$T/xml.txt" || true
	# the SVG of every page, taken out and parsed as XML
	python3 - "$page" >"$T/svgs.xml" <<'PY' || fail "no svg extracted from ${page#$T/}"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
print("<svgs>" + "".join(re.findall(r"<svg\b.*?</svg>", html, re.S)) + "</svgs>")
PY
	xmllint --noout "$T/svgs.xml" 2>"$T/xml.txt" || fail "SVG of ${page#$T/} not well-formed: $(head -3 "$T/xml.txt")"
	npages=$((npages + 1))
done < <(find "$T/site" -name '*.html' -print0)
[ "$npages" -ge 4 ] || fail "only $npages pages"
echo "$npages pages: tidy and xmllint find nothing"

# As a person reads it: headless Chromium opens the overview, an organisation's page (the
# hostile one), a standard's page (one with failing domains) and the vantages page: no console
# message or page error, no <script> element
# in the rendered DOM (the hostile strings stay text), the figures read on the rendered page;
# screenshots kept in the build tree.
SHOTS="$BIN/tests/integration/report-screenshots"
mkdir -p "$SHOTS"
hostile_page=$(grep -l 'alert(&quot;org&quot;)' "$T"/site/org/*.html | head -n 1)
[ -n "$hostile_page" ] || fail "no page of the hostile organisation"
standard_page=$(grep -l '</tbody>' "$T"/site/test/*.html | head -n 1 || true)
[ -n "$standard_page" ] || fail "no standard's page lists a failing domain"
for page in "$T/site/index.html" "$hostile_page" "$standard_page" "$T/site/vantages.html"; do
	name=$(basename "$page" .html)
	[ "$page" = "$hostile_page" ] && name=organisation
	[ "$page" = "$standard_page" ] && name=standard
	chromium --headless --no-sandbox --disable-gpu --user-data-dir="$T/chromium" \
	    --enable-logging=stderr --v=0 --dump-dom "file://$page" >"$T/dom-$name.html" \
	    2>"$T/chromium-$name.log" || fail "chromium could not open $name"
	! grep -E "CONSOLE|Uncaught|Not allowed to load|ERR_FILE_NOT_FOUND" "$T/chromium-$name.log" ||
	    fail "chromium: console messages on $name"
	! grep -qi "<script" "$T/dom-$name.html" || fail "a <script> element in the DOM of $name"
	chromium --headless --no-sandbox --disable-gpu --user-data-dir="$T/chromium" \
	    --window-size=1280,1600 --screenshot="$SHOTS/$name.png" "file://$page" \
	    >/dev/null 2>&1 || fail "chromium: no screenshot of $name"
done
grep -q '&lt;script&gt;alert("org")&lt;/script&gt;' "$T/dom-organisation.html" ||
    fail "the hostile organisation name is not shown as text"
grep -q "3 domains measured" "$T/dom-index.html" || fail "the overview does not say 3 domains measured"
echo "chromium: overview, organisation, standard and vantages pages render without console messages; screenshots in $SHOTS"
ino1=$(stat -c %i "$T/site")
echo old >"$T/site/old-only.txt"
"$COLLECTOR_BIN" report "${C[@]}" --out "$T/site/" >"$T/report.out" || fail "second report failed"
[ "$(stat -c %i "$T/site")" != "$ino1" ] || fail "the report was not replaced"
[ ! -e "$T/site/old-only.txt" ] || fail "the old report was not removed"
ls -d "$T"/site.tmp-* 2>/dev/null && fail "a temporary directory was left"
"$COLLECTOR_BIN" report "${C[@]}" --out "$T/public" --audience public >/dev/null ||
    fail "report --audience public failed"
"$COLLECTOR_BIN" report "${C[@]}" --out "$T/packs" --packs >/dev/null || fail "report --packs failed"

# Refused: a directory that is not a report, a file, a symlink; each left as it was.
mkdir "$T/precious" && echo keep >"$T/precious/file"
st=0; "$COLLECTOR_BIN" report "${C[@]}" --out "$T/precious" 2>"$T/err.txt" || st=$?
[ "$st" -eq 1 ] && grep -q "not empty" "$T/err.txt" && [ "$(cat "$T/precious/file")" = keep ] ||
    fail "a non-report directory: exit $st, $(cat "$T/err.txt")"
ln -s "$T/site" "$T/link"
st=0; "$COLLECTOR_BIN" report "${C[@]}" --out "$T/link" 2>"$T/err.txt" || st=$?
[ "$st" -eq 1 ] && grep -q "symbolic link" "$T/err.txt" || fail "a symlink: exit $st"
ls -d "$T"/*.tmp-* 2>/dev/null && fail "a temporary directory was left"

python3 - "$T" "$D0" "$D1" "$D2" "$D3" <<'PY' || fail "the report is wrong (above)"
import csv, glob, html, json, os, re, sys
T, D0, D1, D2, D3 = sys.argv[1:6]
bad = []
def expect(what, ok):
    if not ok:
        bad.append(what)
def read(p):
    with open(p, encoding="utf-8") as f:
        return f.read()

site = f"{T}/site"
for name in ["index.html", "vantages.html", "style.css", ".peil-report",
             "test/mail_auth_dmarc_policy.html"]:
    expect(f"{name} written", os.path.isfile(f"{site}/{name}"))
orgs = glob.glob(f"{site}/org/*.html")
expect(f"3 organisation pages, not {len(orgs)}", len(orgs) == 3)
for p in orgs:
    expect(f"{p}: a safe file name", re.fullmatch(r"[a-z0-9-]+\.html", os.path.basename(p)))

# Nothing hostile arrives as markup or a control character, on any page of any report.
for p in glob.glob(f"{T}/site/**/*.html", recursive=True) + \
         glob.glob(f"{T}/public/**/*.html", recursive=True) + \
         glob.glob(f"{T}/packs/**/*.html", recursive=True):
    b = read(p)
    for s in ["<script", "<img", "onerror=alert(2)>", "\x1b"]:
        expect(f"{p}: '{s!r}' unescaped", s not in b)
    expect(f"{p}: a control character", not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", b))
    # Links: relative, to files that exist, or to known guidelines.
    for href in re.findall(r'href="([^"]*)"', b):
        if href.startswith("https://"):
            continue
        target = os.path.normpath(os.path.join(os.path.dirname(p), href.split("#")[0]))
        expect(f"{p}: link {href} to no file", os.path.exists(target))

idx = read(f"{site}/index.html")
expect("the overview names the organisation, escaped",
       "&lt;script&gt;alert(&quot;org&quot;)&lt;/script&gt; &amp; &#39;Co&#39;" in idx)

# Figures against export: domains measured in round 1, disagreements, failing domains.
rows = [json.loads(l) for l in open(f"{T}/export.jsonl") if l.strip()]
measured = {r["domain"] for r in rows if r["domain"]}
m = re.search(r"(\d+) domains measured", idx)
expect(f"domains measured: page {m and m.group(1)}, export {len(measured)}",
       m and int(m.group(1)) == len(measured))
dis = {(r["domain"], r["test"]) for r in rows if r["domain"] and r.get("disagree")}
van = read(f"{site}/vantages.html")
shown = re.findall(r'<tr><td><a href="org/[^"]*#d\d+">([^<]*)</a></td><td>.*?'
                   r'<a href="test/([a-z0-9_]+)\.html">', van)
expect(f"disagreements: page {sorted(shown)}, export {sorted(dis)}", set(shown) == dis)
cons = {}
for r in rows:
    if r["domain"]:
        cons[(r["domain"], r["test"])] = r["consensus"]
for test in ["mail_auth_dmarc_policy", "web_https_http_hsts", "mail_auth_spf_policy"]:
    page = read(f"{site}/test/{test}.html")
    want = {d for (d, t), c in cons.items() if t == test and c in ("failed", "warning")}
    got = set(re.findall(r'<tr><td><a href="\.\./org/[^"]*#d\d+">([^<]*)</a>', page))
    expect(f"{test}: failing on the page {sorted(got)}, export {sorted(want)}", got == want)
for d in measured:
    expect(f"{d} on its organisation's page", any(d in read(p) for p in orgs))
never = [p for p in orgs if D3 in read(p)]
expect("the never-measured organisation says so",
       never and "No results for this domain in round 1" in read(never[0]))
alpha = [p for p in orgs if D0 in read(p)][0]
a = read(alpha)
expect("the hostile evidence, escaped, on the organisation page",
       "=HYPERLINK(&quot;x&quot;) &lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; \\x1b[31m" in a)
expect("the 3,000-byte value whole", "W" * 3000 in a)
expect("what to change", "What to change" in a)
expect("vantages disagree", "vantages disagree" in a)

# The public site: nothing of Hidden Org.
for p in glob.glob(f"{T}/public/**/*", recursive=True):
    if os.path.isfile(p):
        b = read(p)
        expect(f"{p} names Hidden Org", "Hidden Org" not in b and D2 not in b)
pidx = read(f"{T}/public/index.html")
expect("public: 1 organisation not named", "1 organisation did not consent" in pidx)
expect("public: 2 organisation pages", len(glob.glob(f"{T}/public/org/*.html")) == 2)

# The packs: a folder each, self-contained, failing.csv with the formula neutralised.
packs = list(csv.DictReader(open(f"{T}/packs/packs.csv", newline="")))
expect(f"3 packs, not {len(packs)}", len(packs) == 3)
for pk in packs:
    d = f"{T}/packs/{pk['folder']}"
    for f in ["index.html", "style.css", "failing.csv"]:
        expect(f"{d}{f}", os.path.isfile(d + f))
    expect(f"{d}: no link out", 'href="../' not in read(d + "index.html"))
pk = [p for p in packs if p["organisation"].startswith("<script>")][0]
raw = read(f"{T}/packs/{pk['folder']}failing.csv")
fc = list(csv.DictReader(open(f"{T}/packs/{pk['folder']}failing.csv", newline="")))
expect("failing.csv columns", list(fc[0].keys()) == ["domain", "test", "vantage", "status",
       "consensus", "disagreement", "evidence", "guideline", "fix"])
rowsd0 = [r for r in fc if r["domain"] == D0 and r["test"] == "mail_auth_dmarc_policy"]
expect(f"failing.csv: {D0} dmarc from both vantages", len(rowsd0) == 2)
expect("failing.csv: the evidence", any(r["evidence"].startswith("reason==HYPERLINK")
       for r in rowsd0))
expect("failing.csv: no field starts a formula", not re.search(r'(^|,)[=+@-]', raw, re.M))
expect("failing.csv: the hsts failure", any(r["test"] == "web_https_http_hsts" for r in fc))
expect("failing.csv: nothing that passed", all(r["consensus"] in ("failed", "warning") for r in fc))

for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
echo "PASS: report"
