/* log.c: leveled logging to stderr (one event a line, journal priority prefixes under
 * systemd) and a per-key rate limiter. */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "err.h"
#include "limits.h"
#include "log.h"

static const char *log_prog = "peil";
static enum log_level log_threshold = LOG_INFO;
static bool log_journal;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const log_names[] = { "error", "warn", "info", "debug" };
/* syslog(3) priorities of the levels: LOG_ERR 3, LOG_WARNING 4, LOG_INFO 6, LOG_DEBUG 7. */
static const int log_prio[] = { 3, 4, 6, 7 };

bool
log_journal_wanted(const char *journal_stream, const char *invocation_id, bool have_stat,
    unsigned long long dev, unsigned long long ino)
{
	if (journal_stream != NULL && *journal_stream != '\0' && have_stat) {
		unsigned long long d, i;
		char tail;

		if (sscanf(journal_stream, "%llu:%llu%c", &d, &i, &tail) == 2 && d == dev &&
		    i == ino)
			return true;
	}
	return invocation_id != NULL && *invocation_id != '\0';
}

void
log_init(const char *prog, enum log_level level)
{
	struct stat st;
	bool have_stat = fstat(STDERR_FILENO, &st) == 0;

	log_prog = prog;
	log_threshold = level;
	log_journal = log_journal_wanted(getenv("JOURNAL_STREAM"), getenv("INVOCATION_ID"),
	    have_stat, have_stat ? (unsigned long long)st.st_dev : 0,
	    have_stat ? (unsigned long long)st.st_ino : 0);
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

size_t
log_format(char *buf, size_t len, enum log_level level, bool journal, const char *prog,
    time_t sec, long msec, const char *msg)
{
	static const char hex[] = "0123456789abcdef";
	const size_t room = len - 5;   /* kept for "...\n" and the NUL */
	size_t n;
	int w;

	assert(len >= 64 && (unsigned)level <= LOG_DEBUG);
	if (journal) {
		w = snprintf(buf, len, "<%d>", log_prio[level]);
	} else {
		struct tm tm;
		char ts[32];

		gmtime_r(&sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		w = snprintf(buf, len, "%s.%03ldZ %s[%s]: ", ts, msec, prog, log_names[level]);
	}
	n = w < 0 ? 0 : (size_t)w;
	if (n > room)
		n = room;
	for (const unsigned char *p = (const unsigned char *)msg; *p != '\0'; p++) {
		bool ctl = *p < 0x20 || *p == 0x7f;

		if (n + (ctl ? 4 : 1) > room) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		if (ctl) {
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 0xf];
		} else {
			buf[n++] = (char)*p;
		}
	}
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

static void log_vprint(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
log_vprint(enum log_level level, const char *fmt, va_list ap)
{
	char msg[MAX_LOG_LINE], line[MAX_LOG_LINE];
	struct timeval tv;
	size_t n, off = 0;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	gettimeofday(&tv, NULL);
	n = log_format(line, sizeof(line), level, log_journal, log_prog, tv.tv_sec,
	    (long)(tv.tv_usec / 1000), msg);
	/* One write per line, so lines of several threads or processes never interleave. */
	pthread_mutex_lock(&log_lock);
	while (off < n) {
		ssize_t r = write(STDERR_FILENO, line + off, n - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
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
