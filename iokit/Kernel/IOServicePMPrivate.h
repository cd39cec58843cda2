/*
 * IOServicePMPrivate.h — power management's private interface between
 * IOServicePM.c (per-service PM, the PM thread, the power plane),
 * IOPMrootDomain.c (system sleep and wake) and the I/O Kit boot code.
 * Not for kexts.
 *
 * Locking: one PM mutex guards every service's PM record and the PM
 * queue. It is taken after (never around) the registry and service locks,
 * and nothing calls a driver, an interested driver or an interest handler
 * with it held. All power changes run on the one PM thread, in queue order.
 */
#ifndef _IOKIT_KERNEL_IOSERVICEPMPRIVATE_H_
#define _IOKIT_KERNEL_IOSERVICEPMPRIVATE_H_

#include <IOKit/IOService.h>
#include <IOKit/pwr_mgt/IOPMpowerState.h>

/* Start the PM thread and make the power plane's root connection; once, at StartIOKit. */
int iopm_init(void);
/* Stop the PM thread (IOKit_shutdown). */
void iopm_shutdown(void);
/* Release a service's PM record (IOService's free). */
void iopm_free(IOService *service);
/* Wait until the PM queue is empty and the PM thread idle: 0 or ETIMEDOUT (timeout in ns, 0 forever). */
int iopm_wait_idle(uint64_t timeout);

/*
 * A job for the PM thread (system sleep and wake, IOPMrootDomain.c):
 * fn(arg) runs on it in queue order; iopm_run_job waits for it and
 * returns its result.
 */
IOReturn iopm_run_job(IOReturn (*fn)(void *arg), void *arg);
bool iopm_on_pm_thread(void);

/* The root domain's record: it has no power parent and ignores its children's desires. */
IOReturn iopm_make_root(IOService *root, IORegistryEntry *rootConnectionParent);
/* On the PM thread: set service's driver desire and carry the change out now (children first on a drop). */
void iopm_change_now(IOService *service, unsigned long state);

/* Milliseconds PM waits for a late setPowerState / interested driver ack beyond what it asked for. */
extern uint32_t iopm_ack_grace_ms;
/* Counters for tests: tardy (timed out) acks so far. */
extern uint32_t iopm_tardy_acks;

/* Make the root domain under the platform expert and root the power plane in it (IOPMrootDomain.c). */
int IOPMrootDomain_startPlatform(IOService *platformExpert);
/* Answers still outstanding are treated as given after this long (XNU: 30 s for apps). */
extern uint32_t iopm_response_timeout_ms;

extern IOService *gIOPMRootDomain;
extern const OSSymbol *gIOAppPowerStateInterest;
extern const OSSymbol *gIOPriorityPowerStateInterest;
extern OSMetaClass IOPowerConnection_gMetaClass;

#endif /* _IOKIT_KERNEL_IOSERVICEPMPRIVATE_H_ */
