/*
 * kern_clock.c — the BSD clock tick and the timeout(9) callouts. There is
 * no periodic tick: `hz` only gives timeout() its unit. Timeouts are
 * function thread calls (thread_call_func_delayed), so untimeout() removes
 * the first pending callout with the same function and argument.
 */
#include <sys/systm.h>
#include <kern/clock.h>
#include <kern/thread_call.h>

int hz = 100;
int tick = 1000000 / 100; /* microseconds per hz tick */

/* Run fn(arg) after `ticks` ticks of hz (at once if ticks <= 0). */
void
timeout(timeout_fcn_t fn, void *arg, int ticks)
{
	uint64_t deadline;

	if (fn == NULL) {
		panic("timeout: NULL function");
	}
	/* hz is a writable global; a nonsense value falls back to the standard 100 Hz. */
	uint32_t tick_ns = (uint32_t)(NSEC_PER_SEC / (uint64_t)(hz > 0 && hz <= 1000000 ? hz : 100));

	clock_interval_to_deadline(ticks > 0 ? (uint32_t)ticks : 0, tick_ns, &deadline);
	thread_call_func_delayed((thread_call_func_t)(void *)fn, arg, deadline);
}

void
untimeout(timeout_fcn_t fn, void *arg)
{
	if (fn == NULL) {
		return;
	}
	(void)thread_call_func_cancel((thread_call_func_t)(void *)fn, arg, FALSE);
}

/* Run fn(arg) after the interval *ts (at once if ts is NULL or zero). */
void
bsd_timeout(timeout_fcn_t fn, void *arg, struct timespec *ts)
{
	uint64_t deadline = 0;

	if (fn == NULL) {
		panic("bsd_timeout: NULL function");
	}
	if (ts != NULL && (ts->tv_sec > 0 || (ts->tv_sec == 0 && ts->tv_nsec > 0))) {
		uint64_t ns;

		/* Clamp instead of overflowing: ~584 years is "never" for a callout. */
		if ((uint64_t)ts->tv_sec >= UINT64_MAX / NSEC_PER_SEC) {
			ns = UINT64_MAX;
		} else {
			ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC +
			     (ts->tv_nsec > 0 ? (uint64_t)ts->tv_nsec : 0);
		}
		nanoseconds_to_absolutetime(ns, &deadline);
		clock_absolutetime_interval_to_deadline(deadline, &deadline);
	}
	thread_call_func_delayed((thread_call_func_t)(void *)fn, arg, deadline);
}

void
bsd_untimeout(timeout_fcn_t fn, void *arg)
{
	untimeout(fn, arg);
}
