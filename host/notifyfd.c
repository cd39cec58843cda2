/*
 * notifyfd.c — the host side of a client's "a message arrived" descriptor
 * (osfmk/ipc/ipc_mqueue.c signals it): take a copy of the eventfd the client
 * made, and add to its counter.
 *
 * Why pidfd_getfd and not /proc/<pid>/fd/<n> as the shared ring does: an
 * eventfd can't be reopened through /proc (ENXIO). pidfd_getfd gives the
 * kernel the same open file the client has, under the ptrace access rules
 * that already govern process_vm_readv. Only an eventfd is accepted, so a
 * client can't make the kernel write into some other file of its.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static int
is_eventfd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	return strcmp(link, "anon_inode:[eventfd]") == 0;
}

int
khost_eventfd_from_peer(int pid, int fd, int *out)
{
	int pidfd, f, err;

	*out = -1;
	if (pid <= 0 || fd < 0)
		return khost_errno_to_darwin(EINVAL);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return khost_errno_to_darwin(errno);
	f = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = errno;
	close(pidfd);
	if (f < 0)
		return khost_errno_to_darwin(err);
	if (!is_eventfd(f)) {
		close(f);
		return khost_errno_to_darwin(EINVAL);
	}
	*out = f;
	return 0;
}

int
khost_eventfd_signal(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) == (ssize_t)sizeof(one) || errno == EAGAIN)
		return 0;
	return khost_errno_to_darwin(errno);
}
