/*
 * IOUserNotification.h — notifications for user tasks (private to the
 * kernel): the objects behind the io_object_t a task gets from
 * io_service_add_notification / io_service_add_interest_notification
 * (IOUserNotification.c), and the interest lists of services
 * (IOServiceInterest.c).
 */
#ifndef _IOKIT_IOUSERNOTIFICATION_H
#define _IOKIT_IOUSERNOTIFICATION_H

#include <IOKit/IOService.h>
#include <IOKit/OSMessageNotification.h>
#include "osfmk/ipc/ipc.h"

/*
 * A matching notification for a task: `type` a notification name
 * (kIOPublishNotification ...), wake a kernel-held send right to the
 * task's port, reference refCnt (<= 8) 64-bit words echoed in each
 * message. On success *notification is the new notification (retained,
 * an OSIterator of the services not yet taken) and wake belongs to it; on
 * failure the caller keeps wake. kIOReturnBadArgument for an unknown type
 * or too long a reference.
 */
IOReturn iokit_user_add_matching_notification(const char *type, OSDictionary *matching, struct ipc_port *wake,
                                              const io_user_reference_t *ref, uint32_t refCnt,
                                              OSObject **notification);
/* An interest notification on service (type kIOGeneralInterest), the same way. */
IOReturn iokit_user_add_interest_notification(IOService *service, const char *type, struct ipc_port *wake,
                                              const io_user_reference_t *ref, uint32_t refCnt,
                                              OSObject **notification);
/*
 * The last handle to obj went (IOMachPort.c's no-senders): if obj is a user
 * notification, its notifier is removed, which ends the notification.
 */
void iokit_user_notification_no_senders(OSObject *obj);

/* Call the interest handlers of service for type (IOServiceInterest.c). */
void iosvc_interest_message(IOService *service, const OSSymbol *type, UInt32 messageType, void *argument,
                            vm_size_t argSize);
/* Call fn(ctx, index, handler, target, ref) for each enabled notifier of type on service, in
 * registration order, with remove() waiting as for messages; returns how many were called. */
typedef void (*iosvc_interest_applier)(void *ctx, unsigned int index, IOServiceInterestHandler handler,
                                       void *target, void *ref);
unsigned int iosvc_interest_apply(IOService *service, const OSSymbol *type, iosvc_interest_applier fn,
                                  void *ctx);
/* Interest notifiers registered on service (NULL: on every service), for tests. */
unsigned int iosvc_interest_count(IOService *service);

#endif /* _IOKIT_IOUSERNOTIFICATION_H */
