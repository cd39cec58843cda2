/*
 * devfs_internal.h — kernel-private side of the device switch and the
 * hosted /dev namespace (bsd/kern/kern_conf.c, bsd/miscfs/devfs/devfs_tree.c):
 * how the open path finds a node, checks the opener against its owner, group
 * and mode, and reaches the driver.
 */
#ifndef _BSD_MISCFS_DEVFS_DEVFS_INTERNAL_H_
#define _BSD_MISCFS_DEVFS_DEVFS_INTERNAL_H_

#include <sys/types.h>
#include <sys/kernel_types.h>
#include <sys/conf.h>

#define DEVFS_NAMELEN 128

/* A snapshot of one node (devfs_lookup copies it out under the lock). */
struct devfs_nodeinfo {
	char name[DEVFS_NAMELEN];
	dev_t dev;
	int chrblk;
	uid_t uid;
	gid_t gid;
	int perms;
	int (*clone)(dev_t dev, int action);
	void *handle; /* what devfs_make_node returned (for devfs_remove) */
};

/* Set up the table and the kernel's own devices (idempotent, lazy). */
void dev_init(void);
void devfs_init(void);
/* Boot self-check (0 = pass): /dev/null and /dev/zero are in place. */
int dev_selfcheck(void);

/* A copy of major(dev)'s switch with NULL entries defaulted; ENXIO when the major is empty. */
int dev_cdevsw(dev_t dev, struct cdevsw *out);

/* Find "/dev/<name>" or "<name>": 0 or ENOENT. */
int devfs_lookup(const char *path, struct devfs_nodeinfo *out);
/* May cred open the node with fflag (FREAD/FWRITE)? 0 or EACCES. Root may always. */
int devfs_access(const struct devfs_nodeinfo *n, kauth_cred_t cred, int fflag);
/* Visit every node (under the devfs lock: the callback must not call devfs). */
void devfs_iterate(void (*fn)(const struct devfs_nodeinfo *n, void *arg), void *arg);

/*
 * After a kext's stop routine: remove the cdevsw entries whose entry points
 * lie in [lo, hi) (the kext's image), and the device nodes on those majors
 * or with a clone function there. Returns how many were removed (each is
 * logged); 0 for a well-behaved kext.
 */
unsigned int dev_purge_range(uintptr_t lo, uintptr_t hi);

/* open(2) of a device path for p: node lookup, access check, clone, d_open, descriptor. */
int dev_open_path(proc_t p, const char *path, int oflags, int *fdp);

#endif /* _BSD_MISCFS_DEVFS_DEVFS_INTERNAL_H_ */
