/*
 * IOKitLib_connect.c — IOKitLib's connection calls (<IOKit/IOKitLib.h>,
 * "Connections"): IOServiceOpen/Close, IOConnectGetService,
 * IOConnectCallMethod and its scalar/struct forms, IOConnectSetCFProperties,
 * IOConnectAddClient. Each is one MIG request of the `iokit` subsystem;
 * iokit/Kernel/IOKitMIG_connect.c has the table of ids and argument layouts.
 *
 * IOConnectCallMethod sends structures up to 4096 bytes inline and passes
 * larger ones by address: the kernel reads or writes them in this process's
 * memory through a memory descriptor, as Apple's does.
 */
#include <stdlib.h>
#include <string.h>
#include <plist/plist.h>
#include <kexthost/kh_mach.h>
#include <IOKit/IOKitLib.h>

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

/* ---- building requests, reading replies (the pattern of IOKitLib.c, plus port descriptors) ---- */

struct iouc_msg {
	mach_msg_header_t head;
	uint8_t body[8192]; /* [body, descriptors] NDR, arguments; the reply lands here too */
};

struct iouc_req {
	struct iouc_msg m;
	uint32_t len;   /* bytes after the header */
	uint32_t ndesc; /* descriptors already placed */
};

static const NDR_record_t iouc_ndr = {.int_rep = NDR_INT_LITTLE_ENDIAN};

/* A request to dest for routine id with room for ndesc descriptors (placed with iouc_port/iouc_ool). */
static void
iouc_begin(struct iouc_req *r, mach_port_t dest, mach_msg_id_t id, unsigned int nports, unsigned int nool)
{
	r->m.head = (mach_msg_header_t){.msgh_remote_port = dest, .msgh_id = id};
	r->len = 0;
	r->ndesc = 0;
	if (nports + nool > 0) {
		mach_msg_body_t b = {.msgh_descriptor_count = nports + nool};
		r->m.head.msgh_bits = MACH_MSGH_BITS_COMPLEX;
		memcpy(r->m.body, &b, sizeof(b));
		r->len = sizeof(b) + nports * sizeof(mach_msg_port_descriptor_t) +
		         nool * sizeof(mach_msg_ool_descriptor_t);
	}
	memcpy(r->m.body + r->len, &iouc_ndr, sizeof(iouc_ndr));
	r->len += sizeof(iouc_ndr);
}

/* Descriptors go in order: ports first, then out-of-line regions (every caller here). */
static uint32_t
iouc_desc_off(const struct iouc_req *r)
{
	return sizeof(mach_msg_body_t) + r->ndesc * sizeof(mach_msg_port_descriptor_t);
}

static void
iouc_port(struct iouc_req *r, mach_port_t name, mach_msg_type_name_t disposition)
{
	mach_msg_port_descriptor_t d = {
	        .name = name, .disposition = disposition, .type = MACH_MSG_PORT_DESCRIPTOR};

	memcpy(r->m.body + iouc_desc_off(r), &d, sizeof(d));
	r->ndesc++;
}

static void
iouc_ool(struct iouc_req *r, const void *data, uint32_t size)
{
	mach_msg_ool_descriptor_t d = {.address = (uint64_t)(uintptr_t)data,
	                               .copy = MACH_MSG_PHYSICAL_COPY,
	                               .type = MACH_MSG_OOL_DESCRIPTOR,
	                               .size = size};

	memcpy(r->m.body + iouc_desc_off(r), &d, sizeof(d));
	r->ndesc++;
}

static void
iouc_put(struct iouc_req *r, const void *v, uint32_t n)
{
	if (n > 0)
		memcpy(r->m.body + r->len, v, n);
	r->len += n;
}

static void
iouc_u32(struct iouc_req *r, uint32_t v)
{
	iouc_put(r, &v, 4);
}

static void
iouc_u64(struct iouc_req *r, uint64_t v)
{
	iouc_put(r, &v, 8);
}

/* A counted byte array, padded to 4. */
static void
iouc_bytes(struct iouc_req *r, const void *p, uint32_t n)
{
	iouc_u32(r, n);
	if (n > 0)
		memcpy(r->m.body + r->len, p, n);
	memset(r->m.body + r->len + n, 0, ((n + 3u) & ~3u) - n);
	r->len += (n + 3u) & ~3u;
}

/* Send and receive; the reply's data (after NDR, and RetCode for a simple reply) at *out. */
static kern_return_t
iouc_call(struct iouc_req *r, const uint8_t **out, uint32_t *out_len)
{
	kern_return_t kr;
	uint32_t off, size;

	kr = kh_mig_call(&r->m.head, (mach_msg_size_t)(sizeof(r->m.head) + r->len), &r->m.head, sizeof(r->m));
	if (kr != KERN_SUCCESS)
		return kr;
	size = r->m.head.msgh_size;
	if (r->m.head.msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		mach_msg_body_t b;
		memcpy(&b, r->m.body, sizeof(b));
		off = sizeof(b);
		for (uint32_t i = 0; i < b.msgh_descriptor_count && off < sizeof(r->m.body); i++) {
			mach_msg_type_descriptor_t t;
			memcpy(&t, r->m.body + off, sizeof(t));
			off += t.type == MACH_MSG_PORT_DESCRIPTOR ? sizeof(mach_msg_port_descriptor_t)
			                                          : sizeof(mach_msg_ool_descriptor_t);
		}
		off += sizeof(NDR_record_t);
	} else {
		off = sizeof(NDR_record_t) + sizeof(kern_return_t);
	}
	if (size < sizeof(r->m.head) + off || size > sizeof(r->m))
		return MIG_TYPE_ERROR;
	*out = r->m.body + off;
	*out_len = size - (uint32_t)sizeof(r->m.head) - off;
	return KERN_SUCCESS;
}

/* The port name of the reply's first descriptor, which must be a port. */
static kern_return_t
iouc_reply_port(const struct iouc_req *r, mach_port_t *name)
{
	mach_msg_body_t b;
	mach_msg_port_descriptor_t d;

	*name = MACH_PORT_NULL;
	if (!(r->m.head.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return MIG_TYPE_ERROR;
	memcpy(&b, r->m.body, sizeof(b));
	memcpy(&d, r->m.body + sizeof(b), sizeof(d));
	if (b.msgh_descriptor_count < 1 || d.type != MACH_MSG_PORT_DESCRIPTOR)
		return MIG_TYPE_ERROR;
	*name = d.name;
	return KERN_SUCCESS;
}

/* ---- open, close ----------------------------------------------------------------- */

/* io_service_open_extended: the connection and the open's own result. */
static kern_return_t
iouc_open(io_service_t service, task_port_t owningTask, uint32_t type, const char *xml, uint32_t xmlLen,
          io_connect_t *connect)
{
	struct iouc_req *r = malloc(sizeof(*r));
	const uint8_t *out;
	uint32_t out_len;
	kern_return_t kr, result;

	*connect = IO_OBJECT_NULL;
	if (r == NULL)
		return kIOReturnNoMemory;
	iouc_begin(r, service, IOUC_ID_OPEN_EXTENDED, 1, xml != NULL ? 1 : 0);
	iouc_port(r, owningTask, MACH_MSG_TYPE_COPY_SEND);
	if (xml != NULL)
		iouc_ool(r, xml, xmlLen);
	iouc_u32(r, type);
	iouc_put(r, &iouc_ndr, sizeof(iouc_ndr));
	kr = iouc_call(r, &out, &out_len);
	if (kr == KERN_SUCCESS && out_len < sizeof(result))
		kr = MIG_TYPE_ERROR;
	if (kr == KERN_SUCCESS) {
		memcpy(&result, out, sizeof(result));
		kr = iouc_reply_port(r, connect);
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
	struct iouc_req r;
	const uint8_t *out;
	uint32_t out_len;
	kern_return_t kr;

	iouc_begin(&r, connect, IOUC_ID_CLOSE, 0, 0);
	kr = iouc_call(&r, &out, &out_len);
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
	struct iouc_req r;
	const uint8_t *out;
	uint32_t out_len;
	kern_return_t kr;

	if (service == NULL)
		return kIOReturnBadArgument;
	*service = IO_OBJECT_NULL;
	iouc_begin(&r, connect, IOUC_ID_GET_SERVICE, 0, 0);
	kr = iouc_call(&r, &out, &out_len);
	return kr == KERN_SUCCESS ? iouc_reply_port(&r, service) : kr;
}

kern_return_t
IOConnectAddClient(io_connect_t connect, io_connect_t client)
{
	struct iouc_req r;
	const uint8_t *out;
	uint32_t out_len;

	iouc_begin(&r, connect, IOUC_ID_ADD_CLIENT, 1, 0);
	iouc_port(&r, client, MACH_MSG_TYPE_COPY_SEND);
	return iouc_call(&r, &out, &out_len);
}

kern_return_t
IOConnectSetCFProperties(io_connect_t connect, plist_t properties)
{
	struct iouc_req r;
	const uint8_t *out;
	uint32_t out_len, xml_len = 0;
	char *xml = NULL;
	kern_return_t kr, result;

	if (properties == NULL || plist_get_node_type(properties) != PLIST_DICT)
		return kIOReturnBadArgument;
	plist_to_xml(properties, &xml, &xml_len);
	if (xml == NULL)
		return kIOReturnNoMemory;
	iouc_begin(&r, connect, IOUC_ID_SET_PROPERTIES, 0, 1);
	iouc_ool(&r, xml, xml_len + 1); /* with its NUL */
	kr = iouc_call(&r, &out, &out_len);
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

kern_return_t
IOConnectCallMethod(mach_port_t connection, uint32_t selector, const uint64_t *input, uint32_t inputCnt,
                    const void *inputStruct, size_t inputStructCnt, uint64_t *output, uint32_t *outputCnt,
                    void *outputStruct, size_t *outputStructCnt)
{
	struct iouc_req r;
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

	iouc_begin(&r, connection, IOUC_ID_METHOD, 0, 0);
	iouc_u32(&r, selector);
	iouc_u32(&r, inputCnt);
	iouc_put(&r, input, inputCnt * 8u);
	if (inputStructCnt <= IOUC_INBAND_MAX) {
		iouc_bytes(&r, inputStruct, (uint32_t)inputStructCnt);
		iouc_u64(&r, 0);
		iouc_u64(&r, 0);
	} else {
		iouc_bytes(&r, NULL, 0);
		iouc_u64(&r, (uint64_t)(uintptr_t)inputStruct);
		iouc_u64(&r, inputStructCnt);
	}
	iouc_u32(&r, inband_room);
	iouc_u32(&r, scalar_room);
	iouc_u64(&r, ool_out);
	iouc_u64(&r, ool_out_size);

	kr = iouc_call(&r, &out, &out_len);
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
