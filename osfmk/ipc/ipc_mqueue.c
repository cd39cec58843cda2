/*
 * ipc_mqueue.c — messages the kernel sends to ports a task receives on
 * (the wake port of an I/O Kit notification, the reply port of an async
 * call), and their receipt with mach_msg(MACH_RCV_MSG).
 *
 * Each port has a FIFO of kmsgs (the message bytes as the kernel built
 * them, plus the rights they carry as kernel-held send rights). Sending
 * never waits: a queue at its limit answers at once, as a zero send
 * timeout does on XNU —
 *
 *   messages queued        without MACH_SEND_ALWAYS     with MACH_SEND_ALWAYS
 *   < qlimit (5)           queued                       queued
 *   < QLIMIT_KERNEL        MACH_SEND_TIMED_OUT          queued
 *   = QLIMIT_KERNEL        MACH_SEND_TIMED_OUT          MACH_SEND_NO_BUFFER
 *
 * (XNU's kernel notifications use MACH_SEND_ALWAYS, so they pass a full
 * queue; so do ours.) Receiving never waits either: an empty queue answers
 * MACH_RCV_TIMED_OUT, and a client that wants to block waits on the
 * eventfd its space signals whenever a message is queued (set with
 * ipc_space_set_notify_fd, see docs/BOUNDARY.md) — so one client's wait
 * never occupies the worker that serves its other calls.
 *
 * Rights travel as in XNU: the message's reply right becomes the received
 * msgh_remote_port, each port descriptor a name in the receiver's space
 * (copied out when the message is received, not when it is queued). When
 * the receive right dies (destroyed name, dead task), the queue goes to
 * a dead list under the IPC lock and is freed by ipc_mqueue_reap after
 * the lock is dropped, because releasing a right can run a no-senders
 * call. Messages are never freed at the port's last reference: a queued
 * right to a notification object that holds the port's send right would
 * keep both alive for ever.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "osfmk/ipc/ipc_internal.h"
#include "osfmk/ipc/ipc_kmsg.h"

struct ipc_kmsg {
	struct ipc_kmsg *ikm_next;
	uint32_t ikm_size;  /* bytes of ikm_data */
	uint32_t ikm_alloc; /* bytes of this allocation */
	struct ipc_port *ikm_reply;
	unsigned int ikm_nports;
	struct ipc_port *ikm_ports[IPC_MQUEUE_MAX_PORTS];
	uint8_t ikm_data[];
};

/* Queues of dead receive rights, waiting for ipc_mqueue_reap (ipc lock). */
static struct ipc_kmsg *mq_dead;

/* The minimum trailer (format 0) a received message ends with. */
struct mq_trailer {
	uint32_t type;
	uint32_t size;
};

static void
kmsg_free(struct ipc_kmsg *k)
{
	ipc_port_release_send(k->ikm_reply);
	for (unsigned int i = 0; i < k->ikm_nports; i++)
		ipc_port_release_send(k->ikm_ports[i]);
	kfree(k, k->ikm_alloc);
}

/* Count the port descriptors of a complex message; MACH_MSG_SUCCESS when it is well formed. */
static mach_msg_return_t
kmsg_count_ports(const uint8_t *msg, uint32_t size, unsigned int *count)
{
	mach_msg_body_t body;
	uint32_t off = sizeof(mach_msg_header_t);

	*count = 0;
	if (size - off < sizeof(body))
		return MACH_SEND_MSG_TOO_SMALL;
	memcpy(&body, msg + off, sizeof(body));
	off += sizeof(body);
	if (body.msgh_descriptor_count > IPC_MQUEUE_MAX_PORTS)
		return MACH_SEND_TOO_LARGE;
	for (uint32_t i = 0; i < body.msgh_descriptor_count; i++) {
		mach_msg_type_descriptor_t t;
		if (size - off < sizeof(mach_msg_port_descriptor_t))
			return MACH_SEND_MSG_TOO_SMALL;
		memcpy(&t, msg + off, sizeof(t));
		if (t.type != MACH_MSG_PORT_DESCRIPTOR)
			return MACH_SEND_INVALID_TYPE; /* the kernel sends no out-of-line memory */
		off += sizeof(mach_msg_port_descriptor_t);
	}
	*count = body.msgh_descriptor_count;
	return MACH_MSG_SUCCESS;
}

mach_msg_return_t
ipc_kmsg_send_to_port(struct ipc_port *dest, const void *msg, uint32_t size, struct ipc_port *reply,
                      struct ipc_port *const *ports, unsigned int nports, mach_msg_option_t option)
{
	mach_msg_header_t h;
	struct ipc_kmsg *k = NULL;
	unsigned int want = 0;
	mach_msg_return_t mr;
	uint32_t qlimit, alloc;

	if (dest == NULL) {
		mr = MACH_SEND_INVALID_DEST;
		goto fail;
	}
	if (size < sizeof(h) || (size & 3) != 0) {
		mr = MACH_SEND_MSG_TOO_SMALL;
		goto fail;
	}
	if (size > IPC_MQUEUE_MAX_MSG) {
		mr = MACH_SEND_TOO_LARGE;
		goto fail;
	}
	memcpy(&h, msg, sizeof(h));
	if (h.msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		mr = kmsg_count_ports(msg, size, &want);
		if (mr != MACH_MSG_SUCCESS)
			goto fail;
	}
	if (want != nports) {
		mr = MACH_SEND_INVALID_RIGHT; /* a right for each port descriptor, no more */
		goto fail;
	}
	alloc = (uint32_t)sizeof(*k) + size;
	k = kalloc(alloc);
	if (k == NULL) {
		mr = MACH_SEND_NO_BUFFER;
		goto fail;
	}
	k->ikm_next = NULL;
	k->ikm_size = size;
	k->ikm_alloc = alloc;
	k->ikm_reply = reply;
	k->ikm_nports = nports;
	for (unsigned int i = 0; i < nports; i++)
		k->ikm_ports[i] = ports[i];
	memcpy(k->ikm_data, msg, size);

	lck_mtx_lock(ipc.lock);
	qlimit = dest->ip_qlimit != 0 ? dest->ip_qlimit : MACH_PORT_QLIMIT_DEFAULT;
	if (!dest->ip_active || dest->ip_receiver == NULL) {
		mr = MACH_SEND_INVALID_DEST;
	} else if (dest->ip_msgcount >= IPC_MQUEUE_QLIMIT_KERNEL) {
		mr = (option & MACH_SEND_ALWAYS) ? MACH_SEND_NO_BUFFER : MACH_SEND_TIMED_OUT;
	} else if (dest->ip_msgcount >= qlimit && !(option & MACH_SEND_ALWAYS)) {
		mr = MACH_SEND_TIMED_OUT;
	} else {
		if (dest->ip_msgs_tail != NULL)
			dest->ip_msgs_tail->ikm_next = k;
		else
			dest->ip_msgs = k;
		dest->ip_msgs_tail = k;
		dest->ip_msgcount++;
		/* Under the lock: the space can't close its descriptor meanwhile. */
		if (dest->ip_receiver->is_notify_fd >= 0)
			(void)khost_eventfd_signal(dest->ip_receiver->is_notify_fd);
		mr = MACH_MSG_SUCCESS;
	}
	lck_mtx_unlock(ipc.lock);
	if (mr != MACH_MSG_SUCCESS)
		kmsg_free(k);
	return mr;
fail:
	ipc_port_release_send(reply);
	for (unsigned int i = 0; i < nports; i++)
		ipc_port_release_send(ports[i]);
	return mr;
}

uint32_t
ipc_port_msgcount(struct ipc_port *port)
{
	uint32_t n;

	lck_mtx_lock(ipc.lock);
	n = port->ip_msgcount;
	lck_mtx_unlock(ipc.lock);
	return n;
}

void
ipc_space_set_notify_fd(struct ipc_space *space, int fd)
{
	int old;

	lck_mtx_lock(ipc.lock);
	old = space->is_notify_fd;
	space->is_notify_fd = fd;
	lck_mtx_unlock(ipc.lock);
	if (old >= 0)
		(void)khost_close(old);
}

void
ipc_mqueue_detach_locked(struct ipc_port *port)
{
	ipc_lock_assert();
	if (port->ip_msgs == NULL)
		return;
	port->ip_msgs_tail->ikm_next = mq_dead;
	/* Atomic: ipc_mqueue_reap peeks without the lock. */
	__atomic_store_n(&mq_dead, port->ip_msgs, __ATOMIC_RELEASE);
	port->ip_msgs = port->ip_msgs_tail = NULL;
	port->ip_msgcount = 0;
}

void
ipc_mqueue_reap(void)
{
	struct ipc_kmsg *k, *next;

	/* Cheap when there is nothing to do: most callers never detach a queue. */
	if (__atomic_load_n(&mq_dead, __ATOMIC_ACQUIRE) == NULL)
		return;
	lck_mtx_lock(ipc.lock);
	k = mq_dead;
	__atomic_store_n(&mq_dead, NULL, __ATOMIC_RELAXED);
	lck_mtx_unlock(ipc.lock);
	for (; k != NULL; k = next) {
		next = k->ikm_next;
		kmsg_free(k);
	}
}

/* A send right for a space: its name, MACH_PORT_DEAD when the space is full (the right is lost, as XNU's). */
static mach_port_name_t
mq_copyout(struct ipc_space *space, struct ipc_port *right)
{
	mach_port_name_t name;

	if (right == NULL)
		return MACH_PORT_NULL;
	return ipc_space_copyout_send(space, right, &name) == KERN_SUCCESS ? name : MACH_PORT_DEAD;
}

/*
 * Write the received form of k into out (msg_len bytes): the header as the
 * receiver sees it (remote: the reply right, local: the port received on),
 * the descriptors' names in the receiver's space, the data, the trailer.
 * Consumes k's rights.
 */
static void
mq_write(struct ipc_space *space, mach_port_name_t rcv_name, struct ipc_kmsg *k, uint8_t *out)
{
	mach_msg_header_t h;
	struct mq_trailer tr = {.type = 0, .size = sizeof(tr)};
	mach_msg_body_t body;
	uint32_t off;

	memcpy(out, k->ikm_data, k->ikm_size);
	memcpy(&h, k->ikm_data, sizeof(h));
	h.msgh_bits =
	        (h.msgh_bits & MACH_MSGH_BITS_COMPLEX) |
	        MACH_MSGH_BITS(k->ikm_reply != NULL ? MACH_MSG_TYPE_PORT_SEND : 0, MACH_MSG_TYPE_PORT_SEND);
	h.msgh_size = k->ikm_size;
	h.msgh_remote_port = mq_copyout(space, k->ikm_reply);
	h.msgh_local_port = rcv_name;
	h.msgh_voucher_port = MACH_PORT_NULL;
	k->ikm_reply = NULL;
	memcpy(out, &h, sizeof(h));
	if (h.msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		/* The layout was checked when the message was queued. */
		off = sizeof(h);
		memcpy(&body, k->ikm_data + off, sizeof(body));
		off += sizeof(body);
		for (uint32_t i = 0; i < body.msgh_descriptor_count && i < k->ikm_nports; i++) {
			mach_msg_port_descriptor_t d;
			memcpy(&d, k->ikm_data + off, sizeof(d));
			d.name = mq_copyout(space, k->ikm_ports[i]);
			d.disposition = MACH_MSG_TYPE_PORT_SEND;
			k->ikm_ports[i] = NULL;
			memcpy(out + off, &d, sizeof(d));
			off += sizeof(d);
		}
	}
	memcpy(out + k->ikm_size, &tr, sizeof(tr));
}

mach_msg_return_t
ipc_mqueue_receive(struct ipc_space *space, mach_port_name_t rcv_name, uint32_t rcv_size,
                   mach_msg_option_t option, struct ipc_kmsg_out *out)
{
	struct ipc_port *port = NULL;
	struct ipc_kmsg *k = NULL;
	mach_port_type_t type;
	mach_msg_return_t mr = MACH_MSG_SUCCESS;
	uint32_t need;

	memset(out, 0, sizeof(*out));
	if (ipc_space_type(space, rcv_name, &type) != KERN_SUCCESS || !(type & MACH_PORT_TYPE_RECEIVE) ||
	    ipc_space_lookup(space, rcv_name, &port) != KERN_SUCCESS)
		return MACH_RCV_INVALID_NAME;
	lck_mtx_lock(ipc.lock);
	if (port->ip_receiver != space) {
		mr = MACH_RCV_INVALID_NAME; /* the name changed hands meanwhile */
	} else if ((k = port->ip_msgs) == NULL) {
		mr = MACH_RCV_TIMED_OUT;
	} else if ((uint64_t)rcv_size < (uint64_t)k->ikm_size + sizeof(struct mq_trailer) &&
	           (option & MACH_RCV_LARGE)) {
		mr = MACH_RCV_TOO_LARGE; /* left queued for a larger buffer */
		k = NULL;
	} else {
		port->ip_msgs = k->ikm_next;
		if (port->ip_msgs == NULL)
			port->ip_msgs_tail = NULL;
		port->ip_msgcount--;
		k->ikm_next = NULL;
	}
	lck_mtx_unlock(ipc.lock);
	ipc_port_release(port);
	if (k == NULL)
		return mr;
	need = k->ikm_size + (uint32_t)sizeof(struct mq_trailer);
	if (rcv_size < need) {
		mr = MACH_RCV_TOO_LARGE; /* the message is destroyed, as XNU does without MACH_RCV_LARGE */
		goto out;
	}
	out->buf = kalloc(need);
	if (out->buf == NULL) {
		mr = MACH_RCV_BODY_ERROR;
		goto out;
	}
	out->len = need;
	out->msg_len = need;
	mq_write(space, rcv_name, k, out->buf);
out:
	kmsg_free(k);
	return mr;
}
