/* test_probe_webtls.c: the web TLS, certificate, DANE-on-443 and CAA verdicts from a canned
 * zone and canned TLS engine reports per address (the engine itself: test_tls.c). Every
 * expected status is internet.nl's rule for the web (checks/categories.py, scoring.py,
 * tasks/tls/scans.py and evaluation.py at d3eb5fa8; docs/parity.md), written before the run. */
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
#include <openssl/x509v3.h>

#include "catalogue.h"
#include "probe.h"

#include "dnsfake.h"
#include "ncsc.h"
#include "tlsfake.h"

/* ---- a second certificate: the leaf names an OCSP responder (authorityInfoAccess) ---- */

static uint8_t *ocsp_der;
static size_t ocsp_len;
static char ocsp_tlsa_hex[65];  /* 3 1 1 / 1 1 1 data of its key */

static int
make_certs(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_EXTENSION *ext;
	X509_NAME *n;
	unsigned char *der = NULL, *spki = NULL, md[32];
	int len;

	make_cert(state);
	assert_non_null(k);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 2);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"d.test", -1,
	    -1, 0);
	X509_set_issuer_name(x, n);
	assert_non_null(ext = X509V3_EXT_conf_nid(NULL, NULL, NID_info_access,
	    "OCSP;URI:http://ocsp.test/"));
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_true((len = i2d_X509(x, &der)) > 0);
	ocsp_der = der;
	ocsp_len = (size_t)len;
	assert_true((len = i2d_PUBKEY(k, &spki)) > 0);
	SHA256(spki, (size_t)len, md);
	for (int i = 0; i < 32; i++)
		snprintf(ocsp_tlsa_hex + 2 * i, 3, "%02x", md[i]);
	OPENSSL_free(spki);
	X509_free(x);
	EVP_PKEY_free(k);
	return 0;
}

static int
free_certs(void **state)
{
	OPENSSL_free(ocsp_der);
	return free_cert(state);
}

/* ---- canned web TLS reports ---- */

enum wkind {
	W_GOOD,         /* TLS 1.3 + 1.2, good suites, trusted, named, 0-RTT refused, valid staple */
	W_LEGACY,       /* TLS 1.0 and 3DES, SHA-1 key-exchange signature, client's order */
	W_UNTRUSTED,    /* the chain does not verify */
	W_NONAME,       /* the leaf does not name the host */
	W_0RTT,         /* early data accepted, answered 200 */
	W_0RTT_425,     /* early data accepted, answered 425 Too Early */
	W_NO13,         /* TLS 1.2 only: 0-RTT not tried */
	W_OCSP_NONE,    /* nothing stapled */
	W_OCSP_BAD,     /* an invalid staple */
	W_OCSP_NOURL,   /* the leaf names no OCSP responder, nothing stapled */
	W_NOTLS,        /* no TLS on 443 */
	W_RENEG,        /* client-initiated renegotiation accepted */
	W_NOSIG,        /* no TLS 1.2 key-exchange signature seen */
	W_NOSLOT,       /* the engine found no connection slot in time: did not run */
};

struct canned_web {
	const char *addr;
	enum wkind kind;
};

struct webfake {
	const struct canned_web *c;
	size_t n;
	unsigned calls;
	uint64_t *clk;          /* the source's clock (NULL: always 0) */
	unsigned jump_after;    /* after this many lookups the clock jumps to jump_to */
	uint64_t jump_to;
	unsigned caa_lookups;
	const char *caa_fail;   /* names whose CAA lookup fails (SERVFAIL) */
};

static void
wreport(enum wkind k, struct tls_report *r)
{
	memset(r, 0, sizeof(*r));
	r->secure_reneg = r->client_reneg = r->ems = r->compression = -1;
	r->early_data = r->ocsp_stapled = r->ocsp_valid = -1;
	if (k == W_NOTLS) {
		snprintf(r->why, sizeof(r->why), "connect: connection refused");
		return;
	}
	r->available = true;
	r->handshakes = 20;
	r->flights = 15;
	r->hello_stops = 9;
	r->nversions = 2;
	r->versions[0] = TLS_V13;
	r->versions[1] = k == W_LEGACY ? TLS_V10 : TLS_V12;
	r->nper = 2;
	r->per_version[0].version = TLS_V13;
	r->per_version[0].nsuites = 2;
	r->per_version[0].suites[0] = 0x1302;
	r->per_version[0].suites[1] = 0x1301;
	r->per_version[0].server_order = 1;
	r->per_version[1].version = r->versions[1];
	r->per_version[1].nsuites = 2;
	r->per_version[1].suites[0] = 0xc030;
	r->per_version[1].suites[1] = k == W_LEGACY ? 0x000a : 0xc02f;
	r->per_version[1].server_order = k == W_LEGACY ? 0 : 1;
	if (k == W_NO13) {
		r->nversions = 1;
		r->versions[0] = TLS_V12;
		r->nper = 1;
		r->per_version[0] = r->per_version[1];
	}
	r->ngroups = 1;
	r->groups[0] = 0x001d;
	r->nsigschemes = k == W_NOSIG ? 0 : 1;
	r->sigschemes[0] = k == W_LEGACY ? 0x0201 : 0x0804;
	r->compression = 0;
	r->secure_reneg = 1;
	r->client_reneg = k == W_RENEG ? 1 : 0;
	r->ems = 1;
	r->early_data = k == W_NO13 ? -1 : k == W_0RTT || k == W_0RTT_425 ? 1 : 0;
	snprintf(r->early_reply, sizeof(r->early_reply), "%s", k == W_0RTT ? "HTTP/1.1 200 OK" :
	    k == W_0RTT_425 ? "HTTP/1.1 425 Too Early" : "");
	r->ocsp_stapled = k == W_OCSP_NONE || k == W_OCSP_NOURL ? 0 : 1;
	r->ocsp_valid = k == W_OCSP_BAD ? 0 : k == W_OCSP_NONE || k == W_OCSP_NOURL ? -1 : 1;
	snprintf(r->ocsp_why, sizeof(r->ocsp_why), "%s", k == W_OCSP_BAD ?
	    "the response has expired" : "good");
	r->nchain = 1;
	if (k == W_OCSP_NOURL) {
		r->der[0] = malloc(cert_len);
		memcpy(r->der[0], cert_der, cert_len);
		r->derlen[0] = cert_len;
	} else {
		r->der[0] = malloc(ocsp_len);
		memcpy(r->der[0], ocsp_der, ocsp_len);
		r->derlen[0] = ocsp_len;
	}
	r->leaf_key_type = EVP_PKEY_EC;
	r->leaf_key_bits = 256;
	r->leaf_curve_nid = NID_X9_62_prime256v1;
	r->chain_sig_nids[0] = NID_ecdsa_with_SHA256;
	r->trusted = k != W_UNTRUSTED && k != W_LEGACY;
	snprintf(r->trust_why, sizeof(r->trust_why), "%s", r->trusted ? "ok" :
	    "self-signed certificate (depth 0)");
	r->name_ok = k != W_NONAME;
}

static int
fake_web_tls(void *arg, const char *host, const char *addr, uint64_t deadline_ms,
    struct tls_report *rep)
{
	struct zonefake *z = arg;
	struct webfake *t = z->user;
	enum wkind k = W_GOOD;

	(void)host;
	(void)deadline_ms;
	__atomic_add_fetch(&t->calls, 1, __ATOMIC_RELAXED);
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->c[i].addr, addr) == 0)
			k = t->c[i].kind;
	if (k == W_NOSLOT) {
		memset(rep, 0, sizeof(*rep));
		snprintf(rep->why, sizeof(rep->why), "no free connection slot for %s within the "
		    "time budget (2 per address at once)", addr);
		return PEIL_ETIMEDOUT;
	}
	wreport(k, rep);
	return 0;
}

static uint64_t
fake_now(void *arg)
{
	struct zonefake *z = arg;
	struct webfake *t = z->user;

	return t->clk == NULL ? 0 : __atomic_fetch_add(t->clk, 1, __ATOMIC_RELAXED);
}

static int
fake_lookup(void *arg, const char *name, uint16_t type, size_t max, uint64_t deadline_ms,
    struct dnsans *out)
{
	struct zonefake *z = arg;
	struct webfake *t = z->user;
	int rc;

	if (type == LDNS_RR_TYPE_CAA) {
		t->caa_lookups++;
		if (t->caa_fail != NULL && strcasecmp(t->caa_fail, name) == 0) {
			z->lookups++;
			return dnsans_fail(out, PEIL_EIO, "SERVFAIL");
		}
	}
	rc = zf_lookup(arg, name, type, max, deadline_ms, out);

	if (t->clk != NULL && t->jump_after > 0 && z->lookups == t->jump_after)
		*t->clk = t->jump_to;
	return rc;
}

/* The tests this module runs, in the order of the expected letters. */
static const int web_ids[] = {
	TEST_WEB_HTTPS_TLS_VERSION, TEST_WEB_HTTPS_TLS_CIPHERS, TEST_WEB_HTTPS_TLS_CIPHERORDER,
	TEST_WEB_HTTPS_TLS_KEYEXCHANGE, TEST_WEB_HTTPS_TLS_KEYEXCHANGEHASH,
	TEST_WEB_HTTPS_TLS_COMPRESS, TEST_WEB_HTTPS_TLS_SECRENEG, TEST_WEB_HTTPS_TLS_CLIENTRENEG,
	TEST_WEB_HTTPS_CERT_CHAIN, TEST_WEB_HTTPS_CERT_PUBKEY, TEST_WEB_HTTPS_CERT_SIG,
	TEST_WEB_HTTPS_CERT_DOMAIN, TEST_WEB_HTTPS_TLS_0RTT, TEST_WEB_HTTPS_TLS_OCSP,
	TEST_WEB_HTTPS_DANE_EXIST, TEST_WEB_HTTPS_DANE_VALID, TEST_WEB_CAA,
};
#define NWEB (sizeof(web_ids) / sizeof(web_ids[0]))

static void
run_web_domain(struct zonefake *z, const char *domain, uint64_t deadline,
    Peil__Result *res[TEST_COUNT])
{
	struct dnswork_source src = { .lookup = fake_lookup, .now_ms = fake_now, .arg = z,
	    .validating = true, .ipv4 = true, .ipv6 = true, .web_tls = fake_web_tls };

	for (int i = 0; i < TEST_COUNT; i++)
		res[i] = NULL;
	for (size_t i = 0; i < NWEB; i++)
		assert_non_null(res[web_ids[i]] = result_new(domain,
		    catalogue_get(web_ids[i])->id, PEIL__STATUS__STATUS_UNSPECIFIED, "test"));
	assert_int_equal(probe_run(&src, domain, deadline, res), 0);
	for (size_t i = 0; i < NWEB; i++)
		assert_int_equal(result_check(res[web_ids[i]]), 0);
}

static void
run_web(struct zonefake *z, uint64_t deadline, Peil__Result *res[TEST_COUNT])
{
	run_web_domain(z, "d.test", deadline, res);
}

static void
expect_web(Peil__Result *res[TEST_COUNT], const char *want)
{
	static const char letters[] = "?PFWINE";
	bool bad = false;

	assert_int_equal(strlen(want), NWEB);
	for (size_t i = 0; i < NWEB; i++) {
		const Peil__Result *r = res[web_ids[i]];

		if (want[i] == '.' || letters[r->status] == want[i])
			continue;
		fprintf(stderr, "%s: want %c, got %c\n", r->test_id, want[i], letters[r->status]);
		for (size_t k = 0; k < r->n_evidence; k++)
			fprintf(stderr, "    %s = %s\n", r->evidence[k]->key, r->evidence[k]->value);
		bad = true;
	}
	assert_false(bad);
}

/* Asserts that one of r's evidence values under key contains part. */
static void
has_ev(const Peil__Result *r, const char *key, const char *part)
{
	for (size_t i = 0; i < r->n_evidence; i++)
		if (strcmp(r->evidence[i]->key, key) == 0 && strstr(r->evidence[i]->value, part))
			return;
	fail_msg("%s: no %s holding '%s'", r->test_id, key, part);
}

/* Three addresses: the domain's IPv4 and IPv6, www's IPv4. */
#define WZONE \
	"d.test. SOA ns.test. h.test. 1 2 3 4 5\n" \
	"d.test. A 192.0.2.80\n" \
	"d.test. AAAA 2001:db8::80\n" \
	"www.d.test. A 192.0.2.81\n"

/* The letters: vers ciph ord kex hash comp sec cli chain key sig dom 0rtt ocsp dexist dvalid
 * caa. No CAA in WZONE: internet.nl's result_bad, capped at notice: W. */

static void
test_good(void **state)
{
	struct webfake t = { 0 };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, UINT64_MAX, res);
	/* no TLSA at _443._tcp: dane_exist is info (WEB_TLS_DANE_EXISTS_WORST_STATUS), dane_valid
	 * not tested (internet.nl judges it only when records exist) */
	expect_web(res, "PPPPPPPPPPPPPPINW");
	assert_int_equal(t.calls, 3);
	assert_string_equal(res[TEST_WEB_HTTPS_TLS_VERSION]->guideline, "ncsc-tls-2025-05");
	assert_contains(ev(res[TEST_WEB_HTTPS_TLS_VERSION], "addr_1"), "d.test [2001:db8::80]");
	assert_contains(ev(res[TEST_WEB_HTTPS_TLS_VERSION], "addr_3"), "www.d.test [192.0.2.81]");
	/* the engine's cost per address, once (in the version test) */
	has_ev(res[TEST_WEB_HTTPS_TLS_VERSION], "tls_engine", "d.test [192.0.2.80]: 20 handshakes "
	    "in ");
	has_ev(res[TEST_WEB_HTTPS_TLS_VERSION], "tls_engine", "www.d.test [192.0.2.81]: 20 "
	    "handshakes in ");
	has_ev(res[TEST_WEB_HTTPS_TLS_VERSION], "tls_engine_tries", "d.test [192.0.2.80]: 15 of "
	    "them stopped after the server's first flight, 9 of those at its ServerHello");
	has_reason(res[TEST_WEB_HTTPS_DANE_EXIST], "no DNSSEC-secure TLSA record for: d.test, "
	    "www.d.test");
	has_reason(res[TEST_WEB_HTTPS_DANE_VALID], "see web_https_dane_exist");
	free_results(res);
}

/* An address where the engine never ran (no connection slot in time) is not tested: every TLS
 * test is error with why, never decided by the other addresses alone (it was a silent "no
 * HTTPS, see web_https_http_available" before, the tests passing on the others). */
static void
test_no_slot(void **state)
{
	static const struct canned_web one[] = { { "192.0.2.81", W_NOSLOT } };
	static const struct canned_web all[] = { { "192.0.2.80", W_NOSLOT },
	    { "2001:db8::80", W_NOSLOT }, { "192.0.2.81", W_NOSLOT } };
	struct webfake t = { .c = one, .n = 1 };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "EEEEEEEEEEEEEE..W");
	has_reason(res[TEST_WEB_HTTPS_TLS_VERSION], "www.d.test [192.0.2.81]: not tried: no free "
	    "connection slot for 192.0.2.81");
	has_reason(res[TEST_WEB_HTTPS_CERT_CHAIN], "not tried: no free connection slot");
	free_results(res);

	t.c = all;
	t.n = 3;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "EEEEEEEEEEEEEEEEE");
	has_reason(res[TEST_WEB_HTTPS_TLS_VERSION], "d.test [192.0.2.80]: not tried: no free "
	    "connection slot");
	free_results(res);
}

static void
test_one_bad_address(void **state)
{
	static const struct canned_web c[] = { { "192.0.2.81", W_LEGACY } };
	struct webfake t = { .c = c, .n = 1 };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, UINT64_MAX, res);
	/* TLS 1.0 and 3DES insufficient (2025-05); sufficient and insufficient suites in the
	 * client's order: no order fault (2025-05 compares phase-out with sufficient and good
	 * only); SHA-1 key-exchange hash: a notice, as for mail
	 * (WEB_TLS_KEX_HASH_FUNC_WORST_STATUS); untrusted: the web's trust is mandatory */
	expect_web(res, "FFPPWPPPFPPPPPINW");
	has_reason(res[TEST_WEB_HTTPS_TLS_VERSION], "www.d.test [192.0.2.81]: TLS 1.0 "
	    "(insufficient)");
	has_reason(res[TEST_WEB_HTTPS_TLS_CIPHERS], "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	has_reason(res[TEST_WEB_HTTPS_CERT_CHAIN], "www.d.test [192.0.2.81]: self-signed");
	/* the good addresses keep their own lines */
	assert_contains(ev(res[TEST_WEB_HTTPS_TLS_VERSION], "addr_2"), "d.test [192.0.2.80]: "
	    "TLS 1.3 (good), TLS 1.2 (sufficient)");
	free_results(res);
}

static void
test_trust_and_name(void **state)
{
	static const struct canned_web un[] = { { "2001:db8::80", W_UNTRUSTED } };
	static const struct canned_web nn[] = { { "192.0.2.80", W_NONAME } };
	struct webfake t = { .c = un, .n = 1 };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* internet.nl web: cert_trust and cert_hostmatch fail (worst status fail), unlike mail */
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPFPPPPPINW");
	has_reason(res[TEST_WEB_HTTPS_CERT_CHAIN], "d.test [2001:db8::80]: self-signed "
	    "certificate (depth 0)");
	free_results(res);

	t.c = nn;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPFPPINW");
	has_reason(res[TEST_WEB_HTTPS_CERT_DOMAIN], "d.test [192.0.2.80]: d.test");
	assert_contains(ev(res[TEST_WEB_HTTPS_CERT_DOMAIN], "addr_2"), "does not name the web host");
	free_results(res);
}

static void
test_zero_rtt(void **state)
{
	static const struct canned_web acc[] = { { "192.0.2.80", W_0RTT } };
	static const struct canned_web early425[] = { { "192.0.2.80", W_0RTT_425 },
	    { "2001:db8::80", W_0RTT_425 }, { "192.0.2.81", W_0RTT_425 } };
	static const struct canned_web no13[] = { { "192.0.2.80", W_NO13 },
	    { "2001:db8::80", W_NO13 }, { "192.0.2.81", W_NO13 } };
	struct webfake t = { .c = acc, .n = 1 };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* accepted early data answered by the application: fail (ZeroRttStatus.bad) */
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPFPINW");
	has_reason(res[TEST_WEB_HTTPS_TLS_0RTT], "d.test [192.0.2.80]: 0-RTT early data accepted "
	    "(answer: HTTP/1.1 200 OK) (insufficient)");
	free_results(res);

	/* accepted at the TLS layer but deferred with 425 Too Early (RFC 8470): nothing replayed */
	t.c = early425;
	t.n = 3;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINW");
	assert_contains(ev(res[TEST_WEB_HTTPS_TLS_0RTT], "addr_2"), "425 Too Early");
	free_results(res);

	/* no TLS 1.3: not applicable, a success (ZeroRttStatus.na) */
	t.c = no13;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINW");
	assert_contains(ev(res[TEST_WEB_HTTPS_TLS_0RTT], "addr_1"), "no TLS 1.3: not applicable");
	free_results(res);
}

static void
test_ocsp(void **state)
{
	static const struct canned_web none[] = { { "192.0.2.81", W_OCSP_NONE } };
	static const struct canned_web bad[] = { { "192.0.2.81", W_OCSP_BAD },
	    { "192.0.2.80", W_OCSP_NONE } };
	static const struct canned_web nourl[] = { { "192.0.2.80", W_OCSP_NOURL },
	    { "2001:db8::80", W_OCSP_NOURL }, { "192.0.2.81", W_OCSP_NOURL } };
	struct webfake t = { .c = none, .n = 1 };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* nothing stapled: OcspStatus.ok, info */
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPIINW");
	has_reason(res[TEST_WEB_HTTPS_TLS_OCSP], "www.d.test [192.0.2.81]: no OCSP response "
	    "stapled");
	free_results(res);

	/* an invalid staple: OcspStatus.not_trusted fails, capped at notice (our warning) */
	t.c = bad;
	t.n = 2;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPWINW");
	has_reason(res[TEST_WEB_HTTPS_TLS_OCSP], "the response has expired");
	free_results(res);

	/* no OCSP responder in the certificate: OcspStatus.not_in_cert, a success */
	t.c = nourl;
	t.n = 3;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINW");
	assert_contains(ev(res[TEST_WEB_HTTPS_TLS_OCSP], "addr_1"), "names no OCSP responder");
	free_results(res);
}

static void
test_reneg_and_hash(void **state)
{
	static const struct canned_web c[] = { { "192.0.2.80", W_RENEG },
	    { "192.0.2.81", W_NOSIG } };
	struct webfake t = { .c = c, .n = 2 };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* client renegotiation accepted: info (WEB_TLS_CLIENT_RENEG_WORST_STATUS); no signed key
	 * exchange seen: no weak hash used, passed (test_key_exchange_hash never says unknown) */
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPIPPPPPPINW");
	free_results(res);
}

static void
test_no_https(void **state)
{
	static const struct canned_web one[] = { { "2001:db8::80", W_NOTLS } };
	static const struct canned_web all[] = { { "192.0.2.80", W_NOTLS },
	    { "2001:db8::80", W_NOTLS }, { "192.0.2.81", W_NOTLS } };
	struct webfake t = { .c = one, .n = 1 };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* one address without TLS: web_https_http_available's verdict; the others decide here */
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINW");
	assert_contains(ev(res[TEST_WEB_HTTPS_TLS_VERSION], "addr_1"), "no HTTPS (connect: "
	    "connection refused): see web_https_http_available");
	free_results(res);

	/* none: internet.nl tests nothing of TLS when HTTPS is not available */
	t.c = all;
	t.n = 3;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "NNNNNNNNNNNNNNNNN");
	has_reason(res[TEST_WEB_HTTPS_TLS_VERSION], "no web server address offered HTTPS (see "
	    "web_https_http_available)");
	has_reason(res[TEST_WEB_HTTPS_DANE_EXIST], "no web server address offered HTTPS");
	free_results(res);
}

static void
test_no_web_server(void **state)
{
	struct webfake t = { 0 };
	struct zonefake z = { .zone = "d.test. SOA ns.test. h.test. 1 2 3 4 5\n", .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "NNNNNNNNNNNNNNNNN");
	has_reason(res[TEST_WEB_HTTPS_TLS_VERSION], "no web server");
	assert_int_equal(t.calls, 0);
	free_results(res);
}

static void
test_dane(void **state)
{
	char zone[2048];
	struct webfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* secure 3 1 1 of the served key at both hosts: exist and valid pass */
	snprintf(zone, sizeof(zone), WZONE "_443._tcp.d.test. TLSA 3 1 1 %s\n"
	    "_443._tcp.www.d.test. TLSA 3 1 1 %s\n", tlsa_hex, tlsa_hex);
	{
		static const struct canned_web c[] = { { "192.0.2.80", W_OCSP_NOURL },
		    { "2001:db8::80", W_OCSP_NOURL }, { "192.0.2.81", W_OCSP_NOURL } };

		t.c = c;
		t.n = 3;
		run_web(&z, UINT64_MAX, res);
		expect_web(res, "PPPPPPPPPPPPPPPPW");
		assert_contains(ev(res[TEST_WEB_HTTPS_DANE_EXIST], "tlsa_1"),
		    "_443._tcp.d.test: 1 TLSA record(s), DNSSEC-secure");
		free_results(res);

		/* a record that matches nothing: dane_valid fails, capped at notice (warning) */
		snprintf(zone, sizeof(zone), WZONE "_443._tcp.d.test. TLSA 3 1 1 %064d\n", 0);
		run_web(&z, UINT64_MAX, res);
		expect_web(res, "PPPPPPPPPPPPPPIWW");
		has_reason(res[TEST_WEB_HTTPS_DANE_VALID], "d.test [192.0.2.80]");
		has_reason(res[TEST_WEB_HTTPS_DANE_EXIST], "no DNSSEC-secure TLSA record for: "
		    "www.d.test");
		free_results(res);

		/* PKIX-EE (1 1 1) of the served key: matches, but only with a trusted chain */
		snprintf(zone, sizeof(zone), WZONE "_443._tcp.d.test. TLSA 1 1 1 %s\n", tlsa_hex);
		run_web(&z, UINT64_MAX, res);
		expect_web(res, "PPPPPPPPPPPPPPIPW");
		free_results(res);
	}
	/* insecure TLSA: no DANE (info), nothing to validate */
	snprintf(zone, sizeof(zone), WZONE "_443._tcp.d.test. TLSA 3 1 1 %s\n", ocsp_tlsa_hex);
	z.insecure = "_443._tcp.d.test";
	t.c = NULL;
	t.n = 0;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINW");
	assert_contains(ev(res[TEST_WEB_HTTPS_DANE_EXIST], "tlsa_1"), "unsigned zone (insecure)");
	free_results(res);

	/* bogus: internet.nl's result_bogus, capped at info */
	z.insecure = NULL;
	z.bogus = "_443._tcp.d.test";
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINW");
	has_reason(res[TEST_WEB_HTTPS_DANE_EXIST], "DNSSEC-bogus TLSA answer for: d.test");
	free_results(res);

	/* a lookup that fails decides nothing: error */
	z.bogus = NULL;
	z.timeout = "_443._tcp.www.d.test";
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPEPW");
	has_reason(res[TEST_WEB_HTTPS_DANE_EXIST], "DANE could not be decided");
	free_results(res);
}

static void
test_pkix_untrusted(void **state)
{
	static const struct canned_web c[] = { { "192.0.2.80", W_UNTRUSTED } };
	char zone[2048];
	struct webfake t = { .c = c, .n = 1 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* RFC 6698 2.1.1: PKIX-EE needs PKIX validation too: untrusted chain, no match */
	snprintf(zone, sizeof(zone), WZONE "_443._tcp.d.test. TLSA 1 1 1 %s\n", ocsp_tlsa_hex);
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPFPPPPPIWW");
	has_reason(res[TEST_WEB_HTTPS_DANE_VALID], "not trusted");
	free_results(res);
}

static void
test_budget(void **state)
{
	uint64_t clk = 0;
	struct webfake t = { .clk = &clk };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];
	bool partial = false;

	(void)state;
	/* the budget runs out during the address lookups: no TLS tried, the runner's error */
	t.jump_after = 2;
	t.jump_to = 1000;
	run_web(&z, 1000, res);
	expect_web(res, "EEEEEEEEEEEEEEEEE");
	has_reason(res[TEST_WEB_HTTPS_TLS_VERSION], MSG_BUDGET);
	assert_int_equal(t.calls, 0);
	free_results(res);

	/* the budget runs out between addresses: the address tried decides nothing alone, the
	 * ones not tried are errors in the evidence */
	for (uint64_t back = 1; back <= 6 && !partial; back++) {
		clk = 0;
		t.calls = 0;
		z.lookups = 0;
		t.jump_after = 4;       /* SOA, then the hosts' AAAA and A: the clock jumps */
		t.jump_to = 1000 - back;
		run_web(&z, 1000, res);
		if (t.calls > 0 && res[TEST_WEB_HTTPS_TLS_VERSION]->status !=
		    PEIL__STATUS__PASSED) {
			partial = true;
			assert_int_equal(res[TEST_WEB_HTTPS_TLS_VERSION]->status,
			    PEIL__STATUS__ERROR);
			has_reason(res[TEST_WEB_HTTPS_TLS_VERSION], "not tried: " MSG_BUDGET);
		}
		free_results(res);
	}
	assert_true(partial);
}


static void
test_caa(void **state)
{
	struct webfake t = { 0 };
	struct zonefake z = { .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* RFC 8659 3: the domain's own set; www climbs to it */
	z.zone = WZONE "d.test. CAA 0 issue \"ca.test\"\n"
	    "d.test. CAA 0 iodef \"mailto:security@d.test\"\n";
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINP");
	assert_contains(ev(res[TEST_WEB_CAA], "caa_1"), "d.test: CAA at d.test: 2 record(s)");
	assert_contains(ev(res[TEST_WEB_CAA], "caa_2"), "www.d.test: CAA at d.test");
	free_results(res);

	/* www's own set wins over its parent's; a set with no issue record: insufficient (a
	 * notice at internet.nl: our warning) */
	z.zone = WZONE "d.test. CAA 0 issue \"ca.test\"\n"
	    "www.d.test. CAA 0 iodef \"mailto:security@d.test\"\n";
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINW");
	has_reason(res[TEST_WEB_CAA], "www.d.test: no issue record");
	free_results(res);

	/* at a parent (the TLD here): found there */
	z.zone = WZONE "test. CAA 0 issue \"ca.test\"\n";
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINP");
	assert_contains(ev(res[TEST_WEB_CAA], "caa_1"), "CAA at test:");
	free_results(res);

	/* absent up to the TLD (the root is never asked): result_bad, capped at notice */
	z.zone = WZONE;
	t.caa_lookups = 0;
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINW");
	has_reason(res[TEST_WEB_CAA], "d.test: no CAA record");
	assert_int_equal(t.caa_lookups, 2 + 3);   /* d.test, test; www.d.test, d.test, test */
	free_results(res);

	/* an unknown tag with the critical flag: no CA may issue (4.5); internet.nl: a syntax
	 * error (invalid_unknown_property), capped at notice */
	z.zone = WZONE "d.test. CAA 0 issue \"ca.test\"\n"
	    "d.test. CAA 128 tbs \"unknown\"\n";
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINW");
	has_reason(res[TEST_WEB_CAA], "tbs");
	has_ev(res[TEST_WEB_CAA], "caa_1", "128 tbs \"unknown\": tag-unknown-critical");
	free_results(res);

	/* a lookup that fails decides nothing: error */
	z.zone = WZONE "d.test. CAA 0 issue \"ca.test\"\n";
	t.caa_fail = "www.d.test";
	run_web(&z, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINE");
	has_reason(res[TEST_WEB_CAA], "www.d.test: www.d.test CAA");
	free_results(res);
}

static void
test_caa_deep(void **state)
{
	char zone[2048], domain[256];
	struct webfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];
	size_t o = 0;

	(void)state;
	/* a name 50 labels deep with CAA only at d.test: the climb stops after MAX_CAA_CLIMB
	 * names (nothing decided: error), within bounds */
	for (int i = 0; i < 48; i++)
		o += (size_t)snprintf(domain + o, sizeof(domain) - o, "a.");
	snprintf(domain + o, sizeof(domain) - o, "d.test");
	snprintf(zone, sizeof(zone), "%s. SOA ns.test. h.test. 1 2 3 4 5\n%s. A 192.0.2.80\n"
	    "d.test. CAA 0 issue \"ca.test\"\n", domain, domain);
	run_web_domain(&z, domain, UINT64_MAX, res);
	expect_web(res, "PPPPPPPPPPPPPPINE");
	has_reason(res[TEST_WEB_CAA], "MAX_CAA_CLIMB");
	assert_int_equal(t.caa_lookups, MAX_CAA_CLIMB);   /* www has no address: one host */
	free_results(res);
}

static void
test_caa_budget(void **state)
{
	uint64_t clk = 0;
	struct webfake t = { .clk = &clk };
	struct zonefake z = { .zone = WZONE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* the budget runs out during the climb: web_caa is left to the runner's budget error,
	 * the TLS tests judged before it keep their verdicts */
	t.jump_after = 7;       /* SOA, 4 address lookups, then d.test's climb: d.test, test */
	t.jump_to = 1000;
	run_web(&z, 1000, res);
	assert_int_equal(res[TEST_WEB_HTTPS_TLS_VERSION]->status, PEIL__STATUS__PASSED);
	assert_int_equal(res[TEST_WEB_CAA]->status, PEIL__STATUS__ERROR);
	has_reason(res[TEST_WEB_CAA], MSG_BUDGET);
	free_results(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_no_slot),
		cmocka_unit_test(test_one_bad_address),
		cmocka_unit_test(test_trust_and_name),
		cmocka_unit_test(test_zero_rtt),
		cmocka_unit_test(test_ocsp),
		cmocka_unit_test(test_reneg_and_hash),
		cmocka_unit_test(test_no_https),
		cmocka_unit_test(test_no_web_server),
		cmocka_unit_test(test_dane),
		cmocka_unit_test(test_pkix_untrusted),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_caa),
		cmocka_unit_test(test_caa_deep),
		cmocka_unit_test(test_caa_budget),
	};

	return cmocka_run_group_tests(tests, make_certs, free_certs);
}
