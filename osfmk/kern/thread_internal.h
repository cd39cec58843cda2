/*
 * thread_internal.h — the kernel's private view of a thread (struct thread)
 * and of the kernel task. Kexts only ever see thread_t as an opaque pointer.
 *
 * A thread record describes one host thread that runs kernel code: either a
 * kernel thread started by kernel_thread_start() (it owns a small guard-paged
 * stack), or a host thread that entered the kernel on its own (the boot
 * thread, a test's main thread, later the socket-server threads), "adopted"
 * lazily the first time it asks for current_thread().
 *
 * Every thread blocks on its own futex word, th_park, which thread_block()
 * sleeps on and the wakeup paths (waitq.c) clear. The fields of the
 * "wait state" group are protected by the lock of the wait-queue bucket the
 * thread is queued on (th_waitq); see waitq.c for the protocol.
 */
#ifndef _KERN_THREAD_INTERNAL_H_
#define _KERN_THREAD_INTERNAL_H_

#include <sys/cdefs.h>
#include <stdbool.h>
#include <stdint.h>
#include <mach/mach_types.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "osfmk/kern/spin_internal.h"

#define MAXTHREADNAMESIZE 64

/* th_park values: the futex word a blocked thread sleeps on. */
#define TH_PARK_RUNNING 0u  /* not waiting, or woken */
#define TH_PARK_WAITING 1u  /* a wait is asserted; the thread may be spinning */
#define TH_PARK_SLEEPING 2u /* the thread sleeps in the host futex: a waker must futex-wake it */

/* th_flags */
#define TH_F_KTHREAD 0x1u     /* started by kernel_thread_start: owns its stack */
#define TH_F_ADOPTED 0x2u     /* a host thread adopted on first use */
#define TH_F_TERMINATING 0x4u /* thread_terminate(self) unwinds to the thread's base */

struct waitq;

/*
 * __builtin_setjmp buffer: frame pointer, resume address, stack pointer and
 * two words the compiler may use (5 words, per the GCC documentation).
 */
typedef void *thread_jmpbuf_t[5];

struct thread {
	/* ---- wait state (see waitq.c) ---- */
	uint32_t th_park;          /* TH_PARK_*: the futex word */
	uint32_t th_wait_asserted; /* assert_wait ran; thread_block has not yet consumed it */
	struct waitq *th_waitq;    /* bucket the thread is queued on, NULL when not queued */
	struct thread *th_wq_next; /* bucket list links */
	struct thread *th_wq_prev;
	struct thread *th_wake_next; /* a waker's private list of threads to futex-wake */
	event64_t th_wait_event;
	uint64_t th_wait_deadline; /* absolute uptime ns, 0: none */
	wait_result_t th_wait_result;
	wait_interrupt_t th_interruptible;
	uint32_t th_interrupt_pending; /* thread_interrupt() found no interruptible wait */
	const void *th_wchan;          /* BSD sleep channel and message (msleep), for inspection */
	const char *th_wmesg;

	/* ---- adaptive spinning (spin_internal.h) ---- */
	struct spin_state th_wait_spin; /* thread_block before sleeping */
	struct spin_state th_lock_spin; /* contended lck_mtx / lck_rw */

	/* ---- debugging ---- */
	void *th_lock_order; /* locks held, for lock-order checking (lock_order.c), or NULL */
	/* The watchdog (watchdog.c): set by the thread itself when it blocks, read by the watchdog. */
	struct thread *th_all_next, *th_all_prev; /* every thread record */
	uint32_t th_wd_kind;                      /* WD_*: what it blocks on now */
	uint32_t th_wd_idle;                      /* event waits are idle waits */
	const void *th_wd_obj;                    /* the event or lock */
	const void *th_wd_owner;                  /* the lock's owner when it blocked */
	uint64_t th_wd_since;                     /* uptime ns when it blocked */
	uint64_t th_wd_reported;                  /* th_wd_since of the wait last reported */
	uintptr_t th_wd_bt[8];                    /* backtrace when it blocked */

	/* ---- identity and lifetime ---- */
	uint32_t th_refcnt;
	uint32_t th_flags;
	uint64_t th_tid; /* kernel-unique, monotonically assigned */
	task_t th_task;
	char th_name[MAXTHREADNAMESIZE];

	/* ---- kernel threads ---- */
	thread_continue_t th_continuation; /* what the thread runs next */
	void *th_parameter;
	wait_result_t th_cont_result;
	size_t th_stack_size;               /* requested usable stack bytes */
	uintptr_t th_stack_lo, th_stack_hi; /* host-reported stack bounds */
	khost_thread_t th_host;
	thread_jmpbuf_t th_base; /* the thread's base frame: continuations restart here */
};

/*
 * The kernel task. Only the kernel task exists for now; it grows fields when
 * user-visible tasks (BSD processes) arrive.
 */
struct task {
	uint32_t t_refcnt;
	uint32_t t_flags;
	const char *t_name;
};

/* The calling host thread's record; NULL until first use. */
extern __thread struct thread *thread_tls_self;

/* Slow path of current_thread(): adopt the calling host thread. */
struct thread *thread_adopt_current(void);

/* current_thread() for kernel code: one TLS load and a NULL test. */
static inline __attribute__((always_inline)) struct thread *
current_thread_fast(void)
{
	struct thread *th = thread_tls_self;
	if (__probable(th != NULL))
		return th;
	return thread_adopt_current();
}

/* sched_prim.c: read the wait spin settings (called by thread_bootstrap). */
void sched_init(void);

/* Usable stack bytes of a new kernel thread (kernel_stack_pages boot-arg). */
size_t thread_kernel_stack_size(void);

/*
 * Resume a kernel thread at its base frame and run `cont` there (thread_block
 * with a continuation): the blocked frames are discarded as in XNU. On an
 * adopted host thread there is no base frame: the continuation runs on the
 * current stack and must not return.
 */
__dead2 void thread_call_continuation(struct thread *th, thread_continue_t cont, void *param,
                                      wait_result_t wresult);

#endif /* _KERN_THREAD_INTERNAL_H_ */
