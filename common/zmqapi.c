/* zmqapi.c: libzmq loaded on first use (see zmqapi.h). */
#include "dynlib.h"
#include "zmqapi.h"

static struct zmqapi zmqapi_table;

static void
zmqapi_fill(struct dynlib *lib)
{
#define ZMQAPI_SYM(m, fn) zmqapi_table.m = (__typeof__(zmqapi_table.m))dynlib_sym(lib, #fn);
	ZMQAPI_FUNCS(ZMQAPI_SYM)
#undef ZMQAPI_SYM
}

static struct dynlib zmqapi_lib = DYNLIB_INIT("libzmq.so.5", "libzmq5", zmqapi_fill);

const struct zmqapi *
zmqapi_load(char *err, size_t errlen)
{
	return dynlib_load(&zmqapi_lib, err, errlen) == 0 ? &zmqapi_table : NULL;
}

const struct zmqapi *
zmqapi(void)
{
	dynlib_need(&zmqapi_lib);
	return &zmqapi_table;
}
