/*
 * IOBufferMemoryDescriptor.c — a descriptor over a buffer it allocates
 * (IOKit/IOBufferMemoryDescriptor.h).
 *
 * Where the bytes live: shareable buffers (kIOMemoryKernelUserShared, or
 * made in a client's task) in a memfd (iomd_backing) so a client can map
 * them; all others come from IOMallocAligned, zeroed. Physically
 * contiguous or physically masked buffers are page-aligned and register
 * their pages in the simulated physical address table, so their segments
 * come out contiguous / below the mask. The descriptor's one range is the
 * buffer's kernel address; its length is what setLength/appendBytes say.
 */
#include <IOKit/IOBufferMemoryDescriptor.h>
#include <IOKit/IOLib.h>
#include <sys/systm.h>
#include "iokit/Kernel/IOMemoryPrivate.h"

#define IOBMD_MAX_ALIGN (1024u * 1024u)

static void IOBufferMemoryDescriptor_freeImpl(OSObject *obj);

static const OSMethod IOBufferMemoryDescriptor_methods[] = {
        OSMethodOverride(OSObject, free, IOBufferMemoryDescriptor_freeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOBufferMemoryDescriptor, IOMemoryDescriptor, IOBufferMemoryDescriptor_methods);

/* __reserved[0] of the buffer: the buffer is in the simulated physical table. */
#define IOBMD_PHYS_REGISTERED ((void *)1)

static bool
iobmd_init(IOBufferMemoryDescriptor *self, task_t inTask, IOOptionBits options, vm_size_t capacity,
           vm_offset_t alignment, mach_vm_address_t physicalMask)
{
	bool shared =
	        (options & kIOMemoryKernelUserShared) != 0 || (inTask != TASK_NULL && inTask != kernel_task);
	bool contig = (options & (kIOMemoryPhysicallyContiguous | kIOMemoryHostPhysicallyContiguous)) != 0;
	struct iomd_backing *b = NULL;
	IOAddressRange r;
	void *buf;

	if (alignment == 0)
		alignment = 1;
	if (capacity == 0 || capacity > kIOBufferMemoryDescriptorMaxCapacity ||
	    (alignment & (alignment - 1)) != 0 || alignment > IOBMD_MAX_ALIGN)
		return false;
	if (inTask != TASK_NULL && inTask != kernel_task && iomd_task_proc(inTask) == NULL)
		return false;
	/* Physical placement works on whole pages. */
	if ((contig || physicalMask != 0) && alignment < IOMD_PAGE)
		alignment = IOMD_PAGE;
	if (shared) {
		if (iomd_backing_create(capacity, alignment, &b) != kIOReturnSuccess)
			return false;
		buf = b->kaddr;
		self->_allocSize = b->size;
	} else {
		vm_size_t size = contig || physicalMask != 0
		                         ? (capacity + IOMD_PAGE - 1) & ~(vm_size_t)(IOMD_PAGE - 1)
		                         : capacity;
		buf = IOMallocAligned(size, alignment);
		if (buf == NULL)
			return false;
		memset(buf, 0, size);
		self->_allocSize = size;
	}
	self->_allocBase = buf;
	self->_buffer = buf;
	self->_capacity = capacity;
	self->_alignment = alignment;
	self->_options = options;
	r.address = (mach_vm_address_t)(uintptr_t)buf;
	r.length = capacity;
	/* The descriptor's fields are set before init can fail, so free() finds the memory. */
	self->super._backing = b;
	if (!IOMemoryDescriptor_initWithOptions(&self->super, &r, 1, 0, kernel_task,
	                                        (options & kIOBufferDescriptorMemoryFlags) |
	                                                kIOMemoryTypeVirtual64))
		return false;
	if (contig || physicalMask != 0) {
		uint64_t mask = physicalMask != 0 ? physicalMask : UINT64_MAX;
		IOReturn ret = contig ? iomd_phys_register_contiguous(buf, self->_allocSize, mask)
		                      : iomd_phys_register_masked(buf, self->_allocSize, mask);
		if (ret != kIOReturnSuccess) {
			printf("IOBufferMemoryDescriptor: cannot place %lu bytes under physical mask 0x%llx "
			       "(0x%x)\n",
			       (unsigned long)capacity, (unsigned long long)mask, ret);
			return false;
		}
		self->__reserved[0] = IOBMD_PHYS_REGISTERED;
	}
	return true;
}

static void
IOBufferMemoryDescriptor_freeImpl(OSObject *obj)
{
	IOBufferMemoryDescriptor *self = (IOBufferMemoryDescriptor *)obj;

	if (self->__reserved[0] == IOBMD_PHYS_REGISTERED)
		iomd_phys_unregister(self->_allocBase);
	if (self->super._backing != NULL)
		iomd_backing_release(self->super._backing);
	else if (self->_allocBase != NULL)
		IOFreeAligned(self->_allocBase, self->_allocSize);
	self->super._backing = NULL;
	self->_allocBase = self->_buffer = NULL;
	OSSuperCallAs(IOBufferMemoryDescriptor, OSObject, free, obj);
}

static IOBufferMemoryDescriptor *
iobmd_make(task_t inTask, IOOptionBits options, vm_size_t capacity, vm_offset_t alignment,
           mach_vm_address_t mask)
{
	IOBufferMemoryDescriptor *me = OSTypeAlloc(IOBufferMemoryDescriptor);

	if (me != NULL && !iobmd_init(me, inTask, options, capacity, alignment, mask))
		OSSafeReleaseNULL(me);
	return me;
}

IOBufferMemoryDescriptor *
IOBufferMemoryDescriptor_inTaskWithOptions(task_t inTask, IOOptionBits options, vm_size_t capacity,
                                           vm_offset_t alignment)
{
	return iobmd_make(inTask, options, capacity, alignment, 0);
}

IOBufferMemoryDescriptor *
IOBufferMemoryDescriptor_inTaskWithPhysicalMask(task_t inTask, IOOptionBits options, mach_vm_size_t capacity,
                                                mach_vm_address_t physicalMask)
{
	vm_offset_t alignment = 1;

	if (physicalMask != 0) {
		/* The mask's low clear bits are an alignment; the rest bounds the addresses (XNU's reading). */
		mach_vm_address_t low = physicalMask & (~physicalMask + 1);
		if (low > IOBMD_MAX_ALIGN)
			return NULL;
		alignment = (vm_offset_t)low;
		physicalMask |= low - 1;
		if ((physicalMask & (physicalMask + 1)) != 0)
			return NULL; /* holes in the mask: not a range of addresses */
	}
	if (capacity > kIOBufferMemoryDescriptorMaxCapacity)
		return NULL;
	return iobmd_make(inTask, options, (vm_size_t)capacity, alignment, physicalMask);
}

IOBufferMemoryDescriptor *
IOBufferMemoryDescriptor_withOptions(IOOptionBits options, vm_size_t capacity, vm_offset_t alignment)
{
	return iobmd_make(kernel_task, options, capacity, alignment, 0);
}

IOBufferMemoryDescriptor *
IOBufferMemoryDescriptor_withCapacity(vm_size_t capacity, IODirection withDirection,
                                      bool withContiguousMemory)
{
	return iobmd_make(kernel_task,
	                  (withDirection & kIOMemoryDirectionMask) |
	                          (withContiguousMemory ? kIOMemoryPhysicallyContiguous : 0),
	                  capacity, withContiguousMemory ? IOMD_PAGE : 1, 0);
}

IOBufferMemoryDescriptor *
IOBufferMemoryDescriptor_withBytes(const void *bytes, vm_size_t withLength, IODirection withDirection,
                                   bool withContiguousMemory)
{
	IOBufferMemoryDescriptor *me;

	if (bytes == NULL)
		return NULL;
	me = IOBufferMemoryDescriptor_withCapacity(withLength, withDirection, withContiguousMemory);
	if (me != NULL) {
		IOBufferMemoryDescriptor_setLength(me, 0);
		(void)IOBufferMemoryDescriptor_appendBytes(me, bytes, withLength);
	}
	return me;
}

void *
IOBufferMemoryDescriptor_getBytesNoCopy(IOBufferMemoryDescriptor *self)
{
	return self->_buffer;
}

void *
IOBufferMemoryDescriptor_getBytesNoCopyRange(IOBufferMemoryDescriptor *self, vm_size_t start,
                                             vm_size_t withLength)
{
	IOByteCount len = self->super._length;

	if (start < len && withLength <= len - start)
		return (char *)self->_buffer + start;
	return NULL;
}

vm_size_t
IOBufferMemoryDescriptor_getCapacity(const IOBufferMemoryDescriptor *self)
{
	return self->_capacity;
}

void
IOBufferMemoryDescriptor_setLength(IOBufferMemoryDescriptor *self, vm_size_t length)
{
	if (length > self->_capacity)
		length = self->_capacity;
	self->super._length = length;
	self->super._ranges[0].length = length;
}

void
IOBufferMemoryDescriptor_setDirection(IOBufferMemoryDescriptor *self, IODirection direction)
{
	self->super._flags =
	        (self->super._flags & ~kIOMemoryDirectionMask) | (direction & kIOMemoryDirectionMask);
}

bool
IOBufferMemoryDescriptor_appendBytes(IOBufferMemoryDescriptor *self, const void *bytes, vm_size_t withLength)
{
	IOByteCount len = self->super._length;
	vm_size_t n = self->_capacity - len;

	if (n > withLength)
		n = withLength;
	if (n != 0 && bytes != NULL) {
		memcpy((char *)self->_buffer + len, bytes, n);
		self->super._length = len + n;
		self->super._ranges[0].length = len + n;
	}
	return true;
}
