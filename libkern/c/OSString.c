/*
 * OSString.c — C strings as objects: copies (kalloc'ed, length including
 * the NUL) or borrowed pointers (kOSStringNoCopy), XML serialization with
 * <, > and & escaped.
 */
#include "libkern/c/osc_internal.h"

static void OSString_freeImpl(OSObject *self);
static bool OSString_isEqualToImpl(const OSObject *self, const OSObject *anObject);
static bool OSString_serializeImpl(const OSObject *self, OSSerialize *s);

static const OSMethod OSString_methods[] = {
        OSMethodOverride(OSObject, free, OSString_freeImpl),
        OSMethodOverride(OSObject, isEqualTo, OSString_isEqualToImpl),
        OSMethodOverride(OSObject, serialize, OSString_serializeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSString, OSObject, OSString_methods);

/* Replace the string's storage with a copy of len bytes of src plus a NUL. */
static bool
osc_string_set_copy(OSString *self, const char *src, size_t len)
{
	char *copy = osc_alloc(len + 1);

	if (!copy) {
		return false;
	}
	memcpy(copy, src, len);
	copy[len] = '\0';
	if (!(self->flags & kOSStringNoCopy) && self->string) {
		osc_free(self->string, self->length);
	}
	self->string = copy;
	self->length = (unsigned int)len + 1;
	self->flags &= ~kOSStringNoCopy;
	return true;
}

bool
OSString_initWithCString(OSString *self, const char *cString)
{
	size_t len;

	if (!cString || !OSSuperCall(OSString, init, &self->super)) {
		return false;
	}
	len = strnlen(cString, kOSStringMaxLength);
	if (len >= kOSStringMaxLength) {
		return false;
	}
	return osc_string_set_copy(self, cString, len);
}

bool
OSString_initWithString(OSString *self, const OSString *aString)
{
	return aString && OSString_initWithCString(self, aString->string);
}

bool
OSString_initWithStringOfLength(OSString *self, const char *cString, size_t length)
{
	if (!cString || length >= kOSStringMaxLength || !OSSuperCall(OSString, init, &self->super)) {
		return false;
	}
	return osc_string_set_copy(self, cString, strnlen(cString, length));
}

bool
OSString_initWithCStringNoCopy(OSString *self, const char *cString)
{
	size_t len;

	if (!cString || !OSSuperCall(OSString, init, &self->super)) {
		return false;
	}
	len = strnlen(cString, kOSStringMaxLength);
	if (len >= kOSStringMaxLength) {
		return false;
	}
	if (!(self->flags & kOSStringNoCopy) && self->string) {
		osc_free(self->string, self->length);
	}
	self->string = (char *)(uintptr_t)cString;
	self->length = (unsigned int)len + 1;
	self->flags |= kOSStringNoCopy;
	return true;
}

/* Allocate, run init, release on failure. */
#define OSC_STRING_FACTORY(initCall)                  \
	do {                                          \
		OSString *me = OSTypeAlloc(OSString); \
		if (me && !(initCall)) {              \
			OSObject_release(me);         \
			me = NULL;                    \
		}                                     \
		return me;                            \
	} while (0)

OSString *
OSString_withString(const OSString *aString)
{
	OSC_STRING_FACTORY(OSString_initWithString(me, aString));
}

OSString *
OSString_withCString(const char *cString)
{
	OSC_STRING_FACTORY(OSString_initWithCString(me, cString));
}

OSString *
OSString_withCStringNoCopy(const char *cString)
{
	OSC_STRING_FACTORY(OSString_initWithCStringNoCopy(me, cString));
}

OSString *
OSString_withCStringOfLength(const char *cString, size_t length)
{
	OSC_STRING_FACTORY(OSString_initWithStringOfLength(me, cString, length));
}

static void
OSString_freeImpl(OSObject *obj)
{
	OSString *self = (OSString *)obj;

	if (!(self->flags & kOSStringNoCopy) && self->string) {
		osc_free(self->string, self->length);
	}
	self->string = NULL;
	OSSuperCall(OSString, free, obj);
}

unsigned int
OSString_getLength(const OSString *self)
{
	return self->length ? self->length - 1 : 0;
}

const char *
OSString_getCStringNoCopy(const OSString *self)
{
	return self->string;
}

char
OSString_getChar(const OSString *self, unsigned int index)
{
	return (index < self->length) ? self->string[index] : '\0';
}

bool
OSString_setChar(OSString *self, char aChar, unsigned int index)
{
	if ((self->flags & kOSStringNoCopy) || index + 1 >= self->length) {
		return false;
	}
	self->string[index] = aChar;
	return true;
}

bool
OSString_isEqualToString(const OSString *self, const OSString *aString)
{
	if (!aString) {
		return false;
	}
	if (self == aString) {
		return true;
	}
	return self->length == aString->length && memcmp(self->string, aString->string, self->length) == 0;
}

bool
OSString_isEqualToCString(const OSString *self, const char *cString)
{
	return cString && strncmp(self->string, cString, self->length) == 0;
}

/* Equal to data holding the same bytes, with or without a terminating NUL. */
bool
OSString_isEqualToData(const OSString *self, const OSData *aData)
{
	unsigned int dataLen, strLen = self->length - 1;
	const char *bytes;

	if (!aData) {
		return false;
	}
	dataLen = OSData_getLength(aData);
	bytes = OSData_getBytesNoCopy(aData);
	if (dataLen == strLen + 1) {
		if (bytes[dataLen - 1] != '\0') {
			return false;
		}
		dataLen--;
	}
	if (dataLen != strLen) {
		return false;
	}
	return dataLen == 0 || memcmp(bytes, self->string, dataLen) == 0;
}

static bool
OSString_isEqualToImpl(const OSObject *obj, const OSObject *anObject)
{
	const OSString *self = (const OSString *)obj;
	const OSString *str;
	const OSData *data;

	if ((str = OSDynamicCast(OSString, anObject))) {
		return OSString_isEqualToString(self, str);
	}
	if ((data = OSDynamicCast(OSData, anObject))) {
		return OSString_isEqualToData(self, data);
	}
	return false;
}

static bool
OSString_serializeImpl(const OSObject *obj, OSSerialize *s)
{
	const OSString *self = (const OSString *)obj;

	if (OSSerialize_previouslySerialized(s, obj)) {
		return true;
	}
	return OSSerialize_addXMLStartTag(s, obj, "string") && OSSerialize_addXMLString(s, self->string) &&
	       OSSerialize_addXMLEndTag(s, "string");
}
