/*
 * test_validate.c — Info.plist validation, one rule per test, with the
 * exact diagnostics kextutil prints (group, diagnostic, details); XML and
 * binary property lists; IOKitPersonalities kept in the info dictionary;
 * nested kexts found in Contents/PlugIns.
 */
#include "tests/kext/kext_test.h"
#include <plist/plist.h>

#define LIBS "com.apple.kpi.libkern=8.0,com.apple.kpi.unsupported=8.0"
#define NOAUTH kOSKextLoadFlagSkipAuthentication

/* A bundle with a raw Info.plist text and the hello executable. */
static const char *
raw_bundle(const char *name, const char *plist)
{
	return kt_bundle(kt_dir, name, plist, "hello", "hello");
}

START_TEST(valid_kext_has_no_diagnostics)
{
	const char *p =
	        kt_bundle(kt_dir, "Hello", kt_plist("com.example.hello", "1.0", NULL, "hello", LIBS, NULL),
	                  "hello", "hello");
	OSReturn r;

	ck_assert_str_eq(kt_validate(p, 0, &r), "");
	ck_assert_int_eq(r, kOSReturnSuccess);
}
END_TEST

START_TEST(missing_required_properties)
{
	const char *p = raw_bundle("Bare", "<plist version=\"1.0\"><dict>"
	                                   "<key>CFBundleExecutable</key><string>hello</string>"
	                                   "</dict></plist>");
	OSReturn r;

	ck_assert_str_eq(kt_validate(p, NOAUTH, &r), "Validation Failures\n"
	                                             "    Info dictionary missing required property/value:\n"
	                                             "        CFBundlePackageType\n"
	                                             "        CFBundleIdentifier\n"
	                                             "        CFBundleVersion\n"
	                                             "        OSBundleLibraries\n");
	ck_assert_int_eq(r, kOSKextReturnValidation);
}
END_TEST

START_TEST(package_type_must_be_kext)
{
	const char *p = raw_bundle("App", "<plist version=\"1.0\"><dict>"
	                                  "<key>CFBundlePackageType</key><string>APPL</string>"
	                                  "<key>CFBundleIdentifier</key><string>com.example.app</string>"
	                                  "<key>CFBundleVersion</key><string>1.0</string>"
	                                  "</dict></plist>");

	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL), "Validation Failures\n"
	                                               "    Info dictionary property value is illegal:\n"
	                                               "        CFBundlePackageType\n");
}
END_TEST

START_TEST(property_types)
{
	const char *p = raw_bundle("Types", "<plist version=\"1.0\"><dict>"
	                                    "<key>CFBundlePackageType</key><string>KEXT</string>"
	                                    "<key>CFBundleIdentifier</key><integer>7</integer>"
	                                    "<key>CFBundleVersion</key><string>1.0</string>"
	                                    "<key>OSBundleRequired</key><true/>"
	                                    "<key>OSBundleAllowUserLoad</key><string>yes</string>"
	                                    "<key>OSBundleLibraries</key><array/>"
	                                    "</dict></plist>");

	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL),
	                 "Validation Failures\n"
	                 "    Info dictionary property value is of illegal type:\n"
	                 "        CFBundleIdentifier\n"
	                 "        OSBundleRequired\n"
	                 "        OSBundleAllowUserLoad\n"
	                 "        OSBundleLibraries\n");
}
END_TEST

START_TEST(identifier_length_limit)
{
	/* 63 characters is the longest identifier kmod_info can hold (KMOD_MAX_NAME - 1). */
	char id63[64], id64[65];
	const char *p;

	memset(id63, 'a', 63);
	memcpy(id63, "com.x.", 6);
	id63[63] = '\0';
	memset(id64, 'a', 64);
	memcpy(id64, "com.x.", 6);
	id64[64] = '\0';
	p = kt_bundle(kt_dir, "Len63", kt_plist(id63, "1.0", NULL, NULL, NULL, NULL), NULL, NULL);
	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL), "");
	p = kt_bundle(kt_dir, "Len64", kt_plist(id64, "1.0", NULL, NULL, NULL, NULL), NULL, NULL);
	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL),
	                 "Validation Failures\n"
	                 "    CFBundleIdentifier and CFBundleVersion must be < 64 characters.\n");
}
END_TEST

START_TEST(invalid_versions)
{
	const char *p = kt_bundle(kt_dir, "BadVers",
	                          kt_plist("com.example.badvers", "1.0x", "0.5", "hello",
	                                   "com.apple.kpi.libkern=8.0b,com.apple.kpi.bsd=8.0", NULL),
	                          "hello", "hello");

	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL),
	                 "Validation Failures\n"
	                 "    Info dictionary property value is illegal:\n"
	                 "        CFBundleVersion\n"
	                 "        OSBundleLibraries -> com.apple.kpi.libkern\n");
}
END_TEST

START_TEST(compatible_version_later_than_version)
{
	const char *p = kt_bundle(kt_dir, "Compat",
	                          kt_plist("com.example.compat", "1.0", "2.0", NULL, NULL, NULL), NULL, NULL);
	OSDictionary *info = NULL;
	struct OSKextLoadArgs a = {.path = p, .flags = NOAUTH};

	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL),
	                 "Validation Failures\n"
	                 "    Compatible version must be lower than current version.\n");
	/* equal is fine: a library compatible only with itself */
	p = kt_bundle(kt_dir, "Compat2", kt_plist("com.example.compat2", "2.0", "2.0", NULL, NULL, NULL),
	              NULL, NULL);
	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL), "");
	ck_assert_int_eq(OSKext_validateBundle(&a, NULL, NULL, &info), kOSKextReturnValidation);
	ck_assert_ptr_nonnull(info);
	OSObject_release(info);
}
END_TEST

START_TEST(executable_missing)
{
	const char *p = kt_bundle(
	        kt_dir, "NoExe", kt_plist("com.example.noexe", "1.0", NULL, "NoExe", LIBS, NULL), NULL, NULL);

	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL),
	                 "Validation Failures\n"
	                 "    Kext has a CFBundleExecutable property but the executable can't be found\n");
	p = kt_bundle(kt_dir, "Slash", kt_plist("com.example.slash", "1.0", NULL, "../../x", LIBS, NULL),
	              NULL, NULL);
	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL), "Validation Failures\n"
	                                               "    Info dictionary property value is illegal:\n"
	                                               "        CFBundleExecutable\n");
}
END_TEST

START_TEST(executable_not_a_kext)
{
	const char *p = kt_bundle(kt_dir, "Text",
	                          kt_plist("com.example.text", "1.0", NULL, "text", LIBS, NULL), NULL, NULL);
	const char *q;

	kt_write(kt_fmt("%s/Contents/MacOS/text", p), "not an object\n", 14, 0755);
	ck_assert_str_eq(
	        kt_validate(p, NOAUTH, NULL),
	        "Validation Failures\n"
	        "    Executable file doesn't contain kernel extension code (no kmod_info symbol or bad "
	        "Mach-O layout).\n");
	/* an ELF object without kmod_info */
	q = kt_bundle(kt_dir, "NoKmod", kt_plist("com.example.nokmod", "1.0", NULL, "nokmod", LIBS, NULL),
	              "nokmod", "nokmod");
	ck_assert_str_eq(
	        kt_validate(q, NOAUTH, NULL),
	        "Validation Failures\n"
	        "    Executable file doesn't contain kernel extension code (no kmod_info symbol or bad "
	        "Mach-O layout).\n");
}
END_TEST

START_TEST(libraries_required_with_executable)
{
	const char *p =
	        kt_bundle(kt_dir, "NoLibs", kt_plist("com.example.nolibs", "1.0", NULL, "hello", NULL, NULL),
	                  "hello", "hello");

	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL),
	                 "Validation Failures\n"
	                 "    Info dictionary missing required property/value:\n"
	                 "        OSBundleLibraries\n");
	p = kt_bundle(kt_dir, "EmptyLibs",
	              kt_plist("com.example.emptylibs", "1.0", NULL, "hello", NULL,
	                       "<key>OSBundleLibraries</key><dict/>"),
	              "hello", "hello");
	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL), "Validation Failures\n"
	                                               "    Info dictionary property value is illegal:\n"
	                                               "        OSBundleLibraries\n");
}
END_TEST

START_TEST(library_warnings)
{
	const char *p =
	        kt_bundle(kt_dir, "Codeless",
	                  kt_plist("com.example.codeless", "1.0", NULL, NULL, "com.apple.kpi.bsd=8.0", NULL),
	                  NULL, NULL);

	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL),
	                 "Warnings\n"
	                 "    Kext has no executable or compatible version, so it "
	                 "should not declare any OSBundleLibraries.\n");
	p = kt_bundle(kt_dir, "NoKPI",
	              kt_plist("com.example.nokpi", "1.0", NULL, "hello", "com.example.lib=1.0", NULL),
	              "hello", "hello");
	ck_assert_ptr_nonnull(
	        strstr(kt_validate(p, NOAUTH | kOSKextLoadFlagNoResolve, NULL),
	               "Warnings\n"
	               "    Kext declares no com.apple.kpi.* libraries; if it references any kernel "
	               "symbols, it may fail to link.\n"));
}
END_TEST

START_TEST(bundle_required_values)
{
	static const char *const ok[] = {"Root", "Local-Root", "Network-Root", "Console", "Safe Boot"};
	const char *p;

	for (unsigned int i = 0; i < 5; i++) {
		p = kt_bundle(kt_dir, kt_fmt("Req%u", i),
		              kt_plist("com.example.req", "1.0", NULL, NULL, NULL,
		                       kt_fmt("<key>OSBundleRequired</key><string>%s</string>", ok[i])),
		              NULL, NULL);
		ck_assert_str_eq(kt_validate(p, NOAUTH, NULL), "");
	}
	p = kt_bundle(kt_dir, "ReqBad",
	              kt_plist("com.example.req", "1.0", NULL, NULL, NULL,
	                       "<key>OSBundleRequired</key><string>Sometimes</string>"),
	              NULL, NULL);
	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL), "Validation Failures\n"
	                                               "    Info dictionary property value is illegal:\n"
	                                               "        OSBundleRequired\n");
}
END_TEST

START_TEST(personalities_kept_and_checked)
{
	const char *p =
	        kt_bundle(kt_dir, "Driver",
	                  kt_plist("com.example.driver", "1.0", NULL, NULL, NULL,
	                           "<key>IOKitPersonalities</key><dict>"
	                           "<key>Mine</key><dict><key>CFBundleIdentifier</key>"
	                           "<string>com.example.driver</string><key>IOClass</key>"
	                           "<string>MyDriver</string></dict>"
	                           "<key>Anonymous</key><dict><key>IOClass</key><string>X</string></dict>"
	                           "<key>Other</key><dict><key>CFBundleIdentifier</key>"
	                           "<string>com.example.other</string></dict>"
	                           "<key>Broken</key><string>no</string>"
	                           "</dict>"),
	                  NULL, NULL);
	struct OSKextLoadArgs a = {.path = p, .flags = NOAUTH};
	OSDictionary *info = NULL, *pers, *mine;

	ck_assert_str_eq(
	        kt_validate(p, NOAUTH, NULL),
	        "Validation Failures\n"
	        "    Info dictionary property value is of illegal type:\n"
	        "        IOKitPersonalities -> Broken\n"
	        "Warnings\n"
	        "    Personality has no CFBundleIdentifier; the kext's identifier will be inserted when "
	        "sending to the IOCatalogue:\n"
	        "        Anonymous\n"
	        "    Personality CFBundleIdentifier differs from containing kext's (not necessarily a "
	        "mistake, but rarely done):\n"
	        "        Other\n");
	(void)OSKext_validateBundle(&a, NULL, NULL, &info);
	ck_assert_ptr_nonnull(info);
	pers = OSKEXT_CAST(OSDictionary, OSDictionary_getObjectCString(info, kIOKitPersonalitiesKey));
	ck_assert_ptr_nonnull(pers);
	mine = OSKEXT_CAST(OSDictionary, OSDictionary_getObjectCString(pers, "Mine"));
	ck_assert_ptr_nonnull(mine);
	ck_assert(OSString_isEqualToCString(
	        OSKEXT_CAST(OSString, OSDictionary_getObjectCString(mine, "IOClass")), "MyDriver"));
	OSObject_release(info);
}
END_TEST

START_TEST(binary_plist)
{
	const char *xml = kt_plist("com.example.binary", "3.1.4", NULL, "hello", LIBS, NULL);
	plist_t pl = NULL;
	char *bin = NULL;
	uint32_t len = 0;
	const char *p = kt_fmt("%s/Binary.kext", kt_dir);
	OSReturn r;

	plist_from_xml(xml, (uint32_t)strlen(xml), &pl);
	ck_assert_ptr_nonnull(pl);
	plist_to_bin(pl, &bin, &len);
	ck_assert_ptr_nonnull(bin);
	ck_assert_int_eq(memcmp(bin, "bplist00", 8), 0);
	kt_write(kt_fmt("%s/Contents/Info.plist", p), bin, len, 0644);
	plist_to_bin_free(bin);
	plist_free(pl);
	kt_copy_object("hello", kt_fmt("%s/Contents/MacOS/hello", p), 0755);
	ck_assert_str_eq(kt_validate(p, 0, &r), "");
	ck_assert_int_eq(r, kOSReturnSuccess);
}
END_TEST

START_TEST(unreadable_bundles)
{
	const char *p = kt_fmt("%s/Garbage.kext", kt_dir);

	kt_write(kt_fmt("%s/Contents/Info.plist", p), "<plist><dict><key>x</dict>", 26, 0644);
	ck_assert_str_eq(kt_validate(p, NOAUTH, NULL), "Validation Failures\n"
	                                               "    Can't parse info dictionary XML\n");
	kt_write(kt_fmt("%s/Array.kext/Contents/Info.plist", kt_dir), "<plist><array/></plist>", 23, 0644);
	ck_assert_str_eq(kt_validate(kt_fmt("%s/Array.kext", kt_dir), NOAUTH, NULL),
	                 "Validation Failures\n"
	                 "    Can't parse info dictionary XML\n");
	ck_assert_str_eq(kt_validate(kt_fmt("%s/Missing.kext", kt_dir), NOAUTH, NULL),
	                 kt_fmt("Validation Failures\n"
	                        "    File not found:\n"
	                        "        %s/Missing.kext\n",
	                        kt_dir));
	ck_assert_int_eq(khost_mkdir_p(kt_fmt("%s/Empty.kext", kt_dir), 0755), 0);
	ck_assert_str_eq(kt_validate(kt_fmt("%s/Empty.kext", kt_dir), NOAUTH, NULL),
	                 kt_fmt("Validation Failures\n"
	                        "    File not found:\n"
	                        "        %s/Empty.kext/Contents/Info.plist\n",
	                        kt_dir));
	kt_write(kt_fmt("%s/File.kext", kt_dir), "x", 1, 0644);
	ck_assert_str_eq(kt_validate(kt_fmt("%s/File.kext", kt_dir), NOAUTH, NULL),
	                 "Validation Failures\n"
	                 "    Failed to open CFBundle (unknown error).\n");
}
END_TEST

START_TEST(nested_kexts_in_plugins)
{
	const char *outer = kt_kext("Outer", "com.example.outer", "1.0", NULL, NULL, NULL, NULL);
	OSArray *all;
	unsigned int i, found = 0;

	(void)kt_bundle(kt_fmt("%s/Contents/PlugIns", outer), "Inner",
	                kt_plist("com.example.inner", "1.0", "1.0", NULL, NULL, NULL), NULL, NULL);
	all = OSKext_copyRepositoryKexts(NULL);
	ck_assert_ptr_nonnull(all);
	for (i = 0; i < OSArray_getCount(all); i++) {
		OSDictionary *d = (OSDictionary *)OSArray_getObject(all, i);
		OSString *id =
		        OSKEXT_CAST(OSString, OSDictionary_getObjectCString(d, kCFBundleIdentifierKey));
		OSString *path = OSKEXT_CAST(OSString, OSDictionary_getObjectCString(d, kOSBundlePathKey));

		ck_assert_ptr_nonnull(id);
		if (OSString_isEqualToCString(id, "com.example.inner")) {
			ck_assert_str_eq(OSString_getCStringNoCopy(path),
			                 kt_fmt("%s/Contents/PlugIns/Inner.kext", outer));
			ck_assert_ptr_eq(OSDictionary_getObjectCString(d, "OSBundleIsValid"), kOSBooleanTrue);
			ck_assert_ptr_eq(OSDictionary_getObjectCString(d, "OSBundleLoaded"), kOSBooleanFalse);
			found++;
		} else if (OSString_isEqualToCString(id, "com.example.outer")) {
			found++;
		}
	}
	ck_assert_uint_eq(found, 2);
	OSObject_release(all);
}
END_TEST

START_TEST(groups_in_kextutil_order)
{
	/* A warning, an authentication failure and a validation failure come out in kextutil's order. */
	const char *p = kt_bundle(kt_dir, "Mixed",
	                          kt_plist("com.example.mixed", "1.0", NULL, NULL, "com.apple.kpi.bsd=8.0",
	                                   "<key>OSBundleRequired</key><string>Never</string>"),
	                          NULL, NULL);

	ck_assert_int_eq(kt_host_chmod(kt_fmt("%s/Contents/Info.plist", p), 0666), 0);
	ck_assert_str_eq(
	        kt_validate(p, 0, NULL),
	        kt_fmt("Validation Failures\n"
	               "    Info dictionary property value is illegal:\n"
	               "        OSBundleRequired\n"
	               "Authentication Failures\n"
	               "    File owner/permissions are incorrect (must be root:wheel, nonwritable by "
	               "group/other):\n"
	               "        %s/Contents/Info.plist\n"
	               "Warnings\n"
	               "    Kext has no executable or compatible version, so it should not declare any "
	               "OSBundleLibraries.\n",
	               p));
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kext_validate");
	TCase *tc = kt_tcase("validate");

	tcase_add_test(tc, valid_kext_has_no_diagnostics);
	tcase_add_test(tc, missing_required_properties);
	tcase_add_test(tc, package_type_must_be_kext);
	tcase_add_test(tc, property_types);
	tcase_add_test(tc, identifier_length_limit);
	tcase_add_test(tc, invalid_versions);
	tcase_add_test(tc, compatible_version_later_than_version);
	tcase_add_test(tc, executable_missing);
	tcase_add_test(tc, executable_not_a_kext);
	tcase_add_test(tc, libraries_required_with_executable);
	tcase_add_test(tc, library_warnings);
	tcase_add_test(tc, bundle_required_values);
	tcase_add_test(tc, personalities_kept_and_checked);
	tcase_add_test(tc, binary_plist);
	tcase_add_test(tc, unreadable_bundles);
	tcase_add_test(tc, nested_kexts_in_plugins);
	tcase_add_test(tc, groups_in_kextutil_order);
	suite_add_tcase(s, tc);
	return s;
}
