/*
 * file_internal.h — open files and the descriptor table (kexthost's generic
 * fd layer).
 *
 * An open file is a struct fileproc: the operations of its kind (a device
 * vnode, a PF_SYSTEM socket, ...) in f_ops, the kind's own object in
 * f_data, the open mode (FREAD/FWRITE) and the offset. A descriptor number
 * indexes the process's table (struct filedesc in proc_internal.h).
 *
 * Lifetime: each fd_lookup-style use holds an I/O reference (fp_lookup →
 * fp_drop). close(2) (fp_close) takes the file out of the table at once; the
 * kind's fo_close runs when the last I/O reference is dropped, so a call in
 * progress on another thread finishes on a still-valid file. Client death
 * closes every descriptor the same way (fdfree).
 *
 * How a kind opens a file (inside its syscall handler):
 *
 *	struct fileproc *fp; int fd, error;
 *	error = falloc(p, &fp, &fd, ctx);      // reserves fd; fp holds 1 I/O ref
 *	if (error) return error;
 *	fp->f_ops = &my_fileops; fp->f_data = obj; fp->f_flag = FREAD|FWRITE;
 *	procfdtbl_releasefd(p, fd, fp);        // publish: lookups now find it
 *	fp_drop(p, fd, fp, 0);                 // drop falloc's reference
 *	*retval = fd;
 * On a failure after falloc: fp_free(p, fd, fp) (no fo_close runs).
 */
#ifndef _BSD_SYS_FILE_INTERNAL_H_
#define _BSD_SYS_FILE_INTERNAL_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <sys/uio.h>
#include "bsd/sys/proc_internal.h"

__BEGIN_DECLS

/* Open-mode flags in f_flag (Darwin's FREAD/FWRITE = O_RDONLY+1 / O_WRONLY+1). */
#ifndef FREAD
#define FREAD 0x0001
#define FWRITE 0x0002
#endif
#ifndef FNONBLOCK
#define FNONBLOCK 0x0004 /* O_NONBLOCK */
#endif

/* Kinds of open file (f_type / fo_type), as Darwin's DTYPE_*. */
typedef enum {
	DTYPE_VNODE = 1,
	DTYPE_SOCKET = 2,
	DTYPE_PSXSHM = 3,
	DTYPE_PSXSEM = 4,
	DTYPE_KQUEUE = 5,
	DTYPE_PIPE = 6,
	DTYPE_FSEVENTS = 7,
} file_type_t;

/* select "which" values are FREAD, FWRITE, or 0 for exceptional conditions. */

struct fileproc;
struct fileops {
	file_type_t fo_type;
	/* uio carries the caller's buffer and the offset (f_offset unless the call gave one). */
	int (*fo_read)(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx);
	int (*fo_write)(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx);
	/* data: the argument already copied in (IOCPARM_LEN(cmd) bytes) and copied out after. */
	int (*fo_ioctl)(struct fileproc *fp, u_long cmd, caddr_t data, vfs_context_t ctx);
	/* Returns 1 when ready for `which`; otherwise records wql (selrecord) and returns 0. */
	int (*fo_select)(struct fileproc *fp, int which, void *wql, vfs_context_t ctx);
	/* Last reference gone: release f_data. Its result is what close(2) reports when it ran there. */
	int (*fo_close)(struct fileproc *fp, vfs_context_t ctx);
};

/* fo_read/fo_write flags. */
#define FOF_OFFSET 0x00000001 /* use uio_offset, not f_offset (pread/pwrite) */

struct fileproc {
	const struct fileops *f_ops;
	void *f_data; /* the kind's object (vnode, socket, ...) */
	int f_flag;   /* FREAD | FWRITE | FNONBLOCK ... */
	file_type_t f_type;
	off_t f_offset;      /* the file offset (lseek) */
	uint32_t f_iocount;  /* I/O references (under the owning proc's lock) */
	kauth_cred_t f_cred; /* credential at open (referenced) */
	proc_t f_proc;       /* owner */
};

#define fp_get_data(fp) ((fp)->f_data)

/* ---- descriptor table (bsd/kern/kern_descrip.c) ------------------------- */

/* Reserve the lowest free descriptor and a fresh fileproc (1 I/O ref). EMFILE, ENOMEM. */
int falloc(proc_t p, struct fileproc **resultfp, int *resultfd, vfs_context_t ctx);
/* Publish a reserved descriptor so lookups find fp. */
void procfdtbl_releasefd(proc_t p, int fd, struct fileproc *fp);
/* Undo falloc (before publication): free the slot and fp without fo_close. */
void fp_free(proc_t p, int fd, struct fileproc *fp);
/* Find fd's file and take an I/O reference. EBADF when not open. locked: caller holds proc_lock. */
int fp_lookup(proc_t p, int fd, struct fileproc **resultfp, int locked);
/* Drop an I/O reference; the last one after close runs fo_close. */
int fp_drop(proc_t p, int fd, struct fileproc *fp, int locked);
/* close(2): remove fd from the table; fo_close runs now or at the last fp_drop. EBADF. */
int fp_close(proc_t p, int fd, vfs_context_t ctx);
/* Close every descriptor (client exit). */
void fdfree(proc_t p);
/* Open descriptors of p. */
int fd_count(proc_t p);

/* Generic operations through f_ops (check FREAD/FWRITE, then call the kind). */
int fo_read(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx);
int fo_write(struct fileproc *fp, struct uio *uio, int flags, vfs_context_t ctx);
int fo_ioctl(struct fileproc *fp, u_long com, caddr_t data, vfs_context_t ctx);
int fo_select(struct fileproc *fp, int which, void *wql, vfs_context_t ctx);

__END_DECLS

#endif /* _BSD_SYS_FILE_INTERNAL_H_ */
