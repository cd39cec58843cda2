/*
 * OSObject.c — the root class: XNU's reference counting and the default
 * implementations of the virtual methods.
 *
 * retainCount packs two 16-bit counters: all references (low half) and the
 * references held by collections (high half, also counted in the low half).
 * The low half saturates: 0xfffe pegs the object (never freed), 0xffff
 * marks it as being freed. Both transitions are CAS loops so that exactly
 * one release observes the drop below `when` and calls free().
 */
#include "libkern/c/osc_internal.h"

static void OSObject_freeImpl(OSObject *self);
static bool OSObject_initImpl(OSObject *self);
static bool OSObject_isEqualToImpl(const OSObject *self, const OSObject *anObject);
static bool OSObject_serializeImpl(const OSObject *self, OSSerialize *s);
static int OSObject_getRetainCountImpl(const OSObject *self);
static void OSObject_taggedRetainImpl(const OSObject *self, const void *tag);
static void OSObject_taggedReleaseImpl(const OSObject *self, const void *tag, int when);

static const OSMethod OSObject_methods[] = {
        OSMethodOverride(OSObject, free, OSObject_freeImpl),
        OSMethodOverride(OSObject, init, OSObject_initImpl),
        OSMethodOverride(OSObject, isEqualTo, OSObject_isEqualToImpl),
        OSMethodOverride(OSObject, serialize, OSObject_serializeImpl),
        OSMethodOverride(OSObject, getRetainCount, OSObject_getRetainCountImpl),
        OSMethodOverride(OSObject, taggedRetain, OSObject_taggedRetainImpl),
        OSMethodOverride(OSObject, taggedRelease, OSObject_taggedReleaseImpl),
        OSMethodEnd,
};

/* The root has no superclass, so its record is spelled out rather than made by the macros. */
static void *OSObject_vtblStorage_[sizeof(OSObject_vtbl) / sizeof(void *)];
OSMetaClass OSObject_gMetaClass = {
        .className = "OSObject",
        .superClass = NULL,
        .classSize = sizeof(OSObject),
        .vtblSize = sizeof(OSObject_vtbl),
        .methods = OSObject_methods,
        .vtbl = OSObject_vtblStorage_,
        .flags = kOSMetaClassFlagAbstract,
};
static OSMetaClass *const OSObject_gMetaClassEntry_
        __attribute__((section(OSMETACLASS_SECTION), used, aligned(sizeof(void *)))) = &OSObject_gMetaClass;

#define OSC_COUNT_MASK 0xffffu
#define OSC_COLLECTION_ONE 0x10000u

static inline uint32_t
osc_tag_increment(const void *tag)
{
	return (tag == (const void *)OSTypeID(OSCollection)) ? (OSC_COLLECTION_ONE | 1u) : 1u;
}

static void
OSObject_taggedRetainImpl(const OSObject *self, const void *tag)
{
	volatile uint32_t *countp = (volatile uint32_t *)(uintptr_t)&self->retainCount;
	uint32_t inc = osc_tag_increment(tag);
	uint32_t old = __atomic_load_n(countp, __ATOMIC_RELAXED);

	do {
		if (((old & OSC_COUNT_MASK) | 1u) == kOSObjectRetainCountFreeing) {
			if (old & 1u) {
				panic("OSObject::refcount: Attempting to retain a freed object");
			}
			return; /* pegged: stop counting, leak rather than wrap */
		}
	} while (!__atomic_compare_exchange_n(countp, &old, old + inc, true, __ATOMIC_RELAXED,
	                                      __ATOMIC_RELAXED));
}

static void
OSObject_taggedReleaseImpl(const OSObject *self, const void *tag, int when)
{
	volatile uint32_t *countp = (volatile uint32_t *)(uintptr_t)&self->retainCount;
	uint32_t dec = osc_tag_increment(tag);
	uint32_t old = __atomic_load_n(countp, __ATOMIC_RELAXED);
	uint32_t actual, next;

	do {
		if (((old & OSC_COUNT_MASK) | 1u) == kOSObjectRetainCountFreeing) {
			return; /* being freed already (dangling reference dropped), or pegged */
		}
		actual = old - dec;
		next = ((int)(actual & OSC_COUNT_MASK) < when) ? kOSObjectRetainCountFreeing : actual;
	} while (!__atomic_compare_exchange_n(countp, &old, next, true, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));

	/* Fewer references left than collections holding it: someone released a reference they did not own. */
	if ((actual & OSC_COUNT_MASK) < (actual >> 16)) {
		panic("A kext releasing a(n) %s has corrupted the registry.", OSObject_getClassName(self));
	}
	if (next == kOSObjectRetainCountFreeing) {
		OSObject_free((OSObject *)(uintptr_t)self);
	}
}

static int
OSObject_getRetainCountImpl(const OSObject *self)
{
	return (int)(__atomic_load_n(&self->retainCount, __ATOMIC_RELAXED) & OSC_COUNT_MASK);
}

static void
OSObject_freeImpl(OSObject *self)
{
	const OSMetaClass *meta = self->super.vtbl->metaClass;

	OSMetaClass_instanceDestructed(meta);
	/* A stale pointer then faults on its first virtual call instead of using reused memory. */
	self->super.vtbl = NULL;
	osc_free(self, meta->classSize);
}

static bool
OSObject_initImpl(OSObject *self)
{
	return true;
}

static bool
OSObject_isEqualToImpl(const OSObject *self, const OSObject *anObject)
{
	return self == anObject;
}

/* Classes without a serialize method come out as a string naming them. */
static bool
OSObject_serializeImpl(const OSObject *self, OSSerialize *s)
{
	char cstr[128];
	OSString *str;
	bool ok;

	snprintf(cstr, sizeof(cstr), "%s is not serializable", OSObject_getClassName(self));
	str = OSString_withCString(cstr);
	if (!str) {
		return false;
	}
	ok = OSObject_serialize(str, s);
	OSObject_release(str);
	return ok;
}

const char *(OSObject_getClassName)(const OSObject *obj)
{
	const OSMetaClass *meta = (obj && obj->super.vtbl) ? obj->super.vtbl->metaClass : NULL;

	return meta ? meta->className : "unknown class?";
}

void
osobject_retain(void *object)
{
	OSObject_retain((OSObject *)object);
}

void
osobject_release(void *object)
{
	OSObject_release((OSObject *)object);
}
