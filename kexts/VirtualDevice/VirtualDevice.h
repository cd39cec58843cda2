/*
 * VirtualDevice.h — the VirtualDevice kext's private interface between the
 * driver (VirtualDevice.c) and its user client (VirtualDeviceUserClient.c).
 *
 * The user client's command gate sits on the driver's work loop, so its
 * methods run with the same gate closed as the driver's interrupt and timer
 * actions: the VirtualDeviceDriver_* calls below require it (they assert
 * IOWorkLoop_inGate) and never block.
 */
#ifndef VIRTUALDEVICE_H
#define VIRTUALDEVICE_H

#include <IOKit/IOService.h>
#include <IOKit/IOWorkLoop.h>
#include <IOKit/IOInterruptEventSource.h>
#include <IOKit/IOTimerEventSource.h>
#include <IOKit/IOCommandGate.h>
#include <IOKit/IOBufferMemoryDescriptor.h>
#include "VirtualDeviceShared.h"

OSDeclareDefaultStructors(VirtualDeviceDriver, IOService);

struct VirtualDeviceDriver {
	IOService super;
	IOWorkLoop *workLoop;
	IOInterruptEventSource *intSource;
	IOTimerEventSource *timer;
	IOCommandGate *gate;
	IOBufferMemoryDescriptor *countersMemory; /* the page clients map (kVDMemoryCounters) */
	struct VDSharedCounters *shared;          /* its kernel address */
	uint8_t *buffer;                          /* the device's data, kVDBufferSize bytes */
	/* State below is touched only with the work loop's gate closed. */
	uint64_t interruptCount;
	uint64_t timerTicks;
	struct VDSharedCounters stats; /* the driver's copy of what `shared` shows */
	uint64_t registers[kVDRegisterCount];
	uint32_t bufferLength;
	uint32_t clients;     /* user clients started and not yet stopped */
	uint32_t sleepers;    /* kVDSleep calls in progress */
	uint64_t clientsDied; /* user clients whose process exited without closing */
	uint64_t nextTicket;  /* kVDStartOperation tickets */
	bool running;
	bool gone; /* surprise removal: the device went before we heard (IOVirtualDeviceGone) */
	/* Power (setPowerState runs on the PM thread and enters the gate): off 0, doze 1, on 2. */
	unsigned long powerState;
	uint64_t savedRegisters[kVDRegisterCount]; /* kept across off (sleep) and restored on */
	bool pmStarted;
};

/* VirtualDevice's power states. */
enum { kVDPowerOff = 0, kVDPowerDoze = 1, kVDPowerOn = 2, kVDPowerStateCount = 3 };

/* Copy `stats` to the shared page (seqlock), stamped now. Gate closed. */
void VirtualDeviceDriver_publish(VirtualDeviceDriver *self);

/*
 * Start (kVDStateRunning) or stop (kVDStateStopped) the device's timer; on
 * a change, tell the interested clients (kVDMessageStateChanged, argument
 * the new state). *previous gets the old state. Gate closed.
 */
IOReturn VirtualDeviceDriver_setState(VirtualDeviceDriver *self, uint32_t state, uint32_t *previous);

#endif /* VIRTUALDEVICE_H */
