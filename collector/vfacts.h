/* vfacts.h: what the consensus needs to know of the vantages in a round (docs/consensus.md):
 * their self-tests, their Hello's IPv6 fact, and the lying-vantage rule; read through a
 * store_view and kept for the VFACTS_ROUNDS_CACHED rounds asked last. show, export, agents
 * (query.c) and the report's judgement (judge.c) take their votes from here. */
#ifndef PEIL_VFACTS_H
#define PEIL_VFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus.h"
#include "limits.h"
#include "store.h"

#define VFACTS_ROUNDS_CACHED 8     /* rounds whose vantage facts a query keeps at once */

/* One vantage in one round: its self-tests, and its IPv6 reachability results (the lie). */
struct vfacts_vantage {
	char name[MAX_AGENT_NAME_LEN + 1];
	int self_ipv6, self_rov;       /* statuses of its self-tests that round; -1: none */
	uint64_t v6_tests, v6_errors;  /* its IPv6 reachability results of the round, errors */
};

struct vfacts_round {
	uint64_t id;                   /* 0: an empty slot */
	struct vfacts_vantage *v;
	size_t n, cap;
	bool lies_read;                /* v6_tests and v6_errors are filled (for the suspects:
	                                * the vantages that say vantage_ipv6 passed) */
};

struct vfacts_agent {
	char name[MAX_AGENT_NAME_LEN + 1];
	bool ipv6;                     /* its Hello's ipv6 fact */
};

struct vfacts {
	struct store *s;
	struct store_view *view;
	struct vfacts_agent *agents;         /* in name order */
	size_t nagents, capagents;
	struct vfacts_round rounds[VFACTS_ROUNDS_CACHED];
	size_t next;                   /* the slot replaced next */
};

/* Opens the facts reader: a store_view of s (c->view, for the caller's reads too) and every
 * agent's Hello fact. Returns 0, PEIL_ENOMEM or PEIL_ESTORE; vfacts_free after a 0. */
int vfacts_open(struct vfacts *c, struct store *s);
void vfacts_free(struct vfacts *c);
/* The vantages' facts of round `id` (its self-tests; with `lies`, their IPv6 reachability
 * results too), read once and kept among the VFACTS_ROUNDS_CACHED last; *out stays valid
 * until VFACTS_ROUNDS_CACHED other rounds were asked. id 0: an empty round. */
int vfacts_round(struct vfacts *c, uint64_t id, bool lies, struct vfacts_round **out);
/* The entry of vantage `name` in round r, or NULL. */
struct vfacts_vantage *vfacts_find(struct vfacts_round *r, const char *name);
/* The Hello's IPv6 fact of agent `name` (false when unknown). */
bool vfacts_hello_ipv6(const struct vfacts *c, const char *name);
/* The vote of `vantage` (borrowed) that said `status` in round r. */
void vfacts_vote(const struct vfacts *c, struct vfacts_round *r, const char *vantage,
    int status, struct consensus_vote *v);
/* The lying-vantage flag of `name` in round r (read with lies), into buf; false when none. */
bool vfacts_lie(struct vfacts_round *r, const char *name, char *buf, size_t len);
/* "a=passed b=failed" of the eligible votes, malloc'd; NULL on out of memory. */
char *vfacts_who(const struct consensus_vote *v, size_t n);

#endif
