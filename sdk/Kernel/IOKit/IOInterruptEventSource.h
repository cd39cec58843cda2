/*
 * IOKit/IOInterruptEventSource.h — IOInterruptEventSource: turns a nub's
 * interrupt into work on a work loop.
 *
 * The primary handler runs in interrupt context and only counts the
 * interrupt (producerCount) and signals the loop; checkForWork, on the loop's
 * thread, calls action(owner, sender, count) with the number of interrupts
 * since the previous call. A level-triggered line is disabled by the primary
 * handler (autoDisable) and re-enabled after the action, unless the driver
 * disabled the source. The line is registered when the source joins a work
 * loop and unregistered when it leaves; IOEventSource_enable enables the
 * line. A source with no provider is a software interrupt: trigger it with
 * IOInterruptEventSource_interruptOccurred(src, NULL, NULL, 0).
 *
 * C++ (XNU)                                   C (kexthost)
 * IOInterruptEventSource::interruptEventSource(this,
 *     OSMemberFunctionCast(Action, this, &My::handle), provider, 0)
 *                                             IOInterruptEventSource_interruptEventSource(OSObj(self),
 *                                                 My_handle, provider, 0)
 */
#ifndef __IOKIT_IOINTERRUPTEVENTSOURCE_H
#define __IOKIT_IOINTERRUPTEVENTSOURCE_H

#include <IOKit/IOEventSource.h>
#include <IOKit/IOInterrupts.h>

__BEGIN_DECLS

OSDeclareDefaultStructorsWithVtbl(IOInterruptEventSource, IOEventSource);

typedef void (*IOInterruptEventSource_Action)(OSObject *owner, IOInterruptEventSource *sender, int count);

struct IOInterruptEventSource {
	IOEventSource super;
	IOService *provider; /* not retained (XNU neither: the provider outlives its driver) */
	int intIndex;
	volatile UInt32 producerCount; /* interrupts taken; written in interrupt context */
	UInt32 consumerCount;          /* interrupts handed to the action; on the loop's thread */
	bool autoDisable;              /* level line: disabled until the action ran */
	bool explicitDisable;          /* the driver disabled the source */
	bool registered;               /* the handler is registered with the provider */
	bool lineWanted; /* enable() was called (and no disable since): enable the line on registration */
};

/* The primary handlers are virtual: a subclass (the filter source) overrides them. */
struct IOInterruptEventSource_vtbl {
	IOEventSource_vtbl super;
	void (*normalInterruptOccurred)(IOInterruptEventSource *self, void *refcon, IOService *nub, int ind);
	void (*disableInterruptOccurred)(IOInterruptEventSource *self, void *refcon, IOService *nub, int ind);
};

IOInterruptEventSource *IOInterruptEventSource_interruptEventSource(OSObject *owner,
                                                                    IOInterruptEventSource_Action action,
                                                                    IOService *provider, int intIndex);
bool IOInterruptEventSource_init(IOInterruptEventSource *self, OSObject *owner,
                                 IOInterruptEventSource_Action action, IOService *provider, int intIndex);

IOService *IOInterruptEventSource_getProvider(const IOInterruptEventSource *self);
int IOInterruptEventSource_getIntIndex(const IOInterruptEventSource *self);
bool IOInterruptEventSource_getAutoDisable(const IOInterruptEventSource *self);

/*
 * Primary handlers (interrupt context): normal counts and signals (edge
 * lines), disable also disables the line first (level lines);
 * interruptOccurred picks by autoDisable (the software trigger).
 */
void IOInterruptEventSource_interruptOccurred(IOInterruptEventSource *self, void *refcon, IOService *nub,
                                              int ind);

static inline void
IOInterruptEventSource_normalInterruptOccurred(IOInterruptEventSource *self, void *refcon, IOService *nub,
                                               int ind)
{
	OSVtbl(IOInterruptEventSource, self)->normalInterruptOccurred(self, refcon, nub, ind);
}

static inline void
IOInterruptEventSource_disableInterruptOccurred(IOInterruptEventSource *self, void *refcon, IOService *nub,
                                                int ind)
{
	OSVtbl(IOInterruptEventSource, self)->disableInterruptOccurred(self, refcon, nub, ind);
}

__END_DECLS

#endif /* __IOKIT_IOINTERRUPTEVENTSOURCE_H */
