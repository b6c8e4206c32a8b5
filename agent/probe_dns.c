/* probe_dns.c: the DNS tests: answer messages parsed with ldns and bounded, the tests judged.
 *
 * Nothing here touches the network: answers come from a struct probe_dns_source, which is the
 * validating resolver in the agent (probe.c) and canned packets in the tests. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "err.h"
#include "probe_dns.h"

/* ---- answers ---- */

int
dnsans_fail(struct dnsans *out, int err, const char *fmt, ...)
{
	va_list ap;

	memset(out, 0, sizeof(*out));
	out->err = err;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
	return err;
}

static const char *
dns_type_name(uint16_t type, char *buf, size_t len)
{
	switch (type) {
	case LDNS_RR_TYPE_A:      return "A";
	case LDNS_RR_TYPE_NS:     return "NS";
	case LDNS_RR_TYPE_CNAME:  return "CNAME";
	case LDNS_RR_TYPE_SOA:    return "SOA";
	case LDNS_RR_TYPE_MX:     return "MX";
	case LDNS_RR_TYPE_AAAA:   return "AAAA";
	case LDNS_RR_TYPE_DS:     return "DS";
	case LDNS_RR_TYPE_DNSKEY: return "DNSKEY";
	}
	snprintf(buf, len, "TYPE%u", (unsigned)type);
	return buf;
}

static const char *
dns_rcode_name(int rcode, char *buf, size_t len)
{
	switch (rcode) {
	case LDNS_RCODE_NOERROR:  return "NOERROR";
	case LDNS_RCODE_FORMERR:  return "FORMERR";
	case LDNS_RCODE_SERVFAIL: return "SERVFAIL";
	case LDNS_RCODE_NXDOMAIN: return "NXDOMAIN";
	case LDNS_RCODE_NOTIMPL:  return "NOTIMP";
	case LDNS_RCODE_REFUSED:  return "REFUSED";
	}
	snprintf(buf, len, "RCODE%d", rcode);
	return buf;
}

/* Skips one name (labels, ended by a root label or a compression pointer) at *pos. */
static int
msg_skip_name(const uint8_t *b, size_t len, size_t *pos)
{
	size_t p = *pos, wire = 0;

	for (;;) {
		uint8_t l;

		if (p >= len)
			return -1;
		l = b[p];
		if ((l & 0xc0) == 0xc0) {
			if (len - p < 2)
				return -1;
			p += 2;
			break;
		}
		if ((l & 0xc0) != 0)
			return -1;
		p++;
		if (l == 0)
			break;
		if (len - p < l)
			return -1;
		p += l;
		wire += (size_t)l + 1;
		if (wire > 254)
			return -1;
	}
	*pos = p;
	return 0;
}

/* Walks the sections by their counts, checking what remains before every read, so that a
 * truncated message and trailing bytes (which ldns_wire2pkt lets pass) are told apart. */
static int
msg_check(const uint8_t *b, size_t len, char *reason, size_t rlen)
{
	size_t pos = 12, nrr;
	unsigned qd;

	if (len < 12) {
		snprintf(reason, rlen, "truncated header (%zu bytes)", len);
		return PEIL_EINVAL;
	}
	qd = (unsigned)b[4] << 8 | b[5];
	nrr = ((size_t)b[6] << 8 | b[7]) + ((size_t)b[8] << 8 | b[9]) + ((size_t)b[10] << 8 | b[11]);
	for (unsigned i = 0; i < qd; i++) {
		if (msg_skip_name(b, len, &pos) != 0 || len - pos < 4) {
			snprintf(reason, rlen, "truncated question section");
			return PEIL_EINVAL;
		}
		pos += 4;
	}
	for (size_t i = 0; i < nrr; i++) {
		size_t rdlen;

		if (msg_skip_name(b, len, &pos) != 0 || len - pos < 10) {
			snprintf(reason, rlen, "truncated record %zu", i + 1);
			return PEIL_EINVAL;
		}
		rdlen = (size_t)b[pos + 8] << 8 | b[pos + 9];
		pos += 10;
		if (len - pos < rdlen) {
			snprintf(reason, rlen, "truncated data of record %zu", i + 1);
			return PEIL_EINVAL;
		}
		pos += rdlen;
	}
	if (pos != len) {
		snprintf(reason, rlen, "%zu trailing bytes", len - pos);
		return PEIL_EINVAL;
	}
	return 0;
}

/* A wire name (ldns DNAME rdf) as text: lower case, no final dot, "." for the root, bytes
 * outside [a-z0-9-] as '?'. host_ok tells whether it is a valid host name. */
static int
name_text(const ldns_rdf *d, char *out, size_t outlen, bool *host_ok)
{
	const uint8_t *w;
	size_t size, p = 0, o = 0;

	*host_ok = true;
	if (d == NULL || ldns_rdf_get_type(d) != LDNS_RDF_TYPE_DNAME)
		return PEIL_EINVAL;
	w = ldns_rdf_data(d);
	size = ldns_rdf_size(d);
	if (w == NULL || size == 0 || size > 255)
		return PEIL_EINVAL;
	while (p < size && w[p] != 0) {
		size_t l = w[p++];

		if (l > 63 || size - p < l)
			return PEIL_EINVAL;
		if (o > 0)
			out[o++] = '.';
		if (w[p] == '-' || w[p + l - 1] == '-')
			*host_ok = false;
		for (size_t i = 0; i < l; i++) {
			unsigned char c = w[p + i];

			/* A wire name has at most 254 bytes before its root label: it fits. */
			if (o + 2 > outlen)
				return PEIL_EINVAL;
			if (isalnum(c) || c == '-') {
				out[o++] = (char)tolower(c);
			} else {
				out[o++] = '?';
				*host_ok = false;
			}
		}
		p += l;
	}
	if (o == 0) {
		if (outlen < 2)
			return PEIL_EINVAL;
		out[o++] = '.';
		*host_ok = false;
	}
	out[o] = '\0';
	return 0;
}

static int
dnsans_rr_cmp(const void *a, const void *b)
{
	const struct dnsans_rr *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Keeps rr unless a duplicate; when full, an MX replaces the kept one of highest preference. */
static void
dnsans_keep(struct dnsans *out, const struct dnsans_rr *rr, size_t max, bool by_pref)
{
	size_t worst = 0;

	for (size_t i = 0; i < out->n; i++)
		if (out->rr[i].pref == rr->pref && strcmp(out->rr[i].text, rr->text) == 0)
			return;
	if (out->n < max) {
		out->rr[out->n++] = *rr;
		return;
	}
	if (!by_pref || out->n == 0)
		return;
	for (size_t i = 1; i < out->n; i++)
		if (out->rr[i].pref >= out->rr[worst].pref)
			worst = i;
	if (rr->pref < out->rr[worst].pref)
		out->rr[worst] = *rr;
}

/* Reads the data of one A, AAAA, NS or MX record. */
static int
rr_value(const ldns_rr *rr, uint16_t type, struct dnsans_rr *v)
{
	const ldns_rdf *d = ldns_rr_rdf(rr, 0);

	memset(v, 0, sizeof(*v));
	if (d == NULL)
		return PEIL_EINVAL;
	switch (type) {
	case LDNS_RR_TYPE_A:
		if (ldns_rdf_get_type(d) != LDNS_RDF_TYPE_A || ldns_rdf_size(d) != 4 ||
		    inet_ntop(AF_INET, ldns_rdf_data(d), v->text, sizeof(v->text)) == NULL)
			return PEIL_EINVAL;
		return 0;
	case LDNS_RR_TYPE_AAAA:
		if (ldns_rdf_get_type(d) != LDNS_RDF_TYPE_AAAA || ldns_rdf_size(d) != 16 ||
		    inet_ntop(AF_INET6, ldns_rdf_data(d), v->text, sizeof(v->text)) == NULL)
			return PEIL_EINVAL;
		return 0;
	case LDNS_RR_TYPE_NS:
		return name_text(d, v->text, sizeof(v->text), &v->host_ok);
	case LDNS_RR_TYPE_MX:
		if (ldns_rr_rd_count(rr) != 2 || ldns_rdf_get_type(d) != LDNS_RDF_TYPE_INT16 ||
		    ldns_rdf_size(d) != 2)
			return PEIL_EINVAL;
		v->pref = (uint16_t)(ldns_rdf_data(d)[0] << 8 | ldns_rdf_data(d)[1]);
		return name_text(ldns_rr_rdf(rr, 1), v->text, sizeof(v->text), &v->host_ok);
	}
	return 0;
}

static bool
dname_eq(const ldns_rdf *a, const ldns_rdf *b)
{
	return a != NULL && b != NULL && ldns_rdf_get_type(a) == LDNS_RDF_TYPE_DNAME &&
	    ldns_rdf_get_type(b) == LDNS_RDF_TYPE_DNAME && ldns_dname_compare(a, b) == 0;
}

static const ldns_rr *
find_soa(const ldns_rr_list *l)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN)
			return rr;
	}
	return NULL;
}

int
dnsans_parse(const uint8_t *pkt, size_t len, const char *qname, uint16_t qtype, size_t max,
    struct dnsans *out)
{
	ldns_pkt *p = NULL;
	ldns_rdf *want = NULL;
	const ldns_rdf *cur;
	const ldns_rr_list *an, *qd;
	const ldns_rr *soa;
	char why[DNSANS_REASON_LEN], tbuf[16];
	const char *tname = dns_type_name(qtype, tbuf, sizeof(tbuf));
	ldns_status st;
	bool ok;
	int rc = PEIL_EINVAL;

	memset(out, 0, sizeof(*out));
	if (max > DNSANS_MAX_RR)
		max = DNSANS_MAX_RR;
	if (pkt == NULL || len > MAX_DNS_MESSAGE) {
		dnsans_fail(out, PEIL_EINVAL, "malformed answer: %zu bytes", len);
		goto out;
	}
	if (msg_check(pkt, len, why, sizeof(why)) != 0) {
		dnsans_fail(out, PEIL_EINVAL, "malformed answer: %s", why);
		goto out;
	}
	if ((st = ldns_wire2pkt(&p, pkt, len)) != LDNS_STATUS_OK) {
		dnsans_fail(out, PEIL_EINVAL, "malformed answer: %s", ldns_get_errorstr_by_id(st));
		goto out;
	}
	if (!ldns_pkt_qr(p) || ldns_pkt_get_opcode(p) != LDNS_PACKET_QUERY) {
		dnsans_fail(out, PEIL_EINVAL, "malformed answer: not a response to a query");
		goto out;
	}
	if ((want = ldns_dname_new_frm_str(qname)) == NULL) {
		dnsans_fail(out, PEIL_EINVAL, "cannot ask for '%s'", qname);
		goto out;
	}
	qd = ldns_pkt_question(p);
	if (ldns_rr_list_rr_count(qd) > 1) {
		dnsans_fail(out, PEIL_EINVAL, "malformed answer: %zu questions",
		    ldns_rr_list_rr_count(qd));
		goto out;
	}
	if (ldns_rr_list_rr_count(qd) == 1) {
		const ldns_rr *q = ldns_rr_list_rr(qd, 0);

		if (!dname_eq(ldns_rr_owner(q), want) || ldns_rr_get_type(q) != qtype ||
		    ldns_rr_get_class(q) != LDNS_RR_CLASS_IN) {
			dnsans_fail(out, PEIL_EINVAL, "answer to another question than %s %s",
			    qname, tname);
			goto out;
		}
	}
	out->rcode = ldns_pkt_get_rcode(p);
	an = ldns_pkt_answer(p);

	/* Follow the CNAME chain from qname inside the answer section. */
	cur = want;
	for (unsigned hops = 0; qtype != LDNS_RR_TYPE_CNAME; hops++) {
		const ldns_rdf *next = NULL;

		for (size_t i = 0; i < ldns_rr_list_rr_count(an) && next == NULL; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(an, i);

			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
			    ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
			    dname_eq(ldns_rr_owner(rr), cur)) {
				next = ldns_rr_rdf(rr, 0);
				if (next == NULL || ldns_rdf_get_type(next) != LDNS_RDF_TYPE_DNAME) {
					dnsans_fail(out, PEIL_EINVAL, "malformed CNAME record");
					goto out;
				}
			}
		}
		if (next == NULL)
			break;
		if (hops == MAX_CNAME_CHAIN) {
			dnsans_fail(out, PEIL_EINVAL, "CNAME chain longer than %d", MAX_CNAME_CHAIN);
			goto out;
		}
		cur = next;
	}
	if (cur != want && name_text(cur, out->target, sizeof(out->target), &ok) != 0) {
		dnsans_fail(out, PEIL_EINVAL, "malformed CNAME target");
		goto out;
	}

	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		struct dnsans_rr v;

		if (ldns_rr_get_type(rr) != qtype || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
		    !dname_eq(ldns_rr_owner(rr), cur))
			continue;
		out->total++;
		if (rr_value(rr, qtype, &v) != 0) {
			dnsans_fail(out, PEIL_EINVAL, "malformed %s record", tname);
			goto out;
		}
		if (qtype == LDNS_RR_TYPE_A || qtype == LDNS_RR_TYPE_AAAA ||
		    qtype == LDNS_RR_TYPE_NS || qtype == LDNS_RR_TYPE_MX)
			dnsans_keep(out, &v, max, qtype == LDNS_RR_TYPE_MX);
	}
	qsort(out->rr, out->n, sizeof(out->rr[0]), dnsans_rr_cmp);

	if ((soa = find_soa(an)) == NULL)
		soa = find_soa(ldns_pkt_authority(p));
	if (soa != NULL && name_text(ldns_rr_owner(soa), out->zone, sizeof(out->zone), &ok) != 0)
		out->zone[0] = '\0';
	rc = 0;
out:
	ldns_rdf_deep_free(want);
	ldns_pkt_free(p);
	return rc;
}

bool
probe_dns_hostname_ok(const char *name)
{
	size_t len = strlen(name), label = 0;
	bool digits = true;

	if (len == 0 || len > MAX_DOMAIN_LEN)
		return false;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || name[i - 1] == '-')
				return false;
			if (c == '\0')
				break;
			label = 0;
			digits = true;
			continue;
		}
		if (!isalnum(c) && c != '-')
			return false;
		if (label == 0 && c == '-')
			return false;
		if (!isdigit(c))
			digits = false;
		label++;
	}
	return !digits;
}

/* ---- the tests ---- */

static const char *const probe_dns_ids[PROBE_DNS_NTESTS] = {
	[PROBE_DNS_WEB_DNSSEC_EXIST] = "web_dnssec_exist",
	[PROBE_DNS_WEB_DNSSEC_VALID] = "web_dnssec_valid",
	[PROBE_DNS_MAIL_DNSSEC_EXIST] = "mail_dnssec_mailto_exist",
	[PROBE_DNS_MAIL_DNSSEC_VALID] = "mail_dnssec_mailto_valid",
	[PROBE_DNS_WEB_NS_ADDRESS] = "web_ipv6_ns_address",
	[PROBE_DNS_MAIL_NS_ADDRESS] = "mail_ipv6_ns_address",
	[PROBE_DNS_WEB_WS_ADDRESS] = "web_ipv6_ws_address",
	[PROBE_DNS_MAIL_MX_ADDRESS] = "mail_ipv6_mx_address",
};

const char *
probe_dns_test_id(enum probe_dns_test t)
{
	return (unsigned)t < PROBE_DNS_NTESTS ? probe_dns_ids[t] : NULL;
}

int
probe_dns_test_find(const char *id)
{
	for (int i = 0; i < PROBE_DNS_NTESTS; i++)
		if (strcmp(probe_dns_ids[i], id) == 0)
			return i;
	return -1;
}

/* Evidence gathered once and given to one or more results (web and mail share lookups). */
#define DNSEV_MAX (MAX_NS + 16)

struct dnsev {
	size_t n;
	char *key[DNSEV_MAX];
	char *val[DNSEV_MAX];
	bool nomem;
};

static void dnsev_add(struct dnsev *ev, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
dnsev_add(struct dnsev *ev, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *v = NULL;
	int n;

	if (ev->n == DNSEV_MAX)
		return;
	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0 || (ev->key[ev->n] = strdup(key)) == NULL) {
		if (n >= 0)
			free(v);
		ev->nomem = true;
		return;
	}
	ev->val[ev->n++] = v;
}

static void
dnsev_clear(struct dnsev *ev)
{
	for (size_t i = 0; i < ev->n; i++) {
		free(ev->key[i]);
		free(ev->val[i]);
	}
	memset(ev, 0, sizeof(*ev));
}

/* Sets r's status, then "reason" (if any), then the evidence. */
static int
dnsev_apply(const struct dnsev *ev, Peil__Result *r, int status, const char *reason)
{
	if (r == NULL)
		return 0;
	if (ev->nomem)
		return PEIL_ENOMEM;
	result_set_status(r, status);
	if (reason != NULL && result_add_evidence(r, "reason", "%s", reason) != 0)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < ev->n; i++)
		if (result_add_evidence(r, ev->key[i], "%s", ev->val[i]) != 0)
			return PEIL_ENOMEM;
	return 0;
}

/* A bounded text list: "a, b, c". */
struct textlist {
	char buf[MAX_EVIDENCE_VALUE_LEN];
	size_t len;
};

static void
textlist_add(struct textlist *tl, const char *s)
{
	int n;

	if (tl->len >= sizeof(tl->buf) - 1)
		return;
	n = snprintf(tl->buf + tl->len, sizeof(tl->buf) - tl->len, "%s%s",
	    tl->len > 0 ? ", " : "", s);
	if (n > 0)
		tl->len += (size_t)n;
	if (tl->len >= sizeof(tl->buf))
		tl->len = sizeof(tl->buf) - 1;
}

/* The working state of one run: answers live here, not on the stack (each is ~10 KiB). */
struct dnswork {
	const struct probe_dns_source *src;
	const char *domain;
	uint64_t deadline;
	bool budget_out;        /* a lookup ran into the deadline */
	bool nxdomain;          /* the domain does not exist */
	struct dnsans base;     /* domain SOA */
	struct dnsans set;      /* NS or MX set, or domain AAAA */
	struct dnsans a6, a4;   /* one host's AAAA and A */
	struct dnsans aux;      /* DNSKEY, DS */
};

static const char CUT_MARK[] = "...";
static const char MSG_BUDGET[] = "time budget exhausted";
static const char MSG_NXDOMAIN[] = "domain does not exist";

static bool
budget_left(struct dnswork *w)
{
	if (w->budget_out || w->src->now_ms(w->src->arg) >= w->deadline)
		w->budget_out = true;
	return !w->budget_out;
}

static int
lookup(struct dnswork *w, const char *name, uint16_t type, size_t max, struct dnsans *out)
{
	int rc;

	if (!budget_left(w))
		return dnsans_fail(out, PEIL_ETIMEDOUT, "%s", MSG_BUDGET);
	rc = w->src->lookup(w->src->arg, name, type, max, w->deadline, out);
	if (rc == PEIL_ETIMEDOUT)
		(void)budget_left(w);
	return rc;
}

/* Writes why a lookup gave no usable answer and returns true; false when it is usable: not
 * bogus, and NOERROR or NXDOMAIN. */
static bool
lookup_failed(const struct dnsans *a, char *buf, size_t len)
{
	char rbuf[16];

	if (a->err != 0)
		snprintf(buf, len, "%s", a->reason);
	else if (a->sec == DNSANS_BOGUS)
		snprintf(buf, len, "DNSSEC bogus: %s", a->why_bogus);
	else if (a->rcode != LDNS_RCODE_NOERROR && a->rcode != LDNS_RCODE_NXDOMAIN)
		snprintf(buf, len, "%s", dns_rcode_name(a->rcode, rbuf, sizeof(rbuf)));
	else
		return false;
	return true;
}

static const char *
sec_name(enum dnsans_sec s)
{
	return s == DNSANS_SECURE ? "secure" : s == DNSANS_BOGUS ? "bogus" : "insecure";
}

/* Addresses of one answer as "a, b" (cut noted), "none", or why the lookup failed. */
static void
addr_text(const struct dnsans *a, struct textlist *tl)
{
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];

	tl->len = 0;
	tl->buf[0] = '\0';
	if (lookup_failed(a, why, sizeof(why))) {
		snprintf(tl->buf, sizeof(tl->buf), "lookup failed: %s", why);
		return;
	}
	if (a->rcode == LDNS_RCODE_NXDOMAIN) {
		snprintf(tl->buf, sizeof(tl->buf), "none (name does not exist)");
		return;
	}
	if (a->n == 0) {
		snprintf(tl->buf, sizeof(tl->buf), "none");
		return;
	}
	for (size_t i = 0; i < a->n; i++)
		textlist_add(tl, a->rr[i].text);
	if (a->total > a->n) {
		char more[64];

		snprintf(more, sizeof(more), "(%zu of %zu listed)", a->n, a->total);
		textlist_add(tl, more);
	}
}

/* One host's AAAA and A, looked up into w->a6, w->a4; the line of evidence in line. Returns
 * 1 when it has an AAAA, 0 when it has none, -1 when its AAAA lookup failed. */
static int
host_addresses(struct dnswork *w, const struct dnsans_rr *host, char *line, size_t len,
    int *rc)
{
	struct textlist *t6, *t4;
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];
	int has, n;

	*rc = 0;
	if (!host->host_ok) {
		snprintf(line, len, "%s: not a valid host name, not looked up", host->text);
		return 0;
	}
	if ((t6 = malloc(sizeof(*t6))) == NULL || (t4 = malloc(sizeof(*t4))) == NULL) {
		free(t6);
		*rc = PEIL_ENOMEM;
		return -1;
	}
	if (lookup(w, host->text, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST, &w->a6) == PEIL_ENOMEM ||
	    lookup(w, host->text, LDNS_RR_TYPE_A, MAX_ADDRS_PER_HOST, &w->a4) == PEIL_ENOMEM)
		*rc = PEIL_ENOMEM;
	addr_text(&w->a6, t6);
	addr_text(&w->a4, t4);
	n = snprintf(line, len, "%s: AAAA %s; A %s", host->text, t6->buf, t4->buf);
	if (n < 0 || (size_t)n >= len)
		snprintf(line + len - sizeof(CUT_MARK), sizeof(CUT_MARK), "%s", CUT_MARK);
	if (lookup_failed(&w->a6, why, sizeof(why)))
		has = -1;
	else
		has = w->a6.rcode == LDNS_RCODE_NOERROR && w->a6.n > 0;
	free(t6);
	free(t4);
	return has;
}

/* web_dnssec_* and mail_dnssec_mailto_*: the domain's SOA through the validator. */
static int
run_dnssec(struct dnswork *w, Peil__Result *exist[2], Peil__Result *valid[2])
{
	struct dnsev ev = { 0 };
	struct dnsans *b = &w->base;
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN], rbuf[16];
	int st_exist, st_valid, rc = 0;
	const char *r_exist = NULL, *r_valid = NULL;
	char *note = NULL;

	dnsev_add(&ev, "query", "%s SOA", w->domain);
	if (b->err == 0) {
		dnsev_add(&ev, "rcode", "%s", dns_rcode_name(b->rcode, rbuf, sizeof(rbuf)));
		/* A SERVFAIL that is not bogus says nothing about DNSSEC. */
		if (b->sec == DNSANS_BOGUS || !lookup_failed(b, why, sizeof(why)))
			dnsev_add(&ev, "dnssec", "%s", sec_name(b->sec));
		if (b->zone[0] != '\0')
			dnsev_add(&ev, "zone", "%s", b->zone);
		if (b->target[0] != '\0')
			dnsev_add(&ev, "cname", "%s", b->target);
	}
	if (b->err == 0 && b->sec == DNSANS_BOGUS) {
		dnsev_add(&ev, "why_bogus", "%s", b->why_bogus);
		st_exist = PEIL__STATUS__PASSED;
		st_valid = PEIL__STATUS__FAILED;
		r_valid = "DNSSEC validation failed (bogus)";
	} else if (lookup_failed(b, why, sizeof(why))) {
		st_exist = st_valid = PEIL__STATUS__ERROR;
		if (b->err == PEIL_ETIMEDOUT && w->budget_out)
			r_exist = r_valid = MSG_BUDGET;
		else if (asprintf(&note, "SOA lookup failed: %s", why) < 0)
			ev.nomem = true;
		else
			r_exist = r_valid = note;
	} else if (b->rcode == LDNS_RCODE_NXDOMAIN) {
		st_exist = st_valid = PEIL__STATUS__ERROR;
		r_exist = r_valid = MSG_NXDOMAIN;
	} else if (b->sec == DNSANS_SECURE) {
		st_exist = st_valid = PEIL__STATUS__PASSED;
	} else if (!w->src->validating) {
		st_exist = st_valid = PEIL__STATUS__NOT_TESTED;
		r_exist = r_valid = "the resolver has no trust anchor: DNSSEC is not validated";
	} else {
		const char *zone = b->zone[0] != '\0' ? b->zone : w->domain;

		st_exist = PEIL__STATUS__FAILED;
		st_valid = PEIL__STATUS__NOT_TESTED;
		r_exist = "the domain is not DNSSEC-signed (insecure)";
		r_valid = "the domain is not DNSSEC-signed (insecure): nothing to validate";
		/* A signed zone nobody can validate: DNSKEY published but no DS at the parent. */
		if (lookup(w, zone, LDNS_RR_TYPE_DNSKEY, 0, &w->aux) == PEIL_ENOMEM)
			ev.nomem = true;
		else if (!lookup_failed(&w->aux, why, sizeof(why)) && w->aux.total > 0) {
			size_t nkeys = w->aux.total;

			if (lookup(w, zone, LDNS_RR_TYPE_DS, 0, &w->aux) == PEIL_ENOMEM)
				ev.nomem = true;
			else if (lookup_failed(&w->aux, why, sizeof(why)))
				dnsev_add(&ev, "dnskey", "zone %s publishes %zu DNSKEY record(s); "
				    "DS lookup failed: %s", zone, nkeys, why);
			else if (w->aux.total == 0)
				dnsev_add(&ev, "dnskey", "zone %s publishes %zu DNSKEY record(s), but "
				    "its parent has no DS for it", zone, nkeys);
			else
				dnsev_add(&ev, "dnskey", "zone %s publishes %zu DNSKEY record(s) and its "
				    "parent %zu DS record(s), but the chain of trust does not reach it (an "
				    "unsigned zone above, or an algorithm not supported)", zone, nkeys,
				    w->aux.total);
		}
	}
	for (int i = 0; i < 2 && rc == 0; i++) {
		if ((rc = dnsev_apply(&ev, exist[i], st_exist, r_exist)) == 0)
			rc = dnsev_apply(&ev, valid[i], st_valid, r_valid);
	}
	free(note);
	dnsev_clear(&ev);
	return rc;
}

/* web_ipv6_ws_address: at least one AAAA for the domain. */
static int
run_ws(struct dnswork *w, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	struct textlist *tl = NULL;
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN], *note = NULL;
	const char *reason = NULL;
	int st, rc;

	if ((tl = malloc(sizeof(*tl))) == NULL)
		return PEIL_ENOMEM;
	if (lookup(w, w->domain, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST, &w->set) == PEIL_ENOMEM ||
	    lookup(w, w->domain, LDNS_RR_TYPE_A, MAX_ADDRS_PER_HOST, &w->a4) == PEIL_ENOMEM) {
		free(tl);
		return PEIL_ENOMEM;
	}
	addr_text(&w->set, tl);
	dnsev_add(&ev, "AAAA", "%s", tl->buf);
	addr_text(&w->a4, tl);
	dnsev_add(&ev, "A", "%s", tl->buf);
	if (w->set.err == 0 && w->set.target[0] != '\0')
		dnsev_add(&ev, "cname", "%s", w->set.target);
	if (lookup_failed(&w->set, why, sizeof(why))) {
		st = PEIL__STATUS__ERROR;
		if (w->set.err == PEIL_ETIMEDOUT && w->budget_out)
			reason = MSG_BUDGET;
		else if (asprintf(&note, "AAAA lookup failed: %s", why) < 0)
			ev.nomem = true;
		else
			reason = note;
	} else if (w->set.rcode == LDNS_RCODE_NXDOMAIN) {
		st = PEIL__STATUS__ERROR;
		reason = MSG_NXDOMAIN;
	} else if (w->set.n > 0) {
		st = PEIL__STATUS__PASSED;
	} else {
		st = PEIL__STATUS__FAILED;
		reason = "no AAAA record for the domain";
	}
	rc = dnsev_apply(&ev, r, st, reason);
	free(note);
	free(tl);
	dnsev_clear(&ev);
	return rc;
}

/* *_ipv6_ns_address: the NS set of the domain's zone; at least two with an AAAA. */
static int
run_ns(struct dnswork *w, Peil__Result *res[2])
{
	struct dnsev ev = { 0 };
	char name[DNSANS_TEXT_LEN], why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];
	char line[MAX_EVIDENCE_VALUE_LEN], *note = NULL;
	const char *reason = NULL;
	size_t with6 = 0, failed = 0;
	bool found = false;
	int st = PEIL__STATUS__ERROR, rc = 0;

	snprintf(name, sizeof(name), "%s", w->domain);
	for (int i = 0; i < MAX_ZONE_WALK && !found; i++) {
		const char *dot;

		if (lookup(w, name, LDNS_RR_TYPE_NS, MAX_NS, &w->set) == PEIL_ENOMEM) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		if (lookup_failed(&w->set, why, sizeof(why))) {
			if (asprintf(&note, "NS lookup for %s failed: %s", name, why) < 0)
				ev.nomem = true;
			reason = note;
			goto judge;
		}
		if (w->set.rcode == LDNS_RCODE_NXDOMAIN) {
			if (i == 0)
				reason = MSG_NXDOMAIN;
			else if (asprintf(&note, "%s does not exist", name) < 0)
				ev.nomem = true;
			else
				reason = note;
			goto judge;
		}
		if (w->set.total > 0) {
			found = true;
			break;
		}
		/* No NS set here: the zone cut is higher up. Never ask the root. */
		if ((dot = strchr(name, '.')) == NULL)
			break;
		memmove(name, dot + 1, strlen(dot + 1) + 1);
	}
	if (!found) {
		if (asprintf(&note, "no NS set found at %s or above it (below the root, %d names "
		    "at most)", w->domain, MAX_ZONE_WALK) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	dnsev_add(&ev, "zone", "%s", name);
	dnsev_add(&ev, "ns_count", "%zu", w->set.total);
	if (w->set.total > w->set.n)
		dnsev_add(&ev, "ns_cut", "%zu NS records, the first %zu tested (MAX_NS)",
		    w->set.total, w->set.n);
	for (size_t i = 0; i < w->set.n; i++) {
		char key[32];
		int has = host_addresses(w, &w->set.rr[i], line, sizeof(line), &rc);

		if (rc != 0)
			goto out;
		snprintf(key, sizeof(key), "ns_%zu", i + 1);
		dnsev_add(&ev, key, "%s", line);
		if (has > 0)
			with6++;
		else if (has < 0)
			failed++;
	}
	dnsev_add(&ev, "with_aaaa", "%zu of %zu", with6, w->set.n);
	if (with6 >= 2) {
		st = PEIL__STATUS__PASSED;
	} else if (failed > 0) {
		if (asprintf(&note, "AAAA lookup failed for %zu name server(s); %zu with AAAA",
		    failed, with6) < 0)
			ev.nomem = true;
		reason = note;
	} else {
		st = PEIL__STATUS__FAILED;
		reason = with6 == 1 ? "only 1 name server has an AAAA record; 2 are needed" :
		    "no name server has an AAAA record; 2 are needed";
	}
judge:
	/* An answer not had in time decides nothing that was not already decided. */
	if (st == PEIL__STATUS__ERROR && w->budget_out)
		reason = MSG_BUDGET;
	for (int i = 0; i < 2 && rc == 0; i++)
		rc = dnsev_apply(&ev, res[i], st, reason);
out:
	free(note);
	dnsev_clear(&ev);
	return rc;
}

/* mail_ipv6_mx_address: every MX has an AAAA; a null MX alone or no MX: not tested. */
static int
run_mx(struct dnswork *w, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	struct textlist *without = NULL;
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];
	char line[MAX_EVIDENCE_VALUE_LEN], *note = NULL;
	const char *reason = NULL;
	size_t nnull = 0, nwithout = 0, failed = 0, tested = 0;
	int st = PEIL__STATUS__ERROR, rc = 0;

	if ((without = calloc(1, sizeof(*without))) == NULL)
		return PEIL_ENOMEM;
	if (lookup(w, w->domain, LDNS_RR_TYPE_MX, MAX_MX, &w->set) == PEIL_ENOMEM) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (lookup_failed(&w->set, why, sizeof(why))) {
		if (asprintf(&note, "MX lookup failed: %s", why) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	if (w->set.rcode == LDNS_RCODE_NXDOMAIN) {
		reason = MSG_NXDOMAIN;
		goto judge;
	}
	if (w->set.target[0] != '\0')
		dnsev_add(&ev, "cname", "%s", w->set.target);
	if (w->set.total == 0) {
		dnsev_add(&ev, "mx", "none");
		st = PEIL__STATUS__NOT_TESTED;
		reason = "no MX records";
		goto judge;
	}
	for (size_t i = 0; i < w->set.n; i++)
		if (strcmp(w->set.rr[i].text, ".") == 0)
			nnull++;
	if (nnull > 0 && nnull == w->set.total) {
		dnsev_add(&ev, "mx", "%u .", (unsigned)w->set.rr[0].pref);
		st = PEIL__STATUS__NOT_TESTED;
		reason = "null MX";
		goto judge;
	}
	dnsev_add(&ev, "mx_count", "%zu", w->set.total);
	if (w->set.total > w->set.n)
		dnsev_add(&ev, "mx_cut", "%zu MX records, the %zu of lowest preference tested "
		    "(MAX_MX)", w->set.total, w->set.n);
	if (nnull > 0)
		dnsev_add(&ev, "null_mx", "a null MX among other MX records (RFC 7505 wants it "
		    "alone); ignored");
	for (size_t i = 0; i < w->set.n; i++) {
		const struct dnsans_rr *mx = &w->set.rr[i];
		char key[32];
		bool dup = false;
		int has;

		if (strcmp(mx->text, ".") == 0)
			continue;
		for (size_t j = 0; j < i; j++)
			if (strcmp(w->set.rr[j].text, mx->text) == 0)
				dup = true;
		if (dup)
			continue;
		has = host_addresses(w, mx, line, sizeof(line), &rc);
		if (rc != 0)
			goto out;
		tested++;
		snprintf(key, sizeof(key), "mx_%zu", tested);
		dnsev_add(&ev, key, "%u %s", (unsigned)mx->pref, line);
		if (has == 0) {
			textlist_add(without, mx->text);
			nwithout++;
		} else if (has < 0) {
			failed++;
		}
	}
	if (nwithout > 0) {
		dnsev_add(&ev, "without_aaaa", "%s", without->buf);
		st = PEIL__STATUS__FAILED;
		if (asprintf(&note, "%zu of %zu MX have no AAAA record: %s", nwithout, tested,
		    without->buf) < 0)
			ev.nomem = true;
		reason = note;
	} else if (failed > 0) {
		if (asprintf(&note, "AAAA lookup failed for %zu MX", failed) < 0)
			ev.nomem = true;
		reason = note;
	} else {
		st = PEIL__STATUS__PASSED;
	}
judge:
	/* An answer not had in time decides nothing that was not already decided. */
	if (st == PEIL__STATUS__ERROR && w->budget_out)
		reason = MSG_BUDGET;
	rc = dnsev_apply(&ev, r, st, reason);
out:
	free(note);
	free(without);
	dnsev_clear(&ev);
	return rc;
}

/* Every requested result not judged yet becomes an error with this reason. */
static int
fail_rest(Peil__Result *res[PROBE_DNS_NTESTS], const bool done[PROBE_DNS_NTESTS],
    const char *reason, const struct dnsans *base, const char *domain)
{
	struct dnsev ev = { 0 };
	char rbuf[16];
	int rc = 0;

	if (base != NULL) {
		dnsev_add(&ev, "query", "%s SOA", domain);
		dnsev_add(&ev, "rcode", "%s", dns_rcode_name(base->rcode, rbuf, sizeof(rbuf)));
		dnsev_add(&ev, "dnssec", "%s", sec_name(base->sec));
	}
	for (int i = 0; i < PROBE_DNS_NTESTS && rc == 0; i++)
		if (!done[i])
			rc = dnsev_apply(&ev, res[i], PEIL__STATUS__ERROR, reason);
	dnsev_clear(&ev);
	return rc;
}

int
probe_dns_run(const struct probe_dns_source *src, const char *domain, uint64_t deadline_ms,
    Peil__Result *res[PROBE_DNS_NTESTS])
{
	struct dnswork *w;
	bool done[PROBE_DNS_NTESTS], any = false;
	int rc = 0;

	for (int i = 0; i < PROBE_DNS_NTESTS; i++) {
		done[i] = res[i] == NULL;
		any |= res[i] != NULL;
	}
	if (!any)
		return 0;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return PEIL_ENOMEM;
	w->src = src;
	w->domain = domain;
	w->deadline = deadline_ms;

	/* The SOA answers both whether the domain exists and its DNSSEC state. */
	if (lookup(w, domain, LDNS_RR_TYPE_SOA, 0, &w->base) == PEIL_ENOMEM) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (w->base.err == 0 && w->base.sec != DNSANS_BOGUS &&
	    w->base.rcode == LDNS_RCODE_NXDOMAIN) {
		rc = fail_rest(res, done, MSG_NXDOMAIN, &w->base, domain);
		goto out;
	}
	if (res[PROBE_DNS_WEB_DNSSEC_EXIST] != NULL || res[PROBE_DNS_WEB_DNSSEC_VALID] != NULL ||
	    res[PROBE_DNS_MAIL_DNSSEC_EXIST] != NULL || res[PROBE_DNS_MAIL_DNSSEC_VALID] != NULL) {
		Peil__Result *exist[2] = { res[PROBE_DNS_WEB_DNSSEC_EXIST],
		    res[PROBE_DNS_MAIL_DNSSEC_EXIST] };
		Peil__Result *valid[2] = { res[PROBE_DNS_WEB_DNSSEC_VALID],
		    res[PROBE_DNS_MAIL_DNSSEC_VALID] };

		if ((rc = run_dnssec(w, exist, valid)) != 0)
			goto out;
		done[PROBE_DNS_WEB_DNSSEC_EXIST] = done[PROBE_DNS_WEB_DNSSEC_VALID] = true;
		done[PROBE_DNS_MAIL_DNSSEC_EXIST] = done[PROBE_DNS_MAIL_DNSSEC_VALID] = true;
	}
	if (!done[PROBE_DNS_WEB_WS_ADDRESS] && budget_left(w)) {
		if ((rc = run_ws(w, res[PROBE_DNS_WEB_WS_ADDRESS])) != 0)
			goto out;
		done[PROBE_DNS_WEB_WS_ADDRESS] = true;
	}
	if ((!done[PROBE_DNS_WEB_NS_ADDRESS] || !done[PROBE_DNS_MAIL_NS_ADDRESS]) &&
	    budget_left(w)) {
		Peil__Result *ns[2] = { res[PROBE_DNS_WEB_NS_ADDRESS],
		    res[PROBE_DNS_MAIL_NS_ADDRESS] };

		if ((rc = run_ns(w, ns)) != 0)
			goto out;
		done[PROBE_DNS_WEB_NS_ADDRESS] = done[PROBE_DNS_MAIL_NS_ADDRESS] = true;
	}
	if (!done[PROBE_DNS_MAIL_MX_ADDRESS] && budget_left(w)) {
		if ((rc = run_mx(w, res[PROBE_DNS_MAIL_MX_ADDRESS])) != 0)
			goto out;
		done[PROBE_DNS_MAIL_MX_ADDRESS] = true;
	}
	rc = fail_rest(res, done, MSG_BUDGET, NULL, domain);
out:
	free(w);
	return rc;
}
