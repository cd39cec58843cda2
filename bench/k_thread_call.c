/*
 * k_thread_call.c — kernel side of the thread_call benchmark: how late
 * delayed thread calls start. The waiting thread sleeps (it must not take a
 * CPU from the timer or worker threads it is measuring).
 */
#include <stddef.h>
#include <sys/errno.h>
#include <kern/clock.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include <kern/thread_call.h>
#include "bench/k_thread_call.h"

struct kbench_tc_state {
	uint32_t fired;
	uint64_t fired_at;
};

static void
kbench_tc_fire(thread_call_param_t p0, thread_call_param_t p1)
{
	struct kbench_tc_state *st = p0;

	(void)p1;
	st->fired_at = mach_absolute_time();
	__atomic_store_n(&st->fired, 1, __ATOMIC_RELEASE);
	thread_wakeup(st);
}

/* Sleep until the callout has run; 0, or ETIMEDOUT after a second. */
static int
kbench_tc_wait(struct kbench_tc_state *st)
{
	uint64_t limit = mach_absolute_time() + NSEC_PER_SEC;

	while (!__atomic_load_n(&st->fired, __ATOMIC_ACQUIRE)) {
		if (mach_absolute_time() >= limit) {
			return ETIMEDOUT;
		}
		assert_wait_deadline(st, THREAD_UNINT, limit);
		if (__atomic_load_n(&st->fired, __ATOMIC_ACQUIRE)) {
			/* The wakeup may have come before the wait was asserted. */
			(void)clear_wait(current_thread(), THREAD_AWAKENED);
			break;
		}
		(void)thread_block(THREAD_CONTINUE_NULL);
	}
	return 0;
}

int
k_thread_call_lateness(const uint32_t *delays_us, int n, uint64_t *lateness_ns)
{
	struct kbench_tc_state st = {0};
	thread_call_t call;
	int err = 0;

	if (delays_us == NULL || lateness_ns == NULL || n <= 0) {
		return EINVAL;
	}
	call = thread_call_allocate(kbench_tc_fire, &st);
	if (call == NULL) {
		return ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		uint64_t deadline;

		__atomic_store_n(&st.fired, 0, __ATOMIC_RELEASE);
		clock_interval_to_deadline(delays_us[i], (uint32_t)NSEC_PER_USEC, &deadline);
		(void)thread_call_enter_delayed(call, deadline);
		err = kbench_tc_wait(&st);
		if (err != 0) {
			break;
		}
		lateness_ns[i] = st.fired_at > deadline ? st.fired_at - deadline : 0;
	}
	(void)thread_call_cancel_wait(call);
	(void)thread_call_free(call);
	return err;
}
