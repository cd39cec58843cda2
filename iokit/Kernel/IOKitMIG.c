/*
 * IOKitMIG.c — the registry half of XNU's `iokit` MIG subsystem (ids from
 * 2800, osfmk/device/device.defs): what IOKitLib's IOObject*, IOIterator*,
 * IORegistry* and IOServiceGetMatchingServices calls send. Handles are
 * send rights to the objects' ports (IOMachPort.c). Argument layout after
 * the NDR record, as mig_host.c: 32/64-bit scalars in order; a string is a
 * 32-bit byte count (with its NUL) and the bytes padded to 4. Property
 * lists travel out of line as Apple XML.
 *
 *   id    routine                                   in                      out
 *   2800  io_object_get_class                       -                       name
 *   2801  io_object_conforms_to                     name                    boolean
 *   2802  io_iterator_next                          -                       object (complex)
 *   2803  io_iterator_reset                         -                       -
 *   2805  io_registry_entry_get_property            name                    XML (OOL)
 *   2806  io_registry_create_iterator    (master)   plane, options          iterator
 *   2809  io_registry_entry_from_path    (master)   path                    entry
 *   2810  io_registry_entry_get_name                -                       name
 *   2811  io_registry_entry_get_properties          -                       XML (OOL)
 *   2813  io_registry_entry_get_child_iterator      plane                   iterator
 *   2814  io_registry_entry_get_parent_iterator     plane                   iterator
 *   2826  io_registry_entry_get_path                plane                   path
 *   2827  io_registry_get_root_entry     (master)   -                       entry
 *   2828  io_registry_entry_set_properties          XML (OOL)               result
 *   2829  io_registry_entry_in_plane                plane                   boolean
 *   2830  io_object_get_retain_count                -                       count
 *   2831  io_service_get_busy_state                 -                       state
 *   2832  io_service_wait_quiet                     sec, nsec               -
 *   2833  io_registry_entry_create_iterator         plane, options          iterator
 *   2834  io_iterator_is_valid                      -                       boolean
 *   2843  io_registry_entry_get_name_in_plane       plane                   name
 *   2854  io_registry_entry_get_location_in_plane   plane                   location
 *   2856  io_service_get_state                      -                       state, busy, busy time (ns)
 *   2857  io_service_get_matching_services_ool (master) XML (OOL)           result, iterator
 *   2860  io_object_get_superclass       (master)   name                    name
 *   2871  io_registry_entry_get_registry_entry_id   -                       id
 */
#include <sys/systm.h>
#include <sys/kauth.h>
#include "bsd/sys/proc_internal.h"
#include <kern/kalloc.h>
#include <libkern/c/OSContainers.h>
#include <libkern/c/OSUnserialize.h>
#include <IOKit/IOReturn.h>
#include <IOKit/IORegistryEntry.h>
#include <IOKit/IOService.h>
#include "bsd/kern/kern_request.h"
#include "osfmk/ipc/mig.h"
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOUserRequest.h"

#define IO_NAME_MAX 128   /* io_name_t */
#define IO_STRING_MAX 512 /* io_string_t */

/* ---- argument and reply helpers ------------------------------------------ */

static kern_return_t
iomig_reply_object(struct mig_reply *rep, OSObject *obj)
{
	struct ipc_port *port = iokit_make_object_port(obj, IKOT_IOKIT_OBJECT);

	if (port == NULL)
		return kIOReturnNoMemory;
	return mig_reply_port(rep, port);
}

/*
 * The object behind the destination port (IKOT_IOKIT_OBJECT routines), cast
 * to a class. Not retained: the sender's send right keeps it alive for the
 * call (a process's calls are serialized, and its space outlives them).
 */
/* NULL for a port whose object is gone (still of its kind, no longer active): routines refuse it,
 * as XNU's refuse the null object their port conversion gives them. */
#define IOMIG_OBJECT(req, Class) OSDynamicCast(Class, (OSObject *)(req)->kobject)

static const IORegistryPlane *
iomig_plane(const char *name)
{
	return name[0] != '\0' ? IORegistryEntry_getPlane(name) : NULL;
}

/* Property lists out of line as XML. */
static kern_return_t
iomig_reply_xml(struct mig_reply *rep, const OSObject *obj)
{
	struct kreq_buf b = {0};
	void *data;
	uint32_t len;

	if (kreq_object_to_xml(obj, &b) != 0) {
		kreq_buf_free(&b);
		return kIOReturnUnsupported;
	}
	len = (uint32_t)b.len + 1;
	data = kalloc(len);
	if (data == NULL) {
		kreq_buf_free(&b);
		return kIOReturnNoMemory;
	}
	memcpy(data, b.data, b.len);
	((char *)data)[b.len] = '\0';
	kreq_buf_free(&b);
	return mig_reply_ool(rep, data, len);
}

/* ---- io_object_* and io_iterator_* ------------------------------------------ */

static kern_return_t
is_io_object_get_class(struct mig_request *req, struct mig_reply *rep)
{
	OSObject *obj = req->kobject;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (obj == NULL)
		return kIOReturnBadArgument; /* a port whose object is gone (found by fuzz_mach_msg) */
	return mig_reply_string(rep, OSMetaClass_getClassName(OSMetaClassBase_getMetaClass(obj)),
	                        IO_NAME_MAX);
}

static kern_return_t
is_io_object_conforms_to(struct mig_request *req, struct mig_reply *rep)
{
	struct mig_reader a = mig_reader_begin(req);
	char name[IO_NAME_MAX];
	boolean_t conforms;

	mig_read_string(&a, name, sizeof(name));
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	if (req->kobject == NULL)
		return kIOReturnBadArgument;
	conforms = OSMetaClassBase_metaCastWithCString(req->kobject, name) != NULL;
	return mig_reply_data(rep, &conforms, sizeof(conforms));
}

static kern_return_t
is_io_iterator_next(struct mig_request *req, struct mig_reply *rep)
{
	OSIterator *iter = IOMIG_OBJECT(req, OSIterator);
	OSObject *obj;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (iter == NULL)
		return kIOReturnBadArgument;
	obj = OSIterator_getNextObject(iter);
	if (obj == NULL)
		return kIOReturnNoDevice; /* IOIteratorNext then answers IO_OBJECT_NULL */
	return iomig_reply_object(rep, obj);
}

static kern_return_t
is_io_iterator_reset(struct mig_request *req, struct mig_reply *rep)
{
	OSIterator *iter = IOMIG_OBJECT(req, OSIterator);

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (iter == NULL)
		return kIOReturnBadArgument;
	OSIterator_reset(iter);
	return KERN_SUCCESS;
}

static kern_return_t
is_io_iterator_is_valid(struct mig_request *req, struct mig_reply *rep)
{
	OSIterator *iter = IOMIG_OBJECT(req, OSIterator);
	boolean_t valid;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (iter == NULL)
		return kIOReturnBadArgument;
	valid = OSIterator_isValid(iter);
	return mig_reply_data(rep, &valid, sizeof(valid));
}

static kern_return_t
is_io_object_get_retain_count(struct mig_request *req, struct mig_reply *rep)
{
	uint32_t n;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (req->kobject == NULL)
		return kIOReturnBadArgument;
	n = (uint32_t)OSObject_getRetainCount((OSObject *)req->kobject);
	return mig_reply_data(rep, &n, sizeof(n));
}

/* ---- io_registry_entry_* ----------------------------------------------------- */

static kern_return_t
is_io_registry_entry_get_name(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	const OSSymbol *name;
	kern_return_t kr;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	name = IORegistryEntry_copyName(e, NULL);
	kr = mig_reply_string(rep, name ? OSSymbol_getCStringNoCopy(name) : "", IO_NAME_MAX);
	OSSafeReleaseNULL(name);
	return kr;
}

static kern_return_t
is_io_registry_entry_get_name_in_plane(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	struct mig_reader a = mig_reader_begin(req);
	char plane[IO_NAME_MAX];
	const OSSymbol *name;
	kern_return_t kr;

	mig_read_string(&a, plane, sizeof(plane));
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	name = IORegistryEntry_copyName(e, iomig_plane(plane));
	kr = mig_reply_string(rep, name ? OSSymbol_getCStringNoCopy(name) : "", IO_NAME_MAX);
	OSSafeReleaseNULL(name);
	return kr;
}

static kern_return_t
is_io_registry_entry_get_location_in_plane(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	struct mig_reader a = mig_reader_begin(req);
	char plane[IO_NAME_MAX];
	const char *loc;

	mig_read_string(&a, plane, sizeof(plane));
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	loc = IORegistryEntry_getLocation(e, iomig_plane(plane));
	if (loc == NULL)
		return kIOReturnNotFound;
	return mig_reply_string(rep, loc, IO_NAME_MAX);
}

static kern_return_t
is_io_registry_entry_get_path(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	struct mig_reader a = mig_reader_begin(req);
	char plane[IO_NAME_MAX], path[IO_STRING_MAX];
	const IORegistryPlane *pl;
	int len = sizeof(path);

	mig_read_string(&a, plane, sizeof(plane));
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	pl = iomig_plane(plane);
	if (pl == NULL)
		return kIOReturnBadArgument;
	if (!IORegistryEntry_getPath(e, path, &len, pl))
		return kIOReturnBadArgument; /* not in the plane, or too long for io_string_t */
	return mig_reply_string(rep, path, IO_STRING_MAX);
}

static kern_return_t
is_io_registry_entry_in_plane(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	struct mig_reader a = mig_reader_begin(req);
	char plane[IO_NAME_MAX];
	const IORegistryPlane *pl;
	boolean_t in;

	mig_read_string(&a, plane, sizeof(plane));
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	pl = iomig_plane(plane);
	in = pl != NULL && IORegistryEntry_inPlane(e, pl);
	return mig_reply_data(rep, &in, sizeof(in));
}

static kern_return_t
is_io_registry_entry_get_registry_entry_id(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	uint64_t id;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	id = IORegistryEntry_getRegistryEntryID(e);
	return mig_reply_data(rep, &id, sizeof(id));
}

static kern_return_t
is_io_registry_entry_get_properties(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	OSDictionary *props;
	kern_return_t kr;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	/* Values with no plist form are left out rather than failing the whole table. */
	props = ioreg_copy_plist_properties(e);
	if (props == NULL)
		return kIOReturnNoMemory;
	kr = iomig_reply_xml(rep, OSObj(props));
	OSObject_release(props);
	return kr;
}

static kern_return_t
is_io_registry_entry_get_property(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	struct mig_reader a = mig_reader_begin(req);
	char name[IO_NAME_MAX];
	OSObject *value;
	kern_return_t kr;

	mig_read_string(&a, name, sizeof(name));
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	value = IORegistryEntry_copyPropertyCString(e, name);
	if (value == NULL)
		return kIOReturnNotFound;
	kr = iomig_reply_xml(rep, value);
	OSObject_release(value);
	return kr;
}

/*
 * io_registry_entry_set_properties: the entry's setProperties (the
 * user-settable path; IORegistryEntry's default answers kIOReturnUnsupported),
 * as XNU. Only root may set properties on registry entries from user space.
 */
static kern_return_t
is_io_registry_entry_set_properties(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	OSObject *obj;
	IOReturn result;

	if (req->args_len != 0 || req->nool != 1 || req->nports != 0 || req->ool[0].size == 0)
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	if (!kauth_cred_issuser(req->proc->p_ucred)) {
		result = kIOReturnNotPrivileged;
		return mig_reply_data(rep, &result, sizeof(result));
	}
	obj = OSUnserializeXMLWithLength(req->ool[0].data, req->ool[0].size, NULL);
	result = obj != NULL ? IORegistryEntry_setProperties(e, obj) : kIOReturnBadArgument;
	OSSafeReleaseNULL(obj);
	return mig_reply_data(rep, &result, sizeof(result));
}

/* An iterator over a plane (entry NULL: the whole plane from the root). */
static kern_return_t
iomig_reply_registry_iterator(struct mig_reply *rep, IORegistryEntry *e, const char *plane, uint32_t options)
{
	const IORegistryPlane *pl = iomig_plane(plane);
	IORegistryIterator *iter;
	kern_return_t kr;

	if (pl == NULL)
		return kIOReturnBadArgument;
	iter = e != NULL ? IORegistryIterator_iterateOver(e, pl, options)
	                 : IORegistryIterator_iterateOverPlane(pl, options);
	if (iter == NULL)
		return kIOReturnNoMemory;
	kr = iomig_reply_object(rep, OSObj(iter));
	OSObject_release(iter);
	return kr;
}

static kern_return_t
is_io_registry_entry_create_iterator(struct mig_request *req, struct mig_reply *rep)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	struct mig_reader a = mig_reader_begin(req);
	char plane[IO_NAME_MAX];
	uint32_t options;

	mig_read_string(&a, plane, sizeof(plane));
	options = mig_read_u32(&a);
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	if (e == NULL)
		return kIOReturnBadArgument;
	return iomig_reply_registry_iterator(rep, e, plane, options);
}

static kern_return_t
is_io_registry_create_iterator(struct mig_request *req, struct mig_reply *rep)
{
	struct mig_reader a = mig_reader_begin(req);
	char plane[IO_NAME_MAX];
	uint32_t options;

	mig_read_string(&a, plane, sizeof(plane));
	options = mig_read_u32(&a);
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	return iomig_reply_registry_iterator(rep, NULL, plane, options);
}

static kern_return_t
iomig_family_iterator(struct mig_request *req, struct mig_reply *rep, bool parents)
{
	IORegistryEntry *e = IOMIG_OBJECT(req, IORegistryEntry);
	struct mig_reader a = mig_reader_begin(req);
	char plane[IO_NAME_MAX];
	const IORegistryPlane *pl;
	OSIterator *iter;
	kern_return_t kr;

	mig_read_string(&a, plane, sizeof(plane));
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	if (e == NULL || (pl = iomig_plane(plane)) == NULL)
		return kIOReturnBadArgument;
	iter = parents ? IORegistryEntry_getParentIterator(e, pl) : IORegistryEntry_getChildIterator(e, pl);
	if (iter == NULL)
		return kIOReturnNoMemory;
	kr = iomig_reply_object(rep, OSObj(iter));
	OSObject_release(iter);
	return kr;
}

static kern_return_t
is_io_registry_entry_get_child_iterator(struct mig_request *req, struct mig_reply *rep)
{
	return iomig_family_iterator(req, rep, false);
}

static kern_return_t
is_io_registry_entry_get_parent_iterator(struct mig_request *req, struct mig_reply *rep)
{
	return iomig_family_iterator(req, rep, true);
}

static kern_return_t
is_io_registry_get_root_entry(struct mig_request *req, struct mig_reply *rep)
{
	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	return iomig_reply_object(rep, OSObj(IORegistryEntry_getRegistryRoot()));
}

static kern_return_t
is_io_registry_entry_from_path(struct mig_request *req, struct mig_reply *rep)
{
	struct mig_reader a = mig_reader_begin(req);
	char path[IO_STRING_MAX];
	IORegistryEntry *e;
	kern_return_t kr;

	mig_read_string(&a, path, sizeof(path));
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	e = IORegistryEntry_fromPath(path, NULL, NULL, NULL, NULL);
	if (e == NULL)
		return kIOReturnNotFound; /* IORegistryEntryFromPath then answers IO_OBJECT_NULL */
	kr = iomig_reply_object(rep, OSObj(e));
	OSObject_release(e);
	return kr;
}

/* ---- io_service_* ------------------------------------------------------------- */

/*
 * The service a service routine acts on: the object itself, or for the
 * registry root (IOKitWaitQuiet and IOKitGetBusyState send to the root
 * entry) the root of the service plane.
 */
static IOService *
iomig_service(struct mig_request *req)
{
	IOService *s = IOMIG_OBJECT(req, IOService);

	if (s == NULL && req->kobject == (void *)IORegistryEntry_getRegistryRoot())
		s = IOService_getServiceRoot();
	return s;
}

static kern_return_t
is_io_service_get_busy_state(struct mig_request *req, struct mig_reply *rep)
{
	IOService *s = iomig_service(req);
	uint32_t busy;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (s == NULL)
		return kIOReturnBadArgument;
	busy = IOService_getBusyState(s);
	return mig_reply_data(rep, &busy, sizeof(busy));
}

static kern_return_t
is_io_service_get_state(struct mig_request *req, struct mig_reply *rep)
{
	IOService *s = IOMIG_OBJECT(req, IOService);
	struct __attribute__((packed)) {
		uint64_t state;
		uint32_t busy;
		uint64_t busy_time;
	} out;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if (s == NULL)
		return kIOReturnBadArgument;
	out.state = IOService_getState(s);
	out.busy = IOService_getBusyState(s);
	/* getAccumulatedBusyTime counts ms here; the routine answers ns, as XNU's does. */
	out.busy_time = IOService_getAccumulatedBusyTime(s) * 1000000ull;
	return mig_reply_data(rep, &out, sizeof(out));
}

static kern_return_t
is_io_service_wait_quiet(struct mig_request *req, struct mig_reply *rep)
{
	IOService *s = iomig_service(req);
	struct mig_reader a = mig_reader_begin(req);
	uint32_t sec, nsec;
	uint64_t timeout;

	sec = mig_read_u32(&a);
	nsec = mig_read_u32(&a);
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	if (s == NULL)
		return kIOReturnBadArgument;
	/* mach_timespec: 0 means wait for ever; anything else is bounded. */
	timeout = (sec == 0 && nsec == 0) ? UINT64_MAX : (uint64_t)sec * 1000000000ull + nsec;
	return IOService_waitQuiet(s, timeout);
}

static kern_return_t
is_io_service_get_matching_services_ool(struct mig_request *req, struct mig_reply *rep)
{
	OSDictionary *matching;
	OSObject *obj;
	OSIterator *iter;
	kern_return_t result = KERN_SUCCESS, kr;

	if (req->args_len != 0 || req->nool != 1 || req->nports != 0 || req->ool[0].size == 0)
		return MIG_BAD_ARGUMENTS;
	obj = OSUnserializeXMLWithLength(req->ool[0].data, req->ool[0].size, NULL);
	matching = OSDynamicCast(OSDictionary, obj);
	if (matching == NULL) {
		OSSafeReleaseNULL(obj);
		result = kIOReturnBadArgument;
		return mig_reply_data(rep, &result, sizeof(result)) == KERN_SUCCESS
		               ? mig_reply_port(rep, NULL)
		               : KERN_RESOURCE_SHORTAGE;
	}
	iter = IOService_getMatchingServices(matching);
	OSObject_release(matching);
	if (iter == NULL)
		result = kIOReturnNoMemory;
	kr = mig_reply_data(rep, &result, sizeof(result));
	if (kr == KERN_SUCCESS)
		kr = iter != NULL ? iomig_reply_object(rep, OSObj(iter)) : mig_reply_port(rep, NULL);
	OSSafeReleaseNULL(iter);
	return kr;
}

/* ---- classes ------------------------------------------------------------------ */

static kern_return_t
is_io_object_get_superclass(struct mig_request *req, struct mig_reply *rep)
{
	struct mig_reader a = mig_reader_begin(req);
	char name[IO_NAME_MAX];
	const OSMetaClass *meta, *super;

	mig_read_string(&a, name, sizeof(name));
	if (!mig_read_done(&a))
		return MIG_BAD_ARGUMENTS;
	meta = OSMetaClass_getMetaClassWithCString(name);
	if (meta == NULL || (super = OSMetaClass_getSuperClass(meta)) == NULL)
		return kIOReturnNotFound;
	return mig_reply_string(rep, OSMetaClass_getClassName(super), IO_NAME_MAX);
}

/* ---- the subsystem ---------------------------------------------------------- */

#define OBJ IKOT_IOKIT_OBJECT
#define MASTER IKOT_MASTER_DEVICE
static const struct mig_routine iokit_routines[] = {
        [0] = {is_io_object_get_class, OBJ, "io_object_get_class"},
        [1] = {is_io_object_conforms_to, OBJ, "io_object_conforms_to"},
        [2] = {is_io_iterator_next, OBJ, "io_iterator_next"},
        [3] = {is_io_iterator_reset, OBJ, "io_iterator_reset"},
        [5] = {is_io_registry_entry_get_property, OBJ, "io_registry_entry_get_property"},
        [6] = {is_io_registry_create_iterator, MASTER, "io_registry_create_iterator"},
        [9] = {is_io_registry_entry_from_path, MASTER, "io_registry_entry_from_path"},
        [10] = {is_io_registry_entry_get_name, OBJ, "io_registry_entry_get_name"},
        [11] = {is_io_registry_entry_get_properties, OBJ, "io_registry_entry_get_properties"},
        [13] = {is_io_registry_entry_get_child_iterator, OBJ, "io_registry_entry_get_child_iterator"},
        [14] = {is_io_registry_entry_get_parent_iterator, OBJ, "io_registry_entry_get_parent_iterator"},
        [26] = {is_io_registry_entry_get_path, OBJ, "io_registry_entry_get_path"},
        [27] = {is_io_registry_get_root_entry, MASTER, "io_registry_get_root_entry"},
        [28] = {is_io_registry_entry_set_properties, OBJ, "io_registry_entry_set_properties"},
        [29] = {is_io_registry_entry_in_plane, OBJ, "io_registry_entry_in_plane"},
        [30] = {is_io_object_get_retain_count, OBJ, "io_object_get_retain_count"},
        [31] = {is_io_service_get_busy_state, OBJ, "io_service_get_busy_state"},
        [32] = {is_io_service_wait_quiet, OBJ, "io_service_wait_quiet"},
        [33] = {is_io_registry_entry_create_iterator, OBJ, "io_registry_entry_create_iterator"},
        [34] = {is_io_iterator_is_valid, OBJ, "io_iterator_is_valid"},
        [43] = {is_io_registry_entry_get_name_in_plane, OBJ, "io_registry_entry_get_name_in_plane"},
        [54] = {is_io_registry_entry_get_location_in_plane, OBJ, "io_registry_entry_get_location_in_plane"},
        [56] = {is_io_service_get_state, OBJ, "io_service_get_state"},
        [57] = {is_io_service_get_matching_services_ool, MASTER, "io_service_get_matching_services_ool"},
        [60] = {is_io_object_get_superclass, MASTER, "io_object_get_superclass"},
        [71] = {is_io_registry_entry_get_registry_entry_id, OBJ, "io_registry_entry_get_registry_entry_id"},
};
static const struct mig_subsystem iokit_subsystem = {
        "iokit", 2800, sizeof(iokit_routines) / sizeof(iokit_routines[0]), iokit_routines};
SUBSYSTEM_REGISTER(iokit_subsystem);
