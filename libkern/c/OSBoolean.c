/*
 * OSBoolean.c — the two boolean singletons. They live in static storage,
 * so retain, release and free do nothing; serialized as <true/> / <false/>
 * without an ID.
 */
#include "libkern/c/osc_internal.h"

static void OSBoolean_freeImpl(OSObject *self);
static void OSBoolean_taggedRetainImpl(const OSObject *self, const void *tag);
static void OSBoolean_taggedReleaseImpl(const OSObject *self, const void *tag, int when);
static bool OSBoolean_isEqualToImpl(const OSObject *self, const OSObject *anObject);
static bool OSBoolean_serializeImpl(const OSObject *self, OSSerialize *s);

static const OSMethod OSBoolean_methods[] = {
        OSMethodOverride(OSObject, free, OSBoolean_freeImpl),
        OSMethodOverride(OSObject, taggedRetain, OSBoolean_taggedRetainImpl),
        OSMethodOverride(OSObject, taggedRelease, OSBoolean_taggedReleaseImpl),
        OSMethodOverride(OSObject, isEqualTo, OSBoolean_isEqualToImpl),
        OSMethodOverride(OSObject, serialize, OSBoolean_serializeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSBoolean, OSObject, OSBoolean_methods);

/* The vtable storage is filled at registration; the objects point at it from the start. */
static OSBoolean osc_boolean_true = {
        .super = {.super = {.vtbl = (const OSObject_vtbl *)(void *)OSBoolean_vtblStorage_}, .retainCount = 1},
        .value = true,
};
static OSBoolean osc_boolean_false = {
        .super = {.super = {.vtbl = (const OSObject_vtbl *)(void *)OSBoolean_vtblStorage_}, .retainCount = 1},
        .value = false,
};
OSBoolean *const kOSBooleanTrue = &osc_boolean_true;
OSBoolean *const kOSBooleanFalse = &osc_boolean_false;

void
osc_boolean_init(void)
{
	/* Count the two static instances, as if allocated. */
	OSMetaClass_instanceConstructed(OSTypeID(OSBoolean));
	OSMetaClass_instanceConstructed(OSTypeID(OSBoolean));
}

static void
OSBoolean_freeImpl(OSObject *self)
{
	panic("OSBoolean::free called on a boolean singleton");
}

static void
OSBoolean_taggedRetainImpl(const OSObject *self, const void *tag)
{
}

static void
OSBoolean_taggedReleaseImpl(const OSObject *self, const void *tag, int when)
{
}

OSBoolean *
OSBoolean_withBoolean(bool value)
{
	return value ? kOSBooleanTrue : kOSBooleanFalse;
}

bool
OSBoolean_isTrue(const OSBoolean *self)
{
	return self->value;
}

bool
OSBoolean_isFalse(const OSBoolean *self)
{
	return !self->value;
}

bool
OSBoolean_getValue(const OSBoolean *self)
{
	return self->value;
}

bool
OSBoolean_isEqualToBoolean(const OSBoolean *self, const OSBoolean *aBoolean)
{
	return self == aBoolean;
}

static bool
OSBoolean_isEqualToImpl(const OSObject *obj, const OSObject *anObject)
{
	return OSDynamicCast(OSBoolean, anObject) && obj == anObject;
}

static bool
OSBoolean_serializeImpl(const OSObject *obj, OSSerialize *s)
{
	return OSSerialize_addString(s, ((const OSBoolean *)obj)->value ? "<true/>" : "<false/>");
}
