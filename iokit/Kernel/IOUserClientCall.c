/*
 * IOUserClientCall.c — the compact user-client call (KHRQ_T_IOCONNECT_CALL,
 * wire format in <kexthost/iokit_call.h>): IOConnectCallMethod with scalars
 * only, served straight from the caller's shared ring without building and
 * parsing a Mach message.
 *
 * Why it exists: a scalar call is the I/O Kit's hot path (register pokes,
 * start/stop commands), and the Mach message around it (header, NDR,
 * descriptors, reply port, the MIG reader and reply builder) cost more than
 * the call itself. Everything a driver sees is the same as through
 * io_connect_method (IOKitMIG_connect.c): the connection is looked up in the
 * caller's port space, the call is bracketed by iouc_call_enter/exit (so
 * clientDied still waits for it), the arguments reach externalMethod in an
 * IOExternalMethodArguments with the same counts, and the method's counts
 * are clamped to the room the caller gave. A name that is not a kernel
 * connection is answered KHIO_CALL_NOT_CONNECT and the library sends the
 * Mach message instead, so every refusal keeps its Mach/MIG code.
 */
#include <sys/systm.h>
#include <IOKit/IOReturn.h>
#include <IOKit/IOUserClient.h>
#include "bsd/sys/proc_internal.h"
#include "bsd/kern/kern_request.h"
#include "osfmk/ipc/ipc.h"
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOUserClientPrivate.h"
#include "sdk/User/kexthost/iokit_call.h"

/*
 * The user client behind a send right of p's; NULL if the name is no
 * connection. The last answer is cached in p's task: most callers call one
 * connection over and over, and revalidating the cache (the space's
 * generation unchanged: the name still holds its send right; the port
 * active: it is still the client's) costs two loads instead of two global
 * locks and six reference counts. A hit is borrowed, not retained (*held
 * false): the name's send right keeps the port, the port keeps the client,
 * and only p's own request worker (running this call) can take the name
 * away. A miss is retained (*held true).
 */
static IOUserClient *
iouc_call_lookup(proc_t p, mach_port_name_t name, bool *held)
{
	struct kh_task *t = &p->p_task;
	struct ipc_port *port = NULL;
	OSObject *obj;
	IOUserClient *uc;
	uint32_t gen;

	if (t->t_space == NULL)
		return NULL;
	gen = ipc_space_generation(t->t_space);
	if (t->t_uc_client != NULL && t->t_uc_name == name && t->t_uc_gen == gen &&
	    ipc_port_active(t->t_uc_port)) {
		*held = false;
		return t->t_uc_client;
	}
	*held = true;
	if (ipc_space_lookup(t->t_space, name, &port) != KERN_SUCCESS)
		return NULL;
	obj = iokit_lookup_object_port(port, IKOT_IOKIT_CONNECT);
	uc = OSDynamicCast(IOUserClient, obj);
	if (uc == NULL) {
		OSSafeReleaseNULL(obj);
	} else {
		t->t_uc_name = name;
		t->t_uc_gen = gen; /* read before the lookup: a change since then is a miss next time */
		t->t_uc_port = port;
		t->t_uc_client = uc;
	}
	ipc_port_release(port); /* the name keeps the port alive while the generation holds */
	return uc;
}

int
iouc_call_execute(proc_t p, const void *payload, size_t len, void *dst, size_t cap, size_t *rlen)
{
	struct khio_call_request rq;
	struct khio_call_reply *rp = dst;
	uint64_t scalar_in[KHIO_CALL_SCALAR_MAX];
	IOExternalMethodArguments args;
	uint32_t room;
	IOUserClient *uc;
	IOReturn ret;
	bool held;

	if (len < KHIO_CALL_REQUEST_SIZE(0)) {
		printf("iokit: pid %d: user-client call shorter than its header\n", p->p_pid);
		return KREQ_MALFORMED;
	}
	/* Counts and arguments are copied before use: a ring's client can rewrite them mid-call. */
	memcpy(&rq, payload, KHIO_CALL_REQUEST_SIZE(0));
	if (rq.scalar_in_count > KHIO_CALL_SCALAR_MAX || len != KHIO_CALL_REQUEST_SIZE(rq.scalar_in_count)) {
		printf("iokit: pid %d: malformed user-client call (%u scalars in %zu bytes)\n", p->p_pid,
		       rq.scalar_in_count, len);
		return KREQ_MALFORMED;
	}
	if (cap < sizeof(*rp))
		return ENOMEM;
	if (proc_exiting(p))
		return EINTR;
	memcpy(scalar_in, (const uint8_t *)payload + KHIO_CALL_REQUEST_SIZE(0), rq.scalar_in_count * 8u);
	room = rq.scalar_out_room < KHIO_CALL_SCALAR_MAX ? rq.scalar_out_room : KHIO_CALL_SCALAR_MAX;
	if ((uc = iouc_call_lookup(p, rq.connect, &held)) == NULL)
		return KHIO_CALL_NOT_CONNECT;
	rp->scalar_out_count = 0;
	if ((ret = iouc_call_enter(uc)) != kIOReturnSuccess)
		goto out;
	/* The method writes its scalars straight into the reply; the room it may use starts zeroed. */
	memset(rp->scalar_out, 0, room * 8u);
	memset(&args, 0, offsetof(IOExternalMethodArguments, __reservedA));
	args.version = kIOExternalMethodArgumentsCurrentVersion;
	args.selector = rq.selector;
	args.scalarInput = scalar_in;
	args.scalarInputCount = rq.scalar_in_count;
	args.scalarOutput = rp->scalar_out;
	args.scalarOutputCount = room;
	args.structureVariableOutputData = NULL;
	ret = IOUserClient_externalMethod(uc, rq.selector, &args, NULL, NULL, NULL);
	iouc_call_exit(uc);
	if (ret == kIOReturnSuccess)
		rp->scalar_out_count = args.scalarOutputCount < room ? args.scalarOutputCount : room;
out:
	if (held)
		OSObject_release(uc);
	rp->kr = ret;
	*rlen = KHIO_CALL_REPLY_SIZE(rp->scalar_out_count);
	return 0;
}

int
iouc_call_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                         struct kreq_buf *reply)
{
	struct khio_call_reply rp;
	size_t rlen = 0;
	int err;

	if (peer->proc == NULL)
		return EPERM; /* only connected processes have port spaces */
	if ((err = proc_call_begin(peer->proc)) != 0)
		return err;
	err = iouc_call_execute(peer->proc, payload, len, &rp, sizeof(rp), &rlen);
	proc_call_end(peer->proc);
	return err != 0 ? err : kreq_buf_append(reply, &rp, rlen);
}
