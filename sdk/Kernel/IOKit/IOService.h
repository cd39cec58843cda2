/*
 * IOKit/IOService.h — IOService in C: the base class of nubs and drivers,
 * the provider/client chain, registerService and matching, open/close,
 * messages, busy state, termination, and matching notifications
 * (IONotifier).
 *
 * A driver is a struct that embeds its superclass and a method table that
 * overrides the virtual methods below (docs/IOKIT.md has the C form
 * of each idiom next to the C++ one):
 *
 *	struct MyDriver { IOService super; int state; };
 *	static bool MyDriver_start(IOService *self, IOService *provider)
 *	{
 *		if (!OSSuperCall(MyDriver, start, self, provider))
 *			return false;
 *		IOService_registerService(self, 0);
 *		return true;
 *	}
 *	static const OSMethod MyDriver_methods[] = {
 *		OSMethodOverride(IOService, start, MyDriver_start), OSMethodEnd,
 *	};
 *	OSDefineMetaClassAndStructors(MyDriver, IOService, MyDriver_methods);
 *
 * Matching runs on a config thread (registerService without
 * kIOServiceSynchronous) or on the caller's thread; it is single-threaded per
 * provider. Notification handlers and driver probe/start run on that thread.
 */
#ifndef _IOKIT_IOSERVICE_H
#define _IOKIT_IOSERVICE_H

#include <IOKit/IORegistryEntry.h>
#include <mach/mach_types.h>

typedef struct IOService IOService;
typedef struct IONotifier IONotifier;
typedef struct IOWorkLoop IOWorkLoop;
typedef struct IOUserClient IOUserClient;
typedef struct IOPlatformExpert IOPlatformExpert;

enum { kIODefaultProbeScore = 0 };

/* getState() bits. */
enum {
	kIOServiceInactiveState = 0x00000001,
	kIOServiceRegisteredState = 0x00000002,
	kIOServiceMatchedState = 0x00000004,
	kIOServiceFirstPublishState = 0x00000008,
	kIOServiceFirstMatchState = 0x00000010,
};

enum {
	/* registerService() */
	kIOServiceExclusive = 0x00000001,
	/* terminate() */
	kIOServiceRequired = 0x00000001,
	kIOServiceTerminate = 0x00000004,
	/* registerService() and terminate() */
	kIOServiceSynchronous = 0x00000002,
	/* registerService() */
	kIOServiceAsynchronous = 0x00000008,
};

/* open() options */
enum { kIOServiceSeize = 0x00000001, kIOServiceFamilyOpenOptions = 0xffff0000 };
/* close() options */
enum { kIOServiceFamilyCloseOptions = 0xffff0000 };

/* Property keys (IOKitKeys.h). */
#define kIOClassKey "IOClass"
#define kIOProviderClassKey "IOProviderClass"
#define kIOProbeScoreKey "IOProbeScore"
#define kIOMatchCategoryKey "IOMatchCategory"
#define kIODefaultMatchCategoryKey "IODefaultMatchCategory"
#define kIONameMatchKey "IONameMatch"
#define kIONameMatchedKey "IONameMatched"
#define kIOPropertyMatchKey "IOPropertyMatch"
#define kIOPropertyExistsMatchKey "IOPropertyExistsMatch"
#define kIOLocationMatchKey "IOLocationMatch"
#define kIOParentMatchKey "IOParentMatch"
#define kIOPathMatchKey "IOPathMatch"
#define kIOResourceMatchKey "IOResourceMatch"
#define kIOResourceMatchedKey "IOResourceMatched"
#define kIOResourcesClass "IOResources"
#define kIOMatchedServiceCountKey "IOMatchedServiceCountMatch"
#define kIOUserClientClassKey "IOUserClientClass"
#define kIOKitDebugKey "IOKitDebug"
#define kIOPersonalityPublisherKey "IOPersonalityPublisher"
#define kIOMatchedPersonalityKey "IOMatchedPersonality"
#define kIOCommandPoolSizeKey "IOCommandPoolSize"
#define kIOPublishNotification "IOServicePublish"
#define kIOFirstPublishNotification "IOServiceFirstPublish"
#define kIOMatchedNotification "IOServiceMatched"
#define kIOFirstMatchNotification "IOServiceFirstMatch"
#define kIOTerminatedNotification "IOServiceTerminate"
#define kIOWillTerminateNotification "IOServiceWillTerminate"
#define kIOGeneralInterest "IOGeneralInterest"
#define kIOBusyInterest "IOBusyInterest"
#define kIOBundleIdentifierKey "CFBundleIdentifier"
#define kIOPlatformExpertDeviceClass "IOPlatformExpertDevice"
#define kIOPlatformUUIDKey "IOPlatformUUID"

/* Messages (IOMessage.h): sys_iokit | sub_iokit_common | code. */
#define iokit_common_msg(message) ((UInt32)(0xe0000000u | (unsigned)(message)))
#define kIOMessageServiceIsTerminated iokit_common_msg(0x010)
#define kIOMessageServiceIsSuspended iokit_common_msg(0x020)
#define kIOMessageServiceIsResumed iokit_common_msg(0x030)
#define kIOMessageServiceIsRequestingClose iokit_common_msg(0x100)
#define kIOMessageServiceIsAttemptingOpen iokit_common_msg(0x101)
#define kIOMessageServiceWasClosed iokit_common_msg(0x110)
#define kIOMessageServiceBusyStateChange iokit_common_msg(0x120)
#define kIOMessageServicePropertyChange iokit_common_msg(0x130)

/* IOPMPowerFlags answer of setPowerState: the change is done (kIOPMAckImplied). */
#define kIOPMAckImplied 0

extern const OSSymbol *gIOProviderClassKey;
extern const OSSymbol *gIOClassKey;
extern const OSSymbol *gIOProbeScoreKey;
extern const OSSymbol *gIONameMatchKey;
extern const OSSymbol *gIONameMatchedKey;
extern const OSSymbol *gIOPropertyMatchKey;
extern const OSSymbol *gIOPropertyExistsMatchKey;
extern const OSSymbol *gIOLocationMatchKey;
extern const OSSymbol *gIOParentMatchKey;
extern const OSSymbol *gIOPathMatchKey;
extern const OSSymbol *gIOMatchCategoryKey;
extern const OSSymbol *gIODefaultMatchCategoryKey;
extern const OSSymbol *gIOMatchedServiceCountKey;
extern const OSSymbol *gIOResourcesKey;
extern const OSSymbol *gIOResourceMatchKey;
extern const OSSymbol *gIOResourceMatchedKey;
extern const OSSymbol *gIOUserClientClassKey;
extern const OSSymbol *gIOKitDebugKey;
extern const OSSymbol *gIOPublishNotification;
extern const OSSymbol *gIOFirstPublishNotification;
extern const OSSymbol *gIOMatchedNotification;
extern const OSSymbol *gIOFirstMatchNotification;
extern const OSSymbol *gIOTerminatedNotification;
extern const OSSymbol *gIOWillTerminateNotification;
extern const OSSymbol *gIOGeneralInterest;
extern const OSSymbol *gIOBusyInterest;

/* A matching notification handler: runs on the matching thread; newService is retained meanwhile. */
typedef bool (*IOServiceMatchingNotificationHandler)(void *target, void *refCon, IOService *newService,
                                                     IONotifier *notifier);
typedef void (*IOServiceApplierFunction)(IOService *service, void *context);

/* ---- IONotifier ---------------------------------------------------------- */

OSDeclareDefaultStructorsWithVtbl(IONotifier, OSObject);

struct IONotifier {
	OSObject super;
};

struct IONotifier_vtbl {
	OSObject_vtbl super;
	/* Stop delivery and release the notifier (the caller's reference goes). */
	void (*remove)(IONotifier *self);
	/* Stop delivery for now; returns whether it was enabled. */
	bool (*disable)(IONotifier *self);
	/* Restore the state disable() returned. */
	void (*enable)(IONotifier *self, bool was);
};

static inline void
IONotifier_remove(IONotifier *self)
{
	OSVtbl(IONotifier, self)->remove(self);
}
#define IONotifier_remove(n) IONotifier_remove((IONotifier *)OSObj(n))
static inline bool
IONotifier_disable(IONotifier *self)
{
	return OSVtbl(IONotifier, self)->disable(self);
}
#define IONotifier_disable(n) IONotifier_disable((IONotifier *)OSObj(n))
static inline void
IONotifier_enable(IONotifier *self, bool was)
{
	OSVtbl(IONotifier, self)->enable(self, was);
}
#define IONotifier_enable(n, w) IONotifier_enable((IONotifier *)OSObj(n), w)

/* ---- IOService ------------------------------------------------------------ */

OSDeclareDefaultStructorsWithVtbl(IOService, IORegistryEntry);

struct IOService {
	IORegistryEntry super;
	/* Private to the I/O Kit (state is changed under its locks). */
	IOService *__provider;   /* first provider in the service plane, cached */
	IOService *__owner;      /* the client that has the service open (exclusive by default) */
	IOOptionBits __state[2]; /* [0]: getState bits; [1]: matching and termination bits */
	uint32_t __busy;         /* busy count (getBusyState) */
	uint32_t __matchCount;   /* drivers started on this nub (IOMatchedServiceCountMatch) */
	uint64_t __timeBusy;     /* mach_absolute_time when it last became busy */
	uint64_t __accumBusy;    /* total busy time, absolute-time units */
	void *__reserved[4];     /* power management (issue 7) */
};

struct IOService_vtbl {
	IORegistryEntry_vtbl super;
	/* Can the driver drive provider? Return self (or another service) and adjust *score; NULL refuses. */
	IOService *(*probe)(IOService *self, IOService *provider, SInt32 *score);
	/* Take over provider; false makes matching try the next candidate. */
	bool (*start)(IOService *self, IOService *provider);
	void (*stop)(IOService *self, IOService *provider);
	/* Attach to provider in the service plane (IOService's also counts a busy provider). */
	bool (*attach)(IOService *self, IOService *provider);
	void (*detach)(IOService *self, IOService *provider);
	/* Termination phases: provider is the one terminating. */
	bool (*requestTerminate)(IOService *self, IOService *provider, IOOptionBits options);
	bool (*willTerminate)(IOService *self, IOService *provider, IOOptionBits options);
	bool (*didTerminate)(IOService *self, IOService *provider, IOOptionBits options, bool *defer);
	bool (*terminateClient)(IOService *self, IOService *client, IOOptionBits options);
	bool (*finalize)(IOService *self, IOOptionBits options);
	IOReturn (*message)(IOService *self, UInt32 type, IOService *provider, void *argument);
	IOReturn (*newUserClient)(IOService *self, task_t owningTask, void *securityID, UInt32 type,
	                          OSDictionary *properties, IOUserClient **handler);
	IOReturn (*setPowerState)(IOService *self, unsigned long powerStateOrdinal, IOService *whatDevice);
	IOWorkLoop *(*getWorkLoop)(const IOService *self);
	/* The family's extra matching rules (after the passive keys); may change *score. */
	bool (*matchPropertyTable)(IOService *self, OSDictionary *table, SInt32 *score);
	bool (*open)(IOService *self, IOService *forClient, IOOptionBits options, void *arg);
	void (*close)(IOService *self, IOService *forClient, IOOptionBits options);
	bool (*isOpen)(const IOService *self, const IOService *forClient);
	bool (*handleOpen)(IOService *self, IOService *forClient, IOOptionBits options, void *arg);
	void (*handleClose)(IOService *self, IOService *forClient, IOOptionBits options);
	bool (*handleIsOpen)(const IOService *self, const IOService *forClient);
	IOService *(*getProvider)(const IOService *self);
	IOService *(*getClient)(const IOService *self);
	/* Power management (IOServicePM.c): an interested driver hears of whatDevice's changes. */
	IOReturn (*powerStateWillChangeTo)(IOService *self, unsigned long capabilities,
	                                   unsigned long stateNumber, IOService *whatDevice);
	IOReturn (*powerStateDidChangeTo)(IOService *self, unsigned long capabilities,
	                                  unsigned long stateNumber, IOService *whatDevice);
};

#define IOSvc_(s) ((IOService *)OSObj(s))

/* ---- virtual dispatch wrappers ---------------------------------------------- */

#define IOService_init(s, d) IORegistryEntry_init(s, d)

static inline IOService *
IOService_probe(IOService *self, IOService *provider, SInt32 *score)
{
	return OSVtbl(IOService, self)->probe(self, provider, score);
}
#define IOService_probe(s, p, sc) IOService_probe(IOSvc_(s), IOSvc_(p), sc)
static inline bool
IOService_start(IOService *self, IOService *provider)
{
	return OSVtbl(IOService, self)->start(self, provider);
}
#define IOService_start(s, p) IOService_start(IOSvc_(s), IOSvc_(p))
static inline void
IOService_stop(IOService *self, IOService *provider)
{
	OSVtbl(IOService, self)->stop(self, provider);
}
#define IOService_stop(s, p) IOService_stop(IOSvc_(s), IOSvc_(p))
static inline bool
IOService_attach(IOService *self, IOService *provider)
{
	return OSVtbl(IOService, self)->attach(self, provider);
}
#define IOService_attach(s, p) IOService_attach(IOSvc_(s), IOSvc_(p))
static inline void
IOService_detach(IOService *self, IOService *provider)
{
	OSVtbl(IOService, self)->detach(self, provider);
}
#define IOService_detach(s, p) IOService_detach(IOSvc_(s), IOSvc_(p))
static inline bool
IOService_requestTerminate(IOService *self, IOService *provider, IOOptionBits options)
{
	return OSVtbl(IOService, self)->requestTerminate(self, provider, options);
}
#define IOService_requestTerminate(s, p, o) IOService_requestTerminate(IOSvc_(s), IOSvc_(p), o)
static inline bool
IOService_willTerminate(IOService *self, IOService *provider, IOOptionBits options)
{
	return OSVtbl(IOService, self)->willTerminate(self, provider, options);
}
#define IOService_willTerminate(s, p, o) IOService_willTerminate(IOSvc_(s), IOSvc_(p), o)
static inline bool
IOService_didTerminate(IOService *self, IOService *provider, IOOptionBits options, bool *defer)
{
	return OSVtbl(IOService, self)->didTerminate(self, provider, options, defer);
}
#define IOService_didTerminate(s, p, o, d) IOService_didTerminate(IOSvc_(s), IOSvc_(p), o, d)
static inline bool
IOService_terminateClient(IOService *self, IOService *client, IOOptionBits options)
{
	return OSVtbl(IOService, self)->terminateClient(self, client, options);
}
#define IOService_terminateClient(s, c, o) IOService_terminateClient(IOSvc_(s), IOSvc_(c), o)
static inline bool
IOService_finalize(IOService *self, IOOptionBits options)
{
	return OSVtbl(IOService, self)->finalize(self, options);
}
#define IOService_finalize(s, o) IOService_finalize(IOSvc_(s), o)
static inline IOReturn
IOService_message(IOService *self, UInt32 type, IOService *provider, void *argument)
{
	return OSVtbl(IOService, self)->message(self, type, provider, argument);
}
#define IOService_message(s, t, p, a) IOService_message(IOSvc_(s), t, IOSvc_(p), a)
static inline IOReturn
IOService_newUserClient(IOService *self, task_t owningTask, void *securityID, UInt32 type,
                        OSDictionary *properties, IOUserClient **handler)
{
	return OSVtbl(IOService, self)
	        ->newUserClient(self, owningTask, securityID, type, properties, handler);
}
#define IOService_newUserClient(s, t, id, ty, p, h) IOService_newUserClient(IOSvc_(s), t, id, ty, p, h)
static inline IOReturn
IOService_setPowerState(IOService *self, unsigned long powerStateOrdinal, IOService *whatDevice)
{
	return OSVtbl(IOService, self)->setPowerState(self, powerStateOrdinal, whatDevice);
}
#define IOService_setPowerState(s, o, d) IOService_setPowerState(IOSvc_(s), o, d)
static inline IOWorkLoop *
IOService_getWorkLoop(const IOService *self)
{
	return OSVtbl(IOService, self)->getWorkLoop(self);
}
#define IOService_getWorkLoop(s) IOService_getWorkLoop(IOSvc_(s))
static inline bool
IOService_matchPropertyTable(IOService *self, OSDictionary *table, SInt32 *score)
{
	return OSVtbl(IOService, self)->matchPropertyTable(self, table, score);
}
#define IOService_matchPropertyTable(s, t, sc) IOService_matchPropertyTable(IOSvc_(s), t, sc)
static inline bool
IOService_open(IOService *self, IOService *forClient, IOOptionBits options, void *arg)
{
	return OSVtbl(IOService, self)->open(self, forClient, options, arg);
}
#define IOService_open(s, c, o, a) IOService_open(IOSvc_(s), IOSvc_(c), o, a)
static inline void
IOService_close(IOService *self, IOService *forClient, IOOptionBits options)
{
	OSVtbl(IOService, self)->close(self, forClient, options);
}
#define IOService_close(s, c, o) IOService_close(IOSvc_(s), IOSvc_(c), o)
/* isOpen(NULL): is it open at all? */
static inline bool
IOService_isOpen(const IOService *self, const IOService *forClient)
{
	return OSVtbl(IOService, self)->isOpen(self, forClient);
}
#define IOService_isOpen(s, c) IOService_isOpen(IOSvc_(s), (const IOService *)(c))
static inline bool
IOService_handleOpen(IOService *self, IOService *forClient, IOOptionBits options, void *arg)
{
	return OSVtbl(IOService, self)->handleOpen(self, forClient, options, arg);
}
#define IOService_handleOpen(s, c, o, a) IOService_handleOpen(IOSvc_(s), IOSvc_(c), o, a)
static inline void
IOService_handleClose(IOService *self, IOService *forClient, IOOptionBits options)
{
	OSVtbl(IOService, self)->handleClose(self, forClient, options);
}
#define IOService_handleClose(s, c, o) IOService_handleClose(IOSvc_(s), IOSvc_(c), o)
static inline bool
IOService_handleIsOpen(const IOService *self, const IOService *forClient)
{
	return OSVtbl(IOService, self)->handleIsOpen(self, forClient);
}
#define IOService_handleIsOpen(s, c) IOService_handleIsOpen(IOSvc_(s), (const IOService *)(c))
static inline IOService *
IOService_getProvider(const IOService *self)
{
	return OSVtbl(IOService, self)->getProvider(self);
}
#define IOService_getProvider(s) IOService_getProvider(IOSvc_(s))
static inline IOService *
IOService_getClient(const IOService *self)
{
	return OSVtbl(IOService, self)->getClient(self);
}
#define IOService_getClient(s) IOService_getClient(IOSvc_(s))

/* ---- non-virtual methods ------------------------------------------------------ */

/* Publish the service: start matching (on a config thread unless kIOServiceSynchronous). */
void IOService_registerService(IOService *self, IOOptionBits options);
#define IOService_registerService(s, o) IOService_registerService(IOSvc_(s), o)
/* Matching on an already registered service again (XNU's IOService::startMatching). */
void IOService_startMatching(IOService *self, IOOptionBits options);
#define IOService_startMatching(s, o) IOService_startMatching(IOSvc_(s), o)
IOOptionBits IOService_getState(const IOService *self);
#define IOService_getState(s) IOService_getState(IOSvc_(s))
bool IOService_isInactive(const IOService *self);
#define IOService_isInactive(s) IOService_isInactive(IOSvc_(s))
UInt32 IOService_getBusyState(const IOService *self);
#define IOService_getBusyState(s) IOService_getBusyState(IOSvc_(s))
/* Add delta to the busy count of self and (when it changes between 0 and non-0) its providers. */
void IOService_adjustBusy(IOService *self, SInt32 delta);
#define IOService_adjustBusy(s, d) IOService_adjustBusy(IOSvc_(s), d)
/* Wait until self and every descendant are not busy; kIOReturnTimeout after timeout ns (0: forever). */
IOReturn IOService_waitQuiet(IOService *self, uint64_t timeout);
#define IOService_waitQuiet(s, t) IOService_waitQuiet(IOSvc_(s), t)
/* IOKitWaitQuiet: the whole registry (the service root) quiet. */
IOReturn IOKitWaitQuiet(uint64_t timeout);
/* Time spent busy so far, in ms (ioreg's "busy 0 (N ms)"). */
uint64_t IOService_getAccumulatedBusyTime(const IOService *self);
#define IOService_getAccumulatedBusyTime(s) IOService_getAccumulatedBusyTime(IOSvc_(s))

/* message(type, self, argument) to every client, in the service plane. */
IOReturn IOService_messageClients(IOService *self, UInt32 type, void *argument, vm_size_t argSize);
#define IOService_messageClients(s, t, a, z) IOService_messageClients(IOSvc_(s), t, a, z)
/* applier(client/provider, context) for each. */
void IOService_applyToClients(IOService *self, IOServiceApplierFunction applier, void *context);
void IOService_applyToProviders(IOService *self, IOServiceApplierFunction applier, void *context);
OSIterator *IOService_getClientIterator(IOService *self);
OSIterator *IOService_getProviderIterator(IOService *self);
/* The client whose IOMatchCategory is category (retained), or NULL. */
IOService *IOService_copyClientWithCategory(IOService *self, const OSSymbol *category);

/*
 * Terminate self and everything that depends only on it: mark inactive,
 * deliver terminate notifications, willTerminate root to leaf,
 * didTerminate leaf to root, stop, detach. Synchronous with
 * kIOServiceSynchronous (returns when done), else on a termination thread.
 */
bool IOService_terminate(IOService *self, IOOptionBits options);
#define IOService_terminate(s, o) IOService_terminate(IOSvc_(s), o)

/* ---- matching dictionaries and lookups ----------------------------------------- */

/* { IOProviderClass: name } (retained; added to table when table is not NULL). */
OSDictionary *IOService_serviceMatching(const char *className, OSDictionary *table);
OSDictionary *IOService_nameMatching(const char *name, OSDictionary *table);
OSDictionary *IOService_resourceMatching(const char *name, OSDictionary *table);
/* { IOPropertyMatch: { key: value } } */
OSDictionary *IOService_propertyMatching(const OSSymbol *key, const OSObject *value, OSDictionary *table);
OSDictionary *IOService_registryEntryIDMatching(uint64_t entryID, OSDictionary *table);
/* Does self match table passively (the keys IOService checks, then the family's)? */
bool IOService_matchPassive(IOService *self, OSDictionary *table, IOOptionBits options);
/* Compare name rules of IONameMatch against self's name and compatible names. */
bool IOService_compareNameMatch(IOService *self, OSObject *names, OSString **matched);

/* Registered services matching (retained iterator over a snapshot), or NULL. */
OSIterator *IOService_getMatchingServices(OSDictionary *matching);
/* The first registered, matched service matching (retained), or NULL. */
IOService *IOService_copyMatchingService(OSDictionary *matching);
/* Wait up to timeout ns (UINT64_MAX or 0: forever) for a matching service: retained, or NULL. */
IOService *IOService_waitForMatchingService(OSDictionary *matching, uint64_t timeout);

/*
 * Notifications: type is gIOPublishNotification, gIOFirstPublishNotification,
 * gIOMatchedNotification, gIOFirstMatchNotification, gIOTerminatedNotification
 * or gIOWillTerminateNotification. Services already in the registry are
 * delivered at once for publish and matched types (on the caller's thread).
 * Higher priority handlers run first. matching is retained. The notifier is
 * retained for the caller: IONotifier_remove() ends it and drops that
 * reference.
 */
IONotifier *IOService_addMatchingNotification(const OSSymbol *type, OSDictionary *matching,
                                              IOServiceMatchingNotificationHandler handler, void *target,
                                              void *ref, SInt32 priority);

/* An interest handler's call: a message to the service's interested clients (IOServiceInterest.c). */
typedef IOReturn (*IOServiceInterestHandler)(void *target, void *refCon, UInt32 messageType,
                                             IOService *provider, void *messageArgument, vm_size_t argSize);
/*
 * Interest in self: handler gets every message of messageClients, and
 * kIOMessageServiceIsTerminated when self is terminated. typeOfInterest:
 * gIOGeneralInterest (kexthost has no busy or power interests: NULL). The
 * notifier holds self until IONotifier_remove(), which also waits for
 * handler calls in flight. NULL on bad arguments.
 */
IONotifier *IOService_registerInterest(IOService *self, const OSSymbol *typeOfInterest,
                                       IOServiceInterestHandler handler, void *target, void *ref);
#define IOService_registerInterest(s, t, h, tg, r) IOService_registerInterest(IOSvc_(s), t, h, tg, r)

/* Resources: publish key on IOResources (value kOSBooleanTrue by default) and rematch waiters. */
void IOService_publishResource(const char *key, OSObject *value);
void IOService_publishResourceSymbol(const OSSymbol *key, OSObject *value);
IOService *IOService_getResourceService(void);
/* The root of the service plane (IOPlatformExpertDevice), and the platform driver. */
IOService *IOService_getServiceRoot(void);
IOPlatformExpert *IOService_getPlatform(void);

/* Default (IOService) implementations, for overrides that call super explicitly by name. */
IOService *IOService_probeImpl(IOService *self, IOService *provider, SInt32 *score);

/* ---- power management (iokit/Kernel/IOServicePM.c; docs/IOKIT.md "Power management") ---- */

#include <IOKit/pwr_mgt/IOPMpowerState.h>

static inline IOReturn
IOService_powerStateWillChangeTo(IOService *self, unsigned long capabilities, unsigned long stateNumber,
                                 IOService *whatDevice)
{
	return OSVtbl(IOService, self)->powerStateWillChangeTo(self, capabilities, stateNumber, whatDevice);
}
static inline IOReturn
IOService_powerStateDidChangeTo(IOService *self, unsigned long capabilities, unsigned long stateNumber,
                                IOService *whatDevice)
{
	return OSVtbl(IOService, self)->powerStateDidChangeTo(self, capabilities, stateNumber, whatDevice);
}

/* Make self's PM record (before the other calls). */
void IOService_PMinit(IOService *self);
#define IOService_PMinit(s) IOService_PMinit(IOSvc_(s))
/* Leave the power plane; waits for a setPowerState or interested-driver call to self in flight. */
void IOService_PMstop(IOService *self);
#define IOService_PMstop(s) IOService_PMstop(IOSvc_(s))
/* self (usually the nub) attaches driver to the power plane under the nearest powered ancestor or the root domain. */
void IOService_joinPMtree(IOService *self, IOService *driver);
#define IOService_joinPMtree(s, d) IOService_joinPMtree(IOSvc_(s), IOSvc_(d))
/* The power states (at least 2, version 1 or 2, lowest first); controllingDriver gets setPowerState. */
IOReturn IOService_registerPowerDriver(IOService *self, IOService *controllingDriver,
                                       IOPMPowerState *powerStates, unsigned long numberOfStates);
#define IOService_registerPowerDriver(s, d, p, n) IOService_registerPowerDriver(IOSvc_(s), IOSvc_(d), p, n)
/* The driver's desire (DriverPowerState). IOPMNoErr, or IOPMParameterError / IOPMNotYetInitialized. */
IOReturn IOService_changePowerStateTo(IOService *self, unsigned long ordinal);
#define IOService_changePowerStateTo(s, o) IOService_changePowerStateTo(IOSvc_(s), o)
/* The device desire (DevicePowerState), as the idle policy sets it. */
IOReturn IOService_changePowerStateToPriv(IOService *self, unsigned long ordinal);
#define IOService_changePowerStateToPriv(s, o) IOService_changePowerStateToPriv(IOSvc_(s), o)
/* Device desire to the highest state. */
IOReturn IOService_makeUsable(IOService *self);
#define IOService_makeUsable(s) IOService_makeUsable(IOSvc_(s))
/* kIOPMSuperclassPolicy1: activity; raise to stateNumber if lower. True if already there. */
bool IOService_activityTickle(IOService *self, unsigned long type, unsigned long stateNumber);
#define IOService_activityTickle(s, t, n) IOService_activityTickle(IOSvc_(s), t, n)
/* Idle period in seconds (0 stops): each expiry without activity lowers the device desire one state. */
IOReturn IOService_setIdleTimerPeriod(IOService *self, unsigned long period);
#define IOService_setIdleTimerPeriod(s, p) IOService_setIdleTimerPeriod(IOSvc_(s), p)
unsigned long IOService_getPowerState(IOService *self);
#define IOService_getPowerState(s) IOService_getPowerState(IOSvc_(s))
/* A driver whose setPowerState answered a delay in microseconds says it is done. */
IOReturn IOService_acknowledgeSetPowerState(IOService *self);
#define IOService_acknowledgeSetPowerState(s) IOService_acknowledgeSetPowerState(IOSvc_(s))
/* theDriver gets powerStateWillChangeTo/DidChangeTo for self's changes; returns self's capability flags. */
IOPMPowerFlags IOService_registerInterestedDriver(IOService *self, IOService *theDriver);
#define IOService_registerInterestedDriver(s, d) IOService_registerInterestedDriver(IOSvc_(s), IOSvc_(d))
IOReturn IOService_deRegisterInterestedDriver(IOService *self, IOService *theDriver);
#define IOService_deRegisterInterestedDriver(s, d) IOService_deRegisterInterestedDriver(IOSvc_(s), IOSvc_(d))
/* An interested driver that answered a delay says it is done with self's change. */
IOReturn IOService_acknowledgePowerChange(IOService *self, IOService *whichDriver);
#define IOService_acknowledgePowerChange(s, d) IOService_acknowledgePowerChange(IOSvc_(s), IOSvc_(d))
/* The root power domain (IOPMrootDomain; RootDomain.h). */
IOService *IOService_getPMRootDomain(void);

#endif /* _IOKIT_IOSERVICE_H */
