/*
 * thread.c — kernel threads: creation (kernel_thread_start), reference
 * counting, identity (current_thread, thread_tid, names), self-termination,
 * and the kernel task.
 *
 * Each kernel thread is a host thread on a small stack with a guard page
 * below it (khost_thread_create). XNU gives kernel threads 4 pages (16 KiB):
 * we do the same, tunable with the kernel_stack_pages boot-arg; sanitizer
 * builds default to 16 pages because ASan/TSan inflate stack frames several
 * times over.
 *
 * A kernel thread's base frame (thread_run_at_base) is recorded with
 * __builtin_setjmp. thread_block() with a continuation and
 * thread_terminate(self) return to it with __builtin_longjmp, discarding the
 * frames above, like XNU's call_continuation: a continuation never returns to
 * its caller, and when it returns the thread ends.
 *
 * Host threads that call into the kernel without being started here (the
 * boot thread, a test's main thread, later the socket servers) get a record
 * on first use of current_thread(); it lives as long as the process.
 */
#include <sys/cdefs.h>
#include <sys/systm.h>
#include <string.h>
#include <kern/thread.h>
#include <kern/kalloc.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/thread_internal.h"
#include "osfmk/kern/zalloc_internal.h"
#include "osfmk/kern/lock_order.h"
#include "osfmk/kern/watchdog.h"

#define THREAD_STACK_PAGES_DEFAULT 4
#define THREAD_STACK_PAGES_SANITIZER 16
#define THREAD_STACK_PAGES_MAX 1024

__thread struct thread *thread_tls_self;

static struct task kernel_task_store = {
        .t_refcnt = 1,
        .t_name = "kernel_task",
};
task_t kernel_task = &kernel_task_store;

/* Thread ids start above 100 as in XNU; only ever incremented. */
static uint64_t thread_unique_id = 100;

#ifdef KEXTHOST_SANITIZER
#define THREAD_STACK_PAGES_BOOT THREAD_STACK_PAGES_SANITIZER
#else
#define THREAD_STACK_PAGES_BOOT THREAD_STACK_PAGES_DEFAULT
#endif
static unsigned int thread_stack_pages = THREAD_STACK_PAGES_BOOT;

#if defined(__SANITIZE_ADDRESS__)
void __asan_handle_no_return(void);
#define THREAD_BEFORE_LONGJMP() __asan_handle_no_return()
#else
#define THREAD_BEFORE_LONGJMP() ((void)0)
#endif

static void
thread_record_init(struct thread *th, uint32_t flags)
{
	memset(th, 0, sizeof(*th));
	th->th_refcnt = 1;
	th->th_flags = flags;
	th->th_tid = __atomic_add_fetch(&thread_unique_id, 1, __ATOMIC_RELAXED);
	th->th_task = kernel_task;
	th->th_park = TH_PARK_RUNNING;
	th->th_wait_result = THREAD_AWAKENED;
	spin_state_init(&th->th_wait_spin);
	spin_state_init(&th->th_lock_spin);
	if ((uintptr_t)th & 0x3)
		panic("thread record %p is not 4-byte aligned", th);
}

static size_t
thread_record_size(void)
{
	size_t page = khost_page_size();
	return (sizeof(struct thread) + page - 1) & ~(page - 1);
}

/*
 * Give the calling host thread a record. Memory comes from the host page
 * allocator, not kalloc: the allocator may itself ask for current_thread().
 */
struct thread *
thread_adopt_current(void)
{
	void *mem = NULL;
	struct thread *th;

	if (khost_vm_alloc(thread_record_size(), 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &mem) != 0)
		panic("current_thread: no memory for the record of host thread %llu",
		      (unsigned long long)khost_thread_id());
	th = mem;
	thread_record_init(th, TH_F_ADOPTED);
	khost_thread_stack(&th->th_stack_lo, &th->th_stack_hi);
	thread_tls_self = th;
	watchdog_thread_add(th);
	return th;
}

thread_t
current_thread(void)
{
	return current_thread_fast();
}

static void
thread_free(struct thread *th)
{
	if (__atomic_load_n(&th->th_waitq, __ATOMIC_RELAXED) != NULL)
		panic("thread_deallocate: thread %p freed while waiting", th);
	lck_order_thread_free(th);
	watchdog_thread_remove(th);
	if (th->th_flags & TH_F_ADOPTED)
		khost_vm_free(th, thread_record_size());
	else
		kfree(th, sizeof(*th));
}

void
thread_reference(thread_t thread)
{
	if (thread == THREAD_NULL)
		return;
	uint32_t old = __atomic_fetch_add(&thread->th_refcnt, 1, __ATOMIC_RELAXED);
	if (old == 0 || old == UINT32_MAX)
		panic("thread_reference: thread %p has a bad reference count %u", thread, old);
}

void
thread_deallocate(thread_t thread)
{
	if (thread == THREAD_NULL)
		return;
	uint32_t old = __atomic_fetch_sub(&thread->th_refcnt, 1, __ATOMIC_ACQ_REL);
	if (old == 0)
		panic("thread_deallocate: thread %p over-released", thread);
	if (old == 1)
		thread_free(thread);
}

uint64_t
thread_tid(thread_t thread)
{
	return thread != THREAD_NULL ? thread->th_tid : 0;
}

void
thread_set_thread_name(thread_t th, const char *name)
{
	if (th == THREAD_NULL || name == NULL)
		return;
	strlcpy(th->th_name, name, sizeof(th->th_name));
}

task_t
current_task(void)
{
	struct thread *th = current_thread_fast();
	return th->th_task != TASK_NULL ? th->th_task : kernel_task;
}

int
cpu_number(void)
{
	return khost_cpu_number();
}

size_t
thread_kernel_stack_size(void)
{
	return (size_t)thread_stack_pages * PAGE_SIZE;
}

/*
 * The base frame of a kernel thread. Runs the first continuation, or the one
 * thread_call_continuation() left in the record when it jumped back here.
 * Returns when the continuation returns or the thread terminates itself.
 */
static __attribute__((noinline)) void
thread_run_at_base(struct thread *th)
{
	if (__builtin_setjmp(th->th_base) != 0) {
		/* Arrived by __builtin_longjmp: registers were not preserved. */
		th = thread_tls_self;
		if (th->th_flags & TH_F_TERMINATING)
			return;
	}
	th->th_continuation(th->th_parameter, th->th_cont_result);
}

/* The end of a kernel thread: drop its own reference, flush per-thread caches. */
static void
thread_exit_self(struct thread *th)
{
	if (__atomic_load_n(&th->th_waitq, __ATOMIC_RELAXED) != NULL)
		panic("thread %p (%s) exits while waiting", th, th->th_name);
	/* The record may be freed here; only its address stays in the TLS until the caches are flushed. */
	thread_deallocate(th);
	zone_thread_cleanup(); /* flush this thread's allocator cache */
	thread_tls_self = NULL;
}

static void
thread_kernel_main(void *arg)
{
	struct thread *th = arg;

	thread_tls_self = th;
	khost_thread_stack(&th->th_stack_lo, &th->th_stack_hi);
	thread_run_at_base(th);
	thread_exit_self(thread_tls_self);
}

void
thread_call_continuation(struct thread *th, thread_continue_t cont, void *param, wait_result_t wresult)
{
	if (th->th_flags & TH_F_KTHREAD) {
		th->th_continuation = cont;
		th->th_parameter = param;
		th->th_cont_result = wresult;
		THREAD_BEFORE_LONGJMP();
		__builtin_longjmp(th->th_base, 1);
	}
	cont(param, wresult);
	panic("thread %p: continuation %p returned on a host thread the kernel did not start "
	      "(only kernel_thread_start threads can end in a continuation)",
	      th, cont);
}

kern_return_t
kernel_thread_start(thread_continue_t continuation, void *parameter, thread_t *new_thread)
{
	struct thread *th;
	int err;

	if (continuation == THREAD_CONTINUE_NULL || new_thread == NULL)
		return KERN_INVALID_ARGUMENT;
	th = kalloc(sizeof(*th));
	if (th == NULL)
		return KERN_RESOURCE_SHORTAGE;
	thread_record_init(th, TH_F_KTHREAD);
	th->th_refcnt = 2; /* the caller's reference and the running thread's own */
	th->th_continuation = continuation;
	th->th_parameter = parameter;
	th->th_cont_result = THREAD_AWAKENED;
	th->th_stack_size = thread_kernel_stack_size();

	watchdog_thread_add(th);
	err = khost_thread_create(thread_kernel_main, th, th->th_stack_size, &th->th_host);
	if (err != 0) {
		watchdog_thread_remove(th);
		printf("kernel_thread_start: cannot create a host thread (errno %d)\n", err);
		kfree(th, sizeof(*th));
		return KERN_RESOURCE_SHORTAGE;
	}
	*new_thread = th;
	return KERN_SUCCESS;
}

/*
 * Only a thread's own termination is supported: a kernel thread unwinds to
 * its base frame and ends at once. Host threads the kernel did not start
 * cannot be ended by the kernel.
 */
kern_return_t
thread_terminate(thread_t thread)
{
	struct thread *self = current_thread_fast();

	if (thread == THREAD_NULL)
		return KERN_INVALID_ARGUMENT;
	if (thread != self)
		return KERN_NOT_SUPPORTED;
	if (!(self->th_flags & TH_F_KTHREAD))
		return KERN_FAILURE;
	if (__atomic_load_n(&self->th_waitq, __ATOMIC_RELAXED) != NULL)
		panic("thread_terminate: thread %p terminates while waiting", self);
	self->th_wait_asserted = 0;
	self->th_flags |= TH_F_TERMINATING;
	THREAD_BEFORE_LONGJMP();
	__builtin_longjmp(self->th_base, 1);
}

/* Adopt the boot thread and read the kernel stack size. */
void
thread_bootstrap(void)
{
	unsigned int pages = 0;
	struct thread *th;

	thread_stack_pages = THREAD_STACK_PAGES_BOOT;
	if (PE_parse_boot_argn("kernel_stack_pages", &pages, sizeof(pages))) {
		if (pages >= 1 && pages <= THREAD_STACK_PAGES_MAX)
			thread_stack_pages = pages;
		else
			printf("thread: ignoring kernel_stack_pages=%u (want 1..%u), using %u\n", pages,
			       THREAD_STACK_PAGES_MAX, thread_stack_pages);
	}
	sched_init();
	th = current_thread_fast();
	if (th->th_name[0] == '\0')
		thread_set_thread_name(th, "kernel_bootstrap");
}
