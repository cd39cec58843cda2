/*
 * IOKit/pwr_mgt/RootDomain.h — the root power domain (IOPMrootDomain): the
 * root of the power plane, which sleeps and wakes the system. Kernel
 * clients hear of sleep and wake through interest notifications on it:
 *
 *   registerSleepWakeInterest           kIOGeneralInterest: told first on sleep, last on wake
 *   registerPrioritySleepWakeInterest   kIOPriorityPowerStateInterest: last on sleep, first on wake
 *
 * The handler's argument is an IOPowerStateChangeNotification. For
 * kIOMessageCanSystemSleep (idle sleep only) and kIOMessageSystemWillSleep
 * it answers by returning kIOReturnSuccess with returnValue 0 (done), or
 * with returnValue = microseconds it needs and later calling
 * acknowledgeSleepWakeNotification(powerRef); vetoSleepWakeNotification(powerRef)
 * refuses an idle sleep.
 */
#ifndef _IOKIT_PWR_MGT_ROOTDOMAIN_H
#define _IOKIT_PWR_MGT_ROOTDOMAIN_H

#include <IOKit/IOService.h>
#include <IOKit/IOMessage.h>
#include <IOKit/pwr_mgt/IOPM.h>

typedef struct IOPMrootDomain IOPMrootDomain;

/* The root domain's power states (XNU's order). */
enum { kIOPMRootOffState = 0, kIOPMRootRestartState = 1, kIOPMRootSleepState = 2, kIOPMRootOnState = 3 };

typedef struct IOPowerStateChangeNotification {
	void *powerRef;            /* the ID to acknowledge or veto with */
	unsigned long returnValue; /* set: microseconds needed before acknowledging; 0: done */
	unsigned long stateNumber; /* the root domain's new state */
	IOPMPowerFlags stateFlags; /* its capability flags */
} IOPowerStateChangeNotification;
typedef IOPowerStateChangeNotification sleepWakeNote;

/* The interest types (as registerInterest types; user processes use kIOAppPowerStateInterest). */
extern const OSSymbol *gIOAppPowerStateInterest;
extern const OSSymbol *gIOPriorityPowerStateInterest;

IONotifier *registerSleepWakeInterest(IOServiceInterestHandler handler, void *self, void *ref);
IONotifier *registerPrioritySleepWakeInterest(IOServiceInterestHandler handler, void *self, void *ref);
IOReturn acknowledgeSleepWakeNotification(void *PMrefcon);
IOReturn vetoSleepWakeNotification(void *PMrefcon);

/* The methods (root domain = IOService_getPMRootDomain()). */
IOReturn IOPMrootDomain_allowPowerChange(IOService *self, unsigned long refcon);
IOReturn IOPMrootDomain_cancelPowerChange(IOService *self, unsigned long refcon);
/* Sleep now (cannot be vetoed); returns when the tree is down. kIOReturnNotPermitted if asleep. */
IOReturn IOPMrootDomain_sleepSystem(IOService *self);
/* Idle sleep: kIOMessageCanSystemSleep first; kIOReturnAborted when a client vetoes. */
IOReturn IOPMrootDomain_idleSleepSystem(IOService *self);
/* kexthost: wake (a Mac wakes on a hardware event); returns when the tree is back up. */
IOReturn IOPMrootDomain_wakeSystem(IOService *self);

#endif /* _IOKIT_PWR_MGT_ROOTDOMAIN_H */
