/* probe_mailauth.c: mail authentication: SPF, DMARC and DKIM, judged.
 *
 * Answers come from the run's source (dnswork.h): the resolver in the agent, canned answers
 * in the tests. Every verdict lists what it looked at; every walk is bounded by the limits of
 * common/limits.h and by the run's deadline. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>
#include <libpsl.h>

#include "dmarc.h"
#include "dnswork.h"
#include "err.h"
#include "probe_mailauth.h"
#include "spf.h"

#define EV_TEXT 1000   /* bytes of a record shown in one evidence value */

/* A record's text for evidence: printable ASCII, the rest as '?', cut at EV_TEXT bytes. */
static void
record_text(const uint8_t *b, size_t len, char *out, size_t outlen)
{
	size_t n = len < outlen - 1 ? len : outlen - 1;

	for (size_t i = 0; i < n; i++)
		out[i] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '?';
	out[n] = '\0';
	if (n < len && outlen > sizeof(CUT_MARK))
		memcpy(out + outlen - sizeof(CUT_MARK), CUT_MARK, sizeof(CUT_MARK));
}

/* "prefix.name" into out; false when the name would be longer than a domain name can be. */
static bool
name_join(char *out, size_t outlen, const char *prefix, const char *name)
{
	int n = snprintf(out, outlen, "%s.%s", prefix, name);

	return n > 0 && (size_t)n < outlen && (size_t)n <= MAX_DOMAIN_LEN;
}

/* ---- TXT records of one kind ---- */

/* What a TXT lookup found of one kind of record (SPF, DMARC). */
struct txtfind {
	int state;          /* TXT_* */
	size_t count;       /* records of the kind */
	const uint8_t *rec; /* the first one, inside the answer */
	size_t len;
	char why[DNSANS_WHY_LEN];  /* TXT_FAILED: why */
};

enum { TXT_FAILED, TXT_NXDOMAIN, TXT_NONE, TXT_FOUND };

/* Looks up TXT at name into *a and finds the records `is_kind` accepts. */
static int
txt_find(struct dnswork *w, const char *name, bool (*is_kind)(const uint8_t *, size_t),
    struct dnsans *a, struct txtfind *f)
{
	char why[DNSANS_WHY_LEN];

	memset(f, 0, sizeof(*f));
	if (dnswork_lookup(w, name, LDNS_RR_TYPE_TXT, 0, a) == PEIL_ENOMEM)
		return PEIL_ENOMEM;
	if (dnsans_failed(a, why, sizeof(why))) {
		f->state = TXT_FAILED;
		snprintf(f->why, sizeof(f->why), "TXT lookup for %s failed: %.600s", name, why);
		return 0;
	}
	if (a->rcode == LDNS_RCODE_NXDOMAIN) {
		f->state = TXT_NXDOMAIN;
		return 0;
	}
	if (a->txt_tagged > a->ntxt) {
		/* Some version-tagged records were not kept: the count would be a guess. */
		f->state = TXT_FAILED;
		snprintf(f->why, sizeof(f->why), "%s has %zu version-tagged TXT records (%zu TXT in "
		    "all); more than the %d (%d bytes) examined", name, a->txt_tagged, a->total,
		    MAX_TXT_KEEP, MAX_TXT_POOL);
		return 0;
	}
	for (size_t i = 0; i < a->ntxt; i++) {
		const uint8_t *t = a->txt + a->txt_off[i];

		if (!is_kind(t, a->txt_len[i]))
			continue;
		if (f->count++ == 0) {
			f->rec = t;
			f->len = a->txt_len[i];
		}
	}
	f->state = f->count > 0 ? TXT_FOUND : TXT_NONE;
	return 0;
}

/* ---- SPF ---- */

/* "st", "nd", "rd" or "th" for n. */
static const char *
ordinal(size_t n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

static bool
spf_is_v1(const uint8_t *b, size_t len)
{
	return len >= 6 && strncasecmp((const char *)b, "v=spf1", 6) == 0 &&
	    (len == 6 || b[6] == ' ');
}

/* The walk of one domain's SPF tree. */
struct spfwalk {
	struct dnswork *w;
	struct dnsev *ev;
	size_t lookups, voids, nodes;
	const char *path[MAX_SPF_LOOKUPS + 2];   /* names from the top to the record walked */
	size_t depth;
	bool stop;          /* a verdict is reached: failed or error */
	int status;
	char reason[DNSANS_WHY_LEN + 256];
	struct dnsans *a;   /* the answer buffer the walk uses */
};

static void spf_fail(struct spfwalk *sw, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
spf_fail(struct spfwalk *sw, int status, const char *fmt, ...)
{
	va_list ap;

	if (sw->stop)
		return;
	sw->stop = true;
	sw->status = status;
	va_start(ap, fmt);
	vsnprintf(sw->reason, sizeof(sw->reason), fmt, ap);
	va_end(ap);
}

/* One more DNS-querying term; false (and failed) past the limit. */
static bool
spf_count(struct spfwalk *sw, const struct spf_term *t, const char *where)
{
	if (++sw->lookups <= MAX_SPF_LOOKUPS)
		return true;
	spf_fail(sw, PEIL__STATUS__FAILED, "more than %d DNS-querying terms (RFC 7208 4.6.4): the "
	    "%zu%s is %s%s%s in the record of %s", MAX_SPF_LOOKUPS, sw->lookups,
	    ordinal(sw->lookups), spf_term_name(t->kind), t->domain ? ":" : "",
	    t->domain ? t->domain : "", where);
	return false;
}

static void
spf_void(struct spfwalk *sw, const char *what, const char *name)
{
	dnsev_add(sw->ev, "spf_void", "%s %s: no records", what, name);
	if (++sw->voids > MAX_SPF_VOID_LOOKUPS)
		spf_fail(sw, PEIL__STATUS__FAILED, "more than %d void lookups (RFC 7208 4.6.4): the "
		    "%zu%s is %s %s", MAX_SPF_VOID_LOOKUPS, sw->voids, ordinal(sw->voids), what, name);
}

/* The lookups an a, mx or exists term makes on name: counted void when nothing answers. */
static int
spf_term_lookups(struct spfwalk *sw, const struct spf_term *t, const char *name)
{
	char why[DNSANS_WHY_LEN];
	struct dnsans *a = sw->a;
	bool any = false;

	if (t->kind == SPF_MX) {
		if (dnswork_lookup(sw->w, name, LDNS_RR_TYPE_MX, MAX_MX, a) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (dnsans_failed(a, why, sizeof(why))) {
			spf_fail(sw, PEIL__STATUS__ERROR, "mx:%s: MX lookup failed: %.600s", name, why);
			return 0;
		}
		if (a->total > MAX_SPF_MX_NAMES) {
			spf_fail(sw, PEIL__STATUS__FAILED, "mx:%s has %zu MX records, more than %d "
			    "(RFC 7208 4.6.4)", name, a->total, MAX_SPF_MX_NAMES);
			return 0;
		}
		if (a->rcode == LDNS_RCODE_NXDOMAIN || a->total == 0)
			spf_void(sw, "mx", name);
		return 0;
	}
	for (int k = 0; k < 2 && !any; k++) {
		uint16_t type = k == 0 ? LDNS_RR_TYPE_A : LDNS_RR_TYPE_AAAA;

		/* exists looks up A only (RFC 7208 5.7). */
		if (k == 1 && t->kind == SPF_EXISTS)
			break;
		if (dnswork_lookup(sw->w, name, type, 1, a) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (dnsans_failed(a, why, sizeof(why))) {
			spf_fail(sw, PEIL__STATUS__ERROR, "%s:%s: %s lookup failed: %.600s",
			    spf_term_name(t->kind), name, k == 0 ? "A" : "AAAA", why);
			return 0;
		}
		any = a->rcode == LDNS_RCODE_NOERROR && a->total > 0;
		if (a->rcode == LDNS_RCODE_NXDOMAIN)
			break;
	}
	if (!any)
		spf_void(sw, spf_term_name(t->kind), name);
	return 0;
}

static bool
spf_on_path(const struct spfwalk *sw, const char *name)
{
	for (size_t i = 0; i < sw->depth; i++)
		if (strcasecmp(sw->path[i], name) == 0)
			return true;
	return false;
}

static void
spf_loop(struct spfwalk *sw, const char *via, const char *name)
{
	char chain[DNSANS_WHY_LEN];
	size_t len = 0;

	chain[0] = '\0';
	for (size_t i = 0; i < sw->depth && len < sizeof(chain); i++) {
		int n = snprintf(chain + len, sizeof(chain) - len, "%s -> ", sw->path[i]);

		if (n > 0)
			len += (size_t)n;
	}
	spf_fail(sw, PEIL__STATUS__FAILED, "%s loop: %s%s", via, chain, name);
}

/* The all of a record: '+', '-', '~', '?', or 0 for none. */
static int spf_walk(struct spfwalk *sw, const char *name, const char *via, char *all);

/* Walks the record at name (reached by `via`: "top", "include" or "redirect"): counts its
 * terms, follows its includes and redirect, and sets *all to the qualifier of the all that
 * ends it (through a redirect), 0 when there is none. */
static int
spf_walk(struct spfwalk *sw, const char *name, const char *via, char *all)
{
	struct txtfind f;
	struct spf_record *rec = NULL;
	enum spf_reason why_class;
	char why[256], key[32], *text = NULL, *record = NULL;
	size_t reclen, before = sw->lookups;
	int rc;

	*all = 0;
	if ((rc = txt_find(sw->w, name, spf_is_v1, sw->a, &f)) != 0)
		return rc;
	if (f.state == TXT_FAILED) {
		spf_fail(sw, PEIL__STATUS__ERROR, "%s", f.why);
		return 0;
	}
	if (f.state != TXT_FOUND) {
		if (f.state == TXT_NXDOMAIN || sw->a->total == 0)
			spf_void(sw, via, name);
		spf_fail(sw, PEIL__STATUS__FAILED, "%s target %s %s", via, name,
		    f.state == TXT_NXDOMAIN ? "does not exist" : "has no SPF record");
		return 0;
	}
	if (f.count > 1) {
		spf_fail(sw, PEIL__STATUS__FAILED, "%s target %s has %zu SPF records; RFC 7208 "
		    "allows one", via, name, f.count);
		return 0;
	}
	/* The answer buffer is reused below: keep the record. */
	reclen = f.len;
	if ((record = malloc(reclen + 1)) == NULL || (text = malloc(EV_TEXT + 1)) == NULL) {
		free(record);
		return PEIL_ENOMEM;
	}
	memcpy(record, f.rec, reclen);
	record_text((const uint8_t *)record, reclen, text, EV_TEXT + 1);
	snprintf(key, sizeof(key), "spf_%zu", ++sw->nodes);
	dnsev_add(sw->ev, key, "%*s%s (%s): %s", (int)(2 * sw->depth), "", name, via, text);
	rc = spf_parse_ex((const uint8_t *)record, reclen, &rec, &why_class, why, sizeof(why));
	if (rc == PEIL_ENOMEM)
		goto out;
	if (rc != 0) {
		rc = 0;
		spf_fail(sw, PEIL__STATUS__FAILED, "syntax error in the SPF record of %s: %s", name,
		    why);
		goto out;
	}
	sw->path[sw->depth++] = name;
	for (size_t i = 0; i < rec->nterms && !sw->stop; i++) {
		const struct spf_term *t = &rec->terms[i];
		const char *target = t->domain != NULL ? t->domain : name;
		char sub = 0;

		switch (t->kind) {
		case SPF_INCLUDE:
			if (!spf_count(sw, t, name))
				break;
			if (t->has_macro) {
				dnsev_add(sw->ev, "spf_macro", "include:%s in %s: a macro, counted, not "
				    "expanded", t->domain, name);
				break;
			}
			if (spf_on_path(sw, t->domain)) {
				spf_loop(sw, "include", t->domain);
				break;
			}
			if (sw->depth > MAX_SPF_LOOKUPS) {
				spf_fail(sw, PEIL__STATUS__FAILED, "include chain deeper than %d",
				    MAX_SPF_LOOKUPS);
				break;
			}
			if ((rc = spf_walk(sw, t->domain, "include", &sub)) != 0)
				goto out;
			break;
		case SPF_A:
		case SPF_MX:
		case SPF_EXISTS:
		case SPF_PTR:
			if (!spf_count(sw, t, name))
				break;
			if (t->has_macro) {
				dnsev_add(sw->ev, "spf_macro", "%s:%s in %s: a macro, counted, not "
				    "expanded", spf_term_name(t->kind), t->domain, name);
				break;
			}
			/* ptr needs the sender's address; it is counted only (and discouraged). */
			if (t->kind == SPF_PTR)
				dnsev_add(sw->ev, "spf_ptr", "ptr in %s: counted; its lookups depend on "
				    "the sender (RFC 7208 5.5 says not to use it)", name);
			else if ((rc = spf_term_lookups(sw, t, target)) != 0)
				goto out;
			break;
		default:
			break;
		}
	}
	if (sw->stop)
		goto done;
	if (rec->has_all) {
		*all = spf_qual_char(rec->all_qual);
		if (rec->redirect != NULL)
			dnsev_add(sw->ev, "spf_redirect_ignored", "%s: redirect=%s ignored, the record "
			    "has an all term (RFC 7208 6.1)", name, rec->redirect->domain);
	} else if (rec->redirect != NULL) {
		const struct spf_term *t = rec->redirect;

		if (!spf_count(sw, t, name))
			goto done;
		if (t->has_macro) {
			dnsev_add(sw->ev, "spf_macro", "redirect=%s in %s: a macro, counted, not "
			    "expanded; its all is unknown", t->domain, name);
			*all = 'm';
		} else if (spf_on_path(sw, t->domain)) {
			spf_loop(sw, "redirect", t->domain);
		} else if ((rc = spf_walk(sw, t->domain, "redirect", all)) != 0) {
			goto out;
		}
	}
done:
	sw->depth--;
	if (sw->depth == 0 && rec->nterms == 1 && rec->has_all && rec->all_qual == SPF_QUAL_FAIL)
		sw->w->spf_reject_all = true;
	if (sw->depth > 0 && sw->lookups > before)
		dnsev_add(sw->ev, "spf_lookups_below", "%s: %zu DNS-querying terms in its tree", name,
		    sw->lookups - before);
out:
	spf_free(rec);
	free(record);
	free(text);
	return rc;
}

/* mail_auth_spf_exist and mail_auth_spf_policy. */
static int
run_spf(struct dnswork *w, Peil__Result *exist, Peil__Result *policy)
{
	struct dnsev ev = { 0 };
	struct spfwalk *sw;
	struct txtfind f;
	char all = 0, *note = NULL;
	const char *r_exist = NULL, *r_policy = NULL;
	int st_exist, st_policy, rc;

	if ((sw = calloc(1, sizeof(*sw))) == NULL)
		return PEIL_ENOMEM;
	sw->w = w;
	sw->ev = &ev;
	sw->a = &w->aux;
	if ((rc = txt_find(w, w->domain, spf_is_v1, &w->aux, &f)) != 0)
		goto out;
	dnsev_add(&ev, "query", "%s TXT", w->domain);
	if (f.state == TXT_FAILED) {
		st_exist = st_policy = PEIL__STATUS__ERROR;
		r_exist = r_policy = w->budget_out ? MSG_BUDGET : f.why;
		goto judge;
	}
	if (f.state == TXT_NXDOMAIN) {
		st_exist = st_policy = PEIL__STATUS__ERROR;
		r_exist = r_policy = MSG_NXDOMAIN;
		goto judge;
	}
	dnsev_add(&ev, "spf_records", "%zu", f.count);
	if (f.count != 1) {
		st_exist = PEIL__STATUS__FAILED;
		st_policy = PEIL__STATUS__NOT_TESTED;
		if (f.count == 0) {
			r_exist = "no SPF record (TXT v=spf1)";
			r_policy = "no SPF record";
		} else {
			if (asprintf(&note, "%zu SPF records; RFC 7208 allows one (permerror)",
			    f.count) < 0)
				ev.nomem = true;
			r_exist = note;
			r_policy = "no single SPF record";
		}
		goto judge;
	}
	st_exist = PEIL__STATUS__PASSED;
	if ((rc = spf_walk(sw, w->domain, "top", &all)) != 0)
		goto out;
	dnsev_add(&ev, "spf_lookups", "%zu of at most %d", sw->lookups, MAX_SPF_LOOKUPS);
	dnsev_add(&ev, "spf_void_lookups", "%zu of at most %d", sw->voids, MAX_SPF_VOID_LOOKUPS);
	if (sw->stop) {
		st_policy = sw->status;
		r_policy = sw->status == PEIL__STATUS__ERROR && w->budget_out ? MSG_BUDGET :
		    sw->reason;
	} else if (all == '-' || all == '~') {
		st_policy = PEIL__STATUS__PASSED;
		dnsev_add(&ev, "spf_all", "%call", all);
	} else if (all == 'm') {
		st_policy = PEIL__STATUS__WARNING;
		r_policy = "the policy is behind a redirect holding a macro: its all cannot be "
		    "judged without a sender";
	} else if (all == '+' || all == '?') {
		st_policy = PEIL__STATUS__FAILED;
		dnsev_add(&ev, "spf_all", "%call", all);
		r_policy = all == '+' ? "the policy ends +all: every sender passes" :
		    "the policy ends ?all (neutral): it says nothing";
	} else {
		st_policy = PEIL__STATUS__FAILED;
		r_policy = "the policy has no all term (directly or through a redirect): senders "
		    "not listed are neutral";
	}
judge:
	if ((rc = dnsev_apply(&ev, exist, st_exist, r_exist)) == 0)
		rc = dnsev_apply(&ev, policy, st_policy, r_policy);
out:
	free(note);
	free(sw);
	dnsev_clear(&ev);
	return rc;
}

/* ---- DMARC ---- */

static const psl_ctx_t *
psl_ctx(void)
{
	/* libpsl's built-in list is compiled in and immutable: safe from every thread. */
	return psl_builtin();
}

/* The organizational domain of name by the public suffix list (RFC 7489 3.2), or name itself
 * when the list gives none. */
static void
org_domain(const char *name, char *out, size_t outlen)
{
	const psl_ctx_t *psl = psl_ctx();
	const char *reg = psl != NULL ? psl_registrable_domain(psl, name) : NULL;

	snprintf(out, outlen, "%s", reg != NULL ? reg : name);
}

static bool
dmarc_is_v1(const uint8_t *b, size_t len)
{
	return dmarc_is_record(b, len);
}

/* What the DMARC lookups found for one domain. */
struct dmarcfind {
	bool found;                   /* one valid record: rec */
	bool subdomain;               /* ... found at an ancestor: sp applies */
	bool invalid;                 /* a DMARC record was found but does not parse: reason */
	int status;                   /* when !found: failed or error */
	char reason[DNSANS_WHY_LEN + 128];
	char at[MAX_DOMAIN_LEN + 1];  /* the domain whose _dmarc record is used */
	struct dmarc_record rec;
};

/* Asks _dmarc.name; returns 1 when it settled the search (a record, several, an invalid one,
 * a failure), 0 when there is no record there. */
static int
dmarc_ask(struct dnswork *w, struct dnsev *ev, const char *name, struct dmarcfind *df, int *rc)
{
	char q[MAX_DOMAIN_LEN + 16], text[EV_TEXT + 1], why[256];
	struct txtfind f;
	enum dmarc_reason cls;

	*rc = 0;
	if (!name_join(q, sizeof(q), "_dmarc", name)) {
		dnsev_add(ev, "dmarc_skip", "_dmarc.%s would be too long a name", name);
		return 0;
	}
	if ((*rc = txt_find(w, q, dmarc_is_v1, &w->aux, &f)) != 0)
		return 1;
	if (f.state == TXT_FAILED) {
		df->status = PEIL__STATUS__ERROR;
		snprintf(df->reason, sizeof(df->reason), "%s", w->budget_out ? MSG_BUDGET : f.why);
		return 1;
	}
	if (f.state != TXT_FOUND) {
		dnsev_add(ev, "dmarc_query", "%s TXT: %s", q,
		    f.state == TXT_NXDOMAIN ? "NXDOMAIN" : "no DMARC record");
		return 0;
	}
	snprintf(df->at, sizeof(df->at), "%s", name);
	record_text(f.rec, f.len, text, sizeof(text));
	dnsev_add(ev, "dmarc_record", "%s: %s", q, text);
	if (f.count > 1) {
		df->status = PEIL__STATUS__FAILED;
		snprintf(df->reason, sizeof(df->reason), "%s has %zu DMARC records; RFC 7489 6.6.3 "
		    "allows one", q, f.count);
		return 1;
	}
	/* RFC 9989 (with its tree walk): a malformed tag is discarded, not the record (4.8). */
	if ((w->src->dmarc_tree_walk ? dmarc_parse_rfc9989 : dmarc_parse)(f.rec, f.len, &df->rec,
	    &cls, why, sizeof(why)) != 0) {
		/* internet.nl: a v=DMARC1 record exists; its syntax fails the policy test */
		df->invalid = true;
		snprintf(df->reason, sizeof(df->reason), "the DMARC record at %s is invalid: %s", q,
		    why);
		return 1;
	}
	df->found = true;
	return 1;
}

/* Finds the DMARC record that applies to the domain: its own, else its organizational
 * domain's (by the public suffix list, or by RFC 9989's tree walk). */
static int
dmarc_find(struct dnswork *w, struct dnsev *ev, struct dmarcfind *df)
{
	char name[MAX_DOMAIN_LEN + 1], org[MAX_DOMAIN_LEN + 1];
	int rc, queries = 1;

	org[0] = '\0';
	memset(df, 0, sizeof(*df));
	df->status = PEIL__STATUS__FAILED;
	if (dmarc_ask(w, ev, w->domain, df, &rc) != 0 || rc != 0)
		return rc;
	if (!w->src->dmarc_tree_walk) {
		org_domain(w->domain, org, sizeof(org));
		dnsev_add(ev, "dmarc_org_domain", "%s (public suffix list, RFC 7489)", org);
		if (strcmp(org, w->domain) != 0 && (dmarc_ask(w, ev, org, df, &rc) != 0 || rc != 0)) {
			df->subdomain = df->found;
			return rc;
		}
	} else {
		/* RFC 9989 4.10: at most 8 queries; a name of more than 8 labels jumps to its
		 * last 7, then one label fewer each time, down to the top-level domain. */
		const char *p = w->domain;
		size_t labels = 1;

		for (const char *c = w->domain; *c != '\0'; c++)
			labels += *c == '.';
		dnsev_add(ev, "dmarc_org_domain", "by the DNS tree walk (RFC 9989)");
		while ((p = strchr(p, '.')) != NULL && queries < MAX_DMARC_TREE_WALK) {
			p++;
			labels--;
			if (labels > 7)
				continue;
			snprintf(name, sizeof(name), "%s", p);
			queries++;
			if (dmarc_ask(w, ev, name, df, &rc) != 0 || rc != 0) {
				df->subdomain = df->found;
				return rc;
			}
		}
	}
	snprintf(df->reason, sizeof(df->reason), "no DMARC record at _dmarc.%s%s", w->domain,
	    w->src->dmarc_tree_walk ? " or above it (RFC 9989 tree walk)" :
	    strcmp(org, w->domain) != 0 ? " nor at its organizational domain" : "");
	return 0;
}

/* Is every external rua/ruf destination authorised (RFC 7489 7.1)? */
static int
dmarc_destinations(struct dnswork *w, const struct dmarcfind *df, struct dnsev *ev,
    int *status, char *reason, size_t rlen)
{
	struct textlist *bad;
	char org[MAX_DOMAIN_LEN + 1], dorg[MAX_DOMAIN_LEN + 1], q[2 * MAX_DOMAIN_LEN + 32];
	const char *seen[2 * MAX_DMARC_URIS];
	size_t nseen = 0, nbad = 0, next = 0;
	bool failed = false;

	if ((bad = calloc(1, sizeof(*bad))) == NULL)
		return PEIL_ENOMEM;
	org_domain(df->at, org, sizeof(org));
	for (int list = 0; list < 2; list++) {
		const struct dmarc_uri *u = list == 0 ? df->rec.rua : df->rec.ruf;
		size_t n = list == 0 ? df->rec.nrua : df->rec.nruf;

		for (size_t i = 0; i < n; i++) {
			struct txtfind f;
			char why[DNSANS_WHY_LEN];
			bool dup = false;

			dnsev_add(ev, list == 0 ? "rua" : "ruf", "%s", u[i].uri);
			if (!u[i].mailto || u[i].domain[0] == '\0')
				continue;
			for (size_t k = 0; k < nseen; k++)
				dup |= strcmp(seen[k], u[i].domain) == 0;
			if (dup)
				continue;
			seen[nseen++] = u[i].domain;
			org_domain(u[i].domain, dorg, sizeof(dorg));
			if (strcmp(dorg, org) == 0)
				continue;
			next++;
			if (snprintf(q, sizeof(q), "%s._report._dmarc.%s", df->at, u[i].domain) < 0 ||
			    strlen(q) > MAX_DOMAIN_LEN) {
				dnsev_add(ev, "destination", "%s: %s._report._dmarc.%s is longer than a "
				    "domain name can be: not authorised", u[i].domain, df->at,
				    u[i].domain);
				textlist_add(bad, u[i].domain);
				nbad++;
				continue;
			}
			if (txt_find(w, q, dmarc_is_v1, &w->aux, &f) != 0) {
				free(bad);
				return PEIL_ENOMEM;
			}
			if (f.state == TXT_FAILED) {
				snprintf(why, sizeof(why), "%s", f.why);
				dnsev_add(ev, "destination", "%s: %s", u[i].domain, why);
				if (!failed)
					snprintf(reason, rlen, "%s", w->budget_out ? MSG_BUDGET : why);
				failed = true;
			} else if (f.state == TXT_FOUND) {
				dnsev_add(ev, "destination", "%s: authorised by %s", u[i].domain, q);
			} else {
				dnsev_add(ev, "destination", "%s: not authorised: %s has no v=DMARC1 "
				    "record", u[i].domain, q);
				textlist_add(bad, u[i].domain);
				nbad++;
			}
		}
	}
	if (nbad > 0) {
		/* internet.nl: a notice (our warning); the policy test takes it over */
		*status = PEIL__STATUS__WARNING;
		snprintf(reason, rlen, "%zu external report destination(s) not authorised "
		    "(RFC 7489 7.1): %.700s", nbad, bad->buf);
	} else if (failed) {
		*status = PEIL__STATUS__ERROR;
	} else if (df->rec.nrua + df->rec.nruf == 0) {
		*status = PEIL__STATUS__NOT_TESTED;
		snprintf(reason, rlen, "the DMARC record names no report destination (rua, ruf)");
	} else {
		*status = PEIL__STATUS__PASSED;
		if (next == 0)
			snprintf(reason, rlen, "every report destination is within %s", org);
		else
			reason[0] = '\0';
	}
	free(bad);
	return 0;
}

/* mail_auth_dmarc_exist, _policy and _ext_destination. */
static int
run_dmarc(struct dnswork *w, Peil__Result *exist, Peil__Result *policy, Peil__Result *dest)
{
	struct dnsev ev = { 0 }, dev = { 0 };
	struct dmarcfind *df;
	char dreason[DNSANS_WHY_LEN + 256] = "", pbuf[sizeof(df->rec.errors[0].why) + 160];
	int st_policy = PEIL__STATUS__NOT_TESTED, st_dest = PEIL__STATUS__NOT_TESTED, rc;
	const char *r_policy = "no valid DMARC record", *r_dest = "no valid DMARC record";
	enum dmarc_policy eff;

	if ((df = calloc(1, sizeof(*df))) == NULL)
		return PEIL_ENOMEM;
	if ((rc = dmarc_find(w, &ev, df)) != 0)
		goto out;
	if (df->invalid) {
		st_policy = PEIL__STATUS__FAILED;
		r_policy = df->reason;
		r_dest = "the DMARC record is invalid";
		rc = dnsev_apply(&ev, exist, PEIL__STATUS__PASSED, NULL);
		goto rest;
	}
	if (!df->found) {
		if (df->status == PEIL__STATUS__ERROR)
			st_policy = st_dest = PEIL__STATUS__ERROR, r_policy = r_dest = df->reason;
		rc = dnsev_apply(&ev, exist, df->status, df->reason);
		goto rest;
	}
	if (strcmp(df->at, w->domain) != 0)
		dnsev_add(&ev, "dmarc_used", "the record of %s, the organizational domain", df->at);
	eff = dmarc_effective_policy(&df->rec, df->subdomain);
	if (df->rec.p == DMARC_P_UNSET)
		dnsev_add(&ev, "dmarc_p", "absent: none in effect (%s)", df->rec.rfc9989 ?
		    "RFC 9989 4.7" : "RFC 7489 6.6.3, the record has a rua");
	else
		dnsev_add(&ev, "dmarc_p", "%s", dmarc_policy_name(df->rec.p));
	for (size_t i = 0; i < df->rec.nerrors && i < MAX_DMARC_TAG_ERRORS; i++)
		dnsev_add(&ev, "dmarc_tag_discarded", "%s", df->rec.errors[i].why);
	if (df->rec.nerrors > MAX_DMARC_TAG_ERRORS)
		dnsev_add(&ev, "dmarc_tag_discarded", "... %zu in all",
		    df->rec.nerrors);
	if (df->rec.sp != DMARC_P_UNSET)
		dnsev_add(&ev, "dmarc_sp", "%s", dmarc_policy_name(df->rec.sp));
	if (df->rec.testing)
		dnsev_add(&ev, "dmarc_t", "y: the policy is lowered one step (RFC 9989)");
	if (df->rec.pct_set)
		dnsev_add(&ev, "dmarc_pct", "%u", df->rec.pct);
	dnsev_add(&ev, "dmarc_policy_in_effect", "%s%s", dmarc_policy_name(eff),
	    df->subdomain ? " (for a subdomain: sp, else p)" : "");
	w->dmarc_reject = eff == DMARC_P_REJECT;
	if ((rc = dnsev_apply(&ev, exist, PEIL__STATUS__PASSED, NULL)) != 0)
		goto out;
	if (df->rec.nerrors > 0) {
		/* As internet.nl: a record with syntax errors fails the policy test; the policy
		 * in effect above is what a receiver applies (RFC 9989 4.8). */
		st_policy = PEIL__STATUS__FAILED;
		snprintf(pbuf, sizeof(pbuf), "the DMARC record has %zu malformed tag(s), discarded "
		    "for their defaults (RFC 9989 4.8): %s; the policy in effect is %s",
		    df->rec.nerrors, df->rec.errors[0].why, dmarc_policy_name(eff));
		r_policy = pbuf;
	} else if (eff == DMARC_P_QUARANTINE || eff == DMARC_P_REJECT) {
		st_policy = PEIL__STATUS__PASSED;
		r_policy = NULL;
	} else {
		st_policy = PEIL__STATUS__FAILED;
		r_policy = df->rec.testing && (df->subdomain && df->rec.sp != DMARC_P_UNSET ?
		    df->rec.sp : df->rec.p) == DMARC_P_QUARANTINE ?
		    "the policy in effect is none: quarantine lowered by t=y" :
		    "the policy in effect is none: mail failing DMARC is delivered";
	}
	if (dest != NULL || (policy != NULL && st_policy == PEIL__STATUS__PASSED)) {
		if ((rc = dmarc_destinations(w, df, &dev, &st_dest, dreason, sizeof(dreason))) != 0)
			goto out;
		r_dest = dreason[0] != '\0' ? dreason : NULL;
	}
	/* internet.nl (result_invalid_external): a good policy whose external report
	 * destinations have not all authorised the domain is a notice, our warning */
	if (st_policy == PEIL__STATUS__PASSED && st_dest == PEIL__STATUS__WARNING) {
		st_policy = PEIL__STATUS__WARNING;
		r_policy = r_dest;
	}
rest:
	if (rc == 0)
		rc = dnsev_apply(&ev, policy, st_policy, r_policy);
	dnsev_copy(&ev, &dev);
	if (rc == 0)
		rc = dnsev_apply(&ev, dest, st_dest, r_dest);
out:
	free(df);
	dnsev_clear(&ev);
	dnsev_clear(&dev);
	return rc;
}

/* ---- DKIM ---- */

/* mail_auth_dkim_exist: _domainkey.<domain> exists (RFC 8020: NXDOMAIN means nothing below). */
static int
run_dkim(struct dnswork *w, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	char q[MAX_DOMAIN_LEN + 16], why[DNSANS_WHY_LEN], rbuf[16];
	const char *reason = NULL;
	int st, rc;

	if (!name_join(q, sizeof(q), "_domainkey", w->domain)) {
		rc = dnsev_apply(&ev, r, PEIL__STATUS__ERROR, "_domainkey.<domain> would be longer "
		    "than a domain name can be");
		goto out;
	}
	if ((rc = dnswork_lookup(w, q, LDNS_RR_TYPE_TXT, 0, &w->aux)) == PEIL_ENOMEM)
		goto out;
	rc = 0;
	dnsev_add(&ev, "query", "%s TXT", q);
	if (dnsans_failed(&w->aux, why, sizeof(why))) {
		st = PEIL__STATUS__ERROR;
		reason = w->budget_out ? MSG_BUDGET : why;
	} else if (w->aux.rcode == LDNS_RCODE_NOERROR) {
		dnsev_add(&ev, "rcode", "NOERROR (%zu TXT record(s))", w->aux.total);
		st = PEIL__STATUS__PASSED;
	} else {
		dnsev_add(&ev, "rcode", "%s", dnsans_rcode_name(w->aux.rcode, rbuf, sizeof(rbuf)));
		dnsev_add(&ev, "spf_reject_all", "%s", w->spf_reject_all ? "yes" : "no");
		dnsev_add(&ev, "dmarc_reject", "%s", w->dmarc_reject ? "yes" : "no");
		if (w->spf_reject_all && w->dmarc_reject) {
			st = PEIL__STATUS__PASSED;
			reason = "non-sending domain: no DKIM keys, SPF \"v=spf1 -all\" and DMARC reject";
		} else {
			st = PEIL__STATUS__FAILED;
			reason = "no DKIM keys: _domainkey does not exist (NXDOMAIN, RFC 8020) and the "
			    "domain is not declared non-sending (SPF -all alone and DMARC reject)";
		}
	}
	rc = dnsev_apply(&ev, r, st, reason);
out:
	dnsev_clear(&ev);
	return rc;
}

int
probe_mailauth_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	int rc = 0;

	(void)mx;
	(void)web;

	/* DKIM's non-sending rule needs what SPF and DMARC found. */
	if ((!done[TEST_MAIL_AUTH_SPF_EXIST] || !done[TEST_MAIL_AUTH_SPF_POLICY] ||
	    !done[TEST_MAIL_AUTH_DKIM_EXIST]) && dnswork_budget_left(w)) {
		if ((rc = run_spf(w, res[TEST_MAIL_AUTH_SPF_EXIST], res[TEST_MAIL_AUTH_SPF_POLICY])) != 0)
			return rc;
		done[TEST_MAIL_AUTH_SPF_EXIST] = done[TEST_MAIL_AUTH_SPF_POLICY] = true;
	}
	if ((!done[TEST_MAIL_AUTH_DMARC_EXIST] || !done[TEST_MAIL_AUTH_DMARC_POLICY] ||
	    !done[TEST_MAIL_AUTH_DMARC_EXT_DESTINATION] || !done[TEST_MAIL_AUTH_DKIM_EXIST]) &&
	    dnswork_budget_left(w)) {
		if ((rc = run_dmarc(w, res[TEST_MAIL_AUTH_DMARC_EXIST], res[TEST_MAIL_AUTH_DMARC_POLICY],
		    res[TEST_MAIL_AUTH_DMARC_EXT_DESTINATION])) != 0)
			return rc;
		done[TEST_MAIL_AUTH_DMARC_EXIST] = done[TEST_MAIL_AUTH_DMARC_POLICY] = true;
		done[TEST_MAIL_AUTH_DMARC_EXT_DESTINATION] = true;
	}
	if (!done[TEST_MAIL_AUTH_DKIM_EXIST] && dnswork_budget_left(w)) {
		if ((rc = run_dkim(w, res[TEST_MAIL_AUTH_DKIM_EXIST])) != 0)
			return rc;
		done[TEST_MAIL_AUTH_DKIM_EXIST] = true;
	}
	return 0;
}
