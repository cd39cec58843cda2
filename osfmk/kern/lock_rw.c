/*
 * lock_rw.c — lck_rw_t, the reader-writer lock.
 *
 * State: one 32-bit word, also the futex word every waiter sleeps on:
 *   bits 0-15  reader count
 *   WANT_UPGRADE  a reader is upgrading (or has upgraded) to exclusive
 *   WANT_EXCL     a writer holds the lock, or has claimed it and waits for
 *                 the readers to drain
 *   R_WAITING / W_WAITING  readers / writers sleep in the futex
 * plus lck_rw_owner, the thread holding it exclusively (for asserts and
 * lck_rw_done).
 *
 * Writers are preferred, as in XNU: once WANT_EXCL or WANT_UPGRADE is set,
 * new readers wait, so a stream of readers cannot starve a writer. An
 * upgrader beats a writer that is still waiting for the readers to drain;
 * two upgraders cannot both win: the second one fails, and its shared hold
 * is released (lck_rw_lock_shared_to_exclusive returns FALSE).
 *
 * Waiting: spin (the thread's adaptive budget, at most lck_mtx_spin_ns),
 * then set the waiting bit and
 * futex-wait on the word. Every release that can unblock someone (the last
 * reader leaving, an exclusive release or downgrade) clears the waiting bits
 * in the same atomic update and wakes all sleepers, who re-check and
 * re-set their bit if they must sleep again; a state change always precedes
 * the wake, so no wakeup is lost.
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

#define LCK_RW_SHARED_MASK 0x0000ffffu
#define LCK_RW_SHARED_READER 0x00000001u
#define LCK_RW_WANT_UPGRADE 0x00010000u
#define LCK_RW_WANT_EXCL 0x00020000u
#define LCK_RW_R_WAITING 0x00040000u
#define LCK_RW_W_WAITING 0x00080000u
#define LCK_RW_WAITING (LCK_RW_R_WAITING | LCK_RW_W_WAITING)
#define LCK_RW_EXCL_BITS (LCK_RW_WANT_EXCL | LCK_RW_WANT_UPGRADE)

static inline struct thread *
lck_rw_self(void)
{
	return current_thread_fast();
}

static inline uint32_t
lck_rw_load(lck_rw_t *lck)
{
	return __atomic_load_n(&lck->lck_rw_state, __ATOMIC_RELAXED);
}

static inline struct thread *
lck_rw_owner(lck_rw_t *lck)
{
	return __atomic_load_n(&lck->lck_rw_owner, __ATOMIC_RELAXED);
}

static inline void
lck_rw_set_owner(lck_rw_t *lck, struct thread *owner)
{
	__atomic_store_n(&lck->lck_rw_owner, owner, __ATOMIC_RELAXED);
}

static inline bool
lck_rw_cas(lck_rw_t *lck, uint32_t *expected, uint32_t desired, int success_order)
{
	/* The failure order may not be stronger than the success order. */
	int failure_order = success_order == __ATOMIC_RELEASE   ? __ATOMIC_RELAXED
	                    : success_order == __ATOMIC_ACQ_REL ? __ATOMIC_ACQUIRE
	                                                        : success_order;
	return __atomic_compare_exchange_n(&lck->lck_rw_state, expected, desired, false, success_order,
	                                   failure_order);
}

static inline void
lck_rw_check_valid(lck_rw_t *lck)
{
	if (__improbable(lck->lck_rw_type != LCK_TYPE_RW))
		panic("Invalid/destroyed rw lock %p: type 0x%x", lck, lck->lck_rw_type);
}

static void
lck_rw_wake_all(lck_rw_t *lck)
{
	khost_futex_wake(&lck->lck_rw_state, 0x7fffffff);
}

/* ---- init / destroy ---------------------------------------------------- */

void
lck_rw_init(lck_rw_t *lck, lck_grp_t *grp, lck_attr_t *attr)
{
	if (lck == NULL)
		panic("lck_rw_init: NULL lock");
	grp = lck_grp_resolve(grp);
	lck->lck_rw_state = 0;
	lck->lck_rw_type = LCK_TYPE_RW;
	lck->lck_rw_owner = NULL;
	lck->lck_rw_grp = grp;
	lck_grp_reference(grp, &grp->lck_grp_rwcnt);
}

lck_rw_t *
lck_rw_alloc_init(lck_grp_t *grp, lck_attr_t *attr)
{
	lck_rw_t *lck = kalloc(sizeof(*lck));
	if (lck != NULL)
		lck_rw_init(lck, grp, attr);
	return lck;
}

void
lck_rw_destroy(lck_rw_t *lck, lck_grp_t *grp)
{
	uint32_t state = lck_rw_load(lck);

	lck_rw_check_valid(lck);
	if (state != 0)
		panic("lck_rw_destroy: rw lock %p is held or has waiters (state 0x%x)", lck, state);
	grp = lck_grp_resolve(grp);
	if (grp != lck->lck_rw_grp)
		panic("lck_rw_destroy: rw lock %p belongs to group %s, not %s", lck,
		      lck->lck_rw_grp->lck_grp_name, grp->lck_grp_name);
	LCK_ORDER_FORGET(lck);
	lck->lck_rw_type = LCK_TYPE_NONE;
	lck->lck_rw_grp = NULL;
	lck_grp_deallocate(grp, &grp->lck_grp_rwcnt);
}

void
lck_rw_free(lck_rw_t *lck, lck_grp_t *grp)
{
	if (lck == NULL)
		return;
	lck_rw_destroy(lck, grp);
	kfree(lck, sizeof(*lck));
}

/* ---- waiting ------------------------------------------------------------- */

/*
 * Wait until none of `busy` is set in the state; returns the state seen
 * then (loaded with acquire: the releases that cleared `busy` are visible).
 * Spins first, then sleeps with `wait_bit` (R_ or W_WAITING) set.
 */
static uint32_t
lck_rw_wait_until_clear(lck_rw_t *lck, uint32_t busy, uint32_t wait_bit)
{
	struct thread *self = lck_rw_self();
	uint64_t max = lck_mtx_spin_ns;
	struct spin_timer t;
	uint32_t state;

	if (spin_begin(&self->th_lock_spin, max, &t)) {
		for (;;) {
			state = __atomic_load_n(&lck->lck_rw_state, __ATOMIC_ACQUIRE);
			if (!(state & busy)) {
				spin_won(&self->th_lock_spin, max, &t);
				return state;
			}
			lck_cpu_pause();
			if (spin_expired(&t)) {
				spin_lost(&self->th_lock_spin, max);
				break;
			}
		}
	}
	if (lck->lck_rw_grp->lck_grp_attr & LCK_GRP_ATTR_STAT)
		__atomic_fetch_add(&lck->lck_rw_grp->lck_grp_rw_wait, 1, __ATOMIC_RELAXED);
	state = __atomic_load_n(&lck->lck_rw_state, __ATOMIC_ACQUIRE);
	for (;;) {
		if (!(state & busy))
			return state;
		/* Acquire: when the CAS fails on a state that shows the lock free, the caller goes on to
		 * take it and must be ordered after the previous holder's release (found by TSan). */
		if (!(state & wait_bit) && !lck_rw_cas(lck, &state, state | wait_bit, __ATOMIC_ACQUIRE))
			continue;
		WATCHDOG_BLOCK(self, WD_RW, lck, lck_rw_owner(lck));
		khost_futex_wait(&lck->lck_rw_state, state | wait_bit, 0);
		WATCHDOG_UNBLOCK(self);
		state = __atomic_load_n(&lck->lck_rw_state, __ATOMIC_ACQUIRE);
	}
}

/* ---- shared ------------------------------------------------------------- */

static __attribute__((noinline)) void
lck_rw_lock_shared_slow(lck_rw_t *lck)
{
	uint32_t state;

	lck_rw_check_valid(lck);
	if (lck_rw_owner(lck) == lck_rw_self())
		panic("lck_rw_lock_shared(): rw lock %p is held exclusively by the current thread", lck);
	state = lck_rw_load(lck);
	for (;;) {
		if (state & LCK_RW_EXCL_BITS)
			state = lck_rw_wait_until_clear(lck, LCK_RW_EXCL_BITS, LCK_RW_R_WAITING);
		if ((state & LCK_RW_SHARED_MASK) == LCK_RW_SHARED_MASK)
			panic("lck_rw_lock_shared(): too many readers on rw lock %p", lck);
		if (lck_rw_cas(lck, &state, state + LCK_RW_SHARED_READER, __ATOMIC_ACQUIRE))
			return;
	}
}

void
lck_rw_lock_shared(lck_rw_t *lck)
{
	uint32_t state = lck_rw_load(lck);

	LCK_ORDER_WILL_LOCK(lck, LCK_TYPE_RW);
	if (__probable(!(state & LCK_RW_EXCL_BITS) && (state & LCK_RW_SHARED_MASK) != LCK_RW_SHARED_MASK &&
	               lck->lck_rw_type == LCK_TYPE_RW &&
	               lck_rw_cas(lck, &state, state + LCK_RW_SHARED_READER, __ATOMIC_ACQUIRE)))
		return;
	lck_rw_lock_shared_slow(lck);
}

boolean_t
lck_rw_try_lock_shared(lck_rw_t *lck)
{
	uint32_t state = lck_rw_load(lck);

	lck_rw_check_valid(lck);
	for (;;) {
		if (state & LCK_RW_EXCL_BITS)
			return FALSE;
		if ((state & LCK_RW_SHARED_MASK) == LCK_RW_SHARED_MASK)
			panic("lck_rw_try_lock_shared(): too many readers on rw lock %p", lck);
		if (lck_rw_cas(lck, &state, state + LCK_RW_SHARED_READER, __ATOMIC_ACQUIRE)) {
			LCK_ORDER_DID_TRYLOCK(lck, LCK_TYPE_RW);
			return TRUE;
		}
	}
}

/* ---- exclusive ------------------------------------------------------------ */

static __attribute__((noinline)) void
lck_rw_lock_exclusive_slow(lck_rw_t *lck, struct thread *self)
{
	uint32_t state;

	lck_rw_check_valid(lck);
	if (lck_rw_owner(lck) == self)
		panic("lck_rw_lock_exclusive(): rw lock %p is already held exclusively by the current thread",
		      lck);
	/* First claim WANT_EXCL: new readers now wait... */
	state = lck_rw_load(lck);
	for (;;) {
		if (state & LCK_RW_EXCL_BITS)
			state = lck_rw_wait_until_clear(lck, LCK_RW_EXCL_BITS, LCK_RW_W_WAITING);
		if (lck_rw_cas(lck, &state, state | LCK_RW_WANT_EXCL, __ATOMIC_ACQUIRE))
			break;
	}
	/* ...then wait for the readers (and an upgrader, who has priority) to leave. */
	state |= LCK_RW_WANT_EXCL;
	if (state & (LCK_RW_SHARED_MASK | LCK_RW_WANT_UPGRADE))
		(void)lck_rw_wait_until_clear(lck, LCK_RW_SHARED_MASK | LCK_RW_WANT_UPGRADE,
		                              LCK_RW_W_WAITING);
	lck_rw_set_owner(lck, self);
}

void
lck_rw_lock_exclusive(lck_rw_t *lck)
{
	struct thread *self = lck_rw_self();
	uint32_t state = 0;

	LCK_ORDER_WILL_LOCK(lck, LCK_TYPE_RW);
	if (__probable(lck->lck_rw_type == LCK_TYPE_RW &&
	               lck_rw_cas(lck, &state, LCK_RW_WANT_EXCL, __ATOMIC_ACQUIRE))) {
		lck_rw_set_owner(lck, self);
		return;
	}
	lck_rw_lock_exclusive_slow(lck, self);
}

boolean_t
lck_rw_try_lock_exclusive(lck_rw_t *lck)
{
	uint32_t state = lck_rw_load(lck);

	lck_rw_check_valid(lck);
	for (;;) {
		if (state & (LCK_RW_SHARED_MASK | LCK_RW_EXCL_BITS))
			return FALSE;
		if (lck_rw_cas(lck, &state, state | LCK_RW_WANT_EXCL, __ATOMIC_ACQUIRE))
			break;
	}
	lck_rw_set_owner(lck, lck_rw_self());
	LCK_ORDER_DID_TRYLOCK(lck, LCK_TYPE_RW);
	return TRUE;
}

/* ---- release ------------------------------------------------------------ */

lck_rw_type_t
lck_rw_done(lck_rw_t *lck)
{
	uint32_t state = lck_rw_load(lck), next;
	lck_rw_type_t type;

	lck_rw_check_valid(lck);
	LCK_ORDER_UNLOCK(lck);
	if (!(state & LCK_RW_SHARED_MASK) && (state & LCK_RW_EXCL_BITS)) {
		struct thread *owner = lck_rw_owner(lck);
		if (owner != lck_rw_self())
			panic("lck_rw_done(): rw lock %p is held exclusively by thread %p, not the current "
			      "thread %p",
			      lck, owner, lck_rw_self());
		/* Cleared before the state: a new writer sets it right after our release. */
		lck_rw_set_owner(lck, NULL);
	}
	do {
		if (state & LCK_RW_SHARED_MASK) {
			type = LCK_RW_TYPE_SHARED;
			next = state - LCK_RW_SHARED_READER;
			/* The last reader out can unblock a writer or an upgrader. */
			if (!(next & LCK_RW_SHARED_MASK))
				next &= ~LCK_RW_WAITING;
		} else if (state & LCK_RW_WANT_UPGRADE) {
			type = LCK_RW_TYPE_EXCLUSIVE;
			next = state & ~(LCK_RW_WANT_UPGRADE | LCK_RW_WAITING);
		} else if (state & LCK_RW_WANT_EXCL) {
			type = LCK_RW_TYPE_EXCLUSIVE;
			next = state & ~(LCK_RW_WANT_EXCL | LCK_RW_WAITING);
		} else {
			panic("Releasing non-exclusive RW lock without a reader refcount! (lock %p)", lck);
		}
	} while (!lck_rw_cas(lck, &state, next, __ATOMIC_RELEASE));
	if ((state & LCK_RW_WAITING) && !(next & LCK_RW_WAITING))
		lck_rw_wake_all(lck);
	return type;
}

void
lck_rw_unlock_shared(lck_rw_t *lck)
{
	lck_rw_type_t ret;

	if (lck_rw_owner(lck) == lck_rw_self())
		panic("lck_rw_unlock_shared(): lock %p held in mode: %d", lck, LCK_RW_TYPE_EXCLUSIVE);
	ret = lck_rw_done(lck);
	if (ret != LCK_RW_TYPE_SHARED)
		panic("lck_rw_unlock_shared(): lock %p held in mode: %d", lck, ret);
}

void
lck_rw_unlock_exclusive(lck_rw_t *lck)
{
	lck_rw_type_t ret;

	if (lck_rw_owner(lck) != lck_rw_self())
		panic("lck_rw_unlock_exclusive(): lock %p is not held exclusively by the current thread",
		      lck);
	ret = lck_rw_done(lck);
	if (ret != LCK_RW_TYPE_EXCLUSIVE)
		panic("lck_rw_unlock_exclusive(): lock %p held in mode: %d", lck, ret);
}

/* ---- by type ------------------------------------------------------------ */

void
lck_rw_lock(lck_rw_t *lck, lck_rw_type_t lck_rw_type)
{
	if (lck_rw_type == LCK_RW_TYPE_SHARED)
		lck_rw_lock_shared(lck);
	else if (lck_rw_type == LCK_RW_TYPE_EXCLUSIVE)
		lck_rw_lock_exclusive(lck);
	else
		panic("lck_rw_lock(): Invalid RW lock type: %x for lock %p", lck_rw_type, lck);
}

void
lck_rw_unlock(lck_rw_t *lck, lck_rw_type_t lck_rw_type)
{
	if (lck_rw_type == LCK_RW_TYPE_SHARED)
		lck_rw_unlock_shared(lck);
	else if (lck_rw_type == LCK_RW_TYPE_EXCLUSIVE)
		lck_rw_unlock_exclusive(lck);
	else
		panic("lck_rw_unlock(): Invalid RW lock type: %d", lck_rw_type);
}

boolean_t
lck_rw_try_lock(lck_rw_t *lck, lck_rw_type_t lck_rw_type)
{
	if (lck_rw_type == LCK_RW_TYPE_SHARED)
		return lck_rw_try_lock_shared(lck);
	if (lck_rw_type == LCK_RW_TYPE_EXCLUSIVE)
		return lck_rw_try_lock_exclusive(lck);
	panic("lck_rw_try_lock(): Invalid RW lock type: %x for lock %p", lck_rw_type, lck);
}

/* ---- upgrade / downgrade ------------------------------------------------ */

boolean_t
lck_rw_lock_shared_to_exclusive(lck_rw_t *lck)
{
	uint32_t state = lck_rw_load(lck), next;
	bool upgrade;

	lck_rw_check_valid(lck);
	do {
		if (!(state & LCK_RW_SHARED_MASK))
			panic("lck_rw_lock_shared_to_exclusive(): rw lock %p is not held shared (state 0x%x)",
			      lck, state);
		next = state - LCK_RW_SHARED_READER;
		upgrade = !(state & LCK_RW_WANT_UPGRADE);
		if (upgrade)
			next |= LCK_RW_WANT_UPGRADE;
		else if (!(next & LCK_RW_SHARED_MASK))
			next &= ~LCK_RW_WAITING;
	} while (!lck_rw_cas(lck, &state, next, __ATOMIC_ACQ_REL));

	if (!upgrade) {
		/* Another reader is upgrading: our shared hold is gone, as the KPI says. */
		LCK_ORDER_UNLOCK(lck);
		if ((state & LCK_RW_WAITING) && !(next & LCK_RW_WAITING))
			lck_rw_wake_all(lck);
		return FALSE;
	}
	if (next & LCK_RW_SHARED_MASK)
		(void)lck_rw_wait_until_clear(lck, LCK_RW_SHARED_MASK, LCK_RW_W_WAITING);
	lck_rw_set_owner(lck, lck_rw_self());
	return TRUE;
}

void
lck_rw_lock_exclusive_to_shared(lck_rw_t *lck)
{
	uint32_t state = lck_rw_load(lck), next;

	lck_rw_check_valid(lck);
	if (lck_rw_owner(lck) != lck_rw_self() || (state & LCK_RW_SHARED_MASK))
		panic("lck_rw_lock_exclusive_to_shared(): rw lock %p is not held exclusively by the current "
		      "thread",
		      lck);
	lck_rw_set_owner(lck, NULL);
	do {
		next = state + LCK_RW_SHARED_READER;
		if (state & LCK_RW_WANT_UPGRADE)
			next &= ~LCK_RW_WANT_UPGRADE;
		else
			next &= ~LCK_RW_WANT_EXCL;
		next &= ~LCK_RW_WAITING; /* waiting readers may enter now */
	} while (!lck_rw_cas(lck, &state, next, __ATOMIC_RELEASE));
	if (state & LCK_RW_WAITING)
		lck_rw_wake_all(lck);
}

/* ---- assert ------------------------------------------------------------- */

void
lck_rw_assert(lck_rw_t *lck, unsigned int type)
{
	uint32_t state = lck_rw_load(lck);
	struct thread *owner = lck_rw_owner(lck);
	struct thread *self = lck_rw_self();

	lck_rw_check_valid(lck);
	switch (type) {
	case LCK_RW_ASSERT_SHARED:
		if ((state & LCK_RW_SHARED_MASK) && owner == NULL)
			return;
		break;
	case LCK_RW_ASSERT_EXCLUSIVE:
		if ((state & LCK_RW_EXCL_BITS) && !(state & LCK_RW_SHARED_MASK) && owner == self)
			return;
		break;
	case LCK_RW_ASSERT_HELD:
		if (state & LCK_RW_SHARED_MASK)
			return;
		if ((state & LCK_RW_EXCL_BITS) && owner == self)
			return;
		break;
	case LCK_RW_ASSERT_NOTHELD:
		if (!(state & (LCK_RW_SHARED_MASK | LCK_RW_EXCL_BITS)) && owner == NULL)
			return;
		break;
	default:
		break;
	}
	panic("rw lock (%p)%s held (mode=%u)", lck, type == LCK_RW_ASSERT_NOTHELD ? "" : " not", type);
}

/* ---- sleep -------------------------------------------------------------- */

static wait_result_t
lck_rw_sleep_common(lck_rw_t *lck, lck_sleep_action_t action, event_t event, wait_interrupt_t interruptible,
                    uint64_t deadline)
{
	lck_rw_type_t held;
	wait_result_t res;

	if ((action & ~LCK_SLEEP_MASK) != 0)
		panic("Invalid lock sleep action %x", action);
	lck_rw_assert(lck, LCK_RW_ASSERT_HELD);

	res = assert_wait_deadline(event, interruptible, deadline);
	if (res == THREAD_WAITING) {
		held = lck_rw_done(lck);
		res = thread_block(THREAD_CONTINUE_NULL);
		if (!(action & LCK_SLEEP_UNLOCK)) {
			if (action & LCK_SLEEP_EXCLUSIVE)
				lck_rw_lock_exclusive(lck);
			else if (action & LCK_SLEEP_SHARED)
				lck_rw_lock_shared(lck);
			else
				lck_rw_lock(lck, held);
		}
	} else if (action & LCK_SLEEP_UNLOCK) {
		(void)lck_rw_done(lck);
	}
	return res;
}

wait_result_t
lck_rw_sleep(lck_rw_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
             wait_interrupt_t interruptible)
{
	return lck_rw_sleep_common(lck, lck_sleep_action, event, interruptible, TIMEOUT_WAIT_FOREVER);
}

wait_result_t
lck_rw_sleep_deadline(lck_rw_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
                      wait_interrupt_t interruptible, uint64_t deadline)
{
	return lck_rw_sleep_common(lck, lck_sleep_action, event, interruptible, deadline);
}
