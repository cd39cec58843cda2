/*
 * kexthost/iokit_call.h — the compact user-client call (KHRQ_T_IOCONNECT_CALL,
 * framed as <kexthost/request.h>, usually through the shared ring): what
 * IOConnectCallMethod sends when a call carries scalars only (no structures,
 * no async reference). It is io_connect_method without the Mach message:
 * the same checks and the same externalMethod, so a driver cannot tell the
 * two apart; the library falls back to the Mach message for everything else.
 * Shared by the kernel (iokit/Kernel/IOUserClientCall.c) and libkexthost;
 * only <stdint.h> types.
 *
 * Request (16 + 8 * scalar_in_count bytes, nothing else):
 *   offset  size  field
 *   ------  ----  -----------------------------------------------------
 *   0       4     connect           the connection's name in the caller's
 *                                   port space (an io_connect_t)
 *   4       4     selector
 *   8       4     scalar_in_count   0..KHIO_CALL_SCALAR_MAX
 *   12      4     scalar_out_room   0..KHIO_CALL_SCALAR_MAX
 *   16      8*n   scalar_in[]
 * Reply (header status 0; 8 + 8 * scalar_out_count bytes):
 *   0       4     kr                the IOReturn of the call
 *   4       4     scalar_out_count  ≤ scalar_out_room
 *   8       8*n   scalar_out[]
 * Header status: 0; KHIO_CALL_NOT_CONNECT (ESRCH) when the name is not a
 * kernel user-client connection of the caller — the library then sends
 * io_connect_method, whose answer (MACH_SEND_INVALID_DEST, MIG_BAD_ID,
 * kIOReturnBadArgument ...) is the one Apple's IOKitLib gives; EINTR when
 * the process is exiting. A request whose sizes don't add up is malformed
 * (the connection closes).
 */
#ifndef _KEXTHOST_IOKIT_CALL_H_
#define _KEXTHOST_IOKIT_CALL_H_

#include <stdint.h>

#define KHRQ_T_IOCONNECT_CALL 0x202
#define KHIO_CALL_SCALAR_MAX 16
#define KHIO_CALL_NOT_CONNECT 3 /* ESRCH: not a connection; use the Mach message */

struct khio_call_request {
	uint32_t connect;
	uint32_t selector;
	uint32_t scalar_in_count;
	uint32_t scalar_out_room;
	uint64_t scalar_in[KHIO_CALL_SCALAR_MAX]; /* only scalar_in_count travel */
};

struct khio_call_reply {
	int32_t kr;
	uint32_t scalar_out_count;
	uint64_t scalar_out[KHIO_CALL_SCALAR_MAX]; /* only scalar_out_count travel */
};

#define KHIO_CALL_REQUEST_SIZE(n) (16u + 8u * (n))
#define KHIO_CALL_REPLY_SIZE(n) (8u + 8u * (n))

#endif /* _KEXTHOST_IOKIT_CALL_H_ */
