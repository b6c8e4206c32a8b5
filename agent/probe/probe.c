/* probe.c: the runner: runs the catalogue against one domain. Answers from the resolver (kept
 * for the rest of the domain), connections through the engines, the domain's time budget; each
 * standard's module judges its tests, called from the catalogue's module column. */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ldns/ldns.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "agent_metrics.h"
#include "clock.h"
#include "dnswork.h"
#include "err.h"
#include "http.h"
#include "limits.h"
#include "log.h"
#include "mtasts.h"
#include "mtasts_fetch.h"
#include "mxwork.h"
#include "ncsc.h"
#include "probe.h"
#include "probe_dane.h"
#include "probe_dnssec.h"
#include "probe_ipv6.h"
#include "probe_mailauth.h"
#include "probe_mtasts_tlsrpt.h"
#include "probe_rpki.h"
#include "probe_starttls.h"
#include "probe_web.h"
#include "probe_webtls.h"
#include "reach.h"
#include "resolver.h"
#include "smtp.h"
#include "tcp.h"
#include "tls.h"
#include "webwork.h"

/* One answer kept for the rest of a domain's tests (several tests ask the same question). */
struct memo {
	char name[MAX_DOMAIN_LEN + 1];
	uint16_t type;
	int rcode;
	bool secure, bogus;
	char why_bogus[MAX_WHY_BOGUS_LEN];
	uint8_t *pkt;
	size_t len;
};

struct probe {
	struct memo memo[MAX_PROBE_MEMO];
	size_t nmemo, memo_bytes;
	struct resolver *res;
	unsigned timeout_ms;
	unsigned budget_ms;
	unsigned reach_ms;
	bool ipv4, ipv6, tree_walk;
	const char *guideline;      /* ncsc_id of the configured guideline (static) */
	char *ca_file, *ehlo;
	unsigned smtp_step_ms, tls_ms, host_ms;
	struct vrp_table *vrps;
	struct routes *routes;
};

/* Keeps an answer for the rest of the domain, while MAX_PROBE_MEMO answers and
 * MAX_PROBE_MEMO_BYTES last. */
static void
memo_keep(struct probe *p, const char *name, uint16_t type, const struct resolver_reply *rep)
{
	struct memo *m;

	if (p->nmemo == MAX_PROBE_MEMO || strlen(name) > MAX_DOMAIN_LEN ||
	    p->memo_bytes + rep->len > MAX_PROBE_MEMO_BYTES)
		return;
	m = &p->memo[p->nmemo];
	memset(m, 0, sizeof(*m));
	if (rep->pkt != NULL && (m->pkt = malloc(rep->len > 0 ? rep->len : 1)) == NULL)
		return;
	if (rep->pkt != NULL)
		memcpy(m->pkt, rep->pkt, rep->len);
	m->len = rep->pkt != NULL ? rep->len : 0;
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->type = type;
	m->rcode = rep->rcode;
	m->secure = rep->secure;
	m->bogus = rep->bogus;
	memcpy(m->why_bogus, rep->why_bogus, sizeof(m->why_bogus));
	p->memo_bytes += m->len;
	p->nmemo++;
}

static void
memo_clear(struct probe *p)
{
	for (size_t i = 0; i < p->nmemo; i++)
		free(p->memo[i].pkt);
	p->nmemo = 0;
	p->memo_bytes = 0;
}

struct probe *
probe_new(const struct probe_conf *pc, char *err, size_t errlen)
{
	struct resolver_conf rc = {
		.root_hints = pc->root_hints,
		.trust_anchor = pc->trust_anchor,
		.forwarder = pc->forwarder,
		.ipv4 = pc->ipv4,
		.ipv6 = pc->ipv6,
		.sockets = pc->resolver_sockets,
	};
	struct probe *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->timeout_ms = pc->dns_timeout_ms ? pc->dns_timeout_ms : DEFAULT_DNS_TIMEOUT_MS;
	p->budget_ms = pc->domain_budget_ms ? pc->domain_budget_ms : DEFAULT_DOMAIN_BUDGET_MS;
	p->reach_ms = pc->reach_timeout_ms ? pc->reach_timeout_ms : DEFAULT_REACH_TIMEOUT_MS;
	p->ipv4 = pc->ipv4;
	p->ipv6 = pc->ipv6;
	p->tree_walk = pc->dmarc_tree_walk;
	p->smtp_step_ms = pc->smtp_step_ms ? pc->smtp_step_ms : DEFAULT_SMTP_STEP_MS;
	p->tls_ms = pc->tls_handshake_ms ? pc->tls_handshake_ms : DEFAULT_TLS_HANDSHAKE_MS;
	p->host_ms = pc->starttls_host_ms ? pc->starttls_host_ms : DEFAULT_STARTTLS_HOST_MS;
	p->vrps = pc->vrps;
	p->routes = pc->routes;
	if (pc->tls_guideline == NULL || pc->tls_guideline[0] == '\0')
		p->guideline = ncsc_id(ncsc_default());
	else if (ncsc_find(pc->tls_guideline) != NULL)
		p->guideline = ncsc_id(ncsc_find(pc->tls_guideline));
	else {
		snprintf(err, errlen, "unknown TLS guideline '%s' (known: %s, %s)", pc->tls_guideline,
		    NCSC_ID_2025_05, NCSC_ID_2_1);
		free(p);
		return NULL;
	}
	if ((pc->ca_file != NULL && (p->ca_file = strdup(pc->ca_file)) == NULL) ||
	    (p->ehlo = strdup(pc->ehlo_name != NULL && pc->ehlo_name[0] != '\0' ? pc->ehlo_name :
	    "localhost")) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(p->ca_file);
		free(p);
		return NULL;
	}
	if ((p->res = resolver_new(&rc, err, errlen)) == NULL) {
		free(p->ca_file);
		free(p->ehlo);
		free(p);
		return NULL;
	}
	return p;
}

void
probe_free(struct probe *p)
{
	if (p == NULL)
		return;
	memo_clear(p);
	resolver_free(p->res);
	free(p->ca_file);
	free(p->ehlo);
	free(p);
}

/* A question asked ahead (dnswork_prefetch): not when the run already has its answer. */
static void
probe_prefetch(void *arg, const char *name, uint16_t type)
{
	struct probe *p = arg;

	for (size_t i = 0; i < p->nmemo; i++)
		if (p->memo[i].type == type && strcasecmp(p->memo[i].name, name) == 0)
			return;
	resolver_prefetch(p->res, name, type);
}

/* The run's source of answers: the resolver, each query bounded by the query time-out
 * and the domain's deadline. */
static int
probe_lookup(void *arg, const char *name, uint16_t type, size_t max, uint64_t deadline_ms,
    struct dnsans *out)
{
	struct probe *p = arg;
	struct resolver_reply rep;
	struct memo *m = NULL;
	char why[DNSANS_REASON_LEN];
	uint64_t now = resolver_now_ms(), qdeadline = now + p->timeout_ms;
	int rc;

	/* The same question twice within one domain's tests: the answer already had. */
	for (size_t i = 0; i < p->nmemo; i++)
		if (p->memo[i].type == type && strcasecmp(p->memo[i].name, name) == 0)
			m = &p->memo[i];
	if (m != NULL) {
		memset(&rep, 0, sizeof(rep));
		rep.rcode = m->rcode;
		rep.secure = m->secure;
		rep.bogus = m->bogus;
		memcpy(rep.why_bogus, m->why_bogus, sizeof(rep.why_bogus));
		rep.pkt = m->pkt;
		rep.len = m->len;
		rc = 0;
	} else {
		if (qdeadline > deadline_ms)
			qdeadline = deadline_ms;
		rc = resolver_query(p->res, name, type, qdeadline, &rep, why, sizeof(why));
		if (rc == PEIL_ETIMEDOUT)
			return dnsans_fail(out, rc, "no answer within %llu ms",
			    (unsigned long long)(qdeadline > now ? qdeadline - now : 0));
		if (rc != 0)
			return dnsans_fail(out, rc, "resolver: %s", why);
		memo_keep(p, name, type, &rep);
	}
	if (rep.pkt != NULL) {
		rc = dnsans_parse(rep.pkt, rep.len, name, type, max, out);
	} else {
		memset(out, 0, sizeof(*out));
		out->rcode = rep.rcode;
	}
	out->sec = rep.secure ? DNSANS_SECURE : rep.bogus ? DNSANS_BOGUS : DNSANS_INSECURE;
	memcpy(out->why_bogus, rep.why_bogus, sizeof(out->why_bogus));
	if (m == NULL)
		resolver_reply_clear(&rep);
	return rc;
}

/* The reachability tests' tries: every item at once, each bounded by the reach time-out and
 * by the domain's deadline. */
static int
probe_reach(void *arg, enum reach_kind kind, struct reach_item *items, size_t n,
    const char *qname, uint16_t qtype, uint64_t deadline_ms)
{
	struct probe *p = arg;
	uint64_t now = resolver_now_ms();
	unsigned ms = p->reach_ms;

	if (now >= deadline_ms)
		return PEIL_ETIMEDOUT;
	if (deadline_ms - now < ms)
		ms = (unsigned)(deadline_ms - now);
	return reach_run(kind, items, n, qname, qtype, ms);
}

/* Mail servers shared by many domains must not see one connection per worker thread: every
 * STARTTLS thread of the process takes a slot of the address it tests, at most
 * DEFAULT_TLS_PER_HOST per address (the engine holds one connection at a time per slot: two
 * when a second slot was free, probe_tls_slot). A
 * worker tests up to MAX_STARTTLS_PARALLEL addresses at once, so MAX_TLS_SLOTS addresses can
 * be in use; should the table still be full, a new address waits like a busy one. */
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
/* An entry is addr's while it holds a slot of it or someone waits for one (n or waiting); its
 * waiters wait on its cond, so that a give wakes those of its address only. slot_cond: those
 * that found the table full, woken when an entry comes free. */
static pthread_cond_t slot_cond = PTHREAD_COND_INITIALIZER;
static struct {
	char addr[64];
	unsigned n, waiting;
	pthread_cond_t cond;
} slots[MAX_TLS_SLOTS] = { [0 ... MAX_TLS_SLOTS - 1] = { .cond = PTHREAD_COND_INITIALIZER } };

/* Entry i's slot given back, or a waiter of it gone without one (under slot_lock): its
 * waiters look again; an entry come free, those waiting for one. */
static void
slot_wake(size_t i)
{
	if (slots[i].waiting > 0)
		pthread_cond_broadcast(&slots[i].cond);
	else if (slots[i].n == 0)
		pthread_cond_broadcast(&slot_cond);
}

/* addr's entry; SIZE_MAX when it has none (under slot_lock). */
static size_t
slot_entry(const char *addr)
{
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if ((slots[i].n > 0 || slots[i].waiting > 0) && strcmp(slots[i].addr, addr) == 0)
			return i;
	return SIZE_MAX;
}

/* Takes a slot of addr if one is free (under slot_lock). Those waiting for one come first:
 * a caller that is not one of them (waiter false: a new probe_slot_take, or probe_slot_try
 * for the engine's second lane) takes none while anyone waits, so that a busy shared host
 * serves its waiters rather than whoever arrives as a slot comes back. */
static bool
slot_get(const char *addr, bool waiter)
{
	size_t i = slot_entry(addr);

	if (i == SIZE_MAX) {
		/* Not in use: a free entry to hold it, if any. */
		for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
			if (slots[i].n == 0 && slots[i].waiting == 0) {
				snprintf(slots[i].addr, sizeof(slots[i].addr), "%s", addr);
				slots[i].n = 1;
				return true;
			}
		return false;
	}
	if (slots[i].n < DEFAULT_TLS_PER_HOST && (waiter || slots[i].waiting == 0)) {
		slots[i].n++;
		return true;
	}
	return false;
}

int
probe_slot_take(const char *addr, uint64_t deadline_ms)
{
	size_t wi = SIZE_MAX;       /* addr's entry, once counted among its waiters */
	int rc = 0;

	/* A longer text would be cut, then never match again: its slot would leak. */
	if (strlen(addr) >= sizeof(slots[0].addr))
		return PEIL_EINVAL;
	pthread_mutex_lock(&slot_lock);
	for (;;) {
		if (slot_get(addr, wi != SIZE_MAX))
			break;
		/* The address at its limit (or its waiters first), or not in use with the table
		 * full: wait for a give, counted among the address's waiters when it has an entry. */
		if (wi == SIZE_MAX && (wi = slot_entry(addr)) != SIZE_MAX)
			slots[wi].waiting++;
		{
			uint64_t now = (uint64_t)clock_mono_ms();
			struct timespec ts;

			if (now >= deadline_ms) {
				rc = PEIL_ETIMEDOUT;
				break;
			}
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)((deadline_ms - now) / 1000);
			ts.tv_nsec += (long)((deadline_ms - now) % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			(void)pthread_cond_timedwait(wi != SIZE_MAX ? &slots[wi].cond : &slot_cond,
			    &slot_lock, &ts);
		}
	}
	/* The entry is not reused while its waiting count is above 0: wi is still addr's. A
	 * waiter leaving without a slot has the others look again (a newcomer waits while anyone
	 * does, even beside a free slot); after a take, the next give wakes them. */
	if (wi != SIZE_MAX && (--slots[wi].waiting, rc != 0))
		slot_wake(wi);
	pthread_mutex_unlock(&slot_lock);
	return rc;
}

int
probe_slot_try(const char *addr)
{
	bool got;

	if (strlen(addr) >= sizeof(slots[0].addr))
		return PEIL_EINVAL;
	pthread_mutex_lock(&slot_lock);
	got = slot_get(addr, false);
	pthread_mutex_unlock(&slot_lock);
	return got ? 0 : PEIL_EAGAIN;
}

void
probe_slot_give(const char *addr)
{
	pthread_mutex_lock(&slot_lock);
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (slots[i].n > 0 && strcmp(slots[i].addr, addr) == 0) {
			slots[i].n--;
			slot_wake(i);
			break;
		}
	pthread_mutex_unlock(&slot_lock);
}

/* The TLS engine on one address within a connection slot of it (t's deadline bounds the
 * wait for one), on two lanes (t->lanes) when a second slot of it is free right away (a
 * busy address is not waited for: one lane then): rep says why when no TLS came. t's
 * connect callback must allow two threads at once. Returns 0 (an address text too long for
 * a slot is no address: no TLS, rep->why says so), PEIL_ETIMEDOUT when no slot came by the
 * deadline (the engine did not run; rep->why says so) or PEIL_ENOMEM. */
static int
probe_tls_slot(const struct tls_target *t, const char *addr, struct tls_report *rep)
{
	struct tls_target lt = *t;
	int rc;

	rc = probe_slot_take(addr, (uint64_t)t->deadline_ms);
	if (rc == PEIL_EINVAL) {
		/* Ours: our resolver gives numeric addresses, far shorter than a slot's text. */
		tls_report_clear(rep);
		snprintf(rep->why, sizeof(rep->why), "not a numeric address: %.64s", addr);
		return 0;
	}
	if (rc != 0) {
		tls_report_clear(rep);
		snprintf(rep->why, sizeof(rep->why), "no free connection slot for %s within the "
		    "time budget (%d per address at once)", addr, DEFAULT_TLS_PER_HOST);
		return PEIL_ETIMEDOUT;
	}
	lt.lanes = probe_slot_try(addr) == 0 ? 2 : 1;
	rc = tls_probe(&lt, rep);
	if (lt.lanes > 1)
		probe_slot_give(addr);
	probe_slot_give(addr);
	if (rc == PEIL_ENOMEM)
		return rc;
	if (rc != 0 && !rep->available)
		snprintf(rep->why, sizeof(rep->why), "the TLS engine failed: %s", peil_strerror(rc));
	if (!rep->available && rep->why[0] == '\0')
		snprintf(rep->why, sizeof(rep->why), "%s", rep->partial_why[0] != '\0' ?
		    rep->partial_why : "no TLS handshake completed");
	return 0;
}

/* --- The warm-up ------------------------------------------------------------------------ */

/* Each job once per process: the first probe_warm_start that wants it claims it. */
static atomic_bool warm_curl_claimed, warm_tls_claimed;

static void *
warm_curl(void *arg)
{
	(void)arg;
	/* Its failure is the first GET's to report (http_global_init gives the same answer). */
	(void)http_global_init(NULL, 0);
	return NULL;
}

static void *
warm_tls(void *arg)
{
	SSL_CTX *ctx;

	(void)arg;
	/* The configuration read, then the providers' algorithms fetched into the default
	 * library context (kept there for every later SSL_CTX of the process). */
	(void)OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL);
	if ((ctx = SSL_CTX_new(TLS_client_method())) != NULL)
		SSL_CTX_free(ctx);
	ERR_clear_error();
	return NULL;
}

void
probe_warm_start(struct probe_warm *pw, bool curl, bool tls)
{
	pw->n = 0;
	if (curl && !atomic_exchange(&warm_curl_claimed, true) &&
	    pthread_create(&pw->th[pw->n], NULL, warm_curl, NULL) == 0)
		pw->n++;
	if (tls && !atomic_exchange(&warm_tls_claimed, true) &&
	    pthread_create(&pw->th[pw->n], NULL, warm_tls, NULL) == 0)
		pw->n++;
	/* A thread not made: the first user does the work itself, as without a warm-up. */
}

void
probe_warm_join(struct probe_warm *pw)
{
	for (size_t i = 0; i < pw->n; i++)
		pthread_join(pw->th[i], NULL);
	pw->n = 0;
}

/* The warm-up a run's tests call for (res[t] set: wanted): libcurl for the web's GETs and the
 * MTA-STS policy, OpenSSL for every test that makes a TLS connection. */
static void
probe_warm_for(struct probe_warm *pw, Peil__Result *const res[TEST_COUNT])
{
	bool curl = false, tls = false;

	for (int i = 0; i < TEST_COUNT; i++) {
		enum catalogue_module m;

		if (res[i] == NULL)
			continue;
		m = catalogue_get(i)->module;
		curl |= m == MODULE_WEB || m == MODULE_MTASTS_TLSRPT;
		tls |= m == MODULE_WEB || m == MODULE_WEBTLS || m == MODULE_STARTTLS ||
		    m == MODULE_DANE || m == MODULE_MTASTS_TLSRPT;
	}
	probe_warm_start(pw, curl, tls);
}

/* One connection for the TLS engine: the SMTP dialogue up to STARTTLS. The first one's
 * session is kept for evidence. Called by two lanes at once: used says which call is first. */
struct smtp_conn {
	const struct probe *p;
	const char *addr;
	struct smtp_session *first;
	atomic_bool used;
};

static int
smtp_connect(void *arg, int64_t deadline_ms, int *fd, char *why, size_t whylen)
{
	struct smtp_conn *c = arg;
	struct smtp_session tmp;
	int rc;

	bool used = atomic_exchange(&c->used, true);

	rc = smtp_starttls(c->addr, 25, c->p->ehlo, c->p->smtp_step_ms,
	    deadline_ms > 0 ? (uint64_t)deadline_ms : 0, fd, used ? &tmp : c->first, why,
	    whylen);
	return rc;
}

/* STARTTLS on one address: the TLS engine over SMTP dialogues, bounded per address. */
static int
probe_starttls(void *arg, const char *host, const char *addr, uint64_t deadline_ms,
    struct tls_report *rep, struct smtp_session *s)
{
	struct probe *p = arg;
	struct smtp_conn c = { .p = p, .addr = addr, .first = s };
	uint64_t end = resolver_now_ms() + p->host_ms;
	struct tls_target t = {
		.connect = smtp_connect,
		.arg = &c,
		.split = true,
		.sni = host,
		.ca_file = p->ca_file,
		.handshake_ms = p->tls_ms,
		.deadline_ms = (int64_t)(end < deadline_ms ? end : deadline_ms),
	};

	memset(s, 0, sizeof(*s));
	/* no slot: PEIL_ETIMEDOUT, the report says why (the address was not tested) */
	return probe_tls_slot(&t, addr, rep);
}

/* The MTA-STS policy over HTTPS, from the address our resolver found. */
static int
probe_fetch(void *arg, const char *domain, const char *addr, uint64_t deadline_ms,
    struct policy_fetch *out)
{
	struct probe *p = arg;
	uint64_t now = resolver_now_ms();
	unsigned ms = DEFAULT_MTASTS_FETCH_MS;

	if (now >= deadline_ms) {
		out->rc = PEIL_ETIMEDOUT;
		snprintf(out->why, sizeof(out->why), "time budget exhausted");
		return 0;
	}
	if (deadline_ms - now < ms)
		ms = (unsigned)(deadline_ms - now);
	out->rc = mtasts_fetch(domain, addr, p->ca_file, ms, out->body, sizeof(out->body),
	    &out->len, &out->http_code, out->content_type, sizeof(out->content_type),
	    &out->reason, out->why, sizeof(out->why));
	return out->rc == PEIL_ENOMEM ? PEIL_ENOMEM : 0;
}

/* One web GET on the address the request names: bounded by DEFAULT_HTTP_GET_MS (or the
 * request's own time-out) and the deadline, the configured CA file. */
static int
probe_web_get(void *arg, const struct http_request *rq, uint64_t deadline_ms,
    struct http_response *out)
{
	struct probe *p = arg;
	struct http_request r = *rq;
	uint64_t now = resolver_now_ms();
	unsigned ms = rq->timeout_ms != 0 ? rq->timeout_ms : DEFAULT_HTTP_GET_MS;
	int rc;

	if (now >= deadline_ms) {
		memset(out, 0, sizeof(*out));
		out->rc = PEIL_ETIMEDOUT;
		out->fail = HTTP_F_TIMEOUT;
		snprintf(out->why, sizeof(out->why), "time budget exhausted");
		return 0;
	}
	if (deadline_ms - now < ms)
		ms = (unsigned)(deadline_ms - now);
	r.timeout_ms = ms;
	r.ca_file = p->ca_file;
	rc = http_get(&r, out);
	/* A request webwork built wrong is ours, not the server's: out says why. */
	return rc == PEIL_ENOMEM ? PEIL_ENOMEM : 0;
}

/* One connection for the TLS engine on a web server: TCP to port 443, by the deadline. Called
 * by two lanes at once: reads only. */
struct web_conn {
	const char *addr;
	struct sockaddr_storage sa;
	socklen_t salen;
};

static int
web_connect(void *arg, int64_t deadline_ms, int *fd, char *why, size_t whylen)
{
	struct web_conn *c = arg;
	char e[96];
	int rc;

	rc = tcp_connect(&c->sa, c->salen, deadline_ms > 0 ? (uint64_t)deadline_ms :
	    (uint64_t)clock_mono_ms() + DEFAULT_WEB_HOST_MS, fd, e, sizeof(e));
	if (rc != 0)
		snprintf(why, whylen, "%s port 443: %s", c->addr, e);
	return rc;
}

/* The TLS engine on a web server's address, port 443, host as SNI, bounded per address by
 * DEFAULT_WEB_HOST_MS and the deadline; a GET as the 0-RTT check's early data. */
static int
probe_web_tls(void *arg, const char *host, const char *addr, uint64_t deadline_ms,
    struct tls_report *rep)
{
	struct probe *p = arg;
	struct web_conn c = { .addr = addr };
	uint64_t end = resolver_now_ms() + DEFAULT_WEB_HOST_MS;
	char early[MAX_DOMAIN_LEN + 64];
	int n;
	struct tls_target t = {
		.connect = web_connect,
		.arg = &c,
		.sni = host,
		.ca_file = p->ca_file,
		.handshake_ms = p->tls_ms,
		.deadline_ms = (int64_t)(end < deadline_ms ? end : deadline_ms),
	};

	memset(rep, 0, sizeof(*rep));
	rep->secure_reneg = rep->client_reneg = rep->ems = rep->compression = -1;
	rep->early_data = rep->ocsp_stapled = rep->ocsp_valid = -1;
	if (tcp_sockaddr(addr, 443, &c.sa, &c.salen) != 0) {
		snprintf(rep->why, sizeof(rep->why), "not a numeric address: %.64s", addr);
		return 0;
	}
	n = snprintf(early, sizeof(early), "GET / HTTP/1.1\r\nHost: %s\r\nConnection: "
	    "close\r\n\r\n", host);
	if (n > 0 && (size_t)n < sizeof(early)) {
		t.early_data = (const uint8_t *)early;
		t.early_len = (size_t)n;
	}
	return probe_tls_slot(&t, addr, rep);
}

static uint64_t
probe_now_ms(void *arg)
{
	(void)arg;
	return resolver_now_ms();
}

static int64_t
probe_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The modules, one per standard, in the order they run (the catalogue's module enum): each
 * judges its tests not done yet. vantage, when set, judges before any lookup what this vantage
 * cannot test. */
static const struct probe_module {
	int (*vantage)(struct dnswork *w, struct mxwork *mx, struct webwork *web,
	    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);
	int (*run)(struct dnswork *w, struct mxwork *mx, struct webwork *web,
	    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);
} probe_modules[MODULE_COUNT] = {
	[MODULE_NONE] = { NULL, NULL },
	[MODULE_DNSSEC] = { NULL, probe_dnssec_run },
	[MODULE_IPV6] = { probe_ipv6_vantage, probe_ipv6_run },
	[MODULE_MAILAUTH] = { NULL, probe_mailauth_run },
	[MODULE_MTASTS_TLSRPT] = { NULL, probe_mtasts_tlsrpt_run },
	[MODULE_DANE] = { NULL, probe_dane_run },
	[MODULE_STARTTLS] = { NULL, probe_starttls_run },
	[MODULE_WEB] = { probe_web_vantage, probe_web_run },
	[MODULE_WEBTLS] = { NULL, probe_webtls_run },
	[MODULE_RPKI] = { probe_rpki_vantage, probe_rpki_run },
	[MODULE_VANTAGE] = { NULL, NULL },
};

/* True when a test of module m is still to be judged. */
static bool
probe_module_wanted(int m, const bool done[TEST_COUNT])
{
	for (int i = 0; i < TEST_COUNT; i++)
		if (!done[i] && catalogue_get(i)->module == (enum catalogue_module)m)
			return true;
	return false;
}

/* Every requested result not judged yet becomes an error with this reason. */
static int
fail_rest(Peil__Result *res[TEST_COUNT], const bool done[TEST_COUNT],
    const char *reason, const struct dnsans *base, const char *domain)
{
	struct dnsev ev = { 0 };
	char rbuf[16];
	int rc = 0;

	if (base != NULL) {
		dnsev_add(&ev, "query", "%s SOA", domain);
		dnsev_add(&ev, "rcode", "%s", dnsans_rcode_name(base->rcode, rbuf, sizeof(rbuf)));
		dnsev_add(&ev, "dnssec", "%s", dnsans_sec_name(base->sec));
	}
	for (int i = 0; i < TEST_COUNT && rc == 0; i++)
		if (!done[i])
			rc = dnsev_apply(&ev, res[i], PEIL__STATUS__ERROR, reason);
	dnsev_clear(&ev);
	return rc;
}

int
probe_run(const struct dnswork_source *src, const char *domain, uint64_t deadline_ms,
    Peil__Result *res[TEST_COUNT])
{
	struct dnswork *w;
	struct mxwork *mx = NULL;
	struct webwork *web = NULL;
	bool done[TEST_COUNT], any = false;
	int rc = 0;

	for (int i = 0; i < TEST_COUNT && rc == 0; i++) {
		done[i] = res[i] == NULL;
		/* A test nothing implements yet is not_tested, never a pass. */
		if (!done[i] && catalogue_get(i)->module == MODULE_NONE) {
			result_set_status(res[i], PEIL__STATUS__NOT_TESTED);
			rc = result_add_evidence(res[i], "reason", "not implemented in this version");
			done[i] = true;
		}
		/* A self-test is about the vantage, never a domain (vantage.c, once per round). */
		if (!done[i] && catalogue_get(i)->module == MODULE_VANTAGE) {
			result_set_status(res[i], PEIL__STATUS__NOT_TESTED);
			rc = result_add_evidence(res[i], "reason", "a vantage self-test: judged once "
			    "per round, reported with an empty domain");
			done[i] = true;
		}
		any |= !done[i];
	}
	if (rc != 0 || !any)
		return rc;
	if ((w = calloc(1, sizeof(*w))) == NULL || (mx = mxwork_new(w)) == NULL ||
	    (web = webwork_new(w)) == NULL) {
		mxwork_free(mx);
		free(w);
		return PEIL_ENOMEM;
	}
	w->src = src;
	w->domain = domain;
	w->deadline = deadline_ms;

	/* What the vantage cannot test is decided before any lookup. */
	for (int m = MODULE_NONE + 1; m < MODULE_COUNT && rc == 0; m++)
		if (probe_modules[m].vantage != NULL && probe_module_wanted(m, done))
			rc = probe_modules[m].vantage(w, mx, web, res, done);
	if (rc != 0)
		goto out;
	/* Nothing left that needs the domain (the vantage decided all): no lookup at all. */
	any = false;
	for (int i = 0; i < TEST_COUNT; i++)
		any |= !done[i];
	if (!any)
		goto out;

	/* The mail servers' tests start from the MX set: asked while the SOA is. */
	if (probe_module_wanted(MODULE_STARTTLS, done) || probe_module_wanted(MODULE_DANE, done) ||
	    probe_module_wanted(MODULE_MTASTS_TLSRPT, done))
		dnswork_prefetch(w, &domain, 1, LDNS_RR_TYPE_MX);
	/* The SOA answers both whether the domain exists and its DNSSEC state. */
	if (dnswork_lookup(w, domain, LDNS_RR_TYPE_SOA, 0, &w->base) == PEIL_ENOMEM) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (w->base.err == 0 && w->base.sec != DNSANS_BOGUS &&
	    w->base.rcode == LDNS_RCODE_NXDOMAIN) {
		rc = fail_rest(res, done, MSG_NXDOMAIN, &w->base, domain);
		goto out;
	}
	/* Name servers that do not answer the SOA in time will not answer the rest: one
	 * time-out decides the domain instead of one per test. */
	if (w->base.err == PEIL_ETIMEDOUT) {
		char why[DNSANS_REASON_LEN + 64];

		snprintf(why, sizeof(why), "the domain's SOA lookup timed out (%s); no other "
		    "lookup was tried", w->base.reason);
		rc = fail_rest(res, done, w->budget_out ? MSG_BUDGET : why, NULL, domain);
		goto out;
	}
	for (int m = MODULE_NONE + 1; m < MODULE_COUNT; m++) {
		struct agent_metrics_clock mc;

		agent_metrics_module_begin(&mc, done);
		if (probe_modules[m].run != NULL && probe_module_wanted(m, done) &&
		    (rc = probe_modules[m].run(w, mx, web, res, done)) != 0)
			goto out;
		agent_metrics_module_end(&mc, done);
	}
	rc = fail_rest(res, done, MSG_BUDGET, NULL, domain);
out:
	webwork_free(web);
	mxwork_free(mx);
	free(w);
	return rc;
}

/* The domain as results carry it: lower case without the final dot; for a name that is not a
 * host name, the input cut to MAX_DOMAIN_LEN with bytes outside printable ASCII as '?'. */
static void
probe_domain_norm(const char *in, char out[MAX_DOMAIN_LEN + 1], bool *valid)
{
	size_t len = strnlen(in, MAX_DOMAIN_LEN + 2);
	bool cut;

	if (len > 1 && in[len - 1] == '.')
		len--;
	if ((cut = len > MAX_DOMAIN_LEN))
		len = MAX_DOMAIN_LEN;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		out[i] = c >= 0x20 && c < 0x7f ? (char)tolower(c) : '?';
	}
	out[len] = '\0';
	*valid = !cut && dnsans_hostname_ok(out);
	if (len == 0)
		snprintf(out, MAX_DOMAIN_LEN + 1, "?");
}

/* A test id from a task is untrusted: [a-z0-9_], 1..MAX_TEST_ID_LEN (as result_check wants). */
static bool
probe_test_id_ok(const char *id)
{
	size_t len = strnlen(id, MAX_TEST_ID_LEN + 1);

	if (len == 0 || len > MAX_TEST_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '_'))
			return false;
	return true;
}

/* One result of the given status per test asked for (the whole catalogue when ntests is 0),
 * each test once, malformed ids skipped; appended to out. */
static int
probe_results_new(const char *name, uint64_t round_id, const char *const *tests,
    size_t ntests, int status, struct result_set *out)
{
	const struct catalogue_entry *cat;
	bool *seen;
	size_t ncat, n;
	int rc = 0;

	cat = catalogue_all(&ncat);
	if ((seen = calloc(ncat + 1, sizeof(*seen))) == NULL)
		return PEIL_ENOMEM;
	n = ntests ? ntests : ncat;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *id = ntests ? tests[i] : cat[i].id;
		const struct catalogue_entry *ce;
		Peil__Result *r;

		if (id == NULL || !probe_test_id_ok(id)) {
			log_warn("probe: skipping a malformed test id");
			continue;
		}
		if ((ce = catalogue_find(id)) != NULL) {
			size_t k = (size_t)(ce - cat);

			if (ce->module == MODULE_VANTAGE)
				continue;

			if (k < ncat && seen[k])
				continue;
			if (k < ncat)
				seen[k] = true;
		}
		if ((r = result_new(name, id, status, ce ? ce->guideline : "")) == NULL) {
			rc = PEIL_ENOMEM;
			break;
		}
		r->round_id = round_id;
		rc = result_set_add(out, r);
	}
	free(seen);
	return rc;
}

/* Every result from first on measured now. */
static void
probe_results_stamp(struct result_set *out, size_t first)
{
	int64_t now = probe_wall_ms();

	for (size_t i = first; i < out->n; i++)
		out->items[i]->measured_at_ms = now;
}

void
probe_source(struct probe *p, struct dnswork_source *src)
{
	*src = (struct dnswork_source){
		.lookup = probe_lookup,
		.now_ms = probe_now_ms,
		.arg = p,
		.prefetch = probe_prefetch,
		.validating = resolver_validating(p->res),
		.ipv6 = p->ipv6,
		.dmarc_tree_walk = p->tree_walk,
		.reach = probe_reach,
		.ipv4 = p->ipv4,
		.tls_guideline = p->guideline,
		.starttls = probe_starttls,
		.fetch = probe_fetch,
		.web_get = probe_web_get,
		.web_tls = probe_web_tls,
		.vrps = p->vrps,
		.routes = p->routes,
	};
}

int
probe_domain(struct probe *p, const char *domain, uint64_t round_id,
    const char *const *tests, size_t ntests, struct result_set *out)
{
	struct dnswork_source src;
	Peil__Result *res[TEST_COUNT] = { 0 };
	char name[MAX_DOMAIN_LEN + 1];
	bool valid;
	size_t first = out->n;
	uint64_t deadline = resolver_now_ms() + p->budget_ms;
	int rc;

	probe_source(p, &src);
	probe_domain_norm(domain, name, &valid);
	if ((rc = probe_results_new(name, round_id, tests, ntests, PEIL__STATUS__NOT_TESTED,
	    out)) != 0)
		goto out;
	for (size_t i = first; i < out->n && rc == 0; i++) {
		Peil__Result *r = out->items[i];
		enum catalogue_test t;

		if (!catalogue_test_find(r->test_id, &t)) {
			result_set_status(r, PEIL__STATUS__ERROR);
			rc = result_add_evidence(r, "reason", "test not in this agent's catalogue");
		} else if (!valid) {
			result_set_status(r, PEIL__STATUS__ERROR);
			rc = result_add_evidence(r, "reason", "not a valid host name");
		} else {
			res[t] = r;
		}
	}
	if (rc == 0 && valid) {
		struct probe_warm pw;

		/* libcurl and OpenSSL made ready while the first lookups are answered. */
		probe_warm_for(&pw, res);
		rc = probe_run(&src, name, deadline, res);
		probe_warm_join(&pw);
		memo_clear(p);
	}
out:
	probe_results_stamp(out, first);
	return rc;
}

int
probe_domain_error(const char *domain, uint64_t round_id, const char *const *tests,
    size_t ntests, const char *reason, struct result_set *out)
{
	char name[MAX_DOMAIN_LEN + 1];
	bool valid;
	size_t first = out->n;
	int rc;

	probe_domain_norm(domain, name, &valid);
	rc = probe_results_new(name, round_id, tests, ntests, PEIL__STATUS__ERROR, out);
	for (size_t i = first; i < out->n && rc == 0; i++)
		rc = result_add_evidence(out->items[i], "reason", "%s", reason);
	probe_results_stamp(out, first);
	return rc;
}

bool
probe_wants_module(enum catalogue_module m, const char *const *tests, size_t ntests)
{
	const struct catalogue_entry *e;
	size_t n;

	if (ntests == 0) {
		e = catalogue_all(&n);
		for (size_t i = 0; i < n; i++)
			if (e[i].module == m)
				return true;
		return false;
	}
	for (size_t i = 0; i < ntests; i++)
		if (tests[i] != NULL && (e = catalogue_find(tests[i])) != NULL && e->module == m)
			return true;
	return false;
}

unsigned
probe_findings(const struct result_set *rs)
{
	unsigned found = 0;

	for (size_t i = 0; i < rs->n; i++) {
		if (rs->items[i]->status == PEIL__STATUS__FAILED)
			found |= PROBE_FOUND_FAILED;
		else if (rs->items[i]->status == PEIL__STATUS__ERROR)
			found |= PROBE_FOUND_ERROR;
	}
	return found;
}
