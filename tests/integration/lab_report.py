#!/usr/bin/env python3
"""lab_report.py SITE WORK DOMAIN ORG: checks, for tests/integration/lab.sh, the report the lab
wrote (SITE, `lab report`) and what was fetched and exported into WORK:

  http/NAME.{status,headers,body}  pages fetched from the lab's nginx (lab.sh's fetch)
  show.txt, show.json              peil-collector show DOMAIN (table, --format json)
  export.json, export.csv          peil-collector export --domain DOMAIN (json, csv)
  packs/                           peil-collector report --packs

DOMAIN is the lab's hostile case (deploy/lab/cases/badinput.test): its DNS records carry
<script>, quotes, control characters and a 10,000-byte string, its organisation's name ORG
(from its case.conf) markup, quotes, a leading '=' and a comma. Every output must carry them as
text in its own syntax: HTML without a script element, an event attribute or a raw control
character (a parser walk and tidy); CSV with every field quoted where needed and no cell a
spreadsheet takes for a formula; JSON well-formed and giving the strings back; the table
without a raw control character. Exit 1 with a line per fault.
"""
import csv
import glob
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys

SITE, WORK, DOMAIN, ORG = sys.argv[1:5]
SCRIPT = "<script>alert(1)</script>"
bad = []
CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


def expect(what, ok):
    if not ok:
        bad.append(what)


def read(p, mode="r"):
    with open(p, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
        return f.read()


class Walk(html.parser.HTMLParser):
    """The elements, attributes and text a browser's parser would see."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def walk_page(p, body):
    w = Walk()
    w.feed(body)
    w.close()
    name = os.path.relpath(p, WORK if p.startswith(WORK + os.sep) else SITE)
    expect(f"{name}: a <script> element", "script" not in w.tags)
    for tag, k, v in w.attrs:
        expect(f"{name}: <{tag} {k}=...>: an event handler attribute", not k.startswith("on"))
        expect(f"{name}: <{tag} {k}={v[:60]!r}>: not a relative or https link",
               k not in ("href", "src") or not re.match(r"\s*[a-z][a-z0-9+.-]*:", v, re.I)
               or v.startswith("https://"))
        expect(f"{name}: attribute {k} holds markup", "<" not in k and "<" not in tag)
    expect(f"{name}: a raw control character", not CTRL.search(body))
    return w, "".join(w.text)


# --- the site: every page walked, tidy over every page -------------------------------------
pages = sorted(glob.glob(f"{SITE}/**/*.html", recursive=True))
expect(f"only {len(pages)} pages", len(pages) >= 4)
texts = {}
for p in pages:
    _, texts[p] = walk_page(p, read(p))
org_pages = [p for p in pages if "/org/" in p and DOMAIN in texts[p]]
expect(f"one organisation page holds {DOMAIN}, not {len(org_pages)}", len(org_pages) == 1)
if org_pages:
    t = texts[org_pages[0]]
    expect("the organisation page: the hostile name as text", ORG in t)
    expect("the organisation page: the SPF record's <script> as text (evidence)",
           f"v=spf1 -all {SCRIPT} \"dq\" 'sq'" in t)
    expect("the organisation page: the DMARC record's <script> as text (evidence)",
           f"p={SCRIPT}; x=\"dq\" 'sq'" in t)
expect("the overview: the hostile name as text", ORG in texts.get(f"{SITE}/index.html", ""))
spf = texts.get(f"{SITE}/test/mail_auth_spf_policy.html", "")
expect(f"test/mail_auth_spf_policy.html: {DOMAIN} listed as failing with the hostile name",
       DOMAIN in spf and ORG in spf)
if shutil.which("tidy"):
    for p in pages:
        r = subprocess.run(["tidy", "-q", "-e", "-utf8", p], capture_output=True, text=True)
        expect(f"tidy on {os.path.relpath(p, SITE)}: {(r.stdout + r.stderr)[:300]}",
               r.returncode == 0)

# --- served by the lab's nginx: the very files written ---------------------------------------
for name, rel in (("index4", "index.html"), ("org4", None), ("index6", "index.html"),
                  ("css6", "style.css")):
    if rel is None:
        if not org_pages:
            continue
        rel = os.path.relpath(org_pages[0], SITE)
    base = f"{WORK}/http/{name}"
    if not os.path.exists(base + ".status"):
        bad.append(f"http {name}: not fetched")
        continue
    status = read(base + ".status").strip()
    hdr = read(base + ".headers").lower()
    expect(f"http {name} ({rel}): status {status}, not 200", status == "200")
    expect(f"http {name} ({rel}): the body is not the file written",
           read(base + ".body", "rb") == read(f"{SITE}/{rel}", "rb"))
    ctype = "text/css" if rel.endswith(".css") else "text/html"
    expect(f"http {name}: content-type {ctype}; charset=utf-8",
           re.search(rf"^content-type: {ctype}; charset=utf-8$", hdr, re.M))
    expect(f"http {name}: no content-security-policy",
           re.search(r"^content-security-policy: default-src 'none'", hdr, re.M))
for name in ("marker4",):
    base = f"{WORK}/http/{name}"
    if os.path.exists(base + ".status"):
        expect(f"http {name}: the report's marker served", read(base + ".status").strip() == "404")

# --- the send-back packs: failing.csv and packs.csv -----------------------------------------
packs_csv = f"{WORK}/packs/packs.csv"
expect("packs.csv written", os.path.isfile(packs_csv))
if os.path.isfile(packs_csv):
    raw = read(packs_csv)
    expect("packs.csv: a cell starts a formula", not re.search(r'(^|,)[=+@-]', raw, re.M))
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    mine = [r for r in rows if r["organisation"] == "'" + ORG]
    expect(f"packs.csv: the hostile organisation neutralised as '{ORG[:20]}...",
           len(mine) == 1)
    if mine:
        d = f"{WORK}/packs/{mine[0]['folder']}"
        walk_page(d + "index.html", read(d + "index.html"))
        fraw = read(d + "failing.csv")
        expect("failing.csv: a cell starts a formula", not re.search(r'(^|,)[=+@-]', fraw, re.M))
        expect("failing.csv: a raw control character", not CTRL.search(fraw))
        fc = list(csv.reader(io.StringIO(fraw, newline="")))
        expect("failing.csv: a row with another column count",
               all(len(r) == len(fc[0]) for r in fc))
        fd = [dict(zip(fc[0], r)) for r in fc[1:]]
        for test in ("mail_auth_spf_policy", "mail_auth_dmarc_policy"):
            got = [r for r in fd if r["domain"] == DOMAIN and r["test"] == test]
            expect(f"failing.csv: {test} of {DOMAIN} from the 3 vantages, not {len(got)}",
                   len(got) == 3)
        expect("failing.csv: the SPF record's <script> in the evidence",
               any(SCRIPT in r["evidence"] and r["test"] == "mail_auth_spf_policy" for r in fd))

# --- show and export ------------------------------------------------------------------------
show = read(f"{WORK}/show.txt")
expect("show: a raw control character", not CTRL.search(show))
expect("show: the SPF record", f"v=spf1 -all {SCRIPT}" in show)
evid = []
for what in ("show.json", "export.json"):
    text = read(f"{WORK}/{what}")
    expect(f"{what}: a raw control character", not CTRL.search(text))
    try:
        rows = json.loads(text) if text.lstrip().startswith("[") else \
            [json.loads(line) for line in text.splitlines() if line.strip()]
    except ValueError as e:
        bad.append(f"{what}: not JSON: {e}")
        continue
    expect(f"{what}: no result of {DOMAIN}", any(r.get("domain") == DOMAIN for r in rows))
    vals = json.dumps(rows)
    expect(f"{what}: the SPF record's <script> and quotes not given back",
           json.dumps(f"v=spf1 -all {SCRIPT} \"dq\" 'sq'")[1:-1] in vals)
text = read(f"{WORK}/export.csv")
expect("export.csv: a raw control character", not CTRL.search(text))
expect("export.csv: a cell starts a formula", not re.search(r'(^|,)[=+@-]', text, re.M))
rows = list(csv.reader(io.StringIO(text, newline="")))
expect("export.csv: empty", len(rows) > 1)
expect("export.csv: a row with another column count", all(len(r) == len(rows[0]) for r in rows))
expect("export.csv: the SPF record's <script> and quotes",
       any(f"v=spf1 -all {SCRIPT} \"dq\" 'sq'" in c for r in rows for c in r))

for b in bad:
    print("FAIL:", b)
print(f"lab report: {len(pages)} pages walked{' and tidied' if shutil.which('tidy') else ''}, "
      f"{len(bad)} faults")
sys.exit(1 if bad else 0)
