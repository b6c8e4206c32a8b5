/* rawclient.c: a hostile agent for tests. Connects with CURVE like an agent, then sends every
 * file of a folder as one message, a two-frame message and a message over the size limit.
 * "rawclient flood ..." instead floods: several connections under one key send, as fast as
 * the collector takes them and never reading a reply, ResultBatches of the largest size the
 * collector allows that decode to the most memory (results of 256 one-letter evidence pairs),
 * with a TaskRequest now and then (whose TaskList the collector must queue). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "keys.h"
#include "limits.h"
#include "peil.pb-c.h"

#define FLOOD_MAX_CONNS 64
#define CURVE_OVERHEAD  33    /* CURVE's MESSAGE command around a message (libzmq 4.3) */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An Envelope holding a ResultBatch of valid results, as large as fits `size` bytes. */
static uint8_t *
flood_batch(size_t size, size_t *len)
{
	static Peil__Evidence ev = PEIL__EVIDENCE__INIT;
	Peil__Evidence *evp[MAX_EVIDENCE_PAIRS];
	Peil__Result res = PEIL__RESULT__INIT, **rp = NULL;
	Peil__ResultBatch rb = PEIL__RESULT_BATCH__INIT;
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	uint8_t *buf = NULL;
	size_t one, n;

	ev.key = (char *)"k";
	ev.value = (char *)"v";
	for (size_t i = 0; i < MAX_EVIDENCE_PAIRS; i++)
		evp[i] = &ev;
	res.domain = (char *)"flood.example";
	res.test_id = (char *)"web_caa";
	res.guideline = (char *)"x";
	res.status = PEIL__STATUS__PASSED;
	res.measured_at_ms = 1700000000000;
	res.n_evidence = MAX_EVIDENCE_PAIRS;
	res.evidence = evp;
	one = peil__result__get_packed_size(&res) + 4;
	n = size / one;
	if (n > MAX_BATCH_RESULTS)
		n = MAX_BATCH_RESULTS;
	if ((rp = calloc(n + 1, sizeof(*rp))) == NULL)
		return NULL;
	rb.batch_seq = 1;
	rb.results = rp;
	env.seq = 1;
	env.body_case = PEIL__ENVELOPE__BODY_RESULT_BATCH;
	env.result_batch = &rb;
	*len = peil__envelope__get_packed_size(&env);
	for (rb.n_results = n; rb.n_results > 0; rb.n_results--) {
		for (size_t i = 0; i < rb.n_results; i++)
			rp[i] = &res;
		if ((*len = peil__envelope__get_packed_size(&env)) <= size)
			break;
	}
	if ((buf = malloc(*len)) != NULL)
		peil__envelope__pack(&env, buf);
	free(rp);
	return buf;
}

/* rawclient flood ENDPOINT COLLECTOR.pub AGENT.key SECONDS CONNS MAXMSG */
static int
flood(int argc, char **argv)
{
	struct keypair kp;
	char server[KEY_Z85_LEN + 1], err[512];
	void *ctx, *s[FLOOD_MAX_CONNS];
	uint8_t *batch, task[8];
	size_t len = 0, sent = 0, conns, maxmsg, tlen;
	double secs, end;
	int hwm = 100000, linger = 0, ivl = 100;
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__TaskRequest tr = PEIL__TASK_REQUEST__INIT;

	if (argc != 8) {
		fprintf(stderr, "usage: rawclient flood ENDPOINT COLLECTOR.pub AGENT.key SECONDS "
		    "CONNS MAXMSG\n");
		return 2;
	}
	if (keys_read_public(argv[3], server, err, sizeof(err)) != 0 ||
	    keys_read_secret(argv[4], &kp, err, sizeof(err)) != 0) {
		fprintf(stderr, "rawclient: %s\n", err);
		return 1;
	}
	secs = strtod(argv[5], NULL);
	conns = (size_t)strtoul(argv[6], NULL, 10);
	maxmsg = (size_t)strtoull(argv[7], NULL, 10);
	if (conns < 1 || conns > FLOOD_MAX_CONNS || maxmsg <= CURVE_OVERHEAD || secs <= 0) {
		fprintf(stderr, "rawclient: bad flood arguments\n");
		return 2;
	}
	/* The largest message the collector takes: its limit counts CURVE's framing. */
	if ((batch = flood_batch(maxmsg - CURVE_OVERHEAD, &len)) == NULL) {
		fprintf(stderr, "rawclient: out of memory\n");
		return 1;
	}
	env.body_case = PEIL__ENVELOPE__BODY_TASK_REQUEST;
	env.task_request = &tr;
	tr.round_id = 1;
	tlen = peil__envelope__pack(&env, task);
	ctx = zmq_ctx_new();
	for (size_t i = 0; i < conns; i++) {
		s[i] = zmq_socket(ctx, ZMQ_DEALER);
		zmq_setsockopt(s[i], ZMQ_CURVE_SERVERKEY, server, KEY_Z85_LEN + 1);
		zmq_setsockopt(s[i], ZMQ_CURVE_PUBLICKEY, kp.public_z85, KEY_Z85_LEN + 1);
		zmq_setsockopt(s[i], ZMQ_CURVE_SECRETKEY, kp.secret_z85, KEY_Z85_LEN + 1);
		zmq_setsockopt(s[i], ZMQ_SNDHWM, &hwm, sizeof(hwm));
		zmq_setsockopt(s[i], ZMQ_LINGER, &linger, sizeof(linger));
		zmq_setsockopt(s[i], ZMQ_RECONNECT_IVL, &ivl, sizeof(ivl));
		if (zmq_connect(s[i], argv[2]) != 0) {
			fprintf(stderr, "rawclient: connect: %s\n", zmq_strerror(zmq_errno()));
			return 1;
		}
	}
	/* Bounded in time; between rounds a short pause, so that a collector's socket that
	 * takes nothing does not spin this loop. */
	end = now_s() + secs;
	while (now_s() < end) {
		size_t before = sent;

		for (size_t i = 0; i < conns; i++) {
			zmq_msg_t m;

			if (sent % 16 == 15 && zmq_send(s[i], task, tlen, ZMQ_DONTWAIT) == (int)tlen) {
				sent++;
				continue;
			}
			/* Zero copy: every message shares the one buffer. */
			zmq_msg_init_data(&m, batch, len, NULL, NULL);
			if (zmq_msg_send(&m, s[i], ZMQ_DONTWAIT) < 0)
				zmq_msg_close(&m);
			else
				sent++;
		}
		if (sent == before)
			zmq_poll(NULL, 0, 5);
	}
	for (size_t i = 0; i < conns; i++)
		zmq_close(s[i]);
	zmq_ctx_term(ctx);
	free(batch);
	printf("rawclient: queued %zu messages of %zu bytes over %zu connections\n", sent, len,
	    conns);
	return 0;
}

int
main(int argc, char **argv)
{
	struct keypair kp;
	char server[KEY_Z85_LEN + 1], err[512];
	void *ctx, *s;
	DIR *d;
	struct dirent *de;
	size_t big = 0, sent = 0;
	int linger = 2000;

	if (argc > 1 && strcmp(argv[1], "flood") == 0)
		return flood(argc, argv);
	if (argc != 6) {
		fprintf(stderr, "usage: rawclient ENDPOINT COLLECTOR.pub AGENT.key SEED_DIR OVERSIZE\n");
		return 2;
	}
	if (keys_read_public(argv[2], server, err, sizeof(err)) != 0 ||
	    keys_read_secret(argv[3], &kp, err, sizeof(err)) != 0) {
		fprintf(stderr, "rawclient: %s\n", err);
		return 1;
	}
	big = (size_t)strtoull(argv[5], NULL, 10);
	ctx = zmq_ctx_new();
	s = zmq_socket(ctx, ZMQ_DEALER);
	zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server, KEY_Z85_LEN + 1);
	zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, kp.public_z85, KEY_Z85_LEN + 1);
	zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, kp.secret_z85, KEY_Z85_LEN + 1);
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	if (zmq_connect(s, argv[1]) != 0) {
		fprintf(stderr, "rawclient: connect: %s\n", zmq_strerror(zmq_errno()));
		return 1;
	}
	if ((d = opendir(argv[4])) == NULL) {
		perror(argv[4]);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096], buf[65536];
		FILE *f;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[4], de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		zmq_send(s, buf, n, 0);
		sent++;
	}
	closedir(d);
	/* Give the collector time to read (and refuse) them: an oversize message closes the
	 * connection, and what is still queued on a closed connection is dropped unread. */
	zmq_poll(NULL, 0, 1000);
	zmq_send(s, "\x08\x01", 2, ZMQ_SNDMORE);
	zmq_send(s, "\x3a\x00", 2, 0);
	sent++;
	if (big > 0) {
		char *huge = calloc(1, big);

		if (huge != NULL) {
			zmq_send(s, huge, big, 0);
			sent++;
			free(huge);
		}
	}
	zmq_poll(NULL, 0, 500);
	zmq_close(s);
	zmq_ctx_term(ctx);
	printf("rawclient: sent %zu hostile messages\n", sent);
	return 0;
}
