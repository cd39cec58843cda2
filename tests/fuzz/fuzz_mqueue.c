/*
 * fuzz_mqueue.c — libFuzzer target for the kernel's message queues
 * (osfmk/ipc/ipc_mqueue.c): the input is a program of operations on a
 * fresh space with two receive rights —
 *
 *   byte   operation (the bytes after it are its operands)
 *   0      queue a message: size (2 bytes), descriptor count, option byte,
 *          then message bytes (header fields and descriptors as given,
 *          padded with zeros); every port descriptor gets a right to a
 *          kernel test port, and so may the reply
 *   1      receive: which name, rcv_size (2 bytes), MACH_RCV_LARGE or not
 *   2      destroy a receive right and make a new one
 *   3      receive through the trap (mach_trap_request_handle), as a client would
 *
 * Never a crash or a hang; a received message must fit what was asked and
 * its trailer; and when the space is destroyed every right the queued
 * messages held is released (the test port's send-right count is back to 0).
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bsd/kern/kern_request.h"
#include "bsd/sys/proc_internal.h"
#include "osfmk/ipc/ipc.h"
#include "osfmk/ipc/ipc_kmsg.h"
#include "sdk/User/kexthost/mach_trap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOPID 0x7ffffff2
#define IKOT_FUZZ 42

static struct ipc_port *fuzz_obj;

static void
fuzz_boot(void)
{
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = NULL,
	        .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK,
	};

	if (fuzz_obj != NULL)
		return;
	if (kernel_bootstrap(&params) != 0 || ipc_port_alloc_kernel(IKOT_FUZZ, NULL, &fuzz_obj) != 0)
		khost_exit(KHOST_EXIT_BOOT);
}

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static uint32_t
take(struct fuzz_in *in, unsigned int n)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < n && in->left > 0; i++, in->left--)
		v |= (uint32_t)*in->p++ << (8 * i);
	return v;
}

/* A receive right of the space and a kernel-held send right to it. */
static struct ipc_port *
fuzz_port(struct ipc_space *s, mach_port_name_t *name)
{
	struct ipc_port *p = NULL;

	if (ipc_space_allocate_receive(s, name) != KERN_SUCCESS ||
	    ipc_space_lookup(s, *name, &p) != KERN_SUCCESS)
		panic("fuzz_mqueue: no receive right");
	ipc_port_make_send(p);
	ipc_port_release(p);
	return p;
}

static void
fuzz_send(struct fuzz_in *in, struct ipc_port *dest)
{
	uint8_t msg[IPC_MQUEUE_MAX_MSG + 64];
	struct ipc_port *ports[IPC_MQUEUE_MAX_PORTS + 2];
	uint32_t len = take(in, 2) % sizeof(msg), nports = take(in, 1) % (IPC_MQUEUE_MAX_PORTS + 2);
	uint32_t opt = take(in, 1);
	size_t n = in->left < len ? in->left : len;

	memset(msg, 0, sizeof(msg));
	memcpy(msg, in->p, n);
	in->p += n;
	in->left -= n;
	for (uint32_t i = 0; i < nports; i++)
		ports[i] = (opt & (1u << (i % 8))) ? ipc_port_make_send(fuzz_obj) : NULL;
	(void)ipc_kmsg_send_to_port(dest, msg, len, (opt & 0x80) ? ipc_port_make_send(fuzz_obj) : NULL, ports,
	                            nports, (opt & 1) ? MACH_SEND_ALWAYS : 0);
}

static void
fuzz_receive(struct ipc_space *s, struct fuzz_in *in, const mach_port_name_t *names)
{
	struct ipc_kmsg_out out;
	uint32_t which = take(in, 1), rcv = take(in, 2) % 8192;
	mach_port_name_t name = which < 2 ? names[which] : which;
	mach_msg_return_t mr;

	mr = ipc_mqueue_receive(s, name, rcv, (which & 0x40) ? MACH_RCV_LARGE : 0, &out);
	if (mr == MACH_MSG_SUCCESS) {
		mach_msg_header_t h;
		if (out.msg_len > rcv || out.msg_len < sizeof(h) + 8 || out.len != out.msg_len ||
		    out.nool != 0)
			panic("fuzz_mqueue: received %u bytes for a %u-byte buffer", out.msg_len, rcv);
		memcpy(&h, out.buf, sizeof(h));
		if (h.msgh_size + 8 != out.msg_len || h.msgh_local_port != name)
			panic("fuzz_mqueue: header disagrees with the message");
	} else if (out.buf != NULL) {
		panic("fuzz_mqueue: a failed receive delivered bytes");
	}
	ipc_kmsg_out_free(&out);
}

static void
fuzz_trap_receive(proc_t p, struct fuzz_in *in, const mach_port_name_t *names)
{
	struct khmt_request rq = {.trap = KH_MACH_msg, .nargs = 7};
	struct kreq_peer peer = {.pid = FUZZ_NOPID, .uid = 501, .gid = 20, .proc = p};
	struct kreq_buf reply = {0};
	struct khmt_reply rp;
	uint32_t which = take(in, 1);

	rq.args[1] = MACH_RCV_MSG | MACH_RCV_TIMEOUT;
	rq.args[3] = take(in, 2) % 8192;
	rq.args[4] = which < 2 ? names[which] : which;
	if (mach_trap_request_handle(&peer, &rq, KHMT_REQUEST_SIZE, &reply) == 0) {
		memcpy(&rp, reply.data, sizeof(rp));
		if (reply.len != KHMT_REPLY_SIZE + rp.msg_len || rp.msg_len > rq.args[3])
			panic("fuzz_mqueue: trap reply doesn't add up");
	}
	kreq_buf_free(&reply);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	mach_port_name_t names[2];
	struct ipc_port *wake[2];
	proc_t p = NULL;
	struct ipc_space *s;
	unsigned int ops = 0;

	fuzz_boot();
	if (proc_attach(FUZZ_NOPID, 501, 20, -1, &p) != 0)
		khost_exit(KHOST_EXIT_BOOT);
	s = p->p_task.t_space;
	wake[0] = fuzz_port(s, &names[0]);
	wake[1] = fuzz_port(s, &names[1]);
	while (in.left > 0 && ops++ < 256) {
		uint32_t op = take(&in, 1);
		switch (op % 4) {
		case 0:
			fuzz_send(&in, wake[(op >> 2) & 1]);
			break;
		case 1:
			fuzz_receive(s, &in, names);
			break;
		case 2: {
			unsigned int i = (op >> 2) & 1;
			(void)ipc_space_destroy_name(s, names[i]);
			ipc_port_release_send(wake[i]);
			wake[i] = fuzz_port(s, &names[i]);
			break;
		}
		default:
			fuzz_trap_receive(p, &in, names);
			break;
		}
	}
	proc_exit(p); /* the task dies: its queues go */
	ipc_port_release_send(wake[0]);
	ipc_port_release_send(wake[1]);
	if (ipc_port_srights(fuzz_obj) != 0)
		panic("fuzz_mqueue: %u rights of queued messages survived their space",
		      ipc_port_srights(fuzz_obj));
	return 0;
}
