/*
 * locks_internal.h — layouts of the lock KPI's structures, private to the
 * kernel. Kexts see lck_*_t as opaque and allocate them with
 * lck_*_alloc_init(); kernel files may embed a lck_mtx_t, lck_spin_t or
 * lck_rw_t in their own structures and set it up with lck_*_init().
 *
 *  - lck_mtx_t: one 64-bit state word = owner thread pointer | WAITERS |
 *    SPIN_MODE. Lock is a CAS 0 -> self, unlock a CAS self -> 0; contention
 *    spins briefly, then sleeps in the host futex on the word's low half.
 *  - lck_spin_t: owner thread pointer, 0 when free. Never sleeps.
 *  - lck_rw_t: one 32-bit state word (reader count and flag bits, see
 *    lock_rw.c) that waiters futex-wait on, plus the exclusive owner.
 */
#ifndef _KERN_LOCKS_INTERNAL_H_
#define _KERN_LOCKS_INTERNAL_H_

#include <sys/cdefs.h>
#include <stdbool.h>
#include <stdint.h>
#include <kern/locks.h>

/* lck_*_type: what a lock structure currently is (0 once destroyed). */
#define LCK_TYPE_NONE 0x00u
#define LCK_TYPE_SPIN 0x11u
#define LCK_TYPE_MUTEX 0x22u
#define LCK_TYPE_RW 0x33u

/* lck_grp_attr_t / lck_attr_t bits. */
#define LCK_GRP_ATTR_STAT 0x1u /* count contention in the group */
#define LCK_ATTR_DEBUG 0x1u

struct _lck_grp_attr_ {
	uint32_t grp_attr_val;
};

struct _lck_attr_ {
	uint32_t lck_attr_val;
};

/*
 * Lock group: a name and counters. A group is freed when lck_grp_free() has
 * been called and every lock initialized in it has been destroyed.
 */
struct _lck_grp_ {
	uint32_t lck_grp_refcnt;  /* 1 for the allocation + 1 per live lock */
	uint32_t lck_grp_attr;    /* LCK_GRP_ATTR_* */
	uint32_t lck_grp_spincnt; /* live locks of each kind */
	uint32_t lck_grp_mtxcnt;
	uint32_t lck_grp_rwcnt;
	uint32_t lck_grp_pad;
	uint64_t lck_grp_mtx_miss; /* LCK_GRP_ATTR_STAT: mutex fast path failed */
	uint64_t lck_grp_mtx_wait; /* LCK_GRP_ATTR_STAT: a thread slept for a mutex */
	uint64_t lck_grp_rw_wait;  /* LCK_GRP_ATTR_STAT: a thread slept for an rw lock */
	char lck_grp_name[LCK_GRP_MAX_NAME];
};

#define LCK_MTX_WAITERS 0x1ull   /* someone may sleep in the futex: unlock must wake */
#define LCK_MTX_SPIN_MODE 0x2ull /* held through lck_mtx_lock_spin */
#define LCK_MTX_BITS 0x3ull
#define LCK_MTX_OWNER_MASK (~LCK_MTX_BITS)
/* State of a destroyed mutex: never 0, never a thread, so every operation takes the checked slow path. */
#define LCK_MTX_TAG_DESTROYED 0xdead00000000dea0ull

struct _lck_mtx_ {
	uint64_t lck_mtx_state; /* owner | LCK_MTX_WAITERS | LCK_MTX_SPIN_MODE */
	lck_grp_t *lck_mtx_grp;
	uint32_t lck_mtx_type;
	uint32_t lck_mtx_attr;
};

/* Owner word of a destroyed spin lock: never 0, never a thread (the checked slow path panics). */
#define LCK_SPIN_TAG_DESTROYED ((uintptr_t)0xdead00000000dea0ull)

struct _lck_spin_ {
	uintptr_t lck_spin_owner; /* thread pointer, 0 when free */
	lck_grp_t *lck_spin_grp;
	uint32_t lck_spin_type;
	uint32_t lck_spin_pad;
};

struct _lck_rw_ {
	uint32_t lck_rw_state; /* LCK_RW_* bits and reader count; the futex word */
	uint32_t lck_rw_type;
	struct thread *lck_rw_owner; /* exclusive holder (writer or upgrader) */
	lck_grp_t *lck_rw_grp;
};

/* XNU's private mutex calls: spin-mode variants that never block in XNU. */
void lck_mtx_lock_spin_always(lck_mtx_t *lck);
boolean_t lck_mtx_try_lock_spin_always(lck_mtx_t *lck);
/* Does the current thread hold `lck`? (cheap, for assertions in other kernel files) */
boolean_t lck_mtx_owned_by_current(lck_mtx_t *lck);

/* Group reference counting, used by the lock constructors/destructors. */
lck_grp_t *lck_grp_resolve(lck_grp_t *grp);
void lck_grp_reference(lck_grp_t *grp, uint32_t *cnt);
void lck_grp_deallocate(lck_grp_t *grp, uint32_t *cnt);
/* The group kernel code gets when it passes LCK_GRP_NULL. */
extern lck_grp_t lck_grp_kernel;

/* A short busy-wait hint for spin loops. */
static inline void
lck_cpu_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * The most a contended mutex or rw lock spins before it sleeps (ns; the
 * mtxspin boot-arg in microseconds, 10 us by default as in XNU; 0 on a
 * single CPU, where spinning cannot help). Each thread adapts its own spin
 * within that bound (spin_internal.h).
 */
extern uint64_t lck_mtx_spin_ns;

#endif /* _KERN_LOCKS_INTERNAL_H_ */
