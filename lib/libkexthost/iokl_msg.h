/*
 * iokl_msg.h — building IOKitLib's MIG requests and reading their replies
 * (private to lib/libkexthost: IOKitLib*.c). A request is the header, then,
 * when it carries descriptors, the body count and the descriptors in the
 * order they are added, then the NDR record and the arguments (32/64-bit
 * scalars; a counted byte array or string is a 32-bit count and the bytes
 * padded to 4). The reply lands in the same buffer.
 */
#ifndef _LIBKEXTHOST_IOKL_MSG_H_
#define _LIBKEXTHOST_IOKL_MSG_H_

#include <stdint.h>
#include <plist/plist.h>
#include <kexthost/kh_mach.h>

struct iokl_req {
	struct {
		mach_msg_header_t head;
		uint8_t body[8192]; /* [body, descriptors] NDR, arguments; the reply lands here too */
	} m;
	uint32_t len;  /* bytes after the header */
	uint32_t doff; /* where the next descriptor goes */
};

/* A request to dest for routine id with room for nports port and nool out-of-line descriptors. */
void iokl_begin(struct iokl_req *r, mach_port_t dest, mach_msg_id_t id, unsigned int nports,
                unsigned int nool);
/* Descriptors, in the order the routine's arguments have them. */
void iokl_port(struct iokl_req *r, mach_port_t name, mach_msg_type_name_t disposition);
void iokl_ool(struct iokl_req *r, const void *data, uint32_t size);
/* Arguments. */
void iokl_put(struct iokl_req *r, const void *v, uint32_t n);
void iokl_u32(struct iokl_req *r, uint32_t v);
void iokl_u64(struct iokl_req *r, uint64_t v);
void iokl_bytes(struct iokl_req *r, const void *p, uint32_t n);
/* A string with its NUL; 0 when longer than max. */
int iokl_string(struct iokl_req *r, const char *s, uint32_t max);

/* Send and receive; the reply's outputs (after NDR, and RetCode for a simple reply) at *out. */
kern_return_t iokl_call(struct iokl_req *r, const uint8_t **out, uint32_t *out_len);
/* The reply's idx-th descriptor as a port or an out-of-line region; 0 when it is not that. */
int iokl_desc(const struct iokl_req *r, unsigned int idx, mach_msg_port_descriptor_t *port,
              mach_msg_ool_descriptor_t *ool);
/* The name in the reply's first descriptor, which must be a port. */
kern_return_t iokl_reply_port(const struct iokl_req *r, mach_port_t *name);
/*
 * A routine with no arguments whose reply is one scalar of size bytes
 * (zeroed on failure): the call's result, MIG_TYPE_ERROR for a short reply.
 */
kern_return_t iokl_call_scalar(mach_port_t dest, mach_msg_id_t id, void *out, uint32_t size);
/* A string output (count, bytes) into buf of max bytes. */
kern_return_t iokl_reply_string(const uint8_t *p, uint32_t len, char *buf, uint32_t max);

#endif /* _LIBKEXTHOST_IOKL_MSG_H_ */
