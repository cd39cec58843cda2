/*
 * libkern/c/OSCollection.h — the abstract base of the containers (OSArray,
 * OSDictionary, OSSet, OSOrderedSet).
 *
 * Collections retain what they hold (with the tag OSTypeID(OSCollection))
 * and release it when removed or flushed. Every mutation bumps updateStamp,
 * which invalidates the iterators made before it. A collection with the
 * kOSCollectionImmutable option panics "Trying to change a collection in the
 * registry" on mutation. Capacities grow in steps of capacityIncrement
 * (rounded up), like XNU; every size computation is overflow-checked.
 */
#ifndef _LIBKERN_C_OSCOLLECTION_H
#define _LIBKERN_C_OSCOLLECTION_H

#include <libkern/c/OSObject.h>

/* setOptions() bits (XNU's OSCollection::kImmutable, kSort, kMASK). */
#define kOSCollectionImmutable 0x00000001u
#define kOSCollectionSort 0x00000002u /* accepted; dictionaries keep insertion order regardless */
#define kOSCollectionMASK 0xffffffffu

OSDeclareAbstractStructorsWithVtbl(OSCollection, OSObject);

struct OSCollection {
	OSObject super;
	unsigned int updateStamp;
	unsigned int fOptions;
};

struct OSCollection_vtbl {
	OSObject_vtbl super;
	unsigned int (*getCount)(const OSCollection *self);
	unsigned int (*getCapacity)(const OSCollection *self);
	unsigned int (*getCapacityIncrement)(const OSCollection *self);
	unsigned int (*setCapacityIncrement)(OSCollection *self, unsigned int increment);
	/* Grow to at least newCapacity; returns the capacity (unchanged on failure). */
	unsigned int (*ensureCapacity)(OSCollection *self, unsigned int newCapacity);
	/* Release every member. */
	void (*flushCollection)(OSCollection *self);
	/* fOptions = (fOptions & ~mask) | (options & mask), recursively; returns the old options. */
	unsigned int (*setOptions)(OSCollection *self, unsigned int options, unsigned int mask);
	/* Deep copy of the collection tree (retained); cycleDict maps originals to copies. */
	OSCollection *(*copyCollection)(OSCollection *self, OSDictionary *cycleDict);
	/* Iteration protocol of OSCollectionIterator. */
	unsigned int (*iteratorSize)(const OSCollection *self);
	bool (*initIterator)(const OSCollection *self, void *iterator);
	bool (*getNextObjectForIterator)(const OSCollection *self, void *iterator, OSObject **ret);
};

/* ---- virtual dispatch (any collection) --------------------------------- */

#define OSColl_(c) ((OSCollection *)OSObj(c))

static inline unsigned int
OSCollection_getCount(const OSCollection *c)
{
	return OSVtbl(OSCollection, c)->getCount(c);
}
#define OSCollection_getCount(c) OSCollection_getCount(OSColl_(c))

static inline unsigned int
OSCollection_getCapacity(const OSCollection *c)
{
	return OSVtbl(OSCollection, c)->getCapacity(c);
}
#define OSCollection_getCapacity(c) OSCollection_getCapacity(OSColl_(c))

static inline unsigned int
OSCollection_getCapacityIncrement(const OSCollection *c)
{
	return OSVtbl(OSCollection, c)->getCapacityIncrement(c);
}
#define OSCollection_getCapacityIncrement(c) OSCollection_getCapacityIncrement(OSColl_(c))

static inline unsigned int
OSCollection_setCapacityIncrement(OSCollection *c, unsigned int increment)
{
	return OSVtbl(OSCollection, c)->setCapacityIncrement(c, increment);
}
#define OSCollection_setCapacityIncrement(c, i) OSCollection_setCapacityIncrement(OSColl_(c), i)

static inline unsigned int
OSCollection_ensureCapacity(OSCollection *c, unsigned int newCapacity)
{
	return OSVtbl(OSCollection, c)->ensureCapacity(c, newCapacity);
}
#define OSCollection_ensureCapacity(c, n) OSCollection_ensureCapacity(OSColl_(c), n)

static inline void
OSCollection_flushCollection(OSCollection *c)
{
	OSVtbl(OSCollection, c)->flushCollection(c);
}
#define OSCollection_flushCollection(c) OSCollection_flushCollection(OSColl_(c))

static inline unsigned int
OSCollection_setOptions(OSCollection *c, unsigned int options, unsigned int mask)
{
	return OSVtbl(OSCollection, c)->setOptions(c, options, mask);
}
#define OSCollection_setOptions(c, o, m) OSCollection_setOptions(OSColl_(c), o, m)

/* Deep copy (retained): nested collections are copied, other members shared. */
static inline OSCollection *
OSCollection_copyCollection(OSCollection *c, OSDictionary *cycleDict)
{
	return OSVtbl(OSCollection, c)->copyCollection(c, cycleDict);
}
#define OSCollection_copyCollection(c, d) OSCollection_copyCollection(OSColl_(c), d)

static inline unsigned int
OSCollection_iteratorSize(const OSCollection *c)
{
	return OSVtbl(OSCollection, c)->iteratorSize(c);
}
static inline bool
OSCollection_initIterator(const OSCollection *c, void *iterator)
{
	return OSVtbl(OSCollection, c)->initIterator(c, iterator);
}
static inline bool
OSCollection_getNextObjectForIterator(const OSCollection *c, void *iterator, OSObject **ret)
{
	return OSVtbl(OSCollection, c)->getNextObjectForIterator(c, iterator, ret);
}

/* ---- non-virtual ----------------------------------------------------- */

/* Record a mutation: bumps updateStamp; panics if the collection is immutable. */
void OSCollection_haveUpdated(OSCollection *c);
/* Has the collection changed since the stamp was taken? */
static inline bool
OSCollection_isInvalid(const OSCollection *c, unsigned int initialUpdateStamp)
{
	return c->updateStamp != initialUpdateStamp;
}
/* Call callback(refcon, member) for each member until it returns true; false if mutated meanwhile. */
bool OSCollection_iterateObjects(OSCollection *c, void *refcon,
                                 bool (*callback)(void *refcon, OSObject *object));
#define OSCollection_iterateObjects(c, r, cb) OSCollection_iterateObjects(OSColl_(c), r, cb)

#endif /* _LIBKERN_C_OSCOLLECTION_H */
