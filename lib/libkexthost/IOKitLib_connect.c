/*
 * IOKitLib_connect.c — IOKitLib's connection calls (<IOKit/IOKitLib.h>,
 * "Connections"): IOServiceOpen/Close, IOConnectGetService,
 * IOConnectCallMethod and its scalar/struct forms, IOConnectSetCFProperties,
 * IOConnectAddClient. Each is one MIG request of the `iokit` subsystem;
 * iokit/Kernel/IOKitMIG_connect.c has the table of ids and argument layouts.
 *
 * IOConnectCallMethod sends structures up to 4096 bytes inline and passes
 * larger ones by address: the kernel reads or writes them in this process's
 * memory through a memory descriptor, as Apple's does. A call with scalars
 * only takes the compact form (<kexthost/iokit_call.h>): the same
 * externalMethod without a Mach message around it; a name that is not a
 * connection falls back to the message so its error is Apple's.
 */
#include <stdlib.h>
#include <string.h>
#include <plist/plist.h>
#include <kexthost/kh_mach.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/iokit_call.h>
#include <IOKit/IOKitLib.h>
#include "lib/libkexthost/iokl_msg.h"

#define IOUC_INBAND_MAX 4096 /* io_struct_inband_t */
#define IOUC_SCALAR_MAX 16

enum {
	IOUC_ID_CLOSE = 2816,
	IOUC_ID_GET_SERVICE = 2817,
	IOUC_ID_ADD_CLIENT = 2820,
	IOUC_ID_SET_PROPERTIES = 2821,
	IOUC_ID_OPEN_EXTENDED = 2862,
	IOUC_ID_METHOD = 2865,
};

/* ---- building requests, reading replies: lib/libkexthost/iokl_msg.c ---------------- */

/* ---- open, close ----------------------------------------------------------------- */

static const NDR_record_t iouc_ndr = {.int_rep = NDR_INT_LITTLE_ENDIAN};

/* io_service_open_extended: the connection and the open's own result. */
static kern_return_t
iouc_open(io_service_t service, task_port_t owningTask, uint32_t type, const char *xml, uint32_t xmlLen,
          io_connect_t *connect)
{
	struct iokl_req *r = malloc(sizeof(*r));
	const uint8_t *out;
	uint32_t out_len;
	kern_return_t kr, result;

	*connect = IO_OBJECT_NULL;
	if (r == NULL)
		return kIOReturnNoMemory;
	iokl_begin(r, service, IOUC_ID_OPEN_EXTENDED, 1, xml != NULL ? 1 : 0);
	iokl_port(r, owningTask, MACH_MSG_TYPE_COPY_SEND);
	if (xml != NULL)
		iokl_ool(r, xml, xmlLen);
	iokl_u32(r, type);
	iokl_put(r, &iouc_ndr, sizeof(iouc_ndr)); /* the ndr argument of io_service_open_extended */
	kr = iokl_call(r, &out, &out_len);
	if (kr == KERN_SUCCESS && out_len < sizeof(result))
		kr = MIG_TYPE_ERROR;
	if (kr == KERN_SUCCESS) {
		memcpy(&result, out, sizeof(result));
		kr = iokl_reply_port(r, connect);
		if (kr == KERN_SUCCESS)
			kr = result;
	}
	free(r);
	return kr;
}

kern_return_t
IOServiceOpen(io_service_t service, task_port_t owningTask, uint32_t type, io_connect_t *connect)
{
	if (connect == NULL)
		return kIOReturnBadArgument;
	return iouc_open(service, owningTask, type, NULL, 0, connect);
}

kern_return_t
IOServiceClose(io_connect_t connect)
{
	struct iokl_req r;
	const uint8_t *out;
	uint32_t out_len;
	kern_return_t kr;

	iokl_begin(&r, connect, IOUC_ID_CLOSE, 0, 0);
	kr = iokl_call(&r, &out, &out_len);
	/* The handle goes whatever the kernel said, as Apple's does. */
	(void)kh_mach_port_deallocate(kh_mach_task_self(), connect);
	return kr;
}

kern_return_t
IOConnectAddRef(io_connect_t connect)
{
	return kh_mach_port_mod_refs(kh_mach_task_self(), connect, MACH_PORT_RIGHT_SEND, 1);
}

kern_return_t
IOConnectRelease(io_connect_t connect)
{
	return kh_mach_port_mod_refs(kh_mach_task_self(), connect, MACH_PORT_RIGHT_SEND, -1);
}

kern_return_t
IOConnectGetService(io_connect_t connect, io_service_t *service)
{
	struct iokl_req r;
	const uint8_t *out;
	uint32_t out_len;
	kern_return_t kr;

	if (service == NULL)
		return kIOReturnBadArgument;
	*service = IO_OBJECT_NULL;
	iokl_begin(&r, connect, IOUC_ID_GET_SERVICE, 0, 0);
	kr = iokl_call(&r, &out, &out_len);
	return kr == KERN_SUCCESS ? iokl_reply_port(&r, service) : kr;
}

kern_return_t
IOConnectAddClient(io_connect_t connect, io_connect_t client)
{
	struct iokl_req r;
	const uint8_t *out;
	uint32_t out_len;

	iokl_begin(&r, connect, IOUC_ID_ADD_CLIENT, 1, 0);
	iokl_port(&r, client, MACH_MSG_TYPE_COPY_SEND);
	return iokl_call(&r, &out, &out_len);
}

kern_return_t
IOConnectSetCFProperties(io_connect_t connect, plist_t properties)
{
	struct iokl_req r;
	const uint8_t *out;
	uint32_t out_len, xml_len = 0;
	char *xml = NULL;
	kern_return_t kr, result;

	if (properties == NULL || plist_get_node_type(properties) != PLIST_DICT)
		return kIOReturnBadArgument;
	plist_to_xml(properties, &xml, &xml_len);
	if (xml == NULL)
		return kIOReturnNoMemory;
	iokl_begin(&r, connect, IOUC_ID_SET_PROPERTIES, 0, 1);
	iokl_ool(&r, xml, xml_len + 1); /* with its NUL */
	kr = iokl_call(&r, &out, &out_len);
	free(xml);
	if (kr == KERN_SUCCESS && out_len < sizeof(result))
		kr = MIG_TYPE_ERROR;
	if (kr == KERN_SUCCESS) {
		memcpy(&result, out, sizeof(result));
		kr = result;
	}
	return kr;
}

kern_return_t
IOConnectSetCFProperty(io_connect_t connect, const char *propertyName, plist_t property)
{
	plist_t dict;
	kern_return_t kr;

	if (propertyName == NULL || property == NULL)
		return kIOReturnBadArgument;
	dict = plist_new_dict();
	if (dict == NULL)
		return kIOReturnNoMemory;
	plist_dict_set_item(dict, propertyName, plist_copy(property));
	kr = IOConnectSetCFProperties(connect, dict);
	plist_free(dict);
	return kr;
}

/* ---- methods -------------------------------------------------------------------------- */

/*
 * The compact scalar call. 0 with *kr set, or -1 when the call must go as a
 * Mach message (the name is no connection, or the channel failed: the
 * message path then reports it as Apple's does).
 */
static int
iouc_call_scalars(mach_port_t connection, uint32_t selector, const uint64_t *input, uint32_t inputCnt,
                  uint64_t *output, uint32_t *outputCnt, kern_return_t *kr)
{
	struct khio_call_request rq;
	struct khio_call_reply rp;
	size_t rlen = sizeof(rp);
	uint32_t room = outputCnt != NULL ? *outputCnt : 0, status;

	rq.connect = connection;
	rq.selector = selector;
	rq.scalar_in_count = inputCnt;
	rq.scalar_out_room = room < KHIO_CALL_SCALAR_MAX ? room : KHIO_CALL_SCALAR_MAX;
	if (inputCnt > 0)
		memcpy(rq.scalar_in, input, inputCnt * 8u);
	if (kh_request_small(KHRQ_T_IOCONNECT_CALL, &rq, KHIO_CALL_REQUEST_SIZE(inputCnt), &rp, &rlen,
	                     &status) != 0 ||
	    status != 0)
		return -1;
	if (rlen < KHIO_CALL_REPLY_SIZE(0) || rp.scalar_out_count > rq.scalar_out_room ||
	    rlen != KHIO_CALL_REPLY_SIZE(rp.scalar_out_count)) {
		*kr = MIG_TYPE_ERROR;
		return 0;
	}
	*kr = rp.kr;
	if (*kr != KERN_SUCCESS)
		return 0;
	if (rp.scalar_out_count > 0)
		memcpy(output, rp.scalar_out, rp.scalar_out_count * 8u);
	if (outputCnt != NULL)
		*outputCnt = rp.scalar_out_count;
	return 0;
}

kern_return_t
IOConnectCallMethod(mach_port_t connection, uint32_t selector, const uint64_t *input, uint32_t inputCnt,
                    const void *inputStruct, size_t inputStructCnt, uint64_t *output, uint32_t *outputCnt,
                    void *outputStruct, size_t *outputStructCnt)
{
	struct iokl_req r;
	const uint8_t *out;
	uint32_t out_len, inband_room = 0, scalar_room, n, ns;
	uint64_t ool_out = 0, ool_out_size = 0, ool_size;
	kern_return_t kr;

	if (inputCnt > IOUC_SCALAR_MAX || (inputCnt > 0 && input == NULL) ||
	    (inputStructCnt > 0 && inputStruct == NULL))
		return kIOReturnBadArgument;
	scalar_room = outputCnt != NULL ? *outputCnt : 0;
	if (scalar_room > 0 && output == NULL)
		return kIOReturnBadArgument;
	if (inputStructCnt == 0 && (outputStructCnt == NULL || *outputStructCnt == 0) &&
	    iouc_call_scalars(connection, selector, input, inputCnt, output, outputCnt, &kr) == 0)
		return kr;
	if (outputStructCnt != NULL && *outputStructCnt > 0) {
		if (outputStruct == NULL)
			return kIOReturnBadArgument;
		if (*outputStructCnt > IOUC_INBAND_MAX) {
			ool_out = (uint64_t)(uintptr_t)outputStruct;
			ool_out_size = *outputStructCnt;
		} else {
			inband_room = (uint32_t)*outputStructCnt;
		}
	}

	iokl_begin(&r, connection, IOUC_ID_METHOD, 0, 0);
	iokl_u32(&r, selector);
	iokl_u32(&r, inputCnt);
	iokl_put(&r, input, inputCnt * 8u);
	if (inputStructCnt <= IOUC_INBAND_MAX) {
		iokl_bytes(&r, inputStruct, (uint32_t)inputStructCnt);
		iokl_u64(&r, 0);
		iokl_u64(&r, 0);
	} else {
		iokl_bytes(&r, NULL, 0);
		iokl_u64(&r, (uint64_t)(uintptr_t)inputStruct);
		iokl_u64(&r, inputStructCnt);
	}
	iokl_u32(&r, inband_room);
	iokl_u32(&r, scalar_room);
	iokl_u64(&r, ool_out);
	iokl_u64(&r, ool_out_size);

	kr = iokl_call(&r, &out, &out_len);
	if (kr != KERN_SUCCESS)
		return kr;
	/* inband_output[], scalar_output[], ool_output_size; nothing may exceed the room given. */
	if (out_len < 4)
		return MIG_TYPE_ERROR;
	memcpy(&n, out, 4);
	if (n > inband_room || out_len < 4 + ((n + 3u) & ~3u) + 4)
		return MIG_TYPE_ERROR;
	if (n > 0)
		memcpy(outputStruct, out + 4, n);
	out += 4 + ((n + 3u) & ~3u);
	out_len -= 4 + ((n + 3u) & ~3u);
	memcpy(&ns, out, 4);
	if (ns > scalar_room || out_len != 4 + ns * 8u + 8)
		return MIG_TYPE_ERROR;
	if (ns > 0)
		memcpy(output, out + 4, ns * 8u);
	memcpy(&ool_size, out + 4 + ns * 8u, 8);
	if (outputCnt != NULL)
		*outputCnt = ns;
	if (outputStructCnt != NULL)
		*outputStructCnt = ool_out != 0 ? (size_t)ool_size : n;
	return KERN_SUCCESS;
}

kern_return_t
IOConnectCallScalarMethod(mach_port_t connection, uint32_t selector, const uint64_t *input, uint32_t inputCnt,
                          uint64_t *output, uint32_t *outputCnt)
{
	return IOConnectCallMethod(connection, selector, input, inputCnt, NULL, 0, output, outputCnt, NULL,
	                           NULL);
}

kern_return_t
IOConnectCallStructMethod(mach_port_t connection, uint32_t selector, const void *inputStruct,
                          size_t inputStructCnt, void *outputStruct, size_t *outputStructCnt)
{
	return IOConnectCallMethod(connection, selector, NULL, 0, inputStruct, inputStructCnt, NULL, NULL,
	                           outputStruct, outputStructCnt);
}
