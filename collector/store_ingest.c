/* store_ingest.c: a turn of the collector in one write transaction: Hellos and TaskRequests
 * applied to the agents' records, and result batches appended to the log (each result checked
 * against its round, the targets and the agent's cap; see store.h). */
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "result.h"
#include "store_int.h"

/* One agent's record as a turn changes it. */
struct ingest_agent {
	const char *name;
	Peil__Store__AgentRecord *old;   /* as read; NULL when new */
	Peil__Store__AgentRecord rec;    /* working copy; strings borrowed from old or desc */
	Peil__Store__AgentRound round[MAX_AGENT_ROUNDS];   /* rec.rounds, sorted by id */
	Peil__Store__AgentRound *roundp[MAX_AGENT_ROUNDS];
	char desc[MAX_DESCRIPTION_LEN + 1];
	bool dirty;
};

/* A round that results of the turn carry, as read, and what the turn adds to it. */
struct ingest_round {
	uint64_t id;
	Peil__Store__RoundRecord *rec;   /* NULL: no such round */
	uint64_t cap;
	uint64_t stored, refused;
};

struct ingest_arg {
	struct store_touch *t;
	size_t nt;
	struct store_batch *b;
	size_t nb;
	int64_t now;
	struct ingest_agent *agents;     /* nt + nb slots */
	size_t nagents;
	struct ingest_round *rounds;     /* rounds looked up in this transaction */
	size_t nrounds, caprounds;
};

const char *
store_refusal_name(enum store_refusal r)
{
	switch (r) {
	case STORE_REFUSED_NOT_GIVEN:
		return "not given";
	case STORE_REFUSED_CLOSED:
		return "round closed";
	case STORE_REFUSED_DOMAIN:
		return "not a target";
	case STORE_REFUSED_CAP:
		return "over the cap";
	default:
		return "?";
	}
}


/* The rounds kept in the record (the newest MAX_AGENT_ROUNDS), copied so a turn can change
 * them. */
static void
ingest_agent_rounds(struct ingest_agent *ag)
{
	size_t n = ag->rec.n_rounds, skip = n > MAX_AGENT_ROUNDS ? n - MAX_AGENT_ROUNDS : 0, k = 0;

	for (size_t i = skip; i < n; i++) {
		const Peil__Store__AgentRound *r = ag->rec.rounds[i];

		if (r == NULL)
			continue;
		peil__store__agent_round__init(&ag->round[k]);
		ag->round[k].round_id = r->round_id;
		ag->round[k].results = r->results;
		k++;
	}
	for (size_t i = 0; i < MAX_AGENT_ROUNDS; i++)
		ag->roundp[i] = &ag->round[i];
	ag->rec.rounds = ag->roundp;
	ag->rec.n_rounds = k;
}

static int
ingest_agent_find(struct store *s, MDB_txn *txn, struct ingest_arg *a, const char *name,
    struct ingest_agent **out)
{
	struct ingest_agent *ag;
	ProtobufCMessage *m;
	int rc;

	for (size_t i = 0; i < a->nagents; i++) {
		if (strcmp(a->agents[i].name, name) == 0) {
			*out = &a->agents[i];
			return 0;
		}
	}
	ag = &a->agents[a->nagents];
	memset(ag, 0, sizeof(*ag));
	ag->name = name;
	rc = store_rec_get(s, txn, s->agents, name, strlen(name), &peil__store__agent_record__descriptor,
	    &m);
	if (rc == 0) {
		ag->old = (Peil__Store__AgentRecord *)m;
		ag->rec = *ag->old;
	} else if (rc == PEIL_ENOENT) {
		peil__store__agent_record__init(&ag->rec);
	} else {
		return rc;
	}
	ingest_agent_rounds(ag);
	a->nagents++;
	*out = ag;
	return 0;
}

static Peil__Store__AgentRound *
ingest_agent_round(struct ingest_agent *ag, uint64_t id)
{
	for (size_t i = 0; i < ag->rec.n_rounds; i++)
		if (ag->round[i].round_id == id)
			return &ag->round[i];
	return NULL;
}

/* Records round `id` as handed to the agent; the oldest kept goes when the list is full.
 * Returns whether the record changed. */
static bool
ingest_agent_give(struct ingest_agent *ag, uint64_t id)
{
	size_t n = ag->rec.n_rounds, at;

	if (id == 0 || ingest_agent_round(ag, id) != NULL)
		return false;
	for (at = n; at > 0 && ag->round[at - 1].round_id > id; at--)
		;
	if (n == MAX_AGENT_ROUNDS) {
		if (at == 0)
			return false;   /* older than every round kept */
		memmove(&ag->round[0], &ag->round[1], (at - 1) * sizeof(ag->round[0]));
		at--;
		n--;
	}
	memmove(&ag->round[at + 1], &ag->round[at], (n - at) * sizeof(ag->round[0]));
	peil__store__agent_round__init(&ag->round[at]);
	ag->round[at].round_id = id;
	ag->rec.n_rounds = n + 1;
	return true;
}

/* Copies at most MAX_DESCRIPTION_LEN bytes, not splitting a UTF-8 sequence. */
static void
description_copy(char *out, const char *in)
{
	size_t len = strlen(in);

	if (len > MAX_DESCRIPTION_LEN) {
		len = MAX_DESCRIPTION_LEN;
		while (len > 0 && ((unsigned char)in[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(out, in, len);
	out[len] = '\0';
	/* Printed in tables later: no control characters from the network. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
}

/* A Hello or TaskRequest applied to the agent's working record. */
static void
ingest_touch(struct store_touch *t, struct ingest_agent *ag, int64_t now)
{
	Peil__Store__AgentRecord *rec = &ag->rec;
	char desc[MAX_DESCRIPTION_LEN + 1];
	bool changed = ag->old == NULL && !ag->dirty;

	t->conflict = false;
	/* One instance (spool) per name: two agents started from one key would otherwise ack
	 * each other's batches away. A silent instance is replaced after AGENT_TAKEOVER_S. */
	if (t->hello && t->instance != 0 && rec->instance != 0 && t->instance != rec->instance) {
		if (now - rec->last_seen < AGENT_TAKEOVER_S) {
			t->conflict = true;
			t->last_batch_seq = rec->last_batch_seq;
			return;
		}
		log_warn("agent '%s' now runs from another spool (instance %016llx, was %016llx, "
		    "silent for %lld s)", t->agent, (unsigned long long)t->instance,
		    (unsigned long long)rec->instance, (long long)(now - rec->last_seen));
	}
	if (t->hello && t->vantage != NULL) {
		description_copy(desc, t->vantage->description ? t->vantage->description : "");
		if (rec->ipv4 != t->vantage->ipv4 || rec->ipv6 != t->vantage->ipv6 ||
		    strcmp(rec->description, desc) != 0)
			changed = true;
		rec->ipv4 = t->vantage->ipv4;
		rec->ipv6 = t->vantage->ipv6;
		memcpy(ag->desc, desc, sizeof(desc));
		rec->description = ag->desc;
	}
	if (t->hello && t->instance != 0 && t->instance != rec->instance) {
		rec->instance = t->instance;
		changed = true;
	}
	/* The agent's oldest batch not yet acknowledged sets where its sequence goes on: the
	 * start for an agent never stored from, a loud jump over batches the store lost (a
	 * store restored from a backup; the agent deleted them when they were acknowledged).
	 * Compared without last + 1, which wraps to 0 at the top of the sequence. */
	if (t->hello && t->first_unacked > 0 && t->first_unacked - 1 > rec->last_batch_seq) {
		if (rec->last_batch_seq > 0)
			log_err("agent '%s' starts at batch %llu but the store holds only up to %llu: "
			    "batches in between were acknowledged and are lost from this store",
			    t->agent, (unsigned long long)t->first_unacked,
			    (unsigned long long)rec->last_batch_seq);
		rec->last_batch_seq = t->first_unacked - 1;
		changed = true;
	}
	if (t->round_done > rec->last_round_done) {
		rec->last_round_done = t->round_done;
		changed = true;
	}
	if (ingest_agent_give(ag, t->round_given))
		changed = true;
	if (rec->first_seen == 0)
		rec->first_seen = now;
	/* A hello or report that changes nothing is written at most once a minute. */
	if (changed || now - rec->last_seen >= AGENT_SEEN_WRITE_S) {
		rec->last_seen = now;
		ag->dirty = true;
	}
	t->last_batch_seq = rec->last_batch_seq;
}

static int
ingest_append(struct store *s, MDB_cursor *cur, Peil__Result *r, const char *agent,
    uint64_t seq)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v;
	char *saved = r->vantage;
	int mrc;

	be64_put(kb, seq);
	r->vantage = (char *)agent;
	v.mv_size = peil__result__get_packed_size(r);
	mrc = mdb_cursor_put(cur, &k, &v, MDB_APPEND | MDB_RESERVE);
	if (mrc == 0)
		peil__result__pack(r, v.mv_data);
	r->vantage = saved;
	return mrc != 0 ? store_mdb(s, mrc, "appending to the log") : 0;
}

static int
ingest_append_packed(struct store *s, MDB_cursor *cur, const struct store_packed *p,
    uint64_t seq)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v = { p->len, (void *)p->buf };
	int mrc;

	be64_put(kb, seq);
	mrc = mdb_cursor_put(cur, &k, &v, MDB_APPEND);
	return mrc != 0 ? store_mdb(s, mrc, "appending to the log") : 0;
}

/* The round `id` as this transaction sees it (looked up once). */
static int
ingest_round_get(struct store *s, MDB_txn *txn, struct ingest_arg *a, uint64_t id,
    struct ingest_round **out)
{
	struct ingest_round *r;
	ProtobufCMessage *m;
	uint8_t kb[8];
	int rc;

	for (size_t i = 0; i < a->nrounds; i++) {
		if (a->rounds[i].id == id) {
			*out = &a->rounds[i];
			return 0;
		}
	}
	if (a->nrounds == a->caprounds) {
		size_t cap = a->caprounds ? a->caprounds * 2 : 8;

		if ((r = realloc(a->rounds, cap * sizeof(*r))) == NULL)
			return PEIL_ENOMEM;
		a->rounds = r;
		a->caprounds = cap;
	}
	r = &a->rounds[a->nrounds];
	memset(r, 0, sizeof(*r));
	r->id = id;
	be64_put(kb, id);
	rc = store_rec_get(s, txn, s->rounds, kb, 8, &peil__store__round_record__descriptor, &m);
	if (rc != 0 && rc != PEIL_ENOENT)
		return rc;
	if (rc == 0) {
		r->rec = (Peil__Store__RoundRecord *)m;
		r->cap = store_round_cap(r->rec->targets, r->rec->tests);
	}
	a->nrounds++;
	*out = r;
	return 0;
}

/* Per batch: the last domain looked up in targets, and the answer. */
struct ingest_domain {
	const char *domain;
	bool target;
};

/* Decides whether result `r` of agent `ag` is taken: *why is -1, or a store_refusal. */
static int
ingest_check(struct store *s, MDB_txn *txn, struct ingest_arg *a, struct ingest_agent *ag,
    const Peil__Result *r, struct ingest_domain *dc, int *why)
{
	Peil__Store__AgentRound *given;
	struct ingest_round *round;
	size_t dlen;
	int rc, mrc;

	*why = -1;
	if ((given = ingest_agent_round(ag, r->round_id)) == NULL) {
		*why = STORE_REFUSED_NOT_GIVEN;
		return 0;
	}
	if ((rc = ingest_round_get(s, txn, a, r->round_id, &round)) != 0)
		return rc;
	if (round->rec == NULL ||
	    (round->rec->ended != 0 && a->now - round->rec->ended > s->round_grace_s)) {
		*why = STORE_REFUSED_CLOSED;
		goto refused;
	}
	/* The round's targets are the target list (a round is opened over all of it). Results
	 * of one domain come together: one look-up per run of them. A vantage self-test has no
	 * domain (docs/protocol.md); any other result without one is not about a target. */
	if (r->domain == NULL || r->domain[0] == '\0') {
		if (!result_about_vantage(r)) {
			*why = STORE_REFUSED_DOMAIN;
			goto refused;
		}
	} else if (dc->domain == NULL || strcmp(dc->domain, r->domain) != 0) {
		dlen = r->domain != NULL ? strlen(r->domain) : 0;
		dc->domain = r->domain;
		dc->target = false;
		if (dlen > 0 && dlen <= MAX_DOMAIN_LEN) {
			MDB_val k = { dlen, r->domain }, v;

			mrc = mdb_get(txn, s->targets, &k, &v);
			if (mrc != 0 && mrc != MDB_NOTFOUND)
				return store_mdb(s, mrc, "reading targets");
			dc->target = mrc == 0;
		}
	}
	if (r->domain != NULL && r->domain[0] != '\0' && !dc->target) {
		*why = STORE_REFUSED_DOMAIN;
		goto refused;
	}
	if (given->results >= round->cap) {
		*why = STORE_REFUSED_CAP;
		goto refused;
	}
	given->results++;
	round->stored++;
	return 0;
refused:
	round->refused++;
	return 0;
}

/* Adds what this turn stored and refused to the round records. */
static int
ingest_rounds(struct store *s, MDB_txn *txn, struct ingest_arg *a)
{
	uint8_t kb[8];
	int rc;

	for (size_t i = 0; i < a->nrounds; i++) {
		struct ingest_round *r = &a->rounds[i];

		if (r->rec == NULL || (r->stored == 0 && r->refused == 0))
			continue;
		r->rec->results += r->stored;
		r->rec->refused += r->refused;
		be64_put(kb, r->id);
		if ((rc = store_rec_put(s, txn, s->rounds, kb, 8, &r->rec->base, 0)) != 0)
			return rc;
	}
	return 0;
}

static int
ingest_batch(struct store *s, MDB_txn *txn, struct ingest_arg *a, struct store_batch *b,
    MDB_cursor *cur, uint64_t *seq)
{
	struct ingest_agent *ag;
	struct ingest_domain dc = { NULL, false };
	uint64_t prev, stored = 0;
	int rc, why;

	memset(b->refused, 0, sizeof(b->refused));
	b->expected = 0;
	if ((rc = ingest_agent_find(s, txn, a, b->agent, &ag)) != 0)
		return rc;
	prev = ag->rec.last_batch_seq;
	if (b->instance != 0 && ag->rec.instance != 0 && b->instance != ag->rec.instance) {
		b->outcome = STORE_CONFLICT;
		return 0;
	}
	if (b->batch_seq <= prev) {
		b->outcome = STORE_DUPLICATE;
		return 0;
	}
	/* Strictly one after the other; where an agent starts is set by its Hello. */
	if (b->batch_seq != prev + 1) {
		b->outcome = STORE_GAP;
		b->expected = prev + 1;
		return 0;
	}
	for (size_t j = 0; j < b->n; j++) {
		if ((rc = ingest_check(s, txn, a, ag, b->results[j], &dc, &why)) != 0)
			return rc;
		if (why >= 0) {
			b->refused[why]++;
			ag->rec.refused++;
			continue;
		}
		if ((rc = b->packed != NULL ? ingest_append_packed(s, cur, &b->packed[j], *seq) :
		    ingest_append(s, cur, b->results[j], b->agent, *seq)) != 0)
			return rc;
		(*seq)++;
		stored++;
	}
	/* Acknowledged whatever was refused: a refused result is refused again when re-sent. */
	ag->rec.last_batch_seq = b->batch_seq;
	ag->rec.results += stored;
	if (ag->rec.first_seen == 0)
		ag->rec.first_seen = a->now;
	ag->rec.last_seen = a->now;
	ag->dirty = true;
	b->outcome = STORE_STORED;
	return 0;
}

static int
store_turn_op(struct store *s, MDB_txn *txn, void *argp)
{
	struct ingest_arg *a = argp;
	MDB_cursor *cur = NULL;
	uint64_t seq, seq0;
	int mrc, rc;

	a->nagents = 0;
	a->nrounds = 0;
	for (size_t i = 0; i < a->nt; i++) {
		struct ingest_agent *ag;

		if ((rc = ingest_agent_find(s, txn, a, a->t[i].agent, &ag)) != 0)
			goto out;
		ingest_touch(&a->t[i], ag, a->now);
	}
	if ((rc = store_meta_get(s, txn, META_NEXT_SEQ, 1, &seq)) != 0)
		goto out;
	seq0 = seq;
	if (a->nb > 0 && (mrc = mdb_cursor_open(txn, s->log, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on the log");
		goto out;
	}
	for (size_t i = 0; i < a->nb; i++)
		if ((rc = ingest_batch(s, txn, a, &a->b[i], cur, &seq)) != 0)
			goto out;
	if (cur != NULL)
		mdb_cursor_close(cur);
	cur = NULL;
	for (size_t i = 0; i < a->nagents; i++) {
		struct ingest_agent *ag = &a->agents[i];

		if (ag->dirty && (rc = store_rec_put(s, txn, s->agents, ag->name, strlen(ag->name),
		    &ag->rec.base, 0)) != 0)
			goto out;
	}
	if (seq != seq0 && (rc = store_meta_put(s, txn, META_NEXT_SEQ, seq)) != 0)
		goto out;
	rc = ingest_rounds(s, txn, a);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	for (size_t i = 0; i < a->nagents; i++) {
		if (a->agents[i].old != NULL)
			peil__store__agent_record__free_unpacked(a->agents[i].old, NULL);
		a->agents[i].old = NULL;
	}
	for (size_t i = 0; i < a->nrounds; i++) {
		if (a->rounds[i].rec != NULL)
			peil__store__round_record__free_unpacked(a->rounds[i].rec, NULL);
		a->rounds[i].rec = NULL;
	}
	return rc;
}

int
store_turn(struct store *s, struct store_touch *t, size_t nt, struct store_batch *b,
    size_t nb, int64_t now)
{
	struct ingest_arg a;
	int rc;

	if (nb == 0 && nt == 0)
		return 0;
	for (size_t i = 0; i < nb; i++) {
		if (!store_agent_name_ok(b[i].agent)) {
			log_err("store: a batch without a valid agent name");
			return PEIL_EINVAL;
		}
	}
	for (size_t i = 0; i < nt; i++)
		if (!store_agent_name_ok(t[i].agent))
			return PEIL_EINVAL;
	memset(&a, 0, sizeof(a));
	a.t = t;
	a.nt = nt;
	a.b = b;
	a.nb = nb;
	a.now = now;
	if ((a.agents = calloc(nt + nb, sizeof(*a.agents))) == NULL)
		return PEIL_ENOMEM;
	rc = store_write(s, store_turn_op, &a, "storing results");
	free(a.agents);
	free(a.rounds);
	/* More dirty pages than one transaction holds: store the halves one after the other,
	 * which decides every batch as one transaction would have. */
	if (rc != 0 && s->lm.mrc == MDB_TXN_FULL && nb > 1) {
		log_warn("store: %zu batches stored in two transactions", nb);
		if ((rc = store_turn(s, t, nt, b, nb / 2, now)) == 0)
			rc = store_turn(s, NULL, 0, b + nb / 2, nb - nb / 2, now);
	}
	return rc;
}

int
store_ingest(struct store *s, struct store_batch *b, size_t nb, int64_t now)
{
	return store_turn(s, NULL, 0, b, nb, now);
}
