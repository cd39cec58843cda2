/*
 * IOMachPort.c — one Mach port per (I/O Kit object, kind), made the first
 * time a task is given a handle to the object and destroyed when the last
 * send right to it goes (the no-senders call), as XNU's IOMachPort does.
 * The table's entry holds a retain on the object, so a handle keeps its
 * object alive; when a process exits, its space is destroyed, its send
 * rights go, and the objects it held are released.
 *
 * A no-senders call can race a new handle to the same object: the call
 * carries the make-send count it saw, and the entry goes only if no send
 * right was made since (counted under the table lock, which every
 * iokit_make_object_port holds while making one).
 */
#include <sys/systm.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOUserNotification.h"
#include "iokit/Kernel/IOUserClientPrivate.h"

struct iomp_entry {
	struct iomp_entry *next;
	OSObject *obj;
	uint32_t kotype;
	struct ipc_port *port;
};

#define IOMP_BUCKETS 1024

static struct {
	lck_grp_t *grp;
	lck_mtx_t *lock;
	struct iomp_entry *bucket[IOMP_BUCKETS];
	unsigned int count;
} iomp;

static inline unsigned int
iomp_hash(const OSObject *obj, uint32_t kotype)
{
	uint64_t h = ((uint64_t)(uintptr_t)obj ^ kotype) * 0x9e3779b97f4a7c15ull;
	return (unsigned int)(h >> 54) & (IOMP_BUCKETS - 1);
}

static void
iomp_no_senders(struct ipc_port *port, uint32_t mscount)
{
	void *kobj;
	uint32_t kotype = ipc_port_kotype(port);
	struct iomp_entry **link, *e = NULL;

	lck_mtx_lock(iomp.lock);
	kobj = ipc_port_kobject(port, kotype);
	if (kobj == NULL || ipc_port_mscount(port) != mscount) {
		lck_mtx_unlock(iomp.lock); /* a new handle was made meanwhile: a later call will come */
		return;
	}
	for (link = &iomp.bucket[iomp_hash(kobj, kotype)]; *link != NULL; link = &(*link)->next) {
		if ((*link)->port == port) {
			e = *link;
			*link = e->next;
			iomp.count--;
			break;
		}
	}
	lck_mtx_unlock(iomp.lock);
	if (e == NULL)
		return;
	ipc_port_dealloc_kernel(e->port);
	if (e->kotype == IKOT_IOKIT_CONNECT)
		iouc_no_more_senders(e->obj); /* the owner is gone: clientDied (IOUserClient.c) */
	if (e->kotype == IKOT_IOKIT_OBJECT)
		iokit_user_notification_no_senders(e->obj); /* a notification handle: end it */
	OSObject_release(e->obj);
	kfree(e, sizeof(*e));
}

int
iokit_mach_port_init(void)
{
	if (iomp.lock != NULL)
		return 0;
	iomp.grp = lck_grp_alloc_init("IOMachPort", LCK_GRP_ATTR_NULL);
	iomp.lock = iomp.grp ? lck_mtx_alloc_init(iomp.grp, LCK_ATTR_NULL) : NULL;
	if (iomp.lock == NULL)
		return ENOMEM;
	ipc_kobject_set_no_senders(IKOT_IOKIT_OBJECT, iomp_no_senders);
	ipc_kobject_set_no_senders(IKOT_IOKIT_CONNECT, iomp_no_senders);
	return 0;
}

struct ipc_port *
iokit_make_object_port(OSObject *obj, uint32_t kotype)
{
	struct iomp_entry *e;
	struct ipc_port *port = NULL;
	unsigned int b;

	if (obj == NULL || iomp.lock == NULL)
		return NULL;
	b = iomp_hash(obj, kotype);
	lck_mtx_lock(iomp.lock);
	for (e = iomp.bucket[b]; e != NULL; e = e->next) {
		if (e->obj == obj && e->kotype == kotype)
			break;
	}
	if (e == NULL) {
		e = kalloc(sizeof(*e));
		if (e == NULL || ipc_port_alloc_kernel(kotype, obj, &e->port) != 0) {
			if (e != NULL)
				kfree(e, sizeof(*e));
			lck_mtx_unlock(iomp.lock);
			return NULL;
		}
		e->obj = obj;
		e->kotype = kotype;
		OSObject_retain(obj);
		e->next = iomp.bucket[b];
		iomp.bucket[b] = e;
		iomp.count++;
	}
	port = ipc_port_make_send(e->port);
	lck_mtx_unlock(iomp.lock);
	return port;
}

OSObject *
iokit_lookup_object_port(struct ipc_port *port, uint32_t kotype)
{
	OSObject *obj;

	if (port == NULL)
		return NULL;
	lck_mtx_lock(iomp.lock);
	obj = ipc_port_kobject(port, kotype);
	if (obj != NULL)
		OSObject_retain(obj);
	lck_mtx_unlock(iomp.lock);
	return obj;
}

unsigned int
iokit_port_count(void)
{
	return iomp.count;
}
