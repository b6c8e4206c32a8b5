/* synth.c: peil-synth, the ingest benchmark's synthetic agent (built in the build tree, not
 * installed): with an agent's configuration and session, it spools synthetic results for a
 * round the collector hands out and delivers them, timing the delivery. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "cli.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "result.h"
#include "session.h"
#include "wire.h"

static volatile sig_atomic_t synth_stop;   /* SIGINT or SIGTERM came */

#define SYNTH_TASK_WAIT_MS 600000   /* longest wait for a round to be handed out */

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

int
main(int argc, char **argv)
{
	static const char help[] =
	    "usage: peil-synth [--count N] [--go-file F] [-c FILE]\n"
	    "For tests and benchmarks: with an agent's configuration file, asks the collector for a\n"
	    "round (as an agent does), puts N synthetic results (about 300 bytes each) for its\n"
	    "targets into the spool, waits until file F exists (when given), then delivers\n"
	    "everything in the spool to the collector and exits. Prints the delivery time and rate.\n"
	    "  -n, --count N          results to make (default 0: deliver what the spool holds)\n"
	    "  -g, --go-file F        start delivering once F exists\n";
	struct cli_opts o;
	struct conf *conf = NULL;
	struct session ss;
	struct uplink_stats us;
	struct stat sb;
	int64_t t0, t1;
	int status = EXIT_OK, i, rc;

	if ((i = cli_parse("peil-synth", argc, argv, "ng", &o, help, &status)) < 0)
		return status;
	if (i != argc) {
		fputs(help, stderr);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-synth", &o, session_schema, &conf)) != EXIT_OK)
		return status;
	session_signals(&synth_stop);
	if ((status = session_open(&ss, conf, "peil-synth")) != EXIT_OK)
		goto out;
	if (o.count > 0) {
		/* The collector takes results only for a round it handed out (bounded wait: an
		 * agent not yet admitted waits to be). */
		Peil__Envelope *env = NULL;
		int64_t end = clock_mono_ms() + SYNTH_TASK_WAIT_MS, ask = 0;

		while (!synth_stop && clock_mono_ms() < end) {
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
			fprintf(stderr, "peil-synth: the collector handed out no round "
			    "(targets import FILE, then a round opens)\n");
			status = EXIT_FAIL;
			goto out;
		}
		rc = synth_fill(ss.sp, o.count, env->task_list);
		wire_envelope_free(env);
		if (rc != 0) {
			fprintf(stderr, "peil-synth: could not fill the spool\n");
			status = EXIT_FAIL;
			goto out;
		}
	}
	log_info("spooled %llu synthetic results", (unsigned long long)o.count);
	while (o.go_file != NULL && stat(o.go_file, &sb) != 0 && !synth_stop)
		usleep(10000);
	t0 = clock_mono_ms();
	while (!synth_stop) {
		if (uplink_step(ss.up, 20) != 0) {
			status = EXIT_FAIL;
			break;
		}
		if (uplink_welcomed(ss.up) && uplink_drained(ss.up))
			break;
	}
	t1 = clock_mono_ms();
	uplink_get_stats(ss.up, &us);
	if (synth_stop) {
		status = EXIT_FAIL;
		fprintf(stderr, "peil-synth: interrupted\n");
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
