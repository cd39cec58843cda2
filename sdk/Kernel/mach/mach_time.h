/*
 * mach/mach_time.h — Mach absolute time: a monotonic count of timebase
 * units since boot. On Darwin x86_64 (and here) the timebase is 1/1, so one
 * unit is one nanosecond; portable code still converts through
 * clock_timebase_info() or absolutetime_to_nanoseconds().
 */
#ifndef _MACH_MACH_TIME_H_
#define _MACH_MACH_TIME_H_

#include <sys/cdefs.h>
#include <stdint.h>

/* Nanoseconds per absolute-time unit = numer / denom. */
struct mach_timebase_info {
	uint32_t numer;
	uint32_t denom;
};
typedef struct mach_timebase_info *mach_timebase_info_t;
typedef struct mach_timebase_info mach_timebase_info_data_t;

__BEGIN_DECLS
uint64_t mach_absolute_time(void);
/* Cheaper, possibly slightly stale reading of mach_absolute_time(). */
uint64_t mach_approximate_time(void);
/* Like mach_absolute_time() but also counting time asleep (the host never sleeps). */
uint64_t mach_continuous_time(void);
uint64_t mach_continuous_approximate_time(void);
__END_DECLS

#endif /* _MACH_MACH_TIME_H_ */
