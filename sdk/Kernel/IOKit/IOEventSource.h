/*
 * IOKit/IOEventSource.h — IOEventSource, the abstract base of the objects a
 * work loop serves (interrupt sources, timers, command gates).
 *
 * A source is attached to one work loop (IOWorkLoop_addEventSource). When it
 * has work it calls IOEventSource_signalWorkAvailable; the loop's thread then
 * closes the gate and calls every enabled source's checkForWork until none
 * reports more work. checkForWork runs on the work-loop thread with the gate
 * closed and returns true if it wants to be called again at once. The
 * action's signature is each subclass's own; `owner` is its first argument.
 *
 * C++ (XNU)                          C (kexthost)
 * src->enable()                      IOEventSource_enable(src)
 * src->getWorkLoop()                 IOEventSource_getWorkLoop(src)
 * virtual bool checkForWork()        OSMethodOverride(IOEventSource, checkForWork, fn)
 */
#ifndef __IOKIT_IOEVENTSOURCE_H
#define __IOKIT_IOEVENTSOURCE_H

#include <sys/cdefs.h>
#include <stdbool.h>
#include <libkern/c/OSObject.h>
#include <IOKit/IOReturn.h>
#include <IOKit/IOTypes.h>
#include <IOKit/IOLib.h>

__BEGIN_DECLS

typedef struct IOWorkLoop IOWorkLoop;

OSDeclareAbstractStructorsWithVtbl(IOEventSource, OSObject);

/* Generic action; each subclass casts to its own type. */
typedef void (*IOEventSource_Action)(OSObject *owner, ...);

struct IOEventSource {
	OSObject super;
	IOEventSource *eventChainNext; /* the work loop's chain; under its gate */
	OSObject *owner;               /* not retained (it usually owns the source) */
	IOEventSource_Action action;
	bool enabled;
	IOWorkLoop *workLoop; /* not retained: the loop retains its sources */
};

struct IOEventSource_vtbl {
	OSObject_vtbl super;
	/* On the work-loop thread, gate closed; true: call again. */
	bool (*checkForWork)(IOEventSource *self);
	/* Called by the loop when the source is added (loop) or removed (NULL). */
	void (*setWorkLoop)(IOEventSource *self, IOWorkLoop *workLoop);
	void (*enable)(IOEventSource *self);
	void (*disable)(IOEventSource *self);
	void (*setAction)(IOEventSource *self, IOEventSource_Action action);
};

#define IOEvtSrc_(s) ((IOEventSource *)OSObj(s))

static inline bool
IOEventSource_checkForWork(IOEventSource *self)
{
	return OSVtbl(IOEventSource, self)->checkForWork(self);
}
#define IOEventSource_checkForWork(s) IOEventSource_checkForWork(IOEvtSrc_(s))

static inline void
IOEventSource_setWorkLoop(IOEventSource *self, IOWorkLoop *workLoop)
{
	OSVtbl(IOEventSource, self)->setWorkLoop(self, workLoop);
}
#define IOEventSource_setWorkLoop(s, wl) IOEventSource_setWorkLoop(IOEvtSrc_(s), wl)

static inline void
IOEventSource_enable(IOEventSource *self)
{
	OSVtbl(IOEventSource, self)->enable(self);
}
#define IOEventSource_enable(s) IOEventSource_enable(IOEvtSrc_(s))

static inline void
IOEventSource_disable(IOEventSource *self)
{
	OSVtbl(IOEventSource, self)->disable(self);
}
#define IOEventSource_disable(s) IOEventSource_disable(IOEvtSrc_(s))

static inline void
IOEventSource_setAction(IOEventSource *self, IOEventSource_Action action)
{
	OSVtbl(IOEventSource, self)->setAction(self, action);
}
#define IOEventSource_setAction(s, a) \
	IOEventSource_setAction(IOEvtSrc_(s), (IOEventSource_Action)(void (*)(void))(a))

/* Initialise: owner, action, enabled = true, no work loop. */
bool IOEventSource_init(IOEventSource *self, OSObject *owner, IOEventSource_Action action);
#define IOEventSource_init(s, o, a) \
	IOEventSource_init(IOEvtSrc_(s), (o), (IOEventSource_Action)(void (*)(void))(a))

IOEventSource_Action IOEventSource_getAction(const IOEventSource *self);
bool IOEventSource_isEnabled(const IOEventSource *self);
IOWorkLoop *IOEventSource_getWorkLoop(const IOEventSource *self);
/* True on the work loop's thread. */
bool IOEventSource_onThread(const IOEventSource *self);
void IOEventSource_setNext(IOEventSource *self, IOEventSource *next);
IOEventSource *IOEventSource_getNext(const IOEventSource *self);

/* Wake the work loop (does nothing without one). Callable from interrupt context. */
void IOEventSource_signalWorkAvailable(IOEventSource *self);
/* The work loop's gate (see IOWorkLoop.h); without a work loop they do nothing / fail. */
void IOEventSource_closeGate(IOEventSource *self);
void IOEventSource_openGate(IOEventSource *self);
bool IOEventSource_tryCloseGate(IOEventSource *self);
int IOEventSource_sleepGate(IOEventSource *self, void *event, UInt32 type);
int IOEventSource_sleepGateDeadline(IOEventSource *self, void *event, AbsoluteTime deadline, UInt32 type);
void IOEventSource_wakeupGate(IOEventSource *self, void *event, bool oneThread);

/* Accept any event-source subclass pointer, like the OS* classes' wrappers. */
#define IOEventSource_getAction(s) IOEventSource_getAction(IOEvtSrc_(s))
#define IOEventSource_isEnabled(s) IOEventSource_isEnabled(IOEvtSrc_(s))
#define IOEventSource_getWorkLoop(s) IOEventSource_getWorkLoop(IOEvtSrc_(s))
#define IOEventSource_onThread(s) IOEventSource_onThread(IOEvtSrc_(s))
#define IOEventSource_setNext(s, n) IOEventSource_setNext(IOEvtSrc_(s), (n))
#define IOEventSource_getNext(s) IOEventSource_getNext(IOEvtSrc_(s))
#define IOEventSource_signalWorkAvailable(s) IOEventSource_signalWorkAvailable(IOEvtSrc_(s))
#define IOEventSource_closeGate(s) IOEventSource_closeGate(IOEvtSrc_(s))
#define IOEventSource_openGate(s) IOEventSource_openGate(IOEvtSrc_(s))
#define IOEventSource_tryCloseGate(s) IOEventSource_tryCloseGate(IOEvtSrc_(s))
#define IOEventSource_sleepGate(s, e, t) IOEventSource_sleepGate(IOEvtSrc_(s), (e), (t))
#define IOEventSource_sleepGateDeadline(s, e, d, t) \
	IOEventSource_sleepGateDeadline(IOEvtSrc_(s), (e), (d), (t))
#define IOEventSource_wakeupGate(s, e, o) IOEventSource_wakeupGate(IOEvtSrc_(s), (e), (o))

__END_DECLS

#endif /* __IOKIT_IOEVENTSOURCE_H */
