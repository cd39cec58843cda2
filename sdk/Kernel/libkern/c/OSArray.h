/*
 * libkern/c/OSArray.h — an ordered, growable list of objects. Inserting
 * retains the object; getObject does not; removing releases. Members are
 * compared by pointer in getNextIndexOfObject and with isEqualTo in
 * isEqualToArray.
 */
#ifndef _LIBKERN_C_OSARRAY_H
#define _LIBKERN_C_OSARRAY_H

#include <libkern/c/OSCollection.h>

OSDeclareDefaultStructors(OSArray, OSCollection);

struct OSArray {
	OSCollection super;
	const OSObject **array;
	unsigned int count;
	unsigned int capacity;
	unsigned int capacityIncrement;
};

OSArray *OSArray_withCapacity(unsigned int capacity);
/* count objects (none NULL); capacity 0 means count. */
OSArray *OSArray_withObjects(const OSObject *objects[], unsigned int count, unsigned int capacity);
OSArray *OSArray_withArray(const OSArray *array, unsigned int capacity);
bool OSArray_initWithCapacity(OSArray *self, unsigned int capacity);
bool OSArray_initWithObjects(OSArray *self, const OSObject *objects[], unsigned int count,
                             unsigned int capacity);
bool OSArray_initWithArray(OSArray *self, const OSArray *array, unsigned int capacity);

static inline unsigned int
OSArray_getCount(const OSArray *self)
{
	return OSCollection_getCount(self);
}
static inline unsigned int
OSArray_getCapacity(const OSArray *self)
{
	return OSCollection_getCapacity(self);
}
static inline unsigned int
OSArray_ensureCapacity(OSArray *self, unsigned int newCapacity)
{
	return OSCollection_ensureCapacity(self, newCapacity);
}
static inline void
OSArray_flushCollection(OSArray *self)
{
	OSCollection_flushCollection(self);
}

/* Append. */
bool OSArray_setObject(OSArray *self, const OSObject *anObject);
#define OSArray_setObject(a, o) OSArray_setObject(a, OSObj(o))
/* Insert at index (0..count), moving later members up. */
bool OSArray_setObjectAtIndex(OSArray *self, unsigned int index, const OSObject *anObject);
#define OSArray_setObjectAtIndex(a, i, o) OSArray_setObjectAtIndex(a, i, OSObj(o))
/* Append every member of otherArray. */
bool OSArray_merge(OSArray *self, const OSArray *otherArray);
void OSArray_replaceObject(OSArray *self, unsigned int index, const OSObject *anObject);
#define OSArray_replaceObject(a, i, o) OSArray_replaceObject(a, i, OSObj(o))
void OSArray_removeObject(OSArray *self, unsigned int index);

OSObject *OSArray_getObject(const OSArray *self, unsigned int index);
OSObject *OSArray_getLastObject(const OSArray *self);
/* First index >= index holding anObject (pointer identity), or (unsigned)-1. */
unsigned int OSArray_getNextIndexOfObject(const OSArray *self, const OSObject *anObject, unsigned int index);
#define OSArray_getNextIndexOfObject(a, o, i) OSArray_getNextIndexOfObject(a, OSObj(o), i)
bool OSArray_isEqualToArray(const OSArray *self, const OSArray *anArray);

#endif /* _LIBKERN_C_OSARRAY_H */
