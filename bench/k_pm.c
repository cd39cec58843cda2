/*
 * k_pm.c — kernel side of the power management benchmark: a tree of
 * BenchPMDev services (3 states: off, doze and on; doze and on need
 * kIOPMPowerOn; a device supplies it to its children when on), each its own
 * controlling driver answering kIOPMAckImplied. A parent is a child of the
 * root domain in the power plane; its children join under it.
 *
 * A cycle is a demand sleep then a wake of the root domain: every device
 * gets setPowerState(0) (children before their parent), then
 * setPowerState(2) (parent before its children), all on the PM thread. The
 * baseline makes the same calls directly through the same method table, so
 * the ratio is what PM adds: ordering, the power plane walk, locking, the
 * IOPowerManagement property and the hand-off to the PM thread.
 */
#include <stdbool.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <kern/clock.h>
#include <kern/kalloc.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOService.h>
#include <IOKit/pwr_mgt/RootDomain.h>
#include "iokit/Kernel/IOServicePMPrivate.h"
#include "bench/k_pm.h"

#define KBPM_SETTLE_NS (60ull * 1000 * 1000 * 1000)

OSDeclareDefaultStructors(BenchPMDev, IOService);
struct BenchPMDev {
	IOService super;
	uint32_t downs, ups; /* setPowerState(0) and setPowerState(2) calls */
};

static IOReturn
BenchPMDev_setPowerState(IOService *self, unsigned long state, IOService *what)
{
	BenchPMDev *d = (BenchPMDev *)self;

	if (state == 0)
		d->downs++;
	else if (state == 2)
		d->ups++;
	return kIOPMAckImplied;
}

static const OSMethod BenchPMDev_methods[] = {
        OSMethodOverride(IOService, setPowerState, BenchPMDev_setPowerState),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(BenchPMDev, IOService, BenchPMDev_methods);

static IOPMPowerState kbpm_states[3] = {
        {kIOPMPowerStateVersion1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {kIOPMPowerStateVersion1, kIOPMLowPower, 0, kIOPMPowerOn, 0, 0, 0, 0, 0, 0, 0, 0},
        {kIOPMPowerStateVersion1, kIOPMDeviceUsable, kIOPMPowerOn, kIOPMPowerOn, 0, 0, 0, 0, 0, 0, 0, 0},
};

static struct {
	BenchPMDev **devs; /* parents first, then each parent's children */
	IOService **providers;
	uint32_t n, cap;
} kbpm;

static BenchPMDev *
kbpm_new(IOService *provider)
{
	BenchPMDev *d = OSTypeAlloc(BenchPMDev);

	if (d == NULL || !IORegistryEntry_init(d, NULL) || !IOService_attach(d, provider)) {
		OSSafeReleaseNULL(d);
		return NULL;
	}
	IOService_PMinit(d);
	IOService_joinPMtree(provider, d);
	if (IOService_registerPowerDriver(d, d, kbpm_states, 3) != IOPMNoErr ||
	    IOService_changePowerStateTo(d, 2) != IOPMNoErr) {
		IOService_PMstop(d);
		IOService_detach(d, provider);
		OSObject_release(d);
		return NULL;
	}
	kbpm.devs[kbpm.n] = d;
	kbpm.providers[kbpm.n++] = provider;
	return d;
}

int
k_pm_setup(uint32_t parents, uint32_t children)
{
	uint32_t total = parents * (children + 1);
	BenchPMDev *p;

	if (kbpm.devs != NULL || total == 0)
		return -1;
	kbpm.devs = kalloc(total * sizeof(*kbpm.devs));
	kbpm.providers = kalloc(total * sizeof(*kbpm.providers));
	kbpm.cap = total; /* k_pm_teardown frees what a failed setup left */
	kbpm.n = 0;
	if (kbpm.devs == NULL || kbpm.providers == NULL)
		return -1;
	for (uint32_t i = 0; i < parents; i++) {
		if ((p = kbpm_new(IOService_getResourceService())) == NULL)
			return -1;
		for (uint32_t j = 0; j < children; j++) {
			if (kbpm_new(IOSvc_(p)) == NULL)
				return -1;
		}
	}
	if (iopm_wait_idle(KBPM_SETTLE_NS) != 0)
		return -1;
	for (uint32_t i = 0; i < kbpm.n; i++) {
		if (IOService_getPowerState(kbpm.devs[i]) != 2)
			return -1;
		kbpm.devs[i]->downs = kbpm.devs[i]->ups = 0;
	}
	return 0;
}

int64_t
k_pm_cycle(void)
{
	IOService *root = IOService_getPMRootDomain();
	uint64_t t0, t1, ns;

	t0 = mach_absolute_time();
	if (IOPMrootDomain_sleepSystem(root) != kIOReturnSuccess ||
	    IOPMrootDomain_wakeSystem(root) != kIOReturnSuccess || iopm_wait_idle(KBPM_SETTLE_NS) != 0)
		return -1;
	t1 = mach_absolute_time();
	for (uint32_t i = 0; i < kbpm.n; i++) {
		BenchPMDev *d = kbpm.devs[i];

		if (d->downs != 1 || d->ups != 1 || IOService_getPowerState(d) != 2) {
			printf("pm bench: device %u: %u downs, %u ups, state %lu\n", i, d->downs, d->ups,
			       IOService_getPowerState(d));
			return -1;
		}
		d->downs = d->ups = 0;
	}
	absolutetime_to_nanoseconds(t1 - t0, &ns);
	return (int64_t)ns;
}

int64_t
k_pm_direct(void)
{
	uint64_t t0, t1, ns;

	t0 = mach_absolute_time();
	for (uint32_t i = kbpm.n; i-- > 0;)
		(void)IOService_setPowerState(kbpm.devs[i], 0, IOSvc_(kbpm.devs[i]));
	for (uint32_t i = 0; i < kbpm.n; i++)
		(void)IOService_setPowerState(kbpm.devs[i], 2, IOSvc_(kbpm.devs[i]));
	t1 = mach_absolute_time();
	for (uint32_t i = 0; i < kbpm.n; i++)
		kbpm.devs[i]->downs = kbpm.devs[i]->ups = 0;
	absolutetime_to_nanoseconds(t1 - t0, &ns);
	return (int64_t)ns;
}

int
k_pm_teardown(void)
{
	uint64_t end;

	/* Children first: each leaves the power plane, then the service plane. */
	for (uint32_t i = kbpm.n; kbpm.devs != NULL && i-- > 0;) {
		IOService_PMstop(kbpm.devs[i]);
		IOService_detach(kbpm.devs[i], kbpm.providers[i]);
		OSObject_release(kbpm.devs[i]);
	}
	if (kbpm.devs != NULL)
		kfree(kbpm.devs, kbpm.cap * sizeof(*kbpm.devs));
	if (kbpm.providers != NULL)
		kfree(kbpm.providers, kbpm.cap * sizeof(*kbpm.providers));
	kbpm.devs = NULL;
	kbpm.providers = NULL;
	kbpm.n = kbpm.cap = 0;
	(void)iopm_wait_idle(KBPM_SETTLE_NS);
	end = mach_absolute_time() + 10ull * 1000 * 1000 * 1000;
	while (OSMetaClass_getInstanceCount(OSTypeID(BenchPMDev)) != 0 && mach_absolute_time() < end)
		IOSleep(1);
	if (OSMetaClass_getInstanceCount(OSTypeID(BenchPMDev)) != 0) {
		printf("pm bench: %u devices outlived the teardown\n",
		       OSMetaClass_getInstanceCount(OSTypeID(BenchPMDev)));
		return -1;
	}
	return 0;
}
