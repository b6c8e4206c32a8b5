/* fuzz_fingerprint.c: fingerprints as people type them (peil-agent enroll --collector-key):
 * fingerprint_parse either refuses or gives 32 bytes that print back, in the canonical
 * form, as a fingerprint it parses to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[FINGERPRINT_BYTES], again[FINGERPRINT_BYTES];
	char text[FINGERPRINT_LEN + 1];
	size_t o = 7;

	if (fingerprint_parse(data, size, d) != 0)
		return 0;
	memcpy(text, "SHA256:", 7);
	for (size_t i = 0; i < FINGERPRINT_BYTES; i++) {
		if (i > 0 && i % 2 == 0)
			text[o++] = ':';
		text[o++] = hex[d[i] >> 4];
		text[o++] = hex[d[i] & 0xf];
	}
	text[o] = '\0';
	if (o != FINGERPRINT_LEN || fingerprint_parse((const uint8_t *)text, o, again) != 0 ||
	    memcmp(d, again, sizeof(d)) != 0)
		abort();
	return 0;
}
