/*
 * OSOrderedSet.c — distinct members (pointer identity) in an array kept in
 * the order of an optional order function. setObject scans from the front
 * past every member m with ordering(m, new) >= 0 and inserts there, so
 * ordering(a, b) > 0 means "a first" and equal priorities keep arrival
 * order (XNU's rule). No serialize method: XNU has none either.
 */
#include "libkern/c/osc_internal.h"

static void OSOrderedSet_freeImpl(OSObject *self);
static bool OSOrderedSet_isEqualToImpl(const OSObject *self, const OSObject *anObject);
static unsigned int OSOrderedSet_getCountImpl(const OSCollection *self);
static unsigned int OSOrderedSet_getCapacityImpl(const OSCollection *self);
static unsigned int OSOrderedSet_getCapacityIncrementImpl(const OSCollection *self);
static unsigned int OSOrderedSet_setCapacityIncrementImpl(OSCollection *self, unsigned int increment);
static unsigned int OSOrderedSet_ensureCapacityImpl(OSCollection *self, unsigned int newCapacity);
static void OSOrderedSet_flushCollectionImpl(OSCollection *self);
static unsigned int OSOrderedSet_setOptionsImpl(OSCollection *self, unsigned int options, unsigned int mask);
static OSCollection *OSOrderedSet_copyCollectionImpl(OSCollection *self, OSDictionary *cycleDict);
static bool OSOrderedSet_getNextObjectForIteratorImpl(const OSCollection *self, void *iterator,
                                                      OSObject **ret);

static const OSMethod OSOrderedSet_methods[] = {
        OSMethodOverride(OSObject, free, OSOrderedSet_freeImpl),
        OSMethodOverride(OSObject, isEqualTo, OSOrderedSet_isEqualToImpl),
        OSMethodOverride(OSCollection, getCount, OSOrderedSet_getCountImpl),
        OSMethodOverride(OSCollection, getCapacity, OSOrderedSet_getCapacityImpl),
        OSMethodOverride(OSCollection, getCapacityIncrement, OSOrderedSet_getCapacityIncrementImpl),
        OSMethodOverride(OSCollection, setCapacityIncrement, OSOrderedSet_setCapacityIncrementImpl),
        OSMethodOverride(OSCollection, ensureCapacity, OSOrderedSet_ensureCapacityImpl),
        OSMethodOverride(OSCollection, flushCollection, OSOrderedSet_flushCollectionImpl),
        OSMethodOverride(OSCollection, setOptions, OSOrderedSet_setOptionsImpl),
        OSMethodOverride(OSCollection, copyCollection, OSOrderedSet_copyCollectionImpl),
        OSMethodOverride(OSCollection, iteratorSize, osc_index_iteratorSize),
        OSMethodOverride(OSCollection, initIterator, osc_index_initIterator),
        OSMethodOverride(OSCollection, getNextObjectForIterator, OSOrderedSet_getNextObjectForIteratorImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSOrderedSet, OSCollection, OSOrderedSet_methods);

bool
OSOrderedSet_initWithCapacity(OSOrderedSet *self, unsigned int capacity, OSOrderFunction ordering,
                              void *orderingRef)
{
	if (!OSSuperCallAs(OSOrderedSet, OSObject, init, OSObj(self))) {
		return false;
	}
	if (capacity > self->capacity) {
		if (!osc_grow_ptr_array(&self->array, self->capacity, capacity)) {
			return false;
		}
		self->capacity = capacity;
	}
	self->capacityIncrement = capacity ? capacity : 16;
	self->ordering = ordering;
	self->orderingRef = orderingRef;
	return true;
}

OSOrderedSet *
OSOrderedSet_withCapacity(unsigned int capacity, OSOrderFunction ordering, void *orderingRef)
{
	OSOrderedSet *me = OSTypeAlloc(OSOrderedSet);

	if (me && !OSOrderedSet_initWithCapacity(me, capacity, ordering, orderingRef)) {
		OSObject_release(me);
		me = NULL;
	}
	return me;
}

static void
OSOrderedSet_freeImpl(OSObject *obj)
{
	OSOrderedSet *self = (OSOrderedSet *)obj;

	self->super.fOptions &= ~kOSCollectionImmutable;
	OSOrderedSet_flushCollection(self);
	osc_free(self->array, (size_t)self->capacity * sizeof(*self->array));
	self->array = NULL;
	OSSuperCallAs(OSOrderedSet, OSObject, free, obj);
}

static unsigned int
OSOrderedSet_getCountImpl(const OSCollection *c)
{
	return ((const OSOrderedSet *)c)->count;
}

static unsigned int
OSOrderedSet_getCapacityImpl(const OSCollection *c)
{
	return ((const OSOrderedSet *)c)->capacity;
}

static unsigned int
OSOrderedSet_getCapacityIncrementImpl(const OSCollection *c)
{
	return ((const OSOrderedSet *)c)->capacityIncrement;
}

static unsigned int
OSOrderedSet_setCapacityIncrementImpl(OSCollection *c, unsigned int increment)
{
	return ((OSOrderedSet *)c)->capacityIncrement = increment ? increment : 16;
}

static unsigned int
OSOrderedSet_ensureCapacityImpl(OSCollection *c, unsigned int newCapacity)
{
	OSOrderedSet *self = (OSOrderedSet *)c;
	unsigned int finalCapacity;

	if (newCapacity <= self->capacity) {
		return self->capacity;
	}
	if (osc_round_capacity(newCapacity, self->capacityIncrement ? self->capacityIncrement : 16,
	                       &finalCapacity) &&
	    osc_grow_ptr_array(&self->array, self->capacity, finalCapacity)) {
		self->capacity = finalCapacity;
	}
	return self->capacity;
}

static void
OSOrderedSet_flushCollectionImpl(OSCollection *c)
{
	OSOrderedSet *self = (OSOrderedSet *)c;
	unsigned int i, n = self->count;

	OSCollection_haveUpdated(c);
	self->count = 0;
	for (i = 0; i < n; i++) {
		const OSObject *o = self->array[i];

		self->array[i] = NULL;
		osc_coll_release(o);
	}
}

bool(OSOrderedSet_member)(const OSOrderedSet *self, const OSObject *anObject)
{
	unsigned int i;

	for (i = 0; i < self->count; i++) {
		if (self->array[i] == anObject) {
			return true;
		}
	}
	return false;
}

bool(OSOrderedSet_containsObject)(const OSOrderedSet *self, const OSObject *anObject)
{
	return anObject && OSOrderedSet_member(self, anObject);
}

bool(OSOrderedSet_setObjectAtIndex)(OSOrderedSet *self, unsigned int index, const OSObject *anObject)
{
	unsigned int newCount;

	if (!anObject || index > self->count || OSOrderedSet_containsObject(self, anObject) ||
	    __builtin_add_overflow(self->count, 1u, &newCount)) {
		return false;
	}
	if (newCount > self->capacity && newCount > OSCollection_ensureCapacity(self, newCount)) {
		return false;
	}
	OSCollection_haveUpdated(&self->super);
	if (index != self->count) {
		memmove(&self->array[index + 1], &self->array[index],
		        (size_t)(self->count - index) * sizeof(*self->array));
	}
	osc_coll_retain(anObject);
	self->array[index] = anObject;
	self->count = newCount;
	return true;
}

bool(OSOrderedSet_setFirstObject)(OSOrderedSet *self, const OSObject *anObject)
{
	return OSOrderedSet_setObjectAtIndex(self, 0, anObject);
}

bool(OSOrderedSet_setLastObject)(OSOrderedSet *self, const OSObject *anObject)
{
	return OSOrderedSet_setObjectAtIndex(self, self->count, anObject);
}

static inline SInt32
osc_order(const OSOrderedSet *self, const OSObject *a, const OSObject *b)
{
	return self->ordering ? self->ordering(a, b, self->orderingRef) : 0;
}

bool(OSOrderedSet_setObject)(OSOrderedSet *self, const OSObject *anObject)
{
	unsigned int i;

	/* Queue behind every member of the same or higher priority. */
	for (i = 0; i < self->count && osc_order(self, self->array[i], anObject) >= 0; i++) {
	}
	return OSOrderedSet_setObjectAtIndex(self, i, anObject);
}

void(OSOrderedSet_removeObject)(OSOrderedSet *self, const OSObject *anObject)
{
	unsigned int i;

	for (i = 0; i < self->count; i++) {
		if (self->array[i] == anObject) {
			OSCollection_haveUpdated(&self->super);
			self->count--;
			memmove(&self->array[i], &self->array[i + 1],
			        (size_t)(self->count - i) * sizeof(*self->array));
			self->array[self->count] = NULL;
			osc_coll_release(anObject);
			return;
		}
	}
}

OSObject *
OSOrderedSet_getObject(const OSOrderedSet *self, unsigned int index)
{
	return (index < self->count) ? (OSObject *)(uintptr_t)self->array[index] : NULL;
}

OSObject *
OSOrderedSet_getFirstObject(const OSOrderedSet *self)
{
	return OSOrderedSet_getObject(self, 0);
}

OSObject *
OSOrderedSet_getLastObject(const OSOrderedSet *self)
{
	return self->count ? (OSObject *)(uintptr_t)self->array[self->count - 1] : NULL;
}

SInt32(OSOrderedSet_orderObject)(OSOrderedSet *self, const OSObject *anObject)
{
	return osc_order(self, anObject, NULL);
}

void *
OSOrderedSet_getOrderingRef(OSOrderedSet *self)
{
	return self->orderingRef;
}

bool
OSOrderedSet_isEqualToOrderedSet(const OSOrderedSet *self, const OSOrderedSet *aSet)
{
	unsigned int i;

	if (!aSet) {
		return false;
	}
	if (self == aSet) {
		return true;
	}
	if (self->count != aSet->count) {
		return false;
	}
	for (i = 0; i < self->count; i++) {
		if (!OSObject_isEqualTo(self->array[i], aSet->array[i])) {
			return false;
		}
	}
	return true;
}

static bool
OSOrderedSet_isEqualToImpl(const OSObject *obj, const OSObject *anObject)
{
	const OSOrderedSet *other = OSDynamicCast(OSOrderedSet, anObject);

	return other && OSOrderedSet_isEqualToOrderedSet((const OSOrderedSet *)obj, other);
}

static bool
OSOrderedSet_getNextObjectForIteratorImpl(const OSCollection *c, void *iterator, OSObject **ret)
{
	unsigned int index = (*(unsigned int *)iterator)++;

	*ret = OSOrderedSet_getObject((const OSOrderedSet *)c, index);
	return *ret != NULL;
}

static unsigned int
OSOrderedSet_setOptionsImpl(OSCollection *c, unsigned int options, unsigned int mask)
{
	OSOrderedSet *self = (OSOrderedSet *)c;
	unsigned int old = OSSuperCall(OSOrderedSet, setOptions, c, options, mask);
	unsigned int i;

	if ((old ^ options) & mask) {
		for (i = 0; i < self->count; i++) {
			OSCollection *coll = OSDynamicCast(OSCollection, self->array[i]);

			if (coll) {
				OSCollection_setOptions(coll, options, mask);
			}
		}
	}
	return old;
}

static OSCollection *
OSOrderedSet_copyCollectionImpl(OSCollection *c, OSDictionary *cycleDict)
{
	OSOrderedSet *self = (OSOrderedSet *)c;
	OSDictionary *ourCycleDict = NULL;
	OSOrderedSet *newSet = NULL;
	OSCollection *ret;
	unsigned int i;

	if (!cycleDict) {
		ourCycleDict = OSDictionary_withCapacity(16);
		if (!ourCycleDict) {
			return NULL;
		}
		cycleDict = ourCycleDict;
	}
	ret = OSSuperCall(OSOrderedSet, copyCollection, c, cycleDict);
	if (ret) {
		goto out;
	}
	newSet = OSOrderedSet_withCapacity(self->capacity, self->ordering, self->orderingRef);
	if (!newSet || !OSDictionary_setObject(cycleDict, (const OSSymbol *)(const void *)self, newSet)) {
		goto out;
	}
	newSet->capacityIncrement = self->capacityIncrement;
	for (i = 0; i < self->count; i++) {
		const OSObject *obj = self->array[i];
		OSCollection *coll = OSDynamicCast(OSCollection, obj);
		OSCollection *newColl = NULL;

		if (coll) {
			newColl = OSCollection_copyCollection(coll, cycleDict);
			if (!newColl) {
				goto out;
			}
			obj = OSObj(newColl);
		}
		OSOrderedSet_setLastObject(newSet, obj);
		OSSafeReleaseNULL(newColl);
	}
	ret = &newSet->super;
	newSet = NULL;
out:
	OSSafeReleaseNULL(newSet);
	OSSafeReleaseNULL(ourCycleDict);
	return ret;
}
