/*
 * time.c — clocks and entropy: uptime is CLOCK_MONOTONIC (vDSO, ~20 ns),
 * calendar time is CLOCK_REALTIME, random bytes come from getrandom(2).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include "host/khost.h"

uint64_t
khost_uptime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
khost_calendar(int64_t *sec, int32_t *nsec)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	*sec = (int64_t)ts.tv_sec;
	*nsec = (int32_t)ts.tv_nsec;
}

void
khost_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* No entropy source: fall back to the clock (never expected on Linux). */
			uint64_t t = khost_uptime_ns();
			for (; len > 0; len--, p++, t = t * 6364136223846793005ull + 1442695040888963407ull)
				*p = (uint8_t)(t >> 56);
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}
