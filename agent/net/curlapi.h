/* curlapi.h: libcurl (libcurl.so.4), loaded on first use (dynlib.h) by net/http.c. Callers
 * take the table into a local named `curl` and call through it: `curl->easy_perform(...)`. */
#ifndef PEIL_CURLAPI_H
#define PEIL_CURLAPI_H

#include <curl/curl.h>

#include "dynlib.h"

/* X(member, libcurl's function) for every function peil calls (dynlib.h's
 * DYNLIB_DECLARE). */
#define CURLAPI_FUNCS(X) \
	X(global_init, curl_global_init) \
	X(easy_init, curl_easy_init) \
	X(easy_cleanup, curl_easy_cleanup) \
	X(easy_reset, curl_easy_reset) \
	X(easy_setopt, curl_easy_setopt) \
	X(easy_getinfo, curl_easy_getinfo) \
	X(easy_perform, curl_easy_perform) \
	X(easy_strerror, curl_easy_strerror) \
	X(free, curl_free) \
	X(slist_append, curl_slist_append) \
	X(slist_free_all, curl_slist_free_all) \
	X(url, curl_url) \
	X(url_cleanup, curl_url_cleanup) \
	X(url_get, curl_url_get) \
	X(url_set, curl_url_set)

/* struct curlapi, curlapi_load(err, errlen) and curlapi(), as dynlib.h says. */
DYNLIB_DECLARE(curlapi, CURLAPI_FUNCS)

/* curl_easy_setopt(h, opt, val) through the table c. libcurl takes val as a variadic
 * argument of the type opt's number says: a long below CURLOPTTYPE_OBJECTPOINT, a pointer
 * (data, string, list or function) up to CURLOPTTYPE_OFF_T, a curl_off_t up to
 * CURLOPTTYPE_BLOB. Called through a table, nothing checks that (libcurl's typecheck-gcc.h
 * wraps its own symbol only, and lets an int pass for a long): this does, at compile time,
 * for a constant opt. A blob option is refused: peil sets none. */
#define CURLAPI_SETOPT(c, h, opt, val) \
	((void)sizeof(struct { \
		_Static_assert((opt) < CURLOPTTYPE_BLOB && \
		    ((opt) >= CURLOPTTYPE_OBJECTPOINT || \
		    __builtin_types_compatible_p(__typeof__(val), long)) && \
		    ((opt) < CURLOPTTYPE_OBJECTPOINT || (opt) >= CURLOPTTYPE_OFF_T || \
		    __builtin_classify_type(val) == __builtin_classify_type((void *)0)) && \
		    ((opt) < CURLOPTTYPE_OFF_T || \
		    __builtin_types_compatible_p(__typeof__(val), curl_off_t)), \
		    #opt ": the value is not of the option's type"); \
		int any; \
	}), (c)->easy_setopt((h), (opt), (val)))

/* curl_easy_getinfo(h, info, p) through the table c, p checked at compile time against the
 * type info's number says (a long *, char ** or curl_off_t *; peil asks no other). */
#define CURLAPI_GETINFO(c, h, info, p) \
	((void)sizeof(struct { \
		_Static_assert((((info) & CURLINFO_TYPEMASK) == CURLINFO_LONG && \
		    __builtin_types_compatible_p(__typeof__(p), long *)) || \
		    (((info) & CURLINFO_TYPEMASK) == CURLINFO_STRING && \
		    __builtin_types_compatible_p(__typeof__(p), char **)) || \
		    (((info) & CURLINFO_TYPEMASK) == CURLINFO_OFF_T && \
		    __builtin_types_compatible_p(__typeof__(p), curl_off_t *)), \
		    #info ": the pointer is not of the information's type"); \
		int any; \
	}), (c)->easy_getinfo((h), (info), (p)))

#endif
