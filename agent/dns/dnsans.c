/* dnsans.c: DNS answers: messages parsed with ldns and bounded, kept, and told as evidence.
 *
 * Nothing here touches the network: the messages come from a struct dnswork_source, which is
 * the validating resolver in the agent (probe.c) and canned packets in the tests. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dnsans.h"
#include "err.h"

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
	case LDNS_RR_TYPE_TXT:    return "TXT";
	case LDNS_RR_TYPE_TLSA:   return "TLSA";
	case LDNS_RR_TYPE_CAA:    return "CAA";
	}
	snprintf(buf, len, "TYPE%u", (unsigned)type);
	return buf;
}

const char *
dnsans_rcode_name(int rcode, char *buf, size_t len)
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

bool
dnsans_txt_tagged(const uint8_t *txt, size_t len)
{
	size_t i = 1;

	if (len == 0 || (txt[0] != 'v' && txt[0] != 'V'))
		return false;
	while (i < len && (txt[i] == ' ' || txt[i] == '\t'))
		i++;
	return i < len && txt[i] == '=';
}

/* Keeps a TXT record's strings joined when it is version-tagged and room is left; a tagged
 * record that does not fit is counted, not kept (cut, it could read as another record). */
static int
txt_keep(const ldns_rr *rr, struct dnsans *out)
{
	uint8_t head[16];
	size_t nhead = 0, total = 0, off = 0;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *d = ldns_rr_rdf(rr, i);
		size_t n;

		if (d == NULL || ldns_rdf_get_type(d) != LDNS_RDF_TYPE_STR || ldns_rdf_size(d) < 1 ||
		    (size_t)ldns_rdf_data(d)[0] + 1 != ldns_rdf_size(d))
			return PEIL_EINVAL;
		n = ldns_rdf_data(d)[0];
		for (size_t k = 0; k < n && nhead < sizeof(head); k++)
			head[nhead++] = ldns_rdf_data(d)[1 + k];
		total += n;
	}
	if (!dnsans_txt_tagged(head, nhead))
		return 0;
	out->txt_tagged++;
	if (out->ntxt > 0)
		off = out->txt_off[out->ntxt - 1] + out->txt_len[out->ntxt - 1];
	if (out->ntxt == MAX_TXT_KEEP || total > sizeof(out->txt) - off)
		return 0;
	out->txt_off[out->ntxt] = (uint32_t)off;
	out->txt_len[out->ntxt] = (uint32_t)total;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *d = ldns_rr_rdf(rr, i);
		size_t n = ldns_rdf_data(d)[0];

		memcpy(out->txt + off, ldns_rdf_data(d) + 1, n);
		off += n;
	}
	out->ntxt++;
	return 0;
}

/* Keeps a TLSA or CAA record's rdata (wire form: ldns's rdfs of these types concatenate to
 * it) while room is left; counts it in any case. */
static int
rdata_keep(const ldns_rr *rr, struct dnsans *out)
{
	size_t off = 0, total = 0;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++)
		if (ldns_rr_rdf(rr, i) == NULL)
			return PEIL_EINVAL;
		else
			total += ldns_rdf_size(ldns_rr_rdf(rr, i));
	out->txt_tagged++;
	if (out->ntxt > 0)
		off = out->txt_off[out->ntxt - 1] + out->txt_len[out->ntxt - 1];
	if (out->ntxt == MAX_TXT_KEEP || total > sizeof(out->txt) - off)
		return 0;
	out->txt_off[out->ntxt] = (uint32_t)off;
	out->txt_len[out->ntxt] = (uint32_t)total;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *d = ldns_rr_rdf(rr, i);

		memcpy(out->txt + off, ldns_rdf_data(d), ldns_rdf_size(d));
		off += ldns_rdf_size(d);
	}
	out->ntxt++;
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
		if (qtype == LDNS_RR_TYPE_TXT || qtype == LDNS_RR_TYPE_TLSA ||
		    qtype == LDNS_RR_TYPE_CAA) {
			if ((qtype == LDNS_RR_TYPE_TXT ? txt_keep(rr, out) : rdata_keep(rr, out)) != 0) {
				dnsans_fail(out, PEIL_EINVAL, "malformed %s record", tname);
				goto out;
			}
			continue;
		}
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
dnsans_hostname_ok(const char *name)
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

/* Writes why a lookup gave no usable answer and returns true; false when it is usable: not
 * bogus, and NOERROR or NXDOMAIN. */
bool
dnsans_failed(const struct dnsans *a, char *buf, size_t len)
{
	char rbuf[16];

	if (a->err != 0)
		snprintf(buf, len, "%s", a->reason);
	else if (a->sec == DNSANS_BOGUS)
		snprintf(buf, len, "DNSSEC bogus: %s", a->why_bogus);
	else if (a->rcode != LDNS_RCODE_NOERROR && a->rcode != LDNS_RCODE_NXDOMAIN)
		snprintf(buf, len, "%s", dnsans_rcode_name(a->rcode, rbuf, sizeof(rbuf)));
	else
		return false;
	return true;
}

const char *
dnsans_sec_name(enum dnsans_sec s)
{
	return s == DNSANS_SECURE ? "secure" : s == DNSANS_BOGUS ? "bogus" : "insecure";
}

/* Addresses of one answer as "a, b" (cut noted), "none", or why the lookup failed. */
void
dnsans_addr_text(const struct dnsans *a, struct textlist *tl)
{
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];

	tl->len = 0;
	tl->buf[0] = '\0';
	if (dnsans_failed(a, why, sizeof(why))) {
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
