/*
 * IORegistryProps.c — an entry's names, locations and properties, and
 * registry paths (getPath, fromPath).
 *
 * Names and locations live in the registry table (registry lock): the
 * global ones under "IOName"/"IOLocation", per-plane ones under the plane's
 * keys; getName(plane) falls back from the plane's name to the global one
 * to the class name, as XNU does. Property tables are guarded by the entry's
 * mutex; get* hand out unretained pointers like XNU (valid while the entry
 * keeps the value), copy* retained ones.
 */
#include <IOKit/IOLib.h>
#include <libkern/libkern.h>
#include <string.h>
#include "iokit/Kernel/IOKitCore.h"

#define IOREG_PLOCK(e) lck_mtx_lock((lck_mtx_t *)(e)->fPropertyLock)
#define IOREG_PUNLOCK(e) lck_mtx_unlock((lck_mtx_t *)(e)->fPropertyLock)

/* ---- names and locations -------------------------------------------------------- */

static const OSSymbol *
ioreg_copy_string_key(const IORegistryEntry *self, const IORegistryPlane *plane, int which,
                      const OSSymbol *global)
{
	OSObject *o = NULL;

	ioreg_read_lock();
	if (plane != NULL) {
		o = OSDictionary_getObject(self->fRegistryTable, plane->keys[which]);
	}
	if (o == NULL) {
		o = OSDictionary_getObject(self->fRegistryTable, global);
	}
	if (o != NULL) {
		OSObject_retain(o);
	}
	ioreg_unlock();
	return (const OSSymbol *)o;
}

const OSSymbol *(IORegistryEntry_copyName)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	const OSSymbol *sym;

	if (self == NULL) {
		return NULL;
	}
	sym = ioreg_copy_string_key(self, plane, IOREG_NAME_KEY, gIONameKey);
	if (sym == NULL) {
		sym = OSMetaClass_getClassNameSymbol(OSObject_getMetaClass(self));
		if (sym != NULL) {
			OSObject_retain(sym);
		}
	}
	return sym;
}

const char *(IORegistryEntry_getName)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	/* Names are symbols and only replaced, never mutated: the pool keeps a replaced one alive
	 * while any entry or caller holds it; callers that race setName should use copyName. */
	const OSSymbol *sym = IORegistryEntry_copyName(self, plane);
	const char *name;

	if (sym == NULL) {
		return self ? OSObject_getClassName(self) : "";
	}
	name = OSSymbol_getCStringNoCopy(sym);
	OSObject_release(sym);
	return name;
}

static void
ioreg_set_string_key(IORegistryEntry *self, const char *value, const IORegistryPlane *plane, int which,
                     const OSSymbol *global)
{
	const OSSymbol *sym;

	if (self == NULL || value == NULL || (sym = OSSymbol_withCString(value)) == NULL) {
		return;
	}
	ioreg_write_lock();
	(void)OSDictionary_setObject(self->fRegistryTable, plane ? plane->keys[which] : global, sym);
	ioreg_unlock();
	OSObject_release(sym);
}

void(IORegistryEntry_setName)(IORegistryEntry *self, const char *name, const IORegistryPlane *plane)
{
	ioreg_set_string_key(self, name, plane, IOREG_NAME_KEY, gIONameKey);
}

const char *(IORegistryEntry_getLocation)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	const OSSymbol *sym;
	const char *loc;

	if (self == NULL ||
	    (sym = ioreg_copy_string_key(self, plane, IOREG_LOCATION_KEY, gIOLocationKey)) == NULL) {
		return NULL;
	}
	loc = OSSymbol_getCStringNoCopy(sym);
	OSObject_release(sym);
	return loc;
}

void(IORegistryEntry_setLocation)(IORegistryEntry *self, const char *location, const IORegistryPlane *plane)
{
	ioreg_set_string_key(self, location, plane, IOREG_LOCATION_KEY, gIOLocationKey);
}

bool(IORegistryEntry_compareNames)(const IORegistryEntry *self, OSObject *names, OSString **matched)
{
	OSString *str;
	OSCollection *coll;
	OSCollectionIterator *it;
	OSObject *o;
	bool found = false;

	if (self == NULL || names == NULL) {
		return false;
	}
	if ((str = OSDynamicCast(OSString, names)) != NULL) {
		return IORegistryEntry_compareName(self, str, matched);
	}
	if ((coll = OSDynamicCast(OSCollection, names)) == NULL ||
	    (it = OSCollectionIterator_withCollection(coll)) == NULL) {
		return false;
	}
	while (!found && (o = OSIterator_getNextObject(it)) != NULL) {
		if ((str = OSDynamicCast(OSString, o)) != NULL) {
			found = IORegistryEntry_compareName(self, str, matched);
		}
	}
	OSObject_release(it);
	return found;
}

/* ---- properties ----------------------------------------------------------------- */

bool(IORegistryEntry_setProperty)(IORegistryEntry *self, const OSSymbol *key, OSObject *value)
{
	bool ok;

	if (self == NULL || key == NULL || value == NULL || self->fPropertyTable == NULL) {
		return false;
	}
	IOREG_PLOCK(self);
	ok = OSDictionary_setObject(self->fPropertyTable, key, value);
	IOREG_PUNLOCK(self);
	return ok;
}

bool(IORegistryEntry_setPropertyCString)(IORegistryEntry *self, const char *key, OSObject *value)
{
	const OSSymbol *sym;
	bool ok;

	if (key == NULL || (sym = OSSymbol_withCString(key)) == NULL) {
		return false;
	}
	ok = IORegistryEntry_setProperty(self, sym, value);
	OSObject_release(sym);
	return ok;
}

bool(IORegistryEntry_setPropertyString)(IORegistryEntry *self, const char *key, const char *aString)
{
	/* XNU stores a symbol for setProperty(key, const char *). */
	const OSSymbol *v;
	bool ok;

	if (aString == NULL || (v = OSSymbol_withCString(aString)) == NULL) {
		return false;
	}
	ok = IORegistryEntry_setPropertyCString(self, key, v);
	OSObject_release(v);
	return ok;
}

bool(IORegistryEntry_setPropertyBoolean)(IORegistryEntry *self, const char *key, bool aBoolean)
{
	return IORegistryEntry_setPropertyCString(self, key, aBoolean ? kOSBooleanTrue : kOSBooleanFalse);
}

bool(IORegistryEntry_setPropertyNumber)(IORegistryEntry *self, const char *key, unsigned long long aValue,
                                        unsigned int aNumberOfBits)
{
	OSNumber *n = OSNumber_withNumber(aValue, aNumberOfBits);
	bool ok;

	if (n == NULL) {
		return false;
	}
	ok = IORegistryEntry_setPropertyCString(self, key, n);
	OSObject_release(n);
	return ok;
}

bool(IORegistryEntry_setPropertyData)(IORegistryEntry *self, const char *key, const void *bytes,
                                      unsigned int length)
{
	OSData *d = OSData_withBytes(bytes, length);
	bool ok;

	if (d == NULL) {
		return false;
	}
	ok = IORegistryEntry_setPropertyCString(self, key, d);
	OSObject_release(d);
	return ok;
}

OSObject *(IORegistryEntry_getProperty)(const IORegistryEntry *self, const OSSymbol *key)
{
	OSObject *o;

	if (self == NULL || key == NULL || self->fPropertyTable == NULL) {
		return NULL;
	}
	IOREG_PLOCK(self);
	o = OSDictionary_getObject(self->fPropertyTable, key);
	IOREG_PUNLOCK(self);
	return o;
}

OSObject *(IORegistryEntry_getPropertyCString)(const IORegistryEntry *self, const char *key)
{
	OSObject *o;

	if (self == NULL || key == NULL || self->fPropertyTable == NULL) {
		return NULL;
	}
	IOREG_PLOCK(self);
	o = OSDictionary_getObjectCString(self->fPropertyTable, key);
	IOREG_PUNLOCK(self);
	return o;
}

OSObject *(IORegistryEntry_copyProperty)(const IORegistryEntry *self, const OSSymbol *key)
{
	OSObject *o;

	if (self == NULL || key == NULL || self->fPropertyTable == NULL) {
		return NULL;
	}
	IOREG_PLOCK(self);
	o = OSDictionary_getObject(self->fPropertyTable, key);
	if (o != NULL) {
		OSObject_retain(o);
	}
	IOREG_PUNLOCK(self);
	return o;
}

OSObject *(IORegistryEntry_copyPropertyCString)(const IORegistryEntry *self, const char *key)
{
	OSObject *o;

	if (self == NULL || key == NULL || self->fPropertyTable == NULL) {
		return NULL;
	}
	IOREG_PLOCK(self);
	o = OSDictionary_getObjectCString(self->fPropertyTable, key);
	if (o != NULL) {
		OSObject_retain(o);
	}
	IOREG_PUNLOCK(self);
	return o;
}

OSObject *(IORegistryEntry_copyPropertyInPlane)(const IORegistryEntry *self, const char *key,
                                                const IORegistryPlane *plane, IOOptionBits options)
{
	OSObject *o = IORegistryEntry_copyPropertyCString(self, key);
	IORegistryIterator *it;
	IORegistryEntry *e;

	if (o != NULL || plane == NULL || !(options & kIORegistryIterateRecursively)) {
		return o;
	}
	it = IORegistryIterator_iterateOver((IORegistryEntry *)self, plane, options);
	while (it != NULL && o == NULL && (e = IORegistryIterator_getNextObject(it)) != NULL) {
		o = IORegistryEntry_copyPropertyCString(e, key);
	}
	OSSafeReleaseNULL(it);
	return o;
}

void(IORegistryEntry_removeProperty)(IORegistryEntry *self, const OSSymbol *key)
{
	if (self == NULL || key == NULL || self->fPropertyTable == NULL) {
		return;
	}
	IOREG_PLOCK(self);
	OSDictionary_removeObject(self->fPropertyTable, key);
	IOREG_PUNLOCK(self);
}

void(IORegistryEntry_removePropertyCString)(IORegistryEntry *self, const char *key)
{
	if (self == NULL || key == NULL || self->fPropertyTable == NULL) {
		return;
	}
	IOREG_PLOCK(self);
	OSDictionary_removeObjectCString(self->fPropertyTable, key);
	IOREG_PUNLOCK(self);
}

OSDictionary *(IORegistryEntry_dictionaryWithProperties)(const IORegistryEntry *self)
{
	OSDictionary *d;

	if (self == NULL || self->fPropertyTable == NULL) {
		return NULL;
	}
	IOREG_PLOCK(self);
	d = OSDictionary_withDictionary(self->fPropertyTable, 0);
	IOREG_PUNLOCK(self);
	return d;
}

OSDictionary *(IORegistryEntry_getPropertyTable)(const IORegistryEntry *self)
{
	return self ? self->fPropertyTable : NULL;
}

OSArray *(IORegistryEntry_copyPropertyKeys)(const IORegistryEntry *self)
{
	OSArray *keys;

	if (self == NULL || self->fPropertyTable == NULL) {
		return NULL;
	}
	IOREG_PLOCK(self);
	keys = OSDictionary_copyKeys(self->fPropertyTable);
	IOREG_PUNLOCK(self);
	return keys;
}

void(IORegistryEntry_setPropertyTable)(IORegistryEntry *self, OSDictionary *dict)
{
	OSDictionary *old;

	if (self == NULL || dict == NULL) {
		return;
	}
	OSObject_retain(dict);
	IOREG_PLOCK(self);
	old = self->fPropertyTable;
	self->fPropertyTable = dict;
	IOREG_PUNLOCK(self);
	OSSafeReleaseNULL(old);
}

/* ---- paths ---------------------------------------------------------------------- */

static bool
ioreg_append(char *buf, int size, int *len, const char *s)
{
	size_t n = strlen(s);

	if (n >= (size_t)(size - *len)) {
		return false;
	}
	memcpy(buf + *len, s, n + 1);
	*len += (int)n;
	return true;
}

bool
IORegistryEntry_getPathComponent(const IORegistryEntry *self, char *path, int *length,
                                 const IORegistryPlane *plane)
{
	const char *loc;
	int len = 0;

	if (self == NULL || path == NULL || length == NULL || *length <= 0) {
		return false;
	}
	path[0] = 0;
	if (!ioreg_append(path, *length, &len, IORegistryEntry_getName(self, plane))) {
		return false;
	}
	if ((loc = IORegistryEntry_getLocation(self, plane)) != NULL &&
	    (!ioreg_append(path, *length, &len, "@") || !ioreg_append(path, *length, &len, loc))) {
		return false;
	}
	*length = len;
	return true;
}

bool(IORegistryEntry_getPath)(const IORegistryEntry *self, char *path, int *length,
                              const IORegistryPlane *plane)
{
	enum { MAXDEPTH = 64 };
	IORegistryEntry *chain[MAXDEPTH];
	int depth = 0, len = 0;
	bool ok = true;
	const IORegistryEntry *e = self;

	if (self == NULL || path == NULL || length == NULL || *length <= 0 || plane == NULL) {
		return false;
	}
	/* Collect the chain to the root, each retained so it can't vanish while we print it. */
	OSObject_retain(e);
	while (e != gIORegistryRoot) {
		IORegistryEntry *parent;

		if (depth == MAXDEPTH || (parent = IORegistryEntry_copyParentEntry(e, plane)) == NULL) {
			ok = false;
			break;
		}
		chain[depth++] = (IORegistryEntry *)e;
		e = parent;
	}
	OSObject_release(e);
	path[0] = 0;
	ok = ok && ioreg_append(path, *length, &len, IORegistryPlane_getName(plane)) &&
	     ioreg_append(path, *length, &len, ":");
	if (ok && depth == 0) {
		ok = ioreg_append(path, *length, &len, "/");
	}
	for (int i = depth - 1; ok && i >= 0; i--) {
		int clen = *length - len - 1;

		ok = ioreg_append(path, *length, &len, "/") && clen > 1 &&
		     IORegistryEntry_getPathComponent(chain[i], path + len, &clen, plane);
		if (ok) {
			len += clen;
		}
	}
	for (int i = 0; i < depth; i++) {
		OSObject_release(chain[i]);
	}
	if (ok) {
		*length = len;
	}
	return ok;
}

/* The child of parent named by component "name[@location]" (retained), or NULL. */
static IORegistryEntry *
ioreg_child_named(IORegistryEntry *parent, const char *comp, size_t clen, const IORegistryPlane *plane)
{
	OSArray *kids = IORegistryEntry_copyChildren(parent, plane);
	IORegistryEntry *found = NULL;
	const char *at = memchr(comp, '@', clen);
	size_t nlen = at ? (size_t)(at - comp) : clen;

	for (unsigned int i = 0; kids != NULL && found == NULL && i < OSArray_getCount(kids); i++) {
		IORegistryEntry *k = (IORegistryEntry *)OSArray_getObject(kids, i);
		const char *name = IORegistryEntry_getName(k, plane);
		const char *loc = IORegistryEntry_getLocation(k, plane);

		if (strlen(name) != nlen || strncmp(name, comp, nlen) != 0) {
			continue;
		}
		if (at != NULL) {
			size_t llen = clen - nlen - 1;

			if (loc == NULL || strlen(loc) != llen || strncmp(loc, at + 1, llen) != 0) {
				continue;
			}
		}
		OSObject_retain(k);
		found = k;
	}
	OSSafeReleaseNULL(kids);
	return found;
}

IORegistryEntry *
IORegistryEntry_fromPath(const char *path, const IORegistryPlane *plane, char *residualPath,
                         int *residualLength, IORegistryEntry *fromEntry)
{
	const char *colon, *p;
	IORegistryEntry *e;

	if (path == NULL) {
		return NULL;
	}
	colon = strchr(path, ':');
	if (colon != NULL && (strchr(path, '/') == NULL || colon < strchr(path, '/'))) {
		char pname[kIOMaxPlaneName];
		size_t n = (size_t)(colon - path);

		if (n >= sizeof(pname)) {
			return NULL;
		}
		memcpy(pname, path, n);
		pname[n] = 0;
		if (n > 0 && (plane = IORegistryEntry_getPlane(pname)) == NULL) {
			return NULL;
		}
		path = colon + 1;
	}
	if (plane == NULL) {
		plane = gIOServicePlane;
	}
	if (*path == '/') {
		e = gIORegistryRoot;
	} else if (fromEntry != NULL) {
		e = fromEntry;
	} else {
		return NULL;
	}
	OSObject_retain(e);
	for (p = path; e != NULL && *p != 0;) {
		const char *end;
		IORegistryEntry *next;

		while (*p == '/') {
			p++;
		}
		if (*p == 0) {
			break;
		}
		end = strchr(p, '/');
		if (end == NULL) {
			end = p + strlen(p);
		}
		next = ioreg_child_named(e, p, (size_t)(end - p), plane);
		OSObject_release(e);
		e = next;
		p = end;
	}
	if (residualLength != NULL) {
		*residualLength = 0;
	}
	if (residualPath != NULL) {
		residualPath[0] = 0;
	}
	return e;
}
