/* fuzz_smtp_reply.c: libFuzzer target feeding raw bytes to the SMTP reply parser, reply after
 * reply, and checking what it promises. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "limits.h"
#include "smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void
check_reply(const struct smtp_reply *r, size_t used, size_t left)
{
	size_t i, tl;

	if (used == 0 || used > left || used > MAX_SMTP_REPLY_BYTES || r->bytes != used)
		__builtin_trap();
	if (r->code < 200 || r->code > 599 || r->nlines < 1 ||
	    r->nlines > MAX_SMTP_REPLY_LINES || used < 4 * r->nlines)
		__builtin_trap();
	if (memchr(r->text, '\0', sizeof(r->text)) == NULL)
		__builtin_trap();
	tl = strlen(r->text);
	for (i = 0; i < tl; i++)
		if (r->text[i] < 0x20 || r->text[i] > 0x7e)
			__builtin_trap();
	if (r->starttls && r->nlines < 2)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	size_t off = 0;
	char why[160];

	for (;;) {
		struct smtp_reply r, r2;
		size_t used = 0, used2 = 0, left = n - off;
		int rc, rc2;

		why[0] = '\0';
		rc = smtp_reply_parse(d + off, left, &r, &used, why, sizeof(why));
		if (rc == PEIL_EAGAIN) {
			/* Incomplete is only said of what is under the byte limit. */
			if (left > MAX_SMTP_REPLY_BYTES)
				__builtin_trap();
			break;
		}
		if (rc == PEIL_EINVAL || rc == PEIL_ETOOBIG) {
			if (why[0] == '\0' || memchr(why, '\0', sizeof(why)) == NULL)
				__builtin_trap();
			/* A tiny reason buffer is cut, not overrun. */
			(void)smtp_reply_parse(d + off, left, &r2, &used2, why, 4);
			if (why[3] != '\0')
				__builtin_trap();
			break;
		}
		if (rc != 0)
			__builtin_trap();
		check_reply(&r, used, left);
		/* The reply alone parses the same, and any shorter piece of it asks for more. */
		rc2 = smtp_reply_parse(d + off, used, &r2, &used2, NULL, 0);
		if (rc2 != 0 || used2 != used || r2.code != r.code || r2.nlines != r.nlines ||
		    r2.starttls != r.starttls || strcmp(r2.text, r.text) != 0)
			__builtin_trap();
		if (smtp_reply_parse(d + off, used - 1, &r2, &used2, NULL, 0) != PEIL_EAGAIN ||
		    smtp_reply_parse(d + off, used / 2, &r2, &used2, NULL, 0) != PEIL_EAGAIN)
			__builtin_trap();
		off += used;
	}
	return 0;
}
