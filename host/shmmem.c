/*
 * shmmem.c — shareable kernel memory (the I/O Kit's memory descriptors,
 * iokit/Kernel/IOMemoryDescriptor.c): a memfd the kernel maps, whose
 * descriptor can be handed to a client process over its socket (SCM_RIGHTS)
 * so the client maps the same pages.
 *
 * The memfd is sealed against shrinking and growing once sized: a client
 * holding the descriptor must not be able to truncate the file under the
 * kernel's mapping (the kernel's next access would be a SIGBUS). A
 * descriptor for a read-only mapping is a fresh read-only open of the file
 * (/proc/self/fd/N), so a client cannot map it writable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

int
khost_shm_create(size_t size, size_t align, int *fd, void **addr)
{
	size_t page = khost_page_size(), span = 0;
	char *res = NULL, *p;
	int f, err;

	*fd = -1;
	*addr = NULL;
	if (size == 0 || size % page != 0 || (align & (align - 1)) != 0 || size > SIZE_MAX / 2 ||
	    align > SIZE_MAX / 4)
		return khost_errno_to_darwin(EINVAL);
	if (align > page) {
		/* Reserve room to slide the mapping up to the alignment; the slack is returned below. */
		span = size + align;
		res = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (res == MAP_FAILED)
			return khost_errno_to_darwin(errno);
	}
	f = memfd_create("kexthost-iomd", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (f < 0) {
		err = errno;
		goto fail;
	}
	if (ftruncate(f, (off_t)size) != 0 ||
	    fcntl(f, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		err = errno;
		goto fail;
	}
	if (res != NULL) {
		char *at = (char *)(((uintptr_t)res + align - 1) & ~(uintptr_t)(align - 1));
		p = mmap(at, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, f, 0);
		if (p != MAP_FAILED) {
			if (at > res)
				munmap(res, (size_t)(at - res));
			if (at + size < res + span)
				munmap(at + size, (size_t)(res + span - (at + size)));
			res = NULL;
		}
	} else {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	}
	if (p == MAP_FAILED) {
		err = errno;
		goto fail;
	}
	*fd = f;
	*addr = p;
	return 0;
fail:
	if (f >= 0)
		close(f);
	if (res != NULL)
		munmap(res, span);
	return khost_errno_to_darwin(err);
}

int
khost_shm_map_fd(int fd, size_t size, uint64_t offset, int prot, void **addr)
{
	int mprot = 0;
	void *p;

	*addr = NULL;
	if (fd < 0 || size == 0 || offset % khost_page_size() != 0)
		return khost_errno_to_darwin(EINVAL);
	if (prot & KHOST_PROT_READ)
		mprot |= PROT_READ;
	if (prot & KHOST_PROT_WRITE)
		mprot |= PROT_WRITE;
	p = mmap(NULL, size, mprot, MAP_SHARED, fd, (off_t)offset);
	if (p == MAP_FAILED)
		return khost_errno_to_darwin(errno);
	*addr = p;
	return 0;
}

int
khost_shm_reopen(int fd, int readonly, int *out)
{
	char path[64];
	int f;

	*out = -1;
	if (fd < 0)
		return khost_errno_to_darwin(EBADF);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	f = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (f < 0)
		return khost_errno_to_darwin(errno);
	*out = f;
	return 0;
}

int
khost_sock_send_fd(int sock, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = (void *)(uintptr_t)buf, .iov_len = len};
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	if ((buf == NULL && len != 0) || fd < 0)
		return khost_errno_to_darwin(EINVAL);
	memset(&msg, 0, sizeof(msg));
	memset(&ctl, 0, sizeof(ctl));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.b;
	msg.msg_controllen = sizeof(ctl.b);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return khost_errno_to_darwin(errno);
	if ((size_t)n != len)
		return khost_errno_to_darwin(EMSGSIZE);
	return 0;
}
