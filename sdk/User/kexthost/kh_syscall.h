/*
 * kexthost/kh_syscall.h — BSD system calls into the hosted kernel, for user
 * programs (lib/libkexthost). Each kh_X is Darwin's X with a prefix so it
 * never clashes with glibc; <kexthost/darwin_names.h> maps the Darwin names
 * for porting. Failures return -1 with errno set to the *Linux* value of the
 * kernel's error.
 *
 * The first call connects to the kernel at $KEXTHOST_SOCKET (set by
 * `kexthost run`); from then on this process is one process in the hosted
 * kernel, with its own descriptors (not Linux descriptors). A forked child
 * connects anew on its first call. Calls from several threads are serialized.
 *
 * Open flags are the Linux O_* values of <fcntl.h>; kh_open translates them.
 * ioctl commands are Darwin-encoded (_IOW/_IOR/_IOWR: the argument's size
 * and direction travel in the command, and the argument with the call).
 */
#ifndef _KEXTHOST_KH_SYSCALL_H_
#define _KEXTHOST_KH_SYSCALL_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <kexthost/syscall.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A region the call will read (KHSC_R_IN) and/or write (KHSC_R_OUT); see <kexthost/syscall.h>. */
struct kh_region {
	const void *addr;
	size_t len;
	uint32_t flags;
};

/*
 * The raw call: Darwin syscall `number` with nargs 64-bit arguments and the
 * regions whose bytes travel with it. Returns 0 with *retval set, or a Linux
 * errno (errno is not touched).
 */
int kh_syscall(uint32_t number, const uint64_t *args, unsigned int nargs, const struct kh_region *regions,
               unsigned int nregions, int64_t *retval);
/*
 * Any request of the channel (<kexthost/request.h>) on this process's own
 * connection (the one its system calls use, so the kernel sees the same
 * process). *reply is malloc'ed (free it). 0 or a Linux errno.
 */
int kh_request(uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len,
               uint32_t *status);
/*
 * kh_request for a small request and reply with no allocation: the payload
 * is copied into the ring and the reply out of it into the caller's buffer
 * (*reply_len: in, its room; out, the bytes). Without a ring it goes over
 * the socket. EMSGSIZE when the reply does not fit the room.
 */
int kh_request_small(uint32_t type, const void *payload, size_t len, void *reply, size_t *reply_len,
                     uint32_t *status);
/*
 * kh_request over the socket (never the ring) for a reply that may carry a
 * host file descriptor (SCM_RIGHTS: shared memory the kernel hands out):
 * *fd gets it, or -1. The caller owns it.
 */
int kh_request_fd(uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len,
                  uint32_t *status, int *fd);
/* Drop this process's connection (the kernel then closes all its descriptors). */
void kh_disconnect(void);
/* Connection state for tests: 1 when connected. */
int kh_connected(void);
/* 1 when calls go through the shared-memory ring (the fast path), 0 on the socket. */
int kh_uses_shm(void);

pid_t kh_getpid(void);
pid_t kh_getppid(void);
uid_t kh_getuid(void);
uid_t kh_geteuid(void);
gid_t kh_getgid(void);
gid_t kh_getegid(void);
int kh_kill(pid_t pid, int darwin_signum);
/* The process's login name (getlogin(2) into buf); setlogin needs root. */
int kh_getlogin_r(char *buf, size_t len);
int kh_setlogin(const char *name);

int kh_open(const char *path, int flags, ...);
int kh_close(int fd);
ssize_t kh_read(int fd, void *buf, size_t nbyte);
ssize_t kh_write(int fd, const void *buf, size_t nbyte);
ssize_t kh_pread(int fd, void *buf, size_t nbyte, off_t offset);
ssize_t kh_pwrite(int fd, const void *buf, size_t nbyte, off_t offset);
off_t kh_lseek(int fd, off_t offset, int whence);
int kh_ioctl(int fd, unsigned long request, ...);

/* Darwin errno → Linux errno (EIO for values Linux lacks). */
int kh_errno_from_darwin(int darwin_errno);
/* Linux O_* open flags → Darwin's. */
int kh_oflags_to_darwin(int linux_flags);

#ifdef __cplusplus
}
#endif

#endif /* _KEXTHOST_KH_SYSCALL_H_ */
