/*
 * libkern/c/OSOrderedSet.h — distinct objects (pointer identity) kept in an
 * order. With an order function, setObject inserts the object after every
 * member m for which ordering(m, object, ref) >= 0, i.e. ordering(a, b)
 * returns > 0 when a goes before b, and equal-priority objects queue in
 * arrival order. Without one (NULL), setObject appends. setFirstObject /
 * setLastObject ignore the order function.
 */
#ifndef _LIBKERN_C_OSORDEREDSET_H
#define _LIBKERN_C_OSORDEREDSET_H

#include <libkern/c/OSCollection.h>

typedef SInt32 (*OSOrderFunction)(const OSObject *obj1, const OSObject *obj2, void *context);

OSDeclareDefaultStructors(OSOrderedSet, OSCollection);

struct OSOrderedSet {
	OSCollection super;
	const OSObject **array;
	unsigned int count;
	unsigned int capacity;
	unsigned int capacityIncrement;
	OSOrderFunction ordering;
	void *orderingRef;
};

OSOrderedSet *OSOrderedSet_withCapacity(unsigned int capacity, OSOrderFunction ordering, void *orderingRef);
bool OSOrderedSet_initWithCapacity(OSOrderedSet *self, unsigned int capacity, OSOrderFunction ordering,
                                   void *orderingRef);

static inline unsigned int
OSOrderedSet_getCount(const OSOrderedSet *self)
{
	return OSCollection_getCount(self);
}
static inline unsigned int
OSOrderedSet_getCapacity(const OSOrderedSet *self)
{
	return OSCollection_getCapacity(self);
}
static inline void
OSOrderedSet_flushCollection(OSOrderedSet *self)
{
	OSCollection_flushCollection(self);
}

/* Insert in order (see above); false if already a member. */
bool OSOrderedSet_setObject(OSOrderedSet *self, const OSObject *anObject);
#define OSOrderedSet_setObject(s, o) OSOrderedSet_setObject(s, OSObj(o))
bool OSOrderedSet_setFirstObject(OSOrderedSet *self, const OSObject *anObject);
#define OSOrderedSet_setFirstObject(s, o) OSOrderedSet_setFirstObject(s, OSObj(o))
bool OSOrderedSet_setLastObject(OSOrderedSet *self, const OSObject *anObject);
#define OSOrderedSet_setLastObject(s, o) OSOrderedSet_setLastObject(s, OSObj(o))
/* Insert at index (0..count), regardless of the order function. */
bool OSOrderedSet_setObjectAtIndex(OSOrderedSet *self, unsigned int index, const OSObject *anObject);
#define OSOrderedSet_setObjectAtIndex(s, i, o) OSOrderedSet_setObjectAtIndex(s, i, OSObj(o))
void OSOrderedSet_removeObject(OSOrderedSet *self, const OSObject *anObject);
#define OSOrderedSet_removeObject(s, o) OSOrderedSet_removeObject(s, OSObj(o))
bool OSOrderedSet_containsObject(const OSOrderedSet *self, const OSObject *anObject);
#define OSOrderedSet_containsObject(s, o) OSOrderedSet_containsObject(s, OSObj(o))
bool OSOrderedSet_member(const OSOrderedSet *self, const OSObject *anObject);
#define OSOrderedSet_member(s, o) OSOrderedSet_member(s, OSObj(o))

OSObject *OSOrderedSet_getFirstObject(const OSOrderedSet *self);
OSObject *OSOrderedSet_getLastObject(const OSOrderedSet *self);
OSObject *OSOrderedSet_getObject(const OSOrderedSet *self, unsigned int index);
/* ordering(anObject, NULL, ref), or 0 without an order function. */
SInt32 OSOrderedSet_orderObject(OSOrderedSet *self, const OSObject *anObject);
#define OSOrderedSet_orderObject(s, o) OSOrderedSet_orderObject(s, OSObj(o))
void *OSOrderedSet_getOrderingRef(OSOrderedSet *self);
bool OSOrderedSet_isEqualToOrderedSet(const OSOrderedSet *self, const OSOrderedSet *aSet);

#endif /* _LIBKERN_C_OSORDEREDSET_H */
