/* log.c: leveled logging to stderr and a per-key rate limiter. */
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <sys/time.h>

#include "err.h"
#include "log.h"

static const char *log_prog = "peil";
static enum log_level log_threshold = LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const log_names[] = { "error", "warn", "info", "debug" };

void
log_init(const char *prog, enum log_level level)
{
	log_prog = prog;
	log_threshold = level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcasecmp(s, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return PEIL_EINVAL;
}

static void log_vprint(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
log_vprint(enum log_level level, const char *fmt, va_list ap)
{
	struct timeval tv;
	struct tm tm;
	char ts[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s.%03ldZ %s[%s]: ", ts, (long)(tv.tv_usec / 1000), log_prog,
	    log_names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_threshold)
		return;
	va_start(ap, fmt);
	log_vprint(level, fmt, ap);
	va_end(ap);
}

void
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}

/* A small open table: keys hash to a slot; a collision simply shares the slot's clock, which
 * errs towards printing less, never more. */
struct log_limit_slot {
	char key[64];
	time_t last;
};

struct log_limit {
	struct log_limit_slot *slots;
	unsigned nslots;
	unsigned interval_s;
};

struct log_limit *
log_limit_new(unsigned slots, unsigned interval_s)
{
	struct log_limit *ll;

	if (slots == 0)
		slots = 1;
	if ((ll = calloc(1, sizeof(*ll))) == NULL)
		return NULL;
	if ((ll->slots = calloc(slots, sizeof(*ll->slots))) == NULL) {
		free(ll);
		return NULL;
	}
	ll->nslots = slots;
	ll->interval_s = interval_s;
	return ll;
}

void
log_limit_free(struct log_limit *ll)
{
	if (ll == NULL)
		return;
	free(ll->slots);
	free(ll);
}

bool
log_limit_ok(struct log_limit *ll, const char *key, time_t now)
{
	uint32_t h = 2166136261u;
	struct log_limit_slot *slot;

	for (const char *p = key; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	slot = &ll->slots[h % ll->nslots];
	if (slot->last != 0 && strcmp(slot->key, key) == 0 &&
	    now - slot->last < (time_t)ll->interval_s)
		return false;
	if (slot->last != 0 && strcmp(slot->key, key) != 0 &&
	    now - slot->last < (time_t)ll->interval_s) {
		/* Another key holds the slot: still rate-limit by the slot. */
		return false;
	}
	snprintf(slot->key, sizeof(slot->key), "%s", key);
	slot->last = now;
	return true;
}
