/*
 * IOKit/IOFilterInterruptEventSource.h — an interrupt source with a filter
 * that runs in interrupt context: it looks at the device and returns true
 * when the interrupt needs the work loop (the action then runs there with
 * the count of accepted interrupts), false to drop it. The filter must not
 * block. A filter may also call signalInterrupt itself.
 *
 * C++ (XNU)                                         C (kexthost)
 * IOFilterInterruptEventSource::filterInterruptEventSource(this, action, filter, provider, 0)
 *                                     IOFilterInterruptEventSource_filterInterruptEventSource(OSObj(self),
 *                                         action, filter, provider, 0)
 */
#ifndef __IOKIT_IOFILTERINTERRUPTEVENTSOURCE_H
#define __IOKIT_IOFILTERINTERRUPTEVENTSOURCE_H

#include <IOKit/IOInterruptEventSource.h>

__BEGIN_DECLS

OSDeclareDefaultStructors(IOFilterInterruptEventSource, IOInterruptEventSource);

typedef bool (*IOFilterInterruptEventSource_Filter)(OSObject *owner, IOFilterInterruptEventSource *sender);

struct IOFilterInterruptEventSource {
	IOInterruptEventSource super;
	IOFilterInterruptEventSource_Filter filterAction;
};

IOFilterInterruptEventSource *
IOFilterInterruptEventSource_filterInterruptEventSource(OSObject *owner, IOInterruptEventSource_Action action,
                                                        IOFilterInterruptEventSource_Filter filter,
                                                        IOService *provider, int intIndex);
bool IOFilterInterruptEventSource_init(IOFilterInterruptEventSource *self, OSObject *owner,
                                       IOInterruptEventSource_Action action,
                                       IOFilterInterruptEventSource_Filter filter, IOService *provider,
                                       int intIndex);

/* Count one interrupt and wake the work loop (from the filter or elsewhere). */
void IOFilterInterruptEventSource_signalInterrupt(IOFilterInterruptEventSource *self);
IOFilterInterruptEventSource_Filter
IOFilterInterruptEventSource_getFilterAction(const IOFilterInterruptEventSource *self);

__END_DECLS

#endif /* __IOKIT_IOFILTERINTERRUPTEVENTSOURCE_H */
