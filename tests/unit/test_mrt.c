/* test_mrt.c: our MRT TABLE_DUMP_V2 reader: hand-made records (every origin rule, skipped
 * types, extended lengths), corrupt and truncated files (an error with the offset, never a
 * crash), and a cross-check against bgpdump (a tool nobody here wrote) on files written by
 * tests/unit/mrt_write.py from RFC 6396: bgpdump -m's view, read back through our bgpdump-line
 * parser, equals our MRT reader's and the writer's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "mrt.h"
#include "routes.h"
#include "skip.h"

/* ---- a byte builder for hand-made records ---- */
struct bb {
	uint8_t b[8192];
	size_t n;
};

static void
put8(struct bb *b, unsigned v)
{
	assert_true(b->n < sizeof(b->b));
	b->b[b->n++] = (uint8_t)v;
}

static void
put16(struct bb *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void
put32(struct bb *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

static void
putn(struct bb *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* Appends a record header with its body. */
static void
rec(struct bb *out, unsigned type, unsigned sub, const struct bb *body)
{
	put32(out, 1700000000);
	put16(out, type);
	put16(out, sub);
	put32(out, (uint32_t)body->n);
	putn(out, body->b, body->n);
}

/* A PEER_INDEX_TABLE: peer 0 192.0.2.1 AS 64496 (2-byte), peer 1 2001:db8::1 AS 4200000000. */
static void
peer_table(struct bb *out)
{
	static struct bb b;
	const uint8_t v4[4] = { 192, 0, 2, 1 };
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	v6[15] = 1;
	b.n = 0;
	put32(&b, 0xc0000201);
	put16(&b, 4);
	putn(&b, "peil", 4);
	put16(&b, 2);
	put8(&b, 0);          /* IPv4, 2-byte AS */
	put32(&b, 1);
	putn(&b, v4, 4);
	put16(&b, 64496);
	put8(&b, 3);          /* IPv6, 4-byte AS */
	put32(&b, 2);
	putn(&b, v6, 16);
	put32(&b, 4200000000u);
	rec(out, MRT_TABLE_DUMP_V2, MRT_PEER_INDEX_TABLE, &b);
}

/* An AS_PATH attribute from segments given as (type, count, AS...), ending with type 0. */
static void
aspath(struct bb *a, int ext, ...)
{
	struct bb v = { .n = 0 };
	va_list ap;
	unsigned t;

	va_start(ap, ext);
	while ((t = va_arg(ap, unsigned)) != 0) {
		unsigned n = va_arg(ap, unsigned);

		put8(&v, t);
		put8(&v, n);
		for (unsigned i = 0; i < n; i++)
			put32(&v, va_arg(ap, uint32_t));
	}
	va_end(ap);
	put8(a, ext ? 0x50 : 0x40);
	put8(a, 2);
	if (ext)
		put16(a, (unsigned)v.n);
	else
		put8(a, (unsigned)v.n);
	putn(a, v.b, v.n);
}

/* A RIB entry of peer `peer` with attributes a. */
static void
entry(struct bb *rib, unsigned peer, const struct bb *a)
{
	put16(rib, peer);
	put32(rib, 1699990000);
	put16(rib, (unsigned)a->n);
	putn(rib, a->b, a->n);
}

struct got {
	struct pfx2as_route r[64];
	size_t n;
};

static int
collect(void *arg, const struct pfx2as_route *r)
{
	struct got *g = arg;

	assert_true(g->n < 64);
	g->r[g->n++] = *r;
	return 0;
}

static void
check_route(const struct pfx2as_route *r, const char *pfx, int cut, ...)
{
	char t[IPPREFIX_TEXT_LEN];
	va_list ap;
	uint32_t as;
	size_t n = 0;

	ipprefix_text(&r->prefix, t);
	assert_string_equal(t, pfx);
	va_start(ap, cut);
	/* the list ends at a 0 after the first origin (which may be 0: NONE, an AS_SET) */
	while ((as = va_arg(ap, uint32_t)) != 0 || n == 0) {
		assert_true(n < r->norigins);
		assert_int_equal(r->origins[n], as);
		n++;
	}
	va_end(ap);
	assert_int_equal(r->norigins, n);
	assert_int_equal(r->origins_cut, cut != 0);
}

#define A(x) ((uint32_t)(x))

static void
build_sample(struct bb *f)
{
	struct bb rib = { .n = 0 }, a = { .n = 0 }, other = { .n = 0 };

	f->n = 0;
	peer_table(f);
	/* 198.51.100.0/24: peer 0 "64500 64501", peer 1 "64500 {64503,64502}" */
	put32(&rib, 0);
	put8(&rib, 24);
	putn(&rib, "\xc6\x33\x64", 3);
	put16(&rib, 2);
	put8(&a, 0x40);
	put8(&a, 1);
	put8(&a, 1);
	put8(&a, 0);          /* ORIGIN IGP */
	aspath(&a, false, 2u, 2u, A(64500), A(64501), 0u);
	entry(&rib, 0, &a);
	a.n = 0;
	aspath(&a, true, 2u, 1u, A(64500), 1u, 2u, A(64503), A(64502), 0u);
	/* a second AS_PATH: ignored (the first counts, RFC 7606) */
	aspath(&a, false, 2u, 1u, A(1), 0u);
	entry(&rib, 1, &a);
	rec(f, MRT_TABLE_DUMP_V2, MRT_RIB_IPV4_UNICAST, &rib);
	/* skipped: RIB_IPV4_MULTICAST, RIB_GENERIC, TABLE_DUMP v1, BGP4MP, an unknown type */
	put32(&other, 0);
	rec(f, MRT_TABLE_DUMP_V2, 3, &other);
	rec(f, MRT_TABLE_DUMP_V2, 6, &other);
	rec(f, 12, 1, &other);
	rec(f, 16, 4, &other);
	rec(f, 999, 0, &other);
	/* 2001:db8:1::/48 with trailing bits set in the last prefix byte (irrelevant): peer 1's
	 * empty path (its own AS), peer 0's final confederation segment (its AS) */
	rib.n = 0;
	put32(&rib, 1);
	put8(&rib, 47);
	putn(&rib, "\x20\x01\x0d\xb8\x00\x01", 6);
	put16(&rib, 3);
	a.n = 0;
	aspath(&a, false, 0u);
	entry(&rib, 1, &a);
	a.n = 0;
	aspath(&a, false, 2u, 1u, A(64510), 3u, 1u, A(64511), 0u);
	entry(&rib, 0, &a);
	a.n = 0;           /* no AS_PATH at all: the peer's own */
	entry(&rib, 0, &a);
	rec(f, MRT_TABLE_DUMP_V2, MRT_RIB_IPV6_UNICAST, &rib);
	/* 0.0.0.0/0 from peer 0: a set as the path's last segment, after an empty set */
	rib.n = 0;
	put32(&rib, 2);
	put8(&rib, 0);
	put16(&rib, 1);
	a.n = 0;
	aspath(&a, false, 2u, 1u, A(4294967295u), 1u, 1u, A(7), 1u, 0u, 0u);
	entry(&rib, 0, &a);
	rec(f, MRT_TABLE_DUMP_V2, MRT_RIB_IPV4_UNICAST, &rib);
}

static void
test_mrt_sample(void **state)
{
	static struct bb f;
	static struct got g;
	struct mrt_stats st;
	char why[200];
	size_t off;

	(void)state;
	build_sample(&f);
	assert_true(mrt_sniff(f.b, f.n));
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, &st, &off, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_int_equal(g.n, 3);
	check_route(&g.r[0], "198.51.100.0/24", false, A(0), A(64501), A(0));
	check_route(&g.r[1], "2001:db8::/47", false, A(64496), A(4200000000u), A(0));
	check_route(&g.r[2], "0.0.0.0/0", false, A(0), A(0));
	assert_int_equal(st.records, 9);
	assert_int_equal(st.ribs, 3);
	assert_int_equal(st.entries, 6);
	assert_int_equal(st.skipped, 5);
	assert_int_equal(st.peers, 2);
	assert_false(mrt_sniff((const uint8_t *)"1.0.0.0\t24\t13335\n", 17));
	assert_false(mrt_sniff((const uint8_t *)"TABLE_DUMP2|1|B|", 16));
}

/* More origins than MAX_ROUTE_ORIGINS in one RIB record: the lowest kept, cut said. */
static void
test_mrt_many_origins(void **state)
{
	static struct bb f, rib, a;
	static struct got g;
	char why[200];
	size_t off;

	(void)state;
	f.n = rib.n = 0;
	g.n = 0;
	peer_table(&f);
	put32(&rib, 0);
	put8(&rib, 8);
	put8(&rib, 10);
	put16(&rib, MAX_ROUTE_ORIGINS + 3);
	for (unsigned i = 0; i < MAX_ROUTE_ORIGINS + 3; i++) {
		a.n = 0;
		aspath(&a, false, 2u, 1u, A(100 + (i * 7) % (MAX_ROUTE_ORIGINS + 3)), 0u);
		entry(&rib, i % 2, &a);
	}
	rec(&f, MRT_TABLE_DUMP_V2, MRT_RIB_IPV4_UNICAST, &rib);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, NULL, &off, why, sizeof(why)), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].norigins, MAX_ROUTE_ORIGINS);
	assert_true(g.r[0].origins_cut);
	for (unsigned i = 0; i < MAX_ROUTE_ORIGINS; i++)
		assert_int_equal(g.r[0].origins[i], 100 + i);
}

/* RFC 8050 ADD-PATH RIBs: a path identifier in each entry; the same peer twice. */
static void
test_mrt_addpath(void **state)
{
	static struct bb f, rib, a;
	static struct got g;
	struct mrt_stats st;
	char why[200];
	size_t off;

	(void)state;
	f.n = rib.n = 0;
	g.n = 0;
	peer_table(&f);
	put32(&rib, 0);
	put8(&rib, 16);
	putn(&rib, "\xc0\xa8", 2);
	put16(&rib, 2);
	for (unsigned i = 0; i < 2; i++) {
		a.n = 0;
		aspath(&a, false, 2u, 2u, A(64496), A(64600 + i), 0u);
		put16(&rib, 0);
		put32(&rib, 1699990000);
		put32(&rib, i + 1);     /* path identifier */
		put16(&rib, (unsigned)a.n);
		putn(&rib, a.b, a.n);
	}
	rec(&f, MRT_TABLE_DUMP_V2, MRT_RIB_IPV4_UNICAST_ADDPATH, &rib);
	rib.n = 0;
	put32(&rib, 1);
	put8(&rib, 32);
	putn(&rib, "\x20\x01\x0d\xb8", 4);
	put16(&rib, 1);
	a.n = 0;
	aspath(&a, false, 2u, 1u, A(64700), 0u);
	put16(&rib, 1);
	put32(&rib, 1699990000);
	put32(&rib, 7);
	put16(&rib, (unsigned)a.n);
	putn(&rib, a.b, a.n);
	rec(&f, MRT_TABLE_DUMP_V2, MRT_RIB_IPV6_UNICAST_ADDPATH, &rib);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, &st, &off, why, sizeof(why)), 0);
	assert_int_equal(g.n, 2);
	check_route(&g.r[0], "192.168.0.0/16", false, A(64600), A(64601), A(0));
	check_route(&g.r[1], "2001:db8::/32", false, A(64700), A(0));
	assert_int_equal(st.ribs, 2);
	assert_int_equal(st.entries, 3);
	/* read as the plain form, the path identifier would run the entry past its record */
	f.b[60 + 6 + 1] = MRT_RIB_IPV4_UNICAST;
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, &st, &off, why, sizeof(why)),
	    PEIL_EINVAL);
}

/* Corrupt records: an error naming the offset of the fault. */
static void
test_mrt_errors(void **state)
{
	static struct bb f, rib, a;
	static struct got g;
	char why[200];
	size_t off, base;

	(void)state;
	/* a truncated header */
	assert_int_equal(mrt_parse((const uint8_t *)"\0\0\0\0\0\x0d\0\x02\0", 9, collect, &g, NULL,
	    &off, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(off, 0);
	assert_string_equal(why, "MRT header truncated (9 bytes left)");

	/* a record longer than the file */
	f.n = 0;
	peer_table(&f);
	base = f.n;
	put32(&f, 0);
	put16(&f, 13);
	put16(&f, 2);
	put32(&f, 100);
	put32(&f, 0);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, NULL, &off, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(off, base + 8);
	assert_string_equal(why, "MRT record length 100 past the end of the file (4 bytes left)");

	/* a RIB before any PEER_INDEX_TABLE */
	f.n = rib.n = a.n = 0;
	put32(&rib, 0);
	put8(&rib, 8);
	put8(&rib, 10);
	put16(&rib, 1);
	aspath(&a, false, 2u, 1u, A(1), 0u);
	entry(&rib, 0, &a);
	rec(&f, 13, 2, &rib);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, NULL, &off, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(off, 12 + 8);
	assert_string_equal(why, "RIB entry: peer index 0, the PEER_INDEX_TABLE has 0");

	/* an IPv4 prefix length of 33 */
	f.n = rib.n = 0;
	peer_table(&f);
	base = f.n;
	put32(&rib, 0);
	put8(&rib, 33);
	put32(&rib, 0);
	put8(&rib, 0);
	put16(&rib, 0);
	rec(&f, 13, 2, &rib);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, NULL, &off, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(off, base + 12 + 4);
	assert_string_equal(why, "RIB: prefix length 33 too long for IPv4");

	/* an attribute longer than its entry: a 1-byte length of 200 with 4 bytes left */
	f.n = rib.n = a.n = 0;
	peer_table(&f);
	base = f.n;
	put32(&rib, 0);
	put8(&rib, 8);
	put8(&rib, 10);
	put16(&rib, 1);
	put8(&a, 0x40);
	put8(&a, 2);
	put8(&a, 200);
	put32(&a, 0);
	entry(&rib, 0, &a);
	rec(&f, 13, 2, &rib);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, NULL, &off, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(off, base + 12 + 8 + 8);
	assert_string_equal(why, "attribute 2: length 200 past the entry's end (4 bytes left)");

	/* an AS_PATH segment of 3 ASes in 8 bytes */
	f.n = rib.n = a.n = 0;
	peer_table(&f);
	base = f.n;
	put32(&rib, 0);
	put8(&rib, 8);
	put8(&rib, 10);
	put16(&rib, 1);
	put8(&a, 0x40);
	put8(&a, 2);
	put8(&a, 10);
	put8(&a, 2);
	put8(&a, 3);
	put32(&a, 1);
	put32(&a, 2);
	entry(&rib, 0, &a);
	rec(&f, 13, 2, &rib);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, NULL, &off, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(off, base + 12 + 8 + 8 + 3);
	assert_string_equal(why, "AS_PATH segment of 3 ASes past the attribute's end (8 bytes "
	    "left)");

	/* a segment type 5 */
	f.n = rib.n = a.n = 0;
	peer_table(&f);
	put32(&rib, 0);
	put8(&rib, 8);
	put8(&rib, 10);
	put16(&rib, 1);
	aspath(&a, false, 5u, 1u, A(1), 0u);
	entry(&rib, 0, &a);
	rec(&f, 13, 2, &rib);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, NULL, &off, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_string_equal(why, "AS_PATH segment type 5");

	/* bytes after the last entry; a peer table claiming more peers than fit */
	f.n = rib.n = 0;
	peer_table(&f);
	base = f.n;
	put32(&rib, 0);
	put8(&rib, 8);
	put8(&rib, 10);
	put16(&rib, 0);
	put8(&rib, 0xee);
	rec(&f, 13, 2, &rib);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, NULL, &off, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(off, base + 12 + 8);
	assert_string_equal(why, "RIB: 1 bytes after the last entry");
	f.n = rib.n = 0;
	put32(&rib, 0);
	put16(&rib, 0);
	put16(&rib, 1000);
	rec(&f, 13, 1, &rib);
	assert_int_equal(mrt_parse(f.b, f.n, collect, &g, NULL, &off, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(off, 12 + 6);
	assert_string_equal(why, "PEER_INDEX_TABLE: 1000 peers do not fit in 0 bytes");
}

/* Every truncation of a good file is either a whole-record prefix (loads) or an error at an
 * offset inside what was given; every one-byte corruption is judged without a crash. */
static void
test_mrt_truncated(void **state)
{
	static struct bb f;
	static struct got g;
	size_t bounds[16], nb = 0, o = 0;
	char why[200];
	size_t off;

	(void)state;
	build_sample(&f);
	while (o < f.n) {
		bounds[nb++] = o;
		o += 12 + ((size_t)f.b[o + 8] << 24 | (size_t)f.b[o + 9] << 16 |
		    (size_t)f.b[o + 10] << 8 | f.b[o + 11]);
	}
	for (size_t cut = 0; cut < f.n; cut++) {
		bool boundary = false;
		int rc;

		for (size_t i = 0; i < nb; i++)
			boundary |= bounds[i] == cut;
		g.n = 0;
		rc = mrt_parse(f.b, cut, collect, &g, NULL, &off, why, sizeof(why));
		if (boundary) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, PEIL_EINVAL);
			assert_true(off < cut || cut == 0);
			assert_true(why[0] != '\0');
		}
	}
	for (size_t i = 0; i < f.n; i++) {
		static struct bb c;

		c = f;
		c.b[i] ^= 0x5a;
		g.n = 0;
		(void)mrt_parse(c.b, c.n, collect, &g, NULL, &off, why, sizeof(why));
		assert_true(off <= c.n);
	}
}

/* The route table reads MRT, found by its header, and says the offset of a corrupt one. */
static void
test_mrt_routes(void **state)
{
	static struct bb f;
	char path[] = "/tmp/peil_mrt_XXXXXX";
	int fd = mkstemp(path);
	struct routes_conf rc = { path, ROUTES_AUTO, 0 };
	struct routes_status st;
	struct routes *r;
	struct route out;
	char err[256], want[300];
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 };
	uint8_t a4[4] = { 198, 51, 100, 200 };

	(void)state;
	assert_true(fd >= 0);
	build_sample(&f);
	assert_int_equal(write(fd, f.b, f.n), (ssize_t)f.n);
	r = routes_open(&rc, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	routes_status(r, &st);
	assert_int_equal(st.format, ROUTES_MRT);
	assert_int_equal(st.routes, 3);
	assert_int_equal(routes_lookup(r, 6, a6, &out), 0);
	assert_int_equal(out.prefix.len, 47);
	assert_int_equal(out.norigins, 2);
	assert_int_equal(routes_lookup(r, 4, a4, &out), 0);
	assert_int_equal(out.prefix.len, 24);
	assert_int_equal(out.norigins, 2);
	assert_int_equal(out.origins[0], 0);          /* NONE: an AS_SET ends a path */
	assert_int_equal(out.origins[1], 64501);
	a4[0] = 11;
	assert_int_equal(routes_lookup(r, 4, a4, &out), 0);
	assert_int_equal(out.prefix.len, 0);
	assert_int_equal(out.origins[0], 0);
	routes_close(r);
	/* cut inside the second record's header (the first, the peer table, is 60 bytes) */
	assert_int_equal(ftruncate(fd, 63), 0);
	assert_null(routes_open(&rc, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: offset 60: MRT header truncated (3 bytes left)", path);
	assert_string_equal(err, want);
	close(fd);
	unlink(path);
}

/* ---- the cross-check against bgpdump ---- */

/* A table: routes of distinct prefixes after finish(), sorted. */
struct tab {
	struct pfx2as_route *r;
	size_t n, cap;
};

static int
tab_add(void *arg, const struct pfx2as_route *r)
{
	struct tab *t = arg;

	if (t->n > 0 && memcmp(&t->r[t->n - 1].prefix, &r->prefix, sizeof(r->prefix)) == 0) {
		for (size_t i = 0; i < r->norigins; i++)
			pfx2as_add_origin(&t->r[t->n - 1], r->origins[i]);
		t->r[t->n - 1].origins_cut |= r->origins_cut;
		return 0;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->r = realloc(t->r, t->cap * sizeof(*t->r));
		assert_non_null(t->r);
	}
	t->r[t->n++] = *r;
	return 0;
}

static int
route_cmp(const void *a, const void *b)
{
	const struct pfx2as_route *x = a, *y = b;

	if (x->prefix.family != y->prefix.family)
		return x->prefix.family < y->prefix.family ? -1 : 1;
	int c = memcmp(x->prefix.addr, y->prefix.addr, 16);

	if (c != 0)
		return c;
	return x->prefix.len < y->prefix.len ? -1 : x->prefix.len > y->prefix.len;
}

static void
tab_finish(struct tab *t)
{
	struct tab u = { NULL, 0, 0 };

	qsort(t->r, t->n, sizeof(*t->r), route_cmp);
	for (size_t i = 0; i < t->n; i++)
		tab_add(&u, &t->r[i]);
	free(t->r);
	*t = u;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void
tab_same(const struct tab *a, const struct tab *b, const char *what)
{
	if (a->n != b->n)
		fail_msg("%s: %zu routes against %zu", what, a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		char t[IPPREFIX_TEXT_LEN];

		ipprefix_text(&a->r[i].prefix, t);
		if (route_cmp(&a->r[i], &b->r[i]) != 0 || a->r[i].norigins != b->r[i].norigins ||
		    memcmp(a->r[i].origins, b->r[i].origins,
		    a->r[i].norigins * sizeof(uint32_t)) != 0)
			fail_msg("%s: route %zu (%s) differs", what, i, t);
	}
}

static void
test_bgpdump_crosscheck(void **state)
{
	char dir[] = "/tmp/peil_mrtx_XXXXXX", cmd[1024], p_mrt[128], p_truth[128], p_bgp[128];
	uint8_t *b;
	size_t len, where;
	char why[200];

	(void)state;
	if (system("command -v bgpdump >/dev/null 2>&1") != 0)
		SKIP_OR_FAIL("bgpdump is not installed (deploy/install-deps.sh installs it)");
	assert_non_null(mkdtemp(dir));
	snprintf(p_mrt, sizeof(p_mrt), "%s/rib.mrt", dir);
	snprintf(p_truth, sizeof(p_truth), "%s/rib.truth", dir);
	snprintf(p_bgp, sizeof(p_bgp), "%s/rib.bgpdump", dir);
	for (int seed = 1; seed <= 3; seed++) {
		struct tab truth = { NULL, 0, 0 }, mrt = { NULL, 0, 0 }, bgp = { NULL, 0, 0 };
		struct mrt_stats st;
		FILE *f;
		char line[8192];

		snprintf(cmd, sizeof(cmd), "python3 %s/tests/unit/mrt_write.py %d 1500 %s %s",
		    PEIL_SOURCE_DIR, seed, p_mrt, p_truth);
		assert_int_equal(system(cmd), 0);
		snprintf(cmd, sizeof(cmd), "bgpdump -m %s > %s 2>/dev/null", p_mrt, p_bgp);
		assert_int_equal(system(cmd), 0);

		/* the writer's own truth */
		f = fopen(p_truth, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			struct pfx2as_route r;
			char *sp = strchr(line, ' '), *s;

			memset(&r, 0, sizeof(r));
			assert_non_null(sp);
			assert_int_equal(ipprefix_parse(line, (size_t)(sp - line), false, &r.prefix,
			    NULL, 0), 0);
			for (s = sp + 1; *s != '\0' && *s != '\n'; s += *s == ',') {
				char *e;

				pfx2as_add_origin(&r, (uint32_t)strtoul(s, &e, 10));
				s = e;
			}
			tab_add(&truth, &r);
		}
		fclose(f);
		tab_finish(&truth);
		assert_int_equal(truth.n, 1500);

		b = slurp(p_mrt, &len);
		assert_int_equal(mrt_parse(b, len, tab_add, &mrt, &st, &where, why, sizeof(why)), 0);
		free(b);
		assert_int_equal(st.skipped, 1);
		tab_finish(&mrt);

		b = slurp(p_bgp, &len);
		if (pfx2as_parse(PFX2AS_BGPDUMP, b, len, tab_add, &bgp, &where, why,
		    sizeof(why)) != 0)
			fail_msg("bgpdump -m output line %zu: %s", where, why);
		free(b);
		tab_finish(&bgp);

		tab_same(&mrt, &truth, "our MRT reader against the writer");
		tab_same(&bgp, &truth, "bgpdump -m (read by our line parser) against the writer");
		tab_same(&mrt, &bgp, "our MRT reader against bgpdump -m");

		/* and the tables built from each file answer alike */
		{
			struct routes_conf c1 = { p_mrt, ROUTES_AUTO, 0 }, c2 = { p_bgp, ROUTES_AUTO, 0 };
			struct routes *r1 = routes_open(&c1, why, sizeof(why));
			struct routes *r2 = routes_open(&c2, why, sizeof(why));
			struct routes_status s1, s2;

			assert_non_null(r1);
			assert_non_null(r2);
			routes_status(r1, &s1);
			routes_status(r2, &s2);
			assert_int_equal(s1.format, ROUTES_MRT);
			assert_int_equal(s2.format, ROUTES_BGPDUMP);
			assert_int_equal(s1.routes, truth.n);
			assert_int_equal(s2.routes, truth.n);
			for (size_t i = 0; i < truth.n; i++) {
				struct route o1, o2;
				uint8_t a[16];
				int family = truth.r[i].prefix.family;

				memcpy(a, truth.r[i].prefix.addr, 16);
				a[family == 4 ? 3 : 15] |= (uint8_t)i;   /* some host inside */
				int rc1 = routes_lookup(r1, family, a, &o1);
				int rc2 = routes_lookup(r2, family, a, &o2);

				assert_int_equal(rc1, rc2);
				if (rc1 == 0) {
					assert_memory_equal(&o1.prefix, &o2.prefix, sizeof(o1.prefix));
					assert_int_equal(o1.norigins, o2.norigins);
					assert_memory_equal(o1.origins, o2.origins,
					    o1.norigins * sizeof(uint32_t));
				}
			}
			routes_close(r1);
			routes_close(r2);
		}
		free(truth.r);
		free(mrt.r);
		free(bgp.r);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mrt_sample),
		cmocka_unit_test(test_mrt_many_origins),
		cmocka_unit_test(test_mrt_addpath),
		cmocka_unit_test(test_mrt_errors),
		cmocka_unit_test(test_mrt_truncated),
		cmocka_unit_test(test_mrt_routes),
		cmocka_unit_test(test_bgpdump_crosscheck),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
