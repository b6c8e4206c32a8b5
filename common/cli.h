/* cli.h: what both programs' command lines share: exit codes, configuration with
 * overrides, and the [limits] and [log] sections. */
#ifndef PEIL_CLI_H
#define PEIL_CLI_H

#include <stddef.h>

#include "conf.h"
#include "wire.h"

#define EXIT_OK    0
#define EXIT_FAIL  1
#define EXIT_USAGE 2

/* The [limits] keys both programs take, and [log] level; spliced into each schema. */
#define CLI_LIMIT_KEYS \
	{ "limits", "max_message_bytes", CONF_U64, "16777216", 1048576, 1073741824, \
	  "largest message accepted or sent (ZMQ_MAXMSGSIZE), bytes" }, \
	{ "limits", "sndhwm", CONF_U64, "1000", 1, 1000000, "send high-water mark, messages" }, \
	{ "limits", "rcvhwm", CONF_U64, "1000", 1, 1000000, "receive high-water mark, messages" }, \
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
/* Fills wire limits from the [limits] section. */
void cli_wire_limits(const struct conf *c, struct wire_limits *wl);

#endif
