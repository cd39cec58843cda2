/*
 * k_objc.c — kernel side of the object-model benchmark: the hot paths a
 * driver stack leans on (retain/release, dynamic casts, property lookups by
 * C string and by symbol, interning) and the XML round trip of a
 * personality-sized dictionary.
 */
#include <libkern/c/OSContainers.h>
#include <libkern/libkern.h>
#include "host/khost.h"
#include "bench/k_objc.h"

#define KB_OBJC_MAX_ENTRIES 256u

int64_t
k_objc_retain_release(uint64_t pairs)
{
	OSString *s = OSString_withCString("bench");
	uint64_t t0, t1;

	if (!s) {
		return -1;
	}
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < pairs; i++) {
		OSObject_retain(s);
		OSObject_release(s);
	}
	t1 = khost_uptime_ns();
	if (OSObject_getRetainCount(s) != 1) {
		return -1;
	}
	OSObject_release(s);
	return (int64_t)(t1 - t0);
}

int64_t
k_objc_dynamic_cast(uint64_t casts)
{
	const OSSymbol *sym = OSSymbol_withCString("bench.cast");
	OSObject *volatile obj = (OSObject *)OSObj(sym);
	uint64_t hits = 0, t0, t1;

	if (!sym) {
		return -1;
	}
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < casts; i++) {
		hits += OSDynamicCast(OSString, obj) != NULL;
	}
	t1 = khost_uptime_ns();
	OSObject_release(sym);
	return hits == casts ? (int64_t)(t1 - t0) : -1;
}

static OSDictionary *
kb_objc_dict(uint32_t entries, const OSSymbol **keys)
{
	OSDictionary *d = OSDictionary_withCapacity(entries);
	char name[16];

	if (!d) {
		return NULL;
	}
	for (uint32_t i = 0; i < entries; i++) {
		snprintf(name, sizeof(name), K_OBJC_KEY_FORMAT, i);
		keys[i] = OSSymbol_withCString(name);
		if (!keys[i] || !OSDictionary_setObject(d, keys[i], keys[i])) {
			return NULL;
		}
	}
	return d;
}

static void
kb_objc_dict_free(OSDictionary *d, uint32_t entries, const OSSymbol **keys)
{
	for (uint32_t i = 0; i < entries; i++) {
		OSSafeReleaseNULL(keys[i]);
	}
	OSSafeReleaseNULL(d);
}

int64_t
k_objc_dict_get_cstring(uint32_t entries, uint64_t lookups)
{
	static const OSSymbol *keys[KB_OBJC_MAX_ENTRIES];
	static char names[KB_OBJC_MAX_ENTRIES][16];
	OSDictionary *d;
	uint64_t found = 0, t0, t1;
	uint32_t k = 0;

	if (entries == 0 || entries > KB_OBJC_MAX_ENTRIES || !(d = kb_objc_dict(entries, keys))) {
		return -1;
	}
	for (uint32_t i = 0; i < entries; i++) {
		snprintf(names[i], sizeof(names[i]), K_OBJC_KEY_FORMAT, i);
	}
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < lookups; i++) {
		found += OSDictionary_getObjectCString(d, names[k]) != NULL;
		k = (k + 7) % entries;
	}
	t1 = khost_uptime_ns();
	kb_objc_dict_free(d, entries, keys);
	return found == lookups ? (int64_t)(t1 - t0) : -1;
}

int64_t
k_objc_dict_get_symbol(uint32_t entries, uint64_t lookups)
{
	static const OSSymbol *keys[KB_OBJC_MAX_ENTRIES];
	OSDictionary *d;
	uint64_t found = 0, t0, t1;
	uint32_t k = 0;

	if (entries == 0 || entries > KB_OBJC_MAX_ENTRIES || !(d = kb_objc_dict(entries, keys))) {
		return -1;
	}
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < lookups; i++) {
		found += OSDictionary_getObject(d, keys[k]) != NULL;
		k = (k + 7) % entries;
	}
	t1 = khost_uptime_ns();
	kb_objc_dict_free(d, entries, keys);
	return found == lookups ? (int64_t)(t1 - t0) : -1;
}

int64_t
k_objc_symbol_lookup(uint64_t ops)
{
	const OSSymbol *held = OSSymbol_withCString("IOProviderClass");
	uint64_t t0, t1;

	if (!held) {
		return -1;
	}
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < ops; i++) {
		const OSSymbol *s = OSSymbol_withCString("IOProviderClass");

		if (s != held) {
			return -1;
		}
		OSObject_release(s);
	}
	t1 = khost_uptime_ns();
	OSObject_release(held);
	return (int64_t)(t1 - t0);
}

/*
 * The tree: K_OBJC_TREE_ENTRIES keys; entry i holds (i % 5) 0: a string,
 * 1: a 32-bit number, 2: a boolean, 3: 16 bytes of data, 4: a dictionary of
 * three strings. objc.c builds the same tree with libplist.
 */
static OSDictionary *
kb_objc_tree(void)
{
	OSDictionary *d = OSDictionary_withCapacity(K_OBJC_TREE_ENTRIES);
	static const unsigned char bytes[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	char key[16], text[32];
	bool ok = d != NULL;

	for (uint32_t i = 0; ok && i < K_OBJC_TREE_ENTRIES; i++) {
		OSObject *v = NULL;

		snprintf(key, sizeof(key), K_OBJC_KEY_FORMAT, i);
		snprintf(text, sizeof(text), "value number %u", i);
		switch (i % 5) {
		case 0:
			v = (OSObject *)OSString_withCString(text);
			break;
		case 1:
			v = (OSObject *)OSNumber_withNumber(i * 1000u, 32);
			break;
		case 2:
			v = OSObj(OSBoolean_withBoolean(i & 1));
			break;
		case 3:
			v = (OSObject *)OSData_withBytes(bytes, sizeof(bytes));
			break;
		default: {
			OSDictionary *sub = OSDictionary_withCapacity(3);

			for (int j = 0; sub && j < 3; j++) {
				OSString *s = OSString_withCString(text);

				snprintf(key, sizeof(key), "sub%d", j);
				ok = ok && s && OSDictionary_setObjectCString(sub, key, s);
				OSSafeReleaseNULL(s);
			}
			snprintf(key, sizeof(key), K_OBJC_KEY_FORMAT, i);
			v = (OSObject *)sub;
		}
		}
		ok = ok && v && OSDictionary_setObjectCString(d, key, v);
		OSSafeReleaseNULL(v);
	}
	if (!ok) {
		OSSafeReleaseNULL(d);
	}
	return d;
}

int64_t
k_objc_serialize(uint32_t rounds, uint64_t *bytes)
{
	OSDictionary *tree = kb_objc_tree();
	uint64_t t0, t1;
	int64_t ret = -1;

	if (!tree) {
		return -1;
	}
	t0 = khost_uptime_ns();
	for (uint32_t i = 0; i < rounds; i++) {
		OSSerialize *s = OSSerialize_withCapacity(4096);

		if (!s || !OSObject_serialize(tree, s)) {
			OSSafeReleaseNULL(s);
			goto out;
		}
		*bytes = OSSerialize_getLength(s) - 1;
		OSObject_release(s);
	}
	t1 = khost_uptime_ns();
	ret = (int64_t)(t1 - t0);
out:
	OSObject_release(tree);
	return ret;
}

int64_t
k_objc_unserialize(uint32_t rounds)
{
	OSDictionary *tree = kb_objc_tree();
	OSSerialize *s = OSSerialize_withCapacity(4096);
	uint64_t t0, t1;
	int64_t ret = -1;

	if (!tree || !s || !OSObject_serialize(tree, s)) {
		goto out;
	}
	t0 = khost_uptime_ns();
	for (uint32_t i = 0; i < rounds; i++) {
		OSObject *o = OSUnserializeXML(OSSerialize_text(s), NULL);

		if (!o) {
			goto out;
		}
		OSObject_release(o);
	}
	t1 = khost_uptime_ns();
	ret = (int64_t)(t1 - t0);
out:
	OSSafeReleaseNULL(tree);
	OSSafeReleaseNULL(s);
	return ret;
}
