/*
 * channel.c — the client end of the kernel request channel: connect to the
 * kernel's SOCK_SEQPACKET socket and exchange messages framed as
 * <kexthost/request.h> describes (a header, then the payload split into
 * packets of at most KHRQ_MAX_PACKET bytes). The kernel is trusted no more
 * than any peer: every reply field is checked before use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <kexthost/libkexthost.h>

const char *
khrq_socket_path(void)
{
	const char *p = getenv(KHRQ_SOCKET_ENV);

	return (p != NULL && *p != '\0') ? p : NULL;
}

int
khrq_connect(const char *path, int *fd)
{
	struct sockaddr_un sun;
	size_t len;
	int s;

	*fd = -1;
	if (path == NULL)
		return ENOENT;
	len = strlen(path);
	if (len == 0 || len >= sizeof(sun.sun_path))
		return ENAMETOOLONG;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len + 1);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	while (connect(s, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int err = errno;
		if (err == EINTR)
			continue;
		close(s);
		return err;
	}
	*fd = s;
	return 0;
}

void
khrq_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

int
khrq_send_raw(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = send(fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	return (size_t)n == len ? 0 : EMSGSIZE;
}

/*
 * Receive one packet of at most cap bytes; EMSGSIZE when it was larger.
 * rfd non-NULL: a descriptor the packet carries (SCM_RIGHTS) lands there
 * (-1: none); without rfd the kernel of the host discards any it carries.
 */
static int
recv_packet_fd(int fd, void *buf, size_t cap, size_t *len, int *rfd)
{
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (rfd != NULL) {
		*rfd = -1;
		msg.msg_control = ctl.b;
		msg.msg_controllen = sizeof(ctl.b);
	}
	do {
		n = recvmsg(fd, &msg, rfd != NULL ? MSG_CMSG_CLOEXEC : 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	for (c = rfd != NULL ? CMSG_FIRSTHDR(&msg) : NULL; c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(rfd, CMSG_DATA(c), sizeof(int));
	}
	if (msg.msg_flags & MSG_TRUNC) {
		if (rfd != NULL && *rfd >= 0) {
			close(*rfd);
			*rfd = -1;
		}
		return EMSGSIZE;
	}
	*len = (size_t)n;
	return 0;
}

static int
recv_packet(int fd, void *buf, size_t cap, size_t *len)
{
	return recv_packet_fd(fd, buf, cap, len, NULL);
}

/* Close a descriptor a failed exchange received. */
static void
khrq_close_fd(int *rfd)
{
	if (rfd != NULL && *rfd >= 0) {
		close(*rfd);
		*rfd = -1;
	}
}

static int
send_message(int fd, const struct khrq_header *h, const void *payload)
{
	size_t first = h->payload_len, off;
	char *pkt;
	int err;

	pkt = malloc(KHRQ_MAX_PACKET);
	if (pkt == NULL)
		return ENOMEM;
	if (first > KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE)
		first = KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE;
	memcpy(pkt, h, KHRQ_HEADER_SIZE);
	if (first != 0)
		memcpy(pkt + KHRQ_HEADER_SIZE, payload, first);
	err = khrq_send_raw(fd, pkt, KHRQ_HEADER_SIZE + first);
	free(pkt);
	for (off = first; err == 0 && off < h->payload_len;) {
		size_t n = h->payload_len - off;
		if (n > KHRQ_MAX_PACKET)
			n = KHRQ_MAX_PACKET;
		err = khrq_send_raw(fd, (const char *)payload + off, n);
		off += n;
	}
	return err;
}

int
khrq_call(int fd, uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len,
          uint32_t *status)
{
	return khrq_call_fd(fd, type, payload, len, reply, reply_len, status, NULL);
}

int
khrq_call_fd(int fd, uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len,
             uint32_t *status, int *rfd)
{
	static uint64_t next_id;
	struct khrq_header h, rh;
	size_t n, first, off;
	char *p = NULL, *pkt;
	int err;

	*reply = NULL;
	*reply_len = 0;
	*status = 0;
	if (rfd != NULL)
		*rfd = -1;
	if (len > KHRQ_MAX_PAYLOAD)
		return EMSGSIZE;
	memset(&h, 0, sizeof(h));
	h.magic = KHRQ_MAGIC;
	h.version = KHRQ_VERSION;
	h.hdr_size = KHRQ_HEADER_SIZE;
	h.type = type;
	h.request_id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
	h.payload_len = (uint32_t)len;
	err = send_message(fd, &h, payload);
	if (err == EPIPE)
		return ECONNRESET;
	if (err != 0)
		return err;

	pkt = malloc(KHRQ_MAX_PACKET);
	if (pkt == NULL)
		return ENOMEM;
	err = recv_packet_fd(fd, pkt, KHRQ_MAX_PACKET, &n, rfd);
	if (err == 0 && n == 0)
		err = ECONNRESET;
	else if (err == EMSGSIZE || (err == 0 && n < KHRQ_HEADER_SIZE))
		err = EPROTO;
	if (err == 0) {
		memcpy(&rh, pkt, KHRQ_HEADER_SIZE);
		first = rh.payload_len;
		if (first > KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE)
			first = KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE;
		if (rh.magic != KHRQ_MAGIC || rh.version != KHRQ_VERSION || rh.hdr_size != KHRQ_HEADER_SIZE ||
		    rh.flags != KHRQ_F_REPLY || rh.type != type || rh.request_id != h.request_id ||
		    rh.payload_len > KHRQ_MAX_PAYLOAD || n != KHRQ_HEADER_SIZE + first)
			err = EPROTO;
	}
	if (err == 0 && rh.payload_len != 0) {
		p = malloc(rh.payload_len);
		if (p == NULL)
			err = ENOMEM;
		else
			memcpy(p, pkt + KHRQ_HEADER_SIZE, first);
	}
	free(pkt);
	if (err != 0) {
		khrq_close_fd(rfd);
		return err;
	}
	for (off = first; off < rh.payload_len; off += n) {
		size_t want = rh.payload_len - off;
		if (want > KHRQ_MAX_PACKET)
			want = KHRQ_MAX_PACKET;
		err = recv_packet(fd, p + off, want, &n);
		if (err == 0 && n != want)
			err = n == 0 ? ECONNRESET : EPROTO;
		if (err != 0) {
			free(p);
			khrq_close_fd(rfd);
			return err == EMSGSIZE ? EPROTO : err;
		}
	}
	*reply = p;
	*reply_len = rh.payload_len;
	*status = rh.status;
	return 0;
}

const char *
khrq_status_string(uint32_t status)
{
	/* Darwin errno values the kernel puts in a reply's status. */
	switch (status) {
	case 0:
		return "success";
	case 1:
		return "operation not permitted";
	case 12:
		return "kernel out of memory";
	case 22:
		return "invalid request";
	case 45:
		return "request type not supported by this kernel";
	default:
		return "kernel error";
	}
}
