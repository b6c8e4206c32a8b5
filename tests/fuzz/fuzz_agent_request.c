/* fuzz_agent_request.c: what the collector does with an authenticated agent's Hello and
 * TaskRequest (and the ResultBatches between them that move its batch sequence): the arena
 * decode of collector/server.c, then store_agent_hello / store_agent_get (server_hello) and
 * tasks_answer (server_task_request) on a fresh store, and the replies packed.
 *
 * Input: up to MAX_MSGS frames of [h][len:2, big-endian][len bytes of Envelope]. h's low 7
 * bits advance the clock by 10 s steps (so the takeover and seen-write periods are reached),
 * its high bit picks the second of two agent names. Each input starts from an empty store
 * with one open round of five targets, so a finding replays from its file alone.
 *
 * Checks beyond the sanitizers: a Hello never moves an agent's last batch back (the agent
 * would then have acknowledged batches stored twice), the stored description is bounded and
 * printable, and a task page lies inside its round. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalogue.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "result.h"
#include "store.h"
#include "tasks.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MSGS 8
#define T0 1764400000

static char dir[128], csv[160];
static struct wire_arena *arena;

static void
cleanup(void)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", dir);
	unlink(p);
}

static void
remove_all(void)
{
	cleanup();
	unlink(csv);
	rmdir(dir);
}

static void
setup_once(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	static const char targets[] =
	    "organisation,domain,publish\n"
	    "Org A,a.test,yes\nOrg A,b.test,yes\nOrg B,c.test,no\nOrg B,d.test,no\n"
	    "Org C,e.test,yes\n";
	FILE *f;

	log_init("fuzz_agent_request", LOG_ERR);
	snprintf(dir, sizeof(dir), "%s/fuzz_agent_request.%ld", base, (long)getpid());
	snprintf(csv, sizeof(csv), "%s.csv", dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		abort();
	if ((f = fopen(csv, "w")) == NULL || fputs(targets, f) < 0 || fclose(f) != 0)
		abort();
	if ((arena = wire_arena_new((size_t)TURN_ARENA_FACTOR *
	    (MAX_TURN_RECEIVED_BYTES + COLLECTOR_MAX_MESSAGE_BYTES))) == NULL)
		abort();
	atexit(remove_all);
}

/* The stored description: at most MAX_DESCRIPTION_LEN bytes, no control characters. */
static void
check_description(const char *d)
{
	size_t n = strlen(d);

	if (n > MAX_DESCRIPTION_LEN)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
			abort();
}

static uint64_t
last_batch(struct store *s, const char *agent)
{
	struct store_agent a;

	return store_agent_get(s, agent, &a) == 0 ? a.last_batch_seq : 0;
}

/* server_hello without the socket. */
static void
on_hello(struct store *s, const char *agent, const Peil__Envelope *req, int64_t now)
{
	const Peil__Hello *h = req->hello;
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__Welcome w = PEIL__WELCOME__INIT;
	struct store_agent a;
	uint64_t before, after;
	uint8_t *out;
	int rc;

	if (h->version != WIRE_PROTOCOL_VERSION)
		return;
	before = last_batch(s, agent);
	rc = store_agent_hello(s, agent, h->vantage, h->instance, h->first_unacked_batch, now);
	if (rc != 0 && rc != PEIL_EEXIST)
		abort();   /* a store that works takes every hello */
	after = last_batch(s, agent);
	if (after < before)
		abort();   /* the sequence went back */
	if (rc == 0 && h->first_unacked_batch > 0 && after < h->first_unacked_batch - 1)
		abort();   /* the batches below first_unacked count as stored */
	if (store_agent_get(s, agent, &a) != 0)
		abort();
	check_description(a.description);
	w.version = WIRE_PROTOCOL_VERSION;
	w.agent = (char *)agent;
	w.last_batch_seq = a.last_batch_seq;
	w.max_batch = MAX_BATCH_RESULTS;
	w.max_message_bytes = COLLECTOR_MAX_MESSAGE_BYTES;
	env.seq = req->seq;
	env.body_case = PEIL__ENVELOPE__BODY_WELCOME;
	env.welcome = &w;
	if ((out = malloc(peil__envelope__get_packed_size(&env))) == NULL)
		abort();
	peil__envelope__pack(&env, out);
	free(out);
}

/* server_task_request without the socket. */
static void
on_task_request(struct store *s, struct tasks *t, const char *agent, const Peil__Envelope *req,
    int64_t now)
{
	Peil__Envelope env = PEIL__ENVELOPE__INIT;
	Peil__TaskList tl = PEIL__TASK_LIST__INIT;
	struct tasks_note note;
	struct store_touch tc;
	uint8_t *out;

	if (tasks_answer(t, agent, req->task_request, &tl, &note, now) != 0)
		return;
	/* What the turn's transaction records before the list is sent. */
	memset(&tc, 0, sizeof(tc));
	tc.agent = agent;
	tc.round_done = note.done;
	tc.round_given = note.given;
	if (store_turn(s, &tc, 1, NULL, 0, now) != 0)
		abort();   /* a store that works records every answer */
	if (tl.round_id == 0 && (tl.n_targets != 0 || tl.retry_after_s < 1))
		abort();
	if (tl.n_targets > MAX_TASK_PAGE || tl.offset > tl.total ||
	    tl.n_targets > tl.total - tl.offset)
		abort();
	for (size_t i = 0; i < tl.n_targets; i++)
		if (tl.targets[i] == NULL || strlen(tl.targets[i]) == 0)
			abort();
	env.seq = req->seq;
	env.body_case = PEIL__ENVELOPE__BODY_TASK_LIST;
	env.task_list = &tl;
	if ((out = malloc(peil__envelope__get_packed_size(&env))) == NULL)
		abort();
	peil__envelope__pack(&env, out);
	free(out);
}

/* turn_decode and the ingest of turn_commit, for one batch: moves the agent's sequence. */
static void
on_batch(struct store *s, const char *agent, Peil__ResultBatch *rb, int64_t now)
{
	struct store_batch b;
	Peil__Result **kept;
	size_t n = 0;

	if (rb->n_results > MAX_BATCH_RESULTS)
		return;
	if ((kept = calloc(rb->n_results + 1, sizeof(*kept))) == NULL)
		abort();
	for (size_t i = 0; i < rb->n_results; i++) {
		if (result_check(rb->results[i]) != 0)
			continue;
		rb->results[i]->vantage = (char *)agent;
		kept[n++] = rb->results[i];
	}
	memset(&b, 0, sizeof(b));
	b.agent = agent;
	b.batch_seq = rb->batch_seq;
	b.instance = rb->instance;
	b.results = kept;
	b.n = n;
	if (store_ingest(s, &b, 1, now) != 0)
		abort();
	if (b.outcome == STORE_STORED && last_batch(s, agent) != rb->batch_seq)
		abort();
	free(kept);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const agents[2] = { "agent-a", "plain:agent-b" };
	struct store_opts so = { .map_mb = 1, .nosync = true };
	struct store *s = NULL;
	struct tasks *t = NULL;
	char err[256];
	int64_t now = T0;

	if (arena == NULL)
		setup_once();
	cleanup();
	if (store_open(dir, &so, &s) != 0 ||
	    store_targets_import(s, csv, &(size_t){ 0 }, err, sizeof(err)) != 0 ||
	    (t = tasks_new(s, 86400, NULL, err, sizeof(err))) == NULL)
		abort();
	(void)tasks_tick(t, now);   /* round 1 opens */

	for (int m = 0; m < MAX_MSGS && size >= 3; m++) {
		uint8_t h = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];
		const char *agent = agents[h >> 7], *why;
		Peil__Envelope *env;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		now += 10 * (int64_t)(h & 0x7f);
		env = wire_decode_arena(data, len, arena, &why);
		data += len;
		size -= len;
		if (env == NULL)
			continue;
		switch (env->body_case) {
		case PEIL__ENVELOPE__BODY_HELLO:
			on_hello(s, agent, env, now);
			break;
		case PEIL__ENVELOPE__BODY_TASK_REQUEST:
			on_task_request(s, t, agent, env, now);
			break;
		case PEIL__ENVELOPE__BODY_RESULT_BATCH:
			on_batch(s, agent, env->result_batch, now);
			break;
		default:
			break;
		}
		wire_arena_reset(arena);
	}
	tasks_free(t);
	store_close(s);
	return 0;
}
