/*
 * IOKit/IOTypes.h — the basic scalar types of the I/O Kit (option bits,
 * counts, addresses, fixed-point, time scales) and the map options drivers
 * pass around. Only what kexthost's I/O Kit uses so far; the memory
 * descriptor types come with the memory classes.
 */
#ifndef __IOKIT_IOTYPES_H
#define __IOKIT_IOTYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <mach/mach_types.h>
#include <libkern/OSTypes.h>
#include <IOKit/IOReturn.h>

#ifndef NULL
#define NULL ((void *)0)
#endif

typedef UInt32 IOOptionBits;
typedef SInt32 IOFixed;
typedef UInt32 IOVersion;
typedef UInt32 IOItemCount;
typedef UInt32 IOCacheMode;
typedef UInt32 IOByteCount32;
typedef UInt64 IOByteCount64;
typedef UInt32 IOPhysicalAddress32;
typedef UInt64 IOPhysicalAddress64;
typedef UInt32 IOPhysicalLength32;
typedef UInt64 IOPhysicalLength64;

/* 64-bit kernel: addresses and lengths are 64 bits wide. */
typedef vm_address_t IOVirtualAddress;
typedef IOPhysicalAddress64 IOPhysicalAddress;
typedef IOPhysicalLength64 IOPhysicalLength;
typedef IOByteCount64 IOByteCount;
typedef IOVirtualAddress IOLogicalAddress;

typedef struct {
	IOPhysicalAddress address;
	IOByteCount length;
} IOPhysicalRange;

typedef struct {
	IOVirtualAddress address;
	IOByteCount length;
} IOVirtualRange;

typedef struct {
	mach_vm_address_t address;
	mach_vm_size_t length;
} IOAddressRange;

/* Fixed point 16.16. */
#define kIOFixedOne 0x10000

/* Scale factors of the time conversions (IOSleep, IOTimerEventSource). */
enum {
	kNanosecondScale = 1,
	kMicrosecondScale = 1000,
	kMillisecondScale = 1000 * 1000,
	kSecondScale = 1000 * 1000 * 1000,
	kTickScale = (kSecondScale / 100)
};

/* Asynchronous completion references (user clients; part 2). */
typedef uint64_t io_user_reference_t;
enum { kOSAsyncRef64Count = 8, kOSAsyncRef64Size = kOSAsyncRef64Count * ((int)sizeof(io_user_reference_t)) };
typedef io_user_reference_t OSAsyncReference64[kOSAsyncRef64Count];

/* Mapping options (IOMemoryDescriptor::map and friends). */
enum {
	kIODefaultCache = 0,
	kIOInhibitCache = 1,
	kIOWriteThruCache = 2,
	kIOCopybackCache = 3,
	kIOWriteCombineCache = 4,
	kIOCopybackInnerCache = 5,
	kIOPostedWrite = 6,
	kIORealTimeCache = 7,
	kIOPostedReordered = 8,
	kIOPostedCombinedReordered = 9,
};

enum {
	kIOMapAnywhere = 0x00000001,
	kIOMapCacheMask = 0x00000f00,
	kIOMapCacheShift = 8,
	kIOMapDefaultCache = kIODefaultCache << kIOMapCacheShift,
	kIOMapInhibitCache = kIOInhibitCache << kIOMapCacheShift,
	kIOMapWriteThruCache = kIOWriteThruCache << kIOMapCacheShift,
	kIOMapCopybackCache = kIOCopybackCache << kIOMapCacheShift,
	kIOMapWriteCombineCache = kIOWriteCombineCache << kIOMapCacheShift,
	kIOMapUserOptionsMask = 0x00000fff,
	kIOMapReadOnly = 0x00001000,
	kIOMapStatic = 0x01000000,
	kIOMapReference = 0x02000000,
	kIOMapUnique = 0x04000000,
	kIOMapPrefault = 0x10000000,
	kIOMapOverwrite = 0x20000000,
};

#endif /* __IOKIT_IOTYPES_H */
