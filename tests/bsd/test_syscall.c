/*
 * test_syscall.c — the boundary core in the kernel: the syscall message
 * decoder (every malformed shape refused, a valid one split right), dispatch
 * by Darwin number through kern_request_dispatch (identity calls from the
 * connection's credential, ENOSYS, malformed → close, no process → EPERM),
 * carried regions (copyin served from the message, copyout returned in the
 * reply, ordering across a gap), copyin/copyout/copyinstr on real memory via
 * process_vm_readv/writev with EFAULT for unmapped, protected and wrapping
 * addresses, the descriptor table (lowest free fd, EMFILE at the limit,
 * fo_close exactly once, deferred while an I/O reference is held, all closed
 * at exit, concurrent lookups racing a close), uio, the proc/kauth KPIs, and
 * a PCATCH sleep of a call ended with EINTR when its client dies.
 *
 * The "client" here is the test process itself attached as a process (its
 * own pid), so process_vm_* really crosses into memory the kernel reads as a
 * user's; tests/syscalls.sh does the same from separate processes.
 */
#include "tests/ktest.h"
#include <string.h>
#include <sys/errno.h>
#include <sys/uio.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <kern/kalloc.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "bsd/kern/kern_request.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/file_internal.h"
#include "bsd/sys/syscall_internal.h"

#define KT_SYS_ECHO 559 /* test-only: copyin(src, len) then copyout(dst) */
#define KT_SYS_GAP 558  /* test-only: two copyouts with a gap in one OUT region */

struct echo_args {
	SYSARG(user_addr_t, src);
	SYSARG(user_addr_t, dst);
	SYSARG(user_size_t, len);
};

static int
kt_echo(proc_t p, struct echo_args *uap, user_ssize_t *retval)
{
	char buf[256];
	int err;

	if (uap->len > sizeof(buf))
		return EINVAL;
	if (current_proc() != p)
		return ESRCH;
	err = copyin(uap->src, buf, uap->len);
	if (err == 0)
		err = copyout(buf, uap->dst, uap->len);
	*retval = (user_ssize_t)uap->len;
	return err;
}
SYSCALL_REGISTER(KT_SYS_ECHO, kt_echo, 3, 0);

static int
kt_gap(proc_t p, struct echo_args *uap, user_ssize_t *retval)
{
	char check[4];
	int err = copyout("AA", uap->dst, 2);
	if (err == 0)
		err = copyout("BB", uap->dst + 6, 2);
	/* Reading back sees both writes, through the flush and the buffer. */
	if (err == 0)
		err = copyin(uap->dst, check, 2);
	if (err == 0 && memcmp(check, "AA", 2) != 0)
		err = EIO;
	return err;
}
SYSCALL_REGISTER(KT_SYS_GAP, kt_gap, 3, 0);

/* ---- message building --------------------------------------------------- */

struct msg {
	char b[1024];
	size_t len;
};

static void
msg_start(struct msg *m, uint32_t number, unsigned int nargs, const uint64_t *args, unsigned int nregions)
{
	struct khsc_request r;

	memset(&r, 0, sizeof(r));
	r.number = number;
	r.nargs = (uint16_t)nargs;
	r.nregions = (uint16_t)nregions;
	for (unsigned int i = 0; i < nargs; i++)
		r.args[i] = args[i];
	memcpy(m->b, &r, sizeof(r));
	m->len = sizeof(r);
}

static void
msg_add(struct msg *m, const void *p, size_t n)
{
	ck_assert_uint_le(m->len + n, sizeof(m->b));
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void
msg_region(struct msg *m, const void *addr, uint32_t len, uint32_t flags)
{
	struct khsc_region r = {(uint64_t)(uintptr_t)addr, len, flags};
	msg_add(m, &r, sizeof(r));
}

static proc_t
attach_self(uid_t uid, gid_t gid)
{
	proc_t p = NULL;
	ck_assert_int_eq(proc_attach(khost_getpid(), uid, gid, -1, &p), 0);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* Send m as p; returns the reply header's status; *rh / out bytes from the reply. */
static uint32_t
call(proc_t p, struct msg *m, struct khsc_reply *rh, struct kreq_buf *reply)
{
	struct kreq_peer peer = {.pid = p != NULL ? p->p_pid : 1, .uid = 0, .gid = 0, .proc = p};
	uint32_t status = 99;

	memset(reply, 0, sizeof(*reply));
	kern_request_dispatch(&peer, KHRQ_T_SYSCALL, m->b, m->len, reply, &status);
	if (status == 0) {
		ck_assert_uint_ge(reply->len, sizeof(*rh));
		memcpy(rh, reply->data, sizeof(*rh));
	}
	return status;
}

/* ---- decoder ------------------------------------------------------------- */

START_TEST(decoder_refuses_malformed_messages)
{
	struct khsc_decoded d;
	const char *why;
	struct msg m;
	uint64_t a[1] = {0};
	char data[8] = "abcdefg";

	ck_assert_int_eq(khsc_decode(NULL, 0, &d, &why), EBADMSG);
	msg_start(&m, 20, 0, a, 0);
	ck_assert_int_eq(khsc_decode(m.b, m.len - 1, &d, &why), EBADMSG);
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), 0);
	ck_assert_int_eq(khsc_decode(m.b, m.len + 1, &d, &why), EBADMSG); /* trailing byte */

	msg_start(&m, 20, 0, a, 0);
	((struct khsc_request *)m.b)->nargs = KHSC_MAXARGS + 1;
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), EBADMSG);
	ck_assert_ptr_nonnull(why);

	msg_start(&m, 20, 0, a, KHSC_MAXREGIONS + 1);
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), EBADMSG);

	msg_start(&m, 20, 0, a, 1); /* region list missing */
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), EBADMSG);

	msg_start(&m, 20, 0, a, 1);
	msg_region(&m, data, 4, 0); /* no direction */
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), EBADMSG);

	msg_start(&m, 20, 0, a, 1);
	msg_region(&m, data, 4, 0x10);
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), EBADMSG);

	msg_start(&m, 20, 0, a, 1);
	msg_region(&m, data, KHSC_MAX_REGION + 1, KHSC_R_OUT);
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), EBADMSG);

	msg_start(&m, 20, 0, a, 1);
	msg_region(&m, (void *)(uintptr_t)(~0ULL - 2), 8, KHSC_R_OUT); /* wraps */
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), EBADMSG);

	msg_start(&m, 20, 0, a, 1);
	msg_region(&m, data, 4, KHSC_R_IN);
	msg_add(&m, data, 3); /* one IN byte short */
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), EBADMSG);
	msg_add(&m, data, 2); /* one too many */
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), EBADMSG);

	/* A good one: two regions, IN bytes located right. */
	msg_start(&m, 20, 1, a, 3);
	msg_region(&m, data, 2, KHSC_R_IN);
	msg_region(&m, data, 5, KHSC_R_OUT);
	msg_region(&m, data + 2, 3, KHSC_R_IN | KHSC_R_OUT);
	msg_add(&m, "xy", 2);
	msg_add(&m, "PQR", 3);
	ck_assert_int_eq(khsc_decode(m.b, m.len, &d, &why), 0);
	ck_assert_uint_eq(d.req.nregions, 3);
	ck_assert(memcmp(d.in[0], "xy", 2) == 0);
	ck_assert_ptr_null(d.in[1]);
	ck_assert(memcmp(d.in[2], "PQR", 3) == 0);
}
END_TEST

/* ---- dispatch ------------------------------------------------------------ */

START_TEST(identity_calls_use_the_connection_credential)
{
	struct khsc_reply rh;
	struct kreq_buf reply;
	proc_t p = attach_self(1234, 99);
	struct msg m;
	uint64_t a[1] = {0};

	msg_start(&m, KH_SYS_getpid, 0, a, 0);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.error, 0);
	ck_assert_int_eq(rh.retval[0], khost_getpid());
	ck_assert_uint_eq(rh.nout, 0);
	ck_assert_uint_eq(reply.len, KHSC_REPLY_SIZE);
	kreq_buf_free(&reply);

	msg_start(&m, KH_SYS_getuid, 0, a, 0);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.retval[0], 1234);
	kreq_buf_free(&reply);
	msg_start(&m, KH_SYS_geteuid, 0, a, 0);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.retval[0], 1234);
	kreq_buf_free(&reply);
	msg_start(&m, KH_SYS_getgid, 0, a, 0);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.retval[0], 99);
	kreq_buf_free(&reply);

	/* An unknown number is a well-formed call: ENOSYS in the reply. */
	msg_start(&m, 400, 0, a, 0);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.error, ENOSYS);
	kreq_buf_free(&reply);
	msg_start(&m, 100000, 0, a, 0);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.error, ENOSYS);
	kreq_buf_free(&reply);

	/* Malformed: the server is told to close the connection. */
	msg_start(&m, KH_SYS_getpid, 0, a, 0);
	m.len -= 4;
	ck_assert_uint_eq(call(p, &m, &rh, &reply), KREQ_MALFORMED);
	ck_assert_uint_eq(reply.len, 0);
	m.len += 4;
	/* Only connected processes make calls. */
	ck_assert_uint_eq(call(NULL, &m, &rh, &reply), EPERM);

	ck_assert_str_eq(syscall_name(KH_SYS_close), "sys_close");
	ck_assert_str_eq(syscall_name(401), "");
	proc_exit(p);
}
END_TEST

START_TEST(regions_carry_data_both_ways)
{
	static char src[64] = "carried in the message", dst[64];
	struct khsc_reply rh;
	struct khsc_out o;
	struct kreq_buf reply;
	proc_t p = attach_self(0, 0);
	struct msg m;
	uint64_t a[3] = {(uint64_t)(uintptr_t)src, (uint64_t)(uintptr_t)dst, 23};

	/* The IN bytes in the message differ from memory: copyin must use the message's. */
	msg_start(&m, KT_SYS_ECHO, 3, a, 2);
	msg_region(&m, src, 23, KHSC_R_IN);
	msg_region(&m, dst, 64, KHSC_R_OUT);
	msg_add(&m, "CARRIED IN THE MESSAGE", 23);
	memset(dst, 0, sizeof(dst));
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.error, 0);
	ck_assert_int_eq(rh.retval[0], 23);
	ck_assert_uint_eq(rh.nout, 1);
	memcpy(&o, reply.data + KHSC_REPLY_SIZE, sizeof(o));
	ck_assert_uint_eq(o.region, 1);
	ck_assert_uint_eq(o.off, 0);
	ck_assert_uint_eq(o.len, 23);
	ck_assert(memcmp(reply.data + KHSC_REPLY_SIZE + KHSC_OUT_SIZE, "CARRIED IN THE MESSAGE", 23) == 0);
	ck_assert_uint_eq(reply.len, KHSC_REPLY_SIZE + KHSC_OUT_SIZE + 23);
	ck_assert_int_eq(dst[0], 0); /* not written directly */
	kreq_buf_free(&reply);

	/* No regions: both copies go straight to memory (process_vm_readv/writev). */
	msg_start(&m, KT_SYS_ECHO, 3, a, 0);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.error, 0);
	ck_assert_uint_eq(rh.nout, 0);
	ck_assert(memcmp(dst, "carried in the message", 23) == 0);
	kreq_buf_free(&reply);

	/* Two writes with a gap: the first is flushed to memory, the second comes back. */
	memset(dst, '.', sizeof(dst));
	msg_start(&m, KT_SYS_GAP, 3, a, 1);
	msg_region(&m, dst, 16, KHSC_R_OUT);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.error, 0);
	ck_assert(memcmp(dst, "AA....", 6) == 0);
	ck_assert_uint_eq(rh.nout, 1);
	memcpy(&o, reply.data + KHSC_REPLY_SIZE, sizeof(o));
	ck_assert_uint_eq(o.off, 6);
	ck_assert_uint_eq(o.len, 2);
	kreq_buf_free(&reply);

	/* A bad source address: EFAULT to the handler, a normal reply to the client. */
	a[0] = 8;
	msg_start(&m, KT_SYS_ECHO, 3, a, 0);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.error, EFAULT);
	kreq_buf_free(&reply);
	proc_exit(p);
}
END_TEST

/* ---- copyio on real memory ----------------------------------------------- */

START_TEST(copyio_gives_efault_never_a_crash)
{
	char *pages = NULL, k[16];
	size_t done = 99, pg = khost_page_size();

	ck_assert_int_eq(khost_vm_alloc(2 * pg, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, (void **)&pages), 0);
	ck_assert_int_eq(khost_vm_protect(pages + pg, pg, KHOST_PROT_NONE), 0);

	/* kernproc: user addresses are the kernel process's own, still checked. */
	ck_assert_ptr_eq(current_proc(), kernproc);
	ck_assert_int_eq(copyout("hi!", (user_addr_t)(uintptr_t)pages, 4), 0);
	ck_assert_str_eq(pages, "hi!");
	ck_assert_int_eq(copyin((user_addr_t)(uintptr_t)pages, k, 4), 0);
	ck_assert_str_eq(k, "hi!");
	ck_assert_int_eq(copyin(0, k, 4), EFAULT);
	ck_assert_int_eq(copyin(8, k, 4), EFAULT);
	ck_assert_int_eq(copyin((user_addr_t)(uintptr_t)(pages + pg), k, 4), EFAULT);
	ck_assert_int_eq(copyin((user_addr_t)(uintptr_t)(pages + pg - 2), k, 4), EFAULT); /* straddles */
	ck_assert_int_eq(copyout(k, (user_addr_t)(uintptr_t)(pages + pg), 1), EFAULT);
	ck_assert_int_eq(copyin(~0ULL - 1, k, 4), EFAULT); /* wraps */
	ck_assert_int_eq(copyin(0, k, 0), 0);              /* nothing to copy */

	/* copyinstr: a string ending right before an unreadable page is fine. */
	memcpy(pages + pg - 4, "abc", 4);
	ck_assert_int_eq(copyinstr((user_addr_t)(uintptr_t)(pages + pg - 4), k, sizeof(k), &done), 0);
	ck_assert_uint_eq(done, 4);
	ck_assert_str_eq(k, "abc");
	memcpy(pages + pg - 4, "abcd", 4); /* no NUL before the hole */
	ck_assert_int_eq(copyinstr((user_addr_t)(uintptr_t)(pages + pg - 4), k, sizeof(k), &done), EFAULT);
	ck_assert_int_eq(copyinstr((user_addr_t)(uintptr_t)(pages + pg - 4), k, 3, &done), ENAMETOOLONG);
	ck_assert_uint_eq(done, 3);
	ck_assert_int_eq(copyoutstr("xyz", (user_addr_t)(uintptr_t)pages, 8, &done), 0);
	ck_assert_uint_eq(done, 4);
	ck_assert_int_eq(copyoutstr("xyz", (user_addr_t)(uintptr_t)pages, 2, &done), ENAMETOOLONG);
	ck_assert_uint_eq(done, 2);
	khost_vm_free(pages, 2 * pg);
}
END_TEST

/* ---- descriptors -------------------------------------------------------- */

static int kt_closes;

static int
kt_fo_close(struct fileproc *fp, vfs_context_t ctx)
{
	__atomic_add_fetch(&kt_closes, 1, __ATOMIC_RELAXED);
	return 0;
}

static int
kt_fo_read(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx)
{
	return uiomove("0123456789", 10, uio);
}

static const struct fileops kt_ops = {.fo_type = DTYPE_VNODE, .fo_read = kt_fo_read, .fo_close = kt_fo_close};

static int
kt_open(proc_t p)
{
	struct fileproc *fp;
	int fd;

	ck_assert_int_eq(falloc(p, &fp, &fd, vfs_context_current()), 0);
	fp->f_ops = &kt_ops;
	fp->f_flag = FREAD;
	procfdtbl_releasefd(p, fd, fp);
	fp_drop(p, fd, fp, 0);
	return fd;
}

START_TEST(descriptor_table)
{
	struct fileproc *fp;
	proc_t p = attach_self(0, 0);
	int fd, err;

	kt_closes = 0;
	ck_assert_int_eq(kt_open(p), 0);
	ck_assert_int_eq(kt_open(p), 1);
	ck_assert_int_eq(kt_open(p), 2);
	ck_assert_int_eq(fp_close(p, 1, vfs_context_current()), 0);
	ck_assert_int_eq(kt_closes, 1);
	ck_assert_int_eq(fp_close(p, 1, vfs_context_current()), EBADF);
	ck_assert_int_eq(kt_open(p), 1); /* lowest free */
	ck_assert_int_eq(fp_lookup(p, 7, &fp, 0), EBADF);
	ck_assert_int_eq(fp_lookup(p, -1, &fp, 0), EBADF);

	/* Close while a call holds the file: fo_close waits for the last reference. */
	ck_assert_int_eq(fp_lookup(p, 2, &fp, 0), 0);
	ck_assert_int_eq(fp_close(p, 2, vfs_context_current()), 0);
	ck_assert_int_eq(kt_closes, 1);
	{
		struct fileproc *x;
		ck_assert_int_eq(fp_lookup(p, 2, &x, 0), EBADF); /* gone from the table at once */
	}
	fp_drop(p, 2, fp, 0);
	ck_assert_int_eq(kt_closes, 2);

	/* A reserved slot is invisible and fp_free gives it back without fo_close. */
	ck_assert_int_eq(falloc(p, &fp, &fd, vfs_context_current()), 0);
	ck_assert_int_eq(fd, 2);
	{
		struct fileproc *x;
		ck_assert_int_eq(fp_lookup(p, 2, &x, 0), EBADF);
	}
	fp_free(p, fd, fp);
	ck_assert_int_eq(kt_closes, 2);

	/* The limit. */
	for (;;) {
		err = falloc(p, &fp, &fd, vfs_context_current());
		if (err != 0)
			break;
		fp->f_ops = &kt_ops;
		fp->f_flag = FREAD;
		procfdtbl_releasefd(p, fd, fp);
		fp_drop(p, fd, fp, 0);
	}
	ck_assert_int_eq(err, EMFILE);
	ck_assert_int_eq(fd_count(p), PROC_MAXFILES);

	/* Exit closes every one exactly once. */
	kt_closes = 0;
	proc_exit(p);
	ck_assert_int_eq(kt_closes, PROC_MAXFILES);
}
END_TEST

START_TEST(close_syscall_and_read_through_fileops)
{
	struct khsc_reply rh;
	struct kreq_buf reply;
	struct fileproc *fp;
	char buf[16] = {0};
	proc_t p = attach_self(0, 0);
	uint64_t a[1] = {0};
	struct msg m;
	uio_t u;
	int fd = kt_open(p);

	ck_assert_int_eq(fp_lookup(p, fd, &fp, 0), 0);
	u = uio_create(1, 0, UIO_SYSSPACE, UIO_READ);
	ck_assert_int_eq(uio_addiov(u, (user_addr_t)(uintptr_t)buf, 4), 0);
	ck_assert_int_eq(fo_read(fp, u, 0, vfs_context_current()), 0);
	ck_assert(memcmp(buf, "0123", 4) == 0);
	ck_assert_int_eq(uio_resid(u), 0);
	ck_assert_int_eq(fo_write(fp, u, 0, vfs_context_current()), EBADF); /* opened FREAD only */
	ck_assert_int_eq(fo_ioctl(fp, 0, NULL, vfs_context_current()), ENOTTY);
	uio_free(u);
	fp_drop(p, fd, fp, 0);

	kt_closes = 0;
	a[0] = (uint64_t)fd;
	msg_start(&m, KH_SYS_close, 1, a, 0);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.error, 0);
	kreq_buf_free(&reply);
	ck_assert_int_eq(kt_closes, 1);
	ck_assert_uint_eq(call(p, &m, &rh, &reply), 0);
	ck_assert_int_eq(rh.error, EBADF);
	kreq_buf_free(&reply);
	proc_exit(p);
}
END_TEST

/* Threads looking a descriptor up while it is closed: fo_close runs once, after the last drop. */
struct race {
	proc_t p;
	int fd;
	int stop;
	int done;
	int lookups;
};

static void
race_thread(void *arg, wait_result_t wr)
{
	struct race *r = arg;
	struct fileproc *fp;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		if (fp_lookup(r->p, r->fd, &fp, 0) == 0) {
			/* never closed under a reference */
			ck_assert_int_eq(__atomic_load_n(&kt_closes, __ATOMIC_ACQUIRE), 0);
			__atomic_add_fetch(&r->lookups, 1, __ATOMIC_RELAXED);
			fp_drop(r->p, r->fd, fp, 0);
		}
	}
	__atomic_add_fetch(&r->done, 1, __ATOMIC_RELEASE);
}

START_TEST(lookups_race_close)
{
	struct race r = {0};
	thread_t th;

	for (int round = 0; round < 50; round++) {
		memset(&r, 0, sizeof(r));
		r.p = attach_self(0, 0);
		r.fd = kt_open(r.p);
		kt_closes = 0;
		for (int i = 0; i < 3; i++) {
			ck_assert_int_eq(kernel_thread_start(race_thread, &r, &th), KERN_SUCCESS);
			thread_deallocate(th);
		}
		khost_thread_yield();
		ck_assert_int_eq(fp_close(r.p, r.fd, vfs_context_current()), 0);
		__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&r.done, __ATOMIC_ACQUIRE) != 3)
			khost_thread_yield();
		ck_assert_int_eq(kt_closes, 1);
		proc_exit(r.p);
	}
}
END_TEST

/* A call asleep with PCATCH ends with EINTR when its client dies (the hang-up watcher's path). */
struct sleeper {
	proc_t p;
	lck_mtx_t *mtx;
	int started;
	int result;
	int done;
};

static void
sleeper_thread(void *arg, wait_result_t wr)
{
	struct sleeper *s = arg;
	struct timespec ts = {.tv_sec = 10, .tv_nsec = 0};

	ck_assert_int_eq(proc_call_begin(s->p), 0);
	lck_mtx_lock(s->mtx);
	__atomic_store_n(&s->started, 1, __ATOMIC_RELEASE);
	s->result = msleep(&s->done, s->mtx, PCATCH, "kt_sleeper", &ts);
	lck_mtx_unlock(s->mtx);
	proc_call_end(s->p);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}

START_TEST(client_death_interrupts_a_blocked_call)
{
	struct sleeper s = {0};
	lck_grp_t *grp = lck_grp_alloc_init("kt_sleeper", NULL);
	uint64_t t0;
	thread_t th;

	s.p = attach_self(0, 0);
	s.mtx = lck_mtx_alloc_init(grp, NULL);
	ck_assert_int_eq(kernel_thread_start(sleeper_thread, &s, &th), KERN_SUCCESS);
	thread_deallocate(th);
	while (!__atomic_load_n(&s.started, __ATOMIC_ACQUIRE))
		khost_thread_yield();
	/* Taking the mutex means the sleeper is inside msleep (it drops the mutex there). */
	lck_mtx_lock(s.mtx);
	lck_mtx_unlock(s.mtx);
	t0 = khost_uptime_ns();
	proc_mark_exiting(s.p);
	while (!__atomic_load_n(&s.done, __ATOMIC_ACQUIRE))
		khost_thread_yield();
	ck_assert_int_eq(s.result, EINTR);
	ck_assert_uint_lt(khost_uptime_ns() - t0, 2000000000ull); /* not the 10 s timeout */
	proc_exit(s.p);
	lck_mtx_free(s.mtx, grp);
}
END_TEST

/* ---- uio ------------------------------------------------------------------ */

START_TEST(uio_moves_across_iovecs)
{
	char a[4], b[8], out[12];
	uio_t u = uio_create(2, 100, UIO_SYSSPACE, UIO_READ), d;
	user_addr_t base;
	user_size_t len;

	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(uio_addiov(u, (user_addr_t)(uintptr_t)a, sizeof(a)), 0);
	ck_assert_int_eq(uio_addiov(u, (user_addr_t)(uintptr_t)b, sizeof(b)), 0);
	ck_assert_int_eq(uio_addiov(u, (user_addr_t)(uintptr_t)b, 1), -1); /* full */
	ck_assert_int_eq(uio_resid(u), 12);
	ck_assert_int_eq(uio_iovcnt(u), 2);
	ck_assert_int_eq(uio_rw(u), UIO_READ);
	ck_assert_int_eq(uio_isuserspace(u), 0);
	d = uio_duplicate(u);
	ck_assert_int_eq(uiomove("abcdef", 6, u), 0);
	ck_assert(memcmp(a, "abcd", 4) == 0 && memcmp(b, "ef", 2) == 0);
	ck_assert_int_eq(uio_resid(u), 6);
	ck_assert_int_eq(uio_offset(u), 106);
	ck_assert_uint_eq(uio_curriovbase(u), (user_addr_t)(uintptr_t)(b + 2));
	ck_assert_uint_eq(uio_curriovlen(u), 6);
	ck_assert_int_eq(uiomove("0123456789", 10, u), 0); /* only 6 fit */
	ck_assert(memcmp(b, "ef012345", 8) == 0);
	ck_assert_int_eq(uio_resid(u), 0);
	uio_setoffset(u, 5);
	ck_assert_int_eq(uio_offset(u), 5);

	/* The duplicate kept the original layout; write direction reads from the buffers. */
	uio_setrw(d, UIO_WRITE);
	ck_assert_int_eq(uio_getiov(d, 1, &base, &len), 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_int_eq(uio_getiov(d, 2, &base, &len), -1);
	ck_assert_int_eq(uiomove(out, 12, d), 0);
	ck_assert(memcmp(out, "abcdef012345", 12) == 0);
	uio_update(d, 0);
	uio_free(d);

	/* uio_update steps over consumed iovecs; reset empties. */
	uio_reset(u, 0, UIO_USERSPACE, UIO_READ);
	ck_assert_int_eq(uio_resid(u), 0);
	ck_assert_int_eq(uio_addiov(u, (user_addr_t)(uintptr_t)a, 4), 0);
	ck_assert_int_eq(uio_addiov(u, (user_addr_t)(uintptr_t)b, 8), 0);
	uio_update(u, 4);
	ck_assert_uint_eq(uio_curriovbase(u), (user_addr_t)(uintptr_t)b);
	ck_assert_int_eq(uio_resid(u), 8);
	/* User space with kernproc: the kernel's own memory through the checked path. */
	ck_assert_int_eq(uiomove("XYZ", 3, u), 0);
	ck_assert(memcmp(b, "XYZ", 3) == 0);
	uio_free(u);
	ck_assert_ptr_null(uio_create(UIO_MAXIOV + 1, 0, UIO_SYSSPACE, UIO_READ));
}
END_TEST

START_TEST(uio_to_a_bad_user_address_is_efault)
{
	uio_t u = uio_create(1, 0, UIO_USERSPACE, UIO_READ);

	ck_assert_int_eq(uio_addiov(u, 16, 8), 0);
	ck_assert_int_eq(uiomove("abcdefgh", 8, u), EFAULT);
	uio_free(u);
}
END_TEST

/* ---- proc and kauth ------------------------------------------------------ */

START_TEST(proc_and_kauth_kpis)
{
	proc_t p = attach_self(501, 20), q;
	kauth_cred_t c;
	char name[32];
	u_short acflag = 0;

	ck_assert_ptr_eq(current_proc(), kernproc);
	ck_assert_int_eq(proc_selfpid(), 0);
	ck_assert(kauth_cred_issuser(kauth_cred_get()));

	ck_assert_int_eq(proc_call_begin(p), 0);
	ck_assert_ptr_eq(current_proc(), p);
	ck_assert_int_eq(proc_selfpid(), khost_getpid());
	proc_selfname(name, sizeof(name));
	ck_assert(name[0] != '\0' && name[0] != '?');
	c = kauth_cred_get();
	ck_assert_uint_eq(kauth_cred_getuid(c), 501);
	ck_assert_uint_eq(kauth_cred_getgid(c), 20);
	ck_assert(!kauth_cred_issuser(c));
	ck_assert_int_eq(suser(c, &acflag), EPERM);
	ck_assert_int_eq(vfs_context_pid(vfs_context_current()), khost_getpid());
	ck_assert(!vfs_context_issuser(vfs_context_current()));
	proc_call_end(p);
	ck_assert_ptr_eq(current_proc(), kernproc);
	ck_assert_int_eq(suser(kauth_cred_get(), &acflag), 0);
	ck_assert_uint_eq(acflag & ASU, ASU);

	q = proc_find(khost_getpid());
	ck_assert_ptr_eq(q, p);
	ck_assert_int_eq(proc_pid(q), khost_getpid());
	proc_name(proc_pid(q), name, sizeof(name));
	ck_assert_str_eq(name, p->p_comm);
	c = kauth_cred_proc_ref(q);
	ck_assert_uint_eq(kauth_cred_getuid(c), 501);
	kauth_cred_unref(&c);
	ck_assert_ptr_null(c);
	proc_rele(q);
	ck_assert_ptr_null(proc_find(999999));
	name[0] = 'x';
	proc_name(999999, name, sizeof(name));
	ck_assert_str_eq(name, "");

	/* Signals go only to clients: never to pid 0 or an unknown pid. */
	ck_assert_int_eq(proc_signal(0, 0), EPERM);
	ck_assert_int_eq(proc_signal(999999, 0), ESRCH);
	ck_assert_int_eq(proc_signal(khost_getpid(), 0), 0);
	ck_assert_int_eq(proc_signal(khost_getpid(), 29), EINVAL); /* SIGINFO: none on Linux */

	/* Exit: no longer found; calls refused. */
	proc_mark_exiting(p);
	ck_assert(proc_exiting(p));
	ck_assert_int_eq(proc_call_begin(p), EINTR);
	ck_assert_ptr_null(proc_find(khost_getpid()));
	proc_exit(p);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("syscall");
	TCase *tc = ktest_tcase("syscall");

	tcase_add_test(tc, decoder_refuses_malformed_messages);
	tcase_add_test(tc, identity_calls_use_the_connection_credential);
	tcase_add_test(tc, regions_carry_data_both_ways);
	tcase_add_test(tc, copyio_gives_efault_never_a_crash);
	tcase_add_test(tc, descriptor_table);
	tcase_add_test(tc, close_syscall_and_read_through_fileops);
	tcase_add_test(tc, lookups_race_close);
	tcase_add_test(tc, uio_moves_across_iovecs);
	tcase_add_test(tc, uio_to_a_bad_user_address_is_efault);
	tcase_add_test(tc, proc_and_kauth_kpis);
	tcase_add_test(tc, client_death_interrupts_a_blocked_call);
	suite_add_tcase(s, tc);
	return s;
}
