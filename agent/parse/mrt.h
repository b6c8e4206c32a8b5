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

/* A file read in pieces (net/routes.c: a RIB dump of a gigabyte is not held whole): what
 * crosses records, the last PEER_INDEX_TABLE's peers, and the counts. */
struct mrt_reader {
	uint32_t *peers;
	size_t npeers;
	struct mrt_stats st;
};

#define MRT_HEADER 12   /* timestamp, type, subtype, length */

void mrt_reader_init(struct mrt_reader *m);
void mrt_reader_free(struct mrt_reader *m);

/* Reads the whole records at the start of buf[0..len), which is at offset base of a file of
 * total bytes, as mrt_parse does; *used: the bytes they take. A record cut at len but whole
 * in the file is left for the next call, *need then the bytes it takes (MRT_HEADER while its
 * header is cut); one that the file cuts is the error mrt_parse gives. Errors as mrt_parse's,
 * *off from the file's start. */
int mrt_feed(struct mrt_reader *m, const uint8_t *buf, size_t len, size_t base, size_t total,
    size_t *used, size_t *need, pfx2as_cb cb, void *arg, size_t *off, char *why,
    size_t whylen);

#endif
