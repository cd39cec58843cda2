/*
 * IOUserRequest.h — the I/O Kit's handlers on the request channel and the
 * virtual bus's device model behind them (private to iokit/Kernel and
 * bsd/kern/kern_request.c; wire format in sdk/User/kexthost/iokit_request.h).
 */
#ifndef _IOKIT_KERNEL_IOUSERREQUEST_H_
#define _IOKIT_KERNEL_IOUSERREQUEST_H_

#include <IOKit/IOService.h>
#include "bsd/kern/kern_request.h"

/* KHRQ_T_IOREG_DUMP (IORegistryDump.c). */
int ioreg_dump_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                              struct kreq_buf *reply);
/*
 * The entry's properties less the values with no property-list form
 * (retained; NULL when out of memory): what the dump and
 * io_registry_entry_get_properties (IOKitMIG.c) hand to user space.
 */
OSDictionary *ioreg_copy_plist_properties(IORegistryEntry *e);
/* KHRQ_T_IODEVICE (IOVirtualBusRequest.c). */
int iovbus_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                          struct kreq_buf *reply);

/* ---- the virtual bus (IOVirtualBus.c) ---- */

/* The bus driver, started on the platform nub at boot. */
OSDeclareDefaultStructors(IOVirtualBus, IOService);
struct IOVirtualBus {
	IOService super;
};

/* A device nub on the bus (IOProviderClass of the drivers that match it). */
OSDeclareDefaultStructors(IOVirtualDevice, IOService);
struct IOVirtualDevice {
	IOService super;
	int interruptCount; /* lines given at publication (read-only after) */
	uint32_t removed;   /* set once by the remove that wins (atomic) */
};

/* Set (true) on a nub removed by surprise, before it is terminated: the device is gone. */
#define kIOVirtualDeviceGoneKey "IOVirtualDeviceGone"

/* Make the bus, attach it to the platform nub, start and register it (StartIOKit). 0 or an errno. */
int IOVirtualBus_startPlatform(void);
/* The bus (not retained), or NULL before boot. */
IOService *IOVirtualBus_getBus(void);
/*
 * Publish a nub of class IOVirtualDevice named name (at location, or the
 * next free number in hex when NULL) with a copy of props, `interrupts`
 * lines of `type`, and register it (matching runs on a config thread).
 * *entryID gets its registry ID. kIOReturnBadArgument for a bad name,
 * location, count or type.
 */
IOReturn IOVirtualBus_addDevice(const char *name, const char *location, OSDictionary *props, int interrupts,
                                int type, uint64_t *entryID);
/*
 * Terminate the device entryID synchronously (its drivers stop first).
 * surprise: the device is gone before its drivers hear of it — the nub gets
 * kIOVirtualDeviceGoneKey and its interrupt lines go dead first, so drivers
 * see in-flight I/O fail (kIOReturnNoDevice) rather than finish. kIOReturnNotFound if none.
 */
IOReturn IOVirtualBus_removeDevice(uint64_t entryID, bool surprise);
/* Raise line index of device entryID. kIOReturnNotFound, kIOReturnNoInterrupt. */
IOReturn IOVirtualBus_interrupt(uint64_t entryID, int index);
/* The bus's active devices (retained array of IOService, possibly empty; NULL: no memory). */
OSArray *IOVirtualBus_copyDevices(void);
/* The line count a device was published with. */
int IOVirtualBus_deviceInterruptCount(IOService *device);

#endif /* _IOKIT_KERNEL_IOUSERREQUEST_H_ */
