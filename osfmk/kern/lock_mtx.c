/*
 * lock_mtx.c — lck_mtx_t, the kernel's sleeping mutex.
 *
 * State: one 64-bit word holding the owner thread pointer, a WAITERS bit
 * and a SPIN_MODE bit (locks_internal.h).
 *  - lock: CAS 0 -> self. unlock: CAS self -> 0. Both fast paths are one
 *    atomic instruction plus the TLS load of current_thread().
 *  - contended lock: spin (adaptive: a per-thread budget of at most
 *    lck_mtx_spin_ns, see spin_internal.h) waiting for the word to be 0;
 *    then set WAITERS and sleep in the host futex on the word's low 32 bits.
 *    A thread that has slept takes the lock with WAITERS set, since other
 *    sleepers may remain (as in Drepper's "futexes are tricky" mutex): so
 *    whenever anyone sleeps, WAITERS is set or a woken thread is on its way
 *    to set it, and no wakeup is lost.
 *  - unlock with WAITERS: clear the word, then wake one sleeper.
 *
 * Misuse panics, with XNU's messages: unlocking a mutex the caller does not
 * own, locking one it already owns, asserting the wrong ownership, using a
 * destroyed mutex, destroying a held one.
 *
 * lck_mtx_lock_spin() takes the mutex the same way and marks it SPIN_MODE:
 * in XNU the holder then runs with preemption disabled and must not block;
 * the host cannot disable preemption, so here the mark only lets
 * lck_mtx_convert_spin() and the sleep functions tell the modes apart.
 */
#include <sys/cdefs.h>
#include <sys/systm.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include "host/khost.h"
#include "osfmk/kern/locks_internal.h"
#include "osfmk/kern/lock_order.h"
#include "osfmk/kern/watchdog.h"
#include "osfmk/kern/thread_internal.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "lck_mtx futex word: the low half of the state must come first in memory"
#endif

/* The 32-bit futex word: the low half of the state, which holds the WAITERS bit. */
static inline volatile uint32_t *
lck_mtx_futex_word(lck_mtx_t *lck)
{
	return (volatile uint32_t *)&lck->lck_mtx_state;
}

static inline uint64_t
lck_mtx_self(void)
{
	return (uint64_t)(uintptr_t)current_thread_fast();
}

/* ---- panics --------------------------------------------------------------- */

static __abortlike void
lck_mtx_invalid_panic(lck_mtx_t *lck, uint64_t state)
{
	panic("Invalid/destroyed mutex %p: type 0x%x state 0x%llx", lck, lck->lck_mtx_type,
	      (unsigned long long)state);
}

static __abortlike void
lck_mtx_not_owned_panic(lck_mtx_t *lck, uint64_t self)
{
	panic("Mutex %p is unexpectedly not owned by thread %p", lck, (void *)(uintptr_t)self);
}

static __abortlike void
lck_mtx_owned_panic(lck_mtx_t *lck, uint64_t self)
{
	panic("Mutex %p is unexpectedly owned by thread %p", lck, (void *)(uintptr_t)self);
}

static inline void
lck_mtx_check_valid(lck_mtx_t *lck, uint64_t state)
{
	if (__improbable(lck->lck_mtx_type != LCK_TYPE_MUTEX || state == LCK_MTX_TAG_DESTROYED))
		lck_mtx_invalid_panic(lck, state);
}

/* ---- init / destroy ---------------------------------------------------- */

void
lck_mtx_init(lck_mtx_t *lck, lck_grp_t *grp, lck_attr_t *attr)
{
	if (lck == NULL)
		panic("lck_mtx_init: NULL mutex");
	grp = lck_grp_resolve(grp);
	lck->lck_mtx_state = 0;
	lck->lck_mtx_grp = grp;
	lck->lck_mtx_type = LCK_TYPE_MUTEX;
	lck->lck_mtx_attr = attr != NULL ? attr->lck_attr_val : 0;
	lck_grp_reference(grp, &grp->lck_grp_mtxcnt);
}

lck_mtx_t *
lck_mtx_alloc_init(lck_grp_t *grp, lck_attr_t *attr)
{
	lck_mtx_t *lck = kalloc(sizeof(*lck));
	if (lck != NULL)
		lck_mtx_init(lck, grp, attr);
	return lck;
}

void
lck_mtx_destroy(lck_mtx_t *lck, lck_grp_t *grp)
{
	uint64_t state = __atomic_load_n(&lck->lck_mtx_state, __ATOMIC_RELAXED);

	lck_mtx_check_valid(lck, state);
	if (state != 0)
		panic("Mutex to destroy is held or has waiters: %p (state 0x%llx)", lck,
		      (unsigned long long)state);
	grp = lck_grp_resolve(grp);
	if (grp != lck->lck_mtx_grp)
		panic("lck_mtx_destroy: mutex %p belongs to group %s, not %s", lck,
		      lck->lck_mtx_grp->lck_grp_name, grp->lck_grp_name);
	LCK_ORDER_FORGET(lck);
	lck->lck_mtx_type = LCK_TYPE_NONE;
	__atomic_store_n(&lck->lck_mtx_state, LCK_MTX_TAG_DESTROYED, __ATOMIC_RELAXED);
	lck->lck_mtx_grp = NULL;
	lck_grp_deallocate(grp, &grp->lck_grp_mtxcnt);
}

void
lck_mtx_free(lck_mtx_t *lck, lck_grp_t *grp)
{
	if (lck == NULL)
		return;
	lck_mtx_destroy(lck, grp);
	kfree(lck, sizeof(*lck));
}

/* ---- lock ------------------------------------------------------------------ */

/*
 * Spin while the holder is (probably) running, for the thread's adaptive
 * budget (spin_internal.h); TRUE once the mutex is ours.
 */
#define LCK_MTX_SPIN_BACKOFF_MAX 64 /* pauses between two looks at the lock word */

static bool
lck_mtx_lock_spin_phase(lck_mtx_t *lck, struct thread *self, uint64_t newstate)
{
	uint64_t max = lck_mtx_spin_ns, state;
	struct spin_timer t;

	unsigned int backoff = 1;

	if (!spin_begin(&self->th_lock_spin, max, &t))
		return false;
	for (;;) {
		state = __atomic_load_n(&lck->lck_mtx_state, __ATOMIC_RELAXED);
		if ((state & LCK_MTX_OWNER_MASK) == 0 &&
		    __atomic_compare_exchange_n(&lck->lck_mtx_state, &state, newstate, false,
		                                __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			spin_won(&self->th_lock_spin, max, &t);
			return true;
		}
		/*
		 * Exponential backoff between looks: polling the lock word on every
		 * pause keeps its cache line bouncing between the CPUs and steals
		 * the lock the instant the owner drops it, so two threads hammering
		 * one mutex would pay a cache miss on every operation.
		 */
		for (unsigned int i = 0; i < backoff; i++)
			lck_cpu_pause();
		if (backoff < LCK_MTX_SPIN_BACKOFF_MAX)
			backoff <<= 1;
		if (spin_expired(&t)) {
			spin_lost(&self->th_lock_spin, max);
			return false;
		}
	}
}

static __attribute__((noinline)) void
lck_mtx_lock_contended(lck_mtx_t *lck, uint64_t self, uint64_t state, uint64_t mode)
{
	uint64_t waiters = 0; /* LCK_MTX_WAITERS once this thread has slept */
	lck_grp_t *grp;

	lck_mtx_check_valid(lck, state);
	grp = lck->lck_mtx_grp;
	if ((state & LCK_MTX_OWNER_MASK) == self)
		lck_mtx_owned_panic(lck, self);
	if (grp->lck_grp_attr & LCK_GRP_ATTR_STAT)
		__atomic_fetch_add(&grp->lck_grp_mtx_miss, 1, __ATOMIC_RELAXED);

	for (;;) {
		if (lck_mtx_lock_spin_phase(lck, (struct thread *)(uintptr_t)self, self | mode | waiters))
			return;
		state = __atomic_load_n(&lck->lck_mtx_state, __ATOMIC_RELAXED);
		for (;;) {
			if ((state & LCK_MTX_OWNER_MASK) == 0) {
				if (__atomic_compare_exchange_n(&lck->lck_mtx_state, &state,
				                                self | mode | waiters, false,
				                                __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
					return;
				continue;
			}
			if (state == LCK_MTX_TAG_DESTROYED)
				lck_mtx_invalid_panic(lck, state);
			if ((state & LCK_MTX_WAITERS) ||
			    __atomic_compare_exchange_n(&lck->lck_mtx_state, &state, state | LCK_MTX_WAITERS,
			                                false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
				break;
		}
		if (grp->lck_grp_attr & LCK_GRP_ATTR_STAT)
			__atomic_fetch_add(&grp->lck_grp_mtx_wait, 1, __ATOMIC_RELAXED);
		WATCHDOG_BLOCK((struct thread *)(uintptr_t)self, WD_MUTEX, lck,
		               (const void *)(uintptr_t)(state & LCK_MTX_OWNER_MASK));
		khost_futex_wait(lck_mtx_futex_word(lck), (uint32_t)(state | LCK_MTX_WAITERS), 0);
		WATCHDOG_UNBLOCK((struct thread *)(uintptr_t)self);
		waiters = LCK_MTX_WAITERS;
	}
}

static inline void
lck_mtx_lock_mode(lck_mtx_t *lck, uint64_t mode)
{
	uint64_t self = lck_mtx_self();
	uint64_t state = 0;

	LCK_ORDER_WILL_LOCK(lck, LCK_TYPE_MUTEX);
	if (__probable(__atomic_compare_exchange_n(&lck->lck_mtx_state, &state, self | mode, false,
	                                           __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)))
		return;
	lck_mtx_lock_contended(lck, self, state, mode);
}

void
lck_mtx_lock(lck_mtx_t *lck)
{
	lck_mtx_lock_mode(lck, 0);
}

void
lck_mtx_lock_spin(lck_mtx_t *lck)
{
	lck_mtx_lock_mode(lck, LCK_MTX_SPIN_MODE);
}

void
lck_mtx_lock_spin_always(lck_mtx_t *lck)
{
	lck_mtx_lock_mode(lck, LCK_MTX_SPIN_MODE);
}

static inline boolean_t
lck_mtx_try_lock_mode(lck_mtx_t *lck, uint64_t mode)
{
	uint64_t state = 0;

	if (__probable(__atomic_compare_exchange_n(&lck->lck_mtx_state, &state, lck_mtx_self() | mode, false,
	                                           __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))) {
		LCK_ORDER_DID_TRYLOCK(lck, LCK_TYPE_MUTEX);
		return TRUE;
	}
	lck_mtx_check_valid(lck, state);
	return FALSE;
}

boolean_t
lck_mtx_try_lock(lck_mtx_t *lck)
{
	return lck_mtx_try_lock_mode(lck, 0);
}

boolean_t
lck_mtx_try_lock_spin(lck_mtx_t *lck)
{
	return lck_mtx_try_lock_mode(lck, LCK_MTX_SPIN_MODE);
}

boolean_t
lck_mtx_try_lock_spin_always(lck_mtx_t *lck)
{
	return lck_mtx_try_lock_mode(lck, LCK_MTX_SPIN_MODE);
}

/* ---- unlock ------------------------------------------------------------- */

static __attribute__((noinline)) void
lck_mtx_unlock_slow(lck_mtx_t *lck, uint64_t self, uint64_t state)
{
	do {
		if ((state & LCK_MTX_OWNER_MASK) != self) {
			lck_mtx_check_valid(lck, state);
			lck_mtx_not_owned_panic(lck, self);
		}
	} while (!__atomic_compare_exchange_n(&lck->lck_mtx_state, &state, 0, false, __ATOMIC_RELEASE,
	                                      __ATOMIC_RELAXED));
	if (state & LCK_MTX_WAITERS)
		khost_futex_wake(lck_mtx_futex_word(lck), 1);
}

void
lck_mtx_unlock(lck_mtx_t *lck)
{
	uint64_t self = lck_mtx_self();
	uint64_t state = self;

	LCK_ORDER_UNLOCK(lck);
	if (__probable(__atomic_compare_exchange_n(&lck->lck_mtx_state, &state, 0, false, __ATOMIC_RELEASE,
	                                           __ATOMIC_RELAXED)))
		return;
	lck_mtx_unlock_slow(lck, self, state);
}

/* ---- misc ------------------------------------------------------------------ */

void
lck_mtx_assert(lck_mtx_t *lck, unsigned int type)
{
	uint64_t state = __atomic_load_n(&lck->lck_mtx_state, __ATOMIC_RELAXED);
	uint64_t self = lck_mtx_self();

	lck_mtx_check_valid(lck, state);
	if (type == LCK_MTX_ASSERT_OWNED) {
		if ((state & LCK_MTX_OWNER_MASK) != self)
			lck_mtx_not_owned_panic(lck, self);
	} else if (type == LCK_MTX_ASSERT_NOTOWNED) {
		if ((state & LCK_MTX_OWNER_MASK) == self)
			lck_mtx_owned_panic(lck, self);
	} else {
		panic("lck_mtx_assert(): invalid arg (%u)", type);
	}
}

void
lck_mtx_convert_spin(lck_mtx_t *lck)
{
	uint64_t state = __atomic_load_n(&lck->lck_mtx_state, __ATOMIC_RELAXED);
	uint64_t self = lck_mtx_self();

	if ((state & LCK_MTX_OWNER_MASK) != self) {
		lck_mtx_check_valid(lck, state);
		lck_mtx_not_owned_panic(lck, self);
	}
	if (state & LCK_MTX_SPIN_MODE)
		__atomic_fetch_and(&lck->lck_mtx_state, ~LCK_MTX_SPIN_MODE, __ATOMIC_RELAXED);
}

boolean_t
lck_mtx_owned_by_current(lck_mtx_t *lck)
{
	uint64_t state = __atomic_load_n(&lck->lck_mtx_state, __ATOMIC_RELAXED);
	return (state & LCK_MTX_OWNER_MASK) == lck_mtx_self();
}

/* ---- sleep -------------------------------------------------------------- */

static wait_result_t
lck_mtx_sleep_common(lck_mtx_t *lck, lck_sleep_action_t action, event_t event, wait_interrupt_t interruptible,
                     uint64_t deadline)
{
	wait_result_t res;

	if ((action & ~LCK_SLEEP_MASK) != 0)
		panic("Invalid lock sleep action %x", action);
	lck_mtx_assert(lck, LCK_MTX_ASSERT_OWNED);

	res = assert_wait_deadline(event, interruptible, deadline);
	if (res == THREAD_WAITING) {
		lck_mtx_unlock(lck);
		res = thread_block(THREAD_CONTINUE_NULL);
		if (!(action & LCK_SLEEP_UNLOCK)) {
			if (action & (LCK_SLEEP_SPIN | LCK_SLEEP_SPIN_ALWAYS))
				lck_mtx_lock_spin(lck);
			else
				lck_mtx_lock(lck);
		}
	} else if (action & LCK_SLEEP_UNLOCK) {
		lck_mtx_unlock(lck);
	}
	return res;
}

wait_result_t
lck_mtx_sleep(lck_mtx_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
              wait_interrupt_t interruptible)
{
	return lck_mtx_sleep_common(lck, lck_sleep_action, event, interruptible, TIMEOUT_WAIT_FOREVER);
}

wait_result_t
lck_mtx_sleep_deadline(lck_mtx_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
                       wait_interrupt_t interruptible, uint64_t deadline)
{
	return lck_mtx_sleep_common(lck, lck_sleep_action, event, interruptible, deadline);
}
