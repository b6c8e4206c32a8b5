/* cli.h: what both programs' command lines share: exit codes, configuration with
 * overrides, and the [limits] and [log] sections. */
#ifndef PEIL_CLI_H
#define PEIL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "wire.h"

#define EXIT_OK    0
#define EXIT_FAIL  1
#define EXIT_USAGE 2

/* The [limits] keys both programs take, and [log] level; spliced into each schema. The
 * collector has its own defaults for the first three (CLI_LIMIT_KEYS_WITH). */
#define CLI_LIMIT_KEYS CLI_LIMIT_KEYS_WITH("16777216", "1000", "1000")
#define CLI_LIMIT_KEYS_WITH(maxmsg, sndhwm, rcvhwm) \
	{ "limits", "max_message_bytes", CONF_U64, maxmsg, 1048576, 1073741824, \
	  "largest message accepted or sent (ZMQ_MAXMSGSIZE), bytes" }, \
	{ "limits", "sndhwm", CONF_U64, sndhwm, 1, 1000000, "send high-water mark, messages" }, \
	{ "limits", "rcvhwm", CONF_U64, rcvhwm, 1, 1000000, "receive high-water mark, messages" }, \
	{ "limits", "heartbeat_ivl_ms", CONF_U64, "5000", 100, 3600000, \
	  "ZMTP heartbeat interval" }, \
	{ "limits", "heartbeat_ttl_ms", CONF_U64, "30000", 100, 3600000, \
	  "how long the peer keeps the connection without a heartbeat from us" }, \
	{ "limits", "heartbeat_timeout_ms", CONF_U64, "30000", 100, 3600000, \
	  "a connection without a heartbeat reply for this long is dropped" }, \
	{ "limits", "reconnect_ivl_ms", CONF_U64, "1000", 10, 600000, "reconnect interval" }, \
	{ "log", "level", CONF_STR, "info", 0, 0, "error, warn, info or debug" }

/* Loads `path` (NULL: defaults only), applies each "section.key=value" override, and sets
 * the log level from [log] level. NULL with a message naming the file, line and key in err. */
struct conf *cli_conf_load(const char *prog, const char *path, char *const *overrides,
    size_t noverrides, const struct conf_key *schema, char *err, size_t errlen);
/* cli_conf_load with a command's parsed options; prints the error and returns EXIT_USAGE,
 * or EXIT_OK with *conf set (the caller frees it). */
struct cli_opts;
int cli_load(const char *prog, const struct cli_opts *o, const struct conf_key *schema,
    struct conf **conf);
/* Fills wire limits from the [limits] section. */
void cli_wire_limits(const struct conf *c, struct wire_limits *wl);

#define CLI_MAX_OVERRIDES 64
#define CLI_MMAP_THRESHOLD (32 << 20)  /* malloc: larger blocks than this are mmap'd */
#define CLI_MAX_TESTS     128

/* The options of every command. -c, -o and -h are always taken; the others only when their
 * letter is in the command's `accept` string: f (--format), O (--output), F (--force),
 * t (--test, repeatable, checked against the catalogue), r (--rounds N, N >= 1),
 * n (--count N), g (--go-file F), s (--store DIR: overrides collector.store), N (--open),
 * K (--collector-key FINGERPRINT). */
struct cli_opts {
	const char *conf_path;
	char *overrides[CLI_MAX_OVERRIDES];
	size_t noverrides;
	const char *format, *out, *go_file;
	const char *collector_key;
	const char *tests[CLI_MAX_TESTS];
	size_t ntests;
	bool force, open;
	uint64_t rounds, count;
	char store_override[4096];
};
/* Parses a command's options into *o (zeroed first). Returns the index of the first operand,
 * or -1 after printing the help (to stdout for --help, *status 0; else to stderr, *status 2). */
int cli_parse(const char *prog, int argc, char **argv, const char *accept, struct cli_opts *o,
    const char *help, int *status);
/* Prints the lines about -c, -o and -h that follow every command's help. */
void cli_help_common(FILE *f);

/* A whole number from lo to MAX_CLI_NUMBER, in decimal digits only: true with *v set. */
bool cli_number(const char *s, unsigned long long lo, unsigned long long *v);

/* A command's own long options, taken out of argv before cli_parse sees the rest (report's
 * --out, export's --round, ...). */
struct cli_own {
	const char *name;           /* "--round" */
	bool value;                 /* takes a value: "--round=N" or "--round N" */
};
struct cli_take {
	int argc, i, n;
	char **argv;
};
void cli_take_begin(struct cli_take *t, int argc, char **argv);
/* The next of `own` in argv: its index, with *val its value (NULL for one without), or -1
 * at the end. Every other argument stays in argv, in order, and so does the argument after
 * each of `keep` (the common options that take a value: "-c", "--set", ...); after "--"
 * everything stays. An option whose value is missing is skipped, and said in why when why is
 * still empty (a command reports the first problem after its --help is answered). */
int cli_take_next(struct cli_take *t, const struct cli_own *own, const char *const *keep,
    const char **val, char *why, size_t whylen);
/* What stays: argv[0 .. the return value), argv[return] NULL. */
int cli_take_end(struct cli_take *t);

/* The keygen command: writes PREFIX.key and PREFIX.pub (--output, default `def_prefix`).
 * Returns the exit status. */
int cli_keygen(const char *prog, int argc, char **argv, const char *def_prefix, const char *help);
/* A program's commands, and running the one argv[1] names (help, -h and --help print
 * `usage`). Returns the exit status. */
struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the command's name */
};
int cli_dispatch(const char *prog, int argc, char **argv, const struct cli_command *cmds,
    const char *usage);

/* The config command: prints `schema` as an example file. Returns the exit status. */
int cli_config(const char *prog, int argc, char **argv, const struct conf_key *schema);

#endif
