/*
 * libkern/c/OSSet.h — an unordered collection of distinct objects.
 * Membership is pointer identity, as in XNU: setObject refuses an object
 * already in the set, even if an equal one is not. Inserting retains.
 */
#ifndef _LIBKERN_C_OSSET_H
#define _LIBKERN_C_OSSET_H

#include <libkern/c/OSCollection.h>

OSDeclareDefaultStructors(OSSet, OSCollection);

struct OSSet {
	OSCollection super;
	OSArray *members;
};

OSSet *OSSet_withCapacity(unsigned int capacity);
OSSet *OSSet_withObjects(const OSObject *objects[], unsigned int count, unsigned int capacity);
OSSet *OSSet_withArray(const OSArray *array, unsigned int capacity);
OSSet *OSSet_withSet(const OSSet *set, unsigned int capacity);
bool OSSet_initWithCapacity(OSSet *self, unsigned int capacity);
bool OSSet_initWithObjects(OSSet *self, const OSObject *objects[], unsigned int count, unsigned int capacity);
bool OSSet_initWithArray(OSSet *self, const OSArray *array, unsigned int capacity);
bool OSSet_initWithSet(OSSet *self, const OSSet *set, unsigned int capacity);

static inline unsigned int
OSSet_getCount(const OSSet *self)
{
	return OSCollection_getCount(self);
}
static inline unsigned int
OSSet_getCapacity(const OSSet *self)
{
	return OSCollection_getCapacity(self);
}
static inline unsigned int
OSSet_ensureCapacity(OSSet *self, unsigned int newCapacity)
{
	return OSCollection_ensureCapacity(self, newCapacity);
}
static inline void
OSSet_flushCollection(OSSet *self)
{
	OSCollection_flushCollection(self);
}

/* Add; false when already a member (or on failure). */
bool OSSet_setObject(OSSet *self, const OSObject *anObject);
#define OSSet_setObject(s, o) OSSet_setObject(s, OSObj(o))
bool OSSet_mergeArray(OSSet *self, const OSArray *array);
bool OSSet_mergeSet(OSSet *self, const OSSet *set);
void OSSet_removeObject(OSSet *self, const OSObject *anObject);
#define OSSet_removeObject(s, o) OSSet_removeObject(s, OSObj(o))
bool OSSet_containsObject(const OSSet *self, const OSObject *anObject);
#define OSSet_containsObject(s, o) OSSet_containsObject(s, OSObj(o))
bool OSSet_member(const OSSet *self, const OSObject *anObject);
#define OSSet_member(s, o) OSSet_member(s, OSObj(o))
OSObject *OSSet_getAnyObject(const OSSet *self);
/* Same count, and every member of aSet is in self or equal to a member of self. */
bool OSSet_isEqualToSet(const OSSet *self, const OSSet *aSet);

#endif /* _LIBKERN_C_OSSET_H */
