/*
 * BufferDevice — the workshop's "turning the extension into a character
 * device driver" exercise: /dev/bufdev is a FIFO byte buffer in the kernel.
 *
 *   write   appends what fits (ENOSPC when full)
 *   read    takes bytes out; blocks while empty (msleep with PCATCH, so a
 *           signal or the client's death ends it with EINTR), or EWOULDBLOCK
 *           for a non-blocking open
 *   ioctl   BUFDEV_GETSIZE / BUFDEV_SETSIZE (capacity), BUFDEV_CLEAR,
 *           BUFDEV_GETLEN (see BufferDevice.h)
 *   select  readable when not empty, writable when not full
 *
 * start: cdevsw_add(-24, ...) picks a free major from 24 up, then
 * devfs_make_node publishes /dev/bufdev (root:wheel 0666). stop refuses while
 * the device is open, then removes the nodes and the switch entry.
 * /dev/bufdev.root is the same device with mode 0600: only root may open it.
 * Try it with the bufdevctl program (kexts/BufferDevice/user).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/conf.h>
#include <sys/uio.h>
#include <sys/select.h>
#include <sys/proc.h>
#include <miscfs/devfs/devfs.h>
#include <kern/locks.h>
#include <libkern/OSMalloc.h>
#include "BufferDevice.h"

kern_return_t BufferDevice_start(kmod_info_t *ki, void *d);
kern_return_t BufferDevice_stop(kmod_info_t *ki, void *d);

static struct {
	lck_grp_t *grp;
	lck_mtx_t *lock;
	OSMallocTag tag;
	char *data; /* BUFDEV_MAX bytes */
	int len;    /* bytes stored, at data[0..len) */
	int size;   /* capacity */
	int opens;
	int major;
	void *node;
	void *rootnode; /* the same device, root only (0600) */
	struct selinfo rsel, wsel;
} bd = {.major = -1};

static int
bd_open(dev_t dev, int flags, int devtype, struct proc *p)
{
	lck_mtx_lock(bd.lock);
	bd.opens++;
	lck_mtx_unlock(bd.lock);
	printf("BufferDevice: opened by pid %d\n", proc_selfpid());
	return 0;
}

static int
bd_close(dev_t dev, int flags, int devtype, struct proc *p)
{
	lck_mtx_lock(bd.lock);
	bd.opens--;
	lck_mtx_unlock(bd.lock);
	return 0;
}

static int
bd_read(dev_t dev, struct uio *uio, int ioflag)
{
	int err = 0, n;

	lck_mtx_lock(bd.lock);
	while (bd.len == 0) {
		if (ioflag & IO_NDELAY) {
			err = EWOULDBLOCK;
			goto out;
		}
		err = msleep(&bd.len, bd.lock, PRIBIO | PCATCH, "bufdev", NULL);
		if (err != 0)
			goto out;
	}
	n = uio_resid(uio) < bd.len ? (int)uio_resid(uio) : bd.len;
	err = uiomove(bd.data, n, uio);
	if (err == 0) {
		memmove(bd.data, bd.data + n, (size_t)(bd.len - n));
		bd.len -= n;
		selwakeup(&bd.wsel);
	}
out:
	lck_mtx_unlock(bd.lock);
	return err;
}

static int
bd_write(dev_t dev, struct uio *uio, int ioflag)
{
	int err = 0, n;

	lck_mtx_lock(bd.lock);
	if (bd.len >= bd.size) {
		err = ENOSPC;
		goto out;
	}
	n = uio_resid(uio) < bd.size - bd.len ? (int)uio_resid(uio) : bd.size - bd.len;
	err = uiomove(bd.data + bd.len, n, uio);
	if (err == 0) {
		bd.len += n;
		wakeup(&bd.len);
		selwakeup(&bd.rsel);
	}
out:
	lck_mtx_unlock(bd.lock);
	return err;
}

static int
bd_ioctl(dev_t dev, u_long cmd, caddr_t data, int fflag, struct proc *p)
{
	int err = 0, v;

	lck_mtx_lock(bd.lock);
	switch (cmd) {
	case BUFDEV_GETSIZE:
		*(int *)data = bd.size;
		break;
	case BUFDEV_GETLEN:
		*(int *)data = bd.len;
		break;
	case BUFDEV_SETSIZE:
		v = *(int *)data;
		if (v < 1 || v > BUFDEV_MAX || v < bd.len)
			err = EINVAL;
		else
			bd.size = v;
		selwakeup(&bd.wsel);
		break;
	case BUFDEV_CLEAR:
		bd.len = 0;
		selwakeup(&bd.wsel);
		break;
	default:
		err = ENOTTY;
	}
	lck_mtx_unlock(bd.lock);
	return err;
}

static int
bd_select(dev_t dev, int which, void *wql, struct proc *p)
{
	int ready = 0;

	lck_mtx_lock(bd.lock);
	if (which == FREAD) {
		ready = bd.len > 0;
		if (!ready)
			selrecord(p, &bd.rsel, wql);
	} else if (which == FWRITE) {
		ready = bd.len < bd.size;
		if (!ready)
			selrecord(p, &bd.wsel, wql);
	}
	lck_mtx_unlock(bd.lock);
	return ready;
}

static struct cdevsw bd_cdevsw = {
        .d_open = bd_open,
        .d_close = bd_close,
        .d_read = bd_read,
        .d_write = bd_write,
        .d_ioctl = bd_ioctl,
        .d_stop = eno_stop,
        .d_reset = eno_reset,
        .d_ttys = NULL,
        .d_select = bd_select,
        .d_mmap = eno_mmap,
        .d_strategy = eno_strat,
        .d_type = 0,
};

kern_return_t
BufferDevice_start(kmod_info_t *ki, void *d)
{
	bd.grp = lck_grp_alloc_init("BufferDevice", LCK_GRP_ATTR_NULL);
	bd.lock = lck_mtx_alloc_init(bd.grp, LCK_ATTR_NULL);
	bd.tag = OSMalloc_Tagalloc("com.example.kext.BufferDevice", OSMT_DEFAULT);
	bd.data = bd.tag ? OSMalloc(BUFDEV_MAX, bd.tag) : NULL;
	if (bd.lock == NULL || bd.data == NULL)
		goto fail;
	bd.size = 4096;
	bd.len = 0;
	bd.major = cdevsw_add(-24, &bd_cdevsw);
	if (bd.major < 0) {
		printf("BufferDevice: no free major number\n");
		goto fail;
	}
	bd.node = devfs_make_node(makedev(bd.major, 0), DEVFS_CHAR, UID_ROOT, GID_WHEEL, 0666, BUFDEV_NAME);
	if (bd.node == NULL) {
		printf("BufferDevice: cannot make /dev/%s\n", BUFDEV_NAME);
		cdevsw_remove(bd.major, &bd_cdevsw);
		goto fail;
	}
	bd.rootnode = devfs_make_node(makedev(bd.major, 0), DEVFS_CHAR, UID_ROOT, GID_WHEEL, 0600, "%s.root",
	                              BUFDEV_NAME);
	printf("BufferDevice: /dev/%s is major %d\n", BUFDEV_NAME, bd.major);
	return KERN_SUCCESS;
fail:
	if (bd.data != NULL)
		OSFree(bd.data, BUFDEV_MAX, bd.tag);
	if (bd.tag != NULL)
		OSMalloc_Tagfree(bd.tag);
	if (bd.lock != NULL)
		lck_mtx_free(bd.lock, bd.grp);
	if (bd.grp != NULL)
		lck_grp_free(bd.grp);
	return KERN_FAILURE;
}

kern_return_t
BufferDevice_stop(kmod_info_t *ki, void *d)
{
	lck_mtx_lock(bd.lock);
	if (bd.opens > 0) {
		lck_mtx_unlock(bd.lock);
		printf("BufferDevice: still open %d time(s); not unloading\n", bd.opens);
		return KERN_FAILURE;
	}
	lck_mtx_unlock(bd.lock);
	devfs_remove(bd.node);
	devfs_remove(bd.rootnode);
	if (cdevsw_remove(bd.major, &bd_cdevsw) != bd.major)
		printf("BufferDevice: cdevsw_remove failed\n");
	selthreadclear(&bd.rsel);
	selthreadclear(&bd.wsel);
	OSFree(bd.data, BUFDEV_MAX, bd.tag);
	OSMalloc_Tagfree(bd.tag);
	lck_mtx_free(bd.lock, bd.grp);
	lck_grp_free(bd.grp);
	printf("BufferDevice: unloaded\n");
	return KERN_SUCCESS;
}
