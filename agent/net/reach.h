/* reach.h: is an address reachable? TCP connects and DNS queries to many addresses at once. */
#ifndef PEIL_REACH_H
#define PEIL_REACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

enum reach_kind {
	REACH_TCP,        /* a TCP connect to addr:port, closed at once */
	REACH_DNS,        /* a DNS query (qname/qtype) to addr:port over UDP; on no answer or a
	                   * truncated one, again over TCP */
};

/* One probe and, after reach_run, its outcome. */
struct reach_item {
	/* in */
	char addr[64];                /* numeric IPv4 or IPv6 address */
	uint16_t port;
	/* out */
	bool ok;                      /* TCP: connected; DNS: a well-formed answer to our query
	                               * came back (any rcode) */
	bool via_tcp;                 /* DNS: the answer came over TCP (UDP failed or truncated) */
	int rcode;                    /* DNS: the answer's rcode (extended by OPT); -1: none */
	unsigned ms;                  /* time taken to the outcome */
	char why[128];                /* on failure: "connection refused", "no answer within 3000
	                               * ms", "network unreachable", "malformed answer", ... For
	                               * DNS over TCP "udp: ...; tcp: ..."; when ok came over TCP,
	                               * why UDP was not enough ("udp: truncated") */
};

/* Runs every item at once (at most MAX_REACH_PARALLEL sockets open at a time), each bounded
 * by timeout_ms (for DNS: UDP and TCP each get timeout_ms / 2), the whole call by
 * n * timeout_ms at most. qname/qtype are used for REACH_DNS only. Never sends to anything
 * but the items' addresses. Returns 0 (outcomes in the items), or PEIL_EINVAL (an address
 * that is not numeric, port 0, n over MAX_REACH_ITEMS, for DNS a qname that is not a
 * plain host or domain name) or PEIL_ENOMEM (or PEIL_EIO if poll() itself fails). A
 * timeout_ms of 0 means DEFAULT_REACH_TIMEOUT_MS. */
int reach_run(enum reach_kind kind, struct reach_item *items, size_t n, const char *qname,
    uint16_t qtype, unsigned timeout_ms);

/* Checks buf[0..len), untrusted bytes received in answer to the DNS query with this id and
 * one question qname (wire form, qnlen bytes, as sent) / qtype / IN. Returns 0 when it is an
 * answer to that query (*rcode: its rcode, extended by an OPT record; *tc: the TC bit; with
 * TC set only header and question are checked, the rest may be cut), PEIL_ENOENT when it is
 * not (short, other id, no QR, other opcode or question: to be ignored), PEIL_EINVAL when it
 * is but the rest is malformed (bad names, cut records, several OPTs, trailing bytes). */
int reach_dns_answer(const uint8_t *buf, size_t len, uint16_t id, const uint8_t *qname,
    size_t qnlen, uint16_t qtype, int *rcode, bool *tc);

#endif
