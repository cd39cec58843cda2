/*
 * IOKit/pwr_mgt/IOPMLib.h — system power from a user process (IOKitLib's
 * IOPMLib): register for the root domain's sleep/wake messages, answer
 * them, and ask for sleep. Apple's names and selectors (RootDomainUserClient):
 *
 *   IORegisterForSystemPower   opens the root domain ("IOPower:/IOPowerConnection/IOPMrootDomain"),
 *                              adds a kIOAppPowerStateInterest notification on a new port
 *   IOAllowPowerChange         selector 3 (kPMAllowPowerChange), the message's argument as the ID
 *   IOCancelPowerChange        selector 4 (kPMCancelPowerChange): vetoes kIOMessageCanSystemSleep
 *   IOPMSleepSystem            selector 2 (kPMSleepSystem): sleep now (root only)
 *
 * kIOMessageCanSystemSleep and kIOMessageSystemWillSleep wait for an
 * answer (30 s at most); the others are for information.
 */
#ifndef _IOKIT_PWRMGT_IOPMLIB_H
#define _IOKIT_PWRMGT_IOPMLIB_H

#include <IOKit/IOKitLib.h>
#include <IOKit/IOMessage.h>

/* RootDomainUserClient selectors (IOPMLibDefs.h). */
enum {
	kPMSetAggressiveness = 0,
	kPMGetAggressiveness = 1,
	kPMSleepSystem = 2,
	kPMAllowPowerChange = 3,
	kPMCancelPowerChange = 4,
	kPMShutdownSystem = 5,
	kPMRestartSystem = 6,
	/* kexthost: wake the system (a real Mac wakes on a hardware event). */
	kPMWakeSystemKexthost = 0x4b480001,
	/* kexthost: idle sleep (asks kIOMessageCanSystemSleep first; can be vetoed). */
	kPMIdleSleepKexthost = 0x4b480002,
	/* kexthost: the root domain's state: 0 off .. 3 on, and the sleep count. */
	kPMGetStateKexthost = 0x4b480003,
};

#define kIOPMRootDomainPath "IOPower:/IOPowerConnection/IOPMrootDomain"

/* The root domain opened (release with IOServiceClose), or IO_OBJECT_NULL. */
io_connect_t IOPMFindPowerManagement(mach_port_t master_device_port);
/*
 * Register for system sleep/wake messages: returns the root domain's
 * connection (IO_OBJECT_NULL on failure); *thePortRef gets a new
 * notification port, *notifier the notification object.
 */
io_connect_t IORegisterForSystemPower(void *refcon, IONotificationPortRef *thePortRef,
                                      IOServiceInterestCallback callback, io_object_t *notifier);
IOReturn IODeregisterForSystemPower(io_object_t *notifier);
IOReturn IOAllowPowerChange(io_connect_t kernelPort, intptr_t notificationID);
IOReturn IOCancelPowerChange(io_connect_t kernelPort, intptr_t notificationID);
IOReturn IOPMSleepSystem(io_connect_t fb);

#endif /* _IOKIT_PWRMGT_IOPMLIB_H */
