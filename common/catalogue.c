/* catalogue.c: the test catalogue (docs/tests.md is generated from it): every test id, what it belongs to, which
 * module of the agent runs it. */
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"

#define A1 AGREEMENT(1)
#define A2 AGREEMENT(2)
#define A3 AGREEMENT(3)
#define A4 AGREEMENT(4)
#define A5 AGREEMENT(5)

#define G_DNSSEC "rfc4033"
#define G_IPV6   "internet.nl"
#define G_SPF    "rfc7208"
#define G_DMARC  "rfc7489"
#define G_DKIM   "rfc6376"
#define G_TLS    "ncsc-tls-2025-05"
#define G_DANE   "rfc7672"
#define G_WDANE  "rfc6698"
#define G_RPKI   "rfc6811"
#define G_HTTP   "rfc9110"
#define G_HSTS   "rfc6797"

/* Short names of the modules, for the table. */
#define M_NONE   MODULE_NONE
#define M_DNSSEC MODULE_DNSSEC
#define M_IPV6   MODULE_IPV6
#define M_MAIL   MODULE_MAILAUTH
#define M_STS    MODULE_MTASTS_TLSRPT
#define M_DANE   MODULE_DANE
#define M_TLS    MODULE_STARTTLS
#define M_WEB    MODULE_WEB
#define M_WTLS   MODULE_WEBTLS
#define M_RPKI   MODULE_RPKI
#define M_VANT   MODULE_VANTAGE

/* One row per enum catalogue_test, in its order: sorted by id (strcmp order), so that
 * catalogue_find bsearches the table; test_catalogue checks the order and that every row's id
 * is its enumerator's name. */
static const struct catalogue_entry catalogue[] = {
	{ "mail_auth_dkim_exist",              "mailauth",  A1,      true,  G_DKIM,    M_MAIL,
	  "DKIM published for the mail domain",
	  "Asks TXT at _domainkey.<domain>: NOERROR passes, even without records; NXDOMAIN "
	  "fails (RFC 8020). A domain declared non-sending (SPF exactly v=spf1 -all and DMARC "
	  "reject) passes without DKIM.",
	  "DKIM signatures let receivers verify that a message really comes from the domain and"
	  " was not altered on the way.",
	  "Have every service that sends for the domain sign with DKIM and publish its keys as "
	  "TXT at <selector>._domainkey.<domain>. A domain that sends no mail publishes SPF "
	  "v=spf1 -all and DMARC p=reject." },
	{ "mail_auth_dmarc_exist",             "mailauth",  A1,      true,  G_DMARC,   M_MAIL,
	  "DMARC record present",
	  "Looks for exactly one TXT record starting v=DMARC1 at _dmarc.<domain>, else at its "
	  "organizational domain (public suffix list, or the RFC 9989 tree walk if configured)."
	  " None or several fail; a record with syntax errors passes here.",
	  "Without DMARC, receivers get no policy from the domain owner for mail that fails SPF"
	  " and DKIM alignment, and the owner gets no reports.",
	  "Publish one TXT record at _dmarc.<domain>, e.g. v=DMARC1; p=reject; "
	  "rua=mailto:dmarc@<domain>, and delete any other v=DMARC1 record at that name." },
	{ "mail_auth_dmarc_ext_destination",   "mailauth",  A1,      false, G_DMARC,   M_MAIL,
	  "External DMARC report destinations authorised",
	  "For each mailto: rua or ruf address outside the record's organizational domain, "
	  "looks for TXT v=DMARC1 at <domain>._report._dmarc.<destination>. Any missing is a "
	  "warning; no rua or ruf: not tested.",
	  "RFC 7489 7.1 has report receivers opt in, so no domain can flood a third party with "
	  "reports; receivers that have not opted in may drop them.",
	  "Ask the operator of each external report address to publish TXT v=DMARC1 at "
	  "<yourdomain>._report._dmarc.<theirdomain>, or send the reports to an address within "
	  "your own domain." },
	{ "mail_auth_dmarc_policy",            "mailauth",  A3,      true,  G_DMARC,   M_MAIL,
	  "DMARC policy is quarantine or reject",
	  "The policy in effect (p, or sp when the organizational domain's record applies) must"
	  " be quarantine or reject; t=y lowers it one step. Malformed tags fail; unauthorised "
	  "external report addresses warn.",
	  "Only quarantine or reject tells receivers to stop mail that spoofs the domain; "
	  "p=none merely monitors and leaves the domain open to phishing.",
	  "Once the aggregate reports show all legitimate mail aligned, set p=quarantine or "
	  "p=reject (and sp, if subdomains rely on it), drop t=y and correct any malformed tag." },
	{ "mail_auth_spf_exist",               "mailauth",  A1,      true,  G_SPF,     M_MAIL,
	  "SPF record present",
	  "Looks up TXT at the domain and counts the records that begin v=spf1: exactly one "
	  "passes; none, or more than one (an SPF permerror), fails.",
	  "SPF lists the hosts allowed to send for the domain, so receivers can refuse mail "
	  "from others and DMARC can rely on it.",
	  "Publish a single TXT record at the domain, e.g. v=spf1 include:<provider> -all, "
	  "merging any other v=spf1 records into it; a domain that sends no mail publishes "
	  "v=spf1 -all." },
	{ "mail_auth_spf_policy",              "mailauth",  A3,      true,  G_SPF,     M_MAIL,
	  "SPF policy is strict and within the limits",
	  "The record must end in ~all or -all, directly or via redirect; +all, ?all or no all "
	  "term fails. Includes and redirects must resolve; at most 10 DNS-querying terms "
	  "(a:host too) and 2 void lookups over the tree. A macro redirect warns.",
	  "A lax policy lets anyone send as the domain, and receivers treat a policy that "
	  "breaks the lookup limits as a permanent error, so SPF then protects nothing.",
	  "End the record with -all (or ~all), remove includes of names without an SPF record, "
	  "and replace or trim include, a, mx, ptr and exists terms until the whole tree needs "
	  "at most 10 lookups." },
	{ "mail_dnssec_mailto_exist",          "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC,
	  "Mail domain is DNSSEC-signed",
	  "Looks up the SOA of the mail domain through a validating resolver: a secure answer "
	  "passes, and so does a bogus one (signed but broken); an insecure answer fails, the "
	  "evidence noting DNSKEYs with no DS at the parent.",
	  "DNSSEC lets resolvers verify that answers for the mail domain are authentic, "
	  "protecting its addresses, mail records and TLSA records from forgery.",
	  "Have the DNS operator sign the zone and publish the DS record for its key signing "
	  "key at the registrar, so the parent zone links to it." },
	{ "mail_dnssec_mailto_valid",          "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC,
	  "DNSSEC signature of the mail domain valid",
	  "The mail domain's SOA answer must validate as secure. A bogus answer (broken chain, "
	  "missing or expired signature, DS matching no key) fails; an unsigned domain is not "
	  "tested.",
	  "A signed zone that fails validation is unreachable for validating resolvers: mail to"
	  " the domain is delayed or bounced.",
	  "Repair the chain of trust: make the DS at the parent match a current DNSKEY, re-sign"
	  " the zone before signatures expire, and follow the rollover steps when replacing "
	  "keys." },
	{ "mail_dnssec_mx_exist",              "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC,
	  "Mail server names are DNSSEC-signed",
	  "Looks up the SOA of every MX host (at most 10) through the validating resolver: each"
	  " must be in a signed zone (secure or bogus). Any host in an unsigned zone fails; no "
	  "MX or a null MX: not tested.",
	  "Senders need signed answers for the MX hosts' addresses and TLSA records to use DANE"
	  " and to avoid being sent to a forged server.",
	  "Sign the zones that hold the MX host names and publish their DS records at the "
	  "parent, or use mail server names in a zone that the provider signs." },
	{ "mail_dnssec_mx_valid",              "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC,
	  "DNSSEC signatures of the mail server names valid",
	  "Every MX host in a signed zone must validate as secure; a bogus one fails. Passes "
	  "when all signed hosts are secure, even if others are unsigned; not tested when no MX"
	  " host is signed.",
	  "A broken signature on a mail server's zone makes its addresses unresolvable for "
	  "validating senders, so mail is not delivered.",
	  "Fix the DNSSEC chain of the MX hosts' zones: a DS at the parent that matches a "
	  "current DNSKEY, unexpired signatures, and key rollovers done in the right order." },
	{ "mail_ipv6_mx_address",              "ipv6",      A4,      true,  G_IPV6,                M_IPV6,
	  "All mail servers have an IPv6 address",
	  "Every MX host (at most 10, lowest preference first) must have at least one AAAA "
	  "record. No MX or a lone null MX: not tested; a null MX among other MX records gives "
	  "a warning.",
	  "Mail servers without IPv6 cannot receive mail from IPv6-only senders; agreement 4 "
	  "asks mail to be reachable over IPv6 as well as IPv4.",
	  "Give every mail server an IPv6 address and publish an AAAA record for each MX host "
	  "name, or move to a mail provider whose MX hosts have AAAA records." },
	{ "mail_ipv6_mx_reach",                "ipv6",      A4,      true,  G_IPV6,                M_IPV6,
	  "Mail servers reachable over IPv6",
	  "Opens TCP port 25 on every IPv6 address of every MX host from the vantage; each must"
	  " accept. Not tested when the vantage has no IPv6 or no MX host has an AAAA record.",
	  "An AAAA record for a mail server that does not answer makes IPv6 senders wait for "
	  "time-outs and delays delivery.",
	  "Make the mail server listen on its IPv6 addresses on port 25 and allow inbound TCP "
	  "25 over IPv6 in firewalls and routing, or remove AAAA records that lead nowhere." },
	{ "mail_ipv6_ns_address",              "ipv6",      A4,      true,  G_IPV6,                M_IPV6,
	  "Name servers of the mail domain have IPv6",
	  "Finds the NS set of the mail domain's zone, walking up to the zone cut, and requires"
	  " at least two name servers with an AAAA record.",
	  "Resolvers on IPv6-only networks can resolve the mail domain only through name "
	  "servers with IPv6; two of them give redundancy.",
	  "Ask the DNS operator for IPv6-capable name servers, and list at least two name "
	  "servers with AAAA records in the NS set, both in the zone and at the parent." },
	{ "mail_ipv6_ns_reach",                "ipv6",      A4,      true,  G_IPV6,                M_IPV6,
	  "Name servers of the mail domain reachable over IPv6",
	  "Sends an SOA query for the zone to every IPv6 address of every name server, over "
	  "UDP, falling back to TCP; each must answer. Not tested when the vantage has no IPv6 "
	  "or no name server has an AAAA.",
	  "A name server with an AAAA record that does not answer over IPv6 slows down or "
	  "breaks resolution of the mail domain for IPv6 resolvers.",
	  "Make each name server answer DNS on its IPv6 addresses on UDP and TCP port 53 and "
	  "allow that through firewalls, or remove AAAA records that do not work." },
	{ "mail_mtasts",                       "starttls",  0,       false, "rfc8461", M_STS,
	  "MTA-STS policy published and enforced",
	  "Needs one valid v=STSv1 TXT at _mta-sts.<domain> and a valid text/plain policy at "
	  "https://mta-sts.<domain>/.well-known/mta-sts.txt whose mx lines cover every MX. "
	  "enforce passes, testing warns, none fails.",
	  "MTA-STS makes senders require authenticated TLS to the MX hosts, blocking STARTTLS "
	  "downgrades and forged MX answers where DANE is not used.",
	  "Serve a policy (version: STSv1, mode: enforce, an mx: line per MX host, max_age) "
	  "over HTTPS with a trusted certificate at mta-sts.<domain>, and publish TXT v=STSv1; "
	  "id=<new id> at _mta-sts.<domain>." },
	{ "mail_mx_ns_rpki_exists",            "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "ROAs cover the name servers of the mail servers",
	  "For every address of the name servers of the MX hosts' zones (64 at most): a ROA "
	  "(VRP) must cover the most specific route to it in this vantage's route table, or, "
	  "unrouted, the address itself. Any address without one fails.",
	  "Without ROAs, networks that validate routes cannot tell a hijacked route to these "
	  "name servers from the real one.",
	  "Ask the holder of each address block, usually the DNS provider or its network, to "
	  "create ROAs at its regional internet registry for the announced prefixes and their "
	  "origin AS." },
	{ "mail_mx_ns_rpki_valid",             "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "Routes to the mail servers' name servers RPKI-valid",
	  "For every address of the name servers of the MX hosts' zones: RFC 6811 state of "
	  "the most specific route to it and each origin AS: invalid or not-found fails; "
	  "unrouted addresses are not judged (all unrouted: not tested).",
	  "An invalid route is dropped by validating networks and an unprotected one can be "
	  "hijacked, either way cutting off resolution of the mail server names.",
	  "Make the ROAs match the BGP announcements: the AS that originates each prefix and a "
	  "maxLength covering the announced prefix length; or announce the prefixes as the ROAs"
	  " state." },
	{ "mail_ns_rpki_exists",               "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "ROAs cover the name servers of the mail domain",
	  "For every address of the mail domain's name servers (64 at most): a ROA (VRP) must "
	  "cover the most specific route to it in this vantage's route table, or, unrouted, "
	  "the address itself. Any address without one fails.",
	  "Without ROAs, networks that validate routes cannot tell a hijacked route to these "
	  "name servers from the real one.",
	  "Ask the holder of each address block, usually the DNS provider or its network, to "
	  "create ROAs at its regional internet registry for the announced prefixes and their "
	  "origin AS." },
	{ "mail_ns_rpki_valid",                "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "Routes to the mail domain's name servers RPKI-valid",
	  "For every address of the mail domain's name servers: RFC 6811 state of the most "
	  "specific route to it and each origin AS: invalid or not-found fails; unrouted "
	  "addresses are not judged (all unrouted: not tested).",
	  "An invalid route is dropped by validating networks and an unprotected one can be "
	  "hijacked, either way cutting off resolution of the mail domain.",
	  "Make the ROAs match the BGP announcements: the AS that originates each prefix and a "
	  "maxLength covering the announced prefix length; or announce the prefixes as the ROAs"
	  " state." },
	{ "mail_rpki_exists",                  "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "ROAs cover the mail servers",
	  "For every address of every MX host (64 at most): a ROA (VRP) must cover the most "
	  "specific route to it in this vantage's route table, or, unrouted, the address "
	  "itself. Any address without one fails.",
	  "Without ROAs, networks that validate routes cannot tell a hijacked route to the mail"
	  " servers from the real one.",
	  "Ask the holder of each address block, usually the mail provider or its network, to "
	  "create ROAs at its regional internet registry for the announced prefixes and their "
	  "origin AS." },
	{ "mail_rpki_valid",                   "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "Routes to the mail servers RPKI-valid",
	  "For every address of every MX host: RFC 6811 state of the most specific route to "
	  "it and each origin AS: invalid or not-found fails; unrouted addresses are not "
	  "judged (all unrouted: not tested).",
	  "An invalid route is dropped by validating networks and an unprotected one can be "
	  "hijacked, either way cutting off mail delivery to the domain.",
	  "Make the ROAs match the BGP announcements: the AS that originates each prefix and a "
	  "maxLength covering the announced prefix length; or announce the prefixes as the ROAs"
	  " state." },
	{ "mail_starttls_cert_chain",          "starttls",  A3,      false, G_TLS,     M_TLS,
	  "Mail server certificate chain trusted",
	  "On every address that spoke TLS, the chain must verify against the public CA store "
	  "for TLS server use. An untrusted chain is info only, with or without DANE-TA; no "
	  "certificate fails.",
	  "A chain from a trusted CA lets senders that do not use DANE, such as those applying "
	  "MTA-STS, authenticate the server.",
	  "Install a certificate from a publicly trusted CA and configure the server to send "
	  "the full chain (leaf plus intermediates) on every address." },
	{ "mail_starttls_cert_domain",         "starttls",  A3,      false, G_TLS,     M_TLS,
	  "Mail server certificate matches the MX name",
	  "The leaf certificate on every address must name the MX host (subjectAltName, "
	  "wildcards per RFC 6125). A mismatch is info, but fails when the host publishes a "
	  "DANE-TA TLSA record.",
	  "Senders that apply DANE-TA or MTA-STS check the name in the certificate; a mismatch "
	  "makes authenticated delivery fail.",
	  "Get a certificate whose subjectAltName includes each MX host name exactly as the MX "
	  "records give it, and install it on every address of that host." },
	{ "mail_starttls_cert_pubkey",         "starttls",  A3,      true,  G_TLS,     M_TLS,
	  "Mail server certificate key strong enough",
	  "Judges every key of the chain but a root's by NCSC 2025-05: RSA of 3072 bits or more, "
	  "ECDSA on P-256, "
	  "P-384, P-521 or brainpool, and Ed25519/Ed448 pass; RSA 2048-3071 and P-224 warn; "
	  "smaller RSA and any DSA fail.",
	  "A weak key can be broken by a well-equipped attacker, who can then impersonate the "
	  "server with its own copy of the private key.",
	  "Replace the certificate with one on an ECDSA P-256 or P-384 key, or an RSA key of at"
	  " least 3072 bits, and install it on every mail server address." },
	{ "mail_starttls_cert_sig",            "starttls",  A3,      true,  G_TLS,     M_TLS,
	  "Mail server certificate signatures use SHA-2",
	  "Each certificate of the chain except a self-signed root must be signed with RSA or "
	  "ECDSA over SHA-256/384/512, RSA-PSS or EdDSA; SHA-1, MD5, SHA-224 or DSA signatures "
	  "fail.",
	  "Signatures over weak hash functions can be forged by collision attacks, producing a "
	  "rogue certificate for the server.",
	  "Have the CA reissue the certificate with a SHA-256 or stronger signature, and serve "
	  "intermediates that are signed with SHA-2 as well." },
	{ "mail_starttls_dane_exist",          "starttls",  A3,      true,  G_DANE,    M_DANE,
	  "DANE TLSA records for every mail server",
	  "For every MX host asks TLSA at _25._tcp.<host> (first at a secure CNAME target, RFC "
	  "7672) through the validator: DNSSEC-secure records must exist. None, or records in "
	  "an unsigned zone, fail.",
	  "DANE lets sending servers insist on TLS with a certificate pinned by DNSSEC, "
	  "defeating STARTTLS stripping and forged certificates.",
	  "Sign the MX host's zone with DNSSEC and publish TLSA at _25._tcp.<mx host>, "
	  "typically 3 1 1 <SHA-256 of the server's public key> (DANE-EE), for every MX host." },
	{ "mail_starttls_dane_rollover",       "starttls",  A3,      false, G_DANE,    M_DANE,
	  "DANE rollover scheme in place",
	  "For every MX host with secure TLSA records, the set must hold two distinct usable "
	  "DANE-EE records, or a DANE-EE and a DANE-TA record; otherwise info. Not tested when "
	  "no MX host publishes DANE.",
	  "A second TLSA record lets the key or certificate be replaced without a window in "
	  "which DANE-aware senders refuse the server.",
	  "Publish a TLSA record for the next key next to the current one (two 3 1 1 records), "
	  "or a 3 1 1 record plus a 2 1 1 record for the issuing CA." },
	{ "mail_starttls_dane_valid",          "starttls",  A3,      true,  G_DANE,    M_DANE,
	  "DANE TLSA records match the mail server",
	  "On every address of a host with secure TLSA records, at least one usable DANE-TA (2)"
	  " or DANE-EE (3) record must match the chain presented; PKIX usages 0 and 1 are "
	  "ignored for SMTP (RFC 7672).",
	  "When no TLSA record matches, DANE-aware senders refuse to deliver to the server, so "
	  "mail is delayed and then bounced.",
	  "Regenerate the TLSA records from the key or certificate actually served on every MX "
	  "address (e.g. 3 1 1 with the SHA-256 of the public key), and publish new ones before"
	  " each key change." },
	{ "mail_starttls_tls_available",       "starttls",  A3,      true,  G_TLS,     M_TLS,
	  "Mail servers offer STARTTLS",
	  "Connects to port 25 on every address of every MX host that the vantage can use (up "
	  "to 8 per host): each must offer STARTTLS and complete a TLS handshake. No SMTP "
	  "greeting is an error, not a failure.",
	  "Without STARTTLS, mail to the domain crosses the internet in plain text, readable "
	  "and changeable by anyone on the path.",
	  "Enable STARTTLS with a certificate on every mail server behind the MX records, on "
	  "all of their IPv4 and IPv6 addresses, using a current TLS library." },
	{ "mail_starttls_tls_cipherorder",     "starttls",  A3,      true,  G_TLS,     M_TLS,
	  "Mail server prefers the stronger cipher suites",
	  "At the highest version below TLS 1.3 (internet.nl 2025): a phase-out suite preferred "
	  "over a sufficient or good one fails; insufficient suites are left to the ciphers "
	  "test. The client's order fails with phase-out beside better suites.",
	  "With its own preference order the server picks the strongest suite both sides "
	  "support, instead of whatever a client lists first.",
	  "Enable the server's own cipher preference and order the suites good first "
	  "(AES-256-GCM, ChaCha20-Poly1305), then sufficient, with phase-out suites last or "
	  "removed." },
	{ "mail_starttls_tls_ciphers",         "starttls",  A3,      true,  G_TLS,     M_TLS,
	  "Mail server offers only safe cipher suites",
	  "Judges every suite accepted per TLS version by NCSC 2025-05: ECDHE with AES-GCM, "
	  "AES-CCM or ChaCha20 passes; CBC with SHA-2, Camellia, ARIA or DHE warns; RSA key "
	  "exchange, 3DES, RC4, CBC-SHA1 fail.",
	  "Weak suites lack forward secrecy or use broken ciphers, letting an attacker read or "
	  "alter the mail in transit.",
	  "Allow only the TLS 1.3 suites and TLS 1.2 ECDHE suites with AES-GCM or "
	  "ChaCha20-Poly1305; disable RSA key exchange, 3DES, RC4, and CBC suites with SHA-1." },
	{ "mail_starttls_tls_clientreneg",     "starttls",  A3,      false, G_TLS,     M_TLS,
	  "Client-initiated renegotiation refused",
	  "Tries to renegotiate from the client side on every address (TLS 1.2 and lower). "
	  "Refusal passes; acceptance, limited or not, is info. A TLS 1.3-only server passes.",
	  "Client-initiated renegotiation costs the server far more than the client, which "
	  "makes it a cheap lever for denial of service.",
	  "Disable client-initiated renegotiation in the TLS library or server settings, or "
	  "offer only TLS 1.3, which has no renegotiation." },
	{ "mail_starttls_tls_compress",        "starttls",  A3,      true,  G_TLS,     M_TLS,
	  "TLS compression disabled",
	  "Checks on every address whether the server accepts TLS-level compression; accepting "
	  "it fails. A TLS 1.3-only server passes, as TLS 1.3 has no compression.",
	  "TLS compression enables the CRIME attack, which recovers secrets such as session "
	  "cookies from the sizes of compressed records.",
	  "Disable TLS compression in the TLS library or server configuration; current library "
	  "versions switch it off by default." },
	{ "mail_starttls_tls_keyexchange",     "starttls",  A3,      true,  G_TLS,     M_TLS,
	  "Key exchange parameters strong",
	  "Judges the ECDHE groups and DHE parameters accepted: P-256, P-384, P-521, X25519, "
	  "X448 and brainpool pass; P-224 and ffdhe3072 or larger warn; ffdhe2048 and custom DH"
	  " groups fail; none at all passes.",
	  "Weak key exchange parameters let a well-equipped attacker recover the session keys "
	  "and decrypt recorded mail.",
	  "Offer ECDHE with X25519, P-256 or P-384 and drop DHE, or keep DHE only with RFC 7919"
	  " groups of 3072 bits or more (ffdhe3072, ffdhe4096)." },
	{ "mail_starttls_tls_keyexchangehash", "starttls",  A3,      false, G_TLS,     M_TLS,
	  "Key exchange signed with a SHA-2 hash",
	  "Looks at the signature schemes of TLS 1.2 key exchanges: SHA-256/384/512 and EdDSA "
	  "pass; SHA-224, SHA-1 or MD5 warn (never fail, as internet.nl); no signed key "
	  "exchange seen passes; TLS 1.3-only passes.",
	  "A key exchange signed with a weak hash can be forged, letting an attacker "
	  "impersonate the server during the handshake.",
	  "Limit the server's TLS 1.2 signature algorithms to SHA-256 or stronger (e.g. "
	  "rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256) and remove SHA-1 and MD5." },
	{ "mail_starttls_tls_secreneg",        "starttls",  A3,      true,  G_TLS,     M_TLS,
	  "Secure renegotiation supported",
	  "Checks on every address that TLS 1.2 and lower support secure renegotiation (the "
	  "renegotiation_info extension, RFC 5746); without it the test fails. A TLS 1.3-only "
	  "server passes.",
	  "Without secure renegotiation an attacker can splice its own data in front of a "
	  "client's session (the CVE-2009-3555 attack).",
	  "Upgrade the TLS library or server to a version that supports RFC 5746 secure "
	  "renegotiation, or offer only TLS 1.3." },
	{ "mail_starttls_tls_version",         "starttls",  A3,      true,  G_TLS,     M_TLS,
	  "Mail server uses only TLS 1.2 or 1.3",
	  "Lists the protocol versions every address accepts, judged by NCSC 2025-05: TLS 1.3 "
	  "good, TLS 1.2 sufficient; TLS 1.1, TLS 1.0 or SSL 3.0 accepted fails.",
	  "TLS 1.1 and older have known weaknesses, and a server that accepts them lets an "
	  "attacker push connections down to them.",
	  "Disable SSL 3.0, TLS 1.0 and TLS 1.1 in the mail server's TLS settings and enable "
	  "TLS 1.3 alongside TLS 1.2." },
	{ "mail_tlsrpt",                       "starttls",  0,       false, "rfc8460", M_STS,
	  "TLS-RPT reporting address published",
	  "Looks for exactly one TXT record v=TLSRPTv1 at _smtp._tls.<domain> that parses per "
	  "RFC 8460 and has a rua with mailto: or https: destinations. None, several or an "
	  "invalid one fails.",
	  "TLS reports tell the domain when senders cannot set up secure connections to it, "
	  "revealing attacks or broken MTA-STS and DANE set-ups.",
	  "Publish a single TXT record at _smtp._tls.<domain>: v=TLSRPTv1; "
	  "rua=mailto:tlsrpt@<domain> (or an https: URL that accepts reports)." },
	{ "vantage_ipv6",                      "vantage",   0,       false, "peil",    M_VANT,
	  "Vantage point has working IPv6",
	  "A self-test per agent and round (empty domain): a TCP connect to each IPv6 beacon "
	  "([vantage] ipv6_beacons) passes when one answers; fails when none does or "
	  "resolver.ipv6 is no; not tested without beacons.",
	  "An IPv6 failure seen from a vantage without IPv6 says nothing about the domain; this"
	  " test keeps the two apart.",
	  "Give the agent's host an IPv6 address and default route, and allow outbound IPv6 in "
	  "its firewall, or ask the network operator for IPv6 connectivity." },
	{ "vantage_rov",                       "vantage",   0,       false, "peil",    M_VANT,
	  "Vantage network drops RPKI-invalid routes",
	  "A self-test per agent and round (empty domain): passes when the beacons on RPKI-"
	  "invalid prefixes (rov_invalid) do not answer while their valid twins (rov_valid) do;"
	  " fails when an invalid one answers.",
	  "It shows whether the vantage's network validates route origins, the second half of "
	  "agreement 5, and puts its RPKI results in context.",
	  "Ask the network operator or its upstream to run an RPKI validator and have its BGP "
	  "routers reject routes whose origin validation state is invalid." },
	{ "web_appsecpriv_csp",                "appsecpriv", 0,      false, "w3c-csp3", M_WEB,
	  "Content-Security-Policy set and strict",
	  "Reads Content-Security-Policy over HTTPS on every address: default-src, "
	  "frame-ancestors, base-uri, form-action 'self', 'none' or own hosts; no "
	  "unsafe-inline/eval/hashes, http:, bare https:, * or script data:; else a warning.",
	  "A strict policy limits where scripts, frames and forms may come from, which contains"
	  " cross-site scripting and clickjacking.",
	  "Send e.g. Content-Security-Policy: default-src 'self'; frame-ancestors 'self'; "
	  "base-uri 'self'; form-action 'self', then allow only the specific https:// sources "
	  "the site needs." },
	{ "web_appsecpriv_referrer_policy",    "appsecpriv", 0,      false, "w3c-referrer-policy", M_WEB,
	  "Referrer-Policy limits what is leaked",
	  "Reads Referrer-Policy over HTTPS on every address, fields joined, the last value "
	  "counting: no-referrer or same-origin passes; strict-origin(-when-cross-origin) or "
	  "none is info (a recommendation); unsafe-url, origin, others warn.",
	  "Full URLs sent along to other sites can leak paths, search terms or personal data in"
	  " query strings to third parties.",
	  "Have the web server send Referrer-Policy: no-referrer or same-origin (or "
	  "strict-origin-when-cross-origin where other sites must see the origin)." },
	{ "web_appsecpriv_securitytxt",        "appsecpriv", 0,      false, "rfc9116", M_WEB,
	  "Valid security.txt published",
	  "Fetches /.well-known/security.txt (else /security.txt, flagged) over HTTPS on every "
	  "address: 200, text/plain, utf-8, valid per RFC 9116 (Contact, one unexpired "
	  "Expires, Canonical naming its URL if any) warn if not; advice alone is info.",
	  "security.txt tells researchers where to report vulnerabilities, so problems reach "
	  "the right people quickly.",
	  "Serve /.well-known/security.txt as text/plain; charset=utf-8 with at least a "
	  "Contact: line (mailto: or https:) and an Expires: date under a year ahead, and renew"
	  " it in time." },
	{ "web_appsecpriv_x_content_type_options", "appsecpriv", 0,  false, "whatwg-fetch", M_WEB,
	  "X-Content-Type-Options set to nosniff",
	  "Reads X-Content-Type-Options in the HTTPS response on every address; the first "
	  "value must be nosniff, else a warning.",
	  "nosniff stops browsers from guessing content types, which could turn an uploaded "
	  "file into script that runs on the site.",
	  "Configure the web server to add X-Content-Type-Options: nosniff to every response." },
	{ "web_appsecpriv_x_frame_options",    "appsecpriv", 0,      false, "rfc7034", M_WEB,
	  "X-Frame-Options restricts framing",
	  "Reads X-Frame-Options in the HTTPS response on every address; the first value must "
	  "be DENY or SAMEORIGIN, else info (CSP frame-ancestors, judged by the CSP test, "
	  "supersedes it).",
	  "Restricting framing prevents clickjacking, where a hostile page lays the site under "
	  "its own content in an invisible frame.",
	  "Add X-Frame-Options: DENY (or SAMEORIGIN if the site frames its own pages) to every "
	  "response, next to a CSP frame-ancestors directive." },
	{ "web_caa",                           "https",     0,       false, "rfc8659", M_WTLS,
	  "CAA records restrict certificate issuance",
	  "Looks up CAA for the domain and www, climbing to parents as a CA does (RFC 8659): the"
	  " set must exist, hold an issue record and be well-formed, else a warning (as "
	  "internet.nl); a failed lookup is an error.",
	  "CAA tells certificate authorities which of them may issue certificates for the "
	  "domain, lowering the risk of misissuance.",
	  "Publish CAA records for the domain, e.g. 0 issue \"ca.example\" for each CA you use "
	  "and 0 iodef \"mailto:security@<domain>\" for reports of refused requests." },
	{ "web_dnssec_exist",                  "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC,
	  "Domain is DNSSEC-signed",
	  "Looks up the SOA of the domain through a validating resolver: a secure answer "
	  "passes, and so does a bogus one (signed but broken); an insecure answer fails, the "
	  "evidence noting DNSKEYs with no DS at the parent.",
	  "DNSSEC lets resolvers verify that answers for the domain are authentic, protecting "
	  "its addresses, mail records and TLSA records from forgery.",
	  "Have the DNS operator sign the zone and publish the DS record for its key signing "
	  "key at the registrar, so the parent zone links to it." },
	{ "web_dnssec_valid",                  "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC,
	  "DNSSEC signature of the domain valid",
	  "The domain's SOA answer must validate as secure. A bogus answer (broken chain, "
	  "missing or expired signature, DS matching no key) fails; an unsigned domain is not "
	  "tested.",
	  "A signed zone that fails validation is unreachable for validating resolvers: the "
	  "site and every other service of the domain go dark.",
	  "Repair the chain of trust: make the DS at the parent match a current DNSKEY, re-sign"
	  " the zone before signatures expire, and follow the rollover steps when replacing "
	  "keys." },
	{ "web_https_cert_chain",              "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "Web server certificate chain trusted",
	  "On every address of the web server, the chain presented on port 443 must verify "
	  "against the public CA store for TLS server use; an untrusted chain fails.",
	  "Browsers show an error for an untrusted chain, so visitors are turned away or learn "
	  "to click through warnings.",
	  "Install a certificate from a publicly trusted CA and configure the server to send "
	  "the full chain (leaf plus intermediates) on every address." },
	{ "web_https_cert_domain",             "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "Web server certificate matches the domain",
	  "The leaf certificate on every address must name the tested domain in its subject "
	  "alternative names, wildcards matched as browsers do (RFC 6125).",
	  "Browsers reject a certificate issued for another name, so visitors get an error and "
	  "impersonation goes unnoticed.",
	  "Get a certificate whose subjectAltName includes the domain (and www if used) and "
	  "install it on every address the domain points to." },
	{ "web_https_cert_pubkey",             "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "Web server certificate key strong enough",
	  "Judges every key of the chain but a root's by NCSC 2025-05: RSA of 3072 bits or more, "
	  "ECDSA on P-256, "
	  "P-384, P-521 or brainpool, and Ed25519/Ed448 pass; RSA 2048-3071 and P-224 warn; "
	  "smaller RSA and any DSA fail.",
	  "A weak key can be broken by a well-equipped attacker, who can then impersonate the "
	  "server with its own copy of the private key.",
	  "Replace the certificate with one on an ECDSA P-256 or P-384 key, or an RSA key of at"
	  " least 3072 bits, and install it on every web server address." },
	{ "web_https_cert_sig",                "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "Web server certificate signatures use SHA-2",
	  "Each certificate of the chain except a self-signed root must be signed with RSA or "
	  "ECDSA over SHA-256/384/512, RSA-PSS or EdDSA; SHA-1, MD5, SHA-224 or DSA signatures "
	  "fail.",
	  "Signatures over weak hash functions can be forged by collision attacks, producing a "
	  "rogue certificate for the server.",
	  "Have the CA reissue the certificate with a SHA-256 or stronger signature, and serve "
	  "intermediates that are signed with SHA-2 as well." },
	{ "web_https_dane_exist",              "https",     0,       false, G_WDANE,   M_WTLS,
	  "DANE TLSA record for the web server",
	  "Asks TLSA at _443._tcp.<host> for the domain and www through the validating resolver:"
	  " DNSSEC-secure records pass; none, insecure or bogus is info, as internet.nl; a failed "
	  "lookup is an error.",
	  "DANE lets clients check the web server's certificate against a record pinned by "
	  "DNSSEC, independent of the public CAs.",
	  "Sign the zone with DNSSEC and publish TLSA at _443._tcp.<domain>, e.g. 3 1 1 "
	  "<SHA-256 of the server's public key>." },
	{ "web_https_dane_valid",              "https",     0,       false, G_WDANE,   M_WTLS,
	  "DANE TLSA record matches the web server",
	  "On every address, a secure TLSA record of its host must match the chain on port 443 "
	  "(RFC 6698; PKIX usages also need a trusted chain); a mismatch is a warning. Without "
	  "secure TLSA: not tested.",
	  "A TLSA record that matches nothing makes DANE-validating clients refuse the site.",
	  "Regenerate the TLSA record from the key or certificate actually served, and publish "
	  "the record for a new key before the server starts using it." },
	{ "web_https_http_available",          "https",     A1 | A2, true,  G_HTTP,    M_WEB,
	  "Website offers HTTPS",
	  "GETs https://<host>/ on every IPv4 and IPv6 address of the domain and www.<domain>; "
	  "each must complete TLS and answer HTTP. An error when no address accepts a "
	  "connection on port 443.",
	  "HTTPS encrypts and authenticates the connection, protecting what visitors send and "
	  "what the site shows from eavesdropping and tampering.",
	  "Enable HTTPS on port 443 with a trusted certificate on every address that the "
	  "domain's A and AAAA records point to." },
	{ "web_https_http_compress",           "https",     A2,      false, G_TLS,     M_WEB,
	  "HTTP compression over HTTPS noted",
	  "Requests the page over HTTPS on every address offering gzip and other encodings, "
	  "and notes whether the response is compressed (any Content-Encoding); compression is "
	  "info, never a failure.",
	  "Compressing responses that mix secrets with attacker-chosen input enables "
	  "BREACH-style attacks that recover those secrets.",
	  "For pages that carry secrets such as CSRF tokens, disable HTTP compression or mask "
	  "the secret per response; static content can stay compressed." },
	{ "web_https_http_hsts",               "https",     A2,      true,  G_HSTS,    M_WEB,
	  "HSTS policy with a max-age of at least a year",
	  "Reads Strict-Transport-Security in the HTTPS response on every address: the first "
	  "field must parse (RFC 6797 6.1) with a max-age of at least 31536000 seconds (one "
	  "year).",
	  "HSTS makes browsers use HTTPS for the site every time, so an attacker cannot "
	  "downgrade a returning visitor to plain HTTP.",
	  "Send Strict-Transport-Security: max-age=31536000 (or longer) on HTTPS responses; add"
	  " includeSubDomains once every subdomain supports HTTPS." },
	{ "web_https_http_redirect",           "https",     A1 | A2, true,  G_HTTP,    M_WEB,
	  "HTTP redirects to HTTPS",
	  "Requests http://<host>/ on port 80 of every address that has HTTPS: the first "
	  "response must redirect to https:// on the same host. A server without HTTP on port "
	  "80 also passes.",
	  "Visitors who type the name arrive over HTTP first; a direct redirect to HTTPS on the"
	  " same host protects them and lets HSTS take effect.",
	  "Have port 80 answer every request with a 301 redirect to https://<same host><same "
	  "path>, before any redirect to another host name." },
	{ "web_https_tls_0rtt",                "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "TLS 1.3 0-RTT not accepted",
	  "Resumes a TLS 1.3 session with a request as early data (0-RTT) on every address: "
	  "accepted fails unless answered 425 Too Early (RFC 8470); refused passes; without TLS "
	  "1.3 it does not apply and passes.",
	  "0-RTT early data can be replayed by an attacker, repeating a request such as a "
	  "payment or another change of state.",
	  "Disable TLS 1.3 early data (0-RTT) in the web server, proxy or load balancer, for "
	  "example by setting its maximum early data size to zero." },
	{ "web_https_tls_cipherorder",         "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "Web server prefers the stronger cipher suites",
	  "At the highest version below TLS 1.3 (internet.nl 2025): a phase-out suite preferred "
	  "over a sufficient or good one fails; insufficient suites are left to the ciphers "
	  "test. The client's order fails with phase-out beside better suites.",
	  "With its own preference order the server picks the strongest suite both sides "
	  "support, instead of whatever a client lists first.",
	  "Enable the server's own cipher preference and order the suites good first "
	  "(AES-256-GCM, ChaCha20-Poly1305), then sufficient, with phase-out suites last or "
	  "removed." },
	{ "web_https_tls_ciphers",             "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "Web server offers only safe cipher suites",
	  "Judges every suite accepted per TLS version by NCSC 2025-05: ECDHE with AES-GCM, "
	  "AES-CCM or ChaCha20 passes; CBC with SHA-2, Camellia, ARIA or DHE warns; RSA key "
	  "exchange, 3DES, RC4, CBC-SHA1 fail.",
	  "Weak suites lack forward secrecy or use broken ciphers, letting an attacker read or "
	  "alter the traffic in transit.",
	  "Allow only the TLS 1.3 suites and TLS 1.2 ECDHE suites with AES-GCM or "
	  "ChaCha20-Poly1305; disable RSA key exchange, 3DES, RC4, and CBC suites with SHA-1." },
	{ "web_https_tls_clientreneg",         "https",     A1 | A2, false, G_TLS,     M_WTLS,
	  "Client-initiated renegotiation refused",
	  "Tries to renegotiate from the client side on every address (TLS 1.2 and lower). "
	  "Refusal passes; acceptance, limited or not, is info. A TLS 1.3-only server passes.",
	  "Client-initiated renegotiation costs the server far more than the client, which "
	  "makes it a cheap lever for denial of service.",
	  "Disable client-initiated renegotiation in the TLS library or server settings, or "
	  "offer only TLS 1.3, which has no renegotiation." },
	{ "web_https_tls_compress",            "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "TLS compression disabled",
	  "Checks on every address whether the server accepts TLS-level compression; accepting "
	  "it fails. A TLS 1.3-only server passes, as TLS 1.3 has no compression.",
	  "TLS compression enables the CRIME attack, which recovers secrets such as session "
	  "cookies from the sizes of compressed records.",
	  "Disable TLS compression in the TLS library or server configuration; current library "
	  "versions switch it off by default." },
	{ "web_https_tls_keyexchange",         "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "Key exchange parameters strong",
	  "Judges the ECDHE groups and DHE parameters accepted: P-256, P-384, P-521, X25519, "
	  "X448 and brainpool pass; P-224 and ffdhe3072 or larger warn; ffdhe2048 and custom DH"
	  " groups fail; none at all passes.",
	  "Weak key exchange parameters let a well-equipped attacker recover the session keys "
	  "and decrypt recorded traffic.",
	  "Offer ECDHE with X25519, P-256 or P-384 and drop DHE, or keep DHE only with RFC 7919"
	  " groups of 3072 bits or more (ffdhe3072, ffdhe4096)." },
	{ "web_https_tls_keyexchangehash",     "https",     A1 | A2, false, G_TLS,     M_WTLS,
	  "Key exchange signed with a SHA-2 hash",
	  "Looks at the signature schemes of TLS 1.2 key exchanges on every address: "
	  "SHA-256/384/512 and EdDSA pass; SHA-224, SHA-1 or MD5 warn (never fail, as "
	  "internet.nl); no signed key exchange seen passes. A TLS 1.3-only server passes.",
	  "A key exchange signed with a weak hash can be forged, letting an attacker "
	  "impersonate the server during the handshake.",
	  "Limit the server's TLS 1.2 signature algorithms to SHA-256 or stronger (e.g. "
	  "rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256) and remove SHA-1 and MD5." },
	{ "web_https_tls_ocsp",                "https",     A1 | A2, false, G_TLS,     M_WTLS,
	  "OCSP stapling correct if used",
	  "Checks on every address whether the server staples an OCSP response: a valid one "
	  "passes, an invalid one is a warning, none is info; a certificate naming no OCSP "
	  "responder passes (as internet.nl).",
	  "Stapling lets browsers check revocation without asking the CA, which is faster and "
	  "keeps visitors' browsing from the CA.",
	  "Enable OCSP stapling in the web server and let it reach the CA's OCSP responder, so "
	  "that it refreshes the stapled response before it expires." },
	{ "web_https_tls_secreneg",            "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "Secure renegotiation supported",
	  "Checks on every address that TLS 1.2 and lower support secure renegotiation (the "
	  "renegotiation_info extension, RFC 5746); without it the test fails. A TLS 1.3-only "
	  "server passes.",
	  "Without secure renegotiation an attacker can splice its own data in front of a "
	  "client's session (the CVE-2009-3555 attack).",
	  "Upgrade the TLS library or server to a version that supports RFC 5746 secure "
	  "renegotiation, or offer only TLS 1.3." },
	{ "web_https_tls_version",             "https",     A1 | A2, true,  G_TLS,     M_WTLS,
	  "Web server uses only TLS 1.2 or 1.3",
	  "Lists the protocol versions every address accepts, judged by NCSC 2025-05: TLS 1.3 "
	  "good, TLS 1.2 sufficient; TLS 1.1, TLS 1.0 or SSL 3.0 accepted fails.",
	  "TLS 1.1 and older have known weaknesses, and a server that accepts them lets an "
	  "attacker push connections down to them.",
	  "Disable SSL 3.0, TLS 1.0 and TLS 1.1 in the web server's TLS settings and enable TLS"
	  " 1.3 alongside TLS 1.2." },
	{ "web_ipv6_ns_address",               "ipv6",      A4,      true,  G_IPV6,                M_IPV6,
	  "Name servers of the domain have IPv6",
	  "Finds the NS set of the domain's zone, walking up to the zone cut, and requires at "
	  "least two name servers with an AAAA record.",
	  "Resolvers on IPv6-only networks can resolve the domain only through name servers "
	  "with IPv6; two of them give redundancy.",
	  "Ask the DNS operator for IPv6-capable name servers, and list at least two name "
	  "servers with AAAA records in the NS set, both in the zone and at the parent." },
	{ "web_ipv6_ns_reach",                 "ipv6",      A4,      true,  G_IPV6,                M_IPV6,
	  "Name servers of the domain reachable over IPv6",
	  "Sends an SOA query for the zone to every IPv6 address of every name server, over "
	  "UDP, falling back to TCP; each must answer. Not tested when the vantage has no IPv6 "
	  "or no name server has an AAAA.",
	  "A name server with an AAAA record that does not answer over IPv6 slows down or "
	  "breaks resolution of the domain for IPv6 resolvers.",
	  "Make each name server answer DNS on its IPv6 addresses on UDP and TCP port 53 and "
	  "allow that through firewalls, or remove AAAA records that do not work." },
	{ "web_ipv6_ws_address",               "ipv6",      A4,      true,  G_IPV6,                M_IPV6,
	  "Web server has an IPv6 address",
	  "Looks up AAAA for the domain, following CNAMEs: at least one AAAA record passes. A "
	  "lookup that fails is an error, not a failure.",
	  "Without an AAAA record the site cannot be reached from IPv6-only networks; agreement"
	  " 4 asks websites to be reachable over IPv6 too.",
	  "Enable IPv6 at the web server, hosting or CDN and publish an AAAA record for the "
	  "domain next to its A record." },
	{ "web_ipv6_ws_reach",                 "ipv6",      A4,      true,  G_IPV6,                M_IPV6,
	  "Web server reachable over IPv6",
	  "Opens TCP ports 80 and 443 on every IPv6 address of the domain from the vantage: "
	  "each address must accept on at least one. Not tested when the vantage has no IPv6 or"
	  " the domain no AAAA.",
	  "A published AAAA that does not answer makes IPv6 visitors wait for a fallback to "
	  "IPv4, or fail altogether.",
	  "Have the web server listen on its IPv6 addresses on ports 80 and 443 and let them "
	  "through firewalls and load balancers, or remove AAAA records that do not work." },
	{ "web_ipv6_ws_similar",               "ipv6",      A4,      true,  G_IPV6,    M_WEB,
	  "Website the same over IPv6 and IPv4",
	  "Compares each IPv6 address of a host with its IPv4 ones: a port (80, 443) open "
	  "over IPv4 only fails; a different HTTP status or a page (on 80, else 443; first "
	  "500 KB) over 10% different warns. IPv6-only or IPv4-only: not tested.",
	  "Visitors on IPv6 should get the same site as on IPv4; a different IPv6 site often "
	  "means a forgotten server or proxy.",
	  "Serve the AAAA and A addresses from the same virtual host, load balancer or CDN "
	  "configuration, so both give the same ports, redirects and content." },
	{ "web_ns_rpki_exists",                "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "ROAs cover the name servers of the domain",
	  "For every address of the domain's name servers (64 at most): a ROA (VRP) must "
	  "cover the most specific route to it in this vantage's route table, or, unrouted, "
	  "the address itself. Any address without one fails.",
	  "Without ROAs, networks that validate routes cannot tell a hijacked route to these "
	  "name servers from the real one.",
	  "Ask the holder of each address block, usually the DNS provider or its network, to "
	  "create ROAs at its regional internet registry for the announced prefixes and their "
	  "origin AS." },
	{ "web_ns_rpki_valid",                 "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "Routes to the domain's name servers RPKI-valid",
	  "For every address of the domain's name servers: RFC 6811 state of the most "
	  "specific route to it and each origin AS: invalid or not-found fails; unrouted "
	  "addresses are not judged (all unrouted: not tested).",
	  "An invalid route is dropped by validating networks and an unprotected one can be "
	  "hijacked, either way cutting off resolution of the domain.",
	  "Make the ROAs match the BGP announcements: the AS that originates each prefix and a "
	  "maxLength covering the announced prefix length; or announce the prefixes as the ROAs"
	  " state." },
	{ "web_rpki_exists",                   "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "ROAs cover the web server",
	  "For every A and AAAA of the domain and www.<domain> (64 at most): a ROA (VRP) must "
	  "cover the most specific route to it in this vantage's route table, or, unrouted, "
	  "the address itself. Any address without one fails.",
	  "Without ROAs, networks that validate routes cannot tell a hijacked route to the web "
	  "server from the real one.",
	  "Ask the holder of each address block, usually the hosting provider or its network, "
	  "to create ROAs at its regional internet registry for the announced prefixes and "
	  "their origin AS." },
	{ "web_rpki_valid",                    "rpki",      A5,      true,  G_RPKI,    M_RPKI,
	  "Routes to the web server RPKI-valid",
	  "For every A and AAAA of the domain and www.<domain>: RFC 6811 state of the most "
	  "specific route to it and each origin AS: invalid or not-found fails; unrouted "
	  "addresses are not judged (all unrouted: not tested).",
	  "An invalid route is dropped by validating networks and an unprotected one can be "
	  "hijacked, either way cutting off visitors from the site.",
	  "Make the ROAs match the BGP announcements: the AS that originates each prefix and a "
	  "maxLength covering the announced prefix length; or announce the prefixes as the ROAs"
	  " state." },
};

#define CATALOGUE_N (sizeof(catalogue) / sizeof(catalogue[0]))
_Static_assert(CATALOGUE_N == TEST_COUNT, "one catalogue row per enum catalogue_test");

const struct catalogue_entry *
catalogue_all(size_t *n)
{
	*n = CATALOGUE_N;
	return catalogue;
}

const struct catalogue_entry *
catalogue_get(enum catalogue_test t)
{
	return (unsigned)t < TEST_COUNT ? &catalogue[t] : NULL;
}

static int
catalogue_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct catalogue_entry *)elem)->id);
}

const struct catalogue_entry *
catalogue_find(const char *id)
{
	if (id == NULL)
		return NULL;
	return bsearch(id, catalogue, CATALOGUE_N, sizeof(catalogue[0]), catalogue_cmp);
}

bool
catalogue_test_find(const char *id, enum catalogue_test *out)
{
	const struct catalogue_entry *e = catalogue_find(id);

	if (e == NULL)
		return false;
	*out = (enum catalogue_test)(e - catalogue);
	return true;
}

/* DESIGN.md §2; the deadlines are the ends of the years (1 January 00:00 UTC after). */
static const struct catalogue_agreement agreements[AGREEMENT_COUNT] = {
	{ 1, 2017, 1514764800LL, "HTTPS where data is entered; DNSSEC; SPF, DKIM, DMARC",
	  "TLS (HTTPS) on every website where people enter data; DNSSEC on every domain used to "
	  "communicate with citizens and businesses; SPF, DKIM and DMARC on all domains, whether "
	  "they send mail or not." },
	{ 2, 2018, 1546300800LL, "HTTPS and HSTS; TLS per the NCSC guidelines",
	  "HTTPS and HSTS on all websites; TLS configured per the NCSC TLS guidelines." },
	{ 3, 2019, 1577836800LL, "STARTTLS and DANE; strict SPF and DMARC",
	  "STARTTLS and DANE on mail; strict SPF and DMARC policies: SPF ~all or -all, DMARC "
	  "p=quarantine or p=reject." },
	{ 4, 2021, 1640995200LL, "Websites and mail over IPv6",
	  "Websites and mail domains fully reachable over IPv6 as well as IPv4." },
	{ 5, 2024, 1735689600LL, "RPKI: ROAs published, routes validated",
	  "RPKI for all IP addresses used: ROAs published, and routes validated." },
};

const struct catalogue_agreement *
catalogue_agreements(size_t *n)
{
	*n = AGREEMENT_COUNT;
	return agreements;
}

const struct catalogue_agreement *
catalogue_agreement(unsigned n)
{
	return n >= 1 && n <= AGREEMENT_COUNT ? &agreements[n - 1] : NULL;
}
