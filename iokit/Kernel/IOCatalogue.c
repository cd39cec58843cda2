/*
 * IOCatalogue.c — gIOCatalogue: driver personalities indexed by
 * IOProviderClass, and the glue that fills it from the kext system.
 *
 * The index maps a provider class name (symbol) to the array of
 * personalities naming it, so findDrivers costs one lookup per class in the
 * nub's superclass chain (IOService has a handful) rather than a scan of
 * every personality. Personalities are copied in, made with the kext's
 * CFBundleIdentifier, and never mutated afterwards (matching works on
 * copies), so findDrivers can hand out the shared dictionaries.
 */
#include <IOKit/IOLib.h>
#include <libkern/libkern.h>
#include <sys/errno.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOKitDebugPrivate.h"
#include "libkern/kext/OSKext.h"

IOCatalogue *gIOCatalogue;

#define CATLOCK(c) lck_mtx_lock((lck_mtx_t *)(c)->lock)
#define CATUNLOCK(c) lck_mtx_unlock((lck_mtx_t *)(c)->lock)

static void
IOCatalogue_free(OSObject *obj)
{
	IOCatalogue *self = (IOCatalogue *)obj;

	OSSafeReleaseNULL(self->personalities);
	if (self->lock != NULL) {
		lck_mtx_free(self->lock, ioreg_lck_grp);
	}
	OSSuperCall(IOCatalogue, free, obj);
}

static const OSMethod IOCatalogue_methods[] = {
        OSMethodOverride(OSObject, free, IOCatalogue_free),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOCatalogue, OSObject, IOCatalogue_methods);

/* Does dict have every key of matching with an equal value? */
static bool
iocat_has_all(OSDictionary *dict, OSDictionary *matching)
{
	OSArray *keys = OSDictionary_copyKeys(matching);
	bool ok = keys != NULL;

	for (unsigned int i = 0; ok && i < OSArray_getCount(keys); i++) {
		const OSSymbol *k = (const OSSymbol *)OSArray_getObject(keys, i);
		OSObject *v = OSDictionary_getObject(dict, k);

		ok = v != NULL && OSObject_isEqualTo(v, OSDictionary_getObject(matching, k));
	}
	OSSafeReleaseNULL(keys);
	return ok;
}

/* Restart matching on registered services that are kinds of any class in classes. */
static void
iocat_rematch(OSSet *classes)
{
	IORegistryIterator *it;
	IORegistryEntry *e;
	OSArray *todo = OSArray_withCapacity(8);

	if (todo == NULL || gIOServiceRoot == NULL) {
		OSSafeReleaseNULL(todo);
		return;
	}
	it = IORegistryIterator_iterateOver(IORegistryEntry_getRegistryRoot(), gIOServicePlane,
	                                    kIORegistryIterateRecursively);
	while (it != NULL && (e = IORegistryIterator_getNextObject(it)) != NULL) {
		IOService *s = OSDynamicCast(IOService, e);
		OSCollectionIterator *ci;
		OSObject *c;

		if (s == NULL ||
		    (IOService_getState(s) & (kIOServiceRegisteredState | kIOServiceInactiveState)) !=
		            kIOServiceRegisteredState) {
			continue;
		}
		if ((ci = OSCollectionIterator_withCollection((OSCollection *)classes)) == NULL) {
			continue;
		}
		while ((c = OSIterator_getNextObject(ci)) != NULL) {
			if (OSMetaClass_checkMetaCastWithName((const OSSymbol *)c, OSObj(s)) != NULL) {
				(void)OSArray_setObject(todo, s);
				break;
			}
		}
		OSObject_release(ci);
	}
	OSSafeReleaseNULL(it);
	for (unsigned int i = 0; i < OSArray_getCount(todo); i++) {
		IOService_startMatching((IOService *)OSArray_getObject(todo, i), kIOServiceAsynchronous);
	}
	OSObject_release(todo);
}

bool
IOCatalogue_addDrivers(IOCatalogue *self, OSArray *array, bool doNubMatching)
{
	OSSet *classes = OSSet_withCapacity(4);
	bool ok = true;

	if (self == NULL || array == NULL || classes == NULL) {
		OSSafeReleaseNULL(classes);
		return false;
	}
	CATLOCK(self);
	for (unsigned int i = 0; i < OSArray_getCount(array); i++) {
		OSDictionary *p = OSDynamicCast(OSDictionary, OSArray_getObject(array, i));
		OSString *cls =
		        p ? OSDynamicCast(OSString, OSDictionary_getObject(p, gIOProviderClassKey)) : NULL;
		const OSSymbol *sym;
		OSArray *bucket;
		bool dup = false;

		if (cls == NULL || (sym = OSSymbol_withString(cls)) == NULL) {
			ok = false; /* no IOProviderClass: not a personality */
			continue;
		}
		bucket = (OSArray *)OSDictionary_getObject(self->personalities, sym);
		if (bucket == NULL && (bucket = OSArray_withCapacity(2)) != NULL) {
			(void)OSDictionary_setObject(self->personalities, sym, bucket);
			OSObject_release(bucket);
		}
		for (unsigned int j = 0; bucket != NULL && !dup && j < OSArray_getCount(bucket); j++) {
			dup = OSObject_isEqualTo(OSArray_getObject(bucket, j), p);
		}
		if (bucket != NULL && !dup) {
			OSDictionary *copy = OSDictionary_withDictionary(p, 0);
			OSString *cn = OSDynamicCast(OSString, OSDictionary_getObject(p, gIOClassKey));

			IOKITDEBUG_LOG(kIOLogCatalogue, "IOCatalogue: adding personality %s for %s\n",
			               cn != NULL ? OSString_getCStringNoCopy(cn) : "?",
			               OSString_getCStringNoCopy(cls));

			ok = copy != NULL && OSArray_setObject(bucket, copy) && ok;
			OSSafeReleaseNULL(copy);
			(void)OSSet_setObject(classes, sym);
		}
		OSObject_release(sym);
	}
	self->generation++;
	CATUNLOCK(self);
	if (doNubMatching && OSSet_getCount(classes) != 0) {
		iocat_rematch(classes);
	}
	OSObject_release(classes);
	return ok;
}

bool
IOCatalogue_removeDrivers(IOCatalogue *self, OSDictionary *matching, bool doNubMatching)
{
	OSSet *classes = OSSet_withCapacity(4);
	OSArray *keys;

	if (self == NULL || matching == NULL || classes == NULL) {
		OSSafeReleaseNULL(classes);
		return false;
	}
	CATLOCK(self);
	keys = OSDictionary_copyKeys(self->personalities);
	for (unsigned int k = 0; keys != NULL && k < OSArray_getCount(keys); k++) {
		const OSSymbol *cls = (const OSSymbol *)OSArray_getObject(keys, k);
		OSArray *bucket = (OSArray *)OSDictionary_getObject(self->personalities, cls);

		for (unsigned int i = OSArray_getCount(bucket); i-- > 0;) {
			if (iocat_has_all((OSDictionary *)OSArray_getObject(bucket, i), matching)) {
				IOKITDEBUG_LOG(kIOLogCatalogue,
				               "IOCatalogue: removing a personality for %s\n",
				               OSSymbol_getCStringNoCopy(cls));
				OSArray_removeObject(bucket, i);
				(void)OSSet_setObject(classes, cls);
			}
		}
		if (OSArray_getCount(bucket) == 0) {
			OSDictionary_removeObject(self->personalities, cls);
		}
	}
	OSSafeReleaseNULL(keys);
	self->generation++;
	CATUNLOCK(self);
	if (doNubMatching && OSSet_getCount(classes) != 0) {
		iocat_rematch(classes);
	}
	OSObject_release(classes);
	return true;
}

OSOrderedSet *
IOCatalogue_findDrivers(IOCatalogue *self, IOService *service, SInt32 *generationCount)
{
	OSOrderedSet *set = OSOrderedSet_withCapacity(4, IOServiceOrdering, NULL);
	const OSMetaClass *meta;

	if (self == NULL || service == NULL || set == NULL) {
		OSSafeReleaseNULL(set);
		return NULL;
	}
	CATLOCK(self);
	for (meta = OSObject_getMetaClass(service); meta != NULL; meta = OSMetaClass_getSuperClass(meta)) {
		OSArray *bucket = (OSArray *)OSDictionary_getObject(self->personalities,
		                                                    OSMetaClass_getClassNameSymbol(meta));

		for (unsigned int i = 0; bucket != NULL && i < OSArray_getCount(bucket); i++) {
			(void)OSOrderedSet_setObject(set, OSArray_getObject(bucket, i));
		}
	}
	if (generationCount != NULL) {
		*generationCount = self->generation;
	}
	CATUNLOCK(self);
	return set;
}

OSOrderedSet *
IOCatalogue_findDriversMatching(IOCatalogue *self, OSDictionary *matching, SInt32 *generationCount)
{
	OSOrderedSet *set = OSOrderedSet_withCapacity(4, IOServiceOrdering, NULL);
	OSArray *keys;

	if (self == NULL || matching == NULL || set == NULL) {
		OSSafeReleaseNULL(set);
		return NULL;
	}
	CATLOCK(self);
	keys = OSDictionary_copyKeys(self->personalities);
	for (unsigned int k = 0; keys != NULL && k < OSArray_getCount(keys); k++) {
		OSArray *bucket = (OSArray *)OSDictionary_getObject(
		        self->personalities, (const OSSymbol *)OSArray_getObject(keys, k));

		for (unsigned int i = 0; i < OSArray_getCount(bucket); i++) {
			if (iocat_has_all((OSDictionary *)OSArray_getObject(bucket, i), matching)) {
				(void)OSOrderedSet_setObject(set, OSArray_getObject(bucket, i));
			}
		}
	}
	OSSafeReleaseNULL(keys);
	if (generationCount != NULL) {
		*generationCount = self->generation;
	}
	CATUNLOCK(self);
	return set;
}

SInt32
IOCatalogue_getGenerationCount(const IOCatalogue *self)
{
	return self ? __atomic_load_n(&self->generation, __ATOMIC_ACQUIRE) : 0;
}

unsigned int
IOCatalogue_getCount(const IOCatalogue *self)
{
	unsigned int n = 0;
	OSArray *keys;

	if (self == NULL) {
		return 0;
	}
	CATLOCK(self);
	keys = OSDictionary_copyKeys(self->personalities);
	for (unsigned int k = 0; keys != NULL && k < OSArray_getCount(keys); k++) {
		n += OSArray_getCount((OSArray *)OSDictionary_getObject(
		        self->personalities, (const OSSymbol *)OSArray_getObject(keys, k)));
	}
	OSSafeReleaseNULL(keys);
	CATUNLOCK(self);
	return n;
}

bool
IOCatalogue_startMatching(IOCatalogue *self, OSDictionary *matching)
{
	OSString *cls =
	        matching ? OSDynamicCast(OSString, OSDictionary_getObject(matching, gIOProviderClassKey))
	                 : NULL;
	OSSet *classes;
	const OSSymbol *sym;

	if (self == NULL || cls == NULL || (classes = OSSet_withCapacity(1)) == NULL) {
		return false;
	}
	if ((sym = OSSymbol_withString(cls)) != NULL) {
		(void)OSSet_setObject(classes, sym);
		OSObject_release(sym);
	}
	iocat_rematch(classes);
	OSObject_release(classes);
	return true;
}

IOReturn
IOCatalogue_terminateDrivers(IOCatalogue *self, OSDictionary *matching)
{
	IORegistryIterator *it;
	IORegistryEntry *e;
	OSArray *victims = OSArray_withCapacity(4);
	OSDictionary *rest;
	OSString *cls;
	IOReturn ret = kIOReturnSuccess;

	if (self == NULL || matching == NULL || victims == NULL || gIOServiceRoot == NULL) {
		OSSafeReleaseNULL(victims);
		return kIOReturnBadArgument;
	}
	/*
	 * IOClass names a class, not a string to compare: instances of it and of
	 * its subclasses go whatever personality started them (kextunload -c).
	 * The other keys must equal the service's properties.
	 */
	cls = OSDynamicCast(OSString, OSDictionary_getObject(matching, gIOClassKey));
	rest = OSDictionary_withDictionary(matching, 0);
	if (rest == NULL) {
		OSObject_release(victims);
		return kIOReturnNoMemory;
	}
	if (cls != NULL) {
		OSDictionary_removeObject(rest, gIOClassKey);
	}
	it = IORegistryIterator_iterateOver(IORegistryEntry_getRegistryRoot(), gIOServicePlane,
	                                    kIORegistryIterateRecursively);
	while (it != NULL && (e = IORegistryIterator_getNextObject(it)) != NULL) {
		IOService *s = OSDynamicCast(IOService, e);
		OSDictionary *props;

		if (s == NULL || IOService_isInactive(s) ||
		    (cls != NULL &&
		     OSMetaClassBase_metaCastWithCString(OSObj(s), OSString_getCStringNoCopy(cls)) == NULL) ||
		    (props = IORegistryEntry_dictionaryWithProperties(s)) == NULL) {
			continue;
		}
		if (iocat_has_all(props, rest)) {
			(void)OSArray_setObject(victims, s);
		}
		OSObject_release(props);
	}
	OSObject_release(rest);
	OSSafeReleaseNULL(it);
	for (unsigned int i = 0; i < OSArray_getCount(victims); i++) {
		IOService *s = (IOService *)OSArray_getObject(victims, i);

		if (!IOService_isInactive(s) &&
		    !IOService_terminate(s, kIOServiceRequired | kIOServiceSynchronous)) {
			ret = kIOReturnUnsupported;
		}
	}
	OSObject_release(victims);
	(void)IOKitWaitQuiet(0);
	return ret;
}

IOReturn
IOCatalogue_terminateDriversForModule(IOCatalogue *self, const char *moduleName, bool unload)
{
	OSDictionary *m = OSDictionary_withCapacity(1);
	OSString *s = moduleName ? OSString_withCString(moduleName) : NULL;
	IOReturn ret = kIOReturnBadArgument;

	if (m != NULL && s != NULL && OSDictionary_setObjectCString(m, kIOBundleIdentifierKey, s)) {
		ret = IOCatalogue_terminateDrivers(self, m);
		(void)IOCatalogue_removeDrivers(self, m, false);
		if (ret == kIOReturnSuccess && unload) {
			(void)OSKext_unloadWithIdentifier(moduleName, 0, NULL);
		}
	}
	OSSafeReleaseNULL(m);
	OSSafeReleaseNULL(s);
	return ret;
}

OSArray *
iocat_personalities_of(OSDictionary *infoDict)
{
	OSDictionary *pers =
	        infoDict ? OSDynamicCast(OSDictionary,
	                                 OSDictionary_getObjectCString(infoDict, "IOKitPersonalities"))
	                 : NULL;
	OSObject *bundleID =
	        infoDict ? OSDictionary_getObjectCString(infoDict, kIOBundleIdentifierKey) : NULL;
	OSArray *out, *keys;

	if (pers == NULL || (out = OSArray_withCapacity(OSDictionary_getCount(pers))) == NULL) {
		return NULL;
	}
	keys = OSDictionary_copyKeys(pers);
	for (unsigned int i = 0; keys != NULL && i < OSArray_getCount(keys); i++) {
		OSDictionary *p = OSDynamicCast(
		        OSDictionary,
		        OSDictionary_getObject(pers, (const OSSymbol *)OSArray_getObject(keys, i)));
		OSDictionary *copy;

		if (p == NULL || (copy = OSDictionary_withDictionary(p, 0)) == NULL) {
			continue;
		}
		/* As kextd does: a personality without a bundle identifier gets its kext's. */
		if (bundleID != NULL && OSDictionary_getObjectCString(copy, kIOBundleIdentifierKey) == NULL) {
			(void)OSDictionary_setObjectCString(copy, kIOBundleIdentifierKey, bundleID);
		}
		(void)OSArray_setObject(out, copy);
		OSObject_release(copy);
	}
	OSSafeReleaseNULL(keys);
	return out;
}

/* kextunload -c: terminate every instance of the class (the kext system unloads it afterwards). */
static OSReturn
iocat_terminate_class(const char *className)
{
	OSDictionary *m = OSDictionary_withCapacity(1);
	OSString *s = OSString_withCString(className);
	IOReturn ret = kIOReturnNoMemory;

	if (m != NULL && s != NULL && gIOCatalogue != NULL && OSDictionary_setObject(m, gIOClassKey, s)) {
		ret = IOCatalogue_terminateDrivers(gIOCatalogue, m);
	}
	OSSafeReleaseNULL(m);
	OSSafeReleaseNULL(s);
	return ret == kIOReturnSuccess ? kOSReturnSuccess : kOSReturnError;
}

/* The kext system's hooks: repository scans and loads add personalities; unloads remove them. */
static void
iocat_kext_loaded(OSDictionary *infoDict)
{
	OSArray *p = iocat_personalities_of(infoDict);

	if (p != NULL && gIOCatalogue != NULL) {
		(void)IOCatalogue_addDrivers(gIOCatalogue, p, true);
	}
	OSSafeReleaseNULL(p);
}

static void
iocat_kext_unloaded(const char *bundleID)
{
	OSDictionary *m = OSDictionary_withCapacity(1);
	OSString *s = bundleID ? OSString_withCString(bundleID) : NULL;

	if (m != NULL && s != NULL && gIOCatalogue != NULL &&
	    OSDictionary_setObjectCString(m, kIOBundleIdentifierKey, s)) {
		(void)IOCatalogue_removeDrivers(gIOCatalogue, m, false);
	}
	OSSafeReleaseNULL(m);
	OSSafeReleaseNULL(s);
}

int
iocat_init(void)
{
	IOCatalogue *c = OSTypeAlloc(IOCatalogue);

	if (c == NULL || !OSObject_init(c) ||
	    (c->lock = lck_mtx_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL)) == NULL ||
	    (c->personalities = OSDictionary_withCapacity(64)) == NULL) {
		OSSafeReleaseNULL(c);
		return ENOMEM;
	}
	gIOCatalogue = c;
	OSKext_setPersonalityHooks(iocat_kext_loaded, iocat_kext_unloaded);
	OSKext_setClassTerminateHook(iocat_terminate_class);
	return 0;
}

void
iocat_shutdown(void)
{
	OSKext_setClassTerminateHook(NULL);
	OSKext_setPersonalityHooks(NULL, NULL);
}
