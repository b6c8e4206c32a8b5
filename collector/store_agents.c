/* store_agents.c: the agents' records: what a Hello or TaskRequest records (through a turn
 * of store_ingest.c), and reading them back. */
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "err.h"
#include "limits.h"
#include "log.h"
#include "store_int.h"

int
store_agent_hello(struct store *s, const char *agent, const Peil__Vantage *v,
    uint64_t instance, uint64_t first_unacked, int64_t now)
{
	struct store_touch t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.agent = agent;
	t.hello = true;
	t.vantage = v;
	t.instance = instance;
	t.first_unacked = first_unacked;
	if ((rc = store_turn(s, &t, 1, NULL, 0, now)) != 0)
		return rc;
	return t.conflict ? PEIL_EEXIST : 0;
}

int
store_agent_round_done(struct store *s, const char *agent, uint64_t round_id, int64_t now)
{
	struct store_touch t;

	memset(&t, 0, sizeof(t));
	t.agent = agent;
	t.round_done = round_id;
	return store_turn(s, &t, 1, NULL, 0, now);
}

int
store_agent_round_given(struct store *s, const char *agent, uint64_t round_id, int64_t now)
{
	struct store_touch t;

	memset(&t, 0, sizeof(t));
	t.agent = agent;
	t.round_given = round_id;
	return store_turn(s, &t, 1, NULL, 0, now);
}

static void
agent_fill(struct store_agent *out, const char *name, const Peil__Store__AgentRecord *r)
{
	out->name = name;
	out->last_batch_seq = r->last_batch_seq;
	out->results = r->results;
	out->first_seen = r->first_seen;
	out->last_seen = r->last_seen;
	out->ipv4 = r->ipv4;
	out->ipv6 = r->ipv6;
	out->description = r->description;
	out->last_round_done = r->last_round_done;
	out->refused = r->refused;
}

int
store_agent_get(struct store *s, const char *agent, struct store_agent *out)
{
	MDB_txn *txn = NULL;
	ProtobufCMessage *m = NULL;
	Peil__Store__AgentRecord *r;
	int rc;

	free(s->agent_name);
	free(s->agent_desc);
	s->agent_name = s->agent_desc = NULL;
	if (!store_agent_name_ok(agent))
		return PEIL_ENOENT;
	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = store_rec_get(s, txn, s->agents, agent, strlen(agent),
	    &peil__store__agent_record__descriptor, &m)) != 0)
		goto out;
	r = (Peil__Store__AgentRecord *)m;
	if ((s->agent_name = strdup(agent)) == NULL ||
	    (s->agent_desc = strdup(r->description)) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	agent_fill(out, s->agent_name, r);
	out->description = s->agent_desc;
	rc = 0;
out:
	if (m != NULL)
		protobuf_c_message_free_unpacked(m, NULL);
	if (txn != NULL)
		mdb_txn_abort(txn);
	return rc;
}

int
store_agents_each(struct store *s, int (*cb)(const struct store_agent *a, void *arg), void *arg)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	char name[MAX_AGENT_NAME_LEN + 1];
	int mrc, rc;

	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, s->agents, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on agents");
		goto out;
	}
	rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Peil__Store__AgentRecord *r;
		struct store_agent a;

		if (k.mv_size == 0 || k.mv_size > MAX_AGENT_NAME_LEN ||
		    (r = peil__store__agent_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
			log_err("store: an agent record does not decode");
			rc = PEIL_ESTORE;
			goto out;
		}
		memcpy(name, k.mv_data, k.mv_size);
		name[k.mv_size] = '\0';
		agent_fill(&a, name, r);
		rc = cb(&a, arg);
		peil__store__agent_record__free_unpacked(r, NULL);
	}
	if (rc == 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(s, mrc, "reading agents");
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}


bool
store_agent_name_ok(const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0;

	return len >= 1 && len <= MAX_AGENT_NAME_LEN;
}
