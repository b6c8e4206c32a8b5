/* tlsaset.h: the TLSA set of one service (_PORT._tcp.BASE) through the validating resolver,
 * parsed, with what the lookup found: one lookup for the mail servers (port 25, RFC 7672) and
 * the web servers (port 443, RFC 6698/7671). */
#ifndef PEIL_TLSASET_H
#define PEIL_TLSASET_H

#include <stdbool.h>
#include <stddef.h>

#include "dane.h"
#include "dnswork.h"

/* What the TLSA lookup found. */
enum { TLSA_FAILED, TLSA_BOGUS, TLSA_INSECURE, TLSA_NONE, TLSA_SECURE };

struct tlsaset {
	int state;                      /* TLSA_* */
	char base[DNSANS_TEXT_LEN];     /* the TLSA base name looked up */
	char why[DNSANS_WHY_LEN];       /* what was found, for evidence */
	size_t n, total;                /* records parsed into set; records in the answer */
	struct tlsa_rr *set;            /* n parsed records (heap; tlsaset_clear frees it) */
	bool dane_ta;                   /* a usable DANE-TA record is among them (secure) */
};

/* Looks up TLSA at _<port>._tcp.<base> (dnswork_lookup: the deadline, the source) into *ts,
 * which must be empty (zeroed or cleared): TLSA_SECURE with the records parsed (at most
 * MAX_TLSA_RECORDS; ones that do not parse are skipped), TLSA_NONE (secure denial or no
 * records), TLSA_INSECURE (an unsigned answer: no DANE, RFC 6698 4.1), TLSA_BOGUS, or
 * TLSA_FAILED (lookup failed, name too long); ts->why says which. Borrows w->aux for the
 * answer. Returns 0 or PEIL_ENOMEM. */
int tlsaset_lookup(struct dnswork *w, unsigned port, const char *base, struct tlsaset *ts);

/* Frees ts->set and empties *ts. Accepts NULL. */
void tlsaset_clear(struct tlsaset *ts);

#endif
