#!/usr/bin/env bash
# The Debian packages, end to end: builds peil-common, peil-agent and peil-collector from a
# copy of the source tree (debian/), checks them with lintian, installs them with apt, starts
# the collector and an agent from the installed files as their units say (under systemd with
# systemctl; elsewhere the unit's ExecStart line as the unit's User, without privileges),
# sees a result arrive in the installed store, reinstalls (the keys stay), then purges and
# checks that nothing is left: no package, file, directory, user, group or unit link.
# Installs system packages: needs root, and a machine without peil installed; whatever
# happens, the exit trap stops the daemons and purges what it installed.
#   usage: package.sh BUILD_DIR SOURCE_DIR
BIN=$1
SRC=$(cd "$2" && pwd)
TEST_NAME=package
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47151}
PKGS=(peil-common peil-agent peil-collector)
USERS=(peil-agent peil-collector)
DOMAIN=example.nl   # no network: its DNS tests end in a defined 'error' (time-out)

[ "$(id -u)" -eq 0 ] || skip "needs root (installs packages)"
for t in dpkg-buildpackage lintian apt-get setpriv; do
	command -v "$t" >/dev/null || skip "$t missing (deploy/install-deps.sh)"
done

# Everything the packages own or make; all of it must be absent before and after.
leftovers() {
	local p u f
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^[a-z][a-zA-Z]' &&
		    echo "package $p ($(dpkg-query -W -f='${db:Status-Abbrev}' "$p"))"
	done
	for u in "${USERS[@]}"; do
		getent passwd "$u" >/dev/null && echo "user $u"
		getent group "$u" >/dev/null && echo "group $u"
	done
	for f in /etc/peil /var/lib/peil /usr/bin/peil-agent /usr/bin/peil-collector \
	    /lib/systemd/system/peil-agent.service /lib/systemd/system/peil-collector.service \
	    /usr/share/peil /usr/share/doc/peil-agent /usr/share/doc/peil-collector \
	    /usr/share/doc/peil-common /usr/share/man/man8/peil-agent.8.gz \
	    /usr/share/man/man8/peil-collector.8.gz /usr/share/man/man5/peil.conf.5.gz; do
		[ -e "$f" ] || [ -L "$f" ] && echo "file $f"
	done
	find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
	    /var/lib/systemd/deb-systemd-helper-masked -name 'peil-*' 2>/dev/null |
	    sed 's/^/unit link /'
	return 0
}
before=$(leftovers)
[ -z "$before" ] || skip "peil is installed here already, the test would change it: $before"

DAEMONS=()    # the daemons' pids
WRAPPERS=()   # what this shell started for each: the daemon itself, or strace running it
INSTALLED=
# At exit, pass or fail: stop the daemons, purge the packages, and remove whatever a failed
# maintainer script may have left (the machine had none of it before).
package_cleanup() {
	local p u
	for p in "${DAEMONS[@]:-}" "${WRAPPERS[@]:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null || true
	done
	sleep 0.5
	for p in "${DAEMONS[@]:-}" "${WRAPPERS[@]:-}"; do
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
	done
	if [ -d /run/systemd/system ]; then
		systemctl stop peil-agent peil-collector >/dev/null 2>&1 || true
	fi
	[ -n "$INSTALLED" ] || return 0
	DEBIAN_FRONTEND=noninteractive dpkg --purge "${PKGS[@]}" >>"$T/purge.log" 2>&1 || true
	for u in "${USERS[@]}"; do
		getent passwd "$u" >/dev/null && userdel "$u" 2>/dev/null
		getent group "$u" >/dev/null && groupdel "$u" 2>/dev/null
	done
	rm -rf /etc/peil /var/lib/peil
	find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
	    /var/lib/systemd/deb-systemd-helper-masked -name 'peil-*' -exec rm -rf {} + \
	    2>/dev/null || true
	if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
	return 0
}
CLEANUP_HOOKS+=(package_cleanup)

# --- build, from a copy of the tree (the packages build in it and beside it)
mkdir "$T/src"
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$SRC" ls-files -z --cached --others --exclude-standard |
	    (cd "$SRC" && xargs -0 cp --parents -t "$T/src" 2>/dev/null || true)
else
	(cd "$SRC" && tar --exclude='./build*' --exclude='./obj-*' -cf - .) | tar -C "$T/src" -xf -
fi
[ -f "$T/src/debian/control" ] || fail "no debian/control in the copy of $SRC"
(cd "$T/src" && dpkg-checkbuilddeps) >"$T/build.log" 2>&1 ||
    fail "build dependencies missing: $(tail -n 1 "$T/build.log")"
start=$(date +%s)
(cd "$T/src" && DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck" \
    dpkg-buildpackage -b -us -uc) >>"$T/build.log" 2>&1 || fail "dpkg-buildpackage failed"
echo "packages built in $(($(date +%s) - start)) s"
debs=()
for p in "${PKGS[@]}"; do
	f=$(ls "$T/${p}_"*.deb 2>/dev/null | head -n 1)
	[ -n "$f" ] || fail "no $p package built"
	debs+=("$f")
done
# Shared-library dependencies come from dh_shlibdeps.
dpkg-deb -f "$T"/peil-agent_*.deb Depends | grep -q 'libzmq5' ||
    fail "peil-agent does not depend on libzmq5: $(dpkg-deb -f "$T"/peil-agent_*.deb Depends)"

# --- lintian: no error or warning; what remains is overridden in debian/ with its reason
lintian --fail-on error,warning "${debs[@]}" \
    >"$T/lintian.log" 2>&1 || { cat "$T/lintian.log" >&2; fail "lintian"; }
echo "lintian: $(grep -c '^[EWIPX]:' "$T/lintian.log" || true) tags"

# --- install
INSTALLED=yes
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}" \
    >"$T/install.log" 2>&1 || { tail -n 20 "$T/install.log" >&2; fail "apt-get install"; }
for u in "${USERS[@]}"; do
	getent passwd "$u" >/dev/null || fail "no user $u after installation"
	[ "$(getent passwd "$u" | cut -d: -f7)" = /usr/sbin/nologin ] || fail "$u has a login shell"
done
for k in agent collector; do
	[ -f "/etc/peil/$k.key" ] && [ -f "/etc/peil/$k.pub" ] || fail "no $k key pair made"
	[ "$(stat -c '%U %a' "/etc/peil/$k.key")" = "peil-$k 600" ] ||
	    fail "/etc/peil/$k.key is $(stat -c '%U %a' "/etc/peil/$k.key"), not peil-$k 600"
	[ "$(stat -c '%U %a' "/var/lib/peil/$k")" = "peil-$k 700" ] ||
	    fail "/var/lib/peil/$k is $(stat -c '%U %a' "/var/lib/peil/$k"), not peil-$k 700"
	dpkg-query -W -f='${Conffiles}\n' "peil-$k" | grep -q " /etc/peil/$k.conf " ||
	    fail "/etc/peil/$k.conf is not a conffile of peil-$k"
	[ -L "/etc/systemd/system/multi-user.target.wants/peil-$k.service" ] ||
	    fail "peil-$k.service is not enabled"
done
# The installed units as systemd reads them: no unknown setting, no missing binary.
systemd-analyze verify --man=no /lib/systemd/system/peil-agent.service \
    /lib/systemd/system/peil-collector.service >"$T/verify.log" 2>&1 ||
    { cat "$T/verify.log" >&2; fail "systemd-analyze verify"; }
[ ! -s "$T/verify.log" ] || { cat "$T/verify.log" >&2; fail "systemd-analyze verify said something"; }
man -w peil.conf >/dev/null 2>&1 || [ -f /usr/share/man/man5/peil.conf.5.gz ] ||
    fail "peil.conf(5) not installed"

# A reinstallation (as an upgrade does) keeps the key pairs and an edited configuration.
sums=$(sha256sum /etc/peil/*.key /etc/peil/*.pub)
echo "# edited by the administrator" >>/etc/peil/agent.conf
DEBIAN_FRONTEND=noninteractive dpkg --force-confold -i "${debs[@]}" >>"$T/install.log" 2>&1 ||
    fail "reinstallation failed"
[ "$(sha256sum /etc/peil/*.key /etc/peil/*.pub)" = "$sums" ] || fail "a reinstallation changed the keys"
grep -q '^# edited by the administrator$' /etc/peil/agent.conf ||
    fail "a reinstallation overwrote the edited /etc/peil/agent.conf"

# --- bad input to the installed daemons: a clear message naming the file or key, exit 1 or 2
as_agent() { setpriv --reuid=peil-agent --regid=peil-agent --init-groups "$@"; }
chmod 644 /etc/peil/agent.key
rc=0
as_agent timeout 10 peil-agent run -c /etc/peil/agent.conf >"$T/bad.out" 2>&1 || rc=$?
chmod 600 /etc/peil/agent.key
[ "$rc" -eq 1 ] || fail "a key file of mode 0644: exit $rc, not 1: $(cat "$T/bad.out")"
grep -q "/etc/peil/agent.key: mode 0644 lets other users read or change the secret key: chmod 600" \
    "$T/bad.out" || fail "a key file of mode 0644: $(cat "$T/bad.out")"
cp -p /etc/peil/agent.key "$T/agent.key.good"
sed -i 's/^\(secret-key *= *\).\(.*\)$/\1\2/' /etc/peil/agent.key   # 39 characters
rc=0
as_agent timeout 10 peil-agent run -c /etc/peil/agent.conf >"$T/bad.out" 2>&1 || rc=$?
cp -p "$T/agent.key.good" /etc/peil/agent.key
[ "$rc" -eq 1 ] && grep -q "/etc/peil/agent.key:[0-9]*: secret-key is not a Z85 CURVE key" "$T/bad.out" ||
    fail "a key of the wrong length: exit $rc: $(cat "$T/bad.out")"
rc=0
as_agent peil-agent run -c /etc/peil/agent.conf -o limits.window=0 >"$T/bad.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q "limits.window.*out of range" "$T/bad.out" ||
    fail "limits.window=0: exit $rc: $(cat "$T/bad.out")"
printf '[collector]\nlisten_port = 1\n' >"$T/unknown.conf"
chmod 644 "$T/unknown.conf"
rc=0
peil-collector run -c "$T/unknown.conf" >"$T/bad.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q "unknown.conf:2: key 'collector.listen_port': unknown key" "$T/bad.out" ||
    fail "an unknown key: exit $rc: $(cat "$T/bad.out")"

# --- configure as an administrator would: the conffiles, the allowlist, the targets
cat >>/etc/peil/collector.conf <<CONF
[collector]
listen = tcp://127.0.0.1:$PORT
interval = 3600
tests = web_dnssec_exist mail_auth_spf_exist
CONF
cat >>/etc/peil/agent.conf <<CONF
[agent]
name = vantage1
[collector]
endpoint = tcp://127.0.0.1:$PORT
[resolver]
forwarder = 127.0.0.1@$((PORT + 1))
timeout_ms = 500
domain_budget_ms = 5000
CONF
# The allowlist entry, as peil-collector(8) says: the agent's public key under its name.
install -m 0644 /etc/peil/agent.pub /etc/peil/agents.d/vantage1
echo "org,$DOMAIN" >"$T/targets.csv"
chmod 644 "$T/targets.csv"
chmod 755 "$T"
setpriv --reuid=peil-collector --regid=peil-collector --init-groups \
    peil-collector targets import "$T/targets.csv" -c /etc/peil/collector.conf \
    >"$T/import.log" 2>&1 || { cat "$T/import.log" >&2; fail "targets import"; }

# --- start both from the installed units
# Without systemd as PID 1: the unit's ExecStart as its User, with NoNewPrivileges, no
# capabilities, its UMask, and INVOCATION_ID set as systemd sets it (logs then carry the
# journal's priority prefixes). The namespaces and the system call filter need systemd: in
# their place the daemons run under strace, and every system call and socket family they
# used is checked against the unit's SystemCallFilter= and RestrictAddressFamilies= below.
start_unit() {   # $1: agent|collector
	local unit="/lib/systemd/system/peil-$1.service" exec user pid trace=()
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload
		systemctl restart "peil-$1" || fail "systemctl restart peil-$1"
		return 0
	fi
	exec=$(sed -n 's/^ExecStart=//p' "$unit")
	user=$(sed -n 's/^User=//p' "$unit")
	[ -n "$exec" ] && [ -n "$user" ] || fail "$unit: no ExecStart or User"
	case "$exec" in /usr/bin/*) ;; *) fail "$unit runs $exec, not an installed binary" ;; esac
	command -v strace >/dev/null && trace=(strace -f -qq -o "$T/$1.strace")
	# shellcheck disable=SC2086  # ExecStart is a command line
	(umask 077; cd /; exec "${trace[@]}" env -i PATH=/usr/bin:/bin \
	    INVOCATION_ID=peil-package-test \
	    setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
	    --bounding-set=-all --inh-caps=-all $exec) >>"$T/$1.log" 2>&1 &
	WRAPPERS+=($!)
	PIDS+=($!)
	if [ ${#trace[@]} -eq 0 ]; then
		DAEMONS+=($!)   # env and setpriv exec the daemon: the same pid
	else
		# env and setpriv exec the daemon: the traced command's pid is the daemon's.
		for _ in $(seq 1 50); do
			pid=$(awk 'NR == 1 { print $1 }' "$T/$1.strace" 2>/dev/null || true)
			[ -n "$pid" ] && break
			sleep 0.1
		done
		[ -n "$pid" ] || fail "no trace of peil-$1"
		DAEMONS+=("$pid")
	fi
}

# The members of systemd's system call groups and names given, recursively.
syscalls_of() {
	local todo=("$@") seen=" " g m
	while [ ${#todo[@]} -gt 0 ]; do
		g=${todo[0]}
		todo=("${todo[@]:1}")
		case "$seen" in *" $g "*) continue ;; esac
		seen="$seen$g "
		case "$g" in
		@*)
			for m in $(systemd-analyze syscall-filter --no-pager "$g" |
			    sed -n 's/^ \{1,\}\([@a-z0-9_-]\{1,\}\)$/\1/p'); do
				todo+=("$m")
			done ;;
		*) echo "$g" ;;
		esac
	done | sort -u
}
# check_sandbox agent|collector: the traced daemon used only what its unit allows.
check_sandbox() {
	local unit="/lib/systemd/system/peil-$1.service" st="$T/$1.strace" v first=yes
	[ -s "$st" ] || return 0
	: >"$T/$1.allowed"
	while read -r v; do
		case "$v" in
		"~"*)
			[ -z "$first" ] || fail "$unit: the first SystemCallFilter= is a deny list"
			# shellcheck disable=SC2086
			syscalls_of ${v#"~"} >"$T/deny"
			comm -23 "$T/$1.allowed" "$T/deny" >"$T/keep"
			mv "$T/keep" "$T/$1.allowed" ;;
		*)
			# shellcheck disable=SC2086
			syscalls_of $v | sort -u - "$T/$1.allowed" >"$T/keep"
			mv "$T/keep" "$T/$1.allowed" ;;
		esac
		first=
	done < <(sed -n 's/^SystemCallFilter=//p' "$unit")
	[ -s "$T/$1.allowed" ] || fail "$unit: no SystemCallFilter="
	# From the daemon's own image on: what env and setpriv did before it is not the unit's.
	awk -v b="execve(\"/usr/bin/peil-$1\"" 'index($0, b) { on = 1; next } on' "$st" |
	    sed -E 's/^[0-9]+ +//; s/^<\.\.\. ([a-z0-9_]+) resumed.*/\1/; s/\(.*//' |
	    grep -E '^[a-z0-9_]+$' | sort -u >"$T/$1.used"
	[ -s "$T/$1.used" ] || fail "no system calls of peil-$1 traced"
	v=$(comm -23 "$T/$1.used" "$T/$1.allowed" | tr '\n' ' ')
	[ -z "$v" ] || fail "peil-$1 used system calls its unit's SystemCallFilter= refuses: $v"
	for v in $(grep -o 'socket\(pair\)\?(AF_[A-Z0-9]*' "$st" | sed 's/.*(//' | sort -u); do
		grep -q "^RestrictAddressFamilies=.*\b$v\b" "$unit" ||
		    fail "peil-$1 opened an $v socket, which its unit's RestrictAddressFamilies= refuses"
	done
	echo "peil-$1: $(wc -l <"$T/$1.used") system calls, all allowed by its unit; socket families $(grep -o 'socket\(pair\)\?(AF_[A-Z0-9]*' "$st" | sed 's/.*(//' | sort -u | tr '\n' ' ')"
}
if [ -d /run/systemd/system ]; then
	echo "daemons: started by systemctl"
else
	echo "daemons: no systemd here (PID 1 is $(ps -o comm= -p 1)); ExecStart run as User"
fi
start_unit collector
for _ in $(seq 1 100); do
	grep -q "listening on" "$T/collector.log" 2>/dev/null && break
	[ -d /run/systemd/system ] && journalctl -u peil-collector -q 2>/dev/null |
	    grep -q "listening on" && break
	sleep 0.1
done
start_unit agent

# --- a result arrives in the installed store
ok=
for _ in $(seq 1 120); do
	if setpriv --reuid=peil-collector --regid=peil-collector --init-groups \
	    peil-collector show "$DOMAIN" -c /etc/peil/collector.conf --format json \
	    >"$T/show.jsonl" 2>"$T/show.err"; then
		ok=yes
		break
	fi
	sleep 0.5
done
[ -n "$ok" ] || fail "no result for $DOMAIN in /var/lib/peil/collector within 60 s"
grep -q '"web_dnssec_exist"' "$T/show.jsonl" || fail "no web_dnssec_exist result: $(cat "$T/show.jsonl")"
grep -q '"vantage1"' "$T/show.jsonl" || fail "result not from vantage1: $(cat "$T/show.jsonl")"
echo "result: $(head -c 300 "$T/show.jsonl")"
if [ ! -d /run/systemd/system ]; then
	# Under the unit's environment every log line carries a journal priority prefix.
	bad=$(grep -v '^<[0-7]>' "$T/collector.log" "$T/agent.log" | head -n 3 || true)
	[ -z "$bad" ] || fail "log lines without a priority prefix: $bad"
	grep -q '^<6>' "$T/collector.log" || fail "no info line <6> in the collector's log"
fi

# --- stop; what the daemons did fits their units' sandbox
for p in "${DAEMONS[@]}"; do kill "$p" 2>/dev/null || true; done
for p in "${WRAPPERS[@]}"; do wait_pid "$p" 10 || true; done
DAEMONS=()
WRAPPERS=()
if [ ! -d /run/systemd/system ]; then
	check_sandbox collector
	check_sandbox agent
fi

# --- purge: nothing left
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${PKGS[@]}" >"$T/purge.log" 2>&1 ||
    { tail -n 20 "$T/purge.log" >&2; fail "apt-get purge"; }
left=$(leftovers)
[ -z "$left" ] || fail "left after purge: $left"
INSTALLED=
echo "package: built, lintian clean, installed, a result from the installed daemons, purged without a trace"
