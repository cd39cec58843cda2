/*
 * IOKit/IORegistryEntry.h — the I/O Registry in C: IORegistryEntry (every
 * object in the registry), IORegistryPlane and IORegistryIterator.
 *
 * The registry is a set of trees, one per plane ("IOService", "IOPower"),
 * over the same entries. An entry has a property table (an OSDictionary of
 * OSObjects, guarded by the entry's own lock), a name and a location (global
 * or per plane), a registry entry ID (monotonic from 0x100000100, never
 * reused) and, in each plane it is attached in, parents and children. One
 * registry-wide reader/writer lock guards the topology; property tables are
 * guarded per entry, so reading a driver's properties never waits for a
 * topology change elsewhere.
 *
 * C names follow docs/OBJECTS.md: IORegistryEntry::getProperty(const char *)
 * is IORegistryEntry_getPropertyCString, the OSSymbol form keeps the plain name.
 * Functions that take an entry accept any subclass pointer (IOService *,
 * a driver's struct) through OSObj-style upcasts in the macros below.
 */
#ifndef _IOKIT_IOREGISTRYENTRY_H
#define _IOKIT_IOREGISTRYENTRY_H

#include <sys/cdefs.h>
#include <libkern/c/OSContainers.h>
/*
 * IOReturn and the I/O Kit scalar types. Until <IOKit/IOTypes.h> and
 * <IOKit/IOReturn.h> exist in the tree, the few this header needs are
 * declared here (same names and values).
 */
#if __has_include(<IOKit/IOTypes.h>)
#include <IOKit/IOTypes.h>
#endif
#if __has_include(<IOKit/IOReturn.h>)
#include <IOKit/IOReturn.h>
#endif
#if !defined(__IOKIT_IOTYPES_H) && !defined(IOKIT_CORE_FALLBACK_TYPES)
#define IOKIT_CORE_FALLBACK_TYPES 1
typedef UInt32 IOOptionBits;
typedef UInt32 IOItemCount;
typedef UInt64 IOByteCount64;
#endif
#if !defined(__IOKIT_IORETURN_H) && !defined(IOKIT_CORE_FALLBACK_RETURN)
#define IOKIT_CORE_FALLBACK_RETURN 1
typedef int IOReturn;
#define iokit_common_err(return ) ((int)(0xe0000000u | (unsigned)(return )))
#define kIOReturnSuccess 0
#define kIOReturnError iokit_common_err(0x2bc)
#define kIOReturnNoMemory iokit_common_err(0x2bd)
#define kIOReturnNoResources iokit_common_err(0x2be)
#define kIOReturnNoDevice iokit_common_err(0x2c0)
#define kIOReturnNotPrivileged iokit_common_err(0x2c1)
#define kIOReturnBadArgument iokit_common_err(0x2c2)
#define kIOReturnExclusiveAccess iokit_common_err(0x2c5)
#define kIOReturnUnsupported iokit_common_err(0x2c7)
#define kIOReturnInternalError iokit_common_err(0x2c9)
#define kIOReturnNotOpen iokit_common_err(0x2cd)
#define kIOReturnNotReady iokit_common_err(0x2d8)
#define kIOReturnTimeout iokit_common_err(0x2d6)
#define kIOReturnNotPermitted iokit_common_err(0x2e2)
#define kIOReturnNotFound iokit_common_err(0x2f0)
#define kIOReturnAborted iokit_common_err(0x2eb)
#endif

typedef struct IORegistryPlane IORegistryPlane;
typedef struct IORegistryIterator IORegistryIterator;

/* Options for iterators and the get* walks that take them. */
enum {
	kIORegistryIterateRecursively = 0x00000001,
	kIORegistryIterateParents = 0x00000002,
};

/* Options of getProperty/copyProperty searches (with a plane). */
enum {
	kIORegistryRecursive = kIORegistryIterateRecursively,
	kIORegistryParents = kIORegistryIterateParents,
};

#define kIOServicePlane "IOService"
#define kIOPowerPlane "IOPower"
#define kIONameKey "IOName"
#define kIOLocationKey "IOLocation"
#define kIORegistryEntryIDKey "IORegistryEntryID"
#define kIORegistryPlanesKey "IORegistryPlanes"
/* The ID of the first entry (the root); later entries count up from it. */
#define kIORegistryEntryIDFirst 0x100000100ULL
/* Longest path getPath writes (XNU's io_string_t / kIOMaxPath is 512). */
#define kIOMaxPlaneName 32
#define kIORegistryEntryMaxPath 512

extern const IORegistryPlane *gIOServicePlane;
extern const IORegistryPlane *gIOPowerPlane;
extern const OSSymbol *gIONameKey;
extern const OSSymbol *gIOLocationKey;
extern const OSSymbol *gIORegistryEntryIDKey;

/* ---- IORegistryEntry ---------------------------------------------------- */

OSDeclareDefaultStructorsWithVtbl(IORegistryEntry, OSObject);

struct IORegistryEntry {
	OSObject super;
	/* Private to the registry: use the functions below. */
	OSDictionary *fPropertyTable; /* guarded by fPropertyLock */
	OSDictionary *fRegistryTable; /* names, locations, parent/child sets per plane: registry lock */
	void *fPropertyLock;          /* lck_mtx_t * */
	uint64_t fRegistryEntryID;
	IORegistryEntry *fIDHashNext; /* in the ID hash while attached (registry lock) */
	uint32_t fPlaneCount;         /* planes the entry is attached in (registry lock) */
};

struct IORegistryEntry_vtbl {
	OSObject_vtbl super;
	/* init(OSDictionary *): adopt dict (retained) as the property table, or a new one when NULL. */
	bool (*init)(IORegistryEntry *self, OSDictionary *dictionary);
	/* The user-settable path (IORegistryEntrySetCFProperties): kIOReturnUnsupported by default. */
	IOReturn (*setProperties)(IORegistryEntry *self, OSObject *properties);
	bool (*serializeProperties)(const IORegistryEntry *self, OSSerialize *s);
	bool (*compareName)(const IORegistryEntry *self, OSString *name, OSString **matched);
	bool (*attachToParent)(IORegistryEntry *self, IORegistryEntry *parent, const IORegistryPlane *plane);
	void (*detachFromParent)(IORegistryEntry *self, IORegistryEntry *parent,
	                         const IORegistryPlane *plane);
	bool (*attachToChild)(IORegistryEntry *self, IORegistryEntry *child, const IORegistryPlane *plane);
	void (*detachFromChild)(IORegistryEntry *self, IORegistryEntry *child, const IORegistryPlane *plane);
};

#define IORegEntry_(e) ((IORegistryEntry *)OSObj(e))

/* Virtual dispatch. */
static inline bool
IORegistryEntry_init(IORegistryEntry *self, OSDictionary *dictionary)
{
	return OSVtbl(IORegistryEntry, self)->init(self, dictionary);
}
#define IORegistryEntry_init(e, d) IORegistryEntry_init(IORegEntry_(e), d)

static inline IOReturn
IORegistryEntry_setProperties(IORegistryEntry *self, OSObject *properties)
{
	return OSVtbl(IORegistryEntry, self)->setProperties(self, properties);
}
#define IORegistryEntry_setProperties(e, p) IORegistryEntry_setProperties(IORegEntry_(e), p)

static inline bool
IORegistryEntry_serializeProperties(const IORegistryEntry *self, OSSerialize *s)
{
	return OSVtbl(IORegistryEntry, self)->serializeProperties(self, s);
}
#define IORegistryEntry_serializeProperties(e, s) IORegistryEntry_serializeProperties(IORegEntry_(e), s)

static inline bool
IORegistryEntry_compareName(const IORegistryEntry *self, OSString *name, OSString **matched)
{
	return OSVtbl(IORegistryEntry, self)->compareName(self, name, matched);
}
#define IORegistryEntry_compareName(e, n, m) IORegistryEntry_compareName(IORegEntry_(e), n, m)

static inline bool
IORegistryEntry_attachToParent(IORegistryEntry *self, IORegistryEntry *parent, const IORegistryPlane *plane)
{
	return OSVtbl(IORegistryEntry, self)->attachToParent(self, parent, plane);
}
#define IORegistryEntry_attachToParent(e, p, pl) \
	IORegistryEntry_attachToParent(IORegEntry_(e), IORegEntry_(p), pl)

static inline void
IORegistryEntry_detachFromParent(IORegistryEntry *self, IORegistryEntry *parent, const IORegistryPlane *plane)
{
	OSVtbl(IORegistryEntry, self)->detachFromParent(self, parent, plane);
}
#define IORegistryEntry_detachFromParent(e, p, pl) \
	IORegistryEntry_detachFromParent(IORegEntry_(e), IORegEntry_(p), pl)

static inline bool
IORegistryEntry_attachToChild(IORegistryEntry *self, IORegistryEntry *child, const IORegistryPlane *plane)
{
	return OSVtbl(IORegistryEntry, self)->attachToChild(self, child, plane);
}
#define IORegistryEntry_attachToChild(e, c, pl) \
	IORegistryEntry_attachToChild(IORegEntry_(e), IORegEntry_(c), pl)

static inline void
IORegistryEntry_detachFromChild(IORegistryEntry *self, IORegistryEntry *child, const IORegistryPlane *plane)
{
	OSVtbl(IORegistryEntry, self)->detachFromChild(self, child, plane);
}
#define IORegistryEntry_detachFromChild(e, c, pl) \
	IORegistryEntry_detachFromChild(IORegEntry_(e), IORegEntry_(c), pl)

/* The root of every plane (an IORegistryEntry named after the platform). */
IORegistryEntry *IORegistryEntry_getRegistryRoot(void);
/* A plane by name ("IOService"), or NULL. */
const IORegistryPlane *IORegistryEntry_getPlane(const char *name);
/* Make (or find) a plane; XNU's IORegistryEntry::makePlane. */
const IORegistryPlane *IORegistryEntry_makePlane(const char *name);
const char *IORegistryPlane_getName(const IORegistryPlane *plane);
/* { plane name: plane } for ioreg -p (retained). */
OSDictionary *IORegistryEntry_copyPlanes(void);
/* Lookup by entry ID (hashed): a retained entry, or NULL if none is in the registry. */
IORegistryEntry *IORegistryEntry_fromID(uint64_t entryID);
/* "IOService:/IOResources", "/IOResources" (default plane), ":/a@1/b": retained entry or NULL. */
IORegistryEntry *IORegistryEntry_fromPath(const char *path, const IORegistryPlane *plane, char *residualPath,
                                          int *residualLength, IORegistryEntry *fromEntry);

/* Non-virtual methods (take any entry subclass). */
uint64_t IORegistryEntry_getRegistryEntryID(const IORegistryEntry *self);
#define IORegistryEntry_getRegistryEntryID(e) IORegistryEntry_getRegistryEntryID(IORegEntry_(e))

/* The name in plane (NULL: the global name); falls back to the global name, then the class name. */
const char *IORegistryEntry_getName(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_getName(e, p) IORegistryEntry_getName(IORegEntry_(e), p)
/* Retained name symbol (same rules). */
const OSSymbol *IORegistryEntry_copyName(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_copyName(e, p) IORegistryEntry_copyName(IORegEntry_(e), p)
void IORegistryEntry_setName(IORegistryEntry *self, const char *name, const IORegistryPlane *plane);
#define IORegistryEntry_setName(e, n, p) IORegistryEntry_setName(IORegEntry_(e), n, p)
/* The location in plane (same fallback, without the class name): NULL when none. */
const char *IORegistryEntry_getLocation(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_getLocation(e, p) IORegistryEntry_getLocation(IORegEntry_(e), p)
void IORegistryEntry_setLocation(IORegistryEntry *self, const char *location, const IORegistryPlane *plane);
#define IORegistryEntry_setLocation(e, l, p) IORegistryEntry_setLocation(IORegEntry_(e), l, p)
/* compareName for each string of a string or a collection of strings. */
bool IORegistryEntry_compareNames(const IORegistryEntry *self, OSObject *names, OSString **matched);
#define IORegistryEntry_compareNames(e, n, m) IORegistryEntry_compareNames(IORegEntry_(e), n, m)

/* Properties: the set forms retain the value; false when out of memory or a bad argument. */
bool IORegistryEntry_setProperty(IORegistryEntry *self, const OSSymbol *key, OSObject *value);
#define IORegistryEntry_setProperty(e, k, v) IORegistryEntry_setProperty(IORegEntry_(e), k, OSObj(v))
bool IORegistryEntry_setPropertyCString(IORegistryEntry *self, const char *key, OSObject *value);
#define IORegistryEntry_setPropertyCString(e, k, v) \
	IORegistryEntry_setPropertyCString(IORegEntry_(e), k, OSObj(v))
/* XNU's setProperty(key, const char *aString). */
bool IORegistryEntry_setPropertyString(IORegistryEntry *self, const char *key, const char *aString);
#define IORegistryEntry_setPropertyString(e, k, s) IORegistryEntry_setPropertyString(IORegEntry_(e), k, s)
bool IORegistryEntry_setPropertyBoolean(IORegistryEntry *self, const char *key, bool aBoolean);
#define IORegistryEntry_setPropertyBoolean(e, k, b) IORegistryEntry_setPropertyBoolean(IORegEntry_(e), k, b)
/* XNU's setProperty(key, unsigned long long aValue, unsigned int aNumberOfBits). */
bool IORegistryEntry_setPropertyNumber(IORegistryEntry *self, const char *key, unsigned long long aValue,
                                       unsigned int aNumberOfBits);
#define IORegistryEntry_setPropertyNumber(e, k, v, b) \
	IORegistryEntry_setPropertyNumber(IORegEntry_(e), k, v, b)
/* XNU's setProperty(key, void *bytes, unsigned int length): an OSData copy. */
bool IORegistryEntry_setPropertyData(IORegistryEntry *self, const char *key, const void *bytes,
                                     unsigned int length);
#define IORegistryEntry_setPropertyData(e, k, p, l) IORegistryEntry_setPropertyData(IORegEntry_(e), k, p, l)

/* get: not retained (valid while the entry keeps the value: prefer copy under concurrency). */
OSObject *IORegistryEntry_getProperty(const IORegistryEntry *self, const OSSymbol *key);
#define IORegistryEntry_getProperty(e, k) IORegistryEntry_getProperty(IORegEntry_(e), k)
OSObject *IORegistryEntry_getPropertyCString(const IORegistryEntry *self, const char *key);
#define IORegistryEntry_getPropertyCString(e, k) IORegistryEntry_getPropertyCString(IORegEntry_(e), k)
/* copy: retained, or NULL. */
OSObject *IORegistryEntry_copyProperty(const IORegistryEntry *self, const OSSymbol *key);
#define IORegistryEntry_copyProperty(e, k) IORegistryEntry_copyProperty(IORegEntry_(e), k)
OSObject *IORegistryEntry_copyPropertyCString(const IORegistryEntry *self, const char *key);
#define IORegistryEntry_copyPropertyCString(e, k) IORegistryEntry_copyPropertyCString(IORegEntry_(e), k)
/* Search plane from self: kIORegistryIterateRecursively walks children (or parents with ...Parents). */
OSObject *IORegistryEntry_copyPropertyInPlane(const IORegistryEntry *self, const char *key,
                                              const IORegistryPlane *plane, IOOptionBits options);
#define IORegistryEntry_copyPropertyInPlane(e, k, p, o) \
	IORegistryEntry_copyPropertyInPlane(IORegEntry_(e), k, p, o)
void IORegistryEntry_removeProperty(IORegistryEntry *self, const OSSymbol *key);
#define IORegistryEntry_removeProperty(e, k) IORegistryEntry_removeProperty(IORegEntry_(e), k)
void IORegistryEntry_removePropertyCString(IORegistryEntry *self, const char *key);
#define IORegistryEntry_removePropertyCString(e, k) IORegistryEntry_removePropertyCString(IORegEntry_(e), k)
/* A retained copy of the property table (a snapshot). */
OSDictionary *IORegistryEntry_dictionaryWithProperties(const IORegistryEntry *self);
#define IORegistryEntry_dictionaryWithProperties(e) IORegistryEntry_dictionaryWithProperties(IORegEntry_(e))
/* The table itself, not retained (XNU: only safe while nothing else changes it). */
OSDictionary *IORegistryEntry_getPropertyTable(const IORegistryEntry *self);
#define IORegistryEntry_getPropertyTable(e) IORegistryEntry_getPropertyTable(IORegEntry_(e))
/* The property keys (retained OSCollection of OSSymbols). */
OSArray *IORegistryEntry_copyPropertyKeys(const IORegistryEntry *self);
#define IORegistryEntry_copyPropertyKeys(e) IORegistryEntry_copyPropertyKeys(IORegEntry_(e))
/* Replace every key in dict into the table (XNU's setPropertyTable merges nothing: it replaces). */
void IORegistryEntry_setPropertyTable(IORegistryEntry *self, OSDictionary *dict);
#define IORegistryEntry_setPropertyTable(e, d) IORegistryEntry_setPropertyTable(IORegEntry_(e), d)

/* Topology. attach/detach with plane NULL are refused (false / nothing). */
bool IORegistryEntry_inPlane(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_inPlane(e, p) IORegistryEntry_inPlane(IORegEntry_(e), p)
/* Number of parents up to the root in plane (the root is 0), -1 when not in the plane. */
int IORegistryEntry_getDepth(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_getDepth(e, p) IORegistryEntry_getDepth(IORegEntry_(e), p)
/* First parent / child (not retained); copy* forms are retained. */
IORegistryEntry *IORegistryEntry_getParentEntry(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_getParentEntry(e, p) IORegistryEntry_getParentEntry(IORegEntry_(e), p)
IORegistryEntry *IORegistryEntry_copyParentEntry(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_copyParentEntry(e, p) IORegistryEntry_copyParentEntry(IORegEntry_(e), p)
IORegistryEntry *IORegistryEntry_getChildEntry(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_getChildEntry(e, p) IORegistryEntry_getChildEntry(IORegEntry_(e), p)
IORegistryEntry *IORegistryEntry_copyChildEntry(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_copyChildEntry(e, p) IORegistryEntry_copyChildEntry(IORegEntry_(e), p)
/* Iterators over a snapshot of the parents / children (retained; NULL when none or no memory). */
OSIterator *IORegistryEntry_getParentIterator(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_getParentIterator(e, p) IORegistryEntry_getParentIterator(IORegEntry_(e), p)
OSIterator *IORegistryEntry_getChildIterator(const IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_getChildIterator(e, p) IORegistryEntry_getChildIterator(IORegEntry_(e), p)
/* Snapshots as arrays (retained, possibly empty; NULL on no memory). */
OSArray *IORegistryEntry_copyParents(const IORegistryEntry *self, const IORegistryPlane *plane);
OSArray *IORegistryEntry_copyChildren(const IORegistryEntry *self, const IORegistryPlane *plane);
/* Is parent a parent of self in plane? */
bool IORegistryEntry_isParent(const IORegistryEntry *self, const IORegistryEntry *parent,
                              const IORegistryPlane *plane);
/* Detach from every parent and child in every plane. */
void IORegistryEntry_detachAll(IORegistryEntry *self, const IORegistryPlane *plane);
#define IORegistryEntry_detachAll(e, p) IORegistryEntry_detachAll(IORegEntry_(e), p)
/* Does self descend from (or equal) ancestor in plane? */
bool IORegistryEntry_isChildOf(const IORegistryEntry *self, const IORegistryEntry *ancestor,
                               const IORegistryPlane *plane);
/*
 * "IOService:/IOResources": the plane, then "/" and name[@location] per level
 * (the root has none). *length: in, the buffer size; out, the length. false when
 * it doesn't fit or the entry isn't in the plane.
 */
bool IORegistryEntry_getPath(const IORegistryEntry *self, char *path, int *length,
                             const IORegistryPlane *plane);
#define IORegistryEntry_getPath(e, b, l, p) IORegistryEntry_getPath(IORegEntry_(e), b, l, p)
/* The path of self relative to its parent in plane: "name[@location]". */
bool IORegistryEntry_getPathComponent(const IORegistryEntry *self, char *path, int *length,
                                      const IORegistryPlane *plane);

/* ---- IORegistryIterator ------------------------------------------------------ */

OSDeclareDefaultStructors(IORegistryIterator, OSIterator);

struct IORegistryIterator {
	OSIterator super;
	/* Private. */
	IORegistryEntry *root;
	const IORegistryPlane *plane;
	IOOptionBits options;
	void *where; /* the stack of levels being walked */
	IORegistryEntry *current;
	OSOrderedSet *done; /* entries already returned by a recursive walk */
	uint32_t generation;
};

/* Iterate start's children (or parents) in plane; recursively with kIORegistryIterateRecursively. */
IORegistryIterator *IORegistryIterator_iterateOver(IORegistryEntry *start, const IORegistryPlane *plane,
                                                   IOOptionBits options);
#define IORegistryIterator_iterateOver(e, p, o) IORegistryIterator_iterateOver(IORegEntry_(e), p, o)
/* The same from the registry root. */
IORegistryIterator *IORegistryIterator_iterateOverPlane(const IORegistryPlane *plane, IOOptionBits options);
/* Next entry of the walk, recursive or not as created (not retained), or NULL. */
IORegistryEntry *IORegistryIterator_getNextObject(IORegistryIterator *self);
/* Next entry of the current level only. */
IORegistryEntry *IORegistryIterator_getNextObjectFlat(IORegistryIterator *self);
/* Next entry, descending into the one returned before (depth first). */
IORegistryEntry *IORegistryIterator_getNextObjectRecursive(IORegistryIterator *self);
IORegistryEntry *IORegistryIterator_getCurrentEntry(IORegistryIterator *self);
/* Descend into the current entry / go back up a level (false at the top). */
void IORegistryIterator_enterEntry(IORegistryIterator *self);
bool IORegistryIterator_exitEntry(IORegistryIterator *self);
void IORegistryIterator_reset(IORegistryIterator *self);
/* false once the registry topology changed since the iterator was made or reset. */
bool IORegistryIterator_isValid(IORegistryIterator *self);
/* The rest of the walk as an ordered set (retained), or NULL when the registry changed meanwhile. */
OSOrderedSet *IORegistryIterator_iterateAll(IORegistryIterator *self);

#endif /* _IOKIT_IOREGISTRYENTRY_H */
