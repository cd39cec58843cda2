/*
 * test_thread.c — kernel threads: kernel_thread_start arguments and
 * results, identity (current_thread, thread_tid, names, the kernel task),
 * reference counting, the adopted boot thread, stack size (default and the
 * kernel_stack_pages boot-arg) and the guard page below it, continuations
 * (thread_block with a continuation restarts on a fresh stack), and
 * thread_terminate.
 */
#include "tests/ktest.h"
#include <stdbool.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "osfmk/kern/thread_internal.h"

#define WAIT_LIMIT_NS (10ull * 1000 * 1000 * 1000)

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

struct probe {
	void *param;
	wait_result_t wr;
	thread_t self;
	uint64_t tid;
	task_t task;
	int cpu;
	uintptr_t stack_lo, stack_hi;
	size_t stack_size;
	uint32_t done;
};

static void
probe_thread(void *arg, wait_result_t wr)
{
	struct probe *p = arg;

	p->param = arg;
	p->wr = wr;
	p->self = current_thread();
	p->tid = thread_tid(p->self);
	p->task = current_task();
	p->cpu = cpu_number();
	khost_thread_stack(&p->stack_lo, &p->stack_hi);
	p->stack_size = p->self->th_stack_size;
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
}

START_TEST(start_runs_continuation)
{
	static struct probe p;
	thread_t th = THREAD_NULL;

	ck_assert_int_eq(kernel_thread_start(probe_thread, &p, &th), KERN_SUCCESS);
	ck_assert_ptr_nonnull(th);
	ck_assert_uint_eq(wait_for(&p.done, 1), 1);
	ck_assert_ptr_eq(p.param, &p);
	ck_assert_int_eq(p.wr, THREAD_AWAKENED);
	ck_assert_ptr_eq(p.self, th);
	ck_assert_uint_eq(p.tid, thread_tid(th));
	ck_assert_uint_gt(p.tid, 100);
	ck_assert_ptr_eq(p.task, kernel_task);
	ck_assert_int_ge(p.cpu, 0);
	ck_assert_int_lt(p.cpu, khost_ncpus());
	ck_assert_ptr_ne(th, current_thread());
	thread_deallocate(th);
}
END_TEST

START_TEST(start_bad_arguments)
{
	thread_t th;
	static struct probe p;

	ck_assert_int_eq(kernel_thread_start(THREAD_CONTINUE_NULL, NULL, &th), KERN_INVALID_ARGUMENT);
	ck_assert_int_eq(kernel_thread_start(probe_thread, &p, NULL), KERN_INVALID_ARGUMENT);
	ck_assert_uint_eq(thread_tid(THREAD_NULL), 0);
	thread_reference(THREAD_NULL);
	thread_deallocate(THREAD_NULL);
	thread_set_thread_name(THREAD_NULL, "x");
	ck_assert_int_eq(thread_terminate(THREAD_NULL), KERN_INVALID_ARGUMENT);
}
END_TEST

START_TEST(adopted_boot_thread)
{
	thread_t self = current_thread();

	ck_assert_ptr_nonnull(self);
	ck_assert_ptr_eq(current_thread(), self);
	ck_assert_uint_gt(thread_tid(self), 100);
	ck_assert(self->th_flags & TH_F_ADOPTED);
	ck_assert_str_eq(self->th_name, "kernel_bootstrap");
	ck_assert_ptr_eq(current_task(), kernel_task);
	/* The kernel cannot end a host thread it did not start. */
	ck_assert_int_eq(thread_terminate(self), KERN_FAILURE);
}
END_TEST

/* A host thread the kernel did not start is adopted on first use, and can wait and be woken. */
struct adopt_probe {
	thread_t self, again;
	uint32_t flags;
	uint64_t tid;
	int sleep_err;
	uint32_t done;
};

static void
adopt_host_thread(void *arg)
{
	struct adopt_probe *a = arg;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000 * 1000};

	a->self = current_thread();
	a->again = current_thread();
	a->flags = a->self->th_flags;
	a->tid = thread_tid(a->self);
	a->sleep_err = msleep(a, NULL, PZERO, "adopted", &ts);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
}

START_TEST(adopted_host_thread)
{
	static struct adopt_probe a;
	khost_thread_t h;

	ck_assert_int_eq(khost_thread_create(adopt_host_thread, &a, 64 * 1024, &h), 0);
	ck_assert_uint_eq(wait_for(&a.done, 1), 1);
	ck_assert_ptr_nonnull(a.self);
	ck_assert_ptr_eq(a.self, a.again);
	ck_assert_ptr_ne(a.self, current_thread());
	ck_assert(a.flags & TH_F_ADOPTED);
	ck_assert_uint_gt(a.tid, thread_tid(current_thread()));
	ck_assert_int_eq(a.sleep_err, EWOULDBLOCK);
}
END_TEST

START_TEST(tids_unique_and_increasing)
{
	static struct probe p[8];
	thread_t th[8];

	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(kernel_thread_start(probe_thread, &p[i], &th[i]), KERN_SUCCESS);
	for (int i = 0; i < 8; i++) {
		ck_assert_uint_eq(wait_for(&p[i].done, 1), 1);
		if (i > 0)
			ck_assert_uint_gt(thread_tid(th[i]), thread_tid(th[i - 1]));
		thread_deallocate(th[i]);
	}
}
END_TEST

START_TEST(names_and_references)
{
	static struct probe p;
	thread_t th;

	ck_assert_int_eq(kernel_thread_start(probe_thread, &p, &th), KERN_SUCCESS);
	thread_set_thread_name(th, "a-rather-long-thread-name-that-does-not-fit-in-sixty-four-bytes-at-all");
	ck_assert_uint_eq(strlen(th->th_name), MAXTHREADNAMESIZE - 1);
	thread_set_thread_name(th, "worker");
	ck_assert_str_eq(th->th_name, "worker");
	ck_assert_uint_eq(wait_for(&p.done, 1), 1);
	/* Once the thread has ended, only the caller's reference remains. */
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	while (load32(&th->th_refcnt) != 1 && khost_uptime_ns() < end)
		khost_thread_yield();
	ck_assert_uint_eq(th->th_refcnt, 1);
	thread_reference(th);
	ck_assert_uint_eq(th->th_refcnt, 2);
	thread_deallocate(th);
	ck_assert_str_eq(th->th_name, "worker"); /* still alive */
	thread_deallocate(th);
}
END_TEST

START_TEST(deallocate_over_release_panics)
{
	thread_t self = current_thread();

	self->th_refcnt = 0; /* as if every reference had been dropped */
	thread_deallocate(self);
}
END_TEST

START_TEST(default_stack_size)
{
	static struct probe p;
	thread_t th;
#ifdef KEXTHOST_SANITIZER
	size_t want = 16 * PAGE_SIZE;
#else
	size_t want = 4 * PAGE_SIZE;
#endif

	ck_assert_uint_eq(thread_kernel_stack_size(), want);
	ck_assert_int_eq(kernel_thread_start(probe_thread, &p, &th), KERN_SUCCESS);
	ck_assert_uint_eq(wait_for(&p.done, 1), 1);
	ck_assert_uint_eq(p.stack_size, want);
	ck_assert_uint_ge(p.stack_hi - p.stack_lo, want);
	ck_assert_uint_ge(th->th_stack_lo, 1);
	thread_deallocate(th);
}
END_TEST

START_TEST(stack_pages_boot_arg)
{
	static struct probe p;
	thread_t th;

	ktest_boot_args = "kernel_stack_pages=8";
	ktest_boot();
	ck_assert_uint_eq(thread_kernel_stack_size(), 8 * PAGE_SIZE);
	ck_assert_int_eq(kernel_thread_start(probe_thread, &p, &th), KERN_SUCCESS);
	ck_assert_uint_eq(wait_for(&p.done, 1), 1);
	ck_assert_uint_eq(p.stack_size, 8 * PAGE_SIZE);
	ck_assert_uint_ge(p.stack_hi - p.stack_lo, 8 * PAGE_SIZE);
	thread_deallocate(th);
	ktest_shutdown();
}
END_TEST

START_TEST(stack_pages_bad_boot_arg_ignored)
{
	ktest_boot_args = "kernel_stack_pages=0";
	ktest_boot();
#ifdef KEXTHOST_SANITIZER
	ck_assert_uint_eq(thread_kernel_stack_size(), 16 * PAGE_SIZE);
#else
	ck_assert_uint_eq(thread_kernel_stack_size(), 4 * PAGE_SIZE);
#endif
	ktest_shutdown();
}
END_TEST

#if !defined(KEXTHOST_TSAN)
/* Writing just below the stack hits the guard page. */
static void
guard_thread(void *arg, wait_result_t wr)
{
	uintptr_t lo, hi;

	khost_thread_stack(&lo, &hi);
	*(volatile char *)(lo - 1) = 1;
}

START_TEST(stack_guard_page_faults)
{
	static struct probe p;
	thread_t th;

	ck_assert_int_eq(kernel_thread_start(guard_thread, &p, &th), KERN_SUCCESS);
	wait_for(&p.done, 1); /* never set: the process dies first */
}
END_TEST
#endif

/* ---- continuations ---------------------------------------------------------- */

#define CONT_ROUNDS 20000

struct cont_state {
	uint32_t rounds;
	uintptr_t first_frame;
	uintptr_t max_frame_delta;
	uint32_t ended;
	uint32_t after_terminate;
	uint32_t before_terminate;
};

static void cont_step(void *arg, wait_result_t wr);

static void
cont_step(void *arg, wait_result_t wr)
{
	struct cont_state *c = arg;
	volatile char marker;
	uintptr_t frame = (uintptr_t)&marker;

	if (c->first_frame == 0)
		c->first_frame = frame;
	uintptr_t delta = frame > c->first_frame ? frame - c->first_frame : c->first_frame - frame;
	if (delta > c->max_frame_delta)
		c->max_frame_delta = delta;
	if (++c->rounds < CONT_ROUNDS) {
		/* Wait 0 ns (an immediate timeout) and restart here: the stack must not grow. */
		assert_wait_timeout(c, THREAD_UNINT, 0, 1);
		thread_block_parameter(cont_step, c);
		/* NOTREACHED */
		c->rounds = 0xdead;
	}
	__atomic_store_n(&c->ended, 1, __ATOMIC_RELEASE);
	/* Returning from the continuation ends the thread. */
}

START_TEST(continuation_restarts_on_fresh_stack)
{
	static struct cont_state c;
	thread_t th;

	ck_assert_int_eq(kernel_thread_start(cont_step, &c, &th), KERN_SUCCESS);
	ck_assert_uint_eq(wait_for(&c.ended, 1), 1);
	ck_assert_uint_eq(c.rounds, CONT_ROUNDS);
	/* 20,000 nested frames would have overflowed a 16 KiB stack many times over. */
	ck_assert_uint_lt(c.max_frame_delta, 256);
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	while (load32(&th->th_refcnt) != 1 && khost_uptime_ns() < end)
		khost_thread_yield();
	ck_assert_uint_eq(th->th_refcnt, 1); /* the thread has ended */
	thread_deallocate(th);
}
END_TEST

static void
terminate_self(void *arg, wait_result_t wr)
{
	struct cont_state *c = arg;

	__atomic_store_n(&c->before_terminate, 1, __ATOMIC_RELEASE);
	thread_terminate(current_thread());
	__atomic_store_n(&c->after_terminate, 1, __ATOMIC_RELEASE);
}

START_TEST(terminate_self_ends_thread)
{
	static struct cont_state c;
	thread_t th;

	ck_assert_int_eq(kernel_thread_start(terminate_self, &c, &th), KERN_SUCCESS);
	ck_assert_uint_eq(wait_for(&c.before_terminate, 1), 1);
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	while (load32(&th->th_refcnt) != 1 && khost_uptime_ns() < end)
		khost_thread_yield();
	ck_assert_uint_eq(th->th_refcnt, 1);
	ck_assert_uint_eq(load32(&c.after_terminate), 0);
	ck_assert_int_eq(thread_terminate(th), KERN_NOT_SUPPORTED); /* not self */
	thread_deallocate(th);
}
END_TEST

static void
adopted_continuation(void *arg, wait_result_t wr)
{
	/* Returns: not allowed on a host thread the kernel did not start. */
}

START_TEST(continuation_return_on_adopted_thread_panics)
{
	thread_block_parameter(adopted_continuation, NULL);
}
END_TEST

/* Many short-lived threads: every one runs and ends. */
#define MANY 64

static void
count_thread(void *arg, wait_result_t wr)
{
	__atomic_add_fetch((uint32_t *)arg, 1, __ATOMIC_ACQ_REL);
}

START_TEST(concurrency_many_threads)
{
	static uint32_t count;

	for (int i = 0; i < MANY; i++) {
		thread_t th;
		ck_assert_int_eq(kernel_thread_start(count_thread, &count, &th), KERN_SUCCESS);
		thread_deallocate(th);
	}
	ck_assert_uint_eq(wait_for(&count, MANY), MANY);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("thread");
	TCase *tc = ktest_tcase("semantics");

	tcase_add_test(tc, start_runs_continuation);
	tcase_add_test(tc, start_bad_arguments);
	tcase_add_test(tc, adopted_boot_thread);
	tcase_add_test(tc, adopted_host_thread);
	tcase_add_test(tc, tids_unique_and_increasing);
	tcase_add_test(tc, names_and_references);
	tcase_add_exit_test(tc, deallocate_over_release_panics, 70);
	tcase_add_test(tc, default_stack_size);
#if !defined(KEXTHOST_TSAN) /* (under ASan too: mk/run-tests.sh sets handle_segv=0) */
	/* The fault in the guard page is a kernel stack overflow panic (exit status 70). */
	tcase_add_exit_test(tc, stack_guard_page_faults, 70);
#endif
	tcase_add_test(tc, continuation_restarts_on_fresh_stack);
	tcase_add_test(tc, terminate_self_ends_thread);
	tcase_add_exit_test(tc, continuation_return_on_adopted_thread_panics, 70);
	suite_add_tcase(s, tc);

	TCase *nb = ktest_tcase_noboot("boot-args");
	tcase_add_test(nb, stack_pages_boot_arg);
	tcase_add_test(nb, stack_pages_bad_boot_arg_ignored);
	suite_add_tcase(s, nb);

	TCase *cc = ktest_tcase("concurrency");
	tcase_add_test(cc, concurrency_many_threads);
	suite_add_tcase(s, cc);
	return s;
}
