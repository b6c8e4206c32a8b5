/* consensus.h: the consensus of the vantages on one (round, domain, test), the disagreement
 * flag, and the lying-vantage rule (docs/consensus.md, DESIGN.md §7). Pure functions over
 * arrays of per-vantage results: no store, no I/O. */
#ifndef PEIL_CONSENSUS_H
#define PEIL_CONSENSUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peil.pb-c.h"

/* What one vantage said about one (round, domain, test). */
struct consensus_vote {
	const char *vantage;   /* borrowed; its name */
	int status;            /* the Peil__Status of its result */
	int self_ipv6;         /* the status of its vantage_ipv6 self-test that round; -1: none */
	bool hello_ipv6;       /* its Hello's ipv6 fact (used when self_ipv6 gives no verdict) */
	bool eligible;         /* out (consensus_decide): the vantage can judge this test */
};

struct consensus {
	int status;            /* the consensus status (a Peil__Status) */
	bool disagree;         /* eligible vantages' statuses differ (errors included) */
	size_t eligible;       /* votes from vantages that can judge the test */
};

/* Whether test_id is an IPv6 reachability test (`*_ipv6_*_reach`, `web_ipv6_ws_similar`):
 * only vantages that have IPv6 can judge it. */
bool consensus_ipv6_test(const char *test_id);

/* Whether a vantage has IPv6 for a round: its vantage_ipv6 self-test of that round when it
 * gave a verdict (passed: yes, failed: no), else (no self-test result, or one that is
 * not_tested, error, info or warning) its Hello's ipv6 fact. */
bool consensus_has_ipv6(int self_ipv6, bool hello_ipv6);

/* The consensus over the n votes on one (round, domain, test_id), one vote per vantage.
 * Sets each vote's `eligible`; fills *out. Eligible: every vantage, except for IPv6
 * reachability tests, where only vantages with IPv6 (consensus_has_ipv6) count. Among the
 * eligible: error does not vote unless all are error; not_tested wins only when all the rest
 * are not_tested; else the status most of the rest gave, not counting not_tested, a tie going
 * to the less favourable (failed, warning, info, passed). No eligible vote: not_tested. */
void consensus_decide(const char *test_id, struct consensus_vote *v, size_t n,
    struct consensus *out);

/* Writes "a=passed b=failed": every eligible vote's vantage and status, in the order given,
 * separated by one space, into buf (always terminated when len > 0; cut when short).
 * Returns the length the whole text needs, without the terminator (as snprintf does). */
size_t consensus_who(const struct consensus_vote *v, size_t n, char *buf, size_t len);

/* The lying vantage: its vantage_ipv6 of a round passed while every one of its `tests` IPv6
 * reachability results of that round (at least one) is error (`errors` of them). */
bool consensus_vantage_lies(int self_ipv6, uint64_t tests, uint64_t errors);

/* The flag's text: "vantage NAME: vantage_ipv6 passed but all N IPv6 tests error", into buf
 * like consensus_who (NAME as given: the caller escapes what it prints). */
size_t consensus_lie_text(const char *vantage, uint64_t tests, char *buf, size_t len);

#endif
