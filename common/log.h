/* log.h: leveled logging to stderr, one event a line, with a per-key rate limit for noisy
 * peers. Under systemd the lines carry the journal's priority prefixes (sd-daemon(3)). */
#ifndef PEIL_LOG_H
#define PEIL_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Sets the lowest level printed (default LOG_INFO) and the program name in each line, and
 * chooses the line format from the environment (log_journal_wanted). */
void log_init(const char *prog, enum log_level level);
/* Whether standard error goes to systemd's journal, or the program runs as a systemd unit:
 * JOURNAL_STREAM ("DEV:INODE", systemd.exec(5)) names standard error (its st_dev, st_ino as
 * given; have_stat false when standard error could not be stat'ed), or INVOCATION_ID is set
 * and not empty. Either may be NULL (unset). */
bool log_journal_wanted(const char *journal_stream, const char *invocation_id, bool have_stat,
    unsigned long long dev, unsigned long long ino);
/* Formats one log line of `msg` into buf (len >= 64), ending in a newline, and returns its
 * length. Journal form: "<N>msg", N the syslog priority (3 error, 4 warning, 6 info, 7 debug);
 * otherwise "YYYY-MM-DDTHH:MM:SS.mmmZ prog[level]: msg" in UTC. Control characters in msg
 * become \xHH, so one event is one line; a line longer than len ends in "...". */
size_t log_format(char *buf, size_t len, enum log_level level, bool journal, const char *prog,
    time_t sec, long msec, const char *msg);
/* Parses "error", "warn", "info" or "debug"; returns 0 or PEIL_EINVAL. */
int log_level_parse(const char *s, enum log_level *out);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Prints a message and exits 1: for out-of-memory and broken invariants between our parts. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Rate limiter: at most one true per key per `interval_s`. Keeps up to `slots` keys. */
struct log_limit;
struct log_limit *log_limit_new(unsigned slots, unsigned interval_s);
void log_limit_free(struct log_limit *ll);
/* Returns true when a line about `key` may be printed now. */
bool log_limit_ok(struct log_limit *ll, const char *key, time_t now);

#endif
