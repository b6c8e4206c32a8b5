#!/usr/bin/env bash
# The command-line contract, read from the programs themselves: for every command of both
# (the list in their --help), `--help` exits 0 and names every option the command accepts, and
# accepts every option it names; every --format value its usage line names works and any
# other exits 2 naming the accepted ones; every exit status its help documents is produced by
# a case below, and no case produces one it does not document.
BIN=$1
TEST_NAME=cli_contract
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47131}
PORT2=${PORT2:-47132}
DNS_ADDR=${DNS_ADDR:-127.0.2.54}

start_dnstree "$DNS_ADDR"

# A collector with results in its store (from peil-synth), and an agent that may take a round.
make_keys good other
write_collector_conf "$PORT" "durable = no"
write_agent_conf good "$PORT"
write_agent_conf other "$PORT" "[resolver]" "forwarder = 127.0.0.1@9" "timeout_ms = 300"
import_targets 2
start_collector
"$SYNTH_BIN" -c "$T/good.conf" --count 20 >"$T/synth.log" 2>&1 || fail "peil-synth failed"
# A second collector's configuration (its own port and store), to start and stop.
sed -e "s|127.0.0.1:$PORT|127.0.0.1:$PORT2|" -e "s|$T/store|$T/store2|" "$T/collector.conf" \
    >"$T/collector2.conf"
sed -e "s|^secret_key = .*|secret_key = $T/keys/none.key|" "$T/collector2.conf" \
    >"$T/nokey-collector.conf"
sed -e "s|^secret_key = .*|secret_key = $T/keys/none.key|" "$T/good.conf" >"$T/nokey-agent.conf"
printf 'org,test\n' >"$T/suffix.csv"
"$AGENT_BIN" keygen --output "$T/keys/newcomer" >/dev/null
cat >"$T/probe.conf" <<CONF
[resolver]
root_hints = $T/dns/root.hints
trust_anchor = $T/dns/root.ds
ipv6 = no
timeout_ms = 2000
CONF

python3 - "$AGENT_BIN" "$COLLECTOR_BIN" "$T" <<'PY' || fail "the command-line contract is broken"
import os, re, signal, subprocess, sys, time

AGENT, COLL, T = sys.argv[1:4]
NAMES = {AGENT: "peil-agent", COLL: "peil-collector"}
bad = []
checked = 0


def run(argv, timeout=60):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def commands(prog):
    """The commands the top-level help lists: the leading lower-case words of each line of its
    'commands:' block."""
    rc, out, _ = run([prog, "--help"])
    if rc != 0:
        bad.append(f"{NAMES[prog]} --help exited {rc}")
    cmds, inside = [], False
    for line in out.splitlines():
        if line.strip().lower().startswith("commands"):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            words = []
            for w in re.split(r"\s{2,}", line.strip())[0].split():
                if not re.fullmatch(r"[a-z][a-z-]*", w):
                    break
                words.append(w)
            if words:
                cmds.append(words)
    return cmds


def documented(help_text):
    """Long options the help names (option lines), with whether each takes a value."""
    opts = {}
    for line in help_text.splitlines():
        m = re.match(r"\s+(?:-\w, )?--([a-z][a-z-]*)(?:[ =]([A-Z][A-Z.=_]*))?", line)
        if m:
            opts[m.group(1)] = m.group(2) is not None
    return opts


def formats(help_text):
    m = re.search(r"--format ([a-z]+(?:\|[a-z]+)+|[a-z]+)", help_text)
    return m.group(1).split("|") if m else []


def exit_statuses(help_text):
    m = re.search(r"Exit status[^:\n]*:(.*?)(?:\n\s*\n|\n\s+-|\Z)", help_text, re.S)
    return {int(n) for n in re.findall(r"(?<![\w.])(\d)(?![\w.])", m.group(1))} if m else set()


SAMPLE = {"test": "web_dnssec_exist", "rounds": "1", "count": "1"}


def key_fp(path):
    """A public key file's fingerprint as peil prints it: SHA-256 of the Z85-decoded key."""
    import hashlib
    z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
    key = [l.split("=", 1)[1].strip() for l in open(path) if l.startswith("public-key")][0]
    raw = b""
    for i in range(0, 40, 5):
        v = 0
        for c in key[i:i + 5]:
            v = v * 85 + z85.index(c)
        raw += v.to_bytes(4, "big")
    h = hashlib.sha256(raw).hexdigest()
    return "SHA256:" + ":".join(h[i:i + 4] for i in range(0, 64, 4))
# What makes each command do its work (for the --format checks), and the exit statuses a
# run of it may end with there.
WORK = {
    (COLL, "targets", "list"): ["-c", f"{T}/collector.conf"],
    (COLL, "agents"): ["-c", f"{T}/collector.conf"],
    (COLL, "rounds"): ["-c", f"{T}/collector.conf"],
    (COLL, "export"): ["-c", f"{T}/collector.conf"],
    (COLL, "show"): ["-c", f"{T}/collector.conf", "synth0.example.nl"],
    (AGENT, "probe"): ["-c", f"{T}/probe.conf", "--test", "web_caa", "good.test"],
    (AGENT, "tests"): [],
}
# One case per exit status a command documents: (argv after the command, expected status).
CASES = {
    (COLL, "run"): [(["-c", f"{T}/collector2.conf"], 0, "term"),
                    (["-c", f"{T}/nokey-collector.conf"], 1, None), (["--bogus"], 2, None)],
    (COLL, "keygen"): [(["--output", f"{T}/kg-c"], 0, None), (["--output", f"{T}/kg-c"], 1, None),
                       (["--bogus"], 2, None)],
    (COLL, "targets", "import"): [([f"{T}/targets.csv", "-c", f"{T}/collector.conf"], 0, None),
                                  ([f"{T}/suffix.csv", "-c", f"{T}/collector.conf"], 1, None),
                                  (["-c", f"{T}/collector.conf"], 2, None)],
    (COLL, "targets", "list"): [(["-c", f"{T}/collector.conf"], 0, None),
                                (["--store", f"{T}/nostore"], 1, None), (["--bogus"], 2, None)],
    (COLL, "show"): [(["-c", f"{T}/collector.conf", "synth0.example.nl"], 0, None),
                     (["-c", f"{T}/collector.conf", "nosuch.example.nl"], 1, None),
                     (["-c", f"{T}/collector.conf", ""], 2, None)],
    (COLL, "export"): [(["-c", f"{T}/collector.conf"], 0, None),
                       (["--store", f"{T}/nostore"], 1, None), (["--format", "xml"], 2, None)],
    (COLL, "agents"): [(["-c", f"{T}/collector.conf"], 0, None),
                       (["--store", f"{T}/nostore"], 1, None), (["--bogus"], 2, None)],
    (COLL, "rounds"): [(["-c", f"{T}/collector.conf"], 0, None),
                       (["--store", f"{T}/nostore"], 1, None), (["--bogus"], 2, None)],
    (COLL, "config"): [([], 0, None), (["--bogus"], 2, None)],
    (COLL, "report"): [(["-c", f"{T}/collector.conf", "--out", f"{T}/site"], 0, None),
                       (["-c", f"{T}/collector.conf", "--out", f"{T}/site2", "--round", "99"],
                        1, None),
                       (["-c", f"{T}/collector.conf", "--out", f"{T}/site3", "--round", "x"],
                        2, None)],
    (AGENT, "run"): [(["-c", f"{T}/other.conf", "--rounds", "1"], 0, None),
                     (["-c", f"{T}/nokey-agent.conf", "--rounds", "1"], 1, None),
                     (["--bogus"], 2, None)],
    (AGENT, "probe"): [(["-c", f"{T}/probe.conf", "--test", "web_caa", "good.test"], 0, None),
                       (["-c", f"{T}/probe.conf", "insecure.test"], 1, None),
                       (["bad domain"], 2, None),
                       (["-c", f"{T}/probe.conf", "-o", "resolver.forwarder=127.0.0.1@9",
                         "-o", "resolver.timeout_ms=300", "--test", "web_dnssec_exist",
                         "good.test"], 3, None),
                       (["-c", f"{T}/probe.conf", "--test", "web_caa", "good.test"], 4, "full")],
    (AGENT, "keygen"): [(["--output", f"{T}/kg-a"], 0, None), (["--output", f"{T}/kg-a"], 1, None),
                        (["--bogus"], 2, None)],
    (AGENT, "config"): [([], 0, None), (["--bogus"], 2, None)],
    (AGENT, "tests"): [([], 0, None), ([], 1, "full"), (["no_such_test"], 2, None)],
    (COLL, "agents", "add"): [(["newcomer", f"{T}/keys/newcomer.pub", "-c", f"{T}/collector.conf"],
                               0, None),
                              (["good", f"{T}/keys/good.pub", "-c", f"{T}/collector.conf"], 1, None),
                              ([".bad", f"{T}/keys/newcomer.pub", "-c", f"{T}/collector.conf"], 2,
                               None)],
    (COLL, "agents", "remove"): [(["newcomer", "-c", f"{T}/collector.conf"], 0, None),
                                 (["nosuch", "-c", f"{T}/collector.conf"], 1, None),
                                 ([".bad", "-c", f"{T}/collector.conf"], 2, None)],
    (COLL, "agents", "list"): [(["-c", f"{T}/collector.conf"], 0, None),
                               (["-o", f"collector.allowlist={T}/noallow"], 1, None),
                               (["--bogus"], 2, None)],
    (COLL, "backup"): [([f"{T}/bk", "-c", f"{T}/collector.conf"], 0, None),
                       ([f"{T}/bk", "-c", f"{T}/collector.conf"], 1, None),
                       (["-c", f"{T}/collector.conf"], 2, None)],
    (AGENT, "enroll"): [(["-c", f"{T}/good.conf", "--collector-key", key_fp(f"{T}/keys/collector.pub")],
                         0, None),
                        (["-c", f"{T}/good.conf", "--collector-key", "SHA256:" + "0" * 64], 1,
                         None),
                        (["-c", f"{T}/good.conf", "--collector-key", "SHA256:12"], 2, None)],
}

for prog in (AGENT, COLL):
    name = NAMES[prog]
    cmds = commands(prog)
    if len(cmds) < 3:
        bad.append(f"{name} --help lists {len(cmds)} commands")
    for words in cmds:
        key = (prog, *words)
        what = f"{name} {' '.join(words)}"
        rc, out, err = run([prog, *words, "--help"])
        checked += 1
        if rc != 0 or not out.startswith("usage: ") or what not in "\n".join(
                out.splitlines()[:3]):
            bad.append(f"'{what} --help' exited {rc} or has no usage line")
            continue
        doc = documented(out)
        # Every option of either program, tried on this command: accepted when --help still
        # answers after it (given a value, or with a second --help for it to take).
        cands = {"config", "set", "help", "format", "output", "force", "test", "rounds",
                 "count", "store", "open", "version", "go-file"} | set(doc)
        fmts = formats(out)
        for o in sorted(cands):
            val = fmts[0] if o == "format" and fmts else SAMPLE.get(o, "x")
            a = run([prog, *words, f"--{o}={val}", "--help"])[0] == 0
            b = run([prog, *words, f"--{o}", "--help", "--help"])[0] == 0
            checked += 1
            if (a or b) and o not in doc:
                bad.append(f"'{what}' accepts --{o}, which its --help does not name")
            if not (a or b) and o in doc:
                bad.append(f"'{what} --help' names --{o}, which it refuses")
        # Formats: each named one works; any other exits 2 naming the accepted ones.
        if key == (COLL, "targets", "import"):
            # one help for import and list; import reads CSV and refuses any --format
            rc, _, e2 = run([prog, *words, f"{T}/targets.csv", "-c", f"{T}/collector.conf",
                             "--format", "csv"])
            checked += 1
            if rc != 2 or "no --format" not in e2:
                bad.append(f"'{what} --format csv' exited {rc}: {e2.strip()[:200]}")
        elif "format" in doc:
            if not fmts:
                bad.append(f"'{what} --help': --format without its values in the usage line")
            work = WORK.get(key)
            if work is None:
                bad.append(f"'{what}' takes --format but this test has no way to run it")
            else:
                for f in fmts:
                    rc, o2, e2 = run([prog, *words, *work, "--format", f])
                    checked += 1
                    if rc == 2 or "format" in e2:
                        bad.append(f"'{what} --format {f}' (named in its help) exited {rc}: "
                                   f"{e2.strip()[:200]}")
                for f in ["xml", "jsonl", "table", "json", "csv", "markdown"]:
                    if f in fmts:
                        continue
                    rc, o2, e2 = run([prog, *words, *work, "--format", f])
                    checked += 1
                    if rc != 2 or not all(x in e2 for x in fmts):
                        bad.append(f"'{what} --format {f}' (not in its help) exited {rc} and "
                                   f"said: {e2.strip()[:200]}")
        # Exit statuses: documented ones each produced by a case; no case gives another.
        doc_st = exit_statuses(out)
        if not doc_st:
            bad.append(f"'{what} --help' documents no exit status")
        cases = CASES.get(key, [])
        for st in sorted(doc_st - {c[1] for c in cases}):
            bad.append(f"'{what}' documents exit status {st}, and no case here produces it")
        for argv, want, how in cases:
            checked += 1
            if want not in doc_st:
                bad.append(f"'{what}' case for exit status {want}: its help does not document it")
            if how == "term":
                p = subprocess.Popen([prog, *words, *argv], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
                time.sleep(1.5)
                p.send_signal(signal.SIGTERM)
                try:
                    rc = p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    rc = -1
                err = p.stderr.read()
            elif how == "full":   # stdout a full disk: the output cannot be written
                with open("/dev/full", "w") as full:
                    p = subprocess.run([prog, *words, *argv], stdout=full,
                                       stderr=subprocess.PIPE, text=True, timeout=60)
                rc, err = p.returncode, p.stderr
            else:
                rc, _, err = run([prog, *words, *argv], timeout=120)
            if rc != want:
                bad.append(f"'{what} {' '.join(argv)}' exited {rc}, expected {want}: "
                           f"{err.strip()[:300]}")

for b in bad:
    print("FAIL:", b, file=sys.stderr)
print(f"{checked} checks, {len(bad)} failed")
sys.exit(1 if bad else 0)
PY
