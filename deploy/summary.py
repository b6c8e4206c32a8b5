#!/usr/bin/env python3
"""Explains a round's results (JSON lines of `peil-collector show --format json` on stdin):
a legend, one line per domain with its counts per status and the agreements it meets, then
what did not pass, with each vantage's reason.

  usage: summary.py [--catalogue FILE] [--about FILE] [--show CMD]
    --catalogue FILE  the catalogue as `peil-agent tests --format json` prints it (for the
                      agreements and the titles); without it no agreement column
    --about FILE      JSON object: domain -> what the domain is meant to show
    --show CMD        the command that shows a domain in full (printed in the detail)
"""
import argparse
import json
import sys

LEGEND = [
    ("passed", "the rule of the test is met"),
    ("failed", "the rule is not met (a mandatory test that fails breaks its agreements)"),
    ("warning", "not met, but the rule is a recommendation (internet.nl's notice)"),
    ("info", "worth knowing; never counts against the domain"),
    ("error", "the measurement could not be made (no answer, a lookup failed): it says "
              "nothing about the domain"),
    ("not_tested", "does not apply here (no MX, no IPv6 at this vantage) or not implemented "
                   "yet; counted, not shown"),
    ("split", "the vantages disagree: a finding in itself (see the detail)"),
]
ORDER = ["passed", "failed", "warning", "info", "error", "not_tested", "split"]
HEAD = {"passed": "PASS", "failed": "FAIL", "warning": "WARN", "info": "INFO",
        "error": "ERROR", "not_tested": "N/T", "split": "SPLIT"}
SHOWN = ("failed", "warning", "error", "info")


def reason(r):
    ev = dict(r.get("evidence", []))
    if "reason" in ev:
        return ev["reason"]
    return "; ".join(f"{k}={v}" for k, v in r.get("evidence", [])[:2])


def verdict(per):
    """One status for a test from its results per vantage: theirs when they agree (vantages
    that could not test it, not_tested, are left out), else split."""
    st = {r["status"] for r in per.values()}
    tested = st - {"not_tested"}
    if not tested:
        return "not_tested"
    return tested.pop() if len(tested) == 1 else "split"


def agreements(cat, tests):
    """Per agreement: yes (every mandatory test passes, or does not apply), no (one fails or
    warns), open (one is not implemented yet, or could not be measured)."""
    out = []
    for n in range(1, 6):
        mand = [e for e in cat.values() if e["mandatory"] and n in e["agreements"]]
        if not mand:
            continue
        state = "yes"
        for e in mand:
            per = tests.get(e["id"], {})
            st = {r["status"] for r in per.values()}
            if st & {"failed", "warning"}:
                state = "no"
                break
            if not e.get("implemented", True) or not per or "error" in st:
                state = "open"
        out.append((n, state))
    return out


def main():
    ap = argparse.ArgumentParser(add_help=True)
    ap.add_argument("--catalogue")
    ap.add_argument("--about")
    ap.add_argument("--show", default="peil-collector show")
    a = ap.parse_args()
    cat = {}
    if a.catalogue:
        with open(a.catalogue) as f:
            for line in f:
                if line.strip():
                    e = json.loads(line)
                    cat[e["id"]] = e
    about = {}
    if a.about:
        with open(a.about) as f:
            about = json.load(f)

    doms = {}
    vantages = set()
    for line in sys.stdin:
        if not line.strip():
            continue
        r = json.loads(line)
        vantages.add(r["vantage"])
        doms.setdefault(r["domain"], {}).setdefault(r["test"], {})[r["vantage"]] = r
    vs = sorted(vantages)
    nres = sum(len(p) for t in doms.values() for p in t.values())

    print(f"{len(doms)} domains, {nres} results from {len(vs)} vantages ({', '.join(vs)}).")
    print("Each test gets one verdict per vantage:")
    w = max(len(s) for s, _ in LEGEND)
    for s, text in LEGEND:
        print(f"  {s:<{w}}  {text}")
    if cat:
        print("The agreements: 1 HTTPS where data is entered, DNSSEC, SPF/DKIM/"
              "DMARC; 2 HTTPS and HSTS, TLS per NCSC;\n3 STARTTLS and DANE, strict SPF and "
              "DMARC; 4 IPv6; 5 RPKI. A domain meets one (yes) when every mandatory test of "
              "it\npasses or does not apply; no: one fails or warns; open: one is not "
              "implemented yet or could not be measured.")
    print()

    rows = []
    for d in sorted(doms):
        counts = {s: 0 for s in ORDER}
        for per in doms[d].values():
            counts[verdict(per)] += 1
        ag = " ".join(f"{n}:{s}" for n, s in agreements(cat, doms[d])) if cat else ""
        rows.append((d, counts, ag))
    dw = max([len("DOMAIN")] + [len(d) for d in doms])
    aw = max([len("AGREEMENTS")] + [len(r[2]) for r in rows])
    head = f"{'DOMAIN':<{dw}} " + " ".join(f"{HEAD[s]:>5}" for s in ORDER)
    if cat:
        head += f"  {'AGREEMENTS':<{aw}}"
    print(head + "  ABOUT")
    for d, counts, ag in rows:
        line = f"{d:<{dw}} " + " ".join(f"{counts[s]:>5}" for s in ORDER)
        if cat:
            line += f"  {ag:<{aw}}"
        print((line + "  " + about.get(d, "")).rstrip())

    print("\nWhat did not pass (every test whose verdict is not passed or not_tested), with the "
          "reason each vantage gave:")
    for d in sorted(doms):
        lines = []
        tw = max(len(t) for t in doms[d])
        for t in sorted(doms[d]):
            per = doms[d][t]
            if not ({r["status"] for r in per.values()} & set(SHOWN)):
                continue
            by = {}
            for v in vs:
                if v in per:
                    by.setdefault(per[v]["status"], []).append(v)
            sts = ", ".join(f"{s} ({' '.join(v)})" for s, v in by.items())
            reasons = {}
            for v in vs:
                if v in per and per[v]["status"] != "passed":
                    reasons.setdefault(reason(per[v]), []).append(v)
            lines.append(f"  {t:<{tw}}  {sts}")
            for text, v in reasons.items():
                who = "" if len(reasons) == 1 else f"[{' '.join(v)}] "
                lines.append(f"  {'':<{tw}}    {who}{text}")
        if not lines:
            continue
        print(f"\n{d}" + (f": {about[d]}" if d in about else ""))
        print("\n".join(lines))
        print(f"  (every evidence pair: {a.show} {d})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
