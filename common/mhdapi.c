/* mhdapi.c: libmicrohttpd loaded on first use (see mhdapi.h). */
#include "dynlib.h"
#include "mhdapi.h"

DYNLIB_DEFINE(mhdapi, MHDAPI_FUNCS, "libmicrohttpd.so.12", "libmicrohttpd12")
