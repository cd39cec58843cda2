/*
 * NotifyTest.c — the notification test kext (tests/ionotify.sh): a service
 * on IOResources whose user client completes async methods, sends messages
 * to the service's interested clients, and keeps the notification port a
 * process registers.
 *
 *   selector           in                  what it does
 *   kNTAsyncNow        n (<= 17)           sendAsyncResult64 at once with n arguments 100, 101, ...
 *                                          (17: the result is kIOReturnMessageTooLarge, scalar out)
 *   kNTAsyncLater      -                   keeps the reference for kNTCompletePending
 *   kNTCompletePending result              completes the kept reference with result and one
 *                                          argument 0xc0de, then releases it
 *   kNTMessage         type, argument      messageClients(type, argument) on the service
 *   kNTPortState       -                   out: registered (0/1), type, refCon
 */
#include <string.h>
#include <mach/kmod.h>
#include <IOKit/IOUserClient.h>
#include <IOKit/IOLib.h>

enum { kNTAsyncNow, kNTAsyncLater, kNTCompletePending, kNTMessage, kNTPortState, kNTMethodCount };

OSDeclareDefaultStructors(NotifyTestUserClient, IOUserClient);
struct NotifyTestUserClient {
	IOUserClient super;
	IOService *provider;
	bool pending;
	OSAsyncReference64 kept;
	mach_port_t port; /* registerNotificationPort's (a send right we own) */
	UInt32 portType;
	io_user_reference_t portRef;
};

static IOReturn
nt_async_now(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	io_user_reference_t args[17];
	uint64_t n = a->scalarInput[0];

	if (a->asyncReference == NULL)
		return kIOReturnBadArgument; /* called without IOConnectCallAsync* */
	if (n > 17)
		return kIOReturnBadArgument;
	for (unsigned int i = 0; i < n; i++)
		args[i] = 100 + i;
	a->scalarOutput[0] = (uint64_t)IOUserClient_sendAsyncResult64(a->asyncReference, kIOReturnSuccess,
	                                                              args, (UInt32)n);
	/* Done with the reference: its wake-port right goes. */
	(void)IOUserClient_releaseAsyncReference64(a->asyncReference);
	return kIOReturnSuccess;
}

static IOReturn
nt_async_later(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	NotifyTestUserClient *me = (NotifyTestUserClient *)target;

	if (a->asyncReference == NULL || me->pending)
		return kIOReturnBadArgument;
	memcpy(me->kept, a->asyncReference,
	       sizeof(me->kept)); /* the caller's array lives for the call only */
	me->pending = true;
	return kIOReturnSuccess;
}

static IOReturn
nt_complete_pending(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	NotifyTestUserClient *me = (NotifyTestUserClient *)target;
	io_user_reference_t arg = 0xc0de;
	IOReturn ret;

	if (!me->pending)
		return kIOReturnNotReady;
	ret = IOUserClient_sendAsyncResult64(me->kept, (IOReturn)a->scalarInput[0], &arg, 1);
	(void)IOUserClient_releaseAsyncReference64(me->kept);
	me->pending = false;
	return ret;
}

static IOReturn
nt_message(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	NotifyTestUserClient *me = (NotifyTestUserClient *)target;

	return IOService_messageClients(me->provider, (UInt32)a->scalarInput[0],
	                                (void *)(uintptr_t)a->scalarInput[1], 0);
}

static IOReturn
nt_port_state(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	NotifyTestUserClient *me = (NotifyTestUserClient *)target;

	a->scalarOutput[0] = me->port != NULL;
	a->scalarOutput[1] = me->portType;
	a->scalarOutput[2] = me->portRef;
	return kIOReturnSuccess;
}

static const IOExternalMethodDispatch nt_methods[kNTMethodCount] = {
        [kNTAsyncNow] = {nt_async_now, 1, 0, 1, 0},
        [kNTAsyncLater] = {nt_async_later, 0, 0, 0, 0},
        [kNTCompletePending] = {nt_complete_pending, 1, 0, 0, 0},
        [kNTMessage] = {nt_message, 2, 0, 0, 0},
        [kNTPortState] = {nt_port_state, 0, 0, 3, 0},
};

static IOReturn
NotifyTestUserClient_externalMethod(IOUserClient *self, uint32_t selector, IOExternalMethodArguments *args,
                                    IOExternalMethodDispatch *dispatch, OSObject *target, void *reference)
{
	if (selector >= kNTMethodCount)
		return kIOReturnUnsupported;
	return OSSuperCall(NotifyTestUserClient, externalMethod, self, selector, args,
	                   (IOExternalMethodDispatch *)&nt_methods[selector], OSObj(self), NULL);
}

static bool
NotifyTestUserClient_start(IOService *self, IOService *provider)
{
	if (!OSSuperCallAs(NotifyTestUserClient, IOService, start, self, provider))
		return false;
	((NotifyTestUserClient *)self)->provider = provider;
	return true;
}

static IOReturn
NotifyTestUserClient_registerNotificationPort(IOUserClient *self, mach_port_t port, UInt32 type,
                                              io_user_reference_t refCon)
{
	NotifyTestUserClient *me = (NotifyTestUserClient *)self;

	if (me->port != NULL)
		(void)IOUserClient_releaseNotificationPort(me->port);
	me->port = port;
	me->portType = type;
	me->portRef = refCon;
	return kIOReturnSuccess;
}

static void
NotifyTestUserClient_free(OSObject *obj)
{
	NotifyTestUserClient *me = (NotifyTestUserClient *)obj;

	if (me->port != NULL)
		(void)IOUserClient_releaseNotificationPort(me->port);
	if (me->pending)
		(void)IOUserClient_releaseAsyncReference64(me->kept);
	OSSuperCallAs(NotifyTestUserClient, OSObject, free, obj);
}

static const OSMethod NotifyTestUserClient_methods[] = {
        OSMethodOverride(OSObject, free, NotifyTestUserClient_free),
        OSMethodOverride(IOService, start, NotifyTestUserClient_start),
        OSMethodOverride(IOUserClient, externalMethod, NotifyTestUserClient_externalMethod),
        OSMethodOverride(IOUserClient, registerNotificationPort,
                         NotifyTestUserClient_registerNotificationPort),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(NotifyTestUserClient, IOUserClient, NotifyTestUserClient_methods);

OSDeclareDefaultStructors(NotifyTestService, IOService);
struct NotifyTestService {
	IOService super;
};

static bool
NotifyTestService_start(IOService *self, IOService *provider)
{
	if (!OSSuperCall(NotifyTestService, start, self, provider))
		return false;
	(void)IORegistryEntry_setPropertyString(self, kIOUserClientClassKey, "NotifyTestUserClient");
	IOService_registerService(self, 0);
	return true;
}

static const OSMethod NotifyTestService_methods[] = {
        OSMethodOverride(IOService, start, NotifyTestService_start),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(NotifyTestService, IOService, NotifyTestService_methods);
