/*
 * OSArray.c — a growable array of retained object pointers. Capacity grows
 * to the next multiple of capacityIncrement (the initial capacity, or 16);
 * mutations shift the tail with memmove.
 */
#include "libkern/c/osc_internal.h"

static void OSArray_freeImpl(OSObject *self);
static bool OSArray_isEqualToImpl(const OSObject *self, const OSObject *anObject);
static bool OSArray_serializeImpl(const OSObject *self, OSSerialize *s);
static unsigned int OSArray_getCountImpl(const OSCollection *self);
static unsigned int OSArray_getCapacityImpl(const OSCollection *self);
static unsigned int OSArray_getCapacityIncrementImpl(const OSCollection *self);
static unsigned int OSArray_setCapacityIncrementImpl(OSCollection *self, unsigned int increment);
static unsigned int OSArray_ensureCapacityImpl(OSCollection *self, unsigned int newCapacity);
static void OSArray_flushCollectionImpl(OSCollection *self);
static unsigned int OSArray_setOptionsImpl(OSCollection *self, unsigned int options, unsigned int mask);
static OSCollection *OSArray_copyCollectionImpl(OSCollection *self, OSDictionary *cycleDict);
static bool OSArray_getNextObjectForIteratorImpl(const OSCollection *self, void *iterator, OSObject **ret);

static const OSMethod OSArray_methods[] = {
        OSMethodOverride(OSObject, free, OSArray_freeImpl),
        OSMethodOverride(OSObject, isEqualTo, OSArray_isEqualToImpl),
        OSMethodOverride(OSObject, serialize, OSArray_serializeImpl),
        OSMethodOverride(OSCollection, getCount, OSArray_getCountImpl),
        OSMethodOverride(OSCollection, getCapacity, OSArray_getCapacityImpl),
        OSMethodOverride(OSCollection, getCapacityIncrement, OSArray_getCapacityIncrementImpl),
        OSMethodOverride(OSCollection, setCapacityIncrement, OSArray_setCapacityIncrementImpl),
        OSMethodOverride(OSCollection, ensureCapacity, OSArray_ensureCapacityImpl),
        OSMethodOverride(OSCollection, flushCollection, OSArray_flushCollectionImpl),
        OSMethodOverride(OSCollection, setOptions, OSArray_setOptionsImpl),
        OSMethodOverride(OSCollection, copyCollection, OSArray_copyCollectionImpl),
        OSMethodOverride(OSCollection, iteratorSize, osc_index_iteratorSize),
        OSMethodOverride(OSCollection, initIterator, osc_index_initIterator),
        OSMethodOverride(OSCollection, getNextObjectForIterator, OSArray_getNextObjectForIteratorImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSArray, OSCollection, OSArray_methods);

bool
osc_grow_ptr_array(const OSObject ***arrayp, unsigned int oldCapacity, unsigned int newCapacity)
{
	const OSObject **na;
	size_t bytes;

	if (!osc_mul_size(newCapacity, sizeof(*na), &bytes)) {
		return false;
	}
	na = osc_alloc(bytes);
	if (!na) {
		return false;
	}
	if (*arrayp) {
		memcpy(na, *arrayp, (size_t)oldCapacity * sizeof(*na));
		osc_free(*arrayp, (size_t)oldCapacity * sizeof(*na));
	}
	*arrayp = na;
	return true;
}

bool
OSArray_initWithCapacity(OSArray *self, unsigned int capacity)
{
	if (!OSSuperCallAs(OSArray, OSObject, init, OSObj(self))) {
		return false;
	}
	if (capacity > self->capacity) {
		if (!osc_grow_ptr_array(&self->array, self->capacity, capacity)) {
			return false;
		}
		self->capacity = capacity;
	}
	self->capacityIncrement = capacity ? capacity : 16;
	return true;
}

bool
OSArray_initWithObjects(OSArray *self, const OSObject *objects[], unsigned int count, unsigned int capacity)
{
	unsigned int i;

	if (capacity && count > capacity) {
		return false;
	}
	if (!objects || !OSArray_initWithCapacity(self, capacity ? capacity : count)) {
		return false;
	}
	for (i = 0; i < count; i++) {
		if (!objects[i]) {
			return false;
		}
		osc_coll_retain(objects[i]);
		self->array[self->count++] = objects[i];
	}
	return true;
}

bool
OSArray_initWithArray(OSArray *self, const OSArray *array, unsigned int capacity)
{
	if (!array) {
		return false;
	}
	return OSArray_initWithObjects(self, array->array ? array->array : (const OSObject *[]){NULL},
	                               array->count, capacity);
}

#define OSC_ARRAY_FACTORY(initCall)                 \
	do {                                        \
		OSArray *me = OSTypeAlloc(OSArray); \
		if (me && !(initCall)) {            \
			OSObject_release(me);       \
			me = NULL;                  \
		}                                   \
		return me;                          \
	} while (0)

OSArray *
OSArray_withCapacity(unsigned int capacity)
{
	OSC_ARRAY_FACTORY(OSArray_initWithCapacity(me, capacity));
}

OSArray *
OSArray_withObjects(const OSObject *objects[], unsigned int count, unsigned int capacity)
{
	OSC_ARRAY_FACTORY(OSArray_initWithObjects(me, objects, count, capacity));
}

OSArray *
OSArray_withArray(const OSArray *array, unsigned int capacity)
{
	OSC_ARRAY_FACTORY(OSArray_initWithArray(me, array, capacity));
}

static void
OSArray_freeImpl(OSObject *obj)
{
	OSArray *self = (OSArray *)obj;

	/* Freeing is not a change a registry client could see. */
	self->super.fOptions &= ~kOSCollectionImmutable;
	OSArray_flushCollection(self);
	osc_free(self->array, (size_t)self->capacity * sizeof(*self->array));
	self->array = NULL;
	OSSuperCallAs(OSArray, OSObject, free, obj);
}

static unsigned int
OSArray_getCountImpl(const OSCollection *c)
{
	return ((const OSArray *)c)->count;
}

static unsigned int
OSArray_getCapacityImpl(const OSCollection *c)
{
	return ((const OSArray *)c)->capacity;
}

static unsigned int
OSArray_getCapacityIncrementImpl(const OSCollection *c)
{
	return ((const OSArray *)c)->capacityIncrement;
}

static unsigned int
OSArray_setCapacityIncrementImpl(OSCollection *c, unsigned int increment)
{
	return ((OSArray *)c)->capacityIncrement = increment ? increment : 16;
}

static unsigned int
OSArray_ensureCapacityImpl(OSCollection *c, unsigned int newCapacity)
{
	OSArray *self = (OSArray *)c;
	unsigned int finalCapacity;

	if (newCapacity <= self->capacity) {
		return self->capacity;
	}
	if (!osc_round_capacity(newCapacity, self->capacityIncrement ? self->capacityIncrement : 16,
	                        &finalCapacity) ||
	    !osc_grow_ptr_array(&self->array, self->capacity, finalCapacity)) {
		return self->capacity;
	}
	self->capacity = finalCapacity;
	return self->capacity;
}

static void
OSArray_flushCollectionImpl(OSCollection *c)
{
	OSArray *self = (OSArray *)c;
	unsigned int i, n = self->count;

	OSCollection_haveUpdated(c);
	self->count = 0;
	for (i = 0; i < n; i++) {
		const OSObject *o = self->array[i];

		self->array[i] = NULL;
		osc_coll_release(o);
	}
}

bool(OSArray_setObjectAtIndex)(OSArray *self, unsigned int index, const OSObject *anObject)
{
	unsigned int newCount;

	if (!anObject || index > self->count || __builtin_add_overflow(self->count, 1u, &newCount)) {
		return false;
	}
	if (newCount > self->capacity && newCount > OSArray_ensureCapacity(self, newCount)) {
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

bool(OSArray_setObject)(OSArray *self, const OSObject *anObject)
{
	return OSArray_setObjectAtIndex(self, self->count, anObject);
}

bool
OSArray_merge(OSArray *self, const OSArray *otherArray)
{
	unsigned int i, otherCount, newCount;

	if (!otherArray) {
		return false;
	}
	otherCount = otherArray->count;
	if (!otherCount) {
		return true;
	}
	if (__builtin_add_overflow(self->count, otherCount, &newCount)) {
		return false;
	}
	if (newCount > self->capacity && newCount > OSArray_ensureCapacity(self, newCount)) {
		return false;
	}
	OSCollection_haveUpdated(&self->super);
	/* otherArray may be self: copy from the original count. */
	for (i = 0; i < otherCount; i++) {
		const OSObject *o = otherArray->array[i];

		osc_coll_retain(o);
		self->array[self->count++] = o;
	}
	return true;
}

void(OSArray_replaceObject)(OSArray *self, unsigned int index, const OSObject *anObject)
{
	const OSObject *old;

	if (index >= self->count || !anObject) {
		return;
	}
	OSCollection_haveUpdated(&self->super);
	osc_coll_retain(anObject);
	old = self->array[index];
	self->array[index] = anObject;
	osc_coll_release(old);
}

void
OSArray_removeObject(OSArray *self, unsigned int index)
{
	const OSObject *old;

	if (index >= self->count) {
		return;
	}
	OSCollection_haveUpdated(&self->super);
	old = self->array[index];
	self->count--;
	memmove(&self->array[index], &self->array[index + 1],
	        (size_t)(self->count - index) * sizeof(*self->array));
	self->array[self->count] = NULL;
	osc_coll_release(old);
}

OSObject *
OSArray_getObject(const OSArray *self, unsigned int index)
{
	return (index < self->count) ? (OSObject *)(uintptr_t)self->array[index] : NULL;
}

OSObject *
OSArray_getLastObject(const OSArray *self)
{
	return self->count ? (OSObject *)(uintptr_t)self->array[self->count - 1] : NULL;
}

unsigned int(OSArray_getNextIndexOfObject)(const OSArray *self, const OSObject *anObject, unsigned int index)
{
	for (; index < self->count; index++) {
		if (self->array[index] == anObject) {
			return index;
		}
	}
	return (unsigned int)-1;
}

bool
OSArray_isEqualToArray(const OSArray *self, const OSArray *anArray)
{
	unsigned int i;

	if (!anArray) {
		return false;
	}
	if (self == anArray) {
		return true;
	}
	if (self->count != anArray->count) {
		return false;
	}
	for (i = 0; i < self->count; i++) {
		if (!OSObject_isEqualTo(self->array[i], anArray->array[i])) {
			return false;
		}
	}
	return true;
}

static bool
OSArray_isEqualToImpl(const OSObject *obj, const OSObject *anObject)
{
	const OSArray *other = OSDynamicCast(OSArray, anObject);

	return other && OSArray_isEqualToArray((const OSArray *)obj, other);
}

static bool
OSArray_getNextObjectForIteratorImpl(const OSCollection *c, void *iterator, OSObject **ret)
{
	const OSArray *self = (const OSArray *)c;
	unsigned int index = (*(unsigned int *)iterator)++;

	*ret = (index < self->count) ? (OSObject *)(uintptr_t)self->array[index] : NULL;
	return *ret != NULL;
}

static bool
OSArray_serializeImpl(const OSObject *obj, OSSerialize *s)
{
	const OSArray *self = (const OSArray *)obj;
	unsigned int i;

	if (OSSerialize_previouslySerialized(s, obj)) {
		return true;
	}
	if (!OSSerialize_addXMLStartTag(s, obj, "array")) {
		return false;
	}
	for (i = 0; i < self->count; i++) {
		if (!OSObject_serialize(self->array[i], s)) {
			return false;
		}
	}
	return OSSerialize_addXMLEndTag(s, "array");
}

static unsigned int
OSArray_setOptionsImpl(OSCollection *c, unsigned int options, unsigned int mask)
{
	OSArray *self = (OSArray *)c;
	unsigned int old = OSSuperCall(OSArray, setOptions, c, options, mask);
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
OSArray_copyCollectionImpl(OSCollection *c, OSDictionary *cycleDict)
{
	OSArray *self = (OSArray *)c;
	OSDictionary *ourCycleDict = NULL;
	OSCollection *ret = NULL;
	OSArray *newArray = NULL;
	unsigned int i;

	if (!cycleDict) {
		ourCycleDict = OSDictionary_withCapacity(16);
		if (!ourCycleDict) {
			return NULL;
		}
		cycleDict = ourCycleDict;
	}
	/* Already copied in this operation (a cycle or shared subtree)? */
	ret = OSSuperCall(OSArray, copyCollection, c, cycleDict);
	if (ret) {
		goto out;
	}
	newArray = OSArray_withArray(self, 0);
	if (!newArray) {
		goto out;
	}
	if (!OSDictionary_setObject(cycleDict, (const OSSymbol *)(const void *)self, newArray)) {
		goto out;
	}
	for (i = 0; i < newArray->count; i++) {
		OSCollection *coll = OSDynamicCast(OSCollection, newArray->array[i]);
		OSCollection *newColl;

		if (!coll) {
			continue;
		}
		newColl = OSCollection_copyCollection(coll, cycleDict);
		if (!newColl) {
			goto out;
		}
		OSArray_replaceObject(newArray, i, newColl);
		OSObject_release(newColl);
	}
	ret = &newArray->super;
	newArray = NULL;
out:
	OSSafeReleaseNULL(newArray);
	OSSafeReleaseNULL(ourCycleDict);
	return ret;
}
