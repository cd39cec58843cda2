/*
 * kexthost/kh_iokit.h — user side of the I/O Kit requests
 * (<kexthost/iokit_request.h>) for ioreg, devctl and tests
 * (lib/libkexthost/iokit.c). Requests and replies are libplist nodes; link
 * -lplist-2.0. Functions return 0 or a Linux errno value.
 */
#ifndef _KEXTHOST_KH_IOKIT_H_
#define _KEXTHOST_KH_IOKIT_H_

#include <stdint.h>
#include <plist/plist.h>
#include <kexthost/iokit_request.h>

/*
 * Send `request` (a plist, sent as XML; NULL sends an empty payload) as a
 * message of `type` to the kernel at $KEXTHOST_SOCKET and parse the reply.
 * On 0, *status is the reply header's status (0, or a Darwin errno such as
 * EPERM or ENOENT) and, when it is 0, *reply the parsed reply (plist_free
 * it). ENOENT: $KEXTHOST_SOCKET is unset; EPROTO: the reply is no plist.
 */
int kh_iokit_call(uint32_t type, plist_t request, plist_t *reply, uint32_t *status);

/* The Darwin errno of a reply status as a Linux errno (for strerror). */
int kh_iokit_errno(uint32_t status);

/* IOReturn's name ("kIOReturnNotFound") for the known codes, else NULL. */
const char *kh_ioreturn_name(int32_t ret);

#endif /* _KEXTHOST_KH_IOKIT_H_ */
