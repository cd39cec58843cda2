/*
 * futex.c — the kernel's only blocking primitive: wait while a 32-bit word
 * holds a value, with an optional absolute monotonic deadline; wake waiters.
 * Process-private futexes (FUTEX_PRIVATE_FLAG) keep the kernel's fast.
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

int
khost_futex_wait(volatile uint32_t *addr, uint32_t expected, uint64_t deadline_ns)
{
	struct timespec ts, *tsp = NULL;
	long r;

	if (deadline_ns != 0) {
		ts.tv_sec = (time_t)(deadline_ns / 1000000000ull);
		ts.tv_nsec = (long)(deadline_ns % 1000000000ull);
		tsp = &ts;
	}
	/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC timeout. */
	r = syscall(SYS_futex, addr, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tsp, NULL,
	            FUTEX_BITSET_MATCH_ANY);
	if (r == 0)
		return 0;
	switch (errno) {
	case EAGAIN:
		return 0; /* the value had already changed */
	case ETIMEDOUT:
		return 60;
	case EINTR:
		return 4;
	default:
		return khost_errno_to_darwin(errno);
	}
}

int
khost_futex_wake(volatile uint32_t *addr, int count)
{
	long r = syscall(SYS_futex, addr, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, count, NULL, NULL, 0);
	return r < 0 ? 0 : (int)r;
}
