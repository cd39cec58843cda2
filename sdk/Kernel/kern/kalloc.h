/*
 * kern/kalloc.h — general-purpose kernel allocation on size-class zones.
 * kfree() must be given the size that was passed to kalloc().
 */
#ifndef _KERN_KALLOC_H_
#define _KERN_KALLOC_H_

#include <sys/cdefs.h>
#include <mach/vm_types.h>

void *kalloc(vm_size_t size);
void *kalloc_noblock(vm_size_t size);
void kfree(void *data, vm_size_t size);

/*
 * Allocation names attribute kalloc memory to an owner (a kext, a
 * subsystem) so that leaks can be reported per owner.
 */
typedef struct kern_allocation_name *kern_allocation_name_t;
kern_allocation_name_t kern_allocation_name_allocate(const char *name, uint16_t suballocs);
void kern_allocation_name_release(kern_allocation_name_t allocation);
const char *kern_allocation_get_name(kern_allocation_name_t allocation);
void *kalloc_tag_name(vm_size_t size, kern_allocation_name_t name);
void kfree_tag_name(void *data, vm_size_t size, kern_allocation_name_t name);
uint64_t kern_allocation_name_bytes(kern_allocation_name_t name);

#endif /* _KERN_KALLOC_H_ */
