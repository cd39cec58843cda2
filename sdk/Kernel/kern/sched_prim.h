/*
 * kern/sched_prim.h — waiting for events and waking waiters: assert_wait()
 * declares what the current thread will wait for, thread_block() waits,
 * thread_wakeup() ends the waits on an event. A wakeup that comes between
 * assert_wait() and thread_block() is not lost: thread_block() returns at
 * once. Deadlines are absolute mach_absolute_time() values.
 */
#ifndef _KERN_SCHED_PRIM_H_
#define _KERN_SCHED_PRIM_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/mach_types.h>

#define TIMEOUT_WAIT_FOREVER ((uint64_t)0)

/* Timer urgency and leeway (accepted, not used: timers here are exact). */
#define TIMEOUT_URGENCY_SYS_NORMAL 0x00
#define TIMEOUT_URGENCY_SYS_CRITICAL 0x01
#define TIMEOUT_URGENCY_SYS_BACKGROUND 0x02
#define TIMEOUT_URGENCY_USER_NORMAL 0x10
#define TIMEOUT_URGENCY_USER_CRITICAL 0x11
#define TIMEOUT_URGENCY_USER_BACKGROUND 0x12
#define TIMEOUT_URGENCY_MASK 0x13
#define TIMEOUT_URGENCY_LEEWAY 0x20
#define TIMEOUT_URGENCY_FIRST_AVAIL 0x40
#define TIMEOUT_NO_LEEWAY ((uint64_t)0)

wait_result_t assert_wait(event_t event, wait_interrupt_t interruptible);
/* Wait at most interval * scale_factor nanoseconds. */
wait_result_t assert_wait_timeout(event_t event, wait_interrupt_t interruptible, uint32_t interval,
                                  uint32_t scale_factor);
wait_result_t assert_wait_timeout_with_leeway(event_t event, wait_interrupt_t interruptible,
                                              wait_timeout_urgency_t urgency, uint32_t interval,
                                              uint32_t leeway, uint32_t scale_factor);
/* Wait until the absolute time `deadline` (TIMEOUT_WAIT_FOREVER: no limit). */
wait_result_t assert_wait_deadline(event_t event, wait_interrupt_t interruptible, uint64_t deadline);
wait_result_t assert_wait_deadline_with_leeway(event_t event, wait_interrupt_t interruptible,
                                               wait_timeout_urgency_t urgency, uint64_t deadline,
                                               uint64_t leeway);

/*
 * Block until the asserted wait ends; returns why (THREAD_AWAKENED,
 * THREAD_TIMED_OUT, THREAD_INTERRUPTED, THREAD_RESTART). Without an asserted
 * wait it just yields the CPU and returns the thread's last wait result.
 * With a continuation it does not return: the continuation runs with
 * (parameter, result) on a fresh stack, and the thread ends when it returns.
 */
wait_result_t thread_block(thread_continue_t continuation);
wait_result_t thread_block_parameter(thread_continue_t continuation, void *parameter);

/* End the waits on `event`: every waiter, or only the oldest one. */
kern_return_t thread_wakeup_prim(event_t event, boolean_t one_thread, wait_result_t result);
#define thread_wakeup(x) thread_wakeup_prim((x), FALSE, THREAD_AWAKENED)
#define thread_wakeup_with_result(x, z) thread_wakeup_prim((x), FALSE, (z))
#define thread_wakeup_one(x) thread_wakeup_prim((x), TRUE, THREAD_AWAKENED)
/* Wake `thread` if it waits on `event`. */
kern_return_t thread_wakeup_thread(event_t event, thread_t thread);

/* End `thread`'s wait, whatever its event, with `result`. */
kern_return_t clear_wait(thread_t thread, wait_result_t result);

#ifdef XNU_KERNEL_PRIVATE
/*
 * Interrupt `thread` (used by signal delivery): an interruptible
 * (THREAD_INTERRUPTIBLE or THREAD_ABORTSAFE) wait ends with
 * THREAD_INTERRUPTED. When the thread is not in such a wait, the interrupt
 * stays pending and ends its next interruptible wait at once. KERN_SUCCESS
 * if a wait was ended now, KERN_NOT_WAITING if the interrupt was left pending.
 */
kern_return_t thread_interrupt(thread_t thread);
/* Is an interrupt pending for the current thread? */
boolean_t thread_interrupt_pending(void);
/* Consume the current thread's pending interrupt; TRUE if there was one. */
boolean_t thread_interrupt_clear(void);
#endif

#endif /* _KERN_SCHED_PRIM_H_ */
