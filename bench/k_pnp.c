/*
 * k_pnp.c — kernel side of the plug-and-play benchmark: hot-add latency,
 * from publishing a device on the virtual bus to its matched driver's
 * start() returning, against creating, attaching and starting the same
 * driver class directly.
 *
 * The hot-add path is the one `devctl add` takes (IOVirtualBus_addDevice:
 * make the IOVirtualDevice nub, attach it, registerService without
 * kIOServiceSynchronous), so the figure includes handing the nub to a
 * config thread, the catalogue lookup, probe, the driver's allocation and
 * attach and its start. The bench driver stamps the time at the end of its
 * start and wakes the measuring thread; the wake-up itself is not timed.
 */
#include <stdbool.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <kern/clock.h>
#include <IOKit/IOCatalogue.h>
#include <IOKit/IOInterrupts.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOLocks.h>
#include <IOKit/IOService.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOUserRequest.h"
#include "bench/k_pnp.h"

#define KPNP_KEY "BenchPnP" /* the personality's IOPropertyMatch key, and its removal tag */
#define KPNP_WAIT_NS (10ull * 1000 * 1000 * 1000)

OSDeclareDefaultStructors(BenchPnPNub, IOService);
struct BenchPnPNub {
	IOService super;
};
OSDefineMetaClassAndStructors(BenchPnPNub, IOService, NULL);

OSDeclareDefaultStructors(BenchPnPDriver, IOService);
struct BenchPnPDriver {
	IOService super;
};

static IOLock *kpnp_lock;
static uint64_t kpnp_started_at; /* under kpnp_lock; 0 until a start */

static bool
BenchPnPDriver_start(IOService *self, IOService *provider)
{
	uint64_t now;

	if (!OSSuperCall(BenchPnPDriver, start, self, provider))
		return false;
	now = mach_absolute_time(); /* the end of start: what the bench measures to */
	IOLockLock(kpnp_lock);
	kpnp_started_at = now;
	IOLockWakeup(kpnp_lock, &kpnp_started_at, false);
	IOLockUnlock(kpnp_lock);
	return true;
}

static const OSMethod BenchPnPDriver_methods[] = {
        OSMethodOverride(IOService, start, BenchPnPDriver_start),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(BenchPnPDriver, IOService, BenchPnPDriver_methods);

static bool
kpnp_set_str(OSDictionary *d, const char *key, const char *value)
{
	OSString *s = OSString_withCString(value);
	bool ok = s != NULL && OSDictionary_setObjectCString(d, key, s);

	OSSafeReleaseNULL(s);
	return ok;
}

int64_t
k_pnp_setup(void)
{
	OSDictionary *p = OSDictionary_withCapacity(4), *match = OSDictionary_withCapacity(1);
	OSArray *a = OSArray_withCapacity(1);
	int64_t ret = -1;

	if (kpnp_lock == NULL && (kpnp_lock = IOLockAlloc()) == NULL)
		goto out;
	/* Matches only the bench's nubs: IOPropertyMatch on a key no other device has. */
	if (p == NULL || match == NULL || a == NULL || !kpnp_set_str(p, kIOClassKey, "BenchPnPDriver") ||
	    !kpnp_set_str(p, kIOProviderClassKey, "IOVirtualDevice") ||
	    !kpnp_set_str(match, KPNP_KEY, "yes") ||
	    !OSDictionary_setObjectCString(p, kIOPropertyMatchKey, match) ||
	    !OSDictionary_setObjectCString(p, KPNP_KEY, kOSBooleanTrue) || !OSArray_setObject(a, p))
		goto out;
	if (IOVirtualBus_getBus() != NULL && IOCatalogue_addDrivers(gIOCatalogue, a, false))
		ret = 0;
out:
	OSSafeReleaseNULL(p);
	OSSafeReleaseNULL(match);
	OSSafeReleaseNULL(a);
	return ret;
}

void
k_pnp_teardown(void)
{
	OSDictionary *m = OSDictionary_withCapacity(1);

	if (m != NULL && OSDictionary_setObjectCString(m, KPNP_KEY, kOSBooleanTrue))
		(void)IOCatalogue_removeDrivers(gIOCatalogue, m, false);
	OSSafeReleaseNULL(m);
}

/* Wait (bounded) until a start stamped kpnp_started_at; its time, or 0 on timeout. */
static uint64_t
kpnp_wait_started(void)
{
	uint64_t deadline = mach_absolute_time() + KPNP_WAIT_NS, t;

	IOLockLock(kpnp_lock);
	while (kpnp_started_at == 0 && mach_absolute_time() < deadline)
		(void)IOLockSleepDeadline(kpnp_lock, &kpnp_started_at, deadline, THREAD_UNINT);
	t = kpnp_started_at;
	kpnp_started_at = 0;
	IOLockUnlock(kpnp_lock);
	return t;
}

/* Every bench instance gone (bounded wait: the last ones may still be on the I/O Kit's threads)? */
static int
kpnp_all_freed(void)
{
	uint64_t end = mach_absolute_time() + KPNP_WAIT_NS;

	(void)IOKitWaitQuiet(KPNP_WAIT_NS);
	while ((OSMetaClass_getInstanceCount(OSTypeID(BenchPnPDriver)) != 0 ||
	        OSMetaClass_getInstanceCount(OSTypeID(BenchPnPNub)) != 0) &&
	       mach_absolute_time() < end)
		IOSleep(1);
	if (OSMetaClass_getInstanceCount(OSTypeID(BenchPnPDriver)) != 0 ||
	    OSMetaClass_getInstanceCount(OSTypeID(BenchPnPNub)) != 0) {
		printf("pnp: %u drivers and %u nubs outlived the run\n",
		       OSMetaClass_getInstanceCount(OSTypeID(BenchPnPDriver)),
		       OSMetaClass_getInstanceCount(OSTypeID(BenchPnPNub)));
		return -1;
	}
	return 0;
}

int64_t
k_pnp_hotadd(uint32_t n, uint64_t *ns)
{
	OSDictionary *props = OSDictionary_withCapacity(2);
	int64_t ret = -1;

	if (props == NULL || kpnp_lock == NULL || !kpnp_set_str(props, KPNP_KEY, "yes") ||
	    !kpnp_set_str(props, "Vendor", "bench"))
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t id = 0, t0, t1;

		t0 = mach_absolute_time();
		if (IOVirtualBus_addDevice("benchpnp", NULL, props, 0, kIOInterruptTypeEdge, &id) !=
		    kIOReturnSuccess)
			goto out;
		t1 = kpnp_wait_started();
		(void)IOVirtualBus_removeDevice(id, false);
		if (t1 == 0) {
			printf("pnp: the driver of device 0x%llx did not start\n", (unsigned long long)id);
			goto out;
		}
		ns[i] = t1 - t0;
	}
	ret = 0;
out:
	OSSafeReleaseNULL(props);
	if (kpnp_all_freed() != 0)
		ret = -1;
	return ret;
}

int64_t
k_pnp_direct(uint32_t n, uint64_t *ns)
{
	IOService *nub = (IOService *)OSMetaClass_allocInstance(OSTypeID(BenchPnPNub));
	int64_t ret = -1;

	if (kpnp_lock == NULL || nub == NULL || !IORegistryEntry_init(nub, NULL) ||
	    !IOService_attach(nub, IOService_getResourceService()))
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		IOService *d;
		uint64_t t0, t1;

		t0 = mach_absolute_time();
		d = (IOService *)OSMetaClass_allocInstance(OSTypeID(BenchPnPDriver));
		if (d == NULL || !IORegistryEntry_init(d, NULL) || !IOService_attach(d, nub)) {
			OSSafeReleaseNULL(d);
			goto out;
		}
		if (!IOService_start(d, nub)) {
			(void)IOService_terminate(d, kIOServiceSynchronous);
			OSObject_release(d);
			goto out;
		}
		t1 = kpnp_wait_started(); /* already stamped: no wait */
		/* As matching does once start succeeds, so terminate stops it. */
		iosvc_lock();
		d->__state[1] |= kIOServiceStartedState;
		iosvc_unlock();
		(void)IOService_terminate(d, kIOServiceSynchronous);
		OSObject_release(d);
		ns[i] = t1 - t0;
	}
	ret = 0;
out:
	if (nub != NULL)
		(void)IOService_terminate(nub, kIOServiceSynchronous);
	OSSafeReleaseNULL(nub);
	if (kpnp_all_freed() != 0)
		ret = -1;
	return ret;
}
