/*
 * IOKit/IOCommandGate.h — IOCommandGate: run a function on the caller's
 * thread single-threaded against a work loop's event sources (the loop's gate
 * is closed around it). A passive source: the loop never polls it.
 *
 * A disabled gate makes runAction/runCommand sleep until it is enabled
 * again (or return kIOReturnAborted if the gate is freed or removed from its
 * loop meanwhile), except on the work loop's own thread, which never stalls.
 * attemptAction never sleeps: kIOReturnCannotLock if the gate is busy,
 * kIOReturnNotPermitted if disabled. commandSleep, with the gate held,
 * sleeps releasing the gate; commandWakeup wakes sleepers of an event.
 *
 * C++ (XNU)                                  C (kexthost)
 * gate = IOCommandGate::commandGate(this);   gate = IOCommandGate_commandGate(OSObj(self), NULL);
 * wl->addEventSource(gate);                  IOWorkLoop_addEventSource(wl, gate);
 * gate->runAction(fn, a0);                   IOCommandGate_runAction(gate, fn, a0, NULL, NULL, NULL);
 * gate->commandSleep(&flag);                 IOCommandGate_commandSleep(gate, &flag, THREAD_UNINT);
 */
#ifndef __IOKIT_IOCOMMANDGATE_H
#define __IOKIT_IOCOMMANDGATE_H

#include <IOKit/IOEventSource.h>
#include <IOKit/IOWorkLoop.h>

__BEGIN_DECLS

OSDeclareDefaultStructors(IOCommandGate, IOEventSource);

typedef IOReturn (*IOCommandGate_Action)(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3);

struct IOCommandGate {
	IOEventSource super;
	uint32_t sleepers; /* runAction callers waiting for enable; under the gate */
	bool freeing;      /* set when detached: sleeping callers give up */
};

IOCommandGate *IOCommandGate_commandGate(OSObject *owner, IOCommandGate_Action action);
bool IOCommandGate_init(IOCommandGate *self, OSObject *owner, IOCommandGate_Action action);

/* The gate's own action; kIOReturnBadArgument without one. */
IOReturn IOCommandGate_runCommand(IOCommandGate *self, void *arg0, void *arg1, void *arg2, void *arg3);
IOReturn IOCommandGate_runAction(IOCommandGate *self, IOCommandGate_Action action, void *arg0, void *arg1,
                                 void *arg2, void *arg3);
IOReturn IOCommandGate_attemptCommand(IOCommandGate *self, void *arg0, void *arg1, void *arg2, void *arg3);
IOReturn IOCommandGate_attemptAction(IOCommandGate *self, IOCommandGate_Action action, void *arg0, void *arg1,
                                     void *arg2, void *arg3);

/* Gate held (panics otherwise): THREAD_AWAKENED, THREAD_TIMED_OUT or THREAD_INTERRUPTED. */
IOReturn IOCommandGate_commandSleep(IOCommandGate *self, void *event, UInt32 interruptible);
IOReturn IOCommandGate_commandSleepDeadline(IOCommandGate *self, void *event, AbsoluteTime deadline,
                                            UInt32 interruptible);
void IOCommandGate_commandWakeup(IOCommandGate *self, void *event, bool oneThread);

__END_DECLS

#endif /* __IOKIT_IOCOMMANDGATE_H */
