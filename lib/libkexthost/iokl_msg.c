/*
 * iokl_msg.c — IOKitLib's MIG request builder and reply readers, shared by
 * the registry, connection and notification calls (see iokl_msg.h). The
 * kernel is trusted no more than any peer: every reply bound is checked.
 */
#include <string.h>
#include "lib/libkexthost/iokl_msg.h"

static const NDR_record_t iokl_ndr = {.int_rep = NDR_INT_LITTLE_ENDIAN};

void
iokl_begin(struct iokl_req *r, mach_port_t dest, mach_msg_id_t id, unsigned int nports, unsigned int nool)
{
	r->m.head = (mach_msg_header_t){.msgh_remote_port = dest, .msgh_id = id};
	r->len = 0;
	r->doff = sizeof(mach_msg_body_t);
	if (nports + nool > 0) {
		mach_msg_body_t b = {.msgh_descriptor_count = nports + nool};
		r->m.head.msgh_bits = MACH_MSGH_BITS_COMPLEX;
		memcpy(r->m.body, &b, sizeof(b));
		r->len = sizeof(b) + nports * sizeof(mach_msg_port_descriptor_t) +
		         nool * sizeof(mach_msg_ool_descriptor_t);
	}
	memcpy(r->m.body + r->len, &iokl_ndr, sizeof(iokl_ndr));
	r->len += sizeof(iokl_ndr);
}

void
iokl_port(struct iokl_req *r, mach_port_t name, mach_msg_type_name_t disposition)
{
	mach_msg_port_descriptor_t d = {
	        .name = name, .disposition = disposition, .type = MACH_MSG_PORT_DESCRIPTOR};

	memcpy(r->m.body + r->doff, &d, sizeof(d));
	r->doff += sizeof(d);
}

void
iokl_ool(struct iokl_req *r, const void *data, uint32_t size)
{
	mach_msg_ool_descriptor_t d = {.address = (uint64_t)(uintptr_t)data,
	                               .copy = MACH_MSG_PHYSICAL_COPY,
	                               .type = MACH_MSG_OOL_DESCRIPTOR,
	                               .size = size};

	memcpy(r->m.body + r->doff, &d, sizeof(d));
	r->doff += sizeof(d);
}

void
iokl_put(struct iokl_req *r, const void *v, uint32_t n)
{
	if (n > 0)
		memcpy(r->m.body + r->len, v, n);
	r->len += n;
}

void
iokl_u32(struct iokl_req *r, uint32_t v)
{
	iokl_put(r, &v, 4);
}

void
iokl_u64(struct iokl_req *r, uint64_t v)
{
	iokl_put(r, &v, 8);
}

void
iokl_bytes(struct iokl_req *r, const void *p, uint32_t n)
{
	iokl_u32(r, n);
	iokl_put(r, p, n);
	memset(r->m.body + r->len, 0, ((n + 3u) & ~3u) - n);
	r->len += ((n + 3u) & ~3u) - n;
}

int
iokl_string(struct iokl_req *r, const char *s, uint32_t max)
{
	uint32_t n = (uint32_t)strlen(s) + 1;

	if (n > max)
		return 0;
	iokl_bytes(r, s, n);
	return 1;
}

kern_return_t
iokl_call(struct iokl_req *r, const uint8_t **out, uint32_t *out_len)
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
		for (uint32_t i = 0; i < b.msgh_descriptor_count && off < sizeof(r->m.body) - 16; i++) {
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

int
iokl_desc(const struct iokl_req *r, unsigned int idx, mach_msg_port_descriptor_t *port,
          mach_msg_ool_descriptor_t *ool)
{
	mach_msg_body_t b;
	uint32_t off = sizeof(b);

	if (!(r->m.head.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return 0;
	memcpy(&b, r->m.body, sizeof(b));
	for (uint32_t i = 0; i < b.msgh_descriptor_count && off < sizeof(r->m.body) - 16; i++) {
		mach_msg_type_descriptor_t t;
		memcpy(&t, r->m.body + off, sizeof(t));
		if (i == idx) {
			if (t.type == MACH_MSG_PORT_DESCRIPTOR && port != NULL) {
				memcpy(port, r->m.body + off, sizeof(*port));
				return 1;
			}
			if (t.type == MACH_MSG_OOL_DESCRIPTOR && ool != NULL) {
				memcpy(ool, r->m.body + off, sizeof(*ool));
				return 1;
			}
			return 0;
		}
		off += t.type == MACH_MSG_PORT_DESCRIPTOR ? sizeof(mach_msg_port_descriptor_t)
		                                          : sizeof(mach_msg_ool_descriptor_t);
	}
	return 0;
}

kern_return_t
iokl_reply_port(const struct iokl_req *r, mach_port_t *name)
{
	mach_msg_port_descriptor_t d;

	*name = MACH_PORT_NULL;
	if (!iokl_desc(r, 0, &d, NULL))
		return MIG_TYPE_ERROR;
	*name = d.name;
	return KERN_SUCCESS;
}

kern_return_t
iokl_reply_string(const uint8_t *p, uint32_t len, char *buf, uint32_t max)
{
	uint32_t n;

	if (len < 4)
		return MIG_TYPE_ERROR;
	memcpy(&n, p, 4);
	if (n == 0 || n > max || n > len - 4)
		return MIG_TYPE_ERROR;
	memcpy(buf, p + 4, n);
	buf[n - 1] = '\0';
	return KERN_SUCCESS;
}

kern_return_t
iokl_call_scalar(mach_port_t dest, mach_msg_id_t id, void *out, uint32_t size)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;
	kern_return_t kr;

	memset(out, 0, size);
	iokl_begin(&r, dest, id, 0, 0);
	kr = iokl_call(&r, &p, &n);
	if (kr == KERN_SUCCESS && n < size)
		kr = MIG_TYPE_ERROR;
	if (kr == KERN_SUCCESS)
		memcpy(out, p, size);
	return kr;
}
