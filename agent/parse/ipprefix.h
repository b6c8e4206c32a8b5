/* ipprefix.h: an IPv4 or IPv6 prefix (address and length), as routes and VRPs name them. */
#ifndef PEIL_IPPREFIX_H
#define PEIL_IPPREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPPREFIX_TEXT_LEN 50   /* "ffff:...:ffff/128" and its NUL fit */

struct ipprefix {
	uint8_t family;     /* 4 or 6 */
	uint8_t len;        /* 0..32 or 0..128 */
	uint8_t addr[16];   /* network byte order; IPv4 in the first 4 bytes; bits past len zero */
};

/* Parses "ADDR/LEN" (or a bare address when allow_host: /32 or /128) of at most `n` bytes
 * (no NUL needed). Host bits set past LEN are an error (a route or VRP names a network).
 * Returns 0 or PEIL_EINVAL with the reason in why (may be NULL). */
int ipprefix_parse(const char *s, size_t n, bool allow_host, struct ipprefix *out,
    char *why, size_t whylen);
/* Makes a prefix of an address (family 4 or 6, 4 or 16 bytes) and a length; bits past len
 * are cleared. Returns 0, or PEIL_EINVAL for a bad family or a length too long for it. */
int ipprefix_make(int family, const uint8_t *addr, unsigned len, struct ipprefix *out);
/* "192.0.2.0/24", "2001:db8::/32" into out (IPPREFIX_TEXT_LEN bytes). */
void ipprefix_text(const struct ipprefix *p, char out[IPPREFIX_TEXT_LEN]);
/* True when `outer` covers `inner`: same family, outer->len <= inner->len and the first
 * outer->len bits equal. */
bool ipprefix_covers(const struct ipprefix *outer, const struct ipprefix *inner);

#endif
