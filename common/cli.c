/* cli.c: what the command lines of peil-agent and peil-collector share. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalogue.h"
#include "cli.h"
#include "err.h"
#include "fingerprint.h"
#include "keys.h"
#include "limits.h"
#include "log.h"

struct conf *
cli_conf_load(const char *prog, const char *path, char *const *overrides, size_t noverrides,
    const struct conf_key *schema, char *err, size_t errlen)
{
	struct conf *c;
	enum log_level lvl;

	if ((c = conf_load(path, schema, err, errlen)) == NULL)
		return NULL;
	for (size_t i = 0; i < noverrides; i++) {
		if (conf_override(c, overrides[i], err, errlen) != 0) {
			conf_free(c);
			return NULL;
		}
	}
	if (log_level_parse(conf_str(c, "log", "level"), &lvl) != 0) {
		snprintf(err, errlen, "%s: key 'log.level': '%s' is not error, warn, info or debug",
		    path ? path : "command line", conf_str(c, "log", "level"));
		conf_free(c);
		return NULL;
	}
	log_init(prog, lvl);
	return c;
}

int
cli_load(const char *prog, const struct cli_opts *o, const struct conf_key *schema,
    struct conf **conf)
{
	char err[1024];

	*conf = cli_conf_load(prog, o->conf_path, (char *const *)o->overrides, o->noverrides,
	    schema, err, sizeof(err));
	if (*conf == NULL) {
		struct stat st;

		fprintf(stderr, "%s: %s", prog, err);
		/* A file that is not there: the way to make one. */
		if (o->conf_path != NULL && stat(o->conf_path, &st) != 0)
			fprintf(stderr, " (%s config > FILE writes an example with every key)", prog);
		putc('\n', stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

void
cli_wire_limits(const struct conf *c, struct wire_limits *wl)
{
	wire_limits_default(wl);
	wl->max_message_bytes = conf_u64(c, "limits", "max_message_bytes");
	wl->sndhwm = (int)conf_u64(c, "limits", "sndhwm");
	wl->rcvhwm = (int)conf_u64(c, "limits", "rcvhwm");
	wl->heartbeat_ivl_ms = (int)conf_u64(c, "limits", "heartbeat_ivl_ms");
	wl->heartbeat_ttl_ms = (int)conf_u64(c, "limits", "heartbeat_ttl_ms");
	wl->heartbeat_timeout_ms = (int)conf_u64(c, "limits", "heartbeat_timeout_ms");
	wl->reconnect_ivl_ms = (int)conf_u64(c, "limits", "reconnect_ivl_ms");
}

void
cli_help_common(FILE *f)
{
	fputs("  -c, --config FILE      configuration file\n"
	    "  -o, --set S.K=V        override one configuration key (repeatable)\n"
	    "  -h, --help             this text\n", f);
}

bool
cli_number(const char *s, unsigned long long lo, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end == '\0' && errno == 0 && *v >= lo && *v <= MAX_CLI_NUMBER;
}

void
cli_take_begin(struct cli_take *t, int argc, char **argv)
{
	t->argc = argc;
	t->argv = argv;
	t->i = 1;
	t->n = 1;
}

int
cli_take_next(struct cli_take *t, const struct cli_own *own, const char *const *keep,
    const char **val, char *why, size_t whylen)
{
	while (t->i < t->argc) {
		const char *a = t->argv[t->i], *eq;
		size_t k, len;

		if (strcmp(a, "--") == 0) {
			while (t->i < t->argc)
				t->argv[t->n++] = t->argv[t->i++];
			break;
		}
		for (k = 0; keep[k] != NULL && strcmp(a, keep[k]) != 0; k++)
			;
		if (keep[k] != NULL) {
			t->argv[t->n++] = t->argv[t->i++];
			if (t->i < t->argc)
				t->argv[t->n++] = t->argv[t->i++];
			continue;
		}
		eq = strchr(a, '=');
		len = eq != NULL ? (size_t)(eq - a) : strlen(a);
		for (k = 0; own[k].name != NULL; k++)
			if (strlen(own[k].name) == len && strncmp(a, own[k].name, len) == 0 &&
			    (own[k].value || eq == NULL))
				break;
		t->i++;
		if (own[k].name == NULL) {
			t->argv[t->n++] = (char *)a;
			continue;
		}
		*val = NULL;
		if (!own[k].value)
			return (int)k;
		if (eq != NULL) {
			*val = eq + 1;
		} else if (t->i < t->argc) {
			*val = t->argv[t->i++];
		} else {
			if (why[0] == '\0')
				snprintf(why, whylen, "option '%s' needs a value", own[k].name);
			continue;
		}
		return (int)k;
	}
	return -1;
}

int
cli_take_end(struct cli_take *t)
{
	t->argv[t->n] = NULL;
	return t->n;
}

static int
cli_usage(const char *help, int *status)
{
	fputs(help, stderr);
	cli_help_common(stderr);
	*status = EXIT_USAGE;
	return -1;
}

int
cli_parse(const char *prog, int argc, char **argv, const char *accept, struct cli_opts *o,
    const char *help, int *status)
{
	static const struct option all[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'O' },
		{ "force", no_argument, NULL, 'F' },
		{ "test", required_argument, NULL, 't' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'n' },
		{ "go-file", required_argument, NULL, 'g' },
		{ "store", required_argument, NULL, 's' },
		{ "open", no_argument, NULL, 'N' },
		{ "collector-key", required_argument, NULL, 'K' },
	};
	struct option longopts[sizeof(all) / sizeof(all[0]) + 1];
	char shortopts[2 * (sizeof(all) / sizeof(all[0])) + 2];
	size_t nl = 0, ns = 0;
	int ch;

	memset(o, 0, sizeof(*o));
	shortopts[ns++] = ':';   /* a missing argument is reported as ':' */
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (i >= 3 && strchr(accept, all[i].val) == NULL)
			continue;
		longopts[nl++] = all[i];
		shortopts[ns++] = (char)all[i].val;
		if (all[i].has_arg == required_argument)
			shortopts[ns++] = ':';
	}
	memset(&longopts[nl], 0, sizeof(longopts[nl]));
	shortopts[ns] = '\0';
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->conf_path = optarg;
			break;
		case 'o':
			if (o->noverrides == CLI_MAX_OVERRIDES) {
				fprintf(stderr, "%s: more than %d -o options\n", prog, CLI_MAX_OVERRIDES);
				return cli_usage(help, status);
			}
			o->overrides[o->noverrides++] = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			cli_help_common(stdout);
			*status = EXIT_OK;
			return -1;
		case 'f':
			o->format = optarg;
			break;
		case 'O':
			o->out = optarg;
			break;
		case 'F':
			o->force = true;
			break;
		case 't':
			if (catalogue_find(optarg) == NULL) {
				fprintf(stderr, "%s: --test: no test '%s' in the catalogue\n", prog, optarg);
				*status = EXIT_USAGE;
				return -1;
			}
			if (o->ntests == CLI_MAX_TESTS) {
				fprintf(stderr, "%s: more than %d --test options\n", prog, CLI_MAX_TESTS);
				return cli_usage(help, status);
			}
			o->tests[o->ntests++] = optarg;
			break;
		case 'r':
		case 'n': {
			unsigned long long v, lo = ch == 'r' ? 1 : 0;

			if (!cli_number(optarg, lo, &v)) {
				fprintf(stderr, "%s: --%s: '%s' is not a whole number from %llu to %llu\n",
				    prog, ch == 'r' ? "rounds" : "count", optarg, lo, MAX_CLI_NUMBER);
				return cli_usage(help, status);
			}
			if (ch == 'r')
				o->rounds = v;
			else
				o->count = v;
			break;
		}
		case 'g':
			o->go_file = optarg;
			break;
		case 'N':
			o->open = true;
			break;
		case 'K':
			o->collector_key = optarg;
			break;
		case 's':
			snprintf(o->store_override, sizeof(o->store_override), "collector.store=%s",
			    optarg);
			if (o->noverrides == CLI_MAX_OVERRIDES)
				return cli_usage(help, status);
			o->overrides[o->noverrides++] = o->store_override;
			break;
		case ':':
			fprintf(stderr, "%s: option '%s' needs a value\n", prog, argv[optind - 1]);
			return cli_usage(help, status);
		default:
			fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[optind - 1]);
			return cli_usage(help, status);
		}
	}
	return optind;
}

int
cli_keygen(const char *prog, int argc, char **argv, const char *def_prefix, const char *help)
{
	struct cli_opts o;
	struct keypair kp;
	char fp[FINGERPRINT_LEN + 1];
	const char *prefix;
	int status = EXIT_OK, i, rc;

	if ((i = cli_parse(prog, argc, argv, "OF", &o, help, &status)) < 0)
		return status;
	if (i != argc)
		return cli_usage(help, &status), status;
	prefix = o.out ? o.out : def_prefix;
	if (!o.force) {
		/* Name each file already there, and the two ways on; keys_write checks again. */
		char kpath[4096], ppath[4096];
		struct stat st;
		bool hk, hp;

		snprintf(kpath, sizeof(kpath), "%s.key", prefix);
		snprintf(ppath, sizeof(ppath), "%s.pub", prefix);
		hk = lstat(kpath, &st) == 0;
		hp = lstat(ppath, &st) == 0;
		if (hk || hp) {
			fprintf(stderr, "%s: keygen: %s%s%s already exist%s: nothing written. Give "
			    "--force to replace %s (whoever holds the old key then needs the new "
			    "one), remove %s, or choose another --output PREFIX\n", prog,
			    hk ? kpath : "", hk && hp ? " and " : "", hp ? ppath : "",
			    hk && hp ? "" : "s", hk && hp ? "them" : "it", hk && hp ? "them" : "it");
			return EXIT_FAIL;
		}
	}
	if ((rc = keys_generate(&kp)) != 0) {
		fprintf(stderr, "%s: keygen: %s\n", prog, peil_strerror(rc));
		return EXIT_FAIL;
	}
	if ((rc = keys_write(&kp, prefix, o.force)) != 0) {
		fprintf(stderr, "%s: writing %s.key and %s.pub: %s\n", prog, prefix, prefix,
		    rc == PEIL_EEXIST ? "a file exists already (give --force to replace it)" :
		    rc == PEIL_EIO ? strerror(errno) : peil_strerror(rc));
		memset(&kp, 0, sizeof(kp));
		return EXIT_FAIL;
	}
	if (fingerprint_of(kp.public_z85, fp) != 0)
		fp[0] = '\0';
	printf("%s.key (secret) and %s.pub written; public key %s\nfingerprint %s\n", prefix,
	    prefix, kp.public_z85, fp);
	memset(&kp, 0, sizeof(kp));
	return EXIT_OK;
}

int
cli_config(const char *prog, int argc, char **argv, const struct conf_key *schema)
{
	char text[256];
	struct cli_opts o;
	int status = EXIT_OK, i;

	snprintf(text, sizeof(text), "usage: %s config\n"
	    "Prints an example configuration file: every key, its default and meaning.\n"
	    "Exit status: 0 printed, 2 usage.\n", prog);
	if ((i = cli_parse(prog, argc, argv, "", &o, text, &status)) < 0)
		return status;
	if (i != argc)
		return cli_usage(text, &status), status;
	conf_write_example(schema, stdout);
	return EXIT_OK;
}

int
cli_dispatch(const char *prog, int argc, char **argv, const struct cli_command *cmds,
    const char *usage)
{
	const char *cmd;

	/* Batches are large (hundreds of KiB): serve them from the heap rather than a fresh,
	 * zero-filled mmap for every message. */
	mallopt(M_MMAP_THRESHOLD, CLI_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, 4 * CLI_MMAP_THRESHOLD);
	log_init(prog, LOG_INFO);
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("%s %s\n", prog, PEIL_VERSION);
		return EXIT_OK;
	}
	for (const struct cli_command *c = cmds; c->name != NULL; c++)
		if (strcmp(cmd, c->name) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
	fputs(usage, stderr);
	return EXIT_USAGE;
}
