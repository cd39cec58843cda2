/*
 * zalloc_debug.c — zone poisoning: use-after-free and double-free
 * detection for zalloc, kalloc and everything built on them (OSMalloc,
 * IOMalloc, OSObject), behind the -zp boot-arg (XNU's name; -zc, XNU's
 * corruption checking, turns it on too; -no-zp wins over both).
 *
 * On free, the element is filled with ZP_POISON past its first word (which
 * holds the free-list link) and entered in a side table with the
 * backtrace of the free. On allocation, an element found in the table has
 * its poison checked and leaves the table:
 *  - poison changed: something wrote to the element after it was freed.
 *    Reported with the zone, the element, the first changed offset and
 *    the backtraces of the free and of the new allocation.
 *  - an element freed while already in the table is a double free:
 *    reported with both frees' backtraces, and the second free is
 *    dropped, so the free lists stay sound and the kernel runs on.
 * Reports go to the kernel log; frames print through debug_format_frame
 * (kext + offset, function, file:line where known).
 *
 * The side table: ZP_STRIPES independent hash tables, each with its own
 * spin lock, bucket heads and a fixed pool of records, all host memory
 * (the checker must not allocate from the zones it checks). When a
 * stripe's pool runs out, frees there go unrecorded (said once).
 * Zones that clear elements on free are not poisoned (their contents must
 * read as zero).
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/debug.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "osfmk/kern/early_spin.h"
#include "osfmk/kern/debug_internal.h"
#include "osfmk/kern/zalloc_internal.h"

#define ZP_POISON 0xdeadbeefdeadbeefULL
#define ZP_BT 6
#define ZP_STRIPES 256
#define ZP_BUCKETS 256  /* per stripe */
#define ZP_RECORDS 1024 /* per stripe */
#define ZP_NONE 0xffffffffu

struct zp_record {
	uintptr_t zr_elem;
	struct zone *zr_zone;
	uint32_t zr_next; /* index in the stripe's pool, ZP_NONE ends */
	uint32_t zr_pad;
	uintptr_t zr_bt[ZP_BT]; /* where it was freed */
};

struct zp_stripe {
	early_spin_t zs_lock;
	uint32_t zs_free; /* free record list */
	uint32_t zs_used;
	uint32_t zs_full_said;
	uint32_t zs_bucket[ZP_BUCKETS];
	struct zp_record zs_rec[ZP_RECORDS];
};

int zone_poison_on;
static struct zp_stripe *zp_stripes;
static uint64_t zp_uaf_count, zp_double_free_count;

static inline uint64_t
zp_hash(uintptr_t a)
{
	a >>= 4; /* elements are 16-byte aligned */
	a *= 0x9e3779b97f4a7c15ULL;
	return a >> 32;
}

static inline struct zp_stripe *
zp_stripe_of(uintptr_t elem, uint32_t *bucket)
{
	uint64_t h = zp_hash(elem);

	*bucket = (uint32_t)(h / ZP_STRIPES) % ZP_BUCKETS;
	return &zp_stripes[h % ZP_STRIPES];
}

/* The record of elem in s, with the link that points at it (stripe locked). */
static struct zp_record *
zp_find(struct zp_stripe *s, uint32_t bucket, uintptr_t elem, uint32_t **link)
{
	uint32_t *l = &s->zs_bucket[bucket];

	while (*l != ZP_NONE) {
		struct zp_record *r = &s->zs_rec[*l];

		if (r->zr_elem == elem) {
			*link = l;
			return r;
		}
		l = &r->zr_next;
	}
	return NULL;
}

static void
zp_print_bt(const char *what, const uintptr_t *bt)
{
	char frame[160];

	printf("%s:\n", what);
	for (unsigned int i = 0; i < ZP_BT && bt[i] != 0; i++) {
		(void)debug_format_frame(bt[i], frame, sizeof(frame));
		printf("  #%u %s\n", i, frame);
	}
}

/* First 8-byte word past the link that is not poison, or 0 if intact. */
static uint32_t
zp_first_bad(const struct zone *z, const void *elem, uint64_t *found)
{
	const uint64_t *w = elem;

	for (uint32_t off = sizeof(uint64_t); off + sizeof(uint64_t) <= z->z_elem_size; off += 8) {
		if (w[off / 8] != ZP_POISON) {
			*found = w[off / 8];
			return off;
		}
	}
	return 0;
}

__attribute__((noinline)) void
zone_poison_alloc(struct zone *z, void *elem)
{
	uintptr_t bt_free[ZP_BT], bt_now[ZP_BT] = {0};
	struct zp_record *r;
	struct zp_stripe *s;
	uint32_t bucket, *link, off;
	uint64_t found = 0;
	int same_zone;

	if (zp_stripes == NULL || z->z_clear_on_free) {
		return;
	}
	s = zp_stripe_of((uintptr_t)elem, &bucket);
	early_spin_lock(&s->zs_lock);
	r = zp_find(s, bucket, (uintptr_t)elem, &link);
	if (r == NULL) {
		early_spin_unlock(&s->zs_lock);
		return; /* freed before poisoning began, or not recorded */
	}
	same_zone = r->zr_zone == z; /* else its zone was destroyed and the memory reused */
	for (unsigned int i = 0; i < ZP_BT; i++) {
		bt_free[i] = r->zr_bt[i];
	}
	*link = r->zr_next;
	r->zr_next = s->zs_free;
	s->zs_free = (uint32_t)(r - s->zs_rec);
	s->zs_used--;
	early_spin_unlock(&s->zs_lock);

	if (!same_zone || (off = zp_first_bad(z, elem, &found)) == 0) {
		return;
	}
	__atomic_fetch_add(&zp_uaf_count, 1, __ATOMIC_RELAXED);
	(void)debug_backtrace(NULL, bt_now, ZP_BT, 2);
	printf("zone poisoning: a freed zone element has been modified in zone %s: expected 0x%llx but found "
	       "0x%llx, bits changed 0x%llx, at offset %u of %u in element %p\n",
	       z->z_name, (unsigned long long)ZP_POISON, (unsigned long long)found,
	       (unsigned long long)(found ^ ZP_POISON), off, z->z_elem_size, elem);
	zp_print_bt("freed at", bt_free);
	zp_print_bt("allocated again at", bt_now);
}

__attribute__((noinline)) bool
zone_poison_free(struct zone *z, void *elem)
{
	uintptr_t bt[ZP_BT] = {0}, bt_first[ZP_BT];
	struct zp_record *r;
	struct zp_stripe *s;
	uint32_t bucket, *link, idx;

	if (zp_stripes == NULL || z->z_clear_on_free) {
		return false;
	}
	(void)debug_backtrace(NULL, bt, ZP_BT, 2);
	s = zp_stripe_of((uintptr_t)elem, &bucket);
	early_spin_lock(&s->zs_lock);
	r = zp_find(s, bucket, (uintptr_t)elem, &link);
	if (r != NULL && r->zr_zone == z) {
		for (unsigned int i = 0; i < ZP_BT; i++) {
			bt_first[i] = r->zr_bt[i];
		}
		early_spin_unlock(&s->zs_lock);
		__atomic_fetch_add(&zp_double_free_count, 1, __ATOMIC_RELAXED);
		printf("zone poisoning: double free of element %p (zone %s, %u bytes); the second free is "
		       "ignored\n",
		       elem, z->z_name, z->z_elem_size);
		zp_print_bt("first freed at", bt_first);
		zp_print_bt("freed again at", bt);
		return true;
	}
	if (r == NULL) {
		if (s->zs_free == ZP_NONE) {
			if (!s->zs_full_said) {
				s->zs_full_said = 1;
				printf("zone poisoning: free record table full in one stripe; some frees go "
				       "unchecked\n");
			}
			early_spin_unlock(&s->zs_lock);
			goto poison;
		}
		idx = s->zs_free;
		r = &s->zs_rec[idx];
		s->zs_free = r->zr_next;
		s->zs_used++;
		r->zr_next = s->zs_bucket[bucket];
		s->zs_bucket[bucket] = idx;
		r->zr_elem = (uintptr_t)elem;
	}
	r->zr_zone = z; /* a stale record of a destroyed zone is reused as is */
	for (unsigned int i = 0; i < ZP_BT; i++) {
		r->zr_bt[i] = bt[i];
	}
	early_spin_unlock(&s->zs_lock);
poison:
	for (uint32_t off = sizeof(uint64_t); off + sizeof(uint64_t) <= z->z_elem_size; off += 8) {
		((uint64_t *)elem)[off / 8] = ZP_POISON;
	}
	return false;
}

void
zone_poison_counts(uint64_t *uaf, uint64_t *double_free)
{
	*uaf = __atomic_load_n(&zp_uaf_count, __ATOMIC_RELAXED);
	*double_free = __atomic_load_n(&zp_double_free_count, __ATOMIC_RELAXED);
}

int
zone_poison_set(int on)
{
	size_t size = sizeof(struct zp_stripe) * ZP_STRIPES;
	void *mem = NULL;

	if (!on) {
		__atomic_store_n(&zone_poison_on, 0, __ATOMIC_RELEASE);
		return 0;
	}
	if (zp_stripes == NULL) {
		if (khost_vm_alloc(size, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &mem) != 0) {
			return ENOMEM;
		}
		for (unsigned int i = 0; i < ZP_STRIPES; i++) {
			struct zp_stripe *s = &((struct zp_stripe *)mem)[i];

			for (unsigned int b = 0; b < ZP_BUCKETS; b++) {
				s->zs_bucket[b] = ZP_NONE;
			}
			for (unsigned int k = 0; k < ZP_RECORDS; k++) {
				s->zs_rec[k].zr_next = k + 1 < ZP_RECORDS ? k + 1 : ZP_NONE;
			}
			s->zs_free = 0;
		}
		zp_stripes = mem;
	}
	__atomic_store_n(&zone_poison_on, 1, __ATOMIC_RELEASE);
	return 0;
}

void
zone_poison_init(void)
{
	(void)zone_poison_set(0);
	if (!(PE_parse_boot_argn("-zp", NULL, 0) || PE_parse_boot_argn("-zc", NULL, 0)) ||
	    PE_parse_boot_argn("-no-zp", NULL, 0)) {
		return;
	}
	if (zone_poison_set(1) != 0) {
		printf("zone poisoning: no memory for the free record table; poisoning is off\n");
		return;
	}
	printf("zone poisoning: freed elements are poisoned and checked (use after free, double free)\n");
}
