/*
 * process.c — process-level host services: exit, pid, console output,
 * physical memory size, CPU numbers.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "host/khost.h"

void
khost_exit(int status)
{
#ifdef KEXTHOST_FUZZ
	/* Under libFuzzer a panic must look like a crash so the input is saved. */
	if (status == KHOST_EXIT_PANIC)
		abort();
#endif
	_exit(status);
}

int
khost_getpid(void)
{
	return (int)getpid();
}

void
khost_console_write(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

uint64_t
khost_physmem(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long psize = sysconf(_SC_PAGESIZE);
	return pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : 0;
}

int
khost_cpu_number(void)
{
	int cpu = sched_getcpu();
	return cpu < 0 ? 0 : cpu;
}

int
khost_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}
