/*
 * procmem.c — the host side of the user/kernel boundary's data path: reading
 * and writing a client process's memory, signalling it, naming it, and
 * noticing that it hung up.
 *
 * copyin/copyout reach a client's real addresses with process_vm_readv/
 * writev: one host system call per transfer (about a microsecond plus the
 * copy), no mapping of the client's memory into the kernel, and a bad
 * address is an error return (EFAULT), never a fault in the kernel. Access
 * follows ptrace rules: a root kernel reaches every client; a non-root
 * kernel only clients of its own uid (others see EFAULT).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

/* Bytes one process_vm_* call moves at most (the kernel caps iov totals anyway). */
#define PROCMEM_CHUNK (1u << 30)

static int
procmem_range_ok(uint64_t uaddr, size_t len)
{
	return uaddr + len >= uaddr && uaddr != 0;
}

static int
procmem_errno(int e)
{
	/* EPERM (no ptrace access) and EFAULT both mean: the kext may not touch that memory. */
	if (e == ESRCH)
		return khost_errno_to_darwin(ESRCH);
	if (e == ENOMEM)
		return khost_errno_to_darwin(ENOMEM);
	return khost_errno_to_darwin(EFAULT);
}

/* Move len bytes; dir 0 reads, 1 writes. Partial progress counts in *done. */
static int
procmem_xfer(int pid, uint64_t uaddr, void *buf, size_t len, int dir, size_t *done)
{
	*done = 0;
	if (len == 0)
		return 0;
	if (!procmem_range_ok(uaddr, len) || pid <= 0)
		return khost_errno_to_darwin(EFAULT);
	while (*done < len) {
		size_t n = len - *done;
		if (n > PROCMEM_CHUNK)
			n = PROCMEM_CHUNK;
		struct iovec local = {.iov_base = (char *)buf + *done, .iov_len = n};
		struct iovec remote = {.iov_base = (void *)(uintptr_t)(uaddr + *done), .iov_len = n};
		ssize_t r = dir == 0 ? process_vm_readv(pid, &local, 1, &remote, 1, 0)
		                     : process_vm_writev(pid, &local, 1, &remote, 1, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return procmem_errno(errno);
		}
		if (r == 0)
			return khost_errno_to_darwin(EFAULT);
		*done += (size_t)r;
	}
	return 0;
}

int
khost_proc_read(int pid, uint64_t uaddr, void *buf, size_t len)
{
	size_t done;
	int err = procmem_xfer(pid, uaddr, buf, len, 0, &done);
	return err != 0 ? err : 0;
}

int
khost_proc_write(int pid, uint64_t uaddr, const void *buf, size_t len)
{
	size_t done;
	return procmem_xfer(pid, uaddr, (void *)buf, len, 1, &done);
}

int
khost_proc_read_partial(int pid, uint64_t uaddr, void *buf, size_t len, size_t *done)
{
	int err = procmem_xfer(pid, uaddr, buf, len, 0, done);
	if (err != 0 && *done != 0)
		return 0; /* process_vm_readv stops at the first unreadable page */
	return err;
}

/* Darwin signal numbers (sys/signal.h) to Linux; 0 where Linux has none. */
static const int procmem_signals[32] = {
        [1] = SIGHUP,     [2] = SIGINT,   [3] = SIGQUIT,   [4] = SIGILL,   [5] = SIGTRAP,  [6] = SIGABRT,
        [8] = SIGFPE,     [9] = SIGKILL,  [10] = SIGBUS,   [11] = SIGSEGV, [12] = SIGSYS,  [13] = SIGPIPE,
        [14] = SIGALRM,   [15] = SIGTERM, [16] = SIGURG,   [17] = SIGSTOP, [18] = SIGTSTP, [19] = SIGCONT,
        [20] = SIGCHLD,   [21] = SIGTTIN, [22] = SIGTTOU,  [23] = SIGIO,   [24] = SIGXCPU, [25] = SIGXFSZ,
        [26] = SIGVTALRM, [27] = SIGPROF, [28] = SIGWINCH, [30] = SIGUSR1, [31] = SIGUSR2,
};

int
khost_proc_signal(int pid, int signum)
{
	int sig;

	if (pid <= 0 || signum < 0 || signum >= 32)
		return khost_errno_to_darwin(EINVAL);
	sig = signum == 0 ? 0 : procmem_signals[signum];
	if (signum != 0 && sig == 0)
		return khost_errno_to_darwin(EINVAL);
	if (kill(pid, sig) != 0)
		return khost_errno_to_darwin(errno);
	return 0;
}

int
khost_proc_comm(int pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (size == 0)
		return khost_errno_to_darwin(EINVAL);
	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return khost_errno_to_darwin(errno);
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return khost_errno_to_darwin(EIO);
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int
khost_proc_ppid(int pid, int *ppid)
{
	char path[64], line[512], *p;
	ssize_t n;
	int fd;

	*ppid = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return khost_errno_to_darwin(errno);
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return khost_errno_to_darwin(EIO);
	line[n] = '\0';
	/* "pid (comm) state ppid ...": comm may hold spaces and parentheses, so scan from the last ')'. */
	p = strrchr(line, ')');
	if (p == NULL || sscanf(p + 1, " %*c %d", ppid) != 1)
		return khost_errno_to_darwin(EIO);
	return 0;
}

int
khost_hupwatch_create(int *wfd)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0)
		return khost_errno_to_darwin(errno);
	*wfd = fd;
	return 0;
}

int
khost_hupwatch_add(int wfd, int fd, uint64_t cookie)
{
	struct epoll_event ev = {.events = EPOLLRDHUP | EPOLLHUP | EPOLLONESHOT, .data.u64 = cookie};
	if (epoll_ctl(wfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return khost_errno_to_darwin(errno);
	return 0;
}

int
khost_hupwatch_del(int wfd, int fd)
{
	if (epoll_ctl(wfd, EPOLL_CTL_DEL, fd, NULL) != 0 && errno != ENOENT && errno != EBADF)
		return khost_errno_to_darwin(errno);
	return 0;
}

int
khost_hupwatch_wait(int wfd, uint64_t *cookies, int max, int timeout_ms, int *n)
{
	struct epoll_event evs[32];
	int r;

	*n = 0;
	if (max > 32)
		max = 32;
	r = epoll_wait(wfd, evs, max, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : khost_errno_to_darwin(errno);
	for (int i = 0; i < r; i++)
		cookies[i] = evs[i].data.u64;
	*n = r;
	return 0;
}
