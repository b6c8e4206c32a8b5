/* test_vantage.c: the vantage self-tests against listeners on 127.0.0.1 and ::1 (a closed
 * port is an unreachable beacon), and the beacon lists' parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "catalogue.h"
#include "result.h"
#include "vantage.h"

#include "skip.h"

/* A listening TCP socket on the loopback of family (accepting nothing: the kernel completes
 * the handshake), or, closed, a port that was free a moment ago. Returns the fd (or -1 when
 * the family is not usable) and the port. */
static int
listener(int family, bool keep, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		len = sizeof(*s6);
	}
	if ((fd = socket(family, SOCK_STREAM, 0)) < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	if (!keep) {
		close(fd);
		return 0;
	}
	return fd;
}

static const char *
evv(const Peil__Result *r, const char *key)
{
	for (size_t i = 0; r != NULL && i < r->n_evidence; i++)
		if (strcmp(r->evidence[i]->key, key) == 0)
			return r->evidence[i]->value;
	return NULL;
}

/* Runs the self-tests asked for and returns the one named id (rs owns it). */
static Peil__Result *
one(const struct vantage_conf *vc, const char *id, struct result_set *rs)
{
	const char *tests[] = { id };
	Peil__Result *r;

	result_set_clear(rs);
	assert_int_equal(vantage_run(vc, 42, tests, 1, rs), 0);
	assert_int_equal(rs->n, 1);
	r = rs->items[0];
	assert_string_equal(r->test_id, id);
	/* About the vantage, not a domain: an empty domain, the round, a time, peil's rule. */
	assert_string_equal(r->domain, "");
	assert_int_equal(r->round_id, 42);
	assert_true(r->measured_at_ms > 0);
	assert_string_equal(r->guideline, "peil");
	assert_true(r->n_evidence > 0);
	return r;
}

static void
test_parse(void **state)
{
	struct beacon b[MAX_BEACONS];
	struct vantage_conf vc = { .ipv4 = true, .ipv6 = true };
	char why[256];
	size_t n;

	(void)state;
	assert_int_equal(vantage_beacons_parse(NULL, false, b, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vantage_beacons_parse("  ", false, b, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vantage_beacons_parse("192.0.2.1:80 [2001:db8::1]:443", false, b, &n,
	    why, sizeof(why)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(b[0].addr, "192.0.2.1");
	assert_int_equal(b[0].port, 80);
	assert_false(b[0].v6);
	assert_string_equal(b[1].addr, "2001:db8::1");
	assert_int_equal(b[1].port, 443);
	assert_true(b[1].v6);
	/* Bad ones: no port, port 0 or too big, a name, a bare IPv6, IPv4 where IPv6 is due,
	 * more than MAX_BEACONS. */
	assert_int_equal(vantage_beacons_parse("192.0.2.1", false, b, &n, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(vantage_beacons_parse("192.0.2.1:0", false, b, &n, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(vantage_beacons_parse("192.0.2.1:65536", false, b, &n, why,
	    sizeof(why)), PEIL_EINVAL);
	assert_int_equal(vantage_beacons_parse("192.0.2.1:+80", false, b, &n, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(vantage_beacons_parse("beacon.test:80", false, b, &n, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(vantage_beacons_parse("2001:db8::1:80", false, b, &n, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(vantage_beacons_parse("[2001:db8::1]", false, b, &n, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(vantage_beacons_parse("192.0.2.1:80", true, b, &n, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_non_null(strstr(why, "not an IPv6 address"));
	assert_int_equal(vantage_beacons_parse("192.0.2.1:1 192.0.2.1:2 192.0.2.1:3 "
	    "192.0.2.1:4 192.0.2.1:5", false, b, &n, why, sizeof(why)), PEIL_EINVAL);
	assert_non_null(strstr(why, "MAX_BEACONS"));

	/* Twins: as many of each, of the same family. */
	vc.rov_valid = "192.0.2.1:80 198.51.100.1:80";
	vc.rov_invalid = "203.0.113.1:80";
	assert_int_equal(vantage_check(&vc, why, sizeof(why)), PEIL_EINVAL);
	assert_non_null(strstr(why, "vantage.rov_invalid"));
	vc.rov_invalid = "203.0.113.1:80 [2001:db8::1]:80";
	assert_int_equal(vantage_check(&vc, why, sizeof(why)), PEIL_EINVAL);
	assert_non_null(strstr(why, "different address families"));
	vc.rov_invalid = "203.0.113.1:80 203.0.113.2:80";
	vc.ipv6_beacons = "192.0.2.1:80";
	assert_int_equal(vantage_check(&vc, why, sizeof(why)), PEIL_EINVAL);
	assert_non_null(strstr(why, "vantage.ipv6_beacons"));
	vc.ipv6_beacons = "[2001:db8::1]:80";
	assert_int_equal(vantage_check(&vc, why, sizeof(why)), 0);

	/* Which lists ask for a self-test. */
	{
		const char *t1[] = { "web_rpki_valid" }, *t2[] = { "web_rpki_valid", "vantage_rov" };

		assert_true(vantage_wanted(NULL, 0));
		assert_false(vantage_wanted(t1, 1));
		assert_true(vantage_wanted(t2, 2));
	}
}

static void
test_ipv6(void **state)
{
	struct vantage_conf vc = { .ipv4 = true, .ipv6 = true, .timeout_ms = 2000 };
	struct result_set rs = { 0 };
	char open6[80], closed6[80], two[200];
	uint16_t po, pc;
	int fd;
	Peil__Result *r;

	(void)state;
	/* No beacon: not tested. */
	r = one(&vc, "vantage_ipv6", &rs);
	assert_int_equal(r->status, PEIL__STATUS__NOT_TESTED);
	assert_string_equal(evv(r, "reason"), "no IPv6 beacon configured (vantage.ipv6_beacons)");
	/* IPv6 off in the configuration: failed, whatever the beacons. */
	vc.ipv6 = false;
	vc.ipv6_beacons = "[::1]:9";
	r = one(&vc, "vantage_ipv6", &rs);
	assert_int_equal(r->status, PEIL__STATUS__FAILED);
	assert_non_null(strstr(evv(r, "reason"), "resolver.ipv6 = no"));
	vc.ipv6 = true;

	if ((fd = listener(AF_INET6, true, &po)) < 0) {
		result_set_clear(&rs);
		SKIP_OR_FAIL("::1 is not usable here");
	}
	assert_int_equal(listener(AF_INET6, false, &pc), 0);
	snprintf(open6, sizeof(open6), "[::1]:%u", (unsigned)po);
	snprintf(closed6, sizeof(closed6), "[::1]:%u", (unsigned)pc);

	vc.ipv6_beacons = open6;
	r = one(&vc, "vantage_ipv6", &rs);
	assert_int_equal(r->status, PEIL__STATUS__PASSED);
	assert_non_null(strstr(evv(r, "beacon_1"), "connected"));
	/* One of two answers: enough. */
	snprintf(two, sizeof(two), "%s %s", closed6, open6);
	vc.ipv6_beacons = two;
	r = one(&vc, "vantage_ipv6", &rs);
	assert_int_equal(r->status, PEIL__STATUS__PASSED);
	assert_non_null(evv(r, "beacon_2"));
	/* None answers: failed, each try in evidence. */
	vc.ipv6_beacons = closed6;
	r = one(&vc, "vantage_ipv6", &rs);
	assert_int_equal(r->status, PEIL__STATUS__FAILED);
	assert_string_equal(evv(r, "reason"), "the IPv6 beacon does not answer");
	assert_non_null(strstr(evv(r, "beacon_1"), closed6));
	close(fd);
	result_set_clear(&rs);
}

static void
test_rov(void **state)
{
	struct vantage_conf vc = { .ipv4 = true, .ipv6 = true, .timeout_ms = 2000 };
	struct result_set rs = { 0 };
	char o1[80], o2[80], c1[80], c2[80], v[200], iv[200];
	uint16_t p;
	int fd1, fd2;
	Peil__Result *r;

	(void)state;
	r = one(&vc, "vantage_rov", &rs);
	assert_int_equal(r->status, PEIL__STATUS__NOT_TESTED);
	assert_non_null(strstr(evv(r, "reason"), "no ROV beacons configured"));

	assert_true((fd1 = listener(AF_INET, true, &p)) >= 0);
	snprintf(o1, sizeof(o1), "127.0.0.1:%u", (unsigned)p);
	assert_true((fd2 = listener(AF_INET, true, &p)) >= 0);
	snprintf(o2, sizeof(o2), "127.0.0.1:%u", (unsigned)p);
	assert_int_equal(listener(AF_INET, false, &p), 0);
	snprintf(c1, sizeof(c1), "127.0.0.1:%u", (unsigned)p);
	assert_int_equal(listener(AF_INET, false, &p), 0);
	snprintf(c2, sizeof(c2), "127.0.0.1:%u", (unsigned)p);

	/* The invalid beacon silent, its valid twin answering: this network drops invalids. */
	vc.rov_valid = o1;
	vc.rov_invalid = c1;
	r = one(&vc, "vantage_rov", &rs);
	assert_int_equal(r->status, PEIL__STATUS__PASSED);
	assert_non_null(strstr(evv(r, "valid_1"), "connected"));
	assert_non_null(strstr(evv(r, "invalid_1"), c1));
	/* The invalid one answers: failed. */
	vc.rov_invalid = o2;
	r = one(&vc, "vantage_rov", &rs);
	assert_int_equal(r->status, PEIL__STATUS__FAILED);
	assert_non_null(strstr(evv(r, "reason"), "accepts RPKI-invalid routes"));
	/* ... even when its valid twin is silent. */
	vc.rov_valid = c1;
	r = one(&vc, "vantage_rov", &rs);
	assert_int_equal(r->status, PEIL__STATUS__FAILED);
	/* Neither answers: nothing to judge by. */
	vc.rov_invalid = c2;
	r = one(&vc, "vantage_rov", &rs);
	assert_int_equal(r->status, PEIL__STATUS__ERROR);
	assert_string_equal(evv(r, "reason"), "cannot judge: the valid beacon does not answer");
	/* Two pairs: one judged, one whose valid beacon is silent: passed, the other named. */
	snprintf(v, sizeof(v), "%s %s", o1, c1);
	snprintf(iv, sizeof(iv), "%s %s", c2, c2);
	vc.rov_valid = v;
	vc.rov_invalid = iv;
	r = one(&vc, "vantage_rov", &rs);
	assert_int_equal(r->status, PEIL__STATUS__PASSED);
	assert_non_null(strstr(evv(r, "not_judged"), "1 pair"));
	/* Twins that do not pair up: an error, not a guess. */
	vc.rov_invalid = c2;
	r = one(&vc, "vantage_rov", &rs);
	assert_int_equal(r->status, PEIL__STATUS__ERROR);
	/* A vantage without IPv4 cannot try IPv4 pairs. */
	vc.rov_invalid = iv;
	vc.ipv4 = false;
	r = one(&vc, "vantage_rov", &rs);
	assert_int_equal(r->status, PEIL__STATUS__NOT_TESTED);
	assert_non_null(evv(r, "skipped"));
	close(fd1);
	close(fd2);
	result_set_clear(&rs);
}

/* Both at once, in catalogue order; a list naming neither runs none. */
static void
test_run_both(void **state)
{
	struct vantage_conf vc = { .ipv4 = true, .ipv6 = true };
	struct result_set rs = { 0 };
	const char *other[] = { "web_rpki_valid" };

	(void)state;
	assert_int_equal(vantage_run(&vc, 7, NULL, 0, &rs), 0);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.items[0]->test_id, "vantage_ipv6");
	assert_string_equal(rs.items[1]->test_id, "vantage_rov");
	result_set_clear(&rs);
	assert_int_equal(vantage_run(&vc, 7, other, 1, &rs), 0);
	assert_int_equal(rs.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_rov),
		cmocka_unit_test(test_run_both),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
