/*
 * lock_order.c — lock-order checking behind the lockorder= boot-arg
 * (lockorder=1 reports in the kernel log, lockorder=2 also panics).
 *
 * Every thread keeps the stack of locks it holds, each with the backtrace
 * of its acquisition. When a thread that holds A blocks to take B, the
 * order "A before B" is learnt: an edge A -> B in one global table, kept
 * with both backtraces. If the edge B -> A was learnt earlier, by any
 * thread, the two orders can deadlock: that is reported before this thread
 * blocks, with the backtraces of both acquisitions now and of both when
 * the opposite order was learnt:
 *
 *     lock order reversal:
 *      1st 0x... (mutex, group "a") @ <frame>
 *      2nd 0x... (mutex, group "b") @ <frame>
 *     1st 0x... taken at: <backtrace>
 *     2nd 0x... taken at: <backtrace>
 *     the opposite order (2nd, then 1st) was established at:
 *     2nd 0x... taken at: <backtrace>
 *     1st 0x... taken at: <backtrace>
 *
 * Each pair is reported once. Longer cycles are found too, as WITNESS
 * and lockdep find them: when a thread learns a new order A -> B, a search
 * from B along the learnt orders (breadth first, at most LO_BFS_MAX locks
 * and LO_PATH_MAX orders deep) looks for A; finding it (B -> C -> A, say)
 * means three threads could deadlock, and the report lists each earlier
 * order of the path with the backtraces that established it. The search
 * scans the order table for a lock's outgoing orders; it runs only when an
 * order is new (rare once the kernel is warm) and skips locks that have
 * none (a second bitmap, of `from` addresses).
 *
 * Classes are lock addresses. Grouping by lck_grp, as WITNESS groups by
 * name, would put every IOLock of every driver in one class (they share
 * the "IOKit" group) and report reversals between unrelated instances;
 * an address is exact. Since addresses are reused, lck_*_destroy forgets
 * a lock's edges (a bitmap of hashed addresses makes that scan rare).
 *
 * Try-locks record the hold but learn no order: they never block. The
 * tables are host memory guarded by an early spin lock, never lck_* (the
 * checker must not check itself) and never zones.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/debug.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "osfmk/kern/early_spin.h"
#include "osfmk/kern/debug_internal.h"
#include "osfmk/kern/locks_internal.h"
#include "osfmk/kern/lock_order.h"
#include "osfmk/kern/thread_internal.h"

#define LO_BT 6            /* frames kept per acquisition */
#define LO_MAX_HELD 32     /* locks one thread can be tracked holding */
#define LO_EDGES 16384     /* order table slots (a power of 2) */
#define LO_SEEN_BITS 65536 /* bitmap of hashed addresses that are in some edge */

#define LO_BFS_MAX 32 /* locks one cycle search visits */
#define LO_PATH_MAX 6 /* earlier orders in a reported cycle */

#define LO_E_FREE 0
#define LO_E_USED 1
#define LO_E_DEAD 2 /* forgotten: lookups probe past it */

struct lo_held {
	const void *lh_lck;
	uint32_t lh_type;
	uint32_t lh_pad;
	uintptr_t lh_bt[LO_BT];
};

struct lo_edge {
	uintptr_t le_from, le_to;
	uint32_t le_state;
	uint32_t le_reported;
	uint32_t le_from_type, le_to_type;
	uintptr_t le_from_bt[LO_BT]; /* where `from` was taken ... */
	uintptr_t le_to_bt[LO_BT];   /* ... and then `to`, the first time */
};

/* A cycle search's queue and the path it found (per thread: no stack, no allocation). */
struct lo_search {
	uintptr_t ls_node[LO_BFS_MAX];
	int ls_parent[LO_BFS_MAX]; /* queue index of the lock it was reached from, -1 for the start */
	uint32_t ls_via[LO_BFS_MAX];
	uint32_t ls_depth[LO_BFS_MAX];
	struct lo_edge ls_path[LO_PATH_MAX]; /* copies: the table may change once lo_lock is dropped */
	uint32_t ls_len;
};

/* Per thread (thread->th_lock_order), one page from the host, made on first use. */
struct lo_thread {
	uint32_t lt_n;
	uint32_t lt_busy;     /* in the checker: locks taken by the report itself are not tracked */
	uint32_t lt_overflow; /* holds beyond LO_MAX_HELD, untracked */
	struct lo_held lt_held[LO_MAX_HELD];
	struct lo_search lt_search;
};
_Static_assert(sizeof(struct lo_thread) <= 4096, "struct lo_thread must fit the page it lives in");

int lck_order_on;
static int lo_mode;
static early_spin_t lo_lock = EARLY_SPIN_INIT;
static struct lo_edge *lo_edges;
static uint64_t *lo_seen;
static uint64_t *lo_from_seen; /* hashed addresses that are the `from` of some order */
static uint32_t lo_nedges;
static int lo_full_reported;
static uint64_t lo_reversals;

/* ---- tables -------------------------------------------------------------------- */

static inline uint32_t
lo_hash_addr(uintptr_t a)
{
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdULL;
	a ^= a >> 29;
	return (uint32_t)a;
}

static inline uint32_t
lo_hash(uintptr_t from, uintptr_t to)
{
	return lo_hash_addr(from * 31 + to) & (LO_EDGES - 1);
}

static void
lo_bit_set(uint64_t *bits, uintptr_t a)
{
	uint32_t b = lo_hash_addr(a) % LO_SEEN_BITS;

	bits[b / 64] |= 1ULL << (b % 64);
}

static int
lo_bit_test(const uint64_t *bits, uintptr_t a)
{
	uint32_t b = lo_hash_addr(a) % LO_SEEN_BITS;

	return (bits[b / 64] >> (b % 64)) & 1;
}

/* The edge from -> to, or NULL (lo_lock held). */
static struct lo_edge *
lo_find(uintptr_t from, uintptr_t to)
{
	uint32_t i = lo_hash(from, to);

	for (uint32_t n = 0; n < LO_EDGES; n++, i = (i + 1) & (LO_EDGES - 1)) {
		struct lo_edge *e = &lo_edges[i];

		if (e->le_state == LO_E_FREE) {
			return NULL;
		}
		if (e->le_state == LO_E_USED && e->le_from == from && e->le_to == to) {
			return e;
		}
	}
	return NULL;
}

/* Make room for from -> to (known absent); NULL when the table is full (lo_lock held). */
static struct lo_edge *
lo_insert(uintptr_t from, uintptr_t to)
{
	uint32_t i = lo_hash(from, to);

	if (lo_nedges >= LO_EDGES * 3 / 4) {
		return NULL; /* keep probes short */
	}
	for (uint32_t n = 0; n < LO_EDGES; n++, i = (i + 1) & (LO_EDGES - 1)) {
		struct lo_edge *e = &lo_edges[i];

		if (e->le_state != LO_E_USED) {
			if (e->le_state == LO_E_FREE) {
				lo_nedges++;
			}
			e->le_state = LO_E_USED;
			e->le_from = from;
			e->le_to = to;
			e->le_reported = 0;
			lo_bit_set(lo_seen, from);
			lo_bit_set(lo_seen, to);
			lo_bit_set(lo_from_seen, from);
			return e;
		}
	}
	return NULL;
}

/*
 * A path of learnt orders from -> ... -> to of 2 to LO_PATH_MAX orders (the
 * direct one is the caller's), breadth first: the shortest such path. Fills
 * ls->ls_path (copies, in order) and ls_len; 0 when none within the bounds
 * (lo_lock held).
 */
static uint32_t
lo_find_path(uintptr_t from, uintptr_t to, struct lo_search *ls)
{
	uint32_t n = 1;

	ls->ls_node[0] = from;
	ls->ls_parent[0] = -1;
	ls->ls_depth[0] = 0;
	ls->ls_len = 0;
	for (uint32_t q = 0; q < n; q++) {
		uintptr_t x = ls->ls_node[q];

		if (ls->ls_depth[q] >= LO_PATH_MAX || !lo_bit_test(lo_from_seen, x)) {
			continue;
		}
		for (uint32_t i = 0; i < LO_EDGES; i++) {
			const struct lo_edge *e = &lo_edges[i];
			uintptr_t y = e->le_to;
			uint32_t k;

			if (e->le_state != LO_E_USED || e->le_from != x) {
				continue;
			}
			if (y == to) {
				if (q == 0) {
					continue; /* the direct order: a plain reversal, found by the caller */
				}
				/* Walk back from x to the start, then store the path in order. */
				uint32_t len = ls->ls_depth[q] + 1, at = len;
				ls->ls_path[--at] = *e;
				for (int j = (int)q; ls->ls_parent[j] >= 0; j = ls->ls_parent[j]) {
					ls->ls_path[--at] = lo_edges[ls->ls_via[j]];
				}
				ls->ls_len = len;
				return len;
			}
			for (k = 0; k < n && ls->ls_node[k] != y; k++) {
			}
			if (k < n || n == LO_BFS_MAX) {
				continue;
			}
			ls->ls_node[n] = y;
			ls->ls_parent[n] = (int)q;
			ls->ls_via[n] = i;
			ls->ls_depth[n] = ls->ls_depth[q] + 1;
			n++;
		}
	}
	return 0;
}

/* ---- per-thread holds ---------------------------------------------------------- */

static struct lo_thread *
lo_thread(void)
{
	struct thread *th = current_thread_fast();
	void *mem = th->th_lock_order;

	if (__probable(mem != NULL)) {
		return mem;
	}
	if (khost_vm_alloc(khost_page_size(), 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &mem) != 0) {
		return NULL; /* no memory: this thread goes unchecked */
	}
	th->th_lock_order = mem;
	return mem;
}

void
lck_order_thread_free(struct thread *th)
{
	if (th->th_lock_order != NULL) {
		(void)khost_vm_free(th->th_lock_order, khost_page_size());
		th->th_lock_order = NULL;
	}
}

static void
lo_push(struct lo_thread *lt, const void *lck, uint32_t type, const uintptr_t *bt)
{
	struct lo_held *h;

	if (lt->lt_n >= LO_MAX_HELD) {
		lt->lt_overflow++;
		return;
	}
	h = &lt->lt_held[lt->lt_n++];
	h->lh_lck = lck;
	h->lh_type = type;
	for (unsigned int i = 0; i < LO_BT; i++) {
		h->lh_bt[i] = bt[i];
	}
}

/* ---- reports ------------------------------------------------------------------- */

static const char *
lo_type_name(uint32_t type)
{
	switch (type) {
	case LCK_TYPE_MUTEX:
		return "mutex";
	case LCK_TYPE_RW:
		return "rw lock";
	case LCK_TYPE_SPIN:
		return "spin lock";
	default:
		return "lock";
	}
}

/* The group name of a live lock. */
static const char *
lo_group_name(const void *lck, uint32_t type)
{
	lck_grp_t *grp = NULL;

	if (type == LCK_TYPE_MUTEX) {
		grp = ((const lck_mtx_t *)lck)->lck_mtx_grp;
	} else if (type == LCK_TYPE_RW) {
		grp = ((const lck_rw_t *)lck)->lck_rw_grp;
	} else if (type == LCK_TYPE_SPIN) {
		grp = ((const lck_spin_t *)lck)->lck_spin_grp;
	}
	return grp != NULL ? grp->lck_grp_name : "?";
}

static void
lo_print_bt(const char *what, const void *lck, const uintptr_t *bt)
{
	char frame[160];

	printf("%s %p taken at:\n", what, lck);
	for (unsigned int i = 0; i < LO_BT && bt[i] != 0; i++) {
		(void)debug_format_frame(bt[i], frame, sizeof(frame));
		printf("  #%u %s\n", i, frame);
	}
}

/* The report's first part: the title, then the two acquisitions now (held, then being taken). */
static void
lo_report_head(const char *title, const struct lo_held *first, const void *second, uint32_t type2,
               const uintptr_t *bt2)
{
	char f1[160], f2[160];

	(void)debug_format_frame(first->lh_bt[0], f1, sizeof(f1));
	(void)debug_format_frame(bt2[0], f2, sizeof(f2));
	printf("%s\n", title);
	printf(" 1st %p (%s, group \"%s\") @ %s\n", first->lh_lck, lo_type_name(first->lh_type),
	       lo_group_name(first->lh_lck, first->lh_type), f1);
	printf(" 2nd %p (%s, group \"%s\") @ %s\n", second, lo_type_name(type2), lo_group_name(second, type2),
	       f2);
	lo_print_bt("1st", first->lh_lck, first->lh_bt);
	lo_print_bt("2nd", second, bt2);
}

static void
lo_report(const struct lo_held *first, const void *second, uint32_t type2, const uintptr_t *bt2,
          const struct lo_edge *opposite)
{
	lo_report_head("lock order reversal:", first, second, type2, bt2);
	printf("the opposite order (2nd, then 1st) was established at:\n");
	lo_print_bt("2nd", second, opposite->le_from_bt);
	lo_print_bt("1st", first->lh_lck, opposite->le_to_bt);
	if (lo_mode >= LCK_ORDER_PANIC) {
		panic("lock order reversal: %p (%s) then %p (%s), the opposite of an earlier order",
		      first->lh_lck, lo_group_name(first->lh_lck, first->lh_type), second,
		      lo_group_name(second, type2));
	}
}

static void
lo_report_cycle(const struct lo_held *first, const void *second, uint32_t type2, const uintptr_t *bt2,
                const struct lo_search *ls)
{
	char title[64];

	snprintf(title, sizeof(title), "lock order reversal (a cycle of %u locks):", ls->ls_len + 1);
	lo_report_head(title, first, second, type2, bt2);
	printf("the opposite order (2nd, then 1st) goes through %u earlier orders:\n", ls->ls_len);
	for (uint32_t i = 0; i < ls->ls_len; i++) {
		const struct lo_edge *e = &ls->ls_path[i];

		printf(" order %u: %p (%s, group \"%s\") then %p (%s, group \"%s\"), established at:\n",
		       i + 1, (const void *)e->le_from, lo_type_name(e->le_from_type),
		       lo_group_name((const void *)e->le_from, e->le_from_type), (const void *)e->le_to,
		       lo_type_name(e->le_to_type), lo_group_name((const void *)e->le_to, e->le_to_type));
		lo_print_bt("lock", (const void *)e->le_from, e->le_from_bt);
		lo_print_bt("lock", (const void *)e->le_to, e->le_to_bt);
	}
	if (lo_mode >= LCK_ORDER_PANIC) {
		panic("lock order reversal: %p (%s) then %p (%s) closes a cycle of %u locks", first->lh_lck,
		      lo_group_name(first->lh_lck, first->lh_type), second, lo_group_name(second, type2),
		      ls->ls_len + 1);
	}
}

/* ---- hooks --------------------------------------------------------------------- */

__attribute__((noinline)) void
lck_order_will_lock(const void *lck, uint32_t type)
{
	struct lo_thread *lt = lo_thread();
	uintptr_t bt[LO_BT] = {0};
	struct lo_edge found;
	int report = -1, cycle = -1;

	if (lt == NULL || lt->lt_busy || lo_edges == NULL) {
		return;
	}
	lt->lt_busy = 1;
	/* Frame 0 is the caller of the lock function (this hook and the lock function skipped). */
	(void)debug_backtrace(NULL, bt, LO_BT, 2);
	early_spin_lock(&lo_lock);
	for (uint32_t i = 0; i < lt->lt_n; i++) {
		const struct lo_held *h = &lt->lt_held[i];
		struct lo_edge *e;

		if (h->lh_lck == lck) {
			continue; /* a recursive read hold; the lock itself judges recursion */
		}
		e = lo_find((uintptr_t)lck, (uintptr_t)h->lh_lck);
		if (e != NULL && !e->le_reported && report < 0) {
			e->le_reported = 1;
			found = *e;
			report = (int)i;
		}
		if (lo_find((uintptr_t)h->lh_lck, (uintptr_t)lck) == NULL) {
			/* A new order: does it close a longer cycle? (Searched before it is in the table.) */
			if (report < 0 && cycle < 0 &&
			    lo_find_path((uintptr_t)lck, (uintptr_t)h->lh_lck, &lt->lt_search))
				cycle = (int)i;
			e = lo_insert((uintptr_t)h->lh_lck, (uintptr_t)lck);
			if (e == NULL) {
				if (!lo_full_reported) {
					lo_full_reported = 1;
					printf("lock order: order table full; new orders are not checked\n");
				}
				continue;
			}
			e->le_from_type = h->lh_type;
			e->le_to_type = type;
			for (unsigned int k = 0; k < LO_BT; k++) {
				e->le_from_bt[k] = h->lh_bt[k];
				e->le_to_bt[k] = bt[k];
			}
		}
	}
	if (report >= 0 || cycle >= 0) {
		lo_reversals++;
	}
	early_spin_unlock(&lo_lock);
	if (report >= 0) {
		lo_report(&lt->lt_held[report], lck, type, bt, &found);
	} else if (cycle >= 0) {
		lo_report_cycle(&lt->lt_held[cycle], lck, type, bt, &lt->lt_search);
	}
	lo_push(lt, lck, type, bt);
	lt->lt_busy = 0;
}

__attribute__((noinline)) void
lck_order_did_trylock(const void *lck, uint32_t type)
{
	struct lo_thread *lt = lo_thread();
	uintptr_t bt[LO_BT] = {0};

	if (lt == NULL || lt->lt_busy) {
		return;
	}
	(void)debug_backtrace(NULL, bt, LO_BT, 2);
	lo_push(lt, lck, type, bt);
}

void
lck_order_unlock(const void *lck)
{
	struct thread *th = current_thread_fast();
	struct lo_thread *lt = th->th_lock_order;

	if (lt == NULL || lt->lt_busy) {
		return;
	}
	/* Usually the newest hold; locks may be dropped out of order. */
	for (uint32_t i = lt->lt_n; i-- > 0;) {
		if (lt->lt_held[i].lh_lck == lck) {
			for (uint32_t k = i; k + 1 < lt->lt_n; k++) {
				lt->lt_held[k] = lt->lt_held[k + 1];
			}
			lt->lt_n--;
			return;
		}
	}
	if (lt->lt_overflow > 0) {
		lt->lt_overflow--;
	}
	/* Else: taken by another thread (rw shared handed over) or before checking began. */
}

void
lck_order_forget(const void *lck)
{
	uintptr_t a = (uintptr_t)lck;

	if (lo_edges == NULL) {
		return;
	}
	early_spin_lock(&lo_lock);
	if (lo_bit_test(lo_seen, a)) {
		for (uint32_t i = 0; i < LO_EDGES; i++) {
			struct lo_edge *e = &lo_edges[i];

			if (e->le_state == LO_E_USED && (e->le_from == a || e->le_to == a)) {
				e->le_state = LO_E_DEAD;
			}
		}
	}
	early_spin_unlock(&lo_lock);
}

uint64_t
lck_order_reversal_count(void)
{
	uint64_t n;

	early_spin_lock(&lo_lock);
	n = lo_reversals;
	early_spin_unlock(&lo_lock);
	return n;
}

int
lck_order_set(int mode)
{
	size_t esz = sizeof(struct lo_edge) * LO_EDGES;
	void *edges = NULL, *seen = NULL, *from_seen = NULL;

	if (mode <= LCK_ORDER_OFF) {
		__atomic_store_n(&lck_order_on, 0, __ATOMIC_RELEASE);
		lo_mode = LCK_ORDER_OFF;
		return 0;
	}
	if (lo_edges == NULL) {
		if (khost_vm_alloc(esz, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &edges) != 0) {
			return ENOMEM;
		}
		if (khost_vm_alloc(LO_SEEN_BITS / 8, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &seen) != 0) {
			(void)khost_vm_free(edges, esz);
			return ENOMEM;
		}
		if (khost_vm_alloc(LO_SEEN_BITS / 8, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &from_seen) !=
		    0) {
			(void)khost_vm_free(seen, LO_SEEN_BITS / 8);
			(void)khost_vm_free(edges, esz);
			return ENOMEM;
		}
		lo_seen = seen;
		lo_from_seen = from_seen;
		lo_edges = edges; /* last: lo_edges != NULL tells the hooks the tables exist */
	}
	lo_mode = mode >= LCK_ORDER_PANIC ? LCK_ORDER_PANIC : LCK_ORDER_LOG;
	__atomic_store_n(&lck_order_on, 1, __ATOMIC_RELEASE);
	return 0;
}

void
lck_order_init(void)
{
	int mode = 0;

	(void)lck_order_set(LCK_ORDER_OFF);
	if (!PE_parse_boot_argn("lockorder", &mode, sizeof(mode)) || mode <= 0) {
		return;
	}
	if (lck_order_set(mode) != 0) {
		printf("lock order: no memory for the order table; checking is off\n");
		return;
	}
	printf("lock order: checking lck_mtx, lck_rw and lck_spin orders (%s on a reversal)\n",
	       lo_mode == LCK_ORDER_PANIC ? "panic" : "report");
}
