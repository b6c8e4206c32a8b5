/* test_reach.c: reach probes against loopback servers in threads, and the DNS answer check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "skip.h"
#include "clock.h"
#include "err.h"
#include "limits.h"
#include "reach.h"

#define QTYPE_A    1
#define QTYPE_SOA  6
#define HOLD_QUIET_MS 50

enum udp_mode {
	UDP_NONE,       /* no UDP socket */
	UDP_ANSWER,     /* answers at once with srv.rcode */
	UDP_WRONG_FIRST,/* another id, then an echo without QR, then the answer */
	UDP_TC,         /* answers with TC set and nothing after the question */
	UDP_DROP,       /* reads and drops */
	UDP_GARBAGE,    /* sends junk that is no answer to the query */
	UDP_MALFORMED,  /* right id and question, an answer record cut short */
	UDP_HOLD,       /* holds queries until none came for HOLD_QUIET_MS, then answers all */
};

enum tcp_mode {
	TCP_CLOSED,     /* bound, not listening: connects are refused */
	TCP_ANSWER,     /* reads one length-prefixed query, answers it */
	TCP_MALFORMED,  /* answers with a cut record behind a consistent length */
	TCP_ACCEPT,     /* accepts and closes */
};

struct held {
	uint8_t q[512];
	size_t len;
	struct sockaddr_storage from;
	socklen_t fromlen;
};

struct srv {
	int family;
	int udp, tcp;
	uint16_t port;
	char addr[64];
	enum udp_mode um;
	enum tcp_mode tm;
	atomic_int rcode;     /* set by the test after the server thread started */
	pthread_t th;
	atomic_bool stop;
	atomic_int udp_queries, tcp_conns, max_held;
	struct held *held;
	size_t nheld;
	int64_t last_rx;
};

/* An answer to query q: header and question copied, QR (and TC) set, one A record unless
 * tc; id flipped when wrong_id. Returns its length. */
static size_t
make_answer(const uint8_t *q, size_t ql, uint8_t *out, int rcode, bool tc, bool wrong_id)
{
	static const uint8_t rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x01, 0x2c, 0, 4,
	    192, 0, 2, 1 };
	size_t p = 12;

	assert_true(ql >= 12);
	while (p < ql && q[p] != 0)
		p += (size_t)q[p] + 1;
	p += 1 + 4;
	assert_true(p <= ql);
	memcpy(out, q, p);
	if (wrong_id)
		out[0] ^= 0x5a;
	out[2] = (uint8_t)(0x80 | (tc ? 0x02 : 0));
	out[3] = (uint8_t)(rcode & 0xf);
	out[6] = 0;
	out[7] = tc ? 0 : 1;
	out[8] = out[9] = out[10] = out[11] = 0;
	if (tc)
		return p;
	memcpy(out + p, rr, sizeof(rr));
	return p + sizeof(rr);
}

static void
udp_reply(struct srv *s, const uint8_t *q, size_t ql, const struct sockaddr_storage *from,
    socklen_t fromlen)
{
	uint8_t a[600];
	size_t al;
	static const uint8_t junk1[] = { 1, 2, 3, 4, 5 };
	uint8_t junk2[40];

	switch (s->um) {
	case UDP_ANSWER:
		al = make_answer(q, ql, a, s->rcode, false, false);
		break;
	case UDP_WRONG_FIRST:
		al = make_answer(q, ql, a, 0, false, true);
		sendto(s->udp, a, al, 0, (const struct sockaddr *)from, fromlen);
		sendto(s->udp, q, ql, 0, (const struct sockaddr *)from, fromlen);
		al = make_answer(q, ql, a, 0, false, false);
		a[5] = 2;       /* two questions: not our question */
		sendto(s->udp, a, al, 0, (const struct sockaddr *)from, fromlen);
		al = make_answer(q, ql, a, 0, false, false);
		break;
	case UDP_TC:
		al = make_answer(q, ql, a, 0, true, false);
		break;
	case UDP_GARBAGE:
		sendto(s->udp, junk1, sizeof(junk1), 0, (const struct sockaddr *)from, fromlen);
		memset(junk2, 0xff, sizeof(junk2));
		junk2[0] = (uint8_t)(q[0] ^ 0xff);
		sendto(s->udp, junk2, sizeof(junk2), 0, (const struct sockaddr *)from, fromlen);
		sendto(s->udp, "", 0, 0, (const struct sockaddr *)from, fromlen);
		return;
	case UDP_MALFORMED:
		al = make_answer(q, ql, a, 0, false, false) - 3;
		break;
	default:
		return;
	}
	sendto(s->udp, a, al, 0, (const struct sockaddr *)from, fromlen);
}

static void
hold_flush(struct srv *s)
{
	if ((int)s->nheld > atomic_load(&s->max_held))
		atomic_store(&s->max_held, (int)s->nheld);
	for (size_t i = 0; i < s->nheld; i++) {
		uint8_t a[600];
		size_t al = make_answer(s->held[i].q, s->held[i].len, a, 0, false, false);

		sendto(s->udp, a, al, 0, (const struct sockaddr *)&s->held[i].from,
		    s->held[i].fromlen);
	}
	s->nheld = 0;
}

static void
udp_serve(struct srv *s)
{
	for (;;) {
		uint8_t q[512];
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(s->udp, q, sizeof(q), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fromlen);

		if (n < 0)
			return;
		atomic_fetch_add(&s->udp_queries, 1);
		if (n < 12)
			continue;
		if (s->um == UDP_HOLD) {
			assert_true(s->nheld < MAX_REACH_ITEMS);
			memcpy(s->held[s->nheld].q, q, (size_t)n);
			s->held[s->nheld].len = (size_t)n;
			s->held[s->nheld].from = from;
			s->held[s->nheld].fromlen = fromlen;
			s->nheld++;
			s->last_rx = clock_mono_ms();
			continue;
		}
		udp_reply(s, q, (size_t)n, &from, fromlen);
	}
}

static bool
read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, buf + got, len - got, 0);

		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

static void
tcp_serve(struct srv *s)
{
	struct timeval tv = { 2, 0 };
	uint8_t lb[2], q[512], a[2 + 600];
	size_t ql, al;
	int c = accept(s->tcp, NULL, NULL);

	if (c < 0)
		return;
	atomic_fetch_add(&s->tcp_conns, 1);
	if (s->tm == TCP_ACCEPT)
		goto out;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!read_full(c, lb, 2))
		goto out;
	ql = (size_t)(lb[0] << 8 | lb[1]);
	if (ql < 12 || ql > sizeof(q) || !read_full(c, q, ql))
		goto out;
	al = make_answer(q, ql, a + 2, 0, false, false);
	if (s->tm == TCP_MALFORMED)
		al -= 3;
	a[0] = (uint8_t)(al >> 8);
	a[1] = (uint8_t)(al & 0xff);
	send(c, a, al + 2, MSG_NOSIGNAL);
out:
	close(c);
}

static void *
srv_main(void *arg)
{
	struct srv *s = arg;

	while (!atomic_load(&s->stop)) {
		struct pollfd p[2];
		nfds_t np = 0;
		int ui = -1, ti = -1;

		if (s->udp >= 0) {
			p[np].fd = s->udp;
			p[np].events = POLLIN;
			ui = (int)np++;
		}
		if (s->tm != TCP_CLOSED) {
			p[np].fd = s->tcp;
			p[np].events = POLLIN;
			ti = (int)np++;
		}
		if (poll(p, np, 10) < 0)
			break;
		if (ui >= 0 && (p[ui].revents & POLLIN))
			udp_serve(s);
		if (ti >= 0 && (p[ti].revents & POLLIN))
			tcp_serve(s);
		if (s->nheld > 0 && clock_mono_ms() - s->last_rx >= HOLD_QUIET_MS)
			hold_flush(s);
	}
	return NULL;
}

static void
fill_sa(int family, uint16_t port, struct sockaddr_storage *sa, socklen_t *len)
{
	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)sa;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = in6addr_loopback;
		*len = sizeof(*s6);
	}
}

/* Binds a TCP socket (and a UDP one unless UDP_NONE) to the same loopback port; false when
 * the family is not usable here. */
static bool
srv_bind(struct srv *s)
{
	for (int tries = 0; tries < 20; tries++) {
		struct sockaddr_storage sa;
		socklen_t len;
		int one = 1;

		s->tcp = socket(s->family, SOCK_STREAM, 0);
		if (s->tcp < 0)
			return false;
		setsockopt(s->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		fill_sa(s->family, 0, &sa, &len);
		if (bind(s->tcp, (struct sockaddr *)&sa, len) != 0) {
			close(s->tcp);
			return false;
		}
		len = sizeof(sa);
		assert_int_equal(getsockname(s->tcp, (struct sockaddr *)&sa, &len), 0);
		s->port = ntohs(s->family == AF_INET ? ((struct sockaddr_in *)&sa)->sin_port :
		    ((struct sockaddr_in6 *)&sa)->sin6_port);
		if (s->um == UDP_NONE)
			return true;
		s->udp = socket(s->family, SOCK_DGRAM, 0);
		assert_true(s->udp >= 0);
		fill_sa(s->family, s->port, &sa, &len);
		if (bind(s->udp, (struct sockaddr *)&sa, len) == 0)
			return true;
		close(s->udp);
		close(s->tcp);
		s->udp = -1;
	}
	fail_msg("no free port pair");
	return false;
}

static bool
srv_start(struct srv *s, int family, enum udp_mode um, enum tcp_mode tm)
{
	memset(s, 0, sizeof(*s));
	s->family = family;
	s->udp = s->tcp = -1;
	s->um = um;
	s->tm = tm;
	atomic_init(&s->stop, false);
	atomic_init(&s->udp_queries, 0);
	atomic_init(&s->tcp_conns, 0);
	atomic_init(&s->max_held, 0);
	if (!srv_bind(s)) {
		/* Only ::1 may be missing (a host without IPv6); 127.0.0.1 always binds. */
		assert_int_equal(family, AF_INET6);
		SKIP_HALF_OR_FAIL("::1 is not usable: the IPv6 half is not run");
		return false;
	}
	snprintf(s->addr, sizeof(s->addr), "%s", family == AF_INET ? "127.0.0.1" : "::1");
	if (tm != TCP_CLOSED)
		assert_int_equal(listen(s->tcp, 256), 0);
	if (um == UDP_HOLD) {
		s->held = calloc(MAX_REACH_ITEMS, sizeof(*s->held));
		assert_non_null(s->held);
	}
	assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
	return true;
}

static void
srv_stop(struct srv *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->th, NULL);
	if (s->udp >= 0)
		close(s->udp);
	close(s->tcp);
	free(s->held);
}

static void
item_set(struct reach_item *it, const char *addr, uint16_t port)
{
	memset(it, 0, sizeof(*it));
	snprintf(it->addr, sizeof(it->addr), "%s", addr);
	it->port = port;
}

static const int families[] = { AF_INET, AF_INET6 };

/* A DNS probe of one server; skips (returns false) when ::1 is not usable. */
static bool
dns_one(int family, enum udp_mode um, enum tcp_mode tm, int rcode, unsigned timeout_ms,
    struct reach_item *it, struct srv *s)
{
	if (!srv_start(s, family, um, tm))
		return false;
	s->rcode = rcode;
	item_set(it, s->addr, s->port);
	assert_int_equal(reach_run(REACH_DNS, it, 1, "Example.NL", QTYPE_SOA, timeout_ms), 0);
	srv_stop(s);
	return true;
}

static void
test_tcp_listening(void **state)
{
	(void)state;
	for (size_t f = 0; f < 2; f++) {
		struct srv s;
		struct reach_item it;

		if (!srv_start(&s, families[f], UDP_NONE, TCP_ACCEPT))
			continue;
		item_set(&it, s.addr, s.port);
		assert_int_equal(reach_run(REACH_TCP, &it, 1, NULL, 0, 2000), 0);
		srv_stop(&s);
		assert_true(it.ok);
		assert_string_equal(it.why, "");
		assert_true(it.ms < 1000);
	}
}

static void
test_tcp_refused(void **state)
{
	(void)state;
	for (size_t f = 0; f < 2; f++) {
		struct srv s;
		struct reach_item it;

		if (!srv_start(&s, families[f], UDP_NONE, TCP_CLOSED))
			continue;
		item_set(&it, s.addr, s.port);
		assert_int_equal(reach_run(REACH_TCP, &it, 1, NULL, 0, 3000), 0);
		srv_stop(&s);
		assert_false(it.ok);
		assert_string_equal(it.why, "connection refused");
		assert_true(it.ms < 500);
	}
}

static void
test_dns_answer(void **state)
{
	(void)state;
	for (size_t f = 0; f < 2; f++) {
		struct srv s;
		struct reach_item it;

		if (!dns_one(families[f], UDP_ANSWER, TCP_CLOSED, 3, 2000, &it, &s))
			continue;
		assert_true(it.ok);
		assert_false(it.via_tcp);
		assert_int_equal(it.rcode, 3);
		assert_string_equal(it.why, "");
		assert_int_equal(atomic_load(&s.udp_queries), 1);
		assert_int_equal(atomic_load(&s.tcp_conns), 0);
	}
}

static void
test_dns_wrong_first(void **state)
{
	(void)state;
	for (size_t f = 0; f < 2; f++) {
		struct srv s;
		struct reach_item it;

		if (!dns_one(families[f], UDP_WRONG_FIRST, TCP_CLOSED, 0, 2000, &it, &s))
			continue;
		assert_true(it.ok);
		assert_false(it.via_tcp);
		assert_int_equal(it.rcode, 0);
		assert_true(it.ms < 1000);
	}
}

static void
test_dns_tc_fallback(void **state)
{
	(void)state;
	for (size_t f = 0; f < 2; f++) {
		struct srv s;
		struct reach_item it;

		if (!dns_one(families[f], UDP_TC, TCP_ANSWER, 0, 2000, &it, &s))
			continue;
		assert_true(it.ok);
		assert_true(it.via_tcp);
		assert_int_equal(it.rcode, 0);
		assert_string_equal(it.why, "udp: truncated");
		assert_int_equal(atomic_load(&s.tcp_conns), 1);
		assert_true(it.ms < 1000);
	}
}

/* No UDP socket at all: the port-unreachable error sends the query over TCP at once. */
static void
test_dns_udp_refused(void **state)
{
	(void)state;
	for (size_t f = 0; f < 2; f++) {
		struct srv s;
		struct reach_item it;

		if (!dns_one(families[f], UDP_NONE, TCP_ANSWER, 0, 4000, &it, &s))
			continue;
		assert_true(it.ok);
		assert_true(it.via_tcp);
		assert_string_equal(it.why, "udp: connection refused");
		assert_true(it.ms < 1000);
	}
}

static void
test_dns_tcp_malformed(void **state)
{
	struct srv s;
	struct reach_item it;

	(void)state;
	assert_true(dns_one(AF_INET, UDP_TC, TCP_MALFORMED, 0, 2000, &it, &s));
	assert_false(it.ok);
	assert_string_equal(it.why, "udp: truncated; tcp: malformed answer");
}

/* No answer over UDP: after half the time over TCP, which is refused. */
static void
test_dns_silent(void **state)
{
	(void)state;
	for (size_t f = 0; f < 2; f++) {
		struct srv s;
		struct reach_item it;
		int64_t t0 = clock_mono_ms(), took;

		if (!dns_one(families[f], UDP_DROP, TCP_CLOSED, 0, 400, &it, &s))
			continue;
		took = clock_mono_ms() - t0;
		assert_false(it.ok);
		assert_string_equal(it.why, "udp: no answer within 200 ms; tcp: connection refused");
		assert_true(it.ms >= 200 && it.ms < 400);
		assert_true(took >= 200 && took < 1000);
		assert_int_equal(atomic_load(&s.udp_queries), 1);
	}
}

static void
test_dns_garbage(void **state)
{
	struct srv s;
	struct reach_item it;

	(void)state;
	assert_true(dns_one(AF_INET, UDP_GARBAGE, TCP_CLOSED, 0, 400, &it, &s));
	assert_false(it.ok);
	assert_string_equal(it.why, "udp: no answer within 200 ms; tcp: connection refused");
}

static void
test_dns_malformed(void **state)
{
	struct srv s;
	struct reach_item it;

	(void)state;
	assert_true(dns_one(AF_INET, UDP_MALFORMED, TCP_CLOSED, 0, 2000, &it, &s));
	assert_false(it.ok);
	assert_false(it.via_tcp);
	assert_string_equal(it.why, "malformed answer");
	assert_true(it.ms < 1000);
}

/* Neither UDP nor TCP answers at all: both halves time out. */
static void
test_dns_both_silent(void **state)
{
	struct srv s;
	struct reach_item it;

	(void)state;
	/* A listener whose accept queue takes the connection but never reads or answers. */
	assert_true(srv_start(&s, AF_INET, UDP_DROP, TCP_CLOSED));
	assert_int_equal(listen(s.tcp, 8), 0);
	item_set(&it, s.addr, s.port);
	assert_int_equal(reach_run(REACH_DNS, &it, 1, "example.nl.", QTYPE_A, 300), 0);
	srv_stop(&s);
	assert_false(it.ok);
	assert_string_equal(it.why, "udp: no answer within 150 ms; tcp: no answer within 150 ms");
	assert_true(it.ms >= 300 && it.ms < 600);
}

/* 100 queries, more than MAX_REACH_PARALLEL: all answered, never more than that in flight. */
static void
test_dns_many(void **state)
{
	struct srv s;
	struct reach_item *it = calloc(100, sizeof(*it));
	int64_t t0;

	(void)state;
	assert_non_null(it);
	assert_true(srv_start(&s, AF_INET, UDP_HOLD, TCP_CLOSED));
	for (size_t i = 0; i < 100; i++)
		item_set(&it[i], s.addr, s.port);
	t0 = clock_mono_ms();
	assert_int_equal(reach_run(REACH_DNS, it, 100, "example.nl", QTYPE_A, 3000), 0);
	assert_true(clock_mono_ms() - t0 < 2000);
	srv_stop(&s);
	for (size_t i = 0; i < 100; i++) {
		assert_true(it[i].ok);
		assert_false(it[i].via_tcp);
	}
	assert_int_equal(atomic_load(&s.udp_queries), 100);
	assert_true(atomic_load(&s.max_held) <= MAX_REACH_PARALLEL);
	assert_true(atomic_load(&s.max_held) > 1);
	free(it);
}

/* 100 connects, half to a listener, half refused, mixed families when ::1 works. */
static void
test_tcp_many(void **state)
{
	struct srv on4, off4, on6;
	bool v6;
	struct reach_item *it = calloc(100, sizeof(*it));

	(void)state;
	assert_non_null(it);
	assert_true(srv_start(&on4, AF_INET, UDP_NONE, TCP_ACCEPT));
	assert_true(srv_start(&off4, AF_INET, UDP_NONE, TCP_CLOSED));
	v6 = srv_start(&on6, AF_INET6, UDP_NONE, TCP_ACCEPT);
	for (size_t i = 0; i < 100; i++) {
		if (i % 2)
			item_set(&it[i], off4.addr, off4.port);
		else if (v6 && i % 4 == 0)
			item_set(&it[i], on6.addr, on6.port);
		else
			item_set(&it[i], on4.addr, on4.port);
	}
	assert_int_equal(reach_run(REACH_TCP, it, 100, NULL, 0, 3000), 0);
	srv_stop(&on4);
	srv_stop(&off4);
	if (v6)
		srv_stop(&on6);
	for (size_t i = 0; i < 100; i++) {
		if (i % 2) {
			assert_false(it[i].ok);
			assert_string_equal(it[i].why, "connection refused");
		} else {
			assert_true(it[i].ok);
		}
	}
	free(it);
}

static void
test_einval(void **state)
{
	struct reach_item it[2];
	struct reach_item *big;

	(void)state;
	item_set(&it[0], "127.0.0.1", 53);
	item_set(&it[1], "example.nl", 53);
	assert_int_equal(reach_run(REACH_TCP, it, 2, NULL, 0, 100), PEIL_EINVAL);
	assert_int_equal(reach_run(REACH_DNS, it, 2, "example.nl", QTYPE_A, 100), PEIL_EINVAL);
	item_set(&it[1], "127.0.0.1", 0);
	assert_int_equal(reach_run(REACH_TCP, it, 2, NULL, 0, 100), PEIL_EINVAL);
	item_set(&it[1], "fe80::1%lo", 53);
	assert_int_equal(reach_run(REACH_TCP, it, 2, NULL, 0, 100), PEIL_EINVAL);
	item_set(&it[1], "127.0.0.1 ", 53);
	assert_int_equal(reach_run(REACH_TCP, it, 2, NULL, 0, 100), PEIL_EINVAL);
	memset(it[1].addr, '1', sizeof(it[1].addr));
	assert_int_equal(reach_run(REACH_TCP, it, 2, NULL, 0, 100), PEIL_EINVAL);
	/* Bad qnames. */
	assert_int_equal(reach_run(REACH_DNS, it, 1, NULL, QTYPE_A, 100), PEIL_EINVAL);
	assert_int_equal(reach_run(REACH_DNS, it, 1, "", QTYPE_A, 100), PEIL_EINVAL);
	assert_int_equal(reach_run(REACH_DNS, it, 1, "a..nl", QTYPE_A, 100), PEIL_EINVAL);
	assert_int_equal(reach_run(REACH_DNS, it, 1, ".nl", QTYPE_A, 100), PEIL_EINVAL);
	assert_int_equal(reach_run(REACH_DNS, it, 1, "a b.nl", QTYPE_A, 100), PEIL_EINVAL);
	assert_int_equal(reach_run(REACH_DNS, it, 1,
	    "a234567890123456789012345678901234567890123456789012345678901234.nl", QTYPE_A, 100),
	    PEIL_EINVAL);
	/* Too many. */
	big = calloc(MAX_REACH_ITEMS + 1, sizeof(*big));
	assert_non_null(big);
	for (size_t i = 0; i <= MAX_REACH_ITEMS; i++)
		item_set(&big[i], "127.0.0.1", 9);
	assert_int_equal(reach_run(REACH_TCP, big, MAX_REACH_ITEMS + 1, NULL, 0, 100),
	    PEIL_EINVAL);
	free(big);
	/* Nothing to do. */
	assert_int_equal(reach_run(REACH_TCP, it, 0, NULL, 0, 100), 0);
}

/* The answer check on hand-made messages. qname example.nl, qtype A, id 0x1234. */
static const uint8_t qn[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 2, 'n', 'l', 0 };

static size_t
msg(uint8_t *m, uint16_t flags, uint16_t an, uint16_t ar)
{
	size_t p = 0;

	m[p++] = 0x12; m[p++] = 0x34;
	m[p++] = (uint8_t)(flags >> 8); m[p++] = (uint8_t)flags;
	m[p++] = 0; m[p++] = 1;
	m[p++] = 0; m[p++] = (uint8_t)an;
	m[p++] = 0; m[p++] = 0;
	m[p++] = 0; m[p++] = (uint8_t)ar;
	memcpy(m + p, qn, sizeof(qn));
	p += sizeof(qn);
	m[p++] = 0; m[p++] = 1; m[p++] = 0; m[p++] = 1;
	return p;
}

static size_t
add_a(uint8_t *m, size_t p)
{
	static const uint8_t rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7 };

	memcpy(m + p, rr, sizeof(rr));
	return p + sizeof(rr);
}

static size_t
add_opt(uint8_t *m, size_t p, uint8_t ext)
{
	const uint8_t rr[] = { 0, 0, 41, 0x04, 0xd0, ext, 0, 0, 0, 0, 0 };

	memcpy(m + p, rr, sizeof(rr));
	return p + sizeof(rr);
}

static int
check(const uint8_t *m, size_t len, int *rcode, bool *tc)
{
	return reach_dns_answer(m, len, 0x1234, qn, sizeof(qn), QTYPE_A, rcode, tc);
}

static void
test_answer_check(void **state)
{
	uint8_t m[512];
	size_t len;
	int rcode = -1;
	bool tc = true;

	(void)state;
	len = add_opt(m, add_a(m, msg(m, 0x8003, 1, 1)), 0);
	assert_int_equal(check(m, len, &rcode, &tc), 0);
	assert_int_equal(rcode, 3);
	assert_false(tc);
	/* Every cut is refused. */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_not_equal(check(m, cut, &rcode, &tc), 0);
	/* Trailing byte. */
	m[len] = 0;
	assert_int_equal(check(m, len + 1, &rcode, &tc), PEIL_EINVAL);
	/* Extended rcode: BADVERS is 16. */
	len = add_opt(m, msg(m, 0x8000, 0, 1), 1);
	assert_int_equal(check(m, len, &rcode, &tc), 0);
	assert_int_equal(rcode, 16);
	/* Two OPTs; an OPT in the answer section; an OPT not owned by the root. */
	len = add_opt(m, add_opt(m, msg(m, 0x8000, 0, 2), 0), 0);
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	len = add_opt(m, msg(m, 0x8000, 1, 0), 0);
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	len = add_a(m, msg(m, 0x8000, 0, 1));
	m[len - 14] = 0;
	m[len - 13] = 41;
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	/* Pointers: forward, into the header, to itself; a reserved label type. */
	len = add_a(m, msg(m, 0x8000, 1, 0));
	m[len - 15] = (uint8_t)(len - 16 + 2);
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	m[len - 15] = 4;
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	m[len - 15] = (uint8_t)(len - 16);
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	m[len - 16] = 0x40;
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	/* An uncompressed owner is fine; one label running past the end is not. */
	len = msg(m, 0x8000, 1, 0);
	memcpy(m + len, qn, sizeof(qn));
	len += sizeof(qn);
	memcpy(m + len, "\0\1\0\1\0\0\0\0\0\0", 10);
	len += 10;
	assert_int_equal(check(m, len, &rcode, &tc), 0);
	len = msg(m, 0x8000, 1, 0);
	m[len++] = 63;
	memset(m + len, 'a', 20);
	len += 20;
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	/* rdlength past the end. */
	len = add_a(m, msg(m, 0x8000, 1, 0));
	m[len - 5] = 5;
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	/* Counts promising more records than there are. */
	len = add_a(m, msg(m, 0x8000, 2, 0));
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_EINVAL);
	/* Not ours: other id, no QR, other opcode, other qtype, other name, two questions. */
	len = add_a(m, msg(m, 0x8000, 1, 0));
	assert_int_equal(reach_dns_answer(m, len, 0x1235, qn, sizeof(qn), QTYPE_A, &rcode, &tc),
	    PEIL_ENOENT);
	assert_int_equal(reach_dns_answer(m, len, 0x1234, qn, sizeof(qn), QTYPE_SOA, &rcode,
	    &tc), PEIL_ENOENT);
	len = add_a(m, msg(m, 0x0000, 1, 0));
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_ENOENT);
	len = add_a(m, msg(m, 0x8800, 1, 0));
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_ENOENT);
	len = add_a(m, msg(m, 0x8000, 1, 0));
	m[13] = 'X';
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_ENOENT);
	m[13] = 'E';    /* case does not matter */
	assert_int_equal(check(m, len, &rcode, &tc), 0);
	m[5] = 2;
	assert_int_equal(check(m, len, &rcode, &tc), PEIL_ENOENT);
	/* TC: only header and question count; the rest may be cut. */
	len = add_a(m, msg(m, 0x8200, 1, 0)) - 5;
	assert_int_equal(check(m, len, &rcode, &tc), 0);
	assert_true(tc);
}

/* The verdict reach_dns_answer must give (reach.h's contract, RFC 1035 4.1 and RFC 6891 6.1),
 * worked out independently for a message whose header and question match ours: 0 with the
 * rcode (extended by the OPT's high byte) when every record is whole, PEIL_EINVAL otherwise. */
static int
oracle_name(const uint8_t *m, size_t len, size_t *off)
{
	size_t start = *off, p = *off, labels = 0;

	while (p < len) {
		uint8_t c = m[p];

		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (p + 2 > len)
				return -1;
			target = (size_t)(c & 0x3f) << 8 | m[p + 1];
			/* Back into the body, before this name: never forward, never the header. */
			if (target < 12 || target >= start)
				return -1;
			*off = p + 2;
			return 0;
		}
		if ((c & 0xc0) != 0)
			return -1;        /* 01 and 10 label types are reserved */
		if (c == 0) {
			*off = p + 1;
			return 0;
		}
		labels += (size_t)c + 1;
		if (labels + 1 > 255 || p + 1 + c > len)
			return -1;        /* a name is at most 255 octets; a label inside the message */
		p += (size_t)c + 1;
	}
	return -1;
}

static int
oracle(const uint8_t *m, size_t len, size_t qend, int *rcode)
{
	size_t an = (size_t)m[6] << 8 | m[7], ns = (size_t)m[8] << 8 | m[9];
	size_t ar = (size_t)m[10] << 8 | m[11], off = qend;
	int code = m[3] & 0xf;
	bool opt = false;

	for (size_t i = 0; i < an + ns + ar; i++) {
		size_t start = off;
		uint16_t type, rdlen;

		if (oracle_name(m, len, &off) != 0 || off + 10 > len)
			return PEIL_EINVAL;
		type = (uint16_t)(m[off] << 8 | m[off + 1]);
		rdlen = (uint16_t)(m[off + 8] << 8 | m[off + 9]);
		if (type == 41) {
			if (i < an + ns || opt || off - start != 1)
				return PEIL_EINVAL;
			opt = true;
			code |= m[off + 4] << 4;
		}
		off += 10;
		if (off + rdlen > len)
			return PEIL_EINVAL;
		off += rdlen;
	}
	if (off != len)
		return PEIL_EINVAL;       /* trailing bytes */
	*rcode = code;
	return 0;
}

static uint32_t
rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16 & 0x7fff;
}

/* One resource record of random shape at m + p (an OPT, owned by the root, when opt). */
static size_t
rand_rr(uint8_t *m, size_t p, unsigned *seed, bool opt)
{
	static const uint16_t types[] = { 1, 28, 5, 46, 2, 16, 99 };
	uint16_t type = opt ? 41 : types[rnd(seed) % 7];
	unsigned rdlen = rnd(seed) % 24;

	if (opt && rnd(seed) % 4 != 0) {
		m[p++] = 0;
	} else if (opt) {
		m[p++] = 0xc0;          /* an OPT not owned by the root */
		m[p++] = 12;
	} else {
		switch (rnd(seed) % 3) {
		case 0:
			m[p++] = 0xc0;  /* the question's name */
			m[p++] = 12;
			break;
		case 1:
			m[p++] = 0;
			break;
		default:
			for (unsigned l = 1 + rnd(seed) % 3; l > 0; l--) {
				unsigned n = 1 + rnd(seed) % 8;

				m[p++] = (uint8_t)n;
				for (unsigned k = 0; k < n; k++)
					m[p++] = (uint8_t)('a' + rnd(seed) % 26);
			}
			m[p++] = 0;
		}
	}
	m[p++] = (uint8_t)(type >> 8);
	m[p++] = (uint8_t)type;
	for (int k = 0; k < 6; k++)   /* class (or OPT's size), TTL (OPT: ext rcode, version, flags) */
		m[p++] = (uint8_t)rnd(seed);
	m[p++] = 0;
	m[p++] = (uint8_t)rdlen;
	for (unsigned k = 0; k < rdlen; k++)
		m[p++] = (uint8_t)rnd(seed);
	return p;
}

/* Random answers behind a matching header and question, from well-formed ones (random records,
 * an OPT with a random extended rcode) to damaged ones (a byte changed, cut short, a trailing
 * byte) to noise: reach_dns_answer must give exactly the oracle's verdict and rcode, never
 * PEIL_ENOENT (the question is ours), never TC (not set), and never read past the end (the
 * copy on the heap is exactly len bytes, for ASan). */
static void
test_answer_random(void **state)
{
	uint8_t m[600];
	unsigned seed = 4711, ok = 0, bad = 0, ext = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		unsigned an = rnd(&seed) % 4, ns = rnd(&seed) % 2, ar = rnd(&seed) % 3;
		unsigned rc = rnd(&seed) % 16, shape = rnd(&seed) % 4;
		size_t len, qend = msg(m, (uint16_t)(0x8000 | rc), (uint16_t)an, (uint16_t)ar);
		uint8_t *heap;
		int rcode = -1, want_rcode = -1, got, want;
		bool tc = true;

		m[9] = (uint8_t)ns;
		len = qend;
		if (shape == 0) {
			/* noise, with pointer bytes sprinkled in */
			size_t n = rnd(&seed) % 300;

			for (size_t i = 0; i < n; i++)
				m[len++] = rnd(&seed) % 16 == 0 ? 0xc0 : (uint8_t)rnd(&seed);
		} else {
			for (unsigned i = 0; i < an + ns + ar; i++)
				len = rand_rr(m, len, &seed, i >= an + ns ?
				    rnd(&seed) % 2 == 0 : rnd(&seed) % 8 == 0);
			if (shape == 2 && len > qend)
				m[qend + rnd(&seed) % (len - qend)] = (uint8_t)rnd(&seed);
			else if (shape == 3 && rnd(&seed) % 2 == 0 && len > qend)
				len -= 1 + rnd(&seed) % (len - qend);
			else if (shape == 3)
				m[len++] = (uint8_t)rnd(&seed);
		}
		assert_true(len <= sizeof(m));
		heap = malloc(len);
		assert_non_null(heap);
		memcpy(heap, m, len);
		got = check(heap, len, &rcode, &tc);
		want = oracle(m, len, qend, &want_rcode);
		free(heap);
		if (got != want)
			fail_msg("round %d: reach_dns_answer %d, the contract %d", round, got, want);
		if (got == 0) {
			assert_int_equal(rcode, want_rcode);
			assert_false(tc);
			ok++;
			if (want_rcode > 15)
				ext++;
		} else {
			bad++;
		}
	}
	/* Both verdicts, and extended rcodes, were exercised in earnest. */
	assert_true(ok > 2000);
	assert_true(bad > 2000);
	assert_true(ext > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_check),
		cmocka_unit_test(test_answer_random),
		cmocka_unit_test(test_einval),
		cmocka_unit_test(test_tcp_listening),
		cmocka_unit_test(test_tcp_refused),
		cmocka_unit_test(test_tcp_many),
		cmocka_unit_test(test_dns_answer),
		cmocka_unit_test(test_dns_wrong_first),
		cmocka_unit_test(test_dns_tc_fallback),
		cmocka_unit_test(test_dns_udp_refused),
		cmocka_unit_test(test_dns_tcp_malformed),
		cmocka_unit_test(test_dns_silent),
		cmocka_unit_test(test_dns_garbage),
		cmocka_unit_test(test_dns_malformed),
		cmocka_unit_test(test_dns_both_silent),
		cmocka_unit_test(test_dns_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
