/*
 * kexthost/kh_mach.h — Mach calls into the hosted kernel for user programs
 * (lib/libkexthost/mach.c): the traps, mach_msg to kernel ports, and the
 * MIG routines of mach_host and mach_port. Each kh_X is Darwin's X; the
 * types and constants are Darwin's own (<mach/port.h>, <mach/message.h>,
 * <mach/mig_errors.h>), and <kexthost/darwin_names.h> maps the Darwin
 * function names. Results are kern_return_t / mach_msg_return_t values.
 *
 * A process's task and port names live in the kernel; names are valid only
 * for this process's connection (a forked child is a new task).
 */
#ifndef _KEXTHOST_KH_MACH_H_
#define _KEXTHOST_KH_MACH_H_

#include <stddef.h>
#include <stdint.h>
#include <mach/kern_return.h>
#include <mach/port.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach_debug/zone_info.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef mach_port_t ipc_space_t;
typedef mach_port_t task_t;
typedef mach_port_t host_t;
typedef mach_port_t io_master_t;
typedef int host_flavor_t;
typedef integer_t *host_info_t;
typedef char kernel_version_t[512];
typedef mach_port_t host_priv_t; /* mach_host_self() of a task running as root */
typedef uintptr_t vm_offset_t;

/* Traps. */
mach_port_t kh_mach_task_self(void); /* cached, as mach_task_self_ */
mach_port_t kh_task_self_trap(void); /* one more user reference each call */
mach_port_t kh_mach_host_self(void);
mach_port_t kh_mach_reply_port(void);
/* This thread's MIG reply port (made on first use). */
mach_port_t kh_mig_get_reply_port(void);
mach_msg_return_t kh_mach_msg(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
                              mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
                              mach_port_name_t notify);
kern_return_t kh_mach_port_allocate(ipc_space_t task, mach_port_right_t right, mach_port_name_t *name);
kern_return_t kh_mach_port_destroy(ipc_space_t task, mach_port_name_t name);
kern_return_t kh_mach_port_deallocate(ipc_space_t task, mach_port_name_t name);
kern_return_t kh_mach_port_mod_refs(ipc_space_t task, mach_port_name_t name, mach_port_right_t right,
                                    mach_port_delta_t delta);

/* MIG routines (mach_port subsystem 3200). */
kern_return_t kh_mach_port_names(ipc_space_t task, mach_port_name_array_t *names,
                                 mach_msg_type_number_t *namesCnt, mach_port_type_array_t *types,
                                 mach_msg_type_number_t *typesCnt);
kern_return_t kh_mach_port_type(ipc_space_t task, mach_port_name_t name, mach_port_type_t *ptype);
kern_return_t kh_mach_port_get_refs(ipc_space_t task, mach_port_name_t name, mach_port_right_t right,
                                    mach_port_urefs_t *refs);

/* MIG routines (mach_host subsystem 200). */
#define HOST_BASIC_INFO 1
kern_return_t kh_host_info(host_t host, host_flavor_t flavor, host_info_t info,
                           mach_msg_type_number_t *count);
kern_return_t kh_host_kernel_version(host_t host, kernel_version_t version);
kern_return_t kh_host_page_size(host_t host, uint64_t *size);
kern_return_t kh_host_get_io_master(host_t host, io_master_t *master);
/*
 * mach_zone_info (220): every kernel zone's name and statistics, two
 * arrays out of line (kh_vm_deallocate them, *Cnt elements each; the
 * regions may be longer). Needs host_priv: the plain host port gets
 * KERN_INVALID_HOST.
 */
kern_return_t kh_mach_zone_info(host_priv_t host, mach_zone_name_array_t *names,
                                mach_msg_type_number_t *namesCnt, mach_zone_info_array_t *info,
                                mach_msg_type_number_t *infoCnt);

/*
 * MIG routine of host_priv (subsystem 400): kext_request (425), what the
 * kext tools send (lib/libkexthost/kext_mig.c). request_data is a property
 * list; the response and the log come back out of line (vm_deallocate
 * them); *op_result is the OSReturn. Loads and unloads need host_priv.
 */
kern_return_t kh_kext_request(host_priv_t host_priv, uint32_t user_log_flags, vm_offset_t request_data,
                              mach_msg_type_number_t request_dataCnt, vm_offset_t *response_data,
                              mach_msg_type_number_t *response_dataCnt, vm_offset_t *log_data,
                              mach_msg_type_number_t *log_dataCnt, kern_return_t *op_result);

/*
 * The process's "a message arrived" descriptor: an eventfd the kernel
 * signals whenever it queues a message on one of this task's receive
 * rights (made and registered on first use; poll it for POLLIN, then
 * receive with MACH_RCV_TIMEOUT and timeout 0 until MACH_RCV_TIMED_OUT).
 * A blocking kh_mach_msg receive waits on it. -1 with errno on failure.
 */
int kh_mach_notify_fd(void);

/* Free out-of-line memory a routine returned (vm_deallocate on Darwin). */
kern_return_t kh_vm_deallocate(mach_port_t task, uint64_t address, uint64_t size);

/*
 * Send a MIG request to a kernel port and receive its reply: `in` holds
 * the request (header, [body], NDR, arguments; its msgh_id, remote port and
 * bits are set by the caller), `out`/out_size the reply buffer (with room
 * for the trailer; it may be the request's own buffer). Checks the reply id (MIG_REPLY_MISMATCH) and, for a
 * simple reply, returns its RetCode. For building IOKitLib and the like.
 */
kern_return_t kh_mig_call(mach_msg_header_t *in, mach_msg_size_t in_size, mach_msg_header_t *out,
                          mach_msg_size_t out_size);

#ifdef __cplusplus
}
#endif

#endif /* _KEXTHOST_KH_MACH_H_ */
