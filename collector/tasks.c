/* tasks.c: rounds. A round is a snapshot of the target list taken when it opens; agents page
 * through it, probe every target once, and say so in their next TaskRequest. The round ends
 * when every agent seen within the last interval has finished it, or when the next opens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "tasks.h"

struct tasks {
	struct store *s;
	uint64_t interval_s;
	uint64_t round_id;      /* 0: none open */
	int64_t round_started;
	bool round_ended;
	char **domains;
	size_t ndomains;
	int64_t last_no_targets_log;
	char *tests_buf;        /* the test ids, NUL-separated, pointed to by tests[] */
	char *tests[MAX_TASK_TESTS];
	size_t ntests;
	uint32_t retry_after_s;
	int64_t next_begin_try;     /* after a round could not open */
	bool done_reported;         /* an agent said it finished the current round this turn */
};

void
tasks_set_retry_after(struct tasks *t, uint32_t seconds)
{
	t->retry_after_s = seconds > 0 ? seconds : 1;
}

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
tasks_check_tests(const char *tests, size_t *n, char *err, size_t errlen)
{
	struct tasks t;
	int rc;

	memset(&t, 0, sizeof(t));
	rc = tasks_parse_tests(&t, tests, err, errlen);
	if (n != NULL)
		*n = t.ntests;
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
	t->retry_after_s = DEFAULT_RETRY_AFTER_S;
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

void
tasks_free(struct tasks *t)
{
	if (t == NULL)
		return;
	store_strv_free(t->domains, t->ndomains);
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
	if ((rc = store_round_begin(t->s, now, (uint32_t)n, (uint32_t)t->ntests, &id)) != 0) {
		store_strv_free(domains, n);
		return rc;
	}
	store_strv_free(t->domains, t->ndomains);
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
					t->domains = domains;
			t->ndomains = n;
			t->round_id = r.id;
			t->round_started = r.started;
			t->round_ended = r.ended != 0;
			log_info("round %llu opened from the command line with %zu targets",
			    (unsigned long long)r.id, n);
		}
	}
	if ((t->round_id == 0 || now >= t->round_started + (int64_t)t->interval_s) &&
	    now >= t->next_begin_try) {
		uint64_t before = t->round_id;

		(void)tasks_begin(t, now);
		/* No targets, too many, or a store error: try again in a minute, not every turn. */
		if (t->round_id == before)
			t->next_begin_try = now + 60;
	}
	if (t->round_id == 0)
		return 60 * 1000;
	due = t->round_started + (int64_t)t->interval_s - now;
	return due > 0 ? due * 1000 : 1000;
}

struct pending_arg {
	uint64_t round_id;
	int64_t since;
	size_t pending;
	const char *name;        /* one of them, for the log */
	char buf[MAX_AGENT_NAME_LEN + 1];
};

static int
tasks_count_pending(const struct store_agent *a, void *argp)
{
	struct pending_arg *p = argp;

	if (a->last_seen >= p->since && a->last_round_done < p->round_id) {
		if (p->pending++ == 0) {
			snprintf(p->buf, sizeof(p->buf), "%s", a->name);
			p->name = p->buf;
		}
	}
	return 0;
}

/* The round ends when every agent seen within the last interval has finished it: an agent
 * that has not asked yet still counts. */
void
tasks_after_turn(struct tasks *t, int64_t now)
{
	struct pending_arg p = { t->round_id, now - (int64_t)t->interval_s, 0, NULL, "" };

	if (!t->done_reported)
		return;
	t->done_reported = false;
	if (t->round_ended)
		return;
	if (store_agents_each(t->s, tasks_count_pending, &p) != 0 || p.pending > 0) {
		log_debug("round %llu: %zu agents still to finish (%s, ...)",
		    (unsigned long long)t->round_id, p.pending, p.name ? p.name : "?");
		return;
	}
	if (store_round_end(t->s, t->round_id, now) == 0) {
		t->round_ended = true;
		log_info("round %llu ended: every agent seen in the last %llu s finished it",
		    (unsigned long long)t->round_id, (unsigned long long)t->interval_s);
	}
}

int
tasks_answer(struct tasks *t, const char *agent, const Peil__TaskRequest *req,
    Peil__TaskList *out, struct tasks_note *note, int64_t now)
{
	int64_t next;
	size_t off, n;

	(void)agent;
	note->done = note->given = 0;
	/* A round that does not exist yet is not finished: such a report is not recorded. */
	if (req->done_round_id != 0 && req->done_round_id <= t->round_id) {
		note->done = req->done_round_id;
		if (req->done_round_id == t->round_id)
			t->done_reported = true;
	}
	out->round_started = t->round_started;
	if (t->round_id == 0 || req->done_round_id >= t->round_id) {
		next = t->round_id == 0 ? (int64_t)t->retry_after_s :
		    t->round_started + (int64_t)t->interval_s - now;
		if (next < 1)
			next = 1;
		if (next > (int64_t)t->retry_after_s)
			next = t->retry_after_s;
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
	out->round_id = t->round_id;
	out->offset = (uint32_t)off;
	out->total = (uint32_t)t->ndomains;
	out->n_targets = n;
	out->targets = t->domains + off;
	out->n_tests = t->ntests;
	out->tests = t->tests;
	out->retry_after_s = t->retry_after_s;
	note->given = t->round_id;
	return 0;
}
