/* session.h: what the agent daemon and the ingest benchmark's peil-synth share: the agent's
 * configuration keys, and the connection to the collector (keys, uplink settings, spool). */
#ifndef PEIL_SESSION_H
#define PEIL_SESSION_H

#include <signal.h>

#include "conf.h"
#include "keys.h"
#include "spool.h"
#include "uplink.h"

/* SIGINT and SIGTERM set *stop (a flag the caller polls); SIGPIPE is ignored. */
void session_signals(volatile sig_atomic_t *stop);

/* Every key of the agent's configuration file (what `peil-agent config` prints). */
extern const struct conf_key session_schema[];

/* One connection to the collector; the caller owns it and closes it with session_close. */
struct session {
	struct keypair kp;
	char server_pub[KEY_Z85_LEN + 1];
	struct uplink_conf uc;
	struct spool *sp;
	void *zctx;
	struct uplink *up;
};

/* Opens what configuration `c` says: the key files (or plain-text mode, on loopback only),
 * the spool, and the uplink to the collector. Problems are printed on stderr as "PROG: ...".
 * Returns EXIT_OK, EXIT_USAGE (a setting refused) or EXIT_FAIL; *ss is zeroed first, so
 * session_close may follow either way. */
int session_open(struct session *ss, const struct conf *c, const char *prog);
/* Closes the uplink, the ZeroMQ context and the spool, and wipes the secret key. */
void session_close(struct session *ss);

#endif
