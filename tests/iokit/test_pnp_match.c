/*
 * test_pnp_match.c — personalities match hot-added nubs by their
 * properties and names: devices published on the virtual bus through the
 * same request devctl sends (KHRQ_T_IODEVICE "add", a property list with
 * typed values), matched on a config thread against personalities with
 * IOProviderClass IOVirtualDevice and IOPropertyMatch or IONameMatch.
 * A nub whose properties or name satisfy the personality gets the driver
 * started on it; one that differs in one value, misses a key, has the
 * value with another type (--sprop's string against an integer), or a
 * name that only starts like the wanted one gets no driver.
 *
 * And a nub's interrupt lines go with it (IOService's free): a nub made
 * later, even at the same address, has none of them, and publishing and
 * removing devices with lines brings the zone/kalloc use back (the leak
 * the plug-and-play storm found).
 */
#include "tests/iokit/iocore.h"
#include <IOKit/IOInterrupts.h>
#include <IOKit/IOLib.h>
#include <libkern/c/OSUnserialize.h>
#include "osfmk/kern/zalloc_internal.h"
#include "iokit/Kernel/IOUserRequest.h"
#include "sdk/User/kexthost/iokit_request.h"

#define SEC (1000ULL * 1000 * 1000)
#define PL_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\">"
#define PL_TAIL "</plist>"

static const struct kreq_peer root_peer = {.pid = 1, .uid = 0, .gid = 0};

/* devctl add --name NAME with the <dict> body props (property-list XML): the new nub (retained). */
static IOService *
hot_add(const char *name, const char *props)
{
	char xml[1024];
	struct kreq_buf reply = {0};
	OSDictionary *r;
	OSNumber *id;
	IORegistryEntry *e;

	snprintf(xml, sizeof(xml),
	         PL_HEAD "<dict><key>" KHIO_KEY_OPERATION "</key><string>add</string><key>" KHIO_KEY_DEV_NAME
	                 "</key><string>%s</string><key>" KHIO_KEY_DEV_PROPERTIES
	                 "</key><dict>%s</dict></dict>" PL_TAIL,
	         name, props);
	ck_assert_int_eq(iovbus_request_handle(&root_peer, xml, strlen(xml), &reply), 0);
	r = OSDynamicCast(OSDictionary, OSUnserializePlist(reply.data, reply.len, NULL));
	kreq_buf_free(&reply);
	ck_assert_ptr_nonnull(r);
	id = OSDynamicCast(OSNumber, OSDictionary_getObjectCString(r, KHIO_KEY_ID));
	ck_assert_ptr_nonnull(id);
	e = IORegistryEntry_fromID(OSNumber_unsigned64BitValue(id));
	OSObject_release(r);
	ck_assert_ptr_nonnull(OSDynamicCast(IOVirtualDevice, e));
	/* Matching runs on a config thread (registerService without kIOServiceSynchronous). */
	ck_assert_int_eq(IOService_waitQuiet((IOService *)e, 10 * SEC), kIOReturnSuccess);
	ck_assert(IOService_getState((IOService *)e) & kIOServiceRegisteredState);
	return (IOService *)e;
}

static void
hot_remove(IOService *nub)
{
	ck_assert_int_eq(IOVirtualBus_removeDevice(IORegistryEntry_getRegistryEntryID(nub), false),
	                 kIOReturnSuccess);
	ck_assert_ptr_null(IOService_getClient(nub));
	OSObject_release(nub);
}

static void
setup_personalities(void)
{
	OSDictionary *p[2], *pm = OSDictionary_withCapacity(2);
	OSNumber *vid = OSNumber_withNumber(0x1234, 32);
	OSArray *names = OSArray_withCapacity(2);
	OSString *s;

	/* by properties: VendorID 0x1234 (a number) and Color "blue" */
	p[0] = personality("by-props", "IOVirtualDevice", 100);
	OSDictionary_setObjectCString(pm, "VendorID", vid);
	set_str(pm, "Color", "blue");
	OSDictionary_setObjectCString(p[0], kIOPropertyMatchKey, pm);
	/* by name: either of two names; its own category, so both kinds can sit on one nub */
	p[1] = personality("by-name", "IOVirtualDevice", 100);
	s = OSString_withCString("sensor");
	OSArray_setObject(names, s);
	OSObject_release(s);
	s = OSString_withCString("thermo");
	OSArray_setObject(names, s);
	OSObject_release(s);
	OSDictionary_setObjectCString(p[1], kIONameMatchKey, names);
	set_str(p[1], kIOMatchCategoryKey, "PnPByName");
	add_personalities(p, 2);
	OSObject_release(pm);
	OSObject_release(vid);
	OSObject_release(names);
}

/* The tags of nub's started clients, in registry order ("" when none). */
static const char *
client_tags(IOService *nub)
{
	static char buf[128];
	OSIterator *it = IOService_getClientIterator(nub);
	OSObject *o;

	buf[0] = '\0';
	while (it != NULL && (o = OSIterator_getNextObject(it)) != NULL) {
		OSString *tag = OSDynamicCast(OSString, IORegistryEntry_getPropertyCString(o, "Tag"));

		strlcat(buf, tag != NULL ? OSString_getCStringNoCopy(tag) : "?", sizeof(buf));
		strlcat(buf, " ", sizeof(buf));
	}
	OSSafeReleaseNULL(it);
	return buf;
}

START_TEST(property_match_on_hot_added_nubs)
{
	IOService *yes, *other_value, *missing, *as_string;

	setup_personalities();
	yes = hot_add("dev", "<key>VendorID</key><integer>4660</integer><key>Color</key><string>blue</string>"
	                     "<key>ProductID</key><integer>1</integer>");
	other_value = hot_add(
	        "dev", "<key>VendorID</key><integer>4660</integer><key>Color</key><string>red</string>");
	missing = hot_add("dev", "<key>Color</key><string>blue</string>");
	as_string = hot_add(
	        "dev", "<key>VendorID</key><string>0x1234</string><key>Color</key><string>blue</string>");

	ck_assert_str_eq(client_tags(yes), "by-props ");
	ck_assert(IOService_getState(yes) & kIOServiceMatchedState);
	ck_assert_str_eq(client_tags(other_value), "");
	ck_assert_str_eq(client_tags(missing), "");
	ck_assert_str_eq(client_tags(as_string), "");
	hot_remove(yes);
	hot_remove(other_value);
	hot_remove(missing);
	hot_remove(as_string);
}
END_TEST

START_TEST(name_match_on_hot_added_nubs)
{
	IOService *thermo, *sensor, *prefix, *both;
	OSString *matched;

	setup_personalities();
	thermo = hot_add("thermo", "");
	sensor = hot_add("sensor", "<key>Color</key><string>red</string>");
	prefix = hot_add("thermostat", "");
	both = hot_add("sensor",
	               "<key>VendorID</key><integer>4660</integer><key>Color</key><string>blue</string>");

	ck_assert_str_eq(client_tags(thermo), "by-name ");
	/* matching records which of the names matched on the driver (IONameMatched) */
	matched = OSDynamicCast(
	        OSString, IORegistryEntry_getPropertyCString(IOService_getClient(thermo), kIONameMatchedKey));
	ck_assert_ptr_nonnull(matched);
	ck_assert_str_eq(OSString_getCStringNoCopy(matched), "thermo");
	ck_assert_str_eq(client_tags(sensor), "by-name ");
	ck_assert_str_eq(client_tags(prefix), "");
	/* both personalities, in their own categories */
	ck_assert_uint_eq(strlen(client_tags(both)), strlen("by-name by-props "));
	ck_assert_ptr_nonnull(strstr(client_tags(both), "by-name "));
	ck_assert_ptr_nonnull(strstr(client_tags(both), "by-props "));
	hot_remove(thermo);
	hot_remove(sensor);
	hot_remove(prefix);
	hot_remove(both);
	ck_assert_int_eq(IOKitWaitQuiet(10 * SEC), kIOReturnSuccess);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(TestDriver)), 0);
}
END_TEST

START_TEST(interrupt_lines_go_with_the_nub)
{
	int type;

	/* Zones hand a freed element out again first: the next nub often has the old one's address. */
	for (int i = 0; i < 50; i++) {
		TestNub *old = (TestNub *)OSMetaClass_allocClassWithCString("TestNub");
		TestNub *fresh;

		ck_assert(IORegistryEntry_init(old, NULL));
		ck_assert_int_eq(IOInterrupts_setSourceCount(IOSvc_(old), 4, kIOInterruptTypeLevel),
		                 kIOReturnSuccess);
		ck_assert_int_eq(IOService_getInterruptType(IOSvc_(old), 3, &type), kIOReturnSuccess);
		OSObject_release(old);
		fresh = (TestNub *)OSMetaClass_allocClassWithCString("TestNub");
		ck_assert(IORegistryEntry_init(fresh, NULL));
		ck_assert_int_eq(IOService_getInterruptType(IOSvc_(fresh), 0, &type), kIOReturnNoInterrupt);
		OSObject_release(fresh);
	}
}
END_TEST

struct usage {
	uint64_t bytes, elems;
};

static void
usage_sum(const struct zone_info *zi, void *ctx)
{
	struct usage *u = ctx;

	u->bytes += zi->zi_bytes_in_use;
	u->elems += zi->zi_elems_in_use;
}

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

/* n devices with three lines each published at once, then removed. */
static void
lines_round(int n)
{
	uint64_t ids[16];

	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(
		        IOVirtualBus_addDevice("lines", NULL, NULL, 3, kIOInterruptTypeEdge, &ids[i]),
		        kIOReturnSuccess);
	}
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(IOVirtualBus_removeDevice(ids[i], false), kIOReturnSuccess);
	}
	ck_assert_int_eq(IOKitWaitQuiet(10 * SEC), kIOReturnSuccess);
}

START_TEST(hot_plug_with_lines_returns_its_memory)
{
	struct usage u0, u1 = {0};
	int round;

	lines_round(16); /* warm-up: config threads, the controller's thread and table */
	/* As register_terminate_stress: a leak leaks in every round; one exact round passes. */
	for (round = 0; round < 5; round++) {
		u0 = usage_now();
		lines_round(16);
		for (int i = 0; i < 500; i++) {
			u1 = usage_now();
			if (u1.bytes == u0.bytes && u1.elems == u0.elems)
				break;
			IOSleep(10);
		}
		if (u1.bytes == u0.bytes && u1.elems == u0.elems)
			break;
		printf("hot_plug_with_lines: round %d ended at %+lld bytes, %+lld elements\n", round,
		       (long long)(u1.bytes - u0.bytes), (long long)(u1.elems - u0.elems));
	}
	ck_assert_msg(round < 5, "zone/kalloc use grew in every round");
	ck_assert_uint_eq(
	        OSMetaClass_getInstanceCount(OSMetaClass_getMetaClassWithCString("IOVirtualDevice")), 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("pnp_match");
	TCase *tc = ktest_tcase("pnp_match");

	tcase_add_test(tc, property_match_on_hot_added_nubs);
	tcase_add_test(tc, name_match_on_hot_added_nubs);
	tcase_add_test(tc, interrupt_lines_go_with_the_nub);
	tcase_add_test(tc, hot_plug_with_lines_returns_its_memory);
	suite_add_tcase(s, tc);
	return s;
}
