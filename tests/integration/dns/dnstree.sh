#!/bin/sh
# dnstree.sh: builds, signs and serves (NSD on ADDR port 53) the private DNSSEC tree of
# zones/ for the DNS probe tests. See README.md for the domains and the verdicts expected.
#
#   dnstree.sh start DIR ADDR   fresh keys, signed zones, nsd.conf and NSD under DIR;
#                               writes DIR/root.hints, DIR/root.ds and DIR/expect
#   dnstree.sh stop DIR         stops that NSD (by its pidfile) and waits until it is gone
#
# Exit 0 on success, 77 (skipped) when not root or a tool is missing (1 under CI=true), 1 on any
# other failure.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)

die() { echo "dnstree: $*" >&2; exit 1; }
skip() {
	if [ "${CI:-}" = true ]; then echo "dnstree: failed: skipped under CI: $*" >&2; exit 1; fi
	echo "dnstree: skipped: $*" >&2; exit 77
}

usage() {
	echo "usage: dnstree.sh start DIR ADDR | dnstree.sh stop DIR" >&2
	exit 2
}

need_tools() {
	[ "$(id -u)" -eq 0 ] || skip "must run as root (NSD binds port 53)"
	for t in nsd ldns-keygen ldns-signzone ldns-key2ds; do
		command -v "$t" >/dev/null 2>&1 || skip "$t not found (packages nsd, ldnsutils)"
	done
}

# Owner of a zone as a file-name stem: "." is "root".
stem() { if [ "$1" = "." ]; then echo root; else echo "$1"; fi; }
# Fully qualified form: "good.test" -> "good.test.", "." -> ".".
fqdn() { if [ "$1" = "." ]; then echo .; else echo "$1."; fi; }

# Prints the delegation of zone $1 from its zone file $2: the apex NS set and, for NS names
# inside the zone, their A/AAAA records (the glue).
delegation() {
	awk -v apex="$(fqdn "$1")" '
		$1 ~ /^;/ || NF < 5 { next }
		{ owner = tolower($1); type = toupper($4) }
		type == "NS" && owner == apex { print; ns[tolower($5)] = 1; next }
		type == "A" || type == "AAAA" { addr[++n] = $0; aown[n] = owner }
		END {
			for (i = 1; i <= n; i++)
				if (aown[i] in ns)
					print addr[i]
		}' "$2"
}

pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# Every descendant of process $1 (NSD forks xfrd and its servers), one pid a line.
descendants() {
	ps -eo pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			want[root] = 1
			do {
				more = 0
				for (p in parent)
					if (!(p in want) && (parent[p] in want)) { want[p] = 1; more = 1 }
			} while (more)
			for (p in want)
				if (p != root)
					print p
		}'
}

cmd_stop() {
	dir=$1
	pidf="$dir/nsd.pid"
	[ -f "$pidf" ] || return 0
	pid=$(cat "$pidf" 2>/dev/null || true)
	case "$pid" in
	'' | *[!0-9]*) rm -f "$pidf"; return 0 ;;
	esac
	if ! pid_alive "$pid"; then
		rm -f "$pidf"
		return 0
	fi
	# Only the process our pidfile names, and what it forked: found before it goes, since
	# its children are then given to init.
	procs="$pid $(descendants "$pid" | tr '\n' ' ')"
	kill -TERM "$pid" 2>/dev/null || true
	i=0
	while [ $i -lt 50 ]; do
		left=""
		for p in $procs; do
			pid_alive "$p" && left="$left $p"
		done
		[ -z "$left" ] && break
		if [ $i -eq 30 ]; then
			for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
		fi
		sleep 0.1
		i=$((i + 1))
	done
	[ -z "$left" ] || die "NSD processes$left did not stop"
	rm -f "$pidf"
}

# sign ZONE MODE: signs $work/$stem.zone into $work/$stem.signed; prints the DS of the key.
sign_zone() {
	zone=$1
	mode=$2
	s=$(stem "$zone")
	( cd "$work/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$(fqdn "$zone")" ) > "$work/$s.keyname" ||
		die "ldns-keygen failed for $zone"
	key="$work/keys/$(cat "$work/$s.keyname")"
	now=$(date -u +%s)
	case $mode in
	expired)
		# Well past the validator's allowance for clock skew (unbound: up to a day).
		inception=$((now - 37 * 86400))
		expiration=$((now - 7 * 86400)) ;;
	*)
		inception=$((now - 3600))
		expiration=$((now + 30 * 86400)) ;;
	esac
	ldns-signzone -i "$inception" -e "$expiration" -o "$(fqdn "$zone")" \
	    -f "$work/$s.signed" "$work/$s.zone" "$key" || die "ldns-signzone failed for $zone"
	if [ "$mode" = bogus ]; then
		# Change the SOA serial after signing: its RRSIG no longer verifies.
		awk 'BEGIN { OFS = "\t" } toupper($4) == "SOA" { $7 = $7 + 1 } { print }' \
		    "$work/$s.signed" > "$work/$s.signed.tmp" && mv "$work/$s.signed.tmp" "$work/$s.signed"
	fi
	ldns-key2ds -n -2 "$key.key" || die "ldns-key2ds failed for $zone"
}

cmd_start() {
	dir=$1
	addr=$2
	need_tools
	case "$addr" in
	127.*) ;;
	*) die "ADDR must be a loopback address (127.0.0.0/8), not '$addr'" ;;
	esac
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	cmd_stop "$dir"
	work="$dir/zones"
	rm -rf "$work"
	mkdir -p "$work/keys" "$work/deleg"
	serial=$(date -u +%s)

	zonelist=$(grep -v '^[[:space:]]*#' "$HERE/zones.list" | awk 'NF >= 3')
	# Children come before parents in zones.list: each parent collects its children's
	# delegations (and DS) in deleg/ before it is signed.
	echo "$zonelist" | while read -r zone parent mode; do
		s=$(stem "$zone")
		[ -f "$HERE/zones/$s.zone" ] || die "no zone file zones/$s.zone"
		sed -e "s/@ADDR@/$addr/g" -e "s/@SERIAL@/$serial/g" "$HERE/zones/$s.zone" > "$work/$s.zone"
		if [ -f "$work/deleg/$s" ]; then
			cat "$work/deleg/$s" >> "$work/$s.zone"
		fi
		if [ "$parent" != "-" ]; then
			delegation "$zone" "$work/$s.zone" >> "$work/deleg/$(stem "$parent")"
		fi
		case $mode in
		unsigned)
			cp "$work/$s.zone" "$work/$s.signed" ;;
		servfail)
			# NSD is told about the zone, but its file is missing: it answers SERVFAIL.
			rm -f "$work/$s.signed" ;;
		signed | bogus | expired)
			ds=$(sign_zone "$zone" "$mode") || exit 1
			if [ "$parent" = "-" ]; then
				echo "$ds" > "$dir/root.ds"
			else
				echo "$ds" >> "$work/deleg/$(stem "$parent")"
			fi ;;
		nods)
			sign_zone "$zone" "$mode" > /dev/null || exit 1 ;;
		*)
			die "zone $zone: unknown mode $mode" ;;
		esac
	done
	[ -s "$dir/root.ds" ] || die "the root zone was not signed"

	{
		echo ".                 3600000 IN NS ns.nic.test."
		echo "ns.nic.test.      3600000 IN A  $addr"
	} > "$dir/root.hints"
	cp "$HERE/expect" "$dir/expect"

	{
		echo "server:"
		echo "	ip-address: $addr"
		echo "	port: 53"
		echo "	do-ip6: no"
		echo "	server-count: 1"
		echo "	username: \"\""
		echo "	chroot: \"\""
		echo "	database: \"\""
		echo "	zonesdir: \"$work\""
		echo "	zonelistfile: \"$dir/zone.list\""
		echo "	xfrdfile: \"$dir/xfrd.state\""
		echo "	xfrdir: \"$dir\""
		echo "	pidfile: \"$dir/nsd.pid\""
		echo "	logfile: \"$dir/nsd.log\""
		echo "	cookie-secret-file: \"$dir/cookiesecrets.txt\""
		echo "	verbosity: 1"
		echo "remote-control:"
		echo "	control-enable: no"
		echo "$zonelist" | while read -r zone parent mode; do
			echo "zone:"
			echo "	name: \"$(fqdn "$zone")\""
			echo "	zonefile: \"$work/$(stem "$zone").signed\""
		done
	} > "$dir/nsd.conf"

	rm -f "$dir/nsd.log"
	if ! nsd -c "$dir/nsd.conf"; then
		tail -n 5 "$dir/nsd.log" >&2 2>/dev/null || true
		die "nsd did not start; see $dir/nsd.log"
	fi
	# Ready when the pidfile names a live process and the root SOA answers.
	i=0
	while [ $i -lt 50 ]; do
		pid=$(cat "$dir/nsd.pid" 2>/dev/null || true)
		if pid_alive "$pid"; then
			if ! command -v drill >/dev/null 2>&1 ||
			    drill -Q @"$addr" . SOA >/dev/null 2>&1; then
				echo "dnstree: NSD $pid serving the tree on $addr (dir $dir)"
				return 0
			fi
		fi
		sleep 0.1
		i=$((i + 1))
	done
	cat "$dir/nsd.log" >&2 2>/dev/null || true
	cmd_stop "$dir"
	die "nsd did not answer on $addr"
}

[ $# -ge 1 ] || usage
case $1 in
start)
	[ $# -eq 3 ] || usage
	cmd_start "$2" "$3" ;;
stop)
	[ $# -eq 2 ] || usage
	[ -d "$2" ] || exit 0
	cmd_stop "$(cd "$2" && pwd)" ;;
*)
	usage ;;
esac
