/*
 * test_deps.c — dependency resolution: the highest compatible version
 * (compat <= requested <= version), incompatible and missing libraries,
 * libraries without OSBundleCompatibleVersion, loops, invalid and
 * inauthentic dependencies, indirect failures, loaded libraries that can't
 * be replaced, the KPI sets' version range, com.apple.kernel and
 * com.apple.kpi.private rules, extra kexts (-d) and PlugIns, codeless
 * libraries, symbols resolved only against declared libraries, and the
 * dependency lines of a panic report.
 */
#include "tests/kext/kext_test.h"
#include "osfmk/kern/debug_internal.h"

#define NOAUTH kOSKextLoadFlagSkipAuthentication
#define LK "com.apple.kpi.libkern=8.0"

/* Three versions of com.example.lib in the repository. */
static void
three_libs(void)
{
	(void)kt_kext("Lib10", "com.example.lib", "1.0", "1.0", LK, "lib", NULL);
	(void)kt_kext("Lib15", "com.example.lib", "1.5", "1.0", LK, "lib", NULL);
	(void)kt_kext("Lib20", "com.example.lib", "2.0", "2.0", LK, "lib", NULL);
}

static const char *
client_requesting(const char *version)
{
	return kt_bundle(kt_dir, kt_fmt("Client-%s", version),
	                 kt_plist("com.example.client", "1.0", NULL, "client",
	                          kt_fmt("%s,com.example.lib=%s", LK, version), NULL),
	                 "client", "client");
}

static const char *
loaded_version(const char *id)
{
	static char buf[32];
	OSDictionary *all = OSKextCopyLoadedKextInfo(NULL, NULL);
	OSDictionary *d = OSKEXT_CAST(OSDictionary, OSDictionary_getObjectCString(all, id));
	OSString *v = d ? OSKEXT_CAST(OSString, OSDictionary_getObjectCString(d, kCFBundleVersionKey)) : NULL;

	strlcpy(buf, v ? OSString_getCStringNoCopy(v) : "(not loaded)", sizeof(buf));
	OSObject_release(all);
	return buf;
}

static void
unload_all(void)
{
	(void)kt_unload("com.example.client", NULL);
	(void)kt_unload("com.example.lib", NULL);
}

START_TEST(highest_compatible_version)
{
	const char *m;

	three_libs();
	ck_assert_int_eq(kt_load_path(client_requesting("1.2"), 0, NULL, &m), kOSReturnSuccess);
	ck_assert_str_eq(loaded_version("com.example.lib"), "1.5");
	unload_all();
	ck_assert_int_eq(kt_load_path(client_requesting("1.0"), 0, NULL, &m), kOSReturnSuccess);
	ck_assert_str_eq(loaded_version("com.example.lib"), "1.5");
	unload_all();
	ck_assert_int_eq(kt_load_path(client_requesting("2.0"), 0, NULL, &m), kOSReturnSuccess);
	ck_assert_str_eq(loaded_version("com.example.lib"), "2.0");
	ck_assert_int_eq(*(int *)kt_sym("com.example.client", "client_result"), 41);
	unload_all();
	ck_assert_str_eq(loaded_version("com.example.lib"), "(not loaded)");
}
END_TEST

START_TEST(only_incompatible_versions)
{
	const char *p, *m;
	OSReturn r;

	three_libs();
	p = client_requesting("2.5");
	ck_assert_str_eq(kt_validate(p, 0, &r), "Dependency Resolution Failures\n"
	                                        "    Only incompatible kexts found for these libraries:\n"
	                                        "        com.example.lib\n");
	ck_assert_int_eq(r, kOSKextReturnDependencies);
	ck_assert_int_eq(kt_load_path(p, 0, NULL, &m), kOSKextReturnDependencies);
	ck_assert_str_eq(
	        m, "Kext com.example.client - library kext com.example.lib not compatible with requested "
	           "version 2.5.\n"
	           "Kext com.example.client failed to load (0xdc00800e).\n");
	ck_assert_int_eq(kt_load_path(client_requesting("0.9"), 0, NULL, NULL), kOSKextReturnDependencies);
	ck_assert(!kt_is_loaded("com.example.lib"));
}
END_TEST

START_TEST(missing_library)
{
	const char *p, *m;
	OSReturn r;

	p = client_requesting("1.0");
	ck_assert_str_eq(kt_validate(p, 0, &r), "Dependency Resolution Failures\n"
	                                        "    No kexts found for these libraries:\n"
	                                        "        com.example.lib\n");
	ck_assert_int_eq(kt_load_path(p, 0, NULL, &m), kOSKextReturnDependencies);
	ck_assert_str_eq(m, "Kext com.example.client - library kext com.example.lib not found.\n"
	                    "Kext com.example.client failed to load (0xdc00800e).\n");
	/* kextutil -Z: don't resolve */
	ck_assert_str_eq(kt_validate(p, kOSKextLoadFlagNoResolve, &r), "");
	ck_assert_int_eq(r, kOSReturnSuccess);
}
END_TEST

START_TEST(library_without_compatible_version)
{
	(void)kt_kext("Lib", "com.example.lib", "1.0", NULL, LK, "lib", NULL);
	ck_assert_str_eq(kt_validate(client_requesting("1.0"), 0, NULL),
	                 "Dependency Resolution Failures\n"
	                 "    Kexts found for these libraries lack valid OSBundleCompatibleVersion:\n"
	                 "        com.example.lib\n");
}
END_TEST

START_TEST(dependency_loop)
{
	const char *m;

	(void)kt_kext("A", "com.example.a", "1.0", "1.0", LK ",com.example.b=1.0", "lib", NULL);
	(void)kt_kext("B", "com.example.b", "1.0", "1.0", LK ",com.example.a=1.0", "lib", NULL);
	ck_assert_str_eq(kt_validate(kt_fmt("%s/A.kext", kt_ext), 0, NULL),
	                 "Dependency Resolution Failures\n"
	                 "    Indirect dependencies can't be resolved:\n"
	                 "        com.example.b\n"
	                 "    Some dependencies are causing circular references:\n"
	                 "        com.example.a\n");
	ck_assert_int_eq(kt_load_id("com.example.a", 0, &m), kOSKextReturnDependencies);
	ck_assert_ptr_nonnull(strstr(m, "has a dependency loop; can't resolve dependencies.\n"));
	/* a kext that depends on itself */
	(void)kt_kext("Self", "com.example.self", "1.0", "1.0", LK ",com.example.self=1.0", "lib", NULL);
	ck_assert_int_eq(kt_load_id("com.example.self", 0, NULL), kOSKextReturnDependencies);
	ck_assert(!kt_is_loaded("com.example.a") && !kt_is_loaded("com.example.b"));
}
END_TEST

START_TEST(invalid_and_inauthentic_dependencies)
{
	const char *lib;

	(void)kt_kext("Lib", "com.example.lib", "1.0", "1.0", LK, "lib",
	              "<key>OSBundleRequired</key><string>Bogus</string>");
	ck_assert_str_eq(kt_validate(client_requesting("1.0"), 0, NULL),
	                 "Dependency Resolution Failures\n"
	                 "    Dependencies have validation problems:\n"
	                 "        com.example.lib\n");
	lib = kt_kext("Lib", "com.example.lib", "1.0", "1.0", LK, "lib", NULL);
	ck_assert_int_eq(kt_host_chmod(kt_fmt("%s/Contents/MacOS/Lib", lib), 0775), 0);
	OSKext_rescan();
	ck_assert_str_eq(kt_validate(client_requesting("1.0"), 0, NULL),
	                 "Dependency Resolution Failures\n"
	                 "    Dependencies have incorrect owner/permissions:\n"
	                 "        com.example.lib\n");
	/* kextutil -z skips authentication for the dependencies too */
	ck_assert_int_eq(kt_load_path(client_requesting("1.0"), NOAUTH, NULL, NULL), kOSReturnSuccess);
}
END_TEST

START_TEST(indirect_dependency_missing)
{
	(void)kt_kext("Lib", "com.example.lib", "1.0", "1.0", LK ",com.example.deeper=1.0", "lib", NULL);
	ck_assert_str_eq(kt_validate(client_requesting("1.0"), 0, NULL),
	                 "Dependency Resolution Failures\n"
	                 "    Indirect dependencies can't be resolved:\n"
	                 "        com.example.lib\n");
}
END_TEST

START_TEST(loaded_library_is_not_replaced)
{
	const char *m;

	(void)kt_kext("Lib10", "com.example.lib", "1.0", "1.0", LK, "lib", NULL);
	ck_assert_int_eq(kt_load_id("com.example.lib", 0, NULL), kOSReturnSuccess);
	(void)kt_kext("Lib20", "com.example.lib", "2.0", "2.0", LK, "lib", NULL);
	ck_assert_str_eq(kt_validate(client_requesting("2.0"), 0, NULL),
	                 "Dependency Resolution Failures\n"
	                 "    Kexts already loaded for these libraries are not compatible with the requested "
	                 "version:\n"
	                 "        com.example.lib\n");
	ck_assert_int_eq(kt_load_path(client_requesting("2.0"), 0, NULL, &m), kOSKextReturnDependencies);
	/* the loaded one is used when compatible */
	ck_assert_int_eq(kt_load_path(client_requesting("1.0"), 0, NULL, &m), kOSReturnSuccess);
	ck_assert_str_eq(loaded_version("com.example.lib"), "1.0");
}
END_TEST

START_TEST(kpi_version_range)
{
	static const struct {
		const char *libs;
		bool ok;
	} cases[] = {
	        {"com.apple.kpi.libkern=8.0.0d0", true}, {"com.apple.kpi.libkern=8.0.0", true},
	        {"com.apple.kpi.libkern=10.8", true},    {"com.apple.kpi.libkern=19.6", true},
	        {"com.apple.kpi.libkern=7.9", false},    {"com.apple.kpi.libkern=20.0", false},
	        {"com.apple.kpi.iokit=7.0", true},       {"com.apple.kpi.iokit=6.9", false},
	        {"com.apple.kpi.bsd=8.0.0b1", true},     {"com.apple.kpi.bsd=8.0.0d9", false},
	        {"com.apple.kpi.mach=8.0.0d0", true},    {"com.apple.kpi.unsupported=8.0.0b2", true},
	        {"com.apple.kpi.dsep=8.0.0b1", true},    {"com.apple.kpi.nothing=8.0", false},
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *p = kt_bundle(kt_dir, kt_fmt("K%u", i),
		                          kt_plist("com.example.k", "1.0", NULL, NULL, cases[i].libs, NULL),
		                          NULL, NULL);
		OSReturn r;

		(void)kt_validate(p, 0, &r);
		ck_assert_msg((r == kOSReturnSuccess) == cases[i].ok, "%s: 0x%x", cases[i].libs, r);
	}
}
END_TEST

/* These test kexts have neither executable nor compatible version. */
#define CODELESS                                                                          \
	"Warnings\n"                                                                      \
	"    Kext has no executable or compatible version, so it should not declare any " \
	"OSBundleLibraries.\n"

START_TEST(kernel_and_private_rules)
{
	const char *p, *m;

	p = kt_bundle(kt_dir, "Raw",
	              kt_plist("com.example.raw", "1.0", NULL, NULL, "com.apple.kernel=8.0", NULL), NULL,
	              NULL);
	ck_assert_str_eq(
	        kt_validate(p, 0, NULL),
	        "Dependency Resolution Failures\n"
	        "    Kexts may not link against com.apple.kernel; use either com.apple.kpi.* libraries "
	        "(recommended), or com.apple.kernel.* (for compatiblity with older releases).\n" CODELESS);
	ck_assert_int_eq(kt_load_path(p, 0, NULL, &m), kOSKextReturnDependencies);
	ck_assert_str_eq(
	        m, "Error - kext com.example.raw declares a dependency on com.apple.kernel, which is not "
	           "permitted.\n"
	           "Kext com.example.raw failed to load (0xdc00800e).\n");
	p = kt_bundle(kt_dir, "Old",
	              kt_plist("com.example.old", "1.0", NULL, NULL, "com.apple.kernel.iokit=6.0", NULL),
	              NULL, NULL);
	ck_assert_str_eq(kt_validate(p, 0, NULL), "Dependency Resolution Failures\n"
	                                          "    64-bit kexts must use com.apple.kpi.* libraries, not "
	                                          "com.apple.kernel* libraries.\n" CODELESS);
	p = kt_bundle(kt_dir, "Priv",
	              kt_plist("com.example.priv", "1.0", NULL, NULL, "com.apple.kpi.private=8.0", NULL),
	              NULL, NULL);
	ck_assert_str_eq(kt_validate(p, 0, NULL),
	                 "Dependency Resolution Failures\n"
	                 "    Only Apple kexts may link against com.apple.kpi.private.\n" CODELESS);
	ck_assert_int_eq(kt_load_path(p, 0, NULL, &m), kOSKextReturnDependencies);
	ck_assert_str_eq(m,
	                 "Error - kext com.example.priv declares a dependency on com.apple.kpi.private. Only "
	                 "Apple kexts may declare a dependency on com.apple.kpi.private.\n"
	                 "Kext com.example.priv failed to load (0xdc00800e).\n");
	p = kt_bundle(kt_dir, "ApplePriv",
	              kt_plist("com.apple.driver.priv", "1.0", NULL, NULL, "com.apple.kpi.private=8.0", NULL),
	              NULL, NULL);
	ck_assert_str_eq(kt_validate(p, 0, NULL), CODELESS);
}
END_TEST

START_TEST(dependency_paths_and_plugins)
{
	const char *lib, *client;
	struct OSKextLoadArgs a;
	OSArray *deps;
	OSString *s;

	/* A library outside the repository, named with kextload -d. */
	lib = kt_bundle(kt_dir, "Elsewhere", kt_plist("com.example.lib", "1.0", "1.0", "Elsewhere", LK, NULL),
	                "Elsewhere", "lib");
	client = client_requesting("1.0");
	ck_assert_int_eq(kt_load_path(client, 0, NULL, NULL), kOSKextReturnDependencies);
	deps = OSArray_withCapacity(1);
	s = OSString_withCString(lib);
	(void)OSArray_setObject(deps, s);
	bzero(&a, sizeof(a));
	a.path = client;
	a.dependencyPaths = deps;
	ck_assert_int_eq(OSKext_load(&a, NULL, NULL, NULL), kOSReturnSuccess);
	ck_assert(kt_is_loaded("com.example.lib"));
	unload_all();
	OSObject_release(s);
	OSObject_release(deps);

	/* A library in the client's own PlugIns. */
	(void)kt_bundle(kt_fmt("%s/Contents/PlugIns", client), "Lib",
	                kt_plist("com.example.lib", "1.0", "1.0", "Lib", LK, NULL), "Lib", "lib");
	ck_assert_int_eq(kt_load_path(client, 0, NULL, NULL), kOSReturnSuccess);
	ck_assert(kt_is_loaded("com.example.lib"));
}
END_TEST

START_TEST(codeless_library_passes_dependencies_on)
{
	/* The client links printf and lib_add through a codeless library that declares both. */
	(void)kt_kext("Lib", "com.example.lib", "1.0", "1.0", LK, "lib", NULL);
	(void)kt_kext("Umbrella", "com.example.umbrella", "1.0", "1.0", LK ",com.example.lib=1.0", NULL,
	              NULL);
	ck_assert_int_eq(kt_load_path(kt_bundle(kt_dir, "Client",
	                                        kt_plist("com.example.client", "1.0", NULL, "client",
	                                                 "com.example.umbrella=1.0", NULL),
	                                        "client", "client"),
	                              0, NULL, NULL),
	                 kOSReturnSuccess);
	ck_assert(kt_is_loaded("com.example.umbrella"));
	ck_assert_int_eq(*(int *)kt_sym("com.example.client", "client_result"), 41);
}
END_TEST

START_TEST(symbols_only_from_declared_libraries)
{
	const char *p, *m;

	/* kalloc/kfree are exported by com.apple.kpi.unsupported only. */
	p = kt_bundle(kt_dir, "U1", kt_plist("com.example.unsupported", "1.0", NULL, "u", LK, NULL), "u",
	              "unsupported");
	ck_assert_int_eq(kt_load_path(p, 0, NULL, &m), kOSKextReturnLinkError);
	ck_assert_str_eq(
	        m, "kxld[com.example.unsupported]: The following symbols are unresolved for this kext:\n"
	           "kxld[com.example.unsupported]: \tkfree\n"
	           "kxld[com.example.unsupported]: \tkalloc\n"
	           "Kext com.example.unsupported failed to load (0xdc008016).\n");
	p = kt_bundle(kt_dir, "U2",
	              kt_plist("com.example.unsupported", "1.0", NULL, "u",
	                       LK ",com.apple.kpi.unsupported=8.0", NULL),
	              "u", "unsupported");
	ck_assert_int_eq(kt_load_path(p, 0, NULL, &m), kOSReturnSuccess);
	/* a library's hidden symbols are not exported */
	{
		uintptr_t addr;

		(void)kt_kext("Lib", "com.example.lib", "1.0", "1.0", LK, "lib", NULL);
		ck_assert_int_eq(kt_load_id("com.example.lib", 0, NULL), kOSReturnSuccess);
		oskext_lock();
		ck_assert_int_eq(kxld_image_lookup(oskext_loaded_with_id("com.example.lib")->image,
		                                   "lib_hidden", &addr),
		                 ENOENT);
		oskext_unlock();
	}
}
END_TEST

/* A panic report names, under a kext in the backtrace, the libraries it links against. */
START_TEST(panic_report_lists_dependencies)
{
	char buf[2048], want[256];
	uintptr_t pc;

	three_libs();
	ck_assert_int_eq(kt_load_path(client_requesting("1.2"), 0, NULL, NULL), kOSReturnSuccess);
	oskext_lock();
	pc = kxld_image_address(oskext_loaded_with_id("com.example.client")->image) + 1;
	oskext_unlock();
	(void)panic_format_kexts_in_backtrace(buf, sizeof(buf), &pc, 1);
	ck_assert_msg(
	        strstr(buf, "      Kernel Extensions in backtrace:\n         com.example.client(1.0)[") !=
	                NULL,
	        "%s", buf);
	/* The UUID varies: compare what comes before and after it. */
	oskext_lock();
	snprintf(want, sizeof(want), "]@0x%lx\n",
	         (unsigned long)kxld_image_address(oskext_loaded_with_id("com.example.lib")->image));
	oskext_unlock();
	char *at = strstr(buf, "\n            dependency: com.example.lib(1.5)[");
	ck_assert_msg(at != NULL && strstr(at, want) != NULL, "%s", buf);
	ck_assert_int_eq(strstr(buf, "kpi.libkern") == NULL, 1); /* the KPI sets have no executable */
	unload_all();
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kext_deps");
	TCase *tc = kt_tcase("deps");

	tcase_add_test(tc, highest_compatible_version);
	tcase_add_test(tc, only_incompatible_versions);
	tcase_add_test(tc, missing_library);
	tcase_add_test(tc, library_without_compatible_version);
	tcase_add_test(tc, dependency_loop);
	tcase_add_test(tc, invalid_and_inauthentic_dependencies);
	tcase_add_test(tc, indirect_dependency_missing);
	tcase_add_test(tc, loaded_library_is_not_replaced);
	tcase_add_test(tc, kpi_version_range);
	tcase_add_test(tc, kernel_and_private_rules);
	tcase_add_test(tc, dependency_paths_and_plugins);
	tcase_add_test(tc, codeless_library_passes_dependencies_on);
	tcase_add_test(tc, symbols_only_from_declared_libraries);
	tcase_add_test(tc, panic_report_lists_dependencies);
	suite_add_tcase(s, tc);
	return s;
}
