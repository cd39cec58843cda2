/*
 * test_matching.c — the registry and matching: IDs, names, paths, properties,
 * fromID/fromPath, iterators; registerService with probe scores, match
 * categories, probe refusal, start fall-through, passive keys, IOParentMatch,
 * resources, notifications with existing-service replay, terminate phases,
 * and a register/terminate stress back to the instance-count baseline.
 */
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
	return true;
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

static TestNub *
new_nub(const char *cls, const char *name, IOService *provider)
{
	TestNub *n = (TestNub *)OSMetaClass_allocClassWithCString(cls);

	ck_assert_ptr_nonnull(n);
	ck_assert(IORegistryEntry_init(n, NULL));
	IORegistryEntry_setName(n, name, NULL);
	ck_assert(IOService_attach(n, provider ? provider : IOService_getResourceService()));
	return n;
}

static OSDictionary *
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

static void
set_str(OSDictionary *d, const char *k, const char *v)
{
	OSString *s = OSString_withCString(v);

	OSDictionary_setObjectCString(d, k, s);
	OSObject_release(s);
}

static void
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
static const char *
started_tag(IOService *nub)
{
	IOService *c = IOService_getClient(nub);
	OSString *tag = c ? OSDynamicCast(OSString, IORegistryEntry_getPropertyCString(c, "Tag")) : NULL;

	return tag ? OSString_getCStringNoCopy(tag) : "";
}

/* ---- registry ---- */

START_TEST(registry_ids_names_paths)
{
	IORegistryEntry *root = IORegistryEntry_getRegistryRoot();
	TestNub *a = new_nub("TestNub", "alpha", NULL);
	TestNub *b = new_nub("TestNub", "beta", IOSvc_(a));
	char path[512];
	int len = sizeof(path);
	IORegistryEntry *e;

	ck_assert_uint_eq(IORegistryEntry_getRegistryEntryID(root), 0x100000100ULL);
	ck_assert(IORegistryEntry_getRegistryEntryID(b) > IORegistryEntry_getRegistryEntryID(a));
	ck_assert_str_eq(IORegistryEntry_getName(root, NULL), "Root");
	IORegistryEntry_setLocation(b, "3", NULL);
	ck_assert(IORegistryEntry_getPath(b, path, &len, gIOServicePlane));
	ck_assert_str_eq(path, "IOService:/kexthost1,1/IOResources/alpha/beta@3");
	ck_assert_int_eq(len, (int)strlen(path));
	e = IORegistryEntry_fromPath("IOService:/kexthost1,1/IOResources/alpha/beta@3", NULL, NULL, NULL,
	                             NULL);
	ck_assert_ptr_eq(e, IORegEntry_(b));
	OSObject_release(e);
	ck_assert_ptr_null(IORegistryEntry_fromPath("IOService:/nothing", NULL, NULL, NULL, NULL));
	e = IORegistryEntry_fromID(IORegistryEntry_getRegistryEntryID(a));
	ck_assert_ptr_eq(e, IORegEntry_(a));
	OSObject_release(e);
	ck_assert_int_eq(IORegistryEntry_getDepth(b, gIOServicePlane), 4);
	ck_assert_ptr_eq(IOService_getProvider(b), IOSvc_(a));
	/* an unnamed service is named after its class */
	ck_assert_str_eq(IORegistryEntry_getName(IOService_getResourceService(), NULL), "IOResources");
	/* detach: out of the plane and out of the ID hash */
	IOService_detach(b, a);
	ck_assert(!IORegistryEntry_inPlane(b, gIOServicePlane));
	ck_assert_ptr_null(IORegistryEntry_fromID(IORegistryEntry_getRegistryEntryID(b)));
	OSObject_release(b);
	OSObject_release(a);
}
END_TEST

START_TEST(registry_properties_and_iterators)
{
	TestNub *a = new_nub("TestNub", "a", NULL);
	TestNub *b = new_nub("TestNub", "b", IOSvc_(a));
	TestNub *c = new_nub("TestNub", "c", IOSvc_(b));
	IORegistryIterator *it;
	OSOrderedSet *all;
	OSNumber *n;

	ck_assert(IORegistryEntry_setPropertyNumber(a, "n", 0x1ff, 8));
	n = OSDynamicCast(OSNumber, IORegistryEntry_getPropertyCString(a, "n"));
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(OSNumber_unsigned64BitValue(n), 0xff);
	ck_assert(IORegistryEntry_setPropertyBoolean(a, "b", true));
	ck_assert(IORegistryEntry_setPropertyString(a, "s", "x"));
	IORegistryEntry_removePropertyCString(a, "s");
	ck_assert_ptr_null(IORegistryEntry_getPropertyCString(a, "s"));
	ck_assert_int_eq(IORegistryEntry_setProperties(a, NULL), kIOReturnUnsupported);
	it = IORegistryIterator_iterateOver(a, gIOServicePlane, kIORegistryIterateRecursively);
	all = IORegistryIterator_iterateAll(it);
	ck_assert_ptr_nonnull(all);
	ck_assert_uint_eq(OSOrderedSet_getCount(all), 2);
	ck_assert_ptr_eq(OSOrderedSet_getObject(all, 0), OSObj(b));
	ck_assert_ptr_eq(OSOrderedSet_getObject(all, 1), OSObj(c));
	OSObject_release(all);
	ck_assert(IORegistryIterator_isValid(it));
	IORegistryEntry_detachAll(c, NULL);
	ck_assert(!IORegistryIterator_isValid(it));
	OSObject_release(it);
	it = IORegistryIterator_iterateOver(c, gIOServicePlane, kIORegistryIterateParents);
	ck_assert_ptr_null(IORegistryIterator_getNextObject(it));
	OSObject_release(it);
	OSObject_release(c);
	OSObject_release(b);
	OSObject_release(a);
}
END_TEST

/* ---- matching ---- */

START_TEST(matching_scores_categories_fallthrough)
{
	OSDictionary *p[5];
	TestNub *nub;

	p[0] = personality("low", "TestNub", 100);
	p[1] = personality("high-fails", "TestNub", 1000);
	OSDictionary_setObjectCString(p[1], "FailStart", kOSBooleanTrue);
	p[2] = personality("mid", "TestNub", 500);
	p[3] = personality("other-cat", "TestNub", 1);
	set_str(p[3], "IOMatchCategory", "Other");
	p[4] = personality("refused", "TestNub", 2000);
	OSDictionary_setObjectCString(p[4], "Refuse", kOSBooleanTrue);
	add_personalities(p, 5);
	tlog[0] = 0;
	nub = new_nub("TestSubNub", "nub", NULL); /* the index finds superclass personalities */
	IOService_registerService(nub, kIOServiceSynchronous);
	/* all probed before any start; higher score first; start failure falls through */
	ck_assert_str_eq(tlog, "probe:refused probe:high-fails probe:mid probe:low probe:other-cat "
	                       "start:high-fails start:mid start:other-cat ");
	ck_assert(IOService_getState(nub) & kIOServiceMatchedState);
	ck_assert(IOService_getState(nub) & kIOServiceRegisteredState);
	IOService_terminate(nub, kIOServiceSynchronous);
	OSObject_release(nub);
}
END_TEST

START_TEST(matching_probe_changes_order)
{
	OSDictionary *p[2];
	TestNub *nub;
	OSNumber *ps;

	p[0] = personality("a", "TestNub", 10);
	p[1] = personality("b", "TestNub", 5);
	OSDictionary_setObjectCString(p[1], "ProbeScoreDelta", OSNumber_withNumber(100, 32));
	add_personalities(p, 2);
	tlog[0] = 0;
	nub = new_nub("TestNub", "nub", NULL);
	IOService_registerService(nub, kIOServiceSynchronous);
	ck_assert_str_eq(started_tag(IOSvc_(nub)), "b");
	ps = OSDynamicCast(OSNumber,
	                   IORegistryEntry_getPropertyCString(IOService_getClient(nub), "IOProbeScore"));
	ck_assert_uint_eq(OSNumber_unsigned32BitValue(ps), 105);
	/* the personality became the property table, with the category */
	ck_assert_ptr_nonnull(
	        IORegistryEntry_getPropertyCString(IOService_getClient(nub), "IOMatchCategory"));
	IOService_terminate(nub, kIOServiceSynchronous);
	OSObject_release(nub);
}
END_TEST

START_TEST(matching_passive_keys)
{
	OSDictionary *p[6], *pm;
	TestNub *parent, *nub;
	OSString *s;

	parent = new_nub("TestNub", "bus", NULL);
	IORegistryEntry_setPropertyString(parent, "bus-kind", "virtual");
	nub = new_nub("TestSubNub", "dev", IOSvc_(parent));
	IORegistryEntry_setLocation(nub, "7", NULL);
	IORegistryEntry_setPropertyString(nub, "vendor", "acme");
	p[0] = personality("name-no", "TestSubNub", 900);
	set_str(p[0], "IONameMatch", "other");
	p[1] = personality("loc-no", "TestSubNub", 800);
	set_str(p[1], "IOLocationMatch", "8");
	p[2] = personality("prop-no", "TestSubNub", 700);
	pm = OSDictionary_withCapacity(1);
	set_str(pm, "vendor", "nobody");
	OSDictionary_setObjectCString(p[2], "IOPropertyMatch", pm);
	OSObject_release(pm);
	p[3] = personality("exists-no", "TestSubNub", 600);
	set_str(p[3], "IOPropertyExistsMatch", "missing");
	p[4] = personality("parent-no", "TestSubNub", 500);
	pm = OSDictionary_withCapacity(1);
	set_str(pm, "IONameMatch", "not-the-bus");
	OSDictionary_setObjectCString(p[4], "IOParentMatch", pm);
	OSObject_release(pm);
	/* all keys satisfied */
	p[5] = personality("all-yes", "TestSubNub", 1);
	s = OSString_withCString("dev");
	{
		OSArray *names = OSArray_withCapacity(2);
		OSString *o = OSString_withCString("zzz");

		OSArray_setObject(names, o);
		OSArray_setObject(names, s);
		OSDictionary_setObjectCString(p[5], "IONameMatch", names);
		OSObject_release(names);
		OSObject_release(o);
	}
	OSObject_release(s);
	set_str(p[5], "IOLocationMatch", "7");
	pm = OSDictionary_withCapacity(1);
	set_str(pm, "vendor", "acme");
	OSDictionary_setObjectCString(p[5], "IOPropertyMatch", pm);
	OSObject_release(pm);
	set_str(p[5], "IOPropertyExistsMatch", "vendor");
	pm = OSDictionary_withCapacity(1);
	set_str(pm, "IONameMatch", "bus");
	OSDictionary_setObjectCString(p[5], "IOParentMatch", pm);
	OSObject_release(pm);
	add_personalities(p, 6);
	tlog[0] = 0;
	IOService_registerService(nub, kIOServiceSynchronous);
	ck_assert_str_eq(tlog, "probe:all-yes start:all-yes ");
	/* the matched name is recorded in the driver's table */
	s = OSDynamicCast(OSString,
	                  IORegistryEntry_getPropertyCString(IOService_getClient(nub), "IONameMatched"));
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(OSString_getCStringNoCopy(s), "dev");
	IOService_terminate(parent, kIOServiceSynchronous);
	OSObject_release(nub);
	OSObject_release(parent);
}
END_TEST

/* ---- notifications ---- */

static int notified[8];
static bool
count_handler(void *target, void *ref, IOService *s, IONotifier *n)
{
	__atomic_fetch_add(&notified[(uintptr_t)ref], 1, __ATOMIC_RELAXED);
	return true;
}

START_TEST(notifications_existing_and_new)
{
	TestNub *a = new_nub("TestNub", "a", NULL), *b;
	OSDictionary *m = IOService_serviceMatching("TestNub", NULL);
	IONotifier *pub, *match, *term, *wterm;

	IOService_registerService(a, kIOServiceSynchronous);
	memset(notified, 0, sizeof(notified));
	pub = IOService_addMatchingNotification(gIOPublishNotification, m, count_handler, NULL, (void *)0, 0);
	match = IOService_addMatchingNotification(gIOMatchedNotification, m, count_handler, NULL, (void *)1,
	                                          0);
	term = IOService_addMatchingNotification(gIOTerminatedNotification, m, count_handler, NULL, (void *)2,
	                                         0);
	wterm = IOService_addMatchingNotification(gIOWillTerminateNotification, m, count_handler, NULL,
	                                          (void *)3, 0);
	ck_assert_int_eq(notified[0], 1); /* existing service replayed */
	ck_assert_int_eq(notified[1], 1);
	ck_assert_int_eq(notified[2], 0);
	b = new_nub("TestNub", "b", NULL);
	IOService_registerService(b, kIOServiceSynchronous);
	ck_assert_int_eq(notified[0], 2);
	ck_assert_int_eq(notified[1], 2);
	ck_assert(IONotifier_disable(match));
	IOService_registerService(b, kIOServiceSynchronous); /* disabled: no matched notification */
	ck_assert_int_eq(notified[1], 2);
	ck_assert_int_eq(notified[0], 3); /* registering again publishes again (XNU) */
	IONotifier_enable(match, true);
	IOService_terminate(b, kIOServiceSynchronous);
	ck_assert_int_eq(notified[2], 1);
	ck_assert_int_eq(notified[3], 1);
	ck_assert(IOService_isInactive(b));
	IONotifier_remove(pub);
	IONotifier_remove(match);
	IONotifier_remove(term);
	IONotifier_remove(wterm);
	IOService_registerService(a, kIOServiceSynchronous);
	ck_assert_int_eq(notified[0], 3); /* removed: no more */
	OSObject_release(m);
	OSObject_release(b);
	IOService_terminate(a, kIOServiceSynchronous);
	OSObject_release(a);
}
END_TEST

START_TEST(resources_and_wait)
{
	OSDictionary *m = IOService_resourceMatching("TestResource", NULL);
	IOService *s;

	ck_assert_ptr_null(IOService_waitForMatchingService(m, 50 * 1000 * 1000ULL));
	IOService_publishResource("TestResource", NULL);
	s = IOService_waitForMatchingService(m, 0);
	ck_assert_ptr_eq(s, IOService_getResourceService());
	OSObject_release(s);
	OSObject_release(m);
	ck_assert_int_eq(IOKitWaitQuiet(5ULL * 1000 * 1000 * 1000), kIOReturnSuccess);
}
END_TEST

/* ---- terminate ---- */

START_TEST(terminate_phase_order)
{
	OSDictionary *p[1];
	TestNub *nub;
	IOService *drv;

	p[0] = personality("d", "TestNub", 1);
	add_personalities(p, 1);
	nub = new_nub("TestNub", "nub", NULL);
	IOService_registerService(nub, kIOServiceSynchronous);
	drv = IOService_getClient(nub);
	ck_assert_ptr_nonnull(drv);
	OSObject_retain(drv);
	tlog[0] = 0;
	ck_assert(IOService_terminate(nub, kIOServiceSynchronous));
	ck_assert_str_eq(tlog, "will:d did:d stop:d ");
	ck_assert(IOService_isInactive(drv));
	ck_assert(!IORegistryEntry_inPlane(drv, gIOServicePlane));
	ck_assert(!IOService_terminate(nub, kIOServiceSynchronous)); /* already inactive */
	ck_assert_int_eq(OSObject_getRetainCount(drv), 1);
	OSObject_release(drv);
	OSObject_release(nub);
}
END_TEST

/* ---- stress ---- */

START_TEST(register_terminate_stress)
{
	OSDictionary *p[1];
	unsigned int before;

	p[0] = personality("d", "TestNub", 1);
	add_personalities(p, 1);
	before = OSMetaClass_getInstanceCount(OSTypeID(TestDriver));
	for (int i = 0; i < 200; i++) {
		TestNub *nub = new_nub("TestNub", "n", NULL);

		IOService_registerService(nub, 0); /* async, racing the terminate */
		if (i % 2)
			IOService_terminate(nub, 0);
		else
			IOService_terminate(nub, kIOServiceSynchronous);
		OSObject_release(nub);
	}
	ck_assert_int_eq(IOKitWaitQuiet(30ULL * 1000 * 1000 * 1000), kIOReturnSuccess);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(TestDriver)), before);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(TestNub)), 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iokit_matching");
	TCase *tc = ktest_tcase("matching");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, registry_ids_names_paths);
	tcase_add_test(tc, registry_properties_and_iterators);
	tcase_add_test(tc, matching_scores_categories_fallthrough);
	tcase_add_test(tc, matching_probe_changes_order);
	tcase_add_test(tc, matching_passive_keys);
	tcase_add_test(tc, notifications_existing_and_new);
	tcase_add_test(tc, resources_and_wait);
	tcase_add_test(tc, terminate_phase_order);
	tcase_add_test(tc, register_terminate_stress);
	suite_add_tcase(s, tc);
	return s;
}
