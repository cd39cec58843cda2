/*
 * lock_spin.c — lck_spin_t, the spin lock: it never sleeps.
 *
 * The lock word holds the owner thread pointer (0 when free), so misuse is
 * caught: taking a spin lock twice on one thread (a certain deadlock) or
 * releasing one the caller does not hold panics. XNU holds spin locks with
 * preemption disabled; a hosted kernel cannot stop the host from preempting
 * the holder, so a waiter that has spun for a long while yields its CPU to
 * let the holder run, and panics (like XNU's spin lock timeout) if the lock
 * stays taken for LCK_SPIN_TIMEOUT_NS.
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
#include "osfmk/kern/thread_internal.h"

#define LCK_SPIN_TIMEOUT_NS (20ull * 1000 * 1000 * 1000)
#define LCK_SPIN_YIELD_EVERY 1024 /* pause iterations between yields */

static inline void
lck_spin_check_valid(lck_spin_t *lck)
{
	if (__improbable(lck->lck_spin_type != LCK_TYPE_SPIN))
		panic("Invalid/destroyed spinlock %p: type 0x%x", lck, lck->lck_spin_type);
}

void
lck_spin_init(lck_spin_t *lck, lck_grp_t *grp, lck_attr_t *attr)
{
	if (lck == NULL)
		panic("lck_spin_init: NULL lock");
	grp = lck_grp_resolve(grp);
	lck->lck_spin_owner = 0;
	lck->lck_spin_grp = grp;
	lck->lck_spin_type = LCK_TYPE_SPIN;
	lck->lck_spin_pad = 0;
	lck_grp_reference(grp, &grp->lck_grp_spincnt);
}

lck_spin_t *
lck_spin_alloc_init(lck_grp_t *grp, lck_attr_t *attr)
{
	lck_spin_t *lck = kalloc(sizeof(*lck));
	if (lck != NULL)
		lck_spin_init(lck, grp, attr);
	return lck;
}

void
lck_spin_destroy(lck_spin_t *lck, lck_grp_t *grp)
{
	lck_spin_check_valid(lck);
	if (__atomic_load_n(&lck->lck_spin_owner, __ATOMIC_RELAXED) != 0)
		panic("lck_spin_destroy: spinlock %p is held by thread %p", lck, (void *)lck->lck_spin_owner);
	grp = lck_grp_resolve(grp);
	if (grp != lck->lck_spin_grp)
		panic("lck_spin_destroy: spinlock %p belongs to group %s, not %s", lck,
		      lck->lck_spin_grp->lck_grp_name, grp->lck_grp_name);
	LCK_ORDER_FORGET(lck);
	lck->lck_spin_type = LCK_TYPE_NONE;
	__atomic_store_n(&lck->lck_spin_owner, LCK_SPIN_TAG_DESTROYED, __ATOMIC_RELAXED);
	lck->lck_spin_grp = NULL;
	lck_grp_deallocate(grp, &grp->lck_grp_spincnt);
}

void
lck_spin_free(lck_spin_t *lck, lck_grp_t *grp)
{
	if (lck == NULL)
		return;
	lck_spin_destroy(lck, grp);
	kfree(lck, sizeof(*lck));
}

static __attribute__((noinline)) void
lck_spin_lock_contended(lck_spin_t *lck, uintptr_t self)
{
	uint64_t start = 0;
	uintptr_t owner;

	lck_spin_check_valid(lck);
	for (uint32_t i = 1;; i++) {
		owner = __atomic_load_n(&lck->lck_spin_owner, __ATOMIC_RELAXED);
		if (owner == 0) {
			if (__atomic_compare_exchange_n(&lck->lck_spin_owner, &owner, self, false,
			                                __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				return;
			continue;
		}
		if (owner == self)
			panic("Spinlock %p is already held by the current thread %p", lck, (void *)self);
		lck_cpu_pause();
		if ((i % LCK_SPIN_YIELD_EVERY) == 0) {
			uint64_t now = khost_uptime_ns();
			if (start == 0)
				start = now;
			else if (now - start > LCK_SPIN_TIMEOUT_NS)
				panic("Spinlock acquisition timed out: lock=%p, lock owner thread=%p, "
				      "current_thread: "
				      "%p",
				      lck, (void *)owner, (void *)self);
			khost_thread_yield();
		}
	}
}

void
lck_spin_lock(lck_spin_t *lck)
{
	uintptr_t self = (uintptr_t)current_thread_fast();
	uintptr_t owner = 0;

	LCK_ORDER_WILL_LOCK(lck, LCK_TYPE_SPIN);
	if (__probable(__atomic_compare_exchange_n(&lck->lck_spin_owner, &owner, self, false,
	                                           __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)))
		return;
	lck_spin_lock_contended(lck, self);
}

boolean_t
lck_spin_try_lock(lck_spin_t *lck)
{
	uintptr_t owner = 0;

	if (__atomic_compare_exchange_n(&lck->lck_spin_owner, &owner, (uintptr_t)current_thread_fast(), false,
	                                __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		LCK_ORDER_DID_TRYLOCK(lck, LCK_TYPE_SPIN);
		return TRUE;
	}
	lck_spin_check_valid(lck);
	return FALSE;
}

void
lck_spin_unlock(lck_spin_t *lck)
{
	uintptr_t self = (uintptr_t)current_thread_fast();
	uintptr_t owner = __atomic_load_n(&lck->lck_spin_owner, __ATOMIC_RELAXED);

	if (__improbable(owner != self)) {
		lck_spin_check_valid(lck);
		panic("Spinlock %p is not held by the current thread %p (owner %p)", lck, (void *)self,
		      (void *)owner);
	}
	LCK_ORDER_UNLOCK(lck);
	/* Only the owner writes a held lock's word: a plain release store frees it. */
	__atomic_store_n(&lck->lck_spin_owner, 0, __ATOMIC_RELEASE);
}

void
lck_spin_assert(lck_spin_t *lck, unsigned int type)
{
	uintptr_t self = (uintptr_t)current_thread_fast();
	uintptr_t owner = __atomic_load_n(&lck->lck_spin_owner, __ATOMIC_RELAXED);

	lck_spin_check_valid(lck);
	if (type == LCK_ASSERT_OWNED) {
		if (owner != self)
			panic("lck_spin_assert(): spinlock %p not owned by current thread %p (owner %p)", lck,
			      (void *)self, (void *)owner);
	} else if (type == LCK_ASSERT_NOTOWNED) {
		if (owner == self)
			panic("lck_spin_assert(): spinlock %p owned by current thread %p", lck, (void *)self);
	} else {
		panic("lck_spin_assert(): invalid arg (%u)", type);
	}
}

static wait_result_t
lck_spin_sleep_common(lck_spin_t *lck, lck_sleep_action_t action, event_t event,
                      wait_interrupt_t interruptible, uint64_t deadline)
{
	wait_result_t res;

	if ((action & ~LCK_SLEEP_MASK) != 0)
		panic("Invalid lock sleep action %x", action);
	lck_spin_assert(lck, LCK_ASSERT_OWNED);

	res = assert_wait_deadline(event, interruptible, deadline);
	if (res == THREAD_WAITING) {
		lck_spin_unlock(lck);
		res = thread_block(THREAD_CONTINUE_NULL);
		if (!(action & LCK_SLEEP_UNLOCK))
			lck_spin_lock(lck);
	} else if (action & LCK_SLEEP_UNLOCK) {
		lck_spin_unlock(lck);
	}
	return res;
}

wait_result_t
lck_spin_sleep(lck_spin_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
               wait_interrupt_t interruptible)
{
	return lck_spin_sleep_common(lck, lck_sleep_action, event, interruptible, TIMEOUT_WAIT_FOREVER);
}

wait_result_t
lck_spin_sleep_deadline(lck_spin_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
                        wait_interrupt_t interruptible, uint64_t deadline)
{
	return lck_spin_sleep_common(lck, lck_sleep_action, event, interruptible, deadline);
}
