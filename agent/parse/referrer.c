/* referrer.c: Referrer-Policy value parser (W3C Referrer Policy 4.1). */
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "referrer.h"

static const char *const refpol_names[] = {
	"", "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
	"origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url", "unknown",
};

const char *
refpol_name(enum refpol p)
{
	if ((size_t)p >= sizeof(refpol_names) / sizeof(refpol_names[0]))
		return "unknown";
	return refpol_names[p];
}

const char *
referrer_inl_name(enum referrer_inl v)
{
	switch (v) {
	case REFERRER_INL_GOOD: return "good";
	case REFERRER_INL_RECOMMENDATION: return "recommendation";
	case REFERRER_INL_BAD: break;
	}
	return "bad";
}

const char *
referrer_reason_name(enum referrer_reason r)
{
	switch (r) {
	case REFERRER_R_OK: return "ok";
	case REFERRER_R_TOO_LONG: return "too-long";
	case REFERRER_R_BAD_CHAR: return "bad-char";
	}
	return "?";
}

static enum refpol
referrer_lookup(const uint8_t *p, size_t n)
{
	size_t k;

	if (n == 0)
		return REFPOL_EMPTY;
	for (k = REFPOL_NO_REFERRER; k < REFPOL_UNKNOWN; k++)
		if (strlen(refpol_names[k]) == n && memcmp(refpol_names[k], p, n) == 0)
			return (enum refpol)k;
	return REFPOL_UNKNOWN;
}

static void
referrer_token_set(struct referrer_token *t, const uint8_t *p, size_t n, enum refpol pol)
{
	size_t m = n < MAX_REFERRER_TOKEN_LEN ? n : MAX_REFERRER_TOKEN_LEN;

	memcpy(t->text, p, m);
	t->text[m] = '\0';
	t->truncated = m < n;
	t->policy = pol;
}

int
referrer_parse(const uint8_t *buf, size_t len, struct referrer *out,
    enum referrer_reason *reason, char *why, size_t whylen)
{
	enum referrer_reason r = REFERRER_R_OK;
	size_t i = 0, k;
	int rc = 0;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out == NULL || (buf == NULL && len > 0)) {
		rc = PEIL_EINVAL;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	if (len > MAX_REFERRER_HEADER_LEN) {
		r = REFERRER_R_TOO_LONG;
		rc = PEIL_ETOOBIG;
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "too-long: value over %d bytes (offset %d)",
			    MAX_REFERRER_HEADER_LEN, MAX_REFERRER_HEADER_LEN);
		goto out;
	}
	for (k = 0; k < len; k++)
		if ((buf[k] < 0x20 && buf[k] != '\t') || buf[k] == 0x7f) {
			r = REFERRER_R_BAD_CHAR;
			rc = PEIL_EINVAL;
			if (why != NULL && whylen > 0)
				snprintf(why, whylen, "bad-char: control byte (offset %zu)", k);
			goto out;
		}
	/* RFC 9110 5.6.1 list: split at ',', trim OWS; every element is a token, "" included */
	for (size_t s, n; list_next(buf, len, &i, &s, &n);) {
		enum refpol pol = referrer_lookup(buf + s, n);

		if (pol == REFPOL_UNKNOWN)
			out->nunknown++;
		else if (pol != REFPOL_EMPTY)
			out->effective = pol;
		if (out->nkept < MAX_REFERRER_TOKENS)
			referrer_token_set(&out->tokens[out->nkept++], buf + s, n, pol);
		referrer_token_set(&out->last, buf + s, n, pol);
		out->ntokens++;
	}
out:
	if (rc != 0 && out != NULL)
		memset(out, 0, sizeof(*out));
	if (reason != NULL)
		*reason = r;
	return rc;
}

enum referrer_inl
referrer_inl_verdict(const struct referrer *r)
{
	if (r == NULL || r->ntokens == 0 || (r->ntokens == 1 && r->last.policy == REFPOL_EMPTY))
		return REFERRER_INL_RECOMMENDATION; /* "no-policy" */
	if (r->last.truncated)
		return REFERRER_INL_BAD;
	switch (r->last.policy) {
	case REFPOL_NO_REFERRER:
	case REFPOL_SAME_ORIGIN:
		return REFERRER_INL_GOOD;
	case REFPOL_STRICT_ORIGIN:
	case REFPOL_STRICT_ORIGIN_WHEN_CROSS_ORIGIN:
		return REFERRER_INL_RECOMMENDATION;
	default:
		break;
	}
	return REFERRER_INL_BAD;
}
