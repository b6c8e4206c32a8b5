#!/usr/bin/env bash
# Backups and the schema version. `peil-collector backup DIR` while the collector is writing:
# a consistent copy that `show` and `export` read; a DIR that exists with content is refused
# (exit 1, naming it, nothing written), an empty one is used. A store of a NEWER schema is
# refused naming both versions and left as it was; an OLDER one is refused read-only, and a
# writer first backs it up (into the store directory) and then upgrades it in place.
BIN=$1
TEST_NAME=backup
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47166}

command -v mdb_load >/dev/null || skip "mdb_load is missing (Debian package lmdb-utils)"
count() { "$COLLECTOR_BIN" export "$@" | grep -c '"vantage":"w"' || true; }
# set_version STORE N: the schema version in meta, as an older or newer peil would leave it.
set_version() {
	printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n %s\n %016x\nDATA=END\n' \
	    736368656d615f76657273696f6e "$2" | mdb_load -s meta "$1"
}
version() { mdb_dump -p -s meta "$1" | grep -A1 '^ schema_version$' | tail -n 1 | sed 's/^ //'; }

make_keys w
write_collector_conf "$PORT"
import_targets 3000
write_agent_conf w "$PORT" "batch_max = 20" "window = 1"
start_collector
"$SYNTH_BIN" -c "$T/w.conf" --count 200000 >"$T/w.log" 2>&1 &
W=$!
PIDS+=($W)
for _ in $(seq 1 100); do
	[ "$(count -c "$T/collector.conf")" -ge 200 ] && break
	sleep 0.1
done
[ "$(count -c "$T/collector.conf")" -ge 200 ] || fail "the agent is not delivering"

# While results arrive: a whole copy, read like the store.
"$COLLECTOR_BIN" backup "$T/bk" -c "$T/collector.conf" >"$T/bk.out" ||
    fail "backup while the collector writes failed"
grep -q "backed up to $T/bk: [0-9]* bytes, schema version 3" "$T/bk.out" ||
    fail "backup said: $(cat "$T/bk.out")"
[ ! -e "$T/bk.tmp" ] || fail "backup left $T/bk.tmp"
nb=$(count --store "$T/bk")
[ "$nb" -ge 200 ] || fail "the backup holds $nb results"
"$COLLECTOR_BIN" export --store "$T/bk" >"$T/bk.json"
dom=$(sed -n '1s/.*"domain":"\([^"]*\)".*/\1/p' "$T/bk.json")
"$COLLECTOR_BIN" show "$dom" --store "$T/bk" >"$T/show.out" || fail "show on the backup"
grep -q "$dom" "$T/show.out" || fail "show on the backup: $(head -3 "$T/show.out")"
sleep 1
nl=$(count -c "$T/collector.conf")
[ "$nl" -gt "$nb" ] || fail "the collector stopped storing during the backup ($nb -> $nl)"
echo "backup while writing: $nb results copied, the collector went on to $nl"

# A directory with content: refused, untouched; an empty one: used.
mkdir "$T/taken" && echo keep >"$T/taken/file"
set +e
"$COLLECTOR_BIN" backup "$T/taken" -c "$T/collector.conf" 2>"$T/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "backup into a directory with content: exit $rc, not 1"
grep -q "$T/taken: exists and is not empty: nothing written" "$T/err" ||
    fail "message: $(cat "$T/err")"
[ "$(ls -A "$T/taken")" = file ] && [ ! -e "$T/taken.tmp" ] || fail "the directory was touched"
mkdir "$T/empty"
"$COLLECTOR_BIN" backup "$T/empty" -c "$T/collector.conf" >/dev/null ||
    fail "backup into an empty directory failed"
[ -f "$T/empty/data.mdb" ] || fail "no data.mdb in the empty directory"
set +e
"$COLLECTOR_BIN" backup -c "$T/collector.conf" 2>/dev/null; rc=$?
set -e
[ $rc -eq 2 ] || fail "backup without DIR: exit $rc, not 2"
kill "$W" "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"

# Newer: refused by readers and by the daemon, naming both versions; nothing changed.
cp -r "$T/bk" "$T/new"
set_version "$T/new" 99
set +e
"$COLLECTOR_BIN" show "$dom" --store "$T/new" >/dev/null 2>"$T/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "show on a newer store: exit $rc, not 1"
grep -q "schema version 99 is newer than this peil-collector's version 3" "$T/err" ||
    fail "newer store, show: $(cat "$T/err")"
sed -i "s|store = $T/store|store = $T/new|" "$T/collector.conf"
set +e
"$COLLECTOR_BIN" run -c "$T/collector.conf" >"$T/new.log" 2>&1; rc=$?
set -e
[ $rc -eq 1 ] || fail "run on a newer store: exit $rc, not 1"
grep -q "schema version 99 is newer than this peil-collector's version 3" "$T/new.log" ||
    fail "newer store, run: $(cat "$T/new.log")"
[ "$(version "$T/new")" = '\00\00\00\00\00\00\00c' ] || fail "the newer store was changed"

# Older: readers refuse it and say how to upgrade; a writer backs it up, then upgrades.
cp -r "$T/bk" "$T/old"
set_version "$T/old" 1
set +e
"$COLLECTOR_BIN" show "$dom" --store "$T/old" >/dev/null 2>"$T/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "show on an older store: exit $rc, not 1"
grep -q "schema version 1 is older than this peil-collector's version 3: start the collector" \
    "$T/err" || fail "older store, show: $(cat "$T/err")"
# report too: a clear message, and nothing written
set +e
"$COLLECTOR_BIN" report --out "$T/oldreport" --store "$T/old" >/dev/null 2>"$T/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "report on an older store: exit $rc, not 1"
grep -q "schema version 1 is older than this peil-collector's version 3: start the collector" \
    "$T/err" || fail "older store, report: $(cat "$T/err")"
[ ! -e "$T/oldreport" ] || fail "report on an older store wrote $(ls "$T/oldreport")"
sed -i "s|store = $T/new|store = $T/old|" "$T/collector.conf"
mv "$T/collector.log" "$T/collector-first.log"
start_collector
kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
grep -q "schema version 1 is older than this peil-collector's 3: backed up to $T/old/backup-v1-" \
    "$T/collector.log" || fail "no backup before the upgrade logged"
grep -q "upgraded from schema version 1 to 3" "$T/collector.log" || fail "no upgrade logged"
[ "$(version "$T/old")" = '\00\00\00\00\00\00\00\03' ] || fail "not upgraded: $(version "$T/old")"
pre=$(ls -d "$T"/old/backup-v1-*)
[ "$(version "$pre")" = '\00\00\00\00\00\00\00\01' ] || fail "the pre-upgrade backup is not v1"
[ "$(count --store "$T/old")" -eq "$nb" ] || fail "results lost in the upgrade"
"$COLLECTOR_BIN" show "$dom" --store "$T/old" >/dev/null || fail "show after the upgrade"
echo "newer refused, older backed up to $(basename "$pre") and upgraded"
echo "1 passed, 0 failed"
