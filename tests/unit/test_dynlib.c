/* test_dynlib.c: a library loaded on first use: a missing library, a missing function and a
 * real library, each answering the same on every call; loaded once when many threads ask at
 * once; and peil's four tables, every function of their lists found in the installed
 * libraries. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <time.h>

#include "curlapi.h"
#include "dynlib.h"
#include "err.h"
#include "mhdapi.h"
#include "rtrapi.h"
#include "zmqapi.h"

static size_t (*real_strlen)(const char *);
static void *no_such_fn;

static void
fill_strlen(struct dynlib *lib)
{
	real_strlen = (size_t (*)(const char *))dynlib_sym(lib, "strlen");
}

static void
fill_missing(struct dynlib *lib)
{
	fill_strlen(lib);
	no_such_fn = dynlib_sym(lib, "peil_no_such_function");
}

static void
test_missing_library(void **state)
{
	static struct dynlib lib = DYNLIB_INIT("libpeil-no-such.so.7", "libpeil-no-such7",
	    fill_strlen);
	char err[512];

	(void)state;
	for (int i = 0; i < 2; i++) {
		err[0] = '\0';
		assert_int_equal(dynlib_load(&lib, err, sizeof(err)), PEIL_ENOLIB);
		assert_non_null(strstr(err, "libpeil-no-such.so.7 cannot be loaded"));
		assert_non_null(strstr(err, "Debian package libpeil-no-such7"));
	}
	assert_null(lib.handle);
	/* A caller without a buffer gets the code alone. */
	assert_int_equal(dynlib_load(&lib, NULL, 0), PEIL_ENOLIB);
}

static void
test_missing_function(void **state)
{
	static struct dynlib lib = DYNLIB_INIT("libc.so.6", "libc6", fill_missing);
	char err[512];

	(void)state;
	assert_int_equal(dynlib_load(&lib, err, sizeof(err)), PEIL_ENOLIB);
	assert_string_equal(err, "libc.so.6 has no function peil_no_such_function (Debian "
	    "package libc6: too old?)");
	assert_null(no_such_fn);
	assert_null(lib.handle);
	err[0] = '\0';
	assert_int_equal(dynlib_load(&lib, err, sizeof(err)), PEIL_ENOLIB);
	assert_non_null(strstr(err, "peil_no_such_function"));
}

static void
test_real_library(void **state)
{
	static struct dynlib lib = DYNLIB_INIT("libc.so.6", "libc6", fill_strlen);
	char err[64] = "untouched";

	(void)state;
	real_strlen = NULL;
	assert_int_equal(dynlib_load(&lib, err, sizeof(err)), 0);
	assert_string_equal(err, "untouched");
	assert_non_null(real_strlen);
	assert_int_equal(real_strlen("peil"), 4);
	assert_int_equal(dynlib_load(&lib, err, sizeof(err)), 0);
	dynlib_need(&lib);
}

/* Many threads asking at once: one dlopen and one fill, every caller the answer of that
 * one (the warm-up thread and the first GET's thread may ask together). */
static _Atomic int fills;
static pthread_barrier_t race_start;

static void
fill_counted(struct dynlib *lib)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	atomic_fetch_add(&fills, 1);
	/* long enough for the others to arrive while this one fills */
	nanosleep(&ts, NULL);
	fill_strlen(lib);
}

static struct dynlib race_lib = DYNLIB_INIT("libc.so.6", "libc6", fill_counted);

static void *
race_main(void *arg)
{
	int *rc = arg;

	pthread_barrier_wait(&race_start);
	*rc = dynlib_load(&race_lib, NULL, 0);
	return NULL;
}

static void
test_load_once_threads(void **state)
{
	enum { NTH = 8 };
	pthread_t th[NTH];
	int rc[NTH];

	(void)state;
	assert_int_equal(pthread_barrier_init(&race_start, NULL, NTH), 0);
	for (int i = 0; i < NTH; i++) {
		rc[i] = -1;
		assert_int_equal(pthread_create(&th[i], NULL, race_main, &rc[i]), 0);
	}
	for (int i = 0; i < NTH; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(rc[i], 0);
	}
	pthread_barrier_destroy(&race_start);
	assert_int_equal(atomic_load(&fills), 1);
	assert_non_null(race_lib.handle);
	assert_int_equal(dynlib_load(&race_lib, NULL, 0), 0);
	assert_int_equal(atomic_load(&fills), 1);
}

static void
test_peil_tables(void **state)
{
	char err[DYNLIB_WHY_LEN] = "";

	(void)state;
	assert_non_null(zmqapi_load(err, sizeof(err)));
	assert_non_null(mhdapi_load(err, sizeof(err)));
	assert_non_null(curlapi_load(err, sizeof(err)));
	assert_non_null(rtrapi_load(err, sizeof(err)));
	assert_string_equal(err, "");
	/* The same table from either accessor, and a call through it works. */
	assert_ptr_equal(zmqapi(), zmqapi_load(NULL, 0));
	assert_int_equal(zmqapi()->has("ipc") != 0, zmq_has("ipc") != 0);
	assert_string_equal(curlapi()->easy_strerror(CURLE_OK), "No error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_function),
		cmocka_unit_test(test_real_library),
		cmocka_unit_test(test_load_once_threads),
		cmocka_unit_test(test_peil_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
