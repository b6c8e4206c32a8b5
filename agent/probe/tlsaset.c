/* tlsaset.c: the TLSA set of _PORT._tcp.BASE through the validating resolver, parsed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "err.h"
#include "tlsaset.h"

int
tlsaset_lookup(struct dnswork *w, unsigned port, const char *base, struct tlsaset *ts)
{
	char q[MAX_DOMAIN_LEN + 16], why[DNSANS_WHY_LEN];
	struct dnsans *a = &w->aux;

	snprintf(ts->base, sizeof(ts->base), "%s", base);
	ts->total = 0;
	if (snprintf(q, sizeof(q), "_%u._tcp.%s", port, base) >= (int)sizeof(q) ||
	    strlen(q) > MAX_DOMAIN_LEN) {
		ts->state = TLSA_FAILED;
		snprintf(ts->why, sizeof(ts->why), "_%u._tcp.%s is too long a name", port, base);
		return 0;
	}
	if (dnswork_lookup(w, q, LDNS_RR_TYPE_TLSA, 0, a) == PEIL_ENOMEM)
		return PEIL_ENOMEM;
	if (a->err == 0 && a->sec == DNSANS_BOGUS) {
		ts->state = TLSA_BOGUS;
		snprintf(ts->why, sizeof(ts->why), "%s TLSA: DNSSEC bogus: %.400s", q,
		    a->why_bogus);
		return 0;
	}
	if (dnsans_failed(a, why, sizeof(why))) {
		ts->state = TLSA_FAILED;
		snprintf(ts->why, sizeof(ts->why), "%s TLSA lookup failed: %.400s", q, why);
		return 0;
	}
	ts->total = a->txt_tagged;
	if (a->sec != DNSANS_SECURE) {
		ts->state = TLSA_INSECURE;
		snprintf(ts->why, sizeof(ts->why), "%s: %zu TLSA record(s) in an unsigned "
		    "zone (insecure): no DANE", q, a->txt_tagged);
		return 0;
	}
	if (a->rcode == LDNS_RCODE_NXDOMAIN || a->ntxt == 0) {
		ts->state = TLSA_NONE;
		snprintf(ts->why, sizeof(ts->why), "%s: no TLSA record", q);
		return 0;
	}
	if ((ts->set = calloc(a->ntxt, sizeof(*ts->set))) == NULL)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < a->ntxt && ts->n < MAX_TLSA_RECORDS; i++) {
		char pwhy[128];

		if (tlsa_parse(a->txt + a->txt_off[i], a->txt_len[i], &ts->set[ts->n], pwhy,
		    sizeof(pwhy)) != 0)
			continue;
		if (ts->set[ts->n].usage == TLSA_USAGE_DANE_TA &&
		    tlsa_unusable(&ts->set[ts->n]) == NULL)
			ts->dane_ta = true;
		ts->n++;
	}
	ts->state = TLSA_SECURE;
	snprintf(ts->why, sizeof(ts->why), "%s: %zu TLSA record(s), DNSSEC-secure%s", q,
	    a->txt_tagged, a->txt_tagged > a->ntxt ? " (not all kept)" : "");
	return 0;
}

void
tlsaset_clear(struct tlsaset *ts)
{
	if (ts == NULL)
		return;
	free(ts->set);
	memset(ts, 0, sizeof(*ts));
}
