/*
 * test_terminate.c — termination in XNU's phases: willTerminate root to
 * leaf, didTerminate leaf to root, then stop leaf first; requestTerminate's
 * default with two providers (only a sole provider takes its client along);
 * a client that holds its provider open is asked to close and is stopped
 * only when it does (the terminate stall, with a bound); synchronous against
 * asynchronous terminate; and the interest message and terminated
 * notification each victim's watchers get.
 */
#include "tests/iokit/iocore.h"
#include <IOKit/IOLib.h>
#include "iokit/Kernel/IOKitCore.h"

#define MS (1000ULL * 1000)

/* A driver that opens its provider in start and closes it on kIOMessageServiceIsRequestingClose
 * only when its "CloseAtOnce" property says so; otherwise the test closes it later. */
OSDeclareDefaultStructors(TestOpener, TestDriver);
struct TestOpener {
	TestDriver super;
};

static bool
TestOpener_start(IOService *self, IOService *provider)
{
	if (!OSSuperCall(TestOpener, start, self, provider))
		return false;
	return IOService_open(provider, self, 0, NULL);
}

static IOReturn
TestOpener_message(IOService *self, UInt32 type, IOService *provider, void *arg)
{
	if (type == kIOMessageServiceIsRequestingClose) {
		tlog_add("reqclose", self);
		if (IORegistryEntry_getPropertyCString(self, "CloseAtOnce") != NULL)
			IOService_close(provider, self, 0);
		return kIOReturnSuccess;
	}
	if (type == kIOMessageServiceIsTerminated)
		tlog_add("terminated", self);
	return kIOReturnUnsupported;
}

static const OSMethod TestOpener_methods[] = {
        OSMethodOverride(IOService, start, TestOpener_start),
        OSMethodOverride(IOService, message, TestOpener_message),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(TestOpener, TestDriver, TestOpener_methods);

/* A started driver of class cls tagged tag on provider (attach + start, as matching would). */
static IOService *
new_driver(const char *cls, const char *tag, IOService *provider)
{
	OSDictionary *props = OSDictionary_withCapacity(2);
	IOService *d = (IOService *)OSMetaClass_allocClassWithCString(cls);

	set_str(props, "Tag", tag);
	ck_assert_ptr_nonnull(d);
	ck_assert(IORegistryEntry_init(d, props));
	OSObject_release(props);
	ck_assert(IOService_attach(d, provider));
	ck_assert(IOService_start(d, provider));
	iosvc_lock();
	d->__state[1] |= kIOServiceStartedState;
	iosvc_unlock();
	return d; /* the caller's reference; the registry holds its own */
}

START_TEST(phases_root_to_leaf_then_leaf_to_root)
{
	TestNub *nub = new_nub("TestNub", "nub", NULL);
	IOService *a = new_driver("TestDriver", "a", IOSvc_(nub));
	IOService *b = new_driver("TestDriver", "b", a);
	IOService *c = new_driver("TestDriver", "c", b);

	tlog[0] = 0;
	ck_assert(IOService_terminate(nub, kIOServiceSynchronous));
	/* will: each client as its provider's phase 2 runs, root first; did: leaves first; stop: leaves first */
	ck_assert_str_eq(tlog, "will:a will:b will:c did:c did:b did:a stop:c stop:b stop:a ");
	ck_assert(IOService_isInactive(a) && IOService_isInactive(b) && IOService_isInactive(c));
	ck_assert(!IORegistryEntry_inPlane(nub, gIOServicePlane));
	ck_assert(!IORegistryEntry_inPlane(c, gIOServicePlane));
	ck_assert_uint_eq(IOService_getBusyState(nub), 0);
	ck_assert_int_eq(OSObject_getRetainCount(c), 1); /* only ours is left: the registry let go */
	OSObject_release(c);
	OSObject_release(b);
	OSObject_release(a);
	OSObject_release(nub);
}
END_TEST

START_TEST(request_terminate_default_with_two_providers)
{
	TestNub *n1 = new_nub("TestNub", "n1", NULL), *n2 = new_nub("TestNub", "n2", NULL);
	IOService *c = new_driver("TestDriver", "c", IOSvc_(n1));

	ck_assert(IOService_attach(c, n2));
	tlog[0] = 0;
	ck_assert(IOService_terminate(n1, kIOServiceSynchronous));
	/* Not its only provider: c stays, is told, and leaves n1 (stop for that provider). */
	ck_assert(!IOService_isInactive(c));
	ck_assert_str_eq(tlog, "will:c did:c stop:c ");
	ck_assert(!IORegistryEntry_isParent(IORegEntry_(c), IORegEntry_(n1), gIOServicePlane));
	ck_assert(IORegistryEntry_isParent(IORegEntry_(c), IORegEntry_(n2), gIOServicePlane));
	/* Now n2 is its sole provider: c goes with it. */
	tlog[0] = 0;
	ck_assert(IOService_terminate(n2, kIOServiceSynchronous));
	ck_assert(IOService_isInactive(c));
	ck_assert(!IORegistryEntry_inPlane(c, gIOServicePlane));
	OSObject_release(c);
	OSObject_release(n1);
	OSObject_release(n2);
}
END_TEST

START_TEST(open_client_is_asked_to_close_and_stop_waits)
{
	TestNub *nub = new_nub("TestNub", "nub", NULL);
	IOService *o = new_driver("TestOpener", "o", IOSvc_(nub));

	ck_assert(IOService_isOpen(nub, o));
	tlog[0] = 0;
	ck_assert(IOService_terminate(nub, 0));
	ck_assert(IOService_isInactive(nub) && IOService_isInactive(o));
	/* The stall: asked to close, it hasn't; no stop, the nub stays busy and attached. */
	ck_assert_int_eq(IOService_waitQuiet(IOSvc_(nub), 300 * MS), kIOReturnTimeout);
	ck_assert_ptr_nonnull(strstr(tlog, "reqclose:o"));
	ck_assert_ptr_null(strstr(tlog, "stop:o"));
	ck_assert(IORegistryEntry_inPlane(o, gIOServicePlane));
	/* The late close lets the stop run, and everything finishes. */
	IOService_close(nub, o, 0);
	ck_assert_int_eq(IOService_waitQuiet(IOSvc_(nub), 10000 * MS), kIOReturnSuccess);
	ck_assert_str_eq(tlog, "will:o terminated:o did:o reqclose:o stop:o ");
	ck_assert(!IORegistryEntry_inPlane(o, gIOServicePlane));
	ck_assert(!IORegistryEntry_inPlane(nub, gIOServicePlane));
	OSObject_release(o);
	OSObject_release(nub);
}
END_TEST

START_TEST(open_client_that_closes_at_once)
{
	TestNub *nub = new_nub("TestNub", "nub", NULL);
	IOService *o = new_driver("TestOpener", "o", IOSvc_(nub));

	IORegistryEntry_setPropertyBoolean(o, "CloseAtOnce", true);
	tlog[0] = 0;
	ck_assert(IOService_terminate(nub, kIOServiceSynchronous));
	ck_assert_str_eq(tlog, "will:o terminated:o did:o reqclose:o stop:o ");
	ck_assert(!IOService_isOpen(nub, NULL));
	ck_assert(!IORegistryEntry_inPlane(o, gIOServicePlane));
	OSObject_release(o);
	OSObject_release(nub);
}
END_TEST

START_TEST(synchronous_and_asynchronous)
{
	TestNub *n1 = new_nub("TestNub", "n1", NULL), *n2 = new_nub("TestNub", "n2", NULL);
	IOService *a = new_driver("TestDriver", "a", IOSvc_(n1));
	IOService *b = new_driver("TestDriver", "b", IOSvc_(n2));

	/* Synchronous: all done on return. */
	ck_assert(IOService_terminate(n1, kIOServiceSynchronous));
	ck_assert(!IORegistryEntry_inPlane(a, gIOServicePlane));
	ck_assert_uint_eq(IOService_getBusyState(n1), 0);
	/* Asynchronous: inactive on return (phase 1 ran here), the rest on the termination thread. */
	ck_assert(IOService_terminate(n2, 0));
	ck_assert(IOService_isInactive(n2) && IOService_isInactive(b));
	ck_assert(IOService_open(n2, b, 0, NULL) == false); /* inactive: no opens */
	ck_assert_int_eq(IOService_waitQuiet(IOSvc_(n2), 10000 * MS), kIOReturnSuccess);
	ck_assert(!IORegistryEntry_inPlane(b, gIOServicePlane));
	ck_assert(!IORegistryEntry_inPlane(n2, gIOServicePlane));
	/* A second terminate of an inactive service is a no-op (XNU answers true). */
	ck_assert(IOService_terminate(n2, kIOServiceSynchronous));
	OSObject_release(a);
	OSObject_release(b);
	OSObject_release(n1);
	OSObject_release(n2);
}
END_TEST

static int interest_terminated;

static IOReturn
count_terminated(void *target, void *ref, UInt32 type, IOService *provider, void *arg, vm_size_t size)
{
	if (type == kIOMessageServiceIsTerminated)
		__atomic_add_fetch(&interest_terminated, 1, __ATOMIC_RELAXED);
	return kIOReturnSuccess;
}

static bool
count_notified(void *target, void *ref, IOService *service, IONotifier *n)
{
	__atomic_add_fetch((int *)ref, 1, __ATOMIC_RELAXED);
	return true;
}

START_TEST(interest_and_terminated_notification)
{
	TestNub *nub = new_nub("TestNub", "watched", NULL);
	IOService *a = new_driver("TestDriver", "a", IOSvc_(nub));
	OSDictionary *m = IOService_nameMatching("watched", NULL);
	int terminated = 0, willTerminate = 0;
	IONotifier *in = IOService_registerInterest(nub, gIOGeneralInterest, count_terminated, NULL, NULL);
	IONotifier *tn = IOService_addMatchingNotification(gIOTerminatedNotification, m, count_notified, NULL,
	                                                   &terminated, 0);
	IONotifier *wn = IOService_addMatchingNotification(gIOWillTerminateNotification, m, count_notified,
	                                                   NULL, &willTerminate, 0);

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(tn);
	ck_assert_ptr_nonnull(wn);
	ck_assert(IOService_terminate(nub, kIOServiceSynchronous));
	ck_assert_int_eq(terminated, 1);
	ck_assert_int_eq(willTerminate, 1);
	ck_assert_int_eq(interest_terminated, 1);
	IONotifier_remove(in);
	IONotifier_remove(tn);
	IONotifier_remove(wn);
	OSObject_release(m);
	OSObject_release(a);
	OSObject_release(nub);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iokit_terminate");
	TCase *tc = ktest_tcase("terminate");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, phases_root_to_leaf_then_leaf_to_root);
	tcase_add_test(tc, request_terminate_default_with_two_providers);
	tcase_add_test(tc, open_client_is_asked_to_close_and_stop_waits);
	tcase_add_test(tc, open_client_that_closes_at_once);
	tcase_add_test(tc, synchronous_and_asynchronous);
	tcase_add_test(tc, interest_and_terminated_notification);
	suite_add_tcase(s, tc);
	return s;
}
