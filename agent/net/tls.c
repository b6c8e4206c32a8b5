/* tls.c: the TLS engine: OpenSSL 3 tries (full or first-flight), one at a time or on two lanes, hand-built ClientHellos for SSLv3, TLS 1.1/1.0, weak suites, compression, TLS 1.3 suites and groups. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "err.h"
#include "tls.h"

/* Outcomes of one try, besides PEIL_ENOMEM. */
enum {
	HS_OK = 0,        /* handshake done (or ServerHello read) */
	HS_FAIL = 1,      /* refused or broken: why says how */
	HS_STOP = 2,      /* no try made: deadline, budget or transport gone (e->stop set) */
};

#define REC_HANDSHAKE   22
#define REC_ALERT       21
#define HS_CLIENT_HELLO 1
#define HS_SERVER_HELLO 2
#define MAX_RECORD      (16384 + 2048)   /* TLSCiphertext.length at most */
#define HELLO_OUT_MAX   2048             /* our hand-built ClientHello */
#define HELLO_SUITES    512              /* suites one hand-built ClientHello offers at most */
#define FLIGHT_BUF      (5 + MAX_RECORD)  /* the server's bytes, a record at a time */

#define ALL12 "ALL:COMPLEMENTOFALL"
#define SECLEVEL0 "@SECLEVEL=0"

static const uint16_t versions[TLS_NVERSIONS] = { TLS_V13, TLS_V12, TLS_V11, TLS_V10, TLS_SSL3 };
static const char *const version_names[TLS_NVERSIONS] = {
	"TLS 1.3", "TLS 1.2", "TLS 1.1", "TLS 1.0", "SSLv3" };

/* TLS 1.3: every suite OpenSSL 3.0 implements. */
static const char *const suites13[] = {
	"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
	"TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256",
};
#define NSUITES13 (sizeof(suites13) / sizeof(suites13[0]))
static const uint16_t suites13_iana[NSUITES13] = { 0x1302, 0x1303, 0x1301, 0x1304, 0x1305 };

/* Key-exchange groups OpenSSL 3.0 can offer, with their IANA ids. */
struct group {
	const char *name;
	int nid;
	uint16_t iana;
	bool v13;           /* usable in TLS 1.3 */
	bool ec;            /* an ECDHE group (TLS <= 1.2) */
};

static const struct group groups_all[] = {
	{ "x25519", NID_X25519, 29, true, true },
	{ "secp256r1", NID_X9_62_prime256v1, 23, true, true },
	{ "x448", NID_X448, 30, true, true },
	{ "secp521r1", NID_secp521r1, 25, true, true },
	{ "secp384r1", NID_secp384r1, 24, true, true },
	{ "ffdhe2048", NID_ffdhe2048, 256, true, false },
	{ "ffdhe3072", NID_ffdhe3072, 257, true, false },
	{ "ffdhe4096", NID_ffdhe4096, 258, true, false },
	{ "ffdhe6144", NID_ffdhe6144, 259, true, false },
	{ "ffdhe8192", NID_ffdhe8192, 260, true, false },
	{ "brainpoolP256r1", NID_brainpoolP256r1, 26, false, true },
	{ "brainpoolP384r1", NID_brainpoolP384r1, 27, false, true },
	{ "brainpoolP512r1", NID_brainpoolP512r1, 28, false, true },
	{ "secp256k1", NID_secp256k1, 22, false, true },
	{ "secp224r1", NID_secp224r1, 21, false, true },
	{ "secp192r1", NID_X9_62_prime192v1, 19, false, true },
};
#define NGROUPS (sizeof(groups_all) / sizeof(groups_all[0]))

/* TLS 1.2 signature algorithms, grouped by hash: the unit of the hash enumeration. */
static const char *const sig_by_hash[] = {
	"RSA+SHA256:ECDSA+SHA256:rsa_pss_rsae_sha256:rsa_pss_pss_sha256:DSA+SHA256",
	"RSA+SHA384:ECDSA+SHA384:rsa_pss_rsae_sha384:rsa_pss_pss_sha384:DSA+SHA384",
	"RSA+SHA512:ECDSA+SHA512:rsa_pss_rsae_sha512:rsa_pss_pss_sha512:DSA+SHA512",
	"ed25519:ed448",
	"RSA+SHA224:ECDSA+SHA224:DSA+SHA224",
	"RSA+SHA1:ECDSA+SHA1:DSA+SHA1",
};
#define NSIGHASH (sizeof(sig_by_hash) / sizeof(sig_by_hash[0]))

/* Suites an SSLv3 server may pick: every SSLv3 suite in use, the SCSV last. */
static const uint16_t ssl3_suites[] = {
	0xc014, 0xc00a, 0x0039, 0x0038, 0x0035, 0xc013, 0xc009, 0x0033, 0x0032, 0x002f,
	0x0088, 0x0087, 0x0084, 0x0045, 0x0044, 0x0041, 0x0096, 0x0016, 0x0013, 0x000a,
	0xc011, 0xc007, 0x0005, 0x0004, 0x0007, 0x0015, 0x0012, 0x0009, 0x0014, 0x0011,
	0x0008, 0x0006, 0x0003, 0x003a, 0x0034, 0x001b, 0x0018, 0x0002, 0x0001, 0x00ff,
};
#define NSSL3 (sizeof(ssl3_suites) / sizeof(ssl3_suites[0]))

/* TLS <= 1.2 suites an OpenSSL 3 build may not implement (3DES, RC4, DES, export, IDEA,
 * SEED, static ECDH/DH): offered by hand-built hellos, those the build offers filtered out. */
static const uint16_t weak_suites[] = {
	0xc012, 0x0016, 0x0013, 0x000a, 0xc008, 0x0010, 0x000d, 0xc017, 0x001b, 0xc00d, 0xc003,
	0xc011, 0xc007, 0x0066, 0x0005, 0x0004, 0xc016, 0x0018, 0xc00c, 0xc002,
	0x0015, 0x0012, 0x0009, 0x001a, 0x0007, 0x009a, 0x0099, 0x0096, 0x009b,
	0x0064, 0x0063, 0x0062, 0x0065, 0x0014, 0x0011, 0x0008, 0x0006, 0x0003, 0x0019, 0x0017,
	0x000e, 0x000b,
	0xc00f, 0xc00e, 0xc005, 0xc004, 0xc032, 0xc031, 0xc02e, 0xc02d, 0xc02a, 0xc029, 0xc026,
	0xc025, 0x0037, 0x0036, 0x0031, 0x0030, 0x00a1, 0x00a0, 0x00a5, 0x00a4, 0x003f, 0x003e,
	0x0069, 0x0068,
};
#define NWEAK (sizeof(weak_suites) / sizeof(weak_suites[0]))

/* What the engine keeps of one accepted version besides the report's entry. */
struct found {
	const char *names[TLS_MAX_SUITES];  /* OpenSSL names (static storage) of the suites */
	int kx[TLS_MAX_SUITES];             /* NID_kx_* of each */
	int auth[TLS_MAX_SUITES];           /* NID_auth_* of each */
};

#define LANE_ITEMS (2 * TLS_NVERSIONS)   /* a version's item and the half it splits off */
#define RANK_TAIL  (2 * LANE_ITEMS)      /* eng.rank of step 5's item, merged last */
#define RANK_NONE  (2 * LANE_ITEMS + 1)  /* lanes.dh_rank: no copy knows the FFDH prime */

/* What the lanes of one tls_probe share (t->lanes > 1: start_run, then lanes_run, each with
 * its own): the handshake budget and
 * the stop, so that both stop when either does; the queue of items. Under lock, but for
 * split[vi], written before its half is queued and read-only from then on. */
struct lanes {
	pthread_mutex_t lock;
	pthread_cond_t done;                /* an item is done */
	unsigned hs;                        /* tries made by every lane, those before included */
	bool stop;
	char why[128];                      /* the first lane's stop, for the other's partial_why */
	int queue[LANE_ITEMS];              /* items by expected cost ... */
	size_t nqueue, next;                /* ... and the next one to take */
	struct lane_item *items;
	size_t nitems;
	bool refused;                       /* a lane's connect failed ... */
	bool connected;                     /* ... and one's succeeded (start_run: a server
	                                    * taking one connection at a time, not none) */
	int dh_rank;                        /* the lowest rank (eng.rank) of a copy that knows the
	                                    * FFDH prime; RANK_NONE none */
	bool queuing;                       /* start_run's own part runs: it may queue step 1b */
	struct lane_item *sigs;             /* step 5 (step 4 before it: tail_spawn) runs in this
	                                    * item; NULL not yet */
	const char *split[TLS_NVERSIONS][HELLO_SUITES]; /* a version's suites left to enumerate
	                                    * when suites_split cut them in two, OpenSSL's order */
	size_t nsplit[TLS_NVERSIONS];
};

struct eng {
	const struct tls_target *t;
	struct tls_report *r;
	struct lanes *ln;                   /* NULL: one lane (nothing shared) */
	bool half;                          /* a half's copy (suites_split): splits nothing */
	bool sigs_done;                     /* sigs_probe ran (on a lane) */
	bool groups_done;                   /* groups_probe ran (on a lane) */
	bool lanes_refused;                 /* lanes_run: a lane's connect failed */
	int rank;                           /* a lane's copy: where its first-found values come in
	                                    * the merge (lower first): 2k item k, 2k + 1 its half */
	int split_vi;                       /* -1, or the version whose suites_probe offers only */
	size_t split_lo, split_hi;          /* ln->split[split_vi][split_lo..split_hi) */
	unsigned max_hs;
	unsigned hs_ms;
	int64_t deadline;                   /* 0: none */
	bool stop;
	bool tls_seen;                      /* some reply was a TLS alert or a ServerHello */
	bool legacy_done;                   /* secure reneg, EMS, client reneg measured */
	bool groups13_done;                 /* every TLS 1.3 group accepted is in r->groups */
	bool comp_done;                     /* r->compression asked (weak_probe) */
	bool flight;                        /* enumerate by first-flight tries (hs.flight) */
	SSL_SESSION *ticket;                /* a TLS 1.3 session to resume for 0-RTT, or NULL */
	SSL_CTX *ctx;                       /* every try's SSL comes from it (ctx_init) */
	int pv[TLS_NVERSIONS];              /* per_version index of each version, -1 */
	uint16_t weak[NWEAK];               /* weak_suites this OpenSSL cannot offer */
	size_t nweak;
	bool weak_asked[TLS_NVERSIONS];     /* a refused hello of the version offered them */
	struct found f[TLS_NVERSIONS];
};

/* One try's choices. */
struct hs {
	int version;                        /* TLS1_3_VERSION ... TLS1_VERSION */
	const char *ciphers;                /* TLS <= 1.2 cipher string; NULL: all */
	const char *suites;                 /* TLS 1.3 suites; NULL: all */
	const char *groups;                 /* NULL: all for the version */
	const char *sigalgs;                /* NULL: OpenSSL's default */
	bool tickets;                       /* accept session tickets (the 0-RTT check) */
	SSL_SESSION *resume;                /* resume this session ... */
	const uint8_t *early;               /* ... sending these bytes as early data */
	size_t early_len;
	bool flight;                        /* stop after the server's first flight (flight_drive) */
};

struct conn {
	SSL *ssl;
	int fd;
	bool alert;                         /* the handshake failed on an alert from the server */
	bool ocsp_asked;                    /* status_request sent */
	bool sh_seen;                       /* flight: the server's ServerHello was read */
	bool fin_written;                   /* flight: the client's Finished was written (not sent) */
	bool sh_stop;                       /* flight: may stop after the ServerHello (flight_enough) */
	bool dh_known;                      /* flight: the FFDH prime is known (r->ffdh_bits) */
	bool sh_only;                       /* flight: stopped there */
	int64_t until;                      /* the end of this try */
};

/* The answer to a hand-built hello of step 1 (TLS 1.1, 1.0: version_ask) or 2 (SSLv3:
 * ssl3_ask), asked on one engine and noted into a report apart (version_note, ssl3_note), so
 * that the other lane can ask it ahead (start_run). */
struct hello_ask {
	enum {
		ASK_NONE = 0,                   /* not asked: the run had stopped */
		ASK_ACCEPTED,                   /* the version, with suite (cp: OpenSSL's, NULL SSLv3) */
		ASK_WEAK,                       /* the version, with a suite OpenSSL cannot offer */
		ASK_REFUSED,                    /* an alert, another answer or none: why */
	} ans;
	uint16_t suite;
	const SSL_CIPHER *cp;
	char why[200];
};

/* A lane's unit of work: steps 3 and 3b on versions[first..last], or (half_vi >= 0) the
 * second half of that version's suite enumeration (suites_split), or (sigs) step 5, with
 * (groups) step 4 before it, or (hellos) step 1's hand-built hellos and step 2 asked ahead
 * (start_run) into asks[] by version index, or (early) step 1b, on copies of the engine and
 * the report as they were when the item was made (their counters from 0). */
struct lane_item {
	int first, last;
	int half_vi;
	bool sigs;
	bool groups;
	bool hellos;
	struct hello_ask asks[TLS_NVERSIONS];
	bool early;                         /* step 1b (early_probe) */
	size_t n0;                          /* a half: the suites found before it */
	enum { ITEM_QUEUED, ITEM_RUNNING, ITEM_DONE } state;
	struct eng e;
	struct tls_report r;
	int rc;
};

static void eng_stop(struct eng *, const char *, ...) __attribute__((format(printf, 2, 3)));
static int version_hello(struct eng *, int);
static void lanes_wait(struct eng *, struct lane_item *);
static void eng_merge(struct eng *, const struct lane_item *);

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint8_t *
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static void
put24(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static bool
is_ip_literal(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static bool
add16(uint16_t *list, size_t *n, size_t max, uint16_t v)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i] == v)
			return false;
	if (*n >= max)
		return false;
	list[(*n)++] = v;
	return true;
}

static bool
has16(const uint16_t *list, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static void
first_why(struct eng *e, const char *what, const char *why)
{
	if (e->r->why[0] == '\0')
		err_set(e->r->why, sizeof(e->r->why), "%s: %s", what, why);
}

static void
eng_stop(struct eng *e, const char *fmt, ...)
{
	va_list ap;

	e->stop = true;
	if (!e->r->partial) {
		e->r->partial = true;
		va_start(ap, fmt);
		vsnprintf(e->r->partial_why, sizeof(e->r->partial_why), fmt, ap);
		va_end(ap);
	}
	if (e->ln != NULL) {
		pthread_mutex_lock(&e->ln->lock);
		if (!e->ln->stop) {
			e->ln->stop = true;
			snprintf(e->ln->why, sizeof(e->ln->why), "%s", e->r->partial_why);
		}
		pthread_mutex_unlock(&e->ln->lock);
	}
}

/* eng_until with lanes: the other lane's stop, and the budget of both, taken here. */
static int64_t
eng_until_lanes(struct eng *e, int64_t now, int64_t until)
{
	struct lanes *ln = e->ln;
	char why[128] = "";

	pthread_mutex_lock(&ln->lock);
	if (ln->stop)
		snprintf(why, sizeof(why), "%s", ln->why);
	else if (ln->hs >= e->max_hs)
		snprintf(why, sizeof(why), "handshake budget (%u) spent", e->max_hs);
	else if (until <= now)
		snprintf(why, sizeof(why), "deadline reached");
	else
		ln->hs++;                         /* the try eng_connect makes next */
	pthread_mutex_unlock(&ln->lock);
	if (why[0] == '\0')
		return until;
	eng_stop(e, "%s", why);
	return 0;
}

/* The end of the next try: now + the handshake time-out, within the deadline. 0: none left. */
static int64_t
eng_until(struct eng *e)
{
	int64_t now = clock_mono_ms();
	int64_t until = now + e->hs_ms;

	if (e->stop)
		return 0;
	if (e->deadline != 0 && until > e->deadline)
		until = e->deadline;
	if (e->ln != NULL)
		return eng_until_lanes(e, now, until);
	if (e->r->handshakes >= e->max_hs) {
		eng_stop(e, "handshake budget (%u) spent", e->max_hs);
		return 0;
	}
	if (until <= now) {
		eng_stop(e, "deadline reached");
		return 0;
	}
	return until;
}

/* A fresh connection from the callback, non-blocking. HS_OK, or HS_STOP (e->stop set). */
static int
eng_connect(struct eng *e, int64_t until, int *fd)
{
	char why[200] = "";
	int rc, fl;

	*fd = -1;
	e->r->handshakes++;
	rc = e->t->connect(e->t->arg, until, fd, why, sizeof(why));
	if (rc != 0 || *fd < 0) {
		if (why[0] == '\0')
			snprintf(why, sizeof(why), "%s", peil_strerror(rc != 0 ? rc : PEIL_EIO));
		first_why(e, "connect", why);
		if (e->ln != NULL) {
			pthread_mutex_lock(&e->ln->lock);
			e->ln->refused = true;
			pthread_mutex_unlock(&e->ln->lock);
		}
		eng_stop(e, "connect failed: %s", why);
		*fd = -1;
		return HS_STOP;
	}
	if (e->ln != NULL) {
		pthread_mutex_lock(&e->ln->lock);
		e->ln->connected = true;
		pthread_mutex_unlock(&e->ln->lock);
	}
	fl = fcntl(*fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(*fd, F_SETFL, fl | O_NONBLOCK);
	return HS_OK;
}

static void
conn_close(struct conn *c)
{
	SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
}

/* Why a call on ssl that returned n failed; errno as it was right after the call.
 * Returns whether the server sent an alert. */
static bool
ssl_why(SSL *ssl, int n, int saved_errno, char *why, size_t whylen)
{
	int err = SSL_get_error(ssl, n);
	unsigned long code = ERR_peek_last_error();
	const char *text;
	bool alert = err == SSL_ERROR_SSL && ERR_GET_REASON(code) >= SSL_AD_REASON_OFFSET;

	if (err == SSL_ERROR_SSL && ERR_GET_REASON(code) == SSL_R_EXCESSIVE_MESSAGE_SIZE) {
		err_set(why, whylen, "excessive message size (a certificate chain over %d bytes?)",
		    MAX_TLS_CHAIN_BYTES);
	} else if (err == SSL_ERROR_SSL && code != 0) {
		text = ERR_reason_error_string(code);
		err_set(why, whylen, "%s", text != NULL ? text : "TLS error");
	} else if (err == SSL_ERROR_SYSCALL) {
		if (saved_errno != 0)
			err_set(why, whylen, "%s", strerror(saved_errno));
		else
			err_set(why, whylen, "connection closed by the server");
	} else if (err == SSL_ERROR_ZERO_RETURN) {
		err_set(why, whylen, "closed by the server (close_notify)");
	} else {
		err_set(why, whylen, "TLS error %d", err);
	}
	ERR_clear_error();
	return alert;
}

/* Drives SSL_do_handshake to its end or until. HS_OK, or HS_FAIL with why
 * (*timedout when the time ran out). */
static int
drive(struct conn *c, int64_t until, char *why, size_t whylen, bool *timedout)
{
	*timedout = false;
	for (;;) {
		struct pollfd pfd;
		int n, err, saved, left;
		int64_t now;

		ERR_clear_error();
		errno = 0;
		n = SSL_do_handshake(c->ssl);
		saved = errno;
		if (n == 1)
			return HS_OK;
		err = SSL_get_error(c->ssl, n);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
			c->alert = ssl_why(c->ssl, n, saved, why, whylen);
			return HS_FAIL;
		}
		now = clock_mono_ms();
		if (now >= until) {
			err_set(why, whylen, "no handshake within the time-out");
			*timedout = true;
			return HS_FAIL;
		}
		left = until - now > 60000 ? 60000 : (int)(until - now);
		pfd.fd = c->fd;
		pfd.events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
			err_set(why, whylen, "poll: %s", strerror(errno));
			return HS_FAIL;
		}
	}
}

/* The random of a HelloRetryRequest (RFC 8446 4.1.3). */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8,
	0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8,
	0x33, 0x9c };

/* Notes, for flight_drive, when the server's ServerHello (not a HelloRetryRequest) has been
 * read and when the client has written its Finished. */
static void
flight_msg(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl,
    void *arg)
{
	struct conn *c = arg;
	const uint8_t *b = buf;

	(void)version;
	(void)ssl;
	if (content_type != SSL3_RT_HANDSHAKE || len < 1)
		return;
	if (write_p && b[0] == SSL3_MT_FINISHED)
		c->fin_written = true;
	else if (!write_p && b[0] == SSL3_MT_SERVER_HELLO && len >= 4 + 2 + 32 &&
	    memcmp(b + 6, hrr_random, sizeof(hrr_random)) != 0)
		c->sh_seen = true;
}

/* Sends buf[0..len) on a non-blocking socket by until. 0, or -1 with why. */
static int
send_all(int fd, const uint8_t *buf, size_t len, int64_t until, char *why, size_t whylen)
{
	size_t sent = 0;

	while (sent < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int64_t now = clock_mono_ms();
		ssize_t k;

		if (now >= until) {
			err_set(why, whylen, "no handshake within the time-out");
			return -1;
		}
		if (poll(&pfd, 1, until - now > 60000 ? 60000 : (int)(until - now)) < 0 &&
		    errno != EINTR) {
			err_set(why, whylen, "poll: %s", strerror(errno));
			return -1;
		}
		k = send(fd, buf + sent, len - sent, MSG_NOSIGNAL);
		if (k < 0 && errno != EAGAIN && errno != EINTR) {
			err_set(why, whylen, "%s", strerror(errno));
			return -1;
		}
		if (k > 0)
			sent += (size_t)k;
	}
	return 0;
}

size_t
tls_record_feed(const uint8_t *buf, size_t len, bool whole, size_t max)
{
	size_t rec;

	if (len < 5)
		return 0;
	rec = 5 + (size_t)be16(buf + 3);
	if (!whole || rec > max)
		return len;
	return len >= rec ? rec : 0;
}

/* Whether a first-flight try may stop where OpenSSL is: once it has processed the
 * ServerHello, the suite, the version and (TLS 1.3) the key-exchange group are known; on
 * TLS <= 1.2 with (EC)DHE the group, FFDH prime and signature scheme come in the
 * ServerKeyExchange, known once OpenSSL has processed it (its signature checked): the
 * client's own key exchange (a 3072-bit DH key, say) is then not computed. A DHE suite's
 * ServerKeyExchange without a signature scheme to note (anonymous DH, or TLS 1.1 and 1.0,
 * whose signatures conn_note does not note) tells only the FFDH prime: once that is known
 * (c->dh_known: to this copy of the engine, or to a lane's copy merged before it, whose
 * prime is the one kept), the ServerHello is enough, and OpenSSL's check of the server's DH key (a
 * modular exponentiation as long as the prime when it knows the group: most of the
 * client's work on a server with many such suites) is not made. Never when the chain is
 * still to be kept. */
static bool
flight_enough(const struct conn *c)
{
	const SSL_CIPHER *cp;
	EVP_PKEY *pk = NULL;
	int kx;

	if (!c->sh_seen || !c->sh_stop)
		return false;
	if (SSL_version(c->ssl) == TLS1_3_VERSION)
		return true;
	if ((cp = SSL_get_pending_cipher(c->ssl)) == NULL)
		return false;
	kx = SSL_CIPHER_get_kx_nid(cp);
	if (kx != NID_kx_ecdhe && kx != NID_kx_dhe)
		return true;
	if (kx == NID_kx_dhe && c->dh_known && (SSL_version(c->ssl) != TLS1_2_VERSION ||
	    SSL_CIPHER_get_auth_nid(cp) == NID_auth_null))
		return true;
	if (SSL_get_peer_tmp_key(c->ssl, &pk) != 1)
		return false;
	EVP_PKEY_free(pk);
	return true;
}

/* Drives a handshake over memory BIOs up to the end of the server's first flight: what
 * OpenSSL writes goes to the socket until the server's ServerHello is read (the ClientHello,
 * and the second one after a HelloRetryRequest), and is dropped after it (the client's
 * second flight is never sent: the server's work for it, and a round trip, are saved).
 * Until the ServerHello is processed the server's bytes are given to OpenSSL a record at a
 * time, so that the try can stop right after it (flight_enough); otherwise OpenSSL reads
 * and checks the whole first flight as in a full handshake (certificates, the
 * ServerKeyExchange and its signature, the TLS 1.3 Finished), so what conn_note reads of it
 * is what a full handshake gives. HS_OK once the ServerHello was enough or OpenSSL has
 * written its Finished (TLS 1.3: the handshake is finished on the client's side), HS_FAIL
 * (why; *timedout when the time ran out). */
static int
flight_drive(struct conn *c, int64_t until, char *why, size_t whylen, bool *timedout)
{
	BIO *rbio = SSL_get_rbio(c->ssl), *wbio = SSL_get_wbio(c->ssl);
	uint8_t *in = NULL;
	uint8_t out[4096];
	size_t have = 0;
	int rc;

	*timedout = false;
	if ((in = malloc(FLIGHT_BUF)) == NULL) {
		err_set(why, whylen, "out of memory");
		return HS_FAIL;
	}
	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int n, err, k;
		int64_t now;
		ssize_t got;
		size_t feed;

		ERR_clear_error();
		n = SSL_do_handshake(c->ssl);
		if (n == 1) {
			rc = HS_OK;
			goto out;
		}
		err = SSL_get_error(c->ssl, n);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
			c->alert = ssl_why(c->ssl, n, 0, why, whylen);
			rc = HS_FAIL;
			goto out;
		}
		while ((k = BIO_read(wbio, out, sizeof(out))) > 0)
			if (!c->sh_seen && send_all(c->fd, out, (size_t)k, until, why, whylen) != 0) {
				rc = HS_FAIL;
				goto out;
			}
		if (c->fin_written) {
			rc = HS_OK;
			goto out;
		}
		if (flight_enough(c)) {
			c->sh_only = true;
			rc = HS_OK;
			goto out;
		}
		/* The next record whole while the ServerHello (on TLS <= 1.2 the
		 * ServerKeyExchange) may still be unprocessed, else all there is. */
		for (;;) {
			if ((feed = tls_record_feed(in, have, !c->sh_seen ||
			    SSL_version(c->ssl) != TLS1_3_VERSION, FLIGHT_BUF)) > 0)
				break;
			now = clock_mono_ms();
			if (now >= until) {
				err_set(why, whylen, "no handshake within the time-out");
				*timedout = true;
				rc = HS_FAIL;
				goto out;
			}
			got = recv(c->fd, in + have, FLIGHT_BUF - have, 0);
			if (got > 0) {
				have += (size_t)got;
				continue;
			}
			if (got == 0) {
				err_set(why, whylen, "connection closed by the server");
				rc = HS_FAIL;
				goto out;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				err_set(why, whylen, "%s", strerror(errno));
				rc = HS_FAIL;
				goto out;
			}
			pfd.revents = 0;
			if (poll(&pfd, 1, until - now > 60000 ? 60000 : (int)(until - now)) < 0 &&
			    errno != EINTR) {
				err_set(why, whylen, "poll: %s", strerror(errno));
				rc = HS_FAIL;
				goto out;
			}
		}
		if (BIO_write(rbio, in, (int)feed) != (int)feed) {
			err_set(why, whylen, "out of memory");
			rc = HS_FAIL;
			goto out;
		}
		memmove(in, in + feed, have - feed);
		have -= feed;
	}
out:
	free(in);
	return rc;
}

/* Writes buf as early data (the ClientHello goes with it) by c->until. HS_OK, HS_FAIL (why). */
static int
early_write(struct conn *c, const uint8_t *buf, size_t len, char *why, size_t whylen)
{
	size_t off = 0;

	while (off < len) {
		struct pollfd pfd;
		size_t w = 0;
		int err, saved;
		int64_t now;

		ERR_clear_error();
		errno = 0;
		if (SSL_write_early_data(c->ssl, buf + off, len - off, &w) == 1) {
			off += w;
			continue;
		}
		saved = errno;
		err = SSL_get_error(c->ssl, 0);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
			c->alert = ssl_why(c->ssl, 0, saved, why, whylen);
			return HS_FAIL;
		}
		now = clock_mono_ms();
		if (now >= c->until) {
			err_set(why, whylen, "early data not sent within the time-out");
			return HS_FAIL;
		}
		pfd.fd = c->fd;
		pfd.events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, c->until - now > 60000 ? 60000 : (int)(c->until - now)) < 0 &&
		    errno != EINTR) {
			err_set(why, whylen, "poll: %s", strerror(errno));
			return HS_FAIL;
		}
	}
	return HS_OK;
}

/* Reads from an open connection until cond holds, the server closes, or until (also
 * bounded by max bytes kept in buf). TLS 1.3 post-handshake messages (session tickets) are
 * processed on the way. Returns the bytes kept. */
static size_t
conn_read(struct conn *c, int64_t until, bool (*cond)(struct conn *, const char *, size_t),
    char *buf, size_t max)
{
	size_t got = 0;

	for (;;) {
		struct pollfd pfd;
		char sink[512];
		int n, err;
		int64_t now;

		if (cond(c, buf, got))
			return got;
		ERR_clear_error();
		assert(max <= MAX_TLS_EARLY_REPLY);
		if (got < max)
			n = SSL_read(c->ssl, buf + got, (int)(max - got));
		else
			n = SSL_read(c->ssl, sink, sizeof(sink));
		if (n > 0) {
			if (got < max)
				got += (size_t)n;
			continue;
		}
		err = SSL_get_error(c->ssl, n);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
			break;
		/* SSL_read may have processed what cond waits for (a session ticket) without
		 * returning data: ask again before waiting for more. */
		if (cond(c, buf, got))
			return got;
		now = clock_mono_ms();
		if (now >= until)
			break;
		pfd.fd = c->fd;
		pfd.events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, until - now > 60000 ? 60000 : (int)(until - now)) < 0 &&
		    errno != EINTR)
			break;
	}
	ERR_clear_error();
	return got;
}

static bool
has_ticket(struct conn *c, const char *buf, size_t len)
{
	SSL_SESSION *sess = SSL_get0_session(c->ssl);

	(void)buf;
	(void)len;
	return sess != NULL && SSL_SESSION_has_ticket(sess) == 1;
}

static bool
peer_closed(struct conn *c, const char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return (SSL_get_shutdown(c->ssl) & SSL_RECEIVED_SHUTDOWN) != 0;
}

static bool
has_line(struct conn *c, const char *buf, size_t len)
{
	(void)c;
	return memchr(buf, '\n', len) != NULL;
}

static const char *
groups_list(int version, char *buf, size_t buflen)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NGROUPS; i++) {
		const struct group *g = &groups_all[i];
		int n;

		if (version == TLS1_3_VERSION ? !g->v13 : !g->ec)
			continue;
		n = snprintf(buf + off, buflen - off, "%s%s", off ? ":" : "", g->name);
		if (n < 0 || (size_t)n >= buflen - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* Whether a lane's copy merged before e's knows the FFDH prime: e's own would not be kept
 * (eng_merge keeps the first found), so e need not learn it. */
static bool
dh_before(struct eng *e)
{
	bool known;

	if (e->ln == NULL)
		return false;
	pthread_mutex_lock(&e->ln->lock);
	known = e->ln->dh_rank < e->rank;
	pthread_mutex_unlock(&e->ln->lock);
	return known;
}

/* One handshake with o's offer. HS_OK (c open: the caller closes it), HS_FAIL (why),
 * HS_STOP, PEIL_ENOMEM. */
static int
hs_try(struct eng *e, const struct hs *o, struct conn *c, char *why, size_t whylen)
{
	char gbuf[256];
	const char *sni = e->t->sni;
	int64_t until;
	bool timedout;
	int rc;

	c->ssl = NULL;
	c->fd = -1;
	c->alert = false;
	c->ocsp_asked = false;
	c->sh_seen = false;
	c->fin_written = false;
	c->sh_stop = o->flight && e->r->nchain > 0;
	c->dh_known = e->r->ffdh_bits != 0 || dh_before(e);
	c->sh_only = false;
	why[0] = '\0';
	if ((until = eng_until(e)) == 0)
		return HS_STOP;
	c->until = until;
	if ((rc = eng_connect(e, until, &c->fd)) != HS_OK)
		return rc;
	ERR_clear_error();
	if ((c->ssl = SSL_new(e->ctx)) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (o->tickets)
		SSL_clear_options(c->ssl, SSL_OP_NO_TICKET);
	if (SSL_set_min_proto_version(c->ssl, o->version) != 1 ||
	    SSL_set_max_proto_version(c->ssl, o->version) != 1) {
		err_set(why, whylen, "cannot offer this version");
		rc = HS_FAIL;
		goto out;
	}
	if ((o->version == TLS1_3_VERSION && o->suites != NULL &&
	    SSL_set_ciphersuites(c->ssl, o->suites) != 1) ||
	    (o->version != TLS1_3_VERSION && o->ciphers != NULL &&
	    SSL_set_cipher_list(c->ssl, o->ciphers) != 1)) {
		err_set(why, whylen, "no suite to offer");
		rc = HS_FAIL;
		goto out;
	}
	if (SSL_set1_groups_list(c->ssl, o->groups != NULL ? o->groups :
	    groups_list(o->version, gbuf, sizeof(gbuf))) != 1 ||
	    (o->sigalgs != NULL && SSL_set1_sigalgs_list(c->ssl, o->sigalgs) != 1)) {
		err_set(why, whylen, "cannot offer these groups or signature algorithms");
		rc = HS_FAIL;
		goto out;
	}
	ERR_clear_error();
	if (o->flight) {
		BIO *rbio = BIO_new(BIO_s_mem()), *wbio = BIO_new(BIO_s_mem());

		if (rbio == NULL || wbio == NULL) {
			BIO_free(rbio);
			BIO_free(wbio);
			rc = PEIL_ENOMEM;
			goto out;
		}
		BIO_set_mem_eof_return(rbio, -1);   /* empty: read again later, not the end */
		BIO_set_mem_eof_return(wbio, -1);
		SSL_set_bio(c->ssl, rbio, wbio);
		SSL_set_msg_callback(c->ssl, flight_msg);
		SSL_set_msg_callback_arg(c->ssl, c);
	} else if (SSL_set_fd(c->ssl, c->fd) != 1) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (sni != NULL && sni[0] != '\0' && !is_ip_literal(sni) &&
	    SSL_set_tlsext_host_name(c->ssl, sni) != 1) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	/* OCSP stapling is asked for until a handshake completed with a chain (the one kept). */
	if (e->r->nchain == 0 && e->r->ocsp_stapled < 0) {
		if (SSL_set_tlsext_status_type(c->ssl, TLSEXT_STATUSTYPE_ocsp) != 1) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		c->ocsp_asked = true;
	}
	SSL_set_connect_state(c->ssl);
	if (o->resume != NULL && SSL_set_session(c->ssl, o->resume) != 1) {
		err_set(why, whylen, "cannot resume the session");
		rc = HS_FAIL;
		goto out;
	}
	if (o->early != NULL && (rc = early_write(c, o->early, o->early_len, why, whylen)) != HS_OK)
		goto out;
	if (o->flight) {
		rc = flight_drive(c, until, why, whylen, &timedout);
		e->tls_seen |= c->alert;
		if (rc == HS_OK) {
			e->r->flights++;
			e->r->hello_stops += c->sh_only ? 1 : 0;
		}
		goto out;
	}
	rc = drive(c, until, why, whylen, &timedout);
	/* With early data SSL_do_handshake returns once the server's Finished is read, so that
	 * more early data could follow; the next call ends it (EndOfEarlyData, Finished). */
	for (int i = 0; o->early != NULL && rc == HS_OK && !SSL_is_init_finished(c->ssl) && i < 4;
	    i++)
		rc = drive(c, until, why, whylen, &timedout);
	if (rc == HS_OK && !SSL_is_init_finished(c->ssl)) {
		err_set(why, whylen, "handshake did not finish");
		rc = HS_FAIL;
	}
	e->tls_seen |= c->alert;
out:
	ERR_clear_error();
	if (rc != HS_OK)
		conn_close(c);
	return rc;
}

static uint16_t
group_iana(int nid)
{
	for (size_t i = 0; i < NGROUPS; i++)
		if (groups_all[i].nid == nid)
			return groups_all[i].iana;
	/* OpenSSL marks groups it does not know with TLSEXT_nid_unknown and the IANA id. */
	if ((nid & TLSEXT_nid_unknown) != 0)
		return (uint16_t)(nid & 0xffff);
	return 0;
}

/* IANA SignatureScheme of the TLS 1.2 ServerKeyExchange signature; 0 unknown. */
/* The TLS 1.2 SignatureAndHashAlgorithm of hash code h and signature code sig; 0 for no h. */
static uint16_t
sig_pair(int h, int sig)
{
	if (h == 0)
		return 0;
	return (uint16_t)(h << 8 | sig);
}

static uint16_t
sig_iana(int type, int hash, bool pss_key)
{
	int h;

	switch (hash) {
	case NID_md5: h = 1; break;
	case NID_sha1: h = 2; break;
	case NID_sha224: h = 3; break;
	case NID_sha256: h = 4; break;
	case NID_sha384: h = 5; break;
	case NID_sha512: h = 6; break;
	default: h = 0; break;
	}
	switch (type) {
	case EVP_PKEY_RSA:
		return sig_pair(h, 1);
	case EVP_PKEY_DSA:
		return sig_pair(h, 2);
	case EVP_PKEY_EC:
		return sig_pair(h, 3);
	case EVP_PKEY_RSA_PSS:
		if (h < 4)
			return 0;
		return (uint16_t)((pss_key ? 0x0809 : 0x0804) + (h - 4));
	case EVP_PKEY_ED25519:
		return 0x0807;
	case EVP_PKEY_ED448:
		return 0x0808;
	default:
		return 0;
	}
}

/* Which sig_by_hash entry a scheme belongs to; -1 none. */
static int
sig_hash_index(uint16_t scheme)
{
	switch (scheme) {
	case 0x0401: case 0x0403: case 0x0402: case 0x0804: case 0x0809: return 0;
	case 0x0501: case 0x0503: case 0x0502: case 0x0805: case 0x080a: return 1;
	case 0x0601: case 0x0603: case 0x0602: case 0x0806: case 0x080b: return 2;
	case 0x0807: case 0x0808: return 3;
	case 0x0301: case 0x0303: case 0x0302: return 4;
	case 0x0201: case 0x0203: case 0x0202: return 5;
	default: return -1;
	}
}

static void
chain_trust(struct eng *e, STACK_OF(X509) *sk, X509 *leaf)
{
	struct tls_report *r = e->r;
	X509_STORE *st = NULL;
	X509_STORE_CTX *vc = NULL;
	int ok;

	if ((st = X509_STORE_new()) == NULL || (vc = X509_STORE_CTX_new()) == NULL) {
		err_set(r->trust_why, sizeof(r->trust_why), "out of memory");
		goto out;
	}
	ok = e->t->ca_file != NULL ? X509_STORE_load_file(st, e->t->ca_file) :
	    X509_STORE_set_default_paths(st);
	if (ok != 1) {
		err_set(r->trust_why, sizeof(r->trust_why), "cannot load the CA bundle");
		goto out;
	}
	if (X509_STORE_CTX_init(vc, st, leaf, sk) != 1) {
		err_set(r->trust_why, sizeof(r->trust_why), "cannot set up verification");
		goto out;
	}
	X509_STORE_CTX_set_purpose(vc, X509_PURPOSE_SSL_SERVER);
	if (X509_verify_cert(vc) == 1) {
		r->trusted = true;
		err_set(r->trust_why, sizeof(r->trust_why), "ok");
	} else {
		int err = X509_STORE_CTX_get_error(vc);

		err_set(r->trust_why, sizeof(r->trust_why), "%s (depth %d)",
		    X509_verify_cert_error_string(err), X509_STORE_CTX_get_error_depth(vc));
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(vc);
	X509_STORE_free(st);
}

void
tls_cert_key(X509 *x, int *type, unsigned *bits, int *curve_nid)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	char name[64];

	*type = 0;
	*bits = 0;
	*curve_nid = NID_undef;
	if (pk == NULL) {
		ERR_clear_error();
		return;
	}
	*type = EVP_PKEY_get_base_id(pk);
	*bits = EVP_PKEY_get_bits(pk) > 0 ? (unsigned)EVP_PKEY_get_bits(pk) : 0;
	if (*type == EVP_PKEY_EC &&
	    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
	    NULL) == 1) {
		*curve_nid = OBJ_sn2nid(name);
		if (*curve_nid == NID_undef)
			*curve_nid = EC_curve_nist2nid(name);
		if (*curve_nid == NID_undef)
			*curve_nid = OBJ_txt2nid(name);
	}
	ERR_clear_error();
}

/* The reason of OpenSSL's last error, for why strings. */
static const char *
ossl_reason(void)
{
	const char *text = ERR_reason_error_string(ERR_peek_last_error());

	return text != NULL ? text : "unknown error";
}

/* The leaf's issuer: in the chain, else in the store. An owned reference, or NULL. */
static X509 *
ocsp_issuer(STACK_OF(X509) *sk, X509_STORE *st, X509 *leaf)
{
	X509_STORE_CTX *vc = NULL;
	X509 *issuer = NULL;

	for (int i = 1; i < sk_X509_num(sk); i++) {
		X509 *x = sk_X509_value(sk, i);

		if (X509_check_issued(x, leaf) == X509_V_OK && X509_up_ref(x) == 1)
			return x;
	}
	if ((vc = X509_STORE_CTX_new()) != NULL && X509_STORE_CTX_init(vc, st, leaf, sk) == 1 &&
	    X509_STORE_CTX_get1_issuer(&issuer, vc, leaf) != 1)
		issuer = NULL;
	X509_STORE_CTX_free(vc);
	return issuer;
}

/* The SingleResponse for leaf (issued by issuer), whatever hash its CertID uses; NULL none. */
static OCSP_SINGLERESP *
ocsp_single(OCSP_BASICRESP *bs, X509 *leaf, X509 *issuer)
{
	int n = OCSP_resp_count(bs);

	for (int i = 0; i < n; i++) {
		OCSP_SINGLERESP *single = OCSP_resp_get0(bs, i);
		const OCSP_CERTID *cid = single != NULL ? OCSP_SINGLERESP_get0_id(single) : NULL;
		ASN1_OBJECT *mdobj = NULL;
		const EVP_MD *md;
		OCSP_CERTID *id;
		bool same;

		if (cid == NULL ||
		    OCSP_id_get0_info(NULL, &mdobj, NULL, NULL, (OCSP_CERTID *)(uintptr_t)cid) != 1 ||
		    (md = EVP_get_digestbyobj(mdobj)) == NULL)
			continue;
		if ((id = OCSP_cert_to_id(md, leaf, issuer)) == NULL)
			continue;
		same = OCSP_id_cmp(id, cid) == 0;
		OCSP_CERTID_free(id);
		if (same)
			return single;
	}
	return NULL;
}

int
tls_ocsp_judge(const uint8_t *resp, size_t len, uint8_t *const *chain, const size_t *chainlen,
    size_t nchain, const char *ca_file, int *valid, char *why, size_t whylen)
{
	OCSP_RESPONSE *or = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_SINGLERESP *single;
	STACK_OF(X509) *sk = NULL;
	X509_STORE *st = NULL;
	X509 *leaf, *issuer = NULL;
	ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
	const unsigned char *p;
	int rc = PEIL_ENOMEM, status, reason = -1;

	*valid = -1;
	err_set(why, whylen, "not judged");
	if (chain == NULL || chainlen == NULL || nchain == 0)
		return PEIL_EINVAL;
	ERR_clear_error();
	if ((sk = sk_X509_new_null()) == NULL)
		goto out;
	for (size_t i = 0; i < nchain; i++) {
		X509 *x;

		p = chain[i];
		if (chain[i] == NULL || chainlen[i] == 0 || chainlen[i] > MAX_TLS_CHAIN_BYTES ||
		    (x = d2i_X509(NULL, &p, (long)chainlen[i])) == NULL) {
			if (i > 0)
				continue;             /* an unreadable intermediate: left out */
			err_set(why, whylen, "the leaf certificate is unreadable");
			rc = 0;
			goto out;
		}
		if (sk_X509_push(sk, x) <= 0) {
			X509_free(x);
			goto out;
		}
	}
	leaf = sk_X509_value(sk, 0);
	*valid = 0;
	rc = 0;
	if (len == 0) {
		err_set(why, whylen, "empty response");
		goto out;
	}
	if (len > MAX_TLS_OCSP_BYTES) {
		err_set(why, whylen, "response of %zu bytes (over %d): not judged", len,
		    MAX_TLS_OCSP_BYTES);
		goto out;
	}
	p = resp;
	if ((or = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) == NULL) {
		err_set(why, whylen, "not an OCSPResponse (DER)");
		goto out;
	}
	if (p != resp + len) {
		err_set(why, whylen, "%zu bytes after the OCSPResponse", len - (size_t)(p - resp));
		goto out;
	}
	if ((status = OCSP_response_status(or)) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		err_set(why, whylen, "responseStatus %d (%s)", status, OCSP_response_status_str(status));
		goto out;
	}
	if ((bs = OCSP_response_get1_basic(or)) == NULL) {
		err_set(why, whylen, "not a BasicOCSPResponse");
		goto out;
	}
	if ((st = X509_STORE_new()) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((ca_file != NULL ? X509_STORE_load_file(st, ca_file) :
	    X509_STORE_set_default_paths(st)) != 1) {
		*valid = -1;
		err_set(why, whylen, "cannot load the CA bundle");
		goto out;
	}
	if ((issuer = ocsp_issuer(sk, st, leaf)) == NULL) {
		err_set(why, whylen, "the leaf's issuer is neither in the chain nor in the CA bundle");
		goto out;
	}
	ERR_clear_error();
	if (OCSP_basic_verify(bs, sk, st, 0) <= 0) {
		err_set(why, whylen, "signature or signer not trusted: %s", ossl_reason());
		goto out;
	}
	if ((single = ocsp_single(bs, leaf, issuer)) == NULL) {
		err_set(why, whylen, "no SingleResponse for the leaf certificate");
		goto out;
	}
	status = OCSP_single_get0_status(single, &reason, &rev, &thisupd, &nextupd);
	if (status != V_OCSP_CERTSTATUS_GOOD) {
		if (status == V_OCSP_CERTSTATUS_REVOKED)
			err_set(why, whylen, "certificate revoked (reason %d)", reason);
		else
			err_set(why, whylen, "certificate status %s", OCSP_cert_status_str(status));
		goto out;
	}
	ERR_clear_error();
	if (OCSP_check_validity(thisupd, nextupd, DEFAULT_TLS_OCSP_SKEW_S, -1) != 1) {
		err_set(why, whylen, "thisUpdate/nextUpdate: %s", ossl_reason());
		goto out;
	}
	*valid = 1;
	err_set(why, whylen, "good");
out:
	ERR_clear_error();
	X509_free(issuer);
	X509_STORE_free(st);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(or);
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

/* Keeps the presented chain: DER, key, signatures, trust and name. */
static int
chain_keep(struct eng *e, SSL *ssl)
{
	struct tls_report *r = e->r;
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	size_t total = 0;
	int n;

	if (sk == NULL || leaf == NULL || (n = sk_X509_num(sk)) <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		X509 *x = sk_X509_value(sk, i);
		unsigned char *p;
		int len;

		if (r->nchain >= MAX_TLS_CHAIN_CERTS) {
			r->chain_truncated = true;
			break;
		}
		len = i2d_X509(x, NULL);
		if (len <= 0 || total + (size_t)len > MAX_TLS_CHAIN_BYTES) {
			r->chain_truncated = true;
			break;
		}
		if ((r->der[r->nchain] = malloc((size_t)len)) == NULL)
			return PEIL_ENOMEM;
		p = r->der[r->nchain];
		if (i2d_X509(x, &p) != len) {
			free(r->der[r->nchain]);
			r->der[r->nchain] = NULL;
			r->chain_truncated = true;
			break;
		}
		r->derlen[r->nchain] = (size_t)len;
		r->chain_sig_nids[r->nchain] = X509_get_signature_nid(x);
		r->nchain++;
		total += (size_t)len;
	}
	tls_cert_key(leaf, &r->leaf_key_type, &r->leaf_key_bits, &r->leaf_curve_nid);
	chain_trust(e, sk, leaf);
	if (e->t->sni != NULL && e->t->sni[0] != '\0')
		r->name_ok = is_ip_literal(e->t->sni) ? X509_check_ip_asc(leaf, e->t->sni, 0) == 1 :
		    X509_check_host(leaf, e->t->sni, strlen(e->t->sni), 0, NULL) == 1;
	ERR_clear_error();
	return 0;
}

/* The stapled OCSP response of the handshake that gave the kept chain. 0 or PEIL_ENOMEM. */
static int
ocsp_note(struct eng *e, SSL *ssl)
{
	struct tls_report *r = e->r;
	const unsigned char *resp = NULL;
	long n = SSL_get_tlsext_status_ocsp_resp(ssl, &resp);

	if (n <= 0 || resp == NULL) {
		r->ocsp_stapled = 0;
		err_set(r->ocsp_why, sizeof(r->ocsp_why), "no response stapled");
		return 0;
	}
	r->ocsp_stapled = 1;
	return tls_ocsp_judge(resp, (size_t)n, r->der, r->derlen, r->nchain, e->t->ca_file,
	    &r->ocsp_valid, r->ocsp_why, sizeof(r->ocsp_why));
}

/* What one completed handshake tells: suite (returned in *suite), group, FFDH, signature
 * scheme (*scheme), chain. Returns 0 or PEIL_ENOMEM. */
static int
conn_note(struct eng *e, struct conn *c, uint16_t *suite, const SSL_CIPHER **cipher,
    uint16_t *scheme)
{
	struct tls_report *r = e->r;
	/* A try stopped after the first flight (flight_drive) is not finished on TLS <= 1.2:
	 * its suite is still the pending one. */
	const SSL_CIPHER *cp = SSL_is_init_finished(c->ssl) ? SSL_get_current_cipher(c->ssl) :
	    SSL_get_pending_cipher(c->ssl);
	int ver = SSL_version(c->ssl);
	int kx, type = 0, hash = 0;
	EVP_PKEY *pk = NULL;

	*suite = 0;
	*scheme = 0;
	*cipher = cp;
	if (cp == NULL)
		return 0;
	*suite = SSL_CIPHER_get_protocol_id(cp);
	kx = SSL_CIPHER_get_kx_nid(cp);
	if (ver == TLS1_3_VERSION || kx == NID_kx_ecdhe) {
		uint16_t g = group_iana((int)SSL_get_negotiated_group(c->ssl));

		if (g != 0)
			(void)add16(r->groups, &r->ngroups, TLS_MAX_GROUPS, g);
	}
	if (kx == NID_kx_dhe && r->ffdh_bits == 0 && SSL_get_peer_tmp_key(c->ssl, &pk) == 1) {
		int bits = EVP_PKEY_get_bits(pk);

		r->ffdh_bits = bits > 0 ? (unsigned)bits : 0;
		if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, r->ffdh_group,
		    sizeof(r->ffdh_group), NULL) != 1)
			r->ffdh_group[0] = '\0';
		r->ffdh_named = strncmp(r->ffdh_group, "ffdhe", 5) == 0;
		EVP_PKEY_free(pk);
		if (e->ln != NULL && r->ffdh_bits != 0) {
			pthread_mutex_lock(&e->ln->lock);
			if (e->rank < e->ln->dh_rank)
				e->ln->dh_rank = e->rank;
			pthread_mutex_unlock(&e->ln->lock);
		}
	}
	if (ver == TLS1_2_VERSION && (kx == NID_kx_ecdhe || kx == NID_kx_dhe) &&
	    SSL_get_peer_signature_type_nid(c->ssl, &type) == 1) {
		X509 *leaf = SSL_get0_peer_certificate(c->ssl);
		EVP_PKEY *lk = leaf != NULL ? X509_get0_pubkey(leaf) : NULL;

		if (SSL_get_peer_signature_nid(c->ssl, &hash) != 1)
			hash = NID_undef;
		*scheme = sig_iana(type, hash, lk != NULL && EVP_PKEY_get_base_id(lk) == EVP_PKEY_RSA_PSS);
		if (*scheme != 0)
			(void)add16(r->sigschemes, &r->nsigschemes, TLS_MAX_SIGS, *scheme);
	}
	ERR_clear_error();
	if (r->nchain == 0) {
		int rc = chain_keep(e, c->ssl);

		if (rc == 0 && c->ocsp_asked && r->nchain > 0)
			rc = ocsp_note(e, c->ssl);
		return rc;
	}
	return 0;
}

/* Adds a suite found for version index vi. */
static void
suite_add(struct eng *e, int vi, uint16_t suite, const SSL_CIPHER *cp)
{
	struct tls_version_suites *pv;
	struct found *f = &e->f[vi];

	if (e->pv[vi] < 0) {
		e->pv[vi] = (int)e->r->nper;
		pv = &e->r->per_version[e->r->nper++];
		pv->version = versions[vi];
		pv->server_order = -1;
		e->r->versions[e->r->nversions++] = versions[vi];
	}
	pv = &e->r->per_version[e->pv[vi]];
	if (pv->nsuites >= TLS_MAX_SUITES || has16(pv->suites, pv->nsuites, suite))
		return;
	f->names[pv->nsuites] = cp != NULL ? SSL_CIPHER_get_name(cp) : NULL;
	f->kx[pv->nsuites] = cp != NULL ? SSL_CIPHER_get_kx_nid(cp) : NID_undef;
	f->auth[pv->nsuites] = cp != NULL ? SSL_CIPHER_get_auth_nid(cp) : NID_undef;
	pv->suites[pv->nsuites++] = suite;
}

/* Client-initiated renegotiation on an open TLS <= 1.2 connection. */
static void
reneg_test(struct eng *e, struct conn *c)
{
	char why[128];
	int64_t until = clock_mono_ms() + e->hs_ms;
	bool timedout;

	if (e->deadline != 0 && until > e->deadline)
		until = e->deadline;
	ERR_clear_error();
	if (SSL_renegotiate(c->ssl) != 1) {
		ERR_clear_error();
		return;
	}
	if (drive(c, until, why, sizeof(why), &timedout) == HS_OK)
		e->r->client_reneg = SSL_renegotiate_pending(c->ssl) ? -1 : 1;
	else
		e->r->client_reneg = timedout ? -1 : 0;
	ERR_clear_error();
}

/* The 0-RTT check's first half: waits (within DEFAULT_TLS_TICKET_MS and the try's
 * time-out) for the session tickets TLS 1.3 sends after the handshake; keeps the session. */
static void
ticket_keep(struct eng *e, struct conn *c)
{
	int64_t until = clock_mono_ms() + DEFAULT_TLS_TICKET_MS;
	SSL_SESSION *sess;

	if (until > c->until)
		until = c->until;
	(void)conn_read(c, until, has_ticket, NULL, 0);
	/* Then what else came (more tickets), and a clean close: servers drop the session of
	 * a connection that ends without close_notify or with unread bytes (a reset). */
	(void)conn_read(c, 0, peer_closed, NULL, 0);
	ERR_clear_error();
	if (SSL_shutdown(c->ssl) == 0)
		(void)conn_read(c, until, peer_closed, NULL, 0);
	ERR_clear_error();
	sess = SSL_get1_session(c->ssl);
	/* A copy: freeing c without a shutdown marks its own session not resumable. */
	if (sess != NULL && SSL_SESSION_has_ticket(sess) == 1 && SSL_SESSION_is_resumable(sess) &&
	    (e->ticket = SSL_SESSION_dup(sess)) != NULL) {
		SSL_SESSION_free(sess);
		return;
	}
	SSL_SESSION_free(sess);
	e->r->early_data = 0;
	err_set(e->r->early_why, sizeof(e->r->early_why), "no session ticket (TLS 1.3)");
}

static int version_note(struct eng *, int, const struct hello_ask *);

/* Step 1 on versions[vi] by a full handshake, everything offered: the first one completed
 * keeps the chain, the first TLS <= 1.2 one measures renegotiation and EMS, TLS 1.3's keeps
 * a session for 0-RTT. HS_OK (accepted or not), HS_STOP, PEIL_ENOMEM. */
static int
version_full(struct eng *e, int vi)
{
	struct hs o = { .version = versions[vi], .tickets = vi == 0 && e->t->early_data != NULL };
	struct conn c;
	char why[200];
	const SSL_CIPHER *cp;
	uint16_t suite, scheme;
	int rc;

	rc = hs_try(e, &o, &c, why, sizeof(why));
	if (rc == HS_STOP || rc == PEIL_ENOMEM)
		return rc;
	e->r->version_tried[vi] = true;
	if (rc == HS_FAIL) {
		first_why(e, version_names[vi], why);
		return HS_OK;
	}
	if ((rc = conn_note(e, &c, &suite, &cp, &scheme)) != 0) {
		conn_close(&c);
		return rc;
	}
	e->r->available = true;
	suite_add(e, vi, suite, cp);
	if (o.tickets)
		ticket_keep(e, &c);
	if (versions[vi] != TLS_V13 && !e->legacy_done) {
		e->legacy_done = true;
		e->r->secure_reneg = SSL_get_secure_renegotiation_support(c.ssl) ? 1 : 0;
		e->r->ems = SSL_get_extms_support(c.ssl) == 1 ? 1 : 0;
		reneg_test(e, &c);
	}
	conn_close(&c);
	return HS_OK;
}

/* Step 1 on versions[first..last] (TLS 1.3 ... 1.0): a full handshake each (version_full),
 * but TLS 1.1 and 1.0 once what only a full TLS <= 1.2 handshake shows (the chain,
 * renegotiation, EMS) is known: a hand-built hello then (version_hello; its answer asked
 * ahead in asks[vi] when asks is not NULL), and a full handshake only when the server chose
 * a suite OpenSSL cannot offer. With asks, a version whose hello was refused is refused
 * before that too: a full handshake would tell nothing more of it (the first failure is
 * TLS 1.2's, or TLS 1.3's), so only the highest legacy version accepted has one. 0 or
 * PEIL_ENOMEM. */
static int
versions_probe(struct eng *e, int first, int last, const struct hello_ask *asks)
{
	for (int vi = first; vi <= last && !e->stop; vi++) {
		const struct hello_ask *a = asks != NULL && vi >= 2 ? &asks[vi] : NULL;
		int rc;

		if ((e->flight && e->legacy_done && e->r->nchain > 0) ||
		    (a != NULL && a->ans == ASK_REFUSED)) {
			rc = a != NULL ? version_note(e, vi, a) : version_hello(e, vi);
			if (rc == HS_STOP)
				break;
			if (rc == PEIL_ENOMEM)
				return rc;
			if (rc == HS_OK)
				continue;
		}
		if ((rc = version_full(e, vi)) == HS_STOP)
			break;
		if (rc == PEIL_ENOMEM)
			return rc;
	}
	return 0;
}

/* Keeps the first line of the answer to early data, printable ASCII only. */
static void
early_reply_keep(struct tls_report *r, const char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && buf[i] != '\n' && buf[i] != '\r' &&
	    n + 1 < sizeof(r->early_reply); i++) {
		unsigned char ch = (unsigned char)buf[i];

		r->early_reply[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	r->early_reply[n] = '\0';
}

/* Step 1b, 0-RTT: resumes the kept TLS 1.3 session sending t->early_data as early data (at
 * most what the ticket allows); accepted: the first line of the answer. */
static int
early_probe(struct eng *e)
{
	struct tls_report *r = e->r;
	struct hs o = { .version = TLS1_3_VERSION, .tickets = true, .resume = e->ticket,
	    .early = e->t->early_data, .early_len = e->t->early_len };
	uint32_t max = SSL_SESSION_get_max_early_data(e->ticket);
	struct conn c;
	char why[200];
	char *buf = NULL;
	int rc;

	if (max == 0) {
		r->early_data = 0;
		err_set(r->early_why, sizeof(r->early_why), "no ticket allowing early data");
		return 0;
	}
	if (o.early_len > max)
		o.early_len = max;
	if (o.early_len == 0) {
		err_set(r->early_why, sizeof(r->early_why), "no early data to send");
		return 0;
	}
	rc = hs_try(e, &o, &c, why, sizeof(why));
	if (rc == PEIL_ENOMEM)
		return rc;
	if (rc == HS_STOP) {
		err_set(r->early_why, sizeof(r->early_why), "not tried: %s", r->partial_why);
		return 0;
	}
	if (rc == HS_FAIL) {
		r->early_data = 0;
		err_set(r->early_why, sizeof(r->early_why), "resumption with early data failed: %s",
		    why);
		return 0;
	}
	if (SSL_get_early_data_status(c.ssl) != SSL_EARLY_DATA_ACCEPTED) {
		r->early_data = 0;
		err_set(r->early_why, sizeof(r->early_why), "early data rejected%s",
		    SSL_session_reused(c.ssl) ? "" : " (full handshake)");
		conn_close(&c);
		return 0;
	}
	r->early_data = 1;
	err_set(r->early_why, sizeof(r->early_why), "early data accepted (%zu bytes)", o.early_len);
	if ((buf = malloc(MAX_TLS_EARLY_REPLY)) == NULL) {
		conn_close(&c);
		return PEIL_ENOMEM;
	}
	early_reply_keep(r, buf, conn_read(&c, c.until, has_line, buf, MAX_TLS_EARLY_REPLY));
	free(buf);
	conn_close(&c);
	return 0;
}

int
tls_client_hello_build(uint16_t version, const uint16_t *suites, size_t nsuites, bool deflate,
    const char *sni, uint8_t *out, size_t outlen, size_t *used)
{
	static const uint16_t groups[] = { 29, 23, 24, 25, 30 };
	static const uint16_t sigs[] = { 0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401,
	    0x0501, 0x0601, 0x0201, 0x0203, 0x0402, 0x0202 };
	size_t snilen = 0, need;
	uint8_t *p, *ext;

	if (nsuites == 0 || nsuites > 1000 || version < TLS_SSL3 || version > TLS_V12)
		return PEIL_EINVAL;
	if (version > TLS_SSL3 && sni != NULL && !is_ip_literal(sni))
		snilen = strlen(sni);
	if (snilen > 255)
		snilen = 0;
	need = 5 + 4 + 2 + 32 + 1 + 2 + 2 * nsuites + 1 + 2;
	if (version > TLS_SSL3)
		need += 2 + (snilen ? 9 + snilen : 0) + 6 + 2 * sizeof(groups) / sizeof(groups[0]) +
		    6 + 6 + 2 * sizeof(sigs) / sizeof(sigs[0]) + 5;
	if (need > outlen || need - 5 > 0xffff)
		return PEIL_ETOOBIG;
	p = out;
	*p++ = REC_HANDSHAKE;
	p = put16(p, version == TLS_SSL3 ? TLS_SSL3 : TLS_V10);
	p += 2;                                   /* record length, below */
	*p++ = HS_CLIENT_HELLO;
	p += 3;                                   /* message length, below */
	p = put16(p, version);
	if (RAND_bytes(p, 32) != 1)
		memset(p, 0x5a, 32);
	p += 32;
	*p++ = 0;                                 /* no session id */
	p = put16(p, (uint16_t)(2 * nsuites));
	for (size_t i = 0; i < nsuites; i++)
		p = put16(p, suites[i]);
	if (deflate) {
		*p++ = 2;
		*p++ = 1;
		*p++ = 0;
	} else {
		*p++ = 1;
		*p++ = 0;
	}
	if (version > TLS_SSL3) {
		ext = p;
		p += 2;
		if (snilen) {
			p = put16(p, 0);                  /* server_name */
			p = put16(p, (uint16_t)(snilen + 5));
			p = put16(p, (uint16_t)(snilen + 3));
			*p++ = 0;                         /* host_name */
			p = put16(p, (uint16_t)snilen);
			memcpy(p, sni, snilen);
			p += snilen;
		}
		p = put16(p, 10);                     /* supported_groups */
		p = put16(p, (uint16_t)(2 + sizeof(groups)));
		p = put16(p, (uint16_t)sizeof(groups));
		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			p = put16(p, groups[i]);
		p = put16(p, 11);                     /* ec_point_formats: uncompressed */
		p = put16(p, 2);
		*p++ = 1;
		*p++ = 0;
		if (version == TLS_V12) {
			p = put16(p, 13);                 /* signature_algorithms */
			p = put16(p, (uint16_t)(2 + sizeof(sigs)));
			p = put16(p, (uint16_t)sizeof(sigs));
			for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
				p = put16(p, sigs[i]);
		}
		p = put16(p, 0xff01);                 /* renegotiation_info, initial */
		p = put16(p, 1);
		*p++ = 0;
		put16(ext, (uint16_t)(p - ext - 2));
	}
	assert((size_t)(p - out) <= need);
	put16(out + 3, (uint16_t)(p - out - 5));
	put24(out + 6, (size_t)(p - out - 9));
	*used = (size_t)(p - out);
	return 0;
}


int
tls_client_hello13_build(const uint16_t *suites, size_t nsuites, const uint16_t *groups,
    size_t ngroups, const char *sni, uint8_t *out, size_t outlen, size_t *used)
{
	static const uint16_t sigs[] = { 0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805,
	    0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601 };
	size_t snilen = 0, need;
	uint8_t *p, *ext;

	if (suites == NULL || groups == NULL || nsuites == 0 || nsuites > 1000 ||
	    ngroups == 0 || ngroups > 1000)
		return PEIL_EINVAL;
	if (sni != NULL && !is_ip_literal(sni))
		snilen = strlen(sni);
	if (snilen > 255)
		snilen = 0;
	need = 5 + 4 + 2 + 32 + 1 + 32 + 2 + 2 * nsuites + 2 + 2 + (snilen ? 9 + snilen : 0) +
	    6 + 2 * ngroups + 6 + 2 * sizeof(sigs) / sizeof(sigs[0]) + 7 + 6;
	if (need > outlen || need - 5 > 0xffff)
		return PEIL_ETOOBIG;
	p = out;
	*p++ = REC_HANDSHAKE;
	p = put16(p, TLS_V10);
	p += 2;                                   /* record length, below */
	*p++ = HS_CLIENT_HELLO;
	p += 3;                                   /* message length, below */
	p = put16(p, TLS_V12);                    /* legacy_version */
	if (RAND_bytes(p, 32 + 1 + 32) != 1)
		memset(p, 0x5a, 32 + 1 + 32);
	p += 32;
	*p++ = 32;                                /* legacy_session_id (middlebox compatibility) */
	p += 32;
	p = put16(p, (uint16_t)(2 * nsuites));
	for (size_t i = 0; i < nsuites; i++)
		p = put16(p, suites[i]);
	*p++ = 1;                                 /* legacy_compression_methods: null */
	*p++ = 0;
	ext = p;
	p += 2;
	if (snilen) {
		p = put16(p, 0);                      /* server_name */
		p = put16(p, (uint16_t)(snilen + 5));
		p = put16(p, (uint16_t)(snilen + 3));
		*p++ = 0;                             /* host_name */
		p = put16(p, (uint16_t)snilen);
		memcpy(p, sni, snilen);
		p += snilen;
	}
	p = put16(p, 10);                         /* supported_groups */
	p = put16(p, (uint16_t)(2 + 2 * ngroups));
	p = put16(p, (uint16_t)(2 * ngroups));
	for (size_t i = 0; i < ngroups; i++)
		p = put16(p, groups[i]);
	p = put16(p, 13);                         /* signature_algorithms */
	p = put16(p, (uint16_t)(2 + sizeof(sigs)));
	p = put16(p, (uint16_t)sizeof(sigs));
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		p = put16(p, sigs[i]);
	p = put16(p, 43);                         /* supported_versions: TLS 1.3 */
	p = put16(p, 3);
	*p++ = 2;
	p = put16(p, TLS_V13);
	p = put16(p, 51);                         /* key_share: no share */
	p = put16(p, 2);
	p = put16(p, 0);
	put16(ext, (uint16_t)(p - ext - 2));
	assert((size_t)(p - out) <= need);
	put16(out + 3, (uint16_t)(p - out - 5));
	put24(out + 6, (size_t)(p - out - 9));
	*used = (size_t)(p - out);
	return 0;
}

/* ServerHello body (after the 4-byte message header). */
static int
server_hello_body(const uint8_t *b, size_t len, struct tls_hello *h)
{
	size_t off = 0, sid;

	if (len < 2 + 32 + 1)
		return PEIL_EINVAL;
	h->version = be16(b);
	h->hrr = memcmp(b + 2, hrr_random, sizeof(hrr_random)) == 0;
	off = 2 + 32;
	sid = b[off++];
	if (sid > 32 || len - off < sid + 2 + 1)
		return PEIL_EINVAL;
	off += sid;
	h->suite = be16(b + off);
	off += 2;
	h->compression = b[off++];
	if (off == len)
		return 0;
	if (len - off < 2 || be16(b + off) != len - off - 2)
		return PEIL_EINVAL;
	off += 2;
	while (off < len) {
		uint16_t type, elen;

		if (len - off < 4)
			return PEIL_EINVAL;
		type = be16(b + off);
		elen = be16(b + off + 2);
		off += 4;
		if (len - off < elen)
			return PEIL_EINVAL;
		if (type == 0xff01)
			h->reneg_info = true;
		else if (type == 23)
			h->ems = true;
		else if (type == 43) {
			if (elen != 2)
				return PEIL_EINVAL;
			h->version = be16(b + off);
		} else if (type == 51) {
			/* key_share: a HelloRetryRequest's selected_group, a ServerHello's
			 * KeyShareEntry (group, key_exchange<1..2^16-1>) */
			if (h->hrr ? elen != 2 : elen < 4 || be16(b + off + 2) != elen - 4)
				return PEIL_EINVAL;
			h->group = be16(b + off);
		}
		off += elen;
	}
	return 0;
}

int
tls_server_hello_parse(const uint8_t *buf, size_t len, struct tls_hello *h)
{
	uint8_t msg[MAX_TLS_HELLO_BYTES];
	size_t off = 0, got = 0;

	memset(h, 0, sizeof(*h));
	for (;;) {
		size_t rlen;

		if (len - off < 5)
			return PEIL_EAGAIN;
		if (buf[off + 1] != 3)
			return PEIL_EINVAL;           /* not a TLS record (SSLv2, HTTP, SMTP ...) */
		rlen = be16(buf + off + 3);
		if (rlen == 0 || rlen > MAX_RECORD)
			return PEIL_EINVAL;
		if (buf[off] == REC_ALERT) {
			if (got != 0 || rlen != 2)
				return PEIL_EINVAL;
			if (len - off - 5 < 2)
				return PEIL_EAGAIN;
			h->alert_level = buf[off + 5];
			h->alert = buf[off + 6];
			return PEIL_ENOENT;
		}
		if (buf[off] != REC_HANDSHAKE)
			return PEIL_EINVAL;
		if (len - off - 5 < rlen)
			return PEIL_EAGAIN;
		if (rlen > sizeof(msg) - got)
			return PEIL_ETOOBIG;
		memcpy(msg + got, buf + off + 5, rlen);
		got += rlen;
		off += 5 + rlen;
		if (got >= 4) {
			size_t mlen = (size_t)msg[1] << 16 | (size_t)msg[2] << 8 | msg[3];

			if (msg[0] != HS_SERVER_HELLO)
				return PEIL_EINVAL;
			if (mlen > sizeof(msg) - 4)
				return PEIL_ETOOBIG;
			if (got >= 4 + mlen)
				return server_hello_body(msg + 4, mlen, h);
		}
	}
}

/* Sends a hand-built ClientHello on a fresh connection and reads the ServerHello. HS_OK
 * (*h), HS_FAIL (why), HS_STOP. */
static int
hello_send(struct eng *e, const uint8_t *out, size_t olen, struct tls_hello *h, char *why,
    size_t whylen)
{
	uint8_t *in = NULL;
	size_t sent = 0, got = 0;
	int64_t until;
	int fd = -1, rc;

	why[0] = '\0';
	if ((until = eng_until(e)) == 0)
		return HS_STOP;
	if ((rc = eng_connect(e, until, &fd)) != HS_OK)
		return rc;
	if ((in = malloc(MAX_TLS_HELLO_BYTES)) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = sent < olen ? POLLOUT : POLLIN };
		int64_t now = clock_mono_ms();
		ssize_t k;

		if (now >= until) {
			err_set(why, whylen, "no ServerHello within the time-out");
			rc = HS_FAIL;
			goto out;
		}
		if (poll(&pfd, 1, until - now > 60000 ? 60000 : (int)(until - now)) < 0 &&
		    errno != EINTR) {
			err_set(why, whylen, "poll: %s", strerror(errno));
			rc = HS_FAIL;
			goto out;
		}
		if (pfd.revents == 0)
			continue;
		if (sent < olen) {
			k = send(fd, out + sent, olen - sent, MSG_NOSIGNAL);
			if (k < 0 && errno != EAGAIN && errno != EINTR) {
				err_set(why, whylen, "%s", strerror(errno));
				rc = HS_FAIL;
				goto out;
			}
			if (k > 0)
				sent += (size_t)k;
			continue;
		}
		k = recv(fd, in + got, MAX_TLS_HELLO_BYTES - got, 0);
		if (k < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			err_set(why, whylen, "%s", strerror(errno));
			rc = HS_FAIL;
			goto out;
		}
		if (k == 0) {
			err_set(why, whylen, "connection closed by the server");
			rc = HS_FAIL;
			goto out;
		}
		got += (size_t)k;
		rc = tls_server_hello_parse(in, got, h);
		e->tls_seen |= rc == 0 || rc == PEIL_ENOENT;
		if (rc == 0) {
			rc = HS_OK;
			goto out;
		}
		if (rc == PEIL_ENOENT) {
			err_set(why, whylen, "alert: %s", SSL_alert_desc_string_long(h->alert));
			rc = HS_FAIL;
			goto out;
		}
		if (rc == PEIL_EAGAIN && got < MAX_TLS_HELLO_BYTES)
			continue;
		err_set(why, whylen, rc == PEIL_EINVAL ? "not a TLS ServerHello" :
		    "ServerHello too big");
		rc = HS_FAIL;
		goto out;
	}
out:
	free(in);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int
hello_try(struct eng *e, uint16_t version, const uint16_t *suites, size_t n, bool deflate,
    struct tls_hello *h, char *why, size_t whylen)
{
	uint8_t out[HELLO_OUT_MAX];
	size_t olen;

	if (tls_client_hello_build(version, suites, n, deflate, e->t->sni, out, sizeof(out),
	    &olen) != 0) {
		err_set(why, whylen, "cannot build the ClientHello");
		return HS_FAIL;
	}
	return hello_send(e, out, olen, h, why, whylen);
}

/* A TLS 1.3 hello without a key share (tls_client_hello13_build) offering suites and
 * groups: HS_OK when the server named a TLS 1.3 suite and group (*suite, *group; in a
 * HelloRetryRequest, so that neither side computed a key exchange), HS_FAIL (why: refused,
 * or an answer that is not one), HS_STOP, PEIL_ENOMEM. */
static int
hello13_try(struct eng *e, const uint16_t *suites, size_t n, const uint16_t *groups,
    size_t ng, uint16_t *suite, uint16_t *group, char *why, size_t whylen)
{
	uint8_t out[HELLO_OUT_MAX];
	struct tls_hello h;
	size_t olen;
	int rc;

	*suite = *group = 0;
	if (tls_client_hello13_build(suites, n, groups, ng, e->t->sni, out, sizeof(out),
	    &olen) != 0) {
		err_set(why, whylen, "cannot build the ClientHello");
		return HS_FAIL;
	}
	if ((rc = hello_send(e, out, olen, &h, why, whylen)) != HS_OK)
		return rc;
	if (h.version != TLS_V13 || !has16(suites, n, h.suite) || !has16(groups, ng, h.group)) {
		err_set(why, whylen, "answered with version 0x%04x, suite 0x%04x, group %u",
		    h.version, h.suite, h.group);
		return HS_FAIL;
	}
	e->r->flights++;
	e->r->hello_stops++;
	*suite = h.suite;
	*group = h.group;
	return HS_OK;
}

/* Step 1 for TLS 1.1 and 1.0 once what a full TLS <= 1.2 handshake shows is known
 * (versions_probe): a hand-built hello (tls_client_hello_build) read to the ServerHello,
 * offering the suites OpenSSL offers for versions[vi] in its order, then the weak ones it
 * cannot (e->weak); its answer into *a. Nothing into the report but the try (version_note
 * notes it). 0 or PEIL_ENOMEM. */
static int
version_ask(struct eng *e, int vi, struct hello_ask *a)
{
	uint16_t offer[HELLO_SUITES];
	SSL *ssl = SSL_new(e->ctx);
	STACK_OF(SSL_CIPHER) *sk = NULL;
	struct tls_hello h;
	size_t n = 0;
	int rc;

	memset(a, 0, sizeof(*a));
	if (ssl == NULL || SSL_set_min_proto_version(ssl, versions[vi]) != 1 ||
	    SSL_set_max_proto_version(ssl, versions[vi]) != 1 ||
	    (sk = SSL_get1_supported_ciphers(ssl)) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (int j = 0; j < sk_SSL_CIPHER_num(sk); j++)
		(void)add16(offer, &n, HELLO_SUITES,
		    SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(sk, j)));
	for (size_t j = 0; j < e->nweak; j++)
		(void)add16(offer, &n, HELLO_SUITES, e->weak[j]);
	rc = hello_try(e, versions[vi], offer, n, false, &h, a->why, sizeof(a->why));
	if (rc == PEIL_ENOMEM)
		goto out;
	if (rc == HS_STOP) {
		rc = 0;
		goto out;
	}
	if (rc == HS_OK && h.version == versions[vi] && has16(offer, n, h.suite)) {
		a->ans = ASK_WEAK;
		a->suite = h.suite;
		for (int j = 0; j < sk_SSL_CIPHER_num(sk) && a->cp == NULL; j++)
			if (SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(sk, j)) == h.suite)
				a->cp = sk_SSL_CIPHER_value(sk, j);
		if (a->cp != NULL)
			a->ans = ASK_ACCEPTED;
	} else {
		a->ans = ASK_REFUSED;
		if (rc == HS_OK)
			snprintf(a->why, sizeof(a->why), "answered with version 0x%04x, suite 0x%04x",
			    h.version, h.suite);
	}
	rc = 0;
out:
	sk_SSL_CIPHER_free(sk);
	SSL_free(ssl);
	ERR_clear_error();
	return rc;
}

/* version_ask's answer a on versions[vi], into e's report. Accepted: the chosen suite is
 * found (suites_probe goes on from it); refused: weak_probe has nothing to ask there; HS_OK
 * either way. HS_FAIL when the server chose a weak suite: OpenSSL's own handshake is to find
 * the first suite then, as if no hello had been sent (so the suites keep the order they are
 * found in). HS_STOP when it was not asked. */
static int
version_note(struct eng *e, int vi, const struct hello_ask *a)
{
	if (a->ans == ASK_NONE)
		return HS_STOP;
	e->r->version_tried[vi] = true;
	if (a->ans == ASK_WEAK)
		return HS_FAIL;
	if (a->ans == ASK_ACCEPTED) {
		suite_add(e, vi, a->suite, a->cp);
		return HS_OK;
	}
	first_why(e, version_names[vi], a->why);
	e->weak_asked[vi] = true;
	return HS_OK;
}

/* version_ask and version_note: HS_OK, HS_FAIL, HS_STOP (as version_note), PEIL_ENOMEM. */
static int
version_hello(struct eng *e, int vi)
{
	struct hello_ask a;
	int rc = version_ask(e, vi, &a);

	return rc != 0 ? rc : version_note(e, vi, &a);
}

/* Step 2: SSLv3, which OpenSSL 3 cannot speak, by a hand-built hello; its answer into *a
 * (ssl3_note notes it). */
static void
ssl3_ask(struct eng *e, struct hello_ask *a)
{
	struct tls_hello h;
	int rc;

	memset(a, 0, sizeof(*a));
	rc = hello_try(e, TLS_SSL3, ssl3_suites, NSSL3, false, &h, a->why, sizeof(a->why));
	if (rc == HS_STOP)
		return;
	if (rc == HS_OK && h.version == TLS_SSL3 && h.suite != 0x00ff &&
	    has16(ssl3_suites, NSSL3, h.suite)) {
		a->ans = ASK_ACCEPTED;
		a->suite = h.suite;
		return;
	}
	a->ans = ASK_REFUSED;
	if (rc == HS_OK)
		snprintf(a->why, sizeof(a->why), "answered with version 0x%04x", h.version);
}

/* ssl3_ask's answer a, into e's report. */
static void
ssl3_note(struct eng *e, const struct hello_ask *a)
{
	if (a->ans == ASK_NONE)
		return;
	e->r->version_tried[4] = true;
	if (a->ans == ASK_ACCEPTED) {
		e->r->available = true;
		suite_add(e, 4, a->suite, NULL);
		return;
	}
	first_why(e, version_names[4], a->why);
}

/* Step 2 (ssl3_ask, ssl3_note). */
static void
ssl3_probe(struct eng *e)
{
	struct hello_ask a;

	ssl3_ask(e, &a);
	ssl3_note(e, &a);
}

/* The answer to the order check, pv's suites offered in reverse: the server chose suite.
 * Its first choice being our first (the last found) means it follows our order. */
static void
order_note(struct tls_version_suites *pv, uint16_t suite)
{
	if (suite == pv->suites[pv->nsuites - 1])
		pv->server_order = 0;
	else if (has16(pv->suites, pv->nsuites, suite))
		pv->server_order = 1;
}

/* The order question asked along the suite enumeration (suites_probe, suites13_probe), so
 * that no try of its own is needed: while *ask is 1, a try offers the suites not yet found
 * and then the first one found (c0) last. The server chose suite: a new one ahead of c0,
 * which it chose over that one when both were offered: it follows our order (server_order
 * 0), and from then on choosing c0 means it accepts none of the others offered (the
 * enumeration is done); c0 on the first such try: either it prefers c0 whatever our order,
 * or it accepts nothing else: c0 is left out from then on (*ask 2), and a new suite found
 * without it says the former (server_order 1). *ask 0: not asked (the first suite has no
 * OpenSSL name). Returns 1 (a new suite: add it), 0 (the enumeration is done) or 2 (try
 * again, without c0). */
static int
order_ask(struct tls_version_suites *pv, int *ask, uint16_t suite)
{
	if (*ask == 1 && suite == pv->suites[0]) {
		if (pv->server_order == 0)
			return 0;
		*ask = 2;
		return 2;
	}
	if (has16(pv->suites, pv->nsuites, suite))
		return 0;                         /* picked one we did not offer */
	if (*ask != 0 && pv->server_order < 0 && pv->nsuites == 1)
		pv->server_order = *ask == 1 ? 0 : 1;
	return 1;
}

/* Appends "sep name" to a growing string; false when it does not fit. */
static bool
str_add(char *buf, size_t buflen, size_t *off, const char *sep, const char *name)
{
	int n = snprintf(buf + *off, buflen - *off, "%s%s", *off ? sep : "", name);

	if (n < 0 || (size_t)n >= buflen - *off)
		return false;
	*off += (size_t)n;
	return true;
}

/* The TLS 1.3 groups OpenSSL offers, IANA ids, into g. */
static size_t
groups13(uint16_t *g)
{
	size_t n = 0;

	for (size_t i = 0; i < NGROUPS; i++)
		if (groups_all[i].v13)
			g[n++] = groups_all[i].iana;
	return n;
}

/* The TLS 1.3 groups not yet found, into g. */
static size_t
groups13_left(const struct tls_report *r, uint16_t *g)
{
	size_t n = 0;

	for (size_t i = 0; i < NGROUPS; i++)
		if (groups_all[i].v13 && !has16(r->groups, r->ngroups, groups_all[i].iana))
			g[n++] = groups_all[i].iana;
	return n;
}

/* Step 3 on TLS 1.3 with first-flight tries: as suites_probe, by hellos without a key share
 * whose HelloRetryRequest names the suite (hello13_try): no key exchange, no signature.
 * On TLS 1.3 any accepted suite goes with any accepted group, so each try offers only the
 * groups not yet found and finds a group too (step 4's work). Refused, the offer of suites
 * or of groups held none the server takes: with the first suite offered last (order_ask),
 * the groups; else one more try, the groups left with every suite, says which (taken: the
 * suites, and the group is new; refused: the groups). Groups exhausted, the suites go on
 * with every group offered; and step 4 has nothing left to ask. */
static int
suites13_probe(struct eng *e)
{
	struct tls_report *r = e->r;
	struct tls_version_suites *pv = &r->per_version[e->pv[0]];
	uint16_t offer[NSUITES13 + 1], groups[NGROUPS], left[NGROUPS], suite, group;
	size_t ng = groups13(groups), nl = 0;
	char why[200];
	int rc, ask = pv->nsuites == 1 ? 1 : 0;
	bool joint = true;

	while (pv->nsuites < TLS_MAX_SUITES && !e->stop) {
		size_t n = 0;

		for (size_t i = 0; i < NSUITES13; i++)
			if (!has16(pv->suites, pv->nsuites, suites13_iana[i]))
				offer[n++] = suites13_iana[i];
		if (n == 0)
			break;
		if (ask == 1)
			offer[n++] = pv->suites[0];
		if (joint && (nl = groups13_left(r, left)) == 0) {
			joint = false;
			e->groups13_done = true;
		}
		rc = hello13_try(e, offer, n, joint ? left : groups, joint ? nl : ng, &suite,
		    &group, why, sizeof(why));
		if (rc == PEIL_ENOMEM)
			return rc;
		if (rc != HS_OK && joint) {
			joint = false;
			if (ask != 1) {
				rc = hello13_try(e, suites13_iana, NSUITES13, left, nl, &suite, &group,
				    why, sizeof(why));
				if (rc == PEIL_ENOMEM)
					return rc;
				if (rc == HS_OK) {
					(void)add16(r->groups, &r->ngroups, TLS_MAX_GROUPS, group);
					if (has16(pv->suites, pv->nsuites, suite))
						break;            /* the suites are exhausted */
					/* not so simple a server: go on the plain way */
					suite_add(e, 0, suite, NULL);
					for (size_t i = 0; i < NSUITES13; i++)
						if (suites13_iana[i] == suite)
							e->f[0].names[pv->nsuites - 1] = suites13[i];
					ask = 0;
					continue;
				}
				if (e->stop)
					break;
			}
			e->groups13_done = true;          /* refused with an accepted suite offered */
			continue;
		}
		if (rc != HS_OK)
			break;
		(void)add16(r->groups, &r->ngroups, TLS_MAX_GROUPS, group);
		if ((rc = order_ask(pv, &ask, suite)) == 0)
			break;
		if (rc == 2)
			continue;
		for (size_t i = 0; i < NSUITES13; i++)
			if (suites13_iana[i] == suite && pv->nsuites < TLS_MAX_SUITES) {
				suite_add(e, 0, suite, NULL);
				e->f[0].names[pv->nsuites - 1] = suites13[i];
			}
	}
	if (pv->nsuites >= 2 && pv->nsuites <= NSUITES13 && pv->server_order < 0 && !e->stop) {
		for (size_t j = 0; j < pv->nsuites; j++)
			offer[j] = pv->suites[pv->nsuites - 1 - j];
		rc = hello13_try(e, offer, pv->nsuites, groups, ng, &suite, &group, why,
		    sizeof(why));
		if (rc == PEIL_ENOMEM)
			return rc;
		if (rc != HS_OK)
			return 0;
		order_note(pv, suite);
	}
	return 0;
}

/* Step 4 on TLS 1.3 with first-flight tries: every group, offer all but those found until
 * the server refuses, by hellos without a key share (hello13_try); nothing to do when
 * suites13_probe found them all on its way. */
static int
groups13_probe(struct eng *e)
{
	struct tls_report *r = e->r;
	uint16_t all[NGROUPS], offer[NGROUPS], suite, group;
	size_t na = groups13(all);
	char why[200];
	int rc;

	r->groups_version = TLS_V13;
	while (!e->groups13_done && !e->stop && r->ngroups < TLS_MAX_GROUPS) {
		size_t n = 0;

		for (size_t i = 0; i < na; i++)
			if (!has16(r->groups, r->ngroups, all[i]))
				offer[n++] = all[i];
		if (n == 0)
			break;
		rc = hello13_try(e, suites13_iana, NSUITES13, offer, n, &suite, &group, why,
		    sizeof(why));
		if (rc == PEIL_ENOMEM)
			return rc;
		if (rc != HS_OK || has16(r->groups, r->ngroups, group))
			break;
		(void)add16(r->groups, &r->ngroups, TLS_MAX_GROUPS, group);
	}
	return 0;
}

/* Whether name is among the first n suites found. */
static bool
found_has(const struct found *f, size_t n, const char *name)
{
	for (size_t j = 0; j < n; j++)
		if (f->names[j] != NULL && strcmp(f->names[j], name) == 0)
			return true;
	return false;
}

/* A new item on a copy of e (its counters from 0, splitting nothing), next in line: the
 * lane that is free first takes it once ln->lock is let go (the caller holds it and sets
 * what the item is to do). NULL when every item is in use. */
static struct lane_item *
item_next(struct lanes *ln, const struct eng *e)
{
	struct lane_item *h;

	if (ln->nitems >= LANE_ITEMS)
		return NULL;
	h = &ln->items[ln->nitems++];
	h->first = h->last = h->half_vi = -1;
	h->state = ITEM_QUEUED;
	h->e = *e;
	h->r = *e->r;
	h->e.r = &h->r;
	h->e.half = true;
	h->r.handshakes = h->r.flights = h->r.hello_stops = 0;
	memmove(&ln->queue[ln->next + 1], &ln->queue[ln->next],
	    (ln->nqueue - ln->next) * sizeof(ln->queue[0]));
	ln->queue[ln->next] = (int)(h - ln->items);
	ln->nqueue++;
	pthread_cond_broadcast(&ln->done);
	return h;
}

/* With two lanes, on a TLS <= 1.2 version whose server follows our order: it takes, of what
 * is offered, the first suite it accepts, so the suites OpenSSL offers that are not found
 * yet, in OpenSSL's order, cut in two halves, are enumerated apart, each with the first
 * suite found offered last (to end it): e on the first half, a copy of it (lane_item) on
 * the second, queued for either lane; put back together (lanes_wait, eng_merge) they are
 * what one enumeration of all gives, at one more try. NULL when not split (too few left,
 * no room, out of memory). */
static struct lane_item *
suites_split(struct eng *e, int vi)
{
	struct lanes *ln = e->ln;
	struct tls_version_suites *pv = &e->r->per_version[e->pv[vi]];
	STACK_OF(SSL_CIPHER) *sk = NULL;
	struct lane_item *h = NULL;
	SSL *ssl = NULL;
	char offer[8192];
	size_t off = 0, n = 0;
	bool room = true;

	room &= str_add(offer, sizeof(offer), &off, ":", ALL12);
	for (size_t j = 0; j < pv->nsuites; j++)
		if (e->f[vi].names[j] != NULL)
			room &= str_add(offer, sizeof(offer), &off, ":!", e->f[vi].names[j]);
	room &= str_add(offer, sizeof(offer), &off, ":", SECLEVEL0);
	if (!room || (ssl = SSL_new(e->ctx)) == NULL ||
	    SSL_set_min_proto_version(ssl, versions[vi]) != 1 ||
	    SSL_set_max_proto_version(ssl, versions[vi]) != 1 ||
	    SSL_set_cipher_list(ssl, offer) != 1 ||
	    (sk = SSL_get1_supported_ciphers(ssl)) == NULL)
		goto out;
	for (int j = 0; j < sk_SSL_CIPHER_num(sk) && n < HELLO_SUITES; j++)
		ln->split[vi][n++] = SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, j));
	if (n < 2)
		goto out;
	ln->nsplit[vi] = n;
	e->split_vi = vi;
	e->split_lo = 0;
	e->split_hi = n / 2;
	pthread_mutex_lock(&ln->lock);
	if ((h = item_next(ln, e)) != NULL) {
		h->half_vi = vi;
		h->n0 = pv->nsuites;
		h->e.rank = e->rank + 1;
		h->e.split_lo = n / 2;
		h->e.split_hi = n;
	}
	pthread_mutex_unlock(&ln->lock);
	if (h == NULL)
		e->split_vi = -1;
out:
	sk_SSL_CIPHER_free(sk);
	SSL_free(ssl);
	ERR_clear_error();
	return h;
}

/* The second half's suites after the first's (suites_split). */
static void
half_merge(struct eng *e, int vi, const struct lane_item *h)
{
	struct tls_version_suites *pv = &e->r->per_version[e->pv[vi]];
	const struct tls_version_suites *hv = &h->r.per_version[h->e.pv[vi]];
	const struct found *hf = &h->e.f[vi];
	struct found *f = &e->f[vi];

	for (size_t j = h->n0; j < hv->nsuites && pv->nsuites < TLS_MAX_SUITES; j++) {
		if (has16(pv->suites, pv->nsuites, hv->suites[j]))
			continue;
		f->names[pv->nsuites] = hf->names[j];
		f->kx[pv->nsuites] = hf->kx[j];
		f->auth[pv->nsuites] = hf->auth[j];
		pv->suites[pv->nsuites++] = hv->suites[j];
	}
	eng_merge(e, h);
}

/* Step 3: every suite of version vi: offer all but those found, until the server refuses
 * (or, following our order, takes the first one found offered last: order_ask); whether it
 * enforces its order is asked along the way, else by one more try (the found ones
 * reversed). With two lanes, a server following our order has the rest enumerated in two
 * halves at once (suites_split). */
static int
suites_probe(struct eng *e, int vi)
{
	struct tls_version_suites *pv = &e->r->per_version[e->pv[vi]];
	struct found *f = &e->f[vi];
	struct lane_item *half = NULL;
	char offer[8192];
	int ask = pv->nsuites == 1 && f->names[0] != NULL ? 1 : 0, rc = 0;

	if (vi == 0 && e->flight)
		return suites13_probe(e);
	while (pv->nsuites < TLS_MAX_SUITES && !e->stop) {
		struct hs o = { .version = versions[vi], .flight = e->flight };
		struct conn c;
		char why[200];
		const SSL_CIPHER *cp;
		uint16_t suite, scheme;
		size_t off = 0;
		bool room = true;

		if (versions[vi] == TLS_V13) {
			for (size_t i = 0; i < NSUITES13; i++) {
				bool have = false;

				for (size_t j = 0; j < pv->nsuites; j++)
					have |= f->names[j] != NULL && strcmp(f->names[j], suites13[i]) == 0;
				if (!have)
					room &= str_add(offer, sizeof(offer), &off, ":", suites13[i]);
			}
			if (off == 0)
				break;
			if (ask == 1)
				room &= str_add(offer, sizeof(offer), &off, ":", f->names[0]);
			o.suites = offer;
		} else if (e->split_vi == vi) {
			/* a half (suites_split): its suites not found yet, c0 last */
			for (size_t i = e->split_lo; i < e->split_hi; i++)
				if (!found_has(f, pv->nsuites, e->ln->split[vi][i]))
					room &= str_add(offer, sizeof(offer), &off, ":",
					    e->ln->split[vi][i]);
			if (off == 0)
				break;
			room &= str_add(offer, sizeof(offer), &off, ":", f->names[0]);
			room &= str_add(offer, sizeof(offer), &off, ":", SECLEVEL0);
			o.ciphers = offer;
		} else {
			/* c0 with "-" (out, but may come back) and last again, not "!" */
			room &= str_add(offer, sizeof(offer), &off, ":", ALL12);
			for (size_t j = 0; j < pv->nsuites; j++)
				if (f->names[j] != NULL)
					room &= str_add(offer, sizeof(offer), &off,
					    j == 0 && ask == 1 ? ":-" : ":!", f->names[j]);
			if (ask == 1)
				room &= str_add(offer, sizeof(offer), &off, ":", f->names[0]);
			room &= str_add(offer, sizeof(offer), &off, ":", SECLEVEL0);
			o.ciphers = offer;
		}
		if (!room)
			break;
		rc = hs_try(e, &o, &c, why, sizeof(why));
		if (rc == PEIL_ENOMEM)
			break;
		if (rc != HS_OK) {
			rc = 0;
			break;
		}
		rc = conn_note(e, &c, &suite, &cp, &scheme);
		conn_close(&c);
		if (rc != 0)
			break;
		if ((rc = order_ask(pv, &ask, suite)) == 0)
			break;
		if (rc == 1)
			suite_add(e, vi, suite, cp);
		rc = 0;
		if (e->ln != NULL && e->t->split && !e->half && half == NULL &&
		    versions[vi] != TLS_V13 && ask == 1 && pv->server_order == 0)
			half = suites_split(e, vi);
	}
	if (half != NULL) {
		lanes_wait(e, half);
		half_merge(e, vi, half);
		e->split_vi = -1;
		if (rc == 0)
			rc = half->rc;
	}
	if (rc != 0)
		return rc;
	if (pv->nsuites >= 2 && pv->server_order < 0 && !e->stop) {
		struct hs o = { .version = versions[vi], .flight = e->flight };
		struct conn c;
		char why[200];
		const SSL_CIPHER *cp;
		uint16_t suite, scheme;
		size_t off = 0;
		bool room = true;

		for (size_t j = pv->nsuites; j-- > 0;)
			room &= str_add(offer, sizeof(offer), &off, ":", f->names[j]);
		if (versions[vi] == TLS_V13)
			o.suites = offer;
		else {
			room &= str_add(offer, sizeof(offer), &off, ":", SECLEVEL0);
			o.ciphers = offer;
		}
		if (!room)
			return 0;
		rc = hs_try(e, &o, &c, why, sizeof(why));
		if (rc == PEIL_ENOMEM)
			return rc;
		if (rc != HS_OK)
			return 0;
		rc = conn_note(e, &c, &suite, &cp, &scheme);
		conn_close(&c);
		if (rc != 0)
			return rc;
		order_note(pv, suite);
	}
	return 0;
}

/* Step 4: the groups: on TLS 1.3, else TLS <= 1.2 with the ECDHE suites found; offer all
 * but those found until the server refuses. */
static int
groups_probe(struct eng *e)
{
	struct tls_report *r = e->r;
	char ciphers[4096], offer[512];
	int vi = -1;
	bool ec13;

	if (e->pv[0] >= 0 && e->flight)
		return groups13_probe(e);
	if (e->pv[0] >= 0)
		vi = 0;
	else
		for (int i = 1; i < TLS_NVERSIONS - 1 && vi < 0; i++) {
			struct tls_version_suites *pv;
			size_t off = 0;

			if (e->pv[i] < 0)
				continue;
			pv = &r->per_version[e->pv[i]];
			for (size_t j = 0; j < pv->nsuites; j++)
				if (e->f[i].kx[j] == NID_kx_ecdhe && e->f[i].names[j] != NULL)
					(void)str_add(ciphers, sizeof(ciphers), &off, ":", e->f[i].names[j]);
			if (off != 0 && str_add(ciphers, sizeof(ciphers), &off, ":", SECLEVEL0))
				vi = i;
		}
	if (vi < 0)
		return 0;
	r->groups_version = versions[vi];
	ec13 = vi == 0;
	while (!e->stop) {
		struct hs o = { .version = versions[vi], .ciphers = ec13 ? NULL : ciphers,
		    .flight = e->flight };
		struct conn c;
		char why[200];
		const SSL_CIPHER *cp;
		uint16_t suite, scheme;
		size_t off = 0, before = r->ngroups;
		int rc;

		for (size_t i = 0; i < NGROUPS; i++) {
			const struct group *g = &groups_all[i];

			if ((ec13 ? g->v13 : g->ec) && !has16(r->groups, r->ngroups, g->iana))
				(void)str_add(offer, sizeof(offer), &off, ":", g->name);
		}
		if (off == 0 || r->ngroups >= TLS_MAX_GROUPS)
			break;
		o.groups = offer;
		rc = hs_try(e, &o, &c, why, sizeof(why));
		if (rc == PEIL_ENOMEM)
			return rc;
		if (rc != HS_OK)
			break;
		rc = conn_note(e, &c, &suite, &cp, &scheme);
		conn_close(&c);
		if (rc != 0)
			return rc;
		if (r->ngroups == before)
			break;                        /* nothing new: do not loop */
	}
	return 0;
}

/* Step 5: TLS 1.2 key-exchange signature hashes: offer every hash not yet seen, until the
 * server refuses. */
static int
sigs_probe(struct eng *e)
{
	struct tls_report *r = e->r;
	struct tls_version_suites *pv;
	bool seen[NSIGHASH] = { false };
	char ciphers[4096], offer[1024];
	size_t coff = 0;

	if (e->pv[1] < 0)
		return 0;
	pv = &r->per_version[e->pv[1]];
	for (size_t j = 0; j < pv->nsuites; j++) {
		int kx = e->f[1].kx[j], au = e->f[1].auth[j];

		if ((kx == NID_kx_ecdhe || kx == NID_kx_dhe) &&
		    (au == NID_auth_rsa || au == NID_auth_ecdsa || au == NID_auth_dss) &&
		    e->f[1].names[j] != NULL)
			(void)str_add(ciphers, sizeof(ciphers), &coff, ":", e->f[1].names[j]);
	}
	if (coff == 0 || !str_add(ciphers, sizeof(ciphers), &coff, ":", SECLEVEL0))
		return 0;
	for (size_t i = 0; i < r->nsigschemes; i++) {
		int k = sig_hash_index(r->sigschemes[i]);

		if (k >= 0)
			seen[k] = true;
	}
	while (!e->stop) {
		struct hs o = { .version = TLS1_2_VERSION, .ciphers = ciphers, .sigalgs = offer,
		    .flight = e->flight };
		struct conn c;
		char why[200];
		const SSL_CIPHER *cp;
		uint16_t suite, scheme;
		size_t off = 0;
		int rc, k;

		for (size_t i = 0; i < NSIGHASH; i++)
			if (!seen[i])
				(void)str_add(offer, sizeof(offer), &off, ":", sig_by_hash[i]);
		if (off == 0)
			break;
		rc = hs_try(e, &o, &c, why, sizeof(why));
		if (rc == PEIL_ENOMEM)
			return rc;
		if (rc != HS_OK)
			break;
		rc = conn_note(e, &c, &suite, &cp, &scheme);
		conn_close(&c);
		if (rc != 0)
			return rc;
		k = sig_hash_index(scheme);
		if (k < 0 || seen[k])
			break;
		seen[k] = true;
	}
	return 0;
}

/* The context every try's SSL is made from, with what all tries share: everything the
 * server may accept, however weak (trust is judged apart), every TLS 1.3 suite, the whole
 * TLS <= 1.2 cipher list; a try narrows its own SSL (hs_try). 0 or PEIL_ENOMEM. */
static int
ctx_init(struct eng *e)
{
	char all[256];
	size_t off = 0;

	all[0] = '\0';
	for (size_t i = 0; i < NSUITES13; i++)
		off += (size_t)snprintf(all + off, sizeof(all) - off, "%s%s", off ? ":" : "",
		    suites13[i]);
	if ((e->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return PEIL_ENOMEM;
	SSL_CTX_set_security_level(e->ctx, 0);
	SSL_CTX_set_options(e->ctx, SSL_OP_LEGACY_SERVER_CONNECT |
	    SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION | SSL_OP_NO_TICKET);
	SSL_CTX_set_verify(e->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_max_cert_list(e->ctx, MAX_TLS_CHAIN_BYTES);
	if (SSL_CTX_set_ciphersuites(e->ctx, all) != 1 ||
	    SSL_CTX_set_cipher_list(e->ctx, ALL12 ":" SECLEVEL0) != 1) {
		ERR_clear_error();
		return PEIL_ENOMEM;
	}
	ERR_clear_error();
	return 0;
}

/* The weak suites this OpenSSL build cannot offer. */
static int
weak_init(struct eng *e)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = NULL;
	STACK_OF(SSL_CIPHER) *sk;
	int rc = PEIL_ENOMEM;

	if (ctx == NULL)
		goto out;
	SSL_CTX_set_security_level(ctx, 0);
	if (SSL_CTX_set_cipher_list(ctx, ALL12 ":" SECLEVEL0) != 1 || (ssl = SSL_new(ctx)) == NULL)
		goto out;
	sk = SSL_get_ciphers(ssl);
	for (size_t i = 0; i < NWEAK; i++) {
		bool have = false;

		for (int j = 0; sk != NULL && j < sk_SSL_CIPHER_num(sk); j++)
			have |= SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(sk, j)) == weak_suites[i];
		if (!have)
			e->weak[e->nweak++] = weak_suites[i];
	}
	rc = 0;
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

/* Step 3b: suites OpenSSL cannot offer, by hand-built hellos on TLS 1.2 ... 1.0 (also where
 * OpenSSL's handshake failed: a server with 3DES or RC4 only). Accepted means chosen in
 * the ServerHello. On compression_probe's version of a server following our order, the
 * first hello also offers the suites found (after the weak ones) and DEFLATE: it answers
 * both questions. */
static void
weak_probe(struct eng *e, int vi)
{
	struct tls_report *r = e->r;
	bool comp = true;

	if (e->weak_asked[vi])
		return;
	for (int i = 1; i < vi; i++)
		comp &= e->pv[i] < 0;                 /* compression_probe's version */
	while (!e->stop && e->nweak > 0) {
		uint16_t offer[NWEAK + TLS_MAX_SUITES];
		size_t n = 0, nw;
		struct tls_hello h;
		char why[200];
		struct tls_version_suites *pv = e->pv[vi] >= 0 ? &r->per_version[e->pv[vi]] : NULL;

		if (pv != NULL && pv->nsuites >= TLS_MAX_SUITES)
			break;
		for (size_t i = 0; i < e->nweak; i++)
			if (pv == NULL || !has16(pv->suites, pv->nsuites, e->weak[i]))
				offer[n++] = e->weak[i];
		if (n == 0)
			break;
		/* A server following our order takes a weak suite offered first when it accepts
		 * one: then the suites it took follow, with DEFLATE, so that the same hello asks
		 * compression_probe's question. */
		nw = n;
		comp &= !e->comp_done && pv != NULL && pv->server_order == 0;
		if (comp)
			for (size_t i = 0; i < pv->nsuites; i++)
				offer[n++] = pv->suites[i];
		if (hello_try(e, versions[vi], offer, n, comp, &h, why, sizeof(why)) != HS_OK)
			break;
		if (comp) {
			e->comp_done = true;
			r->compression = h.compression == 1 ? 1 : 0;
		}
		if (h.version != versions[vi] || !has16(offer, nw, h.suite))
			break;
		r->available = true;
		suite_add(e, vi, h.suite, NULL);
		if (r->secure_reneg < 0)
			r->secure_reneg = h.reneg_info ? 1 : 0;
		if (r->ems < 0)
			r->ems = h.ems ? 1 : 0;
	}
}

/* Puts versions[] and per_version[] highest first. */
static void
versions_sort(struct tls_report *r)
{
	for (size_t i = 1; i < r->nper; i++)
		for (size_t j = i; j > 0 && r->per_version[j].version > r->per_version[j - 1].version; j--) {
			struct tls_version_suites tmp = r->per_version[j];

			r->per_version[j] = r->per_version[j - 1];
			r->per_version[j - 1] = tmp;
		}
	for (size_t i = 0; i < r->nper; i++)
		r->versions[i] = r->per_version[i].version;
}

/* The groups in groups_all's order: the order they are found in depends on how they were
 * asked for (a key share for the first offered, or none), the set does not. */
static void
groups_sort(struct tls_report *r)
{
	uint16_t out[TLS_MAX_GROUPS];
	size_t n = 0;

	for (size_t i = 0; i < NGROUPS; i++)
		if (has16(r->groups, r->ngroups, groups_all[i].iana))
			out[n++] = groups_all[i].iana;
	for (size_t i = 0; i < r->ngroups; i++)
		if (!has16(out, n, r->groups[i]) && n < TLS_MAX_GROUPS)
			out[n++] = r->groups[i];
	memcpy(r->groups, out, n * sizeof(out[0]));
	r->ngroups = n;
}

/* Step 6: compression, by a hand-built hello offering DEFLATE with suites the server took
 * (unless weak_probe's first hello asked it). */
static void
compression_probe(struct eng *e)
{
	struct tls_report *r = e->r;
	struct tls_hello h;
	char why[200];

	if (e->comp_done)
		return;
	for (int vi = 1; vi < TLS_NVERSIONS - 1; vi++) {
		struct tls_version_suites *pv;

		if (e->pv[vi] < 0)
			continue;
		pv = &r->per_version[e->pv[vi]];
		if (hello_try(e, versions[vi], pv->suites, pv->nsuites, true, &h, why,
		    sizeof(why)) == HS_OK)
			r->compression = h.compression == 1 ? 1 : 0;
		return;
	}
	if (e->pv[0] >= 0)
		r->compression = 0;                   /* TLS 1.3 has no compression */
}

/* Whether TLS 1.2 has a suite step 4 (groups_probe, without TLS 1.3) offers: then it
 * enumerates the groups there, and its tries may add signature schemes. */
static bool
groups12(const struct eng *e)
{
	const struct tls_version_suites *pv;

	if (e->pv[0] >= 0 || e->pv[1] < 0)
		return false;
	pv = &e->r->per_version[e->pv[1]];
	for (size_t j = 0; j < pv->nsuites; j++)
		if (e->f[1].kx[j] == NID_kx_ecdhe && e->f[1].names[j] != NULL)
			return true;
	return false;
}

/* Queues step 5 (sigs_probe) for the free lane, on a copy of e once TLS 1.2's suites are
 * found: it needs nothing weak_probe or the other versions find, and step 4 adds no
 * signature scheme but on TLS 1.2 (TLS 1.3's groups, or TLS 1.1's or 1.0's): where step 4
 * is on TLS 1.2 (groups12), it goes in the same item, before it, as in one lane. Its tries
 * there do not see the groups the other versions' enumerations find: it offers them too,
 * and finds the same (groups_sort orders them). */
static void
tail_spawn(struct eng *e)
{
	struct lanes *ln = e->ln;
	struct lane_item *h;
	bool groups = groups12(e);

	pthread_mutex_lock(&ln->lock);
	if (ln->sigs == NULL && (h = item_next(ln, e)) != NULL) {
		h->sigs = true;
		h->e.rank = RANK_TAIL;
		h->groups = groups;
		ln->sigs = h;
	}
	pthread_mutex_unlock(&ln->lock);
}

/* Steps 3 and 3b on version index vi; with lanes, TLS 1.3's step 4 (first-flight tries)
 * right after its suites (it needs nothing the other versions find: those it does not see
 * it offers, and finds, again), and step 5 queued once TLS 1.2's suites are found
 * (tail_spawn). 0 or PEIL_ENOMEM. */
static int
version_probe(struct eng *e, int vi)
{
	int rc;

	if (e->pv[vi] >= 0 && (rc = suites_probe(e, vi)) != 0)
		return rc;
	if (vi == 0 && e->pv[0] >= 0 && e->flight && e->ln != NULL && !e->stop) {
		if ((rc = groups_probe(e)) != 0)
			return rc;
		e->groups_done = true;
	}
	if (vi == 1 && e->pv[1] >= 0 && e->ln != NULL && !e->stop)
		tail_spawn(e);
	if (vi > 0)
		weak_probe(e, vi);
	return 0;
}

/* Whether version index vi has work in steps 3 or 3b. */
static bool
version_work(const struct eng *e, int vi)
{
	return e->pv[vi] >= 0 || (vi > 0 && !e->weak_asked[vi] && e->nweak > 0);
}

/* The hand-built hellos of steps 1 and 2, asked ahead (start_run) into asks[] by version
 * index: TLS 1.1 and 1.0 (with first-flight tries only: else they have full handshakes),
 * SSLv3. 0 or PEIL_ENOMEM. */
static int
start_asks(struct eng *e, struct hello_ask *asks)
{
	int rc;

	for (int vi = 2; vi < TLS_NVERSIONS - 1 && e->flight; vi++)
		if ((rc = version_ask(e, vi, &asks[vi])) != 0)
			return rc;
	ssl3_ask(e, &asks[4]);
	return 0;
}

/* Runs item it (on a lane), then marks it done. */
static void
item_run(struct lanes *ln, struct lane_item *it)
{
	int rc = 0;

	if (it->half_vi >= 0)
		rc = suites_probe(&it->e, it->half_vi);
	if (it->groups) {
		rc = groups_probe(&it->e);
		it->e.groups_done = true;
	}
	if (it->sigs && rc == 0)
		rc = sigs_probe(&it->e);
	if (it->hellos)
		rc = start_asks(&it->e, it->asks);
	if (it->early)
		rc = early_probe(&it->e);
	for (int vi = it->first; vi >= 0 && vi <= it->last && rc == 0; vi++)
		rc = version_probe(&it->e, vi);
	pthread_mutex_lock(&ln->lock);
	if ((it->rc = rc) != 0) {
		if (!ln->stop)
			snprintf(ln->why, sizeof(ln->why), "%s", peil_strerror(rc));
		ln->stop = true;
	}
	it->state = ITEM_DONE;
	pthread_cond_broadcast(&ln->done);
	pthread_mutex_unlock(&ln->lock);
}

/* The next queued item, marked running; NULL none. Under ln->lock. */
static struct lane_item *
item_take(struct lanes *ln)
{
	struct lane_item *it;

	if (ln->next >= ln->nqueue)
		return NULL;
	it = &ln->items[ln->queue[ln->next++]];
	it->state = ITEM_RUNNING;
	return it;
}

/* Whether an item is running, or start_run's own part: it may still queue one (the half it
 * splits off, step 5, step 1b). Under ln->lock. */
static bool
item_running(const struct lanes *ln)
{
	if (ln->queuing)
		return true;
	for (size_t k = 0; k < ln->nitems; k++)
		if (ln->items[k].state == ITEM_RUNNING)
			return true;
	return false;
}

/* Runs queued items until want is done, else (want NULL) until none is queued and none
 * runs (item_running); with nothing to take, waits for an item to end or be queued. The
 * item waited for never waits itself, and a lane whose
 * items are done waits for those a running item may queue, so that the half of an
 * enumeration split after the other lane's last item started does not run on one lane. */
static void
lanes_serve(struct lanes *ln, const struct lane_item *want)
{
	pthread_mutex_lock(&ln->lock);
	while (want == NULL || want->state != ITEM_DONE) {
		struct lane_item *it = item_take(ln);

		if (it != NULL) {
			pthread_mutex_unlock(&ln->lock);
			item_run(ln, it);
			pthread_mutex_lock(&ln->lock);
			continue;
		}
		if (want == NULL && !item_running(ln))
			break;
		pthread_cond_wait(&ln->done, &ln->lock);
	}
	pthread_mutex_unlock(&ln->lock);
}

/* The second lane's thread. */
static void *
lane_main(void *arg)
{
	lanes_serve(arg, NULL);
	return NULL;
}

/* Until want (a half, step 1b, step 1's hellos) is done: runs it if no lane took it yet,
 * else runs what else is queued, else waits. */
static void
lanes_wait(struct eng *e, struct lane_item *want)
{
	lanes_serve(e->ln, want);
}

/* What the copy in it found besides a version's suites, into e and its report, as if it
 * had run right after what e ran: lists appended in order, a first-found value (FFDH,
 * compression, renegotiation and EMS from a hand-built hello, the first failure, the partial
 * run's reason) kept from e when it has one, counters summed. */
static void
eng_merge(struct eng *e, const struct lane_item *it)
{
	struct tls_report *r = e->r;
	const struct tls_report *ir = &it->r;
	const struct eng *ie = &it->e;

	for (size_t i = 0; i < ir->ngroups; i++)
		(void)add16(r->groups, &r->ngroups, TLS_MAX_GROUPS, ir->groups[i]);
	for (size_t i = 0; i < ir->nsigschemes; i++)
		(void)add16(r->sigschemes, &r->nsigschemes, TLS_MAX_SIGS, ir->sigschemes[i]);
	if (r->ffdh_bits == 0 && ir->ffdh_bits != 0) {
		r->ffdh_bits = ir->ffdh_bits;
		r->ffdh_named = ir->ffdh_named;
		memcpy(r->ffdh_group, ir->ffdh_group, sizeof(r->ffdh_group));
	}
	if (!e->comp_done && ie->comp_done) {
		e->comp_done = true;
		r->compression = ir->compression;
	}
	if (r->secure_reneg < 0)
		r->secure_reneg = ir->secure_reneg;
	if (r->ems < 0)
		r->ems = ir->ems;
	r->available |= ir->available;
	e->tls_seen |= ie->tls_seen;
	e->groups13_done |= ie->groups13_done;
	e->groups_done |= ie->groups_done;
	if (r->groups_version == 0)
		r->groups_version = ir->groups_version;
	if (r->why[0] == '\0')
		memcpy(r->why, ir->why, sizeof(r->why));
	if (!r->partial && ir->partial) {
		r->partial = true;
		memcpy(r->partial_why, ir->partial_why, sizeof(r->partial_why));
	}
	e->stop |= ie->stop;
	r->handshakes += ir->handshakes;
	r->flights += ir->flights;
	r->hello_stops += ir->hello_stops;
}

/* What a version's item found, into e and its report (eng_merge), its versions' suites. */
static void
lane_merge(struct eng *e, const struct lane_item *it)
{
	struct tls_report *r = e->r;

	for (int vi = it->first; vi <= it->last; vi++) {
		e->weak_asked[vi] = it->e.weak_asked[vi];
		if (it->e.pv[vi] < 0)
			continue;
		if (e->pv[vi] < 0) {
			e->pv[vi] = (int)r->nper++;
			r->versions[r->nversions++] = versions[vi];
		}
		r->per_version[e->pv[vi]] = it->r.per_version[it->e.pv[vi]];
		e->f[vi] = it->e.f[vi];
	}
	eng_merge(e, it);
}

/* What two lanes of e share (struct lanes), with room for LANE_ITEMS items, none made yet;
 * NULL when out of memory. lanes_free frees it. */
static struct lanes *
lanes_new(const struct eng *e)
{
	struct lanes *ln = calloc(1, sizeof(*ln));

	if (ln == NULL)
		return NULL;
	if ((ln->items = calloc(LANE_ITEMS, sizeof(*ln->items))) == NULL ||
	    pthread_mutex_init(&ln->lock, NULL) != 0) {
		free(ln->items);
		free(ln);
		return NULL;
	}
	if (pthread_cond_init(&ln->done, NULL) != 0) {
		pthread_mutex_destroy(&ln->lock);
		free(ln->items);
		free(ln);
		return NULL;
	}
	ln->dh_rank = RANK_NONE;
	ln->hs = e->r->handshakes;
	return ln;
}

static void
lanes_free(struct lanes *ln)
{
	if (ln == NULL)
		return;
	pthread_cond_destroy(&ln->done);
	pthread_mutex_destroy(&ln->lock);
	free(ln->items);
	free(ln);
}

/* Steps 3 and 3b on two lanes: the calling thread and one more take the versions' items
 * (TLS 1.2's first: it has the most suites; then the others highest first; TLS 1.3's with
 * its step 4), the halves an item splits off (suites_split) and step 5 (with step 4 before
 * it when that is on TLS 1.2) once TLS 1.2's suites are found (tail_spawn, merged last: as
 * if it had run after the versions), each on its own copies (lane_item), sharing the target,
 * the SSL_CTX, the handshake budget and the stop (struct lanes); then the items are merged
 * highest version first (lane_merge), so that the report does not depend on which lane ran
 * what, nor when. One item a version, but for weak_probe's compression question: it is
 * asked on the highest version with suites found if no higher one has any, so the higher
 * versions whose hand-built hellos may still find suites go in the same item, before it.
 * Not when the chain is not kept yet (each lane would keep one) or the run has stopped.
 * Returns 0, PEIL_ENOMEM, or 1 when one lane does as well (fewer than two items and no
 * version to split, t->split): nothing was done. */
static int
lanes_run(struct eng *e)
{
	struct lanes *ln = NULL;
	struct lane_item *items;
	size_t n = 0;
	pthread_t th;
	bool two;
	int c = -1, vi = 1, rc = 0;

	for (int i = 0; i < TLS_NVERSIONS - 1; i++)
		n += version_work(e, i) ? 1 : 0;
	if (n == 0 || (n == 1 && (e->pv[0] >= 0 || !e->t->split)) || e->r->nchain == 0 ||
	    e->stop)
		return 1;
	if ((ln = lanes_new(e)) == NULL)
		return PEIL_ENOMEM;
	ln->connected = true;                 /* the chain came: steps 1 and 2 connected */
	items = ln->items;
	for (int i = 1; i < TLS_NVERSIONS - 1 && c < 0; i++)
		if (e->pv[i] >= 0)
			c = i;
	n = 0;
	if (version_work(e, 0))
		items[n++] = (struct lane_item){ .first = 0, .last = 0 };
	for (int i = 1; i < c; i++)
		if (version_work(e, i)) {
			items[n++] = (struct lane_item){ .first = 1, .last = c };
			vi = c + 1;
			break;
		}
	for (; vi < TLS_NVERSIONS - 1; vi++)
		if (version_work(e, vi))
			items[n++] = (struct lane_item){ .first = vi, .last = vi };
	for (size_t k = 0; k < n; k++)
		if (items[k].first <= 1 && items[k].last >= 1)
			ln->queue[ln->nqueue++] = (int)k;
	for (size_t k = 0; k < n; k++)
		if (!(items[k].first <= 1 && items[k].last >= 1))
			ln->queue[ln->nqueue++] = (int)k;
	for (size_t k = 0; k < n; k++) {
		items[k].half_vi = -1;
		items[k].e = *e;
		items[k].r = *e->r;
		items[k].e.r = &items[k].r;
		items[k].e.ln = ln;
		items[k].e.rank = 2 * (int)k;
		items[k].r.handshakes = items[k].r.flights = items[k].r.hello_stops = 0;
	}
	ln->nitems = n;
	/* No second thread: this one runs every item, the report the same. */
	two = pthread_create(&th, NULL, lane_main, ln) == 0;
	lanes_serve(ln, NULL);
	if (two)
		(void)pthread_join(th, NULL);
	for (size_t k = 0; k < n; k++) {
		if (items[k].rc != 0 && rc == 0)
			rc = items[k].rc;
		lane_merge(e, &items[k]);
	}
	e->lanes_refused |= ln->refused;
	if (ln->sigs != NULL) {
		if (ln->sigs->rc != 0 && rc == 0)
			rc = ln->sigs->rc;
		eng_merge(e, ln->sigs);
		e->sigs_done = true;
	}
	lanes_free(ln);
	return rc;
}

/* Step 1b's answer, found on a copy (start_run), into e's report. */
static void
early_merge(struct eng *e, const struct lane_item *it)
{
	e->r->early_data = it->r.early_data;
	memcpy(e->r->early_reply, it->r.early_reply, sizeof(e->r->early_reply));
	memcpy(e->r->early_why, it->r.early_why, sizeof(e->r->early_why));
	eng_merge(e, it);
}

/* Steps 1, 1b and 2 on two lanes: this thread makes TLS 1.3's and 1.2's full handshakes on
 * e while the other lane asks the hand-built hellos of TLS 1.1, 1.0 and SSLv3 ahead
 * (start_asks: with first-flight tries they need nothing from the full handshakes but
 * whether one of TLS 1.1 or 1.0 is still due, which versions_probe decides after them, as on
 * one lane), and step 1b, once TLS 1.3's handshake kept a session, goes to the lane free
 * first; each item on a copy (lane_item), sharing the budget and the stop (struct lanes).
 * Then the hellos' answers are noted in step 1's order (versions_probe, ssl3_note), so that
 * the report is the one lane's whichever lane was faster: but that a version whose hello was
 * refused while no full TLS <= 1.2 handshake had completed has none (on one lane it has one,
 * refused too), and the tries counted. A lane's connect failing, unless every lane's did,
 * sets e->lanes_refused (tls_probe runs again on one lane). 0 or PEIL_ENOMEM. */
static int
start_run(struct eng *e)
{
	struct lanes *ln;
	struct lane_item *it, *early = NULL;
	pthread_t th;
	bool two;
	int rc;

	if ((ln = lanes_new(e)) == NULL)
		return PEIL_ENOMEM;
	e->ln = ln;
	pthread_mutex_lock(&ln->lock);
	it = item_next(ln, e);
	assert(it != NULL);                   /* the first of LANE_ITEMS */
	it->hellos = true;
	ln->queuing = true;
	pthread_mutex_unlock(&ln->lock);
	/* No second thread: lanes_wait runs the items here, the report the same. */
	two = pthread_create(&th, NULL, lane_main, ln) == 0;
	rc = versions_probe(e, 0, 0, NULL);
	pthread_mutex_lock(&ln->lock);
	if (rc == 0 && e->ticket != NULL) {
		early = item_next(ln, e);
		assert(early != NULL);            /* the second */
		early->early = true;
	}
	ln->queuing = false;
	pthread_cond_broadcast(&ln->done);
	pthread_mutex_unlock(&ln->lock);
	if (rc == 0)
		rc = versions_probe(e, 1, 1, NULL);
	if (early != NULL)
		lanes_wait(e, early);
	lanes_wait(e, it);
	if (two)
		(void)pthread_join(th, NULL);
	/* A server taking one connection at a time refuses the second; the other lane's
	 * refusal may also have come before this one's first try, which it stopped. Only when
	 * every lane's first connect failed is it a server taking none. */
	e->lanes_refused |= ln->refused && (ln->connected || e->r->handshakes == 0);
	if (rc == 0)
		rc = it->rc;
	if (rc == 0 && early != NULL)
		rc = early->rc;
	if (rc == 0)
		rc = versions_probe(e, 2, TLS_NVERSIONS - 2, it->asks);
	if (rc == 0 && early != NULL)
		early_merge(e, early);
	if (rc == 0 && !e->stop)
		ssl3_note(e, &it->asks[4]);
	eng_merge(e, it);
	e->ln = NULL;
	lanes_free(ln);
	return rc;
}

void
tls_report_clear(struct tls_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < MAX_TLS_CHAIN_CERTS; i++)
		free(r->der[i]);
	memset(r, 0, sizeof(*r));
	r->compression = -1;
	r->secure_reneg = -1;
	r->client_reneg = -1;
	r->ems = -1;
	r->early_data = -1;
	r->ocsp_stapled = -1;
	r->ocsp_valid = -1;
}

/* One run of the engine (tls_probe); *refused: it ran on two lanes and a lane's connect
 * failed. */
static int
eng_run(const struct tls_target *t, struct tls_report *r, bool *refused)
{
	struct eng e;
	int64_t t0 = clock_mono_ms();
	int rc = 0;

	memset(r, 0, sizeof(*r));
	tls_report_clear(r);
	memset(&e, 0, sizeof(e));
	e.t = t;
	e.r = r;
	e.max_hs = t->max_handshakes != 0 ? t->max_handshakes : MAX_TLS_HANDSHAKES;
	e.hs_ms = t->handshake_ms != 0 ? t->handshake_ms : DEFAULT_TLS_HANDSHAKE_MS;
	e.deadline = t->deadline_ms;
	e.flight = !t->full_handshakes;
	for (int i = 0; i < TLS_NVERSIONS; i++)
		e.pv[i] = -1;
	e.split_vi = -1;
	ERR_clear_error();

	if ((rc = ctx_init(&e)) != 0 || (rc = weak_init(&e)) != 0)
		goto out;
	/* Steps 1, 1b and 2: on two lanes when allowed, else one at a time. */
	if (t->lanes > 1) {
		if ((rc = start_run(&e)) != 0)
			goto out;
	} else {
		if ((rc = versions_probe(&e, 0, TLS_NVERSIONS - 2, NULL)) != 0)
			goto out;
		if (e.ticket != NULL && (rc = early_probe(&e)) != 0)
			goto out;
		ssl3_probe(&e);
	}
	/* Nothing at all answered like TLS: no use asking for weak suites. */
	if (!r->available && !e.tls_seen)
		goto out;
	/* Steps 3 and 3b: on two lanes when allowed and worth it, else one version at a time. */
	if ((rc = t->lanes > 1 ? lanes_run(&e) : 1) < 0)
		goto out;
	if (rc == 1)
		for (int vi = 0; vi < TLS_NVERSIONS - 1; vi++)
			if ((rc = version_probe(&e, vi)) != 0)
				goto out;
	rc = 0;
	if (!r->available)
		goto out;
	if (!e.groups_done && (rc = groups_probe(&e)) != 0)
		goto out;
	if (!e.sigs_done && (rc = sigs_probe(&e)) != 0)
		goto out;
	compression_probe(&e);
out:
	SSL_SESSION_free(e.ticket);
	SSL_CTX_free(e.ctx);
	ERR_clear_error();
	versions_sort(r);
	groups_sort(r);
	if (rc == PEIL_ENOMEM)
		tls_report_clear(r);
	r->ms = (unsigned)(clock_mono_ms() - t0);
	*refused = e.lanes_refused;
	return rc;
}

int
tls_probe(const struct tls_target *t, struct tls_report *r)
{
	struct tls_target one;
	struct tls_report *again;
	unsigned max_hs;
	bool refused = false;
	int rc;

	if (r == NULL)
		return PEIL_EINVAL;
	if (t == NULL || t->connect == NULL) {
		memset(r, 0, sizeof(*r));
		tls_report_clear(r);
		return PEIL_EINVAL;
	}
	rc = eng_run(t, r, &refused);
	/* A server that takes one connection of a client at a time refuses the second lane's:
	 * the run again on one lane, within the tries and the time left. Its report replaces
	 * the first only when it is complete; the tries of both are counted. */
	max_hs = t->max_handshakes != 0 ? t->max_handshakes : MAX_TLS_HANDSHAKES;
	if (rc != 0 || !refused || !r->partial || r->handshakes >= max_hs ||
	    (t->deadline_ms != 0 && clock_mono_ms() >= t->deadline_ms) ||
	    (again = malloc(sizeof(*again))) == NULL)
		return rc;
	one = *t;
	one.lanes = 1;
	one.max_handshakes = max_hs - r->handshakes;
	rc = eng_run(&one, again, &refused);
	again->handshakes += r->handshakes;
	again->flights += r->flights;
	again->hello_stops += r->hello_stops;
	again->ms += r->ms;
	if (rc == 0 && !again->partial) {
		tls_report_clear(r);
		*r = *again;                        /* what it holds is r's now */
	} else {
		r->handshakes = again->handshakes;
		r->flights = again->flights;
		r->hello_stops = again->hello_stops;
		r->ms = again->ms;
		tls_report_clear(again);
		if (rc == PEIL_ENOMEM)
			tls_report_clear(r);
	}
	free(again);
	return rc;
}

const char *
tls_suite_name(uint16_t id)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = ctx != NULL ? SSL_new(ctx) : NULL;
	const char *name = NULL;
	unsigned char b[2] = { (unsigned char)(id >> 8), (unsigned char)id };

	if (ssl != NULL) {
		const SSL_CIPHER *cp = SSL_CIPHER_find(ssl, b);

		if (cp != NULL)
			name = SSL_CIPHER_get_name(cp);
	}
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return name;
}
