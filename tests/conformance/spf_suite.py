#!/usr/bin/env python3
"""spf_suite.py: peil's SPF verdicts against the OpenSPF RFC 7208 test suite.

Reads rfc7208-tests.yml (gzipped, as Debian's python3-spf ships it; never copied into this
repository), feeds every scenario's zone and domain to the spf_suite harness (peil's own
mail_auth_spf_exist / mail_auth_spf_policy code over a canned zone), and compares.

What is comparable. The suite evaluates check_host() for one sender (IP, MAIL FROM, HELO) and
expects pass/fail/softfail/neutral/none/permerror/temperror. peil judges the policy a domain
publishes, with no sender: it cannot say pass or fail for an address, but it does say whether
the domain has one SPF record (none / several), whether the record and its whole tree are
valid (syntax, lookup and void-lookup limits, include and redirect targets), and whether a
lookup failed. So each expected result is mapped to a class:
    none                                 -> NONE       (no SPF record, or no such domain)
    permerror                            -> PERMERROR  (several records, syntax, limits, ...)
    temperror                            -> TEMPERROR  (a DNS lookup failed)
    pass, fail, softfail, neutral        -> EVALUATED  (the policy could be evaluated)
and peil's two verdicts are mapped to the same classes (peil_class below). A scenario agrees
when peil's class is one of the expected classes (the suite lists alternatives for some).

One difference runs through the suite: peil walks the whole tree statically, every include,
every term, whatever a sender would match first. An evaluation stops at the first match, so
a broken term or a lookup limit exceeded *after* the match does not matter to it, but it does
to peil: a published policy that fails for some senders is a broken policy. Static lookup
counting is therefore stricter than evaluation order, and the scenarios where that is the
only difference are listed in DELIBERATE below with that reason. Any other disagreement fails
this test; so does a listed difference that no longer differs (the list must stay true).
"""
import argparse
import gzip
import subprocess
import sys

import yaml

STATIC = ("static walk: peil checks every term of the tree, an evaluation stops at the first "
          "match (static lookup counting is stricter than evaluation order)")
# Scenarios whose class cannot be compared, beyond those whose identity is not a valid
# domain (RFC 7208 4.3: toolonglabel, emptylabel, helo-not-fqdn, ...; peil is handed valid
# domains from its target list, so the check_host() initial processing is not its): id -> why.
# None so far: the class of every other scenario is decided by the published records alone,
# or by a lookup peil makes too. What is never compared, in any scenario, is the sender's
# result within EVALUATED (pass, fail, softfail, neutral) and the explanation string.
NOT_COMPARABLE = {
}

# Deliberate differences: id -> why peil's class differs from the suite's.
DELIBERATE = {
    # e8: "a include:inc(8 x a) ip4:1.2.3.4 mx -all": the sender 1.2.3.4 matches ip4 after
    # 10 lookups, so the evaluation passes; mx is the 11th DNS-querying term of the policy,
    # and a sender that does not match earlier gets permerror.
    "include-at-limit": STATIC,
}


def domain_of(test):
    """The domain check_host() starts from: MAIL FROM's domain, else the HELO name."""
    mailfrom = test.get("mailfrom") or ""
    if "@" in mailfrom:
        return mailfrom.rsplit("@", 1)[1]
    return test.get("helo") or ""


def valid_identity(name):
    """RFC 7208 4.3: a multi-label domain of LDH labels 1..63 long (no domain literal)."""
    if name.endswith("."):
        name = name[:-1]
    labels = name.split(".")
    if len(labels) < 2 or len(name) > 253:
        return False
    return all(0 < len(l) <= 63 and all(c.isalnum() or c in "-_" for c in l) for l in labels)


def txt_rdata(strings):
    """Zone-file text of a TXT record: each string quoted, bytes escaped, cut at 255."""
    if isinstance(strings, str):
        strings = [strings]
    parts = []
    for s in strings:
        b = s.encode("utf-8")
        chunks = [b[i:i + 255] for i in range(0, len(b), 255)] or [b""]
        for c in chunks:
            out = []
            for x in c:
                if x in (0x22, 0x5C):
                    out.append("\\" + chr(x))
                elif 0x20 <= x < 0x7F:
                    out.append(chr(x))
                else:
                    out.append("\\%03d" % x)
            parts.append('"' + "".join(out) + '"')
    return " ".join(parts) if parts else '""'


def fqdn(name):
    name = str(name)
    return "." if name in ("", ".") else name.rstrip(".") + "."


def zone_lines(zonedata):
    """The harness's Z and T lines for one scenario, built as testspf.py (the suite's own
    driver) builds its zone: SPF-type records are served as TXT too when the name has no TXT
    of its own ("auto-magic duplication", appended last); "NONE" values are left out; a
    TIMEOUT entry times out every query of a type that no record before it answers."""
    lines = []
    for owner, recs in zonedata.items():
        owner = owner.lower().rstrip(".")
        items, generated, gen = [], [], True
        for r in recs:
            if r == "TIMEOUT":
                items.append(("TIMEOUT", None))
                continue
            for t, v in r.items():
                if t in ("TXT", "SPF") and isinstance(v, str):
                    v = [v]
                if t == "TXT":
                    gen = False
                elif t == "SPF" and gen:
                    generated.append(("TXT", v))
                if v != ["NONE"]:
                    items.append((t, v))
        if gen:
            items.extend(generated)
        answered = []
        for t, v in items:
            if t == "TIMEOUT":
                lines.append(" ".join(["T", owner] + sorted(set(answered))))
                continue
            if v == "TIMEOUT":
                lines.append("T %s" % owner)
                continue
            answered.append(t)
            if t in ("TXT", "SPF"):
                lines.append("Z %s %s %s" % (owner, t, txt_rdata(v)))
            elif t in ("A", "AAAA"):
                lines.append("Z %s %s %s" % (owner, t, v))
            elif t == "MX":
                lines.append("Z %s MX %d %s" % (owner, int(v[0]), fqdn(v[1])))
            elif t in ("CNAME", "PTR"):
                lines.append("Z %s %s %s" % (owner, t, fqdn(v)))
            else:
                sys.exit("spf_suite: %s: record type %s not handled" % (owner, t))
    return lines


def expected_classes(result):
    results = result if isinstance(result, list) else [result]
    m = {"pass": "EVALUATED", "fail": "EVALUATED", "softfail": "EVALUATED",
         "neutral": "EVALUATED", "none": "NONE", "permerror": "PERMERROR",
         "temperror": "TEMPERROR"}
    return sorted({m[r] for r in results})


PERM_REASONS = ("syntax error", "DNS-querying terms", "void lookups", "SPF records; RFC 7208",
                "has no SPF record", "does not exist", " loop:", "MX records, more than",
                "include chain deeper")


def peil_class(exist, policy, r_exist, r_policy):
    if exist == "E":
        return "NONE" if "NXDOMAIN" in r_exist or "does not exist" in r_exist else "TEMPERROR"
    if exist == "F":
        return "PERMERROR" if "RFC 7208 allows one" in r_exist else "NONE"
    if policy == "E":
        return "TEMPERROR"
    if policy == "F" and any(p in r_policy for p in PERM_REASONS):
        return "PERMERROR"
    return "EVALUATED"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harness", required=True)
    ap.add_argument("--suite", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    with gzip.open(args.suite, "rt", encoding="utf-8") as f:
        docs = list(yaml.safe_load_all(f))
    scenarios, feed = {}, []
    for doc in docs:
        zl = zone_lines(doc["zonedata"])
        for tid, t in doc["tests"].items():
            if tid in scenarios:
                sys.exit("spf_suite: duplicate scenario id %s" % tid)
            scenarios[tid] = (doc["description"], t)
            dom = domain_of(t)
            if not valid_identity(dom):
                continue
            feed.append("S " + tid)
            feed.extend(zl)
            feed.append("D " + dom.rstrip("."))
    proc = subprocess.run([args.harness], input="\n".join(feed) + "\n", capture_output=True,
                          text=True, timeout=300)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit("spf_suite: the harness failed (exit %d)" % proc.returncode)
    got = {}
    for line in proc.stdout.splitlines():
        f = line.split("\t")
        if len(f) == 6 and f[0] == "R":
            got[f[1]] = f[2:]

    counts = {"total": len(scenarios), "compared": 0, "agreed": 0, "deliberate": 0,
              "not comparable": 0}
    bad, stale = [], []
    for tid, (section, t) in scenarios.items():
        want = expected_classes(t["result"])
        dom = domain_of(t)
        if not valid_identity(dom):
            counts["not comparable"] += 1
            if args.verbose:
                print("n/c   %-28s %s: the identity %r is not a valid domain (RFC 7208 4.3); "
                      "peil is handed valid domains" % (tid, section, dom))
            continue
        if tid in NOT_COMPARABLE:
            counts["not comparable"] += 1
            if args.verbose:
                print("n/c   %-28s %s" % (tid, NOT_COMPARABLE[tid]))
            continue
        if tid not in got:
            bad.append("%s: no verdict from the harness" % tid)
            continue
        exist, policy, r_exist, r_policy = got[tid]
        have = peil_class(exist, policy, r_exist, r_policy)
        counts["compared"] += 1
        detail = "%-28s want %-22s peil %-9s (%s/%s %s)" % (
            tid, "|".join(want), have, exist, policy, r_policy or r_exist)
        if have in want:
            if tid in DELIBERATE:
                stale.append(tid)
            counts["agreed"] += 1
            if args.verbose:
                print("agree " + detail)
        elif tid in DELIBERATE:
            counts["deliberate"] += 1
            print("delib " + detail + "\n      because " + DELIBERATE[tid])
        else:
            bad.append(detail)
    for tid in list(DELIBERATE) + list(NOT_COMPARABLE):
        if tid not in scenarios:
            bad.append("%s: listed but not in the suite" % tid)
    print("rfc7208-tests: %(total)d scenarios, %(compared)d compared, %(agreed)d agreed, "
          "%(deliberate)d deliberate differences, %(not comparable)d not comparable" % counts)
    print("  compared: the class (none / permerror / temperror / evaluated); never the "
          "sender's pass/fail/softfail/neutral (%d scenarios) nor explanations (%d)" % (
              sum(1 for _, t in scenarios.values() if set(
                  t["result"] if isinstance(t["result"], list) else [t["result"]]) &
                  {"pass", "fail", "softfail", "neutral"}),
              sum(1 for _, t in scenarios.values() if "explanation" in t)))
    for s in stale:
        print("STALE listed as a deliberate difference but agrees now: " + s)
    for b in bad:
        print("DISAGREE " + b)
    return 1 if bad or stale else 0


if __name__ == "__main__":
    sys.exit(main())
