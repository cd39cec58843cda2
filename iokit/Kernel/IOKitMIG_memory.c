/*
 * IOKitMIG_memory.c — mapping a user client's memory into its owner: the
 * io_connect_map_memory_into_task (2863) and io_connect_unmap_memory_from_task
 * (2864) routines of XNU's `iokit` MIG subsystem, behind IOKitLib's
 * IOConnectMapMemory64 / IOConnectUnmapMemory64
 * (lib/libkexthost/IOKitLib_memory.c). Argument encoding after the NDR
 * record as IOKitMIG.c (scalars in order, unaligned).
 *
 *   id    routine                              ports in     arguments in                 out
 *   2863  io_connect_map_memory_into_task      into_task    memory_type u32, address     address u64, size u64
 *                                                           u64, size u64, flags u32
 *   2864  io_connect_unmap_memory_from_task    from_task    memory_type u32, address u64 -
 *
 * The task must be the caller's own (only it can receive the memory).
 * Mapping takes two requests when the memory is new to the client (docs/
 * BOUNDARY.md, "Mapping memory into a process"):
 *  1. flags without kIOMapReference: the routine asks the client for the
 *     memory (clientMemoryForType), makes a pending IOMemoryMap, and
 *     attaches a descriptor of its memfd to the reply (read-only for
 *     kIOMapReadOnly); `address` out is then the offset in the file where
 *     the memory starts and `size` its length. Memory the client has mapped
 *     already (or its own memory) answers its address, with no descriptor.
 *  2. The library maps the file and sends the same routine with
 *     kIOMapReference and the address it chose: the routine records it in
 *     the pending map ("commit") and answers address and size.
 * The user client's `mappings` set holds the maps (XNU's: the same).
 * Unmapping finds the map by descriptor and address, as XNU's does, takes
 * it out and unmaps it; the library then unmaps its own view.
 */
#include <sys/systm.h>
#include <libkern/c/OSContainers.h>
#include <IOKit/IOReturn.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOUserClient.h>
#include <IOKit/IOMemoryDescriptor.h>
#include "host/khost.h"
#include "bsd/kern/kern_request.h"
#include "bsd/sys/proc_internal.h"
#include "osfmk/ipc/mig.h"
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOMemoryPrivate.h"
#include "iokit/Kernel/IOUserClientPrivate.h"

struct iomm_map_args {
	uint32_t memory_type;
	uint64_t address;
	uint64_t size;
	uint32_t flags;
} __attribute__((packed));

struct iomm_unmap_args {
	uint32_t memory_type;
	uint64_t address;
} __attribute__((packed));

struct iomm_map_out {
	uint64_t address;
	uint64_t size;
} __attribute__((packed));

/* Guards every user client's `mappings` set (XNU uses one lock for them too). */
static IOLock *iomm_lock_store;

static IOLock *
iomm_lock(void)
{
	IOLock *l = __atomic_load_n(&iomm_lock_store, __ATOMIC_ACQUIRE), *mine, *none = NULL;

	if (l != NULL)
		return l;
	mine = IOLockAlloc();
	if (mine == NULL)
		return NULL;
	if (!__atomic_compare_exchange_n(&iomm_lock_store, &none, mine, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE)) {
		IOLockFree(mine);
		return none;
	}
	return mine;
}

static IOUserClient *
iomm_client(struct mig_request *req)
{
	OSObject *obj = iokit_lookup_object_port(req->port, IKOT_IOKIT_CONNECT);
	IOUserClient *uc = OSDynamicCast(IOUserClient, obj);

	if (uc == NULL)
		OSSafeReleaseNULL(obj);
	return uc;
}

/* The one task port must be the caller's own task. */
static bool
iomm_own_task(const struct mig_request *req)
{
	return req->nports == 1 && req->ports[0] != NULL && req->proc != NULL &&
	       req->ports[0] == req->proc->p_task.t_self;
}

/*
 * The map of md in task among uc's mappings: pending ones (want_pending),
 * or the one at `address` (0: any address). Retained, or NULL. Lock held.
 */
static IOMemoryMap *
iomm_find_locked(IOUserClient *uc, IOMemoryDescriptor *md, task_t task, bool want_pending,
                 mach_vm_address_t address)
{
	OSArray *members;

	if (uc->mappings == NULL)
		return NULL;
	members = uc->mappings->members;
	for (unsigned int i = 0; i < OSArray_getCount(members); i++) {
		IOMemoryMap *m = (IOMemoryMap *)OSArray_getObject(members, i);
		if (m->fMemory != md || m->fAddressTask != task || m->fUnmapped)
			continue;
		if (iomd_map_is_pending(m) != want_pending)
			continue;
		if (!want_pending && address != 0 && m->fAddress != address)
			continue;
		OSObject_retain(m);
		return m;
	}
	return NULL;
}

static IOReturn
iomm_add(IOUserClient *uc, IOMemoryMap *map)
{
	IOReturn ret = kIOReturnSuccess;
	IOLock *l = iomm_lock();

	if (l == NULL)
		return kIOReturnNoMemory;
	IOLockLock(l);
	if (uc->mappings == NULL)
		uc->mappings = OSSet_withCapacity(2);
	if (uc->mappings == NULL || !OSSet_setObject(uc->mappings, OSObj(map)))
		ret = kIOReturnNoMemory;
	IOLockUnlock(l);
	return ret;
}

static void
iomm_remove(IOUserClient *uc, IOMemoryMap *map)
{
	IOLock *l = iomm_lock();

	IOLockLock(l);
	if (uc->mappings != NULL)
		OSSet_removeObject(uc->mappings, OSObj(map));
	IOLockUnlock(l);
}

/* Step 2: record where the client mapped the pending map of md. */
static IOReturn
iomm_commit(IOUserClient *uc, IOMemoryDescriptor *md, task_t task, mach_vm_address_t address,
            struct iomm_map_out *out)
{
	IOLock *l = iomm_lock();
	IOMemoryMap *map;

	if (l == NULL)
		return kIOReturnNoMemory;
	if (address == 0)
		return kIOReturnBadArgument;
	IOLockLock(l);
	map = iomm_find_locked(uc, md, task, true, 0);
	if (map != NULL)
		iomd_map_commit(map, address);
	else
		map = iomm_find_locked(uc, md, task, false,
		                       address); /* XNU's kIOMapReference: an existing one */
	IOLockUnlock(l);
	if (map == NULL)
		return kIOReturnNotFound;
	out->address = map->fAddress;
	out->size = map->fLength;
	OSObject_release(map);
	return kIOReturnSuccess;
}

/* Step 1: a map for the client; a pending one rides the reply as a descriptor. */
static IOReturn
iomm_map(IOUserClient *uc, IOMemoryDescriptor *md, task_t task, IOOptionBits options,
         struct iomm_map_out *out)
{
	IOLock *l = iomm_lock();
	IOMemoryMap *map, *stale;
	struct iomd_backing *b;
	uint64_t foff = 0;
	int fd, err;
	IOReturn ret;

	if (l == NULL)
		return kIOReturnNoMemory;
	/* Already mapped in the client: the same mapping (XNU reuses a compatible one). */
	IOLockLock(l);
	map = iomm_find_locked(uc, md, task, false, 0);
	stale = map == NULL ? iomm_find_locked(uc, md, task, true, 0) : NULL;
	IOLockUnlock(l);
	if (map != NULL && !(options & kIOMapUnique)) {
		out->address = map->fAddress;
		out->size = map->fLength;
		OSObject_release(map);
		return kIOReturnSuccess;
	}
	OSSafeReleaseNULL(map);
	if (stale != NULL) {
		/* A first step whose second never came (the library failed to map): start over. */
		iomm_remove(uc, stale);
		OSObject_release(stale);
	}
	map = IOMemoryDescriptor_createMappingInTask(md, task, 0, options | kIOMapAnywhere, 0, 0);
	if (map == NULL)
		return kIOReturnNotPermitted; /* the log says why */
	if (iomd_map_is_pending(map)) {
		b = iomd_map_backing(map, &foff);
		err = b != NULL ? khost_shm_reopen(b->fd, (options & kIOMapReadOnly) != 0, &fd) : EINVAL;
		if (err != 0) {
			OSObject_release(map);
			return kIOReturnNoMemory;
		}
		err = kreq_reply_attach_fd(fd);
		if (err != 0) {
			(void)khost_close(fd);
			OSObject_release(map);
			printf("io_connect_map_memory_into_task: pid %d: the request must come on the socket "
			       "(error "
			       "%d)\n",
			       proc_pid(iomd_task_proc(task)), err);
			return kIOReturnUnsupported;
		}
		out->address = foff;
	} else {
		out->address = map->fAddress;
	}
	out->size = map->fLength;
	ret = iomm_add(uc, map);
	OSObject_release(map); /* the set holds it */
	return ret;
}

static kern_return_t
is_io_connect_map_memory_into_task(struct mig_request *req, struct mig_reply *rep)
{
	const struct iomm_map_args *a = mig_args(req, sizeof(*a));
	struct iomm_map_out out = {0, 0};
	IOOptionBits options = 0;
	IOMemoryDescriptor *md = NULL;
	IOUserClient *uc;
	task_t task;
	IOReturn ret;

	if (a == NULL || req->nool != 0)
		return MIG_BAD_ARGUMENTS;
	if ((uc = iomm_client(req)) == NULL)
		return kIOReturnBadArgument;
	if (!iomm_own_task(req)) {
		OSObject_release(uc);
		return kIOReturnBadArgument; /* only the caller can receive the memory */
	}
	task = proc_task(req->proc);
	ret = iouc_call_enter(uc);
	if (ret != kIOReturnSuccess) {
		OSObject_release(uc);
		return ret;
	}
	ret = IOUserClient_clientMemoryForType(uc, a->memory_type, &options, &md);
	if (ret == kIOReturnSuccess && md == NULL)
		ret = kIOReturnUnsupported;
	if (ret == kIOReturnSuccess) {
		/* The driver's options, with the caller's user bits (XNU's merge). */
		options = (options & ~kIOMapUserOptionsMask) | (a->flags & kIOMapUserOptionsMask);
		if (a->flags & kIOMapReference)
			ret = iomm_commit(uc, md, task, a->address, &out);
		else
			ret = iomm_map(uc, md, task, options | (a->flags & kIOMapUnique), &out);
	}
	OSSafeReleaseNULL(md);
	iouc_call_exit(uc);
	OSObject_release(uc);
	if (ret != kIOReturnSuccess)
		return ret;
	return mig_reply_data(rep, &out, sizeof(out));
}

static kern_return_t
is_io_connect_unmap_memory_from_task(struct mig_request *req, struct mig_reply *rep)
{
	const struct iomm_unmap_args *a = mig_args(req, sizeof(*a));
	IOOptionBits options = 0;
	IOMemoryDescriptor *md = NULL;
	IOMemoryMap *map = NULL;
	IOUserClient *uc;
	IOReturn ret;
	IOLock *l;

	if (a == NULL || req->nool != 0)
		return MIG_BAD_ARGUMENTS;
	if ((uc = iomm_client(req)) == NULL)
		return kIOReturnBadArgument;
	if (!iomm_own_task(req)) {
		OSObject_release(uc);
		return kIOReturnBadArgument;
	}
	ret = iouc_call_enter(uc);
	if (ret != kIOReturnSuccess) {
		OSObject_release(uc);
		return ret;
	}
	ret = IOUserClient_clientMemoryForType(uc, a->memory_type, &options, &md);
	if (ret == kIOReturnSuccess && md == NULL)
		ret = kIOReturnUnsupported;
	if (ret == kIOReturnSuccess && (l = iomm_lock()) != NULL) {
		IOLockLock(l);
		map = a->address != 0 ? iomm_find_locked(uc, md, proc_task(req->proc), false, a->address)
		                      : NULL;
		if (map != NULL && uc->mappings != NULL)
			OSSet_removeObject(uc->mappings, OSObj(map));
		IOLockUnlock(l);
		ret = map != NULL ? IOMemoryMap_unmap(map) : kIOReturnBadArgument;
		OSSafeReleaseNULL(map);
	}
	OSSafeReleaseNULL(md);
	iouc_call_exit(uc);
	OSObject_release(uc);
	return ret;
}

static const struct mig_routine iokit_memory_routines[] = {
        [63] = {is_io_connect_map_memory_into_task, IKOT_IOKIT_CONNECT, "io_connect_map_memory_into_task"},
        [64] = {is_io_connect_unmap_memory_from_task, IKOT_IOKIT_CONNECT,
                "io_connect_unmap_memory_from_task"},
};
static const struct mig_subsystem iokit_memory_subsystem = {
        "iokit", 2800, sizeof(iokit_memory_routines) / sizeof(iokit_memory_routines[0]),
        iokit_memory_routines};
SUBSYSTEM_REGISTER(iokit_memory_subsystem);
