/*
 * VirtualDeviceUserClient — the VirtualDevice driver's user client: what a
 * user process gets when it opens the driver (IOServiceOpen), and how it
 * moves data to and from the device (the workshop's exercise 3). The
 * driver's personality names this class in IOUserClientClass, so
 * IOService's default newUserClient makes one per open.
 *
 * Every method runs on the driver's work loop: the client puts its own
 * command gate (and a timer for async completions) on the driver's loop
 * in start(), and externalMethod passes the call through the gate, where
 * IOUserClient's externalMethod checks the arguments against the dispatch
 * table and calls the method. The methods and their argument shapes are
 * listed in VirtualDeviceShared.h.
 *
 *   scalars          kVDSetRegister / kVDGetRegister / kVDSetState
 *   struct in / out  kVDWriteBuffer / kVDReadBuffer: inline up to 4096
 *                    bytes, larger through the memory descriptor over the
 *                    caller's buffer (prepare, readBytes/writeBytes, complete)
 *   shared memory    clientMemoryForType(kVDMemoryCounters): the driver's
 *                    counters page, mapped read-only
 *   async            kVDStartOperation keeps the async reference and the
 *                    timer completes it later with sendAsyncResult64
 *   a long call      kVDSleep sleeps in the gate (commandSleep opens it),
 *                    so other calls and the device keep running
 *
 * Shutdown: stop() marks the client stopping, wakes sleepers and waits
 * until none is left inside, aborts a pending operation (its completion
 * carries kIOReturnAborted), then takes its sources off the loop. Calls
 * that arrive later get kIOReturnNotAttached (kIOReturnNoDevice after a
 * surprise removal; kIOReturnOffline if still active). The client keeps the driver and
 * its work loop retained until free(), so a late call never touches freed
 * memory. clientDied (the process exited without closing) is counted in
 * the driver's "ClientsDied" property.
 */
#include <mach/kmod.h>
#include <kern/clock.h>
#include <sys/proc.h>
#include <string.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOUserClient.h>
#include <IOKit/IOMemoryDescriptor.h>
#include <IOKit/OSMessageNotification.h>
#include "VirtualDevice.h"

OSDeclareDefaultStructors(VirtualDeviceUserClient, IOUserClient);

struct VirtualDeviceUserClient {
	IOUserClient super;
	int pid;                     /* the process that opened us */
	VirtualDeviceDriver *driver; /* retained from start to free */
	IOWorkLoop *workLoop;        /* the driver's, retained from start to free */
	IOCommandGate *gate;         /* ours, on the driver's loop */
	IOTimerEventSource *opTimer; /* completes kVDStartOperation */
	/* Below: with the gate closed. */
	OSAsyncReference64 opRef;
	uint64_t opTicket;
	uint32_t active; /* calls sleeping in the gate */
	bool opPending;
	bool started; /* counted in the driver's clients */
	bool stopping;
	bool closed;
};

typedef struct VirtualDeviceUserClient VDUC;

static VirtualDeviceDriver *
vduc_driver(OSObject *target)
{
	return ((VDUC *)target)->driver;
}

/* ---- the methods (gate closed; arguments already checked against the table) -------------- */

static IOReturn
vduc_setRegister(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	VirtualDeviceDriver *drv = vduc_driver(target);

	if (a->scalarInput[0] >= kVDRegisterCount)
		return kIOReturnBadArgument;
	a->scalarOutput[0] = drv->registers[a->scalarInput[0]];
	drv->registers[a->scalarInput[0]] = a->scalarInput[1];
	return kIOReturnSuccess;
}

static IOReturn
vduc_getRegister(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	VirtualDeviceDriver *drv = vduc_driver(target);

	if (a->scalarInput[0] >= kVDRegisterCount)
		return kIOReturnBadArgument;
	a->scalarOutput[0] = drv->registers[a->scalarInput[0]];
	return kIOReturnSuccess;
}

/* Copy a client's descriptor into the device (dir Out) or the device into it (dir In). */
static IOReturn
vduc_transfer(IOMemoryDescriptor *md, IODirection dir, uint8_t *device, IOByteCount length)
{
	IOByteCount done;
	IOReturn ret;

	/* prepare stands for wiring: the client's pages must be there for the whole copy. */
	if ((ret = IOMemoryDescriptor_prepare(md, dir)) != kIOReturnSuccess)
		return ret;
	done = dir == kIODirectionOut ? IOMemoryDescriptor_readBytes(md, 0, device, length)
	                              : IOMemoryDescriptor_writeBytes(md, 0, device, length);
	(void)IOMemoryDescriptor_complete(md, dir);
	return done == length ? kIOReturnSuccess : kIOReturnVMError;
}

static IOReturn
vduc_writeBuffer(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	VirtualDeviceDriver *drv = vduc_driver(target);
	IOByteCount len = a->structureInputDescriptor != NULL
	                          ? IOMemoryDescriptor_getLength(a->structureInputDescriptor)
	                          : a->structureInputSize;
	IOReturn ret = kIOReturnSuccess;

	if (len == 0)
		return kIOReturnBadArgument;
	if (len > kVDBufferSize)
		return kIOReturnNoSpace;
	if (a->structureInputDescriptor != NULL)
		ret = vduc_transfer(a->structureInputDescriptor, kIODirectionOut, drv->buffer, len);
	else
		memcpy(drv->buffer, a->structureInput, len);
	/* A failed copy leaves the buffer's contents undefined: the device holds nothing then. */
	drv->bufferLength = ret == kIOReturnSuccess ? (uint32_t)len : 0;
	if (ret == kIOReturnSuccess)
		drv->stats.bytesWritten += len;
	return ret;
}

static IOReturn
vduc_readBuffer(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	VirtualDeviceDriver *drv = vduc_driver(target);
	IOMemoryDescriptor *md = a->structureOutputDescriptor;
	IOByteCount room = md != NULL ? IOMemoryDescriptor_getLength(md) : a->structureOutputSize;
	IOByteCount n = room < drv->bufferLength ? room : drv->bufferLength;
	IOReturn ret = kIOReturnSuccess;

	if (md != NULL) {
		if (n > 0)
			ret = vduc_transfer(md, kIODirectionIn, drv->buffer, n);
		a->structureOutputDescriptorSize = ret == kIOReturnSuccess ? (uint32_t)n : 0;
	} else {
		memcpy(a->structureOutput, drv->buffer, n);
		a->structureOutputSize = (uint32_t)n;
	}
	if (ret == kIOReturnSuccess)
		drv->stats.bytesRead += n;
	return ret;
}

static IOReturn
vduc_setState(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	uint32_t previous = 0;
	IOReturn ret;

	if (a->scalarInput[0] > UINT32_MAX)
		return kIOReturnBadArgument;
	ret = VirtualDeviceDriver_setState(vduc_driver(target), (uint32_t)a->scalarInput[0], &previous);
	a->scalarOutput[0] = previous;
	return ret;
}

static IOReturn
vduc_sleep(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	VDUC *self = (VDUC *)target;
	VirtualDeviceDriver *drv = self->driver;
	uint64_t deadline;
	IOReturn wr = THREAD_AWAKENED;

	if (a->scalarInput[0] > kVDMaxDelayMS)
		return kIOReturnBadArgument;
	clock_interval_to_deadline((uint32_t)a->scalarInput[0], kMillisecondScale, &deadline);
	self->active++;
	drv->sleepers++;
	/* commandSleep opens the gate while we sleep: the device and the other calls go on. */
	while (!self->stopping && !drv->gone && wr != THREAD_TIMED_OUT)
		wr = IOCommandGate_commandSleepDeadline(self->gate, &self->stopping, deadline, THREAD_UNINT);
	drv->sleepers--;
	if (--self->active == 0 && self->stopping)
		IOCommandGate_commandWakeup(self->gate, &self->active, false);
	return drv->gone ? kIOReturnNoDevice : self->stopping ? kIOReturnAborted : kIOReturnSuccess;
}

static IOReturn
vduc_startOperation(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	VDUC *self = (VDUC *)target;
	uint32_t n;

	/* Only IOConnectCallAsync* calls bring a wake port to answer on. */
	if (a->asyncWakePort == NULL || a->asyncReference == NULL)
		return kIOReturnBadArgument;
	if (a->scalarInput[0] > kVDMaxDelayMS)
		return kIOReturnBadArgument;
	if (self->opPending)
		return kIOReturnBusy;
	n = a->asyncReferenceCount < kOSAsyncRef64Count ? a->asyncReferenceCount : kOSAsyncRef64Count;
	memset(self->opRef, 0, sizeof(self->opRef));
	memcpy(self->opRef, a->asyncReference, n * sizeof(io_user_reference_t));
	self->opTicket = ++self->driver->nextTicket;
	self->opPending = true;
	a->scalarOutput[0] = self->opTicket;
	return IOTimerEventSource_setTimeoutMS(self->opTimer, (UInt32)a->scalarInput[0]);
}

static IOReturn
vduc_getInfo(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	VirtualDeviceDriver *drv = vduc_driver(target);
	struct VDInfo info = {
	        .version = kVDInfoVersion,
	        .state = drv->running ? kVDStateRunning : kVDStateStopped,
	        .registerCount = kVDRegisterCount,
	        .bufferSize = kVDBufferSize,
	        .bufferLength = drv->bufferLength,
	        .clients = drv->clients,
	        .sleepers = drv->sleepers,
	        .clientsDied = drv->clientsDied,
	        .registryID = IORegistryEntry_getRegistryEntryID(drv),
	};

	memcpy(a->structureOutput, &info, sizeof(info));
	return kIOReturnSuccess;
}

#define VAR kIOUCVariableStructureSize
static const IOExternalMethodDispatch vduc_methods[kVDMethodCount] = {
        /* {function, scalars in, struct in size, scalars out, struct out size} */
        [kVDSetRegister] = {vduc_setRegister, 2, 0, 1, 0},
        [kVDGetRegister] = {vduc_getRegister, 1, 0, 1, 0},
        [kVDWriteBuffer] = {vduc_writeBuffer, 0, VAR, 0, 0},
        [kVDReadBuffer] = {vduc_readBuffer, 0, 0, 0, VAR},
        [kVDSetState] = {vduc_setState, 1, 0, 1, 0},
        [kVDSleep] = {vduc_sleep, 1, 0, 0, 0},
        [kVDStartOperation] = {vduc_startOperation, 1, 0, 1, 0},
        [kVDGetInfo] = {vduc_getInfo, 0, 0, 0, sizeof(struct VDInfo)},
};
#undef VAR

/* ---- completing the async operation ------------------------------------------------------ */

/* Gate closed: send the pending operation's completion and drop its reference. */
static void
vduc_completeOperation(VDUC *self, IOReturn result)
{
	VirtualDeviceDriver *drv = self->driver;
	io_user_reference_t args[kVDAsyncArgCount];

	if (!self->opPending)
		return;
	args[kVDAsyncArgTicket] = self->opTicket;
	args[kVDAsyncArgInterrupts] = drv->interruptCount;
	args[kVDAsyncArgRegister0] = drv->registers[0];
	(void)IOUserClient_sendAsyncResult64(self->opRef, result, args, kVDAsyncArgCount);
	(void)IOUserClient_releaseAsyncReference64(self->opRef);
	self->opPending = false;
	if (result == kIOReturnSuccess) {
		drv->stats.asyncCompleted++;
		VirtualDeviceDriver_publish(drv);
	}
}

/* Work loop: the operation's time has come. */
static void
vduc_operationDone(OSObject *owner, IOTimerEventSource *sender)
{
	vduc_completeOperation((VDUC *)owner, kIOReturnSuccess);
}

/* ---- IOUserClient ------------------------------------------------------------------------ */

/* Gate action: check the arguments against the table and run the method, as one step. */
static IOReturn
vduc_gatedMethod(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3)
{
	VDUC *self = (VDUC *)owner;
	uint32_t selector = (uint32_t)(uintptr_t)arg0;
	IOExternalMethodArguments *args = arg1;
	IOReturn ret;

	/* Removed: no device behind us (gone by surprise), or a client being torn down. */
	if (self->driver->gone)
		return kIOReturnNoDevice;
	if (IOService_isInactive(self))
		return kIOReturnNotAttached;
	if (self->stopping)
		return kIOReturnOffline;
	ret = OSSuperCall(VirtualDeviceUserClient, externalMethod, IOUC_(self), selector, args,
	                  (IOExternalMethodDispatch *)&vduc_methods[selector], OSObj(self), NULL);
	self->driver->stats.methodCalls++;
	VirtualDeviceDriver_publish(self->driver);
	return ret;
}

static IOReturn
VirtualDeviceUserClient_externalMethod(IOUserClient *uc, uint32_t selector, IOExternalMethodArguments *args,
                                       IOExternalMethodDispatch *dispatch, OSObject *target, void *reference)
{
	VDUC *self = (VDUC *)uc;
	IOReturn ret;

	/* The selector is ours to check; the superclass checks the rest against the entry. */
	if (selector >= kVDMethodCount)
		return kIOReturnUnsupported;
	if (self->gate == NULL)
		return kIOReturnNotReady; /* never started */
	ret = IOCommandGate_runAction(self->gate, vduc_gatedMethod, (void *)(uintptr_t)selector, args, NULL,
	                              NULL);
	if (ret != kIOReturnNotReady)
		return ret;
	/*
	 * The gate is off the loop: we have stopped. A removed device keeps
	 * answering as one (the same errors as in the gate, so a program sees
	 * one consistent answer however late it calls); else we are offline.
	 */
	if (self->driver->gone)
		return kIOReturnNoDevice;
	return IOService_isInactive(self) ? kIOReturnNotAttached : kIOReturnOffline;
}

/* Gate action: the counters page, retained, unless the client is on its way out. */
static IOReturn
vduc_gatedMemory(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3)
{
	VDUC *self = (VDUC *)owner;
	IOBufferMemoryDescriptor *md = self->driver->countersMemory;

	if (self->stopping || md == NULL)
		return kIOReturnOffline;
	OSObject_retain(md);
	*(IOMemoryDescriptor **)arg0 = (IOMemoryDescriptor *)md;
	return kIOReturnSuccess;
}

static IOReturn
VirtualDeviceUserClient_clientMemoryForType(IOUserClient *uc, UInt32 type, IOOptionBits *options,
                                            IOMemoryDescriptor **memory)
{
	VDUC *self = (VDUC *)uc;
	IOReturn ret;

	if (type != kVDMemoryCounters)
		return kIOReturnBadArgument;
	if (self->gate == NULL)
		return kIOReturnNotReady;
	/* In the gate: the driver releases the page when it stops. The caller consumes our reference. */
	ret = IOCommandGate_runAction(self->gate, vduc_gatedMemory, memory, NULL, NULL, NULL);
	if (ret != kIOReturnSuccess)
		return ret == kIOReturnNotReady ? kIOReturnOffline : ret;
	/* The driver writes the page; clients only read it. */
	*options |= kIOMapReadOnly;
	return kIOReturnSuccess;
}

static bool
VirtualDeviceUserClient_initWithTask(IOUserClient *uc, task_t owningTask, void *securityToken, UInt32 type,
                                     OSDictionary *properties)
{
	/* One kind of connection only. */
	if (type != kVDUserClientTypeDefault)
		return false;
	if (!OSSuperCall(VirtualDeviceUserClient, initWithTask, uc, owningTask, securityToken, type,
	                 properties))
		return false;
	((VDUC *)uc)->pid = proc_selfpid(); /* newUserClient runs on the opener's call */
	return true;
}

/* Gate action: count a client in (arg0 non-NULL) or out of the driver. */
static IOReturn
vduc_gatedAttach(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3)
{
	VDUC *self = (VDUC *)owner;

	if (arg0 != NULL) {
		self->driver->clients++;
		self->started = true;
		return kIOReturnSuccess;
	}
	/* Leaving: no new calls, sleepers wake and go, then the pending operation is aborted. */
	self->stopping = true;
	IOCommandGate_commandWakeup(self->gate, &self->stopping, false);
	while (self->active > 0)
		(void)IOCommandGate_commandSleep(self->gate, &self->active, THREAD_UNINT);
	IOTimerEventSource_cancelTimeout(self->opTimer);
	vduc_completeOperation(self, kIOReturnAborted);
	if (self->started) {
		self->driver->clients--;
		self->started = false;
	}
	return kIOReturnSuccess;
}

/* Take our sources off the driver's loop. */
static void
vduc_removeSources(VDUC *self)
{
	if (self->workLoop == NULL)
		return;
	if (self->opTimer != NULL)
		(void)IOWorkLoop_removeEventSource(self->workLoop, self->opTimer);
	if (self->gate != NULL)
		(void)IOWorkLoop_removeEventSource(self->workLoop, self->gate);
}

static bool
VirtualDeviceUserClient_start(IOService *service, IOService *provider)
{
	VDUC *self = (VDUC *)service;
	VirtualDeviceDriver *drv = OSDynamicCast(VirtualDeviceDriver, provider);

	if (drv == NULL || drv->workLoop == NULL)
		return false;
	if (!OSSuperCallAs(VirtualDeviceUserClient, IOService, start, service, provider))
		return false;
	OSObject_retain(drv);
	self->driver = drv;
	OSObject_retain(drv->workLoop);
	self->workLoop = drv->workLoop;
	self->gate = IOCommandGate_commandGate(OSObj(self), NULL);
	self->opTimer = IOTimerEventSource_timerEventSource(OSObj(self), vduc_operationDone);
	if (self->gate == NULL || self->opTimer == NULL ||
	    IOWorkLoop_addEventSource(self->workLoop, self->gate) != kIOReturnSuccess ||
	    IOWorkLoop_addEventSource(self->workLoop, self->opTimer) != kIOReturnSuccess ||
	    IOCommandGate_runAction(self->gate, vduc_gatedAttach, (void *)1, NULL, NULL, NULL) !=
	            kIOReturnSuccess) {
		vduc_removeSources(self);
		OSSuperCallAs(VirtualDeviceUserClient, IOService, stop, service, provider);
		return false; /* free() releases what we made */
	}
	return true;
}

/* Gate action: the device went by surprise: sleepers wake (kIOReturnNoDevice), the operation fails. */
static IOReturn
vduc_gatedGone(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3)
{
	VDUC *self = (VDUC *)owner;

	IOCommandGate_commandWakeup(self->gate, &self->stopping, false);
	IOTimerEventSource_cancelTimeout(self->opTimer);
	vduc_completeOperation(self, kIOReturnNoDevice);
	return kIOReturnSuccess;
}

/* Termination, phase 2: the driver (our provider) has heard first; act on a surprise removal. */
static bool
VirtualDeviceUserClient_willTerminate(IOService *service, IOService *provider, IOOptionBits options)
{
	VDUC *self = (VDUC *)service;

	if (self->gate != NULL && self->driver != NULL && self->driver->gone)
		(void)IOCommandGate_runAction(self->gate, vduc_gatedGone, NULL, NULL, NULL, NULL);
	return OSSuperCallAs(VirtualDeviceUserClient, IOService, willTerminate, service, provider, options);
}

static void
VirtualDeviceUserClient_stop(IOService *service, IOService *provider)
{
	VDUC *self = (VDUC *)service;

	(void)IOCommandGate_runAction(self->gate, vduc_gatedAttach, NULL, NULL, NULL, NULL);
	vduc_removeSources(self);
	OSSuperCallAs(VirtualDeviceUserClient, IOService, stop, service, provider);
}

static IOReturn
VirtualDeviceUserClient_clientClose(IOUserClient *uc)
{
	((VDUC *)uc)->closed = true;
	return OSSuperCall(VirtualDeviceUserClient, clientClose, uc);
}

/* Gate action: one more client died (the driver's count and property). */
static IOReturn
vduc_gatedDied(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3)
{
	VirtualDeviceDriver *drv = vduc_driver(owner);

	drv->clientsDied++;
	(void)IORegistryEntry_setPropertyNumber(drv, "ClientsDied", drv->clientsDied, 64);
	return kIOReturnSuccess;
}

static IOReturn
VirtualDeviceUserClient_clientDied(IOUserClient *uc)
{
	VDUC *self = (VDUC *)uc;

	/* Runs once the calls the process had in progress have returned. */
	if (!self->closed && self->driver != NULL) {
		IOLog("VirtualDeviceUserClient: clientDied (pid %d exited without closing)\n", self->pid);
		(void)IOCommandGate_runAction(self->gate, vduc_gatedDied, NULL, NULL, NULL, NULL);
	}
	return OSSuperCall(VirtualDeviceUserClient, clientDied, uc);
}

static void
VirtualDeviceUserClient_free(OSObject *obj)
{
	VDUC *self = (VDUC *)obj;

	OSSafeReleaseNULL(self->opTimer);
	OSSafeReleaseNULL(self->gate);
	OSSafeReleaseNULL(self->workLoop);
	OSSafeReleaseNULL(self->driver);
	OSSuperCallAs(VirtualDeviceUserClient, OSObject, free, obj);
}

static const OSMethod VirtualDeviceUserClient_methods[] = {
        OSMethodOverride(IOService, start, VirtualDeviceUserClient_start),
        OSMethodOverride(IOService, stop, VirtualDeviceUserClient_stop),
        OSMethodOverride(IOService, willTerminate, VirtualDeviceUserClient_willTerminate),
        OSMethodOverride(IOUserClient, initWithTask, VirtualDeviceUserClient_initWithTask),
        OSMethodOverride(IOUserClient, clientClose, VirtualDeviceUserClient_clientClose),
        OSMethodOverride(IOUserClient, clientDied, VirtualDeviceUserClient_clientDied),
        OSMethodOverride(IOUserClient, clientMemoryForType, VirtualDeviceUserClient_clientMemoryForType),
        OSMethodOverride(IOUserClient, externalMethod, VirtualDeviceUserClient_externalMethod),
        OSMethodOverride(OSObject, free, VirtualDeviceUserClient_free),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(VirtualDeviceUserClient, IOUserClient, VirtualDeviceUserClient_methods);
