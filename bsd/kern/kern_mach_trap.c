/*
 * kern_mach_trap.c — the Mach trap path of the request channel
 * (KHRQ_T_MACH_TRAP, wire format in <kexthost/mach_trap.h>): decode the
 * message, run the trap for the calling process's task, pack the reply.
 * Also each client's task: its port space and task port, made at connect
 * and destroyed at exit (after its descriptors close).
 *
 * The traps are those of XNU's mach_trap_table that a user of kernel
 * services needs: mach_reply_port, task_self_trap, host_self_trap,
 * mach_msg_trap (to kernel ports: MIG routines) and the
 * _kernelrpc_mach_port_* fast paths. Any other number answers
 * KERN_INVALID_ARGUMENT, as XNU's kern_invalid does.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kdebug.h>
#include <kern/kalloc.h>
#include "bsd/sys/proc_internal.h"
#include "bsd/kern/kern_request.h"
#include "osfmk/ipc/ipc.h"
#include "osfmk/ipc/ipc_kmsg.h"
#include "sdk/User/kexthost/mach_trap.h"

int
task_create_for_proc(proc_t p)
{
	if (ipc_space_create(&p->p_task.t_space) != 0)
		return ENOMEM;
	if (ipc_port_alloc_kernel(IKOT_TASK, p, &p->p_task.t_self) != 0) {
		ipc_space_destroy(p->p_task.t_space);
		p->p_task.t_space = NULL;
		return ENOMEM;
	}
	return 0;
}

void
task_destroy_for_proc(proc_t p)
{
	if (p->p_task.t_space != NULL)
		ipc_space_destroy(p->p_task.t_space);
	p->p_task.t_space = NULL;
	if (p->p_task.t_self != NULL)
		ipc_port_dealloc_kernel(p->p_task.t_self);
	p->p_task.t_self = NULL;
}

/* A send right to `port` for p's space: the name, or MACH_PORT_NULL. */
static mach_port_name_t
mach_trap_give_send(proc_t p, struct ipc_port *port)
{
	mach_port_name_t name;

	if (port == NULL)
		return MACH_PORT_NULL;
	if (ipc_space_copyout_send(p->p_task.t_space, ipc_port_make_send(port), &name) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return name;
}

/* Run one trap; *retval gets a returned name, *out a received message. */
static kern_return_t
mach_trap_run(proc_t p, const struct khmt_request *rq, const void *msg, uint64_t *retval,
              struct ipc_kmsg_out *out)
{
	struct ipc_space *space = p->p_task.t_space;
	const uint64_t *a = rq->args;
	mach_port_name_t name;
	kern_return_t kr;

	switch (rq->trap) {
	case KH_MACH_reply_port:
		*retval = ipc_space_allocate_receive(space, &name) == KERN_SUCCESS ? name : MACH_PORT_NULL;
		return KERN_SUCCESS;
	case KH_MACH_task_self:
		*retval = mach_trap_give_send(p, p->p_task.t_self);
		return KERN_SUCCESS;
	case KH_MACH_host_self:
		/* XNU gives a task running as root host_priv as its host port (set_security_token). */
		*retval = mach_trap_give_send(p, kauth_cred_getuid(p->p_ucred) == 0 ? ipc_host_priv_port()
		                                                                    : ipc_host_port());
		return KERN_SUCCESS;
	}
	/* The _kernelrpc_ traps name their target task first: only the caller's own. */
	if (rq->trap >= KH_MACH_port_allocate && rq->trap <= KH_MACH_port_mod_refs) {
		struct ipc_port *t = NULL;
		if (ipc_space_lookup(space, (mach_port_name_t)a[0], &t) != KERN_SUCCESS ||
		    ipc_port_kobject(t, IKOT_TASK) != p) {
			ipc_port_release(t);
			return KERN_INVALID_TASK; /* XNU's answer for a target that isn't a task */
		}
		ipc_port_release(t);
	}
	switch (rq->trap) {
	case KH_MACH_port_allocate:
		if ((mach_port_right_t)a[1] != MACH_PORT_RIGHT_RECEIVE)
			return KERN_INVALID_VALUE; /* port sets and dead names aren't made here */
		kr = ipc_space_allocate_receive(space, &name);
		if (kr == KERN_SUCCESS && a[2] != 0 && copyout(&name, (user_addr_t)a[2], sizeof(name)) != 0) {
			(void)ipc_space_destroy_name(space, name);
			return KERN_INVALID_ADDRESS;
		}
		return kr;
	case KH_MACH_port_destroy:
		return ipc_space_destroy_name(space, (mach_port_name_t)a[1]);
	case KH_MACH_port_deallocate:
		return ipc_space_deallocate(space, (mach_port_name_t)a[1]);
	case KH_MACH_port_mod_refs:
		return ipc_space_mod_refs(space, (mach_port_name_t)a[1], (mach_port_right_t)a[2],
		                          (mach_port_delta_t)a[3]);
	case KH_MACH_msg:
		if (rq->msg_len != (uint32_t)a[2] && ((mach_msg_option_t)a[1] & MACH_SEND_MSG))
			return MACH_SEND_MSG_TOO_SMALL;
		return ipc_kmsg_trap(p, space, msg, rq->msg_len, (mach_msg_option_t)a[1], (uint32_t)a[3],
		                     (mach_port_name_t)a[4], out);
	default:
		return KERN_INVALID_ARGUMENT;
	}
}

/* Messages up to this size are copied out of the payload onto the stack. */
#define MACH_TRAP_STACK_MSG 512

int
mach_trap_execute(proc_t p, const void *payload, size_t len, struct kreq_buf *reply, char *dst, size_t cap,
                  size_t *dlen, bool in_call)
{
	struct khmt_request rq;
	struct khmt_reply rp = {0};
	struct ipc_kmsg_out out = {0};
	uint64_t small[MACH_TRAP_STACK_MSG / 8];
	uint64_t retval = 0;
	void *msg = NULL;
	int err;

	if (len < KHMT_REQUEST_SIZE) {
		printf("mach_trap: pid %d: message shorter than its header\n", p->p_pid);
		return KREQ_MALFORMED;
	}
	memcpy(&rq, payload, sizeof(rq));
	if (rq.nargs > KHMT_MAXARGS || rq.msg_len > KHMT_MAX_MSG || len - KHMT_REQUEST_SIZE != rq.msg_len) {
		printf("mach_trap: pid %d: malformed trap message (trap %u)\n", p->p_pid, rq.trap);
		return KREQ_MALFORMED;
	}
	for (unsigned int i = rq.nargs; i < KHMT_MAXARGS; i++)
		rq.args[i] = 0; /* missing arguments read as 0 */
	err = in_call ? (proc_exiting(p) ? EINTR : 0) : proc_call_begin(p);
	if (err != 0)
		return err;
	/*
	 * The message is copied out of the payload first: in the ring the
	 * client could rewrite it while the kernel reads it.
	 */
	if (rq.msg_len > 0) {
		msg = rq.msg_len <= sizeof(small) ? (void *)small : kalloc(rq.msg_len);
		if (msg == NULL) {
			if (!in_call)
				proc_call_end(p);
			return ENOMEM;
		}
		memcpy(msg, (const uint8_t *)payload + KHMT_REQUEST_SIZE, rq.msg_len);
	}
	KERNEL_DEBUG_CONSTANT_IST(KDEBUG_TRACE, MACHDBG_CODE(DBG_MACH_EXCP_SC, rq.trap) | DBG_FUNC_START,
	                          rq.args[0], rq.args[1], rq.args[2], rq.args[3], 0);
	rp.kr = mach_trap_run(p, &rq, msg, &retval, &out);
	KERNEL_DEBUG_CONSTANT_IST(KDEBUG_TRACE, MACHDBG_CODE(DBG_MACH_EXCP_SC, rq.trap) | DBG_FUNC_END, rp.kr,
	                          retval, 0, proc_pid(p), 0);
	if (!in_call)
		proc_call_end(p);
	if (msg != NULL && msg != (void *)small)
		kfree(msg, rq.msg_len);
	rp.retval = retval;
	rp.msg_len = out.msg_len;
	rp.nool = out.nool;
	if (dst != NULL && KHMT_REPLY_SIZE + out.len <= cap) {
		/* The ring: straight into the reply area. */
		memcpy(dst, &rp, sizeof(rp));
		if (out.len > 0)
			memcpy(dst + KHMT_REPLY_SIZE, out.buf, out.len);
		*dlen = KHMT_REPLY_SIZE + out.len;
	} else {
		err = kreq_buf_append(reply, &rp, sizeof(rp));
		if (err == 0 && out.len > 0)
			err = kreq_buf_append(reply, out.buf, out.len);
	}
	ipc_kmsg_out_free(&out);
	return err;
}

int
mach_trap_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                         struct kreq_buf *reply)
{
	if (peer->proc == NULL)
		return EPERM; /* only connected processes have tasks */
	return mach_trap_execute(peer->proc, payload, len, reply, NULL, 0, NULL, false);
}
