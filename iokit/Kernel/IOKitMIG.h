/*
 * IOKitMIG.h — what the iokit MIG routine files share (private): the user
 * client behind a connect port, descriptors over the caller's memory, and
 * io_connect_method's argument decoding and call, which the async form
 * (IOKitMIG_notify.c) reuses after its reference.
 */
#ifndef _IOKIT_IOKITMIG_H
#define _IOKIT_IOKITMIG_H

#include <IOKit/IOUserClient.h>
#include <IOKit/IOMemoryDescriptor.h>
#include <IOKit/OSMessageNotification.h>
#include "osfmk/ipc/mig.h"

/* The user client behind the destination (a connect port), retained; NULL for anything else. */
IOUserClient *iokit_mig_connect_client(struct mig_request *req);
/*
 * A descriptor over a structure in the caller's memory (kIODirectionOut: the
 * method reads it; kIODirectionIn: it writes it); *md NULL for address 0.
 */
IOReturn iokit_mig_user_descriptor(struct mig_request *req, uint64_t address, uint64_t size,
                                   IOOptionBits direction, IOMemoryDescriptor **md);
/*
 * io_connect_method's arguments from rd (scalars, inband and out-of-line
 * input, output rooms) and the call. ref non-NULL: the async form, with
 * its wake port (the request's one port descriptor) and refCnt reference
 * words; on success the method owns the wake port right.
 */
kern_return_t iokit_mig_connect_method(struct mig_request *req, struct mig_reply *rep, struct mig_reader *rd,
                                       struct ipc_port *wake, io_user_reference_t *ref, uint32_t refCnt);

#endif /* _IOKIT_IOKITMIG_H */
