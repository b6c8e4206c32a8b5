/* curlapi.c: libcurl loaded on first use (see curlapi.h). */
#include "dynlib.h"
#include "curlapi.h"

static struct curlapi curlapi_table;

static void
curlapi_fill(struct dynlib *lib)
{
#define CURLAPI_SYM(m, fn) curlapi_table.m = (__typeof__(curlapi_table.m))dynlib_sym(lib, #fn);
	CURLAPI_FUNCS(CURLAPI_SYM)
#undef CURLAPI_SYM
}

static struct dynlib curlapi_lib = DYNLIB_INIT("libcurl.so.4", "libcurl4", curlapi_fill);

const struct curlapi *
curlapi_load(char *err, size_t errlen)
{
	return dynlib_load(&curlapi_lib, err, errlen) == 0 ? &curlapi_table : NULL;
}

const struct curlapi *
curlapi(void)
{
	dynlib_need(&curlapi_lib);
	return &curlapi_table;
}
