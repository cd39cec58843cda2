/*
 * syscall.c — the client end of BSD system calls (<kexthost/kh_syscall.h>):
 * one connection per process, one message per call (header, khsc_request,
 * regions, IN bytes), the reply's OUT bytes stored back into the caller's
 * buffers, and the kh_* wrappers that know which bytes each call carries.
 *
 * Fast path: right after connecting, the library sets up a shared ring
 * (<kexthost/syscall.h>) and makes every call that fits through it: write
 * the request, bump a sequence word, spin briefly then futex-wait for the
 * kernel's reply. KEXTHOST_NO_SHM=1 in the environment keeps to the socket.
 * On the socket the common call is one packet each way, built with no
 * allocation; larger messages use khrq_call's multi-packet framing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>
#include <kexthost/request.h>
#include <kexthost/kh_syscall.h>

int khrq_connect(const char *path, int *fd);
int khrq_call(int fd, uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len,
              uint32_t *status);
int khrq_call_fd(int fd, uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len,
                 uint32_t *status, int *rfd);
const char *khrq_socket_path(void);

static struct {
	pthread_mutex_t lock;
	int fd;
	uint64_t next_id;
	int atfork;
	struct khsc_shm *ring; /* the shared ring, NULL when calls go over the socket */
	char pkt[KHRQ_MAX_PACKET];
} kh = {.lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1};

/* A forked child is a new process to the kernel: it must not use the parent's connection. */
static void
kh_atfork_child(void)
{
	pthread_mutex_init(&kh.lock, NULL);
	if (kh.fd >= 0)
		close(kh.fd);
	kh.fd = -1;
	/* The parent's ring is shared with the parent's kernel process: never ours. */
	if (kh.ring != NULL)
		munmap(kh.ring, KHSC_SHM_SIZE);
	kh.ring = NULL;
}

static int kh_apply_reply(const char *p, size_t n, const struct kh_region *regions, unsigned int nregions,
                          int *error, int64_t *retval);

#define KH_SPIN 4000

static void
kh_futex_wait(uint32_t *addr, uint32_t val, int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	syscall(SYS_futex, addr, FUTEX_WAIT, val, &ts, NULL, 0);
}

/* Set up the ring after connecting; on any failure calls simply stay on the socket. */
static void
kh_ring_setup_locked(void)
{
	struct khsc_shm_setup s;
	struct khsc_shm *r;
	void *reply = NULL;
	size_t rlen;
	uint32_t status;
	const char *no = getenv("KEXTHOST_NO_SHM");
	int mfd;

	if (no != NULL && *no != '\0' && *no != '0')
		return;
	mfd = memfd_create("kexthost-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return;
	/* The kernel maps only a ring that can never shrink under it. */
	if (ftruncate(mfd, KHSC_SHM_SIZE) != 0 ||
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		close(mfd);
		return;
	}
	r = mmap(NULL, KHSC_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (r == MAP_FAILED) {
		close(mfd);
		return;
	}
	r->magic = KHSC_SHM_MAGIC;
	r->size = KHSC_SHM_SIZE;
	s.fd = mfd;
	s.size = KHSC_SHM_SIZE;
	/* The kernel opens /proc/<our pid>/fd/<mfd> while handling this, so mfd stays open until the reply. */
	if (khrq_call(kh.fd, KHRQ_T_SHM_SETUP, &s, sizeof(s), &reply, &rlen, &status) == 0 && status == 0)
		kh.ring = r;
	else
		munmap(r, KHSC_SHM_SIZE);
	free(reply);
	close(mfd);
}

/* Whether the kernel end of the connection is gone (checked while waiting long). */
static int
kh_kernel_gone(void)
{
	struct pollfd pfd = {.fd = kh.fd, .events = POLLRDHUP};
	return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/*
 * Post the request written at r->req (req_len and req_type set) and wait
 * for the kernel's reply: spin briefly, then sleep on the futex, noticing
 * a kernel that went away. 0 or ECONNRESET.
 */
static int
kh_ring_post_and_wait(struct khsc_shm *r)
{
	uint32_t seq = r->req_seq + 1;
	unsigned int spin = 0;

	__atomic_store_n(&r->req_seq, seq, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->kern_sleeping, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &r->req_seq, FUTEX_WAKE, 1, NULL, NULL, 0);
	while (__atomic_load_n(&r->rep_seq, __ATOMIC_ACQUIRE) != seq) {
		if (spin < KH_SPIN) {
			__builtin_ia32_pause();
			if (++spin % 64 == 0)
				sched_yield();
			continue;
		}
		uint32_t cur = __atomic_load_n(&r->rep_seq, __ATOMIC_SEQ_CST);
		__atomic_store_n(&r->client_sleeping, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&r->rep_seq, __ATOMIC_SEQ_CST) == cur && cur != seq)
			kh_futex_wait(&r->rep_seq, cur, 500);
		__atomic_store_n(&r->client_sleeping, 0, __ATOMIC_RELAXED);
		if (__atomic_load_n(&r->rep_seq, __ATOMIC_ACQUIRE) != seq && kh_kernel_gone())
			return ECONNRESET;
		spin = KH_SPIN / 2;
	}
	return 0;
}

/* One call through the ring; EMSGSIZE when it does not fit (the caller uses the socket). */
static int
kh_call_ring(const struct khsc_request *req, const struct kh_region *regions, unsigned int nregions,
             size_t in_total, int *error, int64_t *retval)
{
	struct khsc_shm *r = kh.ring;
	size_t plen = KHSC_REQUEST_SIZE + (size_t)nregions * KHSC_REGION_SIZE + in_total, off, rmax;
	uint32_t len, status;

	rmax = KHSC_REPLY_SIZE;
	for (unsigned int i = 0; i < nregions; i++)
		if (regions[i].flags & KHSC_R_OUT)
			rmax += KHSC_OUT_SIZE + regions[i].len;
	if (plen > KHSC_SHM_AREA || rmax > KHSC_SHM_AREA)
		return EMSGSIZE;
	memcpy(r->req, req, KHSC_REQUEST_SIZE);
	off = KHSC_REQUEST_SIZE;
	for (unsigned int i = 0; i < nregions; i++, off += KHSC_REGION_SIZE) {
		struct khsc_region rr = {(uint64_t)(uintptr_t)regions[i].addr, (uint32_t)regions[i].len,
		                         regions[i].flags};
		memcpy(r->req + off, &rr, KHSC_REGION_SIZE);
	}
	for (unsigned int i = 0; i < nregions; i++) {
		if ((regions[i].flags & KHSC_R_IN) && regions[i].len != 0) {
			memcpy(r->req + off, regions[i].addr, regions[i].len);
			off += regions[i].len;
		}
	}
	r->req_len = (uint32_t)plen;
	r->req_type = KHRQ_T_SYSCALL;
	if (kh_ring_post_and_wait(r) != 0)
		return ECONNRESET;
	len = r->rep_len;
	status = r->rep_status;
	if (status != 0) {
		*error = (int)status;
		*retval = 0;
		return 0;
	}
	if (len > KHSC_SHM_AREA)
		return EPROTO;
	return kh_apply_reply((const char *)r->rep, len, regions, nregions, error, retval);
}

/* Tell the kernel the next message comes on the socket. */
static void
kh_ring_divert(void)
{
	struct khsc_shm *r = kh.ring;

	r->req_len = KHSC_SHM_USE_SOCKET;
	__atomic_store_n(&r->req_seq, r->req_seq + 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->kern_sleeping, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &r->req_seq, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static int
kh_connect_locked(void)
{
	int err;

	if (kh.fd >= 0)
		return 0;
	if (!kh.atfork) {
		pthread_atfork(NULL, NULL, kh_atfork_child);
		kh.atfork = 1;
	}
	err = khrq_connect(khrq_socket_path(), &kh.fd);
	if (err != 0)
		return err == ENOENT ? ENXIO : err;
		/* Where Yama restricts ptrace, let the kernel reach our memory for copyin/copyout. */
#ifdef PR_SET_PTRACER
	(void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
#endif
	kh_ring_setup_locked();
	return 0;
}

void
kh_disconnect(void)
{
	pthread_mutex_lock(&kh.lock);
	if (kh.fd >= 0)
		close(kh.fd);
	kh.fd = -1;
	if (kh.ring != NULL)
		munmap(kh.ring, KHSC_SHM_SIZE);
	kh.ring = NULL;
	pthread_mutex_unlock(&kh.lock);
}

int
kh_connected(void)
{
	return kh.fd >= 0;
}

int
kh_uses_shm(void)
{
	return kh.ring != NULL;
}

/* Store the reply's OUT bytes; EPROTO when the reply does not fit the request. */
static int
kh_apply_reply(const char *p, size_t n, const struct kh_region *regions, unsigned int nregions, int *error,
               int64_t *retval)
{
	struct khsc_reply rh;
	struct khsc_out o;
	size_t off, data;

	if (n < KHSC_REPLY_SIZE)
		return EPROTO;
	memcpy(&rh, p, KHSC_REPLY_SIZE);
	off = KHSC_REPLY_SIZE;
	data = off + (size_t)rh.nout * KHSC_OUT_SIZE;
	if (data > n)
		return EPROTO;
	for (unsigned int i = 0; i < rh.nout; i++, off += KHSC_OUT_SIZE) {
		memcpy(&o, p + off, KHSC_OUT_SIZE);
		/* The bytes lie past the records and inside the reply; the region takes them whole. */
		if (o.region >= nregions || !(regions[o.region].flags & KHSC_R_OUT) ||
		    o.off > regions[o.region].len || o.len > regions[o.region].len - o.off ||
		    o.data_off < data || o.data_off > n || o.len > n - o.data_off)
			return EPROTO;
		memcpy((char *)regions[o.region].addr + o.off, p + o.data_off, o.len);
	}
	*error = rh.error;
	*retval = rh.retval[0];
	return 0;
}

/* A reply longer than one packet: gather the continuation packets, then apply it. */
static int
kh_recv_rest(const struct khrq_header *rh, size_t first, const struct kh_region *regions,
             unsigned int nregions, int *error, int64_t *retval)
{
	size_t total = rh->payload_len, off;
	char *p;
	ssize_t n;
	int err;

	if (total > KHRQ_MAX_PAYLOAD || first != KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE)
		return EPROTO;
	p = malloc(total);
	if (p == NULL)
		return ENOMEM;
	memcpy(p, kh.pkt + KHRQ_HEADER_SIZE, first);
	for (off = first; off < total; off += (size_t)n) {
		size_t want = total - off < KHRQ_MAX_PACKET ? total - off : KHRQ_MAX_PACKET;
		do {
			n = recv(kh.fd, p + off, want, 0);
		} while (n < 0 && errno == EINTR);
		if (n <= 0 || (size_t)n != want) {
			free(p);
			return n < 0 ? errno : n == 0 ? ECONNRESET : EPROTO;
		}
	}
	err = kh_apply_reply(p, total, regions, nregions, error, retval);
	free(p);
	return err;
}

/* One packet each way. Called with the lock held. */
static int
kh_call_fast(const struct khsc_request *req, const struct kh_region *regions, unsigned int nregions,
             size_t in_total, int *error, int64_t *retval)
{
	struct khrq_header h = {0}, rh;
	size_t off, plen = KHSC_REQUEST_SIZE + (size_t)nregions * KHSC_REGION_SIZE + in_total;
	struct iovec iov[2 + 2 * KHSC_MAXREGIONS];
	struct khsc_region rr[KHSC_MAXREGIONS];
	struct msghdr msg;
	ssize_t n;
	int niov = 0;

	h.magic = KHRQ_MAGIC;
	h.version = KHRQ_VERSION;
	h.hdr_size = KHRQ_HEADER_SIZE;
	h.type = KHRQ_T_SYSCALL;
	h.request_id = ++kh.next_id;
	h.payload_len = (uint32_t)plen;
	iov[niov++] = (struct iovec){&h, KHRQ_HEADER_SIZE};
	iov[niov++] = (struct iovec){(void *)req, KHSC_REQUEST_SIZE};
	for (unsigned int i = 0; i < nregions; i++)
		rr[i] = (struct khsc_region){(uint64_t)(uintptr_t)regions[i].addr, (uint32_t)regions[i].len,
		                             regions[i].flags};
	if (nregions)
		iov[niov++] = (struct iovec){rr, (size_t)nregions * KHSC_REGION_SIZE};
	for (unsigned int i = 0; i < nregions; i++) {
		if ((regions[i].flags & KHSC_R_IN) && regions[i].len != 0)
			iov[niov++] = (struct iovec){(void *)regions[i].addr, regions[i].len};
	}
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)niov;
	do {
		n = sendmsg(kh.fd, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EPIPE ? ECONNRESET : errno;
	do {
		n = recv(kh.fd, kh.pkt, sizeof(kh.pkt), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	if (n == 0)
		return ECONNRESET;
	if ((size_t)n < KHRQ_HEADER_SIZE)
		return EPROTO;
	memcpy(&rh, kh.pkt, KHRQ_HEADER_SIZE);
	if (rh.magic != KHRQ_MAGIC || rh.flags != KHRQ_F_REPLY || rh.request_id != h.request_id ||
	    rh.type != KHRQ_T_SYSCALL)
		return EPROTO;
	if (rh.status != 0) {
		*error = (int)rh.status;
		*retval = 0;
		return 0;
	}
	off = KHRQ_HEADER_SIZE;
	if (rh.payload_len == (size_t)n - off)
		return kh_apply_reply(kh.pkt + off, (size_t)n - off, regions, nregions, error, retval);
	return kh_recv_rest(&rh, (size_t)n - off, regions, nregions, error, retval);
}

static int
kh_call_slow(const struct khsc_request *req, const struct kh_region *regions, unsigned int nregions,
             size_t in_total, int *error, int64_t *retval)
{
	size_t plen = KHSC_REQUEST_SIZE + (size_t)nregions * KHSC_REGION_SIZE + in_total, off;
	char *p = malloc(plen);
	void *reply = NULL;
	size_t rlen;
	uint32_t status;
	int err;

	if (p == NULL)
		return ENOMEM;
	memcpy(p, req, KHSC_REQUEST_SIZE);
	off = KHSC_REQUEST_SIZE;
	for (unsigned int i = 0; i < nregions; i++, off += KHSC_REGION_SIZE) {
		struct khsc_region r = {(uint64_t)(uintptr_t)regions[i].addr, (uint32_t)regions[i].len,
		                        regions[i].flags};
		memcpy(p + off, &r, KHSC_REGION_SIZE);
	}
	for (unsigned int i = 0; i < nregions; i++) {
		if (regions[i].flags & KHSC_R_IN) {
			memcpy(p + off, regions[i].addr, regions[i].len);
			off += regions[i].len;
		}
	}
	err = khrq_call(kh.fd, KHRQ_T_SYSCALL, p, plen, &reply, &rlen, &status);
	free(p);
	if (err != 0)
		return err;
	if (status != 0) {
		*error = (int)status;
		*retval = 0;
	} else {
		err = kh_apply_reply(reply, rlen, regions, nregions, error, retval);
	}
	free(reply);
	return err;
}

int
kh_syscall(uint32_t number, const uint64_t *args, unsigned int nargs, const struct kh_region *regions,
           unsigned int nregions, int64_t *retval)
{
	struct khsc_request req;
	size_t in_total = 0, plen;
	int err, error = 0;

	*retval = -1;
	if (nargs > KHSC_MAXARGS || nregions > KHSC_MAXREGIONS)
		return EINVAL;
	for (unsigned int i = 0; i < nregions; i++) {
		if (regions[i].len > KHSC_MAX_REGION || regions[i].flags == 0)
			return EINVAL;
		if (regions[i].flags & KHSC_R_IN)
			in_total += regions[i].len;
	}
	memset(&req, 0, sizeof(req));
	req.number = number;
	req.nargs = (uint16_t)nargs;
	req.nregions = (uint16_t)nregions;
	for (unsigned int i = 0; i < nargs; i++)
		req.args[i] = args[i];
	plen = KHSC_REQUEST_SIZE + (size_t)nregions * KHSC_REGION_SIZE + in_total;

	pthread_mutex_lock(&kh.lock);
	err = kh_connect_locked();
	if (err == 0 && kh.ring != NULL) {
		err = kh_call_ring(&req, regions, nregions, in_total, &error, retval);
		if (err == EMSGSIZE) {
			kh_ring_divert();
			err = -1; /* go on below, over the socket */
		}
	} else if (err == 0) {
		err = -1;
	}
	if (err == -1) {
		if (plen <= KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE) {
			err = kh_call_fast(&req, regions, nregions, in_total, &error, retval);
		} else {
			err = kh_call_slow(&req, regions, nregions, in_total, &error, retval);
		}
	}
	if (err != 0 && err != ENXIO && kh.fd >= 0) {
		/* The stream is out of step or gone: never reuse it. */
		close(kh.fd);
		kh.fd = -1;
		if (kh.ring != NULL)
			munmap(kh.ring, KHSC_SHM_SIZE);
		kh.ring = NULL;
	}
	pthread_mutex_unlock(&kh.lock);
	if (err != 0)
		return err;
	return error == 0 ? 0 : kh_errno_from_darwin(error);
}

/* ---- wrappers ------------------------------------------------------------- */

/* Make the call; -1 with errno (Linux) on failure, else the call's result. */
static int64_t
kh_do(uint32_t number, const uint64_t *args, unsigned int nargs, const struct kh_region *regions,
      unsigned int nregions)
{
	int64_t rv = -1;
	int err = kh_syscall(number, args, nargs, regions, nregions, &rv);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return rv;
}

#define KH_CALL0(number) kh_do((number), NULL, 0, NULL, 0)

pid_t
kh_getpid(void)
{
	return (pid_t)KH_CALL0(KH_SYS_getpid);
}
pid_t
kh_getppid(void)
{
	return (pid_t)KH_CALL0(KH_SYS_getppid);
}
uid_t
kh_getuid(void)
{
	return (uid_t)KH_CALL0(KH_SYS_getuid);
}
uid_t
kh_geteuid(void)
{
	return (uid_t)KH_CALL0(KH_SYS_geteuid);
}
gid_t
kh_getgid(void)
{
	return (gid_t)KH_CALL0(KH_SYS_getgid);
}
gid_t
kh_getegid(void)
{
	return (gid_t)KH_CALL0(KH_SYS_getegid);
}

int
kh_kill(pid_t pid, int darwin_signum)
{
	uint64_t a[3] = {(uint64_t)(int64_t)pid, (uint64_t)darwin_signum, 1};
	return (int)kh_do(KH_SYS_kill, a, 3, NULL, 0);
}

int
kh_getlogin_r(char *buf, size_t len)
{
	uint64_t a[2] = {(uint64_t)(uintptr_t)buf, len};
	struct kh_region r = {buf, len, KHSC_R_OUT};
	return (int)kh_do(KH_SYS_getlogin, a, 2, &r, len && len <= KHSC_MAX_REGION ? 1 : 0);
}

int
kh_setlogin(const char *name)
{
	uint64_t a[1] = {(uint64_t)(uintptr_t)name};
	struct kh_region r = {name, 0, KHSC_R_IN};
	size_t len = name != NULL ? strnlen(name, 256) : 0;

	r.len = len + 1;
	return (int)kh_do(KH_SYS_setlogin, a, 1, &r, name != NULL && len < 256 ? 1 : 0);
}

int
kh_close(int fd)
{
	uint64_t a[1] = {(uint64_t)(int64_t)fd};
	return (int)kh_do(KH_SYS_close, a, 1, NULL, 0);
}

int
kh_open(const char *path, int flags, ...)
{
	uint64_t a[3] = {(uint64_t)(uintptr_t)path, (uint64_t)kh_oflags_to_darwin(flags), 0};
	struct kh_region r = {path, 0, KHSC_R_IN};
	size_t len;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		a[2] = (uint64_t)va_arg(ap, int);
		va_end(ap);
	}
	if (path == NULL) {
		errno = EFAULT;
		return -1;
	}
	/* The path travels with the call (with its NUL); the kernel's copyinstr reads it from there. */
	len = strnlen(path, 1024);
	r.len = len + 1;
	return (int)kh_do(KH_SYS_open, a, 3, &r, len < 1024 ? 1 : 0);
}

static ssize_t
kh_rw(uint32_t number, int fd, const void *buf, size_t nbyte, int has_off, off_t offset, uint32_t dir)
{
	uint64_t a[4] = {(uint64_t)(int64_t)fd, (uint64_t)(uintptr_t)buf, nbyte, (uint64_t)offset};
	struct kh_region r = {buf, nbyte, dir};

	/* Buffers larger than a region go by address: the kernel copies them directly. */
	return (ssize_t)kh_do(number, a, has_off ? 4 : 3, &r, nbyte <= KHSC_MAX_REGION && nbyte ? 1 : 0);
}

ssize_t
kh_read(int fd, void *buf, size_t nbyte)
{
	return kh_rw(KH_SYS_read, fd, buf, nbyte, 0, 0, KHSC_R_OUT);
}

ssize_t
kh_write(int fd, const void *buf, size_t nbyte)
{
	return kh_rw(KH_SYS_write, fd, buf, nbyte, 0, 0, KHSC_R_IN);
}

ssize_t
kh_pread(int fd, void *buf, size_t nbyte, off_t offset)
{
	return kh_rw(KH_SYS_pread, fd, buf, nbyte, 1, offset, KHSC_R_OUT);
}

ssize_t
kh_pwrite(int fd, const void *buf, size_t nbyte, off_t offset)
{
	return kh_rw(KH_SYS_pwrite, fd, buf, nbyte, 1, offset, KHSC_R_IN);
}

off_t
kh_lseek(int fd, off_t offset, int whence)
{
	uint64_t a[3] = {(uint64_t)(int64_t)fd, (uint64_t)offset, (uint64_t)whence};
	return (off_t)kh_do(KH_SYS_lseek, a, 3, NULL, 0);
}

/* Darwin's ioctl encoding (sys/ioccom.h). */
#define KH_IOCPARM_MASK 0x1fffUL
#define KH_IOC_VOID 0x20000000UL
#define KH_IOC_OUT 0x40000000UL
#define KH_IOC_IN 0x80000000UL

int
kh_ioctl(int fd, unsigned long request, ...)
{
	uint64_t a[3] = {(uint64_t)(int64_t)fd, request & 0xffffffffUL, 0};
	struct kh_region r = {0};
	size_t len = (request >> 16) & KH_IOCPARM_MASK;
	unsigned int nr = 0;
	void *arg;
	va_list ap;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	a[2] = (uint64_t)(uintptr_t)arg;
	/* The argument travels by its encoded size and direction: no extra trip for copyin/copyout. */
	if (len != 0 && (request & (KH_IOC_IN | KH_IOC_OUT)) && arg != NULL) {
		r.addr = arg;
		r.len = len;
		r.flags = ((request & KH_IOC_IN) ? KHSC_R_IN : 0) | ((request & KH_IOC_OUT) ? KHSC_R_OUT : 0);
		nr = 1;
	}
	return (int)kh_do(KH_SYS_ioctl, a, 3, &r, nr);
}

/* ---- translations --------------------------------------------------------- */

int
kh_oflags_to_darwin(int f)
{
	int d = f & O_ACCMODE; /* O_RDONLY/O_WRONLY/O_RDWR are 0/1/2 on both */

	if (f & O_NONBLOCK)
		d |= 0x0004;
	if (f & O_APPEND)
		d |= 0x0008;
	if (f & O_CREAT)
		d |= 0x0200;
	if (f & O_TRUNC)
		d |= 0x0400;
	if (f & O_EXCL)
		d |= 0x0800;
	if (f & O_NOCTTY)
		d |= 0x20000;
	if (f & O_DIRECTORY)
		d |= 0x100000;
	if (f & O_CLOEXEC)
		d |= 0x1000000;
	return d;
}

int
kh_errno_from_darwin(int e)
{
	/* 1..34 mean the same on both systems. */
	static const int map[] = {
	        [35] = EAGAIN,          [36] = EINPROGRESS,     [37] = EALREADY,         [38] = ENOTSOCK,
	        [39] = EDESTADDRREQ,    [40] = EMSGSIZE,        [41] = EPROTOTYPE,       [42] = ENOPROTOOPT,
	        [43] = EPROTONOSUPPORT, [44] = ESOCKTNOSUPPORT, [45] = ENOTSUP,          [46] = EPFNOSUPPORT,
	        [47] = EAFNOSUPPORT,    [48] = EADDRINUSE,      [49] = EADDRNOTAVAIL,    [50] = ENETDOWN,
	        [51] = ENETUNREACH,     [52] = ENETRESET,       [53] = ECONNABORTED,     [54] = ECONNRESET,
	        [55] = ENOBUFS,         [56] = EISCONN,         [57] = ENOTCONN,         [58] = ESHUTDOWN,
	        [59] = ETOOMANYREFS,    [60] = ETIMEDOUT,       [61] = ECONNREFUSED,     [62] = ELOOP,
	        [63] = ENAMETOOLONG,    [64] = EHOSTDOWN,       [65] = EHOSTUNREACH,     [66] = ENOTEMPTY,
	        [67] = EUSERS,          [68] = EUSERS,          [69] = EDQUOT,           [70] = ESTALE,
	        [71] = EREMOTE,         [77] = ENOLCK,          [78] = ENOSYS,           [84] = EOVERFLOW,
	        [89] = ECANCELED,       [90] = EIDRM,           [91] = ENOMSG,           [92] = EILSEQ,
	        [93] = ENODATA,         [94] = EBADMSG,         [95] = EMULTIHOP,        [96] = ENODATA,
	        [97] = ENOLINK,         [98] = ENOSR,           [99] = ENOSTR,           [100] = EPROTO,
	        [101] = ETIME,          [102] = EOPNOTSUPP,     [104] = ENOTRECOVERABLE, [105] = EOWNERDEAD,
	};

	if (e >= 1 && e <= 34)
		return e;
	if (e == -1) /* ERESTART escaping a kernel that did not restart: the call was interrupted */
		return EINTR;
	if (e > 34 && (size_t)e < sizeof(map) / sizeof(map[0]) && map[e] != 0)
		return map[e];
	return EIO;
}

/*
 * One request and its reply, with the lock held: through the ring when
 * use_ring and it fits (a reply the kernel kept because it was too big for
 * the ring is fetched over the socket: the call has run and must not run
 * again), else over the socket. The reply's bytes are at *src (*src_len of
 * them): in the ring, or in *big, malloc'ed, which the caller frees. 0 or
 * an errno; *status is the header status.
 */
static int
kh_exchange_locked(uint32_t type, const void *payload, size_t len, bool use_ring, const void **src,
                   size_t *src_len, void **big, uint32_t *status)
{
	struct khsc_shm *r = kh.ring;
	int err;

	*src = NULL;
	*src_len = 0;
	*big = NULL;
	*status = 0;
	if (r != NULL && use_ring && len <= KHSC_SHM_AREA) {
		memcpy(r->req, payload, len);
		r->req_len = (uint32_t)len;
		r->req_type = type;
		if (kh_ring_post_and_wait(r) != 0)
			return ECONNRESET;
		*status = r->rep_status;
		if (*status != KHSC_SHM_PENDING) {
			if (r->rep_len > KHSC_SHM_AREA)
				return EPROTO;
			*src = r->rep;
			*src_len = r->rep_len;
			return 0;
		}
		type = KHRQ_T_PENDING_REPLY;
		payload = NULL;
		len = 0;
	}
	if (r != NULL)
		kh_ring_divert(); /* this message comes on the socket */
	err = khrq_call(kh.fd, type, payload, len, big, src_len, status);
	*src = *big;
	return err;
}

int
kh_request(uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len, uint32_t *status)
{
	const void *src = NULL;
	void *big = NULL;
	size_t n = 0;
	int err;

	*reply = NULL;
	*reply_len = 0;
	*status = 0;
	pthread_mutex_lock(&kh.lock);
	err = kh_connect_locked();
	/* Only Mach traps take the ring here; kh_request_small takes it for anything small. */
	if (err == 0)
		err = kh_exchange_locked(type, payload, len, type == KHRQ_T_MACH_TRAP, &src, &n, &big,
		                         status);
	if (err == 0 && *status == 0) {
		if (src == big) { /* already the caller's copy */
			*reply = big;
			big = NULL;
		} else if ((*reply = malloc(n ? n : 1)) == NULL) {
			err = ENOMEM;
		} else {
			memcpy(*reply, src, n);
		}
		*reply_len = n;
	}
	pthread_mutex_unlock(&kh.lock);
	free(big);
	return err;
}

int
kh_request_small(uint32_t type, const void *payload, size_t len, void *reply, size_t *reply_len,
                 uint32_t *status)
{
	const void *src = NULL;
	void *big = NULL;
	size_t n = 0;
	int err;

	*status = 0;
	pthread_mutex_lock(&kh.lock);
	err = kh_connect_locked();
	if (err == 0)
		err = kh_exchange_locked(type, payload, len, true, &src, &n, &big, status);
	if (err == 0 && *status == 0) {
		if (n > *reply_len) {
			err = EMSGSIZE;
		} else {
			if (n > 0)
				memcpy(reply, src, n);
			*reply_len = n;
		}
	}
	pthread_mutex_unlock(&kh.lock);
	free(big);
	return err;
}

int
kh_request_fd(uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len,
              uint32_t *status, int *fd)
{
	int err;

	*reply = NULL;
	*reply_len = 0;
	*status = 0;
	*fd = -1;
	pthread_mutex_lock(&kh.lock);
	err = kh_connect_locked();
	if (err == 0) {
		/* A descriptor only travels on the socket: never the ring. */
		if (kh.ring != NULL)
			kh_ring_divert();
		err = khrq_call_fd(kh.fd, type, payload, len, reply, reply_len, status, fd);
	}
	pthread_mutex_unlock(&kh.lock);
	return err;
}
