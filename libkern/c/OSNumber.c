/*
 * OSNumber.c — unsigned integers of a given bit width, serialized as
 * <integer size="bits" ID="n">0x...</integer>.
 */
#include "libkern/c/osc_internal.h"

static bool OSNumber_isEqualToImpl(const OSObject *self, const OSObject *anObject);
static bool OSNumber_serializeImpl(const OSObject *self, OSSerialize *s);

static const OSMethod OSNumber_methods[] = {
        OSMethodOverride(OSObject, isEqualTo, OSNumber_isEqualToImpl),
        OSMethodOverride(OSObject, serialize, OSNumber_serializeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSNumber, OSObject, OSNumber_methods);

/* Mask of the low `size` bits; size 0 masks nothing (XNU's shift by 64 on x86). */
static inline unsigned long long
osc_number_mask(unsigned int size)
{
	return (size == 0 || size >= 64) ? ~0ull : (~0ull >> (64 - size));
}

bool
OSNumber_initWithNumber(OSNumber *self, unsigned long long value, unsigned int numberOfBits)
{
	if (numberOfBits > 64 || !OSSuperCall(OSNumber, init, &self->super)) {
		return false;
	}
	self->size = numberOfBits;
	self->value = value & osc_number_mask(numberOfBits);
	return true;
}

bool
OSNumber_initWithNumberCString(OSNumber *self, const char *value, unsigned int numberOfBits)
{
	if (!value) {
		return false;
	}
	return OSNumber_initWithNumber(self, strtouq(value, NULL, 0), numberOfBits);
}

OSNumber *
OSNumber_withNumber(unsigned long long value, unsigned int numberOfBits)
{
	OSNumber *me = OSTypeAlloc(OSNumber);

	if (me && !OSNumber_initWithNumber(me, value, numberOfBits)) {
		OSObject_release(me);
		me = NULL;
	}
	return me;
}

OSNumber *
OSNumber_withNumberCString(const char *value, unsigned int numberOfBits)
{
	OSNumber *me = OSTypeAlloc(OSNumber);

	if (me && !OSNumber_initWithNumberCString(me, value, numberOfBits)) {
		OSObject_release(me);
		me = NULL;
	}
	return me;
}

unsigned int
OSNumber_numberOfBits(const OSNumber *self)
{
	return self->size;
}

unsigned int
OSNumber_numberOfBytes(const OSNumber *self)
{
	return (self->size + 7) / 8;
}

unsigned char
OSNumber_unsigned8BitValue(const OSNumber *self)
{
	return (unsigned char)self->value;
}

unsigned short
OSNumber_unsigned16BitValue(const OSNumber *self)
{
	return (unsigned short)self->value;
}

unsigned int
OSNumber_unsigned32BitValue(const OSNumber *self)
{
	return (unsigned int)self->value;
}

unsigned long long
OSNumber_unsigned64BitValue(const OSNumber *self)
{
	return self->value;
}

void
OSNumber_setValue(OSNumber *self, unsigned long long value)
{
	self->value = value & osc_number_mask(self->size);
}

void
OSNumber_addValue(OSNumber *self, signed long long value)
{
	self->value = (self->value + (unsigned long long)value) & osc_number_mask(self->size);
}

bool
OSNumber_isEqualToNumber(const OSNumber *self, const OSNumber *aNumber)
{
	return aNumber && self->value == aNumber->value;
}

static bool
OSNumber_isEqualToImpl(const OSObject *obj, const OSObject *anObject)
{
	const OSNumber *num = OSDynamicCast(OSNumber, anObject);

	return num && OSNumber_isEqualToNumber((const OSNumber *)obj, num);
}

static bool
OSNumber_serializeImpl(const OSObject *obj, OSSerialize *s)
{
	static const char hex[] = "0123456789abcdef";
	const OSNumber *self = (const OSNumber *)obj;
	unsigned long long v = self->value;
	char tag[32], digits[20], *p = &digits[sizeof(digits) - 1];

	if (OSSerialize_previouslySerialized(s, obj)) {
		return true;
	}
	snprintf(tag, sizeof(tag), "integer size=\"%u\"", self->size);
	if (!OSSerialize_addXMLStartTag(s, obj, tag)) {
		return false;
	}
	/* "0x" and lowercase hex digits without leading zeros, as XNU prints it. */
	*p = '\0';
	do {
		*--p = hex[v & 0xf];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	return OSSerialize_addString(s, p) && OSSerialize_addXMLEndTag(s, "integer");
}
