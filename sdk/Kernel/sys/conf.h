/*
 * sys/conf.h — the character-device switch: a driver describes its entry
 * points in a struct cdevsw and installs it at a major number with
 * cdevsw_add(); the kernel routes open/close/read/write/ioctl/select on a
 * device node (see <miscfs/devfs/devfs.h>) to them by the node's major
 * number. Entry points a driver does not implement point at the defaults
 * below (eno_* fail with ENODEV, null* succeed). Layout and names are
 * Darwin's.
 */
#ifndef _SYS_CONF_H_
#define _SYS_CONF_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>

struct tty;

/* Device kinds (d_type). */
#define D_TAPE 1
#define D_DISK 2
#define D_TTY 3

typedef int open_close_fcn_t(dev_t dev, int flags, int devtype, struct proc *p);
typedef int read_write_fcn_t(dev_t dev, struct uio *uio, int ioflag);
typedef int ioctl_fcn_t(dev_t dev, u_long cmd, caddr_t data, int fflag, struct proc *p);
typedef int stop_fcn_t(struct tty *tp, int rw);
typedef int reset_fcn_t(int uban);
typedef int select_fcn_t(dev_t dev, int which, void *wql, struct proc *p);
typedef int mmap_fcn_t(void);
typedef void strategy_fcn_t(struct buf *bp);

typedef open_close_fcn_t d_open_t;
typedef open_close_fcn_t d_close_t;
typedef read_write_fcn_t d_read_t;
typedef read_write_fcn_t d_write_t;
typedef ioctl_fcn_t d_ioctl_t;
typedef stop_fcn_t d_stop_t;
typedef reset_fcn_t d_reset_t;
typedef select_fcn_t d_select_t;
typedef mmap_fcn_t d_mmap_t;
typedef strategy_fcn_t d_strategy_t;

__BEGIN_DECLS
int enodev(void);                                  /* ENODEV */
void enodev_strat(void);                           /* a strategy routine that fails the buffer */
int enoioctl(void);                                /* ENOTTY */
int enosys(void);                                  /* ENOSYS */
int enxio(void);                                   /* ENXIO */
int nulldev(void);                                 /* 0 */
int seltrue(dev_t dev, int which, struct proc *p); /* always ready */
__END_DECLS

#define eno_opcl ((open_close_fcn_t *)(void (*)(void)) & enodev)
#define eno_rdwrt ((read_write_fcn_t *)(void (*)(void)) & enodev)
#define eno_ioctl ((ioctl_fcn_t *)(void (*)(void)) & enoioctl)
#define eno_stop ((stop_fcn_t *)(void (*)(void)) & enodev)
#define eno_reset ((reset_fcn_t *)(void (*)(void)) & enodev)
#define eno_mmap ((mmap_fcn_t *)(void (*)(void)) & enodev)
#define eno_strat ((strategy_fcn_t *)(void (*)(void)) & enodev_strat)
#define eno_select ((select_fcn_t *)(void (*)(void)) & enodev)
#define nullopen ((d_open_t *)(void (*)(void)) & nulldev)
#define nullclose ((d_close_t *)(void (*)(void)) & nulldev)
#define nullread ((d_read_t *)(void (*)(void)) & nulldev)
#define nullwrite ((d_write_t *)(void (*)(void)) & nulldev)
#define nullioctl ((d_ioctl_t *)(void (*)(void)) & nulldev)
#define nullselect ((d_select_t *)(void (*)(void)) & nulldev)
#define nullstop ((d_stop_t *)(void (*)(void)) & nulldev)
#define nullreset ((d_reset_t *)(void (*)(void)) & nulldev)

struct cdevsw {
	open_close_fcn_t *d_open;
	open_close_fcn_t *d_close;
	read_write_fcn_t *d_read;
	read_write_fcn_t *d_write;
	ioctl_fcn_t *d_ioctl;
	stop_fcn_t *d_stop;
	reset_fcn_t *d_reset;
	struct tty **d_ttys;
	select_fcn_t *d_select;
	mmap_fcn_t *d_mmap;
	strategy_fcn_t *d_strategy;
	void *d_reserved_1;
	void *d_reserved_2;
	int d_type;
};

/* Open-mode bits passed to d_open/d_close/d_ioctl and the `which` of d_select (Darwin: sys/fcntl.h). */
#ifndef FREAD
#define FREAD 0x0001
#define FWRITE 0x0002
#endif

/* d_read/d_write ioflag bits (Darwin declares them in sys/vnode.h). */
#ifndef IO_NDELAY
#define IO_NDELAY 0x0010 /* the file was opened O_NONBLOCK: don't block */
#endif

/* Majors in the table (0..NCHRDEV-1). */
#define NCHRDEV 64

__BEGIN_DECLS
/*
 * Install csw at major `index`. index -1: the first free major from 1 up;
 * index < -1: the first free major from -index up (kexts pass -24 to stay
 * clear of the fixed majors). Returns the major, or -1 (in use, none free,
 * out of range).
 */
int cdevsw_add(int index, const struct cdevsw *csw);
/* Remove csw from major index; -1 unless the table holds exactly csw there. */
int cdevsw_remove(int index, const struct cdevsw *csw);
/* The major index would give (same search rules), or -1. */
int cdevsw_isfree(int index);
__END_DECLS

#endif /* _SYS_CONF_H_ */
