/*
 * ipc_port.c — ports: kernel ports for kernel objects, reference counts,
 * send-right accounting and the no-senders call (see ipc.h for the model
 * and the locking; ipc_space.c has the names).
 *
 * References: every right (an entry's send or receive right, a send right
 * the kernel holds) holds one port reference, a kernel port also holds
 * one for its kernel object until ipc_port_dealloc_kernel; a port is freed
 * when its references reach zero. Dead ports leave their names behind as
 * dead names, converted lazily when the name is next looked at.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <kern/debug.h>
#include <libkern/OSAtomic.h>
#include "osfmk/ipc/ipc_internal.h"

struct ipc_globals ipc;

int
ipc_init(void)
{
	int err;

	if (ipc.lock != NULL)
		return 0;
	ipc.grp = lck_grp_alloc_init("ipc", LCK_GRP_ATTR_NULL);
	ipc.lock = ipc.grp ? lck_mtx_alloc_init(ipc.grp, LCK_ATTR_NULL) : NULL;
	if (ipc.lock == NULL)
		return ENOMEM;
	err = ipc_port_alloc_kernel(IKOT_HOST, NULL, &ipc.host);
	if (err == 0)
		err = ipc_port_alloc_kernel(IKOT_MASTER_DEVICE, NULL, &ipc.master);
	if (err == 0)
		err = ipc_port_alloc_kernel(IKOT_HOST_PRIV, NULL, &ipc.host_priv);
	return err;
}

struct ipc_port *
ipc_host_port(void)
{
	return ipc.host;
}

struct ipc_port *
ipc_host_priv_port(void)
{
	return ipc.host_priv;
}

struct ipc_port *
ipc_master_device_port(void)
{
	return ipc.master;
}

int
ipc_kobject_set_no_senders(uint32_t kotype, ipc_kobject_no_senders_t fn)
{
	if (kotype >= IKOT_MAX)
		return EINVAL;
	ipc.no_senders[kotype] = fn;
	return 0;
}

/* ---- ports --------------------------------------------------------------- */

int
ipc_port_alloc_kernel(uint32_t kotype, void *kobject, struct ipc_port **out)
{
	struct ipc_port *port;

	*out = NULL;
	if (kotype >= IKOT_MAX)
		return EINVAL;
	port = kalloc(sizeof(*port));
	if (port == NULL)
		return ENOMEM;
	*port = (struct ipc_port){
	        .ip_refs = 1, .ip_active = true, .ip_kotype = kotype, .ip_kobject = kobject};
	*out = port;
	return 0;
}

void
ipc_port_reference(struct ipc_port *port)
{
	OSIncrementAtomic((volatile SInt32 *)&port->ip_refs);
}

void
ipc_port_release(struct ipc_port *port)
{
	if (port == NULL)
		return;
	if (OSDecrementAtomic((volatile SInt32 *)&port->ip_refs) == 1)
		kfree(port, sizeof(*port));
}

void
ipc_port_dealloc_kernel(struct ipc_port *port)
{
	lck_mtx_lock(ipc.lock);
	__atomic_store_n(&port->ip_active, false,
	                 __ATOMIC_RELEASE); /* read without the lock by ipc_port_active */
	port->ip_kobject = NULL;
	port->ip_nsrequest = false;
	lck_mtx_unlock(ipc.lock);
	ipc_port_release(port);
}

void
ipc_port_srights_add(struct ipc_port *port)
{
	ipc_lock_assert();
	port->ip_srights++;
	port->ip_mscount++;
	if (port->ip_receiver == NULL)
		port->ip_nsrequest = true;
}

bool
ipc_port_srights_drop(struct ipc_port *port, uint32_t *mscount)
{
	ipc_lock_assert();
	if (port->ip_srights == 0)
		panic("ipc_port_srights_drop: port %p has no send rights", port);
	if (--port->ip_srights > 0 || !port->ip_nsrequest || !port->ip_active)
		return false;
	port->ip_nsrequest = false;
	*mscount = port->ip_mscount;
	ipc_port_reference(port); /* for the call */
	return true;
}

void
ipc_port_no_senders(struct ipc_port *port, uint32_t mscount)
{
	ipc_kobject_no_senders_t fn = port->ip_kotype < IKOT_MAX ? ipc.no_senders[port->ip_kotype] : NULL;

	if (fn != NULL)
		fn(port, mscount);
	ipc_port_release(port);
}

struct ipc_port *
ipc_port_make_send(struct ipc_port *port)
{
	lck_mtx_lock(ipc.lock);
	ipc_port_srights_add(port);
	lck_mtx_unlock(ipc.lock);
	ipc_port_reference(port);
	return port;
}

void
ipc_port_release_send(struct ipc_port *port)
{
	uint32_t ms;
	bool ns;

	if (port == NULL)
		return;
	lck_mtx_lock(ipc.lock);
	ns = ipc_port_srights_drop(port, &ms);
	lck_mtx_unlock(ipc.lock);
	if (ns)
		ipc_port_no_senders(port, ms);
	ipc_port_release(port);
}

void *
ipc_port_kobject(struct ipc_port *port, uint32_t kotype)
{
	void *obj = NULL;

	lck_mtx_lock(ipc.lock);
	if (port->ip_active && port->ip_receiver == NULL && port->ip_kotype == kotype)
		obj = port->ip_kobject;
	lck_mtx_unlock(ipc.lock);
	return obj;
}

uint32_t
ipc_port_kotype(struct ipc_port *port)
{
	/* Without the lock: the receiver changes only from a task's port to none (atomic). */
	return __atomic_load_n(&port->ip_receiver, __ATOMIC_ACQUIRE) == NULL ? port->ip_kotype : IKOT_NONE;
}

bool
ipc_port_active(struct ipc_port *port)
{
	return __atomic_load_n(&port->ip_active, __ATOMIC_ACQUIRE);
}

uint32_t
ipc_port_srights(struct ipc_port *port)
{
	uint32_t n;

	lck_mtx_lock(ipc.lock);
	n = port->ip_srights;
	lck_mtx_unlock(ipc.lock);
	return n;
}

uint32_t
ipc_port_mscount(struct ipc_port *port)
{
	uint32_t n;

	lck_mtx_lock(ipc.lock);
	n = port->ip_mscount;
	lck_mtx_unlock(ipc.lock);
	return n;
}
