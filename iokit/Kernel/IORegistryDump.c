/*
 * IORegistryDump.c — KHRQ_T_IOREG_DUMP: a plane's subtree for a user process
 * (ioreg), in the form documented in <kexthost/iokit_request.h>.
 *
 * The walk copies what it reports: each level's children come from a
 * retained snapshot (IORegistryEntry_copyChildren), each property table from
 * IORegistryEntry_dictionaryWithProperties, so a driver that changes the
 * registry meanwhile is never waited for and never seen half-changed. The
 * reply is a flat pre-order array with a depth per entry rather than nested
 * dictionaries: the tree may be deeper than the plist writer's nesting limit,
 * and a flat list keeps the walk's recursion to one small frame per level.
 *
 * Property values that have no property-list form (an object a driver
 * stored as a property, say) are left out, as IORegistryEntryCreateCFProperties
 * leaves out what does not serialize.
 */
#include <IOKit/IOService.h>
#include <libkern/c/OSUnserialize.h>
#include <libkern/c/OSCollectionIterator.h>
#include <sys/errno.h>
#include <string.h>
#include "bsd/kern/kern_request.h"
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOUserRequest.h"
#include "sdk/User/kexthost/iokit_request.h"

/* Nesting allowed inside a property value: reply array, entry, table, then this many levels. */
#define IODUMP_VALUE_DEPTH 28

struct iodump {
	const IORegistryPlane *plane;
	unsigned int maxLevels; /* entries at level < maxLevels are dumped */
	bool wantProps;
	OSArray *out;
};

/* Can obj be written as a property list, within depth more levels? */
static bool
iodump_plistable(const OSObject *obj, unsigned int depth)
{
	OSCollectionIterator *it;
	const OSObject *o;
	bool ok = true;

	if (obj == NULL || depth == 0)
		return false;
	if (OSDynamicCast(OSString, obj) || OSDynamicCast(OSNumber, obj) || OSDynamicCast(OSBoolean, obj) ||
	    OSDynamicCast(OSData, obj))
		return true;
	if (OSDynamicCast(OSDictionary, obj) != NULL) {
		const OSDictionary *d = (const OSDictionary *)obj;
		OSArray *keys = OSDictionary_copyKeys(d);

		for (unsigned int i = 0; ok && keys != NULL && i < OSArray_getCount(keys); i++) {
			const OSSymbol *k = (const OSSymbol *)OSArray_getObject(keys, i);
			ok = iodump_plistable(OSDictionary_getObject(d, k), depth - 1);
		}
		ok = ok && keys != NULL;
		OSSafeReleaseNULL(keys);
		return ok;
	}
	if (OSDynamicCast(OSCollection, obj) == NULL) /* arrays, sets, ordered sets */
		return false;
	it = OSCollectionIterator_withCollection((const OSCollection *)obj);
	if (it == NULL)
		return false;
	while (ok && (o = OSCollectionIterator_getNextObject(it)) != NULL)
		ok = iodump_plistable(o, depth - 1);
	OSObject_release(it);
	return ok;
}

/* The entry's property table, less what has no plist form (retained). */
OSDictionary *
ioreg_copy_plist_properties(IORegistryEntry *e)
{
	OSDictionary *all = IORegistryEntry_dictionaryWithProperties(e);
	OSDictionary *out = NULL;
	OSArray *keys = NULL;

	if (all == NULL || (keys = OSDictionary_copyKeys(all)) == NULL ||
	    (out = OSDictionary_withCapacity(OSDictionary_getCount(all) + 1)) == NULL)
		goto out;
	for (unsigned int i = 0; i < OSArray_getCount(keys); i++) {
		const OSSymbol *k = (const OSSymbol *)OSArray_getObject(keys, i);
		OSObject *v = OSDictionary_getObject(all, k);

		if (iodump_plistable(v, IODUMP_VALUE_DEPTH) && !OSDictionary_setObject(out, k, v)) {
			OSSafeReleaseNULL(out);
			goto out;
		}
	}
out:
	OSSafeReleaseNULL(keys);
	OSSafeReleaseNULL(all);
	return out;
}

static bool
iodump_set_number(OSDictionary *d, const char *key, uint64_t value, unsigned int bits)
{
	OSNumber *n = OSNumber_withNumber(value, bits);
	bool ok = n != NULL && OSDictionary_setObjectCString(d, key, n);

	OSSafeReleaseNULL(n);
	return ok;
}

static bool
iodump_set_string(OSDictionary *d, const char *key, const char *value)
{
	OSString *s = OSString_withCString(value);
	bool ok = s != NULL && OSDictionary_setObjectCString(d, key, s);

	OSSafeReleaseNULL(s);
	return ok;
}

/* The class chain below OSObject, base class first (ioreg -i's order). */
static OSArray *
iodump_inheritance(const OSObject *obj)
{
	OSArray *chain = OSArray_withCapacity(6);
	const OSMetaClass *m;

	if (chain == NULL)
		return NULL;
	for (m = OSObject_getMetaClass(obj); m != NULL; m = OSMetaClass_getSuperClass(m)) {
		const OSSymbol *name = OSMetaClass_getClassNameSymbol(m);

		if (name == NULL ||
		    strcmp(OSString_getCStringNoCopy((const OSString *)name), "OSObject") == 0)
			break;
		if (!OSArray_setObjectAtIndex(chain, 0, name)) {
			OSSafeReleaseNULL(chain);
			break;
		}
	}
	return chain;
}

/* One entry's dictionary (retained), or NULL when out of memory. */
static OSDictionary *
iodump_entry(struct iodump *d, IORegistryEntry *e, unsigned int level, unsigned int childCount)
{
	OSDictionary *ed = OSDictionary_withCapacity(14);
	IOService *svc = OSDynamicCast(IOService, e);
	const char *loc = IORegistryEntry_getLocation(e, d->plane);
	OSArray *chain = NULL;
	OSDictionary *props = NULL;
	bool ok;

	if (ed == NULL)
		return NULL;
	ok = iodump_set_number(ed, KHIO_KEY_ENTRY_DEPTH, level, 32) &&
	     iodump_set_string(ed, KHIO_KEY_NAME, IORegistryEntry_getName(e, d->plane)) &&
	     (loc == NULL || iodump_set_string(ed, KHIO_KEY_LOCATION, loc)) &&
	     iodump_set_number(ed, KHIO_KEY_ID, IORegistryEntry_getRegistryEntryID(e), 64) &&
	     iodump_set_string(ed, KHIO_KEY_CLASS, OSObject_getClassName(e)) &&
	     (chain = iodump_inheritance(OSObj(e))) != NULL &&
	     OSDictionary_setObjectCString(ed, KHIO_KEY_INHERITANCE, chain) &&
	     iodump_set_number(ed, KHIO_KEY_RETAIN, (uint64_t)OSObject_getRetainCount(e), 32) &&
	     iodump_set_number(ed, KHIO_KEY_CHILD_COUNT, childCount, 32);
	if (ok && svc != NULL) {
		ok = iodump_set_number(ed, KHIO_KEY_STATE, IOService_getState(svc), 64) &&
		     iodump_set_number(ed, KHIO_KEY_BUSY, IOService_getBusyState(svc), 32) &&
		     iodump_set_number(ed, KHIO_KEY_BUSY_TIME,
		                       IOService_getAccumulatedBusyTime(svc) * 1000000ull, 64);
	}
	if (ok && d->wantProps) {
		ok = (props = ioreg_copy_plist_properties(e)) != NULL &&
		     OSDictionary_setObjectCString(ed, KHIO_KEY_PROPERTIES, props);
	}
	OSSafeReleaseNULL(chain);
	OSSafeReleaseNULL(props);
	if (!ok)
		OSSafeReleaseNULL(ed);
	return ed;
}

/* Dump e at level and, below the limit, its children. 0 or ENOMEM. */
static int
iodump_walk(struct iodump *d, IORegistryEntry *e, unsigned int level)
{
	OSArray *kids =
	        IORegistryEntry_inPlane(e, d->plane) ? IORegistryEntry_copyChildren(e, d->plane) : NULL;
	unsigned int n = kids != NULL ? OSArray_getCount(kids) : 0;
	OSDictionary *ed = iodump_entry(d, e, level, n);
	int err = 0;

	if (ed == NULL || !OSArray_setObject(d->out, ed)) {
		err = ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; level + 1 < d->maxLevels && i < n && err == 0; i++)
		err = iodump_walk(d, (IORegistryEntry *)OSArray_getObject(kids, i), level + 1);
out:
	OSSafeReleaseNULL(ed);
	OSSafeReleaseNULL(kids);
	return err;
}

/* Read an optional typed argument: 0, or EINVAL when present with another type. */
static int
iodump_arg(OSDictionary *args, const char *key, const OSMetaClass *type, OSObject **value)
{
	OSObject *v = args != NULL ? OSDictionary_getObjectCString(args, key) : NULL;

	*value = NULL;
	if (v == NULL)
		return 0;
	if (OSMetaClassBase_safeMetaCast(v, type) == NULL)
		return EINVAL;
	*value = v;
	return 0;
}

int
ioreg_dump_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                          struct kreq_buf *reply)
{
	struct iodump d = {.plane = gIOServicePlane, .maxLevels = KHIO_MAX_DEPTH + 1, .wantProps = true};
	OSObject *req = NULL, *plane, *path, *eid, *depth, *props;
	OSDictionary *args = NULL;
	IORegistryEntry *root = NULL;
	int err;

	if (len != 0) {
		req = OSUnserializePlist(payload, len, NULL);
		if ((args = OSDynamicCast(OSDictionary, req)) == NULL) {
			err = EINVAL;
			goto out;
		}
	}
	if ((err = iodump_arg(args, KHIO_KEY_PLANE, OSTypeID(OSString), &plane)) != 0 ||
	    (err = iodump_arg(args, KHIO_KEY_PATH, OSTypeID(OSString), &path)) != 0 ||
	    (err = iodump_arg(args, KHIO_KEY_ID, OSTypeID(OSNumber), &eid)) != 0 ||
	    (err = iodump_arg(args, KHIO_KEY_DEPTH, OSTypeID(OSNumber), &depth)) != 0 ||
	    (err = iodump_arg(args, KHIO_KEY_WANT_PROPS, OSTypeID(OSBoolean), &props)) != 0)
		goto out;
	if (plane != NULL &&
	    (d.plane = IORegistryEntry_getPlane(OSString_getCStringNoCopy((OSString *)plane))) == NULL) {
		err = ENOENT;
		goto out;
	}
	if (depth != NULL) {
		uint64_t v = OSNumber_unsigned64BitValue((OSNumber *)depth);
		if (v != 0 && v <= KHIO_MAX_DEPTH)
			d.maxLevels = (unsigned int)v;
	}
	if (props != NULL)
		d.wantProps = OSBoolean_isTrue((OSBoolean *)props);
	if (eid != NULL)
		root = IORegistryEntry_fromID(OSNumber_unsigned64BitValue((OSNumber *)eid));
	else if (path != NULL)
		root = IORegistryEntry_fromPath(OSString_getCStringNoCopy((OSString *)path), d.plane, NULL,
		                                NULL, NULL);
	else if ((root = IORegistryEntry_getRegistryRoot()) != NULL)
		OSObject_retain(root);
	if (root == NULL) {
		err = ENOENT;
		goto out;
	}
	if ((d.out = OSArray_withCapacity(32)) == NULL) {
		err = ENOMEM;
		goto out;
	}
	if ((err = iodump_walk(&d, root, 0)) == 0)
		err = kreq_object_to_xml(OSObj(d.out), reply) == 0 ? 0 : ENOMEM;
out:
	OSSafeReleaseNULL(d.out);
	OSSafeReleaseNULL(root);
	OSSafeReleaseNULL(req);
	return err;
}
