/* dnsev.c: evidence gathered once and given to one or more results; bounded text lists. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsev.h"
#include "err.h"

void
dnsev_add(struct dnsev *ev, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *v = NULL;
	int n;

	if (ev->n == MAX_TEST_EVIDENCE) {
		ev->cut++;
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0 || (ev->key[ev->n] = strdup(key)) == NULL) {
		if (n >= 0)
			free(v);
		ev->nomem = true;
		return;
	}
	ev->val[ev->n++] = v;
}

void
dnsev_clear(struct dnsev *ev)
{
	for (size_t i = 0; i < ev->n; i++) {
		free(ev->key[i]);
		free(ev->val[i]);
	}
	memset(ev, 0, sizeof(*ev));
}

/* Sets r's status, then "reason" (if any), then the evidence. */
int
dnsev_apply(const struct dnsev *ev, Peil__Result *r, int status, const char *reason)
{
	if (r == NULL)
		return 0;
	if (ev->nomem)
		return PEIL_ENOMEM;
	result_set_status(r, status);
	if (reason != NULL && result_add_evidence(r, "reason", "%s", reason) != 0)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < ev->n; i++)
		if (result_add_evidence(r, ev->key[i], "%s", ev->val[i]) != 0)
			return PEIL_ENOMEM;
	if (ev->cut > 0 && result_add_evidence(r, "evidence_cut", "%zu more pairs left out "
	    "(MAX_TEST_EVIDENCE)", ev->cut) != 0)
		return PEIL_ENOMEM;
	return 0;
}

void
dnsev_copy(struct dnsev *dst, const struct dnsev *src)
{
	for (size_t i = 0; i < src->n; i++)
		dnsev_add(dst, src->key[i], "%s", src->val[i]);
	dst->cut += src->cut;
}

void
textlist_add(struct textlist *tl, const char *s)
{
	int n;

	if (tl->len >= sizeof(tl->buf) - 1)
		return;
	n = snprintf(tl->buf + tl->len, sizeof(tl->buf) - tl->len, "%s%s",
	    tl->len > 0 ? ", " : "", s);
	if (n > 0)
		tl->len += (size_t)n;
	if (tl->len >= sizeof(tl->buf))
		tl->len = sizeof(tl->buf) - 1;
}
