/*
 * zalloc.c — zones: the kernel's fixed-size element allocator (see
 * zalloc_internal.h for the design). This file holds the zone map (one
 * reserved address range and its chunk-ownership table), zone creation and
 * destruction, the central free lists, the per-thread caches, statistics
 * and zprint. kalloc.c builds the general-purpose allocator on top.
 *
 * Zones use their own spin locks (early_spin.h) rather than lck_*: they are
 * needed before the lock package is initialised and underneath it.
 */
#include <sys/systm.h>
#include <kern/zalloc.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/zalloc_internal.h"

#define ZM_SIZE_MAX (64ULL << 30) /* reservation tried first */
#define ZM_SIZE_MIN (1ULL << 30)
#define ZCACHE_BYTES_BUDGET (128 * 1024) /* per thread and zone */

/* ---- the zone map -------------------------------------------------------- */

struct zm_free_run {
	struct zm_free_run *fr_next;
	size_t fr_chunks;
};

static struct {
	early_spin_t zm_lock;
	size_t zm_nchunks;
	size_t zm_used;                   /* chunks ever handed out (high-water mark) */
	struct zm_free_run *zm_free_runs; /* runs returned by zdestroy, kept mapped */
} zm = {.zm_lock = EARLY_SPIN_INIT};

/* Set once at boot, then read without a lock on every free. */
uintptr_t zone_map_base;
size_t zone_map_size;
struct zm_entry *zone_map_table;

static struct zone zone_array[ZONE_MAX_ZONES];
static early_spin_t zone_array_lock = EARLY_SPIN_INIT;
static struct zone *zone_caches_zone; /* where struct zcache comes from */
static int zone_bootstrapped;

__thread struct zcache *zcache_tls;
static struct zcache *zcache_list; /* every live cache, for statistics */
static early_spin_t zcache_list_lock = EARLY_SPIN_INIT;

static int
zm_reserve(void)
{
	size_t size = ZM_SIZE_MAX;
	void *base = NULL;
	void *table = NULL;
	size_t table_size;

	while (khost_vm_alloc(size, ZONE_CHUNK_SIZE, KHOST_PROT_NONE, &base) != 0) {
		size >>= 1;
		if (size < ZM_SIZE_MIN) {
			return ENOMEM;
		}
	}
	table_size = (size >> ZONE_CHUNK_SHIFT) * sizeof(struct zm_entry);
	table_size = (table_size + khost_page_size() - 1) & ~(khost_page_size() - 1);
	if (khost_vm_alloc(table_size, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &table) != 0) {
		(void)khost_vm_free(base, size);
		return ENOMEM;
	}
	zone_map_base = (uintptr_t)base;
	zone_map_size = size;
	zm.zm_nchunks = size >> ZONE_CHUNK_SHIFT;
	zone_map_table = table;
	return 0;
}

/* Give zone z a run of `chunks` chunks; NULL when the map or memory is exhausted. */
static void *
zm_alloc_run(struct zone *z, size_t chunks)
{
	struct zm_free_run **prev, *fr;
	uintptr_t addr = 0;
	int fresh = 0;

	early_spin_lock(&zm.zm_lock);
	for (prev = &zm.zm_free_runs; (fr = *prev) != NULL; prev = &fr->fr_next) {
		if (fr->fr_chunks == chunks) {
			*prev = fr->fr_next;
			addr = (uintptr_t)fr;
			break;
		}
	}
	if (addr == 0 && zm.zm_used + chunks <= zm.zm_nchunks) {
		addr = zone_map_base + (zm.zm_used << ZONE_CHUNK_SHIFT);
		zm.zm_used += chunks;
		fresh = 1;
	}
	early_spin_unlock(&zm.zm_lock);
	if (addr == 0) {
		return NULL;
	}
	if (fresh && khost_vm_protect((void *)addr, chunks << ZONE_CHUNK_SHIFT,
	                              KHOST_PROT_READ | KHOST_PROT_WRITE) != 0) {
		return NULL; /* out of memory: those chunks stay inaccessible */
	}
	size_t first = (addr - zone_map_base) >> ZONE_CHUNK_SHIFT;
	for (size_t i = 0; i < chunks; i++) {
		zone_map_table[first + i].ze_run_start = (uint32_t)first;
		__atomic_store_n(&zone_map_table[first + i].ze_zone, z, __ATOMIC_RELEASE);
	}
	return (void *)addr;
}

/* ---- ownership checks ------------------------------------------------------ */

struct zone *
zone_of(void *elem)
{
	uintptr_t a = (uintptr_t)elem - zone_map_base;

	if (a >= zone_map_size) {
		return NULL;
	}
	return __atomic_load_n(&zone_map_table[a >> ZONE_CHUNK_SHIFT].ze_zone, __ATOMIC_RELAXED);
}

/* ---- zones ----------------------------------------------------------------- */

static void
zone_init_geometry(struct zone *z, vm_size_t size)
{
	uint32_t elem = (uint32_t)((size + 7) & ~(vm_size_t)7);
	uint32_t limit;

	if (elem < ZONE_MIN_ELEM_SIZE) {
		elem = ZONE_MIN_ELEM_SIZE;
	}
	z->z_elem_size = elem;
	z->z_run_size = (uint32_t)ZONE_CHUNK_SIZE;
	if (elem > ZONE_CHUNK_SIZE / 4) {
		/* At least four elements per run, in whole chunks. */
		z->z_run_size = (uint32_t)((4ULL * elem + ZONE_CHUNK_SIZE - 1) & ~(ZONE_CHUNK_SIZE - 1));
	}
	z->z_run_elems = z->z_run_size / elem;
	z->z_div_magic = ((1ULL << ZONE_DIV_SHIFT) + elem - 1) / elem;

	limit = ZCACHE_BYTES_BUDGET / elem;
	if (limit > 128) {
		limit = 128;
	}
	if (limit < 8) {
		limit = 8;
	}
	z->z_cache_limit = limit;
	z->z_cache_batch = limit / 2;
}

/* Claim a zone slot: cached zones need an id below ZONE_CACHED_MAX. */
static struct zone *
zone_slot_claim(int want_cache)
{
	struct zone *z = NULL;

	early_spin_lock(&zone_array_lock);
	if (want_cache) {
		for (int i = 0; i < ZONE_CACHED_MAX; i++) {
			if (!zone_array[i].z_active) {
				z = &zone_array[i];
				break;
			}
		}
	}
	for (int i = ZONE_CACHED_MAX; z == NULL && i < ZONE_MAX_ZONES; i++) {
		if (!zone_array[i].z_active) {
			z = &zone_array[i];
		}
	}
	for (int i = 0; z == NULL && i < ZONE_CACHED_MAX; i++) {
		if (!zone_array[i].z_active) {
			z = &zone_array[i];
		}
	}
	if (z != NULL) {
		uint16_t id = (uint16_t)(z - zone_array);
		memset(z, 0, sizeof(*z));
		z->z_id = id;
		z->z_active = 1;
	}
	early_spin_unlock(&zone_array_lock);
	return z;
}

static struct zone *
zone_create_common(const char *name, vm_size_t size, zone_create_flags_t flags, int kalloc_class)
{
	struct zone *z;
	int want_cache = kalloc_class || ((flags & ZC_CACHING) && !(flags & ZC_DESTRUCTIBLE));

	if (size == 0 || size > ZONE_MAX_ELEM_SIZE) {
		panic("zone_create: element size %lu of zone %s is %s", (unsigned long)size,
		      name != NULL ? name : "(null)", size == 0 ? "zero" : "too large");
	}
	z = zone_slot_claim(want_cache);
	if (z == NULL) {
		panic("zone_create: too many zones (%d) creating %s", ZONE_MAX_ZONES,
		      name != NULL ? name : "(null)");
	}
	strlcpy(z->z_name, name != NULL ? name : "unnamed", sizeof(z->z_name));
	zone_init_geometry(z, size);
	z->z_destructible = (flags & ZC_DESTRUCTIBLE) != 0;
	z->z_clear_on_free = (flags & ZC_ZFREE_CLEARMEM) != 0;
	z->z_kalloc = (uint8_t)(kalloc_class != 0);
	/* Set last: other threads read z_cached on their fast path. */
	__atomic_store_n(&z->z_cached, (uint8_t)(want_cache && z->z_id < ZONE_CACHED_MAX), __ATOMIC_RELEASE);
	return z;
}

zone_t
zone_create(const char *name, vm_size_t size, zone_create_flags_t flags)
{
	return zone_create_common(name, size, flags, 0);
}

zone_t
zone_create_kalloc(const char *name, vm_size_t size)
{
	return zone_create_common(name, size, ZC_NONE, 1);
}

zone_t
zinit(vm_size_t size, vm_size_t maxmem, vm_size_t alloc, const char *name)
{
	struct zone *z = zone_create_common(name, size, ZC_DESTRUCTIBLE, 0);

	(void)alloc;
	z->z_max_size = maxmem;
	return z;
}

/* Take up to `want` free elements as a list (z_lock held); grows the zone if empty. */
static void *
zone_take_locked(struct zone *z, uint32_t want, uint32_t *got)
{
	void *head = NULL, **tailp = &head;
	uint32_t n = 0;

	while (n < want && z->z_free != NULL) {
		void *e = z->z_free;
		z->z_free = *(void **)e;
		*tailp = e;
		tailp = (void **)e;
		n++;
	}
	z->z_nfree -= n;
	if (n == 0 && z->z_bump == z->z_bump_end) {
		char *run = zm_alloc_run(z, z->z_run_size >> ZONE_CHUNK_SHIFT);
		if (run != NULL) {
			z->z_bump = run;
			z->z_bump_end = run + (size_t)z->z_run_elems * z->z_elem_size;
			z->z_runs++;
		}
	}
	while (n < want && z->z_bump < z->z_bump_end) {
		void *e = z->z_bump;
		z->z_bump += z->z_elem_size;
		*tailp = e;
		tailp = (void **)e;
		n++;
	}
	*tailp = NULL;
	*got = n;
	return head;
}

static struct zcache *
zcache_create(void)
{
	struct zcache *c;
	uint32_t got;

	if (zone_caches_zone == NULL) {
		return NULL;
	}
	early_spin_lock(&zone_caches_zone->z_lock);
	c = zone_take_locked(zone_caches_zone, 1, &got);
	early_spin_unlock(&zone_caches_zone->z_lock);
	if (c == NULL) {
		return NULL;
	}
	__atomic_fetch_add(&zone_caches_zone->z_allocs, 1, __ATOMIC_RELAXED);
	memset(c, 0, sizeof(*c));
	c->zc_tid = khost_thread_id();
	early_spin_lock(&zcache_list_lock);
	c->zc_next = zcache_list;
	if (zcache_list != NULL) {
		zcache_list->zc_prev = c;
	}
	zcache_list = c;
	early_spin_unlock(&zcache_list_lock);
	zcache_tls = c;
	return c;
}

static __attribute__((__noreturn__)) void
zone_exhausted(struct zone *z)
{
	panic("zalloc: zone map exhausted while allocating from zone %s (element size %u, %llu runs held)",
	      z->z_name, z->z_elem_size, (unsigned long long)z->z_runs);
}

void *
zalloc_slow(struct zone *z, zalloc_flags_t flags)
{
	void *e;
	uint32_t got;

	if (z->z_cached) {
		struct zcache *c = zcache_tls != NULL ? zcache_tls : zcache_create();
		if (c != NULL) {
			struct zcache_slot *s = &c->zc_slots[z->z_id];
			if (s->zs_head == NULL) {
				early_spin_lock(&z->z_lock);
				s->zs_head = zone_take_locked(z, z->z_cache_batch, &got);
				early_spin_unlock(&z->z_lock);
				__atomic_store_n(&s->zs_count, got, __ATOMIC_RELAXED);
			}
			e = s->zs_head;
			if (e != NULL) {
				s->zs_head = *(void **)e;
				__atomic_store_n(&s->zs_count, s->zs_count - 1, __ATOMIC_RELAXED);
				zcache_count_add(&s->zs_allocs);
				if (__builtin_expect(zone_poison_on, 0)) {
					zone_poison_alloc(z, e);
				}
				return e;
			}
			goto fail;
		}
	}
	early_spin_lock(&z->z_lock);
	e = zone_take_locked(z, 1, &got);
	early_spin_unlock(&z->z_lock);
	if (e != NULL) {
		__atomic_fetch_add(&z->z_allocs, 1, __ATOMIC_RELAXED);
		if (__builtin_expect(zone_poison_on, 0)) {
			zone_poison_alloc(z, e);
		}
		return e;
	}
fail:
	if ((flags & (Z_NOWAIT | Z_NOPAGEWAIT)) && !(flags & Z_NOFAIL)) {
		return NULL;
	}
	zone_exhausted(z);
}

/* Give the first `n` elements of a thread's slot back to the zone. */
static void
zcache_flush(struct zone *z, struct zcache_slot *s, uint32_t n)
{
	void *head = s->zs_head, *last = head;
	uint32_t moved = 1;

	if (n == 0 || head == NULL) {
		return;
	}
	while (moved < n && *(void **)last != NULL) {
		last = *(void **)last;
		moved++;
	}
	s->zs_head = *(void **)last;
	__atomic_store_n(&s->zs_count, s->zs_count - moved, __ATOMIC_RELAXED);
	early_spin_lock(&z->z_lock);
	*(void **)last = z->z_free;
	z->z_free = head;
	z->z_nfree += moved;
	early_spin_unlock(&z->z_lock);
}

void
zfree_slow(struct zone *z, void *elem)
{
	if (z->z_clear_on_free) {
		memset(elem, 0, z->z_elem_size);
	}
	if (z->z_cached) {
		struct zcache *c = zcache_tls != NULL ? zcache_tls : zcache_create();
		if (c != NULL) {
			struct zcache_slot *s = &c->zc_slots[z->z_id];
			if (s->zs_count >= z->z_cache_limit) {
				zcache_flush(z, s, z->z_cache_batch);
			}
			*(void **)elem = s->zs_head;
			s->zs_head = elem;
			__atomic_store_n(&s->zs_count, s->zs_count + 1, __ATOMIC_RELAXED);
			zcache_count_add(&s->zs_frees);
			return;
		}
	}
	early_spin_lock(&z->z_lock);
	*(void **)elem = z->z_free;
	z->z_free = elem;
	z->z_nfree++;
	early_spin_unlock(&z->z_lock);
	__atomic_fetch_add(&z->z_frees, 1, __ATOMIC_RELAXED);
}

void *
zalloc_flags(zone_t zone, zalloc_flags_t flags)
{
	void *e;

	if (zone == NULL || !zone->z_active) {
		panic("zalloc: invalid zone %p", zone);
	}
	e = (flags & ~(zalloc_flags_t)Z_ZERO) == Z_WAITOK ? zalloc_fast(zone) : zalloc_slow(zone, flags);
	if (e != NULL && (flags & Z_ZERO)) {
		memset(e, 0, zone->z_elem_size);
	}
	return e;
}

void *
zalloc(zone_t zone)
{
	return zalloc_flags(zone, Z_WAITOK);
}

void *
zalloc_noblock(zone_t zone)
{
	return zalloc_flags(zone, Z_NOWAIT);
}

void
zone_require(zone_t zone, void *addr)
{
	if (zone == NULL || !zone_owns(zone, addr)) {
		struct zone *owner = zone_of(addr);
		panic("zone_require failed: address %p is %s%s, expected zone %s", addr,
		      owner != NULL ? "in zone " : "not in any zone", owner != NULL ? owner->z_name : "",
		      zone != NULL ? zone->z_name : "(null)");
	}
}

void
zfree(zone_t zone, void *elem)
{
	if (elem == NULL) {
		return;
	}
	if (zone == NULL || !zone->z_active) {
		panic("zfree: invalid zone %p (element %p)", zone, elem);
	}
	if (__builtin_expect(!zone_owns(zone, elem), 0)) {
		struct zone *owner = zone_of(elem);
		if (owner == zone) {
			panic("zfree: %p is inside zone %s but not at the start of an element", elem,
			      zone->z_name);
		}
		panic("zfree: element %p freed to zone %s does not belong to it (%s%s)", elem, zone->z_name,
		      owner != NULL ? "it is in zone " : "not zone memory",
		      owner != NULL ? owner->z_name : "");
	}
	zfree_fast(zone, elem);
}

void
zdestroy(zone_t z)
{
	struct zone_info zi;
	size_t chunks;

	if (z == NULL || !z->z_active) {
		panic("zdestroy: invalid zone %p", z);
	}
	if (!z->z_destructible) {
		panic("zdestroy: zone %s is not destructible", z->z_name);
	}
	(void)zone_info_get(z, &zi);
	if (zi.zi_elems_in_use != 0) {
		panic("zdestroy: zone %s has outstanding allocations (%llu elements in use)", z->z_name,
		      (unsigned long long)zi.zi_elems_in_use);
	}
	chunks = z->z_run_size >> ZONE_CHUNK_SHIFT;
	early_spin_lock(&zm.zm_lock);
	for (size_t i = 0; i < zm.zm_used; i++) {
		struct zm_entry *ent = &zone_map_table[i];
		if (__atomic_load_n(&ent->ze_zone, __ATOMIC_RELAXED) != z) {
			continue;
		}
		__atomic_store_n(&ent->ze_zone, NULL, __ATOMIC_RELAXED);
		if (ent->ze_run_start == i) {
			struct zm_free_run *fr = (void *)(zone_map_base + (i << ZONE_CHUNK_SHIFT));
			fr->fr_chunks = chunks;
			fr->fr_next = zm.zm_free_runs;
			zm.zm_free_runs = fr;
		}
	}
	early_spin_unlock(&zm.zm_lock);
	early_spin_lock(&zone_array_lock);
	z->z_active = 0;
	early_spin_unlock(&zone_array_lock);
}

/* ---- per-thread caches ------------------------------------------------------ */

void
zone_thread_cleanup(void)
{
	struct zcache *c = zcache_tls;

	if (c == NULL) {
		return;
	}
	zcache_tls = NULL;
	for (int i = 0; i < ZONE_CACHED_MAX; i++) {
		struct zcache_slot *s = &c->zc_slots[i];
		if (s->zs_count > 0) {
			zcache_flush(&zone_array[i], s, s->zs_count);
		}
	}
	/* Fold the counts into the zones and unlink, atomically for readers. */
	early_spin_lock(&zcache_list_lock);
	for (int i = 0; i < ZONE_CACHED_MAX; i++) {
		struct zcache_slot *s = &c->zc_slots[i];
		if (s->zs_allocs | s->zs_frees) {
			__atomic_fetch_add(&zone_array[i].z_allocs, s->zs_allocs, __ATOMIC_RELAXED);
			__atomic_fetch_add(&zone_array[i].z_frees, s->zs_frees, __ATOMIC_RELAXED);
		}
	}
	if (c->zc_prev != NULL) {
		c->zc_prev->zc_next = c->zc_next;
	} else {
		zcache_list = c->zc_next;
	}
	if (c->zc_next != NULL) {
		c->zc_next->zc_prev = c->zc_prev;
	}
	early_spin_unlock(&zcache_list_lock);
	zfree(zone_caches_zone, c);
}

/* ---- statistics --------------------------------------------------------------- */

int
zone_info_get(zone_t z, struct zone_info *zi)
{
	uint64_t allocs, frees, cached = 0;

	if (z == NULL || zi == NULL || !z->z_active) {
		return EINVAL;
	}
	memset(zi, 0, sizeof(*zi));
	early_spin_lock(&zcache_list_lock);
	allocs = __atomic_load_n(&z->z_allocs, __ATOMIC_RELAXED);
	frees = __atomic_load_n(&z->z_frees, __ATOMIC_RELAXED);
	if (z->z_cached) {
		for (struct zcache *c = zcache_list; c != NULL; c = c->zc_next) {
			struct zcache_slot *s = &c->zc_slots[z->z_id];
			allocs += __atomic_load_n(&s->zs_allocs, __ATOMIC_RELAXED);
			frees += __atomic_load_n(&s->zs_frees, __ATOMIC_RELAXED);
			cached += __atomic_load_n(&s->zs_count, __ATOMIC_RELAXED);
		}
	}
	early_spin_unlock(&zcache_list_lock);

	early_spin_lock(&z->z_lock);
	zi->zi_pages = z->z_runs * (z->z_run_size / PAGE_SIZE);
	zi->zi_cur_size = z->z_runs * z->z_run_size;
	zi->zi_elems_total = z->z_runs * z->z_run_elems;
	early_spin_unlock(&z->z_lock);

	strlcpy(zi->zi_name, z->z_name, sizeof(zi->zi_name));
	zi->zi_elem_size = z->z_elem_size;
	zi->zi_alloc_size = z->z_run_size;
	zi->zi_max_size = z->z_max_size;
	zi->zi_alloc_count = allocs;
	zi->zi_free_count = frees;
	zi->zi_elems_in_use = allocs - frees;
	zi->zi_elems_free = zi->zi_elems_total - zi->zi_elems_in_use;
	zi->zi_elems_cached = cached;
	zi->zi_bytes_in_use = zi->zi_elems_in_use * z->z_elem_size;
	zi->zi_caching = z->z_cached;
	return 0;
}

void
zone_info_iterate(void (*fn)(const struct zone_info *zi, void *ctx), void *ctx)
{
	struct zone_info zi;

	for (int i = 0; i < ZONE_MAX_ZONES; i++) {
		if (zone_array[i].z_active && zone_info_get(&zone_array[i], &zi) == 0) {
			fn(&zi, ctx);
		}
	}
}

zone_t
zone_find_by_name(const char *name)
{
	for (int i = 0; name != NULL && i < ZONE_MAX_ZONES; i++) {
		if (zone_array[i].z_active && strcmp(zone_array[i].z_name, name) == 0) {
			return &zone_array[i];
		}
	}
	return NULL;
}

static void
zprint_one(const struct zone_info *zi, void *ctx)
{
	(void)ctx;
	printf("%-25s %6u %9lluK %9lluK %9llu %9llu %9llu %6uK %10llu %9llu%s\n", zi->zi_name,
	       zi->zi_elem_size, (unsigned long long)(zi->zi_cur_size / 1024),
	       (unsigned long long)(zi->zi_max_size / 1024), (unsigned long long)zi->zi_elems_total,
	       (unsigned long long)(zi->zi_max_size / (zi->zi_elem_size ? zi->zi_elem_size : 1)),
	       (unsigned long long)zi->zi_elems_in_use, zi->zi_alloc_size / 1024,
	       (unsigned long long)zi->zi_alloc_count, (unsigned long long)zi->zi_elems_free,
	       zi->zi_caching ? "  C" : "");
}

void
zprint(void)
{
	printf("%-25s %6s %10s %10s %9s %9s %9s %7s %10s %9s\n", "", "elem", "cur", "max", "cur", "max",
	       "cur", "alloc", "alloc", "free");
	printf("%-25s %6s %10s %10s %9s %9s %9s %7s %10s %9s\n", "zone name", "size", "size", "size", "#elts",
	       "#elts", "inuse", "size", "count", "#elts");
	printf("---------------------------------------------------------------------------------------------"
	       "---"
	       "-------------\n");
	zone_info_iterate(zprint_one, NULL);
}

/* ---- boot ------------------------------------------------------------------------ */

void
zone_bootstrap(void)
{
	zone_poison_init();
	if (zone_bootstrapped) {
		return; /* a second boot in the same process keeps the zones */
	}
	if (zm_reserve() != 0) {
		panic("zone_bootstrap: cannot reserve the zone map");
	}
	zone_caches_zone = zone_create("zone.caches", sizeof(struct zcache), ZC_NOGC);
	zone_bootstrapped = 1;
}

#define ZSC_ELEMS 200

int
zalloc_selfcheck(void)
{
	struct zone_info zi;
	void *elems[ZSC_ELEMS];
	zone_t z = zone_create("zalloc.selfcheck", 40, ZC_DESTRUCTIBLE);

	for (int i = 0; i < ZSC_ELEMS; i++) {
		elems[i] = zalloc_flags(z, Z_WAITOK | Z_ZERO);
		if (elems[i] == NULL || ((uintptr_t)elems[i] & 7) != 0 || *(uint64_t *)elems[i] != 0) {
			printf("zalloc_selfcheck: bad element %d: %p\n", i, elems[i]);
			return 1;
		}
		memset(elems[i], 0xa5, 40);
	}
	if (zone_info_get(z, &zi) != 0 || zi.zi_elems_in_use != ZSC_ELEMS || zi.zi_alloc_count != ZSC_ELEMS ||
	    zi.zi_elem_size != 40) {
		printf("zalloc_selfcheck: wrong statistics after %d allocations: in use %llu\n", ZSC_ELEMS,
		       (unsigned long long)zi.zi_elems_in_use);
		return 1;
	}
	for (int i = 0; i < ZSC_ELEMS; i++) {
		zfree(z, elems[i]);
	}
	if (zone_info_get(z, &zi) != 0 || zi.zi_elems_in_use != 0 || zi.zi_elems_free != zi.zi_elems_total) {
		printf("zalloc_selfcheck: %llu elements still in use after freeing all\n",
		       (unsigned long long)zi.zi_elems_in_use);
		return 1;
	}
	zdestroy(z);

	for (vm_size_t size = 1; size <= 3 * 8192; size = size * 3 + 1) {
		unsigned char *p = kalloc(size);
		if (p == NULL) {
			printf("zalloc_selfcheck: kalloc(%lu) failed\n", (unsigned long)size);
			return 1;
		}
		memset(p, 0x5a, size);
		if (p[0] != 0x5a || p[size - 1] != 0x5a) {
			printf("zalloc_selfcheck: kalloc(%lu) memory is not usable\n", (unsigned long)size);
			return 1;
		}
		kfree(p, size);
	}
	return 0;
}
