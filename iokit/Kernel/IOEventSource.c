/*
 * IOEventSource.c — the abstract event source: owner, action, enabled flag,
 * the work loop it is attached to and its link in the loop's chain, and
 * thin wrappers over the loop's gate.
 *
 * workLoop is read without the gate by signalWorkAvailable (interrupt
 * context, timer callouts), so it is accessed atomically; subclasses make
 * sure their asynchronous callers are gone before it is cleared.
 */
#include <IOKit/IOEventSource.h>
#include <IOKit/IOWorkLoop.h>
#include <kern/debug.h>

static bool IOEventSource_checkForWorkImpl(IOEventSource *self);
static void IOEventSource_setWorkLoopImpl(IOEventSource *self, IOWorkLoop *workLoop);
static void IOEventSource_enableImpl(IOEventSource *self);
static void IOEventSource_disableImpl(IOEventSource *self);
static void IOEventSource_setActionImpl(IOEventSource *self, IOEventSource_Action action);

static const OSMethod IOEventSource_methods[] = {
        OSMethodOverride(IOEventSource, checkForWork, IOEventSource_checkForWorkImpl),
        OSMethodOverride(IOEventSource, setWorkLoop, IOEventSource_setWorkLoopImpl),
        OSMethodOverride(IOEventSource, enable, IOEventSource_enableImpl),
        OSMethodOverride(IOEventSource, disable, IOEventSource_disableImpl),
        OSMethodOverride(IOEventSource, setAction, IOEventSource_setActionImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndAbstractStructors(IOEventSource, OSObject, IOEventSource_methods);

#undef IOEventSource_init
#undef IOEventSource_getAction
#undef IOEventSource_isEnabled
#undef IOEventSource_getWorkLoop
#undef IOEventSource_onThread
#undef IOEventSource_setNext
#undef IOEventSource_getNext
#undef IOEventSource_signalWorkAvailable
#undef IOEventSource_closeGate
#undef IOEventSource_openGate
#undef IOEventSource_tryCloseGate
#undef IOEventSource_sleepGate
#undef IOEventSource_sleepGateDeadline
#undef IOEventSource_wakeupGate
bool
IOEventSource_init(IOEventSource *self, OSObject *owner, IOEventSource_Action action)
{
	if (!OSSuperCallAs(IOEventSource, OSObject, init, OSObj(self))) {
		return false;
	}
	self->owner = owner;
	self->action = action;
	self->enabled = true;
	self->eventChainNext = NULL;
	self->workLoop = NULL;
	return true;
}

static bool
IOEventSource_checkForWorkImpl(IOEventSource *self)
{
	return false;
}

static void
IOEventSource_setWorkLoopImpl(IOEventSource *self, IOWorkLoop *workLoop)
{
	if (workLoop == NULL) {
		IOEventSource_disable(self);
	}
	__atomic_store_n(&self->workLoop, workLoop, __ATOMIC_RELEASE);
}

static void
IOEventSource_enableImpl(IOEventSource *self)
{
	__atomic_store_n(&self->enabled, true, __ATOMIC_RELAXED);
	IOEventSource_signalWorkAvailable(self);
}

static void
IOEventSource_disableImpl(IOEventSource *self)
{
	__atomic_store_n(&self->enabled, false, __ATOMIC_RELAXED);
}

static void
IOEventSource_setActionImpl(IOEventSource *self, IOEventSource_Action action)
{
	self->action = action;
}

IOEventSource_Action
IOEventSource_getAction(const IOEventSource *self)
{
	return self->action;
}

bool
IOEventSource_isEnabled(const IOEventSource *self)
{
	return __atomic_load_n(&self->enabled, __ATOMIC_RELAXED);
}

IOWorkLoop *
IOEventSource_getWorkLoop(const IOEventSource *self)
{
	return __atomic_load_n(&self->workLoop, __ATOMIC_ACQUIRE);
}

bool
IOEventSource_onThread(const IOEventSource *self)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(self);

	return wl != NULL && IOWorkLoop_onThread(wl);
}

void
IOEventSource_setNext(IOEventSource *self, IOEventSource *next)
{
	self->eventChainNext = next;
}

IOEventSource *
IOEventSource_getNext(const IOEventSource *self)
{
	return self->eventChainNext;
}

void
IOEventSource_signalWorkAvailable(IOEventSource *self)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(self);

	if (wl != NULL) {
		IOWorkLoop_signalWorkAvailable(wl);
	}
}

void
IOEventSource_closeGate(IOEventSource *self)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(self);

	if (wl != NULL) {
		IOWorkLoop_closeGate(wl);
	}
}

void
IOEventSource_openGate(IOEventSource *self)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(self);

	if (wl != NULL) {
		IOWorkLoop_openGate(wl);
	}
}

bool
IOEventSource_tryCloseGate(IOEventSource *self)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(self);

	return wl != NULL && IOWorkLoop_tryCloseGate(wl);
}

int
IOEventSource_sleepGate(IOEventSource *self, void *event, UInt32 type)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(self);

	return wl != NULL ? IOWorkLoop_sleepGate(wl, event, type) : kIOReturnNotPermitted;
}

int
IOEventSource_sleepGateDeadline(IOEventSource *self, void *event, AbsoluteTime deadline, UInt32 type)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(self);

	return wl != NULL ? IOWorkLoop_sleepGateDeadline(wl, event, deadline, type) : kIOReturnNotPermitted;
}

void
IOEventSource_wakeupGate(IOEventSource *self, void *event, bool oneThread)
{
	IOWorkLoop *wl = IOEventSource_getWorkLoop(self);

	if (wl != NULL) {
		IOWorkLoop_wakeupGate(wl, event, oneThread);
	}
}
