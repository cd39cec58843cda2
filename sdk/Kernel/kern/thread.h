/*
 * kern/thread.h — kernel threads: start, reference counting, identity.
 * Kernel threads run on small fixed stacks (kernel_stack_pages boot-arg,
 * 4 pages = 16 KiB by default, 16 pages in sanitizer builds whose frames are
 * much larger) with a guard page below.
 */
#ifndef _KERN_THREAD_H_
#define _KERN_THREAD_H_

#include <sys/cdefs.h>
#include <mach/mach_types.h>

kern_return_t kernel_thread_start(thread_continue_t continuation, void *parameter, thread_t *new_thread);
void thread_deallocate(thread_t thread);
void thread_reference(thread_t thread);
thread_t current_thread(void);
uint64_t thread_tid(thread_t thread);
kern_return_t thread_terminate(thread_t thread);
void thread_set_thread_name(thread_t th, const char *name);

task_t current_task(void);
extern task_t kernel_task;
int cpu_number(void);

#endif /* _KERN_THREAD_H_ */
