/* fuzz_dmarc.c: libFuzzer target feeding raw bytes to the DMARC record parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dmarc.h"
#include "err.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* Checks one parsed URI: NUL-terminated strings within their arrays, a domain only for
 * mailto:, lower case and no final dot. */
static void
fuzz_dmarc_uri(const struct dmarc_uri *u, size_t n)
{
	size_t ul = strnlen(u->uri, sizeof(u->uri)), dl = strnlen(u->domain, sizeof(u->domain)), i;

	if (ul == sizeof(u->uri) || dl == sizeof(u->domain) || ul == 0 || ul > n)
		__builtin_trap();
	if (u->mailto != (dl > 0) || u->domain[dl > 0 ? dl - 1 : 0] == '.')
		__builtin_trap();
	for (i = 0; i < dl; i++)
		if (u->domain[i] >= 'A' && u->domain[i] <= 'Z')
			__builtin_trap();
}

static int fuzz_dmarc_strict(const uint8_t *d, size_t n);
static void fuzz_dmarc_rfc9989(const uint8_t *d, size_t n, int strict_rc);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_dmarc_rfc9989(d, n, fuzz_dmarc_strict(d, n));
	return 0;
}

/* The RFC 7489 parse; returns its rc. */
static int
fuzz_dmarc_strict(const uint8_t *d, size_t n)
{
	struct dmarc_record r;
	enum dmarc_reason reason;
	enum dmarc_policy e0, e1;
	char why[128];
	bool is;
	size_t i;
	int rc;

	is = dmarc_is_record(d, n);
	rc = dmarc_parse(d, n, &r, &reason, why, sizeof(why));
	e0 = dmarc_effective_policy(&r, false);
	e1 = dmarc_effective_policy(&r, true);
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	(void)dmarc_policy_name(e0);
	(void)dmarc_reason_name(reason);
	if (rc != 0) {
		/* A refusal has a class, a reason text, and leaves no URIs behind. */
		if (reason == DMARC_R_OK || why[0] == '\0' || r.nrua != 0 || r.nruf != 0)
			__builtin_trap();
		if (rc != PEIL_EINVAL && rc != PEIL_ETOOBIG)
			__builtin_trap();
		if (reason == DMARC_R_TOO_LONG && n <= MAX_DMARC_RECORD_LEN)
			__builtin_trap();
		return rc;
	}
	/* Every accepted record is a DMARC record with a policy, within all limits. */
	if (!is || reason != DMARC_R_OK || n > MAX_DMARC_RECORD_LEN || why[0] != '\0')
		__builtin_trap();
	if (r.nrua > MAX_DMARC_URIS || r.nruf > MAX_DMARC_URIS)
		__builtin_trap();
	if (r.p == DMARC_P_UNSET && r.nrua == 0)
		__builtin_trap();
	if (e0 == DMARC_P_UNSET || e1 == DMARC_P_UNSET)
		__builtin_trap();
	if (r.testing && (e0 == DMARC_P_REJECT || e1 == DMARC_P_REJECT))
		__builtin_trap();
	if (r.pct > 100 || (r.adkim != 'r' && r.adkim != 's') || (r.aspf != 'r' && r.aspf != 's'))
		__builtin_trap();
	if (r.psd != 0 && r.psd != 'y' && r.psd != 'n' && r.psd != 'u')
		__builtin_trap();
	for (i = 0; i < r.nrua; i++)
		fuzz_dmarc_uri(&r.rua[i], n);
	for (i = 0; i < r.nruf; i++)
		fuzz_dmarc_uri(&r.ruf[i], n);
	return 0;
}

/* The RFC 9989 parse: what the strict one accepts it accepts alike, with no error; what it
 * accepts has a policy in effect, every value in range, and its errors listed. */
static void
fuzz_dmarc_rfc9989(const uint8_t *d, size_t n, int strict_rc)
{
	struct dmarc_record r;
	enum dmarc_reason reason;
	char why[64];
	size_t i;
	int rc;

	rc = dmarc_parse_rfc9989(d, n, &r, &reason, why, sizeof(why));
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	if (strict_rc == 0 && (rc != 0 || r.nerrors != 0))
		__builtin_trap();
	if (rc != 0) {
		if (reason == DMARC_R_OK || why[0] == '\0' || r.nrua != 0 || r.nerrors != 0)
			__builtin_trap();
		return;
	}
	if (!dmarc_is_record(d, n) || !r.rfc9989 || why[0] != '\0')
		__builtin_trap();
	if (dmarc_effective_policy(&r, false) == DMARC_P_UNSET ||
	    dmarc_effective_policy(&r, true) == DMARC_P_UNSET)
		__builtin_trap();
	if (r.nrua > MAX_DMARC_URIS || r.nruf > MAX_DMARC_URIS || r.pct > 100)
		__builtin_trap();
	for (i = 0; i < r.nerrors && i < MAX_DMARC_TAG_ERRORS; i++)
		if (r.errors[i].reason == DMARC_R_OK ||
		    strnlen(r.errors[i].why, sizeof(r.errors[i].why)) == sizeof(r.errors[i].why))
			__builtin_trap();
	for (i = 0; i < r.nrua; i++)
		fuzz_dmarc_uri(&r.rua[i], n);
	for (i = 0; i < r.nruf; i++)
		fuzz_dmarc_uri(&r.ruf[i], n);
}
