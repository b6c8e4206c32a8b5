/* dnswork.c: the work of one domain's run: lookups bounded by its deadline, the MX and NS
 * sets looked up once, the MX hosts and one host's addresses as evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "dnswork.h"
#include "err.h"

bool
dnswork_budget_left(struct dnswork *w)
{
	if (w->budget_out || w->src->now_ms(w->src->arg) >= w->deadline)
		w->budget_out = true;
	return !w->budget_out;
}

int
dnswork_lookup(struct dnswork *w, const char *name, uint16_t type, size_t max, struct dnsans *out)
{
	int rc;

	if (!dnswork_budget_left(w))
		return dnsans_fail(out, PEIL_ETIMEDOUT, "%s", MSG_BUDGET);
	rc = w->src->lookup(w->src->arg, name, type, max, w->deadline, out);
	if (rc == PEIL_ETIMEDOUT)
		(void)dnswork_budget_left(w);
	return rc;
}

void
dnswork_prefetch(struct dnswork *w, const char *const *names, size_t n, uint16_t type)
{
	if (w->src->prefetch == NULL || !dnswork_budget_left(w))
		return;
	for (size_t i = 0; i < n; i++)
		w->src->prefetch(w->src->arg, names[i], type);
}

int
dnswork_mx(struct dnswork *w)
{
	if (w->mx_done)
		return 0;
	w->mx_done = true;
	return dnswork_lookup(w, w->domain, LDNS_RR_TYPE_MX, MAX_MX, &w->mx) == PEIL_ENOMEM ?
	    PEIL_ENOMEM : 0;
}

int
dnswork_zone_ns(struct dnswork *w, const char *start, struct dnsans *a, char *zone,
    size_t zonelen, char *whyout, size_t whylen)
{
	char name[DNSANS_TEXT_LEN], why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];

	zone[0] = '\0';
	snprintf(name, sizeof(name), "%s", start);
	for (int i = 0; i < MAX_ZONE_WALK; i++) {
		const char *dot;

		if (dnswork_lookup(w, name, LDNS_RR_TYPE_NS, MAX_NS, a) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (dnsans_failed(a, why, sizeof(why))) {
			snprintf(whyout, whylen, "NS lookup for %s failed: %.400s", name, why);
			return 0;
		}
		if (a->rcode == LDNS_RCODE_NXDOMAIN) {
			if (i == 0 && strcmp(start, w->domain) == 0)
				snprintf(whyout, whylen, "%s", MSG_NXDOMAIN);
			else
				snprintf(whyout, whylen, "%s does not exist", name);
			return 0;
		}
		if (a->total > 0) {
			snprintf(zone, zonelen, "%s", name);
			return 0;
		}
		/* No NS set here: the zone cut is higher up. Never ask the root. */
		if ((dot = strchr(name, '.')) == NULL)
			break;
		memmove(name, dot + 1, strlen(dot + 1) + 1);
	}
	snprintf(whyout, whylen, "no NS set found at %s or above it (below the root, %d names "
	    "at most)", start, MAX_ZONE_WALK);
	return 0;
}

int
dnswork_ns(struct dnswork *w)
{
	if (w->ns_done)
		return 0;
	w->ns_done = true;
	return dnswork_zone_ns(w, w->domain, &w->ns, w->ns_zone, sizeof(w->ns_zone), w->ns_why,
	    sizeof(w->ns_why));
}

/* *yes: the domain has exactly one SPF record and its only term is "-all" (internet.nl's
 * no-null-MX rule). The TXT answer goes to w->aux. Returns 0 or PEIL_ENOMEM. */
static int
spf_reject_all_only(struct dnswork *w, bool *yes)
{
	size_t nspf = 0;
	bool all = false;

	*yes = false;
	if (dnswork_lookup(w, w->domain, LDNS_RR_TYPE_TXT, 0, &w->aux) == PEIL_ENOMEM)
		return PEIL_ENOMEM;
	if (w->aux.err != 0 || w->aux.sec == DNSANS_BOGUS)
		return 0;
	for (size_t i = 0; i < w->aux.ntxt; i++) {
		const char *t = (const char *)w->aux.txt + w->aux.txt_off[i];
		size_t len = w->aux.txt_len[i], k = 6;

		if (len < 6 || strncasecmp(t, "v=spf1", 6) != 0 || (len > 6 && t[6] != ' '))
			continue;
		nspf++;
		while (k < len && t[k] == ' ')
			k++;
		all = len - k >= 4 && strncasecmp(t + k, "-all", 4) == 0;
		for (k += 4; all && k < len; k++)
			all = t[k] == ' ';
	}
	*yes = nspf == 1 && all && w->aux.txt_tagged == w->aux.ntxt;
	return 0;
}

void
dnswork_mx_lead(const struct dnswork *w, int *status, const char **reason)
{
	if (w->mx_lead) {
		*status = w->mx_lead_st;
		*reason = w->mx_lead_why;
	}
}

int
dnswork_mx_hosts(struct dnswork *w, struct dnsev *ev, size_t hosts[MAX_MX], int *status,
    const char **reason)
{
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];
	size_t nnull = 0, n = 0;

	*status = PEIL__STATUS__ERROR;
	*reason = NULL;
	w->mx_lead = false;
	if (dnswork_mx(w) != 0)
		return PEIL_ENOMEM;
	if (dnsans_failed(&w->mx, why, sizeof(why))) {
		snprintf(w->mx_why, sizeof(w->mx_why), "MX lookup failed: %s", why);
		*reason = w->budget_out ? MSG_BUDGET : w->mx_why;
		return 0;
	}
	if (w->mx.rcode == LDNS_RCODE_NXDOMAIN) {
		*reason = MSG_NXDOMAIN;
		return 0;
	}
	if (w->mx.target[0] != '\0')
		dnsev_add(ev, "cname", "%s", w->mx.target);
	if (w->mx.total == 0) {
		struct textlist *tl;

		dnsev_add(ev, "mx", "none");
		*status = PEIL__STATUS__NOT_TESTED;
		*reason = "no MX records";
		/* RFC 5321 5.1: mail would go to the domain's own addresses. */
		if ((tl = malloc(sizeof(*tl))) == NULL)
			return PEIL_ENOMEM;
		if (dnswork_lookup(w, w->domain, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST, &w->a6) ==
		    PEIL_ENOMEM || dnswork_lookup(w, w->domain, LDNS_RR_TYPE_A, MAX_ADDRS_PER_HOST,
		    &w->a4) == PEIL_ENOMEM) {
			free(tl);
			return PEIL_ENOMEM;
		}
		dnsans_addr_text(&w->a6, tl);
		dnsev_add(ev, "implicit_mx_aaaa", "%s", tl->buf);
		dnsans_addr_text(&w->a4, tl);
		dnsev_add(ev, "implicit_mx_a", "%s", tl->buf);
		dnsev_add(ev, "implicit_mx", "no MX: senders fall back to the domain's own A/AAAA "
		    "(RFC 5321 5.1); not tested as a mail server");
		free(tl);
		if (w->a6.n + w->a4.n > 0) {
			bool spf_all;

			if (spf_reject_all_only(w, &spf_all) != 0)
				return PEIL_ENOMEM;
			if (spf_all) {
				dnsev_add(ev, "spf", "v=spf1 -all: the domain sends no mail");
				w->mx_lead = true;
				w->mx_lead_st = PEIL__STATUS__INFO;
				w->mx_lead_why = "no MX and no null MX, while the domain has addresses "
				    "and sends no mail (SPF \"v=spf1 -all\"): a null MX (RFC 7505) "
				    "would tell senders it takes none either";
			}
		}
		return 0;
	}
	for (size_t i = 0; i < w->mx.n; i++)
		if (strcmp(w->mx.rr[i].text, ".") == 0)
			nnull++;
	if (nnull > 0 && nnull == w->mx.total) {
		dnsev_add(ev, "mx", "%u .", (unsigned)w->mx.rr[0].pref);
		*status = PEIL__STATUS__NOT_TESTED;
		*reason = "null MX: the domain accepts no mail (RFC 7505)";
		if (dnswork_lookup(w, w->domain, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST, &w->a6) ==
		    PEIL_ENOMEM || dnswork_lookup(w, w->domain, LDNS_RR_TYPE_A, MAX_ADDRS_PER_HOST,
		    &w->a4) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (!dnsans_failed(&w->a6, why, sizeof(why)) &&
		    !dnsans_failed(&w->a4, why, sizeof(why)) && w->a6.total + w->a4.total == 0) {
			dnsev_add(ev, "null_mx_addresses", "the domain has no A/AAAA");
			w->mx_lead = true;
			w->mx_lead_st = PEIL__STATUS__INFO;
			w->mx_lead_why = "null MX, while the domain has no A/AAAA: senders find no "
			    "mail server without it (RFC 5321 5.1)";
		}
		return 0;
	}
	dnsev_add(ev, "mx_count", "%zu", w->mx.total);
	if (nnull > 0) {
		/* internet.nl: the MX set is invalid; its servers are not tested */
		dnsev_add(ev, "null_mx", "a null MX among %zu other MX record(s)",
		    w->mx.total - nnull);
		*status = PEIL__STATUS__NOT_TESTED;
		*reason = "a null MX among other MX records: the MX set is invalid (RFC 7505 3.3 "
		    "wants a null MX alone); its mail servers are not tested";
		w->mx_lead = true;
		w->mx_lead_st = PEIL__STATUS__WARNING;
		w->mx_lead_why = *reason;
		return 0;
	}
	if (w->mx.total > w->mx.n)
		dnsev_add(ev, "mx_cut", "%zu MX records, the %zu of lowest preference tested "
		    "(MAX_MX)", w->mx.total, w->mx.n);
	for (size_t i = 0; i < w->mx.n; i++) {
		bool dup = false;

		if (strcmp(w->mx.rr[i].text, ".") == 0)
			continue;
		for (size_t j = 0; j < i; j++)
			if (strcmp(w->mx.rr[j].text, w->mx.rr[i].text) == 0)
				dup = true;
		if (!dup && n < MAX_MX)
			hosts[n++] = i;
	}
	return (int)n;
}

/* One host's AAAA and A, looked up into w->a6, w->a4; the line of evidence in line; *has
 * whether it has an AAAA. Returns 0 or PEIL_ENOMEM. */
int
dnswork_host_addresses(struct dnswork *w, const struct dnsans_rr *host, char *line, size_t len,
    enum host_aaaa *has)
{
	struct textlist *t6, *t4;
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];
	int n, rc = 0;

	*has = HOST_AAAA_NONE;
	if (!host->host_ok) {
		snprintf(line, len, "%s: not a valid host name, not looked up", host->text);
		return 0;
	}
	if ((t6 = malloc(sizeof(*t6))) == NULL || (t4 = malloc(sizeof(*t4))) == NULL) {
		free(t6);
		*has = HOST_AAAA_FAILED;
		return PEIL_ENOMEM;
	}
	if (dnswork_lookup(w, host->text, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST, &w->a6) == PEIL_ENOMEM ||
	    dnswork_lookup(w, host->text, LDNS_RR_TYPE_A, MAX_ADDRS_PER_HOST, &w->a4) == PEIL_ENOMEM)
		rc = PEIL_ENOMEM;
	dnsans_addr_text(&w->a6, t6);
	dnsans_addr_text(&w->a4, t4);
	n = snprintf(line, len, "%s: AAAA %s; A %s", host->text, t6->buf, t4->buf);
	if (n < 0 || (size_t)n >= len)
		snprintf(line + len - sizeof(CUT_MARK), sizeof(CUT_MARK), "%s", CUT_MARK);
	if (dnsans_failed(&w->a6, why, sizeof(why)))
		*has = HOST_AAAA_FAILED;
	else if (w->a6.rcode == LDNS_RCODE_NOERROR && w->a6.n > 0)
		*has = HOST_AAAA_SOME;
	free(t6);
	free(t4);
	return rc;
}
