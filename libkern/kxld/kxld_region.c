/*
 * kxld_region.c — the kext region: one range of address space reserved at
 * boot in the low 2 GB next to the kernel's code (khost_vm_reserve_low), so
 * kexts and the kernel reach each other with 32-bit displacements. Images
 * get page-granular blocks of it from a first-fit allocator over a sorted
 * list of free extents that coalesces neighbours on free; blocks are
 * committed (RW) when allocated and made inaccessible when freed, so a use
 * after unload faults.
 *
 * Freed blocks are first kept populated but inaccessible (PROT_NONE) in a
 * second list, up to kext_cache_mb= (default 64) MB: the next image of a
 * similar size reuses them with one mprotect instead of a page fault and a
 * zero-fill per page (the linker zeroes what it does not overwrite). When
 * the clean list cannot satisfy a request the cache is decommitted first.
 *
 * Size: boot-arg kext_region_mb= (default 1024). One lck_mtx guards both
 * lists, the statistics and the list of loaded images.
 */
#include <sys/systm.h>
#include <kern/debug.h>
#include <kern/locks.h>
#include <kern/kalloc.h>
#include <pexpert/pexpert.h>
#include <string.h>
#include "host/khost.h"
#include "libkern/kxld/kxld_internal.h"

/*
 * 512 MB by default: Linux places the brk heap of a non-PIE program anywhere
 * in its first gigabyte, so a larger window does not always fit below 2 GB
 * (a 1 GB default failed now and then, found by a parallel stress run).
 */
#define KXLD_REGION_DEFAULT_MB 512
#define KXLD_REGION_MIN_MB 64
#define KXLD_REGION_MAX_MB 1536
#define KXLD_CACHE_DEFAULT_MB 64

struct kxld_extent {
	struct kxld_extent *next;
	uintptr_t addr;
	size_t size;
};

static struct {
	lck_grp_t *grp;
	lck_mtx_t *lock;
	uintptr_t lo, hi;
	size_t page;
	struct kxld_extent *free;  /* uncommitted: sorted by address, never adjacent */
	struct kxld_extent *dirty; /* freed but still populated (PROT_NONE): the same */
	size_t dirty_bytes, cache_max;
	size_t used;
	unsigned int nimages;
	struct kxld_image *images;
} kxld_region;

/* 0 = not started, 1 = in progress, 2 = done, 3 = failed. */
static int kxld_init_state;
static int kxld_init_error;

static int
kxld_region_setup(void)
{
	unsigned int mb = KXLD_REGION_DEFAULT_MB, cache_mb = KXLD_CACHE_DEFAULT_MB;
	struct kxld_extent *e;
	void *base = NULL;
	size_t size;
	int err;

	if (PE_parse_boot_argn("kext_region_mb", &mb, sizeof(mb)) && (mb == 0 || mb > KXLD_REGION_MAX_MB)) {
		printf("kxld: kext_region_mb=%u out of range (1..%u); using %u\n", mb, KXLD_REGION_MAX_MB,
		       KXLD_REGION_DEFAULT_MB);
		mb = KXLD_REGION_DEFAULT_MB;
	}
	size = (size_t)mb << 20;
	if (PE_parse_boot_argn("kext_cache_mb", &cache_mb, sizeof(cache_mb)) && cache_mb > mb)
		cache_mb = mb;
	kxld_region.cache_max = (size_t)cache_mb << 20;
	err = khost_vm_reserve_low(size, &base);
	/* Settle for less rather than no kexts at all. */
	while (err != 0 && mb / 2 >= KXLD_REGION_MIN_MB) {
		printf("kxld: no room for a %u MB kext region in the low 2 GB; trying %u MB\n", mb, mb / 2);
		mb /= 2;
		size = (size_t)mb << 20;
		if (kxld_region.cache_max > size)
			kxld_region.cache_max = size;
		err = khost_vm_reserve_low(size, &base);
	}
	if (err != 0) {
		printf("kxld: cannot reserve a %u MB kext region in the low 2 GB (error %d)\n", mb, err);
		return err;
	}
	e = kalloc(sizeof(*e));
	kxld_region.grp = lck_grp_alloc_init("kxld", LCK_GRP_ATTR_NULL);
	kxld_region.lock = kxld_region.grp ? lck_mtx_alloc_init(kxld_region.grp, LCK_ATTR_NULL) : NULL;
	if (e == NULL || kxld_region.lock == NULL || kxld_jit_init() != 0) {
		if (e != NULL)
			kfree(e, sizeof(*e));
		return ENOMEM;
	}
	kxld_region.page = khost_page_size();
	kxld_region.lo = (uintptr_t)base;
	kxld_region.hi = (uintptr_t)base + size;
	e->next = NULL;
	e->addr = kxld_region.lo;
	e->size = size;
	kxld_region.free = e;
	printf("kxld: kext region %u MB at %p\n", mb, base);
	return 0;
}

int
kxld_init(void)
{
	int expected = 0;

	if (__atomic_load_n(&kxld_init_state, __ATOMIC_ACQUIRE) == 2)
		return 0;
	if (__atomic_compare_exchange_n(&kxld_init_state, &expected, 1, false, __ATOMIC_ACQ_REL,
	                                __ATOMIC_ACQUIRE)) {
		int err;

		elf_version(EV_CURRENT);
		err = kxld_region_setup();
		kxld_init_error = err;
		__atomic_store_n(&kxld_init_state, err == 0 ? 2 : 3, __ATOMIC_RELEASE);
		return err;
	}
	while ((expected = __atomic_load_n(&kxld_init_state, __ATOMIC_ACQUIRE)) == 1)
		khost_thread_yield();
	return expected == 2 ? 0 : kxld_init_error;
}

void
kxld_region_bounds(uintptr_t *lo, uintptr_t *hi)
{
	*lo = kxld_region.lo;
	*hi = kxld_region.hi;
}

/*
 * Take `size` bytes aligned to `align` from the first extent of *list that
 * fits. `spare` is a node for an alignment gap left in front; it is consumed
 * (set to NULL) when used, and a node emptied by the cut comes back in it or
 * is freed. Returns false when nothing fits.
 */
static bool
kxld_ext_take(struct kxld_extent **list, size_t size, size_t align, struct kxld_extent **spare,
              uintptr_t *out)
{
	struct kxld_extent **pp, *e;
	uintptr_t start = 0;

	lck_mtx_assert(kxld_region.lock, LCK_MTX_ASSERT_OWNED);
	for (pp = list; (e = *pp) != NULL; pp = &e->next) {
		start = (e->addr + align - 1) & ~(uintptr_t)(align - 1);
		if (start - e->addr <= e->size && e->size - (start - e->addr) >= size)
			break;
	}
	if (e == NULL)
		return false;
	if (start > e->addr) {
		/* Keep the alignment gap in front as its own extent. */
		struct kxld_extent *front = *spare;
		*spare = NULL;
		front->addr = e->addr;
		front->size = start - e->addr;
		front->next = e;
		*pp = front;
		pp = &front->next;
		e->size -= front->size;
		e->addr = start;
	}
	e->addr += size;
	e->size -= size;
	if (e->size == 0) {
		*pp = e->next;
		if (*spare == NULL)
			*spare = e;
		else
			kfree(e, sizeof(*e));
	}
	*out = start;
	return true;
}

/*
 * Give [addr, addr + size) back to *list, merging with its neighbours. `n` is
 * a node for the case where no neighbour touches; returned when not used.
 */
static struct kxld_extent *
kxld_ext_put(struct kxld_extent **list, uintptr_t addr, size_t size, struct kxld_extent *n)
{
	struct kxld_extent **pp, *e, *prev = NULL;

	lck_mtx_assert(kxld_region.lock, LCK_MTX_ASSERT_OWNED);
	for (pp = list; (e = *pp) != NULL && e->addr < addr; pp = &e->next)
		prev = e;
	if ((prev != NULL && prev->addr + prev->size > addr) || (e != NULL && addr + size > e->addr) ||
	    addr < kxld_region.lo || addr + size > kxld_region.hi)
		panic("kxld: freeing %zu bytes at %p that are not allocated in the kext region", size,
		      (void *)addr);
	if (prev != NULL && prev->addr + prev->size == addr) {
		/* Grow the previous extent, and merge the next one into it too if they now touch. */
		prev->size += size;
		if (e != NULL && prev->addr + prev->size == e->addr) {
			prev->size += e->size;
			prev->next = e->next;
			if (n == NULL)
				n = e;
			else
				kfree(e, sizeof(*e));
		}
	} else if (e != NULL && addr + size == e->addr) {
		e->addr = addr;
		e->size += size;
	} else if (n != NULL) {
		n->addr = addr;
		n->size = size;
		n->next = e;
		*pp = n;
		n = NULL;
	} else {
		printf("kxld: out of memory: %zu bytes of kext region at %p are lost\n", size, (void *)addr);
	}
	return n;
}

/* Decommit every cached block and return it to the clean list. Called with the lock held. */
static void
kxld_region_flush_locked(void)
{
	struct kxld_extent *e;

	lck_mtx_assert(kxld_region.lock, LCK_MTX_ASSERT_OWNED);
	while ((e = kxld_region.dirty) != NULL) {
		kxld_region.dirty = e->next;
		kxld_region.dirty_bytes -= e->size;
		if (khost_vm_decommit((void *)e->addr, e->size) != 0)
			printf("kxld: cannot decommit %zu bytes at %p\n", e->size, (void *)e->addr);
		e = kxld_ext_put(&kxld_region.free, e->addr, e->size, e);
		if (e != NULL)
			kfree(e, sizeof(*e));
	}
}

int
kxld_region_alloc(size_t size, size_t align, uintptr_t *out, bool *dirty)
{
	struct kxld_extent *spare;
	uintptr_t start = 0;
	bool cached = false, found;
	int err;

	if (size == 0 || (size & (kxld_region.page - 1)) || align < kxld_region.page || (align & (align - 1)))
		return EINVAL;
	spare = kalloc(sizeof(*spare));
	if (spare == NULL)
		return ENOMEM;
	lck_mtx_lock(kxld_region.lock);
	/* Recently freed pages first: still populated, they need no faults. */
	found = kxld_ext_take(&kxld_region.dirty, size, align, &spare, &start);
	if (found) {
		cached = true;
		kxld_region.dirty_bytes -= size;
	} else {
		found = kxld_ext_take(&kxld_region.free, size, align, &spare, &start);
		if (!found && kxld_region.dirty != NULL) {
			kxld_region_flush_locked();
			found = kxld_ext_take(&kxld_region.free, size, align, &spare, &start);
		}
	}
	if (found)
		kxld_region.used += size;
	lck_mtx_unlock(kxld_region.lock);
	if (spare != NULL)
		kfree(spare, sizeof(*spare));
	if (!found)
		return ENOMEM;

	err = cached ? khost_vm_protect((void *)start, size, KHOST_PROT_READ | KHOST_PROT_WRITE)
	             : khost_vm_commit((void *)start, size, KHOST_PROT_READ | KHOST_PROT_WRITE);
	if (err != 0) {
		kxld_region_free(start, size);
		return err;
	}
	*out = start;
	*dirty = cached;
	return 0;
}

void
kxld_region_free(uintptr_t addr, size_t size)
{
	struct kxld_extent *n;
	bool cache;

	n = kalloc(sizeof(*n));
	lck_mtx_lock(kxld_region.lock);
	kxld_region.used -= size;
	cache = kxld_region.dirty_bytes + size <= kxld_region.cache_max;
	if (cache) {
		/* Keep the pages, inaccessible, for the next image: a stale pointer still faults. */
		cache = khost_vm_protect((void *)addr, size, KHOST_PROT_NONE) == 0;
	}
	if (cache) {
		kxld_region.dirty_bytes += size;
		n = kxld_ext_put(&kxld_region.dirty, addr, size, n);
	} else {
		if (khost_vm_decommit((void *)addr, size) != 0)
			printf("kxld: cannot decommit %zu bytes at %p\n", size, (void *)addr);
		n = kxld_ext_put(&kxld_region.free, addr, size, n);
	}
	lck_mtx_unlock(kxld_region.lock);
	if (n != NULL)
		kfree(n, sizeof(*n));
}

void
kxld_region_add_image(struct kxld_image *img)
{
	lck_mtx_lock(kxld_region.lock);
	img->next = kxld_region.images;
	kxld_region.images = img;
	kxld_region.nimages++;
	lck_mtx_unlock(kxld_region.lock);
}

void
kxld_region_remove_image(struct kxld_image *img)
{
	struct kxld_image **pp;

	lck_mtx_lock(kxld_region.lock);
	for (pp = &kxld_region.images; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == img) {
			*pp = img->next;
			kxld_region.nimages--;
			break;
		}
	}
	lck_mtx_unlock(kxld_region.lock);
}

struct kxld_image *
kxld_image_for_address(uintptr_t addr)
{
	struct kxld_image *img;

	if (kxld_init() != 0)
		return NULL;
	lck_mtx_lock(kxld_region.lock);
	for (img = kxld_region.images; img != NULL; img = img->next) {
		if (addr >= img->base && addr - img->base < img->size)
			break;
	}
	lck_mtx_unlock(kxld_region.lock);
	return img;
}

int
kxld_images_apply_nowait(bool force, kxld_images_fn fn, void *ctx)
{
	struct kxld_image *img;
	bool locked;

	if (__atomic_load_n(&kxld_init_state, __ATOMIC_ACQUIRE) != 2)
		return 0; /* no region: no images */
	locked = lck_mtx_try_lock(kxld_region.lock);
	if (!locked && !force)
		return EBUSY;
	/* Unlocked only in a panic: images are added at the head, so the walk sees a consistent list. */
	for (img = __atomic_load_n(&kxld_region.images, __ATOMIC_ACQUIRE); img != NULL; img = img->next) {
		if (fn(ctx, img) != 0)
			break;
	}
	if (locked)
		lck_mtx_unlock(kxld_region.lock);
	return 0;
}

void
kxld_region_stats(size_t *reserved, size_t *used, unsigned int *images)
{
	if (kxld_init() != 0) {
		*reserved = *used = 0;
		*images = 0;
		return;
	}
	lck_mtx_lock(kxld_region.lock);
	*reserved = kxld_region.hi - kxld_region.lo;
	*used = kxld_region.used;
	*images = kxld_region.nimages;
	lck_mtx_unlock(kxld_region.lock);
}
