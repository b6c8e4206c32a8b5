/* fuzz_mtasts.c: libFuzzer target for the MTA-STS record and policy parsers and mx matching. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "limits.h"
#include "mtasts.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static struct mtasts_policy pol;

/* A refusal has a class and a reason text; the rc is one of the two the parsers return. */
static void
fuzz_mtasts_refusal(int rc, enum mtasts_reason reason, const char *why)
{
	if (reason == MTASTS_R_OK || why[0] == '\0' || (rc != PEIL_EINVAL && rc != PEIL_ETOOBIG))
		__builtin_trap();
}

static void
fuzz_mtasts_record(const uint8_t *d, size_t n)
{
	struct mtasts_record r;
	enum mtasts_reason reason;
	char why[128];
	size_t i, idl;
	bool is = mtasts_is_record(d, n);
	int rc = mtasts_record_parse(d, n, &r, &reason, why, sizeof(why));

	(void)mtasts_reason_name(reason);
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	if (rc != 0) {
		fuzz_mtasts_refusal(rc, reason, why);
		if (r.id[0] != '\0' || r.next != 0)
			__builtin_trap();
		if (reason == MTASTS_R_TOO_LONG && n <= MAX_MTASTS_RECORD_LEN)
			__builtin_trap();
		return;
	}
	/* accepted: a record with an id of 1..32 letters and digits */
	idl = strnlen(r.id, sizeof(r.id));
	if (!is || reason != MTASTS_R_OK || why[0] != '\0' || idl == 0 || idl > MAX_MTASTS_ID_LEN)
		__builtin_trap();
	for (i = 0; i < idl; i++)
		if (!((r.id[i] >= '0' && r.id[i] <= '9') || (r.id[i] >= 'a' && r.id[i] <= 'z') ||
		    (r.id[i] >= 'A' && r.id[i] <= 'Z')))
			__builtin_trap();
}

static void
fuzz_mtasts_policy(const uint8_t *d, size_t n)
{
	static const char *const hosts[] = { "mail.example.com", "a.b.example.net.", "", "x",
	    "MAIL.EXAMPLE.COM" };
	enum mtasts_reason reason;
	char why[128], name[MAX_DOMAIN_LEN + 3];
	size_t i, nl;
	int rc = mtasts_policy_parse(d, n, &pol, &reason, why, sizeof(why));

	(void)mtasts_mode_name(pol.mode);
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (mtasts_mx_match(&pol, hosts[i]) && rc != 0)
			__builtin_trap();
	if (rc != 0) {
		fuzz_mtasts_refusal(rc, reason, why);
		if (pol.nmx != 0 || pol.mode != MTASTS_MODE_UNSET)
			__builtin_trap();
		if (reason == MTASTS_R_TOO_LONG && n <= MAX_MTASTS_POLICY_BYTES)
			__builtin_trap();
		return;
	}
	if (reason != MTASTS_R_OK || why[0] != '\0' || n > MAX_MTASTS_POLICY_BYTES)
		__builtin_trap();
	if (pol.mode == MTASTS_MODE_UNSET || pol.max_age > MAX_MTASTS_MAX_AGE)
		__builtin_trap();
	if (pol.nmx > MAX_MTASTS_MX || (pol.nmx == 0 && pol.mode != MTASTS_MODE_NONE))
		__builtin_trap();
	/* every pattern is a clean name, and matches the host it describes */
	for (i = 0; i < pol.nmx; i++) {
		const struct mtasts_mx *mx = &pol.mx[i];

		nl = strnlen(mx->name, sizeof(mx->name));
		if (nl == 0 || nl > MAX_DOMAIN_LEN || mx->name[nl - 1] == '.' || mx->name[0] == '.')
			__builtin_trap();
		if (memchr(mx->name, '*', nl) != NULL)
			__builtin_trap();
		if (!mx->wildcard) {
			if (!mtasts_mx_match(&pol, mx->name))
				__builtin_trap();
		} else if (nl + 2 <= MAX_DOMAIN_LEN) {
			name[0] = 'q';
			name[1] = '.';
			memcpy(name + 2, mx->name, nl + 1);
			if (!mtasts_mx_match(&pol, name))
				__builtin_trap();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_mtasts_record(d, n);
	fuzz_mtasts_policy(d, n);
	return 0;
}
