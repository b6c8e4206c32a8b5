/* fuzz_csp.c: libFuzzer target for the Content-Security-Policy parser and internet.nl's
 * verdict. The first byte picks the domain judged against; the rest is the header value. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csp.h"
#include "err.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const char *const domains[] = { "internet.nl", "www.internet.nl", "a.b", "", "x." };
	struct csp_list *l = NULL;
	struct csp_verdict v;
	enum csp_reason reason;
	char why[128];
	const char *dom;
	size_t k, ndir = 0, nsrc = 0;
	int rc;

	if (n == 0)
		return 0;
	dom = domains[d[0] % 5];
	d++;
	n--;
	rc = csp_parse(d, n, &l, &reason, why, sizeof(why));
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	if (rc != 0) {
		if (l != NULL || reason == CSP_R_OK || why[0] == '\0' || rc != PEIL_ETOOBIG)
			__builtin_trap();
		if ((reason == CSP_R_TOO_LONG) != (n > MAX_CSP_BYTES))
			__builtin_trap();
		return 0;
	}
	if (l == NULL || reason != CSP_R_OK || why[0] != '\0' || l->len != n ||
	    l->npolicies > MAX_CSP_POLICIES || l->nsrc > MAX_CSP_SOURCES_TOTAL)
		__builtin_trap();
	for (k = 0; k < l->npolicies; k++) {
		const struct csp_policy *p = &l->policies[k];

		if (p->ndir == 0 || p->ndir > MAX_CSP_DIRECTIVES || p->first_dir != ndir)
			__builtin_trap();
		ndir += p->ndir;
	}
	if (ndir != l->ndirs)
		__builtin_trap();
	for (k = 0; k < l->ndirs; k++) {
		const struct csp_directive *dr = &l->dirs[k];

		if (dr->first_src != nsrc || dr->nsrc > MAX_CSP_SOURCES || dr->name_len == 0 ||
		    (size_t)dr->name_off + dr->name_len > n ||
		    strnlen(dr->name, sizeof(dr->name)) == sizeof(dr->name))
			__builtin_trap();
		for (size_t j = 0; dr->name[j] != '\0'; j++)
			if (dr->name[j] < 0x21 || dr->name[j] > 0x7e ||
			    (dr->name[j] >= 'A' && dr->name[j] <= 'Z'))
				__builtin_trap();
		for (size_t j = 0; j < dr->nsrc; j++) {
			const struct csp_source *s = &l->src[dr->first_src + j];

			if (s->len == 0 || (size_t)s->off + s->len > n)
				__builtin_trap();
		}
		nsrc += dr->nsrc;
	}
	if (nsrc != l->nsrc)
		__builtin_trap();
	csp_inl_verdict(l, dom, &v);
	if (v.inl == CSP_INL_NONE || (v.inl == CSP_INL_GOOD) != (v.fails == 0) ||
	    v.nkept > MAX_CSP_REASONS || v.nkept > v.nreasons ||
	    v.fails >= (1u << CSP_F_COUNT) || (v.fails == 0) != (v.nreasons == 0))
		__builtin_trap();
	for (k = 0; k < v.nkept; k++) {
		size_t m = strnlen(v.reasons[k], MAX_CSP_REASON_LEN);

		if (m == MAX_CSP_REASON_LEN)
			__builtin_trap();
		for (size_t j = 0; j < m; j++)
			if ((uint8_t)v.reasons[k][j] < 0x20 || (uint8_t)v.reasons[k][j] > 0x7e)
				__builtin_trap();
	}
	/* a good verdict needs default-src, frame-ancestors, base-uri, form-action somewhere */
	if (v.inl == CSP_INL_GOOD && l->npolicies == 0)
		__builtin_trap();
	csp_free(l);
	return 0;
}
