/*
 * IOUserClient.c — the IOUserClient class (IOKit/IOUserClient.h): its
 * default methods, the IOExternalMethodDispatch checks of externalMethod,
 * clientHasPrivilege, IOService's default newUserClient, and the
 * bookkeeping that lets the Mach side run clientDied only after the calls
 * a dead owner left running have returned (IOUserClientPrivate.h).
 *
 * Per-client state lives in a small record behind __uc, made on first use
 * (a client may be made by a driver without going through initWithTask):
 * a lock, the number of calls in progress and three flags. `closed` is
 * XNU's flag of the same name: set once by the first of io_service_close
 * and the default clientDied, so clientClose runs once.
 *
 * Defaults that differ from XNU's, on purpose: clientClose terminates the
 * client (XNU's answers kIOReturnUnsupported, and a driver that forgets to
 * override it leaks the client attached to its service for ever); getService
 * is the provider (XNU's is NULL).
 */
#include <IOKit/IOUserClient.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOLocks.h>
#include <kern/kalloc.h>
#include <sys/kauth.h>
#include "bsd/sys/proc_internal.h"
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOUserClientPrivate.h"
#include <IOKit/IOMemoryDescriptor.h>

struct iouc_state {
	IOLock *lock;
	uint32_t calls;   /* calls from the owner in progress */
	bool closed;      /* clientClose has run (or is running) */
	bool ownerGone;   /* no more senders: the owner released its handle or exited */
	bool diedPending; /* ownerGone while calls ran: the last one runs clientDied */
};

static uint32_t iouc_dying; /* clients with diedPending set */

/* The client's state, made on first use; NULL only when memory runs out. */
static struct iouc_state *
iouc_state(IOUserClient *uc)
{
	struct iouc_state *st = __atomic_load_n((struct iouc_state **)&uc->__uc, __ATOMIC_ACQUIRE),
	                  *none = NULL;

	if (st != NULL)
		return st;
	st = kalloc(sizeof(*st));
	if (st == NULL)
		return NULL;
	memset(st, 0, sizeof(*st));
	st->lock = IOLockAlloc();
	if (st->lock == NULL) {
		kfree(st, sizeof(*st));
		return NULL;
	}
	if (!__atomic_compare_exchange_n((struct iouc_state **)&uc->__uc, &none, st, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE)) {
		IOLockFree(st->lock); /* another thread made it first */
		kfree(st, sizeof(*st));
		return none;
	}
	return st;
}

/* Set closed if it wasn't; true if this caller set it (and so owns the clientClose). */
static bool
iouc_mark_closed(IOUserClient *uc)
{
	struct iouc_state *st = iouc_state(uc);
	bool won;

	if (st == NULL)
		return true; /* no state to record it in: better a second close than none */
	IOLockLock(st->lock);
	won = !st->closed;
	st->closed = true;
	IOLockUnlock(st->lock);
	return won;
}

/* ---- default methods ---------------------------------------------------------------- */

static bool
IOUserClient_initWithTaskImpl(IOUserClient *self, task_t owningTask, void *securityToken, UInt32 type,
                              OSDictionary *properties)
{
	if (!IOService_init(self, properties))
		return false;
	self->__owningTask = owningTask;
	return iouc_state(self) != NULL;
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
	struct iouc_state *st = self->__uc;

	OSSafeReleaseNULL(self->mappings);
	if (st != NULL) {
		IOLockFree(st->lock);
		kfree(st, sizeof(*st));
		self->__uc = NULL;
	}
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
	if (!IOService_attach(client, self)) {
		OSObject_release(client);
		return kIOReturnUnsupported;
	}
	if (!IOService_start(client, self)) {
		IOService_detach(client, self);
		OSObject_release(client);
		return kIOReturnUnsupported;
	}
	/* Started outside matching: record it so that termination stops it. */
	iosvc_lock();
	IOSvc_(client)->__state[1] |= kIOServiceStartedState;
	iosvc_unlock();
	*handler = client; /* the caller's reference (the connect handle's, in the end) */
	return kIOReturnSuccess;
}

/* ---- the Mach side's bookkeeping (IOUserClientPrivate.h) ------------------------- */

IOReturn
iouc_register_owner(IOUserClient *uc, task_t owner)
{
	if (iouc_state(uc) == NULL)
		return kIOReturnNoMemory;
	__atomic_store_n(&uc->__owningTask, owner, __ATOMIC_RELEASE);
	return kIOReturnSuccess;
}

IOReturn
iouc_call_enter(IOUserClient *uc)
{
	struct iouc_state *st = iouc_state(uc);
	IOReturn ret = kIOReturnSuccess;

	if (st == NULL)
		return kIOReturnNoMemory;
	IOLockLock(st->lock);
	if (st->closed || st->ownerGone)
		ret = kIOReturnNotOpen;
	else
		st->calls++;
	IOLockUnlock(st->lock);
	return ret;
}

/* The owner is gone and no call runs: forget the owner, then clientDied (no lock held). */
static void
iouc_died(IOUserClient *uc)
{
	__atomic_store_n(&uc->__owningTask, TASK_NULL, __ATOMIC_RELEASE);
	(void)IOUserClient_clientDied(uc);
}

void
iouc_call_exit(IOUserClient *uc)
{
	struct iouc_state *st = uc->__uc;
	bool die = false;

	if (st == NULL)
		return; /* enter made it; can't be missing */
	IOLockLock(st->lock);
	if (st->calls > 0 && --st->calls == 0 && st->diedPending) {
		st->diedPending = false;
		die = true;
	}
	IOLockUnlock(st->lock);
	if (die) {
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
	struct iouc_state *st;
	bool now = false;

	if (uc == NULL)
		return;
	st = iouc_state(uc);
	if (st != NULL) {
		IOLockLock(st->lock);
		st->ownerGone = true;
		if (st->calls == 0) {
			now = true;
		} else if (!st->diedPending) {
			st->diedPending = true;
			__atomic_add_fetch(&iouc_dying, 1, __ATOMIC_RELAXED);
		}
		IOLockUnlock(st->lock);
	} else {
		now = true;
	}
	if (now)
		iouc_died(uc);
}

unsigned int
iouc_dying_count(void)
{
	return __atomic_load_n(&iouc_dying, __ATOMIC_RELAXED);
}
