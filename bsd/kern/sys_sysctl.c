/*
 * sys_sysctl.c — the __sysctl system call (202): copy the name and the new
 * value in, run the request on kernel buffers through sysctl_dispatch (which
 * applies the root-only write rule with the caller's credential), copy the
 * old value and its length out. The old value is staged in a kernel buffer of
 * at most SYSCTL_OLD_MAX bytes; a larger buffer is trimmed to that, so an
 * oversized oldlen never makes the kernel allocate what the caller asked.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/sysctl.h>
#include <sys/kauth.h>
#include <sys/proc.h>
#include <kern/kalloc.h>
#include "bsd/kern/kern_sysctl.h"
#include "bsd/kern/kdebug_internal.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"

#define SYSCTL_OLD_MAX (1024u * 1024u)
#define SYSCTL_NEW_MAX (64u * 1024u)

struct sysctl_args {
	SYSARG(user_addr_t, name);
	SYSARG(u_int, namelen);
	SYSARG(user_addr_t, old);
	SYSARG(user_addr_t, oldlenp);
	SYSARG(user_addr_t, new);
	SYSARG(user_size_t, newlen);
};

static int
sys___sysctl(proc_t p, struct sysctl_args *uap, user_ssize_t *retval)
{
	struct sysctl_caller c = {.p = p, .is_root = kauth_cred_issuser(kauth_cred_get()), .from_kernel = 0};
	int name[CTL_MAXNAME];
	uint64_t oldlen64 = 0;
	size_t oldlen = 0, cap = 0;
	void *oldbuf = NULL, *newbuf = NULL;
	size_t newlen = 0, unit;
	int err;

	if (uap->namelen == 0 || uap->namelen > CTL_MAXNAME)
		return EINVAL;
	err = copyin(uap->name, name, uap->namelen * sizeof(int));
	if (err != 0)
		return err;
	if (uap->oldlenp != USER_ADDR_NULL) {
		err = copyin(uap->oldlenp, &oldlen64, sizeof(oldlen64));
		if (err != 0)
			return err;
	}
	/* kern.kdebug's KERN_KDREADTR counts *oldlenp in records, not bytes (Darwin's ABI). */
	unit = kdbg_oldlen_unit(name, uap->namelen);
	if (unit > 1)
		oldlen64 = oldlen64 > SYSCTL_OLD_MAX / unit ? SYSCTL_OLD_MAX : oldlen64 * unit;
	if (uap->new != USER_ADDR_NULL) {
		if (uap->newlen > SYSCTL_NEW_MAX)
			return E2BIG;
		newlen = (size_t)uap->newlen;
		newbuf = kalloc(newlen ? newlen : 1);
		if (newbuf == NULL)
			return ENOMEM;
		if (newlen != 0 && (err = copyin(uap->new, newbuf, newlen)) != 0)
			goto out;
	}
	if (uap->old != USER_ADDR_NULL && uap->oldlenp != USER_ADDR_NULL) {
		cap = oldlen64 > SYSCTL_OLD_MAX ? SYSCTL_OLD_MAX : (size_t)oldlen64;
		oldbuf = kalloc(cap ? cap : 1);
		if (oldbuf == NULL) {
			err = ENOMEM;
			goto out;
		}
		/* Darwin's kdebug takes kd_regtype in the old buffer. */
		if (cap != 0 && kdbg_old_is_input(name, uap->namelen) &&
		    (err = copyin(uap->old, oldbuf, cap)) != 0)
			goto out;
	}
	oldlen = cap;
	err = sysctl_dispatch(&c, name, uap->namelen, oldbuf, uap->oldlenp != USER_ADDR_NULL ? &oldlen : NULL,
	                      newbuf, newlen);
	if ((err == 0 || err == ENOMEM) && oldbuf != NULL && oldlen != 0) {
		int e2 = copyout(oldbuf, uap->old, oldlen);

		if (e2 != 0)
			err = e2;
	}
	if ((err == 0 || err == ENOMEM) && uap->oldlenp != USER_ADDR_NULL) {
		int e2;

		oldlen64 = oldlen / unit;
		e2 = copyout(&oldlen64, uap->oldlenp, sizeof(oldlen64));
		if (e2 != 0)
			err = e2;
	}
	*retval = 0;
out:
	if (oldbuf != NULL)
		kfree(oldbuf, cap ? cap : 1);
	if (newbuf != NULL)
		kfree(newbuf, newlen ? newlen : 1);
	return err;
}
SYSCALL_REGISTER(KH_SYS___sysctl, sys___sysctl, 6, 0);
