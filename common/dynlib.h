/* dynlib.h: a shared library loaded on first use (dlopen), its functions resolved into a
 * table of typed pointers. libcurl, libzmq, libmicrohttpd and RTRlib are loaded this way, so
 * a process that needs none of them (a STARTTLS probe) does not pay for loading them. */
#ifndef PEIL_DYNLIB_H
#define PEIL_DYNLIB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct dynlib;

enum { DYNLIB_UNTRIED, DYNLIB_OK, DYNLIB_FAILED };
/* Room for a reason dynlib_load gives. */
#define DYNLIB_WHY_LEN 320

/* Fills a library's table: one dynlib_sym per function, in any order. */
typedef void (*dynlib_fill_fn)(struct dynlib *lib);

/* One library. Define it static with DYNLIB_INIT; the fields after `fill` are its state. */
struct dynlib {
	const char *soname;     /* the runtime name, as DT_SONAME says it: "libcurl.so.4" */
	const char *package;    /* the Debian package that installs it: "libcurl4" */
	dynlib_fill_fn fill;
	pthread_mutex_t mu;
	_Atomic int state;      /* DYNLIB_UNTRIED, DYNLIB_OK or DYNLIB_FAILED */
	void *handle;
	const char *missing;    /* the first function dynlib_sym did not find */
	char why[DYNLIB_WHY_LEN]; /* why it cannot be used (DYNLIB_FAILED) */
};


#define DYNLIB_INIT(so, pkg, fillfn) \
	{ .soname = (so), .package = (pkg), .fill = (fillfn), .mu = PTHREAD_MUTEX_INITIALIZER }

/* Opens lib (RTLD_NOW | RTLD_LOCAL) and calls its fill once per process; every later call
 * gives the first one's answer. Returns 0, or PEIL_ENOLIB with the reason in err (the library,
 * the Debian package to install and dlerror's text, or the function missing). Thread-safe. */
int dynlib_load(struct dynlib *lib, char *err, size_t errlen);

/* As dynlib_load, for code that runs only after a dynlib_load succeeded: a failure here is a
 * broken invariant, fatal with the reason. */
void dynlib_need(struct dynlib *lib);

/* For fill: the address of `name` in lib, or NULL (then lib->missing names the first such
 * function and dynlib_load fails). */
void *dynlib_sym(struct dynlib *lib, const char *name);

#endif
