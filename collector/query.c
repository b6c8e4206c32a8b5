/* query.c: read-only views of the store for the command line; show, export and agents
 * with the vantages' consensus (consensus.h, docs/consensus.md). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "consensus.h"
#include "err.h"
#include "esc.h"
#include "export.h"
#include "limits.h"
#include "query.h"
#include "result.h"
#include "vfacts.h"

int
query_format_parse(const char *s, enum query_format *out)
{
	if (strcasecmp(s, "table") == 0)
		*out = QUERY_TABLE;
	else if (strcasecmp(s, "json") == 0)
		*out = QUERY_JSON;
	else if (strcasecmp(s, "csv") == 0)
		*out = QUERY_CSV;
	else if (strcasecmp(s, "matrix") == 0)
		*out = QUERY_MATRIX;
	else if (strcasecmp(s, "internetnl") == 0)
		*out = QUERY_INTERNETNL;
	else
		return PEIL_EINVAL;
	return 0;
}

static void
fmt_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0) {
		snprintf(buf, len, "-");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The CSV header lines: printed over the first row, or alone when there is none (an empty
 * table is still CSV with its columns). */
static const char csv_agents[] = "agent,ipv4,ipv6,description,first_seen,last_seen,last_batch,"
    "results,last_round_done,refused,vantage_ipv6,vantage_rov,self_test_round,vantage_flag\n";
static const char csv_targets[] = "organisation,domain,publish\n";
static const char csv_rounds[] = "round,started,ended,targets,results,refused\n";
static const char csv_show[] = RESULT_CSV_COLUMNS ",consensus,disagree,who,counted,"
    "vantage_flag\n";
static const char csv_export[] = RESULT_CSV_COLUMNS ",consensus,disagree,who\n";

/* ---- show --------------------------------------------------------------------------------- */

struct show_rows {
	struct result_set rs;
};

static int
show_collect(const Peil__Result *r, void *arg)
{
	struct show_rows *x = arg;
	Peil__Result *d = result_dup(r);

	if (d == NULL)
		return PEIL_ENOMEM;
	return result_set_add(&x->rs, d);
}

/* A test of the domain: its rows [from, to) (every vantage's latest), the round the consensus
 * is taken in (the newest of them), and the consensus. */
struct show_test {
	size_t from, to;
	uint64_t round;
	struct consensus c;
	char *who;
};

/* A row: counted in its test's consensus, and its vantage's lie (in the row's round). */
struct show_row {
	bool counted;
	char flag[MAX_AGENT_NAME_LEN + 96];   /* "" when none */
};

static int
vantage_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
show_json_tail(FILE *f, const struct show_test *t, const struct show_row *w, bool with_counted)
{
	fprintf(f, ",\"consensus\":\"%s\",\"disagree\":%s,\"who\":", status_name(t->c.status),
	    t->c.disagree ? "true" : "false");
	esc_json(f, t->who);
	if (with_counted)
		fprintf(f, ",\"counted\":%s", w->counted ? "true" : "false");
	if (w != NULL && w->flag[0] != '\0') {
		fputs(",\"vantage_flag\":", f);
		esc_json(f, w->flag);
	}
	fputs("}\n", f);
}

static int
show_print(const struct show_rows *x, const struct show_test *t, size_t nt,
    const struct show_row *w, const char *domain, const struct store_stats *st,
    enum query_format fmt, FILE *f)
{
	Peil__Result **rs = x->rs.items;
	char **names = NULL;
	size_t nn = 0, width = 13;   /* "(not_tested)" and a blank */
	bool uncounted = false, flagged;

	if (fmt == QUERY_JSON || fmt == QUERY_CSV) {
		if (fmt == QUERY_CSV)
			fputs(csv_show, f);
		for (size_t k = 0; k < nt; k++) {
			for (size_t i = t[k].from; i < t[k].to; i++) {
				if (fmt == QUERY_JSON) {
					result_write_json_open(rs[i], f);
					show_json_tail(f, &t[k], &w[i], true);
					continue;
				}
				result_write_csv_fields(rs[i], f);
				fprintf(f, ",%s,%s,", status_name(t[k].c.status),
				    t[k].c.disagree ? "yes" : "no");
				esc_csv(f, t[k].who);
				fprintf(f, ",%s,", w[i].counted ? "yes" : "no");
				esc_csv(f, w[i].flag);
				putc('\n', f);
			}
		}
		return ferror(f) ? PEIL_EIO : 0;
	}
	/* The table: a column per vantage, in name order. */
	if ((names = calloc(x->rs.n, sizeof(*names))) == NULL)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < x->rs.n; i++)
		names[i] = rs[i]->vantage;
	qsort(names, x->rs.n, sizeof(*names), vantage_cmp);
	for (size_t i = 0; i < x->rs.n; i++) {
		if (nn > 0 && strcmp(names[nn - 1], names[i]) == 0)
			continue;
		names[nn++] = names[i];
		if (strlen(names[i]) + 1 > width)
			width = strlen(names[i]) + 1;
	}
	fprintf(f, "%s: latest verdict of every test from every vantage, and their consensus "
	    "(%llu results stored, %llu indexed)\n", domain, (unsigned long long)st->results,
	    (unsigned long long)st->indexed);
	/* A lying vantage is said first, once per vantage and round. */
	for (size_t i = 0; i < x->rs.n; i++) {
		flagged = false;
		for (size_t j = 0; j < i && !flagged; j++)
			flagged = strcmp(w[j].flag, w[i].flag) == 0;
		if (w[i].flag[0] == '\0' || flagged)
			continue;
		fputs("! ", f);
		esc_text_str(f, w[i].flag);
		fprintf(f, " (round %llu)\n", (unsigned long long)rs[i]->round_id);
	}
	fprintf(f, "%-40s ", "TEST");
	for (size_t v = 0; v < nn; v++)
		esc_text_pad(f, names[v], width);
	fprintf(f, "%-11s%s\n", "CONSENSUS", "DISAGREEMENT");
	for (size_t k = 0; k < nt; k++) {
		esc_text_pad(f, rs[t[k].from]->test_id, 40);
		putc(' ', f);
		for (size_t v = 0; v < nn; v++) {
			char cell[32];
			size_t i;

			for (i = t[k].from; i < t[k].to && strcmp(rs[i]->vantage, names[v]) != 0; i++)
				;
			if (i == t[k].to)
				snprintf(cell, sizeof(cell), "-");
			else if (w[i].counted)
				snprintf(cell, sizeof(cell), "%s", status_name((int)rs[i]->status));
			else
				snprintf(cell, sizeof(cell), "(%s)", status_name((int)rs[i]->status));
			if (i < t[k].to && !w[i].counted)
				uncounted = true;
			fprintf(f, "%-*s", (int)width, cell);
		}
		/* The row ends without trailing blanks. */
		if (t[k].c.disagree) {
			fprintf(f, "%-11sDISAGREE ", status_name(t[k].c.status));
			esc_text_str(f, t[k].who);
		} else {
			fputs(status_name(t[k].c.status), f);
		}
		putc('\n', f);
		for (size_t i = t[k].from; i < t[k].to; i++) {
			for (size_t e = 0; e < rs[i]->n_evidence; e++) {
				const Peil__Evidence *ev = rs[i]->evidence[e];

				if (ev == NULL)
					continue;
				fputs("    [", f);
				esc_text_str(f, rs[i]->vantage);
				fputs("] ", f);
				esc_text_str(f, ev->key);
				fputs(": ", f);
				esc_text_str(f, ev->value);
				putc('\n', f);
			}
		}
	}
	if (uncounted)
		fputs("(status): not counted in the consensus: the vantage has no IPv6 that round "
		    "(an IPv6 reachability test), or the result is of an older round\n", f);
	free(names);
	return ferror(f) ? PEIL_EIO : 0;
}

int
query_show(struct store *s, const char *domain, enum query_format fmt, FILE *f)
{
	struct show_rows x;
	struct show_test *t = NULL;
	struct show_row *w = NULL;
	struct consensus_vote *v = NULL;
	struct store_stats st = { 0 };
	struct vfacts c;
	bool ctx = false;
	size_t nt = 0;
	int rc;

	memset(&x, 0, sizeof(x));
	if (fmt == QUERY_TABLE && (rc = store_stats(s, &st)) != 0)
		return rc;
	if ((rc = store_show(s, domain, show_collect, &x)) != 0)
		goto out;
	if (x.rs.n == 0) {
		rc = PEIL_ENOENT;
		goto out;
	}
	if ((rc = vfacts_open(&c, s)) != 0)
		goto out;
	ctx = true;
	t = calloc(x.rs.n, sizeof(*t));
	w = calloc(x.rs.n, sizeof(*w));
	v = calloc(x.rs.n, sizeof(*v));
	if (t == NULL || w == NULL || v == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	/* The rows come ordered by test, then vantage: one test's rows are together. */
	for (size_t i = 0; i < x.rs.n;) {
		struct show_test *tk = &t[nt++];
		struct vfacts_round *r;
		size_t nv = 0;

		tk->from = i;
		for (tk->to = i; tk->to < x.rs.n &&
		    strcmp(x.rs.items[tk->to]->test_id, x.rs.items[i]->test_id) == 0; tk->to++)
			if (x.rs.items[tk->to]->round_id > tk->round)
				tk->round = x.rs.items[tk->to]->round_id;
		if ((rc = vfacts_round(&c, tk->round, true, &r)) != 0)
			goto out;
		for (size_t j = tk->from; j < tk->to; j++)
			if (x.rs.items[j]->round_id == tk->round)
				vfacts_vote(&c, r, x.rs.items[j]->vantage, (int)x.rs.items[j]->status,
				    &v[nv++]);
		consensus_decide(x.rs.items[i]->test_id, v, nv, &tk->c);
		if ((tk->who = vfacts_who(v, nv)) == NULL) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		nv = 0;
		for (size_t j = tk->from; j < tk->to; j++) {
			struct vfacts_round *rr;

			if (x.rs.items[j]->round_id == tk->round)
				w[j].counted = v[nv++].eligible;
			if ((rc = vfacts_round(&c, x.rs.items[j]->round_id, true, &rr)) != 0)
				goto out;
			vfacts_lie(rr, x.rs.items[j]->vantage, w[j].flag, sizeof(w[j].flag));
		}
		i = tk->to;
	}
	rc = show_print(&x, t, nt, w, domain, &st, fmt, f);
out:
	for (size_t k = 0; t != NULL && k < nt; k++)
		free(t[k].who);
	free(t);
	free(w);
	free(v);
	if (ctx)
		vfacts_free(&c);
	result_set_clear(&x.rs);
	return rc;
}

/* ---- export ------------------------------------------------------------------------------- */

/* The consensus of a (round, domain, test) once decided: its other vantages' lines come
 * later in the log, mostly soon after (agents deliver side by side). Direct-mapped. */
#define EXPORT_MEMO 16384
struct export_memo {
	char *key;                       /* "round domain \0 test", malloc'd; NULL: empty */
	size_t klen;
	struct consensus c;
	char *who;
};

struct export_arg {
	enum query_format fmt;
	FILE *f;
	size_t n;
	struct vfacts c;
	const Peil__Result *line;        /* the result being exported */
	struct consensus_vote *v;        /* the votes of its (round, domain, test) */
	char (*names)[MAX_AGENT_NAME_LEN + 1];
	size_t nv, cap;
	bool own;                        /* the line's vantage is among them */
	struct vfacts_round *r;
	struct export_memo *memo;        /* EXPORT_MEMO slots */
};

/* One exported line: the result and the consensus of its (round, domain, test); the CSV
 * header before the first (*n counts the lines). */
static void
export_row(enum query_format fmt, FILE *f, size_t *n, const Peil__Result *r,
    const struct show_test *t)
{
	if (fmt == QUERY_CSV && *n == 0)
		fputs(csv_export, f);
	(*n)++;
	switch (fmt) {
	case QUERY_JSON:
		result_write_json_open(r, f);
		show_json_tail(f, t, NULL, false);
		break;
	case QUERY_CSV:
		result_write_csv_fields(r, f);
		fprintf(f, ",%s,%s,", status_name(t->c.status), t->c.disagree ? "yes" : "no");
		esc_csv(f, t->who);
		putc('\n', f);
		break;
	default:
		result_write_table(r, f, true);
		fprintf(f, "    consensus: %s", status_name(t->c.status));
		if (t->c.disagree) {
			fputs(" (disagree: ", f);
			esc_text_str(f, t->who);
			putc(')', f);
		}
		putc('\n', f);
		break;
	}
}

static int
export_vote(struct export_arg *a, const Peil__Result *r)
{
	if (a->nv == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		struct consensus_vote *nv = realloc(a->v, cap * sizeof(*nv));
		char (*nn)[MAX_AGENT_NAME_LEN + 1];

		if (nv == NULL)
			return PEIL_ENOMEM;
		a->v = nv;
		if ((nn = realloc(a->names, cap * sizeof(*nn))) == NULL)
			return PEIL_ENOMEM;
		a->names = nn;
		a->cap = cap;
	}
	vfacts_vote(&a->c, a->r, r->vantage, (int)r->status, &a->v[a->nv]);
	snprintf(a->names[a->nv], sizeof(a->names[0]), "%s", r->vantage);
	a->nv++;
	if (strcmp(r->vantage, a->line->vantage) == 0)
		a->own = true;
	return 0;
}

static int
export_group_cb(const Peil__Result *r, void *arg)
{
	return export_vote(arg, r);
}

static int
export_one(const Peil__Result *r, void *argp)
{
	struct export_arg *a = argp;
	struct store_sel sel = { r->round_id, r->domain, r->test_id, NULL, NULL };
	struct show_test t;
	char *who;
	int rc;

	char key[24 + MAX_DOMAIN_LEN + 1 + MAX_TEST_ID_LEN + 1];
	struct export_memo *m = NULL;
	size_t klen = 0;
	uint64_t h = 1469598103934665603ULL;      /* FNV-1a */

	memset(&t, 0, sizeof(t));
	if (r->round_id != 0 && strlen(r->domain) <= MAX_DOMAIN_LEN &&
	    strlen(r->test_id) <= MAX_TEST_ID_LEN) {
		klen = (size_t)snprintf(key, sizeof(key), "%llu %s", (unsigned long long)r->round_id,
		    r->domain);
		key[klen++] = '\0';
		memcpy(key + klen, r->test_id, strlen(r->test_id));
		klen += strlen(r->test_id);
		for (size_t i = 0; i < klen; i++)
			h = (h ^ (uint8_t)key[i]) * 1099511628211ULL;
		m = &a->memo[h % EXPORT_MEMO];
		if (m->key != NULL && m->klen == klen && memcmp(m->key, key, klen) == 0) {
			t.c = m->c;
			t.who = m->who;
			goto write;
		}
	}
	a->line = r;
	a->nv = 0;
	a->own = false;
	if ((rc = vfacts_round(&a->c, r->round_id, false, &a->r)) != 0)
		return rc;
	/* Every vantage's latest of the same (round, domain, test), as the index has them. */
	if (r->round_id != 0 && (rc = store_view_round(a->c.view, &sel, export_group_cb, a)) != 0)
		return rc;
	if (!a->own && (rc = export_vote(a, r)) != 0)
		return rc;
	for (size_t i = 0; i < a->nv; i++)
		a->v[i].vantage = a->names[i];
	consensus_decide(r->test_id, a->v, a->nv, &t.c);
	if ((t.who = vfacts_who(a->v, a->nv)) == NULL)
		return PEIL_ENOMEM;
	/* Kept for the group's other lines when it holds every vantage's (this line's own
	 * was among them: nothing added for it alone). */
	if (m != NULL && a->own) {
		free(m->key);
		free(m->who);
		m->key = NULL;
		m->who = NULL;
		if ((m->key = malloc(klen)) != NULL) {
			memcpy(m->key, key, klen);
			m->klen = klen;
			m->c = t.c;
			m->who = t.who;
		}
	}
write:
	who = t.who;
	export_row(a->fmt, a->f, &a->n, r, &t);
	if (m == NULL || m->who != who)
		free(who);
	return ferror(a->f) ? PEIL_EIO : 0;
}

int
query_export(struct store *s, enum query_format fmt, FILE *f)
{
	struct export_arg a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.fmt = fmt;
	a.f = f;
	if ((a.memo = calloc(EXPORT_MEMO, sizeof(*a.memo))) == NULL)
		return PEIL_ENOMEM;
	if ((rc = vfacts_open(&a.c, s)) != 0) {
		free(a.memo);
		return rc;
	}
	rc = store_export(s, export_one, &a);
	if (rc == 0 && a.n == 0 && fmt == QUERY_CSV)
		fputs(csv_export, f);
	vfacts_free(&a.c);
	for (size_t i = 0; i < EXPORT_MEMO; i++) {
		free(a.memo[i].key);
		free(a.memo[i].who);
	}
	free(a.memo);
	free(a.v);
	free(a.names);
	return rc;
}

/* ---- export with filters: through the per-round index ----------------------------------- */

/* One (round, domain, test): every vantage's latest result of it, as the index walk gives
 * them (together: the walk is in (domain, test, vantage) order). */
struct sel_arg {
	enum query_format fmt;
	FILE *f;
	size_t n;                        /* lines written */
	struct vfacts *c;
	struct vfacts_round *r;          /* the facts of the round walked */
	struct result_set grp;
	struct consensus_vote *v;
	size_t capv;
};

static int
sel_flush(struct sel_arg *a)
{
	struct show_test t;
	size_t n = a->grp.n;

	if (n == 0)
		return 0;
	if (n > a->capv) {
		struct consensus_vote *nv = realloc(a->v, n * sizeof(*nv));

		if (nv == NULL)
			return PEIL_ENOMEM;
		a->v = nv;
		a->capv = n;
	}
	memset(&t, 0, sizeof(t));
	for (size_t i = 0; i < n; i++)
		vfacts_vote(a->c, a->r, a->grp.items[i]->vantage, (int)a->grp.items[i]->status,
		    &a->v[i]);
	consensus_decide(a->grp.items[0]->test_id, a->v, n, &t.c);
	if ((t.who = vfacts_who(a->v, n)) == NULL)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		export_row(a->fmt, a->f, &a->n, a->grp.items[i], &t);
	free(t.who);
	result_set_clear(&a->grp);
	return ferror(a->f) ? PEIL_EIO : 0;
}

static int
sel_one(const Peil__Result *r, void *argp)
{
	struct sel_arg *a = argp;
	Peil__Result *d;
	int rc;

	if (a->grp.n > 0 && (strcmp(a->grp.items[0]->domain, r->domain) != 0 ||
	    strcmp(a->grp.items[0]->test_id, r->test_id) != 0) && (rc = sel_flush(a)) != 0)
		return rc;
	if ((d = result_dup(r)) == NULL)
		return PEIL_ENOMEM;
	return result_set_add(&a->grp, d);
}

static int
export_sel_lines(struct store *s, const struct query_export_opts *o,
    const struct export_rounds *rs, enum query_format fmt, FILE *f, size_t *lines)
{
	struct sel_arg a;
	struct vfacts c;
	int rc;

	memset(&a, 0, sizeof(a));
	a.fmt = fmt;
	a.f = f;
	a.c = &c;
	if ((rc = vfacts_open(&c, s)) != 0)
		return rc;
	for (size_t k = 0; k < rs->n && rc == 0; k++) {
		struct store_sel sel = { rs->id[k], o->domain, NULL, NULL, NULL };

		if ((rc = vfacts_round(&c, rs->id[k], false, &a.r)) != 0)
			break;
		if ((rc = store_view_round(c.view, &sel, sel_one, &a)) == 0)
			rc = sel_flush(&a);
		/* A walk over many rounds keeps no more than one round's pages. */
		store_release_pages(s);
	}
	*lines = a.n;
	result_set_clear(&a.grp);
	free(a.v);
	vfacts_free(&c);
	return rc;
}

static int
export_rounds_cb(const struct store_round *r, void *arg)
{
	struct export_rounds *x = arg;
	uint64_t *n;

	if ((x->n & (x->n - 1)) == 0) {          /* grows at 0, 1, 2, 4, ... */
		if ((n = realloc(x->id, (x->n ? x->n * 2 : 1) * sizeof(*n))) == NULL)
			return PEIL_ENOMEM;
		x->id = n;
	}
	x->id[x->n++] = r->id;
	return 0;
}

int
export_rounds_pick(struct store *s, uint64_t round, struct export_rounds *out, char *err,
    size_t errlen)
{
	struct export_rounds all = { NULL, 0 };
	int rc;

	out->id = NULL;
	out->n = 0;
	if ((rc = store_rounds_each(s, export_rounds_cb, &all)) != 0) {
		free(all.id);
		return rc;
	}
	if (all.n == 0) {
		snprintf(err, errlen, "the store has no round yet");
		free(all.id);
		return PEIL_ENOENT;
	}
	if (round == 0) {
		*out = all;
		return 0;
	}
	for (size_t i = 0; i < all.n; i++) {
		if (all.id[i] == round) {
			all.id[0] = round;
			all.n = 1;
			*out = all;
			return 0;
		}
	}
	snprintf(err, errlen, "no round %llu: the store has rounds %llu to %llu",
	    (unsigned long long)round, (unsigned long long)all.id[0],
	    (unsigned long long)all.id[all.n - 1]);
	free(all.id);
	return PEIL_ENOENT;
}

int
query_export_sel(struct store *s, const struct query_export_opts *o, enum query_format fmt,
    FILE *f, char *err, size_t errlen)
{
	struct export_rounds rs = { NULL, 0 };
	size_t lines = 0;
	int rc;

	if (errlen > 0)
		err[0] = '\0';
	if (fmt == QUERY_INTERNETNL)
		return export_inl(s, o, f, err, errlen);
	/* Unfiltered lines: every stored result in log order, as always. */
	if (o->round == 0 && o->domain == NULL && fmt != QUERY_MATRIX)
		return query_export(s, fmt, f);
	if ((rc = export_rounds_pick(s, o->round, &rs, err, errlen)) != 0)
		return rc;
	if (fmt == QUERY_MATRIX) {
		rc = export_matrix(s, o, &rs, f, err, errlen);
		goto out;
	}
	if ((rc = export_sel_lines(s, o, &rs, fmt, f, &lines)) != 0)
		goto out;
	/* Nothing selected is said, never printed as an empty export that looks complete. */
	if (lines == 0) {
		if (o->domain != NULL && o->round != 0)
			snprintf(err, errlen, "no result for %s in round %llu", o->domain,
			    (unsigned long long)o->round);
		else if (o->domain != NULL)
			snprintf(err, errlen, "no result for %s in any round", o->domain);
		else
			snprintf(err, errlen, "round %llu has no results", (unsigned long long)o->round);
		rc = PEIL_ENOENT;
	}
out:
	free(rs.id);
	return rc;
}

/* An agent's self-tests: those of the newest round that has them. */
struct agent_self {
	char name[MAX_AGENT_NAME_LEN + 1];
	uint64_t round;                /* 0: none in the rounds looked at */
	int ipv6, rov;                 /* statuses; -1: none */
	char flag[MAX_AGENT_NAME_LEN + 96];
};

struct agents_arg {
	enum query_format fmt;
	FILE *f;
	size_t n;
	struct agent_self *self;       /* one per agent of the context, same order */
	size_t nself;
};

static const struct agent_self *
agents_self(const struct agents_arg *a, const char *name)
{
	for (size_t i = 0; i < a->nself; i++)
		if (strcmp(a->self[i].name, name) == 0)
			return &a->self[i];
	return NULL;
}

static int
agents_round_cb(const struct store_round *r, void *arg)
{
	uint64_t *ids = arg;

	/* The MAX_AGENT_ROUNDS newest, newest first (rounds come oldest first). */
	memmove(ids + 1, ids, (MAX_AGENT_ROUNDS - 1) * sizeof(*ids));
	ids[0] = r->id;
	return 0;
}

/* Each agent's self-tests of its newest round that has them, among the MAX_AGENT_ROUNDS
 * newest rounds (what an agent's record keeps), and the lie in that round. */
static int
agents_self_read(struct store *s, struct agents_arg *a)
{
	uint64_t ids[MAX_AGENT_ROUNDS] = { 0 };
	struct vfacts c;
	size_t left;
	int rc;

	if ((rc = vfacts_open(&c, s)) != 0)
		return rc;
	if ((a->self = calloc(c.nagents ? c.nagents : 1, sizeof(*a->self))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	a->nself = left = c.nagents;
	for (size_t i = 0; i < c.nagents; i++) {
		snprintf(a->self[i].name, sizeof(a->self[i].name), "%s", c.agents[i].name);
		a->self[i].ipv6 = a->self[i].rov = -1;
	}
	if ((rc = store_rounds_each(s, agents_round_cb, ids)) != 0)
		goto out;
	for (size_t k = 0; k < MAX_AGENT_ROUNDS && ids[k] != 0 && left > 0; k++) {
		struct vfacts_round *r;

		if ((rc = vfacts_round(&c, ids[k], false, &r)) != 0)
			goto out;
		for (size_t i = 0; i < a->nself; i++) {
			struct agent_self *as = &a->self[i];
			const struct vfacts_vantage *q;

			if (as->round != 0 || (q = vfacts_find(r, as->name)) == NULL)
				continue;
			as->round = ids[k];
			as->ipv6 = q->self_ipv6;
			as->rov = q->self_rov;
			left--;
		}
	}
	for (size_t i = 0; i < a->nself; i++) {
		struct agent_self *as = &a->self[i];
		struct vfacts_round *r;

		if (as->ipv6 != PEIL__STATUS__PASSED)
			continue;            /* only a vantage that says it has IPv6 can lie about it */
		if ((rc = vfacts_round(&c, as->round, true, &r)) != 0)
			goto out;
		vfacts_lie(r, as->name, as->flag, sizeof(as->flag));
	}
	rc = 0;
out:
	vfacts_free(&c);
	return rc;
}

static const char *
self_name(int status)
{
	return status < 0 ? "-" : status_name(status);
}

static int
agent_one(const struct store_agent *ag, void *argp)
{
	struct agents_arg *a = argp;
	const struct agent_self *self = agents_self(a, ag->name);
	struct agent_self none = { "", 0, -1, -1, "" };
	char first[32], last[32];

	if (self == NULL)
		self = &none;
	fmt_time(ag->first_seen, first, sizeof(first));
	fmt_time(ag->last_seen, last, sizeof(last));
	if (a->fmt == QUERY_JSON) {
		fprintf(a->f, "{\"agent\":");
		esc_json(a->f, ag->name);
		fprintf(a->f, ",\"ipv4\":%s,\"ipv6\":%s,\"description\":", ag->ipv4 ? "true" : "false",
		    ag->ipv6 ? "true" : "false");
		esc_json(a->f, ag->description ? ag->description : "");
		fprintf(a->f, ",\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"last_batch\":%llu,"
		    "\"results\":%llu,\"last_round_done\":%llu", first, last,
		    (unsigned long long)ag->last_batch_seq, (unsigned long long)ag->results,
		    (unsigned long long)ag->last_round_done);
		/* The self-tests of the newest round that has them; null: none. "refused" stays
		 * the last key, as before them. */
		fprintf(a->f, ",\"vantage_ipv6\":%s%s%s,\"vantage_rov\":%s%s%s,\"self_test_round\":",
		    self->ipv6 < 0 ? "" : "\"", self->ipv6 < 0 ? "null" : status_name(self->ipv6),
		    self->ipv6 < 0 ? "" : "\"", self->rov < 0 ? "" : "\"",
		    self->rov < 0 ? "null" : status_name(self->rov), self->rov < 0 ? "" : "\"");
		if (self->round == 0)
			fputs("null", a->f);
		else
			fprintf(a->f, "%llu", (unsigned long long)self->round);
		if (self->flag[0] != '\0') {
			fputs(",\"vantage_flag\":", a->f);
			esc_json(a->f, self->flag);
		}
		fprintf(a->f, ",\"refused\":%llu}\n", (unsigned long long)ag->refused);
	} else if (a->fmt == QUERY_CSV) {
		if (a->n == 0)
			fputs(csv_agents, a->f);
		esc_csv(a->f, ag->name);
		fprintf(a->f, ",%s,%s,", ag->ipv4 ? "yes" : "no", ag->ipv6 ? "yes" : "no");
		esc_csv_quoted(a->f, ag->description ? ag->description : "");
		fprintf(a->f, ",%s,%s,%llu,%llu,%llu,%llu,%s,%s,", first, last,
		    (unsigned long long)ag->last_batch_seq, (unsigned long long)ag->results,
		    (unsigned long long)ag->last_round_done, (unsigned long long)ag->refused,
		    self->ipv6 < 0 ? "" : status_name(self->ipv6),
		    self->rov < 0 ? "" : status_name(self->rov));
		if (self->round != 0)
			fprintf(a->f, "%llu", (unsigned long long)self->round);
		putc(',', a->f);
		esc_csv(a->f, self->flag);
		putc('\n', a->f);
	} else {
		if (a->n == 0)
			fprintf(a->f, "%-20s %-9s %-20s %-20s %10s %8s %6s %-10s %-10s  %s\n", "AGENT",
			    "FAMILIES", "FIRST SEEN", "LAST SEEN", "RESULTS", "REFUSED", "ROUND",
			    "SELF-IPV6", "SELF-ROV", "DESCRIPTION");
		/* The name is the allowlist's file name, the description what the agent said in its
		 * Hello: both untrusted, both through esc_text. */
		esc_text_pad(a->f, ag->name, 20);
		fprintf(a->f, " %-9s %-20s %-20s %10llu %8llu %6llu %-10s %-10s  ",
		    ag->ipv4 && ag->ipv6 ? "ipv4+ipv6" : ag->ipv6 ? "ipv6" : ag->ipv4 ? "ipv4" : "-",
		    first, last, (unsigned long long)ag->results, (unsigned long long)ag->refused,
		    (unsigned long long)ag->last_round_done, self_name(self->ipv6),
		    self_name(self->rov));
		esc_text_str(a->f, ag->description);
		putc('\n', a->f);
		if (self->flag[0] != '\0') {
			fputs("  ! ", a->f);
			esc_text_str(a->f, self->flag);
			fprintf(a->f, " (round %llu)\n", (unsigned long long)self->round);
		}
	}
	a->n++;
	return 0;
}

int
query_agents(struct store *s, enum query_format fmt, FILE *f)
{
	struct agents_arg a = { fmt, f, 0, NULL, 0 };
	int rc;

	if ((rc = agents_self_read(s, &a)) == 0)
		rc = store_agents_each(s, agent_one, &a);
	if (rc == 0 && a.n == 0 && fmt == QUERY_TABLE)
		fprintf(f, "no agent has connected yet\n");
	if (rc == 0 && a.n == 0 && fmt == QUERY_CSV)
		fputs(csv_agents, f);
	free(a.self);
	return rc;
}

struct list_arg {
	enum query_format fmt;
	FILE *f;
	size_t n;
};

static int
target_one(const struct store_target *t, void *argp)
{
	struct list_arg *a = argp;

	if (a->fmt == QUERY_JSON) {
		fprintf(a->f, "{\"organisation\":");
		esc_json(a->f, t->organisation);
		fprintf(a->f, ",\"domain\":");
		esc_json(a->f, t->domain);
		fprintf(a->f, ",\"publish\":%s}\n", t->publish ? "true" : "false");
	} else if (a->fmt == QUERY_TABLE) {
		if (a->n == 0)
			fprintf(a->f, "%-40s %-7s %s\n", "DOMAIN", "PUBLISH", "ORGANISATION");
		esc_text_pad(a->f, t->domain, 40);
		fprintf(a->f, " %-7s ", t->publish ? "yes" : "no");
		esc_text_str(a->f, t->organisation);
		putc('\n', a->f);
	} else {
		/* CSV in the import format, so a listing can be edited and imported again. */
		if (a->n == 0)
			fputs(csv_targets, a->f);
		esc_csv_quoted(a->f, t->organisation);
		putc(',', a->f);
		esc_csv(a->f, t->domain);
		fprintf(a->f, ",%s\n", t->publish ? "yes" : "no");
	}
	a->n++;
	return 0;
}

int
query_targets(struct store *s, enum query_format fmt, FILE *f)
{
	struct list_arg a = { fmt, f, 0 };
	int rc = store_targets_each(s, target_one, &a);

	if (rc == 0 && a.n == 0 && fmt == QUERY_TABLE)
		fprintf(f, "no targets yet (peil-collector targets import FILE.csv)\n");
	if (rc == 0 && a.n == 0 && fmt == QUERY_CSV)
		fputs(csv_targets, f);
	return rc;
}

static int
round_one(const struct store_round *r, void *argp)
{
	struct list_arg *a = argp;
	char st[32], en[32];

	fmt_time(r->started, st, sizeof(st));
	fmt_time(r->ended, en, sizeof(en));
	if (a->fmt == QUERY_JSON) {
		fprintf(a->f, "{\"round\":%llu,\"started\":\"%s\",\"ended\":%s%s%s,\"targets\":%u,"
		    "\"results\":%llu,\"refused\":%llu}\n", (unsigned long long)r->id, st,
		    r->ended ? "\"" : "", r->ended ? en : "null", r->ended ? "\"" : "", r->targets,
		    (unsigned long long)r->results, (unsigned long long)r->refused);
	} else if (a->fmt == QUERY_CSV) {
		if (a->n == 0)
			fputs(csv_rounds, a->f);
		fprintf(a->f, "%llu,%s,%s,%u,%llu,%llu\n", (unsigned long long)r->id, st,
		    r->ended ? en : "", r->targets, (unsigned long long)r->results,
		    (unsigned long long)r->refused);
	} else {
		if (a->n == 0)
			fprintf(a->f, "%6s %-20s %-20s %8s %10s %8s\n", "ROUND", "STARTED", "ENDED",
			    "TARGETS", "RESULTS", "REFUSED");
		fprintf(a->f, "%6llu %-20s %-20s %8u %10llu %8llu\n", (unsigned long long)r->id, st,
		    r->ended ? en : "(open)", r->targets, (unsigned long long)r->results,
		    (unsigned long long)r->refused);
	}
	a->n++;
	return 0;
}

int
query_rounds(struct store *s, enum query_format fmt, FILE *f)
{
	struct list_arg a = { fmt, f, 0 };
	int rc = store_rounds_each(s, round_one, &a);

	if (rc == 0 && a.n == 0 && fmt == QUERY_TABLE)
		fprintf(f, "no round yet\n");
	if (rc == 0 && a.n == 0 && fmt == QUERY_CSV)
		fputs(csv_rounds, f);
	return rc;
}
