/*
 * lock_order.h — lock-order checking (the lockorder= boot-arg), like
 * FreeBSD's WITNESS or Linux's lockdep, for lck_mtx, lck_rw and lck_spin
 * (and so IOLock, IORWLock, IOSimpleLock and IORecursiveLock, built on them).
 *
 * The lock functions call the hooks below only when lck_order_on is set:
 * off, each lock and unlock pays one load of a global and a predictable
 * branch. See lock_order.c for how orders are recorded and reported.
 */
#ifndef _KERN_LOCK_ORDER_H_
#define _KERN_LOCK_ORDER_H_

#include <stdint.h>
#include <sys/cdefs.h>

/* lockorder= values */
#define LCK_ORDER_OFF 0
#define LCK_ORDER_LOG 1   /* report a reversal in the kernel log */
#define LCK_ORDER_PANIC 2 /* report, then panic */

extern int lck_order_on;

/* Called with the lock's LCK_TYPE_* before a blocking acquisition: checks the order, records the hold. */
void lck_order_will_lock(const void *lck, uint32_t type);
/* After a successful try-lock: records the hold (a try cannot deadlock, so no order is learnt). */
void lck_order_did_trylock(const void *lck, uint32_t type);
/* The hold of lck ends (unlock, or a failed upgrade that dropped it). */
void lck_order_unlock(const void *lck);
/* lck is destroyed: forget the orders it took part in (its address may be reused). */
void lck_order_forget(const void *lck);

struct thread;
/* A thread record is freed: release its hold stack. */
void lck_order_thread_free(struct thread *th);

/* lck_mod_init: read the boot-arg, allocate the order table. */
void lck_order_init(void);
/* Turn checking on (LCK_ORDER_LOG/PANIC) or off at run time, for benchmarks and tests: only with no lock held. */
int lck_order_set(int mode);
/* Reversals reported since boot (for tests). */
uint64_t lck_order_reversal_count(void);

#define LCK_ORDER_WILL_LOCK(l, t)                      \
	do {                                           \
		if (__improbable(lck_order_on))        \
			lck_order_will_lock((l), (t)); \
	} while (0)
#define LCK_ORDER_DID_TRYLOCK(l, t)                      \
	do {                                             \
		if (__improbable(lck_order_on))          \
			lck_order_did_trylock((l), (t)); \
	} while (0)
#define LCK_ORDER_UNLOCK(l)                     \
	do {                                    \
		if (__improbable(lck_order_on)) \
			lck_order_unlock(l);    \
	} while (0)
#define LCK_ORDER_FORGET(l)                     \
	do {                                    \
		if (__improbable(lck_order_on)) \
			lck_order_forget(l);    \
	} while (0)

#endif /* _KERN_LOCK_ORDER_H_ */
