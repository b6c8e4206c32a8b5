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

/* A struct dynlib's initialiser: the library, its Debian package and its fill. */
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

/* One library's table, from FUNCS, an X-macro list of X(member, the library's function): each
 * member has the function's own type, from the library's header. DYNLIB_DECLARE(name, FUNCS)
 * in its header declares
 *   struct name                   the table;
 *   const struct name *name_load(char *err, size_t errlen)
 *                                 the table, the library loaded on the first call; NULL when
 *                                 it cannot be loaded, with dynlib_load's reason in err;
 *   const struct name *name(void) the table where name_load succeeded before (or failing is
 *                                 fatal): exits with the reason when it cannot be loaded.
 * Both are thread-safe. DYNLIB_DEFINE(name, FUNCS, soname, package) in one .c defines them. */
#define DYNLIB_MEMBER(m, fn) __typeof__(fn) *m;
#define DYNLIB_DECLARE(name, FUNCS) \
	struct name { FUNCS(DYNLIB_MEMBER) }; \
	const struct name *name##_load(char *err, size_t errlen); \
	const struct name *name(void);

#define DYNLIB_SYM(m, fn) t->m = (__typeof__(t->m))dynlib_sym(lib, #fn);
#define DYNLIB_DEFINE(name, FUNCS, soname, package) \
	static struct name name##_table; \
	static void \
	name##_fill(struct dynlib *lib) \
	{ \
		struct name *t = &name##_table; \
		FUNCS(DYNLIB_SYM) \
	} \
	static struct dynlib name##_lib = DYNLIB_INIT(soname, package, name##_fill); \
	const struct name * \
	name##_load(char *err, size_t errlen) \
	{ \
		return dynlib_load(&name##_lib, err, errlen) == 0 ? &name##_table : NULL; \
	} \
	const struct name * \
	name(void) \
	{ \
		dynlib_need(&name##_lib); \
		return &name##_table; \
	}

#endif
