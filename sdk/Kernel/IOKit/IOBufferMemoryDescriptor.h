/*
 * IOKit/IOBufferMemoryDescriptor.h — a memory descriptor that owns its
 * buffer: the usual way a driver gets memory for I/O or for sharing with a
 * user process.
 *
 * Backing (kexthost): a buffer made with kIOMemoryKernelUserShared, or made
 * in a client's task, lives in a memfd mapped into the kernel; only such a
 * buffer can be mapped into a client (clientMemoryForType ->
 * IOConnectMapMemory). Other buffers are plain kernel memory (kalloc, or
 * page allocations when large or aligned), as cheap as XNU's; asking to map
 * one into a client fails with kIOReturnNotPermitted (logged). The buffer is
 * zero-filled. getBytesNoCopy is always the kernel's address of the buffer
 * (for a buffer made in a client's task too: the client sees it once it
 * maps it).
 *
 * C++ (XNU)                                           C (kexthost)
 * IOBufferMemoryDescriptor::inTaskWithOptions(        IOBufferMemoryDescriptor_inTaskWithOptions(
 *     kernel_task, kIOMemoryKernelUserShared |            kernel_task, kIOMemoryKernelUserShared |
 *     kIODirectionInOut, size, page_size)                 kIODirectionInOut, size, 4096)
 * buf->getBytesNoCopy()                               IOBufferMemoryDescriptor_getBytesNoCopy(buf)
 * buf->setLength(n); buf->appendBytes(p, n)           IOBufferMemoryDescriptor_setLength(buf, n); ..._appendBytes(buf, p, n)
 */
#ifndef _IOBUFFERMEMORYDESCRIPTOR_H
#define _IOBUFFERMEMORYDESCRIPTOR_H

#include <IOKit/IOMemoryDescriptor.h>

__BEGIN_DECLS

/* Buffer options (XNU's values), on top of a direction and the kIOMemory* options. */
enum {
	kIOMemoryPhysicallyContiguous = 0x00000010,
	kIOMemoryPageable = 0x00000020,
	kIOMemoryPurgeable = 0x00000040,
	kIOMemoryHostPhysicallyContiguous = 0x00000080,
	kIOMemorySharingTypeMask = 0x000f0000,
	kIOMemoryUnshared = 0x00000000,
	kIOMemoryKernelUserShared = 0x00010000,
	kIOBufferDescriptorMemoryFlags = kIOMemoryDirectionMask | kIOMemoryAutoPrepare | kIOMemoryThreadSafe |
	                                 kIOMemoryClearEncrypt | kIOMemoryMapperNone | kIOMemoryUseReserve,
};

/* Largest buffer (kexthost limit). */
#define kIOBufferMemoryDescriptorMaxCapacity ((vm_size_t)1 << 32)

OSDeclareDefaultStructors(IOBufferMemoryDescriptor, IOMemoryDescriptor);

struct IOBufferMemoryDescriptor {
	IOMemoryDescriptor super;
	void *_buffer;          /* the kernel's address of the buffer */
	vm_size_t _capacity;    /* bytes usable */
	vm_offset_t _alignment; /* as asked (power of two) */
	IOOptionBits _options;
	vm_size_t _allocSize; /* bytes allocated (capacity rounded and aligned) */
	void *_allocBase;     /* start of the allocation (<= _buffer) */
	void *__reserved[2];
};

/*
 * A buffer of `capacity` bytes aligned to `alignment` (1: none; else a
 * power of two up to 1 MiB) in `inTask` (kernel_task, or a client's task:
 * then shared as kIOMemoryKernelUserShared is). Its length starts at the
 * capacity. NULL for a zero or too large capacity, a bad alignment, no memory.
 */
IOBufferMemoryDescriptor *IOBufferMemoryDescriptor_inTaskWithOptions(task_t inTask, IOOptionBits options,
                                                                     vm_size_t capacity,
                                                                     vm_offset_t alignment);
/*
 * Like inTaskWithOptions; the simulated physical pages of the buffer all lie
 * below physicalMask + 1 (a mask of low bits set, at least one page) and are
 * contiguous when kIOMemoryPhysicallyContiguous is given.
 */
IOBufferMemoryDescriptor *IOBufferMemoryDescriptor_inTaskWithPhysicalMask(task_t inTask, IOOptionBits options,
                                                                          mach_vm_size_t capacity,
                                                                          mach_vm_address_t physicalMask);
/* inTaskWithOptions(kernel_task, options, capacity, alignment). */
IOBufferMemoryDescriptor *IOBufferMemoryDescriptor_withOptions(IOOptionBits options, vm_size_t capacity,
                                                               vm_offset_t alignment);
/* A kernel buffer; contiguous: kIOMemoryPhysicallyContiguous aligned to its capacity (XNU's rule). */
IOBufferMemoryDescriptor *IOBufferMemoryDescriptor_withCapacity(vm_size_t capacity, IODirection withDirection,
                                                                bool withContiguousMemory);
/* A kernel buffer holding a copy of `bytes`; length and capacity are withLength. */
IOBufferMemoryDescriptor *IOBufferMemoryDescriptor_withBytes(const void *bytes, vm_size_t withLength,
                                                             IODirection withDirection,
                                                             bool withContiguousMemory);

/* The buffer (kernel address), or the byte at `start` when [start, start+withLength) is within the length. */
void *IOBufferMemoryDescriptor_getBytesNoCopy(IOBufferMemoryDescriptor *self);
void *IOBufferMemoryDescriptor_getBytesNoCopyRange(IOBufferMemoryDescriptor *self, vm_size_t start,
                                                   vm_size_t withLength);
vm_size_t IOBufferMemoryDescriptor_getCapacity(const IOBufferMemoryDescriptor *self);
/* Change the length (at most the capacity: larger values are cut to it, as XNU's assert-less build). */
void IOBufferMemoryDescriptor_setLength(IOBufferMemoryDescriptor *self, vm_size_t length);
void IOBufferMemoryDescriptor_setDirection(IOBufferMemoryDescriptor *self, IODirection direction);
/* Copy bytes to the end of the data and grow the length; cut at the capacity. Always true (XNU). */
bool IOBufferMemoryDescriptor_appendBytes(IOBufferMemoryDescriptor *self, const void *bytes,
                                          vm_size_t withLength);

__END_DECLS

#endif /* _IOBUFFERMEMORYDESCRIPTOR_H */
