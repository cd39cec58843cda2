/*
 * iocore.h — what the I/O Kit core tests share (test_matching, test_registry,
 * test_notify): nub classes (TestNub and its subclass TestSubNub), a driver
 * (TestDriver) that acts on keys of its personality ("Refuse": probe fails,
 * "FailStart", "ProbeScoreDelta") and records probe/start/stop/terminate
 * events in tlog, and helpers to make nubs and personalities. Each test
 * program is its own kernel image, so the classes are defined here.
 */
#ifndef TESTS_IOKIT_IOCORE_H
#define TESTS_IOKIT_IOCORE_H

#include "tests/ktest.h"
#include <IOKit/IOService.h>
#include <IOKit/IOCatalogue.h>
#include <libkern/libkern.h>
#include <string.h>

/* ---- test classes ---- */

OSDeclareDefaultStructors(TestNub, IOService);
struct TestNub {
	IOService super;
};
OSDefineMetaClassAndStructors(TestNub, IOService, NULL);

OSDeclareDefaultStructors(TestSubNub, TestNub);
struct TestSubNub {
	TestNub super;
};
OSDefineMetaClassAndStructors(TestSubNub, TestNub, NULL);

/* A driver whose behaviour comes from its personality: "Refuse" (probe fails), "FailStart",
 * "ProbeScoreDelta" (added in probe). Records the order of events in a global log. */
OSDeclareDefaultStructors(TestDriver, IOService);
struct TestDriver {
	IOService super;
};

static char tlog[2048];
static int tlog_busy; /* the stress test logs from several threads */
static void
tlog_add(const char *what, IOService *s)
{
	OSString *tag = OSDynamicCast(OSString, IORegistryEntry_getPropertyCString(s, "Tag"));

	while (__atomic_exchange_n(&tlog_busy, 1, __ATOMIC_ACQUIRE)) {
	}
	if (strlen(tlog) > sizeof(tlog) - 64)
		tlog[0] = 0;

	strlcat(tlog, what, sizeof(tlog));
	strlcat(tlog, ":", sizeof(tlog));
	strlcat(tlog, tag ? OSString_getCStringNoCopy(tag) : "?", sizeof(tlog));
	strlcat(tlog, " ", sizeof(tlog));
	__atomic_store_n(&tlog_busy, 0, __ATOMIC_RELEASE);
}

static IOService *
TestDriver_probe(IOService *self, IOService *provider, SInt32 *score)
{
	OSNumber *d = OSDynamicCast(OSNumber, IORegistryEntry_getPropertyCString(self, "ProbeScoreDelta"));

	tlog_add("probe", self);
	if (IORegistryEntry_getPropertyCString(self, "Refuse") != NULL)
		return NULL;
	if (d != NULL)
		*score += (SInt32)OSNumber_unsigned32BitValue(d);
	return OSSuperCall(TestDriver, probe, self, provider, score);
}

static bool
TestDriver_start(IOService *self, IOService *provider)
{
	tlog_add("start", self);
	if (IORegistryEntry_getPropertyCString(self, "FailStart") != NULL)
		return false;
	return OSSuperCall(TestDriver, start, self, provider);
}

static void
TestDriver_stop(IOService *self, IOService *provider)
{
	tlog_add("stop", self);
	OSSuperCall(TestDriver, stop, self, provider);
}

static bool
TestDriver_willTerminate(IOService *self, IOService *provider, IOOptionBits o)
{
	tlog_add("will", self);
	return true;
}

static bool
TestDriver_didTerminate(IOService *self, IOService *provider, IOOptionBits o, bool *defer)
{
	tlog_add("did", self);
	return OSSuperCall(TestDriver, didTerminate, self, provider, o, defer); /* schedules the stop */
}

static const OSMethod TestDriver_methods[] = {
        OSMethodOverride(IOService, probe, TestDriver_probe),
        OSMethodOverride(IOService, start, TestDriver_start),
        OSMethodOverride(IOService, stop, TestDriver_stop),
        OSMethodOverride(IOService, willTerminate, TestDriver_willTerminate),
        OSMethodOverride(IOService, didTerminate, TestDriver_didTerminate),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(TestDriver, IOService, TestDriver_methods);

/* ---- helpers ---- */

static inline TestNub *
new_nub(const char *cls, const char *name, IOService *provider)
{
	TestNub *n = (TestNub *)OSMetaClass_allocClassWithCString(cls);

	ck_assert_ptr_nonnull(n);
	ck_assert(IORegistryEntry_init(n, NULL));
	IORegistryEntry_setName(n, name, NULL);
	ck_assert(IOService_attach(n, provider ? provider : IOService_getResourceService()));
	return n;
}

static inline OSDictionary *
personality(const char *tag, const char *providerClass, int score)
{
	OSDictionary *d = OSDictionary_withCapacity(8);
	OSString *s;
	OSNumber *n;

	s = OSString_withCString("TestDriver");
	OSDictionary_setObjectCString(d, "IOClass", s);
	OSObject_release(s);
	s = OSString_withCString(providerClass);
	OSDictionary_setObjectCString(d, "IOProviderClass", s);
	OSObject_release(s);
	s = OSString_withCString(tag);
	OSDictionary_setObjectCString(d, "Tag", s);
	OSObject_release(s);
	n = OSNumber_withNumber((unsigned long long)(long long)score, 32);
	OSDictionary_setObjectCString(d, "IOProbeScore", n);
	OSObject_release(n);
	return d;
}

static inline void
set_str(OSDictionary *d, const char *k, const char *v)
{
	OSString *s = OSString_withCString(v);

	OSDictionary_setObjectCString(d, k, s);
	OSObject_release(s);
}

static inline void
add_personalities(OSDictionary **ps, int n)
{
	OSArray *a = OSArray_withCapacity(4);

	for (int i = 0; i < n; i++) {
		OSArray_setObject(a, ps[i]);
		OSObject_release(ps[i]);
	}
	ck_assert(IOCatalogue_addDrivers(gIOCatalogue, a, false));
	OSObject_release(a);
}

/* Tag of the started client of nub in category (or default). */
static inline const char *
started_tag(IOService *nub)
{
	IOService *c = IOService_getClient(nub);
	OSString *tag = c ? OSDynamicCast(OSString, IORegistryEntry_getPropertyCString(c, "Tag")) : NULL;

	return tag ? OSString_getCStringNoCopy(tag) : "";
}

#endif /* TESTS_IOKIT_IOCORE_H */
