/* server.c: the collector's event loop. One thread: it polls the ROUTER and ZAP sockets,
 * takes up to MAX_DRAIN_MESSAGES messages, stores every ResultBatch among them in one LMDB
 * write transaction (group commit), and only then sends their Acks. When idle it builds the
 * store's indexes. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "err.h"
#include "limits.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "tasks.h"
#include "verdict.h"
#include "zap.h"

static volatile sig_atomic_t server_stop;
static volatile sig_atomic_t server_reload;

static void
server_signal(int sig)
{
	if (sig == SIGHUP)
		server_reload = 1;
	else
		server_stop = 1;
}

/* One message taken this turn, waiting for the write transaction. */
struct pending {
	struct wire_in in;
	Peil__Envelope *env;
	size_t batch;            /* index into the batch array when a ResultBatch */
};

struct server {
	const struct server_conf *sc;
	void *zctx, *router;
	struct zap *zap;
	struct store *store;
	struct tasks *tasks;
	struct log_limit *ll;
	struct server_stats stats;
	struct pending *pend;
	struct store_batch *batches;
	Peil__Result ***kept;    /* per batch, the results that passed result_check */
};

static int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

static void
server_drop(struct server *sv, const struct wire_in *in, const char *why)
{
	sv->stats.messages_dropped++;
	if (log_limit_ok(sv->ll, in->user[0] ? in->user : "?", now_s()))
		log_warn("dropped a message from '%s': %s (%llu dropped in all)", in->user, why,
		    (unsigned long long)sv->stats.messages_dropped);
}

static void
server_reply(struct server *sv, const struct wire_in *in, Peil__Envelope *env)
{
	int rc = wire_send(sv->router, in->route, in->route_len, env, ZMQ_DONTWAIT);

	/* EHOSTUNREACH (peer gone) or a full queue: the agent re-sends, nothing is lost. */
	if (rc != 0)
		log_debug("reply to '%s' not sent: %s", in->user, zmq_strerror(zmq_errno()));
}

static void
server_reply_error(struct server *sv, const struct wire_in *in, uint64_t seq,
    Peil__Error__Code code, const char *msg, uint64_t expected)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__Error e = PEIL__ERROR__INIT;

	e.code = code;
	e.message = (char *)msg;
	e.expected_batch_seq = expected;
	env.seq = seq;
	env.body_case = PEIL__ENVELOPE__BODY_ERROR;
	env.error = &e;
	server_reply(sv, in, &env);
}

static void
server_hello(struct server *sv, const struct wire_in *in, const Peil__Envelope *req)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__Welcome w = PEIL__WELCOME__INIT;
	struct store_agent a;
	uint64_t last = 0;

	if (req->hello->version != WIRE_PROTOCOL_VERSION) {
		server_reply_error(sv, in, req->seq, PEIL__ERROR__CODE__UNSUPPORTED_VERSION,
		    "unsupported protocol version", 0);
		return;
	}
	if (store_agent_hello(sv->store, in->user, req->hello->vantage, now_s()) != 0)
		log_err("could not record hello of '%s'", in->user);
	if (store_agent_get(sv->store, in->user, &a) == 0)
		last = a.last_batch_seq;
	w.version = WIRE_PROTOCOL_VERSION;
	w.agent = (char *)in->user;
	w.last_batch_seq = last;
	w.max_batch = MAX_BATCH_RESULTS;
	env.seq = req->seq;
	env.body_case = PEIL__ENVELOPE__BODY_WELCOME;
	env.welcome = &w;
	server_reply(sv, in, &env);
}

static void
server_task_request(struct server *sv, const struct wire_in *in, const Peil__Envelope *req)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__TaskList tl = PEIL__TASK_LIST__INIT;

	if (tasks_answer(sv->tasks, in->user, req->task_request, &tl, now_s()) != 0) {
		server_reply_error(sv, in, req->seq, PEIL__ERROR__CODE__INTERNAL,
		    "no task list", 0);
		return;
	}
	env.seq = req->seq;
	env.body_case = PEIL__ENVELOPE__BODY_TASK_LIST;
	env.task_list = &tl;
	server_reply(sv, in, &env);
}

/* Checks a batch and keeps the results that pass; the others are dropped and counted. */
static int
server_prepare_batch(struct server *sv, struct pending *p, size_t bi)
{
	Peil__ResultBatch *rb = p->env->result_batch;
	struct store_batch *b = &sv->batches[bi];
	size_t kept = 0, bad = 0;

	if (rb->n_results > MAX_BATCH_RESULTS)
		return PEIL_ETOOBIG;
	if ((sv->kept[bi] = calloc(rb->n_results ? rb->n_results : 1, sizeof(Peil__Result *))) == NULL)
		log_fatal("out of memory");
	for (size_t i = 0; i < rb->n_results; i++) {
		if (result_check(rb->results[i]) == 0)
			sv->kept[bi][kept++] = rb->results[i];
		else
			bad++;
	}
	if (bad > 0) {
		sv->stats.results_dropped += bad;
		if (log_limit_ok(sv->ll, p->in.user, now_s()))
			log_warn("batch %llu from '%s': dropped %zu malformed results of %zu",
			    (unsigned long long)rb->batch_seq, p->in.user, bad, rb->n_results);
	}
	b->agent = p->in.user;
	b->batch_seq = rb->batch_seq;
	b->results = sv->kept[bi];
	b->n = kept;
	return 0;
}

static void
server_turn(struct server *sv)
{
	size_t np = 0, nb = 0;
	int rc;

	for (; np < MAX_DRAIN_MESSAGES; np++) {
		struct pending *p = &sv->pend[np];
		const char *why;

		memset(p, 0, sizeof(*p));
		rc = wire_recv_router(sv->router, &p->in, true);
		if (rc == PEIL_EAGAIN)
			break;
		if (rc != 0) {
			server_drop(sv, &p->in, peil_strerror(rc));
			np--;
			continue;
		}
		if (p->in.user[0] == '\0' || p->in.extra_frames) {
			server_drop(sv, &p->in, p->in.extra_frames ? "more than one frame" :
			    "no authenticated name");
			free(p->in.data);
			np--;
			continue;
		}
		p->env = wire_decode(p->in.data, p->in.len, &why);
		free(p->in.data);
		p->in.data = NULL;
		if (p->env == NULL) {
			server_drop(sv, &p->in, why);
			np--;
			continue;
		}
		switch (p->env->body_case) {
		case PEIL__ENVELOPE__BODY_HELLO:
			server_hello(sv, &p->in, p->env);
			break;
		case PEIL__ENVELOPE__BODY_TASK_REQUEST:
			server_task_request(sv, &p->in, p->env);
			break;
		case PEIL__ENVELOPE__BODY_RESULT_BATCH:
			if (server_prepare_batch(sv, p, nb) != 0) {
				server_drop(sv, &p->in, "batch over the result limit");
				server_reply_error(sv, &p->in, p->env->seq,
				    PEIL__ERROR__CODE__TOO_LARGE, "batch has too many results", 0);
				break;
			}
			p->batch = ++nb;   /* 1-based: 0 means not a batch */
			break;
		default:
			server_drop(sv, &p->in, "unexpected message type");
			break;
		}
	}
	if (nb > 0) {
		if ((rc = store_ingest(sv->store, sv->batches, nb, now_s())) != 0) {
			/* Nothing stored and nothing acked: the agents re-send. */
			log_err("storing %zu batches failed: %s", nb, peil_strerror(rc));
		} else {
			for (size_t i = 0; i < np; i++) {
				struct pending *p = &sv->pend[i];
				struct store_batch *b;
				Peil__Envelope env = PEIL__ENVELOPE__INIT;
				Peil__Ack ack = PEIL__ACK__INIT;

				if (p->batch == 0)
					continue;
				b = &sv->batches[p->batch - 1];
				if (b->outcome == STORE_GAP) {
					sv->stats.batches_gap++;
					server_reply_error(sv, &p->in, p->env->seq,
					    PEIL__ERROR__CODE__SEQ_GAP, "batch sequence gap",
					    b->expected);
					continue;
				}
				if (b->outcome == STORE_STORED) {
					sv->stats.batches_stored++;
					sv->stats.results_stored += b->n;
				} else {
					sv->stats.batches_duplicate++;
				}
				ack.batch_seq = b->batch_seq;
				env.seq = p->env->seq;
				env.body_case = PEIL__ENVELOPE__BODY_ACK;
				env.ack = &ack;
				server_reply(sv, &p->in, &env);
			}
		}
	}
	for (size_t i = 0; i < np; i++)
		wire_envelope_free(sv->pend[i].env);
	for (size_t i = 0; i < nb; i++) {
		free(sv->kept[i]);
		sv->kept[i] = NULL;
	}
}

static void
server_reload_allowlist(struct server *sv)
{
	char err[512];
	struct allowlist *al = allowlist_load(sv->sc->allowlist_dir, err, sizeof(err));

	if (al == NULL) {
		log_err("allowlist not reloaded, the old one stays: %s", err);
		return;
	}
	log_info("allowlist reloaded: %zu agents", allowlist_count(al));
	zap_set_allowlist(sv->zap, al);
}

static void
server_log_stats(const struct server *sv)
{
	struct zap_stats zs;

	zap_get_stats(sv->zap, &zs);
	log_info("stored %llu results in %llu batches (%llu re-sent, %llu out of order); dropped "
	    "%llu messages and %llu results; connections admitted %llu, refused %llu",
	    (unsigned long long)sv->stats.results_stored,
	    (unsigned long long)sv->stats.batches_stored,
	    (unsigned long long)sv->stats.batches_duplicate,
	    (unsigned long long)sv->stats.batches_gap,
	    (unsigned long long)sv->stats.messages_dropped,
	    (unsigned long long)sv->stats.results_dropped,
	    (unsigned long long)zs.admitted, (unsigned long long)zs.denied);
}

int
server_run(const struct server_conf *sc)
{
	struct server sv;
	struct store_opts so = { sc->map_mb, false, sc->nosync };
	struct allowlist *al;
	struct sigaction sa;
	char err[512];
	int rc = PEIL_EZMQ;
	int64_t next_stats = now_s() + 60;
	struct server_stats last = { 0 };

	memset(&sv, 0, sizeof(sv));
	sv.sc = sc;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = server_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((rc = store_open(sc->store_dir, &so, &sv.store)) != 0) {
		log_err("cannot open the store in %s: %s", sc->store_dir, peil_strerror(rc));
		goto out;
	}
	if ((al = allowlist_load(sc->allowlist_dir, err, sizeof(err))) == NULL) {
		log_err("allowlist: %s", err);
		rc = PEIL_ECONF;
		goto out;
	}
	log_info("allowlist %s: %zu agents", sc->allowlist_dir, allowlist_count(al));
	if ((sv.zctx = zmq_ctx_new()) == NULL)
		log_fatal("zmq_ctx_new failed");
	/* ZAP first: a CURVE socket bound without a handler would admit every key. */
	if ((sv.zap = zap_new(sv.zctx, al, sc->keys == NULL, err, sizeof(err))) == NULL) {
		log_err("%s", err);
		rc = PEIL_EZMQ;
		goto out;
	}
	if ((sv.router = wire_router_new(sv.zctx, sc->listen, sc->keys, &sc->limits, err,
	    sizeof(err))) == NULL) {
		log_err("%s", err);
		rc = PEIL_EZMQ;
		goto out;
	}
	if ((sv.tasks = tasks_new(sv.store, sc->interval_s)) == NULL ||
	    (sv.ll = log_limit_new(1024, DROP_LOG_INTERVAL_S)) == NULL ||
	    (sv.pend = calloc(MAX_DRAIN_MESSAGES, sizeof(*sv.pend))) == NULL ||
	    (sv.batches = calloc(MAX_DRAIN_MESSAGES, sizeof(*sv.batches))) == NULL ||
	    (sv.kept = calloc(MAX_DRAIN_MESSAGES, sizeof(*sv.kept))) == NULL)
		log_fatal("out of memory");
	log_info("listening on %s (%s)", sc->listen, sc->keys ? "CURVE" :
	    "PLAIN TEXT, debug only");

	while (!server_stop) {
		zmq_pollitem_t pi[2] = {
			{ sv.router, 0, ZMQ_POLLIN, 0 },
			{ zap_socket(sv.zap), 0, ZMQ_POLLIN, 0 },
		};
		int64_t wait_ms = tasks_tick(sv.tasks, now_s());
		size_t indexed = 0;

		if (server_reload) {
			server_reload = 0;
			server_reload_allowlist(&sv);
		}
		/* Index while nothing waits; poll without sleeping until caught up. */
		if (zmq_poll(pi, 2, 0) == 0 &&
		    store_index_step(sv.store, MAX_INDEX_CHUNK, &indexed) == 0 && indexed > 0)
			continue;
		if (wait_ms > 1000)
			wait_ms = 1000;
		if (zmq_poll(pi, 2, (long)wait_ms) < 0) {
			if (zmq_errno() == EINTR)
				continue;
			log_err("zmq_poll: %s", zmq_strerror(zmq_errno()));
			rc = PEIL_EZMQ;
			goto out;
		}
		if (pi[1].revents & ZMQ_POLLIN)
			zap_handle(sv.zap);
		if (pi[0].revents & ZMQ_POLLIN)
			server_turn(&sv);
		if (now_s() >= next_stats) {
			if (memcmp(&last, &sv.stats, sizeof(last)) != 0)
				server_log_stats(&sv);
			last = sv.stats;
			next_stats = now_s() + 60;
		}
	}
	log_info("stopping");
	server_log_stats(&sv);
	rc = 0;
out:
	wire_close(sv.router);
	zap_free(sv.zap);
	if (sv.zctx != NULL)
		zmq_ctx_term(sv.zctx);
	tasks_free(sv.tasks);
	store_close(sv.store);
	log_limit_free(sv.ll);
	free(sv.pend);
	free(sv.batches);
	free(sv.kept);
	return rc;
}
