/*
 * kern_prot.c — setlogin/getlogin: the login name a process carries (Darwin
 * keeps it per session; here each client process has its own). setlogin
 * needs root. These two are also the simplest calls that take user pointers
 * in both directions, so the boundary tests use them for EFAULT paths.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kauth.h>
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"

struct getlogin_args {
	SYSARG(user_addr_t, namebuf);
	SYSARG(u_int, namelen);
};

static int
sys_getlogin(proc_t p, struct getlogin_args *uap, user_ssize_t *retval)
{
	char name[MAXLOGNAME];
	size_t len;

	proc_lock(p);
	strlcpy(name, p->p_login, sizeof(name));
	proc_unlock(p);
	len = strlen(name) + 1;
	if (uap->namelen < len)
		len = uap->namelen;
	return copyout(name, uap->namebuf, len);
}
SYSCALL_REGISTER(KH_SYS_getlogin, sys_getlogin, 2, 0);

struct setlogin_args {
	SYSARG(user_addr_t, namebuf);
};

static int
sys_setlogin(proc_t p, struct setlogin_args *uap, user_ssize_t *retval)
{
	char name[MAXLOGNAME];
	size_t done;
	int err;

	err = suser(kauth_cred_get(), NULL);
	if (err != 0)
		return err;
	err = copyinstr(uap->namebuf, name, sizeof(name), &done);
	if (err == ENAMETOOLONG)
		err = EINVAL; /* as Darwin: a name that does not fit is invalid */
	if (err != 0)
		return err;
	proc_lock(p);
	strlcpy(p->p_login, name, sizeof(p->p_login));
	proc_unlock(p);
	return 0;
}
SYSCALL_REGISTER(KH_SYS_setlogin, sys_setlogin, 1, 0);
