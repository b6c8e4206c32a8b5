/* probe_starttls.c: STARTTLS on every address of every MX, its TLS judged by the NCSC
 * guidelines (mail_starttls_tls_*, mail_starttls_cert_*).
 *
 * The SMTP dialogue and the TLS engine run behind the source's starttls callback (probe.c;
 * canned reports in the tests), once per run for STARTTLS and DANE (mxwork.c); here the reports
 * are judged by the NCSC tables (ncsc.c). A test's verdict is the worst over every address
 * tried; its evidence lists each one. */
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
#include "mxwork.h"
#include "ncsc.h"
#include "probe_starttls.h"

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

static void
item(struct addrjudge *j, const char *what, enum ncsc_level l)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s (%s)", what, ncsc_level_name(l));
	textlist_add(&j->line, buf);
	if (l == NCSC_PHASE_OUT || l == NCSC_INSUFFICIENT)
		textlist_add(&j->bad, buf);
	mxwork_worse(&j->st, ncsc_level_status(l));
}

static bool
only_tls13(const struct tls_report *r)
{
	return r->nversions == 1 && r->versions[0] == TLS_V13;
}

static void
j_version(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
{
	for (size_t i = 0; i < t->rep.nversions; i++)
		item(j, version_name(t->rep.versions[i]), ncsc_version(tw->g, t->rep.versions[i]));
}

static void
j_ciphers(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
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

/* As internet.nl's cipher order test, at the highest version below TLS 1.3 (TLS 1.3 suites
 * are all good): not applicable when every suite is good; a suite below good preferred over a
 * good one is info ("sufficient above good"); a phase-out or insufficient suite preferred over
 * a sufficient one, or an insufficient over a phase-out one, fails. A server that follows the
 * client's order prefers whatever the client lists first: each pair of levels it holds counts
 * as the lower preferred. */
static void
j_cipherorder(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
{
	const struct tls_version_suites *ps = NULL;
	bool has[NCSC_INSUFFICIENT + 1] = { false };
	char buf[256], hex[8], hex2[8];

	j->st = PEIL__STATUS__PASSED;
	for (size_t v = 0; v < t->rep.nper; v++)
		if (t->rep.per_version[v].version != TLS_V13 && (ps == NULL ||
		    t->rep.per_version[v].version > ps->version))
			ps = &t->rep.per_version[v];
	if (ps == NULL) {
		textlist_add(&j->line, "TLS 1.3 only: not applicable");
		return;
	}
	for (size_t i = 0; i < ps->nsuites; i++)
		has[ncsc_cipher(tw->g, ps->suites[i])] = true;
	if (!has[NCSC_SUFFICIENT] && !has[NCSC_PHASE_OUT] && !has[NCSC_INSUFFICIENT]) {
		snprintf(buf, sizeof(buf), "%s: every suite is good: not applicable",
		    version_name(ps->version));
		textlist_add(&j->line, buf);
		return;
	}
	if (ps->server_order == 0) {
		enum ncsc_level hi = has[NCSC_GOOD] ? NCSC_GOOD : has[NCSC_SUFFICIENT] ?
		    NCSC_SUFFICIENT : NCSC_PHASE_OUT;
		bool lower = false;

		for (int l = (int)hi + 1; l <= (int)NCSC_INSUFFICIENT; l++)
			lower |= has[l];
		snprintf(buf, sizeof(buf), "%s: the server follows the client's order",
		    version_name(ps->version));
		textlist_add(&j->line, buf);
		if (!lower)
			return;
		snprintf(buf, sizeof(buf), "%s: the server follows the client's order, which "
		    "decides between %s and lower suites", version_name(ps->version),
		    ncsc_level_name(hi));
		textlist_add(&j->bad, buf);
		j->st = hi == NCSC_GOOD ? PEIL__STATUS__INFO : PEIL__STATUS__FAILED;
		return;
	}
	snprintf(buf, sizeof(buf), "%s: %s", version_name(ps->version), ps->server_order == 1 ?
	    "server order" : "order unknown");
	textlist_add(&j->line, buf);
	if (ps->server_order != 1)
		return;
	/* The levels above each suite's own, in the server's order: a suite preferred over one
	 * of a better level is a violation; good over lower is checked first, as internet.nl. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ps->nsuites; i++) {
			enum ncsc_level li = ncsc_cipher(tw->g, ps->suites[i]);

			for (size_t k = i + 1; k < ps->nsuites; k++) {
				enum ncsc_level lk = ncsc_cipher(tw->g, ps->suites[k]);

				if (lk >= li || (pass == 0) != (lk == NCSC_GOOD))
					continue;
				snprintf(buf, sizeof(buf), "%s: %s (%s) preferred over %s (%s)",
				    version_name(ps->version), suite_name(ps->suites[i], hex,
				    sizeof(hex)), ncsc_level_name(li), suite_name(ps->suites[k],
				    hex2, sizeof(hex2)), ncsc_level_name(lk));
				textlist_add(&j->bad, buf);
				j->st = pass == 0 ? PEIL__STATUS__INFO : PEIL__STATUS__FAILED;
				return;
			}
		}
	}
}

static void
j_keyexchange(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
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
j_kexhash(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
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
		/* internet.nl: a hash that cannot be determined is info */
		j->st = only_tls13(&t->rep) ? PEIL__STATUS__PASSED : PEIL__STATUS__INFO;
	}
	/* internet.nl: for mail a weak hash is a notice (our warning), never a failure */
	if (j->st == PEIL__STATUS__FAILED)
		j->st = PEIL__STATUS__WARNING;
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
j_compress(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
{
	j_tristate(j, &t->rep, t->rep.compression, "TLS compression", "no TLS compression",
	    ncsc_compression(tw->g, true), ncsc_compression(tw->g, false));
}

static void
j_secreneg(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
{
	j_tristate(j, &t->rep, t->rep.secure_reneg, "secure renegotiation supported",
	    "secure renegotiation not supported", ncsc_secure_reneg(tw->g, true),
	    ncsc_secure_reneg(tw->g, false));
}

static void
j_clientreneg(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
{
	j_tristate(j, &t->rep, t->rep.client_reneg, "client-initiated renegotiation accepted",
	    "client-initiated renegotiation refused", ncsc_client_reneg(tw->g, 1),
	    ncsc_client_reneg(tw->g, 0));
	/* internet.nl: accepted, with or without a limit, is info, never worse */
	if (t->rep.client_reneg == 1) {
		if (j->bad.len == 0)
			textlist_add(&j->bad, "client-initiated renegotiation accepted");
		j->st = PEIL__STATUS__INFO;
	}
}

static void
j_pubkey(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
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
j_sig(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
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
j_chain(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
{
	const struct mxhost *h = &tw->host[t->host];

	if (t->rep.nchain == 0) {
		textlist_add(&j->line, "no certificate");
		j->st = PEIL__STATUS__FAILED;
		textlist_add(&j->bad, "no certificate");
		return;
	}
	textlist_add(&j->line, t->rep.trusted ? "trusted" : t->rep.trust_why);
	/* internet.nl: trust is info-level, DANE-TA or not (its DANE-TA rule is the name's);
	 * DANE itself is judged by mail_starttls_dane_valid */
	if (t->rep.trusted) {
		j->st = PEIL__STATUS__PASSED;
	} else {
		j->st = PEIL__STATUS__INFO;
		textlist_add(&j->bad, t->rep.trust_why);
		if (h->dane_ta)
			textlist_add(&j->bad, "DANE-TA is published");
	}
}

static void
j_domain(const struct mxwork *tw, const struct mxtry *t, struct addrjudge *j)
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

/* mail_starttls_tls_available: every address offered STARTTLS and completed a handshake. */
static int
judge_available(struct mxwork *tw, Peil__Result *r)
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
	mxwork_ev(tw, &ev);
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


static const int starttls_ids[] = {
	TEST_MAIL_STARTTLS_TLS_AVAILABLE, TEST_MAIL_STARTTLS_TLS_VERSION, TEST_MAIL_STARTTLS_TLS_CIPHERS,
	TEST_MAIL_STARTTLS_TLS_CIPHERORDER, TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE,
	TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH, TEST_MAIL_STARTTLS_TLS_COMPRESS,
	TEST_MAIL_STARTTLS_TLS_SECRENEG, TEST_MAIL_STARTTLS_TLS_CLIENTRENEG,
	TEST_MAIL_STARTTLS_CERT_CHAIN, TEST_MAIL_STARTTLS_CERT_PUBKEY,
	TEST_MAIL_STARTTLS_CERT_SIG, TEST_MAIL_STARTTLS_CERT_DOMAIN,
};
#define NSTARTTLS_IDS (sizeof(starttls_ids) / sizeof(starttls_ids[0]))

int
probe_starttls_run(struct dnswork *w, struct mxwork *tw, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	static const struct {
		int id;
		addr_judge_fn fn;
		const char *what;
	} per_addr[] = {
		{ TEST_MAIL_STARTTLS_TLS_VERSION, j_version, "protocol versions" },
		{ TEST_MAIL_STARTTLS_TLS_CIPHERS, j_ciphers, "cipher suites" },
		{ TEST_MAIL_STARTTLS_TLS_CIPHERORDER, j_cipherorder, "cipher order" },
		{ TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE, j_keyexchange, "key exchange" },
		{ TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH, j_kexhash, "key-exchange hash" },
		{ TEST_MAIL_STARTTLS_TLS_COMPRESS, j_compress, "compression" },
		{ TEST_MAIL_STARTTLS_TLS_SECRENEG, j_secreneg, "secure renegotiation" },
		{ TEST_MAIL_STARTTLS_TLS_CLIENTRENEG, j_clientreneg, "client renegotiation" },
		{ TEST_MAIL_STARTTLS_CERT_CHAIN, j_chain, "certificate chain" },
		{ TEST_MAIL_STARTTLS_CERT_PUBKEY, j_pubkey, "certificate key" },
		{ TEST_MAIL_STARTTLS_CERT_SIG, j_sig, "certificate signature" },
		{ TEST_MAIL_STARTTLS_CERT_DOMAIN, j_domain, "certificate name" },
	};
	int rc;

	(void)web;
	if ((rc = mxwork_start(tw)) != 0 || tw->state == MXWORK_NO_BUDGET)
		return rc;
	if (tw->state == MXWORK_NONE) {
		/* the first test may have a status of its own (internet.nl's null-MX rules) */
		const char *why = tw->mx_reason;
		int st = tw->mx_status;

		dnswork_mx_lead(w, &st, &why);
		if ((rc = mxwork_apply(tw, starttls_ids, 1, res, done, st, why, false)) != 0)
			return rc;
		return mxwork_apply(tw, starttls_ids + 1, NSTARTTLS_IDS - 1, res, done,
		    tw->mx_status, tw->mx_reason, false);
	}
	/* DANE-TA and DANE-EE records decide the certificate chain and name (RFC 7672 3.1). */
	if ((!done[TEST_MAIL_STARTTLS_CERT_CHAIN] || !done[TEST_MAIL_STARTTLS_CERT_DOMAIN]) &&
	    (rc = mxwork_tlsa(tw)) != 0)
		return rc;
	if (w->src->starttls == NULL)
		return mxwork_apply(tw, starttls_ids, NSTARTTLS_IDS, res, done,
		    PEIL__STATUS__NOT_TESTED, "this agent does not test STARTTLS", false);
	if ((rc = mxwork_tries(tw)) != 0)
		return rc;
	if (tw->ntry == 0)
		return mxwork_apply(tw, starttls_ids, NSTARTTLS_IDS, res, done,
		    PEIL__STATUS__ERROR, "no address found for any MX", true);
	if (!done[TEST_MAIL_STARTTLS_TLS_AVAILABLE]) {
		if ((rc = judge_available(tw, res[TEST_MAIL_STARTTLS_TLS_AVAILABLE])) != 0)
			return rc;
		done[TEST_MAIL_STARTTLS_TLS_AVAILABLE] = true;
	}
	for (size_t i = 0; i < sizeof(per_addr) / sizeof(per_addr[0]); i++) {
		int id = per_addr[i].id;

		if (done[id])
			continue;
		if ((rc = mxwork_judge_addrs(tw, res[id], per_addr[i].fn, per_addr[i].what, true)) != 0)
			return rc;
		done[id] = true;
	}
	return 0;
}
