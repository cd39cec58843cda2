/*
 * IOInterruptEventSource.c — interrupts to work-loop actions
 * (IOKit/IOInterruptEventSource.h).
 *
 * producerCount is bumped in interrupt context, consumerCount on the work
 * loop's thread; their difference is the number of interrupts the action has
 * not seen yet, which makes many interrupts between two runs of the loop
 * one call with their count. The handler is registered while the source is
 * on a work loop, so an interrupt always has a loop to signal.
 */
#include <IOKit/IOInterruptEventSource.h>
#include <IOKit/IOWorkLoop.h>
#include <IOKit/IOLib.h>
#include "bsd/kern/kdebug_internal.h"

static void IOInterruptEventSource_setWorkLoopImpl(IOEventSource *es, IOWorkLoop *workLoop);
static void IOInterruptEventSource_enableImpl(IOEventSource *es);
static void IOInterruptEventSource_disableImpl(IOEventSource *es);
static bool IOInterruptEventSource_checkForWorkImpl(IOEventSource *es);
static void IOInterruptEventSource_normalImpl(IOInterruptEventSource *self, void *refcon, IOService *nub,
                                              int ind);
static void IOInterruptEventSource_disableOccurredImpl(IOInterruptEventSource *self, void *refcon,
                                                       IOService *nub, int ind);

static const OSMethod IOInterruptEventSource_methods[] = {
        OSMethodOverride(IOEventSource, setWorkLoop, IOInterruptEventSource_setWorkLoopImpl),
        OSMethodOverride(IOEventSource, enable, IOInterruptEventSource_enableImpl),
        OSMethodOverride(IOEventSource, disable, IOInterruptEventSource_disableImpl),
        OSMethodOverride(IOEventSource, checkForWork, IOInterruptEventSource_checkForWorkImpl),
        OSMethodOverride(IOInterruptEventSource, normalInterruptOccurred, IOInterruptEventSource_normalImpl),
        OSMethodOverride(IOInterruptEventSource, disableInterruptOccurred,
                         IOInterruptEventSource_disableOccurredImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOInterruptEventSource, IOEventSource, IOInterruptEventSource_methods);

bool
IOInterruptEventSource_init(IOInterruptEventSource *self, OSObject *owner,
                            IOInterruptEventSource_Action action, IOService *provider, int intIndex)
{
	int type = kIOInterruptTypeEdge;

	if (!IOEventSource_init(self, owner, action)) {
		return false;
	}
	if (intIndex < 0) {
		return false;
	}
	if (provider != NULL && IOService_getInterruptType(provider, intIndex, &type) != kIOReturnSuccess) {
		return false;
	}
	self->provider = provider;
	self->intIndex = intIndex;
	self->producerCount = 0;
	self->consumerCount = 0;
	self->autoDisable = provider != NULL && (type & kIOInterruptTypeLevel) != 0;
	self->explicitDisable = false;
	self->registered = false;
	self->lineWanted = false;
	return true;
}

IOInterruptEventSource *
IOInterruptEventSource_interruptEventSource(OSObject *owner, IOInterruptEventSource_Action action,
                                            IOService *provider, int intIndex)
{
	IOInterruptEventSource *me = OSTypeAlloc(IOInterruptEventSource);

	if (me != NULL && !IOInterruptEventSource_init(me, owner, action, provider, intIndex)) {
		OSSafeReleaseNULL(me);
	}
	return me;
}

/* The primary handlers the controller calls: dispatch to the (virtual) methods. */
static void
ioies_normal_trampoline(OSObject *target, void *refCon, IOService *nub, int source)
{
	IOInterruptEventSource_normalInterruptOccurred((IOInterruptEventSource *)target, refCon, nub, source);
}

static void
ioies_disable_trampoline(OSObject *target, void *refCon, IOService *nub, int source)
{
	IOInterruptEventSource_disableInterruptOccurred((IOInterruptEventSource *)target, refCon, nub,
	                                                source);
}

static void
IOInterruptEventSource_setWorkLoopImpl(IOEventSource *es, IOWorkLoop *workLoop)
{
	IOInterruptEventSource *self = (IOInterruptEventSource *)es;
	IOReturn ret;

	if (workLoop != NULL) {
		OSSuperCall(IOInterruptEventSource, setWorkLoop, es, workLoop);
		if (self->provider != NULL && !self->registered) {
			ret = IOService_registerInterrupt(
			        self->provider, self->intIndex, OSObj(self),
			        self->autoDisable ? ioies_disable_trampoline : ioies_normal_trampoline, NULL);
			if (ret != kIOReturnSuccess) {
				IOLog("IOInterruptEventSource: cannot register interrupt %d of %p: 0x%x\n",
				      self->intIndex, self->provider, ret);
				return;
			}
			self->registered = true;
			if (self->lineWanted) {
				(void)IOService_enableInterrupt(self->provider, self->intIndex);
			}
		}
		return;
	}
	/* Leaving: no handler may run (and signal the loop) once we return. */
	if (self->registered) {
		(void)IOService_unregisterInterrupt(self->provider, self->intIndex);
		self->registered = false;
	}
	OSSuperCall(IOInterruptEventSource, setWorkLoop, es, NULL);
}

static void
IOInterruptEventSource_enableImpl(IOEventSource *es)
{
	IOInterruptEventSource *self = (IOInterruptEventSource *)es;

	self->explicitDisable = false;
	self->lineWanted = true;
	__atomic_store_n(&es->enabled, true, __ATOMIC_RELAXED);
	if (self->provider != NULL && self->registered) {
		(void)IOService_enableInterrupt(self->provider, self->intIndex);
	}
	/* Interrupts counted while disabled are handed over now. */
	IOEventSource_signalWorkAvailable(es);
}

static void
IOInterruptEventSource_disableImpl(IOEventSource *es)
{
	IOInterruptEventSource *self = (IOInterruptEventSource *)es;

	self->explicitDisable = true;
	self->lineWanted = false;
	if (self->provider != NULL && self->registered) {
		(void)IOService_disableInterrupt(self->provider, self->intIndex);
	}
	__atomic_store_n(&es->enabled, false, __ATOMIC_RELAXED);
}

static bool
IOInterruptEventSource_checkForWorkImpl(IOEventSource *es)
{
	IOInterruptEventSource *self = (IOInterruptEventSource *)es;
	UInt32 produced = __atomic_load_n(&self->producerCount, __ATOMIC_ACQUIRE);
	UInt32 n = produced - self->consumerCount; /* modular: correct across wrap-around */
	IOInterruptEventSource_Action action = (IOInterruptEventSource_Action)(void (*)(void))es->action;

	if (n == 0) {
		return false;
	}
	self->consumerCount = produced;
	if (action != NULL) {
		KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOINTES, IOINTES_ACTION) | DBG_FUNC_START, es->owner, n,
		                      0, 0, 0);
		action(es->owner, self, (int)n);
		KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOINTES, IOINTES_ACTION) | DBG_FUNC_END, 0, 0, 0, 0, 0);
	}
	if (self->autoDisable && !self->explicitDisable && self->registered) {
		(void)IOService_enableInterrupt(self->provider, self->intIndex);
	}
	return false;
}

static void
IOInterruptEventSource_normalImpl(IOInterruptEventSource *self, void *refcon, IOService *nub, int ind)
{
	__atomic_add_fetch(&self->producerCount, 1, __ATOMIC_RELEASE);
	IOEventSource_signalWorkAvailable(&self->super);
}

static void
IOInterruptEventSource_disableOccurredImpl(IOInterruptEventSource *self, void *refcon, IOService *nub,
                                           int ind)
{
	/* A level line stays asserted until the device is serviced: mask it until the action ran. */
	if (self->provider != NULL) {
		(void)IOService_disableInterrupt(self->provider, self->intIndex);
	}
	__atomic_add_fetch(&self->producerCount, 1, __ATOMIC_RELEASE);
	IOEventSource_signalWorkAvailable(&self->super);
}

void
IOInterruptEventSource_interruptOccurred(IOInterruptEventSource *self, void *refcon, IOService *nub, int ind)
{
	if (self->autoDisable && self->provider != NULL) {
		IOInterruptEventSource_disableInterruptOccurred(self, refcon, nub, ind);
	} else {
		IOInterruptEventSource_normalInterruptOccurred(self, refcon, nub, ind);
	}
}

IOService *
IOInterruptEventSource_getProvider(const IOInterruptEventSource *self)
{
	return self->provider;
}

int
IOInterruptEventSource_getIntIndex(const IOInterruptEventSource *self)
{
	return self->intIndex;
}

bool
IOInterruptEventSource_getAutoDisable(const IOInterruptEventSource *self)
{
	return self->autoDisable;
}
