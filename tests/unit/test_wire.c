/* test_wire.c: Envelope framing, checked decoding, and sockets with CURVE and limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <zmq.h>

#include "err.h"
#include "keys.h"
#include "limits.h"
#include "wire.h"

static void
test_loopback(void **state)
{
	(void)state;
	assert_true(wire_endpoint_is_loopback("tcp://127.0.0.1:4700"));
	assert_true(wire_endpoint_is_loopback("tcp://127.9.9.9:1"));
	assert_true(wire_endpoint_is_loopback("tcp://[::1]:4700"));
	assert_true(wire_endpoint_is_loopback("tcp://localhost:4700"));
	assert_true(wire_endpoint_is_loopback("ipc:///tmp/x"));
	assert_true(wire_endpoint_is_loopback("inproc://x"));
	assert_false(wire_endpoint_is_loopback("tcp://192.0.2.1:4700"));
	assert_false(wire_endpoint_is_loopback("tcp://*:4700"));
	assert_false(wire_endpoint_is_loopback("tcp://0.0.0.0:4700"));
	assert_false(wire_endpoint_is_loopback("tcp://[2001:db8::1]:4700"));
	assert_false(wire_endpoint_is_loopback("tcp://localhost.example:4700"));
}

static void
test_plaintext_refused_off_loopback(void **state)
{
	void *ctx = zmq_ctx_new();
	struct wire_limits wl;
	char err[256];

	(void)state;
	wire_limits_default(&wl);
	assert_null(wire_router_new(ctx, "tcp://192.0.2.1:4700", NULL, &wl, err, sizeof(err)));
	assert_non_null(strstr(err, "plain text refused"));
	assert_null(wire_dealer_new(ctx, "tcp://203.0.113.5:4700", NULL, NULL, "x", &wl, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "plain text refused"));
	zmq_ctx_term(ctx);
}

static void
test_decode(void **state)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT, *out;
	Peil__Ack ack = PEIL__ACK__INIT;
	uint8_t buf[64];
	size_t len;
	const char *why;

	(void)state;
	ack.batch_seq = 77;
	env.seq = 5;
	env.body_case = PEIL__ENVELOPE__BODY_ACK;
	env.ack = &ack;
	len = peil__envelope__pack(&env, buf);
	out = wire_decode(buf, len, &why);
	assert_non_null(out);
	assert_int_equal(out->body_case, PEIL__ENVELOPE__BODY_ACK);
	assert_int_equal(out->ack->batch_seq, 77);
	wire_envelope_free(out);

	/* No body, truncated, garbage. */
	assert_null(wire_decode((const uint8_t *)"\x08\x05", 2, &why));
	assert_string_equal(why, "Envelope without a body");
	assert_null(wire_decode(buf, len - 1, &why));
	assert_string_equal(why, "not a valid Envelope");
	assert_null(wire_decode((const uint8_t *)"\x3a\xff\xff\xff\xff\x0f", 6, &why));
	assert_non_null(why);
	assert_null(wire_decode(buf, 0, &why));
	wire_envelope_free(NULL);
}

/* Decoding into an arena: many messages, one reset, nothing leaked (ASan checks). */
static void
test_decode_arena(void **state)
{
	struct wire_arena *a = wire_arena_new(64u << 20), *small = wire_arena_new(4096);
	Peil__Envelope env = PEIL__ENVELOPE__INIT, *out;
	Peil__TaskList tl = PEIL__TASK_LIST__INIT;
	char *targets[1000];
	char names[1000][32];
	uint8_t *buf;
	size_t len;
	const char *why;

	(void)state;
	assert_non_null(a);
	for (int i = 0; i < 1000; i++) {
		snprintf(names[i], sizeof(names[i]), "d%d.example.nl", i);
		targets[i] = names[i];
	}
	tl.round_id = 4;
	tl.n_targets = 1000;
	tl.targets = targets;
	env.body_case = PEIL__ENVELOPE__BODY_TASK_LIST;
	env.task_list = &tl;
	len = peil__envelope__get_packed_size(&env);
	buf = malloc(len);
	peil__envelope__pack(&env, buf);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 300; i++) {   /* well past one 4 MiB chunk */
			out = wire_decode_arena(buf, len, a, &why);
			assert_non_null(out);
			assert_int_equal(out->task_list->n_targets, 1000);
			assert_string_equal(out->task_list->targets[999], "d999.example.nl");
		}
		assert_true(wire_arena_used(a) > 4u << 20);
		wire_arena_reset(a);
		assert_int_equal(wire_arena_used(a), 0);
	}
	assert_null(wire_decode_arena(buf, len - 3, a, &why));
	assert_string_equal(why, "not a valid Envelope");
	/* Past its limit an arena refuses, and the reason says so. */
	assert_null(wire_decode_arena(buf, len, small, &why));
	assert_string_equal(why, "decoding needs more memory than a message may use");
	wire_arena_reset(small);
	wire_arena_free(small);
	free(buf);
	wire_arena_free(a);
	wire_arena_free(NULL);
}

/* A ROUTER and a DEALER over loopback TCP with CURVE: messages cross both ways, the router
 * sees one payload frame per message. */
static void
test_curve_roundtrip(void **state)
{
	void *ctx = zmq_ctx_new(), *r, *d;
	struct keypair server, client;
	struct wire_limits wl;
	struct wire_in in;
	Peil__Envelope env = PEIL__ENVELOPE__INIT, *got;
	Peil__TaskRequest tr = PEIL__TASK_REQUEST__INIT;
	Peil__Ack ack = PEIL__ACK__INIT;
	char err[256], ep[64];
	size_t eplen = sizeof(ep);
	uint8_t *data;
	size_t len;
	const char *why;
	zmq_pollitem_t pi;

	(void)state;
	assert_int_equal(keys_generate(&server), 0);
	assert_int_equal(keys_generate(&client), 0);
	wire_limits_default(&wl);
	r = wire_router_new(ctx, "tcp://127.0.0.1:*", &server, &wl, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(zmq_getsockopt(r, ZMQ_LAST_ENDPOINT, ep, &eplen), 0);
	d = wire_dealer_new(ctx, ep, &client, server.public_z85, NULL, &wl, err, sizeof(err));
	assert_non_null(d);

	tr.done_round_id = 3;
	env.seq = 1;
	env.body_case = PEIL__ENVELOPE__BODY_TASK_REQUEST;
	env.task_request = &tr;
	/* ZMQ_IMMEDIATE: the first sends may find no connection yet. */
	for (int i = 0; i < 500 && wire_send(d, NULL, 0, &env, ZMQ_DONTWAIT) == PEIL_EAGAIN; i++)
		zmq_poll(NULL, 0, 10);
	pi = (zmq_pollitem_t){ r, 0, ZMQ_POLLIN, 0 };
	assert_int_equal(zmq_poll(&pi, 1, 5000), 1);
	assert_int_equal(wire_recv_router(r, &in, true), 0);
	assert_false(in.extra_frames);
	got = wire_decode(in.data, in.len, &why);
	assert_non_null(got);
	assert_int_equal(got->task_request->done_round_id, 3);
	wire_envelope_free(got);
	wire_in_release(&in);

	ack.batch_seq = 9;
	env.body_case = PEIL__ENVELOPE__BODY_ACK;
	env.ack = &ack;
	assert_int_equal(wire_send(r, in.route, in.route_len, &env, 0), 0);
	pi = (zmq_pollitem_t){ d, 0, ZMQ_POLLIN, 0 };
	assert_int_equal(zmq_poll(&pi, 1, 5000), 1);
	assert_int_equal(wire_recv(d, &data, &len, true), 0);
	got = wire_decode(data, len, &why);
	assert_non_null(got);
	assert_int_equal(got->ack->batch_seq, 9);
	wire_envelope_free(got);
	free(data);

	/* A two-frame message reaches the router flagged, not as two messages. */
	assert_true(zmq_send(d, "a", 1, ZMQ_SNDMORE) == 1);
	assert_true(zmq_send(d, "b", 1, 0) == 1);
	pi = (zmq_pollitem_t){ r, 0, ZMQ_POLLIN, 0 };
	assert_int_equal(zmq_poll(&pi, 1, 5000), 1);
	assert_int_equal(wire_recv_router(r, &in, true), 0);
	assert_true(in.extra_frames);
	wire_in_release(&in);
	assert_int_equal(wire_recv_router(r, &in, true), PEIL_EAGAIN);

	wire_close(d);
	wire_close(r);
	zmq_ctx_term(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_plaintext_refused_off_loopback),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_arena),
		cmocka_unit_test(test_curve_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
