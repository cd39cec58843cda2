/*
 * IOKitMIG_notify.c — the notification routines of XNU's `iokit` MIG
 * subsystem (osfmk/device/device.defs): matching and interest
 * notifications for a user task, a connection's notification port, and
 * async method calls whose results come later as messages
 * (IOUserNotification.c, IOUserClientAsync.c). IOKitLib's
 * IOServiceAddMatchingNotification, IOServiceAddInterestNotification,
 * IOConnectSetNotificationPort and IOConnectCallAsyncMethod send them
 * (lib/libkexthost/IOKitLib_notify.c). Arguments after the NDR record as
 * IOKitMIG.c: 32/64-bit scalars in order, unaligned; a string or array is
 * a 32-bit count (bytes with the NUL / elements) and its bytes padded to 4.
 * The wake port travels as a port descriptor made from the task's receive
 * right (MACH_MSG_TYPE_MAKE_SEND); the kernel keeps that send right while
 * the notification lives (or the async reference, for a method that
 * succeeded), and drops it when the routine fails, as MIG does.
 *
 *   id    routine                               descriptors    arguments in               out
 *   2866  io_connect_async_method  (connect)    wake port      reference[] (u64),         as io_connect_method
 *                                                              then io_connect_method's
 *   2867  io_connect_set_notification_port_64   port           notification_type (u32),   -
 *         (connect)                                            reference (u64)
 *   2868  io_service_add_notification_64        wake port      type (name),               notification
 *         (master)                                             matching (XML string),
 *                                                              reference[] (u64)
 *   2869  io_service_add_interest_notification_64  wake port   type of interest (name),   notification
 *         (service)                                            reference[] (u64)
 *   2870  io_service_add_notification_ool_64    matching (XML  type (name),               result,
 *         (master)                              OOL), wake     reference[] (u64)          notification
 *
 * XNU answers io_service_add_notification_64 with kIOReturnUnsupported
 * today (its IOKitLib sends the _ool form); kexthost still serves it.
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
#include "iokit/Kernel/IOUserNotification.h"

#define IONM_NAME_MAX 128                 /* io_name_t */
#define IONM_STRING_MAX 512               /* io_string_t */
#define IONM_INBAND_MAX 4096              /* io_struct_inband_t */
#define IONM_SCALAR_MAX 16                /* io_scalar_inband64_t */
#define IONM_MATCHING_MAX (4096u * 1024u) /* XNU's cap on an out-of-line matching dictionary */

/* ---- argument reading ------------------------------------------------------------ */

struct ionm_args {
	const uint8_t *p;
	uint32_t left;
	bool bad;
};

static const void *
ionm_take(struct ionm_args *a, uint32_t n)
{
	const void *at = a->p;

	if (a->bad || a->left < n) {
		a->bad = true;
		return NULL;
	}
	a->p += n;
	a->left -= n;
	return at;
}

static uint32_t
ionm_u32(struct ionm_args *a)
{
	const void *at = ionm_take(a, 4);
	uint32_t v = 0;

	if (at != NULL)
		memcpy(&v, at, 4);
	return v;
}

static uint64_t
ionm_u64(struct ionm_args *a)
{
	const void *at = ionm_take(a, 8);
	uint64_t v = 0;

	if (at != NULL)
		memcpy(&v, at, 8);
	return v;
}

/* A string of at most max bytes with its NUL into buf ("" and bad when malformed). */
static void
ionm_string(struct ionm_args *a, char *buf, uint32_t max)
{
	uint32_t n = ionm_u32(a);
	const char *s;

	buf[0] = '\0';
	if (a->bad || n == 0 || n > max) {
		a->bad = true;
		return;
	}
	s = ionm_take(a, (n + 3u) & ~3u);
	if (s == NULL || s[n - 1] != '\0') {
		a->bad = true;
		return;
	}
	memcpy(buf, s, n);
}

/* A reference: count (<= 8) 64-bit words into ref, the rest zeroed; *count gets the count. */
static void
ionm_reference(struct ionm_args *a, io_user_reference_t *ref, uint32_t *count)
{
	uint32_t n = ionm_u32(a);
	const void *words;

	memset(ref, 0, kOSAsyncRef64Count * sizeof(ref[0]));
	*count = 0;
	if (a->bad || n > kOSAsyncRef64Count) {
		a->bad = true;
		return;
	}
	words = ionm_take(a, n * 8u);
	if (words != NULL) {
		memcpy(ref, words, n * 8u);
		*count = n;
	}
}

/* A notification that never reaches the task: end it (its notifier holds it) and drop it. */
static void
ionm_discard(OSObject *notification)
{
	iokit_user_notification_no_senders(notification);
	OSObject_release(notification);
}

/*
 * The notification object as the reply's port (consumes the caller's
 * reference). Once the port exists, its no-senders call ends the
 * notification if the reply never reaches the task.
 */
static kern_return_t
ionm_reply_notification(struct mig_reply *rep, OSObject *notification)
{
	struct ipc_port *port = iokit_make_object_port(notification, IKOT_IOKIT_OBJECT);

	if (port == NULL) {
		ionm_discard(notification);
		return kIOReturnNoMemory;
	}
	OSObject_release(notification);
	return mig_reply_port(rep, port);
}

/* ---- matching and interest notifications ---------------------------------------- */

/* The wake port of a notification request: the request's one port descriptor, a send right. */
static struct ipc_port *
ionm_wake_port(const struct mig_request *req)
{
	return req->nports == 1 ? req->ports[0] : NULL;
}

/* Matching from XML (len bytes, NUL included or not): the dictionary, retained, or NULL. */
static OSDictionary *
ionm_matching(const char *xml, uint32_t len)
{
	OSObject *obj = len > 0 ? OSUnserializeXMLWithLength(xml, len, NULL) : NULL;
	OSDictionary *dict = OSDynamicCast(OSDictionary, obj);

	if (dict == NULL)
		OSSafeReleaseNULL(obj);
	return dict;
}

static IOReturn
ionm_add_notification(struct mig_request *req, const char *type, OSDictionary *matching,
                      const io_user_reference_t *ref, uint32_t refCnt, OSObject **notification)
{
	IOReturn ret;

	*notification = NULL;
	if (matching == NULL)
		return kIOReturnBadArgument;
	ret = iokit_user_add_matching_notification(type, matching, ionm_wake_port(req), ref, refCnt,
	                                           notification);
	if (ret == kIOReturnSuccess)
		req->ports[0] = NULL; /* the notification keeps the wake port */
	return ret;
}

static kern_return_t
is_io_service_add_notification_64(struct mig_request *req, struct mig_reply *rep)
{
	struct ionm_args a = {req->args, req->args_len, false};
	io_user_reference_t ref[kOSAsyncRef64Count];
	char type[IONM_NAME_MAX], *matching;
	OSDictionary *dict;
	OSObject *notification;
	uint32_t refCnt;
	IOReturn ret;

	matching = kalloc(IONM_STRING_MAX);
	if (matching == NULL)
		return KERN_RESOURCE_SHORTAGE;
	ionm_string(&a, type, sizeof(type));
	ionm_string(&a, matching, IONM_STRING_MAX);
	ionm_reference(&a, ref, &refCnt);
	if (a.bad || a.left != 0 || ionm_wake_port(req) == NULL || req->nool != 0) {
		kfree(matching, IONM_STRING_MAX);
		return MIG_BAD_ARGUMENTS;
	}
	dict = ionm_matching(matching, (uint32_t)strlen(matching) + 1);
	kfree(matching, IONM_STRING_MAX);
	ret = ionm_add_notification(req, type, dict, ref, refCnt, &notification);
	OSSafeReleaseNULL(dict);
	if (ret != kIOReturnSuccess)
		return ret;
	return ionm_reply_notification(rep, notification);
}

static kern_return_t
is_io_service_add_notification_ool_64(struct mig_request *req, struct mig_reply *rep)
{
	struct ionm_args a = {req->args, req->args_len, false};
	io_user_reference_t ref[kOSAsyncRef64Count];
	char type[IONM_NAME_MAX];
	OSDictionary *dict = NULL;
	OSObject *notification = NULL;
	uint32_t refCnt;
	IOReturn result;
	kern_return_t kr;

	ionm_string(&a, type, sizeof(type));
	ionm_reference(&a, ref, &refCnt);
	if (a.bad || a.left != 0 || ionm_wake_port(req) == NULL || req->nool != 1)
		return MIG_BAD_ARGUMENTS;
	/* As MIG's _ool routines: the routine succeeds, the result says what happened. */
	if (req->ool[0].size > IONM_MATCHING_MAX) {
		result = kIOReturnMessageTooLarge;
	} else {
		dict = ionm_matching(req->ool[0].data, req->ool[0].size);
		result = ionm_add_notification(req, type, dict, ref, refCnt, &notification);
	}
	OSSafeReleaseNULL(dict);
	kr = mig_reply_data(rep, &result, sizeof(result));
	if (kr != KERN_SUCCESS) {
		if (notification != NULL)
			ionm_discard(notification);
		return kr;
	}
	if (notification == NULL)
		return mig_reply_port(rep, NULL);
	return ionm_reply_notification(rep, notification);
}

static kern_return_t
is_io_service_add_interest_notification_64(struct mig_request *req, struct mig_reply *rep)
{
	struct ionm_args a = {req->args, req->args_len, false};
	io_user_reference_t ref[kOSAsyncRef64Count];
	char type[IONM_NAME_MAX];
	OSObject *notification = NULL;
	IOService *service;
	uint32_t refCnt;
	IOReturn ret;

	ionm_string(&a, type, sizeof(type));
	ionm_reference(&a, ref, &refCnt);
	if (a.bad || a.left != 0 || ionm_wake_port(req) == NULL || req->nool != 0)
		return MIG_BAD_ARGUMENTS;
	service = OSDynamicCast(IOService, (OSObject *)req->kobject);
	if (service == NULL)
		return kIOReturnBadArgument;
	ret = iokit_user_add_interest_notification(service, type, ionm_wake_port(req), ref, refCnt,
	                                           &notification);
	if (ret != kIOReturnSuccess)
		return ret;
	req->ports[0] = NULL; /* the notification keeps the wake port */
	return ionm_reply_notification(rep, notification);
}

/* ---- connections ---------------------------------------------------------------- */

/* The user client behind the destination (a connect port), retained; NULL for anything else. */
static IOUserClient *
ionm_client(struct mig_request *req)
{
	OSObject *obj = iokit_lookup_object_port(req->port, IKOT_IOKIT_CONNECT);
	IOUserClient *uc = OSDynamicCast(IOUserClient, obj);

	if (uc == NULL)
		OSSafeReleaseNULL(obj);
	return uc;
}

static kern_return_t
is_io_connect_set_notification_port_64(struct mig_request *req, struct mig_reply *rep)
{
	struct ionm_args a = {req->args, req->args_len, false};
	IOUserClient *uc;
	uint32_t type;
	uint64_t ref;
	IOReturn ret;

	type = ionm_u32(&a);
	ref = ionm_u64(&a);
	if (a.bad || a.left != 0 || req->nports != 1 || req->nool != 0)
		return MIG_BAD_ARGUMENTS;
	if ((uc = ionm_client(req)) == NULL)
		return kIOReturnBadArgument;
	if ((ret = iouc_call_enter(uc)) == kIOReturnSuccess) {
		ret = IOUserClient_registerNotificationPort(uc, req->ports[0], type, ref);
		iouc_call_exit(uc);
	}
	if (ret == kIOReturnSuccess)
		req->ports[0] = NULL; /* the client keeps the port (releaseNotificationPort) */
	OSObject_release(uc);
	return ret;
}

/* A descriptor over a structure in the caller's memory, as io_connect_method makes it. */
static IOReturn
ionm_descriptor(struct mig_request *req, uint64_t address, uint64_t size, IOOptionBits direction,
                IOMemoryDescriptor **md)
{
	*md = NULL;
	if (address == 0)
		return kIOReturnSuccess;
#if IOUC_LARGE_STRUCTS
	*md = IOMemoryDescriptor_withAddressRange(address, size, direction, proc_task(req->proc));
	return *md != NULL ? kIOReturnSuccess : kIOReturnBadArgument;
#else
	return kIOReturnBadArgument;
#endif
}

/*
 * io_connect_async_method: io_connect_method's arguments after the wake
 * port and the reference (IOKitMIG_connect.c has their layout). The
 * reference's first word becomes the wake port (with kIOUCAsync64Flag),
 * which is how sendAsyncResult64 finds it.
 */
static kern_return_t
is_io_connect_async_method(struct mig_request *req, struct mig_reply *rep)
{
	struct ionm_args a = {req->args, req->args_len, false};
	IOExternalMethodArguments args;
	io_user_reference_t ref[kOSAsyncRef64Count];
	uint64_t scalar_in[IONM_SCALAR_MAX], scalar_out[IONM_SCALAR_MAX];
	const uint8_t *scalars, *inband_in;
	uint32_t refCnt, selector, nscalar_in, ninband_in, inband_room, scalar_room, outlen, padded;
	uint64_t ool_in, ool_in_size, ool_out, ool_out_size;
	IOMemoryDescriptor *in_md = NULL, *out_md = NULL;
	struct ipc_port *wake;
	uint8_t *inband_out;
	IOUserClient *uc;
	IOReturn ret;

	ionm_reference(&a, ref, &refCnt);
	selector = ionm_u32(&a);
	nscalar_in = ionm_u32(&a);
	scalars = nscalar_in <= IONM_SCALAR_MAX ? ionm_take(&a, nscalar_in * 8u) : NULL;
	ninband_in = ionm_u32(&a);
	inband_in = ninband_in <= IONM_INBAND_MAX ? ionm_take(&a, (ninband_in + 3u) & ~3u) : NULL;
	ool_in = ionm_u64(&a);
	ool_in_size = ionm_u64(&a);
	inband_room = ionm_u32(&a);
	scalar_room = ionm_u32(&a);
	ool_out = ionm_u64(&a);
	ool_out_size = ionm_u64(&a);
	if (a.bad || a.left != 0 || scalars == NULL || inband_in == NULL || req->nports != 1 ||
	    req->nool != 0)
		return MIG_BAD_ARGUMENTS;
	wake = req->ports[0];
	if (refCnt < 1 || wake == NULL)
		return kIOReturnBadArgument; /* XNU: a reference of at least one word */
	if (inband_room > IONM_INBAND_MAX)
		inband_room = IONM_INBAND_MAX;
	if (scalar_room > IONM_SCALAR_MAX)
		scalar_room = IONM_SCALAR_MAX;
	if ((uc = ionm_client(req)) == NULL)
		return kIOReturnBadArgument;
	if ((ret = iouc_call_enter(uc)) != kIOReturnSuccess) {
		OSObject_release(uc);
		return ret;
	}
	if ((ret = ionm_descriptor(req, ool_in, ool_in_size, kIODirectionOut, &in_md)) != kIOReturnSuccess ||
	    (ret = ionm_descriptor(req, ool_out_size != 0 ? ool_out : 0, ool_out_size, kIODirectionIn,
	                           &out_md)) != kIOReturnSuccess)
		goto out;

	ref[kIOAsyncReservedIndex] = (io_user_reference_t)(uintptr_t)wake | kIOUCAsync64Flag;
	memcpy(scalar_in, scalars, nscalar_in * 8u);
	memset(scalar_out, 0, sizeof(scalar_out));
	inband_out = rep->data + 4; /* written in place in the reply, after its count */
	memset(inband_out, 0, inband_room);

	memset(&args, 0, sizeof(args));
	args.version = kIOExternalMethodArgumentsCurrentVersion;
	args.selector = selector;
	args.asyncWakePort = wake;
	args.asyncReference = ref;
	args.asyncReferenceCount = refCnt;
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
		goto out; /* the wake port right is dropped with the request */
	/* The method took the reference: its wake port right now belongs to it (releaseAsyncReference64). */
	req->ports[0] = NULL;

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

/* ---- the table ------------------------------------------------------------------- */

#define OBJ IKOT_IOKIT_OBJECT
#define CONNECT IKOT_IOKIT_CONNECT
#define MASTER IKOT_MASTER_DEVICE
static const struct mig_routine iokit_notify_routines[] = {
        [66] = {is_io_connect_async_method, CONNECT, "io_connect_async_method"},
        [67] = {is_io_connect_set_notification_port_64, CONNECT, "io_connect_set_notification_port_64"},
        [68] = {is_io_service_add_notification_64, MASTER, "io_service_add_notification_64"},
        [69] = {is_io_service_add_interest_notification_64, OBJ, "io_service_add_interest_notification_64"},
        [70] = {is_io_service_add_notification_ool_64, MASTER, "io_service_add_notification_ool_64"},
};
static const struct mig_subsystem iokit_notify_subsystem = {
        "iokit", 2800, sizeof(iokit_notify_routines) / sizeof(iokit_notify_routines[0]),
        iokit_notify_routines};
SUBSYSTEM_REGISTER(iokit_notify_subsystem);
