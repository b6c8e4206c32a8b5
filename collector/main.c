/* main.c: peil-collector, the central daemon and the coordinator's command line. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "enroll.h"
#include "err.h"
#include "esc.h"
#include "fingerprint.h"
#include "keys.h"
#include "limits.h"
#include "log.h"
#include "metrics.h"
#include "query.h"
#include "report.h"
#include "server.h"
#include "store.h"
#include "tasks.h"
#include "zmqapi.h"

/* A default of limits.h as the schema's text. */
#define STR_(x) #x
#define STR(x) STR_(x)

static const struct conf_key collector_schema[] = {
	{ "collector", "listen", CONF_STR, "tcp://127.0.0.1:4700", 0, 0,
	  "ZeroMQ endpoint the collector binds" },
	{ "collector", "secret_key", CONF_PATH, "/etc/peil/collector.key", 0, 0,
	  "the collector's key file (peil-collector keygen)" },
	{ "collector", "allowlist", CONF_PATH, "/etc/peil/agents.d", 0, 0,
	  "directory of agent public keys, one file per agent, file name = agent name" },
	{ "collector", "store", CONF_PATH, "/var/lib/peil/collector", 0, 0,
	  "directory of the LMDB store" },
	{ "collector", "map_mb", CONF_U64, "64", 1, 1048576,
	  "initial LMDB map size in MiB; it grows by itself" },
	{ "collector", "map_max_mb", CONF_U64, STR(DEFAULT_STORE_MAP_MAX_MB), 1, 1048576,
	  "the LMDB map never grows past this many MiB: results are then refused (Error STORE_FULL)" },
	{ "collector", "round_grace", CONF_U64, STR(DEFAULT_ROUND_GRACE_S), 1, 31536000,
	  "seconds after a round ended that its late results are still taken" },
	{ "collector", "interval", CONF_U64, "86400", 10, 31536000,
	  "seconds between the starts of two rounds" },
	{ "collector", "retry_after", CONF_U64, "30", 1, 3600,
	  "seconds an idle agent waits before it asks for a round again" },
	{ "collector", "tests", CONF_STR, "", 0, 0,
	  "test ids the agents run, separated by spaces or commas; empty: the whole catalogue" },
	{ "collector", "durable", CONF_BOOL, "yes", 0, 0,
	  "fsync every commit; 'no' only for tests: a crash may lose acknowledged results" },
	{ "collector", "plaintext", CONF_BOOL, "no", 0, 0,
	  "DEBUG ONLY: no CURVE, no authentication; refused unless listen is on loopback" },
	{ "collector", "max_connections", CONF_U64, STR(DEFAULT_MAX_CONNECTIONS), 1,
	  MAX_CONNECTIONS_LIMIT, "connections kept open at once; past it the oldest unnamed "
	  "one, or the newcomer, is closed" },
	{ "collector", "memory_mb", CONF_U64, STR(COLLECTOR_MEMORY_BUDGET_MB), 64,
	  MAX_MEMORY_BUDGET_MB, "memory budget, MiB: the collector refuses to start when "
	  "max_connections x ((rcvhwm + 2) x max_message_bytes + (sndhwm + 2) x the largest "
	  "reply) plus its decoding arenas could exceed it" },
	CLI_LIMIT_KEYS_WITH(STR(COLLECTOR_MAX_MESSAGE_BYTES), STR(COLLECTOR_SNDHWM),
	    STR(COLLECTOR_RCVHWM)),
	METRICS_CONF_KEYS,
	{ NULL, NULL, CONF_STR, NULL, 0, 0, NULL },
};

static const char usage_main[] =
	    "usage: peil-collector COMMAND [OPTIONS]\n"
	    "\n"
	    "The central collector of peil: takes results from agents over ZeroMQ (CURVE),\n"
	    "stores them in LMDB, hands out rounds of targets, and answers queries.\n"
	    "\n"
	    "commands:\n"
	    "  run                 run the daemon\n"
	    "  keygen              make the collector's CURVE key pair\n"
	    "  targets import CSV  import organisations and domains (organisation,domain[,publish])\n"
	    "  targets list        list the targets, in the import format\n"
	    "  agents              agents that have connected: vantage, last contact, self-tests\n"
	    "  agents add NAME FILE.pub   enroll an agent (a running collector admits it at once)\n"
	    "  agents remove NAME  withdraw an agent (its connection is closed at once)\n"
	    "  agents list         the enrolled agents and their key fingerprints\n"
	    "  backup DIR          copy the store, consistent, while the collector runs\n"
	    "  show DOMAIN         every vantage's latest verdict of every test, and the consensus\n"
	    "  export              results with their consensus: json, csv, table, matrix, internetnl\n"
	    "  rounds              the rounds, their start and end\n"
	    "  report --out DIR    write the published site (or send-back packs) of a round\n"
	    "  config              print an example configuration file with every key\n"
	    "\n"
	    "  --version           print the version\n"
	    "\n"
	    "Every command takes -c FILE (configuration, default none: built-in defaults),\n"
	    "-o SECTION.KEY=VALUE (override, repeatable) and --help. The commands on the\n"
	    "store take --store DIR; without -c or --store they use /var/lib/peil/collector.\n"
	    "Exit status: 0 success, 1 failure (or nothing found), 2 usage or configuration error.\n";

/* The exit statuses every command's help ends with. */
#define HELP_EXIT \
	"Exit status: 0 success, 1 failure, 2 usage or configuration error.\n"


static int
open_store(const struct conf *conf, bool readonly, struct store **s)
{
	struct store_opts so = { (size_t)conf_u64(conf, "collector", "map_mb"), readonly,
	    !conf_bool(conf, "collector", "durable"),
	    (size_t)conf_u64(conf, "collector", "map_max_mb"),
	    (uint32_t)conf_u64(conf, "collector", "round_grace") };
	const char *dir = conf_str(conf, "collector", "store");
	int rc;

	if ((rc = store_open(dir, &so, s)) != 0) {
		/* PEIL_EIO keeps errno: the cause (No such file or directory, Permission denied). */
		int e = errno;

		fprintf(stderr, "peil-collector: cannot open the store in %s: %s (%s)\n", dir,
		    rc == PEIL_EIO ? strerror(e) : peil_strerror(rc),
		    rc == PEIL_ESCHEMA ? "the line above says why" :
		    rc == PEIL_EIO && (e == ENOSPC || e == EDQUOT) ? "the disk is full: free "
		    "space there, or move the store to a larger disk and set collector.store" :
		    "the store of another collector? give its configuration with -c FILE, or "
		    "--store DIR");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The formats of a command, in the order its help names them. */
static const char *const fmts_all[] = { "table", "json", "csv", NULL };
static const char *const fmts_targets[] = { "csv", "json", "table", NULL };

/* --format against the command's list `ok`; an unknown value: one line naming them, 2. */
static int
get_format(const struct cli_opts *o, const char *const *ok, enum query_format def,
    enum query_format *fmt)
{
	size_t i;

	*fmt = def;
	if (o->format == NULL)
		return EXIT_OK;
	for (i = 0; ok[i] != NULL && strcmp(o->format, ok[i]) != 0; i++)
		;
	if (ok[i] == NULL || query_format_parse(o->format, fmt) != 0) {
		fputs("peil-collector: --format: '", stderr);
		esc_text_str(stderr, o->format);
		fputs("' is not one of", stderr);
		for (i = 0; ok[i] != NULL; i++)
			fprintf(stderr, "%s %s", i > 0 ? "," : "", ok[i]);
		putc('\n', stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int
cmd_run(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-collector run [-c FILE] [-o S.K=V]...\n"
	    "Runs the collector daemon until SIGINT or SIGTERM. A change to the allowlist\n"
	    "directory (peil-collector agents add|remove) takes effect at once; SIGHUP reloads\n"
	    "it too. An older store is backed up into the store directory, then upgraded.\n"
	    "Metrics are served at http://[metrics] listen/metrics when that key is set.\n"
	    "Exit status: 0 stopped by a signal, 1 failure (key file, store, allowlist, metrics\n"
	    "port in use), 2 usage or configuration error.\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct server_conf sc = { 0 };
	struct keypair kp;
	char err[1024];
	int status = EXIT_OK, i, rc;

	if ((i = cli_parse("peil-collector", argc, argv, "", &o, help, &status)) < 0)
		return status;
	if (i != argc) {
		fprintf(stderr, "%s", help);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-collector", &o, collector_schema, &conf)) != EXIT_OK)
		return status;
	/* The daemon's large blocks (messages, arena chunks) are mmap'd and go back to the
	 * system when freed: its resident memory follows what it holds, under memory_mb, rather
	 * than keeping the heap's high-water mark of several threads' arenas. */
	mallopt(M_MMAP_THRESHOLD, COLLECTOR_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, COLLECTOR_MMAP_THRESHOLD);
	sc.listen = conf_str(conf, "collector", "listen");
	sc.allowlist_dir = conf_str(conf, "collector", "allowlist");
	sc.store_dir = conf_str(conf, "collector", "store");
	sc.map_mb = (size_t)conf_u64(conf, "collector", "map_mb");
	sc.map_max_mb = (size_t)conf_u64(conf, "collector", "map_max_mb");
	sc.round_grace_s = (uint32_t)conf_u64(conf, "collector", "round_grace");
	if (sc.map_mb > sc.map_max_mb) {
		fprintf(stderr, "peil-collector: collector.map_mb (%zu) is over collector.map_max_mb "
		    "(%zu)\n", sc.map_mb, sc.map_max_mb);
		conf_free(conf);
		return EXIT_USAGE;
	}
	sc.interval_s = conf_u64(conf, "collector", "interval");
	sc.tests = conf_str(conf, "collector", "tests");
	sc.retry_after_s = (uint32_t)conf_u64(conf, "collector", "retry_after");
	sc.max_conns = (size_t)conf_u64(conf, "collector", "max_connections");
	sc.memory_mb = conf_u64(conf, "collector", "memory_mb");
	sc.metrics_listen = conf_str(conf, "metrics", "listen");
	if (sc.metrics_listen[0] != '\0' &&
	    metrics_check_listen(sc.metrics_listen, err, sizeof(err)) != 0) {
		fprintf(stderr, "peil-collector: %s\n", err);
		conf_free(conf);
		return EXIT_USAGE;
	}
	if (tasks_check_tests(sc.tests, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "peil-collector: %s\n", err);
		conf_free(conf);
		return EXIT_USAGE;
	}
	sc.nosync = !conf_bool(conf, "collector", "durable");
	cli_wire_limits(conf, &sc.limits);
	if (server_memory_worst(&sc) > (sc.memory_mb << 20)) {
		fprintf(stderr, "peil-collector: the limits could take %llu MiB, over "
		    "collector.memory_mb = %llu: lower limits.max_message_bytes, rcvhwm, sndhwm "
		    "or collector.max_connections, or raise collector.memory_mb\n",
		    (unsigned long long)(server_memory_worst(&sc) >> 20),
		    (unsigned long long)sc.memory_mb);
		conf_free(conf);
		return EXIT_USAGE;
	}
	/* libzmq now (the keys need it too): without it the collector stops here, at start. */
	if (zmqapi_load(err, sizeof(err)) == NULL) {
		fprintf(stderr, "peil-collector: %s\n", err);
		conf_free(conf);
		return EXIT_FAIL;
	}
	if (conf_bool(conf, "collector", "plaintext")) {
		if (!wire_endpoint_is_loopback(sc.listen)) {
			fprintf(stderr, "peil-collector: collector.plaintext is refused: %s is not "
			    "a loopback endpoint\n", sc.listen);
			conf_free(conf);
			return EXIT_USAGE;
		}
		log_warn("PLAIN TEXT mode: no encryption, no authentication (debug only)");
		sc.keys = NULL;
	} else {
		const char *kf = conf_str(conf, "collector", "secret_key");

		if (keys_read_secret(kf, &kp, err, sizeof(err)) != 0) {
			/* err names the file. */
			fprintf(stderr, "peil-collector: collector.secret_key: %s (make a key pair "
			    "with peil-collector keygen --output PREFIX, or give the key file's path "
			    "as collector.secret_key)\n", err);
			conf_free(conf);
			return EXIT_FAIL;
		}
		sc.keys = &kp;
	}
	rc = server_run(&sc);
	conf_free(conf);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int
cmd_keygen(int argc, char **argv)
{
	return cli_keygen("peil-collector", argc, argv, "collector",
	    "usage: peil-collector keygen [--output PREFIX] [--force]\n"
	    "Makes a CURVE key pair: PREFIX.key (secret, mode 0600) and PREFIX.pub (give this\n"
	    "to every agent), and prints the public key's fingerprint: give it too, over\n"
	    "another channel; peil-agent enroll checks PREFIX.pub against it. PREFIX defaults\n"
	    "to 'collector'. Refuses to overwrite without --force.\n"
	    "  -O, --output PREFIX    where to write\n"
	    "  -F, --force            overwrite existing files\n"
	    "Exit status: 0 written, 1 failure (a file exists, cannot write), 2 usage.\n");
}

static int
cmd_targets(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-collector targets import FILE.csv [-c FILE]\n"
	    "       peil-collector targets list [--format csv|json|table] [-c FILE]\n"
	    "import: CSV with columns organisation,domain[,publish] (optional header line;\n"
	    "publish is yes/no, default no). The whole file is checked first: on an error\n"
	    "nothing is imported. A domain imported again moves to the new organisation.\n"
	    "A repeated line (same organisation and domain) is imported once and reported;\n"
	    "a public suffix (a top-level domain such as 'test', or 'co.uk') is refused.\n"
	    "  -f, --format FMT       list as csv (default; the import format), json or table\n"
	    "  -s, --store DIR        the store directory (overrides collector.store)\n"
	    "Exit status: 0 success, 1 failure (nothing imported, the store cannot be read),\n"
	    "2 usage or configuration error.\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct store *s = NULL;
	enum query_format fmt;
	char err[1024];
	struct store_import_dups dups;
	size_t count = 0;
	int status = EXIT_OK, i, rc;

	if ((i = cli_parse("peil-collector", argc, argv, "fs", &o, help, &status)) < 0)
		return status;
	if (i >= argc || (strcmp(argv[i], "import") == 0 ? i + 2 != argc :
	    strcmp(argv[i], "list") == 0 ? i + 1 != argc : true)) {
		fprintf(stderr, "%s", help);
		return EXIT_USAGE;
	}
	if (strcmp(argv[i], "import") == 0 && o.format != NULL) {
		fprintf(stderr, "peil-collector: targets import reads CSV and takes no --format "
		    "(--format is for targets list)\n");
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-collector", &o, collector_schema, &conf)) != EXIT_OK)
		return status;
	if ((status = get_format(&o, fmts_targets, QUERY_CSV, &fmt)) != EXIT_OK)
		goto out;
	if (strcmp(argv[i], "import") == 0) {
		if ((status = open_store(conf, false, &s)) != EXIT_OK)
			goto out;
		if ((rc = store_targets_import_dups(s, argv[i + 1], &count, &dups, err,
		    sizeof(err))) != 0 && rc == PEIL_EIO && (errno == ENOSPC || errno == EDQUOT)) {
			fprintf(stderr, "peil-collector: the store in %s: %s: nothing imported (the "
			    "disk is full: free space there, or move the store to a larger disk and "
			    "set collector.store)\n", conf_str(conf, "collector", "store"),
			    strerror(errno));
			status = EXIT_FAIL;
			goto out;
		}
		if (rc != 0) {
			/* The reason quotes the file's bytes: made safe for the terminal. */
			fputs("peil-collector: ", stderr);
			esc_text_str(stderr, err[0] ? err : peil_strerror(rc));
			putc('\n', stderr);
			status = EXIT_FAIL;
			goto out;
		}
		if (dups.n > 0) {
			fprintf(stderr, "peil-collector: %zu repeated line%s (same organisation and "
			    "domain as an earlier line), imported once: line%s", dups.n,
			    dups.n == 1 ? "" : "s", dups.shown == 1 ? "" : "s");
			for (size_t k = 0; k < dups.shown; k++)
				fprintf(stderr, "%s %zu", k > 0 ? "," : "", dups.lines[k]);
			fprintf(stderr, "%s\n", dups.n > dups.shown ? ", ..." : "");
		}
		printf("imported %zu domain%s from ", count, count == 1 ? "" : "s");
		esc_text_str(stdout, argv[i + 1]);
		putc('\n', stdout);
	} else {
		if ((status = open_store(conf, true, &s)) != EXIT_OK)
			goto out;
		if (query_targets(s, fmt, stdout) != 0)
			status = EXIT_FAIL;
	}
out:
	store_close(s);
	conf_free(conf);
	return status;
}

/* The read-only commands share one shape. */
static int
cmd_read(int argc, char **argv, const char *help, int nargs, enum query_format def,
    int (*fn)(struct store *, const char *, enum query_format))
{
	struct cli_opts o;
	struct conf *conf = NULL;
	struct store *s = NULL;
	enum query_format fmt;
	char dom[MAX_DOMAIN_LEN + 1];
	const char *why, *arg = NULL;
	int status = EXIT_OK, i, rc;

	if ((i = cli_parse("peil-collector", argc, argv, "fs", &o, help, &status)) < 0)
		return status;
	if (argc - i != nargs) {
		fprintf(stderr, "%s", help);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-collector", &o, collector_schema, &conf)) != EXIT_OK)
		return status;
	if ((status = get_format(&o, fmts_all, def, &fmt)) != EXIT_OK)
		goto out;
	if (nargs > 0) {
		if ((why = store_domain_normalize(argv[i], dom)) != NULL) {
			fputs("peil-collector: '", stderr);
			esc_text_str(stderr, argv[i]);
			fprintf(stderr, "': %s\n", why);
			status = EXIT_USAGE;
			goto out;
		}
		arg = dom;
	}
	if ((status = open_store(conf, true, &s)) != EXIT_OK)
		goto out;
	rc = fn(s, arg, fmt);
	if (rc == PEIL_ENOENT && nargs > 0) {
		fprintf(stderr, "peil-collector: no results for %s: not a target, or no agent has "
		    "reported on it yet (see peil-collector targets list, peil-collector agents)\n",
		    arg);
		status = EXIT_FAIL;
	} else if (rc != 0) {
		fprintf(stderr, "peil-collector: %s\n", peil_strerror(rc));
		status = EXIT_FAIL;
	}
	if (fflush(stdout) != 0)
		status = EXIT_FAIL;
out:
	store_close(s);
	conf_free(conf);
	return status;
}

static int
do_show(struct store *s, const char *domain, enum query_format fmt)
{
	return query_show(s, domain, fmt, stdout);
}

static int
do_agents(struct store *s, const char *unused, enum query_format fmt)
{
	(void)unused;
	return query_agents(s, fmt, stdout);
}


static int
cmd_show(int argc, char **argv)
{
	return cmd_read(argc, argv,
		    "usage: peil-collector show DOMAIN [--format table|json|csv] [-c FILE]\n"
		    "The latest verdict of every test from every vantage, with its evidence, and per\n"
		    "test the vantages' consensus in the newest round that has the test\n"
		    "(docs/consensus.md): the table has a column per vantage (a status in\n"
		    "parentheses is not counted: no IPv6 that round for an IPv6 reachability test,\n"
		    "or an older round), the consensus, and DISAGREE with who saw what; a vantage\n"
		    "that says vantage_ipv6 passed while all its IPv6 tests are error is flagged.\n"
		    "json and csv: a result a line, with \"consensus\", \"disagree\", \"who\"\n"
		    "(\"a=passed b=failed\": the vantages counted), \"counted\" and, when set,\n"
		    "\"vantage_flag\".\n"
		    "  -f, --format FMT       table (default), json (one object a line) or csv\n"
		    "  -s, --store DIR        the store directory (overrides collector.store)\n"
		    "Exit status: 0 results shown, 1 no results for DOMAIN or failure, 2 usage\n"
		    "(DOMAIN not a domain name) or configuration error.\n",
		    1, QUERY_TABLE, do_show);
}

static const char export_help[] =
	    "usage: peil-collector export [--round N] [--domain D]\n"
	    "           [--format json|csv|table|matrix|internetnl] [--type web|mail] [-c FILE]\n"
	    "Every stored result in the order it arrived, streamed to standard output. Each\n"
	    "carries the consensus of its (round, domain, test) over every vantage's latest\n"
	    "result of it (docs/consensus.md): \"consensus\", \"disagree\" (true/false; csv\n"
	    "yes/no) and \"who\" (\"a=passed b=failed\"). The vantage self-tests (domain \"\")\n"
	    "get theirs over the vantages' self-tests of the round. With --round or --domain,\n"
	    "each vantage's latest result of every (round, domain, test) selected, read through\n"
	    "the per-round index, in (round, domain, test, vantage) order (docs/report.md).\n"
	    "  --round N              only round N (an unknown round is an error)\n"
	    "  --domain D             only domain D (no result for it is an error)\n"
	    "  -f, --format FMT       json (default; one object a line), csv, table,\n"
	    "                         matrix (CSV: a row per round, domain and test, a column\n"
	    "                         per vantage, then consensus, disagree, who) or internetnl\n"
	    "                         (internet.nl's batch API 2.4.0 results of one round: the\n"
	    "                         newest, or --round N)\n"
	    "  --type T               internetnl: the request type, web (default) or mail\n"
	    "  -s, --store DIR        the store directory (overrides collector.store)\n"
	    "Exit status: 0 success, 1 failure (no such round, no result for the domain or in\n"
	    "the round, the store cannot be read), 2 usage or configuration error.\n";

/* export's own options are taken out of argv before cli_parse sees the rest, as report's
 * are; a bad value is said in why (the first one). */
static void
export_opts_take(int *argcp, char **argv, struct query_export_opts *eo, const char **domain,
    const char **type, char *why, size_t whylen)
{
	static const struct cli_own own[] = { { "--round", true }, { "--domain", true },
	    { "--type", true }, { NULL, false } };
	static const char *const keep[] = { "-c", "-o", "-s", "-f", "--config", "--set",
	    "--store", "--format", NULL };
	struct cli_take t;
	const char *val;
	int k;

	cli_take_begin(&t, *argcp, argv);
	while ((k = cli_take_next(&t, own, keep, &val, why, whylen)) >= 0) {
		if (k == 0) {
			unsigned long long v;

			if (cli_number(val, 1, &v))
				eo->round = v;
			else if (why[0] == '\0')
				snprintf(why, whylen, "--round: '%.64s' is not a whole number from 1 "
				    "to %llu", val, MAX_CLI_NUMBER);
		} else if (k == 1) {
			*domain = val;
		} else {
			*type = val;
		}
	}
	*argcp = cli_take_end(&t);
}

static const char *const fmts_export[] = { "table", "json", "csv", "matrix", "internetnl",
    NULL };

static int
cmd_export(int argc, char **argv)
{
	struct query_export_opts eo = { 0, NULL, false };
	struct cli_opts o;
	struct conf *conf = NULL;
	struct store *s = NULL;
	enum query_format fmt;
	const char *domain = NULL, *type = NULL, *bad;
	char dom[MAX_DOMAIN_LEN + 1], why[256] = "", err[1024];
	int status = EXIT_OK, i, rc;

	export_opts_take(&argc, argv, &eo, &domain, &type, why, sizeof(why));
	if ((i = cli_parse("peil-collector", argc, argv, "fs", &o, export_help, &status)) < 0)
		return status;
	if (why[0] != '\0') {
		fputs("peil-collector: ", stderr);
		esc_text_str(stderr, why);
		putc('\n', stderr);
		return EXIT_USAGE;
	}
	if (i != argc) {
		fprintf(stderr, "%s", export_help);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-collector", &o, collector_schema, &conf)) != EXIT_OK)
		return status;
	if ((status = get_format(&o, fmts_export, QUERY_JSON, &fmt)) != EXIT_OK)
		goto out;
	status = EXIT_USAGE;
	if (domain != NULL) {
		if ((bad = store_domain_normalize(domain, dom)) != NULL) {
			fputs("peil-collector: --domain: '", stderr);
			esc_text_str(stderr, domain);
			fprintf(stderr, "': %s\n", bad);
			goto out;
		}
		eo.domain = dom;
	}
	if (type != NULL) {
		if (fmt != QUERY_INTERNETNL) {
			fputs("peil-collector: --type is for --format internetnl (internet.nl's "
			    "request type)\n", stderr);
			goto out;
		}
		if (strcmp(type, "mail") == 0) {
			eo.mail = true;
		} else if (strcmp(type, "web") != 0) {
			fputs("peil-collector: --type: '", stderr);
			esc_text_str(stderr, type);
			fputs("' is not web or mail\n", stderr);
			goto out;
		}
	}
	if ((status = open_store(conf, true, &s)) != EXIT_OK)
		goto out;
	if ((rc = query_export_sel(s, &eo, fmt, stdout, err, sizeof(err))) != 0) {
		/* err may quote the domain asked for: safe for the terminal. */
		if (err[0] != '\0') {
			fputs("peil-collector: export: ", stderr);
			esc_text_str(stderr, err);
			putc('\n', stderr);
		} else {
			fprintf(stderr, "peil-collector: %s\n", peil_strerror(rc));
		}
		status = EXIT_FAIL;
	}
	if (fflush(stdout) != 0)
		status = EXIT_FAIL;
out:
	store_close(s);
	conf_free(conf);
	return status;
}

static const char agents_help[] =
	    "usage: peil-collector agents [--format table|json|csv] [-c FILE]\n"
	    "Agents that have connected: vantage facts, first and last contact, results, and\n"
	    "the self-tests (vantage_ipv6, vantage_rov) of the newest of the last 16 rounds\n"
	    "that has them (json: \"vantage_ipv6\", \"vantage_rov\", \"self_test_round\", null\n"
	    "when none; \"vantage_flag\" when its vantage_ipv6 passed but all its IPv6 tests\n"
	    "of that round are error).\n"
	    "(peil-collector agents add|remove|list manage the allowlist: see their --help.)\n"
	    "  -f, --format FMT       table (default), json (one object a line) or csv\n"
	    "  -s, --store DIR        the store directory (overrides collector.store)\n"
	    HELP_EXIT;
static const char agents_add_help[] =
	    "usage: peil-collector agents add NAME AGENT.pub [--force] [-c FILE]\n"
	    "Enrolls agent NAME with the public key in AGENT.pub (what the participant's\n"
	    "peil-agent enroll printed: compare the fingerprint printed here with theirs) as\n"
	    "a file named NAME in the allowlist directory (collector.allowlist). A running\n"
	    "collector admits the agent at once; no signal is needed.\n"
	    "  -F, --force            replace the key of an agent enrolled already\n"
	    "Exit status: 0 enrolled, 1 failure (the key file, the directory, the name or the\n"
	    "key enrolled already; nothing changed), 2 usage or configuration error (a bad\n"
	    "agent name).\n";
static const char agents_remove_help[] =
	    "usage: peil-collector agents remove NAME [-c FILE]\n"
	    "Withdraws agent NAME from the allowlist directory. A running collector closes its\n"
	    "connection at once and refuses whatever it sends; its stored results are kept.\n"
	    "Exit status: 0 removed, 1 failure (no such agent, the directory), 2 usage or\n"
	    "configuration error (a bad agent name).\n";
static const char agents_list_help[] =
	    "usage: peil-collector agents list [-c FILE]\n"
	    "Every file of the allowlist directory: the agent's name and its key's fingerprint\n"
	    "(SHA256 of the key, as keygen and peil-agent enroll print it), a tab between, or\n"
	    "why the collector skips the file.\n"
	    "Exit status: 0 listed, 1 failure (the directory cannot be read), 2 usage or\n"
	    "configuration error.\n";

/* agents add|remove|list: the allowlist directory. */
static int
cmd_agents_enroll(int argc, char **argv)
{
	struct cli_opts o;
	struct conf *conf = NULL;
	const char *dir, *what, *help;
	char err[2048], fp[FINGERPRINT_LEN + 1];
	enum enroll_fault f = ENROLL_OK;
	size_t n = 0;
	int status = EXIT_OK, i, want;

	/* argv[1] is the subcommand (cmd_agents found it there). */
	what = argv[1];
	want = strcmp(what, "add") == 0 ? 3 : strcmp(what, "remove") == 0 ? 2 : 1;
	help = want == 3 ? agents_add_help : want == 2 ? agents_remove_help : agents_list_help;
	if ((i = cli_parse("peil-collector", argc - 1, argv + 1, want == 3 ? "F" : "", &o, help,
	    &status)) < 0)
		return status;
	/* Operands after the subcommand: NAME [FILE]. */
	if (argc - 1 - i != want - 1) {
		fputs(help, stderr);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-collector", &o, collector_schema, &conf)) != EXIT_OK)
		return status;
	dir = conf_str(conf, "collector", "allowlist");
	if (want == 3) {
		if ((f = enroll_add(dir, argv[1 + i], argv[2 + i], o.force, fp, err,
		    sizeof(err))) == ENROLL_OK)
			printf("agent %s enrolled in %s, key fingerprint %s; a running collector "
			    "admits it at once\n", argv[1 + i], dir, fp);
	} else if (want == 2) {
		if ((f = enroll_remove(dir, argv[1 + i], err, sizeof(err))) == ENROLL_OK)
			printf("agent %s removed from %s; a running collector closes its "
			    "connection at once; its stored results are kept\n", argv[1 + i], dir);
	} else {
		f = enroll_list(dir, stdout, &n, err, sizeof(err));
		if (f == ENROLL_OK && fflush(stdout) != 0)
			status = EXIT_FAIL;
	}
	if (f != ENROLL_OK) {
		/* The reason may quote a file name or a name given: made safe for the terminal. */
		fputs("peil-collector: agents ", stderr);
		esc_text_str(stderr, what);
		fputs(": ", stderr);
		esc_text_str(stderr, err);
		putc('\n', stderr);
		status = f == ENROLL_USAGE ? EXIT_USAGE : EXIT_FAIL;
	}
	conf_free(conf);
	return status;
}

static int
cmd_agents(int argc, char **argv)
{
	/* agents add|remove|list: the subcommand comes first, as for targets. */
	if (argc >= 2 && (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "remove") == 0 ||
	    strcmp(argv[1], "list") == 0))
		return cmd_agents_enroll(argc, argv);
	return cmd_read(argc, argv, agents_help, 0, QUERY_TABLE, do_agents);
}

static int
cmd_backup(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-collector backup DIR [-c FILE] [--store DIR]\n"
	    "Copies the store into DIR, consistent and compacted (LMDB's mdb_env_copy2), while\n"
	    "a collector may be running and writing. DIR must not exist or be empty; the copy\n"
	    "is made in DIR.tmp and renamed to DIR when whole. Read it with --store DIR (show,\n"
	    "export, ...); restore it by stopping the collector and putting DIR's data.mdb in\n"
	    "the store directory.\n"
	    "  -s, --store DIR        the store directory (overrides collector.store)\n"
	    "Exit status: 0 copied, 1 failure (DIR exists with content, disk full, the store\n"
	    "cannot be read; nothing left behind), 2 usage or configuration error.\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct store_backup_info info;
	const char *dir;
	char err[2048];
	int status = EXIT_OK, i;

	if ((i = cli_parse("peil-collector", argc, argv, "s", &o, help, &status)) < 0)
		return status;
	if (argc - i != 1 || argv[i][0] == '\0') {
		fputs(help, stderr);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-collector", &o, collector_schema, &conf)) != EXIT_OK)
		return status;
	dir = conf_str(conf, "collector", "store");
	if (store_backup(dir, argv[i], &info, err, sizeof(err)) != 0) {
		fputs("peil-collector: backup: ", stderr);
		esc_text_str(stderr, err);
		putc('\n', stderr);
		status = EXIT_FAIL;
	} else {
		printf("store %s backed up to ", dir);
		esc_text_str(stdout, argv[i]);
		printf(": %llu bytes, schema version %llu\n", (unsigned long long)info.bytes,
		    (unsigned long long)info.schema);
	}
	conf_free(conf);
	return status;
}

static int
cmd_rounds(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-collector rounds [--format table|json|csv] [--open] [-c FILE]\n"
	    "Every round: when it started and ended, targets and results.\n"
	    "  -f, --format FMT       table (default), json (one object a line) or csv\n"
	    "  -N, --open             open a new round now over every target (a running\n"
	    "                         collector hands it out within a second), then list\n"
	    "  -s, --store DIR        the store directory (overrides collector.store)\n"
	    "Exit status: 0 success, 1 failure (no round opened: no targets), 2 usage or\n"
	    "configuration error.\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct store *s = NULL;
	enum query_format fmt;
	char **domains = NULL, err[1024];
	size_t n = 0, ntests = 0;
	uint64_t id;
	int status = EXIT_OK, i, rc;

	if ((i = cli_parse("peil-collector", argc, argv, "fsN", &o, help, &status)) < 0)
		return status;
	if (i != argc) {
		fputs(help, stderr);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-collector", &o, collector_schema, &conf)) != EXIT_OK)
		return status;
	if ((status = get_format(&o, fmts_all, QUERY_TABLE, &fmt)) != EXIT_OK)
		goto out;
	if ((status = open_store(conf, !o.open, &s)) != EXIT_OK)
		goto out;
	if (o.open) {
		if ((rc = store_targets_domains(s, &domains, &n)) != 0 || n == 0) {
			fprintf(stderr, "peil-collector: no round opened: %s\n",
			    rc != 0 ? peil_strerror(rc) :
			    "no targets (peil-collector targets import FILE.csv)");
			status = EXIT_FAIL;
			goto out;
		}
		if (tasks_check_tests(conf_str(conf, "collector", "tests"), &ntests, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "peil-collector: no round opened: %s\n", err);
			status = EXIT_USAGE;
			goto out;
		}
		if ((rc = store_round_begin(s, (int64_t)time(NULL), (uint32_t)n, (uint32_t)ntests,
		    &id)) != 0) {
			fprintf(stderr, "peil-collector: no round opened: %s\n", peil_strerror(rc));
			status = EXIT_FAIL;
			goto out;
		}
		fprintf(stderr, "round %llu opened with %zu targets\n", (unsigned long long)id, n);
	}
	if (query_rounds(s, fmt, stdout) != 0 || fflush(stdout) != 0)
		status = EXIT_FAIL;
out:
	store_strv_free(domains, n);
	store_close(s);
	conf_free(conf);
	return status;
}

static const char report_help[] =
	    "usage: peil-collector report --out DIR [--round N] [--history N]\n"
	    "           [--audience coalition|public] [--pack ORG | --packs] [-c FILE]\n"
	    "Writes the static site of a round's judgement into DIR (docs/report.md): index.html\n"
	    "(per agreement the share of organisations and domains that comply, against its\n"
	    "deadline; adoption per standard; trends over the rounds; changes since the round\n"
	    "before), a page per organisation (org/), a page per test (test/) and the vantages'\n"
	    "page. No JavaScript; opens from disk or any web server. DIR is built beside itself\n"
	    "(DIR.tmp-PID) and swapped in whole; DIR must not exist, be empty, or hold a previous\n"
	    "report (its .peil-report file): anything else is refused.\n"
	    "  --out DIR              the directory written\n"
	    "  --round N              the round reported (default: the newest)\n"
	    "  --history N            rounds in the trends, up to the round reported (default: all)\n"
	    "  --audience A           coalition (default: every organisation by name) or public\n"
	    "                         (only organisations that consent, the targets' publish\n"
	    "                         column; the others counted in the figures without a name)\n"
	    "  --pack ORG             instead of the site: the send-back pack of organisation ORG\n"
	    "                         (its name exactly as in targets list): DIR/SLUG/index.html,\n"
	    "                         style.css and failing.csv (every failing or warning test)\n"
	    "  --packs                a send-back pack per organisation, and DIR/packs.csv\n"
	    "  -s, --store DIR        the store directory (overrides collector.store)\n"
	    "Exit status: 0 written, 1 failure (DIR refused, no such round or organisation, the\n"
	    "store cannot be read, a write failed: DIR is left as it was), 2 usage or\n"
	    "configuration error.\n";

/* report's own options are taken out of argv before cli_parse sees the rest (-c, -o, -s,
 * -h); *argcp shrinks. A bad value is said in why (the first one), not at once: --help
 * after it still answers. */
static void
report_opts_take(int *argcp, char **argv, struct report_opts *ro, bool *audience_set,
    char *why, size_t whylen)
{
	static const struct cli_own own[] = { { "--out", true }, { "--round", true },
	    { "--history", true }, { "--audience", true }, { "--pack", true },
	    { "--packs", false }, { NULL, false } };
	/* The values of the common options are not report options. */
	static const char *const keep[] = { "-c", "-o", "-s", "--config", "--set", "--store",
	    NULL };
	struct cli_take t;
	const char *val;
	int k;

	cli_take_begin(&t, *argcp, argv);
	while ((k = cli_take_next(&t, own, keep, &val, why, whylen)) >= 0) {
		if (k == 0) {
			ro->out = val;
		} else if (k == 1 || k == 2) {
			unsigned long long v;

			if (!cli_number(val, 1, &v)) {
				if (why[0] == '\0')
					snprintf(why, whylen, "%s: '%.64s' is not a whole number from 1 "
					    "to %llu", own[k].name, val, MAX_CLI_NUMBER);
			} else if (k == 1) {
				ro->round = v;
			} else {
				ro->history = (size_t)v;
			}
		} else if (k == 3) {
			*audience_set = true;
			if (strcmp(val, "coalition") == 0) {
				ro->audience = REPORT_COALITION;
			} else if (strcmp(val, "public") == 0) {
				ro->audience = REPORT_PUBLIC;
			} else if (why[0] == '\0') {
				snprintf(why, whylen, "--audience: '%.64s' is not coalition or public",
				    val);
			}
		} else if (k == 4) {
			ro->pack = val;
		} else {
			ro->packs = true;
		}
	}
	*argcp = cli_take_end(&t);
}

static int
cmd_report(int argc, char **argv)
{
	struct report_opts ro = { 0 };
	struct report_info info;
	struct cli_opts o;
	struct conf *conf = NULL;
	struct store *s = NULL;
	bool audience_set = false;
	char err[2048], why[256] = "";
	int status = EXIT_OK, i, rc;

	report_opts_take(&argc, argv, &ro, &audience_set, why, sizeof(why));
	if ((i = cli_parse("peil-collector", argc, argv, "s", &o, report_help, &status)) < 0)
		return status;
	if (why[0] != '\0') {
		/* It quotes what was given: made safe for the terminal. */
		fputs("peil-collector: ", stderr);
		esc_text_str(stderr, why);
		putc('\n', stderr);
		return EXIT_USAGE;
	}
	if (i != argc) {
		fputs("peil-collector: report takes no operand: '", stderr);
		esc_text_str(stderr, argv[i]);
		fputs("' (the directory is given with --out DIR)\n", stderr);
		return EXIT_USAGE;
	}
	if (ro.out == NULL || ro.out[0] == '\0') {
		fputs("peil-collector: report needs --out DIR (the directory to write)\n", stderr);
		return EXIT_USAGE;
	}
	if (ro.pack != NULL && ro.packs) {
		fputs("peil-collector: --pack ORG and --packs: give one (one organisation's pack, "
		    "or every organisation's)\n", stderr);
		return EXIT_USAGE;
	}
	if ((ro.pack != NULL || ro.packs) && audience_set) {
		fputs("peil-collector: --audience is for the site: a send-back pack goes to its "
		    "own organisation, before publication\n", stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-collector", &o, collector_schema, &conf)) != EXIT_OK)
		return status;
	if ((status = open_store(conf, true, &s)) != EXIT_OK)
		goto out;
	if ((rc = report_write(s, &ro, &info, err, sizeof(err))) != 0) {
		/* err may quote a name from the targets or a path given: safe for the terminal. */
		fputs("peil-collector: report: ", stderr);
		esc_text_str(stderr, err[0] ? err : peil_strerror(rc));
		putc('\n', stderr);
		status = EXIT_FAIL;
		goto out;
	}
	printf("report of round %llu written to ", (unsigned long long)info.round);
	esc_text_str(stdout, ro.out);
	printf(": %zu files, %llu bytes, %zu organisation%s named, %zu domains measured\n",
	    info.pages, (unsigned long long)info.bytes, info.organisations,
	    info.organisations == 1 ? "" : "s", info.domains);
	if (fflush(stdout) != 0)
		status = EXIT_FAIL;
out:
	store_close(s);
	conf_free(conf);
	return status;
}

static int
cmd_config(int argc, char **argv)
{
	return cli_config("peil-collector", argc, argv, collector_schema);
}

int
main(int argc, char **argv)
{
	static const struct cli_command cmds[] = {
		{ "run", cmd_run },
		{ "keygen", cmd_keygen },
		{ "targets", cmd_targets },
		{ "show", cmd_show },
		{ "export", cmd_export },
		{ "agents", cmd_agents },
		{ "backup", cmd_backup },
		{ "rounds", cmd_rounds },
		{ "report", cmd_report },
		{ "config", cmd_config },
		{ NULL, NULL },
	};

	return cli_dispatch("peil-collector", argc, argv, cmds, usage_main);
}
