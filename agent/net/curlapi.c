/* curlapi.c: libcurl loaded on first use (see curlapi.h). */
#include "dynlib.h"
#include "curlapi.h"

DYNLIB_DEFINE(curlapi, CURLAPI_FUNCS, "libcurl.so.4", "libcurl4")
