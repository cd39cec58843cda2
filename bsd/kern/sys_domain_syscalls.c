/*
 * sys_domain_syscalls.c — the socket system calls for PF_SYSTEM sockets
 * (socket, connect, sendto, recvfrom, setsockopt, getsockopt, shutdown)
 * and the fileops that make such a socket an open file (read, write,
 * ioctl, close). Each handler checks and copies its arguments, then calls
 * the kernel-buffer socket layer (sys_domain.c). Only PF_SYSTEM exists
 * today: other domains answer EAFNOSUPPORT until the networking work adds
 * them.
 *
 * Whether the caller may use privileged controls is decided when the
 * socket is created, from the process's credential (root or not), as
 * XNU's connect checks the socket's creator credential.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <sys/uio.h>
#include <string.h>
#include <kern/kalloc.h>
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/file_internal.h"
#include "bsd/sys/syscall_internal.h"
#include "bsd/sys/sys_domain_internal.h"

#define SOSYS_MAX_IO (1024 * 1024) /* largest single send/recv */
#define SOSYS_MAX_OPT 4096         /* largest socket option value */
#define SOSYS_MAX_ADDR 255         /* largest socket address */

static int
sosys_fo_rw(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx, int write)
{
	struct sosys *so = fp->f_data;
	user_ssize_t resid = uio_resid(uio);
	size_t len = resid > SOSYS_MAX_IO ? SOSYS_MAX_IO : (size_t)resid, n = 0;
	int f = (fp->f_flag & FNONBLOCK) ? SOSYS_MSG_DONTWAIT : 0, of, err;
	char *buf;

	if (len == 0)
		return 0;
	buf = kalloc(len);
	if (buf == NULL)
		return ENOMEM;
	if (write) {
		err = uiomove(buf, (int)len, uio);
		if (err == 0)
			err = sosys_send(so, buf, len, f, &n);
	} else {
		err = sosys_recv(so, buf, len, f, &n, &of);
		if (err == 0 && n > 0)
			err = uiomove(buf, (int)n, uio);
	}
	kfree(buf, len);
	return err;
}

static int
sosys_fo_read(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx)
{
	return sosys_fo_rw(fp, uio, flags, ctx, 0);
}

static int
sosys_fo_write(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx)
{
	return sosys_fo_rw(fp, uio, flags, ctx, 1);
}

static int
sosys_fo_ioctl(struct fileproc *fp, u_long cmd, caddr_t data, vfs_context_t ctx)
{
	if (data == NULL)
		return EINVAL;
	return sosys_ioctl(fp->f_data, cmd, data);
}

static int
sosys_fo_select(struct fileproc *fp, int which, void *wql, vfs_context_t ctx)
{
	return sosys_select(fp->f_data, which, wql, current_proc());
}

static int
sosys_fo_close(struct fileproc *fp, vfs_context_t ctx)
{
	sosys_close(fp->f_data);
	fp->f_data = NULL;
	return 0;
}

static const struct fileops sosys_fileops = {
        .fo_type = DTYPE_SOCKET,
        .fo_read = sosys_fo_read,
        .fo_write = sosys_fo_write,
        .fo_ioctl = sosys_fo_ioctl,
        .fo_select = sosys_fo_select,
        .fo_close = sosys_fo_close,
};

/* The system socket open at fd (with an I/O reference: fp_drop it). */
static int
sosys_getsock(proc_t p, int fd, struct fileproc **fpp, struct sosys **sop)
{
	struct fileproc *fp;
	int err = fp_lookup(p, fd, &fp, 0);

	if (err != 0)
		return err;
	if (fp->f_ops != &sosys_fileops) {
		fp_drop(p, fd, fp, 0);
		return ENOTSOCK;
	}
	*fpp = fp;
	*sop = fp->f_data;
	return 0;
}

struct socket_args {
	SYSARG(int, domain);
	SYSARG(int, type);
	SYSARG(int, protocol);
};

static int
sys_socket(proc_t p, struct socket_args *uap, user_ssize_t *retval)
{
	struct fileproc *fp;
	struct sosys *so;
	int fd, err;

	if (uap->domain != PF_SYSTEM)
		return EAFNOSUPPORT;
	err = sosys_create(uap->type, uap->protocol, kauth_cred_issuser(p->p_ucred), &so);
	if (err != 0)
		return err;
	err = falloc(p, &fp, &fd, vfs_context_current());
	if (err != 0) {
		sosys_close(so);
		return err;
	}
	fp->f_ops = &sosys_fileops;
	fp->f_type = DTYPE_SOCKET;
	fp->f_data = so;
	fp->f_flag = FREAD | FWRITE;
	procfdtbl_releasefd(p, fd, fp);
	fp_drop(p, fd, fp, 0);
	*retval = fd;
	return 0;
}
SYSCALL_REGISTER(KH_SYS_socket, sys_socket, 3, 0);

struct connect_args {
	SYSARG(int, s);
	SYSARG(user_addr_t, name);
	SYSARG(uint32_t, namelen);
};

static int
sys_connect(proc_t p, struct connect_args *uap, user_ssize_t *retval)
{
	char addr[SOSYS_MAX_ADDR];
	struct fileproc *fp;
	struct sosys *so;
	int err;

	if (uap->namelen > sizeof(addr) || uap->namelen < 2)
		return EINVAL;
	err = copyin(uap->name, addr, uap->namelen);
	if (err != 0)
		return err;
	err = sosys_getsock(p, uap->s, &fp, &so);
	if (err != 0)
		return err;
	err = sosys_connect(so, addr, uap->namelen);
	fp_drop(p, uap->s, fp, 0);
	return err;
}
SYSCALL_REGISTER(KH_SYS_connect, sys_connect, 3, 0);

struct sendto_args {
	SYSARG(int, s);
	SYSARG(user_addr_t, buf);
	SYSARG(user_size_t, len);
	SYSARG(int, flags);
	SYSARG(user_addr_t, to);
	SYSARG(uint32_t, tolen);
};

static int
sys_sendto(proc_t p, struct sendto_args *uap, user_ssize_t *retval)
{
	struct fileproc *fp;
	struct sosys *so;
	char *buf = NULL;
	size_t sent = 0;
	int err;

	if (uap->to != 0)
		return EISCONN; /* system sockets are connected, never addressed per send */
	if (uap->len > SOSYS_MAX_IO)
		return EMSGSIZE;
	if (uap->len > 0) {
		buf = kalloc(uap->len);
		if (buf == NULL)
			return ENOBUFS;
		err = copyin(uap->buf, buf, uap->len);
		if (err != 0)
			goto out;
	}
	err = sosys_getsock(p, uap->s, &fp, &so);
	if (err != 0)
		goto out;
	if (fp->f_flag & FNONBLOCK)
		uap->flags |= SOSYS_MSG_DONTWAIT;
	err = sosys_send(so, buf, uap->len, uap->flags, &sent);
	fp_drop(p, uap->s, fp, 0);
	if (err == 0)
		*retval = (user_ssize_t)sent;
out:
	if (buf != NULL)
		kfree(buf, uap->len);
	return err;
}
SYSCALL_REGISTER(KH_SYS_sendto, sys_sendto, 6, 0);

struct recvfrom_args {
	SYSARG(int, s);
	SYSARG(user_addr_t, buf);
	SYSARG(user_size_t, len);
	SYSARG(int, flags);
	SYSARG(user_addr_t, from);
	SYSARG(user_addr_t, fromlenaddr);
};

static int
sys_recvfrom(proc_t p, struct recvfrom_args *uap, user_ssize_t *retval)
{
	struct fileproc *fp;
	struct sosys *so;
	size_t len = uap->len > SOSYS_MAX_IO ? SOSYS_MAX_IO : uap->len, got = 0;
	char *buf = NULL;
	int err, of;

	if (len > 0) {
		buf = kalloc(len);
		if (buf == NULL)
			return ENOBUFS;
	}
	err = sosys_getsock(p, uap->s, &fp, &so);
	if (err != 0)
		goto out;
	if (fp->f_flag & FNONBLOCK)
		uap->flags |= SOSYS_MSG_DONTWAIT;
	err = sosys_recv(so, buf, len, uap->flags, &got, &of);
	fp_drop(p, uap->s, fp, 0);
	if (err == 0 && got > 0)
		err = copyout(buf, uap->buf, got);
	if (err == 0 && uap->fromlenaddr != 0) {
		uint32_t zero = 0; /* no peer address for a system socket */

		err = copyout(&zero, uap->fromlenaddr, sizeof(zero));
	}
	if (err == 0)
		*retval = (user_ssize_t)got;
out:
	if (buf != NULL)
		kfree(buf, len);
	return err;
}
SYSCALL_REGISTER(KH_SYS_recvfrom, sys_recvfrom, 6, 0);

struct setsockopt_args {
	SYSARG(int, s);
	SYSARG(int, level);
	SYSARG(int, name);
	SYSARG(user_addr_t, val);
	SYSARG(uint32_t, valsize);
};

static int
sys_setsockopt(proc_t p, struct setsockopt_args *uap, user_ssize_t *retval)
{
	char val[SOSYS_MAX_OPT];
	struct fileproc *fp;
	struct sosys *so;
	int err;

	if (uap->valsize > sizeof(val))
		return EINVAL;
	if (uap->valsize > 0) {
		if (uap->val == 0)
			return EFAULT;
		err = copyin(uap->val, val, uap->valsize);
		if (err != 0)
			return err;
	}
	err = sosys_getsock(p, uap->s, &fp, &so);
	if (err != 0)
		return err;
	err = sosys_setopt(so, uap->level, uap->name, val, uap->valsize);
	fp_drop(p, uap->s, fp, 0);
	return err;
}
SYSCALL_REGISTER(KH_SYS_setsockopt, sys_setsockopt, 5, 0);

struct getsockopt_args {
	SYSARG(int, s);
	SYSARG(int, level);
	SYSARG(int, name);
	SYSARG(user_addr_t, val);
	SYSARG(user_addr_t, avalsize);
};

static int
sys_getsockopt(proc_t p, struct getsockopt_args *uap, user_ssize_t *retval)
{
	char val[SOSYS_MAX_OPT];
	struct fileproc *fp;
	struct sosys *so;
	uint32_t vlen = 0;
	size_t len;
	int err;

	if (uap->avalsize != 0) {
		err = copyin(uap->avalsize, &vlen, sizeof(vlen));
		if (err != 0)
			return err;
	}
	len = vlen > sizeof(val) ? sizeof(val) : vlen;
	err = sosys_getsock(p, uap->s, &fp, &so);
	if (err != 0)
		return err;
	err = sosys_getopt(so, uap->level, uap->name, uap->val != 0 ? val : NULL, &len);
	fp_drop(p, uap->s, fp, 0);
	if (err == 0 && uap->val != 0 && len > 0)
		err = copyout(val, uap->val, len > vlen ? vlen : len);
	if (err == 0 && uap->avalsize != 0) {
		vlen = (uint32_t)len;
		err = copyout(&vlen, uap->avalsize, sizeof(vlen));
	}
	return err;
}
SYSCALL_REGISTER(KH_SYS_getsockopt, sys_getsockopt, 5, 0);

struct shutdown_args {
	SYSARG(int, s);
	SYSARG(int, how);
};

static int
sys_shutdown(proc_t p, struct shutdown_args *uap, user_ssize_t *retval)
{
	struct fileproc *fp;
	struct sosys *so;
	int err = sosys_getsock(p, uap->s, &fp, &so);

	if (err != 0)
		return err;
	err = sosys_shutdown(so, uap->how);
	fp_drop(p, uap->s, fp, 0);
	return err;
}
SYSCALL_REGISTER(KH_SYS_shutdown, sys_shutdown, 2, 0);
