/*
 * kern_time.c — the BSD time-of-day KPIs over the Mach clocks: wall-clock
 * and uptime readings as timeval/timespec, and timeval arithmetic.
 */
#include <sys/time.h>
#include <kern/clock.h>

void
microtime(struct timeval *tvp)
{
	clock_sec_t sec;
	clock_usec_t usec;

	if (tvp == NULL) {
		return;
	}
	clock_get_calendar_microtime(&sec, &usec);
	tvp->tv_sec = (__darwin_time_t)sec;
	tvp->tv_usec = (__darwin_suseconds_t)usec;
}

void
microuptime(struct timeval *tvp)
{
	clock_sec_t sec;
	clock_usec_t usec;

	if (tvp == NULL) {
		return;
	}
	clock_get_system_microtime(&sec, &usec);
	tvp->tv_sec = (__darwin_time_t)sec;
	tvp->tv_usec = (__darwin_suseconds_t)usec;
}

void
nanotime(struct timespec *tsp)
{
	clock_sec_t sec;
	clock_nsec_t nsec;

	if (tsp == NULL) {
		return;
	}
	clock_get_calendar_nanotime(&sec, &nsec);
	tsp->tv_sec = (__darwin_time_t)sec;
	tsp->tv_nsec = (long)nsec;
}

void
nanouptime(struct timespec *tsp)
{
	clock_sec_t sec;
	clock_nsec_t nsec;

	if (tsp == NULL) {
		return;
	}
	clock_get_system_nanotime(&sec, &nsec);
	tsp->tv_sec = (__darwin_time_t)sec;
	tsp->tv_nsec = (long)nsec;
}

/* Bring tv_usec back into [0, 1000000) after an addition or subtraction. */
void
timevalfix(struct timeval *t1)
{
	if (t1 == NULL) {
		return;
	}
	if (t1->tv_usec < 0) {
		t1->tv_sec--;
		t1->tv_usec += (__darwin_suseconds_t)USEC_PER_SEC;
	}
	if (t1->tv_usec >= (__darwin_suseconds_t)USEC_PER_SEC) {
		t1->tv_sec++;
		t1->tv_usec -= (__darwin_suseconds_t)USEC_PER_SEC;
	}
}

/* t1 += t2, both normalized. */
void
timevaladd(struct timeval *t1, struct timeval *t2)
{
	if (t1 == NULL || t2 == NULL) {
		return;
	}
	t1->tv_sec += t2->tv_sec;
	t1->tv_usec += t2->tv_usec;
	timevalfix(t1);
}

/* t1 -= t2, both normalized. */
void
timevalsub(struct timeval *t1, struct timeval *t2)
{
	if (t1 == NULL || t2 == NULL) {
		return;
	}
	t1->tv_sec -= t2->tv_sec;
	t1->tv_usec -= t2->tv_usec;
	timevalfix(t1);
}

/* A (non-negative) interval as absolute time. */
uint64_t
tvtoabstime(struct timeval *tvp)
{
	uint64_t secs, usecs;

	if (tvp == NULL || tvp->tv_sec < 0 || tvp->tv_usec < 0) {
		return 0;
	}
	/* Seconds beyond 32 bits are clamped rather than wrapped. */
	clock_interval_to_absolutetime_interval(tvp->tv_sec > UINT32_MAX ? UINT32_MAX : (uint32_t)tvp->tv_sec,
	                                        (uint32_t)NSEC_PER_SEC, &secs);
	clock_interval_to_absolutetime_interval((uint32_t)tvp->tv_usec, (uint32_t)NSEC_PER_USEC, &usecs);
	return secs + usecs;
}
