/*
 * kexthost/iokit_request.h — the I/O Kit's requests on the request channel
 * (<kexthost/request.h> framing): reading the I/O Registry (what ioreg shows)
 * and the device model of the virtual bus (what devctl drives). Until the
 * I/O Kit's user client interface exists, these are how a user process sees
 * and pokes the registry of a booted kernel. Kernel side:
 * iokit/Kernel/IORegistryDump.c and iokit/Kernel/IOVirtualBusRequest.c.
 *
 * Both requests and both replies are Apple XML property lists (a binary
 * plist is accepted in requests too). Keys of the entries are the names
 * `ioreg -a` uses, so the reply of a dump is close to what ioreg archives.
 *
 * KHRQ_T_IOREG_DUMP
 *   request: a dictionary, every key optional:
 *     key                    type     meaning
 *     ---------------------  -------  --------------------------------------
 *     IORegistryPlane        string   plane to walk ("IOService" default)
 *     IORegistryEntryPath    string   root of the dump ("IOService:/a/b",
 *                                     or "/a/b" in the plane); default: the
 *                                     registry root
 *     IORegistryEntryID      integer  root of the dump by entry ID (wins
 *                                     over the path)
 *     IORegistryDepth        integer  levels to dump, 1 = the root alone;
 *                                     0 = all (capped at KHIO_MAX_DEPTH)
 *     IORegistryProperties   boolean  include each entry's properties
 *                                     (default true)
 *   reply: an array of entry dictionaries in pre-order (a parent before its
 *   children, children in registry order). The tree is rebuilt from the
 *   depths: an entry's parent is the nearest earlier entry one level up.
 *     IORegistryEntryDepth      integer  level below the dump's root (root 0)
 *     IORegistryEntryName       string   name in the plane
 *     IORegistryEntryLocation   string   location in the plane (absent: none)
 *     IORegistryEntryID         integer
 *     IOObjectClass             string   class name
 *     IOObjectInheritance       array    class chain below OSObject, base
 *                                        first ("IORegistryEntry", ...)
 *     IOObjectRetainCount       integer
 *     IOServiceState            integer  IOService getState() bits (services
 *                                        only): 1 inactive, 2 registered,
 *                                        4 matched, 8 first publish, 0x10
 *                                        first match
 *     IOServiceBusyState        integer  busy count (services only)
 *     IOServiceBusyTime         integer  accumulated busy time, ns
 *     IORegistryEntryChildCount integer  children in the plane (also the
 *                                        ones below the depth limit)
 *     IORegistryEntryProperties dict     the property table (when asked);
 *                                        values with no plist form are left
 *                                        out
 *   header status: 0; ENOENT for an unknown plane or root; EINVAL for a
 *   request that is not a dictionary of the types above; ENOMEM.
 *
 * KHRQ_T_IODEVICE (root only for the operations that change something)
 *   request: a dictionary with "Operation" and its arguments:
 *     Operation  arguments                               reply dictionary
 *     ---------  --------------------------------------  -------------------
 *     add        Name (string, required), Location       IOReturn,
 *                (string), Properties (dictionary),      IORegistryEntryID
 *                Interrupts (integer 0..32),
 *                InterruptType (0 edge, 1 level)
 *     remove     IORegistryEntryID (integer),            IOReturn
 *                Surprise (boolean, false: orderly)
 *     interrupt  IORegistryEntryID, Index (integer, 0)   IOReturn
 *     list       —                                       IOReturn, Devices:
 *                                                        array of {Name,
 *                                                        IORegistryEntryID,
 *                                                        Location,
 *                                                        Interrupts,
 *                                                        Properties}
 *   IOReturn is the I/O Kit's result (kIOReturnSuccess 0,
 *   kIOReturnNotFound for an ID that is no virtual device of the bus,
 *   kIOReturnNoInterrupt for a line the device lacks, ...).
 *   header status: 0; EPERM for a non-root caller of add, remove or
 *   interrupt; EINVAL for a malformed request; ENOMEM.
 */
#ifndef _KEXTHOST_IOKIT_REQUEST_H_
#define _KEXTHOST_IOKIT_REQUEST_H_

#define KHRQ_T_IOREG_DUMP 0x200 /* the registry as ioreg sees it */
#define KHRQ_T_IODEVICE 0x201   /* the virtual bus's device model */

/* Deepest dump (levels below the root); deeper entries are left out. */
#define KHIO_MAX_DEPTH 64
/* Most interrupt lines a virtual device may have. */
#define KHIO_MAX_INTERRUPTS 32

/* Dump request keys. */
#define KHIO_KEY_PLANE "IORegistryPlane"
#define KHIO_KEY_PATH "IORegistryEntryPath"
#define KHIO_KEY_ID "IORegistryEntryID"
#define KHIO_KEY_DEPTH "IORegistryDepth"
#define KHIO_KEY_WANT_PROPS "IORegistryProperties"

/* Entry keys of a dump reply. */
#define KHIO_KEY_ENTRY_DEPTH "IORegistryEntryDepth"
#define KHIO_KEY_NAME "IORegistryEntryName"
#define KHIO_KEY_LOCATION "IORegistryEntryLocation"
#define KHIO_KEY_CLASS "IOObjectClass"
#define KHIO_KEY_INHERITANCE "IOObjectInheritance"
#define KHIO_KEY_RETAIN "IOObjectRetainCount"
#define KHIO_KEY_STATE "IOServiceState"
#define KHIO_KEY_BUSY "IOServiceBusyState"
#define KHIO_KEY_BUSY_TIME "IOServiceBusyTime"
#define KHIO_KEY_CHILD_COUNT "IORegistryEntryChildCount"
#define KHIO_KEY_PROPERTIES "IORegistryEntryProperties"
/* What `ioreg -a` calls the children array. */
#define KHIO_KEY_CHILDREN "IORegistryEntryChildren"

/* Device-model keys. */
#define KHIO_KEY_OPERATION "Operation"
#define KHIO_KEY_DEV_NAME "Name"
#define KHIO_KEY_DEV_LOCATION "Location"
#define KHIO_KEY_DEV_PROPERTIES "Properties"
#define KHIO_KEY_DEV_INTERRUPTS "Interrupts"
#define KHIO_KEY_DEV_INTTYPE "InterruptType"
#define KHIO_KEY_DEV_INDEX "Index"
#define KHIO_KEY_RESULT "IOReturn"
#define KHIO_KEY_DEVICES "Devices"
#define KHIO_KEY_DEV_SURPRISE "Surprise"

#endif /* _KEXTHOST_IOKIT_REQUEST_H_ */
