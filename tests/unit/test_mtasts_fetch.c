/* test_mtasts_fetch.c: the MTA-STS policy fetch against a local HTTPS server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "limits.h"
#include "mtasts.h"
#include "mtasts_fetch.h"

#define E_OK PEIL_OK
#define E_INV PEIL_EINVAL
#define E_BIG PEIL_ETOOBIG

/* --- The fetch, against a local HTTPS server ------------------------------------------- */

#define HOST "mta-sts.example.test"
#define GOOD_POLICY "version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\nmax_age: 86400\r\n"

enum srv_mode {
	SRV_GOOD, SRV_REDIRECT, SRV_BIG_CL, SRV_BIG_CLOSE, SRV_EXACT, SRV_HTML, SRV_SILENT,
	SRV_404,
};

/* One certificate with its key. */
struct tcert {
	EVP_PKEY *key;
	X509 *x;
};

static struct {
	char dir[64], ca_file[96], other_ca_file[96];
	struct tcert ca, ca2, leaf, leaf_untrusted, leaf_wrong_name;
	/* the server of one test */
	int lfd;
	uint16_t port;
	pthread_t thr;
	atomic_int stop;
	enum srv_mode mode;
	struct tcert *cert;
	int conns;
	char request[4096];
} T;

static struct tcert
tcert_make(const char *cn, const char *san, bool ca, const struct tcert *issuer)
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
	X509_set_issuer_name(c.x, issuer ? X509_get_subject_name(issuer->x) : name);
	X509V3_set_ctx(&ctx, issuer ? issuer->x : c.x, c.x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "CA:FALSE");
	assert_non_null(ext);
	X509_add_ext(c.x, ext, -1);
	X509_EXTENSION_free(ext);
	if (san != NULL) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
		assert_non_null(ext);
		X509_add_ext(c.x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	if (ca) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
		X509_add_ext(c.x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(c.x, issuer ? issuer->key : c.key, EVP_sha256()) > 0);
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

static void
tcert_free(struct tcert *c)
{
	X509_free(c->x);
	EVP_PKEY_free(c->key);
}

static int
setup_certs(void **state)
{
	(void)state;
	snprintf(T.dir, sizeof(T.dir), "/tmp/test_mtasts.XXXXXX");
	if (mkdtemp(T.dir) == NULL)
		return -1;
	snprintf(T.ca_file, sizeof(T.ca_file), "%s/ca.pem", T.dir);
	snprintf(T.other_ca_file, sizeof(T.other_ca_file), "%s/other.pem", T.dir);
	T.ca = tcert_make("peil test CA", NULL, true, NULL);
	T.ca2 = tcert_make("peil other CA", NULL, true, NULL);
	T.leaf = tcert_make(HOST, "DNS:" HOST, false, &T.ca);
	T.leaf_untrusted = tcert_make(HOST, "DNS:" HOST, false, &T.ca2);
	T.leaf_wrong_name = tcert_make("other.example.test", "DNS:other.example.test", false,
	    &T.ca);
	tcert_write(&T.ca, T.ca_file);
	tcert_write(&T.ca2, T.other_ca_file);
	return 0;
}

static int
teardown_certs(void **state)
{
	(void)state;
	tcert_free(&T.ca);
	tcert_free(&T.ca2);
	tcert_free(&T.leaf);
	tcert_free(&T.leaf_untrusted);
	tcert_free(&T.leaf_wrong_name);
	unlink(T.ca_file);
	unlink(T.other_ca_file);
	rmdir(T.dir);
	return 0;
}

static void
srv_write_all(SSL *ssl, const char *p, size_t n)
{
	int w;

	while (n > 0) {
		w = SSL_write(ssl, p, n > 16384 ? 16384 : (int)n);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Answers one request according to T.mode. */
static void
srv_answer(SSL *ssl)
{
	char head[512], *body = NULL;
	size_t blen = 0;
	int hl;

	switch (T.mode) {
	case SRV_GOOD:
		hl = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: text/plain; "
		    "charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		    sizeof(GOOD_POLICY) - 1);
		srv_write_all(ssl, head, (size_t)hl);
		srv_write_all(ssl, GOOD_POLICY, sizeof(GOOD_POLICY) - 1);
		return;
	case SRV_REDIRECT:
		hl = snprintf(head, sizeof(head), "HTTP/1.1 301 Moved Permanently\r\nLocation: "
		    "https://" HOST ":%u/elsewhere.txt\r\nContent-Type: text/plain\r\n"
		    "Content-Length: 5\r\nConnection: close\r\n\r\nmoved", T.port);
		srv_write_all(ssl, head, (size_t)hl);
		return;
	case SRV_404:
		hl = snprintf(head, sizeof(head), "HTTP/1.1 404 Not Found\r\nContent-Type: "
		    "text/html\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
		srv_write_all(ssl, head, (size_t)hl);
		return;
	case SRV_HTML:
		hl = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n", sizeof(GOOD_POLICY) - 1);
		srv_write_all(ssl, head, (size_t)hl);
		srv_write_all(ssl, GOOD_POLICY, sizeof(GOOD_POLICY) - 1);
		return;
	case SRV_BIG_CL:
	case SRV_BIG_CLOSE:
	case SRV_EXACT:
		blen = T.mode == SRV_EXACT ? MAX_MTASTS_POLICY_BYTES : MAX_MTASTS_POLICY_BYTES + 1;
		body = malloc(blen);
		assert_non_null(body);
		memset(body, 'z', blen);
		memcpy(body, "version: STSv1\nmode: none\nmax_age: 1\nx: ", 40);
		if (T.mode == SRV_BIG_CLOSE)
			hl = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: "
			    "text/plain\r\nConnection: close\r\n\r\n");
		else
			hl = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: "
			    "text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", blen);
		srv_write_all(ssl, head, (size_t)hl);
		srv_write_all(ssl, body, blen);
		free(body);
		return;
	case SRV_SILENT:
		return;
	}
}

/* Serves connections until T.stop: TLS with T.cert, one request each. */
static void *
srv_main(void *arg)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	struct pollfd pfd;
	size_t got;
	SSL *ssl;
	char c;
	int fd, r;

	(void)arg;
	SSL_CTX_use_certificate(ctx, T.cert->x);
	SSL_CTX_use_PrivateKey(ctx, T.cert->key);
	while (!T.stop) {
		pfd.fd = T.lfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((fd = accept(T.lfd, NULL, NULL)) < 0)
			continue;
		T.conns++;
		ssl = SSL_new(ctx);
		SSL_set_fd(ssl, fd);
		if (SSL_accept(ssl) == 1) {
			got = 0;
			while (got + 1 < sizeof(T.request) &&
			    (got < 4 || memcmp(T.request + got - 4, "\r\n\r\n", 4) != 0)) {
				if ((r = SSL_read(ssl, T.request + got, 1)) <= 0)
					break;
				got += (size_t)r;
			}
			T.request[got] = '\0';
			srv_answer(ssl);
			if (T.mode == SRV_SILENT) {
				/* hold the connection until the client gives up */
				pfd.fd = fd;
				pfd.events = POLLIN;
				if (poll(&pfd, 1, 5000) > 0)
					(void)SSL_read(ssl, &c, 1);
			} else {
				SSL_shutdown(ssl);
			}
		}
		SSL_free(ssl);
		close(fd);
	}
	SSL_CTX_free(ctx);
	return NULL;
}

static void
srv_start(enum srv_mode mode, struct tcert *cert)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int one = 1;

	T.mode = mode;
	T.cert = cert;
	T.stop = 0;
	T.conns = 0;
	T.request[0] = '\0';
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	T.lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(T.lfd >= 0);
	setsockopt(T.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(T.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(T.lfd, 8), 0);
	assert_int_equal(getsockname(T.lfd, (struct sockaddr *)&sa, &sl), 0);
	T.port = ntohs(sa.sin_port);
	mtasts_set_test_port(T.port);
	assert_int_equal(pthread_create(&T.thr, NULL, srv_main, NULL), 0);
}

static void
srv_stop(void)
{
	T.stop = 1;
	pthread_join(T.thr, NULL);
	close(T.lfd);
	mtasts_set_test_port(0);
}

/* One fetch of HOST's policy through the local server. */
struct fres {
	int rc;
	enum mtasts_reason reason;
	size_t len;
	long code;
	char ct[MAX_CONTENT_TYPE_LEN + 1];
	char why[256];
};

static uint8_t fbuf[MAX_MTASTS_POLICY_BYTES];

static struct fres
fetch(const char *domain, const char *addr, const char *ca, unsigned ms)
{
	struct fres f;

	memset(&f, 0, sizeof(f));
	f.rc = mtasts_fetch(domain, addr, ca, ms, fbuf, sizeof(fbuf), &f.len, &f.code, f.ct,
	    sizeof(f.ct), &f.reason, f.why, sizeof(f.why));
	return f;
}

static void
test_fetch_good(void **state)
{
	struct mtasts_policy *p = malloc(sizeof(*p));
	enum mtasts_reason reason;
	struct fres f;
	char want[128];

	(void)state;
	assert_non_null(p);
	srv_start(SRV_GOOD, &T.leaf);
	f = fetch("Example.TEST.", "127.0.0.1", T.ca_file, 5000);
	srv_stop();
	if (f.rc != 0)
		fail_msg("fetch: %d %s", f.rc, f.why);
	assert_int_equal(f.reason, MTASTS_R_OK);
	assert_int_equal(f.code, 200);
	assert_string_equal(f.ct, "text/plain; charset=utf-8");
	assert_true(mtasts_content_type_ok(f.ct));
	assert_int_equal(f.len, sizeof(GOOD_POLICY) - 1);
	assert_memory_equal(fbuf, GOOD_POLICY, f.len);
	assert_int_equal(T.conns, 1);
	/* only the well-known path, on the mta-sts host */
	assert_true(strncmp(T.request, "GET /.well-known/mta-sts.txt HTTP/1.1\r\n", 39) == 0);
	snprintf(want, sizeof(want), "\r\nHost: " HOST ":%u\r\n", T.port);
	assert_non_null(strstr(T.request, want));
	assert_int_equal(mtasts_policy_parse(fbuf, f.len, p, &reason, NULL, 0), 0);
	assert_true(mtasts_mx_match(p, "mail.example.test"));
	free(p);
}

static void
test_fetch_redirect(void **state)
{
	struct fres f;

	(void)state;
	srv_start(SRV_REDIRECT, &T.leaf);
	f = fetch("example.test", "127.0.0.1", T.ca_file, 5000);
	usleep(200 * 1000); /* a followed redirect would show as a second connection */
	srv_stop();
	assert_int_equal(f.rc, PEIL_EIO);
	assert_int_equal(f.reason, MTASTS_R_FETCH_HTTP);
	assert_int_equal(f.code, 301);
	assert_int_equal(T.conns, 1);
	assert_non_null(strstr(f.why, "301"));
}

static void
test_fetch_404(void **state)
{
	struct fres f;

	(void)state;
	srv_start(SRV_404, &T.leaf);
	f = fetch("example.test", "127.0.0.1", T.ca_file, 5000);
	srv_stop();
	assert_int_equal(f.rc, PEIL_EIO);
	assert_int_equal(f.reason, MTASTS_R_FETCH_HTTP);
	assert_int_equal(f.code, 404);
	assert_string_equal(f.ct, "text/html");
}

static void
test_fetch_too_big(void **state)
{
	struct fres f;

	(void)state;
	/* announced by Content-Length */
	srv_start(SRV_BIG_CL, &T.leaf);
	f = fetch("example.test", "127.0.0.1", T.ca_file, 5000);
	srv_stop();
	assert_int_equal(f.rc, E_BIG);
	assert_int_equal(f.reason, MTASTS_R_FETCH_TOO_BIG);
	/* not announced: the body runs to the close */
	srv_start(SRV_BIG_CLOSE, &T.leaf);
	f = fetch("example.test", "127.0.0.1", T.ca_file, 5000);
	srv_stop();
	assert_int_equal(f.rc, E_BIG);
	assert_int_equal(f.reason, MTASTS_R_FETCH_TOO_BIG);
	assert_true(f.len <= MAX_MTASTS_POLICY_BYTES);
	/* exactly the cap is fine */
	srv_start(SRV_EXACT, &T.leaf);
	f = fetch("example.test", "127.0.0.1", T.ca_file, 5000);
	srv_stop();
	if (f.rc != 0)
		fail_msg("fetch: %d %s", f.rc, f.why);
	assert_int_equal(f.len, MAX_MTASTS_POLICY_BYTES);
}

static void
test_fetch_content_type(void **state)
{
	struct fres f;

	(void)state;
	srv_start(SRV_HTML, &T.leaf);
	f = fetch("example.test", "127.0.0.1", T.ca_file, 5000);
	srv_stop();
	assert_int_equal(f.rc, 0);
	assert_string_equal(f.ct, "text/html");
	assert_false(mtasts_content_type_ok(f.ct));
}

static void
test_fetch_tls(void **state)
{
	struct fres f;

	(void)state;
	/* a chain to a CA the client does not trust */
	srv_start(SRV_GOOD, &T.leaf_untrusted);
	f = fetch("example.test", "127.0.0.1", T.ca_file, 5000);
	srv_stop();
	assert_int_equal(f.rc, PEIL_EIO);
	assert_int_equal(f.reason, MTASTS_R_FETCH_TLS);
	assert_int_equal(f.len, 0);
	assert_non_null(strstr(f.why, "fetch-tls: "));
	/* a trusted chain for the wrong name */
	srv_start(SRV_GOOD, &T.leaf_wrong_name);
	f = fetch("example.test", "127.0.0.1", T.ca_file, 5000);
	srv_stop();
	assert_int_equal(f.rc, PEIL_EIO);
	assert_int_equal(f.reason, MTASTS_R_FETCH_TLS);
	/* a trust store of the other CA only */
	srv_start(SRV_GOOD, &T.leaf);
	f = fetch("example.test", "127.0.0.1", T.other_ca_file, 5000);
	srv_stop();
	assert_int_equal(f.rc, PEIL_EIO);
	assert_int_equal(f.reason, MTASTS_R_FETCH_TLS);
	/* the system bundle does not know the test CA */
	srv_start(SRV_GOOD, &T.leaf);
	f = fetch("example.test", "127.0.0.1", NULL, 5000);
	srv_stop();
	assert_int_equal(f.rc, PEIL_EIO);
	assert_int_equal(f.reason, MTASTS_R_FETCH_TLS);
}

static void
test_fetch_timeout(void **state)
{
	struct fres f;

	(void)state;
	srv_start(SRV_SILENT, &T.leaf);
	f = fetch("example.test", "127.0.0.1", T.ca_file, 500);
	srv_stop();
	assert_int_equal(f.rc, PEIL_ETIMEDOUT);
	assert_int_equal(f.reason, MTASTS_R_FETCH_TIMEOUT);
}

static void
test_fetch_refused_and_names(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	struct fres f;
	int fd;

	(void)state;
	/* a port nobody listens on */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	mtasts_set_test_port(ntohs(sa.sin_port));
	f = fetch("example.test", "127.0.0.1", T.ca_file, 2000);
	assert_int_equal(f.rc, PEIL_EIO);
	assert_int_equal(f.reason, MTASTS_R_FETCH_CONNECT);
	f = fetch("example.test", "::1", T.ca_file, 2000);
	assert_int_equal(f.rc, PEIL_EIO);
	assert_true(f.reason == MTASTS_R_FETCH_CONNECT);
	mtasts_set_test_port(0);
	/* names that could bend the URL, and addresses that are not numeric */
	f = fetch("example.test/evil?", "127.0.0.1", T.ca_file, 1000);
	assert_int_equal(f.rc, E_INV);
	assert_int_equal(f.reason, MTASTS_R_FETCH_NAME);
	f = fetch("user@example.test", "127.0.0.1", T.ca_file, 1000);
	assert_int_equal(f.rc, E_INV);
	f = fetch("example.test:80", "127.0.0.1", T.ca_file, 1000);
	assert_int_equal(f.rc, E_INV);
	f = fetch("", "127.0.0.1", T.ca_file, 1000);
	assert_int_equal(f.rc, E_INV);
	f = fetch(NULL, "127.0.0.1", T.ca_file, 1000);
	assert_int_equal(f.rc, E_INV);
	f = fetch("example.test", "localhost", T.ca_file, 1000);
	assert_int_equal(f.rc, E_INV);
	assert_int_equal(f.reason, MTASTS_R_FETCH_NAME);
	f = fetch("example.test", "127.0.0.1:443", T.ca_file, 1000);
	assert_int_equal(f.rc, E_INV);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fetch_good),
		cmocka_unit_test(test_fetch_redirect),
		cmocka_unit_test(test_fetch_404),
		cmocka_unit_test(test_fetch_too_big),
		cmocka_unit_test(test_fetch_content_type),
		cmocka_unit_test(test_fetch_tls),
		cmocka_unit_test(test_fetch_timeout),
		cmocka_unit_test(test_fetch_refused_and_names),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup_certs, teardown_certs);
}
