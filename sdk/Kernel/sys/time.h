/*
 * sys/time.h — struct timeval/timespec and the kernel's time-of-day KPIs.
 */
#ifndef _SYS_TIME_H_
#define _SYS_TIME_H_

#include <sys/types.h>

struct timeval {
	__darwin_time_t tv_sec;
	__darwin_suseconds_t tv_usec;
};

struct timespec {
	__darwin_time_t tv_sec;
	long tv_nsec;
};

struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

#define TIMEVAL_TO_TIMESPEC(tv, ts)                   \
	do {                                          \
		(ts)->tv_sec = (tv)->tv_sec;          \
		(ts)->tv_nsec = (tv)->tv_usec * 1000; \
	} while (0)
#define TIMESPEC_TO_TIMEVAL(tv, ts)                   \
	do {                                          \
		(tv)->tv_sec = (ts)->tv_sec;          \
		(tv)->tv_usec = (ts)->tv_nsec / 1000; \
	} while (0)

#define timerclear(tvp) ((tvp)->tv_sec = (tvp)->tv_usec = 0)
#define timerisset(tvp) ((tvp)->tv_sec || (tvp)->tv_usec)
#define timercmp(tvp, uvp, cmp)                                                \
	(((tvp)->tv_sec == (uvp)->tv_sec) ? ((tvp)->tv_usec cmp(uvp)->tv_usec) \
	                                  : ((tvp)->tv_sec cmp(uvp)->tv_sec))

void microtime(struct timeval *tv);
void microuptime(struct timeval *tv);
void nanotime(struct timespec *ts);
void nanouptime(struct timespec *ts);
void timevaladd(struct timeval *t1, struct timeval *t2);
void timevalsub(struct timeval *t1, struct timeval *t2);
void timevalfix(struct timeval *t1);
uint64_t tvtoabstime(struct timeval *tvp);

#endif /* _SYS_TIME_H_ */
