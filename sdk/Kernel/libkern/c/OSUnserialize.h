/*
 * libkern/c/OSUnserialize.h — building object trees from text.
 *
 * OSUnserializeXML parses the kernel's XML form (what OSSerialize writes)
 * and ordinary Apple XML property lists: <?xml?>, <!DOCTYPE>, comments and
 * <plist> are skipped; dict, key, array, set, string, integer (optional
 * size="bits", decimal or 0x hex), data (base64, or format="hex"), true,
 * false, ID and IDREF (back references only). Keys become OSSymbols. <real>
 * and <date> are rejected: the kernel has no floating point and no date
 * object. Limits: kOSUnserializeMaxDepth nesting, kOSUnserializeMaxObjects
 * objects, kOSUnserializeMaxRefs IDREFs. On error it returns NULL and, if
 * errorString is non-NULL, sets *errorString to a retained
 * "OSUnserializeXML: <why> near line <n>" string; it never reads past the
 * buffer (the NUL, or bufferSize bytes).
 *
 * OSUnserializePlist reads an Apple property list in XML or binary form
 * through libplist and converts it: dict -> OSDictionary, array ->
 * OSArray, string -> OSString, integer and uid -> 64-bit OSNumber, boolean
 * -> kOSBooleanTrue/False, data -> OSData, date -> OSString in ISO 8601
 * ("2001-01-01T00:00:00Z"), real -> 64-bit OSNumber holding the value
 * truncated toward zero (NaN and infinities are errors).
 */
#ifndef _LIBKERN_C_OSUNSERIALIZE_H
#define _LIBKERN_C_OSUNSERIALIZE_H

#include <libkern/c/OSObject.h>

#define kOSUnserializeMaxDepth 128u
#define kOSUnserializeMaxObjects 131071u
#define kOSUnserializeMaxRefs 65535u

/* buffer is NUL-terminated. Returns a retained object or NULL. */
OSObject *OSUnserializeXML(const char *buffer, OSString **errorString);
/* Reads at most bufferSize bytes (stopping early at a NUL). */
OSObject *OSUnserializeXMLWithLength(const char *buffer, size_t bufferSize, OSString **errorString);

/* XML or binary property list bytes -> retained object, or NULL (+ *error, retained). */
OSObject *OSUnserializePlist(const void *bytes, size_t length, OSString **error);

#endif /* _LIBKERN_C_OSUNSERIALIZE_H */
