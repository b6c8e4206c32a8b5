/* fuzz_conf.c: a configuration file as conf_load reads it (the operator's file, and every
 * key the daemons take from it), then the same bytes as command-line overrides. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every type, bounds at both ends of uint64_t, keys without defaults, one key name in two
 * sections, and the limits every daemon shares. */
static const struct conf_key fuzz_schema[] = {
	{ "collector", "listen", CONF_STR, "tcp://127.0.0.1:4700", 0, 0, "endpoint" },
	{ "collector", "secret_key", CONF_PATH, "/etc/peil/collector.key", 0, 0, "key" },
	{ "collector", "map_mb", CONF_U64, "64", 1, 1048576, "map" },
	{ "collector", "durable", CONF_BOOL, "yes", 0, 0, "fsync" },
	{ "collector", "tests", CONF_STR, "", 0, 0, "tests" },
	{ "agent", "description", CONF_STR, NULL, 0, 0, "description" },
	{ "agent", "spool", CONF_PATH, NULL, 0, 0, "spool" },
	{ "agent", "durable", CONF_BOOL, NULL, 0, 0, "fsync" },
	{ "agent", "big", CONF_U64, NULL, 0, UINT64_MAX, "all of uint64_t" },
	{ "agent", "top", CONF_U64, "18446744073709551615", UINT64_MAX, UINT64_MAX, "one value" },
	{ "resolver-2", "forwarder_x", CONF_STR, NULL, 0, 0, "dash and underscore" },
	CLI_LIMIT_KEYS,
	{ NULL, NULL, CONF_STR, NULL, 0, 0, NULL },
};

/* What a loaded configuration must hold: every number within its key's bounds. */
static void
conf_verify(const struct conf *c)
{
	for (const struct conf_key *k = fuzz_schema; k->section != NULL; k++) {
		switch (k->type) {
		case CONF_U64: {
			uint64_t v = conf_u64(c, k->section, k->key);

			if (conf_str(c, k->section, k->key) != NULL && (v < k->min || v > k->max))
				abort();
			break;
		}
		case CONF_BOOL:
			(void)conf_bool(c, k->section, k->key);
			break;
		case CONF_PATH: {
			const char *p = conf_str(c, k->section, k->key);

			if (p != NULL && *p == '\0')
				abort();
			break;
		}
		case CONF_STR:
			(void)conf_str(c, k->section, k->key);
			break;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	char err[512];
	struct conf *c;

	/* conf_load reads a path: the input goes into a memory file, read through /proc. */
	if (fd < 0) {
		if ((fd = memfd_create("fuzz_conf", MFD_CLOEXEC)) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	if ((c = conf_load(path, fuzz_schema, err, sizeof(err))) != NULL) {
		conf_verify(c);
		conf_free(c);
	} else if (memchr(err, '\0', sizeof(err)) == NULL) {
		abort();
	}

	/* Each line (up to 8) as a -o SECTION.KEY=VALUE override on the defaults. */
	if ((c = conf_load(NULL, fuzz_schema, err, sizeof(err))) == NULL)
		abort();
	{
		const uint8_t *p = data, *end = data + size;

		for (int n = 0; n < 8 && p < end; n++) {
			const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = (size_t)((nl != NULL ? nl : end) - p);
			char *spec = malloc(len + 1);

			if (spec == NULL)
				abort();
			memcpy(spec, p, len);
			spec[len] = '\0';
			if (memchr(spec, '\0', len) == NULL)
				(void)conf_override(c, spec, err, sizeof(err));
			free(spec);
			p += len + 1;
		}
	}
	conf_verify(c);
	conf_free(c);
	return 0;
}
