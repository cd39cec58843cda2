/*
 * IOKit/IOTimerEventSource.h — a one-shot timer whose action runs on the
 * work loop's thread with the gate closed (XNU runs it with the gate closed
 * too; on kexthost always on the loop's thread, as XNU's
 * kIOTimerEventSourceOptionsPriorityWorkLoop).
 *
 * Each setTimeout/wakeAtTime replaces the pending one. Every arm and every
 * cancelTimeout starts a new generation; a firing of an older generation
 * that is already on its way to the work loop is discarded, so after
 * cancelTimeout (with the gate held) the action will not run for that arm.
 * The timer only arms while it is enabled and on a work loop; disable
 * cancels it. Intervals are relative to now; wakeAtTime takes an absolute
 * time.
 *
 * C++ (XNU)                                       C (kexthost)
 * t = IOTimerEventSource::timerEventSource(this,  t = IOTimerEventSource_timerEventSource(OSObj(self),
 *         OSMemberFunctionCast(...));                     My_timeout);
 * wl->addEventSource(t); t->setTimeoutMS(10);     IOWorkLoop_addEventSource(wl, t);
 *                                                 IOTimerEventSource_setTimeoutMS(t, 10);
 */
#ifndef __IOKIT_IOTIMEREVENTSOURCE_H
#define __IOKIT_IOTIMEREVENTSOURCE_H

#include <kern/thread_call.h>
#include <IOKit/IOEventSource.h>

__BEGIN_DECLS

OSDeclareDefaultStructors(IOTimerEventSource, IOEventSource);

typedef void (*IOTimerEventSource_Action)(OSObject *owner, IOTimerEventSource *sender);

struct IOTimerEventSource {
	IOEventSource super;
	thread_call_t calloutEntry;
	AbsoluteTime abstime;       /* deadline of the last arm */
	uint64_t calloutGeneration; /* bumped by every arm and cancel */
	uint64_t firedGeneration;   /* set by the callout: the generation that fired (0: none) */
};

IOTimerEventSource *IOTimerEventSource_timerEventSource(OSObject *owner, IOTimerEventSource_Action action);
bool IOTimerEventSource_init(IOTimerEventSource *self, OSObject *owner, IOTimerEventSource_Action action);

/* Relative timeouts. kIOReturnNoResources without an action, kIOReturnBadArgument on overflow. */
IOReturn IOTimerEventSource_setTimeoutTicks(IOTimerEventSource *self, UInt32 ticks);
IOReturn IOTimerEventSource_setTimeoutMS(IOTimerEventSource *self, UInt32 ms);
IOReturn IOTimerEventSource_setTimeoutUS(IOTimerEventSource *self, UInt32 us);
IOReturn IOTimerEventSource_setTimeout(IOTimerEventSource *self, UInt32 interval, UInt32 scale_factor);
/* interval in absolute-time units */
IOReturn IOTimerEventSource_setTimeoutAbsolute(IOTimerEventSource *self, AbsoluteTime interval);

/* Absolute deadlines (uptime scaled by scale_factor, or absolute-time units). */
IOReturn IOTimerEventSource_wakeAtTimeTicks(IOTimerEventSource *self, UInt32 ticks);
IOReturn IOTimerEventSource_wakeAtTimeMS(IOTimerEventSource *self, UInt32 ms);
IOReturn IOTimerEventSource_wakeAtTimeUS(IOTimerEventSource *self, UInt32 us);
IOReturn IOTimerEventSource_wakeAtTime(IOTimerEventSource *self, UInt32 abstime, UInt32 scale_factor);
IOReturn IOTimerEventSource_wakeAtTimeAbsolute(IOTimerEventSource *self, AbsoluteTime abstime);

/* Cancel the pending timeout; a firing in flight is discarded. */
void IOTimerEventSource_cancelTimeout(IOTimerEventSource *self);

__END_DECLS

#endif /* __IOKIT_IOTIMEREVENTSOURCE_H */
