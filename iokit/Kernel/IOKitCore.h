/*
 * IOKitCore.h — private declarations shared by the registry, IOService,
 * the catalogue and the I/O Kit boot code (iokit/Kernel). Not for kexts.
 *
 * Locking order (outer first): the catalogue lock, the notification lock,
 * the registry lock (reader/writer, topology), a service's state (the
 * service lock), an entry's property lock. Nothing calls a driver method,
 * a notification handler or a kext load with any of them held.
 */
#ifndef _IOKIT_KERNEL_IOKITCORE_H_
#define _IOKIT_KERNEL_IOKITCORE_H_

#include <IOKit/IOService.h>
#include <IOKit/IOCatalogue.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <sys/systm.h>

/* ---- registry (IORegistryEntry.c) ---- */

#define IOREG_MAX_PLANES 8

struct IORegistryPlane {
	const OSSymbol *nameKey; /* the plane's name, "IOService" */
	const OSSymbol *keys[4]; /* parent set, child set, name, location in the plane */
	unsigned int index;
};
enum { IOREG_PARENT_KEY, IOREG_CHILD_KEY, IOREG_NAME_KEY, IOREG_LOCATION_KEY };

extern lck_grp_t *ioreg_lck_grp;
void ioreg_read_lock(void);
void ioreg_write_lock(void);
void ioreg_unlock(void);
/* Bumped on every topology change (iterators compare it). */
uint32_t ioreg_generation(void);
/* Make the root, the planes and the keys; once. 0 or an errno. */
int ioreg_init(void);
/* Parents/children array of entry in plane (not retained), registry lock held. */
OSArray *ioreg_links_locked(const IORegistryEntry *entry, const IORegistryPlane *plane, int which);
/* The root (created by ioreg_init). */
extern IORegistryEntry *gIORegistryRoot;

/* ---- services (IOService*.c) ---- */

/* __state[1] bits: matching, termination and busy bookkeeping. */
#define kIOServiceNeedConfigState 0x80000000u
#define kIOServiceConfigRunning 0x40000000u
#define kIOServiceSynchronousState 0x20000000u
#define kIOServiceTermPhase1State 0x10000000u
#define kIOServiceTermPhase2State 0x08000000u
#define kIOServiceTermPhase3State 0x04000000u
#define kIOServiceRecursing 0x02000000u
#define kIOServiceStartedState 0x01000000u /* start() succeeded: stop() is due at termination */
#define kIOServiceNeedWillTerminate 0x00800000u
#define kIOServiceWaitDetachState 0x00400000u
#define kIOServiceFinalized 0x00200000u
#define kIOServiceTerm1WaiterState 0x00100000u /* someone waits for this one's phase 1 to end */
#define kIOServiceTermBusyState 0x00080000u    /* termination holds one busy count until detached */
#define kIOServiceStartState 0x00040000u       /* a user client's start runs: its provider's phase 2 waits */

/*
 * One mutex guards every service's __state, __busy and __owner (short sections only). Bits of
 * __state[1] are also tested without it (a provider's phase 3, a client's start): they are set and
 * cleared with atomic operations (under the mutex), and read atomically where it is not held.
 */
void iosvc_lock(void);
void iosvc_unlock(void);
void iosvc_assert_locked(void);

int iosvc_init(void); /* symbols, locks (IOService.c) */
int iosvc_start_threads(void);
void iosvc_shutdown(void); /* terminate everything, stop config threads */
/* Run doServiceMatch on a config thread. */
void iosvc_queue_match(IOService *service, IOOptionBits options);
/* The matching pass (IOServiceMatching.c): candidates, probe, start, notifications. */
void iosvc_do_service_match(IOService *service, IOOptionBits options);
/* Deliver notifications of type to the notifiers matching service (IOServiceNotify.c). */
void iosvc_deliver_notification(IOService *service, const OSSymbol *type, IOOptionBits orNewState,
                                IOOptionBits andNewState);
/* Enabled publish notifiers matching service (retained set), for doServiceMatch. */
void iosvc_add_publish_notifiers(IOService *service, OSOrderedSet *matches);
/* An entry of a matches set that is a notifier: invoke it, true; false if it isn't one. */
bool iosvc_invoke_if_notifier(IOService *service, OSObject *entry);
int iosvc_notify_init(void);
/* The waiters on the registry (waitForMatchingService, waitQuiet) re-check. */
void iosvc_wake_waiters(void);
/* Order of a matches set: higher IOProbeScore (or notifier priority) first. */
SInt32 IOServiceOrdering(const OSObject *a, const OSObject *b, void *ref);
/* A personality's IOProbeScore (0 when absent). */
SInt32 iosvc_probe_score(OSDictionary *table);
/* Termination (IOServiceTerminate.c). */
bool iosvc_terminate(IOService *service, IOOptionBits options);
/* The termination lists (IOServiceTerminate.c): XNU's scheduleStop, scheduleFinalize,
 * scheduleTerminatePhase2; the termination thread; the synchronous bound (tests). */
void iosvc_schedule_stop(IOService *client, IOService *provider);
void iosvc_schedule_finalize(IOService *service);
void iosvc_schedule_phase2(IOService *service, IOOptionBits options);
int ioterm_start(void);
void ioterm_stop(void);
uint32_t ioterm_set_sync_timeout(uint32_t seconds);
/* A terminated service with no provider left stops being busy (IOService.c). */
void iosvc_term_release_busy(IOService *service);
/* Sleep on event with the service lock held (it is dropped while asleep). */
wait_result_t iosvc_sleep_locked(void *event);
/* Busy bookkeeping with the service lock held; returns the old count. */
uint32_t iosvc_adjust_busy_locked(IOService *service, int32_t delta);

extern IOService *gIOResources;
extern IOService *gIOServiceRoot;
extern IOPlatformExpert *gIOPlatform;
extern const OSSymbol *gIOPlatformExpertDeviceKey;
/* Demand loading: OSKext_load the bundle; hook so tests can count (IOServiceMatching.c). */
extern unsigned int iosvc_demand_loads;

SInt32 iosvc_notifier_priority(const OSObject *obj, bool *isNotifier);
void iosvc_notify_kick(bool shutdown);
void iosvc_shutdown_threads(void);
unsigned int iosvc_config_thread_count(void); /* tests: lazily grown state is not a leak */
bool iosvc_queue_terminate(IOService *service, IOOptionBits options, void (*fn)(IOService *, IOOptionBits));
/* IOResources: IOService whose matchPropertyTable checks IOResourceMatch against its properties. */
extern OSMetaClass IOResources_gMetaClass;

/* ---- catalogue (IOCatalogue.c) ---- */

int iocat_init(void);
void iocat_shutdown(void);
/* The personalities of a kext's Info.plist (IOKitPersonalities), with CFBundleIdentifier: retained. */
OSArray *iocat_personalities_of(OSDictionary *infoDict);

/* ---- boot (IOStartIOKit.c) ---- */
/* kern.kexthost.iokit_counts (IOKitStats.c): register (true) or not. */
void iostats_register(bool on);
int StartIOKit(void);
void IOKit_shutdown(void);

#endif /* _IOKIT_KERNEL_IOKITCORE_H_ */
