/*
 * watchdog.h — the deadlock watchdog (watchdog=<seconds> boot-arg): a
 * kernel thread that reports threads blocked on a lock, in msleep or in
 * assert_wait for longer than the bound. See watchdog.c.
 *
 * The blocking paths call WATCHDOG_BLOCK before a thread sleeps and
 * WATCHDOG_UNBLOCK when it runs again; with the watchdog off each costs one
 * load of a global and a predictable branch.
 */
#ifndef _KERN_WATCHDOG_H_
#define _KERN_WATCHDOG_H_

#include <stdint.h>
#include <sys/cdefs.h>

/* What a blocked thread waits for (thread->th_wd_kind). */
#define WD_NONE 0
#define WD_EVENT 1 /* assert_wait / msleep: th_wd_obj is the event */
#define WD_MUTEX 2 /* a contended lck_mtx: th_wd_obj is the lock */
#define WD_RW 3    /* a contended lck_rw */

struct thread;

extern int watchdog_on;

void watchdog_block(struct thread *self, uint32_t kind, const void *obj, const void *owner);
void watchdog_unblock(struct thread *self);
/*
 * Mark (idle != 0) or unmark the calling thread's event waits as idle
 * waits for work, which the watchdog does not report (lock waits it
 * still does): kernel daemons mark themselves once, request workers
 * around their wait for a request.
 */
void watchdog_idle_wait(int idle);
/* Every thread record, so the watchdog can scan them (thread.c). */
void watchdog_thread_add(struct thread *th);
void watchdog_thread_remove(struct thread *th);
/* Call fn for every thread record, under the list's spin lock: fn must not block or allocate. */
void watchdog_threads_apply(void (*fn)(struct thread *th, void *ctx), void *ctx);

/* kernel_bootstrap / kernel_shutdown */
void watchdog_init(void);
void watchdog_shutdown(void);
/* Blocked threads reported since boot (for tests). */
uint64_t watchdog_report_count(void);

#define WATCHDOG_BLOCK(self, kind, obj, owner)                                     \
	do {                                                                       \
		if (__improbable(__atomic_load_n(&watchdog_on, __ATOMIC_RELAXED))) \
			watchdog_block((self), (kind), (obj), (owner));            \
	} while (0)
#define WATCHDOG_UNBLOCK(self)                                                     \
	do {                                                                       \
		if (__improbable(__atomic_load_n(&watchdog_on, __ATOMIC_RELAXED))) \
			watchdog_unblock(self);                                    \
	} while (0)

#endif /* _KERN_WATCHDOG_H_ */
