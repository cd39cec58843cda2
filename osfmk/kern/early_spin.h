/*
 * early_spin.h — a minimal spin lock for the subsystems that run before (or
 * underneath) the lck_* KPI: the kernel log, zones and kalloc, OSMalloc tags.
 * Test-and-test-and-set with `pause`; a waiter that spins too long yields its
 * host thread so that a preempted holder can run. Not recursive.
 */
#ifndef _KERN_EARLY_SPIN_H_
#define _KERN_EARLY_SPIN_H_

#include <stdint.h>
#include "host/khost.h"

typedef struct {
	uint32_t es_locked;
} early_spin_t;

#define EARLY_SPIN_INIT \
	{               \
		0       \
	}
#define EARLY_SPIN_YIELD_AFTER 128

static inline int
early_spin_try(early_spin_t *l)
{
	return __atomic_load_n(&l->es_locked, __ATOMIC_RELAXED) == 0 &&
	       !__atomic_exchange_n(&l->es_locked, 1, __ATOMIC_ACQUIRE);
}

static inline void
early_spin_lock(early_spin_t *l)
{
	unsigned spins = 0;

	while (!early_spin_try(l)) {
		if (++spins < EARLY_SPIN_YIELD_AFTER) {
			__asm__ volatile("pause");
		} else {
			khost_thread_yield();
		}
	}
}

static inline void
early_spin_unlock(early_spin_t *l)
{
	__atomic_store_n(&l->es_locked, 0, __ATOMIC_RELEASE);
}

static inline int
early_spin_held(early_spin_t *l)
{
	return __atomic_load_n(&l->es_locked, __ATOMIC_RELAXED) != 0;
}

#endif /* _KERN_EARLY_SPIN_H_ */
