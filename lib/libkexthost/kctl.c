/*
 * kctl.c — the PF_SYSTEM socket calls of libkexthost (<kexthost/kh_socket.h>):
 * each one is one kh_syscall with the Darwin syscall number, the buffers it
 * passes as regions (send data and addresses IN, receive buffers OUT), and
 * Linux flag / option names translated to Darwin's.
 */
#include <errno.h>
#include <string.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/kh_socket.h>

/* Darwin values. */
#define D_MSG_OOB 0x1
#define D_MSG_PEEK 0x2
#define D_MSG_EOR 0x8
#define D_MSG_WAITALL 0x40
#define D_MSG_DONTWAIT 0x80
#define D_SOL_SOCKET 0xffff
#define D_SO_SNDBUF 0x1001
#define D_SO_RCVBUF 0x1002
#define D_SO_RCVTIMEO 0x1006
#define D_SO_TYPE 0x1008
#define D_SO_NREAD 0x1020

static int
kctl_flags(int f)
{
	int d = 0;

	if (f & MSG_OOB)
		d |= D_MSG_OOB;
	if (f & MSG_PEEK)
		d |= D_MSG_PEEK;
	if (f & MSG_EOR)
		d |= D_MSG_EOR;
	if (f & MSG_WAITALL)
		d |= D_MSG_WAITALL;
	if (f & MSG_DONTWAIT)
		d |= D_MSG_DONTWAIT;
	return d;
}

/* SOL_SOCKET options by their Linux names; Darwin values pass through. */
static void
kctl_opt(int *level, int *name)
{
	if (*level != SOL_SOCKET && *level != D_SOL_SOCKET)
		return;
	*level = D_SOL_SOCKET;
	switch (*name) {
	case SO_SNDBUF:
		*name = D_SO_SNDBUF;
		break;
	case SO_RCVBUF:
		*name = D_SO_RCVBUF;
		break;
	case SO_RCVTIMEO:
		*name = D_SO_RCVTIMEO;
		break;
	case SO_TYPE:
		*name = D_SO_TYPE;
		break;
	}
}

static long
kctl_call(uint32_t nr, const uint64_t *args, unsigned int nargs, const struct kh_region *r, unsigned int nr_r)
{
	int64_t rv = 0;
	int err = kh_syscall(nr, args, nargs, r, nr_r, &rv);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return (long)rv;
}

int
kh_socket(int domain, int type, int protocol)
{
	uint64_t a[3] = {(uint64_t)domain, (uint64_t)type, (uint64_t)protocol};

	return (int)kctl_call(KH_SYS_socket, a, 3, NULL, 0);
}

int
kh_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	uint64_t a[3] = {(uint64_t)fd, (uint64_t)(uintptr_t)addr, len};
	struct kh_region r = {addr, len, KHSC_R_IN};

	if (addr == NULL) {
		errno = EFAULT;
		return -1;
	}
	return (int)kctl_call(KH_SYS_connect, a, 3, &r, 1);
}

ssize_t
kh_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	uint64_t a[6] = {(uint64_t)fd,
	                 (uint64_t)(uintptr_t)buf,
	                 len,
	                 (uint64_t)kctl_flags(flags),
	                 (uint64_t)(uintptr_t)to,
	                 tolen};
	struct kh_region r = {buf, len, KHSC_R_IN};

	return kctl_call(KH_SYS_sendto, a, 6, &r, len > 0 && len <= KHSC_MAX_REGION ? 1 : 0);
}

ssize_t
kh_send(int fd, const void *buf, size_t len, int flags)
{
	return kh_sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t
kh_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	uint64_t a[6] = {(uint64_t)fd,
	                 (uint64_t)(uintptr_t)buf,
	                 len,
	                 (uint64_t)kctl_flags(flags),
	                 (uint64_t)(uintptr_t)from,
	                 (uint64_t)(uintptr_t)fromlen};
	struct kh_region r[2] = {{buf, len, KHSC_R_OUT}, {fromlen, sizeof(*fromlen), KHSC_R_OUT}};
	unsigned int n = 0;

	if (len > 0 && len <= KHSC_MAX_REGION)
		n = 1;
	if (fromlen != NULL) {
		if (n == 0)
			r[0] = r[1];
		n++;
	}
	return kctl_call(KH_SYS_recvfrom, a, 6, r, n);
}

ssize_t
kh_recv(int fd, void *buf, size_t len, int flags)
{
	return kh_recvfrom(fd, buf, len, flags, NULL, NULL);
}

int
kh_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	uint64_t a[5];
	struct kh_region r = {val, len, KHSC_R_IN};

	kctl_opt(&level, &name);
	a[0] = (uint64_t)fd;
	a[1] = (uint64_t)level;
	a[2] = (uint64_t)name;
	a[3] = (uint64_t)(uintptr_t)val;
	a[4] = len;
	return (int)kctl_call(KH_SYS_setsockopt, a, 5, &r, val != NULL && len > 0 ? 1 : 0);
}

int
kh_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	uint64_t a[5];
	struct kh_region r[2];
	unsigned int n = 0;

	kctl_opt(&level, &name);
	a[0] = (uint64_t)fd;
	a[1] = (uint64_t)level;
	a[2] = (uint64_t)name;
	a[3] = (uint64_t)(uintptr_t)val;
	a[4] = (uint64_t)(uintptr_t)len;
	if (len != NULL) {
		r[n++] = (struct kh_region){len, sizeof(*len), KHSC_R_IN | KHSC_R_OUT};
		if (val != NULL && *len > 0)
			r[n++] = (struct kh_region){val, *len, KHSC_R_OUT};
	}
	return (int)kctl_call(KH_SYS_getsockopt, a, 5, r, n);
}

int
kh_shutdown(int fd, int how)
{
	uint64_t a[2] = {(uint64_t)fd, (uint64_t)how};

	return (int)kctl_call(KH_SYS_shutdown, a, 2, NULL, 0);
}

int
kh_ctl_open(const char *name, int type, uint32_t unit)
{
	struct ctl_info info;
	struct sockaddr_ctl sc;
	int fd, saved;

	if (name == NULL || strlen(name) >= MAX_KCTL_NAME) {
		errno = EINVAL;
		return -1;
	}
	fd = kh_socket(PF_SYSTEM, type, SYSPROTO_CONTROL);
	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	strcpy(info.ctl_name, name);
	if (kh_ioctl(fd, CTLIOCGINFO, &info) < 0)
		goto fail;
	memset(&sc, 0, sizeof(sc));
	sc.sc_len = sizeof(sc);
	sc.sc_family = AF_SYSTEM;
	sc.ss_sysaddr = AF_SYS_CONTROL;
	sc.sc_id = info.ctl_id;
	sc.sc_unit = unit;
	if (kh_connect(fd, (struct sockaddr *)&sc, sizeof(sc)) < 0)
		goto fail;
	return fd;
fail:
	saved = errno;
	kh_close(fd);
	errno = saved;
	return -1;
}
