/*
 * kexthost/kh_dev.h — user-side calls for device descriptors opened in the
 * hosted kernel (lib/libkexthost/sysctl.c): Darwin's select(2), poll(2) and
 * fstat(2) with a kh_ prefix so they never clash with glibc. They return the
 * ready count (select/poll) or 0, or -1 with a Linux errno.
 */
#ifndef _KEXTHOST_KH_DEV_H_
#define _KEXTHOST_KH_DEV_H_

#include <stddef.h>
#include <stdint.h>

/* Darwin's struct pollfd and events (same layout as Linux's). */
struct kh_pollfd {
	int fd;
	short events;
	short revents;
};
#define KH_POLLIN 0x0001
#define KH_POLLPRI 0x0002
#define KH_POLLOUT 0x0004
#define KH_POLLNVAL 0x0020
#define KH_POLLRDNORM 0x0040

/* fds in the kernel's descriptor space; timeout in ms (-1: forever). */
int kh_poll(struct kh_pollfd *fds, unsigned int nfds, int timeout);
/* Darwin fd_set: 1024 bits as 32 uint32 words; tv NULL: forever. */
typedef struct {
	uint32_t fds_bits[32];
} kh_fd_set;
struct kh_timeval {
	int64_t tv_sec;
	int32_t tv_usec;
};
int kh_select(int nfds, kh_fd_set *readfds, kh_fd_set *writefds, kh_fd_set *errorfds, struct kh_timeval *tv);
#define KH_FD_SET(n, p) ((p)->fds_bits[(n) / 32] |= (1u << ((n) % 32)))
#define KH_FD_ISSET(n, p) (((p)->fds_bits[(n) / 32] >> ((n) % 32)) & 1u)
#define KH_FD_ZERO(p) __builtin_memset((p), 0, sizeof(*(p)))

/* Darwin's struct stat as syscall 189 fills it (32-bit st_ino; 120 bytes). */
struct kh_stat {
	int32_t st_dev;
	uint32_t st_ino;
	uint16_t st_mode;
	uint16_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	int32_t st_rdev;
	int64_t st_atime_sec, st_atime_nsec;
	int64_t st_mtime_sec, st_mtime_nsec;
	int64_t st_ctime_sec, st_ctime_nsec;
	int64_t st_size;
	int64_t st_blocks;
	int32_t st_blksize;
	uint32_t st_flags;
	uint32_t st_gen;
	int32_t st_lspare;
	int64_t st_qspare[2];
};
_Static_assert(sizeof(struct kh_stat) == 120, "Darwin struct stat layout");
#define KH_S_IFMT 0170000
#define KH_S_IFCHR 0020000
#define KH_S_IFSOCK 0140000
#define KH_MAJOR(d) (((uint32_t)(d) >> 24) & 0xff)
#define KH_MINOR(d) ((d)&0xffffff)

int kh_fstat(int fd, struct kh_stat *st);

#endif /* _KEXTHOST_KH_DEV_H_ */
