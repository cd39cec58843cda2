/*
 * kexthost/request.h — the wire format of the kernel request channel: how a
 * user process (kextload, kextstat, later every system call) talks to the
 * running hosted kernel. The kernel (bsd/kern/kern_request.c) and the
 * user-side library (lib/libkexthost) both include this header, so it uses
 * only <stdint.h> types.
 *
 * Transport: a Unix-domain SOCK_SEQPACKET socket at
 * <root>/var/run/kexthost.sock (the path `kexthost run` puts in
 * $KEXTHOST_SOCKET). The kernel learns the client's pid/uid/gid from the
 * socket itself (SO_PEERCRED); nothing in a message claims an identity.
 *
 * A message is a header followed by payload_len payload bytes. It travels
 * as one or more packets: the first packet holds the header and up to
 * KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE payload bytes, each further packet holds
 * up to KHRQ_MAX_PACKET of the remaining payload bytes, with no header,
 * until payload_len bytes have arrived. Every packet except the last of a
 * message is exactly KHRQ_MAX_PACKET bytes. The client sends one request and
 * reads its reply before sending the next (one request in flight per
 * connection); a client may keep the connection for many requests.
 *
 * Header (fields in host byte order; both ends run on the same machine):
 *
 *   offset  size  field        meaning
 *   ------  ----  -----------  ---------------------------------------------
 *        0     4  magic        KHRQ_MAGIC
 *        4     2  version      KHRQ_VERSION
 *        6     2  hdr_size     KHRQ_HEADER_SIZE
 *        8     4  type         KHRQ_T_* (what the payload is)
 *       12     4  flags        KHRQ_F_* (KHRQ_F_REPLY on replies)
 *       16     8  request_id   chosen by the client, echoed in the reply
 *       24     4  payload_len  payload bytes (at most KHRQ_MAX_PAYLOAD)
 *       28     4  status       replies: 0, or a Darwin errno when the kernel
 *                              could not handle the request at all (ENOTSUP
 *                              for an unknown type, EPERM, ENOMEM); 0 in
 *                              requests
 *
 * A malformed message (bad magic, version, hdr_size, flags, a payload
 * longer than KHRQ_MAX_PAYLOAD, a short or oversized packet) ends that
 * client's connection; the kernel logs why. A well-formed request of a type
 * the kernel does not know gets a reply with status ENOTSUP (45).
 *
 * Payloads by type:
 *
 *   KHRQ_T_PING          request: any bytes; reply: the same bytes.
 *   KHRQ_T_KEXT_REQUEST  request: a property list (XML or binary) holding a
 *                        dictionary shaped like XNU's kext_request: the
 *                        predicate under "Kext Request Predicate" and its
 *                        arguments under "Kext Request Arguments" (keys in
 *                        <kexthost/kext_request.h>).
 *                        reply: struct khrq_kext_reply, then xml_len bytes of
 *                        an XML property list (the response object; none
 *                        when xml_len is 0), then log_len bytes of text: the
 *                        kernel log lines written while the kernel handled
 *                        the request, each ending in '\n'.
 *
 * Type numbers below 0x100 are the kext system's; the user/kernel boundary
 * will add its own ranges.
 */
#ifndef _KEXTHOST_REQUEST_H_
#define _KEXTHOST_REQUEST_H_

#include <stdint.h>

#define KHRQ_MAGIC 0x5152484bU /* "KHRQ" read as little-endian bytes */
#define KHRQ_VERSION 1
#define KHRQ_HEADER_SIZE 32

/* Largest packet either side sends or accepts. */
#define KHRQ_MAX_PACKET (64u * 1024u)
/* Largest payload of one message. */
#define KHRQ_MAX_PAYLOAD (16u * 1024u * 1024u)

/* Socket file under the kernel root. */
#define KHRQ_SOCKET_PATH "var/run/kexthost.sock"
/* Environment variable naming the socket (set by `kexthost run`). */
#define KHRQ_SOCKET_ENV "KEXTHOST_SOCKET"

/* Message types. */
#define KHRQ_T_PING 1
#define KHRQ_T_KEXT_REQUEST 2

/* Header flags. */
#define KHRQ_F_REPLY 0x1

struct khrq_header {
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_size;
	uint32_t type;
	uint32_t flags;
	uint64_t request_id;
	uint32_t payload_len;
	uint32_t status;
};

/* Start of a KHRQ_T_KEXT_REQUEST reply's payload. */
struct khrq_kext_reply {
	int32_t result;   /* OSReturn: kOSReturnSuccess (0) or a kOSKextReturn* code */
	uint32_t xml_len; /* bytes of XML response after this struct */
	uint32_t log_len; /* bytes of log text after the XML */
	uint32_t reserved;
};

#define KHRQ_KEXT_REPLY_SIZE 16

_Static_assert(sizeof(struct khrq_header) == KHRQ_HEADER_SIZE, "request header layout");
_Static_assert(sizeof(struct khrq_kext_reply) == KHRQ_KEXT_REPLY_SIZE, "kext reply layout");

#endif /* _KEXTHOST_REQUEST_H_ */
