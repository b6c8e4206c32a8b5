/* rawagent.c: an agent built by hand for tests and benchmarks, speaking the real protocol
 * (CURVE, Envelope) without the agent's spool or scheduler.
 *
 *   rawagent flood ENDPOINT COLLECTOR.pub AGENT.key STOP_FILE MAX_S
 *     Sends Hello (its vantage description changing every time) and TaskRequest in a loop,
 *     taking the replies, until STOP_FILE exists or MAX_S seconds passed. Prints the counts.
 *   rawagent send ENDPOINT COLLECTOR.pub AGENT.key BATCH...
 *     Hello, then a TaskRequest: the round handed out is "R" below. Then one ResultBatch per
 *     BATCH (numbered on from what the Welcome says the collector holds), each waited for.
 *     A BATCH is ITEM[,ITEM...], an ITEM ROUND:DOMAIN:N: N results of DOMAIN (test ids
 *     web_a0, web_a1, ...); ROUND a number, or R, R-1, R+1 relative to the round handed out;
 *     DOMAIN "T" is the round's first target. An ITEM ROUND:DOMAIN:TEST=STATUS is one result
 *     of TEST with STATUS (passed, failed, ...); DOMAIN "-" is the empty domain of a vantage
 *     self-test. Prints "batch SEQ: ack refused=K" or "batch SEQ: error CODE MESSAGE" per
 *     batch. With RAWAGENT_IPV6=1 in the environment its Hello says the vantage has IPv6;
 *     with RAWAGENT_EVIDENCE=TEXT every result carries the evidence pair reason=TEXT (its key
 *     RAWAGENT_EVIDENCE_KEY when set). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <zmq.h>

#include "clock.h"
#include "keys.h"
#include "limits.h"
#include "result.h"
#include "wire.h"

#define RAW_WAIT_MS     10000   /* one reply, at most */
#define RAW_MAX_RESULTS MAX_BATCH_RESULTS

static void *
raw_connect(void *ctx, const char *endpoint, const char *server_pub, const char *key_file)
{
	static struct keypair kp;
	static char server[KEY_Z85_LEN + 1];
	struct wire_limits wl;
	char err[512];
	void *s;

	if (keys_read_public(server_pub, server, err, sizeof(err)) != 0 ||
	    keys_read_secret(key_file, &kp, err, sizeof(err)) != 0) {
		fprintf(stderr, "rawagent: %s\n", err);
		return NULL;
	}
	wire_limits_default(&wl);
	if ((s = wire_dealer_new(ctx, endpoint, &kp, server, NULL, &wl, err, sizeof(err))) == NULL)
		fprintf(stderr, "rawagent: %s\n", err);
	return s;
}

/* Waits for the reply whose envelope seq is `seq` (others are dropped); NULL on time-out. */
static Peil__Envelope *
raw_reply(void *s, uint64_t seq, int64_t wait_ms)
{
	int64_t end = clock_mono_ms() + wait_ms;

	while (clock_mono_ms() < end) {
		zmq_pollitem_t pi = { s, 0, ZMQ_POLLIN, 0 };
		uint8_t *data = NULL;
		size_t len = 0;
		const char *why;
		Peil__Envelope *env;

		if (zmq_poll(&pi, 1, 100) <= 0)
			continue;
		if (wire_recv(s, &data, &len, true) != 0)
			continue;
		env = wire_decode(data, len, &why);
		free(data);
		if (env != NULL && env->seq == seq)
			return env;
		wire_envelope_free(env);
	}
	return NULL;
}

/* Says Hello; when `last` is not NULL, waits for the Welcome and sets *last to the highest
 * batch the collector holds from us. */
static int
raw_hello(void *s, uint64_t seq, const char *desc, uint64_t *last)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT, *r;
	Peil__Hello h = PEIL__HELLO__INIT;
	Peil__Vantage v = PEIL__VANTAGE__INIT;

	v.ipv4 = true;
	v.ipv6 = getenv("RAWAGENT_IPV6") != NULL && strcmp(getenv("RAWAGENT_IPV6"), "1") == 0;
	v.description = (char *)desc;
	h.version = WIRE_PROTOCOL_VERSION;
	h.software = "rawagent";
	h.vantage = &v;
	h.instance = 0x5eed;
	h.first_unacked_batch = 1;
	env.seq = seq;
	env.body_case = PEIL__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	if (wire_send(s, NULL, 0, &env, 0) != 0)
		return -1;
	if (last == NULL)
		return 0;
	if ((r = raw_reply(s, seq, RAW_WAIT_MS)) == NULL ||
	    r->body_case != PEIL__ENVELOPE__BODY_WELCOME) {
		fprintf(stderr, "rawagent: no Welcome\n");
		wire_envelope_free(r);
		return -1;
	}
	*last = r->welcome->last_batch_seq;
	wire_envelope_free(r);
	return 0;
}

static int
raw_flood(void *s, const char *stop_file, int64_t max_s)
{
	int64_t end = clock_mono_ms() + max_s * 1000;
	uint64_t seq = 1, hellos = 0, requests = 0, replies = 0;
	struct stat sb;

	while (clock_mono_ms() < end && stat(stop_file, &sb) != 0) {
		Peil__Envelope env = PEIL__ENVELOPE__INIT;
		Peil__TaskRequest tr = PEIL__TASK_REQUEST__INIT;
		char desc[64];
		uint8_t *data;
		size_t len;

		/* A vantage that changes every time: each Hello changes the agent's record. */
		snprintf(desc, sizeof(desc), "flood %llu", (unsigned long long)seq);
		if (raw_hello(s, seq++, desc, NULL) == 0)
			hellos++;
		env.seq = seq++;
		env.body_case = PEIL__ENVELOPE__BODY_TASK_REQUEST;
		env.task_request = &tr;
		if (wire_send(s, NULL, 0, &env, 0) == 0)
			requests++;
		/* Take what came back, without waiting: the flood does not wait for answers, but
		 * keeps its own queue short (at most a few hundred messages ahead). */
		for (;;) {
			zmq_pollitem_t pi = { s, 0, ZMQ_POLLIN, 0 };
			bool behind = hellos + requests - replies > 400;

			if (zmq_poll(&pi, 1, behind ? 100 : 0) <= 0)
				break;
			if (wire_recv(s, &data, &len, true) != 0)
				break;
			free(data);
			replies++;
		}
	}
	printf("rawagent flood: sent %llu Hellos and %llu TaskRequests, %llu replies\n",
	    (unsigned long long)hellos, (unsigned long long)requests, (unsigned long long)replies);
	return 0;
}

/* Parses "R", "R-1", "R+1" or a number. */
static uint64_t
raw_round(const char *spec, uint64_t given)
{
	if (spec[0] == 'R')
		return given + (uint64_t)strtoll(spec + 1, NULL, 10);
	return strtoull(spec, NULL, 10);
}

static int
raw_send(void *s, int nb, char **batches)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT, *r;
	Peil__TaskRequest tr = PEIL__TASK_REQUEST__INIT;
	uint64_t given = 0, seq = 10, last = 0;
	char first[MAX_DOMAIN_LEN + 1] = "";
	static Peil__Result res[RAW_MAX_RESULTS];
	static Peil__Result *resp[RAW_MAX_RESULTS];
	static char domains[RAW_MAX_RESULTS][MAX_DOMAIN_LEN + 1];
	static char tests[RAW_MAX_RESULTS][MAX_TEST_ID_LEN + 1];
	int rc = 0;

	if (raw_hello(s, 1, "rawagent", &last) != 0)
		return 1;
	env.seq = 2;
	env.body_case = PEIL__ENVELOPE__BODY_TASK_REQUEST;
	env.task_request = &tr;
	if (wire_send(s, NULL, 0, &env, 0) != 0 || (r = raw_reply(s, 2, RAW_WAIT_MS)) == NULL ||
	    r->body_case != PEIL__ENVELOPE__BODY_TASK_LIST) {
		fprintf(stderr, "rawagent: no TaskList\n");
		return 1;
	}
	given = r->task_list->round_id;
	if (r->task_list->n_targets > 0)
		snprintf(first, sizeof(first), "%s", r->task_list->targets[0]);
	printf("rawagent: round %llu handed out, %u targets\n", (unsigned long long)given,
	    r->task_list->total);
	wire_envelope_free(r);
	for (int b = 0; b < nb; b++) {
		Peil__ResultBatch rb = PEIL__RESULT_BATCH__INIT;
		Peil__Envelope be = PEIL__ENVELOPE__INIT;
		char *spec = strdup(batches[b]), *save = NULL, *item;
		size_t n = 0;

		if (spec == NULL)
			return 1;
		for (item = strtok_r(spec, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
			char *c1 = strchr(item, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *eq;
			unsigned long cnt;
			int status;

			if (c2 == NULL) {
				fprintf(stderr, "rawagent: bad item '%s'\n", item);
				free(spec);
				return 2;
			}
			*c1 = *c2 = '\0';
			eq = strchr(c2 + 1, '=');
			status = PEIL__STATUS__PASSED;
			if (eq != NULL) {
				*eq = '\0';
				if (status_parse(eq + 1, &status) != 0) {
					fprintf(stderr, "rawagent: bad status '%s'\n", eq + 1);
					free(spec);
					return 2;
				}
			}
			cnt = eq != NULL ? 1 : strtoul(c2 + 1, NULL, 10);
			for (unsigned long k = 0; k < cnt && n < RAW_MAX_RESULTS; k++, n++) {
				peil__result__init(&res[n]);
				res[n].round_id = raw_round(item, given);
				snprintf(domains[n], sizeof(domains[n]), "%s",
				    strcmp(c1 + 1, "T") == 0 ? first : strcmp(c1 + 1, "-") == 0 ? "" :
				    c1 + 1);
				if (eq != NULL)
					snprintf(tests[n], sizeof(tests[n]), "%s", c2 + 1);
				else
					snprintf(tests[n], sizeof(tests[n]), "web_a%lu", k);
				res[n].domain = domains[n];
				res[n].test_id = tests[n];
				res[n].status = (Peil__Status)status;
				res[n].guideline = "raw";
				if (getenv("RAWAGENT_EVIDENCE") != NULL) {
					static Peil__Evidence ev = PEIL__EVIDENCE__INIT;
					static Peil__Evidence *evp[1] = { &ev };

					ev.key = getenv("RAWAGENT_EVIDENCE_KEY") != NULL ?
					    getenv("RAWAGENT_EVIDENCE_KEY") : "reason";
					ev.value = getenv("RAWAGENT_EVIDENCE");
					res[n].n_evidence = 1;
					res[n].evidence = evp;
				}
				res[n].vantage = "";
				res[n].measured_at_ms = (int64_t)time(NULL) * 1000;
				res[n].result_seq = (last + (uint64_t)b) * RAW_MAX_RESULTS + n;
				resp[n] = &res[n];
			}
		}
		free(spec);
		rb.batch_seq = last + (uint64_t)b + 1;
		rb.instance = 0x5eed;
		rb.n_results = n;
		rb.results = resp;
		be.seq = ++seq;
		be.body_case = PEIL__ENVELOPE__BODY_RESULT_BATCH;
		be.result_batch = &rb;
		if (wire_send(s, NULL, 0, &be, 0) != 0 || (r = raw_reply(s, seq, RAW_WAIT_MS)) == NULL) {
			printf("batch %llu: no reply\n", (unsigned long long)rb.batch_seq);
			rc = 1;
			continue;
		}
		if (r->body_case == PEIL__ENVELOPE__BODY_ACK)
			printf("batch %llu: ack refused=%u\n", (unsigned long long)r->ack->batch_seq,
			    r->ack->refused);
		else if (r->body_case == PEIL__ENVELOPE__BODY_ERROR)
			printf("batch %llu: error %d %s\n", (unsigned long long)rb.batch_seq,
			    (int)r->error->code,
			    r->error->message);
		else
			printf("batch %llu: reply %d\n", (unsigned long long)rb.batch_seq,
			    (int)r->body_case);
		wire_envelope_free(r);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	void *ctx, *s;
	int linger = 1000, rc;

	if (argc < 5 || (strcmp(argv[1], "flood") == 0 && argc != 7) ||
	    (strcmp(argv[1], "flood") != 0 && strcmp(argv[1], "send") != 0)) {
		fprintf(stderr, "usage: rawagent flood ENDPOINT COLLECTOR.pub AGENT.key STOP_FILE MAX_S\n"
		    "       rawagent send ENDPOINT COLLECTOR.pub AGENT.key BATCH...\n");
		return 2;
	}
	ctx = zmq_ctx_new();
	if ((s = raw_connect(ctx, argv[2], argv[3], argv[4])) == NULL)
		return 1;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	if (strcmp(argv[1], "flood") == 0)
		rc = raw_flood(s, argv[5], strtoll(argv[6], NULL, 10));
	else
		rc = raw_send(s, argc - 5, argv + 5);
	wire_close(s);
	zmq_ctx_term(ctx);
	return rc;
}
