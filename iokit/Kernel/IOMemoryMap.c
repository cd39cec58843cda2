/*
 * IOMemoryMap.c — mapping a memory descriptor into a task
 * (IOMemoryDescriptor_createMappingInTask, IOMemoryMap).
 *
 * What can be mapped where (the kernel cannot edit another host process's
 * address space, so a client mapping is made by the client itself):
 *
 *   memory                         into the kernel            into a client task
 *   kernel range (one)             its own address            no (kIOReturnNotPermitted, logged)
 *   memfd-backed (shared buffer)   its kernel address         the memfd, mapped by the client
 *   a client's own range (one)     no                         its own address, in that client
 *
 * A client mapping of memfd-backed memory starts *pending* (address 0):
 * IOConnectMapMemory's routine (IOKitMIG_memory.c) sends the memfd with
 * its reply, the client library maps it and reports the address, which
 * iomd_map_commit records. When the client is the kernel's own host
 * process (kernel-side tests attach themselves as a client) the kernel maps
 * the memfd itself, at once. kIOMapAnywhere is required except where the
 * address is fixed anyway (the memory's own address, given as atAddress).
 */
#include <IOKit/IOMemoryDescriptor.h>
#include <IOKit/IOLib.h>
#include <sys/systm.h>
#include "host/khost.h"
#include "iokit/Kernel/IOMemoryPrivate.h"

#define IOMM_PENDING 0x1u /* __reserved[0]: waiting for the client to map it */

static void IOMemoryMap_freeImpl(OSObject *obj);

static const OSMethod IOMemoryMap_methods[] = {
        OSMethodOverride(OSObject, free, IOMemoryMap_freeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOMemoryMap, OSObject, IOMemoryMap_methods);

#undef IOMemoryDescriptor_createMappingInTask
#undef IOMemoryDescriptor_map

static bool
iomm_pending(const IOMemoryMap *map)
{
	return ((uintptr_t)map->__reserved[0] & IOMM_PENDING) != 0;
}

bool
iomd_map_is_pending(const IOMemoryMap *map)
{
	return iomm_pending(map) && !map->fUnmapped;
}

void
iomd_map_commit(IOMemoryMap *map, mach_vm_address_t address)
{
	map->fAddress = address;
	map->__reserved[0] = NULL;
}

struct iomd_backing *
iomd_map_backing(const IOMemoryMap *map, uint64_t *file_offset)
{
	uint64_t base;
	struct iomd_backing *b = iomd_descriptor_backing(map->fMemory, &base);

	if (b != NULL)
		*file_offset = base + map->fOffset;
	return b;
}

/* Refuse a mapping with a reason in the log (XNU fails these quietly or maps; we cannot). */
static IOMemoryMap *
iomm_refuse(const char *why)
{
	printf("IOMemoryDescriptor::createMappingInTask: %s\n", why);
	return NULL;
}

IOMemoryMap *
IOMemoryDescriptor_createMappingInTask(IOMemoryDescriptor *self, task_t intoTask, mach_vm_address_t atAddress,
                                       IOOptionBits options, mach_vm_size_t offset, mach_vm_size_t length)
{
	proc_t into = iomd_task_proc(intoTask);
	struct iomd_backing *b;
	uint64_t file_off = 0;
	mach_vm_address_t addr = 0;
	IOMemoryMap *map;
	void *view = NULL;
	bool pending = false;

	if (self == NULL || intoTask == TASK_NULL)
		return NULL;
	if (offset > self->_length)
		return NULL;
	if (length == 0)
		length = self->_length - offset;
	if (length > self->_length - offset)
		return NULL;
	b = iomd_descriptor_backing(self, &file_off);
	if (into == NULL) {
		/* Into the kernel: the memory's own kernel address, when there is one. */
		if (iomd_task_proc(self->_task) != NULL)
			return iomm_refuse("a client's memory cannot be mapped into the kernel");
		if (self->_rangesCount != 1)
			return iomm_refuse("kernel memory of several ranges cannot be mapped");
		addr = self->_ranges[0].address + offset;
	} else if (iomd_task_proc(self->_task) == into && self->_rangesCount == 1) {
		addr = self->_ranges[0].address + offset; /* the client's own memory, where it is */
	} else if (b == NULL) {
		return iomm_refuse(
		        "memory not created with kIOMemoryKernelUserShared cannot be mapped into a "
		        "process");
	} else if (proc_pid(into) == khost_getpid()) {
		/* The client is this very process (kernel-side tests): map a second view now. */
		uint64_t foff = file_off + offset, lead = foff % IOMD_PAGE;
		int prot = KHOST_PROT_READ | ((options & kIOMapReadOnly) ? 0 : KHOST_PROT_WRITE);
		int err = khost_shm_map_fd(b->fd, (size_t)(lead + length), foff - lead, prot, &view);
		if (err != 0) {
			printf("IOMemoryDescriptor::createMappingInTask: mmap failed (error %d)\n", err);
			return NULL;
		}
		addr = (mach_vm_address_t)(uintptr_t)view + lead;
	} else {
		pending = true; /* the client library maps it (IOConnectMapMemory) */
	}
	if (!(options & kIOMapAnywhere) && !pending && atAddress != addr) {
		if (view != NULL)
			(void)khost_shm_unmap(view, (size_t)(addr - (uintptr_t)view + length));
		return iomm_refuse("cannot place the mapping at a fixed address");
	}
	map = OSTypeAlloc(IOMemoryMap);
	if (map == NULL || !OSObject_init(map) || iomd_task_ref(intoTask) != kIOReturnSuccess) {
		if (view != NULL)
			(void)khost_shm_unmap(view, (size_t)(addr - (uintptr_t)view + length));
		OSSafeReleaseNULL(map);
		return NULL;
	}
	OSObject_retain(self);
	map->fMemory = self;
	map->fAddressTask = intoTask;
	map->fAddress = addr;
	map->fLength = length;
	map->fOffset = offset;
	map->fOptions = options;
	map->fHostMapping = view;
	if (pending)
		map->__reserved[0] = (void *)(uintptr_t)IOMM_PENDING;
	return map;
}

IOMemoryMap *
IOMemoryDescriptor_map(IOMemoryDescriptor *self, IOOptionBits options)
{
	return IOMemoryDescriptor_createMappingInTask(self, kernel_task, 0, options | kIOMapAnywhere, 0, 0);
}

/* ---- IOMemoryMap -------------------------------------------------------------- */

IOReturn
IOMemoryMap_unmap(IOMemoryMap *self)
{
	if (self == NULL)
		return kIOReturnBadArgument;
	if (self->fUnmapped)
		return kIOReturnNotAttached;
	if (self->fHostMapping != NULL) {
		uintptr_t lead = (uintptr_t)self->fAddress - (uintptr_t)self->fHostMapping;
		(void)khost_shm_unmap(self->fHostMapping, (size_t)(lead + self->fLength));
		self->fHostMapping = NULL;
	}
	self->fUnmapped = true;
	self->fAddress = 0;
	return kIOReturnSuccess;
}

static void
IOMemoryMap_freeImpl(OSObject *obj)
{
	IOMemoryMap *self = (IOMemoryMap *)obj;

	if (self->fMemory != NULL && !self->fUnmapped)
		(void)IOMemoryMap_unmap(self);
	OSSafeReleaseNULL(self->fMemory);
	if (self->fAddressTask != TASK_NULL)
		iomd_task_rele(self->fAddressTask);
	self->fAddressTask = TASK_NULL;
	OSSuperCall(IOMemoryMap, free, obj);
}

IOVirtualAddress
IOMemoryMap_getVirtualAddress(IOMemoryMap *self)
{
	return (IOVirtualAddress)self->fAddress;
}

mach_vm_address_t
IOMemoryMap_getAddress(IOMemoryMap *self)
{
	return self->fAddress;
}

IOByteCount
IOMemoryMap_getLength(IOMemoryMap *self)
{
	return self->fLength;
}

mach_vm_size_t
IOMemoryMap_getSize(IOMemoryMap *self)
{
	return self->fLength;
}

task_t
IOMemoryMap_getAddressTask(IOMemoryMap *self)
{
	return self->fAddressTask;
}

IOMemoryDescriptor *
IOMemoryMap_getMemoryDescriptor(IOMemoryMap *self)
{
	return self->fMemory;
}

IOOptionBits
IOMemoryMap_getMapOptions(IOMemoryMap *self)
{
	return self->fOptions;
}

IOPhysicalAddress
IOMemoryMap_getPhysicalSegment(IOMemoryMap *self, IOByteCount offset, IOByteCount *length,
                               IOOptionBits options)
{
	addr64_t pa;

	if (length != NULL)
		*length = 0;
	if (self->fUnmapped || offset >= self->fLength)
		return 0;
	pa = IOMemoryDescriptor_getPhysicalSegment(self->fMemory, self->fOffset + offset, length, options);
	if (length != NULL && *length > self->fLength - offset)
		*length = self->fLength - offset;
	return pa;
}
