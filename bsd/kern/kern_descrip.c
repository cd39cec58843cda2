/*
 * kern_descrip.c — the descriptor table and the generic open-file layer:
 * falloc/fp_lookup/fp_drop/fp_close, fdfree at client exit, the fo_*
 * dispatchers, and close(2).
 *
 * The table grows by doubling up to PROC_MAXFILES (then EMFILE). A slot is
 * NULL (free), FD_RESERVED (falloc'd, not yet published) or a fileproc.
 * fo_close runs exactly once, when a closed file's last I/O reference drops
 * (see file_internal.h), never under the process lock.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/kalloc.h>
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/file_internal.h"
#include "bsd/sys/syscall_internal.h"

#define FD_INITIAL 16

/* fileproc private state bit in f_iocount's high bit: closed (out of the table). */
#define FP_CLOSED 0x80000000u

static int
fd_grow_locked(proc_t p)
{
	struct filedesc *fdp = &p->p_fd;
	int n = fdp->fd_nfiles == 0 ? FD_INITIAL : fdp->fd_nfiles * 2;
	struct fileproc **nf;
	char *nfl;

	lck_mtx_assert(p->p_lock, LCK_MTX_ASSERT_OWNED);
	if (fdp->fd_nfiles >= PROC_MAXFILES)
		return EMFILE;
	if (n > PROC_MAXFILES)
		n = PROC_MAXFILES;
	nf = kalloc(sizeof(*nf) * (size_t)n);
	nfl = kalloc((size_t)n);
	if (nf == NULL || nfl == NULL) {
		if (nf != NULL)
			kfree(nf, sizeof(*nf) * (size_t)n);
		if (nfl != NULL)
			kfree(nfl, (size_t)n);
		return ENOMEM;
	}
	memset(nf, 0, sizeof(*nf) * (size_t)n);
	memset(nfl, 0, (size_t)n);
	if (fdp->fd_nfiles != 0) {
		memcpy(nf, fdp->fd_ofiles, sizeof(*nf) * (size_t)fdp->fd_nfiles);
		memcpy(nfl, fdp->fd_ofileflags, (size_t)fdp->fd_nfiles);
		kfree(fdp->fd_ofiles, sizeof(*nf) * (size_t)fdp->fd_nfiles);
		kfree(fdp->fd_ofileflags, (size_t)fdp->fd_nfiles);
	}
	fdp->fd_ofiles = nf;
	fdp->fd_ofileflags = nfl;
	fdp->fd_nfiles = n;
	return 0;
}

int
falloc(proc_t p, struct fileproc **resultfp, int *resultfd, vfs_context_t ctx)
{
	struct filedesc *fdp = &p->p_fd;
	struct fileproc *fp;
	int fd, err = 0;

	*resultfp = NULL;
	*resultfd = -1;
	fp = kalloc(sizeof(*fp));
	if (fp == NULL)
		return ENOMEM;
	memset(fp, 0, sizeof(*fp));
	fp->f_iocount = 1;
	fp->f_proc = p;
	fp->f_cred = kauth_cred_proc_ref(p);

	proc_lock(p);
	if (p->p_flag & P_LEXIT) {
		err = EINTR;
		goto out;
	}
	for (fd = fdp->fd_freefile; fd < fdp->fd_nfiles; fd++) {
		if (fdp->fd_ofiles[fd] == NULL)
			break;
	}
	if (fd >= fdp->fd_nfiles) {
		fd = fdp->fd_nfiles;
		err = fd_grow_locked(p);
		if (err != 0)
			goto out;
	}
	fdp->fd_ofiles[fd] = FD_RESERVED;
	fdp->fd_ofileflags[fd] = 0;
	fdp->fd_freefile = fd + 1;
	if (fd > fdp->fd_lastfile)
		fdp->fd_lastfile = fd;
	fdp->fd_count++;
out:
	proc_unlock(p);
	if (err != 0) {
		kauth_cred_unref(&fp->f_cred);
		kfree(fp, sizeof(*fp));
		return err;
	}
	*resultfp = fp;
	*resultfd = fd;
	return 0;
}

/* Free slot fd (held reserved or by a file); the lock is held. */
static void
fd_release_slot_locked(proc_t p, int fd)
{
	struct filedesc *fdp = &p->p_fd;

	fdp->fd_ofiles[fd] = NULL;
	fdp->fd_ofileflags[fd] = 0;
	fdp->fd_count--;
	if (fd < fdp->fd_freefile)
		fdp->fd_freefile = fd;
	while (fdp->fd_lastfile >= 0 && fdp->fd_ofiles[fdp->fd_lastfile] == NULL)
		fdp->fd_lastfile--;
}

void
procfdtbl_releasefd(proc_t p, int fd, struct fileproc *fp)
{
	proc_lock(p);
	if (fd < 0 || fd >= p->p_fd.fd_nfiles || p->p_fd.fd_ofiles[fd] != FD_RESERVED)
		panic("procfdtbl_releasefd: fd %d of pid %d is not reserved", fd, p->p_pid);
	if (fp->f_ops == NULL)
		panic("procfdtbl_releasefd: fd %d published without fileops", fd);
	if (fp->f_type == 0)
		fp->f_type = fp->f_ops->fo_type;
	p->p_fd.fd_ofiles[fd] = fp;
	proc_unlock(p);
}

void
fp_free(proc_t p, int fd, struct fileproc *fp)
{
	proc_lock(p);
	if (fd >= 0 && fd < p->p_fd.fd_nfiles && p->p_fd.fd_ofiles[fd] == FD_RESERVED)
		fd_release_slot_locked(p, fd);
	proc_unlock(p);
	kauth_cred_unref(&fp->f_cred);
	kfree(fp, sizeof(*fp));
}

int
fp_lookup(proc_t p, int fd, struct fileproc **resultfp, int locked)
{
	struct fileproc *fp;
	int err = 0;

	*resultfp = NULL;
	if (!locked)
		proc_lock(p);
	else
		lck_mtx_assert(p->p_lock, LCK_MTX_ASSERT_OWNED);
	if (fd < 0 || fd >= p->p_fd.fd_nfiles || (fp = p->p_fd.fd_ofiles[fd]) == NULL || fp == FD_RESERVED) {
		err = EBADF;
	} else {
		fp->f_iocount++;
		*resultfp = fp;
	}
	if (!locked)
		proc_unlock(p);
	return err;
}

/* The last reference is gone after close: the kind releases its object. */
static int
fp_final_close(struct fileproc *fp)
{
	int err = 0;

	if (fp->f_ops != NULL && fp->f_ops->fo_close != NULL)
		err = fp->f_ops->fo_close(fp, vfs_context_current());
	kauth_cred_unref(&fp->f_cred);
	kfree(fp, sizeof(*fp));
	return err;
}

int
fp_drop(proc_t p, int fd, struct fileproc *fp, int locked)
{
	int last;

	if (!locked)
		proc_lock(p);
	if ((fp->f_iocount & ~FP_CLOSED) == 0)
		panic("fp_drop: fd %d of pid %d has no I/O reference", fd, p->p_pid);
	fp->f_iocount--;
	last = fp->f_iocount == FP_CLOSED;
	if (!locked)
		proc_unlock(p);
	else if (last)
		panic("fp_drop: last reference of a closed file dropped under the process lock");
	if (last)
		(void)fp_final_close(fp);
	return 0;
}

int
fp_close(proc_t p, int fd, vfs_context_t ctx)
{
	struct fileproc *fp;
	int last;

	proc_lock(p);
	if (fd < 0 || fd >= p->p_fd.fd_nfiles || (fp = p->p_fd.fd_ofiles[fd]) == NULL || fp == FD_RESERVED) {
		proc_unlock(p);
		return EBADF;
	}
	fd_release_slot_locked(p, fd);
	fp->f_iocount |= FP_CLOSED;
	last = fp->f_iocount == FP_CLOSED;
	proc_unlock(p);
	return last ? fp_final_close(fp) : 0;
}

void
fdfree(proc_t p)
{
	for (;;) {
		int fd;

		proc_lock(p);
		fd = p->p_fd.fd_lastfile;
		while (fd >= 0 && (p->p_fd.fd_ofiles[fd] == NULL || p->p_fd.fd_ofiles[fd] == FD_RESERVED))
			fd--;
		proc_unlock(p);
		if (fd < 0)
			break;
		(void)fp_close(p, fd, vfs_context_current());
	}
}

int
fd_count(proc_t p)
{
	int n;

	proc_lock(p);
	n = p->p_fd.fd_count;
	proc_unlock(p);
	return n;
}

/* ---- generic operations -------------------------------------------------- */

int
fo_read(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx)
{
	if (!(fp->f_flag & FREAD))
		return EBADF;
	if (fp->f_ops->fo_read == NULL)
		return ENODEV;
	return fp->f_ops->fo_read(fp, uio, flags, ctx);
}

int
fo_write(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx)
{
	if (!(fp->f_flag & FWRITE))
		return EBADF;
	if (fp->f_ops->fo_write == NULL)
		return ENODEV;
	return fp->f_ops->fo_write(fp, uio, flags, ctx);
}

int
fo_ioctl(struct fileproc *fp, u_long com, caddr_t data, vfs_context_t ctx)
{
	if (fp->f_ops->fo_ioctl == NULL)
		return ENOTTY;
	return fp->f_ops->fo_ioctl(fp, com, data, ctx);
}

int
fo_select(struct fileproc *fp, int which, void *wql, vfs_context_t ctx)
{
	/* A kind without select is always ready, as a plain file is. */
	if (fp->f_ops->fo_select == NULL)
		return 1;
	return fp->f_ops->fo_select(fp, which, wql, ctx);
}

/* ---- close(2) ------------------------------------------------------------- */

struct close_args {
	SYSARG(int, fd);
};

static int
sys_close(proc_t p, struct close_args *uap, user_ssize_t *retval)
{
	return fp_close(p, uap->fd, vfs_context_current());
}
SYSCALL_REGISTER(KH_SYS_close, sys_close, 1, 0);
