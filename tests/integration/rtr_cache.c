/* rtr_cache.c: the VRP table against real RTR caches on loopback: stayrtr (sync, a serial
 * update, the cache killed and back, caches in preference order) and a hostile cache
 * (rtr_badcache.py: a reset, a wrong session, an absurd length, an error report, silence),
 * and a VRP file that changes. Ports 47281-47289 (no other test uses them).
 *   usage: rtr_cache SOURCE_DIR     (run under the integration lock) */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "ipprefix.h"
#include "limits.h"
#include "rtr.h"

#define PORT_STAYRTR   47281
#define PORT_METRICS   47282
#define PORT_NOBODY    47283   /* nothing listens: the first cache of the preference test */
#define PORT_BAD_FIRST 47284   /* 47284..47288: the hostile modes */

static const char *srcdir;
static char tmpdir[64];
static pid_t pids[8];          /* servers running; a failed test's are killed in teardown */

static const char vrps_a[] =
    "{\"metadata\": {\"generated\": 1733350000},\n \"roas\": [\n"
    "  {\"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"asn\": \"AS64500\", \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"198.51.100.0/26\", \"maxLength\": 29, \"asn\": 64497, \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"198.51.100.128/25\", \"maxLength\": 25, \"asn\": 64501, \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"203.0.113.0/25\", \"maxLength\": 25, \"asn\": 64496, \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"2001:db8::/33\", \"maxLength\": 48, \"asn\": 64500, \"ta\": \"lab\"}\n"
    " ]\n}\n";
/* the update: 192.0.2.0/24 allows /27 now, 203.0.113.0/25 is gone */
static const char vrps_b[] =
    "{\"metadata\": {\"generated\": 1733350100},\n \"roas\": [\n"
    "  {\"prefix\": \"192.0.2.0/24\", \"maxLength\": 27, \"asn\": \"AS64500\", \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"198.51.100.0/26\", \"maxLength\": 29, \"asn\": 64497, \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"198.51.100.128/25\", \"maxLength\": 25, \"asn\": 64501, \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"2001:db8::/33\", \"maxLength\": 48, \"asn\": 64500, \"ta\": \"lab\"}\n"
    " ]\n}\n";

static void
write_atomic(const char *path, const char *text)
{
	char tmp[160];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
}

static bool
port_open(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static pid_t
spawn(char *const argv[], int port)
{
	pid_t pid = fork();
	int64_t end;

	assert_true(pid >= 0);
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++)
		if (pids[i] == 0) {
			pids[i] = pid;
			break;
		}
	for (end = clock_mono_ms() + 10000; clock_mono_ms() < end; usleep(50 * 1000))
		if (port_open(port))
			return pid;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fail_msg("%s did not listen on port %d", argv[0], port);
	return -1;
}

static void
reap(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++)
		if (pids[i] == pid)
			pids[i] = 0;
}

static int
reap_all(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++)
		if (pids[i] != 0)
			reap(pids[i]);
	return 0;
}

static pid_t
start_stayrtr(const char *cache)
{
	char bind[32], metrics[32];
	char *argv[] = { "stayrtr", "-bind", bind, "-cache", (char *)cache, "-checktime=false",
	    "-refresh", "1", "-metrics.addr", metrics, "-loglevel", "error", NULL };

	snprintf(bind, sizeof(bind), "127.0.0.1:%d", PORT_STAYRTR);
	snprintf(metrics, sizeof(metrics), "127.0.0.1:%d", PORT_METRICS);
	return spawn(argv, PORT_STAYRTR);
}

static int
validate(struct vrp_table *t, const char *route, uint32_t origin, struct rov *r, char *why,
    size_t whylen)
{
	struct ipprefix p;

	assert_int_equal(ipprefix_parse(route, strlen(route), false, &p, NULL, 0), 0);
	return vrp_validate(t, &p, origin, r, why, whylen);
}

static enum rov_state
state_of(struct vrp_table *t, const char *route, uint32_t origin)
{
	struct rov r;
	char why[160] = "";
	int rc = validate(t, route, origin, &r, why, sizeof(why));

	if (rc != 0)
		fail_msg("%s AS%u: %d %s", route, origin, rc, why);
	return r.state;
}

static void
test_stayrtr(void **state)
{
	char cache[128], caches[64], err[256] = "", why[160];
	struct vrp_conf vc = { .max_age_s = 6, .sync_ms = 10000 };
	struct vrp_status st, st2;
	struct vrp_table *t;
	struct rov r;
	int64_t end, killed;
	pid_t pid;
	int rc;

	(void)state;
	if (system("command -v stayrtr >/dev/null") != 0)
		skip();
	snprintf(cache, sizeof(cache), "%s/vrps.json", tmpdir);
	write_atomic(cache, vrps_a);
	pid = start_stayrtr(cache);
	snprintf(caches, sizeof(caches), "127.0.0.1:%d", PORT_STAYRTR);
	vc.caches = caches;
	t = vrp_open(&vc, err, sizeof(err));
	assert_non_null(t);
	vrp_status(t, &st);
	if (!st.synced)
		fail_msg("not synced: %s", st.why);
	assert_string_equal(st.source, "rtr 127.0.0.1:47281");
	assert_int_equal(st.vrps, 5);
	/* the lab's table (docs/lab.md) */
	assert_int_equal(state_of(t, "192.0.2.0/24", 64500), ROV_VALID);
	assert_int_equal(state_of(t, "192.0.2.224/27", 64500), ROV_INVALID);
	assert_int_equal(state_of(t, "198.51.100.0/26", 64497), ROV_VALID);
	assert_int_equal(state_of(t, "198.51.100.128/25", 64666), ROV_INVALID);
	assert_int_equal(state_of(t, "203.0.113.0/25", 64496), ROV_VALID);
	assert_int_equal(state_of(t, "203.0.113.128/25", 64510), ROV_NOT_FOUND);
	assert_int_equal(state_of(t, "2001:db8::/33", 64500), ROV_VALID);
	assert_int_equal(state_of(t, "2001:db8:f1::/48", 64666), ROV_INVALID);
	assert_int_equal(state_of(t, "2001:db8:f2::/56", 64500), ROV_INVALID);
	assert_int_equal(state_of(t, "2001:db8:8000::/48", 64510), ROV_NOT_FOUND);
	rc = validate(t, "192.0.2.224/27", 64500, &r, why, sizeof(why));
	assert_int_equal(rc, 0);
	assert_true(r.invalid_length);

	/* a changed file: stayrtr reads it (-refresh 1), notifies, RTRlib asks for the serial */
	write_atomic(cache, vrps_b);
	for (end = clock_mono_ms() + 20000; clock_mono_ms() < end; usleep(100 * 1000))
		if (state_of(t, "192.0.2.224/27", 64500) == ROV_VALID &&
		    state_of(t, "203.0.113.0/25", 64496) == ROV_NOT_FOUND) {
			/* the count follows the sync's end, a moment after the records */
			usleep(100 * 1000);
			break;
		}
	assert_int_equal(state_of(t, "192.0.2.224/27", 64500), ROV_VALID);
	assert_int_equal(state_of(t, "203.0.113.0/25", 64496), ROV_NOT_FOUND);
	assert_int_equal(state_of(t, "2001:db8:f2::/56", 64500), ROV_INVALID);
	vrp_status(t, &st2);
	assert_int_equal(st2.vrps, 4);
	assert_true(st2.serial != st.serial);

	/* the cache killed: the table is kept until max_age_s, then every answer is an error */
	reap(pid);
	killed = clock_mono_ms();
	assert_int_equal(state_of(t, "192.0.2.224/27", 64500), ROV_VALID);
	for (end = killed + 20000; clock_mono_ms() < end; usleep(100 * 1000)) {
		rc = validate(t, "192.0.2.224/27", 64500, &r, why, sizeof(why));
		if (rc != 0)
			break;
		assert_int_equal(r.state, ROV_VALID);
	}
	assert_int_equal(rc, PEIL_EAGAIN);
	assert_non_null(strstr(why, " s old (limit 6 s)"));
	assert_true(strncmp(why, "VRP table 7 s old", 17) == 0);
	/* no sync since at most a refresh (1-2 s) before the kill */
	assert_true(clock_mono_ms() - killed >= 4000);
	vrp_status(t, &st);
	assert_true(st.synced);
	assert_true(st.age_s >= 7);
	assert_int_equal(st.vrps, 4);
	assert_non_null(strstr(st.why, "127.0.0.1:47281"));

	/* the cache back: RTRlib reconnects (retry 1 s) and the table is fresh again */
	write_atomic(cache, vrps_a);
	pid = start_stayrtr(cache);
	for (end = clock_mono_ms() + 20000; clock_mono_ms() < end; usleep(100 * 1000))
		if (validate(t, "203.0.113.0/25", 64496, &r, why, sizeof(why)) == 0 &&
		    r.state == ROV_VALID) {
			usleep(100 * 1000);
			break;
		}
	assert_int_equal(state_of(t, "203.0.113.0/25", 64496), ROV_VALID);
	vrp_status(t, &st);
	assert_int_equal(st.vrps, 5);
	assert_string_equal(st.why, "");
	vrp_close(t);

	/* two caches in preference order: the first refuses, the second serves */
	snprintf(caches, sizeof(caches), "127.0.0.1:%d 127.0.0.1:%d", PORT_NOBODY, PORT_STAYRTR);
	t = vrp_open(&vc, err, sizeof(err));
	assert_non_null(t);
	vrp_status(t, &st);
	if (!st.synced)
		fail_msg("not synced: %s", st.why);
	assert_string_equal(st.source, "rtr 127.0.0.1:47281");
	assert_int_equal(st.vrps, 5);
	assert_int_equal(state_of(t, "203.0.113.0/25", 64496), ROV_VALID);
	vrp_close(t);
	reap(pid);
}

/* A cache that syncs once and then misbehaves: the last good table is kept, and says so,
 * until it is too old; never a crash. */
static void
test_bad_cache(void **state)
{
	static const char *modes[] = { "reset", "session", "length", "error", "silent" };
	char script[256];

	(void)state;
	snprintf(script, sizeof(script), "%s/tests/integration/rtr_badcache.py", srcdir);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		int port = PORT_BAD_FIRST + (int)m;
		char ports[8], caches[32], err[256] = "", why[160] = "";
		char *argv[] = { "python3", script, ports, (char *)modes[m], NULL };
		struct vrp_conf vc = { .caches = caches, .max_age_s = 3, .sync_ms = 5000 };
		struct vrp_status st;
		struct vrp_table *t;
		struct rov r;
		int64_t opened, end;
		pid_t pid;
		int rc = 0;

		snprintf(ports, sizeof(ports), "%d", port);
		snprintf(caches, sizeof(caches), "127.0.0.1:%d", port);
		pid = spawn(argv, port);
		t = vrp_open(&vc, err, sizeof(err));
		opened = clock_mono_ms();
		assert_non_null(t);
		vrp_status(t, &st);
		if (!st.synced)
			fail_msg("%s: not synced: %s", modes[m], st.why);
		assert_int_equal(st.vrps, 2);
		assert_int_equal(st.serial, 7);
		assert_int_equal(state_of(t, "192.0.2.0/24", 64500), ROV_VALID);
		assert_int_equal(state_of(t, "2001:db8:1::/48", 64500), ROV_VALID);
		/* every answer until the limit is the last good table's */
		for (end = opened + 15000; clock_mono_ms() < end; usleep(100 * 1000)) {
			rc = validate(t, "2001:db8:1::/48", 64500, &r, why, sizeof(why));
			if (rc != 0)
				break;
			assert_int_equal(r.state, ROV_VALID);
			assert_int_equal(state_of(t, "192.0.2.0/25", 64500), ROV_INVALID);
		}
		fprintf(stderr, "%s: %s after %lld ms\n", modes[m], why,
		    (long long)(clock_mono_ms() - opened));
		assert_int_equal(rc, PEIL_EAGAIN);
		assert_string_equal(why, "VRP table 4 s old (limit 3 s)");
		assert_true(clock_mono_ms() - opened >= 3500);
		vrp_status(t, &st);
		fprintf(stderr, "%s: status: synced %d age %llu vrps %llu why \"%s\"\n", modes[m],
		    st.synced, (unsigned long long)st.age_s, (unsigned long long)st.vrps, st.why);
		assert_true(st.synced);
		assert_true(st.age_s >= 4);
		assert_int_equal(st.vrps, 2);
		if (strcmp(modes[m], "silent") != 0)
			assert_non_null(strstr(st.why, caches));
		else
			assert_string_equal(st.why, "no sync or load for 4 s (limit 3 s)");
		/* the server first: RTRlib may be waiting for its answer */
		reap(pid);
		vrp_close(t);
	}
}

/* A VRP file that changes is loaded again (every VRP_FILE_CHECK_S); a bad one keeps the
 * previous table and says why. */
static void
test_file_reload(void **state)
{
	char path[128], err[256] = "";
	struct vrp_conf vc = { .file = path, .max_age_s = 60 };
	struct vrp_status st;
	struct vrp_table *t;
	int64_t end;

	(void)state;
	snprintf(path, sizeof(path), "%s/reload.json", tmpdir);
	write_atomic(path, vrps_a);
	t = vrp_open(&vc, err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(state_of(t, "192.0.2.224/27", 64500), ROV_INVALID);
	write_atomic(path, "64500,192.0.2.0/24,24\n64500,192.0.2.0/33,33\n");
	sleep(VRP_FILE_CHECK_S + 1);
	assert_int_equal(state_of(t, "192.0.2.224/27", 64500), ROV_INVALID);
	vrp_status(t, &st);
	assert_int_equal(st.vrps, 5);
	assert_non_null(strstr(st.why, "reload.json:2: prefix \"192.0.2.0/33\""));
	write_atomic(path, vrps_b);
	for (end = clock_mono_ms() + (VRP_FILE_CHECK_S + 5) * 1000; clock_mono_ms() < end;
	    usleep(200 * 1000))
		if (state_of(t, "192.0.2.224/27", 64500) == ROV_VALID)
			break;
	assert_int_equal(state_of(t, "192.0.2.224/27", 64500), ROV_VALID);
	vrp_status(t, &st);
	assert_int_equal(st.vrps, 4);
	assert_string_equal(st.why, "");
	assert_true(st.age_s <= 1);
	vrp_close(t);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/peil-it-rtr-XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_stayrtr, reap_all),
		cmocka_unit_test_teardown(test_bad_cache, reap_all),
		cmocka_unit_test_teardown(test_file_reload, reap_all),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: rtr_cache SOURCE_DIR\n");
		return 2;
	}
	srcdir = argv[1];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
