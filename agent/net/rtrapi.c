/* rtrapi.c: RTRlib loaded on first use (see rtrapi.h). */
#include "dynlib.h"
#include "rtrapi.h"

DYNLIB_DEFINE(rtrapi, RTRAPI_FUNCS, "librtr.so.0", "librtr0")
