/*
 * ipc.h — Mach ports and port spaces inside the hosted kernel (private to
 * the kernel: osfmk, bsd and iokit use it; kexts don't).
 *
 * A port (struct ipc_port) is a kernel object. Ports the kernel receives
 * on stand for kernel objects (ip_kotype / ip_kobject: the task, the host,
 * I/O Kit objects and connections); a message sent to one of them
 * runs a MIG-style routine at once on the sender's thread and the reply
 * goes straight back (osfmk/ipc/ipc_kmsg.c). Ports a task receives on
 * (mach_reply_port, mach_port_allocate) carry messages the kernel sends
 * to a task (I/O Kit notifications, async results): each such port has a
 * queue (ipc_mqueue.c) the task drains with mach_msg(MACH_RCV_MSG).
 *
 * Each client task has a port space (struct ipc_space): a table of names,
 * each holding rights to one port (send with a user-reference count,
 * receive, or a dead name), plus a reverse hash so that giving a task a
 * send right it already holds reuses its name, as XNU does.
 *
 * Send rights are counted per port (ip_srights: every name holding a send
 * right, and every send right the kernel holds). When the count falls to
 * zero after a send right was made, the port's kernel-object type gets a
 * no-senders call: the I/O Kit releases the object behind a handle when
 * the last handle is gone.
 *
 * Locking: one mutex (ipc_lock) guards every port and space. Port traffic
 * in kexthost is control traffic (opening services, a few calls per
 * connection), and one lock keeps rights transfer between spaces simple.
 * Port reference counts are atomic (released without the lock), and the
 * fields read without it (ip_active, ip_receiver) are stored atomically.
 */
#ifndef _OSFMK_IPC_IPC_H_
#define _OSFMK_IPC_IPC_H_

#include <stdint.h>
#include <stdbool.h>
#include <mach/mach_types.h>
#include <mach/message.h>

/* Kernel-object types (XNU's IKOT_* numbers for the ones that exist there). */
#define IKOT_NONE 0
#define IKOT_THREAD 1
#define IKOT_TASK 2
#define IKOT_HOST 3
#define IKOT_HOST_PRIV 4
#define IKOT_MASTER_DEVICE 11
#define IKOT_IOKIT_IDENT 24
#define IKOT_IOKIT_CONNECT 29
#define IKOT_IOKIT_OBJECT 30
#define IKOT_MAX 64

struct ipc_space;
struct ipc_port;

/* Called (without ipc_lock) when a kernel port's last send right goes; mscount as it was. */
typedef void (*ipc_kobject_no_senders_t)(struct ipc_port *port, uint32_t mscount);

/* Give kernel-object type `kotype` its no-senders handler. 0, EINVAL. */
int ipc_kobject_set_no_senders(uint32_t kotype, ipc_kobject_no_senders_t fn);

/* ---- ports --------------------------------------------------------------- */

/*
 * A port the kernel receives on, standing for `kobject` of type `kotype`.
 * *out holds one kernel reference. 0 or ENOMEM.
 */
int ipc_port_alloc_kernel(uint32_t kotype, void *kobject, struct ipc_port **out);
/*
 * The kernel object is going away: the port turns dead (its names become
 * dead names, messages to it fail with MACH_SEND_INVALID_DEST) and the
 * kernel's reference is dropped.
 */
void ipc_port_dealloc_kernel(struct ipc_port *port);
void ipc_port_reference(struct ipc_port *port);
void ipc_port_release(struct ipc_port *port);
/* A new send right held by the kernel (counts toward no-senders). Returns port. */
struct ipc_port *ipc_port_make_send(struct ipc_port *port);
/* Drop a send right the kernel holds. */
void ipc_port_release_send(struct ipc_port *port);
/* The kernel object of an active port of type kotype, else NULL. */
void *ipc_port_kobject(struct ipc_port *port, uint32_t kotype);
uint32_t ipc_port_kotype(struct ipc_port *port);
bool ipc_port_active(struct ipc_port *port);
/* Extant send rights (for tests and mach_port_get_srights). */
uint32_t ipc_port_srights(struct ipc_port *port);
/* Send rights ever made (a no-senders handler compares it with the count it was given). */
uint32_t ipc_port_mscount(struct ipc_port *port);

/* ---- spaces -------------------------------------------------------------- */

/* Limits of one space. */
#define IPC_SPACE_MAX_NAMES 65536

int ipc_space_create(struct ipc_space **out);
/* Drop every right the space holds (no-senders calls run) and free it. */
void ipc_space_destroy(struct ipc_space *space);

/*
 * Give the space a send right, consuming one kernel-held send right of
 * port (from ipc_port_make_send). If the space already has send rights to
 * the port, the same name gets one more user reference. *name gets the
 * name. KERN_SUCCESS, KERN_NO_SPACE, KERN_UREFS_OVERFLOW (the right is
 * released then).
 */
kern_return_t ipc_space_copyout_send(struct ipc_space *space, struct ipc_port *port, mach_port_name_t *name);
/*
 * The port a name's send right (or receive right) points to, referenced.
 * KERN_INVALID_NAME (no such name), KERN_INVALID_RIGHT (no send or
 * receive right: a dead name gives this, with *port NULL).
 */
kern_return_t ipc_space_lookup(struct ipc_space *space, mach_port_name_t name, struct ipc_port **port);
/*
 * Take one send right out of the space for the kernel (a port descriptor
 * sent with MOVE_SEND or COPY_SEND): *port is a kernel-held send right.
 */
kern_return_t ipc_space_copyin_send(struct ipc_space *space, mach_port_name_t name, bool move,
                                    struct ipc_port **port);

/* mach_port_* on a space (Apple's semantics and return codes). */
kern_return_t ipc_space_allocate_receive(struct ipc_space *space, mach_port_name_t *name);
kern_return_t ipc_space_deallocate(struct ipc_space *space, mach_port_name_t name);
kern_return_t ipc_space_destroy_name(struct ipc_space *space, mach_port_name_t name);
kern_return_t ipc_space_mod_refs(struct ipc_space *space, mach_port_name_t name, mach_port_right_t right,
                                 mach_port_delta_t delta);
kern_return_t ipc_space_get_refs(struct ipc_space *space, mach_port_name_t name, mach_port_right_t right,
                                 mach_port_urefs_t *refs);
kern_return_t ipc_space_type(struct ipc_space *space, mach_port_name_t name, mach_port_type_t *type);
/*
 * Names and types of every right, in name order, in kalloc'ed arrays of
 * *count entries (kfree with *count * sizeof each; NULL when *count is 0).
 */
kern_return_t ipc_space_names(struct ipc_space *space, mach_port_name_t **names, mach_port_type_t **types,
                              uint32_t *count);
/* Number of names in use. */
uint32_t ipc_space_count(struct ipc_space *space);
/*
 * The space's generation: it changes whenever a name of the space loses a
 * right or becomes a dead name. A name -> port pair read with
 * ipc_space_lookup stays true while the generation is unchanged and the
 * port active: a cache can revalidate without the lock (IOUserClientCall.c).
 */
uint32_t ipc_space_generation(struct ipc_space *space);

/* ---- message queues (ipc_mqueue.c) ---------------------------------------- */

/*
 * The most messages one port holds: sends with MACH_SEND_ALWAYS (the
 * kernel's notifications) pass the port's queue limit
 * (MACH_PORT_QLIMIT_DEFAULT) but not this one. XNU's is 65534; kexthost
 * bounds what a task that never receives can make the kernel hold.
 */
#define IPC_MQUEUE_QLIMIT_KERNEL 1024
/* Largest message the kernel queues for a task (header to the end of the data). */
#define IPC_MQUEUE_MAX_MSG 4096
/* Port descriptors in one message the kernel queues. */
#define IPC_MQUEUE_MAX_PORTS 8

/*
 * Queue a message from the kernel on `dest` (a port a task receives on),
 * without blocking. msg is `size` bytes: the header, [the body and its port
 * descriptors], the data; the header's ports and the descriptors' names
 * are ignored. `reply` (a kernel-held send right, or NULL) becomes the
 * received msgh_remote_port, ports[i] (kernel-held send rights, NULL
 * allowed) the i-th port descriptor; every right is consumed, whatever the
 * result. The receiving task's notification descriptor is signalled.
 *   MACH_MSG_SUCCESS        queued
 *   MACH_SEND_INVALID_DEST  dest is dead, or the kernel receives on it
 *   MACH_SEND_TIMED_OUT     the queue is at its limit (the kernel never
 *                           waits for room; XNU's zero-timeout answer)
 *   MACH_SEND_NO_BUFFER     MACH_SEND_ALWAYS, and IPC_MQUEUE_QLIMIT_KERNEL
 *                           messages are queued; or no memory
 *   MACH_SEND_MSG_TOO_SMALL / MACH_SEND_TOO_LARGE / MACH_SEND_INVALID_TYPE
 *                           a malformed message (only port descriptors travel)
 */
mach_msg_return_t ipc_kmsg_send_to_port(struct ipc_port *dest, const void *msg, uint32_t size,
                                        struct ipc_port *reply, struct ipc_port *const *ports,
                                        unsigned int nports, mach_msg_option_t option);
/* Messages queued on a port (tests). */
uint32_t ipc_port_msgcount(struct ipc_port *port);
/*
 * The host eventfd (khost_eventfd_*) to signal when a message is queued on
 * any port the space receives on; the space owns it and closes it when
 * replaced or destroyed. -1: none.
 */
void ipc_space_set_notify_fd(struct ipc_space *space, int fd);

/* ---- the kernel's own ports --------------------------------------------- */

/* The host port (IKOT_HOST) and the I/O Kit master port (IKOT_MASTER_DEVICE). */
struct ipc_port *ipc_host_port(void);
/*
 * The privileged host port (IKOT_HOST_PRIV): what host_self_trap gives a
 * root task, as XNU makes a uid-0 task's host port host_priv. Routines on
 * the host port accept it too (XNU's convert_port_to_host takes both).
 */
struct ipc_port *ipc_host_priv_port(void);
struct ipc_port *ipc_master_device_port(void);
int ipc_init(void);

#endif /* _OSFMK_IPC_IPC_H_ */
