#!/usr/bin/env bash
# peil.conf(5) documents every configuration key once: the keys under its AGENT.CONF and BOTH
# FILES headings must be exactly what `peil-agent config` prints, those under COLLECTOR.CONF
# and BOTH FILES exactly what `peil-collector config` prints. Names each key missing from the
# page, each key the page has that the program lacks, and each key documented twice.
#   usage: tests/man_keys.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
PAGE="$SRC/docs/man/peil.conf.5.scd"
T=$(mktemp -d /tmp/peil-mankeys-XXXXXX)
trap 'rm -rf "$T"' EXIT

# section.key of a `config` output: "[section]" headers, then "#key =" lines.
config_keys() {
	"$1" config | awk '/^\[[a-z0-9_-]+\]$/ { s = substr($0, 2, length($0) - 2); next }
	    s != "" && /^#[a-z0-9_-]+ =/ { k = $1; sub(/^#/, "", k); print s "." k }'
}
# part.section.key of the page: "# PART" headings, "## [section]" headings, then "*key* =" lines.
page_keys() {
	awk '/^# / { p = $2; s = ""; next }
	    /^## \[[a-z0-9_-]+\]$/ { s = substr($2, 2, length($2) - 2); next }
	    /^\*[a-z0-9_\\-]+\* = / { k = $1; gsub(/[*\\]/, "", k);
	        if (s == "") { print "nosection." k; next } print p "." s "." k }' "$PAGE"
}

config_keys "$BUILD/agent/peil-agent" | sort >"$T/agent.prog"
config_keys "$BUILD/collector/peil-collector" | sort >"$T/collector.prog"
[ -s "$T/agent.prog" ] && [ -s "$T/collector.prog" ] || { echo "FAIL: no keys from config" >&2; exit 1; }
page_keys >"$T/page"
rc=0
if grep '^nosection\.' "$T/page" >/dev/null; then
	echo "FAIL: $PAGE: keys outside a '## [section]' heading: $(sed -n 's/^nosection\.//p' "$T/page" | tr '\n' ' ')"
	rc=1
fi
dups=$(sort "$T/page" | uniq -d)
if [ -n "$dups" ]; then
	echo "FAIL: $PAGE: documented twice: $(echo "$dups" | tr '\n' ' ')"
	rc=1
fi
for d in agent collector; do
	part=$(echo "$d" | tr a-z A-Z).CONF
	sed -n "s/^\\($part\\|BOTH\\)\\.//p" "$T/page" | sort >"$T/$d.page"
	d2=$(sort "$T/$d.page" | uniq -d)
	[ -z "$d2" ] || { echo "FAIL: $PAGE: for $d.conf documented twice (its part and BOTH FILES): $(echo "$d2" | tr '\n' ' ')"; rc=1; }
	missing=$(comm -23 "$T/$d.prog" <(sort -u "$T/$d.page"))
	extra=$(comm -13 "$T/$d.prog" <(sort -u "$T/$d.page"))
	[ -z "$missing" ] || { echo "FAIL: peil-$d config has keys peil.conf(5) lacks: $(echo "$missing" | tr '\n' ' ')"; rc=1; }
	[ -z "$extra" ] || { echo "FAIL: peil.conf(5) has keys peil-$d config lacks: $(echo "$extra" | tr '\n' ' ')"; rc=1; }
	echo "$d.conf: $(wc -l <"$T/$d.prog") keys in peil-$d config, $(wc -l <"$T/$d.page") in peil.conf(5)"
done
other=$(grep -v '^\(AGENT\.CONF\|COLLECTOR\.CONF\|BOTH\|nosection\)\.' "$T/page" || true)
[ -z "$other" ] || { echo "FAIL: $PAGE: keys under a heading other than AGENT.CONF, COLLECTOR.CONF, BOTH FILES: $(echo "$other" | tr '\n' ' ')"; rc=1; }
exit $rc
