/*
 * test_iouser.c — the I/O Kit's requests for user processes, called as the
 * request server calls them: the registry dump (KHRQ_T_IOREG_DUMP: shape,
 * plane, root by path and ID, depth, properties left out on request, bad
 * arguments) and the virtual bus's device model (KHRQ_T_IODEVICE: publish
 * with properties and lines, interrupts reaching a registered handler,
 * remove, root only, malformed requests refused without side effects, and a
 * mutation loop over valid requests that must never crash or leak devices).
 */
#include "tests/ktest.h"
#include "tests/iokit/iotest.h"
#include <IOKit/IOService.h>
#include <IOKit/IOInterrupts.h>
#include <libkern/c/OSUnserialize.h>
#include <libkern/libkern.h>
#include <string.h>
#include "iokit/Kernel/IOUserRequest.h"
#include "sdk/User/kexthost/iokit_request.h"

static const struct kreq_peer root_peer = {.pid = 1, .uid = 0, .gid = 0};
static const struct kreq_peer user_peer = {.pid = 2, .uid = 501, .gid = 20};

/* Run a handler on an XML text; *out gets the parsed reply (retained) when the status is 0. */
static int
call(kreq_handler_t fn, const struct kreq_peer *peer, const char *xml, size_t len, OSObject **out)
{
	struct kreq_buf reply = {0};
	int err = fn(peer, xml, len, &reply);

	*out = NULL;
	if (err == 0) {
		ck_assert_uint_gt(reply.len, 0);
		*out = OSUnserializePlist(reply.data, reply.len, NULL);
		ck_assert_ptr_nonnull(*out);
	}
	kreq_buf_free(&reply);
	return err;
}

static int
dump(const char *xml, OSArray **entries)
{
	OSObject *o;
	int err = call(ioreg_dump_request_handle, &root_peer, xml, xml ? strlen(xml) : 0, &o);

	*entries = OSDynamicCast(OSArray, o);
	if (err == 0)
		ck_assert_ptr_nonnull(*entries);
	return err;
}

static OSDictionary *
entry(OSArray *a, unsigned int i)
{
	OSDictionary *d = OSDynamicCast(OSDictionary, OSArray_getObject(a, i));
	ck_assert_ptr_nonnull(d);
	return d;
}

static const char *
estr(OSDictionary *d, const char *key)
{
	OSString *s = OSDynamicCast(OSString, OSDictionary_getObjectCString(d, key));
	return s ? OSString_getCStringNoCopy(s) : NULL;
}

static uint64_t
enum_(OSDictionary *d, const char *key)
{
	OSNumber *n = OSDynamicCast(OSNumber, OSDictionary_getObjectCString(d, key));
	ck_assert_msg(n != NULL, "no number %s", key);
	return OSNumber_unsigned64BitValue(n);
}

/* Index of the entry named name, or -1. */
static int
find(OSArray *a, const char *name)
{
	for (unsigned int i = 0; i < OSArray_getCount(a); i++) {
		const char *n = estr(entry(a, i), KHIO_KEY_NAME);
		if (n != NULL && strcmp(n, name) == 0)
			return (int)i;
	}
	return -1;
}

#define PL_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\">"
#define PL_TAIL "</plist>"

START_TEST(dump_whole_registry)
{
	OSArray *a;
	OSDictionary *root, *bus;
	OSArray *chain;
	int i;

	ck_assert_int_eq(dump(NULL, &a), 0);
	root = entry(a, 0);
	ck_assert_str_eq(estr(root, KHIO_KEY_NAME), "Root");
	ck_assert_str_eq(estr(root, KHIO_KEY_CLASS), "IORegistryEntry");
	ck_assert_uint_eq(enum_(root, KHIO_KEY_ID), kIORegistryEntryIDFirst);
	ck_assert_uint_eq(enum_(root, KHIO_KEY_ENTRY_DEPTH), 0);
	ck_assert_ptr_null(OSDictionary_getObjectCString(root, KHIO_KEY_STATE)); /* not a service */
	i = find(a, "IOVirtualBus");
	ck_assert_int_gt(i, 0);
	bus = entry(a, (unsigned int)i);
	ck_assert_str_eq(estr(bus, KHIO_KEY_CLASS), "IOVirtualBus");
	ck_assert_uint_eq(enum_(bus, KHIO_KEY_ENTRY_DEPTH), 2);
	ck_assert_uint_eq(enum_(bus, KHIO_KEY_STATE) & (kIOServiceRegisteredState | kIOServiceMatchedState),
	                  kIOServiceRegisteredState | kIOServiceMatchedState);
	ck_assert_uint_eq(enum_(bus, KHIO_KEY_BUSY), 0);
	ck_assert_uint_gt(enum_(bus, KHIO_KEY_RETAIN), 0);
	chain = OSDynamicCast(OSArray, OSDictionary_getObjectCString(bus, KHIO_KEY_INHERITANCE));
	ck_assert_ptr_nonnull(chain);
	ck_assert_uint_eq(OSArray_getCount(chain), 3);
	ck_assert_str_eq(OSString_getCStringNoCopy((OSString *)OSArray_getObject(chain, 0)),
	                 "IORegistryEntry");
	ck_assert_str_eq(OSString_getCStringNoCopy((OSString *)OSArray_getObject(chain, 2)), "IOVirtualBus");
	/* IOResources has its "IOKit" property */
	i = find(a, "IOResources");
	ck_assert_int_gt(i, 0);
	ck_assert_ptr_nonnull(OSDictionary_getObjectCString(
	        (OSDictionary *)OSDictionary_getObjectCString(entry(a, (unsigned int)i), KHIO_KEY_PROPERTIES),
	        "IOKit"));
	OSObject_release(a);
}
END_TEST

START_TEST(dump_options)
{
	OSArray *a;
	char xml[512];

	/* depth 1: the root alone; 2: root and the platform nub */
	ck_assert_int_eq(
	        dump(PL_HEAD "<dict><key>IORegistryDepth</key><integer>1</integer></dict>" PL_TAIL, &a), 0);
	ck_assert_uint_eq(OSArray_getCount(a), 1);
	ck_assert_uint_gt(enum_(entry(a, 0), KHIO_KEY_CHILD_COUNT), 0);
	OSObject_release(a);
	ck_assert_int_eq(
	        dump(PL_HEAD "<dict><key>IORegistryDepth</key><integer>2</integer></dict>" PL_TAIL, &a), 0);
	ck_assert_uint_eq(OSArray_getCount(a), 2);
	OSObject_release(a);
	/* a root by path, without properties */
	ck_assert_int_eq(dump(PL_HEAD
	                      "<dict><key>IORegistryEntryPath</key><string>IOService:/kexthost1,1/"
	                      "IOVirtualBus</string><key>IORegistryProperties</key><false/></dict>" PL_TAIL,
	                      &a),
	                 0);
	ck_assert_uint_eq(OSArray_getCount(a), 1);
	ck_assert_str_eq(estr(entry(a, 0), KHIO_KEY_NAME), "IOVirtualBus");
	ck_assert_ptr_null(OSDictionary_getObjectCString(entry(a, 0), KHIO_KEY_PROPERTIES));
	OSObject_release(a);
	/* by ID, in the power plane (where the platform nub is attached to the root) */
	snprintf(xml, sizeof(xml),
	         PL_HEAD "<dict><key>IORegistryEntryID</key><integer>%llu</integer><key>IORegistryPlane</key>"
	                 "<string>IOPower</string></dict>" PL_TAIL,
	         (unsigned long long)IORegistryEntry_getRegistryEntryID(IOService_getServiceRoot()));
	ck_assert_int_eq(dump(xml, &a), 0);
	ck_assert_str_eq(estr(entry(a, 0), KHIO_KEY_CLASS), "IOPlatformExpertDevice");
	OSObject_release(a);
}
END_TEST

START_TEST(dump_bad_requests)
{
	OSArray *a;

	ck_assert_int_eq(dump("garbage", &a), EINVAL);
	ck_assert_int_eq(dump(PL_HEAD "<array/>" PL_TAIL, &a), EINVAL);
	ck_assert_int_eq(
	        dump(PL_HEAD "<dict><key>IORegistryPlane</key><integer>3</integer></dict>" PL_TAIL, &a),
	        EINVAL);
	ck_assert_int_eq(
	        dump(PL_HEAD "<dict><key>IORegistryDepth</key><string>x</string></dict>" PL_TAIL, &a),
	        EINVAL);
	ck_assert_int_eq(
	        dump(PL_HEAD "<dict><key>IORegistryPlane</key><string>IONope</string></dict>" PL_TAIL, &a),
	        ENOENT);
	ck_assert_int_eq(
	        dump(PL_HEAD "<dict><key>IORegistryEntryID</key><integer>5</integer></dict>" PL_TAIL, &a),
	        ENOENT);
	ck_assert_int_eq(
	        dump(PL_HEAD
	             "<dict><key>IORegistryEntryPath</key><string>IOService:/no/such</string></dict>" PL_TAIL,
	             &a),
	        ENOENT);
}
END_TEST

/* ---- the device model ---- */

static int
devreq(const struct kreq_peer *peer, const char *body, OSDictionary **reply)
{
	char xml[2048];
	OSObject *o;
	int err;

	snprintf(xml, sizeof(xml), PL_HEAD "<dict>%s</dict>" PL_TAIL, body);
	err = call(iovbus_request_handle, peer, xml, strlen(xml), &o);
	*reply = OSDynamicCast(OSDictionary, o);
	if (err == 0)
		ck_assert_ptr_nonnull(*reply);
	else
		OSSafeReleaseNULL(o);
	return err;
}

static unsigned int
device_count(void)
{
	OSArray *d = IOVirtualBus_copyDevices();
	unsigned int n;

	ck_assert_ptr_nonnull(d);
	n = OSArray_getCount(d);
	OSObject_release(d);
	return n;
}

static uint32_t intr_calls;

static void
count_intr(OSObject *target, void *refCon, IOService *nub, int source)
{
	__atomic_fetch_add(&intr_calls, 1, __ATOMIC_RELEASE);
}

START_TEST(device_add_interrupt_remove)
{
	OSDictionary *r;
	IORegistryEntry *e;
	IOService *nub;
	uint64_t id;
	char body[512];
	OSNumber *vid;

	ck_assert_int_eq(
	        devreq(&root_peer,
	               "<key>Operation</key><string>add</string><key>Name</key><string>t</string>"
	               "<key>Location</key><string>3</string><key>Interrupts</key><integer>2</integer>"
	               "<key>Properties</key><dict><key>VendorID</key><integer>4660</integer></dict>",
	               &r),
	        0);
	ck_assert_uint_eq(enum_(r, KHIO_KEY_RESULT), 0);
	id = enum_(r, KHIO_KEY_ID);
	OSObject_release(r);
	e = IORegistryEntry_fromID(id);
	ck_assert_ptr_nonnull(e);
	nub = OSDynamicCast(IOService, e);
	ck_assert_ptr_nonnull(nub);
	ck_assert_str_eq(OSObject_getClassName(nub), "IOVirtualDevice");
	ck_assert_str_eq(IORegistryEntry_getName(nub, NULL), "t");
	ck_assert_str_eq(IORegistryEntry_getLocation(nub, NULL), "3");
	vid = OSDynamicCast(OSNumber, IORegistryEntry_getPropertyCString(nub, "VendorID"));
	ck_assert_ptr_nonnull(vid);
	ck_assert_uint_eq(OSNumber_unsigned32BitValue(vid), 4660);
	ck_assert_ptr_eq(IOService_getProvider(nub), IOVirtualBus_getBus());
	ck_assert_uint_eq(device_count(), 1);

	/* an interrupt raised through the request reaches the handler on line 1 */
	ck_assert_int_eq(IOService_registerInterrupt(nub, 1, NULL, count_intr, NULL), kIOReturnSuccess);
	ck_assert_int_eq(IOService_enableInterrupt(nub, 1), kIOReturnSuccess);
	snprintf(body, sizeof(body),
	         "<key>Operation</key><string>interrupt</string><key>IORegistryEntryID</key><integer>%llu</"
	         "integer>"
	         "<key>Index</key><integer>1</integer>",
	         (unsigned long long)id);
	ck_assert_int_eq(devreq(&root_peer, body, &r), 0);
	ck_assert_uint_eq(enum_(r, KHIO_KEY_RESULT), 0);
	OSObject_release(r);
	ck_assert_uint_eq(iotest_wait_ge(&intr_calls, 1), 1);
	/* line 2 does not exist */
	snprintf(body, sizeof(body),
	         "<key>Operation</key><string>interrupt</string><key>IORegistryEntryID</key><integer>%llu</"
	         "integer>"
	         "<key>Index</key><integer>2</integer>",
	         (unsigned long long)id);
	ck_assert_int_eq(devreq(&root_peer, body, &r), 0);
	ck_assert_uint_eq((uint32_t)enum_(r, KHIO_KEY_RESULT), (uint32_t)kIOReturnNoInterrupt);
	OSObject_release(r);
	ck_assert_int_eq(IOService_unregisterInterrupt(nub, 1), kIOReturnSuccess);

	/* a non-root caller can list but not remove */
	snprintf(body, sizeof(body),
	         "<key>Operation</key><string>remove</string><key>IORegistryEntryID</key><integer>%llu</"
	         "integer>",
	         (unsigned long long)id);
	ck_assert_int_eq(devreq(&user_peer, body, &r), EPERM);
	ck_assert_int_eq(devreq(&user_peer, "<key>Operation</key><string>list</string>", &r), 0);
	ck_assert_uint_eq(OSArray_getCount((OSArray *)OSDictionary_getObjectCString(r, KHIO_KEY_DEVICES)), 1);
	OSObject_release(r);
	/* remove: synchronous, then gone; a second remove finds nothing */
	ck_assert_int_eq(devreq(&root_peer, body, &r), 0);
	ck_assert_uint_eq(enum_(r, KHIO_KEY_RESULT), 0);
	OSObject_release(r);
	ck_assert(IOService_isInactive(nub));
	ck_assert(!IORegistryEntry_inPlane(nub, gIOServicePlane));
	ck_assert_uint_eq(device_count(), 0);
	ck_assert_int_eq(devreq(&root_peer, body, &r), 0);
	ck_assert_uint_eq((uint32_t)enum_(r, KHIO_KEY_RESULT), (uint32_t)kIOReturnNotFound);
	OSObject_release(r);
	OSObject_release(e);
}
END_TEST

START_TEST(device_bad_requests)
{
	static const char *const bad[] = {
	        "",
	        "<key>Operation</key><string>frob</string>",
	        "<key>Operation</key><integer>1</integer>",
	        "<key>Operation</key><string>add</string>",
	        "<key>Operation</key><string>add</string><key>Name</key><integer>1</integer>",
	        "<key>Operation</key><string>add</string><key>Name</key><string>x</string>"
	        "<key>Interrupts</key><integer>33</integer>",
	        "<key>Operation</key><string>add</string><key>Name</key><string>x</string>"
	        "<key>InterruptType</key><integer>2</integer>",
	        "<key>Operation</key><string>add</string><key>Name</key><string>x</string>"
	        "<key>Properties</key><array/>",
	        "<key>Operation</key><string>remove</string>",
	        "<key>Operation</key><string>interrupt</string><key>IORegistryEntryID</key><string>1</"
	        "string>",
	};
	OSDictionary *r;
	OSObject *o;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(devreq(&root_peer, bad[i], &r) == EINVAL, "accepted: %s", bad[i]);
	ck_assert_int_eq(call(iovbus_request_handle, &root_peer, "\x01\x02", 2, &o), EINVAL);
	ck_assert_int_eq(call(iovbus_request_handle, &root_peer, NULL, 0, &o), EINVAL);
	/* well-formed but refused by the bus: a name that breaks paths */
	ck_assert_int_eq(devreq(&root_peer,
	                        "<key>Operation</key><string>add</string><key>Name</key><string>a/b</string>",
	                        &r),
	                 0);
	ck_assert_uint_eq((uint32_t)enum_(r, KHIO_KEY_RESULT), (uint32_t)kIOReturnBadArgument);
	OSObject_release(r);
	ck_assert_int_eq(devreq(&user_peer,
	                        "<key>Operation</key><string>add</string><key>Name</key><string>u</string>",
	                        &r),
	                 EPERM);
	ck_assert_uint_eq(device_count(), 0);
}
END_TEST

/* Mutations of valid requests (byte flips, truncation): a status, never a crash; nothing left behind. */
START_TEST(device_mutations)
{
	static const char *const seeds[] = {
	        PL_HEAD "<dict><key>Operation</key><string>add</string><key>Name</key><string>m</string>"
	                "<key>Interrupts</key><integer>3</integer><key>Properties</key><dict><key>k</key>"
	                "<array><integer>1</integer><data>AAEC</data></array></dict></dict>" PL_TAIL,
	        PL_HEAD "<dict><key>Operation</key><string>interrupt</string><key>IORegistryEntryID</key>"
	                "<integer>4294967557</integer><key>Index</key><integer>0</integer></dict>" PL_TAIL,
	        PL_HEAD "<dict><key>Operation</key><string>list</string></dict>" PL_TAIL,
	};
	uint32_t rnd = 12345;
	char buf[512];

	for (unsigned int iter = 0; iter < 3000; iter++) {
		const char *s = seeds[iter % 3];
		size_t len = strlen(s);
		struct kreq_buf reply = {0};
		int err;

		memcpy(buf, s, len);
		for (int k = 0; k < 3; k++) {
			rnd = rnd * 1103515245u + 12345u;
			buf[(rnd >> 8) % len] = (char)(rnd >> 20);
		}
		rnd = rnd * 1103515245u + 12345u;
		if (rnd & 0x10000)
			len = (rnd >> 4) % len;
		err = iovbus_request_handle(&root_peer, buf, len, &reply);
		ck_assert_msg(err == 0 || err == EINVAL, "status %d", err);
		ck_assert(err != 0 || reply.len > 0);
		kreq_buf_free(&reply);
		if (iter % 100 == 99) {
			OSArray *d = IOVirtualBus_copyDevices();
			for (unsigned int i = 0; d != NULL && i < OSArray_getCount(d); i++)
				IOVirtualBus_removeDevice(
				        IORegistryEntry_getRegistryEntryID(OSArray_getObject(d, i)), false);
			OSSafeReleaseNULL(d);
		}
	}
	{
		OSArray *d = IOVirtualBus_copyDevices();
		for (unsigned int i = 0; d != NULL && i < OSArray_getCount(d); i++)
			ck_assert_int_eq(
			        IOVirtualBus_removeDevice(
			                IORegistryEntry_getRegistryEntryID(OSArray_getObject(d, i)), false),
			        kIOReturnSuccess);
		OSSafeReleaseNULL(d);
	}
	ck_assert_uint_eq(device_count(), 0);
	ck_assert_int_eq(IOKitWaitQuiet(30ULL * 1000 * 1000 * 1000), kIOReturnSuccess);
	ck_assert_uint_eq(
	        OSMetaClass_getInstanceCount(OSMetaClass_getMetaClassWithCString("IOVirtualDevice")), 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iouser");
	TCase *tc = ktest_tcase("iouser");

	tcase_add_test(tc, dump_whole_registry);
	tcase_add_test(tc, dump_options);
	tcase_add_test(tc, dump_bad_requests);
	tcase_add_test(tc, device_add_interrupt_remove);
	tcase_add_test(tc, device_bad_requests);
	tcase_add_test(tc, device_mutations);
	suite_add_tcase(s, tc);
	return s;
}
