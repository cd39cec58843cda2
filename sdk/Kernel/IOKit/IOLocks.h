/*
 * IOKit/IOLocks.h — the I/O Kit's lock wrappers over the Mach locks: IOLock
 * (a mutex), IORecursiveLock (a mutex one thread may take again, with
 * balanced unlocks), IORWLock (readers/writer) and IOSimpleLock (a spin lock).
 * All of them belong to one lock group, IOLockGroup. The types are opaque to
 * kexts, as on a Mac; *GetMachLock hands out the underlying lck_* lock.
 *
 * The Sleep calls release the lock while waiting on `event` and take it back
 * before returning; for a recursive lock the whole depth is released and
 * restored. They return a wait_result_t (THREAD_AWAKENED, THREAD_TIMED_OUT,
 * THREAD_INTERRUPTED). Deadlines are absolute times (mach_absolute_time).
 */
#ifndef __IOKIT_IOLOCKS_H
#define __IOKIT_IOLOCKS_H

#include <sys/cdefs.h>
#include <stdbool.h>
#include <kern/locks.h>
#include <IOKit/IOReturn.h>
#include <IOKit/IOTypes.h>

__BEGIN_DECLS

extern lck_grp_t *IOLockGroup;

/* ---- IOLock: a mutex ---- */
typedef struct _IOLock IOLock;

IOLock *IOLockAlloc(void);
void IOLockFree(IOLock *lock);
lck_mtx_t *IOLockGetMachLock(IOLock *lock);
void IOLockLock(IOLock *lock);
boolean_t IOLockTryLock(IOLock *lock);
void IOLockUnlock(IOLock *lock);
int IOLockSleep(IOLock *lock, void *event, UInt32 interType);
int IOLockSleepDeadline(IOLock *lock, void *event, AbsoluteTime deadline, UInt32 interType);
void IOLockWakeup(IOLock *lock, void *event, bool oneThread);

typedef enum {
	kIOLockAssertOwned = LCK_ASSERT_OWNED,
	kIOLockAssertNotOwned = LCK_ASSERT_NOTOWNED
} IOLockAssertState;
void IOLockAssert(IOLock *lock, IOLockAssertState type);

/* ---- IORecursiveLock ---- */
typedef struct _IORecursiveLock IORecursiveLock;

IORecursiveLock *IORecursiveLockAlloc(void);
IORecursiveLock *IORecursiveLockAllocWithLockGroup(lck_grp_t *lockGroup);
void IORecursiveLockFree(IORecursiveLock *lock);
lck_mtx_t *IORecursiveLockGetMachLock(IORecursiveLock *lock);
void IORecursiveLockLock(IORecursiveLock *lock);
boolean_t IORecursiveLockTryLock(IORecursiveLock *lock);
void IORecursiveLockUnlock(IORecursiveLock *lock);
boolean_t IORecursiveLockHaveLock(const IORecursiveLock *lock);
int IORecursiveLockSleep(IORecursiveLock *lock, void *event, UInt32 interType);
int IORecursiveLockSleepDeadline(IORecursiveLock *lock, void *event, AbsoluteTime deadline, UInt32 interType);
void IORecursiveLockWakeup(IORecursiveLock *lock, void *event, bool oneThread);

/* ---- IORWLock ---- */
typedef struct _IORWLock IORWLock;

IORWLock *IORWLockAlloc(void);
void IORWLockFree(IORWLock *lock);
lck_rw_t *IORWLockGetMachLock(IORWLock *lock);
void IORWLockRead(IORWLock *lock);
void IORWLockWrite(IORWLock *lock);
boolean_t IORWLockTryRead(IORWLock *lock);
boolean_t IORWLockTryWrite(IORWLock *lock);
void IORWLockUnlock(IORWLock *lock);

typedef enum {
	kIORWLockAssertRead = LCK_RW_ASSERT_SHARED,
	kIORWLockAssertWrite = LCK_RW_ASSERT_EXCLUSIVE,
	kIORWLockAssertHeld = LCK_RW_ASSERT_HELD,
	kIORWLockAssertNotHeld = LCK_RW_ASSERT_NOTHELD
} IORWLockAssertState;
void IORWLockAssert(IORWLock *lock, IORWLockAssertState type);

/* ---- IOSimpleLock: a spin lock ---- */
typedef struct _IOSimpleLock IOSimpleLock;
typedef boolean_t IOInterruptState;

IOSimpleLock *IOSimpleLockAlloc(void);
void IOSimpleLockFree(IOSimpleLock *lock);
lck_spin_t *IOSimpleLockGetMachLock(IOSimpleLock *lock);
/* Re-initialise / destroy the lock in place (the storage stays allocated). */
void IOSimpleLockInit(IOSimpleLock *lock);
void IOSimpleLockDestroy(IOSimpleLock *lock);
void IOSimpleLockLock(IOSimpleLock *lock);
boolean_t IOSimpleLockTryLock(IOSimpleLock *lock);
void IOSimpleLockUnlock(IOSimpleLock *lock);
/*
 * Lock and mask "interrupts": kexthost's interrupts are delivered on a
 * dedicated kernel thread (IOInterrupts.h), never on the caller's, so the
 * state returned only records whether the caller was in interrupt context.
 */
IOInterruptState IOSimpleLockLockDisableInterrupt(IOSimpleLock *lock);
void IOSimpleLockUnlockEnableInterrupt(IOSimpleLock *lock, IOInterruptState state);

typedef enum {
	kIOSimpleLockAssertOwned = LCK_ASSERT_OWNED,
	kIOSimpleLockAssertNotOwned = LCK_ASSERT_NOTOWNED
} IOSimpleLockAssertState;
void IOSimpleLockAssert(IOSimpleLock *lock, IOSimpleLockAssertState type);

__END_DECLS

#endif /* __IOKIT_IOLOCKS_H */
