/*
 * shmring.c — host services of the shared-memory call channel (the
 * boundary's fast path, bsd/kern/kern_syscall_shm.c): map a client's ring
 * (a memfd the client made, reached through /proc/<pid>/fd/<n>, which needs
 * the same ptrace-level access as process_vm_readv), and futexes that work
 * across processes (shared, not FUTEX_PRIVATE_FLAG, since the word lives in
 * memory two processes map). The ring must be sealed (F_SEAL_SHRINK and
 * F_SEAL_SEAL) so the client cannot shrink it under the kernel's mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

int
khost_shm_map_peer(int pid, int fd, size_t size, void **out)
{
	char path[64];
	struct stat st;
	void *p;
	int f, err;

	*out = NULL;
	if (pid <= 0 || fd < 0 || size == 0)
		return khost_errno_to_darwin(EINVAL);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	f = open(path, O_RDWR | O_CLOEXEC);
	if (f < 0)
		return khost_errno_to_darwin(errno);
	/*
	 * Only a regular (memfd) file of exactly the announced size, sealed
	 * against shrinking: a client that could truncate the file under our
	 * mapping would make the kernel's next access a SIGBUS.
	 */
	int seals = fcntl(f, F_GET_SEALS);
	if (seals < 0 || (seals & (F_SEAL_SHRINK | F_SEAL_SEAL)) != (F_SEAL_SHRINK | F_SEAL_SEAL) ||
	    fstat(f, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size) {
		close(f);
		return khost_errno_to_darwin(EINVAL);
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	err = errno;
	close(f);
	if (p == MAP_FAILED)
		return khost_errno_to_darwin(err);
	*out = p;
	return 0;
}

int
khost_shm_unmap(void *addr, size_t size)
{
	if (munmap(addr, size) != 0)
		return khost_errno_to_darwin(errno);
	return 0;
}

int
khost_futex_wait_shared(volatile uint32_t *addr, uint32_t expected, uint64_t deadline_ns)
{
	struct timespec ts, *tsp = NULL;
	long r;

	if (deadline_ns != 0) {
		ts.tv_sec = (time_t)(deadline_ns / 1000000000ull);
		ts.tv_nsec = (long)(deadline_ns % 1000000000ull);
		tsp = &ts;
	}
	r = syscall(SYS_futex, addr, FUTEX_WAIT_BITSET, expected, tsp, NULL, FUTEX_BITSET_MATCH_ANY);
	if (r == 0 || errno == EAGAIN)
		return 0;
	if (errno == ETIMEDOUT)
		return khost_errno_to_darwin(ETIMEDOUT);
	if (errno == EINTR)
		return khost_errno_to_darwin(EINTR);
	return khost_errno_to_darwin(errno);
}

int
khost_futex_wake_shared(volatile uint32_t *addr, int count)
{
	long r = syscall(SYS_futex, addr, FUTEX_WAKE, count, NULL, NULL, 0);
	return r < 0 ? 0 : (int)r;
}
