/* mrt.h: our reader of MRT routing dumps (RFC 6396), untrusted files: TABLE_DUMP_V2's
 * PEER_INDEX_TABLE and RIB_IPV4_UNICAST / RIB_IPV6_UNICAST records (and their RFC 8050
 * ADD-PATH forms), each RIB entry's AS_PATH (4-byte AS numbers, RFC 6396 4.3.4) giving the
 * origin: the last AS of a final AS_SEQUENCE, NONE for a final AS_SET, the peer's AS for
 * an empty path or a final confederation segment. Other types and subtypes (RIB_GENERIC, the
 * multicast RIBs, BGP4MP, TABLE_DUMP v1) are skipped and counted. */
#ifndef PEIL_MRT_H
#define PEIL_MRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pfx2as.h"

#define MRT_TABLE_DUMP_V2        13
#define MRT_PEER_INDEX_TABLE     1
#define MRT_RIB_IPV4_UNICAST     2
#define MRT_RIB_IPV6_UNICAST     4
#define MRT_RIB_IPV4_UNICAST_ADDPATH 8    /* RFC 8050: entries carry a path identifier */
#define MRT_RIB_IPV6_UNICAST_ADDPATH 10

struct mrt_stats {
	uint64_t records;     /* MRT records read */
	uint64_t ribs;        /* RIB_IPV4_UNICAST and RIB_IPV6_UNICAST records (ADD-PATH too) */
	uint64_t entries;     /* RIB entries in them */
	uint64_t skipped;     /* records of other types or subtypes */
	uint64_t peers;       /* peers of the last PEER_INDEX_TABLE */
};

/* True when buf starts like an MRT record (a known MRT type; text has no NUL there). */
bool mrt_sniff(const uint8_t *buf, size_t len);

/* Reads a whole file of `len` bytes, calling cb once per RIB record with its prefix and the
 * union of its entries' origins. Returns 0, the callback's non-zero value, or PEIL_EINVAL
 * with *off (the byte offset in buf of what is wrong) and the reason in why: a truncated
 * record, a length past what remains (record, prefix, entry, attribute, segment), a prefix
 * length too long for its family, a peer index outside the PEER_INDEX_TABLE, trailing bytes.
 * st (may be NULL) gets the counts. */
int mrt_parse(const uint8_t *buf, size_t len, pfx2as_cb cb, void *arg, struct mrt_stats *st,
    size_t *off, char *why, size_t whylen);

#endif
