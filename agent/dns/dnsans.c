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
#include "dnsans.h"
#include "dnswork.h"

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
	case LDNS_RR_TYPE_TXT:    return "TXT";
	case LDNS_RR_TYPE_TLSA:   return "TLSA";
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

/* Keeps a TLSA record's rdata (wire form) while room is left; counts it in any case. */
static int
tlsa_keep(const ldns_rr *rr, struct dnsans *out)
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
		if (qtype == LDNS_RR_TYPE_TXT || qtype == LDNS_RR_TYPE_TLSA) {
			if ((qtype == LDNS_RR_TYPE_TXT ? txt_keep(rr, out) : tlsa_keep(rr, out)) != 0) {
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
	[PROBE_DNS_MAIL_MX_DNSSEC_EXIST] = "mail_dnssec_mx_exist",
	[PROBE_DNS_MAIL_MX_DNSSEC_VALID] = "mail_dnssec_mx_valid",
	[PROBE_DNS_SPF_EXIST] = "mail_auth_spf_exist",
	[PROBE_DNS_SPF_POLICY] = "mail_auth_spf_policy",
	[PROBE_DNS_DMARC_EXIST] = "mail_auth_dmarc_exist",
	[PROBE_DNS_DMARC_POLICY] = "mail_auth_dmarc_policy",
	[PROBE_DNS_DMARC_EXT_DEST] = "mail_auth_dmarc_ext_destination",
	[PROBE_DNS_DKIM_EXIST] = "mail_auth_dkim_exist",
	[PROBE_DNS_WEB_NS_REACH] = "web_ipv6_ns_reach",
	[PROBE_DNS_MAIL_NS_REACH] = "mail_ipv6_ns_reach",
	[PROBE_DNS_WEB_WS_REACH] = "web_ipv6_ws_reach",
	[PROBE_DNS_MAIL_MX_REACH] = "mail_ipv6_mx_reach",
	[PROBE_DNS_STARTTLS_AVAILABLE] = "mail_starttls_tls_available",
	[PROBE_DNS_STARTTLS_VERSION] = "mail_starttls_tls_version",
	[PROBE_DNS_STARTTLS_CIPHERS] = "mail_starttls_tls_ciphers",
	[PROBE_DNS_STARTTLS_CIPHERORDER] = "mail_starttls_tls_cipherorder",
	[PROBE_DNS_STARTTLS_KEYEXCHANGE] = "mail_starttls_tls_keyexchange",
	[PROBE_DNS_STARTTLS_KEYEXCHANGEHASH] = "mail_starttls_tls_keyexchangehash",
	[PROBE_DNS_STARTTLS_COMPRESS] = "mail_starttls_tls_compress",
	[PROBE_DNS_STARTTLS_SECRENEG] = "mail_starttls_tls_secreneg",
	[PROBE_DNS_STARTTLS_CLIENTRENEG] = "mail_starttls_tls_clientreneg",
	[PROBE_DNS_STARTTLS_CERT_CHAIN] = "mail_starttls_cert_chain",
	[PROBE_DNS_STARTTLS_CERT_PUBKEY] = "mail_starttls_cert_pubkey",
	[PROBE_DNS_STARTTLS_CERT_SIG] = "mail_starttls_cert_sig",
	[PROBE_DNS_STARTTLS_CERT_DOMAIN] = "mail_starttls_cert_domain",
	[PROBE_DNS_STARTTLS_DANE_EXIST] = "mail_starttls_dane_exist",
	[PROBE_DNS_STARTTLS_DANE_VALID] = "mail_starttls_dane_valid",
	[PROBE_DNS_STARTTLS_DANE_ROLLOVER] = "mail_starttls_dane_rollover",
	[PROBE_DNS_MTASTS] = "mail_mtasts",
	[PROBE_DNS_TLSRPT] = "mail_tlsrpt",
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


void
dnsev_add(struct dnsev *ev, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *v = NULL;
	int n;

	if (ev->n == MAX_TEST_EVIDENCE) {
		ev->cut++;
		return;
	}
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

void
dnsev_clear(struct dnsev *ev)
{
	for (size_t i = 0; i < ev->n; i++) {
		free(ev->key[i]);
		free(ev->val[i]);
	}
	memset(ev, 0, sizeof(*ev));
}

/* Sets r's status, then "reason" (if any), then the evidence. */
int
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
	if (ev->cut > 0 && result_add_evidence(r, "evidence_cut", "%zu more pairs left out "
	    "(MAX_TEST_EVIDENCE)", ev->cut) != 0)
		return PEIL_ENOMEM;
	return 0;
}

void
dnsev_copy(struct dnsev *dst, const struct dnsev *src)
{
	for (size_t i = 0; i < src->n; i++)
		dnsev_add(dst, src->key[i], "%s", src->val[i]);
	dst->cut += src->cut;
}


void
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



bool
dnswork_budget_left(struct dnswork *w)
{
	if (w->budget_out || w->src->now_ms(w->src->arg) >= w->deadline)
		w->budget_out = true;
	return !w->budget_out;
}

int
dnswork_lookup(struct dnswork *w, const char *name, uint16_t type, size_t max, struct dnsans *out)
{
	int rc;

	if (!dnswork_budget_left(w))
		return dnsans_fail(out, PEIL_ETIMEDOUT, "%s", MSG_BUDGET);
	rc = w->src->lookup(w->src->arg, name, type, max, w->deadline, out);
	if (rc == PEIL_ETIMEDOUT)
		(void)dnswork_budget_left(w);
	return rc;
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

/* One host's AAAA and A, looked up into w->a6, w->a4; the line of evidence in line; *has
 * whether it has an AAAA. Returns 0 or PEIL_ENOMEM. */
int
dnswork_host_addresses(struct dnswork *w, const struct dnsans_rr *host, char *line, size_t len,
    enum host_aaaa *has)
{
	struct textlist *t6, *t4;
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];
	int n, rc = 0;

	*has = HOST_AAAA_NONE;
	if (!host->host_ok) {
		snprintf(line, len, "%s: not a valid host name, not looked up", host->text);
		return 0;
	}
	if ((t6 = malloc(sizeof(*t6))) == NULL || (t4 = malloc(sizeof(*t4))) == NULL) {
		free(t6);
		*has = HOST_AAAA_FAILED;
		return PEIL_ENOMEM;
	}
	if (dnswork_lookup(w, host->text, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST, &w->a6) == PEIL_ENOMEM ||
	    dnswork_lookup(w, host->text, LDNS_RR_TYPE_A, MAX_ADDRS_PER_HOST, &w->a4) == PEIL_ENOMEM)
		rc = PEIL_ENOMEM;
	dnsans_addr_text(&w->a6, t6);
	dnsans_addr_text(&w->a4, t4);
	n = snprintf(line, len, "%s: AAAA %s; A %s", host->text, t6->buf, t4->buf);
	if (n < 0 || (size_t)n >= len)
		snprintf(line + len - sizeof(CUT_MARK), sizeof(CUT_MARK), "%s", CUT_MARK);
	if (dnsans_failed(&w->a6, why, sizeof(why)))
		*has = HOST_AAAA_FAILED;
	else if (w->a6.rcode == LDNS_RCODE_NOERROR && w->a6.n > 0)
		*has = HOST_AAAA_SOME;
	free(t6);
	free(t4);
	return rc;
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
		dnsev_add(&ev, "rcode", "%s", dnsans_rcode_name(b->rcode, rbuf, sizeof(rbuf)));
		/* A SERVFAIL that is not bogus says nothing about DNSSEC. */
		if (b->sec == DNSANS_BOGUS || !dnsans_failed(b, why, sizeof(why)))
			dnsev_add(&ev, "dnssec", "%s", dnsans_sec_name(b->sec));
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
	} else if (dnsans_failed(b, why, sizeof(why))) {
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
		if (dnswork_lookup(w, zone, LDNS_RR_TYPE_DNSKEY, 0, &w->aux) == PEIL_ENOMEM)
			ev.nomem = true;
		else if (!dnsans_failed(&w->aux, why, sizeof(why)) && w->aux.total > 0) {
			size_t nkeys = w->aux.total;

			if (dnswork_lookup(w, zone, LDNS_RR_TYPE_DS, 0, &w->aux) == PEIL_ENOMEM)
				ev.nomem = true;
			else if (dnsans_failed(&w->aux, why, sizeof(why)))
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
	if (dnswork_lookup(w, w->domain, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST, &w->set) == PEIL_ENOMEM ||
	    dnswork_lookup(w, w->domain, LDNS_RR_TYPE_A, MAX_ADDRS_PER_HOST, &w->a4) == PEIL_ENOMEM) {
		free(tl);
		return PEIL_ENOMEM;
	}
	dnsans_addr_text(&w->set, tl);
	dnsev_add(&ev, "AAAA", "%s", tl->buf);
	dnsans_addr_text(&w->a4, tl);
	dnsev_add(&ev, "A", "%s", tl->buf);
	if (w->set.err == 0 && w->set.target[0] != '\0')
		dnsev_add(&ev, "cname", "%s", w->set.target);
	if (dnsans_failed(&w->set, why, sizeof(why))) {
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

int
dnswork_ns(struct dnswork *w)
{
	char name[DNSANS_TEXT_LEN], why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];
	struct dnsans *a = &w->ns;

	if (w->ns_done)
		return 0;
	w->ns_done = true;
	snprintf(name, sizeof(name), "%s", w->domain);
	for (int i = 0; i < MAX_ZONE_WALK; i++) {
		const char *dot;

		if (dnswork_lookup(w, name, LDNS_RR_TYPE_NS, MAX_NS, a) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (dnsans_failed(a, why, sizeof(why))) {
			snprintf(w->ns_why, sizeof(w->ns_why), "NS lookup for %s failed: %.400s", name,
			    why);
			return 0;
		}
		if (a->rcode == LDNS_RCODE_NXDOMAIN) {
			if (i == 0)
				snprintf(w->ns_why, sizeof(w->ns_why), "%s", MSG_NXDOMAIN);
			else
				snprintf(w->ns_why, sizeof(w->ns_why), "%s does not exist", name);
			return 0;
		}
		if (a->total > 0) {
			snprintf(w->ns_zone, sizeof(w->ns_zone), "%s", name);
			return 0;
		}
		/* No NS set here: the zone cut is higher up. Never ask the root. */
		if ((dot = strchr(name, '.')) == NULL)
			break;
		memmove(name, dot + 1, strlen(dot + 1) + 1);
	}
	snprintf(w->ns_why, sizeof(w->ns_why), "no NS set found at %s or above it (below the "
	    "root, %d names at most)", w->domain, MAX_ZONE_WALK);
	return 0;
}

/* *_ipv6_ns_address: the NS set of the domain's zone; at least two with an AAAA. */
static int
run_ns(struct dnswork *w, Peil__Result *res[2])
{
	struct dnsev ev = { 0 };
	char line[MAX_EVIDENCE_VALUE_LEN], *note = NULL;
	const char *reason = NULL;
	size_t with6 = 0, failed = 0;
	int st = PEIL__STATUS__ERROR, rc = 0;

	if ((rc = dnswork_ns(w)) != 0)
		goto out;
	if (w->ns_zone[0] == '\0') {
		reason = w->ns_why;
		goto judge;
	}
	dnsev_add(&ev, "zone", "%s", w->ns_zone);
	dnsev_add(&ev, "ns_count", "%zu", w->ns.total);
	if (w->ns.total > w->ns.n)
		dnsev_add(&ev, "ns_cut", "%zu NS records, the first %zu tested (MAX_NS)",
		    w->ns.total, w->ns.n);
	for (size_t i = 0; i < w->ns.n; i++) {
		char key[32];
		enum host_aaaa has;

		if ((rc = dnswork_host_addresses(w, &w->ns.rr[i], line, sizeof(line), &has)) != 0)
			goto out;
		snprintf(key, sizeof(key), "ns_%zu", i + 1);
		dnsev_add(&ev, key, "%s", line);
		if (has == HOST_AAAA_SOME)
			with6++;
		else if (has == HOST_AAAA_FAILED)
			failed++;
	}
	dnsev_add(&ev, "with_aaaa", "%zu of %zu", with6, w->ns.n);
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

int
dnswork_mx(struct dnswork *w)
{
	if (w->mx_done)
		return 0;
	w->mx_done = true;
	return dnswork_lookup(w, w->domain, LDNS_RR_TYPE_MX, MAX_MX, &w->mx) == PEIL_ENOMEM ?
	    PEIL_ENOMEM : 0;
}

int
dnswork_mx_hosts(struct dnswork *w, struct dnsev *ev, size_t hosts[MAX_MX], int *status,
    const char **reason)
{
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN];
	size_t nnull = 0, n = 0;

	*status = PEIL__STATUS__ERROR;
	*reason = NULL;
	if (dnswork_mx(w) != 0)
		return PEIL_ENOMEM;
	if (dnsans_failed(&w->mx, why, sizeof(why))) {
		snprintf(w->mx_why, sizeof(w->mx_why), "MX lookup failed: %s", why);
		*reason = w->budget_out ? MSG_BUDGET : w->mx_why;
		return 0;
	}
	if (w->mx.rcode == LDNS_RCODE_NXDOMAIN) {
		*reason = MSG_NXDOMAIN;
		return 0;
	}
	if (w->mx.target[0] != '\0')
		dnsev_add(ev, "cname", "%s", w->mx.target);
	if (w->mx.total == 0) {
		struct textlist *tl;

		dnsev_add(ev, "mx", "none");
		*status = PEIL__STATUS__NOT_TESTED;
		*reason = "no MX records";
		/* RFC 5321 5.1: mail would go to the domain's own addresses. */
		if ((tl = malloc(sizeof(*tl))) == NULL)
			return PEIL_ENOMEM;
		if (dnswork_lookup(w, w->domain, LDNS_RR_TYPE_AAAA, MAX_ADDRS_PER_HOST, &w->a6) ==
		    PEIL_ENOMEM || dnswork_lookup(w, w->domain, LDNS_RR_TYPE_A, MAX_ADDRS_PER_HOST,
		    &w->a4) == PEIL_ENOMEM) {
			free(tl);
			return PEIL_ENOMEM;
		}
		dnsans_addr_text(&w->a6, tl);
		dnsev_add(ev, "implicit_mx_aaaa", "%s", tl->buf);
		dnsans_addr_text(&w->a4, tl);
		dnsev_add(ev, "implicit_mx_a", "%s", tl->buf);
		dnsev_add(ev, "implicit_mx", "no MX: senders fall back to the domain's own A/AAAA "
		    "(RFC 5321 5.1); not tested as a mail server");
		free(tl);
		return 0;
	}
	for (size_t i = 0; i < w->mx.n; i++)
		if (strcmp(w->mx.rr[i].text, ".") == 0)
			nnull++;
	if (nnull > 0 && nnull == w->mx.total) {
		dnsev_add(ev, "mx", "%u .", (unsigned)w->mx.rr[0].pref);
		*status = PEIL__STATUS__NOT_TESTED;
		*reason = "null MX: the domain accepts no mail (RFC 7505)";
		return 0;
	}
	dnsev_add(ev, "mx_count", "%zu", w->mx.total);
	if (w->mx.total > w->mx.n)
		dnsev_add(ev, "mx_cut", "%zu MX records, the %zu of lowest preference tested "
		    "(MAX_MX)", w->mx.total, w->mx.n);
	if (nnull > 0)
		dnsev_add(ev, "null_mx", "warning: a null MX among other MX records (RFC 7505 wants "
		    "it alone); ignored");
	for (size_t i = 0; i < w->mx.n; i++) {
		bool dup = false;

		if (strcmp(w->mx.rr[i].text, ".") == 0)
			continue;
		for (size_t j = 0; j < i; j++)
			if (strcmp(w->mx.rr[j].text, w->mx.rr[i].text) == 0)
				dup = true;
		if (!dup && n < MAX_MX)
			hosts[n++] = i;
	}
	return (int)n;
}

/* mail_ipv6_mx_address: every MX has an AAAA; a null MX alone or no MX: not tested. */
static int
run_mx(struct dnswork *w, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	struct textlist *without = NULL;
	char line[MAX_EVIDENCE_VALUE_LEN], *note = NULL;
	const char *reason = NULL;
	size_t hosts[MAX_MX], nwithout = 0, failed = 0;
	int st = PEIL__STATUS__ERROR, rc = 0, nhosts;

	if ((without = calloc(1, sizeof(*without))) == NULL)
		return PEIL_ENOMEM;
	if ((nhosts = dnswork_mx_hosts(w, &ev, hosts, &st, &reason)) == PEIL_ENOMEM) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (int k = 0; k < nhosts; k++) {
		const struct dnsans_rr *mx = &w->mx.rr[hosts[k]];
		char key[32];
		enum host_aaaa has;

		if ((rc = dnswork_host_addresses(w, mx, line, sizeof(line), &has)) != 0)
			goto out;
		snprintf(key, sizeof(key), "mx_%d", k + 1);
		dnsev_add(&ev, key, "%u %s", (unsigned)mx->pref, line);
		if (has == HOST_AAAA_NONE) {
			textlist_add(without, mx->text);
			nwithout++;
		} else if (has == HOST_AAAA_FAILED) {
			failed++;
		}
	}
	if (nhosts == 0) {
		/* st and reason say why there is nothing to test. */
	} else if (nwithout > 0) {
		dnsev_add(&ev, "without_aaaa", "%s", without->buf);
		st = PEIL__STATUS__FAILED;
		if (asprintf(&note, "%zu of %d MX have no AAAA record: %s", nwithout, nhosts,
		    without->buf) < 0)
			ev.nomem = true;
		reason = note;
	} else if (failed > 0) {
		st = PEIL__STATUS__ERROR;
		if (asprintf(&note, "AAAA lookup failed for %zu MX", failed) < 0)
			ev.nomem = true;
		reason = note;
	} else {
		st = PEIL__STATUS__PASSED;
		reason = NULL;
	}
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
		dnsev_add(&ev, "rcode", "%s", dnsans_rcode_name(base->rcode, rbuf, sizeof(rbuf)));
		dnsev_add(&ev, "dnssec", "%s", dnsans_sec_name(base->sec));
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

	/* A vantage without IPv6 cannot test IPv6 reachability, whatever the domain. */
	if (!src->ipv6 || src->reach == NULL)
		if ((rc = probe_reach_run(w, res, done)) != 0)
			goto out;

	/* The SOA answers both whether the domain exists and its DNSSEC state. */
	if (dnswork_lookup(w, domain, LDNS_RR_TYPE_SOA, 0, &w->base) == PEIL_ENOMEM) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (w->base.err == 0 && w->base.sec != DNSANS_BOGUS &&
	    w->base.rcode == LDNS_RCODE_NXDOMAIN) {
		rc = fail_rest(res, done, MSG_NXDOMAIN, &w->base, domain);
		goto out;
	}
	/* Name servers that do not answer the SOA in time will not answer the rest: one
	 * time-out decides the domain instead of one per test. */
	if (w->base.err == PEIL_ETIMEDOUT) {
		char why[DNSANS_REASON_LEN + 64];

		snprintf(why, sizeof(why), "the domain's SOA lookup timed out (%s); no other "
		    "lookup was tried", w->base.reason);
		rc = fail_rest(res, done, w->budget_out ? MSG_BUDGET : why, NULL, domain);
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
	if (!done[PROBE_DNS_WEB_WS_ADDRESS] && dnswork_budget_left(w)) {
		if ((rc = run_ws(w, res[PROBE_DNS_WEB_WS_ADDRESS])) != 0)
			goto out;
		done[PROBE_DNS_WEB_WS_ADDRESS] = true;
	}
	if ((!done[PROBE_DNS_WEB_NS_ADDRESS] || !done[PROBE_DNS_MAIL_NS_ADDRESS]) &&
	    dnswork_budget_left(w)) {
		Peil__Result *ns[2] = { res[PROBE_DNS_WEB_NS_ADDRESS],
		    res[PROBE_DNS_MAIL_NS_ADDRESS] };

		if ((rc = run_ns(w, ns)) != 0)
			goto out;
		done[PROBE_DNS_WEB_NS_ADDRESS] = done[PROBE_DNS_MAIL_NS_ADDRESS] = true;
	}
	if (!done[PROBE_DNS_MAIL_MX_ADDRESS] && dnswork_budget_left(w)) {
		if ((rc = run_mx(w, res[PROBE_DNS_MAIL_MX_ADDRESS])) != 0)
			goto out;
		done[PROBE_DNS_MAIL_MX_ADDRESS] = true;
	}
	if ((rc = probe_mail_run(w, res, done)) != 0)
		goto out;
	if ((rc = probe_reach_run(w, res, done)) != 0)
		goto out;
	if ((rc = probe_tls_run(w, res, done)) != 0)
		goto out;
	rc = fail_rest(res, done, MSG_BUDGET, NULL, domain);
out:
	free(w);
	return rc;
}
