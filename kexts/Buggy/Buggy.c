/*
 * Buggy — a kext with one bug per ioctl, to see what a kext bug looks like
 * from the outside: every one ends in a panic report that names this kext,
 * the function and the source line. /dev/buggy (root only) takes
 * BUGGY_IOC(n) for bug n of BUGGY_BUGS in Buggy.h; the user program
 * buggy-trigger (kexts/Buggy/user) sends them by name.
 *
 * Adding a bug: one line in BUGGY_BUGS, one buggy_<name> function here.
 * The functions are noinline and kept apart so that each shows up as its
 * own frame in the backtrace.
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/conf.h>
#include <sys/proc.h>
#include <miscfs/devfs/devfs.h>
#include <kern/assert.h>
#include <kern/debug.h>
#include <kern/locks.h>
#include <IOKit/IOLib.h>
#include "Buggy.h"

kern_return_t Buggy_start(kmod_info_t *ki, void *d);
kern_return_t Buggy_stop(kmod_info_t *ki, void *d);

/* Values the compiler cannot see through, so the bugs really happen. */
static volatile int buggy_zero;
static int *volatile buggy_null_ptr;

static __attribute__((noinline)) void
buggy_null(void)
{
	*buggy_null_ptr = 42; /* the NULL dereference */
}

static volatile int buggy_forever = 1;

static __attribute__((noinline)) int
buggy_recurse_depth(int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (!buggy_forever)
		return 0;
	return buggy_recurse_depth(depth + 1) + frame[0]; /* the recursion that never ends */
}

static __attribute__((noinline)) void
buggy_recurse(void)
{
	(void)buggy_recurse_depth(0);
}

static __attribute__((noinline)) void
buggy_bigstack(void)
{
	volatile char big[64 * 1024];

	big[0] = 1; /* the far end of the buffer, 64 KiB below a 16 KiB stack */
	printf("Buggy: %d\n", big[0]);
}

static __attribute__((noinline)) void
buggy_divzero(void)
{
	printf("Buggy: %d\n", 1000 / buggy_zero); /* the division by zero */
}

static __attribute__((noinline)) void
buggy_assert(void)
{
	assert(buggy_zero == 1); /* the failed assertion */
}

static __attribute__((noinline)) void
buggy_panic(void)
{
	panic("Buggy: panic requested by pid %d", proc_selfpid());
}

static __attribute__((noinline)) void
buggy_ud2(void)
{
	__asm__ volatile("ud2"); /* the invalid instruction */
}

/*
 * A then B, later B then A: the deadlock two threads could meet. With
 * lockorder=1 the second order is reported (both acquisitions' backtraces)
 * before it can deadlock; lockorder=2 panics there.
 */
static __attribute__((noinline)) void
buggy_lockorder(void)
{
	lck_grp_t *grp = lck_grp_alloc_init("Buggy", LCK_GRP_ATTR_NULL);
	lck_mtx_t *a = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	lck_mtx_t *b = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);

	lck_mtx_lock(a);
	lck_mtx_lock(b);
	lck_mtx_unlock(b);
	lck_mtx_unlock(a);
	lck_mtx_lock(b);
	lck_mtx_lock(a); /* the reversal */
	lck_mtx_unlock(a);
	lck_mtx_unlock(b);
	lck_mtx_free(b, grp);
	lck_mtx_free(a, grp);
	lck_grp_free(grp);
}

/*
 * A -> B, B -> C, then C -> A: no two locks are ever taken in both orders,
 * but three threads doing one each could deadlock. lockorder=1 reports the
 * cycle with each earlier order; lockorder=2 panics there.
 */
static __attribute__((noinline)) void
buggy_lockcycle(void)
{
	lck_grp_t *grp = lck_grp_alloc_init("Buggy", LCK_GRP_ATTR_NULL);
	lck_mtx_t *m[3];

	for (int i = 0; i < 3; i++)
		m[i] = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	for (int i = 0; i < 3; i++) {
		lck_mtx_lock(m[i]);
		lck_mtx_lock(m[(i + 1) % 3]); /* the third pass closes the cycle */
		lck_mtx_unlock(m[(i + 1) % 3]);
		lck_mtx_unlock(m[i]);
	}
	for (int i = 0; i < 3; i++)
		lck_mtx_free(m[i], grp);
	lck_grp_free(grp);
}

/* With -zp the second free is reported with both frees' backtraces (and dropped). */
static __attribute__((noinline)) void
buggy_doublefree(void)
{
	void *p = IOMalloc(64);

	IOFree(p, 64);
	IOFree(p, 64); /* the double free */
}

static const struct {
	u_long cmd;
	const char *name;
	void (*fn)(void);
} buggy_table[] = {
#define BUGGY_ENTRY(n, name, what) {BUGGY_IOC(n), #name, buggy_##name},
        BUGGY_BUGS(BUGGY_ENTRY)
#undef BUGGY_ENTRY
};

static int buggy_major = -1;
static void *buggy_node;

static int
buggy_open(dev_t dev, int flags, int devtype, struct proc *p)
{
	return 0;
}

static int
buggy_close(dev_t dev, int flags, int devtype, struct proc *p)
{
	return 0;
}

static int
buggy_ioctl(dev_t dev, u_long cmd, caddr_t data, int fflag, struct proc *p)
{
	for (size_t i = 0; i < sizeof(buggy_table) / sizeof(buggy_table[0]); i++) {
		if (buggy_table[i].cmd == cmd) {
			printf("Buggy: triggering '%s' for pid %d\n", buggy_table[i].name, proc_selfpid());
			buggy_table[i].fn();
			return 0;
		}
	}
	return ENOTTY;
}

static struct cdevsw buggy_cdevsw = {
        .d_open = buggy_open,
        .d_close = buggy_close,
        .d_read = eno_rdwrt,
        .d_write = eno_rdwrt,
        .d_ioctl = buggy_ioctl,
        .d_stop = eno_stop,
        .d_reset = eno_reset,
        .d_ttys = NULL,
        .d_select = eno_select,
        .d_mmap = eno_mmap,
        .d_strategy = eno_strat,
        .d_type = 0,
};

kern_return_t
Buggy_start(kmod_info_t *ki, void *d)
{
	buggy_major = cdevsw_add(-24, &buggy_cdevsw);
	if (buggy_major < 0) {
		printf("Buggy: no free major number\n");
		return KERN_FAILURE;
	}
	buggy_node =
	        devfs_make_node(makedev(buggy_major, 0), DEVFS_CHAR, UID_ROOT, GID_WHEEL, 0600, BUGGY_NAME);
	if (buggy_node == NULL) {
		cdevsw_remove(buggy_major, &buggy_cdevsw);
		buggy_major = -1;
		return KERN_FAILURE;
	}
	printf("Buggy: /dev/%s ready (major %d)\n", BUGGY_NAME, buggy_major);
	return KERN_SUCCESS;
}

kern_return_t
Buggy_stop(kmod_info_t *ki, void *d)
{
	if (buggy_node != NULL)
		devfs_remove(buggy_node);
	if (buggy_major >= 0)
		cdevsw_remove(buggy_major, &buggy_cdevsw);
	buggy_node = NULL;
	buggy_major = -1;
	return KERN_SUCCESS;
}
