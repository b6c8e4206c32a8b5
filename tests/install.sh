#!/usr/bin/env bash
# `cmake --install` into a scratch DESTDIR: the binaries, the units, the example and the live
# configurations land where the units expect them, and a configuration that exists is kept.
#   usage: tests/install.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
T=$(mktemp -d /tmp/peil-install-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "install: $*" >&2; exit 1; }

prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
confdir=$(sed -n 's/^PEIL_CONFDIR:PATH=//p' "$BUILD/CMakeCache.txt")
[ -n "$prefix" ] && [ -n "$confdir" ] || fail "no CMAKE_INSTALL_PREFIX or PEIL_CONFDIR in the cache"
DESTDIR="$T" cmake --install "$BUILD" >"$T.log" 2>&1 || { cat "$T.log" >&2; fail "cmake --install failed"; }
for f in "$prefix/bin/peil-agent" "$prefix/bin/peil-collector"; do
	[ -x "$T$f" ] || fail "$f not installed"
done
for d in agent collector; do
	unit="$T$prefix/lib/systemd/system/peil-$d.service"
	[ -f "$unit" ] || fail "peil-$d.service not installed"
	exe=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$unit")
	[ -x "$T$exe" ] || fail "peil-$d.service runs $exe, which is not installed"
	conf=$(sed -n 's/^ExecStart=.* -c \([^ ]*\)$/\1/p' "$unit")
	[ "$conf" = "$confdir/$d.conf" ] || fail "peil-$d.service reads $conf, not $confdir/$d.conf"
	[ -f "$T$conf" ] || fail "$conf not installed"
	cmp -s "$T$conf" "$T$prefix/share/peil/examples/$d.conf" || fail "$conf is not the example"
	# the installed binary accepts the installed configuration
	"$T$exe" config -c "$T$conf" >/dev/null || fail "peil-$d rejects $conf"
done
# A configuration the administrator edited survives a reinstall.
echo "# edited" >>"$T$confdir/agent.conf"
DESTDIR="$T" cmake --install "$BUILD" >"$T.log" 2>&1 || fail "second cmake --install failed"
grep -q '^# edited$' "$T$confdir/agent.conf" || fail "a reinstall overwrote $confdir/agent.conf"
rm -f "$T.log"
echo "install: binaries, units, configurations and examples where the units expect them"
