/* probe_tls.c: STARTTLS on every address of every MX, DANE, MTA-STS and TLS-RPT, judged.
 *
 * The SMTP dialogue and the TLS engine run behind the source's starttls callback (probe.c;
 * canned reports in the tests); here the reports are judged by the NCSC tables (ncsc.c), the
 * TLSA records matched (dane.c), the MTA-STS policy read (mtasts.c). A test's verdict is the
 * worst over every address tried; its evidence lists each one. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "dane.h"
#include "err.h"
#include "mtasts.h"
#include "ncsc.h"
#include "dnswork.h"

#define WHY_LEN (DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN + 64)

/* ---- statuses ---- */

static int
status_rank(int st)
{
	switch (st) {
	case PEIL__STATUS__FAILED:  return 5;
	case PEIL__STATUS__ERROR:   return 4;
	case PEIL__STATUS__WARNING: return 3;
	case PEIL__STATUS__INFO:    return 2;
	case PEIL__STATUS__PASSED:  return 1;
	default:                    return 0;
	}
}

/* *acc becomes st when st is worse. */
static void
worse(int *acc, int st)
{
	if (status_rank(st) > status_rank(*acc))
		*acc = st;
}

static const char *
version_name(uint16_t v)
{
	switch (v) {
	case TLS_V13:  return "TLS 1.3";
	case TLS_V12:  return "TLS 1.2";
	case TLS_V11:  return "TLS 1.1";
	case TLS_V10:  return "TLS 1.0";
	case TLS_SSL3: return "SSL 3.0";
	}
	return "?";
}

static const char *
suite_name(uint16_t id, char *buf, size_t len)
{
	const char *n = ncsc_cipher_name(id);

	if (n == NULL)
		n = tls_suite_name(id);
	if (n != NULL)
		return n;
	snprintf(buf, len, "0x%04x", (unsigned)id);
	return buf;
}

/* ---- the work: MX hosts, their addresses and TLSA records, one report per address ---- */

enum { TLSA_FAILED, TLSA_BOGUS, TLSA_INSECURE, TLSA_NONE, TLSA_SECURE };

struct mxhost {
	const struct dnsans_rr *rr;     /* in w->mx */
	size_t naddrs;                  /* addresses found (IPv4 and IPv6 the vantage uses) */
	int tlsa;                       /* TLSA_* of _25._tcp.<base> */
	char base[DNSANS_TEXT_LEN];     /* the TLSA base name: the host, or its secure CNAME
	                                 * expansion (RFC 7672 2.2.2) when TLSA is found there */
	char tlsa_why[WHY_LEN];
	size_t ntlsa, tlsa_total;
	struct tlsa_rr *set;            /* ntlsa parsed records (heap) */
	bool dane_ta;                   /* a usable DANE-TA record is published (secure) */
};

struct mxtry {
	size_t host;                    /* index in hosts */
	char addr[DNSANS_TEXT_LEN];
	bool tried;
	struct tls_report rep;
	struct smtp_session s;
};

struct tlswork {
	struct dnswork *w;
	const struct ncsc *g;
	struct dnsev mxev;              /* the MX set's evidence */
	int mx_status;                  /* when there is nothing to test */
	const char *mx_reason;
	size_t nhosts;
	struct mxhost host[MAX_MX];
	size_t ntry;
	struct mxtry *tries;            /* MAX_MX * MAX_STARTTLS_ADDRS */
	bool budget_cut;                /* some address not tried: the run's time ran out */
};

/* Whether the host's address resolution worked for at least one family the vantage uses
 * (*ok); the last failure's reason in why. Returns 0 or PEIL_ENOMEM. */
static int
host_resolves(struct dnswork *w, const struct mxhost *h, bool *ok, char expanded[DNSANS_TEXT_LEN],
    char *why, size_t whylen)
{
	bool tried = false;

	*ok = false;
	why[0] = '\0';
	expanded[0] = '\0';
	for (int fam = 0; fam < 2 && !*ok; fam++) {
		uint16_t type = fam == 0 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
		char one[WHY_LEN];

		if ((fam == 0 && !w->src->ipv6) || (fam == 1 && !w->src->ipv4))
			continue;
		tried = true;
		if (dnswork_lookup(w, h->rr->text, type, MAX_ADDRS_PER_HOST, &w->a6) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (!dnsans_failed(&w->a6, one, sizeof(one))) {
			*ok = true;
			/* RFC 7672 2.2.2: a secure CNAME expansion is the first TLSA base name */
			if (w->a6.target[0] != '\0' && w->a6.sec == DNSANS_SECURE &&
			    probe_dns_hostname_ok(w->a6.target))
				snprintf(expanded, DNSANS_TEXT_LEN, "%s", w->a6.target);
		} else
			snprintf(why, whylen, "%s %s: %.400s", h->rr->text, fam == 0 ? "AAAA" : "A",
			    one);
	}
	if (!tried)
		*ok = true;
	return 0;
}

/* The TLSA set of _25._tcp.<base>, through the validator. */
static int
host_tlsa_at(struct dnswork *w, struct mxhost *h, const char *base)
{
	char q[MAX_DOMAIN_LEN + 16], why[WHY_LEN];
	struct dnsans *a = &w->aux;

	snprintf(h->base, sizeof(h->base), "%s", base);
	h->tlsa_total = 0;
	if (snprintf(q, sizeof(q), "_25._tcp.%s", base) >= (int)sizeof(q) ||
	    strlen(q) > MAX_DOMAIN_LEN) {
		h->tlsa = TLSA_FAILED;
		snprintf(h->tlsa_why, sizeof(h->tlsa_why), "_25._tcp.%s is too long a name", base);
		return 0;
	}
	if (dnswork_lookup(w, q, LDNS_RR_TYPE_TLSA, 0, a) == PEIL_ENOMEM)
		return PEIL_ENOMEM;
	if (a->err == 0 && a->sec == DNSANS_BOGUS) {
		h->tlsa = TLSA_BOGUS;
		snprintf(h->tlsa_why, sizeof(h->tlsa_why), "%s TLSA: DNSSEC bogus: %.400s", q,
		    a->why_bogus);
		return 0;
	}
	if (dnsans_failed(a, why, sizeof(why))) {
		h->tlsa = TLSA_FAILED;
		snprintf(h->tlsa_why, sizeof(h->tlsa_why), "%s TLSA lookup failed: %.400s", q, why);
		return 0;
	}
	h->tlsa_total = a->txt_tagged;
	if (a->sec != DNSANS_SECURE) {
		h->tlsa = TLSA_INSECURE;
		snprintf(h->tlsa_why, sizeof(h->tlsa_why), "%s: %zu TLSA record(s) in an unsigned "
		    "zone (insecure): no DANE", q, a->txt_tagged);
		return 0;
	}
	if (a->rcode == LDNS_RCODE_NXDOMAIN || a->ntxt == 0) {
		h->tlsa = TLSA_NONE;
		snprintf(h->tlsa_why, sizeof(h->tlsa_why), "%s: no TLSA record", q);
		return 0;
	}
	if ((h->set = calloc(a->ntxt, sizeof(*h->set))) == NULL)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < a->ntxt && h->ntlsa < MAX_TLSA_RECORDS; i++) {
		char pwhy[128];

		if (tlsa_parse(a->txt + a->txt_off[i], a->txt_len[i], &h->set[h->ntlsa], pwhy,
		    sizeof(pwhy)) != 0)
			continue;
		if (h->set[h->ntlsa].usage == TLSA_USAGE_DANE_TA &&
		    tlsa_unusable(&h->set[h->ntlsa]) == NULL)
			h->dane_ta = true;
		h->ntlsa++;
	}
	h->tlsa = TLSA_SECURE;
	snprintf(h->tlsa_why, sizeof(h->tlsa_why), "%s: %zu TLSA record(s), DNSSEC-secure%s", q,
	    a->txt_tagged, a->txt_tagged > a->ntxt ? " (not all kept)" : "");
	return 0;
}

/* The TLSA set of an MX host. DANE starts from the host's address resolution (RFC 7672
 * 2.2.1-2.2.2): when that fails, nothing can be decided; when it followed a secure CNAME,
 * TLSA is looked up at the expanded name first, then at the host's own name. */
static int
host_tlsa(struct dnswork *w, struct mxhost *h)
{
	char why[WHY_LEN], expanded[DNSANS_TEXT_LEN], first[WHY_LEN];
	bool resolves;
	int rc;

	if (host_resolves(w, h, &resolves, expanded, why, sizeof(why)) != 0)
		return PEIL_ENOMEM;
	if (!resolves) {
		h->tlsa = TLSA_FAILED;
		snprintf(h->base, sizeof(h->base), "%s", h->rr->text);
		snprintf(h->tlsa_why, sizeof(h->tlsa_why), "the address lookup failed (%.400s): "
		    "DANE cannot be decided (RFC 7672 2.2)", why);
		return 0;
	}
	if (expanded[0] != '\0' && strcasecmp(expanded, h->rr->text) != 0) {
		if ((rc = host_tlsa_at(w, h, expanded)) != 0)
			return rc;
		/* secure records, or a lookup that decides nothing: that is the answer */
		if (h->tlsa != TLSA_NONE && h->tlsa != TLSA_INSECURE)
			return 0;
		snprintf(first, sizeof(first), "%s", h->tlsa_why);
		if ((rc = host_tlsa_at(w, h, h->rr->text)) != 0)
			return rc;
		snprintf(why, sizeof(why), "%s", h->tlsa_why);
		snprintf(h->tlsa_why, sizeof(h->tlsa_why), "%.*s (the secure CNAME expansion "
		    "first: %.*s)", (int)sizeof(h->tlsa_why) / 2 - 48, why,
		    (int)sizeof(h->tlsa_why) / 2 - 48, first);
		return 0;
	}
	return host_tlsa_at(w, h, h->rr->text);
}

/* The addresses of one host the vantage may use, at most MAX_STARTTLS_ADDRS. */
static int
host_addrs(struct tlswork *tw, size_t hi)
{
	struct dnswork *w = tw->w;
	struct mxhost *h = &tw->host[hi];
	size_t kept = 0;

	for (int fam = 0; fam < 2; fam++) {
		uint16_t type = fam == 0 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
		struct dnsans *a = &w->a6;
		char why[WHY_LEN];

		if ((fam == 0 && !w->src->ipv6) || (fam == 1 && !w->src->ipv4))
			continue;
		if (dnswork_lookup(w, h->rr->text, type, MAX_ADDRS_PER_HOST, a) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (dnsans_failed(a, why, sizeof(why))) {
			dnsev_add(&tw->mxev, "addr_lookup", "%s %s: %s", h->rr->text,
			    fam == 0 ? "AAAA" : "A", why);
			continue;
		}
		h->naddrs += a->total;
		for (size_t i = 0; i < a->n && kept < MAX_STARTTLS_ADDRS; i++, kept++) {
			struct mxtry *t = &tw->tries[tw->ntry++];

			t->host = hi;
			snprintf(t->addr, sizeof(t->addr), "%s", a->rr[i].text);
		}
	}
	if (h->naddrs > kept)
		dnsev_add(&tw->mxev, "addr_cut", "%s has %zu addresses; the first %zu tested "
		    "(MAX_STARTTLS_ADDRS)", h->rr->text, h->naddrs, kept);
	return 0;
}

static void
tlswork_free(struct tlswork *tw)
{
	if (tw == NULL)
		return;
	for (size_t i = 0; i < tw->ntry; i++)
		tls_report_clear(&tw->tries[i].rep);
	for (size_t i = 0; i < tw->nhosts; i++)
		free(tw->host[i].set);
	free(tw->tries);
	dnsev_clear(&tw->mxev);
	free(tw);
}

/* ---- judging one address ---- */

/* One address's verdict on one test: status, a line of evidence, offending items. */
struct addrjudge {
	int st;
	struct textlist line;
	struct textlist bad;
};

static void
item(struct addrjudge *j, const char *what, enum ncsc_level l)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s (%s)", what, ncsc_level_name(l));
	textlist_add(&j->line, buf);
	if (l == NCSC_PHASE_OUT || l == NCSC_INSUFFICIENT)
		textlist_add(&j->bad, buf);
	worse(&j->st, ncsc_level_status(l));
}

static bool
only_tls13(const struct tls_report *r)
{
	return r->nversions == 1 && r->versions[0] == TLS_V13;
}

static void
j_version(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	for (size_t i = 0; i < t->rep.nversions; i++)
		item(j, version_name(t->rep.versions[i]), ncsc_version(tw->g, t->rep.versions[i]));
}

static void
j_ciphers(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	for (size_t v = 0; v < t->rep.nper; v++) {
		const struct tls_version_suites *ps = &t->rep.per_version[v];

		for (size_t i = 0; i < ps->nsuites; i++) {
			char hex[8], what[120];

			snprintf(what, sizeof(what), "%s %s", version_name(ps->version),
			    suite_name(ps->suites[i], hex, sizeof(hex)));
			item(j, what, ncsc_cipher(tw->g, ps->suites[i]));
		}
	}
}

static void
j_cipherorder(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	j->st = PEIL__STATUS__PASSED;
	for (size_t v = 0; v < t->rep.nper; v++) {
		const struct tls_version_suites *ps = &t->rep.per_version[v];
		enum ncsc_level best = NCSC_INSUFFICIENT, worst = NCSC_GOOD, prev = NCSC_GOOD;
		char buf[256], hex[8], hex2[8];
		bool mixed;

		if (ps->nsuites < 2)
			continue;
		for (size_t i = 0; i < ps->nsuites; i++) {
			enum ncsc_level l = ncsc_cipher(tw->g, ps->suites[i]);

			if (l < best)
				best = l;
			if (l > worst)
				worst = l;
		}
		/* good and sufficient are both fine; the order matters from phase-out on */
		mixed = worst >= NCSC_PHASE_OUT && best != worst;
		if (ps->server_order == 0 && mixed) {
			snprintf(buf, sizeof(buf), "%s: the server follows the client's order among "
			    "suites of different levels", version_name(ps->version));
			textlist_add(&j->bad, buf);
			textlist_add(&j->line, buf);
			j->st = PEIL__STATUS__FAILED;
			continue;
		}
		snprintf(buf, sizeof(buf), "%s: %s", version_name(ps->version),
		    ps->server_order == 1 ? "server order" : ps->server_order == 0 ?
		    "client order (all one level)" : "order unknown");
		textlist_add(&j->line, buf);
		if (ps->server_order != 1)
			continue;
		for (size_t i = 0; i < ps->nsuites; i++) {
			enum ncsc_level l = ncsc_cipher(tw->g, ps->suites[i]);

			if (i > 0 && l < prev && prev >= NCSC_PHASE_OUT) {
				snprintf(buf, sizeof(buf), "%s: %s (%s) preferred over %s (%s)",
				    version_name(ps->version), suite_name(ps->suites[i - 1], hex,
				    sizeof(hex)), ncsc_level_name(prev), suite_name(ps->suites[i],
				    hex2, sizeof(hex2)), ncsc_level_name(l));
				textlist_add(&j->bad, buf);
				j->st = PEIL__STATUS__FAILED;
				break;
			}
			prev = l;
		}
	}
}

static void
j_keyexchange(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	for (size_t i = 0; i < t->rep.ngroups; i++) {
		const char *n = ncsc_group_name(t->rep.groups[i]);
		char buf[40];

		if (n == NULL) {
			snprintf(buf, sizeof(buf), "group 0x%04x", (unsigned)t->rep.groups[i]);
			n = buf;
		}
		item(j, n, ncsc_group(tw->g, t->rep.groups[i]));
	}
	if (t->rep.ffdh_bits > 0) {
		char buf[80];

		snprintf(buf, sizeof(buf), "DHE %u bits%s%s", t->rep.ffdh_bits,
		    t->rep.ffdh_group[0] != '\0' ? " " : "", t->rep.ffdh_group);
		item(j, buf, ncsc_ffdh_bits(tw->g, t->rep.ffdh_bits, t->rep.ffdh_named));
	}
	if (j->line.len == 0)
		textlist_add(&j->line, "no ECDHE or DHE key exchange seen");
}

static void
j_kexhash(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	for (size_t i = 0; i < t->rep.nsigschemes; i++) {
		const char *n = ncsc_sigscheme_name(t->rep.sigschemes[i]);
		char buf[40];

		if (n == NULL) {
			snprintf(buf, sizeof(buf), "scheme 0x%04x", (unsigned)t->rep.sigschemes[i]);
			n = buf;
		}
		item(j, n, ncsc_sig_hash(tw->g, t->rep.sigschemes[i]));
	}
	if (t->rep.nsigschemes == 0) {
		textlist_add(&j->line, only_tls13(&t->rep) ? "TLS 1.3 only: no TLS 1.2 key-exchange "
		    "signature" : "no TLS 1.2 key-exchange signature seen");
		if (only_tls13(&t->rep))
			j->st = PEIL__STATUS__PASSED;
	}
}

/* A tri-state report field judged: 1 or 0 through the table, -1 unknown unless TLS 1.3 only. */
static void
j_tristate(struct addrjudge *j, const struct tls_report *r, int v, const char *yes,
    const char *no, enum ncsc_level lyes, enum ncsc_level lno)
{
	if (v == 1) {
		item(j, yes, lyes);
	} else if (v == 0) {
		item(j, no, lno);
	} else if (only_tls13(r)) {
		textlist_add(&j->line, "TLS 1.3 only: not applicable");
		j->st = PEIL__STATUS__PASSED;
	} else {
		textlist_add(&j->line, "could not be determined");
	}
}

static void
j_compress(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	j_tristate(j, &t->rep, t->rep.compression, "TLS compression", "no TLS compression",
	    ncsc_compression(tw->g, true), ncsc_compression(tw->g, false));
}

static void
j_secreneg(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	j_tristate(j, &t->rep, t->rep.secure_reneg, "secure renegotiation supported",
	    "secure renegotiation not supported", ncsc_secure_reneg(tw->g, true),
	    ncsc_secure_reneg(tw->g, false));
}

static void
j_clientreneg(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	j_tristate(j, &t->rep, t->rep.client_reneg, "client-initiated renegotiation accepted",
	    "client-initiated renegotiation refused", ncsc_client_reneg(tw->g, 1),
	    ncsc_client_reneg(tw->g, 0));
}

static void
j_pubkey(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	char buf[80];

	if (t->rep.nchain == 0) {
		textlist_add(&j->line, "no certificate");
		return;
	}
	snprintf(buf, sizeof(buf), "%s %u bits%s%s", t->rep.leaf_key_type == EVP_PKEY_RSA ? "RSA" :
	    t->rep.leaf_key_type == EVP_PKEY_EC ? "EC" : t->rep.leaf_key_type == EVP_PKEY_ED25519 ?
	    "Ed25519" : t->rep.leaf_key_type == EVP_PKEY_ED448 ? "Ed448" :
	    t->rep.leaf_key_type == EVP_PKEY_DSA ? "DSA" : "key", t->rep.leaf_key_bits,
	    t->rep.leaf_curve_nid != 0 ? " " : "", t->rep.leaf_curve_nid != 0 ?
	    OBJ_nid2sn(t->rep.leaf_curve_nid) : "");
	item(j, buf, ncsc_cert_key(tw->g, t->rep.leaf_key_type, t->rep.leaf_key_bits,
	    t->rep.leaf_curve_nid));
}

/* True when the DER certificate is self-signed (a trust anchor: its signature is not judged). */
static bool
der_self_signed(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	bool self;

	if (x == NULL)
		return false;
	self = X509_check_issued(x, x) == X509_V_OK;
	X509_free(x);
	return self;
}

static void
j_sig(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	if (t->rep.nchain == 0) {
		textlist_add(&j->line, "no certificate");
		return;
	}
	for (size_t i = 0; i < t->rep.nchain; i++) {
		char buf[100];
		int nid = t->rep.chain_sig_nids[i];

		if (i > 0 && der_self_signed(t->rep.der[i], t->rep.derlen[i])) {
			textlist_add(&j->line, "a self-signed root (its signature is not judged)");
			continue;
		}
		snprintf(buf, sizeof(buf), "certificate %zu: %s", i + 1, nid != NID_undef ?
		    OBJ_nid2sn(nid) : "unknown");
		item(j, buf, ncsc_cert_sig(tw->g, nid));
	}
}

static void
j_chain(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	const struct mxhost *h = &tw->host[t->host];

	if (t->rep.nchain == 0) {
		textlist_add(&j->line, "no certificate");
		j->st = PEIL__STATUS__FAILED;
		textlist_add(&j->bad, "no certificate");
		return;
	}
	textlist_add(&j->line, t->rep.trusted ? "trusted" : t->rep.trust_why);
	if (t->rep.trusted) {
		j->st = PEIL__STATUS__PASSED;
	} else if (h->dane_ta) {
		j->st = PEIL__STATUS__FAILED;
		textlist_add(&j->bad, "not trusted while DANE-TA is published");
	} else {
		j->st = PEIL__STATUS__INFO;
		textlist_add(&j->bad, t->rep.trust_why);
	}
}

static void
j_domain(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	const struct mxhost *h = &tw->host[t->host];

	if (t->rep.nchain == 0) {
		textlist_add(&j->line, "no certificate");
		j->st = PEIL__STATUS__FAILED;
		return;
	}
	textlist_add(&j->line, t->rep.name_ok ? "the certificate names the MX host" :
	    "the certificate does not name the MX host");
	if (t->rep.name_ok) {
		j->st = PEIL__STATUS__PASSED;
	} else {
		j->st = h->dane_ta ? PEIL__STATUS__FAILED : PEIL__STATUS__INFO;
		textlist_add(&j->bad, h->rr->text);
	}
}

static void
j_dane_valid(const struct tlswork *tw, const struct mxtry *t, struct addrjudge *j)
{
	const struct mxhost *h = &tw->host[t->host];
	const uint8_t *der[MAX_TLS_CHAIN_CERTS];
	const char *names[2] = { h->rr->text, h->base };
	struct dane_result *dr;

	if (h->tlsa != TLSA_SECURE)
		return;   /* not_tested for this address: no DANE to validate */
	if (t->rep.nchain == 0) {
		j->st = PEIL__STATUS__FAILED;
		textlist_add(&j->line, "no certificate to match");
		textlist_add(&j->bad, "no certificate");
		return;
	}
	if ((dr = calloc(1, sizeof(*dr))) == NULL) {
		j->st = PEIL__STATUS__ERROR;
		textlist_add(&j->line, "out of memory");
		return;
	}
	for (size_t i = 0; i < t->rep.nchain; i++)
		der[i] = t->rep.der[i];
	if (dane_match(h->set, h->ntlsa, der, t->rep.derlen, t->rep.nchain, names,
	    strcasecmp(h->base, h->rr->text) != 0 ? 2 : 1, dr) != 0) {
		j->st = PEIL__STATUS__ERROR;
		textlist_add(&j->line, "matching failed");
	} else {
		j->st = dr->ok ? PEIL__STATUS__PASSED : PEIL__STATUS__FAILED;
		textlist_add(&j->line, dr->why);
		if (!dr->ok)
			textlist_add(&j->bad, dr->why);
	}
	free(dr);
}

typedef void (*addr_judge_fn)(const struct tlswork *, const struct mxtry *, struct addrjudge *);

/* Judges one test over every address that spoke TLS; worst wins. */
static int
judge_addrs(struct tlswork *tw, Peil__Result *r, addr_judge_fn fn, const char *what,
    bool tls_guideline)
{
	struct dnsev ev = { 0 };
	struct addrjudge *j;
	struct textlist *bad;
	char *reason = NULL;
	int st = PEIL__STATUS__NOT_TESTED, rc;
	size_t judged = 0;

	if (r == NULL)
		return 0;
	j = malloc(sizeof(*j));
	bad = calloc(1, sizeof(*bad));
	if (j == NULL || bad == NULL) {
		free(j);
		free(bad);
		return PEIL_ENOMEM;
	}
	dnsev_copy(&ev, &tw->mxev);
	for (size_t i = 0; i < tw->ntry; i++) {
		const struct mxtry *t = &tw->tries[i];
		char key[32], who[DNSANS_TEXT_LEN + 80];

		if (!t->tried || !t->rep.available)
			continue;
		memset(j, 0, sizeof(*j));
		j->st = PEIL__STATUS__NOT_TESTED;
		fn(tw, t, j);
		if (j->line.len == 0 && j->st == PEIL__STATUS__NOT_TESTED)
			continue;
		snprintf(who, sizeof(who), "%.253s [%.64s]", tw->host[t->host].rr->text, t->addr);
		snprintf(key, sizeof(key), "addr_%zu", i + 1);
		dnsev_add(&ev, key, "%s: %s", who, j->line.buf);
		if (j->bad.len > 0) {
			char one[MAX_EVIDENCE_VALUE_LEN];

			snprintf(one, sizeof(one), "%s: %.1000s", who, j->bad.buf);
			textlist_add(bad, one);
		}
		if (j->st != PEIL__STATUS__NOT_TESTED)
			judged++;
		worse(&st, j->st);
	}
	if (judged == 0) {
		st = PEIL__STATUS__NOT_TESTED;
		if (asprintf(&reason, "%s: nothing to judge on any mail server that spoke TLS",
		    what) < 0)
			reason = NULL;
	} else if (st != PEIL__STATUS__PASSED && bad->len > 0) {
		if (asprintf(&reason, "%s: %.3000s", what, bad->buf) < 0)
			reason = NULL;
	}
	rc = dnsev_apply(&ev, r, st, reason);
	if (rc == 0 && tls_guideline)
		rc = result_set_guideline(r, ncsc_id(tw->g));
	free(reason);
	free(j);
	free(bad);
	dnsev_clear(&ev);
	return rc;
}

/* mail_starttls_tls_available: every address offered STARTTLS and completed a handshake. */
static int
judge_available(struct tlswork *tw, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	struct textlist *bad;
	size_t nfail = 0, nerr = 0;
	char *reason = NULL;
	int st, rc;

	if (r == NULL)
		return 0;
	if ((bad = calloc(1, sizeof(*bad))) == NULL)
		return PEIL_ENOMEM;
	dnsev_copy(&ev, &tw->mxev);
	for (size_t i = 0; i < tw->ntry; i++) {
		const struct mxtry *t = &tw->tries[i];
		char key[32], who[DNSANS_TEXT_LEN + 80];
		const char *what;

		snprintf(who, sizeof(who), "%.253s [%.64s]", tw->host[t->host].rr->text, t->addr);
		snprintf(key, sizeof(key), "addr_%zu", i + 1);
		if (!t->tried) {
			dnsev_add(&ev, key, "%s: not tried: %s", who, MSG_BUDGET);
			nerr++;
			continue;
		}
		if (t->rep.available) {
			dnsev_add(&ev, key, "%s: STARTTLS, %s; banner %.120s; %u handshakes in %u ms",
			    who, t->rep.nversions > 0 ? version_name(t->rep.versions[0]) : "TLS",
			    t->s.banner, t->rep.handshakes, t->rep.ms);
			continue;
		}
		/* No TLS: the server's fault (no STARTTLS, refused, broken handshake) or no
		 * answer at all (unreachable, time-out): the latter decides nothing. */
		what = t->rep.why;
		dnsev_add(&ev, key, "%s: %s", who, what);
		if (t->s.banner_code == 220) {
			textlist_add(bad, who);
			nfail++;
		} else {
			nerr++;
		}
	}
	if (nfail > 0) {
		st = PEIL__STATUS__FAILED;
		if (asprintf(&reason, "no TLS on %zu of %zu mail server address(es): %.3000s", nfail,
		    tw->ntry, bad->buf) < 0)
			reason = NULL;
	} else if (nerr > 0) {
		st = PEIL__STATUS__ERROR;
		if (asprintf(&reason, "%zu of %zu mail server address(es) could not be tested "
		    "(no SMTP answer)", nerr, tw->ntry) < 0)
			reason = NULL;
	} else {
		st = PEIL__STATUS__PASSED;
	}
	rc = dnsev_apply(&ev, r, st, reason);
	if (rc == 0)
		rc = result_set_guideline(r, ncsc_id(tw->g));
	free(reason);
	free(bad);
	dnsev_clear(&ev);
	return rc;
}

/* mail_starttls_dane_exist and _dane_rollover: per MX host. */
static int
judge_dane_hosts(struct tlswork *tw, Peil__Result *exist, Peil__Result *roll)
{
	struct dnsev ev = { 0 };
	struct textlist *bad, *badroll, *badfail;
	int st_e = PEIL__STATUS__NOT_TESTED, st_r = PEIL__STATUS__NOT_TESTED, rc;
	char *r_e = NULL, *r_r = NULL;

	bad = calloc(1, sizeof(*bad));
	badroll = calloc(1, sizeof(*badroll));
	badfail = calloc(1, sizeof(*badfail));
	if (bad == NULL || badroll == NULL || badfail == NULL) {
		free(bad);
		free(badroll);
		free(badfail);
		return PEIL_ENOMEM;
	}
	dnsev_copy(&ev, &tw->mxev);
	for (size_t i = 0; i < tw->nhosts; i++) {
		const struct mxhost *h = &tw->host[i];
		char key[32];

		snprintf(key, sizeof(key), "tlsa_%zu", i + 1);
		dnsev_add(&ev, key, "%s", h->tlsa_why);
		for (size_t k = 0; k < h->ntlsa && k < 4; k++) {
			char txt[TLSA_TEXT_LEN];

			tlsa_text(&h->set[k], txt, sizeof(txt));
			dnsev_add(&ev, key, "  %s", txt);
		}
		switch (h->tlsa) {
		case TLSA_SECURE:
			worse(&st_e, PEIL__STATUS__PASSED);
			if (dane_rollover_ok(h->set, h->ntlsa)) {
				worse(&st_r, PEIL__STATUS__PASSED);
			} else {
				worse(&st_r, PEIL__STATUS__FAILED);
				textlist_add(badroll, h->rr->text);
			}
			break;
		case TLSA_FAILED:
			worse(&st_e, PEIL__STATUS__ERROR);
			textlist_add(badfail, h->tlsa_why);
			break;
		default:
			worse(&st_e, PEIL__STATUS__FAILED);
			textlist_add(bad, h->rr->text);
			break;
		}
	}
	if (st_e == PEIL__STATUS__FAILED &&
	    asprintf(&r_e, "no DNSSEC-secure TLSA record for: %.3000s", bad->buf) < 0)
		r_e = NULL;
	if (st_e == PEIL__STATUS__ERROR && asprintf(&r_e, "DANE could not be decided for: "
	    "%.3000s", badfail->buf) < 0)
		r_e = NULL;
	if (st_r == PEIL__STATUS__NOT_TESTED && asprintf(&r_r, "no MX publishes DANE") < 0)
		r_r = NULL;
	if (st_r == PEIL__STATUS__FAILED && asprintf(&r_r, "no rollover scheme (two DANE-EE "
	    "records, or DANE-EE and DANE-TA) for: %.3000s", badroll->buf) < 0)
		r_r = NULL;
	if ((rc = dnsev_apply(&ev, exist, st_e, r_e)) == 0)
		rc = dnsev_apply(&ev, roll, st_r, r_r);
	free(r_e);
	free(r_r);
	free(bad);
	free(badroll);
	free(badfail);
	dnsev_clear(&ev);
	return rc;
}

/* ---- MTA-STS and TLS-RPT ---- */

/* What txt_one found: a status of its own, never a PEIL_E* value. */
enum txtone { TXTONE_FAILED, TXTONE_NONE, TXTONE_ONE, TXTONE_SEVERAL };

/* Looks up TXT at name; *found says whether there is none, one (copied to out), several
 * records of the kind, or the lookup failed (why). Returns 0 or PEIL_ENOMEM. */
static int
txt_one(struct dnswork *w, const char *name, bool (*is_kind)(const uint8_t *, size_t),
    uint8_t *out, size_t cap, size_t *len, enum txtone *found, char *why, size_t whylen)
{
	struct dnsans *a = &w->aux;
	size_t count = 0;

	*found = TXTONE_FAILED;
	if (dnswork_lookup(w, name, LDNS_RR_TYPE_TXT, 0, a) == PEIL_ENOMEM)
		return PEIL_ENOMEM;
	if (dnsans_failed(a, why, whylen))
		return 0;
	if (a->txt_tagged > a->ntxt) {
		snprintf(why, whylen, "%s has more version-tagged TXT records than examined", name);
		return 0;
	}
	for (size_t i = 0; i < a->ntxt; i++) {
		const uint8_t *t = a->txt + a->txt_off[i];

		if (!is_kind(t, a->txt_len[i]))
			continue;
		if (count++ == 0) {
			*len = a->txt_len[i] < cap ? a->txt_len[i] : cap;
			memcpy(out, t, *len);
		}
	}
	*found = count == 0 ? TXTONE_NONE : count == 1 ? TXTONE_ONE : TXTONE_SEVERAL;
	return 0;
}

static void
printable(const uint8_t *b, size_t len, char *out, size_t outlen)
{
	size_t n = len < outlen - 1 ? len : outlen - 1;

	for (size_t i = 0; i < n; i++)
		out[i] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : b[i] == '\n' || b[i] == '\r' ?
		    ' ' : '?';
	out[n] = '\0';
}

/* mail_mtasts: the record, the policy over HTTPS, its mode, and its mx patterns. */
static int
judge_mtasts(struct tlswork *tw, Peil__Result *r)
{
	struct dnswork *w = tw->w;
	struct dnsev ev = { 0 };
	struct mtasts_record rec;
	struct mtasts_policy *pol = NULL;
	struct policy_fetch *pf = NULL;
	struct textlist *uncovered = NULL;
	char q[MAX_DOMAIN_LEN + 16], why[WHY_LEN], text[600], addr[DNSANS_TEXT_LEN] = "";
	char *note = NULL;
	const char *reason = NULL;
	uint8_t buf[MAX_MTASTS_RECORD_LEN];
	size_t len = 0;
	enum txtone found;
	int st = PEIL__STATUS__FAILED, rc = 0;

	if (r == NULL)
		return 0;
	if (snprintf(q, sizeof(q), "_mta-sts.%s", w->domain) >= (int)sizeof(q) ||
	    strlen(q) > MAX_DOMAIN_LEN) {
		reason = "_mta-sts.<domain> would be too long a name";
		st = PEIL__STATUS__ERROR;
		goto judge;
	}
	if ((rc = txt_one(w, q, mtasts_is_record, buf, sizeof(buf), &len, &found, why,
	    sizeof(why))) != 0)
		goto out;
	dnsev_add(&ev, "query", "%s TXT", q);
	if (found == TXTONE_FAILED) {
		st = PEIL__STATUS__ERROR;
		reason = w->budget_out ? MSG_BUDGET : why;
		goto judge;
	}
	if (found == TXTONE_NONE) {
		reason = "no MTA-STS record (TXT v=STSv1 at _mta-sts)";
		goto judge;
	}
	if (found == TXTONE_SEVERAL) {
		reason = "several MTA-STS records (RFC 8461 3.1 wants one)";
		goto judge;
	}
	printable(buf, len, text, sizeof(text));
	dnsev_add(&ev, "record", "%s", text);
	if (mtasts_record_parse(buf, len, &rec, NULL, why, sizeof(why)) != 0) {
		if (asprintf(&note, "the MTA-STS record is invalid: %s", why) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	if (w->src->fetch == NULL) {
		st = PEIL__STATUS__NOT_TESTED;
		reason = "this agent does not fetch MTA-STS policies";
		goto judge;
	}
	/* The policy host's address, through our own resolver. */
	snprintf(q, sizeof(q), "mta-sts.%s", w->domain);
	for (int fam = 0; fam < 2 && addr[0] == '\0'; fam++) {
		if ((fam == 0 && !w->src->ipv6) || (fam == 1 && !w->src->ipv4))
			continue;
		if (dnswork_lookup(w, q, fam == 0 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A, 1,
		    &w->a6) == PEIL_ENOMEM) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		if (!dnsans_failed(&w->a6, why, sizeof(why)) && w->a6.n > 0)
			snprintf(addr, sizeof(addr), "%s", w->a6.rr[0].text);
	}
	if (addr[0] == '\0') {
		if (asprintf(&note, "%s has no address: the policy cannot be fetched", q) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	if ((pf = calloc(1, sizeof(*pf))) == NULL || (pol = calloc(1, sizeof(*pol))) == NULL ||
	    (uncovered = calloc(1, sizeof(*uncovered))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((rc = w->src->fetch(w->src->arg, w->domain, addr, w->deadline, pf)) != 0)
		goto out;
	dnsev_add(&ev, "policy_url", "https://%s/.well-known/mta-sts.txt [%s]", q, addr);
	if (pf->rc != 0) {
		st = pf->rc == PEIL_ETIMEDOUT ? PEIL__STATUS__ERROR : PEIL__STATUS__FAILED;
		if (asprintf(&note, "the policy could not be fetched: %s", pf->why) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	dnsev_add(&ev, "content_type", "%s", pf->content_type);
	if (!mtasts_content_type_ok(pf->content_type)) {
		if (asprintf(&note, "the policy is served as '%s', not text/plain", pf->content_type) <
		    0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	printable(pf->body, pf->len, text, sizeof(text));
	dnsev_add(&ev, "policy", "%s", text);
	if (mtasts_policy_parse(pf->body, pf->len, pol, NULL, why, sizeof(why)) != 0) {
		if (asprintf(&note, "the policy is invalid: %s", why) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	dnsev_add(&ev, "mode", "%s", mtasts_mode_name(pol->mode));
	dnsev_add(&ev, "max_age", "%u", (unsigned)pol->max_age);
	for (size_t i = 0; i < tw->nhosts; i++)
		if (!mtasts_mx_match(pol, tw->host[i].rr->text))
			textlist_add(uncovered, tw->host[i].rr->text);
	if (pol->mode == MTASTS_MODE_NONE) {
		reason = "the policy's mode is none: MTA-STS is switched off";
	} else if (uncovered->len > 0) {
		if (asprintf(&note, "the policy's mx patterns do not cover: %s", uncovered->buf) < 0)
			ev.nomem = true;
		reason = note;
	} else if (pol->mode == MTASTS_MODE_TESTING) {
		st = PEIL__STATUS__WARNING;
		reason = "the policy's mode is testing: failures are reported, not enforced";
	} else {
		st = PEIL__STATUS__PASSED;
	}
judge:
	rc = dnsev_apply(&ev, r, st, reason);
out:
	free(note);
	free(pf);
	free(pol);
	free(uncovered);
	dnsev_clear(&ev);
	return rc;
}

/* mail_tlsrpt: one valid v=TLSRPTv1 record at _smtp._tls.<domain>. */
static int
judge_tlsrpt(struct tlswork *tw, Peil__Result *r)
{
	struct dnswork *w = tw->w;
	struct dnsev ev = { 0 };
	struct tlsrpt_record *rec;
	char q[MAX_DOMAIN_LEN + 16], why[WHY_LEN], text[600], *note = NULL;
	const char *reason = NULL;
	uint8_t buf[MAX_TLSRPT_RECORD_LEN];
	size_t len = 0;
	enum txtone found;
	int st = PEIL__STATUS__FAILED, rc;

	if (r == NULL)
		return 0;
	if ((rec = calloc(1, sizeof(*rec))) == NULL)
		return PEIL_ENOMEM;
	if (snprintf(q, sizeof(q), "_smtp._tls.%s", w->domain) >= (int)sizeof(q) ||
	    strlen(q) > MAX_DOMAIN_LEN) {
		st = PEIL__STATUS__ERROR;
		reason = "_smtp._tls.<domain> would be too long a name";
		goto judge;
	}
	if (txt_one(w, q, tlsrpt_is_record, buf, sizeof(buf), &len, &found, why,
	    sizeof(why)) != 0) {
		free(rec);
		dnsev_clear(&ev);
		return PEIL_ENOMEM;
	}
	dnsev_add(&ev, "query", "%s TXT", q);
	if (found == TXTONE_FAILED) {
		st = PEIL__STATUS__ERROR;
		reason = w->budget_out ? MSG_BUDGET : why;
	} else if (found == TXTONE_NONE) {
		reason = "no TLS-RPT record (TXT v=TLSRPTv1 at _smtp._tls)";
	} else if (found == TXTONE_SEVERAL) {
		reason = "several TLS-RPT records (RFC 8460 3 wants one)";
	} else {
		printable(buf, len, text, sizeof(text));
		dnsev_add(&ev, "record", "%s", text);
		if (tlsrpt_record_parse(buf, len, rec, NULL, why, sizeof(why)) != 0) {
			if (asprintf(&note, "the TLS-RPT record is invalid: %s", why) < 0)
				ev.nomem = true;
			reason = note;
		} else {
			st = PEIL__STATUS__PASSED;
			for (size_t i = 0; i < rec->nrua; i++)
				dnsev_add(&ev, "rua", "%s", rec->rua[i].uri);
		}
	}
judge:
	rc = dnsev_apply(&ev, r, st, reason);
	free(note);
	free(rec);
	dnsev_clear(&ev);
	return rc;
}

/* ---- the run ---- */

/* The tries of one run, shared by its threads. */
struct tryrun {
	struct tlswork *tw;
	pthread_mutex_t lock;
	size_t next;       /* the next try to take */
	int rc;            /* PEIL_ENOMEM from a try ends the run */
};

static void *
try_thread(void *arg)
{
	struct tryrun *tr = arg;
	struct tlswork *tw = tr->tw;
	struct dnswork *w = tw->w;

	for (;;) {
		struct mxtry *t;
		size_t i;
		int rc;

		pthread_mutex_lock(&tr->lock);
		i = tr->next++;
		pthread_mutex_unlock(&tr->lock);
		if (i >= tw->ntry)
			break;
		t = &tw->tries[i];
		/* The source's clock and the deadline only; the budget flag is the caller's. */
		if (w->src->now_ms(w->src->arg) >= w->deadline)
			continue;
		rc = w->src->starttls(w->src->arg, tw->host[t->host].rr->text, t->addr, w->deadline,
		    &t->rep, &t->s);
		pthread_mutex_lock(&tr->lock);
		if (rc != 0 && tr->rc == 0)
			tr->rc = rc;
		pthread_mutex_unlock(&tr->lock);
		t->tried = rc == 0;
	}
	return NULL;
}

/* STARTTLS on every address, MAX_STARTTLS_PARALLEL at once (different addresses: a server
 * sees one connection of this run at a time; the source bounds the process's per address). */
static int
try_all(struct tlswork *tw)
{
	struct tryrun tr = { .tw = tw };
	pthread_t th[MAX_STARTTLS_PARALLEL];
	size_t nth = tw->ntry < MAX_STARTTLS_PARALLEL ? tw->ntry : MAX_STARTTLS_PARALLEL, started = 0;

	pthread_mutex_init(&tr.lock, NULL);
	/* The first try runs in this thread; helpers only when there is more than one. */
	for (size_t i = 1; i < nth; i++)
		if (pthread_create(&th[started], NULL, try_thread, &tr) == 0)
			started++;
	try_thread(&tr);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&tr.lock);
	for (size_t i = 0; i < tw->ntry; i++)
		if (!tw->tries[i].tried)
			tw->budget_cut = true;
	if (tw->budget_cut)
		(void)dnswork_budget_left(tw->w);
	return tr.rc;
}

static const int starttls_ids[] = {
	PROBE_DNS_STARTTLS_AVAILABLE, PROBE_DNS_STARTTLS_VERSION, PROBE_DNS_STARTTLS_CIPHERS,
	PROBE_DNS_STARTTLS_CIPHERORDER, PROBE_DNS_STARTTLS_KEYEXCHANGE,
	PROBE_DNS_STARTTLS_KEYEXCHANGEHASH, PROBE_DNS_STARTTLS_COMPRESS,
	PROBE_DNS_STARTTLS_SECRENEG, PROBE_DNS_STARTTLS_CLIENTRENEG,
	PROBE_DNS_STARTTLS_CERT_CHAIN, PROBE_DNS_STARTTLS_CERT_PUBKEY,
	PROBE_DNS_STARTTLS_CERT_SIG, PROBE_DNS_STARTTLS_CERT_DOMAIN,
	PROBE_DNS_STARTTLS_DANE_EXIST, PROBE_DNS_STARTTLS_DANE_VALID,
	PROBE_DNS_STARTTLS_DANE_ROLLOVER, PROBE_DNS_MTASTS, PROBE_DNS_TLSRPT,
};
#define NSTARTTLS_IDS (sizeof(starttls_ids) / sizeof(starttls_ids[0]))

int
probe_tls_run(struct dnswork *w, Peil__Result *res[PROBE_DNS_NTESTS],
    bool done[PROBE_DNS_NTESTS])
{
	static const struct {
		int id;
		addr_judge_fn fn;
		const char *what;
	} per_addr[] = {
		{ PROBE_DNS_STARTTLS_VERSION, j_version, "protocol versions" },
		{ PROBE_DNS_STARTTLS_CIPHERS, j_ciphers, "cipher suites" },
		{ PROBE_DNS_STARTTLS_CIPHERORDER, j_cipherorder, "cipher order" },
		{ PROBE_DNS_STARTTLS_KEYEXCHANGE, j_keyexchange, "key exchange" },
		{ PROBE_DNS_STARTTLS_KEYEXCHANGEHASH, j_kexhash, "key-exchange hash" },
		{ PROBE_DNS_STARTTLS_COMPRESS, j_compress, "compression" },
		{ PROBE_DNS_STARTTLS_SECRENEG, j_secreneg, "secure renegotiation" },
		{ PROBE_DNS_STARTTLS_CLIENTRENEG, j_clientreneg, "client renegotiation" },
		{ PROBE_DNS_STARTTLS_CERT_CHAIN, j_chain, "certificate chain" },
		{ PROBE_DNS_STARTTLS_CERT_PUBKEY, j_pubkey, "certificate key" },
		{ PROBE_DNS_STARTTLS_CERT_SIG, j_sig, "certificate signature" },
		{ PROBE_DNS_STARTTLS_CERT_DOMAIN, j_domain, "certificate name" },
		{ PROBE_DNS_STARTTLS_DANE_VALID, j_dane_valid, "DANE" },
	};
	struct tlswork *tw;
	size_t hosts[MAX_MX];
	bool any = false, need_tls = false;
	int rc = 0, n;

	for (size_t i = 0; i < NSTARTTLS_IDS; i++)
		any |= !done[starttls_ids[i]];
	if (!any || !dnswork_budget_left(w))
		return 0;
	if ((tw = calloc(1, sizeof(*tw))) == NULL)
		return PEIL_ENOMEM;
	tw->w = w;
	if ((tw->g = ncsc_find(w->src->tls_guideline)) == NULL)
		tw->g = ncsc_default();
	if ((n = dnswork_mx_hosts(w, &tw->mxev, hosts, &tw->mx_status, &tw->mx_reason)) ==
	    PEIL_ENOMEM) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (n == 0) {
		/* No mail server to test (no MX, null MX) or the MX lookup failed. */
		for (size_t i = 0; i < NSTARTTLS_IDS && rc == 0; i++) {
			int id = starttls_ids[i];

			if (done[id])
				continue;
			rc = dnsev_apply(&tw->mxev, res[id], tw->mx_status, tw->mx_reason);
			done[id] = true;
		}
		goto out;
	}
	tw->nhosts = (size_t)n;
	for (size_t i = 0; i < tw->nhosts; i++)
		tw->host[i].rr = &w->mx.rr[hosts[i]];

	/* DNS first: TLSA of every host (DANE tests), then MTA-STS and TLS-RPT. */
	if (!done[PROBE_DNS_STARTTLS_DANE_EXIST] || !done[PROBE_DNS_STARTTLS_DANE_VALID] ||
	    !done[PROBE_DNS_STARTTLS_DANE_ROLLOVER] || !done[PROBE_DNS_STARTTLS_CERT_CHAIN] ||
	    !done[PROBE_DNS_STARTTLS_CERT_DOMAIN])
		for (size_t i = 0; i < tw->nhosts; i++)
			if ((rc = host_tlsa(w, &tw->host[i])) != 0)
				goto out;
	if (!done[PROBE_DNS_STARTTLS_DANE_EXIST] || !done[PROBE_DNS_STARTTLS_DANE_ROLLOVER]) {
		if ((rc = judge_dane_hosts(tw, res[PROBE_DNS_STARTTLS_DANE_EXIST],
		    res[PROBE_DNS_STARTTLS_DANE_ROLLOVER])) != 0)
			goto out;
		done[PROBE_DNS_STARTTLS_DANE_EXIST] = done[PROBE_DNS_STARTTLS_DANE_ROLLOVER] = true;
	}
	if (!done[PROBE_DNS_TLSRPT]) {
		if ((rc = judge_tlsrpt(tw, res[PROBE_DNS_TLSRPT])) != 0)
			goto out;
		done[PROBE_DNS_TLSRPT] = true;
	}
	if (!done[PROBE_DNS_MTASTS]) {
		if ((rc = judge_mtasts(tw, res[PROBE_DNS_MTASTS])) != 0)
			goto out;
		done[PROBE_DNS_MTASTS] = true;
	}

	/* Then STARTTLS on every address. */
	need_tls = !done[PROBE_DNS_STARTTLS_AVAILABLE];
	for (size_t i = 0; i < sizeof(per_addr) / sizeof(per_addr[0]); i++)
		need_tls |= !done[per_addr[i].id];
	if (!need_tls)
		goto out;
	if (w->src->starttls == NULL) {
		for (size_t i = 0; i < NSTARTTLS_IDS && rc == 0; i++) {
			int id = starttls_ids[i];

			if (!done[id])
				rc = dnsev_apply(&tw->mxev, res[id], PEIL__STATUS__NOT_TESTED,
				    "this agent does not test STARTTLS");
			done[id] = true;
		}
		goto out;
	}
	if ((tw->tries = calloc(MAX_MX * MAX_STARTTLS_ADDRS, sizeof(*tw->tries))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < tw->nhosts; i++)
		if ((rc = host_addrs(tw, i)) != 0)
			goto out;
	if ((rc = try_all(tw)) != 0)
		goto out;
	if (tw->ntry == 0) {
		for (size_t i = 0; i < NSTARTTLS_IDS && rc == 0; i++) {
			int id = starttls_ids[i];

			if (!done[id])
				rc = dnsev_apply(&tw->mxev, res[id], PEIL__STATUS__ERROR,
				    "no address found for any MX");
			done[id] = true;
		}
		goto out;
	}
	if (!done[PROBE_DNS_STARTTLS_AVAILABLE]) {
		if ((rc = judge_available(tw, res[PROBE_DNS_STARTTLS_AVAILABLE])) != 0)
			goto out;
		done[PROBE_DNS_STARTTLS_AVAILABLE] = true;
	}
	for (size_t i = 0; i < sizeof(per_addr) / sizeof(per_addr[0]); i++) {
		int id = per_addr[i].id;

		if (done[id])
			continue;
		if ((rc = judge_addrs(tw, res[id], per_addr[i].fn, per_addr[i].what,
		    id != PROBE_DNS_STARTTLS_DANE_VALID)) != 0)
			goto out;
		done[id] = true;
	}
out:
	tlswork_free(tw);
	return rc;
}
