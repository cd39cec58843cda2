/*
 * kern_conf.c — the character-device switch (cdevsw_add/remove/isfree with
 * Darwin's search rules), the default entry points (enodev, enxio, nulldev,
 * ...) and the kernel's own memory devices: /dev/null and /dev/zero on
 * major 3 (minors 2 and 3, as XNU's "mm" driver).
 *
 * The table holds copies of the drivers' structures; an empty slot is all
 * zeroes. cdevsw_lock protects it; dev_cdevsw() hands out a copy, so a caller
 * never reads a slot while a kext rewrites it. A slot removed while a file on
 * it is open simply answers ENODEV from then on (the default entry points),
 * never jumps into an unloaded kext.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/conf.h>
#include <sys/uio.h>
#include <miscfs/devfs/devfs.h>
#include <kern/locks.h>
#include <string.h>
#include "host/khost.h"
#include "bsd/miscfs/devfs/devfs_internal.h"

static struct cdevsw cdevsw_table[NCHRDEV];
static lck_grp_t *cdevsw_grp;
static lck_mtx_t *cdevsw_lock;
static int cdevsw_state; /* 0, 1 starting, 2 ready */

static void mm_init(void);

void
dev_init(void)
{
	int expect = 0;

	if (__atomic_load_n(&cdevsw_state, __ATOMIC_ACQUIRE) == 2)
		return;
	if (!__atomic_compare_exchange_n(&cdevsw_state, &expect, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&cdevsw_state, __ATOMIC_ACQUIRE) != 2)
			khost_thread_yield();
		return;
	}
	cdevsw_grp = lck_grp_alloc_init("cdevsw", LCK_GRP_ATTR_NULL);
	cdevsw_lock = lck_mtx_alloc_init(cdevsw_grp, LCK_ATTR_NULL);
	devfs_init();
	__atomic_store_n(&cdevsw_state, 2, __ATOMIC_RELEASE);
	mm_init();
}

/* ---- defaults ------------------------------------------------------------------- */

int
enodev(void)
{
	return ENODEV;
}

void
enodev_strat(void)
{
	/* No block I/O in kexthost yet: nothing can reach a strategy routine. */
}

int
enoioctl(void)
{
	return ENOTTY;
}

int
enosys(void)
{
	return ENOSYS;
}

int
enxio(void)
{
	return ENXIO;
}

int
nulldev(void)
{
	return 0;
}

int
seltrue(dev_t dev, int which, struct proc *p)
{
	return 1;
}

/* ---- the table ---------------------------------------------------------------------- */

static int
cdevsw_slot_free(int i)
{
	static const struct cdevsw empty;

	return memcmp(&cdevsw_table[i], &empty, sizeof(empty)) == 0;
}

/* The major index names under the search rules, or -1. Caller holds cdevsw_lock. */
static int
cdevsw_pick(int index)
{
	lck_mtx_assert(cdevsw_lock, LCK_MTX_ASSERT_OWNED);
	if (index >= 0)
		return index < NCHRDEV && cdevsw_slot_free(index) ? index : -1;
	/* -1 starts at 1 (major 0 is the console's); -N starts at N. */
	for (int i = index == -1 ? 1 : -index; i < NCHRDEV; i++)
		if (cdevsw_slot_free(i))
			return i;
	return -1;
}

int
cdevsw_isfree(int index)
{
	int r;

	dev_init();
	lck_mtx_lock(cdevsw_lock);
	r = cdevsw_pick(index);
	lck_mtx_unlock(cdevsw_lock);
	return r;
}

int
cdevsw_add(int index, const struct cdevsw *csw)
{
	int r;

	if (csw == NULL || index < -NCHRDEV || index >= NCHRDEV)
		return -1;
	dev_init();
	lck_mtx_lock(cdevsw_lock);
	r = cdevsw_pick(index);
	if (r >= 0) {
		cdevsw_table[r] = *csw;
		/* A slot must never look free once taken, even for an all-NULL switch. */
		if (cdevsw_slot_free(r))
			cdevsw_table[r].d_type = -1;
	}
	lck_mtx_unlock(cdevsw_lock);
	return r;
}

int
cdevsw_remove(int index, const struct cdevsw *csw)
{
	int r = -1;

	if (csw == NULL || index < 0 || index >= NCHRDEV)
		return -1;
	dev_init();
	lck_mtx_lock(cdevsw_lock);
	if (memcmp(&cdevsw_table[index], csw, sizeof(*csw)) == 0) {
		memset(&cdevsw_table[index], 0, sizeof(cdevsw_table[index]));
		r = index;
	}
	lck_mtx_unlock(cdevsw_lock);
	return r;
}

int
dev_cdevsw(dev_t dev, struct cdevsw *out)
{
	int maj = major(dev);

	if (dev == NODEV || maj < 0 || maj >= NCHRDEV)
		return ENXIO;
	dev_init();
	lck_mtx_lock(cdevsw_lock);
	*out = cdevsw_table[maj];
	lck_mtx_unlock(cdevsw_lock);
	if (out->d_open == NULL && out->d_read == NULL && out->d_ioctl == NULL)
		return ENXIO;
	/* Missing entry points behave as the defaults. */
	if (out->d_open == NULL)
		out->d_open = nullopen;
	if (out->d_close == NULL)
		out->d_close = nullclose;
	if (out->d_read == NULL)
		out->d_read = eno_rdwrt;
	if (out->d_write == NULL)
		out->d_write = eno_rdwrt;
	if (out->d_ioctl == NULL)
		out->d_ioctl = eno_ioctl;
	if (out->d_select == NULL)
		out->d_select = (select_fcn_t *)(void (*)(void))seltrue;
	return 0;
}

/* ---- /dev/null and /dev/zero ------------------------------------------------------- */

#define MM_MAJOR 3
#define MM_NULL 2
#define MM_ZERO 3

static int
mm_open(dev_t dev, int flags, int devtype, struct proc *p)
{
	return minor(dev) == MM_NULL || minor(dev) == MM_ZERO ? 0 : ENXIO;
}

/* One read of up to 64 KiB is one copyout (one process_vm_writev for a client buffer). */
static const char mm_zeroes[65536];

static int
mm_read(dev_t dev, struct uio *uio, int ioflag)
{
	if (minor(dev) == MM_NULL)
		return 0;
	while (uio_resid(uio) > 0) {
		int n = uio_resid(uio) > (user_ssize_t)sizeof(mm_zeroes) ? (int)sizeof(mm_zeroes)
		                                                         : (int)uio_resid(uio);
		int err = uiomove(mm_zeroes, n, uio);

		if (err != 0)
			return err;
	}
	return 0;
}

static int
mm_write(dev_t dev, struct uio *uio, int ioflag)
{
	/* Swallow everything without touching it. */
	uio_update(uio, (user_size_t)uio_resid(uio));
	return 0;
}

static const struct cdevsw mm_cdevsw = {
        .d_open = mm_open,
        .d_close = nullclose,
        .d_read = mm_read,
        .d_write = mm_write,
        .d_ioctl = eno_ioctl,
        .d_stop = eno_stop,
        .d_reset = eno_reset,
        .d_select = (select_fcn_t *)(void (*)(void))seltrue,
        .d_mmap = eno_mmap,
        .d_strategy = eno_strat,
        .d_type = 0,
};

static void
mm_init(void)
{
	if (cdevsw_add(MM_MAJOR, &mm_cdevsw) != MM_MAJOR) {
		printf("kern_conf: major %d is taken; no /dev/null or /dev/zero\n", MM_MAJOR);
		return;
	}
	devfs_make_node(makedev(MM_MAJOR, MM_NULL), DEVFS_CHAR, UID_ROOT, GID_WHEEL, 0666, "null");
	devfs_make_node(makedev(MM_MAJOR, MM_ZERO), DEVFS_CHAR, UID_ROOT, GID_WHEEL, 0666, "zero");
}

/* Boot self-check: the memory devices are in the switch and in /dev. */
int
dev_selfcheck(void)
{
	struct devfs_nodeinfo n;
	struct cdevsw csw;

	dev_init();
	if (dev_cdevsw(makedev(MM_MAJOR, MM_ZERO), &csw) != 0 || csw.d_read != mm_read) {
		printf("dev: major %d is not the memory device\n", MM_MAJOR);
		return 1;
	}
	if (devfs_lookup("/dev/zero", &n) != 0 || n.dev != makedev(MM_MAJOR, MM_ZERO) || n.perms != 0666) {
		printf("dev: /dev/zero is missing or wrong\n");
		return 1;
	}
	return 0;
}

/* ---- safety net for kext unload ------------------------------------------------ */

static int
conf_in_range(const void *p, uintptr_t lo, uintptr_t hi)
{
	return (uintptr_t)p >= lo && (uintptr_t)p < hi;
}

struct conf_purge {
	uintptr_t lo, hi;
	uint64_t majors; /* bit m: major m was purged */
	void *victims[64];
	unsigned int nvictims;
};

static void
conf_purge_node(const struct devfs_nodeinfo *n, void *arg)
{
	struct conf_purge *c = arg;
	int maj = major(n->dev);

	if (c->nvictims < 64 && (conf_in_range((const void *)n->clone, c->lo, c->hi) ||
	                         (maj >= 0 && maj < NCHRDEV && (c->majors & (1ull << maj)))))
		c->victims[c->nvictims++] = n->handle;
}

unsigned int
dev_purge_range(uintptr_t lo, uintptr_t hi)
{
	struct conf_purge c = {.lo = lo, .hi = hi};
	unsigned int n = 0;

	if (lo >= hi)
		return 0;
	dev_init();
	lck_mtx_lock(cdevsw_lock);
	for (int i = 0; i < NCHRDEV; i++) {
		const struct cdevsw *d = &cdevsw_table[i];
		const void *fns[] = {(const void *)d->d_open,  (const void *)d->d_close,
		                     (const void *)d->d_read,  (const void *)d->d_write,
		                     (const void *)d->d_ioctl, (const void *)d->d_select,
		                     (const void *)d->d_stop,  (const void *)d->d_reset,
		                     (const void *)d->d_mmap,  (const void *)d->d_strategy};
		for (unsigned int f = 0; f < sizeof(fns) / sizeof(fns[0]); f++) {
			if (conf_in_range(fns[f], lo, hi)) {
				printf("kern_conf: removing major %d, left installed by an unloaded kext\n",
				       i);
				memset(&cdevsw_table[i], 0, sizeof(cdevsw_table[i]));
				c.majors |= 1ull << i;
				n++;
				break;
			}
		}
	}
	lck_mtx_unlock(cdevsw_lock);
	devfs_iterate(conf_purge_node, &c);
	for (unsigned int i = 0; i < c.nvictims; i++) {
		printf("devfs: removing a node left by an unloaded kext\n");
		devfs_remove(c.victims[i]);
		n++;
	}
	return n;
}
