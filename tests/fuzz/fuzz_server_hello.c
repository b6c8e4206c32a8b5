/* fuzz_server_hello.c: libFuzzer target for the TLS engine's ServerHello parser (the reply to
 * a hand-built ClientHello: untrusted bytes from any server). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct tls_hello h;
	uint8_t *copy;
	int rc;

	/* An exactly sized copy: the sanitizers see any read past the end. */
	if ((copy = malloc(n > 0 ? n : 1)) == NULL)
		return 0;
	memcpy(copy, d, n);
	memset(&h, 0, sizeof(h));
	rc = tls_server_hello_parse(copy, n, &h);
	if (rc != 0 && rc != PEIL_EAGAIN && rc != PEIL_ENOENT && rc != PEIL_EINVAL &&
	    rc != PEIL_ETOOBIG)
		__builtin_trap();
	/* Every prefix of a complete hello is incomplete or the same hello, never a crash. */
	if (rc == 0 && n > 0)
		(void)tls_server_hello_parse(copy, n - 1, &h);
	free(copy);
	return 0;
}
