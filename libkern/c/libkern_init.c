/*
 * libkern_init.c — bringing up the object model at boot: the class table
 * and symbol pool locks, then every class of the kernel image (the records
 * the define macros put in the "osmetaclass" section, found through the
 * linker's __start_/__stop_ symbols), then the boolean singletons. Also the
 * boot self-check: a serialize -> unserialize round trip and interning.
 */
#include "libkern/c/osc_internal.h"
#include "osfmk/kern/startup.h"

/* Bounds of the "osmetaclass" section, defined by the linker. */
extern OSMetaClass *const __start_osmetaclass[];
extern OSMetaClass *const __stop_osmetaclass[];

static bool osc_initialized;

void
libkern_init(void)
{
	OSReturn ret;

	/* The kernel may be booted more than once in one process (tests); classes stay registered. */
	if (osc_initialized) {
		return;
	}
	osc_metaclass_init();
	osc_symbol_pool_init();
	ret = OSMetaClass_registerClasses(__start_osmetaclass, __stop_osmetaclass, NULL);
	if (ret != kOSReturnSuccess) {
		panic("libkern_init: can't register the kernel's classes (0x%x)", ret);
	}
	osc_boolean_init();
	osc_initialized = true;
}

static const char osc_selfcheck_golden[] =
        "<dict ID=\"0\"><key>name</key><string ID=\"1\">a&lt;b&amp;c</string>"
        "<key>n</key><integer size=\"32\" ID=\"2\">0x5</integer>"
        "<key>yes</key><true/>"
        "<key>d</key><data ID=\"3\">AAEC</data>"
        "<key>a</key><array ID=\"4\"><reference IDREF=\"2\"/><set ID=\"5\"></set></array></dict>";

/* Build the check dictionary; NULL on allocation failure. */
static OSDictionary *
osc_selfcheck_dict(void)
{
	static const unsigned char bytes[] = {0, 1, 2};
	OSDictionary *dict = OSDictionary_withCapacity(4);
	OSString *str = OSString_withCString("a<b&c");
	OSNumber *num = OSNumber_withNumber(5, 32);
	OSData *data = OSData_withBytes(bytes, sizeof(bytes));
	OSArray *array = OSArray_withCapacity(2);
	OSSet *set = OSSet_withCapacity(1);
	bool ok = dict && str && num && data && array && set;

	ok = ok && OSDictionary_setObjectCString(dict, "name", str) &&
	     OSDictionary_setObjectCString(dict, "n", num) &&
	     OSDictionary_setObjectCString(dict, "yes", kOSBooleanTrue) &&
	     OSDictionary_setObjectCString(dict, "d", data) && OSArray_setObject(array, num) &&
	     OSArray_setObject(array, set) && OSDictionary_setObjectCString(dict, "a", array);
	OSSafeReleaseNULL(str);
	OSSafeReleaseNULL(num);
	OSSafeReleaseNULL(data);
	OSSafeReleaseNULL(array);
	OSSafeReleaseNULL(set);
	if (!ok) {
		OSSafeReleaseNULL(dict);
	}
	return dict;
}

int
libkern_selfcheck(void)
{
	const OSSymbol *s1 = NULL, *s2 = NULL;
	OSDictionary *dict = NULL;
	OSSerialize *s = NULL;
	OSObject *back = NULL;
	OSString *err = NULL;
	int rc = 1;

	s1 = OSSymbol_withCString("libkern_selfcheck");
	s2 = OSSymbol_withCStringNoCopy("libkern_selfcheck");
	if (!s1 || s1 != s2) {
		printf("libkern_selfcheck: symbols for the same string differ\n");
		goto out;
	}
	dict = osc_selfcheck_dict();
	s = OSSerialize_withCapacity(0);
	if (!dict || !s || !OSObject_serialize(dict, s)) {
		printf("libkern_selfcheck: can't build or serialize the test dictionary\n");
		goto out;
	}
	if (strcmp(OSSerialize_text(s), osc_selfcheck_golden) != 0) {
		printf("libkern_selfcheck: serialized as %s\n", OSSerialize_text(s));
		goto out;
	}
	back = OSUnserializeXML(OSSerialize_text(s), &err);
	if (!back || !OSObject_isEqualTo(dict, back)) {
		printf("libkern_selfcheck: round trip failed: %s\n",
		       err ? OSString_getCStringNoCopy(err) : "objects differ");
		goto out;
	}
	rc = 0;
out:
	OSSafeReleaseNULL(s1);
	OSSafeReleaseNULL(s2);
	OSSafeReleaseNULL(dict);
	OSSafeReleaseNULL(s);
	OSSafeReleaseNULL(back);
	OSSafeReleaseNULL(err);
	return rc;
}
