/* test_uplink.c: the agent's protocol engine against a scripted collector (a ROUTER over
 * inproc, plain text): task requests re-sent and answered late. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <zmq.h>

#include "err.h"
#include "spool.h"
#include "uplink.h"
#include "wire.h"

#define ENDPOINT "inproc://test-uplink"
#define ACK_TIMEOUT_MS 200

struct fixture {
	char dir[64];
	void *zctx, *router;
	struct spool *sp;
	struct uplink *up;
};

/* The next message the uplink sent (waits up to 1 s), decoded; its route kept in `in`. */
static Peil__Envelope *
collector_take(struct fixture *f, struct wire_in *in)
{
	zmq_pollitem_t pi = { f->router, 0, ZMQ_POLLIN, 0 };
	Peil__Envelope *env;
	const char *why;

	if (zmq_poll(&pi, 1, 1000) <= 0)
		return NULL;
	assert_int_equal(wire_recv_router(f->router, in, true), 0);
	env = wire_decode(in->data, in->len, &why);
	wire_in_release(in);
	assert_non_null(env);
	return env;
}

static void
collector_send(struct fixture *f, const struct wire_in *in, Peil__Envelope *env)
{
	assert_int_equal(wire_send(f->router, in->route, in->route_len, env, 0), 0);
}

/* A TaskList page of round 7 echoing `seq`. */
static void
collector_task_list(struct fixture *f, const struct wire_in *in, uint64_t seq)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__TaskList tl = PEIL__TASK_LIST__INIT;
	char *targets[] = { (char *)"example.nl" };

	tl.round_id = 7;
	tl.total = 1;
	tl.n_targets = 1;
	tl.targets = targets;
	env.seq = seq;
	env.body_case = PEIL__ENVELOPE__BODY_TASK_LIST;
	env.task_list = &tl;
	collector_send(f, in, &env);
}

/* Steps the uplink a few times, so that what the collector sent is handled. */
static void
agent_steps(struct fixture *f)
{
	for (int i = 0; i < 5; i++)
		assert_int_equal(uplink_step(f->up, 20), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct uplink_conf uc;
	struct wire_in in;
	Peil__Envelope *env, w = PEIL__ENVELOPE__INIT;
	Peil__Welcome wel = PEIL__WELCOME__INIT;
	char err[256];

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/peil-test-uplink-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(spool_open(f->dir, 16, true, &f->sp), 0);
	f->zctx = zmq_ctx_new();
	f->router = zmq_socket(f->zctx, ZMQ_ROUTER);
	assert_int_equal(zmq_bind(f->router, ENDPOINT), 0);
	memset(&uc, 0, sizeof(uc));
	uc.endpoint = ENDPOINT;
	uc.name = "agent1";
	wire_limits_default(&uc.limits);
	uc.ack_timeout_ms = ACK_TIMEOUT_MS;
	uc.seal_interval_ms = 100;
	f->up = uplink_new(f->zctx, &uc, f->sp, err, sizeof(err));
	assert_non_null(f->up);
	/* Hello, Welcome. */
	assert_int_equal(uplink_step(f->up, 20), 0);
	env = collector_take(f, &in);
	assert_non_null(env);
	assert_int_equal(env->body_case, PEIL__ENVELOPE__BODY_HELLO);
	wel.version = WIRE_PROTOCOL_VERSION;
	wel.agent = (char *)"agent1";
	w.seq = env->seq;
	w.body_case = PEIL__ENVELOPE__BODY_WELCOME;
	w.welcome = &wel;
	collector_send(f, &in, &w);
	wire_envelope_free(env);
	agent_steps(f);
	assert_true(uplink_welcomed(f->up));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	uplink_free(f->up);
	zmq_close(f->router);
	zmq_ctx_term(f->zctx);
	spool_close(f->sp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* A collector slower than ack_timeout_ms: the request is sent again, and the answer to its
 * first send, arriving after the re-send, is taken (it asks the same). Asking the same again
 * meanwhile sends nothing. */
static void
test_task_answer_to_first_send(void **state)
{
	struct fixture *f = *state;
	struct wire_in in;
	Peil__Envelope *first, *again, *env;
	uint64_t seq1;

	assert_int_equal(uplink_request_tasks(f->up, 0, 0, 0), 0);
	first = collector_take(f, &in);
	assert_non_null(first);
	assert_int_equal(first->body_case, PEIL__ENVELOPE__BODY_TASK_REQUEST);
	seq1 = first->seq;
	wire_envelope_free(first);
	assert_int_equal(uplink_request_tasks(f->up, 0, 0, 0), 0);
	usleep(ACK_TIMEOUT_MS * 1000 + 50000);
	agent_steps(f);
	again = collector_take(f, &in);
	assert_non_null(again);
	assert_int_equal(again->body_case, PEIL__ENVELOPE__BODY_TASK_REQUEST);
	assert_true(again->seq > seq1);
	wire_envelope_free(again);
	/* Nothing else: the second uplink_request_tasks sent nothing. */
	{
		zmq_pollitem_t pi = { f->router, 0, ZMQ_POLLIN, 0 };

		assert_int_equal(zmq_poll(&pi, 1, 0), 0);
	}
	collector_task_list(f, &in, seq1);
	agent_steps(f);
	env = uplink_take_tasks(f->up);
	assert_non_null(env);
	assert_int_equal(env->task_list->round_id, 7);
	wire_envelope_free(env);
}

/* An answer to an earlier, other request is stale; the answer to the new one is taken. */
static void
test_task_answer_to_other_request(void **state)
{
	struct fixture *f = *state;
	struct wire_in in;
	Peil__Envelope *env;
	uint64_t old, cur;

	assert_int_equal(uplink_request_tasks(f->up, 0, 0, 0), 0);
	env = collector_take(f, &in);
	assert_non_null(env);
	old = env->seq;
	wire_envelope_free(env);
	assert_int_equal(uplink_request_tasks(f->up, 0, 7, 4096), 0);
	env = collector_take(f, &in);
	assert_non_null(env);
	assert_int_equal(env->task_request->offset, 4096);
	cur = env->seq;
	wire_envelope_free(env);
	collector_task_list(f, &in, old);
	agent_steps(f);
	assert_null(uplink_take_tasks(f->up));
	collector_task_list(f, &in, cur);
	agent_steps(f);
	env = uplink_take_tasks(f->up);
	assert_non_null(env);
	wire_envelope_free(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_task_answer_to_first_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_answer_to_other_request, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
