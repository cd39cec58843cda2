/*
 * test_atomic.c — libkern's OSAtomic operations: every function returns the
 * value memory held before the operation; compare-and-swap reports whether
 * it stored; OSTestAndSet/OSTestAndClear number bits from the most
 * significant bit of the first byte and report the old state; narrow
 * operations wrap at their width and leave neighbouring bytes alone.
 * Concurrency: kernel threads hammer shared counters and bit masks and the
 * totals must be exact; an OSSpinLock must give mutual exclusion.
 */
#include "tests/ktest.h"
#include <libkern/OSAtomic.h>
#include <kern/thread.h>
#include "host/khost.h"

#define NTHREADS 4
#define NITER 100000
#define WAIT_LIMIT_NS (20ull * 1000 * 1000 * 1000)

START_TEST(add_returns_original)
{
	volatile SInt32 v32 = 10;
	volatile SInt64 v64 = 1LL << 40;
	volatile long vl = -3;

	ck_assert_int_eq(OSAddAtomic(5, &v32), 10);
	ck_assert_int_eq(v32, 15);
	ck_assert_int_eq(OSAddAtomic(-20, &v32), 15);
	ck_assert_int_eq(v32, -5);
	ck_assert_int_eq(OSIncrementAtomic(&v32), -5);
	ck_assert_int_eq(OSDecrementAtomic(&v32), -4);
	ck_assert_int_eq(v32, -5);
	ck_assert_int_eq(OSAddAtomic64(1, &v64), 1LL << 40);
	ck_assert_int_eq(OSIncrementAtomic64(&v64), (1LL << 40) + 1);
	ck_assert_int_eq(OSDecrementAtomic64(&v64), (1LL << 40) + 2);
	ck_assert_int_eq(v64, (1LL << 40) + 1);
	ck_assert_int_eq(OSAddAtomicLong(10, &vl), -3);
	ck_assert_int_eq(OSIncrementAtomicLong(&vl), 7);
	ck_assert_int_eq(OSDecrementAtomicLong(&vl), 8);
	ck_assert_int_eq(vl, 7);
}
END_TEST

START_TEST(narrow_widths_wrap_and_stay_in_place)
{
	/* A narrow operation must touch only its own bytes. */
	union {
		UInt64 all;
		SInt8 b[8];
		SInt16 h[4];
	} u = {.all = 0};

	u.b[1] = 127;
	ck_assert_int_eq(OSAddAtomic8(1, &u.b[1]), 127);
	ck_assert_int_eq(u.b[1], -128);
	ck_assert_int_eq(OSIncrementAtomic8(&u.b[1]), -128);
	ck_assert_int_eq(OSDecrementAtomic8(&u.b[1]), -127);
	ck_assert_int_eq(u.b[0], 0);
	ck_assert_int_eq(u.b[2], 0);

	u.all = 0;
	u.h[2] = 32767;
	ck_assert_int_eq(OSAddAtomic16(1, &u.h[2]), 32767);
	ck_assert_int_eq(u.h[2], -32768);
	ck_assert_int_eq(OSIncrementAtomic16(&u.h[2]), -32768);
	ck_assert_int_eq(OSDecrementAtomic16(&u.h[2]), -32767);
	ck_assert_int_eq(u.h[1], 0);
	ck_assert_int_eq(u.h[3], 0);
}
END_TEST

START_TEST(bit_operations_return_original)
{
	volatile UInt32 v = 0xf0f0;
	volatile UInt16 v16 = 0x00ff;
	volatile UInt8 v8 = 0x0f;

	ck_assert_uint_eq(OSBitOrAtomic(0x000f, &v), 0xf0f0);
	ck_assert_uint_eq(v, 0xf0ff);
	ck_assert_uint_eq(OSBitAndAtomic(0x0ff0, &v), 0xf0ff);
	ck_assert_uint_eq(v, 0x00f0);
	ck_assert_uint_eq(OSBitXorAtomic(0x0ff0, &v), 0x00f0);
	ck_assert_uint_eq(v, 0x0f00);

	ck_assert_uint_eq(OSBitOrAtomic16(0xff00, &v16), 0x00ff);
	ck_assert_uint_eq(OSBitAndAtomic16(0x0ff0, &v16), 0xffff);
	ck_assert_uint_eq(OSBitXorAtomic16(0xffff, &v16), 0x0ff0);
	ck_assert_uint_eq(v16, 0xf00f);

	ck_assert_uint_eq(OSBitOrAtomic8(0xf0, &v8), 0x0f);
	ck_assert_uint_eq(OSBitAndAtomic8(0x3c, &v8), 0xff);
	ck_assert_uint_eq(OSBitXorAtomic8(0x0f, &v8), 0x3c);
	ck_assert_uint_eq(v8, 0x33);
}
END_TEST

START_TEST(compare_and_swap)
{
	volatile UInt32 v = 5;
	volatile UInt64 v64 = 1ULL << 50;
	volatile UInt8 v8 = 200;
	volatile UInt16 v16 = 60000;
	volatile long vl = -1;
	int x, y;
	void *volatile p = &x;

	ck_assert(OSCompareAndSwap(5, 6, &v));
	ck_assert_uint_eq(v, 6);
	ck_assert(!OSCompareAndSwap(5, 7, &v));
	ck_assert_uint_eq(v, 6);
	ck_assert(OSCompareAndSwap64(1ULL << 50, 3, &v64));
	ck_assert(!OSCompareAndSwap64(1ULL << 50, 4, &v64));
	ck_assert_uint_eq(v64, 3);
	ck_assert(OSCompareAndSwap8(200, 201, &v8));
	ck_assert(!OSCompareAndSwap8(200, 202, &v8));
	ck_assert_uint_eq(v8, 201);
	ck_assert(OSCompareAndSwap16(60000, 1, &v16));
	ck_assert_uint_eq(v16, 1);
	ck_assert(OSCompareAndSwapLong(-1, 9, &vl));
	ck_assert_int_eq(vl, 9);
	ck_assert(OSCompareAndSwapPtr(&x, &y, &p));
	ck_assert_ptr_eq(p, &y);
	ck_assert(!OSCompareAndSwapPtr(&x, NULL, &p));
	ck_assert_ptr_eq(p, &y);
}
END_TEST

START_TEST(test_and_set_bit_numbering)
{
	volatile UInt8 bytes[3] = {0, 0, 0};

	/* bit 0 is the most significant bit of the first byte */
	ck_assert(!OSTestAndSet(0, bytes));
	ck_assert_uint_eq(bytes[0], 0x80);
	ck_assert(OSTestAndSet(0, bytes)); /* already set */
	ck_assert_uint_eq(bytes[0], 0x80);
	ck_assert(!OSTestAndSet(7, bytes));
	ck_assert_uint_eq(bytes[0], 0x81);
	ck_assert(!OSTestAndSet(9, bytes));
	ck_assert_uint_eq(bytes[1], 0x40);
	ck_assert(!OSTestAndSet(23, bytes));
	ck_assert_uint_eq(bytes[2], 0x01);

	/* OSTestAndClear: true when the bit was already clear */
	ck_assert(!OSTestAndClear(0, bytes));
	ck_assert_uint_eq(bytes[0], 0x01);
	ck_assert(OSTestAndClear(0, bytes));
	ck_assert_uint_eq(bytes[0], 0x01);
	ck_assert(!OSTestAndClear(9, bytes));
	ck_assert_uint_eq(bytes[1], 0);
}
END_TEST

START_TEST(spinlock_try)
{
	volatile OSSpinLock l = 0;

	ck_assert(OSSpinLockTry(&l));
	ck_assert(!OSSpinLockTry(&l));
	OSSpinLockUnlock(&l);
	ck_assert_int_eq(l, 0);
	ck_assert(OSSpinLockTry(&l));
	OSSynchronizeIO();
	OSMemoryBarrier();
}
END_TEST

/* ---- concurrency ------------------------------------------------------------ */

static struct {
	volatile SInt32 c32;
	volatile SInt64 c64;
	volatile SInt16 c16;
	volatile UInt32 bits;
	volatile UInt8 tas[NTHREADS * 8 / 8 + 1];
	volatile OSSpinLock lock;
	uint64_t plain; /* only changed under `lock` */
	uint32_t done;
	uint32_t tas_wins;
} shared;

static void
hammer(void *arg, wait_result_t wr)
{
	long id = (long)arg;

	(void)wr;
	for (int i = 0; i < NITER; i++) {
		OSIncrementAtomic(&shared.c32);
		OSAddAtomic64(3, &shared.c64);
		OSIncrementAtomic16(&shared.c16);
		while (!OSSpinLockTry(&shared.lock)) {
			khost_thread_yield();
		}
		shared.plain++;
		OSSpinLockUnlock(&shared.lock);
	}
	OSBitOrAtomic(1u << id, &shared.bits);
	/* every thread races for the same bits: each bit must be won exactly once */
	for (UInt32 bit = 0; bit < 8; bit++) {
		if (!OSTestAndSet(bit, shared.tas)) {
			__atomic_fetch_add(&shared.tas_wins, 1, __ATOMIC_RELAXED);
		}
	}
	__atomic_fetch_add(&shared.done, 1, __ATOMIC_RELEASE);
}

START_TEST(concurrent_counters_are_exact)
{
	memset((void *)&shared, 0, sizeof(shared));
	for (long i = 0; i < NTHREADS; i++) {
		thread_t th;
		ck_assert_int_eq(kernel_thread_start(hammer, (void *)i, &th), KERN_SUCCESS);
		thread_deallocate(th);
	}
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	while (__atomic_load_n(&shared.done, __ATOMIC_ACQUIRE) < NTHREADS && khost_uptime_ns() < end) {
		khost_thread_yield();
	}
	ck_assert_uint_eq(__atomic_load_n(&shared.done, __ATOMIC_ACQUIRE), NTHREADS);
	ck_assert_int_eq(shared.c32, NTHREADS * NITER);
	ck_assert_int_eq(shared.c64, 3LL * NTHREADS * NITER);
	ck_assert_int_eq(shared.c16, (SInt16)(NTHREADS * NITER));
	ck_assert_uint_eq(shared.plain, (uint64_t)NTHREADS * NITER);
	ck_assert_uint_eq(shared.bits, (1u << NTHREADS) - 1);
	ck_assert_uint_eq(shared.tas[0], 0xff);
	ck_assert_uint_eq(shared.tas_wins, 8);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("libkern_atomic");
	TCase *tc = ktest_tcase("atomic");

	tcase_add_test(tc, add_returns_original);
	tcase_add_test(tc, narrow_widths_wrap_and_stay_in_place);
	tcase_add_test(tc, bit_operations_return_original);
	tcase_add_test(tc, compare_and_swap);
	tcase_add_test(tc, test_and_set_bit_numbering);
	tcase_add_test(tc, spinlock_try);
	suite_add_tcase(s, tc);

	TCase *tcc = ktest_tcase("concurrency");
	tcase_add_test(tcc, concurrent_counters_are_exact);
	suite_add_tcase(s, tcc);
	return s;
}
