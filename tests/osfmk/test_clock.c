/*
 * test_clock.c — the Mach clocks and BSD time KPIs: timebase, conversions,
 * monotonicity, interval-to-deadline arithmetic for every scale factor,
 * calendar against uptime, delays, and timeval arithmetic.
 * Timing assertions are lower bounds with generous upper bounds.
 */
#include "tests/ktest.h"
#include <kern/clock.h>
#include <sys/time.h>

#define SEC_2020 1577836800ul /* 2020-01-01T00:00:00Z: any sane host clock is past it */

/* a + b, or UINT64_MAX if that overflows: how deadlines behave at the end of time. */
static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

START_TEST(test_timebase_is_nanoseconds)
{
	mach_timebase_info_data_t tb = {0, 0};

	clock_timebase_info(&tb);
	ck_assert_uint_eq(tb.numer, 1);
	ck_assert_uint_eq(tb.denom, 1);
	clock_timebase_info(NULL); /* tolerated */
}
END_TEST

START_TEST(test_conversions_round_trip)
{
	static const uint64_t values[] = {0, 1, 999, NSEC_PER_USEC, NSEC_PER_SEC + 1, 1ull << 40, UINT64_MAX};

	for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		uint64_t abs = 7, ns = 7;

		nanoseconds_to_absolutetime(values[i], &abs);
		absolutetime_to_nanoseconds(abs, &ns);
		ck_assert_uint_eq(ns, values[i]);
		ck_assert_uint_eq(absolutetime_to_continuoustime(values[i]), values[i]);
		ck_assert_uint_eq(continuoustime_to_absolutetime(values[i]), values[i]);
	}
	absolutetime_to_nanoseconds(5, NULL); /* tolerated */
}
END_TEST

START_TEST(test_absolute_time_is_monotonic)
{
	uint64_t prev = mach_absolute_time(), up;

	for (int i = 0; i < 200000; i++) {
		uint64_t now = mach_absolute_time();

		ck_assert_uint_ge(now, prev);
		prev = now;
	}
	clock_get_uptime(&up);
	ck_assert_uint_ge(up, prev);
	ck_assert_uint_ge(mach_continuous_time(), up);
	ck_assert_uint_ge(mach_approximate_time(), up);
	/* It advances: 2 ms of delay is at least 2 ms of absolute time. */
	delay(2000);
	ck_assert_uint_ge(mach_absolute_time() - up, 2 * NSEC_PER_MSEC);
}
END_TEST

START_TEST(test_interval_scale_factors)
{
	static const struct {
		uint32_t interval, scale;
	} cases[] = {
	        {0, NSEC_PER_SEC},         {1, 1}, {7, NSEC_PER_USEC}, {5, NSEC_PER_MSEC}, {3, NSEC_PER_SEC},
	        {100, NSEC_PER_SEC / 100}, /* a 100 Hz tick */
	        {UINT32_MAX, UINT32_MAX},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t span = (uint64_t)cases[i].interval * cases[i].scale;
		uint64_t abs, before, after, deadline;

		clock_interval_to_absolutetime_interval(cases[i].interval, cases[i].scale, &abs);
		ck_assert_uint_eq(abs, span);

		before = mach_absolute_time();
		clock_interval_to_deadline(cases[i].interval, cases[i].scale, &deadline);
		after = mach_absolute_time();
		ck_assert_uint_ge(deadline, sat_add(before, span));
		ck_assert_uint_le(deadline, sat_add(after, span));

		before = mach_absolute_time();
		clock_absolutetime_interval_to_deadline(span, &deadline);
		after = mach_absolute_time();
		ck_assert_uint_ge(deadline, sat_add(before, span));
		ck_assert_uint_le(deadline, sat_add(after, span));

		before = mach_absolute_time();
		nanoseconds_to_deadline(span, &deadline);
		after = mach_absolute_time();
		ck_assert_uint_ge(deadline, sat_add(before, span));
		ck_assert_uint_le(deadline, sat_add(after, span));
	}
}
END_TEST

START_TEST(test_deadlines_saturate)
{
	uint64_t deadline = 0;

	clock_absolutetime_interval_to_deadline(UINT64_MAX - 5, &deadline);
	ck_assert_uint_eq(deadline, UINT64_MAX);
	nanoseconds_to_deadline(UINT64_MAX, &deadline);
	ck_assert_uint_eq(deadline, UINT64_MAX);
	clock_continuoustime_interval_to_deadline(UINT64_MAX, &deadline);
	ck_assert_uint_eq(deadline, UINT64_MAX);
}
END_TEST

START_TEST(test_periodic_event_deadline)
{
	uint64_t now = mach_absolute_time();
	uint64_t deadline = now;

	/* On schedule: one period later. */
	clock_deadline_for_periodic_event(10 * NSEC_PER_MSEC, now, &deadline);
	ck_assert_uint_eq(deadline, now + 10 * NSEC_PER_MSEC);
	/* Far behind: restart from now instead of catching up period by period. */
	deadline = now - 100 * NSEC_PER_MSEC;
	clock_deadline_for_periodic_event(10 * NSEC_PER_MSEC, now, &deadline);
	ck_assert_uint_ge(deadline, now + 10 * NSEC_PER_MSEC);
}
END_TEST

START_TEST(test_calendar_against_uptime)
{
	clock_sec_t sec, bsec, usec_sec;
	clock_usec_t usec, busec;
	clock_nsec_t nsec;
	uint64_t abs, up0, up1, cal0, cal1;

	clock_get_calendar_microtime(&sec, &usec);
	ck_assert_uint_gt(sec, SEC_2020);
	ck_assert_uint_lt(usec, USEC_PER_SEC);
	clock_get_calendar_nanotime(&sec, &nsec);
	ck_assert_uint_gt(sec, SEC_2020);
	ck_assert_uint_lt(nsec, NSEC_PER_SEC);

	/* boottime + uptime reads as the calendar (generous slack for host clock adjustments). */
	clock_get_boottime_microtime(&bsec, &busec);
	ck_assert_uint_gt(bsec, 0);
	ck_assert_uint_lt(busec, USEC_PER_SEC);
	clock_get_calendar_absolute_and_microtime(&usec_sec, &usec, &abs);
	uint64_t cal_us = (uint64_t)usec_sec * USEC_PER_SEC + usec;
	uint64_t est_us = (uint64_t)bsec * USEC_PER_SEC + busec + abs / NSEC_PER_USEC;
	ck_assert_uint_lt(cal_us > est_us ? cal_us - est_us : est_us - cal_us, 2 * USEC_PER_SEC);

	/* Over 30 ms both clocks advance by about the same amount. */
	clock_get_calendar_nanotime(&sec, &nsec);
	cal0 = (uint64_t)sec * NSEC_PER_SEC + nsec;
	up0 = mach_absolute_time();
	delay(30000);
	clock_get_calendar_nanotime(&sec, &nsec);
	cal1 = (uint64_t)sec * NSEC_PER_SEC + nsec;
	up1 = mach_absolute_time();
	ck_assert_uint_ge(up1 - up0, 30 * NSEC_PER_MSEC);
	int64_t skew = (int64_t)(cal1 - cal0) - (int64_t)(up1 - up0);
	ck_assert_int_lt(skew < 0 ? -skew : skew, 500 * (int64_t)NSEC_PER_MSEC);
}
END_TEST

START_TEST(test_system_time_is_uptime)
{
	clock_sec_t sec;
	clock_nsec_t nsec;
	clock_usec_t usec;
	uint64_t before = mach_absolute_time(), after;

	clock_get_system_nanotime(&sec, &nsec);
	after = mach_absolute_time();
	uint64_t ns = (uint64_t)sec * NSEC_PER_SEC + nsec;
	ck_assert_uint_ge(ns, before);
	ck_assert_uint_le(ns, after);

	before = mach_absolute_time() / NSEC_PER_USEC;
	clock_get_system_microtime(&sec, &usec);
	after = mach_absolute_time() / NSEC_PER_USEC;
	ck_assert_uint_ge((uint64_t)sec * USEC_PER_SEC + usec, before);
	ck_assert_uint_le((uint64_t)sec * USEC_PER_SEC + usec, after);

	absolutetime_to_microtime(3 * NSEC_PER_SEC + 4567, &sec, &usec);
	ck_assert_uint_eq(sec, 3);
	ck_assert_uint_eq(usec, 4);
}
END_TEST

/* Each delay lasts at least what it asks for (short ones spin, long ones sleep). */
START_TEST(test_delays)
{
	uint64_t t0, t1;

	t0 = mach_absolute_time();
	delay(20); /* spins */
	t1 = mach_absolute_time();
	ck_assert_uint_ge(t1 - t0, 20 * NSEC_PER_USEC);

	t0 = mach_absolute_time();
	delay(2000); /* sleeps */
	t1 = mach_absolute_time();
	ck_assert_uint_ge(t1 - t0, 2 * NSEC_PER_MSEC);
	ck_assert_uint_lt(t1 - t0, 2 * NSEC_PER_SEC);

	t0 = mach_absolute_time();
	delay(-1000); /* magnitude taken */
	ck_assert_uint_ge(mach_absolute_time() - t0, NSEC_PER_MSEC);

	t0 = mach_absolute_time();
	delay_for_interval(3, NSEC_PER_MSEC);
	ck_assert_uint_ge(mach_absolute_time() - t0, 3 * NSEC_PER_MSEC);

	t0 = mach_absolute_time();
	delay_for_interval_with_leeway(1, 5, NSEC_PER_MSEC);
	ck_assert_uint_ge(mach_absolute_time() - t0, NSEC_PER_MSEC);

	t0 = mach_absolute_time();
	clock_delay_until(t0 + 4 * NSEC_PER_MSEC);
	ck_assert_uint_ge(mach_absolute_time() - t0, 4 * NSEC_PER_MSEC);

	/* Past deadlines and zero delays return at once. */
	t0 = mach_absolute_time();
	clock_delay_until(0);
	clock_delay_until(t0 - 1);
	delay(0);
	ck_assert_uint_lt(mach_absolute_time() - t0, 100 * NSEC_PER_MSEC);
}
END_TEST

START_TEST(test_bsd_time_of_day)
{
	struct timeval tv, up;
	struct timespec ts, nup;
	uint64_t before, after;

	microtime(&tv);
	ck_assert_int_gt(tv.tv_sec, (long)SEC_2020);
	ck_assert_int_ge(tv.tv_usec, 0);
	ck_assert_int_lt(tv.tv_usec, (long)USEC_PER_SEC);
	nanotime(&ts);
	ck_assert_int_ge(ts.tv_sec, tv.tv_sec);
	ck_assert_int_lt(ts.tv_nsec, (long)NSEC_PER_SEC);

	before = mach_absolute_time() / NSEC_PER_USEC;
	microuptime(&up);
	after = mach_absolute_time() / NSEC_PER_USEC;
	ck_assert_uint_ge((uint64_t)up.tv_sec * USEC_PER_SEC + (uint64_t)up.tv_usec, before);
	ck_assert_uint_le((uint64_t)up.tv_sec * USEC_PER_SEC + (uint64_t)up.tv_usec, after);

	before = mach_absolute_time();
	nanouptime(&nup);
	after = mach_absolute_time();
	ck_assert_uint_ge((uint64_t)nup.tv_sec * NSEC_PER_SEC + (uint64_t)nup.tv_nsec, before);
	ck_assert_uint_le((uint64_t)nup.tv_sec * NSEC_PER_SEC + (uint64_t)nup.tv_nsec, after);

	microtime(NULL); /* tolerated */
	ck_assert_int_eq(hz, 100);
	ck_assert_int_eq(tick, 10000);
}
END_TEST

START_TEST(test_timeval_arithmetic)
{
	struct timeval a = {1, 700000}, b = {2, 600000};

	timevaladd(&a, &b);
	ck_assert_int_eq(a.tv_sec, 4);
	ck_assert_int_eq(a.tv_usec, 300000);

	struct timeval c = {5, 100000}, d = {2, 400000};
	timevalsub(&c, &d);
	ck_assert_int_eq(c.tv_sec, 2);
	ck_assert_int_eq(c.tv_usec, 700000);

	struct timeval e = {3, -1};
	timevalfix(&e);
	ck_assert_int_eq(e.tv_sec, 2);
	ck_assert_int_eq(e.tv_usec, 999999);
	struct timeval f = {3, 1000000};
	timevalfix(&f);
	ck_assert_int_eq(f.tv_sec, 4);
	ck_assert_int_eq(f.tv_usec, 0);

	struct timeval g = {2, 500};
	ck_assert_uint_eq(tvtoabstime(&g), 2 * NSEC_PER_SEC + 500 * NSEC_PER_USEC);
	struct timeval neg = {-1, 0};
	ck_assert_uint_eq(tvtoabstime(&neg), 0);
	ck_assert_uint_eq(tvtoabstime(NULL), 0);

	struct timeval x = {1, 2}, y = {1, 3};
	ck_assert(timercmp(&x, &y, <));
	ck_assert(!timercmp(&x, &y, >));
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = ktest_tcase("clock");

	tcase_add_test(tc, test_timebase_is_nanoseconds);
	tcase_add_test(tc, test_conversions_round_trip);
	tcase_add_test(tc, test_absolute_time_is_monotonic);
	tcase_add_test(tc, test_interval_scale_factors);
	tcase_add_test(tc, test_deadlines_saturate);
	tcase_add_test(tc, test_periodic_event_deadline);
	tcase_add_test(tc, test_calendar_against_uptime);
	tcase_add_test(tc, test_system_time_is_uptime);
	tcase_add_test(tc, test_delays);
	tcase_add_test(tc, test_bsd_time_of_day);
	tcase_add_test(tc, test_timeval_arithmetic);
	suite_add_tcase(s, tc);
	return s;
}
