/* test_enroll.c: agents add, remove and list on an allowlist directory, every refusal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <zmq.h>

#include "enroll.h"
#include "fingerprint.h"
#include "keys.h"
#include "log.h"

static char dir[64], allow[96], err[2048];

static int
setup(void **state)
{
	(void)state;
	log_init("test_enroll", LOG_ERR);
	snprintf(dir, sizeof(dir), "/tmp/peil-test-enroll-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(allow, sizeof(allow), "%s/allow", dir);
	return mkdir(allow, 0755);
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A key pair written as PREFIX.key and PREFIX.pub in dir. */
static void
make_pair(const char *name, struct keypair *kp)
{
	char prefix[160];

	snprintf(prefix, sizeof(prefix), "%s/%s", dir, name);
	assert_int_equal(keys_generate(kp), 0);
	assert_int_equal(keys_write(kp, prefix, true), 0);
}

static size_t
files_in(const char *d)
{
	DIR *dd = opendir(d);
	struct dirent *de;
	size_t n = 0;

	while ((de = readdir(dd)) != NULL)
		n += de->d_name[0] != '.';
	closedir(dd);
	return n;
}

static void
test_add_list_remove(void **state)
{
	struct keypair a, b;
	char pa[160], pb[160], ka[160], fp[FINGERPRINT_LEN + 1], want[FINGERPRINT_LEN + 1];
	char *out = NULL;
	size_t outlen = 0, n;
	struct allowlist *al;
	FILE *f;
	uint8_t bin[32];

	(void)state;
	make_pair("a", &a);
	make_pair("b", &b);
	snprintf(pa, sizeof(pa), "%s/a.pub", dir);
	snprintf(pb, sizeof(pb), "%s/b.pub", dir);
	snprintf(ka, sizeof(ka), "%s/a.key", dir);
	assert_int_equal(enroll_add(allow, "alpha", pa, false, fp, err, sizeof(err)), ENROLL_OK);
	assert_int_equal(fingerprint_of(a.public_z85, want), 0);
	assert_string_equal(fp, want);
	/* No temporary file left; the collector's loader admits the key under the name. */
	assert_int_equal(files_in(allow), 1);
	{
		DIR *dd = opendir(allow);
		struct dirent *de;

		while ((de = readdir(dd)) != NULL)
			assert_true(strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			    de->d_name[0] != '.');
		closedir(dd);
	}
	assert_non_null(al = allowlist_load(allow, err, sizeof(err)));
	assert_non_null(zmq_z85_decode(bin, a.public_z85));
	assert_string_equal(allowlist_find(al, bin), "alpha");
	allowlist_free(al);

	/* Refusals: the name taken, the key under another name, a bad name, a secret key, a
	 * file that is not a key, a missing directory. Nothing changes. */
	assert_int_equal(enroll_add(allow, "alpha", pb, false, NULL, err, sizeof(err)),
	    ENROLL_FAIL);
	assert_non_null(strstr(err, "agent 'alpha' is enrolled already"));
	assert_int_equal(enroll_add(allow, "other", pa, false, NULL, err, sizeof(err)),
	    ENROLL_FAIL);
	assert_non_null(strstr(err, "enrolled already as agent 'alpha'"));
	assert_int_equal(enroll_add(allow, "../x", pb, false, NULL, err, sizeof(err)),
	    ENROLL_USAGE);
	assert_int_equal(enroll_add(allow, "", pb, false, NULL, err, sizeof(err)), ENROLL_USAGE);
	assert_int_equal(enroll_add(allow, "beta", ka, false, NULL, err, sizeof(err)),
	    ENROLL_FAIL);
	assert_non_null(strstr(err, "holds a SECRET key"));
	assert_int_equal(enroll_add(allow, "beta", "/nonexistent.pub", false, NULL, err,
	    sizeof(err)), ENROLL_FAIL);
	assert_non_null(strstr(err, "/nonexistent.pub"));
	assert_int_equal(enroll_add("/nonexistent-dir", "beta", pb, false, NULL, err,
	    sizeof(err)), ENROLL_FAIL);
	assert_non_null(strstr(err, "/nonexistent-dir"));
	assert_int_equal(files_in(allow), 1);

	/* --force replaces the key under the name. */
	assert_int_equal(enroll_add(allow, "alpha", pb, true, NULL, err, sizeof(err)), ENROLL_OK);
	assert_non_null(al = allowlist_load(allow, err, sizeof(err)));
	assert_null(allowlist_find(al, bin));
	allowlist_free(al);
	assert_int_equal(enroll_add(allow, "alpha", pa, true, NULL, err, sizeof(err)), ENROLL_OK);

	/* list: name and fingerprint; a file the collector skips says so. */
	assert_int_equal(enroll_add(allow, "beta", pb, false, NULL, err, sizeof(err)), ENROLL_OK);
	{
		char junk[160];
		FILE *j;

		snprintf(junk, sizeof(junk), "%s/junk", allow);
		assert_non_null(j = fopen(junk, "w"));
		fputs("not a key\n", j);
		fclose(j);
	}
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(enroll_list(allow, f, &n, err, sizeof(err)), ENROLL_OK);
	fclose(f);
	assert_int_equal(n, 2);
	{
		char line[256];

		snprintf(line, sizeof(line), "alpha\t%s\n", want);
		assert_non_null(strstr(out, line));
	}
	assert_non_null(strstr(out, "junk\tskipped: no valid public key"));
	free(out);

	/* remove: gone; removing again says it is not there. */
	assert_int_equal(enroll_remove(allow, "alpha", err, sizeof(err)), ENROLL_OK);
	assert_int_equal(enroll_remove(allow, "alpha", err, sizeof(err)), ENROLL_FAIL);
	assert_non_null(strstr(err, "no agent 'alpha'"));
	assert_int_equal(enroll_remove(allow, ".hidden", err, sizeof(err)), ENROLL_USAGE);
	assert_int_equal(files_in(allow), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_list_remove, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
