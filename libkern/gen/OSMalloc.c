/*
 * OSMalloc.c — tagged allocation on top of kalloc. A tag is reference
 * counted: it starts with one reference (its creator's), and each
 * outstanding allocation holds another. OSMalloc_Tagfree marks the tag
 * released and drops the creator's reference, so a tag with live
 * allocations is freed when its last allocation is (XNU's semantics; as in
 * XNU such a tag can even still allocate). Releasing a tag twice, or using
 * a tag whose state word is not valid, panics.
 */
#include <sys/systm.h>
#include <kern/kalloc.h>
#include <libkern/OSMalloc.h>
#include "osfmk/kern/early_spin.h"
#include "libkern/gen/OSMalloc_internal.h"

#define OSMT_MAX_NAME 64
#define OSMT_VALID_MASK 0xffff0000U
#define OSMT_VALID 0xdeab0000U
#define OSMT_RELEASED 0x00000001U

struct __OSMallocTag__ {
	struct __OSMallocTag__ *osmt_next;
	struct __OSMallocTag__ *osmt_prev;
	uint32_t osmt_refcnt;
	uint32_t osmt_state;
	uint32_t osmt_attr;
	uint64_t osmt_bytes;   /* outstanding */
	uint64_t osmt_count;   /* outstanding allocations */
	uintptr_t osmt_caller; /* return address of OSMalloc_Tagalloc: attributes the tag to a kext */
	uint64_t osmt_serial;  /* creation order */
	char osmt_name[OSMT_MAX_NAME];
};

static struct __OSMallocTag__ *osmt_list;
static uint64_t osmt_next_serial = 1;
static early_spin_t osmt_lock = EARLY_SPIN_INIT;

static int
osmt_is_valid(OSMallocTag tag)
{
	return (__atomic_load_n(&tag->osmt_state, __ATOMIC_ACQUIRE) & OSMT_VALID_MASK) == OSMT_VALID;
}

OSMallocTag
OSMalloc_Tagalloc(const char *name, uint32_t flags)
{
	OSMallocTag tag = kalloc(sizeof(*tag));

	if (tag == NULL) {
		return NULL;
	}
	memset(tag, 0, sizeof(*tag));
	if (flags & OSMT_PAGEABLE) {
		tag->osmt_attr = OSMT_PAGEABLE;
	}
	tag->osmt_refcnt = 1;
	strlcpy(tag->osmt_name, name != NULL ? name : "", sizeof(tag->osmt_name));
	tag->osmt_caller = (uintptr_t)__builtin_return_address(0);
	early_spin_lock(&osmt_lock);
	tag->osmt_serial = osmt_next_serial++;
	tag->osmt_next = osmt_list;
	if (osmt_list != NULL) {
		osmt_list->osmt_prev = tag;
	}
	osmt_list = tag;
	early_spin_unlock(&osmt_lock);
	__atomic_store_n(&tag->osmt_state, OSMT_VALID, __ATOMIC_RELEASE);
	return tag;
}

static void
osmt_destroy(OSMallocTag tag)
{
	early_spin_lock(&osmt_lock);
	if (tag->osmt_prev != NULL) {
		tag->osmt_prev->osmt_next = tag->osmt_next;
	} else {
		osmt_list = tag->osmt_next;
	}
	if (tag->osmt_next != NULL) {
		tag->osmt_next->osmt_prev = tag->osmt_prev;
	}
	early_spin_unlock(&osmt_lock);
	tag->osmt_state = 0;
	kfree(tag, sizeof(*tag));
}

static void
osmt_ref(OSMallocTag tag)
{
	if (tag == NULL || !osmt_is_valid(tag)) {
		panic("OSMalloc_Tagref():'%s' has bad state 0x%08X", tag != NULL ? tag->osmt_name : "(null)",
		      tag != NULL ? tag->osmt_state : 0);
	}
	__atomic_fetch_add(&tag->osmt_refcnt, 1, __ATOMIC_RELAXED);
}

static void
osmt_rele(OSMallocTag tag)
{
	if (!osmt_is_valid(tag)) {
		panic("OSMalloc_Tagrele():'%s' has bad state 0x%08X", tag->osmt_name, tag->osmt_state);
	}
	if (__atomic_sub_fetch(&tag->osmt_refcnt, 1, __ATOMIC_ACQ_REL) != 0) {
		return;
	}
	if (!(__atomic_load_n(&tag->osmt_state, __ATOMIC_ACQUIRE) & OSMT_RELEASED)) {
		panic("OSMalloc_Tagrele():'%s' has refcnt 0", tag->osmt_name);
	}
	osmt_destroy(tag);
}

void
OSMalloc_Tagfree(OSMallocTag tag)
{
	uint32_t valid = OSMT_VALID;

	if (tag == NULL) {
		return;
	}
	if (!__atomic_compare_exchange_n(&tag->osmt_state, &valid, OSMT_VALID | OSMT_RELEASED, 0,
	                                 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		panic("OSMalloc_Tagfree():'%s' has bad state 0x%08X", tag->osmt_name, tag->osmt_state);
	}
	if (__atomic_sub_fetch(&tag->osmt_refcnt, 1, __ATOMIC_ACQ_REL) == 0) {
		osmt_destroy(tag);
	}
}

static void
osmt_charge(OSMallocTag tag, uint32_t size)
{
	__atomic_fetch_add(&tag->osmt_bytes, size, __ATOMIC_RELAXED);
	__atomic_fetch_add(&tag->osmt_count, 1, __ATOMIC_RELAXED);
}

void *
OSMalloc(uint32_t size, OSMallocTag tag)
{
	void *addr;

	osmt_ref(tag);
	addr = kalloc(size);
	if (addr == NULL) {
		osmt_rele(tag);
		return NULL;
	}
	osmt_charge(tag, size);
	return addr;
}

void *
OSMalloc_noblock(uint32_t size, OSMallocTag tag)
{
	void *addr;

	if (tag == NULL || (tag->osmt_attr & OSMT_PAGEABLE)) {
		return NULL;
	}
	osmt_ref(tag);
	addr = kalloc_noblock(size);
	if (addr == NULL) {
		osmt_rele(tag);
		return NULL;
	}
	osmt_charge(tag, size);
	return addr;
}

void *
OSMalloc_nowait(uint32_t size, OSMallocTag tag)
{
	return OSMalloc_noblock(size, tag);
}

void
OSFree(void *addr, uint32_t size, OSMallocTag tag)
{
	if (addr == NULL) {
		return;
	}
	if (tag == NULL) {
		panic("OSFree: NULL tag freeing %p", addr);
	}
	kfree(addr, size);
	__atomic_fetch_sub(&tag->osmt_bytes, size, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&tag->osmt_count, 1, __ATOMIC_RELAXED);
	osmt_rele(tag);
}

void
OSMalloc_tag_usage(OSMallocTag tag, uint64_t *bytes, uint64_t *count)
{
	if (bytes != NULL) {
		*bytes = tag != NULL ? __atomic_load_n(&tag->osmt_bytes, __ATOMIC_RELAXED) : 0;
	}
	if (count != NULL) {
		*count = tag != NULL ? __atomic_load_n(&tag->osmt_count, __ATOMIC_RELAXED) : 0;
	}
}

void
OSMalloc_tag_iterate(void (*fn)(const char *name, uint64_t bytes, uint64_t count, void *ctx), void *ctx)
{
	early_spin_lock(&osmt_lock);
	for (OSMallocTag t = osmt_list; t != NULL; t = t->osmt_next) {
		fn(t->osmt_name, __atomic_load_n(&t->osmt_bytes, __ATOMIC_RELAXED),
		   __atomic_load_n(&t->osmt_count, __ATOMIC_RELAXED), ctx);
	}
	early_spin_unlock(&osmt_lock);
}

uint64_t
OSMalloc_tag_next_serial(void)
{
	uint64_t serial;

	early_spin_lock(&osmt_lock);
	serial = osmt_next_serial;
	early_spin_unlock(&osmt_lock);
	return serial;
}

void
OSMalloc_tag_iterate_created_by(uintptr_t lo, uintptr_t hi, uint64_t since,
                                void (*fn)(const char *name, uint64_t bytes, uint64_t count, bool released,
                                           void *ctx),
                                void *ctx)
{
	early_spin_lock(&osmt_lock);
	for (OSMallocTag t = osmt_list; t != NULL; t = t->osmt_next) {
		if (t->osmt_caller < lo || t->osmt_caller >= hi || t->osmt_serial < since) {
			continue;
		}
		fn(t->osmt_name, __atomic_load_n(&t->osmt_bytes, __ATOMIC_RELAXED),
		   __atomic_load_n(&t->osmt_count, __ATOMIC_RELAXED),
		   (__atomic_load_n(&t->osmt_state, __ATOMIC_ACQUIRE) & OSMT_RELEASED) != 0, ctx);
	}
	early_spin_unlock(&osmt_lock);
}
