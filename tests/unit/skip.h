/* skip.h: a test, or half of one, that cannot run on this machine. Under CI (CI=true, where
 * everything can run) that is a failure; elsewhere it is a cmocka skip, and a line in the file
 * PEIL_SKIP_LOG names (tests/run.sh counts them). */
#ifndef PEIL_TEST_SKIP_H
#define PEIL_TEST_SKIP_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline bool
skip_is_ci(void)
{
	const char *ci = getenv("CI");

	return ci != NULL && strcmp(ci, "true") == 0;
}

/* Records one skip in PEIL_SKIP_LOG (if set) and on stderr. */
static inline void
skip_note(const char *file, int line, const char *why)
{
	const char *path = getenv("PEIL_SKIP_LOG");
	FILE *f;

	fprintf(stderr, "SKIP: %s:%d: %s\n", file, line, why);
	if (path != NULL && *path != '\0' && (f = fopen(path, "a")) != NULL) {
		fprintf(f, "%s:%d: %s\n", file, line, why);
		fclose(f);
	}
}

/* The whole test cannot run: fails under CI, skips otherwise. */
#define SKIP_OR_FAIL(why) do {							\
	if (skip_is_ci())							\
		fail_msg("%s:%d: skipped under CI: %s", __FILE__, __LINE__, (why));	\
	skip_note(__FILE__, __LINE__, (why));					\
	skip();									\
} while (0)

/* One half of a test cannot run (an IPv6 half without a usable ::1): fails under CI, noted
 * otherwise; the caller goes on with the other half. */
#define SKIP_HALF_OR_FAIL(why) do {						\
	if (skip_is_ci())							\
		fail_msg("%s:%d: skipped under CI: %s", __FILE__, __LINE__, (why));	\
	skip_note(__FILE__, __LINE__, (why));					\
} while (0)

#endif
