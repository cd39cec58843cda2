/*
 * clock.c — the kernel's clocks on the host's: absolute time is the host's
 * monotonic clock in nanoseconds (timebase 1/1, as on Darwin x86_64) and the
 * calendar is the host's real-time clock. Also the interval/deadline
 * conversions every timed wait uses, and delays that spin when short and
 * sleep when long.
 *
 * The boot time recorded by clock_init() is "calendar minus uptime", so that
 * boottime + mach_absolute_time() reads as the calendar.
 */
#include <kern/clock.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"

/*
 * Below this a delay spins: a host sleep overshoots by the timer slack
 * (about 50 us on Linux), which would swamp short delays.
 */
#define CLOCK_DELAY_SPIN_NS (50 * NSEC_PER_USEC)

uint64_t mach_absolutetime_asleep;
uint64_t mach_absolutetime_last_sleep;

/* Calendar time, in ns since 1970, at which absolute time was zero. */
static uint64_t clock_boottime_ns;

static uint64_t
clock_calendar_ns(void)
{
	int64_t sec;
	int32_t nsec;

	khost_calendar(&sec, &nsec);
	if (sec < 0) {
		return 0; /* a host clock before 1970 is not worth representing */
	}
	return (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
}

/* Add without wrapping: deadlines past the end of time stay at the end. */
static uint64_t
clock_add_sat(uint64_t a, uint64_t b)
{
	uint64_t sum;

	if (__builtin_add_overflow(a, b, &sum)) {
		return UINT64_MAX;
	}
	return sum;
}

void
clock_init(void)
{
	uint64_t up = khost_uptime_ns();
	uint64_t cal = clock_calendar_ns();

	clock_boottime_ns = cal > up ? cal - up : 0;
	mach_absolutetime_asleep = 0;
	mach_absolutetime_last_sleep = 0;
}

uint64_t
mach_absolute_time(void)
{
	return khost_uptime_ns();
}

uint64_t
mach_approximate_time(void)
{
	return khost_uptime_ns();
}

uint64_t
mach_continuous_time(void)
{
	return khost_uptime_ns();
}

uint64_t
mach_continuous_approximate_time(void)
{
	return khost_uptime_ns();
}

void
clock_timebase_info(mach_timebase_info_t info)
{
	if (info == NULL) {
		return;
	}
	info->numer = 1;
	info->denom = 1;
}

void
clock_get_uptime(uint64_t *result)
{
	if (result != NULL) {
		*result = mach_absolute_time();
	}
}

/* Split nanoseconds into seconds and a sub-second part of `unit` ns; NULL outputs are skipped. */
static void
clock_split(uint64_t ns, uint64_t unit, clock_sec_t *secs, unsigned int *frac)
{
	if (secs != NULL) {
		*secs = (clock_sec_t)(ns / NSEC_PER_SEC);
	}
	if (frac != NULL) {
		*frac = (unsigned int)((ns % NSEC_PER_SEC) / unit);
	}
}

void
clock_get_calendar_microtime(clock_sec_t *secs, clock_usec_t *microsecs)
{
	clock_split(clock_calendar_ns(), NSEC_PER_USEC, secs, microsecs);
}

void
clock_get_calendar_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs)
{
	clock_split(clock_calendar_ns(), 1, secs, nanosecs);
}

void
clock_get_calendar_absolute_and_microtime(clock_sec_t *secs, clock_usec_t *microsecs, uint64_t *abstime)
{
	if (abstime != NULL) {
		*abstime = mach_absolute_time();
	}
	clock_split(clock_calendar_ns(), NSEC_PER_USEC, secs, microsecs);
}

void
clock_gettimeofday(clock_sec_t *secs, clock_usec_t *microsecs)
{
	clock_get_calendar_microtime(secs, microsecs);
}

void
clock_get_system_microtime(clock_sec_t *secs, clock_usec_t *microsecs)
{
	clock_split(mach_absolute_time(), NSEC_PER_USEC, secs, microsecs);
}

void
clock_get_system_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs)
{
	clock_split(mach_absolute_time(), 1, secs, nanosecs);
}

void
clock_get_boottime_nanotime(clock_sec_t *secs, clock_nsec_t *nanosecs)
{
	clock_split(clock_boottime_ns, 1, secs, nanosecs);
}

void
clock_get_boottime_microtime(clock_sec_t *secs, clock_usec_t *microsecs)
{
	clock_split(clock_boottime_ns, NSEC_PER_USEC, secs, microsecs);
}

void
absolutetime_to_microtime(uint64_t abstime, clock_sec_t *secs, clock_usec_t *microsecs)
{
	clock_split(abstime, NSEC_PER_USEC, secs, microsecs);
}

void
absolutetime_to_nanoseconds(uint64_t abstime, uint64_t *result)
{
	if (result != NULL) {
		*result = abstime;
	}
}

void
nanoseconds_to_absolutetime(uint64_t nanoseconds, uint64_t *result)
{
	if (result != NULL) {
		*result = nanoseconds;
	}
}

uint64_t
absolutetime_to_continuoustime(uint64_t abstime)
{
	return abstime;
}

uint64_t
continuoustime_to_absolutetime(uint64_t conttime)
{
	return conttime;
}

void
clock_interval_to_absolutetime_interval(uint32_t interval, uint32_t scale_factor, uint64_t *result)
{
	/* A 32 x 32 bit product always fits in 64 bits. */
	nanoseconds_to_absolutetime((uint64_t)interval * scale_factor, result);
}

void
clock_absolutetime_interval_to_deadline(uint64_t abstime, uint64_t *result)
{
	if (result != NULL) {
		*result = clock_add_sat(mach_absolute_time(), abstime);
	}
}

void
clock_continuoustime_interval_to_deadline(uint64_t abstime, uint64_t *result)
{
	if (result != NULL) {
		*result = clock_add_sat(mach_continuous_time(), abstime);
	}
}

void
clock_interval_to_deadline(uint32_t interval, uint32_t scale_factor, uint64_t *result)
{
	uint64_t abstime;

	clock_interval_to_absolutetime_interval(interval, scale_factor, &abstime);
	clock_absolutetime_interval_to_deadline(abstime, result);
}

void
nanoseconds_to_deadline(uint64_t interval, uint64_t *result)
{
	uint64_t abstime;

	nanoseconds_to_absolutetime(interval, &abstime);
	clock_absolutetime_interval_to_deadline(abstime, result);
}

void
clock_deadline_for_periodic_event(uint64_t interval, uint64_t abstime, uint64_t *deadline)
{
	if (deadline == NULL) {
		return;
	}
	*deadline = clock_add_sat(*deadline, interval);
	if (*deadline <= abstime) {
		/* Missed one or more periods: restart the period from now rather than catching up. */
		*deadline = clock_add_sat(abstime, interval);
		abstime = mach_absolute_time();
		if (*deadline <= abstime) {
			*deadline = clock_add_sat(abstime, interval);
		}
	}
}

void
clock_delay_until(uint64_t deadline)
{
	uint64_t now = mach_absolute_time();

	if (deadline <= now) {
		return;
	}
	if (deadline - now > CLOCK_DELAY_SPIN_NS) {
		/* Nobody wakes this word: the wait ends at the deadline (or early, hence the loop). */
		volatile uint32_t never = 0;

		while (now + CLOCK_DELAY_SPIN_NS < deadline) {
			(void)khost_futex_wait(&never, 0, deadline - CLOCK_DELAY_SPIN_NS / 2);
			now = mach_absolute_time();
		}
	}
	while (mach_absolute_time() < deadline) {
		__asm__ volatile("pause");
	}
}

void
delay_for_interval(uint32_t interval, uint32_t scale_factor)
{
	uint64_t deadline;

	clock_interval_to_deadline(interval, scale_factor, &deadline);
	clock_delay_until(deadline);
}

void
delay_for_interval_with_leeway(uint32_t interval, uint32_t leeway, uint32_t scale_factor)
{
	(void)leeway;
	delay_for_interval(interval, scale_factor);
}

void
delay(int usec)
{
	/* INT_MIN has no positive counterpart; take its magnitude as unsigned. */
	uint32_t magnitude = usec < 0 ? 0u - (uint32_t)usec : (uint32_t)usec;

	delay_for_interval(magnitude, (uint32_t)NSEC_PER_USEC);
}
