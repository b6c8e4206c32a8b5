/* fuzz_securitytxt.c: libFuzzer target for the security.txt parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "limits.h"
#include "securitytxt.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static struct sectxt st;

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char why[128];
	size_t f, k;
	time_t t;
	int rc = sectxt_parse(d, n, (time_t)1767225600, &st, why, sizeof(why));

	(void)sectxt_datetime((const char *)d, n, &t);
	(void)sectxt_langtag(d, n);
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	if (rc != 0) {
		if (why[0] == '\0' || (rc != PEIL_EINVAL && rc != PEIL_ETOOBIG) || st.nlines != 0 ||
		    st.valid)
			__builtin_trap();
		if (rc == PEIL_ETOOBIG && n <= MAX_SECTXT_BYTES)
			__builtin_trap();
		return 0;
	}
	if (n > MAX_SECTXT_BYTES || st.valid != (st.nerrors == 0) ||
	    st.nkept_errors > MAX_SECTXT_ERRORS || st.nkept_errors > st.nerrors)
		__builtin_trap();
	if (st.valid && (st.fields[SECTXT_F_CONTACT].n == 0 ||
	    st.fields[SECTXT_F_EXPIRES].n != 1 || !st.expires_ok || st.expired ||
	    st.fields[SECTXT_F_PREFERRED_LANGUAGES].n > 1))
		__builtin_trap();
	for (f = 0; f < SECTXT_F_COUNT; f++) {
		const struct sectxt_field *fl = &st.fields[f];

		(void)sectxt_field_name((enum sectxt_field_id)f);
		if (fl->nkept > MAX_SECTXT_VALUES || fl->nkept > fl->n)
			__builtin_trap();
		for (k = 0; k < fl->nkept; k++)
			if (strnlen(fl->values[k], sizeof(fl->values[k])) == sizeof(fl->values[k]) ||
			    fl->lines[k] == 0 || fl->lines[k] > st.nlines)
				__builtin_trap();
	}
	if (sectxt_canon_name(sectxt_canonical(&st,
	    "https://example.com/.well-known/security.txt"))[0] == '?' ||
	    (st.fields[SECTXT_F_CANONICAL].n == 0) != (sectxt_canonical(&st, "") ==
	    SECTXT_CANON_NONE))
		__builtin_trap();
	for (k = 0; k < st.nkept_errors; k++)
		if (st.errors[k].line > st.nlines || sectxt_err_name(st.errors[k].code)[0] == '?')
			__builtin_trap();
	return 0;
}
