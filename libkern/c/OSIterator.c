/*
 * OSIterator.c — the abstract iterator and OSCollectionIterator. A
 * collection iterator snapshots the collection's update stamp when it
 * (re)starts; any later mutation makes it invalid, after which it returns
 * NULL until reset. The collection's iteration state lives inline in the
 * iterator when it fits (all libkern collections need one unsigned int).
 */
#include "libkern/c/osc_internal.h"

OSDefineMetaClassAndAbstractStructors(OSIterator, OSObject, NULL);

static void OSCollectionIterator_freeImpl(OSObject *self);
static void OSCollectionIterator_resetImpl(OSIterator *self);
static bool OSCollectionIterator_isValidImpl(OSIterator *self);
static OSObject *OSCollectionIterator_getNextObjectImpl(OSIterator *self);

static const OSMethod OSCollectionIterator_methods[] = {
        OSMethodOverride(OSObject, free, OSCollectionIterator_freeImpl),
        OSMethodOverride(OSIterator, reset, OSCollectionIterator_resetImpl),
        OSMethodOverride(OSIterator, isValid, OSCollectionIterator_isValidImpl),
        OSMethodOverride(OSIterator, getNextObject, OSCollectionIterator_getNextObjectImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSCollectionIterator, OSIterator, OSCollectionIterator_methods);

bool
OSCollectionIterator_initWithCollection(OSCollectionIterator *self, const OSCollection *inColl)
{
	if (!inColl || !OSSuperCallAs(OSCollectionIterator, OSObject, init, OSObj(self))) {
		return false;
	}
	OSObject_retain(inColl);
	self->collection = inColl;
	self->collIterator = NULL;
	self->valid = false;
	return true;
}

OSCollectionIterator *(OSCollectionIterator_withCollection)(const OSCollection *inColl)
{
	OSCollectionIterator *me = OSTypeAlloc(OSCollectionIterator);

	if (me && !OSCollectionIterator_initWithCollection(me, inColl)) {
		OSObject_release(me);
		me = NULL;
	}
	return me;
}

static void
OSCollectionIterator_freeImpl(OSObject *obj)
{
	OSCollectionIterator *self = (OSCollectionIterator *)obj;

	if (self->collIterator && self->collIterator != (void *)self->inlineState) {
		osc_free(self->collIterator, self->collIteratorSize);
	}
	self->collIterator = NULL;
	OSSafeReleaseNULL(self->collection);
	OSSuperCallAs(OSCollectionIterator, OSObject, free, obj);
}

/* Allocate the iteration state on first use. */
static bool
osc_iter_state(OSCollectionIterator *self)
{
	unsigned int size;

	if (self->collIterator) {
		return true;
	}
	size = OSCollection_iteratorSize(self->collection);
	if (size <= sizeof(self->inlineState)) {
		self->collIterator = self->inlineState;
	} else {
		self->collIterator = osc_alloc(size);
		if (!self->collIterator) {
			return false;
		}
	}
	self->collIteratorSize = size;
	return true;
}

static void
OSCollectionIterator_resetImpl(OSIterator *iter)
{
	OSCollectionIterator *self = (OSCollectionIterator *)iter;

	self->valid = false;
	if (!osc_iter_state(self) || !OSCollection_initIterator(self->collection, self->collIterator)) {
		return;
	}
	self->initialUpdateStamp = self->collection->updateStamp;
	self->valid = true;
}

static bool
OSCollectionIterator_isValidImpl(OSIterator *iter)
{
	OSCollectionIterator *self = (OSCollectionIterator *)iter;

	if (!self->collIterator) {
		/* First use starts the iteration. */
		OSCollectionIterator_resetImpl(iter);
		return self->valid;
	}
	if (self->valid && OSCollection_isInvalid(self->collection, self->initialUpdateStamp)) {
		self->valid = false;
	}
	return self->valid;
}

static OSObject *
OSCollectionIterator_getNextObjectImpl(OSIterator *iter)
{
	OSCollectionIterator *self = (OSCollectionIterator *)iter;
	OSObject *obj = NULL;

	if (!OSCollectionIterator_isValidImpl(iter)) {
		return NULL;
	}
	return OSCollection_getNextObjectForIterator(self->collection, self->collIterator, &obj) ? obj : NULL;
}
