/* cli.c: configuration loading shared by peil-agent and peil-collector. */
#include <stdio.h>

#include "cli.h"
#include "err.h"
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
