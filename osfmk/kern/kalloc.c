/*
 * kalloc.c — general-purpose kernel allocation. Sizes up to KALLOC_MAX come
 * from size-class zones named like XNU's ("kalloc.16" ... "kalloc.8192"),
 * with per-thread caching, so kalloc/kfree are a table lookup and a list
 * push/pop. Larger sizes are page runs from the host, recorded in a hash
 * table so kfree can check them.
 *
 * kfree() must be given the size passed to kalloc() (any size of the same
 * class is accepted); a pointer that is not in the size's zone panics with
 * a message saying where the pointer actually belongs.
 */
#include <sys/systm.h>
#include <kern/kalloc.h>
#include <kern/zalloc.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/early_spin.h"
#include "osfmk/kern/zalloc_internal.h"

#define KALLOC_MAX 8192
#define KALLOC_LARGE_BUCKETS 1024

static const uint16_t kalloc_sizes[] = {
        16,  32,  48,  64,  80,   96,   128,  160,  192,  224,  256,  288,  368,
        400, 512, 576, 768, 1024, 1152, 1280, 1664, 2048, 4096, 6144, 8192,
};
#define KALLOC_NCLASSES (sizeof(kalloc_sizes) / sizeof(kalloc_sizes[0]))

/* Zone for each 16-byte step of size: kalloc_zone_table[(size + 15) >> 4]. */
static struct zone *kalloc_zone_table[KALLOC_MAX / 16 + 1];
static int kalloc_initialized;

/* ---- large allocations ----------------------------------------------------- */

struct kalloc_large {
	struct kalloc_large *kl_next;
	void *kl_addr;
	vm_size_t kl_size;
};

static struct {
	early_spin_t kl_lock;
	struct kalloc_large *kl_buckets[KALLOC_LARGE_BUCKETS];
	uint64_t kl_count;
	uint64_t kl_bytes;
	struct zone *kl_zone;
} kl = {.kl_lock = EARLY_SPIN_INIT};

static inline size_t
kalloc_large_hash(const void *addr)
{
	return ((uintptr_t)addr >> 12) % KALLOC_LARGE_BUCKETS;
}

static size_t
kalloc_round_page(vm_size_t size)
{
	size_t pg = khost_page_size();

	return (size + pg - 1) & ~(pg - 1);
}

static void *
kalloc_large(vm_size_t size, zalloc_flags_t flags)
{
	struct kalloc_large *rec;
	void *addr = NULL;

	if (size > (vm_size_t)1 << 46 ||
	    khost_vm_alloc(kalloc_round_page(size), 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &addr) != 0) {
		if (flags & Z_NOFAIL) {
			panic("kalloc: cannot allocate %lu bytes", (unsigned long)size);
		}
		return NULL;
	}
	rec = zalloc_flags(kl.kl_zone, flags & Z_NOWAIT);
	if (rec == NULL) {
		(void)khost_vm_free(addr, kalloc_round_page(size));
		return NULL;
	}
	rec->kl_addr = addr;
	rec->kl_size = size;
	size_t h = kalloc_large_hash(addr);
	early_spin_lock(&kl.kl_lock);
	rec->kl_next = kl.kl_buckets[h];
	kl.kl_buckets[h] = rec;
	kl.kl_count++;
	kl.kl_bytes += size;
	early_spin_unlock(&kl.kl_lock);
	return addr;
}

/* Size recorded for a large allocation at addr, or 0. */
static vm_size_t
kalloc_large_size(void *addr)
{
	vm_size_t size = 0;

	early_spin_lock(&kl.kl_lock);
	for (struct kalloc_large *r = kl.kl_buckets[kalloc_large_hash(addr)]; r != NULL; r = r->kl_next) {
		if (r->kl_addr == addr) {
			size = r->kl_size;
			break;
		}
	}
	early_spin_unlock(&kl.kl_lock);
	return size;
}

/* kfree() given a pointer that is not where `size` says: say where it is, and panic. */
static __attribute__((__noreturn__, __noinline__)) void
kfree_mismatch(void *addr, vm_size_t size)
{
	struct zone *owner = zone_of(addr);
	vm_size_t large;

	if (owner != NULL && owner->z_kalloc) {
		panic("kfree: size %lu does not match the allocation at %p: it is in zone %s (element size "
		      "%u)",
		      (unsigned long)size, addr, owner->z_name, owner->z_elem_size);
	}
	if (owner != NULL) {
		panic("kfree: %p belongs to zone %s, not to kalloc (size %lu)", addr, owner->z_name,
		      (unsigned long)size);
	}
	large = kalloc_large_size(addr);
	if (large != 0) {
		panic("kfree: size %lu does not match the allocation of %lu bytes at %p", (unsigned long)size,
		      (unsigned long)large, addr);
	}
	panic("kfree: %p (size %lu) was not allocated by kalloc", addr, (unsigned long)size);
}

static void
kfree_large(void *addr, vm_size_t size)
{
	struct kalloc_large **prev, *r;

	early_spin_lock(&kl.kl_lock);
	for (prev = &kl.kl_buckets[kalloc_large_hash(addr)]; (r = *prev) != NULL; prev = &r->kl_next) {
		if (r->kl_addr == addr) {
			break;
		}
	}
	if (r == NULL || r->kl_size != size) {
		early_spin_unlock(&kl.kl_lock);
		kfree_mismatch(addr, size);
	}
	*prev = r->kl_next;
	kl.kl_count--;
	kl.kl_bytes -= size;
	early_spin_unlock(&kl.kl_lock);
	zfree(kl.kl_zone, r);
	(void)khost_vm_free(addr, kalloc_round_page(size));
}

void
kalloc_large_stats(uint64_t *count, uint64_t *bytes)
{
	early_spin_lock(&kl.kl_lock);
	if (count != NULL) {
		*count = kl.kl_count;
	}
	if (bytes != NULL) {
		*bytes = kl.kl_bytes;
	}
	early_spin_unlock(&kl.kl_lock);
}

/* ---- the KPI ------------------------------------------------------------------ */

zone_t
kalloc_zone_for_size(vm_size_t size)
{
	if (size == 0 || size > KALLOC_MAX) {
		return NULL;
	}
	return kalloc_zone_table[(size + 15) >> 4];
}

void *
kalloc(vm_size_t size)
{
	if (__builtin_expect(size - 1 < KALLOC_MAX, 1)) {
		return zalloc_fast(kalloc_zone_table[(size + 15) >> 4]);
	}
	if (size == 0) {
		return NULL;
	}
	return kalloc_large(size, Z_WAITOK);
}

void *
kalloc_noblock(vm_size_t size)
{
	if (size - 1 < KALLOC_MAX) {
		return zalloc_flags(kalloc_zone_table[(size + 15) >> 4], Z_NOWAIT);
	}
	if (size == 0) {
		return NULL;
	}
	return kalloc_large(size, Z_NOWAIT);
}

/* Everything but a zone element of the right class: NULL, large, or a misuse. */
static __attribute__((__noinline__)) void
kfree_slow(void *data, vm_size_t size)
{
	if (data == NULL) {
		return;
	}
	if (size - 1 < KALLOC_MAX || size == 0) {
		kfree_mismatch(data, size);
	}
	kfree_large(data, size);
}

void
kfree(void *data, vm_size_t size)
{
	if (__builtin_expect(size - 1 < KALLOC_MAX, 1)) {
		struct zone *z = kalloc_zone_table[(size + 15) >> 4];
		if (__builtin_expect(zone_owns(z, data), 1)) {
			zfree_fast(z, data);
			return;
		}
	}
	kfree_slow(data, size);
}

/* ---- allocation names ------------------------------------------------------------ */

struct kern_allocation_name {
	uint64_t kan_bytes; /* outstanding bytes (atomic) */
	uint16_t kan_suballocs;
	char kan_name[64];
};

kern_allocation_name_t
kern_allocation_name_allocate(const char *name, uint16_t suballocs)
{
	struct kern_allocation_name *kan = kalloc(sizeof(*kan));

	if (kan == NULL) {
		return NULL;
	}
	memset(kan, 0, sizeof(*kan));
	strlcpy(kan->kan_name, name != NULL ? name : "", sizeof(kan->kan_name));
	kan->kan_suballocs = suballocs;
	return kan;
}

void
kern_allocation_name_release(kern_allocation_name_t allocation)
{
	if (allocation != NULL) {
		kfree(allocation, sizeof(*allocation));
	}
}

const char *
kern_allocation_get_name(kern_allocation_name_t allocation)
{
	return allocation != NULL ? allocation->kan_name : NULL;
}

uint64_t
kern_allocation_name_bytes(kern_allocation_name_t name)
{
	return name != NULL ? __atomic_load_n(&name->kan_bytes, __ATOMIC_RELAXED) : 0;
}

void *
kalloc_tag_name(vm_size_t size, kern_allocation_name_t name)
{
	void *p = kalloc(size);

	if (p != NULL && name != NULL) {
		__atomic_fetch_add(&name->kan_bytes, size, __ATOMIC_RELAXED);
	}
	return p;
}

void
kfree_tag_name(void *data, vm_size_t size, kern_allocation_name_t name)
{
	if (data != NULL && name != NULL) {
		__atomic_fetch_sub(&name->kan_bytes, size, __ATOMIC_RELAXED);
	}
	kfree(data, size);
}

/* ---- boot --------------------------------------------------------------------------- */

void
kalloc_init(void)
{
	char name[ZONE_NAME_MAX];
	size_t cls = 0;

	if (kalloc_initialized) {
		return;
	}
	struct zone *zones[KALLOC_NCLASSES];
	for (size_t i = 0; i < KALLOC_NCLASSES; i++) {
		snprintf(name, sizeof(name), "kalloc.%u", kalloc_sizes[i]);
		zones[i] = zone_create_kalloc(name, kalloc_sizes[i]);
	}
	for (size_t step = 0; step <= KALLOC_MAX / 16; step++) {
		while (kalloc_sizes[cls] < step * 16) {
			cls++;
		}
		kalloc_zone_table[step] = zones[cls];
	}
	kl.kl_zone = zone_create("kalloc.large", sizeof(struct kalloc_large), ZC_NOGC);
	kalloc_initialized = 1;
}
