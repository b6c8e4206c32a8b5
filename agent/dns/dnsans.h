/* dnsans.h: one DNS answer, parsed and bounded: what every standard's module reads. */
#ifndef PEIL_DNSANS_H
#define PEIL_DNSANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsev.h"
#include "limits.h"

/* What the validator said about an answer. */
enum dnsans_sec { DNSANS_INSECURE = 0, DNSANS_SECURE = 1, DNSANS_BOGUS = 2 };

#define DNSANS_TEXT_LEN   256                 /* a name (≤ 253 characters) or an address + NUL */
#define DNSANS_REASON_LEN 256
#define DNSANS_MAX_RR     MAX_ADDRS_PER_HOST  /* most records one answer keeps */
/* Room for why a lookup gave nothing usable, with the validator's reason. */
#define DNSANS_WHY_LEN    (DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN + 64)

struct dnsans_rr {
	uint16_t pref;               /* MX preference; 0 for other types */
	bool host_ok;                /* NS/MX: the name is a valid host name ("." is not) */
	char text[DNSANS_TEXT_LEN];  /* A/AAAA: the address; NS/MX: the name, lower case, no final
	                              * dot, "." for the root, bytes outside [a-z0-9-] shown as '?' */
};

/* One lookup, parsed and bounded: either a failure (err) or an answer (rcode, records). */
struct dnsans {
	int err;                         /* 0, or the PEIL_E* of a failed lookup / malformed answer */
	char reason[DNSANS_REASON_LEN];  /* why, when err != 0 */
	int rcode;                       /* LDNS_RCODE_* of the answer */
	enum dnsans_sec sec;
	char why_bogus[MAX_WHY_BOGUS_LEN];
	size_t total;                    /* records of the asked type at the name (CNAMEs followed) */
	size_t n;                        /* kept in rr: at most the `max` asked for, see dnsans_parse */
	struct dnsans_rr rr[DNSANS_MAX_RR];
	char target[DNSANS_TEXT_LEN];    /* the CNAME target the records belong to; "" if no alias */
	char zone[DNSANS_TEXT_LEN];      /* owner of a SOA in the answer or authority section, or "" */
	/* TXT answers: the version-tagged records ("v", blanks, "=" at the start: SPF, DMARC,
	 * MTA-STS, TLS-RPT), each one's strings joined, kept while MAX_TXT_KEEP records and
	 * MAX_TXT_POOL bytes last; other TXT records are only counted in total. TLSA and CAA
	 * answers: every record's rdata (wire form) in the same places. */
	size_t ntxt;                     /* kept */
	size_t txt_tagged;               /* version-tagged (TLSA, CAA: all) records seen, kept or
	                                  * not */
	uint32_t txt_off[MAX_TXT_KEEP], txt_len[MAX_TXT_KEEP];
	uint8_t txt[MAX_TXT_POOL];
};

/* True when a TXT record's text starts with a version tag: "v", blanks, "=". */
bool dnsans_txt_tagged(const uint8_t *txt, size_t len);

/* Parses one answer message (untrusted bytes) to the question `qname` (presentation form) and
 * `qtype` into *out (cleared first; sec and why_bogus are left for the caller to set). Keeps
 * the A, AAAA, NS or MX records at qname, or at the end of the CNAME chain from it: at most
 * min(max, DNSANS_MAX_RR) of them, for MX those of lowest preference; sorted (MX by preference,
 * then by text); the version-tagged TXT records and the TLSA or CAA rdata (see above).
 * Records of other types are only counted in total. A question section, if any,
 * must be exactly qname/qtype/IN. Returns 0, or PEIL_EINVAL (and out->err) with the reason in
 * out->reason for a truncated or malformed message, trailing bytes, an answer to another
 * question, a CNAME chain over MAX_CNAME_CHAIN, a record whose data does not fit its type. */
int dnsans_parse(const uint8_t *pkt, size_t len, const char *qname, uint16_t qtype, size_t max,
    struct dnsans *out);

/* Clears *out and records a failed lookup: err (a PEIL_E* code) and the formatted reason.
 * Returns err. */
int dnsans_fail(struct dnsans *out, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* True when `name` (no final dot) is a valid host name: 1..253 characters, labels of 1..63
 * letters, digits and hyphens not starting or ending with a hyphen, a last label not all
 * digits. */
bool dnsans_hostname_ok(const char *name);

/* Writes why a lookup gave no usable answer and returns true; false when it is usable: not
 * bogus, and NOERROR or NXDOMAIN. */
bool dnsans_failed(const struct dnsans *a, char *buf, size_t len);
const char *dnsans_sec_name(enum dnsans_sec s);
const char *dnsans_rcode_name(int rcode, char *buf, size_t len);
/* Addresses of one answer as "a, b" (cut noted), "none", or why the lookup failed. */
void dnsans_addr_text(const struct dnsans *a, struct textlist *tl);

#endif
