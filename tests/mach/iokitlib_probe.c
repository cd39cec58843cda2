/*
 * iokitlib_probe — IOKitLib's registry and matching calls from a real user
 * process, for tests/iokitlib.sh: matching, iterators, names, paths, IDs,
 * properties as plists, class queries, waitQuiet, refused requests, and
 * handles (port names) released. Prints "ok <case>" when the case passed.
 *   leak: takes handles and exits without releasing them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <IOKit/IOKitLib.h>
#include <kexthost/kh_mach.h>

static int failures;

#define EXPECT(what, cond)                         \
	do {                                       \
		if (!(cond)) {                     \
			printf("FAIL %s\n", what); \
			failures++;                \
		}                                  \
	} while (0)

static io_service_t
resources(void)
{
	return IOServiceGetMatchingService(kIOMasterPortDefault, IOServiceMatching("IOResources"));
}

static uint32_t
count_names(void)
{
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t n = 0, nt = 0;

	if (kh_mach_port_names(kh_mach_task_self(), &names, &n, &types, &nt) != KERN_SUCCESS)
		return 0;
	if (getenv("PROBE_VERBOSE")) {
		for (mach_msg_type_number_t i = 0; i < n; i++)
			printf(" %#x/%#x", names[i], types[i]);
		printf("\n");
	}
	kh_vm_deallocate(0, (uint64_t)(uintptr_t)names, n * sizeof(*names));
	kh_vm_deallocate(0, (uint64_t)(uintptr_t)types, nt * sizeof(*types));
	return n;
}

static void
case_basic(void)
{
	io_service_t res, again, byid;
	io_registry_entry_t root, fromPath;
	io_iterator_t iter;
	io_name_t name, cls;
	io_string_t path;
	uint64_t id = 0, id2 = 0;
	plist_t props, value;
	mach_timespec_t t = {5, 0};
	uint32_t before, busy = 99;
	int n = 0;
	char *super;

	EXPECT("IOKitWaitQuiet", IOKitWaitQuiet(kIOMasterPortDefault, &t) == KERN_SUCCESS);
	before = count_names();
	res = resources();
	EXPECT("IOResources found", res != IO_OBJECT_NULL);
	EXPECT("class", IOObjectGetClass(res, cls) == KERN_SUCCESS && strcmp(cls, "IOResources") == 0);
	EXPECT("name", IORegistryEntryGetName(res, name) == KERN_SUCCESS && strcmp(name, "IOResources") == 0);
	EXPECT("conforms to IOService", IOObjectConformsTo(res, "IOService"));
	EXPECT("conforms to IORegistryEntry", IOObjectConformsTo(res, "IORegistryEntry"));
	EXPECT("not an OSString", !IOObjectConformsTo(res, "OSString"));
	EXPECT("path", IORegistryEntryGetPath(res, kIOServicePlane, path) == KERN_SUCCESS &&
	                       strncmp(path, "IOService:/", 11) == 0 && strstr(path, "/IOResources") != NULL);
	EXPECT("in the service plane", IORegistryEntryInPlane(res, kIOServicePlane));
	EXPECT("entry id",
	       IORegistryEntryGetRegistryEntryID(res, &id) == KERN_SUCCESS && id >= 0x100000100ull);
	/* The same object is the same name (one port per object). */
	again = resources();
	EXPECT("same handle", IOObjectIsEqualTo(res, again));
	IOObjectRelease(again);
	byid = IOServiceGetMatchingService(kIOMasterPortDefault, IORegistryEntryIDMatching(id));
	EXPECT("by ID", byid == res);
	IOObjectRelease(byid);
	fromPath = IORegistryEntryFromPath(kIOMasterPortDefault, path);
	EXPECT("from path", fromPath == res);
	IOObjectRelease(fromPath);
	EXPECT("bad path",
	       IORegistryEntryFromPath(kIOMasterPortDefault, "IOService:/no/such/entry") == IO_OBJECT_NULL);
	/* Properties come as a plist dictionary. */
	EXPECT("properties", IORegistryEntryCreateCFProperties(res, &props, NULL, 0) == KERN_SUCCESS &&
	                             plist_get_node_type(props) == PLIST_DICT);
	value = props ? plist_dict_get_item(props, "IOKit") : NULL;
	EXPECT("IOResources has the IOKit resource", value != NULL);
	plist_free(props);
	value = IORegistryEntryCreateCFProperty(res, "IOKit", NULL, 0);
	EXPECT("one property", value != NULL);
	plist_free(value);
	EXPECT("missing property", IORegistryEntryCreateCFProperty(res, "NoSuchKey", NULL, 0) == NULL);
	EXPECT("busy state", IOServiceGetBusyState(res, &busy) == KERN_SUCCESS && busy == 0);
	/* setProperties: the entry decides; the default refuses. */
	value = plist_new_string("v");
	EXPECT("set properties: unsupported by default",
	       IORegistryEntrySetCFProperty(res, "UserKey", value) == kIOReturnUnsupported);
	plist_free(value);
	/* The whole service plane by iterator. */
	root = IORegistryGetRootEntry(kIOMasterPortDefault);
	EXPECT("root", root != IO_OBJECT_NULL);
	EXPECT("root id",
	       IORegistryEntryGetRegistryEntryID(root, &id2) == KERN_SUCCESS && id2 == 0x100000100ull);
	EXPECT("iterator", IORegistryEntryCreateIterator(root, kIOServicePlane, kIORegistryIterateRecursively,
	                                                 &iter) == KERN_SUCCESS);
	for (io_object_t o; (o = IOIteratorNext(iter)) != IO_OBJECT_NULL; n++)
		IOObjectRelease(o);
	EXPECT("entries under the root", n >= 3);
	EXPECT("iterator valid", IOIteratorIsValid(iter));
	IOIteratorReset(iter);
	io_object_t first = IOIteratorNext(iter);
	EXPECT("after reset", first != IO_OBJECT_NULL);
	IOObjectRelease(first);
	IOObjectRelease(iter);
	EXPECT("child iterator",
	       IORegistryEntryGetChildIterator(root, kIOServicePlane, &iter) == KERN_SUCCESS);
	IOObjectRelease(iter);
	super = IOObjectCopySuperclassForClass("IOResources");
	EXPECT("superclass", super != NULL && strcmp(super, "IOService") == 0);
	free(super);
	EXPECT("no superclass of OSObject", IOObjectCopySuperclassForClass("OSObject") == NULL);
	/* Wrong objects and no objects: errors, not crashes. */
	EXPECT("class of nothing", IOObjectGetClass(IO_OBJECT_NULL, cls) == MACH_SEND_INVALID_DEST);
	EXPECT("next of a non-iterator", IOIteratorNext(res) == IO_OBJECT_NULL);
	EXPECT("name of the task port",
	       IORegistryEntryGetName(kh_mach_task_self(), name) == MIG_BAD_ARGUMENTS);
	EXPECT("path in no plane", IORegistryEntryGetPath(res, "NoPlane", path) != KERN_SUCCESS);
	EXPECT("matching nothing",
	       IOServiceGetMatchingService(kIOMasterPortDefault, IOServiceMatching("NoSuchClass")) ==
	               IO_OBJECT_NULL);
	IOObjectRelease(root);
	IOObjectRelease(res);
	EXPECT("every handle released", count_names() == before);
	if (!failures)
		printf("ok basic\n");
}

int
main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "basic";

	if (!strcmp(c, "basic")) {
		case_basic();
	} else if (!strcmp(c, "leak")) {
		io_iterator_t iter;
		(void)resources();
		IORegistryCreateIterator(kIOMasterPortDefault, kIOServicePlane, kIORegistryIterateRecursively,
		                         &iter);
		for (int i = 0; i < 5; i++)
			(void)IOIteratorNext(iter); /* handles never released: the exit must release them */
		printf("ok leak\n");
	} else {
		return 64;
	}
	return failures ? 1 : 0;
}
