/* fuzz_http_header.c: libFuzzer target feeding arbitrary bytes, split at LF, through the HTTP
 * engine's header-line collector into one response, and checking what it promises. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "http.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static struct http_response R;

static bool
fuzz_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The counters, after every line. */
static void
check_counts(const struct http_response *r)
{
	if (r->hbytes > MAX_HTTP_HEADER_BYTES || r->hlen > sizeof(r->hbuf) ||
	    r->nfields > MAX_HTTP_FIELDS || r->nfields > r->fields_seen ||
	    (r->fields_seen > r->nfields && !r->fields_cut))
		__builtin_trap();
}

/* Every field kept, at the end. */
static void
check_fields(const struct http_response *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		const struct http_field *f = &r->field[i];
		const char *end = r->hbuf + r->hlen;

		/* inside the used part of hbuf, NUL-terminated, no NUL within */
		if (f->name < r->hbuf || f->name + f->namelen >= end ||
		    f->value < r->hbuf || f->value + f->valuelen >= end ||
		    f->name[f->namelen] != '\0' || f->value[f->valuelen] != '\0' ||
		    strlen(f->name) != f->namelen || strlen(f->value) != f->valuelen)
			__builtin_trap();
		/* a name before the first ':', not empty; a value without blanks around it */
		if (f->namelen == 0 || memchr(f->name, ':', f->namelen) != NULL ||
		    fuzz_blank(f->name[0]))
			__builtin_trap();
		if (f->valuelen > 0 && (fuzz_blank(f->value[0]) ||
		    fuzz_blank(f->value[f->valuelen - 1])))
			__builtin_trap();
		/* found again by its own name */
		if (http_field_count(r, f->name) == 0 || http_field_get(r, f->name, 0) == NULL)
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	size_t off = 0;
	bool stopped = false;

	memset(&R, 0, sizeof(R));
	while (off < n) {
		const uint8_t *lf = memchr(d + off, '\n', n - off);
		size_t len = lf != NULL ? (size_t)(lf - (d + off)) + 1 : n - off;
		size_t before = R.hbytes;
		int rc = http_collect_line(&R, (const char *)d + off, len);

		if (rc != 0 && rc != PEIL_ETOOBIG)
			__builtin_trap();
		if (stopped && rc == 0)
			__builtin_trap();       /* a stop is sticky */
		if (rc == PEIL_ETOOBIG) {
			if (R.fail != HTTP_F_HEADERS || R.rc != PEIL_ETOOBIG || R.why[0] == '\0' ||
			    memchr(R.why, '\0', sizeof(R.why)) == NULL)
				__builtin_trap();
			stopped = true;
		} else {
			/* a line taken is within both bounds, and counted */
			if (len > MAX_HTTP_FIELD_LEN || R.hbytes != before + len)
				__builtin_trap();
		}
		check_counts(&R);
		off += len;
	}
	check_fields(&R);
	return 0;
}
