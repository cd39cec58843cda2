/*
 * libkern/c/OSString.h — immutable-length C strings as objects.
 *
 * withCString copies the bytes; withCStringNoCopy keeps the caller's pointer
 * (which must outlive the object) and makes setChar fail. Strings are
 * shorter than kOSStringMaxLength bytes. isEqualTo compares contents with
 * another OSString, or with an OSData holding the same bytes (with or
 * without a terminating NUL).
 */
#ifndef _LIBKERN_C_OSSTRING_H
#define _LIBKERN_C_OSSTRING_H

#include <libkern/c/OSObject.h>

/* OSString.flags */
#define kOSStringNoCopy 0x00000001u
/* Strings must be shorter than this, NUL excluded (XNU's OSString::kMaxStringLength). */
#define kOSStringMaxLength 262142u

OSDeclareDefaultStructors(OSString, OSObject);

struct OSString {
	OSObject super;
	unsigned int flags;
	unsigned int length; /* including the terminating NUL */
	char *string;
};

/* Factories: a new string (retained) or NULL. */
OSString *OSString_withString(const OSString *aString);
OSString *OSString_withCString(const char *cString);
OSString *OSString_withCStringNoCopy(const char *cString);
/* At most `length` bytes of cString (stops early at a NUL). */
OSString *OSString_withCStringOfLength(const char *cString, size_t length);

bool OSString_initWithString(OSString *self, const OSString *aString);
bool OSString_initWithCString(OSString *self, const char *cString);
bool OSString_initWithCStringNoCopy(OSString *self, const char *cString);
bool OSString_initWithStringOfLength(OSString *self, const char *cString, size_t length);

/* Length without the NUL. */
unsigned int OSString_getLength(const OSString *self);
/* Byte at index, or 0 past the end. */
char OSString_getChar(const OSString *self, unsigned int index);
/* Replace a byte; fails for no-copy strings and out-of-range indexes. */
bool OSString_setChar(OSString *self, char aChar, unsigned int index);
const char *OSString_getCStringNoCopy(const OSString *self);

bool OSString_isEqualToString(const OSString *self, const OSString *aString);
bool OSString_isEqualToCString(const OSString *self, const char *cString);
bool OSString_isEqualToData(const OSString *self, const OSData *aData);

#endif /* _LIBKERN_C_OSSTRING_H */
