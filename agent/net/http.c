/* http.c: one HTTP(S) GET through libcurl, pinned to the address under test (see http.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "http.h"

int
http_get(const struct http_request *rq, struct http_response *out)
{
	/* The engine comes with the web tests' HTTP work (issue 12, point 1). */
	memset(out, 0, sizeof(*out));
	if (rq == NULL || rq->url == NULL || rq->addr == NULL)
		return PEIL_EINVAL;
	out->rc = PEIL_EIO;
	out->fail = HTTP_F_OTHER;
	snprintf(out->why, sizeof(out->why), "the HTTP engine is not built in this version");
	return 0;
}

void
http_response_clear(struct http_response *out)
{
	if (out == NULL)
		return;
	free(out->body);
	memset(out, 0, sizeof(*out));
}

const struct http_field *
http_field_get(const struct http_response *r, const char *name, size_t nth)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < r->nfields; i++)
		if (r->field[i].namelen == len && strncasecmp(r->field[i].name, name, len) == 0 &&
		    nth-- == 0)
			return &r->field[i];
	return NULL;
}

size_t
http_field_count(const struct http_response *r, const char *name)
{
	size_t len = strlen(name), n = 0;

	for (size_t i = 0; i < r->nfields; i++)
		if (r->field[i].namelen == len && strncasecmp(r->field[i].name, name, len) == 0)
			n++;
	return n;
}

const char *
http_fail_name(enum http_fail f)
{
	switch (f) {
	case HTTP_OK:          return "ok";
	case HTTP_F_CONNECT:   return "connect";
	case HTTP_F_TIMEOUT:   return "timeout";
	case HTTP_F_TLS:       return "tls";
	case HTTP_F_PROTOCOL:  return "protocol";
	case HTTP_F_HEADERS:   return "headers";
	case HTTP_F_OTHER:     return "other";
	}
	return "?";
}
