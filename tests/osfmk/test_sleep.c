/*
 * test_sleep.c — waiting and waking: assert_wait/thread_block/thread_wakeup
 * (a wakeup before thread_block is not lost, timeouts, clear_wait,
 * thread_interrupt), the BSD sleep KPI (msleep timeouts return EWOULDBLOCK,
 * PDROP leaves the mutex unlocked, PCATCH interrupts give EINTR/ERESTART,
 * wakeup_one wakes exactly one sleeper), the lck_*_sleep functions, and a
 * 10,000-round msleep/wakeup ping-pong between two kernel threads in which
 * a single lost wakeup would show up as a timeout.
 */
#include "tests/ktest.h"
#include <stdbool.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "osfmk/kern/locks_internal.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/thread_internal.h"

#define NS_PER_MS (1000ull * 1000)
#define WAIT_LIMIT_NS (10000 * NS_PER_MS)

static lck_grp_t *grp;

static void
setup(void)
{
	grp = lck_grp_alloc_init("test_sleep", LCK_GRP_ATTR_NULL);
	ck_assert_ptr_nonnull(grp);
}

static uint32_t
load32(uint32_t *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

static uint32_t
wait_for(uint32_t *v, uint32_t want)
{
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	uint32_t got;

	while ((got = load32(v)) < want && khost_uptime_ns() < end)
		khost_thread_yield();
	return got;
}

static thread_t
start(thread_continue_t fn, void *arg)
{
	thread_t th;
	ck_assert_int_eq(kernel_thread_start(fn, arg, &th), KERN_SUCCESS);
	return th; /* the caller releases it */
}

/* Wait until `th` is queued in a wait (its wait is asserted and published). */
static void
wait_until_waiting(thread_t th)
{
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	while (__atomic_load_n(&th->th_waitq, __ATOMIC_ACQUIRE) == NULL && khost_uptime_ns() < end)
		khost_thread_yield();
	ck_assert_ptr_nonnull(__atomic_load_n(&th->th_waitq, __ATOMIC_ACQUIRE));
}

/* ---- Mach waits ---------------------------------------------------------- */

START_TEST(sched_selfcheck_passes)
{
	ck_assert_int_eq(sched_selfcheck(), 0);
}
END_TEST

START_TEST(wakeup_before_block_not_lost)
{
	static int ev;
	ck_assert_int_eq(assert_wait(&ev, THREAD_UNINT), THREAD_WAITING);
	ck_assert_int_eq(thread_wakeup(&ev), KERN_SUCCESS);
	uint64_t t0 = khost_uptime_ns();
	ck_assert_int_eq(thread_block(THREAD_CONTINUE_NULL), THREAD_AWAKENED);
	ck_assert_uint_lt(khost_uptime_ns() - t0, 1000 * NS_PER_MS);
	/* Nobody waits any more. */
	ck_assert_int_eq(thread_wakeup(&ev), KERN_NOT_WAITING);
}
END_TEST

START_TEST(assert_wait_timeout_times_out)
{
	static int ev;
	uint64_t t0 = khost_uptime_ns();
	ck_assert_int_eq(assert_wait_timeout(&ev, THREAD_UNINT, 2, 1000 * 1000), THREAD_WAITING);
	ck_assert_int_eq(thread_block(THREAD_CONTINUE_NULL), THREAD_TIMED_OUT);
	ck_assert_uint_ge(khost_uptime_ns() - t0, 2 * NS_PER_MS);
	ck_assert_int_eq(thread_wakeup(&ev), KERN_NOT_WAITING);

	/* A deadline already in the past times out at once. */
	ck_assert_int_eq(assert_wait_deadline(&ev, THREAD_UNINT, khost_uptime_ns() - 1), THREAD_WAITING);
	ck_assert_int_eq(thread_block(THREAD_CONTINUE_NULL), THREAD_TIMED_OUT);
}
END_TEST

START_TEST(clear_wait_results)
{
	static int ev;
	thread_t self = current_thread();

	ck_assert_int_eq(clear_wait(self, THREAD_AWAKENED), KERN_NOT_WAITING);
	ck_assert_int_eq(clear_wait(THREAD_NULL, THREAD_AWAKENED), KERN_INVALID_ARGUMENT);
	assert_wait(&ev, THREAD_UNINT);
	ck_assert_int_eq(clear_wait(self, THREAD_INTERRUPTED), KERN_FAILURE); /* uninterruptible */
	ck_assert_int_eq(clear_wait(self, THREAD_RESTART), KERN_SUCCESS);
	ck_assert_int_eq(thread_block(THREAD_CONTINUE_NULL), THREAD_RESTART);
}
END_TEST

START_TEST(thread_block_without_wait_yields)
{
	ck_assert_int_eq(thread_block(THREAD_CONTINUE_NULL), THREAD_AWAKENED);
}
END_TEST

START_TEST(assert_wait_null_event_panics)
{
	assert_wait(NO_EVENT, THREAD_UNINT);
}
END_TEST

START_TEST(assert_wait_twice_panics)
{
	static int ev;
	assert_wait(&ev, THREAD_UNINT);
	assert_wait(&ev, THREAD_UNINT);
}
END_TEST

struct event_waiter {
	int ev;
	wait_interrupt_t how;
	uint32_t done;
	wait_result_t result;
};

static void
event_waiter_thread(void *arg, wait_result_t wr)
{
	struct event_waiter *w = arg;
	assert_wait(&w->ev, w->how);
	w->result = thread_block(THREAD_CONTINUE_NULL);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
}

START_TEST(wakeup_thread_and_interrupt)
{
	static struct event_waiter a, b;
	static int other;

	a.how = THREAD_UNINT;
	thread_t ta = start(event_waiter_thread, &a);
	wait_until_waiting(ta);
	ck_assert_int_eq(thread_interrupt(ta), KERN_NOT_WAITING); /* uninterruptible: stays asleep */
	ck_assert_int_eq(thread_wakeup_thread(&other, ta), KERN_NOT_WAITING); /* wrong event */
	ck_assert_uint_eq(load32(&a.done), 0);
	ck_assert_int_eq(thread_wakeup_thread(&a.ev, ta), KERN_SUCCESS);
	ck_assert_uint_eq(wait_for(&a.done, 1), 1);
	ck_assert_int_eq(a.result, THREAD_AWAKENED);
	thread_deallocate(ta);

	b.how = THREAD_INTERRUPTIBLE;
	thread_t tb = start(event_waiter_thread, &b);
	wait_until_waiting(tb);
	ck_assert_int_eq(thread_interrupt(tb), KERN_SUCCESS);
	ck_assert_uint_eq(wait_for(&b.done, 1), 1);
	ck_assert_int_eq(b.result, THREAD_INTERRUPTED);
	thread_deallocate(tb);
}
END_TEST

START_TEST(pending_interrupt_ends_next_wait)
{
	static int ev;
	thread_t self = current_thread();

	ck_assert_int_eq(thread_interrupt(self), KERN_NOT_WAITING);
	ck_assert(thread_interrupt_pending());
	/* An uninterruptible wait ignores it... */
	ck_assert_int_eq(assert_wait_timeout(&ev, THREAD_UNINT, 1, 1000 * 1000), THREAD_WAITING);
	ck_assert_int_eq(thread_block(THREAD_CONTINUE_NULL), THREAD_TIMED_OUT);
	/* ...an interruptible one ends at once and consumes it. */
	ck_assert_int_eq(assert_wait(&ev, THREAD_ABORTSAFE), THREAD_INTERRUPTED);
	ck_assert(!thread_interrupt_pending());
	ck_assert_int_eq(thread_block(THREAD_CONTINUE_NULL), THREAD_INTERRUPTED);
	ck_assert_int_eq(thread_wakeup(&ev), KERN_NOT_WAITING);
}
END_TEST

/* ---- BSD sleep ------------------------------------------------------------- */

START_TEST(msleep_timeout_ewouldblock)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	static int chan;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000 * 1000};

	lck_mtx_lock(m);
	uint64_t t0 = khost_uptime_ns();
	ck_assert_int_eq(msleep(&chan, m, PZERO, "test", &ts), EWOULDBLOCK);
	ck_assert_uint_ge(khost_uptime_ns() - t0, 1 * NS_PER_MS);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED); /* re-taken */
	lck_mtx_unlock(m);

	/* NULL mutex. */
	t0 = khost_uptime_ns();
	ck_assert_int_eq(msleep(&chan, NULL, PZERO, "test", &ts), EWOULDBLOCK);
	ck_assert_uint_ge(khost_uptime_ns() - t0, 1 * NS_PER_MS);

	/* msleep1 takes an absolute deadline. */
	t0 = khost_uptime_ns();
	ck_assert_int_eq(msleep1(&chan, NULL, PZERO, "test", t0 + 2 * NS_PER_MS), EWOULDBLOCK);
	ck_assert_uint_ge(khost_uptime_ns() - t0, 2 * NS_PER_MS);
}
END_TEST

START_TEST(tsleep_timeout_ewouldblock)
{
	static int chan;
	uint64_t t0 = khost_uptime_ns();
	ck_assert_int_eq(tsleep(&chan, PZERO, "test", 1), EWOULDBLOCK);
	ck_assert_uint_ge(khost_uptime_ns() - t0, 1000 * NS_PER_MS / 100); /* one tick of hz=100 */
}
END_TEST

START_TEST(msleep_pdrop_leaves_unlocked)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	static int chan;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000 * 1000};

	lck_mtx_lock(m);
	ck_assert_int_eq(msleep(&chan, m, PZERO | PDROP, "test", &ts), EWOULDBLOCK);
	lck_mtx_assert(m, LCK_MTX_ASSERT_NOTOWNED);
	ck_assert_uint_eq(m->lck_mtx_state, 0);
	ck_assert_int_eq(lck_mtx_try_lock(m), TRUE);
	lck_mtx_unlock(m);

	/* PSPIN re-takes the mutex in spin mode. */
	lck_mtx_lock(m);
	ck_assert_int_eq(msleep(&chan, m, PZERO | PSPIN, "test", &ts), EWOULDBLOCK);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED);
	lck_mtx_convert_spin(m);
	lck_mtx_unlock(m);
}
END_TEST

START_TEST(msleep_null_channel_does_not_sleep)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	struct timespec ts = {.tv_sec = 5, .tv_nsec = 0};

	lck_mtx_lock(m);
	uint64_t t0 = khost_uptime_ns();
	ck_assert_int_eq(msleep(NULL, m, PZERO, "test", &ts), 0);
	ck_assert_uint_lt(khost_uptime_ns() - t0, 1000 * NS_PER_MS);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED);
	lck_mtx_unlock(m);
}
END_TEST

struct sleeper {
	lck_mtx_t *m;
	int chan;
	int pri;
	uint32_t asleep; /* counted under m before sleeping */
	uint32_t woken;
	int err;
	uint32_t owned_after;
};

static void
sleeper_thread(void *arg, wait_result_t wr)
{
	struct sleeper *s = arg;
	struct timespec ts = {.tv_sec = 10, .tv_nsec = 0};

	lck_mtx_lock(s->m);
	__atomic_add_fetch(&s->asleep, 1, __ATOMIC_ACQ_REL);
	int err = msleep(&s->chan, s->m, s->pri, "sleeper", &ts);
	if (lck_mtx_owned_by_current(s->m))
		__atomic_add_fetch(&s->owned_after, 1, __ATOMIC_RELAXED);
	s->err = err;
	__atomic_add_fetch(&s->woken, 1, __ATOMIC_ACQ_REL);
	lck_mtx_unlock(s->m);
}

START_TEST(msleep_wakeup_returns_zero)
{
	static struct sleeper s;
	setup();
	s.m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	s.pri = PZERO;
	thread_deallocate(start(sleeper_thread, &s));
	ck_assert_uint_eq(wait_for(&s.asleep, 1), 1);
	lck_mtx_lock(s.m); /* the sleeper has released it in msleep: it is queued */
	wakeup(&s.chan);
	lck_mtx_unlock(s.m);
	ck_assert_uint_eq(wait_for(&s.woken, 1), 1);
	ck_assert_int_eq(s.err, 0);
	ck_assert_uint_eq(s.owned_after, 1);
}
END_TEST

START_TEST(wakeup_one_wakes_exactly_one)
{
	static struct sleeper s;
	setup();
	s.m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	s.pri = PZERO;
	for (int i = 0; i < 3; i++)
		thread_deallocate(start(sleeper_thread, &s));
	ck_assert_uint_eq(wait_for(&s.asleep, 3), 3);
	lck_mtx_lock(s.m); /* all three are queued once they have counted and dropped m */
	wakeup_one((caddr_t)&s.chan);
	lck_mtx_unlock(s.m);
	ck_assert_uint_eq(wait_for(&s.woken, 1), 1);
	/* Give a wrongly woken second sleeper time to show up. */
	tsleep(&s, PZERO, "settle", 5);
	ck_assert_uint_eq(load32(&s.woken), 1);
	wakeup(&s.chan);
	ck_assert_uint_eq(wait_for(&s.woken, 3), 3);
	ck_assert_int_eq(s.err, 0);
	ck_assert_uint_eq(s.owned_after, 3);
}
END_TEST

START_TEST(msleep_pcatch_interrupted)
{
	static struct sleeper s;
	setup();
	s.m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	s.pri = PZERO | PCATCH;
	thread_t th = start(sleeper_thread, &s);
	ck_assert_uint_eq(wait_for(&s.asleep, 1), 1);
	wait_until_waiting(th);
	ck_assert_int_eq(thread_interrupt(th), KERN_SUCCESS);
	ck_assert_uint_eq(wait_for(&s.woken, 1), 1);
	ck_assert_int_eq(s.err, EINTR);
	ck_assert_uint_eq(s.owned_after, 1); /* the mutex is re-taken on EINTR too */
	thread_deallocate(th);
}
END_TEST

START_TEST(msleep_pcatch_restart)
{
	static struct sleeper s;
	setup();
	s.m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	s.pri = PZERO | PCATCH;
	thread_t th = start(sleeper_thread, &s);
	wait_until_waiting(th);
	ck_assert_int_eq(clear_wait(th, THREAD_RESTART), KERN_SUCCESS);
	ck_assert_uint_eq(wait_for(&s.woken, 1), 1);
	ck_assert_int_eq(s.err, ERESTART);
	thread_deallocate(th);
}
END_TEST

START_TEST(msleep_pcatch_pending_interrupt)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	static int chan;
	struct timespec ts = {.tv_sec = 5, .tv_nsec = 0};

	thread_interrupt(current_thread());
	lck_mtx_lock(m);
	uint64_t t0 = khost_uptime_ns();
	ck_assert_int_eq(msleep(&chan, m, PZERO | PCATCH, "test", &ts), EINTR);
	ck_assert_uint_lt(khost_uptime_ns() - t0, 1000 * NS_PER_MS);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED); /* never dropped */
	/* Without PCATCH the (now consumed) interrupt does not matter anyway. */
	ts.tv_sec = 0;
	ts.tv_nsec = 1000 * 1000;
	ck_assert_int_eq(msleep(&chan, m, PZERO, "test", &ts), EWOULDBLOCK);
	lck_mtx_unlock(m);
}
END_TEST

/* ---- lck_*_sleep ------------------------------------------------------------ */

START_TEST(lck_sleep_variants)
{
	setup();
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_spin_t *s = lck_spin_alloc_init(grp, LCK_ATTR_NULL);
	lck_rw_t *rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	static int ev;
	uint64_t soon;

	lck_mtx_lock(m);
	soon = khost_uptime_ns() + NS_PER_MS;
	ck_assert_int_eq(lck_mtx_sleep_deadline(m, LCK_SLEEP_DEFAULT, &ev, THREAD_UNINT, soon),
	                 THREAD_TIMED_OUT);
	lck_mtx_assert(m, LCK_MTX_ASSERT_OWNED);
	soon = khost_uptime_ns() + NS_PER_MS;
	ck_assert_int_eq(lck_mtx_sleep_deadline(m, LCK_SLEEP_UNLOCK, &ev, THREAD_UNINT, soon),
	                 THREAD_TIMED_OUT);
	lck_mtx_assert(m, LCK_MTX_ASSERT_NOTOWNED);

	lck_spin_lock(s);
	soon = khost_uptime_ns() + NS_PER_MS;
	ck_assert_int_eq(lck_spin_sleep_deadline(s, LCK_SLEEP_DEFAULT, &ev, THREAD_UNINT, soon),
	                 THREAD_TIMED_OUT);
	lck_spin_assert(s, LCK_ASSERT_OWNED);
	lck_spin_unlock(s);

	/* rw: by default re-taken in the mode held; SHARED / EXCLUSIVE force a mode. */
	lck_rw_lock_exclusive(rw);
	soon = khost_uptime_ns() + NS_PER_MS;
	ck_assert_int_eq(lck_rw_sleep_deadline(rw, LCK_SLEEP_DEFAULT, &ev, THREAD_UNINT, soon),
	                 THREAD_TIMED_OUT);
	lck_rw_assert(rw, LCK_RW_ASSERT_EXCLUSIVE);
	soon = khost_uptime_ns() + NS_PER_MS;
	ck_assert_int_eq(lck_rw_sleep_deadline(rw, LCK_SLEEP_SHARED, &ev, THREAD_UNINT, soon),
	                 THREAD_TIMED_OUT);
	lck_rw_assert(rw, LCK_RW_ASSERT_SHARED);
	soon = khost_uptime_ns() + NS_PER_MS;
	ck_assert_int_eq(lck_rw_sleep_deadline(rw, LCK_SLEEP_UNLOCK, &ev, THREAD_UNINT, soon),
	                 THREAD_TIMED_OUT);
	lck_rw_assert(rw, LCK_RW_ASSERT_NOTHELD);
}
END_TEST

/* ---- ping-pong ---------------------------------------------------------- */

#define PINGPONG_ROUNDS 10000

struct pingpong {
	lck_mtx_t *m;
	int turn; /* 0 or 1: whose move it is */
	uint32_t rounds[2];
	uint32_t timeouts;
	uint32_t done;
};

static void
pingpong_side(struct pingpong *p, int me)
{
	struct timespec ts = {.tv_sec = 5, .tv_nsec = 0}; /* a lost wakeup shows up as a timeout */

	lck_mtx_lock(p->m);
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		while (p->turn != me) {
			if (msleep(&p->turn, p->m, PZERO, "pingpong", &ts) == EWOULDBLOCK) {
				__atomic_add_fetch(&p->timeouts, 1, __ATOMIC_RELAXED);
				goto out;
			}
		}
		p->rounds[me]++;
		p->turn = !me;
		wakeup(&p->turn);
	}
out:
	lck_mtx_unlock(p->m);
	__atomic_add_fetch(&p->done, 1, __ATOMIC_ACQ_REL);
}

static void
ping_thread(void *arg, wait_result_t wr)
{
	pingpong_side(arg, 0);
}

static void
pong_thread(void *arg, wait_result_t wr)
{
	pingpong_side(arg, 1);
}

START_TEST(concurrency_pingpong_no_lost_wakeups)
{
	static struct pingpong p;
	setup();
	p.m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	thread_deallocate(start(ping_thread, &p));
	thread_deallocate(start(pong_thread, &p));
	ck_assert_uint_eq(wait_for(&p.done, 2), 2);
	ck_assert_uint_eq(p.timeouts, 0);
	ck_assert_uint_eq(p.rounds[0], PINGPONG_ROUNDS);
	ck_assert_uint_eq(p.rounds[1], PINGPONG_ROUNDS);
}
END_TEST

/* The same with bare assert_wait/thread_block and no mutex: flags and wakeups only. */
struct bare_pingpong {
	uint32_t seq; /* incremented by each side in turn */
	uint32_t timeouts;
	uint32_t done;
};

static void
bare_side(struct bare_pingpong *p, uint32_t parity)
{
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		for (;;) {
			if ((__atomic_load_n(&p->seq, __ATOMIC_ACQUIRE) & 1) == parity)
				break;
			assert_wait_timeout(&p->seq, THREAD_UNINT, 5000, 1000 * 1000);
			/* Re-check after asserting: a wakeup from now on is not lost. */
			if ((__atomic_load_n(&p->seq, __ATOMIC_ACQUIRE) & 1) == parity) {
				clear_wait(current_thread(), THREAD_AWAKENED);
				thread_block(THREAD_CONTINUE_NULL);
				break;
			}
			if (thread_block(THREAD_CONTINUE_NULL) == THREAD_TIMED_OUT) {
				__atomic_add_fetch(&p->timeouts, 1, __ATOMIC_RELAXED);
				goto out;
			}
		}
		__atomic_add_fetch(&p->seq, 1, __ATOMIC_ACQ_REL);
		thread_wakeup(&p->seq);
	}
out:
	__atomic_add_fetch(&p->done, 1, __ATOMIC_ACQ_REL);
}

static void
bare_even(void *arg, wait_result_t wr)
{
	bare_side(arg, 0);
}

static void
bare_odd(void *arg, wait_result_t wr)
{
	bare_side(arg, 1);
}

START_TEST(concurrency_bare_pingpong_no_lost_wakeups)
{
	static struct bare_pingpong p;
	thread_deallocate(start(bare_even, &p));
	thread_deallocate(start(bare_odd, &p));
	ck_assert_uint_eq(wait_for(&p.done, 2), 2);
	ck_assert_uint_eq(p.timeouts, 0);
	ck_assert_uint_eq(p.seq, 2 * PINGPONG_ROUNDS);
}
END_TEST

/* Many threads sleep on one channel; one wakeup() wakes them all. */
START_TEST(concurrency_wakeup_all)
{
	static struct sleeper s;
	setup();
	s.m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	s.pri = PZERO;
	for (int i = 0; i < 16; i++)
		thread_deallocate(start(sleeper_thread, &s));
	ck_assert_uint_eq(wait_for(&s.asleep, 16), 16);
	lck_mtx_lock(s.m);
	wakeup(&s.chan);
	lck_mtx_unlock(s.m);
	ck_assert_uint_eq(wait_for(&s.woken, 16), 16);
	ck_assert_int_eq(s.err, 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("sleep");
	TCase *tc = ktest_tcase("semantics");

	tcase_add_test(tc, sched_selfcheck_passes);
	tcase_add_test(tc, wakeup_before_block_not_lost);
	tcase_add_test(tc, assert_wait_timeout_times_out);
	tcase_add_test(tc, clear_wait_results);
	tcase_add_test(tc, thread_block_without_wait_yields);
	tcase_add_exit_test(tc, assert_wait_null_event_panics, 70);
	tcase_add_exit_test(tc, assert_wait_twice_panics, 70);
	tcase_add_test(tc, wakeup_thread_and_interrupt);
	tcase_add_test(tc, pending_interrupt_ends_next_wait);
	tcase_add_test(tc, msleep_timeout_ewouldblock);
	tcase_add_test(tc, tsleep_timeout_ewouldblock);
	tcase_add_test(tc, msleep_pdrop_leaves_unlocked);
	tcase_add_test(tc, msleep_null_channel_does_not_sleep);
	tcase_add_test(tc, msleep_wakeup_returns_zero);
	tcase_add_test(tc, wakeup_one_wakes_exactly_one);
	tcase_add_test(tc, msleep_pcatch_interrupted);
	tcase_add_test(tc, msleep_pcatch_restart);
	tcase_add_test(tc, msleep_pcatch_pending_interrupt);
	tcase_add_test(tc, lck_sleep_variants);
	suite_add_tcase(s, tc);

	TCase *cc = ktest_tcase("concurrency");
	tcase_add_test(cc, concurrency_pingpong_no_lost_wakeups);
	tcase_add_test(cc, concurrency_bare_pingpong_no_lost_wakeups);
	tcase_add_test(cc, concurrency_wakeup_all);
	suite_add_tcase(s, cc);
	return s;
}
