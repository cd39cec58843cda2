/*
 * k_iokit_match.c — kernel side of the I/O Kit matching benchmark: how long
 * publishing nubs takes against a catalogue of 1,000 personalities, and
 * what plain creation and attachment of the same entries costs.
 *
 * The catalogue is indexed by IOProviderClass, so a nub only meets the
 * personalities naming a class in its own chain (here 9 of 1,000): the cost
 * per nub should not depend on the number of nubs already published. The
 * nubs hang under buses of 1,000 (a parent keeps its children in an array,
 * as XNU's registry does, so one parent with 100,000 children would
 * measure that array instead of matching).
 */
#include <stdbool.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <kern/clock.h>
#include <IOKit/IOCatalogue.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOService.h>
#include "bench/k_iokit_match.h"

#define KBM_PER_BUS 1000u
#define KBM_MISSES 8u
#define KBM_KEY "BenchIOKitMatch"

OSDeclareDefaultStructors(BenchMatchNub, IOService);
struct BenchMatchNub {
	IOService super;
};
OSDefineMetaClassAndStructors(BenchMatchNub, IOService, NULL);

OSDeclareDefaultStructors(BenchMatchDriver, IOService);
struct BenchMatchDriver {
	IOService super;
};
OSDefineMetaClassAndStructors(BenchMatchDriver, IOService, NULL);

static bool
kbm_set_str(OSDictionary *d, const char *key, const char *value)
{
	OSString *s = OSString_withCString(value);
	bool ok = s != NULL && OSDictionary_setObjectCString(d, key, s);

	OSSafeReleaseNULL(s);
	return ok;
}

static OSDictionary *
kbm_personality(const char *providerClass, const char *nameMatch)
{
	OSDictionary *d = OSDictionary_withCapacity(5);

	if (d == NULL || !kbm_set_str(d, kIOClassKey, "BenchMatchDriver") ||
	    !kbm_set_str(d, kIOProviderClassKey, providerClass) ||
	    !OSDictionary_setObjectCString(d, KBM_KEY, kOSBooleanTrue) ||
	    (nameMatch != NULL && !kbm_set_str(d, kIONameMatchKey, nameMatch))) {
		OSSafeReleaseNULL(d);
	}
	return d;
}

int64_t
k_iokit_match_setup(uint32_t count)
{
	OSArray *a = OSArray_withCapacity(count);
	char buf[64];
	int64_t ret = -1;

	if (a == NULL || count < KBM_MISSES + 1) {
		goto out;
	}
	for (uint32_t i = 0; i < count; i++) {
		OSDictionary *p;

		if (i < KBM_MISSES) {
			snprintf(buf, sizeof(buf), "no-such-name-%u", i);
			p = kbm_personality("BenchMatchNub", buf);
		} else if (i == KBM_MISSES) {
			p = kbm_personality("BenchMatchNub", NULL);
		} else {
			snprintf(buf, sizeof(buf), "BenchOtherClass%u", i);
			p = kbm_personality(buf, NULL);
		}
		if (p == NULL || !OSArray_setObject(a, p)) {
			OSSafeReleaseNULL(p);
			goto out;
		}
		OSObject_release(p);
	}
	if (IOCatalogue_addDrivers(gIOCatalogue, a, false)) {
		ret = 0;
	}
out:
	OSSafeReleaseNULL(a);
	return ret;
}

void
k_iokit_match_teardown(void)
{
	OSDictionary *m = OSDictionary_withCapacity(1);

	if (m != NULL && OSDictionary_setObjectCString(m, KBM_KEY, kOSBooleanTrue)) {
		(void)IOCatalogue_removeDrivers(gIOCatalogue, m, false);
	}
	OSSafeReleaseNULL(m);
}

static BenchMatchNub *
kbm_new(const char *name, IOService *provider)
{
	BenchMatchNub *n = OSTypeAlloc(BenchMatchNub);

	if (n == NULL || !IORegistryEntry_init(n, NULL)) {
		OSSafeReleaseNULL(n);
		return NULL;
	}
	IORegistryEntry_setName(n, name, NULL);
	if (!IOService_attach(n, provider)) {
		OSSafeReleaseNULL(n);
	}
	return n;
}

/* Terminate the buses (and everything under them), then check that every instance went. */
static int
kbm_free_all(OSArray *buses)
{
	uint64_t end;

	for (unsigned int i = 0; buses != NULL && i < OSArray_getCount(buses); i++) {
		(void)IOService_terminate((IOService *)OSArray_getObject(buses, i), kIOServiceSynchronous);
	}
	OSSafeReleaseNULL(buses);
	(void)IOKitWaitQuiet(0);
	end = mach_absolute_time() + 10ull * 1000 * 1000 * 1000;
	while ((OSMetaClass_getInstanceCount(OSTypeID(BenchMatchNub)) != 0 ||
	        OSMetaClass_getInstanceCount(OSTypeID(BenchMatchDriver)) != 0) &&
	       mach_absolute_time() < end) {
		IOSleep(1);
	}
	if (OSMetaClass_getInstanceCount(OSTypeID(BenchMatchNub)) != 0 ||
	    OSMetaClass_getInstanceCount(OSTypeID(BenchMatchDriver)) != 0) {
		printf("iokit_match: %u nubs and %u drivers outlived the teardown\n",
		       OSMetaClass_getInstanceCount(OSTypeID(BenchMatchNub)),
		       OSMetaClass_getInstanceCount(OSTypeID(BenchMatchDriver)));
		return -1;
	}
	return 0;
}

static int64_t
kbm_run(uint32_t nubs, bool doRegister)
{
	OSArray *buses = OSArray_withCapacity(nubs / KBM_PER_BUS + 1);
	BenchMatchNub *bus = NULL, *n;
	uint64_t t0, t1;
	int64_t ret = -1;

	if (buses == NULL) {
		return -1;
	}
	t0 = mach_absolute_time();
	for (uint32_t i = 0; i < nubs; i++) {
		if (i % KBM_PER_BUS == 0) {
			if ((bus = kbm_new("bus", IOService_getResourceService())) == NULL ||
			    !OSArray_setObject(buses, bus)) {
				OSSafeReleaseNULL(bus);
				goto out;
			}
			OSObject_release(bus); /* the registry and the array hold it */
		}
		if ((n = kbm_new("nub", IOSvc_(bus))) == NULL) {
			goto out;
		}
		if (doRegister) {
			IOService_registerService(n, kIOServiceSynchronous);
		}
		OSObject_release(n);
	}
	t1 = mach_absolute_time();
	ret = (int64_t)(t1 - t0);
out:
	if (kbm_free_all(buses) != 0) {
		ret = -1;
	}
	return ret;
}

int64_t
k_iokit_match_publish(uint32_t nubs)
{
	return kbm_run(nubs, true);
}

int64_t
k_iokit_match_attach(uint32_t nubs)
{
	return kbm_run(nubs, false);
}
