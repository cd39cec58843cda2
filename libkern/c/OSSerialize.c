/*
 * OSSerialize.c — the XML text builder behind every serialize method, and
 * OSSerializer (serialize through a callback).
 *
 * The text grows in capacityIncrement steps (the initial capacity rounded
 * to a page). IDs are the order in which objects are first met; the objects
 * are kept retained in `tags` until the text is cleared, so that an address
 * cannot be reused by another object (a temporary string, say) and turn
 * into a false back reference. A pointer-hash index over tags makes the
 * already-serialized check O(1) instead of XNU's linear array search.
 */
#include "libkern/c/osc_internal.h"

#define OSC_SERIALIZE_PAGE 4096u

static void OSSerialize_freeImpl(OSObject *self);

static const OSMethod OSSerialize_methods[] = {
        OSMethodOverride(OSObject, free, OSSerialize_freeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSSerialize, OSObject, OSSerialize_methods);

static bool
osc_round_page(unsigned int n, unsigned int *out)
{
	return osc_round_capacity(n ? n : 1, OSC_SERIALIZE_PAGE, out);
}

bool
OSSerialize_initWithCapacity(OSSerialize *self, unsigned int capacity)
{
	if (!OSSuperCall(OSSerialize, init, OSObj(self)) || !osc_round_page(capacity, &capacity)) {
		return false;
	}
	self->data = osc_alloc(capacity);
	if (!self->data) {
		return false;
	}
	self->capacity = capacity;
	self->capacityIncrement = capacity;
	self->length = 1; /* the NUL */
	return true;
}

OSSerialize *
OSSerialize_withCapacity(unsigned int capacity)
{
	OSSerialize *me = OSTypeAlloc(OSSerialize);

	if (me && !OSSerialize_initWithCapacity(me, capacity)) {
		OSObject_release(me);
		me = NULL;
	}
	return me;
}

static void
osc_serialize_drop_tags(OSSerialize *self)
{
	unsigned int i, n = self->tagCount;

	self->tagCount = 0;
	if (self->tagIndex) {
		bzero(self->tagIndex, (size_t)self->tagIndexSize * sizeof(*self->tagIndex));
	}
	for (i = 0; i < n; i++) {
		OSObject_release(self->tags[i]);
		self->tags[i] = NULL;
	}
}

static void
OSSerialize_freeImpl(OSObject *obj)
{
	OSSerialize *self = (OSSerialize *)obj;

	osc_serialize_drop_tags(self);
	osc_free(self->tags, (size_t)self->tagCapacity * sizeof(*self->tags));
	osc_free(self->tagIndex, (size_t)self->tagIndexSize * sizeof(*self->tagIndex));
	osc_free(self->data, self->capacity);
	self->data = NULL;
	OSSuperCall(OSSerialize, free, obj);
}

char *
OSSerialize_text(const OSSerialize *self)
{
	return self->data;
}

void
OSSerialize_clearText(OSSerialize *self)
{
	bzero(self->data, self->capacity);
	self->length = 1;
	osc_serialize_drop_tags(self);
}

unsigned int
OSSerialize_getLength(const OSSerialize *self)
{
	return self->length;
}

unsigned int
OSSerialize_getCapacity(const OSSerialize *self)
{
	return self->capacity;
}

unsigned int
OSSerialize_getCapacityIncrement(const OSSerialize *self)
{
	return self->capacityIncrement;
}

unsigned int
OSSerialize_setCapacityIncrement(OSSerialize *self, unsigned int increment)
{
	return self->capacityIncrement = increment ? increment : 256;
}

unsigned int
OSSerialize_ensureCapacity(OSSerialize *self, unsigned int newCapacity)
{
	char *nd;

	if (newCapacity <= self->capacity || !osc_round_page(newCapacity, &newCapacity)) {
		return self->capacity;
	}
	nd = osc_alloc(newCapacity);
	if (!nd) {
		return self->capacity;
	}
	memcpy(nd, self->data, self->length);
	osc_free(self->data, self->capacity);
	self->data = nd;
	self->capacity = newCapacity;
	return self->capacity;
}

/* Room for n more characters (plus the NUL, already counted in length). */
static bool
osc_serialize_reserve(OSSerialize *self, size_t n)
{
	unsigned long long need = (unsigned long long)self->length + n;
	unsigned long long want;

	if (need <= self->capacity) {
		return true;
	}
	want = (unsigned long long)self->capacity + self->capacityIncrement;
	if (want < need) {
		want = need;
	}
	if (want > 0xffffffffull) {
		return false;
	}
	return OSSerialize_ensureCapacity(self, (unsigned int)want) >= need;
}

static bool
osc_serialize_append(OSSerialize *self, const char *s, size_t n)
{
	if (!osc_serialize_reserve(self, n)) {
		return false;
	}
	memcpy(&self->data[self->length - 1], s, n);
	self->length += (unsigned int)n;
	self->data[self->length - 1] = '\0';
	return true;
}

bool
OSSerialize_addChar(OSSerialize *self, char c)
{
	return osc_serialize_append(self, &c, 1);
}

bool
OSSerialize_addString(OSSerialize *self, const char *cString)
{
	return cString && osc_serialize_append(self, cString, strlen(cString));
}

bool
OSSerialize_addXMLString(OSSerialize *self, const char *cString)
{
	const char *run = cString, *p;

	if (!cString) {
		return false;
	}
	for (p = cString; *p; p++) {
		const char *entity;

		switch (*p) {
		case '<':
			entity = "&lt;";
			break;
		case '>':
			entity = "&gt;";
			break;
		case '&':
			entity = "&amp;";
			break;
		default:
			continue;
		}
		if (!osc_serialize_append(self, run, (size_t)(p - run)) ||
		    !OSSerialize_addString(self, entity)) {
			return false;
		}
		run = p + 1;
	}
	return osc_serialize_append(self, run, (size_t)(p - run));
}

bool
OSSerialize_addXMLEndTag(OSSerialize *self, const char *tagString)
{
	return OSSerialize_addString(self, "</") && OSSerialize_addString(self, tagString) &&
	       OSSerialize_addChar(self, '>');
}

/* ---- IDs ------------------------------------------------------------------- */

/* The ID of o, or -1. */
static int
osc_serialize_find(const OSSerialize *self, const OSObject *o)
{
	unsigned int mask, i;
	uint32_t v;

	if (!self->tagIndex) {
		return -1;
	}
	mask = self->tagIndexSize - 1;
	for (i = osc_ptr_hash(o) & mask; (v = self->tagIndex[i]) != 0; i = (i + 1) & mask) {
		if (self->tags[v - 1] == o) {
			return (int)(v - 1);
		}
	}
	return -1;
}

static void
osc_serialize_index_put(OSSerialize *self, unsigned int tag)
{
	unsigned int mask = self->tagIndexSize - 1;
	unsigned int i = osc_ptr_hash(self->tags[tag]) & mask;

	while (self->tagIndex[i]) {
		i = (i + 1) & mask;
	}
	self->tagIndex[i] = tag + 1;
}

static bool
osc_serialize_add_tag(OSSerialize *self, const OSObject *o)
{
	unsigned int i;

	if (self->tagCount >= (1u << 28)) {
		return false;
	}
	if (self->tagCount == self->tagCapacity) {
		unsigned int ncap = self->tagCapacity ? self->tagCapacity * 2 : 64;

		if (!osc_grow_ptr_array(&self->tags, self->tagCapacity, ncap)) {
			return false;
		}
		self->tagCapacity = ncap;
	}
	/* Keep the index at most half full. */
	if ((self->tagCount + 1) * 2 > self->tagIndexSize) {
		unsigned int nsize = self->tagIndexSize ? self->tagIndexSize * 2 : 128;
		uint32_t *ni = osc_alloc((size_t)nsize * sizeof(*ni));

		if (!ni) {
			return false;
		}
		osc_free(self->tagIndex, (size_t)self->tagIndexSize * sizeof(*self->tagIndex));
		self->tagIndex = ni;
		self->tagIndexSize = nsize;
		for (i = 0; i < self->tagCount; i++) {
			osc_serialize_index_put(self, i);
		}
	}
	OSObject_retain(o);
	self->tags[self->tagCount] = o;
	osc_serialize_index_put(self, self->tagCount);
	self->tagCount++;
	return true;
}

/* Decimal digits of v at the end of buf[12], NUL-terminated; returns the first digit (no snprintf: hot). */
static char *
osc_utoa(char buf[12], unsigned int v)
{
	char *p = &buf[11];

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

bool(OSSerialize_previouslySerialized)(OSSerialize *self, const OSObject *o)
{
	char digits[12];
	int tag = osc_serialize_find(self, o);

	if (tag >= 0) {
		(void)(OSSerialize_addString(self, "<reference IDREF=\"") &&
		       OSSerialize_addString(self, osc_utoa(digits, (unsigned int)tag)) &&
		       OSSerialize_addString(self, "\"/>"));
		return true;
	}
	/* On failure the caller's addXMLStartTag fails: the object has no ID. */
	(void)osc_serialize_add_tag(self, o);
	return false;
}

bool(OSSerialize_addXMLStartTag)(OSSerialize *self, const OSObject *o, const char *tagString)
{
	char digits[12];
	int tag = osc_serialize_find(self, o);

	if (tag < 0) {
		return false;
	}
	return OSSerialize_addChar(self, '<') && OSSerialize_addString(self, tagString) &&
	       OSSerialize_addString(self, " ID=\"") &&
	       OSSerialize_addString(self, osc_utoa(digits, (unsigned int)tag)) &&
	       OSSerialize_addString(self, "\">");
}

/* ---- OSSerializer --------------------------------------------------------- */

static bool OSSerializer_serializeImpl(const OSObject *self, OSSerialize *s);

static const OSMethod OSSerializer_methods[] = {
        OSMethodOverride(OSObject, serialize, OSSerializer_serializeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSSerializer, OSObject, OSSerializer_methods);

OSSerializer *
OSSerializer_forTarget(void *target, OSSerializerCallback callback, void *ref)
{
	OSSerializer *me;

	if (!callback) {
		return NULL;
	}
	me = OSTypeAlloc(OSSerializer);
	if (me && !OSObject_init(me)) {
		OSObject_release(me);
		return NULL;
	}
	if (me) {
		me->target = target;
		me->ref = ref;
		me->callback = callback;
	}
	return me;
}

static bool
OSSerializer_serializeImpl(const OSObject *obj, OSSerialize *s)
{
	const OSSerializer *self = (const OSSerializer *)obj;

	return self->callback(self->target, self->ref, s);
}
