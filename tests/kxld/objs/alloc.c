/* alloc.c — a kext that allocates with kalloc/kfree (bound to per-kext accounting by kxld). */
#include <stddef.h>
#include <kern/kalloc.h>

int kmod_info = 1;
static void *(*const alloc_fn)(vm_size_t) = kalloc; /* through a pointer too */

void *
alloc_get(size_t n)
{
	return kalloc(n);
}

void *
alloc_get_indirect(size_t n)
{
	return alloc_fn(n);
}

void *
alloc_get_noblock(size_t n)
{
	return kalloc_noblock(n);
}

void
alloc_put(void *p, size_t n)
{
	kfree(p, n);
}
