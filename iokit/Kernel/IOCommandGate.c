/*
 * IOCommandGate.c — run actions single-threaded against a work loop
 * (IOKit/IOCommandGate.h).
 *
 * A caller of runAction that finds the gate disabled sleeps on &enabled with
 * the work loop's gate released, counted in `sleepers`. Removing the gate
 * from its loop wakes them with THREAD_INTERRUPTED and waits for all of them
 * to leave (they return kIOReturnAborted) before the loop lets it go, so no
 * caller is left asleep on a gate that belongs to nobody.
 */
#include <IOKit/IOCommandGate.h>
#include <IOKit/IOLib.h>
#include <kern/debug.h>
#include "bsd/kern/kdebug_internal.h"
#include <kern/sched_prim.h>

static void IOCommandGate_setWorkLoopImpl(IOEventSource *es, IOWorkLoop *workLoop);
static void IOCommandGate_enableImpl(IOEventSource *es);
static void IOCommandGate_disableImpl(IOEventSource *es);

static const OSMethod IOCommandGate_methods[] = {
        OSMethodOverride(IOEventSource, setWorkLoop, IOCommandGate_setWorkLoopImpl),
        OSMethodOverride(IOEventSource, enable, IOCommandGate_enableImpl),
        OSMethodOverride(IOEventSource, disable, IOCommandGate_disableImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOCommandGate, IOEventSource, IOCommandGate_methods);

bool
IOCommandGate_init(IOCommandGate *self, OSObject *owner, IOCommandGate_Action action)
{
	return IOEventSource_init(self, owner, action);
}

IOCommandGate *
IOCommandGate_commandGate(OSObject *owner, IOCommandGate_Action action)
{
	IOCommandGate *me = OSTypeAlloc(IOCommandGate);

	if (me != NULL && !IOCommandGate_init(me, owner, action)) {
		OSSafeReleaseNULL(me);
	}
	return me;
}

static void
IOCommandGate_setWorkLoopImpl(IOEventSource *es, IOWorkLoop *workLoop)
{
	IOCommandGate *self = (IOCommandGate *)es;
	IOWorkLoop *wl = IOEventSource_getWorkLoop(es);

	if (workLoop == NULL && wl != NULL) {
		IOWorkLoop_closeGate(wl);
		self->freeing = true;
		while (self->sleepers != 0) {
			thread_wakeup_prim((event_t)&es->enabled, FALSE, THREAD_INTERRUPTED);
			(void)IOWorkLoop_sleepGate(wl, &self->sleepers, THREAD_UNINT);
		}
		IOWorkLoop_openGate(wl);
	} else if (workLoop != NULL) {
		self->freeing = false;
	}
	OSSuperCall(IOCommandGate, setWorkLoop, es, workLoop);
}

static void
IOCommandGate_enableImpl(IOEventSource *es)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(es);

	if (wl == NULL) {
		__atomic_store_n(&es->enabled, true, __ATOMIC_RELAXED);
		return;
	}
	IOWorkLoop_closeGate(wl);
	__atomic_store_n(&es->enabled, true, __ATOMIC_RELAXED);
	IOWorkLoop_wakeupGate(wl, &es->enabled, false);
	IOWorkLoop_openGate(wl);
}

static void
IOCommandGate_disableImpl(IOEventSource *es)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(es);

	if (wl != NULL) {
		IOWorkLoop_closeGate(wl);
	}
	__atomic_store_n(&es->enabled, false, __ATOMIC_RELAXED);
	if (wl != NULL) {
		IOWorkLoop_openGate(wl);
	}
}

IOReturn
IOCommandGate_runAction(IOCommandGate *self, IOCommandGate_Action action, void *arg0, void *arg1, void *arg2,
                        void *arg3)
{
	IOEventSource *es = &self->super;
	IOWorkLoop *wl;
	IOReturn res;
	int wr;

	if (action == NULL) {
		return kIOReturnBadArgument;
	}
	wl = IOEventSource_getWorkLoop(es);
	if (wl == NULL) {
		return kIOReturnNotReady; /* not on a work loop: there is no gate to close */
	}
	IOWorkLoop_closeGate(wl);
	/* The work loop's own thread never stalls on a disabled gate. */
	if (!IOWorkLoop_onThread(wl)) {
		while (!IOEventSource_isEnabled(es)) {
			if (self->freeing) {
				res = kIOReturnAborted;
				goto out;
			}
			self->sleepers++;
			wr = IOWorkLoop_sleepGate(wl, &es->enabled, THREAD_ABORTSAFE);
			if (--self->sleepers == 0 && self->freeing) {
				IOWorkLoop_wakeupGate(wl, &self->sleepers, false);
			}
			if (wr == THREAD_INTERRUPTED || self->freeing) {
				res = kIOReturnAborted;
				goto out;
			}
		}
	}
	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOCMDQ, IOCMDQ_ACTION) | DBG_FUNC_START, es->owner, action, 0,
	                      0, 0);
	res = action(es->owner, arg0, arg1, arg2, arg3);
	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOCMDQ, IOCMDQ_ACTION) | DBG_FUNC_END, res, 0, 0, 0, 0);
out:
	IOWorkLoop_openGate(wl);
	return res;
}

IOReturn
IOCommandGate_runCommand(IOCommandGate *self, void *arg0, void *arg1, void *arg2, void *arg3)
{
	return IOCommandGate_runAction(self, (IOCommandGate_Action)(void (*)(void))self->super.action, arg0,
	                               arg1, arg2, arg3);
}

IOReturn
IOCommandGate_attemptAction(IOCommandGate *self, IOCommandGate_Action action, void *arg0, void *arg1,
                            void *arg2, void *arg3)
{
	IOEventSource *es = &self->super;
	IOWorkLoop *wl;
	IOReturn res;

	if (action == NULL) {
		return kIOReturnBadArgument;
	}
	wl = IOEventSource_getWorkLoop(es);
	if (wl == NULL) {
		return kIOReturnNotReady;
	}
	if (!IOWorkLoop_tryCloseGate(wl)) {
		return kIOReturnCannotLock;
	}
	if (!IOWorkLoop_onThread(wl) && !IOEventSource_isEnabled(es)) {
		res = kIOReturnNotPermitted;
	} else {
		KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOCMDQ, IOCMDQ_ACTION) | DBG_FUNC_START, es->owner,
		                      action, 0, 0, 0);
		res = action(es->owner, arg0, arg1, arg2, arg3);
		KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOCMDQ, IOCMDQ_ACTION) | DBG_FUNC_END, res, 0, 0, 0, 0);
	}
	IOWorkLoop_openGate(wl);
	return res;
}

IOReturn
IOCommandGate_attemptCommand(IOCommandGate *self, void *arg0, void *arg1, void *arg2, void *arg3)
{
	return IOCommandGate_attemptAction(self, (IOCommandGate_Action)(void (*)(void))self->super.action,
	                                   arg0, arg1, arg2, arg3);
}

static IOWorkLoop *
iocg_gated_loop(IOCommandGate *self)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(&self->super);

	/* Sleeping without holding the gate is like msleep without the mutex: a bug. */
	if (wl == NULL || !IOWorkLoop_inGate(wl)) {
		panic("invalid commandSleep while not holding the gate");
	}
	return wl;
}

IOReturn
IOCommandGate_commandSleep(IOCommandGate *self, void *event, UInt32 interruptible)
{
	return IOWorkLoop_sleepGate(iocg_gated_loop(self), event, interruptible);
}

IOReturn
IOCommandGate_commandSleepDeadline(IOCommandGate *self, void *event, AbsoluteTime deadline,
                                   UInt32 interruptible)
{
	return IOWorkLoop_sleepGateDeadline(iocg_gated_loop(self), event, deadline, interruptible);
}

void
IOCommandGate_commandWakeup(IOCommandGate *self, void *event, bool oneThread)
{
	IOEventSource_wakeupGate(&self->super, event, oneThread);
}
