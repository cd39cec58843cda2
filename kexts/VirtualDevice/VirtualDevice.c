/*
 * VirtualDevice — the workshop's virtual device driver, driver side: an
 * I/O Kit driver in C for the IOVirtualDevice nubs the virtual bus publishes
 * (devctl add --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1).
 *
 * Its personality (Info.plist) matches on the nub's VendorID and ProductID
 * (IOPropertyMatch), so installing the kext in the kernel root's Extensions/
 * is enough: publishing a matching nub loads it on demand and starts
 * VirtualDeviceDriver on the nub. start() builds the driver's own work loop
 * with three event sources, all running with the work loop's gate closed:
 *
 *   IOInterruptEventSource  the nub's line 0; the action gets the number of
 *                           interrupts taken since it last ran (coalesced)
 *   IOTimerEventSource      a tick every 500 ms, re-armed by its action
 *   IOCommandGate           how outside threads (start, stop) reach the
 *                           driver's state under the same gate
 *
 * The driver publishes its state as properties, updated on the work loop:
 * "InterruptCount", "TimerTicks", "LastInterruptAt" (uptime in ns),
 * "State" ("Running", then "Stopped") and "ClientsDied". See them with
 * `ioreg -l -r -c VirtualDeviceDriver`. stop() undoes start() in reverse;
 * free() releases what a failed start left behind.
 *
 * Power (docs/IOKIT.md "Power management"): three states, off, doze and
 * on; doze and on need power from the parent, so system sleep turns the
 * device off. Going off saves the registers and stops the timer; coming
 * back on restores them and runs again ("PowerState" shows the state).
 * The driver wants doze (changePowerStateTo); activity (each timer tick
 * while clients are open) raises it to on, and an idle timer of
 * VD_IDLE_SECONDS steps it back down one state per quiet period.
 *
 * The device: 8 registers, a 64 KiB data buffer and a page of counters it
 * shares with user processes (kIOMemoryKernelUserShared). User processes
 * reach all three through VirtualDeviceUserClient (VirtualDeviceUserClient.c,
 * named by the personality's IOUserClientClass); the exercise's user
 * program is user/vdclient.c.
 */
#include <mach/kmod.h>
#include <kern/assert.h>
#include <kern/clock.h>
#include <string.h>
#include <IOKit/IOLib.h>
#include "VirtualDevice.h"

#define VD_TICK_MS 500
#define VD_IDLE_SECONDS 5

static IOPMPowerState VirtualDevice_powerStates[kVDPowerStateCount] = {
        {kIOPMPowerStateVersion1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {kIOPMPowerStateVersion1, kIOPMLowPower, 0, kIOPMPowerOn, 0, 0, 0, 0, 0, 0, 0, 0},
        /* On at start: kIOPMInitialDeviceState spares PM's initial setPowerState(On). */
        {kIOPMPowerStateVersion1, kIOPMDeviceUsable | kIOPMInitialDeviceState, 0, kIOPMPowerOn, 0, 0, 0, 0, 0,
         0, 0, 0},
};

void
VirtualDeviceDriver_publish(VirtualDeviceDriver *self)
{
	struct VDSharedCounters *c = self->shared;
	uint64_t now;

	assert(IOWorkLoop_inGate(self->workLoop));
	clock_get_uptime(&now);
	absolutetime_to_nanoseconds(now, &self->stats.lastUpdateNs);
	self->stats.state = self->running ? kVDStateRunning : kVDStateStopped;
	self->stats.interrupts = self->interruptCount;
	self->stats.timerTicks = self->timerTicks;
	if (c == NULL)
		return;
	/* Seqlock writer: odd while the fields change, even (and 2 more) after. */
	__atomic_store_n(&c->sequence, self->stats.sequence + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&c->state, self->stats.state, __ATOMIC_RELAXED);
	__atomic_store_n(&c->interrupts, self->stats.interrupts, __ATOMIC_RELAXED);
	__atomic_store_n(&c->timerTicks, self->stats.timerTicks, __ATOMIC_RELAXED);
	__atomic_store_n(&c->methodCalls, self->stats.methodCalls, __ATOMIC_RELAXED);
	__atomic_store_n(&c->bytesWritten, self->stats.bytesWritten, __ATOMIC_RELAXED);
	__atomic_store_n(&c->bytesRead, self->stats.bytesRead, __ATOMIC_RELAXED);
	__atomic_store_n(&c->asyncCompleted, self->stats.asyncCompleted, __ATOMIC_RELAXED);
	__atomic_store_n(&c->lastUpdateNs, self->stats.lastUpdateNs, __ATOMIC_RELAXED);
	self->stats.sequence += 2;
	__atomic_store_n(&c->sequence, self->stats.sequence, __ATOMIC_RELEASE);
}

/* Work loop: the coalesced interrupts since the last run. */
static void
VirtualDeviceDriver_interrupt(OSObject *owner, IOInterruptEventSource *sender, int count)
{
	VirtualDeviceDriver *self = (VirtualDeviceDriver *)owner;
	uint64_t now, ns;

	clock_get_uptime(&now);
	absolutetime_to_nanoseconds(now, &ns);
	self->interruptCount += (uint64_t)count;
	(void)IORegistryEntry_setPropertyNumber(self, "InterruptCount", self->interruptCount, 64);
	(void)IORegistryEntry_setPropertyNumber(self, "LastInterruptAt", ns, 64);
	VirtualDeviceDriver_publish(self);
}

/* Work loop: one tick; re-armed while the driver runs. */
static void
VirtualDeviceDriver_tick(OSObject *owner, IOTimerEventSource *sender)
{
	VirtualDeviceDriver *self = (VirtualDeviceDriver *)owner;

	if (!self->running)
		return;
	self->timerTicks++;
	/* Clients using the device count as activity: it stays on while they do. */
	if (self->clients != 0 && self->pmStarted)
		(void)IOService_activityTickle(self, kIOPMSuperclassPolicy1, kVDPowerOn);
	(void)IORegistryEntry_setPropertyNumber(self, "TimerTicks", self->timerTicks, 64);
	VirtualDeviceDriver_publish(self);
	(void)IOTimerEventSource_setTimeoutMS(sender, VD_TICK_MS);
}

IOReturn
VirtualDeviceDriver_setState(VirtualDeviceDriver *self, uint32_t state, uint32_t *previous)
{
	bool run = state == kVDStateRunning, was = self->running;
	IOReturn ret = kIOReturnSuccess;

	assert(IOWorkLoop_inGate(self->workLoop));
	if (state != kVDStateRunning && state != kVDStateStopped)
		return kIOReturnBadArgument;
	if (previous != NULL)
		*previous = was ? kVDStateRunning : kVDStateStopped;
	self->running = run;
	(void)IORegistryEntry_setPropertyString(self, "State", run ? "Running" : "Stopped");
	if (run) {
		(void)IORegistryEntry_setPropertyNumber(self, "InterruptCount", self->interruptCount, 64);
		(void)IORegistryEntry_setPropertyNumber(self, "TimerTicks", self->timerTicks, 64);
		ret = IOTimerEventSource_setTimeoutMS(self->timer, VD_TICK_MS);
	} else {
		IOTimerEventSource_cancelTimeout(self->timer);
	}
	VirtualDeviceDriver_publish(self);
	/* Interest notifications (IOServiceAddInterestNotification) hear of each change. */
	if (run != was)
		(void)IOService_messageClients(self, kVDMessageStateChanged, (void *)(uintptr_t)state, 0);
	return ret;
}

/* Gate action: start (arg0 non-NULL) or stop running. */
static IOReturn
VirtualDeviceDriver_setRunning(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3)
{
	return VirtualDeviceDriver_setState((VirtualDeviceDriver *)owner,
	                                    arg0 != NULL ? kVDStateRunning : kVDStateStopped, NULL);
}

static const char *const VirtualDevice_powerNames[] = {"Off", "Doze", "On"};

/* Gate action: move the device to power state arg0 (saving or restoring its registers). */
static IOReturn
VirtualDeviceDriver_powerAction(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3)
{
	VirtualDeviceDriver *self = (VirtualDeviceDriver *)owner;
	unsigned long state = (unsigned long)(uintptr_t)arg0;

	if (state == kVDPowerOff && self->powerState != kVDPowerOff) {
		memcpy(self->savedRegisters, self->registers, sizeof(self->registers));
		(void)VirtualDeviceDriver_setState(self, kVDStateStopped, NULL);
	} else if (state != kVDPowerOff && self->powerState == kVDPowerOff) {
		memcpy(self->registers, self->savedRegisters, sizeof(self->registers));
		(void)VirtualDeviceDriver_setState(self, kVDStateRunning, NULL);
	}
	self->powerState = state;
	(void)IORegistryEntry_setPropertyString(self, "PowerState", VirtualDevice_powerNames[state]);
	return kIOReturnSuccess;
}

/* PM thread: not the work loop, so take the gate. */
static IOReturn
VirtualDeviceDriver_setPowerState(IOService *service, unsigned long state, IOService *whatDevice)
{
	VirtualDeviceDriver *self = (VirtualDeviceDriver *)service;

	if (state >= kVDPowerStateCount || self->gate == NULL)
		return kIOPMAckImplied;
	IOLog("VirtualDeviceDriver: setPowerState %s -> %s\n", VirtualDevice_powerNames[self->powerState],
	      VirtualDevice_powerNames[state]);
	(void)IOCommandGate_runAction(self->gate, VirtualDeviceDriver_powerAction, (void *)(uintptr_t)state,
	                              NULL, NULL, NULL);
	return kIOPMAckImplied;
}

/* Take the event sources off the work loop and release everything start() made. */
static void
VirtualDeviceDriver_teardown(VirtualDeviceDriver *self)
{
	if (self->intSource != NULL) {
		IOEventSource_disable(self->intSource);
		if (self->workLoop != NULL)
			(void)IOWorkLoop_removeEventSource(self->workLoop, IOEvtSrc_(self->intSource));
	}
	if (self->timer != NULL && self->workLoop != NULL)
		(void)IOWorkLoop_removeEventSource(self->workLoop, IOEvtSrc_(self->timer));
	if (self->gate != NULL && self->workLoop != NULL)
		(void)IOWorkLoop_removeEventSource(self->workLoop, IOEvtSrc_(self->gate));
	OSSafeReleaseNULL(self->gate);
	OSSafeReleaseNULL(self->timer);
	OSSafeReleaseNULL(self->intSource);
	OSSafeReleaseNULL(self->workLoop);
	self->shared = NULL;
	OSSafeReleaseNULL(self->countersMemory);
	if (self->buffer != NULL) {
		IOFree(self->buffer, kVDBufferSize);
		self->buffer = NULL;
	}
}

/*
 * The device's memory: the data buffer, and the counters page made
 * kIOMemoryKernelUserShared so that clientMemoryForType can hand it to a
 * user process to map.
 */
static bool
VirtualDeviceDriver_allocMemory(VirtualDeviceDriver *self)
{
	self->buffer = IOMalloc(kVDBufferSize);
	self->countersMemory = IOBufferMemoryDescriptor_inTaskWithOptions(
	        kernel_task, kIOMemoryKernelUserShared | kIODirectionInOut, 4096, 4096);
	if (self->buffer == NULL || self->countersMemory == NULL)
		return false;
	memset(self->buffer, 0, kVDBufferSize);
	self->shared = IOBufferMemoryDescriptor_getBytesNoCopy(self->countersMemory);
	self->shared->magic = kVDCountersMagic;
	return true;
}

static bool
VirtualDeviceDriver_start(IOService *service, IOService *provider)
{
	VirtualDeviceDriver *self = (VirtualDeviceDriver *)service;

	if (!OSSuperCall(VirtualDeviceDriver, start, service, provider))
		return false;
	if (!VirtualDeviceDriver_allocMemory(self)) {
		IOLog("VirtualDeviceDriver: no memory for the device\n");
		goto fail;
	}
	self->workLoop = IOWorkLoop_workLoop();
	self->intSource = IOInterruptEventSource_interruptEventSource(
	        OSObj(self), VirtualDeviceDriver_interrupt, provider, 0);
	self->timer = IOTimerEventSource_timerEventSource(OSObj(self), VirtualDeviceDriver_tick);
	self->gate = IOCommandGate_commandGate(OSObj(self), NULL);
	if (self->workLoop == NULL || self->intSource == NULL || self->timer == NULL || self->gate == NULL ||
	    IOWorkLoop_addEventSource(self->workLoop, self->gate) != kIOReturnSuccess ||
	    IOWorkLoop_addEventSource(self->workLoop, self->timer) != kIOReturnSuccess ||
	    IOWorkLoop_addEventSource(self->workLoop, self->intSource) != kIOReturnSuccess) {
		IOLog("VirtualDeviceDriver: can't set up the work loop (is interrupt line 0 there?)\n");
		goto fail;
	}
	if (IOCommandGate_runAction(self->gate, VirtualDeviceDriver_setRunning, (void *)1, NULL, NULL,
	                            NULL) != kIOReturnSuccess)
		goto fail;
	(void)IORegistryEntry_setPropertyNumber(self, "ClientsDied", 0, 64);
	IOEventSource_enable(self->intSource);
	/* Power management: join the power plane, running (on) until the idle timer lowers it. */
	self->powerState = kVDPowerOn;
	(void)IORegistryEntry_setPropertyString(self, "PowerState", "On");
	IOService_PMinit(self);
	IOService_joinPMtree(provider, self);
	if (IOService_registerPowerDriver(self, self, VirtualDevice_powerStates, kVDPowerStateCount) ==
	    IOPMNoErr) {
		self->pmStarted = true;
		(void)IOService_changePowerStateTo(self, kVDPowerDoze);
		(void)IOService_activityTickle(self, kIOPMSuperclassPolicy1, kVDPowerOn);
		(void)IOService_setIdleTimerPeriod(self, VD_IDLE_SECONDS);
	}
	IOLog("VirtualDeviceDriver: started on %s\n", IORegistryEntry_getName(provider, NULL));
	/* Publish the driver, so matching notifications and clients can find it. */
	IOService_registerService(self, 0);
	return true;
fail:
	VirtualDeviceDriver_teardown(self);
	OSSuperCall(VirtualDeviceDriver, stop, service, provider);
	return false;
}

static void
VirtualDeviceDriver_stop(IOService *service, IOService *provider)
{
	VirtualDeviceDriver *self = (VirtualDeviceDriver *)service;

	/*
	 * Reverse of start: stop the interrupts, stop running under the gate, then
	 * take the loop apart. The user clients, our clients, stopped before us.
	 */
	IOEventSource_disable(self->intSource);
	if (self->pmStarted) {
		IOService_PMstop(self); /* waits for a setPowerState in flight */
		self->pmStarted = false;
	}
	(void)IOCommandGate_runAction(self->gate, VirtualDeviceDriver_setRunning, NULL, NULL, NULL, NULL);
	IOLog("VirtualDeviceDriver: stopping (%llu interrupts, %llu ticks)\n",
	      (unsigned long long)self->interruptCount, (unsigned long long)self->timerTicks);
	VirtualDeviceDriver_teardown(self);
	OSSuperCall(VirtualDeviceDriver, stop, service, provider);
}

/* Gate action: the device is gone; stop touching it. */
static IOReturn
VirtualDeviceDriver_markGone(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3)
{
	VirtualDeviceDriver *self = (VirtualDeviceDriver *)owner;

	self->gone = true;
	IOTimerEventSource_cancelTimeout(self->timer);
	return kIOReturnSuccess;
}

/*
 * Termination, phase 2 (root to leaf, before our user clients hear it): on a
 * surprise removal the bus has marked the nub gone, so in-flight I/O must
 * fail now (kIOReturnNoDevice) rather than finish. An orderly removal lets
 * it finish; stop() comes later either way.
 */
static bool
VirtualDeviceDriver_willTerminate(IOService *service, IOService *provider, IOOptionBits options)
{
	VirtualDeviceDriver *self = (VirtualDeviceDriver *)service;

	if (IORegistryEntry_getPropertyCString(provider, "IOVirtualDeviceGone") ==
	    (OSObject *)kOSBooleanTrue) {
		IOLog("VirtualDeviceDriver: device gone (surprise removal)\n");
		(void)IOCommandGate_runAction(self->gate, VirtualDeviceDriver_markGone, NULL, NULL, NULL,
		                              NULL);
	} else {
		IOLog("VirtualDeviceDriver: device being removed\n");
	}
	return OSSuperCall(VirtualDeviceDriver, willTerminate, service, provider, options);
}

static IOWorkLoop *
VirtualDeviceDriver_getWorkLoop(const IOService *service)
{
	return ((const VirtualDeviceDriver *)service)->workLoop;
}

static void
VirtualDeviceDriver_free(OSObject *obj)
{
	VirtualDeviceDriver_teardown((VirtualDeviceDriver *)obj);
	OSSuperCallAs(VirtualDeviceDriver, OSObject, free, obj);
}

static const OSMethod VirtualDeviceDriver_methods[] = {
        OSMethodOverride(IOService, start, VirtualDeviceDriver_start),
        OSMethodOverride(IOService, stop, VirtualDeviceDriver_stop),
        OSMethodOverride(IOService, willTerminate, VirtualDeviceDriver_willTerminate),
        OSMethodOverride(IOService, getWorkLoop, VirtualDeviceDriver_getWorkLoop),
        OSMethodOverride(IOService, setPowerState, VirtualDeviceDriver_setPowerState),
        OSMethodOverride(OSObject, free, VirtualDeviceDriver_free),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(VirtualDeviceDriver, IOService, VirtualDeviceDriver_methods);
