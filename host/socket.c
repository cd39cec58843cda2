/*
 * socket.c — Unix-domain SOCK_SEQPACKET sockets for the kernel's request
 * channel (bsd/kern/kern_request.c): user processes (kextload, kextstat, ...)
 * connect to <root>/var/run/kexthost.sock and exchange whole messages.
 *
 * SEQPACKET keeps message boundaries, so one send is one receive; a message
 * larger than the receiver's buffer is reported as EMSGSIZE rather than
 * silently truncated. The peer's identity comes from SO_PEERCRED (set by the
 * Linux kernel at connect time), never from anything the client sends.
 * Every descriptor is close-on-exec, and sends never raise SIGPIPE.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

/* Pending connections the listener queues before accept. */
#define SOCKET_BACKLOG 64

static int
socket_addr(const char *path, struct sockaddr_un *sun)
{
	size_t len;

	if (path == NULL)
		return EINVAL;
	len = strlen(path);
	if (len == 0)
		return EINVAL;
	if (len >= sizeof(sun->sun_path))
		return khost_errno_to_darwin(ENAMETOOLONG);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	return 0;
}

int
khost_unix_listen(const char *path, int *fd)
{
	struct sockaddr_un sun;
	struct stat st;
	int s, err;

	if (fd == NULL)
		return EINVAL;
	*fd = -1;
	err = socket_addr(path, &sun);
	if (err != 0)
		return err;
	/* Replace a stale socket left by a kernel that died; refuse to remove anything else. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return khost_errno_to_darwin(EEXIST);
		if (unlink(path) != 0 && errno != ENOENT)
			return khost_errno_to_darwin(errno);
	}
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return khost_errno_to_darwin(errno);
	if (bind(s, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(s, SOCKET_BACKLOG) != 0) {
		err = khost_errno_to_darwin(errno);
		close(s);
		return err;
	}
	/* Anyone may connect (kextstat needs no privilege); the kernel checks the peer's uid per request. */
	(void)chmod(path, 0666);
	*fd = s;
	return 0;
}

int
khost_unix_accept(int lfd, int *fd, struct khost_peer *peer)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int s;

	if (fd == NULL || peer == NULL)
		return EINVAL;
	*fd = -1;
	do {
		s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	} while (s < 0 && (errno == EINTR || errno == ECONNABORTED));
	if (s < 0)
		return khost_errno_to_darwin(errno);
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0 || clen != sizeof(cred)) {
		int err = khost_errno_to_darwin(errno != 0 ? errno : EPROTO);
		close(s);
		return err;
	}
	peer->pid = cred.pid;
	peer->uid = cred.uid;
	peer->gid = cred.gid;
	*fd = s;
	return 0;
}

int
khost_sock_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	if (buf == NULL && len != 0)
		return EINVAL;
	do {
		n = send(fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return khost_errno_to_darwin(errno);
	/* A SEQPACKET send is all or nothing. */
	if ((size_t)n != len)
		return khost_errno_to_darwin(EMSGSIZE);
	return 0;
}

int
khost_sock_recv(int fd, void *buf, size_t cap, size_t *len)
{
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr msg;
	ssize_t n;

	if (len == NULL || (buf == NULL && cap != 0))
		return EINVAL;
	*len = 0;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	do {
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return khost_errno_to_darwin(errno);
	if (msg.msg_flags & MSG_TRUNC)
		return khost_errno_to_darwin(EMSGSIZE);
	/*
	 * A zero-length message and an orderly close both read as 0 bytes;
	 * the protocol never sends empty messages, so 0 means closed.
	 */
	*len = (size_t)n;
	return 0;
}

int
khost_sock_shutdown(int fd)
{
	if (shutdown(fd, SHUT_RDWR) != 0 && errno != ENOTCONN)
		return khost_errno_to_darwin(errno);
	return 0;
}

int
khost_close(int fd)
{
	/* Linux releases the descriptor even when close reports EINTR: never retry. */
	if (close(fd) != 0 && errno != EINTR)
		return khost_errno_to_darwin(errno);
	return 0;
}
