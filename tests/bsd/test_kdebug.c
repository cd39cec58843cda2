/*
 * test_kdebug.c — kdebug tracing in the kernel: the debug ID encoding and
 * the KDBG argument forms, set up / enable / read / disable through
 * kdbg_control and the kern.kdebug sysctl, ring wrap (newest events kept,
 * the loss counted and flagged), stop-when-full (oldest kept, tracing turned
 * off), the class/subclass type filter and KERN_KDSETREG, concurrent
 * writers against a live reader (every event read or counted lost), the
 * thread map (KERN_KDTHRMAP, KERN_KDREADCURTHRMAP) and the pid filter
 * (KERN_KDPIDTR, KERN_KDPIDEX).
 */
#include "tests/ktest.h"
#include <sys/errno.h>
#include <sys/kdebug.h>
#include <sys/sysctl.h>
#include <kern/thread.h>
#include <kern/kalloc.h>
#include <mach/mach_time.h>
#include <string.h>
#include "host/khost.h"
#include "bsd/kern/kdebug_internal.h"
#include "bsd/kern/kern_sysctl.h"

#define TEST_ID(code) BSDDBG_CODE(DBG_BSD_KDEBUG_TEST, code)

static int
op(int o, int value)
{
	int name[2] = {o, value};

	return kdbg_control(name, 2, NULL, NULL, NULL, 0, 1);
}

static int
setup(int nbufs)
{
	int err = op(KERN_KDSETBUF, nbufs);

	return err != 0 ? err : op(KERN_KDSETUP, 0);
}

/* Read everything into a kalloc'd array (*n records); free with kfree(p, *cap * sizeof(kd_buf)). */
static kd_buf *
read_all(size_t *n, size_t *cap)
{
	int name[1] = {KERN_KDREADTR};
	kd_buf *buf;
	size_t size;

	*cap = 1 << 16;
	buf = kalloc(*cap * sizeof(kd_buf));
	ck_assert_ptr_nonnull(buf);
	size = *cap * sizeof(kd_buf);
	ck_assert_int_eq(kdbg_control(name, 1, buf, &size, NULL, 0, 1), 0);
	ck_assert_int_eq(size % sizeof(kd_buf), 0);
	*n = size / sizeof(kd_buf);
	return buf;
}

static kbufinfo_t
getbuf(void)
{
	int name[1] = {KERN_KDGETBUF};
	kbufinfo_t info;
	size_t size = sizeof(info);

	ck_assert_int_eq(kdbg_control(name, 1, &info, &size, NULL, 0, 1), 0);
	ck_assert_uint_eq(size, sizeof(info));
	return info;
}

START_TEST(test_encoding)
{
	ck_assert_uint_eq(sizeof(kd_buf), 64);
	ck_assert_uint_eq(BSDDBG_CODE(DBG_BSD_EXCP_SC, 3), 0x040c000c);
	ck_assert_uint_eq(MACHDBG_CODE(DBG_MACH_EXCP_SC, 31) | DBG_FUNC_END, 0x010c007e);
	ck_assert_uint_eq(IOKDBG_CODE(DBG_IOSERVICE, 1), 0x05080004);
	ck_assert_uint_eq(IOKDBG_CODE(DBG_IOPOWER, 0), 0x05070000);
	ck_assert_uint_eq(KDBG_MIGCODE(425), 0xff0006a4);
	ck_assert_uint_eq(KDBG_CODE(DBG_MISC, 0x10, 0x3fff), 0x1410fffc);
	/* Out-of-range fields are masked, never spill into the neighbours. */
	ck_assert_uint_eq(KDBG_EVENTID(0x1ff, 0x1ff, 0x7fff), 0xfffffffc);
	ck_assert_uint_eq(KDBG_EXTRACT_CLASS(0x040c000d), DBG_BSD);
	ck_assert_uint_eq(KDBG_EXTRACT_SUBCLASS(0x040c000d), DBG_BSD_EXCP_SC);
	ck_assert_uint_eq(KDBG_EXTRACT_CODE(0x040c000d), 3);
	ck_assert_uint_eq(KDBG_EXTRACT_CSC(0x040c000d), 0x040c);
	ck_assert_uint_eq(KDBG_CLASS_DECODE(0x040c000d), 0x040c0000);
	ck_assert_uint_eq(0x040c000d & KDBG_FUNC_MASK, DBG_FUNC_START);
}
END_TEST

START_TEST(test_enable_needs_setup)
{
	size_t n, cap;
	kd_buf *b;

	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), EINVAL);
	ck_assert_uint_eq(kdebug_enable, 0);
	ck_assert_int_eq(op(KERN_KDSETBUF, -1), EINVAL);
	ck_assert_int_eq(op(KERN_KDSETBUF, KDBG_MAX_NKDBUFS + 1), EINVAL);
	ck_assert_int_eq(op(999, 0), EINVAL);
	/* Set up but not enabled: trace points record nothing. */
	ck_assert_int_eq(setup(1024), 0);
	ck_assert(getbuf().flags & KDBG_BUFINIT);
	ck_assert_int_eq(getbuf().nolog, 1);
	KDBG(TEST_ID(1), 1);
	kernel_debug(TEST_ID(1), 1, 0, 0, 0, 0);
	b = read_all(&n, &cap);
	ck_assert_uint_eq(n, 0);
	kfree(b, cap * sizeof(kd_buf));
	ck_assert_int_eq(op(KERN_KDREMOVE, 0), 0);
	ck_assert(!(getbuf().flags & KDBG_BUFINIT));
}
END_TEST

START_TEST(test_record_and_read)
{
	uint64_t before = mach_absolute_time();
	size_t n, cap;
	kd_buf *b;

	ck_assert_int_eq(setup(4096), 0);
	ck_assert_int_ge(getbuf().nkdbufs, 4096);
	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), 0);
	ck_assert(kdebug_enable & KDEBUG_ENABLE_TRACE);
	ck_assert(kdebug_debugid_enabled(TEST_ID(2)));
	KDBG(TEST_ID(2) | DBG_FUNC_START);
	KDBG(TEST_ID(3), 11);
	KDBG(TEST_ID(4), 21, 22);
	KDBG(TEST_ID(5), 31, 32, 33);
	KDBG(TEST_ID(6), 41, 42, 43, 44);
	KERNEL_DEBUG_CONSTANT(TEST_ID(7), 51, 52, 53, 54, 55);
	kernel_debug1(TEST_ID(8), 1, 2, 3, 4, 0x1234);
	KDBG(TEST_ID(2) | DBG_FUNC_END);
	KDBG_DEBUG(TEST_ID(9), 1); /* compiled out at the standard level */
	ck_assert_int_eq(op(KERN_KDENABLE, 0), 0);
	ck_assert_uint_eq(kdebug_enable, 0);
	KDBG(TEST_ID(10)); /* off again: not recorded */

	b = read_all(&n, &cap);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(b[0].debugid, TEST_ID(2) | DBG_FUNC_START);
	ck_assert_uint_eq(b[1].debugid, TEST_ID(3));
	ck_assert_uint_eq(b[1].arg1, 11);
	ck_assert_uint_eq(b[1].arg2, 0);
	ck_assert_uint_eq(b[2].arg2, 22);
	ck_assert_uint_eq(b[2].arg3, 0);
	ck_assert_uint_eq(b[3].arg3, 33);
	ck_assert_uint_eq(b[3].arg4, 0);
	ck_assert_uint_eq(b[4].arg1, 41);
	ck_assert_uint_eq(b[4].arg4, 44);
	/* arg5 of kernel_debug is replaced by the thread ID; kernel_debug1 records it as given. */
	ck_assert_uint_eq(b[5].arg5, thread_tid(current_thread()));
	ck_assert_uint_eq(b[6].arg5, 0x1234);
	ck_assert_uint_eq(b[7].debugid, TEST_ID(2) | DBG_FUNC_END);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_ge(b[i].timestamp, before);
		ck_assert_uint_lt(b[i].cpuid, (unsigned int)khost_ncpus() + 64);
		ck_assert_uint_eq(b[i].unused, 0);
		if (i > 0)
			ck_assert_uint_ge(b[i].timestamp, b[i - 1].timestamp);
	}
	kfree(b, cap * sizeof(kd_buf));
	/* A read consumes: nothing is returned twice. */
	b = read_all(&n, &cap);
	ck_assert_uint_eq(n, 0);
	kfree(b, cap * sizeof(kd_buf));
}
END_TEST

START_TEST(test_wrap_keeps_newest)
{
	size_t n, cap;
	int total;
	kd_buf *b;

	ck_assert_int_eq(setup(64), 0);
	total = getbuf().nkdbufs;
	ck_assert_int_ge(total, 64);
	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), 0);
	for (int i = 0; i < 20 * total; i++)
		KDBG(TEST_ID(1), i);
	ck_assert_int_eq(op(KERN_KDENABLE, 0), 0);
	b = read_all(&n, &cap);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_le(n, (size_t)total);
	/* The newest event survives, the oldest do not. */
	ck_assert_uint_eq(b[n - 1].arg1, (uintptr_t)(20 * total - 1));
	ck_assert(getbuf().flags & KDBG_BUFINIT);
	ck_assert_uint_eq(kdbg_lost_events() + n, (uint64_t)(20 * total));
	kfree(b, cap * sizeof(kd_buf));
}
END_TEST

START_TEST(test_nowrap_stops_when_full)
{
	size_t n, cap;
	int total;
	kd_buf *b;

	ck_assert_int_eq(setup(64), 0);
	total = getbuf().nkdbufs;
	ck_assert_int_eq(op(KERN_KDEFLAGS, KDBG_NOWRAP), 0);
	ck_assert(getbuf().flags & KDBG_NOWRAP);
	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), 0);
	for (int i = 0; i < 20 * total; i++)
		KDBG(TEST_ID(1), i);
	/* The first event that did not fit turned tracing off. */
	ck_assert_uint_eq(kdebug_enable & KDEBUG_ENABLE_TRACE, 0);
	b = read_all(&n, &cap);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_le(n, (size_t)total);
	ck_assert_uint_eq(b[0].arg1, 0); /* the oldest are the ones kept */
	for (size_t i = 1; i < n; i++)
		ck_assert_uint_gt(b[i].arg1, b[i - 1].arg1);
	kfree(b, cap * sizeof(kd_buf));
	ck_assert_int_eq(op(KERN_KDDFLAGS, KDBG_NOWRAP), 0);
	ck_assert(!(getbuf().flags & KDBG_NOWRAP));
}
END_TEST

START_TEST(test_typefilter)
{
	uint8_t *tf = kalloc(KDBG_TYPEFILTER_BITMAP_SIZE);
	int name[1] = {KERN_KDSET_TYPEFILTER};
	unsigned int csc = (DBG_BSD << 8) | DBG_BSD_KDEBUG_TEST;
	kd_regtype reg = {KDBG_CLASSTYPE, DBG_MISC, DBG_MISC + 1, 0, 0};
	int regname[1] = {KERN_KDSETREG};
	size_t n, cap;
	kd_buf *b;

	ck_assert_ptr_nonnull(tf);
	memset(tf, 0, KDBG_TYPEFILTER_BITMAP_SIZE);
	tf[csc >> 3] |= (uint8_t)(1u << (csc & 7));
	ck_assert_int_eq(setup(1024), 0);
	ck_assert_int_eq(kdbg_control(name, 1, NULL, NULL, tf, 100, 1), EINVAL); /* wrong size */
	ck_assert_int_eq(kdbg_control(name, 1, NULL, NULL, tf, KDBG_TYPEFILTER_BITMAP_SIZE, 1), 0);
	ck_assert(getbuf().flags & KDBG_TYPEFILTER_CHECK);
	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), 0);
	ck_assert(kdebug_debugid_enabled(TEST_ID(1)));
	ck_assert(kdebug_debugid_explicitly_enabled(TEST_ID(1)));
	ck_assert(!kdebug_debugid_enabled(MISCDBG_CODE(DBG_EVENT, 1)));
	ck_assert(!kdebug_debugid_enabled(BSDDBG_CODE(DBG_BSD_EXCP_SC, 3)));
	KDBG(MISCDBG_CODE(DBG_EVENT, 1), 1);
	KDBG(TEST_ID(1), 2);
	KDBG(BSDDBG_CODE(DBG_BSD_EXCP_SC, 3), 3);
	KDBG(TRACEDBG_CODE(DBG_TRACE_INFO, 9), 4); /* DBG_TRACE always passes */
	KDBG_FILTERED(TEST_ID(2), 5);              /* named by the filter: recorded */
	/* The old interface: only class DBG_MISC. */
	ck_assert_int_eq(kdbg_control(regname, 1, NULL, NULL, &reg, sizeof(reg), 1), 0);
	KDBG(MISCDBG_CODE(DBG_EVENT, 1), 6);
	KDBG(TEST_ID(1), 7);
	reg.type = KDBG_TYPENONE;
	ck_assert_int_eq(kdbg_control(regname, 1, NULL, NULL, &reg, sizeof(reg), 1), 0);
	ck_assert(!(getbuf().flags & KDBG_TYPEFILTER_CHECK));
	KDBG_FILTERED(TEST_ID(2), 8); /* no filter: filtered events are not recorded */
	KDBG(BSDDBG_CODE(DBG_BSD_EXCP_SC, 3), 9);
	reg.type = KDBG_RANGETYPE;
	ck_assert_int_eq(kdbg_control(regname, 1, NULL, NULL, &reg, sizeof(reg), 1), EINVAL);
	ck_assert_int_eq(op(KERN_KDENABLE, 0), 0);

	b = read_all(&n, &cap);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(b[0].arg1, 2);
	ck_assert_uint_eq(b[1].arg1, 4);
	ck_assert_uint_eq(b[2].arg1, 5);
	ck_assert_uint_eq(b[3].arg1, 6);
	ck_assert_uint_eq(b[4].arg1, 9);
	kfree(b, cap * sizeof(kd_buf));
	kfree(tf, KDBG_TYPEFILTER_BITMAP_SIZE);
}
END_TEST

START_TEST(test_sysctl_path)
{
	int mib[3] = {CTL_KERN, KERN_KDEBUG, KERN_KDGETBUF};
	int rd[3] = {CTL_KERN, KERN_KDEBUG, KERN_KDREADTR};
	kbufinfo_t info;
	size_t len = sizeof(info);
	u_int miblen = 2;
	int byname[2];

	ck_assert_int_eq(sysctl_name2mib("kern.kdebug", byname, &miblen), 0);
	ck_assert_uint_eq(miblen, 2);
	ck_assert_int_eq(byname[0], CTL_KERN);
	ck_assert_int_eq(byname[1], KERN_KDEBUG);
	ck_assert_int_eq(kernel_sysctl(NULL, mib, 3, &info, &len, NULL, 0), 0);
	ck_assert_uint_eq(len, sizeof(info));
	ck_assert_int_eq(info.nolog, 1);
	ck_assert(!(info.flags & KDBG_BUFINIT));
	ck_assert_uint_eq(kdbg_oldlen_unit(rd, 3), sizeof(kd_buf));
	ck_assert_uint_eq(kdbg_oldlen_unit(mib, 3), 1);
	ck_assert_uint_eq(kdbg_oldlen_unit(rd, 2), 1);
}
END_TEST

static int conc_done;
#define CONC_THREADS 4
#define CONC_EVENTS 20000

static void
conc_writer(void *arg, wait_result_t wr)
{
	uintptr_t who = (uintptr_t)arg;

	for (int i = 0; i < CONC_EVENTS; i++)
		KDBG(TEST_ID(20), who, i);
	__atomic_fetch_add(&conc_done, 1, __ATOMIC_RELEASE);
}

START_TEST(test_concurrent_writers_live_reader)
{
	int name[1] = {KERN_KDREADTR};
	size_t cap = 4096, got = 0;
	kd_buf *buf = kalloc(cap * sizeof(kd_buf));
	thread_t t[CONC_THREADS];

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(setup(8192), 0);
	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), 0);
	for (uintptr_t i = 0; i < CONC_THREADS; i++)
		ck_assert_int_eq(kernel_thread_start(conc_writer, (void *)i, &t[i]), KERN_SUCCESS);
	for (;;) {
		int finished = __atomic_load_n(&conc_done, __ATOMIC_ACQUIRE) == CONC_THREADS;
		size_t size = cap * sizeof(kd_buf);

		if (finished)
			ck_assert_int_eq(op(KERN_KDENABLE, 0), 0);
		ck_assert_int_eq(kdbg_control(name, 1, buf, &size, NULL, 0, 1), 0);
		for (size_t i = 0; i < size / sizeof(kd_buf); i++) {
			ck_assert_uint_eq(buf[i].debugid, TEST_ID(20));
			ck_assert_uint_lt(buf[i].arg1, CONC_THREADS);
			ck_assert_uint_lt(buf[i].arg2, CONC_EVENTS);
		}
		got += size / sizeof(kd_buf);
		if (finished && size == 0)
			break;
	}
	/* Every event recorded was either read or counted as lost. */
	ck_assert_uint_eq(got + kdbg_lost_events(), (uint64_t)CONC_THREADS * CONC_EVENTS);
	ck_assert_uint_gt(got, 0);
	for (int i = 0; i < CONC_THREADS; i++)
		thread_deallocate(t[i]);
	kfree(buf, cap * sizeof(kd_buf));
}
END_TEST

START_TEST(test_reset)
{
	ck_assert_int_eq(setup(128), 0);
	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), 0);
	KDBG(TEST_ID(1));
	kdbg_reset();
	ck_assert_uint_eq(kdebug_enable, 0);
	ck_assert(!(getbuf().flags & KDBG_BUFINIT));
	KDBG(TEST_ID(1)); /* no buffers: a no-op, not a crash */
	ck_assert_int_eq(setup(128), 0);
	ck_assert_uint_eq(kdbg_lost_events(), 0);
}
END_TEST

static int
regop(int o, unsigned int pid, unsigned int on, size_t len)
{
	int name[1] = {o};
	kd_regtype reg = {.type = KDBG_TYPENONE, .value1 = pid, .value2 = on};

	/* Darwin passes kd_regtype in the old buffer. */
	return kdbg_control(name, 1, &reg, &len, NULL, 0, 1);
}

static int
readmap(int o, kd_threadmap *map, size_t *size)
{
	int name[1] = {o};

	return kdbg_control(name, 1, map, size, NULL, 0, 1);
}

/* The thread map: taken at enable, read once (ENODATA after), sized in bytes; the current map. */
START_TEST(test_thread_map)
{
	static kd_threadmap map[4096];
	uint64_t self = thread_tid(current_thread());
	size_t size, n;
	int found = 0;

	ck_assert_uint_eq(sizeof(kd_threadmap), 32);
	thread_set_thread_name(current_thread(), "kd.test.self");
	ck_assert_int_eq(setup(128), 0);
	size = sizeof(map);
	ck_assert_int_eq(readmap(KERN_KDTHRMAP, map, &size), ENODATA);
	ck_assert(!(getbuf().flags & KDBG_MAPINIT));
	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), 0);
	ck_assert(getbuf().flags & KDBG_MAPINIT);
	n = (size_t)getbuf().nkdthreads;
	ck_assert_uint_gt(n, 0);
	size = n * sizeof(kd_threadmap) - 1;
	ck_assert_int_eq(readmap(KERN_KDTHRMAP, map, &size), EINVAL); /* too small: the map stays */
	ck_assert_int_eq(getbuf().nkdthreads, (int)n);
	size = sizeof(map);
	ck_assert_int_eq(readmap(KERN_KDTHRMAP, map, &size), 0);
	ck_assert_uint_eq(size, n * sizeof(kd_threadmap));
	for (size_t i = 0; i < n; i++) {
		if (map[i].thread == self) {
			ck_assert_str_eq(map[i].command, "kd.test.self");
			ck_assert_int_eq(map[i].valid, 1);
			found = 1;
		}
	}
	ck_assert(found);
	ck_assert_int_eq(readmap(KERN_KDTHRMAP, map, &size), ENODATA); /* read once */
	ck_assert(!(getbuf().flags & KDBG_MAPINIT));
	ck_assert_int_eq(getbuf().nkdthreads, 0);
	/* The current map: any time, nothing kept, unnamed threads are kernel_task's. */
	thread_set_thread_name(current_thread(), "");
	size = sizeof(map);
	ck_assert_int_eq(readmap(KERN_KDREADCURTHRMAP, map, &size), 0);
	found = 0;
	for (size_t i = 0; i < size / sizeof(kd_threadmap); i++)
		if (map[i].thread == self && strcmp(map[i].command, "kernel_task") == 0)
			found = 1;
	ck_assert(found);
	size = 8;
	ck_assert_int_eq(readmap(KERN_KDREADCURTHRMAP, map, &size), EINVAL);
	ck_assert_int_eq(op(KERN_KDREMOVE, 0), 0);
}
END_TEST

static int
recorded(uint32_t id)
{
	size_t n, cap;
	kd_buf *buf = read_all(&n, &cap);
	int hits = 0;

	for (size_t i = 0; i < n; i++)
		hits += buf[i].debugid == id;
	kfree(buf, cap * sizeof(kd_buf));
	return hits;
}

/* KERN_KDPIDTR / KERN_KDPIDEX: the kernel's own work is pid 0 (kernel_task). */
START_TEST(test_pid_filter)
{
	ck_assert_int_eq(setup(1024), 0);
	ck_assert_int_eq(regop(KERN_KDPIDTR, 0, 1, sizeof(kd_regtype)), 0);
	ck_assert_uint_eq(getbuf().flags & (KDBG_PIDCHECK | KDBG_PIDEXCLUDE), KDBG_PIDCHECK);
	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), 0);
	KDBG(TEST_ID(2)); /* marked: kept */
	ck_assert_int_eq(recorded(TEST_ID(2)), 1);
	ck_assert_int_eq(regop(KERN_KDPIDTR, 0, 0, sizeof(kd_regtype)), 0); /* unmark: mode stays */
	ck_assert_uint_eq(getbuf().flags & KDBG_PIDCHECK, KDBG_PIDCHECK);
	KDBG(TEST_ID(3));
	ck_assert_int_eq(recorded(TEST_ID(3)), 0);
	KDBG(KDBG_EVENTID(DBG_TRACE, DBG_TRACE_INFO, 9)); /* the tracer's own class always passes */
	ck_assert_int_eq(recorded(KDBG_EVENTID(DBG_TRACE, DBG_TRACE_INFO, 9)), 1);
	/* Exclusion: the last call's mode wins. */
	ck_assert_int_eq(regop(KERN_KDPIDEX, 0, 1, sizeof(kd_regtype)), 0);
	ck_assert_uint_eq(getbuf().flags & (KDBG_PIDCHECK | KDBG_PIDEXCLUDE), KDBG_PIDEXCLUDE);
	KDBG(TEST_ID(4));
	ck_assert_int_eq(recorded(TEST_ID(4)), 0);
	ck_assert_int_eq(regop(KERN_KDPIDEX, 0, 0, sizeof(kd_regtype)), 0);
	KDBG(TEST_ID(5));
	ck_assert_int_eq(recorded(TEST_ID(5)), 1);
	/* Bad arguments. */
	ck_assert_int_eq(regop(KERN_KDPIDTR, 4000000, 1, sizeof(kd_regtype)), ESRCH);
	ck_assert_int_eq(regop(KERN_KDPIDTR, 0xffffffffu, 1, sizeof(kd_regtype)), EINVAL);
	ck_assert_int_eq(regop(KERN_KDPIDTR, 0, 1, sizeof(kd_regtype) - 1), EINVAL);
	/* KERN_KDREMOVE ends the filter and every mark. */
	ck_assert_int_eq(regop(KERN_KDPIDEX, 0, 1, sizeof(kd_regtype)), 0);
	ck_assert_int_eq(op(KERN_KDREMOVE, 0), 0);
	ck_assert_uint_eq(getbuf().flags & (KDBG_PIDCHECK | KDBG_PIDEXCLUDE), 0);
	ck_assert_int_eq(setup(1024), 0);
	ck_assert_int_eq(op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE), 0);
	KDBG(TEST_ID(6));
	ck_assert_int_eq(recorded(TEST_ID(6)), 1);
	ck_assert_int_eq(op(KERN_KDREMOVE, 0), 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kdebug");
	TCase *tc = ktest_tcase("kdebug");

	tcase_add_test(tc, test_encoding);
	tcase_add_test(tc, test_enable_needs_setup);
	tcase_add_test(tc, test_record_and_read);
	tcase_add_test(tc, test_wrap_keeps_newest);
	tcase_add_test(tc, test_nowrap_stops_when_full);
	tcase_add_test(tc, test_typefilter);
	tcase_add_test(tc, test_sysctl_path);
	tcase_add_test(tc, test_concurrent_writers_live_reader);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_thread_map);
	tcase_add_test(tc, test_pid_filter);
	suite_add_tcase(s, tc);
	return s;
}
