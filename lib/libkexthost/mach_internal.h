/*
 * mach_internal.h — what mach.c and mach_notify.c share (private to
 * libkexthost).
 */
#ifndef _LIBKEXTHOST_MACH_INTERNAL_H_
#define _LIBKEXTHOST_MACH_INTERNAL_H_

#include <mach/message.h>

/*
 * A receive-only mach_msg that may wait (no MACH_RCV_TIMEOUT, or a
 * non-zero timeout in ms): receives without waiting in the kernel, and
 * between tries waits on the process's notification descriptor.
 */
mach_msg_return_t kh_mach_msg_wait(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t rcv_size,
                                   mach_port_name_t rcv_name, mach_msg_timeout_t timeout);

/*
 * Empty the notification descriptor's counter before draining ports by
 * hand (IONotificationPortDispatchPending), so that waiters in
 * kh_mach_msg_wait look again instead of missing a message.
 */
void kh_mach_notify_ack(void);

#endif /* _LIBKEXTHOST_MACH_INTERNAL_H_ */
