/*
 * mach/mach_types.h — the kernel's Mach object handle types. In kernel code
 * thread_t and task_t are pointers to opaque structures.
 */
#ifndef _MACH_MACH_TYPES_H_
#define _MACH_MACH_TYPES_H_

#include <stdint.h>
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/vm_types.h>

struct thread;
struct task;
struct ipc_port;
struct ipc_space;
struct _vm_map;

typedef struct thread *thread_t;
typedef struct thread *thread_act_t;
typedef struct task *task_t;
typedef struct ipc_port *ipc_port_t;
typedef struct ipc_port *mach_port_t;
typedef struct ipc_space *ipc_space_t;
typedef struct _vm_map *vm_map_t;
typedef natural_t mach_port_name_t;
typedef int mach_msg_return_t;
typedef uint64_t thread_tid_t;

#define THREAD_NULL ((thread_t)0)
#define TASK_NULL ((task_t)0)
#define IP_NULL ((ipc_port_t)0)
#define MACH_PORT_NULL 0
#define VM_MAP_NULL ((vm_map_t)0)

typedef void (*thread_continue_t)(void *parameter, int wait_result);
#define THREAD_CONTINUE_NULL ((thread_continue_t)0)

/* Wait events and results (kern/kern_types.h in XNU). */
typedef void *event_t;
typedef uint64_t event64_t;
typedef int wait_result_t;
typedef int wait_interrupt_t;
typedef int wait_timeout_urgency_t;
#define NO_EVENT ((event_t)0)
#define NO_EVENT64 ((event64_t)0)

#define THREAD_WAITING -1
#define THREAD_AWAKENED 0
#define THREAD_TIMED_OUT 1
#define THREAD_INTERRUPTED 2
#define THREAD_RESTART 3
#define THREAD_NOT_WAITING 10

#define THREAD_UNINT 0
#define THREAD_INTERRUPTIBLE 1
#define THREAD_ABORTSAFE 2

/* Processor and host types used by a few KPIs. */
typedef int processor_t;
typedef struct host *host_t;
typedef struct host *host_priv_t;

#endif /* _MACH_MACH_TYPES_H_ */
