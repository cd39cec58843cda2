/*
 * IOPMLib.c — IOKitLib's system power calls (IOPMLib.h): a process
 * registers for the root domain's sleep/wake messages, answers them and
 * asks for sleep, through the root domain's user client
 * (RootDomainUserClient, iokit/Kernel/IOPMrootDomain.c) and an interest
 * notification of type kIOAppPowerStateInterest, as IOKitUser does.
 */
#include <IOKit/IOKitLib.h>
#include <IOKit/pwr_mgt/IOPMLib.h>
#include <stddef.h>
#include <kexthost/kh_mach.h>

io_connect_t
IOPMFindPowerManagement(mach_port_t master_device_port)
{
	io_registry_entry_t obj = IORegistryEntryFromPath(master_device_port,
	                                                  kIOPowerPlane ":/IOPowerConnection/IOPMrootDomain");
	io_connect_t fb = IO_OBJECT_NULL;

	if (obj == IO_OBJECT_NULL)
		return IO_OBJECT_NULL;
	if (IOServiceOpen(obj, kh_mach_task_self(), 0, &fb) != KERN_SUCCESS)
		fb = IO_OBJECT_NULL;
	IOObjectRelease(obj);
	return fb;
}

io_connect_t
IORegisterForSystemPower(void *refcon, IONotificationPortRef *thePortRef, IOServiceInterestCallback callback,
                         io_object_t *notifier)
{
	IONotificationPortRef notify = NULL;
	io_registry_entry_t obj = IO_OBJECT_NULL;
	io_connect_t fb = IO_OBJECT_NULL;

	if (thePortRef == NULL || notifier == NULL || callback == NULL)
		return IO_OBJECT_NULL;
	*notifier = IO_OBJECT_NULL;
	*thePortRef = NULL;
	if ((notify = IONotificationPortCreate(kIOMasterPortDefault)) == NULL)
		goto fail;
	obj = IORegistryEntryFromPath(kIOMasterPortDefault,
	                              kIOPowerPlane ":/IOPowerConnection/IOPMrootDomain");
	if (obj == IO_OBJECT_NULL)
		goto fail;
	if (IOServiceOpen(obj, kh_mach_task_self(), 0, &fb) != KERN_SUCCESS || fb == IO_OBJECT_NULL)
		goto fail;
	if (IOServiceAddInterestNotification(notify, obj, kIOAppPowerStateInterest, callback, refcon,
	                                     notifier) != KERN_SUCCESS)
		goto fail;
	IOObjectRelease(obj);
	*thePortRef = notify;
	return fb;
fail:
	if (fb != IO_OBJECT_NULL)
		IOServiceClose(fb);
	if (obj != IO_OBJECT_NULL)
		IOObjectRelease(obj);
	if (notify != NULL)
		IONotificationPortDestroy(notify);
	return IO_OBJECT_NULL;
}

IOReturn
IODeregisterForSystemPower(io_object_t *notifier)
{
	if (notifier == NULL)
		return kIOReturnBadArgument;
	if (*notifier != IO_OBJECT_NULL)
		IOObjectRelease(*notifier);
	*notifier = IO_OBJECT_NULL;
	return kIOReturnSuccess;
}

static IOReturn
pm_answer(io_connect_t kernelPort, uint32_t selector, intptr_t notificationID)
{
	uint64_t in = (uint64_t)notificationID;

	return IOConnectCallScalarMethod(kernelPort, selector, &in, 1, NULL, NULL) ? kIOReturnError
	                                                                           : kIOReturnSuccess;
}

IOReturn
IOAllowPowerChange(io_connect_t kernelPort, intptr_t notificationID)
{
	return pm_answer(kernelPort, kPMAllowPowerChange, notificationID);
}

IOReturn
IOCancelPowerChange(io_connect_t kernelPort, intptr_t notificationID)
{
	return pm_answer(kernelPort, kPMCancelPowerChange, notificationID);
}

IOReturn
IOPMSleepSystem(io_connect_t fb)
{
	uint64_t out = 0;
	uint32_t n = 1;
	kern_return_t kr = IOConnectCallScalarMethod(fb, kPMSleepSystem, NULL, 0, &out, &n);

	return kr != KERN_SUCCESS ? kr : (IOReturn)out;
}
