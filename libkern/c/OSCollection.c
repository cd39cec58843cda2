/*
 * OSCollection.c — what all containers share: the update stamp, the
 * options (immutability), the cycle-aware copy protocol and callback
 * iteration. The per-container slots (getCount, ...) are pure virtual here.
 */
#include "libkern/c/osc_internal.h"

static bool OSCollection_initImpl(OSObject *self);
static unsigned int OSCollection_setOptionsImpl(OSCollection *self, unsigned int options, unsigned int mask);
static OSCollection *OSCollection_copyCollectionImpl(OSCollection *self, OSDictionary *cycleDict);

static const OSMethod OSCollection_methods[] = {
        OSMethodOverride(OSObject, init, OSCollection_initImpl),
        OSMethodOverride(OSCollection, setOptions, OSCollection_setOptionsImpl),
        OSMethodOverride(OSCollection, copyCollection, OSCollection_copyCollectionImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndAbstractStructors(OSCollection, OSObject, OSCollection_methods);

static bool
OSCollection_initImpl(OSObject *obj)
{
	if (!OSSuperCall(OSCollection, init, obj)) {
		return false;
	}
	((OSCollection *)obj)->updateStamp = 0;
	return true;
}

void
OSCollection_haveUpdated(OSCollection *c)
{
	if (c->fOptions & kOSCollectionImmutable) {
		panic("Trying to change a collection in the registry");
	}
	c->updateStamp++;
}

static unsigned int
OSCollection_setOptionsImpl(OSCollection *self, unsigned int options, unsigned int mask)
{
	unsigned int old = self->fOptions;

	if (mask) {
		self->fOptions = (old & ~mask) | (options & mask);
	}
	return old;
}

/* The copy already made of self in this copy operation (retained), or NULL. */
static OSCollection *
OSCollection_copyCollectionImpl(OSCollection *self, OSDictionary *cycleDict)
{
	OSObject *obj;

	if (!cycleDict) {
		/* A subclass without its own copy: share self. */
		OSObject_retain(self);
		return self;
	}
	/* Keyed by the original's pointer: dictionaries compare keys by pointer only. */
	obj = OSDictionary_getObject(cycleDict, (const OSSymbol *)(const void *)self);
	if (obj) {
		OSObject_retain(obj);
	}
	return (OSCollection *)obj;
}

bool(OSCollection_iterateObjects)(OSCollection *c, void *refcon,
                                  bool (*callback)(void *refcon, OSObject *object))
{
	OSCollectionIterator *iter;
	OSObject *obj;
	bool ok;

	iter = OSCollectionIterator_withCollection(c);
	if (!iter) {
		return false;
	}
	while ((obj = OSCollectionIterator_getNextObject(iter))) {
		if (callback(refcon, obj)) {
			break;
		}
	}
	ok = OSCollectionIterator_isValid(iter);
	OSObject_release(iter);
	return ok;
}

/* Iterator state of the index-ordered collections (array, dictionary, sets): the next index. */
unsigned int
osc_index_iteratorSize(const OSCollection *c)
{
	return sizeof(unsigned int);
}

bool
osc_index_initIterator(const OSCollection *c, void *iterator)
{
	*(unsigned int *)iterator = 0;
	return true;
}
