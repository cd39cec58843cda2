/*
 * k_dev.c — kernel side of the character-device benchmark (see k_dev.h).
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"
#include "bench/k_dev.h"

int64_t
k_dev_read_zero(uint32_t iters, uint32_t size, void *buf)
{
	proc_t p;
	int64_t fd = -1, rv = 0;
	uint64_t args[3], t0, t1;
	int err;

	if (proc_init() != 0 || syscall_init() != 0)
		return -1;
	err = proc_attach(khost_getpid(), 0, 0, -1, &p);
	if (err != 0)
		return -err;
	if (proc_call_begin(p) != 0) {
		proc_exit(p);
		return -1;
	}
	args[0] = (uint64_t)(uintptr_t) "/dev/zero";
	args[1] = 0;
	args[2] = 0;
	err = syscall_dispatch(p, KH_SYS_open, args, 3, &fd);
	if (err != 0)
		goto out;
	args[0] = (uint64_t)fd;
	args[1] = (uint64_t)(uintptr_t)buf;
	args[2] = size;
	t0 = khost_uptime_ns();
	for (uint32_t i = 0; i < iters && err == 0; i++) {
		err = syscall_dispatch(p, KH_SYS_read, args, 3, &rv);
		if (err == 0 && rv != (int64_t)size)
			err = EIO;
	}
	t1 = khost_uptime_ns();
out:
	proc_call_end(p);
	proc_exit(p);
	return err != 0 ? -err : (int64_t)(t1 - t0);
}
