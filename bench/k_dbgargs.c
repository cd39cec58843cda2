/*
 * k_dbgargs.c — kernel side of the debug-checker benchmark: what lock-order
 * checking and zone poisoning cost when off (one predictable branch on the
 * fast paths) and when on. Checking is switched at run time (the harness
 * boots without the boot-args) with lck_order_set / zone_poison_set.
 */
#include <stddef.h>
#include <stdbool.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "osfmk/kern/lock_order.h"
#include "osfmk/kern/zalloc_internal.h"
#include "bench/k_dbgargs.h"

/* The baseline: lck_mtx's fast path (owner CAS in, CAS out) with no hook at all. */
static int64_t
k_dbg_bare_pairs(uint64_t pairs)
{
	static uint64_t word;
	uint64_t self = (uint64_t)(uintptr_t)current_thread();
	uint64_t t0 = khost_uptime_ns();

	for (uint64_t i = 0; i < pairs; i++) {
		uint64_t expect = 0;

		if (!__atomic_compare_exchange_n(&word, &expect, self, false, __ATOMIC_ACQUIRE,
		                                 __ATOMIC_RELAXED))
			return -1;
		__asm__ __volatile__("" ::: "memory");
		expect = self;
		if (!__atomic_compare_exchange_n(&word, &expect, 0, false, __ATOMIC_RELEASE,
		                                 __ATOMIC_RELAXED))
			return -1;
	}
	return (int64_t)(khost_uptime_ns() - t0);
}

int64_t
k_dbg_lock_pairs(int mode, uint64_t pairs)
{
	lck_grp_t *grp;
	lck_mtx_t *outer, *m;
	uint64_t t0, t1;

	if (mode == K_DBG_BARE)
		return k_dbg_bare_pairs(pairs);
	grp = lck_grp_alloc_init("bench.dbg", LCK_GRP_ATTR_NULL);
	outer = grp != NULL ? lck_mtx_alloc_init(grp, LCK_ATTR_NULL) : NULL;
	m = grp != NULL ? lck_mtx_alloc_init(grp, LCK_ATTR_NULL) : NULL;
	if (outer == NULL || m == NULL)
		return -1;
	if (mode == K_DBG_ON && lck_order_set(LCK_ORDER_LOG) != 0)
		return -1;
	/* One lock held around the loop: each acquisition checks one order, a typical nesting. */
	lck_mtx_lock(outer);
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < pairs; i++) {
		lck_mtx_lock(m);
		__asm__ __volatile__("" ::: "memory");
		lck_mtx_unlock(m);
	}
	t1 = khost_uptime_ns();
	lck_mtx_unlock(outer);
	if (mode == K_DBG_ON)
		(void)lck_order_set(LCK_ORDER_OFF);
	lck_mtx_free(m, grp);
	lck_mtx_free(outer, grp);
	lck_grp_free(grp);
	return (int64_t)(t1 - t0);
}

int64_t
k_dbg_zalloc_pairs(int on, uint64_t pairs)
{
	uint64_t t0, t1;

	if (zone_poison_set(on) != 0)
		return -1;
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < pairs; i++) {
		char *p = kalloc(64);

		if (p == NULL)
			return -1;
		*(volatile char *)p = (char)i;
		kfree(p, 64);
	}
	t1 = khost_uptime_ns();
	(void)zone_poison_set(0);
	return (int64_t)(t1 - t0);
}
