/* store_targets.c: organisations and their target domains: the targets CSV parser, its
 * checks, the import, and reading the target list back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>
#include <lmdb.h>

#include "err.h"
#include "limits.h"
#include "log.h"
#include "store_int.h"

#define CSV_FIELDS          3

struct csv_row {
	char *org;
	char *domain;
	int publish;             /* 1, 0, or -1 when the row does not say */
	size_t line;
};

struct import_arg {
	struct csv_row *rows;    /* sorted by organisation, then domain; domains unique */
	size_t n;
};

/* Lower-cases `in` into out, strips one trailing dot and checks LDH labels of 1..63
 * characters and the total length. Returns NULL or the reason it is not a domain. */
const char *
store_domain_normalize(const char *in, char out[MAX_DOMAIN_LEN + 1])
{
	size_t len = strlen(in), label = 0;
	bool digits = true;

	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0)
		return "empty domain";
	if (len > MAX_DOMAIN_LEN)
		return "domain longer than 253 characters";
	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (c == '.') {
			if (label == 0)
				return "empty label in the domain";
			if (out[i - 1] == '-')
				return "a label of the domain ends with a hyphen";
			out[i] = '.';
			label = 0;
			digits = true;
			continue;
		}
		if (label == 63)
			return "a label of the domain is longer than 63 characters";
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '-') {
			if (label == 0)
				return "a label of the domain starts with a hyphen";
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			return "the domain has a character other than letters, digits, hyphens and dots";
		}
		if (c < '0' || c > '9')
			digits = false;
		out[i] = c;
		label++;
	}
	if (out[len - 1] == '-')
		return "a label of the domain ends with a hyphen";
	if (digits)
		return "not a domain name (the last label is all digits)";
	out[len] = '\0';
	return NULL;
}

/* A public suffix (a TLD such as "test" by the implicit "*" rule, "co.uk", "github.io")
 * is no organisation's domain: NULL, or the reason it is refused. */
static const char *
domain_not_suffix(const char *dom)
{
	const psl_ctx_t *psl = psl_builtin();

	if (psl != NULL && psl_is_public_suffix2(psl, dom, PSL_TYPE_ANY))
		return "the domain is a public suffix (such as a top-level domain), not an "
		    "organisation's domain: give the registered domain under it";
	return NULL;
}

/* Splits a line in place into at most CSV_FIELDS fields. RFC 4180 quoting: a field in
 * double quotes may hold commas, and "" stands for one quote. Spaces around fields are
 * dropped. Returns NULL or the reason the line does not parse. */
static const char *
csv_split(char *line, char *f[CSV_FIELDS], size_t *nf)
{
	char *p = line;

	*nf = 0;
	for (;;) {
		char *start, *w, c;

		if (*nf == CSV_FIELDS)
			return "more than three columns";
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			start = w = ++p;
			for (;;) {
				if (*p == '\0')
					return "a quoted field is not closed";
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				}
				*w++ = *p++;
			}
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p != ',' && *p != '\0')
				return "text after the closing quote of a field";
		} else {
			start = p;
			while (*p != ',' && *p != '\0') {
				if (*p == '"')
					return "a quote inside an unquoted field";
				p++;
			}
			w = p;
			while (w > start && (w[-1] == ' ' || w[-1] == '\t'))
				w--;
		}
		f[(*nf)++] = start;
		c = *p;
		*w = '\0';
		if (c == '\0')
			return NULL;
		p++;
	}
}

/* Reads one line without its newline into buf (room for cap bytes and a NUL). Returns 1 for
 * a line, 0 at the end of the file, or an error: PEIL_ETOOBIG, PEIL_EINVAL (a NUL byte),
 * PEIL_EIO. */
static int
csv_read_line(FILE *f, char *buf, size_t cap, size_t *len)
{
	int c;
	size_t n = 0;
	bool any = false;

	while ((c = getc(f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (c == '\0')
			return PEIL_EINVAL;
		if (n == cap)
			return PEIL_ETOOBIG;
		buf[n++] = (char)c;
	}
	if (ferror(f))
		return PEIL_EIO;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return any ? 1 : 0;
}

static const char *
csv_publish(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "1" }, *const no[] = { "no", "false", "0" };

	*out = -1;
	if (*s == '\0')
		return NULL;
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return NULL;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return NULL;
		}
	}
	return "publish must be yes, no, true, false, 1 or 0";
}

static const char *
org_check(const char *org)
{
	size_t len = strlen(org);

	if (len == 0)
		return "empty organisation";
	if (len > MAX_ORG_NAME_LEN)
		return "organisation name longer than 256 bytes";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)org[i] < 0x20 || org[i] == 0x7f)
			return "a control character in the organisation name";
	return NULL;
}

static int
row_cmp_domain(const void *x, const void *y)
{
	const struct csv_row *a = x, *b = y;
	int c = strcmp(a->domain, b->domain);

	if (c != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int
row_cmp_org(const void *x, const void *y)
{
	const struct csv_row *a = x, *b = y;
	int c = strcmp(a->org, b->org);

	if (c != 0)
		return c;
	if ((c = strcmp(a->domain, b->domain)) != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static void
rows_free(struct csv_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].org);
		free(rows[i].domain);
	}
	free(rows);
}

/* Parses the whole file into rows. On failure *reason and *line say why and where. */
static int
csv_parse(FILE *f, struct csv_row **rowsp, size_t *np, char *reason, size_t rlen, size_t *line)
{
	char *buf = NULL;
	struct csv_row *rows = NULL;
	size_t n = 0, cap = 0, len;
	bool header_possible = true;
	int rc, got;

	*line = 0;
	if ((buf = malloc(MAX_CSV_LINE + 1)) == NULL)
		return PEIL_ENOMEM;
	for (;;) {
		char *p, *fields[CSV_FIELDS], dom[MAX_DOMAIN_LEN + 1];
		const char *why;
		size_t nf;
		int publish;

		(*line)++;
		if ((got = csv_read_line(f, buf, MAX_CSV_LINE, &len)) <= 0) {
			rc = got;
			if (got == PEIL_ETOOBIG)
				snprintf(reason, rlen, "line longer than %d bytes", MAX_CSV_LINE);
			else if (got == PEIL_EINVAL)
				snprintf(reason, rlen, "a NUL byte");
			else if (got == PEIL_EIO)
				snprintf(reason, rlen, "read error: %s", strerror(errno));
			if (got == 0)
				(*line)--;
			goto out;
		}
		p = buf;
		if (*line == 1 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;   /* a UTF-8 byte order mark */
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if ((why = csv_split(p, fields, &nf)) != NULL) {
			snprintf(reason, rlen, "%s", why);
			rc = PEIL_EINVAL;
			goto out;
		}
		if (header_possible) {
			header_possible = false;
			if (nf >= 2 && (strcasecmp(fields[0], "organisation") == 0 ||
			    strcasecmp(fields[0], "organization") == 0) &&
			    strcasecmp(fields[1], "domain") == 0)
				continue;
		}
		if (nf < 2) {
			snprintf(reason, rlen, "expected organisation,domain[,publish]");
			rc = PEIL_EINVAL;
			goto out;
		}
		if ((why = org_check(fields[0])) != NULL ||
		    (why = store_domain_normalize(fields[1], dom)) != NULL ||
		    (why = domain_not_suffix(dom)) != NULL ||
		    (why = csv_publish(nf > 2 ? fields[2] : "", &publish)) != NULL) {
			snprintf(reason, rlen, "%s", why);
			rc = PEIL_EINVAL;
			goto out;
		}
		if (n == MAX_TARGETS_PER_ROUND) {
			snprintf(reason, rlen, "more than %d domains", MAX_TARGETS_PER_ROUND);
			rc = PEIL_ETOOBIG;
			goto out;
		}
		if (n == cap) {
			struct csv_row *nr;

			cap = cap ? cap * 2 : 64;
			if ((nr = realloc(rows, cap * sizeof(*nr))) == NULL) {
				rc = PEIL_ENOMEM;
				goto out;
			}
			rows = nr;
		}
		rows[n].line = *line;
		rows[n].publish = publish;
		rows[n].domain = NULL;
		if ((rows[n].org = strdup(fields[0])) == NULL ||
		    (rows[n].domain = strdup(dom)) == NULL) {
			free(rows[n].org);
			rc = PEIL_ENOMEM;
			goto out;
		}
		n++;
	}
out:
	free(buf);
	if (rc != 0) {
		if (rc == PEIL_ENOMEM)
			snprintf(reason, rlen, "out of memory");
		rows_free(rows, n);
		return rc;
	}
	*rowsp = rows;
	*np = n;
	return 0;
}

/* Checks what needs the whole file: a domain under two organisations, publish said two
 * ways for one organisation. Leaves the rows sorted by organisation and domain, duplicates
 * removed, and each row's publish the organisation's. */
static void
dups_add(struct store_import_dups *d, size_t line)
{
	size_t k;

	if (d == NULL)
		return;
	d->n++;
	/* Keep the STORE_DUP_LINES smallest line numbers, in order. */
	for (k = d->shown; k > 0 && d->lines[k - 1] > line; k--)
		if (k < STORE_DUP_LINES)
			d->lines[k] = d->lines[k - 1];
	if (k < STORE_DUP_LINES) {
		d->lines[k] = line;
		if (d->shown < STORE_DUP_LINES)
			d->shown++;
	}
}

static int
csv_check(struct csv_row *rows, size_t *np, char *reason, size_t rlen, size_t *line,
    struct store_import_dups *dups)
{
	size_t n = *np, w = 0;

	if (n > 1)
		qsort(rows, n, sizeof(*rows), row_cmp_domain);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(rows[i].domain, rows[i - 1].domain) == 0 &&
		    strcmp(rows[i].org, rows[i - 1].org) != 0) {
			*line = rows[i].line;
			snprintf(reason, rlen, "%s is listed for two organisations (also line %zu)",
			    rows[i].domain, rows[i - 1].line);
			return PEIL_EINVAL;
		}
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), row_cmp_org);
	for (size_t i = 0; i < n;) {
		size_t j, said = 0;
		int publish = -1;

		for (j = i; j < n && strcmp(rows[j].org, rows[i].org) == 0; j++) {
			if (rows[j].publish < 0)
				continue;
			if (publish >= 0 && rows[j].publish != publish) {
				*line = rows[j].line;
				snprintf(reason, rlen, "publish for this organisation differs from "
				    "line %zu", said);
				return PEIL_EINVAL;
			}
			publish = rows[j].publish;
			said = rows[j].line;
		}
		for (size_t k = i; k < j; k++)
			rows[k].publish = publish > 0;
		i = j;
	}
	/* Drop repeated rows: same organisation and domain. */
	for (size_t i = 0; i < n; i++) {
		if (w > 0 && strcmp(rows[i].domain, rows[w - 1].domain) == 0 &&
		    strcmp(rows[i].org, rows[w - 1].org) == 0) {
			dups_add(dups, rows[i].line);
			free(rows[i].org);
			free(rows[i].domain);
			continue;
		}
		rows[w++] = rows[i];
	}
	*np = w;
	return 0;
}

static int
strp_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Takes `domain` out of organisation `org`; the organisation goes when it has none left. */
static int
org_remove_domain(struct store *s, MDB_txn *txn, const char *org, const char *domain)
{
	ProtobufCMessage *m;
	Peil__Store__OrgRecord *o, rec;
	char **keep = NULL;
	size_t n = 0;
	int rc, mrc;

	rc = store_rec_get(s, txn, s->orgs, org, strlen(org), &peil__store__org_record__descriptor, &m);
	if (rc == PEIL_ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	o = (Peil__Store__OrgRecord *)m;
	if ((keep = calloc(o->n_domains + 1, sizeof(*keep))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < o->n_domains; i++)
		if (strcmp(o->domains[i], domain) != 0)
			keep[n++] = o->domains[i];
	if (n == 0) {
		MDB_val k = { strlen(org), (void *)org };

		mrc = mdb_del(txn, s->orgs, &k, NULL);
		rc = store_mdb(s, mrc, "deleting an organisation");
		goto out;
	}
	rec = *o;
	rec.domains = keep;
	rec.n_domains = n;
	rc = store_rec_put(s, txn, s->orgs, org, strlen(org), &rec.base, 0);
out:
	free(keep);
	peil__store__org_record__free_unpacked(o, NULL);
	return rc;
}

/* Writes organisation rows[i..j): its publish flag and its domains merged with those it has. */
static int
org_merge(struct store *s, MDB_txn *txn, const struct csv_row *rows, size_t i, size_t j)
{
	const char *org = rows[i].org;
	Peil__Store__OrgRecord *o = NULL, rec = PEIL__STORE__ORG_RECORD__INIT;
	ProtobufCMessage *m;
	char **all = NULL;
	size_t n = 0, had = 0, w = 0;
	int rc;

	rc = store_rec_get(s, txn, s->orgs, org, strlen(org), &peil__store__org_record__descriptor, &m);
	if (rc == 0) {
		o = (Peil__Store__OrgRecord *)m;
		had = o->n_domains;
	} else if (rc != PEIL_ENOENT) {
		return rc;
	}
	if ((all = calloc(had + (j - i), sizeof(*all))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < had; k++)
		all[n++] = o->domains[k];
	for (size_t k = i; k < j; k++)
		all[n++] = rows[k].domain;
	qsort(all, n, sizeof(*all), strp_cmp);
	for (size_t k = 0; k < n; k++)
		if (w == 0 || strcmp(all[k], all[w - 1]) != 0)
			all[w++] = all[k];
	rec.publish = rows[i].publish;
	rec.domains = all;
	rec.n_domains = w;
	rc = store_rec_put(s, txn, s->orgs, org, strlen(org), &rec.base, 0);
out:
	free(all);
	if (o != NULL)
		peil__store__org_record__free_unpacked(o, NULL);
	return rc;
}

static int
import_op(struct store *s, MDB_txn *txn, void *argp)
{
	struct import_arg *a = argp;
	int rc;

	/* Domains that move: out of their old organisation first. */
	for (size_t i = 0; i < a->n; i++) {
		const struct csv_row *r = &a->rows[i];
		ProtobufCMessage *m;
		Peil__Store__TargetRecord *t;

		rc = store_rec_get(s, txn, s->targets, r->domain, strlen(r->domain),
		    &peil__store__target_record__descriptor, &m);
		if (rc == PEIL_ENOENT)
			continue;
		if (rc != 0)
			return rc;
		t = (Peil__Store__TargetRecord *)m;
		rc = strcmp(t->organisation, r->org) != 0 ?
		    org_remove_domain(s, txn, t->organisation, r->domain) : 0;
		peil__store__target_record__free_unpacked(t, NULL);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < a->n;) {
		size_t j = i;

		while (j < a->n && strcmp(a->rows[j].org, a->rows[i].org) == 0)
			j++;
		if ((rc = org_merge(s, txn, a->rows, i, j)) != 0)
			return rc;
		i = j;
	}
	for (size_t i = 0; i < a->n; i++) {
		Peil__Store__TargetRecord t = PEIL__STORE__TARGET_RECORD__INIT;

		t.organisation = a->rows[i].org;
		if ((rc = store_rec_put(s, txn, s->targets, a->rows[i].domain, strlen(a->rows[i].domain),
		    &t.base, 0)) != 0)
			return rc;
	}
	return 0;
}

int
store_targets_import(struct store *s, const char *csv_path, size_t *count,
    char *err, size_t errlen)
{
	return store_targets_import_dups(s, csv_path, count, NULL, err, errlen);
}

int
store_targets_import_dups(struct store *s, const char *csv_path, size_t *count,
    struct store_import_dups *dups, char *err, size_t errlen)
{
	struct import_arg a = { NULL, 0 };
	FILE *f = NULL;
	char reason[512];
	size_t line = 0;
	int rc;

	*count = 0;
	if (dups != NULL)
		memset(dups, 0, sizeof(*dups));
	if (s->readonly) {
		snprintf(err, errlen, "%s: the store is open read-only", csv_path);
		return PEIL_EINVAL;
	}
	if ((f = fopen(csv_path, "r")) == NULL) {
		snprintf(err, errlen, "cannot read the targets file %s: %s", csv_path,
		    strerror(errno));
		return PEIL_EIO;
	}
	if ((rc = csv_parse(f, &a.rows, &a.n, reason, sizeof(reason), &line)) != 0 ||
	    (rc = csv_check(a.rows, &a.n, reason, sizeof(reason), &line, dups)) != 0) {
		snprintf(err, errlen, "%s:%zu: %s", csv_path, line, reason);
		goto out;
	}
	if ((rc = store_write(s, import_op, &a, "importing targets")) != 0) {
		snprintf(err, errlen, "%s: not imported: %s", csv_path, peil_strerror(rc));
		goto out;
	}
	*count = a.n;
	rc = 0;
out:
	rows_free(a.rows, a.n);
	fclose(f);
	return rc;
}

int
store_targets_check(const uint8_t *buf, size_t len, size_t *count, char *err, size_t errlen)
{
	struct csv_row *rows = NULL;
	char reason[512];
	size_t n = 0, line = 0;
	FILE *f;
	int rc;

	*count = 0;
	/* fmemopen of a zero-length buffer fails on some libcs: an empty file is "" here. */
	if ((f = fmemopen(len > 0 ? (void *)buf : (void *)"", len, "r")) == NULL) {
		snprintf(err, errlen, "cannot read the buffer: %s", strerror(errno));
		return PEIL_EIO;
	}
	if ((rc = csv_parse(f, &rows, &n, reason, sizeof(reason), &line)) != 0 ||
	    (rc = csv_check(rows, &n, reason, sizeof(reason), &line, NULL)) != 0)
		snprintf(err, errlen, "line %zu: %s", line, reason);
	else
		*count = n;
	rows_free(rows, n);
	fclose(f);
	return rc;
}

int
store_targets_each(struct store *s, int (*cb)(const struct store_target *t, void *arg),
    void *arg)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	char org[MAX_ORG_NAME_LEN + 1];
	int mrc, rc;

	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, s->orgs, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on orgs");
		goto out;
	}
	rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Peil__Store__OrgRecord *o;

		if (k.mv_size == 0 || k.mv_size > MAX_ORG_NAME_LEN ||
		    (o = peil__store__org_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
			log_err("store: an organisation record does not decode");
			rc = PEIL_ESTORE;
			goto out;
		}
		memcpy(org, k.mv_data, k.mv_size);
		org[k.mv_size] = '\0';
		for (size_t i = 0; i < o->n_domains && rc == 0; i++) {
			struct store_target t = { org, o->domains[i], o->publish };

			rc = cb(&t, arg);
		}
		peil__store__org_record__free_unpacked(o, NULL);
	}
	if (rc == 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(s, mrc, "reading orgs");
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

int
store_targets_domains(struct store *s, char ***domains, size_t *n)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_stat st;
	MDB_val k, v;
	char **out = NULL;
	size_t got = 0;
	int mrc, rc;

	*domains = NULL;
	*n = 0;
	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_stat(txn, s->targets, &st)) != 0 ||
	    (mrc = mdb_cursor_open(txn, s->targets, &cur)) != 0) {
		rc = store_mdb(s, mrc, "reading targets");
		goto out;
	}
	if (st.ms_entries > 0 && (out = calloc(st.ms_entries, sizeof(*out))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && got < st.ms_entries;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if ((out[got] = strndup(k.mv_data, k.mv_size)) == NULL) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		got++;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND) {
		rc = store_mdb(s, mrc, "reading targets");
		goto out;
	}
	*domains = out;
	*n = got;
	out = NULL;
	rc = 0;
out:
	store_strv_free(out, got);
	if (cur != NULL)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

void
store_strv_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
