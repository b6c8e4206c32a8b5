/* pfx2as.h: route-origin text of untrusted files: CAIDA pfx2as lines ("PREFIX<TAB>LEN<TAB>ASN",
 * ASN "64496_64497" for several origins, "64496,64497" for an AS set, whose origin is NONE)
 * and `bgpdump -m` lines ("TABLE_DUMP2|ts|B|peer_ip|peer_as|prefix|as path|..."; the origin
 * is the last AS of the path, NONE when an AS set {a,b} ends it, the peer's AS for an empty
 * path). */
#ifndef PEIL_PFX2AS_H
#define PEIL_PFX2AS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipprefix.h"
#include "limits.h"

enum pfx2as_kind { PFX2AS_CAIDA, PFX2AS_BGPDUMP };

/* The origin of a route whose AS path ends in an AS_SET: NONE (RFC 6811 2.), which no VRP
 * matches, so such a route is invalid where a VRP covers it and not found elsewhere; written
 * as AS 0, which no VRP matches either (RFC 6483 4., RFC 7607). */
#define PFX2AS_ORIGIN_NONE 0u

/* One route of a line: its prefix and its origins, distinct and ascending; past
 * MAX_ROUTE_ORIGINS the lowest are kept and origins_cut is set. */
struct pfx2as_route {
	struct ipprefix prefix;
	size_t norigins;
	uint32_t origins[MAX_ROUTE_ORIGINS];
	bool origins_cut;
};

/* What one line is. */
enum pfx2as_line { PFX2AS_LINE_ROUTE, PFX2AS_LINE_SKIP };

/* Parses one line of `len` bytes (no newline; a trailing CR is ignored). A blank line or a
 * '#' comment is PFX2AS_LINE_SKIP, so is a bgpdump line that is not a RIB entry (BGP4MP
 * updates, state changes). Returns 0 with *kind (and *out for a route), or PEIL_EINVAL with
 * the reason in why: a bad prefix (longer than its family allows, host bits set), an AS over
 * 2^32-1, a missing field, a line over MAX_ROUTE_LINE bytes. */
int pfx2as_parse_line(enum pfx2as_kind k, const uint8_t *buf, size_t len,
    enum pfx2as_line *kind, struct pfx2as_route *out, char *why, size_t whylen);

/* Called for every route of a file; a non-zero return stops the parse and is returned. */
typedef int (*pfx2as_cb)(void *arg, const struct pfx2as_route *r);

/* Parses a whole file of `len` bytes line by line, calling cb for each route. Returns 0, the
 * callback's non-zero value, or PEIL_EINVAL with *line (1-based) and the reason in why. */
int pfx2as_parse(enum pfx2as_kind k, const uint8_t *buf, size_t len, pfx2as_cb cb, void *arg,
    size_t *line, char *why, size_t whylen);

/* Adds origin `as` to the ascending set r->origins (keeps the lowest MAX_ROUTE_ORIGINS, sets
 * origins_cut past that). */
void pfx2as_add_origin(struct pfx2as_route *r, uint32_t as);

#endif
