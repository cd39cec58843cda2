/*
 * test_registry.c — the I/O Registry: entry IDs (monotonic from 0x100000100,
 * hashed lookup, never reused), names and locations (global and per plane),
 * paths both ways (getPath, fromPath with planes, relative paths, bad
 * paths), planes (the two standard ones, made ones), properties (typed
 * setters, copies, searches through a plane, table replacement), iterators
 * and their invalidation, and refusals of bad arguments.
 */
#include "tests/iokit/iocore.h"

/* A plain entry (not a service) attached under parent in plane. */
static IORegistryEntry *
new_entry(const char *name, IORegistryEntry *parent, const IORegistryPlane *plane)
{
	IORegistryEntry *e = OSTypeAlloc(IORegistryEntry);

	ck_assert_ptr_nonnull(e);
	ck_assert(IORegistryEntry_init(e, NULL));
	IORegistryEntry_setName(e, name, NULL);
	if (parent != NULL)
		ck_assert(IORegistryEntry_attachToParent(e, parent, plane));
	return e;
}

START_TEST(registry_ids_names_paths)
{
	IORegistryEntry *root = IORegistryEntry_getRegistryRoot();
	TestNub *a = new_nub("TestNub", "alpha", NULL);
	TestNub *b = new_nub("TestNub", "beta", IOSvc_(a));
	char path[512];
	int len = sizeof(path);
	IORegistryEntry *e;

	ck_assert_uint_eq(IORegistryEntry_getRegistryEntryID(root), 0x100000100ULL);
	ck_assert(IORegistryEntry_getRegistryEntryID(b) > IORegistryEntry_getRegistryEntryID(a));
	ck_assert_str_eq(IORegistryEntry_getName(root, NULL), "Root");
	IORegistryEntry_setLocation(b, "3", NULL);
	ck_assert(IORegistryEntry_getPath(b, path, &len, gIOServicePlane));
	ck_assert_str_eq(path, "IOService:/kexthost1,1/IOResources/alpha/beta@3");
	ck_assert_int_eq(len, (int)strlen(path));
	e = IORegistryEntry_fromPath("IOService:/kexthost1,1/IOResources/alpha/beta@3", NULL, NULL, NULL,
	                             NULL);
	ck_assert_ptr_eq(e, IORegEntry_(b));
	OSObject_release(e);
	ck_assert_ptr_null(IORegistryEntry_fromPath("IOService:/nothing", NULL, NULL, NULL, NULL));
	e = IORegistryEntry_fromID(IORegistryEntry_getRegistryEntryID(a));
	ck_assert_ptr_eq(e, IORegEntry_(a));
	OSObject_release(e);
	ck_assert_int_eq(IORegistryEntry_getDepth(b, gIOServicePlane), 4);
	ck_assert_ptr_eq(IOService_getProvider(b), IOSvc_(a));
	/* an unnamed service is named after its class */
	ck_assert_str_eq(IORegistryEntry_getName(IOService_getResourceService(), NULL), "IOResources");
	/* detach: out of the plane and out of the ID hash */
	IOService_detach(b, a);
	ck_assert(!IORegistryEntry_inPlane(b, gIOServicePlane));
	ck_assert_ptr_null(IORegistryEntry_fromID(IORegistryEntry_getRegistryEntryID(b)));
	OSObject_release(b);
	OSObject_release(a);
}
END_TEST

START_TEST(registry_properties_and_iterators)
{
	TestNub *a = new_nub("TestNub", "a", NULL);
	TestNub *b = new_nub("TestNub", "b", IOSvc_(a));
	TestNub *c = new_nub("TestNub", "c", IOSvc_(b));
	IORegistryIterator *it;
	OSOrderedSet *all;
	OSNumber *n;

	ck_assert(IORegistryEntry_setPropertyNumber(a, "n", 0x1ff, 8));
	n = OSDynamicCast(OSNumber, IORegistryEntry_getPropertyCString(a, "n"));
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(OSNumber_unsigned64BitValue(n), 0xff);
	ck_assert(IORegistryEntry_setPropertyBoolean(a, "b", true));
	ck_assert(IORegistryEntry_setPropertyString(a, "s", "x"));
	IORegistryEntry_removePropertyCString(a, "s");
	ck_assert_ptr_null(IORegistryEntry_getPropertyCString(a, "s"));
	ck_assert_int_eq(IORegistryEntry_setProperties(a, NULL), kIOReturnUnsupported);
	it = IORegistryIterator_iterateOver(a, gIOServicePlane, kIORegistryIterateRecursively);
	all = IORegistryIterator_iterateAll(it);
	ck_assert_ptr_nonnull(all);
	ck_assert_uint_eq(OSOrderedSet_getCount(all), 2);
	ck_assert_ptr_eq(OSOrderedSet_getObject(all, 0), OSObj(b));
	ck_assert_ptr_eq(OSOrderedSet_getObject(all, 1), OSObj(c));
	OSObject_release(all);
	ck_assert(IORegistryIterator_isValid(it));
	IORegistryEntry_detachAll(c, NULL);
	ck_assert(!IORegistryIterator_isValid(it));
	OSObject_release(it);
	it = IORegistryIterator_iterateOver(c, gIOServicePlane, kIORegistryIterateParents);
	ck_assert_ptr_null(IORegistryIterator_getNextObject(it));
	OSObject_release(it);
	OSObject_release(c);
	OSObject_release(b);
	OSObject_release(a);
}
END_TEST

START_TEST(registry_planes)
{
	const IORegistryPlane *tp = IORegistryEntry_makePlane("TestPlane");
	IORegistryEntry *root = IORegistryEntry_getRegistryRoot();
	IORegistryEntry *a, *b, *e;
	OSDictionary *planes;
	char path[128];
	int len = sizeof(path);

	ck_assert_ptr_eq(IORegistryEntry_getPlane(kIOServicePlane), gIOServicePlane);
	ck_assert_ptr_eq(IORegistryEntry_getPlane(kIOPowerPlane), gIOPowerPlane);
	ck_assert_ptr_null(IORegistryEntry_getPlane("NoSuchPlane"));
	ck_assert_ptr_nonnull(tp);
	ck_assert_ptr_eq(IORegistryEntry_makePlane("TestPlane"), tp); /* made once */
	ck_assert_str_eq(IORegistryPlane_getName(tp), "TestPlane");
	planes = IORegistryEntry_copyPlanes();
	ck_assert_ptr_nonnull(OSDictionary_getObjectCString(planes, kIOServicePlane));
	ck_assert_ptr_nonnull(OSDictionary_getObjectCString(planes, kIOPowerPlane));
	ck_assert_ptr_nonnull(OSDictionary_getObjectCString(planes, "TestPlane"));
	OSObject_release(planes);

	/* an entry lives in the planes it is attached in, with a name per plane */
	a = new_entry("a", root, tp);
	b = new_entry("b", a, tp);
	ck_assert(IORegistryEntry_inPlane(b, tp));
	ck_assert(!IORegistryEntry_inPlane(b, gIOServicePlane));
	IORegistryEntry_setName(b, "b-in-test", tp);
	IORegistryEntry_setLocation(b, "2", tp);
	ck_assert_str_eq(IORegistryEntry_getName(b, tp), "b-in-test");
	ck_assert_str_eq(IORegistryEntry_getName(b, NULL), "b");
	ck_assert_str_eq(IORegistryEntry_getName(b, gIOPowerPlane), "b"); /* falls back to the global name */
	ck_assert(IORegistryEntry_getPath(b, path, &len, tp));
	ck_assert_str_eq(path, "TestPlane:/a/b-in-test@2");
	ck_assert_int_eq(IORegistryEntry_getDepth(b, tp), 2);
	ck_assert_int_eq(IORegistryEntry_getDepth(b, gIOServicePlane), -1);
	len = sizeof(path);
	ck_assert(!IORegistryEntry_getPath(b, path, &len, gIOServicePlane)); /* not in that plane */
	e = IORegistryEntry_fromPath("TestPlane:/a/b-in-test@2", NULL, NULL, NULL, NULL);
	ck_assert_ptr_eq(e, b);
	OSObject_release(e);
	/* the plane given as an argument is the default for a path without one */
	e = IORegistryEntry_fromPath("/a", tp, NULL, NULL, NULL);
	ck_assert_ptr_eq(e, a);
	OSObject_release(e);
	ck_assert_ptr_null(IORegistryEntry_fromPath("/a", NULL, NULL, NULL, NULL)); /* service plane */
	ck_assert(IORegistryEntry_isParent(b, a, tp));
	ck_assert(IORegistryEntry_isChildOf(b, root, tp));
	ck_assert(!IORegistryEntry_isChildOf(a, b, tp));
	IORegistryEntry_detachAll(b, tp);
	IORegistryEntry_detachAll(a, tp);
	ck_assert(!IORegistryEntry_inPlane(a, tp));
	OSObject_release(b);
	OSObject_release(a);
}
END_TEST

START_TEST(registry_paths_edge_cases)
{
	TestNub *a = new_nub("TestNub", "pa", NULL);
	TestNub *b = new_nub("TestNub", "pb", IOSvc_(a));
	IORegistryEntry *e;
	char path[512], small[8];
	int len;

	IORegistryEntry_setLocation(b, "1f", NULL);
	/* a buffer too small is refused, not overrun */
	len = sizeof(small);
	memset(small, 'x', sizeof(small));
	ck_assert(!IORegistryEntry_getPath(b, small, &len, gIOServicePlane));
	len = 0;
	ck_assert(!IORegistryEntry_getPath(b, path, &len, gIOServicePlane));
	len = sizeof(path);
	ck_assert(!IORegistryEntry_getPath(b, path, &len, NULL));
	/* the root's path */
	len = sizeof(path);
	ck_assert(IORegistryEntry_getPath(IORegistryEntry_getRegistryRoot(), path, &len, gIOServicePlane));
	ck_assert_str_eq(path, "IOService:/");
	e = IORegistryEntry_fromPath("IOService:/", NULL, NULL, NULL, NULL);
	ck_assert_ptr_eq(e, IORegistryEntry_getRegistryRoot());
	OSObject_release(e);
	/* one component */
	len = sizeof(path);
	ck_assert(IORegistryEntry_getPathComponent(IORegEntry_(b), path, &len, gIOServicePlane));
	ck_assert_str_eq(path, "pb@1f");
	ck_assert_int_eq(len, 5);
	/* relative to an entry; the location must match when given */
	e = IORegistryEntry_fromPath("pb@1f", NULL, NULL, NULL, IORegEntry_(a));
	ck_assert_ptr_eq(e, IORegEntry_(b));
	OSObject_release(e);
	e = IORegistryEntry_fromPath("pb", NULL, NULL, NULL, IORegEntry_(a));
	ck_assert_ptr_eq(e, IORegEntry_(b));
	OSObject_release(e);
	ck_assert_ptr_null(IORegistryEntry_fromPath("pb@2", NULL, NULL, NULL, IORegEntry_(a)));
	ck_assert_ptr_null(IORegistryEntry_fromPath("pb", NULL, NULL, NULL, NULL)); /* relative to nothing */
	ck_assert_ptr_null(IORegistryEntry_fromPath("NoPlane:/", NULL, NULL, NULL, NULL));
	ck_assert_ptr_null(IORegistryEntry_fromPath(NULL, NULL, NULL, NULL, NULL));
	ck_assert_ptr_null(IORegistryEntry_fromPath("AVeryLongPlaneNameThatCannotPossiblyFitAnywhere:/", NULL,
	                                            NULL, NULL, NULL));
	IOService_detach(b, a);
	IOService_detach(a, IOService_getResourceService());
	OSObject_release(b);
	OSObject_release(a);
}
END_TEST

START_TEST(registry_ids_never_reused)
{
	uint64_t last = 0, first;
	TestNub *n;
	IORegistryEntry *e;

	for (int i = 0; i < 100; i++) {
		n = new_nub("TestNub", "id", NULL);
		ck_assert_uint_gt(IORegistryEntry_getRegistryEntryID(n), last);
		last = IORegistryEntry_getRegistryEntryID(n);
		if (i == 0)
			first = last;
		e = IORegistryEntry_fromID(last);
		ck_assert_ptr_eq(e, IORegEntry_(n));
		OSObject_release(e);
		IOService_detach(n, IOService_getResourceService());
		ck_assert_ptr_null(IORegistryEntry_fromID(last));
		OSObject_release(n);
	}
	ck_assert_ptr_null(IORegistryEntry_fromID(first));
	ck_assert_ptr_null(IORegistryEntry_fromID(0));
	ck_assert_ptr_null(IORegistryEntry_fromID(~0ULL));
	e = IORegistryEntry_fromID(kIORegistryEntryIDFirst);
	ck_assert_ptr_eq(e, IORegistryEntry_getRegistryRoot());
	OSObject_release(e);
}
END_TEST

START_TEST(registry_property_searches_and_tables)
{
	TestNub *a = new_nub("TestNub", "sa", NULL);
	TestNub *b = new_nub("TestNub", "sb", IOSvc_(a));
	TestNub *c = new_nub("TestNub", "sc", IOSvc_(b));
	OSDictionary *snap, *table;
	OSArray *keys;
	OSObject *o;
	OSData *d;
	static const char bytes[] = {1, 2, 3};

	ck_assert(IORegistryEntry_setPropertyString(c, "deep", "leaf"));
	ck_assert(IORegistryEntry_setPropertyString(a, "high", "top"));
	/* not on self, and no recursion asked: nothing */
	ck_assert_ptr_null(IORegistryEntry_copyPropertyInPlane(a, "deep", gIOServicePlane, 0));
	/* down through the children */
	o = IORegistryEntry_copyPropertyInPlane(a, "deep", gIOServicePlane, kIORegistryIterateRecursively);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(OSString_getCStringNoCopy((OSString *)o), "leaf");
	OSObject_release(o);
	/* up through the parents */
	o = IORegistryEntry_copyPropertyInPlane(c, "high", gIOServicePlane,
	                                        kIORegistryIterateRecursively | kIORegistryIterateParents);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(OSString_getCStringNoCopy((OSString *)o), "top");
	OSObject_release(o);
	ck_assert_ptr_null(IORegistryEntry_copyPropertyInPlane(c, "high", gIOServicePlane,
	                                                       kIORegistryIterateRecursively));
	/* data properties are copies of the bytes */
	ck_assert(IORegistryEntry_setPropertyData(a, "bytes", bytes, sizeof(bytes)));
	d = OSDynamicCast(OSData, IORegistryEntry_getPropertyCString(a, "bytes"));
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(OSData_getLength(d), 3);
	ck_assert_ptr_ne(OSData_getBytesNoCopy(d), bytes);
	/* a snapshot doesn't follow the entry, nor the entry the snapshot */
	snap = IORegistryEntry_dictionaryWithProperties(a);
	ck_assert_ptr_nonnull(snap);
	ck_assert_ptr_nonnull(OSDictionary_getObjectCString(snap, "high"));
	IORegistryEntry_removePropertyCString(a, "high");
	ck_assert_ptr_nonnull(OSDictionary_getObjectCString(snap, "high"));
	OSDictionary_removeObjectCString(snap, "bytes");
	ck_assert_ptr_nonnull(IORegistryEntry_getPropertyCString(a, "bytes"));
	OSObject_release(snap);
	keys = IORegistryEntry_copyPropertyKeys(a);
	ck_assert_ptr_nonnull(keys);
	ck_assert_uint_eq(OSArray_getCount(keys), 1); /* "bytes" */
	OSObject_release(keys);
	/* setPropertyTable replaces the whole table */
	table = OSDictionary_withCapacity(1);
	ck_assert(OSDictionary_setObjectCString(table, "only", kOSBooleanTrue));
	IORegistryEntry_setPropertyTable(a, table);
	ck_assert_ptr_eq(IORegistryEntry_getPropertyTable(a), table);
	ck_assert_ptr_null(IORegistryEntry_getPropertyCString(a, "bytes"));
	ck_assert_ptr_eq(IORegistryEntry_getPropertyCString(a, "only"), kOSBooleanTrue);
	OSObject_release(table);
	/* bad arguments are refused */
	ck_assert(!IORegistryEntry_setPropertyCString(a, NULL, kOSBooleanTrue));
	ck_assert(!IORegistryEntry_setProperty(a, NULL, kOSBooleanTrue));
	ck_assert_ptr_null(IORegistryEntry_getPropertyCString(a, NULL));
	ck_assert(!IORegistryEntry_attachToParent(c, b, NULL));
	ck_assert(!IORegistryEntry_attachToParent(c, c, gIOServicePlane));
	IOService_terminate(a, kIOServiceSynchronous);
	OSObject_release(c);
	OSObject_release(b);
	OSObject_release(a);
}
END_TEST

START_TEST(registry_iterator_walks)
{
	TestNub *r = new_nub("TestNub", "r", NULL);
	TestNub *x = new_nub("TestNub", "x", IOSvc_(r));
	TestNub *y = new_nub("TestNub", "y", IOSvc_(r));
	TestNub *x1 = new_nub("TestNub", "x1", IOSvc_(x));
	IORegistryIterator *it;
	IORegistryEntry *e;
	char order[64] = "";

	/* flat: the children only */
	it = IORegistryIterator_iterateOver(r, gIOServicePlane, 0);
	while ((e = IORegistryIterator_getNextObject(it)) != NULL) {
		strlcat(order, IORegistryEntry_getName(e, NULL), sizeof(order));
		strlcat(order, " ", sizeof(order));
	}
	ck_assert_str_eq(order, "x y ");
	/* recursive: depth first */
	OSObject_release(it);
	order[0] = 0;
	it = IORegistryIterator_iterateOver(r, gIOServicePlane, kIORegistryIterateRecursively);
	while ((e = IORegistryIterator_getNextObject(it)) != NULL) {
		strlcat(order, IORegistryEntry_getName(e, NULL), sizeof(order));
		strlcat(order, " ", sizeof(order));
	}
	ck_assert_str_eq(order, "x x1 y ");
	/* reset starts again */
	IORegistryIterator_reset(it);
	e = IORegistryIterator_getNextObject(it);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(IORegistryEntry_getName(e, NULL), "x");
	OSObject_release(it);
	/* parents: x1's chain up to the root */
	it = IORegistryIterator_iterateOver(x1, gIOServicePlane,
	                                    kIORegistryIterateRecursively | kIORegistryIterateParents);
	e = IORegistryIterator_getNextObject(it);
	ck_assert_ptr_eq(e, IORegEntry_(x));
	e = IORegistryIterator_getNextObject(it);
	ck_assert_ptr_eq(e, IORegEntry_(r));
	OSObject_release(it);
	IOService_terminate(r, kIOServiceSynchronous);
	OSObject_release(x1);
	OSObject_release(y);
	OSObject_release(x);
	OSObject_release(r);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iokit_registry");
	TCase *tc = ktest_tcase("registry");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, registry_ids_names_paths);
	tcase_add_test(tc, registry_properties_and_iterators);
	tcase_add_test(tc, registry_planes);
	tcase_add_test(tc, registry_paths_edge_cases);
	tcase_add_test(tc, registry_ids_never_reused);
	tcase_add_test(tc, registry_property_searches_and_tables);
	tcase_add_test(tc, registry_iterator_walks);
	suite_add_tcase(s, tc);
	return s;
}
