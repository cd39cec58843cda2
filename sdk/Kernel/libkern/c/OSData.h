/*
 * libkern/c/OSData.h — a growable byte buffer. withBytes copies;
 * withBytesNoCopy wraps the caller's buffer (which must outlive the object,
 * and which cannot grow: appends fail; an optional dealloc function is
 * called on it at free). getBytesNoCopy returns NULL for an empty buffer.
 */
#ifndef _LIBKERN_C_OSDATA_H
#define _LIBKERN_C_OSDATA_H

#include <libkern/c/OSObject.h>

typedef void (*OSDataDeallocFunction)(void *ptr, unsigned int length);

/* capacity of a no-copy OSData (XNU's EXTERNAL). */
#define kOSDataCapacityExternal 0xffffffffu

OSDeclareDefaultStructors(OSData, OSObject);

struct OSData {
	OSObject super;
	void *data;
	unsigned int length;
	unsigned int capacity;
	unsigned int capacityIncrement;
	bool disableSerialization;
	OSDataDeallocFunction deallocFunction;
};

OSData *OSData_withCapacity(unsigned int capacity);
OSData *OSData_withBytes(const void *bytes, unsigned int length);
OSData *OSData_withBytesNoCopy(void *bytes, unsigned int length);
OSData *OSData_withData(const OSData *data);
OSData *OSData_withDataRange(const OSData *data, unsigned int start, unsigned int length);

bool OSData_initWithCapacity(OSData *self, unsigned int capacity);
bool OSData_initWithBytes(OSData *self, const void *bytes, unsigned int length);
bool OSData_initWithBytesNoCopy(OSData *self, void *bytes, unsigned int length);
bool OSData_initWithData(OSData *self, const OSData *data);
bool OSData_initWithDataRange(OSData *self, const OSData *data, unsigned int start, unsigned int length);

unsigned int OSData_getLength(const OSData *self);
unsigned int OSData_getCapacity(const OSData *self);
unsigned int OSData_getCapacityIncrement(const OSData *self);
unsigned int OSData_setCapacityIncrement(OSData *self, unsigned int increment);
/* Returns the capacity, unchanged when growing fails. */
unsigned int OSData_ensureCapacity(OSData *self, unsigned int newCapacity);

/* Append length bytes (zeroes when bytes is NULL). */
bool OSData_appendBytes(OSData *self, const void *bytes, unsigned int length);
bool OSData_appendBytesData(OSData *self, const OSData *other);
/* Append `count` copies of byte. */
bool OSData_appendByte(OSData *self, unsigned char byte, unsigned int count);

const void *OSData_getBytesNoCopy(const OSData *self);
/* Pointer to [start, start + length), or NULL when out of range. */
const void *OSData_getBytesNoCopyRange(const OSData *self, unsigned int start, unsigned int length);

bool OSData_isEqualToData(const OSData *self, const OSData *aData);
/* Do the first `length` bytes equal bytes? */
bool OSData_isEqualToBytes(const OSData *self, const void *bytes, unsigned int length);
bool OSData_isEqualToString(const OSData *self, const OSString *aString);

void OSData_setDeallocFunction(OSData *self, OSDataDeallocFunction func);
void OSData_setSerializable(OSData *self, bool serializable);
bool OSData_isSerializable(const OSData *self);

#endif /* _LIBKERN_C_OSDATA_H */
