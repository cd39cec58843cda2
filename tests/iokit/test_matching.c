/*
 * test_matching.c — matching as XNU does it: probe scores, match categories,
 * probe refusal, start fall-through, passive keys, IOParentMatch; terminate
 * phases; and a register/terminate stress back to the instance-count and
 * zone/kalloc baselines. The registry and notifications have their own
 * programs (test_registry.c, test_notify.c); the shared classes are in
 * iocore.h.
 */
#include "tests/iokit/iocore.h"
#include <IOKit/IOLib.h>
#include <kern/clock.h>
#include "osfmk/kern/zalloc_internal.h"
#include "iokit/Kernel/IOKitCore.h"

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
	ck_assert(
	        IOService_terminate(nub, kIOServiceSynchronous)); /* already inactive: XNU's true, a no-op */
	ck_assert_int_eq(OSObject_getRetainCount(drv), 1);
	OSObject_release(drv);
	OSObject_release(nub);
}
END_TEST

/* ---- stress ---- */

struct usage {
	uint64_t bytes;
	uint64_t elems;
};

static void
usage_sum(const struct zone_info *zi, void *ctx)
{
	struct usage *u = ctx;

	u->bytes += zi->zi_bytes_in_use;
	u->elems += zi->zi_elems_in_use;
}

/* Zone and kalloc memory in use (large kalloc allocations included). */
static struct usage
usage_now(void)
{
	struct usage u = {0, 0};
	uint64_t n, bytes;

	zone_info_iterate(usage_sum, &u);
	kalloc_large_stats(&n, &bytes);
	u.bytes += bytes;
	u.elems += n;
	return u;
}

/* n nubs registered asynchronously, half terminated synchronously, half not (racing matching). */
static void
stress_round(int n)
{
	for (int i = 0; i < n; i++) {
		TestNub *nub = new_nub("TestNub", "n", NULL);

		IOService_registerService(nub, 0); /* async, racing the terminate */
		if (i % 2)
			IOService_terminate(nub, 0);
		else
			IOService_terminate(nub, kIOServiceSynchronous);
		OSObject_release(nub);
	}
	ck_assert_int_eq(IOKitWaitQuiet(30ULL * 1000 * 1000 * 1000), kIOReturnSuccess);
}

START_TEST(register_terminate_stress)
{
	OSDictionary *p[1];
	unsigned int before, syms, threads;
	struct usage u0, u1 = {0};
	uint64_t end;
	int round;

	p[0] = personality("d", "TestNub", 1);
	add_personalities(p, 1);
	before = OSMetaClass_getInstanceCount(OSTypeID(TestDriver));
	/* a first round: lazily made state (config threads, symbols, queues) is not a leak */
	stress_round(20);
	/*
	 * Measured rounds. Some state only grows with the peak a round reaches
	 * (the config-thread pool keeps its threads; container capacities don't
	 * shrink), and the peak of racing async rounds varies: a round that ends
	 * above its start may have set a new high-water mark. A leak leaks in
	 * every round, so the test passes when one of up to five rounds returns
	 * exactly to where it started, with every instance and symbol gone.
	 */
	for (round = 0; round < 5; round++) {
		threads = iosvc_config_thread_count();
		u0 = usage_now();
		syms = OSSymbol_poolCount();
		stress_round(200);
		/*
		 * The last objects may still be on their way out on the I/O Kit's
		 * threads after the registry went quiet: allow them time.
		 */
		end = mach_absolute_time() + 5ULL * 1000 * 1000 * 1000;
		do {
			u1 = usage_now();
			if (OSMetaClass_getInstanceCount(OSTypeID(TestDriver)) == before &&
			    OSMetaClass_getInstanceCount(OSTypeID(TestNub)) == 0 && u1.bytes == u0.bytes &&
			    u1.elems == u0.elems && OSSymbol_poolCount() == syms)
				break;
			IOSleep(10);
		} while (mach_absolute_time() < end);
		ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(TestDriver)), before);
		ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(TestNub)), 0);
		if (iosvc_config_thread_count() == threads && u1.bytes == u0.bytes && u1.elems == u0.elems &&
		    OSSymbol_poolCount() == syms)
			break;
		printf("register_terminate_stress: round %d ended at %+lld bytes, %+lld elements, %+d "
		       "symbols, "
		       "config threads %u -> %u\n",
		       round, (long long)(u1.bytes - u0.bytes), (long long)(u1.elems - u0.elems),
		       (int)(OSSymbol_poolCount() - syms), threads, iosvc_config_thread_count());
	}
	ck_assert_msg(round < 5,
	              "zone/kalloc use grew in every round: %llu bytes in %llu elements, was %llu in %llu",
	              (unsigned long long)u1.bytes, (unsigned long long)u1.elems,
	              (unsigned long long)u0.bytes, (unsigned long long)u0.elems);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iokit_matching");
	TCase *tc = ktest_tcase("matching");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, matching_scores_categories_fallthrough);
	tcase_add_test(tc, matching_probe_changes_order);
	tcase_add_test(tc, matching_passive_keys);
	tcase_add_test(tc, terminate_phase_order);
	tcase_add_test(tc, register_terminate_stress);
	suite_add_tcase(s, tc);
	return s;
}
