/*
 * k_kdebug.c — kernel side of the kdebug benchmark: the same loop with
 * nothing in it, with a disabled trace point, with an enabled one, and with
 * only the clock read. Every loop has the same compiler barrier, so the
 * disabled loop really reloads kdebug_enable each time as a trace point in
 * real code does.
 */
#include <stddef.h>
#include <stdbool.h>
#include <sys/kdebug.h>
#include <sys/sysctl.h>
#include <mach/mach_time.h>
#include "host/khost.h"
#include "bsd/kern/kdebug_internal.h"
#include "bench/k_kdebug.h"

#define KB_KDEBUG_ID BSDDBG_CODE(DBG_BSD_KDEBUG_TEST, 1)

int64_t
k_kdebug_empty_loop(uint64_t n)
{
	uint64_t t0 = khost_uptime_ns();

	for (uint64_t i = 0; i < n; i++)
		__asm__ __volatile__("" ::: "memory");
	return (int64_t)(khost_uptime_ns() - t0);
}

int64_t
k_kdebug_disabled(uint64_t n)
{
	uint64_t t0;

	if (kdebug_enable != 0)
		return -1;
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < n; i++) {
		KDBG(KB_KDEBUG_ID, i);
		__asm__ __volatile__("" ::: "memory");
	}
	return (int64_t)(khost_uptime_ns() - t0);
}

static int
kb_op(int op, int value)
{
	int name[2] = {op, value};

	return kdbg_control(name, 2, NULL, NULL, NULL, 0, 0);
}

int64_t
k_kdebug_enabled(uint64_t n)
{
	uint64_t t0, t1;

	if (kb_op(KERN_KDSETBUF, 65536) != 0 || kb_op(KERN_KDSETUP, 0) != 0 ||
	    kb_op(KERN_KDENABLE, KDEBUG_ENABLE_TRACE) != 0)
		return -1;
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < n; i++) {
		KDBG(KB_KDEBUG_ID, i);
		__asm__ __volatile__("" ::: "memory");
	}
	t1 = khost_uptime_ns();
	(void)kb_op(KERN_KDREMOVE, 0);
	return (int64_t)(t1 - t0);
}

int64_t
k_kdebug_clock(uint64_t n)
{
	uint64_t t0 = khost_uptime_ns(), sink = 0;

	for (uint64_t i = 0; i < n; i++) {
		sink += mach_absolute_time();
		__asm__ __volatile__("" ::: "memory");
	}
	return sink != 0 ? (int64_t)(khost_uptime_ns() - t0) : -1;
}
