/* tasks.c: rounds. A round is a snapshot of the target list taken when it opens; agents page
 * through it, probe every target once, and say so in their next TaskRequest. The round ends
 * when every agent that took it has finished, or when the next round opens. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "limits.h"
#include "log.h"
#include "tasks.h"
#include "verdict.h"

struct tasks {
	struct store *s;
	uint64_t interval_s;
	uint64_t round_id;      /* 0: none open */
	int64_t round_started;
	bool round_ended;
	char **domains;
	size_t ndomains;
	/* Agents that took the current round, and which of them finished it. */
	char **takers;
	bool *finished;
	size_t ntakers;
	int64_t last_no_targets_log;
	char *tests_buf;        /* the test ids, NUL-separated, pointed to by tests[] */
	char *tests[MAX_TASK_TESTS];
	size_t ntests;
};

/* Splits the configured test list; every id must be in the catalogue. */
static int
tasks_parse_tests(struct tasks *t, const char *spec, char *err, size_t errlen)
{
	char *save = NULL, *tok;

	if (spec == NULL || *spec == '\0')
		return 0;
	if ((t->tests_buf = strdup(spec)) == NULL) {
		err_set(err, errlen, "out of memory");
		return PEIL_ENOMEM;
	}
	for (tok = strtok_r(t->tests_buf, " ,\t", &save); tok != NULL;
	    tok = strtok_r(NULL, " ,\t", &save)) {
		if (catalogue_find(tok) == NULL) {
			err_set(err, errlen, "collector.tests: no test '%s' in the catalogue", tok);
			return PEIL_ECONF;
		}
		if (t->ntests == MAX_TASK_TESTS) {
			err_set(err, errlen, "collector.tests: more than %d tests", MAX_TASK_TESTS);
			return PEIL_ECONF;
		}
		t->tests[t->ntests++] = tok;
	}
	return 0;
}

int
tasks_check_tests(const char *tests, char *err, size_t errlen)
{
	struct tasks t;
	int rc;

	memset(&t, 0, sizeof(t));
	rc = tasks_parse_tests(&t, tests, err, errlen);
	free(t.tests_buf);
	return rc;
}

struct tasks *
tasks_new(struct store *s, uint64_t interval_s, const char *tests, char *err, size_t errlen)
{
	struct tasks *t;
	struct store_round r;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if (tasks_parse_tests(t, tests, err, errlen) != 0) {
		tasks_free(t);
		return NULL;
	}
	t->s = s;
	t->interval_s = interval_s ? interval_s : DEFAULT_ROUND_INTERVAL_S;
	/* Resume an open round after a restart, with the targets as they are now. */
	if (store_round_latest(s, &r) == 0) {
		t->round_id = r.id;
		t->round_started = r.started;
		t->round_ended = r.ended != 0;
		if (store_targets_domains(s, &t->domains, &t->ndomains) != 0) {
			t->domains = NULL;
			t->ndomains = 0;
		}
	}
	return t;
}

static void
tasks_clear_takers(struct tasks *t)
{
	for (size_t i = 0; i < t->ntakers; i++)
		free(t->takers[i]);
	free(t->takers);
	free(t->finished);
	t->takers = NULL;
	t->finished = NULL;
	t->ntakers = 0;
}

void
tasks_free(struct tasks *t)
{
	if (t == NULL)
		return;
	store_strv_free(t->domains, t->ndomains);
	tasks_clear_takers(t);
	free(t->tests_buf);
	free(t);
}

static int
tasks_begin(struct tasks *t, int64_t now)
{
	char **domains = NULL;
	size_t n = 0;
	uint64_t id;
	int rc;

	if ((rc = store_targets_domains(t->s, &domains, &n)) != 0)
		return rc;
	if (n == 0) {
		store_strv_free(domains, n);
		if (now - t->last_no_targets_log >= 3600) {
			log_warn("no targets: no round opened (peil-collector targets import FILE)");
			t->last_no_targets_log = now;
		}
		return 0;
	}
	if (n > MAX_TARGETS_PER_ROUND) {
		log_err("%zu targets, more than a round takes (%d): the round is not opened", n,
		    MAX_TARGETS_PER_ROUND);
		store_strv_free(domains, n);
		return PEIL_ETOOBIG;
	}
	if ((rc = store_round_begin(t->s, now, (uint32_t)n, &id)) != 0) {
		store_strv_free(domains, n);
		return rc;
	}
	store_strv_free(t->domains, t->ndomains);
	tasks_clear_takers(t);
	t->domains = domains;
	t->ndomains = n;
	t->round_id = id;
	t->round_started = now;
	t->round_ended = false;
	log_info("round %llu opened with %zu targets", (unsigned long long)id, n);
	return 0;
}

int64_t
tasks_tick(struct tasks *t, int64_t now)
{
	struct store_round r;
	int64_t due;

	/* A round opened from the command line (peil-collector rounds --open) is taken up. */
	if (store_round_latest(t->s, &r) == 0 && r.id > t->round_id) {
		char **domains = NULL;
		size_t n = 0;

		if (store_targets_domains(t->s, &domains, &n) == 0) {
			store_strv_free(t->domains, t->ndomains);
			tasks_clear_takers(t);
			t->domains = domains;
			t->ndomains = n;
			t->round_id = r.id;
			t->round_started = r.started;
			t->round_ended = r.ended != 0;
			log_info("round %llu opened from the command line with %zu targets",
			    (unsigned long long)r.id, n);
		}
	}
	if (t->round_id == 0 || now >= t->round_started + (int64_t)t->interval_s) {
		(void)tasks_begin(t, now);
		if (t->round_id == 0)
			return 60 * 1000;
	}
	due = t->round_started + (int64_t)t->interval_s - now;
	return due > 0 ? due * 1000 : 1000;
}

/* Finds or adds `agent` among the takers; returns its index or -1. */
static ssize_t
tasks_taker(struct tasks *t, const char *agent, bool add)
{
	char **tk;
	bool *fin;

	for (size_t i = 0; i < t->ntakers; i++)
		if (strcmp(t->takers[i], agent) == 0)
			return (ssize_t)i;
	if (!add)
		return -1;
	if ((tk = realloc(t->takers, (t->ntakers + 1) * sizeof(*tk))) == NULL)
		return -1;
	t->takers = tk;
	if ((fin = realloc(t->finished, (t->ntakers + 1) * sizeof(*fin))) == NULL)
		return -1;
	t->finished = fin;
	if ((t->takers[t->ntakers] = strdup(agent)) == NULL)
		return -1;
	t->finished[t->ntakers] = false;
	return (ssize_t)t->ntakers++;
}

static void
tasks_finished(struct tasks *t, const char *agent, int64_t now)
{
	ssize_t i = tasks_taker(t, agent, true);
	size_t done = 0;

	if (i < 0)
		return;
	t->finished[i] = true;
	for (size_t j = 0; j < t->ntakers; j++)
		done += t->finished[j];
	if (done == t->ntakers && !t->round_ended) {
		if (store_round_end(t->s, t->round_id, now) == 0) {
			t->round_ended = true;
			log_info("round %llu ended: every agent that took it (%zu) finished",
			    (unsigned long long)t->round_id, t->ntakers);
		}
	}
}

int
tasks_answer(struct tasks *t, const char *agent, const Peil__TaskRequest *req,
    Peil__TaskList *out, int64_t now)
{
	int64_t next;
	size_t off, n;

	if (req->done_round_id != 0) {
		(void)store_agent_round_done(t->s, agent, req->done_round_id, now);
		if (req->done_round_id == t->round_id)
			tasks_finished(t, agent, now);
	}
	out->round_started = t->round_started;
	if (t->round_id == 0 || req->done_round_id >= t->round_id) {
		next = t->round_id == 0 ? DEFAULT_RETRY_AFTER_S :
		    t->round_started + (int64_t)t->interval_s - now;
		if (next < 1)
			next = 1;
		if (next > DEFAULT_RETRY_AFTER_S)
			next = DEFAULT_RETRY_AFTER_S;
		out->round_id = 0;
		out->retry_after_s = (uint32_t)next;
		return 0;
	}
	/* A page of the current round; a request for an older round's page starts over. */
	off = req->round_id == t->round_id ? req->offset : 0;
	if (off > t->ndomains)
		off = t->ndomains;
	n = t->ndomains - off;
	if (n > MAX_TASK_PAGE)
		n = MAX_TASK_PAGE;
	if (off == 0)
		(void)tasks_taker(t, agent, true);
	out->round_id = t->round_id;
	out->offset = (uint32_t)off;
	out->total = (uint32_t)t->ndomains;
	out->n_targets = n;
	out->targets = t->domains + off;
	out->n_tests = t->ntests;
	out->tests = t->tests;
	out->retry_after_s = DEFAULT_RETRY_AFTER_S;
	return 0;
}
