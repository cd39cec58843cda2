/*
 * libkern/c/OSIterator.h — the abstract iterator: getNextObject returns the
 * next object (not retained) or NULL at the end or once the iterator became
 * invalid; reset starts over and makes it valid again.
 */
#ifndef _LIBKERN_C_OSITERATOR_H
#define _LIBKERN_C_OSITERATOR_H

#include <libkern/c/OSObject.h>

OSDeclareAbstractStructorsWithVtbl(OSIterator, OSObject);

struct OSIterator {
	OSObject super;
};

struct OSIterator_vtbl {
	OSObject_vtbl super;
	void (*reset)(OSIterator *self);
	bool (*isValid)(OSIterator *self);
	OSObject *(*getNextObject)(OSIterator *self);
};

#define OSIter_(i) ((OSIterator *)OSObj(i))

static inline void
OSIterator_reset(OSIterator *iter)
{
	OSVtbl(OSIterator, iter)->reset(iter);
}
#define OSIterator_reset(i) OSIterator_reset(OSIter_(i))

static inline bool
OSIterator_isValid(OSIterator *iter)
{
	return OSVtbl(OSIterator, iter)->isValid(iter);
}
#define OSIterator_isValid(i) OSIterator_isValid(OSIter_(i))

static inline OSObject *
OSIterator_getNextObject(OSIterator *iter)
{
	return OSVtbl(OSIterator, iter)->getNextObject(iter);
}
#define OSIterator_getNextObject(i) OSIterator_getNextObject(OSIter_(i))

#endif /* _LIBKERN_C_OSITERATOR_H */
