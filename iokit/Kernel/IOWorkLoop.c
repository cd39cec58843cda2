/*
 * IOWorkLoop.c — a work loop: one kernel thread, a recursive gate, and the
 * chain of event sources the thread serves (IOKit/IOWorkLoop.h).
 *
 * The thread: close the gate; run every enabled source's checkForWork, and
 * again while one reports more or a source signalled meanwhile; open the
 * gate; sleep on &workToDo unless work was signalled. workToDo and the
 * sleeping flag live under workToDoLock (a spin lock, since signalling is
 * done from interrupt context), so a signal never falls between the check
 * and the sleep.
 *
 * Adding or removing a source (gate closed) sets IOWL_RESTART: the thread
 * then starts over from the head of the chain instead of following a link
 * that may have gone. Command gates go on a separate passive chain that is
 * never polled, as in XNU.
 *
 * Freeing: the thread is told to terminate and the freeing thread waits for
 * it to leave; when the last reference is dropped on the loop's own thread
 * (from an action), the thread finishes the free itself on its way out.
 */
#include <IOKit/IOWorkLoop.h>
#include <IOKit/IOCommandGate.h>
#include <IOKit/IOInterruptEventSource.h>
#include <IOKit/IOLib.h>
#include <kern/debug.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include "bsd/kern/kdebug_internal.h"
#include "osfmk/kern/watchdog.h"

#define IOWL_TERMINATE 0x1u    /* the thread must leave */
#define IOWL_RESTART 0x2u      /* the chain changed under the thread */
#define IOWL_EXITED 0x4u       /* the thread has left (under workToDoLock) */
#define IOWL_FREE_PENDING 0x8u /* the thread finishes the free */

static void IOWorkLoop_freeImpl(OSObject *obj);

static const OSMethod IOWorkLoop_methods[] = {
        OSMethodOverride(OSObject, free, IOWorkLoop_freeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOWorkLoop, OSObject, IOWorkLoop_methods);

#undef IOWorkLoop_addEventSource
#undef IOWorkLoop_removeEventSource

static inline uint32_t
iowl_flags(IOWorkLoop *self)
{
	return __atomic_load_n(&self->fFlags, __ATOMIC_ACQUIRE);
}

static inline void
iowl_set(IOWorkLoop *self, uint32_t f)
{
	__atomic_or_fetch(&self->fFlags, f, __ATOMIC_ACQ_REL);
}

static inline void
iowl_clear(IOWorkLoop *self, uint32_t f)
{
	__atomic_and_fetch(&self->fFlags, ~f, __ATOMIC_ACQ_REL);
}

/* One pass (repeated while there is more) over the active chain. Gate held. */
static void
iowl_run_sources(IOWorkLoop *self)
{
	IOEventSource *es, *next;
	bool more;

	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOWORKLOOP, IOWL_WORK) | DBG_FUNC_START, self, 0, 0, 0, 0);
	do {
		__atomic_store_n(&self->workToDo, 0, __ATOMIC_RELAXED);
		more = false;
		iowl_clear(self, IOWL_RESTART);
		for (es = self->eventChain; es != NULL; es = next) {
			next = es->eventChainNext;
			if (IOEventSource_isEnabled(es)) {
				bool m;

				KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOWORKLOOP, IOWL_CLIENT) |
				                              DBG_FUNC_START,
				                      self, es, 0, 0, 0);
				m = IOEventSource_checkForWork(es);
				KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOWORKLOOP, IOWL_CLIENT) | DBG_FUNC_END,
				                      m, 0, 0, 0, 0);
				more |= m;
			}
			if (iowl_flags(self) & IOWL_TERMINATE) {
				break;
			}
			if (iowl_flags(self) & IOWL_RESTART) {
				/* es and next may be gone: start over from the head. */
				more = true;
				break;
			}
			next = es->eventChainNext;
		}
	} while (!(iowl_flags(self) & IOWL_TERMINATE) &&
	         (more || __atomic_load_n(&self->workToDo, __ATOMIC_RELAXED)));
	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOWORKLOOP, IOWL_WORK) | DBG_FUNC_END, 0, 0, 0, 0, 0);
}

static void iowl_teardown(IOWorkLoop *self);

static void
iowl_thread_main(void *param, wait_result_t wr)
{
	IOWorkLoop *self = param;
	bool freeit;

	(void)wr;
	for (;;) {
		IORecursiveLockLock(self->gateLock);
		if (iowl_flags(self) & IOWL_TERMINATE) {
			break;
		}
		iowl_run_sources(self);
		if (iowl_flags(self) & IOWL_TERMINATE) {
			break;
		}
		IORecursiveLockUnlock(self->gateLock);

		IOSimpleLockLock(self->workToDoLock);
		if (!(iowl_flags(self) & IOWL_TERMINATE) &&
		    !__atomic_load_n(&self->workToDo, __ATOMIC_RELAXED)) {
			self->threadSleeping = 1;
			assert_wait((event_t)&self->workToDo, THREAD_UNINT);
			IOSimpleLockUnlock(self->workToDoLock);
			/* Only this wait is idle: an event source's action that hangs is reported. */
			watchdog_idle_wait(1);
			(void)thread_block(THREAD_CONTINUE_NULL);
			watchdog_idle_wait(0);
		} else {
			IOSimpleLockUnlock(self->workToDoLock);
		}
	}
	IORecursiveLockUnlock(self->gateLock);

	IOSimpleLockLock(self->workToDoLock);
	freeit = (iowl_flags(self) & IOWL_FREE_PENDING) != 0;
	iowl_set(self, IOWL_EXITED);
	thread_wakeup((event_t)&self->workThread);
	IOSimpleLockUnlock(self->workToDoLock);
	/* Unless we finish the free, self may be gone from here on. */
	if (freeit) {
		iowl_teardown(self);
		OSSuperCallAs(IOWorkLoop, OSObject, free, OSObj(self));
	}
}

bool
IOWorkLoop_init(IOWorkLoop *self)
{
	thread_t thread;

	if (!OSSuperCallAs(IOWorkLoop, OSObject, init, OSObj(self))) {
		return false;
	}
	self->gateLock = IORecursiveLockAlloc();
	self->workToDoLock = IOSimpleLockAlloc();
	if (self->gateLock == NULL || self->workToDoLock == NULL) {
		return false;
	}
	if (kernel_thread_start(iowl_thread_main, self, &thread) != KERN_SUCCESS) {
		return false;
	}
	thread_set_thread_name(thread, "IOWorkLoop");
	/* The thread record stays valid until the thread ends; we only compare and report it. */
	self->workThread = thread;
	thread_deallocate(thread);
	return true;
}

IOWorkLoop *
IOWorkLoop_workLoop(void)
{
	IOWorkLoop *me = OSTypeAlloc(IOWorkLoop);

	if (me != NULL && !IOWorkLoop_init(me)) {
		OSSafeReleaseNULL(me);
	}
	return me;
}

static IOReturn iowl_remove_locked(IOWorkLoop *self, IOEventSource *toRemove);

/* Remove every source and free the locks; the thread is gone. */
static void
iowl_teardown(IOWorkLoop *self)
{
	if (self->gateLock != NULL) {
		IORecursiveLockLock(self->gateLock);
		while (self->eventChain != NULL) {
			(void)iowl_remove_locked(self, self->eventChain);
		}
		while (self->passiveEventChain != NULL) {
			(void)iowl_remove_locked(self, self->passiveEventChain);
		}
		IORecursiveLockUnlock(self->gateLock);
		IORecursiveLockFree(self->gateLock);
		self->gateLock = NULL;
	}
	IOSimpleLockFree(self->workToDoLock);
	self->workToDoLock = NULL;
}

static void
IOWorkLoop_freeImpl(OSObject *obj)
{
	IOWorkLoop *self = (IOWorkLoop *)obj;

	if (self->workThread != NULL && !(iowl_flags(self) & IOWL_EXITED)) {
		if (self->workThread == current_thread()) {
			/* Released from one of our own actions: the thread completes the free as it leaves. */
			iowl_set(self, IOWL_FREE_PENDING | IOWL_TERMINATE);
			return;
		}
		if (IORecursiveLockHaveLock(self->gateLock)) {
			panic("IOWorkLoop::free: work loop %p freed by a thread holding its gate", self);
		}
		IOSimpleLockLock(self->workToDoLock);
		iowl_set(self, IOWL_TERMINATE);
		self->threadSleeping = 0;
		thread_wakeup((event_t)&self->workToDo);
		while (!(iowl_flags(self) & IOWL_EXITED)) {
			assert_wait((event_t)&self->workThread, THREAD_UNINT);
			IOSimpleLockUnlock(self->workToDoLock);
			(void)thread_block(THREAD_CONTINUE_NULL);
			IOSimpleLockLock(self->workToDoLock);
		}
		IOSimpleLockUnlock(self->workToDoLock);
	}
	iowl_teardown(self);
	OSSuperCallAs(IOWorkLoop, OSObject, free, obj);
}

void
IOWorkLoop_signalWorkAvailable(IOWorkLoop *self)
{
	bool wake;

	IOSimpleLockLock(self->workToDoLock);
	__atomic_store_n(&self->workToDo, 1, __ATOMIC_RELAXED);
	wake = self->threadSleeping != 0;
	self->threadSleeping = 0;
	IOSimpleLockUnlock(self->workToDoLock);
	if (wake) {
		thread_wakeup_one((event_t)&self->workToDo);
	}
}

/* ---- sources ---- */

static bool
iowl_is_passive(IOEventSource *es)
{
	return OSDynamicCast(IOCommandGate, es) != NULL;
}

IOReturn
IOWorkLoop_addEventSource(IOWorkLoop *self, IOEventSource *newEvent)
{
	IOEventSource **pp;

	if (self == NULL || newEvent == NULL) {
		return kIOReturnBadArgument;
	}
	IORecursiveLockLock(self->gateLock);
	if (IOEventSource_getWorkLoop(newEvent) == NULL) {
		OSObject_retain(newEvent);
		newEvent->eventChainNext = NULL;
		pp = iowl_is_passive(newEvent) ? &self->passiveEventChain : &self->eventChain;
		while (*pp != NULL) {
			pp = &(*pp)->eventChainNext;
		}
		*pp = newEvent;
		iowl_set(self, IOWL_RESTART);
		IOEventSource_setWorkLoop(newEvent, self);
	}
	IORecursiveLockUnlock(self->gateLock);
	/* The source may already have work (an interrupt counted before it joined). */
	IOWorkLoop_signalWorkAvailable(self);
	return kIOReturnSuccess;
}

static IOReturn
iowl_remove_locked(IOWorkLoop *self, IOEventSource *toRemove)
{
	IOEventSource **pp;

	if (IOEventSource_getWorkLoop(toRemove) != self) {
		/* XNU would unlink and release anyway; refusing avoids an over-release. */
		return kIOReturnBadArgument;
	}
	pp = iowl_is_passive(toRemove) ? &self->passiveEventChain : &self->eventChain;
	while (*pp != NULL && *pp != toRemove) {
		pp = &(*pp)->eventChainNext;
	}
	if (*pp == NULL) {
		return kIOReturnBadArgument;
	}
	IOEventSource_setWorkLoop(toRemove, NULL);
	/* setWorkLoop may sleep on the gate (command gates): find the link again. */
	pp = iowl_is_passive(toRemove) ? &self->passiveEventChain : &self->eventChain;
	while (*pp != NULL && *pp != toRemove) {
		pp = &(*pp)->eventChainNext;
	}
	if (*pp != NULL) {
		*pp = toRemove->eventChainNext;
	}
	toRemove->eventChainNext = NULL;
	iowl_set(self, IOWL_RESTART);
	OSObject_release(toRemove);
	return kIOReturnSuccess;
}

IOReturn
IOWorkLoop_removeEventSource(IOWorkLoop *self, IOEventSource *toRemove)
{
	IOReturn ret;

	if (self == NULL || toRemove == NULL) {
		return kIOReturnBadArgument;
	}
	IORecursiveLockLock(self->gateLock);
	ret = iowl_remove_locked(self, toRemove);
	IORecursiveLockUnlock(self->gateLock);
	return ret;
}

static void
iowl_apply(IOWorkLoop *self, bool enable, bool interruptsOnly)
{
	IOEventSource *chains[2], *es;
	int i;

	IORecursiveLockLock(self->gateLock);
	chains[0] = self->eventChain;
	chains[1] = self->passiveEventChain;
	for (i = 0; i < 2; i++) {
		for (es = chains[i]; es != NULL; es = es->eventChainNext) {
			if (interruptsOnly && OSDynamicCast(IOInterruptEventSource, es) == NULL) {
				continue;
			}
			if (enable) {
				IOEventSource_enable(es);
			} else {
				IOEventSource_disable(es);
			}
		}
	}
	IORecursiveLockUnlock(self->gateLock);
}

void
IOWorkLoop_enableAllEventSources(IOWorkLoop *self)
{
	iowl_apply(self, true, false);
}

void
IOWorkLoop_disableAllEventSources(IOWorkLoop *self)
{
	iowl_apply(self, false, false);
}

void
IOWorkLoop_enableAllInterrupts(IOWorkLoop *self)
{
	iowl_apply(self, true, true);
}

void
IOWorkLoop_disableAllInterrupts(IOWorkLoop *self)
{
	iowl_apply(self, false, true);
}

/* ---- the gate ---- */

IOReturn
IOWorkLoop_runAction(IOWorkLoop *self, IOWorkLoop_Action action, OSObject *target, void *arg0, void *arg1,
                     void *arg2, void *arg3)
{
	IOReturn res;

	if (action == NULL) {
		return kIOReturnBadArgument;
	}
	IORecursiveLockLock(self->gateLock);
	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOCMDQ, IOCMDQ_ACTION) | DBG_FUNC_START, target, action, 0, 0,
	                      0);
	res = action(target, arg0, arg1, arg2, arg3);
	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOCMDQ, IOCMDQ_ACTION) | DBG_FUNC_END, res, 0, 0, 0, 0);
	IORecursiveLockUnlock(self->gateLock);
	return res;
}

void
IOWorkLoop_closeGate(IOWorkLoop *self)
{
	IORecursiveLockLock(self->gateLock);
}

void
IOWorkLoop_openGate(IOWorkLoop *self)
{
	IORecursiveLockUnlock(self->gateLock);
}

bool
IOWorkLoop_tryCloseGate(IOWorkLoop *self)
{
	return IORecursiveLockTryLock(self->gateLock);
}

int
IOWorkLoop_sleepGate(IOWorkLoop *self, void *event, UInt32 interuptibleType)
{
	if (!IORecursiveLockHaveLock(self->gateLock)) {
		return kIOReturnNotPermitted;
	}
	return IORecursiveLockSleep(self->gateLock, event, interuptibleType);
}

int
IOWorkLoop_sleepGateDeadline(IOWorkLoop *self, void *event, AbsoluteTime deadline, UInt32 interuptibleType)
{
	if (!IORecursiveLockHaveLock(self->gateLock)) {
		return kIOReturnNotPermitted;
	}
	return IORecursiveLockSleepDeadline(self->gateLock, event, deadline, interuptibleType);
}

void
IOWorkLoop_wakeupGate(IOWorkLoop *self, void *event, bool oneThread)
{
	IORecursiveLockWakeup(self->gateLock, event, oneThread);
}

bool
IOWorkLoop_inGate(IOWorkLoop *self)
{
	return IORecursiveLockHaveLock(self->gateLock);
}

bool
IOWorkLoop_onThread(IOWorkLoop *self)
{
	return self->workThread == current_thread();
}

thread_t
IOWorkLoop_getThread(IOWorkLoop *self)
{
	return self->workThread;
}
