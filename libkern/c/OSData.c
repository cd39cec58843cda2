/*
 * OSData.c — byte buffers: owned (kalloc'ed, growing in capacityIncrement
 * steps) or external (no-copy, fixed, capacity kOSDataCapacityExternal),
 * serialized as base64 in <data ID="n">...</data>.
 */
#include "libkern/c/osc_internal.h"

static void OSData_freeImpl(OSObject *self);
static bool OSData_isEqualToImpl(const OSObject *self, const OSObject *anObject);
static bool OSData_serializeImpl(const OSObject *self, OSSerialize *s);

static const OSMethod OSData_methods[] = {
        OSMethodOverride(OSObject, free, OSData_freeImpl),
        OSMethodOverride(OSObject, isEqualTo, OSData_isEqualToImpl),
        OSMethodOverride(OSObject, serialize, OSData_serializeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSData, OSObject, OSData_methods);

const char osc_base64_alphabet[65] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static inline bool
osc_data_external(const OSData *self)
{
	return self->capacity == kOSDataCapacityExternal;
}

/* Move the bytes to a new owned buffer of newCapacity bytes (zero-filled beyond length). */
static bool
osc_data_realloc(OSData *self, unsigned int newCapacity)
{
	void *nd = osc_alloc(newCapacity);

	if (!nd) {
		return false;
	}
	if (self->data && self->length) {
		memcpy(nd, self->data, self->length);
	}
	osc_free(self->data, self->capacity);
	self->data = nd;
	self->capacity = newCapacity;
	return true;
}

bool
OSData_initWithCapacity(OSData *self, unsigned int capacity)
{
	if (!OSSuperCall(OSData, init, &self->super)) {
		return false;
	}
	if (osc_data_external(self)) {
		self->data = NULL;
		self->capacity = 0;
	}
	self->length = 0;
	if (capacity > self->capacity && !osc_data_realloc(self, capacity)) {
		return false;
	}
	self->capacityIncrement = capacity > 16 ? capacity : 16;
	return true;
}

bool
OSData_initWithBytes(OSData *self, const void *bytes, unsigned int length)
{
	if ((length && !bytes) || !OSData_initWithCapacity(self, length)) {
		return false;
	}
	if (length) {
		memmove(self->data, bytes, length);
	}
	self->length = length;
	return true;
}

bool
OSData_initWithBytesNoCopy(OSData *self, void *bytes, unsigned int length)
{
	if (!OSSuperCall(OSData, init, &self->super)) {
		return false;
	}
	if (!osc_data_external(self)) {
		osc_free(self->data, self->capacity);
	}
	self->data = bytes;
	self->length = length;
	self->capacity = kOSDataCapacityExternal;
	return true;
}

bool
OSData_initWithData(OSData *self, const OSData *data)
{
	return data && OSData_initWithBytes(self, data->data, data->length);
}

bool
OSData_initWithDataRange(OSData *self, const OSData *data, unsigned int start, unsigned int length)
{
	const void *bytes = data ? OSData_getBytesNoCopyRange(data, start, length) : NULL;

	return bytes && OSData_initWithBytes(self, bytes, length);
}

#define OSC_DATA_FACTORY(initCall)                \
	do {                                      \
		OSData *me = OSTypeAlloc(OSData); \
		if (me && !(initCall)) {          \
			OSObject_release(me);     \
			me = NULL;                \
		}                                 \
		return me;                        \
	} while (0)

OSData *
OSData_withCapacity(unsigned int capacity)
{
	OSC_DATA_FACTORY(OSData_initWithCapacity(me, capacity));
}

OSData *
OSData_withBytes(const void *bytes, unsigned int length)
{
	OSC_DATA_FACTORY(OSData_initWithBytes(me, bytes, length));
}

OSData *
OSData_withBytesNoCopy(void *bytes, unsigned int length)
{
	OSC_DATA_FACTORY(OSData_initWithBytesNoCopy(me, bytes, length));
}

OSData *
OSData_withData(const OSData *data)
{
	OSC_DATA_FACTORY(OSData_initWithData(me, data));
}

OSData *
OSData_withDataRange(const OSData *data, unsigned int start, unsigned int length)
{
	OSC_DATA_FACTORY(OSData_initWithDataRange(me, data, start, length));
}

static void
OSData_freeImpl(OSObject *obj)
{
	OSData *self = (OSData *)obj;

	if (osc_data_external(self)) {
		if (self->deallocFunction && self->data && self->length) {
			self->deallocFunction(self->data, self->length);
		}
	} else {
		osc_free(self->data, self->capacity);
	}
	self->data = NULL;
	OSSuperCall(OSData, free, obj);
}

unsigned int
OSData_getLength(const OSData *self)
{
	return self->length;
}

unsigned int
OSData_getCapacity(const OSData *self)
{
	return self->capacity;
}

unsigned int
OSData_getCapacityIncrement(const OSData *self)
{
	return self->capacityIncrement;
}

unsigned int
OSData_setCapacityIncrement(OSData *self, unsigned int increment)
{
	return self->capacityIncrement = increment ? increment : 16;
}

unsigned int
OSData_ensureCapacity(OSData *self, unsigned int newCapacity)
{
	unsigned int finalCapacity;

	if (osc_data_external(self) || newCapacity <= self->capacity) {
		return self->capacity;
	}
	if (!osc_round_capacity(newCapacity, self->capacityIncrement ? self->capacityIncrement : 16,
	                        &finalCapacity)) {
		return self->capacity;
	}
	(void)osc_data_realloc(self, finalCapacity);
	return self->capacity;
}

/* Make room for `length` more bytes; false if external, overflowing or out of memory. */
static bool
osc_data_reserve(OSData *self, unsigned int length, unsigned int *newLength)
{
	if (osc_data_external(self) || __builtin_add_overflow(self->length, length, newLength)) {
		return false;
	}
	return *newLength <= self->capacity || OSData_ensureCapacity(self, *newLength) >= *newLength;
}

bool
OSData_appendBytes(OSData *self, const void *bytes, unsigned int length)
{
	unsigned int newLength;

	if (!length) {
		return true;
	}
	if (!osc_data_reserve(self, length, &newLength)) {
		return false;
	}
	if (bytes) {
		memmove((char *)self->data + self->length, bytes, length);
	} else {
		bzero((char *)self->data + self->length, length);
	}
	self->length = newLength;
	return true;
}

bool
OSData_appendBytesData(OSData *self, const OSData *other)
{
	return other && OSData_appendBytes(self, other->data, other->length);
}

bool
OSData_appendByte(OSData *self, unsigned char byte, unsigned int count)
{
	unsigned int newLength;

	if (!count) {
		return true;
	}
	if (!osc_data_reserve(self, count, &newLength)) {
		return false;
	}
	memset((char *)self->data + self->length, byte, count);
	self->length = newLength;
	return true;
}

const void *
OSData_getBytesNoCopy(const OSData *self)
{
	return self->length ? self->data : NULL;
}

const void *
OSData_getBytesNoCopyRange(const OSData *self, unsigned int start, unsigned int length)
{
	unsigned int end;

	if (!self->length || start >= self->length || __builtin_add_overflow(start, length, &end) ||
	    end > self->length) {
		return NULL;
	}
	return (const char *)self->data + start;
}

bool
OSData_isEqualToBytes(const OSData *self, const void *bytes, unsigned int length)
{
	if (self->length < length) {
		return false;
	}
	return length == 0 || (bytes && memcmp(self->data, bytes, length) == 0);
}

bool
OSData_isEqualToData(const OSData *self, const OSData *aData)
{
	return aData && self->length == aData->length &&
	       OSData_isEqualToBytes(self, aData->data, aData->length);
}

bool
OSData_isEqualToString(const OSData *self, const OSString *aString)
{
	return aString && OSString_isEqualToData(aString, self);
}

static bool
OSData_isEqualToImpl(const OSObject *obj, const OSObject *anObject)
{
	const OSData *data;
	const OSString *str;

	if ((data = OSDynamicCast(OSData, anObject))) {
		return OSData_isEqualToData((const OSData *)obj, data);
	}
	if ((str = OSDynamicCast(OSString, anObject))) {
		return OSData_isEqualToString((const OSData *)obj, str);
	}
	return false;
}

void
OSData_setDeallocFunction(OSData *self, OSDataDeallocFunction func)
{
	self->deallocFunction = func;
}

void
OSData_setSerializable(OSData *self, bool serializable)
{
	self->disableSerialization = !serializable;
}

bool
OSData_isSerializable(const OSData *self)
{
	return !self->disableSerialization;
}

/* Base64 with '=' padding, no line breaks (as XNU writes it). */
static bool
OSData_serializeImpl(const OSObject *obj, OSSerialize *s)
{
	const OSData *self = (const OSData *)obj;
	const unsigned char *p = self->data;
	unsigned int len = self->disableSerialization ? 0 : self->length;
	unsigned int i;
	char quad[5];

	if (OSSerialize_previouslySerialized(s, obj)) {
		return true;
	}
	if (!OSSerialize_addXMLStartTag(s, obj, "data")) {
		return false;
	}
	quad[4] = '\0';
	for (i = 0; i < len; i += 3) {
		unsigned int rest = len - i;
		uint32_t v = (uint32_t)p[i] << 16;

		if (rest > 1) {
			v |= (uint32_t)p[i + 1] << 8;
		}
		if (rest > 2) {
			v |= p[i + 2];
		}
		quad[0] = osc_base64_alphabet[(v >> 18) & 0x3f];
		quad[1] = osc_base64_alphabet[(v >> 12) & 0x3f];
		quad[2] = rest > 1 ? osc_base64_alphabet[(v >> 6) & 0x3f] : '=';
		quad[3] = rest > 2 ? osc_base64_alphabet[v & 0x3f] : '=';
		if (!OSSerialize_addString(s, quad)) {
			return false;
		}
	}
	return OSSerialize_addXMLEndTag(s, "data");
}
