/*
 * libkern/c/OSSerialize.h — serialization of object trees to the kernel's
 * XML form (the one IORegistry properties travel in), e.g.
 *   <dict ID="0"><key>a</key><integer size="32" ID="1">0x5</integer></dict>
 * Each container, string, number and data gets an ID in the order it is
 * first serialized; an object met again is written <reference IDREF="n"/>.
 * Booleans are <true/> and <false/> without IDs. Objects of classes without
 * a serialize method come out as a string "<Class> is not serializable".
 *
 * OSSerializer wraps a callback that serializes something computed on demand.
 */
#ifndef _LIBKERN_C_OSSERIALIZE_H
#define _LIBKERN_C_OSSERIALIZE_H

#include <libkern/c/OSObject.h>

OSDeclareDefaultStructors(OSSerialize, OSObject);

struct OSSerialize {
	OSObject super;
	char *data;          /* NUL-terminated text */
	unsigned int length; /* including the NUL */
	unsigned int capacity;
	unsigned int capacityIncrement;
	/* Objects serialized so far (retained), in ID order, with a pointer hash to find them. */
	const OSObject **tags;
	unsigned int tagCount;
	unsigned int tagCapacity;
	uint32_t *tagIndex; /* open addressing: tag number + 1, 0 = empty */
	unsigned int tagIndexSize;
};

OSSerialize *OSSerialize_withCapacity(unsigned int capacity);
bool OSSerialize_initWithCapacity(OSSerialize *self, unsigned int capacity);

/* The text (NUL-terminated, owned by the serializer). */
char *OSSerialize_text(const OSSerialize *self);
/* Forget the text and the IDs. */
void OSSerialize_clearText(OSSerialize *self);
/* Length of the text including its NUL. */
unsigned int OSSerialize_getLength(const OSSerialize *self);
unsigned int OSSerialize_getCapacity(const OSSerialize *self);
unsigned int OSSerialize_getCapacityIncrement(const OSSerialize *self);
unsigned int OSSerialize_setCapacityIncrement(OSSerialize *self, unsigned int increment);
unsigned int OSSerialize_ensureCapacity(OSSerialize *self, unsigned int newCapacity);

bool OSSerialize_addChar(OSSerialize *self, char c);
bool OSSerialize_addString(OSSerialize *self, const char *cString);
/* Append cString with <, > and & escaped as entities. */
bool OSSerialize_addXMLString(OSSerialize *self, const char *cString);
/* "<tagString ID="n">" where n is o's ID (o must have passed previouslySerialized). */
bool OSSerialize_addXMLStartTag(OSSerialize *self, const OSObject *o, const char *tagString);
#define OSSerialize_addXMLStartTag(s, o, t) OSSerialize_addXMLStartTag(s, OSObj(o), t)
bool OSSerialize_addXMLEndTag(OSSerialize *self, const char *tagString);
/*
 * If o was serialized already, write its IDREF and return true; otherwise
 * give it the next ID and return false (the caller then writes it).
 */
bool OSSerialize_previouslySerialized(OSSerialize *self, const OSObject *o);
#define OSSerialize_previouslySerialized(s, o) OSSerialize_previouslySerialized(s, OSObj(o))

/* ---- OSSerializer ----------------------------------------------------- */

typedef bool (*OSSerializerCallback)(void *target, void *ref, OSSerialize *s);

OSDeclareDefaultStructors(OSSerializer, OSObject);

struct OSSerializer {
	OSObject super;
	void *target;
	void *ref;
	OSSerializerCallback callback;
};

/* An object whose serialize calls callback(target, ref, s). */
OSSerializer *OSSerializer_forTarget(void *target, OSSerializerCallback callback, void *ref);

#endif /* _LIBKERN_C_OSSERIALIZE_H */
