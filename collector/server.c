/* server.c: the collector's event loop. The main thread polls the ROUTER and ZAP sockets,
 * takes up to MAX_DRAIN_MESSAGES messages, stores every ResultBatch among them in one LMDB
 * write transaction (group commit), and only then sends their Acks. Decoding and checking a
 * turn's messages happens on a second thread while the main thread commits the turn before:
 * the store and the sockets are only ever used by the main thread. When idle it builds the
 * store's indexes. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "collector_metrics.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "result.h"
#include "server.h"
#include "store.h"
#include "tasks.h"
#include "zap.h"
#include "zmqapi.h"

/* The defaults of common/limits.h fit their budget (server_memory_worst, by hand). */
_Static_assert((uint64_t)DEFAULT_MAX_CONNECTIONS *
    (((uint64_t)COLLECTOR_RCVHWM + 2) * COLLECTOR_MAX_MESSAGE_BYTES +
     ((uint64_t)COLLECTOR_SNDHWM + 2) * MAX_TASKLIST_BYTES) +
    MAX_TURN_RECEIVED_BYTES + COLLECTOR_MAX_MESSAGE_BYTES +
    2 * ((uint64_t)TURN_ARENA_FACTOR * (MAX_TURN_RECEIVED_BYTES + COLLECTOR_MAX_MESSAGE_BYTES) +
         (uint64_t)MAX_DRAIN_MESSAGES * DECODE_SLACK_BYTES) +
    ((uint64_t)COLLECTOR_BASE_MB << 20) <= ((uint64_t)COLLECTOR_MEMORY_BUDGET_MB << 20),
    "the collector's default limits exceed COLLECTOR_MEMORY_BUDGET_MB");
/* The largest result, wrapped, fits the smallest message limit a collector may set. */
_Static_assert(MAX_RESULT_BYTES + 16 + WIRE_SEAL_MARGIN <= 1048576,
    "a result of MAX_RESULT_BYTES does not fit limits.max_message_bytes");
/* A turn's acks to one agent fit its send queue. */
_Static_assert(MAX_TURN_PEER_MESSAGES + 1 <= COLLECTOR_SNDHWM,
    "COLLECTOR_SNDHWM is below one turn's acks to one agent");

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

/* One message taken in a turn. The decoder fills env (or why), bad and batch. */
struct pending {
	struct wire_in in;
	Peil__Envelope *env;
	const char *why;         /* set when the message is dropped */
	size_t bad;              /* malformed results dropped from a batch */
	size_t batch;            /* 1 + index into the turn's batches when a ResultBatch */
	size_t touch;            /* 1 + index into the turn's touches: a Hello or TaskRequest */
	Peil__TaskList tl;       /* the answer to a TaskRequest, sent after the commit */
	bool answered;           /* an Error went back already (bad version, no task list) */
};

/* The messages of one turn and what decoding made of them. Two turns alternate: while the
 * decoder thread decodes and checks one, the main thread commits the other. */
struct turn {
	struct pending *pend;
	size_t np, nb;
	struct store_batch *batches;
	Peil__Result ***kept;    /* per batch, the results that passed result_check (arena) */
	struct wire_arena *arena;
	struct store_touch *touches;  /* what the turn's Hellos and TaskRequests record */
	size_t nt;
};

struct decoder {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct turn *work;       /* set by the main thread, cleared by the decoder when done */
	bool quit, started;
};

struct server {
	const struct server_conf *sc;
	void *zctx, *router;
	struct zap *zap;
	struct store *store;
	struct tasks *tasks;
	struct log_limit *ll;
	int64_t last_msg_ms;        /* when the last message was taken */
	struct server_stats stats;
	struct turn turns[2];
	struct decoder dec;
	struct collector_metrics *cm;  /* NULL: no metrics */
	int ino;                    /* inotify on the allowlist directory; -1: none */
	struct timespec al_mtime;   /* the directory's mtime at the last load */
	int64_t al_checked_ms;
	int64_t al_due_ms;          /* a change seen: reload then (0: none pending) */
};

static int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

/* At most one line of each kind about each peer per DROP_LOG_INTERVAL_S: a kind of line
 * never silences another. */
static bool
server_log_ok(struct server *sv, const char *kind, const char *user)
{
	char key[sizeof(((struct wire_in *)0)->user) + 16];

	snprintf(key, sizeof(key), "%s:%s", kind, user[0] ? user : "?");
	return log_limit_ok(sv->ll, key, now_s());
}

static void
server_drop(struct server *sv, const struct wire_in *in, const char *why)
{
	sv->stats.messages_dropped++;
	if (server_log_ok(sv, "drop", in->user))
		log_warn("dropped a message from '%s': %s (%llu dropped in all)", in->user, why,
		    (unsigned long long)sv->stats.messages_dropped);
}

static void
server_reply(struct server *sv, const struct wire_in *in, Peil__Envelope *env)
{
	const struct zmqapi *zmq = zmqapi();
	int rc = wire_send(sv->router, in->route, in->route_len, env, ZMQ_DONTWAIT);

	/* EHOSTUNREACH (peer gone) or a full queue: the agent re-sends, nothing is lost. */
	if (rc != 0)
		log_debug("reply to '%s' not sent: %s", in->user, zmq->strerror(zmq->errnum()));
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

/* A Hello, before the turn's transaction: what it records goes into the turn. */
static void
server_hello(struct server *sv, struct turn *t, struct pending *p)
{
	const Peil__Hello *h = p->env->hello;
	struct store_touch *tc;

	if (h->version != WIRE_PROTOCOL_VERSION) {
		server_reply_error(sv, &p->in, p->env->seq, PEIL__ERROR__CODE__UNSUPPORTED_VERSION,
		    "unsupported protocol version", 0);
		p->answered = true;
		return;
	}
	tc = &t->touches[t->nt];
	memset(tc, 0, sizeof(*tc));
	tc->agent = p->in.user;
	tc->hello = true;
	tc->vantage = h->vantage;
	tc->instance = h->instance;
	tc->first_unacked = h->first_unacked_batch;
	p->touch = ++t->nt;
}

/* After the commit: Welcome, or why not. */
static void
server_hello_reply(struct server *sv, const struct pending *p, const struct store_touch *tc,
    bool stored)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__Welcome w = PEIL__WELCOME__INIT;

	if (!stored) {
		server_reply_error(sv, &p->in, p->env->seq, PEIL__ERROR__CODE__INTERNAL,
		    "the collector could not record the hello", 0);
		return;
	}
	if (tc->conflict) {
		if (server_log_ok(sv, "instance", p->in.user))
			log_err("agent '%s': a second instance (%016llx) says hello while another "
			    "is active: is one key on two machines? It is refused until the other "
			    "has been silent for %d s", p->in.user,
			    (unsigned long long)tc->instance, AGENT_TAKEOVER_S);
		server_reply_error(sv, &p->in, p->env->seq, PEIL__ERROR__CODE__INSTANCE_CONFLICT,
		    "another agent with this key is active", 0);
		return;
	}
	w.version = WIRE_PROTOCOL_VERSION;
	w.agent = (char *)p->in.user;
	w.last_batch_seq = tc->last_batch_seq;
	w.max_batch = MAX_BATCH_RESULTS;
	w.max_message_bytes = sv->sc->limits.max_message_bytes;
	env.seq = p->env->seq;
	env.body_case = PEIL__ENVELOPE__BODY_WELCOME;
	env.welcome = &w;
	server_reply(sv, &p->in, &env);
}

/* A TaskRequest, before the turn's transaction: the answer is made now (the round handed out
 * and a finished round are recorded in the turn), and sent after the commit. */
static void
server_task_request(struct server *sv, struct turn *t, struct pending *p)
{
	struct tasks_note note;
	struct store_touch *tc;

	peil__task_list__init(&p->tl);
	if (tasks_answer(sv->tasks, p->in.user, p->env->task_request, &p->tl, &note,
	    now_s()) != 0) {
		server_reply_error(sv, &p->in, p->env->seq, PEIL__ERROR__CODE__INTERNAL,
		    "no task list", 0);
		p->answered = true;
		return;
	}
	tc = &t->touches[t->nt];
	memset(tc, 0, sizeof(*tc));
	tc->agent = p->in.user;
	tc->round_done = note.done;
	tc->round_given = note.given;
	p->touch = ++t->nt;
}

static void
server_task_reply(struct server *sv, struct pending *p, bool stored)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT;

	/* A round handed out but not recorded would have its results refused: no list. */
	if (!stored) {
		server_reply_error(sv, &p->in, p->env->seq, PEIL__ERROR__CODE__INTERNAL,
		    "no task list", 0);
		return;
	}
	env.seq = p->env->seq;
	env.body_case = PEIL__ENVELOPE__BODY_TASK_LIST;
	env.task_list = &p->tl;
	server_reply(sv, &p->in, &env);
}

/* Decoding and checking, on the decoder thread: no store, no socket, no shared counters. */
static void
turn_decode(struct turn *t)
{
	for (size_t i = 0; i < t->np; i++) {
		struct pending *p = &t->pend[i];
		Peil__ResultBatch *rb;
		struct store_batch *b;
		struct store_packed *pk;
		uint8_t *buf;
		size_t kept = 0;

		if (p->in.user[0] == '\0' || p->in.extra_frames) {
			p->why = p->in.extra_frames ? "more than one frame" : "no authenticated name";
			wire_in_release(&p->in);
			continue;
		}
		p->env = wire_decode_arena(p->in.data, p->in.len, t->arena, &p->why);
		wire_in_release(&p->in);
		if (p->env == NULL || p->env->body_case != PEIL__ENVELOPE__BODY_RESULT_BATCH)
			continue;
		rb = p->env->result_batch;
		if (rb->n_results > MAX_BATCH_RESULTS) {
			p->why = "batch over the result limit";
			continue;
		}
		/* Checked results are packed here, with the authenticated name as vantage, so the
		 * main thread's write transaction only copies bytes. */
		t->kept[t->nb] = wire_arena_get(t->arena, (rb->n_results + 1) * sizeof(Peil__Result *));
		pk = wire_arena_get(t->arena, (rb->n_results + 1) * sizeof(*pk));
		if (t->kept[t->nb] == NULL || pk == NULL) {
			p->why = "decoding needs more memory than a turn may use";
			continue;
		}
		for (size_t r = 0; r < rb->n_results; r++) {
			Peil__Result *res = rb->results[r];

			if (result_check(res) != 0) {
				p->bad++;
				continue;
			}
			res->vantage = p->in.user;
			pk[kept].len = peil__result__get_packed_size(res);
			if ((buf = wire_arena_get(t->arena, pk[kept].len)) == NULL) {
				p->why = "decoding needs more memory than a turn may use";
				break;
			}
			peil__result__pack(res, buf);
			pk[kept].buf = buf;
			t->kept[t->nb][kept++] = res;
		}
		if (p->why != NULL)
			continue;
		b = &t->batches[t->nb];
		memset(b, 0, sizeof(*b));
		b->agent = p->in.user;
		b->batch_seq = rb->batch_seq;
		b->instance = rb->instance;
		b->results = t->kept[t->nb];
		b->n = kept;
		b->packed = pk;
		p->batch = ++t->nb;
	}
}

static void *
decoder_main(void *arg)
{
	struct decoder *d = arg;

	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (d->work == NULL && !d->quit)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->quit)
			break;
		pthread_mutex_unlock(&d->mu);
		turn_decode(d->work);
		pthread_mutex_lock(&d->mu);
		d->work = NULL;
		pthread_cond_broadcast(&d->cv);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

static void
decoder_start(struct decoder *d, struct turn *t)
{
	pthread_mutex_lock(&d->mu);
	d->work = t;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

static void
decoder_wait(struct decoder *d)
{
	pthread_mutex_lock(&d->mu);
	while (d->work != NULL)
		pthread_cond_wait(&d->cv, &d->mu);
	pthread_mutex_unlock(&d->mu);
}

/* Takes what is waiting, up to a message count and size per turn; returns how many. A
 * message of a key no longer allowed is refused here, before any decoding. The ROUTER hands
 * out the peers' messages in turn; an agent's message past MAX_TURN_PEER_MESSAGES ends the
 * turn, so one agent's flood takes no more of a turn than the others. */
static size_t
turn_receive(struct server *sv, struct turn *t)
{
	struct { const char *user; unsigned n; } peers[MAX_DRAIN_MESSAGES];
	size_t bytes = 0, npeers = 0, k;
	bool full = false;
	int rc;

	t->np = t->nb = 0;
	for (size_t tries = 0; !full && t->np < MAX_DRAIN_MESSAGES &&
	    bytes < MAX_TURN_RECEIVED_BYTES && tries < 4 * MAX_DRAIN_MESSAGES; tries++) {
		struct pending *p = &t->pend[t->np];
		enum zap_verdict verdict = ZAP_OK;

		memset(p, 0, sizeof(*p));
		rc = wire_recv_router(sv->router, &p->in, true);
		if (rc == PEIL_EAGAIN)
			break;
		if (rc != 0) {
			server_drop(sv, &p->in, peil_strerror(rc));
			continue;
		}
		/* Plain text (debug): no key names the peer, its routing id does. */
		if (sv->sc->keys == NULL && strcmp(p->in.user, "plain") == 0) {
			char id[MAX_AGENT_NAME_LEN + 1];

			snprintf(id, sizeof(id), "%.*s", (int)(p->in.route_len < MAX_AGENT_NAME_LEN ?
			    p->in.route_len : MAX_AGENT_NAME_LEN), (const char *)p->in.route);
			/* "plain:" and the id must still be a valid stored name. */
			if (p->in.route_len > MAX_AGENT_NAME_LEN - 6 || !keys_name_valid(id) ||
			    strlen(id) != p->in.route_len)
				p->in.user[0] = '\0';   /* dropped in turn_decode */
			else
				snprintf(p->in.user, sizeof(p->in.user), "plain:%s", id);
		}
		if (p->in.user[0] != '\0')
			verdict = zap_check(sv->zap, &p->in);
		if (verdict == ZAP_CLOSING) {
			/* Drained cheaply, so a closed connection's queue goes at once. */
			sv->stats.messages_dropped++;
			wire_in_release(&p->in);
			continue;
		}
		if (verdict == ZAP_REVOKED) {
			/* Not decoded, not stored, not acknowledged; the connection is closing. */
			sv->stats.messages_refused++;
			server_drop(sv, &p->in, "its key is no longer in the allowlist");
			wire_in_release(&p->in);
			server_reply_error(sv, &p->in, 0, PEIL__ERROR__CODE__BAD_MESSAGE,
			    "this agent's key is no longer in the collector's allowlist", 0);
			continue;
		}
		for (k = 0; k < npeers && strcmp(peers[k].user, p->in.user) != 0; k++)
			;
		if (k == npeers) {
			peers[npeers].user = p->in.user;
			peers[npeers++].n = 0;
		}
		full = ++peers[k].n > MAX_TURN_PEER_MESSAGES;
		bytes += p->in.len;
		t->np++;
	}
	if (t->np > 0)
		sv->last_msg_ms = clock_mono_ms();
	return t->np;
}

/* A turn's arena: every message of a full turn may decode to MAX_DECODE_FACTOR times its
 * size and be packed again, so honest batches in a turn with hostile ones still fit. */
static size_t
server_arena_limit(uint64_t max_message_bytes)
{
	return (size_t)(TURN_ARENA_FACTOR * (MAX_TURN_RECEIVED_BYTES + max_message_bytes) +
	    (uint64_t)MAX_DRAIN_MESSAGES * DECODE_SLACK_BYTES);
}

uint64_t
server_memory_worst(const struct server_conf *sc)
{
	uint64_t m = sc->limits.max_message_bytes;
	uint64_t conn = ((uint64_t)sc->limits.rcvhwm + 2) * m +
	    ((uint64_t)sc->limits.sndhwm + 2) * MAX_TASKLIST_BYTES;

	return (uint64_t)sc->max_conns * conn + MAX_TURN_RECEIVED_BYTES + m +
	    2 * (uint64_t)server_arena_limit(m) + ((uint64_t)COLLECTOR_BASE_MB << 20);
}

/* A stored batch with refused results: counted, and logged once a minute per agent. */
static void
server_refused(struct server *sv, const struct pending *p, const struct store_batch *b)
{
	uint64_t n = 0;

	for (int r = 0; r < STORE_REFUSALS; r++) {
		sv->stats.results_refused[r] += b->refused[r];
		n += b->refused[r];
	}
	if (n == 0 || !server_log_ok(sv, "refused", p->in.user))
		return;
	log_warn("batch %llu from '%s': refused %llu of %zu results (%u %s, %u %s, %u %s, %u %s)",
	    (unsigned long long)b->batch_seq, p->in.user, (unsigned long long)n, b->n,
	    b->refused[STORE_REFUSED_NOT_GIVEN], store_refusal_name(STORE_REFUSED_NOT_GIVEN),
	    b->refused[STORE_REFUSED_CLOSED], store_refusal_name(STORE_REFUSED_CLOSED),
	    b->refused[STORE_REFUSED_DOMAIN], store_refusal_name(STORE_REFUSED_DOMAIN),
	    b->refused[STORE_REFUSED_CAP], store_refusal_name(STORE_REFUSED_CAP));
}

/* The distinct names of the agents with a message in the turn (only those that sent a batch
 * when batches_only), quoted and separated by commas, in buf; "..." when they do not fit. */
static const char *
server_turn_agents(const struct turn *t, bool batches_only, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->np; i++) {
		const struct pending *p = &t->pend[i];
		char quoted[sizeof(p->in.user) + 4];
		bool seen = false;

		if (p->why != NULL || (batches_only && p->batch == 0))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = t->pend[j].why == NULL && (!batches_only || t->pend[j].batch > 0) &&
			    strcmp(t->pend[j].in.user, p->in.user) == 0;
		if (seen)
			continue;
		snprintf(quoted, sizeof(quoted), "%s'%s'", n > 0 ? ", " : "", p->in.user);
		if (n + strlen(quoted) + 6 >= len) {
			snprintf(buf + n, len - n, "%s...", n > 0 ? ", " : "");
			break;
		}
		memcpy(buf + n, quoted, strlen(quoted) + 1);
		n += strlen(quoted);
	}
	return n > 0 || buf[0] != '\0' ? buf : "none";
}

/* On the main thread, after decoding: answers are made, then one write transaction records
 * every Hello and TaskRequest and stores every batch of the turn (one fsync however many came),
 * then the replies go out: none before what it reports is on disk. */
static void
turn_commit(struct server *sv, struct turn *t)
{
	char who[512];
	int rc = 0, trc = 0, err = 0;
	size_t nb = t->nb;

	t->nt = 0;
	for (size_t i = 0; i < t->np; i++) {
		struct pending *p = &t->pend[i];

		if (p->why != NULL) {
			server_drop(sv, &p->in, p->why);
			if (p->env != NULL)
				server_reply_error(sv, &p->in, p->env->seq,
				    PEIL__ERROR__CODE__TOO_LARGE, p->why, 0);
			continue;
		}
		if (p->bad > 0) {
			sv->stats.results_dropped += p->bad;
			if (server_log_ok(sv, "malformed", p->in.user))
				log_warn("batch %llu from '%s': dropped %zu malformed results of %zu",
				    (unsigned long long)p->env->result_batch->batch_seq, p->in.user,
				    p->bad, p->env->result_batch->n_results);
		}
		switch (p->env->body_case) {
		case PEIL__ENVELOPE__BODY_HELLO:
			server_hello(sv, t, p);
			break;
		case PEIL__ENVELOPE__BODY_TASK_REQUEST:
			server_task_request(sv, t, p);
			break;
		case PEIL__ENVELOPE__BODY_RESULT_BATCH:
			break;
		default:
			server_drop(sv, &p->in, "unexpected message type");
			break;
		}
	}
	if (t->nt > 0 || nb > 0) {
		rc = store_turn(sv->store, t->touches, t->nt, t->batches, nb, now_s());
		err = errno;
	}
	if (rc == PEIL_ETOOBIG && nb > 0) {
		/* The store is at its ceiling: no batch is stored or acknowledged (each sender is
		 * told), but Hellos and TaskRequests, which hardly write, are still answered. */
		sv->stats.batches_full += nb;
		log_err("storing %zu batches refused (agents %s): the store is full "
		    "(collector.map_max_mb)", nb, server_turn_agents(t, true, who, sizeof(who)));
		trc = PEIL_ETOOBIG;
		nb = 0;
		rc = t->nt > 0 ? store_turn(sv->store, t->touches, t->nt, NULL, 0, now_s()) : 0;
	}
	if (rc != 0) {
		/* Nothing stored and nothing acked: the agents re-send. */
		log_err("storing a turn of %zu batches and %zu hellos or task requests (agents %s) "
		    "in %s failed: %s%s", t->nb, t->nt, server_turn_agents(t, false, who, sizeof(who)),
		    sv->sc->store_dir, rc == PEIL_EIO ? strerror(err) : peil_strerror(rc),
		    rc == PEIL_EIO && (err == ENOSPC || err == EDQUOT) ? " (the disk is full: "
		    "free space there; the agents keep their results and send them again)" : "");
	}
	for (size_t i = 0; i < t->np; i++) {
		struct pending *p = &t->pend[i];
		struct store_batch *b;
		Peil__Envelope env = PEIL__ENVELOPE__INIT;
		Peil__Ack ack = PEIL__ACK__INIT;

		if (p->why != NULL || p->answered)
			continue;
		if (p->touch > 0) {
			if (p->env->body_case == PEIL__ENVELOPE__BODY_HELLO)
				server_hello_reply(sv, p, &t->touches[p->touch - 1], rc == 0);
			else
				server_task_reply(sv, p, rc == 0);
			continue;
		}
		if (p->batch == 0)
			continue;
		b = &t->batches[p->batch - 1];
		if (trc == PEIL_ETOOBIG) {
			server_reply_error(sv, &p->in, p->env->seq, PEIL__ERROR__CODE__STORE_FULL,
			    "the collector's store is full: nothing stored, send again later", 0);
			continue;
		}
		if (rc != 0)
			continue;
		if (b->outcome == STORE_CONFLICT) {
			sv->stats.batches_gap++;
			server_reply_error(sv, &p->in, p->env->seq,
			    PEIL__ERROR__CODE__INSTANCE_CONFLICT,
			    "another agent with this key is active", 0);
			continue;
		}
		if (b->outcome == STORE_GAP) {
			sv->stats.batches_gap++;
			server_reply_error(sv, &p->in, p->env->seq, PEIL__ERROR__CODE__SEQ_GAP,
			    "batch sequence gap", b->expected);
			continue;
		}
		if (b->outcome == STORE_STORED) {
			uint32_t refused = 0;

			for (int r = 0; r < STORE_REFUSALS; r++)
				refused += b->refused[r];
			sv->stats.batches_stored++;
			sv->stats.results_stored += b->n - refused;
			server_refused(sv, p, b);
			ack.refused = refused;
		} else {
			sv->stats.batches_duplicate++;
		}
		ack.batch_seq = b->batch_seq;
		env.seq = p->env->seq;
		env.body_case = PEIL__ENVELOPE__BODY_ACK;
		env.ack = &ack;
		server_reply(sv, &p->in, &env);
	}
	if (rc == 0)
		tasks_after_turn(sv->tasks, now_s());
	wire_arena_reset(t->arena);
	t->np = t->nb = t->nt = 0;
}

/* The allowlist directory's mtime (zero when it cannot be read). */
static struct timespec
server_allowlist_mtime(const struct server *sv)
{
	struct stat st;
	struct timespec none = { 0, 0 };

	return stat(sv->sc->allowlist_dir, &st) == 0 ? st.st_mtim : none;
}

static void
server_reload_allowlist(struct server *sv)
{
	char err[512];
	struct allowlist *al;

	sv->al_mtime = server_allowlist_mtime(sv);
	if ((al = allowlist_load(sv->sc->allowlist_dir, err, sizeof(err))) == NULL) {
		log_err("allowlist not reloaded, the old one stays: %s", err);
		return;
	}
	log_info("allowlist reloaded: %zu agents", allowlist_count(al));
	collector_metrics_allowlist(sv->cm, allowlist_count(al));
	zap_set_allowlist(sv->zap, al);
}

#define ALLOWLIST_EVENTS (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | \
	IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

/* Watches the allowlist directory: `agents add` and `agents remove` (or any edit) take
 * effect at once, without a signal. inotify tells of every file written, renamed or
 * removed there; the directory's mtime, checked every ALLOWLIST_CHECK_MS, catches what
 * inotify cannot (no watch left, the directory itself replaced). */
static void
server_watch_allowlist(struct server *sv)
{
	sv->al_mtime = server_allowlist_mtime(sv);
	sv->al_checked_ms = clock_mono_ms();
	if ((sv->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0 ||
	    inotify_add_watch(sv->ino, sv->sc->allowlist_dir, ALLOWLIST_EVENTS) < 0) {
		log_warn("allowlist %s: no inotify watch (%s): changes are seen within %d ms "
		    "instead", sv->sc->allowlist_dir, strerror(errno), ALLOWLIST_CHECK_MS);
		if (sv->ino >= 0)
			close(sv->ino);
		sv->ino = -1;
	}
}

/* After a wake-up: reload when inotify told of a change to an agent's file (not the hidden
 * temporary files of `agents add`), or the directory's mtime moved. One `agents add` is a
 * few events: a change waits ALLOWLIST_SETTLE_MS for the rest, and is loaded once. */
static void
server_check_allowlist(struct server *sv, bool notified)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int64_t now = clock_mono_ms();
	struct timespec mt;
	ssize_t n;

	for (int i = 0; notified && sv->ino >= 0 && i < 64 &&
	    (n = read(sv->ino, buf, sizeof(buf))) > 0; i++) {
		for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= n;) {
			const struct inotify_event *ev = (const void *)(buf + off);

			if (ev->len == 0 || ev->name[0] != '.')
				sv->al_due_ms = sv->al_due_ms ? sv->al_due_ms : now + ALLOWLIST_SETTLE_MS;
			/* The directory itself replaced: watch the new one (if there is one yet;
			 * else the mtime check finds it). */
			if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))
				(void)inotify_add_watch(sv->ino, sv->sc->allowlist_dir, ALLOWLIST_EVENTS);
			off += (ssize_t)(sizeof(*ev) + ev->len);
		}
	}
	if (sv->al_due_ms == 0 && now - sv->al_checked_ms >= ALLOWLIST_CHECK_MS) {
		sv->al_checked_ms = now;
		mt = server_allowlist_mtime(sv);
		if (mt.tv_sec != sv->al_mtime.tv_sec || mt.tv_nsec != sv->al_mtime.tv_nsec)
			sv->al_due_ms = now;
	}
	if (sv->al_due_ms != 0 && now >= sv->al_due_ms) {
		sv->al_due_ms = 0;
		if (sv->ino >= 0)
			(void)inotify_add_watch(sv->ino, sv->sc->allowlist_dir, ALLOWLIST_EVENTS);
		server_reload_allowlist(sv);
	}
}

static void
server_log_stats(const struct server *sv)
{
	struct zap_stats zs;

	zap_get_stats(sv->zap, &zs);
	log_info("stored %llu results in %llu batches (%llu re-sent, %llu out of order, %llu "
	    "refused: store full); dropped %llu messages (%llu of revoked keys) and %llu results; "
	    "refused results: %llu %s, %llu %s, %llu %s, %llu %s; connections admitted %llu, "
	    "refused %llu, closed %llu (revoked key), %llu (table full), %llu (agent over %d), "
	    "open %zu; %llu messages of closed connections whose socket number was reused",
	    (unsigned long long)sv->stats.results_stored,
	    (unsigned long long)sv->stats.batches_stored,
	    (unsigned long long)sv->stats.batches_duplicate,
	    (unsigned long long)sv->stats.batches_gap,
	    (unsigned long long)sv->stats.batches_full,
	    (unsigned long long)sv->stats.messages_dropped,
	    (unsigned long long)sv->stats.messages_refused,
	    (unsigned long long)sv->stats.results_dropped,
	    (unsigned long long)sv->stats.results_refused[STORE_REFUSED_NOT_GIVEN],
	    store_refusal_name(STORE_REFUSED_NOT_GIVEN),
	    (unsigned long long)sv->stats.results_refused[STORE_REFUSED_CLOSED],
	    store_refusal_name(STORE_REFUSED_CLOSED),
	    (unsigned long long)sv->stats.results_refused[STORE_REFUSED_DOMAIN],
	    store_refusal_name(STORE_REFUSED_DOMAIN),
	    (unsigned long long)sv->stats.results_refused[STORE_REFUSED_CAP],
	    store_refusal_name(STORE_REFUSED_CAP),
	    (unsigned long long)zs.admitted, (unsigned long long)zs.denied,
	    (unsigned long long)zs.revoked, (unsigned long long)zs.closed_full,
	    (unsigned long long)zs.closed_agent, MAX_AGENT_CONNECTIONS,
	    zap_connections(sv->zap), (unsigned long long)zs.stale);
}

int
server_run(const struct server_conf *sc)
{
	const struct zmqapi *zmq = zmqapi();
	struct server sv;
	struct store_opts so = { sc->map_mb, false, sc->nosync, sc->map_max_mb,
	    sc->round_grace_s };
	struct allowlist *al;
	struct sigaction sa;
	char err[512];
	int rc = PEIL_EZMQ;
	int64_t next_stats = now_s() + 60;
	int cur = 0;
	struct server_stats last = { 0 };

	memset(&sv, 0, sizeof(sv));
	sv.sc = sc;
	sv.ino = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = server_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Metrics first: a port in use stops the start before anything is written. */
	if (sc->metrics_listen != NULL && sc->metrics_listen[0] != '\0' &&
	    (sv.cm = collector_metrics_start(sc->metrics_listen, err, sizeof(err))) == NULL) {
		log_err("%s", err);
		rc = PEIL_ECONF;
		goto out;
	}
	if ((rc = store_open(sc->store_dir, &so, &sv.store)) != 0) {
		log_err("cannot open the store in %s: %s (%s)",
		    sc->store_dir, rc == PEIL_EIO ? strerror(errno) : peil_strerror(rc),
		    rc == PEIL_EIO && errno == ENOSPC ? "the disk is full: free space there, or "
		    "move collector.store to a larger disk" : rc == PEIL_ESCHEMA ? "see the "
		    "line above" : "set collector.store to a directory the collector may create "
		    "or write");
		goto out;
	}
	if ((al = allowlist_load(sc->allowlist_dir, err, sizeof(err))) == NULL) {
		log_err("allowlist: %s (collector.allowlist: a directory with each agent's public "
		    "key, peil-agent keygen's .pub, in a file named after the agent)", err);
		rc = PEIL_ECONF;
		goto out;
	}
	log_info("allowlist %s: %zu agents", sc->allowlist_dir, allowlist_count(al));
	collector_metrics_allowlist(sv.cm, allowlist_count(al));
	server_watch_allowlist(&sv);
	if ((sv.zctx = zmq->ctx_new()) == NULL)
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
	if (zap_watch(sv.zap, sv.zctx, sv.router, sc->max_conns, err, sizeof(err)) != 0) {
		log_err("%s", err);
		rc = PEIL_EZMQ;
		goto out;
	}
	log_info("memory: at most %llu MiB of %llu (%zu connections, messages up to %llu bytes, "
	    "rcvhwm %d, sndhwm %d)", (unsigned long long)(server_memory_worst(sc) >> 20),
	    (unsigned long long)sc->memory_mb, sc->max_conns,
	    (unsigned long long)sc->limits.max_message_bytes, sc->limits.rcvhwm,
	    sc->limits.sndhwm);
	if ((sv.tasks = tasks_new(sv.store, sc->interval_s, sc->tests, err, sizeof(err))) == NULL) {
		log_err("%s", err);
		rc = PEIL_ECONF;
		goto out;
	}
	tasks_set_retry_after(sv.tasks, sc->retry_after_s);
	if ((sv.ll = log_limit_new(1024, DROP_LOG_INTERVAL_S)) == NULL)
		log_fatal("out of memory");
	for (int i = 0; i < 2; i++) {
		struct turn *t = &sv.turns[i];

		if ((t->arena = wire_arena_new(server_arena_limit(sc->limits.max_message_bytes))) ==
		    NULL ||
		    (t->pend = calloc(MAX_DRAIN_MESSAGES, sizeof(*t->pend))) == NULL ||
		    (t->batches = calloc(MAX_DRAIN_MESSAGES, sizeof(*t->batches))) == NULL ||
		    (t->kept = calloc(MAX_DRAIN_MESSAGES, sizeof(*t->kept))) == NULL ||
		    (t->touches = calloc(MAX_DRAIN_MESSAGES, sizeof(*t->touches))) == NULL)
			log_fatal("out of memory");
	}
	pthread_mutex_init(&sv.dec.mu, NULL);
	pthread_cond_init(&sv.dec.cv, NULL);
	if (pthread_create(&sv.dec.thread, NULL, decoder_main, &sv.dec) != 0)
		log_fatal("cannot start the decoder thread");
	sv.dec.started = true;
	log_info("listening on %s (%s)", sc->listen, sc->keys ? "CURVE" :
	    "PLAIN TEXT, debug only");

	while (!server_stop) {
		zmq_pollitem_t pi[4] = {
			{ sv.router, 0, ZMQ_POLLIN, 0 },
			{ zap_socket(sv.zap), 0, ZMQ_POLLIN, 0 },
			{ zap_monitor_socket(sv.zap), 0, ZMQ_POLLIN, 0 },
			{ NULL, sv.ino, ZMQ_POLLIN, 0 },
		};
		int npi = sv.ino >= 0 ? 4 : 3;
		int64_t wait_ms = tasks_tick(sv.tasks, now_s());
		struct turn *next = &sv.turns[cur], *prev = &sv.turns[1 - cur];
		struct store_stats st;
		size_t indexed = 0;
		bool fresh;

		if (server_reload) {
			server_reload = 0;
			server_reload_allowlist(&sv);
		}
		/* Ingest first: the indexer works once agents have been quiet for a moment, or at
		 * once when the lag grows past MAX_INDEX_LAG (so show's scan of the unindexed tail
		 * stays short). show is exact either way. */
		if (prev->np == 0 && store_stats(sv.store, &st) == 0 && st.indexed < st.results) {
			int64_t quiet = clock_mono_ms() - sv.last_msg_ms;

			if (st.results - st.indexed > MAX_INDEX_LAG ||
			    (quiet >= INDEX_QUIET_MS && zmq->poll(pi, npi, 0) == 0)) {
				if (store_index_step(sv.store, MAX_INDEX_CHUNK, &indexed) != 0)
					log_err("indexing failed; the indexes lag behind the log");
				else if (indexed > 0)
					continue;
			} else if (quiet < INDEX_QUIET_MS && wait_ms > INDEX_QUIET_MS - quiet) {
				wait_ms = INDEX_QUIET_MS - quiet;
			}
		}
		if (wait_ms > 1000)
			wait_ms = 1000;
		if (sv.al_due_ms != 0)
			wait_ms = ALLOWLIST_SETTLE_MS;
		/* A decoded turn waiting for its commit: do not sleep. */
		if (zmq->poll(pi, npi, prev->np > 0 ? 0 : (long)wait_ms) < 0) {
			if (zmq->errnum() == EINTR)
				continue;
			log_err("zmq_poll: %s", zmq->strerror(zmq->errnum()));
			rc = PEIL_EZMQ;
			goto out;
		}
		/* The allowlist before the messages: a key just removed admits none of them. */
		server_check_allowlist(&sv, npi == 4 && (pi[3].revents & ZMQ_POLLIN));
		/* Connection events first, so the table knows every connection a message names. */
		if (pi[2].revents & ZMQ_POLLIN)
			zap_handle_events(sv.zap);
		if (pi[1].revents & ZMQ_POLLIN)
			zap_handle(sv.zap);
		/* Decode this turn on the decoder thread while committing the last one here. */
		fresh = (pi[0].revents & ZMQ_POLLIN) && turn_receive(&sv, next) > 0;
		if (fresh)
			decoder_start(&sv.dec, next);
		if (prev->np > 0)
			turn_commit(&sv, prev);
		if (fresh) {
			decoder_wait(&sv.dec);
			cur = 1 - cur;
		}
		collector_metrics_tick(sv.cm, &sv.stats, sv.zap, sv.store);
		if (now_s() >= next_stats) {
			if (memcmp(&last, &sv.stats, sizeof(last)) != 0)
				server_log_stats(&sv);
			last = sv.stats;
			next_stats = now_s() + 60;
		}
	}
	/* What was decoded last is committed and acknowledged before stopping. */
	if (sv.turns[1 - cur].np > 0)
		turn_commit(&sv, &sv.turns[1 - cur]);
	log_info("stopping");
	server_log_stats(&sv);
	rc = 0;
out:
	if (sv.ino >= 0)
		close(sv.ino);
	collector_metrics_free(sv.cm);
	wire_close(sv.router);
	zap_free(sv.zap);
	if (sv.zctx != NULL)
		zmq->ctx_term(sv.zctx);
	tasks_free(sv.tasks);
	store_close(sv.store);
	log_limit_free(sv.ll);
	if (sv.dec.started) {
		pthread_mutex_lock(&sv.dec.mu);
		sv.dec.quit = true;
		pthread_cond_broadcast(&sv.dec.cv);
		pthread_mutex_unlock(&sv.dec.mu);
		pthread_join(sv.dec.thread, NULL);
		pthread_mutex_destroy(&sv.dec.mu);
		pthread_cond_destroy(&sv.dec.cv);
	}
	for (int i = 0; i < 2; i++) {
		wire_arena_free(sv.turns[i].arena);
		free(sv.turns[i].pend);
		free(sv.turns[i].batches);
		free(sv.turns[i].kept);
		free(sv.turns[i].touches);
	}
	return rc;
}
