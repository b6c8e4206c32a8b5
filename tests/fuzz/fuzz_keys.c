/* fuzz_keys.c: key files as keys_read_public (the collector's allowlist, the agent's
 * collector.pub) and keys_read_secret (both daemons' .key files) read them. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zmq.h>

#include "keys.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A key the readers accept: 40 characters that libzmq decodes to 32 bytes. */
static void
key_verify(const char *z85)
{
	uint8_t bin[32];

	if (strlen(z85) != KEY_Z85_LEN || zmq_z85_decode(bin, z85) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	char err[512], pub[KEY_Z85_LEN + 1];
	struct keypair kp;

	/* The readers take a path: the input goes into a memory file, read through /proc. */
	if (fd < 0) {
		log_init("fuzz_keys", LOG_ERR);
		if ((fd = memfd_create("fuzz_keys", MFD_CLOEXEC)) < 0 || fchmod(fd, 0600) != 0)
			abort();   /* 0600: a secret key file others can read is refused */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	if (keys_read_public(path, pub, err, sizeof(err)) == 0)
		key_verify(pub);
	if (keys_read_secret(path, &kp, err, sizeof(err)) == 0) {
		char derived[KEY_Z85_LEN + 1];

		key_verify(kp.public_z85);
		key_verify(kp.secret_z85);
		/* The pair must belong together. */
		if (zmq_curve_public(derived, kp.secret_z85) != 0 ||
		    strcmp(derived, kp.public_z85) != 0)
			abort();
	} else {
		/* A refused file leaves no key material behind. */
		static const struct keypair zero;

		if (memcmp(&kp, &zero, sizeof(kp)) != 0)
			abort();
	}
	return 0;
}
