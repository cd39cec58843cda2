/*
 * waitq.c — wait queues: the hashed global buckets threads wait in, and the
 * queue/dequeue/wake operations sched_prim.c builds assert_wait and
 * thread_wakeup on.
 *
 * Protocol (no lost wakeups):
 *  - A waiter, under the bucket lock, records its event, sets its futex word
 *    th_park to WAITING and queues itself; then (thread_block, unlocked) it
 *    spins briefly while th_park is WAITING, CASes it WAITING -> SLEEPING
 *    and futex-waits while it stays SLEEPING.
 *  - A waker, under the bucket lock, dequeues the thread, stores its result,
 *    clears th_waitq and then flips th_park to RUNNING. If th_park was
 *    SLEEPING it futex-wakes the thread after dropping the lock.
 *    A wakeup that lands between assert_wait and thread_block therefore just
 *    leaves th_park RUNNING and thread_block returns at once.
 *  - The waker holds a reference on each thread it futex-wakes until the
 *    wake is done: a woken thread may run, exit and be freed at any moment.
 *  - Interrupts (thread_interrupt) set th_interrupt_pending before they look
 *    for the thread's wait; an interruptible waiter looks at the flag after
 *    it has published th_waitq. Full fences on both sides mean one of them
 *    always sees the other, so an interrupt is never lost.
 */
#include <sys/cdefs.h>
#include <kern/debug.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "osfmk/kern/locks_internal.h"
#include "osfmk/kern/thread_internal.h"
#include "osfmk/kern/waitq.h"

#define WAITQ_HASH_BITS 8
#define WAITQ_BUCKETS (1u << WAITQ_HASH_BITS)

/* Zero-filled buckets are valid: unlocked and empty. */
static struct waitq waitq_global[WAITQ_BUCKETS];

struct waitq *
waitq_for_event(event64_t event)
{
	/* Fibonacci hashing: events are pointers whose low bits carry little. */
	uint64_t h = (uint64_t)event * 0x9e3779b97f4a7c15ull;
	return &waitq_global[h >> (64 - WAITQ_HASH_BITS)];
}

void
waitq_init(struct waitq *wq)
{
	wq->wq_lock = 0;
	wq->wq_count = 0;
	wq->wq_head = NULL;
	wq->wq_tail = NULL;
}

/* ---- the bucket spin lock ---------------------------------------------- */

static __attribute__((noinline)) void
waitq_lock_contended(struct waitq *wq)
{
	uint32_t spins = 0;

	do {
		while (__atomic_load_n(&wq->wq_lock, __ATOMIC_RELAXED) != 0) {
			lck_cpu_pause();
			/* The holder may have lost its CPU to the host scheduler: let it run. */
			if ((++spins & 1023) == 0)
				khost_thread_yield();
		}
	} while (__atomic_exchange_n(&wq->wq_lock, 1, __ATOMIC_ACQUIRE) != 0);
}

static inline void
waitq_lock(struct waitq *wq)
{
	if (__probable(__atomic_exchange_n(&wq->wq_lock, 1, __ATOMIC_ACQUIRE) == 0))
		return;
	waitq_lock_contended(wq);
}

static inline void
waitq_unlock(struct waitq *wq)
{
	__atomic_store_n(&wq->wq_lock, 0, __ATOMIC_RELEASE);
}

/* ---- queue manipulation (bucket lock held) ------------------------------ */

static void
waitq_enqueue_locked(struct waitq *wq, struct thread *th)
{
	th->th_wq_next = NULL;
	th->th_wq_prev = wq->wq_tail;
	if (wq->wq_tail != NULL)
		wq->wq_tail->th_wq_next = th;
	else
		wq->wq_head = th;
	wq->wq_tail = th;
	__atomic_store_n(&wq->wq_count, wq->wq_count + 1, __ATOMIC_RELAXED);
}

static void
waitq_dequeue_locked(struct waitq *wq, struct thread *th)
{
	if (th->th_wq_prev != NULL)
		th->th_wq_prev->th_wq_next = th->th_wq_next;
	else
		wq->wq_head = th->th_wq_next;
	if (th->th_wq_next != NULL)
		th->th_wq_next->th_wq_prev = th->th_wq_prev;
	else
		wq->wq_tail = th->th_wq_prev;
	th->th_wq_next = th->th_wq_prev = NULL;
	__atomic_store_n(&wq->wq_count, wq->wq_count - 1, __ATOMIC_RELAXED);
}

/*
 * End th's wait with `result`. Threads that sleep in the futex are put on
 * *wake_list (with a reference) for waitq_wake_list() once the lock is gone.
 */
static void
waitq_resume_locked(struct waitq *wq, struct thread *th, wait_result_t result, struct thread **wake_list)
{
	uint32_t park = TH_PARK_WAITING;

	waitq_dequeue_locked(wq, th);
	th->th_wait_result = result;
	/* Cleared before th_park flips: once RUNNING, the thread may queue itself elsewhere. */
	__atomic_store_n(&th->th_waitq, NULL, __ATOMIC_RELEASE);
	if (!__atomic_compare_exchange_n(&th->th_park, &park, TH_PARK_RUNNING, false, __ATOMIC_SEQ_CST,
	                                 __ATOMIC_SEQ_CST)) {
		/*
		 * SLEEPING: the thread is in (or entering) its futex wait and cannot
		 * leave it while th_park stays SLEEPING (after a timeout it waits
		 * for the flip, see sched_park), so the reference taken here is
		 * safe. The flip to RUNNING happens in waitq_wake_list, after the
		 * link has been read: once RUNNING the thread may wait again and be
		 * linked on another waker's list (found by TSan).
		 */
		thread_reference(th);
		th->th_wake_next = *wake_list;
		*wake_list = th;
	}
	/* WAITING -> RUNNING: the thread still spins in thread_block; no futex wake needed. */
}

static void
waitq_wake_list(struct thread *list)
{
	while (list != NULL) {
		struct thread *th = list;
		list = th->th_wake_next;
		__atomic_store_n(&th->th_park, TH_PARK_RUNNING, __ATOMIC_SEQ_CST);
		khost_futex_wake(&th->th_park, 1);
		thread_deallocate(th);
	}
}

/* ---- operations --------------------------------------------------------- */

wait_result_t
waitq_assert_wait64(struct waitq *wq, event64_t event, wait_interrupt_t interruptible, uint64_t deadline_ns)
{
	struct thread *self = current_thread_fast();

	waitq_lock(wq);
	if (__atomic_load_n(&self->th_waitq, __ATOMIC_RELAXED) != NULL)
		panic("assert_wait: thread %p already waits for event 0x%llx", self,
		      (unsigned long long)self->th_wait_event);
	self->th_wait_event = event;
	self->th_interruptible = interruptible;
	self->th_wait_deadline = deadline_ns;
	self->th_wait_result = THREAD_WAITING;
	__atomic_store_n(&self->th_park, TH_PARK_WAITING, __ATOMIC_RELAXED);
	waitq_enqueue_locked(wq, self);
	/* Sequentially consistent: pairs with thread_interrupt() (see the top of the file). */
	__atomic_store_n(&self->th_waitq, wq, __ATOMIC_SEQ_CST);
	if (interruptible != THREAD_UNINT && __atomic_load_n(&self->th_interrupt_pending, __ATOMIC_SEQ_CST) &&
	    __atomic_exchange_n(&self->th_interrupt_pending, 0, __ATOMIC_SEQ_CST)) {
		waitq_dequeue_locked(wq, self);
		self->th_wait_result = THREAD_INTERRUPTED;
		__atomic_store_n(&self->th_park, TH_PARK_RUNNING, __ATOMIC_RELAXED);
		__atomic_store_n(&self->th_waitq, NULL, __ATOMIC_RELEASE);
		self->th_wait_asserted = 0;
		waitq_unlock(wq);
		return THREAD_INTERRUPTED;
	}
	self->th_wait_asserted = 1;
	waitq_unlock(wq);
	return THREAD_WAITING;
}

kern_return_t
waitq_wakeup64_one(struct waitq *wq, event64_t event, wait_result_t result)
{
	struct thread *wake = NULL;

	waitq_lock(wq);
	for (struct thread *th = wq->wq_head; th != NULL; th = th->th_wq_next) {
		if (th->th_wait_event == event) {
			waitq_resume_locked(wq, th, result, &wake);
			waitq_unlock(wq);
			waitq_wake_list(wake);
			return KERN_SUCCESS;
		}
	}
	waitq_unlock(wq);
	return KERN_NOT_WAITING;
}

kern_return_t
waitq_wakeup64_all(struct waitq *wq, event64_t event, wait_result_t result)
{
	struct thread *wake = NULL, *th, *next;
	kern_return_t kr = KERN_NOT_WAITING;

	waitq_lock(wq);
	for (th = wq->wq_head; th != NULL; th = next) {
		next = th->th_wq_next;
		if (th->th_wait_event == event) {
			waitq_resume_locked(wq, th, result, &wake);
			kr = KERN_SUCCESS;
		}
	}
	waitq_unlock(wq);
	waitq_wake_list(wake);
	return kr;
}

kern_return_t
waitq_wakeup64_thread(struct waitq *wq, event64_t event, struct thread *thread, wait_result_t result)
{
	struct thread *wake = NULL;

	waitq_lock(wq);
	if (__atomic_load_n(&thread->th_waitq, __ATOMIC_RELAXED) != wq || thread->th_wait_event != event) {
		waitq_unlock(wq);
		return KERN_NOT_WAITING;
	}
	waitq_resume_locked(wq, thread, result, &wake);
	waitq_unlock(wq);
	waitq_wake_list(wake);
	return KERN_SUCCESS;
}

kern_return_t
waitq_clear_wait(struct thread *thread, wait_result_t result)
{
	struct thread *wake = NULL;
	struct waitq *wq;

	for (;;) {
		wq = __atomic_load_n(&thread->th_waitq, __ATOMIC_SEQ_CST);
		if (wq == NULL)
			return KERN_NOT_WAITING;
		waitq_lock(wq);
		if (__atomic_load_n(&thread->th_waitq, __ATOMIC_RELAXED) == wq)
			break;
		waitq_unlock(wq); /* woken and perhaps queued elsewhere meanwhile: look again */
	}
	if (result == THREAD_INTERRUPTED && thread->th_interruptible == THREAD_UNINT) {
		waitq_unlock(wq);
		return KERN_FAILURE;
	}
	waitq_resume_locked(wq, thread, result, &wake);
	waitq_unlock(wq);
	waitq_wake_list(wake);
	return KERN_SUCCESS;
}

uint32_t
waitq_count(struct waitq *wq)
{
	return __atomic_load_n(&wq->wq_count, __ATOMIC_RELAXED);
}
