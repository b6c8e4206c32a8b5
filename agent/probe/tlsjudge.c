/* tlsjudge.c: the TLS engine's report judged by the NCSC tables (ncsc.c), one test and one
 * address at a time, for STARTTLS and HTTPS; and judging one test over every address. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "tlsjudge.h"

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

void
tlsjudge_worse(int *acc, int st)
{
	if (status_rank(st) > status_rank(*acc))
		*acc = st;
}

const char *
tlsjudge_version_name(uint16_t v)
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

void
tlsjudge_item(struct addrjudge *j, const char *what, enum ncsc_level l)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s (%s)", what, ncsc_level_name(l));
	textlist_add(&j->line, buf);
	if (l == NCSC_PHASE_OUT || l == NCSC_INSUFFICIENT)
		textlist_add(&j->bad, buf);
	tlsjudge_worse(&j->st, ncsc_level_status(l));
}

static bool
only_tls13(const struct tls_report *r)
{
	return r->nversions == 1 && r->versions[0] == TLS_V13;
}

void
tlsjudge_version(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;

	for (size_t i = 0; i < r->nversions; i++)
		tlsjudge_item(j, tlsjudge_version_name(r->versions[i]), ncsc_version(c->g,
		    r->versions[i]));
}

void
tlsjudge_ciphers(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;

	for (size_t v = 0; v < r->nper; v++) {
		const struct tls_version_suites *ps = &r->per_version[v];

		for (size_t i = 0; i < ps->nsuites; i++) {
			char hex[8], what[120];

			snprintf(what, sizeof(what), "%s %s", tlsjudge_version_name(ps->version),
			    suite_name(ps->suites[i], hex, sizeof(hex)));
			tlsjudge_item(j, what, ncsc_cipher(c->g, ps->suites[i]));
		}
	}
}

/* A pair of levels out of order, what says so: a noted pair a line of the evidence, a
 * violation a failure. */
static void
order_hit(struct addrjudge *j, const char *what, bool noted)
{
	if (noted) {
		textlist_add(&j->line, what);
		return;
	}
	textlist_add(&j->bad, what);
	j->st = PEIL__STATUS__FAILED;
}

/* As internet.nl's cipher order test, at the highest version below TLS 1.3 (its suites are
 * judged by the ciphers test): not applicable when every suite is good; each pair of a suite
 * preferred over one of a better level is judged by the guideline (ncsc_order): a noted pair
 * ends the check with a pass (internet.nl's 2.1-era sufficient_above_good), a violation fails
 * (2025-05: phase-out over sufficient or good). A server that follows the client's order
 * prefers whatever the client lists first: each pair of levels it holds counts as the lower
 * preferred. */
void
tlsjudge_cipherorder(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;
	const struct tls_version_suites *ps = NULL;
	bool has[NCSC_INSUFFICIENT + 1] = { false };
	char buf[256], hex[8], hex2[8];

	j->st = PEIL__STATUS__PASSED;
	for (size_t v = 0; v < r->nper; v++)
		if (r->per_version[v].version != TLS_V13 && (ps == NULL ||
		    r->per_version[v].version > ps->version))
			ps = &r->per_version[v];
	if (ps == NULL) {
		textlist_add(&j->line, "TLS 1.3 only: not applicable");
		return;
	}
	for (size_t i = 0; i < ps->nsuites; i++)
		has[ncsc_cipher(c->g, ps->suites[i])] = true;
	if (!has[NCSC_SUFFICIENT] && !has[NCSC_PHASE_OUT] && !has[NCSC_INSUFFICIENT]) {
		snprintf(buf, sizeof(buf), "%s: every suite is good: not applicable",
		    tlsjudge_version_name(ps->version));
		textlist_add(&j->line, buf);
		return;
	}
	if (ps->server_order == 0) {
		snprintf(buf, sizeof(buf), "%s: the server follows the client's order",
		    tlsjudge_version_name(ps->version));
		textlist_add(&j->line, buf);
		/* the pairs of levels it holds, a noted one first (it ends internet.nl's check) */
		for (int pass = 0; pass < 2; pass++) {
			enum ncsc_order want = pass == 0 ? NCSC_ORDER_NOTED : NCSC_ORDER_VIOLATION;

			for (int b = NCSC_GOOD; b < NCSC_INSUFFICIENT; b++) {
				for (int l = b + 1; l <= NCSC_INSUFFICIENT; l++) {
					if (!has[b] || !has[l] || ncsc_order(c->g, (enum ncsc_level)l,
					    (enum ncsc_level)b) != want)
						continue;
					snprintf(buf, sizeof(buf), "%s: the server follows the "
					    "client's order, which decides between %s and %s suites",
					    tlsjudge_version_name(ps->version),
					    ncsc_level_name((enum ncsc_level)b),
					    ncsc_level_name((enum ncsc_level)l));
					order_hit(j, buf, pass == 0);
					return;
				}
			}
		}
		return;
	}
	snprintf(buf, sizeof(buf), "%s: %s", tlsjudge_version_name(ps->version),
	    ps->server_order == 1 ? "server order" : "order unknown");
	textlist_add(&j->line, buf);
	if (ps->server_order != 1)
		return;
	/* The levels above each suite's own, in the server's order: a noted pair is looked for
	 * first and ends the check (internet.nl's test_cipher_order stops at
	 * sufficient_above_good, which its build_report passes), then a violation. */
	for (int pass = 0; pass < 2; pass++) {
		enum ncsc_order want = pass == 0 ? NCSC_ORDER_NOTED : NCSC_ORDER_VIOLATION;

		for (size_t i = 0; i < ps->nsuites; i++) {
			enum ncsc_level li = ncsc_cipher(c->g, ps->suites[i]);

			for (size_t k = i + 1; k < ps->nsuites; k++) {
				enum ncsc_level lk = ncsc_cipher(c->g, ps->suites[k]);

				if (ncsc_order(c->g, li, lk) != want)
					continue;
				snprintf(buf, sizeof(buf), "%s: %s (%s) preferred over %s (%s)",
				    tlsjudge_version_name(ps->version), suite_name(ps->suites[i],
				    hex, sizeof(hex)), ncsc_level_name(li),
				    suite_name(ps->suites[k], hex2, sizeof(hex2)),
				    ncsc_level_name(lk));
				order_hit(j, buf, pass == 0);
				return;
			}
		}
	}
}

void
tlsjudge_keyexchange(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;

	for (size_t i = 0; i < r->ngroups; i++) {
		const char *n = ncsc_group_name(r->groups[i]);
		char buf[40];

		if (n == NULL) {
			snprintf(buf, sizeof(buf), "group 0x%04x", (unsigned)r->groups[i]);
			n = buf;
		}
		tlsjudge_item(j, n, ncsc_group(c->g, r->groups[i]));
	}
	if (r->ffdh_bits > 0) {
		char buf[80];

		snprintf(buf, sizeof(buf), "DHE %u bits%s%s", r->ffdh_bits,
		    r->ffdh_group[0] != '\0' ? " " : "", r->ffdh_group);
		tlsjudge_item(j, buf, ncsc_ffdh_bits(c->g, r->ffdh_bits, r->ffdh_named));
	}
	if (j->line.len == 0) {
		/* internet.nl: no DH or ECDH parameters is result_no_dh_params, a pass (the
		 * ciphers test judges the static RSA key exchange) */
		textlist_add(&j->line, "no ECDHE or DHE key exchange: not applicable");
		j->st = PEIL__STATUS__PASSED;
	}
}

void
tlsjudge_kexhash(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;

	for (size_t i = 0; i < r->nsigschemes; i++) {
		const char *n = ncsc_sigscheme_name(r->sigschemes[i]);
		char buf[40];

		if (n == NULL) {
			snprintf(buf, sizeof(buf), "scheme 0x%04x", (unsigned)r->sigschemes[i]);
			n = buf;
		}
		tlsjudge_item(j, n, ncsc_sig_hash(c->g, r->sigschemes[i]));
	}
	if (r->nsigschemes == 0) {
		/* internet.nl's test_key_exchange_hash is good unless a handshake offering only
		 * weak hashes is signed with one: nothing signed is no weak hash (its "unknown"
		 * is never produced) */
		textlist_add(&j->line, only_tls13(r) ? "TLS 1.3 only: no TLS 1.2 key-exchange "
		    "signature" : "no TLS 1.2 key-exchange signature seen: no weak hash used");
		j->st = PEIL__STATUS__PASSED;
	}
	/* internet.nl: a weak hash is a notice (our warning), never a failure, for mail and
	 * web alike (MAIL_ and WEB_TLS_KEX_HASH_FUNC_WORST_STATUS, scoring.py ff96cd39) */
	if (j->st == PEIL__STATUS__FAILED)
		j->st = PEIL__STATUS__WARNING;
}

/* The judges that read the engine's enumeration (versions, suites, order, groups,
 * signatures): a run stopped early leaves part of their input unseen. */
static bool
judge_enumerates(tlsjudge_fn fn)
{
	return fn == tlsjudge_version || fn == tlsjudge_ciphers || fn == tlsjudge_cipherorder ||
	    fn == tlsjudge_keyexchange || fn == tlsjudge_kexhash;
}

void
tlsjudge_run(tlsjudge_fn fn, const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	char buf[224];

	fn(c, j);
	/* A fault seen is a fault however far the engine came; a pass from part of the input
	 * is no pass, nor is "could not be determined" when the engine stopped. */
	if (!c->rep->partial || j->st == PEIL__STATUS__FAILED)
		return;
	if (!judge_enumerates(fn) && j->st != PEIL__STATUS__NOT_TESTED)
		return;
	snprintf(buf, sizeof(buf), "incomplete: the TLS engine stopped before every step was "
	    "done (%.128s)", c->rep->partial_why);
	textlist_add(&j->line, buf);
	textlist_add(&j->bad, buf);
	j->st = PEIL__STATUS__ERROR;
}

/* A tri-state report field judged: 1 or 0 through the table, -1 unknown unless TLS 1.3 only. */
static void
j_tristate(struct addrjudge *j, const struct tls_report *r, int v, const char *yes,
    const char *no, enum ncsc_level lyes, enum ncsc_level lno)
{
	if (v == 1) {
		tlsjudge_item(j, yes, lyes);
	} else if (v == 0) {
		tlsjudge_item(j, no, lno);
	} else if (only_tls13(r)) {
		textlist_add(&j->line, "TLS 1.3 only: not applicable");
		j->st = PEIL__STATUS__PASSED;
	} else {
		textlist_add(&j->line, "could not be determined");
	}
}

void
tlsjudge_compress(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	j_tristate(j, c->rep, c->rep->compression, "TLS compression", "no TLS compression",
	    ncsc_compression(c->g, true), ncsc_compression(c->g, false));
}

void
tlsjudge_secreneg(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	j_tristate(j, c->rep, c->rep->secure_reneg, "secure renegotiation supported",
	    "secure renegotiation not supported", ncsc_secure_reneg(c->g, true),
	    ncsc_secure_reneg(c->g, false));
}

void
tlsjudge_clientreneg(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	j_tristate(j, c->rep, c->rep->client_reneg, "client-initiated renegotiation accepted",
	    "client-initiated renegotiation refused", ncsc_client_reneg(c->g, 1),
	    ncsc_client_reneg(c->g, 0));
	/* internet.nl (mail and web): accepted, with or without a limit, is info, never worse */
	if (c->rep->client_reneg == 1) {
		if (j->bad.len == 0)
			textlist_add(&j->bad, "client-initiated renegotiation accepted");
		j->st = PEIL__STATUS__INFO;
	}
}

/* True when the DER certificate is self-signed (a trust anchor: its signature and key are not
 * judged). */
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

/* One certificate's key judged: "certificate N: RSA 2048 bits" by the table. */
static void
key_item(const struct tlsjudge_ctx *c, struct addrjudge *j, size_t i, int type, unsigned bits,
    int curve)
{
	char buf[100];

	snprintf(buf, sizeof(buf), "certificate %zu: %s %u bits%s%s", i + 1,
	    type == EVP_PKEY_RSA ? "RSA" : type == EVP_PKEY_EC ? "EC" : type == EVP_PKEY_ED25519 ?
	    "Ed25519" : type == EVP_PKEY_ED448 ? "Ed448" : type == EVP_PKEY_DSA ? "DSA" : "key",
	    bits, curve != NID_undef ? " " : "", curve != NID_undef ? OBJ_nid2sn(curve) : "");
	tlsjudge_item(j, buf, ncsc_cert_key(c->g, type, bits, curve));
}

/* Every key of the chain but a self-signed root's, as internet.nl's check_pubkey ("all
 * provided certificates ... except root"): a weak intermediate key counts like the leaf's. */
void
tlsjudge_pubkey(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;

	if (r->nchain == 0) {
		textlist_add(&j->line, "no certificate");
		return;
	}
	key_item(c, j, 0, r->leaf_key_type, r->leaf_key_bits, r->leaf_curve_nid);
	for (size_t i = 1; i < r->nchain; i++) {
		const unsigned char *p = r->der[i];
		X509 *x;
		int type = 0, curve = NID_undef;
		unsigned bits = 0;

		if (der_self_signed(r->der[i], r->derlen[i])) {
			textlist_add(&j->line, "a self-signed root (its key is not judged)");
			continue;
		}
		/* the engine parsed it: an unparsable one would read as an unknown key, failed */
		if ((x = d2i_X509(NULL, &p, (long)r->derlen[i])) != NULL) {
			tls_cert_key(x, &type, &bits, &curve);
			X509_free(x);
		}
		key_item(c, j, i, type, bits, curve);
	}
}

void
tlsjudge_sig(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;

	if (r->nchain == 0) {
		textlist_add(&j->line, "no certificate");
		return;
	}
	for (size_t i = 0; i < r->nchain; i++) {
		char buf[100];
		int nid = r->chain_sig_nids[i];

		if (i > 0 && der_self_signed(r->der[i], r->derlen[i])) {
			textlist_add(&j->line, "a self-signed root (its signature is not judged)");
			continue;
		}
		snprintf(buf, sizeof(buf), "certificate %zu: %s", i + 1, nid != NID_undef ?
		    OBJ_nid2sn(nid) : "unknown");
		tlsjudge_item(j, buf, ncsc_cert_sig(c->g, nid));
	}
}

void
tlsjudge_chain(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;

	if (r->nchain == 0) {
		textlist_add(&j->line, "no certificate");
		j->st = PEIL__STATUS__FAILED;
		textlist_add(&j->bad, "no certificate");
		return;
	}
	textlist_add(&j->line, r->trusted ? "trusted" : r->trust_why);
	if (r->trusted) {
		j->st = PEIL__STATUS__PASSED;
		return;
	}
	textlist_add(&j->bad, r->trust_why);
	if (c->web) {
		/* internet.nl: for the web an untrusted chain fails (WEB_TLS_TRUSTED_WORST_STATUS) */
		j->st = PEIL__STATUS__FAILED;
		return;
	}
	/* internet.nl: for mail trust is info-level, DANE-TA or not (its DANE-TA rule is the
	 * name's); DANE itself is judged by mail_starttls_dane_valid */
	j->st = PEIL__STATUS__INFO;
	if (c->dane_ta)
		textlist_add(&j->bad, "DANE-TA is published");
}

void
tlsjudge_domain(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;

	if (r->nchain == 0) {
		textlist_add(&j->line, "no certificate");
		j->st = PEIL__STATUS__FAILED;
		return;
	}
	if (c->web)
		textlist_add(&j->line, r->name_ok ? "the certificate names the web host" :
		    "the certificate does not name the web host");
	else
		textlist_add(&j->line, r->name_ok ? "the certificate names the MX host" :
		    "the certificate does not name the MX host");
	if (r->name_ok) {
		j->st = PEIL__STATUS__PASSED;
		return;
	}
	/* internet.nl: a name mismatch fails the web; for mail it fails only where DANE-TA is
	 * published, else it is info */
	j->st = c->web || c->dane_ta ? PEIL__STATUS__FAILED : PEIL__STATUS__INFO;
	textlist_add(&j->bad, c->host);
}

/* True when the first line the server answered the early request with is an HTTP status
 * line of status 425 (Too Early). */
static bool
reply_too_early(const char *line)
{
	const char *sp;

	if (strncmp(line, "HTTP/", 5) != 0 || (sp = strchr(line, ' ')) == NULL)
		return false;
	return strncmp(sp + 1, "425", 3) == 0 && (sp[4] == '\0' || sp[4] == ' ');
}

static bool
offers_tls13(const struct tls_report *r)
{
	for (size_t i = 0; i < r->nversions; i++)
		if (r->versions[i] == TLS_V13)
			return true;
	return false;
}

void
tlsjudge_zerortt(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;
	char buf[160];

	if (r->early_data == 1) {
		if (reply_too_early(r->early_reply)) {
			snprintf(buf, sizeof(buf), "0-RTT early data accepted, but answered \"%.64s\" "
			    "(deferred, RFC 8470)", r->early_reply);
			textlist_add(&j->line, buf);
			j->st = PEIL__STATUS__PASSED;
			return;
		}
		snprintf(buf, sizeof(buf), "0-RTT early data accepted (answer: %.64s)",
		    r->early_reply[0] != '\0' ? r->early_reply : "none");
		tlsjudge_item(j, buf, ncsc_zero_rtt(c->g, true));
	} else if (r->early_data == 0) {
		tlsjudge_item(j, "0-RTT early data refused", ncsc_zero_rtt(c->g, false));
	} else if (!offers_tls13(r)) {
		/* internet.nl: no TLS 1.3, no 0-RTT (ZeroRttStatus.na is a success) */
		textlist_add(&j->line, "no TLS 1.3: not applicable");
		j->st = PEIL__STATUS__PASSED;
	} else {
		textlist_add(&j->line, "could not be determined");
	}
}

/* Whether the DER certificate names an OCSP responder (authorityInfoAccess); -1 unparsable. */
static int
der_ocsp_url(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	STACK_OF(OPENSSL_STRING) *urls;
	int has;

	if (x == NULL)
		return -1;
	urls = X509_get1_ocsp(x);
	has = urls != NULL && sk_OPENSSL_STRING_num(urls) > 0;
	X509_email_free(urls);
	X509_free(x);
	return has;
}

void
tlsjudge_ocsp(const struct tlsjudge_ctx *c, struct addrjudge *j)
{
	const struct tls_report *r = c->rep;
	char buf[200];

	if (r->nchain == 0) {
		textlist_add(&j->line, "no certificate");
		return;
	}
	if (der_ocsp_url(r->der[0], r->derlen[0]) == 0) {
		/* internet.nl: OcspStatus.not_in_cert is a success */
		textlist_add(&j->line, "the certificate names no OCSP responder: not applicable");
		j->st = PEIL__STATUS__PASSED;
		return;
	}
	if (r->ocsp_stapled == 0) {
		textlist_add(&j->line, "no OCSP response stapled");
		textlist_add(&j->bad, "no OCSP response stapled");
		j->st = PEIL__STATUS__INFO;
	} else if (r->ocsp_stapled == 1 && r->ocsp_valid == 1) {
		textlist_add(&j->line, "a valid OCSP response stapled");
		j->st = PEIL__STATUS__PASSED;
	} else if (r->ocsp_stapled == 1 && r->ocsp_valid == 0) {
		snprintf(buf, sizeof(buf), "the stapled OCSP response is not valid: %.128s",
		    r->ocsp_why);
		textlist_add(&j->line, buf);
		textlist_add(&j->bad, buf);
		j->st = PEIL__STATUS__WARNING;
	} else {
		textlist_add(&j->line, "could not be determined");
	}
}

int
tlsjudge_addrs(const struct dnsev *base, Peil__Result *r, const struct tlsjudge_each *e)
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
	dnsev_copy(&ev, base);
	for (size_t i = 0; i < e->n; i++) {
		char key[32], who[DNSANS_TEXT_LEN + 80];

		memset(j, 0, sizeof(*j));
		j->st = PEIL__STATUS__NOT_TESTED;
		if (!e->judge(e->arg, i, j))
			continue;
		if (j->line.len == 0 && j->st == PEIL__STATUS__NOT_TESTED)
			continue;
		e->who(e->arg, i, who, sizeof(who));
		snprintf(key, sizeof(key), "addr_%zu", i + 1);
		dnsev_add(&ev, key, "%s: %s", who, j->line.buf);
		if (j->bad.len > 0) {
			char one[MAX_EVIDENCE_VALUE_LEN];

			snprintf(one, sizeof(one), "%s: %.1000s", who, j->bad.buf);
			textlist_add(bad, one);
		}
		if (j->st != PEIL__STATUS__NOT_TESTED)
			judged++;
		tlsjudge_worse(&st, j->st);
	}
	if (judged == 0) {
		st = PEIL__STATUS__NOT_TESTED;
		if (asprintf(&reason, "%s: %s", e->what, e->none_why) < 0)
			reason = NULL;
	} else if (st != PEIL__STATUS__PASSED && bad->len > 0) {
		if (asprintf(&reason, "%s: %.3000s", e->what, bad->buf) < 0)
			reason = NULL;
	}
	rc = dnsev_apply(&ev, r, st, reason);
	if (rc == 0 && e->guideline != NULL)
		rc = result_set_guideline(r, e->guideline);
	free(reason);
	free(j);
	free(bad);
	dnsev_clear(&ev);
	return rc;
}
