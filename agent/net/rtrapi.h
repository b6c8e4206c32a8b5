/* rtrapi.h: RTRlib (librtr.so.0), loaded on first use (dynlib.h) by net/rtr.c. Callers take
 * the table into a local named `rtrlib` and call through it: `rtrlib->rtr_mgr_start(...)`. */
#ifndef PEIL_RTRAPI_H
#define PEIL_RTRAPI_H

#include <rtrlib/rtrlib.h>

#include "dynlib.h"

/* X(member, RTRlib's function) for every function peil calls (dynlib.h's
 * DYNLIB_DECLARE). */
#define RTRAPI_FUNCS(X) \
	X(pfx_table_init, pfx_table_init) \
	X(pfx_table_add, pfx_table_add) \
	X(pfx_table_free, pfx_table_free) \
	X(pfx_table_validate_r, pfx_table_validate_r) \
	X(pfx_table_for_each_ipv4_record, pfx_table_for_each_ipv4_record) \
	X(pfx_table_for_each_ipv6_record, pfx_table_for_each_ipv6_record) \
	X(rtr_mgr_init, rtr_mgr_init) \
	X(rtr_mgr_start, rtr_mgr_start) \
	X(rtr_mgr_stop, rtr_mgr_stop) \
	X(rtr_mgr_free, rtr_mgr_free) \
	X(rtr_set_interval_mode, rtr_set_interval_mode) \
	X(tr_tcp_init, tr_tcp_init)

/* struct rtrapi, rtrapi_load(err, errlen) and rtrapi(), as dynlib.h says. */
DYNLIB_DECLARE(rtrapi, RTRAPI_FUNCS)

#endif
