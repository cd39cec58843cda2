/*
 * thread_call_internal.h — the layout of a thread call and the kernel-private
 * entry points of osfmk/kern/thread_call.c. Kexts see thread_call_t as an
 * opaque pointer; kernel subsystems may embed a struct thread_call and set it
 * up with thread_call_setup*() (such calls cannot be freed or cancel-waited).
 */
#ifndef _KERN_THREAD_CALL_INTERNAL_H_
#define _KERN_THREAD_CALL_INTERNAL_H_

#include <kern/thread_call.h>

/* Index of a call's group: one per thread_call_priority_t. */
typedef enum {
	TC_INDEX_HIGH = 0,
	TC_INDEX_KERNEL = 1,
	TC_INDEX_USER = 2,
	TC_INDEX_LOW = 3,
	TC_INDEX_KERNEL_HIGH = 4,
	TC_INDEX_COUNT = 5,
} tc_index_t;

/* tc_flags */
#define TC_F_INITIALIZED 0x0001 /* set up and not yet freed */
#define TC_F_ALLOC 0x0002       /* memory owned by thread_call.c (thread_call_allocate*) */
#define TC_F_WAIT 0x0004        /* a thread waits for the running invocation to finish */
#define TC_F_DELAYED 0x0008     /* last entered with a deadline */
#define TC_F_RUNNING 0x0010     /* an invocation is running (tracked for ALLOC and ONCE calls) */
#define TC_F_SIGNAL 0x0020      /* runs on the timer thread */
#define TC_F_ONCE 0x0040        /* never runs concurrently with itself */
#define TC_F_RESCHEDULE 0x0080  /* re-entered while running: enqueue again when it returns */
#define TC_F_INTERNAL 0x0100    /* storage from the function-callout pool */

/* Doubly-linked circular list node; a list head is a node linked to itself. */
struct tc_link {
	struct tc_link *next;
	struct tc_link *prev;
};

struct thread_call {
	struct tc_link tc_link;   /* on tc_queue: a group's pending list or the delayed list */
	struct tc_link *tc_queue; /* head of the list the call is on, NULL when not pending */
	uint64_t tc_deadline;     /* requested deadline (also while waiting to reschedule) */
	thread_call_func_t tc_func;
	thread_call_param_t tc_param0;
	thread_call_param_t tc_param1;
	uint16_t tc_index;        /* tc_index_t */
	uint16_t tc_flags;        /* TC_F_* */
	int32_t tc_refs;          /* ALLOC calls: the owner's reference plus one per running invocation */
	uint64_t tc_submit_count; /* entries that made the call pending */
	uint64_t tc_finish_count; /* of those, how many ran to completion or were cancelled */
};

typedef struct thread_call thread_call_data_t;

/* Initialize caller-owned storage as a (HIGH priority) thread call. */
void thread_call_setup(thread_call_t call, thread_call_func_t func, thread_call_param_t param0);
void thread_call_setup_with_options(thread_call_t call, thread_call_func_t func, thread_call_param_t param0,
                                    thread_call_priority_t pri, thread_call_options_t options);

/* The deadline the call is pending for (0 if entered for immediate execution). */
uint64_t thread_call_get_armed_deadline(thread_call_t call);

#endif /* _KERN_THREAD_CALL_INTERNAL_H_ */
