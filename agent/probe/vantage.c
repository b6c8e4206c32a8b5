/* vantage.c: the vantage self-tests (vantage_ipv6, vantage_rov), once per agent and round,
 * with an empty domain: TCP connects to configured beacons through the reach engine. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalogue.h"
#include "dnsev.h"
#include "err.h"
#include "reach.h"
#include "vantage.h"

#define G_VANTAGE "peil"

int
vantage_beacons_parse(const char *s, bool want6, struct beacon out[MAX_BEACONS], size_t *n,
    char *why, size_t whylen)
{
	const char *p = s;

	*n = 0;
	if (s == NULL)
		return 0;
	for (;;) {
		const char *tok, *end, *colon, *a, *ae;
		char host[64], port[8];
		unsigned char buf[16];
		unsigned long v;
		char *pe;
		bool v6;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		tok = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		end = p;
		if (*n == MAX_BEACONS) {
			snprintf(why, whylen, "more than %d beacons (MAX_BEACONS)", MAX_BEACONS);
			return PEIL_EINVAL;
		}
		if (*tok == '[') {
			a = tok + 1;
			if ((ae = memchr(a, ']', (size_t)(end - a))) == NULL || ae + 1 >= end ||
			    ae[1] != ':') {
				snprintf(why, whylen, "'%.*s': an IPv6 beacon is [ADDR]:PORT",
				    (int)(end - tok > 80 ? 80 : end - tok), tok);
				return PEIL_EINVAL;
			}
			colon = ae + 1;
			v6 = true;
		} else {
			a = tok;
			colon = NULL;
			for (const char *c = tok; c < end; c++)
				if (*c == ':')
					colon = c;
			ae = colon;
			v6 = false;
			if (colon == NULL || memchr(tok, ':', (size_t)(colon - tok)) != NULL) {
				snprintf(why, whylen, "'%.*s': a beacon is ADDR:PORT (IPv6: "
				    "[ADDR]:PORT)", (int)(end - tok > 80 ? 80 : end - tok), tok);
				return PEIL_EINVAL;
			}
		}
		if ((size_t)(ae - a) >= sizeof(host) || (size_t)(end - colon - 1) >= sizeof(port) ||
		    end - colon - 1 == 0) {
			snprintf(why, whylen, "'%.*s': address or port too long or missing",
			    (int)(end - tok > 80 ? 80 : end - tok), tok);
			return PEIL_EINVAL;
		}
		memcpy(host, a, (size_t)(ae - a));
		host[ae - a] = '\0';
		memcpy(port, colon + 1, (size_t)(end - colon - 1));
		port[end - colon - 1] = '\0';
		v = strtoul(port, &pe, 10);
		if (*pe != '\0' || port[0] < '0' || port[0] > '9' || v == 0 || v > 65535) {
			snprintf(why, whylen, "'%.*s': port must be 1..65535",
			    (int)(end - tok > 80 ? 80 : end - tok), tok);
			return PEIL_EINVAL;
		}
		if (inet_pton(v6 ? AF_INET6 : AF_INET, host, buf) != 1) {
			snprintf(why, whylen, "'%s': not a numeric %s address", host,
			    v6 ? "IPv6" : "IPv4");
			return PEIL_EINVAL;
		}
		if (want6 && !v6) {
			snprintf(why, whylen, "'%s': not an IPv6 address ([ADDR]:PORT)", host);
			return PEIL_EINVAL;
		}
		snprintf(out[*n].addr, sizeof(out[*n].addr), "%s", host);
		out[*n].port = (uint16_t)v;
		out[*n].v6 = v6;
		(*n)++;
	}
	return 0;
}

int
vantage_check(const struct vantage_conf *vc, char *why, size_t whylen)
{
	struct beacon b6[MAX_BEACONS], bv[MAX_BEACONS], bi[MAX_BEACONS];
	size_t n6, nv, ni;
	char e[200];

	if (vantage_beacons_parse(vc->ipv6_beacons, true, b6, &n6, e, sizeof(e)) != 0) {
		snprintf(why, whylen, "vantage.ipv6_beacons: %s", e);
		return PEIL_EINVAL;
	}
	if (vantage_beacons_parse(vc->rov_valid, false, bv, &nv, e, sizeof(e)) != 0) {
		snprintf(why, whylen, "vantage.rov_valid: %s", e);
		return PEIL_EINVAL;
	}
	if (vantage_beacons_parse(vc->rov_invalid, false, bi, &ni, e, sizeof(e)) != 0) {
		snprintf(why, whylen, "vantage.rov_invalid: %s", e);
		return PEIL_EINVAL;
	}
	if (nv != ni) {
		snprintf(why, whylen, "vantage.rov_invalid: %zu beacons for %zu in rov_valid; each "
		    "invalid beacon needs its valid twin, in the same order", ni, nv);
		return PEIL_EINVAL;
	}
	for (size_t i = 0; i < nv; i++)
		if (bv[i].v6 != bi[i].v6) {
			snprintf(why, whylen, "vantage.rov_invalid: beacon %zu (%s) and its twin "
			    "in rov_valid (%s) are of different address families", i + 1,
			    bi[i].addr, bv[i].addr);
			return PEIL_EINVAL;
		}
	return 0;
}

/* "[ADDR]:PORT" or "ADDR:PORT". */
static void
beacon_text(const struct beacon *b, char *out, size_t len)
{
	snprintf(out, len, b->v6 ? "[%s]:%u" : "%s:%u", b->addr, (unsigned)b->port);
}

static void
item_line(const struct beacon *b, const struct reach_item *it, char *out, size_t len)
{
	char t[80];

	beacon_text(b, t, sizeof(t));
	if (it->ok)
		snprintf(out, len, "%s: connected in %u ms", t, it->ms);
	else
		snprintf(out, len, "%s: %s", t, it->why[0] != '\0' ? it->why : "no connection");
}

/* A new result of test id, empty domain, appended to out; NULL on out of memory. */
static Peil__Result *
vantage_result(const char *id, uint64_t round_id, struct result_set *out)
{
	Peil__Result *r = result_new("", id, PEIL__STATUS__NOT_TESTED, G_VANTAGE);
	struct timespec ts;

	if (r == NULL)
		return NULL;
	r->round_id = round_id;
	clock_gettime(CLOCK_REALTIME, &ts);
	r->measured_at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (result_set_add(out, r) != 0)
		return NULL;
	return r;
}

/* Sets status, reason (first) and the evidence gathered. Returns 0 or PEIL_ENOMEM. */
static int
verdict(struct dnsev *ev, Peil__Result *r, int status, const char *reason)
{
	int rc = dnsev_apply(ev, r, status, reason);

	dnsev_clear(ev);
	return rc;
}

/* The connects of n beacons at once; a configuration already checked. */
static int
beacons_try(const struct beacon *b, size_t n, unsigned timeout_ms, struct reach_item *items)
{
	for (size_t i = 0; i < n; i++) {
		memset(&items[i], 0, sizeof(items[i]));
		snprintf(items[i].addr, sizeof(items[i].addr), "%s", b[i].addr);
		items[i].port = b[i].port;
	}
	return n > 0 ? reach_run(REACH_TCP, items, n, NULL, 0, timeout_ms) : 0;
}

static int
run_ipv6(const struct vantage_conf *vc, Peil__Result *r)
{
	struct beacon b[MAX_BEACONS];
	struct reach_item items[MAX_BEACONS];
	char why[200], line[300];
	struct dnsev ev = { 0 };
	size_t n, ok = 0;
	int rc;

	if (!vc->ipv6)
		return verdict(&ev, r, PEIL__STATUS__FAILED, "IPv6 is off in this agent's "
		    "configuration (resolver.ipv6 = no)");
	if (vantage_beacons_parse(vc->ipv6_beacons, true, b, &n, why, sizeof(why)) != 0) {
		dnsev_add(&ev, "beacons", "%s", why);
		return verdict(&ev, r, PEIL__STATUS__ERROR, "vantage.ipv6_beacons does not parse");
	}
	if (n == 0)
		return verdict(&ev, r, PEIL__STATUS__NOT_TESTED, "no IPv6 beacon configured "
		    "(vantage.ipv6_beacons)");
	if ((rc = beacons_try(b, n, vc->timeout_ms, items)) != 0) {
		if (rc == PEIL_ENOMEM) {
			dnsev_clear(&ev);
			return rc;
		}
		snprintf(why, sizeof(why), "the reachability probe failed: %s", peil_strerror(rc));
		return verdict(&ev, r, PEIL__STATUS__ERROR, why);
	}
	for (size_t i = 0; i < n; i++) {
		char key[32];

		item_line(&b[i], &items[i], line, sizeof(line));
		snprintf(key, sizeof(key), "beacon_%zu", i + 1);
		dnsev_add(&ev, key, "%s", line);
		ok += items[i].ok;
	}
	if (ok > 0)
		return verdict(&ev, r, PEIL__STATUS__PASSED, NULL);
	return verdict(&ev, r, PEIL__STATUS__FAILED, n == 1 ? "the IPv6 beacon does not answer" :
	    "no IPv6 beacon answers");
}

static int
run_rov(const struct vantage_conf *vc, Peil__Result *r)
{
	struct beacon b[2 * MAX_BEACONS], bi[MAX_BEACONS];
	struct reach_item items[2 * MAX_BEACONS];
	char why[200], line[300], *reason = NULL;
	struct dnsev ev = { 0 };
	size_t nv = 0, ni = 0, n = 0, pair[MAX_BEACONS], npairs = 0;
	size_t judged = 0, answers = 0, silent = 0;
	int rc;

	if (vantage_beacons_parse(vc->rov_valid, false, b, &nv, why, sizeof(why)) != 0 ||
	    vantage_beacons_parse(vc->rov_invalid, false, bi, &ni, why, sizeof(why)) != 0 ||
	    nv != ni) {
		if (nv != ni)
			snprintf(why, sizeof(why), "%zu valid and %zu invalid beacons", nv, ni);
		dnsev_add(&ev, "beacons", "%s", why);
		return verdict(&ev, r, PEIL__STATUS__ERROR, "vantage.rov_valid / rov_invalid do "
		    "not parse as twins");
	}
	if (nv == 0)
		return verdict(&ev, r, PEIL__STATUS__NOT_TESTED, "no ROV beacons configured "
		    "(vantage.rov_valid, vantage.rov_invalid)");
	/* The pairs of a family this vantage uses: valid ones first, then their twins. */
	for (size_t i = 0; i < nv; i++) {
		char t[80];

		if ((b[i].v6 && !vc->ipv6) || (!b[i].v6 && !vc->ipv4)) {
			beacon_text(&b[i], t, sizeof(t));
			dnsev_add(&ev, "skipped", "%s and its twin: this vantage has no %s", t,
			    b[i].v6 ? "IPv6" : "IPv4");
			continue;
		}
		pair[npairs++] = i;
	}
	if (npairs == 0)
		return verdict(&ev, r, PEIL__STATUS__NOT_TESTED, "no ROV beacon pair of an "
		    "address family this vantage uses");
	for (size_t k = 0; k < npairs; k++)
		b[n++] = b[pair[k]];
	for (size_t k = 0; k < npairs; k++)
		b[n++] = bi[pair[k]];
	if ((rc = beacons_try(b, n, vc->timeout_ms, items)) != 0) {
		if (rc == PEIL_ENOMEM) {
			dnsev_clear(&ev);
			return rc;
		}
		snprintf(why, sizeof(why), "the reachability probe failed: %s", peil_strerror(rc));
		return verdict(&ev, r, PEIL__STATUS__ERROR, why);
	}
	for (size_t k = 0; k < npairs; k++) {
		const struct reach_item *v = &items[k], *iv = &items[npairs + k];
		char key[32];

		item_line(&b[k], v, line, sizeof(line));
		snprintf(key, sizeof(key), "valid_%zu", k + 1);
		dnsev_add(&ev, key, "%s", line);
		item_line(&b[npairs + k], iv, line, sizeof(line));
		snprintf(key, sizeof(key), "invalid_%zu", k + 1);
		dnsev_add(&ev, key, "%s", line);
		if (iv->ok)
			answers++;
		else if (v->ok)
			judged++;
		else
			silent++;
	}
	if (answers > 0) {
		if (asprintf(&reason, "%zu beacon(s) on an RPKI-invalid prefix answer: this "
		    "network accepts RPKI-invalid routes", answers) < 0) {
			dnsev_clear(&ev);
			return PEIL_ENOMEM;
		}
		rc = verdict(&ev, r, PEIL__STATUS__FAILED, reason);
		free(reason);
		return rc;
	}
	if (judged == 0)
		return verdict(&ev, r, PEIL__STATUS__ERROR, "cannot judge: the valid beacon does "
		    "not answer");
	if (silent > 0)
		dnsev_add(&ev, "not_judged", "%zu pair(s) whose valid beacon does not answer "
		    "either", silent);
	return verdict(&ev, r, PEIL__STATUS__PASSED, NULL);
}

/* Whether test id is asked for. */
static bool
asked(const char *id, const char *const *tests, size_t ntests)
{
	if (ntests == 0)
		return true;
	for (size_t i = 0; i < ntests; i++)
		if (tests[i] != NULL && strcmp(tests[i], id) == 0)
			return true;
	return false;
}

bool
vantage_wanted(const char *const *tests, size_t ntests)
{
	return asked(catalogue_get(TEST_VANTAGE_IPV6)->id, tests, ntests) ||
	    asked(catalogue_get(TEST_VANTAGE_ROV)->id, tests, ntests);
}

int
vantage_run(const struct vantage_conf *vc, uint64_t round_id, const char *const *tests,
    size_t ntests, struct result_set *out)
{
	const char *v6 = catalogue_get(TEST_VANTAGE_IPV6)->id;
	const char *rov = catalogue_get(TEST_VANTAGE_ROV)->id;
	Peil__Result *r;
	int rc;

	if (asked(v6, tests, ntests)) {
		if ((r = vantage_result(v6, round_id, out)) == NULL)
			return PEIL_ENOMEM;
		if ((rc = run_ipv6(vc, r)) != 0)
			return rc;
	}
	if (asked(rov, tests, ntests)) {
		if ((r = vantage_result(rov, round_id, out)) == NULL)
			return PEIL_ENOMEM;
		if ((rc = run_rov(vc, r)) != 0)
			return rc;
	}
	return 0;
}
