/* test_dane.c: TLSA parsing and DANE-EE / DANE-TA matching against chains built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "dane.h"
#include "err.h"
#include "limits.h"

#define DAY (24L * 3600L)

/* A certificate and its DER, built once for every test. */
struct tcert {
	X509 *x;
	unsigned char *der;
	size_t len;
};

static EVP_PKEY *k_self, *k_ca, *k_leaf, *k_other, *k_root, *k_inter, *k_leaf3;
static struct tcert c_self;     /* self-signed EC leaf, CN self.example.test, no SAN */
static struct tcert c_ca;       /* CA, CN Test CA */
static struct tcert c_leaf;     /* issued by c_ca, SAN mx.example.test, valid now */
static struct tcert c_expired;  /* issued by c_ca, SAN mx.example.test, expired */
static struct tcert c_oldca;    /* expired CA with k_ca: same key, other certificate */
static struct tcert c_other;    /* self-signed, an unrelated key */
static struct tcert c_root;     /* root -> inter -> leaf3 (SAN *.example.test) */
static struct tcert c_inter;
static struct tcert c_leaf3;

static struct dane_result res;

static X509 *
cert_new(EVP_PKEY *key, const struct tcert *issuer, EVP_PKEY *ikey, const char *cn,
    const char *san, bool ca, long from, long to)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509 *ix;
	X509_NAME *nm;
	X509V3_CTX v3;
	struct { int nid; const char *val; } ext[5];
	size_t i, next = 0;

	if (x == NULL)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), to);
	X509_set_pubkey(x, key);
	nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	ix = issuer != NULL ? issuer->x : x;
	X509_set_issuer_name(x, X509_get_subject_name(ix));
	X509V3_set_ctx(&v3, ix, x, NULL, NULL, 0);
	ext[next].nid = NID_basic_constraints;
	ext[next++].val = ca ? "critical,CA:TRUE" : "CA:FALSE";
	ext[next].nid = NID_subject_key_identifier;
	ext[next++].val = "hash";
	if (ca) {
		ext[next].nid = NID_key_usage;
		ext[next++].val = "critical,keyCertSign,cRLSign";
	}
	if (issuer != NULL) {
		ext[next].nid = NID_authority_key_identifier;
		ext[next++].val = "keyid:always";
	}
	if (san != NULL) {
		ext[next].nid = NID_subject_alt_name;
		ext[next++].val = san;
	}
	for (i = 0; i < next; i++) {
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, ext[i].nid, ext[i].val);
		if (e == NULL || X509_add_ext(x, e, -1) != 1) {
			X509_EXTENSION_free(e);
			X509_free(x);
			return NULL;
		}
		X509_EXTENSION_free(e);
	}
	if (X509_sign(x, issuer != NULL ? ikey : key, EVP_sha256()) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int
tcert_make(struct tcert *c, EVP_PKEY *key, const struct tcert *issuer, EVP_PKEY *ikey,
    const char *cn, const char *san, bool ca, long from, long to)
{
	int n;

	c->x = cert_new(key, issuer, ikey, cn, san, ca, from, to);
	if (c->x == NULL)
		return -1;
	c->der = NULL;
	n = i2d_X509(c->x, &c->der);
	if (n <= 0)
		return -1;
	c->len = (size_t)n;
	return 0;
}

static void
tcert_free(struct tcert *c)
{
	X509_free(c->x);
	OPENSSL_free(c->der);
}

static int
setup(void **state)
{
	(void)state;
	k_self = EVP_EC_gen("P-256");
	k_ca = EVP_EC_gen("P-256");
	k_leaf = EVP_EC_gen("P-256");
	k_other = EVP_EC_gen("P-256");
	k_root = EVP_EC_gen("P-384");
	k_inter = EVP_EC_gen("P-256");
	k_leaf3 = EVP_EC_gen("P-256");
	if (!k_self || !k_ca || !k_leaf || !k_other || !k_root || !k_inter || !k_leaf3)
		return -1;
	if (tcert_make(&c_self, k_self, NULL, NULL, "self.example.test", NULL, false,
	        -DAY, 30 * DAY) ||
	    tcert_make(&c_ca, k_ca, NULL, NULL, "Test CA", NULL, true, -DAY, 365 * DAY) ||
	    tcert_make(&c_leaf, k_leaf, &c_ca, k_ca, "mx.example.test", "DNS:mx.example.test",
	        false, -DAY, 30 * DAY) ||
	    tcert_make(&c_expired, k_leaf, &c_ca, k_ca, "mx.example.test",
	        "DNS:mx.example.test", false, -30 * DAY, -DAY) ||
	    tcert_make(&c_oldca, k_ca, NULL, NULL, "Test CA", NULL, true, -400 * DAY, -DAY) ||
	    tcert_make(&c_other, k_other, NULL, NULL, "other.example.test", NULL, false,
	        -DAY, 30 * DAY) ||
	    tcert_make(&c_root, k_root, NULL, NULL, "Test Root", NULL, true, -DAY, 365 * DAY) ||
	    tcert_make(&c_inter, k_inter, &c_root, k_root, "Test Intermediate", NULL, true,
	        -DAY, 365 * DAY) ||
	    tcert_make(&c_leaf3, k_leaf3, &c_inter, k_inter, "wild", "DNS:*.example.test",
	        false, -DAY, 30 * DAY))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tcert_free(&c_self);
	tcert_free(&c_ca);
	tcert_free(&c_leaf);
	tcert_free(&c_expired);
	tcert_free(&c_oldca);
	tcert_free(&c_other);
	tcert_free(&c_root);
	tcert_free(&c_inter);
	tcert_free(&c_leaf3);
	EVP_PKEY_free(k_self);
	EVP_PKEY_free(k_ca);
	EVP_PKEY_free(k_leaf);
	EVP_PKEY_free(k_other);
	EVP_PKEY_free(k_root);
	EVP_PKEY_free(k_inter);
	EVP_PKEY_free(k_leaf3);
	return 0;
}

/* Builds the record "u s m <data of c>" through tlsa_parse, computing the data with other
 * OpenSSL calls than dane.c uses (i2d_PUBKEY, SHA256(), SHA512()). */
static void
rr_of(struct tlsa_rr *rr, uint8_t u, uint8_t s, uint8_t m, const struct tcert *c)
{
	static uint8_t rdata[3 + MAX_TLSA_DATA];
	unsigned char *sel = NULL;
	size_t n;
	char why[128];
	int len;

	if (s == 0) {
		sel = OPENSSL_memdup(c->der, c->len);
		len = (int)c->len;
	} else {
		len = i2d_PUBKEY(X509_get0_pubkey(c->x), &sel);
	}
	assert_non_null(sel);
	assert_true(len > 0);
	rdata[0] = u;
	rdata[1] = s;
	rdata[2] = m;
	if (m == 1) {
		SHA256(sel, (size_t)len, rdata + 3);
		n = 32;
	} else if (m == 2) {
		SHA512(sel, (size_t)len, rdata + 3);
		n = 64;
	} else {
		assert_true((size_t)len <= MAX_TLSA_DATA);
		memcpy(rdata + 3, sel, (size_t)len);
		n = (size_t)len;
	}
	OPENSSL_free(sel);
	assert_int_equal(tlsa_parse(rdata, 3 + n, rr, why, sizeof(why)), 0);
}

/* Runs dane_match over a chain of up to 4 certificates and the names given. */
static int
run(const struct tlsa_rr *set, size_t n, const struct tcert *const *chain, size_t nchain,
    const char *const *names, size_t nnames)
{
	const uint8_t *der[4];
	size_t len[4], i;

	assert_true(nchain <= 4);
	for (i = 0; i < nchain; i++) {
		der[i] = chain[i]->der;
		len[i] = chain[i]->len;
	}
	return dane_match(set, n, der, len, nchain, names, nnames, &res);
}

static const char *const mx[] = { "mx.example.test" };

/* --- tlsa_parse and tlsa_text --- */

static void
test_parse_ok(void **state)
{
	uint8_t rd[3 + 32];
	struct tlsa_rr rr;
	char why[128];

	(void)state;
	rd[0] = 3; rd[1] = 1; rd[2] = 1;
	memset(rd + 3, 0xab, 32);
	assert_int_equal(tlsa_parse(rd, sizeof(rd), &rr, why, sizeof(why)), 0);
	assert_int_equal(rr.usage, 3);
	assert_int_equal(rr.selector, 1);
	assert_int_equal(rr.mtype, 1);
	assert_int_equal(rr.len, 32);
	assert_int_equal(rr.data[31], 0xab);
	assert_string_equal(why, "");
	assert_null(tlsa_unusable(&rr));
}

static void
test_parse_bad(void **state)
{
	static uint8_t rd[3 + MAX_TLSA_DATA + 1];
	struct tlsa_rr rr;
	char why[128];

	(void)state;
	memset(rd, 0, sizeof(rd));
	rd[0] = 3; rd[1] = 1; rd[2] = 1;
	assert_int_equal(tlsa_parse(rd, 0, &rr, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(tlsa_parse(rd, 3, &rr, why, sizeof(why)), PEIL_EINVAL);
	assert_non_null(strstr(why, "shorter"));
	/* SHA-256 with 31 and 33 bytes. */
	assert_int_equal(tlsa_parse(rd, 3 + 31, &rr, why, sizeof(why)), PEIL_EINVAL);
	assert_non_null(strstr(why, "wants 32"));
	assert_int_equal(tlsa_parse(rd, 3 + 33, &rr, why, sizeof(why)), PEIL_EINVAL);
	/* SHA-512 with 63 bytes; with 64 fine. */
	rd[2] = 2;
	assert_int_equal(tlsa_parse(rd, 3 + 63, &rr, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(tlsa_parse(rd, 3 + 64, &rr, why, sizeof(why)), 0);
	/* Full data: MAX_TLSA_DATA fits, one more does not. */
	rd[2] = 0;
	assert_int_equal(tlsa_parse(rd, 3 + MAX_TLSA_DATA, &rr, why, sizeof(why)), 0);
	assert_int_equal(rr.len, MAX_TLSA_DATA);
	assert_int_equal(tlsa_parse(rd, sizeof(rd), &rr, why, sizeof(why)), PEIL_ETOOBIG);
	assert_int_equal(rr.len, 0);
	/* NULL why is allowed. */
	assert_int_equal(tlsa_parse(rd, 2, &rr, NULL, 0), PEIL_EINVAL);
}

static void
test_parse_unknown_values(void **state)
{
	uint8_t rd[3 + 5] = { 4, 1, 1, 1, 2, 3, 4, 5 };
	struct tlsa_rr rr;
	char why[128];

	(void)state;
	/* Usage 4 with a matching type 1 of 5 bytes: the length rule is the matching type's. */
	assert_int_equal(tlsa_parse(rd, sizeof(rd), &rr, why, sizeof(why)), PEIL_EINVAL);
	rd[2] = 0;
	assert_int_equal(tlsa_parse(rd, sizeof(rd), &rr, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "unknown certificate usage"));
	rd[0] = 3; rd[1] = 7;
	assert_int_equal(tlsa_parse(rd, sizeof(rd), &rr, why, sizeof(why)), 0);
	assert_string_equal(why, "unknown selector");
	rd[1] = 1; rd[2] = 255;
	assert_int_equal(tlsa_parse(rd, sizeof(rd), &rr, why, sizeof(why)), 0);
	assert_string_equal(why, "unknown matching type");
	rd[0] = 1; rd[2] = 0;
	assert_int_equal(tlsa_parse(rd, sizeof(rd), &rr, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "PKIX-EE"));
}

static void
test_text(void **state)
{
	struct tlsa_rr rr;
	uint8_t rd[3 + 64];
	char buf[TLSA_TEXT_LEN], small[16];
	size_t i;

	(void)state;
	rd[0] = 3; rd[1] = 1; rd[2] = 1;
	for (i = 0; i < 32; i++)
		rd[3 + i] = (uint8_t)i;
	assert_int_equal(tlsa_parse(rd, 3 + 32, &rr, NULL, 0), 0);
	tlsa_text(&rr, buf, sizeof(buf));
	assert_string_equal(buf, "3 1 1 000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f");
	tlsa_text(&rr, small, sizeof(small));
	assert_string_equal(small, "3 1 1 000102...");
	tlsa_text(&rr, small, 7);
	assert_string_equal(small, "3 1 1 ");
	tlsa_text(&rr, small, 1);
	assert_string_equal(small, "");
	/* Over 64 data bytes: cut even when the buffer is large. */
	rd[2] = 0;
	{
		static uint8_t big[3 + 100];
		char wide[400];

		memset(big, 0xff, sizeof(big));
		big[0] = 2; big[1] = 0; big[2] = 0;
		assert_int_equal(tlsa_parse(big, sizeof(big), &rr, NULL, 0), 0);
		tlsa_text(&rr, wide, sizeof(wide));
		assert_int_equal(strlen(wide), 6 + 128 + 3);
		assert_string_equal(wide + strlen(wide) - 3, "...");
	}
}

/* --- DANE-EE --- */

static void
test_ee_matches(void **state)
{
	static const uint8_t combos[][2] = { { 1, 1 }, { 0, 1 }, { 1, 2 }, { 1, 0 }, { 0, 0 },
	    { 0, 2 } };
	const struct tcert *chain[] = { &c_self };
	struct tlsa_rr rr;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		rr_of(&rr, 3, combos[i][0], combos[i][1], &c_self);
		assert_int_equal(run(&rr, 1, chain, 1, NULL, 0), 0);
		assert_true(res.ok);
		assert_int_equal(res.matched, 1);
		assert_int_equal(res.matched_usage, 3);
		assert_int_equal(res.rec[0].outcome, DANE_REC_MATCHED);
		assert_int_equal(res.rec[0].depth, 0);
	}
	assert_non_null(strstr(res.why, "DANE-EE"));
}

static void
test_ee_wrong(void **state)
{
	const struct tcert *chain[] = { &c_self };
	struct tlsa_rr rr;

	(void)state;
	rr_of(&rr, 3, 1, 1, &c_other);
	assert_int_equal(run(&rr, 1, chain, 1, mx, 1), 0);
	assert_false(res.ok);
	assert_int_equal(res.usable, 1);
	assert_int_equal(res.matched, 0);
	assert_int_equal(res.matched_usage, -1);
	assert_int_equal(res.rec[0].outcome, DANE_REC_NOMATCH);
	assert_non_null(strstr(res.why, "does not match the leaf public key"));
	/* The leaf's key published as a DANE-EE record only matches at depth 0. */
	{
		const struct tcert *ch2[] = { &c_leaf, &c_ca };

		rr_of(&rr, 3, 1, 1, &c_ca);
		assert_int_equal(run(&rr, 1, ch2, 2, mx, 1), 0);
		assert_false(res.ok);
	}
}

static void
test_ee_ignores_name_and_dates(void **state)
{
	const struct tcert *chain[] = { &c_expired, &c_ca };
	static const char *const wrong[] = { "nomatch.example.net" };
	struct tlsa_rr rr;

	(void)state;
	rr_of(&rr, 3, 1, 1, &c_expired);
	assert_int_equal(run(&rr, 1, chain, 2, wrong, 1), 0);
	assert_true(res.ok);
	assert_int_equal(res.matched_usage, 3);
}

/* --- DANE-TA --- */

static void
test_ta_matches(void **state)
{
	const struct tcert *chain[] = { &c_leaf, &c_ca };
	static const char *const dotted[] = { "mx.example.test." };
	static const char *const two[] = { "smtp.example.test", "mx.example.test" };
	struct tlsa_rr rr;

	(void)state;
	rr_of(&rr, 2, 0, 1, &c_ca);
	assert_int_equal(run(&rr, 1, chain, 2, mx, 1), 0);
	assert_true(res.ok);
	assert_int_equal(res.matched_usage, 2);
	assert_int_equal(res.rec[0].depth, 1);
	assert_non_null(strstr(res.why, "DANE-TA"));
	rr_of(&rr, 2, 1, 1, &c_ca);
	assert_int_equal(run(&rr, 1, chain, 2, mx, 1), 0);
	assert_true(res.ok);
	rr_of(&rr, 2, 1, 2, &c_ca);
	assert_int_equal(run(&rr, 1, chain, 2, dotted, 1), 0);
	assert_true(res.ok);
	rr_of(&rr, 2, 0, 0, &c_ca);
	assert_int_equal(run(&rr, 1, chain, 2, two, 2), 0);
	assert_true(res.ok);
}

static void
test_ta_wrong_name(void **state)
{
	const struct tcert *chain[] = { &c_leaf, &c_ca };
	static const char *const wrong[] = { "mail.example.test" };
	static const char *const partial[] = { "xmx.example.test" };
	struct tlsa_rr rr;

	(void)state;
	rr_of(&rr, 2, 1, 1, &c_ca);
	assert_int_equal(run(&rr, 1, chain, 2, wrong, 1), 0);
	assert_false(res.ok);
	assert_int_equal(res.rec[0].outcome, DANE_REC_TA_FAILED);
	assert_int_equal(res.rec[0].depth, 1);
	assert_non_null(strstr(res.why, "leaf names none"));
	assert_non_null(strstr(res.why, "mail.example.test"));
	assert_int_equal(run(&rr, 1, chain, 2, partial, 1), 0);
	assert_false(res.ok);
	/* No reference identifier at all: DANE-TA cannot succeed. */
	assert_int_equal(run(&rr, 1, chain, 2, NULL, 0), 0);
	assert_false(res.ok);
	assert_non_null(strstr(res.why, "no name"));
}

static void
test_ta_dates(void **state)
{
	const struct tcert *expired[] = { &c_expired, &c_ca };
	const struct tcert *oldca[] = { &c_leaf, &c_oldca };
	struct tlsa_rr rr;

	(void)state;
	/* An expired leaf fails DANE-TA (RFC 7671 5.2: the chain is PKIX-validated). */
	rr_of(&rr, 2, 1, 1, &c_ca);
	assert_int_equal(run(&rr, 1, expired, 2, mx, 1), 0);
	assert_false(res.ok);
	assert_int_equal(res.rec[0].outcome, DANE_REC_TA_FAILED);
	assert_non_null(strstr(res.why, "expired"));
	/* An expired trust anchor does not: it is an anchor, not part of the path. */
	rr_of(&rr, 2, 0, 1, &c_oldca);
	assert_int_equal(run(&rr, 1, oldca, 2, mx, 1), 0);
	assert_true(res.ok);
}

static void
test_ta_depths(void **state)
{
	const struct tcert *chain[] = { &c_leaf3, &c_inter, &c_root };
	const struct tcert *noroot[] = { &c_leaf3, &c_inter };
	const struct tcert *leafonly[] = { &c_leaf };
	const struct tcert *notca[] = { &c_leaf, &c_other };
	struct tlsa_rr rr;

	(void)state;
	/* The root two levels up; the wildcard *.example.test covers mx.example.test. */
	rr_of(&rr, 2, 1, 1, &c_root);
	assert_int_equal(run(&rr, 1, chain, 3, mx, 1), 0);
	assert_true(res.ok);
	assert_int_equal(res.rec[0].depth, 2);
	/* The intermediate anchors the chain on its own (not self-signed). */
	rr_of(&rr, 2, 0, 1, &c_inter);
	assert_int_equal(run(&rr, 1, noroot, 2, mx, 1), 0);
	assert_true(res.ok);
	assert_int_equal(res.rec[0].depth, 1);
	/* The root's record without the root in the chain: no match (TA key not in chain). */
	rr_of(&rr, 2, 1, 0, &c_root);
	assert_int_equal(run(&rr, 1, noroot, 2, mx, 1), 0);
	assert_false(res.ok);
	assert_int_equal(res.rec[0].outcome, DANE_REC_NOMATCH);
	assert_non_null(strstr(res.why, "not supported"));
	/* DANE-TA never matches the leaf itself. */
	rr_of(&rr, 2, 1, 1, &c_leaf);
	assert_int_equal(run(&rr, 1, leafonly, 1, mx, 1), 0);
	assert_false(res.ok);
	assert_non_null(strstr(res.why, "no certificate above the leaf"));
	/* A matched certificate that did not issue the leaf: the chain fails. */
	rr_of(&rr, 2, 1, 1, &c_other);
	assert_int_equal(run(&rr, 1, notca, 2, mx, 1), 0);
	assert_false(res.ok);
	assert_int_equal(res.rec[0].outcome, DANE_REC_TA_FAILED);
	assert_non_null(strstr(res.why, "chain invalid"));
}

/* --- Mixed sets, PKIX, unusable, limits --- */

static void
test_pkix_and_unknown(void **state)
{
	const struct tcert *chain[] = { &c_leaf, &c_ca };
	struct tlsa_rr set[3];

	(void)state;
	rr_of(&set[0], 0, 0, 1, &c_ca);
	rr_of(&set[1], 1, 1, 1, &c_leaf);
	assert_int_equal(run(set, 2, chain, 2, mx, 1), 0);
	assert_false(res.ok);
	assert_int_equal(res.pkix_ignored, 2);
	assert_int_equal(res.usable, 0);
	assert_int_equal(res.rec[0].outcome, DANE_REC_PKIX);
	assert_non_null(strstr(res.why, "no usable TLSA records"));
	rr_of(&set[2], 4, 1, 1, &c_leaf);
	assert_int_equal(run(&set[2], 1, chain, 2, mx, 1), 0);
	assert_false(res.ok);
	assert_int_equal(res.unusable, 1);
	assert_int_equal(res.rec[0].outcome, DANE_REC_UNUSABLE);
	assert_non_null(strstr(res.rec[0].why, "unknown certificate usage"));
}

static void
test_mixed_set(void **state)
{
	const struct tcert *chain[] = { &c_leaf, &c_ca };
	static const char *const wrong[] = { "mail.example.test" };
	struct tlsa_rr set[5];

	(void)state;
	rr_of(&set[0], 1, 1, 1, &c_leaf);
	rr_of(&set[1], 4, 1, 1, &c_leaf);
	rr_of(&set[2], 3, 1, 1, &c_other);
	rr_of(&set[3], 2, 1, 1, &c_ca);
	rr_of(&set[4], 3, 1, 1, &c_leaf);
	/* With a wrong name the DANE-TA record fails, the DANE-EE record still matches. */
	assert_int_equal(run(set, 5, chain, 2, wrong, 1), 0);
	assert_true(res.ok);
	assert_int_equal(res.nrec, 5);
	assert_int_equal(res.usable, 3);
	assert_int_equal(res.matched, 1);
	assert_int_equal(res.pkix_ignored, 1);
	assert_int_equal(res.unusable, 1);
	assert_int_equal(res.matched_usage, 3);
	assert_int_equal(res.rec[2].outcome, DANE_REC_NOMATCH);
	assert_int_equal(res.rec[3].outcome, DANE_REC_TA_FAILED);
	assert_int_equal(res.rec[4].outcome, DANE_REC_MATCHED);
	/* Without the matching DANE-EE record the failure names the TA's reason. */
	assert_int_equal(run(set, 4, chain, 2, wrong, 1), 0);
	assert_false(res.ok);
	assert_non_null(strstr(res.why, "2 1 1"));
	assert_non_null(strstr(res.why, "leaf names none"));
}

static void
test_limits_and_args(void **state)
{
	static struct tlsa_rr set[MAX_TLSA_RECORDS + 2];
	const struct tcert *chain[] = { &c_self };
	const uint8_t *der[MAX_CHAIN_CERTS + 1];
	size_t len[MAX_CHAIN_CERTS + 1], i;
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };

	(void)state;
	for (i = 0; i < MAX_TLSA_RECORDS + 2; i++)
		rr_of(&set[i], 3, 1, 1, &c_other);
	rr_of(&set[MAX_TLSA_RECORDS + 1], 3, 1, 1, &c_self);
	assert_int_equal(run(set, MAX_TLSA_RECORDS + 2, chain, 1, NULL, 0), 0);
	assert_true(res.truncated);
	assert_int_equal(res.nrec, MAX_TLSA_RECORDS);
	assert_false(res.ok);   /* the matching record lies beyond the limit */
	assert_non_null(strstr(res.why, "only the first"));
	/* A long chain is cut; the leaf still matches. */
	for (i = 0; i < MAX_CHAIN_CERTS + 1; i++) {
		der[i] = c_self.der;
		len[i] = c_self.len;
	}
	rr_of(&set[0], 3, 1, 1, &c_self);
	assert_int_equal(dane_match(set, 1, der, len, MAX_CHAIN_CERTS + 1, NULL, 0, &res), 0);
	assert_true(res.ok);
	assert_true(res.truncated);
	/* Bytes that are no certificate: only full-certificate data can match them. */
	der[0] = junk;
	len[0] = sizeof(junk);
	assert_int_equal(tlsa_parse((const uint8_t[]){ 3, 0, 0, 0x30, 0x03, 0x02, 0x01, 0x00 },
	    8, &set[0], NULL, 0), 0);
	assert_int_equal(dane_match(set, 1, der, len, 1, NULL, 0, &res), 0);
	assert_true(res.ok);
	rr_of(&set[0], 3, 1, 1, &c_self);
	assert_int_equal(dane_match(set, 1, der, len, 1, NULL, 0, &res), 0);
	assert_false(res.ok);
	/* No chain at all. */
	assert_int_equal(dane_match(set, 1, NULL, NULL, 0, NULL, 0, &res), 0);
	assert_false(res.ok);
	assert_non_null(strstr(res.why, "no certificate presented"));
	/* Bad arguments. */
	assert_int_equal(dane_match(set, 1, der, len, 1, NULL, 0, NULL), PEIL_EINVAL);
	assert_int_equal(dane_match(NULL, 1, der, len, 1, NULL, 0, &res), PEIL_EINVAL);
	assert_int_equal(dane_match(set, 1, NULL, len, 1, NULL, 0, &res), PEIL_EINVAL);
	assert_int_equal(dane_match(set, 1, der, len, 1, NULL, 1, &res), PEIL_EINVAL);
}

/* --- Rollover --- */

static void
test_rollover(void **state)
{
	struct tlsa_rr set[3];

	(void)state;
	rr_of(&set[0], 3, 1, 1, &c_self);
	assert_false(dane_rollover_ok(set, 1));
	rr_of(&set[1], 3, 1, 1, &c_other);
	assert_true(dane_rollover_ok(set, 2));
	rr_of(&set[1], 3, 1, 1, &c_self);          /* the same record twice */
	assert_false(dane_rollover_ok(set, 2));
	rr_of(&set[1], 3, 0, 1, &c_self);          /* same key, another form: two records */
	assert_true(dane_rollover_ok(set, 2));
	rr_of(&set[1], 2, 1, 1, &c_ca);            /* DANE-EE plus DANE-TA */
	assert_true(dane_rollover_ok(set, 2));
	rr_of(&set[0], 2, 0, 1, &c_root);          /* two DANE-TA only */
	assert_false(dane_rollover_ok(set, 2));
	rr_of(&set[0], 3, 1, 1, &c_self);
	rr_of(&set[1], 1, 1, 1, &c_other);         /* PKIX does not count */
	assert_false(dane_rollover_ok(set, 2));
	rr_of(&set[2], 4, 1, 1, &c_other);         /* nor an unknown usage */
	assert_false(dane_rollover_ok(set, 3));
	assert_false(dane_rollover_ok(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_unknown_values),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_ee_matches),
		cmocka_unit_test(test_ee_wrong),
		cmocka_unit_test(test_ee_ignores_name_and_dates),
		cmocka_unit_test(test_ta_matches),
		cmocka_unit_test(test_ta_wrong_name),
		cmocka_unit_test(test_ta_dates),
		cmocka_unit_test(test_ta_depths),
		cmocka_unit_test(test_pkix_and_unknown),
		cmocka_unit_test(test_mixed_set),
		cmocka_unit_test(test_limits_and_args),
		cmocka_unit_test(test_rollover),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
