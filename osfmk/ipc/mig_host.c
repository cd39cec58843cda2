/*
 * mig_host.c — the kernel's own MIG subsystems: mach_host (ids 200..) on
 * the host port and mach_port (ids 3200..) on a task port, the routines of
 * osfmk/mach/mach_host.defs and mach_port.defs a user of kernel services
 * needs. Request and reply arguments follow the NDR record as MIG lays
 * them out (4-byte aligned, 64-bit values on the 64-bit ABI); a
 * variable-length string travels as its byte count and the bytes padded to
 * 4 (the library's stubs read the same layout).
 *
 *   id    routine               request args           reply
 *   200   host_info             flavor, count          count, count words
 *   201   host_kernel_version   -                      len, string
 *   202   host_page_size        -                      vm_size_t
 *   205   host_get_io_master    -                      port (complex)
 *   220   mach_zone_info        - (host_priv)          2 OOL arrays (complex): 80-byte
 *                                                      names, 64-byte infos; 2 counts
 *   3200  mach_port_names       -                      2 OOL arrays (complex), 2 counts
 *   3201  mach_port_type        name                   type
 *   3204  mach_port_allocate    right                  name
 *   3205  mach_port_destroy     name                   -
 *   3206  mach_port_deallocate  name                   -
 *   3207  mach_port_get_refs    name, right            refs
 *   3208  mach_port_mod_refs    name, right, delta     -
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/kalloc.h>
#include <libkern/version.h>
#include "bsd/sys/proc_internal.h"
#include "osfmk/ipc/mig.h"
#include "host/khost.h"
#include "osfmk/ipc/ipc_internal.h"
#include "osfmk/kern/zalloc_internal.h"

/* host_info flavors and HOST_BASIC_INFO (mach/host_info.h). */
#define HOST_BASIC_INFO 1
#define CPU_TYPE_X86_64 0x01000007
#define CPU_SUBTYPE_X86_64_ALL 3

struct host_basic_info {
	integer_t max_cpus;
	integer_t avail_cpus;
	natural_t memory_size;
	integer_t cpu_type;
	integer_t cpu_subtype;
	integer_t cpu_threadtype;
	integer_t physical_cpu;
	integer_t physical_cpu_max;
	integer_t logical_cpu;
	integer_t logical_cpu_max;
	uint64_t max_mem;
} __attribute__((packed, aligned(4)));
#define HOST_BASIC_INFO_COUNT (sizeof(struct host_basic_info) / sizeof(integer_t))

static kern_return_t
mig_host_info(struct mig_request *req, struct mig_reply *rep)
{
	const struct {
		integer_t flavor;
		natural_t count;
	} *in = mig_args(req, 8);
	struct host_basic_info bi;
	natural_t count;
	uint64_t mem = khost_physmem();

	if (in == NULL)
		return MIG_BAD_ARGUMENTS;
	if (in->flavor != HOST_BASIC_INFO)
		return KERN_INVALID_ARGUMENT;
	if (in->count < HOST_BASIC_INFO_COUNT - 2)
		return KERN_FAILURE; /* XNU: too small even for the old layout */
	memset(&bi, 0, sizeof(bi));
	bi.max_cpus = bi.avail_cpus = (integer_t)khost_ncpus();
	bi.physical_cpu = bi.physical_cpu_max = bi.logical_cpu = bi.logical_cpu_max = bi.max_cpus;
	bi.memory_size = mem > 0x80000000ull ? 0x80000000u : (natural_t)mem;
	bi.cpu_type = CPU_TYPE_X86_64;
	bi.cpu_subtype = CPU_SUBTYPE_X86_64_ALL;
	bi.max_mem = mem;
	count = in->count < HOST_BASIC_INFO_COUNT ? in->count : HOST_BASIC_INFO_COUNT;
	if (mig_reply_data(rep, &count, sizeof(count)) != KERN_SUCCESS)
		return KERN_RESOURCE_SHORTAGE;
	return mig_reply_data(rep, &bi, count * sizeof(integer_t));
}

static kern_return_t
mig_host_kernel_version(struct mig_request *req, struct mig_reply *rep)
{
	uint32_t n = (uint32_t)strlen(version) + 1;
	uint8_t pad[4] = {0};

	if (mig_args(req, 0) == NULL)
		return MIG_BAD_ARGUMENTS;
	if (n > 512)
		n = 512;
	if (mig_reply_data(rep, &n, sizeof(n)) != KERN_SUCCESS ||
	    mig_reply_data(rep, version, n - 1) != KERN_SUCCESS ||
	    mig_reply_data(rep, pad, 1 + ((4 - n % 4) % 4)) != KERN_SUCCESS)
		return KERN_RESOURCE_SHORTAGE;
	return KERN_SUCCESS;
}

static kern_return_t
mig_host_page_size(struct mig_request *req, struct mig_reply *rep)
{
	uint64_t size = khost_page_size();

	if (mig_args(req, 0) == NULL)
		return MIG_BAD_ARGUMENTS;
	return mig_reply_data(rep, &size, sizeof(size));
}

static kern_return_t
mig_host_get_io_master(struct mig_request *req, struct mig_reply *rep)
{
	if (mig_args(req, 0) == NULL)
		return MIG_BAD_ARGUMENTS;
	return mig_reply_port(rep, ipc_port_make_send(ipc_master_device_port()));
}

/* mach_debug/zone_info.h's records (the 10.8-era layout zprint reads). */
#define MIG_ZONE_NAME_LEN 80
struct mig_zone_name {
	char mzn_name[MIG_ZONE_NAME_LEN];
};
struct mig_zone_info {
	uint64_t mzi_count;    /* elements in use */
	uint64_t mzi_cur_size; /* bytes held */
	uint64_t mzi_max_size; /* limit (no limit: all ones, which zprint shows as dashes) */
	uint64_t mzi_elem_size;
	uint64_t mzi_alloc_size;  /* bytes added at a time */
	uint64_t mzi_sum_size;    /* bytes ever allocated: allocations x element size */
	uint64_t mzi_exhaustible; /* a full zone fails instead of panicking: none here */
	uint64_t mzi_collectable; /* a garbage collection may give its free pages back */
};

struct mig_zones {
	struct mig_zone_name *names;
	struct mig_zone_info *info;
	uint32_t n, cap;
};

static void
mig_zone_count(const struct zone_info *zi, void *ctx)
{
	(void)zi;
	((struct mig_zones *)ctx)->cap++;
}

static void
mig_zone_fill(const struct zone_info *zi, void *ctx)
{
	struct mig_zones *z = ctx;
	struct mig_zone_info *i;

	if (z->n == z->cap)
		return; /* a zone made since the count */
	strlcpy(z->names[z->n].mzn_name, zi->zi_name, MIG_ZONE_NAME_LEN);
	i = &z->info[z->n++];
	i->mzi_count = zi->zi_elems_in_use;
	i->mzi_cur_size = zi->zi_cur_size;
	i->mzi_max_size = zi->zi_max_size != 0 ? zi->zi_max_size : UINT64_MAX;
	i->mzi_elem_size = zi->zi_elem_size;
	i->mzi_alloc_size = zi->zi_alloc_size;
	i->mzi_sum_size = zi->zi_alloc_count * zi->zi_elem_size;
	i->mzi_exhaustible = 0;
	i->mzi_collectable = 0; /* no zone garbage collection here: pages stay with their zone */
}

/* Arrays of exactly z->n records (some zone went between the passes). 0, or ENOMEM with both freed. */
static int
mig_zones_shrink(struct mig_zones *z)
{
	struct mig_zone_name *names = z->n ? kalloc(z->n * sizeof(*names)) : NULL;
	struct mig_zone_info *info = z->n ? kalloc(z->n * sizeof(*info)) : NULL;
	int err = z->n != 0 && (names == NULL || info == NULL) ? ENOMEM : 0;

	if (err == 0 && z->n != 0) {
		memcpy(names, z->names, z->n * sizeof(*names));
		memcpy(info, z->info, z->n * sizeof(*info));
	} else if (err != 0) {
		if (names != NULL)
			kfree(names, z->n * sizeof(*names));
		if (info != NULL)
			kfree(info, z->n * sizeof(*info));
	}
	kfree(z->names, z->cap * sizeof(*z->names));
	kfree(z->info, z->cap * sizeof(*z->info));
	z->names = names;
	z->info = info;
	z->cap = z->n;
	return err;
}

/* zprint's source: every zone's name and statistics. Needs host_priv, as on XNU. */
static kern_return_t
mig_mach_zone_info(struct mig_request *req, struct mig_reply *rep)
{
	struct mig_zones z = {0};
	uint32_t counts[2];
	kern_return_t kr;

	if (mig_args(req, 0) == NULL)
		return MIG_BAD_ARGUMENTS;
	if (ipc_port_kotype(req->port) != IKOT_HOST_PRIV)
		return KERN_INVALID_HOST; /* the plain host port converts to HOST_NULL there */
	/* A zone made between the two passes is left out; one destroyed leaves room, given back below. */
	zone_info_iterate(mig_zone_count, &z);
	z.names = kalloc(z.cap * sizeof(*z.names));
	z.info = kalloc(z.cap * sizeof(*z.info));
	if (z.names == NULL || z.info == NULL) {
		if (z.names != NULL)
			kfree(z.names, z.cap * sizeof(*z.names));
		if (z.info != NULL)
			kfree(z.info, z.cap * sizeof(*z.info));
		return KERN_RESOURCE_SHORTAGE;
	}
	bzero(z.names, z.cap * sizeof(*z.names));
	bzero(z.info, z.cap * sizeof(*z.info));
	zone_info_iterate(mig_zone_fill, &z);
	if (z.n < z.cap && mig_zones_shrink(&z) != 0)
		return KERN_RESOURCE_SHORTAGE;
	/* Out of line: the reply owns each kalloc'd array, exactly the counts long (vm_deallocate's size). */
	kr = mig_reply_ool(rep, z.names, z.cap * sizeof(*z.names));
	if (kr == KERN_SUCCESS)
		kr = mig_reply_ool(rep, z.info, z.cap * sizeof(*z.info));
	else
		kfree(z.info, z.cap * sizeof(*z.info));
	counts[0] = counts[1] = z.n;
	if (kr == KERN_SUCCESS)
		kr = mig_reply_data(rep, counts, sizeof(counts));
	return kr;
}

static const struct mig_routine mach_host_routines[] = {
        [0] = {mig_host_info, IKOT_HOST, "host_info"},
        [1] = {mig_host_kernel_version, IKOT_HOST, "host_kernel_version"},
        [2] = {mig_host_page_size, IKOT_HOST, "host_page_size"},
        [5] = {mig_host_get_io_master, IKOT_HOST, "host_get_io_master"},
        [20] = {mig_mach_zone_info, IKOT_HOST, "mach_zone_info"},
};
static const struct mig_subsystem mach_host_subsystem = {"mach_host", 200, 21, mach_host_routines};
SUBSYSTEM_REGISTER(mach_host_subsystem);

/* ---- mach_port: the target is a task port, and only the caller's own ---- */

static struct ipc_space *
mig_task_space(struct mig_request *req)
{
	proc_t p = req->kobject;
	return p == req->proc ? p->p_task.t_space : NULL;
}

static kern_return_t
mig_port_names(struct mig_request *req, struct mig_reply *rep)
{
	struct ipc_space *space = mig_task_space(req);
	mach_port_name_t *names;
	mach_port_type_t *types;
	uint32_t count, counts[2];
	kern_return_t kr;

	if (mig_args(req, 0) == NULL)
		return MIG_BAD_ARGUMENTS;
	if (space == NULL)
		return KERN_INVALID_TASK;
	kr = ipc_space_names(space, &names, &types, &count);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = mig_reply_ool(rep, names, count * sizeof(*names));
	if (kr == KERN_SUCCESS)
		kr = mig_reply_ool(rep, types, count * sizeof(*types));
	else if (types != NULL)
		kfree(types, count * sizeof(*types));
	counts[0] = counts[1] = count;
	if (kr == KERN_SUCCESS)
		kr = mig_reply_data(rep, counts, sizeof(counts));
	return kr;
}

static kern_return_t
mig_port_type(struct mig_request *req, struct mig_reply *rep)
{
	const mach_port_name_t *name = mig_args(req, sizeof(*name));
	struct ipc_space *space = mig_task_space(req);
	mach_port_type_t type;
	kern_return_t kr;

	if (name == NULL)
		return MIG_BAD_ARGUMENTS;
	if (space == NULL)
		return KERN_INVALID_TASK;
	kr = ipc_space_type(space, *name, &type);
	return kr != KERN_SUCCESS ? kr : mig_reply_data(rep, &type, sizeof(type));
}

static kern_return_t
mig_port_allocate(struct mig_request *req, struct mig_reply *rep)
{
	const mach_port_right_t *right = mig_args(req, sizeof(*right));
	struct ipc_space *space = mig_task_space(req);
	mach_port_name_t name;
	kern_return_t kr;

	if (right == NULL)
		return MIG_BAD_ARGUMENTS;
	if (space == NULL)
		return KERN_INVALID_TASK;
	if (*right != MACH_PORT_RIGHT_RECEIVE)
		return KERN_INVALID_VALUE;
	kr = ipc_space_allocate_receive(space, &name);
	return kr != KERN_SUCCESS ? kr : mig_reply_data(rep, &name, sizeof(name));
}

static kern_return_t
mig_port_destroy(struct mig_request *req, struct mig_reply *rep)
{
	const mach_port_name_t *name = mig_args(req, sizeof(*name));
	struct ipc_space *space = mig_task_space(req);

	if (name == NULL)
		return MIG_BAD_ARGUMENTS;
	return space == NULL ? KERN_INVALID_TASK : ipc_space_destroy_name(space, *name);
}

static kern_return_t
mig_port_deallocate(struct mig_request *req, struct mig_reply *rep)
{
	const mach_port_name_t *name = mig_args(req, sizeof(*name));
	struct ipc_space *space = mig_task_space(req);

	if (name == NULL)
		return MIG_BAD_ARGUMENTS;
	return space == NULL ? KERN_INVALID_TASK : ipc_space_deallocate(space, *name);
}

static kern_return_t
mig_port_get_refs(struct mig_request *req, struct mig_reply *rep)
{
	const struct {
		mach_port_name_t name;
		mach_port_right_t right;
	} *in = mig_args(req, 8);
	struct ipc_space *space = mig_task_space(req);
	mach_port_urefs_t refs;
	kern_return_t kr;

	if (in == NULL)
		return MIG_BAD_ARGUMENTS;
	if (space == NULL)
		return KERN_INVALID_TASK;
	kr = ipc_space_get_refs(space, in->name, in->right, &refs);
	return kr != KERN_SUCCESS ? kr : mig_reply_data(rep, &refs, sizeof(refs));
}

static kern_return_t
mig_port_mod_refs(struct mig_request *req, struct mig_reply *rep)
{
	const struct {
		mach_port_name_t name;
		mach_port_right_t right;
		mach_port_delta_t delta;
	} *in = mig_args(req, 12);
	struct ipc_space *space = mig_task_space(req);

	if (in == NULL)
		return MIG_BAD_ARGUMENTS;
	return space == NULL ? KERN_INVALID_TASK : ipc_space_mod_refs(space, in->name, in->right, in->delta);
}

static const struct mig_routine mach_port_routines[] = {
        [0] = {mig_port_names, IKOT_TASK, "mach_port_names"},
        [1] = {mig_port_type, IKOT_TASK, "mach_port_type"},
        [4] = {mig_port_allocate, IKOT_TASK, "mach_port_allocate"},
        [5] = {mig_port_destroy, IKOT_TASK, "mach_port_destroy"},
        [6] = {mig_port_deallocate, IKOT_TASK, "mach_port_deallocate"},
        [7] = {mig_port_get_refs, IKOT_TASK, "mach_port_get_refs"},
        [8] = {mig_port_mod_refs, IKOT_TASK, "mach_port_mod_refs"},
};
static const struct mig_subsystem mach_port_subsystem = {"mach_port", 3200, 9, mach_port_routines};
SUBSYSTEM_REGISTER(mach_port_subsystem);
