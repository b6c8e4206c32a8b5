/* test_probe_tls.c: the STARTTLS, DANE, MTA-STS and TLS-RPT verdicts from a canned zone and
 * canned TLS engine reports (the engine itself: test_tls.c; the lab: real Postfix). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "catalogue.h"
#include "probe.h"

#include "dnsfake.h"
#include "ncsc.h"

/* ---- a self-signed EC certificate for mx.d.test, and its 3 1 1 TLSA data ---- */

static uint8_t *cert_der;
static size_t cert_len;
static char tlsa_hex[65];

static int
make_cert(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n;
	unsigned char *spki = NULL, md[32], *der = NULL;
	int len;

	(void)state;
	assert_non_null(k);
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"mx.d.test", -1,
	    -1, 0);
	X509_set_issuer_name(x, n);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_true((len = i2d_X509(x, &der)) > 0);
	cert_der = der;
	cert_len = (size_t)len;
	assert_true((len = i2d_PUBKEY(k, &spki)) > 0);
	SHA256(spki, (size_t)len, md);
	for (int i = 0; i < 32; i++)
		snprintf(tlsa_hex + 2 * i, 3, "%02x", md[i]);
	OPENSSL_free(spki);
	X509_free(x);
	EVP_PKEY_free(k);
	return 0;
}

static int
free_cert(void **state)
{
	(void)state;
	OPENSSL_free(cert_der);
	return 0;
}

/* ---- canned engine reports ---- */

enum kind { GOOD, LEGACY, NO_STARTTLS, SILENT, WEAK_ORDER };

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
};

static void
report(enum kind k, struct tls_report *r, struct smtp_session *s)
{
	memset(r, 0, sizeof(*r));
	memset(s, 0, sizeof(*s));
	r->secure_reneg = r->client_reneg = r->ems = r->compression = -1;
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
	r->client_reneg = 0;
	r->ems = 1;
	r->nchain = 1;
	r->der[0] = malloc(cert_len);
	memcpy(r->der[0], cert_der, cert_len);
	r->derlen[0] = cert_len;
	r->leaf_key_type = EVP_PKEY_EC;
	r->leaf_key_bits = 256;
	r->leaf_curve_nid = NID_X9_62_prime256v1;
	r->chain_sig_nids[0] = NID_ecdsa_with_SHA256;
	r->trusted = k != LEGACY;
	snprintf(r->trust_why, sizeof(r->trust_why), "%s", r->trusted ? "ok" :
	    "self-signed certificate (depth 0)");
	r->name_ok = true;
}

static int
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
	report(k, rep, s);
	return 0;
}

static int
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

static void
run_tls(struct zonefake *z, const char *guideline, Peil__Result *res[TEST_COUNT])
{
	struct dnswork_source src = { .lookup = zf_lookup, .now_ms = zf_now, .arg = z,
	    .validating = true, .ipv4 = true, .ipv6 = true, .reach = zf_reach,
	    .tls_guideline = guideline, .starttls = fake_starttls, .fetch = fake_fetch };

	for (int i = 0; i < TEST_COUNT; i++)
		res[i] = NULL;
	for (size_t i = 0; i < NIDS; i++)
		assert_non_null(res[all_ids[i]] = result_new("d.test",
		    catalogue_get(all_ids[i])->id, PEIL__STATUS__STATUS_UNSPECIFIED, "test"));
	assert_int_equal(probe_run(&src, "d.test", UINT64_MAX, res), 0);
	for (size_t i = 0; i < NIDS; i++)
		assert_int_equal(result_check(res[all_ids[i]]), 0);
}

static const char *
ev(const Peil__Result *r, const char *key)
{
	for (size_t i = 0; r != NULL && i < r->n_evidence; i++)
		if (strcmp(r->evidence[i]->key, key) == 0)
			return r->evidence[i]->value;
	return NULL;
}

/* The statuses of all_ids as letters (P F W I N E), then the reason of `which` holding
 * `reason` when given. */
static void
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

static void
has_reason(const Peil__Result *r, const char *part)
{
	const char *got = ev(r, "reason");

	if (got == NULL || strstr(got, part) == NULL)
		fail_msg("%s: reason '%s' lacks '%s'", r->test_id, got ? got : "(none)", part);
}

static void
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

/*                       avail vers ciph ord kex hash comp sec cli chain key sig dom dexist dvalid droll sts rpt */
static void
test_good_server(void **state)
{
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPFNNFF");
	assert_int_equal(t.calls, 2);        /* both addresses */
	assert_string_equal(res[TEST_MAIL_STARTTLS_TLS_VERSION]->guideline, "ncsc-tls-2025-05");
	has_reason(res[TEST_MAIL_STARTTLS_DANE_EXIST], "mx.d.test");
	has_reason(res[TEST_MAIL_MTASTS], "no MTA-STS record");
	has_reason(res[TEST_MAIL_TLSRPT], "no TLS-RPT record");
	free_results(res);
}

static void
test_legacy_and_guidelines(void **state)
{
	static const struct canned_tls c[] = { { "192.0.2.25", LEGACY } };
	struct tlsfake t = { .c = c, .n = 1 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	/* TLS 1.0 and 3DES are insufficient in 2025-05; SHA-1 too; the order among levels is the
	 * client's; trust is info-level without DANE-TA. */
	expect_all(res, "PFFFPFPPPIPPPFNNFF");
	has_reason(res[TEST_MAIL_STARTTLS_TLS_VERSION], "mx.d.test [192.0.2.25]: TLS 1.0 (insufficient)");
	has_reason(res[TEST_MAIL_STARTTLS_TLS_CIPHERS], "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	has_reason(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER], "follows the client's order");
	free_results(res);

	/* Under 2.1, TLS 1.0 is phase-out: a warning. */
	run_tls(&z, "ncsc-tls-2.1", res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_VERSION]->status, PEIL__STATUS__WARNING);
	assert_string_equal(res[TEST_MAIL_STARTTLS_TLS_VERSION]->guideline, "ncsc-tls-2.1");
	free_results(res);
}

static void
test_availability(void **state)
{
	static const struct canned_tls nostls[] = { { "2001:db8::25", NO_STARTTLS } };
	static const struct canned_tls silent[] = { { "2001:db8::25", SILENT } };
	struct tlsfake t = { .c = nostls, .n = 1 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE], "no TLS on 1 of 2 mail server address(es): "
	    "mx.d.test [2001:db8::25]");
	/* the other address is still judged */
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_VERSION]->status, PEIL__STATUS__PASSED);
	free_results(res);

	t.c = silent;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE]->status, PEIL__STATUS__ERROR);
	free_results(res);
}

static void
test_cipher_order(void **state)
{
	static const struct canned_tls c[] = { { "192.0.2.25", WEAK_ORDER },
	    { "2001:db8::25", WEAK_ORDER } };
	struct tlsfake t = { .c = c, .n = 2 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER], "preferred over");
	free_results(res);
}

static void
test_dane(void **state)
{
	char zone[2048];
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* a matching DANE-EE record: exist and valid pass; one record: no rollover */
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 3 1 1 %s\n", tlsa_hex);
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPPPFFF");
	free_results(res);

	/* two DANE-EE records, one of them matching: rollover passes */
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 3 1 1 %s\n"
	    "_25._tcp.mx.d.test. TLSA 3 1 1 %064d\n", tlsa_hex, 1);
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPPPPFF");
	free_results(res);

	/* a wrong record: valid fails */
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 3 1 1 %064d\n", 7);
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_VALID]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_DANE_VALID], "mx.d.test [192.0.2.25]");
	free_results(res);

	/* the record in an unsigned zone: no DANE */
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 3 1 1 %s\n", tlsa_hex);
	z.insecure = "mx.d.test";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__FAILED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_VALID]->status, PEIL__STATUS__NOT_TESTED);
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"), "insecure"));
	free_results(res);

	/* bogus */
	z.insecure = NULL;
	z.bogus = "_25._tcp.mx.d.test";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__FAILED);
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"), "bogus"));
	free_results(res);
}

static void
test_mtasts_tlsrpt(void **state)
{
	static const char zone[] = ZONE_BASE
	    "_mta-sts.d.test. TXT \"v=STSv1; id=20261129\"\n"
	    "mta-sts.d.test. A 192.0.2.80\n"
	    "_smtp._tls.d.test. TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@d.test\"\n";
	struct tlsfake t = { .policy = "version: STSv1\nmode: enforce\nmx: mx.d.test\n"
	    "max_age: 604800\n" };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_MTASTS]->status, PEIL__STATUS__PASSED);
	assert_int_equal(res[TEST_MAIL_TLSRPT]->status, PEIL__STATUS__PASSED);
	assert_string_equal(ev(res[TEST_MAIL_TLSRPT], "rua"), "mailto:tlsrpt@d.test");
	free_results(res);

	t.policy = "version: STSv1\nmode: testing\nmx: *.d.test\nmax_age: 604800\n";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_MTASTS]->status, PEIL__STATUS__WARNING);
	free_results(res);

	t.policy = "version: STSv1\nmode: enforce\nmx: mail.d.test\nmax_age: 604800\n";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_MTASTS]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_MTASTS], "do not cover: mx.d.test");
	free_results(res);

	t.policy = "version: STSv1\nmode: enforce\nmx: mx.d.test\nmax_age: 604800\n";
	t.ctype = "text/html";
	run_tls(&z, NULL, res);
	has_reason(res[TEST_MAIL_MTASTS], "not text/plain");
	free_results(res);

	t.ctype = NULL;
	t.policy = NULL;
	run_tls(&z, NULL, res);
	has_reason(res[TEST_MAIL_MTASTS], "could not be fetched");
	free_results(res);

	t.policy = "version: STSv1\nmode: sometimes\nmx: mx.d.test\nmax_age: 604800\n";
	run_tls(&z, NULL, res);
	has_reason(res[TEST_MAIL_MTASTS], "the policy is invalid");
	free_results(res);
}

/* Two v=STSv1 records (RFC 8461 3.1: no policy) and two v=TLSRPTv1 records (RFC 8460 3: no
 * reporting): both tests failed with the reason; the run itself succeeds (a status, not an
 * error: "several" once read as PEIL_ENOMEM and the domain was never kept). */
static void
test_two_records(void **state)
{
	static const char zone[] = ZONE_BASE
	    "_mta-sts.d.test. TXT \"v=STSv1; id=20261129\"\n"
	    "_mta-sts.d.test. TXT \"v=STSv1; id=20261130\"\n"
	    "mta-sts.d.test. A 192.0.2.80\n"
	    "_smtp._tls.d.test. TXT \"v=TLSRPTv1; rua=mailto:a@d.test\"\n"
	    "_smtp._tls.d.test. TXT \"v=TLSRPTv1; rua=mailto:b@d.test\"\n";
	struct tlsfake t = { .policy = "version: STSv1\nmode: enforce\nmx: mx.d.test\n"
	    "max_age: 604800\n" };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPFNNFF");
	has_reason(res[TEST_MAIL_MTASTS], "several MTA-STS records");
	has_reason(res[TEST_MAIL_TLSRPT], "several TLS-RPT records");
	free_results(res);
}

/* The MX host's address lookup fails (SERVFAIL: a CNAME loop, a broken zone): DANE starts
 * from the address resolution (RFC 7672 2.2.1-2.2.2), so dane_exist is an error with the
 * reason, not "no TLSA record". */
static void
test_dane_address_fails(void **state)
{
	static const char zone[] = "d.test. SOA ns.test. h.test. 1 2 3 4 5\n"
	    "d.test. MX 10 mx.d.test.\n";
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t, .servfail = "mx.d.test" };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__ERROR);
	has_reason(res[TEST_MAIL_STARTTLS_DANE_EXIST], "address lookup failed");
	has_reason(res[TEST_MAIL_STARTTLS_DANE_EXIST], "SERVFAIL");
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_ROLLOVER]->status, PEIL__STATUS__NOT_TESTED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_VALID]->status, PEIL__STATUS__ERROR);
	assert_int_equal(t.calls, 0);
	free_results(res);

	/* one family resolves: DANE is decided from the TLSA set as before */
	z.zone = ZONE_BASE;
	z.servfail = NULL;
	z.timeout = NULL;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_DANE_EXIST], "no DNSSEC-secure TLSA record");
	free_results(res);
}

/* The MX host is a CNAME (RFC 7672 2.2.2): after a secure expansion TLSA is looked up at the
 * expanded name first, then at the host's own; after an insecure one at the host's only. */
static void
test_dane_cname(void **state)
{
	char zone[2048];
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* TLSA at the expanded name: used */
	snprintf(zone, sizeof(zone), "d.test. SOA ns.test. h.test. 1 2 3 4 5\n"
	    "d.test. MX 10 mx.d.test.\n"
	    "mx.d.test. CNAME mail.e.test.\n"
	    "mail.e.test. A 192.0.2.25\n"
	    "mail.e.test. AAAA 2001:db8::25\n"
	    "_25._tcp.mail.e.test. TLSA 3 1 1 %s\n", tlsa_hex);
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPPPFFF");
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"),
	    "_25._tcp.mail.e.test"));
	assert_int_equal(t.calls, 2);
	free_results(res);

	/* TLSA at the host's own name only: the expanded name has none, the original is used */
	snprintf(zone, sizeof(zone), "d.test. SOA ns.test. h.test. 1 2 3 4 5\n"
	    "d.test. MX 10 mx.d.test.\n"
	    "mx.d.test. CNAME mail.e.test.\n"
	    "mail.e.test. A 192.0.2.25\n"
	    "_25._tcp.mx.d.test. TLSA 3 1 1 %s\n", tlsa_hex);
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__PASSED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_VALID]->status, PEIL__STATUS__PASSED);
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"),
	    "_25._tcp.mx.d.test: 1 TLSA"));
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"),
	    "_25._tcp.mail.e.test: no TLSA record"));
	free_results(res);

	/* an insecure expansion: the expanded name's TLSA is not looked at */
	snprintf(zone, sizeof(zone), "d.test. SOA ns.test. h.test. 1 2 3 4 5\n"
	    "d.test. MX 10 mx.d.test.\n"
	    "mx.d.test. CNAME mail.e.test.\n"
	    "mail.e.test. A 192.0.2.25\n"
	    "_25._tcp.mail.e.test. TLSA 3 1 1 %s\n", tlsa_hex);
	z.insecure = "mx.d.test";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__FAILED);
	assert_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"), "mail.e.test"));
	free_results(res);
}

/* An MX with 50 addresses: MAX_STARTTLS_ADDRS of them are tried, and the evidence says so. */
static void
test_many_addresses(void **state)
{
	char zone[8192];
	size_t len;
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	len = (size_t)snprintf(zone, sizeof(zone), "d.test. MX 10 mx.d.test.\n");
	for (int i = 1; i <= 50; i++)
		len += (size_t)snprintf(zone + len, sizeof(zone) - len, "mx.d.test. A 192.0.2.%d\n",
		    i);
	run_tls(&z, NULL, res);
	assert_int_equal(t.calls, MAX_STARTTLS_ADDRS);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE]->status, PEIL__STATUS__PASSED);
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE], "addr_cut"),
	    "mx.d.test has 50 addresses; the first 8 tested"));
	free_results(res);
}

static void
test_null_mx(void **state)
{
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = "d.test. MX 0 .", .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	expect_all(res, "NNNNNNNNNNNNNNNNNN");
	has_reason(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE], "null MX");
	assert_int_equal(t.calls, 0);
	free_results(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_server),
		cmocka_unit_test(test_legacy_and_guidelines),
		cmocka_unit_test(test_availability),
		cmocka_unit_test(test_cipher_order),
		cmocka_unit_test(test_dane),
		cmocka_unit_test(test_mtasts_tlsrpt),
		cmocka_unit_test(test_two_records),
		cmocka_unit_test(test_dane_address_fails),
		cmocka_unit_test(test_dane_cname),
		cmocka_unit_test(test_many_addresses),
		cmocka_unit_test(test_null_mx),
	};

	return cmocka_run_group_tests(tests, make_cert, free_cert);
}
