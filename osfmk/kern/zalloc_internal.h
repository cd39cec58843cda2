/*
 * zalloc_internal.h — the zone allocator's private interface: statistics,
 * the per-thread cache hooks and the fast paths kalloc inlines.
 *
 * Memory layout. Zone memory comes from one large reservation, the zone
 * map, carved into 64 KiB chunks. A zone gets memory a "run" (one or more
 * chunks) at a time and a table with one entry per chunk records the owning
 * zone, so any pointer can be checked in O(1): inside the map, owned by the
 * zone, on an element boundary.
 *
 * Element flow. Zones created with ZC_CACHING (and all kalloc zones) have a
 * per-thread cache: a short free list per zone that zalloc and zfree use
 * without locks or atomic read-modify-writes. A cache that runs empty takes
 * a batch of elements from the zone's central free list under the zone
 * lock; one that overflows gives a batch back. Other zones always use the
 * central list. Allocation and free counts are per cache (plain counters
 * written only by their thread) and summed when statistics are read.
 */
#ifndef _KERN_ZALLOC_INTERNAL_H_
#define _KERN_ZALLOC_INTERNAL_H_

#include <stdbool.h>
#include <stdint.h>
#include <kern/zalloc.h>
#include "osfmk/kern/early_spin.h"

#define ZONE_CHUNK_SHIFT 16
#define ZONE_CHUNK_SIZE (1UL << ZONE_CHUNK_SHIFT)
#define ZONE_NAME_MAX 64
#define ZONE_MAX_ZONES 1024
#define ZONE_CACHED_MAX 64 /* zones with an id below this may be cached */
#define ZONE_MAX_ELEM_SIZE (1024 * 1024)
#define ZONE_MIN_ELEM_SIZE 16 /* room for the free-list link, 16-byte aligned */

struct zone {
	early_spin_t z_lock;
	uint16_t z_id;
	uint8_t z_active; /* slot in use */
	uint8_t z_cached; /* per-thread caching */
	uint8_t z_destructible;
	uint8_t z_kalloc; /* a kalloc size class */
	uint8_t z_clear_on_free;
	uint32_t z_elem_size;
	uint32_t z_run_size; /* bytes of zone memory taken at a time */
	uint32_t z_run_elems;
	uint32_t z_cache_limit; /* per-thread cache: most elements kept */
	uint32_t z_cache_batch; /* moved between a cache and the zone at once */
	uint64_t z_div_magic;   /* ceil(2^44 / z_elem_size): offset -> index without a divide */
	/* Central state, under z_lock. */
	void *z_free; /* free list (link in the element's first word) */
	uint64_t z_nfree;
	char *z_bump; /* not yet carved part of the newest run */
	char *z_bump_end;
	uint64_t z_runs;
	uint64_t z_max_size; /* zinit's maxmem, for reports */
	/* Counts of the central path and of exited threads' caches (atomic). */
	uint64_t z_allocs;
	uint64_t z_frees;
	char z_name[ZONE_NAME_MAX];
};

/* One thread's cache for one zone. */
struct zcache_slot {
	void *zs_head;
	uint32_t zs_count; /* written by the owner only, read atomically by stats */
	uint32_t zs_pad;
	uint64_t zs_allocs;
	uint64_t zs_frees;
};

struct zcache {
	struct zcache *zc_next;
	struct zcache *zc_prev;
	uint64_t zc_tid;
	struct zcache_slot zc_slots[ZONE_CACHED_MAX];
};

extern __thread struct zcache *zcache_tls;

/* The zone map (zalloc.c): one entry per chunk. */
struct zm_entry {
	struct zone *ze_zone;  /* owner of this chunk, NULL if unused */
	uint32_t ze_run_start; /* chunk index where the owner's run begins */
	uint32_t ze_pad;
};
extern uintptr_t zone_map_base;
extern size_t zone_map_size;
extern struct zm_entry *zone_map_table;

#define ZONE_DIV_SHIFT 44

/* Is elem an element of z? Never faults, whatever elem is. */
static inline int
zone_owns(struct zone *z, void *elem)
{
	uintptr_t a = (uintptr_t)elem - zone_map_base;
	struct zm_entry *ent;
	uint64_t off, q;

	if (__builtin_expect(a >= zone_map_size, 0)) {
		return 0;
	}
	ent = &zone_map_table[a >> ZONE_CHUNK_SHIFT];
	if (__builtin_expect(__atomic_load_n(&ent->ze_zone, __ATOMIC_RELAXED) != z, 0)) {
		return 0;
	}
	/* off / elem_size by multiplication: exact for off < 2^22 (runs are at most 4 MiB). */
	off = a - ((uintptr_t)ent->ze_run_start << ZONE_CHUNK_SHIFT);
	q = (off * z->z_div_magic) >> ZONE_DIV_SHIFT;
	return q * z->z_elem_size == off && q < z->z_run_elems;
}

/*
 * Zone poisoning (zalloc_debug.c, the -zp boot-arg): when zone_poison_on,
 * every allocation checks the element's poison and every free poisons it;
 * zone_poison_free returns true when it found a double free and swallowed it.
 */
extern int zone_poison_on;
void zone_poison_alloc(struct zone *z, void *elem);
bool zone_poison_free(struct zone *z, void *elem);
void zone_poison_init(void);
/* Turn poisoning on or off at run time (benchmarks, tests). */
int zone_poison_set(int on);
/* Use-after-free writes and double frees reported since boot (for tests). */
void zone_poison_counts(uint64_t *uaf, uint64_t *double_free);

/* Slow paths (zalloc.c). */
void *zalloc_slow(struct zone *z, zalloc_flags_t flags);
void zfree_slow(struct zone *z, void *elem);
/* The zone owning elem, or NULL when elem is not inside zone memory. */
struct zone *zone_of(void *elem);

static inline void
zcache_count_add(uint64_t *counter)
{
	__atomic_store_n(counter, *counter + 1, __ATOMIC_RELAXED);
}

static inline void *
zalloc_fast(struct zone *z)
{
	struct zcache *c = zcache_tls;

	if (__builtin_expect(c != NULL && z->z_cached, 1)) {
		struct zcache_slot *s = &c->zc_slots[z->z_id];
		void *e = s->zs_head;
		if (__builtin_expect(e != NULL, 1)) {
			s->zs_head = *(void **)e;
			__atomic_store_n(&s->zs_count, s->zs_count - 1, __ATOMIC_RELAXED);
			zcache_count_add(&s->zs_allocs);
			if (__builtin_expect(zone_poison_on, 0)) {
				zone_poison_alloc(z, e);
			}
			return e;
		}
	}
	return zalloc_slow(z, Z_WAITOK);
}

static inline void
zfree_fast(struct zone *z, void *elem)
{
	struct zcache *c = zcache_tls;

	if (__builtin_expect(zone_poison_on, 0) && zone_poison_free(z, elem)) {
		return; /* a double free, reported and dropped */
	}
	if (__builtin_expect(c != NULL && z->z_cached && !z->z_clear_on_free, 1)) {
		struct zcache_slot *s = &c->zc_slots[z->z_id];
		if (__builtin_expect(s->zs_count < z->z_cache_limit, 1)) {
			*(void **)elem = s->zs_head;
			s->zs_head = elem;
			__atomic_store_n(&s->zs_count, s->zs_count + 1, __ATOMIC_RELAXED);
			zcache_count_add(&s->zs_frees);
			return;
		}
	}
	zfree_slow(z, elem);
}

/* ---- statistics ---------------------------------------------------------- */

struct zone_info {
	char zi_name[ZONE_NAME_MAX];
	uint32_t zi_elem_size;
	uint32_t zi_alloc_size;  /* bytes taken from the zone map at a time */
	uint64_t zi_cur_size;    /* bytes of zone memory held */
	uint64_t zi_max_size;    /* zinit's limit, 0 if none */
	uint64_t zi_elems_total; /* elements that fit in the memory held */
	uint64_t zi_elems_in_use;
	uint64_t zi_elems_free;   /* total - in use (includes cached) */
	uint64_t zi_elems_cached; /* free, held in per-thread caches */
	uint64_t zi_alloc_count;  /* allocations since the zone was created */
	uint64_t zi_free_count;
	uint64_t zi_bytes_in_use;
	uint64_t zi_pages;
	int zi_caching;
};

int zone_info_get(zone_t zone, struct zone_info *out);
/* Call fn for every zone, in creation order. */
void zone_info_iterate(void (*fn)(const struct zone_info *zi, void *ctx), void *ctx);
/* printf a zprint-style table of every zone. */
void zprint(void);
zone_t zone_find_by_name(const char *name);

/* Flush the calling thread's caches back to their zones (thread exit). */
void zone_thread_cleanup(void);

/* A kalloc size-class zone (for kalloc.c). */
zone_t zone_create_kalloc(const char *name, vm_size_t size);

/* kalloc.c */
zone_t kalloc_zone_for_size(vm_size_t size);
/* Large (non-zone) kalloc allocations outstanding. */
void kalloc_large_stats(uint64_t *count, uint64_t *bytes);

#endif /* _KERN_ZALLOC_INTERNAL_H_ */
