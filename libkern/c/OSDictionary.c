/*
 * OSDictionary.c — (symbol, value) pairs in insertion order.
 *
 * Small dictionaries are scanned linearly (keys compare by pointer). Past
 * OSC_DICT_INDEX_MIN pairs an open-addressing index (linear probing on the
 * key pointer's hash, at most half full) makes lookups O(1); removals
 * rebuild it, which costs no more than the memmove they already do. Lookups
 * by C string in small dictionaries compare the keys' strings instead of
 * interning the string, which avoids the symbol pool's lock and is
 * equivalent because a symbol is equal to exactly one string.
 */
#include "libkern/c/osc_internal.h"

#define OSC_DICT_INDEX_MIN 16u    /* pairs before an index is built */
#define OSC_DICT_SCAN_CSTRING 16u /* pairs up to which C-string lookups scan */
#define OSC_NOT_FOUND ((unsigned int)-1)

static void OSDictionary_freeImpl(OSObject *self);
static bool OSDictionary_isEqualToImpl(const OSObject *self, const OSObject *anObject);
static bool OSDictionary_serializeImpl(const OSObject *self, OSSerialize *s);
static unsigned int OSDictionary_getCountImpl(const OSCollection *self);
static unsigned int OSDictionary_getCapacityImpl(const OSCollection *self);
static unsigned int OSDictionary_getCapacityIncrementImpl(const OSCollection *self);
static unsigned int OSDictionary_setCapacityIncrementImpl(OSCollection *self, unsigned int increment);
static unsigned int OSDictionary_ensureCapacityImpl(OSCollection *self, unsigned int newCapacity);
static void OSDictionary_flushCollectionImpl(OSCollection *self);
static unsigned int OSDictionary_setOptionsImpl(OSCollection *self, unsigned int options, unsigned int mask);
static OSCollection *OSDictionary_copyCollectionImpl(OSCollection *self, OSDictionary *cycleDict);
static bool OSDictionary_getNextObjectForIteratorImpl(const OSCollection *self, void *iterator,
                                                      OSObject **ret);

static const OSMethod OSDictionary_methods[] = {
        OSMethodOverride(OSObject, free, OSDictionary_freeImpl),
        OSMethodOverride(OSObject, isEqualTo, OSDictionary_isEqualToImpl),
        OSMethodOverride(OSObject, serialize, OSDictionary_serializeImpl),
        OSMethodOverride(OSCollection, getCount, OSDictionary_getCountImpl),
        OSMethodOverride(OSCollection, getCapacity, OSDictionary_getCapacityImpl),
        OSMethodOverride(OSCollection, getCapacityIncrement, OSDictionary_getCapacityIncrementImpl),
        OSMethodOverride(OSCollection, setCapacityIncrement, OSDictionary_setCapacityIncrementImpl),
        OSMethodOverride(OSCollection, ensureCapacity, OSDictionary_ensureCapacityImpl),
        OSMethodOverride(OSCollection, flushCollection, OSDictionary_flushCollectionImpl),
        OSMethodOverride(OSCollection, setOptions, OSDictionary_setOptionsImpl),
        OSMethodOverride(OSCollection, copyCollection, OSDictionary_copyCollectionImpl),
        OSMethodOverride(OSCollection, iteratorSize, osc_index_iteratorSize),
        OSMethodOverride(OSCollection, initIterator, osc_index_initIterator),
        OSMethodOverride(OSCollection, getNextObjectForIterator, OSDictionary_getNextObjectForIteratorImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSDictionary, OSCollection, OSDictionary_methods);

/* ---- the index ------------------------------------------------------------ */

static void
osc_dict_index_free(OSDictionary *self)
{
	osc_free(self->index, (size_t)self->indexSize * sizeof(*self->index));
	self->index = NULL;
	self->indexSize = 0;
}

static void
osc_dict_index_put(OSDictionary *self, unsigned int entry)
{
	unsigned int mask = self->indexSize - 1;
	unsigned int h = osc_ptr_hash(self->dictionary[entry].key) & mask;

	while (self->index[h]) {
		h = (h + 1) & mask;
	}
	self->index[h] = entry + 1;
}

/* (Re)build the index for the current pairs; without memory, lookups just scan. */
static void
osc_dict_index_rebuild(OSDictionary *self)
{
	unsigned int size = 64, i;

	osc_dict_index_free(self);
	if (self->count <= OSC_DICT_INDEX_MIN / 2) {
		return;
	}
	while (size < self->count * 4u && size < (1u << 30)) {
		size <<= 1;
	}
	self->index = osc_alloc((size_t)size * sizeof(*self->index));
	if (!self->index) {
		return;
	}
	self->indexSize = size;
	for (i = 0; i < self->count; i++) {
		osc_dict_index_put(self, i);
	}
}

/* Position of aKey, or OSC_NOT_FOUND. */
static unsigned int
osc_dict_find(const OSDictionary *self, const OSSymbol *aKey)
{
	unsigned int i;

	if (self->index) {
		unsigned int mask = self->indexSize - 1;
		uint32_t v;

		for (i = osc_ptr_hash(aKey) & mask; (v = self->index[i]) != 0; i = (i + 1) & mask) {
			if (self->dictionary[v - 1].key == aKey) {
				return v - 1;
			}
		}
		return OSC_NOT_FOUND;
	}
	for (i = 0; i < self->count; i++) {
		if (self->dictionary[i].key == aKey) {
			return i;
		}
	}
	return OSC_NOT_FOUND;
}

/* ---- init and factories ------------------------------------------------------ */

static bool
osc_dict_grow(OSDictionary *self, unsigned int newCapacity)
{
	OSDictionaryEntry *nd;
	size_t bytes;

	if (!osc_mul_size(newCapacity, sizeof(*nd), &bytes)) {
		return false;
	}
	nd = osc_alloc(bytes);
	if (!nd) {
		return false;
	}
	if (self->dictionary) {
		memcpy(nd, self->dictionary, (size_t)self->count * sizeof(*nd));
		osc_free(self->dictionary, (size_t)self->capacity * sizeof(*nd));
	}
	self->dictionary = nd;
	self->capacity = newCapacity;
	return true;
}

bool
OSDictionary_initWithCapacity(OSDictionary *self, unsigned int capacity)
{
	if (!OSSuperCallAs(OSDictionary, OSObject, init, OSObj(self))) {
		return false;
	}
	if (capacity > self->capacity && !osc_dict_grow(self, capacity)) {
		return false;
	}
	self->capacityIncrement = capacity ? capacity : 16;
	return true;
}

bool
OSDictionary_initWithObjects(OSDictionary *self, const OSObject *objects[], const OSSymbol *keys[],
                             unsigned int count, unsigned int capacity)
{
	unsigned int i;

	if (!objects || !keys || (capacity && count > capacity) ||
	    !OSDictionary_initWithCapacity(self, capacity ? capacity : count)) {
		return false;
	}
	for (i = 0; i < count; i++) {
		if (!objects[i] || !keys[i] || !OSDictionary_setObject(self, keys[i], objects[i])) {
			return false;
		}
	}
	return true;
}

bool
OSDictionary_initWithObjectsString(OSDictionary *self, const OSObject *objects[], const OSString *keys[],
                                   unsigned int count, unsigned int capacity)
{
	unsigned int i;

	if (!objects || !keys || (capacity && count > capacity) ||
	    !OSDictionary_initWithCapacity(self, capacity ? capacity : count)) {
		return false;
	}
	for (i = 0; i < count; i++) {
		if (!objects[i] || !keys[i] || !OSDictionary_setObjectString(self, keys[i], objects[i])) {
			return false;
		}
	}
	return true;
}

bool
OSDictionary_initWithDictionary(OSDictionary *self, const OSDictionary *dict, unsigned int capacity)
{
	unsigned int i;

	if (!dict || (capacity && dict->count > capacity) ||
	    !OSDictionary_initWithCapacity(self, capacity ? capacity : dict->count)) {
		return false;
	}
	for (i = 0; i < dict->count; i++) {
		osc_coll_retain(OSObj(dict->dictionary[i].key));
		osc_coll_retain(dict->dictionary[i].value);
		self->dictionary[i] = dict->dictionary[i];
	}
	self->count = dict->count;
	osc_dict_index_rebuild(self);
	return true;
}

#define OSC_DICT_FACTORY(initCall)                            \
	do {                                                  \
		OSDictionary *me = OSTypeAlloc(OSDictionary); \
		if (me && !(initCall)) {                      \
			OSObject_release(me);                 \
			me = NULL;                            \
		}                                             \
		return me;                                    \
	} while (0)

OSDictionary *
OSDictionary_withCapacity(unsigned int capacity)
{
	OSC_DICT_FACTORY(OSDictionary_initWithCapacity(me, capacity));
}

OSDictionary *
OSDictionary_withObjects(const OSObject *objects[], const OSSymbol *keys[], unsigned int count,
                         unsigned int capacity)
{
	OSC_DICT_FACTORY(OSDictionary_initWithObjects(me, objects, keys, count, capacity));
}

OSDictionary *
OSDictionary_withObjectsString(const OSObject *objects[], const OSString *keys[], unsigned int count,
                               unsigned int capacity)
{
	OSC_DICT_FACTORY(OSDictionary_initWithObjectsString(me, objects, keys, count, capacity));
}

OSDictionary *
OSDictionary_withDictionary(const OSDictionary *dict, unsigned int capacity)
{
	OSC_DICT_FACTORY(OSDictionary_initWithDictionary(me, dict, capacity));
}

static void
OSDictionary_freeImpl(OSObject *obj)
{
	OSDictionary *self = (OSDictionary *)obj;

	self->super.fOptions &= ~kOSCollectionImmutable;
	OSDictionary_flushCollection(self);
	osc_dict_index_free(self);
	osc_free(self->dictionary, (size_t)self->capacity * sizeof(*self->dictionary));
	self->dictionary = NULL;
	OSSuperCallAs(OSDictionary, OSObject, free, obj);
}

/* ---- collection protocol ------------------------------------------------------ */

static unsigned int
OSDictionary_getCountImpl(const OSCollection *c)
{
	return ((const OSDictionary *)c)->count;
}

static unsigned int
OSDictionary_getCapacityImpl(const OSCollection *c)
{
	return ((const OSDictionary *)c)->capacity;
}

static unsigned int
OSDictionary_getCapacityIncrementImpl(const OSCollection *c)
{
	return ((const OSDictionary *)c)->capacityIncrement;
}

static unsigned int
OSDictionary_setCapacityIncrementImpl(OSCollection *c, unsigned int increment)
{
	return ((OSDictionary *)c)->capacityIncrement = increment ? increment : 16;
}

static unsigned int
OSDictionary_ensureCapacityImpl(OSCollection *c, unsigned int newCapacity)
{
	OSDictionary *self = (OSDictionary *)c;
	unsigned int finalCapacity;

	if (newCapacity <= self->capacity) {
		return self->capacity;
	}
	if (osc_round_capacity(newCapacity, self->capacityIncrement ? self->capacityIncrement : 16,
	                       &finalCapacity)) {
		(void)osc_dict_grow(self, finalCapacity);
	}
	return self->capacity;
}

static void
OSDictionary_flushCollectionImpl(OSCollection *c)
{
	OSDictionary *self = (OSDictionary *)c;
	unsigned int i, n = self->count;

	OSCollection_haveUpdated(c);
	self->count = 0;
	osc_dict_index_free(self);
	for (i = 0; i < n; i++) {
		OSDictionaryEntry e = self->dictionary[i];

		self->dictionary[i].key = NULL;
		self->dictionary[i].value = NULL;
		osc_coll_release(OSObj(e.key));
		osc_coll_release(e.value);
	}
}

static bool
OSDictionary_getNextObjectForIteratorImpl(const OSCollection *c, void *iterator, OSObject **ret)
{
	const OSDictionary *self = (const OSDictionary *)c;
	unsigned int index = (*(unsigned int *)iterator)++;

	*ret = (index < self->count) ? (OSObject *)(uintptr_t)self->dictionary[index].key : NULL;
	return *ret != NULL;
}

/* ---- pairs --------------------------------------------------------------- */

bool(OSDictionary_setObject)(OSDictionary *self, const OSSymbol *aKey, const OSObject *anObject)
{
	unsigned int i, newCount;
	const OSObject *old;

	if (!aKey || !anObject) {
		return false;
	}
	i = osc_dict_find(self, aKey);
	if (i != OSC_NOT_FOUND) {
		OSCollection_haveUpdated(&self->super);
		osc_coll_retain(anObject);
		old = self->dictionary[i].value;
		self->dictionary[i].value = anObject;
		osc_coll_release(old);
		return true;
	}
	if (__builtin_add_overflow(self->count, 1u, &newCount)) {
		return false;
	}
	if (newCount > self->capacity && newCount > OSDictionary_ensureCapacity(self, newCount)) {
		return false;
	}
	OSCollection_haveUpdated(&self->super);
	osc_coll_retain(OSObj(aKey));
	osc_coll_retain(anObject);
	self->dictionary[self->count].key = aKey;
	self->dictionary[self->count].value = anObject;
	self->count = newCount;
	if (self->count > OSC_DICT_INDEX_MIN && (!self->index || self->count * 2u > self->indexSize)) {
		osc_dict_index_rebuild(self);
	} else if (self->index) {
		osc_dict_index_put(self, self->count - 1);
	}
	return true;
}

bool(OSDictionary_setObjectString)(OSDictionary *self, const OSString *aKey, const OSObject *anObject)
{
	const OSSymbol *sym = OSSymbol_withString(aKey);
	bool ok;

	if (!sym) {
		return false;
	}
	ok = OSDictionary_setObject(self, sym, anObject);
	OSObject_release(sym);
	return ok;
}

bool(OSDictionary_setObjectCString)(OSDictionary *self, const char *aKey, const OSObject *anObject)
{
	const OSSymbol *sym = OSSymbol_withCString(aKey);
	bool ok;

	if (!sym) {
		return false;
	}
	ok = OSDictionary_setObject(self, sym, anObject);
	OSObject_release(sym);
	return ok;
}

OSObject *
OSDictionary_getObject(const OSDictionary *self, const OSSymbol *aKey)
{
	unsigned int i;

	if (!aKey) {
		return NULL;
	}
	i = osc_dict_find(self, aKey);
	return (i != OSC_NOT_FOUND) ? (OSObject *)(uintptr_t)self->dictionary[i].value : NULL;
}

OSObject *
OSDictionary_getObjectCString(const OSDictionary *self, const char *aKey)
{
	const OSSymbol *sym;
	OSObject *obj;
	unsigned int i;

	if (!aKey) {
		return NULL;
	}
	if (self->count <= OSC_DICT_SCAN_CSTRING) {
		for (i = 0; i < self->count; i++) {
			if (strcmp(OSSymbol_getCStringNoCopy(self->dictionary[i].key), aKey) == 0) {
				return (OSObject *)(uintptr_t)self->dictionary[i].value;
			}
		}
		return NULL;
	}
	sym = OSSymbol_existingSymbolForCString(aKey);
	if (!sym) {
		return NULL;
	}
	obj = OSDictionary_getObject(self, sym);
	OSObject_release(sym);
	return obj;
}

OSObject *
OSDictionary_getObjectString(const OSDictionary *self, const OSString *aKey)
{
	const OSSymbol *sym;
	OSObject *obj;

	if (!aKey) {
		return NULL;
	}
	if (OSDynamicCast(OSSymbol, aKey)) {
		return OSDictionary_getObject(self, (const OSSymbol *)aKey);
	}
	if (self->count <= OSC_DICT_SCAN_CSTRING) {
		return OSDictionary_getObjectCString(self, OSString_getCStringNoCopy(aKey));
	}
	sym = OSSymbol_existingSymbolForString(aKey);
	if (!sym) {
		return NULL;
	}
	obj = OSDictionary_getObject(self, sym);
	OSObject_release(sym);
	return obj;
}

void
OSDictionary_removeObject(OSDictionary *self, const OSSymbol *aKey)
{
	OSDictionaryEntry old;
	unsigned int i;

	if (!aKey) {
		return;
	}
	i = osc_dict_find(self, aKey);
	if (i == OSC_NOT_FOUND) {
		return;
	}
	OSCollection_haveUpdated(&self->super);
	old = self->dictionary[i];
	self->count--;
	memmove(&self->dictionary[i], &self->dictionary[i + 1], (size_t)(self->count - i) * sizeof(old));
	self->dictionary[self->count].key = NULL;
	self->dictionary[self->count].value = NULL;
	if (self->index) {
		osc_dict_index_rebuild(self);
	}
	osc_coll_release(OSObj(old.key));
	osc_coll_release(old.value);
}

void
OSDictionary_removeObjectCString(OSDictionary *self, const char *aKey)
{
	const OSSymbol *sym = OSSymbol_existingSymbolForCString(aKey);

	if (sym) {
		OSDictionary_removeObject(self, sym);
		OSObject_release(sym);
	}
}

void
OSDictionary_removeObjectString(OSDictionary *self, const OSString *aKey)
{
	const OSSymbol *sym = OSSymbol_existingSymbolForString(aKey);

	if (sym) {
		OSDictionary_removeObject(self, sym);
		OSObject_release(sym);
	}
}

bool
OSDictionary_merge(OSDictionary *self, const OSDictionary *srcDict)
{
	unsigned int i, n;

	if (!srcDict) {
		return false;
	}
	if (srcDict == self) {
		return true;
	}
	n = srcDict->count;
	for (i = 0; i < n; i++) {
		if (!OSDictionary_setObject(self, srcDict->dictionary[i].key, srcDict->dictionary[i].value)) {
			return false;
		}
	}
	return true;
}

bool
OSDictionary_isEqualToDictionary(const OSDictionary *self, const OSDictionary *aDict)
{
	unsigned int i;

	if (!aDict) {
		return false;
	}
	if (self == aDict) {
		return true;
	}
	if (self->count != aDict->count) {
		return false;
	}
	for (i = 0; i < self->count; i++) {
		const OSObject *obj = OSDictionary_getObject(aDict, self->dictionary[i].key);

		if (!obj || !OSObject_isEqualTo(self->dictionary[i].value, obj)) {
			return false;
		}
	}
	return true;
}

bool
OSDictionary_isEqualToDictionaryKeys(const OSDictionary *self, const OSDictionary *aDict,
                                     const OSCollection *keys)
{
	OSCollectionIterator *iter;
	OSObject *next;
	unsigned int keysCount;
	bool ret = true;

	if (!aDict || !keys) {
		return false;
	}
	if (self == aDict) {
		return true;
	}
	keysCount = OSCollection_getCount(keys);
	if (self->count < keysCount || aDict->count < keysCount) {
		return false;
	}
	iter = OSCollectionIterator_withCollection(keys);
	if (!iter) {
		return false;
	}
	while ((next = OSCollectionIterator_getNextObject(iter))) {
		const OSString *aKey = OSDynamicCast(OSString, next);
		const OSObject *obj1, *obj2;

		if (!aKey) {
			break;
		}
		obj1 = OSDictionary_getObjectString(self, aKey);
		obj2 = OSDictionary_getObjectString(aDict, aKey);
		if (!obj1 || !obj2 || !OSObject_isEqualTo(obj1, obj2)) {
			ret = false;
			break;
		}
	}
	OSObject_release(iter);
	return ret;
}

static bool
OSDictionary_isEqualToImpl(const OSObject *obj, const OSObject *anObject)
{
	const OSDictionary *other = OSDynamicCast(OSDictionary, anObject);

	return other && OSDictionary_isEqualToDictionary((const OSDictionary *)obj, other);
}

OSArray *
OSDictionary_copyKeys(const OSDictionary *self)
{
	OSArray *array = OSArray_withCapacity(self->count);
	unsigned int i;

	if (!array) {
		return NULL;
	}
	for (i = 0; i < self->count; i++) {
		if (!OSArray_setObject(array, self->dictionary[i].key)) {
			OSObject_release(array);
			return NULL;
		}
	}
	return array;
}

bool
OSDictionary_iterateObjects(OSDictionary *self, void *refcon,
                            bool (*callback)(void *refcon, const OSSymbol *key, OSObject *object))
{
	unsigned int initialUpdateStamp = self->super.updateStamp, i;

	for (i = 0; i < self->count; i++) {
		if (callback(refcon, self->dictionary[i].key,
		             (OSObject *)(uintptr_t)self->dictionary[i].value) ||
		    initialUpdateStamp != self->super.updateStamp) {
			break;
		}
	}
	return initialUpdateStamp == self->super.updateStamp;
}

static bool
OSDictionary_serializeImpl(const OSObject *obj, OSSerialize *s)
{
	const OSDictionary *self = (const OSDictionary *)obj;
	unsigned int i;

	if (OSSerialize_previouslySerialized(s, obj)) {
		return true;
	}
	if (!OSSerialize_addXMLStartTag(s, obj, "dict")) {
		return false;
	}
	for (i = 0; i < self->count; i++) {
		const OSSymbol *key = self->dictionary[i].key;

		/* The XML form has no way to write a key that is not a string. */
		if (!OSDynamicCast(OSSymbol, key)) {
			return false;
		}
		if (!OSSerialize_addString(s, "<key>") ||
		    !OSSerialize_addXMLString(s, OSSymbol_getCStringNoCopy(key)) ||
		    !OSSerialize_addXMLEndTag(s, "key") ||
		    !OSObject_serialize(self->dictionary[i].value, s)) {
			return false;
		}
	}
	return OSSerialize_addXMLEndTag(s, "dict");
}

static unsigned int
OSDictionary_setOptionsImpl(OSCollection *c, unsigned int options, unsigned int mask)
{
	OSDictionary *self = (OSDictionary *)c;
	unsigned int old = OSSuperCall(OSDictionary, setOptions, c, options, mask);
	unsigned int i;

	if ((old ^ options) & mask) {
		for (i = 0; i < self->count; i++) {
			OSCollection *v = OSDynamicCast(OSCollection, self->dictionary[i].value);

			if (v) {
				OSCollection_setOptions(v, options, mask);
			}
		}
	}
	return old;
}

static OSCollection *
OSDictionary_copyCollectionImpl(OSCollection *c, OSDictionary *cycleDict)
{
	OSDictionary *self = (OSDictionary *)c;
	OSDictionary *ourCycleDict = NULL, *newDict = NULL;
	OSCollection *ret;
	unsigned int i;

	if (!cycleDict) {
		ourCycleDict = OSDictionary_withCapacity(16);
		if (!ourCycleDict) {
			return NULL;
		}
		cycleDict = ourCycleDict;
	}
	ret = OSSuperCall(OSDictionary, copyCollection, c, cycleDict);
	if (ret) {
		goto out;
	}
	newDict = OSDictionary_withDictionary(self, 0);
	if (!newDict || !OSDictionary_setObject(cycleDict, (const OSSymbol *)(const void *)self, newDict)) {
		goto out;
	}
	for (i = 0; i < newDict->count; i++) {
		OSCollection *coll = OSDynamicCast(OSCollection, newDict->dictionary[i].value);
		OSCollection *newColl;
		const OSObject *old;

		if (!coll) {
			continue;
		}
		newColl = OSCollection_copyCollection(coll, cycleDict);
		if (!newColl) {
			goto out;
		}
		/* Swap the member in place (the copy is not visible to anyone yet). */
		osc_coll_retain(OSObj(newColl));
		old = newDict->dictionary[i].value;
		newDict->dictionary[i].value = OSObj(newColl);
		osc_coll_release(old);
		OSObject_release(newColl);
	}
	ret = &newDict->super;
	newDict = NULL;
out:
	OSSafeReleaseNULL(newDict);
	OSSafeReleaseNULL(ourCycleDict);
	return ret;
}
