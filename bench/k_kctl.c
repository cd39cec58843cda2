/*
 * k_kctl.c — kernel side of the kernel control benchmark (see k_kctl.h).
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kern_control.h>
#include <kern/clock.h>
#include <mach/mach_time.h>
#include "bsd/sys/mbuf_internal.h"
#include "bsd/sys/sys_domain_internal.h"
#include "bench/k_kctl.h"

static errno_t
kb_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	return 0;
}

static errno_t
kb_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	errno_t e = ctl_enqueuembuf(ref, unit, m, CTL_DATA_EOR);

	if (e != 0)
		mbuf_freem(m);
	return e;
}

static int64_t
kb_elapsed(uint64_t t0)
{
	uint64_t ns;

	absolutetime_to_nanoseconds(mach_absolute_time() - t0, &ns);
	return (int64_t)ns;
}

int64_t
k_kctl_echo(uint32_t iters, uint32_t size)
{
	struct kern_ctl_reg reg;
	struct sockaddr_ctl a;
	kern_ctl_ref ref;
	struct sosys *so;
	char buf[4096];
	size_t n;
	int fl;
	int64_t rc = -1;
	uint64_t t0;

	if (size > sizeof(buf))
		return -1;
	memset(&reg, 0, sizeof(reg));
	strlcpy(reg.ctl_name, "com.kexthost.bench.echo", sizeof(reg.ctl_name));
	reg.ctl_connect = kb_connect;
	reg.ctl_send = kb_send;
	if (ctl_register(&reg, &ref) != 0)
		return -1;
	if (sosys_create(SOSYS_SOCK_DGRAM, SYSPROTO_CONTROL, 1, &so) != 0)
		goto out_dereg;
	memset(&a, 0, sizeof(a));
	a.sc_len = sizeof(a);
	a.sc_family = AF_SYSTEM;
	a.ss_sysaddr = AF_SYS_CONTROL;
	a.sc_id = reg.ctl_id;
	if (sosys_connect(so, &a, sizeof(a)) != 0)
		goto out_close;
	memset(buf, 'x', size);
	t0 = mach_absolute_time();
	for (uint32_t i = 0; i < iters; i++) {
		if (sosys_send(so, buf, size, 0, &n) != 0 ||
		    sosys_recv(so, buf, sizeof(buf), 0, &n, &fl) != 0 || n != size)
			goto out_close;
	}
	rc = kb_elapsed(t0);
out_close:
	sosys_close(so);
out_dereg:
	ctl_deregister(ref);
	return rc;
}

int64_t
k_kctl_mbuf(uint32_t iters, uint32_t size)
{
	char buf[4096];
	uint64_t t0;

	if (size > sizeof(buf))
		return -1;
	memset(buf, 'y', size);
	t0 = mach_absolute_time();
	for (uint32_t i = 0; i < iters; i++) {
		mbuf_t m;

		if (mbuf_allocpacket(MBUF_WAITOK, size, NULL, &m) != 0)
			return -1;
		mbuf_copyback(m, 0, size, buf, MBUF_WAITOK);
		mbuf_freem(m);
	}
	return kb_elapsed(t0);
}
