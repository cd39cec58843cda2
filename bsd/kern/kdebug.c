/*
 * kdebug.c — kernel tracing: trace points record kd_buf events into per-CPU
 * rings; a user process (kexthost trace) controls and reads them through the
 * KERN_KDEBUG sysctl, as on Darwin (see docs/DEBUGGING.md, "kdebug tracing").
 *
 * Cost. A trace point is `if (kdebug_enable & ...) kernel_debug(...)`: while
 * tracing is off that is one load and one predicted branch. Recording costs
 * a clock read, a CPU number and three atomic operations on per-CPU lines.
 *
 * Rings. Each CPU has a ring of nslots records (a power of two). A writer
 * reserves an index with fetch-add on the ring's head (a CAS loop in
 * stop-when-full mode, so a full ring never advances), writes the record
 * and publishes it by storing index + 1 in the record's last word (the
 * "unused" field, cleared in records handed out). The single reader (under
 * kd_lock) walks [tail, head): a record whose commit word is its index + 1
 * is complete; it copies it and checks the word again, so a record
 * overwritten during the copy (wrap mode) is counted lost, not returned
 * torn. A record not yet committed stops the walk of that ring once (its
 * writer is mid-write); seen again at the next read, it is skipped as lost
 * (its writer was overtaken by the ring wrapping). Host threads migrate
 * between CPUs; the rings only spread contention, so that is harmless.
 * Events from the rings are merged by timestamp on the way out.
 *
 * Lifetime. Writers announce themselves in kd_inflight[cpu] before looking at
 * the state and leave after the record is written; turning tracing off and
 * freeing the rings first clears kdebug_enable, then waits for every
 * in-flight count to drain (sequentially consistent on both sides), so no
 * writer ever touches freed rings.
 *
 * Filters. With KDBG_TYPEFILTER_CHECK set, an event is recorded only if its
 * class/subclass bit is set in the 8 KiB type filter. With KDBG_PIDCHECK
 * only events of marked processes are recorded, with KDBG_PIDEXCLUDE all
 * but theirs (KERN_KDPIDTR / KERN_KDPIDEX mark them). The process is the one
 * the recording thread serves (current_proc(); kernel work counts as
 * kernel_task, pid 0, which can be marked too). DBG_TRACE (the tracer's own
 * events) passes both, as on Darwin.
 *
 * Thread map: kdebug_thrmap.c.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/sysctl.h>
#include <sys/kauth.h>
#include <sys/proc.h>
#include <string.h>
#include <kern/locks.h>
#include <kern/kalloc.h>
#include <mach/mach_time.h>
#include "host/khost.h"
#include "osfmk/kern/thread_internal.h"
#include "bsd/kern/kdebug_internal.h"
#include "bsd/sys/proc_internal.h"

#define KD_MAXCPUS 64

struct kd_ring {
	uint64_t head;  /* next index to reserve (writers) */
	uint64_t tail;  /* next index to read (reader; writers read it in NOWRAP mode) */
	uint64_t stall; /* index + 1 of the uncommitted record the last read stopped at */
	uint64_t lost;  /* events overwritten, dropped or torn */
	kd_buf *buf;
} __attribute__((aligned(64)));

struct kd_inflight {
	uint32_t n;
} __attribute__((aligned(64)));

unsigned int kdebug_enable;

static struct kd_inflight kd_inflight[KD_MAXCPUS];
static lck_grp_t *kd_lck_grp;
static lck_mtx_t *kd_lock;
static int kd_lock_state; /* 0 none, 1 being made, 2 ready */

/* Configuration: written under kd_lock while no writer can be in flight (or atomically). */
static uint32_t kd_flags;
static uint32_t kd_nkdbufs;
static uint32_t kd_nslots; /* per CPU, a power of two */
static uint32_t kd_ncpus;
static struct kd_ring *kd_rings;
static uint8_t *kd_typefilter;
static int kd_owner = -1;
static uint64_t kd_lost_total;
static kd_threadmap *kd_map; /* KDBG_MAPINIT: taken at enable, freed when read */
static uint32_t kd_map_count, kd_map_cap;

static void
kd_lock_init(void)
{
	int expect = 0;

	if (__atomic_load_n(&kd_lock_state, __ATOMIC_ACQUIRE) == 2)
		return;
	if (!__atomic_compare_exchange_n(&kd_lock_state, &expect, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&kd_lock_state, __ATOMIC_ACQUIRE) != 2)
			khost_thread_yield();
		return;
	}
	kd_lck_grp = lck_grp_alloc_init("kdebug", LCK_GRP_ATTR_NULL);
	kd_lock = lck_mtx_alloc_init(kd_lck_grp, LCK_ATTR_NULL);
	__atomic_store_n(&kd_lock_state, 2, __ATOMIC_RELEASE);
}

/* ---- recording ---------------------------------------------------------------- */

static inline bool
kd_filter_passes(uint32_t debugid, uint32_t flags, bool explicit_only)
{
	const uint8_t *tf;
	uint32_t csc = debugid >> KDBG_CSC_OFFSET;

	if (KDBG_EXTRACT_CLASS(debugid) == DBG_TRACE)
		return !explicit_only || (flags & KDBG_TYPEFILTER_CHECK);
	if (__improbable(flags & (KDBG_PIDCHECK | KDBG_PIDEXCLUDE))) {
		bool marked = __atomic_load_n(&current_proc()->p_kdebug, __ATOMIC_RELAXED) != 0;
		if (marked != ((flags & KDBG_PIDCHECK) != 0))
			return false;
	}
	if (!(flags & KDBG_TYPEFILTER_CHECK))
		return !explicit_only;
	tf = __atomic_load_n(&kd_typefilter, __ATOMIC_ACQUIRE);
	return tf != NULL && (__atomic_load_n(&tf[csc >> 3], __ATOMIC_RELAXED) & (1u << (csc & 7))) != 0;
}

/* Reserve a slot in r; false when the ring is full in stop-when-full mode. */
static inline bool
kd_reserve(struct kd_ring *r, uint32_t flags, uint64_t *idx)
{
	uint64_t h;

	if (!(flags & KDBG_NOWRAP)) {
		*idx = __atomic_fetch_add(&r->head, 1, __ATOMIC_RELAXED);
		return true;
	}
	h = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	do {
		if (h - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= kd_nslots)
			return false;
	} while (!__atomic_compare_exchange_n(&r->head, &h, h + 1, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	*idx = h;
	return true;
}

static void
kd_record(uint32_t debugid, uintptr_t a1, uintptr_t a2, uintptr_t a3, uintptr_t a4, uint64_t tid, uint64_t ts,
          int cpu, bool explicit_only)
{
	unsigned int slot = (unsigned int)cpu & (KD_MAXCPUS - 1);
	struct kd_ring *rings, *r;
	uint32_t flags;
	uint64_t idx;
	kd_buf *kb;

	__atomic_fetch_add(&kd_inflight[slot].n, 1, __ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&kdebug_enable, __ATOMIC_SEQ_CST) & KDEBUG_ENABLE_TRACE))
		goto out;
	rings = __atomic_load_n(&kd_rings, __ATOMIC_ACQUIRE);
	flags = __atomic_load_n(&kd_flags, __ATOMIC_RELAXED);
	if (rings == NULL || !kd_filter_passes(debugid, flags, explicit_only))
		goto out;
	r = &rings[(unsigned int)cpu % kd_ncpus];
	if (!kd_reserve(r, flags, &idx)) {
		/* Darwin's stop-when-full: tracing ends at the first event that does not fit. */
		__atomic_fetch_add(&r->lost, 1, __ATOMIC_RELAXED);
		__atomic_and_fetch(&kdebug_enable, ~KDEBUG_ENABLE_TRACE, __ATOMIC_SEQ_CST);
		goto out;
	}
	kb = &r->buf[idx & (kd_nslots - 1)];
	__atomic_store_n(&kb->unused, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&kb->timestamp, ts, __ATOMIC_RELAXED);
	__atomic_store_n(&kb->arg1, a1, __ATOMIC_RELAXED);
	__atomic_store_n(&kb->arg2, a2, __ATOMIC_RELAXED);
	__atomic_store_n(&kb->arg3, a3, __ATOMIC_RELAXED);
	__atomic_store_n(&kb->arg4, a4, __ATOMIC_RELAXED);
	__atomic_store_n(&kb->arg5, (uintptr_t)tid, __ATOMIC_RELAXED);
	__atomic_store_n(&kb->debugid, debugid, __ATOMIC_RELAXED);
	__atomic_store_n(&kb->cpuid, (uint32_t)cpu, __ATOMIC_RELAXED);
	__atomic_store_n(&kb->unused, (uintptr_t)(idx + 1), __ATOMIC_RELEASE);
out:
	__atomic_fetch_sub(&kd_inflight[slot].n, 1, __ATOMIC_RELEASE);
}

static inline uint64_t
kd_current_tid(void)
{
	return thread_tid(current_thread_fast());
}

void
kernel_debug(uint32_t debugid, uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4, uintptr_t arg5)
{
	(void)arg5;
	kd_record(debugid, arg1, arg2, arg3, arg4, kd_current_tid(), mach_absolute_time(), khost_cpu_number(),
	          false);
}

void
kernel_debug1(uint32_t debugid, uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4,
              uintptr_t arg5)
{
	kd_record(debugid, arg1, arg2, arg3, arg4, arg5, mach_absolute_time(), khost_cpu_number(), false);
}

void
kernel_debug_filtered(uint32_t debugid, uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4)
{
	kd_record(debugid, arg1, arg2, arg3, arg4, kd_current_tid(), mach_absolute_time(), khost_cpu_number(),
	          true);
}

void
kernel_debug_enter(uint32_t coreid, uint32_t debugid, uint64_t timestamp, uintptr_t arg1, uintptr_t arg2,
                   uintptr_t arg3, uintptr_t arg4, uintptr_t threadid)
{
	kd_record(debugid, arg1, arg2, arg3, arg4, threadid, timestamp, (int)coreid, false);
}

bool
kdebug_debugid_enabled(uint32_t debugid)
{
	if (!(__atomic_load_n(&kdebug_enable, __ATOMIC_ACQUIRE) & KDEBUG_ENABLE_TRACE))
		return false;
	return kd_filter_passes(debugid, __atomic_load_n(&kd_flags, __ATOMIC_RELAXED), false);
}

bool
kdebug_debugid_explicitly_enabled(uint32_t debugid)
{
	uint32_t flags = __atomic_load_n(&kd_flags, __ATOMIC_RELAXED);

	return (flags & KDBG_TYPEFILTER_CHECK) && kd_filter_passes(debugid, flags, true);
}

bool
kdebug_using_continuous_time(void)
{
	/* mach_absolute_time is CLOCK_MONOTONIC here; there is no separate sleep-inclusive base. */
	return false;
}

void
kdbg_pack_string(const char *s, uintptr_t args[4])
{
	char buf[4 * sizeof(uintptr_t)] = {0};

	if (s != NULL)
		strncpy(buf, s, sizeof(buf));
	memcpy(args, buf, sizeof(buf));
}

/* ---- control ------------------------------------------------------------------ */

/* Turn recording off and wait until no writer is inside kd_record. */
static void
kd_quiesce(void)
{
	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	__atomic_and_fetch(&kdebug_enable, ~KDEBUG_ENABLE_TRACE, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < KD_MAXCPUS; i++)
		while (__atomic_load_n(&kd_inflight[i].n, __ATOMIC_SEQ_CST) != 0)
			khost_thread_yield();
}

static void
kd_free_buffers(void)
{
	struct kd_ring *rings = kd_rings;

	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	kd_quiesce();
	__atomic_store_n(&kd_rings, NULL, __ATOMIC_RELEASE);
	if (rings == NULL)
		return;
	for (unsigned int i = 0; i < kd_ncpus; i++) {
		kd_lost_total += __atomic_load_n(&rings[i].lost, __ATOMIC_RELAXED);
		if (rings[i].buf != NULL)
			khost_vm_free(rings[i].buf, (size_t)kd_nslots * sizeof(kd_buf));
	}
	kfree(rings, kd_ncpus * sizeof(*rings));
	__atomic_and_fetch(&kd_flags, ~(KDBG_BUFINIT | KDBG_WRAPPED), __ATOMIC_RELAXED);
}

static int
kd_setup(int pid)
{
	uint32_t ncpus = (uint32_t)khost_ncpus(), want, per, nslots = 1;
	struct kd_ring *rings;

	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	kd_free_buffers();
	if (ncpus > KD_MAXCPUS)
		ncpus = KD_MAXCPUS;
	want = kd_nkdbufs != 0 ? kd_nkdbufs : KDBG_DEFAULT_NKDBUFS;
	per = (want + ncpus - 1) / ncpus;
	while (nslots < per)
		nslots <<= 1;
	rings = kalloc(ncpus * sizeof(*rings));
	if (rings == NULL)
		return ENOMEM;
	memset(rings, 0, ncpus * sizeof(*rings));
	for (uint32_t i = 0; i < ncpus; i++) {
		void *mem;

		if (khost_vm_alloc((size_t)nslots * sizeof(kd_buf), 0, KHOST_PROT_READ | KHOST_PROT_WRITE,
		                   &mem) != 0) {
			for (uint32_t j = 0; j < i; j++)
				khost_vm_free(rings[j].buf, (size_t)nslots * sizeof(kd_buf));
			kfree(rings, ncpus * sizeof(*rings));
			return ENOMEM;
		}
		rings[i].buf = mem; /* fresh pages: every commit word is 0, i.e. nothing recorded */
	}
	kd_ncpus = ncpus;
	kd_nslots = nslots;
	kd_nkdbufs = nslots * ncpus;
	kd_owner = pid;
	kd_lost_total = 0;
	__atomic_or_fetch(&kd_flags, KDBG_BUFINIT | KDBG_LP64, __ATOMIC_RELAXED);
	__atomic_store_n(&kd_rings, rings, __ATOMIC_RELEASE);
	return 0;
}

static int
kd_set_typefilter(const void *bits, size_t len)
{
	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	if (bits == NULL || len != KDBG_TYPEFILTER_BITMAP_SIZE)
		return EINVAL;
	if (kd_typefilter == NULL) {
		uint8_t *tf = kalloc(KDBG_TYPEFILTER_BITMAP_SIZE);

		if (tf == NULL)
			return ENOMEM;
		memset(tf, 0, KDBG_TYPEFILTER_BITMAP_SIZE);
		__atomic_store_n(&kd_typefilter, tf, __ATOMIC_RELEASE);
	}
	/* Byte stores: a writer testing a bit sees the old or the new filter for that byte. */
	for (size_t i = 0; i < len; i++)
		__atomic_store_n(&kd_typefilter[i], ((const uint8_t *)bits)[i], __ATOMIC_RELAXED);
	__atomic_or_fetch(&kd_flags, KDBG_TYPEFILTER_CHECK, __ATOMIC_RELEASE);
	return 0;
}

static void
kd_clear_typefilter(void)
{
	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	__atomic_and_fetch(&kd_flags, ~KDBG_TYPEFILTER_CHECK, __ATOMIC_RELEASE);
	/* The filter memory stays until kdbg_reset: a writer may still be reading it. */
}

/* KERN_KDSETREG: classes value1..value2-1 (CLASSTYPE) or subclass value2 of class value1 (SUBCLSTYPE). */
static int
kd_setreg(const void *newp, size_t newlen)
{
	kd_regtype reg;

	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	if (newp == NULL || newlen < sizeof(reg))
		return EINVAL;
	memcpy(&reg, newp, sizeof(reg));
	switch (reg.type & 0xf0000) {
	case KDBG_TYPENONE:
		kd_clear_typefilter();
		return 0;
	case KDBG_CLASSTYPE:
	case KDBG_SUBCLSTYPE: {
		uint8_t *tf = kalloc(KDBG_TYPEFILTER_BITMAP_SIZE);
		int err;

		if (tf == NULL)
			return ENOMEM;
		memset(tf, 0, KDBG_TYPEFILTER_BITMAP_SIZE);
		if ((reg.type & 0xf0000) == KDBG_CLASSTYPE) {
			if (reg.value1 > 0xff || reg.value2 > 0x100 || reg.value2 <= reg.value1) {
				kfree(tf, KDBG_TYPEFILTER_BITMAP_SIZE);
				return EINVAL;
			}
			for (unsigned int c = reg.value1; c < reg.value2; c++)
				memset(tf + c * 32, 0xff, 32);
		} else {
			if (reg.value1 > 0xff || reg.value2 > 0xff) {
				kfree(tf, KDBG_TYPEFILTER_BITMAP_SIZE);
				return EINVAL;
			}
			unsigned int csc = (reg.value1 << 8) | reg.value2;
			tf[csc >> 3] |= (uint8_t)(1u << (csc & 7));
		}
		err = kd_set_typefilter(tf, KDBG_TYPEFILTER_BITMAP_SIZE);
		kfree(tf, KDBG_TYPEFILTER_BITMAP_SIZE);
		return err;
	}
	default:
		return EINVAL;
	}
}

/* ---- reading ------------------------------------------------------------------ */

/*
 * Next complete record of ring r at or after *pos (< end), copied to *out.
 * Returns 1 with *pos at the record, 0 when the ring has nothing more now.
 */
static int
kd_peek(struct kd_ring *r, uint64_t *pos, uint64_t end, bool live, kd_buf *out)
{
	while (*pos < end) {
		uint64_t idx = *pos;
		kd_buf *kb = &r->buf[idx & (kd_nslots - 1)];
		uintptr_t seq = __atomic_load_n(&kb->unused, __ATOMIC_ACQUIRE);

		if (seq == idx + 1) {
			out->timestamp = __atomic_load_n(&kb->timestamp, __ATOMIC_RELAXED);
			out->arg1 = __atomic_load_n(&kb->arg1, __ATOMIC_RELAXED);
			out->arg2 = __atomic_load_n(&kb->arg2, __ATOMIC_RELAXED);
			out->arg3 = __atomic_load_n(&kb->arg3, __ATOMIC_RELAXED);
			out->arg4 = __atomic_load_n(&kb->arg4, __ATOMIC_RELAXED);
			out->arg5 = __atomic_load_n(&kb->arg5, __ATOMIC_RELAXED);
			out->debugid = __atomic_load_n(&kb->debugid, __ATOMIC_RELAXED);
			out->cpuid = __atomic_load_n(&kb->cpuid, __ATOMIC_RELAXED);
			out->unused = 0;
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&kb->unused, __ATOMIC_RELAXED) == seq)
				return 1;
		} else if (seq < idx + 1 && live && r->stall != idx + 1) {
			/* Its writer is mid-write: stop here; skip it if it is still missing next time. */
			r->stall = idx + 1;
			return 0;
		}
		/* Overwritten by a later lap, torn, or abandoned. */
		__atomic_fetch_add(&r->lost, 1, __ATOMIC_RELAXED);
		*pos = idx + 1;
	}
	return 0;
}

/* Copy up to max records, oldest first across CPUs, into out; *count gets how many. */
static int
kd_read(kd_buf *out, size_t max, size_t *count)
{
	uint64_t pos[KD_MAXCPUS], end[KD_MAXCPUS];
	kd_buf *peek = NULL;
	uint64_t have_hi = 0; /* bit i: peek[i] holds ring i's next record */
	bool live;
	size_t n = 0;

	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	*count = 0;
	if (kd_rings == NULL)
		return EINVAL;
	live = (__atomic_load_n(&kdebug_enable, __ATOMIC_ACQUIRE) & KDEBUG_ENABLE_TRACE) != 0;
	if (!live)
		kd_quiesce(); /* in-flight writers finish before their records are judged */
	peek = kalloc(kd_ncpus * sizeof(kd_buf));
	if (peek == NULL)
		return ENOMEM;
	for (uint32_t i = 0; i < kd_ncpus; i++) {
		struct kd_ring *r = &kd_rings[i];

		end[i] = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
		pos[i] = r->tail;
		if (end[i] - pos[i] > kd_nslots) {
			__atomic_fetch_add(&r->lost, end[i] - pos[i] - kd_nslots, __ATOMIC_RELAXED);
			pos[i] = end[i] - kd_nslots;
			__atomic_or_fetch(&kd_flags, KDBG_WRAPPED, __ATOMIC_RELAXED);
		}
		if (kd_peek(r, &pos[i], end[i], live, &peek[i]))
			have_hi |= 1ull << i;
	}
	while (n < max && have_hi != 0) {
		uint32_t best = KD_MAXCPUS;

		for (uint32_t i = 0; i < kd_ncpus; i++)
			if ((have_hi & (1ull << i)) &&
			    (best == KD_MAXCPUS || peek[i].timestamp < peek[best].timestamp))
				best = i;
		out[n++] = peek[best];
		pos[best]++;
		have_hi &= ~(1ull << best);
		if (kd_peek(&kd_rings[best], &pos[best], end[best], live, &peek[best]))
			have_hi |= 1ull << best;
	}
	/* Records peeked but not returned stay for the next read. */
	for (uint32_t i = 0; i < kd_ncpus; i++)
		__atomic_store_n(&kd_rings[i].tail, pos[i], __ATOMIC_RELEASE);
	kfree(peek, kd_ncpus * sizeof(kd_buf));
	*count = n;
	return 0;
}

/* ---- the operations --------------------------------------------------------------- */

static void
kd_map_free(void)
{
	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	kdbg_thrmap_free(kd_map, kd_map_cap);
	kd_map = NULL;
	kd_map_count = kd_map_cap = 0;
	__atomic_and_fetch(&kd_flags, ~KDBG_MAPINIT, __ATOMIC_RELAXED);
}

/* KERN_KDTHRMAP: the map taken at enable, once; freed when read. */
static int
kd_read_map(void *where, size_t *sizep)
{
	int err;

	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	if (kd_map == NULL)
		return ENODATA;
	err = kdbg_thrmap_copy(kd_map, kd_map_count, where, sizep);
	if (err == 0)
		kd_map_free();
	return err;
}

/* KERN_KDREADCURTHRMAP: the threads alive now; nothing kept. */
static int
kd_read_current_map(void *where, size_t *sizep)
{
	kd_threadmap *map;
	uint32_t count, cap;
	int err = kdbg_thrmap_build(&map, &count, &cap);

	if (err != 0)
		return err;
	err = kdbg_thrmap_copy(map, count, where, sizep);
	kdbg_thrmap_free(map, cap);
	return err;
}

/*
 * KERN_KDPIDTR / KERN_KDPIDEX: value1 the pid (0: kernel_task), value2 1 to
 * mark, anything else to unmark. Marking selects the mode (the last call
 * wins, as on Darwin); unmarking leaves it.
 */
static int
kd_setpid(const void *arg, size_t len, uint32_t mode)
{
	kd_regtype reg;
	proc_t p;

	lck_mtx_assert(kd_lock, LCK_MTX_ASSERT_OWNED);
	if (arg == NULL || len < sizeof(reg))
		return EINVAL;
	memcpy(&reg, arg, sizeof(reg));
	if ((int)reg.value1 < 0)
		return EINVAL;
	p = proc_find((int)reg.value1);
	if (p == NULL)
		return ESRCH;
	if (reg.value2 == 1) {
		uint32_t old = __atomic_load_n(&kd_flags, __ATOMIC_RELAXED);

		/* One store: a recording thread never sees the filter off between two modes. */
		while (!__atomic_compare_exchange_n(&kd_flags, &old,
		                                    (old & ~(KDBG_PIDCHECK | KDBG_PIDEXCLUDE)) | mode, false,
		                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
		}
		__atomic_store_n(&p->p_kdebug, 1, __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&p->p_kdebug, 0, __ATOMIC_RELAXED);
	}
	if (p != kernproc)
		proc_rele(p);
	return 0;
}

/* kd_regtype arrives in the old buffer (Darwin's ABI) or, as kexthost also accepts, the new one. */
static const void *
kd_reg_arg(const void *where, const size_t *sizep, const void *newp, size_t newlen, size_t *len)
{
	if (newp != NULL) {
		*len = newlen;
		return newp;
	}
	*len = sizep != NULL ? *sizep : 0;
	return where;
}

static int
kd_getbuf(void *where, size_t *sizep)
{
	kbufinfo_t info = {0};

	info.nkdbufs = (int)kd_nkdbufs;
	info.nolog = (__atomic_load_n(&kdebug_enable, __ATOMIC_RELAXED) & KDEBUG_ENABLE_TRACE) ? 0 : 1;
	info.flags = __atomic_load_n(&kd_flags, __ATOMIC_RELAXED);
	info.nkdthreads = (int)kd_map_count;
	info.bufid = kd_owner;
	if (where == NULL || sizep == NULL || *sizep < sizeof(info))
		return EINVAL;
	memcpy(where, &info, sizeof(info));
	*sizep = sizeof(info);
	return 0;
}

int
kdbg_control(const int *name, unsigned int namelen, void *where, size_t *sizep, const void *newp,
             size_t newlen, int pid)
{
	int value = namelen > 1 ? name[1] : 0;
	size_t count, reglen;
	const void *reg;
	int err = 0;

	if (name == NULL || namelen == 0)
		return EINVAL;
	kd_lock_init();
	lck_mtx_lock(kd_lock);
	switch (name[0]) {
	case KERN_KDEFLAGS:
		__atomic_or_fetch(&kd_flags, (uint32_t)value & KDBG_USERFLAGS, __ATOMIC_RELAXED);
		break;
	case KERN_KDDFLAGS:
		__atomic_and_fetch(&kd_flags, ~((uint32_t)value & KDBG_USERFLAGS), __ATOMIC_RELAXED);
		break;
	case KERN_KDENABLE:
		if (value == 0) {
			kd_quiesce();
		} else if (kd_rings == NULL) {
			err = EINVAL; /* Darwin: set the buffers up first */
		} else {
			/* The thread map, taken when tracing starts (unless one is kept). */
			if (kd_map == NULL && kdbg_thrmap_build(&kd_map, &kd_map_count, &kd_map_cap) == 0)
				__atomic_or_fetch(&kd_flags, KDBG_MAPINIT, __ATOMIC_RELAXED);
			__atomic_or_fetch(&kdebug_enable, KDEBUG_ENABLE_TRACE, __ATOMIC_SEQ_CST);
		}
		break;
	case KERN_KDSETBUF:
		if (value < 0 || value > KDBG_MAX_NKDBUFS)
			err = EINVAL;
		else
			kd_nkdbufs = (uint32_t)value;
		break;
	case KERN_KDGETBUF:
		err = kd_getbuf(where, sizep);
		break;
	case KERN_KDSETUP:
		kd_map_free();
		err = kd_setup(pid);
		break;
	case KERN_KDREMOVE:
		kd_free_buffers();
		kd_map_free();
		kd_clear_typefilter();
		proc_kdebug_unmark_all();
		__atomic_and_fetch(&kd_flags, ~(uint32_t)(KDBG_USERFLAGS | KDBG_PIDCHECK | KDBG_PIDEXCLUDE),
		                   __ATOMIC_RELAXED);
		kd_nkdbufs = 0;
		kd_owner = -1;
		break;
	case KERN_KDSETREG:
		reg = kd_reg_arg(where, sizep, newp, newlen, &reglen);
		err = kd_setreg(reg, reglen);
		break;
	case KERN_KDPIDTR:
	case KERN_KDPIDEX:
		reg = kd_reg_arg(where, sizep, newp, newlen, &reglen);
		err = kd_setpid(reg, reglen, name[0] == KERN_KDPIDTR ? KDBG_PIDCHECK : KDBG_PIDEXCLUDE);
		break;
	case KERN_KDTHRMAP:
		err = kd_read_map(where, sizep);
		break;
	case KERN_KDREADCURTHRMAP:
		err = kd_read_current_map(where, sizep);
		break;
	case KERN_KDSET_TYPEFILTER:
		err = kd_set_typefilter(newp, newlen);
		break;
	case KERN_KDREADTR:
		if (where == NULL || sizep == NULL) {
			err = EINVAL;
			break;
		}
		err = kd_read(where, *sizep / sizeof(kd_buf), &count);
		*sizep = err == 0 ? count * sizeof(kd_buf) : 0;
		if (err == 0)
			__atomic_and_fetch(&kd_flags, ~KDBG_WRAPPED, __ATOMIC_RELAXED);
		break;
	default:
		err = EINVAL;
		break;
	}
	lck_mtx_unlock(kd_lock);
	return err;
}

void
kdbg_reset(void)
{
	uint8_t *tf;

	kd_lock_init();
	lck_mtx_lock(kd_lock);
	kd_free_buffers();
	kd_map_free();
	kd_clear_typefilter();
	proc_kdebug_unmark_all();
	tf = kd_typefilter;
	__atomic_store_n(&kd_typefilter, NULL, __ATOMIC_RELEASE);
	if (tf != NULL)
		kfree(tf, KDBG_TYPEFILTER_BITMAP_SIZE);
	__atomic_store_n(&kd_flags, 0, __ATOMIC_RELAXED);
	kd_nkdbufs = 0;
	kd_owner = -1;
	lck_mtx_unlock(kd_lock);
}

uint64_t
kdbg_lost_events(void)
{
	uint64_t n;

	kd_lock_init();
	lck_mtx_lock(kd_lock);
	n = kd_lost_total;
	for (uint32_t i = 0; kd_rings != NULL && i < kd_ncpus; i++)
		n += __atomic_load_n(&kd_rings[i].lost, __ATOMIC_RELAXED);
	lck_mtx_unlock(kd_lock);
	return n;
}

/* ---- kern.kdebug ------------------------------------------------------------------ */

bool
kdbg_old_is_input(const int *name, unsigned int namelen)
{
	return namelen >= 3 && name[0] == CTL_KERN && name[1] == KERN_KDEBUG &&
	       (name[2] == KERN_KDSETREG || name[2] == KERN_KDPIDTR || name[2] == KERN_KDPIDEX);
}

size_t
kdbg_oldlen_unit(const int *name, unsigned int namelen)
{
	return namelen >= 3 && name[0] == CTL_KERN && name[1] == KERN_KDEBUG && name[2] == KERN_KDREADTR
	               ? sizeof(kd_buf)
	               : 1;
}

/*
 * The node's handler gets the rest of the name. kern_sysctl.c stages old and
 * new values in kernel buffers (req->oldptr/newptr are kernel addresses), so
 * the operations work on them directly. Everything but KERN_KDGETBUF is the
 * superuser's, as on Darwin.
 */
static int kdbg_sysctl SYSCTL_HANDLER_ARGS
{
	const int *name = arg1;
	unsigned int namelen = (unsigned int)arg2;
	size_t size = req->oldptr != USER_ADDR_NULL ? req->oldlen : 0;
	void *where = req->oldptr != USER_ADDR_NULL ? (void *)(uintptr_t)req->oldptr : NULL;
	const void *newp = req->newptr != USER_ADDR_NULL ? (const void *)(uintptr_t)req->newptr : NULL;
	int err;

	if (namelen == 0)
		return EINVAL;
	if (name[0] != KERN_KDGETBUF && name[0] != KERN_KDREADCURTHRMAP &&
	    !kauth_cred_issuser(kauth_cred_get()))
		return EPERM;
	err = kdbg_control(name, namelen, where, &size, newp, req->newlen, proc_selfpid());
	if (err == 0 && where != NULL &&
	    (name[0] == KERN_KDREADTR || name[0] == KERN_KDGETBUF || name[0] == KERN_KDTHRMAP ||
	     name[0] == KERN_KDREADCURTHRMAP))
		req->oldidx = size;
	if (newp != NULL)
		req->newidx = req->newlen;
	return err;
}
SYSCTL_PROC(_kern, KERN_KDEBUG, kdebug,
            CTLTYPE_NODE | CTLFLAG_RW | CTLFLAG_ANYBODY | CTLFLAG_KERN | CTLFLAG_LOCKED, 0, 0, kdbg_sysctl,
            "", "kdebug trace operations");
