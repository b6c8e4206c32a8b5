/* domain.h: a domain as a user or a target list gives it, checked and converted to the
 * name peil probes (lower-case A-labels, no final dot) before any probing. */
#ifndef PEIL_DOMAIN_H
#define PEIL_DOMAIN_H

#include <stddef.h>

#include "limits.h"

/* Checks `in` (`len` bytes, UTF-8) and writes the name to probe into out[MAX_DOMAIN_LEN + 1]:
 * an IDN is converted to its A-labels (IDNA2008 with UTS #46 nontransitional mapping, so
 * upper case is folded), ASCII is lower-cased, one final dot dropped. Refuses an empty name,
 * an IP address, a name that is not a host name (spaces, '*', empty or long labels, a label
 * starting or ending with '-', all-digit last label) and a bare public suffix (libpsl,
 * including the implicit '*' rule: every single label). Returns 0, or PEIL_EINVAL with a
 * one-line reason in why. */
int domain_input(const char *in, size_t len, char *out, char *why, size_t whylen);

#endif
