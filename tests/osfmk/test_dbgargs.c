/*
 * test_dbgargs.c — the debug boot-args and the checkers behind them. Each
 * test boots its own kernel with the boot-args it needs:
 *  - keepsyms=1, io=0x... (gIOKitDebug, the debug.iokit sysctl, the
 *    IOKitDebug root property), -x (kern.safeboot), and each checker off
 *    without its boot-arg;
 *  - lockorder=1: a reversal (mutex, rw lock, spin lock, IOLock) is
 *    reported with both acquisition backtraces, before any deadlock; a
 *    consistent order, try-locks and a destroyed lock's reused address are
 *    not reported; a cycle through three locks is reported with each
 *    earlier order of the path, and panics with lockorder=2;
 *  - -zp: a write after free is detected at the next allocation of the
 *    element (kalloc and OSMalloc), with the free's backtrace; a double
 *    kfree is reported with both frees and dropped; -no-zp wins;
 *  - watchdog=1: a kernel thread blocked on a mutex, and one in msleep,
 *    past the bound are reported with what they wait on and a backtrace;
 *    so is code a thread call or a work loop runs, while the daemons'
 *    own waits for work are not.
 */
#include "tests/ktest.h"
#include <string.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include <libkern/OSMalloc.h>
#include <IOKit/IOLocks.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOKitDebug.h>
#include <IOKit/IOService.h>
#include <IOKit/IOWorkLoop.h>
#include <IOKit/IOInterruptEventSource.h>
#include <kern/thread_call.h>
#include <sys/sysctl.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/debug_internal.h"
#include "osfmk/kern/lock_order.h"
#include "osfmk/kern/locks_internal.h"
#include "osfmk/kern/watchdog.h"
#include "osfmk/kern/zalloc_internal.h"
#include "bsd/kern/subr_log.h"
#include "iokit/Kernel/IOKitCore.h"

#define WAIT_LIMIT_NS (20ull * 1000 * 1000 * 1000)

static void
boot(const char *args)
{
	struct kernel_boot_params p = {.boot_args = args, .flags = KERNEL_BOOT_NO_SELFCHECK};

	ck_assert_int_eq(kernel_bootstrap(&p), 0);
}

struct find_ctx {
	const char *needle;
	int found;
};

static void
find_fn(const struct msgbuf_record *r, const char *text, void *ctx)
{
	struct find_ctx *fc = ctx;
	char line[LOG_LINE_MAX + 1];

	memcpy(line, text, r->text_len);
	line[r->text_len] = '\0';
	if (strstr(line, fc->needle) != NULL) {
		fc->found++;
	}
}

static int
log_has(const char *needle)
{
	struct find_ctx fc = {.needle = needle};

	log_flush_line();
	log_iterate(find_fn, &fc);
	return fc.found;
}

/* ---- boot-args ---------------------------------------------------------------------- */

START_TEST(keepsyms_parsed)
{
	boot("keepsyms=1");
	ck_assert_int_eq(keepsyms, 1);
	kernel_shutdown();
}
END_TEST

START_TEST(defaults_are_off)
{
	int safe = -1;
	size_t len = sizeof(safe);

	boot("");
	ck_assert_int_eq(keepsyms, 0);
	ck_assert_int_eq(lck_order_on, 0);
	ck_assert_int_eq(zone_poison_on, 0);
	ck_assert_int_eq(watchdog_on, 0);
	ck_assert(gIOKitDebug == 0);
	ck_assert_int_eq(kernel_sysctlbyname("kern.safeboot", &safe, &len, NULL, 0), 0);
	ck_assert_int_eq(safe, 0);
	kernel_shutdown();
}
END_TEST

START_TEST(io_flags)
{
	long long v = 0;
	size_t len = sizeof(v);
	OSNumber *n;

	boot("io=0x205");
	ck_assert(gIOKitDebug == (kIOLogAttach | kIOLogStart | kIOLogCatalogue));
	ck_assert_int_eq(kernel_sysctlbyname("debug.iokit", &v, &len, NULL, 0), 0);
	ck_assert_int_eq(v, 0x205);
	n = OSDynamicCast(OSNumber, IORegistryEntry_getProperty(gIORegistryRoot, gIOKitDebugKey));
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(OSNumber_unsigned64BitValue(n), 0x205);
	/* Writing the sysctl changes the flags and the property. */
	v = kIOLogProbe;
	ck_assert_int_eq(kernel_sysctlbyname("debug.iokit", NULL, NULL, &v, sizeof(v)), 0);
	ck_assert(gIOKitDebug == kIOLogProbe);
	n = OSDynamicCast(OSNumber, IORegistryEntry_getProperty(gIORegistryRoot, gIOKitDebugKey));
	ck_assert_uint_eq(OSNumber_unsigned64BitValue(n), kIOLogProbe);
	kernel_shutdown();
}
END_TEST

START_TEST(io_logs_attach)
{
	/* Boot itself attaches the platform's nubs: kIOLogAttach and kIOLogRegister log them, as XNU does. */
	boot("io=0x9");
	ck_assert_int_ge(log_has("IOResources::attach("), 1);
	ck_assert_int_ge(log_has("Registering: IOService:/"), 1);
	ck_assert_int_eq(log_has("::probe("), 0);
	kernel_shutdown();
}
END_TEST

START_TEST(safe_boot_sysctl)
{
	int safe = 0;
	size_t len = sizeof(safe);

	boot("-x");
	ck_assert_int_eq(kernel_sysctlbyname("kern.safeboot", &safe, &len, NULL, 0), 0);
	ck_assert_int_eq(safe, 1);
	kernel_shutdown();
}
END_TEST

/* ---- lock order --------------------------------------------------------------------- */

static lck_grp_t *grp_a, *grp_b;

static void
lo_boot(void)
{
	ktest_boot_args = "lockorder=1";
	ktest_boot();
	grp_a = lck_grp_alloc_init("test.a", LCK_GRP_ATTR_NULL);
	grp_b = lck_grp_alloc_init("test.b", LCK_GRP_ATTR_NULL);
}

static void
lo_shutdown(void)
{
	lck_grp_free(grp_a);
	lck_grp_free(grp_b);
	ktest_shutdown();
}

/* Distinct functions, so each acquisition has its own frame in the report. */
static __attribute__((noinline)) void
take_a_then_b(lck_mtx_t *a, lck_mtx_t *b)
{
	lck_mtx_lock(a);
	lck_mtx_lock(b);
	lck_mtx_unlock(b);
	lck_mtx_unlock(a);
}

static __attribute__((noinline)) void
take_b_then_a(lck_mtx_t *a, lck_mtx_t *b)
{
	lck_mtx_lock(b);
	lck_mtx_lock(a);
	lck_mtx_unlock(a);
	lck_mtx_unlock(b);
}

START_TEST(mutex_reversal_reported)
{
	lck_mtx_t *a = lck_mtx_alloc_init(grp_a, LCK_ATTR_NULL);
	lck_mtx_t *b = lck_mtx_alloc_init(grp_b, LCK_ATTR_NULL);
	char want[64];

	ck_assert_int_eq(lck_order_on, 1);
	take_a_then_b(a, b);
	take_a_then_b(a, b);
	ck_assert_uint_eq(lck_order_reversal_count(), 0);
	/* One thread never deadlocks with itself: the reversal is found before any second thread. */
	take_b_then_a(a, b);
	ck_assert_uint_eq(lck_order_reversal_count(), 1);
	ck_assert_int_eq(log_has("lock order reversal:"), 1);
	snprintf(want, sizeof(want), " 1st %p (mutex, group \"test.b\")", b);
	ck_assert_int_eq(log_has(want), 1);
	snprintf(want, sizeof(want), " 2nd %p (mutex, group \"test.a\")", a);
	ck_assert_int_eq(log_has(want), 1);
	/* Both acquisitions now, and both of the earlier opposite order, with frames. */
	ck_assert_int_eq(log_has("the opposite order (2nd, then 1st) was established at:"), 1);
	ck_assert_int_eq(log_has(" taken at:"), 4);
	ck_assert_int_ge(log_has("  #0 0x"), 4);
	/* Once per pair. */
	take_b_then_a(a, b);
	ck_assert_uint_eq(lck_order_reversal_count(), 1);
	lck_mtx_free(a, grp_a);
	lck_mtx_free(b, grp_b);
}
END_TEST

START_TEST(consistent_order_not_reported)
{
	lck_mtx_t *a = lck_mtx_alloc_init(grp_a, LCK_ATTR_NULL);
	lck_rw_t *b = lck_rw_alloc_init(grp_b, LCK_ATTR_NULL);
	lck_spin_t *c = lck_spin_alloc_init(grp_b, LCK_ATTR_NULL);

	for (int i = 0; i < 3; i++) {
		lck_mtx_lock(a);
		lck_rw_lock_shared(b);
		lck_spin_lock(c);
		lck_spin_unlock(c);
		lck_rw_unlock_shared(b);
		lck_mtx_unlock(a);
		/* Out-of-order release is fine. */
		lck_mtx_lock(a);
		lck_rw_lock_exclusive(b);
		lck_mtx_unlock(a);
		lck_rw_unlock_exclusive(b);
	}
	/* A try-lock in the opposite order cannot deadlock: not reported, and it teaches nothing. */
	lck_rw_lock_exclusive(b);
	ck_assert(lck_mtx_try_lock(a));
	lck_mtx_unlock(a);
	lck_rw_unlock_exclusive(b);
	ck_assert_uint_eq(lck_order_reversal_count(), 0);
	ck_assert_int_eq(log_has("lock order reversal"), 0);
	lck_spin_free(c, grp_b);
	lck_rw_free(b, grp_b);
	lck_mtx_free(a, grp_a);
}
END_TEST

START_TEST(rw_and_spin_reversal)
{
	lck_rw_t *r = lck_rw_alloc_init(grp_a, LCK_ATTR_NULL);
	lck_spin_t *s = lck_spin_alloc_init(grp_b, LCK_ATTR_NULL);

	lck_rw_lock_shared(r);
	lck_spin_lock(s);
	lck_spin_unlock(s);
	lck_rw_unlock_shared(r);
	lck_spin_lock(s);
	lck_rw_lock_exclusive(r);
	lck_rw_unlock_exclusive(r);
	lck_spin_unlock(s);
	ck_assert_uint_eq(lck_order_reversal_count(), 1);
	ck_assert_int_eq(log_has("(spin lock, group \"test.b\")"), 1);
	ck_assert_int_eq(log_has("(rw lock, group \"test.a\")"), 1);
	lck_spin_free(s, grp_b);
	lck_rw_free(r, grp_a);
}
END_TEST

START_TEST(iolock_reversal)
{
	IOLock *a = IOLockAlloc(), *b = IOLockAlloc();

	IOLockLock(a);
	IOLockLock(b);
	IOLockUnlock(b);
	IOLockUnlock(a);
	IOLockLock(b);
	IOLockLock(a);
	IOLockUnlock(a);
	IOLockUnlock(b);
	ck_assert_uint_eq(lck_order_reversal_count(), 1);
	ck_assert_int_eq(log_has("(mutex, group \"IOKit\")"), 2);
	IOLockFree(a);
	IOLockFree(b);
}
END_TEST

START_TEST(destroyed_lock_forgotten)
{
	lck_mtx_t a, b;

	/* The same addresses reused for new locks start with no history. */
	lck_mtx_init(&a, grp_a, LCK_ATTR_NULL);
	lck_mtx_init(&b, grp_b, LCK_ATTR_NULL);
	take_a_then_b(&a, &b);
	lck_mtx_destroy(&a, grp_a);
	lck_mtx_destroy(&b, grp_b);
	lck_mtx_init(&a, grp_a, LCK_ATTR_NULL);
	lck_mtx_init(&b, grp_b, LCK_ATTR_NULL);
	take_b_then_a(&a, &b);
	ck_assert_uint_eq(lck_order_reversal_count(), 0);
	lck_mtx_destroy(&a, grp_a);
	lck_mtx_destroy(&b, grp_b);
}
END_TEST

/* A -> B, B -> C, then C -> A: no pair is reversed, but three threads could deadlock. */
START_TEST(three_lock_cycle_reported)
{
	lck_mtx_t *a = lck_mtx_alloc_init(grp_a, LCK_ATTR_NULL);
	lck_mtx_t *b = lck_mtx_alloc_init(grp_b, LCK_ATTR_NULL);
	lck_mtx_t *c = lck_mtx_alloc_init(grp_b, LCK_ATTR_NULL);
	lck_mtx_t *d = lck_mtx_alloc_init(grp_b, LCK_ATTR_NULL);
	char want[128];

	take_a_then_b(a, b);
	take_a_then_b(b, c);
	/* A diamond is no cycle: D -> B -> C and D -> C, and D -> A. */
	take_a_then_b(d, b);
	take_a_then_b(d, c);
	take_a_then_b(d, a);
	ck_assert_uint_eq(lck_order_reversal_count(), 0);
	take_a_then_b(c, a);
	ck_assert_uint_eq(lck_order_reversal_count(), 1);
	ck_assert_int_eq(log_has("lock order reversal (a cycle of 3 locks):"), 1);
	snprintf(want, sizeof(want), " 1st %p (mutex, group \"test.b\")", c);
	ck_assert_int_eq(log_has(want), 1);
	ck_assert_int_eq(log_has("the opposite order (2nd, then 1st) goes through 2 earlier orders:"), 1);
	snprintf(want, sizeof(want),
	         " order 1: %p (mutex, group \"test.a\") then %p (mutex, group \"test.b\")", a, b);
	ck_assert_int_eq(log_has(want), 1);
	snprintf(want, sizeof(want),
	         " order 2: %p (mutex, group \"test.b\") then %p (mutex, group \"test.b\")", b, c);
	ck_assert_int_eq(log_has(want), 1);
	/* 2 for the acquisitions now, 2 for each earlier order. */
	ck_assert_int_eq(log_has(" taken at:"), 6);
	/* The new order is learnt: taking it again reports nothing more. */
	take_a_then_b(c, a);
	ck_assert_uint_eq(lck_order_reversal_count(), 1);
	lck_mtx_free(d, grp_b);
	lck_mtx_free(c, grp_b);
	lck_mtx_free(b, grp_b);
	lck_mtx_free(a, grp_a);
}
END_TEST

START_TEST(cycle_panics_with_lockorder_2)
{
	lck_mtx_t *a, *b, *c;

	boot("lockorder=2");
	a = lck_mtx_alloc_init(NULL, LCK_ATTR_NULL);
	b = lck_mtx_alloc_init(NULL, LCK_ATTR_NULL);
	c = lck_mtx_alloc_init(NULL, LCK_ATTR_NULL);
	take_a_then_b(a, b);
	take_a_then_b(b, c);
	take_a_then_b(c, a); /* panics: exit status 70 */
}
END_TEST

START_TEST(reversal_panics_with_lockorder_2)
{
	lck_mtx_t *a, *b;

	boot("lockorder=2");
	a = lck_mtx_alloc_init(NULL, LCK_ATTR_NULL);
	b = lck_mtx_alloc_init(NULL, LCK_ATTR_NULL);
	take_a_then_b(a, b);
	take_b_then_a(a, b); /* panics: exit status 70 */
}
END_TEST

/* ---- zone poisoning ------------------------------------------------------------------- */

static __attribute__((noinline)) void
free_it(void *p, vm_size_t size)
{
	kfree(p, size);
}

START_TEST(use_after_free_detected)
{
	uint64_t uaf = 0, dbl = 0;
	char want[96];
	char *p, *q;
	int tries = 0;

	boot("-zp");
	ck_assert_int_eq(zone_poison_on, 1);
	p = kalloc(64);
	memset(p, 0x11, 64);
	free_it(p, 64);
	p[20] = 0x42; /* the bug */
	/* The element comes back (LIFO per-thread cache); allocate until it does. */
	do {
		q = kalloc(64);
	} while (q != p && ++tries < 1000);
	ck_assert_ptr_eq(q, p);
	zone_poison_counts(&uaf, &dbl);
	ck_assert_uint_eq(uaf, 1);
	ck_assert_uint_eq(dbl, 0);
	snprintf(want, sizeof(want), "a freed zone element has been modified in zone kalloc.64");
	ck_assert_int_eq(log_has(want), 1);
	snprintf(want, sizeof(want), "at offset 16 of 64 in element %p", p);
	ck_assert_int_eq(log_has(want), 1);
	ck_assert_int_eq(log_has("freed at:"), 1);
	ck_assert_int_eq(log_has("allocated again at:"), 1);
	kfree(q, 64);
	kernel_shutdown();
}
END_TEST

START_TEST(intact_poison_not_reported)
{
	uint64_t uaf = 1, dbl = 1;
	void *v[64];

	boot("-zp");
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 64; i++) {
			v[i] = kalloc(32 + i * 8);
			memset(v[i], 0x5a, 32 + i * 8);
		}
		for (int i = 0; i < 64; i++) {
			kfree(v[i], 32 + i * 8);
		}
	}
	zone_poison_counts(&uaf, &dbl);
	ck_assert_uint_eq(uaf, 0);
	ck_assert_uint_eq(dbl, 0);
	kernel_shutdown();
}
END_TEST

START_TEST(double_free_detected)
{
	uint64_t uaf = 0, dbl = 0;
	char want[96];
	void *p, *q, *r;

	boot("-zp");
	p = kalloc(128);
	free_it(p, 128);
	kfree(p, 128); /* the bug: reported and dropped */
	zone_poison_counts(&uaf, &dbl);
	ck_assert_uint_eq(dbl, 1);
	snprintf(want, sizeof(want), "double free of element %p (zone kalloc.128", p);
	ck_assert_int_eq(log_has(want), 1);
	ck_assert_int_eq(log_has("first freed at:"), 1);
	ck_assert_int_eq(log_has("freed again at:"), 1);
	/* The free list stayed sound: the element is handed out once, not twice. */
	q = kalloc(128);
	r = kalloc(128);
	ck_assert_ptr_ne(q, r);
	kfree(q, 128);
	kfree(r, 128);
	kernel_shutdown();
}
END_TEST

START_TEST(osmalloc_use_after_free)
{
	uint64_t uaf = 0, dbl = 0;
	OSMallocTag tag;
	char *p, *q;
	int tries = 0;

	boot("-zc");
	tag = OSMalloc_Tagalloc("com.example.test", OSMT_DEFAULT);
	p = OSMalloc(48, tag);
	OSFree(p, 48, tag);
	p[40] = 1; /* the bug */
	do {
		q = OSMalloc(48, tag);
		if (q != p) {
			OSFree(q, 48, tag);
		}
	} while (q != p && ++tries < 1000);
	ck_assert_ptr_eq(q, p);
	zone_poison_counts(&uaf, &dbl);
	ck_assert_uint_eq(uaf, 1);
	ck_assert_int_eq(log_has("at offset 40 of 48 in element"), 1);
	OSFree(q, 48, tag);
	OSMalloc_Tagfree(tag);
	kernel_shutdown();
}
END_TEST

START_TEST(no_zp_wins)
{
	boot("-zp -no-zp");
	ck_assert_int_eq(zone_poison_on, 0);
	kernel_shutdown();
}
END_TEST

/* ---- watchdog ------------------------------------------------------------------------ */

struct wd_test {
	lck_mtx_t *mtx;
	int started;
	int done;
};

static void
wd_mutex_thread(void *arg, wait_result_t wr)
{
	struct wd_test *t = arg;

	__atomic_store_n(&t->started, 1, __ATOMIC_RELEASE);
	lck_mtx_lock(t->mtx); /* blocks: the test holds it */
	lck_mtx_unlock(t->mtx);
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
}

static void
wd_sleep_thread(void *arg, wait_result_t wr)
{
	struct wd_test *t = arg;

	lck_mtx_lock(t->mtx);
	__atomic_store_n(&t->started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
		(void)msleep(&t->done, t->mtx, PZERO, "wd_test_wait", NULL);
	}
	lck_mtx_unlock(t->mtx);
	__atomic_store_n(&t->started, 2, __ATOMIC_RELEASE);
}

static void
wait_reports(uint64_t want)
{
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;

	while (watchdog_report_count() < want && khost_uptime_ns() < end) {
		IOSleep(20);
	}
	ck_assert_uint_ge(watchdog_report_count(), want);
}

/* Wait (bounded) until the log has the line: under load another wait may be reported first. */
static int
wait_log(const char *needle)
{
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;

	while (log_has(needle) == 0 && khost_uptime_ns() < end) {
		IOSleep(20);
	}
	return log_has(needle);
}

START_TEST(watchdog_reports_mutex_wait)
{
	static struct wd_test t;
	char want[128];
	thread_t th;

	boot("watchdog=1");
	ck_assert_int_eq(watchdog_on, 1);
	t.mtx = lck_mtx_alloc_init(NULL, LCK_ATTR_NULL);
	lck_mtx_lock(t.mtx);
	ck_assert_int_eq(kernel_thread_start(wd_mutex_thread, &t, &th), KERN_SUCCESS);
	wait_reports(1);
	snprintf(want, sizeof(want), "s for mutex %p (group \"kernel\"), held by thread %p", t.mtx,
	         current_thread());
	ck_assert_int_eq(wait_log(want), 1);
	ck_assert_int_ge(log_has("  backtrace when it blocked:"), 1);
	lck_mtx_unlock(t.mtx);
	while (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE)) {
		IOSleep(1);
	}
	thread_deallocate(th);
	kernel_shutdown();
}
END_TEST

START_TEST(watchdog_reports_msleep)
{
	static struct wd_test t;
	thread_t th;

	boot("watchdog=1");
	t.mtx = lck_mtx_alloc_init(NULL, LCK_ATTR_NULL);
	ck_assert_int_eq(kernel_thread_start(wd_sleep_thread, &t, &th), KERN_SUCCESS);
	wait_reports(1);
	ck_assert_int_eq(wait_log("in msleep \"wd_test_wait\""), 1);
	/* Idle kernel daemons (thread_call, request workers, ...) are not reported. */
	ck_assert_int_eq(log_has("kreq_idle"), 0);
	lck_mtx_lock(t.mtx);
	__atomic_store_n(&t.done, 1, __ATOMIC_RELEASE);
	thread_wakeup(&t.done);
	lck_mtx_unlock(t.mtx);
	while (__atomic_load_n(&t.started, __ATOMIC_ACQUIRE) != 2) {
		IOSleep(1);
	}
	thread_deallocate(th);
	kernel_shutdown();
}
END_TEST

/* Kext code the kernel's daemons run: a thread call and a work loop's event source action. */
static struct wd_test wd_daemon;

static void
wd_daemon_sleep(const char *wmesg)
{
	lck_mtx_lock(wd_daemon.mtx);
	while (!__atomic_load_n(&wd_daemon.done, __ATOMIC_ACQUIRE))
		(void)msleep(&wd_daemon.done, wd_daemon.mtx, PZERO, wmesg, NULL);
	lck_mtx_unlock(wd_daemon.mtx);
	__atomic_add_fetch(&wd_daemon.started, 1, __ATOMIC_RELEASE);
}

static void
wd_call_func(thread_call_param_t p0, thread_call_param_t p1)
{
	wd_daemon_sleep("wd_in_thread_call");
}

static void
wd_source_action(OSObject *owner, IOInterruptEventSource *sender, int count)
{
	wd_daemon_sleep("wd_in_work_loop");
}

/* Their waits for work are idle; what the kext code they run does while it blocks is watched. */
START_TEST(watchdog_sees_hangs_in_daemons)
{
	IOWorkLoop *wl;
	IOInterruptEventSource *src;
	thread_call_t call;

	boot("watchdog=1");
	wd_daemon.mtx = lck_mtx_alloc_init(NULL, LCK_ATTR_NULL);
	call = thread_call_allocate(wd_call_func, NULL);
	wl = IOWorkLoop_workLoop();
	src = IOInterruptEventSource_interruptEventSource(NULL, wd_source_action, NULL, 0);
	ck_assert_ptr_nonnull(call);
	ck_assert_ptr_nonnull(wl);
	ck_assert_ptr_nonnull(src);
	ck_assert_int_eq(IOWorkLoop_addEventSource(wl, src), kIOReturnSuccess);
	IOSleep(1500); /* idle daemons past the bound: nothing to report */
	ck_assert_int_eq(log_has(" in msleep "), 0);
	(void)thread_call_enter(call);
	IOInterruptEventSource_interruptOccurred(src, NULL, NULL, 0);
	ck_assert_int_eq(wait_log("in msleep \"wd_in_thread_call\""), 1);
	ck_assert_int_eq(wait_log("in msleep \"wd_in_work_loop\""), 1);
	lck_mtx_lock(wd_daemon.mtx);
	__atomic_store_n(&wd_daemon.done, 1, __ATOMIC_RELEASE);
	thread_wakeup(&wd_daemon.done);
	lck_mtx_unlock(wd_daemon.mtx);
	while (__atomic_load_n(&wd_daemon.started, __ATOMIC_ACQUIRE) != 2)
		IOSleep(1);
	(void)IOWorkLoop_removeEventSource(wl, src);
	OSSafeReleaseNULL(src);
	OSSafeReleaseNULL(wl);
	(void)thread_call_free(call);
	kernel_shutdown();
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("dbgargs");
	TCase *args = ktest_tcase_noboot("bootargs");
	TCase *lo = ktest_tcase_noboot("lock_order");
	TCase *zp = ktest_tcase_noboot("zone_poison");
	TCase *wd = ktest_tcase_noboot("watchdog");

	tcase_add_test(args, keepsyms_parsed);
	tcase_add_test(args, defaults_are_off);
	tcase_add_test(args, io_flags);
	tcase_add_test(args, io_logs_attach);
	tcase_add_test(args, safe_boot_sysctl);
	suite_add_tcase(s, args);

	tcase_add_checked_fixture(lo, lo_boot, lo_shutdown);
	tcase_add_test(lo, mutex_reversal_reported);
	tcase_add_test(lo, consistent_order_not_reported);
	tcase_add_test(lo, rw_and_spin_reversal);
	tcase_add_test(lo, iolock_reversal);
	tcase_add_test(lo, destroyed_lock_forgotten);
	tcase_add_test(lo, three_lock_cycle_reported);
	suite_add_tcase(s, lo);
	TCase *lop = ktest_tcase_noboot("lock_order_panic");
	tcase_add_exit_test(lop, reversal_panics_with_lockorder_2, 70);
	tcase_add_exit_test(lop, cycle_panics_with_lockorder_2, 70);
	suite_add_tcase(s, lop);

	tcase_add_test(zp, use_after_free_detected);
	tcase_add_test(zp, intact_poison_not_reported);
	tcase_add_test(zp, double_free_detected);
	tcase_add_test(zp, osmalloc_use_after_free);
	tcase_add_test(zp, no_zp_wins);
	suite_add_tcase(s, zp);

	tcase_add_test(wd, watchdog_reports_mutex_wait);
	tcase_add_test(wd, watchdog_reports_msleep);
	tcase_add_test(wd, watchdog_sees_hangs_in_daemons);
	suite_add_tcase(s, wd);
	return s;
}
