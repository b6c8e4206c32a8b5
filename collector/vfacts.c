/* vfacts.c: the vantages' facts per round for the consensus (vfacts.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "vfacts.h"

static int
vfacts_agent_cb(const struct store_agent *a, void *arg)
{
	struct vfacts *c = arg;

	if (c->nagents == c->capagents) {
		size_t cap = c->capagents ? c->capagents * 2 : 16;
		struct vfacts_agent *na = realloc(c->agents, cap * sizeof(*na));

		if (na == NULL)
			return PEIL_ENOMEM;
		c->agents = na;
		c->capagents = cap;
	}
	snprintf(c->agents[c->nagents].name, sizeof(c->agents[0].name), "%s", a->name);
	c->agents[c->nagents].ipv6 = a->ipv6;
	c->nagents++;
	return 0;
}

void
vfacts_free(struct vfacts *c)
{
	store_view_free(c->view);
	free(c->agents);
	for (size_t i = 0; i < VFACTS_ROUNDS_CACHED; i++)
		free(c->rounds[i].v);
	memset(c, 0, sizeof(*c));
}

int
vfacts_open(struct vfacts *c, struct store *s)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->s = s;
	if ((rc = store_view_open(s, &c->view)) != 0 ||
	    (rc = store_agents_each(s, vfacts_agent_cb, c)) != 0)
		vfacts_free(c);
	return rc;
}

bool
vfacts_hello_ipv6(const struct vfacts *c, const char *name)
{
	for (size_t i = 0; i < c->nagents; i++)
		if (strcmp(c->agents[i].name, name) == 0)
			return c->agents[i].ipv6;
	return false;
}

struct vfacts_vantage *
vfacts_find(struct vfacts_round *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

/* The vantage's entry in round r, added when missing; NULL on out of memory. */
static struct vfacts_vantage *
vfacts_vantage_add(struct vfacts_round *r, const char *name)
{
	struct vfacts_vantage *v = vfacts_find(r, name);

	if (v != NULL)
		return v;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;

		if ((v = realloc(r->v, cap * sizeof(*v))) == NULL)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	v = &r->v[r->n++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->self_ipv6 = v->self_rov = -1;
	return v;
}

static int
vfacts_self_cb(const Peil__Result *res, void *arg)
{
	struct vfacts_vantage *v = vfacts_vantage_add(arg, res->vantage);

	if (v == NULL)
		return PEIL_ENOMEM;
	if (strcmp(res->test_id, "vantage_ipv6") == 0)
		v->self_ipv6 = (int)res->status;
	else if (strcmp(res->test_id, "vantage_rov") == 0)
		v->self_rov = (int)res->status;
	return 0;
}

static bool
vfacts_want_ipv6(const char *test_id, void *arg)
{
	(void)arg;
	return consensus_ipv6_test(test_id);
}

/* Whether some vantage of the round says vantage_ipv6 passed while every IPv6 reachability
 * result of it read so far is error (or none is read yet): the scan must go on. */
static bool
vfacts_suspects(const struct vfacts_round *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].self_ipv6 == PEIL__STATUS__PASSED && r->v[i].v6_errors == r->v[i].v6_tests)
			return true;
	return false;
}

#define VFACTS_CLEARED 1    /* vfacts_lie_cb: every suspect has a result that is not error */

static int
vfacts_lie_cb(const Peil__Result *res, void *arg)
{
	struct vfacts_round *r = arg;
	struct vfacts_vantage *v;
	bool cleared;

	if (res->domain[0] == '\0')
		return 0;
	if ((v = vfacts_vantage_add(r, res->vantage)) == NULL)
		return PEIL_ENOMEM;
	cleared = v->self_ipv6 == PEIL__STATUS__PASSED && v->v6_errors == v->v6_tests &&
	    res->status != PEIL__STATUS__ERROR;
	v->v6_tests++;
	if (res->status == PEIL__STATUS__ERROR)
		v->v6_errors++;
	/* A lie needs every result to be error: the first that is not clears the vantage. Once
	 * none is left to suspect, the rest of the round need not be read (an honest round
	 * stops at its first domains; only a lying vantage costs a walk over the round). */
	return cleared && !vfacts_suspects(r) ? VFACTS_CLEARED : 0;
}

/* The vantages' facts of round `id` (its self-tests; with `lies`, their IPv6 reachability
 * results too), read once and kept among the VFACTS_ROUNDS_CACHED last. */
int
vfacts_round(struct vfacts *c, uint64_t id, bool lies, struct vfacts_round **out)
{
	struct vfacts_round *r = NULL;
	struct store_sel sel = { id, "", NULL, NULL, NULL };
	int rc;

	for (size_t i = 0; i < VFACTS_ROUNDS_CACHED && r == NULL; i++)
		if (c->rounds[i].id == id && id != 0)
			r = &c->rounds[i];
	if (r == NULL) {
		r = &c->rounds[c->next];
		c->next = (c->next + 1) % VFACTS_ROUNDS_CACHED;
		r->id = id;
		r->n = 0;
		r->lies_read = false;
		if (id != 0 && (rc = store_view_round(c->view, &sel, vfacts_self_cb, r)) != 0) {
			r->id = 0;
			return rc;
		}
	}
	if (lies && !r->lies_read && id != 0 && vfacts_suspects(r)) {
		sel = (struct store_sel){ id, NULL, NULL, vfacts_want_ipv6, NULL };
		rc = store_view_round(c->view, &sel, vfacts_lie_cb, r);
		if (rc != 0 && rc != VFACTS_CLEARED) {
			r->id = 0;
			return rc;
		}
	}
	if (lies)
		r->lies_read = true;
	*out = r;
	return 0;
}

/* The vote of `vantage` that said `status` (its facts in round r). */
void
vfacts_vote(const struct vfacts *c, struct vfacts_round *r, const char *vantage, int status,
    struct consensus_vote *v)
{
	const struct vfacts_vantage *q = vfacts_find(r, vantage);

	memset(v, 0, sizeof(*v));
	v->vantage = vantage;
	v->status = status;
	v->self_ipv6 = q != NULL ? q->self_ipv6 : -1;
	v->hello_ipv6 = vfacts_hello_ipv6(c, vantage);
}

/* The lying-vantage flag of `name` in round r (lies read), into buf; false when none. */
bool
vfacts_lie(struct vfacts_round *r, const char *name, char *buf, size_t len)
{
	const struct vfacts_vantage *q = vfacts_find(r, name);

	if (q == NULL || !consensus_vantage_lies(q->self_ipv6, q->v6_tests, q->v6_errors))
		return false;
	consensus_lie_text(name, q->v6_tests, buf, len);
	return true;
}

/* "a=passed b=failed" of the eligible votes, malloc'd; NULL on out of memory. */
char *
vfacts_who(const struct consensus_vote *v, size_t n)
{
	size_t len = consensus_who(v, n, NULL, 0);
	char *who = malloc(len + 1);

	if (who != NULL)
		consensus_who(v, n, who, len + 1);
	return who;
}
