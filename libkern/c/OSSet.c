/*
 * OSSet.c — a set over an internal OSArray of members, as in XNU:
 * membership is pointer identity, adding an existing member fails.
 */
#include "libkern/c/osc_internal.h"

static void OSSet_freeImpl(OSObject *self);
static bool OSSet_isEqualToImpl(const OSObject *self, const OSObject *anObject);
static bool OSSet_serializeImpl(const OSObject *self, OSSerialize *s);
static unsigned int OSSet_getCountImpl(const OSCollection *self);
static unsigned int OSSet_getCapacityImpl(const OSCollection *self);
static unsigned int OSSet_getCapacityIncrementImpl(const OSCollection *self);
static unsigned int OSSet_setCapacityIncrementImpl(OSCollection *self, unsigned int increment);
static unsigned int OSSet_ensureCapacityImpl(OSCollection *self, unsigned int newCapacity);
static void OSSet_flushCollectionImpl(OSCollection *self);
static unsigned int OSSet_setOptionsImpl(OSCollection *self, unsigned int options, unsigned int mask);
static OSCollection *OSSet_copyCollectionImpl(OSCollection *self, OSDictionary *cycleDict);
static bool OSSet_getNextObjectForIteratorImpl(const OSCollection *self, void *iterator, OSObject **ret);

static const OSMethod OSSet_methods[] = {
        OSMethodOverride(OSObject, free, OSSet_freeImpl),
        OSMethodOverride(OSObject, isEqualTo, OSSet_isEqualToImpl),
        OSMethodOverride(OSObject, serialize, OSSet_serializeImpl),
        OSMethodOverride(OSCollection, getCount, OSSet_getCountImpl),
        OSMethodOverride(OSCollection, getCapacity, OSSet_getCapacityImpl),
        OSMethodOverride(OSCollection, getCapacityIncrement, OSSet_getCapacityIncrementImpl),
        OSMethodOverride(OSCollection, setCapacityIncrement, OSSet_setCapacityIncrementImpl),
        OSMethodOverride(OSCollection, ensureCapacity, OSSet_ensureCapacityImpl),
        OSMethodOverride(OSCollection, flushCollection, OSSet_flushCollectionImpl),
        OSMethodOverride(OSCollection, setOptions, OSSet_setOptionsImpl),
        OSMethodOverride(OSCollection, copyCollection, OSSet_copyCollectionImpl),
        OSMethodOverride(OSCollection, iteratorSize, osc_index_iteratorSize),
        OSMethodOverride(OSCollection, initIterator, osc_index_initIterator),
        OSMethodOverride(OSCollection, getNextObjectForIterator, OSSet_getNextObjectForIteratorImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSSet, OSCollection, OSSet_methods);

bool
OSSet_initWithCapacity(OSSet *self, unsigned int capacity)
{
	if (!OSSuperCallAs(OSSet, OSObject, init, OSObj(self))) {
		return false;
	}
	if (!self->members) {
		self->members = OSArray_withCapacity(capacity);
	}
	return self->members != NULL;
}

bool
OSSet_initWithObjects(OSSet *self, const OSObject *objects[], unsigned int count, unsigned int capacity)
{
	unsigned int i;

	if (capacity && count > capacity) {
		return false;
	}
	if (!objects || !OSSet_initWithCapacity(self, capacity ? capacity : count)) {
		return false;
	}
	for (i = 0; i < count; i++) {
		if (!objects[i]) {
			return false;
		}
		(void)OSSet_setObject(self, objects[i]); /* duplicates are dropped */
	}
	return true;
}

bool
OSSet_initWithArray(OSSet *self, const OSArray *array, unsigned int capacity)
{
	if (!array) {
		return false;
	}
	return OSSet_initWithObjects(self, array->array ? array->array : (const OSObject *[]){NULL},
	                             array->count, capacity);
}

bool
OSSet_initWithSet(OSSet *self, const OSSet *set, unsigned int capacity)
{
	return set && OSSet_initWithArray(self, set->members, capacity);
}

#define OSC_SET_FACTORY(initCall)               \
	do {                                    \
		OSSet *me = OSTypeAlloc(OSSet); \
		if (me && !(initCall)) {        \
			OSObject_release(me);   \
			me = NULL;              \
		}                               \
		return me;                      \
	} while (0)

OSSet *
OSSet_withCapacity(unsigned int capacity)
{
	OSC_SET_FACTORY(OSSet_initWithCapacity(me, capacity));
}

OSSet *
OSSet_withObjects(const OSObject *objects[], unsigned int count, unsigned int capacity)
{
	OSC_SET_FACTORY(OSSet_initWithObjects(me, objects, count, capacity));
}

OSSet *
OSSet_withArray(const OSArray *array, unsigned int capacity)
{
	OSC_SET_FACTORY(OSSet_initWithArray(me, array, capacity));
}

OSSet *
OSSet_withSet(const OSSet *set, unsigned int capacity)
{
	OSC_SET_FACTORY(OSSet_initWithSet(me, set, capacity));
}

static void
OSSet_freeImpl(OSObject *obj)
{
	OSSet *self = (OSSet *)obj;

	if (self->members) {
		self->members->super.fOptions &= ~kOSCollectionImmutable;
		OSSafeReleaseNULL(self->members);
	}
	OSSuperCallAs(OSSet, OSObject, free, obj);
}

static unsigned int
OSSet_getCountImpl(const OSCollection *c)
{
	return ((const OSSet *)c)->members->count;
}

static unsigned int
OSSet_getCapacityImpl(const OSCollection *c)
{
	return ((const OSSet *)c)->members->capacity;
}

static unsigned int
OSSet_getCapacityIncrementImpl(const OSCollection *c)
{
	return OSCollection_getCapacityIncrement(((const OSSet *)c)->members);
}

static unsigned int
OSSet_setCapacityIncrementImpl(OSCollection *c, unsigned int increment)
{
	return OSCollection_setCapacityIncrement(((OSSet *)c)->members, increment);
}

static unsigned int
OSSet_ensureCapacityImpl(OSCollection *c, unsigned int newCapacity)
{
	return OSArray_ensureCapacity(((OSSet *)c)->members, newCapacity);
}

static void
OSSet_flushCollectionImpl(OSCollection *c)
{
	OSCollection_haveUpdated(c);
	OSArray_flushCollection(((OSSet *)c)->members);
}

bool(OSSet_setObject)(OSSet *self, const OSObject *anObject)
{
	if (!anObject || OSSet_containsObject(self, anObject)) {
		return false;
	}
	OSCollection_haveUpdated(&self->super);
	return OSArray_setObject(self->members, anObject);
}

bool
OSSet_mergeArray(OSSet *self, const OSArray *array)
{
	unsigned int i;
	bool result = true;

	if (!array) {
		return false;
	}
	for (i = 0; i < array->count; i++) {
		const OSObject *o = array->array[i];

		if (!OSSet_containsObject(self, o) && !OSSet_setObject(self, o)) {
			result = false;
		}
	}
	return result;
}

bool
OSSet_mergeSet(OSSet *self, const OSSet *set)
{
	return set && OSSet_mergeArray(self, set->members);
}

void(OSSet_removeObject)(OSSet *self, const OSObject *anObject)
{
	unsigned int i = OSArray_getNextIndexOfObject(self->members, anObject, 0);

	if (anObject && i != (unsigned int)-1) {
		OSCollection_haveUpdated(&self->super);
		OSArray_removeObject(self->members, i);
	}
}

bool(OSSet_member)(const OSSet *self, const OSObject *anObject)
{
	return OSArray_getNextIndexOfObject(self->members, anObject, 0) != (unsigned int)-1;
}

bool(OSSet_containsObject)(const OSSet *self, const OSObject *anObject)
{
	return anObject && OSSet_member(self, anObject);
}

OSObject *
OSSet_getAnyObject(const OSSet *self)
{
	return OSArray_getObject(self->members, 0);
}

/*
 * XNU pairs members by position and falls back to isEqualTo; here each
 * member of aSet must be in self, or be equal to some member of self.
 */
bool
OSSet_isEqualToSet(const OSSet *self, const OSSet *aSet)
{
	unsigned int i, j, n;

	if (!aSet) {
		return false;
	}
	if (self == aSet) {
		return true;
	}
	n = self->members->count;
	if (n != aSet->members->count) {
		return false;
	}
	for (i = 0; i < n; i++) {
		const OSObject *o = aSet->members->array[i];

		if (OSSet_containsObject(self, o)) {
			continue;
		}
		for (j = 0; j < n; j++) {
			if (OSObject_isEqualTo(self->members->array[j], o)) {
				break;
			}
		}
		if (j == n) {
			return false;
		}
	}
	return true;
}

static bool
OSSet_isEqualToImpl(const OSObject *obj, const OSObject *anObject)
{
	const OSSet *other = OSDynamicCast(OSSet, anObject);

	return other && OSSet_isEqualToSet((const OSSet *)obj, other);
}

static bool
OSSet_getNextObjectForIteratorImpl(const OSCollection *c, void *iterator, OSObject **ret)
{
	unsigned int index = (*(unsigned int *)iterator)++;

	*ret = OSArray_getObject(((const OSSet *)c)->members, index);
	return *ret != NULL;
}

static bool
OSSet_serializeImpl(const OSObject *obj, OSSerialize *s)
{
	const OSArray *members = ((const OSSet *)obj)->members;
	unsigned int i;

	if (OSSerialize_previouslySerialized(s, obj)) {
		return true;
	}
	if (!OSSerialize_addXMLStartTag(s, obj, "set")) {
		return false;
	}
	for (i = 0; i < members->count; i++) {
		if (!OSObject_serialize(members->array[i], s)) {
			return false;
		}
	}
	return OSSerialize_addXMLEndTag(s, "set");
}

static unsigned int
OSSet_setOptionsImpl(OSCollection *c, unsigned int options, unsigned int mask)
{
	unsigned int old = OSSuperCall(OSSet, setOptions, c, options, mask);

	if ((old ^ options) & mask) {
		OSCollection_setOptions(((OSSet *)c)->members, options, mask);
	}
	return old;
}

static OSCollection *
OSSet_copyCollectionImpl(OSCollection *c, OSDictionary *cycleDict)
{
	OSSet *self = (OSSet *)c;
	OSDictionary *ourCycleDict = NULL;
	OSCollection *ret;
	OSSet *newSet = NULL;
	unsigned int i;

	if (!cycleDict) {
		ourCycleDict = OSDictionary_withCapacity(16);
		if (!ourCycleDict) {
			return NULL;
		}
		cycleDict = ourCycleDict;
	}
	ret = OSSuperCall(OSSet, copyCollection, c, cycleDict);
	if (ret) {
		goto out;
	}
	newSet = OSSet_withCapacity(self->members->capacity);
	if (!newSet || !OSDictionary_setObject(cycleDict, (const OSSymbol *)(const void *)self, newSet)) {
		goto out;
	}
	newSet->members->capacityIncrement = self->members->capacityIncrement;
	for (i = 0; i < self->members->count; i++) {
		const OSObject *obj = self->members->array[i];
		OSCollection *coll = OSDynamicCast(OSCollection, obj);
		OSCollection *newColl = NULL;

		if (coll) {
			newColl = OSCollection_copyCollection(coll, cycleDict);
			if (!newColl) {
				goto out;
			}
			obj = OSObj(newColl);
		}
		OSArray_setObject(newSet->members, obj);
		OSSafeReleaseNULL(newColl);
	}
	ret = &newSet->super;
	newSet = NULL;
out:
	OSSafeReleaseNULL(newSet);
	OSSafeReleaseNULL(ourCycleDict);
	return ret;
}
