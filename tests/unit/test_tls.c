/* test_tls.c: the TLS engine against `openssl s_server` configurations and hostile loopback servers. */
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
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "skip.h"
#include "clock.h"
#include "err.h"
#include "limits.h"
#include "tls.h"

static char dir[64];              /* certificates and logs of this run */
static bool have_openssl;

/* ---- helpers ---- */

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static uint16_t
free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* A blocking-free connect to 127.0.0.1:port by deadline. */
static int
tcp_connect(uint16_t port, int64_t deadline, int *fdp, char *why, size_t whylen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0;
	socklen_t elen = sizeof(err);
	struct pollfd pfd;
	int64_t left;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return PEIL_EIO;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
		err_set(why, whylen, "%s", strerror(errno));
		close(fd);
		return PEIL_EIO;
	}
	left = deadline - clock_mono_ms();
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (left <= 0 || poll(&pfd, 1, (int)left) != 1) {
		err_set(why, whylen, "connect timed out");
		close(fd);
		return PEIL_ETIMEDOUT;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) {
		err_set(why, whylen, "%s", strerror(err));
		close(fd);
		return PEIL_EIO;
	}
	*fdp = fd;
	return 0;
}

static int
cb_connect(void *arg, int64_t deadline, int *fd, char *why, size_t whylen)
{
	return tcp_connect(*(uint16_t *)arg, deadline, fd, why, whylen);
}

/* ---- openssl s_server ---- */

struct sserver {
	pid_t pid;
	uint16_t port;
};

/* Starts s_server with a cert name (rsa, ec) and extra arguments (NULL-terminated). */
static void
sserver_start(struct sserver *s, const char *cert, ...)
{
	const char *argv[40];
	char accept[32], crt[128], key[128], log[128];
	size_t n = 0;
	va_list ap;
	const char *a;

	s->port = free_port();
	snprintf(accept, sizeof(accept), "127.0.0.1:%u", s->port);
	snprintf(crt, sizeof(crt), "%s/%s.pem", dir, cert);
	snprintf(key, sizeof(key), "%s/%s.key", dir, cert);
	snprintf(log, sizeof(log), "%s/s_server-%u.log", dir, s->port);
	argv[n++] = "openssl";
	argv[n++] = "s_server";
	argv[n++] = "-accept";
	argv[n++] = accept;
	argv[n++] = "-cert";
	argv[n++] = crt;
	argv[n++] = "-key";
	argv[n++] = key;
	argv[n++] = "-www";
	argv[n++] = "-quiet";
	va_start(ap, cert);
	while ((a = va_arg(ap, const char *)) != NULL && n < 38)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nul = open("/dev/null", O_RDONLY);

		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp("openssl", (char *const *)argv);
		_exit(127);
	}
	/* Wait until it listens. */
	for (int i = 0; i < 300; i++) {
		int fd = -1;
		char why[64];

		if (tcp_connect(s->port, clock_mono_ms() + 100, &fd, why, sizeof(why)) == 0) {
			close(fd);
			return;
		}
		usleep(10000);
	}
	fail_msg("s_server on port %u did not start (see %s)", s->port, log);
}

static void
sserver_stop(struct sserver *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
}

static void
probe(uint16_t *port, const char *sni, const char *ca, unsigned hs_ms, int64_t deadline,
    unsigned maxhs, struct tls_report *r)
{
	struct tls_target t = {
		.connect = cb_connect, .arg = port, .sni = sni, .ca_file = ca,
		.handshake_ms = hs_ms, .deadline_ms = deadline, .max_handshakes = maxhs,
	};

	assert_int_equal(tls_probe(&t, r), 0);
}

static const struct tls_version_suites *
per(const struct tls_report *r, uint16_t v)
{
	for (size_t i = 0; i < r->nper; i++)
		if (r->per_version[i].version == v)
			return &r->per_version[i];
	return NULL;
}

static bool
has(const uint16_t *list, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static void
dump(const char *what, const struct tls_report *r)
{
	printf("# %s: available %d why '%s' partial %d '%s' hs %u ms %u\n#  versions", what,
	    r->available, r->why, r->partial, r->partial_why, r->handshakes, r->ms);
	for (size_t i = 0; i < r->nversions; i++)
		printf(" %04x", r->versions[i]);
	printf("\n");
	for (size_t i = 0; i < r->nper; i++) {
		printf("#  %04x order %d:", r->per_version[i].version, r->per_version[i].server_order);
		for (size_t j = 0; j < r->per_version[i].nsuites; j++)
			printf(" %04x", r->per_version[i].suites[j]);
		printf("\n");
	}
	printf("#  groups(%04x):", r->groups_version);
	for (size_t i = 0; i < r->ngroups; i++)
		printf(" %u", r->groups[i]);
	printf(" ffdh %u named %d '%s' sigs:", r->ffdh_bits, r->ffdh_named, r->ffdh_group);
	for (size_t i = 0; i < r->nsigschemes; i++)
		printf(" %04x", r->sigschemes[i]);
	printf("\n#  comp %d secreneg %d clireneg %d ems %d chain %zu key %d/%u/%d trusted %d '%s' name %d\n",
	    r->compression, r->secure_reneg, r->client_reneg, r->ems, r->nchain, r->leaf_key_type,
	    r->leaf_key_bits, r->leaf_curve_nid, r->trusted, r->trust_why, r->name_ok);
}

/* ---- fixtures ---- */

static int
setup(void **state)
{
	FILE *f;
	char path[128], pem[8192];
	size_t n;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	have_openssl = run("openssl version >/dev/null 2>&1") == 0;
	if (!have_openssl)
		return 0;
	snprintf(dir, sizeof(dir), "/tmp/peil-test-tls-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	if (run("cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.pem "
	    "-days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null", dir) != 0 ||
	    run("cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	    "-keyout ec.key -out ec.pem -days 2 -subj /CN=mx.example.org "
	    "-addext subjectAltName=DNS:mx.example.org 2>/dev/null", dir) != 0 ||
	    run("cd %s && openssl dhparam -out dh1024.pem 1024 2>/dev/null", dir) != 0)
		return -1;
	/* A chain of 130 copies of the RSA certificate: over 100 KB. */
	snprintf(path, sizeof(path), "%s/rsa.pem", dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(pem, 1, sizeof(pem) - 1, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/big.pem", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (int i = 0; i < 130; i++)
		fwrite(pem, 1, n, f);
	fclose(f);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (dir[0] != '\0')
		run("rm -rf %s", dir);
	return 0;
}

/* ---- s_server cases ---- */

static void
test_modern_rsa(void **state)
{
	struct sserver s;
	struct tls_report r;
	char ca[128];
	const struct tls_version_suites *v12, *v13;
	int64_t t0;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	snprintf(ca, sizeof(ca), "%s/rsa.pem", dir);
	sserver_start(&s, "rsa", "-no_tls1", "-no_tls1_1", "-serverpref", "-cipher",
	    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
	    "DHE-RSA-AES256-GCM-SHA384", NULL);
	t0 = clock_mono_ms();
	probe(&s.port, "localhost", ca, 3000, clock_mono_ms() + 30000, 0, &r);
	dump("modern", &r);
	assert_true(r.available);
	assert_false(r.partial);
	assert_int_equal(r.nversions, 2);
	assert_int_equal(r.versions[0], TLS_V13);
	assert_int_equal(r.versions[1], TLS_V12);
	for (int i = 0; i < TLS_NVERSIONS; i++)
		assert_true(r.version_tried[i]);
	v13 = per(&r, TLS_V13);
	v12 = per(&r, TLS_V12);
	assert_non_null(v13);
	assert_non_null(v12);
	/* s_server's TLS 1.3 default: the three suites without CCM, in its order. */
	assert_int_equal(v13->nsuites, 3);
	assert_int_equal(v13->suites[0], 0x1302);
	assert_int_equal(v13->server_order, 1);
	assert_int_equal(v12->nsuites, 4);
	assert_int_equal(v12->suites[0], 0xc030);
	assert_int_equal(v12->suites[1], 0xcca8);
	assert_int_equal(v12->suites[2], 0xc02f);
	assert_int_equal(v12->suites[3], 0x009f);
	assert_int_equal(v12->server_order, 1);
	assert_int_equal(r.groups_version, TLS_V13);
	assert_true(has(r.groups, r.ngroups, 29));
	assert_true(has(r.groups, r.ngroups, 23));
	assert_true(has(r.groups, r.ngroups, 24));
	assert_true(r.ffdh_bits >= 2048);
	assert_true(r.nsigschemes >= 3);
	assert_true(has(r.sigschemes, r.nsigschemes, 0x0804) || has(r.sigschemes, r.nsigschemes, 0x0401));
	assert_int_equal(r.compression, 0);
	assert_int_equal(r.secure_reneg, 1);
	assert_int_equal(r.client_reneg, 0);       /* OpenSSL 3 refuses it by default */
	assert_int_equal(r.ems, 1);
	assert_int_equal(r.nchain, 1);
	assert_true(r.derlen[0] > 500 && r.der[0][0] == 0x30);
	assert_int_equal(r.leaf_key_type, EVP_PKEY_RSA);
	assert_int_equal(r.leaf_key_bits, 2048);
	assert_int_equal(r.chain_sig_nids[0], NID_sha256WithRSAEncryption);
	assert_true(r.trusted);
	assert_string_equal(r.trust_why, "ok");
	assert_true(r.name_ok);
	assert_int_equal(r.ocsp_stapled, 0);       /* asked for, none configured */
	assert_int_equal(r.ocsp_valid, -1);
	assert_true(r.handshakes < 40);
	assert_true(clock_mono_ms() - t0 < 10000);
	tls_report_clear(&r);

	/* Default trust store: a self-signed certificate is not trusted; another name fails. */
	probe(&s.port, "mx.example.org", NULL, 3000, 0, 4, &r);
	assert_true(r.available);
	assert_true(r.partial);
	assert_int_equal(r.handshakes, 4);
	assert_false(r.trusted);
	assert_string_not_equal(r.trust_why, "ok");
	assert_false(r.name_ok);
	tls_report_clear(&r);
	sserver_stop(&s);
}

static void
test_tls12_client_order_reneg(void **state)
{
	struct sserver s;
	struct tls_report r;
	const struct tls_version_suites *v12;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	sserver_start(&s, "rsa", "-tls1_2", "-client_renegotiation", "-cipher",
	    "AES128-SHA:AES256-SHA:ECDHE-RSA-AES128-SHA", NULL);
	probe(&s.port, "localhost", NULL, 3000, 0, 0, &r);
	dump("tls12", &r);
	assert_true(r.available);
	assert_int_equal(r.nversions, 1);
	assert_int_equal(r.versions[0], TLS_V12);
	v12 = per(&r, TLS_V12);
	assert_non_null(v12);
	assert_int_equal(v12->nsuites, 3);
	assert_true(has(v12->suites, 3, 0x002f));
	assert_true(has(v12->suites, 3, 0x0035));
	assert_true(has(v12->suites, 3, 0xc013));
	assert_int_equal(v12->server_order, 0);
	assert_int_equal(r.groups_version, TLS_V12);
	assert_true(has(r.groups, r.ngroups, 29));
	assert_true(r.ngroups >= 4);
	assert_int_equal(r.ffdh_bits, 0);
	assert_int_equal(r.client_reneg, 1);
	assert_int_equal(r.secure_reneg, 1);
	assert_int_equal(r.compression, 0);
	assert_true(strstr(r.why, "TLS 1.3") != NULL);
	tls_report_clear(&r);
	sserver_stop(&s);
}

static void
test_tls13_ec(void **state)
{
	struct sserver s;
	struct tls_report r;
	const struct tls_version_suites *v13;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	sserver_start(&s, "ec", "-tls1_3", "-ciphersuites",
	    "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256", "-groups", "secp384r1:x25519",
	    "-no_renegotiation", NULL);
	probe(&s.port, "mx.example.org", NULL, 3000, 0, 0, &r);
	dump("tls13", &r);
	assert_true(r.available);
	assert_int_equal(r.nversions, 1);
	assert_int_equal(r.versions[0], TLS_V13);
	v13 = per(&r, TLS_V13);
	assert_int_equal(v13->nsuites, 2);
	assert_true(has(v13->suites, 2, 0x1301));
	assert_true(has(v13->suites, 2, 0x1303));
	assert_int_equal(r.groups_version, TLS_V13);
	assert_int_equal(r.ngroups, 2);
	assert_true(has(r.groups, r.ngroups, 24));
	assert_true(has(r.groups, r.ngroups, 29));
	assert_int_equal(r.leaf_key_type, EVP_PKEY_EC);
	assert_int_equal(r.leaf_key_bits, 256);
	assert_int_equal(r.leaf_curve_nid, NID_X9_62_prime256v1);
	assert_int_equal(r.chain_sig_nids[0], NID_ecdsa_with_SHA256);
	assert_true(r.name_ok);
	assert_int_equal(r.secure_reneg, -1);
	assert_int_equal(r.client_reneg, -1);
	assert_int_equal(r.ems, -1);
	assert_int_equal(r.compression, 0);
	assert_int_equal(r.nsigschemes, 0);
	tls_report_clear(&r);
	sserver_stop(&s);
}

static void
test_legacy_dhe(void **state)
{
	struct sserver s;
	struct tls_report r;
	char dh[128];
	const struct tls_version_suites *v10;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	snprintf(dh, sizeof(dh), "%s/dh1024.pem", dir);
	sserver_start(&s, "rsa", "-no_tls1_2", "-no_tls1_3", "-dhparam", dh, "-cipher",
	    "DHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0", NULL);
	probe(&s.port, "localhost", NULL, 3000, 0, 0, &r);
	dump("legacy", &r);
	assert_true(r.available);
	assert_int_equal(r.nversions, 2);
	assert_int_equal(r.versions[0], TLS_V11);
	assert_int_equal(r.versions[1], TLS_V10);
	v10 = per(&r, TLS_V10);
	assert_int_equal(v10->nsuites, 2);
	assert_true(has(v10->suites, 2, 0x0033));
	assert_true(has(v10->suites, 2, 0x002f));
	assert_int_equal(r.ffdh_bits, 1024);
	assert_false(r.ffdh_named);
	assert_string_equal(r.ffdh_group, "");
	assert_int_equal(r.groups_version, 0);
	assert_int_equal(r.nsigschemes, 0);
	assert_int_equal(r.secure_reneg, 1);
	tls_report_clear(&r);
	sserver_stop(&s);
}

static void
test_big_chain(void **state)
{
	struct sserver s;
	struct tls_report r;
	char chain[128];
	int64_t t0;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	snprintf(chain, sizeof(chain), "%s/big.pem", dir);
	sserver_start(&s, "rsa", "-cert_chain", chain, NULL);
	t0 = clock_mono_ms();
	probe(&s.port, "localhost", NULL, 2000, 0, 0, &r);
	dump("bigchain", &r);
	assert_false(r.available);
	assert_true(strstr(r.why, "excessive message size") != NULL);
	assert_int_equal(r.nchain, 0);
	assert_true(clock_mono_ms() - t0 < 5000);
	tls_report_clear(&r);
	sserver_stop(&s);
}

/* ---- first-flight tries against full handshakes ---- */

/* Everything a report says but the counts of tries and the time. */
static void
assert_same_report(const struct tls_report *a, const struct tls_report *b)
{
	assert_int_equal(a->available, b->available);
	assert_int_equal(a->partial, b->partial);
	assert_int_equal(a->nversions, b->nversions);
	assert_memory_equal(a->versions, b->versions, sizeof(a->versions));
	assert_memory_equal(a->version_tried, b->version_tried, sizeof(a->version_tried));
	assert_int_equal(a->nper, b->nper);
	for (size_t i = 0; i < a->nper; i++) {
		const struct tls_version_suites *x = &a->per_version[i], *y = &b->per_version[i];

		assert_int_equal(x->version, y->version);
		assert_int_equal(x->nsuites, y->nsuites);
		assert_memory_equal(x->suites, y->suites, x->nsuites * sizeof(x->suites[0]));
		assert_int_equal(x->server_order, y->server_order);
	}
	assert_int_equal(a->ngroups, b->ngroups);
	assert_memory_equal(a->groups, b->groups, a->ngroups * sizeof(a->groups[0]));
	assert_int_equal(a->groups_version, b->groups_version);
	assert_int_equal(a->ffdh_bits, b->ffdh_bits);
	assert_int_equal(a->ffdh_named, b->ffdh_named);
	assert_string_equal(a->ffdh_group, b->ffdh_group);
	assert_int_equal(a->nsigschemes, b->nsigschemes);
	assert_memory_equal(a->sigschemes, b->sigschemes,
	    a->nsigschemes * sizeof(a->sigschemes[0]));
	assert_int_equal(a->compression, b->compression);
	assert_int_equal(a->secure_reneg, b->secure_reneg);
	assert_int_equal(a->client_reneg, b->client_reneg);
	assert_int_equal(a->ems, b->ems);
	assert_int_equal(a->early_data, b->early_data);
	assert_int_equal(a->ocsp_stapled, b->ocsp_stapled);
	assert_int_equal(a->ocsp_valid, b->ocsp_valid);
	assert_int_equal(a->nchain, b->nchain);
	for (size_t i = 0; i < a->nchain; i++) {
		assert_int_equal(a->derlen[i], b->derlen[i]);
		assert_memory_equal(a->der[i], b->der[i], a->derlen[i]);
		assert_int_equal(a->chain_sig_nids[i], b->chain_sig_nids[i]);
	}
	assert_int_equal(a->leaf_key_type, b->leaf_key_type);
	assert_int_equal(a->leaf_key_bits, b->leaf_key_bits);
	assert_int_equal(a->leaf_curve_nid, b->leaf_curve_nid);
	assert_int_equal(a->trusted, b->trusted);
	assert_string_equal(a->trust_why, b->trust_why);
	assert_int_equal(a->name_ok, b->name_ok);
}

/* One s_server configuration probed twice: every try a full handshake, then (the default)
 * the enumeration by first-flight tries. The reports must be the same. */
static void
flight_case(const char *what, bool hello_stops, const char *cert, const char *a1, const char *a2, const char *a3,
    const char *a4, const char *a5, const char *a6)
{
	struct sserver s;
	struct tls_report full, fast;
	char ca[128];
	struct tls_target t = { .connect = cb_connect, .arg = &s.port, .sni = "localhost",
	    .ca_file = ca, .handshake_ms = 3000, .deadline_ms = clock_mono_ms() + 60000 };

	snprintf(ca, sizeof(ca), "%s/%s.pem", dir, cert);
	sserver_start(&s, cert, a1, a2, a3, a4, a5, a6, NULL);
	memset(&full, 0, sizeof(full));
	memset(&fast, 0, sizeof(fast));
	t.full_handshakes = true;
	assert_int_equal(tls_probe(&t, &full), 0);
	t.full_handshakes = false;
	assert_int_equal(tls_probe(&t, &fast), 0);
	printf("# %s: full %u tries in %u ms, then %u tries (%u first-flight, %u of them stopped "
	    "early) in %u ms\n", what, full.handshakes, full.ms, fast.handshakes, fast.flights,
	    fast.hello_stops, fast.ms);
	dump(what, &fast);
	assert_true(full.available);
	assert_false(full.partial);
	assert_same_report(&full, &fast);
	assert_int_equal(full.flights, 0);
	assert_true(fast.flights > 0);
	assert_int_equal(full.hello_stops, 0);
	if (hello_stops)
		assert_true(fast.hello_stops > 0);
	tls_report_clear(&full);
	tls_report_clear(&fast);
	sserver_stop(&s);
}

static void
test_flight_same(void **state)
{
	char dh[128];

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	snprintf(dh, sizeof(dh), "%s/dh1024.pem", dir);
	/* Server order, TLS 1.3 and 1.2, ECDHE and DHE (the FFDH size from a DHE try). */
	flight_case("modern", true, "rsa", "-no_tls1", "-no_tls1_1", "-serverpref", "-cipher",
	    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
	    "DHE-RSA-AES256-GCM-SHA384", NULL);
	/* The client's order, RSA and DHE key exchange, every version up to 1.2. */
	flight_case("clientorder", true, "rsa", "-no_tls1_3", "-dhparam", dh, "-cipher",
	    "AES128-SHA:DHE-RSA-AES128-SHA:ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384:@SECLEVEL=0",
	    NULL);
	/* DHE only, anonymous and signed, TLS 1.0 to 1.2: once the FFDH prime is known, an
	 * anonymous (or TLS 1.1 or 1.0) DHE suite's try stops at the ServerHello, the only
	 * tries that do (no RSA key exchange, no TLS 1.3 here); the same report. */
	flight_case("dhe", true, "rsa", "-no_tls1_3", "-dhparam", dh, "-cipher",
	    "ADH-AES128-SHA:DHE-RSA-AES128-SHA:ADH-AES256-SHA:DHE-RSA-AES256-SHA:"
	    "ADH-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0", NULL);
	/* TLS 1.3 with groups the first key share misses (HelloRetryRequest). */
	flight_case("hrr", true, "ec", "-tls1_3", "-groups", "secp384r1:secp521r1:ffdhe2048", NULL,
	    NULL, NULL);
	/* TLS 1.2, ECDSA, signature hashes and groups to enumerate. */
	flight_case("sigs", true, "ec", "-tls1_2", "-sigalgs", "ECDSA+SHA384:ECDSA+SHA256:ECDSA+SHA1",
	    "-groups", "secp384r1:prime256v1", NULL);
}

/* ---- two lanes against one ---- */

/* A connect callback that tells the calls of lanes_probe's thread (the first lane) from the
 * others' (the second lane's: a thread of the engine); from call fail_at on it fails, from
 * stall_at on it returns only at its deadline. */
struct lanes_conn {
	uint16_t port;
	pthread_mutex_t lock;
	pthread_t caller;       /* lanes_probe's thread */
	int calls, others;      /* calls, of which from another thread */
	int fail_at, stall_at;
	bool one_thread;        /* refuse every call from another thread */
	bool nosplit;           /* lanes_probe: t.split false */
	int slow_from, slow_ms; /* from call slow_from on, calls take slow_ms more ... */
	int late[2];            /* ... and are counted: [0] the caller's, [1] the others' */
};

static int
lanes_connect(void *arg, int64_t deadline, int *fd, char *why, size_t whylen)
{
	struct lanes_conn *c = arg;
	bool other = pthread_equal(c->caller, pthread_self()) == 0;
	int call;

	pthread_mutex_lock(&c->lock);
	call = ++c->calls;
	c->others += other ? 1 : 0;
	pthread_mutex_unlock(&c->lock);
	if (c->slow_from != 0 && call >= c->slow_from) {
		pthread_mutex_lock(&c->lock);
		c->late[other ? 1 : 0]++;
		pthread_mutex_unlock(&c->lock);
		usleep((useconds_t)c->slow_ms * 1000);
	}
	if (c->one_thread && other) {
		err_set(why, whylen, "one connection at a time");
		return PEIL_EIO;
	}
	if (c->fail_at != 0 && call >= c->fail_at) {
		err_set(why, whylen, "refused by the test");
		return PEIL_EIO;
	}
	while (c->stall_at != 0 && call >= c->stall_at && clock_mono_ms() < deadline)
		usleep(10000);
	return tcp_connect(c->port, deadline + 1000, fd, why, whylen);
}

static void
lanes_probe(struct lanes_conn *c, unsigned lanes, unsigned maxhs, int64_t deadline,
    struct tls_report *r)
{
	struct tls_target t = { .connect = lanes_connect, .arg = c, .sni = "localhost",
	    .handshake_ms = 10000, .deadline_ms = deadline, .max_handshakes = maxhs,
	    .lanes = lanes, .split = !c->nosplit };

	c->caller = pthread_self();
	c->calls = c->others = 0;
	memset(c->late, 0, sizeof(c->late));
	memset(r, 0, sizeof(*r));
	assert_int_equal(tls_probe(&t, r), 0);
}

/* One s_server configuration (TLS 1.0 to 1.3) probed with one lane, then two: the same
 * report, the same tries (but the one more of a split enumeration), connections from two
 * threads; then two lanes cut short by the
 * handshake budget, a failed connection and the deadline (one lane waiting for it in the
 * connect callback): partial, within the budget, the other lane stopped too. */
static void
lanes_case(const char *what, const char *a1, const char *a2, const char *a3, const char *a4,
    const char *a5, const char *a6)
{
	struct sserver s;
	struct lanes_conn c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct tls_report one, two;
	unsigned maxhs;

	sserver_start(&s, "rsa", a1, a2, a3, a4, a5, a6, NULL);
	c.port = s.port;
	lanes_probe(&c, 1, 0, clock_mono_ms() + 60000, &one);
	assert_int_equal(c.others, 0);
	lanes_probe(&c, 2, 0, clock_mono_ms() + 60000, &two);
	printf("# %s: one lane %u tries in %u ms, two lanes %u tries in %u ms\n", what,
	    one.handshakes, one.ms, two.handshakes, two.ms);
	dump(what, &two);
	assert_true(c.others > 0);
	assert_true(one.available);
	assert_false(one.partial);
	assert_true(one.nper >= 3);
	assert_same_report(&one, &two);
	assert_string_equal(one.why, two.why);
	/* The same tries, but one more per TLS <= 1.2 version split in two (suites_split). */
	assert_true(two.handshakes >= one.handshakes && two.handshakes <= one.handshakes + 3);
	assert_int_equal(two.handshakes - one.handshakes, two.flights - one.flights);
	assert_int_equal(two.hello_stops - one.hello_stops, two.flights - one.flights);
	tls_report_clear(&two);

	/* Without the split (t->split false): the same report at the same tries. */
	c.nosplit = true;
	lanes_probe(&c, 2, 0, clock_mono_ms() + 60000, &two);
	c.nosplit = false;
	assert_same_report(&one, &two);
	assert_int_equal(two.handshakes, one.handshakes);
	tls_report_clear(&two);

	/* The budget is both lanes' together. */
	maxhs = one.handshakes * 2 / 3;
	lanes_probe(&c, 2, maxhs, clock_mono_ms() + 60000, &two);
	dump("budget", &two);
	assert_true(c.others > 0);
	assert_true(two.available);
	assert_true(two.partial);
	assert_non_null(strstr(two.partial_why, "budget"));
	assert_int_equal(two.handshakes, maxhs);
	tls_report_clear(&two);

	/* The tenth connection (in the enumeration: steps 1 and 2 make five) fails: both lanes
	 * stop. */
	c.fail_at = 10;
	lanes_probe(&c, 2, 0, clock_mono_ms() + 60000, &two);
	dump("connect", &two);
	c.fail_at = 0;
	assert_true(c.others > 0);
	assert_true(two.available);
	assert_true(two.partial);
	assert_non_null(strstr(two.partial_why, "connect failed: refused by the test"));
	/* ... then once more on one lane, refused at once: the first report stays */
	assert_int_equal(two.handshakes, 11);
	tls_report_clear(&two);

	/* A server taking one connection of a client at a time: the second lane's is refused,
	 * the run again on one lane is the one-lane report, every try counted. */
	c.one_thread = true;
	lanes_probe(&c, 2, 0, clock_mono_ms() + 60000, &two);
	dump("one at a time", &two);
	c.one_thread = false;
	assert_true(two.available);
	assert_false(two.partial);
	assert_same_report(&one, &two);
	assert_true(two.handshakes > one.handshakes);
	tls_report_clear(&two);

	/* From the tenth connection on, each waits for the deadline (within the 10 s tries). */
	c.stall_at = 10;
	lanes_probe(&c, 2, 0, clock_mono_ms() + one.ms + 1500, &two);
	dump("deadline", &two);
	c.stall_at = 0;
	assert_true(c.others > 0);
	assert_true(two.available);
	assert_true(two.partial);
	assert_non_null(strstr(two.partial_why, "deadline reached"));
	assert_true(two.handshakes <= 11);
	tls_report_clear(&two);
	tls_report_clear(&one);
	sserver_stop(&s);
}

static void
test_lanes(void **state)
{
	char dh[128];

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	snprintf(dh, sizeof(dh), "%s/dh1024.pem", dir);
	/* The client's order: weak_probe asks compression on TLS 1.2. */
	lanes_case("lanes-clientorder", "-dhparam", dh, "-cipher",
	    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES128-SHA:"
	    "AES256-SHA:DHE-RSA-AES256-SHA:AES128-SHA256:@SECLEVEL=0", NULL, NULL);
	lanes_case("lanes-serverorder", "-serverpref", "-dhparam", dh, "-cipher",
	    "ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-SHA:AES256-SHA:"
	    "AES128-SHA:DHE-RSA-AES256-SHA:AES128-SHA256:@SECLEVEL=0", NULL);
	/* Anonymous and signed DHE on TLS 1.0 to 1.2: a lane's copy learns the FFDH prime only
	 * when no copy merged before it knows it (dh_before). */
	lanes_case("lanes-dhe", "-dhparam", dh, "-cipher",
	    "ADH-AES128-SHA:DHE-RSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ADH-AES256-SHA:"
	    "DHE-RSA-AES256-SHA:ADH-AES128-GCM-SHA256:AES128-SHA:@SECLEVEL=0", NULL, NULL);
	/* No TLS 1.3: step 4 on TLS 1.2, with step 5 after it, on a lane (tail_spawn), three
	 * groups to enumerate there. */
	lanes_case("lanes-notls13", "-no_tls1_3", "-groups", "secp384r1:prime256v1:x25519",
	    "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA:AES128-SHA:"
	    "ECDHE-RSA-AES128-SHA:AES256-SHA:ECDHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0", NULL);
}

/* Steps 1 and 2 on two lanes (start_run): one s_server configuration probed with one lane,
 * then two, without the split (the same enumeration's tries); the same report, the first
 * failure included, at extra tries (the hellos asked ahead that were not used, fewer the
 * full handshakes and weak hellos of versions refused to them: 0 for TLS 1.0 to 1.3). */
static void
start_case(const char *what, int extra, const char *a1, const char *a2, const char *a3,
    const char *a4, const char *a5, const char *a6, struct tls_report *one)
{
	struct sserver s;
	struct lanes_conn c = { .lock = PTHREAD_MUTEX_INITIALIZER, .nosplit = true };
	struct tls_report two;

	sserver_start(&s, "rsa", a1, a2, a3, a4, a5, a6, NULL);
	c.port = s.port;
	lanes_probe(&c, 1, 0, clock_mono_ms() + 60000, one);
	assert_int_equal(c.others, 0);
	lanes_probe(&c, 2, 0, clock_mono_ms() + 60000, &two);
	printf("# %s: one lane %u tries in %u ms, two lanes %u tries (%d by the other thread) in "
	    "%u ms\n", what, one->handshakes, one->ms, two.handshakes, c.others, two.ms);
	dump(what, &two);
	assert_true(c.others >= 2);
	assert_true(one->available);
	assert_false(one->partial);
	assert_same_report(one, &two);
	assert_string_equal(one->why, two.why);
	assert_int_equal((int)two.handshakes - (int)one->handshakes, extra);
	tls_report_clear(&two);
	sserver_stop(&s);
}

static void
test_lanes_start(void **state)
{
	struct lanes_conn c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct tls_report one, two;
	struct sserver s;
	char dh[128];
	int64_t t0;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	snprintf(dh, sizeof(dh), "%s/dh1024.pem", dir);
	/* TLS 1.0 to 1.3: every hello asked ahead is used. */
	start_case("start-all", 0, "-dhparam", dh, "-cipher",
	    "ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0", NULL, NULL,
	    &one);
	assert_int_equal(one.nversions, 4);
	tls_report_clear(&one);
	/* TLS 1.2 refused, 1.1 and 1.0 accepted: TLS 1.1 still has its full handshake (the
	 * chain, renegotiation, EMS), after its hello asked ahead (the one extra try); TLS 1.0's
	 * hello is used. */
	start_case("start-legacy", 1, "-no_tls1_2", "-no_tls1_3", "-dhparam", dh, "-cipher",
	    "DHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0", &one);
	assert_int_equal(one.nversions, 2);
	assert_int_equal(one.versions[0], TLS_V11);
	assert_true(one.nchain > 0);
	assert_int_equal(one.secure_reneg, 1);
	assert_true(one.client_reneg >= 0);
	assert_true(one.ems >= 0);
	tls_report_clear(&one);
	/* TLS 1.3 alone: TLS 1.1 and 1.0 refused to the hellos asked ahead have no full
	 * handshake, nor a hello of weak suites (two tries fewer); the first failure is TLS
	 * 1.2's either way. */
	start_case("start-tls13", -2, "-tls1_3", NULL, NULL, NULL, NULL, NULL, &one);
	assert_int_equal(one.nversions, 1);
	assert_true(strstr(one.why, "TLS 1.2: ") == one.why);
	assert_true(one.version_tried[2] && one.version_tried[3] && one.version_tried[4]);
	tls_report_clear(&one);

	sserver_start(&s, "rsa", NULL);
	c.port = s.port;
	/* The budget is both lanes' from the first try on: three tries, then both stop. */
	lanes_probe(&c, 2, 3, clock_mono_ms() + 60000, &two);
	dump("start-budget", &two);
	assert_true(c.others > 0);
	assert_true(two.partial);
	assert_non_null(strstr(two.partial_why, "budget"));
	assert_int_equal(two.handshakes, 3);
	assert_int_equal(c.calls, 3);
	tls_report_clear(&two);
	/* From the second call on each waits for the deadline: both lanes stop there, no try
	 * after it (the first's chain, verified against the system's CA bundle, may end later:
	 * slow under the sanitizers). */
	c.stall_at = 2;
	t0 = clock_mono_ms();
	lanes_probe(&c, 2, 0, t0 + 1000, &two);
	c.stall_at = 0;
	dump("start-deadline", &two);
	assert_true(c.others > 0);
	assert_true(two.partial);
	assert_non_null(strstr(two.partial_why, "deadline reached"));
	assert_true(clock_mono_ms() - t0 < 3000);
	assert_true(two.handshakes <= 3);
	assert_int_equal(c.calls, (int)two.handshakes);
	tls_report_clear(&two);
	sserver_stop(&s);
	/* Nothing listens: both lanes' first connects fail, and that is no server taking one
	 * connection at a time: not run again on one lane. */
	c.port = free_port();
	lanes_probe(&c, 2, 0, clock_mono_ms() + 60000, &two);
	assert_false(two.available);
	assert_true(two.partial);
	assert_true(strstr(two.why, "connect: ") == two.why);
	assert_true(two.handshakes <= 2);
	assert_int_equal(c.calls, (int)two.handshakes);
	tls_report_clear(&two);
}

/* A lane with nothing queued waits while the other lane's item runs: it may still queue the
 * half of an enumeration it splits (or step 5). TLS 1.2 alone (eight suites, the client's
 * order) is one item, taken by either thread; the other, finding no item queued, takes the
 * half split off after the item's first try: from the lanes' first try on (the sixth call,
 * each made slower so that both threads are surely there) both threads connect. A lane that
 * ended when it found the queue empty left every try to the other. The same report. */
static void
test_lanes_late(void **state)
{
	struct sserver s;
	struct lanes_conn c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct tls_report one, two;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	sserver_start(&s, "rsa", "-tls1_2", "-cipher",
	    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:"
	    "ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:"
	    "ECDHE-RSA-CHACHA20-POLY1305:AES128-SHA:@SECLEVEL=0", NULL);
	c.port = s.port;
	lanes_probe(&c, 1, 0, clock_mono_ms() + 60000, &one);
	assert_int_equal(one.nper, 1);
	assert_int_equal(one.per_version[0].version, TLS_V12);
	assert_int_equal(one.per_version[0].nsuites, 8);
	assert_int_equal(one.per_version[0].server_order, 0);
	/* The enumeration's first call: after TLS 1.3's and 1.2's handshakes, the 1.1 and 1.0
	 * hellos and SSLv3's. */
	c.slow_from = 6;
	c.slow_ms = 20;
	lanes_probe(&c, 2, 0, clock_mono_ms() + 60000, &two);
	printf("# lanes-late: one lane %u tries in %u ms, two lanes %u tries in %u ms, from the "
	    "sixth on %d by the caller's thread, %d by the other\n", one.handshakes, one.ms,
	    two.handshakes, two.ms, c.late[0], c.late[1]);
	c.slow_from = 0;
	assert_true(c.others > 0);
	assert_same_report(&one, &two);
	assert_true(c.late[0] >= 2);
	assert_true(c.late[1] >= 2);
	tls_report_clear(&two);
	tls_report_clear(&one);
	sserver_stop(&s);
}

/* ---- hand-made servers ---- */

enum fake_mode {
	FAKE_GARBAGE,     /* answers junk */
	FAKE_RESET,       /* reads the hello, resets */
	FAKE_SILENT,      /* reads, never answers */
	FAKE_LEGACY,      /* SSLv3 and TLS 1.0 with 3DES only (DES-CBC3-SHA): a ServerHello to
	                   * SSLv3 hellos and to TLS 1.0 hellos offering it, else an alert */
};

struct fake {
	int lfd;
	uint16_t port;
	enum fake_mode mode;
	atomic_bool stop;
	atomic_int conns;
	pthread_t th;
};

static void
fake_serve(struct fake *f, int fd)
{
	uint8_t in[4096];
	ssize_t k = recv(fd, in, sizeof(in), 0);

	if (k <= 0)
		return;
	switch (f->mode) {
	case FAKE_GARBAGE: {
		static const char junk[] = "220 this is not TLS at all\r\n\x01\x02\x03";

		(void)send(fd, junk, sizeof(junk), MSG_NOSIGNAL);
		break;
	}
	case FAKE_RESET: {
		struct linger l = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		break;
	}
	case FAKE_SILENT: {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		while (!atomic_load(&f->stop) && poll(&p, 1, 20) >= 0)
			if (p.revents && recv(fd, in, sizeof(in), 0) <= 0)
				break;
		break;
	}
	case FAKE_LEGACY: {
		bool des3 = false;
		size_t sl, sid;

		/* Our hand-built hellos have the suites at 44 + session id length. */
		if (k >= 46 && in[0] == 22 && (sid = in[43]) <= 32 && (size_t)k >= 46 + sid) {
			sl = (size_t)(in[44 + sid] << 8 | in[45 + sid]);
			for (size_t i = 0; i + 1 < sl && 46 + sid + i + 1 < (size_t)k; i += 2)
				des3 |= in[46 + sid + i] == 0 && in[47 + sid + i] == 0x0a;
		}
		if (k >= 11 && in[0] == 22 && in[9] == 3 && (in[10] == 0 || in[10] == 1) && des3) {
			uint8_t sh[] = {
				22, 3, 0, 0, 42, 2, 0, 0, 38, 3, 0,
				1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
				0, 0x00, 0x0a, 0 };

			sh[2] = in[10];
			sh[10] = in[10];
			(void)send(fd, sh, sizeof(sh), MSG_NOSIGNAL);
		} else {
			static const uint8_t alert[] = { 21, 3, 1, 0, 2, 2, 70 };

			(void)send(fd, alert, sizeof(alert), MSG_NOSIGNAL);
		}
		break;
	}
	}
}

static void *
fake_main(void *arg)
{
	struct fake *f = arg;

	while (!atomic_load(&f->stop)) {
		struct pollfd p = { .fd = f->lfd, .events = POLLIN };
		int fd;

		if (poll(&p, 1, 20) != 1)
			continue;
		if ((fd = accept(f->lfd, NULL, NULL)) < 0)
			continue;
		atomic_fetch_add(&f->conns, 1);
		fake_serve(f, fd);
		close(fd);
	}
	return NULL;
}

static void
fake_start(struct fake *f, enum fake_mode mode)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int one = 1;

	memset(f, 0, sizeof(*f));
	f->mode = mode;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(f->lfd >= 0);
	setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->lfd, 16), 0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&sa, &len), 0);
	f->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void
fake_stop(struct fake *f)
{
	atomic_store(&f->stop, true);
	pthread_join(f->th, NULL);
	close(f->lfd);
}

static void
test_garbage(void **state)
{
	struct fake f;
	struct tls_report r;

	(void)state;
	fake_start(&f, FAKE_GARBAGE);
	probe(&f.port, "localhost", NULL, 1000, 0, 0, &r);
	dump("garbage", &r);
	assert_false(r.available);
	assert_true(strstr(r.why, "TLS 1.3: ") == r.why);
	assert_int_equal(r.handshakes, 5);
	assert_int_equal(r.nchain, 0);
	tls_report_clear(&r);
	fake_stop(&f);
}

static void
test_reset(void **state)
{
	struct fake f;
	struct tls_report r;

	(void)state;
	fake_start(&f, FAKE_RESET);
	probe(&f.port, NULL, NULL, 1000, 0, 0, &r);
	dump("reset", &r);
	assert_false(r.available);
	assert_true(strstr(r.why, "reset") != NULL);
	assert_int_equal(r.handshakes, 5);
	tls_report_clear(&r);
	fake_stop(&f);
}

static void
test_silent_deadline(void **state)
{
	struct fake f;
	struct tls_report r;
	int64_t t0;

	(void)state;
	fake_start(&f, FAKE_SILENT);
	t0 = clock_mono_ms();
	probe(&f.port, "localhost", NULL, 200, clock_mono_ms() + 500, 0, &r);
	dump("silent", &r);
	assert_false(r.available);
	assert_true(strstr(r.why, "time-out") != NULL);
	assert_true(r.partial);
	assert_true(strstr(r.partial_why, "deadline") != NULL);
	assert_true(clock_mono_ms() - t0 < 800);
	tls_report_clear(&r);
	fake_stop(&f);
}

static void
test_ssl3_3des(void **state)
{
	struct fake f;
	struct tls_report r;

	(void)state;
	fake_start(&f, FAKE_LEGACY);
	probe(&f.port, "localhost", NULL, 1000, 0, 0, &r);
	dump("ssl3+3des", &r);
	assert_true(r.available);
	assert_int_equal(r.nversions, 2);
	assert_int_equal(r.versions[0], TLS_V10);
	assert_int_equal(r.versions[1], TLS_SSL3);
	assert_true(r.version_tried[4]);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(r.per_version[i].nsuites, 1);
		assert_int_equal(r.per_version[i].suites[0], 0x000a);
		assert_int_equal(r.per_version[i].server_order, -1);
	}
	assert_int_equal(r.compression, 0);
	assert_int_equal(r.secure_reneg, 0);
	assert_int_equal(r.ems, 0);
	assert_int_equal(r.nchain, 0);
	tls_report_clear(&r);
	fake_stop(&f);
}

static void
test_refused(void **state)
{
	struct tls_report r;
	uint16_t port = free_port();      /* nothing listens there */

	(void)state;
	probe(&port, "localhost", NULL, 1000, 0, 0, &r);
	assert_false(r.available);
	assert_true(r.partial);
	assert_int_equal(r.handshakes, 1);
	assert_true(strstr(r.why, "connect: ") == r.why);
	tls_report_clear(&r);
	{
		struct tls_target t = { .connect = NULL };

		assert_int_equal(tls_probe(&t, &r), PEIL_EINVAL);
		tls_report_clear(&r);
	}
}

/* ---- OCSP stapling: responses built with OpenSSL's API ---- */

/* A CA, a leaf it issued (localhost), another leaf, a delegated responder, a stranger CA. */
struct pki {
	EVP_PKEY *cakey, *leafkey, *otherkey, *respkey, *strangerkey;
	X509 *ca, *leaf, *other, *resp, *noeku, *stranger;
	uint8_t *leafder, *cader;
	size_t leaflen, calen;
	char cafile[128];
};

static void
ext_add(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ex;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(ex);
	assert_int_equal(X509_add_ext(x, ex, -1), 1);
	X509_EXTENSION_free(ex);
}

enum cert_kind { CERT_CA, CERT_LEAF, CERT_OCSP, CERT_PLAIN };

static X509 *
mkcert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, enum cert_kind kind,
    long serial)
{
	X509 *x = X509_new();
	X509_NAME *n;

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 2 * 86400);
	X509_set_pubkey(x, key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : n);
	ext_add(x, issuer != NULL ? issuer : x, NID_subject_key_identifier, "hash");
	ext_add(x, issuer != NULL ? issuer : x, NID_authority_key_identifier, "keyid");
	switch (kind) {
	case CERT_CA:
		ext_add(x, x, NID_basic_constraints, "critical,CA:TRUE");
		ext_add(x, x, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
		break;
	case CERT_LEAF:
		ext_add(x, issuer, NID_basic_constraints, "CA:FALSE");
		ext_add(x, issuer, NID_subject_alt_name, "DNS:localhost");
		ext_add(x, issuer, NID_ext_key_usage, "serverAuth");
		break;
	case CERT_OCSP:
		ext_add(x, issuer, NID_basic_constraints, "CA:FALSE");
		ext_add(x, issuer, NID_ext_key_usage, "OCSPSigning");
		break;
	case CERT_PLAIN:
		ext_add(x, issuer, NID_basic_constraints, "CA:FALSE");
		break;
	}
	assert_true(X509_sign(x, issuer != NULL ? ikey : key, EVP_sha256()) > 0);
	return x;
}

static EVP_PKEY *
eckey(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	assert_non_null(k);
	return k;
}

static size_t
der_of(X509 *x, uint8_t **out)
{
	int n = i2d_X509(x, NULL);
	uint8_t *p;

	assert_true(n > 0);
	*out = malloc((size_t)n);
	assert_non_null(*out);
	p = *out;
	assert_int_equal(i2d_X509(x, &p), n);
	return (size_t)n;
}

static void
pem_write(const char *name, X509 *x, EVP_PKEY *k)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.pem", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	if (k == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s.key", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
}

static void
pki_make(struct pki *k)
{
	memset(k, 0, sizeof(*k));
	k->cakey = eckey();
	k->leafkey = eckey();
	k->otherkey = eckey();
	k->respkey = eckey();
	k->strangerkey = eckey();
	k->ca = mkcert("peil test CA", k->cakey, NULL, NULL, CERT_CA, 1);
	k->leaf = mkcert("localhost", k->leafkey, k->ca, k->cakey, CERT_LEAF, 2);
	k->other = mkcert("localhost", k->otherkey, k->ca, k->cakey, CERT_LEAF, 3);
	k->resp = mkcert("peil test OCSP", k->respkey, k->ca, k->cakey, CERT_OCSP, 4);
	k->noeku = mkcert("peil test no EKU", k->respkey, k->ca, k->cakey, CERT_PLAIN, 5);
	k->stranger = mkcert("stranger CA", k->strangerkey, NULL, NULL, CERT_CA, 6);
	k->leaflen = der_of(k->leaf, &k->leafder);
	k->calen = der_of(k->ca, &k->cader);
	pem_write("ocspca", k->ca, NULL);
	pem_write("ocspleaf", k->leaf, k->leafkey);
	snprintf(k->cafile, sizeof(k->cafile), "%s/ocspca.pem", dir);
}

static void
pki_free(struct pki *k)
{
	EVP_PKEY_free(k->cakey);
	EVP_PKEY_free(k->leafkey);
	EVP_PKEY_free(k->otherkey);
	EVP_PKEY_free(k->respkey);
	EVP_PKEY_free(k->strangerkey);
	X509_free(k->ca);
	X509_free(k->leaf);
	X509_free(k->other);
	X509_free(k->resp);
	X509_free(k->noeku);
	X509_free(k->stranger);
	free(k->leafder);
	free(k->cader);
}

/* A DER OCSPResponse about subject (issued by issuer), signed by signer/skey; times in
 * seconds from now; flags as OCSP_basic_sign's. *len set; the caller frees. */
static uint8_t *
mkocsp(size_t *len, X509 *subject, X509 *issuer, X509 *signer, EVP_PKEY *skey, int status,
    long this_off, long next_off, int respstatus, unsigned long flags)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, subject, issuer);
	ASN1_TIME *thisupd = X509_gmtime_adj(NULL, this_off);
	ASN1_TIME *nextupd = X509_gmtime_adj(NULL, next_off);
	ASN1_TIME *rev = X509_gmtime_adj(NULL, -7200);
	OCSP_RESPONSE *or;
	uint8_t *out, *p;
	int n;

	assert_non_null(bs);
	assert_non_null(id);
	assert_non_null(OCSP_basic_add1_status(bs, id, status,
	    status == V_OCSP_CERTSTATUS_REVOKED ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : 0,
	    status == V_OCSP_CERTSTATUS_REVOKED ? rev : NULL, thisupd, nextupd));
	assert_int_equal(OCSP_basic_sign(bs, signer, skey, EVP_sha256(), NULL, flags), 1);
	or = OCSP_response_create(respstatus,
	    respstatus == OCSP_RESPONSE_STATUS_SUCCESSFUL ? bs : NULL);
	assert_non_null(or);
	n = i2d_OCSP_RESPONSE(or, NULL);
	assert_true(n > 0);
	out = malloc((size_t)n);
	assert_non_null(out);
	p = out;
	assert_int_equal(i2d_OCSP_RESPONSE(or, &p), n);
	*len = (size_t)n;
	OCSP_RESPONSE_free(or);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(thisupd);
	ASN1_TIME_free(nextupd);
	ASN1_TIME_free(rev);
	return out;
}

/* The verdict on resp for the chain [leaf] or [leaf, CA]; why copied to whyout. */
static int
judge(const struct pki *k, const uint8_t *resp, size_t len, bool with_ca, char *whyout)
{
	uint8_t *chain[2] = { k->leafder, k->cader };
	size_t lens[2] = { k->leaflen, k->calen };
	int valid = 7;
	char why[128];

	assert_int_equal(tls_ocsp_judge(resp, len, chain, lens, with_ca ? 2 : 1, k->cafile, &valid,
	    why, sizeof(why)), 0);
	printf("#  ocsp: valid %d why '%s'\n", valid, why);
	snprintf(whyout, 128, "%s", why);
	return valid;
}

static void
test_ocsp_judge(void **state)
{
	const long day = 86400;
	struct pki k;
	uint8_t *r, *big;
	uint8_t *chain[1];
	size_t n, lens[1];
	char why[128];
	int valid;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	pki_make(&k);

	/* Good: signed by the issuer (found in the CA file), then by a delegated responder. */
	r = mkocsp(&n, k.leaf, k.ca, k.ca, k.cakey, V_OCSP_CERTSTATUS_GOOD, -60, day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	assert_int_equal(judge(&k, r, n, false, why), 1);
	assert_string_equal(why, "good");
	assert_int_equal(judge(&k, r, n, true, why), 1);
	/* The same bytes and one more: trailing data; cut short: not DER. */
	big = malloc(n + 1);
	memcpy(big, r, n);
	big[n] = 0;
	assert_int_equal(judge(&k, big, n + 1, false, why), 0);
	assert_non_null(strstr(why, "after the OCSPResponse"));
	assert_int_equal(judge(&k, r, n - 1, false, why), 0);
	assert_non_null(strstr(why, "not an OCSPResponse"));
	free(big);
	free(r);
	r = mkocsp(&n, k.leaf, k.ca, k.resp, k.respkey, V_OCSP_CERTSTATUS_GOOD, -60, day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	assert_int_equal(judge(&k, r, n, false, why), 1);
	free(r);

	/* Revoked; status unknown. */
	r = mkocsp(&n, k.leaf, k.ca, k.ca, k.cakey, V_OCSP_CERTSTATUS_REVOKED, -60, day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	assert_int_equal(judge(&k, r, n, false, why), 0);
	assert_non_null(strstr(why, "revoked"));
	free(r);
	r = mkocsp(&n, k.leaf, k.ca, k.ca, k.cakey, V_OCSP_CERTSTATUS_UNKNOWN, -60, day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	assert_int_equal(judge(&k, r, n, false, why), 0);
	assert_non_null(strstr(why, "unknown"));
	free(r);

	/* Expired (nextUpdate a day ago), not yet valid (thisUpdate tomorrow). */
	r = mkocsp(&n, k.leaf, k.ca, k.ca, k.cakey, V_OCSP_CERTSTATUS_GOOD, -2 * day, -day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	assert_int_equal(judge(&k, r, n, false, why), 0);
	assert_non_null(strstr(why, "thisUpdate/nextUpdate"));
	free(r);
	r = mkocsp(&n, k.leaf, k.ca, k.ca, k.cakey, V_OCSP_CERTSTATUS_GOOD, day, 2 * day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	assert_int_equal(judge(&k, r, n, false, why), 0);
	assert_non_null(strstr(why, "thisUpdate/nextUpdate"));
	free(r);

	/* About another certificate of the same CA. */
	r = mkocsp(&n, k.other, k.ca, k.ca, k.cakey, V_OCSP_CERTSTATUS_GOOD, -60, day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	assert_int_equal(judge(&k, r, n, false, why), 0);
	assert_non_null(strstr(why, "no SingleResponse"));
	free(r);

	/* A bad signature: the last byte of the signature (no certificates after it) flipped. */
	r = mkocsp(&n, k.leaf, k.ca, k.ca, k.cakey, V_OCSP_CERTSTATUS_GOOD, -60, day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, OCSP_NOCERTS);
	assert_int_equal(judge(&k, r, n, true, why), 1);
	r[n - 1] ^= 0x01;
	assert_int_equal(judge(&k, r, n, true, why), 0);
	assert_non_null(strstr(why, "signature"));
	free(r);

	/* Signed by a stranger, by a certificate of the CA without the OCSPSigning purpose. */
	r = mkocsp(&n, k.leaf, k.ca, k.stranger, k.strangerkey, V_OCSP_CERTSTATUS_GOOD, -60, day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	assert_int_equal(judge(&k, r, n, false, why), 0);
	assert_non_null(strstr(why, "signature"));
	free(r);
	r = mkocsp(&n, k.leaf, k.ca, k.noeku, k.respkey, V_OCSP_CERTSTATUS_GOOD, -60, day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	assert_int_equal(judge(&k, r, n, false, why), 0);
	free(r);

	/* Not successful (tryLater), garbage, empty, too big. */
	r = mkocsp(&n, k.leaf, k.ca, k.ca, k.cakey, V_OCSP_CERTSTATUS_GOOD, -60, day,
	    OCSP_RESPONSE_STATUS_TRYLATER, 0);
	assert_int_equal(judge(&k, r, n, false, why), 0);
	assert_non_null(strstr(why, "responseStatus 3"));
	free(r);
	assert_int_equal(judge(&k, (const uint8_t *)"\x30\x03\x0a\x01\x00garbage", 12, false, why), 0);
	assert_int_equal(judge(&k, (const uint8_t *)"HTTP/1.1 200 OK\r\n", 17, false, why), 0);
	assert_non_null(strstr(why, "not an OCSPResponse"));
	assert_int_equal(judge(&k, (const uint8_t *)"", 0, false, why), 0);
	big = calloc(1, MAX_TLS_OCSP_BYTES + 1);
	assert_int_equal(judge(&k, big, MAX_TLS_OCSP_BYTES + 1, false, why), 0);
	assert_non_null(strstr(why, "not judged"));
	free(big);

	/* No chain; an unreadable leaf. */
	assert_int_equal(tls_ocsp_judge((const uint8_t *)"x", 1, NULL, NULL, 0, NULL, &valid, why,
	    sizeof(why)), PEIL_EINVAL);
	chain[0] = (uint8_t *)"\x30\x00";
	lens[0] = 2;
	assert_int_equal(tls_ocsp_judge((const uint8_t *)"x", 1, chain, lens, 1, k.cafile, &valid,
	    why, sizeof(why)), 0);
	assert_int_equal(valid, -1);
	pki_free(&k);
}

static void
test_ocsp_stapled(void **state)
{
	const long day = 86400;
	struct sserver s;
	struct tls_report r;
	struct pki k;
	char path[160];
	uint8_t *resp;
	size_t n;
	FILE *f;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");
	pki_make(&k);
	resp = mkocsp(&n, k.leaf, k.ca, k.ca, k.cakey, V_OCSP_CERTSTATUS_GOOD, -60, day,
	    OCSP_RESPONSE_STATUS_SUCCESSFUL, 0);
	snprintf(path, sizeof(path), "%s/ocsp-good.der", dir);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(resp, 1, n, f), n);
	fclose(f);
	free(resp);

	/* TLS 1.2 and 1.3: both carry the staple (CertificateStatus, Certificate extension). */
	for (int v = 0; v < 2; v++) {
		sserver_start(&s, "ocspleaf", v == 0 ? "-tls1_3" : "-tls1_2", "-status_file", path, NULL);
		probe(&s.port, "localhost", k.cafile, 3000, 0, 0, &r);
		dump("ocsp stapled", &r);
		printf("#  ocsp: stapled %d valid %d '%s'\n", r.ocsp_stapled, r.ocsp_valid, r.ocsp_why);
		assert_true(r.available);
		assert_true(r.trusted);
		assert_int_equal(r.ocsp_stapled, 1);
		assert_int_equal(r.ocsp_valid, 1);
		assert_string_equal(r.ocsp_why, "good");
		tls_report_clear(&r);
		sserver_stop(&s);
	}

	/* The same response, judged against another CA file: its signer is not trusted. */
	sserver_start(&s, "ocspleaf", "-status_file", path, NULL);
	snprintf(path, sizeof(path), "%s/rsa.pem", dir);
	probe(&s.port, "localhost", path, 3000, 0, 0, &r);
	assert_int_equal(r.ocsp_stapled, 1);
	assert_int_equal(r.ocsp_valid, 0);
	assert_false(r.trusted);
	tls_report_clear(&r);
	sserver_stop(&s);
	pki_free(&k);
}

/* ---- 0-RTT: an in-process TLS 1.3 server (OpenSSL) ---- */

enum ed_mode {
	ED_ACCEPT,        /* tickets allow early data; it is read and answered */
	ED_REJECT,        /* tickets allow early data, but the server never reads it: rejected */
	ED_NO_EARLY,      /* tickets without early data */
	ED_NO_TICKET,     /* no tickets at all */
};

struct edsrv {
	int lfd;
	uint16_t port;
	enum ed_mode mode;
	SSL_CTX *ctx;
	atomic_bool stop;
	atomic_int early_bytes;
	atomic_int conns;
	atomic_int started;
	atomic_int active;
	pthread_t th;
};

static void
ed_serve(struct edsrv *s, int fd)
{
	static const char reply[] = "HTTP/1.1 200 OK (early)\r\nContent-Length: 0\r\n\r\n";
	struct timeval tv = { 3, 0 };      /* over the engine's ticket wait: a slow machine */
	SSL *ssl = SSL_new(s->ctx);
	char buf[512];
	size_t n = 0;
	int total = 0;

	if (ssl == NULL)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	SSL_set_fd(ssl, fd);
	if (s->mode == ED_ACCEPT) {
		for (int i = 0; i < 100; i++) {
			int r = SSL_read_early_data(ssl, buf, sizeof(buf), &n);

			if (r == SSL_READ_EARLY_DATA_ERROR)
				goto out;
			total += (int)n;
			if (r == SSL_READ_EARLY_DATA_FINISH)
				break;
		}
	}
	if (SSL_accept(ssl) != 1)
		goto out;
	if (total > 0 && SSL_get_early_data_status(ssl) == SSL_EARLY_DATA_ACCEPTED) {
		atomic_fetch_add(&s->early_bytes, total);
		(void)SSL_write(ssl, reply, (int)sizeof(reply) - 1);
	}
	/* Until the client closes (or 3 s of silence). */
	while (SSL_read(ssl, buf, sizeof(buf)) > 0)
		;
	if ((SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN) != 0)
		(void)SSL_shutdown(ssl);
out:
	SSL_free(ssl);
}

struct edconn {
	struct edsrv *s;
	int fd;
};

/* One connection per thread: a client never waits for another's. */
static void *
ed_conn(void *arg)
{
	struct edconn c = *(struct edconn *)arg;

	atomic_fetch_add(&c.s->started, 1);
	ed_serve(c.s, c.fd);
	close(c.fd);
	atomic_fetch_sub(&c.s->active, 1);
	return NULL;
}

static void *
ed_main(void *arg)
{
	struct edsrv *s = arg;
	pthread_t th;

	while (!atomic_load(&s->stop)) {
		struct pollfd p = { .fd = s->lfd, .events = POLLIN };
		struct edconn ec;
		int fd;

		if (poll(&p, 1, 20) != 1)
			continue;
		if ((fd = accept(s->lfd, NULL, NULL)) < 0)
			continue;
		atomic_fetch_add(&s->conns, 1);
		atomic_fetch_add(&s->active, 1);
		/* Alive until the thread has copied it (below): a compound literal in the if's
		 * condition would end with the if statement. */
		ec = (struct edconn){ s, fd };
		if (pthread_create(&th, NULL, ed_conn, &ec) != 0) {
			atomic_fetch_sub(&s->active, 1);
			close(fd);
			continue;
		}
		pthread_detach(th);
		/* The thread copies its argument before this loop goes on. */
		while (atomic_load(&s->started) != atomic_load(&s->conns))
			usleep(100);
	}
	return NULL;
}

static void
ed_start(struct edsrv *s, enum ed_mode mode)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	char crt[128], key[128];

	memset(s, 0, sizeof(*s));
	s->mode = mode;
	snprintf(crt, sizeof(crt), "%s/ec.pem", dir);
	snprintf(key, sizeof(key), "%s/ec.key", dir);
	assert_non_null(s->ctx = SSL_CTX_new(TLS_server_method()));
	assert_int_equal(SSL_CTX_set_min_proto_version(s->ctx, TLS1_3_VERSION), 1);
	assert_int_equal(SSL_CTX_use_certificate_file(s->ctx, crt, SSL_FILETYPE_PEM), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey_file(s->ctx, key, SSL_FILETYPE_PEM), 1);
	assert_int_equal(SSL_CTX_set_max_early_data(s->ctx,
	    mode == ED_ACCEPT || mode == ED_REJECT ? 16384 : 0), 1);
	if (mode == ED_NO_TICKET)
		assert_int_equal(SSL_CTX_set_num_tickets(s->ctx, 0), 1);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &len), 0);
	s->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&s->th, NULL, ed_main, s), 0);
}

static void
ed_stop(struct edsrv *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->th, NULL);
	for (int i = 0; i < 300 && atomic_load(&s->active) > 0; i++)
		usleep(10000);
	assert_int_equal(atomic_load(&s->active), 0);
	close(s->lfd);
	SSL_CTX_free(s->ctx);
}

static void
probe_early(uint16_t *port, const char *early, unsigned maxhs, unsigned lanes,
    struct tls_report *r)
{
	struct tls_target t = {
		.connect = cb_connect, .arg = port, .sni = "mx.example.org", .handshake_ms = 3000,
		.max_handshakes = maxhs, .early_data = (const uint8_t *)early,
		.early_len = early != NULL ? strlen(early) : 0, .lanes = lanes,
	};

	assert_int_equal(tls_probe(&t, r), 0);
	printf("#  0-RTT: early_data %d why '%s' reply '%s' hs %u ms %u\n", r->early_data,
	    r->early_why, r->early_reply, r->handshakes, r->ms);
}

static void
test_early_data(void **state)
{
	static const char get[] = "GET / HTTP/1.1\r\nHost: mx.example.org\r\n\r\n";
	struct edsrv s;
	struct sserver ss;
	struct tls_report r, two;
	unsigned without;

	(void)state;
	if (!have_openssl)
		SKIP_OR_FAIL("openssl (the command) not found");

	/* Accepted: one more connection than without 0-RTT, the answer's first line kept. */
	ed_start(&s, ED_ACCEPT);
	probe_early(&s.port, NULL, 0, 1, &r);
	assert_true(r.available);
	assert_int_equal(r.early_data, -1);
	assert_string_equal(r.early_why, "");
	without = r.handshakes;
	tls_report_clear(&r);
	probe_early(&s.port, get, 0, 1, &r);
	assert_true(r.available);
	assert_int_equal(r.early_data, 1);
	assert_string_equal(r.early_reply, "HTTP/1.1 200 OK (early)");
	assert_int_equal(atomic_load(&s.early_bytes), (int)strlen(get));
	assert_int_equal(r.handshakes, without + 1);
	assert_false(r.partial);
	/* On two lanes the resumption goes to the lane free first: the same report. */
	atomic_store(&s.early_bytes, 0);
	probe_early(&s.port, get, 0, 2, &two);
	assert_same_report(&r, &two);
	assert_string_equal(r.early_why, two.early_why);
	assert_string_equal(r.early_reply, two.early_reply);
	assert_string_equal(r.why, two.why);
	assert_int_equal(atomic_load(&s.early_bytes), (int)strlen(get));
	tls_report_clear(&two);
	tls_report_clear(&r);
	/* A budget spent by the TLS 1.3 try: the resumption is not made, 0-RTT unknown. */
	for (unsigned lanes = 1; lanes <= 2; lanes++) {
		probe_early(&s.port, get, 1, lanes, &r);
		assert_int_equal(r.handshakes, 1);
		assert_int_equal(r.early_data, -1);
		assert_true(r.partial);
		tls_report_clear(&r);
	}
	ed_stop(&s);

	/* Rejected although the ticket allowed it. */
	ed_start(&s, ED_REJECT);
	probe_early(&s.port, get, 0, 1, &r);
	assert_int_equal(r.early_data, 0);
	assert_non_null(strstr(r.early_why, "rejected"));
	assert_string_equal(r.early_reply, "");
	assert_int_equal(atomic_load(&s.early_bytes), 0);
	tls_report_clear(&r);
	ed_stop(&s);

	/* Tickets without early data; no tickets: no resumption tried. */
	ed_start(&s, ED_NO_EARLY);
	probe_early(&s.port, NULL, 0, 1, &r);
	without = r.handshakes;
	tls_report_clear(&r);
	probe_early(&s.port, get, 0, 1, &r);
	assert_int_equal(r.early_data, 0);
	assert_non_null(strstr(r.early_why, "no ticket allowing early data"));
	assert_int_equal(r.handshakes, without);
	tls_report_clear(&r);
	ed_stop(&s);
	ed_start(&s, ED_NO_TICKET);
	probe_early(&s.port, get, 0, 1, &r);
	assert_int_equal(r.early_data, 0);
	assert_non_null(strstr(r.early_why, "no session ticket"));
	assert_true(r.ms < 2000 + 1500);
	tls_report_clear(&r);
	ed_stop(&s);

	/* No TLS 1.3: not tried. */
	sserver_start(&ss, "rsa", "-tls1_2", NULL);
	probe_early(&ss.port, get, 0, 1, &r);
	assert_true(r.available);
	assert_int_equal(r.early_data, -1);
	tls_report_clear(&r);
	sserver_stop(&ss);
}

/* ---- the ServerHello parser and the ClientHello builder ---- */

static size_t
hello_bytes(uint8_t *out, uint16_t version, uint16_t suite, uint8_t comp, const uint8_t *ext,
    size_t extlen)
{
	size_t body = 2 + 32 + 1 + 2 + 1 + (ext != NULL ? 2 + extlen : 0);
	uint8_t *p = out;

	*p++ = 22; *p++ = 3; *p++ = 3;
	*p++ = (uint8_t)((body + 4) >> 8); *p++ = (uint8_t)(body + 4);
	*p++ = 2; *p++ = 0; *p++ = (uint8_t)(body >> 8); *p++ = (uint8_t)body;
	*p++ = (uint8_t)(version >> 8); *p++ = (uint8_t)version;
	memset(p, 7, 32); p += 32;
	*p++ = 0;
	*p++ = (uint8_t)(suite >> 8); *p++ = (uint8_t)suite;
	*p++ = comp;
	if (ext != NULL) {
		*p++ = (uint8_t)(extlen >> 8); *p++ = (uint8_t)extlen;
		memcpy(p, ext, extlen); p += extlen;
	}
	return (size_t)(p - out);
}

static void
test_server_hello_parse(void **state)
{
	static const uint8_t ext[] = { 0xff, 0x01, 0, 1, 0, 0, 23, 0, 0, 0, 43, 0, 2, 3, 4 };
	static const uint8_t badext[] = { 0xff, 0x01, 0, 9, 0 };
	static const uint8_t alert[] = { 21, 3, 3, 0, 2, 2, 40 };
	static const uint8_t junk[] = "HTTP/1.1 400 Bad Request\r\n";
	uint8_t b[512], split[600];
	struct tls_hello h;
	size_t n;

	(void)state;
	n = hello_bytes(b, 0x0303, 0xc02f, 1, NULL, 0);
	assert_int_equal(tls_server_hello_parse(b, n, &h), 0);
	assert_int_equal(h.version, 0x0303);
	assert_int_equal(h.suite, 0xc02f);
	assert_int_equal(h.compression, 1);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(tls_server_hello_parse(b, i, &h), PEIL_EAGAIN);

	n = hello_bytes(b, 0x0303, 0x1301, 0, ext, sizeof(ext));
	assert_int_equal(tls_server_hello_parse(b, n, &h), 0);
	assert_int_equal(h.version, 0x0304);
	assert_true(h.reneg_info);
	assert_true(h.ems);
	n = hello_bytes(b, 0x0303, 0x1301, 0, badext, sizeof(badext));
	assert_int_equal(tls_server_hello_parse(b, n, &h), PEIL_EINVAL);

	/* The same hello split over two records: header+10 bytes, then the rest. */
	n = hello_bytes(b, 0x0301, 0x002f, 0, NULL, 0);
	memcpy(split, b, 5 + 10);
	split[3] = 0;
	split[4] = 10;
	split[15] = 22; split[16] = 3; split[17] = 1;
	split[18] = (uint8_t)((n - 15) >> 8);
	split[19] = (uint8_t)(n - 15);
	memcpy(split + 20, b + 15, n - 15);
	assert_int_equal(tls_server_hello_parse(split, n + 5, &h), 0);
	assert_int_equal(h.suite, 0x002f);
	assert_int_equal(tls_server_hello_parse(split, n + 4, &h), PEIL_EAGAIN);

	assert_int_equal(tls_server_hello_parse(alert, sizeof(alert), &h), PEIL_ENOENT);
	assert_int_equal(h.alert, 40);
	assert_int_equal(tls_server_hello_parse(junk, sizeof(junk) - 1, &h), PEIL_EINVAL);
	/* Another handshake message first, a zero-length record, a session id over 32. */
	n = hello_bytes(b, 0x0303, 0xc02f, 0, NULL, 0);
	b[5] = 11;
	assert_int_equal(tls_server_hello_parse(b, n, &h), PEIL_EINVAL);
	b[5] = 2;
	b[43] = 33;
	assert_int_equal(tls_server_hello_parse(b, n, &h), PEIL_EINVAL);
	b[3] = 0; b[4] = 0;
	assert_int_equal(tls_server_hello_parse(b, n, &h), PEIL_EINVAL);
	/* A message length past MAX_TLS_HELLO_BYTES. */
	n = hello_bytes(b, 0x0303, 0xc02f, 0, NULL, 0);
	b[6] = 0x01;
	assert_int_equal(tls_server_hello_parse(b, n, &h), PEIL_ETOOBIG);
}

/* The records a first-flight try gives OpenSSL one at a time (untrusted lengths). */
static void
test_record_feed(void **state)
{
	uint8_t b[64];
	size_t n;

	(void)state;
	memset(b, 0xab, sizeof(b));
	/* A ServerHello record of 10 bytes, then the start of the next. */
	n = hello_bytes(b, 0x0303, 0xc02f, 0, NULL, 0);
	assert_true(n <= sizeof(b));
	b[0] = 22; b[1] = 3; b[2] = 3; b[3] = 0; b[4] = 10;
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(tls_record_feed(b, i, true, 100), 0);
		assert_int_equal(tls_record_feed(b, i, false, 100), 0);
	}
	for (size_t i = 5; i < 15; i++) {
		assert_int_equal(tls_record_feed(b, i, true, 100), 0);     /* incomplete: wait */
		assert_int_equal(tls_record_feed(b, i, false, 100), i);    /* all there is */
	}
	assert_int_equal(tls_record_feed(b, 15, true, 100), 15);
	assert_int_equal(tls_record_feed(b, 40, true, 100), 15);       /* only the first record */
	assert_int_equal(tls_record_feed(b, 40, false, 100), 40);
	/* A length longer than the buffer: everything goes, OpenSSL judges it. */
	b[3] = 0xff; b[4] = 0xff;
	assert_int_equal(tls_record_feed(b, 7, true, 100), 7);
	assert_int_equal(tls_record_feed(b, 7, true, 5 + 0xffff), 0);
	assert_int_equal(tls_record_feed(b, 7, true, 5 + 0xfffe), 7);
	/* A zero-length record is a record (OpenSSL refuses it). */
	b[3] = 0; b[4] = 0;
	assert_int_equal(tls_record_feed(b, 5, true, 100), 5);
	assert_int_equal(tls_record_feed(b, 9, true, 100), 5);
	/* Not TLS at all (an SMTP reply): the length read (" 5", 0x2035) is nonsense, over max:
	 * everything goes to OpenSSL, which refuses it. */
	memcpy(b, "554 5.7.0 go away\r\n", 19);
	assert_int_equal(tls_record_feed(b, 19, true, 100), 19);
}

static void
test_client_hello_build(void **state)
{
	static const uint16_t suites[] = { 0xc02f, 0x002f };
	uint8_t out[1024];
	size_t n;

	(void)state;
	assert_int_equal(tls_client_hello_build(TLS_V12, suites, 2, true, "mx.example.org", out,
	    sizeof(out), &n), 0);
	assert_int_equal(out[0], 22);
	assert_int_equal((size_t)(out[3] << 8 | out[4]), n - 5);
	assert_int_equal(out[5], 1);
	assert_int_equal((size_t)(out[6] << 16 | out[7] << 8 | out[8]), n - 9);
	assert_int_equal(out[9] << 8 | out[10], TLS_V12);
	assert_non_null(memmem(out, n, "mx.example.org", 14));
	assert_int_equal(tls_client_hello_build(TLS_SSL3, suites, 2, false, "x", out, sizeof(out),
	    &n), 0);
	assert_int_equal(n, 5 + 4 + 2 + 32 + 1 + 2 + 4 + 2);
	assert_int_equal(tls_client_hello_build(TLS_V13, suites, 2, false, NULL, out, sizeof(out),
	    &n), PEIL_EINVAL);
	assert_int_equal(tls_client_hello_build(TLS_V12, suites, 0, false, NULL, out, sizeof(out),
	    &n), PEIL_EINVAL);
	assert_int_equal(tls_client_hello_build(TLS_V12, suites, 2, false, NULL, out, 40, &n),
	    PEIL_ETOOBIG);
	assert_string_equal(tls_suite_name(0xc02f), "ECDHE-RSA-AES128-GCM-SHA256");
	assert_string_equal(tls_suite_name(0x1301), "TLS_AES_128_GCM_SHA256");
	assert_null(tls_suite_name(0xfefe));
}

/* tls_client_hello13_build's hello (RFC 8446 4.1.2: supported_versions 1.3 only, an empty
 * key_share) and a HelloRetryRequest's selected_group read back by tls_server_hello_parse
 * (4.1.4, 4.2.8); a real server answering it is in test_tls13_ec and test_flight_same. */
static void
test_hello13(void **state)
{
	static const uint16_t suites[] = { 0x1302, 0x1301 }, groups[] = { 29, 256 };
	static const uint8_t hrr_random[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65,
		0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2,
		0xc8, 0xa8, 0x33, 0x9c };
	static const uint8_t vers[] = { 0, 43, 0, 3, 2, 3, 4 }, ks[] = { 0, 51, 0, 2, 0, 0 },
	    grp[] = { 0, 10, 0, 6, 0, 4, 0, 29, 1, 0 };
	uint8_t out[1024], b[128];
	struct tls_hello h;
	size_t n, k = 0;

	(void)state;
	assert_int_equal(tls_client_hello13_build(suites, 2, groups, 2, "www.example.org", out,
	    sizeof(out), &n), 0);
	assert_int_equal(out[0], 22);
	assert_int_equal((size_t)(out[3] << 8 | out[4]), n - 5);
	assert_int_equal((size_t)(out[6] << 16 | out[7] << 8 | out[8]), n - 9);
	assert_int_equal(out[9] << 8 | out[10], TLS_V12);
	assert_int_equal(out[43], 32);
	assert_int_equal(out[76] << 8 | out[77], 4);
	assert_int_equal(out[78] << 8 | out[79], 0x1302);
	assert_non_null(memmem(out, n, "www.example.org", 15));
	assert_non_null(memmem(out, n, vers, sizeof(vers)));
	assert_non_null(memmem(out, n, ks, sizeof(ks)));
	assert_non_null(memmem(out, n, grp, sizeof(grp)));
	assert_int_equal(tls_client_hello13_build(suites, 0, groups, 2, NULL, out, sizeof(out), &n),
	    PEIL_EINVAL);
	assert_int_equal(tls_client_hello13_build(suites, 2, groups, 0, NULL, out, sizeof(out), &n),
	    PEIL_EINVAL);
	assert_int_equal(tls_client_hello13_build(suites, 2, groups, 2, NULL, out, 60, &n),
	    PEIL_ETOOBIG);

	/* a HelloRetryRequest: TLS_AES_128_GCM_SHA256, selected_group ffdhe2048 */
	b[k++] = 22; b[k++] = 3; b[k++] = 3; k += 2;
	b[k++] = 2; k += 3;
	b[k++] = 3; b[k++] = 3;
	memcpy(b + k, hrr_random, 32);
	k += 32;
	b[k++] = 0;
	b[k++] = 0x13; b[k++] = 0x01; b[k++] = 0;
	b[k++] = 0; b[k++] = 12;
	b[k++] = 0; b[k++] = 43; b[k++] = 0; b[k++] = 2; b[k++] = 3; b[k++] = 4;
	b[k++] = 0; b[k++] = 51; b[k++] = 0; b[k++] = 2; b[k++] = 1; b[k++] = 0;
	b[3] = 0; b[4] = (uint8_t)(k - 5);
	b[6] = 0; b[7] = 0; b[8] = (uint8_t)(k - 9);
	assert_int_equal(tls_server_hello_parse(b, k, &h), 0);
	assert_true(h.hrr);
	assert_int_equal(h.version, TLS_V13);
	assert_int_equal(h.suite, 0x1301);
	assert_int_equal(h.group, 256);
	/* a selected_group of 3 bytes is malformed */
	b[k - 3] = 3;
	assert_int_equal(tls_server_hello_parse(b, k, &h), PEIL_EINVAL);
	b[k - 3] = 2;
	/* not a HelloRetryRequest: a key share of 2 bytes is malformed, a whole one is read */
	b[11] ^= 1;
	assert_int_equal(tls_server_hello_parse(b, k, &h), PEIL_EINVAL);
	b[k - 3] = 6; b[k++] = 0; b[k++] = 2; b[k++] = 0xaa; b[k++] = 0xbb;
	b[4] = (uint8_t)(k - 5); b[8] = (uint8_t)(k - 9); b[5 + 4 + 2 + 32 + 1 + 3 + 1] = 16;
	assert_int_equal(tls_server_hello_parse(b, k, &h), 0);
	assert_false(h.hrr);
	assert_int_equal(h.group, 256);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_hello_parse),
		cmocka_unit_test(test_client_hello_build),
		cmocka_unit_test(test_hello13),
		cmocka_unit_test(test_record_feed),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_silent_deadline),
		cmocka_unit_test(test_ssl3_3des),
		cmocka_unit_test(test_modern_rsa),
		cmocka_unit_test(test_tls12_client_order_reneg),
		cmocka_unit_test(test_tls13_ec),
		cmocka_unit_test(test_legacy_dhe),
		cmocka_unit_test(test_big_chain),
		cmocka_unit_test(test_ocsp_judge),
		cmocka_unit_test(test_ocsp_stapled),
		cmocka_unit_test(test_early_data),
		cmocka_unit_test(test_flight_same),
		cmocka_unit_test(test_lanes),
		cmocka_unit_test(test_lanes_start),
		cmocka_unit_test(test_lanes_late),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
