/*
 * ipc_kmsg.c — mach_msg for messages to kernel ports: check and copy in the
 * user's message (rights out of the sender's space, out-of-line memory out
 * of its address space), run the MIG routine of its id, and build the
 * received reply (rights into the space) — all on the sender's thread, so
 * a MIG call is one request and one reply on the channel (see mig.h for
 * the formats and <kexthost/mach_trap.h> for the wire).
 *
 * Messages between user tasks are not carried: a send to a port a task
 * receives on gets MACH_SEND_INVALID_DEST. A receive without a send takes
 * what the kernel queued on the port (ipc_mqueue.c).
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kdebug.h>
#include <kern/kalloc.h>
#include "osfmk/ipc/ipc_internal.h"
#include "osfmk/ipc/mig.h"
#include "osfmk/ipc/ipc_kmsg.h"
#include "sdk/User/kexthost/mach_trap.h"

extern const struct mig_subsystem *const __start_kh_migsub[] __attribute__((weak));
extern const struct mig_subsystem *const __stop_kh_migsub[] __attribute__((weak));

/* The minimum trailer (format 0) every received message ends with. */
struct kmsg_trailer {
	uint32_t type;
	uint32_t size;
};

/* The routine a subsystem table has for id, or NULL (outside its range, or a skipped id). */
static const struct mig_routine *
mig_subsystem_routine(const struct mig_subsystem *s, mach_msg_id_t id)
{
	if (id < s->base || (uint32_t)(id - s->base) >= s->count)
		return NULL;
	return s->routines[id - s->base].fn != NULL ? &s->routines[id - s->base] : NULL;
}

const struct mig_routine *
mig_lookup(mach_msg_id_t id)
{
	for (const struct mig_subsystem *const *s = __start_kh_migsub; s != NULL && s < __stop_kh_migsub;
	     s++) {
		const struct mig_routine *r = mig_subsystem_routine(*s, id);
		if (r != NULL)
			return r;
	}
	return NULL;
}

int
mig_init(void)
{
	int err = 0;

	/*
	 * Several tables may share a subsystem's id range (the iokit routines
	 * live in one file per area), but an id has one routine.
	 */
	for (const struct mig_subsystem *const *a = __start_kh_migsub; a != NULL && a < __stop_kh_migsub;
	     a++) {
		for (const struct mig_subsystem *const *b = a + 1; b < __stop_kh_migsub; b++) {
			for (uint32_t i = 0; i < (*a)->count; i++) {
				const struct mig_routine *ra = &(*a)->routines[i];
				const struct mig_routine *rb =
				        mig_subsystem_routine(*b, (*a)->base + (mach_msg_id_t)i);
				if (ra->fn != NULL && rb != NULL) {
					printf("mig: %s and %s both handle id %d\n", ra->name, rb->name,
					       (*a)->base + (int)i);
					err = EEXIST;
				}
			}
		}
	}
	return err;
}

kern_return_t
mig_reply_port(struct mig_reply *rep, struct ipc_port *send_right)
{
	if (rep->ndesc >= sizeof(rep->desc) / sizeof(rep->desc[0])) {
		ipc_port_release_send(send_right);
		return KERN_RESOURCE_SHORTAGE;
	}
	rep->desc[rep->ndesc++] =
	        (typeof(rep->desc[0])){.type = MACH_MSG_PORT_DESCRIPTOR, .port = send_right};
	return KERN_SUCCESS;
}

kern_return_t
mig_reply_ool(struct mig_reply *rep, void *data, uint32_t size)
{
	if (rep->ndesc >= sizeof(rep->desc) / sizeof(rep->desc[0])) {
		if (data != NULL)
			kfree(data, size);
		return KERN_RESOURCE_SHORTAGE;
	}
	rep->desc[rep->ndesc++] =
	        (typeof(rep->desc[0])){.type = MACH_MSG_OOL_DESCRIPTOR, .data = data, .size = size};
	return KERN_SUCCESS;
}

kern_return_t
mig_reply_data(struct mig_reply *rep, const void *data, size_t len)
{
	if (len > sizeof(rep->data) - rep->data_len)
		return KERN_RESOURCE_SHORTAGE;
	memcpy(rep->data + rep->data_len, data, len);
	rep->data_len += (uint32_t)len;
	return KERN_SUCCESS;
}

static void
kmsg_request_free(struct mig_request *req)
{
	for (unsigned int i = 0; i < req->nports; i++)
		ipc_port_release_send(req->ports[i]);
	for (unsigned int i = 0; i < req->nool; i++) {
		if (req->ool[i].data != NULL)
			kfree(req->ool[i].data, req->ool[i].size);
	}
	req->nports = req->nool = 0;
}

static void
kmsg_reply_free(struct mig_reply *rep)
{
	for (unsigned int i = 0; i < rep->ndesc; i++) {
		if (rep->desc[i].port != NULL)
			ipc_port_release_send(rep->desc[i].port);
		if (rep->desc[i].data != NULL)
			kfree(rep->desc[i].data, rep->desc[i].size);
	}
	rep->ndesc = 0;
}

/* One port descriptor of a request: the right it carries, as a kernel-held send right (or NULL). */
static mach_msg_return_t
kmsg_copyin_port(struct ipc_space *space, const mach_msg_port_descriptor_t *d, struct ipc_port **port)
{
	struct ipc_port *p;

	*port = NULL;
	if (d->name == MACH_PORT_NULL || d->name == MACH_PORT_DEAD)
		return MACH_MSG_SUCCESS;
	switch (d->disposition) {
	case MACH_MSG_TYPE_COPY_SEND:
	case MACH_MSG_TYPE_MOVE_SEND:
		return ipc_space_copyin_send(space, d->name, d->disposition == MACH_MSG_TYPE_MOVE_SEND,
		                             port) == KERN_SUCCESS
		               ? MACH_MSG_SUCCESS
		               : MACH_SEND_INVALID_RIGHT;
	case MACH_MSG_TYPE_MAKE_SEND:
	case MACH_MSG_TYPE_MAKE_SEND_ONCE: {
		/* A send right made from a receive right the sender holds (send-once rights are sends here). */
		mach_port_type_t type;
		if (ipc_space_type(space, d->name, &type) != KERN_SUCCESS || !(type & MACH_PORT_TYPE_RECEIVE))
			return MACH_SEND_INVALID_RIGHT;
		if (ipc_space_lookup(space, d->name, &p) != KERN_SUCCESS)
			return MACH_SEND_INVALID_RIGHT;
		*port = ipc_port_make_send(p);
		ipc_port_release(p);
		return MACH_MSG_SUCCESS;
	}
	default:
		return MACH_SEND_INVALID_RIGHT; /* receive rights don't travel to the kernel */
	}
}

/* The descriptors of a complex request; *off moves past them. */
static mach_msg_return_t
kmsg_copyin_body(struct ipc_space *space, const uint8_t *msg, uint32_t size, uint32_t *off,
                 struct mig_request *req)
{
	mach_msg_body_t body;
	uint64_t ool_total = 0;

	if (size - *off < sizeof(body))
		return MACH_SEND_MSG_TOO_SMALL;
	memcpy(&body, msg + *off, sizeof(body));
	*off += sizeof(body);
	if (body.msgh_descriptor_count > KHMT_MAX_DESC)
		return MACH_SEND_TOO_LARGE;
	for (uint32_t i = 0; i < body.msgh_descriptor_count; i++) {
		mach_msg_type_descriptor_t t;
		mach_msg_return_t mr;

		if (size - *off < sizeof(t))
			return MACH_SEND_MSG_TOO_SMALL;
		memcpy(&t, msg + *off, sizeof(t));
		if (t.type == MACH_MSG_PORT_DESCRIPTOR) {
			mach_msg_port_descriptor_t d;
			memcpy(&d, msg + *off, sizeof(d));
			*off += sizeof(d);
			if (req->nports >= MIG_MAX_PORTS)
				return MACH_SEND_TOO_LARGE;
			mr = kmsg_copyin_port(space, &d, &req->ports[req->nports]);
			if (mr != MACH_MSG_SUCCESS)
				return mr;
			req->nports++;
		} else if (t.type == MACH_MSG_OOL_DESCRIPTOR || t.type == MACH_MSG_OOL_VOLATILE_DESCRIPTOR) {
			mach_msg_ool_descriptor_t d;
			void *buf = NULL;
			if (size - *off < sizeof(d))
				return MACH_SEND_MSG_TOO_SMALL;
			memcpy(&d, msg + *off, sizeof(d));
			*off += sizeof(d);
			if (req->nool >= MIG_MAX_OOL)
				return MACH_SEND_TOO_LARGE;
			ool_total += d.size;
			if (ool_total > KHMT_MAX_OOL)
				return MACH_SEND_TOO_LARGE;
			if (d.size > 0) {
				buf = kalloc(d.size);
				if (buf == NULL)
					return MACH_SEND_NO_BUFFER;
				/* Straight from the sender's memory: a bad address is the sender's error. */
				if (copyin((user_addr_t)d.address, buf, d.size) != 0) {
					kfree(buf, d.size);
					return MACH_SEND_INVALID_MEMORY;
				}
			}
			req->ool[req->nool].data = buf;
			req->ool[req->nool].size = d.size;
			req->nool++;
		} else {
			return MACH_SEND_INVALID_TYPE;
		}
	}
	return MACH_MSG_SUCCESS;
}

/* Bytes of the received reply: header, descriptors, NDR, [RetCode], data, trailer. */
static uint32_t
kmsg_reply_size(const struct mig_reply *rep, bool simple)
{
	uint32_t n = sizeof(mach_msg_header_t) + sizeof(NDR_record_t) + rep->data_len;

	if (!simple) {
		n += sizeof(mach_msg_body_t);
		for (unsigned int i = 0; i < rep->ndesc; i++)
			n += rep->desc[i].type == MACH_MSG_PORT_DESCRIPTOR
			             ? sizeof(mach_msg_port_descriptor_t)
			             : sizeof(mach_msg_ool_descriptor_t);
	} else {
		n += sizeof(kern_return_t);
	}
	return n;
}

static const NDR_record_t kmsg_ndr = {.int_rep = NDR_INT_LITTLE_ENDIAN};

/*
 * Write the received reply into out (its size was checked): rights are
 * copied out into the space here, so a name appears only once the reply
 * is certain to be delivered.
 */
static void
kmsg_reply_write(struct ipc_space *space, const mach_msg_header_t *rq, struct mig_reply *rep,
                 kern_return_t kr, bool simple, uint8_t *out, uint32_t msg_size, uint32_t *nool)
{
	mach_msg_header_t h = {
	        .msgh_bits = MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE) |
	                     (simple ? 0 : MACH_MSGH_BITS_COMPLEX),
	        .msgh_size = msg_size,
	        .msgh_remote_port = MACH_PORT_NULL,
	        .msgh_local_port = rq->msgh_local_port,
	        .msgh_id = (mach_msg_id_t)((uint32_t)rq->msgh_id + 100u), /* wraps, as MIG's does */
	};
	struct kmsg_trailer tr = {.type = 0, .size = sizeof(tr)};
	uint32_t off = 0, ool_off = msg_size + sizeof(tr);

	*nool = 0;
	memcpy(out, &h, sizeof(h));
	off += sizeof(h);
	if (!simple) {
		mach_msg_body_t body = {.msgh_descriptor_count = rep->ndesc};
		memcpy(out + off, &body, sizeof(body));
		off += sizeof(body);
		for (unsigned int i = 0; i < rep->ndesc; i++) {
			if (rep->desc[i].type == MACH_MSG_PORT_DESCRIPTOR) {
				mach_msg_port_descriptor_t d = {.disposition = MACH_MSG_TYPE_PORT_SEND,
				                                .type = MACH_MSG_PORT_DESCRIPTOR};
				if (rep->desc[i].port != NULL &&
				    ipc_space_copyout_send(space, rep->desc[i].port, &d.name) != KERN_SUCCESS)
					d.name =
					        MACH_PORT_DEAD; /* the space is full: the right is lost, as XNU does */
				rep->desc[i].port = NULL;
				memcpy(out + off, &d, sizeof(d));
				off += sizeof(d);
			} else {
				mach_msg_ool_descriptor_t d = {.address = 0,
				                               .deallocate = 0,
				                               .copy = MACH_MSG_VIRTUAL_COPY,
				                               .type = MACH_MSG_OOL_DESCRIPTOR,
				                               .size = rep->desc[i].size};
				memcpy(out + off, &d, sizeof(d));
				off += sizeof(d);
				if (rep->desc[i].size > 0)
					memcpy(out + ool_off, rep->desc[i].data, rep->desc[i].size);
				ool_off += rep->desc[i].size;
				(*nool)++;
			}
		}
	}
	memcpy(out + off, &kmsg_ndr, sizeof(kmsg_ndr));
	off += sizeof(kmsg_ndr);
	if (simple) {
		memcpy(out + off, &kr, sizeof(kr));
		off += sizeof(kr);
	}
	memcpy(out + off, rep->data, rep->data_len);
	off += rep->data_len;
	memcpy(out + off, &tr, sizeof(tr));
}

/* Check the destination and the reply port of a message. */
static mach_msg_return_t
kmsg_copyin_header(struct ipc_space *space, const mach_msg_header_t *h, mach_msg_option_t option,
                   mach_port_name_t rcv_name, struct ipc_port **dest)
{
	mach_msg_type_name_t rd = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
	mach_port_type_t type;

	*dest = NULL;
	if (rd != MACH_MSG_TYPE_COPY_SEND && rd != MACH_MSG_TYPE_MOVE_SEND && rd != MACH_MSG_TYPE_MAKE_SEND &&
	    rd != MACH_MSG_TYPE_MAKE_SEND_ONCE && rd != MACH_MSG_TYPE_MOVE_SEND_ONCE)
		return MACH_SEND_INVALID_HEADER;
	if (!MACH_PORT_VALID(h->msgh_remote_port) ||
	    ipc_space_lookup(space, h->msgh_remote_port, dest) != KERN_SUCCESS)
		return MACH_SEND_INVALID_DEST;
	if (ipc_port_kotype(*dest) == IKOT_NONE || !ipc_port_active(*dest)) {
		ipc_port_release(*dest);
		*dest = NULL;
		return MACH_SEND_INVALID_DEST;
	}
	if (option & MACH_RCV_MSG) {
		/* The reply comes back on the reply port, which must be the port received on. */
		if (h->msgh_local_port != rcv_name)
			return MACH_SEND_INVALID_REPLY;
		if (ipc_space_type(space, rcv_name, &type) != KERN_SUCCESS ||
		    !(type & MACH_PORT_TYPE_RECEIVE))
			return MACH_RCV_INVALID_NAME;
	} else if (h->msgh_local_port != MACH_PORT_NULL &&
	           (ipc_space_type(space, h->msgh_local_port, &type) != KERN_SUCCESS ||
	            !(type & MACH_PORT_TYPE_RECEIVE))) {
		return MACH_SEND_INVALID_REPLY;
	}
	if (rd == MACH_MSG_TYPE_MOVE_SEND) {
		/* The sender gives up one user reference of the destination. */
		(void)ipc_space_mod_refs(space, h->msgh_remote_port, MACH_PORT_RIGHT_SEND, -1);
	}
	return MACH_MSG_SUCCESS;
}

mach_msg_return_t
ipc_kmsg_trap(struct proc *p, struct ipc_space *space, const void *msg, uint32_t send_size,
              mach_msg_option_t option, uint32_t rcv_size, mach_port_name_t rcv_name,
              struct ipc_kmsg_out *out)
{
	struct mig_request req;
	struct mig_reply *rep = NULL;
	const struct mig_routine *r;
	mach_msg_header_t h;
	mach_msg_return_t mr;
	kern_return_t kr;
	uint32_t off, msg_size, ool_size = 0;
	bool simple;

	/* Only the fields read before they are set (zeroing the whole request cost a third of this function). */
	req.proc = p;
	req.space = space;
	req.port = NULL;
	req.kobject = NULL;
	req.nports = req.nool = 0;
	req.args = NULL;
	req.args_len = 0;
	memset(out, 0, sizeof(*out));
	if (!(option & MACH_SEND_MSG)) {
		if (!(option & MACH_RCV_MSG))
			return MACH_MSG_SUCCESS;
		return ipc_mqueue_receive(space, rcv_name, rcv_size, option, out); /* never waits */
	}
	if (send_size < sizeof(h) || (send_size & 3) != 0)
		return MACH_SEND_MSG_TOO_SMALL;
	if (send_size > KHMT_MAX_MSG)
		return MACH_SEND_TOO_LARGE;
	memcpy(&h, msg, sizeof(h));
	mr = kmsg_copyin_header(space, &h, option, rcv_name, &req.port);
	if (mr != MACH_MSG_SUCCESS)
		goto out;
	off = sizeof(h);
	if (h.msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		mr = kmsg_copyin_body(space, msg, send_size, &off, &req);
		if (mr != MACH_MSG_SUCCESS)
			goto out;
	}
	req.id = h.msgh_id;
	rep = kalloc(sizeof(*rep));
	if (rep == NULL) {
		mr = MACH_SEND_NO_BUFFER;
		goto out;
	}
	rep->ndesc = 0;
	rep->data_len = 0;

	r = mig_lookup(h.msgh_id);
	if (r == NULL) {
		kr = MIG_BAD_ID;
	} else if (send_size - off < sizeof(NDR_record_t)) {
		kr = MIG_BAD_ARGUMENTS;
	} else if (r->kotype != IKOT_NONE && (req.kobject = ipc_port_kobject(req.port, r->kotype)) == NULL &&
	           ipc_port_kotype(req.port) != r->kotype &&
	           !(r->kotype == IKOT_HOST && ipc_port_kotype(req.port) == IKOT_HOST_PRIV)) {
		kr = MIG_BAD_ARGUMENTS; /* a port of another kind of object */
	} else {
		req.args = (const uint8_t *)msg + off + sizeof(NDR_record_t);
		req.args_len = send_size - off - sizeof(NDR_record_t);
		KERNEL_DEBUG_CONSTANT(KDBG_MIGCODE(h.msgh_id) | DBG_FUNC_START, h.msgh_id, 0, 0, 0, 0);
		kr = r->fn(&req, rep);
		KERNEL_DEBUG_CONSTANT(KDBG_MIGCODE(h.msgh_id) | DBG_FUNC_END, kr, 0, 0, 0, 0);
	}
	if (kr == MIG_NO_REPLY || !(option & MACH_RCV_MSG)) {
		mr = MACH_MSG_SUCCESS;
		goto out;
	}
	if (kr != KERN_SUCCESS) {
		kmsg_reply_free(rep);
		rep->data_len = 0;
	}
	simple = rep->ndesc == 0;
	msg_size = kmsg_reply_size(rep, simple);
	if (rcv_size < msg_size + sizeof(struct kmsg_trailer)) {
		mr = MACH_RCV_TOO_LARGE; /* the reply is destroyed */
		goto out;
	}
	for (unsigned int i = 0; i < rep->ndesc; i++) {
		if (rep->desc[i].type == MACH_MSG_OOL_DESCRIPTOR)
			ool_size += rep->desc[i].size;
	}
	out->len = msg_size + sizeof(struct kmsg_trailer) + ool_size;
	out->buf = kalloc(out->len);
	if (out->buf == NULL) {
		out->len = 0;
		mr = MACH_RCV_BODY_ERROR;
		goto out;
	}
	kmsg_reply_write(space, &h, rep, kr, simple, out->buf, msg_size, &out->nool);
	out->msg_len = msg_size + sizeof(struct kmsg_trailer);
	mr = MACH_MSG_SUCCESS;
out:
	if (rep != NULL) {
		kmsg_reply_free(rep);
		kfree(rep, sizeof(*rep));
	}
	kmsg_request_free(&req);
	if (req.port != NULL)
		ipc_port_release(req.port);
	return mr;
}

void
ipc_kmsg_out_free(struct ipc_kmsg_out *out)
{
	if (out->buf != NULL)
		kfree(out->buf, out->len);
	memset(out, 0, sizeof(*out));
}
