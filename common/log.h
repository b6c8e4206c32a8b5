/* log.h: leveled logging to stderr, with a per-key rate limit for noisy peers. */
#ifndef PEIL_LOG_H
#define PEIL_LOG_H

#include <stdbool.h>
#include <time.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Sets the lowest level printed (default LOG_INFO) and the program name in each line. */
void log_init(const char *prog, enum log_level level);
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
