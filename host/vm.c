/*
 * vm.c — page-granular memory from Linux (mmap), the backing for zones,
 * large kalloc allocations, kernel stacks and (later) kext images.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

static int
vm_prot_to_linux(int prot)
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

size_t
khost_page_size(void)
{
	static size_t page;
	if (page == 0)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

int
khost_vm_alloc(size_t size, size_t align, int prot, void **out)
{
	size_t page = khost_page_size();
	size_t len, extra;
	uint8_t *p, *aligned;

	if (size == 0 || size > ((size_t)1 << 46))
		return 22; /* EINVAL */
	size = (size + page - 1) & ~(page - 1);
	if (align < page)
		align = page;
	if (align & (align - 1))
		return 22;
	extra = align - page;
	len = size + extra;
	if (len < size)
		return 22;
	p = mmap(NULL, len, vm_prot_to_linux(prot), MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return khost_errno_to_darwin(errno);
	/* Over-map, then trim the ends so the block starts on `align`. */
	aligned = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (aligned > p)
		munmap(p, (size_t)(aligned - p));
	if (aligned + size < p + len)
		munmap(aligned + size, (size_t)((p + len) - (aligned + size)));
	*out = aligned;
	return 0;
}

int
khost_vm_free(void *addr, size_t size)
{
	size_t page = khost_page_size();
	size = (size + page - 1) & ~(page - 1);
	if (munmap(addr, size) != 0)
		return khost_errno_to_darwin(errno);
	return 0;
}

int
khost_vm_protect(void *addr, size_t size, int prot)
{
	if (mprotect(addr, size, vm_prot_to_linux(prot)) != 0)
		return khost_errno_to_darwin(errno);
	return 0;
}
