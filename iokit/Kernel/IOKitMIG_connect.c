/*
 * IOKitMIG_connect.c — the connection routines of XNU's `iokit` MIG
 * subsystem (osfmk/device/device.defs): opening a service (a user client
 * and its connect port, IKOT_IOKIT_CONNECT), closing it, and calling its
 * methods. IOKitLib's IOServiceOpen, IOServiceClose, IOConnect* send these
 * (lib/libkexthost/IOKitLib_connect.c). Argument encoding after the NDR
 * record as IOKitMIG.c: 32/64-bit scalars in order, unaligned; a byte array
 * is a 32-bit count and the bytes padded to 4.
 *
 *   id    routine                     descriptors in        arguments in                 out
 *   2816  io_service_close            -                     -                            -
 *   2817  io_connect_get_service      -                     -                            service (port)
 *   2820  io_connect_add_client       connect_to (port)     -                            -
 *   2821  io_connect_set_properties   XML (OOL)             -                            result
 *   2862  io_service_open_extended    owningTask (port),    connect_type, ndr[8]         result,
 *         (on a service)              [properties XML OOL]                               connection (port)
 *   2865  io_connect_method           -                     selector,                    inband_output[],
 *                                                           scalar_input[] (u64 each),   scalar_output[] (u64),
 *                                                           inband_input[],              ool_output_size (u64)
 *                                                           ool_input, ool_input_size,
 *                                                           inband_output room (u32),
 *                                                           scalar_output room (u32),
 *                                                           ool_output, ool_output_size
 *
 * As with MIG, a routine that fails answers only its return code: a method
 * returning an error hands back no outputs. Output rooms above the limits
 * (4096 bytes, 16 scalars) are clamped, as MIG's CountInOut is.
 *
 * The user client is looked up and retained for the call: a process killed
 * while a method runs drops its handle, and the client must outlive the
 * call; IOUserClient.c then runs clientDied when the call returns.
 */
#include <sys/systm.h>
#include <kern/kalloc.h>
#include <libkern/c/OSContainers.h>
#include <libkern/c/OSUnserialize.h>
#include <IOKit/IOReturn.h>
#include <IOKit/IOUserClient.h>
#include <IOKit/IOMemoryDescriptor.h>
#include "bsd/sys/proc_internal.h"
#include "osfmk/ipc/mig.h"
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOUserClientPrivate.h"
#include "iokit/Kernel/IOKitMIG.h"

#define IOUC_INBAND_MAX 4096 /* io_struct_inband_t */
#define IOUC_SCALAR_MAX 16   /* io_scalar_inband64_t */

/* ---- argument reading -------------------------------------------------------- */

/* The user client behind the destination (a connect port), retained; NULL for anything else. */
IOUserClient *
iokit_mig_connect_client(struct mig_request *req)
{
	OSObject *obj = iokit_lookup_object_port(req->port, IKOT_IOKIT_CONNECT);
	IOUserClient *uc = OSDynamicCast(IOUserClient, obj);

	if (uc == NULL)
		OSSafeReleaseNULL(obj);
	return uc;
}

/* A property list sent out of line: the dictionary (retained), or NULL with *result set. */
static OSDictionary *
ioucm_properties(const struct mig_request *req, unsigned int idx, IOReturn *result)
{
	OSObject *obj;
	OSDictionary *dict;

	if (req->ool[idx].size > IOUC_INBAND_MAX) {
		*result = kIOReturnMessageTooLarge;
		return NULL;
	}
	obj = req->ool[idx].size > 0
	              ? OSUnserializeXMLWithLength(req->ool[idx].data, req->ool[idx].size, NULL)
	              : NULL;
	dict = OSDynamicCast(OSDictionary, obj);
	if (dict == NULL) {
		OSSafeReleaseNULL(obj);
		*result = kIOReturnBadArgument;
	}
	return dict;
}

/* ---- open, close, service ------------------------------------------------------ */

static kern_return_t
is_io_service_open_extended(struct mig_request *req, struct mig_reply *rep)
{
	struct mig_reader a = mig_reader_begin(req);
	OSObject *obj = NULL;
	IOService *service;
	OSDictionary *props = NULL;
	IOUserClient *client = NULL;
	struct ipc_port *port = NULL;
	IOReturn result = kIOReturnSuccess;
	kern_return_t kr;
	uint32_t type;
	task_t task;

	type = mig_read_u32(&a);
	(void)mig_read_take(&a, 8); /* the sender's NDR record: one byte order here */
	if (a.bad || a.left != 0 || req->nports != 1 || req->nool > 1)
		return MIG_BAD_ARGUMENTS;
	obj = iokit_lookup_object_port(req->port, IKOT_IOKIT_OBJECT);
	service = OSDynamicCast(IOService, obj);
	if (service == NULL) {
		kr = kIOReturnBadArgument;
		goto out;
	}
	/* The owning task must be the caller's own, as XNU insists. */
	if (req->ports[0] == NULL || req->proc == NULL ||
	    ipc_port_kobject(req->ports[0], IKOT_TASK) != req->proc) {
		kr = kIOReturnBadArgument;
		goto out;
	}
	task = proc_task(req->proc);
	if (req->nool == 1 && (props = ioucm_properties(req, 0, &result)) == NULL)
		goto reply;
	result = IOService_newUserClient(service, task, (void *)task, type, props, &client);
	if (result == kIOReturnSuccess && client == NULL)
		result = kIOReturnError;
	if (result == kIOReturnSuccess)
		result = iouc_register_owner(client, task);
	if (result == kIOReturnSuccess) {
		port = iokit_make_object_port(OSObj(client), IKOT_IOKIT_CONNECT);
		if (port == NULL)
			result = kIOReturnNoMemory;
	}
	if (result != kIOReturnSuccess && client != NULL) {
		(void)iouc_close(client); /* made but never handed out */
	}
	OSSafeReleaseNULL(client); /* the connect port holds it now */
reply:
	kr = mig_reply_data(rep, &result, sizeof(result));
	if (kr == KERN_SUCCESS)
		kr = mig_reply_port(rep, port); /* consumes the right, even on failure */
	else if (port != NULL)
		ipc_port_release_send(port);
out:
	OSSafeReleaseNULL(props);
	OSSafeReleaseNULL(obj);
	return kr;
}

static kern_return_t
is_io_service_close(struct mig_request *req, struct mig_reply *rep)
{
	IOUserClient *uc;
	IOReturn ret;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if ((uc = iokit_mig_connect_client(req)) == NULL)
		return kIOReturnBadArgument;
	ret = iouc_close(uc);
	OSObject_release(uc);
	return ret;
}

static kern_return_t
is_io_connect_get_service(struct mig_request *req, struct mig_reply *rep)
{
	IOUserClient *uc;
	IOService *service;
	struct ipc_port *port;

	if (req->args_len != 0)
		return MIG_BAD_ARGUMENTS;
	if ((uc = iokit_mig_connect_client(req)) == NULL)
		return kIOReturnBadArgument;
	service = IOUserClient_getService(uc);
	port = service != NULL ? iokit_make_object_port(OSObj(service), IKOT_IOKIT_OBJECT) : NULL;
	OSObject_release(uc);
	if (service == NULL)
		return kIOReturnUnsupported;
	if (port == NULL)
		return kIOReturnNoMemory;
	return mig_reply_port(rep, port);
}

static kern_return_t
is_io_connect_add_client(struct mig_request *req, struct mig_reply *rep)
{
	IOUserClient *uc, *to;
	OSObject *obj;
	IOReturn ret;

	if (req->args_len != 0 || req->nports != 1 || req->ports[0] == NULL)
		return MIG_BAD_ARGUMENTS;
	obj = iokit_lookup_object_port(req->ports[0], IKOT_IOKIT_CONNECT);
	to = OSDynamicCast(IOUserClient, obj);
	if (to == NULL) {
		OSSafeReleaseNULL(obj);
		return kIOReturnBadArgument;
	}
	if ((uc = iokit_mig_connect_client(req)) == NULL) {
		OSObject_release(to);
		return kIOReturnBadArgument;
	}
	ret = IOUserClient_connectClient(uc, to);
	OSObject_release(uc);
	OSObject_release(to);
	return ret;
}

static kern_return_t
is_io_connect_set_properties(struct mig_request *req, struct mig_reply *rep)
{
	IOUserClient *uc;
	OSDictionary *props;
	IOReturn result = kIOReturnSuccess;

	if (req->args_len != 0 || req->nool != 1 || req->nports != 0)
		return MIG_BAD_ARGUMENTS;
	if ((uc = iokit_mig_connect_client(req)) == NULL)
		return kIOReturnBadArgument;
	props = ioucm_properties(req, 0, &result);
	if (props != NULL && (result = iouc_call_enter(uc)) == kIOReturnSuccess) {
		result = IORegistryEntry_setProperties(uc, OSObj(props));
		iouc_call_exit(uc);
	}
	OSSafeReleaseNULL(props);
	OSObject_release(uc);
	return mig_reply_data(rep, &result, sizeof(result));
}

/* ---- io_connect_method ----------------------------------------------------------- */

/*
 * A descriptor over a structure in the caller's memory (kIODirectionOut: the
 * method reads it; kIODirectionIn: it writes it); *md NULL for no address, as
 * XNU. A range the descriptor refuses (zero length, wrapping) is a bad argument.
 */
IOReturn
iokit_mig_user_descriptor(struct mig_request *req, uint64_t address, uint64_t size, IOOptionBits direction,
                          IOMemoryDescriptor **md)
{
	*md = NULL;
	if (address == 0)
		return kIOReturnSuccess;
	*md = IOMemoryDescriptor_withAddressRange(address, size, direction, proc_task(req->proc));
	return *md != NULL ? kIOReturnSuccess : kIOReturnBadArgument;
}

kern_return_t
iokit_mig_connect_method(struct mig_request *req, struct mig_reply *rep, struct mig_reader *rd,
                         struct ipc_port *wake, io_user_reference_t *ref, uint32_t refCnt)
{
	struct mig_reader a = *rd;
	IOExternalMethodArguments args;
	uint64_t scalar_in[IOUC_SCALAR_MAX], scalar_out[IOUC_SCALAR_MAX];
	const uint8_t *scalars;
	const void *inband_in;
	uint32_t selector, nscalar_in, ninband_in, inband_room, scalar_room, outlen, padded;
	uint64_t ool_in, ool_in_size, ool_out, ool_out_size;
	IOMemoryDescriptor *in_md = NULL, *out_md = NULL;
	uint8_t *inband_out;
	IOUserClient *uc;
	IOReturn ret;

	selector = mig_read_u32(&a);
	nscalar_in = mig_read_u32(&a);
	scalars = nscalar_in <= IOUC_SCALAR_MAX ? mig_read_take(&a, nscalar_in * 8u) : NULL;
	inband_in = mig_read_bytes(&a, IOUC_INBAND_MAX, &ninband_in);
	ool_in = mig_read_u64(&a);
	ool_in_size = mig_read_u64(&a);
	inband_room = mig_read_u32(&a);
	scalar_room = mig_read_u32(&a);
	ool_out = mig_read_u64(&a);
	ool_out_size = mig_read_u64(&a);
	if (a.bad || a.left != 0 || scalars == NULL || req->nports != (ref != NULL ? 1u : 0u) ||
	    req->nool != 0)
		return MIG_BAD_ARGUMENTS;
	if (ref != NULL && (refCnt < 1 || wake == NULL))
		return kIOReturnBadArgument; /* XNU: an async reference of at least one word */
	if (inband_room > IOUC_INBAND_MAX)
		inband_room = IOUC_INBAND_MAX;
	if (scalar_room > IOUC_SCALAR_MAX)
		scalar_room = IOUC_SCALAR_MAX;
	if ((uc = iokit_mig_connect_client(req)) == NULL)
		return kIOReturnBadArgument;
	if ((ret = iouc_call_enter(uc)) != kIOReturnSuccess) {
		OSObject_release(uc);
		return ret;
	}
	if ((ret = iokit_mig_user_descriptor(req, ool_in, ool_in_size, kIODirectionOut, &in_md)) !=
	            kIOReturnSuccess ||
	    (ret = iokit_mig_user_descriptor(req, ool_out_size != 0 ? ool_out : 0, ool_out_size,
	                                     kIODirectionIn, &out_md)) != kIOReturnSuccess)
		goto out;

	if (ref != NULL)
		ref[kIOAsyncReservedIndex] = (io_user_reference_t)(uintptr_t)wake | kIOUCAsync64Flag;
	memcpy(scalar_in, scalars, nscalar_in * 8u); /* aligned for the method */
	memset(scalar_out, 0, sizeof(scalar_out));
	/* The inband output is written in place in the reply, after its count; no stale bytes go out. */
	inband_out = rep->data + 4;
	memset(inband_out, 0, inband_room);

	memset(&args, 0, sizeof(args));
	args.version = kIOExternalMethodArgumentsCurrentVersion;
	args.selector = selector;
	if (ref != NULL) {
		args.asyncWakePort = wake;
		args.asyncReference = ref;
		args.asyncReferenceCount = refCnt;
	}
	args.scalarInput = scalar_in;
	args.scalarInputCount = nscalar_in;
	args.structureInput = ninband_in > 0 ? inband_in : NULL;
	args.structureInputSize = ninband_in;
	args.structureInputDescriptor = in_md;
	args.scalarOutput = scalar_out;
	args.scalarOutputCount = scalar_room;
	args.structureOutput = inband_room > 0 ? inband_out : NULL;
	args.structureOutputSize = inband_room;
	args.structureOutputDescriptor = out_md;
	args.structureOutputDescriptorSize = out_md != NULL ? (uint32_t)ool_out_size : 0;

	ret = IOUserClient_externalMethod(uc, selector, &args, NULL, NULL, NULL);
	if (ret != kIOReturnSuccess)
		goto out; /* an async call's wake port right is dropped with the request */
	if (ref != NULL)
		req->ports[0] =
		        NULL; /* the method took the reference and its wake port right (releaseAsyncReference64) */

	/* A method may shrink the counts; it can't grow them past the room the caller gave. */
	outlen = args.structureOutputSize < inband_room ? args.structureOutputSize : inband_room;
	if (args.scalarOutputCount > scalar_room)
		args.scalarOutputCount = scalar_room;
	ool_out_size = out_md != NULL && args.structureOutputDescriptorSize < ool_out_size
	                       ? args.structureOutputDescriptorSize
	                       : (out_md != NULL ? ool_out_size : 0);
	padded = (outlen + 3u) & ~3u;
	memcpy(rep->data, &outlen, 4);
	memset(rep->data + 4 + outlen, 0, padded - outlen);
	rep->data_len = 4 + padded;
	if (mig_reply_data(rep, &args.scalarOutputCount, 4) != KERN_SUCCESS ||
	    mig_reply_data(rep, scalar_out, args.scalarOutputCount * 8u) != KERN_SUCCESS ||
	    mig_reply_data(rep, &ool_out_size, 8) != KERN_SUCCESS)
		ret = KERN_RESOURCE_SHORTAGE;
out:
	OSSafeReleaseNULL(in_md);
	OSSafeReleaseNULL(out_md);
	iouc_call_exit(uc);
	OSObject_release(uc);
	return ret;
}

static kern_return_t
is_io_connect_method(struct mig_request *req, struct mig_reply *rep)
{
	struct mig_reader a = mig_reader_begin(req);

	return iokit_mig_connect_method(req, rep, &a, NULL, NULL, 0);
}

/* ---- the table ------------------------------------------------------------------- */

#define OBJ IKOT_IOKIT_OBJECT
#define CONNECT IKOT_IOKIT_CONNECT
static const struct mig_routine iokit_connect_routines[] = {
        [16] = {is_io_service_close, CONNECT, "io_service_close"},
        [17] = {is_io_connect_get_service, CONNECT, "io_connect_get_service"},
        [20] = {is_io_connect_add_client, CONNECT, "io_connect_add_client"},
        [21] = {is_io_connect_set_properties, CONNECT, "io_connect_set_properties"},
        [62] = {is_io_service_open_extended, OBJ, "io_service_open_extended"},
        [65] = {is_io_connect_method, CONNECT, "io_connect_method"},
};
static const struct mig_subsystem iokit_connect_subsystem = {
        "iokit", 2800, sizeof(iokit_connect_routines) / sizeof(iokit_connect_routines[0]),
        iokit_connect_routines};
SUBSYSTEM_REGISTER(iokit_connect_subsystem);
