/* judge.h: the judgement of stored rounds, what the report and the internet.nl export print
 * (DESIGN.md §2, §6, §10; docs/report.md): per domain and test the status (the vantages'
 * consensus, consensus.h, with vfacts.h), per domain and category internet.nl's score, per
 * domain, organisation and the whole coalition whether each agreement is met, and what
 * changed since the round before. Built by one walk over each round's part of the per-round
 * index that reads statuses only (store_view_keys: no result is decoded), so it holds
 * rounds x domains x TEST_COUNT bytes and nothing of the log; a report of 12 rounds of
 * 10,000 domains holds about 10 MB. */
#ifndef PEIL_JUDGE_H
#define PEIL_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "store.h"

/* A cell: the consensus status of one (round, domain, test) as a Peil__Status (1..6), or
 * JUDGE_NONE when no vantage gave a result; JUDGE_DISAGREE is or'ed in when the eligible
 * vantages' statuses differ (consensus.h). */
#define JUDGE_NONE        0
#define JUDGE_DISAGREE    0x80
#define JUDGE_STATUS(c)   ((int)((c) & 0x7f))

/* Whether an agreement is met (by a domain, an organisation, the coalition). */
enum judge_comply {
	JUDGE_COMPLIES = 0,   /* every mandatory test of the agreement passed (docs/report.md
	                       * says how a warning counts) */
	JUDGE_FAILS = 1,      /* at least one mandatory test of it failed */
	JUDGE_UNDECIDED = 2,  /* none failed, but at least one was not judged: error, not_tested
	                       * where it applies, or no result; never shown as complying */
};

/* An organisation of the targets (store_targets_each). */
struct judge_org {
	char *name;           /* from the targets CSV: untrusted, escape it for its context */
	bool publish;         /* consent to publish its figures (the CSV's publish column) */
	size_t *domains;      /* indexes into judge.domains, in domain order */
	size_t ndomains;
};

/* One vantage in one round, for the report's vantage page. */
struct judge_vantage {
	char *name;           /* the agent's name: untrusted */
	int self_ipv6;        /* its vantage_ipv6 status that round; -1: none */
	int self_rov;         /* its vantage_rov status that round; -1: none */
	bool hello_ipv6;      /* its Hello's IPv6 fact */
	char *lie;            /* the lying-vantage flag text (consensus_lie_text); NULL: none */
	uint64_t results;     /* results of it in the round (latest per domain and test) */
	size_t domains;       /* domains it gave a result for */
};

/* One round: a cell per (domain, test). */
struct judge_round {
	uint64_t id;
	int64_t started, ended;        /* unix seconds; ended 0 while open */
	uint32_t targets;              /* targets the round was given */
	uint64_t results;              /* latest results per (domain, test, vantage) read */
	uint8_t *cell;                 /* judge.ndomains x TEST_COUNT: cell[d * TEST_COUNT + t] */
	uint8_t *nvantages;            /* per domain: vantages that gave it a result (at most 255);
	                                * 0: not measured in this round */
	size_t measured;               /* domains with a result in this round */
	size_t disagreements;          /* cells with JUDGE_DISAGREE */
	struct judge_vantage *vantages;   /* in name order */
	size_t nvantages_round;
};

struct judge {
	char **domains;                /* sorted (strcmp), unique: every target domain and every
	                                * domain measured in the rounds loaded */
	size_t ndomains;
	long *org;                     /* per domain: its organisation's index, -1: not a target
	                                * (any more) */
	struct judge_org *orgs;        /* in name order (strcmp); each has at least one domain */
	size_t norgs;
	struct judge_round *rounds;    /* oldest first; the last is the round judged */
	size_t nrounds;
	struct store *s;               /* borrowed, for judge_who */
	void *priv;                    /* judge.c's own (the vantage facts of the rounds) */
};

struct judge_opts {
	uint64_t round;                /* the round judged; 0: the newest stored */
	size_t history;                /* rounds loaded, up to and including `round`: the
	                                * trends; 0: every stored round */
	bool consensus;                /* true: cells are the vantages' consensus; false: not
	                                * used yet (reserved for a per-vantage judgement) */
};

/* Loads the judgement: the targets and organisations, then each round of the history with
 * one walk of its part of the per-round index (statuses only), deciding the consensus of
 * every (domain, test). Returns 0; PEIL_ENOENT when the store has no round or no round
 * `o->round` (err says which rounds there are); PEIL_ENOMEM, PEIL_ESTORE. A round without
 * results is loaded (measured = 0), never an error: the report says so. */
int judge_load(struct store *s, const struct judge_opts *o, struct judge **out, char *err,
    size_t errlen);
void judge_free(struct judge *j);   /* accepts NULL */

/* The index of `domain` in j->domains, or -1. */
long judge_domain(const struct judge *j, const char *domain);
/* The cell of (round index r, domain index d, test t). */
uint8_t judge_cell(const struct judge *j, size_t r, size_t d, enum catalogue_test t);

/* The categories scored (catalogue categories with at least one mandatory test, in the
 * catalogue's order of first appearance; "vantage" is never one): *n of them. */
const char *const *judge_categories(size_t *n);
/* A domain's score in `category` in round r, internet.nl's way (docs/report.md): points of
 * its mandatory tests earned over the points of those that apply, 0..100; -1 when none of
 * them applies or was judged in that round. */
int judge_score_category(const struct judge *j, size_t r, size_t d, const char *category);
/* The domain's score: the mean of its categories' scores (those that are not -1), rounded
 * down as internet.nl does; -1 when it has none. */
int judge_score(const struct judge *j, size_t r, size_t d);

/* Whether domain d meets agreement n (1..AGREEMENT_COUNT) in round r; JUDGE_UNDECIDED also
 * when the domain was not measured in that round. */
enum judge_comply judge_domain_agreement(const struct judge *j, size_t r, size_t d, unsigned n);
/* An organisation meets it when every domain of it does: FAILS when one fails, else
 * UNDECIDED when one is undecided. */
enum judge_comply judge_org_agreement(const struct judge *j, size_t r, size_t org, unsigned n);

/* Counts of one figure over domains or organisations. */
struct judge_tally {
	size_t complies, fails, undecided;
};
/* Agreement n in round r over every organisation (by_org) or every target domain. With
 * `published` only those whose organisation consents to publication (the rest: the
 * caller shows them as one anonymous aggregate, judge_tally_agreement with !published
 * minus this). */
void judge_tally_agreement(const struct judge *j, size_t r, unsigned n, bool by_org,
    bool published_only, struct judge_tally *out);

/* Adoption of one test in round r over the target domains: how many have each status
 * (index: Peil__Status 1..6; [0]: no result) and how many disagree. */
struct judge_adoption {
	size_t status[7];
	size_t disagree;
};
void judge_tally_test(const struct judge *j, size_t r, enum catalogue_test t,
    struct judge_adoption *out);

/* The change of (domain d, test t) from round r - 1 to round r: +1 newly passing (passed now,
 * another status with a result before), -1 newly failing (failed now, a result that was not
 * failed before), 0 otherwise or when r is the first round loaded. */
int judge_change(const struct judge *j, size_t r, size_t d, enum catalogue_test t);

/* Who saw what on a disagreeing (round r, domain d, test t): "a=passed b=failed" of the
 * eligible votes (consensus_who), malloc'd into *who; reads that (round, domain, test)'s
 * index entries again. Returns 0, PEIL_ENOMEM or PEIL_ESTORE. */
int judge_who(struct judge *j, size_t r, size_t d, enum catalogue_test t, char **who);

#endif
