/* test_probe.c: the probe's connection slots to mail server addresses, shared by every worker
 * and its STARTTLS threads; what a set of results found (probe's exit status); the web's
 * source callbacks (web_get, web_tls) against loopback servers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "dynlib.h"
#include "dnswork.h"
#include "err.h"
#include "http.h"
#include "limits.h"
#include "probe.h"
#include "result.h"
#include "tls.h"

static uint64_t
in_ms(unsigned ms)
{
	return (uint64_t)clock_mono_ms() + ms;
}

/* DEFAULT_TLS_PER_HOST connections to one address at once; the next waits until one is given
 * back or its deadline passes. */
static void
test_slot_per_host(void **state)
{
	const char *a = "192.0.2.25";
	int64_t t0;

	(void)state;
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		assert_int_equal(probe_slot_take(a, in_ms(1000)), 0);
	t0 = clock_mono_ms();
	assert_int_equal(probe_slot_take(a, in_ms(100)), PEIL_ETIMEDOUT);
	assert_true(clock_mono_ms() - t0 >= 90);
	/* Another address is not held back by this one. */
	assert_int_equal(probe_slot_take("192.0.2.26", in_ms(1000)), 0);
	probe_slot_give("192.0.2.26");
	probe_slot_give(a);
	assert_int_equal(probe_slot_take(a, in_ms(1000)), 0);
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give(a);
	/* Every slot came back: the full count again. */
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		assert_int_equal(probe_slot_take(a, in_ms(1000)), 0);
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give(a);
}

struct slot_waiter {
	const char *addr;
	int rc;
};

static void *
slot_waiter_main(void *arg)
{
	struct slot_waiter *sw = arg;

	sw->rc = probe_slot_take(sw->addr, in_ms(5000));
	return NULL;
}

/* Those waiting for a slot of a busy address come first: a slot given back goes to the
 * waiter, not to probe_slot_try (the engine's second lane) or a new probe_slot_take asking
 * at that moment. */
static void
test_slot_waiters_first(void **state)
{
	const char *a = "192.0.2.28";
	struct slot_waiter sw = { .addr = a, .rc = -1 };
	pthread_t th;

	(void)state;
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		assert_int_equal(probe_slot_take(a, in_ms(1000)), 0);
	assert_int_equal(pthread_create(&th, NULL, slot_waiter_main, &sw), 0);
	usleep(100000);             /* the waiter is waiting */
	probe_slot_give(a);
	/* Whether or not the waiter has run yet, the slot is its. */
	assert_int_equal(probe_slot_try(a), PEIL_EAGAIN);
	assert_int_equal(probe_slot_take(a, in_ms(50)), PEIL_ETIMEDOUT);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(sw.rc, 0);
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give(a);
	/* Nobody waits any more: the full count again, the second by probe_slot_try. */
	assert_int_equal(probe_slot_take(a, in_ms(1000)), 0);
	assert_int_equal(probe_slot_try(a), 0);
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give(a);
}

/* probe_slot_try never waits: a free slot is taken, none free is PEIL_EAGAIN, and the slots it
 * takes count against DEFAULT_TLS_PER_HOST like probe_slot_take's. */
static void
test_slot_try(void **state)
{
	const char *a = "192.0.2.27";
	int64_t t0;

	(void)state;
	assert_int_equal(probe_slot_take(a, in_ms(1000)), 0);
	for (int i = 1; i < DEFAULT_TLS_PER_HOST; i++)
		assert_int_equal(probe_slot_try(a), 0);
	t0 = clock_mono_ms();
	assert_int_equal(probe_slot_try(a), PEIL_EAGAIN);
	assert_true(clock_mono_ms() - t0 < 50);
	assert_int_equal(probe_slot_take(a, in_ms(50)), PEIL_ETIMEDOUT);
	probe_slot_give(a);
	assert_int_equal(probe_slot_try(a), 0);
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give(a);
	/* Not in use: the first slot too. */
	assert_int_equal(probe_slot_try(a), 0);
	probe_slot_give(a);
}

/* An address text the table cannot hold whole is refused, not cut (a cut one would never be
 * given back). */
static void
test_slot_long_addr(void **state)
{
	char addr[65];   /* 64 characters */

	(void)state;
	memset(addr, '1', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	assert_int_equal(probe_slot_take(addr, in_ms(100)), PEIL_EINVAL);
	assert_int_equal(probe_slot_try(addr), PEIL_EINVAL);
	addr[63] = '\0';
	assert_int_equal(probe_slot_take(addr, in_ms(100)), 0);
	probe_slot_give(addr);
}

/* The agent at its configured maximum: MAX_CONCURRENCY workers, each testing
 * MAX_STARTTLS_PARALLEL distinct addresses of one domain's MX at once. */
struct worker {
	unsigned id;
	int rc[MAX_STARTTLS_PARALLEL];
	pthread_barrier_t *held, *release;
};

static void
worker_addr(unsigned id, unsigned k, char *out, size_t outlen)
{
	snprintf(out, outlen, "2001:db8:%x::%x", id, k + 1);
}

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	char addr[64];

	for (unsigned k = 0; k < MAX_STARTTLS_PARALLEL; k++) {
		worker_addr(w->id, k, addr, sizeof(addr));
		w->rc[k] = probe_slot_take(addr, in_ms(10000));
	}
	pthread_barrier_wait(w->held);
	pthread_barrier_wait(w->release);
	for (unsigned k = 0; k < MAX_STARTTLS_PARALLEL; k++)
		if (w->rc[k] == 0) {
			worker_addr(w->id, k, addr, sizeof(addr));
			probe_slot_give(addr);
		}
	return NULL;
}

struct waiter {
	int rc;
};

static void *
waiter_run(void *arg)
{
	struct waiter *wt = arg;

	wt->rc = probe_slot_take("198.51.100.25", in_ms(10000));
	return NULL;
}

static void
test_slot_table_full(void **state)
{
	static struct worker w[MAX_CONCURRENCY];
	static pthread_t th[MAX_CONCURRENCY];
	pthread_barrier_t held, release;
	struct waiter wt = { .rc = 1 };
	pthread_t wth;
	int64_t t0;

	(void)state;
	assert_int_equal(MAX_TLS_SLOTS, MAX_CONCURRENCY * MAX_STARTTLS_PARALLEL);
	assert_int_equal(pthread_barrier_init(&held, NULL, MAX_CONCURRENCY + 1), 0);
	assert_int_equal(pthread_barrier_init(&release, NULL, MAX_CONCURRENCY + 1), 0);
	for (unsigned i = 0; i < MAX_CONCURRENCY; i++) {
		w[i] = (struct worker){ .id = i, .held = &held, .release = &release };
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	pthread_barrier_wait(&held);
	/* Every worker holds all its addresses: the table holds the real bound. */
	for (unsigned i = 0; i < MAX_CONCURRENCY; i++)
		for (unsigned k = 0; k < MAX_STARTTLS_PARALLEL; k++)
			assert_int_equal(w[i].rc[k], 0);
	/* One address more than the bound: refused once its deadline passes, never written past
	 * the table. */
	t0 = clock_mono_ms();
	assert_int_equal(probe_slot_take("198.51.100.26", in_ms(100)), PEIL_ETIMEDOUT);
	assert_true(clock_mono_ms() - t0 >= 90);
	/* ... and one that waits longer gets a slot as soon as the workers give theirs back. */
	assert_int_equal(pthread_create(&wth, NULL, waiter_run, &wt), 0);
	pthread_barrier_wait(&release);
	for (unsigned i = 0; i < MAX_CONCURRENCY; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(pthread_join(wth, NULL), 0);
	assert_int_equal(wt.rc, 0);
	probe_slot_give("198.51.100.25");
	pthread_barrier_destroy(&held);
	pthread_barrier_destroy(&release);
	/* All given back: an address of a worker takes its full count again. */
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		assert_int_equal(probe_slot_take("2001:db8:1::1", in_ms(1000)), 0);
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give("2001:db8:1::1");
}

/* Failed wins over error; warning, info, not_tested and passed find nothing. */
static void
test_findings(void **state)
{
	static const struct {
		int status[3];
		unsigned want;
	} cases[] = {
		{ { PEIL__STATUS__PASSED, PEIL__STATUS__WARNING, PEIL__STATUS__INFO }, 0 },
		{ { PEIL__STATUS__NOT_TESTED, PEIL__STATUS__PASSED, PEIL__STATUS__PASSED }, 0 },
		{ { PEIL__STATUS__PASSED, PEIL__STATUS__FAILED, PEIL__STATUS__PASSED },
		  PROBE_FOUND_FAILED },
		{ { PEIL__STATUS__ERROR, PEIL__STATUS__PASSED, PEIL__STATUS__NOT_TESTED },
		  PROBE_FOUND_ERROR },
		{ { PEIL__STATUS__ERROR, PEIL__STATUS__FAILED, PEIL__STATUS__WARNING },
		  PROBE_FOUND_FAILED | PROBE_FOUND_ERROR },
	};
	struct result_set rs = { 0 };

	(void)state;
	assert_int_equal(probe_findings(&rs), 0);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (size_t i = 0; i < 3; i++) {
			Peil__Result *r = result_new("example.nl", "web_dnssec_exist",
			    cases[c].status[i], "rfc4033");

			assert_non_null(r);
			assert_int_equal(result_set_add(&rs, r), 0);
		}
		assert_int_equal(probe_findings(&rs), cases[c].want);
		result_set_clear(&rs);
	}
	result_set_clear(&rs);
}


/* ---- the web's source callbacks ---- */

static struct probe *
web_probe(struct dnswork_source *src)
{
	struct probe_conf pc = { .ipv4 = true, .dns_timeout_ms = 1000, .domain_budget_ms = 2000,
	    .tls_handshake_ms = 1000 };
	char err[256];
	struct probe *p = probe_new(&pc, err, sizeof(err));

	if (p == NULL)
		fail_msg("probe_new: %s", err);
	probe_source(p, src);
	assert_non_null(src->web_get);
	assert_non_null(src->web_tls);
	return p;
}

/* A listening socket on 127.0.0.1 that never accepts (the kernel completes the handshakes). */
static int
mute_listener(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A deadline already passed gives a time-out without a request; else the GET is bounded by
 * the deadline. */
static void
test_web_get(void **state)
{
	struct dnswork_source src;
	struct probe *p = web_probe(&src);
	struct http_response *r = calloc(1, sizeof(*r));
	struct http_request rq = { .addr = "127.0.0.1" };
	char url[128];
	uint16_t port;
	int fd = mute_listener(&port);
	int64_t t0, ms;

	(void)state;
	assert_non_null(r);
	snprintf(url, sizeof(url), "http://web.example.test:%u/", port);
	rq.url = url;
	assert_int_equal(src.web_get(src.arg, &rq, (uint64_t)clock_mono_ms() - 1, r), 0);
	assert_int_equal(r->fail, HTTP_F_TIMEOUT);
	assert_int_equal(r->rc, PEIL_ETIMEDOUT);
	assert_int_equal(r->requests, 0);
	assert_string_equal(r->why, "time budget exhausted");
	http_response_clear(r);

	t0 = clock_mono_ms();
	assert_int_equal(src.web_get(src.arg, &rq, (uint64_t)t0 + 400, r), 0);
	ms = clock_mono_ms() - t0;
	assert_int_equal(r->fail, HTTP_F_TIMEOUT);
	assert_int_equal(r->requests, 1);
	assert_true(ms >= 350 && ms < 1400);
	http_response_clear(r);
	close(fd);

	/* the port closed now: the request was made */
	assert_int_equal(src.web_get(src.arg, &rq, (uint64_t)clock_mono_ms() + 5000, r), 0);
	assert_int_equal(r->fail, HTTP_F_CONNECT);
	http_response_clear(r);
	free(r);
	probe_free(p);
}

/* A TLS server on ADDR port 443 (a loopback address of its own; needs the right to bind a
 * low port): every connection a handshake, then an answer to whatever request came. */
static struct {
	int lfd;
	SSL_CTX *ctx;
	pthread_t thr;
	atomic_int stop, conns, handshakes;
} W;

static void *
web_srv(void *arg)
{
	(void)arg;
	while (!W.stop) {
		struct pollfd pf = { .fd = W.lfd, .events = POLLIN };
		struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
		char buf[512];
		SSL *ssl;
		int fd;

		if (poll(&pf, 1, 50) <= 0 || (fd = accept(W.lfd, NULL, NULL)) < 0)
			continue;
		W.conns++;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		ssl = SSL_new(W.ctx);
		SSL_set_fd(ssl, fd);
		if (SSL_accept(ssl) == 1) {
			W.handshakes++;
			if (SSL_read(ssl, buf, sizeof(buf)) > 0)
				(void)SSL_write(ssl, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
				    "Connection: close\r\n\r\n", 57);
			SSL_shutdown(ssl);
		}
		SSL_free(ssl);
		close(fd);
	}
	return NULL;
}

static bool
web_srv_start(char *addr, size_t addrlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(443) };
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	int one = 1;
	unsigned pid = (unsigned)getpid();

	/* 127.P.P.7: an address no other test of this machine uses, so 443 is free there */
	snprintf(addr, addrlen, "127.%u.%u.7", 100 + (pid >> 8) % 100, pid % 250 + 1);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	W.lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(W.lfd >= 0);
	setsockopt(W.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(W.lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(W.lfd);
		EVP_PKEY_free(key);
		X509_free(x);
		return false;
	}
	assert_int_equal(listen(W.lfd, 16), 0);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"web.example.test", -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, "DNS:web.example.test");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	W.ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(W.ctx);
	assert_int_equal(SSL_CTX_use_certificate(W.ctx, x), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(W.ctx, key), 1);
	X509_free(x);
	EVP_PKEY_free(key);
	W.stop = W.conns = W.handshakes = 0;
	assert_int_equal(pthread_create(&W.thr, NULL, web_srv, NULL), 0);
	return true;
}

static void
web_srv_stop(void)
{
	W.stop = 1;
	pthread_join(W.thr, NULL);
	close(W.lfd);
	SSL_CTX_free(W.ctx);
}

static void
test_web_tls(void **state)
{
	struct dnswork_source src;
	struct probe *p = web_probe(&src);
	struct tls_report rep;
	char addr[32];
	int64_t t0, ms;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	/* not a numeric address */
	assert_int_equal(src.web_tls(src.arg, "web.example.test", "web.example.test",
	    (uint64_t)clock_mono_ms() + 1000, &rep), 0);
	assert_false(rep.available);
	assert_non_null(strstr(rep.why, "not a numeric address"));
	assert_int_equal(rep.early_data, -1);
	tls_report_clear(&rep);

	/* no free slot for the address within the deadline: the engine did not run, which the
	 * caller must tell from "no TLS" (dnswork.h) */
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		assert_int_equal(probe_slot_take("192.0.2.80", in_ms(1000)), 0);
	t0 = clock_mono_ms();
	assert_int_equal(src.web_tls(src.arg, "web.example.test", "192.0.2.80", in_ms(150),
	    &rep), PEIL_ETIMEDOUT);
	ms = clock_mono_ms() - t0;
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give("192.0.2.80");
	assert_false(rep.available);
	assert_non_null(strstr(rep.why, "no free connection slot for 192.0.2.80"));
	assert_true(ms >= 100 && ms < 1000);
	tls_report_clear(&rep);

	/* an address text too long for a slot is no address, not a busy one (STARTTLS has no
	 * numeric check of its own before the slot) */
	{
		char lng[80];
		struct smtp_session s;

		memset(lng, '1', sizeof(lng) - 1);
		lng[sizeof(lng) - 1] = '\0';
		assert_int_equal(src.starttls(src.arg, "mx.example.test", lng, in_ms(1000), &rep,
		    &s), 0);
		assert_false(rep.available);
		assert_non_null(strstr(rep.why, "not a numeric address"));
		assert_null(strstr(rep.why, "slot"));
		tls_report_clear(&rep);
	}

	/* the TLS engine through the connect callback, host as SNI */
	if (!web_srv_start(addr, sizeof(addr))) {
		probe_free(p);
		skip();
	}
	t0 = clock_mono_ms();
	assert_int_equal(src.web_tls(src.arg, "web.example.test", addr, in_ms(20000), &rep), 0);
	ms = clock_mono_ms() - t0;
	web_srv_stop();
	print_message("    web_tls on %s:443: available %d, %u handshakes (%d accepted), %lld ms, "
	    "%s\n", addr, rep.available, rep.handshakes, (int)W.handshakes, (long long)ms,
	    rep.available ? rep.trust_why : rep.why);
	assert_true(rep.available);
	assert_true(rep.nversions > 0);
	assert_true(rep.nchain > 0);
	assert_true(rep.name_ok);
	assert_false(rep.trusted);  /* self-signed, not in the (system) CA file */
	assert_true(ms < 20000);
	tls_report_clear(&rep);

	/* nothing on 443 there now: the connection refused */
	assert_int_equal(src.web_tls(src.arg, "web.example.test", addr, in_ms(3000), &rep), 0);
	assert_false(rep.available);
	print_message("    web_tls, nothing listening: %s\n", rep.why);
	assert_non_null(strstr(rep.why, "443"));
	tls_report_clear(&rep);
	probe_free(p);
}

/* Which tests make `peil-agent probe` open the RPKI tables: exactly the catalogue's
 * MODULE_RPKI tests (the *_rpki_* ones); all tests (ntests 0) include them. */
static void
test_wants_module(void **state)
{
	static const char *const starttls[] = { "mail_starttls_tls_available",
	    "mail_starttls_cert_chain", "web_https_tls_version" };
	static const char *const mixed[] = { "mail_starttls_tls_available", "web_rpki_valid" };
	static const char *const vantage[] = { "vantage_rov", "vantage_ipv6" };
	static const char *const unknown[] = { "no_such_test", NULL };
	const struct catalogue_entry *all;
	size_t n, nrpki = 0;

	(void)state;
	assert_true(probe_wants_module(MODULE_RPKI, NULL, 0));
	assert_false(probe_wants_module(MODULE_RPKI, starttls, 3));
	assert_true(probe_wants_module(MODULE_RPKI, mixed, 2));
	assert_false(probe_wants_module(MODULE_RPKI, mixed, 1));
	/* vantage_rov uses its beacons, not the tables */
	assert_false(probe_wants_module(MODULE_RPKI, vantage, 2));
	assert_true(probe_wants_module(MODULE_VANTAGE, vantage, 1));
	assert_false(probe_wants_module(MODULE_RPKI, unknown, 2));
	assert_false(probe_wants_module(MODULE_NONE + MODULE_COUNT, NULL, 0));
	/* every rpki test, alone, asks for the tables */
	all = catalogue_all(&n);
	for (size_t i = 0; i < n; i++) {
		const char *one[] = { all[i].id };
		bool rpki = strstr(all[i].id, "rpki_") != NULL;

		assert_int_equal(probe_wants_module(MODULE_RPKI, one, 1), rpki);
		nrpki += rpki;
	}
	assert_int_equal(nrpki, 10);   /* mail_{mx_ns_,ns_,}rpki_*, web_{ns_,}rpki_* */
}

/* The warm-up: each job on a thread of its own, once per process; a later warm-up starts
 * nothing; the users find the work done. */
static void
test_warm(void **state)
{
	struct probe_warm pw, again;
	char err[DYNLIB_WHY_LEN];
	SSL_CTX *ctx;

	(void)state;
	probe_warm_start(&pw, true, true);
	assert_int_equal(pw.n, 2);
	/* asked again while it runs, or after: nothing more started */
	probe_warm_start(&again, true, true);
	assert_int_equal(again.n, 0);
	probe_warm_join(&again);
	/* the first GET's thread, arriving meanwhile, waits for the same initialisation */
	assert_int_equal(http_global_init(err, sizeof(err)), 0);
	assert_non_null(ctx = SSL_CTX_new(TLS_client_method()));
	SSL_CTX_free(ctx);
	probe_warm_join(&pw);
	assert_int_equal(pw.n, 0);
	probe_warm_start(&again, true, false);
	assert_int_equal(again.n, 0);
	probe_warm_start(&again, false, false);
	assert_int_equal(again.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_per_host),
		cmocka_unit_test(test_slot_try),
		cmocka_unit_test(test_slot_waiters_first),
		cmocka_unit_test(test_slot_long_addr),
		cmocka_unit_test(test_slot_table_full),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_warm),
		cmocka_unit_test(test_wants_module),
		cmocka_unit_test(test_web_get),
		cmocka_unit_test(test_web_tls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
