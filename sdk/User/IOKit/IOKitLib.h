/*
 * IOKit/IOKitLib.h — IOKitLib for user programs of the hosted kernel
 * (lib/libkexthost/IOKitLib.c): finding services by matching, iterating,
 * reading the registry, with Apple's names and semantics. It talks to the
 * kernel through Mach messages to the I/O Kit's ports (the `iokit` MIG
 * subsystem, <kexthost/kh_mach.h>).
 *
 * One difference from Apple's: Core Foundation does not exist here.
 * Property values, matching dictionaries and property tables are libplist
 * objects (plist_t from <plist/plist.h>) where Apple's take CFTypeRef /
 * CFMutableDictionaryRef; ownership follows Apple's rules (a matching
 * dictionary passed to IOServiceGetMatchingService(s) is consumed; Create
 * functions return objects the caller frees with plist_free). The
 * allocator arguments are accepted and ignored. Input names and paths are
 * `const char *` (Apple's `const io_name_t`, an array type gcc would insist
 * be 128 bytes long; any caller of Apple's compiles unchanged).
 */
#ifndef _IOKIT_IOKITLIB_H
#define _IOKIT_IOKITLIB_H

#include <stdint.h>
#include <plist/plist.h>
#include <mach/port.h>
#include <mach/kern_return.h>
#include <IOKit/IOReturn.h>
#include <IOKit/IOKitKeys.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef mach_port_t io_object_t;
typedef io_object_t io_iterator_t;
typedef io_object_t io_registry_entry_t;
typedef io_object_t io_service_t;
typedef io_object_t io_connect_t;
typedef char io_name_t[128];
typedef char io_string_t[512];
typedef uint32_t IOOptionBits;
typedef struct {
	unsigned int tv_sec;
	int tv_nsec;
} mach_timespec_t;

#define IO_OBJECT_NULL ((io_object_t)0)
/* The default master (main) port: IOKitLib looks it up. */
extern const mach_port_t kIOMasterPortDefault;
extern const mach_port_t kIOMainPortDefault;

enum {
	kIORegistryIterateRecursively = 0x00000001,
	kIORegistryIterateParents = 0x00000002,
};

kern_return_t IOMasterPort(mach_port_t bootstrapPort, mach_port_t *masterPort);
kern_return_t IOMainPort(mach_port_t bootstrapPort, mach_port_t *mainPort);

/* Objects. */
kern_return_t IOObjectRelease(io_object_t object);
kern_return_t IOObjectRetain(io_object_t object);
kern_return_t IOObjectGetClass(io_object_t object, io_name_t className);
int IOObjectConformsTo(io_object_t object, const char *className);
int IOObjectIsEqualTo(io_object_t object, io_object_t anObject);
uint32_t IOObjectGetKernelRetainCount(io_object_t object);
/* The superclass's name (malloc'ed; free it), or NULL. Apple's returns a CFStringRef. */
char *IOObjectCopySuperclassForClass(const char *classname);

/* Iterators. */
io_object_t IOIteratorNext(io_iterator_t iterator);
void IOIteratorReset(io_iterator_t iterator);
int IOIteratorIsValid(io_iterator_t iterator);

/* Matching dictionaries (plist dictionaries; consumed by the Get calls). */
plist_t IOServiceMatching(const char *name);
plist_t IOServiceNameMatching(const char *name);
plist_t IORegistryEntryIDMatching(uint64_t entryID);
kern_return_t IOServiceGetMatchingServices(mach_port_t masterPort, plist_t matching, io_iterator_t *existing);
io_service_t IOServiceGetMatchingService(mach_port_t masterPort, plist_t matching);

/* Services. */
kern_return_t IOServiceGetBusyState(io_service_t service, uint32_t *busyState);
/*
 * The service's state bits (kIOServiceInactiveState ...), and with
 * IOServiceGetBusyStateAndTime its busy count and the time it has been busy
 * so far in ns (NULL pointers skip a value). lib/libkexthost/IOKitLib_registry.c.
 */
enum {
	kIOServiceInactiveState = 0x00000001,
	kIOServiceRegisteredState = 0x00000002,
	kIOServiceMatchedState = 0x00000004,
	kIOServiceFirstPublishState = 0x00000008,
	kIOServiceFirstMatchState = 0x00000010,
};
kern_return_t IOServiceGetState(io_service_t service, uint64_t *state);
kern_return_t IOServiceGetBusyStateAndTime(io_service_t service, uint64_t *state, uint32_t *busy_state,
                                           uint64_t *accumulated_busy_time);
kern_return_t IOServiceWaitQuiet(io_service_t service, mach_timespec_t *waitTime);
kern_return_t IOKitGetBusyState(mach_port_t masterPort, uint32_t *busyState);
kern_return_t IOKitWaitQuiet(mach_port_t masterPort, mach_timespec_t *waitTime);

/* The registry. */
io_registry_entry_t IORegistryGetRootEntry(mach_port_t masterPort);
io_registry_entry_t IORegistryEntryFromPath(mach_port_t masterPort, const char *path);
kern_return_t IORegistryCreateIterator(mach_port_t masterPort, const char *plane, IOOptionBits options,
                                       io_iterator_t *iterator);
kern_return_t IORegistryEntryCreateIterator(io_registry_entry_t entry, const char *plane,
                                            IOOptionBits options, io_iterator_t *iterator);
kern_return_t IORegistryEntryGetName(io_registry_entry_t entry, io_name_t name);
kern_return_t IORegistryEntryGetNameInPlane(io_registry_entry_t entry, const char *plane, io_name_t name);
kern_return_t IORegistryEntryGetLocationInPlane(io_registry_entry_t entry, const char *plane,
                                                io_name_t location);
kern_return_t IORegistryEntryGetPath(io_registry_entry_t entry, const char *plane, io_string_t path);
kern_return_t IORegistryEntryGetRegistryEntryID(io_registry_entry_t entry, uint64_t *entryID);
int IORegistryEntryInPlane(io_registry_entry_t entry, const char *plane);
kern_return_t IORegistryEntryGetChildIterator(io_registry_entry_t entry, const char *plane,
                                              io_iterator_t *iterator);
kern_return_t IORegistryEntryGetParentIterator(io_registry_entry_t entry, const char *plane,
                                               io_iterator_t *iterator);
kern_return_t IORegistryEntryGetChildEntry(io_registry_entry_t entry, const char *plane,
                                           io_registry_entry_t *child);
kern_return_t IORegistryEntryGetParentEntry(io_registry_entry_t entry, const char *plane,
                                            io_registry_entry_t *parent);
/* All properties as a plist dictionary (*properties; plist_free it). */
kern_return_t IORegistryEntryCreateCFProperties(io_registry_entry_t entry, plist_t *properties,
                                                void *allocator, IOOptionBits options);
/* One property's value (plist_free it), or NULL. */
plist_t IORegistryEntryCreateCFProperty(io_registry_entry_t entry, const char *key, void *allocator,
                                        IOOptionBits options);
/*
 * Hand properties to the entry's setProperties (the driver decides what it
 * accepts; the default answers kIOReturnUnsupported). Root only. The plist
 * is not consumed.
 */
kern_return_t IORegistryEntrySetCFProperties(io_registry_entry_t entry, plist_t properties);
kern_return_t IORegistryEntrySetCFProperty(io_registry_entry_t entry, const char *propertyName,
                                           plist_t property);

/*
 * Connections (lib/libkexthost/IOKitLib_connect.c): open a service's user
 * client, call its methods, close it. owningTask is this process's task
 * (kh_mach_task_self()); the kernel refuses any other. Structures up to
 * 4096 bytes travel inline; larger ones stay in this process and the
 * kernel reaches them through a memory descriptor. Up to 16 scalars each
 * way; *outputCnt and *outputStructCnt give the room on input and what was
 * returned on output. IOConnectSetCFProperties takes a plist dictionary.
 */
#include <stddef.h>
typedef mach_port_t task_port_t;
kern_return_t IOServiceOpen(io_service_t service, task_port_t owningTask, uint32_t type,
                            io_connect_t *connect);
kern_return_t IOServiceClose(io_connect_t connect);
kern_return_t IOConnectAddRef(io_connect_t connect);
kern_return_t IOConnectRelease(io_connect_t connect);
kern_return_t IOConnectGetService(io_connect_t connect, io_service_t *service);
kern_return_t IOConnectAddClient(io_connect_t connect, io_connect_t client);
kern_return_t IOConnectSetCFProperties(io_connect_t connect, plist_t properties);
kern_return_t IOConnectSetCFProperty(io_connect_t connect, const char *propertyName, plist_t property);
kern_return_t IOConnectCallMethod(mach_port_t connection, uint32_t selector, const uint64_t *input,
                                  uint32_t inputCnt, const void *inputStruct, size_t inputStructCnt,
                                  uint64_t *output, uint32_t *outputCnt, void *outputStruct,
                                  size_t *outputStructCnt);
kern_return_t IOConnectCallScalarMethod(mach_port_t connection, uint32_t selector, const uint64_t *input,
                                        uint32_t inputCnt, uint64_t *output, uint32_t *outputCnt);
kern_return_t IOConnectCallStructMethod(mach_port_t connection, uint32_t selector, const void *inputStruct,
                                        size_t inputStructCnt, void *outputStruct, size_t *outputStructCnt);

/*
 * Notifications (lib/libkexthost/IOKitLib_notify.c): matching and interest
 * notifications, a connection's notification port and async method
 * results, all delivered as Mach messages to a notification port and run
 * by IODispatchCalloutFromMessage.
 *
 * Apple's run-loop and dispatch-queue plumbing (IONotificationPortGet-
 * RunLoopSource, IONotificationPortSetDispatchQueue) does not exist here.
 * Instead IONotificationPortGetFileDescriptor gives a descriptor to poll
 * (POLLIN: the kernel queued a message for this process — on any of its
 * ports, so drain each notification port), and the kexthost call
 * IONotificationPortDispatchPending receives and dispatches what a port
 * holds. Or receive with mach_msg yourself and pass each message to
 * IODispatchCalloutFromMessage.
 *
 * A matching notification's callback gets an iterator of the new
 * services: drain it (IOIteratorNext until IO_OBJECT_NULL) in the callback,
 * and once right after IOServiceAddMatchingNotification, which arms it
 * (the services already registered are in it then). Release the iterator
 * (IOObjectRelease) to end the notification; likewise the notification of
 * IOServiceAddInterestNotification. Rights a message brings (the iterator
 * reference, the service of an interest message) are released after the
 * callback returns: retain the service to keep it.
 */
#include <mach/message.h>
#include <IOKit/IOMessage.h>
#include <IOKit/OSMessageNotification.h>

typedef struct IONotificationPort *IONotificationPortRef;
typedef void (*IOServiceMatchingCallback)(void *refcon, io_iterator_t iterator);
/* messageArgument: the argument itself when it fits in 8 bytes, else a pointer to its bytes. */
typedef void (*IOServiceInterestCallback)(void *refcon, io_service_t service, uint32_t messageType,
                                          void *messageArgument);
typedef void (*IOAsyncCallback0)(void *refcon, IOReturn result);
typedef void (*IOAsyncCallback1)(void *refcon, IOReturn result, void *arg0);
typedef void (*IOAsyncCallback2)(void *refcon, IOReturn result, void *arg0, void *arg1);
typedef void (*IOAsyncCallback)(void *refcon, IOReturn result, void **args, uint32_t numArgs);

IONotificationPortRef IONotificationPortCreate(mach_port_t masterPort);
void IONotificationPortDestroy(IONotificationPortRef notify);
mach_port_t IONotificationPortGetMachPort(IONotificationPortRef notify);
/* kexthost: a descriptor that polls readable when a message awaits this process (-1 on failure). */
int IONotificationPortGetFileDescriptor(IONotificationPortRef notify);
/*
 * kexthost: wait up to timeoutMs (0: don't wait) for a message on notify's
 * port, then dispatch it and every other message already queued there.
 * Returns how many were dispatched.
 */
int IONotificationPortDispatchPending(IONotificationPortRef notify, uint32_t timeoutMs);
/* Run the callback a notification message names (unused: Apple's CFMachPortRef). */
void IODispatchCalloutFromMessage(void *unused, mach_msg_header_t *msg, void *reference);

kern_return_t IOServiceAddMatchingNotification(IONotificationPortRef notifyPort, const char *notificationType,
                                               plist_t matching, IOServiceMatchingCallback callback,
                                               void *refCon, io_iterator_t *notification);
kern_return_t IOServiceAddInterestNotification(IONotificationPortRef notifyPort, io_service_t service,
                                               const char *interestType, IOServiceInterestCallback callback,
                                               void *refCon, io_object_t *notification);

/*
 * Async methods: reference[kIOAsyncCalloutFuncIndex] and
 * [kIOAsyncCalloutRefconIndex] hold the IOAsyncCallback and its refcon
 * (referenceCnt >= kIOAsyncCalloutCount); the driver's sendAsyncResult64
 * reaches the callback through wake_port (IONotificationPortGetMachPort).
 */
kern_return_t IOConnectSetNotificationPort(io_connect_t connect, uint32_t type, mach_port_t port,
                                           uintptr_t reference);
kern_return_t IOConnectCallAsyncMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
                                       uint64_t *reference, uint32_t referenceCnt, const uint64_t *input,
                                       uint32_t inputCnt, const void *inputStruct, size_t inputStructCnt,
                                       uint64_t *output, uint32_t *outputCnt, void *outputStruct,
                                       size_t *outputStructCnt);
kern_return_t IOConnectCallAsyncScalarMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
                                             uint64_t *reference, uint32_t referenceCnt,
                                             const uint64_t *input, uint32_t inputCnt, uint64_t *output,
                                             uint32_t *outputCnt);
kern_return_t IOConnectCallAsyncStructMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
                                             uint64_t *reference, uint32_t referenceCnt,
                                             const void *inputStruct, size_t inputStructCnt,
                                             void *outputStruct, size_t *outputStructCnt);

/*
 * Memory (lib/libkexthost/IOKitLib_memory.c): map memory a user client
 * shares (its clientMemoryForType) into this process. intoTask/fromTask is
 * this process's task (kh_mach_task_self()); the kernel refuses any other.
 * With kIOMapAnywhere the library picks the address, else *atAddress (page
 * aligned, and free: kIOReturnNoSpace otherwise); kIOMapReadOnly maps it
 * read-only (the driver may insist). Mapping the same memory again answers
 * the same mapping. The kernel passes the memory as a file descriptor over
 * this process's socket (docs/BOUNDARY.md, "Mapping memory into a
 * process"); only memory the driver made kIOMemoryKernelUserShared can be
 * mapped (kIOReturnNotPermitted otherwise). Unmap with the address the map
 * returned.
 */
typedef uint64_t mach_vm_address_t;
typedef uint64_t mach_vm_size_t;
typedef uintptr_t vm_address_t;
typedef uintptr_t vm_size_t;
enum {
	kIOMapAnywhere = 0x00000001,
	kIOMapDefaultCache = 0x00000000,
	kIOMapInhibitCache = 0x00000100,
	kIOMapWriteThruCache = 0x00000200,
	kIOMapCopybackCache = 0x00000300,
	kIOMapWriteCombineCache = 0x00000400,
	kIOMapUserOptionsMask = 0x00000fff,
	kIOMapReadOnly = 0x00001000,
	kIOMapStatic = 0x01000000,
	kIOMapReference = 0x02000000,
	kIOMapUnique = 0x04000000,
};
kern_return_t IOConnectMapMemory64(io_connect_t connect, uint32_t memoryType, task_port_t intoTask,
                                   mach_vm_address_t *atAddress, mach_vm_size_t *ofSize,
                                   IOOptionBits options);
kern_return_t IOConnectUnmapMemory64(io_connect_t connect, uint32_t memoryType, task_port_t fromTask,
                                     mach_vm_address_t atAddress);
/* The older names: the same with the process's pointer-sized types. */
kern_return_t IOConnectMapMemory(io_connect_t connect, uint32_t memoryType, task_port_t intoTask,
                                 vm_address_t *atAddress, vm_size_t *ofSize, IOOptionBits options);
kern_return_t IOConnectUnmapMemory(io_connect_t connect, uint32_t memoryType, task_port_t fromTask,
                                   vm_address_t atAddress);

#ifdef __cplusplus
}
#endif

#endif /* _IOKIT_IOKITLIB_H */
