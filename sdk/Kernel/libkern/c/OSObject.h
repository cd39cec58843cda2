/*
 * libkern/c/OSObject.h — the root class: reference counting and the virtual
 * methods every object has (free, init, isEqualTo, serialize, retain and
 * release).
 *
 * Reference counting follows XNU: the low 16 bits of retainCount count all
 * references, the high 16 bits the references held by collections (taken
 * with the tag OSTypeID(OSCollection)). A count that reaches 0xfffe is pegged
 * (the object becomes immortal, a leak rather than a use after free); 0xffff
 * marks an object being freed. free() runs exactly once, when the last
 * reference goes. Retaining an object being freed panics
 * "OSObject::refcount: Attempting to retain a freed object"; releasing
 * below the number of collection references panics
 * "A kext releasing a(n) <class> has corrupted the registry.".
 *
 * Ownership: functions named with/copy/create/alloc return a reference the
 * caller must release; get functions do not.
 */
#ifndef _LIBKERN_C_OSOBJECT_H
#define _LIBKERN_C_OSOBJECT_H

#include <libkern/c/OSMetaClass.h>

struct OSObject {
	OSMetaClassBase super;
	volatile uint32_t retainCount;
};

struct OSObject_vtbl {
	const OSMetaClass *metaClass;
	/* Release resources, then OSSuperCall(..., free, self); OSObject's frees the memory. */
	void (*free)(OSObject *self);
	bool (*init)(OSObject *self);
	bool (*isEqualTo)(const OSObject *self, const OSObject *anObject);
	bool (*serialize)(const OSObject *self, OSSerialize *s);
	int (*getRetainCount)(const OSObject *self);
	void (*taggedRetain)(const OSObject *self, const void *tag);
	/* Drop one reference; free when fewer than `when` remain. */
	void (*taggedRelease)(const OSObject *self, const void *tag, int when);
};

extern OSMetaClass OSObject_gMetaClass;

/* Retain counts at which counting stops (see above). */
#define kOSObjectRetainCountPegged 0xfffeu
#define kOSObjectRetainCountFreeing 0xffffu

/* ---- virtual dispatch ------------------------------------------------ */

static inline const OSMetaClass *
OSObject_getMetaClass(const OSObject *obj)
{
	return obj->super.vtbl->metaClass;
}
#define OSObject_getMetaClass(o) OSObject_getMetaClass(OSObj(o))

static inline void
OSObject_taggedRetain(const OSObject *obj, const void *tag)
{
	obj->super.vtbl->taggedRetain(obj, tag);
}
#define OSObject_taggedRetain(o, tag) OSObject_taggedRetain(OSObj(o), tag)

static inline void
OSObject_taggedRelease(const OSObject *obj, const void *tag)
{
	obj->super.vtbl->taggedRelease(obj, tag, 1);
}
#define OSObject_taggedRelease(o, tag) OSObject_taggedRelease(OSObj(o), tag)

static inline void
OSObject_retain(const OSObject *obj)
{
	obj->super.vtbl->taggedRetain(obj, NULL);
}
#define OSObject_retain(o) OSObject_retain(OSObj(o))

static inline void
OSObject_release(const OSObject *obj)
{
	obj->super.vtbl->taggedRelease(obj, NULL, 1);
}
#define OSObject_release(o) OSObject_release(OSObj(o))

/* XNU's release(int when): free once fewer than `when` references remain. */
static inline void
OSObject_releaseWhen(const OSObject *obj, int when)
{
	obj->super.vtbl->taggedRelease(obj, NULL, when);
}
#define OSObject_releaseWhen(o, when) OSObject_releaseWhen(OSObj(o), when)

static inline int
OSObject_getRetainCount(const OSObject *obj)
{
	return obj->super.vtbl->getRetainCount(obj);
}
#define OSObject_getRetainCount(o) OSObject_getRetainCount(OSObj(o))

static inline bool
OSObject_init(OSObject *obj)
{
	return obj->super.vtbl->init(obj);
}
#define OSObject_init(o) OSObject_init(OSObj(o))

static inline void
OSObject_free(OSObject *obj)
{
	obj->super.vtbl->free(obj);
}
#define OSObject_free(o) OSObject_free(OSObj(o))

static inline bool
OSObject_isEqualTo(const OSObject *obj, const OSObject *anObject)
{
	return obj->super.vtbl->isEqualTo(obj, anObject);
}
#define OSObject_isEqualTo(o, other) OSObject_isEqualTo(OSObj(o), OSObj(other))

static inline bool
OSObject_serialize(const OSObject *obj, OSSerialize *s)
{
	return obj->super.vtbl->serialize(obj, s);
}
#define OSObject_serialize(o, s) OSObject_serialize(OSObj(o), s)

/* Class name of obj ("unknown class?" if it has none). */
const char *OSObject_getClassName(const OSObject *obj);
#define OSObject_getClassName(o) OSObject_getClassName(OSObj(o))

/* Release o if non-NULL and set it to NULL. */
#define OSSafeReleaseNULL(o)                 \
	do {                                 \
		if (o) {                     \
			OSObject_release(o); \
		}                            \
		(o) = NULL;                  \
	} while (0)
#define OSSafeRelease(o)                     \
	do {                                 \
		if (o) {                     \
			OSObject_release(o); \
		}                            \
	} while (0)

/* C callers of XNU's osobject_retain/osobject_release (void * objects). */
void osobject_retain(void *object);
void osobject_release(void *object);

#endif /* _LIBKERN_C_OSOBJECT_H */
