/*
 * sys_generic.c — the descriptor system calls that work on any kind of open
 * file through its fileops: read, write, pread, pwrite, ioctl (with BSD's
 * automatic copy of the argument by its encoded size), lseek, select and
 * poll; and the select machinery drivers use (selrecord, selwakeup,
 * selthreadclear).
 *
 * select/poll design: one global "select generation" counter. A selecting
 * thread notes the generation, asks every file whether it is ready (fo_select,
 * which calls the driver's d_select; a driver that is not ready calls
 * selrecord), and sleeps on the counter only if no selwakeup() happened since
 * it noted it; selwakeup() bumps the counter and wakes every selecting thread,
 * which then re-polls its files. There is nothing per-thread to unlink, so
 * selthreadclear() has nothing to free and a driver's selinfo can go away at
 * any time. The cost is a thundering herd when many threads select on
 * different devices: each selwakeup makes every selecting thread re-poll.
 * A sleep is interruptible (PCATCH) and ends with EINTR when the client dies.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/uio.h>
#include <sys/ioccom.h>
#include <sys/select.h>
#include <sys/proc.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <string.h>
#include "host/khost.h"
#include "bsd/sys/file_internal.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"
#include "bsd/kern/sys_generic.h"

#define SEL_FD_SETSIZE 1024
#define SEL_MAXPOLL 1024
#define FIONBIO _IOW('f', 126, int)
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* ---- select machinery ------------------------------------------------------------ */

static lck_grp_t *sel_grp;
static lck_mtx_t *sel_mtx;
static uint64_t sel_gen;
static int sel_state;

static void
sel_init(void)
{
	int expect = 0;

	if (__atomic_load_n(&sel_state, __ATOMIC_ACQUIRE) == 2)
		return;
	if (!__atomic_compare_exchange_n(&sel_state, &expect, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&sel_state, __ATOMIC_ACQUIRE) != 2)
			khost_thread_yield();
		return;
	}
	sel_grp = lck_grp_alloc_init("select", LCK_GRP_ATTR_NULL);
	sel_mtx = lck_mtx_alloc_init(sel_grp, LCK_ATTR_NULL);
	__atomic_store_n(&sel_state, 2, __ATOMIC_RELEASE);
}

void
selrecord(proc_t selector, struct selinfo *sip, void *wql)
{
	if (sip == NULL || wql == NULL)
		return;
	__atomic_fetch_or(&sip->si_flags, SI_RECORD, __ATOMIC_RELEASE);
}

void
selwakeup(struct selinfo *sip)
{
	if (sip == NULL)
		return;
	__atomic_fetch_add(&sip->si_gen, 1, __ATOMIC_RELAXED);
	/* Nobody recorded interest: no selecting thread can be waiting on this one. */
	if (!(__atomic_fetch_and(&sip->si_flags, ~(uint32_t)SI_RECORD, __ATOMIC_ACQ_REL) & SI_RECORD))
		return;
	sel_init();
	lck_mtx_lock(sel_mtx);
	__atomic_fetch_add(&sel_gen, 1, __ATOMIC_RELEASE); /* also read without the lock */
	wakeup(&sel_gen);
	lck_mtx_unlock(sel_mtx);
}

void
selthreadclear(struct selinfo *sip)
{
	/* Waiters are not linked to the selinfo (see above): nothing to undo. */
	if (sip != NULL)
		__atomic_fetch_and(&sip->si_flags, ~(uint32_t)SI_RECORD, __ATOMIC_RELEASE);
}

uint64_t
sel_generation(void)
{
	sel_init();
	return __atomic_load_n(&sel_gen, __ATOMIC_ACQUIRE);
}

int
sel_wait(proc_t p, uint64_t gen, uint64_t deadline_ns)
{
	int err = 0;

	sel_init();
	lck_mtx_lock(sel_mtx);
	if (__atomic_load_n(&sel_gen, __ATOMIC_ACQUIRE) == gen) {
		struct timespec ts = {0, 0};

		if (deadline_ns != 0) {
			uint64_t now = khost_uptime_ns();
			uint64_t left = deadline_ns > now ? deadline_ns - now : 1;

			ts.tv_sec = (long)(left / 1000000000u);
			ts.tv_nsec = (long)(left % 1000000000u);
		}
		err = msleep(&sel_gen, sel_mtx, PSOCK | PCATCH, "select", deadline_ns ? &ts : NULL);
	}
	lck_mtx_unlock(sel_mtx);
	if (err == 0 && p != NULL && proc_exiting(p))
		err = EINTR;
	return err;
}

/* ---- read / write ---------------------------------------------------------------------- */

static int
rw_common(proc_t p, int fd, user_addr_t buf, user_size_t nbyte, off_t offset, int flags, int dir,
          user_ssize_t *retval)
{
	struct fileproc *fp;
	uio_t uio;
	int err;
	user_ssize_t done;

	if (nbyte > (user_size_t)__INT_MAX__)
		return EINVAL;
	err = fp_lookup(p, fd, &fp, 0);
	if (err != 0)
		return err;
	/* The offset is shared by every thread using the file: read and advance it atomically. */
	uio = uio_create(1, (flags & FOF_OFFSET) ? offset : __atomic_load_n(&fp->f_offset, __ATOMIC_RELAXED),
	                 UIO_USERSPACE64, dir);
	if (uio == NULL) {
		err = ENOMEM;
		goto out;
	}
	err = uio_addiov(uio, buf, nbyte);
	if (err != 0)
		goto out_uio;
	if (dir == UIO_READ)
		err = fo_read(fp, uio, flags, vfs_context_current());
	else
		err = fo_write(fp, uio, flags, vfs_context_current());
	done = (user_ssize_t)nbyte - uio_resid(uio);
	/* A transfer that made progress before being interrupted counts as done. */
	if (done > 0 && (err == EINTR || err == ERESTART || err == EWOULDBLOCK))
		err = 0;
	if (err == 0 && !(flags & FOF_OFFSET))
		__atomic_fetch_add(&fp->f_offset, done, __ATOMIC_RELAXED);
	*retval = done;
out_uio:
	uio_free(uio);
out:
	fp_drop(p, fd, fp, 0);
	return err;
}

struct read_args {
	SYSARG(int, fd);
	SYSARG(user_addr_t, cbuf);
	SYSARG(user_size_t, nbyte);
};

static int
sys_read(proc_t p, struct read_args *uap, user_ssize_t *retval)
{
	return rw_common(p, uap->fd, uap->cbuf, uap->nbyte, 0, 0, UIO_READ, retval);
}
SYSCALL_REGISTER(KH_SYS_read, sys_read, 3, 0);

static int
sys_write(proc_t p, struct read_args *uap, user_ssize_t *retval)
{
	return rw_common(p, uap->fd, uap->cbuf, uap->nbyte, 0, 0, UIO_WRITE, retval);
}
SYSCALL_REGISTER(KH_SYS_write, sys_write, 3, 0);

struct pread_args {
	SYSARG(int, fd);
	SYSARG(user_addr_t, buf);
	SYSARG(user_size_t, nbyte);
	SYSARG(off_t, offset);
};

static int
sys_pread(proc_t p, struct pread_args *uap, user_ssize_t *retval)
{
	if (uap->offset < 0)
		return EINVAL;
	return rw_common(p, uap->fd, uap->buf, uap->nbyte, uap->offset, FOF_OFFSET, UIO_READ, retval);
}
SYSCALL_REGISTER(KH_SYS_pread, sys_pread, 4, 0);

static int
sys_pwrite(proc_t p, struct pread_args *uap, user_ssize_t *retval)
{
	if (uap->offset < 0)
		return EINVAL;
	return rw_common(p, uap->fd, uap->buf, uap->nbyte, uap->offset, FOF_OFFSET, UIO_WRITE, retval);
}
SYSCALL_REGISTER(KH_SYS_pwrite, sys_pwrite, 4, 0);

/* ---- lseek --------------------------------------------------------------------------- */

struct lseek_args {
	SYSARG(int, fd);
	SYSARG(off_t, offset);
	SYSARG(int, whence);
};

static int
sys_lseek(proc_t p, struct lseek_args *uap, user_ssize_t *retval)
{
	struct fileproc *fp;
	off_t base, off;
	int err = fp_lookup(p, uap->fd, &fp, 0);

	if (err != 0)
		return err;
	if (fp->f_type == DTYPE_SOCKET || fp->f_type == DTYPE_PIPE) {
		err = ESPIPE;
		goto out;
	}
	switch (uap->whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = __atomic_load_n(&fp->f_offset, __ATOMIC_RELAXED);
		break;
	case SEEK_END: /* devices have no size */
		base = 0;
		break;
	default:
		err = EINVAL;
		goto out;
	}
	if (__builtin_add_overflow(base, uap->offset, &off) || off < 0) {
		err = EINVAL;
		goto out;
	}
	__atomic_store_n(&fp->f_offset, off, __ATOMIC_RELAXED);
	*retval = off;
out:
	fp_drop(p, uap->fd, fp, 0);
	return err;
}
SYSCALL_REGISTER(KH_SYS_lseek, sys_lseek, 3, 0);

/* ---- ioctl --------------------------------------------------------------------------- */

struct ioctl_args {
	SYSARG(int, fd);
	SYSARG(u_long, com);
	SYSARG(user_addr_t, data);
};

static int
sys_ioctl(proc_t p, struct ioctl_args *uap, user_ssize_t *retval)
{
	struct fileproc *fp;
	u_long com = uap->com & 0xffffffffUL; /* commands are 32 bits; user space may sign-extend */
	size_t size = IOCPARM_LEN(com);
	char stkbuf[128] __attribute__((aligned(8)));
	char *data = stkbuf;
	int err;

	if (size > IOCPARM_MAX)
		return ENOTTY;
	err = fp_lookup(p, uap->fd, &fp, 0);
	if (err != 0)
		return err;
	if ((fp->f_flag & (FREAD | FWRITE)) == 0) {
		err = EBADF;
		goto out;
	}
	if (size > sizeof(stkbuf)) {
		data = kalloc(size);
		if (data == NULL) {
			err = ENOMEM;
			goto out;
		}
	}
	if (com & IOC_IN) {
		if (size != 0) {
			err = copyin(uap->data, data, size);
			if (err != 0)
				goto out_free;
		} else {
			*(user_addr_t *)(void *)data = uap->data;
		}
	} else if ((com & IOC_OUT) && size != 0) {
		memset(data, 0, size);
	} else if (com & IOC_VOID) {
		*(user_addr_t *)(void *)data = uap->data;
	}

	if (com == FIONBIO) {
		int on = *(int *)(void *)data;

		if (on)
			__atomic_fetch_or(&fp->f_flag, FNONBLOCK, __ATOMIC_RELAXED);
		else
			__atomic_fetch_and(&fp->f_flag, ~FNONBLOCK, __ATOMIC_RELAXED);
		err = fo_ioctl(fp, com, data, vfs_context_current());
		if (err == ENOTTY) /* the flag is the file's; the driver need not care */
			err = 0;
	} else {
		err = fo_ioctl(fp, com, data, vfs_context_current());
	}
	if (err == 0 && (com & IOC_OUT) && size != 0)
		err = copyout(data, uap->data, size);
	*retval = 0;
out_free:
	if (data != stkbuf)
		kfree(data, size);
out:
	fp_drop(p, uap->fd, fp, 0);
	return err;
}
SYSCALL_REGISTER(KH_SYS_ioctl, sys_ioctl, 3, 0);

/* ---- select / poll ---------------------------------------------------------------------- */

/* Ask one descriptor; 1 ready, 0 not, or a negative errno. */
static int
sel_one(proc_t p, int fd, int which)
{
	struct fileproc *fp;
	int r, err = fp_lookup(p, fd, &fp, 0);
	static char wql_token;

	if (err != 0)
		return -err;
	r = fo_select(fp, which, &wql_token, vfs_context_current());
	fp_drop(p, fd, fp, 0);
	return r ? 1 : 0;
}

/* A deadline in host uptime ns from a relative time; 0: none (wait forever). */
static uint64_t
sel_deadline(int64_t sec, int64_t usec, int *poll_only)
{
	uint64_t ns;

	*poll_only = 0;
	if (sec == 0 && usec == 0) {
		*poll_only = 1;
		return 0;
	}
	if (sec > 100000000)
		sec = 100000000;
	ns = (uint64_t)sec * 1000000000u + (uint64_t)usec * 1000u;
	return khost_uptime_ns() + ns;
}

struct select_args {
	SYSARG(int, nd);
	SYSARG(user_addr_t, in);
	SYSARG(user_addr_t, ou);
	SYSARG(user_addr_t, ex);
	SYSARG(user_addr_t, tv);
};

static int
sys_select(proc_t p, struct select_args *uap, user_ssize_t *retval)
{
	uint32_t in[3][SEL_FD_SETSIZE / 32], out[3][SEL_FD_SETSIZE / 32];
	const user_addr_t addrs[3] = {uap->in, uap->ou, uap->ex};
	static const int which[3] = {FREAD, FWRITE, 0};
	uint64_t deadline = 0;
	int poll_only = 0, err = 0, n = 0;
	size_t bytes;

	if (uap->nd < 0 || uap->nd > SEL_FD_SETSIZE)
		return EINVAL;
	bytes = (size_t)((uap->nd + 31) / 32) * 4;
	memset(in, 0, sizeof(in));
	for (int s = 0; s < 3; s++)
		if (addrs[s] != USER_ADDR_NULL && bytes != 0 && (err = copyin(addrs[s], in[s], bytes)) != 0)
			return err;
	if (uap->tv != USER_ADDR_NULL) {
		struct {
			int64_t sec;
			int32_t usec, pad;
		} tv;
		err = copyin(uap->tv, &tv, sizeof(tv));
		if (err != 0)
			return err;
		if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
			return EINVAL;
		deadline = sel_deadline(tv.sec, tv.usec, &poll_only);
	}
	for (;;) {
		uint64_t gen = sel_generation();

		memset(out, 0, sizeof(out));
		n = 0;
		for (int s = 0; s < 3; s++) {
			for (int fd = 0; fd < uap->nd; fd++) {
				int r;

				if (!(in[s][fd / 32] & (1u << (fd % 32))))
					continue;
				r = sel_one(p, fd, which[s]);
				if (r < 0)
					return -r;
				if (r) {
					out[s][fd / 32] |= 1u << (fd % 32);
					n++;
				}
			}
		}
		if (n > 0 || poll_only)
			break;
		err = sel_wait(p, gen, deadline);
		if (err == EWOULDBLOCK) {
			err = 0;
			break;
		}
		if (err != 0)
			return err;
	}
	for (int s = 0; s < 3; s++)
		if (addrs[s] != USER_ADDR_NULL && bytes != 0 && (err = copyout(out[s], addrs[s], bytes)) != 0)
			return err;
	*retval = n;
	return 0;
}
SYSCALL_REGISTER(KH_SYS_select, sys_select, 5, 0);

/* Darwin's struct pollfd and event bits. */
struct kh_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};
#define KH_POLLIN 0x0001
#define KH_POLLPRI 0x0002
#define KH_POLLOUT 0x0004
#define KH_POLLRDNORM 0x0040
#define KH_POLLWRNORM KH_POLLOUT
#define KH_POLLNVAL 0x0020

struct poll_args {
	SYSARG(user_addr_t, fds);
	SYSARG(u_int, nfds);
	SYSARG(int, timeout);
};

static int
sys_poll(proc_t p, struct poll_args *uap, user_ssize_t *retval)
{
	struct kh_pollfd *fds;
	size_t bytes;
	uint64_t deadline = 0;
	int poll_only = 0, err, n = 0;

	if (uap->nfds > SEL_MAXPOLL)
		return EINVAL;
	bytes = (size_t)uap->nfds * sizeof(*fds);
	fds = kalloc(bytes ? bytes : 1);
	if (fds == NULL)
		return ENOMEM;
	err = bytes ? copyin(uap->fds, fds, bytes) : 0;
	if (err != 0)
		goto out;
	if (uap->timeout >= 0)
		deadline =
		        sel_deadline(uap->timeout / 1000, (int64_t)(uap->timeout % 1000) * 1000, &poll_only);
	for (;;) {
		uint64_t gen = sel_generation();

		n = 0;
		for (u_int i = 0; i < uap->nfds; i++) {
			int16_t ev = fds[i].events, rev = 0;
			int r;

			if (fds[i].fd < 0) {
				fds[i].revents = 0;
				continue;
			}
			if (ev & (KH_POLLIN | KH_POLLRDNORM)) {
				r = sel_one(p, fds[i].fd, FREAD);
				if (r < 0) {
					rev = KH_POLLNVAL;
					goto set;
				}
				if (r)
					rev |= ev & (KH_POLLIN | KH_POLLRDNORM);
			}
			if (ev & KH_POLLOUT) {
				r = sel_one(p, fds[i].fd, FWRITE);
				if (r < 0) {
					rev = KH_POLLNVAL;
					goto set;
				}
				if (r)
					rev |= KH_POLLOUT;
			}
			if (ev == 0 && sel_one(p, fds[i].fd, FREAD) < 0)
				rev = KH_POLLNVAL;
		set:
			fds[i].revents = rev;
			if (rev != 0)
				n++;
		}
		if (n > 0 || poll_only)
			break;
		err = sel_wait(p, gen, deadline);
		if (err == EWOULDBLOCK) {
			err = 0;
			break;
		}
		if (err != 0)
			goto out;
	}
	err = bytes ? copyout(fds, uap->fds, bytes) : 0;
	if (err == 0)
		*retval = n;
out:
	kfree(fds, bytes ? bytes : 1);
	return err;
}
SYSCALL_REGISTER(KH_SYS_poll, sys_poll, 3, 0);
