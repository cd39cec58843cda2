/*
 * test_iolocks.c — the I/O Kit locks and library: IOLock sleep/wakeup and
 * deadlines, recursive-lock depth (also across a sleep, which must release
 * every level), read/write and simple locks, IOMalloc's edge cases and
 * accounting, and the panics on misuse.
 */
#include "tests/ktest.h"
#include "tests/iokit/iotest.h"
#include <IOKit/IOLocks.h>
#include <IOKit/IOLib.h>
#include <kern/sched_prim.h>
#include "iokit/Kernel/IOLib_internal.h"

struct sleeper {
	IOLock *lock;
	IORecursiveLock *rlock;
	uint32_t flag;
	uint32_t asleep;
	uint32_t done;
	int result;
	uint32_t held_after; /* the lock was held again when Sleep returned */
	uint32_t depth_ok;
};

static void
iolock_sleeper(void *arg, wait_result_t wr)
{
	struct sleeper *s = arg;

	IOLockLock(s->lock);
	__atomic_store_n(&s->asleep, 1, __ATOMIC_RELEASE);
	while (!s->flag) {
		s->result = IOLockSleep(s->lock, &s->flag, THREAD_UNINT);
	}
	s->held_after = !IOLockTryLock(s->lock); /* we hold it: a try must fail */
	IOLockUnlock(s->lock);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}

START_TEST(iolock_sleep_wakeup)
{
	struct sleeper s = {.lock = IOLockAlloc()};

	ck_assert_ptr_nonnull(s.lock);
	iotest_start(iolock_sleeper, &s);
	ck_assert_uint_eq(iotest_wait_ge(&s.asleep, 1), 1);
	IOLockLock(s.lock); /* the sleeper released it */
	s.flag = 1;
	IOLockWakeup(s.lock, &s.flag, true);
	IOLockUnlock(s.lock);
	ck_assert_uint_eq(iotest_wait_ge(&s.done, 1), 1);
	ck_assert_int_eq(s.result, THREAD_AWAKENED);
	ck_assert_uint_eq(s.held_after, 1);
	IOLockFree(s.lock);
}
END_TEST

START_TEST(iolock_sleep_deadline_times_out)
{
	IOLock *l = IOLockAlloc();
	uint64_t deadline;
	int r;

	clock_interval_to_deadline(5, kMillisecondScale, &deadline);
	IOLockLock(l);
	r = IOLockSleepDeadline(l, &l, deadline, THREAD_UNINT);
	ck_assert_int_eq(r, THREAD_TIMED_OUT);
	ck_assert(mach_absolute_time() >= deadline);
	IOLockAssert(l, kIOLockAssertOwned);
	IOLockUnlock(l);
	IOLockAssert(l, kIOLockAssertNotOwned);
	ck_assert_ptr_eq(IOLockGetMachLock(l), (lck_mtx_t *)l);
	IOLockFree(l);
}
END_TEST

struct trier {
	IORecursiveLock *rlock;
	uint32_t got;
	uint32_t done;
};

static void
rlock_trier(void *arg, wait_result_t wr)
{
	struct trier *t = arg;

	t->got = IORecursiveLockTryLock(t->rlock) ? 1 : 0;
	if (t->got) {
		IORecursiveLockUnlock(t->rlock);
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
}

static uint32_t
try_from_other_thread(IORecursiveLock *l)
{
	struct trier t = {.rlock = l};

	iotest_start(rlock_trier, &t);
	ck_assert_uint_eq(iotest_wait_ge(&t.done, 1), 1);
	return t.got;
}

START_TEST(recursive_lock_counts_depth)
{
	IORecursiveLock *l = IORecursiveLockAlloc();

	ck_assert_ptr_nonnull(l);
	ck_assert(!IORecursiveLockHaveLock(l));
	IORecursiveLockLock(l);
	IORecursiveLockLock(l);
	ck_assert(IORecursiveLockTryLock(l));
	ck_assert(IORecursiveLockHaveLock(l));
	ck_assert_uint_eq(try_from_other_thread(l), 0);
	IORecursiveLockUnlock(l);
	IORecursiveLockUnlock(l);
	ck_assert(IORecursiveLockHaveLock(l));
	ck_assert_uint_eq(try_from_other_thread(l), 0);
	IORecursiveLockUnlock(l);
	ck_assert(!IORecursiveLockHaveLock(l));
	ck_assert_uint_eq(try_from_other_thread(l), 1);
	IORecursiveLockFree(l);
}
END_TEST

static void
rlock_sleeper(void *arg, wait_result_t wr)
{
	struct sleeper *s = arg;

	IORecursiveLockLock(s->rlock);
	IORecursiveLockLock(s->rlock);
	IORecursiveLockLock(s->rlock);
	__atomic_store_n(&s->asleep, 1, __ATOMIC_RELEASE);
	while (!s->flag) {
		s->result = IORecursiveLockSleep(s->rlock, &s->flag, THREAD_UNINT);
	}
	/* Depth 3 restored: two unlocks keep it, the third releases it. */
	IORecursiveLockUnlock(s->rlock);
	IORecursiveLockUnlock(s->rlock);
	s->depth_ok = IORecursiveLockHaveLock(s->rlock) ? 1 : 0;
	IORecursiveLockUnlock(s->rlock);
	s->depth_ok &= IORecursiveLockHaveLock(s->rlock) ? 0 : 1;
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}

START_TEST(recursive_sleep_releases_and_restores_depth)
{
	struct sleeper s = {.rlock = IORecursiveLockAlloc()};

	iotest_start(rlock_sleeper, &s);
	ck_assert_uint_eq(iotest_wait_ge(&s.asleep, 1), 1);
	/* Fully released while asleep, though taken three times. */
	IORecursiveLockLock(s.rlock);
	s.flag = 1;
	IORecursiveLockWakeup(s.rlock, &s.flag, false);
	IORecursiveLockUnlock(s.rlock);
	ck_assert_uint_eq(iotest_wait_ge(&s.done, 1), 1);
	ck_assert_int_eq(s.result, THREAD_AWAKENED);
	ck_assert_uint_eq(s.depth_ok, 1);
	IORecursiveLockFree(s.rlock);
}
END_TEST

START_TEST(recursive_sleep_deadline_times_out_at_depth)
{
	IORecursiveLock *l = IORecursiveLockAlloc();
	uint64_t deadline;

	IORecursiveLockLock(l);
	IORecursiveLockLock(l);
	clock_interval_to_deadline(2, kMillisecondScale, &deadline);
	ck_assert_int_eq(IORecursiveLockSleepDeadline(l, &l, deadline, THREAD_UNINT), THREAD_TIMED_OUT);
	IORecursiveLockUnlock(l);
	ck_assert(IORecursiveLockHaveLock(l));
	IORecursiveLockUnlock(l);
	ck_assert(!IORecursiveLockHaveLock(l));
	IORecursiveLockFree(l);
}
END_TEST

START_TEST(recursive_unlock_not_held_panics)
{
	IORecursiveLock *l = IORecursiveLockAlloc();

	IORecursiveLockUnlock(l);
}
END_TEST

START_TEST(rwlock_readers_share_writer_excludes)
{
	IORWLock *l = IORWLockAlloc();

	ck_assert_ptr_nonnull(l);
	IORWLockRead(l);
	ck_assert(!IORWLockTryWrite(l));
	IORWLockUnlock(l);
	ck_assert(IORWLockTryWrite(l));
	IORWLockAssert(l, kIORWLockAssertWrite);
	ck_assert(!IORWLockTryRead(l));
	IORWLockUnlock(l);
	IORWLockWrite(l);
	IORWLockUnlock(l);
	ck_assert(IORWLockTryRead(l));
	IORWLockUnlock(l);
	IORWLockFree(l);
}
END_TEST

START_TEST(simple_lock_basics)
{
	IOSimpleLock *l = IOSimpleLockAlloc();
	IOInterruptState st;

	ck_assert_ptr_nonnull(l);
	IOSimpleLockLock(l);
	ck_assert(!IOSimpleLockTryLock(l));
	IOSimpleLockUnlock(l);
	ck_assert(IOSimpleLockTryLock(l));
	IOSimpleLockUnlock(l);
	st = IOSimpleLockLockDisableInterrupt(l);
	ck_assert(!st); /* not in interrupt context */
	IOSimpleLockUnlockEnableInterrupt(l, st);
	ck_assert_ptr_eq(IOSimpleLockGetMachLock(l), (lck_spin_t *)l);
	IOSimpleLockFree(l);
}
END_TEST

START_TEST(iomalloc_edges_and_accounting)
{
	int64_t base = iolib_malloc_bytes;
	unsigned char *p, *z;
	void *a;
	vm_offset_t al;

	ck_assert_ptr_null(IOMalloc(0));
	IOFree(NULL, 32); /* no effect */
	p = IOMalloc(100);
	z = IOMallocZero(300);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(z);
	for (int i = 0; i < 300; i++) {
		ck_assert_uint_eq(z[i], 0);
	}
	ck_assert_int_eq(iolib_malloc_bytes - base, 400);
	for (al = 1; al <= 8192; al <<= 1) {
		a = IOMallocAligned(1000, al);
		ck_assert_ptr_nonnull(a);
		ck_assert_uint_eq((uintptr_t)a & (al - 1), 0);
		memset(a, 0xa5, 1000);
		IOFreeAligned(a, 1000);
	}
	ck_assert_ptr_null(IOMallocAligned(64, 48)); /* not a power of two */
	ck_assert_ptr_null(IOMallocAligned(0, 16));
	ck_assert_ptr_null(IOMallocAligned(~(vm_size_t)0, 4096)); /* overflow */
	IOFree(p, 100);
	IOFree(z, 300);
	ck_assert_int_eq(iolib_malloc_bytes, base);
}
END_TEST

START_TEST(iofreealigned_wrong_size_panics)
{
	void *a = IOMallocAligned(256, 64);

	IOFreeAligned(a, 128);
}
END_TEST

START_TEST(delays_last_at_least_their_interval)
{
	uint64_t t0 = mach_absolute_time();

	IOSleep(3);
	ck_assert(mach_absolute_time() - t0 >= 3ull * 1000 * 1000);
	t0 = mach_absolute_time();
	IODelay(500);
	ck_assert(mach_absolute_time() - t0 >= 500ull * 1000);
	t0 = mach_absolute_time();
	IOPause(20000);
	ck_assert(mach_absolute_time() - t0 >= 20000);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iolocks");
	TCase *tc = ktest_tcase("locks");

	tcase_add_test(tc, iolock_sleep_wakeup);
	tcase_add_test(tc, iolock_sleep_deadline_times_out);
	tcase_add_test(tc, recursive_lock_counts_depth);
	tcase_add_test(tc, recursive_sleep_releases_and_restores_depth);
	tcase_add_test(tc, recursive_sleep_deadline_times_out_at_depth);
	tcase_add_exit_test(tc, recursive_unlock_not_held_panics, 70);
	tcase_add_test(tc, rwlock_readers_share_writer_excludes);
	tcase_add_test(tc, simple_lock_basics);
	tcase_add_test(tc, iomalloc_edges_and_accounting);
	tcase_add_exit_test(tc, iofreealigned_wrong_size_panics, 70);
	tcase_add_test(tc, delays_last_at_least_their_interval);
	suite_add_tcase(s, tc);
	return s;
}
