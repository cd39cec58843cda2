/*
 * IOLocks.c — the I/O Kit lock wrappers (IOKit/IOLocks.h) over lck_mtx,
 * lck_rw and lck_spin, all in one lock group, IOLockGroup.
 *
 * IOLock, IORWLock and IOSimpleLock are the Mach locks themselves behind an
 * opaque type. IORecursiveLock is a mutex plus an owner and a depth: only
 * the owner touches the depth, and the owner field is read without the mutex
 * by other threads only to compare against themselves, which cannot give a
 * false "mine". Sleeping on a recursive lock releases the mutex whatever the
 * depth and restores owner and depth after the wait, however it ended.
 *
 * The group is created on first use (a CAS on the pointer), so locks work
 * from any boot step without a hook in the boot sequence.
 */
#include <IOKit/IOLocks.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOInterrupts.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>

lck_grp_t *IOLockGroup;

struct _IORecursiveLock {
	lck_mtx_t *mutex;
	lck_grp_t *group;
	thread_t thread; /* owner; written by the owner under the mutex */
	UInt32 count;    /* depth; owner only */
};

static lck_grp_t *
iolock_group(void)
{
	lck_grp_t *g = __atomic_load_n(&IOLockGroup, __ATOMIC_ACQUIRE);
	lck_grp_t *expected = NULL;

	if (__builtin_expect(g != NULL, 1)) {
		return g;
	}
	g = lck_grp_alloc_init("IOKit", LCK_GRP_ATTR_NULL);
	if (g == NULL) {
		panic("IOLockGroup: cannot allocate the I/O Kit lock group");
	}
	if (!__atomic_compare_exchange_n(&IOLockGroup, &expected, g, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE)) {
		lck_grp_free(g);
		g = expected;
	}
	return g;
}

/* Blocking in interrupt context would stall every interrupt of the machine. */
static inline void
iolock_assert_may_block(const char *who)
{
	if (__builtin_expect(ml_at_interrupt_context(), 0)) {
		panic("%s: blocking call in interrupt context", who);
	}
}

/* ---- IOLock ---- */

IOLock *
IOLockAlloc(void)
{
	return (IOLock *)lck_mtx_alloc_init(iolock_group(), LCK_ATTR_NULL);
}

void
IOLockFree(IOLock *lock)
{
	if (lock != NULL) {
		lck_mtx_free((lck_mtx_t *)lock, IOLockGroup);
	}
}

lck_mtx_t *
IOLockGetMachLock(IOLock *lock)
{
	return (lck_mtx_t *)lock;
}

void
IOLockLock(IOLock *lock)
{
	iolock_assert_may_block("IOLockLock");
	lck_mtx_lock((lck_mtx_t *)lock);
}

boolean_t
IOLockTryLock(IOLock *lock)
{
	return lck_mtx_try_lock((lck_mtx_t *)lock);
}

void
IOLockUnlock(IOLock *lock)
{
	lck_mtx_unlock((lck_mtx_t *)lock);
}

int
IOLockSleep(IOLock *lock, void *event, UInt32 interType)
{
	iolock_assert_may_block("IOLockSleep");
	return lck_mtx_sleep((lck_mtx_t *)lock, LCK_SLEEP_PROMOTED_PRI, event, (wait_interrupt_t)interType);
}

int
IOLockSleepDeadline(IOLock *lock, void *event, AbsoluteTime deadline, UInt32 interType)
{
	iolock_assert_may_block("IOLockSleepDeadline");
	return lck_mtx_sleep_deadline((lck_mtx_t *)lock, LCK_SLEEP_PROMOTED_PRI, event,
	                              (wait_interrupt_t)interType, deadline);
}

void
IOLockWakeup(IOLock *lock, void *event, bool oneThread)
{
	(void)lock;
	thread_wakeup_prim(event, oneThread, THREAD_AWAKENED);
}

void
IOLockAssert(IOLock *lock, IOLockAssertState type)
{
	lck_mtx_assert((lck_mtx_t *)lock, (unsigned int)type);
}

/* ---- IORecursiveLock ---- */

IORecursiveLock *
IORecursiveLockAllocWithLockGroup(lck_grp_t *lockGroup)
{
	IORecursiveLock *lock;

	if (lockGroup == NULL) {
		return NULL;
	}
	lock = IOMallocZero(sizeof(*lock));
	if (lock == NULL) {
		return NULL;
	}
	lock->mutex = lck_mtx_alloc_init(lockGroup, LCK_ATTR_NULL);
	if (lock->mutex == NULL) {
		IOFree(lock, sizeof(*lock));
		return NULL;
	}
	lock->group = lockGroup;
	return lock;
}

IORecursiveLock *
IORecursiveLockAlloc(void)
{
	return IORecursiveLockAllocWithLockGroup(iolock_group());
}

void
IORecursiveLockFree(IORecursiveLock *lock)
{
	if (lock == NULL) {
		return;
	}
	if (lock->count != 0) {
		panic("IORecursiveLockFree: lock %p freed while held (depth %u)", lock, lock->count);
	}
	lck_mtx_free(lock->mutex, lock->group);
	IOFree(lock, sizeof(*lock));
}

lck_mtx_t *
IORecursiveLockGetMachLock(IORecursiveLock *lock)
{
	return lock->mutex;
}

static inline bool
iorlock_mine(const IORecursiveLock *lock)
{
	return __atomic_load_n(&lock->thread, __ATOMIC_RELAXED) == current_thread();
}

void
IORecursiveLockLock(IORecursiveLock *lock)
{
	if (iorlock_mine(lock)) {
		lock->count++;
		return;
	}
	iolock_assert_may_block("IORecursiveLockLock");
	lck_mtx_lock(lock->mutex);
	__atomic_store_n(&lock->thread, current_thread(), __ATOMIC_RELAXED);
	lock->count = 1;
}

boolean_t
IORecursiveLockTryLock(IORecursiveLock *lock)
{
	if (iorlock_mine(lock)) {
		lock->count++;
		return TRUE;
	}
	if (!lck_mtx_try_lock(lock->mutex)) {
		return FALSE;
	}
	__atomic_store_n(&lock->thread, current_thread(), __ATOMIC_RELAXED);
	lock->count = 1;
	return TRUE;
}

void
IORecursiveLockUnlock(IORecursiveLock *lock)
{
	if (!iorlock_mine(lock) || lock->count == 0) {
		panic("IORecursiveLockUnlock: lock %p not held by the current thread", lock);
	}
	if (--lock->count == 0) {
		__atomic_store_n(&lock->thread, NULL, __ATOMIC_RELAXED);
		lck_mtx_unlock(lock->mutex);
	}
}

boolean_t
IORecursiveLockHaveLock(const IORecursiveLock *lock)
{
	return iorlock_mine(lock) ? TRUE : FALSE;
}

static int
iorlock_sleep(IORecursiveLock *lock, void *event, uint64_t deadline, UInt32 interType, const char *who)
{
	UInt32 depth = lock->count;
	int res;

	if (!iorlock_mine(lock) || depth == 0) {
		panic("%s: lock %p not held by the current thread", who, lock);
	}
	iolock_assert_may_block(who);
	lock->count = 0;
	__atomic_store_n(&lock->thread, NULL, __ATOMIC_RELAXED);
	if (deadline == 0) {
		res = lck_mtx_sleep(lock->mutex, LCK_SLEEP_PROMOTED_PRI, event, (wait_interrupt_t)interType);
	} else {
		res = lck_mtx_sleep_deadline(lock->mutex, LCK_SLEEP_PROMOTED_PRI, event,
		                             (wait_interrupt_t)interType, deadline);
	}
	/* Whatever woke us, we hold the mutex again: restore the caller's depth. */
	__atomic_store_n(&lock->thread, current_thread(), __ATOMIC_RELAXED);
	lock->count = depth;
	return res;
}

int
IORecursiveLockSleep(IORecursiveLock *lock, void *event, UInt32 interType)
{
	return iorlock_sleep(lock, event, 0, interType, "IORecursiveLockSleep");
}

int
IORecursiveLockSleepDeadline(IORecursiveLock *lock, void *event, AbsoluteTime deadline, UInt32 interType)
{
	/* A zero deadline would mean "forever" below; it is already past. */
	return iorlock_sleep(lock, event, deadline ? deadline : 1, interType, "IORecursiveLockSleepDeadline");
}

void
IORecursiveLockWakeup(IORecursiveLock *lock, void *event, bool oneThread)
{
	(void)lock;
	thread_wakeup_prim(event, oneThread, THREAD_AWAKENED);
}

/* ---- IORWLock ---- */

IORWLock *
IORWLockAlloc(void)
{
	return (IORWLock *)lck_rw_alloc_init(iolock_group(), LCK_ATTR_NULL);
}

void
IORWLockFree(IORWLock *lock)
{
	if (lock != NULL) {
		lck_rw_free((lck_rw_t *)lock, IOLockGroup);
	}
}

lck_rw_t *
IORWLockGetMachLock(IORWLock *lock)
{
	return (lck_rw_t *)lock;
}

void
IORWLockRead(IORWLock *lock)
{
	iolock_assert_may_block("IORWLockRead");
	lck_rw_lock_shared((lck_rw_t *)lock);
}

void
IORWLockWrite(IORWLock *lock)
{
	iolock_assert_may_block("IORWLockWrite");
	lck_rw_lock_exclusive((lck_rw_t *)lock);
}

boolean_t
IORWLockTryRead(IORWLock *lock)
{
	return lck_rw_try_lock_shared((lck_rw_t *)lock);
}

boolean_t
IORWLockTryWrite(IORWLock *lock)
{
	return lck_rw_try_lock_exclusive((lck_rw_t *)lock);
}

void
IORWLockUnlock(IORWLock *lock)
{
	(void)lck_rw_done((lck_rw_t *)lock);
}

void
IORWLockAssert(IORWLock *lock, IORWLockAssertState type)
{
	lck_rw_assert((lck_rw_t *)lock, (unsigned int)type);
}

/* ---- IOSimpleLock ---- */

IOSimpleLock *
IOSimpleLockAlloc(void)
{
	return (IOSimpleLock *)lck_spin_alloc_init(iolock_group(), LCK_ATTR_NULL);
}

void
IOSimpleLockFree(IOSimpleLock *lock)
{
	if (lock != NULL) {
		lck_spin_free((lck_spin_t *)lock, IOLockGroup);
	}
}

lck_spin_t *
IOSimpleLockGetMachLock(IOSimpleLock *lock)
{
	return (lck_spin_t *)lock;
}

void
IOSimpleLockInit(IOSimpleLock *lock)
{
	lck_spin_init((lck_spin_t *)lock, iolock_group(), LCK_ATTR_NULL);
}

void
IOSimpleLockDestroy(IOSimpleLock *lock)
{
	lck_spin_destroy((lck_spin_t *)lock, IOLockGroup);
}

void
IOSimpleLockLock(IOSimpleLock *lock)
{
	lck_spin_lock((lck_spin_t *)lock);
}

boolean_t
IOSimpleLockTryLock(IOSimpleLock *lock)
{
	return lck_spin_try_lock((lck_spin_t *)lock);
}

void
IOSimpleLockUnlock(IOSimpleLock *lock)
{
	lck_spin_unlock((lck_spin_t *)lock);
}

IOInterruptState
IOSimpleLockLockDisableInterrupt(IOSimpleLock *lock)
{
	IOInterruptState state = ml_at_interrupt_context();

	lck_spin_lock((lck_spin_t *)lock);
	return state;
}

void
IOSimpleLockUnlockEnableInterrupt(IOSimpleLock *lock, IOInterruptState state)
{
	(void)state;
	lck_spin_unlock((lck_spin_t *)lock);
}

void
IOSimpleLockAssert(IOSimpleLock *lock, IOSimpleLockAssertState type)
{
	lck_spin_assert((lck_spin_t *)lock, (unsigned int)type);
}
