/*
 * IOKit/IOWorkLoop.h — IOWorkLoop: one kernel thread and one recursive lock
 * (the gate) that single-thread a driver's event sources.
 *
 * The thread sleeps until a source signals work, then, with the gate closed,
 * calls each enabled source's checkForWork until none has more. Anything
 * else that must be single-threaded against the sources runs with the gate
 * closed: runAction on the caller's thread, a command gate, closeGate. The
 * gate is recursive: an action may call runAction again. sleepGate releases
 * the gate (whatever its depth) while sleeping and takes it back.
 *
 * C++ (XNU)                                C (kexthost)
 * IOWorkLoop *wl = IOWorkLoop::workLoop(); IOWorkLoop *wl = IOWorkLoop_workLoop();
 * wl->addEventSource(src)                  IOWorkLoop_addEventSource(wl, src)
 * wl->runAction(fn, target, a0)            IOWorkLoop_runAction(wl, fn, target, a0, NULL, NULL, NULL)
 * wl->release()                            OSObject_release(wl)
 *
 * Freeing a loop stops its thread and removes (releases) its sources. The
 * last release may come from an action on the loop's own thread: the thread
 * then finishes the free as it exits.
 */
#ifndef __IOKIT_IOWORKLOOP_H
#define __IOKIT_IOWORKLOOP_H

#include <sys/cdefs.h>
#include <stdbool.h>
#include <libkern/c/OSObject.h>
#include <IOKit/IOReturn.h>
#include <IOKit/IOTypes.h>
#include <IOKit/IOLocks.h>
#include <IOKit/IOEventSource.h>

__BEGIN_DECLS

OSDeclareDefaultStructors(IOWorkLoop, OSObject);

typedef IOReturn (*IOWorkLoop_Action)(OSObject *target, void *arg0, void *arg1, void *arg2, void *arg3);

struct IOWorkLoop {
	OSObject super;
	IORecursiveLock *gateLock;
	IOSimpleLock *workToDoLock;
	thread_t workThread;
	IOEventSource *eventChain;        /* sources that do work (checkForWork); under the gate */
	IOEventSource *passiveEventChain; /* command gates; under the gate */
	volatile uint32_t workToDo;       /* a source signalled work; under workToDoLock */
	uint32_t fFlags;                  /* IOWL_* (IOWorkLoop.c); under workToDoLock */
	uint32_t threadSleeping;          /* the thread waits for workToDo; under workToDoLock */
};

/* A new work loop with its thread started (retained: the caller releases it). */
IOWorkLoop *IOWorkLoop_workLoop(void);
bool IOWorkLoop_init(IOWorkLoop *self);

/* Attach / detach a source (retained by the loop while attached). */
IOReturn IOWorkLoop_addEventSource(IOWorkLoop *self, IOEventSource *newEvent);
IOReturn IOWorkLoop_removeEventSource(IOWorkLoop *self, IOEventSource *toRemove);
#define IOWorkLoop_addEventSource(wl, s) IOWorkLoop_addEventSource(wl, IOEvtSrc_(s))
#define IOWorkLoop_removeEventSource(wl, s) IOWorkLoop_removeEventSource(wl, IOEvtSrc_(s))
void IOWorkLoop_enableAllEventSources(IOWorkLoop *self);
void IOWorkLoop_disableAllEventSources(IOWorkLoop *self);
/* Only the interrupt sources. */
void IOWorkLoop_enableAllInterrupts(IOWorkLoop *self);
void IOWorkLoop_disableAllInterrupts(IOWorkLoop *self);

/* action(target, arg0..3) on the caller's thread with the gate closed; its result. */
IOReturn IOWorkLoop_runAction(IOWorkLoop *self, IOWorkLoop_Action action, OSObject *target, void *arg0,
                              void *arg1, void *arg2, void *arg3);

void IOWorkLoop_closeGate(IOWorkLoop *self);
void IOWorkLoop_openGate(IOWorkLoop *self);
bool IOWorkLoop_tryCloseGate(IOWorkLoop *self);
/* Gate held: THREAD_AWAKENED / THREAD_TIMED_OUT / THREAD_INTERRUPTED; not held: kIOReturnNotPermitted. */
int IOWorkLoop_sleepGate(IOWorkLoop *self, void *event, UInt32 interuptibleType);
int IOWorkLoop_sleepGateDeadline(IOWorkLoop *self, void *event, AbsoluteTime deadline,
                                 UInt32 interuptibleType);
void IOWorkLoop_wakeupGate(IOWorkLoop *self, void *event, bool oneThread);

bool IOWorkLoop_inGate(IOWorkLoop *self);
bool IOWorkLoop_onThread(IOWorkLoop *self);
thread_t IOWorkLoop_getThread(IOWorkLoop *self);
/* Wake the thread to run the sources' checkForWork (callable from interrupt context). */
void IOWorkLoop_signalWorkAvailable(IOWorkLoop *self);

__END_DECLS

#endif /* __IOKIT_IOWORKLOOP_H */
