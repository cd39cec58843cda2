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
#include "iokit/Kernel/IOKitMIG.h"
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOUserClientPrivate.h"
#include "iokit/Kernel/IOUserNotification.h"

#define IONM_NAME_MAX 128                 /* io_name_t */
#define IONM_STRING_MAX 512               /* io_string_t */
#define IONM_MATCHING_MAX (4096u * 1024u) /* XNU's cap on an out-of-line matching dictionary */

/* ---- argument reading ------------------------------------------------------------ */

/* A reference: count (<= 8) 64-bit words into ref, the rest zeroed; *count gets the count. */
static void
ionm_reference(struct mig_reader *a, io_user_reference_t *ref, uint32_t *count)
{
	uint32_t n = mig_read_u32(a);
	const void *words;

	memset(ref, 0, kOSAsyncRef64Count * sizeof(ref[0]));
	*count = 0;
	if (a->bad || n > kOSAsyncRef64Count) {
		a->bad = true;
		return;
	}
	words = mig_read_take(a, n * 8u);
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
	struct mig_reader a = mig_reader_begin(req);
	io_user_reference_t ref[kOSAsyncRef64Count];
	char type[IONM_NAME_MAX], *matching;
	OSDictionary *dict;
	OSObject *notification;
	uint32_t refCnt;
	IOReturn ret;

	matching = kalloc(IONM_STRING_MAX);
	if (matching == NULL)
		return KERN_RESOURCE_SHORTAGE;
	mig_read_string(&a, type, sizeof(type));
	mig_read_string(&a, matching, IONM_STRING_MAX);
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
	struct mig_reader a = mig_reader_begin(req);
	io_user_reference_t ref[kOSAsyncRef64Count];
	char type[IONM_NAME_MAX];
	OSDictionary *dict = NULL;
	OSObject *notification = NULL;
	uint32_t refCnt;
	IOReturn result;
	kern_return_t kr;

	mig_read_string(&a, type, sizeof(type));
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
	struct mig_reader a = mig_reader_begin(req);
	io_user_reference_t ref[kOSAsyncRef64Count];
	char type[IONM_NAME_MAX];
	OSObject *notification = NULL;
	IOService *service;
	uint32_t refCnt;
	IOReturn ret;

	mig_read_string(&a, type, sizeof(type));
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

static kern_return_t
is_io_connect_set_notification_port_64(struct mig_request *req, struct mig_reply *rep)
{
	struct mig_reader a = mig_reader_begin(req);
	IOUserClient *uc;
	uint32_t type;
	uint64_t ref;
	IOReturn ret;

	type = mig_read_u32(&a);
	ref = mig_read_u64(&a);
	if (a.bad || a.left != 0 || req->nports != 1 || req->nool != 0)
		return MIG_BAD_ARGUMENTS;
	if ((uc = iokit_mig_connect_client(req)) == NULL)
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

/*
 * io_connect_async_method: io_connect_method's arguments after the wake
 * port and the reference (IOKitMIG_connect.c has their layout). The
 * reference's first word becomes the wake port (with kIOUCAsync64Flag),
 * which is how sendAsyncResult64 finds it.
 */
static kern_return_t
is_io_connect_async_method(struct mig_request *req, struct mig_reply *rep)
{
	struct mig_reader a = mig_reader_begin(req);
	io_user_reference_t ref[kOSAsyncRef64Count];
	uint32_t refCnt;

	/* The reference comes first; the rest is io_connect_method's (IOKitMIG_connect.c). */
	ionm_reference(&a, ref, &refCnt);
	return iokit_mig_connect_method(req, rep, &a, req->nports == 1 ? req->ports[0] : NULL, ref, refCnt);
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
