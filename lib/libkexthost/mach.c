/*
 * mach.c — the client end of the Mach trap path (<kexthost/kh_mach.h>):
 * each trap is one KHRQ_T_MACH_TRAP message on the process's connection
 * (wire format in <kexthost/mach_trap.h>). mach_msg carries the message
 * with the request; the reply brings the received message, which is
 * checked against the receive buffer, and the bytes of its out-of-line
 * regions, which land in fresh anonymous memory (freed with
 * kh_vm_deallocate, as vm_deallocate frees them on Darwin).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <kexthost/request.h>
#include <kexthost/syscall.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/mach_trap.h>
#include <kexthost/kh_mach.h>
#include "lib/libkexthost/mach_internal.h"

static mach_port_t kh_task_self_name;
static __thread mach_port_t kh_reply_port;

/* One trap; *retval (may be NULL) gets the trap's name result. A transport failure is MACH_SEND_INVALID_DEST-like. */
static kern_return_t
kh_trap(uint32_t trap, const uint64_t *args, unsigned int nargs, const void *msg, uint32_t msg_len,
        uint64_t *retval, void **reply, size_t *reply_len)
{
	/* Small requests are built on the stack: no allocation on the common call. */
	uint64_t stack[(KHMT_REQUEST_SIZE + 1024) / 8];
	struct khmt_request *rq;
	struct khmt_reply rp;
	void *r = NULL;
	size_t rlen = 0, len = KHMT_REQUEST_SIZE + msg_len;
	uint32_t status = 0;
	int err;

	if (reply != NULL) {
		*reply = NULL;
		*reply_len = 0;
	}
	rq = len <= sizeof(stack) ? (struct khmt_request *)stack : malloc(len);
	if (rq == NULL)
		return KERN_RESOURCE_SHORTAGE;
	memset(rq, 0, KHMT_REQUEST_SIZE);
	rq->trap = trap;
	rq->nargs = (uint16_t)nargs;
	for (unsigned int i = 0; i < nargs && i < KHMT_MAXARGS; i++)
		rq->args[i] = args[i];
	rq->msg_len = msg_len;
	if (msg_len)
		memcpy((char *)rq + KHMT_REQUEST_SIZE, msg, msg_len);
	err = kh_request(KHRQ_T_MACH_TRAP, rq, len, &r, &rlen, &status);
	if (rq != (struct khmt_request *)stack)
		free(rq);
	if (err != 0 || status != 0 || rlen < KHMT_REPLY_SIZE) {
		free(r);
		return err != 0 || status != 0 ? MACH_SEND_INVALID_DEST : MIG_SERVER_DIED;
	}
	memcpy(&rp, r, sizeof(rp));
	if (retval != NULL)
		*retval = rp.retval;
	if (reply != NULL) {
		*reply = r;
		*reply_len = rlen;
	} else {
		free(r);
	}
	return rp.kr;
}

static mach_port_t
kh_name_trap(uint32_t trap)
{
	uint64_t name = 0;
	return kh_trap(trap, NULL, 0, NULL, 0, &name, NULL, NULL) == KERN_SUCCESS ? (mach_port_t)name
	                                                                          : MACH_PORT_NULL;
}

mach_port_t
kh_task_self_trap(void)
{
	return kh_name_trap(KH_MACH_task_self);
}

mach_port_t
kh_mach_task_self(void)
{
	/* A forked child is another task: don't trust a cached name across fork. */
	static pid_t cached_pid;
	pid_t me = getpid();

	if (kh_task_self_name == MACH_PORT_NULL || cached_pid != me) {
		kh_task_self_name = kh_task_self_trap();
		cached_pid = me;
	}
	return kh_task_self_name;
}

mach_port_t
kh_mach_host_self(void)
{
	return kh_name_trap(KH_MACH_host_self);
}

mach_port_t
kh_mach_reply_port(void)
{
	return kh_name_trap(KH_MACH_reply_port);
}

mach_port_t
kh_mig_get_reply_port(void)
{
	if (kh_reply_port == MACH_PORT_NULL)
		kh_reply_port = kh_mach_reply_port();
	return kh_reply_port;
}

kern_return_t
kh_mach_port_allocate(ipc_space_t task, mach_port_right_t right, mach_port_name_t *name)
{
	uint64_t a[3] = {task, right, (uint64_t)(uintptr_t)name};
	return kh_trap(KH_MACH_port_allocate, a, 3, NULL, 0, NULL, NULL, NULL);
}

kern_return_t
kh_mach_port_destroy(ipc_space_t task, mach_port_name_t name)
{
	uint64_t a[2] = {task, name};
	return kh_trap(KH_MACH_port_destroy, a, 2, NULL, 0, NULL, NULL, NULL);
}

kern_return_t
kh_mach_port_deallocate(ipc_space_t task, mach_port_name_t name)
{
	uint64_t a[2] = {task, name};
	return kh_trap(KH_MACH_port_deallocate, a, 2, NULL, 0, NULL, NULL, NULL);
}

kern_return_t
kh_mach_port_mod_refs(ipc_space_t task, mach_port_name_t name, mach_port_right_t right,
                      mach_port_delta_t delta)
{
	uint64_t a[4] = {task, name, right, (uint64_t)(int64_t)delta};
	return kh_trap(KH_MACH_port_mod_refs, a, 4, NULL, 0, NULL, NULL, NULL);
}

kern_return_t
kh_vm_deallocate(mach_port_t task, uint64_t address, uint64_t size)
{
	if (size == 0)
		return KERN_SUCCESS;
	return munmap((void *)(uintptr_t)address, size) == 0 ? KERN_SUCCESS : KERN_INVALID_ADDRESS;
}

/*
 * Place a received message in the caller's buffer: check it against the
 * buffer and the reply's out-of-line bytes, give each out-of-line region
 * fresh memory and patch its descriptor.
 */
static mach_msg_return_t
kh_deliver(const uint8_t *p, size_t n, const struct khmt_reply *rp, mach_msg_header_t *msg,
           mach_msg_size_t rcv_size)
{
	const uint8_t *ool = p + rp->msg_len;
	size_t ool_left = n - rp->msg_len;
	mach_msg_header_t h;
	uint32_t off, count, seen = 0;
	mach_msg_body_t body;

	if (rp->msg_len > n || rp->msg_len < sizeof(h))
		return MACH_RCV_INVALID_DATA;
	if (rp->msg_len > rcv_size)
		return MACH_RCV_TOO_LARGE;
	memcpy(&h, p, sizeof(h));
	memcpy(msg, p, rp->msg_len);
	if (!(h.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return ool_left == 0 ? MACH_MSG_SUCCESS : MACH_RCV_INVALID_DATA;
	off = sizeof(h);
	if (rp->msg_len - off < sizeof(body))
		return MACH_RCV_INVALID_DATA;
	memcpy(&body, p + off, sizeof(body));
	off += sizeof(body);
	count = body.msgh_descriptor_count;
	for (uint32_t i = 0; i < count; i++) {
		mach_msg_type_descriptor_t t;
		if (rp->msg_len - off < sizeof(t))
			return MACH_RCV_INVALID_DATA;
		memcpy(&t, p + off, sizeof(t));
		if (t.type == MACH_MSG_PORT_DESCRIPTOR) {
			off += sizeof(mach_msg_port_descriptor_t);
			continue;
		}
		if (t.type != MACH_MSG_OOL_DESCRIPTOR ||
		    rp->msg_len - off < sizeof(mach_msg_ool_descriptor_t))
			return MACH_RCV_INVALID_DATA;
		mach_msg_ool_descriptor_t d;
		memcpy(&d, p + off, sizeof(d));
		if (d.size > ool_left)
			return MACH_RCV_INVALID_DATA;
		d.address = 0;
		if (d.size > 0) {
			void *m = mmap(NULL, d.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			               0);
			if (m == MAP_FAILED)
				return MACH_RCV_BODY_ERROR;
			memcpy(m, ool, d.size);
			d.address = (uint64_t)(uintptr_t)m;
		}
		memcpy((uint8_t *)msg + off, &d, sizeof(d));
		ool += d.size;
		ool_left -= d.size;
		off += sizeof(d);
		seen++;
	}
	return seen == rp->nool && ool_left == 0 ? MACH_MSG_SUCCESS : MACH_RCV_INVALID_DATA;
}

mach_msg_return_t
kh_mach_msg(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
            mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
            mach_port_name_t notify)
{
	uint64_t a[7] = {(uint64_t)(uintptr_t)msg,
	                 (uint64_t)(uint32_t)option,
	                 send_size,
	                 rcv_size,
	                 rcv_name,
	                 timeout,
	                 notify};
	struct khmt_reply rp;
	void *r = NULL;
	size_t rlen = 0;
	mach_msg_return_t mr;

	/* The kernel never waits in a receive: the library does (mach_notify.c). */
	if ((option & (MACH_SEND_MSG | MACH_RCV_MSG)) == MACH_RCV_MSG &&
	    !((option & MACH_RCV_TIMEOUT) && timeout == 0))
		return kh_mach_msg_wait(msg, option, rcv_size, rcv_name, timeout);
	if ((option & MACH_SEND_MSG) && send_size > KHMT_MAX_MSG)
		return MACH_SEND_TOO_LARGE;
	if ((option & MACH_SEND_MSG) && send_size < sizeof(mach_msg_header_t))
		return MACH_SEND_MSG_TOO_SMALL;
	mr = kh_trap(KH_MACH_msg, a, 7, msg, (option & MACH_SEND_MSG) ? send_size : 0, NULL, &r, &rlen);
	if (mr == MACH_MSG_SUCCESS && (option & MACH_RCV_MSG)) {
		memcpy(&rp, r, sizeof(rp));
		mr = kh_deliver((const uint8_t *)r + KHMT_REPLY_SIZE, rlen - KHMT_REPLY_SIZE, &rp, msg,
		                rcv_size);
	}
	free(r);
	return mr;
}

static const NDR_record_t kh_ndr = {.int_rep = NDR_INT_LITTLE_ENDIAN};

kern_return_t
kh_mig_call(mach_msg_header_t *in, mach_msg_size_t in_size, mach_msg_header_t *out, mach_msg_size_t out_size)
{
	mach_msg_id_t id = in->msgh_id;
	mach_port_t reply = kh_mig_get_reply_port();
	mach_msg_return_t mr;

	if (reply == MACH_PORT_NULL)
		return MACH_SEND_INVALID_REPLY;
	in->msgh_bits = (in->msgh_bits & MACH_MSGH_BITS_COMPLEX) |
	                MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	in->msgh_local_port = reply;
	in->msgh_voucher_port = MACH_PORT_NULL;
	in->msgh_size = in_size;
	/* As a MIG stub's one buffer: the request goes out of `out` and the reply lands in it. */
	if (out_size < in_size)
		return MIG_ARRAY_TOO_LARGE;
	if (out != in)
		memmove(out, in, in_size);
	mr = kh_mach_msg(out, MACH_SEND_MSG | MACH_RCV_MSG, in_size, out_size, reply, MACH_MSG_TIMEOUT_NONE,
	                 MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	if ((uint32_t)out->msgh_id != (uint32_t)id + 100u)
		return MIG_REPLY_MISMATCH;
	if (!(out->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
		const mig_reply_error_t *e = (const mig_reply_error_t *)out;
		if (out->msgh_size < sizeof(*e))
			return MIG_TYPE_ERROR;
		return e->RetCode;
	}
	return KERN_SUCCESS;
}

/* ---- MIG stubs ------------------------------------------------------------ */

/* A request of header + NDR + up to 16 bytes of arguments. */
struct kh_simple_request {
	mach_msg_header_t Head;
	NDR_record_t NDR;
	uint8_t args[16];
};

/* A simple reply: header, NDR, RetCode, outputs, room for a trailer. */
struct kh_simple_reply {
	mach_msg_header_t Head;
	NDR_record_t NDR;
	kern_return_t RetCode;
	uint8_t out[1024];
};

static kern_return_t
kh_simple_call(mach_port_t dest, mach_msg_id_t id, const void *args, size_t args_len,
               struct kh_simple_reply *rep)
{
	struct kh_simple_request rq;

	memset(&rq.Head, 0, sizeof(rq.Head));
	rq.Head.msgh_remote_port = dest;
	rq.Head.msgh_id = id;
	rq.NDR = kh_ndr;
	if (args_len != 0)
		memcpy(rq.args, args, args_len);
	/* The outputs the stubs read (never the whole 1 KiB: clearing it was most of a stub's time). */
	memset(rep, 0, offsetof(struct kh_simple_reply, out) + 64);
	return kh_mig_call(&rq.Head, (mach_msg_size_t)(sizeof(rq.Head) + sizeof(rq.NDR) + args_len),
	                   &rep->Head, sizeof(*rep));
}

kern_return_t
kh_mach_port_type(ipc_space_t task, mach_port_name_t name, mach_port_type_t *ptype)
{
	struct kh_simple_reply rep;
	kern_return_t kr = kh_simple_call(task, 3201, &name, sizeof(name), &rep);

	if (kr == KERN_SUCCESS)
		memcpy(ptype, rep.out, sizeof(*ptype));
	return kr;
}

kern_return_t
kh_mach_port_get_refs(ipc_space_t task, mach_port_name_t name, mach_port_right_t right,
                      mach_port_urefs_t *refs)
{
	uint32_t a[2] = {name, right};
	struct kh_simple_reply rep;
	kern_return_t kr = kh_simple_call(task, 3207, a, sizeof(a), &rep);

	if (kr == KERN_SUCCESS)
		memcpy(refs, rep.out, sizeof(*refs));
	return kr;
}

kern_return_t
kh_host_info(host_t host, host_flavor_t flavor, host_info_t info, mach_msg_type_number_t *count)
{
	uint32_t a[2] = {(uint32_t)flavor, *count};
	struct kh_simple_reply rep;
	kern_return_t kr = kh_simple_call(host, 200, a, sizeof(a), &rep);
	uint32_t n;

	if (kr != KERN_SUCCESS)
		return kr;
	memcpy(&n, rep.out, sizeof(n));
	if (n > *count || n > 64)
		return MIG_TYPE_ERROR;
	memcpy(info, rep.out + 4, n * sizeof(integer_t));
	*count = n;
	return KERN_SUCCESS;
}

kern_return_t
kh_host_kernel_version(host_t host, kernel_version_t version)
{
	struct kh_simple_reply rep;
	kern_return_t kr = kh_simple_call(host, 201, NULL, 0, &rep);
	uint32_t n;

	if (kr != KERN_SUCCESS)
		return kr;
	memcpy(&n, rep.out, sizeof(n));
	if (n == 0 || n > sizeof(kernel_version_t))
		return MIG_TYPE_ERROR;
	memcpy(version, rep.out + 4, n);
	version[n - 1] = '\0';
	return KERN_SUCCESS;
}

kern_return_t
kh_host_page_size(host_t host, uint64_t *size)
{
	struct kh_simple_reply rep;
	kern_return_t kr = kh_simple_call(host, 202, NULL, 0, &rep);

	if (kr == KERN_SUCCESS)
		memcpy(size, rep.out, sizeof(*size));
	return kr;
}

/* A complex reply: header, body, descriptors, NDR, outputs, trailer room. */
struct kh_complex_reply {
	mach_msg_header_t Head;
	mach_msg_body_t body;
	uint8_t rest[1024];
};

kern_return_t
kh_host_get_io_master(host_t host, io_master_t *master)
{
	struct kh_simple_request rq;
	struct kh_complex_reply rep;
	mach_msg_port_descriptor_t d;
	kern_return_t kr;

	memset(&rq, 0, sizeof(rq));
	memset(&rep, 0, sizeof(rep));
	rq.Head.msgh_remote_port = host;
	rq.Head.msgh_id = 205;
	rq.NDR = kh_ndr;
	kr = kh_mig_call(&rq.Head, sizeof(rq.Head) + sizeof(rq.NDR), &rep.Head, sizeof(rep));
	if (kr != KERN_SUCCESS)
		return kr;
	if (rep.body.msgh_descriptor_count != 1)
		return MIG_TYPE_ERROR;
	memcpy(&d, rep.rest, sizeof(d));
	if (d.type != MACH_MSG_PORT_DESCRIPTOR)
		return MIG_TYPE_ERROR;
	*master = d.name;
	return KERN_SUCCESS;
}

/*
 * A routine without arguments whose reply is two out-of-line arrays and
 * their counts (mach_port_names, mach_zone_info): each region must hold
 * exactly its count of elements of its size.
 */
static kern_return_t
kh_mig_two_arrays(mach_port_t dest, mach_msg_id_t id, size_t esize0, size_t esize1, uint64_t addr[2],
                  uint32_t counts[2])
{
	struct kh_simple_request rq;
	struct kh_complex_reply rep;
	mach_msg_ool_descriptor_t d[2];
	kern_return_t kr;

	memset(&rq, 0, sizeof(rq));
	memset(&rep, 0, sizeof(rep));
	rq.Head.msgh_remote_port = dest;
	rq.Head.msgh_id = id;
	rq.NDR = kh_ndr;
	kr = kh_mig_call(&rq.Head, sizeof(rq.Head) + sizeof(rq.NDR), &rep.Head, sizeof(rep));
	if (kr != KERN_SUCCESS)
		return kr;
	if (rep.body.msgh_descriptor_count != 2)
		return MIG_TYPE_ERROR;
	memcpy(d, rep.rest, sizeof(d));
	memcpy(counts, rep.rest + sizeof(d) + sizeof(NDR_record_t), 2 * sizeof(uint32_t));
	if (d[0].size != counts[0] * esize0 || d[1].size != counts[1] * esize1)
		return MIG_TYPE_ERROR;
	addr[0] = d[0].address;
	addr[1] = d[1].address;
	return KERN_SUCCESS;
}

kern_return_t
kh_mach_port_names(ipc_space_t task, mach_port_name_array_t *names, mach_msg_type_number_t *namesCnt,
                   mach_port_type_array_t *types, mach_msg_type_number_t *typesCnt)
{
	uint64_t addr[2];
	uint32_t counts[2];
	kern_return_t kr = kh_mig_two_arrays(task, 3200, sizeof(mach_port_name_t), sizeof(mach_port_type_t),
	                                     addr, counts);

	if (kr != KERN_SUCCESS)
		return kr;
	*names = (mach_port_name_array_t)(uintptr_t)addr[0];
	*types = (mach_port_type_array_t)(uintptr_t)addr[1];
	*namesCnt = counts[0];
	*typesCnt = counts[1];
	return KERN_SUCCESS;
}

kern_return_t
kh_mach_zone_info(host_priv_t host, mach_zone_name_array_t *names, mach_msg_type_number_t *namesCnt,
                  mach_zone_info_array_t *info, mach_msg_type_number_t *infoCnt)
{
	uint64_t addr[2];
	uint32_t counts[2];
	kern_return_t kr = kh_mig_two_arrays(host, 220, sizeof(mach_zone_name_t), sizeof(mach_zone_info_t),
	                                     addr, counts);

	if (kr != KERN_SUCCESS)
		return kr;
	if (counts[0] != counts[1])
		return MIG_TYPE_ERROR;
	*names = (mach_zone_name_array_t)(uintptr_t)addr[0];
	*info = (mach_zone_info_array_t)(uintptr_t)addr[1];
	*namesCnt = counts[0];
	*infoCnt = counts[1];
	return KERN_SUCCESS;
}
