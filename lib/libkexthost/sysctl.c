/*
 * sysctl.c — the client side of __sysctl (202) (<kexthost/kh_sysctl.h>) and
 * of select (93), poll (230) and fstat (189) (<kexthost/kh_dev.h>). Every call is one message: the name, the new
 * value and *oldlenp travel with the request; the old value and the new
 * *oldlenp come back in the reply (see <kexthost/syscall.h> regions).
 * sysctlbyname is two calls: name to mib through the kernel's
 * sysctl.name2oid oid {0, 3}, then the value (as Darwin's libc does).
 */
#include <errno.h>
#include <string.h>
#include <stdint.h>
#include <kexthost/syscall.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/kh_sysctl.h>
#include <kexthost/kh_dev.h>

int
kh_sysctl(const int *name, unsigned int namelen, void *oldp, size_t *oldlenp, const void *newp, size_t newlen)
{
	struct kh_region r[4];
	unsigned int nr = 0;
	uint64_t a[6];
	uint64_t oldlen = oldlenp != NULL ? (uint64_t)*oldlenp : 0;
	uint64_t oldbytes = oldlen;
	int64_t rv;
	int err;

	if (name == NULL || namelen == 0 || namelen > KH_CTL_MAXNAME) {
		errno = EINVAL;
		return -1;
	}
	a[0] = (uint64_t)(uintptr_t)name;
	a[1] = namelen;
	a[2] = (uint64_t)(uintptr_t)oldp;
	a[3] = oldlenp != NULL ? (uint64_t)(uintptr_t)&oldlen : 0;
	a[4] = (uint64_t)(uintptr_t)newp;
	a[5] = newlen;
	r[nr++] = (struct kh_region){name, namelen * sizeof(int), KHSC_R_IN};
	if (oldlenp != NULL)
		r[nr++] = (struct kh_region){&oldlen, sizeof(oldlen), KHSC_R_IN | KHSC_R_OUT};
	/* kern.kdebug's KERN_KDREADTR counts oldlen in 64-byte records (Darwin's ABI). */
	if (namelen >= 3 && name[0] == 1 && name[1] == 24 && name[2] == 10)
		oldbytes = oldlen <= KHSC_MAX_REGION / 64 ? oldlen * 64 : 0;
	if (oldp != NULL && oldbytes != 0 && oldbytes <= KHSC_MAX_REGION)
		r[nr++] = (struct kh_region){oldp, (size_t)oldbytes, KHSC_R_OUT};
	if (newp != NULL && newlen != 0 && newlen <= KHSC_MAX_REGION)
		r[nr++] = (struct kh_region){newp, newlen, KHSC_R_IN};
	err = kh_syscall(KH_SYS___sysctl, a, 6, r, nr, &rv);
	/* ENOMEM still reports how much fits, as Darwin's sysctl does. */
	if ((err == 0 || err == ENOMEM) && oldlenp != NULL)
		*oldlenp = (size_t)oldlen;
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

int
kh_sysctlnametomib(const char *name, int *mibp, size_t *sizep)
{
	static const int name2oid[2] = {0, 3};
	size_t len;

	if (name == NULL || mibp == NULL || sizep == NULL) {
		errno = EINVAL;
		return -1;
	}
	len = *sizep * sizeof(int);
	if (kh_sysctl(name2oid, 2, mibp, &len, name, strlen(name)) != 0)
		return -1;
	*sizep = len / sizeof(int);
	return 0;
}

int
kh_sysctlbyname(const char *name, void *oldp, size_t *oldlenp, const void *newp, size_t newlen)
{
	int mib[KH_CTL_MAXNAME];
	size_t n = KH_CTL_MAXNAME;

	if (kh_sysctlnametomib(name, mib, &n) != 0)
		return -1;
	return kh_sysctl(mib, (unsigned int)n, oldp, oldlenp, newp, newlen);
}

int
kh_poll(struct kh_pollfd *fds, unsigned int nfds, int timeout)
{
	uint64_t a[3] = {(uint64_t)(uintptr_t)fds, nfds, (uint64_t)(int64_t)timeout};
	struct kh_region r = {fds, nfds * sizeof(*fds), KHSC_R_IN | KHSC_R_OUT};
	int64_t rv;
	int err = kh_syscall(KH_SYS_poll, a, 3, &r, nfds ? 1 : 0, &rv);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return (int)rv;
}

int
kh_select(int nfds, kh_fd_set *readfds, kh_fd_set *writefds, kh_fd_set *errorfds, struct kh_timeval *tv)
{
	struct {
		int64_t sec;
		int32_t usec, pad;
	} ktv;
	kh_fd_set *sets[3] = {readfds, writefds, errorfds};
	struct kh_region r[4];
	unsigned int nr = 0;
	uint64_t a[5] = {(uint64_t)(int64_t)nfds, (uint64_t)(uintptr_t)readfds, (uint64_t)(uintptr_t)writefds,
	                 (uint64_t)(uintptr_t)errorfds, 0};
	size_t bytes = nfds > 0 ? (size_t)((nfds + 31) / 32) * 4 : 0;
	int64_t rv;
	int err;

	for (int i = 0; i < 3; i++)
		if (sets[i] != NULL && bytes != 0)
			r[nr++] = (struct kh_region){sets[i], bytes, KHSC_R_IN | KHSC_R_OUT};
	if (tv != NULL) {
		ktv.sec = tv->tv_sec;
		ktv.usec = tv->tv_usec;
		ktv.pad = 0;
		a[4] = (uint64_t)(uintptr_t)&ktv;
		r[nr++] = (struct kh_region){&ktv, sizeof(ktv), KHSC_R_IN};
	}
	err = kh_syscall(KH_SYS_select, a, 5, r, nr, &rv);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return (int)rv;
}

int
kh_fstat(int fd, struct kh_stat *st)
{
	uint64_t a[2] = {(uint64_t)(int64_t)fd, (uint64_t)(uintptr_t)st};
	struct kh_region r = {st, sizeof(*st), KHSC_R_OUT};
	int64_t rv;
	int err = kh_syscall(KH_SYS_fstat, a, 2, &r, st ? 1 : 0, &rv);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}
