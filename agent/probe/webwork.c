/* webwork.c: the web servers one run tests: the domain and www.<domain>, every address of
 * each the vantage can use, the requests and the TLS engine on each address (MAX_WEB_PARALLEL
 * addresses at once), each made once per run. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "err.h"
#include "webwork.h"

struct webwork *
webwork_new(struct dnswork *w)
{
	struct webwork *ww;

	if ((ww = calloc(1, sizeof(*ww))) == NULL)
		return NULL;
	ww->w = w;
	pthread_mutex_init(&ww->dead_lock, NULL);
	return ww;
}

void
webwork_free(struct webwork *ww)
{
	if (ww == NULL)
		return;
	for (size_t i = 0; i < ww->naddr; i++) {
		for (int k = 0; k < WEBGET_COUNT; k++) {
			http_response_clear(ww->addr[i].get[k]);
			free(ww->addr[i].get[k]);
		}
		tls_report_clear(&ww->addr[i].tls);
		http_conn_free(ww->addr[i].conn);
		for (int p = 0; p < 2; p++) {
			http_response_clear(ww->dead_rep[i][p]);
			free(ww->dead_rep[i][p]);
		}
	}
	pthread_mutex_destroy(&ww->dead_lock);
	dnsev_clear(&ww->hostev);
	free(ww);
}

/* The addresses of one host the vantage may use, at most MAX_WEB_ADDRS per family; a failed
 * lookup is noted in evidence and in h->lookup_failed. */
static int
host_addrs(struct webwork *ww, size_t hi)
{
	struct dnswork *w = ww->w;
	struct webhost *h = &ww->host[hi];

	for (int fam = 0; fam < 2; fam++) {
		uint16_t type = fam == 0 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
		struct dnsans *a = fam == 0 ? &w->a6 : &w->a4;
		char why[DNSANS_WHY_LEN];
		size_t kept = 0;

		if ((fam == 0 && !w->src->ipv6) || (fam == 1 && !w->src->ipv4)) {
			dnsev_add(&ww->hostev, "addr_skip", "%s %s: not looked up (this vantage has "
			    "no %s)", h->name, fam == 0 ? "AAAA" : "A", fam == 0 ? "IPv6" : "IPv4");
			continue;
		}
		if (dnswork_lookup(w, h->name, type, MAX_ADDRS_PER_HOST, a) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (dnsans_failed(a, why, sizeof(why))) {
			h->lookup_failed = true;
			dnsev_add(&ww->hostev, "addr_lookup", "%s %s: %s", h->name,
			    fam == 0 ? "AAAA" : "A", why);
			continue;
		}
		if (a->rcode != LDNS_RCODE_NOERROR)
			continue;
		h->naddrs += a->total;
		for (size_t i = 0; i < a->n && kept < MAX_WEB_ADDRS; i++, kept++) {
			struct webaddr *wa = &ww->addr[ww->naddr++];

			wa->host = hi;
			wa->v6 = fam == 0;
			snprintf(wa->addr, sizeof(wa->addr), "%s", a->rr[i].text);
			wa->tls.secure_reneg = wa->tls.client_reneg = wa->tls.ems = -1;
			wa->tls.compression = -1;
			wa->tls.early_data = wa->tls.ocsp_stapled = wa->tls.ocsp_valid = -1;
		}
		h->ntested += kept;
		if (a->total > kept)
			dnsev_add(&ww->hostev, "addr_cut", "%s has %zu %s records; the first %zu "
			    "tested (MAX_WEB_ADDRS)", h->name, a->total, fam == 0 ? "AAAA" : "A",
			    kept);
	}
	{
		struct textlist *t = calloc(1, sizeof(*t));

		if (t == NULL)
			return PEIL_ENOMEM;
		for (size_t i = 0; i < ww->naddr; i++)
			if (ww->addr[i].host == hi)
				textlist_add(t, ww->addr[i].addr);
		dnsev_add(&ww->hostev, hi == 0 ? "web_host" : "web_host_www", "%s: %s", h->name,
		    t->len > 0 ? t->buf : "no address");
		free(t);
	}
	return 0;
}

int
webwork_start(struct webwork *ww)
{
	struct dnswork *w = ww->w;
	bool failed = false;

	if (ww->state != WEBWORK_NEW)
		return 0;
	if (!dnswork_budget_left(w)) {
		ww->state = WEBWORK_NO_BUDGET;
		return 0;
	}
	if ((ww->g = ncsc_find(w->src->tls_guideline)) == NULL)
		ww->g = ncsc_default();
	snprintf(ww->host[0].name, sizeof(ww->host[0].name), "%s", w->domain);
	ww->nhosts = 1;
	if (strlen(w->domain) + 4 <= MAX_DOMAIN_LEN) {
		snprintf(ww->host[1].name, sizeof(ww->host[1].name), "www.%s", w->domain);
		ww->nhosts = 2;
	}
	{
		const char *names[2] = { ww->host[0].name, ww->host[1].name };

		if (w->src->ipv4)
			dnswork_prefetch(w, names, ww->nhosts, LDNS_RR_TYPE_A);
		if (w->src->ipv6)
			dnswork_prefetch(w, names, ww->nhosts, LDNS_RR_TYPE_AAAA);
	}
	for (size_t i = 0; i < ww->nhosts; i++) {
		if (host_addrs(ww, i) != 0)
			return PEIL_ENOMEM;
		failed |= ww->host[i].lookup_failed;
	}
	if (!dnswork_budget_left(w) && ww->naddr == 0) {
		ww->state = WEBWORK_NO_BUDGET;
		return 0;
	}
	if (ww->naddr == 0) {
		ww->state = WEBWORK_NONE;
		ww->none_status = failed ? PEIL__STATUS__ERROR : PEIL__STATUS__NOT_TESTED;
		snprintf(ww->none_why, sizeof(ww->none_why), failed ?
		    "the web server's addresses could not be looked up" :
		    "no web server: %s%s%s has no address this vantage can use", ww->host[0].name,
		    ww->nhosts > 1 ? " nor " : "", ww->nhosts > 1 ? ww->host[1].name : "");
		return 0;
	}
	ww->state = WEBWORK_HOSTS;
	return 0;
}

/* The requests of one kind (or the TLS tries, kind WEBGET_COUNT) of one run, shared by its
 * threads. */
struct webrun {
	struct webwork *ww;
	int kind;
	pthread_mutex_t lock;
	size_t next;
	int rc;
};

static void
webrun_request(const struct webwork *ww, const struct webaddr *a, int kind,
    struct http_request *rq, char *url, size_t urllen)
{
	const char *scheme = kind == WEBGET_HTTP ? "http" : "https";
	const char *path = kind == WEBGET_SECTXT ? "/.well-known/security.txt" :
	    kind == WEBGET_SECTXT_ROOT ? "/security.txt" : "/";

	snprintf(url, urllen, "%s://%s%s", scheme, ww->host[a->host].name, path);
	memset(rq, 0, sizeof(*rq));
	rq->url = url;
	rq->addr = a->addr;
	switch (kind) {
	case WEBGET_HTTPS:
		rq->body_cap = MAX_HTTP_BODY_BYTES;
		break;
	case WEBGET_COMPRESS:
		rq->accept_encoding = true;
		break;
	case WEBGET_SECTXT:
	case WEBGET_SECTXT_ROOT:
		rq->body_cap = MAX_SECTXT_BYTES;
		rq->max_redirects = MAX_HTTP_REDIRECTS;
		break;
	case WEBGET_HTTP:
		rq->body_cap = MAX_HTTP_BODY_BYTES;
		break;
	default:
		break;
	}
}

/* True when a response says the port took no TCP connection at all (a request sent on a kept
 * connection that then timed out made no new connection, yet the port took one). */
static bool
webrun_no_connection(const struct http_response *r)
{
	return r->connections == 0 && r->requests == 0 && r->code == 0 &&
	    (r->fail == HTTP_F_CONNECT || r->fail == HTTP_F_TIMEOUT);
}

/* Port index (0: 80, 1: 443) of a request kind. */
static int
webrun_port(int kind)
{
	return kind == WEBGET_HTTP ? 0 : 1;
}

/* When port p of a's address is known dead (on this entry or another entry with the same
 * address) by a request made before one of kind (WEBGET_COUNT: the engine), copies the
 * failure into out and returns true. A request of the same kind to another entry was made
 * at the same time, not before (the domain and www.<domain> on one address): it does not
 * count, whichever thread was first. */
static bool
webrun_dead(struct webwork *ww, const struct webaddr *a, int p, int kind,
    struct http_response *out)
{
	bool dead = false;

	pthread_mutex_lock(&ww->dead_lock);
	for (size_t i = 0; i < ww->naddr && !dead; i++) {
		const struct http_response *d = ww->dead_rep[i][p];

		if (d == NULL || strcmp(ww->addr[i].addr, a->addr) != 0 ||
		    (ww->dead_kind[i][p] == kind && &ww->addr[i] != a))
			continue;
		dead = true;
		if (out != NULL) {
			out->rc = d->rc;
			out->fail = d->fail;
			snprintf(out->why, sizeof(out->why), "%.200s (not asked again)", d->why);
			snprintf(out->addr, sizeof(out->addr), "%.63s", a->addr);
		}
	}
	pthread_mutex_unlock(&ww->dead_lock);
	return dead;
}

/* Remembers that port p of entry i's address took no connection for a request of kind (the
 * first failure kept). */
static void
webrun_mark_dead(struct webwork *ww, size_t i, int p, int kind, const struct http_response *r)
{
	struct http_response *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return;     /* not remembered: the next request simply tries again */
	d->rc = r->rc;
	d->fail = r->fail;
	snprintf(d->why, sizeof(d->why), "%s", r->why);
	pthread_mutex_lock(&ww->dead_lock);
	if (ww->dead_rep[i][p] == NULL) {
		ww->dead_rep[i][p] = d;
		ww->dead_kind[i][p] = kind;
		d = NULL;
	}
	ww->addr[i].dead[p] = true;
	pthread_mutex_unlock(&ww->dead_lock);
	free(d);
}

static void *
webrun_thread(void *arg)
{
	struct webrun *wr = arg;
	struct webwork *ww = wr->ww;
	struct dnswork *w = ww->w;

	for (;;) {
		struct webaddr *a;
		size_t i;
		int rc;

		pthread_mutex_lock(&wr->lock);
		i = wr->next++;
		pthread_mutex_unlock(&wr->lock);
		if (i >= ww->naddr)
			break;
		a = &ww->addr[i];
		if (wr->kind < WEBGET_COUNT && a->skip[wr->kind])
			continue;
		/* The source's clock and the deadline only; the budget flag is the caller's. */
		if (w->src->now_ms(w->src->arg) >= w->deadline)
			continue;
		if (wr->kind == WEBGET_COUNT) {
			struct http_response d = { 0 };

			if (webrun_dead(ww, a, 1, WEBGET_COUNT, &d)) {
				/* what the HTTPS request found: no connection to port 443 */
				a->tls.available = false;
				snprintf(a->tls.why, sizeof(a->tls.why), "no connection on port 443: "
				    "%.200s", d.why);
				rc = 0;
			} else {
				rc = w->src->web_tls(w->src->arg, ww->host[a->host].name, a->addr,
				    w->deadline, &a->tls);
			}
			a->tls_tried = rc == 0;
			/* The engine never ran (no connection slot in time): not tested, the
			 * judges say why; not an error of the run. */
			if (rc == PEIL_ETIMEDOUT)
				rc = 0;
		} else {
			struct http_request rq;
			char url[MAX_HTTP_URL_LEN + 1];
			int p = webrun_port(wr->kind);

			if ((a->get[wr->kind] = calloc(1, sizeof(*a->get[wr->kind]))) == NULL ||
			    (a->conn == NULL && (a->conn = http_conn_new()) == NULL)) {
				rc = PEIL_ENOMEM;
			} else if (webrun_dead(ww, a, p, wr->kind, a->get[wr->kind])) {
				rc = 0;
			} else {
				webrun_request(ww, a, wr->kind, &rq, url, sizeof(url));
				rq.conn = a->conn;
				rc = w->src->web_get(w->src->arg, &rq, w->deadline,
				    a->get[wr->kind]);
				if (rc == 0 && webrun_no_connection(a->get[wr->kind]))
					webrun_mark_dead(ww, i, p, wr->kind,
					    a->get[wr->kind]);
			}
			a->got[wr->kind] = rc == 0;
		}
		if (rc != 0) {
			pthread_mutex_lock(&wr->lock);
			if (wr->rc == 0)
				wr->rc = rc;
			pthread_mutex_unlock(&wr->lock);
		}
	}
	return NULL;
}

/* Runs kind on every address, MAX_WEB_PARALLEL at once. */
static int
webrun_all(struct webwork *ww, int kind)
{
	struct webrun wr = { .ww = ww, .kind = kind };
	pthread_t th[MAX_WEB_PARALLEL];
	size_t nth = ww->naddr < MAX_WEB_PARALLEL ? ww->naddr : MAX_WEB_PARALLEL, started = 0;

	pthread_mutex_init(&wr.lock, NULL);
	/* The first address runs in this thread; helpers only when there is more than one. */
	for (size_t i = 1; i < nth; i++)
		if (pthread_create(&th[started], NULL, webrun_thread, &wr) == 0)
			started++;
	webrun_thread(&wr);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&wr.lock);
	for (size_t i = 0; i < ww->naddr; i++)
		if (kind == WEBGET_COUNT ? !ww->addr[i].tls_tried : !ww->addr[i].got[kind] &&
		    !ww->addr[i].skip[kind])
			ww->budget_cut = true;
	if (ww->budget_cut)
		(void)dnswork_budget_left(ww->w);
	return wr.rc;
}

/* One hop of webrun_follow_host: 1 when a new response replaced *rp (follow on), 0 when
 * there is nothing (more) to follow, PEIL_ENOMEM. ans: room for one answer. */
static int
webrun_follow_once(struct webwork *ww, const struct webaddr *a, struct http_response **rp,
    struct dnsans *ans)
{
	struct dnswork *w = ww->w;
	struct http_response *r = *rp, *c;
	struct http_request rq = { 0 };
	char host[MAX_DOMAIN_LEN + 1], addr[DNSANS_TEXT_LEN], why[DNSANS_REASON_LEN];
	const char *target;
	size_t n = r->nhops;
	int rc;

	if (!r->redirect_stopped || !r->redirect_other_host || n == 0)
		return 0;
	target = r->hop[n - 1].location;
	if (n > MAX_HTTP_REDIRECTS) {
		snprintf(r->redirect_why, sizeof(r->redirect_why), "not followed: %d "
		    "redirects allowed", MAX_HTTP_REDIRECTS);
		return 0;
	}
	if (r->ms >= DEFAULT_HTTP_GET_MS || !dnswork_budget_left(w)) {
		snprintf(r->redirect_why, sizeof(r->redirect_why), "not followed: no time "
		    "left");
		return 0;
	}
	if ((rc = http_url_host(target, host, sizeof(host))) == PEIL_ENOMEM)
		return rc;
	if (rc != 0 || !dnsans_hostname_ok(host)) {
		snprintf(r->redirect_why, sizeof(r->redirect_why), "not followed: the target's "
		    "host is not a host name");
		return 0;
	}
	if (dnswork_lookup(w, host, a->v6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A, 1, ans) ==
	    PEIL_ENOMEM)
		return PEIL_ENOMEM;
	why[0] = '\0';
	if (dnsans_failed(ans, why, sizeof(why)) || ans->rcode != LDNS_RCODE_NOERROR ||
	    ans->n == 0) {
		snprintf(r->redirect_why, sizeof(r->redirect_why), "not followed: %.60s has "
		    "no %s%s%.60s", host, a->v6 ? "AAAA" : "A", why[0] != '\0' ? ": " : "",
		    why);
		return 0;
	}
	snprintf(addr, sizeof(addr), "%s", ans->rr[0].text);
	rq.url = target;
	rq.addr = addr;
	rq.body_cap = MAX_SECTXT_BYTES;
	rq.max_redirects = MAX_HTTP_REDIRECTS - (unsigned)n;
	rq.timeout_ms = DEFAULT_HTTP_GET_MS - r->ms;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return PEIL_ENOMEM;
	if ((rc = w->src->web_get(w->src->arg, &rq, w->deadline, c)) != 0) {
		http_response_clear(c);
		free(c);
		if (rc == PEIL_ENOMEM)
			return rc;
		snprintf(r->redirect_why, sizeof(r->redirect_why), "not followed: the request "
		    "to %.60s [%.45s] could not be made", host, addr);
		return 0;
	}
	/* c->nhops <= rq.max_redirects + 1: all fit in MAX_HTTP_REDIRECTS + 1 */
	if (c->nhops + n > MAX_HTTP_REDIRECTS + 1)
		c->nhops = MAX_HTTP_REDIRECTS + 1 - n;
	memmove(&c->hop[n], &c->hop[0], c->nhops * sizeof(c->hop[0]));
	memcpy(&c->hop[0], &r->hop[0], n * sizeof(c->hop[0]));
	for (size_t k = n; k < n + c->nhops; k++)
		if (c->hop[k].addr[0] == '\0')
			snprintf(c->hop[k].addr, sizeof(c->hop[k].addr), "%.63s", addr);
	c->nhops += n;
	/* http_get counted only its own hops against the limit */
	if (c->redirect_stopped && !c->redirect_other_host &&
	    c->nhops > MAX_HTTP_REDIRECTS)
		snprintf(c->redirect_why, sizeof(c->redirect_why), "not followed: %d "
		    "redirects allowed", MAX_HTTP_REDIRECTS);
	c->ms += r->ms;
	c->requests += r->requests;
	c->connections += r->connections;
	http_response_clear(r);
	free(r);
	*rp = c;
	return 1;
}

/* Follows, for one address, the redirect of *rp that http_get left to another host: the
 * target's name is looked up (the vantage's validating resolver, the address's family), the
 * GET pinned to its first address, within what is left of the hop limit and of one GET's
 * time (DEFAULT_HTTP_GET_MS for every hop together); the hops so far are put before the new
 * response's, which replaces *rp. Stops with (*rp)->redirect_why saying why. Returns 0 or
 * PEIL_ENOMEM. */
static int
webrun_follow_host(struct webwork *ww, const struct webaddr *a, struct http_response **rp)
{
	struct dnsans *ans;
	int rc = 1;

	if ((ans = malloc(sizeof(*ans))) == NULL)
		return PEIL_ENOMEM;
	/* each round adds at least one hop: bounded by the hop limit as well */
	for (int round = 0; round < MAX_HTTP_REDIRECTS && rc == 1; round++)
		rc = webrun_follow_once(ww, a, rp, ans);
	free(ans);
	return rc < 0 ? rc : 0;
}

int
webwork_get_where(struct webwork *ww, enum webget kind, bool (*want)(const struct webaddr *a))
{
	int rc;

	if (ww->state != WEBWORK_HOSTS || kind >= WEBGET_COUNT || ww->get_done[kind] ||
	    ww->w->src->web_get == NULL)
		return 0;
	ww->get_done[kind] = true;
	for (size_t i = 0; i < ww->naddr; i++)
		ww->addr[i].skip[kind] = want != NULL && !want(&ww->addr[i]);
	if ((rc = webrun_all(ww, (int)kind)) != 0)
		return rc;
	/* security.txt: internet.nl follows redirects to other hosts too (requests, through
	 * http_client.py's http_get_ip); here, one at a time, after the parallel GETs, as the
	 * lookups are this thread's */
	if (kind != WEBGET_SECTXT && kind != WEBGET_SECTXT_ROOT)
		return 0;
	for (size_t i = 0; i < ww->naddr && rc == 0; i++)
		if (ww->addr[i].got[kind] && ww->addr[i].get[kind] != NULL)
			rc = webrun_follow_host(ww, &ww->addr[i], &ww->addr[i].get[kind]);
	return rc;
}

int
webwork_get(struct webwork *ww, enum webget kind)
{
	return webwork_get_where(ww, kind, NULL);
}

int
webwork_tls(struct webwork *ww)
{
	if (ww->state != WEBWORK_HOSTS || ww->tls_done || ww->w->src->web_tls == NULL)
		return 0;
	ww->tls_done = true;
	/* No idle HTTP connection beside the engine's (DEFAULT_TLS_PER_HOST). */
	for (size_t i = 0; i < ww->naddr; i++) {
		http_conn_free(ww->addr[i].conn);
		ww->addr[i].conn = NULL;
	}
	return webrun_all(ww, WEBGET_COUNT);
}

void
webwork_who(const struct webwork *ww, const struct webaddr *a, char *buf, size_t len)
{
	snprintf(buf, len, "%.253s [%.64s]", ww->host[a->host].name, a->addr);
}

void
webwork_ev(const struct webwork *ww, struct dnsev *ev)
{
	dnsev_copy(ev, &ww->hostev);
}

int
webwork_apply(struct webwork *ww, const int *ids, size_t n, Peil__Result *res[TEST_COUNT],
    bool done[TEST_COUNT], int status, const char *reason)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		int id = ids[i];

		if (!done[id])
			rc = dnsev_apply(&ww->hostev, res[id], status, reason);
		done[id] = true;
	}
	return rc;
}

int
webwork_begin(struct webwork *ww, const int *ids, size_t n, Peil__Result *res[TEST_COUNT],
    bool done[TEST_COUNT])
{
	int rc;

	if ((rc = webwork_start(ww)) != 0)
		return rc;
	switch (ww->state) {
	case WEBWORK_NO_BUDGET:
		/* the runner gives what is left the budget's error */
		return 1;
	case WEBWORK_NONE:
		if ((rc = webwork_apply(ww, ids, n, res, done, ww->none_status, ww->none_why)) != 0)
			return rc;
		return 1;
	default:
		return 0;
	}
}
