/*
 * kern_request.c — the request channel's server: the kernel's door for user
 * processes (today the kext tools; later every system call).
 *
 * One kernel thread accepts connections on <root>/var/run/kexthost.sock and
 * queues them; a fixed pool of worker threads takes one connection each and
 * serves its requests in order until the client closes it. Messages are
 * framed as documented in sdk/User/kexthost/request.h: the worker reads the
 * header packet, checks every field, gathers the continuation packets into
 * one payload, hands it to the handler for its type, and sends the reply in
 * the same framing. Any framing error ends that client's connection with a
 * logged reason; the kernel itself never trusts a length it has not checked.
 *
 * Shutdown: shutting a socket down wakes the thread blocked on it, so
 * kern_request_shutdown() shuts down the listener and every live connection,
 * then waits for the threads to notice and exit. A worker closes its own
 * connection after taking it off the active list, and the listener is closed
 * only once the acceptor has exited, so no descriptor number is ever used
 * after it was closed (and perhaps reused).
 *
 * Locking: kreq_lock protects the queue, the active list and the counters;
 * it is never held across socket I/O or a handler.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "bsd/kern/subr_log.h"
#include "bsd/kern/kern_request.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"
#include "iokit/Kernel/IOUserRequest.h"
#include "sdk/User/kexthost/iokit_request.h"
#include "sdk/User/kexthost/mach_trap.h"
#include "sdk/User/kexthost/iokit_call.h"
#include "osfmk/kern/watchdog.h"

#define KREQ_WORKERS 4         /* workers started at boot */
#define KREQ_WORKERS_MAX 1100  /* more start on demand, one per busy connection, up to this */
#define KREQ_QUEUE_MAX 64      /* waiting connections once no more workers may start */
#define KREQ_STOP_WAIT_MS 5000 /* how long shutdown waits for busy handlers */

struct kreq_conn {
	int fd;
	struct kreq_peer peer;
	struct kreq_conn *next;
};

static struct {
	lck_grp_t *grp;
	lck_mtx_t *lock;
	int lfd;
	int running;          /* threads started and not told to stop */
	int stopping;         /* shutdown in progress or done */
	unsigned int threads; /* live server threads (acceptor + workers) */
	unsigned int queued;
	unsigned int idle;                         /* workers waiting for a connection */
	unsigned int workers;                      /* workers started */
	struct kreq_conn *queue_head, *queue_tail; /* waiting for a worker */
	struct kreq_conn *active;                  /* being served */
	char path[PATH_MAX];
} kreq = {.lfd = -1};

/* Read without the lock by threads blocked in socket calls; written under it. */
static inline int
kreq_is_stopping(void)
{
	return __atomic_load_n(&kreq.stopping, __ATOMIC_ACQUIRE);
}

/* ---- buffers -------------------------------------------------------------- */

int
kreq_buf_append(struct kreq_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (b->len + n > KHRQ_MAX_PAYLOAD || b->len + n < b->len)
		return ENOMEM;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *nd;

		while (cap < b->len + n)
			cap *= 2;
		nd = kalloc(cap);
		if (nd == NULL)
			return ENOMEM;
		if (b->len != 0)
			memcpy(nd, b->data, b->len);
		if (b->data != NULL)
			kfree(b->data, b->cap);
		b->data = nd;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

void
kreq_buf_free(struct kreq_buf *b)
{
	if (b->data != NULL)
		kfree(b->data, b->cap);
	b->data = NULL;
	b->len = b->cap = 0;
	if (b->has_fd)
		(void)khost_close(b->fd);
	b->has_fd = false;
}

/* The reply the calling thread is building for a socket client (descriptors may ride on it). */
static __thread struct kreq_buf *kreq_fd_target;

struct kreq_buf *
kreq_reply_set_fd_target(struct kreq_buf *reply)
{
	struct kreq_buf *old = kreq_fd_target;

	kreq_fd_target = reply;
	return old;
}

int
kreq_reply_attach_fd(int fd)
{
	struct kreq_buf *b = kreq_fd_target;

	if (b == NULL)
		return ENOTSUP;
	if (b->has_fd)
		return EBUSY;
	b->has_fd = true;
	b->fd = fd;
	return 0;
}

/* ---- dispatch ------------------------------------------------------------- */

static int
kreq_ping(const struct kreq_peer *peer, const void *payload, size_t len, struct kreq_buf *reply)
{
	return kreq_buf_append(reply, payload, len);
}

static const struct {
	uint32_t type;
	kreq_handler_t fn;
} kreq_handlers[] = {
        {KHRQ_T_PING, kreq_ping},
        {KHRQ_T_KEXT_REQUEST, kext_request_handle},
        {KHRQ_T_SYSCALL, syscall_request_handle},
        {KHRQ_T_SHM_SETUP, syscall_shm_setup_handle},
        {KHRQ_T_MACH_TRAP, mach_trap_request_handle},
        {KHRQ_T_MACH_NOTIFY_FD, mach_notify_fd_request_handle},
        {KHRQ_T_PENDING_REPLY, syscall_shm_pending_handle},
        {KHRQ_T_IOREG_DUMP, ioreg_dump_request_handle},
        {KHRQ_T_IODEVICE, iovbus_request_handle},
        {KHRQ_T_IOCONNECT_CALL, iouc_call_request_handle},
};

void
kern_request_dispatch(const struct kreq_peer *peer, uint32_t type, const void *payload, size_t len,
                      struct kreq_buf *reply, uint32_t *status)
{
	*status = ENOTSUP;
	for (unsigned int i = 0; i < sizeof(kreq_handlers) / sizeof(kreq_handlers[0]); i++) {
		if (kreq_handlers[i].type != type)
			continue;
		int err = kreq_handlers[i].fn(peer, payload, len, reply);
		if (err != 0)
			kreq_buf_free(reply);
		*status = (uint32_t)err;
		return;
	}
}

/* ---- log capture ---------------------------------------------------------- */

uint64_t
kreq_log_mark(void)
{
	log_flush_line();
	return log_record_count();
}

struct kreq_log_ctx {
	uint64_t mark;
	uint64_t tid;
	char *buf;
	size_t len, max;
};

/* Runs under the log's spin lock: copy only, never allocate or print. */
static void
kreq_log_record(const struct msgbuf_record *rec, const char *text, void *arg)
{
	struct kreq_log_ctx *c = arg;
	size_t n = rec->text_len;

	if (rec->seq < c->mark || rec->tid != c->tid || c->len >= c->max)
		return;
	if (n > c->max - c->len)
		n = c->max - c->len;
	memcpy(c->buf + c->len, text, n);
	c->len += n;
	if (!(rec->flags & MSGBUF_RF_CONT) && c->len < c->max)
		c->buf[c->len++] = '\n';
}

int
kreq_log_collect(uint64_t mark, size_t max, struct kreq_buf *out)
{
	struct kreq_log_ctx c = {.mark = mark, .tid = khost_thread_id(), .max = max};
	int err;

	if (max == 0)
		return 0;
	log_flush_line();
	c.buf = kalloc(max);
	if (c.buf == NULL)
		return ENOMEM;
	log_iterate(kreq_log_record, &c);
	err = kreq_buf_append(out, c.buf, c.len);
	kfree(c.buf, max);
	return err;
}

/* ---- framing -------------------------------------------------------------- */

/* Send one message; sendfd >= 0 rides on its first packet (SCM_RIGHTS). */
static int
kreq_send_message(int fd, const struct khrq_header *h, const void *payload, int sendfd)
{
	char *pkt;
	size_t first, off;
	int err;

	pkt = kalloc(KHRQ_MAX_PACKET);
	if (pkt == NULL)
		return ENOMEM;
	first = h->payload_len;
	if (first > KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE)
		first = KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE;
	memcpy(pkt, h, KHRQ_HEADER_SIZE);
	if (first != 0)
		memcpy(pkt + KHRQ_HEADER_SIZE, payload, first);
	if (sendfd >= 0)
		err = khost_sock_send_fd(fd, pkt, KHRQ_HEADER_SIZE + first, sendfd);
	else
		err = khost_sock_send(fd, pkt, KHRQ_HEADER_SIZE + first);
	kfree(pkt, KHRQ_MAX_PACKET);
	for (off = first; err == 0 && off < h->payload_len;) {
		size_t n = h->payload_len - off;
		if (n > KHRQ_MAX_PACKET)
			n = KHRQ_MAX_PACKET;
		err = khost_sock_send(fd, (const char *)payload + off, n);
		off += n;
	}
	return err;
}

/*
 * Read one message into *hdr and a fresh kalloc'd payload (*payload, NULL
 * when empty; free with kfree(*payload, hdr->payload_len)). Returns 0, -1
 * when the client closed the connection cleanly between messages, or a
 * Darwin errno with `why` describing a framing error.
 */
static int
kreq_recv_message(int fd, char *pkt, struct khrq_header *hdr, char **payload, const char **why)
{
	size_t n, first, off;
	char *p = NULL;
	int err;

	*payload = NULL;
	*why = NULL;
	err = khost_sock_recv(fd, pkt, KHRQ_MAX_PACKET, &n);
	if (err == EMSGSIZE) {
		*why = "packet larger than the maximum";
		return err;
	}
	if (err != 0) {
		*why = "receive failed";
		return err;
	}
	if (n == 0)
		return -1;
	if (n < KHRQ_HEADER_SIZE) {
		*why = "message shorter than its header";
		return EBADMSG;
	}
	memcpy(hdr, pkt, KHRQ_HEADER_SIZE);
	if (hdr->magic != KHRQ_MAGIC) {
		*why = "bad magic";
		return EBADMSG;
	}
	if (hdr->version != KHRQ_VERSION || hdr->hdr_size != KHRQ_HEADER_SIZE) {
		*why = "unsupported protocol version";
		return EBADMSG;
	}
	if (hdr->flags != 0 || hdr->status != 0) {
		*why = "reply flags or status set in a request";
		return EBADMSG;
	}
	if (hdr->payload_len > KHRQ_MAX_PAYLOAD) {
		*why = "payload longer than the maximum";
		return EMSGSIZE;
	}
	first = hdr->payload_len;
	if (first > KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE)
		first = KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE;
	if (n != KHRQ_HEADER_SIZE + first) {
		*why = "first packet's length does not match the payload length";
		return EBADMSG;
	}
	if (hdr->payload_len == 0)
		return 0;
	p = kalloc(hdr->payload_len);
	if (p == NULL) {
		*why = "no memory for the payload";
		return ENOMEM;
	}
	memcpy(p, pkt + KHRQ_HEADER_SIZE, first);
	for (off = first; off < hdr->payload_len; off += n) {
		size_t want = hdr->payload_len - off;
		if (want > KHRQ_MAX_PACKET)
			want = KHRQ_MAX_PACKET;
		err = khost_sock_recv(fd, p + off, want, &n);
		if (err == 0 && n != want) {
			*why = n == 0 ? "client closed in the middle of a message"
			              : "continuation packet of the wrong length";
			err = EBADMSG;
		} else if (err == EMSGSIZE) {
			*why = "continuation packet longer than the rest of the payload";
		} else if (err != 0) {
			*why = "receive failed";
		}
		if (err != 0) {
			kfree(p, hdr->payload_len);
			return err;
		}
	}
	*payload = p;
	return 0;
}

/* Serve one connection until the client closes it or breaks the framing. */
static void
kreq_serve(struct kreq_conn *c)
{
	struct khrq_header hdr, rh;
	struct kreq_buf reply = {0};
	const char *why;
	char *payload;
	uint32_t status;
	char *pkt;
	proc_t p;
	int err;

	pkt = kalloc(KHRQ_MAX_PACKET);
	if (pkt == NULL) {
		printf("kern_request: no memory to serve pid %d\n", c->peer.pid);
		return;
	}
	/* The connection is a process from here until it ends. */
	err = proc_attach(c->peer.pid, c->peer.uid, c->peer.gid, c->fd, &p);
	if (err == 0) {
		lck_mtx_lock(kreq.lock); /* kern_request_shutdown reads it under the lock */
		c->peer.proc = p;
		lck_mtx_unlock(kreq.lock);
	}
	if (err != 0) {
		printf("kern_request: cannot make a process for pid %d (error %d)\n", c->peer.pid, err);
		kfree(pkt, KHRQ_MAX_PACKET);
		return;
	}
	for (;;) {
		err = kreq_recv_message(c->fd, pkt, &hdr, &payload, &why);
		if (err == -1)
			break;
		if (err != 0) {
			/* A shutdown in progress also ends receives: that is no client error. */
			if (!kreq_is_stopping())
				printf("kern_request: client pid %d (uid %u): %s (error %d); closing the "
				       "connection\n",
				       c->peer.pid, c->peer.uid, why, err);
			break;
		}
		(void)kreq_reply_set_fd_target(&reply);
		kern_request_dispatch(&c->peer, hdr.type, payload, hdr.payload_len, &reply, &status);
		(void)kreq_reply_set_fd_target(NULL);
		if (payload != NULL)
			kfree(payload, hdr.payload_len);
		if (status == KREQ_MALFORMED) {
			printf("kern_request: client pid %d (uid %u): malformed request of type %u; closing "
			       "the "
			       "connection\n",
			       c->peer.pid, c->peer.uid, hdr.type);
			break;
		}
		rh = hdr;
		rh.flags = KHRQ_F_REPLY;
		rh.status = status;
		rh.payload_len = (uint32_t)reply.len;
		err = kreq_send_message(c->fd, &rh, reply.data, reply.has_fd ? reply.fd : -1);
		kreq_buf_free(&reply);
		if (err != 0) {
			if (!kreq_is_stopping())
				printf("kern_request: client pid %d: cannot send the reply (error %d); "
				       "closing the connection\n",
				       c->peer.pid, err);
			break;
		}
		/* With a shared ring set up, calls come through it; the socket carries only what does not fit. */
		if (p->p_shm != NULL && !kreq_is_stopping() && syscall_shm_serve(&c->peer) == 0)
			break;
	}
	kfree(pkt, KHRQ_MAX_PACKET);
	/* Close everything the client held (d_close, control sockets) before its socket goes. */
	lck_mtx_lock(kreq.lock);
	c->peer.proc = NULL;
	lck_mtx_unlock(kreq.lock);
	syscall_shm_teardown(p);
	proc_exit(p);
}

/* ---- threads -------------------------------------------------------------- */

static void
kreq_thread_exit(void)
{
	lck_mtx_lock(kreq.lock);
	kreq.threads--;
	if (kreq.threads == 0)
		wakeup(&kreq.threads);
	lck_mtx_unlock(kreq.lock);
}

static void
kreq_worker(void *arg, wait_result_t wr)
{
	struct kreq_conn *c, **pp;

	for (;;) {
		lck_mtx_lock(kreq.lock);
		kreq.idle++;
		watchdog_idle_wait(1);
		while (kreq.queue_head == NULL && !kreq.stopping)
			msleep(&kreq.queue_head, kreq.lock, 0, "kreq_idle", NULL);
		watchdog_idle_wait(0);
		kreq.idle--;
		if (kreq.stopping) {
			lck_mtx_unlock(kreq.lock);
			break;
		}
		c = kreq.queue_head;
		kreq.queue_head = c->next;
		if (kreq.queue_head == NULL)
			kreq.queue_tail = NULL;
		kreq.queued--;
		c->next = kreq.active;
		kreq.active = c;
		lck_mtx_unlock(kreq.lock);

		kreq_serve(c);

		lck_mtx_lock(kreq.lock);
		for (pp = &kreq.active; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == c) {
				*pp = c->next;
				break;
			}
		}
		lck_mtx_unlock(kreq.lock);
		khost_close(c->fd);
		kfree(c, sizeof(*c));
	}
	kreq_thread_exit();
}

static void kreq_worker(void *arg, wait_result_t wr);
static int kreq_start_thread(thread_continue_t fn, const char *name);

static void
kreq_acceptor(void *arg, wait_result_t wr)
{
	struct khost_peer peer;
	struct kreq_conn *c;
	int fd, err, lfd = kreq.lfd;

	watchdog_idle_wait(1);

	for (;;) {
		err = khost_unix_accept(lfd, &fd, &peer);
		if (kreq_is_stopping()) {
			if (err == 0)
				khost_close(fd);
			break;
		}
		if (err != 0) {
			/* Out of descriptors or memory: say so, back off, keep serving. */
			printf("kern_request: accept failed (error %d)\n", err);
			lck_mtx_lock(kreq.lock);
			struct timespec ts = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
			msleep(&kreq.lfd, kreq.lock, 0, "kreq_backoff", &ts);
			lck_mtx_unlock(kreq.lock);
			continue;
		}
		c = kalloc(sizeof(*c));
		if (c == NULL) {
			printf("kern_request: no memory for a connection from pid %d\n", peer.pid);
			khost_close(fd);
			continue;
		}
		c->fd = fd;
		c->peer.pid = peer.pid;
		c->peer.uid = peer.uid;
		c->peer.gid = peer.gid;
		c->next = NULL;
		lck_mtx_lock(kreq.lock);
		if (kreq.stopping || (kreq.queued >= KREQ_QUEUE_MAX && kreq.workers >= KREQ_WORKERS_MAX)) {
			int busy = !kreq.stopping;
			lck_mtx_unlock(kreq.lock);
			if (busy)
				printf("kern_request: too many waiting clients; refusing pid %d\n", peer.pid);
			khost_close(fd);
			kfree(c, sizeof(*c));
			continue;
		}
		if (kreq.queue_tail != NULL)
			kreq.queue_tail->next = c;
		else
			kreq.queue_head = c;
		kreq.queue_tail = c;
		kreq.queued++;
		wakeup_one((caddr_t)&kreq.queue_head);
		/* Every worker serves one connection until it ends: add one when none is free. */
		int grow = kreq.idle < kreq.queued && kreq.workers < KREQ_WORKERS_MAX;
		lck_mtx_unlock(kreq.lock);
		if (grow && kreq_start_thread(kreq_worker, "kern_request.worker") != 0)
			printf("kern_request: cannot start another worker; pid %d waits\n", peer.pid);
	}
	kreq_thread_exit(); /* kern_request_shutdown closes the listener */
}

static int
kreq_start_thread(thread_continue_t fn, const char *name)
{
	thread_t th;

	lck_mtx_lock(kreq.lock);
	kreq.threads++;
	if (fn == kreq_worker)
		kreq.workers++;
	lck_mtx_unlock(kreq.lock);
	if (kernel_thread_start(fn, NULL, &th) != KERN_SUCCESS) {
		if (fn == kreq_worker) {
			lck_mtx_lock(kreq.lock);
			kreq.workers--;
			lck_mtx_unlock(kreq.lock);
		}
		kreq_thread_exit();
		return ENOMEM;
	}
	thread_set_thread_name(th, name);
	thread_deallocate(th);
	return 0;
}

/* ---- start and stop ------------------------------------------------------- */

const char *
kern_request_socket_path(void)
{
	return kreq.running ? kreq.path : "";
}

int
kern_request_init(const char *root)
{
	int err, n;

	/* Processes and the system call table exist with or without a socket (kernel tests use them). */
	err = proc_init();
	if (err == 0)
		err = syscall_init();
	if (err != 0)
		printf("kern_request: process layer: error %d\n", err);
	if (root == NULL || kreq.running)
		return 0;
	if (kreq.lock == NULL) {
		kreq.grp = lck_grp_alloc_init("kern_request", NULL);
		kreq.lock = lck_mtx_alloc_init(kreq.grp, NULL);
		if (kreq.grp == NULL || kreq.lock == NULL)
			return ENOMEM;
	}
	n = snprintf(kreq.path, sizeof(kreq.path), "%s/%s", root, KHRQ_SOCKET_PATH);
	if (n < 0 || (size_t)n >= sizeof(kreq.path))
		return ENAMETOOLONG;
	err = khost_unix_listen(kreq.path, &kreq.lfd);
	if (err != 0) {
		printf("kern_request: cannot listen on %s (error %d)\n", kreq.path, err);
		return err;
	}
	__atomic_store_n(&kreq.stopping, 0, __ATOMIC_RELEASE);
	kreq.running = 1;
	err = kreq_start_thread(kreq_acceptor, "kern_request.accept");
	for (int i = 0; err == 0 && i < KREQ_WORKERS; i++)
		err = kreq_start_thread(kreq_worker, "kern_request.worker");
	if (err != 0) {
		printf("kern_request: cannot start the server threads (error %d)\n", err);
		kern_request_shutdown();
		return err;
	}
	printf("kern_request: listening on %s\n", kreq.path);
	return 0;
}

void
kern_request_shutdown(void)
{
	struct kreq_conn *c, *queued;
	uint64_t deadline;

	if (kreq.lock == NULL) {
		proc_shutdown();
		return;
	}
	lck_mtx_lock(kreq.lock);
	if (!kreq.running || kreq.stopping) {
		lck_mtx_unlock(kreq.lock);
		proc_shutdown();
		return;
	}
	__atomic_store_n(&kreq.stopping, 1, __ATOMIC_RELEASE);
	khost_sock_shutdown(kreq.lfd); /* wakes the acceptor, which then exits */
	for (c = kreq.active; c != NULL; c = c->next) {
		khost_sock_shutdown(c->fd); /* each worker wakes and closes its own */
		if (c->peer.proc != NULL)
			proc_mark_exiting(c->peer.proc); /* and a call asleep in a kext ends (PCATCH) */
	}
	queued = kreq.queue_head;
	kreq.queue_head = kreq.queue_tail = NULL;
	kreq.queued = 0;
	wakeup(&kreq.queue_head);
	deadline = khost_uptime_ns() + (uint64_t)KREQ_STOP_WAIT_MS * 1000 * 1000;
	while (kreq.threads != 0 && khost_uptime_ns() < deadline) {
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};
		msleep(&kreq.threads, kreq.lock, 0, "kreq_stop", &ts);
	}
	if (kreq.threads != 0) {
		/* Leave the listener open rather than pull it from under a thread. */
		printf("kern_request: %u server threads still busy at shutdown\n", kreq.threads);
	} else {
		khost_close(kreq.lfd);
		kreq.workers = 0;
	}
	kreq.lfd = -1;
	kreq.running = 0;
	lck_mtx_unlock(kreq.lock);
	while (queued != NULL) {
		c = queued;
		queued = c->next;
		khost_close(c->fd);
		kfree(c, sizeof(*c));
	}
	proc_shutdown();
	printf("kern_request: stopped\n");
}
