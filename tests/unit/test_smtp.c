/* test_smtp.c: the SMTP reply parser on vectors, and the dialogue against scripted loopback
 * servers in threads. */
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
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "limits.h"
#include "smtp.h"

#define EHLO_NAME "probe.test.example"

/* The parser. */

struct vec {
	const char *in;
	size_t len;             /* 0: strlen(in) */
	int rc;
	int code;
	size_t nlines;
	bool starttls;
	const char *text;
	size_t used;            /* 0: the whole input */
};

static const struct vec vecs[] = {
	{ "220 mx.example.nl ESMTP\r\n", 0, 0, 220, 1, false, "mx.example.nl ESMTP", 0 },
	{ "250\r\n", 0, 0, 250, 1, false, "", 0 },
	{ "250\n", 0, 0, 250, 1, false, "", 0 },
	{ "250 \r\n", 0, 0, 250, 1, false, "", 0 },
	{ "220 bare lf\n", 0, 0, 220, 1, false, "bare lf", 0 },
	{ "250-mx.example.nl\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n"
	  "250 8BITMIME\r\n", 0, 0, 250, 5, true, "mx.example.nl", 0 },
	{ "250-mx\r\n250-starttls\r\n250 OK\r\n", 0, 0, 250, 3, true, "mx", 0 },
	{ "250-mx\r\n250-StartTLS\r\n250 OK\r\n", 0, 0, 250, 3, true, "mx", 0 },
	{ "250-mx\r\n250 STARTTLS\r\n", 0, 0, 250, 2, true, "mx", 0 },
	{ "250-mx\n250-STARTTLS\n250 SIZE\n", 0, 0, 250, 3, true, "mx", 0 },
	{ "250-mx\r\n250-STARTTLS \r\n250 OK\r\n", 0, 0, 250, 3, true, "mx", 0 },
	{ "250-mx\r\n250-XSTARTTLS\r\n250 OK\r\n", 0, 0, 250, 3, false, "mx", 0 },
	{ "250-mx\r\n250-STARTTLSX\r\n250 OK\r\n", 0, 0, 250, 3, false, "mx", 0 },
	{ "250-mx\r\n250-STARTTL\r\n250 OK\r\n", 0, 0, 250, 3, false, "mx", 0 },
	{ "250-mx\r\n250- STARTTLS\r\n250 OK\r\n", 0, 0, 250, 3, false, "mx", 0 },
	{ "250 STARTTLS\r\n", 0, 0, 250, 1, false, "STARTTLS", 0 },   /* the server's name */
	{ "250-mx\r\n250-\r\n250\r\n", 0, 0, 250, 3, false, "mx", 0 },
	{ "220 a\r\n220 b\r\n", 0, 0, 220, 1, false, "a", 7 },        /* the second is left */
	{ "220 t\tab\x01\xff\r\n", 0, 0, 220, 1, false, "t?ab??", 0 },
	{ "220 cr\rin text\r\n", 0, 0, 220, 1, false, "cr?in text", 0 },
	{ "554 5.3.2 go away\r\n", 0, 0, 554, 1, false, "5.3.2 go away", 0 },
	/* Incomplete: read more. */
	{ "", 0, PEIL_EAGAIN, 0, 0, false, NULL, 0 },
	{ "2", 0, PEIL_EAGAIN, 0, 0, false, NULL, 0 },
	{ "220", 0, PEIL_EAGAIN, 0, 0, false, NULL, 0 },
	{ "220 hello", 0, PEIL_EAGAIN, 0, 0, false, NULL, 0 },
	{ "220 hello\r", 0, PEIL_EAGAIN, 0, 0, false, NULL, 0 },
	{ "250-mx\r\n", 0, PEIL_EAGAIN, 0, 0, false, NULL, 0 },
	{ "250-mx\r\n25", 0, PEIL_EAGAIN, 0, 0, false, NULL, 0 },
	/* Malformed, found as soon as the bytes show it. */
	{ "hello\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "x", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "25x", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "25\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "150 go on\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "650 no\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "000 no\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "2500 four digits\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "250x", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "250\r\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "250-mx\r\n251 OK\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "250-mx\r\n251", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "250-mx\r\n\r\n250 OK\r\n", 0, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "220 a\0b\r\n", 9, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "220 a\0", 6, PEIL_EINVAL, 0, 0, false, NULL, 0 },
	{ "\0", 1, PEIL_EINVAL, 0, 0, false, NULL, 0 },
};

static void
test_parse_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		size_t len = v->len ? v->len : strlen(v->in), used = 99;
		struct smtp_reply r;
		char why[128] = "";
		int rc;

		rc = smtp_reply_parse((const uint8_t *)v->in, len, &r, &used, why, sizeof(why));
		if (rc != v->rc)
			fail_msg("vector %zu: rc %d, expected %d (%s)", i, rc, v->rc, why);
		if (rc == PEIL_EINVAL || rc == PEIL_ETOOBIG)
			assert_true(why[0] != '\0');
		if (rc != 0)
			continue;
		assert_int_equal(r.code, v->code);
		assert_int_equal(r.nlines, v->nlines);
		assert_int_equal(r.starttls, v->starttls);
		assert_string_equal(r.text, v->text);
		assert_int_equal(used, v->used ? v->used : len);
		assert_int_equal(r.bytes, used);
	}
}

/* Every proper prefix of a good reply asks for more bytes, never fails: the dialogue reads a
 * reply in pieces of any size. */
static void
test_parse_prefixes(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		size_t len = v->len ? v->len : strlen(v->in), used;
		struct smtp_reply r;

		if (v->rc != 0)
			continue;
		len = v->used ? v->used : len;
		for (k = 0; k < len; k++) {
			int rc = smtp_reply_parse((const uint8_t *)v->in, k, &r, &used, NULL, 0);

			if (rc != PEIL_EAGAIN)
				fail_msg("vector %zu prefix %zu: rc %d", i, k, rc);
		}
	}
}

/* Builds n lines of "250-" plus fill bytes of text, the last "250 ", into buf. */
static size_t
make_lines(uint8_t *buf, size_t cap, size_t n, size_t fill)
{
	size_t i, pos = 0;

	for (i = 0; i < n; i++) {
		assert_true(pos + 4 + fill + 2 <= cap);
		memcpy(buf + pos, i + 1 < n ? "250-" : "250 ", 4);
		memset(buf + pos + 4, 'a', fill);
		memcpy(buf + pos + 4 + fill, "\r\n", 2);
		pos += 4 + fill + 2;
	}
	return pos;
}

static void
test_parse_limits(void **state)
{
	size_t cap = 2 * 1024 * 1024, len, used;
	uint8_t *buf = malloc(cap);
	struct smtp_reply r;
	char why[128];

	(void)state;
	assert_non_null(buf);

	/* Lines: MAX_SMTP_REPLY_LINES is fine, one more is too many, also while cut. */
	len = make_lines(buf, cap, MAX_SMTP_REPLY_LINES, 4);
	assert_int_equal(smtp_reply_parse(buf, len, &r, &used, why, sizeof(why)), 0);
	assert_int_equal(r.nlines, MAX_SMTP_REPLY_LINES);
	len = make_lines(buf, cap, MAX_SMTP_REPLY_LINES + 1, 4);
	assert_int_equal(smtp_reply_parse(buf, len, &r, &used, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_non_null(strstr(why, "lines"));
	assert_int_equal(smtp_reply_parse(buf, (size_t)MAX_SMTP_REPLY_LINES * 10, &r, &used,
	    why, sizeof(why)), PEIL_ETOOBIG);

	/* Bytes: a reply of exactly MAX_SMTP_REPLY_BYTES is fine, one byte more is not. Lines
	 * of 512 bytes (506 of text): 128 of them are 65536 bytes. */
	len = make_lines(buf, cap, MAX_SMTP_REPLY_BYTES / 512, 506);
	assert_int_equal(len, MAX_SMTP_REPLY_BYTES);
	assert_int_equal(smtp_reply_parse(buf, len, &r, &used, why, sizeof(why)), 0);
	assert_int_equal(used, MAX_SMTP_REPLY_BYTES);
	assert_int_equal(strlen(r.text), sizeof(r.text) - 1);
	buf[len - 2] = 'a';  /* the same reply, its last line one byte longer */
	buf[len - 1] = '\r';
	buf[len] = '\n';
	assert_int_equal(smtp_reply_parse(buf, len + 1, &r, &used, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_non_null(strstr(why, "bytes"));

	/* 1 MB of EHLO reply in 1000-byte lines: too big, and said so with only the first
	 * MAX_SMTP_REPLY_BYTES + 1 bytes there. */
	len = make_lines(buf, cap, 1000, 994);
	assert_int_equal(smtp_reply_parse(buf, len, &r, &used, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_int_equal(smtp_reply_parse(buf, MAX_SMTP_REPLY_BYTES + 1, &r, &used, why,
	    sizeof(why)), PEIL_ETOOBIG);
	assert_int_equal(smtp_reply_parse(buf, MAX_SMTP_REPLY_BYTES, &r, &used, why,
	    sizeof(why)), PEIL_EAGAIN);

	/* One line: MAX_SMTP_LINE_LEN bytes with its CRLF is fine; longer is malformed, known
	 * as soon as MAX_SMTP_LINE_LEN bytes came without a line end. */
	len = make_lines(buf, cap, 1, MAX_SMTP_LINE_LEN - 6);
	assert_int_equal(smtp_reply_parse(buf, len, &r, &used, why, sizeof(why)), 0);
	len = make_lines(buf, cap, 1, MAX_SMTP_LINE_LEN - 5);
	assert_int_equal(smtp_reply_parse(buf, len, &r, &used, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(smtp_reply_parse(buf, MAX_SMTP_LINE_LEN - 1, &r, &used, why,
	    sizeof(why)), PEIL_EAGAIN);
	assert_int_equal(smtp_reply_parse(buf, MAX_SMTP_LINE_LEN, &r, &used, why,
	    sizeof(why)), PEIL_EINVAL);
	assert_non_null(strstr(why, "over"));
	/* A single 1 MB line: malformed at once. */
	len = make_lines(buf, cap, 1, 1024 * 1024);
	assert_int_equal(smtp_reply_parse(buf, len, &r, &used, why, sizeof(why)),
	    PEIL_EINVAL);

	/* why may be NULL. */
	assert_int_equal(smtp_reply_parse((const uint8_t *)"x", 1, &r, &used, NULL, 0),
	    PEIL_EINVAL);
	free(buf);
}

/* Scripted servers. */

enum srv_mode {
	SRV_GOOD,          /* 220, EHLO with STARTTLS, 220 to STARTTLS */
	SRV_GOOD_SPLIT,    /* the same, multi-line greeting, every reply in pieces, CR | LF */
	SRV_NOTLS,         /* EHLO reply without STARTTLS */
	SRV_554,           /* 554 greeting */
	SRV_DRIP,          /* greeting one byte per drip_ms */
	SRV_SILENT,        /* accepts, says nothing */
	SRV_BIG,           /* a 1 MB EHLO reply */
	SRV_CLOSE,         /* greeting, reads EHLO, closes */
	SRV_EHLO_550,      /* EHLO refused */
	SRV_TLS_454,       /* STARTTLS refused */
	SRV_PREGREET,      /* greeting and a second line before EHLO */
	SRV_AFTER_220,     /* 220 to STARTTLS and plaintext right behind it */
	SRV_GARBAGE,       /* EHLO answered with junk */
};

struct srv {
	int family;
	int lfd;
	uint16_t port;
	char addr[64];
	enum srv_mode mode;
	unsigned drip_ms;
	pthread_t th;
	char rx[8192];          /* everything the client sent */
	size_t rxlen;
};

static const char ehlo_ok[] = "250-mx.test.example\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
    "250-STARTTLS\r\n250 8BITMIME\r\n";

static void
srv_send(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void
srv_puts(int fd, const char *p)
{
	srv_send(fd, p, strlen(p));
}

/* Reads one line into s->rx, byte by byte (never past it), within 5 s. Returns 0 when a
 * line came, -1 on EOF, error or time-out. */
static int
srv_line(struct srv *s, int fd)
{
	int64_t end = clock_mono_ms() + 5000;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t got;
		size_t before = s->rxlen;

		if (poll(&p, 1, (int)(end - clock_mono_ms())) <= 0)
			return -1;
		if (s->rxlen >= sizeof(s->rx))
			return -1;
		got = recv(fd, s->rx + s->rxlen, 1, 0);   /* byte by byte: no over-read */
		if (got <= 0)
			return -1;
		s->rxlen += (size_t)got;
		if (s->rx[before] == '\n')
			return 0;
	}
}

/* Reads what the client still sends until it closes (or 5 s). */
static void
srv_rest(struct srv *s, int fd)
{
	int64_t end = clock_mono_ms() + 5000;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char junk[4096];
		ssize_t got;
		size_t room = sizeof(s->rx) - s->rxlen;

		if (poll(&p, 1, (int)(end - clock_mono_ms())) <= 0)
			return;
		if (room > 0)
			got = recv(fd, s->rx + s->rxlen, room, 0);
		else
			got = recv(fd, junk, sizeof(junk), 0);
		if (got <= 0)
			return;
		if (room > 0)
			s->rxlen += (size_t)got;
	}
}

static void
srv_pause(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void
srv_big(int fd)
{
	char line[1000];
	size_t i;

	memset(line, 'x', sizeof(line));
	memcpy(line, "250-", 4);
	line[sizeof(line) - 2] = '\r';
	line[sizeof(line) - 1] = '\n';
	for (i = 0; i < 1000; i++) {
		ssize_t w = send(fd, line, sizeof(line), MSG_NOSIGNAL);

		if (w != (ssize_t)sizeof(line))
			return;
	}
	srv_puts(fd, "250 end\r\n");
}

static void *
srv_main(void *arg)
{
	struct srv *s = arg;
	struct pollfd p = { .fd = s->lfd, .events = POLLIN };
	const char *g = "220 mx.test.example ESMTP\r\n";
	int fd;

	if (poll(&p, 1, 5000) <= 0)
		return NULL;
	if ((fd = accept(s->lfd, NULL, NULL)) < 0)
		return NULL;
	switch (s->mode) {
	case SRV_DRIP: {
		const char *b = "220 slow server\r\n";

		for (; *b != '\0'; b++) {
			if (send(fd, b, 1, MSG_NOSIGNAL) != 1)
				break;
			srv_pause(s->drip_ms);
		}
		break;
	}
	case SRV_SILENT:
		break;
	case SRV_554:
		srv_puts(fd, "554 5.3.2 mx.test.example no service\r\n");
		break;
	case SRV_GOOD_SPLIT:
		srv_puts(fd, "220-mx.test.example ESMTP\r");
		srv_pause(30);
		srv_puts(fd, "\n220-second\r\n22");
		srv_pause(30);
		srv_puts(fd, "0 third\r\n");
		if (srv_line(s, fd) != 0)
			break;
		srv_puts(fd, "250-mx.test.example\r\n250-STA");
		srv_pause(30);
		srv_puts(fd, "RTTLS\r");
		srv_pause(30);
		srv_puts(fd, "\n250 OK\r\n");
		if (srv_line(s, fd) != 0)
			break;
		srv_puts(fd, "2");
		srv_pause(30);
		srv_puts(fd, "20 go ahead\n");
		break;
	case SRV_PREGREET:
		/* In one segment: what arrives after EHLO went out would be read as its reply. */
		srv_puts(fd, "220 mx.test.example ESMTP\r\n220 again\r\njunk\r\n");
		if (srv_line(s, fd) != 0)
			break;
		srv_puts(fd, ehlo_ok);
		if (srv_line(s, fd) != 0)
			break;
		srv_puts(fd, "220 go ahead\r\n");
		break;
	default:
		srv_puts(fd, g);
		if (srv_line(s, fd) != 0)
			break;
		switch (s->mode) {
		case SRV_CLOSE:
			close(fd);
			return NULL;
		case SRV_BIG:
			srv_big(fd);
			goto rest;
		case SRV_EHLO_550:
			srv_puts(fd, "550 5.7.1 not you\r\n");
			goto rest;
		case SRV_GARBAGE:
			srv_puts(fd, "HTTP/1.1 400 Bad Request\r\n\r\n");
			goto rest;
		case SRV_NOTLS:
			srv_puts(fd, "250-mx.test.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
			goto rest;
		default:
			break;
		}
		srv_puts(fd, ehlo_ok);
		if (srv_line(s, fd) != 0)
			break;
		if (s->mode == SRV_TLS_454)
			srv_puts(fd, "454 4.7.0 TLS not available\r\n");
		else if (s->mode == SRV_AFTER_220)
			srv_puts(fd, "220 go ahead\r\n250 injected\r\n");
		else
			srv_puts(fd, "220 2.0.0 go ahead\r\n");
		break;
	}
rest:
	srv_rest(s, fd);
	close(fd);
	return NULL;
}

static void
srv_start(struct srv *s, int family, enum srv_mode mode)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->family = family;
	s->mode = mode;
	s->drip_ms = 100;
	s->lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
		strcpy(s->addr, "127.0.0.1");
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
		strcpy(s->addr, "::1");
	}
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&ss, sl), 0);
	sl = sizeof(ss);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&ss, &sl), 0);
	s->port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	assert_int_equal(listen(s->lfd, 4), 0);
	assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
}

static void
srv_stop(struct srv *s)
{
	pthread_join(s->th, NULL);
	close(s->lfd);
	s->rx[s->rxlen < sizeof(s->rx) ? s->rxlen : sizeof(s->rx) - 1] = '\0';
}

/* Runs the dialogue against a fresh server of this mode; *ms: its wall time. */
static int
run(struct srv *srv, int family, enum srv_mode mode, unsigned step_ms, unsigned host_ms,
    int *fd, struct smtp_session *s, char *why, size_t whylen, int64_t *ms)
{
	int64_t t0;
	int rc;

	srv_start(srv, family, mode);
	t0 = clock_mono_ms();
	rc = smtp_starttls(srv->addr, srv->port, EHLO_NAME, step_ms,
	    host_ms ? (uint64_t)t0 + host_ms : 0, fd, s, why, whylen);
	*ms = clock_mono_ms() - t0;
	return rc;
}

static void
good(int family, enum srv_mode mode)
{
	struct srv srv;
	struct smtp_session s;
	char why[256] = "";
	int64_t ms;
	int fd = -2, rc, fl;
	struct sockaddr_storage peer;
	socklen_t pl = sizeof(peer);

	rc = run(&srv, family, mode, 3000, 0, &fd, &s, why, sizeof(why), &ms);
	if (rc != 0)
		fail_msg("rc %d: %s", rc, why);
	assert_true(fd >= 0);
	fl = fcntl(fd, F_GETFL);
	assert_true(fl >= 0 && (fl & O_NONBLOCK));
	assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &pl), 0);
	assert_int_equal(peer.ss_family, family);
	assert_int_equal(s.banner_code, 220);
	assert_string_equal(s.banner, "mx.test.example ESMTP");
	assert_int_equal(s.ehlo_code, 250);
	assert_string_equal(s.ehlo_text, "mx.test.example");
	assert_true(s.starttls_offered);
	assert_int_equal(s.starttls_code, 220);
	close(fd);
	srv_stop(&srv);
	/* Exactly EHLO and STARTTLS; no QUIT on success. */
	assert_string_equal(srv.rx, "EHLO " EHLO_NAME "\r\nSTARTTLS\r\n");
}

static void
test_good_v4(void **state)
{
	(void)state;
	good(AF_INET, SRV_GOOD);
}

static void
test_good_v6(void **state)
{
	(void)state;
	good(AF_INET6, SRV_GOOD);
}

static void
test_good_split(void **state)
{
	(void)state;
	good(AF_INET, SRV_GOOD_SPLIT);
}

/* A failing dialogue: rc and a why containing frag; the server got sent; *ms under max_ms. */
static void
bad(int family, enum srv_mode mode, unsigned step_ms, unsigned host_ms, int want,
    const char *frag, const char *sent, int64_t max_ms, struct smtp_session *s)
{
	struct srv srv;
	char why[256] = "";
	int64_t ms;
	int fd = -2, rc;

	rc = run(&srv, family, mode, step_ms, host_ms, &fd, s, why, sizeof(why), &ms);
	if (rc != want)
		fail_msg("mode %d: rc %d, expected %d: %s", (int)mode, rc, want, why);
	assert_int_equal(fd, -1);
	if (strstr(why, frag) == NULL)
		fail_msg("mode %d: why \"%s\" lacks \"%s\"", (int)mode, why, frag);
	if (ms > max_ms)
		fail_msg("mode %d: took %lld ms, over %lld", (int)mode, (long long)ms,
		    (long long)max_ms);
	srv_stop(&srv);
	/* After a reply left unread, close() resets the connection and the server may lose
	 * the QUIT sent just before. */
	if (mode == SRV_BIG && strlen(srv.rx) + 6 == strlen(sent) &&
	    strncmp(srv.rx, sent, strlen(srv.rx)) == 0)
		return;
	if (strcmp(srv.rx, sent) != 0)
		fail_msg("mode %d: server got \"%s\", expected \"%s\"", (int)mode, srv.rx, sent);
}

static void
test_no_starttls(void **state)
{
	struct smtp_session s;

	(void)state;
	bad(AF_INET6, SRV_NOTLS, 3000, 0, PEIL_ENOENT, "EHLO: STARTTLS not offered",
	    "EHLO " EHLO_NAME "\r\nQUIT\r\n", 3000, &s);
	assert_int_equal(s.banner_code, 220);
	assert_int_equal(s.ehlo_code, 250);
	assert_string_equal(s.ehlo_text, "mx.test.example");
	assert_false(s.starttls_offered);
	assert_int_equal(s.starttls_code, 0);
}

static void
test_banner_554(void **state)
{
	struct smtp_session s;

	(void)state;
	bad(AF_INET, SRV_554, 3000, 0, PEIL_EINVAL, "banner: 554 instead of 220", "QUIT\r\n",
	    3000, &s);
	assert_int_equal(s.banner_code, 554);
	assert_string_equal(s.banner, "5.3.2 mx.test.example no service");
	assert_int_equal(s.ehlo_code, 0);
}

static void
test_drip(void **state)
{
	struct smtp_session s;

	(void)state;
	/* 17 bytes at 100 ms each against a 400 ms step: a time-out with a few bytes. */
	bad(AF_INET, SRV_DRIP, 400, 0, PEIL_ETIMEDOUT,
	    "banner: no complete reply within 400 ms (", "", 1000, &s);
	assert_int_equal(s.banner_code, 0);
	assert_true(s.ms_banner >= 390 && s.ms_banner < 1000);
}

static void
test_host_deadline(void **state)
{
	struct smtp_session s;

	(void)state;
	bad(AF_INET6, SRV_SILENT, 5000, 300, PEIL_ETIMEDOUT, "banner: no complete reply "
	    "before the host deadline", "", 1200, &s);
}

static void
test_big_ehlo(void **state)
{
	struct smtp_session s;

	(void)state;
	bad(AF_INET, SRV_BIG, 5000, 0, PEIL_ETOOBIG, "EHLO: reply over 65536 bytes",
	    "EHLO " EHLO_NAME "\r\nQUIT\r\n", 2000, &s);
	assert_int_equal(s.banner_code, 220);
	assert_int_equal(s.ehlo_code, 0);
}

static void
test_closed_after_banner(void **state)
{
	struct smtp_session s;

	(void)state;
	bad(AF_INET, SRV_CLOSE, 3000, 0, PEIL_EIO, "EHLO: connection", "EHLO " EHLO_NAME "\r\n",
	    3000, &s);
	assert_int_equal(s.banner_code, 220);
}

static void
test_ehlo_550(void **state)
{
	struct smtp_session s;

	(void)state;
	bad(AF_INET, SRV_EHLO_550, 3000, 0, PEIL_EINVAL, "EHLO: 550 instead of 250 (5.7.1 not "
	    "you)", "EHLO " EHLO_NAME "\r\nQUIT\r\n", 3000, &s);
	assert_int_equal(s.ehlo_code, 550);
}

static void
test_garbage(void **state)
{
	struct smtp_session s;

	(void)state;
	bad(AF_INET6, SRV_GARBAGE, 3000, 0, PEIL_EINVAL, "EHLO: malformed reply: line 1",
	    "EHLO " EHLO_NAME "\r\nQUIT\r\n", 3000, &s);
}

static void
test_starttls_454(void **state)
{
	struct smtp_session s;

	(void)state;
	bad(AF_INET, SRV_TLS_454, 3000, 0, PEIL_EINVAL, "STARTTLS: 454 instead of 220",
	    "EHLO " EHLO_NAME "\r\nSTARTTLS\r\nQUIT\r\n", 3000, &s);
	assert_true(s.starttls_offered);
	assert_int_equal(s.starttls_code, 454);
}

static void
test_after_220(void **state)
{
	struct smtp_session s;

	(void)state;
	bad(AF_INET, SRV_AFTER_220, 3000, 0, PEIL_EINVAL, "STARTTLS: 14 bytes after the 220",
	    "EHLO " EHLO_NAME "\r\nSTARTTLS\r\nQUIT\r\n", 3000, &s);
	assert_int_equal(s.starttls_code, 220);
}

/* Bytes before EHLO are dropped and counted: the dialogue goes on. */
static void
test_pregreet(void **state)
{
	struct srv srv;
	struct smtp_session s;
	char why[256] = "";
	int64_t ms;
	int fd = -2, rc;

	(void)state;
	rc = run(&srv, AF_INET, SRV_PREGREET, 3000, 0, &fd, &s, why, sizeof(why), &ms);
	if (rc != 0)
		fail_msg("rc %d: %s", rc, why);
	assert_int_equal(s.stray_bytes, strlen("220 again\r\n") + strlen("junk\r\n"));
	close(fd);
	srv_stop(&srv);
	assert_string_equal(srv.rx, "EHLO " EHLO_NAME "\r\nSTARTTLS\r\n");
}

static void
test_refused(void **state)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	struct smtp_session s;
	char why[256] = "";
	int l, fd = -2, rc;

	(void)state;
	/* Bound, not listening: connects are refused. */
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &al), 0);
	rc = smtp_starttls("127.0.0.1", ntohs(a.sin_port), EHLO_NAME, 2000, 0, &fd, &s, why,
	    sizeof(why));
	close(l);
	assert_int_equal(rc, PEIL_EIO);
	assert_int_equal(fd, -1);
	assert_string_equal(why, "connect: connection refused");
	assert_int_equal(s.banner_code, 0);
}

static void
test_bad_args(void **state)
{
	struct smtp_session s;
	char why[256];
	int fd = -2;

	(void)state;
	assert_int_equal(smtp_starttls("mx.example.nl", 25, EHLO_NAME, 0, 0, &fd, &s, why,
	    sizeof(why)), PEIL_EINVAL);
	assert_int_equal(fd, -1);
	assert_int_equal(smtp_starttls("192.0.2.1", 0, EHLO_NAME, 0, 0, &fd, &s, why,
	    sizeof(why)), PEIL_EINVAL);
	assert_int_equal(smtp_starttls("192.0.2.1", 25, "a\r\nRCPT TO:<x>", 0, 0, &fd, &s, why,
	    sizeof(why)), PEIL_EINVAL);
	assert_int_equal(smtp_starttls("192.0.2.1", 25, "", 0, 0, &fd, &s, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(smtp_starttls("192.0.2.1", 25, "a b", 0, 0, &fd, &s, why,
	    sizeof(why)), PEIL_EINVAL);
	assert_int_equal(fd, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_vectors),
		cmocka_unit_test(test_parse_prefixes),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_good_v4),
		cmocka_unit_test(test_good_v6),
		cmocka_unit_test(test_good_split),
		cmocka_unit_test(test_no_starttls),
		cmocka_unit_test(test_banner_554),
		cmocka_unit_test(test_drip),
		cmocka_unit_test(test_host_deadline),
		cmocka_unit_test(test_big_ehlo),
		cmocka_unit_test(test_closed_after_banner),
		cmocka_unit_test(test_ehlo_550),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_starttls_454),
		cmocka_unit_test(test_after_220),
		cmocka_unit_test(test_pregreet),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
