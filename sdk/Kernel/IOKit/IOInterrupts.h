/*
 * IOKit/IOInterrupts.h — kexthost's virtual interrupts.
 *
 * On a Mac a nub (an IOService describing a device) owns interrupt sources,
 * indexed from 0, and a driver registers a handler on one with
 * IOService::registerInterrupt. kexthost keeps that interface as plain
 * functions keyed by the nub pointer (IOService_registerInterrupt(nub, ...))
 * and adds the device side: a virtual bus, a test or a tool declares a nub's
 * lines with IOInterrupts_setSourceCount and raises one with
 * IOService_causeInterrupt, as a device would assert its interrupt pin.
 *
 * Delivery: handlers run on one dedicated kernel thread, the "interrupt
 * thread" (the CPU taking the interrupt), never on the thread that raised
 * it. A handler must not block: no IOLockLock, IOSleep, commandSleep; the
 * blocking I/O Kit calls panic in interrupt context. A line starts disabled
 * when a handler is registered; raising a disabled line leaves it pending,
 * and enabling delivers it. An edge line counts every raise (n raises, n
 * handler calls); a level line is asserted or not (n raises before the
 * handler ran, one call). disableInterrupt and unregisterInterrupt wait for
 * a handler running on that line to return (unless called from it).
 */
#ifndef __IOKIT_IOINTERRUPTS_H
#define __IOKIT_IOINTERRUPTS_H

#include <sys/cdefs.h>
#include <stdbool.h>
#include <libkern/c/OSObject.h>
#include <IOKit/IOReturn.h>
#include <IOKit/IOTypes.h>

__BEGIN_DECLS

typedef struct IOService IOService;

typedef void (*IOInterruptAction)(OSObject *target, void *refCon, IOService *nub, int source);

/* Interrupt types (IOService::getInterruptType). */
#define kIOInterruptTypeEdge 0
#define kIOInterruptTypeLevel 1
#define kIOInterruptTypePCIMessaged 0x00010000

/* ---- the driver side (IOService methods in XNU) ---- */

/* kIOReturnNoInterrupt: no such source; kIOReturnNoResources: a handler is already registered. */
IOReturn IOService_registerInterrupt(IOService *nub, int source, OSObject *target, IOInterruptAction handler,
                                     void *refCon);
IOReturn IOService_unregisterInterrupt(IOService *nub, int source);
IOReturn IOService_getInterruptType(IOService *nub, int source, int *interruptType);
IOReturn IOService_enableInterrupt(IOService *nub, int source);
IOReturn IOService_disableInterrupt(IOService *nub, int source);
/* Raise the line (the device side uses the same call). */
IOReturn IOService_causeInterrupt(IOService *nub, int source);

/* ---- the device-model side ---- */

/*
 * Give the nub `count` interrupt sources of `type` (kIOInterruptTypeEdge or
 * kIOInterruptTypeLevel). The count can only grow; existing lines are kept.
 */
IOReturn IOInterrupts_setSourceCount(IOService *nub, int count, int type);
/* Forget the nub's lines; waits for running handlers (IOService's free calls it). */
void IOInterrupts_nubFree(IOService *nub);

/* True on the interrupt thread (XNU's ml_at_interrupt_context). */
boolean_t ml_at_interrupt_context(void);

__END_DECLS

#endif /* __IOKIT_IOINTERRUPTS_H */
