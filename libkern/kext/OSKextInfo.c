/*
 * OSKextInfo.c — OSKextCopyLoadedKextInfo: what kextstat shows, as XNU's
 * OSKext::copyLoadedKextInfo returns it: a dictionary keyed by bundle
 * identifier (here in load-tag order) of dictionaries holding the
 * OSBundle* keys of each loaded kext, optionally limited to some kexts
 * and some keys.
 */
#include "libkern/kext/kext_internal.h"

/* Upcast a possibly-NULL object (OSObj must not see NULL: pointer arithmetic). */
#define OBJ(x) ((OSObject *)(void *)(x))

static bool
oskext_want_key(OSArray *infoKeys, const char *key)
{
	unsigned int i, n = infoKeys ? OSArray_getCount(infoKeys) : 0;

	if (n == 0) {
		return true;
	}
	for (i = 0; i < n; i++) {
		OSString *s = OSKEXT_CAST(OSString, OSArray_getObject(infoKeys, i));

		if (s != NULL && OSString_isEqualToCString(s, key)) {
			return true;
		}
	}
	return false;
}

static bool
oskext_want_kext(OSArray *ids, const OSKext *k)
{
	unsigned int i, n = ids ? OSArray_getCount(ids) : 0;

	if (n == 0) {
		return true;
	}
	for (i = 0; i < n; i++) {
		OSString *s = OSKEXT_CAST(OSString, OSArray_getObject(ids, i));

		if (s != NULL && OSString_isEqualToCString(s, oskext_id(k))) {
			return true;
		}
	}
	return false;
}

/* Set key to obj (consumed; NULL is skipped) when infoKeys asks for it. */
static void
oskext_put(OSDictionary *d, OSArray *infoKeys, const char *key, OSObject *obj)
{
	if (obj == NULL) {
		return;
	}
	if (oskext_want_key(infoKeys, key)) {
		(void)OSDictionary_setObjectCString(d, key, obj);
	}
	OSObject_release(obj);
}

static OSObject *
oskext_num(unsigned long long v, unsigned int bits)
{
	return OBJ(OSNumber_withNumber(v, bits));
}

static OSObject *
oskext_bool(bool v)
{
	OSObject *b = OSObj(v ? kOSBooleanTrue : kOSBooleanFalse);

	OSObject_retain(b); /* oskext_put consumes a reference */
	return b;
}

static OSObject *
oskext_version_string(OSKextVersion v)
{
	char buf[kOSKextVersionMaxLength];

	(void)OSKextVersionGetString(v, buf, sizeof(buf));
	return OBJ(OSString_withCString(buf));
}

static OSDictionary *
oskext_copy_info(OSKext *k, OSArray *infoKeys)
{
	OSDictionary *d = OSDictionary_withCapacity(16);
	OSObject *vers = NULL;
	OSArray *deps, *classes;
	unsigned int i;

	if (d == NULL) {
		return NULL;
	}
	oskext_put(d, infoKeys, kCFBundleIdentifierKey, OBJ(OSString_withString(k->bundleID)));
	if (k->infoDict != NULL) {
		vers = OSDictionary_getObjectCString(k->infoDict, kCFBundleVersionKey);
	}
	if (vers != NULL) {
		OSObject_retain(vers);
	} else {
		vers = oskext_version_string(k->version);
	}
	oskext_put(d, infoKeys, kCFBundleVersionKey, vers);
	if (k->kflags & OSKEXT_F_LIBRARY) {
		OSObject *compat = k->infoDict ? OSDictionary_getObjectCString(k->infoDict,
		                                                               kOSBundleCompatibleVersionKey)
		                               : NULL;

		if (compat != NULL) {
			OSObject_retain(compat);
		} else {
			compat = oskext_version_string(k->compatibleVersion);
		}
		oskext_put(d, infoKeys, kOSBundleCompatibleVersionKey, compat);
	}
	oskext_put(d, infoKeys, kOSBundleLoadTagKey, oskext_num(k->loadTag, 32));
	oskext_put(d, infoKeys, kOSBundleLoadAddressKey, oskext_num(k->address, 64));
	oskext_put(d, infoKeys, kOSBundleLoadSizeKey, oskext_num(k->size, 64));
	oskext_put(d, infoKeys, kOSBundleWiredSizeKey, oskext_num(k->wiredSize, 64));
	if (k->hasUUID) {
		oskext_put(d, infoKeys, kOSBundleUUIDKey, OBJ(OSData_withBytes(k->uuid, sizeof(k->uuid))));
	}
	oskext_put(d, infoKeys, kOSBundleRetainCountKey, oskext_num(k->dependents + k->retains, 32));
	oskext_put(d, infoKeys, kOSBundleStartedKey, oskext_bool(k->kflags & OSKEXT_F_STARTED));
	oskext_put(d, infoKeys, kOSKernelResourceKey, oskext_bool(k->kflags & OSKEXT_F_KERNEL_COMPONENT));
	oskext_put(d, infoKeys, kOSBundleIsInterfaceKey, oskext_bool(k->kflags & OSKEXT_F_INTERFACE));
	if (k->path != NULL) {
		oskext_put(d, infoKeys, kOSBundlePathKey, OBJ(OSString_withString(k->path)));
	}
	if (k->executablePath != NULL) {
		oskext_put(d, infoKeys, kOSBundleExecutablePathKey,
		           OBJ(OSString_withString(k->executablePath)));
	}
	if (oskext_want_key(infoKeys, kOSBundleDependenciesKey) && k->dependencies != NULL &&
	    OSArray_getCount(k->dependencies) > 0 && (deps = OSArray_withCapacity(4)) != NULL) {
		for (i = 0; i < OSArray_getCount(k->dependencies); i++) {
			OSNumber *n = OSNumber_withNumber(
			        ((OSKext *)OSArray_getObject(k->dependencies, i))->loadTag, 32);

			if (n != NULL) {
				(void)OSArray_setObject(deps, n);
				OSObject_release(n);
			}
		}
		oskext_put(d, infoKeys, kOSBundleDependenciesKey, OBJ(deps));
	}
	if (oskext_want_key(infoKeys, kOSBundleClassesKey) && (k->kflags & OSKEXT_F_CLASSES) &&
	    k->classesBegin != k->classesEnd && (classes = OSArray_withCapacity(4)) != NULL) {
		OSMetaClass *const *m;

		for (m = k->classesBegin; m < k->classesEnd; m++) {
			OSString *s = OSString_withCString(OSMetaClass_getClassName(*m));

			if (s != NULL) {
				(void)OSArray_setObject(classes, s);
				OSObject_release(s);
			}
		}
		oskext_put(d, infoKeys, kOSBundleClassesKey, OBJ(classes));
	}
	return d;
}

OSDictionary *
OSKextCopyLoadedKextInfo(OSArray *kextIdentifiers, OSArray *infoKeys)
{
	OSDictionary *result = OSDictionary_withCapacity(16);
	OSArray *loaded;
	unsigned int i;

	if (result == NULL) {
		return NULL;
	}
	oskext_lock();
	loaded = oskext_loaded();
	for (i = 0; loaded != NULL && i < OSArray_getCount(loaded); i++) {
		OSKext *k = (OSKext *)OSArray_getObject(loaded, i);
		OSDictionary *info;

		if (!oskext_want_kext(kextIdentifiers, k) || (info = oskext_copy_info(k, infoKeys)) == NULL) {
			continue;
		}
		(void)OSDictionary_setObjectString(result, k->bundleID, info);
		OSObject_release(info);
	}
	oskext_unlock();
	return result;
}
