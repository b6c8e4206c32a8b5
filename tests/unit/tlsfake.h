/* tlsfake.h: for the mail server modules' tests: a canned zone, canned TLS engine reports and
 * MTA-STS fetches, a run of every STARTTLS, DANE, MTA-STS and TLS-RPT test, and checks of their
 * statuses. Include after cmocka.h, the OpenSSL headers, probe.h, dnsfake.h and ncsc.h. */
#ifndef PEIL_TEST_TLSFAKE_H
#define PEIL_TEST_TLSFAKE_H

/* ---- a self-signed EC certificate for mx.d.test, and its 3 1 1 TLSA data ---- */

static uint8_t *cert_der;
static size_t cert_len;
static char tlsa_hex[65];

/* A certificate of key k named subject, issued by issuer (self-signed when they are the same),
 * signed with k, valid for a day; DER in *der. */
static void __attribute__((unused))
make_x509(EVP_PKEY *k, const char *subject, const char *issuer, uint8_t **der, size_t *len)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new(), *in = X509_NAME_new();
	unsigned char *d = NULL;
	int l;

	assert_non_null(k);
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)subject, -1,
	    -1, 0);
	X509_NAME_add_entry_by_txt(in, "CN", MBSTRING_ASC, (const unsigned char *)issuer, -1,
	    -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, in);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_true((l = i2d_X509(x, &d)) > 0);
	*der = d;
	*len = (size_t)l;
	X509_NAME_free(n);
	X509_NAME_free(in);
	X509_free(x);
}

static int __attribute__((unused))
make_cert(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	unsigned char *spki = NULL, md[32];
	int len;

	(void)state;
	make_x509(k, "mx.d.test", "mx.d.test", &cert_der, &cert_len);
	assert_true((len = i2d_PUBKEY(k, &spki)) > 0);
	SHA256(spki, (size_t)len, md);
	for (int i = 0; i < 32; i++)
		snprintf(tlsa_hex + 2 * i, 3, "%02x", md[i]);
	OPENSSL_free(spki);
	EVP_PKEY_free(k);
	return 0;
}

/* An RSA-1024 certificate named subject, issued by issuer: for chains with a weak key above
 * the leaf. */
static void __attribute__((unused))
make_rsa1024(const char *subject, const char *issuer, uint8_t **der, size_t *len)
{
	EVP_PKEY *k = EVP_RSA_gen(1024);

	make_x509(k, subject, issuer, der, len);
	EVP_PKEY_free(k);
}

static uint8_t *inter_der, *root_der;
static size_t inter_len, root_len;

static int __attribute__((unused))
make_certs_weak_chain(void **state)
{
	make_cert(state);
	make_rsa1024("weak intermediate", "weak root", &inter_der, &inter_len);
	make_rsa1024("weak root", "weak root", &root_der, &root_len);
	return 0;
}

static int __attribute__((unused))
free_cert(void **state)
{
	(void)state;
	OPENSSL_free(cert_der);
	OPENSSL_free(inter_der);
	OPENSSL_free(root_der);
	inter_der = root_der = NULL;
	return 0;
}

/* ---- canned engine reports ---- */

/* NO_SLOT: what probe_starttls returns when no connection slot for the address came in time
 * (the engine did not run). */
/* STATIC_RSA: TLS 1.2 with static RSA key exchange only (no ECDHE, DHE or signed key
 * exchange); STOPPED: GOOD's findings, but the engine stopped early (a deadline);
 * WEAK_CHAIN: GOOD's, with an RSA-1024 intermediate and an RSA-1024 self-signed root sent
 * after the leaf (make_certs_weak_chain). */
/* PHASE_ORDER: TLS 1.2 in the server's order, a phase-out suite (AES-CBC-SHA256) before a
 * sufficient one; CLIENT_PHASE: the same two suites in the client's order. */
enum kind { GOOD, LEGACY, NO_STARTTLS, SILENT, WEAK_ORDER, CLIENT_ORDER, RENEG, NO_SIG, NO_SLOT,
	STATIC_RSA, STOPPED, WEAK_CHAIN, PHASE_ORDER, CLIENT_PHASE };

struct canned_tls {
	const char *addr;        /* which address gets this report */
	enum kind kind;
};

struct tlsfake {
	const struct canned_tls *c;
	size_t n;
	unsigned calls;
	const char *policy;      /* the MTA-STS policy body served, or NULL: a 404 */
	const char *ctype;
	uint64_t *clk;           /* the source's clock, one tick a reading (NULL: always 0) */
};

static void __attribute__((unused))
report(enum kind k, struct tls_report *r, struct smtp_session *s)
{
	memset(r, 0, sizeof(*r));
	memset(s, 0, sizeof(*s));
	r->secure_reneg = r->client_reneg = r->ems = r->compression = -1;
	r->early_data = r->ocsp_stapled = r->ocsp_valid = -1;
	if (k == SILENT) {
		snprintf(r->why, sizeof(r->why), "connect: no answer within 10000 ms");
		return;
	}
	s->banner_code = 220;
	snprintf(s->banner, sizeof(s->banner), "mx.d.test ESMTP");
	if (k == NO_STARTTLS) {
		snprintf(r->why, sizeof(r->why), "STARTTLS not offered");
		return;
	}
	r->available = true;
	r->handshakes = 20;
	r->nversions = 2;
	r->versions[0] = TLS_V13;
	r->versions[1] = k == LEGACY ? TLS_V10 : TLS_V12;
	r->nper = 2;
	r->per_version[0].version = TLS_V13;
	r->per_version[0].nsuites = 2;
	r->per_version[0].suites[0] = 0x1302;   /* TLS_AES_256_GCM_SHA384 */
	r->per_version[0].suites[1] = 0x1301;
	r->per_version[0].server_order = 1;
	r->per_version[1].version = r->versions[1];
	r->per_version[1].nsuites = 2;
	if (k == WEAK_ORDER) {
		r->per_version[1].suites[0] = 0xc013;   /* ECDHE_RSA_WITH_AES_128_CBC_SHA */
		r->per_version[1].suites[1] = 0xc02f;   /* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
		r->per_version[1].server_order = 1;
	} else if (k == PHASE_ORDER || k == CLIENT_PHASE) {
		r->per_version[1].suites[0] = 0xc027;   /* ECDHE_RSA_WITH_AES_128_CBC_SHA256 */
		r->per_version[1].suites[1] = 0xc02f;   /* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
		r->per_version[1].server_order = k == PHASE_ORDER ? 1 : 0;
	} else if (k == CLIENT_ORDER) {
		r->per_version[1].suites[0] = 0xc030;   /* ECDHE_RSA_WITH_AES_256_GCM_SHA384 */
		r->per_version[1].suites[1] = 0xc013;
		r->per_version[1].server_order = 0;
	} else {
		r->per_version[1].suites[0] = 0xc030;   /* ECDHE_RSA_WITH_AES_256_GCM_SHA384 */
		r->per_version[1].suites[1] = k == LEGACY ? 0x000a : 0xc02f;
		r->per_version[1].server_order = k == LEGACY ? 0 : 1;
	}
	r->ngroups = 1;
	r->groups[0] = 0x001d;                  /* x25519 */
	r->nsigschemes = 1;
	r->sigschemes[0] = k == LEGACY ? 0x0201 : 0x0804;   /* rsa_pkcs1_sha1 : rsa_pss_rsae_sha256 */
	r->compression = 0;
	r->secure_reneg = 1;
	r->client_reneg = k == RENEG ? 1 : 0;
	r->ems = 1;
	if (k == NO_SIG)
		r->nsigschemes = 0;
	if (k == STATIC_RSA) {
		r->per_version[1].suites[0] = 0x009d;   /* RSA_WITH_AES_256_GCM_SHA384 */
		r->per_version[1].suites[1] = 0x009c;   /* RSA_WITH_AES_128_GCM_SHA256 */
		r->ngroups = 0;                         /* TLS 1.3's are not asked here */
		r->nsigschemes = 0;
	}
	if (k == STOPPED) {
		r->partial = true;
		snprintf(r->partial_why, sizeof(r->partial_why), "deadline reached");
		r->compression = -1;
		r->client_reneg = -1;
	}
	r->nchain = 1;
	r->der[0] = malloc(cert_len);
	memcpy(r->der[0], cert_der, cert_len);
	r->derlen[0] = cert_len;
	if (k == WEAK_CHAIN && inter_der != NULL && root_der != NULL) {
		r->nchain = 3;
		r->der[1] = malloc(inter_len);
		memcpy(r->der[1], inter_der, inter_len);
		r->derlen[1] = inter_len;
		r->der[2] = malloc(root_len);
		memcpy(r->der[2], root_der, root_len);
		r->derlen[2] = root_len;
		r->chain_sig_nids[1] = r->chain_sig_nids[2] = NID_sha256WithRSAEncryption;
	}
	r->leaf_key_type = EVP_PKEY_EC;
	r->leaf_key_bits = 256;
	r->leaf_curve_nid = NID_X9_62_prime256v1;
	r->chain_sig_nids[0] = NID_ecdsa_with_SHA256;
	r->trusted = k != LEGACY;
	snprintf(r->trust_why, sizeof(r->trust_why), "%s", r->trusted ? "ok" :
	    "self-signed certificate (depth 0)");
	r->name_ok = true;
}

static int __attribute__((unused))
fake_starttls(void *arg, const char *host, const char *addr, uint64_t deadline_ms,
    struct tls_report *rep, struct smtp_session *s)
{
	struct zonefake *z = arg;
	struct tlsfake *t = z->user;
	enum kind k = GOOD;

	(void)host;
	(void)deadline_ms;
	__atomic_add_fetch(&t->calls, 1, __ATOMIC_RELAXED);
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->c[i].addr, addr) == 0)
			k = t->c[i].kind;
	if (k == NO_SLOT) {
		memset(rep, 0, sizeof(*rep));
		memset(s, 0, sizeof(*s));
		snprintf(rep->why, sizeof(rep->why), "no free connection slot for %s within the "
		    "time budget (2 per address at once)", addr);
		return PEIL_ETIMEDOUT;
	}
	report(k, rep, s);
	return 0;
}

static uint64_t __attribute__((unused))
fake_mail_now(void *arg)
{
	struct zonefake *z = arg;
	struct tlsfake *t = z->user;

	return t->clk == NULL ? 0 : __atomic_fetch_add(t->clk, 1, __ATOMIC_RELAXED);
}

static int __attribute__((unused))
fake_fetch(void *arg, const char *domain, const char *addr, uint64_t deadline_ms,
    struct policy_fetch *out)
{
	struct zonefake *z = arg;
	struct tlsfake *t = z->user;

	(void)domain;
	(void)addr;
	(void)deadline_ms;
	if (t->policy == NULL) {
		out->rc = PEIL_EIO;
		out->http_code = 404;
		snprintf(out->why, sizeof(out->why), "HTTP 404");
		return 0;
	}
	out->rc = 0;
	out->http_code = 200;
	snprintf(out->content_type, sizeof(out->content_type), "%s",
	    t->ctype != NULL ? t->ctype : "text/plain");
	out->len = strlen(t->policy);
	memcpy(out->body, t->policy, out->len);
	return 0;
}

static const int all_ids[] = {
	TEST_MAIL_STARTTLS_TLS_AVAILABLE, TEST_MAIL_STARTTLS_TLS_VERSION, TEST_MAIL_STARTTLS_TLS_CIPHERS,
	TEST_MAIL_STARTTLS_TLS_CIPHERORDER, TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE,
	TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH, TEST_MAIL_STARTTLS_TLS_COMPRESS,
	TEST_MAIL_STARTTLS_TLS_SECRENEG, TEST_MAIL_STARTTLS_TLS_CLIENTRENEG,
	TEST_MAIL_STARTTLS_CERT_CHAIN, TEST_MAIL_STARTTLS_CERT_PUBKEY,
	TEST_MAIL_STARTTLS_CERT_SIG, TEST_MAIL_STARTTLS_CERT_DOMAIN,
	TEST_MAIL_STARTTLS_DANE_EXIST, TEST_MAIL_STARTTLS_DANE_VALID,
	TEST_MAIL_STARTTLS_DANE_ROLLOVER, TEST_MAIL_MTASTS, TEST_MAIL_TLSRPT,
};
#define NIDS (sizeof(all_ids) / sizeof(all_ids[0]))

/* Every test of all_ids run with the run's deadline (on the fake clock). */
static void __attribute__((unused))
run_tls_by(struct zonefake *z, const char *guideline, uint64_t deadline,
    Peil__Result *res[TEST_COUNT])
{
	struct dnswork_source src = { .lookup = zf_lookup, .now_ms = fake_mail_now, .arg = z,
	    .prefetch = zf_prefetch, .validating = true, .ipv4 = true, .ipv6 = true,
	    .reach = zf_reach,
	    .tls_guideline = guideline, .starttls = fake_starttls, .fetch = fake_fetch };

	for (int i = 0; i < TEST_COUNT; i++)
		res[i] = NULL;
	for (size_t i = 0; i < NIDS; i++)
		assert_non_null(res[all_ids[i]] = result_new("d.test",
		    catalogue_get(all_ids[i])->id, PEIL__STATUS__STATUS_UNSPECIFIED, "test"));
	assert_int_equal(probe_run(&src, "d.test", deadline, res), 0);
	for (size_t i = 0; i < NIDS; i++)
		assert_int_equal(result_check(res[all_ids[i]]), 0);
}

static void __attribute__((unused))
run_tls(struct zonefake *z, const char *guideline, Peil__Result *res[TEST_COUNT])
{
	run_tls_by(z, guideline, UINT64_MAX, res);
}

static const char * __attribute__((unused))
ev(const Peil__Result *r, const char *key)
{
	for (size_t i = 0; r != NULL && i < r->n_evidence; i++)
		if (strcmp(r->evidence[i]->key, key) == 0)
			return r->evidence[i]->value;
	return NULL;
}

/* The statuses of all_ids as letters (P F W I N E), then the reason of `which` holding
 * `reason` when given. */
static void __attribute__((unused))
expect_all(Peil__Result *res[TEST_COUNT], const char *want)
{
	static const char letters[] = "?PFWINE";
	bool bad = false;

	assert_int_equal(strlen(want), NIDS);
	for (size_t i = 0; i < NIDS; i++) {
		const Peil__Result *r = res[all_ids[i]];

		if (letters[r->status] != want[i]) {
			fprintf(stderr, "%s: want %c, got %c\n", r->test_id, want[i],
			    letters[r->status]);
			for (size_t k = 0; k < r->n_evidence; k++)
				fprintf(stderr, "    %s = %s\n", r->evidence[k]->key,
				    r->evidence[k]->value);
			bad = true;
		}
	}
	assert_false(bad);
}

static void __attribute__((unused))
has_reason(const Peil__Result *r, const char *part)
{
	const char *got = ev(r, "reason");

	if (got == NULL || strstr(got, part) == NULL)
		fail_msg("%s: reason '%s' lacks '%s'", r->test_id, got ? got : "(none)", part);
}

static void __attribute__((unused))
free_results(Peil__Result *res[TEST_COUNT])
{
	for (int i = 0; i < TEST_COUNT; i++)
		result_free(res[i]);
}

#define ZONE_BASE \
	"d.test. SOA ns.test. h.test. 1 2 3 4 5\n" \
	"d.test. MX 10 mx.d.test.\n" \
	"mx.d.test. A 192.0.2.25\n" \
	"mx.d.test. AAAA 2001:db8::25\n"

#endif
