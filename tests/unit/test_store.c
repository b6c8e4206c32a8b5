/* test_store.c: the collector's LMDB store: ingest outcomes, map growth, indexes, show,
 * export, targets import, rounds, agents, read-only access. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lmdb.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "store.h"

struct fx {
	char dir[64];
	char path[128];          /* the store: a directory inside dir, created by store_open */
	struct store *s;
};

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct store_opts o = { 4, false, true, 0, 0 };

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/peil-test-store-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/store", fx->dir);
	assert_int_equal(store_open(fx->path, &o, &fx->s), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	store_close(fx->s);
	nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void
reopen(struct fx *fx, size_t map_mb, bool readonly)
{
	struct store_opts o = { map_mb, readonly, true, 0, 0 };

	store_close(fx->s);
	fx->s = NULL;
	assert_int_equal(store_open(fx->path, &o, &fx->s), 0);
}

/* Moves the fixture to a new store `name` in its directory, opened with map_mb. */
static void
fresh(struct fx *fx, const char *name, size_t map_mb)
{
	struct store_opts o = { map_mb, false, true, 0, 0 };

	store_close(fx->s);
	fx->s = NULL;
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	assert_int_equal(store_open(fx->path, &o, &fx->s), 0);
}

/* Results on the heap, so a test can hold many; freed with results_free. */
static Peil__Result *
result_new(const char *domain, const char *test, const char *vantage, uint64_t round,
    Peil__Status status, uint64_t rseq, size_t blob)
{
	Peil__Result *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	peil__result__init(r);
	r->domain = strdup(domain);
	r->test_id = strdup(test);
	r->vantage = strdup(vantage);
	r->round_id = round;
	r->status = status;
	r->result_seq = rseq;
	r->measured_at_ms = 1700000000000LL + (int64_t)rseq;
	if (blob > 0) {
		Peil__Evidence *e = calloc(1, sizeof(*e));

		assert_non_null(e);
		peil__evidence__init(e);
		e->key = strdup("blob");
		e->value = malloc(blob + 1);
		assert_non_null(e->value);
		memset(e->value, 'x', blob);
		e->value[blob] = '\0';
		r->evidence = calloc(1, sizeof(*r->evidence));
		assert_non_null(r->evidence);
		r->evidence[0] = e;
		r->n_evidence = 1;
	}
	return r;
}

static void
results_free(Peil__Result **r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		peil__result__free_unpacked(r[i], NULL);   /* frees with the default allocator */
	free(r);
}

/* One batch of n results for domain d%u, test t%u: distinct keys, rseq from `base`. */
static Peil__Result **
results_make(size_t n, uint64_t base, size_t blob)
{
	Peil__Result **r = calloc(n ? n : 1, sizeof(*r));
	char dom[64], test[32];

	assert_non_null(r);
	for (size_t i = 0; i < n; i++) {
		snprintf(dom, sizeof(dom), "d%llu.example", (unsigned long long)((base + i) / 10));
		snprintf(test, sizeof(test), "t%llu", (unsigned long long)((base + i) % 10));
		r[i] = result_new(dom, test, "ignored", 1, PEIL__STATUS__PASSED, base + i, blob);
	}
	return r;
}

/* Makes results `r` acceptable from `agent`, as the collector would have: their domains
 * become targets, their rounds are opened when missing (at time 1) and handed to the agent
 * (at time `now`). The acceptance rules themselves are tested without it. */
static void
admit(struct store *s, const char *agent, Peil__Result **r, size_t n, int64_t now)
{
	char path[] = "/tmp/peil-test-targets-XXXXXX", err[256] = "";
	int fd = mkstemp(path);
	FILE *f;
	struct store_round lr;
	uint64_t latest = 0, max = 0, id, given = 0;
	size_t count = 0;

	assert_true(fd >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(r[i]->domain, r[j]->domain) == 0;
		if (!dup)
			fprintf(f, "o,%s\n", r[i]->domain);
		if (r[i]->round_id > max)
			max = r[i]->round_id;
	}
	assert_int_equal(fclose(f), 0);
	if (n > 0)
		assert_int_equal(store_targets_import(s, path, &count, err, sizeof(err)), 0);
	unlink(path);
	if (store_round_latest(s, &lr) == 0)
		latest = lr.id;
	while (latest < max) {
		assert_int_equal(store_round_begin(s, 1, 1000000, 0, &id), 0);
		latest = id;
	}
	for (size_t i = 0; i < n; i++) {
		if (r[i]->round_id != 0 && r[i]->round_id != given) {
			given = r[i]->round_id;
			assert_int_equal(store_agent_round_given(s, agent, given, now), 0);
		}
	}
}

/* One batch, its results made acceptable first (admit). */
static enum store_outcome
ingest1(struct store *s, const char *agent, uint64_t seq, Peil__Result **r, size_t n,
    uint64_t *expected)
{
	struct store_batch b = { agent, seq, r, n, 0, 0, 0, NULL, { 0 } };

	admit(s, agent, r, n, 1000);
	assert_int_equal(store_ingest(s, &b, 1, 1000), 0);
	for (int i = 0; i < STORE_REFUSALS; i++)
		assert_int_equal(b.refused[i], 0);
	if (expected != NULL)
		*expected = b.expected;
	return b.outcome;
}

/* Collects what show or export hands out. */
struct seen {
	size_t n;
	char line[256][160];      /* "domain test vantage status rseq" of the first 256 */
	uint64_t last_rseq;
	bool ordered;             /* result_seq ascended throughout */
	size_t stop_after;        /* non-zero: return 42 after this many */
};

static int
seen_cb(const Peil__Result *r, void *arg)
{
	struct seen *x = arg;

	if (x->n < 256)
		snprintf(x->line[x->n], sizeof(x->line[0]), "%s %s %s %d %llu", r->domain,
		    r->test_id, r->vantage, (int)r->status, (unsigned long long)r->result_seq);
	if (x->n > 0 && r->result_seq <= x->last_rseq)
		x->ordered = false;
	x->last_rseq = r->result_seq;
	x->n++;
	if (x->stop_after != 0 && x->n == x->stop_after)
		return 42;
	return 0;
}

static void
seen_init(struct seen *x)
{
	memset(x, 0, sizeof(*x));
	x->ordered = true;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}


/* What store_view_round and store_view_keys hand out, as "domain test vantage status". */
struct vseen {
	size_t n;
	char line[256][160];
};

static int
vseen_round_cb(const Peil__Result *r, void *arg)
{
	struct vseen *x = arg;

	if (x->n < 256)
		snprintf(x->line[x->n], sizeof(x->line[0]), "%s %s %s %d", r->domain, r->test_id,
		    r->vantage, (int)r->status);
	x->n++;
	return 0;
}

static int
vseen_keys_cb(const struct store_vkey *k, void *arg)
{
	struct vseen *x = arg;

	if (x->n < 256)
		snprintf(x->line[x->n], sizeof(x->line[0]), "%s %s %s %d", k->domain, k->test,
		    k->vantage, k->status);
	x->n++;
	return 0;
}

/* store_view_keys gives exactly the entries, order and statuses store_view_round gives for
 * `sel`; returns how many. */
static size_t
keys_match_round(struct store_view *v, const struct store_sel *sel)
{
	static struct vseen a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(store_view_round(v, sel, vseen_round_cb, &a), 0);
	assert_int_equal(store_view_keys(v, sel, vseen_keys_cb, &b), 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n && i < 256; i++)
		assert_string_equal(a.line[i], b.line[i]);
	return a.n;
}

/* ---- open ---------------------------------------------------------------------------- */

static void
test_open_reopen(void **state)
{
	struct fx *fx = *state;
	Peil__Result **r = results_make(3, 1, 0);
	struct store_agent a;
	struct store_stats st;
	struct store *s2 = NULL;
	char sub[160];
	struct store_opts o = { 1, false, true, 0, 0 };

	assert_int_equal(ingest1(fx->s, "alpha", 1, r, 3, NULL), STORE_STORED);
	reopen(fx, 2, false);
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_int_equal(st.results, 3);
	assert_int_equal(st.indexed, 0);
	assert_true(st.map_bytes >= 4u << 20);   /* kept the size it had, not the 2 MiB asked */
	assert_int_equal(store_agent_get(fx->s, "alpha", &a), 0);
	assert_string_equal(a.name, "alpha");
	assert_int_equal(a.last_batch_seq, 1);
	assert_int_equal(a.results, 3);
	assert_int_equal(a.first_seen, 1000);
	assert_int_equal(store_agent_get(fx->s, "beta", &a), PEIL_ENOENT);
	/* Writes after reopening continue the log. */
	assert_int_equal(ingest1(fx->s, "alpha", 2, r, 3, NULL), STORE_STORED);
	reopen(fx, 0, false);
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_int_equal(st.results, 6);
	/* A missing directory is created, one level. */
	snprintf(sub, sizeof(sub), "%s/other", fx->dir);
	assert_int_equal(store_open(sub, &o, &s2), 0);
	store_close(s2);
	store_close(NULL);
	results_free(r, 3);
}

static void
test_schema_mismatch(void **state)
{
	struct fx *fx = *state;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta;
	uint8_t b[8];
	MDB_val k = { strlen("schema_version"), (void *)"schema_version" }, v = { 8, b };
	struct store_opts o = { 0, false, true, 0, 0 }, ro = { 0, true, false, 0, 0 };
	struct store *s = (struct store *)1;
	char other[160];

	store_close(fx->s);
	fx->s = NULL;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_open(env, fx->path, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	be64_put(b, STORE_SCHEMA_VERSION + 1);
	assert_int_equal(mdb_put(txn, meta, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	assert_int_equal(store_open(fx->path, &o, &s), PEIL_ESCHEMA);
	assert_null(s);
	assert_int_equal(store_open(fx->path, &ro, &s), PEIL_ESCHEMA);
	assert_null(s);

	/* An LMDB environment that is not a store (a meta without a version): refused too. */
	snprintf(other, sizeof(other), "%s/other", fx->dir);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_open(env, other, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta), 0);
	k.mv_size = 4;
	k.mv_data = (void *)"next";
	assert_int_equal(mdb_put(txn, meta, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	assert_int_equal(store_open(other, &o, &s), PEIL_ESCHEMA);
	/* Read-only on nothing at all. */
	snprintf(other, sizeof(other), "%s/none", fx->dir);
	assert_int_not_equal(store_open(other, &ro, &s), 0);
	assert_null(s);
}

/* Writes schema version `ver` into the store at `path` (as an older or newer peil left it). */
static void
set_schema(const char *path, uint64_t ver)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta;
	uint8_t b[8];
	MDB_val k = { strlen("schema_version"), (void *)"schema_version" }, v = { 8, b };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_open(env, path, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	be64_put(b, ver);
	assert_int_equal(mdb_put(txn, meta, &k, &v, 0), 0);
	/* Version 1 had no "created". */
	if (ver == 1) {
		MDB_val c = { strlen("created"), (void *)"created" };

		assert_int_equal(mdb_del(txn, meta, &c, NULL), 0);
	}
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* The schema version and "created" of the store at `path` (0 when absent). */
static void
get_schema(const char *path, uint64_t *ver, uint64_t *created)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta;
	MDB_val k = { strlen("schema_version"), (void *)"schema_version" }, v;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_open(env, path, MDB_RDONLY, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	assert_int_equal(mdb_get(txn, meta, &k, &v), 0);
	*ver = be64_get(v.mv_data);
	k.mv_size = strlen("created");
	k.mv_data = (void *)"created";
	*created = mdb_get(txn, meta, &k, &v) == 0 ? be64_get(v.mv_data) : 0;
	mdb_txn_abort(txn);
	mdb_env_close(env);
}

/* An older store: read-only refused; a writer backs it up in the store directory, then
 * upgrades it in place; what it held is kept. */
static void
test_schema_upgrade(void **state)
{
	struct fx *fx = *state;
	struct store_opts o = { 0, false, true, 0, 0 }, ro = { 0, true, false, 0, 0 };
	struct store *s = NULL;
	struct store_round r;
	uint64_t id, ver, created;
	char pre[512] = "";
	struct dirent *de;
	DIR *d;

	assert_int_equal(store_round_begin(fx->s, 1700000000, 3, 2, &id), 0);
	store_close(fx->s);
	fx->s = NULL;
	get_schema(fx->path, &ver, &created);
	assert_int_equal(ver, STORE_SCHEMA_VERSION);
	assert_true(created > 0);
	set_schema(fx->path, 1);
	assert_int_equal(store_open(fx->path, &ro, &s), PEIL_ESCHEMA);
	assert_null(s);
	get_schema(fx->path, &ver, &created);
	assert_int_equal(ver, 1);
	assert_int_equal(created, 0);
	assert_int_equal(store_open(fx->path, &o, &fx->s), 0);
	get_schema(fx->path, &ver, &created);
	assert_int_equal(ver, STORE_SCHEMA_VERSION);   /* every step run, 1 to 2 to 3 */
	assert_int_equal(created, 1700000000);   /* the first round's start */
	assert_int_equal(store_round_latest(fx->s, &r), 0);
	assert_int_equal(r.id, id);
	/* The copy before the upgrade: backup-v1-TIME in the store directory, still v1. */
	assert_non_null(d = opendir(fx->path));
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "backup-v1-", 10) == 0)
			snprintf(pre, sizeof(pre), "%s/%s", fx->path, de->d_name);
	closedir(d);
	assert_true(pre[0] != '\0');
	get_schema(pre, &ver, &created);
	assert_int_equal(ver, 1);
}

/* store_backup: a whole copy readable as a store; a destination with content refused and
 * untouched; an empty one used; a DEST.tmp left over refused. */
static void
test_backup(void **state)
{
	struct fx *fx = *state;
	struct store_opts ro = { 0, true, false, 0, 0 };
	struct store_backup_info info;
	struct store *b = NULL;
	struct store_round r;
	char dest[192], tmp[200], file[256], err[1024];
	uint64_t id;
	FILE *f;

	assert_int_equal(store_round_begin(fx->s, 1700000000, 3, 2, &id), 0);
	snprintf(dest, sizeof(dest), "%s/bk", fx->dir);
	assert_int_equal(store_backup(fx->path, dest, &info, err, sizeof(err)), 0);
	assert_int_equal(info.schema, STORE_SCHEMA_VERSION);
	assert_true(info.bytes > 0);
	assert_int_equal(store_open(dest, &ro, &b), 0);
	assert_int_equal(store_round_latest(b, &r), 0);
	assert_int_equal(r.id, id);
	store_close(b);
	/* Again into the same: refused, naming it. */
	assert_int_equal(store_backup(fx->path, dest, &info, err, sizeof(err)), PEIL_EEXIST);
	assert_non_null(strstr(err, dest));
	assert_non_null(strstr(err, "exists and is not empty"));
	/* An empty directory: used. */
	snprintf(dest, sizeof(dest), "%s/empty", fx->dir);
	assert_int_equal(mkdir(dest, 0700), 0);
	assert_int_equal(store_backup(fx->path, dest, &info, err, sizeof(err)), 0);
	/* A DEST.tmp left by an interrupted backup: refused, left alone. */
	snprintf(dest, sizeof(dest), "%s/again", fx->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", dest);
	assert_int_equal(mkdir(tmp, 0700), 0);
	snprintf(file, sizeof(file), "%s/data.mdb", tmp);
	assert_non_null(f = fopen(file, "w"));
	fclose(f);
	assert_int_equal(store_backup(fx->path, dest, &info, err, sizeof(err)), PEIL_EEXIST);
	assert_non_null(strstr(err, "interrupted backup"));
	assert_int_equal(access(file, F_OK), 0);
	assert_int_not_equal(access(dest, F_OK), 0);
	/* Not a store. */
	assert_int_not_equal(store_backup(fx->dir, dest, &info, err, sizeof(err)), 0);
}

/* ---- ingest -------------------------------------------------------------------------- */

static void
test_ingest_outcomes(void **state)
{
	struct fx *fx = *state;
	Peil__Result **r = results_make(4, 1, 0);
	struct store_batch b[4];
	struct store_agent a;
	struct store_stats st;
	struct seen x;
	uint64_t expected = 0;

	assert_int_equal(ingest1(fx->s, "alpha", 1, r, 2, NULL), STORE_STORED);
	assert_int_equal(ingest1(fx->s, "alpha", 1, r, 2, NULL), STORE_DUPLICATE);
	assert_int_equal(ingest1(fx->s, "alpha", 0, r, 2, NULL), STORE_DUPLICATE);
	assert_int_equal(ingest1(fx->s, "alpha", 3, r, 2, &expected), STORE_GAP);
	assert_int_equal(expected, 2);

	/* One call: alpha 2 and 3 in order, beta 1, alpha 3 again (now a re-send), alpha 5. */
	admit(fx->s, "beta", r, 4, 1000);
	memset(b, 0, sizeof(b));
	b[0] = (struct store_batch){ "alpha", 2, r, 1, 0, 0, 0, NULL, { 0 } };
	b[1] = (struct store_batch){ "alpha", 3, r + 1, 3, 0, 0, 0, NULL, { 0 } };
	b[2] = (struct store_batch){ "beta", 1, r, 4, 0, 0, 0, NULL, { 0 } };
	b[3] = (struct store_batch){ "alpha", 5, r, 4, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(store_ingest(fx->s, b, 4, 2000), 0);
	assert_int_equal(b[0].outcome, STORE_STORED);
	assert_int_equal(b[1].outcome, STORE_STORED);
	assert_int_equal(b[2].outcome, STORE_STORED);
	assert_int_equal(b[3].outcome, STORE_GAP);
	assert_int_equal(b[3].expected, 4);
	b[0] = (struct store_batch){ "alpha", 3, r, 4, 0, 0, 0, NULL, { 0 } };
	/* An empty batch counts. */
	b[1] = (struct store_batch){ "alpha", 4, r, 0, 0, 0, 0, NULL, { 0 } };
	b[2] = (struct store_batch){ "alpha", 4, r, 4, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(store_ingest(fx->s, b, 3, 3000), 0);
	assert_int_equal(b[0].outcome, STORE_DUPLICATE);
	assert_int_equal(b[1].outcome, STORE_STORED);
	assert_int_equal(b[2].outcome, STORE_DUPLICATE);

	assert_int_equal(store_agent_get(fx->s, "alpha", &a), 0);
	assert_int_equal(a.last_batch_seq, 4);
	assert_int_equal(a.results, 2 + 1 + 3);
	assert_int_equal(a.first_seen, 1000);
	assert_int_equal(a.last_seen, 3000);
	assert_int_equal(store_agent_get(fx->s, "beta", &a), 0);
	assert_int_equal(a.last_batch_seq, 1);
	assert_int_equal(a.results, 4);
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_int_equal(st.results, 10);
	seen_init(&x);
	assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
	assert_int_equal(x.n, 10);
	/* Log order: alpha 1 (rseq 1, 2), alpha 2 (1), alpha 3 (2, 3, 4), beta 1 (1..4). */
	assert_string_equal(x.line[0], "d0.example t1 alpha 1 1");
	assert_string_equal(x.line[2], "d0.example t1 alpha 1 1");
	assert_string_equal(x.line[3], "d0.example t2 alpha 1 2");
	assert_string_equal(x.line[6], "d0.example t1 beta 1 1");
	/* Without a Hello a new agent starts at 1; its Hello says where its spool starts (a
	 * new agent with an old spool, or a store started afresh); then strictly in order. */
	assert_int_equal(ingest1(fx->s, "gamma", 5, r, 1, &expected), STORE_GAP);
	assert_int_equal(expected, 1);
	assert_int_equal(store_agent_hello(fx->s, "gamma", NULL, 0, 5, 2000), 0);
	assert_int_equal(ingest1(fx->s, "gamma", 5, r, 1, NULL), STORE_STORED);
	assert_int_equal(ingest1(fx->s, "gamma", 7, r, 1, &expected), STORE_GAP);
	assert_int_equal(expected, 6);
	assert_int_equal(ingest1(fx->s, "gamma", 6, r, 1, NULL), STORE_STORED);
	/* A Hello below what is stored changes nothing; above it, the store jumps (loudly). */
	assert_int_equal(store_agent_hello(fx->s, "gamma", NULL, 0, 3, 2001), 0);
	assert_int_equal(store_agent_get(fx->s, "gamma", &a), 0);
	assert_int_equal(a.last_batch_seq, 6);
	assert_int_equal(store_agent_hello(fx->s, "gamma", NULL, 0, 9, 2002), 0);
	assert_int_equal(ingest1(fx->s, "gamma", 9, r, 1, NULL), STORE_STORED);
	assert_int_equal(store_agent_get(fx->s, "gamma", &a), 0);
	assert_int_equal(a.last_batch_seq, 9);
	assert_int_equal(a.results, 3);
	/* At the top of the sequence a lower Hello still changes nothing (last + 1 wraps). */
	assert_int_equal(store_agent_hello(fx->s, "hotel", NULL, 0, UINT64_MAX, 2003), 0);
	assert_int_equal(ingest1(fx->s, "hotel", UINT64_MAX, r, 1, NULL), STORE_STORED);
	assert_int_equal(store_agent_hello(fx->s, "hotel", NULL, 0, 5, 2004), 0);
	assert_int_equal(store_agent_get(fx->s, "hotel", &a), 0);
	assert_true(a.last_batch_seq == UINT64_MAX);
	/* An empty name is a programming error, refused before any write. */
	b[0] = (struct store_batch){ "", 9, r, 1, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(store_ingest(fx->s, b, 1, 1), PEIL_EINVAL);
	assert_int_equal(store_ingest(fx->s, b, 0, 1), 0);
	results_free(r, 4);
}

/* One instance (spool) per agent name: a second one is refused while the first is active,
 * and takes over once the first has been silent long enough. */
static void
test_instances(void **state)
{
	struct fx *fx = *state;
	Peil__Result **r = results_make(1, 1, 0);
	struct store_batch b;

	admit(fx->s, "echo", r, 1, 1000);
	assert_int_equal(store_agent_hello(fx->s, "echo", NULL, 111, 1, 1000), 0);
	assert_int_equal(store_agent_hello(fx->s, "echo", NULL, 222, 1, 1010), PEIL_EEXIST);
	memset(&b, 0, sizeof(b));
	b.agent = "echo";
	b.batch_seq = 1;
	b.results = r;
	b.n = 1;
	b.instance = 222;
	assert_int_equal(store_ingest(fx->s, &b, 1, 1020), 0);
	assert_int_equal(b.outcome, STORE_CONFLICT);
	b.instance = 111;
	assert_int_equal(store_ingest(fx->s, &b, 1, 1030), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	/* Silent long enough: the other instance takes over, the first is refused. */
	assert_int_equal(store_agent_hello(fx->s, "echo", NULL, 222, 1,
	    1030 + AGENT_TAKEOVER_S), 0);
	b.batch_seq = 2;
	assert_int_equal(store_ingest(fx->s, &b, 1, 1031 + AGENT_TAKEOVER_S), 0);
	assert_int_equal(b.outcome, STORE_CONFLICT);
	b.instance = 222;
	assert_int_equal(store_ingest(fx->s, &b, 1, 1032 + AGENT_TAKEOVER_S), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	results_free(r, 1);
}

/* Results handed over packed (as the collector's decoder thread does) are stored byte for byte
 * as the writer would have packed them. */
static void
test_ingest_packed(void **state)
{
	struct fx *fx = *state;
	Peil__Result **r = results_make(3, 1, 0);
	struct store_packed pk[3];
	uint8_t *bufs[3];
	struct store_batch b;
	struct seen x;

	for (int i = 0; i < 3; i++) {
		char *saved = r[i]->vantage;

		r[i]->vantage = (char *)"delta";
		pk[i].len = peil__result__get_packed_size(r[i]);
		bufs[i] = malloc(pk[i].len);
		peil__result__pack(r[i], bufs[i]);
		pk[i].buf = bufs[i];
		r[i]->vantage = saved;
	}
	admit(fx->s, "delta", r, 3, 100);
	memset(&b, 0, sizeof(b));
	b.agent = "delta";
	b.batch_seq = 1;
	b.results = r;
	b.n = 3;
	b.packed = pk;
	assert_int_equal(store_ingest(fx->s, &b, 1, 100), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	b.packed = NULL;
	b.batch_seq = 2;
	assert_int_equal(store_ingest(fx->s, &b, 1, 101), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	seen_init(&x);
	assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
	assert_int_equal(x.n, 6);
	for (int i = 0; i < 3; i++)
		assert_string_equal(x.line[i], x.line[i + 3]);
	for (int i = 0; i < 3; i++)
		free(bufs[i]);
	results_free(r, 3);
}

static void
test_vantage_overwritten(void **state)
{
	struct fx *fx = *state;
	Peil__Result *r[2];
	struct seen x;

	r[0] = result_new("a.example", "web_dnssec_exist", "mallory", 1, PEIL__STATUS__FAILED, 7, 0);
	r[1] = result_new("a.example", "web_dnssec_valid", "", 1, PEIL__STATUS__FAILED, 8, 0);
	assert_int_equal(ingest1(fx->s, "alpha", 1, r, 2, NULL), STORE_STORED);
	/* The caller's results are left as they were. */
	assert_string_equal(r[0]->vantage, "mallory");
	assert_string_equal(r[1]->vantage, "");
	seen_init(&x);
	assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.line[0], "a.example web_dnssec_exist alpha 2 7");
	assert_string_equal(x.line[1], "a.example web_dnssec_valid alpha 2 8");
	seen_init(&x);
	assert_int_equal(store_show(fx->s, "a.example", seen_cb, &x), 0);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.line[0], "a.example web_dnssec_exist alpha 2 7");
	peil__result__free_unpacked(r[0], NULL);
	peil__result__free_unpacked(r[1], NULL);
}

/* Map growth: a 1 MiB map takes about 20 MB of results, some calls of several batches. */
static void
test_map_growth(void **state)
{
	struct fx *fx = *state;
	const size_t per = 500, batches = 40, blob = 1000;
	struct store_stats st;
	struct seen x;
	uint64_t seq = 1;

	fresh(fx, "grow", 1);
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_int_equal(st.map_bytes, 1u << 20);
	for (size_t i = 0; i < batches;) {
		struct store_batch b[4];
		Peil__Result **r[4];
		size_t nb = i % 3 == 0 ? 4 : 1;

		if (nb > batches - i)
			nb = batches - i;
		for (size_t j = 0; j < nb; j++) {
			r[j] = results_make(per, (seq - 1 + j) * per, blob);
			b[j] = (struct store_batch){ "alpha", seq + j, r[j], per, 0, 0, 0, NULL, { 0 } };
			admit(fx->s, "alpha", r[j], per, 5000);
		}
		assert_int_equal(store_ingest(fx->s, b, nb, 5000), 0);
		for (size_t j = 0; j < nb; j++) {
			assert_int_equal(b[j].outcome, STORE_STORED);
			results_free(r[j], per);
		}
		seq += nb;
		i += nb;
	}
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_int_equal(st.results, per * batches);
	assert_true(st.map_bytes >= (16u << 20));
	/* The indexer grows the map too, and everything is still there after reopening. */
	reopen(fx, 1, false);
	{
		size_t done = 0;

		assert_int_equal(store_index_step(fx->s, SIZE_MAX, &done), 0);
		assert_int_equal(done, per * batches);
	}
	seen_init(&x);
	assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
	assert_int_equal(x.n, per * batches);
	assert_true(x.ordered);
	seen_init(&x);
	assert_int_equal(store_show(fx->s, "d1999.example", seen_cb, &x), 0);
	assert_int_equal(x.n, 10);
	assert_string_equal(x.line[0], "d1999.example t0 alpha 1 19990");
}

/* ---- indexes and show ---------------------------------------------------------------- */

/* The latest of every (test, vantage): later results replace earlier ones. */
static void
ingest_history(struct store *s)
{
	static const struct {
		const char *agent, *domain, *test;
		Peil__Status st;
	} h[] = {
		{ "alpha", "a.example", "t1", PEIL__STATUS__FAILED },      /* seq 1 */
		{ "alpha", "b.example", "t1", PEIL__STATUS__FAILED },
		{ "beta", "a.example", "t1", PEIL__STATUS__WARNING },
		{ "alpha", "a.example", "t2", PEIL__STATUS__ERROR },
		{ "alpha", "a.example", "t1", PEIL__STATUS__INFO },        /* seq 5 */
		{ "beta", "a.example", "t1", PEIL__STATUS__NOT_TESTED },
		{ "alpha", "aa.example", "t1", PEIL__STATUS__FAILED },
		{ "alpha", "a.example.org", "t1", PEIL__STATUS__FAILED },
		{ "alpha", "a.example", "t1", PEIL__STATUS__PASSED },      /* seq 9 */
		{ "beta", "a.example", "t2", PEIL__STATUS__PASSED },
	};
	uint64_t bseq[2] = { 0, 0 };
	struct store_agent a;

	if (store_agent_get(s, "alpha", &a) == 0)
		bseq[0] = a.last_batch_seq;
	if (store_agent_get(s, "beta", &a) == 0)
		bseq[1] = a.last_batch_seq;
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		Peil__Result *r = result_new(h[i].domain, h[i].test, "x", 1, h[i].st, i + 1, 0);
		int who = strcmp(h[i].agent, "beta") == 0;

		assert_int_equal(ingest1(s, h[i].agent, ++bseq[who], &r, 1, NULL), STORE_STORED);
		peil__result__free_unpacked(r, NULL);
	}
}

static void
check_show_a(struct store *s)
{
	struct seen x;

	seen_init(&x);
	assert_int_equal(store_show(s, "a.example", seen_cb, &x), 0);
	assert_int_equal(x.n, 4);
	assert_string_equal(x.line[0], "a.example t1 alpha 1 9");
	assert_string_equal(x.line[1], "a.example t1 beta 5 6");
	assert_string_equal(x.line[2], "a.example t2 alpha 6 4");
	assert_string_equal(x.line[3], "a.example t2 beta 1 10");
	/* The question is normalised like the targets. */
	seen_init(&x);
	assert_int_equal(store_show(s, "A.Example.", seen_cb, &x), 0);
	assert_int_equal(x.n, 4);
	seen_init(&x);
	assert_int_equal(store_show(s, "example", seen_cb, &x), 0);
	assert_int_equal(x.n, 0);
	seen_init(&x);
	assert_int_equal(store_show(s, "b.example", seen_cb, &x), 0);
	assert_int_equal(x.n, 1);
	assert_int_equal(store_show(s, "", seen_cb, &x), PEIL_EINVAL);
}

static void
test_index_show(void **state)
{
	struct fx *fx = *state;
	struct store_stats st;
	size_t done = 0;

	ingest_history(fx->s);
	check_show_a(fx->s);                     /* nothing indexed: the tail only */
	assert_int_equal(store_index_step(fx->s, 0, &done), 0);
	assert_int_equal(done, 0);
	assert_int_equal(store_index_step(fx->s, 100, &done), 0);
	assert_int_equal(done, 10);
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_int_equal(st.indexed, 10);
	check_show_a(fx->s);                     /* the index only */
	assert_int_equal(store_index_step(fx->s, 100, &done), 0);
	assert_int_equal(done, 0);
	/* The same again on top: the index entries are replaced by the newer ones. */
	ingest_history(fx->s);
	assert_int_equal(store_index_step(fx->s, 100, &done), 0);
	assert_int_equal(done, 10);
	{
		struct seen x;

		seen_init(&x);
		assert_int_equal(store_show(fx->s, "a.example", seen_cb, &x), 0);
		assert_int_equal(x.n, 4);
		assert_string_equal(x.line[0], "a.example t1 alpha 1 9");
	}
	reopen(fx, 0, true);
	check_show_a(fx->s);
}

static void
test_show_partial_index(void **state)
{
	struct fx *fx = *state;
	struct store_stats st;
	size_t done = 0;

	ingest_history(fx->s);
	/* Every split point between index and tail gives the same answer. */
	for (size_t i = 1; i <= 10; i++) {
		assert_int_equal(store_index_step(fx->s, 1, &done), 0);
		assert_int_equal(done, 1);
		assert_int_equal(store_stats(fx->s, &st), 0);
		assert_int_equal(st.indexed, i);
		assert_int_equal(st.results, 10);
		check_show_a(fx->s);
	}
	/* A newer result in the tail beats the indexed one. */
	{
		Peil__Result *r = result_new("a.example", "t2", "x", 2, PEIL__STATUS__WARNING, 77, 0);
		struct seen x;

		assert_int_equal(ingest1(fx->s, "alpha", 8, &r, 1, NULL), STORE_STORED);
		peil__result__free_unpacked(r, NULL);
		seen_init(&x);
		assert_int_equal(store_show(fx->s, "a.example", seen_cb, &x), 0);
		assert_int_equal(x.n, 4);
		assert_string_equal(x.line[2], "a.example t2 alpha 3 77");
		assert_int_equal(store_index_step(fx->s, 5, &done), 0);
		assert_int_equal(done, 1);
		seen_init(&x);
		assert_int_equal(store_show(fx->s, "a.example", seen_cb, &x), 0);
		assert_string_equal(x.line[2], "a.example t2 alpha 3 77");
	}
}

static void
test_show_order(void **state)
{
	struct fx *fx = *state;
	static const char *const tests[] = { "web_https", "ab", "a", "a-b", "mail_auth", "a" };
	static const char *const agents[] = { "zulu", "alpha", "alpha-2", "a" };
	static const char *const want[] = { "a", "a-b", "ab", "mail_auth", "web_https" };
	uint64_t bseq[4] = { 0, 0, 0, 0 };
	struct seen x;
	size_t done;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t t = 0; t < 6; t++) {
			for (size_t v = 0; v < 4; v++) {
				Peil__Result *r = result_new("o.example", tests[t], "", 1,
				    PEIL__STATUS__PASSED, t * 10 + v, 0);

				assert_int_equal(ingest1(fx->s, agents[v], ++bseq[v], &r, 1, NULL),
				    STORE_STORED);
				peil__result__free_unpacked(r, NULL);
			}
		}
		seen_init(&x);
		assert_int_equal(store_show(fx->s, "o.example", seen_cb, &x), 0);
		assert_int_equal(x.n, 5 * 4);
		for (size_t i = 0; i < 5; i++) {
			char w[160];

			/* Vantages in byte order: a, alpha, alpha-2, zulu. */
			snprintf(w, sizeof(w), "o.example %s a 1", want[i]);
			assert_memory_equal(x.line[i * 4], w, strlen(w));
			snprintf(w, sizeof(w), "o.example %s alpha 1", want[i]);
			assert_memory_equal(x.line[i * 4 + 1], w, strlen(w));
			snprintf(w, sizeof(w), "o.example %s alpha-2 1", want[i]);
			assert_memory_equal(x.line[i * 4 + 2], w, strlen(w));
			snprintf(w, sizeof(w), "o.example %s zulu 1", want[i]);
			assert_memory_equal(x.line[i * 4 + 3], w, strlen(w));
		}
		/* "a" was sent twice: the second (rseq 50..53) is the latest. */
		assert_string_equal(x.line[0], "o.example a a 1 53");
		/* A callback's non-zero return stops show and is returned. */
		seen_init(&x);
		x.stop_after = 3;
		assert_int_equal(store_show(fx->s, "o.example", seen_cb, &x), 42);
		assert_int_equal(x.n, 3);
		assert_int_equal(store_index_step(fx->s, 1000, &done), 0);
	}
}

static void
test_export(void **state)
{
	struct fx *fx = *state;
	const size_t n = 10000;      /* past the read transaction renewal */
	Peil__Result **r = results_make(n, 0, 0);
	struct seen x;

	assert_int_equal(ingest1(fx->s, "alpha", 1, r, n / 2, NULL), STORE_STORED);
	assert_int_equal(ingest1(fx->s, "beta", 1, r + n / 2, n / 2, NULL), STORE_STORED);
	seen_init(&x);
	assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
	assert_int_equal(x.n, n);
	assert_true(x.ordered);
	assert_string_equal(x.line[0], "d0.example t0 alpha 1 0");
	seen_init(&x);
	x.stop_after = 4097;
	assert_int_equal(store_export(fx->s, seen_cb, &x), 42);
	assert_int_equal(x.n, 4097);
	results_free(r, n);
	/* An empty store exports nothing. */
	{
		struct store *s2 = NULL;
		struct store_opts o = { 1, false, true, 0, 0 };
		char sub[160];

		snprintf(sub, sizeof(sub), "%s/empty", fx->dir);
		assert_int_equal(store_open(sub, &o, &s2), 0);
		seen_init(&x);
		assert_int_equal(store_export(s2, seen_cb, &x), 0);
		assert_int_equal(x.n, 0);
		store_close(s2);
	}
}

/* ---- targets ------------------------------------------------------------------------- */

struct tlist {
	size_t n;
	char line[64][320];
};

static int
tlist_cb(const struct store_target *t, void *arg)
{
	struct tlist *l = arg;

	if (l->n < 64)
		snprintf(l->line[l->n], sizeof(l->line[0]), "%s|%s|%d", t->organisation, t->domain,
		    t->publish);
	l->n++;
	return 0;
}

static void
targets_list(struct store *s, struct tlist *l)
{
	memset(l, 0, sizeof(*l));
	assert_int_equal(store_targets_each(s, tlist_cb, l), 0);
}

/* A line repeating an earlier one (same organisation and domain, after normalising) is
 * imported once and reported: the count, the first STORE_DUP_LINES line numbers in order. */
static void
test_targets_import_dups(void **state)
{
	struct fx *fx = *state;
	char path[160], err[256] = "", text[4096];
	struct store_import_dups dups;
	struct tlist l;
	size_t count = 0, len = 0;

	snprintf(path, sizeof(path), "%s/dups.csv", fx->dir);
	write_file(path,
	    "organisation,domain\n"
	    "o,a.example\n"
	    "o,b.example\n"
	    "o,A.Example.\n"          /* line 4 repeats line 2 */
	    "p,c.example\n"
	    "o,b.example\n");        /* line 6 repeats line 3 */
	assert_int_equal(store_targets_import_dups(fx->s, path, &count, &dups, err, sizeof(err)),
	    0);
	assert_int_equal(count, 3);
	assert_int_equal(dups.n, 2);
	assert_int_equal(dups.shown, 2);
	assert_int_equal(dups.lines[0], 4);
	assert_int_equal(dups.lines[1], 6);
	targets_list(fx->s, &l);
	assert_int_equal(l.n, 3);
	/* No repeat: nothing reported. */
	write_file(path, "o,a.example\no,b.example\n");
	assert_int_equal(store_targets_import_dups(fx->s, path, &count, &dups, err, sizeof(err)),
	    0);
	assert_int_equal(count, 2);
	assert_int_equal(dups.n, 0);
	assert_int_equal(dups.shown, 0);
	/* Many repeats, in an order the sort scrambles: the count is all of them, the lines
	 * shown the smallest. */
	len += (size_t)snprintf(text + len, sizeof(text) - len, "z,z.example\n");
	for (int i = 0; i < 20; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n",
		    i % 2 ? "z,z.example" : "a,a.example");
	write_file(path, text);
	assert_int_equal(store_targets_import_dups(fx->s, path, &count, &dups, err, sizeof(err)),
	    0);
	assert_int_equal(count, 2);
	assert_int_equal(dups.n, 19);
	assert_int_equal(dups.shown, STORE_DUP_LINES);
	for (size_t i = 0; i < STORE_DUP_LINES; i++)
		assert_int_equal(dups.lines[i], i + 3);   /* line 2 is a.example's first */
}

/* A public suffix is no organisation's domain (libpsl, with the implicit "*" rule: any
 * bare TLD), named with its line; nothing of the file comes in. A name under one is fine. */
static void
test_targets_import_public_suffix(void **state)
{
	struct fx *fx = *state;
	static const char *const refused[] = { "test", "Example.", "nl", "co.uk", "github.io" };
	static const char *const taken[] = { "good.test", "a.example", "foo.co.uk",
	    "user.github.io", "xn--bcher-kva.nl" };
	char path[160], err[512], text[256], want[200];
	size_t count;

	snprintf(path, sizeof(path), "%s/psl.csv", fx->dir);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(text, sizeof(text), "o,fine.example\nTLD,%s\n", refused[i]);
		write_file(path, text);
		count = 99;
		err[0] = '\0';
		assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)),
		    PEIL_EINVAL);
		assert_int_equal(count, 0);
		snprintf(want, sizeof(want), "%s:2: ", path);
		if (strncmp(err, want, strlen(want)) != 0 || strstr(err, "public suffix") == NULL)
			fail_msg("%s: \"%s\"", refused[i], err);
		assert_int_equal(store_targets_check((const uint8_t *)text, strlen(text), &count,
		    err, sizeof(err)), PEIL_EINVAL);
		assert_non_null(strstr(err, "line 2: "));
	}
	for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		snprintf(text, sizeof(text), "o,%s\n", taken[i]);
		write_file(path, text);
		if (store_targets_import(fx->s, path, &count, err, sizeof(err)) != 0)
			fail_msg("%s refused: %s", taken[i], err);
		assert_int_equal(count, 1);
	}
}

static void
test_targets_import_good(void **state)
{
	struct fx *fx = *state;
	char path[160], err[256] = "";
	struct tlist l;
	char **d = NULL;
	size_t n = 0, count = 0;

	snprintf(path, sizeof(path), "%s/targets.csv", fx->dir);
	write_file(path,
	    "\xef\xbb\xbf" "Organisation,Domain,Publish\r\n"
	    "# a comment\r\n"
	    "\r\n"
	    "   \n"
	    "\"Gemeente Foo, Bar & \"\"Baz\"\"\",WWW.Foo.NL.,yes\r\n"
	    "\"Gemeente Foo, Bar & \"\"Baz\"\"\" , foo-bar.nl\n"
	    "Ministerie,minbzk.nl,0\n"
	    "Ministerie ,xn--bcher-kva.example,\n"
	    "Ministerie,minbzk.nl,no\n"
	    "  Zeta  ,  z.example  ,  TRUE  \n"
	    "Zeta,a1.example");           /* no newline at the end */
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	assert_int_equal(count, 6);
	targets_list(fx->s, &l);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.line[0], "Gemeente Foo, Bar & \"Baz\"|foo-bar.nl|1");
	assert_string_equal(l.line[1], "Gemeente Foo, Bar & \"Baz\"|www.foo.nl|1");
	assert_string_equal(l.line[2], "Ministerie|minbzk.nl|0");
	assert_string_equal(l.line[3], "Ministerie|xn--bcher-kva.example|0");
	assert_string_equal(l.line[4], "Zeta|a1.example|1");
	assert_string_equal(l.line[5], "Zeta|z.example|1");
	assert_int_equal(store_targets_domains(fx->s, &d, &n), 0);
	assert_int_equal(n, 6);
	assert_string_equal(d[0], "a1.example");
	assert_string_equal(d[1], "foo-bar.nl");
	assert_string_equal(d[2], "minbzk.nl");
	assert_string_equal(d[3], "www.foo.nl");
	assert_string_equal(d[4], "xn--bcher-kva.example");
	assert_string_equal(d[5], "z.example");
	store_strv_free(d, n);
	/* A header is only a header on the first line; without one the first line is data. */
	write_file(path, "org,one.example\n");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	assert_int_equal(count, 1);
	assert_int_equal(store_targets_domains(fx->s, &d, &n), 0);
	assert_int_equal(n, 7);
	store_strv_free(d, n);
	/* An empty file imports nothing and fails nothing. */
	write_file(path, "");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	assert_int_equal(count, 0);
}

static void
test_targets_import_bad(void **state)
{
	struct fx *fx = *state;
	static const struct {
		const char *text;
		const char *where;       /* ":LINE: " expected in the message */
		const char *why;         /* a part of the reason */
	} bad[] = {
		{ "o,a.example\no,b_c.example\n", ":2: ", "character" },
		{ "o,a.example\n\n# x\no,-a.example\n", ":4: ", "starts with a hyphen" },
		{ "o,a-.example\n", ":1: ", "ends with a hyphen" },
		{ "o,a..example\n", ":1: ", "empty label" },
		{ "o,.\n", ":1: ", "empty domain" },
		{ "o,192.0.2.1\n", ":1: ", "all digits" },
		{ "o,a.example,yes,extra\n", ":1: ", "more than three columns" },
		{ "\"o,a.example\n", ":1: ", "not closed" },
		{ "\"o\"x,a.example\n", ":1: ", "after the closing quote" },
		{ "o\"x,a.example\n", ":1: ", "quote inside" },
		{ "o,a.example,maybe\n", ":1: ", "publish must be" },
		{ "o\n", ":1: ", "expected organisation,domain" },
		{ ",a.example\n", ":1: ", "empty organisation" },
		{ "o,a.example\np,a.example\n", ":2: ", "two organisations (also line 1)" },
		{ "o,a.example,yes\no,b.example,no\n", ":2: ", "differs from line 1" },
		{ "o,a\tb.example\n", ":1: ", "character" },
	};
	char path[160], err[512];
	char **d = NULL;
	size_t n = 0, count = 0;

	snprintf(path, sizeof(path), "%s/bad.csv", fx->dir);
	write_file(path, "keep,keep.example\n");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[200];

		write_file(path, bad[i].text);
		err[0] = '\0';
		count = 99;
		assert_int_not_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
		assert_int_equal(count, 0);
		snprintf(want, sizeof(want), "%s%s", path, bad[i].where);
		if (strncmp(err, want, strlen(want)) != 0 || strstr(err, bad[i].why) == NULL)
			fail_msg("case %zu: \"%s\"", i, err);
	}
	/* Long lines and labels, a NUL byte. */
	{
		char *big = malloc(MAX_CSV_LINE + 64);

		assert_non_null(big);
		memset(big, 'a', MAX_CSV_LINE + 10);
		memcpy(big, "o,", 2);
		strcpy(big + MAX_CSV_LINE + 10, ".example\n");
		write_file(path, big);
		assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)),
		    PEIL_ETOOBIG);
		assert_non_null(strstr(err, ":1: line longer than"));
		memcpy(big, "o,", 2);
		memset(big + 2, 'a', 64);
		strcpy(big + 66, ".example\n");
		write_file(path, big);
		assert_int_not_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
		assert_non_null(strstr(err, "longer than 63"));
		free(big);
	}
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fwrite("o,a.example\no,b\0.example\n", 1, 25, f);
		fclose(f);
		assert_int_not_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
		assert_non_null(strstr(err, ":2: a NUL byte"));
	}
	snprintf(path, sizeof(path), "%s/missing.csv", fx->dir);
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), PEIL_EIO);
	/* Nothing of any bad file came in. */
	assert_int_equal(store_targets_domains(fx->s, &d, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(d[0], "keep.example");
	store_strv_free(d, n);
}

static void
test_targets_reimport(void **state)
{
	struct fx *fx = *state;
	char path[160], err[256];
	struct tlist l;
	size_t count;

	snprintf(path, sizeof(path), "%s/t.csv", fx->dir);
	write_file(path, "One,a.example,yes\nOne,b.example\nTwo,c.example\n");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	/* b moves to Two; One keeps a; Two's publish is now said. */
	write_file(path, "Two,b.example,yes\n");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	assert_int_equal(count, 1);
	targets_list(fx->s, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.line[0], "One|a.example|1");
	assert_string_equal(l.line[1], "Two|b.example|1");
	assert_string_equal(l.line[2], "Two|c.example|1");
	/* a moves to Three: One has nothing left and goes. Same file twice: no change. */
	write_file(path, "Three,a.example\n");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	targets_list(fx->s, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.line[0], "Three|a.example|0");
	assert_string_equal(l.line[1], "Two|b.example|1");
	/* Consent withdrawn. */
	write_file(path, "Two,c.example,no\n");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	targets_list(fx->s, &l);
	assert_string_equal(l.line[1], "Two|b.example|0");
	assert_string_equal(l.line[2], "Two|c.example|0");
}

/* ---- rounds and agents --------------------------------------------------------------- */

struct rlist {
	size_t n;
	struct store_round r[8];
};

static int
rlist_cb(const struct store_round *r, void *arg)
{
	struct rlist *l = arg;

	if (l->n < 8)
		l->r[l->n] = *r;
	l->n++;
	return 0;
}

static void
test_rounds(void **state)
{
	struct fx *fx = *state;
	struct store_round r;
	struct rlist l;
	uint64_t id = 0;
	Peil__Result *res[3];
	struct store_batch b;
	char path[128], err[256] = "";
	size_t count = 0;

	assert_int_equal(store_round_latest(fx->s, &r), PEIL_ENOENT);
	assert_int_equal(store_round_end(fx->s, 1, 50), PEIL_ENOENT);
	assert_int_equal(store_round_begin(fx->s, 100, 5, 0, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(store_round_latest(fx->s, &r), 0);
	assert_int_equal(r.id, 1);
	assert_int_equal(r.started, 100);
	assert_int_equal(r.ended, 0);
	assert_int_equal(r.targets, 5);
	assert_int_equal(store_round_begin(fx->s, 200, 6, 0, &id), 0);
	assert_int_equal(id, 2);
	/* Results count for the round they carry; a round never handed out (9) is refused and
	 * counted for no round. */
	res[0] = result_new("a.example", "t", "", 2, PEIL__STATUS__PASSED, 1, 0);
	res[1] = result_new("a.example", "u", "", 1, PEIL__STATUS__PASSED, 2, 0);
	res[2] = result_new("a.example", "v", "", 9, PEIL__STATUS__PASSED, 3, 0);
	snprintf(path, sizeof(path), "%s/t.csv", fx->dir);
	write_file(path, "o,a.example\n");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	for (uint64_t k = 1; k <= 2; k++) {
		assert_int_equal(store_agent_round_given(fx->s, "alpha", k, 250), 0);
		assert_int_equal(store_agent_round_given(fx->s, "beta", k, 250), 0);
	}
	b = (struct store_batch){ "alpha", 1, res, 3, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(store_ingest(fx->s, &b, 1, 250), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	assert_int_equal(b.refused[STORE_REFUSED_NOT_GIVEN], 1);
	b = (struct store_batch){ "beta", 1, res, 2, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(store_ingest(fx->s, &b, 1, 250), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	assert_int_equal(store_ingest(fx->s, &b, 1, 250), 0);
	assert_int_equal(b.outcome, STORE_DUPLICATE);
	for (size_t i = 0; i < 3; i++)
		peil__result__free_unpacked(res[i], NULL);
	assert_int_equal(store_round_end(fx->s, 2, 300), 0);
	assert_int_equal(store_round_end(fx->s, 2, 400), 0);   /* ended once */
	reopen(fx, 0, false);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_rounds_each(fx->s, rlist_cb, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[0].id, 1);
	assert_int_equal(l.r[0].ended, 200);       /* ended when round 2 began */
	assert_int_equal(l.r[0].results, 2);
	assert_int_equal(l.r[1].id, 2);
	assert_int_equal(l.r[1].started, 200);
	assert_int_equal(l.r[1].ended, 300);
	assert_int_equal(l.r[1].targets, 6);
	assert_int_equal(l.r[1].results, 2);
	/* A round that was ended stays as it is when the next begins. */
	assert_int_equal(store_round_begin(fx->s, 500, 7, 0, &id), 0);
	assert_int_equal(id, 3);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_rounds_each(fx->s, rlist_cb, &l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.r[1].ended, 300);
	assert_int_equal(l.r[2].ended, 0);
}

struct alist {
	size_t n;
	char line[8][400];
	int stop;
};

static int
alist_cb(const struct store_agent *a, void *arg)
{
	struct alist *l = arg;

	if (l->n < 8)
		snprintf(l->line[l->n], sizeof(l->line[0]), "%s %d%d %s %lld %lld %llu %llu %llu",
		    a->name, a->ipv4, a->ipv6, a->description, (long long)a->first_seen,
		    (long long)a->last_seen, (unsigned long long)a->last_batch_seq,
		    (unsigned long long)a->results, (unsigned long long)a->last_round_done);
	l->n++;
	return l->stop;
}

static void
test_agents(void **state)
{
	struct fx *fx = *state;
	Peil__Vantage v = PEIL__VANTAGE__INIT;
	struct store_agent a;
	struct alist l;
	char longdesc[600];

	v.ipv4 = true;
	v.description = "Amsterdam, AS64496";
	assert_int_equal(store_agent_hello(fx->s, "zulu", &v, 0, 0, 10), 0);
	v.ipv6 = true;
	v.description = "Den Haag";
	assert_int_equal(store_agent_hello(fx->s, "alpha", &v, 0, 0, 20), 0);
	assert_int_equal(store_agent_round_done(fx->s, "alpha", 3, 30), 0);
	/* No going back, and nothing changed: not written (seen again within the minute). */
	assert_int_equal(store_agent_round_done(fx->s, "alpha", 2, 40), 0);
	assert_int_equal(store_agent_round_done(fx->s, "mike", 1, 50), 0);
	assert_int_equal(store_agent_hello(fx->s, "zulu", NULL, 0, 0, 60), 0);  /* facts kept */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_agents_each(fx->s, alist_cb, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.line[0], "alpha 11 Den Haag 20 30 0 0 3");
	assert_string_equal(l.line[1], "mike 00  50 50 0 0 1");
	assert_string_equal(l.line[2], "zulu 10 Amsterdam, AS64496 10 10 0 0 0");
	/* A minute later an unchanged hello is written again. */
	assert_int_equal(store_agent_hello(fx->s, "zulu", NULL, 0, 0, 10 + AGENT_SEEN_WRITE_S), 0);
	assert_int_equal(store_agent_get(fx->s, "zulu", &a), 0);
	assert_int_equal(a.last_seen, 10 + AGENT_SEEN_WRITE_S);
	memset(&l, 0, sizeof(l));
	l.stop = 7;
	assert_int_equal(store_agents_each(fx->s, alist_cb, &l), 7);
	assert_int_equal(l.n, 1);
	/* Descriptions are bounded, without splitting a UTF-8 character. */
	memset(longdesc, 'a', sizeof(longdesc));
	memcpy(longdesc + MAX_DESCRIPTION_LEN - 1, "\xc3\xa9", 2);
	longdesc[sizeof(longdesc) - 1] = '\0';
	v.description = longdesc;
	assert_int_equal(store_agent_hello(fx->s, "zulu", &v, 0, 0, 70), 0);
	assert_int_equal(store_agent_get(fx->s, "zulu", &a), 0);
	assert_int_equal(strlen(a.description), MAX_DESCRIPTION_LEN - 1);
	assert_true(a.ipv6);
	assert_int_equal(store_agent_hello(fx->s, "", &v, 0, 0, 70), PEIL_EINVAL);
	/* Control characters from the network do not reach a terminal. */
	v.description = "evil\x1b[2J\n";
	assert_int_equal(store_agent_hello(fx->s, "zulu", &v, 0, 0, 80), 0);
	assert_int_equal(store_agent_get(fx->s, "zulu", &a), 0);
	assert_string_equal(a.description, "evil?[2J?");
}

/* ---- what an agent may store --------------------------------------------------------- */

/* A batch of one agent in one call; returns what it stored, the refusals in b->refused. */
static size_t
ingest_counted(struct store *s, struct store_batch *b, int64_t now)
{
	size_t refused = 0;

	assert_int_equal(store_ingest(s, b, 1, now), 0);
	for (int i = 0; i < STORE_REFUSALS; i++)
		refused += b->refused[i];
	return b->outcome == STORE_STORED ? b->n - refused : 0;
}

/* Results are taken only for a target of a round handed to the agent that is open or ended
 * within the grace period, up to a cap per agent and round; the rest is refused and counted,
 * and the batch is still acknowledged (its seq taken). */
static void
test_accept(void **state)
{
	struct fx *fx = *state;
	Peil__Result *r[6], **many;
	struct store_batch b;
	struct store_agent a;
	struct store_round rd;
	struct rlist l;
	struct seen x;
	char path[128], err[256] = "";
	size_t count = 0, stored = 0;
	uint64_t id = 0, cap = store_round_cap(2, 1);

	snprintf(path, sizeof(path), "%s/t.csv", fx->dir);
	write_file(path, "o,a.example\no,b.example\n");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	assert_int_equal(store_round_begin(fx->s, 100, 2, 1, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(store_agent_round_given(fx->s, "alpha", 1, 100), 0);

	/* One batch: a good result, a domain not in the round, a round that does not exist, a
	 * round 0, and one more good one. */
	r[0] = result_new("a.example", "t0", "", 1, PEIL__STATUS__PASSED, 1, 0);
	r[1] = result_new("c.example", "t0", "", 1, PEIL__STATUS__PASSED, 2, 0);
	r[2] = result_new("a.example", "t0", "", 2, PEIL__STATUS__PASSED, 3, 0);
	r[3] = result_new("a.example", "t0", "", 0, PEIL__STATUS__PASSED, 4, 0);
	r[4] = result_new("b.example", "t1", "", 1, PEIL__STATUS__PASSED, 5, 0);
	r[5] = result_new("", "t1", "", 1, PEIL__STATUS__PASSED, 6, 0);
	b = (struct store_batch){ "alpha", 1, r, 6, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 150), 2);
	assert_int_equal(b.outcome, STORE_STORED);
	assert_int_equal(b.refused[STORE_REFUSED_DOMAIN], 2);
	assert_int_equal(b.refused[STORE_REFUSED_NOT_GIVEN], 2);
	assert_int_equal(b.refused[STORE_REFUSED_CLOSED], 0);
	assert_int_equal(b.refused[STORE_REFUSED_CAP], 0);
	/* Sent again: a re-send, nothing stored or counted twice. */
	assert_int_equal(ingest_counted(fx->s, &b, 151), 0);
	assert_int_equal(b.outcome, STORE_DUPLICATE);
	assert_int_equal(store_agent_get(fx->s, "alpha", &a), 0);
	assert_int_equal(a.last_batch_seq, 1);
	assert_int_equal(a.results, 2);
	assert_int_equal(a.refused, 4);

	/* Round 2 goes to beta only: alpha's results for it are refused, beta's taken. */
	assert_int_equal(store_round_begin(fx->s, 200, 2, 1, &id), 0);
	assert_int_equal(store_agent_round_given(fx->s, "beta", 2, 200), 0);
	b = (struct store_batch){ "alpha", 2, r + 2, 1, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 210), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	assert_int_equal(b.refused[STORE_REFUSED_NOT_GIVEN], 1);
	b = (struct store_batch){ "beta", 1, r + 2, 1, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 210), 1);

	/* Round 1 ended at 200: its results are taken up to the grace period, not after. */
	b = (struct store_batch){ "alpha", 3, r, 1, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 200 + DEFAULT_ROUND_GRACE_S), 1);
	b = (struct store_batch){ "alpha", 4, r, 1, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 201 + DEFAULT_ROUND_GRACE_S), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	assert_int_equal(b.refused[STORE_REFUSED_CLOSED], 1);

	/* The cap: 2 targets x 1 test, plus the margin; beta fills it and no more. */
	assert_int_equal(cap, 2 + 2 * ROUND_CAP_MARGIN_PCT / 100 + ROUND_CAP_SLACK);
	many = calloc(cap + 10, sizeof(*many));
	assert_non_null(many);
	for (size_t i = 0; i < cap + 10; i++) {
		many[i] = r[2];     /* a.example, round 2 */
	}
	b = (struct store_batch){ "beta", 2, many, cap - 1 - 5, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 300), cap - 1 - 5);
	b = (struct store_batch){ "beta", 3, many, 15, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 301), 5);
	assert_int_equal(b.refused[STORE_REFUSED_CAP], 10);
	/* The cap is per agent and round: alpha's round 1 is not touched by it. */
	b = (struct store_batch){ "alpha", 5, r + 4, 1, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 302), 1);
	free(many);

	/* The rounds say what they took and refused. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_rounds_each(fx->s, rlist_cb, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[0].results, 2 + 1 + 1);
	assert_int_equal(l.r[0].refused, 2 + 1);       /* domains, the closed one */
	assert_int_equal(l.r[0].tests, 1);
	assert_int_equal(l.r[1].results, cap);
	assert_int_equal(l.r[1].refused, 10);

	/* A record keeps the MAX_AGENT_ROUNDS newest rounds handed out: older ones are refused. */
	for (uint64_t k = 3; k < 3 + MAX_AGENT_ROUNDS; k++)
		assert_int_equal(store_agent_round_given(fx->s, "alpha", k, 303), 0);
	assert_int_equal(store_round_latest(fx->s, &rd), 0);
	b = (struct store_batch){ "alpha", 6, r + 4, 1, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 304), 0);
	assert_int_equal(b.refused[STORE_REFUSED_NOT_GIVEN], 1);

	/* What was stored is all there is, after reopening too. */
	reopen(fx, 0, true);
	stored = (2 + 1 + 1) + cap;     /* alpha, beta */
	seen_init(&x);
	assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
	assert_int_equal(x.n, stored);
	assert_int_equal(store_agent_get(fx->s, "alpha", &a), 0);
	assert_int_equal(a.last_batch_seq, 6);
	assert_int_equal(a.results, 2 + 1 + 1);
	assert_int_equal(a.refused, 4 + 1 + 1 + 1);
	for (int i = 0; i < 6; i++)
		peil__result__free_unpacked(r[i], NULL);
}

/* The vantage self-tests carry no domain: stored (and only they), indexed per round, read
 * back through a view exactly whether the index has caught up or not. */
static bool
want_reach(const char *test, void *arg)
{
	(void)arg;
	return strcmp(test, "web_ipv6_ws_reach") == 0;
}

static void
check_view(struct store *s, bool newer)
{
	struct store_view *v = NULL;
	struct store_sel sel = { 1, "", NULL, NULL, NULL };
	struct seen x;

	assert_int_equal(store_view_open(s, &v), 0);
	assert_int_equal(keys_match_round(v, &sel), 3);
	sel.domain = NULL;
	assert_int_equal(keys_match_round(v, &sel), 3 + 3 + 1);
	sel.domain = "";
	store_release_pages(s);
	seen_init(&x);
	assert_int_equal(store_view_round(v, &sel, seen_cb, &x), 0);
	assert_int_equal(x.n, 3);
	assert_string_equal(x.line[0], newer ? " vantage_ipv6 alpha 6 8" : " vantage_ipv6 alpha 1 1");
	assert_string_equal(x.line[1], " vantage_ipv6 beta 2 1");
	assert_string_equal(x.line[2], " vantage_rov alpha 2 2");
	/* One (domain, test) of the round: every vantage's. */
	sel = (struct store_sel){ 1, "a.example", "web_ipv6_ws_reach", NULL, NULL };
	seen_init(&x);
	assert_int_equal(store_view_round(v, &sel, seen_cb, &x), 0);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.line[0], "a.example web_ipv6_ws_reach alpha 6 5");
	assert_string_equal(x.line[1], "a.example web_ipv6_ws_reach beta 1 2");
	/* Every domain, one test through the filter. */
	sel = (struct store_sel){ 1, NULL, NULL, want_reach, NULL };
	assert_int_equal(keys_match_round(v, &sel), 3);
	seen_init(&x);
	assert_int_equal(store_view_round(v, &sel, seen_cb, &x), 0);
	assert_int_equal(x.n, 3);
	assert_string_equal(x.line[2], "b.example web_ipv6_ws_reach alpha 6 6");
	/* Another round: nothing. */
	sel = (struct store_sel){ 2, NULL, NULL, NULL, NULL };
	seen_init(&x);
	assert_int_equal(store_view_round(v, &sel, seen_cb, &x), 0);
	assert_int_equal(x.n, 0);
	store_view_free(v);
	/* show never sees them: they are not about a domain. */
	seen_init(&x);
	assert_int_equal(store_show(s, "a.example", seen_cb, &x), 0);
	assert_int_equal(x.n, 3);
}

static void
test_vantage_results(void **state)
{
	struct fx *fx = *state;
	Peil__Result *r[7], *b1[2], *late;
	struct store_batch b;
	struct store_stats st;
	char path[128], err[256] = "";
	size_t count = 0, done = 0;
	uint64_t id = 0;

	snprintf(path, sizeof(path), "%s/t.csv", fx->dir);
	write_file(path, "o,a.example\no,b.example\n");
	assert_int_equal(store_targets_import(fx->s, path, &count, err, sizeof(err)), 0);
	assert_int_equal(store_round_begin(fx->s, 100, 2, 0, &id), 0);
	assert_int_equal(store_agent_round_given(fx->s, "alpha", 1, 100), 0);
	assert_int_equal(store_agent_round_given(fx->s, "beta", 1, 100), 0);
	r[0] = result_new("", "vantage_ipv6", "", 1, PEIL__STATUS__PASSED, 1, 0);
	r[1] = result_new("", "vantage_rov", "", 1, PEIL__STATUS__FAILED, 2, 0);
	r[2] = result_new("", "mail_auth_spf_policy", "", 1, PEIL__STATUS__PASSED, 3, 0);
	r[3] = result_new("", "web_ipv6_ws_reach", "", 1, PEIL__STATUS__PASSED, 4, 0);
	r[4] = result_new("a.example", "web_ipv6_ws_reach", "", 1, PEIL__STATUS__ERROR, 5, 0);
	r[5] = result_new("b.example", "web_ipv6_ws_reach", "", 1, PEIL__STATUS__ERROR, 6, 0);
	r[6] = result_new("a.example", "t0", "", 1, PEIL__STATUS__PASSED, 7, 0);
	b = (struct store_batch){ "alpha", 1, r, 7, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 150), 5);
	assert_int_equal(b.refused[STORE_REFUSED_DOMAIN], 2);   /* an empty domain, not a self-test */
	b1[0] = result_new("", "vantage_ipv6", "", 1, PEIL__STATUS__FAILED, 1, 0);
	b1[1] = result_new("a.example", "web_ipv6_ws_reach", "", 1, PEIL__STATUS__PASSED, 2, 0);
	b = (struct store_batch){ "beta", 1, b1, 2, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 150), 2);
	check_view(fx->s, false);                 /* the tail only */
	assert_int_equal(store_index_step(fx->s, 3, &done), 0);
	check_view(fx->s, false);                 /* half indexed */
	assert_int_equal(store_index_step(fx->s, 100, &done), 0);
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_int_equal(st.indexed, 7);
	check_view(fx->s, false);                 /* the index only */
	/* A later self-test of the same round replaces the earlier one, indexed or not. */
	late = result_new("", "vantage_ipv6", "", 1, PEIL__STATUS__ERROR, 8, 0);
	b = (struct store_batch){ "alpha", 2, &late, 1, 0, 0, 0, NULL, { 0 } };
	assert_int_equal(ingest_counted(fx->s, &b, 160), 1);
	check_view(fx->s, true);
	assert_int_equal(store_index_step(fx->s, 100, &done), 0);
	reopen(fx, 0, true);
	check_view(fx->s, true);
	for (int i = 0; i < 7; i++)
		peil__result__free_unpacked(r[i], NULL);
	peil__result__free_unpacked(b1[0], NULL);
	peil__result__free_unpacked(b1[1], NULL);
	peil__result__free_unpacked(late, NULL);
}

/* Results of n (domain, test) keys in `round` from one agent, every status in turn from
 * `shift`, result_seq from base. */
static Peil__Result **
results_status(size_t n, uint64_t base, uint64_t round, int shift)
{
	Peil__Result **r = results_make(n, base, 0);

	for (size_t i = 0; i < n; i++) {
		r[i]->round_id = round;
		r[i]->status = (Peil__Status)(1 + (i + (size_t)shift) % 6);
	}
	return r;
}

/* Answers of show, export and the per-round view of a store, to compare before and after. */
struct answers {
	struct seen show, exp;
	struct vseen view[3];     /* rounds 1, 2, and every domain's t3 of round 2 */
};

static bool
want_t3(const char *test, void *arg)
{
	(void)arg;
	return strcmp(test, "t3") == 0;
}

static void
answers_get(struct store *s, struct answers *a)
{
	struct store_view *v = NULL;
	struct store_sel sel[3] = {
		{ 1, NULL, NULL, NULL, NULL },
		{ 2, NULL, NULL, NULL, NULL },
		{ 2, NULL, NULL, want_t3, NULL },
	};

	memset(a, 0, sizeof(*a));
	seen_init(&a->show);
	seen_init(&a->exp);
	assert_int_equal(store_show(s, "d1.example", seen_cb, &a->show), 0);
	assert_int_equal(store_export(s, seen_cb, &a->exp), 0);
	assert_int_equal(store_view_open(s, &v), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_view_round(v, &sel[i], vseen_round_cb, &a->view[i]), 0);
		assert_int_equal(keys_match_round(v, &sel[i]), a->view[i].n);
	}
	store_view_free(v);
}

static void
answers_equal(const struct answers *a, const struct answers *b)
{
	assert_int_equal(a->show.n, b->show.n);
	for (size_t i = 0; i < a->show.n && i < 256; i++)
		assert_string_equal(a->show.line[i], b->show.line[i]);
	assert_int_equal(a->exp.n, b->exp.n);
	for (size_t i = 0; i < a->exp.n && i < 256; i++)
		assert_string_equal(a->exp.line[i], b->exp.line[i]);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(a->view[k].n, b->view[k].n);
		for (size_t i = 0; i < a->view[k].n && i < 256; i++)
			assert_string_equal(a->view[k].line[i], b->view[k].line[i]);
	}
}

/* Rewrites every `every`th per-round index value of the store at `path` to schema 2's (the
 * seq alone) and its version to 2: with 1 as peil of schema 2 left it, with more as an
 * upgrade to 3 interrupted part way; returns the entries rewritten. */
static size_t
downgrade_to_v2(const char *path, size_t every)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *c;
	MDB_val k, v;
	uint8_t vb[8], kb[511];
	size_t n = 0, i = 0;
	int mrc;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_open(env, path, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "rindex", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		assert_int_equal(v.mv_size, 9);
		if (i++ % every != 0)
			continue;
		assert_true(k.mv_size <= sizeof(kb));
		memcpy(kb, k.mv_data, k.mv_size);     /* the node moves: not from the page */
		k.mv_data = kb;
		memcpy(vb, v.mv_data, 8);
		v.mv_size = 8;
		v.mv_data = vb;
		assert_int_equal(mdb_cursor_put(c, &k, &v, MDB_CURRENT), 0);
		n++;
	}
	assert_int_equal(mrc, MDB_NOTFOUND);
	mdb_cursor_close(c);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	set_schema(path, 2);
	return n;
}

/* Every per-round index value of the store at `path` is 9 bytes: the seq, and the status of
 * the log entry it names. Returns how many. */
static size_t
check_rindex_v3(const char *path)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi, log;
	MDB_cursor *c;
	MDB_val k, v, lv;
	size_t n = 0;
	int mrc;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_open(env, path, MDB_RDONLY, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "rindex", 0, &dbi), 0);
	assert_int_equal(mdb_dbi_open(txn, "log", 0, &log), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	    mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		MDB_val lk = { 8, v.mv_data };
		Peil__Result *r;

		assert_int_equal(v.mv_size, 9);
		assert_int_equal(mdb_get(txn, log, &lk, &lv), 0);
		assert_non_null(r = peil__result__unpack(NULL, lv.mv_size, lv.mv_data));
		assert_int_equal(((const uint8_t *)v.mv_data)[8], r->status);
		peil__result__free_unpacked(r, NULL);
		n++;
	}
	assert_int_equal(mrc, MDB_NOTFOUND);
	mdb_cursor_close(c);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return n;
}

/* A schema 2 store (index values without the status) with a partly indexed log: refused
 * read-only; a writer backs it up and upgrades it to 3, every index value getting its
 * result's status; show, export and the per-round views answer exactly as before. */
static void
test_schema_upgrade_v2(void **state)
{
	struct fx *fx = *state;
	struct store_opts o = { 0, false, true, 0, 0 }, ro = { 0, true, false, 0, 0 };
	static struct answers before, after;
	struct store *s = NULL;
	Peil__Result **r;
	size_t done, n;
	uint64_t ver, created;
	bool backup = false;
	struct dirent *de;
	DIR *d;

	r = results_status(40, 0, 1, 0);
	assert_int_equal(ingest1(fx->s, "alpha", 1, r, 40, NULL), STORE_STORED);
	results_free(r, 40);
	r = results_status(40, 0, 1, 3);
	assert_int_equal(ingest1(fx->s, "beta", 1, r, 40, NULL), STORE_STORED);
	results_free(r, 40);
	r = results_status(40, 10, 2, 1);
	assert_int_equal(ingest1(fx->s, "alpha", 2, r, 40, NULL), STORE_STORED);
	results_free(r, 40);
	assert_int_equal(store_index_step(fx->s, 100, &done), 0);
	assert_int_equal(done, 100);             /* 20 of round 2 left in the tail */
	/* A newer result of an indexed key, in the unindexed tail: it wins, before and after. */
	r = results_status(5, 10, 2, 4);
	assert_int_equal(ingest1(fx->s, "alpha", 3, r, 5, NULL), STORE_STORED);
	results_free(r, 5);
	answers_get(fx->s, &before);
	assert_true(before.view[0].n == 80 && before.view[1].n == 40 && before.view[2].n == 4);
	store_close(fx->s);
	fx->s = NULL;
	n = downgrade_to_v2(fx->path, 1);
	assert_int_equal(n, 100);
	assert_int_equal(store_open(fx->path, &ro, &s), PEIL_ESCHEMA);
	assert_null(s);
	assert_int_equal(store_open(fx->path, &o, &fx->s), 0);
	get_schema(fx->path, &ver, &created);
	assert_int_equal(ver, 3);
	assert_int_equal(check_rindex_v3(fx->path), n);
	assert_non_null(d = opendir(fx->path));
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "backup-v2-", 10) == 0)
			backup = true;
	closedir(d);
	assert_true(backup);
	reopen(fx, 0, true);
	answers_get(fx->s, &after);
	answers_equal(&before, &after);
	/* The tail indexed now: the same answers again. */
	reopen(fx, 0, false);
	assert_int_equal(store_index_step(fx->s, 100, &done), 0);
	assert_int_equal(done, 20 + 5);
	answers_get(fx->s, &after);
	answers_equal(&before, &after);
	assert_int_equal(check_rindex_v3(fx->path), 80 + 40);   /* every key of both rounds */
	/* An upgrade interrupted part way (one value in three without its status): read-only
	 * still refused; a writer finishes it. */
	store_close(fx->s);
	fx->s = NULL;
	assert_int_equal(downgrade_to_v2(fx->path, 3), 40);
	assert_non_null(d = opendir(fx->path));     /* the first backup goes (named by second) */
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "backup-v2-", 10) == 0) {
			char bk[600];

			snprintf(bk, sizeof(bk), "%s/%s", fx->path, de->d_name);
			nftw(bk, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		}
	closedir(d);
	assert_int_equal(store_open(fx->path, &ro, &s), PEIL_ESCHEMA);
	assert_int_equal(store_open(fx->path, &o, &fx->s), 0);
	get_schema(fx->path, &ver, &created);
	assert_int_equal(ver, 3);
	assert_int_equal(check_rindex_v3(fx->path), 80 + 40);
	answers_get(fx->s, &after);
	answers_equal(&before, &after);
}

/* store_view_keys over a round with several vantages, statuses and a tail that replaces
 * indexed entries with other statuses: the entries store_view_round gives, in its order;
 * a callback's non-zero return stops the walk; store_release_pages between walks changes
 * nothing. */
static int
stop_at_3(const struct store_vkey *k, void *arg)
{
	size_t *n = arg;

	(void)k;
	return ++*n == 3 ? 7 : 0;
}

static void
test_view_keys(void **state)
{
	struct fx *fx = *state;
	struct store_view *v = NULL;
	struct store_sel sel = { 1, NULL, NULL, NULL, NULL };
	Peil__Result **r;
	size_t done, n = 0;

	r = results_status(30, 0, 1, 0);
	assert_int_equal(ingest1(fx->s, "b", 1, r, 30, NULL), STORE_STORED);
	results_free(r, 30);
	r = results_status(30, 0, 1, 2);
	assert_int_equal(ingest1(fx->s, "a", 1, r, 30, NULL), STORE_STORED);
	results_free(r, 30);
	/* Nothing indexed: the tail alone. */
	assert_int_equal(store_view_open(fx->s, &v), 0);
	assert_int_equal(keys_match_round(v, &sel), 60);
	store_view_free(v);
	assert_int_equal(store_index_step(fx->s, 1000, &done), 0);
	/* Every key again, other statuses, half of them in the tail. */
	r = results_status(30, 0, 1, 5);
	assert_int_equal(ingest1(fx->s, "a", 2, r, 15, NULL), STORE_STORED);
	assert_int_equal(store_index_step(fx->s, 1000, &done), 0);
	assert_int_equal(ingest1(fx->s, "b", 2, r + 15, 15, NULL), STORE_STORED);
	results_free(r, 30);
	assert_int_equal(store_view_open(fx->s, &v), 0);
	assert_int_equal(keys_match_round(v, &sel), 60);
	store_release_pages(fx->s);
	assert_int_equal(keys_match_round(v, &sel), 60);
	sel = (struct store_sel){ 1, "d2.example", NULL, NULL, NULL };
	assert_int_equal(keys_match_round(v, &sel), 20);
	sel = (struct store_sel){ 1, "d2.example", "t4", NULL, NULL };
	assert_int_equal(keys_match_round(v, &sel), 2);
	sel = (struct store_sel){ 1, NULL, NULL, want_t3, NULL };
	assert_int_equal(keys_match_round(v, &sel), 6);
	sel = (struct store_sel){ 2, NULL, NULL, NULL, NULL };
	assert_int_equal(keys_match_round(v, &sel), 0);
	sel = (struct store_sel){ 1, NULL, NULL, NULL, NULL };
	assert_int_equal(store_view_keys(v, &sel, stop_at_3, &n), 7);
	assert_int_equal(n, 3);
	store_view_free(v);
	store_release_pages(fx->s);
	reopen(fx, 0, true);
	assert_int_equal(store_view_open(fx->s, &v), 0);
	assert_int_equal(keys_match_round(v, &sel), 60);
	store_release_pages(fx->s);
	store_view_free(v);
}

/* This process's resident pages (/proc/self/statm's second field). */
static long
resident_pages(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = -1;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld", &size, &res), 2);
	fclose(f);
	return res;
}

/* store_release_pages gives back the map's pages a read touched (about 8 MB of log read by an
 * export here), read-only or not; the store reads the same after. */
static void
test_release_pages(void **state)
{
	struct fx *fx = *state;
	Peil__Result **r = results_make(4000, 0, 2000);
	struct seen x;
	long before, after;

	assert_int_equal(ingest1(fx->s, "alpha", 1, r, 4000, NULL), STORE_STORED);
	results_free(r, 4000);
	for (int ro = 0; ro < 2; ro++) {
		reopen(fx, 0, ro == 1);
		seen_init(&x);
		assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
		assert_int_equal(x.n, 4000);
		before = resident_pages();
		store_release_pages(fx->s);
		after = resident_pages();
		assert_true(after < before - 1500);      /* 8 MB: about 2,000 pages of 4 KiB */
		seen_init(&x);
		assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
		assert_int_equal(x.n, 4000);
		assert_true(x.ordered);
	}
	store_release_pages(NULL);
}

/* Moves the fixture to a new store `name` with a map of map_mb growing to max_mb at most. */
static void
fresh_max(struct fx *fx, const char *name, size_t map_mb, size_t max_mb)
{
	struct store_opts o = { map_mb, false, true, max_mb, 0 };

	store_close(fx->s);
	fx->s = NULL;
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	assert_int_equal(store_open(fx->path, &o, &fx->s), 0);
}

/* At the map's ceiling a write is refused with PEIL_ETOOBIG and changes nothing: the store
 * stays readable and consistent, and takes the same batch once the ceiling is raised. */
static void
test_map_ceiling(void **state)
{
	struct fx *fx = *state;
	const size_t per = 200, blob = 1000;
	struct store_stats st;
	struct store_agent a;
	struct store_batch b;
	struct seen x;
	Peil__Result **r = NULL;
	uint64_t seq = 1;
	int rc = 0;
	struct store_opts o = { 1, false, true, 64, 0 };

	fresh_max(fx, "ceiling", 1, 2);
	for (int i = 0; i < 100; i++) {
		r = results_make(per, (seq - 1) * per, blob);
		admit(fx->s, "alpha", r, per, 5000);
		b = (struct store_batch){ "alpha", seq, r, per, 0, 0, 0, NULL, { 0 } };
		if ((rc = store_ingest(fx->s, &b, 1, 5000)) != 0)
			break;
		assert_int_equal(b.outcome, STORE_STORED);
		assert_int_equal(b.refused[STORE_REFUSED_CAP], 0);
		results_free(r, per);
		r = NULL;
		seq++;
	}
	assert_int_equal(rc, PEIL_ETOOBIG);
	assert_true(seq > 2);
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_int_equal(st.map_bytes, 2u << 20);
	assert_int_equal(st.results, (seq - 1) * per);
	/* Refused again, not half stored; a Hello that changes nothing still works. */
	assert_int_equal(store_ingest(fx->s, &b, 1, 5001), PEIL_ETOOBIG);
	assert_int_equal(store_agent_hello(fx->s, "alpha", NULL, 0, 0, 5001), 0);
	assert_int_equal(store_agent_get(fx->s, "alpha", &a), 0);
	assert_int_equal(a.last_batch_seq, seq - 1);
	assert_int_equal(a.results, (seq - 1) * per);
	/* Readable by another reader, every result whole and in order. */
	reopen(fx, 0, true);
	seen_init(&x);
	assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
	assert_int_equal(x.n, (seq - 1) * per);
	assert_true(x.ordered);
	seen_init(&x);
	assert_int_equal(store_show(fx->s, "d0.example", seen_cb, &x), 0);
	assert_int_equal(x.n, 10);
	/* A higher ceiling: the batch that was refused is stored. */
	store_close(fx->s);
	fx->s = NULL;
	assert_int_equal(store_open(fx->path, &o, &fx->s), 0);
	assert_int_equal(store_ingest(fx->s, &b, 1, 5002), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_int_equal(st.results, seq * per);
	results_free(r, per);
}

/* ---- read-only ----------------------------------------------------------------------- */

static void
test_readonly(void **state)
{
	struct fx *fx = *state;
	Peil__Result **r = results_make(5, 0, 0);
	struct seen x;
	struct store_agent a;
	struct store_batch b = { "alpha", 2, r, 5, 0, 0, 0, NULL, { 0 } };
	size_t done = 9, count = 9;
	char err[256] = "";
	uint64_t id;

	assert_int_equal(ingest1(fx->s, "alpha", 1, r, 5, NULL), STORE_STORED);
	reopen(fx, 0, true);
	seen_init(&x);
	assert_int_equal(store_export(fx->s, seen_cb, &x), 0);
	assert_int_equal(x.n, 5);
	seen_init(&x);
	assert_int_equal(store_show(fx->s, "d0.example", seen_cb, &x), 0);
	assert_int_equal(x.n, 5);
	assert_int_equal(store_agent_get(fx->s, "alpha", &a), 0);
	assert_int_equal(a.last_batch_seq, 1);
	assert_int_equal(store_ingest(fx->s, &b, 1, 5), PEIL_EINVAL);
	assert_int_equal(store_index_step(fx->s, 10, &done), PEIL_EINVAL);
	assert_int_equal(done, 0);
	assert_int_equal(store_round_begin(fx->s, 1, 1, 0, &id), PEIL_EINVAL);
	assert_int_equal(store_targets_import(fx->s, "/nonexistent", &count, err, sizeof(err)),
	    PEIL_EINVAL);
	results_free(r, 5);
}

/* A reader in another process while the writer grows the map under it. */
static int
child_export_count(const char *path, int rd, int wr)
{
	struct store_opts o = { 0, true, false, 0, 0 };
	struct store *s = NULL;
	struct seen x;
	char c = 0;
	int bad = 0;

	if (store_open(path, &o, &s) != 0)
		return 10;
	seen_init(&x);
	if (store_export(s, seen_cb, &x) != 0 || x.n != 100)
		bad = 11;
	if (write(wr, "r", 1) != 1 || read(rd, &c, 1) != 1)
		bad = 12;
	seen_init(&x);
	if (!bad && (store_export(s, seen_cb, &x) != 0 || x.n != 100 + 8000 || !x.ordered))
		bad = 13;
	seen_init(&x);
	if (!bad && (store_show(s, "d799.example", seen_cb, &x) != 0 || x.n != 10))
		bad = 14;
	store_close(s);
	return bad;
}

static void
test_readonly_concurrent(void **state)
{
	struct fx *fx = *state;
	Peil__Result **r = results_make(100, 0, 0);
	int to_child[2], to_parent[2], status = 0;
	struct store_stats st;
	pid_t pid;
	char c;

	fresh(fx, "shared", 1);
	assert_int_equal(ingest1(fx->s, "alpha", 1, r, 100, NULL), STORE_STORED);
	results_free(r, 100);
	assert_int_equal(pipe(to_child), 0);
	assert_int_equal(pipe(to_parent), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child must not touch the parent's environment: it opens its own. */
		_exit(child_export_count(fx->path, to_child[0], to_parent[1]));
	}
	assert_int_equal(read(to_parent[0], &c, 1), 1);
	for (uint64_t i = 0; i < 8; i++) {
		r = results_make(1000, 100 + i * 1000, 1000);
		assert_int_equal(ingest1(fx->s, "alpha", 2 + i, r, 1000, NULL), STORE_STORED);
		results_free(r, 1000);
	}
	assert_int_equal(store_stats(fx->s, &st), 0);
	assert_true(st.map_bytes >= (8u << 20));
	assert_int_equal(write(to_child[1], "g", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ingest_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ingest_packed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instances, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vantage_overwritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_growth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vantage_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_upgrade_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_ceiling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show_partial_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets_import_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets_import_dups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets_import_public_suffix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets_import_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets_reimport, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_concurrent, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
