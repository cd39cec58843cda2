/*
 * kern_request.h — the kernel side of the request channel (private). User
 * processes send messages over <root>/var/run/kexthost.sock (wire format in
 * sdk/User/kexthost/request.h); kern_request.c accepts connections, frames
 * messages and passes each request to the handler for its type. The same
 * dispatch entry serves in-process callers (the offline kext tools), so a
 * request gives the same answer with or without a socket in between.
 */
#ifndef _BSD_KERN_KERN_REQUEST_H_
#define _BSD_KERN_KERN_REQUEST_H_

#include <sys/cdefs.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/errno.h>
#include <libkern/OSReturn.h>
#include <libkern/c/OSObject.h>
#include "sdk/User/kexthost/request.h"

__BEGIN_DECLS

/* Who sent a request: from SO_PEERCRED, or the tool's own ids in process. */
struct proc;
struct kreq_peer {
	int32_t pid;
	uint32_t uid;
	uint32_t gid;
	struct proc *proc; /* the connection's process (NULL in process / offline) */
};

/* A handler's result meaning "malformed request": the server logs it and closes the connection. */
#define KREQ_MALFORMED EBADMSG

/* A growable byte buffer (kalloc memory) a handler writes its reply into. */
struct kreq_buf {
	char *data;
	size_t len;
	size_t cap;
	bool has_fd; /* fd travels with the reply (SCM_RIGHTS); kreq_buf_free closes it */
	int fd;
};

/* Append n bytes; 0 or ENOMEM (also when the reply would exceed KHRQ_MAX_PAYLOAD). */
int kreq_buf_append(struct kreq_buf *b, const void *p, size_t n);
/* Release the buffer's memory (and its descriptor) and empty it. */
void kreq_buf_free(struct kreq_buf *b);

/*
 * A reply that carries a host descriptor (shared memory handed to a client:
 * IOConnectMapMemory). The socket server marks the reply it is building on
 * the serving thread (kreq_reply_set_fd_target; tests may too); a handler,
 * however deep, attaches one descriptor to it. 0: the reply owns fd (sent,
 * then closed); ENOTSUP: this request did not come on a socket (the ring,
 * an in-process call); EBUSY: one is attached already. On error the caller
 * still owns fd.
 */
int kreq_reply_attach_fd(int fd);
struct kreq_buf *kreq_reply_set_fd_target(struct kreq_buf *reply);

/*
 * A handler for one message type. It reads the payload and appends its
 * reply payload to `reply`; it returns 0, or a Darwin errno that becomes the
 * reply header's status (its partial reply is then discarded).
 */
typedef int (*kreq_handler_t)(const struct kreq_peer *peer, const void *payload, size_t len,
                              struct kreq_buf *reply);

/*
 * Handle one request of `type` as the server would: *status gets the reply
 * header's status (0, ENOTSUP for an unknown type, or the handler's error)
 * and `reply` the reply payload (empty unless *status is 0).
 */
void kern_request_dispatch(const struct kreq_peer *peer, uint32_t type, const void *payload, size_t len,
                           struct kreq_buf *reply, uint32_t *status);

/*
 * Start the server: listen on <root>/var/run/kexthost.sock and start the
 * accepting thread and the worker pool. root NULL: no server (tests without
 * a kernel root); returns 0. Otherwise 0 or a Darwin errno.
 */
int kern_request_init(const char *root);
/*
 * Stop accepting, wake and end every connection and thread, wait for the
 * handlers in progress to finish (up to a few seconds). Safe when the
 * server never started, and more than once.
 */
void kern_request_shutdown(void);
/* Path the server listens on ("" when not running). */
const char *kern_request_socket_path(void);

/* ---- kernel log capture: the lines a request produced ------------------- */

/* Mark the log before handling; collect this thread's lines since the mark. */
uint64_t kreq_log_mark(void);
/* Append the calling thread's log lines committed since `mark` (each + '\n'), at most `max` bytes. */
int kreq_log_collect(uint64_t mark, size_t max, struct kreq_buf *out);

/* ---- object trees to property lists ------------------------------------ */

/*
 * Write `obj` as an Apple XML property list (dictionary, array, set, string,
 * symbol, number, boolean, data) into `out`. 0, EINVAL for an object with
 * no plist form, ENOMEM.
 */
int kreq_object_to_xml(const OSObject *obj, struct kreq_buf *out);

/* ---- handlers of other files ------------------------------------------ */

/* KHRQ_T_SYSCALL (bsd/kern/kern_syscall.c). */
int syscall_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                           struct kreq_buf *reply);

/*
 * Run one KHRQ_T_SYSCALL payload for p. The reply goes to dst (cap bytes;
 * *dlen gets its length; EMSGSIZE when it does not fit) or, with dst NULL,
 * is appended to reply. in_call: the caller already bracketed this thread
 * with proc_call_begin (the ring's worker does, once for a run of calls).
 * Returns 0, KREQ_MALFORMED, or a Darwin errno for the header status.
 */
struct proc;
int syscall_execute(struct proc *p, const void *payload, size_t len, char *dst, size_t cap, size_t *dlen,
                    struct kreq_buf *reply, bool in_call);

/* KHRQ_T_MACH_TRAP (bsd/kern/kern_mach_trap.c). */
int mach_trap_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                             struct kreq_buf *reply);
/*
 * Run one KHRQ_T_MACH_TRAP payload for p (in_call: as syscall_execute). The
 * reply goes to dst (cap bytes, *dlen its length) when dst is non-NULL and
 * it fits, else it is appended to reply (*dlen untouched). 0,
 * KREQ_MALFORMED or an errno.
 */
int mach_trap_execute(struct proc *p, const void *payload, size_t len, struct kreq_buf *reply, char *dst,
                      size_t cap, size_t *dlen, bool in_call);
/* KHRQ_T_PENDING_REPLY: hand over the ring call's reply that did not fit the ring (kern_syscall_shm.c). */
int syscall_shm_pending_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                               struct kreq_buf *reply);

/*
 * KHRQ_T_IOCONNECT_CALL (iokit/Kernel/IOUserClientCall.c): run one compact
 * user-client call for p, its reply (struct khio_call_reply) into dst. The
 * ring's worker calls iouc_call_execute inside its proc_call_begin bracket;
 * the socket handler brackets the call itself. 0, KHIO_CALL_NOT_CONNECT,
 * EINTR, or KREQ_MALFORMED.
 */
int iouc_call_execute(struct proc *p, const void *payload, size_t len, void *dst, size_t cap, size_t *rlen);
int iouc_call_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                             struct kreq_buf *reply);

/* KHRQ_T_MACH_NOTIFY_FD (bsd/kern/kern_mach_notify.c). */
int mach_notify_fd_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                                  struct kreq_buf *reply);

/* KHRQ_T_SHM_SETUP and the ring (bsd/kern/kern_syscall_shm.c). */
int syscall_shm_setup_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                             struct kreq_buf *reply);
/* Serve calls from the ring: 1 when the next message comes on the socket, 0 when the client is done. */
int syscall_shm_serve(const struct kreq_peer *peer);
void syscall_shm_teardown(struct proc *p);
/* Wake the worker sleeping on the ring (the process is exiting); p_lock held. */
void syscall_shm_kick(struct proc *p);

/* KHRQ_T_KEXT_REQUEST (bsd/kern/kern_request_kext.c). */
int kext_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                        struct kreq_buf *reply);

/* The developer tools' predicates (bsd/kern/kern_request_kextinfo.c); *response gets a retained object. */
struct OSDictionary;
struct OSArray;
OSReturn kext_request_repository(struct OSDictionary *args, struct OSArray *repositoryPaths, bool withSymbols,
                                 OSObject **response);
OSReturn kext_request_link_dependencies(const struct kreq_peer *peer, struct OSDictionary *args,
                                        struct OSArray *repositoryPaths, OSObject **response);
OSReturn kext_request_symbols(struct OSDictionary *args, OSObject **response);

__END_DECLS

#endif /* _BSD_KERN_KERN_REQUEST_H_ */
