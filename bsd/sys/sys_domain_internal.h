/*
 * sys_domain_internal.h — the kernel's PF_SYSTEM sockets (bsd/kern/sys_domain.c):
 * a small socket object with a receive queue of mbuf records, shared by the
 * two protocols of the system domain, kernel control (kern_control.c) and
 * kernel events (kern_event.c).
 *
 * The calls work on kernel buffers; the syscall layer (bsd/kern/sys_socket.c)
 * does the copyin/copyout and the file-descriptor plumbing, and kernel tests
 * drive the same calls directly.
 *
 * Locking: one mutex (sysdom_lock) protects every system socket, the
 * kernel control registry and the event listener list. It is never held
 * while a kext callback runs; a socket's so_busy counts the calls in
 * progress so that close waits for them before the protocol detaches.
 */
#ifndef _BSD_SYS_SYS_DOMAIN_INTERNAL_H_
#define _BSD_SYS_SYS_DOMAIN_INTERNAL_H_

#include <sys/types.h>
#include <sys/kpi_mbuf.h>
#include <sys/sys_domain.h>
#include <kern/locks.h>
#include <sys/select.h>

/* Socket types (Darwin values). */
#define SOSYS_SOCK_STREAM 1
#define SOSYS_SOCK_DGRAM 2
#define SOSYS_SOCK_RAW 3

/* recv/send flags (Darwin values). */
#define SOSYS_MSG_OOB 0x1
#define SOSYS_MSG_PEEK 0x2
#define SOSYS_MSG_EOR 0x8
#define SOSYS_MSG_TRUNC 0x10
#define SOSYS_MSG_WAITALL 0x40
#define SOSYS_MSG_DONTWAIT 0x80

/* Socket-level options (Darwin values). */
#define SOSYS_SOL_SOCKET 0xffff
#define SOSYS_SO_SNDBUF 0x1001
#define SOSYS_SO_RCVBUF 0x1002
#define SOSYS_SO_RCVTIMEO 0x1006
#define SOSYS_SO_TYPE 0x1008
#define SOSYS_SO_NREAD 0x1020

/* ioctls on any socket (Darwin values). */
#define SOSYS_FIONBIO 0x8004667eUL  /* _IOW('f', 126, int) */
#define SOSYS_FIONREAD 0x4004667fUL /* _IOR('f', 127, int) */

/* so_state */
#define SS_ISCONNECTED 0x0002
#define SS_ISCONNECTING 0x0004
#define SS_CANTSENDMORE 0x0010
#define SS_CANTRCVMORE 0x0020
#define SS_NBIO 0x0100
#define SS_CLOSING 0x8000

struct sosys;

/* What a protocol of the system domain provides. */
struct sosys_proto {
	int sp_proto; /* SYSPROTO_* */
	int (*sp_attach)(struct sosys *so);
	void (*sp_detach)(struct sosys *so); /* close: disconnect and free the pcb */
	int (*sp_connect)(struct sosys *so, const void *addr, size_t len);
	int (*sp_send)(struct sosys *so, mbuf_t m, int flags); /* consumes m */
	int (*sp_ioctl)(struct sosys *so, u_long cmd, void *data);
	int (*sp_setopt)(struct sosys *so, int name, const void *data, size_t len);
	int (*sp_getopt)(struct sosys *so, int name, void *data, size_t *len);
	void (*sp_rcvd)(struct sosys *so, int flags); /* after a read freed room */
};

struct sosys_rcvq {
	mbuf_t sb_head, sb_tail; /* records linked by m_nextpkt */
	size_t sb_cc;            /* bytes queued */
	size_t sb_hiwat;         /* capacity */
};

struct sosys {
	int so_type;
	int so_proto;
	int so_priv;          /* the creator was root (kauth_cred_issuser) */
	u_int32_t so_state;   /* SS_* */
	unsigned int so_busy; /* calls in progress (close waits for 0) */
	struct sosys_rcvq so_rcv;
	size_t so_snd_hiwat;
	u_int64_t so_rcvtimeo_ns; /* 0: wait forever */
	const struct sosys_proto *so_protosw;
	void *so_pcb;
	struct selinfo so_sel; /* select/poll waiters (read readiness) */
};

extern lck_mtx_t *sysdom_lock;
/* Create the domain lock on first use (kernel boot does not know this subsystem yet). */
void sysdom_init(void);

/* Socket calls (errno results). */
int sosys_create(int type, int proto, int priv, struct sosys **out);
int sosys_connect(struct sosys *so, const void *addr, size_t len);
int sosys_send(struct sosys *so, const void *data, size_t len, int flags, size_t *sent);
int sosys_recv(struct sosys *so, void *buf, size_t len, int flags, size_t *got, int *outflags);
int sosys_ioctl(struct sosys *so, u_long cmd, void *data);
int sosys_setopt(struct sosys *so, int level, int name, const void *data, size_t len);
int sosys_getopt(struct sosys *so, int level, int name, void *data, size_t *len);
int sosys_shutdown(struct sosys *so, int how);
/* Readable / writable now (for select/poll): bit 0 readable, bit 1 writable. */
int sosys_poll(struct sosys *so);
/*
 * fo_select: which is FREAD (1), FWRITE (2) or 0 (exceptions). 1 when ready;
 * otherwise records wql for p (selrecord) and returns 0. Sends never wait, so
 * a system socket is always writable (a send that cannot work fails at once).
 */
int sosys_select(struct sosys *so, int which, void *wql, proc_t p);
/* Detach the protocol (disconnect), drop queued data, wake sleepers, free. */
void sosys_close(struct sosys *so);

/* For the protocols, with sysdom_lock held. */
size_t sosys_space(struct sosys *so);
/* Queue a record (dgram/raw) or bytes (stream); no room: ENOBUFS, m untouched. */
int sosys_append(struct sosys *so, mbuf_t m, int eor);
void sosys_wakeup(struct sosys *so);
/* The peer went away: reads drain then see EOF, writes fail. */
void sosys_disconnected(struct sosys *so);

/* Protocols. */
extern const struct sosys_proto kctl_proto;
extern const struct sosys_proto kev_proto;

#endif /* _BSD_SYS_SYS_DOMAIN_INTERNAL_H_ */
