/* session.c: what the agent daemon and peil-synth share: the configuration's keys, and
 * opening the connection to the collector (keys, uplink settings, spool). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "metrics.h"
#include "session.h"
#include "wire.h"
#include "zmqapi.h"

static volatile sig_atomic_t *session_stop;

static void
session_signal(int sig)
{
	(void)sig;
	*session_stop = 1;
}

void
session_signals(volatile sig_atomic_t *stop)
{
	struct sigaction sa;

	session_stop = stop;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = session_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

const struct conf_key session_schema[] = {
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
	{ "rpki", "caches", CONF_STR, NULL, 0, 0,
	  "RTR caches (RFC 8210/6810) in preference order, space-separated HOST:PORT ([ADDR]:PORT "
	  "for IPv6; at most 8); unset with vrp_file unset: the RPKI tests are not_tested" },
	{ "rpki", "vrp_file", CONF_PATH, NULL, 0, 0,
	  "VRP file (rpki-client JSON, or CSV ASN,IP Prefix,Max Length), used when caches is "
	  "unset; reloaded when it changes, its age counted from the last load" },
	{ "rpki", "max_age_s", CONF_U64, "3600", 1, 31536000,
	  "a VRP table older than this (since its last sync or load) makes the RPKI tests "
	  "error; with RTR caches at most 48 h (RTRlib's expire interval)" },
	{ "rpki", "routes", CONF_PATH, NULL, 0, 0,
	  "this vantage's route-origin table (CAIDA pfx2as, bgpdump -m, or an MRT RIB), reloaded "
	  "when it changes; unset: the RPKI tests are not_tested" },
	{ "rpki", "routes_format", CONF_STR, "auto", 0, 0,
	  "format of rpki.routes: auto (MRT by its header, else by the first line), pfx2as, "
	  "bgpdump or mrt" },
	{ "vantage", "ipv6_beacons", CONF_STR, NULL, 0, 0,
	  "vantage_ipv6: space-separated [ADDR]:PORT of IPv6 hosts that accept TCP (at most 4); "
	  "passed when one answers; unset: not_tested" },
	{ "vantage", "rov_valid", CONF_STR, NULL, 0, 0,
	  "vantage_rov: space-separated ADDR:PORT of beacons on RPKI-valid prefixes (at most 4); "
	  "unset: not_tested" },
	{ "vantage", "rov_invalid", CONF_STR, NULL, 0, 0,
	  "vantage_rov: their twins on RPKI-invalid prefixes, in the same order; passed when "
	  "these do not answer while their twins do, failed when one answers" },
	{ "limits", "ack_timeout_ms", CONF_U64, "10000", 100, 3600000,
	  "re-send unacknowledged batches after this long" },
	{ "limits", "window", CONF_U64, "8", 1, MAX_WINDOW, "batches in flight" },
	{ "limits", "batch_max", CONF_U64, "1000", 1, MAX_BATCH_RESULTS, "results per batch" },
	{ "limits", "seal_interval_ms", CONF_U64, "100", 1, 600000,
	  "send a partial batch after results waited this long" },
	CLI_LIMIT_KEYS,
	METRICS_CONF_KEYS,
	{ NULL, NULL, CONF_STR, NULL, 0, 0, NULL },
};

int
session_open(struct session *ss, const struct conf *c, const char *prog)
{
	const struct zmqapi *zmq;
	struct spool_stats st;
	char err[1024];
	const char *path;
	int rc;

	memset(ss, 0, sizeof(*ss));
	/* libzmq first (the keys need it too): without it the daemon stops here, at start. */
	if ((zmq = zmqapi_load(err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_FAIL;
	}
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
			fprintf(stderr, "%s: collector.plaintext is refused: %s is not a "
			    "loopback endpoint\n", prog, ss->uc.endpoint);
			return EXIT_USAGE;
		}
		if (!keys_name_valid(ss->uc.name)) {
			fprintf(stderr, "%s: agent.name '%s' is not a valid name\n", prog,
			    ss->uc.name);
			return EXIT_USAGE;
		}
		log_warn("PLAIN TEXT mode: no encryption, no authentication (debug only)");
	} else {
		path = conf_str(c, "agent", "secret_key");
		if (keys_read_secret(path, &ss->kp, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, path, err);
			return EXIT_FAIL;
		}
		path = conf_str(c, "collector", "public_key");
		if (keys_read_public(path, ss->server_pub, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, path, err);
			return EXIT_FAIL;
		}
		ss->uc.keys = &ss->kp;
		ss->uc.server_public = ss->server_pub;
	}
	path = conf_str(c, "agent", "spool");
	if ((rc = spool_open(path, (size_t)conf_u64(c, "agent", "spool_map_mb"),
	    !conf_bool(c, "agent", "durable"), &ss->sp)) != 0) {
		fprintf(stderr, "%s: cannot open the spool in %s: %s\n", prog, path,
		    peil_strerror(rc));
		return EXIT_FAIL;
	}
	if (spool_stats(ss->sp, &st) == 0 && (st.pending > 0 || st.batches > 0))
		log_info("spool %s holds %llu results and %llu batches not yet delivered", path,
		    (unsigned long long)st.pending, (unsigned long long)st.batches);
	if ((ss->zctx = zmq->ctx_new()) == NULL)
		log_fatal("zmq_ctx_new failed");
	if ((ss->up = uplink_new(ss->zctx, &ss->uc, ss->sp, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

void
session_close(struct session *ss)
{
	uplink_free(ss->up);
	if (ss->zctx != NULL) {
		const struct zmqapi *zmq = zmqapi();

		zmq->ctx_term(ss->zctx);
	}
	spool_close(ss->sp);
	memset(&ss->kp, 0, sizeof(ss->kp));
}
