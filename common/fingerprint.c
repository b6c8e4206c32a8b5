/* fingerprint.c: SHA-256 fingerprints of CURVE public keys (libsodium's SHA-256). */
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "fingerprint.h"
#include "zmqapi.h"

/* The digest of a Z85 key; false when it is not one. */
static bool
fingerprint_digest(const char *z85, uint8_t out[FINGERPRINT_BYTES])
{
	const struct zmqapi *zmq = zmqapi();
	uint8_t bin[32];

	if (z85 == NULL || strlen(z85) != KEY_Z85_LEN || zmq->z85_decode(bin, z85) == NULL)
		return false;
	crypto_hash_sha256(out, bin, sizeof(bin));
	return true;
}

int
fingerprint_of(const char *z85, char out[FINGERPRINT_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[FINGERPRINT_BYTES];
	size_t o = 0;

	out[0] = '\0';
	if (!fingerprint_digest(z85, d))
		return PEIL_EINVAL;
	memcpy(out, "SHA256:", 7);
	o = 7;
	for (size_t i = 0; i < FINGERPRINT_BYTES; i++) {
		if (i > 0 && i % 2 == 0)
			out[o++] = ':';
		out[o++] = hex[d[i] >> 4];
		out[o++] = hex[d[i] & 0xf];
	}
	out[o] = '\0';
	return 0;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
fingerprint_parse(const uint8_t *buf, size_t len, uint8_t out[FINGERPRINT_BYTES])
{
	size_t i = 0, nd = 0;

	if (len >= 7 && strncasecmp((const char *)buf, "sha256:", 7) == 0)
		i = 7;
	for (; i < len; i++) {
		int v = hexval(buf[i]);

		if (v < 0) {
			if (buf[i] == ':' || buf[i] == '-' || buf[i] == ' ' || buf[i] == '.')
				continue;
			return PEIL_EINVAL;
		}
		if (nd == 2 * FINGERPRINT_BYTES)
			return PEIL_EINVAL;
		if (nd % 2 == 0)
			out[nd / 2] = (uint8_t)(v << 4);
		else
			out[nd / 2] |= (uint8_t)v;
		nd++;
	}
	return nd == 2 * FINGERPRINT_BYTES ? 0 : PEIL_EINVAL;
}

bool
fingerprint_matches(const char *z85, const uint8_t digest[FINGERPRINT_BYTES])
{
	uint8_t d[FINGERPRINT_BYTES];

	return fingerprint_digest(z85, d) && sodium_memcmp(d, digest, sizeof(d)) == 0;
}
