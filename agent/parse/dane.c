/* dane.c: TLSA rdata parsing and DANE-EE / DANE-TA matching of a presented chain. */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "dane.h"
#include "err.h"

#define TLSA_TEXT_MAX_DATA 64   /* data bytes tlsa_text shows before cutting */
#define DANE_WHY_RR_LEN    48   /* record text inside a reason: hex cut short */

/* One certificate of the presented chain, decoded once for every record. */
struct dane_cert {
	const uint8_t *der;
	size_t derlen;
	X509 *x;                 /* NULL when the DER does not decode (only selector 0 can match) */
	unsigned char *spki;     /* DER SubjectPublicKeyInfo, OPENSSL_free; NULL if none */
	size_t spkilen;
};

static size_t
tlsa_digest_len(uint8_t mtype)
{
	switch (mtype) {
	case TLSA_MTYPE_SHA256: return 32;
	case TLSA_MTYPE_SHA512: return 64;
	}
	return 0;
}

int
tlsa_parse(const uint8_t *rdata, size_t len, struct tlsa_rr *out, char *why, size_t whylen)
{
	const char *note;
	size_t dlen, want;

	err_set(why, whylen, "%s", "");
	if (out == NULL || (rdata == NULL && len > 0)) {
		err_set(why, whylen, "no rdata or no output");
		return PEIL_EINVAL;
	}
	out->len = 0;
	if (len < 4) {
		err_set(why, whylen, "TLSA rdata of %zu bytes: shorter than usage, selector, "
		    "matching type and one byte of data", len);
		return PEIL_EINVAL;
	}
	dlen = len - 3;
	want = tlsa_digest_len(rdata[2]);
	if (want != 0 && dlen != want) {
		err_set(why, whylen, "matching type %u wants %zu bytes of data, got %zu",
		    rdata[2], want, dlen);
		return PEIL_EINVAL;
	}
	if (dlen > MAX_TLSA_DATA) {
		err_set(why, whylen, "%zu bytes of association data, over MAX_TLSA_DATA (%d)",
		    dlen, MAX_TLSA_DATA);
		return PEIL_ETOOBIG;
	}
	out->usage = rdata[0];
	out->selector = rdata[1];
	out->mtype = rdata[2];
	out->len = (uint16_t)dlen;
	memcpy(out->data, rdata + 3, dlen);
	note = tlsa_unusable(out);
	if (note != NULL)
		err_set(why, whylen, "%s", note);
	return 0;
}

const char *
tlsa_unusable(const struct tlsa_rr *rr)
{
	size_t want;

	switch (rr->usage) {
	case TLSA_USAGE_PKIX_TA: return "PKIX-TA usage, ignored for SMTP (RFC 7672 3.1.3)";
	case TLSA_USAGE_PKIX_EE: return "PKIX-EE usage, ignored for SMTP (RFC 7672 3.1.3)";
	case TLSA_USAGE_DANE_TA:
	case TLSA_USAGE_DANE_EE: break;
	default: return "unknown certificate usage";
	}
	if (rr->selector != TLSA_SELECTOR_CERT && rr->selector != TLSA_SELECTOR_SPKI)
		return "unknown selector";
	if (rr->mtype > TLSA_MTYPE_SHA512)
		return "unknown matching type";
	if (rr->len == 0 || rr->len > MAX_TLSA_DATA)
		return "association data empty or too long";
	want = tlsa_digest_len(rr->mtype);
	if (want != 0 && rr->len != want)
		return "association data length does not fit the matching type";
	return NULL;
}

void
tlsa_text(const struct tlsa_rr *rr, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t pos, avail, show, i, dots;
	bool cut = false;
	int w;

	if (buf == NULL || len == 0)
		return;
	w = snprintf(buf, len, "%u %u %u", rr->usage, rr->selector, rr->mtype);
	if (w < 0 || (size_t)w + 1 >= len || rr->len == 0)
		return;
	pos = (size_t)w;
	buf[pos++] = ' ';
	avail = len - pos - 1;   /* characters left before the NUL */
	show = rr->len <= MAX_TLSA_DATA ? rr->len : MAX_TLSA_DATA;
	if (show > TLSA_TEXT_MAX_DATA) {
		show = TLSA_TEXT_MAX_DATA;
		cut = true;
	}
	if (cut || 2 * show > avail) {
		cut = true;
		if (show > (avail >= 3 ? (avail - 3) / 2 : 0))
			show = avail >= 3 ? (avail - 3) / 2 : 0;
	}
	for (i = 0; i < show; i++) {
		buf[pos++] = hex[rr->data[i] >> 4];
		buf[pos++] = hex[rr->data[i] & 0x0f];
	}
	if (cut) {
		dots = len - pos - 1 < 3 ? len - pos - 1 : 3;
		for (i = 0; i < dots; i++)
			buf[pos++] = '.';
	}
	buf[pos] = '\0';
}

/* Whether the record's data equals the selected bytes, hashed as its matching type says. */
static bool
dane_data_matches(const struct tlsa_rr *rr, const unsigned char *p, size_t plen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *alg;

	if (p == NULL)
		return false;
	if (rr->mtype == TLSA_MTYPE_FULL)
		return plen == rr->len && memcmp(p, rr->data, plen) == 0;
	alg = rr->mtype == TLSA_MTYPE_SHA256 ? EVP_sha256() : EVP_sha512();
	if (EVP_Digest(p, plen, md, &mdlen, alg, NULL) != 1)
		return false;
	return mdlen == rr->len && memcmp(md, rr->data, mdlen) == 0;
}

static bool
dane_cert_matches(const struct tlsa_rr *rr, const struct dane_cert *c)
{
	if (rr->selector == TLSA_SELECTOR_CERT)
		return dane_data_matches(rr, c->der, c->derlen);
	return dane_data_matches(rr, c->spki, c->spkilen);
}

/* Decodes one presented certificate; a certificate that does not decode is kept as bytes. */
static void
dane_cert_load(struct dane_cert *c, const uint8_t *der, size_t derlen)
{
	const unsigned char *p = der;
	unsigned char *spki = NULL;
	int n;

	memset(c, 0, sizeof(*c));
	c->der = der;
	c->derlen = derlen;
	if (der == NULL || derlen == 0 || derlen > (size_t)INT32_MAX)
		return;
	c->x = d2i_X509(NULL, &p, (long)derlen);
	if (c->x != NULL && p != der + derlen) {
		/* Trailing bytes after the certificate: not what the server's TLS stack sent. */
		X509_free(c->x);
		c->x = NULL;
	}
	if (c->x == NULL)
		return;
	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(c->x), &spki);
	if (n > 0) {
		c->spki = spki;
		c->spkilen = (size_t)n;
	} else {
		OPENSSL_free(spki);
	}
}

/* Lets the chain verification pass over the trust anchor's own validity dates: the TA is
 * an anchor, not part of the path (RFC 5280 6.1, RFC 7671 5.2). */
static int
dane_verify_cb(int ok, X509_STORE_CTX *ctx)
{
	X509 *ta, *cur;
	int e;

	if (ok)
		return ok;
	e = X509_STORE_CTX_get_error(ctx);
	if (e != X509_V_ERR_CERT_HAS_EXPIRED && e != X509_V_ERR_CERT_NOT_YET_VALID)
		return ok;
	ta = X509_STORE_CTX_get_app_data(ctx);
	cur = X509_STORE_CTX_get_current_cert(ctx);
	if (ta != NULL && cur != NULL && X509_cmp(ta, cur) == 0 &&
	    X509_STORE_CTX_get_error_depth(ctx) > 0)
		return 1;
	return ok;
}

/* Verifies the chain from the leaf c[0] to the trust anchor c[ta] (the only one trusted),
 * then the leaf's name against `names`. Returns 0 with *good set and the reason in why when
 * not good, or PEIL_ENOMEM. */
static int
dane_ta_verify(const struct dane_cert *c, size_t nc, size_t ta, const char *const *names,
    size_t nnames, bool *good, char *why, size_t whylen)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *pool = NULL;
	char name[MAX_DOMAIN_LEN + 2];
	size_t i, nl;
	int rc, e;

	*good = false;
	if (c[0].x == NULL) {
		err_set(why, whylen, "leaf certificate does not decode");
		rc = 0;
		goto out;
	}
	store = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	pool = sk_X509_new_null();
	if (store == NULL || ctx == NULL || pool == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (X509_STORE_add_cert(store, c[ta].x) != 1) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (i = 1; i < nc; i++) {
		if (c[i].x != NULL && !sk_X509_push(pool, c[i].x)) {
			rc = PEIL_ENOMEM;
			goto out;
		}
	}
	if (X509_STORE_CTX_init(ctx, store, c[0].x, pool) != 1) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	/* The matched certificate need not be self-signed: it anchors wherever it sits. */
	X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN);
	X509_STORE_CTX_set_verify_cb(ctx, dane_verify_cb);
	X509_STORE_CTX_set_app_data(ctx, c[ta].x);
	if (X509_verify_cert(ctx) != 1) {
		e = X509_STORE_CTX_get_error(ctx);
		err_set(why, whylen, "TA at depth %zu, chain invalid: %s (depth %d)", ta,
		    X509_verify_cert_error_string(e), X509_STORE_CTX_get_error_depth(ctx));
		rc = 0;
		goto out;
	}
	for (i = 0; i < nnames; i++) {
		nl = names[i] != NULL ? strlen(names[i]) : 0;
		if (nl > 0 && names[i][nl - 1] == '.')
			nl--;   /* the DNS root dot is no part of the certificate's names */
		if (nl == 0 || nl >= sizeof(name))
			continue;
		memcpy(name, names[i], nl);
		name[nl] = '\0';
		if (X509_check_host(c[0].x, name, nl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
		    NULL) == 1) {
			*good = true;
			rc = 0;
			goto out;
		}
	}
	if (nnames == 0)
		err_set(why, whylen, "TA at depth %zu, chain valid, but no name to check", ta);
	else
		err_set(why, whylen, "TA at depth %zu, chain valid, leaf names none of %zu "
		    "(first %.40s)", ta, nnames, names[0] != NULL ? names[0] : "");
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(pool);
	X509_STORE_free(store);
	return rc;
}

/* Evaluates one usable DANE-EE or DANE-TA record against the chain. */
static int
dane_one(const struct tlsa_rr *rr, const struct dane_cert *c, size_t nc,
    const char *const *names, size_t nnames, struct dane_rec_result *r)
{
	size_t i;
	bool any = false, good;
	int rc;

	if (nc == 0) {
		r->outcome = DANE_REC_NOMATCH;
		err_set(r->why, sizeof(r->why), "no certificate presented");
		return 0;
	}
	if (rr->usage == TLSA_USAGE_DANE_EE) {
		/* RFC 7672 3.1.1: the leaf alone; its names and dates do not matter. */
		if (dane_cert_matches(rr, &c[0])) {
			r->outcome = DANE_REC_MATCHED;
			r->depth = 0;
			err_set(r->why, sizeof(r->why), "matches the leaf");
		} else {
			r->outcome = DANE_REC_NOMATCH;
			err_set(r->why, sizeof(r->why), "does not match the leaf %s",
			    rr->selector == TLSA_SELECTOR_SPKI ? "public key" : "certificate");
		}
		return 0;
	}
	/* DANE-TA: a certificate above the leaf, then a valid chain to it and a name. */
	for (i = 1; i < nc; i++) {
		if (c[i].x == NULL || !dane_cert_matches(rr, &c[i]))
			continue;
		any = true;
		r->depth = (int)i;
		rc = dane_ta_verify(c, nc, i, names, nnames, &good, r->why, sizeof(r->why));
		if (rc != 0)
			return rc;
		if (good) {
			r->outcome = DANE_REC_MATCHED;
			err_set(r->why, sizeof(r->why), "matches the TA at depth %zu; chain and "
			    "name valid", i);
			return 0;
		}
	}
	if (any) {
		r->outcome = DANE_REC_TA_FAILED;
		return 0;
	}
	r->outcome = DANE_REC_NOMATCH;
	if (nc == 1)
		err_set(r->why, sizeof(r->why), "no certificate above the leaf was presented");
	else if (rr->selector == TLSA_SELECTOR_SPKI && rr->mtype == TLSA_MTYPE_FULL)
		err_set(r->why, sizeof(r->why), "matches no certificate above the leaf (a TA "
		    "key absent from the chain is not supported)");
	else
		err_set(r->why, sizeof(r->why), "matches no certificate above the leaf");
	return 0;
}

int
dane_match(const struct tlsa_rr *set, size_t n, const uint8_t *const *der,
    const size_t *derlen, size_t nchain, const char *const *names, size_t nnames,
    struct dane_result *out)
{
	struct dane_cert c[MAX_CHAIN_CERTS];
	struct dane_rec_result *r;
	const struct dane_rec_result *first_fail = NULL, *first_ta_fail = NULL;
	char rrtxt[DANE_WHY_RR_LEN];
	size_t i, nc = 0, ifail = 0, itafail = 0;
	const char *note;
	int rc;

	if (out == NULL)
		return PEIL_EINVAL;
	memset(out, 0, sizeof(*out));
	out->matched_usage = -1;
	if ((set == NULL && n > 0) || ((der == NULL || derlen == NULL) && nchain > 0) ||
	    (names == NULL && nnames > 0)) {
		err_set(out->why, sizeof(out->why), "bad arguments");
		return PEIL_EINVAL;
	}
	out->nrec = n < MAX_TLSA_RECORDS ? n : MAX_TLSA_RECORDS;
	out->truncated = n > MAX_TLSA_RECORDS || nchain > MAX_CHAIN_CERTS;
	nc = nchain < MAX_CHAIN_CERTS ? nchain : MAX_CHAIN_CERTS;
	for (i = 0; i < nc; i++)
		dane_cert_load(&c[i], der[i], derlen[i]);

	for (i = 0; i < out->nrec; i++) {
		r = &out->rec[i];
		r->depth = -1;
		note = tlsa_unusable(&set[i]);
		if (set[i].usage == TLSA_USAGE_PKIX_TA || set[i].usage == TLSA_USAGE_PKIX_EE) {
			r->outcome = DANE_REC_PKIX;
			err_set(r->why, sizeof(r->why), "%s", note);
			out->pkix_ignored++;
			continue;
		}
		if (note != NULL) {
			r->outcome = DANE_REC_UNUSABLE;
			err_set(r->why, sizeof(r->why), "unusable: %s", note);
			out->unusable++;
			continue;
		}
		out->usable++;
		rc = dane_one(&set[i], c, nc, names, nnames, r);
		if (rc != 0) {
			err_set(out->why, sizeof(out->why), "%s", peil_strerror(rc));
			goto out;
		}
		if (r->outcome == DANE_REC_MATCHED) {
			if (out->matched++ == 0)
				out->matched_usage = set[i].usage;
		} else if (r->outcome == DANE_REC_TA_FAILED && first_ta_fail == NULL) {
			first_ta_fail = r;
			itafail = i;
		} else if (first_fail == NULL) {
			first_fail = r;
			ifail = i;
		}
	}

	out->ok = out->matched > 0;
	if (out->ok) {
		for (i = 0; out->rec[i].outcome != DANE_REC_MATCHED; i++)
			;
		tlsa_text(&set[i], rrtxt, sizeof(rrtxt));
		err_set(out->why, sizeof(out->why), "%zu of %zu usable TLSA records match; "
		    "first: %s %s (%s)", out->matched, out->usable, rrtxt, out->rec[i].why,
		    set[i].usage == TLSA_USAGE_DANE_EE ? "DANE-EE" : "DANE-TA");
	} else if (out->usable == 0) {
		err_set(out->why, sizeof(out->why), "no usable TLSA records (%zu PKIX ignored, "
		    "%zu unusable)", out->pkix_ignored, out->unusable);
	} else {
		/* A DANE-TA record that matched but failed says more than a plain mismatch. */
		if (first_ta_fail != NULL) {
			first_fail = first_ta_fail;
			ifail = itafail;
		}
		tlsa_text(&set[ifail], rrtxt, sizeof(rrtxt));
		err_set(out->why, sizeof(out->why), "none of %zu usable TLSA records match; "
		    "%s: %s", out->usable, rrtxt, first_fail != NULL ? first_fail->why : "");
	}
	if (out->truncated) {
		i = strlen(out->why);
		err_set(out->why + i, sizeof(out->why) - i, " (only the first %d records and %d "
		    "certificates examined)", MAX_TLSA_RECORDS, MAX_CHAIN_CERTS);
	}
	rc = 0;
out:
	for (i = 0; i < nc; i++) {
		X509_free(c[i].x);
		OPENSSL_free(c[i].spki);
	}
	ERR_clear_error();   /* leave no decoding or verification errors to the caller */
	return rc;
}

static bool
tlsa_same(const struct tlsa_rr *a, const struct tlsa_rr *b)
{
	return a->usage == b->usage && a->selector == b->selector && a->mtype == b->mtype &&
	    a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

bool
dane_rollover_ok(const struct tlsa_rr *set, size_t n)
{
	size_t i, j, ee = 0, ta = 0;
	bool dup;

	if (set == NULL)
		return false;
	if (n > MAX_TLSA_RECORDS)
		n = MAX_TLSA_RECORDS;
	for (i = 0; i < n; i++) {
		if (tlsa_unusable(&set[i]) != NULL)
			continue;
		if (set[i].usage == TLSA_USAGE_DANE_TA) {
			ta++;
			continue;
		}
		dup = false;
		for (j = 0; j < i && !dup; j++)
			dup = tlsa_same(&set[i], &set[j]);
		if (!dup)
			ee++;
	}
	return ee >= 2 || (ee >= 1 && ta >= 1);
}
