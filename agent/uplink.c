/* uplink.c: the agent's protocol engine over one DEALER socket.
 *
 * Batches are numbered by the spool and sent in order; up to `window` are in flight. The
 * collector acknowledges a batch only after committing it, and stores batch n+1 only after n,
 * so an Ack is cumulative. When no acknowledgement arrives for ack_timeout_ms, everything
 * from the oldest unacknowledged batch is sent again (go-back-N); the collector acks re-sent
 * batches without storing them twice. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "clock.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "uplink.h"
#include "zmqapi.h"

struct uplink {
	struct uplink_conf conf;
	void *sock;
	struct spool *sp;
	bool welcomed;
	uint64_t next_send;        /* next batch to put on the wire */
	uint64_t base;             /* oldest batch not acknowledged */
	bool unacked;              /* sealed batches wait for acknowledgement (last looked) */
	uint64_t ack_pending;      /* highest Ack received and not yet applied to the spool */
	uint64_t max_message_bytes;   /* ours, or the collector's when smaller */
	unsigned batch_max;        /* results per batch: ours, or the collector's when smaller */
	uint64_t task_req_seq;     /* envelope seq of the outstanding task request's last send */
	uint64_t task_first_seq;   /* ... and of its first: an answer to any send of it is taken */
	int64_t last_progress_ms;  /* last ack advance, or first send into an empty window */
	int64_t next_hello_ms;
	int64_t last_heard_ms;     /* last message from the collector */
	int64_t last_seal_ms;
	int64_t last_silence_log_ms;
	int64_t last_conflict_log_ms;
	int64_t next_redial_ms;     /* when to make a new socket if Hello stays unanswered */
	int64_t redial_backoff_ms;
	void *zctx;
	uint64_t env_seq;
	/* The outstanding task request, re-sent when unanswered. */
	bool task_wanted;
	uint64_t task_done_round, task_round;
	uint32_t task_offset;
	int64_t task_sent_ms;
	Peil__Envelope *tasks;
	struct uplink_stats stats;
};

static int
uplink_send(struct uplink *u, Peil__Envelope *env)
{
	env->seq = ++u->env_seq;
	return wire_send(u->sock, NULL, 0, env, ZMQ_DONTWAIT);
}

static void
uplink_send_hello(struct uplink *u)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__Hello hello = PEIL__HELLO__INIT;
	Peil__Vantage v = PEIL__VANTAGE__INIT;
	struct spool_stats st;

	/* Where our batch sequence stands, so the collector knows where we start. */
	if (spool_stats(u->sp, &st) == 0)
		hello.first_unacked_batch = st.batches > 0 ? st.first_batch : st.last_batch + 1;
	hello.instance = spool_instance(u->sp);
	v.ipv4 = u->conf.ipv4;
	v.ipv6 = u->conf.ipv6;
	v.description = (char *)(u->conf.description ? u->conf.description : "");
	hello.version = WIRE_PROTOCOL_VERSION;
	hello.software = (char *)"peil-agent " PEIL_VERSION;
	hello.vantage = &v;
	env.body_case = PEIL__ENVELOPE__BODY_HELLO;
	env.hello = &hello;
	/* Sent: asked again if unanswered after ack_timeout_ms. Not sent (EAGAIN: the socket
	 * is ZMQ_IMMEDIATE and its handshake is not done yet): tried again after the reconnect
	 * interval, not a whole ack timeout later. */
	u->next_hello_ms = clock_mono_ms() + (uplink_send(u, &env) == 0 ||
	    u->conf.limits.reconnect_ivl_ms <= 0 ||
	    (unsigned)u->conf.limits.reconnect_ivl_ms >= u->conf.ack_timeout_ms ?
	    (int64_t)u->conf.ack_timeout_ms : (int64_t)u->conf.limits.reconnect_ivl_ms);
}

struct uplink *
uplink_new(void *zctx, const struct uplink_conf *uc, struct spool *sp, char *err, size_t errlen)
{
	struct uplink *u;

	if ((u = calloc(1, sizeof(*u))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->conf = *uc;
	u->sp = sp;
	u->zctx = zctx;
	u->max_message_bytes = uc->limits.max_message_bytes;
	if (u->conf.window == 0 || u->conf.window > MAX_WINDOW)
		u->conf.window = DEFAULT_WINDOW;
	if (u->conf.batch_max == 0 || u->conf.batch_max > MAX_BATCH_RESULTS)
		u->conf.batch_max = DEFAULT_BATCH_MAX;
	u->batch_max = u->conf.batch_max;
	u->sock = wire_dealer_new(zctx, uc->endpoint, uc->keys, uc->server_public,
	    uc->keys == NULL ? uc->name : NULL, &uc->limits, err, errlen);
	if (u->sock == NULL) {
		free(u);
		return NULL;
	}
	u->last_heard_ms = u->last_silence_log_ms = clock_mono_ms();
	u->next_hello_ms = 0;
	u->redial_backoff_ms = 3 * (int64_t)u->conf.ack_timeout_ms;
	u->next_redial_ms = u->last_heard_ms + u->redial_backoff_ms;
	return u;
}

/* libzmq does not reconnect after the collector's ZAP handler refused us (say, before our
 * key was added to its allowlist), so a Hello that stays unanswered gets a new socket, with
 * a growing pause up to MAX_REDIAL_MS. */
static void
uplink_redial(struct uplink *u, int64_t now)
{
	char err[512];
	void *sock;

	sock = wire_dealer_new(u->zctx, u->conf.endpoint, u->conf.keys, u->conf.server_public,
	    u->conf.keys == NULL ? u->conf.name : NULL, &u->conf.limits, err, sizeof(err));
	if (sock == NULL) {
		log_warn("reconnecting to %s: %s", u->conf.endpoint, err);
	} else {
		wire_close(u->sock);
		u->sock = sock;
		log_debug("new connection to %s", u->conf.endpoint);
	}
	u->redial_backoff_ms *= 2;
	if (u->redial_backoff_ms > MAX_REDIAL_MS)
		u->redial_backoff_ms = MAX_REDIAL_MS;
	u->next_redial_ms = now + u->redial_backoff_ms;
	u->next_hello_ms = 0;
}

void
uplink_free(struct uplink *u)
{
	if (u == NULL)
		return;
	wire_close(u->sock);
	wire_envelope_free(u->tasks);
	free(u);
}

bool
uplink_welcomed(const struct uplink *u)
{
	return u->welcomed;
}

static void
uplink_send_task_request(struct uplink *u)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__TaskRequest tr = PEIL__TASK_REQUEST__INIT;

	tr.done_round_id = u->task_done_round;
	tr.round_id = u->task_round;
	tr.offset = u->task_offset;
	env.body_case = PEIL__ENVELOPE__BODY_TASK_REQUEST;
	env.task_request = &tr;
	u->task_sent_ms = clock_mono_ms();
	/* Not sent (not connected yet): tried again after the reconnect interval. */
	if (uplink_send(u, &env) != 0 && u->conf.limits.reconnect_ivl_ms > 0 &&
	    (unsigned)u->conf.limits.reconnect_ivl_ms < u->conf.ack_timeout_ms)
		u->task_sent_ms -= (int64_t)u->conf.ack_timeout_ms - u->conf.limits.reconnect_ivl_ms;
	u->task_req_seq = env.seq;
}

int
uplink_request_tasks(struct uplink *u, uint64_t done_round, uint64_t round_id, uint32_t offset)
{
	/* The same request outstanding: it is sent again after ack_timeout_ms by itself. A new
	 * send here would only add a page to the collector's work (and to the answers). */
	if (u->task_wanted && u->task_done_round == done_round && u->task_round == round_id &&
	    u->task_offset == offset)
		return 0;
	u->task_wanted = true;
	u->task_done_round = done_round;
	u->task_round = round_id;
	u->task_offset = offset;
	uplink_send_task_request(u);
	u->task_first_seq = u->task_req_seq;
	return 0;
}

Peil__Envelope *
uplink_take_tasks(struct uplink *u)
{
	Peil__Envelope *e = u->tasks;

	u->tasks = NULL;
	return e;
}

static int
uplink_ack_upto(struct uplink *u, uint64_t seq)
{
	int rc;

	if (seq < u->base)
		return 0;
	if ((rc = spool_ack(u->sp, seq)) != 0)
		return rc;
	u->stats.batches_acked += seq - u->base + 1;
	u->base = seq + 1;
	if (u->next_send < u->base)
		u->next_send = u->base;
	u->last_progress_ms = clock_mono_ms();
	return 0;
}

static int
uplink_flush_acks(struct uplink *u)
{
	uint64_t seq = u->ack_pending;

	u->ack_pending = 0;
	return seq != 0 ? uplink_ack_upto(u, seq) : 0;
}

static int
uplink_handle(struct uplink *u, Peil__Envelope *env)
{
	struct spool_stats st;
	int rc = 0;

	switch (env->body_case) {
	case PEIL__ENVELOPE__BODY_WELCOME:
		if ((rc = spool_sync_remote(u->sp, env->welcome->last_batch_seq)) != 0)
			break;
		if ((rc = spool_stats(u->sp, &st)) != 0)
			break;
		u->base = st.first_batch ? st.first_batch : st.last_batch + 1;
		u->next_send = u->base;
		u->last_progress_ms = clock_mono_ms();
		u->redial_backoff_ms = 3 * (int64_t)u->conf.ack_timeout_ms;
		/* Seal below the smaller of the two message limits, and no more results than the
		 * collector takes in a batch (a batch sealed before, under other limits, is sent
		 * as it is). */
		u->max_message_bytes = u->conf.limits.max_message_bytes;
		if (env->welcome->max_message_bytes > 0 &&
		    env->welcome->max_message_bytes < u->max_message_bytes)
			u->max_message_bytes = env->welcome->max_message_bytes;
		u->batch_max = u->conf.batch_max;
		if (env->welcome->max_batch > 0 && env->welcome->max_batch < u->batch_max)
			u->batch_max = env->welcome->max_batch;
		if (!u->welcomed)
			log_info("collector welcomed us as '%s'; it holds our batches up to %llu",
			    env->welcome->agent, (unsigned long long)env->welcome->last_batch_seq);
		u->welcomed = true;
		break;
	case PEIL__ENVELOPE__BODY_ACK:
		/* Acks come in bursts: one spool transaction for the highest of a burst. */
		if (env->ack->batch_seq > u->ack_pending)
			u->ack_pending = env->ack->batch_seq;
		break;
	case PEIL__ENVELOPE__BODY_TASK_LIST:
		/* The collector echoes the request's seq. An answer to any send of the outstanding
		 * request is taken: a re-send asks the same, and a collector slower to answer than
		 * ack_timeout_ms (under a flood) would otherwise never be heard. An answer to an
		 * earlier, other request is stale. A page of another round than asked for is taken
		 * (main starts over). */
		if (!u->task_wanted || env->seq < u->task_first_seq || env->seq > u->task_req_seq)
			break;
		u->task_wanted = false;
		wire_envelope_free(u->tasks);
		u->tasks = env;
		return 1;  /* kept */
	case PEIL__ENVELOPE__BODY_ERROR:
		if (env->error->code == PEIL__ERROR__CODE__SEQ_GAP) {
			uint64_t exp = env->error->expected_batch_seq;

			u->stats.gaps++;
			if (exp == 0)
				break;
			if (exp < u->base) {
				log_err("collector expects batch %llu but our oldest unacknowledged "
				    "batch is %llu: the collector lost batches it had acknowledged",
				    (unsigned long long)exp, (unsigned long long)u->base);
				break;
			}
			if ((rc = uplink_ack_upto(u, exp - 1)) != 0)
				break;
			u->next_send = exp;
		} else if (env->error->code == PEIL__ERROR__CODE__INSTANCE_CONFLICT) {
			/* Nothing is deleted: the results wait until this is sorted out. */
			if (clock_mono_ms() - u->last_conflict_log_ms >= DROP_LOG_INTERVAL_S * 1000) {
				log_err("the collector refuses us: another agent with our key is "
				    "active (a copied key or machine?); our results stay in the spool");
				u->last_conflict_log_ms = clock_mono_ms();
			}
			u->welcomed = false;
		} else {
			log_warn("collector error %d: %s", (int)env->error->code,
			    env->error->message ? env->error->message : "");
		}
		break;
	default:
		u->stats.bad_messages++;
		log_debug("unexpected message %d from the collector", (int)env->body_case);
		break;
	}
	return rc;
}

static int
uplink_receive(struct uplink *u, int timeout_ms)
{
	const struct zmqapi *zmq = zmqapi();
	zmq_pollitem_t pi = { u->sock, 0, ZMQ_POLLIN, 0 };
	int rc;

	if (zmq->poll(&pi, 1, timeout_ms) < 0)
		return 0;  /* EINTR: the caller looks at its signals */
	for (int i = 0; i < MAX_DRAIN_MESSAGES; i++) {
		uint8_t *data;
		size_t len;
		const char *why;
		Peil__Envelope *env;

		rc = wire_recv(u->sock, &data, &len, true);
		if (rc == PEIL_EAGAIN)
			break;
		if (rc != 0) {
			u->stats.bad_messages++;
			continue;
		}
		env = wire_decode(data, len, &why);
		free(data);
		if (env == NULL) {
			u->stats.bad_messages++;
			log_warn("dropped a message from the collector: %s", why);
			continue;
		}
		u->last_heard_ms = clock_mono_ms();
		/* Anything but an Ack sees the spool with the acks before it applied. */
		if (env->body_case != PEIL__ENVELOPE__BODY_ACK && (rc = uplink_flush_acks(u)) != 0) {
			wire_envelope_free(env);
			return rc;
		}
		rc = uplink_handle(u, env);
		if (rc != 1)
			wire_envelope_free(env);
		if (rc < 0)
			return rc;
	}
	return uplink_flush_acks(u);
}

static int
uplink_seal(struct uplink *u, int64_t now)
{
	struct spool_stats st;
	/* The Envelope and CURVE's framing around the sealed batch count against the limit. */
	size_t max_bytes = (size_t)u->max_message_bytes - WIRE_SEAL_MARGIN;
	uint64_t seq;
	int rc;

	if ((rc = spool_stats(u->sp, &st)) != 0)
		return rc;
	/* Seal full batches at once, a partial one when it has waited long enough; keep at most
	 * a window's worth sealed ahead so results can still join fuller batches. */
	while (st.pending > 0 && st.batches < 2 * (uint64_t)u->conf.window &&
	    (st.pending >= u->batch_max || now - u->last_seal_ms >= u->conf.seal_interval_ms)) {
		if ((rc = spool_seal(u->sp, u->batch_max, max_bytes, &seq)) != 0)
			return rc;
		u->last_seal_ms = now;
		if ((rc = spool_stats(u->sp, &st)) != 0)
			return rc;
	}
	return 0;
}

/* The spool keeps batches packed; an Envelope holding one is field 1 (seq) and field 6 (the
 * batch), so the message is built around the stored bytes, copied once, not re-encoded. */
struct wrap_arg {
	zmq_msg_t *m;
	uint64_t env_seq;
	uint64_t instance;
};

static int
uplink_wrap_batch(const uint8_t *buf, size_t len, void *argp)
{
	const struct zmqapi *zmq = zmqapi();
	struct wrap_arg *a = argp;
	uint8_t head[24], tail[12], *p = head, *t = tail;
	size_t hl, tl;

	/* The batch gains field 3, our instance, at its end. */
	*t++ = 0x18;
	t = varint_put(t, a->instance);
	tl = (size_t)(t - tail);
	*p++ = 0x08;
	p = varint_put(p, a->env_seq);
	*p++ = 0x32;
	p = varint_put(p, len + tl);
	hl = (size_t)(p - head);
	if (zmq->msg_init_size(a->m, hl + len + tl) != 0)
		return PEIL_ENOMEM;
	memcpy(zmq->msg_data(a->m), head, hl);
	memcpy((uint8_t *)zmq->msg_data(a->m) + hl, buf, len);
	memcpy((uint8_t *)zmq->msg_data(a->m) + hl + len, tail, tl);
	return 0;
}

static int
uplink_send_window(struct uplink *u, int64_t now)
{
	const struct zmqapi *zmq = zmqapi();
	struct spool_stats st;
	int rc;

	if ((rc = spool_stats(u->sp, &st)) != 0)
		return rc;
	u->unacked = st.batches > 0;
	if (st.batches == 0) {
		u->base = st.last_batch + 1;
		u->next_send = u->base;
		return 0;
	}
	if (u->base < st.first_batch)
		u->base = st.first_batch;
	if (u->next_send < u->base)
		u->next_send = u->base;
	/* Go back: nothing acknowledged for too long. */
	if (u->next_send > u->base && now - u->last_progress_ms >= u->conf.ack_timeout_ms) {
		log_info("no acknowledgement for %u ms: re-sending from batch %llu",
		    u->conf.ack_timeout_ms, (unsigned long long)u->base);
		u->stats.batches_resent += u->next_send - u->base;
		u->next_send = u->base;
		u->last_progress_ms = now;
		uplink_send_hello(u);
	}
	while (u->next_send <= st.last_batch && u->next_send < u->base + u->conf.window) {
		zmq_msg_t m;
		struct wrap_arg wa = { &m, u->env_seq + 1, spool_instance(u->sp) };

		if ((rc = spool_read(u->sp, u->next_send, uplink_wrap_batch, &wa)) != 0)
			return rc == PEIL_ENOENT ? 0 : rc;
		u->env_seq++;
		if (zmq->msg_send(&m, u->sock, ZMQ_DONTWAIT) < 0) {
			zmq->msg_close(&m);
			break;  /* not connected or queue full: later */
		}
		if (u->next_send == u->base)
			u->last_progress_ms = now;
		u->next_send++;
		u->stats.batches_sent++;
	}
	return 0;
}

int
uplink_step(struct uplink *u, int timeout_ms)
{
	int64_t now;
	int rc;

	now = clock_mono_ms();
	/* Welcomed, but the collector has not answered what waits for it for as long as an
	 * unanswered Hello gets before a new connection: the connection is gone (the collector
	 * restarted behind a refusal, or removed us and shut it down; libzmq does not reconnect
	 * after a ZAP refusal), so we start over with a Hello on a new connection. */
	if (u->welcomed && (u->task_wanted || u->unacked) &&
	    now - u->last_heard_ms >= u->redial_backoff_ms) {
		log_warn("no answer from the collector at %s for %lld s while %s: connecting "
		    "again", u->conf.endpoint, (long long)((now - u->last_heard_ms) / 1000),
		    u->unacked ? "batches wait for acknowledgement" :
		    "a task request waits");
		u->welcomed = false;
		u->next_redial_ms = now;
	}
	if (!u->welcomed && now >= u->next_redial_ms && now - u->last_heard_ms >= u->redial_backoff_ms)
		uplink_redial(u, now);
	if (!u->welcomed && now >= u->next_hello_ms)
		uplink_send_hello(u);
	if (u->task_wanted && now - u->task_sent_ms >= u->conf.ack_timeout_ms)
		uplink_send_task_request(u);
	if ((rc = uplink_receive(u, timeout_ms)) != 0)
		return rc;
	now = clock_mono_ms();
	/* Silence is only news while something waits for an answer. */
	if ((!u->welcomed || u->task_wanted || u->next_send > u->base) &&
	    now - u->last_heard_ms >= 2 * (int64_t)u->conf.ack_timeout_ms &&
	    now - u->last_silence_log_ms >= DROP_LOG_INTERVAL_S * 1000) {
		log_warn("no answer from the collector at %s for %lld s (is it running, is this "
		    "agent's public key in its allowlist, is collector.public_key right?)",
		    u->conf.endpoint, (long long)((now - u->last_heard_ms) / 1000));
		u->last_silence_log_ms = now;
	}
	if (!u->welcomed)
		return 0;
	if ((rc = uplink_seal(u, now)) != 0)
		return rc;
	return uplink_send_window(u, now);
}

bool
uplink_drained(struct uplink *u)
{
	struct spool_stats st;

	if (spool_stats(u->sp, &st) != 0)
		return false;
	return st.pending == 0 && st.batches == 0;
}

void
uplink_get_stats(const struct uplink *u, struct uplink_stats *out)
{
	*out = u->stats;
}
