/* dynlib.c: shared libraries loaded on first use (see dynlib.h). */
#include <dlfcn.h>
#include <stdio.h>

#include "dynlib.h"
#include "err.h"
#include "log.h"

/* Opens and fills lib; the caller holds lib->mu. */
static void
dynlib_open(struct dynlib *lib)
{
	const char *e;

	if ((lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(lib->why, sizeof(lib->why), "%s cannot be loaded (Debian package %s): %s",
		    lib->soname, lib->package, e != NULL ? e : "dlopen failed");
		atomic_store_explicit(&lib->state, DYNLIB_FAILED, memory_order_release);
		return;
	}
	lib->fill(lib);
	if (lib->missing != NULL) {
		snprintf(lib->why, sizeof(lib->why), "%s has no function %s (Debian package %s: "
		    "too old?)", lib->soname, lib->missing, lib->package);
		dlclose(lib->handle);
		lib->handle = NULL;
		atomic_store_explicit(&lib->state, DYNLIB_FAILED, memory_order_release);
		return;
	}
	atomic_store_explicit(&lib->state, DYNLIB_OK, memory_order_release);
}

int
dynlib_load(struct dynlib *lib, char *err, size_t errlen)
{
	int st = atomic_load_explicit(&lib->state, memory_order_acquire);

	if (st == DYNLIB_UNTRIED) {
		pthread_mutex_lock(&lib->mu);
		if (atomic_load_explicit(&lib->state, memory_order_acquire) == DYNLIB_UNTRIED)
			dynlib_open(lib);
		pthread_mutex_unlock(&lib->mu);
		st = atomic_load_explicit(&lib->state, memory_order_acquire);
	}
	if (st == DYNLIB_OK)
		return 0;
	err_set(err, errlen, "%s", lib->why);
	return PEIL_ENOLIB;
}

void
dynlib_need(struct dynlib *lib)
{
	if (dynlib_load(lib, NULL, 0) != 0)
		log_fatal("%s", lib->why);
}

void *
dynlib_sym(struct dynlib *lib, const char *name)
{
	void *p;

	if (lib->handle == NULL)
		return NULL;
	(void)dlerror();
	if ((p = dlsym(lib->handle, name)) == NULL && lib->missing == NULL)
		lib->missing = name;
	return p;
}
