/*
 * waitq.h — wait queues: where threads wait for events (private to the
 * kernel). As in XNU, events (any address, or a 64-bit value) hash into a
 * fixed table of global buckets; each bucket is a spin lock and a FIFO list
 * of the threads waiting on any event that hashes there. assert_wait() and
 * thread_wakeup() (sched_prim.c) are built on these.
 *
 * A waiting thread's wait fields (struct thread, "wait state") belong to the
 * bucket lock while the thread is queued. A wakeup dequeues the thread,
 * stores its wait result and flips its futex word (th_park) to RUNNING under
 * that lock, and futex-wakes it after dropping the lock if it was asleep.
 */
#ifndef _KERN_WAITQ_H_
#define _KERN_WAITQ_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/mach_types.h>

struct thread;

struct waitq {
	uint32_t wq_lock;       /* 0 free, 1 held */
	uint32_t wq_count;      /* threads queued */
	struct thread *wq_head; /* FIFO: wake_one takes the oldest waiter */
	struct thread *wq_tail;
} __attribute__((aligned(64)));

#define CAST_EVENT64_T(e) ((event64_t)(uintptr_t)(e))

/* The global bucket an event hashes to. */
struct waitq *waitq_for_event(event64_t event);

/* Initialize a private wait queue (the global ones need no initialization). */
void waitq_init(struct waitq *wq);

/*
 * Queue the current thread on `wq` for `event`. deadline_ns is an absolute
 * uptime in nanoseconds (0: wait forever). Returns THREAD_WAITING, or
 * THREAD_INTERRUPTED when an interruptible wait finds an interrupt pending
 * (the thread is then not queued).
 */
wait_result_t waitq_assert_wait64(struct waitq *wq, event64_t event, wait_interrupt_t interruptible,
                                  uint64_t deadline_ns);

/* Wake the oldest / every / one given thread waiting on `event`. */
kern_return_t waitq_wakeup64_one(struct waitq *wq, event64_t event, wait_result_t result);
kern_return_t waitq_wakeup64_all(struct waitq *wq, event64_t event, wait_result_t result);
kern_return_t waitq_wakeup64_thread(struct waitq *wq, event64_t event, struct thread *thread,
                                    wait_result_t result);

/*
 * End `thread`'s wait, if it waits, with `result`. KERN_SUCCESS,
 * KERN_NOT_WAITING, or KERN_FAILURE when result is THREAD_INTERRUPTED and
 * the wait is THREAD_UNINT.
 */
kern_return_t waitq_clear_wait(struct thread *thread, wait_result_t result);

/* Number of threads queued on a bucket (tests and self-checks). */
uint32_t waitq_count(struct waitq *wq);

#endif /* _KERN_WAITQ_H_ */
