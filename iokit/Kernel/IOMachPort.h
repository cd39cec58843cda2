/*
 * IOMachPort.h — I/O Kit objects as Mach ports (private to the kernel):
 * the handles user processes hold (io_object_t, io_iterator_t,
 * io_registry_entry_t, io_service_t, later io_connect_t).
 */
#ifndef _IOKIT_IOMACHPORT_H
#define _IOKIT_IOMACHPORT_H

#include <libkern/c/OSObject.h>
#include "osfmk/ipc/ipc.h"

/*
 * A send right to obj's port of kind kotype (IKOT_IOKIT_OBJECT or
 * IKOT_IOKIT_CONNECT), made for giving to a task (mig_reply_port consumes
 * it). While any send right exists, the port holds a retain on obj. NULL
 * when obj is NULL or memory runs out.
 */
struct ipc_port *iokit_make_object_port(OSObject *obj, uint32_t kotype);
/* The object behind a port of kind kotype, retained (release it); NULL for another kind or a dead port. */
OSObject *iokit_lookup_object_port(struct ipc_port *port, uint32_t kotype);
/* Ports that currently exist (tests: every handle a dead process held is gone). */
unsigned int iokit_port_count(void);
int iokit_mach_port_init(void);

#endif /* _IOKIT_IOMACHPORT_H */
