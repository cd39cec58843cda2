/*
 * test_notify.c — matching notifications and the calls around them:
 * existing services replayed at registration, publish/matched/terminate/
 * will-terminate, first-publish and first-match once per service, handler
 * priority order, disable/enable/remove, resources and waitForMatchingService
 * (also woken from another thread), getMatchingServices; messages to clients
 * and open/close arbitration (exclusive by default, seize asks the owner).
 */
#include "tests/iokit/iocore.h"
#include "tests/iokit/iotest.h"

/* A client that records the messages it gets and agrees to close when asked (if "Yield" is set). */
OSDeclareDefaultStructors(TestClient, IOService);
struct TestClient {
	IOService super;
	UInt32 lastMessage;
	uint32_t messages;
	bool yield;
};

static IOReturn
TestClient_message(IOService *self, UInt32 type, IOService *provider, void *argument)
{
	TestClient *me = (TestClient *)self;

	me->lastMessage = type;
	__atomic_fetch_add(&me->messages, 1, __ATOMIC_RELAXED);
	if (type == kIOMessageServiceIsRequestingClose) {
		if (!me->yield)
			return kIOReturnUnsupported;
		IOService_close(provider, self, 0);
	}
	return kIOReturnSuccess;
}

static const OSMethod TestClient_methods[] = {
        OSMethodOverride(IOService, message, TestClient_message),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(TestClient, IOService, TestClient_methods);

static int notified[8];
static bool
count_handler(void *target, void *ref, IOService *s, IONotifier *n)
{
	__atomic_fetch_add(&notified[(uintptr_t)ref], 1, __ATOMIC_RELAXED);
	return true;
}

/* Appends its reference (a string) to tlog. */
static bool
order_handler(void *target, void *ref, IOService *s, IONotifier *n)
{
	strlcat(tlog, (const char *)ref, sizeof(tlog));
	strlcat(tlog, " ", sizeof(tlog));
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

START_TEST(notifications_first_publish_and_priority)
{
	OSDictionary *m = IOService_serviceMatching("TestSubNub", NULL);
	IONotifier *first, *pub, *lo, *hi;
	TestNub *a;

	memset(notified, 0, sizeof(notified));
	first = IOService_addMatchingNotification(gIOFirstPublishNotification, m, count_handler, NULL,
	                                          (void *)0, 0);
	pub = IOService_addMatchingNotification(gIOPublishNotification, m, count_handler, NULL, (void *)1, 0);
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_nonnull(pub);
	a = new_nub("TestSubNub", "fp", NULL);
	IOService_registerService(a, kIOServiceSynchronous);
	IOService_registerService(a, kIOServiceSynchronous);
	ck_assert_int_eq(notified[0], 1); /* first publish: once per service */
	ck_assert_int_eq(notified[1], 2); /* publish: each registration */
	/* a class that isn't a kind of the matching class isn't reported */
	{
		TestNub *other = new_nub("TestNub", "other", NULL);

		IOService_registerService(other, kIOServiceSynchronous);
		ck_assert_int_eq(notified[1], 2);
		IOService_terminate(other, kIOServiceSynchronous);
		OSObject_release(other);
	}
	IONotifier_remove(first);
	IONotifier_remove(pub);

	/* priority: higher first, whatever the order of registration */
	tlog[0] = 0;
	lo = IOService_addMatchingNotification(gIOPublishNotification, m, order_handler, NULL, (void *)"lo",
	                                       -5);
	hi = IOService_addMatchingNotification(gIOPublishNotification, m, order_handler, NULL, (void *)"hi",
	                                       5);
	ck_assert_str_eq(tlog, "lo hi "); /* the existing service, replayed to each as it is added */
	tlog[0] = 0;
	IOService_registerService(a, kIOServiceSynchronous);
	ck_assert_str_eq(tlog, "hi lo ");
	IONotifier_remove(lo);
	IONotifier_remove(hi);
	/* bad arguments */
	ck_assert_ptr_null(IOService_addMatchingNotification(NULL, m, count_handler, NULL, NULL, 0));
	ck_assert_ptr_null(IOService_addMatchingNotification(gIOPublishNotification, NULL, count_handler,
	                                                     NULL, NULL, 0));
	ck_assert_ptr_null(IOService_addMatchingNotification(gIOPublishNotification, m, NULL, NULL, NULL, 0));
	ck_assert_ptr_null(
	        IOService_addMatchingNotification(gIOGeneralInterest, m, count_handler, NULL, NULL, 0));
	IOService_terminate(a, kIOServiceSynchronous);
	OSObject_release(a);
	OSObject_release(m);
}
END_TEST

static void
late_register(void *arg, wait_result_t wr)
{
	TestNub *n = arg;

	IOSleep(50);
	IOService_registerService(n, 0);
	OSObject_release(n);
}

START_TEST(wait_for_service_from_another_thread)
{
	OSDictionary *m = IOService_nameMatching("late-nub", NULL);
	TestNub *n = new_nub("TestNub", "late-nub", NULL);
	IOService *found;
	OSIterator *it;
	unsigned int count = 0;

	ck_assert_ptr_null(IOService_copyMatchingService(m));
	OSObject_retain(n);
	iotest_start(late_register, n);
	found = IOService_waitForMatchingService(m, IOTEST_LIMIT_NS);
	ck_assert_ptr_eq(found, IOSvc_(n));
	OSObject_release(found);
	ck_assert_int_eq(IOKitWaitQuiet(0), kIOReturnSuccess);
	it = IOService_getMatchingServices(m);
	ck_assert_ptr_nonnull(it);
	while (OSIterator_getNextObject(it) != NULL)
		count++;
	ck_assert_uint_eq(count, 1);
	OSObject_release(it);
	IOService_terminate(n, kIOServiceSynchronous);
	/* terminated: not found any more */
	ck_assert_ptr_null(IOService_copyMatchingService(m));
	OSObject_release(n);
	OSObject_release(m);
}
END_TEST

static TestClient *
new_client(IOService *provider)
{
	TestClient *c = OSTypeAlloc(TestClient);

	ck_assert_ptr_nonnull(c);
	ck_assert(IORegistryEntry_init(c, NULL));
	ck_assert(IOService_attach(c, provider));
	return c;
}

START_TEST(messages_and_open_close)
{
	TestNub *nub = new_nub("TestNub", "dev", NULL);
	TestClient *c1 = new_client(IOSvc_(nub));
	TestClient *c2 = new_client(IOSvc_(nub));

	/* exclusive by default */
	ck_assert(!IOService_isOpen(nub, NULL));
	ck_assert(IOService_open(nub, c1, 0, NULL));
	ck_assert(IOService_isOpen(nub, c1));
	ck_assert(IOService_isOpen(nub, NULL));
	ck_assert(!IOService_open(nub, c2, 0, NULL));
	ck_assert(!IOService_isOpen(nub, c2));
	/* seize asks the owner, which refuses */
	ck_assert(!IOService_open(nub, c2, kIOServiceSeize, NULL));
	ck_assert_uint_eq(c1->lastMessage, kIOMessageServiceIsRequestingClose);
	/* ... or yields */
	c1->yield = true;
	ck_assert(IOService_open(nub, c2, kIOServiceSeize, NULL));
	ck_assert(IOService_isOpen(nub, c2));
	ck_assert(!IOService_isOpen(nub, c1));
	/* closing by a client that doesn't hold it changes nothing */
	IOService_close(nub, c1, 0);
	ck_assert(IOService_isOpen(nub, c2));
	IOService_close(nub, c2, 0);
	ck_assert(!IOService_isOpen(nub, NULL));
	/* the close was told to every client */
	ck_assert_uint_eq(c1->lastMessage, kIOMessageServiceWasClosed);
	ck_assert_uint_eq(c2->lastMessage, kIOMessageServiceWasClosed);
	/* messageClients reaches each client once */
	c1->messages = c2->messages = 0;
	ck_assert_int_eq(IOService_messageClients(nub, kIOMessageServicePropertyChange, NULL, 0),
	                 kIOReturnSuccess);
	ck_assert_uint_eq(c1->messages, 1);
	ck_assert_uint_eq(c2->messages, 1);
	ck_assert_uint_eq(c1->lastMessage, kIOMessageServicePropertyChange);
	/* an inactive service can't be opened */
	IOService_terminate(nub, kIOServiceSynchronous);
	ck_assert(!IOService_open(nub, c1, 0, NULL));
	OSObject_release(c1);
	OSObject_release(c2);
	OSObject_release(nub);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iokit_notify");
	TCase *tc = ktest_tcase("notify");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, notifications_existing_and_new);
	tcase_add_test(tc, notifications_first_publish_and_priority);
	tcase_add_test(tc, resources_and_wait);
	tcase_add_test(tc, wait_for_service_from_another_thread);
	tcase_add_test(tc, messages_and_open_close);
	suite_add_tcase(s, tc);
	return s;
}
