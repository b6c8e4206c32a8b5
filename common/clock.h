/* clock.h: the monotonic clock every time-out is measured on. */
#ifndef PEIL_CLOCK_H
#define PEIL_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds since an arbitrary point; never goes back. */
static inline int64_t
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
