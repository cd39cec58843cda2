/*
 * osc_internal.h — what the libkern C object model's files share and do
 * not export: zeroed allocation with overflow-checked sizes, the locks of
 * the class table and the symbol pool, and the init hooks libkern_init
 * calls. Internal names carry the osc_ prefix.
 */
#ifndef _LIBKERN_C_OSC_INTERNAL_H
#define _LIBKERN_C_OSC_INTERNAL_H

#include <libkern/c/OSContainers.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <kern/debug.h>
#include <sys/systm.h>
#include <string.h>

/* Zeroed kalloc; NULL for size 0 or on failure. */
static inline void *
osc_alloc(size_t size)
{
	void *p;

	if (size == 0) {
		return NULL;
	}
	p = kalloc(size);
	if (p) {
		bzero(p, size);
	}
	return p;
}

static inline void
osc_free(void *p, size_t size)
{
	if (p && size) {
		kfree(p, size);
	}
}

/* count * size, or false on overflow (or a result above UINT32_MAX bytes when `cap32`). */
static inline bool
osc_mul_size(size_t count, size_t size, size_t *out)
{
	return !__builtin_mul_overflow(count, size, out);
}

/* Round n up to a multiple of inc (inc > 0); false on overflow of unsigned int. */
static inline bool
osc_round_capacity(unsigned int n, unsigned int inc, unsigned int *out)
{
	unsigned long long r = ((((unsigned long long)n - 1) / inc) + 1) * inc;

	if (n == 0) {
		r = inc;
	}
	if (r > 0xffffffffull) {
		return false;
	}
	*out = (unsigned int)r;
	return true;
}

/* Grow a pointer array to newCapacity entries (copying oldCount), replacing *arrayp. */
bool osc_grow_ptr_array(const OSObject ***arrayp, unsigned int oldCapacity, unsigned int newCapacity);

/* The lock group of libkern's locks. */
extern lck_grp_t *osc_lck_grp;

/* Init hooks, in the order libkern_init calls them. */
void osc_metaclass_init(void);
void osc_symbol_pool_init(void);
void osc_boolean_init(void);

/* Hash of a C string (the symbol pool and the class table). */
uint32_t osc_string_hash(const char *s, size_t *lengthp);

/* Release a member of a collection (tagged). */
static inline void
osc_coll_release(const OSObject *o)
{
	OSObject_taggedRelease(o, OSTypeID(OSCollection));
}
static inline void
osc_coll_retain(const OSObject *o)
{
	OSObject_taggedRetain(o, OSTypeID(OSCollection));
}

/* Base-64 alphabet shared by OSData's serializer and the XML parser. */
extern const char osc_base64_alphabet[65];

/* Pointer hash for the open-addressing indexes. */
static inline uint32_t
osc_ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (uint32_t)x;
}

/* Shared iterator hooks of the collections that iterate by index (OSCollection.c). */
unsigned int osc_index_iteratorSize(const OSCollection *c);
bool osc_index_initIterator(const OSCollection *c, void *iterator);

#endif /* _LIBKERN_C_OSC_INTERNAL_H */
