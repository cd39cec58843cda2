/*
 * test_iokit.c — kexts with I/O Kit drivers: a kext defining an IOService
 * subclass links against com.apple.kpi.iokit and its driver starts on
 * IOResources; installed in the repository (never kextload'ed) it is loaded
 * on demand when a rescan brings its personality into the catalogue;
 * unloading it by identifier is refused while its driver lives, and
 * unloading it by class (kextunload -c) terminates the driver first; a
 * rescan that no longer finds a kext takes its personalities out of the
 * catalogue.
 */
#include "tests/kext/kext_test.h"
#include <IOKit/IOService.h>
#include <IOKit/IOCatalogue.h>

#define IOLIBS "com.apple.kpi.iokit=7.0,com.apple.kpi.libkern=8.0"
#define IODRIVER_ID "com.example.iodriver"

/* A personality for KextTestDriver on provider class `provider` (IOResources waits for "IOKit"). */
static const char *
iodriver_personality(const char *provider)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
	         "\t<key>IOKitPersonalities</key>\n\t<dict>\n"
	         "\t\t<key>KextTestDriver</key>\n\t\t<dict>\n"
	         "\t\t\t<key>CFBundleIdentifier</key>\n\t\t\t<string>" IODRIVER_ID "</string>\n"
	         "\t\t\t<key>IOClass</key>\n\t\t\t<string>KextTestDriver</string>\n"
	         "\t\t\t<key>IOProviderClass</key>\n\t\t\t<string>%s</string>\n"
	         "\t\t\t<key>IOResourceMatch</key>\n\t\t\t<string>IOKit</string>\n"
	         "\t\t\t<key>IOMatchCategory</key>\n\t\t\t<string>KextTestDriver</string>\n"
	         "\t\t</dict>\n\t</dict>\n",
	         provider);
	return buf;
}

static const char *
install_iodriver(const char *provider)
{
	return kt_kext("IODriver", IODRIVER_ID, "1.0", NULL, IOLIBS, "iodriver",
	               iodriver_personality(provider));
}

/* Personalities of the kext in the catalogue. */
static unsigned int
catalogue_count(void)
{
	OSDictionary *m = OSDictionary_withCapacity(1);
	OSString *id = OSString_withCString(IODRIVER_ID);
	OSOrderedSet *found;
	SInt32 gen;
	unsigned int n;

	ck_assert(OSDictionary_setObjectCString(m, kIOBundleIdentifierKey, id));
	found = IOCatalogue_findDriversMatching(gIOCatalogue, m, &gen);
	n = found ? OSOrderedSet_getCount(found) : 0;
	OSSafeReleaseNULL(found);
	OSObject_release(m);
	OSObject_release(id);
	return n;
}

/* The started KextTestDriver (retained), or NULL. */
static IOService *
copy_driver(void)
{
	OSDictionary *m = IOService_serviceMatching("KextTestDriver", NULL);
	IOService *s;

	ck_assert_ptr_nonnull(m);
	s = IOService_copyMatchingService(m);
	OSObject_release(m);
	return s;
}

static unsigned int
instances(const char *className)
{
	const OSMetaClass *meta = OSMetaClass_getMetaClassWithCString(className);

	return meta ? OSMetaClass_getInstanceCount(meta) : 0;
}

static void
check_driver_running(void)
{
	IOService *s;

	ck_assert_int_eq(IOKitWaitQuiet(0), kIOReturnSuccess);
	s = copy_driver();
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_eq(IORegistryEntry_getPropertyCString(s, "KextTestDriverStarted"), kOSBooleanTrue);
	ck_assert_ptr_eq(IOService_getProvider(s), IOService_getResourceService());
	/* the personality became the driver's property table */
	ck_assert_str_eq(OSString_getCStringNoCopy(
	                         (OSString *)IORegistryEntry_getPropertyCString(s, kIOBundleIdentifierKey)),
	                 IODRIVER_ID);
	OSObject_release(s);
	ck_assert_uint_eq(instances("KextTestDriver"), 1);
	ck_assert_int_eq(*(int *)kt_sym(IODRIVER_ID, "iodriver_starts"), 1);
}

START_TEST(driver_kext_links_and_starts)
{
	const char *m;
	OSArray *msgs;

	(void)install_iodriver(kIOResourcesClass);
	ck_assert_int_eq(kt_load_id(IODRIVER_ID, 0, &m), kOSReturnSuccess);
	ck_assert_ptr_nonnull(OSMetaClass_getMetaClassWithCString("KextTestDriver"));
	check_driver_running();
	ck_assert_uint_eq(catalogue_count(), 1);
	/* an instance lives: the kext stays */
	ck_assert_int_eq(kt_unload(IODRIVER_ID, &m), kOSKextReturnInUse);
	ck_assert_str_eq(m, "Can't unload kext " IODRIVER_ID "; classes have instances:\n"
	                    "    Kext " IODRIVER_ID " class KextTestDriver has 1 instance.\n");
	ck_assert(kt_is_loaded(IODRIVER_ID));
	/* kextunload -c: the driver is terminated (stop runs), then the kext goes */
	msgs = OSArray_withCapacity(2);
	ck_assert_int_eq(OSKext_unloadWithClassName("KextTestDriver", 0, msgs), kOSReturnSuccess);
	OSObject_release(msgs);
	ck_assert(!kt_is_loaded(IODRIVER_ID));
	ck_assert_ptr_null(OSMetaClass_getMetaClassWithCString("KextTestDriver"));
	ck_assert_ptr_null(copy_driver());
	/* its personalities left with it: nothing reloads it */
	ck_assert_uint_eq(catalogue_count(), 0);
	ck_assert_int_eq(IOKitWaitQuiet(0), kIOReturnSuccess);
	ck_assert(!kt_is_loaded(IODRIVER_ID));
	ck_assert_int_eq(OSKext_unloadWithClassName("KextTestDriver", 0, NULL), kOSKextReturnNotFound);
}
END_TEST

START_TEST(demand_loading_on_rescan)
{
	ck_assert(!kt_is_loaded(IODRIVER_ID));
	(void)install_iodriver(kIOResourcesClass);
	/* SIGHUP: the scan brings the personality in, IOResources rematches, the kext loads */
	OSKext_rescan();
	ck_assert_int_eq(IOKitWaitQuiet(0), kIOReturnSuccess);
	ck_assert(kt_is_loaded(IODRIVER_ID));
	check_driver_running();
	/* a second rescan doesn't start a second driver (same personality, same category) */
	OSKext_rescan();
	ck_assert_int_eq(IOKitWaitQuiet(0), kIOReturnSuccess);
	ck_assert_uint_eq(instances("KextTestDriver"), 1);
	ck_assert_int_eq(kt_unload(IODRIVER_ID, NULL), kOSKextReturnInUse);
	ck_assert_int_eq(OSKext_unloadWithClassName("KextTestDriver", 0, NULL), kOSReturnSuccess);
	ck_assert(!kt_is_loaded(IODRIVER_ID));
}
END_TEST

START_TEST(rescan_drops_removed_personalities)
{
	const char *path;

	/* a provider class nothing publishes: the personality waits in the catalogue */
	path = install_iodriver("KextTestNoSuchNub");
	OSKext_rescan();
	ck_assert_uint_eq(catalogue_count(), 1);
	ck_assert(!kt_is_loaded(IODRIVER_ID));
	ck_assert_int_eq(kt_host_remove_tree(path), 0);
	OSKext_rescan();
	ck_assert_uint_eq(catalogue_count(), 0);
	/* installed again, it comes back */
	(void)install_iodriver("KextTestNoSuchNub");
	OSKext_rescan();
	ck_assert_uint_eq(catalogue_count(), 1);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kext_iokit");
	TCase *tc = kt_tcase("iokit");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, driver_kext_links_and_starts);
	tcase_add_test(tc, demand_loading_on_rescan);
	tcase_add_test(tc, rescan_drops_removed_personalities);
	suite_add_tcase(s, tc);
	return s;
}
