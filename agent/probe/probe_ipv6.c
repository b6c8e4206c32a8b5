/* probe_ipv6.c: IPv6: name servers, web server and mail servers with an AAAA record
 * (*_ipv6_*_address), and reachable over IPv6 (*_ipv6_*_reach). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dnswork.h"
#include "err.h"
#include "probe_ipv6.h"

enum { REACH_NS, REACH_MX, REACH_WS };

/* web_ipv6_ws_address: at least one AAAA for the domain. */
static int
run_ws(struct dnswork *w, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	struct textlist *tl = NULL;
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN], *note = NULL;
	const char *reason = NULL;
	int st, rc;

	if ((tl = malloc(sizeof(*tl))) == NULL)
		return PEIL_ENOMEM;
	if (dnswork_lookup(w, w->domain, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST, &w->set) == PEIL_ENOMEM ||
	    dnswork_lookup(w, w->domain, LDNS_RR_TYPE_A, MAX_ADDRS_PER_HOST, &w->a4) == PEIL_ENOMEM) {
		free(tl);
		return PEIL_ENOMEM;
	}
	dnsans_addr_text(&w->set, tl);
	dnsev_add(&ev, "AAAA", "%s", tl->buf);
	dnsans_addr_text(&w->a4, tl);
	dnsev_add(&ev, "A", "%s", tl->buf);
	if (w->set.err == 0 && w->set.target[0] != '\0')
		dnsev_add(&ev, "cname", "%s", w->set.target);
	if (dnsans_failed(&w->set, why, sizeof(why))) {
		st = PEIL__STATUS__ERROR;
		if (w->set.err == PEIL_ETIMEDOUT && w->budget_out)
			reason = MSG_BUDGET;
		else if (asprintf(&note, "AAAA lookup failed: %s", why) < 0)
			ev.nomem = true;
		else
			reason = note;
	} else if (w->set.rcode == LDNS_RCODE_NXDOMAIN) {
		st = PEIL__STATUS__ERROR;
		reason = MSG_NXDOMAIN;
	} else if (w->set.n > 0) {
		st = PEIL__STATUS__PASSED;
	} else {
		st = PEIL__STATUS__FAILED;
		reason = "no AAAA record for the domain";
	}
	rc = dnsev_apply(&ev, r, st, reason);
	free(note);
	free(tl);
	dnsev_clear(&ev);
	return rc;
}

/* *_ipv6_ns_address: the NS set of the domain's zone; at least two with an AAAA. */
static int
run_ns(struct dnswork *w, Peil__Result *res[2])
{
	struct dnsev ev = { 0 };
	char line[MAX_EVIDENCE_VALUE_LEN], *note = NULL;
	const char *reason = NULL;
	size_t with6 = 0, failed = 0;
	int st = PEIL__STATUS__ERROR, rc = 0;

	if ((rc = dnswork_ns(w)) != 0)
		goto out;
	if (w->ns_zone[0] == '\0') {
		reason = w->ns_why;
		goto judge;
	}
	dnsev_add(&ev, "zone", "%s", w->ns_zone);
	dnsev_add(&ev, "ns_count", "%zu", w->ns.total);
	if (w->ns.total > w->ns.n)
		dnsev_add(&ev, "ns_cut", "%zu NS records, the first %zu tested (MAX_NS)",
		    w->ns.total, w->ns.n);
	for (size_t i = 0; i < w->ns.n; i++) {
		char key[32];
		enum host_aaaa has;

		if ((rc = dnswork_host_addresses(w, &w->ns.rr[i], line, sizeof(line), &has)) != 0)
			goto out;
		snprintf(key, sizeof(key), "ns_%zu", i + 1);
		dnsev_add(&ev, key, "%s", line);
		if (has == HOST_AAAA_SOME)
			with6++;
		else if (has == HOST_AAAA_FAILED)
			failed++;
	}
	dnsev_add(&ev, "with_aaaa", "%zu of %zu", with6, w->ns.n);
	if (with6 >= 2) {
		st = PEIL__STATUS__PASSED;
	} else if (failed > 0) {
		if (asprintf(&note, "AAAA lookup failed for %zu name server(s); %zu with AAAA",
		    failed, with6) < 0)
			ev.nomem = true;
		reason = note;
	} else {
		st = PEIL__STATUS__FAILED;
		reason = with6 == 1 ? "only 1 name server has an AAAA record; 2 are needed" :
		    "no name server has an AAAA record; 2 are needed";
	}
judge:
	/* An answer not had in time decides nothing that was not already decided. */
	if (st == PEIL__STATUS__ERROR && w->budget_out)
		reason = MSG_BUDGET;
	for (int i = 0; i < 2 && rc == 0; i++)
		rc = dnsev_apply(&ev, res[i], st, reason);
out:
	free(note);
	dnsev_clear(&ev);
	return rc;
}

/* mail_ipv6_mx_address: every MX has an AAAA; a null MX alone or no MX: not tested. */
static int
run_mx(struct dnswork *w, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	struct textlist *without = NULL;
	char line[MAX_EVIDENCE_VALUE_LEN], *note = NULL;
	const char *reason = NULL;
	size_t hosts[MAX_MX], nwithout = 0, failed = 0;
	int st = PEIL__STATUS__ERROR, rc = 0, nhosts;

	if ((without = calloc(1, sizeof(*without))) == NULL)
		return PEIL_ENOMEM;
	if ((nhosts = dnswork_mx_hosts(w, &ev, hosts, &st, &reason)) == PEIL_ENOMEM) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (nhosts == 0)
		dnswork_mx_lead(w, &st, &reason);
	for (int k = 0; k < nhosts; k++) {
		const struct dnsans_rr *mx = &w->mx.rr[hosts[k]];
		char key[32];
		enum host_aaaa has;

		if ((rc = dnswork_host_addresses(w, mx, line, sizeof(line), &has)) != 0)
			goto out;
		snprintf(key, sizeof(key), "mx_%d", k + 1);
		dnsev_add(&ev, key, "%u %s", (unsigned)mx->pref, line);
		if (has == HOST_AAAA_NONE) {
			textlist_add(without, mx->text);
			nwithout++;
		} else if (has == HOST_AAAA_FAILED) {
			failed++;
		}
	}
	if (nhosts == 0) {
		/* st and reason say why there is nothing to test. */
	} else if (nwithout > 0) {
		dnsev_add(&ev, "without_aaaa", "%s", without->buf);
		st = PEIL__STATUS__FAILED;
		if (asprintf(&note, "%zu of %d MX have no AAAA record: %s", nwithout, nhosts,
		    without->buf) < 0)
			ev.nomem = true;
		reason = note;
	} else if (failed > 0) {
		st = PEIL__STATUS__ERROR;
		if (asprintf(&note, "AAAA lookup failed for %zu MX", failed) < 0)
			ev.nomem = true;
		reason = note;
	} else {
		st = PEIL__STATUS__PASSED;
		reason = NULL;
	}
	/* An answer not had in time decides nothing that was not already decided. */
	if (st == PEIL__STATUS__ERROR && w->budget_out)
		reason = MSG_BUDGET;
	rc = dnsev_apply(&ev, r, st, reason);
out:
	free(note);
	free(without);
	dnsev_clear(&ev);
	return rc;
}

/* The result line of one reach item. */
static void
reach_line(const struct reach_item *it, const char *host, char *out, size_t len)
{
	char rbuf[16];

	if (it->ok && it->port == 53)
		snprintf(out, len, "%s [%s]: answered over %s in %u ms (%s)", host, it->addr,
		    it->via_tcp ? "TCP" : "UDP", it->ms, dnsans_rcode_name(it->rcode, rbuf,
		    sizeof(rbuf)));
	else if (it->ok)
		snprintf(out, len, "%s [%s]:%u: connected in %u ms", host, it->addr,
		    (unsigned)it->port, it->ms);
	else
		snprintf(out, len, "%s [%s]:%u: %s", host, it->addr, (unsigned)it->port, it->why);
}

/* The reach items for every IPv6 address of the hosts (names[i] for each), ports as given.
 * Returns the count, or PEIL_ENOMEM; *failed counts AAAA lookups that failed (listed). */
static int
reach_items(struct dnswork *w, const struct dnsans_rr *const *names, size_t nnames,
    const uint16_t *ports, size_t nports, struct reach_item *items, size_t *owner,
    struct dnsev *ev, size_t *failed)
{
	char why[DNSANS_WHY_LEN];
	size_t n = 0;

	*failed = 0;
	for (size_t i = 0; i < nnames; i++) {
		if (!names[i]->host_ok)
			continue;
		if (dnswork_lookup(w, names[i]->text, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST,
		    &w->a6) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (dnsans_failed(&w->a6, why, sizeof(why))) {
			dnsev_add(ev, "aaaa_failed", "%s: %s", names[i]->text, why);
			(*failed)++;
			continue;
		}
		for (size_t a = 0; a < w->a6.n; a++)
			for (size_t p = 0; p < nports && n < MAX_REACH_ITEMS; p++) {
				memset(&items[n], 0, sizeof(items[n]));
				snprintf(items[n].addr, sizeof(items[n].addr), "%s", w->a6.rr[a].text);
				items[n].port = ports[p];
				owner[n++] = i;
			}
	}
	return (int)n;
}

static int
reach_go(struct dnswork *w, enum reach_kind kind, struct reach_item *items, size_t n,
    const char *qname, uint16_t qtype, char *why, size_t whylen)
{
	int rc;

	if (!dnswork_budget_left(w)) {
		snprintf(why, whylen, "%s", MSG_BUDGET);
		return PEIL_ETIMEDOUT;
	}
	rc = w->src->reach(w->src->arg, kind, items, n, qname, qtype, w->deadline);
	if (rc != 0 && rc != PEIL_ENOMEM)
		snprintf(why, whylen, "the reachability probe failed: %s", peil_strerror(rc));
	return rc;
}

/* One reachability test: kind REACH_NS (res[0], res[1]: web and mail), REACH_MX, REACH_WS. */
static int
run_reach(struct dnswork *w, int what, Peil__Result *res[2])
{
	static const uint16_t port53[] = { 53 }, port25[] = { 25 }, web[] = { 80, 443 };
	struct dnsev ev = { 0 };
	struct reach_item *items = NULL;
	const struct dnsans_rr *names[MAX_NS > MAX_MX ? MAX_NS : MAX_MX];
	struct dnsans_rr self;
	struct textlist *bad = NULL;
	size_t owner[MAX_REACH_ITEMS], nnames = 0, failed = 0, nbad = 0, hosts[MAX_MX];
	char why[DNSANS_WHY_LEN], line[MAX_EVIDENCE_VALUE_LEN], *note = NULL;
	const char *reason = NULL, *what_name;
	int st = PEIL__STATUS__ERROR, rc = 0, n, nh;

	items = calloc(MAX_REACH_ITEMS, sizeof(*items));
	bad = calloc(1, sizeof(*bad));
	if (items == NULL || bad == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (what == REACH_NS) {
		what_name = "name server";
		if ((rc = dnswork_ns(w)) != 0)
			goto out;
		if (w->ns_zone[0] == '\0') {
			reason = w->budget_out ? MSG_BUDGET : w->ns_why;
			goto judge;
		}
		dnsev_add(&ev, "zone", "%s", w->ns_zone);
		for (size_t i = 0; i < w->ns.n; i++)
			names[nnames++] = &w->ns.rr[i];
	} else if (what == REACH_MX) {
		what_name = "mail server";
		if ((nh = dnswork_mx_hosts(w, &ev, hosts, &st, &reason)) == PEIL_ENOMEM) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		if (nh == 0)
			goto judge;
		for (int k = 0; k < nh; k++)
			names[nnames++] = &w->mx.rr[hosts[k]];
	} else {
		what_name = "web server";
		memset(&self, 0, sizeof(self));
		self.host_ok = true;
		snprintf(self.text, sizeof(self.text), "%s", w->domain);
		names[nnames++] = &self;
	}
	n = reach_items(w, names, nnames, what == REACH_NS ? port53 : what == REACH_MX ? port25 :
	    web, what == REACH_WS ? 2 : 1, items, owner, &ev, &failed);
	if (n == PEIL_ENOMEM) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (n == 0) {
		if (failed > 0) {
			st = PEIL__STATUS__ERROR;
			reason = w->budget_out ? MSG_BUDGET : "AAAA lookups failed";
		} else {
			st = PEIL__STATUS__NOT_TESTED;
			if (asprintf(&note, "no %s has an IPv6 address", what_name) < 0)
				ev.nomem = true;
			reason = note;
		}
		goto judge;
	}
	if ((rc = reach_go(w, what == REACH_NS ? REACH_DNS : REACH_TCP, items, (size_t)n,
	    w->ns_zone, LDNS_RR_TYPE_SOA, why, sizeof(why))) != 0) {
		if (rc == PEIL_ENOMEM)
			goto out;
		rc = 0;
		reason = why;
		goto judge;
	}
	for (int i = 0; i < n; i++) {
		char key[32];

		reach_line(&items[i], names[owner[i]]->text, line, sizeof(line));
		snprintf(key, sizeof(key), "try_%d", i + 1);
		dnsev_add(&ev, key, "%s", line);
	}
	/* Web: an address passes when 80 or 443 answers; others: every item must. */
	for (int i = 0; i < n; i += what == REACH_WS ? 2 : 1) {
		bool ok = items[i].ok || (what == REACH_WS && i + 1 < n && items[i + 1].ok);

		if (!ok) {
			char who[DNSANS_TEXT_LEN + 80];

			snprintf(who, sizeof(who), "%s [%s]", names[owner[i]]->text, items[i].addr);
			textlist_add(bad, who);
			nbad++;
		}
	}
	if (nbad > 0) {
		st = PEIL__STATUS__FAILED;
		if (asprintf(&note, "%zu IPv6 address(es) of %s not reachable%s: %s", nbad,
		    what == REACH_NS ? "the name servers" : what == REACH_MX ? "the mail servers" :
		    "the web server", what == REACH_NS ? " (DNS over UDP and TCP)" :
		    what == REACH_MX ? " on TCP 25" : " on TCP 80 nor 443", bad->buf) < 0)
			ev.nomem = true;
		reason = note;
	} else if (failed > 0) {
		st = PEIL__STATUS__ERROR;
		reason = "AAAA lookups failed for some hosts";
	} else {
		st = PEIL__STATUS__PASSED;
	}
judge:
	if (st == PEIL__STATUS__ERROR && w->budget_out)
		reason = MSG_BUDGET;
	for (int i = 0; i < 2 && rc == 0; i++)
		rc = dnsev_apply(&ev, res[i], st, reason);
out:
	free(note);
	free(items);
	free(bad);
	dnsev_clear(&ev);
	return rc;
}

/* The reachability tests: not_tested on a vantage without IPv6, else judged. */
static int
ipv6_reach(struct dnswork *w, Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	static const int ids[] = { TEST_WEB_IPV6_NS_REACH, TEST_MAIL_IPV6_NS_REACH,
	    TEST_MAIL_IPV6_MX_REACH, TEST_WEB_IPV6_WS_REACH };
	struct dnsev ev = { 0 };
	int rc = 0;

	if (!w->src->ipv6 || w->src->reach == NULL) {
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]) && rc == 0; i++) {
			if (done[ids[i]])
				continue;
			rc = dnsev_apply(&ev, res[ids[i]], PEIL__STATUS__NOT_TESTED,
			    "this vantage has no IPv6");
			done[ids[i]] = true;
		}
		return rc;
	}
	if ((!done[TEST_WEB_IPV6_NS_REACH] || !done[TEST_MAIL_IPV6_NS_REACH]) &&
	    dnswork_budget_left(w)) {
		Peil__Result *ns[2] = { res[TEST_WEB_IPV6_NS_REACH], res[TEST_MAIL_IPV6_NS_REACH] };

		if ((rc = run_reach(w, REACH_NS, ns)) != 0)
			return rc;
		done[TEST_WEB_IPV6_NS_REACH] = done[TEST_MAIL_IPV6_NS_REACH] = true;
	}
	if (!done[TEST_MAIL_IPV6_MX_REACH] && dnswork_budget_left(w)) {
		Peil__Result *mx[2] = { res[TEST_MAIL_IPV6_MX_REACH], NULL };

		if ((rc = run_reach(w, REACH_MX, mx)) != 0)
			return rc;
		done[TEST_MAIL_IPV6_MX_REACH] = true;
	}
	if (!done[TEST_WEB_IPV6_WS_REACH] && dnswork_budget_left(w)) {
		Peil__Result *ws[2] = { res[TEST_WEB_IPV6_WS_REACH], NULL };

		if ((rc = run_reach(w, REACH_WS, ws)) != 0)
			return rc;
		done[TEST_WEB_IPV6_WS_REACH] = true;
	}
	return 0;
}

int
probe_ipv6_vantage(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	(void)mx;
	(void)web;
	/* A vantage without IPv6 cannot test IPv6 reachability, whatever the domain. */
	if (!w->src->ipv6 || w->src->reach == NULL)
		return ipv6_reach(w, res, done);
	return 0;
}

int
probe_ipv6_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	int rc = 0;

	(void)mx;
	(void)web;
	if (!done[TEST_WEB_IPV6_WS_ADDRESS] && dnswork_budget_left(w)) {
		if ((rc = run_ws(w, res[TEST_WEB_IPV6_WS_ADDRESS])) != 0)
			return rc;
		done[TEST_WEB_IPV6_WS_ADDRESS] = true;
	}
	if ((!done[TEST_WEB_IPV6_NS_ADDRESS] || !done[TEST_MAIL_IPV6_NS_ADDRESS]) &&
	    dnswork_budget_left(w)) {
		Peil__Result *ns[2] = { res[TEST_WEB_IPV6_NS_ADDRESS],
		    res[TEST_MAIL_IPV6_NS_ADDRESS] };

		if ((rc = run_ns(w, ns)) != 0)
			return rc;
		done[TEST_WEB_IPV6_NS_ADDRESS] = done[TEST_MAIL_IPV6_NS_ADDRESS] = true;
	}
	if (!done[TEST_MAIL_IPV6_MX_ADDRESS] && dnswork_budget_left(w)) {
		if ((rc = run_mx(w, res[TEST_MAIL_IPV6_MX_ADDRESS])) != 0)
			return rc;
		done[TEST_MAIL_IPV6_MX_ADDRESS] = true;
	}
	return ipv6_reach(w, res, done);
}
