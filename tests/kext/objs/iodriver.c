/*
 * iodriver.c — a test kext with an I/O Kit driver: KextTestDriver, an
 * IOService subclass whose personality (written by the tests into the
 * Info.plist) matches IOResources once the "IOKit" resource is published.
 * It proves that a kext links against com.apple.kpi.iokit's C names and
 * metaclass records (the subclass's record points at IOService_gMetaClass
 * and its super calls go through IOService's vtable) and lets the tests
 * watch demand loading, instance counting and kextunload -c.
 */
#include <mach/kmod.h>
#include <IOKit/IOService.h>

OSDeclareDefaultStructors(KextTestDriver, IOService);

struct KextTestDriver {
	IOService super;
	int started;
};

/* Counters the tests read through the kext's symbols. */
int iodriver_starts;
int iodriver_stops;

static bool
KextTestDriver_start(IOService *self, IOService *provider)
{
	KextTestDriver *me = (KextTestDriver *)self;

	if (!OSSuperCall(KextTestDriver, start, self, provider)) {
		return false;
	}
	me->started = 1;
	(void)IORegistryEntry_setPropertyBoolean(self, "KextTestDriverStarted", true);
	/* Publish the driver, as a driver's start usually does, so matching can find it. */
	IOService_registerService(self, 0);
	__atomic_fetch_add(&iodriver_starts, 1, __ATOMIC_RELAXED);
	return true;
}

static void
KextTestDriver_stop(IOService *self, IOService *provider)
{
	__atomic_fetch_add(&iodriver_stops, 1, __ATOMIC_RELAXED);
	OSSuperCall(KextTestDriver, stop, self, provider);
}

static const OSMethod KextTestDriver_methods[] = {
        OSMethodOverride(IOService, start, KextTestDriver_start),
        OSMethodOverride(IOService, stop, KextTestDriver_stop),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(KextTestDriver, IOService, KextTestDriver_methods);

KMOD_EXPLICIT_DECL(com.example.iodriver, "1.0", 0, 0)
