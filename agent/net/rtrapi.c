/* rtrapi.c: RTRlib loaded on first use (see rtrapi.h). */
#include "dynlib.h"
#include "rtrapi.h"

static struct rtrapi rtrapi_table;

static void
rtrapi_fill(struct dynlib *lib)
{
#define RTRAPI_SYM(m, fn) rtrapi_table.m = (__typeof__(rtrapi_table.m))dynlib_sym(lib, #fn);
	RTRAPI_FUNCS(RTRAPI_SYM)
#undef RTRAPI_SYM
}

static struct dynlib rtrapi_lib = DYNLIB_INIT("librtr.so.0", "librtr0", rtrapi_fill);

const struct rtrapi *
rtrapi_load(char *err, size_t errlen)
{
	return dynlib_load(&rtrapi_lib, err, errlen) == 0 ? &rtrapi_table : NULL;
}

const struct rtrapi *
rtrapi(void)
{
	dynlib_need(&rtrapi_lib);
	return &rtrapi_table;
}
