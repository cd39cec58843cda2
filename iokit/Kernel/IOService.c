/*
 * IOService.c — the IOService class: its default methods, the
 * provider/client links, state and busy counting, waitQuiet, open/close
 * arbitration and messages; and IOResources.
 *
 * State: every service's __state words, busy count and open owner are
 * guarded by one mutex (iosvc_lock); sections under it are short and never
 * call out. Busy counts propagate like XNU's: a service that goes from idle
 * to busy makes its provider one busier, and back; waitQuiet sleeps until
 * the count is zero. Open/close arbitration (handleOpen & co., which a
 * family may override and which may message the owner) runs under a
 * separate recursive arbitration lock so a seize can call the owner's close.
 */
#include <IOKit/IOInterrupts.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOUserClient.h>
#include <kern/clock.h>
#include <kern/debug.h>
#include <kern/thread.h>
#include <libkern/libkern.h>
#include <string.h>
#include <sys/errno.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOKitDebugPrivate.h"
#include "iokit/Kernel/IOUserNotification.h"
#include "iokit/Kernel/IOServicePMPrivate.h"

static lck_mtx_t *iosvc_mtx;
static lck_mtx_t *iosvc_arb_mtx;
static thread_t iosvc_arb_owner;
static unsigned int iosvc_arb_depth;
static int iosvc_quiet_event;

IOService *gIOResources;
IOService *gIOServiceRoot;
IOPlatformExpert *gIOPlatform;

const OSSymbol *gIOProviderClassKey, *gIOClassKey, *gIOProbeScoreKey, *gIONameMatchKey, *gIONameMatchedKey,
        *gIOPropertyMatchKey, *gIOPropertyExistsMatchKey, *gIOLocationMatchKey, *gIOParentMatchKey,
        *gIOPathMatchKey, *gIOMatchCategoryKey, *gIODefaultMatchCategoryKey, *gIOMatchedServiceCountKey,
        *gIOResourcesKey, *gIOResourceMatchKey, *gIOResourceMatchedKey, *gIOUserClientClassKey,
        *gIOKitDebugKey, *gIOPublishNotification, *gIOFirstPublishNotification, *gIOMatchedNotification,
        *gIOFirstMatchNotification, *gIOTerminatedNotification, *gIOWillTerminateNotification,
        *gIOGeneralInterest, *gIOBusyInterest, *gIOPlatformExpertDeviceKey;

void
iosvc_lock(void)
{
	lck_mtx_lock(iosvc_mtx);
}

void
iosvc_unlock(void)
{
	lck_mtx_unlock(iosvc_mtx);
}

void
iosvc_assert_locked(void)
{
	lck_mtx_assert(iosvc_mtx, LCK_MTX_ASSERT_OWNED);
}

static void
iosvc_arb_lock(void)
{
	/* Only the owner can see its own thread here, so a relaxed look is enough to recurse. */
	if (__atomic_load_n(&iosvc_arb_owner, __ATOMIC_RELAXED) == current_thread()) {
		iosvc_arb_depth++;
		return;
	}
	lck_mtx_lock(iosvc_arb_mtx);
	__atomic_store_n(&iosvc_arb_owner, current_thread(), __ATOMIC_RELAXED);
	iosvc_arb_depth = 1;
}

static void
iosvc_arb_unlock(void)
{
	if (--iosvc_arb_depth == 0) {
		__atomic_store_n(&iosvc_arb_owner, NULL, __ATOMIC_RELAXED);
		lck_mtx_unlock(iosvc_arb_mtx);
	}
}

/* ---- busy state ----------------------------------------------------------------- */

uint32_t
iosvc_adjust_busy_locked(IOService *service, int32_t delta)
{
	uint32_t first = service->__busy;

	iosvc_assert_locked();
	for (IOService *next = service; next != NULL && delta != 0; next = next->__provider) {
		uint32_t count = next->__busy;
		bool wasQuiet = count == 0, nowQuiet;

		if ((delta < 0 && (uint32_t)-delta > count) ||
		    (delta > 0 && count + (uint32_t)delta < count)) {
			printf("%s: bad busy count (%u,%d)\n", IORegistryEntry_getName(next, NULL), count,
			       delta);
			break;
		}
		next->__busy = count + (uint32_t)delta;
		nowQuiet = next->__busy == 0;
		if (wasQuiet && !nowQuiet) {
			next->__timeBusy = mach_absolute_time();
		} else if (nowQuiet && !wasQuiet) {
			next->__accumBusy += mach_absolute_time() - next->__timeBusy;
			thread_wakeup(&iosvc_quiet_event);
		}
		/* The provider counts a busy client once. */
		delta = (wasQuiet && !nowQuiet) ? 1 : (nowQuiet && !wasQuiet) ? -1 : 0;
	}
	return first;
}

void(IOService_adjustBusy)(IOService *self, SInt32 delta)
{
	if (self == NULL || delta == 0) {
		return;
	}
	iosvc_lock();
	(void)iosvc_adjust_busy_locked(self, delta);
	iosvc_unlock();
}

UInt32(IOService_getBusyState)(const IOService *self)
{
	return self ? __atomic_load_n(&self->__busy, __ATOMIC_RELAXED) : 0;
}

uint64_t(IOService_getAccumulatedBusyTime)(const IOService *self)
{
	uint64_t abs, ns;

	if (self == NULL) {
		return 0;
	}
	iosvc_lock();
	abs = self->__accumBusy + (self->__busy ? mach_absolute_time() - self->__timeBusy : 0);
	iosvc_unlock();
	absolutetime_to_nanoseconds(abs, &ns);
	return ns / 1000000;
}

IOReturn(IOService_waitQuiet)(IOService *self, uint64_t timeout)
{
	uint64_t deadline = 0;
	IOReturn ret = kIOReturnSuccess;

	if (self == NULL) {
		return kIOReturnBadArgument;
	}
	if (timeout != 0 && timeout != UINT64_MAX) {
		nanoseconds_to_deadline(timeout, &deadline);
	}
	iosvc_lock();
	while (self->__busy != 0) {
		wait_result_t wr;

		if (deadline != 0) {
			wr = lck_mtx_sleep_deadline(iosvc_mtx, LCK_SLEEP_DEFAULT, &iosvc_quiet_event,
			                            THREAD_UNINT, deadline);
		} else {
			wr = lck_mtx_sleep(iosvc_mtx, LCK_SLEEP_DEFAULT, &iosvc_quiet_event, THREAD_UNINT);
		}
		if (wr == THREAD_TIMED_OUT && self->__busy != 0) {
			ret = kIOReturnTimeout;
			break;
		}
	}
	iosvc_unlock();
	return ret;
}

IOReturn
IOKitWaitQuiet(uint64_t timeout)
{
	return gIOServiceRoot ? IOService_waitQuiet(gIOServiceRoot, timeout) : kIOReturnNotReady;
}

void
iosvc_wake_waiters(void)
{
	thread_wakeup(&iosvc_quiet_event);
}

wait_result_t
iosvc_sleep_locked(void *event)
{
	iosvc_assert_locked();
	return lck_mtx_sleep(iosvc_mtx, LCK_SLEEP_DEFAULT, event, THREAD_UNINT);
}

void
iosvc_term_release_busy(IOService *service)
{
	bool drop;

	iosvc_lock();
	drop = (service->__state[1] & (kIOServiceTermPhase3State | kIOServiceTermBusyState)) ==
	               (kIOServiceTermPhase3State | kIOServiceTermBusyState) &&
	       service->__provider == NULL;
	if (drop) {
		__atomic_and_fetch(&service->__state[1], ~kIOServiceTermBusyState, __ATOMIC_RELEASE);
		(void)iosvc_adjust_busy_locked(service, -1);
	}
	iosvc_unlock();
	if (drop) {
		iosvc_wake_waiters();
	}
}

IOOptionBits(IOService_getState)(const IOService *self)
{
	return self ? __atomic_load_n(&self->__state[0], __ATOMIC_ACQUIRE) : 0;
}

bool(IOService_isInactive)(const IOService *self)
{
	return (IOService_getState(self) & kIOServiceInactiveState) != 0;
}

/* ---- default methods ------------------------------------------------------------ */

IOService *
IOService_probeImpl(IOService *self, IOService *provider, SInt32 *score)
{
	return self;
}

static bool
IOService_startImpl(IOService *self, IOService *provider)
{
	return true;
}

static void
IOService_stopImpl(IOService *self, IOService *provider)
{
}

static bool
IOService_attachImpl(IOService *self, IOService *provider)
{
	bool ok;

	if (provider == NULL || provider == self) {
		return false;
	}
	IOKITDEBUG_LOG(kIOLogAttach, "%s::attach(%s)\n", IORegistryEntry_getName(self, NULL),
	               IORegistryEntry_getName(provider, NULL));
	ok = IORegistryEntry_attachToParent(self, provider, gIOServicePlane);
	if (ok) {
		iosvc_lock();
		if (self->__provider == NULL) {
			self->__provider = provider;
			/* A busy client makes its new provider busy too. */
			if (self->__busy != 0) {
				(void)iosvc_adjust_busy_locked(provider, 1);
			}
		}
		iosvc_unlock();
	}
	return ok;
}

static void
IOService_detachImpl(IOService *self, IOService *provider)
{
	IOService *next;

	if (provider == NULL) {
		return;
	}
	IOKITDEBUG_LOG(kIOLogAttach, "%s::detach(%s)\n", IORegistryEntry_getName(self, NULL),
	               IORegistryEntry_getName(provider, NULL));
	OSObject_retain(self);
	IORegistryEntry_detachFromParent(self, provider, gIOServicePlane);
	next = (IOService *)IORegistryEntry_copyParentEntry(self, gIOServicePlane);
	iosvc_lock();
	if (self->__provider == provider) {
		if (self->__busy != 0) {
			(void)iosvc_adjust_busy_locked(provider, -1);
		}
		self->__provider = next; /* held by the remaining link */
		if (next != NULL && self->__busy != 0) {
			(void)iosvc_adjust_busy_locked(next, 1);
		}
	}
	iosvc_unlock();
	OSSafeReleaseNULL(next);
	/* A terminated service off its last provider is done; a terminated provider off its last client
	 * is ready to be finalized (XNU's detach). */
	iosvc_term_release_busy(self);
	if ((IOService_getState(provider) & kIOServiceInactiveState) &&
	    (__atomic_load_n(&provider->__state[1], __ATOMIC_ACQUIRE) & kIOServiceTermPhase3State) &&
	    IOService_getClient(provider) == NULL) {
		iosvc_schedule_finalize(provider);
	}
	OSObject_release(self);
}

/* Is provider self's only parent in the service plane (XNU's isParent(p, plane, true))? */
static bool
iosvc_only_parent(IOService *self, IOService *provider)
{
	OSArray *parents = IORegistryEntry_copyParents(IORegEntry_(self), gIOServicePlane);
	bool only = parents != NULL && OSArray_getCount(parents) == 1 &&
	            OSArray_getObject(parents, 0) == OSObj(provider);

	OSSafeReleaseNULL(parents);
	return only;
}

static bool
IOService_requestTerminateImpl(IOService *self, IOService *provider, IOOptionBits options)
{
	/* Go with the provider only when it is our only one; the provider's terminateClient decides. */
	if (!iosvc_only_parent(self, provider)) {
		return false;
	}
	(void)IOService_terminateClient(provider, self, options | kIOServiceRecursing);
	return IOService_isInactive(self);
}

static bool
IOService_willTerminateImpl(IOService *self, IOService *provider, IOOptionBits options)
{
	return true;
}

static bool
IOService_didTerminateImpl(IOService *self, IOService *provider, IOOptionBits options, bool *defer)
{
	if (*defer) {
		return true;
	}
	/* Stop once the provider is closed: ask for the close; a late close() schedules the stop. */
	if (!IOService_isOpen(provider, self)) {
		iosvc_schedule_stop(self, provider);
	} else {
		(void)IOService_message(self, kIOMessageServiceIsRequestingClose, provider,
		                        (void *)(uintptr_t)options);
		if (!IOService_isOpen(provider, self)) {
			iosvc_schedule_stop(self, provider);
		}
	}
	return true;
}

static bool
IOService_terminateClientImpl(IOService *self, IOService *client, IOOptionBits options)
{
	return iosvc_only_parent(client, self) ? IOService_terminate(client, options) : true;
}

static bool
IOService_finalizeImpl(IOService *self, IOOptionBits options)
{
	OSArray *parents = IORegistryEntry_copyParents(IORegEntry_(self), gIOServicePlane);
	bool phase3 = (__atomic_load_n(&self->__state[1], __ATOMIC_ACQUIRE) & kIOServiceTermPhase3State) != 0;

	for (unsigned int i = 0; parents != NULL && i < OSArray_getCount(parents); i++) {
		IOService *p = OSDynamicCast(IOService, OSArray_getObject(parents, i));

		if (p == NULL) {
			continue;
		}
		if (!phase3) {
			/* A finalize called outside termination: stop and detach here. */
			IOService_stop(self, p);
			if (IOService_isOpen(p, self)) {
				IOService_close(p, self, 0);
			}
			IOService_detach(self, p);
		} else if (!(__atomic_load_n(&p->__state[1], __ATOMIC_ACQUIRE) & kIOServiceTermPhase3State)) {
			/* A provider that stays: leave it now. */
			iosvc_schedule_stop(self, p);
		}
	}
	OSSafeReleaseNULL(parents);
	return true;
}

static IOReturn
IOService_messageImpl(IOService *self, UInt32 type, IOService *provider, void *argument)
{
	return kIOReturnUnsupported;
}

static IOReturn
IOService_newUserClientImpl(IOService *self, task_t owningTask, void *securityID, UInt32 type,
                            OSDictionary *properties, IOUserClient **handler)
{
	return IOService_newUserClientDefault(self, owningTask, securityID, type, properties, handler);
}

static IOReturn
IOService_setPowerStateImpl(IOService *self, unsigned long powerStateOrdinal, IOService *whatDevice)
{
	return kIOPMAckImplied;
}

static IOWorkLoop *
IOService_getWorkLoopImpl(const IOService *self)
{
	/* XNU: a service without its own work loop uses its provider's. */
	IOService *provider = IOService_getProvider(self);

	return provider != NULL ? IOService_getWorkLoop(provider) : NULL;
}

static bool
IOService_matchPropertyTableImpl(IOService *self, OSDictionary *table, SInt32 *score)
{
	return true;
}

static bool
IOService_handleOpenImpl(IOService *self, IOService *forClient, IOOptionBits options, void *arg)
{
	bool ok = self->__owner == NULL;

	if (ok) {
		self->__owner = forClient;
	} else if (options & kIOServiceSeize) {
		/* Ask the owner to close; it may (synchronously) or not. */
		IOService *owner = self->__owner;

		OSObject_retain(owner);
		ok = IOService_message(owner, kIOMessageServiceIsRequestingClose, self,
		                       (void *)(uintptr_t)options) == kIOReturnSuccess;
		OSObject_release(owner);
		if (ok && self->__owner == NULL) {
			self->__owner = forClient;
		} else {
			ok = false;
		}
	}
	return ok;
}

static void
IOService_handleCloseImpl(IOService *self, IOService *forClient, IOOptionBits options)
{
	if (self->__owner == forClient) {
		self->__owner = NULL;
	}
}

static bool
IOService_handleIsOpenImpl(const IOService *self, const IOService *forClient)
{
	return forClient != NULL ? self->__owner == forClient : self->__owner != NULL;
}

static bool
IOService_openImpl(IOService *self, IOService *forClient, IOOptionBits options, void *arg)
{
	bool ok;

	iosvc_arb_lock();
	ok = !IOService_isInactive(self) && IOService_handleOpen(self, forClient, options, arg);
	iosvc_arb_unlock();
	return ok;
}

static void
IOService_closeImpl(IOService *self, IOService *forClient, IOOptionBits options)
{
	bool wasOpen, last = false;

	iosvc_arb_lock();
	wasOpen = IOService_handleIsOpen(self, forClient);
	if (wasOpen) {
		IOService_handleClose(self, forClient, options);
		last = (__atomic_load_n(&self->__state[1], __ATOMIC_ACQUIRE) & kIOServiceTermPhase3State) !=
		       0;
	}
	iosvc_arb_unlock();
	if (last) {
		/* The close a terminated provider was waiting for: the client's stop can run now. */
		iosvc_schedule_stop(forClient, self);
	} else if (wasOpen) {
		(void)IOService_messageClients(self, kIOMessageServiceWasClosed, forClient, 0);
	}
}

static bool
IOService_isOpenImpl(const IOService *self, const IOService *forClient)
{
	bool open;

	iosvc_arb_lock();
	open = IOService_handleIsOpen(self, forClient);
	iosvc_arb_unlock();
	return open;
}

static IOService *
IOService_getProviderImpl(const IOService *self)
{
	return __atomic_load_n(&((IOService *)self)->__provider, __ATOMIC_ACQUIRE);
}

static IOService *
IOService_getClientImpl(const IOService *self)
{
	return (IOService *)IORegistryEntry_getChildEntry(self, gIOServicePlane);
}

/* Power management: an interested driver that does not override these acknowledges at once. */
static IOReturn
IOService_powerStateChangeImpl(IOService *self, unsigned long capabilities, unsigned long stateNumber,
                               IOService *whatDevice)
{
	return kIOPMAckImplied;
}

/*
 * What a service owns goes with it: its PM record, if PMinit made one, and a
 * nub's interrupt sources, as XNU's free releases _interruptSources (the
 * controller keys them by the nub's address, so left behind they leaked,
 * and a later nub at the same address found them as its own).
 */
static void
IOService_freeImpl(OSObject *obj)
{
	iopm_free((IOService *)obj);
	IOInterrupts_nubFree((IOService *)obj);
	OSSuperCallAs(IOService, OSObject, free, obj);
}

static const OSMethod IOService_methods[] = {
        OSMethodOverride(OSObject, free, IOService_freeImpl),
        OSMethodOverride(IOService, probe, IOService_probeImpl),
        OSMethodOverride(IOService, start, IOService_startImpl),
        OSMethodOverride(IOService, stop, IOService_stopImpl),
        OSMethodOverride(IOService, attach, IOService_attachImpl),
        OSMethodOverride(IOService, detach, IOService_detachImpl),
        OSMethodOverride(IOService, requestTerminate, IOService_requestTerminateImpl),
        OSMethodOverride(IOService, willTerminate, IOService_willTerminateImpl),
        OSMethodOverride(IOService, didTerminate, IOService_didTerminateImpl),
        OSMethodOverride(IOService, terminateClient, IOService_terminateClientImpl),
        OSMethodOverride(IOService, finalize, IOService_finalizeImpl),
        OSMethodOverride(IOService, message, IOService_messageImpl),
        OSMethodOverride(IOService, newUserClient, IOService_newUserClientImpl),
        OSMethodOverride(IOService, setPowerState, IOService_setPowerStateImpl),
        OSMethodOverride(IOService, getWorkLoop, IOService_getWorkLoopImpl),
        OSMethodOverride(IOService, matchPropertyTable, IOService_matchPropertyTableImpl),
        OSMethodOverride(IOService, open, IOService_openImpl),
        OSMethodOverride(IOService, close, IOService_closeImpl),
        OSMethodOverride(IOService, isOpen, IOService_isOpenImpl),
        OSMethodOverride(IOService, handleOpen, IOService_handleOpenImpl),
        OSMethodOverride(IOService, handleClose, IOService_handleCloseImpl),
        OSMethodOverride(IOService, handleIsOpen, IOService_handleIsOpenImpl),
        OSMethodOverride(IOService, getProvider, IOService_getProviderImpl),
        OSMethodOverride(IOService, getClient, IOService_getClientImpl),
        OSMethodOverride(IOService, powerStateWillChangeTo, IOService_powerStateChangeImpl),
        OSMethodOverride(IOService, powerStateDidChangeTo, IOService_powerStateChangeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOService, IORegistryEntry, IOService_methods);

/* ---- clients, providers, messages ----------------------------------------------- */

static void
iosvc_apply(OSArray *list, IOServiceApplierFunction applier, void *context)
{
	for (unsigned int i = 0; list != NULL && i < OSArray_getCount(list); i++) {
		IOService *s = OSDynamicCast(IOService, OSArray_getObject(list, i));

		if (s != NULL) {
			applier(s, context);
		}
	}
}

void
IOService_applyToClients(IOService *self, IOServiceApplierFunction applier, void *context)
{
	OSArray *kids = IORegistryEntry_copyChildren(IORegEntry_(self), gIOServicePlane);

	iosvc_apply(kids, applier, context);
	OSSafeReleaseNULL(kids);
}

void
IOService_applyToProviders(IOService *self, IOServiceApplierFunction applier, void *context)
{
	OSArray *parents = IORegistryEntry_copyParents(IORegEntry_(self), gIOServicePlane);

	iosvc_apply(parents, applier, context);
	OSSafeReleaseNULL(parents);
}

OSIterator *
IOService_getClientIterator(IOService *self)
{
	return IORegistryEntry_getChildIterator(self, gIOServicePlane);
}

OSIterator *
IOService_getProviderIterator(IOService *self)
{
	return IORegistryEntry_getParentIterator(self, gIOServicePlane);
}

struct iosvc_msg {
	IOService *provider;
	UInt32 type;
	void *arg;
};

static void
iosvc_message_one(IOService *client, void *context)
{
	struct iosvc_msg *m = context;

	(void)IOService_message(client, m->type, m->provider, m->arg);
}

IOReturn(IOService_messageClients)(IOService *self, UInt32 type, void *argument, vm_size_t argSize)
{
	struct iosvc_msg m = {self, type, argument};

	if (self == NULL) {
		return kIOReturnBadArgument;
	}
	IOService_applyToClients(self, iosvc_message_one, &m);
	iosvc_interest_message(self, gIOGeneralInterest, type, argument, argSize); /* and to the interested */
	return kIOReturnSuccess;
}

IOService *
IOService_copyClientWithCategory(IOService *self, const OSSymbol *category)
{
	OSArray *kids = IORegistryEntry_copyChildren(IORegEntry_(self), gIOServicePlane);
	IOService *found = NULL;

	for (unsigned int i = 0; kids != NULL && found == NULL && i < OSArray_getCount(kids); i++) {
		IOService *c = OSDynamicCast(IOService, OSArray_getObject(kids, i));
		OSObject *cat;

		if (c == NULL || IOService_isInactive(c)) {
			continue;
		}
		cat = IORegistryEntry_copyProperty(c, gIOMatchCategoryKey);
		if (cat != NULL && OSObject_isEqualTo(cat, category)) {
			OSObject_retain(c);
			found = c;
		}
		OSSafeReleaseNULL(cat);
	}
	OSSafeReleaseNULL(kids);
	return found;
}

/* ---- IOResources ---------------------------------------------------------------- */

OSDeclareDefaultStructors(IOResources, IOService);
struct IOResources {
	IOService super;
};

/* IOResourceMatch names properties that must all exist on IOResources. */
static bool
IOResources_matchPropertyTable(IOService *self, OSDictionary *table, SInt32 *score)
{
	OSObject *prop = OSDictionary_getObject(table, gIOResourceMatchKey);
	OSString *key;
	OSCollection *keys;
	bool ok = true;

	if ((key = OSDynamicCast(OSString, prop)) != NULL) {
		OSObject *o = IORegistryEntry_copyPropertyCString(self, OSString_getCStringNoCopy(key));

		ok = o != NULL;
		OSSafeReleaseNULL(o);
	} else if ((keys = OSDynamicCast(OSCollection, prop)) != NULL) {
		OSCollectionIterator *it = OSCollectionIterator_withCollection(keys);
		OSObject *k;

		ok = it != NULL;
		while (ok && (k = OSIterator_getNextObject(it)) != NULL) {
			OSObject *o = (key = OSDynamicCast(OSString, k))
			                      ? IORegistryEntry_copyPropertyCString(
			                                self, OSString_getCStringNoCopy(key))
			                      : NULL;

			ok = o != NULL;
			OSSafeReleaseNULL(o);
		}
		OSSafeReleaseNULL(it);
	}
	return ok;
}

static const OSMethod IOResources_methods[] = {
        OSMethodOverride(IOService, matchPropertyTable, IOResources_matchPropertyTable),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOResources, IOService, IOResources_methods);

IOService *
IOService_getResourceService(void)
{
	return gIOResources;
}

IOService *
IOService_getServiceRoot(void)
{
	return gIOServiceRoot;
}

IOPlatformExpert *
IOService_getPlatform(void)
{
	return gIOPlatform;
}

void
IOService_publishResourceSymbol(const OSSymbol *key, OSObject *value)
{
	if (gIOResources == NULL || key == NULL) {
		return;
	}
	if (value == NULL) {
		value = (OSObject *)kOSBooleanTrue;
	}
	(void)IORegistryEntry_setProperty(gIOResources, key, value);
	/* Drivers waiting on the resource rematch against IOResources; stalled ones wake. */
	IOService_registerService(gIOResources, 0);
	iosvc_wake_waiters();
}

void
IOService_publishResource(const char *key, OSObject *value)
{
	const OSSymbol *sym = key ? OSSymbol_withCString(key) : NULL;

	if (sym != NULL) {
		IOService_publishResourceSymbol(sym, value);
		OSObject_release(sym);
	}
}

/* ---- boot ----------------------------------------------------------------------- */

#define SYM(var, str)                                            \
	do {                                                     \
		if (((var) = OSSymbol_withCString(str)) == NULL) \
			return ENOMEM;                           \
	} while (0)

int
iosvc_init(void)
{
	iosvc_mtx = lck_mtx_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL);
	iosvc_arb_mtx = lck_mtx_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL);
	if (iosvc_mtx == NULL || iosvc_arb_mtx == NULL) {
		return ENOMEM;
	}
	SYM(gIOProviderClassKey, kIOProviderClassKey);
	SYM(gIOClassKey, kIOClassKey);
	SYM(gIOProbeScoreKey, kIOProbeScoreKey);
	SYM(gIONameMatchKey, kIONameMatchKey);
	SYM(gIONameMatchedKey, kIONameMatchedKey);
	SYM(gIOPropertyMatchKey, kIOPropertyMatchKey);
	SYM(gIOPropertyExistsMatchKey, kIOPropertyExistsMatchKey);
	SYM(gIOLocationMatchKey, kIOLocationMatchKey);
	SYM(gIOParentMatchKey, kIOParentMatchKey);
	SYM(gIOPathMatchKey, kIOPathMatchKey);
	SYM(gIOMatchCategoryKey, kIOMatchCategoryKey);
	SYM(gIODefaultMatchCategoryKey, kIODefaultMatchCategoryKey);
	SYM(gIOMatchedServiceCountKey, kIOMatchedServiceCountKey);
	SYM(gIOResourcesKey, kIOResourcesClass);
	SYM(gIOResourceMatchKey, kIOResourceMatchKey);
	SYM(gIOResourceMatchedKey, kIOResourceMatchedKey);
	SYM(gIOUserClientClassKey, kIOUserClientClassKey);
	SYM(gIOKitDebugKey, kIOKitDebugKey);
	SYM(gIOPublishNotification, kIOPublishNotification);
	SYM(gIOFirstPublishNotification, kIOFirstPublishNotification);
	SYM(gIOMatchedNotification, kIOMatchedNotification);
	SYM(gIOFirstMatchNotification, kIOFirstMatchNotification);
	SYM(gIOTerminatedNotification, kIOTerminatedNotification);
	SYM(gIOWillTerminateNotification, kIOWillTerminateNotification);
	SYM(gIOGeneralInterest, kIOGeneralInterest);
	SYM(gIOBusyInterest, kIOBusyInterest);
	SYM(gIOPlatformExpertDeviceKey, kIOPlatformExpertDeviceClass);
	return iosvc_notify_init();
}
