/* test_routes.c: the route-origin table: formats, multi-origin, longest-prefix match (against
 * a brute-force scan), reload (atomic, a bad file keeps the old table and says where),
 * MAX_ROUTES; a file read in pieces of any size gives the same table and the same errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "routes.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/peil_routes_XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to dir/name through a temporary file and a rename (as a writer should). */
static const char *
put(const char *name, const char *text)
{
	static char path[128];
	char tmp[140];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
	return path;
}

static struct routes *
open_text(const char *name, const char *text, enum routes_format fmt)
{
	struct routes_conf rc = { put(name, text), fmt, 1 };
	char err[256] = "";
	struct routes *r = routes_open(&rc, err, sizeof(err));

	if (r == NULL)
		fail_msg("routes_open: %s", err);
	return r;
}

/* Looks addr up; expects prefix text and the origins (0-terminated list), or ENOENT when
 * want is NULL. */
static void
expect(struct routes *r, const char *addr, const char *want, ...)
{
	uint8_t a[16];
	int family = strchr(addr, ':') != NULL ? 6 : 4;
	struct route out;
	char txt[IPPREFIX_TEXT_LEN];
	va_list ap;
	size_t n = 0;
	uint32_t as;
	int rc;

	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, addr, a), 1);
	rc = routes_lookup(r, family, a, &out);
	if (want == NULL) {
		if (rc != PEIL_ENOENT)
			fail_msg("%s: want unrouted, got rc %d", addr, rc);
		return;
	}
	if (rc != 0)
		fail_msg("%s: want %s, got rc %d", addr, want, rc);
	ipprefix_text(&out.prefix, txt);
	if (strcmp(txt, want) != 0)
		fail_msg("%s: want %s, got %s", addr, want, txt);
	va_start(ap, want);
	/* the list ends at a 0 after the first origin (which may be 0: NONE, an AS set) */
	while ((as = va_arg(ap, uint32_t)) != 0 || n == 0) {
		if (n >= out.norigins || out.origins[n] != as)
			fail_msg("%s: origin %zu: want %u, got %u (of %zu)", addr, n, as,
			    n < out.norigins ? out.origins[n] : 0, out.norigins);
		n++;
	}
	va_end(ap);
	if (n != out.norigins)
		fail_msg("%s: want %zu origins, got %zu", addr, n, out.norigins);
}

#define O(x) ((uint32_t)(x))

static void
test_pfx2as_lpm(void **state)
{
	struct routes *r;
	struct routes_status st;

	(void)state;
	r = open_text("a.pfx2as",
	    "# CAIDA routeviews-prefix2as\n"
	    "10.0.0.0\t8\t64496\n"
	    "10.1.0.0\t16\t64497\n"
	    "10.1.2.0\t24\t64498\n"
	    "10.1.2.128\t25\t64499_64500\n"
	    "192.0.2.0\t24\t64501,64502\n"
	    "198.51.100.7\t32\t4294967295\n"
	    "\n"
	    "2001:db8::\t32\t64510\n"
	    "2001:db8:1::\t48\t64511\n"
	    "2001:db8:1:2::\t64\t64512\n"
	    "2001:db8:1:2:8000::\t65\t64513\r\n"
	    "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\t128\t64514\n", ROUTES_AUTO);
	routes_status(r, &st);
	assert_int_equal(st.format, ROUTES_PFX2AS);
	assert_int_equal(st.routes, 11);
	assert_string_equal(st.why, "");
	assert_true(st.loaded_at > 0);
	expect(r, "10.1.2.200", "10.1.2.128/25", O(64499), O(64500), O(0));
	expect(r, "10.1.2.127", "10.1.2.0/24", O(64498), O(0));
	expect(r, "10.1.2.0", "10.1.2.0/24", O(64498), O(0));
	expect(r, "10.1.2.255", "10.1.2.128/25", O(64499), O(64500), O(0));
	expect(r, "10.1.3.0", "10.1.0.0/16", O(64497), O(0));
	expect(r, "10.1.1.255", "10.1.0.0/16", O(64497), O(0));
	expect(r, "10.0.0.0", "10.0.0.0/8", O(64496), O(0));
	expect(r, "10.255.255.255", "10.0.0.0/8", O(64496), O(0));
	expect(r, "10.2.0.0", "10.0.0.0/8", O(64496), O(0));
	expect(r, "11.0.0.0", NULL);
	expect(r, "9.255.255.255", NULL);
	expect(r, "0.0.0.0", NULL);
	expect(r, "255.255.255.255", NULL);
	expect(r, "192.0.2.77", "192.0.2.0/24", O(0), O(0));   /* an AS set: NONE */
	expect(r, "198.51.100.7", "198.51.100.7/32", O(4294967295u), O(0));
	expect(r, "198.51.100.6", NULL);
	expect(r, "198.51.100.8", NULL);
	expect(r, "2001:db8:1:2:8000::1", "2001:db8:1:2:8000::/65", O(64513), O(0));
	expect(r, "2001:db8:1:2::1", "2001:db8:1:2::/64", O(64512), O(0));
	expect(r, "2001:db8:1:3::", "2001:db8:1::/48", O(64511), O(0));
	expect(r, "2001:db8:ffff::", "2001:db8::/32", O(64510), O(0));
	expect(r, "2001:db9::", NULL);
	expect(r, "::", NULL);
	expect(r, "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", O(64514), O(0));
	expect(r, "3fff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", NULL);
	expect(r, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL);
	/* an IPv4 table does not answer for IPv6, nor the other way round */
	expect(r, "::a01:203", NULL);
	routes_close(r);
}

static void
test_default_routes(void **state)
{
	struct routes *r;

	(void)state;
	r = open_text("d.pfx2as", "0.0.0.0\t0\t1\n255.255.255.255\t32\t2\n::\t0\t3\n"
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\t128\t4\n0.0.0.0\t32\t5\n", ROUTES_PFX2AS);
	expect(r, "0.0.0.0", "0.0.0.0/32", O(5), O(0));
	expect(r, "0.0.0.1", "0.0.0.0/0", O(1), O(0));
	expect(r, "255.255.255.254", "0.0.0.0/0", O(1), O(0));
	expect(r, "255.255.255.255", "255.255.255.255/32", O(2), O(0));
	expect(r, "2001:db8::", "::/0", O(3), O(0));
	expect(r, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", O(4), O(0));
	expect(r, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "::/0", O(3), O(0));
	routes_close(r);
}

/* The same prefix on several lines (apart): one route, the union of its origins, sorted; more
 * than MAX_ROUTE_ORIGINS: the lowest kept and origins_cut set. */
static void
test_multi_origin(void **state)
{
	char text[4096];
	size_t o = 0;
	struct routes *r;
	struct routes_status st;
	struct route out;
	uint8_t a[4] = { 198, 51, 100, 1 };

	(void)state;
	o += (size_t)snprintf(text + o, sizeof(text) - o, "192.0.2.0\t24\t64502\n");
	o += (size_t)snprintf(text + o, sizeof(text) - o, "203.0.113.0\t24\t64600\n");
	o += (size_t)snprintf(text + o, sizeof(text) - o, "192.0.2.0\t24\t64501_64502\n");
	for (unsigned i = MAX_ROUTE_ORIGINS + 4; i > 0; i--)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "198.51.100.0\t24\t%u\n",
		    65000 + i);
	o += (size_t)snprintf(text + o, sizeof(text) - o, "192.0.2.0\t24\t64500\n");
	r = open_text("m.pfx2as", text, ROUTES_AUTO);
	routes_status(r, &st);
	assert_int_equal(st.routes, 3);
	expect(r, "192.0.2.1", "192.0.2.0/24", O(64500), O(64501), O(64502), O(0));
	assert_int_equal(routes_lookup(r, 4, a, &out), 0);
	assert_int_equal(out.norigins, MAX_ROUTE_ORIGINS);
	assert_true(out.origins_cut);
	for (unsigned i = 0; i < MAX_ROUTE_ORIGINS; i++)
		assert_int_equal(out.origins[i], 65001 + i);
	a[0] = 192;
	a[1] = 0;
	a[2] = 2;
	assert_int_equal(routes_lookup(r, 4, a, &out), 0);
	assert_false(out.origins_cut);
	routes_close(r);
}

static void
test_bgpdump(void **state)
{
	struct routes *r;
	struct routes_status st;

	(void)state;
	r = open_text("b.txt",
	    "TABLE_DUMP2|1700000000|B|192.0.2.1|64496|198.51.100.0/24|64496 64497 64498|IGP|"
	    "192.0.2.1|0|0||NAG||\n"
	    "TABLE_DUMP2|1700000000|B|192.0.2.2|64499|198.51.100.0/24|64499 64510|IGP|"
	    "192.0.2.2|0|0||NAG||\n"
	    "BGP4MP|1700000001|STATE|192.0.2.3|64500|1|6\n"
	    "TABLE_DUMP2|1700000000|B|192.0.2.1|64496|203.0.113.0/24|64496 {64520,64521}|INCOMPLETE|"
	    "192.0.2.1|0|0||AG||\n"
	    "TABLE_DUMP2|1700000000|B|192.0.2.1|64496|203.0.113.128/25||IGP|192.0.2.1|0|0||NAG||\n"
	    "TABLE_DUMP2|1700000000|B|2001:db8::1|64496|2001:db8:8000::/33|64496 1.10|IGP|"
	    "2001:db8::1|0|0||NAG||\n", ROUTES_AUTO);
	routes_status(r, &st);
	assert_int_equal(st.format, ROUTES_BGPDUMP);
	assert_int_equal(st.routes, 4);
	expect(r, "198.51.100.9", "198.51.100.0/24", O(64498), O(64510), O(0));
	expect(r, "203.0.113.1", "203.0.113.0/24", O(0), O(0));   /* a final AS set: NONE */
	/* an empty path: the peer's own route */
	expect(r, "203.0.113.129", "203.0.113.128/25", O(64496), O(0));
	expect(r, "2001:db8:8000::1", "2001:db8:8000::/33", O(65546), O(0));
	expect(r, "2001:db8::1", NULL);
	routes_close(r);
}

static void
test_open_errors(void **state)
{
	static const struct {
		const char *text;
		enum routes_format fmt;
		const char *err;   /* after "DIR/" */
	} cases[] = {
		{ "10.0.0.0\t8\t1\n192.0.2.0\t33\t2\n", ROUTES_AUTO,
		    "e.txt:2: prefix length 33 too long for IPv4" },
		{ "2001:db8::\t129\t2\n", ROUTES_AUTO, "e.txt:1: prefix length 129 too long for IPv6" },
		{ "10.0.0.0\t8\t1\n\n10.0.0.1\t8\t1\n", ROUTES_AUTO, "e.txt:3: host bits set past /8" },
		{ "10.0.0.0\t8\t4294967296\n", ROUTES_AUTO, "e.txt:1: AS number over 4294967295" },
		{ "# nothing\n\n", ROUTES_AUTO, "e.txt: no routes (pfx2as)" },
		{ "", ROUTES_AUTO, "e.txt: no routes (pfx2as)" },
		{ "TABLE_DUMP2|1|B|192.0.2.1|1|10.0.0.0/8|1 2|IGP\nx|y\n", ROUTES_AUTO,
		    "e.txt:2: not a bgpdump -m line (TABLE_DUMP2|...)" },
		{ "10.0.0.0\t8\t1\n", ROUTES_BGPDUMP, "e.txt:1: not a bgpdump -m line (TABLE_DUMP2|...)" },
	};
	char err[256], want[300];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct routes_conf rc = { put("e.txt", cases[i].text), cases[i].fmt, 0 };

		err[0] = '\0';
		assert_null(routes_open(&rc, err, sizeof(err)));
		snprintf(want, sizeof(want), "%s/%s", dir, cases[i].err);
		assert_string_equal(err, want);
	}
	{
		char line[MAX_ROUTE_LINE + 64];
		struct routes_conf rc = { NULL, ROUTES_AUTO, 0 };

		memset(line, ' ', sizeof(line));
		memcpy(line, "10.0.0.0\t8\t1\n", 13);
		line[sizeof(line) - 1] = '\0';
		rc.file = put("e.txt", line);
		assert_null(routes_open(&rc, err, sizeof(err)));
		snprintf(want, sizeof(want), "%s/e.txt:2: line longer than %d bytes", dir,
		    MAX_ROUTE_LINE);
		assert_string_equal(err, want);
		/* a FIFO (or a directory) is refused at once, not read until a writer comes */
		snprintf(want, sizeof(want), "%s/fifo", dir);
		(void)unlink(want);   /* test_pieces_text runs this again */
		assert_int_equal(mkfifo(want, 0600), 0);
		rc.file = want;
		assert_null(routes_open(&rc, err, sizeof(err)));
		assert_non_null(strstr(err, "fifo: not a regular file"));
		rc.file = dir;
		assert_null(routes_open(&rc, err, sizeof(err)));
		assert_non_null(strstr(err, ": not a regular file"));
		rc.file = "/nonexistent/peil/routes";
		assert_null(routes_open(&rc, err, sizeof(err)));
		assert_string_equal(err, "/nonexistent/peil/routes: No such file or directory");
	}
}

/* A bad file keeps the table in use and says why (file and line); a good one replaces it; an
 * unchanged file is not read again; check_s is kept. */
static void
test_reload(void **state)
{
	struct routes_conf rc = { NULL, ROUTES_AUTO, 3600 };
	struct routes_status st;
	struct routes *r;
	char err[256], want[300];

	(void)state;
	rc.file = put("r.txt", "192.0.2.0\t24\t64496\n");
	r = routes_open(&rc, err, sizeof(err));
	assert_non_null(r);
	expect(r, "192.0.2.1", "192.0.2.0/24", O(64496), O(0));

	put("r.txt", "192.0.2.0\t24\t64497\n198.51.100.0\t24\t1_x\n");
	/* check_s has not passed: not looked at */
	assert_int_equal(routes_refresh(r, false), 0);
	routes_status(r, &st);
	assert_string_equal(st.why, "");
	assert_int_equal(routes_refresh(r, true), 0);
	routes_status(r, &st);
	snprintf(want, sizeof(want), "%s/r.txt:2: bad AS number", dir);
	assert_string_equal(st.why, want);
	assert_int_equal(st.routes, 1);
	expect(r, "192.0.2.1", "192.0.2.0/24", O(64496), O(0));
	expect(r, "198.51.100.1", NULL);
	/* the same bad file again: still kept, still said */
	assert_int_equal(routes_refresh(r, true), 0);
	routes_status(r, &st);
	assert_string_equal(st.why, want);

	/* a file that vanished: kept, and said */
	snprintf(want, sizeof(want), "%s/r.txt", dir);
	assert_int_equal(unlink(want), 0);
	assert_int_equal(routes_refresh(r, true), 0);
	routes_status(r, &st);
	snprintf(want, sizeof(want), "%s/r.txt: No such file or directory", dir);
	assert_string_equal(st.why, want);
	expect(r, "192.0.2.1", "192.0.2.0/24", O(64496), O(0));

	put("r.txt", "TABLE_DUMP2|1|B|192.0.2.1|64499|198.51.100.0/24|64499 64500|IGP\n");
	assert_int_equal(routes_refresh(r, true), 0);
	routes_status(r, &st);
	assert_string_equal(st.why, "");
	assert_int_equal(st.format, ROUTES_BGPDUMP);
	assert_int_equal(st.routes, 1);
	expect(r, "192.0.2.1", NULL);
	expect(r, "198.51.100.1", "198.51.100.0/24", O(64500), O(0));
	routes_close(r);
}

/* Without force, the file is looked at once check_s has passed since the last look. */
static void
test_reload_check_s(void **state)
{
	struct routes_conf rc = { NULL, ROUTES_AUTO, 1 };
	struct routes *r;
	char err[256];

	(void)state;
	rc.file = put("c.txt", "192.0.2.0\t24\t1\n");
	r = routes_open(&rc, err, sizeof(err));
	assert_non_null(r);
	put("c.txt", "192.0.2.0\t24\t2\n");
	assert_int_equal(routes_refresh(r, false), 0);
	expect(r, "192.0.2.1", "192.0.2.0/24", O(1), O(0));
	usleep(1100 * 1000);
	assert_int_equal(routes_refresh(r, false), 0);
	expect(r, "192.0.2.1", "192.0.2.0/24", O(2), O(0));
	routes_close(r);
}

/* Readers never see half a table: two tables (every prefix of A announced by 1, of B by 2,
 * B's prefixes longer) swapped under a reader that checks each answer is wholly A's or B's. */
struct swap_arg {
	struct routes *r;
	atomic_bool stop;
	unsigned long lookups, bad;
};

static void *
swap_reader(void *p)
{
	struct swap_arg *s = p;
	uint32_t x = 12345;

	while (!atomic_load(&s->stop)) {
		uint8_t a[4] = { 10, (uint8_t)(x >> 8), (uint8_t)x, (uint8_t)(x >> 16) };
		struct route out;

		x = x * 1103515245u + 12345u;
		if (routes_lookup(s->r, 4, a, &out) != 0 || out.norigins != 1 ||
		    (out.origins[0] == 1 && out.prefix.len != 16) ||
		    (out.origins[0] == 2 && out.prefix.len != 24) ||
		    (out.origins[0] != 1 && out.origins[0] != 2))
			s->bad++;
		s->lookups++;
	}
	return NULL;
}

static void
test_reload_atomic(void **state)
{
	static char ta[256 * 24], tb[65536 * 26];
	struct routes_conf rc = { NULL, ROUTES_PFX2AS, 1 };
	struct swap_arg s;
	pthread_t th;
	char err[256];
	size_t o = 0;

	(void)state;
	for (unsigned i = 0; i < 256; i++)
		o += (size_t)snprintf(ta + o, sizeof(ta) - o, "10.%u.0.0\t16\t1\n", i);
	o = 0;
	for (unsigned i = 0; i < 65536; i++)
		o += (size_t)snprintf(tb + o, sizeof(tb) - o, "10.%u.%u.0\t24\t2\n", i >> 8, i & 255);
	rc.file = put("s.txt", ta);
	memset(&s, 0, sizeof(s));
	s.r = routes_open(&rc, err, sizeof(err));
	assert_non_null(s.r);
	assert_int_equal(pthread_create(&th, NULL, swap_reader, &s), 0);
	for (int i = 0; i < 20; i++) {
		put("s.txt", i % 2 == 0 ? tb : ta);
		assert_int_equal(routes_refresh(s.r, true), 0);
	}
	atomic_store(&s.stop, true);
	pthread_join(th, NULL);
	assert_true(s.lookups > 0);
	assert_int_equal(s.bad, 0);
	routes_close(s.r);
}

/* Longest-prefix match against a brute-force scan over random nested prefixes. */
struct pfx {
	int family;
	unsigned len;
	uint8_t a[16];
	uint32_t as;
};

static uint32_t rnd_state = 1;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static void
test_lpm_random(void **state)
{
	enum { N = 3000, Q = 20000 };
	static struct pfx p[N];
	static char text[N * 64];
	struct routes *r;
	size_t o = 0;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		struct ipprefix ip;
		char t[IPPREFIX_TEXT_LEN];

		p[i].family = rnd() % 3 == 0 ? 6 : 4;
		/* a small address space, so prefixes nest and overlap */
		for (int k = 0; k < 16; k++)
			p[i].a[k] = (uint8_t)(k < 2 ? (p[i].family == 6 ? 0x20 : 10) : rnd() % 4);
		p[i].len = p[i].family == 4 ? 8 + rnd() % 25 : 16 + rnd() % 113;
		p[i].as = (uint32_t)(1 + i);
		ipprefix_make(p[i].family, p[i].a, p[i].len, &ip);
		memcpy(p[i].a, ip.addr, 16);
		ipprefix_text(&ip, t);
		*strchr(t, '/') = '\0';
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s\t%u\t%u\n", t, p[i].len,
		    p[i].as);
	}
	r = open_text("lpm.txt", text, ROUTES_AUTO);
	for (size_t q = 0; q < Q; q++) {
		int family = q % 2 ? 6 : 4;
		uint8_t a[16];
		struct ipprefix host;
		struct route out;
		int best = -1, rc;
		uint32_t want_o[64];
		size_t nw = 0;

		for (int k = 0; k < 16; k++)
			a[k] = (uint8_t)(k < 2 ? (family == 6 ? 0x20 : 10) : rnd() % 4);
		if (q % 7 == 0)
			a[1] ^= 1;   /* now and then outside every prefix */
		ipprefix_make(family, a, family == 4 ? 32 : 128, &host);
		for (size_t i = 0; i < N; i++) {
			struct ipprefix ip;

			if (p[i].family != family)
				continue;
			ipprefix_make(family, p[i].a, p[i].len, &ip);
			if (ipprefix_covers(&ip, &host) && (best < 0 || p[i].len > p[best].len))
				best = (int)i;
		}
		rc = routes_lookup(r, family, a, &out);
		if (best < 0) {
			assert_int_equal(rc, PEIL_ENOENT);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(out.prefix.len, p[best].len);
		assert_memory_equal(out.prefix.addr, p[best].a, 16);
		for (size_t i = 0; i < N; i++)
			if (p[i].family == family && p[i].len == p[best].len &&
			    memcmp(p[i].a, p[best].a, 16) == 0 && nw < 64)
				want_o[nw++] = p[i].as;   /* ascending, as i is */
		assert_int_equal(out.norigins, nw > MAX_ROUTE_ORIGINS ? MAX_ROUTE_ORIGINS : nw);
		assert_memory_equal(out.origins, want_o, out.norigins * sizeof(uint32_t));
	}
	routes_close(r);
}

/* MAX_ROUTES distinct prefixes load (a repeated one among them merges); one more is an error,
 * never a silent cut. Also prints lookups/s and memory for the table. */
static const char *
write_many(size_t n, bool dup)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/many.txt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		uint32_t a = 0x0a000000u + (uint32_t)i;

		fprintf(f, "%u.%u.%u.%u\t32\t%zu\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		    a & 255, 64496 + i % 1000);
		if (dup && i == 10)
			fprintf(f, "10.0.0.3\t32\t1\n");
	}
	assert_int_equal(fclose(f), 0);
	return path;
}

static void
test_max_routes(void **state)
{
	struct routes_conf rc = { NULL, ROUTES_AUTO, 0 };
	struct routes_status st;
	struct routes *r;
	char err[256], want[300];
	uint8_t a[4] = { 10, 0, 0, 3 };
	struct route out;

	(void)state;
	rc.file = write_many(MAX_ROUTES, true);
	r = routes_open(&rc, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	routes_status(r, &st);
	assert_int_equal(st.routes, MAX_ROUTES);
	assert_int_equal(routes_lookup(r, 4, a, &out), 0);
	assert_int_equal(out.norigins, 2);
	assert_int_equal(out.origins[0], 1);
	routes_close(r);
	rc.file = write_many((size_t)MAX_ROUTES + 1, true);
	assert_null(routes_open(&rc, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/many.txt: %d routes, more than MAX_ROUTES (%d)", dir,
	    MAX_ROUTES + 1, MAX_ROUTES);
	assert_string_equal(err, want);
}

/* The tests of one-piece files again, each file now read in pieces that cut its lines
 * anywhere, down to a byte more than the longest line's bytes or than a header. */
static void
test_pieces_text(void **state)
{
	static const size_t sizes[] = { 16, 17, 31, 61, 4097, 4099 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		routes_set_test_piece(sizes[i]);
		test_pfx2as_lpm(state);
		test_default_routes(state);
		test_multi_origin(state);
		test_bgpdump(state);
		test_open_errors(state);
		test_lpm_random(state);
	}
	routes_set_test_piece(0);
}

/* Lookups of n addresses from the truth file's prefixes (each prefix's first and last
 * address) in r, as text lines into out (one a lookup: rc, prefix, origins). */
static void
lookups(struct routes *r, const char *truth, char *out, size_t outlen)
{
	FILE *f = fopen(truth, "r");
	char line[8192];
	size_t o = 0;

	assert_non_null(f);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		struct ipprefix p;
		char *sp = strchr(line, ' ');

		assert_non_null(sp);
		assert_int_equal(ipprefix_parse(line, (size_t)(sp - line), false, &p, NULL, 0), 0);
		for (int end = 0; end < 2; end++) {
			uint8_t a[16];
			struct route rt;
			char txt[IPPREFIX_TEXT_LEN] = "-";
			int rc;

			memcpy(a, p.addr, 16);
			for (unsigned b = p.len; end && b < (p.family == 4 ? 32u : 128u); b++)
				a[b / 8] |= (uint8_t)(0x80 >> (b % 8));
			rc = routes_lookup(r, p.family, a, &rt);
			if (rc == 0)
				ipprefix_text(&rt.prefix, txt);
			o += (size_t)snprintf(out + o, outlen - o, "%d %s", rc, txt);
			for (size_t k = 0; rc == 0 && k < rt.norigins; k++)
				o += (size_t)snprintf(out + o, outlen - o, " %u", rt.origins[k]);
			o += (size_t)snprintf(out + o, outlen - o, "\n");
			assert_true(o < outlen);
		}
	}
	fclose(f);
}

/* An MRT RIB file (tests/unit/mrt_write.py, RFC 6396) read in pieces shorter than its
 * records: the same table as read whole, looked up at every route's ends; a file cut
 * inside a record: the same error, at the same offset. */
static void
test_pieces_mrt(void **state)
{
	static const size_t sizes[] = { 16, 17, 61, 200, 4096 };
	static char whole[1 << 20], piece[1 << 20];
	char mrt[128], truth[128], cmd[512], err[256], err0[256];
	struct routes_conf rc = { NULL, ROUTES_AUTO, 0 };
	struct routes_status st;
	struct routes *r;
	struct stat sb;

	(void)state;
	snprintf(mrt, sizeof(mrt), "%s/rib.mrt", dir);
	snprintf(truth, sizeof(truth), "%s/rib.truth", dir);
	snprintf(cmd, sizeof(cmd), "python3 %s/tests/unit/mrt_write.py 7 1500 %s %s",
	    PEIL_SOURCE_DIR, mrt, truth);
	assert_int_equal(system(cmd), 0);
	rc.file = mrt;
	routes_set_test_piece(0);
	if ((r = routes_open(&rc, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	routes_status(r, &st);
	assert_int_equal(st.format, ROUTES_MRT);
	assert_true(st.routes > 1000);
	lookups(r, truth, whole, sizeof(whole));
	routes_close(r);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		routes_set_test_piece(sizes[i]);
		if ((r = routes_open(&rc, err, sizeof(err))) == NULL)
			fail_msg("piece %zu: %s", sizes[i], err);
		lookups(r, truth, piece, sizeof(piece));
		if (strcmp(whole, piece) != 0)
			fail_msg("piece %zu: another table than the whole file's", sizes[i]);
		routes_close(r);
	}
	/* cut 5 bytes before the end: the last record is past the end of the file */
	assert_int_equal(stat(mrt, &sb), 0);
	assert_int_equal(truncate(mrt, sb.st_size - 5), 0);
	routes_set_test_piece(0);
	err0[0] = '\0';
	assert_null(routes_open(&rc, err0, sizeof(err0)));
	assert_non_null(strstr(err0, "past the end of the file"));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		routes_set_test_piece(sizes[i]);
		err[0] = '\0';
		assert_null(routes_open(&rc, err, sizeof(err)));
		assert_string_equal(err, err0);
	}
	routes_set_test_piece(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pfx2as_lpm),
		cmocka_unit_test(test_default_routes),
		cmocka_unit_test(test_multi_origin),
		cmocka_unit_test(test_bgpdump),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_reload_check_s),
		cmocka_unit_test(test_reload_atomic),
		cmocka_unit_test(test_lpm_random),
		cmocka_unit_test(test_max_routes),
		cmocka_unit_test(test_pieces_text),
		cmocka_unit_test(test_pieces_mrt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
