/* mxwork.c: the mail servers one run tests: MX hosts, TLSA sets, STARTTLS on every address
 * (MAX_STARTTLS_PARALLEL at once), each once per run; and judging over every address. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "err.h"
#include "mxwork.h"

/* *acc becomes st when st is worse. */
void
mxwork_worse(int *acc, int st)
{
	tlsjudge_worse(acc, st);
}

const char *
mxwork_untried_why(const struct mxtry *t)
{
	return t->noslot && t->rep.why[0] != '\0' ? t->rep.why : MSG_BUDGET;
}

void
mxwork_untried(const struct mxtry *t, struct addrjudge *j)
{
	char buf[320];

	snprintf(buf, sizeof(buf), "not tried: %.256s", mxwork_untried_why(t));
	textlist_add(&j->line, buf);
	textlist_add(&j->bad, buf);
	j->st = PEIL__STATUS__ERROR;
}

/* Whether the host's address resolution worked for at least one family the vantage uses
 * (*ok); the last failure's reason in why. Returns 0 or PEIL_ENOMEM. */
static int
host_resolves(struct dnswork *w, const struct mxhost *h, bool *ok, char expanded[DNSANS_TEXT_LEN],
    char *why, size_t whylen)
{
	bool tried = false;

	*ok = false;
	why[0] = '\0';
	expanded[0] = '\0';
	for (int fam = 0; fam < 2 && !*ok; fam++) {
		uint16_t type = fam == 0 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
		char one[DNSANS_WHY_LEN];

		if ((fam == 0 && !w->src->ipv6) || (fam == 1 && !w->src->ipv4))
			continue;
		tried = true;
		if (dnswork_lookup(w, h->rr->text, type, MAX_ADDRS_PER_HOST, &w->a6) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (!dnsans_failed(&w->a6, one, sizeof(one))) {
			*ok = true;
			/* RFC 7672 2.2.2: a secure CNAME expansion is the first TLSA base name */
			if (w->a6.target[0] != '\0' && w->a6.sec == DNSANS_SECURE &&
			    dnsans_hostname_ok(w->a6.target))
				snprintf(expanded, DNSANS_TEXT_LEN, "%s", w->a6.target);
		} else
			snprintf(why, whylen, "%s %s: %.400s", h->rr->text, fam == 0 ? "AAAA" : "A",
			    one);
	}
	if (!tried)
		*ok = true;
	return 0;
}

/* The TLSA set of _25._tcp.<base>, through the validator (tlsaset.c). */
static int
host_tlsa_at(struct dnswork *w, struct mxhost *h, const char *base)
{
	struct tlsaset ts = { 0 };
	int rc;

	if ((rc = tlsaset_lookup(w, 25, base, &ts)) != 0) {
		tlsaset_clear(&ts);
		return rc;
	}
	snprintf(h->base, sizeof(h->base), "%s", ts.base);
	snprintf(h->tlsa_why, sizeof(h->tlsa_why), "%s", ts.why);
	h->tlsa = ts.state;
	h->tlsa_total = ts.total;
	if (ts.set != NULL) {
		/* only a secure set has records; a second lookup follows none or insecure only */
		free(h->set);
		h->set = ts.set;
		h->ntlsa = ts.n;
		h->dane_ta = ts.dane_ta;
	}
	return 0;
}

/* The TLSA set of an MX host. DANE starts from the host's address resolution (RFC 7672
 * 2.2.1-2.2.2): when that fails, nothing can be decided; when it followed a secure CNAME,
 * TLSA is looked up at the expanded name first, then at the host's own name. */
static int
host_tlsa(struct dnswork *w, struct mxhost *h)
{
	char why[DNSANS_WHY_LEN], expanded[DNSANS_TEXT_LEN], first[DNSANS_WHY_LEN];
	bool resolves;
	int rc;

	if (host_resolves(w, h, &resolves, expanded, why, sizeof(why)) != 0)
		return PEIL_ENOMEM;
	if (!resolves) {
		h->tlsa = TLSA_FAILED;
		snprintf(h->base, sizeof(h->base), "%s", h->rr->text);
		snprintf(h->tlsa_why, sizeof(h->tlsa_why), "the address lookup failed (%.400s): "
		    "DANE cannot be decided (RFC 7672 2.2)", why);
		return 0;
	}
	if (expanded[0] != '\0' && strcasecmp(expanded, h->rr->text) != 0) {
		if ((rc = host_tlsa_at(w, h, expanded)) != 0)
			return rc;
		/* secure records, or a lookup that decides nothing: that is the answer */
		if (h->tlsa != TLSA_NONE && h->tlsa != TLSA_INSECURE)
			return 0;
		snprintf(first, sizeof(first), "%s", h->tlsa_why);
		if ((rc = host_tlsa_at(w, h, h->rr->text)) != 0)
			return rc;
		snprintf(why, sizeof(why), "%s", h->tlsa_why);
		snprintf(h->tlsa_why, sizeof(h->tlsa_why), "%.*s (the secure CNAME expansion "
		    "first: %.*s)", (int)sizeof(h->tlsa_why) / 2 - 48, why,
		    (int)sizeof(h->tlsa_why) / 2 - 48, first);
		return 0;
	}
	return host_tlsa_at(w, h, h->rr->text);
}

/* The addresses of one host the vantage may use, at most MAX_STARTTLS_ADDRS. */
static int
host_addrs(struct mxwork *tw, size_t hi)
{
	struct dnswork *w = tw->w;
	struct mxhost *h = &tw->host[hi];
	size_t kept = 0;

	for (int fam = 0; fam < 2; fam++) {
		uint16_t type = fam == 0 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
		struct dnsans *a = &w->a6;
		char why[DNSANS_WHY_LEN];

		if ((fam == 0 && !w->src->ipv6) || (fam == 1 && !w->src->ipv4))
			continue;
		if (dnswork_lookup(w, h->rr->text, type, MAX_ADDRS_PER_HOST, a) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		if (dnsans_failed(a, why, sizeof(why))) {
			dnsev_add(&tw->addrev, "addr_lookup", "%s %s: %s", h->rr->text,
			    fam == 0 ? "AAAA" : "A", why);
			continue;
		}
		h->naddrs += a->total;
		for (size_t i = 0; i < a->n && kept < MAX_STARTTLS_ADDRS; i++, kept++) {
			struct mxtry *t = &tw->tries[tw->ntry++];

			t->host = hi;
			snprintf(t->addr, sizeof(t->addr), "%s", a->rr[i].text);
		}
	}
	if (h->naddrs > kept)
		dnsev_add(&tw->addrev, "addr_cut", "%s has %zu addresses; the first %zu tested "
		    "(MAX_STARTTLS_ADDRS)", h->rr->text, h->naddrs, kept);
	return 0;
}

/* The tries of one run, shared by its threads. */
struct tryrun {
	struct mxwork *tw;
	pthread_mutex_t lock;
	size_t next;       /* the next try to take */
	int rc;            /* PEIL_ENOMEM from a try ends the run */
};

static void *
try_thread(void *arg)
{
	struct tryrun *tr = arg;
	struct mxwork *tw = tr->tw;
	struct dnswork *w = tw->w;

	for (;;) {
		struct mxtry *t;
		size_t i;
		int rc;

		pthread_mutex_lock(&tr->lock);
		i = tr->next++;
		pthread_mutex_unlock(&tr->lock);
		if (i >= tw->ntry)
			break;
		t = &tw->tries[i];
		/* The source's clock and the deadline only; the budget flag is the caller's. */
		if (w->src->now_ms(w->src->arg) >= w->deadline)
			continue;
		rc = w->src->starttls(w->src->arg, tw->host[t->host].rr->text, t->addr, w->deadline,
		    &t->rep, &t->s);
		t->tried = rc == 0;
		/* The engine never ran (no connection slot in time): not tested, the judges say
		 * why; not an error of the run. */
		if (rc == PEIL_ETIMEDOUT) {
			t->noslot = true;
			rc = 0;
		}
		pthread_mutex_lock(&tr->lock);
		if (rc != 0 && tr->rc == 0)
			tr->rc = rc;
		pthread_mutex_unlock(&tr->lock);
	}
	return NULL;
}

/* STARTTLS on every address, MAX_STARTTLS_PARALLEL at once (different addresses: a server
 * sees one connection of this run at a time; the source bounds the process's per address). */
static int
try_all(struct mxwork *tw)
{
	struct tryrun tr = { .tw = tw };
	pthread_t th[MAX_STARTTLS_PARALLEL];
	size_t nth = tw->ntry < MAX_STARTTLS_PARALLEL ? tw->ntry : MAX_STARTTLS_PARALLEL, started = 0;

	pthread_mutex_init(&tr.lock, NULL);
	/* The first try runs in this thread; helpers only when there is more than one. */
	for (size_t i = 1; i < nth; i++)
		if (pthread_create(&th[started], NULL, try_thread, &tr) == 0)
			started++;
	try_thread(&tr);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&tr.lock);
	for (size_t i = 0; i < tw->ntry; i++)
		if (!tw->tries[i].tried && !tw->tries[i].noslot)
			tw->budget_cut = true;
	if (tw->budget_cut)
		(void)dnswork_budget_left(tw->w);
	return tr.rc;
}

struct mxwork *
mxwork_new(struct dnswork *w)
{
	struct mxwork *tw;

	if ((tw = calloc(1, sizeof(*tw))) == NULL)
		return NULL;
	tw->w = w;
	return tw;
}

void
mxwork_free(struct mxwork *tw)
{
	if (tw == NULL)
		return;
	for (size_t i = 0; i < tw->ntry; i++)
		tls_report_clear(&tw->tries[i].rep);
	for (size_t i = 0; i < tw->nhosts; i++)
		free(tw->host[i].set);
	free(tw->tries);
	dnsev_clear(&tw->mxev);
	dnsev_clear(&tw->addrev);
	free(tw);
}

int
mxwork_start(struct mxwork *tw)
{
	struct dnswork *w = tw->w;
	size_t hosts[MAX_MX];
	int n;

	if (tw->state != MXWORK_NEW)
		return 0;
	if (!dnswork_budget_left(w)) {
		tw->state = MXWORK_NO_BUDGET;
		return 0;
	}
	if ((tw->g = ncsc_find(w->src->tls_guideline)) == NULL)
		tw->g = ncsc_default();
	if ((n = dnswork_mx_hosts(w, &tw->mxev, hosts, &tw->mx_status, &tw->mx_reason)) ==
	    PEIL_ENOMEM)
		return PEIL_ENOMEM;
	if (n == 0) {
		/* No mail server to test (no MX, null MX) or the MX lookup failed. */
		tw->state = MXWORK_NONE;
		return 0;
	}
	tw->state = MXWORK_HOSTS;
	tw->nhosts = (size_t)n;
	for (size_t i = 0; i < tw->nhosts; i++)
		tw->host[i].rr = &w->mx.rr[hosts[i]];
	return 0;
}

/* Every host's addresses and TLSA set at its own name asked at once (host_tlsa asks them
 * host by host, each after the other). */
static void
mxwork_prefetch(struct mxwork *tw)
{
	struct dnswork *w = tw->w;
	const char *names[MAX_MX];
	char tlsa[MAX_MX][DNSANS_TEXT_LEN];
	size_t nt = 0;

	for (size_t i = 0; i < tw->nhosts; i++) {
		names[i] = tw->host[i].rr->text;
		if (snprintf(tlsa[nt], sizeof(tlsa[nt]), "_25._tcp.%s", names[i]) <
		    (int)sizeof(tlsa[nt]))
			nt++;
	}
	if (w->src->ipv4)
		dnswork_prefetch(w, names, tw->nhosts, LDNS_RR_TYPE_A);
	if (w->src->ipv6)
		dnswork_prefetch(w, names, tw->nhosts, LDNS_RR_TYPE_AAAA);
	for (size_t i = 0; i < nt; i++)
		dnswork_prefetch(w, (const char *const[]){ tlsa[i] }, 1, LDNS_RR_TYPE_TLSA);
}

int
mxwork_tlsa(struct mxwork *tw)
{
	int rc;

	if (tw->tlsa_done)
		return 0;
	tw->tlsa_done = true;
	mxwork_prefetch(tw);
	for (size_t i = 0; i < tw->nhosts; i++)
		if ((rc = host_tlsa(tw->w, &tw->host[i])) != 0)
			return rc;
	return 0;
}

int
mxwork_tries(struct mxwork *tw)
{
	int rc;

	if (tw->tries_done)
		return 0;
	tw->tries_done = true;
	if ((tw->tries = calloc(MAX_MX * MAX_STARTTLS_ADDRS, sizeof(*tw->tries))) == NULL)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < tw->nhosts; i++)
		if ((rc = host_addrs(tw, i)) != 0)
			return rc;
	return try_all(tw);
}

void
mxwork_ev(const struct mxwork *tw, struct dnsev *ev)
{
	dnsev_copy(ev, &tw->mxev);
	dnsev_copy(ev, &tw->addrev);
}

int
mxwork_apply(struct mxwork *tw, const int *ids, size_t n, Peil__Result *res[TEST_COUNT],
    bool done[TEST_COUNT], int status, const char *reason, bool with_addrs)
{
	struct dnsev ev = { 0 };
	int rc = 0;

	if (with_addrs)
		mxwork_ev(tw, &ev);
	for (size_t i = 0; i < n && rc == 0; i++) {
		int id = ids[i];

		if (!done[id])
			rc = dnsev_apply(with_addrs ? &ev : &tw->mxev, res[id], status, reason);
		done[id] = true;
	}
	dnsev_clear(&ev);
	return rc;
}

struct judge_run {
	const struct mxwork *tw;
	addr_judge_fn fn;
	const void *arg;
};

static bool
judge_one(void *arg, size_t i, struct addrjudge *j)
{
	const struct judge_run *jr = arg;
	const struct mxtry *t = &jr->tw->tries[i];

	/* reachable without TLS: mail_starttls_tls_available judges it; not tried: fn says
	 * whether the test needed it (mxwork_untried) */
	if (t->tried && !t->rep.available)
		return false;
	jr->fn(jr->tw, t, jr->arg, j);
	return true;
}

static void
judge_who(void *arg, size_t i, char *buf, size_t len)
{
	const struct judge_run *jr = arg;
	const struct mxtry *t = &jr->tw->tries[i];

	snprintf(buf, len, "%.253s [%.64s]", jr->tw->host[t->host].rr->text, t->addr);
}

/* Judges one test over every address that spoke TLS or was not tried; worst wins
 * (tlsjudge_addrs). */
int
mxwork_judge_addrs(struct mxwork *tw, Peil__Result *r, addr_judge_fn fn, const void *arg,
    const char *what, bool tls_guideline)
{
	struct judge_run jr = { .tw = tw, .fn = fn, .arg = arg };
	struct tlsjudge_each e = { .n = tw->ntry, .arg = &jr, .judge = judge_one, .who = judge_who,
	    .what = what, .none_why = "nothing to judge on any mail server that spoke TLS",
	    .guideline = tls_guideline ? ncsc_id(tw->g) : NULL };
	struct dnsev ev = { 0 };
	int rc;

	if (r == NULL)
		return 0;
	mxwork_ev(tw, &ev);
	rc = tlsjudge_addrs(&ev, r, &e);
	dnsev_clear(&ev);
	return rc;
}
