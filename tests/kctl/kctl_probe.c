/*
 * kctl_probe — raw PF_SYSTEM system calls for tests/kctl.sh: bad user
 * addresses the kernel must answer with EFAULT (not crash), bad arguments,
 * and descriptor misuse. Calls go through kh_syscall without regions, so
 * the kernel reaches the addresses itself (process_vm_readv/writev).
 * Prints "probe ok" when every check passed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/kh_socket.h>

static int failures;

static void
expect(const char *what, int got, int want)
{
	if (got != want) {
		printf("FAIL %s: error %d (%s), expected %d (%s)\n", what, got, strerror(got), want,
		       strerror(want));
		failures++;
	}
}

int
main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "com.example.kext.KernCtlSample";
	int64_t rv;
	uint64_t a[6];
	int fd;

	/* connect() with an address in unmapped memory. */
	fd = kh_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
	expect("socket", fd < 0 ? errno : 0, 0);
	a[0] = (uint64_t)fd, a[1] = 16, a[2] = sizeof(struct sockaddr_ctl);
	expect("connect bad address", kh_syscall(KH_SYS_connect, a, 3, NULL, 0, &rv), EFAULT);
	/* Unknown domain, protocol, type. */
	expect("socket AF_INET", kh_socket(2, SOCK_DGRAM, 0) < 0 ? errno : 0, EAFNOSUPPORT);
	expect("socket bad protocol", kh_socket(PF_SYSTEM, SOCK_DGRAM, 9) < 0 ? errno : 0, EPROTONOSUPPORT);
	expect("socket event dgram", kh_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_EVENT) < 0 ? errno : 0,
	       EPROTOTYPE);
	/* Not connected yet. */
	expect("send unconnected", kh_send(fd, "x", 1, 0) < 0 ? errno : 0, ENOTCONN);
	kh_close(fd);

	fd = kh_ctl_open(name, SOCK_DGRAM, 0);
	expect("connect", fd < 0 ? errno : 0, 0);
	/* send() from unmapped memory; setsockopt with an unmapped value; getsockopt's length pointer. */
	a[0] = (uint64_t)fd, a[1] = 16, a[2] = 8, a[3] = 0, a[4] = 0, a[5] = 0;
	expect("send bad buffer", kh_syscall(KH_SYS_sendto, a, 6, NULL, 0, &rv), EFAULT);
	a[0] = (uint64_t)fd, a[1] = SYSPROTO_CONTROL, a[2] = 1, a[3] = 16, a[4] = sizeof(int);
	expect("setsockopt bad value", kh_syscall(KH_SYS_setsockopt, a, 5, NULL, 0, &rv), EFAULT);
	a[0] = (uint64_t)fd, a[1] = SYSPROTO_CONTROL, a[2] = 1, a[3] = 16, a[4] = 24;
	expect("getsockopt bad length", kh_syscall(KH_SYS_getsockopt, a, 5, NULL, 0, &rv), EFAULT);
	/* recv() into unmapped memory: EFAULT, and the kernel keeps serving. */
	expect("send PING", kh_send(fd, "PING", 4, 0) == 4 ? 0 : errno, 0);
	a[0] = (uint64_t)fd, a[1] = 16, a[2] = 64, a[3] = 0, a[4] = 0, a[5] = 0;
	expect("recv bad buffer", kh_syscall(KH_SYS_recvfrom, a, 6, NULL, 0, &rv), EFAULT);
	{
		char buf[16];
		ssize_t n;

		expect("send PING again", kh_send(fd, "PING", 4, 0) == 4 ? 0 : errno, 0);
		n = kh_recv(fd, buf, sizeof(buf), 0);
		expect("recv after EFAULT", n == 4 && memcmp(buf, "PONG", 4) == 0 ? 0 : (n < 0 ? errno : EIO),
		       0);
	}
	/* Oversized option, bad shutdown, a descriptor that is not a socket. */
	{
		static char big[8192];
		expect("setsockopt too big",
		       kh_setsockopt(fd, SYSPROTO_CONTROL, 1, big, sizeof(big)) < 0 ? errno : 0, EINVAL);
	}
	expect("shutdown bad how", kh_shutdown(fd, 7) < 0 ? errno : 0, EINVAL);
	expect("send on closed fd", (kh_close(fd), kh_send(fd, "x", 1, 0) < 0 ? errno : 0), EBADF);
	if (failures == 0)
		printf("probe ok\n");
	return failures != 0;
}
