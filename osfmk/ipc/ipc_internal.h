/*
 * ipc_internal.h — what ipc_port.c, ipc_space.c and ipc_kmsg.c share: the
 * port and space structures and the one IPC lock (see ipc.h).
 */
#ifndef _OSFMK_IPC_IPC_INTERNAL_H_
#define _OSFMK_IPC_IPC_INTERNAL_H_

#include <kern/locks.h>
#include "osfmk/ipc/ipc.h"

struct ipc_port {
	uint32_t ip_refs;
	bool ip_active;
	uint32_t ip_kotype;
	void *ip_kobject;
	uint32_t ip_srights;           /* extant send rights */
	uint32_t ip_mscount;           /* send rights ever made */
	bool ip_nsrequest;             /* a no-senders call is due when srights reaches 0 */
	struct ipc_space *ip_receiver; /* NULL: the kernel receives */
	/* Messages queued for a task receiver (ipc_mqueue.c), oldest first. */
	struct ipc_kmsg *ip_msgs, *ip_msgs_tail;
	uint32_t ip_msgcount;
	uint32_t ip_qlimit; /* 0: MACH_PORT_QLIMIT_DEFAULT */
};

struct ipc_entry {
	struct ipc_port *ie_port; /* NULL: free */
	uint32_t ie_bits;         /* MACH_PORT_TYPE_* rights held */
	uint32_t ie_urefs;        /* user references of send rights / a dead name */
	uint32_t ie_gen;          /* generation byte of the name */
	uint32_t ie_next;         /* free list (free entries) */
	uint32_t ie_hnext;        /* hash chain (entries with a port), 0 ends */
};

struct ipc_space {
	struct ipc_entry *is_table;
	uint32_t is_size;  /* entries in the table */
	uint32_t is_free;  /* first free entry, 0 when none */
	uint32_t is_count; /* names in use */
	uint32_t *is_hash; /* is_size buckets of entry indices (0 ends) */
	int is_notify_fd;  /* host eventfd signalled when a message is queued for the space, -1: none */
	uint32_t is_gen;   /* bumped when a name loses a right (ipc_space_generation) */
};

struct ipc_globals {
	lck_grp_t *grp;
	lck_mtx_t *lock;
	ipc_kobject_no_senders_t no_senders[IKOT_MAX];
	struct ipc_port *host, *master;
	struct ipc_port *host_priv; /* root tasks' host port (IKOT_HOST_PRIV) */
};
extern struct ipc_globals ipc;

#define IE_GEN_STEP 4u
#define IE_GEN_FIRST 3u

static inline void
ipc_lock_assert(void)
{
	lck_mtx_assert(ipc.lock, LCK_MTX_ASSERT_OWNED);
}

/* Count a new send right (ipc lock held). */
void ipc_port_srights_add(struct ipc_port *port);
/*
 * One send right fewer (ipc lock held). Returns true when a no-senders call
 * is due: the caller makes it with ipc_port_no_senders(port, *mscount)
 * after dropping the lock (that call also drops the reference taken here).
 */
bool ipc_port_srights_drop(struct ipc_port *port, uint32_t *mscount);
void ipc_port_no_senders(struct ipc_port *port, uint32_t mscount);

/*
 * The receive right of port is going away (ipc lock held): its queued
 * messages move to a dead list; ipc_mqueue_reap() frees them (and the
 * rights they carry) once the caller has dropped the lock.
 */
void ipc_mqueue_detach_locked(struct ipc_port *port);
void ipc_mqueue_reap(void);

#endif /* _OSFMK_IPC_IPC_INTERNAL_H_ */
