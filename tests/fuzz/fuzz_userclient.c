/*
 * fuzz_userclient.c — libFuzzer target for the user-client routines
 * (iokit/Kernel/IOKitMIG_connect.c) and IOUserClient's externalMethod checks:
 * any bytes as the arguments of io_connect_method (decoded by the routine,
 * then dispatched to a test user client, tests/iokit/uctest.h) must end in
 * an error or a reply whose counts fit the rooms asked for, never a crash,
 * hang or leak. The first byte picks the routine: mostly io_connect_method,
 * sometimes io_connect_get_service, io_connect_set_properties (the rest as
 * XML) or io_service_close (the connection is then opened again); and some
 * inputs go as the compact scalar call (KHRQ_T_IOCONNECT_CALL,
 * IOUserClientCall.c), most of them naming the open connection.
 *
 * The caller's pid does not exist: a structure passed by address (a memory
 * descriptor over the caller's memory) fails with kIOReturnVMError instead
 * of touching the fuzzer. The sleeping selector is folded onto another.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bsd/kern/kern_request.h"
#include "bsd/sys/proc_internal.h"
#include "osfmk/ipc/ipc.h"
#include "osfmk/ipc/mig.h"
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOUserClientPrivate.h"
#include "tests/iokit/uctest.h"
#include "sdk/User/kexthost/iokit_call.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOPID 0x7ffffff2

static proc_t fuzz_proc;
static IOService *fuzz_service;
static struct ipc_port *fuzz_connect;      /* a send right to the open connection */
static mach_port_name_t fuzz_connect_name; /* another, in the process's space */

static void
fuzz_open(void)
{
	IOUserClient *uc = NULL;
	task_t t = proc_task(fuzz_proc);

	if (IOService_newUserClient(fuzz_service, t, t, kUCTypeNormal, NULL, &uc) != kIOReturnSuccess ||
	    iouc_register_owner(uc, t) != kIOReturnSuccess ||
	    (fuzz_connect = iokit_make_object_port(OSObj(uc), IKOT_IOKIT_CONNECT)) == NULL ||
	    ipc_space_copyout_send(fuzz_proc->p_task.t_space, ipc_port_make_send(fuzz_connect),
	                           &fuzz_connect_name) != KERN_SUCCESS)
		khost_exit(KHOST_EXIT_BOOT);
	OSObject_release(uc);
}

/* The compact call: an error or a reply whose count fits the room, never a crash. */
static void
fuzz_compact_call(uint8_t which, uint8_t *args, size_t size)
{
	struct khio_call_request rq;
	struct khio_call_reply rp;
	size_t rlen = 0;
	int err;

	if (size >= KHIO_CALL_REQUEST_SIZE(0)) {
		memcpy(&rq, args, KHIO_CALL_REQUEST_SIZE(0));
		if (which & 1)
			rq.connect = fuzz_connect_name;
		if (rq.selector == kUCSleep)
			rq.selector = kUCStats;
		memcpy(args, &rq, KHIO_CALL_REQUEST_SIZE(0));
	}
	err = iouc_call_execute(fuzz_proc, args, size, &rp, sizeof(rp), &rlen);
	if (err == 0 &&
	    (rp.scalar_out_count > KHIO_CALL_SCALAR_MAX ||
	     rp.scalar_out_count > ((const struct khio_call_request *)(void *)args)->scalar_out_room ||
	     rlen != KHIO_CALL_REPLY_SIZE(rp.scalar_out_count)))
		panic("fuzz_userclient: compact reply of %zu bytes with %u scalars", rlen,
		      rp.scalar_out_count);
	if (err != 0 && err != KREQ_MALFORMED && err != KHIO_CALL_NOT_CONNECT)
		panic("fuzz_userclient: compact call error %d", err);
}

static void
fuzz_boot(void)
{
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = NULL,
	        .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK,
	};
	IOService *res;

	if (fuzz_proc != NULL)
		return;
	if (kernel_bootstrap(&params) != 0 || proc_attach(FUZZ_NOPID, 501, 20, -1, &fuzz_proc) != 0)
		khost_exit(KHOST_EXIT_BOOT);
	res = IOService_getResourceService();
	fuzz_service = (IOService *)OSMetaClass_allocClassWithCString("UCTestService");
	if (fuzz_service == NULL || !IORegistryEntry_init(fuzz_service, NULL) ||
	    !IOService_attach(fuzz_service, res) || !IOService_start(fuzz_service, res))
		khost_exit(KHOST_EXIT_BOOT);
	fuzz_open();
}

/* A reply to io_connect_method must fit what was asked: inband count, scalars, the size. */
static void
fuzz_check_method_reply(const struct mig_reply *rep)
{
	uint32_t n, ns, off;

	if (rep->data_len < 4)
		panic("fuzz_userclient: method reply without its inband count");
	memcpy(&n, rep->data, 4);
	if (n > 4096)
		panic("fuzz_userclient: inband output of %u bytes", n);
	off = 4 + ((n + 3u) & ~3u);
	if (rep->data_len < off + 4)
		panic("fuzz_userclient: method reply without its scalar count");
	memcpy(&ns, rep->data + off, 4);
	if (ns > 16 || rep->data_len != off + 4 + ns * 8u + 8)
		panic("fuzz_userclient: method reply of %u bytes with %u scalars", rep->data_len, ns);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mig_request req;
	struct mig_reply *rep;
	const struct mig_routine *r;
	uint8_t *args = NULL;
	uint8_t which;
	kern_return_t kr;
	uint32_t sel;

	fuzz_boot();
	if (size < 1 || size > 8192)
		return 0;
	which = data[0];
	data++;
	size--;
	rep = kalloc(sizeof(*rep));
	args = kalloc(size ? size : 1);
	if (rep == NULL || args == NULL)
		panic("fuzz_userclient: no memory");
	memcpy(args, data, size);
	if (which >= 230 && which < 250) {
		fuzz_compact_call(which, args, size);
		kfree(rep, sizeof(*rep));
		kfree(args, size ? size : 1);
		return 0;
	}
	memset(&req, 0, sizeof(req));
	rep->ndesc = 0;
	rep->data_len = 0;
	req.proc = fuzz_proc;
	req.space = fuzz_proc->p_task.t_space;
	req.port = fuzz_connect;
	req.kobject = ipc_port_kobject(fuzz_connect, IKOT_IOKIT_CONNECT);
	req.args = args;
	req.args_len = (uint32_t)size;
	if (which < 250) {
		req.id = 2865;
		if (size >= 4) {
			memcpy(&sel, args, 4);
			if (sel == kUCSleep) {
				sel = kUCStats;
				memcpy(args, &sel, 4);
			}
		}
	} else if (which < 253) {
		req.id = 2817;
	} else if (which < 255) {
		/* the properties travel out of line; no argument bytes */
		req.id = 2821;
		req.nool = 1;
		req.ool[0].data = args;
		req.ool[0].size = (uint32_t)size;
		req.args_len = 0;
	} else {
		req.id = 2816;
	}
	r = mig_lookup(req.id);
	if (r == NULL)
		panic("fuzz_userclient: no routine for %d", req.id);
	kr = r->fn(&req, rep);
	if (kr == KERN_SUCCESS && req.id == 2865)
		fuzz_check_method_reply(rep);
	for (unsigned int i = 0; i < rep->ndesc; i++) {
		if (rep->desc[i].port != NULL)
			ipc_port_release_send(rep->desc[i].port);
		if (rep->desc[i].data != NULL)
			kfree(rep->desc[i].data, rep->desc[i].size);
	}
	kfree(rep, sizeof(*rep));
	kfree(args, size ? size : 1);
	if (req.id == 2816) {
		/* closed: drop the handles (clientDied runs) and open a new connection */
		(void)ipc_space_deallocate(fuzz_proc->p_task.t_space, fuzz_connect_name);
		ipc_port_release_send(fuzz_connect);
		fuzz_open();
	}
	return 0;
}
