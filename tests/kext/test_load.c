/*
 * test_load.c — the life cycle of kexts: load tags and kmod_info, start and
 * stop (constructors, destructors, libkmod's OSKextGetCurrent*), a start
 * that fails, a stop that fails, references (library clients, retains) and
 * the unload refusals, classes registered from the kext (instances block
 * unloading; duplicate class names fail), the leak report, the loaded-kext
 * information, privileges, authentication, loading by identifier from the
 * repository (with rescans), shutdown, and 1,000 load/unload cycles with
 * the kernel's memory accounting back to its baseline.
 */
#include "tests/kext/kext_test.h"
#include <kern/thread.h>
#include "osfmk/kern/zalloc_internal.h"

#define LIBS "com.apple.kpi.libkern=8.0,com.apple.kpi.unsupported=8.0"
#define LK "com.apple.kpi.libkern=8.0"

static const char *
hello(void)
{
	return kt_kext("Hello", "com.example.hello", "1.0", NULL, LIBS, "hello", NULL);
}

static OSDictionary *
info_of(const char *id)
{
	OSDictionary *all = OSKextCopyLoadedKextInfo(NULL, NULL);
	OSDictionary *d = OSKEXT_CAST(OSDictionary, OSDictionary_getObjectCString(all, id));

	if (d != NULL) {
		OSObject_retain(d);
	}
	OSObject_release(all);
	return d;
}

static unsigned long long
info_num(OSDictionary *d, const char *key)
{
	OSNumber *n = OSKEXT_CAST(OSNumber, OSDictionary_getObjectCString(d, key));

	ck_assert_msg(n != NULL, "no %s", key);
	return OSNumber_unsigned64BitValue(n);
}

START_TEST(kernel_and_kpi_pseudo_kexts)
{
	static const char *const ids[] = {
	        "__kernel__",
	        "com.apple.kpi.bsd",
	        "com.apple.kpi.dsep",
	        "com.apple.kpi.iokit",
	        "com.apple.kpi.libkern",
	        "com.apple.kpi.mach",
	        "com.apple.kpi.private",
	        "com.apple.kpi.unsupported",
	};
	static const char *const compat[] = {NULL,      "8.0.0b1", "8.0.0b1", "7.0",
	                                     "8.0.0d0", "8.0.0d0", "8.0.0b1", "8.0.0b1"};
	OSDictionary *all = OSKextCopyLoadedKextInfo(NULL, NULL);
	OSArray *keys = OSDictionary_copyKeys(all);

	ck_assert_uint_eq(OSArray_getCount(keys), 8);
	for (unsigned int i = 0; i < 8; i++) {
		OSDictionary *d = OSKEXT_CAST(OSDictionary, OSDictionary_getObjectCString(all, ids[i]));
		OSString *v;

		ck_assert_msg(d != NULL, "%s", ids[i]);
		ck_assert(OSSymbol_isEqualToCString((OSSymbol *)OSArray_getObject(keys, i), ids[i]));
		ck_assert_uint_eq(info_num(d, kOSBundleLoadTagKey), i);
		v = OSKEXT_CAST(OSString, OSDictionary_getObjectCString(d, kCFBundleVersionKey));
		ck_assert_str_eq(OSString_getCStringNoCopy(v), OSKext_kernelVersion());
		ck_assert_ptr_eq(OSDictionary_getObjectCString(d, kOSKernelResourceKey), kOSBooleanTrue);
		ck_assert_ptr_eq(OSDictionary_getObjectCString(d, kOSBundleIsInterfaceKey),
		                 i == 0 ? kOSBooleanFalse : kOSBooleanTrue);
		v = OSKEXT_CAST(OSString, OSDictionary_getObjectCString(d, kOSBundleCompatibleVersionKey));
		if (compat[i] == NULL) {
			ck_assert_ptr_null(v);
		} else {
			ck_assert_str_eq(OSString_getCStringNoCopy(v), compat[i]);
		}
	}
	ck_assert_int_eq(OSKext_unloadWithIdentifier("com.apple.kpi.bsd", 0, NULL),
	                 kOSKextReturnInvalidArgument);
	OSObject_release(keys);
	OSObject_release(all);
}
END_TEST

START_TEST(load_start_stop_unload)
{
	OSKextLoadTag tag = 0;
	OSDictionary *d;
	OSArray *deps;
	OSData *uuid;
	const char *m, *p = hello();

	ck_assert_int_eq(kt_load_path(p, 0, &tag, &m), kOSReturnSuccess);
	ck_assert_str_eq(m, "");
	ck_assert_uint_eq(tag, 8); /* after the kernel (0) and the seven KPI pseudo-kexts */
	ck_assert_int_eq(*(int *)kt_sym("com.example.hello", "hello_started"), 1);
	ck_assert_int_eq(*(int *)kt_sym("com.example.hello", "hello_ctors"), 1);
	ck_assert_int_eq(*(int *)kt_sym("com.example.hello", "hello_dtors"), 0);
	ck_assert_uint_eq(*(OSKextLoadTag *)kt_sym("com.example.hello", "hello_tag"), tag);
	ck_assert_str_eq(*(const char **)kt_sym("com.example.hello", "hello_id"), "com.example.hello");
	ck_assert_str_eq(*(const char **)kt_sym("com.example.hello", "hello_version"), "1.0");
	/* kmod_info as the kext sees it */
	{
		kmod_info_t *ki;

		oskext_lock();
		ki = oskext_loaded_with_id("com.example.hello")->kmodInfo;
		oskext_unlock();
		ck_assert_uint_eq(ki->id, tag);
		ck_assert_int_eq(ki->info_version, KMOD_INFO_VERSION);
		ck_assert_str_eq(ki->name, "com.example.hello");
		ck_assert_uint_ne(ki->address, 0);
		ck_assert_uint_ge(ki->size, 4096);
		ck_assert_uint_eq(ki->reference_count, 0);
		ck_assert_ptr_null(ki->reference_list); /* the KPI pseudo-kexts have no kmod_info */
	}
	d = info_of("com.example.hello");
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(info_num(d, kOSBundleLoadTagKey), tag);
	ck_assert_uint_ne(info_num(d, kOSBundleLoadAddressKey), 0);
	ck_assert_uint_ge(info_num(d, kOSBundleLoadSizeKey), 4096);
	ck_assert_uint_eq(info_num(d, kOSBundleWiredSizeKey), info_num(d, kOSBundleLoadSizeKey));
	ck_assert_uint_eq(info_num(d, kOSBundleRetainCountKey), 0);
	ck_assert_ptr_eq(OSDictionary_getObjectCString(d, kOSBundleStartedKey), kOSBooleanTrue);
	ck_assert_ptr_eq(OSDictionary_getObjectCString(d, kOSKernelResourceKey), kOSBooleanFalse);
	ck_assert(OSString_isEqualToCString(
	        OSKEXT_CAST(OSString, OSDictionary_getObjectCString(d, kOSBundlePathKey)), p));
	uuid = OSKEXT_CAST(OSData, OSDictionary_getObjectCString(d, kOSBundleUUIDKey));
	ck_assert_ptr_nonnull(uuid);
	ck_assert_uint_eq(OSData_getLength(uuid), 16);
	deps = OSKEXT_CAST(OSArray, OSDictionary_getObjectCString(d, kOSBundleDependenciesKey));
	ck_assert_uint_eq(OSArray_getCount(deps), 2);
	ck_assert_uint_eq(OSNumber_unsigned32BitValue((OSNumber *)OSArray_getObject(deps, 0)),
	                  4); /* libkern */
	ck_assert_uint_eq(OSNumber_unsigned32BitValue((OSNumber *)OSArray_getObject(deps, 1)),
	                  7); /* unsupported */
	OSObject_release(d);
	/* the KPI sets count their clients */
	d = info_of("com.apple.kpi.libkern");
	ck_assert_uint_eq(info_num(d, kOSBundleRetainCountKey), 1);
	OSObject_release(d);

	ck_assert_int_eq(kt_unload("com.example.hello", &m), kOSReturnSuccess);
	ck_assert_str_eq(m, ""); /* no leak report: stop freed everything */
	ck_assert(!kt_is_loaded("com.example.hello"));
	ck_assert_int_eq(kt_unload("com.example.hello", &m), kOSKextReturnNotFound);
	ck_assert_str_eq(m, "Kext com.example.hello not found for unload request.\n");
	/* a reload gets a new tag */
	ck_assert_int_eq(kt_load_path(p, 0, &tag, NULL), kOSReturnSuccess);
	ck_assert_uint_eq(tag, 9);
}
END_TEST

START_TEST(start_failure_unmaps)
{
	const char *m;
	size_t reserved, used0, used1;
	unsigned int n0, n1;

	kxld_region_stats(&reserved, &used0, &n0);
	(void)kt_kext("Fail", "com.example.failstart", "1.0", NULL, LK, "failstart", NULL);
	ck_assert_int_eq(kt_load_id("com.example.failstart", 0, &m), kOSKextReturnStartStopError);
	ck_assert_str_eq(
	        m, "Kext com.example.failstart did not start (return code 0x5).\n"
	           "Kext com.example.failstart start failed (result 0x5).\n"
	           "Kext com.example.failstart did not free all its memory:\n"
	           "    OSMalloc tag com.example.failstart.tag: 32 bytes in 1 allocation (tag not freed)\n"
	           "Kext com.example.failstart failed to load (0xdc008017).\n");
	ck_assert(!kt_is_loaded("com.example.failstart"));
	kxld_region_stats(&reserved, &used1, &n1);
	ck_assert_uint_eq(used1, used0);
	ck_assert_uint_eq(n1, n0);
}
END_TEST

START_TEST(stop_failure_keeps_kext_loaded)
{
	const char *m;

	ck_assert_int_eq(kt_load_path(hello(), 0, NULL, NULL), kOSReturnSuccess);
	*(int *)kt_sym("com.example.hello", "hello_stop_result") = 5;
	ck_assert_int_eq(kt_unload("com.example.hello", &m), kOSKextReturnStartStopError);
	ck_assert_str_eq(m, "Kext com.example.hello did not stop (return code 0x5).\n"
	                    "Kext com.example.hello can't unload - module stop returned 0xdc008017.\n");
	ck_assert(kt_is_loaded("com.example.hello"));
	ck_assert_int_eq(*(int *)kt_sym("com.example.hello", "hello_dtors"), 0);
	*(int *)kt_sym("com.example.hello", "hello_stop_result") = 0;
	ck_assert_int_eq(kt_unload("com.example.hello", &m), kOSReturnSuccess);
}
END_TEST

START_TEST(references_block_unload)
{
	const char *m;
	OSKextLoadTag tag;
	OSDictionary *d;

	(void)kt_kext("Lib", "com.example.lib", "1.0", "1.0", LK, "lib", NULL);
	(void)kt_kext("Client", "com.example.client", "1.0", NULL, LK ",com.example.lib=1.0", "client", NULL);
	ck_assert_int_eq(kt_load_id("com.example.client", 0, NULL), kOSReturnSuccess);
	ck_assert(kt_is_loaded("com.example.lib"));
	d = info_of("com.example.lib");
	ck_assert_uint_eq(info_num(d, kOSBundleRetainCountKey), 1);
	tag = (OSKextLoadTag)info_num(d, kOSBundleLoadTagKey);
	OSObject_release(d);
	/* kmod_info's bookkeeping, as debuggers read it */
	{
		kmod_info_t *lib, *client;

		oskext_lock();
		lib = oskext_loaded_with_id("com.example.lib")->kmodInfo;
		client = oskext_loaded_with_id("com.example.client")->kmodInfo;
		oskext_unlock();
		ck_assert_int_eq(lib->reference_count, 1);
		ck_assert_ptr_nonnull(client->reference_list);
		ck_assert_ptr_eq(client->reference_list->info, lib);
		ck_assert_ptr_null(client->reference_list->next);
		ck_assert_ptr_eq(client->next, lib); /* the kmod list: newest first */
	}
	ck_assert_int_eq(kt_unload("com.example.lib", &m), kOSKextReturnInUse);
	ck_assert_str_eq(m, "Can't unload kext com.example.lib; outstanding references (linkage or tracking "
	                    "object).\n");
	/* unloading from the middle of the kmod list keeps it linked */
	ck_assert_int_eq(kt_load_path(hello(), 0, NULL, NULL), kOSReturnSuccess);
	ck_assert_int_eq(kt_unload("com.example.client", NULL), kOSReturnSuccess);
	oskext_lock();
	ck_assert_ptr_eq(oskext_loaded_with_id("com.example.hello")->kmodInfo->next,
	                 oskext_loaded_with_id("com.example.lib")->kmodInfo);
	oskext_unlock();
	ck_assert_int_eq(kt_unload("com.example.hello", NULL), kOSReturnSuccess);
	/* an explicit retain blocks it too */
	ck_assert_int_eq(OSKextRetainKextWithLoadTag(tag), kOSReturnSuccess);
	ck_assert_int_eq(kt_unload("com.example.lib", NULL), kOSKextReturnInUse);
	ck_assert_int_eq(OSKextReleaseKextWithLoadTag(tag), kOSReturnSuccess);
	ck_assert_int_eq(OSKextReleaseKextWithLoadTag(tag), kOSKextReturnInvalidArgument);
	ck_assert_int_eq(OSKextRetainKextWithLoadTag(kOSKextInvalidLoadTag), kOSKextReturnInvalidArgument);
	ck_assert_int_eq(OSKextRetainKextWithLoadTag(4000), kOSKextReturnNotFound);
	ck_assert_int_eq(OSKext_unloadWithLoadTag(tag, 0, NULL), kOSReturnSuccess);
	ck_assert(!kt_is_loaded("com.example.lib"));
}
END_TEST

START_TEST(classes_and_instances)
{
	const char *m;
	int (*make)(void);
	void (*drop)(void);
	const OSMetaClass *meta;

	(void)kt_kext("Classes", "com.example.classes", "1.0", NULL, LK, "classes", NULL);
	ck_assert_int_eq(kt_load_id("com.example.classes", 0, NULL), kOSReturnSuccess);
	meta = OSMetaClass_getMetaClassWithCString("KextTestObject");
	ck_assert_ptr_nonnull(meta);
	oskext_lock();
	ck_assert_ptr_eq(OSMetaClass_getKmod(meta), oskext_loaded_with_id("com.example.classes"));
	oskext_unlock();
	make = (int (*)(void))kt_sym("com.example.classes", "classes_make");
	drop = (void (*)(void))kt_sym("com.example.classes", "classes_drop");
	ck_assert_int_eq(make(), 0);
	ck_assert_int_eq(kt_unload("com.example.classes", &m), kOSKextReturnInUse);
	ck_assert_str_eq(m, "Can't unload kext com.example.classes; classes have instances:\n"
	                    "    Kext com.example.classes class KextTestObject has 1 instance.\n");
	/* a second kext defining the same class name fails to start */
	(void)kt_kext("Dup", "com.example.dupclass", "1.0", NULL, LK, "dupclass", NULL);
	ck_assert_int_eq(kt_load_id("com.example.dupclass", 0, &m), kOSKextReturnStartStopError);
	ck_assert_ptr_nonnull(strstr(m, "Kext com.example.dupclass failed to register its classes"));
	ck_assert(!kt_is_loaded("com.example.dupclass"));
	drop();
	ck_assert_int_eq(OSKext_unloadWithClassName("KextTestObject", 0, NULL), kOSReturnSuccess);
	ck_assert_ptr_null(OSMetaClass_getMetaClassWithCString("KextTestObject"));
	ck_assert_int_eq(OSKext_unloadWithClassName("KextTestObject", 0, NULL), kOSKextReturnNotFound);
	/* with the first one gone the other loads */
	ck_assert_int_eq(kt_load_id("com.example.dupclass", 0, NULL), kOSReturnSuccess);
}
END_TEST

START_TEST(leak_report)
{
	const char *m;

	ck_assert_int_eq(kt_load_path(hello(), 0, NULL, NULL), kOSReturnSuccess);
	*(int *)kt_sym("com.example.hello", "hello_leak") = 1;
	ck_assert_int_eq(kt_unload("com.example.hello", &m), kOSReturnSuccess);
	ck_assert_str_eq(m,
	                 "Kext com.example.hello did not free all its memory:\n"
	                 "    OSMalloc tag com.example.hello.tag: 96 bytes in 1 allocation (tag not freed)\n"
	                 "    kalloc: 64 bytes\n");
	/* the leaked tag is not blamed on the next kext mapped at the same place */
	ck_assert_int_eq(kt_load_path(hello(), 0, NULL, NULL), kOSReturnSuccess);
	ck_assert_int_eq(kt_unload("com.example.hello", &m), kOSReturnSuccess);
	ck_assert_str_eq(m, "");
}
END_TEST

START_TEST(info_filters)
{
	OSArray *ids = OSArray_withCapacity(1), *keys = OSArray_withCapacity(1);
	OSString *id = OSString_withCString("com.example.hello"),
	         *key = OSString_withCString(kOSBundleLoadTagKey);
	OSDictionary *all, *d;

	ck_assert_int_eq(kt_load_path(hello(), kOSKextLoadFlagNoStart, NULL, NULL), kOSReturnSuccess);
	ck_assert_int_eq(*(int *)kt_sym("com.example.hello", "hello_started"), 0);
	(void)OSArray_setObject(ids, id);
	(void)OSArray_setObject(keys, key);
	all = OSKextCopyLoadedKextInfo(ids, keys);
	ck_assert_uint_eq(OSDictionary_getCount(all), 1);
	d = OSKEXT_CAST(OSDictionary, OSDictionary_getObjectCString(all, "com.example.hello"));
	ck_assert_uint_eq(OSDictionary_getCount(d), 1);
	ck_assert_uint_eq(info_num(d, kOSBundleLoadTagKey), 8);
	OSObject_release(all);
	d = info_of("com.example.hello");
	ck_assert_ptr_eq(OSDictionary_getObjectCString(d, kOSBundleStartedKey), kOSBooleanFalse);
	OSObject_release(d);
	ck_assert_int_eq(kt_unload("com.example.hello", NULL), kOSReturnSuccess);
	OSObject_release(id);
	OSObject_release(key);
	OSObject_release(ids);
	OSObject_release(keys);
}
END_TEST

START_TEST(missing_kmod_info)
{
	const char *m;

	(void)kt_kext("NoKmod", "com.example.nokmod", "1.0", NULL, LK, "nokmod", NULL);
	ck_assert_int_eq(kt_load_id("com.example.nokmod", kOSKextLoadFlagSkipAuthentication, &m),
	                 kOSKextReturnLinkError);
	ck_assert_str_eq(m, "kxld[com.example.nokmod]: The kext is missing its kmod_info structure.\n"
	                    "Kext com.example.nokmod failed to load (0xdc008016).\n");
}
END_TEST

START_TEST(privileges)
{
	struct OSKextLoadArgs a = {.path = hello(), .uid = 501};
	const char *p;

	ck_assert_int_eq(OSKext_load(&a, NULL, NULL, NULL), kOSKextReturnNotPrivileged);
	ck_assert(!kt_is_loaded("com.example.hello"));
	p = kt_kext("Hello", "com.example.hello", "1.0", NULL, LIBS, "hello",
	            "<key>OSBundleAllowUserLoad</key><true/>");
	a.path = p;
	ck_assert_int_eq(OSKext_load(&a, NULL, NULL, NULL), kOSReturnSuccess);
	ck_assert_int_eq(OSKext_unloadWithIdentifier("com.example.hello", 501, NULL),
	                 kOSKextReturnNotPrivileged);
	ck_assert_int_eq(OSKext_unloadWithIdentifier("com.example.hello", 0, NULL), kOSReturnSuccess);
	/* every kext in the load list must allow it: the library doesn't */
	(void)kt_kext("Lib", "com.example.lib", "1.0", "1.0", LK, "lib", NULL);
	a.path = kt_bundle(kt_dir, "Client",
	                   kt_plist("com.example.client", "1.0", NULL, "client", LK ",com.example.lib=1.0",
	                            "<key>OSBundleAllowUserLoad</key><true/>"),
	                   "client", "client");
	ck_assert_int_eq(OSKext_load(&a, NULL, NULL, NULL), kOSKextReturnNotPrivileged);
	ck_assert(!kt_is_loaded("com.example.lib"));
}
END_TEST

START_TEST(authentication)
{
	const char *p = hello(), *m;
	OSDictionary *diag = OSDictionary_withCapacity(2);
	struct OSKextLoadArgs a = {.path = p};

	ck_assert_int_eq(kt_host_chmod(kt_fmt("%s/Contents/MacOS/Hello", p), 0775), 0);
	ck_assert_int_eq(kt_host_chown(kt_fmt("%s/Contents", p), 501, 0), 0);
	ck_assert_int_eq(OSKext_load(&a, NULL, diag, NULL), kOSKextReturnAuthentication);
	ck_assert_str_eq(kt_diag_text(diag),
	                 kt_fmt("Authentication Failures\n"
	                        "    File owner/permissions are incorrect (must be root:wheel, "
	                        "nonwritable by group/other):\n"
	                        "        %s/Contents\n"
	                        "        %s/Contents/MacOS/Hello\n",
	                        p, p));
	ck_assert_int_eq(kt_load_path(p, 0, NULL, &m), kOSKextReturnAuthentication);
	ck_assert_str_eq(m, "Kext com.example.hello failed authentication.\n"
	                    "Kext com.example.hello failed to load (0xdc00800d).\n");
	/* kextutil -z */
	ck_assert_int_eq(kt_load_path(p, kOSKextLoadFlagSkipAuthentication, NULL, NULL), kOSReturnSuccess);
	ck_assert_int_eq(kt_unload("com.example.hello", NULL), kOSReturnSuccess);
	/* fixed permissions are seen at the next request */
	ck_assert_int_eq(kt_host_chmod(kt_fmt("%s/Contents/MacOS/Hello", p), 0755), 0);
	ck_assert_int_eq(kt_host_chown(kt_fmt("%s/Contents", p), 0, 0), 0);
	ck_assert_int_eq(kt_load_path(p, 0, NULL, NULL), kOSReturnSuccess);
	/* symbolic links are not followed, only warned about */
	ck_assert_int_eq(kt_host_symlink("/etc/passwd", kt_fmt("%s/Contents/Resources-link", p)), 0);
	ck_assert_str_eq(
	        kt_validate(p, 0, NULL),
	        kt_fmt("Warnings\n"
	               "    The booter does not recognize symbolic links; confirm these files/directories "
	               "aren't needed for startup:\n"
	               "        %s/Contents/Resources-link\n",
	               p));
	OSObject_release(diag);
}
END_TEST

static void
dev_mode_boot(void)
{
	ktest_boot_args = "kext-dev-mode=1";
	ktest_boot();
	kt_setup();
}

static void
dev_mode_shutdown(void)
{
	kt_teardown();
	ktest_shutdown();
}

START_TEST(dev_mode_skips_authentication)
{
	const char *p = hello();

	ck_assert_int_eq(kt_host_chmod(kt_fmt("%s/Contents/MacOS/Hello", p), 0777), 0);
	ck_assert_int_eq(kt_load_path(p, 0, NULL, NULL), kOSReturnSuccess);
}
END_TEST

START_TEST(load_by_identifier_and_rescan)
{
	const char *m;
	OSKextLoadTag t1 = 0, t2 = 0;
	struct OSKextLoadArgs a = {.bundleID = "com.example.hello"};
	OSDictionary *d;

	ck_assert_int_eq(kt_load_id("com.example.hello", 0, &m), kOSKextReturnNotFound);
	ck_assert_str_eq(m, "Can't load kext com.example.hello - not found.\n");
	/* installing into Extensions changes its mtime: the next request rescans */
	(void)kt_kext("Hello1", "com.example.hello", "1.0", NULL, LIBS, "hello", NULL);
	(void)kt_kext("Hello2", "com.example.hello", "1.1", NULL, LIBS, "hello", NULL);
	ck_assert_int_eq(OSKext_load(&a, &t1, NULL, NULL), kOSReturnSuccess);
	d = info_of("com.example.hello");
	ck_assert(OSString_isEqualToCString(
	        OSKEXT_CAST(OSString, OSDictionary_getObjectCString(d, kCFBundleVersionKey)), "1.1"));
	OSObject_release(d);
	/* loaded already: success, same tag */
	ck_assert_int_eq(OSKext_load(&a, &t2, NULL, NULL), kOSReturnSuccess);
	ck_assert_uint_eq(t1, t2);
	ck_assert_int_eq(OSKextLoadKextWithIdentifier("com.example.hello"), kOSReturnSuccess);
	ck_assert_int_eq(kt_load_path(kt_fmt("%s/Hello2.kext", kt_ext), 0, &t2, NULL), kOSReturnSuccess);
	ck_assert_uint_eq(t1, t2);
	/* another version by path is refused */
	ck_assert_int_eq(kt_load_path(kt_fmt("%s/Hello1.kext", kt_ext), 0, NULL, &m),
	                 kOSKextReturnLoadedVersionDiffers);
	ck_assert_str_eq(
	        m, "Refusing new kext com.example.hello, v1.0: a loaded copy with version v1.1 exists.\n"
	           "Kext com.example.hello failed to load (0xdc008014).\n");
	/* SIGHUP's rescan */
	OSKext_rescan();
	ck_assert_int_eq(kt_unload("com.example.hello", NULL), kOSReturnSuccess);
}
END_TEST

START_TEST(shutdown_stops_in_reverse_order)
{
	int *stopped;

	ck_assert_int_eq(kt_load_path(hello(), 0, NULL, NULL), kOSReturnSuccess);
	(void)kt_kext("Lib", "com.example.lib", "1.0", "1.0", LK, "lib", NULL);
	(void)kt_kext("Client", "com.example.client", "1.0", NULL, LK ",com.example.lib=1.0", "client", NULL);
	ck_assert_int_eq(kt_load_id("com.example.client", 0, NULL), kOSReturnSuccess);
	stopped = kt_sym("com.example.hello", "hello_stopped");
	OSKext_shutdown();
	ck_assert_int_eq(*stopped, 1);
	OSKext_shutdown(); /* idempotent */
	ck_assert_int_eq(*stopped, 1);
}
END_TEST

/* ---- 1,000 load/unload cycles --------------------------------------------------------- */

struct kt_usage {
	uint64_t zone_bytes;
	uint64_t zone_elems;
};

static void
kt_zone_sum(const struct zone_info *zi, void *ctx)
{
	struct kt_usage *u = ctx;

	u->zone_bytes += zi->zi_bytes_in_use;
	u->zone_elems += zi->zi_elems_in_use;
}

static struct kt_usage
kt_usage_now(void)
{
	struct kt_usage u = {0, 0};
	uint64_t n, bytes;

	zone_info_iterate(kt_zone_sum, &u);
	kalloc_large_stats(&n, &bytes);
	u.zone_bytes += bytes;
	u.zone_elems += n;
	return u;
}

START_TEST(thousand_cycles_back_to_baseline)
{
	const char *p = hello();
	struct kt_usage before, after;
	size_t reserved, used0, used1;
	unsigned int n0, n1, syms0;
	uint64_t t0;

	/* one cycle first: lazily created state (kxld's region, lock groups) is not a leak */
	ck_assert_int_eq(kt_load_path(p, 0, NULL, NULL), kOSReturnSuccess);
	ck_assert_int_eq(kt_unload("com.example.hello", NULL), kOSReturnSuccess);
	kxld_region_stats(&reserved, &used0, &n0);
	syms0 = OSSymbol_poolCount();
	before = kt_usage_now();
	t0 = khost_uptime_ns();
	for (int i = 0; i < 1000; i++) {
		OSKextLoadTag tag;

		ck_assert_int_eq(kt_load_path(p, 0, &tag, NULL), kOSReturnSuccess);
		ck_assert_uint_eq(tag, 9 + (unsigned)i);
		ck_assert_int_eq(kt_unload("com.example.hello", NULL), kOSReturnSuccess);
	}
	printf("1000 load/start/stop/unload cycles: %llu us each\n",
	       (unsigned long long)((khost_uptime_ns() - t0) / 1000 / 1000));
	after = kt_usage_now();
	kxld_region_stats(&reserved, &used1, &n1);
	ck_assert_uint_eq(used1, used0);
	ck_assert_uint_eq(n1, n0);
	ck_assert_uint_eq(OSSymbol_poolCount(), syms0);
	ck_assert_msg(after.zone_bytes == before.zone_bytes && after.zone_elems == before.zone_elems,
	              "zone/kalloc use %llu bytes in %llu elements, was %llu in %llu",
	              (unsigned long long)after.zone_bytes, (unsigned long long)after.zone_elems,
	              (unsigned long long)before.zone_bytes, (unsigned long long)before.zone_elems);
}
END_TEST

/* ---- concurrency ---------------------------------------------------------------------- */

#define CONC_THREADS 4
#define CONC_ROUNDS 40

struct conc_race {
	uint32_t done;
	uint32_t errors;
	char paths[CONC_THREADS][256];
	uint32_t next;
};

static void
conc_thread(void *arg, wait_result_t wr)
{
	struct conc_race *r = arg;
	uint32_t me = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED);
	char id[64];

	snprintf(id, sizeof(id), "com.example.conc%u", me);
	for (int i = 0; i < CONC_ROUNDS; i++) {
		struct OSKextLoadArgs a = {.path = r->paths[me]};
		OSDictionary *info;
		OSArray *repo;

		if (OSKext_load(&a, NULL, NULL, NULL) != kOSReturnSuccess) {
			__atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
			continue;
		}
		info = OSKextCopyLoadedKextInfo(NULL, NULL);
		if (info == NULL || OSDictionary_getObjectCString(info, id) == NULL) {
			__atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
		}
		OSSafeReleaseNULL(info);
		if (i % 8 == 0) {
			repo = OSKext_copyRepositoryKexts(NULL);
			OSSafeReleaseNULL(repo);
			OSKext_rescan();
		}
		if (OSKext_unloadWithIdentifier(id, 0, NULL) != kOSReturnSuccess) {
			__atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
		}
	}
	__atomic_fetch_add(&r->done, 1, __ATOMIC_RELEASE);
}

START_TEST(concurrent_loads_and_unloads)
{
	static struct conc_race r;
	size_t reserved, used0, used1;
	unsigned int n0, n1;
	uint64_t end;
	thread_t th;

	bzero(&r, sizeof(r));
	for (int i = 0; i < CONC_THREADS; i++) {
		const char *p = kt_kext(kt_fmt("Conc%d", i), kt_fmt("com.example.conc%d", i), "1.0", NULL,
		                        "com.apple.kpi.libkern=8.0", "benchkext", NULL);

		strlcpy(r.paths[i], p, sizeof(r.paths[i]));
	}
	kxld_region_stats(&reserved, &used0, &n0);
	for (int i = 0; i < CONC_THREADS; i++) {
		ck_assert_int_eq(kernel_thread_start(conc_thread, &r, &th), KERN_SUCCESS);
		thread_deallocate(th);
	}
	end = khost_uptime_ns() + 100000000000ull;
	while (__atomic_load_n(&r.done, __ATOMIC_ACQUIRE) < CONC_THREADS && khost_uptime_ns() < end) {
		khost_thread_yield();
	}
	ck_assert_uint_eq(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE), CONC_THREADS);
	ck_assert_uint_eq(r.errors, 0);
	kxld_region_stats(&reserved, &used1, &n1);
	ck_assert_uint_eq(used1, used0);
	ck_assert_uint_eq(n1, n0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kext_load");
	TCase *tc = kt_tcase("load");
	TCase *dev = ktest_tcase_noboot("dev_mode");
	TCase *cycles = kt_tcase("cycles");
	TCase *conc = kt_tcase("concurrency");

	tcase_add_test(tc, kernel_and_kpi_pseudo_kexts);
	tcase_add_test(tc, load_start_stop_unload);
	tcase_add_test(tc, start_failure_unmaps);
	tcase_add_test(tc, stop_failure_keeps_kext_loaded);
	tcase_add_test(tc, references_block_unload);
	tcase_add_test(tc, classes_and_instances);
	tcase_add_test(tc, leak_report);
	tcase_add_test(tc, info_filters);
	tcase_add_test(tc, missing_kmod_info);
	tcase_add_test(tc, privileges);
	tcase_add_test(tc, authentication);
	tcase_add_test(tc, load_by_identifier_and_rescan);
	tcase_add_test(tc, shutdown_stops_in_reverse_order);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(dev, dev_mode_boot, dev_mode_shutdown);
	tcase_add_test(dev, dev_mode_skips_authentication);
	suite_add_tcase(s, dev);
	tcase_set_timeout(cycles, 120);
	tcase_add_test(cycles, thousand_cycles_back_to_baseline);
	suite_add_tcase(s, cycles);
	tcase_set_timeout(conc, 120);
	tcase_add_test(conc, concurrent_loads_and_unloads);
	suite_add_tcase(s, conc);
	return s;
}
