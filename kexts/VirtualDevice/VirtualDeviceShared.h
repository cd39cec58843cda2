/*
 * VirtualDeviceShared.h — what the VirtualDevice driver and its user
 * programs (kexts/VirtualDevice/user/vdclient.c) agree on: the user
 * client's method selectors and their argument shapes, the memory types
 * clientMemoryForType hands out and the layout of the shared counters
 * page, the async completion's arguments, and the state-change message.
 * Included by kernel code and by user code, so it uses only fixed-width
 * integer types.
 *
 *   selector              scalars in          struct in         scalars out        struct out
 *   kVDSetRegister        reg, value          -                 previous value     -
 *   kVDGetRegister        reg                 -                 value              -
 *   kVDWriteBuffer        -                   1..64 KiB (*)     -                  -
 *   kVDReadBuffer         -                   -                 -                  up to 64 KiB (*)
 *   kVDSetState           kVDState*           -                 previous state     -
 *   kVDSleep              ms (<= 10000)       -                 -                  -
 *   kVDStartOperation     delay ms (<= 10000) -                 ticket             -       (async only)
 *   kVDGetInfo            -                   -                 -                  struct VDInfo
 *
 * (*) up to 4096 bytes inline; a larger buffer reaches the driver as a
 * memory descriptor over the caller's memory (the "large struct" path).
 * kVDReadBuffer returns min(room, bytes the device holds).
 */
#ifndef VIRTUALDEVICE_SHARED_H
#define VIRTUALDEVICE_SHARED_H

#include <stdint.h>

/* The registry class a client matches on (IOServiceMatching). */
#define kVirtualDeviceDriverClassName "VirtualDeviceDriver"

/* IOServiceOpen's type: only the default one. */
enum { kVDUserClientTypeDefault = 0 };

enum {
	kVDSetRegister,
	kVDGetRegister,
	kVDWriteBuffer,
	kVDReadBuffer,
	kVDSetState,
	kVDSleep,
	kVDStartOperation,
	kVDGetInfo,
	kVDMethodCount
};

enum {
	kVDRegisterCount = 8,
	kVDBufferSize = 64 * 1024, /* the device's data buffer */
	kVDMaxDelayMS = 10000,     /* kVDSleep and kVDStartOperation */
};

/* Device states (kVDSetState, VDSharedCounters.state, the "State" property). */
enum { kVDStateStopped = 0, kVDStateRunning = 1 };

/* kVDGetInfo's answer. */
struct VDInfo {
	uint32_t version; /* kVDInfoVersion */
	uint32_t state;
	uint32_t registerCount;
	uint32_t bufferSize;
	uint32_t bufferLength; /* bytes the device holds now */
	uint32_t clients;      /* user clients open now */
	uint32_t sleepers;     /* kVDSleep calls in progress */
	uint32_t reserved;
	uint64_t clientsDied; /* clients whose process exited without closing */
	uint64_t registryID;
};
enum { kVDInfoVersion = 1 };

/*
 * clientMemoryForType types. kVDMemoryCounters: one page the driver
 * updates from its work loop, mapped read-only (IOConnectMapMemory64).
 */
enum { kVDMemoryCounters = 0 };

/*
 * The counters page. The driver bumps `sequence` to odd before it writes
 * and to even after (a seqlock): a reader copies the page and retries while
 * the sequence is odd or changed under it.
 */
struct VDSharedCounters {
	uint32_t magic; /* kVDCountersMagic */
	uint32_t state;
	uint64_t sequence;
	uint64_t interrupts;
	uint64_t timerTicks;
	uint64_t methodCalls;
	uint64_t bytesWritten; /* through kVDWriteBuffer */
	uint64_t bytesRead;    /* through kVDReadBuffer */
	uint64_t asyncCompleted;
	uint64_t lastUpdateNs; /* uptime of the last update */
};
#define kVDCountersMagic 0x56444331u /* "VDC1" */

/* kVDStartOperation's completion (sendAsyncResult64): result, then these arguments. */
enum { kVDAsyncArgTicket, kVDAsyncArgInterrupts, kVDAsyncArgRegister0, kVDAsyncArgCount };

/*
 * The message the driver sends its interested clients when its state
 * changes (messageClients -> interest notifications); the argument is the
 * new state. A vendor-specific message, as IOMessage.h builds them.
 */
#ifndef sub_iokit_vendor_specific
#define sub_iokit_vendor_specific err_sub(-2)
#endif
#ifndef iokit_vendor_specific_msg
#define iokit_vendor_specific_msg(message) ((uint32_t)(sys_iokit | sub_iokit_vendor_specific | (message)))
#endif
#define kVDMessageStateChanged iokit_vendor_specific_msg(0x100)

#endif /* VIRTUALDEVICE_SHARED_H */
