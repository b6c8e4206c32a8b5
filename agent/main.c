/* main.c: peil-agent, the daemon a participating organisation runs, and the one-shot probe. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "catalogue.h"
#include "cli.h"
#include "clock.h"
#include "err.h"
#include "esc.h"
#include "keys.h"
#include "limits.h"
#include "log.h"
#include "probe.h"
#include "result.h"
#include "round.h"
#include "spool.h"
#include "uplink.h"

static const struct conf_key agent_schema[] = {
	{ "agent", "name", CONF_STR, "agent", 0, 0,
	  "this agent's name (informational; the collector names agents by their key)" },
	{ "agent", "description", CONF_STR, "", 0, 0,
	  "a description of this vantage point, sent to the collector" },
	{ "agent", "secret_key", CONF_PATH, "/etc/peil/agent.key", 0, 0,
	  "this agent's key file (peil-agent keygen)" },
	{ "agent", "spool", CONF_PATH, "/var/lib/peil/agent", 0, 0,
	  "directory of the LMDB spool: results wait here until the collector has them" },
	{ "agent", "spool_map_mb", CONF_U64, "64", 1, 1048576,
	  "initial spool map size in MiB; it grows by itself" },
	{ "agent", "concurrency", CONF_U64, "8", 1, MAX_CONCURRENCY, "domains probed at once" },
	{ "agent", "durable", CONF_BOOL, "yes", 0, 0,
	  "fsync every spool commit; 'no' only for tests" },
	{ "collector", "endpoint", CONF_STR, "tcp://127.0.0.1:4700", 0, 0,
	  "the collector's ZeroMQ endpoint" },
	{ "collector", "public_key", CONF_PATH, "/etc/peil/collector.pub", 0, 0,
	  "the collector's public key file" },
	{ "collector", "plaintext", CONF_BOOL, "no", 0, 0,
	  "DEBUG ONLY: no CURVE; refused unless the endpoint is on loopback" },
	{ "resolver", "root_hints", CONF_PATH, NULL, 0, 0,
	  "root hints file (default: libunbound's built-in root servers)" },
	{ "resolver", "trust_anchor", CONF_PATH, NULL, 0, 0,
	  "DNSSEC trust anchor file (DS or DNSKEY records of the root); unset: no validation" },
	{ "resolver", "forwarder", CONF_STR, NULL, 0, 0,
	  "forward queries to ADDR[@PORT] instead of recursing" },
	{ "resolver", "ipv4", CONF_BOOL, "yes", 0, 0, "this vantage can use IPv4" },
	{ "resolver", "ipv6", CONF_BOOL, "yes", 0, 0, "this vantage can use IPv6" },
	{ "resolver", "timeout_ms", CONF_U64, "5000", 100, 600000,
	  "time for one DNS query, retries included" },
	{ "resolver", "domain_budget_ms", CONF_U64, "60000", 1000, 3600000,
	  "time for every DNS test of one domain" },
	{ "tests", "dmarc_tree_walk", CONF_BOOL, "no", 0, 0,
	  "DMARC: find the organizational domain by the DNS tree walk of RFC 9989 instead of the "
	  "public suffix list (RFC 7489)" },
	{ "tests", "reach_timeout_ms", CONF_U64, "3000", 100, 600000,
	  "IPv6 reachability: time for one TCP connect, or one DNS query over UDP then TCP" },
	{ "tests", "tls_guideline", CONF_STR, "ncsc-tls-2025-05", 0, 0,
	  "the NCSC TLS guideline TLS is judged by: ncsc-tls-2025-05 or ncsc-tls-2.1" },
	{ "tests", "ca_file", CONF_PATH, NULL, 0, 0,
	  "CA bundle for certificate trust (STARTTLS, MTA-STS); unset: the system's" },
	{ "tests", "ehlo_name", CONF_STR, "localhost", 0, 0,
	  "the host name this agent gives in SMTP EHLO" },
	{ "tests", "smtp_step_ms", CONF_U64, "10000", 100, 600000,
	  "STARTTLS: time for one SMTP step (connect, banner, EHLO, STARTTLS)" },
	{ "tests", "tls_handshake_ms", CONF_U64, "10000", 100, 600000,
	  "time for one TLS handshake (its connection and SMTP dialogue included)" },
	{ "tests", "starttls_host_ms", CONF_U64, "30000", 1000, 3600000,
	  "STARTTLS: time for every handshake with one mail server address" },
	{ "limits", "ack_timeout_ms", CONF_U64, "10000", 100, 3600000,
	  "re-send unacknowledged batches after this long" },
	{ "limits", "window", CONF_U64, "8", 1, MAX_WINDOW, "batches in flight" },
	{ "limits", "batch_max", CONF_U64, "1000", 1, MAX_BATCH_RESULTS, "results per batch" },
	{ "limits", "seal_interval_ms", CONF_U64, "100", 1, 600000,
	  "send a partial batch after results waited this long" },
	CLI_LIMIT_KEYS,
	{ NULL, NULL, CONF_STR, NULL, 0, 0, NULL },
};

static volatile sig_atomic_t agent_stop;

static void
agent_signal(int sig)
{
	(void)sig;
	agent_stop = 1;
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = agent_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
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
	    "  keygen            make this agent's CURVE key pair\n"
	    "  synth             deliver synthetic results (testing and benchmarks)\n"
	    "  config            print an example configuration file with every key\n"
	    "\n"
	    "Every command takes -c FILE (configuration, default none: built-in defaults),\n"
	    "-o SECTION.KEY=VALUE (override, repeatable) and --help.\n"
	    "Exit status: 0 success, 1 failure, 2 usage or configuration error.\n";

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

/* The daemon's and synth's connection: keys, uplink settings, spool. */
struct session {
	struct keypair kp;
	char server_pub[KEY_Z85_LEN + 1];
	struct uplink_conf uc;
	struct spool *sp;
	void *zctx;
	struct uplink *up;
};

static int
session_open(struct session *ss, const struct conf *c)
{
	struct spool_stats st;
	char err[1024];
	const char *path;
	int rc;

	memset(ss, 0, sizeof(*ss));
	ss->uc.endpoint = conf_str(c, "collector", "endpoint");
	ss->uc.name = conf_str(c, "agent", "name");
	ss->uc.description = conf_str(c, "agent", "description");
	ss->uc.ipv4 = conf_bool(c, "resolver", "ipv4");
	ss->uc.ipv6 = conf_bool(c, "resolver", "ipv6");
	ss->uc.ack_timeout_ms = (unsigned)conf_u64(c, "limits", "ack_timeout_ms");
	ss->uc.window = (unsigned)conf_u64(c, "limits", "window");
	ss->uc.batch_max = (unsigned)conf_u64(c, "limits", "batch_max");
	ss->uc.seal_interval_ms = (unsigned)conf_u64(c, "limits", "seal_interval_ms");
	cli_wire_limits(c, &ss->uc.limits);
	if (conf_bool(c, "collector", "plaintext")) {
		if (!wire_endpoint_is_loopback(ss->uc.endpoint)) {
			fprintf(stderr, "peil-agent: collector.plaintext is refused: %s is not a "
			    "loopback endpoint\n", ss->uc.endpoint);
			return EXIT_USAGE;
		}
		if (!keys_name_valid(ss->uc.name)) {
			fprintf(stderr, "peil-agent: agent.name '%s' is not a valid name\n",
			    ss->uc.name);
			return EXIT_USAGE;
		}
		log_warn("PLAIN TEXT mode: no encryption, no authentication (debug only)");
	} else {
		path = conf_str(c, "agent", "secret_key");
		if (keys_read_secret(path, &ss->kp, err, sizeof(err)) != 0) {
			fprintf(stderr, "peil-agent: %s: %s\n", path, err);
			return EXIT_FAIL;
		}
		path = conf_str(c, "collector", "public_key");
		if (keys_read_public(path, ss->server_pub, err, sizeof(err)) != 0) {
			fprintf(stderr, "peil-agent: %s: %s\n", path, err);
			return EXIT_FAIL;
		}
		ss->uc.keys = &ss->kp;
		ss->uc.server_public = ss->server_pub;
	}
	path = conf_str(c, "agent", "spool");
	if ((rc = spool_open(path, (size_t)conf_u64(c, "agent", "spool_map_mb"),
	    !conf_bool(c, "agent", "durable"), &ss->sp)) != 0) {
		fprintf(stderr, "peil-agent: cannot open the spool in %s: %s\n", path,
		    peil_strerror(rc));
		return EXIT_FAIL;
	}
	if (spool_stats(ss->sp, &st) == 0 && (st.pending > 0 || st.batches > 0))
		log_info("spool %s holds %llu results and %llu batches not yet delivered", path,
		    (unsigned long long)st.pending, (unsigned long long)st.batches);
	if ((ss->zctx = zmq_ctx_new()) == NULL)
		log_fatal("zmq_ctx_new failed");
	if ((ss->up = uplink_new(ss->zctx, &ss->uc, ss->sp, err, sizeof(err))) == NULL) {
		fprintf(stderr, "peil-agent: %s\n", err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static void
session_close(struct session *ss)
{
	uplink_free(ss->up);
	if (ss->zctx != NULL)
		zmq_ctx_term(ss->zctx);
	spool_close(ss->sp);
	memset(&ss->kp, 0, sizeof(ss->kp));
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
	uint64_t probed, skipped, failed, gave_up;
};

static int
worker_probe(void *arg, const char *domain, uint64_t round_id, const char *const *tests,
    size_t ntests, struct result_set *out)
{
	return probe_domain(arg, domain, round_id, tests, ntests, out);
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
	struct round_ops ops = { .probe = worker_probe, .put = worker_put, .put_arg = w->sp };
	struct probe *p;
	char err[512];

	if ((p = probe_new(w->pc, err, sizeof(err))) == NULL)
		log_fatal("cannot make a resolver: %s", err);
	ops.probe_arg = p;
	for (;;) {
		const char *domain;

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
	    "  -r, --rounds N         exit after N rounds, once every result is delivered\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct session ss;
	struct probe_conf pc;
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
	if ((status = cli_load("peil-agent", &o, agent_schema, &conf)) != EXIT_OK)
		return status;
	install_signals();
	probe_conf_from(conf, &pc);
	if ((status = session_open(&ss, conf)) != EXIT_OK)
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
	conf_free(conf);
	return status;
}

static int
cmd_probe(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-agent probe [-c FILE] [--format table|json] [--test ID]... DOMAIN...\n"
	    "Probes each domain from here, now, and prints every verdict with its evidence.\n"
	    "Needs no collector and no keys; the [resolver] settings apply.\n"
	    "  -f, --format FMT       table (default) or json (one object a line)\n"
	    "  -t, --test ID          run only this test (repeatable; default: all)\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct probe_conf pc;
	struct probe *p = NULL;
	struct result_set rs = { 0 };
	bool json;
	char err[1024];
	int status = EXIT_OK, i;

	if ((i = cli_parse("peil-agent", argc, argv, "ft", &o, help, &status)) < 0)
		return status;
	if (i >= argc) {
		fputs(help, stderr);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if (o.format != NULL && strcmp(o.format, "table") != 0 && strcmp(o.format, "json") != 0 &&
	    strcmp(o.format, "jsonl") != 0) {
		fprintf(stderr, "peil-agent: --format: '%s' is not table or json\n", o.format);
		return EXIT_USAGE;
	}
	json = o.format != NULL && strcmp(o.format, "table") != 0;
	if ((status = cli_load("peil-agent", &o, agent_schema, &conf)) != EXIT_OK)
		return status;
	install_signals();
	probe_conf_from(conf, &pc);
	if ((p = probe_new(&pc, err, sizeof(err))) == NULL) {
		fprintf(stderr, "peil-agent: %s\n", err);
		status = EXIT_FAIL;
		goto out;
	}
	for (; i < argc && !agent_stop; i++) {
		if (probe_domain(p, argv[i], 0, o.ntests ? o.tests : NULL, o.ntests, &rs) != 0) {
			fprintf(stderr, "peil-agent: %s: out of memory\n", argv[i]);
			status = EXIT_FAIL;
			break;
		}
		if (!json) {
			esc_text_str(stdout, argv[i]);
			putc('\n', stdout);
		}
		for (size_t r = 0; r < rs.n; r++) {
			if (json)
				result_write_json(rs.items[r], stdout);
			else
				result_write_table(rs.items[r], stdout, false);
		}
		if (!json)
			printf("\n");
		result_set_clear(&rs);
	}
	if (fflush(stdout) != 0)
		status = EXIT_FAIL;
out:
	probe_free(p);
	conf_free(conf);
	return status;
}

static int
cmd_keygen(int argc, char **argv)
{
	return cli_keygen("peil-agent", argc, argv, "agent",
	    "usage: peil-agent keygen [--output PREFIX] [--force]\n"
	    "Makes this agent's CURVE key pair: PREFIX.key (secret, mode 0600) and PREFIX.pub.\n"
	    "Send PREFIX.pub to the coordinator, who saves it in the collector's allowlist\n"
	    "directory under this agent's name. PREFIX defaults to 'agent'.\n"
	    "  -O, --output PREFIX    where to write\n"
	    "  -F, --force            overwrite existing files\n");
}

#define SYNTH_TASK_WAIT_MS 600000   /* synth: longest wait for a round to be handed out */

/* Synthetic results of about 300 bytes packed, as a probe's would be: for the round's
 * targets (the first page of its task list) in turn, every test of the catalogue for each. */
static int
synth_fill(struct spool *sp, uint64_t count, const Peil__TaskList *tl)
{
	Peil__Result *batch[1000];
	uint64_t made = 0;
	size_t ncat = 0;
	const struct catalogue_entry *cat = catalogue_all(&ncat);
	int rc = 0;

	while (made < count && rc == 0) {
		size_t n = count - made < 1000 ? (size_t)(count - made) : 1000;

		for (size_t k = 0; k < n; k++) {
			uint64_t i = made + k;
			const char *domain = tl->targets[i % tl->n_targets];

			batch[k] = result_new(domain, cat[(i / tl->n_targets) % ncat].id,
			    PEIL__STATUS__PASSED, "rfc4033");
			if (batch[k] == NULL ||
			    result_add_evidence(batch[k], "dnssec", "secure") != 0 ||
			    result_add_evidence(batch[k], "rrset", "%s. 3600 IN SOA ns1.%s. "
			    "hostmaster.%s. 2026112901 7200 3600 1209600 3600", domain, domain,
			    domain) != 0 ||
			    result_add_evidence(batch[k], "resolver", "validating, trust anchor "
			    "root.ds, 2 queries, 3 ms") != 0)
				log_fatal("out of memory");
			batch[k]->round_id = tl->round_id;
			batch[k]->measured_at_ms = (int64_t)time(NULL) * 1000;
		}
		rc = spool_put(sp, 0, NULL, batch, n);
		for (size_t k = 0; k < n; k++)
			result_free(batch[k]);
		made += n;
	}
	return rc;
}

static int
cmd_synth(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-agent synth [--count N] [--go-file F] [-c FILE]\n"
	    "For tests and benchmarks: asks the collector for a round (as an agent does), puts N\n"
	    "synthetic results (about 300 bytes each) for its targets into the spool, waits until\n"
	    "file F exists (when given), then delivers everything in the spool to the collector\n"
	    "and exits. Prints the delivery time and rate.\n"
	    "  -n, --count N          results to make (default 0: deliver what the spool holds)\n"
	    "  -g, --go-file F        start delivering once F exists\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct session ss;
	struct uplink_stats us;
	struct stat sb;
	int64_t t0, t1;
	int status = EXIT_OK, i, rc;

	if ((i = cli_parse("peil-agent", argc, argv, "ng", &o, help, &status)) < 0)
		return status;
	if (i != argc) {
		fputs(help, stderr);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-agent", &o, agent_schema, &conf)) != EXIT_OK)
		return status;
	install_signals();
	if ((status = session_open(&ss, conf)) != EXIT_OK)
		goto out;
	if (o.count > 0) {
		/* The collector takes results only for a round it handed out (bounded wait: an
		 * agent not yet admitted waits to be). */
		Peil__Envelope *env = NULL;
		int64_t end = clock_mono_ms() + SYNTH_TASK_WAIT_MS, ask = 0;

		while (!agent_stop && clock_mono_ms() < end) {
			if (uplink_step(ss.up, 20) != 0)
				break;
			if (!uplink_welcomed(ss.up))
				continue;
			if ((env = uplink_take_tasks(ss.up)) != NULL) {
				if (env->task_list->round_id != 0 && env->task_list->n_targets > 0)
					break;
				wire_envelope_free(env);
				env = NULL;
			}
			if (clock_mono_ms() >= ask) {
				uplink_request_tasks(ss.up, 0, 0, 0);
				ask = clock_mono_ms() + 1000;
			}
		}
		if (env == NULL) {
			fprintf(stderr, "peil-agent: synth: the collector handed out no round "
			    "(targets import FILE, then a round opens)\n");
			status = EXIT_FAIL;
			goto out;
		}
		rc = synth_fill(ss.sp, o.count, env->task_list);
		wire_envelope_free(env);
		if (rc != 0) {
			fprintf(stderr, "peil-agent: synth: could not fill the spool\n");
			status = EXIT_FAIL;
			goto out;
		}
	}
	log_info("spooled %llu synthetic results", (unsigned long long)o.count);
	while (o.go_file != NULL && stat(o.go_file, &sb) != 0 && !agent_stop)
		usleep(10000);
	t0 = clock_mono_ms();
	while (!agent_stop) {
		if (uplink_step(ss.up, 20) != 0) {
			status = EXIT_FAIL;
			break;
		}
		if (uplink_welcomed(ss.up) && uplink_drained(ss.up))
			break;
	}
	t1 = clock_mono_ms();
	uplink_get_stats(ss.up, &us);
	if (agent_stop) {
		status = EXIT_FAIL;
		fprintf(stderr, "peil-agent: synth: interrupted\n");
	} else {
		printf("delivered %llu new results in %.3f s (%.0f results/s); batches sent %llu, "
		    "re-sent %llu\n", (unsigned long long)o.count, (double)(t1 - t0) / 1000.0,
		    t1 > t0 ? (double)o.count * 1000.0 / (double)(t1 - t0) : 0.0,
		    (unsigned long long)us.batches_sent, (unsigned long long)us.batches_resent);
	}
out:
	session_close(&ss);
	conf_free(conf);
	return status;
}

static int
cmd_config(int argc, char **argv)
{
	return cli_config("peil-agent", argc, argv, agent_schema);
}

int
main(int argc, char **argv)
{
	static const struct cli_command cmds[] = {
		{ "run", cmd_run },
		{ "probe", cmd_probe },
		{ "keygen", cmd_keygen },
		{ "synth", cmd_synth },
		{ "config", cmd_config },
		{ NULL, NULL },
	};

	return cli_dispatch("peil-agent", argc, argv, cmds, usage_main);
}
