/*
 * IOKit/IOMemoryDescriptor.h — memory descriptors and mappings in C: an
 * IOMemoryDescriptor names one or more virtual ranges of a task (the kernel
 * or a client process) and moves bytes in and out of them, hands out the
 * physical segments a DMA engine would use, and maps the memory into a task
 * (IOMemoryMap).
 *
 * How kexthost stands in for the VM system:
 *  - Kernel memory is the kernel process's own memory. A client's memory is
 *    another host process: the descriptor reads and writes it with copyin /
 *    copyout when the client is the caller of the current call, otherwise
 *    with process_vm_readv/writev on its pid. A bad address is an error,
 *    never a fault in the kernel.
 *  - prepare() stands for wiring: it checks every page of a user range is
 *    readable (and, for kIODirectionIn, writable) and fails with
 *    kIOReturnVMError otherwise. prepare/complete are counted: the check
 *    runs on the first prepare; a complete() with nothing prepared does
 *    nothing (XNU asserts; here it is logged).
 *  - Physical addresses are simulated: each 4 KiB page of a task gets a
 *    stable fake frame derived from a hash of (task, virtual page), in
 *    [1 MiB, 4 GiB); neighbouring pages are therefore usually not physically
 *    contiguous, exactly what scatter-gather code must cope with. A buffer
 *    allocated kIOMemoryPhysicallyContiguous gets a contiguous run of fake
 *    frames. The addresses cannot be dereferenced: they exist for
 *    getPhysicalSegment and IODMACommand.
 *  - Memory that can be mapped into a client process is backed by a memfd
 *    (IOBufferMemoryDescriptor with kIOMemoryKernelUserShared, or one made
 *    in a user task); mapping it into a client sends the memfd over the
 *    client's socket and the client library maps it (docs/BOUNDARY.md,
 *    "Mapping memory into a process").
 *
 * C++ (XNU)                                     C (kexthost)
 * IOMemoryDescriptor::withAddressRange(a, n,    IOMemoryDescriptor_withAddressRange(a, n,
 *     kIODirectionOut, task)                        kIODirectionOut, task)
 * md->prepare(); ... md->complete();            IOMemoryDescriptor_prepare(md, kIODirectionNone); ...
 * md->readBytes(0, buf, len)                    IOMemoryDescriptor_readBytes(md, 0, buf, len)
 * md->getPhysicalSegment(off, &len, 0)          IOMemoryDescriptor_getPhysicalSegment(md, off, &len, 0)
 * map = md->createMappingInTask(task, 0,        map = IOMemoryDescriptor_createMappingInTask(md, task, 0,
 *     kIOMapAnywhere)                               kIOMapAnywhere, 0, 0)
 * map->getVirtualAddress()                      IOMemoryMap_getVirtualAddress(map)
 *
 * Differences from XNU: IOGeneralMemoryDescriptor is folded into
 * IOMemoryDescriptor (it is concrete here); no physical-address, UPL,
 * persistent or sub-range descriptors; no IOMapper; purgeability, cache
 * modes and kIOMemoryThreadSafe are accepted and ignored.
 */
#ifndef _IOMEMORYDESCRIPTOR_H
#define _IOMEMORYDESCRIPTOR_H

#include <sys/cdefs.h>
#include <libkern/c/OSObject.h>
#include <IOKit/IOTypes.h>
#include <IOKit/IOLocks.h>

__BEGIN_DECLS

typedef struct IOMemoryDescriptor IOMemoryDescriptor;
typedef struct IOMemoryMap IOMemoryMap;

/* Direction of a transfer, seen from the memory ("In": the device writes it). XNU's values. */
enum {
	kIODirectionNone = 0x0,
	kIODirectionIn = 0x1,  /* the memory is written (a read from a device) */
	kIODirectionOut = 0x2, /* the memory is read (a write to a device) */
	kIODirectionOutIn = kIODirectionOut | kIODirectionIn,
	kIODirectionInOut = kIODirectionIn | kIODirectionOut,

	/* prepare() only */
	kIODirectionPrepareToPhys32 = 0x00000004,
	kIODirectionPrepareNoFault = 0x00000008,
	kIODirectionPrepareReserved1 = 0x00000010,
	kIODirectionPrepareNonCoherent = 0x00000020,

	/* complete() only */
	kIODirectionCompleteWithError = 0x00000040,
	kIODirectionCompleteWithDataValid = 0x00000080,
};
typedef IOOptionBits IODirection;

/* Options of withAddressRange(s) / withOptions (XNU's values). */
enum {
	kIOMemoryDirectionMask = 0x00000007,
	kIOMemoryAutoPrepare = 0x00000008,

	kIOMemoryTypeVirtual = 0x00000010,
	kIOMemoryTypePhysical = 0x00000020,
	kIOMemoryTypeUPL = 0x00000030,
	kIOMemoryTypePersistentMD = 0x00000040,
	kIOMemoryTypeUIO = 0x00000050,
	kIOMemoryTypeVirtual64 = kIOMemoryTypeVirtual,
	kIOMemoryTypePhysical64 = kIOMemoryTypePhysical,
	kIOMemoryTypeMask = 0x000000f0,

	kIOMemoryAsReference = 0x00000100,
	kIOMemoryBufferPageable = 0x00000400,
	kIOMemoryMapperNone = 0x00000800,
	kIOMemoryHostOnly = 0x00001000,
	kIOMemoryPersistent = 0x00010000,
	kIOMemoryMapCopyOnWrite = 0x00020000,
	kIOMemoryRemote = 0x00040000,
	kIOMemoryThreadSafe = 0x00100000,
	kIOMemoryClearEncrypt = 0x00200000,
	kIOMemoryUseReserve = 0x00800000,
};

enum {
	kIOPreparationIDUnprepared = 0,
	kIOPreparationIDUnsupported = 1,
	kIOPreparationIDAlwaysPrepared = 2,
};

/* Largest number of ranges one descriptor takes, and largest total length (kexthost limits). */
enum { kIOMemoryDescriptorMaxRanges = 1024 };
#define kIOMemoryDescriptorMaxLength ((mach_vm_size_t)1 << 40)

/* The simulated physical page size (getPhysicalSegment, IODMACommand). */
#define kIOMemoryPhysicalPageSize 4096u

/* ---- IOMemoryDescriptor -------------------------------------------------- */

OSDeclareDefaultStructorsWithVtbl(IOMemoryDescriptor, OSObject);

struct iomd_backing; /* a memfd behind shareable memory (IOMemoryDescriptor.c) */
struct proc;

struct IOMemoryDescriptor {
	OSObject super;
	IOOptionBits _flags; /* options as given: direction, type, ... */
	IOByteCount _length; /* sum of the ranges */
	IOOptionBits _tag;
	task_t _task; /* kernel_task or a client's task (task_reference'd) */
	IOAddressRange *_ranges;
	UInt32 _rangesCount;
	IOAddressRange _singleRange;   /* _ranges points here for one range */
	UInt32 _wireCount;             /* prepare() minus complete() */
	IOLock *_lock;                 /* _wireCount, _mappings */
	OSObject *_mappings;           /* an OSSet of live IOMemoryMaps (created on demand) */
	struct iomd_backing *_backing; /* memfd when the memory is shareable, else NULL */
	void *__reserved[4];
};

struct IOMemoryDescriptor_vtbl {
	OSObject_vtbl super;
	/* Wire (here: check) the memory for I/O in `forDirection` (kIODirectionNone: the descriptor's). */
	IOReturn (*prepare)(IOMemoryDescriptor *self, IODirection forDirection);
	/* Undo one prepare. */
	IOReturn (*complete)(IOMemoryDescriptor *self, IODirection forDirection);
	/*
	 * The simulated physical address at `offset` and, in *length, how many
	 * bytes from there are physically contiguous (within this descriptor).
	 * 0 (and *length 0) past the end.
	 */
	addr64_t (*getPhysicalSegment)(IOMemoryDescriptor *self, IOByteCount offset, IOByteCount *length,
	                               IOOptionBits options);
};

#define IOMD_(s) ((IOMemoryDescriptor *)OSObj(s))

static inline IOReturn
IOMemoryDescriptor_prepare(IOMemoryDescriptor *self, IODirection forDirection)
{
	return OSVtbl(IOMemoryDescriptor, self)->prepare(self, forDirection);
}
#define IOMemoryDescriptor_prepare(s, d) IOMemoryDescriptor_prepare(IOMD_(s), d)

static inline IOReturn
IOMemoryDescriptor_complete(IOMemoryDescriptor *self, IODirection forDirection)
{
	return OSVtbl(IOMemoryDescriptor, self)->complete(self, forDirection);
}
#define IOMemoryDescriptor_complete(s, d) IOMemoryDescriptor_complete(IOMD_(s), d)

static inline addr64_t
IOMemoryDescriptor_getPhysicalSegment(IOMemoryDescriptor *self, IOByteCount offset, IOByteCount *length,
                                      IOOptionBits options)
{
	return OSVtbl(IOMemoryDescriptor, self)->getPhysicalSegment(self, offset, length, options);
}
#define IOMemoryDescriptor_getPhysicalSegment(s, o, l, opt) \
	IOMemoryDescriptor_getPhysicalSegment(IOMD_(s), o, l, opt)

/*
 * One virtual range of the kernel task. Direction: kIODirection*. NULL for
 * a NULL address with a length, or a zero length.
 */
IOMemoryDescriptor *IOMemoryDescriptor_withAddress(void *address, IOByteCount withLength,
                                                   IODirection withDirection);

/*
 * One virtual range of `task` (kernel_task, or a client's task: the
 * task_t its user client got, or proc_task(p)). options: a direction, plus
 * kIOMemoryAutoPrepare. The range is not checked until prepare() or the
 * first transfer; NULL for a zero length, a range that wraps, or a task
 * that is gone.
 */
IOMemoryDescriptor *IOMemoryDescriptor_withAddressRange(mach_vm_address_t address, mach_vm_size_t length,
                                                        IOOptionBits options, task_t task);

/* Several ranges of one task, in order (copied; zero-length ranges are kept and skipped). */
IOMemoryDescriptor *IOMemoryDescriptor_withAddressRanges(IOAddressRange *ranges, UInt32 rangeCount,
                                                         IOOptionBits options, task_t task);

/* The initialiser the factories use (kIOMemoryTypeVirtual64 ranges only; anything else: false). */
bool IOMemoryDescriptor_initWithOptions(IOMemoryDescriptor *self, void *buffers, UInt32 count, UInt32 offset,
                                        task_t task, IOOptionBits options);

/* Total length of the ranges. */
IOByteCount IOMemoryDescriptor_getLength(const IOMemoryDescriptor *self);
/* The direction given at creation (kIODirection*). */
IODirection IOMemoryDescriptor_getDirection(const IOMemoryDescriptor *self);
void IOMemoryDescriptor_setTag(IOMemoryDescriptor *self, IOOptionBits tag);
IOOptionBits IOMemoryDescriptor_getTag(const IOMemoryDescriptor *self);
IOOptionBits IOMemoryDescriptor_getFlags(const IOMemoryDescriptor *self);
/* kIOPreparationIDUnprepared while not prepared, else a number unique to this preparation. */
uint64_t IOMemoryDescriptor_getPreparationID(IOMemoryDescriptor *self);

/*
 * Copy out of / into the described memory from `offset`. Returns the bytes
 * copied: fewer than asked at the end of the descriptor, and 0 on a bad
 * address (nothing partial is reported past a bad page) or bad arguments.
 * writeBytes refuses a descriptor made for kIODirectionOut only (XNU asserts).
 */
IOByteCount IOMemoryDescriptor_readBytes(const IOMemoryDescriptor *self, IOByteCount offset, void *bytes,
                                         IOByteCount withLength);
IOByteCount IOMemoryDescriptor_writeBytes(IOMemoryDescriptor *self, IOByteCount offset, const void *bytes,
                                          IOByteCount withLength);

/*
 * Map the memory into `intoTask` (kernel_task or a client's task). options:
 * kIOMapAnywhere (else atAddress is where it must go), kIOMapReadOnly, the
 * cache modes (ignored). offset/length pick a part (length 0: to the end).
 * Kernel memory of one range maps into the kernel at its own address;
 * memfd-backed memory maps anywhere; a client's own range maps into that
 * client at its own address. Anything else: NULL (logged).
 */
IOMemoryMap *IOMemoryDescriptor_createMappingInTask(IOMemoryDescriptor *self, task_t intoTask,
                                                    mach_vm_address_t atAddress, IOOptionBits options,
                                                    mach_vm_size_t offset, mach_vm_size_t length);
/* createMappingInTask(kernel_task, 0, options | kIOMapAnywhere, 0, 0). */
IOMemoryMap *IOMemoryDescriptor_map(IOMemoryDescriptor *self, IOOptionBits options);

#define IOMemoryDescriptor_getLength(s) IOMemoryDescriptor_getLength((const IOMemoryDescriptor *)IOMD_(s))
#define IOMemoryDescriptor_getDirection(s) \
	IOMemoryDescriptor_getDirection((const IOMemoryDescriptor *)IOMD_(s))
#define IOMemoryDescriptor_setTag(s, t) IOMemoryDescriptor_setTag(IOMD_(s), t)
#define IOMemoryDescriptor_getTag(s) IOMemoryDescriptor_getTag((const IOMemoryDescriptor *)IOMD_(s))
#define IOMemoryDescriptor_getFlags(s) IOMemoryDescriptor_getFlags((const IOMemoryDescriptor *)IOMD_(s))
#define IOMemoryDescriptor_getPreparationID(s) IOMemoryDescriptor_getPreparationID(IOMD_(s))
#define IOMemoryDescriptor_readBytes(s, o, b, l) \
	IOMemoryDescriptor_readBytes((const IOMemoryDescriptor *)IOMD_(s), o, b, l)
#define IOMemoryDescriptor_writeBytes(s, o, b, l) IOMemoryDescriptor_writeBytes(IOMD_(s), o, b, l)
#define IOMemoryDescriptor_createMappingInTask(s, t, a, opt, o, l) \
	IOMemoryDescriptor_createMappingInTask(IOMD_(s), t, a, opt, o, l)
#define IOMemoryDescriptor_map(s, o) IOMemoryDescriptor_map(IOMD_(s), o)

/* ---- IOMemoryMap ----------------------------------------------------------- */

OSDeclareDefaultStructors(IOMemoryMap, OSObject);

struct IOMemoryMap {
	OSObject super;
	IOMemoryDescriptor *fMemory; /* retained */
	task_t fAddressTask;         /* task_reference'd */
	mach_vm_address_t fAddress;  /* 0 until a client has mapped it (see IOConnectMapMemory) */
	mach_vm_size_t fLength;
	mach_vm_size_t fOffset;
	IOOptionBits fOptions;
	bool fUnmapped;
	void *fHostMapping; /* the kernel's own mmap of a memfd (unmapped with the map), or NULL */
	void *__reserved[2];
};

IOVirtualAddress IOMemoryMap_getVirtualAddress(IOMemoryMap *self);
mach_vm_address_t IOMemoryMap_getAddress(IOMemoryMap *self);
IOByteCount IOMemoryMap_getLength(IOMemoryMap *self);
mach_vm_size_t IOMemoryMap_getSize(IOMemoryMap *self);
task_t IOMemoryMap_getAddressTask(IOMemoryMap *self);
IOMemoryDescriptor *IOMemoryMap_getMemoryDescriptor(IOMemoryMap *self); /* not retained */
IOOptionBits IOMemoryMap_getMapOptions(IOMemoryMap *self);
/* Physical segment at an offset into the mapping (the descriptor's, shifted by the map's offset). */
IOPhysicalAddress IOMemoryMap_getPhysicalSegment(IOMemoryMap *self, IOByteCount offset, IOByteCount *length,
                                                 IOOptionBits options);
/*
 * Remove the mapping (releasing the map also does). In the kernel the
 * memory is unmapped at once; in a client the library unmaps it when
 * IOConnectUnmapMemory returns (the kernel cannot reach into another
 * process's address space). kIOReturnSuccess, or kIOReturnNotAttached when
 * already unmapped.
 */
IOReturn IOMemoryMap_unmap(IOMemoryMap *self);

__END_DECLS

#endif /* _IOMEMORYDESCRIPTOR_H */
