/*
 * kern_synch.c — the BSD sleep/wakeup KPI: msleep, msleep1, tsleep, sleep,
 * wakeup and wakeup_one, on top of Mach waits (assert_wait/thread_block and
 * lck_mtx_sleep_deadline).
 *
 * Behaviour, as in XNU's bsd/kern/kern_synch.c:
 *  - The mutex is dropped while asleep and re-taken before returning, unless
 *    PDROP is given: then it is left unlocked whatever happened. PSPIN
 *    re-takes it as a spin mutex. A NULL mutex is allowed.
 *  - PCATCH makes the sleep interruptible (THREAD_ABORTSAFE): an interrupt
 *    (thread_interrupt, i.e. a signal) ends it with EINTR, THREAD_RESTART
 *    with ERESTART; an interrupt pending when the sleep would start, or
 *    arriving together with the wakeup, also gives EINTR ("signals first").
 *  - msleep's timespec is a relative interval (NULL or zero: no timeout);
 *    msleep1 takes an absolute mach_absolute_time deadline (0: none);
 *    tsleep's timo counts ticks of hz (100 per second; 0: none).
 *  - A timeout returns EWOULDBLOCK; a wakeup returns 0.
 *  - A NULL channel does not sleep at all (XNU asserts no wait then): the
 *    call only drops and re-takes the mutex and returns 0.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/time.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "osfmk/kern/thread_internal.h"

#define SYNCH_NSEC_PER_SEC 1000000000ull

static uint64_t
synch_now(void)
{
	return khost_uptime_ns();
}

/* now + ns, saturating; never 0, which means "no deadline". */
static uint64_t
synch_deadline_after(uint64_t ns)
{
	uint64_t now = synch_now();
	uint64_t deadline = now + ns;

	if (deadline < now)
		deadline = UINT64_MAX;
	return deadline != 0 ? deadline : 1;
}

static int
synch_wait_to_errno(wait_result_t wr, int catch)
{
	switch (wr) {
	case THREAD_TIMED_OUT:
		return EWOULDBLOCK;
	case THREAD_AWAKENED:
		/* An interrupt that raced with the wakeup is reported first. */
		if (catch == THREAD_ABORTSAFE && thread_interrupt_clear())
			return EINTR;
		return 0;
	case THREAD_RESTART:
		return catch == THREAD_ABORTSAFE ? ERESTART : 0;
	case THREAD_INTERRUPTED:
		return EINTR;
	default:
		return 0;
	}
}

static int
synch_sleep(void *chan, int pri, const char *wmesg, uint64_t deadline, lck_mtx_t *mtx)
{
	struct thread *self = current_thread_fast();
	int catch = (pri & PCATCH) ? THREAD_ABORTSAFE : THREAD_UNINT;
	int dropmutex = pri & PDROP;
	int spinmutex = pri & PSPIN;
	wait_result_t wr;

	self->th_wchan = chan;
	self->th_wmesg = wmesg != NULL ? wmesg : "unknown";

	if (mtx != NULL && chan != NULL) {
		lck_sleep_action_t action = dropmutex ? LCK_SLEEP_UNLOCK : LCK_SLEEP_DEFAULT;
		if (spinmutex)
			action |= LCK_SLEEP_SPIN;
		wr = lck_mtx_sleep_deadline(mtx, action, chan, catch, deadline);
	} else {
		wr = THREAD_AWAKENED;
		if (chan != NULL)
			wr = assert_wait_deadline(chan, catch, deadline);
		if (mtx != NULL)
			lck_mtx_unlock(mtx);
		if (wr == THREAD_WAITING)
			wr = thread_block(THREAD_CONTINUE_NULL);
		else if (chan == NULL)
			khost_thread_yield();
		if (mtx != NULL && !dropmutex) {
			if (spinmutex)
				lck_mtx_lock_spin(mtx);
			else
				lck_mtx_lock(mtx);
		}
	}

	self->th_wchan = NULL;
	self->th_wmesg = NULL;
	return synch_wait_to_errno(wr, catch);
}

int
msleep(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, struct timespec *ts)
{
	uint64_t deadline = 0;

	if (ts != NULL && (ts->tv_sec != 0 || ts->tv_nsec != 0)) {
		if (ts->tv_sec < 0 || ts->tv_nsec < 0) {
			deadline = synch_deadline_after(0); /* already past: time out at once */
		} else {
			uint64_t sec = (uint64_t)ts->tv_sec;
			uint64_t ns = (uint64_t)ts->tv_nsec;
			if (sec > UINT64_MAX / SYNCH_NSEC_PER_SEC - 1)
				ns = UINT64_MAX;
			else
				ns += sec * SYNCH_NSEC_PER_SEC;
			deadline = synch_deadline_after(ns);
		}
	}
	return synch_sleep(chan, pri, wmesg, deadline, mtx);
}

int
msleep1(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, u_int64_t timo)
{
	return synch_sleep(chan, pri, wmesg, timo, mtx);
}

int
tsleep(void *chan, int pri, const char *wmesg, int timo)
{
	uint64_t deadline = 0;

	if (timo > 0)
		deadline = synch_deadline_after((uint64_t)timo *
		                                (SYNCH_NSEC_PER_SEC / (uint64_t)(hz > 0 ? hz : 100)));
	else if (timo < 0)
		deadline = synch_deadline_after(0);
	return synch_sleep(chan, pri, wmesg, deadline, NULL);
}

int
sleep(void *chan, int pri)
{
	return synch_sleep(chan, pri, NULL, 0, NULL);
}

void
wakeup(void *chan)
{
	thread_wakeup((event_t)chan);
}

void
wakeup_one(caddr_t chan)
{
	thread_wakeup_one((event_t)chan);
}
