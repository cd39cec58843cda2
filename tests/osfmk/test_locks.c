/*
 * test_locks.c — the Mach lock KPI: lck_mtx (ownership, try-lock, spin mode,
 * asserts and their panics), lck_spin, lck_rw (shared, exclusive, upgrade
 * failure releasing the lock, downgrade, lck_rw_done's answer, writer
 * preference), lock groups, and concurrency: N kernel threads x M
 * increments under each lock kind must give exact totals; readers must be
 * able to hold an rw lock at the same time.
 */
#include "tests/ktest.h"
#include <stdbool.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "osfmk/kern/locks_internal.h"
#include "osfmk/kern/startup.h"

#define WAIT_LIMIT_NS (10ull * 1000 * 1000 * 1000)

static lck_grp_t *grp;

static void
setup(void)
{
	grp = lck_grp_alloc_init("test_locks", LCK_GRP_ATTR_NULL);
	ck_assert_ptr_nonnull(grp);
}

static uint32_t
load32(uint32_t *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

/* Poll until *v >= want, or give up after WAIT_LIMIT_NS; returns the last value. */
static uint32_t
wait_for(uint32_t *v, uint32_t want)
{
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	uint32_t got;

	while ((got = load32(v)) < want && khost_uptime_ns() < end)
		khost_thread_yield();
	return got;
}

static void
start(thread_continue_t fn, void *arg)
{
	thread_t th;
	ck_assert_int_eq(kernel_thread_start(fn, arg, &th), KERN_SUCCESS);
	thread_deallocate(th);
}

/* ---- lck_mtx semantics --------------------------------------------------- */

START_TEST(lck_selfcheck_passes)
{
	ck_assert_int_eq(lck_selfcheck(), 0);
}
END_TEST

START_TEST(mtx_basic)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(grp->lck_grp_mtxcnt, 1);

	lck_mtx_assert(m, LCK_MTX_ASSERT_NOTOWNED);
	lck_mtx_lock(m);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED);
	ck_assert(lck_mtx_owned_by_current(m));
	ck_assert_int_eq(lck_mtx_try_lock(m), FALSE); /* held (by us): try fails, no panic */
	lck_mtx_unlock(m);
	ck_assert(!lck_mtx_owned_by_current(m));
	ck_assert_int_eq(lck_mtx_try_lock(m), TRUE);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED);
	lck_mtx_unlock(m);

	/* Spin mode, converted to a full mutex, then released. */
	lck_mtx_lock_spin(m);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED);
	ck_assert(m->lck_mtx_state & LCK_MTX_SPIN_MODE);
	lck_mtx_convert_spin(m);
	ck_assert(!(m->lck_mtx_state & LCK_MTX_SPIN_MODE));
	lck_mtx_unlock(m);
	ck_assert_int_eq(lck_mtx_try_lock_spin(m), TRUE);
	lck_mtx_unlock(m);
	ck_assert_uint_eq(m->lck_mtx_state, 0);

	lck_mtx_free(m, grp);
	ck_assert_uint_eq(grp->lck_grp_mtxcnt, 0);
	lck_grp_free(grp);
}
END_TEST

START_TEST(mtx_embedded_null_group)
{
	lck_mtx_t m;
	uint32_t before = lck_grp_kernel.lck_grp_mtxcnt;

	lck_mtx_init(&m, LCK_GRP_NULL, LCK_ATTR_NULL);
	ck_assert_uint_eq(lck_grp_kernel.lck_grp_mtxcnt, before + 1);
	lck_mtx_lock(&m);
	lck_mtx_unlock(&m);
	lck_mtx_destroy(&m, LCK_GRP_NULL);
	ck_assert_uint_eq(lck_grp_kernel.lck_grp_mtxcnt, before);
}
END_TEST

START_TEST(mtx_unlock_unowned_panics)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_unlock(m);
}
END_TEST

static void
hold_forever(void *arg, wait_result_t wr)
{
	lck_mtx_t *m = arg;
	lck_mtx_lock(m);
	/* Keep it: the test thread then tries to release a mutex it does not own. */
}

START_TEST(mtx_unlock_by_other_thread_panics)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	start(hold_forever, m);
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	while (__atomic_load_n(&m->lck_mtx_state, __ATOMIC_ACQUIRE) == 0 && khost_uptime_ns() < end)
		khost_thread_yield();
	lck_mtx_unlock(m); /* panics: owned by the other thread */
}
END_TEST

START_TEST(mtx_recursive_lock_panics)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_lock(m);
	lck_mtx_lock(m);
}
END_TEST

START_TEST(mtx_assert_owned_panics)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED);
}
END_TEST

START_TEST(mtx_assert_notowned_panics)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_lock(m);
	lck_mtx_assert(m, LCK_MTX_ASSERT_NOTOWNED);
}
END_TEST

START_TEST(mtx_assert_bad_type_panics)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_assert(m, 7);
}
END_TEST

START_TEST(mtx_destroy_held_panics)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_lock(m);
	lck_mtx_destroy(m, grp);
}
END_TEST

START_TEST(mtx_use_after_destroy_panics)
{
	lck_mtx_t m;
	lck_mtx_init(&m, LCK_GRP_NULL, LCK_ATTR_NULL);
	lck_mtx_destroy(&m, LCK_GRP_NULL);
	lck_mtx_lock(&m);
}
END_TEST

START_TEST(mtx_sleep_bad_action_panics)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_lock(m);
	lck_mtx_sleep(m, 0x100, m, THREAD_UNINT);
}
END_TEST

/* ---- lck_spin semantics -------------------------------------------------- */

START_TEST(spin_basic)
{
	setup();
	lck_spin_t *s = lck_spin_alloc_init(grp, LCK_ATTR_NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(grp->lck_grp_spincnt, 1);
	lck_spin_assert(s, LCK_ASSERT_NOTOWNED);
	lck_spin_lock(s);
	lck_spin_assert(s, LCK_ASSERT_OWNED);
	ck_assert_int_eq(lck_spin_try_lock(s), FALSE);
	lck_spin_unlock(s);
	ck_assert_int_eq(lck_spin_try_lock(s), TRUE);
	lck_spin_unlock(s);
	lck_spin_free(s, grp);
	ck_assert_uint_eq(grp->lck_grp_spincnt, 0);
}
END_TEST

START_TEST(spin_recursive_panics)
{
	setup();
	lck_spin_t *s = lck_spin_alloc_init(grp, LCK_ATTR_NULL);
	lck_spin_lock(s);
	lck_spin_lock(s);
}
END_TEST

START_TEST(spin_unlock_unowned_panics)
{
	setup();
	lck_spin_t *s = lck_spin_alloc_init(grp, LCK_ATTR_NULL);
	lck_spin_unlock(s);
}
END_TEST

START_TEST(spin_assert_owned_panics)
{
	setup();
	lck_spin_t *s = lck_spin_alloc_init(grp, LCK_ATTR_NULL);
	lck_spin_assert(s, LCK_ASSERT_OWNED);
}
END_TEST

START_TEST(spin_use_after_destroy_panics)
{
	lck_spin_t s;
	lck_spin_init(&s, LCK_GRP_NULL, LCK_ATTR_NULL);
	lck_spin_destroy(&s, LCK_GRP_NULL);
	lck_spin_lock(&s);
}
END_TEST

/* ---- lck_rw semantics ---------------------------------------------------- */

START_TEST(rw_basic)
{
	setup();
	lck_rw_t *rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	ck_assert_ptr_nonnull(rw);
	ck_assert_uint_eq(grp->lck_grp_rwcnt, 1);
	lck_rw_assert(rw, LCK_RW_ASSERT_NOTHELD);

	lck_rw_lock_shared(rw);
	lck_rw_lock_shared(rw);
	lck_rw_assert(rw, LCK_RW_ASSERT_SHARED);
	lck_rw_assert(rw, LCK_RW_ASSERT_HELD);
	ck_assert_int_eq(lck_rw_try_lock_exclusive(rw), FALSE);
	ck_assert_int_eq(lck_rw_try_lock_shared(rw), TRUE);
	ck_assert_uint_eq(lck_rw_done(rw), LCK_RW_TYPE_SHARED);
	lck_rw_unlock_shared(rw);
	lck_rw_unlock(rw, LCK_RW_TYPE_SHARED);
	lck_rw_assert(rw, LCK_RW_ASSERT_NOTHELD);

	lck_rw_lock_exclusive(rw);
	lck_rw_assert(rw, LCK_RW_ASSERT_EXCLUSIVE);
	lck_rw_assert(rw, LCK_RW_ASSERT_HELD);
	ck_assert_int_eq(lck_rw_try_lock_shared(rw), FALSE);
	ck_assert_uint_eq(lck_rw_done(rw), LCK_RW_TYPE_EXCLUSIVE);
	ck_assert_int_eq(lck_rw_try_lock(rw, LCK_RW_TYPE_EXCLUSIVE), TRUE);
	lck_rw_unlock(rw, LCK_RW_TYPE_EXCLUSIVE);
	lck_rw_lock(rw, LCK_RW_TYPE_EXCLUSIVE);
	lck_rw_unlock_exclusive(rw);
	ck_assert_uint_eq(rw->lck_rw_state, 0);

	lck_rw_free(rw, grp);
	ck_assert_uint_eq(grp->lck_grp_rwcnt, 0);
}
END_TEST

START_TEST(rw_upgrade_downgrade)
{
	setup();
	lck_rw_t *rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);

	lck_rw_lock_shared(rw);
	ck_assert_int_eq(lck_rw_lock_shared_to_exclusive(rw), TRUE);
	lck_rw_assert(rw, LCK_RW_ASSERT_EXCLUSIVE);
	ck_assert_int_eq(lck_rw_try_lock_shared(rw), FALSE);
	lck_rw_lock_exclusive_to_shared(rw);
	lck_rw_assert(rw, LCK_RW_ASSERT_SHARED);
	ck_assert_int_eq(lck_rw_try_lock_shared(rw), TRUE); /* others may read after a downgrade */
	ck_assert_int_eq(lck_rw_try_lock_exclusive(rw), FALSE);
	ck_assert_uint_eq(lck_rw_done(rw), LCK_RW_TYPE_SHARED);
	ck_assert_uint_eq(lck_rw_done(rw), LCK_RW_TYPE_SHARED);
	lck_rw_assert(rw, LCK_RW_ASSERT_NOTHELD);

	/* An upgraded lock reports exclusive to lck_rw_done. */
	lck_rw_lock_shared(rw);
	ck_assert_int_eq(lck_rw_lock_shared_to_exclusive(rw), TRUE);
	ck_assert_uint_eq(lck_rw_done(rw), LCK_RW_TYPE_EXCLUSIVE);
	ck_assert_uint_eq(rw->lck_rw_state, 0);
}
END_TEST

/* Two readers upgrade at once: exactly one wins; the loser's hold is released. */
struct upgrade_race {
	lck_rw_t *rw;
	uint32_t holding; /* readers holding the lock shared */
	uint32_t go;
	uint32_t done;
	uint32_t won;
	uint32_t lost;
	uint32_t lost_state_ok; /* the loser saw the lock no longer held by it */
};

static void
upgrader(void *arg, wait_result_t wr)
{
	struct upgrade_race *u = arg;

	lck_rw_lock_shared(u->rw);
	__atomic_add_fetch(&u->holding, 1, __ATOMIC_ACQ_REL);
	while (!load32(&u->go))
		khost_thread_yield();
	if (lck_rw_lock_shared_to_exclusive(u->rw)) {
		lck_rw_assert(u->rw, LCK_RW_ASSERT_EXCLUSIVE);
		__atomic_add_fetch(&u->won, 1, __ATOMIC_ACQ_REL);
		lck_rw_unlock_exclusive(u->rw);
	} else {
		__atomic_add_fetch(&u->lost, 1, __ATOMIC_ACQ_REL);
	}
	__atomic_add_fetch(&u->done, 1, __ATOMIC_ACQ_REL);
}

START_TEST(rw_upgrade_failure_releases)
{
	static struct upgrade_race u;
	setup();
	u.rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);

	start(upgrader, &u);
	start(upgrader, &u);
	ck_assert_uint_eq(wait_for(&u.holding, 2), 2);
	__atomic_store_n(&u.go, 1, __ATOMIC_RELEASE);
	/* The winner can only finish once the loser's shared hold is gone. */
	ck_assert_uint_eq(wait_for(&u.done, 2), 2);
	ck_assert_uint_eq(u.won, 1);
	ck_assert_uint_eq(u.lost, 1);
	lck_rw_assert(u.rw, LCK_RW_ASSERT_NOTHELD);
	ck_assert_uint_eq(u.rw->lck_rw_state, 0);
}
END_TEST

START_TEST(rw_unlock_shared_when_exclusive_panics)
{
	setup();
	lck_rw_t *rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	lck_rw_lock_exclusive(rw);
	lck_rw_unlock_shared(rw);
}
END_TEST

START_TEST(rw_done_unheld_panics)
{
	setup();
	lck_rw_t *rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	lck_rw_done(rw);
}
END_TEST

START_TEST(rw_assert_exclusive_panics)
{
	setup();
	lck_rw_t *rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	lck_rw_lock_shared(rw);
	lck_rw_assert(rw, LCK_RW_ASSERT_EXCLUSIVE);
}
END_TEST

START_TEST(rw_bad_type_panics)
{
	setup();
	lck_rw_t *rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	lck_rw_lock(rw, 3);
}
END_TEST

/* ---- concurrency: exact totals ------------------------------------------- */

#define NTHREADS 4
#define NINCR 100000

enum lock_kind { KIND_MTX, KIND_SPIN, KIND_RW, KIND_MTX_SPIN };

struct counter_test {
	enum lock_kind kind;
	lck_mtx_t *mtx;
	lck_spin_t *spin;
	lck_rw_t *rw;
	uint32_t ready;
	uint32_t go;
	uint32_t done;
	uint64_t value; /* plain: only ever touched under the lock */
};

static void
counter_thread(void *arg, wait_result_t wr)
{
	struct counter_test *t = arg;

	__atomic_add_fetch(&t->ready, 1, __ATOMIC_ACQ_REL);
	while (!load32(&t->go))
		khost_thread_yield();
	for (int i = 0; i < NINCR; i++) {
		switch (t->kind) {
		case KIND_MTX:
			lck_mtx_lock(t->mtx);
			t->value++;
			lck_mtx_unlock(t->mtx);
			break;
		case KIND_MTX_SPIN:
			lck_mtx_lock_spin(t->mtx);
			t->value++;
			lck_mtx_unlock(t->mtx);
			break;
		case KIND_SPIN:
			lck_spin_lock(t->spin);
			t->value++;
			lck_spin_unlock(t->spin);
			break;
		case KIND_RW:
			lck_rw_lock_exclusive(t->rw);
			t->value++;
			lck_rw_unlock_exclusive(t->rw);
			break;
		}
	}
	__atomic_add_fetch(&t->done, 1, __ATOMIC_ACQ_REL);
}

static void
run_counter(enum lock_kind kind)
{
	static struct counter_test t;

	setup();
	t.kind = kind;
	t.mtx = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	t.spin = lck_spin_alloc_init(grp, LCK_ATTR_NULL);
	t.rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	for (int i = 0; i < NTHREADS; i++)
		start(counter_thread, &t);
	ck_assert_uint_eq(wait_for(&t.ready, NTHREADS), NTHREADS);
	__atomic_store_n(&t.go, 1, __ATOMIC_RELEASE);
	ck_assert_uint_eq(wait_for(&t.done, NTHREADS), NTHREADS);
	ck_assert_uint_eq(t.value, (uint64_t)NTHREADS * NINCR);
	ck_assert_uint_eq(t.mtx->lck_mtx_state, 0);
	ck_assert_uint_eq(t.spin->lck_spin_owner, 0);
	ck_assert_uint_eq(t.rw->lck_rw_state, 0);
}

START_TEST(concurrency_mtx_total)
{
	run_counter(KIND_MTX);
}
END_TEST

START_TEST(concurrency_mtx_spin_total)
{
	run_counter(KIND_MTX_SPIN);
}
END_TEST

START_TEST(concurrency_spin_total)
{
	run_counter(KIND_SPIN);
}
END_TEST

START_TEST(concurrency_rw_exclusive_total)
{
	run_counter(KIND_RW);
}
END_TEST

/* A mutex held for much longer than the adaptive spin: the waiter must sleep and still get it. */
struct long_hold {
	lck_mtx_t *m;
	uint32_t state; /* 1: waiter started, 2: waiter got the lock */
};

static void
long_hold_waiter(void *arg, wait_result_t wr)
{
	struct long_hold *h = arg;
	__atomic_store_n(&h->state, 1, __ATOMIC_RELEASE);
	lck_mtx_lock(h->m);
	__atomic_store_n(&h->state, 2, __ATOMIC_RELEASE);
	lck_mtx_unlock(h->m);
}

START_TEST(concurrency_mtx_sleeping_waiter)
{
	static struct long_hold h;
	lck_grp_attr_t *ga = lck_grp_attr_alloc_init();
	lck_grp_attr_setstat(ga);
	lck_grp_t *g = lck_grp_alloc_init("stat", ga);
	lck_grp_attr_free(ga);

	h.m = lck_mtx_alloc_init(g, LCK_ATTR_NULL);
	lck_mtx_lock(h.m);
	start(long_hold_waiter, &h);
	ck_assert_uint_eq(wait_for(&h.state, 1), 1);
	/* 50 ms: far beyond the spin; the waiter goes to sleep in the futex. */
	assert_wait_timeout(&h, THREAD_UNINT, 50, 1000 * 1000);
	thread_block(THREAD_CONTINUE_NULL);
	ck_assert_uint_eq(load32(&h.state), 1);
	ck_assert(__atomic_load_n(&h.m->lck_mtx_state, __ATOMIC_RELAXED) & LCK_MTX_WAITERS);
	lck_mtx_unlock(h.m);
	ck_assert_uint_eq(wait_for(&h.state, 2), 2);
	ck_assert_uint_ge(g->lck_grp_mtx_miss, 1);
	ck_assert_uint_ge(g->lck_grp_mtx_wait, 1);
}
END_TEST

/* Readers hold the lock together: all NREADERS must be inside at once. */
#define NREADERS 4

struct readers_test {
	lck_rw_t *rw;
	uint32_t inside;
	uint32_t max_inside;
	uint32_t done;
};

static void
reader_thread(void *arg, wait_result_t wr)
{
	struct readers_test *t = arg;
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;

	lck_rw_lock_shared(t->rw);
	uint32_t n = __atomic_add_fetch(&t->inside, 1, __ATOMIC_ACQ_REL);
	uint32_t max = __atomic_load_n(&t->max_inside, __ATOMIC_RELAXED);
	while (n > max && !__atomic_compare_exchange_n(&t->max_inside, &max, n, false, __ATOMIC_RELAXED,
	                                               __ATOMIC_RELAXED)) {
	}
	/* Stay until every reader is in (or give up). */
	while (load32(&t->max_inside) < NREADERS && khost_uptime_ns() < end)
		khost_thread_yield();
	__atomic_sub_fetch(&t->inside, 1, __ATOMIC_ACQ_REL);
	lck_rw_unlock_shared(t->rw);
	__atomic_add_fetch(&t->done, 1, __ATOMIC_ACQ_REL);
}

START_TEST(concurrency_rw_readers_together)
{
	static struct readers_test t;
	setup();
	t.rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	for (int i = 0; i < NREADERS; i++)
		start(reader_thread, &t);
	ck_assert_uint_eq(wait_for(&t.done, NREADERS), NREADERS);
	ck_assert_uint_eq(t.max_inside, NREADERS);
	ck_assert_uint_eq(t.rw->lck_rw_state, 0);
}
END_TEST

/*
 * Writer preference: two readers keep the lock read-held in overlapping
 * turns (there is always a reader inside); a writer must still get in.
 */
struct starve_test {
	lck_rw_t *rw;
	uint32_t stop;
	uint32_t readers_done;
	uint32_t writer_done;
	uint32_t reads;
};

static void
busy_reader(void *arg, wait_result_t wr)
{
	struct starve_test *t = arg;
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;

	while (!load32(&t->stop) && khost_uptime_ns() < end) {
		lck_rw_lock_shared(t->rw);
		__atomic_add_fetch(&t->reads, 1, __ATOMIC_RELAXED);
		for (volatile int i = 0; i < 2000; i++) {
		}
		lck_rw_unlock_shared(t->rw);
	}
	__atomic_add_fetch(&t->readers_done, 1, __ATOMIC_ACQ_REL);
}

static void
starving_writer(void *arg, wait_result_t wr)
{
	struct starve_test *t = arg;

	lck_rw_lock_exclusive(t->rw);
	__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
	lck_rw_unlock_exclusive(t->rw);
	__atomic_store_n(&t->writer_done, 1, __ATOMIC_RELEASE);
}

START_TEST(concurrency_rw_writer_not_starved)
{
	static struct starve_test t;
	setup();
	t.rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	start(busy_reader, &t);
	start(busy_reader, &t);
	wait_for(&t.reads, 1000);
	start(starving_writer, &t);
	ck_assert_uint_eq(wait_for(&t.writer_done, 1), 1);
	ck_assert_uint_eq(wait_for(&t.readers_done, 2), 2);
	ck_assert_uint_eq(t.rw->lck_rw_state, 0);
}
END_TEST

/* Readers check an invariant that writers break only inside the exclusive section. */
struct invariant_test {
	lck_rw_t *rw;
	uint64_t a, b;
	uint32_t violations;
	uint32_t done;
};

static void
invariant_writer(void *arg, wait_result_t wr)
{
	struct invariant_test *t = arg;
	for (int i = 0; i < 20000; i++) {
		lck_rw_lock_exclusive(t->rw);
		__atomic_store_n(&t->a, t->a + 1, __ATOMIC_RELAXED);
		__atomic_store_n(&t->b, t->b + 1, __ATOMIC_RELAXED);
		lck_rw_unlock_exclusive(t->rw);
	}
	__atomic_add_fetch(&t->done, 1, __ATOMIC_ACQ_REL);
}

static void
invariant_reader(void *arg, wait_result_t wr)
{
	struct invariant_test *t = arg;
	for (int i = 0; i < 20000; i++) {
		lck_rw_lock_shared(t->rw);
		if (__atomic_load_n(&t->a, __ATOMIC_RELAXED) != __atomic_load_n(&t->b, __ATOMIC_RELAXED))
			__atomic_add_fetch(&t->violations, 1, __ATOMIC_RELAXED);
		lck_rw_unlock_shared(t->rw);
		if ((i & 63) == 0 && lck_rw_try_lock_shared(t->rw)) {
			if (lck_rw_lock_shared_to_exclusive(t->rw)) {
				__atomic_store_n(&t->a, t->a + 1, __ATOMIC_RELAXED);
				__atomic_store_n(&t->b, t->b + 1, __ATOMIC_RELAXED);
				lck_rw_lock_exclusive_to_shared(t->rw);
			} else {
				continue; /* the failed upgrade released the lock */
			}
			lck_rw_unlock_shared(t->rw);
		}
	}
	__atomic_add_fetch(&t->done, 1, __ATOMIC_ACQ_REL);
}

START_TEST(concurrency_rw_invariant)
{
	static struct invariant_test t;
	setup();
	t.rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	start(invariant_writer, &t);
	start(invariant_writer, &t);
	start(invariant_reader, &t);
	start(invariant_reader, &t);
	ck_assert_uint_eq(wait_for(&t.done, 4), 4);
	ck_assert_uint_eq(t.violations, 0);
	ck_assert_uint_eq(t.a, t.b);
	ck_assert_uint_ge(t.a, 40000);
	ck_assert_uint_eq(t.rw->lck_rw_state, 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("locks");
	TCase *tc = ktest_tcase("semantics");

	tcase_add_test(tc, lck_selfcheck_passes);
	tcase_add_test(tc, mtx_basic);
	tcase_add_test(tc, mtx_embedded_null_group);
	tcase_add_exit_test(tc, mtx_unlock_unowned_panics, 70);
	tcase_add_exit_test(tc, mtx_unlock_by_other_thread_panics, 70);
	tcase_add_exit_test(tc, mtx_recursive_lock_panics, 70);
	tcase_add_exit_test(tc, mtx_assert_owned_panics, 70);
	tcase_add_exit_test(tc, mtx_assert_notowned_panics, 70);
	tcase_add_exit_test(tc, mtx_assert_bad_type_panics, 70);
	tcase_add_exit_test(tc, mtx_destroy_held_panics, 70);
	tcase_add_exit_test(tc, mtx_use_after_destroy_panics, 70);
	tcase_add_exit_test(tc, mtx_sleep_bad_action_panics, 70);
	tcase_add_test(tc, spin_basic);
	tcase_add_exit_test(tc, spin_recursive_panics, 70);
	tcase_add_exit_test(tc, spin_unlock_unowned_panics, 70);
	tcase_add_exit_test(tc, spin_assert_owned_panics, 70);
	tcase_add_exit_test(tc, spin_use_after_destroy_panics, 70);
	tcase_add_test(tc, rw_basic);
	tcase_add_test(tc, rw_upgrade_downgrade);
	tcase_add_test(tc, rw_upgrade_failure_releases);
	tcase_add_exit_test(tc, rw_unlock_shared_when_exclusive_panics, 70);
	tcase_add_exit_test(tc, rw_done_unheld_panics, 70);
	tcase_add_exit_test(tc, rw_assert_exclusive_panics, 70);
	tcase_add_exit_test(tc, rw_bad_type_panics, 70);
	suite_add_tcase(s, tc);

	TCase *cc = ktest_tcase("concurrency");
	tcase_add_test(cc, concurrency_mtx_total);
	tcase_add_test(cc, concurrency_mtx_spin_total);
	tcase_add_test(cc, concurrency_spin_total);
	tcase_add_test(cc, concurrency_rw_exclusive_total);
	tcase_add_test(cc, concurrency_mtx_sleeping_waiter);
	tcase_add_test(cc, concurrency_rw_readers_together);
	tcase_add_test(cc, concurrency_rw_writer_not_starved);
	tcase_add_test(cc, concurrency_rw_invariant);
	suite_add_tcase(s, cc);
	return s;
}
