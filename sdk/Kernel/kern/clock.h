/*
 * kern/clock.h — the kernel's clocks: absolute time (monotonic, since boot),
 * the calendar (wall clock) and the conversions and deadlines built on them,
 * plus busy-or-sleeping delays.
 *
 * Absolute time is counted in timebase units; on x86_64 the timebase is
 * 1/1 (nanoseconds). A "deadline" is an absolute time; an "interval" is a
 * count of `scale_factor` nanoseconds (see the kSecondScale family in
 * IOKit/IOTypes.h, or NSEC_PER_* in mach/clock_types.h).
 */
#ifndef _KERN_CLOCK_H_
#define _KERN_CLOCK_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/mach_types.h>
#include <mach/clock_types.h>
#include <mach/mach_time.h>
#include <mach/boolean.h>

/* As on Darwin LP64. */
typedef unsigned long clock_sec_t;
typedef unsigned int clock_usec_t, clock_nsec_t;

__BEGIN_DECLS

/* Calendar (wall-clock) time since 1970. */
void clock_get_calendar_microtime(clock_sec_t *secs, clock_usec_t *microsecs);
void clock_get_calendar_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs);
void clock_get_calendar_absolute_and_microtime(clock_sec_t *secs, clock_usec_t *microsecs, uint64_t *abstime);

/* System time: time since boot. */
void clock_get_system_microtime(clock_sec_t *secs, clock_usec_t *microsecs);
void clock_get_system_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs);

void clock_timebase_info(mach_timebase_info_t info);
void clock_get_uptime(uint64_t *result);

/* Deadlines: now + interval * scale_factor ns (saturating at UINT64_MAX). */
void clock_interval_to_deadline(uint32_t interval, uint32_t scale_factor, uint64_t *result);
void nanoseconds_to_deadline(uint64_t interval, uint64_t *result);
void clock_interval_to_absolutetime_interval(uint32_t interval, uint32_t scale_factor, uint64_t *result);
void clock_absolutetime_interval_to_deadline(uint64_t abstime, uint64_t *result);
void clock_continuoustime_interval_to_deadline(uint64_t abstime, uint64_t *result);

/* Wait until `deadline`: spins for short waits, sleeps for longer ones. */
void clock_delay_until(uint64_t deadline);

void absolutetime_to_nanoseconds(uint64_t abstime, uint64_t *result);
void nanoseconds_to_absolutetime(uint64_t nanoseconds, uint64_t *result);

/* Continuous time counts sleep too; the host never sleeps, so they are equal. */
uint64_t absolutetime_to_continuoustime(uint64_t abstime);
uint64_t continuoustime_to_absolutetime(uint64_t conttime);
extern uint64_t mach_absolutetime_asleep;
extern uint64_t mach_absolutetime_last_sleep;

/* Wait at least interval * scale_factor ns (leeway is accepted and ignored). */
void delay_for_interval(uint32_t interval, uint32_t scale_factor);
void delay_for_interval_with_leeway(uint32_t interval, uint32_t leeway, uint32_t scale_factor);

#ifdef XNU_KERNEL_PRIVATE
/* Wait at least `usec` microseconds (a negative count is taken as positive). */
void delay(int usec);

/* Calendar time at which absolute time was zero (kern.boottime). */
void clock_get_boottime_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs);
void clock_get_boottime_microtime(clock_sec_t *secs, clock_usec_t *microsecs);
void clock_gettimeofday(clock_sec_t *secs, clock_usec_t *microsecs);
void absolutetime_to_microtime(uint64_t abstime, clock_sec_t *secs, clock_usec_t *microsecs);
/* Next deadline of a periodic event of period `interval` last due at `abstime`. */
void clock_deadline_for_periodic_event(uint64_t interval, uint64_t abstime, uint64_t *deadline);
#endif /* XNU_KERNEL_PRIVATE */

__END_DECLS

#endif /* _KERN_CLOCK_H_ */
