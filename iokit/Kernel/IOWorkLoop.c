/*
#include "osfmk/kern/watchdog.h"
 * IOWorkLoop.c — a work loop: one kernel thread, a recursive gate, and the
#include "osfmk/kern/watchdog.h"
 * chain of event sources the thread serves (IOKit/IOWorkLoop.h).
#include "osfmk/kern/watchdog.h"
 *
#include "osfmk/kern/watchdog.h"
 * The thread: close the gate; run every enabled source's checkForWork, and
#include "osfmk/kern/watchdog.h"
 * again while one reports more or a source signalled meanwhile; open the
#include "osfmk/kern/watchdog.h"
 * gate; sleep on &workToDo unless work was signalled. workToDo and the
#include "osfmk/kern/watchdog.h"
 * sleeping flag live under workToDoLock (a spin lock, since signalling is
#include "osfmk/kern/watchdog.h"
 * done from interrupt context), so a signal never falls between the check
#include "osfmk/kern/watchdog.h"
 * and the sleep.
#include "osfmk/kern/watchdog.h"
 *
#include "osfmk/kern/watchdog.h"
 * Adding or removing a source (gate closed) sets IOWL_RESTART: the thread
#include "osfmk/kern/watchdog.h"
 * then starts over from the head of the chain instead of following a link
#include "osfmk/kern/watchdog.h"
 * that may have gone. Command gates go on a separate passive chain that is
#include "osfmk/kern/watchdog.h"
 * never polled, as in XNU.
#include "osfmk/kern/watchdog.h"
 *
#include "osfmk/kern/watchdog.h"
 * Freeing: the thread is told to terminate and the freeing thread waits for
#include "osfmk/kern/watchdog.h"
 * it to leave; when the last reference is dropped on the loop's own thread
#include "osfmk/kern/watchdog.h"
 * (from an action), the thread finishes the free itself on its way out.
#include "osfmk/kern/watchdog.h"
 */
#include "osfmk/kern/watchdog.h"
#include <IOKit/IOWorkLoop.h>
#include "osfmk/kern/watchdog.h"
#include <IOKit/IOCommandGate.h>
#include "osfmk/kern/watchdog.h"
#include <IOKit/IOInterruptEventSource.h>
#include "osfmk/kern/watchdog.h"
#include <IOKit/IOLib.h>
#include "osfmk/kern/watchdog.h"
#include <kern/debug.h>
#include "osfmk/kern/watchdog.h"
#include <kern/sched_prim.h>
#include "osfmk/kern/watchdog.h"
#include <kern/thread.h>
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
#define IOWL_TERMINATE 0x1u /* the thread must leave */
#include "osfmk/kern/watchdog.h"
#define IOWL_RESTART 0x2u /* the chain changed under the thread */
#include "osfmk/kern/watchdog.h"
#define IOWL_EXITED 0x4u /* the thread has left (under workToDoLock) */
#include "osfmk/kern/watchdog.h"
#define IOWL_FREE_PENDING 0x8u /* the thread finishes the free */
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static void IOWorkLoop_freeImpl(OSObject *obj);
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static const OSMethod IOWorkLoop_methods[] = {
#include "osfmk/kern/watchdog.h"
        OSMethodOverride(OSObject, free, IOWorkLoop_freeImpl),
#include "osfmk/kern/watchdog.h"
        OSMethodEnd,
#include "osfmk/kern/watchdog.h"
};
#include "osfmk/kern/watchdog.h"
OSDefineMetaClassAndStructors(IOWorkLoop, OSObject, IOWorkLoop_methods);
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
#undef IOWorkLoop_addEventSource
#include "osfmk/kern/watchdog.h"
#undef IOWorkLoop_removeEventSource
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static inline uint32_t
#include "osfmk/kern/watchdog.h"
iowl_flags(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	return __atomic_load_n(&self->fFlags, __ATOMIC_ACQUIRE);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static inline void
#include "osfmk/kern/watchdog.h"
iowl_set(IOWorkLoop *self, uint32_t f)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	__atomic_or_fetch(&self->fFlags, f, __ATOMIC_ACQ_REL);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static inline void
#include "osfmk/kern/watchdog.h"
iowl_clear(IOWorkLoop *self, uint32_t f)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	__atomic_and_fetch(&self->fFlags, ~f, __ATOMIC_ACQ_REL);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
/* One pass (repeated while there is more) over the active chain. Gate held. */
#include "osfmk/kern/watchdog.h"
static void
#include "osfmk/kern/watchdog.h"
iowl_run_sources(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IOEventSource *es, *next;
#include "osfmk/kern/watchdog.h"
	bool more;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	do {
#include "osfmk/kern/watchdog.h"
		__atomic_store_n(&self->workToDo, 0, __ATOMIC_RELAXED);
#include "osfmk/kern/watchdog.h"
		more = false;
#include "osfmk/kern/watchdog.h"
		iowl_clear(self, IOWL_RESTART);
#include "osfmk/kern/watchdog.h"
		for (es = self->eventChain; es != NULL; es = next) {
#include "osfmk/kern/watchdog.h"
			next = es->eventChainNext;
#include "osfmk/kern/watchdog.h"
			if (IOEventSource_isEnabled(es)) {
#include "osfmk/kern/watchdog.h"
				more |= IOEventSource_checkForWork(es);
#include "osfmk/kern/watchdog.h"
			}
#include "osfmk/kern/watchdog.h"
			if (iowl_flags(self) & IOWL_TERMINATE) {
#include "osfmk/kern/watchdog.h"
				return;
#include "osfmk/kern/watchdog.h"
			}
#include "osfmk/kern/watchdog.h"
			if (iowl_flags(self) & IOWL_RESTART) {
#include "osfmk/kern/watchdog.h"
				/* es and next may be gone: start over from the head. */
#include "osfmk/kern/watchdog.h"
				more = true;
#include "osfmk/kern/watchdog.h"
				break;
#include "osfmk/kern/watchdog.h"
			}
#include "osfmk/kern/watchdog.h"
			next = es->eventChainNext;
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
	} while (more || __atomic_load_n(&self->workToDo, __ATOMIC_RELAXED));
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static void iowl_teardown(IOWorkLoop *self);
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static void
#include "osfmk/kern/watchdog.h"
iowl_thread_main(void *param, wait_result_t wr)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IOWorkLoop *self = param;
#include "osfmk/kern/watchdog.h"
	bool freeit;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	watchdog_idle_wait(1);
#include "osfmk/kern/watchdog.h"
	(void)wr;
#include "osfmk/kern/watchdog.h"
	for (;;) {
#include "osfmk/kern/watchdog.h"
		IORecursiveLockLock(self->gateLock);
#include "osfmk/kern/watchdog.h"
		if (iowl_flags(self) & IOWL_TERMINATE) {
#include "osfmk/kern/watchdog.h"
			break;
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
		iowl_run_sources(self);
#include "osfmk/kern/watchdog.h"
		if (iowl_flags(self) & IOWL_TERMINATE) {
#include "osfmk/kern/watchdog.h"
			break;
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
		IORecursiveLockUnlock(self->gateLock);
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
		IOSimpleLockLock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
		if (!(iowl_flags(self) & IOWL_TERMINATE) &&
#include "osfmk/kern/watchdog.h"
		    !__atomic_load_n(&self->workToDo, __ATOMIC_RELAXED)) {
#include "osfmk/kern/watchdog.h"
			self->threadSleeping = 1;
#include "osfmk/kern/watchdog.h"
			assert_wait((event_t)&self->workToDo, THREAD_UNINT);
#include "osfmk/kern/watchdog.h"
			IOSimpleLockUnlock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
			(void)thread_block(THREAD_CONTINUE_NULL);
#include "osfmk/kern/watchdog.h"
		} else {
#include "osfmk/kern/watchdog.h"
			IOSimpleLockUnlock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	IORecursiveLockUnlock(self->gateLock);
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	IOSimpleLockLock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
	freeit = (iowl_flags(self) & IOWL_FREE_PENDING) != 0;
#include "osfmk/kern/watchdog.h"
	iowl_set(self, IOWL_EXITED);
#include "osfmk/kern/watchdog.h"
	thread_wakeup((event_t)&self->workThread);
#include "osfmk/kern/watchdog.h"
	IOSimpleLockUnlock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
	/* Unless we finish the free, self may be gone from here on. */
#include "osfmk/kern/watchdog.h"
	if (freeit) {
#include "osfmk/kern/watchdog.h"
		iowl_teardown(self);
#include "osfmk/kern/watchdog.h"
		OSSuperCallAs(IOWorkLoop, OSObject, free, OSObj(self));
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
bool
#include "osfmk/kern/watchdog.h"
IOWorkLoop_init(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	thread_t thread;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	if (!OSSuperCallAs(IOWorkLoop, OSObject, init, OSObj(self))) {
#include "osfmk/kern/watchdog.h"
		return false;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	self->gateLock = IORecursiveLockAlloc();
#include "osfmk/kern/watchdog.h"
	self->workToDoLock = IOSimpleLockAlloc();
#include "osfmk/kern/watchdog.h"
	if (self->gateLock == NULL || self->workToDoLock == NULL) {
#include "osfmk/kern/watchdog.h"
		return false;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	if (kernel_thread_start(iowl_thread_main, self, &thread) != KERN_SUCCESS) {
#include "osfmk/kern/watchdog.h"
		return false;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	thread_set_thread_name(thread, "IOWorkLoop");
#include "osfmk/kern/watchdog.h"
	/* The thread record stays valid until the thread ends; we only compare and report it. */
#include "osfmk/kern/watchdog.h"
	self->workThread = thread;
#include "osfmk/kern/watchdog.h"
	thread_deallocate(thread);
#include "osfmk/kern/watchdog.h"
	return true;
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
IOWorkLoop *
#include "osfmk/kern/watchdog.h"
IOWorkLoop_workLoop(void)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IOWorkLoop *me = OSTypeAlloc(IOWorkLoop);
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	if (me != NULL && !IOWorkLoop_init(me)) {
#include "osfmk/kern/watchdog.h"
		OSSafeReleaseNULL(me);
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	return me;
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static IOReturn iowl_remove_locked(IOWorkLoop *self, IOEventSource *toRemove);
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
/* Remove every source and free the locks; the thread is gone. */
#include "osfmk/kern/watchdog.h"
static void
#include "osfmk/kern/watchdog.h"
iowl_teardown(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	if (self->gateLock != NULL) {
#include "osfmk/kern/watchdog.h"
		IORecursiveLockLock(self->gateLock);
#include "osfmk/kern/watchdog.h"
		while (self->eventChain != NULL) {
#include "osfmk/kern/watchdog.h"
			(void)iowl_remove_locked(self, self->eventChain);
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
		while (self->passiveEventChain != NULL) {
#include "osfmk/kern/watchdog.h"
			(void)iowl_remove_locked(self, self->passiveEventChain);
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
		IORecursiveLockUnlock(self->gateLock);
#include "osfmk/kern/watchdog.h"
		IORecursiveLockFree(self->gateLock);
#include "osfmk/kern/watchdog.h"
		self->gateLock = NULL;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	IOSimpleLockFree(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
	self->workToDoLock = NULL;
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static void
#include "osfmk/kern/watchdog.h"
IOWorkLoop_freeImpl(OSObject *obj)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IOWorkLoop *self = (IOWorkLoop *)obj;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	if (self->workThread != NULL && !(iowl_flags(self) & IOWL_EXITED)) {
#include "osfmk/kern/watchdog.h"
		if (self->workThread == current_thread()) {
#include "osfmk/kern/watchdog.h"
			/* Released from one of our own actions: the thread completes the free as it leaves. */
#include "osfmk/kern/watchdog.h"
			iowl_set(self, IOWL_FREE_PENDING | IOWL_TERMINATE);
#include "osfmk/kern/watchdog.h"
			return;
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
		if (IORecursiveLockHaveLock(self->gateLock)) {
#include "osfmk/kern/watchdog.h"
			panic("IOWorkLoop::free: work loop %p freed by a thread holding its gate", self);
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
		IOSimpleLockLock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
		iowl_set(self, IOWL_TERMINATE);
#include "osfmk/kern/watchdog.h"
		self->threadSleeping = 0;
#include "osfmk/kern/watchdog.h"
		thread_wakeup((event_t)&self->workToDo);
#include "osfmk/kern/watchdog.h"
		while (!(iowl_flags(self) & IOWL_EXITED)) {
#include "osfmk/kern/watchdog.h"
			assert_wait((event_t)&self->workThread, THREAD_UNINT);
#include "osfmk/kern/watchdog.h"
			IOSimpleLockUnlock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
			(void)thread_block(THREAD_CONTINUE_NULL);
#include "osfmk/kern/watchdog.h"
			IOSimpleLockLock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
		IOSimpleLockUnlock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	iowl_teardown(self);
#include "osfmk/kern/watchdog.h"
	OSSuperCallAs(IOWorkLoop, OSObject, free, obj);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
void
#include "osfmk/kern/watchdog.h"
IOWorkLoop_signalWorkAvailable(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	bool wake;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	IOSimpleLockLock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
	__atomic_store_n(&self->workToDo, 1, __ATOMIC_RELAXED);
#include "osfmk/kern/watchdog.h"
	wake = self->threadSleeping != 0;
#include "osfmk/kern/watchdog.h"
	self->threadSleeping = 0;
#include "osfmk/kern/watchdog.h"
	IOSimpleLockUnlock(self->workToDoLock);
#include "osfmk/kern/watchdog.h"
	if (wake) {
#include "osfmk/kern/watchdog.h"
		thread_wakeup_one((event_t)&self->workToDo);
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
/* ---- sources ---- */
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static bool
#include "osfmk/kern/watchdog.h"
iowl_is_passive(IOEventSource *es)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	return OSDynamicCast(IOCommandGate, es) != NULL;
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
IOReturn
#include "osfmk/kern/watchdog.h"
IOWorkLoop_addEventSource(IOWorkLoop *self, IOEventSource *newEvent)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IOEventSource **pp;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	if (self == NULL || newEvent == NULL) {
#include "osfmk/kern/watchdog.h"
		return kIOReturnBadArgument;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	IORecursiveLockLock(self->gateLock);
#include "osfmk/kern/watchdog.h"
	if (IOEventSource_getWorkLoop(newEvent) == NULL) {
#include "osfmk/kern/watchdog.h"
		OSObject_retain(newEvent);
#include "osfmk/kern/watchdog.h"
		newEvent->eventChainNext = NULL;
#include "osfmk/kern/watchdog.h"
		pp = iowl_is_passive(newEvent) ? &self->passiveEventChain : &self->eventChain;
#include "osfmk/kern/watchdog.h"
		while (*pp != NULL) {
#include "osfmk/kern/watchdog.h"
			pp = &(*pp)->eventChainNext;
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
		*pp = newEvent;
#include "osfmk/kern/watchdog.h"
		iowl_set(self, IOWL_RESTART);
#include "osfmk/kern/watchdog.h"
		IOEventSource_setWorkLoop(newEvent, self);
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	IORecursiveLockUnlock(self->gateLock);
#include "osfmk/kern/watchdog.h"
	/* The source may already have work (an interrupt counted before it joined). */
#include "osfmk/kern/watchdog.h"
	IOWorkLoop_signalWorkAvailable(self);
#include "osfmk/kern/watchdog.h"
	return kIOReturnSuccess;
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static IOReturn
#include "osfmk/kern/watchdog.h"
iowl_remove_locked(IOWorkLoop *self, IOEventSource *toRemove)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IOEventSource **pp;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	if (IOEventSource_getWorkLoop(toRemove) != self) {
#include "osfmk/kern/watchdog.h"
		/* XNU would unlink and release anyway; refusing avoids an over-release. */
#include "osfmk/kern/watchdog.h"
		return kIOReturnBadArgument;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	pp = iowl_is_passive(toRemove) ? &self->passiveEventChain : &self->eventChain;
#include "osfmk/kern/watchdog.h"
	while (*pp != NULL && *pp != toRemove) {
#include "osfmk/kern/watchdog.h"
		pp = &(*pp)->eventChainNext;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	if (*pp == NULL) {
#include "osfmk/kern/watchdog.h"
		return kIOReturnBadArgument;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	IOEventSource_setWorkLoop(toRemove, NULL);
#include "osfmk/kern/watchdog.h"
	/* setWorkLoop may sleep on the gate (command gates): find the link again. */
#include "osfmk/kern/watchdog.h"
	pp = iowl_is_passive(toRemove) ? &self->passiveEventChain : &self->eventChain;
#include "osfmk/kern/watchdog.h"
	while (*pp != NULL && *pp != toRemove) {
#include "osfmk/kern/watchdog.h"
		pp = &(*pp)->eventChainNext;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	if (*pp != NULL) {
#include "osfmk/kern/watchdog.h"
		*pp = toRemove->eventChainNext;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	toRemove->eventChainNext = NULL;
#include "osfmk/kern/watchdog.h"
	iowl_set(self, IOWL_RESTART);
#include "osfmk/kern/watchdog.h"
	OSObject_release(toRemove);
#include "osfmk/kern/watchdog.h"
	return kIOReturnSuccess;
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
IOReturn
#include "osfmk/kern/watchdog.h"
IOWorkLoop_removeEventSource(IOWorkLoop *self, IOEventSource *toRemove)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IOReturn ret;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	if (self == NULL || toRemove == NULL) {
#include "osfmk/kern/watchdog.h"
		return kIOReturnBadArgument;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	IORecursiveLockLock(self->gateLock);
#include "osfmk/kern/watchdog.h"
	ret = iowl_remove_locked(self, toRemove);
#include "osfmk/kern/watchdog.h"
	IORecursiveLockUnlock(self->gateLock);
#include "osfmk/kern/watchdog.h"
	return ret;
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
static void
#include "osfmk/kern/watchdog.h"
iowl_apply(IOWorkLoop *self, bool enable, bool interruptsOnly)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IOEventSource *chains[2], *es;
#include "osfmk/kern/watchdog.h"
	int i;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	IORecursiveLockLock(self->gateLock);
#include "osfmk/kern/watchdog.h"
	chains[0] = self->eventChain;
#include "osfmk/kern/watchdog.h"
	chains[1] = self->passiveEventChain;
#include "osfmk/kern/watchdog.h"
	for (i = 0; i < 2; i++) {
#include "osfmk/kern/watchdog.h"
		for (es = chains[i]; es != NULL; es = es->eventChainNext) {
#include "osfmk/kern/watchdog.h"
			if (interruptsOnly && OSDynamicCast(IOInterruptEventSource, es) == NULL) {
#include "osfmk/kern/watchdog.h"
				continue;
#include "osfmk/kern/watchdog.h"
			}
#include "osfmk/kern/watchdog.h"
			if (enable) {
#include "osfmk/kern/watchdog.h"
				IOEventSource_enable(es);
#include "osfmk/kern/watchdog.h"
			} else {
#include "osfmk/kern/watchdog.h"
				IOEventSource_disable(es);
#include "osfmk/kern/watchdog.h"
			}
#include "osfmk/kern/watchdog.h"
		}
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	IORecursiveLockUnlock(self->gateLock);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
void
#include "osfmk/kern/watchdog.h"
IOWorkLoop_enableAllEventSources(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	iowl_apply(self, true, false);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
void
#include "osfmk/kern/watchdog.h"
IOWorkLoop_disableAllEventSources(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	iowl_apply(self, false, false);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
void
#include "osfmk/kern/watchdog.h"
IOWorkLoop_enableAllInterrupts(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	iowl_apply(self, true, true);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
void
#include "osfmk/kern/watchdog.h"
IOWorkLoop_disableAllInterrupts(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	iowl_apply(self, false, true);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
/* ---- the gate ---- */
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
IOReturn
#include "osfmk/kern/watchdog.h"
IOWorkLoop_runAction(IOWorkLoop *self, IOWorkLoop_Action action, OSObject *target, void *arg0, void *arg1,
#include "osfmk/kern/watchdog.h"
                     void *arg2, void *arg3)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IOReturn res;
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
	if (action == NULL) {
#include "osfmk/kern/watchdog.h"
		return kIOReturnBadArgument;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	IORecursiveLockLock(self->gateLock);
#include "osfmk/kern/watchdog.h"
	res = action(target, arg0, arg1, arg2, arg3);
#include "osfmk/kern/watchdog.h"
	IORecursiveLockUnlock(self->gateLock);
#include "osfmk/kern/watchdog.h"
	return res;
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
void
#include "osfmk/kern/watchdog.h"
IOWorkLoop_closeGate(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IORecursiveLockLock(self->gateLock);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
void
#include "osfmk/kern/watchdog.h"
IOWorkLoop_openGate(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IORecursiveLockUnlock(self->gateLock);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
bool
#include "osfmk/kern/watchdog.h"
IOWorkLoop_tryCloseGate(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	return IORecursiveLockTryLock(self->gateLock);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
int
#include "osfmk/kern/watchdog.h"
IOWorkLoop_sleepGate(IOWorkLoop *self, void *event, UInt32 interuptibleType)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	if (!IORecursiveLockHaveLock(self->gateLock)) {
#include "osfmk/kern/watchdog.h"
		return kIOReturnNotPermitted;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	return IORecursiveLockSleep(self->gateLock, event, interuptibleType);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
int
#include "osfmk/kern/watchdog.h"
IOWorkLoop_sleepGateDeadline(IOWorkLoop *self, void *event, AbsoluteTime deadline, UInt32 interuptibleType)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	if (!IORecursiveLockHaveLock(self->gateLock)) {
#include "osfmk/kern/watchdog.h"
		return kIOReturnNotPermitted;
#include "osfmk/kern/watchdog.h"
	}
#include "osfmk/kern/watchdog.h"
	return IORecursiveLockSleepDeadline(self->gateLock, event, deadline, interuptibleType);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
void
#include "osfmk/kern/watchdog.h"
IOWorkLoop_wakeupGate(IOWorkLoop *self, void *event, bool oneThread)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	IORecursiveLockWakeup(self->gateLock, event, oneThread);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
bool
#include "osfmk/kern/watchdog.h"
IOWorkLoop_inGate(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	return IORecursiveLockHaveLock(self->gateLock);
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
bool
#include "osfmk/kern/watchdog.h"
IOWorkLoop_onThread(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	return self->workThread == current_thread();
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"

#include "osfmk/kern/watchdog.h"
thread_t
#include "osfmk/kern/watchdog.h"
IOWorkLoop_getThread(IOWorkLoop *self)
#include "osfmk/kern/watchdog.h"
{
#include "osfmk/kern/watchdog.h"
	return self->workThread;
#include "osfmk/kern/watchdog.h"
}
#include "osfmk/kern/watchdog.h"
