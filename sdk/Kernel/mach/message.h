/*
 * mach/message.h — Mach messages as a user task sends them (the 64-bit user
 * layout): the header, the body with its descriptors, the option bits of
 * mach_msg and its return codes. Shared by kernel and user code: only
 * <stdint.h> types. In the kernel these are the *user* formats the Mach
 * trap path parses (osfmk/ipc/ipc_kmsg.c) and the form in which the
 * kernel queues its own messages for a task (osfmk/ipc/ipc_mqueue.c).
 *
 *   mach_msg_header_t (24 bytes)
 *     0  msgh_bits         remote disposition | local << 8 | COMPLEX
 *     4  msgh_size         bytes of the whole message
 *     8  msgh_remote_port  destination name
 *    12  msgh_local_port   reply name
 *    16  msgh_voucher_port
 *    20  msgh_id           MIG routine number (replies: + 100)
 *   if COMPLEX: mach_msg_body_t (4 bytes: descriptor count), then each
 *   descriptor: port (12 bytes) or out-of-line memory (16 bytes)
 *   then the inline data (MIG: NDR_record, then the arguments)
 */
#ifndef _MACH_MESSAGE_H_
#define _MACH_MESSAGE_H_

#include <stdint.h>
#include <mach/port.h>
#include <mach/kern_return.h>

typedef unsigned int mach_msg_bits_t;
typedef natural_t mach_msg_size_t;
typedef integer_t mach_msg_id_t;
typedef natural_t mach_msg_timeout_t;
typedef integer_t mach_msg_option_t;
typedef unsigned int mach_msg_type_name_t;
typedef unsigned int mach_msg_descriptor_type_t;
typedef natural_t mach_msg_type_number_t;
typedef kern_return_t mach_msg_return_t;
typedef unsigned int mach_msg_copy_options_t;

#define MACH_MSGH_BITS_ZERO 0x00000000
#define MACH_MSGH_BITS_REMOTE_MASK 0x0000001f
#define MACH_MSGH_BITS_LOCAL_MASK 0x00001f00
#define MACH_MSGH_BITS_VOUCHER_MASK 0x001f0000
#define MACH_MSGH_BITS_COMPLEX 0x80000000U
#define MACH_MSGH_BITS(remote, local) ((remote) | ((local) << 8))
#define MACH_MSGH_BITS_REMOTE(bits) ((bits)&MACH_MSGH_BITS_REMOTE_MASK)
#define MACH_MSGH_BITS_LOCAL(bits) (((bits)&MACH_MSGH_BITS_LOCAL_MASK) >> 8)

/* Port dispositions (how a right travels). */
#define MACH_MSG_TYPE_MOVE_RECEIVE 16
#define MACH_MSG_TYPE_MOVE_SEND 17
#define MACH_MSG_TYPE_MOVE_SEND_ONCE 18
#define MACH_MSG_TYPE_COPY_SEND 19
#define MACH_MSG_TYPE_MAKE_SEND 20
#define MACH_MSG_TYPE_MAKE_SEND_ONCE 21
#define MACH_MSG_TYPE_COPY_RECEIVE 22
#define MACH_MSG_TYPE_PORT_NAME 15
#define MACH_MSG_TYPE_PORT_RECEIVE MACH_MSG_TYPE_MOVE_RECEIVE
#define MACH_MSG_TYPE_PORT_SEND MACH_MSG_TYPE_MOVE_SEND
#define MACH_MSG_TYPE_PORT_SEND_ONCE MACH_MSG_TYPE_MOVE_SEND_ONCE

/* Descriptor types. */
#define MACH_MSG_PORT_DESCRIPTOR 0
#define MACH_MSG_OOL_DESCRIPTOR 1
#define MACH_MSG_OOL_PORTS_DESCRIPTOR 2
#define MACH_MSG_OOL_VOLATILE_DESCRIPTOR 3

#define MACH_MSG_PHYSICAL_COPY 0
#define MACH_MSG_VIRTUAL_COPY 1

typedef struct {
	mach_msg_bits_t msgh_bits;
	mach_msg_size_t msgh_size;
	mach_port_name_t msgh_remote_port;
	mach_port_name_t msgh_local_port;
	mach_port_name_t msgh_voucher_port;
	mach_msg_id_t msgh_id;
} mach_msg_header_t;

typedef struct {
	mach_msg_size_t msgh_descriptor_count;
} mach_msg_body_t;

typedef struct {
	mach_port_name_t name;
	mach_msg_size_t pad1;
	unsigned int pad2 : 16;
	mach_msg_type_name_t disposition : 8;
	mach_msg_descriptor_type_t type : 8;
} mach_msg_port_descriptor_t;

typedef struct {
	uint64_t address;
	unsigned int deallocate : 8;
	mach_msg_copy_options_t copy : 8;
	unsigned int pad1 : 8;
	mach_msg_descriptor_type_t type : 8;
	mach_msg_size_t size;
} __attribute__((packed, aligned(4))) mach_msg_ool_descriptor_t;

/* Every descriptor starts with these fields; type says which one it is. */
typedef struct {
	natural_t pad1;
	mach_msg_size_t pad2;
	unsigned int pad3 : 24;
	mach_msg_descriptor_type_t type : 8;
} mach_msg_type_descriptor_t;

typedef struct {
	mach_msg_header_t header;
	mach_msg_body_t body;
} mach_msg_base_t;

_Static_assert(sizeof(mach_msg_header_t) == 24, "mach_msg_header_t layout");
_Static_assert(sizeof(mach_msg_port_descriptor_t) == 12, "port descriptor layout");
_Static_assert(sizeof(mach_msg_ool_descriptor_t) == 16, "ool descriptor layout");

/* mach_msg options. */
#define MACH_MSG_OPTION_NONE 0x00000000
#define MACH_SEND_MSG 0x00000001
#define MACH_RCV_MSG 0x00000002
#define MACH_SEND_TIMEOUT 0x00000010
#define MACH_RCV_LARGE 0x00000004 /* a message too large for the buffer stays queued */
#define MACH_RCV_TIMEOUT 0x00000100
#define MACH_SEND_ALWAYS 0x00010000 /* kernel senders: pass the queue limit */
#define MACH_MSG_TIMEOUT_NONE ((mach_msg_timeout_t)0)

/* mach_msg return codes. */
#define MACH_MSG_SUCCESS 0x00000000
#define MACH_SEND_IN_PROGRESS 0x10000001
#define MACH_SEND_INVALID_DATA 0x10000002
#define MACH_SEND_INVALID_DEST 0x10000003
#define MACH_SEND_TIMED_OUT 0x10000004
#define MACH_SEND_INTERRUPTED 0x10000007
#define MACH_SEND_MSG_TOO_SMALL 0x10000008
#define MACH_SEND_INVALID_REPLY 0x10000009
#define MACH_SEND_INVALID_RIGHT 0x1000000a
#define MACH_SEND_INVALID_NOTIFY 0x1000000b
#define MACH_SEND_INVALID_MEMORY 0x1000000c
#define MACH_SEND_NO_BUFFER 0x1000000d
#define MACH_SEND_TOO_LARGE 0x1000000e
#define MACH_SEND_INVALID_TYPE 0x1000000f
#define MACH_SEND_INVALID_HEADER 0x10000010
#define MACH_RCV_IN_PROGRESS 0x10004001
#define MACH_RCV_INVALID_NAME 0x10004002
#define MACH_RCV_TIMED_OUT 0x10004003
#define MACH_RCV_TOO_LARGE 0x10004004
#define MACH_RCV_INTERRUPTED 0x10004005
#define MACH_RCV_PORT_CHANGED 0x10004006
#define MACH_RCV_INVALID_NOTIFY 0x10004007
#define MACH_RCV_INVALID_DATA 0x10004008
#define MACH_RCV_PORT_DIED 0x10004009
#define MACH_RCV_HEADER_ERROR 0x1000400b
#define MACH_RCV_BODY_ERROR 0x1000400c

#endif /* _MACH_MESSAGE_H_ */
