/* test_http.c: the HTTP engine against a loopback fixture server (plain and TLS, IPv4 and
 * IPv6), its header-line collector on its own, and its global initialisation asked by many
 * threads at once. */
#include <setjmp.h>
#include <stdarg.h>
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
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "dynlib.h"
#include "err.h"
#include "http.h"
#include "limits.h"

/* The web host every test asks for: a name that does not resolve (.test, RFC 6761), so a
 * response proves the connection was pinned to the fixture's address. */
#define HOST "web.example.test"

/* A hostile header value: control bytes, an escape sequence, DEL, invalid UTF-8, a format. */
#define CTRL_VALUE "a\x01\x1b[31m\x7f\xff\xc3\x28 %s%n"

enum srv_mode {
	M_FIELDS,       /* 200 with repeated fields, blanks around values, a body */
	M_CHAIN,        /* / -> 301 /a -> 302 absolute /b -> 200, one kept-alive connection */
	M_LOOP,         /* / -> 302 /x -> 302 / */
	M_OTHERHOST,    /* 301 to https://other.example.test/ */
	M_OTHERPORT,    /* 301 to http://HOST:(port+1)/ */
	M_OTHERSCHEME,  /* 301 to https://HOST:port/ */
	M_ENDLESS,      /* a status line, then header lines for ever */
	M_BIGLINE,      /* one header line of 1 MB */
	M_LONGLINE,     /* one header line of 20 KB (over MAX_HTTP_FIELD_LEN, under curl's) */
	M_MANY,         /* 150 fields */
	M_CONTINUE,     /* a 100 with a field, then the 200 */
	M_FOLD,         /* a field continued on the next line (obs-fold) */
	M_GIGA,         /* Content-Length 1 GB, streamed until the client leaves */
	M_SILENT,       /* accepts, reads, never answers */
	M_ENCODING,     /* answers with Content-Encoding: gzip and raw bytes */
	M_NUL,          /* NUL and control bytes in a header value */
	M_CTRL,         /* control bytes and bytes over 0x7f in a header value */
	M_PLAINFIRST,   /* plain HTTP at once, without waiting for a request */
	M_300,          /* 300 Multiple Choices with a Location */
	M_TOHTTPS,      /* 301 to https://HOST/ (the default port) */
	M_BADLOC,       /* 302 with a Location that is no URL */
};

struct tcert {
	EVP_PKEY *key;
	X509 *x;
};

static struct {
	char dir[64], cert_file[96], other_file[96];
	struct tcert cert, other;
	SSL_CTX *sctx;
	bool have_v6;
	/* the server of one test */
	int lfd;
	uint16_t port;
	bool tls;
	pthread_t thr;
	atomic_int stop;
	enum srv_mode mode;
	atomic_int conns, reqs;
	atomic_llong sent;
	/* what the server read, published under lock once a request head is whole: the test
	 * reads them while the server's thread waits for the next request (req_has, req_path) */
	pthread_mutex_t lock;
	char request[4096];
	char paths[16][64];
} S = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* --- certificates ---------------------------------------------------------------------- */

static struct tcert
tcert_make(const char *cn, const char *san)
{
	struct tcert c = { EVP_EC_gen("P-256"), X509_new() };
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	static long serial = 1;

	assert_non_null(c.key);
	assert_non_null(c.x);
	X509_set_version(c.x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c.x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(c.x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c.x), 86400);
	X509_set_pubkey(c.x, c.key);
	name = X509_get_subject_name(c.x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c.x, name);
	X509V3_set_ctx(&ctx, c.x, c.x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
	assert_non_null(ext);
	X509_add_ext(c.x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
	assert_non_null(ext);
	X509_add_ext(c.x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(c.x, c.key, EVP_sha256()) > 0);
	return c;
}

static void
tcert_write(const struct tcert *c, const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, c->x), 1);
	fclose(f);
}

static int
setup_all(void **state)
{
	int fd;
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	snprintf(S.dir, sizeof(S.dir), "/tmp/test_http.XXXXXX");
	if (mkdtemp(S.dir) == NULL)
		return -1;
	snprintf(S.cert_file, sizeof(S.cert_file), "%s/cert.pem", S.dir);
	snprintf(S.other_file, sizeof(S.other_file), "%s/other.pem", S.dir);
	/* A throwaway self-signed certificate for the web host, and another one. */
	S.cert = tcert_make(HOST, "DNS:" HOST);
	S.other = tcert_make("other.example.test", "DNS:other.example.test");
	tcert_write(&S.cert, S.cert_file);
	tcert_write(&S.other, S.other_file);
	S.sctx = SSL_CTX_new(TLS_server_method());
	if (S.sctx == NULL || SSL_CTX_use_certificate(S.sctx, S.cert.x) != 1 ||
	    SSL_CTX_use_PrivateKey(S.sctx, S.cert.key) != 1)
		return -1;
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	S.have_v6 = fd >= 0 && bind(fd, (struct sockaddr *)&s6, sizeof(s6)) == 0;
	if (fd >= 0)
		close(fd);
	return 0;
}

static int
teardown_all(void **state)
{
	(void)state;
	SSL_CTX_free(S.sctx);
	X509_free(S.cert.x);
	EVP_PKEY_free(S.cert.key);
	X509_free(S.other.x);
	EVP_PKEY_free(S.other.key);
	unlink(S.cert_file);
	unlink(S.other_file);
	rmdir(S.dir);
	return 0;
}

/* --- the fixture server ---------------------------------------------------------------- */

struct conn {
	int fd;
	SSL *ssl;
};

/* Reads up to n bytes: > 0 read, 0 closed or failed, -1 nothing within the socket's 100 ms. */
static ssize_t
conn_read(struct conn *c, char *buf, size_t n)
{
	if (c->ssl != NULL) {
		int r = SSL_read(c->ssl, buf, (int)n);

		if (r > 0)
			return r;
		return SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_READ ? -1 : 0;
	} else {
		ssize_t r = recv(c->fd, buf, n, 0);

		if (r > 0)
			return r;
		return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? -1 : 0;
	}
}

/* Writes all of p; false when the client left or the test stops. */
static bool
conn_write(struct conn *c, const void *p, size_t n)
{
	const char *b = p;

	while (n > 0 && !S.stop) {
		ssize_t w;

		if (c->ssl != NULL) {
			int r = SSL_write(c->ssl, b, n > 16384 ? 16384 : (int)n);

			if (r <= 0) {
				if (SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_WRITE)
					continue;
				return false;
			}
			w = r;
		} else {
			w = send(c->fd, b, n, MSG_NOSIGNAL);
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				continue;
			if (w <= 0)
				return false;
		}
		S.sent += w;
		b += w;
		n -= (size_t)w;
	}
	return n == 0;
}

static bool conn_printf(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool
conn_printf(struct conn *c, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	return conn_write(c, buf, (size_t)n);
}

/* Reads one request head, published as S.request; its path into path. False: none came. */
static bool
conn_request(struct conn *c, char *path, size_t pathlen)
{
	char head[sizeof(S.request)];
	size_t have = 0;

	while (!S.stop && have < sizeof(head) - 1) {
		ssize_t r = conn_read(c, head + have, sizeof(head) - 1 - have);

		if (r == 0)
			return false;
		if (r < 0)
			continue;
		have += (size_t)r;
		head[have] = '\0';
		if (strstr(head, "\r\n\r\n") != NULL) {
			int n = atomic_fetch_add(&S.reqs, 1);

			if (sscanf(head, "GET %63s", path) != 1)
				snprintf(path, pathlen, "?");
			pthread_mutex_lock(&S.lock);
			memcpy(S.request, head, have + 1);
			if (n < 16)
				snprintf(S.paths[n], sizeof(S.paths[n]), "%s", path);
			pthread_mutex_unlock(&S.lock);
			return true;
		}
	}
	return false;
}

/* Whether the last request head the server read has needle. */
static bool
req_has(const char *needle)
{
	bool has;

	pthread_mutex_lock(&S.lock);
	has = strstr(S.request, needle) != NULL;
	pthread_mutex_unlock(&S.lock);
	return has;
}

/* The path of the server's request n (0 first), "" none; the test thread's copy. */
static const char *
req_path(int n)
{
	static char path[sizeof(S.paths[0])];

	pthread_mutex_lock(&S.lock);
	memcpy(path, S.paths[n], sizeof(path));
	pthread_mutex_unlock(&S.lock);
	return path;
}

/* Answers one request; true to read another on the same connection. */
static bool
serve(struct conn *c, const char *path)
{
	static char big[1 << 20];
	char line[128];

	switch (S.mode) {
	case M_FIELDS:
		conn_printf(c, "HTTP/1.1 200 OK\r\nX-Rep: one\r\nContent-Type: text/plain\r\n"
		    "x-rep:   two  \t\r\nX-Empty:\r\nX-Rep:three\r\nContent-Length: 5\r\n\r\nhello");
		return true;
	case M_CHAIN:
		if (strcmp(path, "/") == 0)
			return conn_printf(c, "HTTP/1.1 301 Moved\r\nLocation: /a\r\n"
			    "Content-Length: 3\r\n\r\nabc");
		if (strcmp(path, "/a") == 0)
			return conn_printf(c, "HTTP/1.1 302 Found\r\nLocation: http://" HOST
			    ":%u/b\r\nContent-Length: 0\r\n\r\n", S.port);
		return conn_printf(c, "HTTP/1.1 200 OK\r\nX-End: yes\r\nContent-Length: 3\r\n\r\n"
		    "end");
	case M_LOOP:
		return conn_printf(c, "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n"
		    "\r\n", strcmp(path, "/") == 0 ? "/x" : "/");
	case M_OTHERHOST:
		return conn_printf(c, "HTTP/1.1 301 Moved\r\nLocation: https://other.example.test/"
		    "\r\nContent-Length: 0\r\n\r\n");
	case M_OTHERPORT:
		return conn_printf(c, "HTTP/1.1 301 Moved\r\nLocation: http://" HOST ":%u/\r\n"
		    "Content-Length: 0\r\n\r\n", (unsigned)S.port + 1);
	case M_OTHERSCHEME:
		return conn_printf(c, "HTTP/1.1 301 Moved\r\nLocation: https://" HOST ":%u/\r\n"
		    "Content-Length: 0\r\n\r\n", S.port);
	case M_ENDLESS:
		if (!conn_printf(c, "HTTP/1.1 200 OK\r\n"))
			return false;
		for (unsigned i = 0; !S.stop; i++) {
			int n = snprintf(line, sizeof(line), "X-Filler-%u: %060u\r\n", i, i);

			if (!conn_write(c, line, (size_t)n))
				break;
		}
		return false;
	case M_BIGLINE:
	case M_LONGLINE:
		memset(big, 'a', sizeof(big));
		if (conn_printf(c, "HTTP/1.1 200 OK\r\nX-Big: "))
			(void)conn_write(c, big, S.mode == M_BIGLINE ? sizeof(big) : 20000);
		(void)conn_printf(c, "\r\nContent-Length: 0\r\n\r\n");
		return false;
	case M_MANY:
		conn_printf(c, "HTTP/1.1 200 OK\r\n");
		for (int i = 0; i < 150; i++)
			conn_printf(c, "X-F%d: %d\r\n", i, i);
		return conn_printf(c, "Content-Length: 0\r\n\r\n");
	case M_CONTINUE:
		return conn_printf(c, "HTTP/1.1 100 Continue\r\nX-Early: 1\r\n\r\n"
		    "HTTP/1.1 200 OK\r\nX-Final: 1\r\nContent-Length: 0\r\n\r\n");
	case M_FOLD:
		return conn_printf(c, "HTTP/1.1 200 OK\r\nX-Fold: first\r\n \t second \r\n"
		    "X-After: 1\r\nContent-Length: 0\r\n\r\n");
	case M_GIGA:
		memset(big, 'x', sizeof(big));
		if (!conn_printf(c, "HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n"))
			return false;
		for (int i = 0; i < 1024 && !S.stop; i++)
			if (!conn_write(c, big, sizeof(big)))
				break;
		return false;
	case M_SILENT:
		while (!S.stop)
			if (conn_read(c, line, sizeof(line)) == 0)
				break;
		return false;
	case M_ENCODING:
		conn_printf(c, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 6\r\n"
		    "\r\n");
		return conn_write(c, "\x1f\x8b\x08\x00\xff\x01", 6);
	case M_NUL:
		conn_printf(c, "HTTP/1.1 200 OK\r\n");
		conn_write(c, "X-Nul: a\0b\x01" "c\x7f\r\n", 12);
		return conn_printf(c, "X-After: 1\r\nContent-Length: 0\r\n\r\n");
	case M_CTRL:
		conn_printf(c, "HTTP/1.1 200 OK\r\n");
		conn_write(c, "X-Ctrl: " CTRL_VALUE "\r\n", sizeof(CTRL_VALUE) - 1 + 10);
		return conn_printf(c, "X-After: 1\r\nContent-Length: 0\r\n\r\n");
	case M_300:
		return conn_printf(c, "HTTP/1.1 300 Multiple Choices\r\nLocation: /choice\r\n"
		    "Content-Length: 0\r\n\r\n");
	case M_TOHTTPS:
		return conn_printf(c, "HTTP/1.1 301 Moved\r\nLocation: https://" HOST "/\r\n"
		    "Content-Length: 0\r\n\r\n");
	case M_BADLOC:
		return conn_printf(c, "HTTP/1.1 302 Found\r\nLocation: http://[::1%%zz/\x01\r\n"
		    "Content-Length: 0\r\n\r\n");
	case M_PLAINFIRST:
		(void)conn_printf(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
		return false;
	}
	return false;
}

static void
serve_conn(int fd)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	struct conn c = { .fd = fd };
	char path[64];

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (S.tls) {
		int r;

		c.ssl = SSL_new(S.sctx);
		SSL_set_fd(c.ssl, fd);
		while ((r = SSL_accept(c.ssl)) != 1 && !S.stop &&
		    SSL_get_error(c.ssl, r) == SSL_ERROR_WANT_READ)
			;
		if (r != 1)
			goto out;
	}
	if (S.mode == M_SILENT || S.mode == M_PLAINFIRST) {
		(void)serve(&c, "/");
		goto out;
	}
	while (!S.stop && conn_request(&c, path, sizeof(path)))
		if (!serve(&c, path))
			break;
out:
	if (c.ssl != NULL) {
		SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
	}
	close(fd);
}

static void *
srv_main(void *arg)
{
	(void)arg;
	while (!S.stop) {
		struct pollfd p = { .fd = S.lfd, .events = POLLIN };
		int fd;

		if (poll(&p, 1, 50) <= 0)
			continue;
		if ((fd = accept(S.lfd, NULL, NULL)) < 0)
			continue;
		S.conns++;
		serve_conn(fd);
	}
	return NULL;
}

static void
srv_start(enum srv_mode mode, bool tls, bool v6)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int one = 1;

	S.mode = mode;
	S.tls = tls;
	S.stop = 0;
	S.conns = S.reqs = 0;
	S.sent = 0;
	memset(S.paths, 0, sizeof(S.paths));
	memset(S.request, 0, sizeof(S.request));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*s4);
	}
	S.lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	assert_true(S.lfd >= 0);
	setsockopt(S.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(S.lfd, (struct sockaddr *)&ss, sl), 0);
	assert_int_equal(listen(S.lfd, 8), 0);
	assert_int_equal(getsockname(S.lfd, (struct sockaddr *)&ss, &sl), 0);
	S.port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	assert_int_equal(pthread_create(&S.thr, NULL, srv_main, NULL), 0);
}

static void
srv_stop(void)
{
	S.stop = 1;
	pthread_join(S.thr, NULL);
	close(S.lfd);
}

/* A request for scheme://HOST:port/path on the fixture, addr 127.0.0.1. */
static void
req_init(struct http_request *rq, char *url, size_t len, const char *scheme, const char *path)
{
	snprintf(url, len, "%s://" HOST ":%u%s", scheme, S.port, path);
	memset(rq, 0, sizeof(*rq));
	rq->url = url;
	rq->addr = "127.0.0.1";
	rq->timeout_ms = 5000;
}

static struct http_response *
resp_new(void)
{
	struct http_response *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	return r;
}

static void
resp_free(struct http_response *r)
{
	http_response_clear(r);
	free(r);
}

/* --- the engine -------------------------------------------------------------------------- */

static void
test_fields(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];
	const struct http_field *f;

	(void)state;
	srv_start(M_FIELDS, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.body_cap = 100;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->rc, 0);
	assert_string_equal(r->why, "");
	assert_int_equal(r->code, 200);
	assert_int_equal(r->nhops, 1);
	assert_false(r->redirect_stopped);
	assert_string_equal(r->url, url);
	assert_string_equal(r->addr, "127.0.0.1");
	assert_int_equal(r->nfields, 6);
	assert_int_equal(r->fields_seen, 6);
	assert_false(r->fields_cut);
	/* repeated fields in order, blanks trimmed, names looked up in any case */
	assert_int_equal(http_field_count(r, "X-REP"), 3);
	assert_string_equal(http_field_get(r, "x-rep", 0)->value, "one");
	assert_string_equal(http_field_get(r, "x-rep", 1)->value, "two");
	assert_int_equal(http_field_get(r, "x-rep", 1)->valuelen, 3);
	assert_string_equal(http_field_get(r, "x-rep", 2)->value, "three");
	assert_null(http_field_get(r, "x-rep", 3));
	f = http_field_get(r, "x-empty", 0);
	assert_non_null(f);
	assert_int_equal(f->valuelen, 0);
	assert_string_equal(http_field_get(r, "CONTENT-type", 0)->value, "text/plain");
	assert_string_equal(http_field_get(r, "x-rep", 1)->name, "x-rep");
	assert_null(http_field_get(r, "X-Missing", 0));
	assert_int_equal(r->bodylen, 5);
	assert_memory_equal(r->body, "hello", 5);
	assert_false(r->body_cut);
	assert_int_equal(r->requests, 1);
	assert_int_equal(r->connections, 1);
	/* pinned: the name does not resolve, yet the fixture got the request with it as Host */
	assert_true(req_has("Host: " HOST ":"));
	assert_true(req_has("User-Agent: peil/"));
	assert_false(req_has("Accept-Encoding"));
	resp_free(r);
}

static void
test_pinned_v6(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];

	(void)state;
	if (!S.have_v6) {
		resp_free(r);
		skip();
	}
	srv_start(M_FIELDS, false, true);
	req_init(&rq, url, sizeof(url), "http", "/v6");
	rq.addr = "::1";
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 200);
	assert_string_equal(r->addr, "::1");
	assert_string_equal(req_path(0), "/v6");
	resp_free(r);
}

static void
test_chain(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128], want[128];

	(void)state;
	srv_start(M_CHAIN, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.max_redirects = 5;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 200);
	assert_false(r->redirect_stopped);
	assert_int_equal(r->nhops, 3);
	assert_string_equal(r->hop[0].url, url);
	assert_int_equal(r->hop[0].code, 301);
	snprintf(want, sizeof(want), "http://" HOST ":%u/a", S.port);
	assert_string_equal(r->hop[0].location, want);
	assert_string_equal(r->hop[1].url, want);
	assert_int_equal(r->hop[1].code, 302);
	snprintf(want, sizeof(want), "http://" HOST ":%u/b", S.port);
	assert_string_equal(r->hop[1].location, want);
	assert_string_equal(r->hop[2].url, want);
	assert_int_equal(r->hop[2].code, 200);
	assert_string_equal(r->hop[2].location, "");
	assert_string_equal(r->url, want);
	/* only the final response's fields */
	assert_int_equal(http_field_count(r, "Location"), 0);
	assert_string_equal(http_field_get(r, "x-end", 0)->value, "yes");
	/* one connection, kept alive across the hops */
	assert_int_equal(r->requests, 3);
	assert_int_equal(r->connections, 1);
	assert_int_equal(S.conns, 1);
	assert_int_equal(S.reqs, 3);

	/* not following: the first 3xx is the response, its location recorded */
	http_response_clear(r);
	srv_start(M_CHAIN, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 301);
	assert_int_equal(r->nhops, 1);
	assert_true(r->redirect_stopped);
	snprintf(want, sizeof(want), "http://" HOST ":%u/a", S.port);
	assert_string_equal(r->hop[0].location, want);
	assert_string_equal(http_field_get(r, "location", 0)->value, "/a");
	assert_non_null(strstr(r->redirect_why, "0 redirects allowed"));

	/* one hop allowed: stops at the second 3xx */
	http_response_clear(r);
	srv_start(M_CHAIN, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.max_redirects = 1;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->code, 302);
	assert_int_equal(r->nhops, 2);
	assert_true(r->redirect_stopped);
	resp_free(r);
}

static void
test_loop(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128], want[128];
	int64_t t0;

	(void)state;
	srv_start(M_LOOP, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.max_redirects = MAX_HTTP_REDIRECTS;
	t0 = clock_mono_ms();
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_true(clock_mono_ms() - t0 < 3000);
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 302);
	assert_int_equal(r->nhops, 2);
	assert_true(r->redirect_stopped);
	snprintf(want, sizeof(want), "http://" HOST ":%u/", S.port);
	assert_string_equal(r->hop[1].location, want);
	assert_non_null(strstr(r->redirect_why, "loop"));
	assert_int_equal(S.reqs, 2);
	resp_free(r);
}

/* A redirect the engine must not follow: mode, and the location it must record. */
static void
not_followed(enum srv_mode mode, const char *want, const char *whyword)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];

	srv_start(mode, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.max_redirects = MAX_HTTP_REDIRECTS;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 301);
	assert_int_equal(r->nhops, 1);
	assert_true(r->redirect_stopped);
	assert_string_equal(r->hop[0].location, want);
	assert_non_null(strstr(r->redirect_why, whyword));
	/* only another host is left for a caller to follow (pinned to that host's address) */
	assert_int_equal(r->redirect_other_host, mode == M_OTHERHOST);
	assert_string_equal(r->hop[0].addr, r->addr);
	assert_true(r->addr[0] != '\0');
	assert_int_equal(S.reqs, 1);
	assert_int_equal(S.conns, 1);
	resp_free(r);
}

static void
test_redirect_port(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128], want[128];

	(void)state;
	/* another port */
	srv_start(M_OTHERPORT, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.max_redirects = MAX_HTTP_REDIRECTS;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	snprintf(want, sizeof(want), "http://" HOST ":%u/", (unsigned)S.port + 1);
	assert_int_equal(r->code, 301);
	assert_int_equal(r->nhops, 1);
	assert_true(r->redirect_stopped);
	assert_string_equal(r->hop[0].location, want);
	assert_non_null(strstr(r->redirect_why, "port"));
	assert_int_equal(S.reqs, 1);

	/* another scheme on the URL's own port */
	http_response_clear(r);
	srv_start(M_OTHERSCHEME, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.max_redirects = MAX_HTTP_REDIRECTS;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	snprintf(want, sizeof(want), "https://" HOST ":%u/", S.port);
	assert_int_equal(r->code, 301);
	assert_int_equal(r->nhops, 1);
	assert_true(r->redirect_stopped);
	assert_string_equal(r->hop[0].location, want);
	assert_int_equal(S.reqs, 1);
	resp_free(r);
}

static void
test_redirect_host(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128], want[128];

	(void)state;
	not_followed(M_OTHERHOST, "https://other.example.test/", "another host (other.example.test)");
	{
		char h[64];

		assert_int_equal(http_url_host("https://Sec.Example.TEST:443/x?y", h, sizeof(h)), 0);
		assert_string_equal(h, "Sec.Example.TEST");
		assert_int_equal(http_url_host("ftp://a.test/", h, sizeof(h)), PEIL_EINVAL);
		assert_int_equal(http_url_host("https://a.test/", h, 4), PEIL_EINVAL);
	}

	/* a 3xx that is not a redirect to follow: its location recorded, not followed */
	srv_start(M_300, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.max_redirects = MAX_HTTP_REDIRECTS;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	snprintf(want, sizeof(want), "http://" HOST ":%u/choice", S.port);
	assert_int_equal(r->code, 300);
	assert_int_equal(r->nhops, 1);
	assert_true(r->redirect_stopped);
	assert_string_equal(r->hop[0].location, want);
	assert_non_null(strstr(r->redirect_why, "status 300"));

	/* a Location that is no URL: kept as it came, not followed */
	http_response_clear(r);
	srv_start(M_BADLOC, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.max_redirects = MAX_HTTP_REDIRECTS;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	print_message("    bad Location: %s %s; location \"%s\", %s\n", http_fail_name(r->fail),
	    r->why, r->hop[0].location, r->redirect_why);
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 302);
	assert_int_equal(r->nhops, 1);
	assert_true(r->redirect_stopped);
	assert_memory_equal(r->hop[0].location, "http://[::1%zz/\x01", 17);
	assert_non_null(strstr(r->redirect_why, "not an http or https URL"));
	assert_int_equal(S.reqs, 1);

	/* to https on the same host and its default port: followed, to the same address */
	http_response_clear(r);
	srv_start(M_TOHTTPS, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.max_redirects = MAX_HTTP_REDIRECTS;
	rq.timeout_ms = 2000;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	print_message("    followed to https://" HOST "/ on 127.0.0.1:443: %s %s\n",
	    http_fail_name(r->fail), r->why);
	assert_false(r->redirect_stopped);
	assert_int_equal(r->nhops, 2);
	assert_int_equal(r->hop[0].code, 301);
	assert_string_equal(r->hop[1].url, "https://" HOST "/");
	assert_string_equal(r->url, "https://" HOST "/");
	if (r->fail == HTTP_F_CONNECT) {
		assert_int_equal(r->code, 0);   /* no response: none claimed */
		assert_int_equal(r->requests, 1);
		assert_int_equal(r->connections, 1);
	}
	resp_free(r);
}

/* The header bounds: each stops the transfer quickly with HTTP_F_HEADERS. */
static void
headers_stopped(enum srv_mode mode, const char *whyword)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];
	int64_t t0, ms;

	srv_start(mode, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	t0 = clock_mono_ms();
	assert_int_equal(http_get(&rq, r), 0);
	ms = clock_mono_ms() - t0;
	srv_stop();
	print_message("    %s: %lld ms, %lld bytes sent by the server, %zu header bytes taken\n",
	    r->why, (long long)ms, (long long)S.sent, r->hbytes);
	assert_int_equal(r->fail, HTTP_F_HEADERS);
	assert_int_equal(r->rc, PEIL_ETOOBIG);
	assert_non_null(strstr(r->why, whyword));
	assert_true(r->hbytes <= MAX_HTTP_HEADER_BYTES);
	assert_true(ms < 2000);
	resp_free(r);
}

static void
test_endless_headers(void **state)
{
	(void)state;
	headers_stopped(M_ENDLESS, "MAX_HTTP_HEADER_BYTES");
	/* the server stopped being read: it could not send more than our bound and the
	 * sockets' buffers */
	assert_true(S.sent < 16 * 1024 * 1024);
}

static void
test_big_line(void **state)
{
	(void)state;
	headers_stopped(M_BIGLINE, "CURL_MAX_HTTP_HEADER");
	headers_stopped(M_LONGLINE, "MAX_HTTP_FIELD_LEN");
}

static void
test_many_fields(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];

	(void)state;
	srv_start(M_MANY, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 200);
	assert_int_equal(r->nfields, MAX_HTTP_FIELDS);
	assert_int_equal(r->fields_seen, 151);
	assert_true(r->fields_cut);
	assert_string_equal(http_field_get(r, "x-f99", 0)->value, "99");
	assert_null(http_field_get(r, "x-f100", 0));
	resp_free(r);
}

static void
test_continue_and_fold(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];

	(void)state;
	srv_start(M_CONTINUE, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->code, 200);
	assert_int_equal(r->nfields, 2);
	assert_null(http_field_get(r, "x-early", 0));
	assert_string_equal(http_field_get(r, "x-final", 0)->value, "1");

	http_response_clear(r);
	srv_start(M_FOLD, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->code, 200);
	assert_string_equal(http_field_get(r, "x-fold", 0)->value, "first second");
	assert_int_equal(http_field_get(r, "x-fold", 0)->valuelen, 12);
	assert_string_equal(http_field_get(r, "x-after", 0)->value, "1");
	resp_free(r);
}

static void
test_giga_body(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];
	int64_t t0, ms;

	(void)state;
	srv_start(M_GIGA, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.body_cap = 1000;
	t0 = clock_mono_ms();
	assert_int_equal(http_get(&rq, r), 0);
	ms = clock_mono_ms() - t0;
	srv_stop();
	print_message("    1 GB body, cap 1000: %lld ms, %lld bytes sent by the server\n",
	    (long long)ms, (long long)S.sent);
	/* a response, cut: at most the cap kept, the transfer stopped early */
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->code, 200);
	assert_true(r->body_cut);
	assert_int_equal(r->bodylen, 1000);
	assert_int_equal(r->body[999], 'x');
	assert_true(ms < 2000);
	assert_true(S.sent < 32 * 1024 * 1024);

	/* no body kept: still read up to MAX_HTTP_BODY_BYTES, then stopped */
	http_response_clear(r);
	srv_start(M_GIGA, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	t0 = clock_mono_ms();
	assert_int_equal(http_get(&rq, r), 0);
	ms = clock_mono_ms() - t0;
	srv_stop();
	print_message("    1 GB body, no cap: %lld ms, %lld bytes sent by the server\n",
	    (long long)ms, (long long)S.sent);
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 200);
	assert_true(r->body_cut);
	assert_null(r->body);
	assert_int_equal(r->bodylen, 0);
	assert_true(ms < 2000);
	assert_true(S.sent < 32 * 1024 * 1024);

	/* the most kept is MAX_HTTP_BODY_BYTES, whatever the cap asked */
	http_response_clear(r);
	srv_start(M_GIGA, true, false);
	req_init(&rq, url, sizeof(url), "https", "/");
	rq.body_cap = 10 * MAX_HTTP_BODY_BYTES;
	t0 = clock_mono_ms();
	assert_int_equal(http_get(&rq, r), 0);
	ms = clock_mono_ms() - t0;
	srv_stop();
	print_message("    1 GB body over TLS, cap 10 * MAX: %lld ms, %lld bytes sent\n",
	    (long long)ms, (long long)S.sent);
	assert_int_equal(r->fail, HTTP_OK);
	assert_true(r->body_cut);
	assert_int_equal(r->bodylen, MAX_HTTP_BODY_BYTES);
	assert_true(ms < 3000);
	resp_free(r);
}

/* A server that takes the connection and never answers: the time-out, and no more. */
static void
silent(bool https)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];
	int64_t t0, ms;

	srv_start(M_SILENT, false, false);
	req_init(&rq, url, sizeof(url), https ? "https" : "http", "/");
	rq.timeout_ms = 700;
	t0 = clock_mono_ms();
	assert_int_equal(http_get(&rq, r), 0);
	ms = clock_mono_ms() - t0;
	srv_stop();
	print_message("    silent %s: %s in %lld ms (%s)\n", https ? "https" : "http",
	    http_fail_name(r->fail), (long long)ms, r->why);
	assert_int_equal(r->fail, HTTP_F_TIMEOUT);
	assert_int_equal(r->rc, PEIL_ETIMEDOUT);
	assert_int_equal(r->code, 0);
	assert_true(ms >= 650);
	assert_true(ms < 700 + 500);
	assert_int_equal(S.conns, 1);
	resp_free(r);
}

static void
test_silent(void **state)
{
	(void)state;
	silent(false);
	silent(true);
}

static void
test_connect_refused(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];

	(void)state;
	srv_start(M_FIELDS, false, false);
	srv_stop();     /* the port is closed now */
	req_init(&rq, url, sizeof(url), "http", "/");
	assert_int_equal(http_get(&rq, r), 0);
	assert_int_equal(r->fail, HTTP_F_CONNECT);
	assert_int_equal(r->rc, PEIL_EIO);
	assert_int_equal(r->code, 0);
	assert_true(r->why[0] != '\0');
	assert_string_equal(http_fail_name(r->fail), "connect");
	resp_free(r);
}

static void
test_tls(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];

	(void)state;
	/* verify off: the self-signed certificate is no obstacle */
	srv_start(M_FIELDS, true, false);
	req_init(&rq, url, sizeof(url), "https", "/");
	rq.body_cap = 10;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 200);
	assert_int_equal(http_field_count(r, "x-rep"), 3);
	assert_memory_equal(r->body, "hello", 5);

	/* verify on, the certificate trusted through ca_file */
	http_response_clear(r);
	srv_start(M_FIELDS, true, false);
	req_init(&rq, url, sizeof(url), "https", "/");
	rq.verify = true;
	rq.ca_file = S.cert_file;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->fail, HTTP_OK);
	assert_int_equal(r->code, 200);

	/* verify on, another anchor: a TLS failure */
	http_response_clear(r);
	srv_start(M_FIELDS, true, false);
	req_init(&rq, url, sizeof(url), "https", "/");
	rq.verify = true;
	rq.ca_file = S.other_file;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	print_message("    verify against another anchor: %s\n", r->why);
	assert_int_equal(r->fail, HTTP_F_TLS);
	assert_int_equal(r->rc, PEIL_EIO);
	assert_int_equal(r->code, 0);

	/* plain HTTP where TLS was asked */
	http_response_clear(r);
	srv_start(M_PLAINFIRST, false, false);
	req_init(&rq, url, sizeof(url), "https", "/");
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	print_message("    https to a plain server: %s: %s\n", http_fail_name(r->fail), r->why);
	assert_int_equal(r->fail, HTTP_F_TLS);
	resp_free(r);
}

/* GETs through one http_conn share a kept-alive connection, each with its own options; a
 * over TLS too. */
static void
test_keepalive(void **state)
{
	struct http_response *r = resp_new();
	struct http_conn *c = http_conn_new();
	struct http_request rq;
	char url[128];

	(void)state;
	assert_non_null(c);
	srv_start(M_FIELDS, false, false);
	req_init(&rq, url, sizeof(url), "http", "/one");
	rq.conn = c;
	assert_int_equal(http_get(&rq, r), 0);
	assert_int_equal(r->code, 200);
	assert_int_equal(r->connections, 1);
	assert_int_equal(r->requests, 1);
	assert_false(req_has("Accept-Encoding"));
	http_response_clear(r);
	req_init(&rq, url, sizeof(url), "http", "/two");
	rq.conn = c;
	rq.accept_encoding = true;
	rq.body_cap = 100;
	assert_int_equal(http_get(&rq, r), 0);
	assert_int_equal(r->code, 200);
	assert_int_equal(r->connections, 0);
	assert_int_equal(r->requests, 1);
	assert_memory_equal(r->body, "hello", 5);
	assert_int_equal(S.conns, 1);
	assert_int_equal(S.reqs, 2);
	assert_string_equal(req_path(1), "/two");
	assert_true(req_has("Accept-Encoding: " HTTP_ACCEPT_ENCODING));
	/* the options are this GET's own: no Accept-Encoding left from the one before */
	http_response_clear(r);
	req_init(&rq, url, sizeof(url), "http", "/three");
	rq.conn = c;
	assert_int_equal(http_get(&rq, r), 0);
	assert_int_equal(r->code, 200);
	assert_null(r->body);
	assert_false(req_has("Accept-Encoding"));
	assert_int_equal(S.conns, 1);
	srv_stop();
	http_conn_free(c);

	/* HTTPS: one handshake for two GETs */
	c = http_conn_new();
	assert_non_null(c);
	srv_start(M_FIELDS, true, false);
	for (int i = 0; i < 2; i++) {
		http_response_clear(r);
		req_init(&rq, url, sizeof(url), "https", "/");
		rq.conn = c;
		assert_int_equal(http_get(&rq, r), 0);
		assert_int_equal(r->code, 200);
		assert_int_equal(r->connections, i == 0 ? 1 : 0);
	}
	srv_stop();
	assert_int_equal(S.conns, 1);
	http_conn_free(c);
	http_conn_free(NULL);
	resp_free(r);
}

static void
test_encoding(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];

	(void)state;
	srv_start(M_ENCODING, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	rq.accept_encoding = true;
	rq.body_cap = 100;
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_true(req_has("\r\nAccept-Encoding: compress, deflate, exi, gzip, pack200-gzip, "
	    "x-compress, x-gzip, br, zstd\r\n"));
	assert_int_equal(r->fail, HTTP_OK);
	assert_string_equal(http_field_get(r, "content-encoding", 0)->value, "gzip");
	/* the body as sent, not decoded (it is not even valid gzip) */
	assert_int_equal(r->bodylen, 6);
	assert_memory_equal(r->body, "\x1f\x8b\x08\x00\xff\x01", 6);
	resp_free(r);
}

static void
test_nul_bytes(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq;
	char url[128];
	const struct http_field *f;

	(void)state;
	srv_start(M_NUL, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	print_message("    NUL in a header value: %s %s\n", http_fail_name(r->fail), r->why);
	/* libcurl (7.88) refuses the response: a protocol failure. Should a libcurl pass it,
	 * the value is kept with the NUL as '?' (http.h; test_collect shows that part). */
	if (r->fail == HTTP_OK) {
		assert_int_equal(r->code, 200);
		f = http_field_get(r, "x-nul", 0);
		assert_non_null(f);
		assert_int_equal(f->valuelen, 6);
		assert_memory_equal(f->value, "a?b\x01" "c\x7f", 7);
		assert_string_equal(http_field_get(r, "x-after", 0)->value, "1");
	} else {
		assert_int_equal(r->fail, HTTP_F_PROTOCOL);
		assert_int_equal(r->rc, PEIL_EIO);
		assert_int_equal(r->nfields, 0);
	}

	/* control bytes, bytes over 0x7f, invalid UTF-8 and a format directive: kept as they
	 * came (escaping them is the output's job), never interpreted */
	http_response_clear(r);
	srv_start(M_CTRL, false, false);
	req_init(&rq, url, sizeof(url), "http", "/");
	assert_int_equal(http_get(&rq, r), 0);
	srv_stop();
	assert_int_equal(r->fail, HTTP_OK);
	f = http_field_get(r, "x-ctrl", 0);
	assert_non_null(f);
	assert_int_equal(f->valuelen, sizeof(CTRL_VALUE) - 1);
	assert_memory_equal(f->value, CTRL_VALUE, sizeof(CTRL_VALUE));
	assert_string_equal(http_field_get(r, "x-after", 0)->value, "1");
	resp_free(r);
}

static void
test_bad_request(void **state)
{
	struct http_response *r = resp_new();
	struct http_request rq = { .url = "ftp://" HOST "/", .addr = "127.0.0.1" };
	char *big;

	(void)state;
	assert_int_equal(http_get(&rq, r), PEIL_EINVAL);
	assert_true(r->why[0] != '\0');
	rq.url = "http://" HOST "/";
	rq.addr = HOST;
	assert_int_equal(http_get(&rq, r), PEIL_EINVAL);
	rq.addr = "127.0.0.1";
	rq.url = "/relative";
	assert_int_equal(http_get(&rq, r), PEIL_EINVAL);
	rq.url = NULL;
	assert_int_equal(http_get(&rq, r), PEIL_EINVAL);
	big = malloc(MAX_HTTP_URL_LEN + 100);
	assert_non_null(big);
	memset(big, 'a', MAX_HTTP_URL_LEN + 99);
	memcpy(big, "http://" HOST "/", sizeof("http://" HOST "/") - 1);
	big[MAX_HTTP_URL_LEN + 99] = '\0';
	rq.url = big;
	assert_int_equal(http_get(&rq, r), PEIL_EINVAL);
	free(big);
	resp_free(r);
}

/* --- the collector alone ----------------------------------------------------------------- */

static void
collect(struct http_response *r, const char *s)
{
	assert_int_equal(http_collect_line(r, s, strlen(s)), 0);
}

/* The first calls of the process, from many threads at once (the warm-up and the first GET
 * may ask together): libcurl loaded and initialised once, every caller told 0. */
static pthread_barrier_t init_start;

static void *
init_main(void *arg)
{
	int *rc = arg;
	char err[DYNLIB_WHY_LEN];

	pthread_barrier_wait(&init_start);
	*rc = http_global_init(err, sizeof(err));
	return NULL;
}

static void
test_global_init_threads(void **state)
{
	enum { NTH = 8 };
	pthread_t th[NTH];
	int rc[NTH];
	char host[MAX_DOMAIN_LEN + 1];

	(void)state;
	assert_int_equal(pthread_barrier_init(&init_start, NULL, NTH), 0);
	for (int i = 0; i < NTH; i++) {
		rc[i] = -1;
		assert_int_equal(pthread_create(&th[i], NULL, init_main, &rc[i]), 0);
	}
	for (int i = 0; i < NTH; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(rc[i], 0);
	}
	pthread_barrier_destroy(&init_start);
	/* libcurl usable after it */
	assert_int_equal(http_url_host("https://" HOST "/x", host, sizeof(host)), 0);
	assert_string_equal(host, HOST);
}

static void
test_collect(void **state)
{
	struct http_response *r = resp_new();
	char *line;

	(void)state;
	collect(r, "HTTP/1.1 200 OK\r\n");
	collect(r, "A:1\r\n");
	collect(r, "no colon here\r\n");
	collect(r, ": empty name\r\n");
	collect(r, "B :  two words \t\n");
	collect(r, "\tfolded\r\n");
	collect(r, "C:");
	collect(r, "\r\n");
	assert_int_equal(r->nfields, 3);
	assert_int_equal(r->fields_seen, 3);
	assert_string_equal(r->field[0].name, "A");
	assert_string_equal(r->field[0].value, "1");
	/* the name as received: "B " is not "B" */
	assert_null(http_field_get(r, "b", 0));
	assert_string_equal(http_field_get(r, "b ", 0)->value, "two words folded");
	assert_int_equal(http_field_get(r, "c", 0)->valuelen, 0);
	/* a continuation after the blank line (or a skipped line) is not joined */
	collect(r, " stray\r\n");
	assert_string_equal(http_field_get(r, "c", 0)->value, "");
	/* a new status line starts over */
	collect(r, "HTTP/1.1 204 No Content\r\n");
	assert_int_equal(r->nfields, 0);
	assert_int_equal(r->hlen, 0);

	/* one line over MAX_HTTP_FIELD_LEN */
	line = malloc(MAX_HTTP_FIELD_LEN + 1);
	assert_non_null(line);
	memset(line, 'x', MAX_HTTP_FIELD_LEN + 1);
	line[1] = ':';
	assert_int_equal(http_collect_line(r, line, MAX_HTTP_FIELD_LEN), 0);
	assert_int_equal(http_field_get(r, "x", 0)->valuelen, MAX_HTTP_FIELD_LEN - 2);
	assert_int_equal(http_collect_line(r, line, MAX_HTTP_FIELD_LEN + 1), PEIL_ETOOBIG);
	assert_int_equal(r->fail, HTTP_F_HEADERS);
	/* sticky */
	assert_int_equal(http_collect_line(r, "D: 1\r\n", 6), PEIL_ETOOBIG);
	assert_null(http_field_get(r, "d", 0));

	/* the header's bytes: status lines and 1xx responses count */
	memset(r, 0, sizeof(*r));
	for (size_t n = 0; n + MAX_HTTP_FIELD_LEN <= MAX_HTTP_HEADER_BYTES; n += MAX_HTTP_FIELD_LEN)
		assert_int_equal(http_collect_line(r, line, MAX_HTTP_FIELD_LEN), 0);
	assert_int_equal(r->hbytes, MAX_HTTP_HEADER_BYTES);
	assert_int_equal(http_collect_line(r, "\r\n", 2), PEIL_ETOOBIG);
	assert_int_equal(r->rc, PEIL_ETOOBIG);
	free(line);

	/* NUL bytes in names and values are stored as '?' */
	memset(r, 0, sizeof(*r));
	assert_int_equal(http_collect_line(r, "N\0m: v\0\x01\r\n", 10), 0);
	assert_int_equal(r->nfields, 1);
	assert_int_equal(r->field[0].namelen, 3);
	assert_string_equal(r->field[0].name, "N?m");
	assert_int_equal(r->field[0].valuelen, 3);
	assert_memory_equal(r->field[0].value, "v?\x01", 4);
	resp_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_init_threads),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_bad_request),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_pinned_v6),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_redirect_host),
		cmocka_unit_test(test_redirect_port),
		cmocka_unit_test(test_endless_headers),
		cmocka_unit_test(test_big_line),
		cmocka_unit_test(test_many_fields),
		cmocka_unit_test(test_continue_and_fold),
		cmocka_unit_test(test_giga_body),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_nul_bytes),
	};

	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
