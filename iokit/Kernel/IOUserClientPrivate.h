/*
 * IOUserClientPrivate.h — what the I/O Kit's Mach side (IOKitMIG_connect.c,
 * IOMachPort.c) needs of a user client beyond the public API: the owner,
 * the calls in progress, close, and the death of the owner.
 *
 * A connect port's last send right going away (the owner closed and
 * released its handle, or exited) is "no more senders". The client's
 * clientDied runs then, or, when calls into the client are still running
 * (a process killed mid-call), when the last of them returns. So
 * clientDied never races a method of the same owner.
 */
#ifndef _IOKIT_KERNEL_IOUSERCLIENTPRIVATE_H_
#define _IOKIT_KERNEL_IOUSERCLIENTPRIVATE_H_

#include <IOKit/IOUserClient.h>

/* Record the task the connect handle was given to (after newUserClient). */
IOReturn iouc_register_owner(IOUserClient *uc, task_t owner);
/*
 * Bracket one call into the client from its owner (io_connect_method and
 * the like). enter fails with kIOReturnNotOpen once the client was closed
 * or its owner has gone.
 */
IOReturn iouc_call_enter(IOUserClient *uc);
void iouc_call_exit(IOUserClient *uc);
/* io_service_close: clientClose once (a second close is logged and ignored). */
IOReturn iouc_close(IOUserClient *uc);
/* The connect port of obj has no senders left (IOMachPort.c's no-senders call). */
void iouc_no_more_senders(OSObject *obj);
/* User clients whose owner has gone but whose clientDied has not run yet (tests). */
unsigned int iouc_dying_count(void);

#endif /* _IOKIT_KERNEL_IOUSERCLIENTPRIVATE_H_ */
