/*
 * kextmem.c — address space for kexts: one reservation in the low 2 GB, just
 * above the kernel executable (linked non-PIE, so its code is low too), so
 * that kext code reaches kernel symbols and kernel data with 32-bit
 * displacements and -fno-pic objects' absolute 32-bit relocations fit.
 *
 * The reservation is PROT_NONE and MAP_NORESERVE: it costs no memory until
 * the kext linker commits pages (mprotect), and decommitting maps fresh
 * zero-filled inaccessible pages over the range, returning the memory.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
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

int
khost_vm_commit(void *addr, size_t size, int prot)
{
	if (mprotect(addr, size, kextmem_prot(prot)) != 0)
		return khost_errno_to_darwin(errno);
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
