/* rpki_bench.c: the RPKI benchmark's measuring half (tests/bench/rpki runs it): the VRP
 * table's initial sync from an RTR cache, RSS with the VRP table and the route-origin table
 * loaded, and route origin validations per second on one core beside RTRlib's own
 * pfx_table_validate on the same VRPs.
 *   usage: rpki_bench CACHE VRP_FILE ROUTE_FILE [QUERIES]   (CACHE serves VRP_FILE) */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rtrlib/rtrlib.h>

#include "err.h"
#include "ipprefix.h"
#include "limits.h"
#include "routes.h"
#include "rtr.h"

#define GOAL_SYNC_S   15.0
#define GOAL_RSS_MIB  256.0
#define GOAL_RATE     1000000.0
#define RUNS          5

struct query {
	int family;
	uint8_t addr[16];
	struct ipprefix prefix;   /* the route found for addr, and its first origin */
	uint32_t origin;
	struct lrtr_ip_addr la;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
status_mib(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	double kb = 0;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			kb = strtod(line + strlen(key), NULL);
	if (f != NULL)
		fclose(f);
	return kb / 1024.0;
}

static void
to_lrtr(const struct ipprefix *p, struct lrtr_ip_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (p->family == 4) {
		a->ver = LRTR_IPV4;
		a->u.addr4.addr = (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 |
		    (uint32_t)p->addr[2] << 8 | p->addr[3];
	} else {
		a->ver = LRTR_IPV6;
		for (int i = 0; i < 4; i++)
			a->u.addr6.addr[i] = (uint32_t)p->addr[4 * i] << 24 |
			    (uint32_t)p->addr[4 * i + 1] << 16 | (uint32_t)p->addr[4 * i + 2] << 8 |
			    p->addr[4 * i + 3];
	}
}

static int
add_ref(const struct vrp *v, void *arg)
{
	struct pfx_record r = { 0 };

	r.asn = v->asn;
	to_lrtr(&v->prefix, &r.prefix);
	r.min_len = v->prefix.len;
	r.max_len = v->max_len;
	pfx_table_add(arg, &r);
	return 0;
}

static uint8_t *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "rpki_bench: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
median(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double x = v[j];

			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	return v[n / 2];
}

static const char *
met(bool ok)
{
	return ok ? "met" : "NOT met";
}

int
main(int argc, char **argv)
{
	struct vrp_conf vc = { .max_age_s = 3600, .sync_ms = 120000 };
	struct routes_conf rc = { 0 };
	struct vrp_table *t;
	struct routes *rt;
	struct vrp_status st;
	struct routes_status rs;
	struct pfx_table ref;
	struct query *q;
	char err[256] = "";
	size_t nq = argc > 4 ? strtoul(argv[4], NULL, 10) : 1000000, vlen;
	double t0, sync_s, rss0, rss_vrp, rss_both, load_s;
	double r_ref[RUNS], r_ref_r[RUNS], r_vrp[RUNS], r_look[RUNS], r_both[RUNS];
	uint64_t sink = 0, nstates[3] = { 0 };
	uint8_t *vbuf;
	cpu_set_t one;

	if (argc < 4) {
		fprintf(stderr, "usage: rpki_bench CACHE VRP_FILE ROUTE_FILE [QUERIES]\n");
		return 2;
	}
	/* one core */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one);

	rss0 = status_mib("VmRSS:");
	vc.caches = argv[1];
	t0 = now_s();
	if ((t = vrp_open(&vc, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rpki_bench: %s\n", err);
		return 1;
	}
	sync_s = now_s() - t0;
	vrp_status(t, &st);
	if (!st.synced) {
		fprintf(stderr, "rpki_bench: not synced: %s\n", st.why);
		return 1;
	}
	rss_vrp = status_mib("VmRSS:");
	printf("initial sync: %" PRIu64 " VRPs from %s in %.2f s (goal <= %.0f s: %s)\n", st.vrps,
	    argv[1], sync_s, GOAL_SYNC_S, met(sync_s <= GOAL_SYNC_S));
	printf("RSS with the VRP table: %.1f MiB (%.1f MiB over the %.1f MiB before it); peak so "
	    "far %.1f MiB\n", rss_vrp, rss_vrp - rss0, rss0, status_mib("VmHWM:"));

	rc.file = argv[3];
	t0 = now_s();
	if ((rt = routes_open(&rc, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rpki_bench: %s\n", err);
		return 1;
	}
	load_s = now_s() - t0;
	routes_status(rt, &rs);
	rss_both = status_mib("VmRSS:");
	printf("route-origin table: %" PRIu64 " routes loaded in %.2f s\n", rs.routes, load_s);
	printf("RSS with both tables: %.1f MiB (goal <= %.0f MiB: %s); peak so far %.1f MiB\n",
	    rss_both, GOAL_RSS_MIB, met(rss_both <= GOAL_RSS_MIB), status_mib("VmHWM:"));

	/* Queries: an address inside a route (random route, random host bits), its route and
	 * first origin. */
	{
		FILE *f = fopen(argv[3], "r");
		char line[256];
		struct ipprefix *pf = NULL;
		size_t n = 0, cap = 0;

		while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
			char a[64];
			unsigned len;
			char *tab = strchr(line, '\t');

			if (tab == NULL || (size_t)(tab - line) >= sizeof(a))
				continue;
			memcpy(a, line, (size_t)(tab - line));
			a[tab - line] = '\0';
			len = (unsigned)strtoul(tab + 1, NULL, 10);
			snprintf(a + strlen(a), sizeof(a) - strlen(a), "/%u", len);
			if (n == cap) {
				cap = cap ? cap * 2 : 1 << 20;
				pf = realloc(pf, cap * sizeof(*pf));
			}
			if (ipprefix_parse(a, strlen(a), false, &pf[n], NULL, 0) == 0)
				n++;
		}
		if (f != NULL)
			fclose(f);
		q = calloc(nq, sizeof(*q));
		for (size_t i = 0; i < nq; i++) {
			struct ipprefix *p = &pf[next_rand() % n];
			struct route r;
			unsigned bytes = p->family == 4 ? 4 : 16;

			q[i].family = p->family;
			memcpy(q[i].addr, p->addr, bytes);
			for (unsigned b = p->len; b < bytes * 8; b++)
				if (next_rand() & 1)
					q[i].addr[b / 8] |= (uint8_t)(0x80u >> (b % 8));
			if (routes_lookup(rt, p->family, q[i].addr, &r) != 0) {
				fprintf(stderr, "rpki_bench: no route for a query\n");
				return 1;
			}
			q[i].prefix = r.prefix;
			q[i].origin = r.origins[0];
			to_lrtr(&r.prefix, &q[i].la);
		}
		free(pf);
	}

	/* RTRlib's own table from the same VRPs, the reference */
	vbuf = read_all(argv[2], &vlen);
	pfx_table_init(&ref, NULL);
	if (vrp_file_parse(vbuf, vlen, argv[2], add_ref, &ref, err, sizeof(err)) != 0) {
		fprintf(stderr, "rpki_bench: %s\n", err);
		return 1;
	}
	free(vbuf);

	/* our answers against RTRlib's on the same VRPs, every query */
	{
		size_t differ = 0;

		for (size_t i = 0; i < nq; i++) {
			enum pfxv_state ps;
			struct rov ro;

			pfx_table_validate(&ref, q[i].origin, &q[i].la, q[i].prefix.len, &ps);
			if (vrp_validate(t, &q[i].prefix, q[i].origin, &ro, err, sizeof(err)) != 0 ||
			    (ps == BGP_PFXV_STATE_VALID) != (ro.state == ROV_VALID) ||
			    (ps == BGP_PFXV_STATE_INVALID) != (ro.state == ROV_INVALID))
				differ++;
		}
		printf("cross-check: %zu of %zu answers differ from RTRlib's\n", differ, nq);
		if (differ != 0)
			return 1;
	}
	for (int run = 0; run < RUNS; run++) {
		double s;

		s = now_s();
		for (size_t i = 0; i < nq; i++) {
			enum pfxv_state ps;

			pfx_table_validate(&ref, q[i].origin, &q[i].la, q[i].prefix.len, &ps);
			sink += ps;
		}
		r_ref[run] = (double)nq / (now_s() - s);

		s = now_s();
		for (size_t i = 0; i < nq; i++) {
			struct pfx_record *reason = NULL;
			unsigned rlen = 0;
			enum pfxv_state ps;

			pfx_table_validate_r(&ref, &reason, &rlen, q[i].origin, &q[i].la,
			    q[i].prefix.len, &ps);
			sink += ps + rlen;
			free(reason);
		}
		r_ref_r[run] = (double)nq / (now_s() - s);

		s = now_s();
		for (size_t i = 0; i < nq; i++) {
			struct rov ro;

			if (vrp_validate(t, &q[i].prefix, q[i].origin, &ro, err, sizeof(err)) != 0) {
				fprintf(stderr, "rpki_bench: %s\n", err);
				return 1;
			}
			if (run == 0)
				nstates[ro.state]++;
			sink += ro.state;
		}
		r_vrp[run] = (double)nq / (now_s() - s);

		s = now_s();
		for (size_t i = 0; i < nq; i++) {
			struct route r;

			sink += (uint64_t)routes_lookup(rt, q[i].family, q[i].addr, &r) + r.norigins;
		}
		r_look[run] = (double)nq / (now_s() - s);

		s = now_s();
		for (size_t i = 0; i < nq; i++) {
			struct route r;
			struct rov ro;

			if (routes_lookup(rt, q[i].family, q[i].addr, &r) != 0)
				continue;
			for (size_t o = 0; o < r.norigins; o++) {
				vrp_validate(t, &r.prefix, r.origins[o], &ro, err, sizeof(err));
				sink += ro.state;
			}
		}
		r_both[run] = (double)nq / (now_s() - s);
	}
	printf("queries: %zu addresses in routes: %" PRIu64 " valid, %" PRIu64 " invalid, %"
	    PRIu64 " not found (median of %d runs, one core)\n", nq, nstates[ROV_VALID],
	    nstates[ROV_INVALID], nstates[ROV_NOT_FOUND], RUNS);
	{
		double ref_m = median(r_ref, RUNS), ref_r_m = median(r_ref_r, RUNS);
		double vrp_m = median(r_vrp, RUNS), look_m = median(r_look, RUNS);
		double both_m = median(r_both, RUNS);

		printf("RTRlib pfx_table_validate (reference):   %10.0f /s\n", ref_m);
		printf("RTRlib pfx_table_validate_r (reasons):   %10.0f /s\n", ref_r_m);
		printf("vrp_validate (with evidence):            %10.0f /s  (%.2f x the reference)\n",
		    vrp_m, vrp_m / ref_m);
		printf("routes_lookup:                           %10.0f /s\n", look_m);
		printf("route origin validations (lookup + vrp_validate): %.0f /s (goal >= %.0f /s: "
		    "%s)\n", both_m, GOAL_RATE, met(both_m >= GOAL_RATE));
	}
	pfx_table_free(&ref);
	routes_close(rt);
	vrp_close(t);
	free(q);
	return sink == 42 ? 3 : 0;
}
