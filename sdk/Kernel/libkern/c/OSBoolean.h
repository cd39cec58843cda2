/*
 * libkern/c/OSBoolean.h — the two boolean objects. kOSBooleanTrue and
 * kOSBooleanFalse are the only instances; retain and release do nothing to
 * them and withBoolean returns one of them (no reference to release, though
 * releasing it is harmless). Compare booleans by pointer.
 */
#ifndef _LIBKERN_C_OSBOOLEAN_H
#define _LIBKERN_C_OSBOOLEAN_H

#include <libkern/c/OSObject.h>

OSDeclareDefaultStructors(OSBoolean, OSObject);

struct OSBoolean {
	OSObject super;
	bool value;
};

extern OSBoolean *const kOSBooleanTrue;
extern OSBoolean *const kOSBooleanFalse;

OSBoolean *OSBoolean_withBoolean(bool value);
bool OSBoolean_isTrue(const OSBoolean *self);
bool OSBoolean_isFalse(const OSBoolean *self);
bool OSBoolean_getValue(const OSBoolean *self);
bool OSBoolean_isEqualToBoolean(const OSBoolean *self, const OSBoolean *aBoolean);

#endif /* _LIBKERN_C_OSBOOLEAN_H */
