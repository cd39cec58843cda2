/*
 * libkern/c/OSCollectionIterator.h — iterates a collection's members (a
 * dictionary's keys). The iterator retains the collection. Mutating the
 * collection invalidates the iterator: getNextObject returns NULL and
 * isValid false until reset.
 */
#ifndef _LIBKERN_C_OSCOLLECTIONITERATOR_H
#define _LIBKERN_C_OSCOLLECTIONITERATOR_H

#include <libkern/c/OSIterator.h>
#include <libkern/c/OSCollection.h>

OSDeclareDefaultStructors(OSCollectionIterator, OSIterator);

struct OSCollectionIterator {
	OSIterator super;
	const OSCollection *collection;
	void *collIterator; /* the collection's iteration state */
	unsigned int collIteratorSize;
	unsigned int initialUpdateStamp;
	bool valid;
	uint64_t inlineState[2]; /* collIterator when the state is small */
};

OSCollectionIterator *OSCollectionIterator_withCollection(const OSCollection *inColl);
#define OSCollectionIterator_withCollection(c) OSCollectionIterator_withCollection(OSColl_(c))
bool OSCollectionIterator_initWithCollection(OSCollectionIterator *self, const OSCollection *inColl);

static inline OSObject *
OSCollectionIterator_getNextObject(OSCollectionIterator *self)
{
	return OSIterator_getNextObject(self);
}
static inline bool
OSCollectionIterator_isValid(OSCollectionIterator *self)
{
	return OSIterator_isValid(self);
}
static inline void
OSCollectionIterator_reset(OSCollectionIterator *self)
{
	OSIterator_reset(self);
}

#endif /* _LIBKERN_C_OSCOLLECTIONITERATOR_H */
