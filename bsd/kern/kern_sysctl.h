/*
 * kern_sysctl.h — kernel-private entry points of the sysctl tree
 * (bsd/kern/kern_sysctl.c): the one dispatcher that the __sysctl system call,
 * in-kernel callers and tests use, and name-to-number translation.
 */
#ifndef _BSD_KERN_KERN_SYSCTL_H_
#define _BSD_KERN_KERN_SYSCTL_H_

#include <sys/sysctl.h>

/* Who is asking: decides root-only writes and CTLFLAG_KERN. */
struct sysctl_caller {
	struct proc *p;  /* may be NULL (the kernel itself) */
	int is_root;     /* the caller's credential is the superuser */
	int from_kernel; /* an in-kernel call: the oid must have CTLFLAG_KERN */
};

/*
 * Run one request on kernel buffers: name[0..namelen) selects the oid; oldp
 * (NULL: only report the size in *oldlenp) receives up to *oldlenp bytes of
 * the old value, newp/newlen (NULL/0: no write) is the new value. *oldlenp is
 * set to the bytes produced (or the buffer size when ENOMEM says it was too
 * small). Returns 0 or a Darwin errno.
 */
int sysctl_dispatch(const struct sysctl_caller *c, const int *name, u_int namelen, void *oldp,
                    size_t *oldlenp, const void *newp, size_t newlen);

/* "kern.ostype" -> {1, 1}; *miblen: in, room in mib; out, components. ENOENT, ENAMETOOLONG, EINVAL. */
int sysctl_name2mib(const char *name, int *mib, u_int *miblen);

/*
 * After a kext's stop routine: take out every oid it left registered (the
 * oid, its handler or its name inside [lo, hi), the kext's image), so the
 * tree never points into unloaded memory. Returns how many were removed
 * (each is logged); 0 for a well-behaved kext.
 */
unsigned int sysctl_purge_range(uintptr_t lo, uintptr_t hi);

/* Register the kernel's own oids (idempotent; every entry point calls it first). */
void sysctl_init(void);
int sysctl_selfcheck(void);

/* The kernel's own oids (kern_mib.c), registered in array order (parents first). */
extern struct sysctl_oid *const sysctl_kernel_oids[];
extern const unsigned int sysctl_kernel_noids;

#endif /* _BSD_KERN_KERN_SYSCTL_H_ */
