/*
 * sched_prim.c — waiting and waking: assert_wait*, thread_block,
 * thread_wakeup*, clear_wait and thread_interrupt, on top of the hashed wait
 * queues (waitq.c). There is no scheduler of our own: the host schedules
 * threads, and a blocked thread sleeps in the host futex on its th_park word.
 *
 * Times: deadlines are absolute mach_absolute_time() values. On this host
 * the timebase is 1:1 nanoseconds on the monotonic clock, i.e. the same
 * numbers as khost_uptime_ns(), which is what the futex deadline takes.
 *
 * Spinning: a thread that blocks first spins on its own th_park word
 * before sleeping. On this host a futex sleep plus a cross-CPU wake costs
 * 25-80 us while a wakeup seen by a spinning thread costs under 1 us; in a
 * handoff (msleep/wakeup ping-pong, a reply to a request) the wakeup usually
 * comes within a few microseconds, which makes the round trip tens of times
 * faster when both threads have a CPU (bench/sleep.c: 0.3 us against 11 us
 * for a pthread condvar, and 13 us for msleep without the spin). The spin
 * is bounded (sched_wait_spin_ns, 5 us, wait_spin_us boot-arg; never past
 * the wait's deadline; none on a single CPU) and adaptive per thread
 * (spin_internal.h), so that it backs off when the host is oversubscribed
 * and spinning would only delay the thread we wait for.
 */
#include <sys/cdefs.h>
#include <sys/systm.h>
#include <kern/debug.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "osfmk/kern/locks_internal.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/thread_internal.h"
#include "osfmk/kern/waitq.h"
#include "osfmk/kern/watchdog.h"

#define SCHED_WAIT_SPIN_NS_DEFAULT 5000

/* How long thread_block spins before it sleeps (0 on one CPU); see sched_init. */
static uint64_t sched_wait_spin_ns = SCHED_WAIT_SPIN_NS_DEFAULT;

static inline uint64_t
sched_now(void)
{
	return khost_uptime_ns();
}

static void
sched_check_interruptible(wait_interrupt_t interruptible)
{
	if (interruptible != THREAD_UNINT && interruptible != THREAD_INTERRUPTIBLE &&
	    interruptible != THREAD_ABORTSAFE)
		panic("assert_wait: invalid interruptible value %d", interruptible);
}

wait_result_t
assert_wait_deadline(event_t event, wait_interrupt_t interruptible, uint64_t deadline)
{
	event64_t e = CAST_EVENT64_T(event);

	if (event == NO_EVENT)
		panic("assert_wait() called with NO_EVENT");
	sched_check_interruptible(interruptible);
	return waitq_assert_wait64(waitq_for_event(e), e, interruptible, deadline);
}

wait_result_t
assert_wait(event_t event, wait_interrupt_t interruptible)
{
	return assert_wait_deadline(event, interruptible, TIMEOUT_WAIT_FOREVER);
}

/* now + interval * scale_factor, saturating; never 0 (0 means "no deadline"). */
static uint64_t
sched_interval_to_deadline(uint32_t interval, uint32_t scale_factor)
{
	uint64_t span = (uint64_t)interval * scale_factor; /* fits: both are 32-bit */
	uint64_t now = sched_now();
	uint64_t deadline = now + span;

	if (deadline < now)
		deadline = UINT64_MAX;
	return deadline != 0 ? deadline : 1;
}

wait_result_t
assert_wait_timeout(event_t event, wait_interrupt_t interruptible, uint32_t interval, uint32_t scale_factor)
{
	return assert_wait_deadline(event, interruptible, sched_interval_to_deadline(interval, scale_factor));
}

wait_result_t
assert_wait_timeout_with_leeway(event_t event, wait_interrupt_t interruptible, wait_timeout_urgency_t urgency,
                                uint32_t interval, uint32_t leeway, uint32_t scale_factor)
{
	return assert_wait_timeout(event, interruptible, interval, scale_factor);
}

wait_result_t
assert_wait_deadline_with_leeway(event_t event, wait_interrupt_t interruptible,
                                 wait_timeout_urgency_t urgency, uint64_t deadline, uint64_t leeway)
{
	return assert_wait_deadline(event, interruptible, deadline);
}

/*
 * Called by thread_bootstrap. The wait_spin_us boot-arg (kexthost's own)
 * sets the spin window; 0 turns spinning off.
 */
void
sched_init(void)
{
	unsigned int us;

	sched_wait_spin_ns = SCHED_WAIT_SPIN_NS_DEFAULT;
	if (PE_parse_boot_argn("wait_spin_us", &us, sizeof(us)))
		sched_wait_spin_ns = (uint64_t)(us < 1000 ? us : 1000) * 1000;
	if (khost_ncpus() <= 1)
		sched_wait_spin_ns = 0;
}

/*
 * Spin on th_park for the thread's adaptive budget (spin_internal.h), never
 * past the wait's deadline; TRUE if the wait ended meanwhile.
 */
static bool
sched_spin_for_wakeup(struct thread *self, uint64_t deadline)
{
	uint64_t max = sched_wait_spin_ns;
	struct spin_timer t;

	if (!spin_begin(&self->th_wait_spin, max, &t))
		return false;
	if (deadline != 0 && deadline < t.st_end)
		t.st_end = deadline;
	while (__atomic_load_n(&self->th_park, __ATOMIC_ACQUIRE) != TH_PARK_RUNNING) {
		lck_cpu_pause();
		if (spin_expired(&t)) {
			/* A timed wait that times out was not a spin that should have waited longer. */
			if (deadline == 0 || sched_now() < deadline)
				spin_lost(&self->th_wait_spin, max);
			return false;
		}
	}
	spin_won(&self->th_wait_spin, max, &t);
	return true;
}

/* Wait until the asserted wait of `self` ends; returns its result. */
static wait_result_t
sched_park(struct thread *self)
{
	uint64_t deadline = self->th_wait_deadline;
	uint32_t park = TH_PARK_WAITING;

	WATCHDOG_BLOCK(self, WD_EVENT, (const void *)(uintptr_t)self->th_wait_event, NULL);
	if (sched_spin_for_wakeup(self, deadline))
		goto done;
	if (!__atomic_compare_exchange_n(&self->th_park, &park, TH_PARK_SLEEPING, false, __ATOMIC_SEQ_CST,
	                                 __ATOMIC_ACQUIRE))
		goto done; /* woken just now */
	for (;;) {
		int err = khost_futex_wait(&self->th_park, TH_PARK_SLEEPING, deadline);
		if (__atomic_load_n(&self->th_park, __ATOMIC_ACQUIRE) == TH_PARK_RUNNING)
			goto done;
		if (deadline != 0 && (err == ETIMEDOUT || sched_now() >= deadline)) {
			/*
			 * Either this ends the wait, or a waker got there first (and may
			 * still be about to flip th_park): wait for RUNNING either way.
			 */
			(void)waitq_clear_wait(self, THREAD_TIMED_OUT);
			while (__atomic_load_n(&self->th_park, __ATOMIC_ACQUIRE) != TH_PARK_RUNNING)
				lck_cpu_pause();
			goto done;
		}
	}
done:
	WATCHDOG_UNBLOCK(self);
	return self->th_wait_result;
}

wait_result_t
thread_block_parameter(thread_continue_t continuation, void *parameter)
{
	struct thread *self = current_thread_fast();
	wait_result_t wr;

	if (self->th_wait_asserted) {
		self->th_wait_asserted = 0;
		wr = sched_park(self);
	} else {
		/*
		 * No wait asserted: a yield. As in XNU the result is the thread's
		 * last wait result (THREAD_INTERRUPTED when assert_wait found an
		 * interrupt pending and so did not wait).
		 */
		khost_thread_yield();
		wr = self->th_wait_result;
	}
	if (continuation != THREAD_CONTINUE_NULL)
		thread_call_continuation(self, continuation, parameter, wr);
	return wr;
}

wait_result_t
thread_block(thread_continue_t continuation)
{
	return thread_block_parameter(continuation, NULL);
}

kern_return_t
thread_wakeup_prim(event_t event, boolean_t one_thread, wait_result_t result)
{
	event64_t e = CAST_EVENT64_T(event);

	if (event == NO_EVENT)
		panic("thread_wakeup_prim() called with NO_EVENT");
	if (one_thread)
		return waitq_wakeup64_one(waitq_for_event(e), e, result);
	return waitq_wakeup64_all(waitq_for_event(e), e, result);
}

kern_return_t
thread_wakeup_thread(event_t event, thread_t thread)
{
	event64_t e = CAST_EVENT64_T(event);

	if (event == NO_EVENT)
		panic("thread_wakeup_thread() called with NO_EVENT");
	if (thread == THREAD_NULL)
		return KERN_INVALID_ARGUMENT;
	return waitq_wakeup64_thread(waitq_for_event(e), e, thread, THREAD_AWAKENED);
}

kern_return_t
clear_wait(thread_t thread, wait_result_t result)
{
	if (thread == THREAD_NULL)
		return KERN_INVALID_ARGUMENT;
	return waitq_clear_wait(thread, result);
}

kern_return_t
thread_interrupt(thread_t thread)
{
	kern_return_t kr;

	if (thread == THREAD_NULL)
		return KERN_INVALID_ARGUMENT;
	/* Published before looking for the wait: see the protocol in waitq.c. */
	__atomic_store_n(&thread->th_interrupt_pending, 1, __ATOMIC_SEQ_CST);
	kr = waitq_clear_wait(thread, THREAD_INTERRUPTED);
	if (kr == KERN_SUCCESS) {
		__atomic_store_n(&thread->th_interrupt_pending, 0, __ATOMIC_SEQ_CST);
		return KERN_SUCCESS;
	}
	return KERN_NOT_WAITING;
}

boolean_t
thread_interrupt_pending(void)
{
	return __atomic_load_n(&current_thread_fast()->th_interrupt_pending, __ATOMIC_SEQ_CST) != 0;
}

boolean_t
thread_interrupt_clear(void)
{
	return __atomic_exchange_n(&current_thread_fast()->th_interrupt_pending, 0, __ATOMIC_SEQ_CST) != 0;
}

/* ---- self-check ----------------------------------------------------------- */

struct sched_check {
	int phase; /* 0: thread starting, 1: thread waiting, 2: woken, 3: acknowledged */
	wait_result_t result;
};

static void
sched_check_thread(void *arg, wait_result_t wr)
{
	struct sched_check *c = arg;

	assert_wait(&c->phase, THREAD_UNINT);
	__atomic_store_n(&c->phase, 1, __ATOMIC_SEQ_CST);
	c->result = thread_block(THREAD_CONTINUE_NULL);
	__atomic_store_n(&c->phase, 3, __ATOMIC_SEQ_CST);
	thread_wakeup(&c->result);
}

int
sched_selfcheck(void)
{
	static struct sched_check c; /* static: the thread may outlive a failed check */
	wait_result_t wr;
	thread_t th;
	int err;

	/* A timed wait with nobody to wake it times out. */
	assert_wait_timeout(&c, THREAD_UNINT, 1, 1000 * 1000);
	wr = thread_block(THREAD_CONTINUE_NULL);
	if (wr != THREAD_TIMED_OUT) {
		printf("sched_selfcheck: 1 ms timed wait returned %d, want THREAD_TIMED_OUT\n", wr);
		return 1;
	}
	/* msleep's timeout maps to EWOULDBLOCK. */
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000 * 1000};
	err = msleep(&c, NULL, PZERO, "selfcheck", &ts);
	if (err != EWOULDBLOCK) {
		printf("sched_selfcheck: 1 ms msleep returned %d, want EWOULDBLOCK\n", err);
		return 1;
	}
	/* A wakeup handoff between this thread and a kernel thread. */
	c.phase = 0;
	c.result = -1;
	if (kernel_thread_start(sched_check_thread, &c, &th) != KERN_SUCCESS) {
		printf("sched_selfcheck: kernel_thread_start failed\n");
		return 1;
	}
	thread_deallocate(th);
	uint64_t give_up = sched_now() + 5ull * 1000 * 1000 * 1000;
	while (__atomic_load_n(&c.phase, __ATOMIC_SEQ_CST) != 1) {
		if (sched_now() > give_up) {
			printf("sched_selfcheck: the kernel thread did not start waiting\n");
			return 1;
		}
		khost_thread_yield();
	}
	/* Asserted before the wakeup below: the thread's answer cannot be missed. */
	assert_wait_timeout(&c.result, THREAD_UNINT, 5000, 1000 * 1000);
	__atomic_store_n(&c.phase, 2, __ATOMIC_SEQ_CST);
	thread_wakeup(&c.phase);
	wr = thread_block(THREAD_CONTINUE_NULL);
	if (c.phase != 3 || c.result != THREAD_AWAKENED) {
		printf("sched_selfcheck: handoff failed (phase %d, result %d, block %d)\n", c.phase, c.result,
		       wr);
		return 1;
	}
	return 0;
}
