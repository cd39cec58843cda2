/*
 * test_thread_call.c — thread calls and BSD timeouts: parameters, deadline
 * ordering, enter/cancel/free return values, cancel racing the timer,
 * cancel_wait, ONCE calls, blocked callouts, shutdown, and the panics on
 * misuse. Timing assertions are lower bounds (a call never runs before its
 * deadline) with generous upper bounds: the host may be slow and noisy.
 */
#include "tests/ktest.h"
#include <stdbool.h>
#include <kern/clock.h>
#include <kern/thread.h>
#include <kern/thread_call.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/thread_call_internal.h"

#define WAIT_LIMIT_NS (10 * NSEC_PER_SEC)

/* What a callout saw; callouts record into the probe passed as param0. */
struct probe {
	uint32_t count;
	uint32_t running; /* invocations in progress */
	uint32_t max_running;
	uint64_t fired_at;
	thread_call_param_t param0;
	thread_call_param_t param1;
	uint32_t hold_ms; /* how long each invocation takes */
	uint32_t started;
	uint32_t done;
};

static void
probe_fire(thread_call_param_t p0, thread_call_param_t p1)
{
	struct probe *p = p0;
	uint32_t running = __atomic_add_fetch(&p->running, 1, __ATOMIC_ACQ_REL);
	uint32_t max = __atomic_load_n(&p->max_running, __ATOMIC_RELAXED);

	while (running > max && !__atomic_compare_exchange_n(&p->max_running, &max, running, false,
	                                                     __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
	}
	p->fired_at = mach_absolute_time();
	p->param0 = p0;
	p->param1 = p1;
	__atomic_store_n(&p->started, 1, __ATOMIC_RELEASE);
	if (p->hold_ms != 0) {
		delay((int)p->hold_ms * 1000);
	}
	__atomic_sub_fetch(&p->running, 1, __ATOMIC_ACQ_REL);
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&p->count, 1, __ATOMIC_ACQ_REL);
}

static uint32_t
load(uint32_t *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

/* Poll until *v >= want or WAIT_LIMIT_NS passes; returns the last value seen. */
static uint32_t
wait_for(uint32_t *v, uint32_t want)
{
	uint64_t limit = mach_absolute_time() + WAIT_LIMIT_NS;
	uint32_t seen;

	while ((seen = load(v)) < want && mach_absolute_time() < limit) {
		delay(100);
	}
	return seen;
}

static uint64_t
deadline_in_ms(uint32_t ms)
{
	uint64_t deadline;

	clock_interval_to_deadline(ms, NSEC_PER_MSEC, &deadline);
	return deadline;
}

START_TEST(test_enter1_delivers_params)
{
	struct probe p = {0};
	thread_call_t call = thread_call_allocate(probe_fire, &p);

	ck_assert_ptr_nonnull(call);
	ck_assert(!thread_call_enter1(call, (thread_call_param_t)0x1234));
	ck_assert_uint_eq(wait_for(&p.count, 1), 1);
	ck_assert_ptr_eq(p.param0, &p);
	ck_assert_ptr_eq(p.param1, (void *)0x1234);

	/* thread_call_enter passes a NULL param1; enter1_delayed its own. */
	ck_assert(!thread_call_enter(call));
	ck_assert_uint_eq(wait_for(&p.count, 2), 2);
	ck_assert_ptr_null(p.param1);
	ck_assert(!thread_call_enter1_delayed(call, (thread_call_param_t)0x5678, deadline_in_ms(1)));
	ck_assert_uint_eq(wait_for(&p.count, 3), 3);
	ck_assert_ptr_eq(p.param1, (void *)0x5678);
	ck_assert(!thread_call_enter_delayed_with_leeway(call, (thread_call_param_t)0x9abc, deadline_in_ms(1),
	                                                 NSEC_PER_MSEC, THREAD_CALL_DELAY_LEEWAY));
	ck_assert_uint_eq(wait_for(&p.count, 4), 4);
	ck_assert_ptr_eq(p.param1, (void *)0x9abc);

	(void)thread_call_cancel_wait(call);
	ck_assert(thread_call_free(call));
}
END_TEST

START_TEST(test_delayed_never_early)
{
	static const thread_call_priority_t pris[] = {THREAD_CALL_PRIORITY_HIGH, THREAD_CALL_PRIORITY_KERNEL,
	                                              THREAD_CALL_PRIORITY_USER, THREAD_CALL_PRIORITY_LOW,
	                                              THREAD_CALL_PRIORITY_KERNEL_HIGH};
	struct probe p[5] = {{0}};
	thread_call_t calls[5];
	uint64_t deadline = deadline_in_ms(15);

	for (int i = 0; i < 5; i++) {
		calls[i] = thread_call_allocate_with_priority(probe_fire, &p[i], pris[i]);
		ck_assert_ptr_nonnull(calls[i]);
		ck_assert(!thread_call_enter_delayed(calls[i], deadline));
	}
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(wait_for(&p[i].count, 1), 1);
		ck_assert_uint_ge(p[i].fired_at, deadline);
		ck_assert_uint_lt(p[i].fired_at - deadline, 5 * NSEC_PER_SEC);
	}
	for (int i = 0; i < 5; i++) {
		(void)thread_call_cancel_wait(calls[i]);
		ck_assert(thread_call_free(calls[i]));
	}
}
END_TEST

static uint32_t order_seq;  /* slots handed out */
static uint32_t order_done; /* slots filled */
static uint32_t order_seen[5];

static void
order_fire(thread_call_param_t p0, thread_call_param_t p1)
{
	uint32_t slot = __atomic_fetch_add(&order_seq, 1, __ATOMIC_ACQ_REL);

	(void)p1;
	if (slot < 5) {
		__atomic_store_n(&order_seen[slot], (uint32_t)(uintptr_t)p0, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&order_done, 1, __ATOMIC_RELEASE);
}

/* Entered out of order, calls run in deadline order (spaced wider than scheduling noise). */
START_TEST(test_delayed_deadline_order)
{
	static const uint32_t rank_ms[5] = {80, 20, 60, 100, 40};
	thread_call_t calls[5];
	uint64_t base = mach_absolute_time() + 20 * NSEC_PER_MSEC;

	for (int i = 0; i < 5; i++) {
		calls[i] = thread_call_allocate(order_fire, (thread_call_param_t)(uintptr_t)rank_ms[i]);
		ck_assert_ptr_nonnull(calls[i]);
	}
	for (int i = 0; i < 5; i++) {
		ck_assert(!thread_call_enter_delayed(calls[i], base + rank_ms[i] * NSEC_PER_MSEC));
	}
	ck_assert_uint_eq(wait_for(&order_done, 5), 5);
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(load(&order_seen[i]), 20 * (uint32_t)(i + 1));
	}
	for (int i = 0; i < 5; i++) {
		(void)thread_call_cancel_wait(calls[i]);
		ck_assert(thread_call_free(calls[i]));
	}
}
END_TEST

/* Re-entering replaces the pending entry and reports it; the call runs once. */
START_TEST(test_enter_reports_pending)
{
	struct probe p = {0};
	thread_call_t call = thread_call_allocate_with_priority(probe_fire, &p, THREAD_CALL_PRIORITY_KERNEL);

	ck_assert(!thread_call_isactive(call));
	ck_assert(!thread_call_enter_delayed(call, deadline_in_ms(10000)));
	ck_assert(thread_call_isactive(call));
	ck_assert_uint_eq(thread_call_get_armed_deadline(call) > mach_absolute_time(), 1);
	ck_assert(thread_call_enter_delayed(call, deadline_in_ms(20000)));
	ck_assert(thread_call_enter1_delayed(call, NULL, deadline_in_ms(10000)));
	/* Pending delayed -> immediate: still one pending entry. */
	ck_assert(thread_call_enter(call));
	ck_assert_uint_eq(wait_for(&p.count, 1), 1);
	delay(50000);
	ck_assert_uint_eq(load(&p.count), 1);

	/* It ran, so it is no longer pending: a new entry reports FALSE. */
	ck_assert(!thread_call_enter_delayed(call, deadline_in_ms(10000)));
	ck_assert(thread_call_cancel(call));
	ck_assert(!thread_call_cancel(call));
	ck_assert(!thread_call_isactive(call));
	ck_assert(thread_call_free(call));
}
END_TEST

START_TEST(test_cancel_before_fire)
{
	struct probe p = {0};
	thread_call_t call = thread_call_allocate(probe_fire, &p);
	uint64_t deadline = deadline_in_ms(30);

	ck_assert(!thread_call_enter_delayed(call, deadline));
	ck_assert(thread_call_cancel(call));
	ck_assert(!thread_call_isactive(call));
	clock_delay_until(deadline + 100 * NSEC_PER_MSEC);
	ck_assert_uint_eq(load(&p.count), 0);
	ck_assert(thread_call_free(call));
}
END_TEST

START_TEST(test_cancel_after_fire)
{
	struct probe p = {0};
	thread_call_t call = thread_call_allocate(probe_fire, &p);

	ck_assert(!thread_call_enter_delayed(call, deadline_in_ms(1)));
	ck_assert_uint_eq(wait_for(&p.done, 1), 1);
	ck_assert(!thread_call_cancel(call));
	ck_assert(!thread_call_cancel_wait(call));
	ck_assert_uint_eq(load(&p.count), 1);
	ck_assert(thread_call_free(call));
}
END_TEST

/* ---- cancel racing the timer ---- */

#define RACE_ITERATIONS 1000

struct race {
	uint32_t go;    /* generation the canceller should act on */
	uint32_t acked; /* generation the canceller has finished */
	uint32_t quit;
	uint32_t spin_ns;
	boolean_t result;
	thread_call_t call;
};

static void
race_canceller(void *arg, wait_result_t wr)
{
	struct race *r = arg;
	uint32_t gen = 0;

	(void)wr;
	while (!load(&r->quit)) {
		if (load(&r->go) == gen) {
			khost_thread_yield();
			continue;
		}
		gen++;
		uint64_t until = mach_absolute_time() + __atomic_load_n(&r->spin_ns, __ATOMIC_ACQUIRE);
		while (mach_absolute_time() < until) {
		}
		r->result = thread_call_cancel(r->call);
		__atomic_store_n(&r->acked, gen, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&r->acked, UINT32_MAX, __ATOMIC_RELEASE);
}

/* Every entry either runs exactly once or is cancelled (cancel returns TRUE) — never both, never neither. */
START_TEST(test_cancel_race)
{
	static struct race r;
	struct probe p = {0};
	uint32_t rng = 12345, ran = 0, cancelled = 0;
	thread_t th;

	r = (struct race){0};
	r.call = thread_call_allocate(probe_fire, &p);
	ck_assert_ptr_nonnull(r.call);
	ck_assert_int_eq(kernel_thread_start(race_canceller, &r, &th), KERN_SUCCESS);
	thread_deallocate(th);

	for (uint32_t i = 1; i <= RACE_ITERATIONS; i++) {
		uint32_t before = load(&p.count);

		rng = rng * 1103515245u + 12345u;
		uint32_t delay_ns = (rng >> 8) % 300000; /* 0-300 us */
		rng = rng * 1103515245u + 12345u;
		__atomic_store_n(&r.spin_ns, (rng >> 8) % 300000, __ATOMIC_RELEASE);

		ck_assert(!thread_call_enter_delayed(r.call, mach_absolute_time() + delay_ns));
		__atomic_store_n(&r.go, i, __ATOMIC_RELEASE);
		uint64_t limit = mach_absolute_time() + WAIT_LIMIT_NS;
		while (load(&r.acked) != i) {
			ck_assert_uint_lt(mach_absolute_time(), limit);
			khost_thread_yield();
		}
		if (r.result) {
			cancelled++;
		} else {
			ck_assert_uint_eq(wait_for(&p.count, before + 1), before + 1);
			ran++;
		}
		/* Nothing pending now; this waits out any invocation still in flight. */
		ck_assert(!thread_call_cancel_wait(r.call));
		ck_assert_uint_eq(load(&p.count), before + (r.result ? 0 : 1));
	}
	__atomic_store_n(&r.quit, 1, __ATOMIC_RELEASE);
	ck_assert_uint_eq(wait_for(&r.acked, UINT32_MAX), UINT32_MAX);
	printf("cancel race: %u ran, %u cancelled\n", ran, cancelled);
	/* Both outcomes must actually occur, or the race was not exercised. */
	ck_assert_uint_gt(ran, 0);
	ck_assert_uint_gt(cancelled, 0);
	ck_assert_uint_eq(ran + cancelled, RACE_ITERATIONS);
	ck_assert_uint_eq(load(&p.count), ran);
	ck_assert_uint_eq(p.max_running, 1);
	ck_assert(thread_call_free(r.call));
}
END_TEST

START_TEST(test_cancel_wait_waits_for_running)
{
	struct probe p = {.hold_ms = 60};
	thread_call_t call = thread_call_allocate(probe_fire, &p);

	ck_assert(!thread_call_enter(call));
	ck_assert_uint_eq(wait_for(&p.started, 1), 1);
	uint64_t t0 = mach_absolute_time();
	ck_assert(thread_call_isactive(call)); /* running */
	ck_assert(!thread_call_cancel_wait(call));
	ck_assert_uint_eq(load(&p.done), 1);
	ck_assert_uint_eq(load(&p.count), 1);
	ck_assert(!thread_call_isactive(call));
	ck_assert_uint_gt(mach_absolute_time() - t0, 0);
	ck_assert(thread_call_free(call));

	/* A pending call is simply cancelled: TRUE, and it never runs. */
	struct probe q = {0};
	call = thread_call_allocate(probe_fire, &q);
	ck_assert(!thread_call_enter_delayed(call, deadline_in_ms(5000)));
	ck_assert(thread_call_cancel_wait(call));
	ck_assert_uint_eq(load(&q.count), 0);
	ck_assert(thread_call_free(call));
}
END_TEST

START_TEST(test_free_pending_fails)
{
	struct probe p = {0};
	thread_call_t call = thread_call_allocate(probe_fire, &p);

	ck_assert(!thread_call_enter_delayed(call, deadline_in_ms(10000)));
	ck_assert(!thread_call_free(call));
	ck_assert(thread_call_isactive(call)); /* untouched */
	ck_assert(thread_call_cancel(call));
	ck_assert(thread_call_free(call));
}
END_TEST

/* Freed while running: the memory outlives the invocation (and ASan would catch a use after free). */
START_TEST(test_free_while_running)
{
	struct probe p = {.hold_ms = 40};
	thread_call_t call = thread_call_allocate(probe_fire, &p);

	ck_assert(!thread_call_enter(call));
	ck_assert_uint_eq(wait_for(&p.started, 1), 1);
	ck_assert(thread_call_free(call));
	ck_assert_uint_eq(wait_for(&p.count, 1), 1);
	delay(20000); /* let the worker drop the last reference */
}
END_TEST

static uint32_t self_free_result;

static void
self_free_fire(thread_call_param_t p0, thread_call_param_t p1)
{
	(void)p0;
	__atomic_store_n(&self_free_result, thread_call_free((thread_call_t)p1) ? 1 : 2, __ATOMIC_RELEASE);
}

START_TEST(test_free_from_own_callout)
{
	thread_call_t call = thread_call_allocate(self_free_fire, NULL);

	ck_assert(!thread_call_enter1(call, call));
	ck_assert_uint_ge(wait_for(&self_free_result, 1), 1);
	ck_assert_uint_eq(self_free_result, 1);
	delay(20000);
}
END_TEST

/* A ONCE call re-entered while running runs again afterwards, never concurrently. */
START_TEST(test_once_semantics)
{
	struct probe p = {.hold_ms = 40};
	thread_call_t call = thread_call_allocate_with_options(probe_fire, &p, THREAD_CALL_PRIORITY_KERNEL,
	                                                       THREAD_CALL_OPTIONS_ONCE);

	ck_assert(!thread_call_enter(call));
	ck_assert_uint_eq(wait_for(&p.started, 1), 1);
	ck_assert(!thread_call_enter(call)); /* deferred until the running one returns */
	ck_assert(thread_call_enter(call));  /* already deferred */
	ck_assert(thread_call_isactive(call));
	ck_assert(!thread_call_free(call)); /* a deferred entry counts as pending */
	ck_assert_uint_eq(wait_for(&p.count, 2), 2);
	ck_assert(!thread_call_cancel_wait(call));
	delay(60000);
	ck_assert_uint_eq(load(&p.count), 2);
	ck_assert_uint_eq(p.max_running, 1);

	/* cancel_wait on a running ONCE call with a deferred entry: cancels it, waits for the current. */
	p.started = 0;
	p.done = 0;
	ck_assert(!thread_call_enter(call));
	ck_assert_uint_eq(wait_for(&p.started, 1), 1);
	ck_assert(!thread_call_enter_delayed(call, deadline_in_ms(1)));
	ck_assert(thread_call_cancel_wait(call));
	ck_assert_uint_eq(load(&p.done), 1);
	ck_assert_uint_eq(load(&p.count), 3);
	delay(60000);
	ck_assert_uint_eq(load(&p.count), 3);
	ck_assert(!thread_call_wait_once(call)); /* not running */
	ck_assert(thread_call_free(call));
}
END_TEST

/* Signal calls run on the timer thread; they are ONCE calls too. */
START_TEST(test_signal_call)
{
	struct probe p = {0};
	thread_call_t call = thread_call_allocate_with_options(probe_fire, &p, THREAD_CALL_PRIORITY_HIGH,
	                                                       THREAD_CALL_OPTIONS_SIGNAL);
	uint64_t deadline = deadline_in_ms(5);

	ck_assert(!thread_call_enter_delayed(call, deadline));
	ck_assert_uint_eq(wait_for(&p.count, 1), 1);
	ck_assert_uint_ge(p.fired_at, deadline);
	ck_assert(!thread_call_cancel_wait(call));
	ck_assert(thread_call_free(call));
}
END_TEST

/* HIGH calls are serial, but a callout that blocks does not starve the others of its group. */
static uint32_t blocked_release;

static void
blocking_fire(thread_call_param_t p0, thread_call_param_t p1)
{
	struct probe *p = p0;

	(void)p1;
	__atomic_store_n(&p->started, 1, __ATOMIC_RELEASE);
	(void)wait_for(&blocked_release, 1);
	__atomic_add_fetch(&p->count, 1, __ATOMIC_ACQ_REL);
}

static void
release_fire(thread_call_param_t p0, thread_call_param_t p1)
{
	(void)p0;
	(void)p1;
	__atomic_store_n(&blocked_release, 1, __ATOMIC_RELEASE);
}

START_TEST(test_blocked_callout_does_not_starve_group)
{
	struct probe p = {0};
	thread_call_t blocker = thread_call_allocate(blocking_fire, &p);
	thread_call_t releaser = thread_call_allocate(release_fire, NULL);

	ck_assert(!thread_call_enter(blocker));
	ck_assert_uint_eq(wait_for(&p.started, 1), 1);
	ck_assert(!thread_call_enter(releaser));
	ck_assert_uint_eq(wait_for(&p.count, 1), 1);
	ck_assert(!thread_call_cancel_wait(blocker));
	ck_assert(!thread_call_cancel_wait(releaser));
	ck_assert(thread_call_free(blocker));
	ck_assert(thread_call_free(releaser));
}
END_TEST

/* Many calls at once, on a parallel group: each runs exactly once. */
START_TEST(test_many_calls)
{
	enum { N = 200 };
	static struct probe p[N];
	static thread_call_t calls[N];

	for (int i = 0; i < N; i++) {
		p[i] = (struct probe){0};
		calls[i] = thread_call_allocate_with_priority(probe_fire, &p[i], THREAD_CALL_PRIORITY_USER);
		ck_assert_ptr_nonnull(calls[i]);
	}
	for (int i = 0; i < N; i++) {
		if (i % 2) {
			ck_assert(!thread_call_enter(calls[i]));
		} else {
			ck_assert(!thread_call_enter_delayed(calls[i], deadline_in_ms((uint32_t)(i % 7))));
		}
	}
	for (int i = 0; i < N; i++) {
		ck_assert_uint_eq(wait_for(&p[i].count, 1), 1);
	}
	delay(20000);
	for (int i = 0; i < N; i++) {
		ck_assert_uint_eq(load(&p[i].count), 1);
		ck_assert(!thread_call_cancel_wait(calls[i]));
		ck_assert(thread_call_free(calls[i]));
	}
}
END_TEST

/* ---- function callouts and BSD timeouts ---- */

static uint32_t timeout_hits[4];
static uint64_t timeout_at[4];

static void
timeout_fire(void *arg)
{
	uintptr_t i = (uintptr_t)arg;

	timeout_at[i] = mach_absolute_time();
	__atomic_add_fetch(&timeout_hits[i], 1, __ATOMIC_ACQ_REL);
}

START_TEST(test_timeout_untimeout)
{
	uint64_t start = mach_absolute_time();

	timeout(timeout_fire, (void *)0, 2); /* 20 ms */
	timeout(timeout_fire, (void *)1, 3);
	timeout(timeout_fire, (void *)2, 0); /* at once */
	untimeout(timeout_fire, (void *)1);
	untimeout(timeout_fire, (void *)3); /* nothing to cancel */
	ck_assert_uint_eq(wait_for(&timeout_hits[0], 1), 1);
	ck_assert_uint_eq(wait_for(&timeout_hits[2], 1), 1);
	ck_assert_uint_ge(timeout_at[0] - start, 20 * NSEC_PER_MSEC);
	delay(80000);
	ck_assert_uint_eq(load(&timeout_hits[1]), 0);
	ck_assert_uint_eq(load(&timeout_hits[0]), 1);
	ck_assert_uint_eq(load(&timeout_hits[2]), 1);
}
END_TEST

START_TEST(test_bsd_timeout)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 15 * 1000 * 1000};
	uint64_t start = mach_absolute_time();

	bsd_timeout(timeout_fire, (void *)0, &ts);
	bsd_timeout(timeout_fire, (void *)1, NULL); /* at once */
	bsd_timeout(timeout_fire, (void *)2, &ts);
	bsd_untimeout(timeout_fire, (void *)2);
	ck_assert_uint_eq(wait_for(&timeout_hits[0], 1), 1);
	ck_assert_uint_eq(wait_for(&timeout_hits[1], 1), 1);
	ck_assert_uint_ge(timeout_at[0] - start, 15 * NSEC_PER_MSEC);
	delay(50000);
	ck_assert_uint_eq(load(&timeout_hits[2]), 0);
}
END_TEST

START_TEST(test_func_cancel_all)
{
	uint64_t deadline = deadline_in_ms(30);

	for (int i = 0; i < 3; i++) {
		thread_call_func_delayed((thread_call_func_t)(void *)timeout_fire, (void *)3, deadline);
	}
	thread_call_func_delayed((thread_call_func_t)(void *)timeout_fire, (void *)0, deadline);
	/* One, then the rest; the callout with another argument is left alone. */
	ck_assert(thread_call_func_cancel((thread_call_func_t)(void *)timeout_fire, (void *)3, FALSE));
	ck_assert(thread_call_func_cancel((thread_call_func_t)(void *)timeout_fire, (void *)3, TRUE));
	ck_assert(!thread_call_func_cancel((thread_call_func_t)(void *)timeout_fire, (void *)3, TRUE));
	ck_assert_uint_eq(wait_for(&timeout_hits[0], 1), 1);
	delay(50000);
	ck_assert_uint_eq(load(&timeout_hits[3]), 0);
}
END_TEST

START_TEST(test_selfcheck)
{
	ck_assert_int_eq(thread_call_selfcheck(), 0);
}
END_TEST

/* Shutdown waits for a running callout and drops the pending ones. */
START_TEST(test_shutdown)
{
	static struct probe running = {.hold_ms = 80}, pending = {0};
	thread_call_t slow =
	        thread_call_allocate_with_priority(probe_fire, &running, THREAD_CALL_PRIORITY_LOW);
	thread_call_t later = thread_call_allocate(probe_fire, &pending);

	ck_assert(!thread_call_enter(slow));
	ck_assert(!thread_call_enter_delayed(later, deadline_in_ms(50)));
	timeout(timeout_fire, (void *)0, 5);
	ck_assert_uint_eq(wait_for(&running.started, 1), 1);
	thread_call_shutdown();
	ck_assert_uint_eq(load(&running.done), 1);
	ck_assert(!thread_call_isactive(later));
	delay(100000);
	ck_assert_uint_eq(load(&pending.count), 0);
	ck_assert_uint_eq(load(&timeout_hits[0]), 0);
	thread_call_shutdown(); /* idempotent */
}
END_TEST

/* ---- misuse panics (exit status 70) ---- */

START_TEST(test_panic_cancel_wait_unowned)
{
	static thread_call_data_t storage;

	thread_call_setup(&storage, probe_fire, NULL);
	(void)thread_call_cancel_wait(&storage);
}
END_TEST

static void
cancel_wait_self_fire(thread_call_param_t p0, thread_call_param_t p1)
{
	(void)p0;
	(void)thread_call_cancel_wait((thread_call_t)p1);
}

START_TEST(test_panic_cancel_wait_self)
{
	thread_call_t call = thread_call_allocate(cancel_wait_self_fire, NULL);

	(void)thread_call_enter1(call, call);
	delay(5 * 1000 * 1000);
}
END_TEST

START_TEST(test_panic_enter_null)
{
	(void)thread_call_enter(NULL);
}
END_TEST

/* A handle whose storage is not (or no longer) a set-up call is refused. */
START_TEST(test_panic_uninitialized)
{
	static thread_call_data_t storage;

	thread_call_setup(&storage, probe_fire, NULL);
	storage.tc_flags &= ~TC_F_INITIALIZED; /* what thread_call_free leaves behind */
	(void)thread_call_enter(&storage);
}
END_TEST

START_TEST(test_panic_bad_priority)
{
	(void)thread_call_allocate_with_priority(probe_fire, NULL, (thread_call_priority_t)17);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("thread_call");
	TCase *tc = ktest_tcase("thread_call");
	TCase *race = ktest_tcase("concurrency");
	TCase *panics = ktest_tcase("panics");

	tcase_add_test(tc, test_enter1_delivers_params);
	tcase_add_test(tc, test_delayed_never_early);
	tcase_add_test(tc, test_delayed_deadline_order);
	tcase_add_test(tc, test_enter_reports_pending);
	tcase_add_test(tc, test_cancel_before_fire);
	tcase_add_test(tc, test_cancel_after_fire);
	tcase_add_test(tc, test_cancel_wait_waits_for_running);
	tcase_add_test(tc, test_free_pending_fails);
	tcase_add_test(tc, test_free_while_running);
	tcase_add_test(tc, test_free_from_own_callout);
	tcase_add_test(tc, test_once_semantics);
	tcase_add_test(tc, test_signal_call);
	tcase_add_test(tc, test_timeout_untimeout);
	tcase_add_test(tc, test_bsd_timeout);
	tcase_add_test(tc, test_func_cancel_all);
	tcase_add_test(tc, test_selfcheck);
	tcase_add_test(tc, test_shutdown);
	suite_add_tcase(s, tc);

	tcase_add_test(race, test_cancel_race);
	tcase_add_test(race, test_blocked_callout_does_not_starve_group);
	tcase_add_test(race, test_many_calls);
	tcase_set_timeout(race, 120);
	suite_add_tcase(s, race);

	tcase_add_exit_test(panics, test_panic_cancel_wait_unowned, KHOST_EXIT_PANIC);
	tcase_add_exit_test(panics, test_panic_cancel_wait_self, KHOST_EXIT_PANIC);
	tcase_add_exit_test(panics, test_panic_enter_null, KHOST_EXIT_PANIC);
	tcase_add_exit_test(panics, test_panic_uninitialized, KHOST_EXIT_PANIC);
	tcase_add_exit_test(panics, test_panic_bad_priority, KHOST_EXIT_PANIC);
	suite_add_tcase(s, panics);
	return s;
}
