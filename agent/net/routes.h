/* routes.h: the route-origin table this vantage sees: which prefix, announced by which origin
 * ASes, covers an address. Loaded from CAIDA pfx2as text, `bgpdump -m` output or an MRT
 * TABLE_DUMP_V2 RIB file (our own parser, agent/parse/mrt.c); reloaded when the file changes,
 * atomically: a file that does not load keeps the previous table and says why (file and line
 * or offset). One table per process, shared by every worker thread: thread-safe. */
#ifndef PEIL_ROUTES_H
#define PEIL_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipprefix.h"
#include "limits.h"

enum routes_format { ROUTES_AUTO, ROUTES_PFX2AS, ROUTES_BGPDUMP, ROUTES_MRT };

struct routes_conf {
	const char *file;             /* the route-origin file */
	enum routes_format format;    /* ROUTES_AUTO: MRT by its header, else by the first line */
	unsigned check_s;             /* look for a changed file at most this often; 0:
	                               * DEFAULT_ROUTES_CHECK_S */
};

struct routes;

/* Loads the table. NULL with the reason in err ("FILE:LINE: reason", "FILE: offset N:
 * reason", "FILE: N routes, more than MAX_ROUTES") when the first load fails. */
struct routes *routes_open(const struct routes_conf *rc, char *err, size_t errlen);
void routes_close(struct routes *r);

/* Reloads when the file changed (size, mtime or inode) and check_s passed since the last look
 * (force: look now). A file that does not load keeps the table in use; routes_status says why.
 * Returns 0 (kept or replaced), or PEIL_ENOMEM. */
int routes_refresh(struct routes *r, bool force);

struct route {
	struct ipprefix prefix;       /* the most specific prefix covering the address */
	size_t norigins;              /* distinct origin ASes announcing it, sorted ascending */
	uint32_t origins[MAX_ROUTE_ORIGINS];
	bool origins_cut;             /* more origins than MAX_ROUTE_ORIGINS were announced */
};

/* Longest-prefix match of one address (family 4 or 6, 4 or 16 bytes): 0 with *out, or
 * PEIL_ENOENT when no route covers it (unrouted from this vantage). */
int routes_lookup(struct routes *r, int family, const uint8_t *addr, struct route *out);

struct routes_status {
	char file[256];
	enum routes_format format;
	uint64_t routes;              /* prefixes in the table in use */
	uint64_t loaded_at;           /* unix seconds the table in use was loaded */
	char why[256];                /* why the last reload failed ("" when it did not) */
};
void routes_status(struct routes *r, struct routes_status *st);

/* Tests: the piece a route-origin file is read in (0: the default, 1 MiB; at least
 * MAX_ROUTE_LINE + 2 bytes). */
void routes_set_test_piece(size_t n);

#endif
