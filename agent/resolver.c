/* resolver.c: libunbound behind one module: options, a deadline per query, error translation.
 *
 * Each query is asked with ub_resolve_async and waited for by polling ub_fd until its deadline;
 * then it is cancelled. libunbound resolves in a thread of its own (ub_ctx_async(ctx, 1)), so
 * answers arrive on that descriptor and our callback runs inside ub_process, in our thread. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unbound.h>

#include "clock.h"
#include "err.h"
#include "log.h"
#include "resolver.h"

/* One query in flight. A ticket whose query could not be cancelled is kept (orphaned) until
 * its callback comes or the context is deleted, so the callback never writes freed memory. */
struct resolver_ticket {
	struct resolver *r;
	bool done, orphaned;
	int err;                    /* UB_* from the callback */
	struct ub_result *res;
	struct resolver_ticket *next;  /* in r->orphans */
};

struct resolver {
	struct ub_ctx *ctx;
	bool validating;
	struct resolver_ticket *orphans;
};

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

struct resolver *
resolver_new(const struct resolver_conf *rc, char *err, size_t errlen)
{
	struct resolver *r;
	int ub;

	if (!rc->ipv4 && !rc->ipv6) {
		err_set(err, errlen, "resolver: neither IPv4 nor IPv6 allowed");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if ((r->ctx = ub_ctx_create()) == NULL) {
		err_set(err, errlen, "resolver: ub_ctx_create failed");
		goto fail;
	}
	if ((ub = ub_ctx_async(r->ctx, 1)) != 0) {
		err_set(err, errlen, "resolver: threads: %s", ub_strerror(ub));
		goto fail;
	}
	/* The lab and the tests serve DNS on loopback addresses. */
	if (resolver_opt(r->ctx, "do-not-query-localhost:", "no", err, errlen) != 0 ||
	    resolver_opt(r->ctx, "do-ip4:", rc->ipv4 ? "yes" : "no", err, errlen) != 0 ||
	    resolver_opt(r->ctx, "do-ip6:", rc->ipv6 ? "yes" : "no", err, errlen) != 0)
		goto fail;
	/* libunbound reads the files late and then says only "out of memory" or "initialization
	 * failure": check that they can be read now. */
	if (resolver_readable(rc->root_hints, "root hints", err, errlen) != 0 ||
	    resolver_readable(rc->trust_anchor, "trust anchor", err, errlen) != 0)
		goto fail;
	if (rc->root_hints != NULL &&
	    resolver_opt(r->ctx, "root-hints:", rc->root_hints, err, errlen) != 0)
		goto fail;
	if (rc->trust_anchor != NULL) {
		if ((ub = ub_ctx_add_ta_file(r->ctx, rc->trust_anchor)) != 0) {
			err_set(err, errlen, "resolver: trust anchor %s: %s", rc->trust_anchor,
			    ub_strerror(ub));
			goto fail;
		}
		r->validating = true;
	}
	if (rc->forwarder != NULL && (ub = ub_ctx_set_fwd(r->ctx, rc->forwarder)) != 0) {
		err_set(err, errlen, "resolver: forwarder %s: %s", rc->forwarder,
		    ub_strerror(ub));
		goto fail;
	}
	/* The lab and the tests use the TLD `test`, which libunbound would answer itself (an
	 * RFC 6761 default local zone). Removing a local zone also finalizes the context: the
	 * trust anchor is parsed now, so a bad one fails here and not as an error verdict on
	 * every domain. No option can be set after this. */
	if ((ub = ub_ctx_zone_remove(r->ctx, "test.")) != 0 && ub != UB_NOID) {
		err_set(err, errlen, "resolver: %s%s", ub_strerror(ub),
		    rc->trust_anchor != NULL ? " (is the trust anchor file valid?)" : "");
		goto fail;
	}
	return r;
fail:
	resolver_free(r);
	return NULL;
}

void
resolver_free(struct resolver *r)
{
	struct resolver_ticket *t, *next;

	if (r == NULL)
		return;
	/* After ub_ctx_delete no callback can come: the orphans can go. */
	if (r->ctx != NULL)
		ub_ctx_delete(r->ctx);
	for (t = r->orphans; t != NULL; t = next) {
		next = t->next;
		free(t);
	}
	free(r);
}

bool
resolver_validating(const struct resolver *r)
{
	return r->validating;
}

static void
resolver_orphan_drop(struct resolver *r, struct resolver_ticket *t)
{
	struct resolver_ticket **pp;

	for (pp = &r->orphans; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	free(t);
}

static void
resolver_callback(void *arg, int err, struct ub_result *res)
{
	struct resolver_ticket *t = arg;

	if (t->orphaned) {
		ub_resolve_free(res);
		resolver_orphan_drop(t->r, t);
		return;
	}
	t->done = true;
	t->err = err;
	t->res = res;
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

int
resolver_query(struct resolver *r, const char *name, uint16_t type, uint64_t deadline_ms,
    struct resolver_reply *out, char *err, size_t errlen)
{
	struct resolver_ticket *t;
	int id = 0, ub, rc;

	memset(out, 0, sizeof(*out));
	if (resolver_now_ms() >= deadline_ms) {
		err_set(err, errlen, "no time left to ask");
		return PEIL_ETIMEDOUT;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		err_set(err, errlen, "out of memory");
		return PEIL_ENOMEM;
	}
	t->r = r;
	if ((ub = ub_resolve_async(r->ctx, name, type, 1 /* IN */, t, resolver_callback, &id)) != 0) {
		err_set(err, errlen, "%s", ub_strerror(ub));
		free(t);
		return resolver_ub_err(ub);
	}
	while (!t->done) {
		uint64_t now = resolver_now_ms();
		struct pollfd pfd;
		int n;

		if (now >= deadline_ms) {
			rc = PEIL_ETIMEDOUT;
			err_set(err, errlen, "no answer in time");
			goto cancel;
		}
		pfd.fd = ub_fd(r->ctx);
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, deadline_ms - now > 60000 ? 60000 : (int)(deadline_ms - now));
		if (n < 0 && errno != EINTR) {
			rc = PEIL_EDNS;
			err_set(err, errlen, "poll: %s", strerror(errno));
			goto cancel;
		}
		if (n > 0 && (ub = ub_process(r->ctx)) != 0) {
			rc = resolver_ub_err(ub);
			err_set(err, errlen, "%s", ub_strerror(ub));
			if (t->done)
				break;
			goto cancel;
		}
	}
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
	if (ub_cancel(r->ctx, id) == 0) {
		free(t);
	} else {
		/* Delivered meanwhile, or the cancel failed: the callback may still come. */
		t->orphaned = true;
		t->next = r->orphans;
		r->orphans = t;
	}
	return rc;
}
