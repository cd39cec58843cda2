/*
 * IOUserClient.c — the IOUserClient class (IOKit/IOUserClient.h): its
 * default methods, the IOExternalMethodDispatch checks of externalMethod,
 * clientHasPrivilege, IOService's default newUserClient, and the
 * bookkeeping that lets the Mach side run clientDied only after the calls
 * a dead owner left running have returned (IOUserClientPrivate.h).
 *
 * Per-client state is one 32-bit word (__ucState), changed with atomic
 * compare-and-swap so a call costs no lock: the number of calls in progress
 * and three flags. CLOSED is XNU's `closed`: set once by the first of
 * io_service_close and the default clientDied, so clientClose runs once.
 * GONE: the owner's last handle went (no new calls); PENDING: GONE came
 * while calls ran, and the last of them runs clientDied.
 *
 * Defaults that differ from XNU's, on purpose: clientClose terminates the
 * client (XNU's answers kIOReturnUnsupported, and a driver that forgets to
 * override it leaks the client attached to its service for ever); getService
 * is the provider (XNU's is NULL).
 */
#include <IOKit/IOUserClient.h>
#include <IOKit/IOLib.h>
#include <sys/kauth.h>
#include "bsd/sys/proc_internal.h"
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOUserClientPrivate.h"
#include <IOKit/IOMemoryDescriptor.h>

#define IOUC_CALLS 0x0fffffffu /* calls from the owner in progress */
#define IOUC_CLOSED 0x10000000u
#define IOUC_GONE 0x20000000u
#define IOUC_PENDING 0x40000000u

static uint32_t iouc_dying; /* clients with IOUC_PENDING set */

/* Set CLOSED if it wasn't; true if this caller set it (and so owns the clientClose). */
static bool
iouc_mark_closed(IOUserClient *uc)
{
	uint32_t s = __atomic_load_n(&uc->__ucState, __ATOMIC_ACQUIRE);

	do {
		if (s & IOUC_CLOSED)
			return false;
	} while (!__atomic_compare_exchange_n(&uc->__ucState, &s, s | IOUC_CLOSED, true, __ATOMIC_ACQ_REL,
	                                      __ATOMIC_ACQUIRE));
	return true;
}

/* ---- default methods ---------------------------------------------------------------- */

static bool
IOUserClient_initWithTaskImpl(IOUserClient *self, task_t owningTask, void *securityToken, UInt32 type,
                              OSDictionary *properties)
{
	if (!IOService_init(self, properties))
		return false;
	self->__owningTask = owningTask;
	return true;
}

static IOReturn
IOUserClient_clientCloseImpl(IOUserClient *self)
{
	if (!IOService_isInactive(self))
		(void)IOService_terminate(self, 0);
	return kIOReturnSuccess;
}

static IOReturn
IOUserClient_clientDiedImpl(IOUserClient *self)
{
	/* After an IOServiceClose the client is already closed: nothing more to do. */
	return iouc_mark_closed(self) ? IOUserClient_clientClose(self) : kIOReturnNotReady;
}

static IOService *
IOUserClient_getServiceImpl(IOUserClient *self)
{
	return IOService_getProvider(self);
}

static IOReturn
IOUserClient_registerNotificationPortImpl(IOUserClient *self, mach_port_t port, UInt32 type,
                                          io_user_reference_t refCon)
{
	return kIOReturnUnsupported;
}

static IOReturn
IOUserClient_connectClientImpl(IOUserClient *self, IOUserClient *client)
{
	return kIOReturnUnsupported;
}

static IOReturn
IOUserClient_clientMemoryForTypeImpl(IOUserClient *self, UInt32 type, IOOptionBits *options,
                                     IOMemoryDescriptor **memory)
{
	return kIOReturnUnsupported;
}

/* The size the structure check compares: a descriptor's length, else the inband size. */
static uint64_t
iouc_struct_size(IOMemoryDescriptor *md, uint32_t inband)
{
	return md != NULL ? IOMemoryDescriptor_getLength(md) : inband;
}

static bool
iouc_check(uint32_t expected, uint64_t actual)
{
	return expected == kIOUCVariableStructureSize || expected == actual;
}

static IOReturn
IOUserClient_externalMethodImpl(IOUserClient *self, uint32_t selector, IOExternalMethodArguments *args,
                                IOExternalMethodDispatch *dispatch, OSObject *target, void *reference)
{
	/* No table entry: the subclass neither knows the selector nor handled it itself. */
	if (dispatch == NULL)
		return kIOReturnUnsupported;
	if (args == NULL)
		return kIOReturnBadArgument;
	if (!iouc_check(dispatch->checkScalarInputCount, args->scalarInputCount) ||
	    !iouc_check(dispatch->checkStructureInputSize,
	                iouc_struct_size(args->structureInputDescriptor, args->structureInputSize)) ||
	    !iouc_check(dispatch->checkScalarOutputCount, args->scalarOutputCount) ||
	    !iouc_check(dispatch->checkStructureOutputSize,
	                iouc_struct_size(args->structureOutputDescriptor, args->structureOutputSize)))
		return kIOReturnBadArgument;
	/* An entry without a function: the subclass dispatches itself after the checks (XNU's answer). */
	if (dispatch->function == NULL)
		return kIOReturnNoCompletion;
	return dispatch->function(target, reference, args);
}

static void
IOUserClient_free(OSObject *obj)
{
	IOUserClient *self = (IOUserClient *)obj;

	OSSafeReleaseNULL(self->mappings);
	OSSuperCallAs(IOUserClient, OSObject, free, obj);
}

static const OSMethod IOUserClient_methods[] = {
        OSMethodOverride(OSObject, free, IOUserClient_free),
        OSMethodOverride(IOUserClient, initWithTask, IOUserClient_initWithTaskImpl),
        OSMethodOverride(IOUserClient, clientClose, IOUserClient_clientCloseImpl),
        OSMethodOverride(IOUserClient, clientDied, IOUserClient_clientDiedImpl),
        OSMethodOverride(IOUserClient, getService, IOUserClient_getServiceImpl),
        OSMethodOverride(IOUserClient, registerNotificationPort, IOUserClient_registerNotificationPortImpl),
        OSMethodOverride(IOUserClient, connectClient, IOUserClient_connectClientImpl),
        OSMethodOverride(IOUserClient, clientMemoryForType, IOUserClient_clientMemoryForTypeImpl),
        OSMethodOverride(IOUserClient, externalMethod, IOUserClient_externalMethodImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndAbstractStructors(IOUserClient, IOService, IOUserClient_methods);

/* ---- non-virtual ----------------------------------------------------------------- */

IOReturn
IOUserClient_clientHasPrivilege(void *securityToken, const char *privilegeName)
{
	proc_t p;

	if (privilegeName == NULL)
		return kIOReturnBadArgument;
	p = get_bsdtask_info((task_t)securityToken);
	if (p == NULL)
		return kIOReturnBadArgument;
	if (strcmp(privilegeName, kIOClientPrivilegeAdministrator) == 0) {
		if (p == kernproc)
			return kIOReturnSuccess;
		return p->p_ucred != NULL && kauth_cred_getuid(p->p_ucred) == 0 ? kIOReturnSuccess
		                                                                : kIOReturnNotPrivileged;
	}
	/* One console, no background/foreground distinction: every client process is local and in front. */
	if (strcmp(privilegeName, kIOClientPrivilegeLocalUser) == 0 ||
	    strcmp(privilegeName, kIOClientPrivilegeForeground) == 0)
		return kIOReturnSuccess;
	return kIOReturnUnsupported;
}

task_t(IOUserClient_getOwner)(const IOUserClient *self)
{
	return self != NULL ? __atomic_load_n(&self->__owningTask, __ATOMIC_ACQUIRE) : TASK_NULL;
}

/* ---- IOService::newUserClient's default ---------------------------------------- */

/* The start is over: let a termination of the provider that waited go on; undo a failed one. */
static void
iouc_start_done(IOUserClient *client, IOService *provider, bool ok)
{
	iosvc_lock();
	__atomic_and_fetch(&IOSvc_(client)->__state[1], ~kIOServiceStartState, __ATOMIC_RELEASE);
	iosvc_unlock();
	if (!ok) {
		if (IORegistryEntry_isParent(IORegEntry_(client), IORegEntry_(provider), gIOServicePlane))
			IOService_detach(client, provider);
		OSObject_release(client);
	}
	iosvc_schedule_phase2(provider, 0);
}

IOReturn
IOService_newUserClientDefault(IOService *self, task_t owningTask, void *securityID, UInt32 type,
                               OSDictionary *properties, IOUserClient **handler)
{
	OSObject *prop, *obj;
	const OSSymbol *className = NULL;
	IOUserClient *client;

	if (handler == NULL)
		return kIOReturnBadArgument;
	*handler = NULL;
	prop = IORegistryEntry_copyProperty(self, gIOUserClientClassKey);
	if (OSDynamicCast(OSSymbol, prop) != NULL) {
		className = (const OSSymbol *)prop;
		OSObject_retain(className);
	} else if (OSDynamicCast(OSString, prop) != NULL) {
		className = OSSymbol_withString((OSString *)prop);
	}
	OSSafeReleaseNULL(prop);
	if (className == NULL)
		return kIOReturnUnsupported;
	obj = OSMetaClass_allocClassWithName(className);
	OSObject_release(className);
	if (obj == NULL)
		return kIOReturnNoMemory;
	client = OSDynamicCast(IOUserClient, obj);
	if (client == NULL) {
		OSObject_release(obj);
		return kIOReturnUnsupported;
	}
	if (!IOUserClient_initWithTask(client, owningTask, securityID, type, properties)) {
		OSObject_release(client);
		return kIOReturnBadArgument;
	}
	/* While we start, the provider's termination waits (XNU's kIOServiceStartState). */
	iosvc_lock();
	__atomic_or_fetch(&IOSvc_(client)->__state[1], kIOServiceStartState, __ATOMIC_RELEASE);
	iosvc_unlock();
	if (!IOService_attach(client, self) || IOService_isInactive(self)) {
		iouc_start_done(client, self, false);
		return kIOReturnNotAttached;
	}
	if (!IOService_start(client, self)) {
		iouc_start_done(client, self, false);
		return kIOReturnUnsupported;
	}
	/* Started outside matching: record it so that termination stops it. */
	iosvc_lock();
	__atomic_or_fetch(&IOSvc_(client)->__state[1], kIOServiceStartedState, __ATOMIC_RELEASE);
	iosvc_unlock();
	iouc_start_done(client, self, true);
	*handler = client; /* the caller's reference (the connect handle's, in the end) */
	return kIOReturnSuccess;
}

/* ---- the Mach side's bookkeeping (IOUserClientPrivate.h) ------------------------- */

IOReturn
iouc_register_owner(IOUserClient *uc, task_t owner)
{
	__atomic_store_n(&uc->__owningTask, owner, __ATOMIC_RELEASE);
	return kIOReturnSuccess;
}

IOReturn
iouc_call_enter(IOUserClient *uc)
{
	uint32_t s = __atomic_load_n(&uc->__ucState, __ATOMIC_ACQUIRE);

	do {
		if (s & (IOUC_CLOSED | IOUC_GONE))
			return kIOReturnNotOpen;
		if ((s & IOUC_CALLS) == IOUC_CALLS)
			return kIOReturnBusy;
	} while (!__atomic_compare_exchange_n(&uc->__ucState, &s, s + 1, true, __ATOMIC_ACQ_REL,
	                                      __ATOMIC_ACQUIRE));
	return kIOReturnSuccess;
}

/* The owner is gone and no call runs: forget the owner, then clientDied. */
static void
iouc_died(IOUserClient *uc)
{
	__atomic_store_n(&uc->__owningTask, TASK_NULL, __ATOMIC_RELEASE);
	(void)IOUserClient_clientDied(uc);
}

void
iouc_call_exit(IOUserClient *uc)
{
	uint32_t s = __atomic_sub_fetch(&uc->__ucState, 1, __ATOMIC_ACQ_REL);

	/* Only the last call out can see no calls with PENDING set; it takes PENDING and runs clientDied. */
	if ((s & IOUC_CALLS) != 0 || !(s & IOUC_PENDING))
		return;
	if (__atomic_fetch_and(&uc->__ucState, ~IOUC_PENDING, __ATOMIC_ACQ_REL) & IOUC_PENDING) {
		__atomic_sub_fetch(&iouc_dying, 1, __ATOMIC_RELAXED);
		iouc_died(uc);
	}
}

IOReturn
iouc_close(IOUserClient *uc)
{
	if (!iouc_mark_closed(uc)) {
		IOLog("ignored is_io_service_close(0x%llx,%s)\n",
		      (unsigned long long)IORegistryEntry_getRegistryEntryID(uc),
		      IORegistryEntry_getName(uc, NULL));
		return kIOReturnSuccess;
	}
	(void)IOUserClient_clientClose(uc);
	return kIOReturnSuccess;
}

void
iouc_no_more_senders(OSObject *obj)
{
	IOUserClient *uc = OSDynamicCast(IOUserClient, obj);
	uint32_t s, ns;

	if (uc == NULL)
		return;
	s = __atomic_load_n(&uc->__ucState, __ATOMIC_ACQUIRE);
	do {
		if (s & IOUC_GONE)
			return; /* once per client */
		ns = s | IOUC_GONE;
		if (s & IOUC_CALLS)
			ns |= IOUC_PENDING;
	} while (!__atomic_compare_exchange_n(&uc->__ucState, &s, ns, true, __ATOMIC_ACQ_REL,
	                                      __ATOMIC_ACQUIRE));
	if (ns & IOUC_PENDING)
		__atomic_add_fetch(&iouc_dying, 1, __ATOMIC_RELAXED);
	else
		iouc_died(uc);
}

unsigned int
iouc_dying_count(void)
{
	return __atomic_load_n(&iouc_dying, __ATOMIC_RELAXED);
}
