/*
 * IOKitLib_notify.c — IOKitLib's notifications (<IOKit/IOKitLib.h>,
 * "Notifications"): notification ports, matching and interest
 * notifications, a connection's notification port, async methods, and the
 * dispatch of the messages the kernel sends (layouts in
 * <IOKit/OSMessageNotification.h>; routines and argument layouts in
 * iokit/Kernel/IOKitMIG_notify.c).
 *
 * A notification port is a receive right of this task. The callback and
 * refcon a caller registers travel in the request's reference (words 1 and
 * 2, as Apple's IOKitLib puts them) and come back in every message, so
 * dispatch needs no table: IODispatchCalloutFromMessage checks the message
 * against its size and calls the function the reference names.
 */
#include <stdlib.h>
#include <string.h>
#include <plist/plist.h>
#include <kexthost/kh_mach.h>
#include <IOKit/IOKitLib.h>
#include "lib/libkexthost/iokl_msg.h"
#include "lib/libkexthost/mach_internal.h"

enum {
	IONL_ID_ASYNC_METHOD = 2866,
	IONL_ID_SET_NOTIFICATION_PORT = 2867,
	IONL_ID_ADD_INTEREST = 2869,
	IONL_ID_ADD_NOTIFICATION_OOL = 2870,
};

#define IONL_INBAND_MAX 4096 /* io_struct_inband_t */
#define IONL_SCALAR_MAX 16
#define IONL_RCV_SIZE (4096 + 64) /* the largest message the kernel queues, and its trailer */

struct IONotificationPort {
	mach_port_t master;
	mach_port_t port; /* the wake port: a receive right */
};

/* ---- requests: lib/libkexthost/iokl_msg.c, with the wake port after any out-of-line matching ---- */

/*
 * A request with nool out-of-line regions (added next, with iokl_ool) and
 * then the wake port (MAKE_SEND from our receive right): MIG orders
 * descriptors as the routine's arguments, and the matching comes first.
 */
static void
ionl_begin(struct iokl_req *r, mach_port_t dest, mach_msg_id_t id, mach_port_t wake, unsigned int nool)
{
	iokl_begin(r, dest, id, 1, nool);
	r->doff += nool * sizeof(mach_msg_ool_descriptor_t);
	iokl_port(r, wake, MACH_MSG_TYPE_MAKE_SEND);
	r->doff = sizeof(mach_msg_body_t); /* the out-of-line regions go first */
}

static void
ionl_reference(struct iokl_req *r, const uint64_t *ref, uint32_t count)
{
	iokl_u32(r, count);
	iokl_put(r, ref, count * 8u);
}

/* ---- notification ports --------------------------------------------------------------- */

IONotificationPortRef
IONotificationPortCreate(mach_port_t masterPort)
{
	IONotificationPortRef n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	if (masterPort == MACH_PORT_NULL && IOMasterPort(MACH_PORT_NULL, &masterPort) != KERN_SUCCESS)
		goto fail;
	n->master = masterPort;
	if (kh_mach_port_allocate(kh_mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &n->port) != KERN_SUCCESS)
		goto fail;
	(void)kh_mach_notify_fd(); /* registered now, so a message is never queued unannounced */
	return n;
fail:
	free(n);
	return NULL;
}

void
IONotificationPortDestroy(IONotificationPortRef notify)
{
	if (notify == NULL)
		return;
	/* Its queue goes with the receive right; notifications still registered see a dead port. */
	(void)kh_mach_port_destroy(kh_mach_task_self(), notify->port);
	free(notify);
}

mach_port_t
IONotificationPortGetMachPort(IONotificationPortRef notify)
{
	return notify != NULL ? notify->port : MACH_PORT_NULL;
}

int
IONotificationPortGetFileDescriptor(IONotificationPortRef notify)
{
	return notify != NULL ? kh_mach_notify_fd() : -1;
}

/* A received message, aligned for its header. */
union ionl_rcv {
	mach_msg_header_t h;
	uint8_t bytes[IONL_RCV_SIZE];
};

int
IONotificationPortDispatchPending(IONotificationPortRef notify, uint32_t timeoutMs)
{
	union ionl_rcv *buf;
	int n = 0;

	if (notify == NULL || (buf = malloc(sizeof(*buf))) == NULL)
		return 0;
	if (timeoutMs > 0 && kh_mach_msg(&buf->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*buf),
	                                 notify->port, timeoutMs, MACH_PORT_NULL) == MACH_MSG_SUCCESS) {
		IODispatchCalloutFromMessage(NULL, &buf->h, NULL);
		n++;
	}
	kh_mach_notify_ack(); /* before draining: a message queued from now on signals again */
	while (kh_mach_msg(&buf->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*buf), notify->port, 0,
	                   MACH_PORT_NULL) == MACH_MSG_SUCCESS) {
		IODispatchCalloutFromMessage(NULL, &buf->h, NULL);
		n++;
	}
	free(buf);
	return n;
}

/* ---- dispatch ------------------------------------------------------------------------ */

static void
ionl_release(mach_port_t name)
{
	if (MACH_PORT_VALID(name))
		(void)kh_mach_port_deallocate(kh_mach_task_self(), name);
}

void
IODispatchCalloutFromMessage(void *unused, mach_msg_header_t *msg, void *reference)
{
	const uint8_t *p = (const uint8_t *)msg;
	mach_port_t service = MACH_PORT_NULL;
	OSNotificationHeader64 nh;
	uint32_t size, off = sizeof(*msg), left;

	(void)unused;
	(void)reference;
	if (msg == NULL)
		return;
	size = msg->msgh_size;
	if (size < sizeof(*msg) || size > IONL_RCV_SIZE ||
	    (msg->msgh_id != kOSNotificationMessageID && msg->msgh_id != kOSAsyncCompleteMessageID))
		goto out;
	if (msg->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		mach_msg_body_t b;
		if (size - off < sizeof(b))
			goto out;
		memcpy(&b, p + off, sizeof(b));
		off += sizeof(b);
		for (uint32_t i = 0; i < b.msgh_descriptor_count; i++) {
			mach_msg_port_descriptor_t d;
			if (size - off < sizeof(d))
				goto out;
			memcpy(&d, p + off, sizeof(d));
			if (d.type != MACH_MSG_PORT_DESCRIPTOR)
				goto out; /* no notification carries memory */
			if (service == MACH_PORT_NULL)
				service = d.name;
			else
				ionl_release(d.name);
			off += sizeof(d);
		}
	}
	if (size - off < sizeof(nh))
		goto out;
	memcpy(&nh, p + off, sizeof(nh));
	off += sizeof(nh);
	left = size - off; /* content bytes */
	switch (nh.type & kIOKitNoticationTypeMask) {
	case kIOAsyncCompletionNotificationType: {
		IOReturn result;
		void *args[kMaxAsyncArgs];
		uint32_t nargs;
		void *refcon = (void *)(uintptr_t)nh.reference[kIOAsyncCalloutRefconIndex];

		if (left < sizeof(result) || nh.reference[kIOAsyncCalloutFuncIndex] == 0)
			break;
		memcpy(&result, p + off, sizeof(result));
		nargs = (left - (uint32_t)sizeof(result)) / 8u;
		if (nargs > kMaxAsyncArgs)
			nargs = kMaxAsyncArgs;
		for (uint32_t i = 0; i < nargs; i++) {
			uint64_t v;
			memcpy(&v, p + off + sizeof(result) + 8u * i, 8);
			args[i] = (void *)(uintptr_t)v;
		}
		/* The callback's shape follows the count, as Apple's does. */
		switch (nargs) {
		case 0:
			((IOAsyncCallback0)(uintptr_t)nh.reference[kIOAsyncCalloutFuncIndex])(refcon, result);
			break;
		case 1:
			((IOAsyncCallback1)(uintptr_t)nh.reference[kIOAsyncCalloutFuncIndex])(refcon, result,
			                                                                      args[0]);
			break;
		case 2:
			((IOAsyncCallback2)(uintptr_t)nh.reference[kIOAsyncCalloutFuncIndex])(
			        refcon, result, args[0], args[1]);
			break;
		default:
			((IOAsyncCallback)(uintptr_t)nh.reference[kIOAsyncCalloutFuncIndex])(refcon, result,
			                                                                     args, nargs);
			break;
		}
		break;
	}
	case kIOServiceMessageNotificationType: {
		natural_t messageType;
		uint64_t value = 0;
		uint32_t argbytes;
		uint8_t arg[kOSAsyncRef64Size + 8];
		void *argument;

		if (left < sizeof(messageType) || nh.reference[kIOInterestCalloutFuncIndex] == 0)
			break;
		memcpy(&messageType, p + off, sizeof(messageType));
		argbytes = left - (uint32_t)sizeof(messageType);
		if (argbytes > sizeof(arg))
			argbytes = sizeof(arg);
		memset(arg, 0, sizeof(arg));
		memcpy(arg, p + off + sizeof(messageType), argbytes);
		/* Up to one word: the argument itself; more: a pointer to its bytes (valid during the call). */
		if (argbytes <= sizeof(value)) {
			memcpy(&value, arg, sizeof(value));
			argument = (void *)(uintptr_t)value;
		} else {
			argument = arg;
		}
		((IOServiceInterestCallback)(uintptr_t)nh.reference[kIOInterestCalloutFuncIndex])(
		        (void *)(uintptr_t)nh.reference[kIOInterestCalloutRefconIndex],
		        service != MACH_PORT_NULL
		                ? service
		                : (io_service_t)nh.reference[kIOInterestCalloutServiceIndex],
		        messageType, argument);
		break;
	}
	case kIOServicePublishNotificationType:
	case kIOServiceMatchedNotificationType:
	case kIOServiceTerminatedNotificationType:
		if (nh.reference[kIOMatchingCalloutFuncIndex] == 0)
			break;
		/* The message's remote port is the notification: an iterator of the new services. */
		((IOServiceMatchingCallback)(uintptr_t)nh.reference[kIOMatchingCalloutFuncIndex])(
		        (void *)(uintptr_t)nh.reference[kIOMatchingCalloutRefconIndex],
		        (io_iterator_t)msg->msgh_remote_port);
		break;
	default:
		break;
	}
out:
	/* The rights the message brought: the callbacks had them for the call. */
	ionl_release(msg->msgh_remote_port);
	ionl_release(service);
}

/* ---- matching and interest notifications ---------------------------------------------- */

kern_return_t
IOServiceAddMatchingNotification(IONotificationPortRef notifyPort, const char *notificationType,
                                 plist_t matching, IOServiceMatchingCallback callback, void *refCon,
                                 io_iterator_t *notification)
{
	uint64_t ref[kIOMatchingCalloutCount] = {0, (uint64_t)(uintptr_t)callback,
	                                         (uint64_t)(uintptr_t)refCon};
	struct iokl_req *r;
	const uint8_t *out;
	uint32_t out_len, xml_len = 0;
	char *xml = NULL;
	kern_return_t kr, result;

	if (notification != NULL)
		*notification = IO_OBJECT_NULL;
	if (matching != NULL) {
		plist_to_xml(matching, &xml, &xml_len);
		plist_free(matching); /* consumed, as Apple's is */
	}
	if (notifyPort == NULL || notificationType == NULL || notification == NULL || xml == NULL) {
		free(xml);
		return kIOReturnBadArgument;
	}
	r = malloc(sizeof(*r));
	if (r == NULL) {
		free(xml);
		return kIOReturnNoMemory;
	}
	ionl_begin(r, notifyPort->master, IONL_ID_ADD_NOTIFICATION_OOL, notifyPort->port, 1);
	iokl_ool(r, xml, xml_len + 1);
	if (!iokl_string(r, notificationType, sizeof(io_name_t))) {
		kr = kIOReturnBadArgument;
		goto out;
	}
	ionl_reference(r, ref, kIOMatchingCalloutCount);
	kr = iokl_call(r, &out, &out_len);
	if (kr == KERN_SUCCESS && out_len < sizeof(result))
		kr = MIG_TYPE_ERROR;
	if (kr == KERN_SUCCESS) {
		memcpy(&result, out, sizeof(result));
		kr = result != KERN_SUCCESS ? result : iokl_reply_port(r, notification);
	}
out:
	free(xml);
	free(r);
	return kr;
}

kern_return_t
IOServiceAddInterestNotification(IONotificationPortRef notifyPort, io_service_t service,
                                 const char *interestType, IOServiceInterestCallback callback, void *refCon,
                                 io_object_t *notification)
{
	uint64_t ref[kIOInterestCalloutCount] = {0, (uint64_t)(uintptr_t)callback,
	                                         (uint64_t)(uintptr_t)refCon, service};
	struct iokl_req *r;
	const uint8_t *out;
	uint32_t out_len;
	kern_return_t kr;

	if (notification != NULL)
		*notification = IO_OBJECT_NULL;
	if (notifyPort == NULL || interestType == NULL || notification == NULL)
		return kIOReturnBadArgument;
	if ((r = malloc(sizeof(*r))) == NULL)
		return kIOReturnNoMemory;
	ionl_begin(r, service, IONL_ID_ADD_INTEREST, notifyPort->port, 0);
	if (!iokl_string(r, interestType, sizeof(io_name_t))) {
		free(r);
		return kIOReturnBadArgument;
	}
	ionl_reference(r, ref, kIOInterestCalloutCount);
	kr = iokl_call(r, &out, &out_len);
	if (kr == KERN_SUCCESS)
		kr = iokl_reply_port(r, notification);
	free(r);
	return kr;
}

/* ---- connections -------------------------------------------------------------------- */

kern_return_t
IOConnectSetNotificationPort(io_connect_t connect, uint32_t type, mach_port_t port, uintptr_t reference)
{
	struct iokl_req *r;
	const uint8_t *out;
	uint32_t out_len;
	kern_return_t kr;

	if ((r = malloc(sizeof(*r))) == NULL)
		return kIOReturnNoMemory;
	ionl_begin(r, connect, IONL_ID_SET_NOTIFICATION_PORT, port, 0);
	iokl_u32(r, type);
	iokl_u64(r, reference);
	kr = iokl_call(r, &out, &out_len);
	free(r);
	return kr;
}

kern_return_t
IOConnectCallAsyncMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
                         uint64_t *reference, uint32_t referenceCnt, const uint64_t *input, uint32_t inputCnt,
                         const void *inputStruct, size_t inputStructCnt, uint64_t *output,
                         uint32_t *outputCnt, void *outputStruct, size_t *outputStructCnt)
{
	struct iokl_req *r;
	const uint8_t *out;
	uint32_t out_len, inband_room = 0, scalar_room, n, ns;
	uint64_t ool_out = 0, ool_out_size = 0, ool_size;
	kern_return_t kr;

	if (reference == NULL || referenceCnt < 1 || referenceCnt > kOSAsyncRef64Count ||
	    inputCnt > IONL_SCALAR_MAX || (inputCnt > 0 && input == NULL) ||
	    (inputStructCnt > 0 && inputStruct == NULL))
		return kIOReturnBadArgument;
	scalar_room = outputCnt != NULL ? *outputCnt : 0;
	if (scalar_room > 0 && output == NULL)
		return kIOReturnBadArgument;
	if (outputStructCnt != NULL && *outputStructCnt > 0) {
		if (outputStruct == NULL)
			return kIOReturnBadArgument;
		if (*outputStructCnt > IONL_INBAND_MAX) {
			ool_out = (uint64_t)(uintptr_t)outputStruct;
			ool_out_size = *outputStructCnt;
		} else {
			inband_room = (uint32_t)*outputStructCnt;
		}
	}
	if ((r = malloc(sizeof(*r))) == NULL)
		return kIOReturnNoMemory;
	ionl_begin(r, connection, IONL_ID_ASYNC_METHOD, wake_port, 0);
	ionl_reference(r, reference, referenceCnt);
	/* Then io_connect_method's arguments (lib/libkexthost/IOKitLib_connect.c sends the same). */
	iokl_u32(r, selector);
	iokl_u32(r, inputCnt);
	iokl_put(r, input, inputCnt * 8u);
	if (inputStructCnt <= IONL_INBAND_MAX) {
		iokl_bytes(r, inputStruct, (uint32_t)inputStructCnt);
		iokl_u64(r, 0);
		iokl_u64(r, 0);
	} else {
		iokl_bytes(r, NULL, 0);
		iokl_u64(r, (uint64_t)(uintptr_t)inputStruct);
		iokl_u64(r, inputStructCnt);
	}
	iokl_u32(r, inband_room);
	iokl_u32(r, scalar_room);
	iokl_u64(r, ool_out);
	iokl_u64(r, ool_out_size);

	kr = iokl_call(r, &out, &out_len);
	if (kr != KERN_SUCCESS)
		goto out;
	kr = MIG_TYPE_ERROR;
	if (out_len < 4)
		goto out;
	memcpy(&n, out, 4);
	if (n > inband_room || out_len < 4 + ((n + 3u) & ~3u) + 4)
		goto out;
	if (n > 0)
		memcpy(outputStruct, out + 4, n);
	out += 4 + ((n + 3u) & ~3u);
	out_len -= 4 + ((n + 3u) & ~3u);
	memcpy(&ns, out, 4);
	if (ns > scalar_room || out_len != 4 + ns * 8u + 8)
		goto out;
	if (ns > 0)
		memcpy(output, out + 4, ns * 8u);
	memcpy(&ool_size, out + 4 + ns * 8u, 8);
	if (outputCnt != NULL)
		*outputCnt = ns;
	if (outputStructCnt != NULL)
		*outputStructCnt = ool_out != 0 ? (size_t)ool_size : n;
	kr = KERN_SUCCESS;
out:
	free(r);
	return kr;
}

kern_return_t
IOConnectCallAsyncScalarMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
                               uint64_t *reference, uint32_t referenceCnt, const uint64_t *input,
                               uint32_t inputCnt, uint64_t *output, uint32_t *outputCnt)
{
	return IOConnectCallAsyncMethod(connection, selector, wake_port, reference, referenceCnt, input,
	                                inputCnt, NULL, 0, output, outputCnt, NULL, NULL);
}

kern_return_t
IOConnectCallAsyncStructMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
                               uint64_t *reference, uint32_t referenceCnt, const void *inputStruct,
                               size_t inputStructCnt, void *outputStruct, size_t *outputStructCnt)
{
	return IOConnectCallAsyncMethod(connection, selector, wake_port, reference, referenceCnt, NULL, 0,
	                                inputStruct, inputStructCnt, NULL, NULL, outputStruct,
	                                outputStructCnt);
}
