/*
 * IOFilterInterruptEventSource.c — an interrupt source whose filter, in
 * interrupt context, decides whether the interrupt reaches the work loop
 * (IOKit/IOFilterInterruptEventSource.h). It overrides the two primary
 * handlers of IOInterruptEventSource; the counting and the work-loop side
 * are its superclass's.
 */
#include <IOKit/IOFilterInterruptEventSource.h>
#include <IOKit/IOLib.h>

static void IOFilterInterruptEventSource_normalImpl(IOInterruptEventSource *es, void *refcon, IOService *nub,
                                                    int ind);
static void IOFilterInterruptEventSource_disableImpl(IOInterruptEventSource *es, void *refcon, IOService *nub,
                                                     int ind);

static const OSMethod IOFilterInterruptEventSource_methods[] = {
        OSMethodOverride(IOInterruptEventSource, normalInterruptOccurred,
                         IOFilterInterruptEventSource_normalImpl),
        OSMethodOverride(IOInterruptEventSource, disableInterruptOccurred,
                         IOFilterInterruptEventSource_disableImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOFilterInterruptEventSource, IOInterruptEventSource,
                              IOFilterInterruptEventSource_methods);

bool
IOFilterInterruptEventSource_init(IOFilterInterruptEventSource *self, OSObject *owner,
                                  IOInterruptEventSource_Action action,
                                  IOFilterInterruptEventSource_Filter filter, IOService *provider,
                                  int intIndex)
{
	if (filter == NULL) {
		return false;
	}
	if (!IOInterruptEventSource_init(&self->super, owner, action, provider, intIndex)) {
		return false;
	}
	self->filterAction = filter;
	return true;
}

IOFilterInterruptEventSource *
IOFilterInterruptEventSource_filterInterruptEventSource(OSObject *owner, IOInterruptEventSource_Action action,
                                                        IOFilterInterruptEventSource_Filter filter,
                                                        IOService *provider, int intIndex)
{
	IOFilterInterruptEventSource *me = OSTypeAlloc(IOFilterInterruptEventSource);

	if (me != NULL && !IOFilterInterruptEventSource_init(me, owner, action, filter, provider, intIndex)) {
		OSSafeReleaseNULL(me);
	}
	return me;
}

void
IOFilterInterruptEventSource_signalInterrupt(IOFilterInterruptEventSource *self)
{
	__atomic_add_fetch(&self->super.producerCount, 1, __ATOMIC_RELEASE);
	IOEventSource_signalWorkAvailable(&self->super.super);
}

IOFilterInterruptEventSource_Filter
IOFilterInterruptEventSource_getFilterAction(const IOFilterInterruptEventSource *self)
{
	return self->filterAction;
}

static void
IOFilterInterruptEventSource_normalImpl(IOInterruptEventSource *es, void *refcon, IOService *nub, int ind)
{
	IOFilterInterruptEventSource *self = (IOFilterInterruptEventSource *)es;

	if (self->filterAction(es->super.owner, self)) {
		IOFilterInterruptEventSource_signalInterrupt(self);
	}
}

static void
IOFilterInterruptEventSource_disableImpl(IOInterruptEventSource *es, void *refcon, IOService *nub, int ind)
{
	IOFilterInterruptEventSource *self = (IOFilterInterruptEventSource *)es;

	if (self->filterAction(es->super.owner, self)) {
		/* Level line: keep it masked until the action has serviced the device. */
		if (es->provider != NULL) {
			(void)IOService_disableInterrupt(es->provider, es->intIndex);
		}
		IOFilterInterruptEventSource_signalInterrupt(self);
	}
}
