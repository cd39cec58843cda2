/*
 * libkern/c/OSDictionary.h — symbol-keyed associative collection that keeps
 * insertion order. Keys are OSSymbols compared by pointer; the String and
 * CString variants intern (set) or look up (get, remove) the symbol for
 * you. setObject retains key and value (replacing and releasing an old
 * value under the same key); getObject does not retain. Large dictionaries
 * get a hash index so lookups stay O(1).
 */
#ifndef _LIBKERN_C_OSDICTIONARY_H
#define _LIBKERN_C_OSDICTIONARY_H

#include <libkern/c/OSCollection.h>

OSDeclareDefaultStructors(OSDictionary, OSCollection);

typedef struct OSDictionaryEntry {
	const OSSymbol *key;
	const OSObject *value;
} OSDictionaryEntry;

struct OSDictionary {
	OSCollection super;
	OSDictionaryEntry *dictionary;
	unsigned int count;
	unsigned int capacity;
	unsigned int capacityIncrement;
	unsigned int indexSize; /* slots in index (power of two), 0 when there is none */
	uint32_t *index;        /* open addressing: entry number + 1, 0 = empty */
};

OSDictionary *OSDictionary_withCapacity(unsigned int capacity);
OSDictionary *OSDictionary_withObjects(const OSObject *objects[], const OSSymbol *keys[], unsigned int count,
                                       unsigned int capacity);
OSDictionary *OSDictionary_withObjectsString(const OSObject *objects[], const OSString *keys[],
                                             unsigned int count, unsigned int capacity);
OSDictionary *OSDictionary_withDictionary(const OSDictionary *dict, unsigned int capacity);
bool OSDictionary_initWithCapacity(OSDictionary *self, unsigned int capacity);
bool OSDictionary_initWithObjects(OSDictionary *self, const OSObject *objects[], const OSSymbol *keys[],
                                  unsigned int count, unsigned int capacity);
bool OSDictionary_initWithObjectsString(OSDictionary *self, const OSObject *objects[], const OSString *keys[],
                                        unsigned int count, unsigned int capacity);
bool OSDictionary_initWithDictionary(OSDictionary *self, const OSDictionary *dict, unsigned int capacity);

static inline unsigned int
OSDictionary_getCount(const OSDictionary *self)
{
	return OSCollection_getCount(self);
}
static inline unsigned int
OSDictionary_getCapacity(const OSDictionary *self)
{
	return OSCollection_getCapacity(self);
}
static inline unsigned int
OSDictionary_ensureCapacity(OSDictionary *self, unsigned int newCapacity)
{
	return OSCollection_ensureCapacity(self, newCapacity);
}
static inline void
OSDictionary_flushCollection(OSDictionary *self)
{
	OSCollection_flushCollection(self);
}

bool OSDictionary_setObject(OSDictionary *self, const OSSymbol *aKey, const OSObject *anObject);
#define OSDictionary_setObject(d, k, o) OSDictionary_setObject(d, k, OSObj(o))
bool OSDictionary_setObjectString(OSDictionary *self, const OSString *aKey, const OSObject *anObject);
#define OSDictionary_setObjectString(d, k, o) OSDictionary_setObjectString(d, k, OSObj(o))
bool OSDictionary_setObjectCString(OSDictionary *self, const char *aKey, const OSObject *anObject);
#define OSDictionary_setObjectCString(d, k, o) OSDictionary_setObjectCString(d, k, OSObj(o))

OSObject *OSDictionary_getObject(const OSDictionary *self, const OSSymbol *aKey);
OSObject *OSDictionary_getObjectString(const OSDictionary *self, const OSString *aKey);
OSObject *OSDictionary_getObjectCString(const OSDictionary *self, const char *aKey);

void OSDictionary_removeObject(OSDictionary *self, const OSSymbol *aKey);
void OSDictionary_removeObjectString(OSDictionary *self, const OSString *aKey);
void OSDictionary_removeObjectCString(OSDictionary *self, const char *aKey);

/* setObject every pair of srcDict (replacing existing keys). */
bool OSDictionary_merge(OSDictionary *self, const OSDictionary *srcDict);
/* Same keys with isEqualTo values. */
bool OSDictionary_isEqualToDictionary(const OSDictionary *self, const OSDictionary *aDict);
/* Equal on the keys (OSStrings) of `keys` only. */
bool OSDictionary_isEqualToDictionaryKeys(const OSDictionary *self, const OSDictionary *aDict,
                                          const OSCollection *keys);
/* The keys, in order (retained array). */
OSArray *OSDictionary_copyKeys(const OSDictionary *self);
/* callback(refcon, key, value) for each pair until it returns true; false if mutated meanwhile. */
bool OSDictionary_iterateObjects(OSDictionary *self, void *refcon,
                                 bool (*callback)(void *refcon, const OSSymbol *key, OSObject *object));

#endif /* _LIBKERN_C_OSDICTIONARY_H */
