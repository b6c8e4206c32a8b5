#!/usr/bin/env bash
# Installs every Debian 12 package that peil's build, tests, lab and demo need. Idempotent.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root (it calls apt-get)" >&2
	exit 1
fi

packages=(
	# build (the -dev packages of libzmq, libcurl, RTRlib and libmicrohttpd also bring the
	# libraries peil loads on first use: libzmq5, libcurl4, librtr0, libmicrohttpd12)
	build-essential cmake pkg-config clang libclang-rt-14-dev
	protobuf-c-compiler libprotobuf-c-dev
	libzmq3-dev libsodium-dev
	libldns-dev libunbound-dev libevent-dev
	libssl-dev liblmdb-dev libpsl-dev libidn2-dev libcurl4-openssl-dev librtr-dev
	libcmocka-dev
	# man pages; the Debian packages (debian/) and their checks; systemd-analyze for the units
	scdoc debhelper fakeroot lintian systemd strace
	# metrics over HTTP (libmicrohttpd), and promtool (prometheus) to check their format
	libmicrohttpd-dev prometheus curl
	# the report's pages: xmllint checks the SVG charts (unit_chart), tidy the HTML, headless
	# chromium renders them (integ_report)
	libxml2-utils tidy chromium
	# tests, lab and demo: authoritative DNS, zone signing, mail, web, RPKI cache, tools
	nsd ldnsutils lmdb-utils iproute2 procps psmisc python3 bc dnsperf sslscan testssl.sh
	postfix nginx-light stayrtr openssl
	# the lab's signed security.txt (gpg --clearsign with a throwaway key at lab up)
	gpg
	# conformance tests: the OpenSPF RFC 7208 suite (in python3-spf's docs), its YAML reader,
	# and libopendmarc for the differential DMARC test
	python3-spf python3-yaml libopendmarc-dev
	# the internet.nl export checked against internet.nl's batch API schema (integ_export)
	python3-jsonschema
	# the MRT cross-check of the route-origin parsers (bgpdump -m)
	bgpdump
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps.sh: all ${#packages[@]} packages present"
	exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how to configure itself: the lab writes its own configurations.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# The Debian nsd package may start a system-wide nsd on port 53 of every address; peil runs
# its own instances on loopback addresses, so that one is stopped and disabled.
# The same for the system-wide postfix, nginx and stayrtr the packages may start.
for svc in nsd postfix nginx stayrtr; do
	case " ${missing[*]} " in
	*" $svc "* | *" $svc-light "*) ;;
	*) continue ;;
	esac
	if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
		systemctl stop "$svc" || true
		systemctl disable "$svc" || true
	elif [ -x "/etc/init.d/$svc" ]; then
		"/etc/init.d/$svc" stop >/dev/null 2>&1 || true
	fi
done
