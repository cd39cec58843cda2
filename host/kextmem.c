/*
 * kextmem.c — address space for kexts: one reservation in the low 2 GB, just
 * above the kernel executable (linked non-PIE, so its code is low too), so
 * that kext code reaches kernel symbols and kernel data with 32-bit
 * displacements and -fno-pic objects' absolute 32-bit relocations fit.
 *
 * The reservation is PROT_NONE and MAP_NORESERVE: it costs no memory until
 * the kext linker commits pages (mprotect), and decommitting maps fresh
 * zero-filled inaccessible pages over the range, returning the memory.
 * Committing a writable range populates it in one call (MADV_POPULATE_WRITE)
 * rather than one page fault per page.
 *
 * Also here: reading a kext's executable file for the linker — mapped
 * read-only from the page cache when large, read into heap memory when small.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

/* End of the executable's bss, from the GNU linker's default script. */
extern char _end[];

#define KEXTMEM_LIMIT ((uintptr_t)1 << 31)
/* Leave room for the brk heap, which the kernel (and glibc) place right after _end. */
#define KEXTMEM_GAP ((uintptr_t)64 << 20)
#define KEXTMEM_STEP ((uintptr_t)32 << 20)

static int
kextmem_prot(int prot)
{
	int p = PROT_NONE;

	if (prot & KHOST_PROT_READ)
		p |= PROT_READ;
	if (prot & KHOST_PROT_WRITE)
		p |= PROT_WRITE;
	if (prot & KHOST_PROT_EXEC)
		p |= PROT_EXEC;
	return p;
}

int
khost_vm_reserve_low(size_t size, void **out)
{
	size_t page = khost_page_size();
	uintptr_t start, hint;
	void *p;

	if (size == 0 || size > KEXTMEM_LIMIT / 2)
		return khost_errno_to_darwin(EINVAL);
	size = (size + page - 1) & ~(page - 1);
	start = ((uintptr_t)_end + KEXTMEM_GAP + KEXTMEM_STEP - 1) & ~(KEXTMEM_STEP - 1);
	/* Walk upwards until a free range fits below 2 GB (anything else is mapped). */
	for (hint = start; hint + size <= KEXTMEM_LIMIT && hint >= start; hint += KEXTMEM_STEP) {
		p = mmap((void *)hint, size, PROT_NONE,
		         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED) {
			if (errno == EEXIST)
				continue;
			return khost_errno_to_darwin(errno);
		}
		if ((uintptr_t)p != hint) {
			/* A kernel without MAP_FIXED_NOREPLACE treats it as a hint. */
			munmap(p, size);
			continue;
		}
		*out = p;
		return 0;
	}
	return khost_errno_to_darwin(ENOMEM);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int
khost_vm_commit(void *addr, size_t size, int prot)
{
	if (mprotect(addr, size, kextmem_prot(prot)) != 0)
		return khost_errno_to_darwin(errno);
	/* Best effort: older kernels fault the pages in on first touch instead. */
	if (prot & KHOST_PROT_WRITE)
		(void)madvise(addr, size, MADV_POPULATE_WRITE);
	return 0;
}

int
khost_vm_decommit(void *addr, size_t size)
{
	void *p = mmap(addr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED)
		return khost_errno_to_darwin(errno);
	return 0;
}

/*
 * Files up to this size are read into heap memory: for a small kext that is
 * cheaper than creating and tearing down a mapping. khost_file_unmap()
 * tells the two apart by the length, which it is given back.
 */
#define KEXTMEM_READ_MAX ((size_t)128 << 10)

static int
kextmem_read_all(int fd, void *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, (char *)buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return khost_errno_to_darwin(errno);
		if (n == 0)
			return khost_errno_to_darwin(EIO); /* the file shrank */
		done += (size_t)n;
	}
	return 0;
}

int
khost_file_map_readonly(const char *path, size_t max, const void **out, size_t *len)
{
	struct stat st;
	size_t size;
	void *p;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return khost_errno_to_darwin(errno);
	if (fstat(fd, &st) != 0) {
		err = khost_errno_to_darwin(errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = khost_errno_to_darwin(S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
		goto out;
	}
	size = (size_t)st.st_size;
	if (size > max) {
		err = khost_errno_to_darwin(EFBIG);
		goto out;
	}
	if (size <= KEXTMEM_READ_MAX) {
		/* Aligned like a mapping would be, so ELF structures are naturally aligned. */
		p = aligned_alloc(64, (size + 63) & ~(size_t)63 ? (size + 63) & ~(size_t)63 : 64);
		if (p == NULL) {
			err = khost_errno_to_darwin(ENOMEM);
			goto out;
		}
		err = kextmem_read_all(fd, p, size);
		if (err != 0) {
			free(p);
			goto out;
		}
	} else {
		p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			err = khost_errno_to_darwin(errno);
			goto out;
		}
	}
	*out = p;
	*len = size;
out:
	close(fd);
	return err;
}

int
khost_file_unmap(const void *addr, size_t len)
{
	if (len <= KEXTMEM_READ_MAX) {
		free((void *)(uintptr_t)addr);
		return 0;
	}
	if (munmap((void *)(uintptr_t)addr, len) != 0)
		return khost_errno_to_darwin(errno);
	return 0;
}
