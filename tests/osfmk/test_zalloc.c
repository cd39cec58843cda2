/*
 * test_zalloc.c — zones, kalloc and OSMalloc. Statistics must be exact
 * after known patterns of allocation and free, on one thread and across
 * kernel threads (allocated on one, freed on another; a thread's cache is
 * flushed when it exits); every misuse the allocator can detect must panic
 * (kfree with the wrong size, zfree to the wrong zone, zdestroy of a zone
 * in use, a pointer that is not kalloc memory) rather than corrupt memory;
 * large allocations are tracked; OSMalloc charges each tag and keeps a
 * released tag alive until its last allocation is freed; and several
 * kernel threads allocating and freeing at once leave every count where it
 * started.
 */
#include "tests/ktest.h"
#include <kern/kalloc.h>
#include <kern/zalloc.h>
#include <kern/thread.h>
#include <libkern/OSMalloc.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/zalloc_internal.h"
#include "libkern/gen/OSMalloc_internal.h"

#define WAIT_LIMIT_NS (20ull * 1000 * 1000 * 1000)

static struct zone_info
info(zone_t z)
{
	struct zone_info zi;
	ck_assert_int_eq(zone_info_get(z, &zi), 0);
	return zi;
}

static void
wait_count(uint32_t *v, uint32_t want)
{
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) < want && khost_uptime_ns() < end) {
		khost_thread_yield();
	}
	ck_assert_uint_eq(__atomic_load_n(v, __ATOMIC_ACQUIRE), want);
}

/* ---- zones -------------------------------------------------------------------- */

START_TEST(zone_stats_exact)
{
	zone_t z = zone_create("test.zone40", 40, ZC_DESTRUCTIBLE);
	void *e[300];
	struct zone_info zi = info(z);

	ck_assert_str_eq(zi.zi_name, "test.zone40");
	ck_assert_uint_eq(zi.zi_elem_size, 40);
	ck_assert_uint_eq(zi.zi_elems_in_use, 0);
	ck_assert_uint_eq(zi.zi_elems_total, 0);
	for (int i = 0; i < 300; i++) {
		e[i] = zalloc(z);
		ck_assert_ptr_nonnull(e[i]);
		ck_assert_uint_eq((uintptr_t)e[i] % 8, 0);
		memset(e[i], i, 40);
	}
	zi = info(z);
	ck_assert_uint_eq(zi.zi_elems_in_use, 300);
	ck_assert_uint_eq(zi.zi_alloc_count, 300);
	ck_assert_uint_eq(zi.zi_bytes_in_use, 300 * 40);
	ck_assert_uint_ge(zi.zi_elems_total, 300);
	ck_assert_uint_eq(zi.zi_elems_free, zi.zi_elems_total - 300);
	ck_assert_uint_eq(zi.zi_cur_size, zi.zi_elems_total / (zi.zi_alloc_size / 40) * zi.zi_alloc_size);
	ck_assert_uint_eq(zi.zi_pages * PAGE_SIZE, zi.zi_cur_size);
	for (int i = 0; i < 300; i++) {
		for (int b = 0; b < 40; b++) {
			ck_assert_uint_eq(((unsigned char *)e[i])[b], (unsigned char)i); /* no overlap */
		}
	}
	for (int i = 0; i < 100; i++) {
		zfree(z, e[i]);
	}
	zi = info(z);
	ck_assert_uint_eq(zi.zi_elems_in_use, 200);
	ck_assert_uint_eq(zi.zi_free_count, 100);
	ck_assert_uint_eq(zi.zi_alloc_count, 300);
	/* freed elements are reused before the zone grows */
	uint64_t total = zi.zi_elems_total;
	for (int i = 0; i < 100; i++) {
		e[i] = zalloc(z);
	}
	ck_assert_uint_eq(info(z).zi_elems_total, total);
	for (int i = 0; i < 300; i++) {
		zfree(z, e[i]);
	}
	zi = info(z);
	ck_assert_uint_eq(zi.zi_elems_in_use, 0);
	ck_assert_uint_eq(zi.zi_elems_free, zi.zi_elems_total);
	zdestroy(z);
	ck_assert_ptr_null(zone_find_by_name("test.zone40"));
}
END_TEST

START_TEST(zone_sizes_and_flags)
{
	zone_t small = zone_create("test.small", 3, ZC_DESTRUCTIBLE);
	zone_t odd = zone_create("test.odd", 100, ZC_DESTRUCTIBLE | ZC_ZFREE_CLEARMEM);
	zone_t big = zone_create("test.big", 40000, ZC_DESTRUCTIBLE);

	ck_assert_uint_eq(info(small).zi_elem_size, 16);
	ck_assert_uint_eq(info(odd).zi_elem_size, 104);
	ck_assert_uint_eq(info(big).zi_elem_size, 40000);

	unsigned char *p = zalloc(odd);
	memset(p, 0xff, 100);
	zfree(odd, p);
	unsigned char *q = zalloc_flags(odd, Z_WAITOK);
	ck_assert_ptr_eq(q, p); /* LIFO reuse */
	for (int i = 8; i < 100; i++) {
		ck_assert_uint_eq(q[i], 0); /* cleared on free (the link is in the first word) */
	}
	memset(q, 0xff, 100);
	zfree(odd, q);

	zone_t plain = zone_create("test.plain", 64, ZC_DESTRUCTIBLE);
	unsigned char *r = zalloc(plain);
	memset(r, 0xee, 64);
	zfree(plain, r);
	r = zalloc_flags(plain, Z_WAITOK | Z_ZERO);
	for (int i = 0; i < 64; i++) {
		ck_assert_uint_eq(r[i], 0);
	}
	zfree(plain, r);
	ck_assert_ptr_nonnull(zalloc_noblock(plain) != NULL ? (void *)1 : NULL);

	void *b[9];
	for (int i = 0; i < 9; i++) {
		b[i] = zalloc(big);
		memset(b[i], i, 40000);
	}
	ck_assert_uint_ge(info(big).zi_alloc_size, 4 * 40000);
	for (int i = 0; i < 9; i++) {
		ck_assert_uint_eq(((unsigned char *)b[i])[39999], i);
		zfree(big, b[i]);
	}
	zdestroy(big);
	zdestroy(small);
	zdestroy(odd);
}
END_TEST

START_TEST(zinit_and_zprint)
{
	zone_t z = zinit(24, 1024 * 1024, PAGE_SIZE, "test.zinit");
	void *p = zalloc(z);
	struct zone_info zi = info(z);

	ck_assert_uint_eq(zi.zi_max_size, 1024 * 1024);
	ck_assert_uint_eq(zi.zi_elems_in_use, 1);
	zone_require(z, p);
	zprint();
	zfree(z, p);
	zdestroy(z); /* zinit zones are destructible */
}
END_TEST

START_TEST(zone_destroyed_memory_is_reused)
{
	zone_t z1 = zone_create("test.reuse1", 128, ZC_DESTRUCTIBLE);
	void *p = zalloc(z1);
	zfree(z1, p);
	zdestroy(z1);
	zone_t z2 = zone_create("test.reuse2", 128, ZC_DESTRUCTIBLE);
	void *q = zalloc(z2);
	ck_assert_ptr_eq(zone_of(q), z2);
	ck_assert_ptr_null(zone_of(&q)); /* a stack address is no zone's */
	zfree(z2, q);
	zdestroy(z2);
}
END_TEST

static void
zfree_wrong_zone(void)
{
	zone_t a = zone_create("test.a", 32, ZC_DESTRUCTIBLE);
	zone_t b = zone_create("test.b", 32, ZC_DESTRUCTIBLE);
	zfree(b, zalloc(a));
}

START_TEST(zfree_to_wrong_zone_panics)
{
	zfree_wrong_zone();
}
END_TEST

START_TEST(zfree_misaligned_panics)
{
	zone_t a = zone_create("test.mis", 48, ZC_DESTRUCTIBLE);
	char *p = zalloc(a);
	zfree(a, p + 8);
}
END_TEST

START_TEST(zdestroy_in_use_panics)
{
	zone_t a = zone_create("test.inuse", 32, ZC_DESTRUCTIBLE);
	(void)zalloc(a);
	zdestroy(a);
}
END_TEST

START_TEST(zdestroy_permanent_panics)
{
	zdestroy(zone_create("test.permanent", 32, ZC_NONE));
}
END_TEST

/* ---- kalloc ------------------------------------------------------------------- */

START_TEST(kalloc_size_classes)
{
	ck_assert_str_eq(info(kalloc_zone_for_size(1)).zi_name, "kalloc.16");
	ck_assert_str_eq(info(kalloc_zone_for_size(16)).zi_name, "kalloc.16");
	ck_assert_str_eq(info(kalloc_zone_for_size(17)).zi_name, "kalloc.32");
	ck_assert_str_eq(info(kalloc_zone_for_size(300)).zi_name, "kalloc.368");
	ck_assert_str_eq(info(kalloc_zone_for_size(4096)).zi_name, "kalloc.4096");
	ck_assert_str_eq(info(kalloc_zone_for_size(8192)).zi_name, "kalloc.8192");
	ck_assert_ptr_null(kalloc_zone_for_size(8193));
	ck_assert_ptr_null(kalloc_zone_for_size(0));
	ck_assert_ptr_null(kalloc(0));
	kfree(NULL, 64); /* no-op */

	for (vm_size_t size = 1; size <= 9000; size += (size < 300 ? 1 : 97)) {
		unsigned char *p = kalloc(size);
		ck_assert_ptr_nonnull(p);
		if (size <= 8192) {
			ck_assert_uint_eq((uintptr_t)p % 16, 0);
			ck_assert_uint_ge(info(kalloc_zone_for_size(size)).zi_elem_size, size);
		}
		memset(p, (int)size, size);
		ck_assert_uint_eq(p[size - 1], (unsigned char)size);
		kfree(p, size);
	}
}
END_TEST

START_TEST(kalloc_stats_exact)
{
	zone_t z = kalloc_zone_for_size(200);
	struct zone_info before = info(z);
	void *p[100];

	for (int i = 0; i < 100; i++) {
		p[i] = kalloc(200);
	}
	struct zone_info mid = info(z);
	ck_assert_uint_eq(mid.zi_elems_in_use, before.zi_elems_in_use + 100);
	ck_assert_uint_eq(mid.zi_alloc_count, before.zi_alloc_count + 100);
	ck_assert_uint_eq(mid.zi_elems_free, mid.zi_elems_total - mid.zi_elems_in_use);
	for (int i = 0; i < 100; i++) {
		kfree(p[i], 193 + (i % 32)); /* any size of the same class (kalloc.224) */
	}
	struct zone_info after = info(z);
	ck_assert_uint_eq(after.zi_elems_in_use, before.zi_elems_in_use);
	ck_assert_uint_eq(after.zi_free_count, before.zi_free_count + 100);
	ck_assert_int_eq(after.zi_caching, 1);
}
END_TEST

START_TEST(kalloc_large)
{
	uint64_t count0, bytes0, count, bytes;

	kalloc_large_stats(&count0, &bytes0);
	unsigned char *p = kalloc(100000);
	unsigned char *q = kalloc_noblock(3 * 1024 * 1024);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((uintptr_t)p % PAGE_SIZE, 0);
	memset(p, 1, 100000);
	memset(q, 2, 3 * 1024 * 1024);
	kalloc_large_stats(&count, &bytes);
	ck_assert_uint_eq(count, count0 + 2);
	ck_assert_uint_eq(bytes, bytes0 + 100000 + 3 * 1024 * 1024);
	kfree(p, 100000);
	kfree(q, 3 * 1024 * 1024);
	kalloc_large_stats(&count, &bytes);
	ck_assert_uint_eq(count, count0);
	ck_assert_uint_eq(bytes, bytes0);
	ck_assert_ptr_null(kalloc((vm_size_t)1 << 60));
}
END_TEST

START_TEST(allocation_names)
{
	kern_allocation_name_t n = kern_allocation_name_allocate("com.example.driver", 0);
	ck_assert_str_eq(kern_allocation_get_name(n), "com.example.driver");
	void *a = kalloc_tag_name(100, n);
	void *b = kalloc_tag_name(20000, n);
	ck_assert_uint_eq(kern_allocation_name_bytes(n), 20100);
	kfree_tag_name(a, 100, n);
	ck_assert_uint_eq(kern_allocation_name_bytes(n), 20000);
	kfree_tag_name(b, 20000, n);
	ck_assert_uint_eq(kern_allocation_name_bytes(n), 0);
	kern_allocation_name_release(n);
}
END_TEST

START_TEST(kfree_wrong_size_panics)
{
	void *p = kalloc(64);
	kfree(p, 128);
}
END_TEST

START_TEST(kfree_large_wrong_size_panics)
{
	void *p = kalloc(50000);
	kfree(p, 60000);
}
END_TEST

START_TEST(kfree_small_size_of_large_panics)
{
	void *p = kalloc(50000);
	kfree(p, 64);
}
END_TEST

START_TEST(kfree_foreign_pointer_panics)
{
	long on_stack[4];
	kfree(on_stack, sizeof(on_stack));
}
END_TEST

START_TEST(kfree_zone_element_panics)
{
	zone_t z = zone_create("test.notkalloc", 64, ZC_DESTRUCTIBLE);
	kfree(zalloc(z), 64);
}
END_TEST

/* ---- across kernel threads ------------------------------------------------------ */

#define XFER 500

static struct {
	zone_t zone;
	void *elems[XFER];
	uint32_t produced;
	uint32_t consumed;
} xfer;

static void
producer(void *arg, wait_result_t wr)
{
	(void)arg;
	(void)wr;
	for (int i = 0; i < XFER; i++) {
		xfer.elems[i] = zalloc(xfer.zone);
		*(int *)xfer.elems[i] = i;
	}
	__atomic_store_n(&xfer.produced, 1, __ATOMIC_RELEASE);
}

static void
consumer(void *arg, wait_result_t wr)
{
	(void)arg;
	(void)wr;
	for (int i = 0; i < XFER; i++) {
		ck_assert_int_eq(*(int *)xfer.elems[i], i);
		zfree(xfer.zone, xfer.elems[i]);
	}
	__atomic_store_n(&xfer.consumed, 1, __ATOMIC_RELEASE);
}

START_TEST(cross_thread_stats_and_exit_flush)
{
	thread_t a, b;

	xfer.zone = zone_create("test.xfer", 96, ZC_CACHING);
	ck_assert_int_eq(info(xfer.zone).zi_caching, 1);
	ck_assert_int_eq(kernel_thread_start(producer, NULL, &a), KERN_SUCCESS);
	wait_count(&xfer.produced, 1);
	struct zone_info zi = info(xfer.zone);
	ck_assert_uint_eq(zi.zi_elems_in_use, XFER);
	ck_assert_uint_eq(zi.zi_alloc_count, XFER);

	ck_assert_int_eq(kernel_thread_start(consumer, NULL, &b), KERN_SUCCESS);
	wait_count(&xfer.consumed, 1);
	zi = info(xfer.zone);
	ck_assert_uint_eq(zi.zi_elems_in_use, 0);
	ck_assert_uint_eq(zi.zi_free_count, XFER);
	ck_assert_uint_eq(zi.zi_elems_free, zi.zi_elems_total);

	/* both threads exit and flush their caches: nothing stays cached */
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	while (info(xfer.zone).zi_elems_cached != 0 && khost_uptime_ns() < end) {
		khost_thread_yield();
	}
	zi = info(xfer.zone);
	ck_assert_uint_eq(zi.zi_elems_cached, 0);
	ck_assert_uint_eq(zi.zi_alloc_count, XFER); /* counts survive the caches */
	ck_assert_uint_eq(zi.zi_free_count, XFER);
	thread_deallocate(a);
	thread_deallocate(b);
}
END_TEST

#define NWORKERS 4
#define WORK_ITERS 20000
#define HELD 48

static struct {
	zone_t zone;
	uint32_t go;
	uint32_t done;
	uint32_t errors;
} churn;

static void
churn_worker(void *arg, wait_result_t wr)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg * 2654435761u + 1;
	unsigned char *held[HELD] = {0};
	vm_size_t sizes[HELD] = {0};
	void *zheld[HELD] = {0};
	unsigned char tag = (unsigned char)(uintptr_t)arg;

	(void)wr;
	while (!__atomic_load_n(&churn.go, __ATOMIC_ACQUIRE)) {
		khost_thread_yield();
	}
	for (int i = 0; i < WORK_ITERS; i++) {
		seed = seed * 1103515245u + 12345u;
		int slot = (int)((seed >> 8) % HELD);
		if (held[slot] != NULL) {
			if (held[slot][0] != tag || held[slot][sizes[slot] - 1] != tag) {
				__atomic_fetch_add(&churn.errors, 1, __ATOMIC_RELAXED);
			}
			kfree(held[slot], sizes[slot]);
			held[slot] = NULL;
			zfree(churn.zone, zheld[slot]);
		} else {
			sizes[slot] = 1 + (seed >> 12) % (i % 7 == 0 ? 12000 : 1024);
			held[slot] = kalloc(sizes[slot]);
			held[slot][0] = tag;
			held[slot][sizes[slot] - 1] = tag;
			zheld[slot] = zalloc(churn.zone);
		}
	}
	for (int s = 0; s < HELD; s++) {
		if (held[s] != NULL) {
			kfree(held[s], sizes[s]);
			zfree(churn.zone, zheld[s]);
		}
	}
	__atomic_fetch_add(&churn.done, 1, __ATOMIC_RELEASE);
}

struct inuse_sum {
	uint64_t in_use;
};

static void
sum_kalloc(const struct zone_info *zi, void *ctx)
{
	if (strncmp(zi->zi_name, "kalloc.", 7) == 0 && strcmp(zi->zi_name, "kalloc.large") != 0) {
		((struct inuse_sum *)ctx)->in_use += zi->zi_elems_in_use;
	}
}

START_TEST(concurrent_alloc_free_returns_to_baseline)
{
	thread_t th[NWORKERS];
	struct inuse_sum before = {0}, after = {0};
	uint64_t lcount0, lcount;

	churn.zone = zone_create("test.churn", 72, ZC_CACHING);
	for (long i = 0; i < NWORKERS; i++) {
		ck_assert_int_eq(kernel_thread_start(churn_worker, (void *)(i + 1), &th[i]), KERN_SUCCESS);
	}
	/* Baseline with every worker's thread record already allocated (we hold references). */
	zone_info_iterate(sum_kalloc, &before);
	kalloc_large_stats(&lcount0, NULL);
	__atomic_store_n(&churn.go, 1, __ATOMIC_RELEASE);
	wait_count(&churn.done, NWORKERS);

	ck_assert_uint_eq(churn.errors, 0);
	zone_info_iterate(sum_kalloc, &after);
	ck_assert_uint_eq(after.in_use, before.in_use);
	kalloc_large_stats(&lcount, NULL);
	ck_assert_uint_eq(lcount, lcount0);
	struct zone_info zi = info(churn.zone);
	ck_assert_uint_eq(zi.zi_elems_in_use, 0);
	ck_assert_uint_eq(zi.zi_alloc_count, zi.zi_free_count);
	ck_assert_uint_gt(zi.zi_alloc_count, NWORKERS * 100);
	for (int i = 0; i < NWORKERS; i++) {
		thread_deallocate(th[i]);
	}
}
END_TEST

/* ---- OSMalloc ---------------------------------------------------------------------- */

struct tag_find {
	const char *name;
	int found;
	uint64_t bytes, count;
};

static void
tag_find_fn(const char *name, uint64_t bytes, uint64_t count, void *ctx)
{
	struct tag_find *tf = ctx;
	if (strcmp(name, tf->name) == 0) {
		tf->found++;
		tf->bytes = bytes;
		tf->count = count;
	}
}

static struct tag_find
find_tag(const char *name)
{
	struct tag_find tf = {.name = name};
	OSMalloc_tag_iterate(tag_find_fn, &tf);
	return tf;
}

START_TEST(osmalloc_tag_accounting)
{
	OSMallocTag tag = OSMalloc_Tagalloc("com.example.tagtest", OSMT_DEFAULT);
	ck_assert_ptr_nonnull(tag);
	ck_assert_int_eq(find_tag("com.example.tagtest").found, 1);

	void *a = OSMalloc(100, tag);
	void *b = OSMalloc_noblock(5000, tag);
	void *c = OSMalloc_nowait(20000, tag);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	memset(c, 0, 20000);
	struct tag_find tf = find_tag("com.example.tagtest");
	ck_assert_uint_eq(tf.bytes, 25100);
	ck_assert_uint_eq(tf.count, 3);
	OSFree(b, 5000, tag);
	tf = find_tag("com.example.tagtest");
	ck_assert_uint_eq(tf.bytes, 20100);
	ck_assert_uint_eq(tf.count, 2);

	/* a released tag with allocations outstanding lives until the last free */
	OSMalloc_Tagfree(tag);
	tf = find_tag("com.example.tagtest");
	ck_assert_int_eq(tf.found, 1);
	ck_assert_uint_eq(tf.count, 2);
	OSFree(a, 100, tag);
	ck_assert_int_eq(find_tag("com.example.tagtest").found, 1);
	OSFree(c, 20000, tag);
	ck_assert_int_eq(find_tag("com.example.tagtest").found, 0);

	/* without outstanding allocations Tagfree frees at once */
	OSMallocTag t2 = OSMalloc_Tagalloc("com.example.tag2", OSMT_PAGEABLE);
	ck_assert_ptr_null(OSMalloc_noblock(64, t2)); /* pageable tags cannot avoid blocking */
	ck_assert_ptr_null(OSMalloc_nowait(64, t2));
	void *d = OSMalloc(3 * PAGE_SIZE, t2);
	ck_assert_ptr_nonnull(d);
	OSFree(d, 3 * PAGE_SIZE, t2);
	OSMalloc_Tagfree(t2);
	ck_assert_int_eq(find_tag("com.example.tag2").found, 0);
}
END_TEST

START_TEST(osmalloc_released_tag_still_counts)
{
	OSMallocTag tag = OSMalloc_Tagalloc("com.example.released", OSMT_DEFAULT);
	void *keep = OSMalloc(10, tag);
	OSMalloc_Tagfree(tag);
	/* as in XNU, a released tag with live allocations can still allocate */
	void *more = OSMalloc(30, tag);
	ck_assert_ptr_nonnull(more);
	struct tag_find tf = find_tag("com.example.released");
	ck_assert_uint_eq(tf.bytes, 40);
	ck_assert_uint_eq(tf.count, 2);
	OSFree(keep, 10, tag);
	OSFree(more, 30, tag);
	ck_assert_int_eq(find_tag("com.example.released").found, 0);
}
END_TEST

START_TEST(osmalloc_freed_tag_panics)
{
	OSMallocTag tag = OSMalloc_Tagalloc("com.example.gone", OSMT_DEFAULT);
	/* freeing the tag clears its state word: a stale pointer is caught */
	OSMalloc_Tagfree(tag);
	(void)OSMalloc(10, tag);
}
END_TEST

START_TEST(osmalloc_double_tagfree_panics)
{
	OSMallocTag tag = OSMalloc_Tagalloc("com.example.twice", OSMT_DEFAULT);
	void *keep = OSMalloc(10, tag);
	(void)keep;
	OSMalloc_Tagfree(tag);
	OSMalloc_Tagfree(tag);
}
END_TEST

START_TEST(boot_selfcheck_passes)
{
	ck_assert_int_eq(zalloc_selfcheck(), 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("zalloc");
	TCase *tc = ktest_tcase("zones");
	tcase_add_test(tc, zone_stats_exact);
	tcase_add_test(tc, zone_sizes_and_flags);
	tcase_add_test(tc, zinit_and_zprint);
	tcase_add_test(tc, zone_destroyed_memory_is_reused);
	tcase_add_exit_test(tc, zfree_to_wrong_zone_panics, 70);
	tcase_add_exit_test(tc, zfree_misaligned_panics, 70);
	tcase_add_exit_test(tc, zdestroy_in_use_panics, 70);
	tcase_add_exit_test(tc, zdestroy_permanent_panics, 70);
	tcase_add_test(tc, boot_selfcheck_passes);
	suite_add_tcase(s, tc);

	TCase *tk = ktest_tcase("kalloc");
	tcase_add_test(tk, kalloc_size_classes);
	tcase_add_test(tk, kalloc_stats_exact);
	tcase_add_test(tk, kalloc_large);
	tcase_add_test(tk, allocation_names);
	tcase_add_exit_test(tk, kfree_wrong_size_panics, 70);
	tcase_add_exit_test(tk, kfree_large_wrong_size_panics, 70);
	tcase_add_exit_test(tk, kfree_small_size_of_large_panics, 70);
	tcase_add_exit_test(tk, kfree_foreign_pointer_panics, 70);
	tcase_add_exit_test(tk, kfree_zone_element_panics, 70);
	suite_add_tcase(s, tk);

	TCase *to = ktest_tcase("osmalloc");
	tcase_add_test(to, osmalloc_tag_accounting);
	tcase_add_test(to, osmalloc_released_tag_still_counts);
	tcase_add_exit_test(to, osmalloc_freed_tag_panics, 70);
	tcase_add_exit_test(to, osmalloc_double_tagfree_panics, 70);
	suite_add_tcase(s, to);

	TCase *tt = ktest_tcase("concurrency");
	tcase_add_test(tt, cross_thread_stats_and_exit_flush);
	tcase_add_test(tt, concurrent_alloc_free_returns_to_baseline);
	suite_add_tcase(s, tt);
	return s;
}
