/* probe_rpki.c: RPKI: for every address of the web hosts, the domain's name servers, the MX
 * hosts and the MX zones' name servers, whether a ROA covers its route (*_rpki_exists) and the
 * RFC 6811 state of that route and each of its origins (*_rpki_valid). The route is the most
 * specific one in this vantage's route-origin table; the rules are internet.nl's, the
 * differences in docs/parity.md ("RPKI"). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dnswork.h"
#include "err.h"
#include "ipprefix.h"
#include "pfx2as.h"
#include "probe_rpki.h"
#include "routes.h"
#include "rtr.h"

/* The four address sets, each judged by an exists and a valid test (the name servers by two
 * of each: web and mail). */
enum rpki_set { SET_WEB, SET_NS, SET_MX, SET_MXNS, SET_COUNT };

static const int set_ids[SET_COUNT][4] = {
	[SET_WEB] = { TEST_WEB_RPKI_EXISTS, TEST_WEB_RPKI_VALID, -1, -1 },
	[SET_NS] = { TEST_WEB_NS_RPKI_EXISTS, TEST_WEB_NS_RPKI_VALID, TEST_MAIL_NS_RPKI_EXISTS,
	    TEST_MAIL_NS_RPKI_VALID },
	[SET_MX] = { TEST_MAIL_RPKI_EXISTS, TEST_MAIL_RPKI_VALID, -1, -1 },
	[SET_MXNS] = { TEST_MAIL_MX_NS_RPKI_EXISTS, TEST_MAIL_MX_NS_RPKI_VALID, -1, -1 },
};

static const char *const set_what[SET_COUNT] = {
	"web server", "name server", "mail server", "name server of the mail servers' zones",
};

struct rpki_addr {
	char host[DNSANS_TEXT_LEN];
	char text[DNSANS_TEXT_LEN];
	int family;                     /* 4 or 6 */
	uint8_t bytes[16];
};

/* One set's addresses and the evidence of how they were found. */
struct rpki_hosts {
	struct dnsev ev;                /* the lookups; the start of every verdict's evidence */
	size_t naddr;                   /* in addr */
	size_t total;                   /* found, cut ones included */
	size_t failed;                  /* address or NS lookups that failed */
	int none_status;                /* no host at all: the status ... */
	const char *none_reason;        /* ... and why (NULL: hosts were found) */
	char none_why[DNSANS_WHY_LEN + 64];
	struct rpki_addr addr[MAX_RPKI_ADDRS];
};

/* Gives every test of a set not done yet status and reason with ev, and sets it done. */
static int
set_apply(enum rpki_set s, const struct dnsev *ev, Peil__Result *res[TEST_COUNT],
    bool done[TEST_COUNT], bool exists_too, bool valid_too, int status, const char *reason)
{
	int rc = 0;

	for (int i = 0; i < 4 && rc == 0; i++) {
		int t = set_ids[s][i];

		if (t < 0 || done[t] || (i % 2 == 0 && !exists_too) || (i % 2 == 1 && !valid_too))
			continue;
		rc = dnsev_apply(ev, res[t], status, reason);
		done[t] = true;
	}
	return rc;
}

/* Every RPKI test not done yet gets status and reason (no evidence but the reason). */
static int
rpki_apply_all(Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT], int status,
    const char *reason)
{
	struct dnsev ev = { 0 };
	int rc = 0;

	for (int s = 0; s < SET_COUNT && rc == 0; s++)
		rc = set_apply((enum rpki_set)s, &ev, res, done, true, true, status, reason);
	return rc;
}

static bool
rpki_wanted(enum rpki_set s, const bool done[TEST_COUNT])
{
	for (int i = 0; i < 4; i++)
		if (set_ids[s][i] >= 0 && !done[set_ids[s][i]])
			return true;
	return false;
}

int
probe_rpki_vantage(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	struct ipprefix all;
	struct rov cov;
	char why[256];
	static const uint8_t zero[16];

	(void)mx;
	(void)web;
	if (w->src->vrps == NULL)
		return rpki_apply_all(res, done, PEIL__STATUS__NOT_TESTED, MSG_RPKI_NO_VRPS);
	if (w->src->routes == NULL)
		return rpki_apply_all(res, done, PEIL__STATUS__NOT_TESTED, MSG_RPKI_NO_ROUTES);
	/* A table too old (or never synced) decides every RPKI test before any lookup. */
	(void)ipprefix_make(4, zero, 0, &all);
	why[0] = '\0';
	switch (vrp_covered(w->src->vrps, &all, &cov, why, sizeof(why))) {
	case 0:
		return 0;
	case PEIL_ENOMEM:
		return PEIL_ENOMEM;
	default:
		return rpki_apply_all(res, done, PEIL__STATUS__ERROR, why[0] != '\0' ? why :
		    "the VRP table cannot be used");
	}
}

/* Adds the A and AAAA of host to h (both families, whatever the vantage uses: a route does
 * not depend on it). Returns 0 or PEIL_ENOMEM. */
static int
hosts_add(struct dnswork *w, struct rpki_hosts *h, const char *host)
{
	static const uint16_t types[2] = { LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_A };
	char why[DNSANS_WHY_LEN];

	for (int f = 0; f < 2; f++) {
		struct dnsans *a = f == 0 ? &w->a6 : &w->a4;

		if (dnswork_lookup(w, host, types[f], MAX_ADDRS_PER_HOST, a) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (dnsans_failed(a, why, sizeof(why))) {
			dnsev_add(&h->ev, "addr_lookup", "%s %s: %s", host, f == 0 ? "AAAA" : "A",
			    why);
			h->failed++;
			continue;
		}
		if (a->rcode != LDNS_RCODE_NOERROR)
			continue;
		h->total += a->total;
		for (size_t i = 0; i < a->n && h->naddr < MAX_RPKI_ADDRS; i++) {
			struct rpki_addr *ra = &h->addr[h->naddr];

			ra->family = f == 0 ? 6 : 4;
			if (inet_pton(f == 0 ? AF_INET6 : AF_INET, a->rr[i].text, ra->bytes) != 1)
				continue;
			snprintf(ra->host, sizeof(ra->host), "%s", host);
			snprintf(ra->text, sizeof(ra->text), "%s", a->rr[i].text);
			h->naddr++;
		}
	}
	return 0;
}

/* The name servers of name's zone added to names (each once, at most cap). Returns 0 or
 * PEIL_ENOMEM; a walk that finds no NS set is counted in h->failed with its reason. */
static int
zone_ns_add(struct dnswork *w, struct rpki_hosts *h, const char *name, struct dnsans *ans,
    char (*names)[DNSANS_TEXT_LEN], size_t *nnames, size_t cap, struct textlist *zones)
{
	char zone[DNSANS_TEXT_LEN], why[DNSANS_WHY_LEN + 64], line[DNSANS_TEXT_LEN * 2 + 16];

	if (dnswork_zone_ns(w, name, ans, zone, sizeof(zone), why, sizeof(why)) != 0)
		return PEIL_ENOMEM;
	if (zone[0] == '\0') {
		dnsev_add(&h->ev, "ns_lookup", "%s: %s", name, why);
		h->failed++;
		return 0;
	}
	snprintf(line, sizeof(line), "%s: zone %s", name, zone);
	textlist_add(zones, line);
	for (size_t i = 0; i < ans->n; i++) {
		bool dup = false;

		if (!ans->rr[i].host_ok)
			continue;
		for (size_t j = 0; j < *nnames && !dup; j++)
			dup = strcmp(names[j], ans->rr[i].text) == 0;
		if (!dup && *nnames < cap)
			snprintf(names[(*nnames)++], DNSANS_TEXT_LEN, "%s", ans->rr[i].text);
	}
	return 0;
}

/* The addresses of set s into h. Returns 0 or PEIL_ENOMEM. */
static int
hosts_gather(struct dnswork *w, enum rpki_set s, struct rpki_hosts *h)
{
	char (*names)[DNSANS_TEXT_LEN] = NULL;
	struct dnsans *ans = NULL;
	struct textlist *tl = NULL;
	size_t nnames = 0, cap = MAX_MX * MAX_NS;
	int rc = 0;

	if ((names = calloc(cap, sizeof(*names))) == NULL ||
	    (tl = calloc(1, sizeof(*tl))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	switch (s) {
	case SET_WEB:
		/* The web hosts of every peil web test (webwork.c): the domain and www. */
		snprintf(names[nnames++], DNSANS_TEXT_LEN, "%s", w->domain);
		if (strlen(w->domain) + 4 <= MAX_DOMAIN_LEN)
			snprintf(names[nnames++], DNSANS_TEXT_LEN, "www.%s", w->domain);
		break;
	case SET_NS:
		if ((rc = dnswork_ns(w)) != 0)
			goto out;
		if (w->ns_zone[0] == '\0') {
			h->none_status = PEIL__STATUS__ERROR;
			snprintf(h->none_why, sizeof(h->none_why), "%s", w->ns_why);
			h->none_reason = w->budget_out ? MSG_BUDGET : h->none_why;
			goto out;
		}
		dnsev_add(&h->ev, "zone", "%s", w->ns_zone);
		for (size_t i = 0; i < w->ns.n && nnames < cap; i++)
			if (w->ns.rr[i].host_ok)
				snprintf(names[nnames++], DNSANS_TEXT_LEN, "%s", w->ns.rr[i].text);
		break;
	case SET_MX:
	case SET_MXNS: {
		size_t hosts[MAX_MX];
		int n, st;
		const char *reason;

		if ((n = dnswork_mx_hosts(w, &h->ev, hosts, &st, &reason)) == PEIL_ENOMEM) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		if (n == 0) {
			h->none_status = st;
			h->none_reason = reason != NULL ? reason : "no mail server to test";
			goto out;
		}
		if (s == SET_MX) {
			for (int k = 0; k < n; k++)
				snprintf(names[nnames++], DNSANS_TEXT_LEN, "%s", w->mx.rr[hosts[k]].text);
			break;
		}
		if ((ans = malloc(sizeof(*ans))) == NULL) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		for (int k = 0; k < n; k++) {
			char mxname[DNSANS_TEXT_LEN];

			/* zone_ns_add's lookups reuse w's answers: the name is copied first. */
			snprintf(mxname, sizeof(mxname), "%s", w->mx.rr[hosts[k]].text);
			if ((rc = zone_ns_add(w, h, mxname, ans, names, &nnames, cap, tl)) != 0)
				goto out;
		}
		dnsev_add(&h->ev, "mx_zones", "%s", tl->len > 0 ? tl->buf : "none found");
		if (nnames == 0) {
			h->none_status = PEIL__STATUS__ERROR;
			h->none_reason = w->budget_out ? MSG_BUDGET :
			    "no name server found for the mail servers' zones";
			goto out;
		}
		break;
	}
	default:
		break;
	}
	tl->len = 0;
	tl->buf[0] = '\0';
	for (size_t i = 0; i < nnames; i++)
		textlist_add(tl, names[i]);
	dnsev_add(&h->ev, "hosts", "%s", tl->len > 0 ? tl->buf : "none");
	for (size_t i = 0; i < nnames && rc == 0; i++)
		rc = hosts_add(w, h, names[i]);
	if (rc != 0)
		goto out;
	if (h->total > h->naddr)
		dnsev_add(&h->ev, "addr_cut", "%zu addresses; the first %zu judged, %zu left out "
		    "(MAX_RPKI_ADDRS)", h->total, h->naddr, h->total - h->naddr);
	if (h->naddr == 0) {
		h->none_status = h->failed > 0 ? PEIL__STATUS__ERROR : PEIL__STATUS__NOT_TESTED;
		if (h->failed > 0 && w->budget_out)
			h->none_reason = MSG_BUDGET;
		else {
			snprintf(h->none_why, sizeof(h->none_why), h->failed > 0 ?
			    "the %ss' addresses could not be looked up" : "no %s has an address",
			    set_what[s]);
			h->none_reason = h->none_why;
		}
	}
out:
	free(ans);
	free(tl);
	free(names);
	return rc;
}

/* "192.0.2.0/24-24 AS64500, ..." for the VRPs of r (and how many more decided). */
static void
vrps_text(const struct rov *r, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < r->nvrps && off < len; i++) {
		char p[IPPREFIX_TEXT_LEN];
		int n;

		ipprefix_text(&r->vrps[i].prefix, p);
		n = snprintf(out + off, len - off, "%s%s-%u AS%u", i > 0 ? ", " : "", p,
		    (unsigned)r->vrps[i].max_len, (unsigned)r->vrps[i].asn);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (r->total_vrps > r->nvrps && off < len)
		snprintf(out + off, len - off, " and %zu more", r->total_vrps - r->nvrps);
}

/* What one set's judging counts. */
struct rpki_count {
	size_t missing, invalid, notfound, routed, unrouted;
	struct textlist *missing_l, *invalid_l, *notfound_l, *unrouted_l;
};

/* An origin as evidence shows it: "AS64500", or for PFX2AS_ORIGIN_NONE (an AS path ending in
 * an AS_SET) "NONE (AS_SET)", which no VRP matches (RFC 6811 2.). */
static const char *
origin_name(uint32_t as, char buf[24])
{
	if (as == PFX2AS_ORIGIN_NONE)
		return "NONE (AS_SET)";
	snprintf(buf, 24, "AS%u", (unsigned)as);
	return buf;
}

/* Judges one address into the two evidence sets. Returns 0, PEIL_EAGAIN (the VRP table went
 * stale: why says so) or PEIL_ENOMEM. */
static int
judge_addr(struct dnswork *w, const struct rpki_addr *a, size_t idx, struct dnsev *evx,
    struct dnsev *evv, struct rpki_count *c, char *why, size_t whylen)
{
	struct route rt;
	struct rov cov, rov;
	struct ipprefix hp;
	char key[32], who[DNSANS_TEXT_LEN * 2 + 8], pfx[IPPREFIX_TEXT_LEN], oname[24];
	char vrps[MAX_EVIDENCE_VALUE_LEN / 4], *line = NULL;
	size_t off = 0, cap = MAX_EVIDENCE_VALUE_LEN;
	int rc;

	snprintf(key, sizeof(key), "addr_%zu", idx + 1);
	snprintf(who, sizeof(who), "%s [%s]", a->host, a->text);
	rc = routes_lookup(w->src->routes, a->family, a->bytes, &rt);
	if (rc == PEIL_ENOENT) {
		/* Unrouted from here: the ROAs of the address itself (internet.nl asks Routinator
		 * for AS0 and the host prefix); nothing to validate. */
		c->unrouted++;
		textlist_add(c->unrouted_l, who);
		if (ipprefix_make(a->family, a->bytes, a->family == 4 ? 32 : 128, &hp) != 0)
			return PEIL_EINVAL;
		if ((rc = vrp_covered(w->src->vrps, &hp, &cov, why, whylen)) != 0)
			return rc;
		vrps_text(&cov, vrps, sizeof(vrps));
		if (cov.total_vrps == 0) {
			c->missing++;
			textlist_add(c->missing_l, who);
		}
		dnsev_add(evx, key, "%s: no route in this vantage's table; %s%s", who,
		    cov.total_vrps > 0 ? "ROAs covering the address: " : "no ROA covers the address",
		    vrps);
		dnsev_add(evv, key, "%s: no route in this vantage's table: not validated", who);
		return 0;
	}
	if (rc != 0)
		return rc;
	c->routed++;
	ipprefix_text(&rt.prefix, pfx);
	if ((rc = vrp_covered(w->src->vrps, &rt.prefix, &cov, why, whylen)) != 0)
		return rc;
	vrps_text(&cov, vrps, sizeof(vrps));
	if (cov.total_vrps == 0) {
		c->missing++;
		textlist_add(c->missing_l, who);
	}
	if ((line = malloc(cap)) == NULL)
		return PEIL_ENOMEM;
	off = (size_t)snprintf(line, cap, "%s: route %s", who, pfx);
	for (size_t o = 0; o < rt.norigins && off < cap; o++)
		off += (size_t)snprintf(line + off, cap - off, " %s", origin_name(rt.origins[o],
		    oname));
	if (rt.origins_cut && off < cap)
		off += (size_t)snprintf(line + off, cap - off, " (more origins, cut at %d)",
		    MAX_ROUTE_ORIGINS);
	dnsev_add(evx, key, "%s; %s%s", line, cov.total_vrps > 0 ? "ROAs: " : "no ROA covers "
	    "the route", vrps);
	/* Each origin of a multi-origin prefix is a route of its own (RFC 6811 2.). */
	for (size_t o = 0; o < rt.norigins && off < cap; o++) {
		const char *state;
		char item[DNSANS_TEXT_LEN * 2 + IPPREFIX_TEXT_LEN + 32];

		if ((rc = vrp_validate(w->src->vrps, &rt.prefix, rt.origins[o], &rov, why,
		    whylen)) != 0)
			goto out;
		vrps_text(&rov, vrps, sizeof(vrps));
		snprintf(item, sizeof(item), "%s %s %s", who, pfx, origin_name(rt.origins[o], oname));
		switch (rov.state) {
		case ROV_VALID:
			state = "valid";
			break;
		case ROV_INVALID:
			state = rov.invalid_length && !rov.invalid_as ? "invalid (length: longer than "
			    "maxLength)" : "invalid (origin AS)";
			c->invalid++;
			textlist_add(c->invalid_l, item);
			break;
		default:
			state = "not-found (no ROA covers the route)";
			c->notfound++;
			textlist_add(c->notfound_l, item);
			break;
		}
		off += (size_t)snprintf(line + off, cap - off, "; %s %s%s%s%s",
		    origin_name(rt.origins[o], oname), state, rov.nvrps > 0 ? " (" : "", vrps,
		    rov.nvrps > 0 ? ")" : "");
	}
	if (rt.norigins == 0) {
		/* A route without an origin (an empty AS path): nothing matches it. */
		c->notfound++;
		textlist_add(c->notfound_l, who);
		if (off < cap)
			snprintf(line + off, cap - off, "; no origin AS");
	}
	dnsev_add(evv, key, "%s", line);
	rc = 0;
out:
	free(line);
	return rc;
}

/* The evidence every verdict of a set carries about the tables. */
static void
tables_ev(struct dnswork *w, struct dnsev *ev)
{
	struct vrp_status vs;
	struct routes_status rs;
	static const char *const fmt[] = { "auto", "pfx2as", "bgpdump", "mrt" };
	uint64_t now = (uint64_t)time(NULL);

	vrp_status(w->src->vrps, &vs);
	routes_status(w->src->routes, &rs);
	if (strncmp(vs.source, "rtr", 3) == 0)
		dnsev_add(ev, "vrp_table", "%s: %llu VRPs, serial %u, %llu s old%s%s", vs.source,
		    (unsigned long long)vs.vrps, (unsigned)vs.serial,
		    (unsigned long long)vs.age_s, vs.why[0] != '\0' ? "; " : "", vs.why);
	else
		dnsev_add(ev, "vrp_table", "%s: %llu VRPs, %llu s old%s%s", vs.source,
		    (unsigned long long)vs.vrps, (unsigned long long)vs.age_s,
		    vs.why[0] != '\0' ? "; " : "", vs.why);
	dnsev_add(ev, "route_table", "%s (%s): %llu prefixes, loaded %llu s ago%s%s", rs.file,
	    (unsigned)rs.format < sizeof(fmt) / sizeof(fmt[0]) ? fmt[rs.format] : "?",
	    (unsigned long long)rs.routes, (unsigned long long)(now > rs.loaded_at ?
	    now - rs.loaded_at : 0), rs.why[0] != '\0' ? "; last reload failed: " : "", rs.why);
}

/* One set: gathers its addresses, judges each, and gives its tests their verdicts. */
static int
run_set(struct dnswork *w, enum rpki_set s, Peil__Result *res[TEST_COUNT],
    bool done[TEST_COUNT])
{
	struct rpki_hosts *h = NULL;
	struct rpki_count c = { 0 };
	struct dnsev evx = { 0 }, evv = { 0 };
	char why[256], *note = NULL, *vnote = NULL;
	const char *xr = NULL, *vr = NULL;
	int xs, vs, rc;

	if ((h = calloc(1, sizeof(*h))) == NULL || (c.missing_l = calloc(1,
	    sizeof(struct textlist))) == NULL || (c.invalid_l = calloc(1,
	    sizeof(struct textlist))) == NULL || (c.notfound_l = calloc(1,
	    sizeof(struct textlist))) == NULL || (c.unrouted_l = calloc(1,
	    sizeof(struct textlist))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((rc = hosts_gather(w, s, h)) != 0)
		goto out;
	if (h->none_reason == NULL && h->naddr == 0)
		h->none_reason = "no address";
	if (h->none_reason != NULL) {
		/* The run's time out before anything was found: fail_rest says so. */
		if (h->none_status == PEIL__STATUS__ERROR && w->budget_out)
			goto out;
		rc = set_apply(s, &h->ev, res, done, true, true, h->none_status, h->none_reason);
		goto out;
	}
	dnsev_copy(&evx, &h->ev);
	tables_ev(w, &evx);
	dnsev_copy(&evv, &evx);
	for (size_t i = 0; i < h->naddr; i++) {
		why[0] = '\0';
		rc = judge_addr(w, &h->addr[i], i, &evx, &evv, &c, why, sizeof(why));
		if (rc == PEIL_ENOMEM)
			goto out;
		if (rc != 0) {
			/* The table went stale (or broke) while judging: nothing here is decided. */
			char msg[320];

			snprintf(msg, sizeof(msg), "%s", why[0] != '\0' ? why : peil_strerror(rc));
			rc = set_apply(s, &evx, res, done, true, false, PEIL__STATUS__ERROR, msg);
			if (rc == 0)
				rc = set_apply(s, &evv, res, done, false, true, PEIL__STATUS__ERROR,
				    msg);
			goto out;
		}
	}
	/* Exists: every address covered by a ROA. */
	if (c.missing > 0) {
		xs = PEIL__STATUS__FAILED;
		if (asprintf(&note, "%zu of %zu address(es) without a ROA: %s", c.missing, h->naddr,
		    c.missing_l->buf) < 0)
			evx.nomem = true;
		xr = note;
	} else if (h->failed > 0) {
		xs = PEIL__STATUS__ERROR;
		xr = w->budget_out ? MSG_BUDGET : "some address lookups failed; the addresses found "
		    "are covered by ROAs";
	} else {
		xs = PEIL__STATUS__PASSED;
	}
	/* Valid: invalid fails, then not-found; unrouted addresses are not judged. */
	if (c.unrouted > 0)
		dnsev_add(&evv, "unrouted", "%s", c.unrouted_l->buf);
	if (c.invalid > 0) {
		vs = PEIL__STATUS__FAILED;
		if (asprintf(&vnote, "%zu route origin(s) RPKI-invalid: %s", c.invalid,
		    c.invalid_l->buf) < 0)
			evv.nomem = true;
		vr = vnote;
	} else if (c.notfound > 0) {
		vs = PEIL__STATUS__FAILED;
		if (asprintf(&vnote, "%zu route origin(s) not-found (no ROA covers the route): %s",
		    c.notfound, c.notfound_l->buf) < 0)
			evv.nomem = true;
		vr = vnote;
	} else if (h->failed > 0) {
		vs = PEIL__STATUS__ERROR;
		vr = w->budget_out ? MSG_BUDGET : "some address lookups failed; the routes found "
		    "are RPKI-valid";
	} else if (c.routed == 0) {
		vs = PEIL__STATUS__NOT_TESTED;
		vr = "no address is routed in this vantage's table: nothing to validate";
	} else {
		vs = PEIL__STATUS__PASSED;
	}
	rc = set_apply(s, &evx, res, done, true, false, xs, xr);
	if (rc == 0)
		rc = set_apply(s, &evv, res, done, false, true, vs, vr);
out:
	if (h != NULL)
		dnsev_clear(&h->ev);
	dnsev_clear(&evx);
	dnsev_clear(&evv);
	free(note);
	free(vnote);
	free(c.missing_l);
	free(c.invalid_l);
	free(c.notfound_l);
	free(c.unrouted_l);
	free(h);
	return rc;
}

int
probe_rpki_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	int rc = 0;

	(void)mx;
	(void)web;
	/* probe_rpki_vantage has judged every test when a table is missing. */
	if (w->src->vrps == NULL || w->src->routes == NULL)
		return 0;
	for (int s = 0; s < SET_COUNT && rc == 0; s++)
		if (rpki_wanted((enum rpki_set)s, done) && dnswork_budget_left(w))
			rc = run_set(w, (enum rpki_set)s, res, done);
	return rc;
}
