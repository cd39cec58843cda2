/*
 * libkern/c/OSNumber.h — unsigned integers of 1 to 64 bits. The value is
 * masked to numberOfBits on every store; the signed view is the caller's
 * business (sign-extend from numberOfBits).
 */
#ifndef _LIBKERN_C_OSNUMBER_H
#define _LIBKERN_C_OSNUMBER_H

#include <libkern/c/OSObject.h>

OSDeclareDefaultStructors(OSNumber, OSObject);

struct OSNumber {
	OSObject super;
	unsigned long long value;
	unsigned int size; /* bits */
};

/* numberOfBits must be 1..64 (0 is taken as 64 bits of mask, as XNU on x86). */
OSNumber *OSNumber_withNumber(unsigned long long value, unsigned int numberOfBits);
/* value parsed like strtoul(value, NULL, 0). */
OSNumber *OSNumber_withNumberCString(const char *value, unsigned int numberOfBits);
bool OSNumber_initWithNumber(OSNumber *self, unsigned long long value, unsigned int numberOfBits);
bool OSNumber_initWithNumberCString(OSNumber *self, const char *value, unsigned int numberOfBits);

unsigned int OSNumber_numberOfBits(const OSNumber *self);
unsigned int OSNumber_numberOfBytes(const OSNumber *self);
unsigned char OSNumber_unsigned8BitValue(const OSNumber *self);
unsigned short OSNumber_unsigned16BitValue(const OSNumber *self);
unsigned int OSNumber_unsigned32BitValue(const OSNumber *self);
unsigned long long OSNumber_unsigned64BitValue(const OSNumber *self);
void OSNumber_setValue(OSNumber *self, unsigned long long value);
void OSNumber_addValue(OSNumber *self, signed long long value);
bool OSNumber_isEqualToNumber(const OSNumber *self, const OSNumber *aNumber);

#endif /* _LIBKERN_C_OSNUMBER_H */
