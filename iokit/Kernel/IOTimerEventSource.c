/*
 * IOTimerEventSource.c — one-shot timers on a work loop
 * (IOKit/IOTimerEventSource.h), built on a thread call.
 *
 * Generations: every arm and every cancel bumps calloutGeneration and an
 * arm passes its generation to the thread call. The callout only records
 * the generation that fired (firedGeneration) and signals the loop; the
 * action runs from checkForWork, on the loop's thread with the gate closed,
 * and only if the recorded generation is still the current one. Since
 * cancel and re-arm bump the generation (with the gate held, normally),
 * a firing that was already on its way is discarded, whichever side of the
 * thread call it was on.
 *
 * The callout never takes the gate, so leaving the work loop can wait for a
 * running callout (thread_call_cancel_wait) without deadlock.
 */
#include <IOKit/IOTimerEventSource.h>
#include <IOKit/IOWorkLoop.h>
#include <IOKit/IOLib.h>
#include <kern/clock.h>

static void IOTimerEventSource_freeImpl(OSObject *obj);
static void IOTimerEventSource_setWorkLoopImpl(IOEventSource *es, IOWorkLoop *workLoop);
static void IOTimerEventSource_enableImpl(IOEventSource *es);
static void IOTimerEventSource_disableImpl(IOEventSource *es);
static bool IOTimerEventSource_checkForWorkImpl(IOEventSource *es);

static const OSMethod IOTimerEventSource_methods[] = {
        OSMethodOverride(OSObject, free, IOTimerEventSource_freeImpl),
        OSMethodOverride(IOEventSource, setWorkLoop, IOTimerEventSource_setWorkLoopImpl),
        OSMethodOverride(IOEventSource, enable, IOTimerEventSource_enableImpl),
        OSMethodOverride(IOEventSource, disable, IOTimerEventSource_disableImpl),
        OSMethodOverride(IOEventSource, checkForWork, IOTimerEventSource_checkForWorkImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOTimerEventSource, IOEventSource, IOTimerEventSource_methods);

static inline uint64_t
iotes_gen(IOTimerEventSource *self)
{
	return __atomic_load_n(&self->calloutGeneration, __ATOMIC_ACQUIRE);
}

static void
iotes_timeout(thread_call_param_t p0, thread_call_param_t p1)
{
	IOTimerEventSource *self = p0;
	uint64_t gen = (uint64_t)(uintptr_t)p1;

	if (gen != iotes_gen(self)) {
		return; /* cancelled or re-armed since */
	}
	__atomic_store_n(&self->firedGeneration, gen, __ATOMIC_RELEASE);
	IOEventSource_signalWorkAvailable(&self->super);
}

bool
IOTimerEventSource_init(IOTimerEventSource *self, OSObject *owner, IOTimerEventSource_Action action)
{
	if (!IOEventSource_init(self, owner, action)) {
		return false;
	}
	self->calloutEntry = thread_call_allocate(iotes_timeout, self);
	return self->calloutEntry != NULL;
}

IOTimerEventSource *
IOTimerEventSource_timerEventSource(OSObject *owner, IOTimerEventSource_Action action)
{
	IOTimerEventSource *me = OSTypeAlloc(IOTimerEventSource);

	if (me != NULL && !IOTimerEventSource_init(me, owner, action)) {
		OSSafeReleaseNULL(me);
	}
	return me;
}

static void
IOTimerEventSource_freeImpl(OSObject *obj)
{
	IOTimerEventSource *self = (IOTimerEventSource *)obj;

	if (self->calloutEntry != NULL) {
		(void)thread_call_cancel_wait(self->calloutEntry);
		(void)thread_call_free(self->calloutEntry);
		self->calloutEntry = NULL;
	}
	OSSuperCallAs(IOTimerEventSource, OSObject, free, obj);
}

static void
iotes_cancel(IOTimerEventSource *self)
{
	__atomic_add_fetch(&self->calloutGeneration, 1, __ATOMIC_ACQ_REL);
	if (self->calloutEntry != NULL) {
		(void)thread_call_cancel(self->calloutEntry);
	}
}

void
IOTimerEventSource_cancelTimeout(IOTimerEventSource *self)
{
	iotes_cancel(self);
	/* Timers may be armed and cancelled off the gate: abstime is accessed atomically. */
	__atomic_store_n(&self->abstime, 0, __ATOMIC_RELAXED);
}

IOReturn
IOTimerEventSource_wakeAtTimeAbsolute(IOTimerEventSource *self, AbsoluteTime abstime)
{
	uint64_t gen;

	if (self->super.action == NULL) {
		return kIOReturnNoResources;
	}
	__atomic_store_n(&self->abstime, abstime, __ATOMIC_RELAXED);
	if (IOEventSource_isEnabled(&self->super) && abstime != 0 &&
	    IOEventSource_getWorkLoop(&self->super) != NULL) {
		gen = __atomic_add_fetch(&self->calloutGeneration, 1, __ATOMIC_ACQ_REL);
		(void)thread_call_enter1_delayed(self->calloutEntry, (thread_call_param_t)(uintptr_t)gen,
		                                 abstime);
	}
	return kIOReturnSuccess;
}

IOReturn
IOTimerEventSource_wakeAtTime(IOTimerEventSource *self, UInt32 abstime, UInt32 scale_factor)
{
	uint64_t end;

	clock_interval_to_absolutetime_interval(abstime, scale_factor, &end);
	return IOTimerEventSource_wakeAtTimeAbsolute(self, end);
}

IOReturn
IOTimerEventSource_wakeAtTimeTicks(IOTimerEventSource *self, UInt32 ticks)
{
	return IOTimerEventSource_wakeAtTime(self, ticks, kTickScale);
}

IOReturn
IOTimerEventSource_wakeAtTimeMS(IOTimerEventSource *self, UInt32 ms)
{
	return IOTimerEventSource_wakeAtTime(self, ms, kMillisecondScale);
}

IOReturn
IOTimerEventSource_wakeAtTimeUS(IOTimerEventSource *self, UInt32 us)
{
	return IOTimerEventSource_wakeAtTime(self, us, kMicrosecondScale);
}

IOReturn
IOTimerEventSource_setTimeoutAbsolute(IOTimerEventSource *self, AbsoluteTime interval)
{
	uint64_t now = mach_absolute_time(), end;

	if (__builtin_add_overflow(now, interval, &end)) {
		return kIOReturnBadArgument;
	}
	return IOTimerEventSource_wakeAtTimeAbsolute(self, end);
}

IOReturn
IOTimerEventSource_setTimeout(IOTimerEventSource *self, UInt32 interval, UInt32 scale_factor)
{
	uint64_t end;

	clock_interval_to_deadline(interval, scale_factor, &end);
	return IOTimerEventSource_wakeAtTimeAbsolute(self, end);
}

IOReturn
IOTimerEventSource_setTimeoutTicks(IOTimerEventSource *self, UInt32 ticks)
{
	return IOTimerEventSource_setTimeout(self, ticks, kTickScale);
}

IOReturn
IOTimerEventSource_setTimeoutMS(IOTimerEventSource *self, UInt32 ms)
{
	return IOTimerEventSource_setTimeout(self, ms, kMillisecondScale);
}

IOReturn
IOTimerEventSource_setTimeoutUS(IOTimerEventSource *self, UInt32 us)
{
	return IOTimerEventSource_setTimeout(self, us, kMicrosecondScale);
}

static bool
IOTimerEventSource_checkForWorkImpl(IOEventSource *es)
{
	IOTimerEventSource *self = (IOTimerEventSource *)es;
	uint64_t fired = __atomic_exchange_n(&self->firedGeneration, 0, __ATOMIC_ACQ_REL);
	IOTimerEventSource_Action action = (IOTimerEventSource_Action)(void (*)(void))es->action;

	if (fired == 0 || fired != iotes_gen(self) || action == NULL) {
		return false; /* nothing fired, or a firing from before a cancel / re-arm */
	}
	__atomic_store_n(&self->abstime, 0, __ATOMIC_RELAXED);
	action(es->owner, self);
	return false;
}

static void
IOTimerEventSource_enableImpl(IOEventSource *es)
{
	IOTimerEventSource *self = (IOTimerEventSource *)es;

	OSSuperCall(IOTimerEventSource, enable, es);
	/* Re-arm what disable cancelled (XNU does the same). */
	uint64_t when = __atomic_load_n(&self->abstime, __ATOMIC_RELAXED);

	if (when != 0) {
		(void)IOTimerEventSource_wakeAtTimeAbsolute(self, when);
	}
}

static void
IOTimerEventSource_disableImpl(IOEventSource *es)
{
	iotes_cancel((IOTimerEventSource *)es);
	OSSuperCall(IOTimerEventSource, disable, es);
}

static void
IOTimerEventSource_setWorkLoopImpl(IOEventSource *es, IOWorkLoop *workLoop)
{
	IOTimerEventSource *self = (IOTimerEventSource *)es;

	if (workLoop == NULL) {
		IOTimerEventSource_cancelTimeout(self);
		/* A callout still running may signal the loop: let it finish first. */
		(void)thread_call_cancel_wait(self->calloutEntry);
	}
	OSSuperCall(IOTimerEventSource, setWorkLoop, es, workLoop);
}
