/*
 * kern/thread_call.h — thread calls: work items that run a function on a
 * kernel worker thread, as soon as possible or at a deadline (an absolute
 * time, see kern/clock.h).
 *
 * A thread call is allocated once and entered (scheduled) many times; an
 * entry made while the call is still pending replaces the pending one. Calls
 * run on worker threads of the group chosen by their priority. Unless the
 * call was allocated with THREAD_CALL_OPTIONS_ONCE, an invocation that is
 * re-entered from its own callback may run concurrently with itself.
 */
#ifndef _KERN_THREAD_CALL_H_
#define _KERN_THREAD_CALL_H_

#include <sys/cdefs.h>
#include <mach/mach_types.h>
#include <kern/clock.h>

struct thread_call;
typedef struct thread_call *thread_call_t;

typedef void *thread_call_param_t;
typedef void (*thread_call_func_t)(thread_call_param_t param0, thread_call_param_t param1);

/* Importance of a call; each has its own group of worker threads. */
typedef enum {
	THREAD_CALL_PRIORITY_HIGH = 0,
	THREAD_CALL_PRIORITY_KERNEL = 1,
	THREAD_CALL_PRIORITY_USER = 2,
	THREAD_CALL_PRIORITY_LOW = 3,
	THREAD_CALL_PRIORITY_KERNEL_HIGH = 4
} thread_call_priority_t;

enum {
	/* Re-entering a running call defers the new run until the current one returns. */
	THREAD_CALL_OPTIONS_ONCE = 0x00000001,
#ifdef XNU_KERNEL_PRIVATE
	/* Run on the timer thread itself rather than on a worker (implies ONCE). */
	THREAD_CALL_OPTIONS_SIGNAL = 0x00000002,
#endif
};
typedef uint32_t thread_call_options_t;

__BEGIN_DECLS

/* Each enter returns TRUE if the call was already pending (immediately or delayed). */
boolean_t thread_call_enter(thread_call_t call);
boolean_t thread_call_enter1(thread_call_t call, thread_call_param_t param1);
boolean_t thread_call_enter_delayed(thread_call_t call, uint64_t deadline);
boolean_t thread_call_enter1_delayed(thread_call_t call, thread_call_param_t param1, uint64_t deadline);

#ifdef XNU_KERNEL_PRIVATE
/* Timer-coalescing classes (kern/kern_types.h values, also in kern/sched_prim.h); accepted, not used. */
#ifndef TIMEOUT_URGENCY_SYS_NORMAL
#define TIMEOUT_URGENCY_SYS_NORMAL 0x00
#endif
#ifndef TIMEOUT_URGENCY_SYS_CRITICAL
#define TIMEOUT_URGENCY_SYS_CRITICAL 0x01
#endif
#ifndef TIMEOUT_URGENCY_SYS_BACKGROUND
#define TIMEOUT_URGENCY_SYS_BACKGROUND 0x02
#endif
#ifndef TIMEOUT_URGENCY_USER_MASK
#define TIMEOUT_URGENCY_USER_MASK 0x10
#endif
#ifndef TIMEOUT_URGENCY_USER_NORMAL
#define TIMEOUT_URGENCY_USER_NORMAL 0x10
#endif
#ifndef TIMEOUT_URGENCY_USER_CRITICAL
#define TIMEOUT_URGENCY_USER_CRITICAL 0x11
#endif
#ifndef TIMEOUT_URGENCY_USER_BACKGROUND
#define TIMEOUT_URGENCY_USER_BACKGROUND 0x12
#endif
#ifndef TIMEOUT_URGENCY_MASK
#define TIMEOUT_URGENCY_MASK 0x13
#endif
#ifndef TIMEOUT_URGENCY_LEEWAY
#define TIMEOUT_URGENCY_LEEWAY 0x20
#endif
#ifndef TIMEOUT_URGENCY_FIRST_AVAIL
#define TIMEOUT_URGENCY_FIRST_AVAIL 0x40
#endif
#ifndef TIMEOUT_URGENCY_RATELIMITED
#define TIMEOUT_URGENCY_RATELIMITED 0x80
#endif

#define THREAD_CALL_DELAY_SYS_NORMAL TIMEOUT_URGENCY_SYS_NORMAL
#define THREAD_CALL_DELAY_SYS_CRITICAL TIMEOUT_URGENCY_SYS_CRITICAL
#define THREAD_CALL_DELAY_SYS_BACKGROUND TIMEOUT_URGENCY_SYS_BACKGROUND
#define THREAD_CALL_DELAY_USER_MASK TIMEOUT_URGENCY_USER_MASK
#define THREAD_CALL_DELAY_USER_NORMAL TIMEOUT_URGENCY_USER_NORMAL
#define THREAD_CALL_DELAY_USER_CRITICAL TIMEOUT_URGENCY_USER_CRITICAL
#define THREAD_CALL_DELAY_USER_BACKGROUND TIMEOUT_URGENCY_USER_BACKGROUND
#define THREAD_CALL_DELAY_URGENCY_MASK TIMEOUT_URGENCY_MASK
/* The leeway argument is meaningful (otherwise it is ignored). */
#define THREAD_CALL_DELAY_LEEWAY TIMEOUT_URGENCY_LEEWAY
/* The deadline is in mach_continuous_time() units. */
#define THREAD_CALL_CONTINUOUS 0x100

/* Like thread_call_enter1_delayed; the call may run up to `leeway` after the deadline. */
boolean_t thread_call_enter_delayed_with_leeway(thread_call_t call, thread_call_param_t param1,
                                                uint64_t deadline, uint64_t leeway, uint32_t flags);
#endif /* XNU_KERNEL_PRIVATE */

/* TRUE if a pending invocation was removed; FALSE if none was pending (it may be running). */
boolean_t thread_call_cancel(thread_call_t call);
/*
 * Cancel, or if nothing was pending wait for the invocations entered so far
 * to finish. Only for calls from thread_call_allocate*; never from the
 * call's own callback.
 */
boolean_t thread_call_cancel_wait(thread_call_t call);

/* Allocate a call at THREAD_CALL_PRIORITY_HIGH; param0 is bound for its lifetime. */
thread_call_t thread_call_allocate(thread_call_func_t func, thread_call_param_t param0);
thread_call_t thread_call_allocate_with_priority(thread_call_func_t func, thread_call_param_t param0,
                                                 thread_call_priority_t pri);
thread_call_t thread_call_allocate_with_options(thread_call_func_t func, thread_call_param_t param0,
                                                thread_call_priority_t pri, thread_call_options_t options);

#ifdef KERNEL_PRIVATE
/* For a THREAD_CALL_OPTIONS_ONCE call: wait until a running invocation returns; TRUE if it waited. */
boolean_t thread_call_wait_once(thread_call_t call);
#endif

/*
 * Release a call. FALSE (and nothing happens) while it is pending. Safe from
 * the call's own callback; a running invocation finishes before the memory
 * goes away.
 */
boolean_t thread_call_free(thread_call_t call);

/* TRUE while the call is pending or running. */
boolean_t thread_call_isactive(thread_call_t call);

#ifdef XNU_KERNEL_PRIVATE
/*
 * Function callouts without an allocated call (storage comes from a fixed
 * pool; the kernel panics if it runs out). Used by BSD timeout().
 */
void thread_call_func_delayed(thread_call_func_t func, thread_call_param_t param, uint64_t deadline);
void thread_call_func_delayed_with_leeway(thread_call_func_t func, thread_call_param_t param,
                                          uint64_t deadline, uint64_t leeway, uint32_t flags);
/* Remove the first (or every) pending function callout of (func, param); TRUE if any was removed. */
boolean_t thread_call_func_cancel(thread_call_func_t func, thread_call_param_t param, boolean_t cancel_all);
#endif /* XNU_KERNEL_PRIVATE */

__END_DECLS

#endif /* _KERN_THREAD_CALL_H_ */
