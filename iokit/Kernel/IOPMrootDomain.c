/*
 * IOPMrootDomain.c — the root power domain: the root of the power plane
 * (Root -> IOPowerConnection -> IOPMrootDomain, the path IOKitLib's
 * IORegisterForSystemPower opens), system sleep and wake, and
 * RootDomainUserClient, the connection user processes answer through.
 *
 * Sleep and wake run as jobs on the PM thread, so they are ordered with
 * every device's power changes:
 *
 *   idle sleep  kIOMessageCanSystemSleep to everyone; a veto (IOCancelPowerChange,
 *               vetoSleepWakeNotification) sends kIOMessageSystemWillNotSleep and stops
 *   sleep       kIOMessageSystemWillSleep (general and app interest, then priority
 *               clients), acknowledged; then the root goes to its sleep state: every
 *               device whose input power the sleep state no longer supplies goes down, leaf first
 *   wake        kIOMessageSystemWillPowerOn (priority first), the root back on (root first),
 *               kIOMessageSystemHasPoweredOn
 *
 * Asking clients is a "round": each notifier gets an ID, (serial << 16) |
 * index as XNU's, which kernel clients get as powerRef and user processes
 * as the message argument, and answer with allowPowerChange /
 * cancelPowerChange. A kernel client answers at once by returning
 * kIOReturnSuccess with returnValue 0, or asks for returnValue microseconds.
 * A round ends when every answer is in or its time is up (logged as XNU's
 * "PM notification timeout"; the client counts as having allowed).
 */
#include <IOKit/IOLib.h>
#include <IOKit/IOUserClient.h>
#include <IOKit/pwr_mgt/RootDomain.h>
#include <kern/clock.h>
#include <libkern/libkern.h>
#include <sys/errno.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOServicePMPrivate.h"
#include "iokit/Kernel/IOUserNotification.h"

#define RD_MAX_RESPONSES 256
/* kexthost's own RootDomainUserClient selectors (IOPMLib.h). */
#define kPMWakeSystemKexthost 0x4b480001u
#define kPMIdleSleepKexthost 0x4b480002u
#define kPMGetStateKexthost 0x4b480003u

uint32_t iopm_response_timeout_ms = 30000;

enum { RD_PENDING, RD_ALLOWED, RD_VETOED };

static struct {
	lck_mtx_t *lock;
	uint16_t serial;
	bool open, vetoed, asleep;
	UInt32 messageType;
	unsigned int n;
	struct {
		uint8_t state;
		uint64_t deadline;
	} resp[RD_MAX_RESPONSES];
	uint64_t sleeps, wakes;
} rd;

/* Off, restart, sleep, on: what each supplies its power children (outputPowerCharacter). */
static IOPMPowerState rd_states[] = {
        {.version = kIOPMPowerStateVersion1},
        {.version = kIOPMPowerStateVersion1,
         .capabilityFlags = kIOPMRestartCapability,
         .outputPowerCharacter = kIOPMRestart},
        {.version = kIOPMPowerStateVersion1,
         .capabilityFlags = kIOPMSleepCapability,
         .outputPowerCharacter = kIOPMSleep},
        {.version = kIOPMPowerStateVersion1,
         .capabilityFlags = kIOPMPowerOn,
         .outputPowerCharacter = kIOPMPowerOn},
};

OSDeclareDefaultStructors(IOPMrootDomain, IOService);
struct IOPMrootDomain {
	IOService super;
};

static IOReturn
IOPMrootDomain_setPowerStateImpl(IOService *self, unsigned long state, IOService *whatDevice)
{
	return kIOPMAckImplied; /* the "hardware" of a hosted system sleeps at once */
}

static const OSMethod IOPMrootDomain_methods[] = {
        OSMethodOverride(IOService, setPowerState, IOPMrootDomain_setPowerStateImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOPMrootDomain, IOService, IOPMrootDomain_methods);

/* ---- rounds ---------------------------------------------------------------------------- */

struct rd_tell_ctx {
	const OSSymbol *type;
	bool needResponse;
	unsigned long stateNumber;
};

static unsigned long
rd_ref(unsigned int idx)
{
	return ((unsigned long)rd.serial << 16) | (idx & 0xffff);
}

static void
rd_tell_one(void *ctx, unsigned int index, IOServiceInterestHandler handler, void *target, void *ref)
{
	struct rd_tell_ctx *c = ctx;
	IOPowerStateChangeNotification note;
	unsigned int idx;
	uint64_t now = mach_absolute_time(), t;
	IOReturn r;

	lck_mtx_lock(rd.lock);
	idx = rd.n < RD_MAX_RESPONSES ? rd.n++ : RD_MAX_RESPONSES;
	if (idx < RD_MAX_RESPONSES) {
		rd.resp[idx].state = c->needResponse ? RD_PENDING : RD_ALLOWED;
		nanoseconds_to_absolutetime((uint64_t)iopm_response_timeout_ms * 1000000, &t);
		rd.resp[idx].deadline = now + t;
	}
	lck_mtx_unlock(rd.lock);
	if (c->type == gIOAppPowerStateInterest) {
		/* A user process: the ID travels as the message argument; it answers with IOAllowPowerChange. */
		(void)handler(target, ref, rd.messageType, gIOPMRootDomain, (void *)(uintptr_t)rd_ref(idx),
		              0);
		return;
	}
	note.powerRef = (void *)(uintptr_t)rd_ref(idx);
	note.returnValue = 0;
	note.stateNumber = c->stateNumber;
	note.stateFlags = rd_states[c->stateNumber].capabilityFlags;
	r = handler(target, ref, rd.messageType, gIOPMRootDomain, &note, sizeof(note));
	lck_mtx_lock(rd.lock);
	if (idx < RD_MAX_RESPONSES && rd.resp[idx].state == RD_PENDING) {
		if (r == kIOReturnSuccess && note.returnValue != 0) {
			nanoseconds_to_absolutetime((uint64_t)note.returnValue * 1000, &t);
			rd.resp[idx].deadline = now + t;
		} else {
			rd.resp[idx].state = RD_ALLOWED; /* answered now (or not a PM client: no wait) */
		}
	}
	lck_mtx_unlock(rd.lock);
}

static const char *
rd_message_name(UInt32 type)
{
	switch (type) {
	case kIOMessageCanSystemSleep:
		return "CanSystemSleep";
	case kIOMessageSystemWillSleep:
		return "SystemWillSleep";
	default:
		return "SystemPowerMessage";
	}
}

/* Tell the clients of each type in order; wait for answers if needed. True if someone vetoed. */
static bool
rd_tell(UInt32 messageType, bool needResponse, unsigned long stateNumber, const OSSymbol *const *types,
        unsigned int ntypes)
{
	bool vetoed;

	lck_mtx_lock(rd.lock);
	rd.serial++;
	rd.n = 0;
	rd.vetoed = false;
	rd.open = true;
	rd.messageType = messageType;
	lck_mtx_unlock(rd.lock);
	for (unsigned int i = 0; i < ntypes; i++) {
		struct rd_tell_ctx c = {types[i], needResponse, stateNumber};

		(void)iosvc_interest_apply(gIOPMRootDomain, types[i], rd_tell_one, &c);
	}
	lck_mtx_lock(rd.lock);
	for (;;) {
		uint64_t now = mach_absolute_time(), next = UINT64_MAX;

		for (unsigned int i = 0; i < rd.n; i++) {
			if (rd.resp[i].state != RD_PENDING)
				continue;
			if (rd.resp[i].deadline <= now) {
				rd.resp[i].state = RD_ALLOWED;
				printf("PM notification timeout (%s, client %u)\n",
				       rd_message_name(messageType), i);
			} else if (rd.resp[i].deadline < next) {
				next = rd.resp[i].deadline;
			}
		}
		if (next == UINT64_MAX)
			break;
		(void)lck_mtx_sleep_deadline(rd.lock, LCK_SLEEP_DEFAULT, &rd.resp, THREAD_UNINT, next);
	}
	rd.open = false;
	vetoed = rd.vetoed;
	lck_mtx_unlock(rd.lock);
	return vetoed;
}

static IOReturn
rd_respond(unsigned long refcon, bool veto)
{
	unsigned int idx = refcon & 0xffff;

	if (rd.lock == NULL)
		return kIOReturnNotReady;
	lck_mtx_lock(rd.lock);
	if (rd.open && ((refcon >> 16) & 0xffff) == rd.serial && idx < rd.n &&
	    rd.resp[idx].state == RD_PENDING) {
		/* Only kIOMessageCanSystemSleep can be refused; otherwise a veto is an answer. */
		bool refuse = veto && rd.messageType == kIOMessageCanSystemSleep;

		rd.resp[idx].state = refuse ? RD_VETOED : RD_ALLOWED;
		rd.vetoed |= refuse;
		thread_wakeup(&rd.resp);
	}
	lck_mtx_unlock(rd.lock);
	return kIOReturnSuccess; /* as XNU: a stale or unknown ID is ignored */
}

IOReturn
IOPMrootDomain_allowPowerChange(IOService *self, unsigned long refcon)
{
	return rd_respond(refcon, false);
}

IOReturn
IOPMrootDomain_cancelPowerChange(IOService *self, unsigned long refcon)
{
	return rd_respond(refcon, true);
}

IOReturn
acknowledgeSleepWakeNotification(void *PMrefcon)
{
	return rd_respond((unsigned long)(uintptr_t)PMrefcon, false);
}

IOReturn
vetoSleepWakeNotification(void *PMrefcon)
{
	return rd_respond((unsigned long)(uintptr_t)PMrefcon, true);
}

IONotifier *
registerSleepWakeInterest(IOServiceInterestHandler handler, void *self, void *ref)
{
	return gIOPMRootDomain
	               ? IOService_registerInterest(gIOPMRootDomain, gIOGeneralInterest, handler, self, ref)
	               : NULL;
}

IONotifier *
registerPrioritySleepWakeInterest(IOServiceInterestHandler handler, void *self, void *ref)
{
	return gIOPMRootDomain ? IOService_registerInterest(gIOPMRootDomain, gIOPriorityPowerStateInterest,
	                                                    handler, self, ref)
	                       : NULL;
}

/* ---- sleep and wake (jobs on the PM thread) ------------------------------------------------ */

static void
rd_publish(void)
{
	(void)IORegistryEntry_setPropertyNumber(gIOPMRootDomain, "SleepCount", rd.sleeps, 64);
	(void)IORegistryEntry_setPropertyNumber(gIOPMRootDomain, "WakeCount", rd.wakes, 64);
	(void)IORegistryEntry_setPropertyString(gIOPMRootDomain, "SystemPowerState",
	                                        rd.asleep ? "Sleep" : "On");
}

static IOReturn
rd_sleep_job(void *arg)
{
	const OSSymbol *down[3] = {gIOGeneralInterest, gIOAppPowerStateInterest,
	                           gIOPriorityPowerStateInterest};
	bool idle = arg != NULL;

	if (rd.asleep)
		return kIOReturnNotPermitted;
	if (idle && rd_tell(kIOMessageCanSystemSleep, true, kIOPMRootSleepState, down, 3)) {
		(void)rd_tell(kIOMessageSystemWillNotSleep, false, kIOPMRootOnState, down, 3);
		IOLog("PM: idle sleep vetoed\n");
		return kIOReturnAborted;
	}
	(void)rd_tell(kIOMessageSystemWillSleep, true, kIOPMRootSleepState, down, 3);
	iopm_change_now(gIOPMRootDomain, kIOPMRootSleepState);
	rd.asleep = true;
	rd.sleeps++;
	rd_publish();
	IOLog("PM: system sleep (%s)\n", idle ? "idle" : "demand");
	return kIOReturnSuccess;
}

static IOReturn
rd_wake_job(void *arg)
{
	const OSSymbol *up[3] = {gIOPriorityPowerStateInterest, gIOGeneralInterest, gIOAppPowerStateInterest};

	if (!rd.asleep)
		return kIOReturnNotPermitted;
	(void)rd_tell(kIOMessageSystemWillPowerOn, false, kIOPMRootOnState, up, 3);
	iopm_change_now(gIOPMRootDomain, kIOPMRootOnState);
	rd.asleep = false;
	rd.wakes++;
	rd_publish();
	(void)rd_tell(kIOMessageSystemHasPoweredOn, false, kIOPMRootOnState, up, 3);
	IOLog("PM: system wake\n");
	return kIOReturnSuccess;
}

IOReturn
IOPMrootDomain_sleepSystem(IOService *self)
{
	return iopm_run_job(rd_sleep_job, NULL);
}

IOReturn
IOPMrootDomain_idleSleepSystem(IOService *self)
{
	return iopm_run_job(rd_sleep_job, (void *)1);
}

IOReturn
IOPMrootDomain_wakeSystem(IOService *self)
{
	return iopm_run_job(rd_wake_job, NULL);
}

/* ---- RootDomainUserClient ---------------------------------------------------------------- */

OSDeclareDefaultStructors(RootDomainUserClient, IOUserClient);
struct RootDomainUserClient {
	IOUserClient super;
};

static IOReturn
rduc_sleep(OSObject *target, void *reference, IOExternalMethodArguments *args)
{
	IOUserClient *uc = (IOUserClient *)target;
	IOReturn r;

	/* XNU's secureSleepSystem: only an administrator may put the system to sleep. */
	if (IOUserClient_clientHasPrivilege(uc->__owningTask, kIOClientPrivilegeAdministrator) !=
	    kIOReturnSuccess)
		r = kIOReturnNotPrivileged;
	else if (reference == (void *)1)
		r = IOPMrootDomain_idleSleepSystem(gIOPMRootDomain);
	else if (reference == (void *)2)
		r = IOPMrootDomain_wakeSystem(gIOPMRootDomain);
	else
		r = IOPMrootDomain_sleepSystem(gIOPMRootDomain);
	args->scalarOutput[0] = (uint64_t)(uint32_t)r;
	return kIOReturnSuccess;
}

static IOReturn
rduc_allow(OSObject *target, void *reference, IOExternalMethodArguments *args)
{
	return rd_respond((unsigned long)args->scalarInput[0], reference != NULL);
}

static IOReturn
rduc_state(OSObject *target, void *reference, IOExternalMethodArguments *args)
{
	args->scalarOutput[0] = IOService_getPowerState(gIOPMRootDomain);
	args->scalarOutput[1] = rd.sleeps;
	args->scalarOutput[2] = rd.wakes;
	return kIOReturnSuccess;
}

static IOReturn
RootDomainUserClient_externalMethod(IOUserClient *self, uint32_t selector, IOExternalMethodArguments *args,
                                    IOExternalMethodDispatch *dispatch, OSObject *target, void *reference)
{
	static const IOExternalMethodDispatch sleep = {rduc_sleep, 0, 0, 1, 0};
	static const IOExternalMethodDispatch answer = {rduc_allow, 1, 0, 0, 0};
	static const IOExternalMethodDispatch state = {rduc_state, 0, 0, 3, 0};
	const IOExternalMethodDispatch *d;
	void *ref = NULL;

	switch (selector) {
	case 2: /* kPMSleepSystem */
		d = &sleep;
		break;
	case kPMIdleSleepKexthost:
		d = &sleep, ref = (void *)1;
		break;
	case kPMWakeSystemKexthost:
		d = &sleep, ref = (void *)2;
		break;
	case 3: /* kPMAllowPowerChange */
		d = &answer;
		break;
	case 4: /* kPMCancelPowerChange */
		d = &answer, ref = (void *)1;
		break;
	case kPMGetStateKexthost:
		d = &state;
		break;
	default:
		return kIOReturnUnsupported;
	}
	return OSSuperCall(RootDomainUserClient, externalMethod, self, selector, args,
	                   (IOExternalMethodDispatch *)d, OSObj(self), ref);
}

static const OSMethod RootDomainUserClient_methods[] = {
        OSMethodOverride(IOUserClient, externalMethod, RootDomainUserClient_externalMethod),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(RootDomainUserClient, IOUserClient, RootDomainUserClient_methods);

/* ---- boot --------------------------------------------------------------------------------- */

int
IOPMrootDomain_startPlatform(IOService *platformExpert)
{
	IOService *root;

	if (gIOPMRootDomain != NULL)
		return 0;
	if (rd.lock == NULL && (rd.lock = lck_mtx_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL)) == NULL)
		return ENOMEM;
	root = (IOService *)OSMetaClass_allocInstance(OSTypeID(IOPMrootDomain));
	if (root == NULL || !IORegistryEntry_init(root, NULL)) {
		OSSafeReleaseNULL(root);
		return ENOMEM;
	}
	(void)IORegistryEntry_setPropertyString(root, kIOUserClientClassKey, "RootDomainUserClient");
	if (!IOService_attach(root, platformExpert) ||
	    iopm_make_root(root, gIORegistryRoot) != kIOReturnSuccess) {
		OSObject_release(root);
		return ENOMEM;
	}
	gIOPMRootDomain = root;
	__atomic_or_fetch(&root->__state[1], kIOServiceStartedState, __ATOMIC_RELEASE);
	if (IOService_registerPowerDriver(root, root, rd_states, 4) != IOPMNoErr ||
	    IOService_changePowerStateTo(root, kIOPMRootOnState) != IOPMNoErr) {
		return ENOMEM;
	}
	rd.asleep = false;
	rd.sleeps = rd.wakes = 0;
	rd_publish();
	/* gIOPMRootDomain keeps the allocation's reference until iopm_shutdown. */
	IOService_registerService(root, kIOServiceSynchronous);
	return iopm_wait_idle(0);
}
