/*
 * test_dev.c — character devices in the kernel: the cdevsw table and its
 * search rules, devfs nodes, and the device system calls run through the
 * syscall dispatcher for a process whose user memory is this test's own
 * (so copyin/copyout really cross process_vm_readv/writev): open with the
 * node's permissions, read/write, ioctl with the argument copied by its
 * encoded size, clone nodes, poll/select with selwakeup, a blocking read
 * ended by the client's death, /dev/zero and /dev/null, and __sysctl.
 */
#include "tests/ktest.h"
#include <sys/errno.h>
#include <sys/conf.h>
#include <sys/ioccom.h>
#include <sys/select.h>
#include <sys/uio.h>
#include <sys/sysctl.h>
#include <miscfs/devfs/devfs.h>
#include <kern/thread.h>
#include <kern/locks.h>
#include <string.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"
#include "bsd/miscfs/devfs/devfs_internal.h"
#include "bsd/kern/kern_sysctl.h"

static int tst_opens, tst_closes;
static char tst_buf[256];
static int tst_len;
static struct selinfo tst_sel;
static lck_mtx_t *tst_mtx;
static int tst_last_minor;
static int tst_sleeping; /* under tst_mtx; read with atomics */

struct tst_pair {
	int a, b;
};
#define TST_GETLEN _IOR('t', 1, int)
#define TST_SWAP _IOWR('t', 2, struct tst_pair)
#define TST_CLEAR _IO('t', 3)
#define TST_SETLEN _IOW('t', 4, int)

static int
tst_open(dev_t dev, int flags, int devtype, struct proc *p)
{
	__atomic_fetch_add(&tst_opens, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&tst_last_minor, minor(dev), __ATOMIC_RELAXED);
	return minor(dev) == 99 ? ENXIO : 0;
}

static int
tst_close(dev_t dev, int flags, int devtype, struct proc *p)
{
	__atomic_fetch_add(&tst_closes, 1, __ATOMIC_RELAXED);
	return 0;
}

static int
tst_read(dev_t dev, struct uio *uio, int ioflag)
{
	int err = 0;

	lck_mtx_lock(tst_mtx);
	while (tst_len == 0) {
		if (ioflag & IO_NDELAY) {
			lck_mtx_unlock(tst_mtx);
			return EWOULDBLOCK;
		}
		__atomic_fetch_add(&tst_sleeping, 1, __ATOMIC_RELEASE);
		err = msleep(&tst_len, tst_mtx, PCATCH | PRIBIO, "tstread", NULL);
		__atomic_fetch_sub(&tst_sleeping, 1, __ATOMIC_RELEASE);
		if (err != 0) {
			lck_mtx_unlock(tst_mtx);
			return err;
		}
	}
	int n = uio_resid(uio) < tst_len ? (int)uio_resid(uio) : tst_len;
	err = uiomove(tst_buf, n, uio);
	if (err == 0) {
		memmove(tst_buf, tst_buf + n, (size_t)(tst_len - n));
		tst_len -= n;
	}
	lck_mtx_unlock(tst_mtx);
	return err;
}

static int
tst_write(dev_t dev, struct uio *uio, int ioflag)
{
	int err;

	lck_mtx_lock(tst_mtx);
	int n = uio_resid(uio) < (int)sizeof(tst_buf) - tst_len ? (int)uio_resid(uio)
	                                                        : (int)sizeof(tst_buf) - tst_len;
	err = uiomove(tst_buf + tst_len, n, uio);
	if (err == 0)
		tst_len += n;
	wakeup(&tst_len);
	selwakeup(&tst_sel);
	lck_mtx_unlock(tst_mtx);
	return err;
}

static int
tst_ioctl(dev_t dev, u_long cmd, caddr_t data, int fflag, struct proc *p)
{
	switch (cmd) {
	case TST_GETLEN:
		*(int *)data = tst_len;
		return 0;
	case TST_SETLEN:
		if (*(int *)data < 0 || *(int *)data > (int)sizeof(tst_buf))
			return EINVAL;
		tst_len = *(int *)data;
		return 0;
	case TST_SWAP: {
		struct tst_pair *pr = (struct tst_pair *)data;
		int t = pr->a;
		pr->a = pr->b;
		pr->b = t;
		return 0;
	}
	case TST_CLEAR:
		tst_len = 0;
		return 0;
	}
	return ENOTTY;
}

static int
tst_select(dev_t dev, int which, void *wql, struct proc *p)
{
	int ready;

	lck_mtx_lock(tst_mtx);
	ready = which == FWRITE || tst_len > 0;
	if (!ready)
		selrecord(p, &tst_sel, wql);
	lck_mtx_unlock(tst_mtx);
	return ready;
}

static struct cdevsw tst_cdevsw = {
        .d_open = tst_open,
        .d_close = tst_close,
        .d_read = tst_read,
        .d_write = tst_write,
        .d_ioctl = tst_ioctl,
        .d_stop = eno_stop,
        .d_reset = eno_reset,
        .d_select = tst_select,
        .d_mmap = eno_mmap,
        .d_strategy = eno_strat,
        .d_type = 0,
};

static int tst_major = -1;
static int clone_next = 100, clone_freed; /* minor 99 is the one tst_open refuses */

static int
tst_clone(dev_t dev, int action)
{
	if (action == DEVFS_CLONE_ALLOC)
		return __atomic_fetch_add(&clone_next, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&clone_freed, 1, __ATOMIC_RELAXED);
	return 0;
}

static void
tst_setup(void)
{
	tst_mtx = lck_mtx_alloc_init(lck_grp_alloc_init("tst", NULL), NULL);
	tst_major = cdevsw_add(-24, &tst_cdevsw);
	ck_assert_int_ge(tst_major, 24);
	ck_assert_ptr_nonnull(
	        devfs_make_node(makedev(tst_major, 0), DEVFS_CHAR, UID_ROOT, GID_WHEEL, 0600, "tst0"));
	ck_assert_ptr_nonnull(
	        devfs_make_node(makedev(tst_major, 1), DEVFS_CHAR, UID_ROOT, 20, 0664, "tst%d", 1));
	ck_assert_ptr_nonnull(
	        devfs_make_node(makedev(tst_major, 99), DEVFS_CHAR, UID_ROOT, GID_WHEEL, 0666, "tstbad"));
	ck_assert_ptr_nonnull(devfs_make_node_clone(makedev(tst_major, 0), DEVFS_CHAR, UID_ROOT, GID_WHEEL,
	                                            0666, tst_clone, "tstclone"));
	ck_assert_int_eq(proc_init(), 0);
	ck_assert_int_eq(syscall_init(), 0);
}

static proc_t
attach(uid_t uid, gid_t gid)
{
	proc_t p;

	ck_assert_int_eq(proc_attach(khost_getpid(), uid, gid, -1, &p), 0);
	ck_assert_int_eq(proc_call_begin(p), 0);
	return p;
}

static void
detach(proc_t p)
{
	proc_call_end(p);
	proc_exit(p);
}

static int
sc(proc_t p, uint32_t nr, user_ssize_t *rv, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t args[4] = {a0, a1, a2, a3};
	user_ssize_t r = 0;
	int err = syscall_dispatch(p, nr, args, 4, &r);

	if (rv != NULL)
		*rv = r;
	return err;
}

#define U(x) ((uint64_t)(uintptr_t)(x))

START_TEST(test_cdevsw_table)
{
	ck_assert_int_eq(dev_selfcheck(), 0);
	struct cdevsw other = tst_cdevsw;

	ck_assert_int_eq(cdevsw_add(3, &tst_cdevsw), -1); /* /dev/null's major */
	int m1 = cdevsw_add(-1, &tst_cdevsw);
	ck_assert_int_ge(m1, 1);
	ck_assert_int_lt(m1, 24);
	int m2 = cdevsw_add(-30, &tst_cdevsw);
	ck_assert_int_ge(m2, 30);
	ck_assert_int_eq(cdevsw_add(m2, &tst_cdevsw), -1);
	ck_assert_int_eq(cdevsw_add(NCHRDEV, &tst_cdevsw), -1);
	ck_assert_int_eq(cdevsw_add(-NCHRDEV - 1, &tst_cdevsw), -1);
	ck_assert_int_eq(cdevsw_add(5, NULL), -1);
	other.d_type = 7;
	ck_assert_int_eq(cdevsw_remove(m2, &other), -1); /* not the same switch */
	ck_assert_int_eq(cdevsw_remove(m2, &tst_cdevsw), m2);
	ck_assert_int_eq(cdevsw_isfree(m2), m2);
	ck_assert_int_eq(cdevsw_remove(m1, &tst_cdevsw), m1);
	/* A kext that forgot cdevsw_remove/devfs_remove: the unload safety net cleans up. */
	int m3 = cdevsw_add(-40, &tst_cdevsw);
	struct devfs_nodeinfo ni;
	ck_assert_int_ge(m3, 40);
	ck_assert_ptr_nonnull(devfs_make_node(makedev(m3, 0), DEVFS_CHAR, 0, 0, 0600, "purgeme"));
	ck_assert_uint_eq(dev_purge_range(1, 4096), 0);
	ck_assert_uint_eq(dev_purge_range((uintptr_t)tst_read, (uintptr_t)tst_read + 1), 2);
	ck_assert_int_eq(cdevsw_isfree(m3), m3);
	ck_assert_int_eq(devfs_lookup("/dev/purgeme", &ni), ENOENT);
	ck_assert_int_eq(devfs_lookup("/dev/zero", &ni), 0);
	ck_assert_int_eq(enodev(), ENODEV);
	ck_assert_int_eq(enxio(), ENXIO);
	ck_assert_int_eq(nulldev(), 0);
	ck_assert_int_eq(enoioctl(), ENOTTY);
	/* ioctl encoding */
	ck_assert_uint_eq(IOCPARM_LEN(TST_SWAP), sizeof(struct tst_pair));
	ck_assert(TST_SWAP & IOC_IN && TST_SWAP & IOC_OUT);
	ck_assert(TST_CLEAR & IOC_VOID);
	ck_assert_uint_eq(IOCGROUP(TST_GETLEN), 't');
}
END_TEST

START_TEST(test_devfs_nodes)
{
	struct devfs_nodeinfo n;

	tst_setup();
	ck_assert_ptr_null(
	        devfs_make_node(makedev(tst_major, 5), DEVFS_CHAR, 0, 0, 0600, "tst0")); /* exists */
	ck_assert_ptr_null(devfs_make_node(makedev(tst_major, 5), DEVFS_CHAR, 0, 0, 0600, "../x"));
	ck_assert_ptr_null(devfs_make_node(makedev(tst_major, 5), DEVFS_CHAR, 0, 0, 0600, "%s", ""));
	ck_assert_int_eq(devfs_lookup("/dev/tst1", &n), 0);
	ck_assert_int_eq(n.gid, 20);
	ck_assert_int_eq(n.perms, 0664);
	ck_assert_int_eq(devfs_lookup("/dev/null", &n), 0);
	ck_assert_int_eq(major(n.dev), 3);
	void *h = devfs_make_node(makedev(tst_major, 7), DEVFS_CHAR, 0, 0, 0600, "sub/tst7");
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(devfs_lookup("/dev/sub/tst7", &n), 0);
	devfs_remove(h);
	ck_assert_int_eq(devfs_lookup("/dev/sub/tst7", &n), ENOENT);

	/* The listing through sysctl. */
	char buf[4096];
	size_t len = sizeof(buf);
	ck_assert_int_eq(kernel_sysctlbyname("kern.kexthost.devfs", buf, &len, NULL, 0), 0);
	ck_assert_ptr_nonnull(strstr(buf, " null\n"));
	ck_assert_ptr_nonnull(strstr(buf, "c0600 0 0 "));
	ck_assert_ptr_nonnull(strstr(buf, "tstclone (clone)"));
}
END_TEST

START_TEST(test_open_permissions)
{
	user_ssize_t fd;
	proc_t p;

	tst_setup();
	/* uid 501, gid 20: not the 0600 node; the 0664 group node read-write; the 0666 bad minor fails in d_open. */
	p = attach(501, 20);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/tst0"), 0, 0, 0), EACCES);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/tst1"), 2, 0, 0), 0);
	ck_assert_int_eq(sc(p, KH_SYS_close, NULL, (uint64_t)fd, 0, 0, 0), 0);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/tstbad"), 0, 0, 0), ENXIO);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/nosuch"), 0, 0, 0), ENOENT);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/etc/passwd"), 0, 0, 0), ENOENT);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, 16, 0, 0, 0), EFAULT);
	detach(p);
	/* Another group: only the "other" bits (read) of tst1. */
	p = attach(502, 30);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/tst1"), 2, 0, 0), EACCES);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/tst1"), 0, 0, 0), 0);
	detach(p);
	/* Root opens anything. */
	p = attach(0, 0);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/tst0"), 2, 0, 0), 0);
	detach(p);
	ck_assert_int_eq(tst_opens, tst_closes + 1); /* the ENXIO open has no close */
}
END_TEST

START_TEST(test_read_write_ioctl)
{
	user_ssize_t fd, rv;
	char out[64];
	int v = 0;
	struct tst_pair pr = {1, 2};
	proc_t p;

	tst_setup();
	p = attach(0, 0);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/tst0"), 2, 0, 0), 0);
	ck_assert_int_eq(sc(p, KH_SYS_write, &rv, (uint64_t)fd, U("hello world"), 11, 0), 0);
	ck_assert_int_eq(rv, 11);
	ck_assert_int_eq(sc(p, KH_SYS_ioctl, &rv, (uint64_t)fd, TST_GETLEN, U(&v), 0), 0);
	ck_assert_int_eq(v, 11);
	ck_assert_int_eq(sc(p, KH_SYS_ioctl, &rv, (uint64_t)fd, TST_SWAP, U(&pr), 0), 0);
	ck_assert_int_eq(pr.a, 2);
	ck_assert_int_eq(pr.b, 1);
	memset(out, 0, sizeof(out));
	ck_assert_int_eq(sc(p, KH_SYS_read, &rv, (uint64_t)fd, U(out), 5, 0), 0);
	ck_assert_int_eq(rv, 5);
	ck_assert_str_eq(out, "hello");
	v = 3;
	ck_assert_int_eq(sc(p, KH_SYS_ioctl, &rv, (uint64_t)fd, TST_SETLEN, U(&v), 0), 0);
	ck_assert_int_eq(sc(p, KH_SYS_read, &rv, (uint64_t)fd, U(out), sizeof(out), 0), 0);
	ck_assert_int_eq(rv, 3);
	ck_assert_int_eq(sc(p, KH_SYS_ioctl, &rv, (uint64_t)fd, TST_CLEAR, 0, 0), 0);
	ck_assert_int_eq(sc(p, KH_SYS_ioctl, &rv, (uint64_t)fd, _IO('t', 77), 0, 0), ENOTTY);
	/* Bad user addresses: EFAULT, never a crash. */
	ck_assert_int_eq(sc(p, KH_SYS_ioctl, &rv, (uint64_t)fd, TST_GETLEN, 8, 0), EFAULT);
	ck_assert_int_eq(sc(p, KH_SYS_ioctl, &rv, (uint64_t)fd, TST_SWAP, 8, 0), EFAULT);
	ck_assert_int_eq(sc(p, KH_SYS_write, &rv, (uint64_t)fd, 8, 4, 0), EFAULT);
	ck_assert_int_eq(sc(p, KH_SYS_read, &rv, 77, U(out), 4, 0), EBADF);
	ck_assert_int_eq(sc(p, KH_SYS_close, NULL, (uint64_t)fd, 0, 0, 0), 0);
	ck_assert_int_eq(tst_closes, 1);

	/* /dev/zero and /dev/null */
	static char big[65536];
	memset(big, 0xff, sizeof(big));
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/zero"), 0, 0, 0), 0);
	ck_assert_int_eq(sc(p, KH_SYS_read, &rv, (uint64_t)fd, U(big), sizeof(big), 0), 0);
	ck_assert_int_eq(rv, sizeof(big));
	for (size_t i = 0; i < sizeof(big); i++)
		if (big[i] != 0)
			ck_abort_msg("byte %zu of /dev/zero is %d", i, big[i]);
	ck_assert_int_eq(sc(p, KH_SYS_write, &rv, (uint64_t)fd, U(big), 10, 0), EBADF); /* opened read-only */
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/null"), 1, 0, 0), 0);
	ck_assert_int_eq(sc(p, KH_SYS_write, &rv, (uint64_t)fd, U(big), 1000, 0), 0);
	ck_assert_int_eq(rv, 1000);
	detach(p);
}
END_TEST

START_TEST(test_clone)
{
	user_ssize_t fd1, fd2;
	proc_t p;

	tst_setup();
	p = attach(501, 20);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd1, U("/dev/tstclone"), 2, 0, 0), 0);
	ck_assert_int_eq(tst_last_minor, 100);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd2, U("/dev/tstclone"), 2, 0, 0), 0);
	ck_assert_int_eq(tst_last_minor, 101);
	ck_assert_int_eq(sc(p, KH_SYS_close, NULL, (uint64_t)fd1, 0, 0, 0), 0);
	ck_assert_int_eq(clone_freed, 1);
	/* Client death closes the rest. */
	detach(p);
	ck_assert_int_eq(clone_freed, 2);
	ck_assert_int_eq(tst_closes, 2);
}
END_TEST

struct bg {
	proc_t p;
	int fd;
	int result;
	user_ssize_t rv;
	volatile int done;
};

static void
bg_read(void *arg, wait_result_t wr)
{
	struct bg *b = arg;
	char buf[16];

	ck_assert_int_eq(proc_call_begin(b->p), 0);
	b->result = sc(b->p, KH_SYS_read, &b->rv, (uint64_t)b->fd, U(buf), sizeof(buf), 0);
	proc_call_end(b->p);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
}

static void
bg_poll(void *arg, wait_result_t wr)
{
	struct b_pollfd {
		int32_t fd;
		int16_t events, revents;
	} pfd = {.fd = ((struct bg *)arg)->fd, .events = 1};
	struct bg *b = arg;

	ck_assert_int_eq(proc_call_begin(b->p), 0);
	b->result = sc(b->p, KH_SYS_poll, &b->rv, U(&pfd), 1, 5000, 0);
	if (pfd.revents != 1)
		b->result = -1;
	proc_call_end(b->p);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
}

static void
wait_blocked(void)
{
	for (int i = 0; i < 300; i++)
		khost_thread_yield();
}

static void
wait_sleeping(void)
{
	while (__atomic_load_n(&tst_sleeping, __ATOMIC_ACQUIRE) == 0)
		khost_thread_yield();
	wait_blocked();
}

START_TEST(test_poll_select_and_blocking)
{
	user_ssize_t fd, rv;
	struct bg b = {0};
	thread_t th;
	proc_t p;

	tst_setup();
	p = attach(0, 0);
	ck_assert_int_eq(sc(p, KH_SYS_open, &fd, U("/dev/tst0"), 2, 0, 0), 0);

	/* Not ready: poll with timeout 0 answers 0; select with a short timeout times out. */
	struct {
		int32_t fd;
		int16_t events, revents;
	} pfd = {(int32_t)fd, 1, 0};
	ck_assert_int_eq(sc(p, KH_SYS_poll, &rv, U(&pfd), 1, 0, 0), 0);
	ck_assert_int_eq(rv, 0);
	uint32_t rset[32] = {0};
	struct {
		int64_t sec;
		int32_t usec, pad;
	} tv = {0, 20000, 0};
	uint64_t args[5] = {(uint64_t)fd + 1, U(rset), 0, 0, U(&tv)};
	rset[0] = 1u << fd;
	uint64_t t0 = khost_uptime_ns();
	ck_assert_int_eq(syscall_dispatch(p, KH_SYS_select, args, 5, &rv), 0);
	ck_assert_int_eq(rv, 0);
	ck_assert(khost_uptime_ns() - t0 >= 15000000);
	ck_assert_uint_eq(rset[0], 0);

	/* A poll blocked in another thread wakes on a write (selwakeup). */
	b.p = p;
	b.fd = (int)fd;
	ck_assert_int_eq(kernel_thread_start(bg_poll, &b, &th), KERN_SUCCESS);
	wait_blocked();
	ck_assert_int_eq(b.done, 0);
	ck_assert_int_eq(sc(p, KH_SYS_write, &rv, (uint64_t)fd, U("x"), 1, 0), 0);
	while (!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE))
		khost_thread_yield();
	ck_assert_int_eq(b.result, 0);
	ck_assert_int_eq(b.rv, 1);
	thread_deallocate(th);

	/* Ready now: select says so at once. */
	rset[0] = 1u << fd;
	ck_assert_int_eq(syscall_dispatch(p, KH_SYS_select, args, 5, &rv), 0);
	ck_assert_int_eq(rv, 1);
	ck_assert_uint_eq(rset[0], 1u << fd);

	/* A blocking read wakes on data. */
	ck_assert_int_eq(sc(p, KH_SYS_ioctl, &rv, (uint64_t)fd, TST_CLEAR, 0, 0), 0);
	memset(&b, 0, sizeof(b));
	b.p = p;
	b.fd = (int)fd;
	ck_assert_int_eq(kernel_thread_start(bg_read, &b, &th), KERN_SUCCESS);
	wait_sleeping();
	ck_assert_int_eq(b.done, 0);
	ck_assert_int_eq(sc(p, KH_SYS_write, &rv, (uint64_t)fd, U("abc"), 3, 0), 0);
	while (!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE))
		khost_thread_yield();
	ck_assert_int_eq(b.result, 0);
	ck_assert_int_eq(b.rv, 3);
	thread_deallocate(th);

	/* A blocking read is interrupted (EINTR) when the client dies, and d_close runs. */
	memset(&b, 0, sizeof(b));
	b.p = p;
	b.fd = (int)fd;
	ck_assert_int_eq(kernel_thread_start(bg_read, &b, &th), KERN_SUCCESS);
	wait_sleeping();
	ck_assert_int_eq(b.done, 0);
	/* As the request server does, hold a reference while a call is in flight. */
	proc_t ref = proc_find(khost_getpid());
	ck_assert_ptr_eq(ref, p);
	proc_call_end(p);
	proc_exit(p);
	while (!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE))
		khost_thread_yield();
	ck_assert_int_eq(b.result, EINTR);
	proc_rele(ref);
	thread_deallocate(th);
	for (int i = 0; i < 1000 && tst_closes == 0; i++)
		khost_thread_yield();
	ck_assert_int_eq(tst_closes, 1);
}
END_TEST

START_TEST(test_sysctl_syscall)
{
	int mib[2] = {CTL_KERN, KERN_OSTYPE};
	char buf[32];
	uint64_t len = sizeof(buf);
	user_ssize_t rv;
	uint64_t args[6];
	proc_t p;
	int v = 5;

	tst_setup();
	p = attach(501, 20);
	args[0] = U(mib), args[1] = 2, args[2] = U(buf), args[3] = U(&len), args[4] = 0, args[5] = 0;
	ck_assert_int_eq(syscall_dispatch(p, KH_SYS___sysctl, args, 6, &rv), 0);
	ck_assert_str_eq(buf, "Darwin");
	ck_assert_uint_eq(len, 7);
	/* Non-root may not write a root-only value. */
	int tmib[CTL_MAXNAME];
	u_int tn = CTL_MAXNAME;
	ck_assert_int_eq(sysctl_name2mib("debug.test_int", tmib, &tn), 0);
	args[0] = U(tmib), args[1] = tn, args[2] = 0, args[3] = 0, args[4] = U(&v), args[5] = sizeof(v);
	ck_assert_int_eq(syscall_dispatch(p, KH_SYS___sysctl, args, 6, &rv), EPERM);
	/* Bad pointers: EFAULT. */
	args[0] = 8;
	ck_assert_int_eq(syscall_dispatch(p, KH_SYS___sysctl, args, 6, &rv), EFAULT);
	detach(p);
	p = attach(0, 0);
	args[0] = U(tmib);
	ck_assert_int_eq(syscall_dispatch(p, KH_SYS___sysctl, args, 6, &rv), 0);
	detach(p);
	int got = 0;
	size_t glen = sizeof(got);
	ck_assert_int_eq(kernel_sysctlbyname("debug.test_int", &got, &glen, NULL, 0), 0);
	ck_assert_int_eq(got, 5);
}
END_TEST

/* ---- concurrency: many threads opening, ioctl-ing and closing; many pollers woken at once ---- */

struct conc {
	proc_t p;
	volatile int errors;
	volatile int done;
	volatile int woken;
	volatile int last; /* the last failure, for the message */
};

static void
conc_opener(void *arg, wait_result_t wr)
{
	struct conc *c = arg;

	int e0 = proc_call_begin(c->p);
	if (e0 != 0) {
		__atomic_store_n(&c->last, 1000 + e0, __ATOMIC_RELAXED);
		__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
		goto out;
	}
	for (int i = 0; i < 300; i++) {
		user_ssize_t fd, rv;
		struct tst_pair pr = {i, -i};

		int e1 = sc(c->p, KH_SYS_open, &fd, U("/dev/tstclone"), 2, 0, 0), e2 = -1, e3 = -1;
		if (e1 == 0) {
			e2 = sc(c->p, KH_SYS_ioctl, &rv, (uint64_t)fd, TST_SWAP, U(&pr), 0);
			e3 = sc(c->p, KH_SYS_close, NULL, (uint64_t)fd, 0, 0, 0);
		}
		if (e1 != 0 || e2 != 0 || e3 != 0 || pr.a != -i || pr.b != i) {
			__atomic_store_n(&c->last, e1 * 10000 + e2 * 100 + e3, __ATOMIC_RELAXED);
			__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
		}
	}
	proc_call_end(c->p);
out:
	__atomic_fetch_add(&c->done, 1, __ATOMIC_RELEASE);
}

static void
conc_poller(void *arg, wait_result_t wr)
{
	struct conc *c = arg;
	struct {
		int32_t fd;
		int16_t events, revents;
	} pfd = {3, 1, 0};
	user_ssize_t rv;

	if (proc_call_begin(c->p) != 0) {
		__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
		goto out;
	}
	if (sc(c->p, KH_SYS_poll, &rv, U(&pfd), 1, 10000, 0) != 0 || rv != 1 || pfd.revents != 1)
		__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&c->woken, 1, __ATOMIC_RELAXED);
	proc_call_end(c->p);
out:
	__atomic_fetch_add(&c->done, 1, __ATOMIC_RELEASE);
}

START_TEST(test_concurrent)
{
	struct conc c = {0};
	thread_t th[8];
	user_ssize_t fd, rv;

	tst_setup();
	c.p = attach(0, 0);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(kernel_thread_start(conc_opener, &c, &th[i]), KERN_SUCCESS);
	while (__atomic_load_n(&c.done, __ATOMIC_ACQUIRE) < 4)
		khost_thread_yield();
	ck_assert_msg(c.errors == 0, "%d errors, last %d", c.errors, c.last);
	ck_assert_int_eq(tst_opens, 1200);
	ck_assert_int_eq(tst_closes, 1200);
	ck_assert_int_eq(clone_freed, 1200);
	for (int i = 0; i < 4; i++)
		thread_deallocate(th[i]);

	/* fds 0..2 are free again: the first open gets 0; make sure the pollers' fd 3 is tst0. */
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(sc(c.p, KH_SYS_open, &fd, U("/dev/tst0"), 2, 0, 0), 0);
		ck_assert_int_eq(fd, i);
	}
	c.done = 0;
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(kernel_thread_start(conc_poller, &c, &th[i]), KERN_SUCCESS);
	for (int i = 0; i < 2000; i++)
		khost_thread_yield();
	ck_assert_int_eq(c.woken, 0);
	ck_assert_int_eq(sc(c.p, KH_SYS_write, &rv, 3, U("z"), 1, 0), 0);
	while (__atomic_load_n(&c.done, __ATOMIC_ACQUIRE) < 4)
		khost_thread_yield();
	ck_assert_int_eq(c.errors, 0);
	ck_assert_int_eq(c.woken, 4);
	for (int i = 0; i < 4; i++)
		thread_deallocate(th[i]);
	detach(c.p);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("dev");
	TCase *tc = ktest_tcase("dev");

	tcase_add_test(tc, test_cdevsw_table);
	tcase_add_test(tc, test_devfs_nodes);
	tcase_add_test(tc, test_open_permissions);
	tcase_add_test(tc, test_read_write_ioctl);
	tcase_add_test(tc, test_clone);
	tcase_add_test(tc, test_poll_select_and_blocking);
	tcase_add_test(tc, test_sysctl_syscall);
	tcase_add_test(tc, test_concurrent);
	suite_add_tcase(s, tc);
	return s;
}
