/* domain.c: the domain a user gives, checked and converted (IDN to A-labels) before probing. */
#include <arpa/inet.h>
#include <idn2.h>
#include <libpsl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsans.h"
#include "domain.h"
#include "err.h"

static int
refuse(char *why, size_t whylen, const char *what)
{
	snprintf(why, whylen, "%s", what);
	return PEIL_EINVAL;
}

/* Why `name` (ASCII, lower case, no final dot) is not a host name, or NULL. */
static const char *
hostname_why(const char *name)
{
	size_t n = strlen(name), lab = 0;
	const char *last;

	if (n > MAX_DOMAIN_LEN)
		return "longer than 253 characters";
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch == ' ' || ch == '\t')
			return "contains a space";
		if (ch == '*')
			return "contains '*' (a wildcard is not a domain)";
		if (ch == '.') {
			if (lab == 0)
				return "has an empty label";
			lab = 0;
			continue;
		}
		if (++lab > 63)
			return "has a label longer than 63 characters";
	}
	if (lab == 0)
		return "has an empty label";
	last = strrchr(name, '.');
	last = last != NULL ? last + 1 : name;
	if (strspn(last, "0123456789") == strlen(last))
		return "ends in an all-digit label";
	if (!dnsans_hostname_ok(name))
		return "is not a host name (letters, digits and '-' only, no '-' at a label's "
		    "ends)";
	return NULL;
}

int
domain_input(const char *in, size_t len, char *out, char *why, size_t whylen)
{
	char buf[MAX_DOMAIN_INPUT_LEN + 1];
	unsigned char a6[16];
	char *ace = NULL;
	const char *name, *bad;
	bool ascii = true;
	size_t n;
	int rc = PEIL_EINVAL;

	out[0] = '\0';
	if (len == 0)
		return refuse(why, whylen, "empty domain name");
	if (len > MAX_DOMAIN_INPUT_LEN)
		return refuse(why, whylen, "longer than a domain name can be");
	memcpy(buf, in, len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return refuse(why, whylen, "contains a NUL byte");
	if (len > 1 && buf[len - 1] == '.')
		buf[--len] = '\0';
	if (inet_pton(AF_INET, buf, a6) == 1 || inet_pton(AF_INET6, buf, a6) == 1)
		return refuse(why, whylen, "an IP address, not a domain name");
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch >= 0x80)
			ascii = false;
		else if (ch == ' ' || ch == '\t')
			return refuse(why, whylen, "contains a space");
		else if (ch < 0x20 || ch == 0x7f)
			return refuse(why, whylen, "contains a control character");
	}
	if (ascii) {
		for (size_t i = 0; i < len; i++)
			if (buf[i] >= 'A' && buf[i] <= 'Z')
				buf[i] = (char)(buf[i] - 'A' + 'a');
		name = buf;
	} else {
		int irc = idn2_to_ascii_8z(buf, &ace, IDN2_NONTRANSITIONAL);

		if (irc != IDN2_OK) {
			snprintf(why, whylen, "not a valid internationalized domain name (%s)",
			    idn2_strerror(irc));
			goto out;
		}
		name = ace;
	}
	if ((bad = hostname_why(name)) != NULL) {
		snprintf(why, whylen, "%s", bad);
		goto out;
	}
	n = strlen(name);
	{
		const psl_ctx_t *psl = psl_builtin();

		if (psl != NULL && psl_is_public_suffix2(psl, name, PSL_TYPE_ANY)) {
			snprintf(why, whylen, "a public suffix (a top-level domain or one under "
			    "which anyone registers), not a domain");
			goto out;
		}
	}
	memcpy(out, name, n + 1);
	rc = 0;
out:
	idn2_free(ace);
	return rc;
}
