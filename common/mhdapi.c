/* mhdapi.c: libmicrohttpd loaded on first use (see mhdapi.h). */
#include "dynlib.h"
#include "mhdapi.h"

static struct mhdapi mhdapi_table;

static void
mhdapi_fill(struct dynlib *lib)
{
#define MHDAPI_SYM(m, fn) mhdapi_table.m = (__typeof__(mhdapi_table.m))dynlib_sym(lib, #fn);
	MHDAPI_FUNCS(MHDAPI_SYM)
#undef MHDAPI_SYM
}

static struct dynlib mhdapi_lib = DYNLIB_INIT("libmicrohttpd.so.12", "libmicrohttpd12", mhdapi_fill);

const struct mhdapi *
mhdapi_load(char *err, size_t errlen)
{
	return dynlib_load(&mhdapi_lib, err, errlen) == 0 ? &mhdapi_table : NULL;
}

const struct mhdapi *
mhdapi(void)
{
	dynlib_need(&mhdapi_lib);
	return &mhdapi_table;
}
