/*
 * ipc_kmsg.h — mach_msg_trap for messages to kernel ports (ipc_kmsg.c).
 */
#ifndef _OSFMK_IPC_IPC_KMSG_H_
#define _OSFMK_IPC_IPC_KMSG_H_

#include <stddef.h>
#include <stdint.h>
#include <mach/message.h>

struct proc;
struct ipc_space;

/* What a receive delivers: the message with its trailer, then the out-of-line bytes. */
struct ipc_kmsg_out {
	uint8_t *buf; /* kalloc'ed, len bytes */
	size_t len;
	uint32_t msg_len; /* bytes of the message and its trailer */
	uint32_t nool;    /* out-of-line regions after it */
};

/*
 * Send `msg` (send_size bytes, already in kernel memory) from p's space;
 * with MACH_RCV_MSG, the reply for rcv_name lands in *out (free with
 * ipc_kmsg_out_free). Returns a mach_msg_return_t.
 */
mach_msg_return_t ipc_kmsg_trap(struct proc *p, struct ipc_space *space, const void *msg, uint32_t send_size,
                                mach_msg_option_t option, uint32_t rcv_size, mach_port_name_t rcv_name,
                                struct ipc_kmsg_out *out);
void ipc_kmsg_out_free(struct ipc_kmsg_out *out);

/*
 * A receive-only mach_msg on rcv_name (ipc_mqueue.c): the oldest queued
 * message, its rights copied out into the space, in *out. Never waits: an
 * empty queue answers MACH_RCV_TIMED_OUT whatever the timeout (the client
 * library waits on its notification descriptor, see docs/BOUNDARY.md).
 * MACH_RCV_INVALID_NAME when the space holds no receive right of that
 * name; MACH_RCV_TOO_LARGE when rcv_size can't hold the message and its
 * trailer (the message is destroyed, or with MACH_RCV_LARGE left queued).
 */
mach_msg_return_t ipc_mqueue_receive(struct ipc_space *space, mach_port_name_t rcv_name, uint32_t rcv_size,
                                     mach_msg_option_t option, struct ipc_kmsg_out *out);

#endif /* _OSFMK_IPC_IPC_KMSG_H_ */
