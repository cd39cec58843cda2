/*
 * IOMemoryDescriptor.c — virtual ranges of a task and the bytes in them
 * (IOKit/IOMemoryDescriptor.h): creation, prepare/complete, readBytes/
 * writeBytes, physical segments; the task helpers and the simulated
 * physical address space the memory classes share (IOMemoryPrivate.h).
 *
 * Tasks. A descriptor of a client's memory holds a reference on the
 * client's proc (user task_t values are proc_task(p), bsd/sys/
 * proc_internal.h) and reaches its memory through copyin/copyout when the
 * client is the caller of the current call (so carried regions stay
 * coherent) or process_vm_readv/writev otherwise. Once the client is
 * exiting every transfer fails: its pid may be reused.
 *
 * prepare() is where XNU wires the pages; here it probes them: one byte of
 * every page is read (and, when the memory will be written, written back),
 * so a range with an unmapped or read-only page fails with
 * kIOReturnVMError before any I/O is started. The probe of a writable page
 * rewrites the byte it read: a client thread writing that byte at the same
 * instant could lose its write (the client is normally blocked in the call
 * that prepares its memory).
 *
 * Simulated physical addresses. A page's fake frame is a hash of (the
 * task's pid, the virtual page number) folded into [1 MiB, 4 GiB): stable
 * for the life of the mapping, the same through every descriptor of that
 * page, and almost never contiguous with the next page. Buffers made
 * physically contiguous or under a physical mask register their kernel
 * range in a small table (iomd_phys_*), consulted first. The table is
 * searched linearly under a lock: such buffers are few.
 */
#include <IOKit/IOMemoryDescriptor.h>
#include <IOKit/IOLib.h>
#include <kern/kalloc.h>
#include <sys/errno.h>
#include <sys/systm.h>
#include "host/khost.h"
#include "iokit/Kernel/IOMemoryPrivate.h"

#undef IOMemoryDescriptor_getLength
#undef IOMemoryDescriptor_getDirection
#undef IOMemoryDescriptor_setTag
#undef IOMemoryDescriptor_getTag
#undef IOMemoryDescriptor_getFlags
#undef IOMemoryDescriptor_getPreparationID
#undef IOMemoryDescriptor_readBytes
#undef IOMemoryDescriptor_writeBytes

static void IOMemoryDescriptor_freeImpl(OSObject *obj);
static IOReturn IOMemoryDescriptor_prepareImpl(IOMemoryDescriptor *self, IODirection forDirection);
static IOReturn IOMemoryDescriptor_completeImpl(IOMemoryDescriptor *self, IODirection forDirection);
static addr64_t IOMemoryDescriptor_getPhysicalSegmentImpl(IOMemoryDescriptor *self, IOByteCount offset,
                                                          IOByteCount *length, IOOptionBits options);

static const OSMethod IOMemoryDescriptor_methods[] = {
        OSMethodOverride(OSObject, free, IOMemoryDescriptor_freeImpl),
        OSMethodOverride(IOMemoryDescriptor, prepare, IOMemoryDescriptor_prepareImpl),
        OSMethodOverride(IOMemoryDescriptor, complete, IOMemoryDescriptor_completeImpl),
        OSMethodOverride(IOMemoryDescriptor, getPhysicalSegment, IOMemoryDescriptor_getPhysicalSegmentImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOMemoryDescriptor, OSObject, IOMemoryDescriptor_methods);

/* ---- tasks ---------------------------------------------------------------- */

proc_t
iomd_task_proc(task_t task)
{
	if (task == TASK_NULL || task == kernel_task)
		return NULL;
	return (proc_t)get_bsdtask_info(task);
}

IOReturn
iomd_task_ref(task_t task)
{
	proc_t p = iomd_task_proc(task);

	if (task == TASK_NULL)
		return kIOReturnBadArgument;
	if (p == NULL)
		return kIOReturnSuccess;
	return proc_ref(p, 0) != NULL ? kIOReturnSuccess : kIOReturnNotAttached; /* exiting */
}

void
iomd_task_rele(task_t task)
{
	proc_t p = iomd_task_proc(task);

	if (p != NULL)
		proc_rele(p);
}

int
iomd_task_pid(task_t task)
{
	proc_t p = iomd_task_proc(task);

	return p != NULL ? proc_pid(p) : khost_getpid();
}

int
iomd_task_read(task_t task, mach_vm_address_t addr, void *buf, size_t len)
{
	proc_t p = iomd_task_proc(task);
	int err;

	if (len == 0)
		return 0;
	if (p == NULL) {
		memcpy(buf, (const void *)(uintptr_t)addr, len);
		return 0;
	}
	if (proc_exiting(p))
		return EFAULT;
	if (p == current_proc())
		return copyin((user_addr_t)addr, buf, len);
	err = khost_proc_read(proc_pid(p), addr, buf, len);
	return err == ESRCH ? EFAULT : err;
}

int
iomd_task_write(task_t task, mach_vm_address_t addr, const void *buf, size_t len)
{
	proc_t p = iomd_task_proc(task);
	int err;

	if (len == 0)
		return 0;
	if (p == NULL) {
		memcpy((void *)(uintptr_t)addr, buf, len);
		return 0;
	}
	if (proc_exiting(p))
		return EFAULT;
	if (p == current_proc())
		return copyout(buf, (user_addr_t)addr, len);
	err = khost_proc_write(proc_pid(p), addr, buf, len);
	return err == ESRCH ? EFAULT : err;
}

/* ---- memfd backing -------------------------------------------------------- */

IOReturn
iomd_backing_create(size_t size, size_t align, struct iomd_backing **out)
{
	struct iomd_backing *b;
	size_t rounded;
	int err;

	*out = NULL;
	if (size == 0 || size > kIOBufferMemoryDescriptorMaxCapacity)
		return kIOReturnBadArgument;
	rounded = (size + IOMD_PAGE - 1) & ~(size_t)(IOMD_PAGE - 1);
	b = kalloc(sizeof(*b));
	if (b == NULL)
		return kIOReturnNoMemory;
	err = khost_shm_create(rounded, align < IOMD_PAGE ? 0 : align, &b->fd, &b->kaddr);
	if (err != 0) {
		kfree(b, sizeof(*b));
		printf("IOMemoryDescriptor: cannot create shared memory of %lu bytes (error %d)\n",
		       (unsigned long)rounded, err);
		return kIOReturnNoMemory;
	}
	b->size = rounded;
	b->refs = 1;
	*out = b;
	return kIOReturnSuccess;
}

void
iomd_backing_retain(struct iomd_backing *b)
{
	__atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
}

void
iomd_backing_release(struct iomd_backing *b)
{
	if (b == NULL || __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	(void)khost_shm_unmap(b->kaddr, b->size);
	(void)khost_close(b->fd);
	kfree(b, sizeof(*b));
}

struct iomd_backing *
iomd_descriptor_backing(const IOMemoryDescriptor *md, uint64_t *file_offset)
{
	struct iomd_backing *b = md->_backing;

	if (b == NULL || md->_rangesCount != 1)
		return NULL;
	*file_offset = md->_ranges[0].address - (mach_vm_address_t)(uintptr_t)b->kaddr;
	return b;
}

/* ---- simulated physical addresses ------------------------------------------ */

#define IOMD_PHYS_FIRST 0x100ull    /* first frame: 1 MiB */
#define IOMD_PHYS_LIMIT 0x100000ull /* frames below 4 GiB */
#define IOMD_PHYS_TABLE 256

struct iomd_phys_run {
	uintptr_t kaddr; /* 0: free slot */
	size_t len;
	uint64_t base_frame; /* contiguous: first frame; else 0 */
	uint64_t frames;     /* non-contiguous: frames available under the mask */
};

static struct {
	IOLock *lock;
	unsigned int used;
	struct iomd_phys_run run[IOMD_PHYS_TABLE];
} iomd_phys;

static IOLock *
iomd_phys_lock(void)
{
	IOLock *l = __atomic_load_n(&iomd_phys.lock, __ATOMIC_ACQUIRE), *mine, *none = NULL;

	if (l != NULL)
		return l;
	mine = IOLockAlloc();
	if (mine == NULL)
		return NULL;
	if (!__atomic_compare_exchange_n(&iomd_phys.lock, &none, mine, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE)) {
		IOLockFree(mine);
		return none;
	}
	return mine;
}

/* splitmix64's finaliser: cheap, and every input bit reaches every output bit. */
static uint64_t
iomd_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t
iomd_frame_hash(int pid, uint64_t vpn)
{
	return iomd_mix(iomd_mix((uint64_t)(uint32_t)pid) ^ vpn);
}

addr64_t
iomd_phys_address(task_t task, mach_vm_address_t va)
{
	uint64_t vpn = va / IOMD_PAGE, off = va % IOMD_PAGE;
	int pid = iomd_task_proc(task) != NULL ? iomd_task_pid(task) : 0;

	if (pid == 0 && __atomic_load_n(&iomd_phys.used, __ATOMIC_ACQUIRE) != 0) {
		IOLock *l = iomd_phys_lock();
		uint64_t frame = 0;
		if (l != NULL) {
			IOLockLock(l);
			for (unsigned int i = 0; i < IOMD_PHYS_TABLE; i++) {
				const struct iomd_phys_run *r = &iomd_phys.run[i];
				if (r->kaddr == 0 || va < r->kaddr || va - r->kaddr >= r->len)
					continue;
				if (r->base_frame != 0)
					frame = r->base_frame + (va - r->kaddr) / IOMD_PAGE;
				else
					frame = IOMD_PHYS_FIRST + iomd_frame_hash(0, vpn) % r->frames;
				break;
			}
			IOLockUnlock(l);
		}
		if (frame != 0)
			return frame * IOMD_PAGE + off;
	}
	return (IOMD_PHYS_FIRST + iomd_frame_hash(pid, vpn) % (IOMD_PHYS_LIMIT - IOMD_PHYS_FIRST)) *
	               IOMD_PAGE +
	       off;
}

static IOReturn
iomd_phys_register(void *kaddr, size_t len, uint64_t mask, bool contiguous)
{
	uint64_t pages = (len + IOMD_PAGE - 1) / IOMD_PAGE, limit;
	IOLock *l = iomd_phys_lock();
	IOReturn ret = kIOReturnNoMemory;

	if (l == NULL)
		return kIOReturnNoMemory;
	limit = (mask + 1) / IOMD_PAGE; /* frames below the mask */
	if (mask == UINT64_MAX || limit > IOMD_PHYS_LIMIT)
		limit = IOMD_PHYS_LIMIT;
	if (kaddr == NULL || len == 0 || limit <= IOMD_PHYS_FIRST || pages > limit - IOMD_PHYS_FIRST)
		return kIOReturnBadArgument;
	IOLockLock(l);
	for (unsigned int i = 0; i < IOMD_PHYS_TABLE; i++) {
		struct iomd_phys_run *r = &iomd_phys.run[i];
		if (r->kaddr != 0)
			continue;
		r->kaddr = (uintptr_t)kaddr;
		r->len = (size_t)pages * IOMD_PAGE;
		if (contiguous) {
			/* A run placed by a hash of its address: stable, and spread out. */
			r->base_frame = IOMD_PHYS_FIRST + iomd_frame_hash(0, (uintptr_t)kaddr / IOMD_PAGE) %
			                                          (limit - IOMD_PHYS_FIRST - pages + 1);
			r->frames = 0;
		} else {
			r->base_frame = 0;
			r->frames = limit - IOMD_PHYS_FIRST;
		}
		__atomic_add_fetch(&iomd_phys.used, 1, __ATOMIC_RELEASE);
		ret = kIOReturnSuccess;
		break;
	}
	IOLockUnlock(l);
	return ret;
}

IOReturn
iomd_phys_register_contiguous(void *kaddr, size_t len, uint64_t mask)
{
	return iomd_phys_register(kaddr, len, mask, true);
}

IOReturn
iomd_phys_register_masked(void *kaddr, size_t len, uint64_t mask)
{
	return iomd_phys_register(kaddr, len, mask, false);
}

void
iomd_phys_unregister(void *kaddr)
{
	IOLock *l = iomd_phys_lock();

	if (l == NULL || kaddr == NULL)
		return;
	IOLockLock(l);
	for (unsigned int i = 0; i < IOMD_PHYS_TABLE; i++) {
		if (iomd_phys.run[i].kaddr == (uintptr_t)kaddr) {
			iomd_phys.run[i].kaddr = 0;
			__atomic_sub_fetch(&iomd_phys.used, 1, __ATOMIC_RELEASE);
			break;
		}
	}
	IOLockUnlock(l);
}

/* ---- creation --------------------------------------------------------------- */

bool
IOMemoryDescriptor_initWithOptions(IOMemoryDescriptor *self, void *buffers, UInt32 count, UInt32 offset,
                                   task_t task, IOOptionBits options)
{
	const IOAddressRange *in = buffers;
	IOAddressRange *ranges;
	mach_vm_size_t total = 0;
	IOOptionBits type = options & kIOMemoryTypeMask;

	if (self->_lock != NULL || self->_task != TASK_NULL)
		return false; /* no re-init */
	if (type != kIOMemoryTypeVirtual64 || offset != 0 || in == NULL || count == 0 ||
	    count > kIOMemoryDescriptorMaxRanges || task == TASK_NULL)
		return false;
	for (UInt32 i = 0; i < count; i++) {
		if (in[i].address + in[i].length < in[i].address ||
		    in[i].length > kIOMemoryDescriptorMaxLength)
			return false;
		if (task == kernel_task && in[i].length != 0 && in[i].address == 0)
			return false;
		total += in[i].length;
		if (total > kIOMemoryDescriptorMaxLength)
			return false;
	}
	if (total == 0 || !OSObject_init(self))
		return false;
	if (count == 1) {
		ranges = &self->_singleRange;
	} else {
		ranges = kalloc(sizeof(*ranges) * count);
		if (ranges == NULL)
			return false;
	}
	memcpy(ranges, in, sizeof(*ranges) * count);
	self->_lock = IOLockAlloc();
	if (self->_lock == NULL || iomd_task_ref(task) != kIOReturnSuccess) {
		if (ranges != &self->_singleRange)
			kfree(ranges, sizeof(*ranges) * count);
		return false;
	}
	self->_ranges = ranges;
	self->_rangesCount = count;
	self->_task = task;
	self->_length = total;
	self->_flags = options;
	if ((options & kIOMemoryAutoPrepare) &&
	    IOMemoryDescriptor_prepare(self, kIODirectionNone) != kIOReturnSuccess)
		return false; /* free() drops the task reference */
	return true;
}

IOMemoryDescriptor *
IOMemoryDescriptor_withAddressRanges(IOAddressRange *ranges, UInt32 rangeCount, IOOptionBits options,
                                     task_t task)
{
	IOMemoryDescriptor *me = OSTypeAlloc(IOMemoryDescriptor);

	options = (options & ~kIOMemoryTypeMask) | kIOMemoryTypeVirtual64;
	if (me != NULL && !IOMemoryDescriptor_initWithOptions(me, ranges, rangeCount, 0, task, options))
		OSSafeReleaseNULL(me);
	return me;
}

IOMemoryDescriptor *
IOMemoryDescriptor_withAddressRange(mach_vm_address_t address, mach_vm_size_t length, IOOptionBits options,
                                    task_t task)
{
	IOAddressRange r = {address, length};

	return IOMemoryDescriptor_withAddressRanges(&r, 1, options, task);
}

IOMemoryDescriptor *
IOMemoryDescriptor_withAddress(void *address, IOByteCount withLength, IODirection withDirection)
{
	return IOMemoryDescriptor_withAddressRange((mach_vm_address_t)(uintptr_t)address, withLength,
	                                           withDirection & kIOMemoryDirectionMask, kernel_task);
}

static void
IOMemoryDescriptor_freeImpl(OSObject *obj)
{
	IOMemoryDescriptor *self = (IOMemoryDescriptor *)obj;

	if (self->_wireCount != 0 && self->_task != kernel_task)
		printf("IOMemoryDescriptor: freed while prepared (%u)\n", self->_wireCount);
	if (self->_ranges != NULL && self->_ranges != &self->_singleRange)
		kfree(self->_ranges, sizeof(*self->_ranges) * self->_rangesCount);
	self->_ranges = NULL;
	if (self->_task != TASK_NULL)
		iomd_task_rele(self->_task);
	self->_task = TASK_NULL;
	if (self->_lock != NULL)
		IOLockFree(self->_lock);
	self->_lock = NULL;
	OSSafeReleaseNULL(self->_mappings);
	OSSuperCall(IOMemoryDescriptor, free, obj);
}

/* ---- accessors ---------------------------------------------------------------- */

IOByteCount
IOMemoryDescriptor_getLength(const IOMemoryDescriptor *self)
{
	return self->_length;
}

IODirection
IOMemoryDescriptor_getDirection(const IOMemoryDescriptor *self)
{
	return self->_flags & kIOMemoryDirectionMask;
}

void
IOMemoryDescriptor_setTag(IOMemoryDescriptor *self, IOOptionBits tag)
{
	self->_tag = tag;
}

IOOptionBits
IOMemoryDescriptor_getTag(const IOMemoryDescriptor *self)
{
	return self->_tag;
}

IOOptionBits
IOMemoryDescriptor_getFlags(const IOMemoryDescriptor *self)
{
	return self->_flags;
}

uint64_t
IOMemoryDescriptor_getPreparationID(IOMemoryDescriptor *self)
{
	static uint64_t next = kIOPreparationIDAlwaysPrepared + 1;
	uint64_t id;

	IOLockLock(self->_lock);
	if (self->_wireCount == 0) {
		id = kIOPreparationIDUnprepared;
	} else {
		/* One id per preparation: kept in the reserved slot until the last complete. */
		if (self->__reserved[0] == NULL)
			self->__reserved[0] =
			        (void *)(uintptr_t)__atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
		id = (uint64_t)(uintptr_t)self->__reserved[0];
	}
	IOLockUnlock(self->_lock);
	return id;
}

/* ---- prepare / complete ------------------------------------------------------- */

/* Probe every page of the user ranges: readable, and writable when `write`. */
static IOReturn
iomd_probe(IOMemoryDescriptor *self, bool write)
{
	for (UInt32 i = 0; i < self->_rangesCount; i++) {
		mach_vm_address_t a = self->_ranges[i].address, end = a + self->_ranges[i].length;
		while (a < end) {
			uint8_t byte;
			if (iomd_task_read(self->_task, a, &byte, 1) != 0 ||
			    (write && iomd_task_write(self->_task, a, &byte, 1) != 0))
				return kIOReturnVMError;
			a = (a / IOMD_PAGE + 1) * IOMD_PAGE;
		}
	}
	return kIOReturnSuccess;
}

static IOReturn
IOMemoryDescriptor_prepareImpl(IOMemoryDescriptor *self, IODirection forDirection)
{
	IODirection dir = forDirection & kIODirectionInOut;
	IOReturn ret = kIOReturnSuccess;

	if (dir == kIODirectionNone)
		dir = self->_flags & kIODirectionInOut;
	IOLockLock(self->_lock);
	if (self->_wireCount == UINT32_MAX) {
		ret = kIOReturnNoResources;
	} else {
		/* Every prepare checks (XNU wires for each): the client may have unmapped pages meanwhile. */
		if (iomd_task_proc(self->_task) != NULL)
			ret = iomd_probe(self, (dir & kIODirectionIn) != 0);
		if (ret == kIOReturnSuccess)
			self->_wireCount++;
	}
	IOLockUnlock(self->_lock);
	return ret;
}

static IOReturn
IOMemoryDescriptor_completeImpl(IOMemoryDescriptor *self, IODirection forDirection)
{
	IOLockLock(self->_lock);
	if (self->_wireCount == 0) {
		IOLockUnlock(self->_lock);
		printf("IOMemoryDescriptor::complete: not prepared\n");
		return kIOReturnSuccess; /* XNU asserts, then carries on */
	}
	if (--self->_wireCount == 0)
		self->__reserved[0] = NULL; /* the next preparation gets a new id */
	IOLockUnlock(self->_lock);
	return kIOReturnSuccess;
}

/* ---- transfers -------------------------------------------------------------- */

/* Copy [offset, offset+len) of the ranges to or from buf; the bytes copied (0 on a bad address). */
static IOByteCount
iomd_transfer(const IOMemoryDescriptor *self, IOByteCount offset, void *buf, IOByteCount len, bool write)
{
	IOByteCount done = 0, start = 0;

	if (buf == NULL || offset >= self->_length)
		return 0;
	if (len > self->_length - offset)
		len = self->_length - offset;
	for (UInt32 i = 0; i < self->_rangesCount && done < len; i++) {
		const IOAddressRange *r = &self->_ranges[i];
		IOByteCount skip, n;
		int err;

		if (offset + done >= start + r->length) {
			start += r->length;
			continue;
		}
		skip = offset + done - start;
		n = r->length - skip;
		if (n > len - done)
			n = len - done;
		err = write ? iomd_task_write(self->_task, r->address + skip, (const char *)buf + done, n)
		            : iomd_task_read(self->_task, r->address + skip, (char *)buf + done, n);
		if (err != 0)
			return 0; /* a bad address: nothing is reported as copied */
		done += n;
		start += r->length;
	}
	return done;
}

IOByteCount
IOMemoryDescriptor_readBytes(const IOMemoryDescriptor *self, IOByteCount offset, void *bytes,
                             IOByteCount withLength)
{
	if (self == NULL)
		return 0;
	return iomd_transfer(self, offset, bytes, withLength, false);
}

IOByteCount
IOMemoryDescriptor_writeBytes(IOMemoryDescriptor *self, IOByteCount offset, const void *bytes,
                              IOByteCount withLength)
{
	if (self == NULL)
		return 0;
	if ((self->_flags & kIODirectionInOut) == kIODirectionOut) {
		printf("IOMemoryDescriptor::writeBytes: descriptor is kIODirectionOut only\n");
		return 0;
	}
	return iomd_transfer(self, offset, (void *)(uintptr_t)bytes, withLength, true);
}

/* ---- physical segments ---------------------------------------------------------- */

static addr64_t
IOMemoryDescriptor_getPhysicalSegmentImpl(IOMemoryDescriptor *self, IOByteCount offset, IOByteCount *length,
                                          IOOptionBits options)
{
	IOByteCount start = 0;

	if (length != NULL)
		*length = 0;
	if (offset >= self->_length)
		return 0;
	for (UInt32 i = 0; i < self->_rangesCount; i++) {
		const IOAddressRange *r = &self->_ranges[i];
		mach_vm_address_t va, end;
		addr64_t pa, next;

		if (offset >= start + r->length) {
			start += r->length;
			continue;
		}
		va = r->address + (offset - start);
		end = r->address + r->length;
		pa = iomd_phys_address(self->_task, va);
		/* Extend page by page while the next page follows physically. */
		next = (va / IOMD_PAGE + 1) * IOMD_PAGE;
		while (next < end && iomd_phys_address(self->_task, next) == pa + (next - va))
			next += IOMD_PAGE;
		if (length != NULL)
			*length = (next < end ? next : end) - va;
		return pa;
	}
	return 0;
}
