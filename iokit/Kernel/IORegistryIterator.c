/*
 * IORegistryIterator.c — walking a plane: one level at a time or depth
 * first, over children or (kIORegistryIterateParents) parents.
 *
 * Each level is a snapshot (an OSArray copy taken under the registry lock)
 * of the links of the entry being entered, so the walk never holds the lock
 * while the caller looks at an entry. The walk is invalid (isValid false,
 * iterateAll NULL) once the registry generation moved since the iterator was
 * made or reset; getNextObject keeps going over its snapshots regardless, as
 * XNU's does. A recursive walk returns an entry with several parents once.
 */
#include <kern/kalloc.h>
#include <libkern/libkern.h>
#include "iokit/Kernel/IOKitCore.h"

struct ioreg_level {
	struct ioreg_level *up;
	OSArray *links; /* retained snapshot */
	unsigned int next;
};

static OSArray *
ioreg_iter_links(IORegistryIterator *self, IORegistryEntry *e)
{
	return (self->options & kIORegistryIterateParents) ? IORegistryEntry_copyParents(e, self->plane)
	                                                   : IORegistryEntry_copyChildren(e, self->plane);
}

static bool
ioreg_iter_push(IORegistryIterator *self, IORegistryEntry *e)
{
	struct ioreg_level *l = kalloc(sizeof(*l));

	if (l == NULL) {
		return false;
	}
	l->links = ioreg_iter_links(self, e);
	if (l->links == NULL) {
		kfree(l, sizeof(*l));
		return false;
	}
	l->next = 0;
	l->up = self->where;
	self->where = l;
	return true;
}

static bool
ioreg_iter_pop(IORegistryIterator *self)
{
	struct ioreg_level *l = self->where;

	if (l == NULL) {
		return false;
	}
	self->where = l->up;
	OSObject_release(l->links);
	kfree(l, sizeof(*l));
	return true;
}

static void
ioreg_iter_clear(IORegistryIterator *self)
{
	while (ioreg_iter_pop(self)) {
	}
	OSSafeReleaseNULL(self->current);
	if (self->done != NULL) {
		OSOrderedSet_flushCollection(self->done);
	}
}

static void
IORegistryIterator_resetImpl(OSIterator *it)
{
	IORegistryIterator *self = (IORegistryIterator *)it;

	ioreg_iter_clear(self);
	self->generation = ioreg_generation();
	(void)ioreg_iter_push(self, self->root);
}

static bool
IORegistryIterator_isValidImpl(OSIterator *it)
{
	IORegistryIterator *self = (IORegistryIterator *)it;

	return self->generation == ioreg_generation();
}

static OSObject *
IORegistryIterator_getNextObjectImpl(OSIterator *it)
{
	return (OSObject *)IORegistryIterator_getNextObject((IORegistryIterator *)it);
}

static void
IORegistryIterator_freeImpl(OSObject *obj)
{
	IORegistryIterator *self = (IORegistryIterator *)obj;

	ioreg_iter_clear(self);
	OSSafeReleaseNULL(self->done);
	OSSafeReleaseNULL(self->root);
	OSSuperCallAs(IORegistryIterator, OSObject, free, obj);
}

static const OSMethod IORegistryIterator_methods[] = {
        OSMethodOverride(OSObject, free, IORegistryIterator_freeImpl),
        OSMethodOverride(OSIterator, reset, IORegistryIterator_resetImpl),
        OSMethodOverride(OSIterator, isValid, IORegistryIterator_isValidImpl),
        OSMethodOverride(OSIterator, getNextObject, IORegistryIterator_getNextObjectImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IORegistryIterator, OSIterator, IORegistryIterator_methods);

IORegistryIterator *(IORegistryIterator_iterateOver)(IORegistryEntry *start, const IORegistryPlane *plane,
                                                     IOOptionBits options)
{
	IORegistryIterator *self;

	if (start == NULL || plane == NULL || (self = OSTypeAlloc(IORegistryIterator)) == NULL) {
		return NULL;
	}
	if (!OSObject_init(self)) {
		OSObject_release(self);
		return NULL;
	}
	OSObject_retain(start);
	self->root = start;
	self->plane = plane;
	self->options = options;
	if ((options & kIORegistryIterateRecursively) &&
	    (self->done = OSOrderedSet_withCapacity(16, NULL, NULL)) == NULL) {
		OSObject_release(self);
		return NULL;
	}
	IORegistryIterator_resetImpl((OSIterator *)self);
	if (self->where == NULL) {
		OSObject_release(self);
		return NULL;
	}
	return self;
}

IORegistryIterator *
IORegistryIterator_iterateOverPlane(const IORegistryPlane *plane, IOOptionBits options)
{
	return IORegistryIterator_iterateOver(gIORegistryRoot, plane, options);
}

static void
ioreg_iter_set_current(IORegistryIterator *self, IORegistryEntry *e)
{
	if (e != NULL) {
		OSObject_retain(e);
	}
	OSSafeReleaseNULL(self->current);
	self->current = e;
}

IORegistryEntry *
IORegistryIterator_getNextObjectFlat(IORegistryIterator *self)
{
	struct ioreg_level *l;
	IORegistryEntry *e = NULL;

	if (self == NULL || (l = self->where) == NULL) {
		return NULL;
	}
	while (l->next < OSArray_getCount(l->links)) {
		e = (IORegistryEntry *)OSArray_getObject(l->links, l->next++);
		if (self->done == NULL || !OSOrderedSet_containsObject(self->done, e)) {
			break;
		}
		e = NULL;
	}
	if (e != NULL && self->done != NULL) {
		(void)OSOrderedSet_setLastObject(self->done, e);
	}
	ioreg_iter_set_current(self, e);
	return e;
}

void
IORegistryIterator_enterEntry(IORegistryIterator *self)
{
	if (self != NULL && self->current != NULL) {
		(void)ioreg_iter_push(self, self->current);
	}
}

bool
IORegistryIterator_exitEntry(IORegistryIterator *self)
{
	if (self == NULL || self->where == NULL || ((struct ioreg_level *)self->where)->up == NULL) {
		return false;
	}
	(void)ioreg_iter_pop(self);
	return true;
}

IORegistryEntry *
IORegistryIterator_getNextObjectRecursive(IORegistryIterator *self)
{
	IORegistryEntry *e;

	if (self == NULL) {
		return NULL;
	}
	if (self->current != NULL) {
		IORegistryIterator_enterEntry(self);
	}
	while ((e = IORegistryIterator_getNextObjectFlat(self)) == NULL &&
	       IORegistryIterator_exitEntry(self)) {
	}
	return e;
}

IORegistryEntry *
IORegistryIterator_getNextObject(IORegistryIterator *self)
{
	if (self == NULL) {
		return NULL;
	}
	return (self->options & kIORegistryIterateRecursively)
	               ? IORegistryIterator_getNextObjectRecursive(self)
	               : IORegistryIterator_getNextObjectFlat(self);
}

IORegistryEntry *
IORegistryIterator_getCurrentEntry(IORegistryIterator *self)
{
	return self ? self->current : NULL;
}

void
IORegistryIterator_reset(IORegistryIterator *self)
{
	if (self != NULL) {
		IORegistryIterator_resetImpl((OSIterator *)self);
	}
}

bool
IORegistryIterator_isValid(IORegistryIterator *self)
{
	return self != NULL && IORegistryIterator_isValidImpl((OSIterator *)self);
}

OSOrderedSet *
IORegistryIterator_iterateAll(IORegistryIterator *self)
{
	OSOrderedSet *all;
	IORegistryEntry *e;

	if (self == NULL || (all = OSOrderedSet_withCapacity(16, NULL, NULL)) == NULL) {
		return NULL;
	}
	while ((e = IORegistryIterator_getNextObject(self)) != NULL) {
		(void)OSOrderedSet_setLastObject(all, e);
	}
	if (!IORegistryIterator_isValid(self)) {
		OSObject_release(all);
		return NULL;
	}
	return all;
}
