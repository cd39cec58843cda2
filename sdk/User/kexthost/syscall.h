/*
 * kexthost/syscall.h — the system call message of the request channel
 * (KHRQ_T_SYSCALL, framed as <kexthost/request.h>) and the Darwin BSD
 * syscall numbers the hosted kernel dispatches on (syscalls.master).
 * Shared by the kernel (bsd/kern/kern_syscall.c) and libkexthost; only
 * <stdint.h> types.
 *
 * One call is one message. The request carries the call's number, its
 * arguments as 64-bit slots, and "regions": user address ranges the client
 * already knows the kernel will touch (a write buffer, an ioctl argument by
 * its encoded size, a path, a read buffer). IN regions travel with their
 * bytes, so copyin from them needs no further trip; OUT regions are where
 * the kernel's copyout lands, and the reply carries those bytes back for the
 * library to store. Addresses outside every region still work: the kernel
 * reads and writes the client's memory directly (process_vm_readv/writev).
 *
 * Request payload:
 *   struct khsc_request                    (KHSC_REQUEST_SIZE bytes)
 *   struct khsc_region[nregions]           (KHSC_REGION_SIZE bytes each)
 *   the bytes of each IN region, in region order, back to back
 * Reply payload (when the header status is 0):
 *   struct khsc_reply                      (KHSC_REPLY_SIZE bytes)
 *   struct khsc_out[nout]                  (KHSC_OUT_SIZE bytes each)
 *   the written bytes, each where its khsc_out's data_off says
 * A khsc_out says which OUT region and which part of it [off, off+len) the
 * kernel wrote, and where in the reply payload those bytes are (data_off,
 * past the khsc_out records); the library copies them to region.uaddr +
 * off. Over the socket the bytes follow the records back to back; in the
 * shared ring each OUT region has its own place in the reply area, where
 * the kernel's copyout wrote them in the first place (no second copy).
 *
 * A request that breaks these rules (too many args or regions, a region
 * longer than the limit, IN bytes that do not add up) is malformed: the
 * kernel logs it and closes the connection.
 */
#ifndef _KEXTHOST_SYSCALL_H_
#define _KEXTHOST_SYSCALL_H_

#include <stdint.h>

#define KHRQ_T_SYSCALL 0x100   /* a BSD system call */
#define KHRQ_T_MACH_TRAP 0x101 /* a Mach trap (<kexthost/mach_trap.h>) */

#define KHRQ_T_SHM_SETUP 0x102     /* set up the shared-memory channel (struct khsc_shm_setup) */
#define KHRQ_T_PENDING_REPLY 0x103 /* fetch a ring call's reply that did not fit in the ring */

#define KHSC_MAXARGS 8
#define KHSC_MAXREGIONS 8
#define KHSC_MAX_REGION (4u * 1024u * 1024u) /* bytes in one region */

/* Region flags. */
#define KHSC_R_IN 0x1  /* bytes travel with the request */
#define KHSC_R_OUT 0x2 /* kernel copyout to it comes back in the reply */

struct khsc_request {
	uint32_t number;   /* Darwin BSD syscall number */
	uint16_t nargs;    /* <= KHSC_MAXARGS */
	uint16_t nregions; /* <= KHSC_MAXREGIONS */
	uint64_t args[KHSC_MAXARGS];
};

struct khsc_region {
	uint64_t uaddr;
	uint32_t len;
	uint32_t flags; /* KHSC_R_* (at least one) */
};

struct khsc_reply {
	int32_t error; /* Darwin errno, 0 on success */
	uint16_t nout; /* khsc_out records that follow */
	uint16_t reserved;
	int64_t retval[2]; /* retval[0]: the call's result */
};

struct khsc_out {
	uint32_t region; /* index into the request's regions */
	uint32_t off;
	uint32_t len;
	uint32_t data_off; /* where the bytes are in the reply payload */
};

#define KHSC_REQUEST_SIZE 72
#define KHSC_REGION_SIZE 16
#define KHSC_REPLY_SIZE 24
#define KHSC_OUT_SIZE 16
_Static_assert(sizeof(struct khsc_request) == KHSC_REQUEST_SIZE, "syscall request layout");
_Static_assert(sizeof(struct khsc_region) == KHSC_REGION_SIZE, "syscall region layout");
_Static_assert(sizeof(struct khsc_reply) == KHSC_REPLY_SIZE, "syscall reply layout");
_Static_assert(sizeof(struct khsc_out) == KHSC_OUT_SIZE, "syscall out layout");

/*
 * The shared-memory fast path. After connecting, the library may create a
 * ring (a memfd of KHSC_SHM_SIZE bytes laid out as struct khsc_shm) and send
 * KHRQ_T_SHM_SETUP with its fd number; the kernel maps it through
 * /proc/<pid>/fd/<fd>. From the reply on, every call goes through the ring:
 *   client: write the request payload (exactly a KHRQ_T_SYSCALL payload) at
 *           req[], set req_len, then req_seq++ (release); wake the kernel's
 *           futex on req_seq if kern_sleeping.
 *   kernel: spin, then futex-wait on req_seq; handle; write the reply payload
 *           at rep[], rep_len and rep_status (the header status), then
 *           rep_seq = req_seq; wake the client if client_sleeping.
 * req_type says what the request payload is: KHRQ_T_SYSCALL (0 means the
 * same) or KHRQ_T_MACH_TRAP (<kexthost/mach_trap.h>). A request that does
 * not fit goes over the socket: the client sets req_len to
 * KHSC_SHM_USE_SOCKET and bumps req_seq, then sends it on the socket as
 * before; the kernel serves that one message there and returns to the ring.
 * A reply that does not fit the ring (a Mach trap's reply can be large) is
 * kept by the kernel: rep_status is KHSC_SHM_PENDING and rep_len its size,
 * and the client fetches it with KHRQ_T_PENDING_REPLY on the socket (after
 * posting KHSC_SHM_USE_SOCKET), so a call is never run twice.
 * Each side spins briefly (yielding now and then, so two spinners on one
 * core let each other run) before sleeping on the futex.
 */
#define KHSC_SHM_MAGIC 0x4d48534bU   /* "KSHM" */
#define KHSC_SHM_AREA (132u * 1024u) /* one call's payload: a 128 KiB buffer and its headers */
#define KHSC_SHM_SIZE (2u * KHSC_SHM_AREA + 4096u)
#define KHSC_SHM_USE_SOCKET 0xffffffffU
#define KHSC_SHM_PENDING 0xfffffffeU /* rep_status: fetch the reply with KHRQ_T_PENDING_REPLY */

struct khsc_shm_setup {
	int32_t fd;    /* the ring's descriptor number in the client */
	uint32_t size; /* KHSC_SHM_SIZE */
};

/*
 * Each side writes its own cache lines: the client the request line (its
 * sequence word, length and the first bytes of the request), the kernel the
 * reply line; a null call then moves about three cache lines in all.
 */
struct khsc_shm {
	uint32_t magic;
	uint32_t size;
	uint32_t reserved0[14];
	/* written by the client */
	uint32_t req_seq; /* futex word: the client bumps it per request */
	uint32_t req_len;
	uint32_t client_sleeping;
	uint32_t req_type; /* KHRQ_T_SYSCALL (or 0) or KHRQ_T_MACH_TRAP */
	uint8_t req[KHSC_SHM_AREA];
	/* written by the kernel */
	uint32_t rep_seq __attribute__((aligned(64))); /* futex word: set to req_seq when the reply is in */
	uint32_t rep_len;
	uint32_t rep_status;
	uint32_t kern_sleeping;
	uint8_t rep[KHSC_SHM_AREA];
	uint8_t reserved2[3952]; /* to KHSC_SHM_SIZE */
};
_Static_assert(sizeof(struct khsc_shm) == KHSC_SHM_SIZE, "shared ring layout");

/* Darwin BSD syscall numbers (syscalls.master). */
#define KH_SYS_exit 1
#define KH_SYS_read 3
#define KH_SYS_write 4
#define KH_SYS_open 5
#define KH_SYS_close 6
#define KH_SYS_getpid 20
#define KH_SYS_getuid 24
#define KH_SYS_geteuid 25
#define KH_SYS_recvmsg 27
#define KH_SYS_sendmsg 28
#define KH_SYS_recvfrom 29
#define KH_SYS_accept 30
#define KH_SYS_getpeername 31
#define KH_SYS_getsockname 32
#define KH_SYS_kill 37
#define KH_SYS_getppid 39
#define KH_SYS_getegid 43
#define KH_SYS_getgid 47
#define KH_SYS_getlogin 49
#define KH_SYS_setlogin 50
#define KH_SYS_ioctl 54
#define KH_SYS_select 93
#define KH_SYS_socket 97
#define KH_SYS_connect 98
#define KH_SYS_bind 104
#define KH_SYS_setsockopt 105
#define KH_SYS_listen 106
#define KH_SYS_getsockopt 118
#define KH_SYS_sendto 133
#define KH_SYS_shutdown 134
#define KH_SYS_pread 153
#define KH_SYS_pwrite 154
#define KH_SYS_fstat 189
#define KH_SYS_lseek 199
#define KH_SYS___sysctl 202
#define KH_SYS_poll 230
#define KH_SYS_MAXSYSCALL 560

#endif /* _KEXTHOST_SYSCALL_H_ */
