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

#endif
