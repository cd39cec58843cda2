/*
 * fuzz_mach_msg.c — libFuzzer target for the Mach trap path
 * (bsd/kern/kern_mach_trap.c, osfmk/ipc/ipc_kmsg.c): any bytes as a
 * KHRQ_T_MACH_TRAP payload must end in "malformed" or a reply whose
 * message and out-of-line bytes add up, never a crash, hang or leak.
 *
 * The caller's space starts with a task port (0x103), the host port
 * (0x203), a reply port (0x303), the I/O Kit master port (0x403) and a
 * handle to the registry root (0x503), so messages reach real routines of
 * the mach_host, mach_port and iokit subsystems.
 * Its pid does not exist: out-of-line memory the kernel reads from it
 * fails with EFAULT instead of touching the fuzzer. Trap numbers are folded
 * onto the implemented traps and one invalid number.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bsd/kern/kern_request.h"
#include "bsd/sys/proc_internal.h"
#include "osfmk/ipc/ipc.h"
#include <IOKit/IORegistryEntry.h>
#include "iokit/Kernel/IOMachPort.h"
#include "sdk/User/kexthost/mach_trap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOPID 0x7ffffff1

static proc_t fuzz_proc;

static void
fuzz_iokit_names(void)
{
	mach_port_name_t n;
	struct ipc_port *root =
	        iokit_make_object_port(OSObj(IORegistryEntry_getRegistryRoot()), IKOT_IOKIT_OBJECT);

	(void)ipc_space_copyout_send(fuzz_proc->p_task.t_space, ipc_port_make_send(ipc_master_device_port()),
	                             &n);
	if (root != NULL)
		(void)ipc_space_copyout_send(fuzz_proc->p_task.t_space, root, &n);
}

static void
fuzz_boot(void)
{
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = NULL,
	        .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK,
	};
	mach_port_name_t n;

	if (fuzz_proc != NULL)
		return;
	if (kernel_bootstrap(&params) != 0 || proc_attach(FUZZ_NOPID, 501, 20, -1, &fuzz_proc) != 0)
		khost_exit(KHOST_EXIT_BOOT);
	(void)ipc_space_copyout_send(fuzz_proc->p_task.t_space, ipc_port_make_send(fuzz_proc->p_task.t_self),
	                             &n);
	(void)ipc_space_copyout_send(fuzz_proc->p_task.t_space, ipc_port_make_send(ipc_host_port()), &n);
	(void)ipc_space_allocate_receive(fuzz_proc->p_task.t_space, &n);
	fuzz_iokit_names();
}

static const uint32_t fuzz_traps[] = {
        KH_MACH_msg,
        KH_MACH_msg,
        KH_MACH_msg,
        KH_MACH_msg,
        KH_MACH_port_allocate,
        KH_MACH_port_destroy,
        KH_MACH_port_deallocate,
        KH_MACH_port_mod_refs,
        KH_MACH_reply_port,
        KH_MACH_task_self,
        KH_MACH_host_self,
        5,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kreq_peer peer;
	struct kreq_buf reply = {0};
	struct khmt_reply rp;
	char *p;
	int err;

	fuzz_boot();
	if (size > KHMT_REQUEST_SIZE + KHMT_MAX_MSG + 16)
		return 0;
	p = kalloc(size ? size : 1);
	if (p == NULL)
		return 0;
	memcpy(p, data, size);
	if (size >= KHMT_REQUEST_SIZE) {
		uint32_t t;
		memcpy(&t, p, sizeof(t));
		t = fuzz_traps[t % (sizeof(fuzz_traps) / sizeof(fuzz_traps[0]))];
		memcpy(p, &t, sizeof(t));
	}
	peer = (struct kreq_peer){.pid = FUZZ_NOPID, .uid = 501, .gid = 20, .proc = fuzz_proc};
	err = mach_trap_request_handle(&peer, p, size, &reply);
	if (err == 0) {
		if (reply.len < KHMT_REPLY_SIZE)
			panic("fuzz_mach_msg: reply shorter than its header");
		memcpy(&rp, reply.data, sizeof(rp));
		if (reply.len - KHMT_REPLY_SIZE < rp.msg_len)
			panic("fuzz_mach_msg: reply message longer than the reply");
		if (rp.msg_len == 0 && reply.len != KHMT_REPLY_SIZE)
			panic("fuzz_mach_msg: bytes after a reply without a message");
	}
	kreq_buf_free(&reply);
	kfree(p, size ? size : 1);
	/* Keep the space from filling up over a long run: it is the fuzzer's, not the input's. */
	if (ipc_space_count(fuzz_proc->p_task.t_space) > 4096) {
		proc_exit(fuzz_proc);
		fuzz_proc = NULL;
		proc_attach(FUZZ_NOPID, 501, 20, -1, &fuzz_proc);
		if (fuzz_proc == NULL)
			khost_exit(KHOST_EXIT_BOOT);
		mach_port_name_t n;
		(void)ipc_space_copyout_send(fuzz_proc->p_task.t_space,
		                             ipc_port_make_send(fuzz_proc->p_task.t_self), &n);
		(void)ipc_space_copyout_send(fuzz_proc->p_task.t_space, ipc_port_make_send(ipc_host_port()),
		                             &n);
		(void)ipc_space_allocate_receive(fuzz_proc->p_task.t_space, &n);
		fuzz_iokit_names();
	}
	return 0;
}
