/* tlsjudge.h: the TLS engine's report judged by the NCSC guidelines, one test and one address
 * at a time, for mail (STARTTLS) and web (HTTPS) alike; and the loop that judges one test over
 * every address, the worst deciding, each address's line in the evidence. */
#ifndef PEIL_TLSJUDGE_H
#define PEIL_TLSJUDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "dnsans.h"
#include "dnsev.h"
#include "ncsc.h"
#include "result.h"
#include "tls.h"

/* One address's verdict on one test: status, a line of evidence, offending items. */
struct addrjudge {
	int st;
	struct textlist line;
	struct textlist bad;
};

/* What a TLS judge needs of one address. */
struct tlsjudge_ctx {
	const struct ncsc *g;           /* the guideline */
	const struct tls_report *rep;   /* what the engine found there (rep->available) */
	const char *host;               /* the name the certificate must carry */
	bool dane_ta;                   /* a usable DNSSEC-secure DANE-TA record is published */
	bool web;                       /* web rules (internet.nl's web TLS), else mail rules */
};

/* Judges one test on one address into j (j->st starts not_tested, its lists empty). */
typedef void (*tlsjudge_fn)(const struct tlsjudge_ctx *c, struct addrjudge *j);

/* The judges, as internet.nl judges mail and web TLS (docs/parity.md):
 * version, ciphers: every item by the table, worst wins;
 * cipherorder: at the highest version below TLS 1.3, pairs judged by ncsc_order (internet.nl's
 * CipherOrderStatus);
 * keyexchange: ECDHE groups and DHE size (none: passes); kexhash: TLS 1.2 signature hashes
 * (a weak hash at worst a warning, none signed passes); compress, secreneg: yes/no by the table,
 * TLS 1.3 only passes; clientreneg: accepted is info; pubkey, sig: every key and signature
 * of the chain but a self-signed root's; chain: trust (mail: info; web: fails); domain: the name
 * (mail: fails only when DANE-TA is published, else info; web: fails). */
/* One judge on one address: fn, then, when the engine stopped early (rep->partial), an
 * enumeration judge's verdict that is not a failure, or any judge's undetermined one, is an
 * error saying so. */
void tlsjudge_run(tlsjudge_fn fn, const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_version(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_ciphers(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_cipherorder(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_keyexchange(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_kexhash(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_compress(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_secreneg(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_clientreneg(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_pubkey(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_sig(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_chain(const struct tlsjudge_ctx *c, struct addrjudge *j);
void tlsjudge_domain(const struct tlsjudge_ctx *c, struct addrjudge *j);
/* 0-RTT (NCSC: early data accepted is insufficient; internet.nl's zero_rtt): accepted fails,
 * unless the server answered the early request with HTTP 425 Too Early (RFC 8470 5.2: it
 * deferred it, nothing was replayed); refused passes; no TLS 1.3 passes (not applicable);
 * TLS 1.3 but not determined: no verdict for the address. */
void tlsjudge_zerortt(const struct tlsjudge_ctx *c, struct addrjudge *j);
/* OCSP stapling (internet.nl's web ocsp_stapling): the leaf names no OCSP responder: passes
 * (not applicable); a valid stapled response passes; an invalid one is a warning (internet.nl
 * caps its failure at notice); none stapled is info; not determined: no verdict. */
void tlsjudge_ocsp(const struct tlsjudge_ctx *c, struct addrjudge *j);

/* "TLS 1.3", "TLS 1.2", ... for a wire version; "?" for others. Static storage. */
const char *tlsjudge_version_name(uint16_t v);
/* Adds what (with its level's name) to j's line, to its bad items when phase-out or
 * insufficient, and makes j->st the worse of it and the level's status. */
void tlsjudge_item(struct addrjudge *j, const char *what, enum ncsc_level l);

/* *acc becomes st when st is worse (failed, error, warning, info, passed, the rest). */
void tlsjudge_worse(int *acc, int st);

/* One test over every address (n of them). */
struct tlsjudge_each {
	size_t n;
	void *arg;
	/* Judges address i into j; false: the address is not judged at all (no line). An
	 * address whose j has no line and stays not_tested gets no line either. */
	bool (*judge)(void *arg, size_t i, struct addrjudge *j);
	/* "HOST [ADDR]" of address i. */
	void (*who)(void *arg, size_t i, char *buf, size_t len);
	const char *what;               /* the test in words: starts the reason */
	const char *none_why;           /* the reason when no address was judged */
	const char *guideline;          /* the result names it; NULL: none */
};

/* Judges one test (r; NULL: nothing) over every address of e: each judged address's line
 * under addr_<i+1>, the worst status wins, the reason lists the offending items per address
 * (when the status is not passed), or says none_why when nothing was judged (not_tested).
 * ev holds the evidence every line follows (not changed). Returns 0 or PEIL_ENOMEM. */
int tlsjudge_addrs(const struct dnsev *ev, Peil__Result *r, const struct tlsjudge_each *e);

#endif
