/* ipprefix.c: IPv4 and IPv6 prefixes: parse, make, print, compare. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "ipprefix.h"

static void
clear_host_bits(struct ipprefix *p)
{
	unsigned bytes = p->family == 4 ? 4 : 16;

	for (unsigned i = 0; i < 16; i++) {
		if (i >= bytes || i * 8 >= p->len)
			p->addr[i] = 0;
		else if (i * 8 + 8 > p->len)
			p->addr[i] &= (uint8_t)(0xff00u >> (p->len - i * 8));
	}
}

int
ipprefix_make(int family, const uint8_t *addr, unsigned len, struct ipprefix *out)
{
	memset(out, 0, sizeof(*out));
	if ((family != 4 && family != 6) || len > (family == 4 ? 32u : 128u))
		return PEIL_EINVAL;
	out->family = (uint8_t)family;
	out->len = (uint8_t)len;
	memcpy(out->addr, addr, family == 4 ? 4 : 16);
	clear_host_bits(out);
	return 0;
}

int
ipprefix_parse(const char *s, size_t n, bool allow_host, struct ipprefix *out,
    char *why, size_t whylen)
{
	char a[INET6_ADDRSTRLEN + 1];
	const char *slash = memchr(s, '/', n);
	size_t alen = slash != NULL ? (size_t)(slash - s) : n;
	unsigned long len = 0;
	uint8_t buf[16];
	int family;

	memset(out, 0, sizeof(*out));
	/* inet_pton stops at a NUL: "192.0.2.1\0junk" must not read as 192.0.2.1 */
	if (alen == 0 || alen >= sizeof(a) || memchr(s, '\0', alen) != NULL) {
		err_set(why, whylen, "not an address");
		return PEIL_EINVAL;
	}
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (inet_pton(AF_INET, a, buf) == 1)
		family = 4;
	else if (inet_pton(AF_INET6, a, buf) == 1)
		family = 6;
	else {
		err_set(why, whylen, "not an address");
		return PEIL_EINVAL;
	}
	if (slash == NULL) {
		if (!allow_host) {
			err_set(why, whylen, "no prefix length");
			return PEIL_EINVAL;
		}
		len = family == 4 ? 32 : 128;
	} else {
		size_t i = alen + 1;

		if (i == n || n - i > 3) {
			err_set(why, whylen, "bad prefix length");
			return PEIL_EINVAL;
		}
		for (; i < n; i++) {
			if (s[i] < '0' || s[i] > '9') {
				err_set(why, whylen, "bad prefix length");
				return PEIL_EINVAL;
			}
			len = len * 10 + (unsigned long)(s[i] - '0');
		}
		if (len > (family == 4 ? 32u : 128u)) {
			err_set(why, whylen, "prefix length %lu too long for IPv%d", len, family);
			return PEIL_EINVAL;
		}
	}
	ipprefix_make(family, buf, (unsigned)len, out);
	if (memcmp(out->addr, buf, family == 4 ? 4 : 16) != 0) {
		memset(out, 0, sizeof(*out));
		err_set(why, whylen, "host bits set past /%lu", len);
		return PEIL_EINVAL;
	}
	return 0;
}

void
ipprefix_text(const struct ipprefix *p, char out[IPPREFIX_TEXT_LEN])
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(out, IPPREFIX_TEXT_LEN, "%s/%u", a, p->len);
}

bool
ipprefix_covers(const struct ipprefix *outer, const struct ipprefix *inner)
{
	unsigned full, rest;

	if (outer->family != inner->family || outer->len > inner->len)
		return false;
	full = outer->len / 8;
	rest = outer->len % 8;
	if (memcmp(outer->addr, inner->addr, full) != 0)
		return false;
	return rest == 0 ||
	    ((outer->addr[full] ^ inner->addr[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}
