/*
 * kexthost/mach_trap.h — the Mach trap message of the request channel
 * (KHRQ_T_MACH_TRAP, framed as <kexthost/request.h>). Shared by the kernel
 * (osfmk/ipc/mach_traps.c) and libkexthost; only <stdint.h> types.
 *
 * One trap is one message. Trap numbers are the indices of XNU's
 * mach_trap_table (osfmk/kern/syscall_sw.c); the arguments travel as
 * 64-bit slots. For mach_msg_trap the message to send travels with the
 * request (the kernel reads out-of-line memory it points to straight from
 * the caller), and the reply carries the received message and the bytes of
 * each out-of-line region of it, which the library places in fresh memory
 * of the caller (the descriptor's address is 0 on the wire).
 *
 * Request payload:
 *   struct khmt_request                 (KHMT_REQUEST_SIZE bytes)
 *   msg_len bytes: the message (mach_msg_trap with MACH_SEND_MSG)
 * Reply payload (header status 0):
 *   struct khmt_reply                   (KHMT_REPLY_SIZE bytes)
 *   msg_len bytes: the received message, its trailer included
 *   the bytes of each out-of-line descriptor of it, in order
 *
 * mach_msg_trap's slots: 0 msg address, 1 option, 2 send_size, 3 rcv_size,
 * 4 rcv_name, 5 timeout, 6 notify. A request whose sizes don't add up is
 * malformed (the connection closes); a message the kernel can't accept is
 * an ordinary mach_msg error in kr.
 */
#ifndef _KEXTHOST_MACH_TRAP_H_
#define _KEXTHOST_MACH_TRAP_H_

#include <stdint.h>

#define KHMT_MAXARGS 8
#define KHMT_MAX_MSG (64u * 1024u)         /* bytes of one inline message */
#define KHMT_MAX_OOL (16u * 1024u * 1024u) /* bytes of out-of-line memory per message */
#define KHMT_MAX_DESC 64                   /* descriptors per message */

/* Trap numbers (mach_trap_table indices). */
#define KH_MACH_port_allocate 16
#define KH_MACH_port_destroy 17
#define KH_MACH_port_deallocate 18
#define KH_MACH_port_mod_refs 19
#define KH_MACH_reply_port 26
#define KH_MACH_thread_self 27
#define KH_MACH_task_self 28
#define KH_MACH_host_self 29
#define KH_MACH_msg 31
#define KH_MACH_TRAP_COUNT 128

struct khmt_request {
	uint32_t trap;
	uint16_t nargs;
	uint16_t reserved;
	uint64_t args[KHMT_MAXARGS];
	uint32_t msg_len;
	uint32_t reserved2;
};

struct khmt_reply {
	int32_t kr;       /* kern_return_t / mach_msg_return_t */
	uint32_t msg_len; /* bytes of the received message that follow (0: none) */
	uint64_t retval;  /* traps that return a name: the name */
	uint32_t nool;    /* out-of-line regions whose bytes follow the message */
	uint32_t reserved;
};

/*
 * KHRQ_T_MACH_NOTIFY_FD: the client gives the kernel an eventfd (its fd
 * number in the client; the kernel takes a copy with pidfd_getfd) that the
 * kernel signals whenever it queues a message on a port the client
 * receives on. A receive-only mach_msg never waits in the kernel: the
 * library polls this descriptor and receives again (docs/BOUNDARY.md).
 * Request: struct khmt_notify_setup; reply: empty (status 0, or EINVAL
 * for a descriptor that is no eventfd, EPERM without access to it).
 */
#define KHRQ_T_MACH_NOTIFY_FD 0x110

struct khmt_notify_setup {
	int32_t fd;
	uint32_t reserved;
};

#define KHMT_REQUEST_SIZE 80
#define KHMT_REPLY_SIZE 24
_Static_assert(sizeof(struct khmt_request) == KHMT_REQUEST_SIZE, "mach trap request layout");
_Static_assert(sizeof(struct khmt_reply) == KHMT_REPLY_SIZE, "mach trap reply layout");

#endif /* _KEXTHOST_MACH_TRAP_H_ */
