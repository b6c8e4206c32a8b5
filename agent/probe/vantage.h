/* vantage.h: the vantage self-tests, judged once per agent and round and reported with an
 * empty domain: vantage_ipv6 (this vantage reaches IPv6 at all: a TCP connect to configured
 * IPv6 beacons) and vantage_rov (its network drops RPKI-invalid routes: beacons on invalid
 * prefixes unreachable while their twins on valid prefixes answer). */
#ifndef PEIL_VANTAGE_H
#define PEIL_VANTAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "result.h"

/* The spool's done-marker of a round's self-tests: a name no target can have. */
#define VANTAGE_DONE_KEY "."

struct vantage_conf {
	bool ipv4, ipv6;            /* resolver.ipv4, resolver.ipv6 */
	const char *ipv6_beacons;   /* "[ADDR]:PORT ..." IPv6 hosts that answer TCP; NULL or "":
	                             * none */
	const char *rov_valid;      /* "ADDR:PORT ..." beacons on RPKI-valid prefixes */
	const char *rov_invalid;    /* "ADDR:PORT ..." their twins on RPKI-invalid prefixes, the
	                             * i-th the twin of rov_valid's i-th */
	unsigned timeout_ms;        /* one TCP connect; 0: DEFAULT_REACH_TIMEOUT_MS */
};

struct beacon {
	char addr[64];              /* numeric */
	uint16_t port;
	bool v6;
};

/* Parses a beacon list: space-separated "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6), at most
 * MAX_BEACONS; NULL or "" is none. want6: every one must be IPv6. Returns 0 with *n set, or
 * PEIL_EINVAL with the reason in why. */
int vantage_beacons_parse(const char *s, bool want6, struct beacon out[MAX_BEACONS], size_t *n,
    char *why, size_t whylen);

/* Checks the configuration's beacon lists (each parses; rov_valid and rov_invalid are twins:
 * as many of each, a twin of the same family). Returns 0 or PEIL_EINVAL with
 * "vantage.KEY: reason" in why. */
int vantage_check(const struct vantage_conf *vc, char *why, size_t whylen);

/* Whether the test list (as probe_domain takes it; ntests 0: all) names a self-test. */
bool vantage_wanted(const char *const *tests, size_t ntests);

/* Judges the self-tests asked for (the ids in tests, as probe_domain takes them; ntests 0:
 * both; ids of other tests are ignored) and appends their results (empty domain, round_id,
 * measured now, guideline "peil") to out. Bounded: every beacon is tried at once, each connect
 * by timeout_ms. Returns 0, or PEIL_ENOMEM (out may then hold part of the results). */
int vantage_run(const struct vantage_conf *vc, uint64_t round_id, const char *const *tests,
    size_t ntests, struct result_set *out);

#endif
