/*
 * memtest.h — a service whose user client shares memory, for the memory
 * tests (kernel side: tests/iokit/test_memory_uc.c; user side: the MemTest
 * kext, tests/iomem.sh) and the memory benchmark. Public KPI only; each
 * image that includes it gets its own classes.
 *
 * MemTestService (on IOResources) owns a 64 KiB shared buffer and a 1 MiB
 * shared buffer. MemTestUserClient's clientMemoryForType:
 *   kMemTypeShared    the 64 KiB buffer
 *   kMemTypeReadOnly  the same buffer, mapped read-only (options)
 *   kMemTypePrivate   a buffer not made kIOMemoryKernelUserShared (refused)
 *   kMemTypeBig       the 1 MiB buffer
 * and its methods:
 *   kMemSum(offset, length) -> sum of those bytes of the 64 KiB buffer
 *   kMemFill(seed)          byte i of the 64 KiB buffer = seed + i
 *   kMemProduce(n)          the first n bytes of the 1 MiB buffer = memtest_pattern
 *                           (copied from a pattern buffer made at start)
 *   kMemStructOut           struct out of any size = memtest_pattern, copied
 *                           from the same buffer (a descriptor above 4096 bytes)
 */
#ifndef TESTS_IOKIT_MEMTEST_H
#define TESTS_IOKIT_MEMTEST_H

#include <IOKit/IOUserClient.h>
#include <IOKit/IOBufferMemoryDescriptor.h>
#include <IOKit/IOLib.h>

enum { kMemTypeShared = 0, kMemTypeReadOnly = 1, kMemTypePrivate = 2, kMemTypeBig = 3 };
enum { kMemSum, kMemFill, kMemProduce, kMemStructOut, kMemMethodCount };

#define MEMTEST_SHARED_SIZE (64u * 1024u)
#define MEMTEST_BIG_SIZE (1024u * 1024u)

/* Byte i of the produced data. */
static inline uint8_t
memtest_pattern(uint64_t i)
{
	return (uint8_t)((i * 13 + 5) & 0xff);
}

static inline void
memtest_produce(uint8_t *dst, uint64_t at, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		dst[i] = memtest_pattern(at + i);
}

OSDeclareDefaultStructors(MemTestService, IOService);
struct MemTestService {
	IOService super;
	IOBufferMemoryDescriptor *shared, *big, *priv;
	uint8_t *pattern; /* MEMTEST_BIG_SIZE bytes of memtest_pattern, made once */
};

OSDeclareDefaultStructors(MemTestUserClient, IOUserClient);
struct MemTestUserClient {
	IOUserClient super;
};

static MemTestService *
memtest_service(OSObject *target)
{
	return OSDynamicCast(MemTestService, IOService_getProvider((IOService *)target));
}

static IOReturn
memtest_sum(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	MemTestService *s = memtest_service(target);
	const uint8_t *p;
	uint64_t sum = 0;

	if (s == NULL)
		return kIOReturnNotAttached;
	if (a->scalarInput[0] > MEMTEST_SHARED_SIZE ||
	    a->scalarInput[1] > MEMTEST_SHARED_SIZE - a->scalarInput[0])
		return kIOReturnBadArgument;
	p = (const uint8_t *)IOBufferMemoryDescriptor_getBytesNoCopy(s->shared) + a->scalarInput[0];
	for (uint64_t i = 0; i < a->scalarInput[1]; i++)
		sum += p[i];
	a->scalarOutput[0] = sum;
	return kIOReturnSuccess;
}

static IOReturn
memtest_fill(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	MemTestService *s = memtest_service(target);
	uint8_t *p;

	if (s == NULL)
		return kIOReturnNotAttached;
	p = IOBufferMemoryDescriptor_getBytesNoCopy(s->shared);
	for (uint32_t i = 0; i < MEMTEST_SHARED_SIZE; i++)
		p[i] = (uint8_t)(a->scalarInput[0] + i);
	return kIOReturnSuccess;
}

static IOReturn
memtest_produce_method(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	MemTestService *s = memtest_service(target);

	if (s == NULL)
		return kIOReturnNotAttached;
	if (a->scalarInput[0] > MEMTEST_BIG_SIZE)
		return kIOReturnBadArgument;
	memcpy(IOBufferMemoryDescriptor_getBytesNoCopy(s->big), s->pattern, a->scalarInput[0]);
	return kIOReturnSuccess;
}

/* The same bytes as kMemProduce, through the caller's own buffer. */
static IOReturn
memtest_struct_out(OSObject *target, void *ref, IOExternalMethodArguments *a)
{
	MemTestService *s = memtest_service(target);

	if (s == NULL)
		return kIOReturnNotAttached;
	if (a->structureOutputDescriptor != NULL) {
		IOMemoryDescriptor *md = a->structureOutputDescriptor;
		IOByteCount len = IOMemoryDescriptor_getLength(md), off = 0, n;

		/* The pattern repeats every 256 bytes, so the 1 MiB copy serves any length. */
		while (off < len) {
			n = len - off < MEMTEST_BIG_SIZE ? len - off : MEMTEST_BIG_SIZE;
			if (IOMemoryDescriptor_writeBytes(md, off, s->pattern, n) != n)
				return kIOReturnVMError;
			off += n;
		}
		a->structureOutputDescriptorSize = (uint32_t)len;
		return kIOReturnSuccess;
	}
	memcpy(a->structureOutput, s->pattern, a->structureOutputSize);
	return kIOReturnSuccess;
}

static const IOExternalMethodDispatch memtest_methods[kMemMethodCount] = {
        [kMemSum] = {memtest_sum, 2, 0, 1, 0},
        [kMemFill] = {memtest_fill, 1, 0, 0, 0},
        [kMemProduce] = {memtest_produce_method, 1, 0, 0, 0},
        [kMemStructOut] = {memtest_struct_out, 0, 0, 0, kIOUCVariableStructureSize},
};

static IOReturn
MemTestUserClient_externalMethod(IOUserClient *self, uint32_t selector, IOExternalMethodArguments *args,
                                 IOExternalMethodDispatch *dispatch, OSObject *target, void *reference)
{
	if (selector >= kMemMethodCount)
		return kIOReturnUnsupported;
	return OSSuperCall(MemTestUserClient, externalMethod, self, selector, args,
	                   (IOExternalMethodDispatch *)&memtest_methods[selector], OSObj(self), NULL);
}

static IOReturn
MemTestUserClient_clientMemoryForType(IOUserClient *self, UInt32 type, IOOptionBits *options,
                                      IOMemoryDescriptor **memory)
{
	MemTestService *s = memtest_service(OSObj(self));
	IOBufferMemoryDescriptor *b;

	if (s == NULL)
		return kIOReturnNotAttached;
	switch (type) {
	case kMemTypeShared:
		b = s->shared;
		break;
	case kMemTypeReadOnly:
		b = s->shared;
		*options |= kIOMapReadOnly;
		break;
	case kMemTypePrivate:
		b = s->priv;
		break;
	case kMemTypeBig:
		b = s->big;
		break;
	default:
		return kIOReturnBadArgument;
	}
	OSObject_retain(b); /* the caller consumes a reference */
	*memory = (IOMemoryDescriptor *)b;
	return kIOReturnSuccess;
}

static const OSMethod MemTestUserClient_methods[] = {
        OSMethodOverride(IOUserClient, externalMethod, MemTestUserClient_externalMethod),
        OSMethodOverride(IOUserClient, clientMemoryForType, MemTestUserClient_clientMemoryForType),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(MemTestUserClient, IOUserClient, MemTestUserClient_methods);

static bool
MemTestService_start(IOService *self, IOService *provider)
{
	MemTestService *me = (MemTestService *)self;
	IOOptionBits shared = kIOMemoryKernelUserShared | kIODirectionInOut;

	if (!OSSuperCall(MemTestService, start, self, provider))
		return false;
	me->shared =
	        IOBufferMemoryDescriptor_inTaskWithOptions(kernel_task, shared, MEMTEST_SHARED_SIZE, 4096);
	me->big = IOBufferMemoryDescriptor_inTaskWithOptions(kernel_task, shared, MEMTEST_BIG_SIZE, 4096);
	me->priv = IOBufferMemoryDescriptor_withCapacity(4096, kIODirectionInOut, false);
	me->pattern = IOMalloc(MEMTEST_BIG_SIZE);
	if (me->shared == NULL || me->big == NULL || me->priv == NULL || me->pattern == NULL)
		return false;
	memtest_produce(me->pattern, 0, MEMTEST_BIG_SIZE);
	(void)IORegistryEntry_setPropertyString(self, kIOUserClientClassKey, "MemTestUserClient");
	IOService_registerService(self, 0);
	return true;
}

static void
MemTestService_free(OSObject *obj)
{
	MemTestService *me = (MemTestService *)obj;

	OSSafeReleaseNULL(me->shared);
	OSSafeReleaseNULL(me->big);
	OSSafeReleaseNULL(me->priv);
	if (me->pattern != NULL)
		IOFree(me->pattern, MEMTEST_BIG_SIZE);
	me->pattern = NULL;
	OSSuperCallAs(MemTestService, OSObject, free, obj);
}

static const OSMethod MemTestService_methods[] = {
        OSMethodOverride(OSObject, free, MemTestService_free),
        OSMethodOverride(IOService, start, MemTestService_start),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(MemTestService, IOService, MemTestService_methods);

#endif /* TESTS_IOKIT_MEMTEST_H */
