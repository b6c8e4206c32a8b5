/* resolver.h: a libunbound validating resolver, queried one question at a time with a deadline. */
#ifndef PEIL_RESOLVER_H
#define PEIL_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

struct resolver_conf {
	const char *root_hints;     /* root hints file; NULL: libunbound's built-in hints */
	const char *trust_anchor;   /* DS/DNSKEY file for the root; NULL: no validation */
	const char *forwarder;      /* "ADDR[@PORT]": forward instead of recursing; NULL: recurse */
	bool ipv4, ipv6;            /* transports the resolver may use (at least one) */
	unsigned sockets;           /* UDP sockets a context may hold (outgoing-range); 0:
	                             * MAX_RESOLVER_SOCKETS; either way at most that, within the
	                             * process's file limit */
};

/* What libunbound said about one question. */
struct resolver_reply {
	int rcode;                  /* DNS rcode libunbound reports (SERVFAIL when bogus) */
	bool havedata, nxdomain;
	bool secure, bogus;         /* validation state; neither: insecure (or no trust anchor) */
	char why_bogus[MAX_WHY_BOGUS_LEN];  /* libunbound's reason when bogus, cut; else "" */
	uint8_t *pkt;               /* the answer message as libunbound built it (malloc'd), or NULL */
	size_t len;
};

struct resolver;

/* Makes a resolver. The resolvers of the process made with the same configuration share a
 * few libunbound contexts (one per processor, at most MAX_RESOLVER_CONTEXTS; each with its
 * cache, validated chains, servers known not to answer, and two threads: libunbound's and the
 * one receiving its answers); a context goes with the last resolver using it. A resolver is
 * used by one thread at a time (one per worker thread); resolver_new and resolver_free may
 * be called from any thread. NULL on error with the reason in err (a file that cannot be
 * read, a bad forwarder, no transport). Freed with resolver_free (accepts NULL). */
struct resolver *resolver_new(const struct resolver_conf *rc, char *err, size_t errlen);
void resolver_free(struct resolver *r);

/* True when a trust anchor is configured, i.e. secure/bogus states mean something. */
bool resolver_validating(const struct resolver *r);

/* Resolves `name` (presentation form) `type`/IN, waiting until `deadline_ms` (resolver_now_ms
 * clock) at most. On 0, *out holds the reply; the caller frees it with resolver_reply_clear.
 * Errors (reason in err, *out cleared): PEIL_ETIMEDOUT (deadline passed, query cancelled),
 * PEIL_EINVAL (name not accepted), PEIL_ETOOBIG (answer over 65535 bytes), PEIL_ENOMEM,
 * PEIL_EDNS (any other libunbound failure). */
int resolver_query(struct resolver *r, const char *name, uint16_t type, uint64_t deadline_ms,
    struct resolver_reply *out, char *err, size_t errlen);
/* Asks `name` `type`/IN without waiting for the answer: it goes to libunbound's cache, where
 * a resolver_query of the same question finds it, or joins the query still in flight. For
 * questions a run is about to ask one after another, so that they travel at once. Nothing is
 * returned: a prefetch that fails leaves the later resolver_query to ask, and to say why. */
void resolver_prefetch(struct resolver *r, const char *name, uint16_t type);
/* Frees the packet of a reply and zeroes it; accepts a zeroed reply. */
void resolver_reply_clear(struct resolver_reply *rep);

/* Milliseconds of a monotonic clock, the one deadlines are on. */
uint64_t resolver_now_ms(void);

#endif
