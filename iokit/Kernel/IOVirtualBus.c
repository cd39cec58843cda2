/*
 * IOVirtualBus.c — kexthost's virtual bus: the device side of the workshop's
 * virtual hardware. IOVirtualBus is a bus driver started on the platform nub
 * at boot (as a PCI bridge driver would be); it publishes nubs of class
 * IOVirtualDevice, each with the properties a test or devctl gave it, a
 * location on the bus and virtual interrupt lines (IOInterrupts.h), and
 * registers them, so matching runs and a kext whose personality names
 * IOProviderClass IOVirtualDevice is loaded on demand and started on the nub.
 *
 * The bus keeps no list of its own: its devices are its children in the
 * service plane, found by registry ID. A removed device is terminated
 * synchronously, so when removeDevice returns its drivers have stopped and
 * been detached (and freed, unless something else still holds them).
 */
#include <IOKit/IOService.h>
#include <IOKit/IOInterrupts.h>
#include <IOKit/IOLib.h>
#include <libkern/libkern.h>
#include <sys/errno.h>
#include <string.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOUserRequest.h"
#include "sdk/User/kexthost/iokit_request.h"

#define IOVBUS_NAME_MAX 127 /* io_name_t less its NUL */

/* The classes are declared in IOUserRequest.h. */
OSDefineMetaClassAndStructors(IOVirtualBus, IOService, NULL);
OSDefineMetaClassAndStructors(IOVirtualDevice, IOService, NULL);

static IOService *iovbus;         /* set once at boot */
static uint32_t iovbus_next_slot; /* default locations: 1, 2, ... in hex */

IOService *
IOVirtualBus_getBus(void)
{
	return iovbus;
}

int
IOVirtualBus_startPlatform(void)
{
	IOService *bus;

	if (iovbus != NULL)
		return 0;
	bus = (IOService *)OSMetaClass_allocInstance(OSTypeID(IOVirtualBus));
	if (bus == NULL || !IORegistryEntry_init(bus, NULL)) {
		OSSafeReleaseNULL(bus);
		return ENOMEM;
	}
	IORegistryEntry_setName(bus, "IOVirtualBus", NULL);
	if (!IOService_attach(bus, gIOServiceRoot)) {
		OSObject_release(bus);
		return ENOMEM;
	}
	if (IOService_start(bus, gIOServiceRoot)) {
		iosvc_lock();
		__atomic_or_fetch(&bus->__state[1], kIOServiceStartedState, __ATOMIC_RELEASE);
		iosvc_unlock();
	}
	iovbus = bus;
	OSObject_release(bus); /* the registry holds it now */
	IOService_registerService(bus, kIOServiceSynchronous);
	return 0;
}

/* A name or location that keeps registry paths parseable: printable, no '/', ':' or '@'. */
static bool
iovbus_valid_component(const char *s)
{
	size_t n = strnlen(s, IOVBUS_NAME_MAX + 1);

	if (n == 0 || n > IOVBUS_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e || c == '/' || c == ':' || c == '@')
			return false;
	}
	return true;
}

IOReturn
IOVirtualBus_addDevice(const char *name, const char *location, OSDictionary *props, int interrupts, int type,
                       uint64_t *entryID)
{
	struct IOVirtualDevice *dev = NULL;
	OSDictionary *table = NULL;
	char slot[16];
	IOReturn ret = kIOReturnSuccess;

	if (iovbus == NULL)
		return kIOReturnNotReady;
	if (name == NULL || !iovbus_valid_component(name) ||
	    (location != NULL && !iovbus_valid_component(location)) || interrupts < 0 ||
	    interrupts > KHIO_MAX_INTERRUPTS ||
	    (type != kIOInterruptTypeEdge && type != kIOInterruptTypeLevel))
		return kIOReturnBadArgument;
	if (location == NULL) {
		(void)snprintf(slot, sizeof(slot), "%x",
		               __atomic_add_fetch(&iovbus_next_slot, 1, __ATOMIC_RELAXED));
		location = slot;
	}
	table = props != NULL ? OSDictionary_withDictionary(props, 0) : OSDictionary_withCapacity(4);
	dev = (struct IOVirtualDevice *)OSMetaClass_allocInstance(OSTypeID(IOVirtualDevice));
	if (table == NULL || dev == NULL || !IORegistryEntry_init(dev, table)) {
		ret = kIOReturnNoMemory;
		goto out;
	}
	IORegistryEntry_setName(dev, name, NULL);
	IORegistryEntry_setLocation(dev, location, NULL);
	dev->interruptCount = interrupts;
	if (interrupts > 0 &&
	    (ret = IOInterrupts_setSourceCount(IOSvc_(dev), interrupts, type)) != kIOReturnSuccess)
		goto out;
	if (!IOService_attach(dev, iovbus)) {
		ret = kIOReturnNoMemory;
		goto out;
	}
	*entryID = IORegistryEntry_getRegistryEntryID(dev);
	IOLog("IOVirtualBus: published %s@%s (id 0x%llx, %d interrupts)\n", name, location,
	      (unsigned long long)*entryID, interrupts);
	IOService_registerService(dev, 0);
out:
	OSSafeReleaseNULL(dev); /* attached: the registry keeps it */
	OSSafeReleaseNULL(table);
	return ret;
}

/* The active device entryID on the bus (retained), or NULL. */
static IOService *
iovbus_copy_device(uint64_t entryID)
{
	IORegistryEntry *e = IORegistryEntry_fromID(entryID);
	IOService *dev = OSDynamicCast(IOVirtualDevice, e) != NULL ? (IOService *)e : NULL;

	if (dev != NULL &&
	    (IOService_isInactive(dev) ||
	     !IORegistryEntry_isParent(IORegEntry_(dev), IORegEntry_(iovbus), gIOServicePlane)))
		dev = NULL;
	if (dev == NULL)
		OSSafeReleaseNULL(e);
	return dev;
}

IOReturn
IOVirtualBus_removeDevice(uint64_t entryID, bool surprise)
{
	IOService *dev = iovbus != NULL ? iovbus_copy_device(entryID) : NULL;
	struct IOVirtualDevice *vd = (struct IOVirtualDevice *)dev;

	if (dev == NULL)
		return kIOReturnNotFound;
	if (__atomic_exchange_n(&vd->removed, 1, __ATOMIC_ACQ_REL) != 0) {
		OSObject_release(dev);
		return kIOReturnNotFound; /* lost a race with another remove */
	}
	IOLog("IOVirtualBus: removing %s (id 0x%llx)%s\n", IORegistryEntry_getName(dev, NULL),
	      (unsigned long long)entryID, surprise ? " by surprise" : "");
	if (surprise) {
		/* The hardware is gone already: say so where drivers look, before they hear of it. */
		(void)IORegistryEntry_setPropertyBoolean(dev, kIOVirtualDeviceGoneKey, true);
	}
	(void)IOService_terminate(dev, kIOServiceRequired | kIOServiceSynchronous);
	OSObject_release(dev);
	return kIOReturnSuccess;
}

IOReturn
IOVirtualBus_interrupt(uint64_t entryID, int index)
{
	IOService *dev = iovbus != NULL ? iovbus_copy_device(entryID) : NULL;
	IOReturn ret;

	if (dev == NULL)
		return kIOReturnNotFound;
	if (__atomic_load_n(&((struct IOVirtualDevice *)dev)->removed, __ATOMIC_ACQUIRE) != 0)
		ret = kIOReturnNoDevice; /* on its way out: the lines are dead */
	else
		ret = index < 0 || index >= ((struct IOVirtualDevice *)dev)->interruptCount
		              ? kIOReturnNoInterrupt
		              : IOService_causeInterrupt(dev, index);
	OSObject_release(dev);
	return ret;
}

OSArray *
IOVirtualBus_copyDevices(void)
{
	OSArray *kids = iovbus != NULL ? IORegistryEntry_copyChildren(IORegEntry_(iovbus), gIOServicePlane)
	                               : OSArray_withCapacity(1);
	OSArray *out = kids != NULL ? OSArray_withCapacity(OSArray_getCount(kids) + 1) : NULL;

	for (unsigned int i = 0; out != NULL && i < OSArray_getCount(kids); i++) {
		IOService *s = (IOService *)OSDynamicCast(IOVirtualDevice, OSArray_getObject(kids, i));

		if (s != NULL && !IOService_isInactive(s) && !OSArray_setObject(out, s))
			OSSafeReleaseNULL(out);
	}
	OSSafeReleaseNULL(kids);
	return out;
}

int
IOVirtualBus_deviceInterruptCount(IOService *device)
{
	struct IOVirtualDevice *d = OSDynamicCast(IOVirtualDevice, device);

	return d != NULL ? d->interruptCount : 0;
}
