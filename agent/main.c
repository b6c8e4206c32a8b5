/* main.c: peil-agent, the daemon a participating organisation runs, and the one-shot probe. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "agent_metrics.h"
#include "catalogue.h"
#include "cli.h"
#include "clock.h"
#include "domain.h"
#include "enrollment.h"
#include "err.h"
#include "esc.h"
#include "limits.h"
#include "log.h"
#include "probe.h"
#include "result.h"
#include "round.h"
#include "routes.h"
#include "rtr.h"
#include "session.h"
#include "testlist.h"
#include "vantage.h"

static volatile sig_atomic_t agent_stop;

static void
install_signals(void)
{
	session_signals(&agent_stop);
	/* libunbound may hold many sockets for queries to servers that do not answer, and the
	 * TLS and reach tests hold more: the soft file limit (often 1024) goes up to the hard
	 * one. */
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
}

static const char usage_main[] =
	    "usage: peil-agent COMMAND [OPTIONS]\n"
	    "\n"
	    "A peil vantage point: probes the domains the collector hands out and delivers the\n"
	    "verdicts over ZeroMQ (CURVE), keeping each result in a local spool until the\n"
	    "collector has stored it.\n"
	    "\n"
	    "commands:\n"
	    "  run               run the agent daemon\n"
	    "  probe DOMAIN...   probe domains now and print the verdicts (no collector)\n"
	    "  tests [ID...]     list the tests: what each checks, why, how to fix a failure\n"
	    "  keygen            make this agent's CURVE key pair\n"
	    "  enroll --collector-key FP   check the collector's key, print what to send\n"
	    "  config            print an example configuration file with every key\n"
	    "\n"
	    "  --version         print the version\n"
	    "\n"
	    "Every command takes -c FILE (configuration, default none: built-in defaults),\n"
	    "-o SECTION.KEY=VALUE (override, repeatable) and --help.\n"
	    "Exit status: 0 success, 1 failure, 2 usage or configuration error; probe's\n"
	    "statuses reflect its findings (peil-agent probe --help).\n";

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}


static void
probe_conf_from(const struct conf *c, struct probe_conf *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->root_hints = conf_str(c, "resolver", "root_hints");
	pc->trust_anchor = conf_str(c, "resolver", "trust_anchor");
	pc->forwarder = conf_str(c, "resolver", "forwarder");
	pc->ipv4 = conf_bool(c, "resolver", "ipv4");
	pc->ipv6 = conf_bool(c, "resolver", "ipv6");
	pc->dns_timeout_ms = (unsigned)conf_u64(c, "resolver", "timeout_ms");
	pc->domain_budget_ms = (unsigned)conf_u64(c, "resolver", "domain_budget_ms");
	pc->dmarc_tree_walk = conf_bool(c, "tests", "dmarc_tree_walk");
	pc->reach_timeout_ms = (unsigned)conf_u64(c, "tests", "reach_timeout_ms");
	pc->tls_guideline = conf_str(c, "tests", "tls_guideline");
	pc->ca_file = conf_str(c, "tests", "ca_file");
	pc->ehlo_name = conf_str(c, "tests", "ehlo_name");
	pc->smtp_step_ms = (unsigned)conf_u64(c, "tests", "smtp_step_ms");
	pc->tls_handshake_ms = (unsigned)conf_u64(c, "tests", "tls_handshake_ms");
	pc->starttls_host_ms = (unsigned)conf_u64(c, "tests", "starttls_host_ms");
}

/* The RPKI tables and the self-tests' beacons of one process: opened once, shared by every
 * worker (both tables are thread-safe). */
struct agent_rpki {
	struct vrp_table *vrps;
	struct routes *routes;
	struct vantage_conf vc;
};

/* Opens what [rpki] and [vantage] say: the VRP table (RTR caches, else the VRP file) and the
 * route-origin table, each only when configured and `tables` is true (a probe whose tests
 * need no RPKI data skips the RTR sync and the route-table load); checks the beacons and
 * rpki.routes_format either way. A configuration error is printed as "peil-agent: KEY:
 * reason"; returns EXIT_OK or EXIT_USAGE. */
static int
agent_rpki_open(const struct conf *c, bool tables, struct agent_rpki *ar)
{
	struct vrp_conf vrc = { 0 };
	struct routes_conf rc = { 0 };
	const char *fmt;
	char err[1024];

	memset(ar, 0, sizeof(*ar));
	ar->vc.ipv4 = conf_bool(c, "resolver", "ipv4");
	ar->vc.ipv6 = conf_bool(c, "resolver", "ipv6");
	ar->vc.ipv6_beacons = conf_str(c, "vantage", "ipv6_beacons");
	ar->vc.rov_valid = conf_str(c, "vantage", "rov_valid");
	ar->vc.rov_invalid = conf_str(c, "vantage", "rov_invalid");
	ar->vc.timeout_ms = (unsigned)conf_u64(c, "tests", "reach_timeout_ms");
	if (vantage_check(&ar->vc, err, sizeof(err)) != 0) {
		fprintf(stderr, "peil-agent: %s\n", err);
		return EXIT_USAGE;
	}
	fmt = conf_str(c, "rpki", "routes_format");
	if (fmt == NULL || strcmp(fmt, "auto") == 0)
		rc.format = ROUTES_AUTO;
	else if (strcmp(fmt, "pfx2as") == 0)
		rc.format = ROUTES_PFX2AS;
	else if (strcmp(fmt, "bgpdump") == 0)
		rc.format = ROUTES_BGPDUMP;
	else if (strcmp(fmt, "mrt") == 0)
		rc.format = ROUTES_MRT;
	else {
		fputs("peil-agent: rpki.routes_format: '", stderr);
		esc_text_str(stderr, fmt);
		fputs("' is not one of auto, pfx2as, bgpdump, mrt\n", stderr);
		return EXIT_USAGE;
	}
	if (!tables)
		return EXIT_OK;
	vrc.caches = conf_str(c, "rpki", "caches");
	vrc.file = conf_str(c, "rpki", "vrp_file");
	vrc.max_age_s = (unsigned)conf_u64(c, "rpki", "max_age_s");
	if ((vrc.caches != NULL && vrc.caches[0] != '\0') ||
	    (vrc.file != NULL && vrc.file[0] != '\0')) {
		if ((ar->vrps = vrp_open(&vrc, err, sizeof(err))) == NULL) {
			fprintf(stderr, "peil-agent: rpki.%s: %s\n", vrc.caches != NULL &&
			    vrc.caches[0] != '\0' ? "caches" : "vrp_file", err);
			return EXIT_USAGE;
		}
	}
	rc.file = conf_str(c, "rpki", "routes");
	if (rc.file != NULL && rc.file[0] != '\0' &&
	    (ar->routes = routes_open(&rc, err, sizeof(err))) == NULL) {
		fprintf(stderr, "peil-agent: rpki.routes: %s\n", err);
		vrp_close(ar->vrps);
		ar->vrps = NULL;
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static void
agent_rpki_close(struct agent_rpki *ar)
{
	routes_close(ar->routes);
	vrp_close(ar->vrps);
	ar->routes = NULL;
	ar->vrps = NULL;
}

static int
agent_vantage(void *arg, uint64_t round_id, const char *const *tests, size_t ntests,
    struct result_set *out)
{
	return vantage_run(arg, round_id, tests, ntests, out);
}

static bool
agent_done(void *arg, uint64_t round_id, const char *domain)
{
	return spool_domain_done(arg, round_id, domain);
}

/* A round being probed by the worker threads. */
struct work {
	pthread_mutex_t lock;
	char **targets;
	size_t ntargets, next, active;
	uint64_t round_id;
	const char *const *tests;
	size_t ntests;
	struct spool *sp;
	const struct probe_conf *pc;
	struct round_tries *tries;  /* failed tries per domain, across the round's retries */
	const struct vantage_conf *vc;
	bool vantage_todo;          /* the round's self-tests: the first worker free runs them */
	uint64_t probed, skipped, failed, gave_up;
};

static int
worker_probe(void *arg, const char *domain, uint64_t round_id, const char *const *tests,
    size_t ntests, struct result_set *out)
{
	int64_t t0 = agent_metrics_probe_begin();
	size_t first = out->n;
	int rc = probe_domain(arg, domain, round_id, tests, ntests, out);

	agent_metrics_probe_end(t0, out, first);
	return rc;
}

static int
worker_put(void *arg, uint64_t round_id, const char *domain, Peil__Result **r, size_t n)
{
	return spool_put(arg, round_id, domain, r, n);
}

static void *
worker_main(void *argp)
{
	struct work *w = argp;
	struct round_ops ops = { .probe = worker_probe, .put = worker_put, .put_arg = w->sp,
	    .vantage = agent_vantage, .vantage_arg = (void *)w->vc, .done = agent_done };
	struct probe *p;
	char err[512];

	if ((p = probe_new(w->pc, err, sizeof(err))) == NULL)
		log_fatal("cannot make a resolver: %s", err);
	ops.probe_arg = p;
	for (;;) {
		const char *domain;
		bool self = false;

		pthread_mutex_lock(&w->lock);
		if (!agent_stop && w->vantage_todo) {
			w->vantage_todo = false;
			self = true;
		}
		pthread_mutex_unlock(&w->lock);
		if (self) {
			/* Once per round, before this worker's first domain. */
			switch (round_vantage(w->tries, &ops, w->round_id, w->tests, w->ntests, err,
			    sizeof(err))) {
			case ROUND_KEPT:
				break;
			case ROUND_RETRY:
				log_err("%s", err);
				__atomic_add_fetch(&w->failed, 1, __ATOMIC_RELAXED);
				break;
			default:
				log_err("%s; the round goes on without them", err);
				break;
			}
		}
		pthread_mutex_lock(&w->lock);
		if (agent_stop || w->next >= w->ntargets) {
			w->active--;
			pthread_mutex_unlock(&w->lock);
			break;
		}
		domain = w->targets[w->next++];
		pthread_mutex_unlock(&w->lock);
		if (spool_domain_done(w->sp, w->round_id, domain)) {
			__atomic_add_fetch(&w->skipped, 1, __ATOMIC_RELAXED);
			continue;
		}
		switch (round_domain(w->tries, &ops, w->round_id, domain, w->tests, w->ntests, err,
		    sizeof(err))) {
		case ROUND_KEPT:
			__atomic_add_fetch(&w->probed, 1, __ATOMIC_RELAXED);
			break;
		case ROUND_GAVE_UP:
		case ROUND_DROPPED:
			/* Bounded: the round completes without this domain's own results. */
			log_err("%s: %s", domain, err);
			__atomic_add_fetch(&w->gave_up, 1, __ATOMIC_RELAXED);
			break;
		case ROUND_RETRY:
			log_err("%s: %s", domain, err);
			__atomic_add_fetch(&w->failed, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	probe_free(p);
	return NULL;
}

static int
cmd_run(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-agent run [-c FILE] [-o S.K=V]... [--rounds N]\n"
	    "Runs the agent: asks the collector for each round's targets, probes them, and\n"
	    "delivers the results. Stops on SIGINT or SIGTERM; undelivered results stay in the\n"
	    "spool and go out at the next start.\n"
	    "  -r, --rounds N         exit after N rounds, once every result is delivered\n"
	    "Each round the vantage self-tests (vantage_ipv6, vantage_rov) run once and are sent\n"
	    "with an empty domain. The RPKI tables ([rpki]) are opened once at start; a changed\n"
	    "rpki.routes file is reloaded between domains.\n"
	    "Exit status: 0 stopped by a signal, or --rounds done with every result delivered;\n"
	    "1 failure (key file, spool, resolver); 2 usage or configuration error (an [rpki]\n"
	    "file or cache that does not load, a [vantage] beacon that does not parse).\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct session ss;
	struct probe_conf pc;
	struct agent_rpki ar = { 0 };
	struct work w = { .tries = NULL };
	pthread_t *threads = NULL;
	size_t nthreads = 0;
	char **targets = NULL, **rtests = NULL;
	size_t ntargets = 0, nrtests = 0;
	uint64_t rounds_done = 0, done_round, cur_round = 0;
	enum { IDLE, FETCHING, PROBING, DRAINING, REPORTING } state = IDLE;
	int64_t retry_at = 0;
	int status = EXIT_OK, i;

	if ((i = cli_parse("peil-agent", argc, argv, "r", &o, help, &status)) < 0)
		return status;
	if (i != argc) {
		fputs(help, stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-agent", &o, session_schema, &conf)) != EXIT_OK)
		return status;
	install_signals();
	probe_conf_from(conf, &pc);
	memset(&ss, 0, sizeof(ss));
	if ((status = agent_rpki_open(conf, true, &ar)) != EXIT_OK)
		goto out;
	pc.vrps = ar.vrps;
	pc.routes = ar.routes;
	if ((status = agent_metrics_start(conf, "peil-agent")) != EXIT_OK ||
	    (status = session_open(&ss, conf, "peil-agent")) != EXIT_OK)
		goto out;
	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.lock, NULL);
	if ((w.tries = round_tries_new()) == NULL)
		log_fatal("out of memory");
	nthreads = (size_t)conf_u64(conf, "agent", "concurrency");
	if ((threads = calloc(nthreads, sizeof(*threads))) == NULL)
		log_fatal("out of memory");
	done_round = spool_round_done(ss.sp);
	log_info("agent started; collector %s; last round done %llu", ss.uc.endpoint,
	    (unsigned long long)done_round);

	while (!agent_stop) {
		Peil__Envelope *env;
		int64_t now;

		if (uplink_step(ss.up, 50) != 0) {
			log_err("the spool failed; stopping");
			status = EXIT_FAIL;
			break;
		}
		now = clock_mono_ms();
		/* A changed route file is picked up between rounds and domains (routes_refresh
		 * looks at the file at most every DEFAULT_ROUTES_CHECK_S). */
		if (ar.routes != NULL && routes_refresh(ar.routes, false) == PEIL_ENOMEM)
			log_fatal("out of memory reloading the route table");
		agent_metrics_spool(ss.sp);
		if (!uplink_welcomed(ss.up))
			continue;
		if (state == IDLE && o.rounds && rounds_done >= o.rounds) {
			if (uplink_drained(ss.up))
				break;
			continue;
		}
		if (state == IDLE && now >= retry_at) {
			uplink_request_tasks(ss.up, done_round, 0, 0);
			state = FETCHING;
		}
		if (state == PROBING) {
			size_t active;

			pthread_mutex_lock(&w.lock);
			active = w.active;
			pthread_mutex_unlock(&w.lock);
			if (active == 0) {
				for (size_t t = 0; t < nthreads; t++)
					pthread_join(threads[t], NULL);
				log_info("round %llu: %llu domains probed, %llu already done before a "
				    "restart, %llu given up after %d tries, %llu failed",
				    (unsigned long long)cur_round, (unsigned long long)w.probed,
				    (unsigned long long)w.skipped, (unsigned long long)w.gave_up,
				    MAX_DOMAIN_TRIES, (unsigned long long)w.failed);
				strv_free(targets, ntargets);
				targets = NULL;
				ntargets = 0;
				if (w.failed > 0) {
					/* Not done: ask for the round again; done domains are skipped. */
					log_err("round %llu: %llu domains not kept; trying them again in "
					    "10 s", (unsigned long long)cur_round,
					    (unsigned long long)w.failed);
					retry_at = now + 10000;
					state = IDLE;
				} else {
					state = DRAINING;
				}
			}
		}
		/* A round is done once every result of it is delivered; then say so at once, so
		 * the collector can close the round. */
		if (state == DRAINING && uplink_drained(ss.up)) {
			if (spool_set_round_done(ss.sp, cur_round) != 0)
				log_err("could not record round %llu as done",
				    (unsigned long long)cur_round);
			done_round = cur_round;
			rounds_done++;
			uplink_request_tasks(ss.up, done_round, 0, 0);
			state = REPORTING;
		}
		if ((env = uplink_take_tasks(ss.up)) != NULL) {
			Peil__TaskList *tl = env->task_list;

			if (tl->round_id == 0) {
				retry_at = now + (int64_t)(tl->retry_after_s ? tl->retry_after_s : 1) * 1000;
				state = IDLE;
			} else if (state == FETCHING || state == REPORTING) {
				char **nt;
				size_t n = tl->n_targets;

				if (tl->round_id != cur_round || tl->offset == 0) {
					strv_free(targets, ntargets);
					targets = NULL;
					ntargets = 0;
					cur_round = tl->round_id;
				}
				if (tl->offset != ntargets || n > MAX_TASK_PAGE ||
				    (nt = realloc(targets, (ntargets + n + 1) * sizeof(*nt))) == NULL) {
					log_warn("task list page out of order; asking again");
					uplink_request_tasks(ss.up, done_round, 0, 0);
					wire_envelope_free(env);
					state = FETCHING;
					continue;
				}
				targets = nt;
				for (size_t t = 0; t < n; t++)
					if ((targets[ntargets + t] = strdup(tl->targets[t])) == NULL)
						log_fatal("out of memory");
				ntargets += n;
				/* The collector may ask for some tests only (none named: all). */
				if (tl->offset == 0) {
					strv_free(rtests, nrtests);
					rtests = NULL;
					nrtests = 0;
					size_t want = tl->n_tests;

					if (want > MAX_TASK_TESTS) {
						log_warn("the collector names %zu tests, more than an agent "
						    "takes (%d): running the first %d", want,
						    MAX_TASK_TESTS, MAX_TASK_TESTS);
						want = MAX_TASK_TESTS;
					}
					if (want > 0) {
						if ((rtests = calloc(want, sizeof(*rtests))) == NULL)
							log_fatal("out of memory");
						for (size_t t = 0; t < want; t++)
							if ((rtests[nrtests++] = strdup(tl->tests[t])) == NULL)
								log_fatal("out of memory");
					}
				}
				if (ntargets < tl->total && n > 0) {
					uplink_request_tasks(ss.up, done_round, cur_round,
					    (uint32_t)ntargets);
					state = FETCHING;
				} else {
					log_info("round %llu: %zu targets", (unsigned long long)cur_round,
					    ntargets);
					if (spool_round_begin(ss.sp, cur_round) != 0)
						log_fatal("cannot record the round in the spool");
					w.targets = targets;
					w.ntargets = ntargets;
					w.next = 0;
					w.active = nthreads;
					w.round_id = cur_round;
					w.tests = (const char *const *)rtests;
					w.ntests = nrtests;
					w.sp = ss.sp;
					w.pc = &pc;
					w.vc = &ar.vc;
					w.vantage_todo = vantage_wanted((const char *const *)rtests,
					    nrtests);
					w.probed = w.skipped = w.failed = w.gave_up = 0;
					for (size_t t = 0; t < nthreads; t++)
						if (pthread_create(&threads[t], NULL, worker_main, &w) != 0)
							log_fatal("cannot start a worker thread");
					state = PROBING;
				}
			}
			wire_envelope_free(env);
		}
	}
	if (state == PROBING) {
		agent_stop = 1;
		for (size_t t = 0; t < nthreads; t++)
			pthread_join(threads[t], NULL);
	}
	log_info("agent stopping");
out:
	round_tries_free(w.tries);
	strv_free(targets, ntargets);
	strv_free(rtests, nrtests);
	free(threads);
	session_close(&ss);
	agent_rpki_close(&ar);
	agent_metrics_stop();
	conf_free(conf);
	return status;
}

/* peil-agent probe's exit statuses beyond EXIT_OK and EXIT_USAGE (documented in its help). */
#define PROBE_EXIT_FAILED   1   /* some test failed */
#define PROBE_EXIT_ERROR    3   /* none failed, but some could not be decided (error) */
#define PROBE_EXIT_SOFTWARE 4   /* peil could not run or finish: resolver, memory, output */

/* The output formats of probe, the names peil-collector show uses for the same output. */
enum probe_format { PROBE_TABLE, PROBE_JSON, PROBE_CSV };
#define PROBE_FORMATS "table|json|csv"

static int
probe_format_parse(const char *name, enum probe_format *out)
{
	static const char *const names[] = { "table", "json", "csv" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum probe_format)i;
			return 0;
		}
	return PEIL_EINVAL;
}

static int
cmd_probe(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-agent probe [-c FILE] [--format " PROBE_FORMATS "] [--test ID]... DOMAIN...\n"
	    "Probes each domain from here, now, and prints every verdict with its evidence.\n"
	    "Needs no collector and no keys; the [resolver], [tests], [rpki] and [vantage]\n"
	    "settings apply. The vantage self-tests (vantage_ipv6, vantage_rov) come first, as\n"
	    "\"(this vantage)\" with an empty domain; they do not count in the exit status.\n"
	    "Without rpki.caches or rpki.vrp_file, or without rpki.routes, the RPKI tests are\n"
	    "not_tested; the RPKI tables are opened (RTR sync, route file) only when an RPKI\n"
	    "test is asked for. A domain is checked before any probing (not an IP address, a\n"
	    "wildcard or a bare public suffix such as 'nl'); an internationalized name is\n"
	    "probed as its A-labels (xn--...), which the results carry. `peil-agent tests`\n"
	    "says what each test checks.\n"
	    "  -f, --format FMT       table (default), json (one object a line) or csv\n"
	    "  -t, --test ID          run only this test (repeatable; default: all)\n"
	    "Exit status (the worst over all domains):\n"
	    "  0  every test that ran passed, or gave warning, info or not_tested\n"
	    "  1  some test failed\n"
	    "  2  usage or configuration error, or an invalid domain (nothing probed)\n"
	    "  3  no test failed, but some could not be decided (error: no answer, time-out)\n"
	    "  4  peil could not run or finish (resolver, memory, output, interrupted)\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct probe_conf pc;
	struct agent_rpki ar = { 0 };
	struct probe *p = NULL;
	struct result_set rs = { 0 };
	enum probe_format fmt = PROBE_TABLE;
	char (*names)[MAX_DOMAIN_LEN + 1] = NULL;
	char err[1024];
	unsigned found = 0;
	int status = EXIT_OK, i, first;

	if ((i = cli_parse("peil-agent", argc, argv, "ft", &o, help, &status)) < 0)
		return status;
	if (i >= argc) {
		fputs(help, stderr);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if (o.format != NULL && probe_format_parse(o.format, &fmt) != 0) {
		fputs("peil-agent: --format: '", stderr);
		esc_text_str(stderr, o.format);
		fputs("' is not one of " PROBE_FORMATS "\n", stderr);
		return EXIT_USAGE;
	}
	/* Every domain is checked before any is probed. */
	first = i;
	if ((names = calloc((size_t)(argc - first), sizeof(*names))) == NULL) {
		fputs("peil-agent: out of memory\n", stderr);
		return PROBE_EXIT_SOFTWARE;
	}
	for (int d = first; d < argc; d++) {
		if (domain_input(argv[d], strlen(argv[d]), names[d - first], err, sizeof(err)) != 0) {
			fputs("peil-agent: '", stderr);
			esc_text_str(stderr, argv[d]);
			fprintf(stderr, "': %s\n", err);
			free(names);
			return EXIT_USAGE;
		}
	}
	if ((status = cli_load("peil-agent", &o, session_schema, &conf)) != EXIT_OK) {
		free(names);
		return status;
	}
	install_signals();
	probe_conf_from(conf, &pc);
	/* One domain at a time: fewer of libunbound's sockets to set up and free. */
	pc.resolver_sockets = MAX_PROBE_RESOLVER_SOCKETS;
	/* The RPKI tables only when a test asked for uses them: the RTR sync and the route
	 * table's load are most of a probe's fixed cost otherwise (tests/bench/tls). */
	if ((status = agent_rpki_open(conf, probe_wants_module(MODULE_RPKI,
	    o.ntests ? o.tests : NULL, o.ntests), &ar)) != EXIT_OK)
		goto out;
	pc.vrps = ar.vrps;
	pc.routes = ar.routes;
	if ((p = probe_new(&pc, err, sizeof(err))) == NULL) {
		fprintf(stderr, "peil-agent: %s\n", err);
		status = PROBE_EXIT_SOFTWARE;
		goto out;
	}
	if (fmt == PROBE_CSV)
		result_write_csv_header(stdout);
	/* The vantage's own self-tests first (empty domain): they say what this vantage can see,
	 * not what a domain does, so they do not count in the exit status. */
	if (vantage_wanted(o.ntests ? o.tests : NULL, o.ntests)) {
		if (vantage_run(&ar.vc, 0, o.ntests ? o.tests : NULL, o.ntests, &rs) != 0) {
			fputs("peil-agent: the vantage self-tests: out of memory\n", stderr);
			status = PROBE_EXIT_SOFTWARE;
			goto out;
		}
		if (fmt == PROBE_TABLE && rs.n > 0)
			fputs("(this vantage)\n", stdout);
		for (size_t r = 0; r < rs.n; r++) {
			if (fmt == PROBE_JSON)
				result_write_json(rs.items[r], stdout);
			else if (fmt == PROBE_CSV)
				result_write_csv(rs.items[r], stdout);
			else
				result_write_table(rs.items[r], stdout, false);
		}
		if (fmt == PROBE_TABLE && rs.n > 0)
			printf("\n");
		result_set_clear(&rs);
	}
	for (i = first; i < argc; i++) {
		const char *name = names[i - first];

		if (agent_stop) {
			fputs("peil-agent: interrupted\n", stderr);
			status = PROBE_EXIT_SOFTWARE;
			goto out;
		}
		if (ar.routes != NULL && routes_refresh(ar.routes, false) == PEIL_ENOMEM) {
			fputs("peil-agent: out of memory reloading the route table\n", stderr);
			status = PROBE_EXIT_SOFTWARE;
			goto out;
		}
		if (probe_domain(p, name, 0, o.ntests ? o.tests : NULL, o.ntests, &rs) != 0) {
			fprintf(stderr, "peil-agent: %s: out of memory\n", name);
			status = PROBE_EXIT_SOFTWARE;
			goto out;
		}
		found |= probe_findings(&rs);
		if (fmt == PROBE_TABLE) {
			esc_text_str(stdout, name);
			if (strcmp(name, argv[i]) != 0) {
				fputs(" (", stdout);
				esc_text_str(stdout, argv[i]);
				putc(')', stdout);
			}
			putc('\n', stdout);
		}
		for (size_t r = 0; r < rs.n; r++) {
			if (fmt == PROBE_JSON)
				result_write_json(rs.items[r], stdout);
			else if (fmt == PROBE_CSV)
				result_write_csv(rs.items[r], stdout);
			else
				result_write_table(rs.items[r], stdout, false);
		}
		if (fmt == PROBE_TABLE)
			printf("\n");
		result_set_clear(&rs);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("peil-agent: cannot write the results\n", stderr);
		status = PROBE_EXIT_SOFTWARE;
	} else if (found & PROBE_FOUND_FAILED)
		status = PROBE_EXIT_FAILED;
	else if (found & PROBE_FOUND_ERROR)
		status = PROBE_EXIT_ERROR;
	else
		status = EXIT_OK;
out:
	result_set_clear(&rs);
	free(names);
	probe_free(p);
	agent_rpki_close(&ar);
	conf_free(conf);
	return status;
}

static int
cmd_tests(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-agent tests [--format " TESTLIST_FORMATS "] [ID...]\n"
	    "Lists the tests of the catalogue (every one, or the ids given): id, category,\n"
	    "agreements, mandatory, guideline, whether this version implements it (if not, it\n"
	    "reports not_tested), a title, what it checks, why it matters and how to fix a\n"
	    "failure. docs/tests.md is this command's markdown.\n"
	    "  -f, --format FMT       table (default), json (one object a line) or markdown\n"
	    "Exit status: 0 listed, 1 output error, 2 usage error or an unknown test id.\n";
	const struct catalogue_entry *list[TEST_COUNT];
	const struct catalogue_entry *all;
	enum testlist_format fmt = TESTLIST_TABLE;
	struct cli_opts o;
	size_t n = 0, nall;
	int status = EXIT_OK, i;

	if ((i = cli_parse("peil-agent", argc, argv, "f", &o, help, &status)) < 0)
		return status;
	if (o.format != NULL && testlist_format_parse(o.format, &fmt) != 0) {
		fputs("peil-agent: --format: '", stderr);
		esc_text_str(stderr, o.format);
		fputs("' is not one of " TESTLIST_FORMATS "\n", stderr);
		return EXIT_USAGE;
	}
	all = catalogue_all(&nall);
	if (i >= argc) {
		for (size_t t = 0; t < nall && t < TEST_COUNT; t++)
			list[n++] = &all[t];
	} else {
		for (; i < argc; i++) {
			const struct catalogue_entry *e = catalogue_find(argv[i]);

			if (e == NULL) {
				fputs("peil-agent: no test '", stderr);
				esc_text_str(stderr, argv[i]);
				fputs("' in the catalogue (peil-agent tests lists them)\n", stderr);
				return EXIT_USAGE;
			}
			if (n < TEST_COUNT)
				list[n++] = e;
		}
	}
	if (testlist_write(stdout, fmt, list, n) != 0 || fflush(stdout) != 0) {
		fputs("peil-agent: cannot write the list\n", stderr);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int
cmd_keygen(int argc, char **argv)
{
	return cli_keygen("peil-agent", argc, argv, "agent",
	    "usage: peil-agent keygen [--output PREFIX] [--force]\n"
	    "Makes this agent's CURVE key pair: PREFIX.key (secret, mode 0600) and PREFIX.pub.\n"
	    "Prints the public key's fingerprint. peil-agent enroll then prints what to send\n"
	    "the coordinator, who enrolls the agent (peil-collector agents add NAME FILE.pub).\n"
	    "PREFIX defaults to 'agent'.\n"
	    "  -O, --output PREFIX    where to write\n"
	    "  -F, --force            overwrite existing files\n"
	    "Exit status: 0 written, 1 failure (a file exists, cannot write), 2 usage.\n");
}

static int
cmd_config(int argc, char **argv)
{
	return cli_config("peil-agent", argc, argv, session_schema);
}

int
main(int argc, char **argv)
{
	static const struct cli_command cmds[] = {
		{ "run", cmd_run },
		{ "probe", cmd_probe },
		{ "tests", cmd_tests },
		{ "keygen", cmd_keygen },
		{ "enroll", enrollment_cmd },
		{ "config", cmd_config },
		{ NULL, NULL },
	};

	return cli_dispatch("peil-agent", argc, argv, cmds, usage_main);
}
