/* curlapi.h: libcurl (libcurl.so.4), loaded on first use (dynlib.h) by net/http.c. Callers
 * take the table into a local named `curl` and call through it: `curl->easy_perform(...)`. */
#ifndef PEIL_CURLAPI_H
#define PEIL_CURLAPI_H

#include <curl/curl.h>

/* X(member, libcurl's function) for every function peil calls; the member's type is the
 * function's own, from libcurl's header. */
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

struct curlapi {
#define CURLAPI_MEMBER(m, fn) __typeof__(fn) *m;
	CURLAPI_FUNCS(CURLAPI_MEMBER)
#undef CURLAPI_MEMBER
};

/* The table, libcurl.so.4 loaded on the first call; NULL when it cannot be loaded, with the
 * reason (the library and the Debian package libcurl4) in err. Thread-safe. */
const struct curlapi *curlapi_load(char *err, size_t errlen);
/* The table, where curlapi_load succeeded before (or failing is fatal): exits with the reason
 * when the library cannot be loaded. */
const struct curlapi *curlapi(void);

#endif
