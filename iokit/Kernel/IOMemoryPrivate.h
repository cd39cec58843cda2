/*
 * IOMemoryPrivate.h — what the memory classes share among themselves
 * (IOMemoryDescriptor.c, IOMemoryMap.c, IOBufferMemoryDescriptor.c,
 * IODMACommand.c) and with the user-client mapping routines
 * (IOKitMIG_memory.c). Internal names carry the iomd_ prefix.
 */
#ifndef _IOKIT_KERNEL_IOMEMORYPRIVATE_H
#define _IOKIT_KERNEL_IOMEMORYPRIVATE_H

#include <IOKit/IOMemoryDescriptor.h>
#include <IOKit/IOBufferMemoryDescriptor.h>
#include "bsd/sys/proc_internal.h"

#define IOMD_PAGE kIOMemoryPhysicalPageSize

/*
 * A memfd behind shareable memory: the kernel's mapping of it and the host
 * descriptor that a client gets a copy of. Reference counted: the buffer
 * descriptor holds one, so does each kernel view made by a map.
 */
struct iomd_backing {
	int fd;
	void *kaddr; /* the kernel's mapping of the whole file */
	size_t size; /* file size (a multiple of the page size) */
	uint32_t refs;
};

/* 0 or an IOReturn (kIOReturnNoMemory, kIOReturnBadArgument). */
IOReturn iomd_backing_create(size_t size, size_t align, struct iomd_backing **out);
void iomd_backing_retain(struct iomd_backing *b);
void iomd_backing_release(struct iomd_backing *b);

/*
 * The task's process: NULL for kernel_task (and TASK_NULL), else the proc
 * (not referenced: the caller keeps the task alive).
 */
proc_t iomd_task_proc(task_t task);
/* A reference on a client task's proc (proc_ref): kIOReturnSuccess, or kIOReturnNotAttached once it exits. */
IOReturn iomd_task_ref(task_t task);
void iomd_task_rele(task_t task);
/* The host pid whose address space a task is (the kernel's own pid for kernel_task). */
int iomd_task_pid(task_t task);

/*
 * Move bytes between the kernel and [addr, addr+len) of a task: kernel
 * memory with memcpy, a client's with copyin/copyout when it is the
 * caller, else process_vm_readv/writev. 0 or a Darwin errno (EFAULT).
 */
int iomd_task_read(task_t task, mach_vm_address_t addr, void *buf, size_t len);
int iomd_task_write(task_t task, mach_vm_address_t addr, const void *buf, size_t len);

/* ---- simulated physical addresses --------------------------------------- */

/* The fake physical address of virtual address va of a task (see IOMemoryDescriptor.h). */
addr64_t iomd_phys_address(task_t task, mach_vm_address_t va);
/*
 * Give [kaddr, kaddr+len) of the kernel a contiguous run of fake frames
 * below mask+1 (page-aligned kaddr and len). 0, kIOReturnNoMemory when the
 * table is full, kIOReturnBadArgument when the run cannot fit under mask.
 */
IOReturn iomd_phys_register_contiguous(void *kaddr, size_t len, uint64_t mask);
void iomd_phys_unregister(void *kaddr);
/* Pick fake frames under mask for a non-contiguous buffer (each page hashed below mask+1). */
IOReturn iomd_phys_register_masked(void *kaddr, size_t len, uint64_t mask);

/* ---- mappings ------------------------------------------------------------ */

/*
 * A client mapping waiting for the client library to map the memfd: the
 * map's address is 0 until iomd_map_commit records where the client put it.
 */
bool iomd_map_is_pending(const IOMemoryMap *map);
void iomd_map_commit(IOMemoryMap *map, mach_vm_address_t address);
/* The memfd and the byte offset in it at which the map starts (pending client maps). */
struct iomd_backing *iomd_map_backing(const IOMemoryMap *map, uint64_t *file_offset);
/* The memfd behind a descriptor and where its single range starts in it; NULL when not shareable. */
struct iomd_backing *iomd_descriptor_backing(const IOMemoryDescriptor *md, uint64_t *file_offset);

#endif /* _IOKIT_KERNEL_IOMEMORYPRIVATE_H */
