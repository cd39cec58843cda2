/*
 * uctest.h — a service with a user client for the user-client tests, the
 * fuzz target and the benchmark, in public KPI only (the same source is the
 * test kext tests/userclient/UCTest). Each image that includes it gets its
 * own classes and counters.
 *
 * UCTestService: an IOService whose IOUserClientClass is UCTestUserClient;
 * its newUserClient refuses kUCTypeAdmin to a caller that isn't root
 * (kIOReturnNotPrivileged), then takes the default path.
 * UCTestUserClient: the selector range check, then a table of
 * IOExternalMethodDispatch entries (below) given to the superclass's
 * externalMethod, which checks counts and sizes. initWithTask refuses
 * kUCTypeRefuse. Counters record opens, closes, deaths and frees.
 */
#ifndef TESTS_IOKIT_UCTEST_H
#define TESTS_IOKIT_UCTEST_H

#include <string.h>
#include <IOKit/IOUserClient.h>
#include <IOKit/IOLib.h>

#include <IOKit/IOMemoryDescriptor.h>

enum { kUCTypeNormal = 0, kUCTypeAdmin = 1, kUCTypeRefuse = 2 };

enum {
	kUCAdd,        /* 2 scalars in, 1 out: the sum */
	kUCEcho,       /* struct in, struct out, any sizes: the input, cut to the room */
	kUCFixed,      /* 16-byte struct in, 16-byte struct out: the input reversed */
	kUCScalars16,  /* 16 scalars in, 16 out: each doubled */
	kUCSleep,      /* 1 scalar in: sleep that many ms, then count the call done */
	kUCStats,      /* 8 scalars out: the counters (UCStat*) */
	kUCSum,        /* struct in, any size (a descriptor above 4096 bytes): 1 scalar out, the byte sum */
	kUCFill,       /* struct out, any size: byte i = (i * 7 + 1) & 0xff */
	kUCNoFunction, /* an entry without a function: kIOReturnNoCompletion */
	kUCVariable,   /* any scalar counts: echoes min(in, out) scalars */
	kUCMethodCount
};

enum {
	UCStatOpens,
	UCStatCloses,
	UCStatDieds, /* clientDied of a client its owner never closed */
	UCStatFrees,
	UCStatSleepsStarted,
	UCStatSleepsDone,
	UCStatSleepsAtDeath, /* SleepsDone when the last clientDied ran */
	UCStatCount = 8
};

static uint64_t uct_stat[UCStatCount];

static inline void
uct_count(int which)
{
	__atomic_add_fetch(&uct_stat[which], 1, __ATOMIC_RELAXED);
}

static inline uint64_t
uct_get(int which)
{
	return __atomic_load_n(&uct_stat[which], __ATOMIC_RELAXED);
}

/* ---- the user client ---------------------------------------------------------------- */

OSDeclareDefaultStructors(UCTestUserClient, IOUserClient);
struct UCTestUserClient {
	IOUserClient super;
	task_t owner;
	UInt32 type;
	bool closed;
};

static IOReturn
uct_add(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	a->scalarOutput[0] = a->scalarInput[0] + a->scalarInput[1];
	return kIOReturnSuccess;
}

static IOReturn
uct_echo(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	uint32_t n = a->structureInputSize < a->structureOutputSize ? a->structureInputSize
	                                                            : a->structureOutputSize;

	if (a->structureInputDescriptor != NULL || a->structureOutputDescriptor != NULL)
		return kIOReturnBadArgument; /* inband only */
	if (n > 0)
		memcpy(a->structureOutput, a->structureInput, n);
	a->structureOutputSize = n;
	return kIOReturnSuccess;
}

static IOReturn
uct_fixed(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	const uint8_t *in = a->structureInput;
	uint8_t *out = a->structureOutput;

	for (int i = 0; i < 16; i++)
		out[i] = in[15 - i];
	return kIOReturnSuccess;
}

static IOReturn
uct_scalars16(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	for (int i = 0; i < 16; i++)
		a->scalarOutput[i] = a->scalarInput[i] * 2;
	return kIOReturnSuccess;
}

static IOReturn
uct_sleep(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	uct_count(UCStatSleepsStarted);
	IOSleep((unsigned)(a->scalarInput[0] > 10000 ? 10000 : a->scalarInput[0]));
	uct_count(UCStatSleepsDone);
	return kIOReturnSuccess;
}

static IOReturn
uct_stats(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	for (int i = 0; i < UCStatCount; i++)
		a->scalarOutput[i] = uct_get(i);
	return kIOReturnSuccess;
}

static IOReturn
uct_sum(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	uint64_t sum = 0;

	if (a->structureInputDescriptor != NULL) {
		uint8_t buf[256];
		IOByteCount len = IOMemoryDescriptor_getLength(a->structureInputDescriptor), off = 0, n;

		while (off < len) {
			n = IOMemoryDescriptor_readBytes(a->structureInputDescriptor, off, buf,
			                                 len - off < sizeof(buf) ? len - off : sizeof(buf));
			if (n == 0)
				return kIOReturnVMError;
			for (IOByteCount i = 0; i < n; i++)
				sum += buf[i];
			off += n;
		}
	} else {
		for (uint32_t i = 0; i < a->structureInputSize; i++)
			sum += ((const uint8_t *)a->structureInput)[i];
	}
	a->scalarOutput[0] = sum;
	return kIOReturnSuccess;
}

static IOReturn
uct_fill(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	if (a->structureOutputDescriptor != NULL) {
		uint8_t buf[256];
		IOByteCount len = IOMemoryDescriptor_getLength(a->structureOutputDescriptor), off = 0, n;

		while (off < len) {
			n = len - off < sizeof(buf) ? len - off : sizeof(buf);
			for (IOByteCount i = 0; i < n; i++)
				buf[i] = (uint8_t)(((off + i) * 7 + 1) & 0xff);
			if (IOMemoryDescriptor_writeBytes(a->structureOutputDescriptor, off, buf, n) != n)
				return kIOReturnVMError;
			off += n;
		}
		a->structureOutputDescriptorSize = (uint32_t)len;
		return kIOReturnSuccess;
	}
	for (uint32_t i = 0; i < a->structureOutputSize; i++)
		((uint8_t *)a->structureOutput)[i] = (uint8_t)((i * 7 + 1) & 0xff);
	return kIOReturnSuccess;
}

static IOReturn
uct_variable(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	uint32_t n = a->scalarInputCount < a->scalarOutputCount ? a->scalarInputCount : a->scalarOutputCount;

	for (uint32_t i = 0; i < n; i++)
		a->scalarOutput[i] = a->scalarInput[i];
	a->scalarOutputCount = n;
	return kIOReturnSuccess;
}

#define UCV kIOUCVariableStructureSize
static const IOExternalMethodDispatch uct_methods[kUCMethodCount] = {
        [kUCAdd] = {uct_add, 2, 0, 1, 0},       [kUCEcho] = {uct_echo, 0, UCV, 0, UCV},
        [kUCFixed] = {uct_fixed, 0, 16, 0, 16}, [kUCScalars16] = {uct_scalars16, 16, 0, 16, 0},
        [kUCSleep] = {uct_sleep, 1, 0, 0, 0},   [kUCStats] = {uct_stats, 0, 0, UCStatCount, 0},
        [kUCSum] = {uct_sum, 0, UCV, 1, 0},     [kUCFill] = {uct_fill, 0, 0, 0, UCV},
        [kUCNoFunction] = {NULL, 0, 0, 0, 0},   [kUCVariable] = {uct_variable, UCV, 0, UCV, 0},
};
#undef UCV

static IOReturn
UCTestUserClient_externalMethod(IOUserClient *self, uint32_t selector, IOExternalMethodArguments *args,
                                IOExternalMethodDispatch *dispatch, OSObject *target, void *reference)
{
	if (selector >= kUCMethodCount)
		return kIOReturnUnsupported;
	return OSSuperCall(UCTestUserClient, externalMethod, self, selector, args,
	                   (IOExternalMethodDispatch *)&uct_methods[selector], OSObj(self), NULL);
}

static bool
UCTestUserClient_initWithTask(IOUserClient *self, task_t owningTask, void *securityToken, UInt32 type,
                              OSDictionary *properties)
{
	UCTestUserClient *me = (UCTestUserClient *)self;

	if (type == kUCTypeRefuse)
		return false;
	if (!OSSuperCall(UCTestUserClient, initWithTask, self, owningTask, securityToken, type, properties))
		return false;
	me->owner = owningTask;
	me->type = type;
	uct_count(UCStatOpens);
	return true;
}

static IOReturn
UCTestUserClient_clientClose(IOUserClient *self)
{
	__atomic_store_n(&((UCTestUserClient *)self)->closed, true, __ATOMIC_RELEASE);
	uct_count(UCStatCloses);
	return OSSuperCall(UCTestUserClient, clientClose, self);
}

static IOReturn
UCTestUserClient_clientDied(IOUserClient *self)
{
	/* Counted only for an owner that went away without closing. */
	if (!__atomic_load_n(&((UCTestUserClient *)self)->closed, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&uct_stat[UCStatSleepsAtDeath], uct_get(UCStatSleepsDone), __ATOMIC_RELAXED);
		uct_count(UCStatDieds);
	}
	return OSSuperCall(UCTestUserClient, clientDied, self);
}

static void
UCTestUserClient_free(OSObject *obj)
{
	uct_count(UCStatFrees);
	OSSuperCallAs(UCTestUserClient, OSObject, free, obj);
}

static const OSMethod UCTestUserClient_methods[] = {
        OSMethodOverride(OSObject, free, UCTestUserClient_free),
        OSMethodOverride(IOUserClient, initWithTask, UCTestUserClient_initWithTask),
        OSMethodOverride(IOUserClient, clientClose, UCTestUserClient_clientClose),
        OSMethodOverride(IOUserClient, clientDied, UCTestUserClient_clientDied),
        OSMethodOverride(IOUserClient, externalMethod, UCTestUserClient_externalMethod),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(UCTestUserClient, IOUserClient, UCTestUserClient_methods);

/* ---- the service ------------------------------------------------------------------------ */

OSDeclareDefaultStructors(UCTestService, IOService);
struct UCTestService {
	IOService super;
};

static IOReturn
UCTestService_newUserClient(IOService *self, task_t owningTask, void *securityID, UInt32 type,
                            OSDictionary *properties, IOUserClient **handler)
{
	if (type == kUCTypeAdmin &&
	    IOUserClient_clientHasPrivilege(securityID, kIOClientPrivilegeAdministrator) != kIOReturnSuccess)
		return kIOReturnNotPrivileged;
	return OSSuperCall(UCTestService, newUserClient, self, owningTask, securityID, type, properties,
	                   handler);
}

static bool
UCTestService_start(IOService *self, IOService *provider)
{
	if (!OSSuperCall(UCTestService, start, self, provider))
		return false;
	(void)IORegistryEntry_setPropertyString(self, kIOUserClientClassKey, "UCTestUserClient");
	IOService_registerService(self, 0);
	return true;
}

static const OSMethod UCTestService_methods[] = {
        OSMethodOverride(IOService, newUserClient, UCTestService_newUserClient),
        OSMethodOverride(IOService, start, UCTestService_start),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(UCTestService, IOService, UCTestService_methods);

#endif /* TESTS_IOKIT_UCTEST_H */
