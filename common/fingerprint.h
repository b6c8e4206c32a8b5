/* fingerprint.h: a CURVE public key's fingerprint, what people compare by eye or read out:
 * "SHA256:" and the SHA-256 of the 32-byte binary key in lower-case hex, 16 groups of 4
 * joined by ':'. Written by keygen, `peil-agent enroll` and `peil-collector agents list`. */
#ifndef PEIL_FINGERPRINT_H
#define PEIL_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define FINGERPRINT_BYTES 32                      /* SHA-256 */
#define FINGERPRINT_LEN   (7 + 64 + 15)           /* "SHA256:" + hex + ':' separators */

/* The fingerprint of a Z85 public key into out (NUL-terminated). 0, or PEIL_EINVAL when
 * `z85` is not a CURVE key. */
int fingerprint_of(const char *z85, char out[FINGERPRINT_LEN + 1]);
/* Parses a fingerprint as people type it: an optional "SHA256:" (any case), then the 64 hex
 * digits in any case, ':', '-', ' ' and '.' between them ignored. 0 with the digest in
 * `out`, or PEIL_EINVAL (too few or too many digits, another character). */
int fingerprint_parse(const uint8_t *buf, size_t len, uint8_t out[FINGERPRINT_BYTES]);
/* Whether the Z85 key `z85` has the fingerprint `digest`. */
bool fingerprint_matches(const char *z85, const uint8_t digest[FINGERPRINT_BYTES]);

#endif
