/* resolver.c: libunbound behind one module: options, a deadline per query, error translation.
 *
 * The resolvers of one configuration in the process (one per worker thread) share a few
 * libunbound contexts, one per processor (its cache, its validated chains, its knowledge of
 * servers that do not answer): a thread waiting for a time-out no longer holds a context of
 * its own, and a zone's keys are fetched and validated once per context, not once per worker.
 * A context is created by a resolver_new and deleted by the last resolver_free using it.
 * libunbound resolves in a thread of its own (ub_ctx_async(ctx, 1)); one dispatcher thread of
 * ours per context waits on ub_fd and runs ub_process, which calls our callback. A query is asked with ub_resolve_async from the
 * caller's thread, which then waits on its resolver's condition variable until the callback
 * says the answer is in or the deadline passes; then the query is cancelled. libunbound's
 * context is thread-safe: ub_resolve_async and ub_cancel may be called from any thread while
 * the dispatcher runs ub_process. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <unbound.h>

#include "clock.h"
#include "err.h"
#include "log.h"
#include "resolver.h"

/* File descriptors kept for everything but the resolver's sockets. */
#define RESOLVER_FD_RESERVE 1024

struct resolver_shared;

/* One query in flight. Its state (done, err, res, orphaned, the lists) is under the shared
 * context's lock. A ticket whose query could not be cancelled is kept (orphaned) until its
 * callback comes or the context is deleted, so the callback never writes freed memory. */
struct resolver_ticket {
	struct resolver_shared *sh;
	struct resolver *r;         /* whose condition variable to signal; unused once orphaned */
	bool done, orphaned;
	int err;                    /* UB_* from the callback */
	struct ub_result *res;
	struct resolver_ticket *prev, *next;  /* in sh->waiting, or (next only) in sh->orphans */
};

/* A libunbound context shared by every resolver made with the same configuration. */
struct resolver_shared {
	struct resolver_shared *next;       /* in resolver_list */
	unsigned refs;                      /* under resolver_list_lock */
	/* The configuration it was made with (the key to share it). */
	char *root_hints, *trust_anchor, *forwarder;
	bool ipv4, ipv6;
	unsigned sockets;
	struct ub_ctx *ctx;
	bool validating;
	pthread_t dispatcher;
	bool dispatching;                   /* the dispatcher thread was started */
	int wake[2];                        /* a byte on wake[1] stops the dispatcher */
	pthread_mutex_t lock;               /* the fields below and every ticket's state */
	int failed;                         /* UB_* once ub_process failed: no more queries */
	struct resolver_ticket *waiting;    /* tickets a caller waits for */
	struct resolver_ticket *orphans;
	uint64_t questions, timeouts;       /* since the context was made */
	uint64_t prefetches;                /* resolver_prefetch's questions, the same */
	uint64_t made_ms;
};

/* One per thread: the thread's handle on the shared context and what it waits on. */
struct resolver {
	struct resolver_shared *sh;
	pthread_cond_t cond;                /* on CLOCK_MONOTONIC, the clock deadlines are on */
};

static void resolver_ahead(struct resolver_shared *sh, const char *name, uint16_t type);

static pthread_mutex_t resolver_list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct resolver_shared *resolver_list;

uint64_t
resolver_now_ms(void)
{
	return (uint64_t)clock_mono_ms();
}

/* The one translation of libunbound's error codes. */
static int
resolver_ub_err(int ub)
{
	switch (ub) {
	case UB_NOERROR:  return 0;
	case UB_NOMEM:    return PEIL_ENOMEM;
	case UB_SYNTAX:   return PEIL_EINVAL;
	case UB_READFILE: return PEIL_EIO;
	default:          return PEIL_EDNS;
	}
}

static int
resolver_opt(struct ub_ctx *ctx, const char *opt, const char *val, char *err, size_t errlen)
{
	int ub = ub_ctx_set_option(ctx, opt, val);

	if (ub != 0) {
		err_set(err, errlen, "resolver option %s %s: %s", opt, val, ub_strerror(ub));
		return resolver_ub_err(ub);
	}
	return 0;
}

static int
resolver_readable(const char *path, const char *what, char *err, size_t errlen)
{
	FILE *f;

	if (path == NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		err_set(err, errlen, "resolver: %s %s: %s", what, path, strerror(errno));
		return PEIL_EIO;
	}
	fclose(f);
	return 0;
}

static bool
resolver_str_eq(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static bool
resolver_conf_eq(const struct resolver_shared *sh, const struct resolver_conf *rc)
{
	return sh->ipv4 == rc->ipv4 && sh->ipv6 == rc->ipv6 && sh->sockets == rc->sockets &&
	    resolver_str_eq(sh->root_hints, rc->root_hints) &&
	    resolver_str_eq(sh->trust_anchor, rc->trust_anchor) &&
	    resolver_str_eq(sh->forwarder, rc->forwarder);
}

static int
resolver_strdup(const char *s, char **out)
{
	*out = NULL;
	if (s != NULL && (*out = strdup(s)) == NULL)
		return PEIL_ENOMEM;
	return 0;
}

/* Frees a shared context nobody refers to: stops the dispatcher, deletes the libunbound
 * context (after which no callback can come) and then the orphans. */
static void
resolver_shared_free(struct resolver_shared *sh)
{
	struct resolver_ticket *t, *next;

	if (sh == NULL)
		return;
	if (sh->dispatching) {
		char b = 0;

		while (write(sh->wake[1], &b, 1) < 0 && errno == EINTR)
			;
		pthread_join(sh->dispatcher, NULL);
	}
	if (sh->ctx != NULL) {
		if (sh->questions > 0)
			log_debug("resolver: %llu questions (and %llu prefetched), %llu timed out, "
			    "in %.1f s", (unsigned long long)sh->questions,
			    (unsigned long long)sh->prefetches, (unsigned long long)sh->timeouts,
			    (double)(resolver_now_ms() - sh->made_ms) / 1000.0);
		ub_ctx_delete(sh->ctx);
	}
	for (t = sh->orphans; t != NULL; t = next) {
		next = t->next;
		free(t);
	}
	if (sh->wake[0] >= 0)
		close(sh->wake[0]);
	if (sh->wake[1] >= 0)
		close(sh->wake[1]);
	pthread_mutex_destroy(&sh->lock);
	free(sh->root_hints);
	free(sh->trust_anchor);
	free(sh->forwarder);
	free(sh);
}

/* The dispatcher: runs libunbound's callbacks as answers arrive, until woken to stop. */
static void *
resolver_dispatch(void *arg)
{
	struct resolver_shared *sh = arg;
	bool failed = false;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sh->wake[0], .events = POLLIN },
			{ .fd = ub_fd(sh->ctx), .events = POLLIN },
		};
		int n, ub;

		/* After a failure only the wake-up is watched: the pipe may stay readable. */
		n = poll(pfd, failed ? 1 : 2, -1);
		if (n < 0) {
			if (errno != EINTR) {
				log_err("resolver: poll: %s", strerror(errno));
				usleep(10000);
			}
			continue;
		}
		if (pfd[0].revents != 0)
			break;
		if (failed || pfd[1].revents == 0)
			continue;
		if ((ub = ub_process(sh->ctx)) != 0) {
			struct resolver_ticket *t;

			log_err("resolver: libunbound failed: %s; every DNS query fails from now on",
			    ub_strerror(ub));
			pthread_mutex_lock(&sh->lock);
			sh->failed = ub;
			for (t = sh->waiting; t != NULL; t = t->next)
				pthread_cond_signal(&t->r->cond);
			pthread_mutex_unlock(&sh->lock);
			failed = true;
		}
	}
	return NULL;
}

/* How many libunbound contexts one configuration gets: one per processor, within limits. */
static unsigned
resolver_contexts(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_RESOLVER_CONTEXTS ? MAX_RESOLVER_CONTEXTS : (unsigned)n;
}

/* The sockets one context may hold (outgoing-range): `want` (0: MAX_RESOLVER_SOCKETS), at
 * most MAX_RESOLVER_SOCKETS, within the process's file limit shared by every context and a
 * reserve for the probes' own connections, the spool and ZeroMQ. */
static void
resolver_sockets(unsigned want, char *buf, size_t len)
{
	struct rlimit rl;
	unsigned long n = want != 0 && want < MAX_RESOLVER_SOCKETS ? want : MAX_RESOLVER_SOCKETS;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		unsigned long room = rl.rlim_cur > RESOLVER_FD_RESERVE + 64 ?
		    (unsigned long)(rl.rlim_cur - RESOLVER_FD_RESERVE) / resolver_contexts() : 64;

		if (room < n)
			n = room;
	}
	snprintf(buf, len, "%lu", n);
}

/* Makes a shared context for rc; NULL with the reason in err. */
static struct resolver_shared *
resolver_shared_new(const struct resolver_conf *rc, char *err, size_t errlen)
{
	struct resolver_shared *sh;
	sigset_t all, old;
	char range[24];
	int ub;

	if ((sh = calloc(1, sizeof(*sh))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	sh->wake[0] = sh->wake[1] = -1;
	pthread_mutex_init(&sh->lock, NULL);
	sh->ipv4 = rc->ipv4;
	sh->ipv6 = rc->ipv6;
	sh->sockets = rc->sockets;
	sh->made_ms = resolver_now_ms();
	if (resolver_strdup(rc->root_hints, &sh->root_hints) != 0 ||
	    resolver_strdup(rc->trust_anchor, &sh->trust_anchor) != 0 ||
	    resolver_strdup(rc->forwarder, &sh->forwarder) != 0) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	if (pipe2(sh->wake, O_CLOEXEC) != 0) {
		err_set(err, errlen, "resolver: pipe: %s", strerror(errno));
		goto fail;
	}
	if ((sh->ctx = ub_ctx_create()) == NULL) {
		err_set(err, errlen, "resolver: ub_ctx_create failed");
		goto fail;
	}
	if ((ub = ub_ctx_async(sh->ctx, 1)) != 0) {
		err_set(err, errlen, "resolver: threads: %s", ub_strerror(ub));
		goto fail;
	}
	/* The lab and the tests serve DNS on loopback addresses. QNAME minimisation is off: it
	 * hides little when the names asked are the public domains measured, and it costs about
	 * a third more queries (tests/bench/dns-tier: 20.7 against 15.4 a domain), each of them
	 * one more chance for a server that mishandles minimised queries to fail a test.
	 * libunbound's default number of sockets is too few for a context shared by a hundred
	 * workers: queries to servers that never answer, still retried inside libunbound after
	 * we cancelled them, hold sockets until answerable queries of other domains time out
	 * (tests/bench/dns-tier, silent variant). */
	resolver_sockets(rc->sockets, range, sizeof(range));
	if (resolver_opt(sh->ctx, "do-not-query-localhost:", "no", err, errlen) != 0 ||
	    resolver_opt(sh->ctx, "do-ip4:", rc->ipv4 ? "yes" : "no", err, errlen) != 0 ||
	    resolver_opt(sh->ctx, "do-ip6:", rc->ipv6 ? "yes" : "no", err, errlen) != 0 ||
	    resolver_opt(sh->ctx, "qname-minimisation:", "no", err, errlen) != 0 ||
	    resolver_opt(sh->ctx, "outgoing-range:", range, err, errlen) != 0)
		goto fail;
	/* libunbound reads the files late and then says only "out of memory" or "initialization
	 * failure": check that they can be read now. */
	if (resolver_readable(rc->root_hints, "root hints", err, errlen) != 0 ||
	    resolver_readable(rc->trust_anchor, "trust anchor", err, errlen) != 0)
		goto fail;
	if (rc->root_hints != NULL &&
	    resolver_opt(sh->ctx, "root-hints:", rc->root_hints, err, errlen) != 0)
		goto fail;
	if (rc->trust_anchor != NULL) {
		if ((ub = ub_ctx_add_ta_file(sh->ctx, rc->trust_anchor)) != 0) {
			err_set(err, errlen, "resolver: trust anchor %s: %s", rc->trust_anchor,
			    ub_strerror(ub));
			goto fail;
		}
		sh->validating = true;
	}
	if (rc->forwarder != NULL && (ub = ub_ctx_set_fwd(sh->ctx, rc->forwarder)) != 0) {
		err_set(err, errlen, "resolver: forwarder %s: %s", rc->forwarder,
		    ub_strerror(ub));
		goto fail;
	}
	/* The lab and the tests use the TLD `test`, which libunbound would answer itself (an
	 * RFC 6761 default local zone). Removing a local zone also finalizes the context: the
	 * trust anchor is parsed now, so a bad one fails here and not as an error verdict on
	 * every domain. No option can be set after this. */
	if ((ub = ub_ctx_zone_remove(sh->ctx, "test.")) != 0 && ub != UB_NOID) {
		err_set(err, errlen, "resolver: %s%s", ub_strerror(ub),
		    rc->trust_anchor != NULL ? " (is the trust anchor file valid?)" : "");
		goto fail;
	}
	/* The dispatcher takes no signals: an interrupted read inside ub_process would fail the
	 * context for good (the agent's handlers do not restart system calls). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	errno = pthread_create(&sh->dispatcher, NULL, resolver_dispatch, sh);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (errno != 0) {
		err_set(err, errlen, "resolver: cannot start a thread: %s", strerror(errno));
		goto fail;
	}
	sh->dispatching = true;
	/* libunbound sets its resolving thread up at the first question (some milliseconds):
	 * asked now, with the root's keys every validation starts from, that overlaps with
	 * what the caller does before its first lookup. */
	if (sh->validating)
		resolver_ahead(sh, ".", 48 /* DNSKEY */);
	return sh;
fail:
	resolver_shared_free(sh);
	return NULL;
}


/* Joins r to a working context of rc's configuration: a new one while fewer than
 * resolver_contexts() work, else the least used. Returns 0, or PEIL_EDNS with err. */
static int
resolver_join(struct resolver *r, const struct resolver_conf *rc, char *err, size_t errlen)
{
	struct resolver_shared *sh, *best;
	unsigned count = 0;

	/* Under the list's lock: the threads of a round start together. One libunbound context
	 * resolves and validates in one thread; up to one per processor (MAX_RESOLVER_CONTEXTS
	 * at most) are made for a configuration, each resolver joining the least used. */
	pthread_mutex_lock(&resolver_list_lock);
	for (best = NULL, sh = resolver_list; sh != NULL; sh = sh->next) {
		bool failed;

		pthread_mutex_lock(&sh->lock);
		failed = sh->failed != 0;
		pthread_mutex_unlock(&sh->lock);
		if (failed || !resolver_conf_eq(sh, rc))
			continue;
		count++;
		if (best == NULL || sh->refs < best->refs)
			best = sh;
	}
	if (count < resolver_contexts() &&
	    (sh = resolver_shared_new(rc, err, errlen)) != NULL) {
		sh->next = resolver_list;
		resolver_list = sh;
	} else {
		sh = best;
	}
	if (sh != NULL)
		sh->refs++;
	pthread_mutex_unlock(&resolver_list_lock);
	if (sh == NULL)
		return PEIL_EDNS;
	r->sh = sh;
	return 0;
}

/* Lets go of one reference to sh; the last one deletes the context. */
static void
resolver_leave(struct resolver_shared *sh)
{
	struct resolver_shared **pp;

	pthread_mutex_lock(&resolver_list_lock);
	if (--sh->refs == 0) {
		for (pp = &resolver_list; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == sh) {
				*pp = sh->next;
				break;
			}
		}
	} else {
		sh = NULL;
	}
	pthread_mutex_unlock(&resolver_list_lock);
	resolver_shared_free(sh);
}

/* A context whose ub_process failed answers nothing more: r moves to a working one of the
 * same configuration (made anew if needed). Returns 0, or PEIL_EDNS when none can be had. */
static int
resolver_rejoin(struct resolver *r, char *err, size_t errlen)
{
	struct resolver_shared *old = r->sh;
	struct resolver_conf rc = {
		.root_hints = old->root_hints,
		.trust_anchor = old->trust_anchor,
		.forwarder = old->forwarder,
		.ipv4 = old->ipv4,
		.ipv6 = old->ipv6,
		.sockets = old->sockets,
	};

	/* Join first: the old context's strings are rc's until then. */
	if (resolver_join(r, &rc, err, errlen) != 0)
		return PEIL_EDNS;
	resolver_leave(old);
	log_warn("resolver: a failed libunbound context was replaced");
	return 0;
}

struct resolver *
resolver_new(const struct resolver_conf *rc, char *err, size_t errlen)
{
	struct resolver *r;
	pthread_condattr_t ca;

	if (!rc->ipv4 && !rc->ipv6) {
		err_set(err, errlen, "resolver: neither IPv4 nor IPv6 allowed");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&r->cond, &ca) != 0) {
		err_set(err, errlen, "resolver: cannot make a condition variable");
		pthread_condattr_destroy(&ca);
		free(r);
		return NULL;
	}
	pthread_condattr_destroy(&ca);
	if (resolver_join(r, rc, err, errlen) != 0) {
		pthread_cond_destroy(&r->cond);
		free(r);
		return NULL;
	}
	return r;
}

void
resolver_free(struct resolver *r)
{
	if (r == NULL)
		return;
	resolver_leave(r->sh);
	pthread_cond_destroy(&r->cond);
	free(r);
}

bool
resolver_validating(const struct resolver *r)
{
	return r->sh->validating;
}

/* Runs in the dispatcher thread (inside ub_process). */
static void
resolver_callback(void *arg, int err, struct ub_result *res)
{
	struct resolver_ticket *t = arg, **pp;
	struct resolver_shared *sh = t->sh;

	pthread_mutex_lock(&sh->lock);
	if (t->orphaned) {
		for (pp = &sh->orphans; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == t) {
				*pp = t->next;
				break;
			}
		}
		pthread_mutex_unlock(&sh->lock);
		ub_resolve_free(res);
		free(t);
		return;
	}
	t->done = true;
	t->err = err;
	t->res = res;
	pthread_cond_signal(&t->r->cond);
	pthread_mutex_unlock(&sh->lock);
}

void
resolver_reply_clear(struct resolver_reply *rep)
{
	free(rep->pkt);
	memset(rep, 0, sizeof(*rep));
}

/* Copies what we use of a ub_result; the packet is bounded by the size of a DNS message. */
static int
resolver_reply_fill(const struct ub_result *res, struct resolver_reply *out, char *err,
    size_t errlen)
{
	out->rcode = res->rcode;
	out->havedata = res->havedata != 0;
	out->nxdomain = res->nxdomain != 0;
	out->secure = res->secure != 0;
	out->bogus = res->bogus != 0;
	if (out->bogus)
		snprintf(out->why_bogus, sizeof(out->why_bogus), "%s",
		    res->why_bogus != NULL ? res->why_bogus : "no reason given");
	if (res->answer_packet != NULL && res->answer_len > 0) {
		if (res->answer_len > MAX_DNS_MESSAGE) {
			err_set(err, errlen, "answer of %d bytes", res->answer_len);
			return PEIL_ETOOBIG;
		}
		out->len = (size_t)res->answer_len;
		if ((out->pkt = malloc(out->len)) == NULL) {
			err_set(err, errlen, "out of memory");
			return PEIL_ENOMEM;
		}
		memcpy(out->pkt, res->answer_packet, out->len);
	}
	return 0;
}

/* Links or unlinks a ticket in sh->waiting; the caller holds sh->lock. */
static void
resolver_wait_link(struct resolver_shared *sh, struct resolver_ticket *t)
{
	t->prev = NULL;
	t->next = sh->waiting;
	if (sh->waiting != NULL)
		sh->waiting->prev = t;
	sh->waiting = t;
}

static void
resolver_wait_unlink(struct resolver_shared *sh, struct resolver_ticket *t)
{
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		sh->waiting = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
}

void
resolver_prefetch(struct resolver *r, const char *name, uint16_t type)
{
	resolver_ahead(r->sh, name, type);
}

/* resolver_prefetch on a context. */
static void
resolver_ahead(struct resolver_shared *sh, const char *name, uint16_t type)
{
	struct resolver_ticket *t, **pp;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return;
	/* An orphan from the start: nobody waits, the callback frees the answer and the ticket,
	 * or the context's end frees the ticket. Linked before it is asked: the answer may come
	 * before ub_resolve_async returns. */
	t->sh = sh;
	t->orphaned = true;
	pthread_mutex_lock(&sh->lock);
	if (sh->failed != 0) {
		pthread_mutex_unlock(&sh->lock);
		free(t);
		return;
	}
	sh->prefetches++;
	t->next = sh->orphans;
	sh->orphans = t;
	pthread_mutex_unlock(&sh->lock);
	if (ub_resolve_async(sh->ctx, name, type, 1 /* IN */, t, resolver_callback, NULL) != 0) {
		/* Not asked: no callback comes. */
		pthread_mutex_lock(&sh->lock);
		for (pp = &sh->orphans; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == t) {
				*pp = t->next;
				break;
			}
		}
		pthread_mutex_unlock(&sh->lock);
		free(t);
	}
}

int
resolver_query(struct resolver *r, const char *name, uint16_t type, uint64_t deadline_ms,
    struct resolver_reply *out, char *err, size_t errlen)
{
	struct resolver_shared *sh = r->sh;
	struct resolver_ticket *t;
	struct timespec until;
	int id = 0, ub, rc, failed;

	memset(out, 0, sizeof(*out));
	if (resolver_now_ms() >= deadline_ms) {
		err_set(err, errlen, "no time left to ask");
		return PEIL_ETIMEDOUT;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		err_set(err, errlen, "out of memory");
		return PEIL_ENOMEM;
	}
	pthread_mutex_lock(&sh->lock);
	failed = sh->failed;
	pthread_mutex_unlock(&sh->lock);
	if (failed != 0 && resolver_rejoin(r, err, errlen) == 0)
		sh = r->sh;
	t->sh = sh;
	t->r = r;
	pthread_mutex_lock(&sh->lock);
	if ((failed = sh->failed) != 0) {
		pthread_mutex_unlock(&sh->lock);
		free(t);
		err_set(err, errlen, "%s", ub_strerror(failed));
		return resolver_ub_err(failed);
	}
	sh->questions++;
	/* Linked before it is asked: the answer may come before ub_resolve_async returns. */
	resolver_wait_link(sh, t);
	pthread_mutex_unlock(&sh->lock);
	if ((ub = ub_resolve_async(sh->ctx, name, type, 1 /* IN */, t, resolver_callback, &id)) != 0) {
		/* Not asked: no callback comes. */
		pthread_mutex_lock(&sh->lock);
		resolver_wait_unlink(sh, t);
		pthread_mutex_unlock(&sh->lock);
		free(t);
		err_set(err, errlen, "%s", ub_strerror(ub));
		return resolver_ub_err(ub);
	}
	until.tv_sec = (time_t)(deadline_ms / 1000);
	until.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
	pthread_mutex_lock(&sh->lock);
	while (!t->done && sh->failed == 0) {
		int w = pthread_cond_timedwait(&r->cond, &sh->lock, &until);

		if (w == ETIMEDOUT || (w != 0 && w != EINTR))
			break;
	}
	resolver_wait_unlink(sh, t);
	if (!t->done) {
		if ((failed = sh->failed) != 0) {
			rc = resolver_ub_err(failed);
			err_set(err, errlen, "%s", ub_strerror(failed));
		} else {
			rc = PEIL_ETIMEDOUT;
			err_set(err, errlen, "no answer in time");
			sh->timeouts++;
		}
		pthread_mutex_unlock(&sh->lock);
		goto cancel;
	}
	pthread_mutex_unlock(&sh->lock);
	/* Done: the callback has let go of the ticket. */
	if (t->err != 0) {
		err_set(err, errlen, "%s", ub_strerror(t->err));
		rc = resolver_ub_err(t->err);
		if (rc == PEIL_EINVAL)
			err_set(err, errlen, "name not accepted: %s", ub_strerror(t->err));
	} else if (t->res == NULL) {
		err_set(err, errlen, "no result");
		rc = PEIL_EDNS;
	} else {
		rc = resolver_reply_fill(t->res, out, err, errlen);
	}
	if (t->res != NULL)
		ub_resolve_free(t->res);
	free(t);
	if (rc != 0)
		resolver_reply_clear(out);
	return rc;
cancel:
	/* Cancelled: the callback never comes. Otherwise it has come or is coming: whichever of
	 * us sees the other's mark frees the ticket. */
	if (ub_cancel(sh->ctx, id) == 0) {
		free(t);
		return rc;
	}
	pthread_mutex_lock(&sh->lock);
	if (t->done) {
		pthread_mutex_unlock(&sh->lock);
		if (t->res != NULL)
			ub_resolve_free(t->res);
		free(t);
		return rc;
	}
	t->orphaned = true;
	t->next = sh->orphans;
	sh->orphans = t;
	pthread_mutex_unlock(&sh->lock);
	return rc;
}
