/* zmqapi.c: libzmq loaded on first use (see zmqapi.h). */
#include "dynlib.h"
#include "zmqapi.h"

DYNLIB_DEFINE(zmqapi, ZMQAPI_FUNCS, "libzmq.so.5", "libzmq5")
