/*
 * IOUserClientAsync.c — async results of user clients: the reference an
 * async method keeps (setAsyncReference64), the completion message it
 * sends when the work is done (sendAsyncResult64), and the send rights
 * behind them (releaseAsyncReference64, releaseNotificationPort).
 *
 * A reference is 8 words. Word 0 is the wake port (a kernel-held send
 * right, a struct ipc_port pointer) with flags in its low bits
 * (kIOUCAsync64Flag: the task is 64-bit, always here;
 * kIOUCAsyncErrorLoggedFlag: a failed send was logged); the other words
 * are the caller's (IOKitLib puts its callback and refcon in words 1 and
 * 2) and travel back untouched, word 0 zeroed. The message format is in
 * <IOKit/OSMessageNotification.h>.
 */
#include <IOKit/IOLib.h>
#include <IOKit/IOUserClient.h>
#include <IOKit/OSMessageNotification.h>
#include <sys/systm.h>
#include "osfmk/ipc/ipc.h"

void
IOUserClient_setAsyncReference64(OSAsyncReference64 asyncRef, mach_port_t wakePort,
                                 mach_vm_address_t callback, io_user_reference_t refcon)
{
	asyncRef[kIOAsyncReservedIndex] = ((io_user_reference_t)(uintptr_t)wakePort) |
	                                  (kIOUCAsync0Flags & asyncRef[kIOAsyncReservedIndex]);
	asyncRef[kIOAsyncCalloutFuncIndex] = (io_user_reference_t)callback;
	asyncRef[kIOAsyncCalloutRefconIndex] = refcon;
}

/* The completion as it sits in the message: header, notification header, result, arguments. */
struct __attribute__((packed)) iouca_msg {
	mach_msg_header_t h;
	mach_msg_size_t size;
	natural_t type;
	OSAsyncReference64 reference;
	IOReturn result;
	io_user_reference_t args[kMaxAsyncArgs];
};

IOReturn
IOUserClient_sendAsyncResult64WithOptions(OSAsyncReference64 reference, IOReturn result,
                                          io_user_reference_t args[], UInt32 numArgs, IOOptionBits options)
{
	struct ipc_port *port =
	        (struct ipc_port *)(uintptr_t)(reference[kIOAsyncReservedIndex] & ~kIOUCAsync0Flags);
	struct iouca_msg m;
	mach_msg_return_t mr;

	if (port == NULL)
		return kIOReturnSuccess; /* no wake port: nobody to tell */
	if (numArgs > kMaxAsyncArgs)
		return kIOReturnMessageTooLarge;
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.h.msgh_size =
	        (mach_msg_size_t)(sizeof(m) - (kMaxAsyncArgs - numArgs) * sizeof(io_user_reference_t));
	m.h.msgh_id = kOSNotificationMessageID;
	m.size = (mach_msg_size_t)(sizeof(IOAsyncCompletionContent) + numArgs * sizeof(io_user_reference_t));
	m.type = kIOAsyncCompletionNotificationType;
	/* Word 0 (the kernel's port) stays zero. */
	memcpy(&m.reference[1], &reference[1], sizeof(m.reference) - sizeof(m.reference[0]));
	m.result = result;
	if (numArgs > 0)
		memcpy(m.args, args, numArgs * sizeof(io_user_reference_t));
	/* The port stays the reference's: the message takes no right of its own. */
	mr = ipc_kmsg_send_to_port(port, &m, m.h.msgh_size, NULL, NULL, 0,
	                           (options & kIOUserNotifyOptionCanDrop) ? MACH_SEND_TIMEOUT
	                                                                  : MACH_SEND_ALWAYS);
	if (mr != MACH_MSG_SUCCESS && mr != MACH_SEND_TIMED_OUT &&
	    !(reference[kIOAsyncReservedIndex] & kIOUCAsyncErrorLoggedFlag)) {
		reference[kIOAsyncReservedIndex] |= kIOUCAsyncErrorLoggedFlag;
		IOLog("IOUserClient::_sendAsyncResult64: mach_msg_send_from_kernel_proper(0x%x)\n", mr);
	}
	return mr;
}

IOReturn
IOUserClient_sendAsyncResult64(OSAsyncReference64 reference, IOReturn result, io_user_reference_t args[],
                               UInt32 numArgs)
{
	return IOUserClient_sendAsyncResult64WithOptions(reference, result, args, numArgs, 0);
}

IOReturn
IOUserClient_releaseAsyncReference64(OSAsyncReference64 reference)
{
	struct ipc_port *port =
	        (struct ipc_port *)(uintptr_t)(reference[kIOAsyncReservedIndex] & ~kIOUCAsync0Flags);

	if (port != NULL)
		ipc_port_release_send(port);
	reference[kIOAsyncReservedIndex] &= kIOUCAsync0Flags; /* a second release finds no port */
	return kIOReturnSuccess;
}

IOReturn
IOUserClient_releaseNotificationPort(mach_port_t port)
{
	if (port != NULL)
		ipc_port_release_send(port);
	return kIOReturnSuccess;
}
