/*
 * IOKit/IOUserClient.h — IOUserClient in C: the IOService subclass a driver
 * hands to a user process that opens it (IOServiceOpen), and through which
 * the process calls the driver's methods (IOConnectCallMethod), maps its
 * memory (IOConnectMapMemory) and hears from it (notification ports, async
 * results).
 *
 * A process opens a service: the service's newUserClient makes the client
 * (by default the class named by its IOUserClientClass property:
 * alloc -> initWithTask -> attach(service) -> start(service)), the process
 * gets a connect handle (io_connect_t). Each IOConnectCallMethod arrives at
 * externalMethod(selector, arguments); a subclass checks the selector
 * against its table and passes the table's IOExternalMethodDispatch entry
 * to the superclass, which checks the argument counts and sizes and calls
 * the entry's function:
 *
 *	static const IOExternalMethodDispatch MyUC_methods[kMyCount] = {
 *		[kMyAdd] = {MyUC_add, 2, 0, 1, 0},     // 2 scalars in, 1 scalar out
 *		[kMyPut] = {MyUC_put, 0, kIOUCVariableStructureSize, 0, 0},
 *	};
 *	static IOReturn
 *	MyUC_externalMethod(IOUserClient *self, uint32_t selector, IOExternalMethodArguments *args,
 *	                    IOExternalMethodDispatch *dispatch, OSObject *target, void *reference)
 *	{
 *		if (selector >= kMyCount)
 *			return kIOReturnUnsupported;
 *		return OSSuperCall(MyUC, externalMethod, self, selector, args,
 *		                   (IOExternalMethodDispatch *)&MyUC_methods[selector], self, NULL);
 *	}
 *
 * C++ (XNU)                                   C (kexthost)
 * class MyUC : public IOUserClient            struct MyUC { IOUserClient super; ... }
 * super::externalMethod(sel, args, d, t, r)   OSSuperCall(MyUC, externalMethod, self, sel, args, d, t, r)
 * IOUserClient::clientHasPrivilege(tok, n)    IOUserClient_clientHasPrivilege(tok, n)
 * virtual IOReturn clientClose()              OSMethodOverride(IOUserClient, clientClose, fn)
 *
 * Inband structures are at most 4096 bytes each way; a larger one reaches
 * the method as an IOMemoryDescriptor over the caller's buffer
 * (structureInputDescriptor / structureOutputDescriptor) with the inband
 * pointer NULL and its size 0. Up to 16 scalars each way.
 *
 * Lifetime: the connect handle holds a reference. IOServiceClose calls
 * clientClose (default: terminate the client). When the owning process
 * exits without closing, clientDied runs (default: clientClose) once the
 * calls it still had in progress have returned.
 */
#ifndef _IOKIT_IOUSERCLIENT_H
#define _IOKIT_IOUSERCLIENT_H

#include <sys/cdefs.h>
#include <IOKit/IOTypes.h>
#include <IOKit/IOService.h>

__BEGIN_DECLS

typedef struct IOMemoryDescriptor IOMemoryDescriptor;

/* Legacy IOExternalMethod flags (kept for their values; kexthost uses IOExternalMethodDispatch). */
enum {
	kIOUCTypeMask = 0x0000000f,
	kIOUCScalarIScalarO = 0,
	kIOUCScalarIStructO = 2,
	kIOUCStructIStructO = 3,
	kIOUCScalarIStructI = 4,
	kIOUCForegroundOnly = 0x00000010,
};

/* A dispatch entry's count or size that accepts any value. */
enum { kIOUCVariableStructureSize = 0xffffffff };

/* Largest scalar arrays (documentary: the counts in the arguments are the real ones). */
enum {
	kIOExternalMethodScalarInputCountMax = 16,
	kIOExternalMethodScalarOutputCountMax = 16,
};

/* Largest inband structure each way (io_struct_inband_t); larger ones travel as memory descriptors. */
enum { kIOUCStructInbandMax = 4096 };

/* Notification message payload limit and sendAsyncResult64WithOptions option. */
enum { kIOUserNotifyMaxMessageSize = 64 };
enum { kIOUserNotifyOptionCanDrop = 0x1 };

/* clientHasPrivilege names. */
#define kIOClientPrivilegeAdministrator "root"
#define kIOClientPrivilegeLocalUser "local"
#define kIOClientPrivilegeForeground "foreground"

enum { kIOExternalMethodArgumentsCurrentVersion = 2 };

/* One externalMethod call, as the driver sees it. Field order and names as XNU's. */
typedef struct IOExternalMethodArguments {
	uint32_t version; /* kIOExternalMethodArgumentsCurrentVersion */
	uint32_t selector;

	mach_port_t asyncWakePort; /* async calls (IOConnectCallAsyncMethod) only, else NULL */
	io_user_reference_t *asyncReference;
	uint32_t asyncReferenceCount;

	const uint64_t *scalarInput;
	uint32_t scalarInputCount;

	const void *structureInput; /* inband, <= 4096 bytes; NULL when a descriptor carries it */
	uint32_t structureInputSize;
	IOMemoryDescriptor *structureInputDescriptor; /* a larger input (caller's memory), or NULL */

	uint64_t *scalarOutput;
	uint32_t scalarOutputCount; /* in: room; out: set by the method to the count returned */

	void *structureOutput;                         /* inband buffer of structureOutputSize bytes */
	uint32_t structureOutputSize;                  /* in: room; out: bytes returned */
	IOMemoryDescriptor *structureOutputDescriptor; /* a larger output (caller's memory), or NULL */
	uint32_t structureOutputDescriptorSize;        /* out: bytes written to the descriptor */

	uint32_t __reservedA;
	OSObject **structureVariableOutputData; /* an OSData the method returns instead (inband) */
	uint32_t __reserved[30];
} IOExternalMethodArguments;

typedef IOReturn (*IOExternalMethodAction)(OSObject *target, void *reference,
                                           IOExternalMethodArguments *arguments);

/*
 * A method table entry. The checks, each skipped when kIOUCVariableStructureSize:
 * scalar inputs == checkScalarInputCount, structure input size (or its
 * descriptor's length) == checkStructureInputSize, scalar output room ==
 * checkScalarOutputCount, structure output size (or its descriptor's length)
 * == checkStructureOutputSize. A mismatch: kIOReturnBadArgument.
 */
typedef struct IOExternalMethodDispatch {
	IOExternalMethodAction function;
	uint32_t checkScalarInputCount;
	uint32_t checkStructureInputSize;
	uint32_t checkScalarOutputCount;
	uint32_t checkStructureOutputSize;
} IOExternalMethodDispatch;

/* ---- IOUserClient ------------------------------------------------------------ */

OSDeclareAbstractStructorsWithVtbl(IOUserClient, IOService);

struct IOUserClient {
	IOService super;
	/*
	 * Set by the I/O Kit (read-only for subclasses). XNU keeps the owning
	 * task to itself; drivers commonly copy it in initWithTask.
	 */
	task_t __owningTask; /* NULL once the owner is gone (after clientDied) */
	OSSet *mappings;     /* IOMemoryMaps made by IOConnectMapMemory (IOUserClientMemory.c) */
	uint32_t __ucState;  /* private (IOUserClient.c): calls in progress, closed, owner gone */
	uint32_t __ucSpare;
	void *__reserved[4];
};

struct IOUserClient_vtbl {
	IOService_vtbl super;
	/* Called on the client made by newUserClient; the default calls IOService init(properties). */
	bool (*initWithTask)(IOUserClient *self, task_t owningTask, void *securityToken, UInt32 type,
	                     OSDictionary *properties);
	/* The process called IOServiceClose. Default: terminate the client. */
	IOReturn (*clientClose)(IOUserClient *self);
	/* The owning process exited without closing. Default: clientClose. */
	IOReturn (*clientDied)(IOUserClient *self);
	/* The service the client belongs to (default: its provider). */
	IOService *(*getService)(IOUserClient *self);
	/*
	 * IOConnectSetNotificationPort: port is a send right the client keeps
	 * (ionotify: IOUserClientAsync.c). Default kIOReturnUnsupported.
	 */
	IOReturn (*registerNotificationPort)(IOUserClient *self, mach_port_t port, UInt32 type,
	                                     io_user_reference_t refCon);
	/* IOConnectAddClient: connect self to another client. Default kIOReturnUnsupported. */
	IOReturn (*connectClient)(IOUserClient *self, IOUserClient *client);
	/*
	 * IOConnectMapMemory: the memory of `type` to map into the owner, with a
	 * reference the caller consumes; *options may get kIOMapReadOnly and such.
	 * Default kIOReturnUnsupported (iomem: IOKitMIG_memory.c calls it).
	 */
	IOReturn (*clientMemoryForType)(IOUserClient *self, UInt32 type, IOOptionBits *options,
	                                IOMemoryDescriptor **memory);
	/*
	 * IOConnectCallMethod. With dispatch: check arguments against it and call
	 * dispatch->function(target, reference, args). Without: kIOReturnUnsupported.
	 */
	IOReturn (*externalMethod)(IOUserClient *self, uint32_t selector,
	                           IOExternalMethodArguments *arguments, IOExternalMethodDispatch *dispatch,
	                           OSObject *target, void *reference);
};

#define IOUC_(s) ((IOUserClient *)OSObj(s))

static inline bool
IOUserClient_initWithTask(IOUserClient *self, task_t owningTask, void *securityToken, UInt32 type,
                          OSDictionary *properties)
{
	return OSVtbl(IOUserClient, self)->initWithTask(self, owningTask, securityToken, type, properties);
}
#define IOUserClient_initWithTask(s, t, tok, ty, p) IOUserClient_initWithTask(IOUC_(s), t, tok, ty, p)

static inline IOReturn
IOUserClient_clientClose(IOUserClient *self)
{
	return OSVtbl(IOUserClient, self)->clientClose(self);
}
#define IOUserClient_clientClose(s) IOUserClient_clientClose(IOUC_(s))

static inline IOReturn
IOUserClient_clientDied(IOUserClient *self)
{
	return OSVtbl(IOUserClient, self)->clientDied(self);
}
#define IOUserClient_clientDied(s) IOUserClient_clientDied(IOUC_(s))

static inline IOService *
IOUserClient_getService(IOUserClient *self)
{
	return OSVtbl(IOUserClient, self)->getService(self);
}
#define IOUserClient_getService(s) IOUserClient_getService(IOUC_(s))

static inline IOReturn
IOUserClient_registerNotificationPort(IOUserClient *self, mach_port_t port, UInt32 type,
                                      io_user_reference_t refCon)
{
	return OSVtbl(IOUserClient, self)->registerNotificationPort(self, port, type, refCon);
}
#define IOUserClient_registerNotificationPort(s, p, t, r) \
	IOUserClient_registerNotificationPort(IOUC_(s), p, t, r)

static inline IOReturn
IOUserClient_connectClient(IOUserClient *self, IOUserClient *client)
{
	return OSVtbl(IOUserClient, self)->connectClient(self, client);
}
#define IOUserClient_connectClient(s, c) IOUserClient_connectClient(IOUC_(s), IOUC_(c))

static inline IOReturn
IOUserClient_clientMemoryForType(IOUserClient *self, UInt32 type, IOOptionBits *options,
                                 IOMemoryDescriptor **memory)
{
	return OSVtbl(IOUserClient, self)->clientMemoryForType(self, type, options, memory);
}
#define IOUserClient_clientMemoryForType(s, t, o, m) IOUserClient_clientMemoryForType(IOUC_(s), t, o, m)

static inline IOReturn
IOUserClient_externalMethod(IOUserClient *self, uint32_t selector, IOExternalMethodArguments *arguments,
                            IOExternalMethodDispatch *dispatch, OSObject *target, void *reference)
{
	return OSVtbl(IOUserClient, self)
	        ->externalMethod(self, selector, arguments, dispatch, target, reference);
}
#define IOUserClient_externalMethod(s, sel, a, d, t, r) IOUserClient_externalMethod(IOUC_(s), sel, a, d, t, r)

/* ---- non-virtual ------------------------------------------------------------- */

/*
 * Does the task behind securityToken (the one newUserClient and initWithTask
 * got) hold the privilege? kIOClientPrivilegeAdministrator: its effective uid
 * is 0; kIOClientPrivilegeLocalUser and kIOClientPrivilegeForeground: every
 * client process qualifies (one console, no background state).
 * kIOReturnSuccess, kIOReturnNotPrivileged, or kIOReturnUnsupported for an
 * unknown name.
 */
IOReturn IOUserClient_clientHasPrivilege(void *securityToken, const char *privilegeName);

/* The task that opened the client (kexthost: XNU keeps it private); NULL once it has died. */
task_t IOUserClient_getOwner(const IOUserClient *self);
#define IOUserClient_getOwner(s) IOUserClient_getOwner((const IOUserClient *)OSObj(s))

/*
 * Async results (ionotify: they live in iokit/Kernel/IOUserClientAsync.c).
 * setAsyncReference64 fills a reference with the port and the callback the
 * caller's IOConnectCallAsyncMethod gave; sendAsyncResult64 sends result and
 * up to 16 arguments to it.
 */
void IOUserClient_setAsyncReference64(OSAsyncReference64 asyncRef, mach_port_t wakePort,
                                      mach_vm_address_t callback, io_user_reference_t refcon);
IOReturn IOUserClient_sendAsyncResult64(OSAsyncReference64 reference, IOReturn result,
                                        io_user_reference_t args[], UInt32 numArgs);
/*
 * The rest of the async API (IOUserClientAsync.c). reference[0] holds the
 * wake port and these flags in its low bits. A successful
 * IOConnectCallAsyncMethod leaves a send right to the wake port in the
 * reference; releaseAsyncReference64 drops it when the driver is done with
 * the reference (XNU drivers often never do; the right then lives as long
 * as the kernel). sendAsyncResult64 sends with MACH_SEND_ALWAYS (up to the
 * port's kernel limit); with kIOUserNotifyOptionCanDrop it gives up at the
 * port's queue limit instead (MACH_SEND_TIMED_OUT). releaseNotificationPort
 * drops the send right registerNotificationPort was given.
 */
enum {
	kIOUCAsync0Flags = 3ULL,
	kIOUCAsync64Flag = 1ULL,
	kIOUCAsyncErrorLoggedFlag = 2ULL,
};
IOReturn IOUserClient_sendAsyncResult64WithOptions(OSAsyncReference64 reference, IOReturn result,
                                                   io_user_reference_t args[], UInt32 numArgs,
                                                   IOOptionBits options);
IOReturn IOUserClient_releaseAsyncReference64(OSAsyncReference64 reference);
IOReturn IOUserClient_releaseNotificationPort(mach_port_t port);

/*
 * IOService::newUserClient's default, for a service that overrides it and
 * wants the default for some types: the class named by the service's
 * IOUserClientClass property, alloc -> initWithTask -> attach -> start.
 * No IOUserClientClass property, a class that is no IOUserClient, attach or
 * start failing: kIOReturnUnsupported; no such class (or no memory):
 * kIOReturnNoMemory; initWithTask refusing: kIOReturnBadArgument.
 */
IOReturn IOService_newUserClientDefault(IOService *self, task_t owningTask, void *securityID, UInt32 type,
                                        OSDictionary *properties, IOUserClient **handler);

__END_DECLS

#endif /* _IOKIT_IOUSERCLIENT_H */
