#!/usr/bin/env python3
"""Prints results (JSON lines from `peil-collector show --format json`) as a table: one row
per domain and test, one column per vantage, with the main evidence. not_tested rows are
counted, not shown."""
import json
import sys

rows = {}
vantages = set()
not_tested = 0
for line in sys.stdin:
    r = json.loads(line)
    if r["status"] == "not_tested":
        not_tested += 1
        continue
    vantages.add(r["vantage"])
    key = (r["domain"], r["test"])
    rows.setdefault(key, {})[r["vantage"]] = r
vs = sorted(vantages)
print(f"{'DOMAIN':<26} {'TEST':<28} " + " ".join(f"{v:<11}" for v in vs) + " EVIDENCE")
last = None
for (domain, test), per in sorted(rows.items()):
    first = next(iter(per.values()))
    # The reason or the DNSSEC state says most; then whatever comes first.
    pairs = sorted(first["evidence"], key=lambda kv: 0 if kv[0] in ("reason", "dnssec") else 1)
    ev = "; ".join(f"{k}={v}" for k, v in pairs[:2])
    if len(ev) > 70:
        ev = ev[:67] + "..."
    shown = domain if domain != last else ""
    last = domain
    print(f"{shown:<26} {test:<28} " + " ".join(f"{per.get(v, {}).get('status', '-'):<11}" for v in vs) + " " + ev)
print(f"({not_tested} not_tested results hidden: tests not implemented yet, or not applicable)")
