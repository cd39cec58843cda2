/*
 * sys_dev.c — opening device nodes and the fileops of an open device.
 *
 * open(2) on "/dev/<name>" finds the node in the hosted devfs, checks the
 * caller's credential against the node's owner, group and mode (EACCES), asks
 * a clone node's driver for a fresh minor, calls the driver's d_open, and
 * publishes a descriptor whose fileops route read/write/ioctl/select/close to
 * the driver's cdevsw by major number. Other paths answer ENOENT (there is no
 * file system yet). The open file keeps the dev_t, and a clone node's clone
 * function to release the minor at close.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/conf.h>
#include <sys/uio.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <miscfs/devfs/devfs.h>
#include <kern/kalloc.h>
#include <string.h>
#include "bsd/sys/file_internal.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"
#include "bsd/miscfs/devfs/devfs_internal.h"
#include "host/khost.h"

#define KH_O_ACCMODE 0x0003
#define KH_O_NONBLOCK 0x0004
#define KH_S_IFCHR 0020000

struct devfile {
	dev_t df_dev;
	int (*df_clone)(dev_t dev, int action);
	uid_t df_uid; /* the node's owner, group and mode at open (fstat) */
	gid_t df_gid;
	int df_perms;
	int64_t df_opened; /* calendar seconds of the open */
};

static int
dev_fo_read(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx)
{
	struct devfile *df = fp->f_data;
	struct cdevsw csw;
	int err = dev_cdevsw(df->df_dev, &csw);

	if (err != 0)
		return err;
	return csw.d_read(df->df_dev, uio, (fp->f_flag & FNONBLOCK) ? IO_NDELAY : 0);
}

static int
dev_fo_write(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx)
{
	struct devfile *df = fp->f_data;
	struct cdevsw csw;
	int err = dev_cdevsw(df->df_dev, &csw);

	if (err != 0)
		return err;
	return csw.d_write(df->df_dev, uio, (fp->f_flag & FNONBLOCK) ? IO_NDELAY : 0);
}

static int
dev_fo_ioctl(struct fileproc *fp, u_long cmd, caddr_t data, vfs_context_t ctx)
{
	struct devfile *df = fp->f_data;
	struct cdevsw csw;
	int err = dev_cdevsw(df->df_dev, &csw);

	if (err != 0)
		return err;
	return csw.d_ioctl(df->df_dev, cmd, data, fp->f_flag, vfs_context_proc(ctx));
}

static int
dev_fo_select(struct fileproc *fp, int which, void *wql, vfs_context_t ctx)
{
	struct devfile *df = fp->f_data;
	struct cdevsw csw;

	if (dev_cdevsw(df->df_dev, &csw) != 0)
		return 1; /* the driver is gone: a read will say so at once */
	return csw.d_select(df->df_dev, which, wql, vfs_context_proc(ctx));
}

static int
dev_fo_close(struct fileproc *fp, vfs_context_t ctx)
{
	struct devfile *df = fp->f_data;
	struct cdevsw csw;
	int err = 0;

	if (dev_cdevsw(df->df_dev, &csw) == 0)
		err = csw.d_close(df->df_dev, fp->f_flag, KH_S_IFCHR, fp->f_proc);
	if (df->df_clone != NULL)
		(void)df->df_clone(df->df_dev, DEVFS_CLONE_FREE);
	kfree(df, sizeof(*df));
	fp->f_data = NULL;
	return err;
}

static const struct fileops dev_fileops = {
        .fo_type = DTYPE_VNODE,
        .fo_read = dev_fo_read,
        .fo_write = dev_fo_write,
        .fo_ioctl = dev_fo_ioctl,
        .fo_select = dev_fo_select,
        .fo_close = dev_fo_close,
};

int
dev_open_path(proc_t p, const char *path, int oflags, int *fdp)
{
	struct devfs_nodeinfo n;
	struct devfile *df;
	struct fileproc *fp;
	struct cdevsw csw;
	int fflag, fd, err, minr;
	dev_t dev;
	vfs_context_t ctx = vfs_context_current();

	if ((oflags & KH_O_ACCMODE) == KH_O_ACCMODE)
		return EINVAL;
	fflag = (oflags & KH_O_ACCMODE) + 1; /* O_RDONLY 0 -> FREAD ... */
	if (oflags & KH_O_NONBLOCK)
		fflag |= FNONBLOCK;
	if (strncmp(path, "/dev/", 5) != 0)
		return ENOENT;
	err = devfs_lookup(path, &n);
	if (err != 0)
		return err;
	err = devfs_access(&n, vfs_context_ucred(ctx), fflag);
	if (err != 0)
		return err;
	dev = n.dev;
	if (n.clone != NULL) {
		minr = n.clone(dev, DEVFS_CLONE_ALLOC);
		if (minr < 0)
			return EBUSY;
		dev = makedev(major(dev), minr);
	}
	df = kalloc(sizeof(*df));
	if (df == NULL) {
		err = ENOMEM;
		goto out_clone;
	}
	df->df_dev = dev;
	df->df_clone = n.clone;
	df->df_uid = n.uid;
	df->df_gid = n.gid;
	df->df_perms = n.perms;
	{
		int32_t ns;
		khost_calendar(&df->df_opened, &ns);
	}
	err = dev_cdevsw(dev, &csw);
	if (err != 0)
		goto out_df;
	err = falloc(p, &fp, &fd, ctx);
	if (err != 0)
		goto out_df;
	err = csw.d_open(dev, fflag, KH_S_IFCHR, p);
	if (err != 0) {
		fp_free(p, fd, fp);
		goto out_df;
	}
	fp->f_ops = &dev_fileops;
	fp->f_data = df;
	fp->f_flag = fflag;
	fp->f_type = DTYPE_VNODE;
	procfdtbl_releasefd(p, fd, fp);
	fp_drop(p, fd, fp, 0);
	*fdp = fd;
	return 0;
out_df:
	kfree(df, sizeof(*df));
out_clone:
	if (n.clone != NULL)
		(void)n.clone(dev, DEVFS_CLONE_FREE);
	return err;
}

struct open_args {
	SYSARG(user_addr_t, path);
	SYSARG(int, flags);
	SYSARG(int, mode);
};

static int
sys_open(proc_t p, struct open_args *uap, user_ssize_t *retval)
{
	char path[MAXPATHLEN];
	size_t done;
	int fd, err = copyinstr(uap->path, path, sizeof(path), &done);

	if (err != 0)
		return err;
	err = dev_open_path(p, path, uap->flags, &fd);
	if (err == 0)
		*retval = fd;
	return err;
}
SYSCALL_REGISTER(KH_SYS_open, sys_open, 3, 0);

/* Darwin's struct stat as fstat (189) returns it: 32-bit st_ino, 120 bytes. */
struct dev_stat {
	int32_t st_dev;
	uint32_t st_ino;
	uint16_t st_mode;
	uint16_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	int32_t st_rdev;
	int64_t st_times[6]; /* atime, mtime, ctime: sec, nsec each */
	int64_t st_size;
	int64_t st_blocks;
	int32_t st_blksize;
	uint32_t st_flags;
	uint32_t st_gen;
	int32_t st_lspare;
	int64_t st_qspare[2];
};
_Static_assert(sizeof(struct dev_stat) == 120, "Darwin struct stat layout");

#define KH_S_IFSOCK 0140000

struct fstat_args {
	SYSARG(int, fd);
	SYSARG(user_addr_t, ub);
};

static int
sys_fstat(proc_t p, struct fstat_args *uap, user_ssize_t *retval)
{
	struct dev_stat st;
	struct fileproc *fp;
	int err = fp_lookup(p, uap->fd, &fp, 0);

	if (err != 0)
		return err;
	memset(&st, 0, sizeof(st));
	st.st_nlink = 1;
	st.st_blksize = 4096;
	if (fp->f_ops == &dev_fileops) {
		const struct devfile *df = fp->f_data;

		st.st_mode = (uint16_t)(KH_S_IFCHR | (df->df_perms & 07777));
		st.st_uid = df->df_uid;
		st.st_gid = df->df_gid;
		st.st_rdev = df->df_dev;
		st.st_ino = (uint32_t)df->df_dev;
		for (int i = 0; i < 6; i += 2)
			st.st_times[i] = df->df_opened;
	} else if (fp->f_type == DTYPE_SOCKET) {
		st.st_mode = KH_S_IFSOCK | 0777;
		st.st_uid = kauth_cred_getuid(fp->f_cred);
		st.st_gid = kauth_cred_getgid(fp->f_cred);
	} else {
		err = EOPNOTSUPP;
	}
	fp_drop(p, uap->fd, fp, 0);
	if (err == 0)
		err = copyout(&st, uap->ub, sizeof(st));
	*retval = 0;
	return err;
}
SYSCALL_REGISTER(KH_SYS_fstat, sys_fstat, 2, 0);
